#!/usr/bin/env bash
# V11 under the speed paths of issue 18: an object that cannot be read is a
# problem, never a silent skip. A record's blob lost from the object store
# after a clean verify (a deleted loose object, a damaged store) must not
# vanish behind the caches: the next write is refused as it is with no
# canon.cache (the index cannot build its tree), and after a new commit
# `itaku verify` (the verdict at the tip, verify.tip, whose folders it
# trusts unread) prints what `verify --full` prints, V11, and exits 1, as
# the walk from the cache did before verify.tip; so does `itaku verify`
# with no commit since the clean run (no ref moved).
. "$(dirname "$0")/lib.sh"

setup_chain
C=$T/city
export XDG_CACHE_HOME=$T/warm/cache XDG_STATE_HOME=$T/warm/state
reg() { "$ITAKU" -C "$C" register add --medium usb --quantity 1 --handler "鈴木一郎" \
    --method hand-delivery --action received --info "住民記録データ" "$@"; }
# same_as_full TAG WHAT: verify (this user's caches) and verify --full (a
# fresh cache) both exit 1 on the registry as it is, printing the same
same_as_full() {
    local rc=0 frc=0
    (cd "$C" && "$ITAKU" verify >"$T/out-$1" 2>"$T/err-$1") || rc=$?
    (cd "$C" && XDG_CACHE_HOME=$T/cold-$1/cache XDG_STATE_HOME=$T/cold-$1/state \
        "$ITAKU" verify --full >"$T/full-$1" 2>&1) || frc=$?
    [ "$frc" = 1 ] || fail "verify --full exits $frc on $2: $(cat "$T/full-$1")"
    [ "$rc" = 1 ] || fail "verify exits $rc on $2: $(cat "$T/out-$1" "$T/err-$1")"
    diff "$T/full-$1" "$T/out-$1" >&2 || fail "verify prints otherwise than verify --full on $2"
}

(cd "$C" && "$ITAKU" verify >/dev/null) || fail "the chain does not verify"
reg --item-id c-1 >/dev/null || fail "the city could not record c-1"
(cd "$C" && "$ITAKU" verify >/dev/null) || fail "c-1 does not verify"
[ -s "$(cache_folder "$C")/verify.tip" ] || fail "verify kept no verify.tip"
[ -s "$(cache_folder "$C")/canon.cache" ] || fail "the write kept no canon.cache"

# c-1's record lost with no commit since the clean run: verify (no ref
# moved) finds it as verify --full does, and passes again once it is back
blob=$(git -C "$C" rev-parse HEAD:parties/akiruno-city/register/r-000001.json)
obj=$C/.git/objects/${blob:0:2}/${blob:2}
[ -f "$obj" ] || fail "c-1's record is not a loose object"
mv "$obj" "$T/kept-object"
same_as_full 0 "a lost object with no commit since the clean run"
mv "$T/kept-object" "$obj"
(cd "$C" && "$ITAKU" verify >/dev/null) || fail "verify fails once the object is back"
ok "with no commit since the clean run, a lost object is V11 for verify as for verify --full"

# c-2 recorded (not verified yet), then c-1's record, a loose object, lost
reg --item-id c-2 >/dev/null || fail "the city could not record c-2"
blob=$(git -C "$C" rev-parse HEAD:parties/akiruno-city/register/r-000001.json)
obj=$C/.git/objects/${blob:0:2}/${blob:2}
[ -f "$obj" ] || fail "c-1's record is not a loose object"
cp "$obj" "$T/kept-object"
rm -f "$obj"

# verify (from verify.tip: c-2 alone is new) says what verify --full says
rc=0 frc=0
(cd "$C" && "$ITAKU" verify >"$T/out" 2>"$T/err") || rc=$?
(cd "$C" && XDG_CACHE_HOME=$T/cold/cache XDG_STATE_HOME=$T/cold/state \
    "$ITAKU" verify --full >"$T/full" 2>"$T/full.err") || frc=$?
[ "$frc" = 1 ] || fail "verify --full exits $frc on a lost object: $(cat "$T/full" "$T/full.err")"
has " V11 parties/akiruno-city/register/r-000001.json" <"$T/full" ||
    fail "verify --full does not name the lost record: $(cat "$T/full")"
diff "$T/full" "$T/out" >&2 ||
    fail "verify (verdict at the tip) prints otherwise than verify --full on a lost object"
[ "$rc" = 1 ] || fail "verify exits $rc on a lost object, verify --full 1"
ok "after a new commit, a lost object is V11 for verify as for verify --full"

# the next write: refused (the store cannot give the tree it builds on)
before=$(git -C "$C" rev-parse HEAD)
rc=0
reg --item-id c-3 >"$T/w.out" 2>"$T/w.err" || rc=$?
after=$(git -C "$C" rev-parse HEAD)
if [ "$after" != "$before" ]; then
    (cd "$C" && XDG_CACHE_HOME=$T/cold2/cache XDG_STATE_HOME=$T/cold2/state \
        "$ITAKU" verify --full >"$T/full2" 2>&1) || true
    has "^${after:0:12} V11" <"$T/full2" ||
        fail "verify --full does not name ${after:0:12}: $(cat "$T/full2")"
    fail "c-3 was written on a lost object (canon.cache): verify --full refuses ${after:0:12} (V11)"
