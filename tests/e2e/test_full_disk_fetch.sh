#!/usr/bin/env bash
# A full disk while history arrives (issue 20, point 3): a fetch, a pull, a
# bundle import and a clone that run out of space while the pack is
# received (the fetch keeps it in an unnamed temporary file in the
# registry's .git/objects/pack while it is checked, never in TMPDIR), while
# libgit2's indexer writes it, or while the caches are written after it.
# Each says what happened, where, and what to do (free space, run again),
# exits 2, and leaves refs, index and work tree as they were, no file in
# objects/pack and no lock that blocks the next run; once space is freed the
# same command succeeds, and git fsck and verify --full pass. The caches are
# a speed-up only: a full disk under them does not stop a fetch, and leaves
# no temporary file. The registries live on small tmpfs mounts made here;
# without one this test fails, it never skips.
source "$(dirname "$0")/lib.sh"

SMALL=$T/small CACHE=$T/cachefs
mkdir -p "$SMALL" "$CACHE"
mount -t tmpfs -o size=16m,mode=0755 itaku-test "$SMALL" ||
    fail "cannot mount a small tmpfs at $SMALL (this test runs as root: make test does)"
cleanup_hooks+=("umount -l '$SMALL'")
mount -t tmpfs -o size=1m,mode=0755 itaku-test "$CACHE" ||
    fail "cannot mount a small tmpfs at $CACHE (this test runs as root: make test does)"
cleanup_hooks+=("umount -l '$CACHE'")
for m in "$SMALL" "$CACHE"; do
    [ "$(stat -f -c %T "$m")" = tmpfs ] || fail "$m is not the tmpfs just mounted"
done
export XDG_CACHE_HOME=$T/cache

setup_city_and_contractor
# three scans of random bytes (they do not compress): a pack of about 3 MiB
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
for i in 1 2 3; do
    head -c $((1024 * 1024)) /dev/urandom >"$T/scan$i.pdf"
    "$ITAKU" attach "$T/scan$i.pdf" >/dev/null 2>&1 || fail "cannot attach scan$i.pdf"
done
PACK=$((3 * 1024 * 1024))
cd "$T/city"
expect_exit 0 "$ITAKU" remote add acme "$T/acme" --party acme
(cd "$T/acme" && "$ITAKU" bundle create "$T/acme.bundle" --for akiruno-city >/dev/null) ||
    fail "cannot make the contractor's bundle"

# fill_leaving BYTES: fills the small tmpfs, then frees BYTES of it
fill_leaving() {
    rm -f "$SMALL/fill"
    dd if=/dev/zero of="$SMALL/fill" bs=64k 2>/dev/null || true
    local size
    size=$(stat -c %s "$SMALL/fill")
    truncate -s $((size > $1 ? size - $1 : 0)) "$SMALL/fill"
}
pack_files() { find "$1/.git/objects/pack" -type f | sort; }

# refused_cleanly WHAT DIR BEFORE PACKS: the command just run said it ran out
# of space, where, and what to do, and changed nothing in DIR
refused_cleanly() {
    sed "s/^/# $1: /" "$T/err"
    grep -q "No space left on device" "$T/err" || fail "$1: the message does not name the full disk"
    grep -qE "free space on it and run the command again" "$T/err" ||
        fail "$1: the message does not say what to do"
    grep -qF "$SMALL/" "$T/err" || fail "$1: the message does not say where the disk ran out"
    [ "$(state_of "$2")" = "$3" ] || fail "$1: the refused command changed refs, index or work tree"
    [ "$(pack_files "$2")" = "$4" ] || fail "$1: a file was left in objects/pack"
    [ -z "$(git -C "$2" for-each-ref refs/itaku/incoming)" ] || fail "$1: refs left in the quarantine"
}

# --- fetch, bundle import: the disk runs out at each point -----------------
# room under the pack: it runs out while the pack arrives; between one and
# two packs: while the indexer writes its copy
# (a bundle's pack is indexed from the file: it needs no room for a copy)
for cmd in fetch import; do
    rooms="0 $((PACK / 2)) $((PACK - 300000))"
    [ $cmd = import ] || rooms="$rooms $((PACK + 300000)) $((PACK * 3 / 2))"
    for room in $rooms; do
        what="$cmd with $room bytes free"
        rm -rf "$SMALL/city"
        cp -a "$T/city" "$SMALL/city"
        cd "$SMALL/city"
        before=$(state_of .)
        packs=$(pack_files .)
        fill_leaving "$room"
        if [ $cmd = fetch ]; then
            expect_exit 2 "$ITAKU" fetch acme
        else
            # a bundle may be imported before the sender is received: its
            # commits are verified the same way
            expect_exit 2 "$ITAKU" bundle import "$T/acme.bundle"
        fi
        refused_cleanly "$what" . "$before" "$packs"
        if grep -q "cannot keep the fetched pack in $SMALL/city/.git/objects/pack while it is checked" "$T/err"; then
            echo "$cmd receiving" >>"$T/points"
        elif grep -qE "pack_git|packfile|cannot write the pack of|index" "$T/err"; then
            echo "$cmd indexing" >>"$T/points"
        else
            fail "$what: the message names neither the received pack nor the indexer"
        fi
        rm -f "$SMALL/fill"
        # space again: the same command now takes the line
        if [ $cmd = fetch ]; then
            expect_exit 0 "$ITAKU" fetch acme
        else
            expect_exit 0 "$ITAKU" bundle import "$T/acme.bundle"
        fi
        expect_output "line of acme +new at"
        [ -z "$(git for-each-ref refs/itaku/incoming)" ] || fail "$what: the rerun left the quarantine full"
        expect_exit 0 git fsck --strict
        expect_exit 0 "$ITAKU" verify --full
    done
