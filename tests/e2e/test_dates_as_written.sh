#!/usr/bin/env bash
# Issue 16, point 1 (a city officer's review): dates and times as Japanese
# papers write them — 令和8年12月15日（火）, 2026/12/2(水), 令8.12.3, 10時,
# 10時30分, 午前10時, 午後3時 — in options and form fields alike; a day of the
# week that is not the date's is refused naming what was typed and the right
# day, writing nothing.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
field_of() { "$ITAKU" record show "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['body']['$2'])"; }

# the days of the story, from today: D13 (its weekday in kanji W13), D14,
# D15; as papers write them
D0=$(day 0) D1=$(day 1) D13=$(day 13) D14=$(day 14) D15=$(day 15)
W0=$(day_wd 0) W1=$(day_wd 1) W13=$(day_wd 13) W14=$(day_wd 14)
ERA13="$(day_era 13)（$W13）" SLASH14="$(day 14 %Y/%-m/%-d)($W14) 午後3時" ERA15="$(day_era 15 '令%d.%d.%d') 10時30分"
cd "$T/city"
due_taken "$ERA13" "${D13}T23:59:59+09:00"
due_taken "$SLASH14" "${D14}T15:00:00+09:00"
due_taken "$ERA15" "${D15}T10:30:00+09:00"
ok "--due takes $ERA13, $SLASH14 and $ERA15"

# a wrong day of the week: the day after D13's (Japanese), the day before it (English)
next=$(day_wd 14) prev=$(day_wd 12)
expect_refused "「$(day_era 13)（$next）」.*$D13 は$(day_wd 13)曜日（$W13）で、${next}曜日（$next）ではありません" \
    "${JA[@]}" "$ITAKU" instruct report --to acme --due "$(day_era 13)（$next）" --text "報告"
expect_refused "$D13 is a $(day_wd 13 en) \\($W13\\), not a $(day_wd 12 en) \\($prev\\)" \
    "$ITAKU" instruct report --to acme --due "$(day 13 %Y/%-m/%-d)($prev)" --text "報告"
expect_output "'$(day 13 %Y/%-m/%-d)\\($prev\\)'"
expect_refused "午前・午後を付けるときの時は 0 から 11 です" \
    "${JA[@]}" "$ITAKU" instruct report --to acme --due "$(day 14 %Y/%-m/%-d) 午後12時" --text "報告"
ok "a wrong day of the week is refused naming what was typed and the right day; 午後12時 is refused"

cd "$T/acme"
git pull -q "$T/city" main
"$ITAKU" acknowledge >/dev/null
expect_exit 0 "$ITAKU" register add --action received --item-id A-1 --info "住民データ" --medium usb \
    --quantity 1 --handler "鈴木一郎" --method 手渡し --occurred-at "$(day_era 0)（$W0）午前10時"
[ "$(field_of "$(cat "$T/out")" occurred_at)" = "${D0}T10:00:00+09:00" ] || fail "午前10時 is not 10:00"
# a form field: the same reader
printf '{"action": "received", "handler": "鈴木一郎", "info_name": "住民データ", "item_id": "A-2", "medium": "usb", "method": "手渡し", "occurred_at": "%s(%s) 14時", "quantity": {"unit": "件", "value": 1}}' \
    "$(day_era 1 '令%d.%d.%d')" "$W1" >"$T/r.json"
expect_exit 0 "$ITAKU" register add --file "$T/r.json"
[ "$(field_of "$(cat "$T/out")" occurred_at)" = "${D1}T14:00:00+09:00" ] || fail "$(day_era 1 '令%d.%d.%d')($W1) 14時 is not 14:00"
ok "register add --occurred-at and a form field take $(day_era 0)（$W0）午前10時 and $(day_era 1 '令%d.%d.%d')($W1) 14時"

# a time something happened that is later than now: recorded, with a note
# naming the field and both times as the screens show them
python3 - "$SRC/tests/schema-corpus/incident/valid/base.json" "$T/inc.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
b["discovered_at"] = "2099-01-05T09:00:00+09:00"
b["occurred_at"] = "2099-01-04T09:00:00+09:00"
json.dump(b, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit 0 "${JA[@]}" "$ITAKU" incident report "$T/inc.json"
expect_output "注意: 日時 2099-01-04 09:00 は現在（[0-9-]{10} [0-9:]{5}）より後の時刻です"
expect_output "発見日時 2099-01-05 09:00 は現在（[0-9-]{10} [0-9:]{5}）より後の時刻です"
expect_exit 0 "$ITAKU" incident report "$T/inc.json" --supersedes "$(cat "$T/out")"
expect_output "The time it was discovered \(discovered_at\), 2099-01-05 09:00, is later than now"
ok "an incident discovered or happening later than now is noted, each time named"

# each date-time field of a template says what a date alone means there
"$ITAKU" form new 3 >"$T/t3.jsonc"
grep -B1 '"occurred_at"' "$T/t3.jsonc" | has -F "日付だけなら、その日の始め 0:00 (a date alone: the start of the day)" ||
    fail "the template's occurred_at does not say what a date alone means: $(grep -B1 occurred_at "$T/t3.jsonc")"
"$ITAKU" form new incident >"$T/ti.jsonc"
[ "$(grep -c "日付だけなら、その日の始め 0:00" "$T/ti.jsonc")" = "$(grep -c 'hh:mm' "$T/ti.jsonc")" ] ||
    fail "a date-time field of the incident template does not say what a date alone means"
grep -B1 '"due_on"' "$T/t3.jsonc" | has -F "日付だけなら" && fail "a date field says what a date alone means"
"$ITAKU" instruct amend --help >"$T/help"
has -F "a date alone: 23:59:59 that day" <"$T/help" || fail "instruct amend --due does not say what a date alone means"
ok "templates say what a date alone means for each date-time field (the start of the day); instruct amend --due says 23:59:59"

finish
