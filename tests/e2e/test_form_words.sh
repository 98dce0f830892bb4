#!/usr/bin/env bash
# Issue 16 (a city officer's review): on a Japanese screen a refusal or a note
# names a field, a record and a choice as the paper form does — 提出日, not
# submitted_on; 再委託承認申請書, not form6; 受領, not received — and a choice
# not among the form's lists the form's words for them, each of which is
# accepted. The English screen keeps the keys and codes (its words).
. "$(dirname "$0")/lib.sh"

EN=(env -u LANGUAGE -u LC_MESSAGES -u LANG LC_ALL=C.UTF-8)
setup_city_and_contractor
cd "$T/acme"
git pull -q "$T/city" main
"$ITAKU" acknowledge >/dev/null

# a field left out: the form's name and the field's, no key
"$ITAKU" key generate "$T/beta.key" >/dev/null
form6_for beta "$T/beta.key.pub" | python3 -c '
import json, sys
b = json.load(sys.stdin); del b["submitted_on"]; b["subcontractor"]["name"] = ""
print(json.dumps(b, ensure_ascii=False))' >"$T/f6.json"
expect_exit 1 "${JA[@]}" "$ITAKU" validate form6 "$T/f6.json"
expect_output "再委託承認申請書: 提出日は必須です"
expect_output "再委託承認申請書: 再委託先の名称を空にはできません"
cat "$T/out" "$T/err" | has -E 'submitted_on|subcontractor|form6' && fail "a key in the Japanese refusal: $(cat "$T/out")"
expect_refused "承認申請: 再委託承認申請書の提出日は必須です" \
    "${JA[@]}" "$ITAKU" request submit subcontract "$T/f6.json"
has -E 'submitted_on|form6' <"$T/err" && fail "a key in the Japanese refusal: $(cat "$T/err")"
expect_exit 1 "${EN[@]}" "$ITAKU" validate form6 "$T/f6.json"
expect_output "form6: submitted_on is required"
ok "a field left out is 再委託承認申請書: 提出日は必須です in Japanese, form6: submitted_on in English"

# a choice not among the form's: its words listed, each accepted
reg() { "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --method 手渡し --occurred-at "$(day 0)T10:00:00+09:00" "$@"; }
expect_refused "区分は 受領、返却、複製、持出し、持帰り、目的外使用、第三者提供、消去、廃棄 のいずれかでなければなりません（「受取」は使えません）" \
    "${JA[@]}" "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --method 手渡し --occurred-at "$(day 0)T10:00:00+09:00" --action 受取 --item-id A-1
has -E 'received|returned|(^|[^-])action' <"$T/err" && fail "codes in the Japanese list of choices: $(cat "$T/err")"
expect_refused "action must be one of received, returned, copied" \
    "${EN[@]}" "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --method 手渡し --occurred-at "$(day 0)T10:00:00+09:00" --action 受取 --item-id A-1
expect_exit 0 "${JA[@]}" "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" \
    --info "住民データ" --method 手渡し --occurred-at "$(day 0)T10:00:00+09:00" --action 受領 --item-id A-1
has -F '選択肢' <"$T/err" && fail "a note on a choice typed as the form's word: $(cat "$T/err")"
expect_exit 0 "${JA[@]}" "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" \
    --info "住民データ" --method 手渡し --occurred-at "$(day 0)T11:00:00+09:00" --action ＲＥＣＥＩＶＥＤ --item-id A-2
expect_output "区分: 「ＲＥＣＥＩＶＥＤ」を選択肢「受領」として扱いました"
has -E 'action|（received）' <"$T/err" && fail "a code in the Japanese note: $(cat "$T/err")"

# a form's row: the list's words, and the row's number
form4_answering akiruno-city/n-000001 | python3 -c '
import json, sys
b = json.load(sys.stdin); b["checklist"] = [{"item": "施錠保管", "status": "済"}]
print(json.dumps(b, ensure_ascii=False))' >"$T/f4.json"
expect_exit 1 "${JA[@]}" "$ITAKU" validate form4 "$T/f4.json"
expect_output "点検項目（1 行目）の状況は 実施済み、一部実施、未実施、該当なし のいずれかでなければなりません（「済」は使えません）"
cat "$T/out" "$T/err" | has -E 'checklist|not_done' && fail "a key or code in the Japanese refusal: $(cat "$T/out")"
sed 's/"済"/"一部実施"/' "$T/f4.json" >"$T/f4b.json"
expect_exit 1 "${JA[@]}" "$ITAKU" validate form4 "$T/f4b.json"
cat "$T/out" "$T/err" | has -F '状況は' && fail "一部実施 is not taken as a choice: $(cat "$T/out")"
ok "a choice not among the form's lists the form's words (受領、返却…; 実施済み、一部実施…), each accepted; English lists the codes"

# a reference recorded as unverified: the field by its name in status and history
expect_exit 0 reg --action returned --item-id OLD-001 --unverified-ref --reason "台帳以前の受領"
R=$(cat "$T/out")
"${JA[@]}" "$ITAKU" status >"$T/status" || true
has -F '確認できない参照: 管理番号 OLD-001 は台帳にない' <"$T/status" ||
    fail "status does not name 管理番号: $(grep OLD "$T/status")"
has -F 'item_id' <"$T/status" && fail "status shows the key item_id: $(grep OLD "$T/status")"
"${JA[@]}" "$ITAKU" history "$R" >"$T/hist" || true
has -F '管理番号 OLD-001' <"$T/hist" || fail "history does not name 管理番号: $(cat "$T/hist")"
has -F 'item_id' <"$T/hist" && fail "history shows the key item_id"
ok "an unverified reference is 管理番号 OLD-001 in status and history, not item_id"

# an attachment a request cites and nobody holds: the citing field by its name
form6_for beta "$T/beta.key.pub" >"$T/f6ok.json"
expect_exit 0 "$ITAKU" request submit subcontract "$T/f6ok.json"
"${JA[@]}" "$ITAKU" status >"$T/status" || true
has -F '再委託承認申請書が引用する' <"$T/status" ||
    fail "status does not name the citing form: $(grep SHA "$T/status")"
grep -F 'SHA-256' "$T/status" | has -E 'form6が' && fail "status shows the key form6"
ok "an attachment cited and not held is cited by 再委託承認申請書, not form6"

finish
