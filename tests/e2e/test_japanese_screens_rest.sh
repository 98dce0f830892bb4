#!/usr/bin/env bash
# The rest of a city officer's and a contractor's review of the Japanese
# screens (issue 16): `log` speaks in the catalog's words and the parties'
# names; acknowledge and status name the obligations by their title; register
# add names the option a missing field is given by; a form left as the
# template says so first; a second receipt of an item still held asks for
# --again and todo asks for its return once; validate speaks of the form's
# fields, register add of options; `who` names a signer by name; a worker
# number out of format is listed once. English screens and --json keep the
# codes and ids.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
"$ITAKU" key generate "$T/tanaka.key" >/dev/null
expect_exit 0 "$ITAKU" key add "$T/tanaka.key.pub" --principal tanaka --name "田中 花子"

# 2. acknowledge names the obligations by their title, not their file
expect_exit 0 "${JA[@]}" "$ITAKU" acknowledge
expect_output "現行のすべての遵守事項（「外部委託における情報セキュリティ遵守事項」第1版）を受諾しました"
grep -q "obligations/" "$T/out" && fail "acknowledge names the obligations by their file: $(cat "$T/out")"
ok "acknowledge names the obligations by their title and version"

expect_exit 0 "$ITAKU" register add --action received --medium usb --quantity 1 \
    --handler "鈴木一郎" --info "住民データ" --method 手渡し --item-id item-1 \
    --occurred-at "$(day -1)T09:00:00+09:00" --key "$T/tanaka.key"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"

# 1. log on a Japanese screen: actions and kinds in the catalog's words,
# parties by name, records by kind and number; English and --json keep codes
expect_exit 0 "${JA[@]}" "$ITAKU" log
expect_output "✓  あきる野市 +officer +受領 +[0-9a-f]{12}  受領（株式会社アクメから）$"
expect_output "✓  株式会社アクメ +田中 花子（tanaka） +提出 +[0-9a-f]{12}  提出: 重要指定情報管理記録簿$"
expect_output "^ +重要指定情報管理記録簿 acme/r-000001$"
expect_output "✓  株式会社アクメ +manager +鍵の追加 "
expect_output "^ +署名鍵（株式会社アクメ）$"
for word in " receive " " submit " "Receive the line" "Submit form" "Acknowledge the" \
    "parties/acme/register" " acme  "; do
    grep -qF -- "$word" "$T/out" && fail "log on a Japanese screen shows '$word': $(cat "$T/out")"
done
expect_exit 0 "$ITAKU" log
expect_output "akiruno-city +officer +receive +[0-9a-f]{12}  Receive the line of acme$"
expect_output "^ +parties/acme/register/r-000001.json$"
expect_exit 0 "${JA[@]}" "$ITAKU" log --json
python3 - "$T/out" <<'PY' || fail "log --json lost its codes and ids"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert any(e["action"] == "receive" and e["party"] == "akiruno-city" for e in d), d
assert any(e["subject"].startswith("Submit form 3") for e in d), d
PY
ok "log: 受領（株式会社アクメから）, 提出: 重要指定情報管理記録簿 on a Japanese screen; codes on an English one and in --json"

# 7. who names each signer by name, the id beside it
expect_exit 0 "${JA[@]}" "$ITAKU" who
# (the signers come in the order of their keys' fingerprints)
expect_output "署名者: (manager, 田中 花子（tanaka）|田中 花子（tanaka）, manager)$"
expect_exit 0 "$ITAKU" who
expect_output "signers: (manager, tanaka \(田中 花子\)|tanaka \(田中 花子\), manager)$"
ok "who names a signer by name on a Japanese screen (田中 花子（tanaka）), id first on an English one"

cd "$T/acme"
# 3. register add names the option of a missing field, in Japanese too
expect_refused "情報の名称は必須です（--info で指定します）" "${JA[@]}" "$ITAKU" register add \
    --action received --medium usb --quantity 1 --handler 鈴木 --item-id item-2 --method 手渡し
expect_refused "info_name is required \(--info\)" "$ITAKU" register add \
    --action received --medium usb --quantity 1 --handler 鈴木 --item-id item-2 --method 手渡し
ok "register add names the option (--info) of a missing field on Japanese and English screens"

# 4. a form 1 left as the template gives it says so first
"$ITAKU" form new 1 >"$T/f1.json"
expect_refused "この様式は記入されていません。どの項目もひな形（itaku form new）のままです" \
    "${JA[@]}" "$ITAKU" form submit 1 "$T/f1.json"