fi
[ "$rc" = 2 ] || fail "the write on a lost object exits $rc"
ok "a write on a lost object is refused, canon.cache or not"

# c-1's record back; the same in a pack: the store packed whole (a repack: the presence cache
# keeps the packs it found objects in, verify.present), verified twice (the
# second run trusts the packs, unchanged), then the pack replaced by one
# without c-1's record: verify (no ref moved) finds it as verify --full
# does, and passes again once the old pack is back
cp "$T/kept-object" "$obj"
git -C "$C" repack -a -d -q || fail "git repack failed"
# (the file kept before, of loose objects alone, holds still: dropped, so
# that the next run finds every object in the pack)
rm -f "$(cache_folder "$C")/verify.present"
(cd "$C" && "$ITAKU" verify >/dev/null) || fail "verify fails after a repack"
[ -s "$(cache_folder "$C")/verify.present" ] || fail "verify kept no verify.present"
(cd "$C" && "$ITAKU" verify >/dev/null) || fail "verify fails on the presence cache"
[ ! -f "$obj" ] || fail "c-1's record is still a loose object after the repack"
P=$C/.git/objects/pack
mkdir "$T/oldpack"
git -C "$C" rev-list --objects --all | grep -v "^$blob" | cut -d' ' -f1 |
    git -C "$C" pack-objects -q "$T/pack" >/dev/null || fail "git pack-objects failed"
mv "$P"/pack-* "$T/oldpack/"
mv "$T"/pack-* "$P/"
same_as_full p "an object lost from a pack"
rm -f "$P"/pack-*
mv "$T/oldpack"/pack-* "$P/"
(cd "$C" && "$ITAKU" verify >/dev/null) || fail "verify fails once the old pack is back"
ok "a pack replaced by one without an object: V11 for verify as for verify --full"

# the pack's index rewritten in place so that it no longer lists c-1's
# record (same size and inode, its checksum made again) and its time put
# back with touch -r: the index's change time, which no one can set back,
# says it was written (found by an attack on verify.present)
(cd "$C" && "$ITAKU" verify >/dev/null && "$ITAKU" verify >/dev/null) ||
    fail "verify fails before the index is rewritten"
idx=$(ls "$P"/pack-*.idx)
cp -p "$idx" "$T/idx.kept"
chmod u+w "$idx"
python3 - "$idx" "$blob" <<'PY' || fail "the index could not be rewritten for the test"
import hashlib, struct, sys
path, oid = sys.argv[1], bytes.fromhex(sys.argv[2])
with open(path, "r+b") as f:
    d = bytearray(f.read())
    assert d[:8] == b"\xfftOc\x00\x00\x00\x02"
    n = struct.unpack(">I", d[8 + 255 * 4 : 8 + 256 * 4])[0]
    base = 8 + 1024
    ids = [bytes(d[base + 20 * i : base + 20 * i + 20]) for i in range(n)]
    i = ids.index(oid)
    # the id listed one higher in its last byte, where that keeps the order
    new = bytearray(oid)
    new[19] = (new[19] + 1) & 255
    if new[19] == 0 or (i + 1 < n and bytes(new) >= ids[i + 1]):
        new = bytearray(oid)
        new[19] = (new[19] - 1) & 255
        assert new[19] != 255 and (i == 0 or bytes(new) > ids[i - 1])
    d[base + 20 * i : base + 20 * i + 20] = new
    d[-20:] = hashlib.sha1(bytes(d[:-20])).digest()
    f.seek(0)
    f.write(d)
PY
touch -r "$T/idx.kept" "$idx"
same_as_full i "an index rewritten without an object"
cp -p "$T/idx.kept" "$idx"
ok "a pack index rewritten without an object, its mtime put back: V11 for verify as for verify --full"

# the walk from verify.cache, with every commit in it (no verdict at the
# tip: verify.tip and verify.present gone), takes each commit unread: a
# record's blob lost since is still found, as verify --full finds it
# (found by an attack: the walk trusted every commit it had cached)
reg --item-id c-9 >"$T/c9" || fail "the city could not record c-9"
(cd "$C" && "$ITAKU" verify >/dev/null && "$ITAKU" verify >/dev/null) || fail "c-9 does not verify"
rm -f "$(cache_folder "$C")/verify.tip" "$(cache_folder "$C")/verify.present"
blob=$(git -C "$C" rev-parse "HEAD:parties/akiruno-city/register/$(cat "$T/c9").json")
obj=$C/.git/objects/${blob:0:2}/${blob:2}
[ -f "$obj" ] || fail "c-9's record is not a loose object"
mv "$obj" "$T/kept-object9"
same_as_full w "an object lost after every commit was cached"
mv "$T/kept-object9" "$obj"
(cd "$C" && "$ITAKU" verify >/dev/null) || fail "verify fails once the object is back"
# and the walk from the cache again (the run that found it kept nothing of it)
rm -f "$(cache_folder "$C")/verify.tip" "$(cache_folder "$C")/verify.present"
(cd "$C" && "$ITAKU" verify >/dev/null) || fail "verify from the cache remembers the lost object"
ok "the walk from verify.cache finds an object lost since its commits were cached, as verify --full"

finish
