#!/usr/bin/env bash
# The form 1 in force (its representative and address head every page of
# the party's forms) is the one written last: the highest id, as readers of
# key events and amendments take it, not the latest date its "created"
# claims (a date typed, or a form filed late).
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY" # f1-000001, created now
[ "$(cat "$T/out")" = f1-000001 ] || fail "the first form 1 is not f1-000001"
# f1-000002, written after it (with stock git), claims an older date
python3 - "$FORM1_BODY" "$T/f1b.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
b["filing_type"] = "change"
b["submitter"]["representative"] = "代表取締役 鈴木次郎"
b["submitter"]["address"] = "東京都あきる野市秋川1-1"
json.dump(b, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
write_record parties/acme/forms/form1/f1-000002.json "$(cat "$T/f1b.json")" \
    '{"schema": "form1.v2", "created": "2026-11-01T10:00:00+09:00"}'
forge . "Form 1 change" "$T/acme.key" acme manager submit parties/acme/forms/form1/f1-000002.json >/dev/null
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" register add --action received --medium usb --quantity 1 --info "住民データ" \
    --method hand-delivery --item-id A-1 --handler "鈴木一郎" --occurred-at "$(day 0)T09:00:00+09:00"
R=$(cat "$T/out")
expect_exit 0 "$ITAKU" form render "$R" --format md
has -F "代表取締役 鈴木次郎" <"$T/out"
has -F "東京都あきる野市秋川1-1" <"$T/out"
if has -F "山田太郎" <"$T/out"; then fail "the page heads with f1-000001's representative"; fi
ok "a form 1 with a higher id but an older created date is the one in force"

# the next one itaku writes (f1-000003, created now) takes over
python3 - "$FORM1_BODY" "$T/f1c.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
b["filing_type"] = "change"
b["submitter"]["representative"] = "代表取締役 高橋三郎"
json.dump(b, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" form submit 1 "$T/f1c.json"
[ "$(cat "$T/out")" = f1-000003 ] || fail "the third form 1 is not f1-000003"
expect_exit 0 "$ITAKU" form render "$R" --format md
has -F "代表取締役 高橋三郎" <"$T/out"
ok "the form 1 written last is in force"
finish
