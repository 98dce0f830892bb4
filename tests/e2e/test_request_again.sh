#!/usr/bin/env bash
# A request asked twice (issue 16, point 4): a second copy, take-out or
# subcontract request of the same kind, items and words as an open request
# of the same party asks for --again, as the register's same entry does;
# nothing is written. Another kind or other items, --again, a correction
# (--supersedes) and a request asked again after the first was decided
# are taken.
. "$(dirname "$0")/lib.sh"
JA=(env -u LC_ALL -u LANGUAGE -u LC_MESSAGES LANG=ja_JP.UTF-8)

setup_city_and_contractor
cd "$T/acme"
for i in 1 2; do
    expect_exit 0 "$ITAKU" register add --action received --medium usb --quantity 1 \
        --handler "鈴木一郎" --info "住民データ" --method 手渡し --item-id "item-$i" \
        --occurred-at "$(day -1)T10:00:00+09:00"
done
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item item-1
[ "$(cat "$T/out")" = acme/q-000001 ] || fail "the first request is $(cat "$T/out")"
expect_refused "acme has already asked the same \\(copy: '検証用に複製', the same items and words\\) in request acme/q-000001, still open. If this is a second request on purpose, give --again" \
    "$ITAKU" request submit copy --summary "検証用に複製" --item item-1
# the kind as the city's word for it is the same kind
expect_refused "in request acme/q-000001, still open" \
    "$ITAKU" request submit 複製 --summary "検証用に複製" --item item-1
expect_refused "株式会社アクメは処理中の申請 acme/q-000001 で同じ申請（複製: 「検証用に複製」" \
    "${JA[@]}" "$ITAKU" request submit copy --summary "検証用に複製" --item item-1
ok "the same copy request again: refused, naming the open request and --again"

expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item item-2
expect_exit 0 "$ITAKU" request submit take-out --summary "検証用に複製" --item item-1
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item item-1 --again
[ "$(cat "$T/out")" = acme/q-000004 ] || fail "the request asked again is $(cat "$T/out")"
ok "other items, another kind, and --again are taken"

# form 6 twice: the subcontract request asks for --again too
"$ITAKU" key generate "$T/beta.key" >/dev/null
form6_for beta "$T/beta.key.pub" >"$T/f6.json"
expect_exit 0 "$ITAKU" form submit 6 "$T/f6.json"
expect_refused "already asked the same \\(subcontract: " "$ITAKU" form submit 6 "$T/f6.json"
expect_refused "already asked the same \\(subcontract: " "$ITAKU" request submit subcontract "$T/f6.json"
ok "form 6 submitted twice: refused the same way"

# a decided request is not open: the same request may be asked anew
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" reject acme/q-000002 --reason "項目を具体的に"
cd "$T/acme"
expect_exit 0 "$ITAKU" pull "$T/city"
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item item-2
ok "once decided, the same request may be asked anew"
finish
