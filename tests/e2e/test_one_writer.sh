#!/usr/bin/env bash
# One writer at a time (issue 20, point 2): two itaku processes writing to
# the same registry never interleave. The second waits for the first (with a
# message), or refuses after the bound, changing nothing; a lock left by a
# killed process blocks nothing.
source "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
reg_add() {
    "$ITAKU" register add --action received --item-id "$1" --info "住民記録データ" \
        --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery \
        --occurred-at "$(day 0)T10:00:00+09:00"
}
"$ITAKU" form submit 1 "$FORM1_BODY" >/dev/null
base=$(git rev-list --count HEAD)

# 20 pairs of writes started together: a register entry and a form beside it
for i in $(seq -w 1 20); do
    (rc=0; reg_add "pair-$i" >"$T/a$i.out" 2>&1 || rc=$?; echo $rc >"$T/a$i.rc") &
    (rc=0; reg_add "twin-$i" >"$T/b$i.out" 2>&1 || rc=$?; echo $rc >"$T/b$i.rc") &
    (rc=0; "$ITAKU" form submit 2 "$SRC/tests/schema-corpus/form2/valid/base.json" \
        >"$T/c$i.out" 2>&1 || rc=$?; echo $rc >"$T/c$i.rc") &
    wait
    for w in a b c; do
        [ "$(cat "$T/$w$i.rc")" = 0 ] || { cat "$T/$w$i.out" >&2; fail "write $w$i failed"; }
    done
done
ok "60 writes in 20 rounds of three at once all succeed"

[ "$(git rev-list --count HEAD)" = $((base + 60)) ] || fail "not every write landed as one commit"
git rev-list HEAD --first-parent | wc -l | has -x $((base + 60)) || fail "the line is not linear"
for i in $(seq -w 1 20); do
    for id in pair-$i twin-$i; do
        n=$(git grep -l "\"item_id\": \"$id\"" HEAD -- parties/acme/register | wc -l)
        [ "$n" = 1 ] || fail "register entry $id landed $n times"
    done
done
n=$(git ls-tree --name-only HEAD parties/acme/forms/form2/ | wc -l)
[ "$n" = 20 ] || fail "20 form 2 were submitted, $n landed"
ok "every record landed exactly once"
expect_exit 0 "$ITAKU" verify --full
expect_exit 0 git fsck --strict
[ -z "$(git status --porcelain)" ] || fail "the work tree is not HEAD's"
[ ! -s .git/itaku.lock ] || fail "the lock still names a holder: $(cat .git/itaku.lock)"
ok "verify --full and git fsck pass, work tree and index are HEAD's, the lock is free"

# a writer holding the lock: the next one waits, saying whom it waits for
(exec 9>>.git/itaku.lock && flock 9 && printf '424242 otherhost %s\n' "$(date +%s)" >.git/itaku.lock &&
    sleep 3 && : >.git/itaku.lock) &
sleep 0.5
ITAKU_LOCK_WAIT=20 expect_exit 0 reg_add waited-1
expect_output "waiting for another itaku \(pid 424242 on otherhost\) writing to the registry"
wait
git grep -q '"item_id": "waited-1"' HEAD -- parties/acme/register || fail "the waiting write did not land"
ok "the second writer waits, naming the first's pid and host, then writes"

# ... and refuses after the bound, changing nothing
(exec 9>>.git/itaku.lock && flock 9 && printf '424243 otherhost %s\n' "$(date +%s)" >.git/itaku.lock &&
    sleep 4 && : >.git/itaku.lock) &
sleep 0.5
before=$(state_of .)
ITAKU_LOCK_WAIT=1 expect_exit 2 reg_add refused-1
expect_output "another itaku \(pid 424243 on otherhost, since [0-9]+ s ago\) is writing to the registry .* did not finish within 1 s; nothing was changed"
[ "$(state_of .)" = "$before" ] || fail "the refused write changed the registry"
wait
ok "after the bound it refuses, naming the holder, and changes nothing"

# a read does not wait for a writer
(exec 9>>.git/itaku.lock && flock 9 && sleep 3) &
sleep 0.5
ITAKU_LOCK_WAIT=1 expect_exit 0 "$ITAKU" verify
wait
ok "verify reads while another process writes"

# a killed writer's lock: the kernel released it with the process; its record
# and the git lock file it left are recognised and removed, the write goes on
printf '999999 %s %s\n' "$(hostname)" "$(($(date +%s) - 5))" >.git/itaku.lock
: >.git/refs/heads/main.lock
expect_exit 0 reg_add after-kill
[ ! -e .git/refs/heads/main.lock ] || fail "the dead writer's main.lock was left"
git grep -q '"item_id": "after-kill"' HEAD -- parties/acme/register || fail "the write did not land"
ok "a dead writer's record and its git lock file are removed; the write lands"

# the twin: a git lock file with no dead itaku behind it (stock git at work)
# is not ours to remove: the write is refused and changes nothing
: >.git/refs/heads/main.lock
before=$(state_of .)
expect_exit 2 reg_add not-ours
expect_output "main.lock"
[ -e .git/refs/heads/main.lock ] || fail "a lock file itaku did not leave was removed"
rm .git/refs/heads/main.lock
[ "$(state_of .)" = "$before" ] || fail "the refused write changed the registry"
ok "a git lock file no dead itaku left is kept, and the write refused"
expect_exit 0 "$ITAKU" verify --full
expect_exit 0 git fsck --strict
finish
