#!/usr/bin/env bash
# Bundles (DESIGN §7): a subcontractor with no network exchanges only bundle
# files with its contractor. itaku's bundles are stock git bundles v2 (git
# bundle verify, git fetch FILE and git clone accept them); itaku imports
# stock git's bundles, thin incremental ones too; and a damaged, forged or
# incomplete bundle is refused with every ref left as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

setup_city_and_contractor
approve_subcontractor
ok "the city approved acme's form 6 naming sub"

cd "$T/acme"
expect_exit 0 "$ITAKU" bundle create "$T/b1" --for sub
expect_output "the whole history"
head -1 "$T/b1" | has -x '# v2 git bundle' || fail "not a v2 bundle"
git bundle verify "$T/b1" >"$T/out" 2>&1 || fail "git bundle verify refuses itaku's bundle: $(cat "$T/out")"
grep -q "complete history" "$T/out" || fail "a first bundle should hold the whole history"
git clone -q "$T/b1" "$T/plain" || fail "git clone refuses itaku's bundle"
[ "$(git -C "$T/plain" rev-parse HEAD)" = "$(git rev-parse main)" ] || fail "git clone of the bundle checks out another commit"
(cd "$T/plain" && git fetch -q "$T/b1" main:refs/remotes/b/main) || fail "git fetch FILE refuses itaku's bundle"
expect_exit 2 "$ITAKU" bundle create "$T/b1" --for sub
expect_output "already exists"
ok "bundle create writes a v2 bundle that git bundle verify, git clone and git fetch accept"

expect_exit 0 "$ITAKU" clone "$T/b1" "$T/sub" --city-key "$CITY_FPR" --genesis "$GENESIS" --key "$T/sub.key"
cd "$T/sub"
[ "$(git rev-parse main)" = "$(git -C "$T/acme" rev-parse main)" ] || fail "clone from a bundle is not at acme's main"
[ "$(git rev-parse refs/itaku/lines/acme)" = "$(git rev-parse main)" ] || fail "clone from a bundle does not record acme's line"
"$ITAKU" acknowledge >/dev/null
add_entry 1
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" bundle create "$T/s1" --for acme
expect_output "needs what it already holds"
grep -a -q "^-$(git rev-parse refs/itaku/lines/acme)" "$T/s1" || fail "the prerequisite is not acme's line"
(cd "$T/acme" && git bundle verify "$T/s1" >/dev/null 2>&1) || fail "git bundle verify refuses the incremental bundle"
ok "the subcontractor clones from the bundle offline and answers with an incremental bundle"

# --- what an import must withstand: each refused, nothing moved ---
cd "$T/acme"
size=$(stat -c %s "$T/s1")
hlen=$(python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); print(d.index(b"\n\n")+2)' "$T/s1")
for cut in 0 1 10 $((hlen - 2)) $((hlen - 1)) "$hlen" $((hlen + 4)) $((hlen + 12)) \
    $((hlen + 40)) $(((hlen + size) / 2)) $((size - 21)) $((size - 20)) $((size - 1)); do
    head -c "$cut" "$T/s1" >"$T/cut"
    expect_refused "bundle|pack|header|nothing was taken" "$ITAKU" bundle import "$T/cut"
done
ok "a bundle truncated in its header, pack header, objects or checksum is refused"

python3 - "$T/s1" "$T/badsum" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[-1] ^= 0x55
open(sys.argv[2], "wb").write(d)
PY
expect_refused "damaged|trailer|checksum|nothing was taken" "$ITAKU" bundle import "$T/badsum"
ok "a bundle whose pack checksum is wrong is refused"

for first in '# v9 git bundle' '# v3 git bundle' 'PACK' '# v2 git bundle extra'; do
    { printf '%s\n' "$first"; [ "$first" = '# v3 git bundle' ] && printf '@filter=blob:none\n'; tail -n +2 "$T/s1"; } >"$T/badhead"
    expect_refused "not a valid git bundle|capability" "$ITAKU" bundle import "$T/badhead"
done
sed '2s/^-[0-9a-f]*/-zz/' "$T/s1" >"$T/badhead"
expect_refused "line 2 is not a prerequisite" "$ITAKU" bundle import "$T/badhead"
ok "a bundle with a wrong header (signature, capability, prerequisite line) is refused"

missing=0123456789abcdef0123456789abcdef01234567
python3 - "$T/s1" "$T/badref" "$missing" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
head, sep, pack = d.partition(b"\n\n")
lines = [(sys.argv[3].encode() + l[40:]) if l.endswith(b" refs/heads/main") else l
         for l in head.split(b"\n")]
