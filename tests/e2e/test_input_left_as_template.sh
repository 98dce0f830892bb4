#!/usr/bin/env bash
# Issue 16, point 1 (officer review, problems 6 and 10): a form template
# filled in only where required is taken: an optional object left as the
# template writes it (period {"from":"","to":""}) and an optional array's
# untouched placeholder rows are not given, each noted with the field's name
# on the paper form; `validate` and `form submit` agree; a required field left
# empty is still refused. A handover method and its catalog label are one
# method at init and contract amend. The duplicate register entry refusal
# names the entry already recorded. A time later than now is noted.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 44)" --text "履行状況を報告してください"
N1=$(cat "$T/out")
cd "$T/acme"
"$ITAKU" pull >/dev/null
"$ITAKU" acknowledge >/dev/null

# --- the template filled in only where required -----------------------------
"$ITAKU" form new form4 >"$T/tpl.jsonc"
fill_required() {
    python3 - "$T/tpl.jsonc" "$1" "$N1" "${2:-}" <<'PY'
import re, sys
tpl, out, n1, extra = sys.argv[1:]
t = open(tpl, encoding="utf-8").read()
for k, v in [("addressee", "あきる野市長"), ("instruction_ref", n1), ("submitted_on", "令和8年12月10日"),
             ("training_status", "実施済み"), ("address", "東京都あきる野市"),
             ("representative", "山田太郎")]:
    t, n = re.subn(r'("%s": )""' % k, r'\g<1>"%s"' % v, t, count=1)
    assert n == 1, k
# the required rows: the subcontractor's and the company's names
t = t.replace('"name": ""', '"name": "株式会社アクメ"').replace('"status": ""', '"status": "遵守"', 1)
if extra == "row":
    # one checklist row filled in above the template's own row
    t = t.replace('"checklist": [\n', '"checklist": [\n    {"item": "施錠保管", "status": "実施済み"},\n', 1)
if extra == "half-period":
    t = re.sub(r'("from": )""', r'\g<1>"2026/12/1"', t, count=1)
if extra == "empty-submitter":
    t = t.replace('"address": "東京都あきる野市"', '"address": ""')
open(out, "w", encoding="utf-8").write(t)
PY
}
fill_required "$T/f4.jsonc"
grep -q '"period": {' "$T/f4.jsonc" || fail "the template has no optional period object to leave"
grep -q '"incidents": \[""\]' "$T/f4.jsonc" || fail "the template has no placeholder row of incidents"
expect_exit 0 "$ITAKU" validate form4 "$T/f4.jsonc"
expect_output "f4.jsonc valid"
expect_output "note: 対象期間 \(period\): left empty as in the template: taken as not given"
expect_output "note: 点検項目 \(checklist\): left empty as in the template: taken as not given"
expect_output "note: 取扱状況 \(activity_summary\): left empty"
expect_output "note: 添付書類 \(attachments\): left empty"
expect_output "note: 事故 \(incidents\): left empty"
grep -E "not_done|is not a date" "$T/out" "$T/err" && fail "validate still refuses the template's placeholders"
LANG=ja_JP.UTF-8 expect_exit 0 "$ITAKU" validate form4 "$T/f4.jsonc"
expect_output "f4.jsonc は適合しています"
expect_output "注意: 対象期間: ひな形のまま空欄になっているため、記載なしとみなしました"
expect_output "注意: 点検項目: ひな形のまま空欄になっているため、記載なしとみなしました"
before=$(state_of .)
expect_exit 0 "$ITAKU" form submit form4 "$T/f4.jsonc"
F4=$(cat "$T/out")
expect_output "note: 対象期間 \(period\): left empty as in the template"
"$ITAKU" record show "$F4" | python3 -c '
import json, sys
b = json.load(sys.stdin)["body"]
for k in ("period", "checklist", "activity_summary", "attachments", "incidents", "contract_id"):
    assert k not in b, (k, b[k])
assert b["subcontractor_status"] == [{"name": "株式会社アクメ", "status": "遵守"}], b
' || fail "form submit recorded a field left as in the template"
[ "$before" != "$(state_of .)" ] || fail "form submit wrote nothing"
ok "a form4 template filled in only where required: validate says valid, form submit takes it; optional period and placeholder rows noted by their names (対象期間, 点検項目) and left out"

# a filled row stays; the template's own row beside it is left out, noted
fill_required "$T/f4row.jsonc" row
expect_exit 0 "$ITAKU" validate form4 "$T/f4row.jsonc"
expect_output "note: 点検項目 \(checklist\[1\]\): a row left empty as in the template: taken as not given"
LANG=ja_JP.UTF-8 expect_exit 0 "$ITAKU" validate form4 "$T/f4row.jsonc"
expect_output "注意: 点検項目（2 行目）: ひな形のまま空欄の行のため、その行は記載なしとみなしました"
expect_exit 0 "$ITAKU" form submit form4 "$T/f4row.jsonc"
"$ITAKU" record show "$(cat "$T/out")" | python3 -c '
import json, sys
b = json.load(sys.stdin)["body"]
assert b["checklist"] == [{"item": "施錠保管", "status": "done"}], b["checklist"]
' || fail "the filled checklist row is not kept alone"
ok "a filled checklist row is kept and the template's placeholder row beside it is left out, noted as 点検項目 (checklist[1])"

