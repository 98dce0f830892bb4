#!/usr/bin/env bash
# Bounded cost on hostile input (DESIGN V10, issue 10 point 7): a pack whose
# delta expands a 64 KiB blob to 256 MiB (a few kB of pack, written here by
# tests/e2e/delta_pack.py) is refused by its delta's header, before anything
# resolves it: bundle import refuses it naming the limit, with nothing moved,
# no pack kept and a peak memory far below the blob's size; verify of a
# registry holding it in a local pack reads its size from the delta's header
# (V10, the limit named, memory far below), and so does receive from a path
# holding it (test_withstand_delta_ssh.sh: fetch over ssh). Twins: a bundle whose pack holds
# deltas of two similar records imports; the same delta trick within the
# limit passes the scan.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

RESULT_KIB=$((256 * 1024))
setup_city_and_contractor
(cd "$T/acme" && "$ITAKU" acknowledge >/dev/null)
(cd "$T/city" && "$ITAKU" receive acme "$T/acme" >/dev/null)

# peak_kb CMD...: runs CMD; its peak resident memory in kB goes to $T/peak
peak_kb() {
    python3 -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$T/peak" "$@"
}
packs() { find "$1/.git/objects/pack" -name '*.pack' | sort; }

# A commit of acme's adding an attachment whose blob is the delta's result;
# the blob exists only in the pack written below.
cd "$T/acme"
main=$(git rev-parse main)
{ read -r big; read -r sha; read -r _; } < <(python3 "$SRC/tests/e2e/delta_pack.py" oid "$RESULT_KIB" 64)
att=parties/acme/attachments/$sha
git update-index --add --cacheinfo "100644,$big,$att"
tree=$(git write-tree --missing-ok)
git reset -q
msg="A big attachment

$(printf 'Itaku-Party: acme\nItaku-Principal: manager\nItaku-Action: submit\nItaku-Record: %s\nItaku-Content-SHA256: %s\n' \
    "$att" "$(printf '%s %s\n' "$att" "$sha" | sha256sum | cut -d' ' -f1)")"
commit=$(git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit-tree -S "$tree" -p "$main" -m "$msg")
mapfile -t objs < <(git rev-list --objects --missing=print "$commit" "^$main" | awk '{print $1}' | grep -v '^?')
[ "${#objs[@]}" -ge 4 ] || fail "the commit's new objects were not listed: ${objs[*]}"

# 1. bundle import: refused by the delta's header
python3 "$SRC/tests/e2e/delta_pack.py" pack "$T/bomb.bundle" "$RESULT_KIB" 64 \
    --bundle "$main" "$commit" "${objs[@]}" >/dev/null
[ "$(stat -c %s "$T/bomb.bundle")" -lt 65536 ] || fail "the hostile bundle is not small"
cd "$T/city"
before=$(state_of .)
packs_before=$(packs .)
expect_exit 2 peak_kb "$ITAKU" bundle import "$T/bomb.bundle" --from acme
expect_output "the pack in .*bomb.bundle: object [0-9]+ \(at byte [0-9]+\) is a delta whose result is $((RESULT_KIB * 1024)) bytes, over the limit of 20971520 bytes; it was not inflated"
expect_output "nothing was taken"
[ "$(state_of .)" = "$before" ] || fail "a refused bundle import changed the registry"
[ "$(packs .)" = "$packs_before" ] || fail "a refused bundle import kept a pack"
rss=$(cat "$T/peak")
[ "$rss" -lt 200000 ] || fail "bundle import's peak memory is $rss kB: the delta was resolved"
ok "bundle import refuses a delta expanding to 256 MiB by its header, naming the limit, at $rss kB peak"

# 2. verify of a registry holding the delta in a local pack (with its index,
# so no git resolves it): the size comes from the delta's header
cd "$T/acme"
pack=$(python3 "$SRC/tests/e2e/delta_pack.py" pack "$T/bomb.pack" "$RESULT_KIB" 64 \
    --idx "$T/bomb.idx" "${objs[@]}")
cp "$T/bomb.pack" ".git/objects/pack/pack-$pack.pack"
cp "$T/bomb.idx" ".git/objects/pack/pack-$pack.idx"
[ "$(git cat-file -s "$big")" = $((RESULT_KIB * 1024)) ] || fail "git does not read the delta's size"
git update-ref refs/heads/big "$commit"
expect_exit 1 peak_kb "$ITAKU" verify --full big
expect_output "^${commit:0:12} V10 $att"
expect_output "20971520"
rss=$(cat "$T/peak")
[ "$rss" -lt 200000 ] || fail "verify's peak memory is $rss kB: the delta was resolved"
git update-ref -d refs/heads/big
expect_exit 0 "$ITAKU" verify --full
ok "verify refuses (V10) an attachment stored as a delta expanding to 256 MiB, at $rss kB peak"

