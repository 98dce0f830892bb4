#!/usr/bin/env bash
# A view as of a time before the registry began (found by a city officer's
# trial): status said "0 overdue" with exit 0, as if all were well, and todo
# named the city as unregistered. Both now say that the time is before the
# registry's first day, name that day, and exit 2, on an English and on a
# Japanese screen; a time from that day on is answered as before.
source "$(dirname "$0")/lib.sh"

setup_city_and_contractor
# the day of the genesis commit on the contract's clock
FIRST=$(cd "$T/city" && TZ=Asia/Tokyo git log -1 --date=format-local:%F --format=%cd \
    "$(git rev-list --max-parents=0 HEAD)")
for reg in city acme; do
    cd "$T/$reg"
    for cmd in status todo; do
        expect_exit 2 "$ITAKU" "$cmd" --at "$(day -1)"
        [ ! -s "$T/out" ] || fail "$reg: $cmd --at $(day -1) printed a view: $(cat "$T/out")"
        expect_output "--at $(day -1) is before this registry began: .*$FIRST"
        expect_exit 2 "${JA[@]}" "$ITAKU" "$cmd" --at "$(day -30)T09:00:00+09:00"
        expect_output "台帳が始まる前です.*最初の記録は $FIRST に作られた"
        grep -q "登録されていません" "$T/err" && fail "$reg: $cmd still says a party is not registered"
        # the registry's first day itself (a date alone: to its end) is answered
        set +e
        "$ITAKU" "$cmd" --at "$FIRST" >"$T/out" 2>"$T/err"
        rc=$?
        set -e
        [ "$rc" = 0 ] || [ "$rc" = 1 ] || { cat "$T/err" >&2; fail "$reg: $cmd --at $FIRST exited $rc"; }
    done
    ok "$reg: status and todo as of a time before the registry began say so, naming $FIRST, exit 2"
done
finish