open(sys.argv[2], "wb").write(b"\n".join(lines) + sep + pack)
PY
expect_refused "refs/heads/main = $missing.*holds that object" "$ITAKU" bundle import "$T/badref"
ok "a bundle naming a ref whose object it lacks is refused"

# --- stock git's bundles, thin and incremental, and quarantine ---
cd "$T/sub"
add_entry 2
add_entry 3
git bundle create -q "$T/gap.bundle" main ^main~1 2>/dev/null
cd "$T/acme"
expect_refused "needs commit $(git -C "$T/sub" rev-parse main~1).*lacks" "$ITAKU" bundle import "$T/gap.bundle" --from sub
ok "a bundle whose prerequisite we lack is refused, naming it"

expect_exit 0 "$ITAKU" bundle import "$T/s1"
expect_output "line of sub +new at"
# the next step named: receive takes the line in
expect_output "^Next: itaku receive sub checks sub's new records"
expect_exit 0 "$ITAKU" receive sub
# again, with no path: nothing new, and it says it looked only at what was
# already fetched or imported, and how to look further
expect_exit 0 "$ITAKU" receive sub
expect_output "^Nothing new from sub among what was already fetched: .*run itaku fetch \(or itaku bundle import FILE\), or give where from: itaku receive sub PATH\|URL"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" receive sub
expect_output "^sub から新しいものはありません（すでに取得済みのものだけを見ました）"
ok "bundle import names the next step (itaku receive sub); receive with no path says it looked only at what was fetched"
cd "$T/sub"
git bundle create -q "$T/thin.bundle" main ^refs/itaku/lines/acme ^"$(git -C "$T/acme" rev-parse refs/itaku/lines/sub)" 2>/dev/null
git init -q "$T/empty"
python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.stdout.buffer.write(d[d.index(b"\n\n") + 2:])' \
    "$T/thin.bundle" >"$T/thin.pack"
(cd "$T/empty" && git index-pack --stdin <"$T/thin.pack" >/dev/null 2>&1) &&
    fail "stock git's incremental bundle was not thin: the test proves nothing"
cd "$T/acme"
expect_refused "does not say whose line" "$ITAKU" bundle import "$T/thin.bundle"
expect_exit 0 "$ITAKU" bundle import "$T/thin.bundle" --from sub
[ "$(git rev-parse refs/itaku/lines/sub)" = "$(git -C "$T/sub" rev-parse main)" ] || fail "the thin bundle did not move sub's line"
expect_exit 0 "$ITAKU" receive sub
expect_exit 0 "$ITAKU" verify
ok "itaku imports stock git bundles, a thin incremental one too, and receives the line"

# a forged commit (unsigned) inside a stock bundle: refused, naming commit and rule
git clone -q "$T/sub" "$T/forger"
cd "$T/forger"
write_record parties/sub/register/r-000009.json "$(register_body)"
git add parties && git commit -q -m "Unsigned entry"
forged=$(git rev-parse HEAD)
git bundle create -q "$T/forged.bundle" main ^"$(git -C "$T/acme" rev-parse refs/itaku/lines/sub)" 2>/dev/null
cd "$T/acme"
expect_refused "commit ${forged:0:12} breaks V1" "$ITAKU" bundle import "$T/forged.bundle" --from sub
git for-each-ref refs/itaku/incoming | has . && fail "the quarantine was not emptied"
ok "a bundle with a forged commit is refused naming commit and rule; nothing moved"

# the way back: acme's receipt reaches sub as an incremental bundle
expect_exit 0 "$ITAKU" bundle create "$T/a2" --for sub
expect_output "needs what it already holds"
cd "$T/sub"
expect_exit 0 "$ITAKU" bundle import "$T/a2"
# main is not moved by the import (the line is): the next step is named
expect_output "^Next: itaku pull refs/itaku/lines/acme takes acme's new commits into main\.$"
expect_exit 0 "$ITAKU" pull
expect_output "Fast-forwarded|Merged"
expect_exit 0 "$ITAKU" verify
[ "$(git rev-parse main)" = "$(git -C "$T/acme" rev-parse main)" ] || fail "sub is not at acme's main after the pull"
ok "acme's receipt comes back in a bundle; sub pulls it offline and verify passes"