# 3. receive from a path holding it: libgit2 packs a path remote's objects
# in this process, so their sizes are read from the headers there first
git update-ref refs/heads/main "$commit"
cd "$T/city"
before=$(state_of .)
packs_before=$(packs .)
expect_exit 2 peak_kb "$ITAKU" receive acme "$T/acme"
expect_output "cannot fetch from $T/acme: blob $big in $T/acme is $((RESULT_KIB * 1024)) bytes, over the limit of 20971520 bytes; it was not read; nothing was taken"
[ "$(state_of .)" = "$before" ] || fail "a refused receive changed the registry"
[ "$(packs .)" = "$packs_before" ] || fail "a refused receive kept a pack"
rss=$(cat "$T/peak")
[ "$rss" -lt 200000 ] || fail "receive's peak memory is $rss kB: the delta was resolved"
git -C "$T/acme" update-ref refs/heads/main "$main"
ok "receive from a path holding the delta refuses it by its header, naming the limit, at $rss kB peak"

# 3b. bundle create in acme's registry holding it: the object is never packed
cd "$T/acme"
git update-ref refs/heads/main "$commit"
before=$(state_of .)
packs_before=$(packs .)
expect_exit 2 peak_kb "$ITAKU" bundle create "$T/out.bundle" --for city
expect_output "blob $big is $((RESULT_KIB * 1024)) bytes, over the limit of 20971520"
[ ! -e "$T/out.bundle" ] || fail "a refused bundle create wrote a bundle"
ls "$T" | has '^out\.bundle\.tmp' && fail "a refused bundle create left a temporary file"
[ "$(state_of .)" = "$before" ] || fail "a refused bundle create changed the registry"
[ "$(packs .)" = "$packs_before" ] || fail "a refused bundle create wrote a pack"
rss=$(cat "$T/peak")
[ "$rss" -lt 200000 ] || fail "bundle create's peak memory is $rss kB: the object was packed"
git update-ref refs/heads/main "$main"
ok "bundle create refuses to pack an object over its limit, naming it and the limit, at $rss kB peak"

# Twin: two similar records, delta-compressed in the bundle, import
cd "$T/acme"
rm -f ".git/objects/pack/pack-$pack.pack" ".git/objects/pack/pack-$pack.idx"
git reset -q --hard main
add_entry 1
add_entry 2
expect_exit 0 "$ITAKU" bundle create "$T/twin.bundle" --for city
python3 - "$T/twin.bundle" "$T/twin.pack" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d[d.index(b"\n\n") + 2:])
PY
(cd "$T/acme" && git index-pack -o "$T/twin.idx" "$T/twin.pack" >/dev/null &&
    git verify-pack -v "$T/twin.idx" >"$T/twin.list") || fail "the twin bundle's pack is damaged"
grep -qE '^[0-9a-f]{40} (blob|tree) +[0-9]+ [0-9]+ [0-9]+ 1 ' "$T/twin.list" ||
    fail "the twin bundle's pack holds no delta: $(cat "$T/twin.list")"
cd "$T/city"
expect_exit 0 "$ITAKU" bundle import "$T/twin.bundle" --from acme
[ "$(git rev-parse refs/itaku/lines/acme)" = "$(git -C "$T/acme" rev-parse main)" ] ||
    fail "the twin bundle did not move acme's line"
ok "a bundle whose pack holds deltas of two similar records imports"

cd "$T/acme"
add_entry 3
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
[ "$(git rev-parse refs/itaku/lines/acme)" = "$(git -C "$T/acme" rev-parse main)" ] ||
    fail "the twin receive did not move acme's line"
ok "receive from a path of a line within the limits takes it"

# Twin: the same delta trick within the limit (1 MiB) passes the scan; the
# commit is then judged by the rules, not by its pack
cd "$T/acme"
main=$(git rev-parse main)
{ read -r small; read -r ssha; read -r _; } < <(python3 "$SRC/tests/e2e/delta_pack.py" oid 1024 64)
att=parties/acme/attachments/$ssha
git update-index --add --cacheinfo "100644,$small,$att"
tree=$(git write-tree --missing-ok)
git reset -q
commit=$(git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit-tree -S "$tree" -p "$main" -m "A small attachment

$(printf 'Itaku-Party: acme\nItaku-Principal: manager\nItaku-Action: submit\nItaku-Record: %s\nItaku-Content-SHA256: %s\n' \
    "$att" "$(printf '%s %s\n' "$att" "$ssha" | sha256sum | cut -d' ' -f1)")")
mapfile -t objs < <(git rev-list --objects --missing=print "$commit" "^$main" | awk '{print $1}' | grep -v '^?')
python3 "$SRC/tests/e2e/delta_pack.py" pack "$T/small.bundle" 1024 64 \
    --bundle "$main" "$commit" "${objs[@]}" >/dev/null
cd "$T/city"
set +e
"$ITAKU" bundle import "$T/small.bundle" --from acme >"$T/out" 2>"$T/err"
set -e
grep -q "the pack in" "$T/out" "$T/err" && fail "a delta within the limit is refused by the scan: $(cat "$T/err")"
git cat-file -e "$small" 2>/dev/null && [ "$(git cat-file -s "$small")" = 1048576 ] ||
    fail "a delta within the limit was not indexed: $(cat "$T/err")"
ok "a delta expanding to 1 MiB passes the scan and is indexed"

finish
