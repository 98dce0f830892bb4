#!/usr/bin/env bash
# Crash-safe writes (issue 20, point 1): every write has one commit point,
# the branch. ITAKU_FAULT=POINT:K (core/util/fault.h) kills itaku at the K-th
# object it writes, just before and just after each ref update, at each file
# a checkout writes and in each cache write; this test stops a register
# entry, a form, a receipt (a merge of a fetched line) and a verify at every
# one of those points. After each stop: git fsck and verify --full pass, the
# next command does not wait for a lock (ITAKU_LOCK_WAIT=0), a rerun succeeds,
# the record has landed exactly once and index and work tree are HEAD's.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/crash_lib.sh"

setup_city_and_contractor
(cd "$T/acme" && "$ITAKU" form submit 1 "$FORM1_BODY" >/dev/null)
(cd "$T/city" && "$ITAKU" receive acme "$T/acme" >/dev/null)
FORM2=$SRC/tests/schema-corpus/form2/valid/base.json
POINTS="object ref-before ref-after checkout cache"

# stop_at NAME DIR CMD...: runs CMD in DIR with ITAKU_FAULT=$point:$k;
# sets killed=1 when the fault stopped it, 0 when it finished (exit 0).
stop_at() {
    local name=$1 dir=$2 rc=0
    shift 2
    (cd "$dir" && ITAKU_FAULT=$point:$k "$@") >"$T/out" 2>"$T/err" || rc=$?
    case $rc in
    137) killed=1 ;;
    0) killed=0 ;;
    *) cat "$T/out" "$T/err" >&2; fail "$name at $point:$k: exit $rc" ;;
    esac
}

stops=0
n=0
# a register entry: the record lands once, whatever the point
for point in $POINTS; do
    for k in $(seq 1 40); do
        n=$((n + 1))
        id="crash-$n"
        stop_at "register add" "$T/acme" reg_add "$id"
        [ $killed = 1 ] || { [ "$(cd "$T/acme" && landed_item "$id")" = 1 ] || fail "$id lost"; break; }
        stops=$((stops + 1))
        after_crash "$T/acme" "register add stopped at $point:$k"
        if [ "$(cd "$T/acme" && landed_item "$id")" = 0 ]; then
            (cd "$T/acme" && ITAKU_LOCK_WAIT=0 reg_add "$id") >/dev/null 2>"$T/err" ||
                { cat "$T/err" >&2; fail "the rerun after $point:$k failed"; }
        else
            (cd "$T/acme" && ITAKU_LOCK_WAIT=0 reg_add "$id-next") >/dev/null 2>"$T/err" ||
                { cat "$T/err" >&2; fail "the next write after $point:$k failed"; }
        fi
        [ "$(cd "$T/acme" && landed_item "$id")" = 1 ] || fail "$id landed $(cd "$T/acme" && landed_item "$id") times after $point:$k"
        clean_tree "$T/acme" "register add stopped at $point:$k"
    done
done
echo "# register add: stopped at $stops points"
[ $stops -ge 6 ] || fail "only $stops points stopped a register entry: the fault points are not reached"
ok "a register entry stopped at each of $stops points: fsck and verify pass, no lock waits, it lands once"

# a form: counted by its files
stops=0
for point in object ref-before ref-after checkout; do
    for k in $(seq 1 40); do
        before=$(cd "$T/acme" && git ls-tree --name-only HEAD parties/acme/forms/form2/ | wc -l)
        stop_at "form submit" "$T/acme" "$ITAKU" form submit 2 "$FORM2"
        now=$(cd "$T/acme" && git ls-tree --name-only HEAD parties/acme/forms/form2/ | wc -l)
        [ $killed = 1 ] || { [ $now = $((before + 1)) ] || fail "form lost"; break; }
        stops=$((stops + 1))
        after_crash "$T/acme" "form submit stopped at $point:$k"
        if [ $now = $before ]; then
            (cd "$T/acme" && ITAKU_LOCK_WAIT=0 "$ITAKU" form submit 2 "$FORM2") >/dev/null 2>"$T/err" ||
                { cat "$T/err" >&2; fail "the rerun after $point:$k failed"; }
        else
            [ $now = $((before + 1)) ] || fail "a stopped form landed $((now - before)) times"
            (cd "$T/acme" && ITAKU_LOCK_WAIT=0 reg_add "form-next-$point-$k") >/dev/null
        fi
        now=$(cd "$T/acme" && git ls-tree --name-only HEAD parties/acme/forms/form2/ | wc -l)
        [ $now = $((before + 1)) ] || fail "the form landed $((now - before)) times after $point:$k"
        clean_tree "$T/acme" "form submit stopped at $point:$k"
    done
done
[ $stops -ge 6 ] || fail "only $stops points stopped a form"
ok "a form stopped at each of $stops points lands once"

# a receipt: the city fetches acme's line and merges it; stopped anywhere,
# the line is either taken once or not at all, and a rerun takes it
stops=0
m=0
for point in $POINTS; do
    for k in $(seq 1 60); do
        m=$((m + 1))
        (cd "$T/acme" && reg_add "recv-$m") >/dev/null
        tip=$(git -C "$T/acme" rev-parse HEAD)
        stop_at "receive" "$T/city" "$ITAKU" receive acme "$T/acme"
        in_main() { git -C "$T/city" merge-base --is-ancestor "$tip" main; }
        [ $killed = 1 ] || { in_main || fail "receive finished without taking $tip"; break; }
        stops=$((stops + 1))
        after_crash "$T/city" "receive stopped at $point:$k"
        (cd "$T/city" && ITAKU_LOCK_WAIT=0 "$ITAKU" receive acme "$T/acme") >/dev/null 2>"$T/err" ||
            { cat "$T/err" >&2; fail "receive after $point:$k failed"; }
        in_main || fail "the rerun did not take $tip"
        [ "$(cd "$T/city" && landed_item "recv-$m")" = 1 ] || fail "recv-$m is in the city's main $(cd "$T/city" && landed_item "recv-$m") times"
        clean_tree "$T/city" "receive stopped at $point:$k"
    done
done
echo "# receive: stopped at $stops points"
[ $stops -ge 6 ] || fail "only $stops points stopped a receipt"
ok "a receipt stopped at each of $stops points: taken once or not at all, a rerun takes it"

# verify: stopped while it writes its cache, the next run is right
stops=0
for k in $(seq 1 20); do
    rm -rf "$HOME/.cache/itaku"
    stop_at "verify" "$T/city" "$ITAKU" verify
    [ $killed = 1 ] || break
    stops=$((stops + 1))
    after_crash "$T/city" "verify stopped at cache:$k"
    (cd "$T/city" && "$ITAKU" verify) >/dev/null || fail "verify after cache:$k failed"
done
[ $stops -ge 1 ] || fail "verify wrote no cache to stop in"
ok "verify stopped in each of its $stops cache writes: the next run passes"
finish
