#!/usr/bin/env bash
# A view as of a time before the registry began (found by a city officer's
# trial): status said "0 overdue" with exit 0, as if all were well, and todo
# named the city as unregistered; who and report showed today's records.
# All four now say that the time is before the registry began, quoting --at
# as typed with its reading and naming the first day (its first record's
# minute when --at is a time of that day), and exit 2, on an English and on a
# Japanese screen, with --json too; a time from that day on is answered as
# before.
source "$(dirname "$0")/lib.sh"

setup_city_and_contractor
# the day of the genesis commit on the contract's clock
FIRST=$(cd "$T/city" && TZ=Asia/Tokyo git log -1 --date=format-local:%F --format=%cd \
    "$(git rev-list --max-parents=0 HEAD)")
# and its minute there
BEGAN=$(cd "$T/city" && TZ=Asia/Tokyo git log -1 --date=format-local:'%F %H:%M' --format=%cd \
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

    # --at as typed, with its reading; on the first day itself, before the
    # first record, that record's minute (the day alone would contradict);
    # with --json too the message is in the screen's language, stdout empty
    read -r y m d <<<"$(date -d "$FIRST" '+%Y %-m %-d')"
    early="令和$((y - 2018))年${m}月${d}日 0:00"
    for cmd in status todo who; do
        for json in "" --json; do
            expect_exit 2 "${JA[@]}" "$ITAKU" "$cmd" $json --at "$early"
            [ ! -s "$T/out" ] || fail "$reg: $cmd $json --at $early printed a view: $(cat "$T/out")"
            expect_output "^itaku: --at $early（$FIRST 00:00） は、この台帳が始まる前です。最初の記録は $BEGAN に作られた.*$BEGAN 以降の日時"
            expect_exit 2 "${JA[@]}" "$ITAKU" "$cmd" $json --at "$(day_era -30)"
            expect_output "^itaku: --at $(day_era -30)（$(day -30)） は、この台帳が始まる前です。最初の記録は $FIRST に作られた"
        done
    done
    ok "$reg: --at as typed with its reading, the first record's minute on its own day, in Japanese with --json too"

    # who and report refuse it as status and todo do, writing nothing
    expect_exit 2 "$ITAKU" who --at "$(day -1)"
    [ ! -s "$T/out" ] || fail "$reg: who --at $(day -1) printed a view: $(cat "$T/out")"
    expect_output "--at $(day -1) is before this registry began: .*$FIRST"
    expect_exit 2 "$ITAKU" report --html "$T/site-$reg" --at "$(day -1)"
    expect_output "--at $(day -1) is before this registry began: .*$FIRST"
    [ ! -e "$T/site-$reg" ] || fail "$reg: report --at $(day -1) wrote $T/site-$reg"
    expect_exit 0 "$ITAKU" who --at "$FIRST"
    ok "$reg: who and report as of a time before the registry began say so, exit 2, write nothing"
done

# another error of a --json run is in the screen's language too
cd "$T/acme"
expect_exit 2 "${JA[@]}" "$ITAKU" who --json --party nobody
[ ! -s "$T/out" ] || fail "who --json --party nobody printed: $(cat "$T/out")"
grep -q "登録されていません" "$T/err" || { cat "$T/err" >&2; fail "who --json: the error is not in Japanese"; }
ok "errors of a --json run speak Japanese on a Japanese screen; stdout stays empty"
finish