# --- the pack: deltas between the versions of a folder, as in git's own ---
for i in $(seq 20 34); do add_entry "$i"; done
expect_exit 0 "$ITAKU" bundle create "$T/s2" --for acme
base=$(git rev-parse refs/itaku/lines/acme)
# the pack itself starts after the header's blank line
pack_at=$(grep -a -b -m1 -x '' "$T/s2" | cut -d: -f1)
tail -c +$((pack_at + 2)) "$T/s2" >"$T/s2.pack"
git index-pack -o "$T/s2.idx" "$T/s2.pack" >/dev/null || fail "the bundle's pack does not index"
deltas=$(git verify-pack -v "$T/s2.idx" | awk '$2 ~ /^(tree|blob)$/ && NF >= 7' | wc -l)
[ "$deltas" -ge 10 ] || fail "only $deltas objects of the bundle are deltas: each version of the register folder is stored whole"
theirs=$(git rev-list --objects main "^$base" | git pack-objects -q --stdout | wc -c)
ours=$(wc -c <"$T/s2.pack")
[ "$ours" -le $((theirs * 3 / 2)) ] || fail "the bundle's pack is $ours bytes, git pack-objects writes $theirs"
ok "the bundle's pack holds deltas and weighs at most 1.5 times git pack-objects' ($ours / $theirs bytes)"

# --- a packed registry: what its packs hold goes out as they hold it ---
# (git gc stores most versions as deltas; bundle create copies them, each
# entry's CRC checked against the pack's index, rewriting only where the
# base lies, and sends what it cannot copy through libgit2's delta search)
add_entry 40
git gc -q
add_entry 41
[ -n "$(find .git/objects -path '*/objects/[0-9a-f][0-9a-f]/*' -type f | head -1)" ] ||
    fail "no loose object after gc: the mix of packed and loose objects is not tested"
expect_exit 0 "$ITAKU" bundle create "$T/whole" --for nobody-yet
expect_output "the whole history"
git bundle verify "$T/whole" >/dev/null 2>&1 || fail "git bundle verify refuses a bundle copied from packs"
git clone -q --bare "$T/whole" "$T/wclone" || fail "git clone refuses a bundle copied from packs"
git -C "$T/wclone" fsck --strict >/dev/null 2>&1 || fail "git fsck finds the clone of a bundle copied from packs damaged"
[ "$(git -C "$T/wclone" rev-list --objects --all | wc -l)" = "$(git rev-list --objects main $(git for-each-ref --format='%(refname)' refs/heads/requests) | wc -l)" ] ||
    fail "the bundle copied from packs does not hold every object of main"
pack_at=$(grep -a -b -m1 -x '' "$T/whole" | cut -d: -f1)
tail -c +$((pack_at + 2)) "$T/whole" >"$T/whole.pack"
git index-pack --strict -o "$T/whole.idx" "$T/whole.pack" >/dev/null || fail "the pack copied from packs does not index"
deltas=$(git verify-pack -v "$T/whole.idx" | awk '$2 ~ /^(tree|blob|commit)$/ && NF >= 7' | wc -l)
packed=$(git verify-pack -v .git/objects/pack/pack-*.idx | awk '$2 ~ /^(tree|blob|commit)$/ && NF >= 7' | wc -l)
[ "$deltas" -ge "$packed" ] || fail "git gc stored $packed deltas, the bundle only $deltas"
git bundle create -q "$T/git-whole" main $(git for-each-ref --format='%(refname)' refs/heads/requests) 2>/dev/null
ours=$(wc -c <"$T/whole") theirs=$(wc -c <"$T/git-whole")
[ "$ours" -le $((theirs * 3 / 2)) ] || fail "the bundle copied from packs is $ours bytes, git bundle create writes $theirs"
expect_exit 0 "$ITAKU" clone "$T/whole" "$T/sub2" --city-key "$CITY_FPR" --genesis "$GENESIS" --key "$T/sub.key"
(cd "$T/sub2" && expect_exit 0 "$ITAKU" verify)
ok "a bundle of a packed registry reuses its deltas ($deltas), weighs at most 1.5 times git's ($ours / $theirs bytes) and clones"

expect_exit 0 "$ITAKU" bundle create "$T/s3" --for acme
expect_output "needs what it already holds"
(cd "$T/acme" && git bundle verify "$T/s3" >/dev/null 2>&1) || fail "git bundle verify refuses the incremental bundle of a packed registry"
cd "$T/acme"
expect_exit 0 "$ITAKU" bundle import "$T/s3"
[ "$(git rev-parse refs/itaku/lines/sub)" = "$(git -C "$T/sub" rev-parse main)" ] || fail "the incremental bundle of a packed registry did not move sub's line"
expect_exit 0 "$ITAKU" receive sub
expect_exit 0 "$ITAKU" verify
ok "an incremental bundle of a packed registry (packed and loose objects) imports"

finish