expect_refused "The form is not filled in: every field is still as the template" \
    "$ITAKU" form submit 1 "$T/f1.json"
python3 - "$T/f1.json" "$T/f1-some.json" <<'PY'
import json, re, sys
text = re.sub(r"^\s*//.*$", "", open(sys.argv[1], encoding="utf-8").read(), flags=re.M)
f = json.loads(text)
f["addressee"] = "あきる野市長"
json.dump(f, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_refused "宛先|管理責任者" "${JA[@]}" "$ITAKU" form submit 1 "$T/f1-some.json"
grep -q "この様式は記入されていません" "$T/err" && fail "a form partly filled in is said to be unfilled: $(cat "$T/err")"
ok "a form 1 submitted as the template gives it: a lead line says it is not filled in"

# 5. a second receipt of an item still held: refused unless --again; todo
# asks for its return once
expect_refused "株式会社アクメは管理番号「item-1」の情報をすでに保有しています（記録 acme/r-000001：受領、" \
    "${JA[@]}" "$ITAKU" register add --action received --medium usb --quantity 1 \
    --handler "鈴木一郎" --info "住民データ" --method 手渡し --item-id item-1 \
    --occurred-at "$(day -1)T10:00:00+09:00"
expect_output "\-\-again"
expect_exit 0 "$ITAKU" register add --action received --medium usb --quantity 1 \
    --handler "鈴木一郎" --info "住民データ" --method 手渡し --item-id item-1 \
    --occurred-at "$(day -1)T10:00:00+09:00" --again
set +e
"${JA[@]}" "$ITAKU" todo >"$T/out" 2>"$T/err"
set -e
[ "$(grep -c "管理番号 item-1（受領）が未返却" "$T/out")" = 1 ] ||
    fail "todo asks for item-1's return other than once: $(cat "$T/out")"
ok "a second receipt of an item held asks for --again; recorded with it, todo asks for one return"

# 6. validate speaks of the form's fields, register add of its options
edit() { # edit IN OUT PYTHON: f is the form read from IN
    python3 -c "import json, sys
f = json.load(open(sys.argv[1], encoding='utf-8'))
$3
json.dump(f, open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)" "$1" "$2"
}
edit "$REGISTER_BODY" "$T/copy.json" 'f.update(action="copied", item_id="item-1c", derived_from="item-1", medium="file", occurred_at="'"$(day -1)"'T11:00:00+09:00"); f.pop("method", None)'
expect_exit 1 "${JA[@]}" "$ITAKU" validate 3 "$T/copy.json"
expect_output "承認された申請の番号を「承認申請」欄に記入するか"
expect_output "承認がなかった理由を「未承認の理由」欄に記入してください"
grep -q -- "--approval\|--unapproved" "$T/out" && fail "validate speaks of options: $(cat "$T/out")"
expect_exit 1 "$ITAKU" validate 3 "$T/copy.json"
expect_output "in the field approval .* in the field unapproved_reason"
expect_refused "「承認申請」欄" "${JA[@]}" "$ITAKU" form submit 3 "$T/copy.json"
expect_refused "\-\-approval <party>/<request> で指定するか" "${JA[@]}" "$ITAKU" register add \
    --action copied --medium file --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --item-id item-1c --derived-from item-1
ok "a copy without approval: validate and form submit name the form's fields, register add the options"

# 8. a worker number out of format is listed once, for its format
expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY"
edit "$SRC/tests/schema-corpus/form2/valid/base.json" "$T/f2.json" 'f["attendees"][0]["worker_id"] = "w 001!"'
expect_exit 1 "${JA[@]}" "$ITAKU" validate 2 "$T/f2.json"
expect_output "従事者番号「w 001!」は英小文字"
grep -q "様式第1号にありません" "$T/out" && fail "a malformed worker number is also listed as not on form 1: $(cat "$T/out")"
expect_exit 1 "$ITAKU" validate 2 "$T/f2.json"
[ "$(grep -c "w 001!" "$T/out")" = 1 ] || fail "the worker number is listed other than once: $(cat "$T/out")"
edit "$T/f2.json" "$T/f2-other.json" 'f["attendees"][0]["worker_id"] = "w-999"'
expect_exit 1 "$ITAKU" validate 2 "$T/f2-other.json"
expect_output "The worker number 'w-999' of an attendee is not on acme's form 1"
ok "a worker number out of format is listed once; one well written but not on form 1 is still found"
finish
