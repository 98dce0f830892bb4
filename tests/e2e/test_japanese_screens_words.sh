#!/usr/bin/env bash
# Issue 16, point 5: a Japanese screen in Japanese words. `form new` writes
# its notes in Japanese (no "Lines starting with //", no English field
# descriptions, a choice by the form's word: 新規 | 変更, which reading the
# form takes); `history` names the record type and the field by the paper's
# words (履行状況報告書, 指示), not form4 and instruction_ref, and its signer
# by company and role (株式会社アクメ 管理責任者), not acme/manager; `instructions`
# names the parties (あきる野市, 株式会社アクメ), not their ids; a Japanese
# refusal gives no rule number (V2), which the English one keeps for an
# auditor; `status`, `todo` and `requests` name the parties by their names
# (株式会社アクメ), status keeping the id that --party takes. English screens
# keep the codes.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
"${JA[@]}" "$ITAKU" form new 1 >"$T/tpl"
grep -q "Lines starting" "$T/tpl" && fail "the Japanese template's notes are English"
grep -qF "「//」で始まる行は注記で" "$T/tpl" || fail "the Japanese template has no note in Japanese"
grep -qE "届出区分（新規・変更） 【必須】 — 新規 \| 変更$" "$T/tpl" ||
    fail "the choice is not by the form's words: $(grep 届出区分 "$T/tpl")"
# acronyms the paper uses too (USB, HDD, SHA) aside
latin=$(grep '^ *//' "$T/tpl" | grep -v 'itaku form submit' | grep -oE '[A-Za-z]*[a-z][A-Za-z]{2,}' | sort -u | tr '\n' ' ' || true)
[ -z "$latin" ] || fail "the Japanese template's notes hold English words: $latin"
python3 - "$T/tpl" "$T/f1.json" "$FORM1_BODY" <<'PY'
import json, re, sys
# the choice written as the template offers it is taken
f = json.load(open(sys.argv[3], encoding="utf-8"))
f["filing_type"] = "新規"
json.dump(f, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit 0 "${JA[@]}" "$ITAKU" validate 1 "$T/f1.json"
"$ITAKU" form new 1 | has -F "new（新規） | change（変更）" || fail "the English template lost its codes"
ok "form new on a Japanese screen: notes in Japanese, choices by the form's words (taken as written)"

cd "$T/city"
expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 18)" --text "履行状況を報告してください"
expect_exit 0 "${JA[@]}" "$ITAKU" instructions
expect_output "akiruno-city/n-000001 +あきる野市 +株式会社アクメ +報告の求め"
ok "instructions names the issuer and the addressee (あきる野市, 株式会社アクメ)"

cd "$T/acme"
"$ITAKU" pull >/dev/null
python3 - "$SRC/tests/schema-corpus/form4/valid/base.json" "$T/f4.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
f["instruction_ref"] = "akiruno-city/n-000001"
json.dump(f, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" form submit 4 "$T/f4.json"
expect_exit 0 "${JA[@]}" "$ITAKU" history akiruno-city/n-000001
expect_output "acme/f4-000001（履行状況報告書）が 指示 で akiruno-city/n-000001 に回答"
grep -qE "form4|instruction_ref" "$T/out" && fail "history shows form4 or instruction_ref on a Japanese screen"
expect_output "株式会社アクメ 管理責任者 +[0-9a-f]{12}  acme/f4-000001"
grep -q "acme/manager" "$T/out" && fail "history shows the principal acme/manager on a Japanese screen"
expect_exit 0 "$ITAKU" history akiruno-city/n-000001
expect_output "acme/f4-000001 \(form4\) answers akiruno-city/n-000001 in instruction_ref"
ok "history names the answer's type and field by the paper's words (履行状況報告書, 指示), and the signer by company and role (株式会社アクメ 管理責任者), in Japanese"

expect_exit 2 "${JA[@]}" "$ITAKU" instruct withdraw akiruno-city/n-000001 --reason "誤り"
expect_output "akiruno-city/n-000001 はあきる野市の指示です。訂正・撤回できるのは発出した当事者だけです。あきる野市に依頼してください"
grep -qE "V[0-9]" "$T/err" && fail "a Japanese refusal gives a rule number: $(cat "$T/err")"
expect_exit 2 "$ITAKU" instruct withdraw akiruno-city/n-000001 --reason "誤り"
expect_output "\(V2\)"
ok "a Japanese refusal says the rule in words, without its number (V2)"

expect_exit 1 "${JA[@]}" "$ITAKU" todo --at "$(day 8)"
expect_output "時点で 株式会社アクメ がすべきこと"
grep -qE "(^| )acme( |$)" "$T/out" && fail "todo shows the party id acme on a Japanese screen: $(cat "$T/out")"
expect_exit 1 "$ITAKU" todo --at "$(day 8)"
expect_output "To do for acme"
expect_exit 0 "$ITAKU" register add --action received --item-id SKR-USB-01 --medium usb --quantity 1 \
    --handler "鈴木一郎" --info "住民データ" --method 手渡し --occurred-at "$(day 0)T10:00:00+09:00"
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item SKR-USB-01
expect_exit 0 "${JA[@]}" "$ITAKU" requests --mine
expect_output "acme/q-000001 +複製 +審査中 +あきる野市 "
grep -q "akiruno-city" "$T/out" && fail "requests shows the party id akiruno-city on a Japanese screen"
expect_exit 0 "$ITAKU" requests --mine
expect_output "acme/q-000001 +copy +pending +akiruno-city "
ok "requests names who acts next by name on a Japanese screen (あきる野市), by id in English"
cd "$T/city"
"${JA[@]}" "$ITAKU" status --at "$(day 8)" >"$T/out" 2>"$T/err" || true
expect_output "^株式会社アクメ（acme、受注者）$"
"$ITAKU" status --at "$(day 8)" >"$T/out" 2>"$T/err" || true
expect_output "^acme \(contractor\)$"
ok "status heads each party by its name on a Japanese screen, 株式会社アクメ（acme、受注者）, by its id in English"
finish
