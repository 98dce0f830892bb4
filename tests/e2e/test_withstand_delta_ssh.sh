#!/usr/bin/env bash
# Bounded cost on hostile input over SSH (issue 10 point 7): a hosted
# registry whose acme branch ends on a commit naming a blob stored as a delta
# that expands 64 KiB to 256 MiB (written by tests/e2e/delta_pack.py). The
# city's fetch streams the pack through its scan and refuses it by the
# delta's header or, when stock git's upload-pack sends the blob whole, by
# the blob's header, naming the limit, with nothing moved, no pack kept and a
# peak memory far below the blob's size. Twin: the same branch back on a
# line within the limits fetches.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"
# libgit2's SSH transport leaks on every connection (tests/lsan.supp)
export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

RESULT_KIB=$((256 * 1024))
setup_city_and_contractor
start_hub

peak_kb() {
    python3 -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$T/peak" "$@"
}
packs() { find "$1/.git/objects/pack" -name '*.pack' | sort; }

cd "$T/city"
expect_exit 0 "$ITAKU" remote add hub "$URL" --party akiruno-city
trust_hub_host
ssh-keygen -q -H -f "$HOME/.ssh/known_hosts" 2>/dev/null
rm -f "$HOME/.ssh/known_hosts.old"
git -C "$T/hub" fetch -q "$T/city" main:refs/heads/main

# the city's main, acme's acknowledgment, then the hostile commit on it, all
# straight into the hub's branches (as a hub's owner could, past its hook)
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
git -C "$T/hub" fetch -q "$T/acme" main:refs/heads/parties/acme/main
main=$(git rev-parse main)
{ read -r big; read -r sha; read -r _; } < <(python3 "$SRC/tests/e2e/delta_pack.py" oid "$RESULT_KIB" 64)
att=parties/acme/attachments/$sha
git update-index --add --cacheinfo "100644,$big,$att"
tree=$(git write-tree --missing-ok)
git reset -q
commit=$(git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit-tree -S "$tree" -p "$main" -m "A big attachment")
mapfile -t objs < <(git rev-list --objects --missing=print "$commit" "^$main" | awk '{print $1}' | grep -v '^?')
pack=$(python3 "$SRC/tests/e2e/delta_pack.py" pack "$T/bomb.pack" "$RESULT_KIB" 64 \
    --idx "$T/bomb.idx" "${objs[@]}")
hubobj=$(git -C "$T/hub" rev-parse --git-path objects)
case $hubobj in /*) ;; *) hubobj=$T/hub/$hubobj ;; esac
cp "$T/bomb.pack" "$hubobj/pack/pack-$pack.pack"
cp "$T/bomb.idx" "$hubobj/pack/pack-$pack.idx"
git -C "$T/hub" update-ref refs/heads/parties/acme/main "$commit"

cd "$T/city"
before=$(state_of .)
packs_before=$(packs .)
expect_exit 2 peak_kb "$ITAKU" fetch hub
# stock git's upload-pack may send the delta as it is or the blob whole
expect_output "the fetched pack: object [0-9]+ \(at byte [0-9]+\) is (a delta whose result is|a blob of) $((RESULT_KIB * 1024)) bytes, over the limit of 20971520 bytes; it was not inflated"
[ "$(state_of .)" = "$before" ] || fail "a refused fetch changed the registry"
[ "$(packs .)" = "$packs_before" ] || fail "a refused fetch kept a pack"
rss=$(cat "$T/peak")
[ "$rss" -lt 200000 ] || fail "fetch's peak memory is $rss kB: the delta was resolved"
ok "a fetch over SSH refuses a delta expanding to 256 MiB by its header, naming the limit, at $rss kB peak"

# Twin: the branch back on acme's acknowledgment fetches
git -C "$T/hub" update-ref refs/heads/parties/acme/main "$main"
expect_exit 0 "$ITAKU" fetch hub
expect_output "line of acme +new at"
ok "the same branch within the limits fetches over SSH"

finish