# begun and not finished, or required: refused with the usual messages
fill_required "$T/f4half.jsonc" half-period
for how in validate "form submit"; do
    before=$(state_of .)
    # shellcheck disable=SC2086
    expect_exit "$([ "$how" = validate ] && echo 1 || echo 2)" "$ITAKU" $how form4 "$T/f4half.jsonc"
    expect_output "period.to: left \"\" as in the template; it is required: write the date"
    [ "$before" = "$(state_of .)" ] || fail "a refused form changed the registry"
done
fill_required "$T/f4req.jsonc" empty-submitter
for how in validate "form submit"; do
    # shellcheck disable=SC2086
    expect_exit "$([ "$how" = validate ] && echo 1 || echo 2)" "$ITAKU" $how form4 "$T/f4req.jsonc"
    expect_output "submitter.address must not be empty"
done
LANG=ja_JP.UTF-8 expect_exit 1 "$ITAKU" validate form4 "$T/f4req.jsonc"
expect_output "受注者（所在地・名称・代表者）の所在地を空にはできません"
cat "$T/out" "$T/err" | has submitter && fail "the Japanese refusal shows the key"
ok "a period half filled in, or a required field left \"\", is refused by validate and form submit alike"

# --- a handover method and its catalog label are one method ----------------
"$ITAKU" key generate "$T/c2.key" --comment city2 >/dev/null
for pair in "hand-delivery|手渡し" "手渡し|Hand-Delivery" "hand-delivery|ＨＡＮＤ－ＤＥＬＩＶＥＲＹ"; do
    expect_exit 2 "$ITAKU" init "$T/twice" --contract C-2026-099 --title t --city akiruno-city \
        --name "あきる野市" --key "$T/c2.key" --start "$(day -1)" --end "$(day 119)" \
        --handover-method "${pair%%|*}" --handover-method "${pair##*|}"
    expect_output "handover methods '${pair%%|*}' and '${pair##*|}' are the same method"
    [ ! -e "$T/twice" ] || fail "a refused init ($pair) made $T/twice"
done
LANG=ja_JP.UTF-8 expect_exit 2 "$ITAKU" init "$T/twice" --contract C-2026-099 --title t \
    --city akiruno-city --name "あきる野市" --key "$T/c2.key" --start "$(day -1)" --end "$(day 119)" \
    --handover-method hand-delivery --handover-method 手渡し
expect_output "受渡方法「hand-delivery」と「手渡し」は同じ方法です"
cd "$T/city"
before=$(state_of .)
expect_exit 2 "$ITAKU" contract amend --handover-method hand-delivery --handover-method 手渡し \
    --reason "受渡方法の追加"
expect_output "handover methods 'hand-delivery' and '手渡し' are the same method"
LANG=ja_JP.UTF-8 expect_exit 2 "$ITAKU" contract amend --handover-method 手渡し \
    --handover-method hand-delivery --reason "受渡方法の追加"
expect_output "受渡方法「手渡し」と「hand-delivery」は同じ方法です"
[ "$before" = "$(state_of .)" ] || fail "a refused contract amend changed the registry"
expect_exit 0 "$ITAKU" contract amend --handover-method hand-delivery --handover-method 郵送 \
    --drop-handover-method encrypted-usb --reason "受渡方法の追加"
ok "init and contract amend refuse hand-delivery beside 手渡し (its label) as one method given twice, writing nothing; two methods are taken"

# --- a time it happened later than now: recorded, with a note --------------
cd "$T/acme"
"$ITAKU" pull >/dev/null
later=$(date -d '+4 hours' +%Y-%m-%dT%H:%M:00%:z)
earlier=$(date -d '-1 hour' +%Y-%m-%dT%H:%M:00%:z)
reg() { "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" "$@"; }
expect_exit 0 reg --action received --item-id SKR-USB-31 --method 手渡し --occurred-at "$later"
expect_output "note: The time it happened \(occurred_at\), .*, is later than now \(.*\)\. If the time is mistyped"
LANG=ja_JP.UTF-8 expect_exit 0 reg --action received --item-id SKR-USB-32 --method 手渡し \
    --occurred-at "$later"
expect_output "注意: 日時 .* は現在（.*）より後の時刻です"
expect_exit 0 reg --action received --item-id SKR-USB-33 --method 手渡し --occurred-at "$earlier"
grep -F "later than now" "$T/err" && fail "an entry an hour ago is noted as later than now"
ok "a register entry later than now is recorded with a note saying so (English and Japanese); one an hour ago is not noted"

finish
