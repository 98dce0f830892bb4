#!/usr/bin/env bash
# A full disk (issue 20, point 3): a write that runs out of space says so
# (what, which file, what to do) and leaves the registry as it was: refs,
# index and work tree; git fsck and verify pass, and the same command run
# again after space is freed writes the record once. The registry and the
# caches live on a small tmpfs made here, filled to leave a little room, so
# that the disk runs out at different points of the write (objects, the
# branch, the work tree, the cache). Past the commit point (the branch has
# moved, the disk runs out while the files are written) the record is
# written: the command says so and that the files are behind, and the next
# write brings them up to date. Needs root for the mount: without one this
# test fails, it never skips.
source "$(dirname "$0")/lib.sh"

SMALL=$T/small
mkdir -p "$SMALL"
mount -t tmpfs -o size=24m,mode=0755 itaku-test "$SMALL" ||
    fail "cannot mount a small tmpfs at $SMALL (this test runs as root: make test does)"
cleanup_hooks+=("umount -l '$SMALL'")
[ "$(stat -f -c %T "$SMALL")" = tmpfs ] || fail "$SMALL is not the tmpfs just mounted"

setup_city_and_contractor
cp -a "$T/acme" "$SMALL/acme"
export XDG_CACHE_HOME=$SMALL/cache
cd "$SMALL/acme"
"$ITAKU" form submit 1 "$FORM1_BODY" >/dev/null
"$ITAKU" verify >/dev/null

reg_add() {
    "$ITAKU" register add --action received --item-id "$1" --info "住民記録データ" \
        --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery \
        --occurred-at "$(day 0)T10:00:00+09:00" --note "$(head -c "$2" /dev/zero | tr '\0' x)"
}
landed() { git grep -l "\"item_id\": \"$1\"" HEAD -- parties/acme/register | wc -l; }

# fill_leaving BYTES: fills the tmpfs, then frees BYTES of it
fill_leaving() {
    rm -f "$SMALL/fill"
    dd if=/dev/zero of="$SMALL/fill" bs=64k 2>/dev/null || true
    local size
    size=$(stat -c %s "$SMALL/fill")
    truncate -s $((size > $1 ? size - $1 : 0)) "$SMALL/fill"
}

refused=0 written=0 behind=0
for room in $(seq 0 4096 45056) 65536 131072; do
    for note in 100 3000; do
        id="r$room-$note"
        before=$(state_of .)
        fill_leaving $room
        set +e
        reg_add "$id" "$note" >"$T/out" 2>"$T/err"
        rc=$?
        set -e
        rm -f "$SMALL/fill"
        case $rc in
        2)
            sed "s/^/# $id: /" "$T/err"
            grep -q "No space left on device" "$T/err" || { cat "$T/err" >&2; fail "$id: exit 2 without naming the full disk"; }
            grep -qE "the disk is full: free space .* and run the command again" "$T/err" ||
                { cat "$T/err" >&2; fail "$id: the message does not say what to do"; }
            grep -qE "$SMALL/acme/" "$T/err" || { cat "$T/err" >&2; fail "$id: the message names no file"; }
            [ "$(state_of .)" = "$before" ] || {
                echo "$before" >&2; state_of . >&2; fail "$id: the refused write changed the registry"
            }
            [ "$(landed "$id")" = 0 ] || fail "$id: refused but landed"
            refused=$((refused + 1))
            for p in "cannot store parties/" "cannot write the tree" "cannot store the signed commit" \
                "cannot update refs/heads/main"; do
                grep -q "$p" "$T/err" && echo "$p" >>"$T/points"
            done
            ;;
        0)
            if grep -q "could not be brought up to date" "$T/err"; then
                sed "s/^/# $id: /" "$T/err"
                grep -q "No space left on device" "$T/err" || fail "$id: no reason for the stale files"
                behind=$((behind + 1))
                echo "work tree" >>"$T/points"
            fi
            written=$((written + 1))
            ;;
        *) cat "$T/err" >&2; fail "$id: exit $rc" ;;
        esac
        expect_exit 0 git fsck --strict
        expect_exit 0 "$ITAKU" verify --full
        # space again: the same command now lands the record, exactly once
        # (after the work tree was left behind: the next write repairs it)
        if [ "$(landed "$id")" = 0 ]; then
            expect_exit 0 reg_add "$id" "$note"
        else
            expect_exit 0 reg_add "$id-next" 10
        fi
        [ "$(landed "$id")" = 1 ] || fail "$id landed $(landed "$id") times"
        [ -z "$(git status --porcelain)" ] || { git status --porcelain >&2; fail "$id: index or work tree not HEAD's after the rerun"; }
    done
done
echo "# $refused refused, $written written ($behind with the work tree left behind)"
sort "$T/points" | uniq -c | sed 's/^/# /'
[ "$(sort -u "$T/points" | wc -l)" = 5 ] ||
    fail "the disk did not run out at every point of a write (objects, tree, commit, branch, work tree)"
[ "$refused" -ge 3 ] || fail "the disk ran out only $refused times: the sizes do not reach the write"
[ "$written" -ge 1 ] || fail "no write fitted: the sizes do not leave enough room"
ok "a full disk at every size: refused with what, which file and what to do, registry unchanged; a rerun writes once"

expect_exit 0 git fsck --strict
expect_exit 0 "$ITAKU" verify --full
[ -z "$(ls "$XDG_CACHE_HOME"/itaku/*/*.?????? 2>/dev/null)" ] || fail "a cache write left a temporary file"
ok "git fsck and verify --full pass; no cache temporary left"

# an export onto the full disk: refused with the file, the reason and what
# to do; an earlier export there stays whole, and no partial file is left
rm -f "$SMALL/fill"
expect_exit 0 "$ITAKU" register export --party acme -o "$SMALL/register.csv"
cp "$SMALL/register.csv" "$T/register.before"
fill_leaving 0
expect_exit 2 "${JA[@]}" "$ITAKU" register export --party acme -o "$SMALL/register.csv"
expect_output "$SMALL/register.csv に書き込めません: .*何も書き込んでいません"
cmp -s "$SMALL/register.csv" "$T/register.before" || fail "the earlier register.csv was changed by the refused export"
[ -z "$(ls "$SMALL"/register.csv.* 2>/dev/null)" ] || fail "the refused export left a partial file"
rm -f "$SMALL/fill"
ok "an export to a full disk says so in Japanese and leaves the earlier file whole"
finish
