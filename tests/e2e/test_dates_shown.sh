#!/usr/bin/env bash
# Issue 16 (a city officer's review): every screen and message shows a stored
# time as the others do — a due date given as a date as that date
# (2027-01-15, not 2027-01-15T23:59:59+09:00), another time as 2026-12-02
# 10:00 on the contract's clock — never the stored RFC 3339 text; --json keeps
# what is stored.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
# rfc3339 FILE...: fails when FILE shows a stored time as it is stored
rfc3339() {
    if grep -E '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}' "$@"; then
        fail "a stored time shown raw"
    fi
}

cd "$T/city"
expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 44)" --text "報告"
N1=$(cat "$T/out")
expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 49) 17:00" --text "報告"
expect_exit 0 "${JA[@]}" "$ITAKU" instructions
expect_output "$N1 .* $(day 44) "
expect_output " $(day 49) 17:00 "
rfc3339 "$T/out"
expect_exit 0 "$ITAKU" instructions --json
expect_output "\"due\": ?\"$(day 44)T23:59:59\\+09:00\""
ok "instructions shows $(day 44) and $(day 49) 17:00; --json keeps the stored times"

expect_refused "期限 2020-01-31 はすでに過ぎています（現在は [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}）" \
    "${JA[@]}" "$ITAKU" instruct report --to acme --due 2020-01-31 --text "報告"
rfc3339 "$T/err"
expect_refused "the due date 2020-01-31 is already past \(now is [0-9-]{10} [0-9:]{5}\)" \
    "$ITAKU" instruct report --to acme --due 2020-01-31 --text "報告"
ok "a past due date is refused as 期限 2020-01-31 (now …-… hh:mm), not as stored"

cd "$T/acme"
git pull -q "$T/city" main
"$ITAKU" acknowledge >/dev/null
reg() { "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --method 手渡し --action received "$@"; }
expect_exit 0 reg --item-id A-1 --occurred-at "$(day 0)T10:00:00+09:00"
expect_refused "管理番号「A-1」の「受領」の記載 acme/r-000001 が $(day 0) 10:00 にすでにあります" \
    "${JA[@]}" "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --method 手渡し --action received --item-id A-1 --occurred-at "$(day 0)T01:00:00Z"
rfc3339 "$T/err"
ok "the same entry again names it at $(day 0) 10:00 (01:00Z on the contract's clock)"

expect_exit 1 "${JA[@]}" "$ITAKU" todo
expect_output " $(day 44) "
rfc3339 "$T/out"
expect_exit 1 "${JA[@]}" "$ITAKU" todo --at "$(day 1)"
expect_output "^$(day 1) 時点で 株式会社アクメ がすべきこと"
rfc3339 "$T/out"
ok "todo shows due dates and --at as the other screens do"

finish