done
sort "$T/points" | uniq -c | sed 's/^/# /'
for p in "fetch receiving" "fetch indexing" "import indexing"; do
    grep -qx "$p" "$T/points" || fail "the disk never ran out at: $p"
done
ok "fetch and bundle import on a full disk, while the pack arrives and while it is indexed: refused saying where and what to do, nothing changed; a rerun takes the line"

# --- pull: the contractor's registry pulls the city's new decisions --------
rm -rf "$SMALL/city"
cd "$T/city"
for i in 4 5 6; do head -c $((1024 * 1024)) /dev/urandom >"$T/scan$i.pdf"; done
"$ITAKU" attach "$T/scan4.pdf" >/dev/null 2>&1 && "$ITAKU" attach "$T/scan5.pdf" >/dev/null 2>&1 &&
    "$ITAKU" attach "$T/scan6.pdf" >/dev/null 2>&1 || fail "the city cannot attach its scans"
cp -a "$T/acme" "$SMALL/acme"
cd "$SMALL/acme"
git remote set-url origin "$T/city"
for room in 0 $((PACK - 300000)) $((PACK + 300000)); do
    before=$(state_of .)
    packs=$(pack_files .)
    fill_leaving "$room"
    expect_exit 2 "$ITAKU" pull
    refused_cleanly "pull with $room bytes free" . "$before" "$packs"
    rm -f "$SMALL/fill"
done
expect_exit 0 "$ITAKU" pull
expect_output "Fast-forwarded main|Merged the parent's main"
expect_exit 0 git fsck --strict
expect_exit 0 "$ITAKU" verify --full
[ -z "$(git status --porcelain)" ] || fail "pull left the work tree behind"
ok "pull on a full disk: refused saying where and what to do, nothing changed; a rerun pulls"

# --- clone: nothing is left at the folder named, nor beside it -------------
# from a path libgit2 copies the object files; from file:// it sends a pack
# through the same check as a fetch's
rm -rf "$SMALL/acme"
for src in "$T/city" "file://$T/city"; do
    for room in 0 $((PACK - 300000)) $((PACK + 300000)); do
        what="clone from $src with $room bytes free"
        fill_leaving "$room"
        expect_exit 2 "$ITAKU" clone "$src" "$SMALL/joined" --city-key "$CITY_FPR" --genesis "$GENESIS"
        sed "s|^|# $what: |" "$T/err"
        grep -q "No space left on device" "$T/err" || fail "$what: the message does not name the full disk"
        grep -qE "free space on it and run the command again" "$T/err" || fail "$what: the message does not say what to do"
        grep -qF "into $SMALL/joined" "$T/err" || fail "$what: the message does not say where the disk ran out"
        [ -z "$(ls -A "$SMALL" | grep -v '^fill$')" ] || { ls -A "$SMALL" >&2; fail "$what: a folder was left behind"; }
        case $src in file://*) grep -q "cannot keep the fetched pack in\|pack_git2" "$T/err" &&
            echo "clone $room" >>"$T/points" ;; esac
        rm -f "$SMALL/fill"
    done
    expect_exit 0 "$ITAKU" clone "$src" "$SMALL/joined" --city-key "$CITY_FPR" --genesis "$GENESIS"
    expect_exit 0 git -C "$SMALL/joined" fsck --strict
    (cd "$SMALL/joined" && expect_exit 0 "$ITAKU" verify --full)
    rm -rf "$SMALL/joined"
done
[ "$(grep -c '^clone ' "$T/points")" -ge 2 ] || fail "a clone over file:// never ran out while its pack arrived or was indexed"
ok "clone on a full disk: refused saying where and what to do, no folder left; a rerun clones"

# --- the caches after a fetch: a speed-up only ------------------------------
rm -rf "$SMALL/city"
cp -a "$T/city" "$SMALL/city"
cd "$SMALL/city"
export XDG_CACHE_HOME=$CACHE
dd if=/dev/zero of="$CACHE/fill" bs=64k 2>/dev/null || true
expect_exit 0 "$ITAKU" fetch acme
expect_output "line of acme +new at"
[ -z "$(find "$CACHE" -name '*.??????')" ] || fail "a cache write on a full disk left a temporary file"
[ -z "$(find "$CACHE" -type f ! -name fill)" ] || fail "a cache was written on a full disk"
rm -f "$CACHE/fill"
expect_exit 0 git fsck --strict
expect_exit 0 "$ITAKU" verify --full
# twin: with room, the same registry's caches are written there
expect_exit 0 "$ITAKU" verify
[ -n "$(find "$CACHE" -type f)" ] || fail "no cache is written on the cache disk even with room: the case above proved nothing"
ok "a full disk under the caches does not stop a fetch and leaves no temporary file"
finish
