#!/usr/bin/env bash
# Issue 10, point 5 (V11): a cache is this registry's, not only this path's.
# 1. A registry moved away and a copy put back at the same path is verified
#    from scratch: the cache (doctored by its owner and sealed again with the
#    owner's key, so that only the registry's identity can refuse it) is not
#    used, and the unsigned forgery is named (V1). Twin: the same registry
#    moved back itself (same git dir, same object store) uses the cache.
# 2. objects/info/alternates (objects read from another store, as after
#    git clone --shared): the registry is refused before anything is read
#    (issue 20, test_object_folder_refused.sh), naming the file and the fix.
#    Twin: after `git repack -a -d` and removing the file, verify passes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

setup_city_and_contractor
approve_subcontractor
seal_swap() {
    python3 - "$@" <<'PY'
import hashlib, hmac, sys
key, path, old, new = sys.argv[1:]
body = open(path, "rb").read()[:-32]
old, new = bytes.fromhex(old), bytes.fromhex(new)
assert body.count(old) >= 1, "the commit is not in the cache"
body = body.replace(old, new)
mac = hmac.new(open(key, "rb").read(), body, hashlib.sha256).digest()
open(path, "wb").write(body + mac)
PY
}

cp -a "$T/city" "$T/reg"
cd "$T/reg"
L=$(git rev-parse HEAD)
F=$(git log -1 --format=%B "$L" | git commit-tree "$L^{tree}" -p "$L^")
expect_exit 0 "$ITAKU" verify
CACHE=$(cache_folder .)/verify.cache
[ -s "$CACHE" ] || fail "verify wrote no cache in $CACHE"
git reset -q --hard "$F"
seal_swap "$HOME/.local/state/itaku/cache.key" "$CACHE" "$L" "$F"
expect_exit 0 "$ITAKU" verify
ok "the owner's doctored, resealed cache is used in place (so only the registry's identity can refuse it below)"

# twin first: the registry moved away and back (the same directories)
cd "$T"
mv "$T/reg" "$T/reg.away"
mv "$T/reg.away" "$T/reg"
cd "$T/reg"
expect_exit 0 "$ITAKU" verify
ok "twin: the same registry moved away and back keeps its cache"

# a copy put back at the same path: new git dir and object store
cd "$T"
mv "$T/reg" "$T/reg.away"
cp -a "$T/reg.away" "$T/reg"
cd "$T/reg"
[ "$(cache_folder .)/verify.cache" = "$CACHE" ] || fail "the copy's cache is in another folder: the test proves nothing"
expect_rejected "$F" V1
expect_output "not signed"
ok "a copy put back at the same path is verified from scratch: the forgery is refused (V1)"

# 2. alternates
git clone -q --shared "$T/acme" "$T/shared"
cd "$T/shared"
git config itaku.genesis "$GENESIS"
git config itaku.cityKey "$CITY_FPR"
[ -s .git/objects/info/alternates ] || fail "git clone --shared wrote no alternates"
before=$(state_of .)
expect_exit 2 "$ITAKU" verify
expect_output "$T/shared/.git/objects/info/alternates makes this registry take objects from other folders.*git repack -a -d.*then remove"
[ "$(state_of .)" = "$before" ] || fail "verify changed the registry"
ok "objects read from another store (objects/info/alternates) are refused, naming the file and the fix"
git repack -q -a -d
rm .git/objects/info/alternates
expect_exit 0 "$ITAKU" verify
ok "twin: after git repack -a -d and removing the file, verify passes"
finish
