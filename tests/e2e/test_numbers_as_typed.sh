#!/usr/bin/env bash
# Issue 16, point 1: numbers and codes as a Japanese office types them. A
# telephone number in full-width digits and dashes (０４２－５５８－１１１１)
# and a worker number in upper case (W-001 where form 1 has w-001) are read
# through the one fold item numbers are compared by (NFKC, case, the dash
# look-alikes), stored as the form's pattern has them and noted; a date
# without its year (12/1, 12月1日) is refused saying the year is missing, not
# called a two-digit year, with a form that is accepted, writing nothing.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
python3 - "$FORM1_BODY" "$T/form1.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
f["manager"]["phone"] = "０４２－５５８－１１１１"
f["contact_chain"][0]["phone"] = "０９０ー１２３４ー５６７８"
json.dump(f, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit 0 "${JA[@]}" "$ITAKU" form submit 1 "$T/form1.json"
expect_output "電話番号: 「０４２－５５８－１１１１」は 042-558-1111 として読みました"
F1=$(grep -oE 'f1-[0-9]{6}' "$T/out" "$T/err" | head -1 | cut -d: -f2)
"$ITAKU" record show "acme/$F1" >"$T/f1.json" || fail "record show acme/$F1"
python3 - "$T/f1.json" <<'PY' || fail "the telephone numbers are not stored as 042-558-1111 and 090-1234-5678"
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))["body"]
assert b["manager"]["phone"] == "042-558-1111", b["manager"]["phone"]
assert b["contact_chain"][0]["phone"] == "090-1234-5678", b["contact_chain"][0]["phone"]
PY
ok "form 1 takes ０４２－５５８－１１１１ and ０９０ー１２３４ー５６７８ (長音符 as dashes), stored as 042-558-1111, noted"

FORM2_BODY=$SRC/tests/schema-corpus/form2/valid/base.json
sed 's/"w-001"/"Ｗ－００１"/' "$FORM2_BODY" >"$T/form2.json"
expect_exit 0 "$ITAKU" form submit 2 "$T/form2.json"
expect_output "taken as w-001"
F2=$(grep -oE 'f2-[0-9]{6}' "$T/out" "$T/err" | head -1 | cut -d: -f2)
"$ITAKU" record show "acme/$F2" | has '"worker_id": "w-001"' ||
    fail "the attendee's worker number is not stored as form 1 has it (w-001)"
sed 's/"w-001"/"W-001"/' "$FORM2_BODY" >"$T/form2b.json"
expect_exit 0 "$ITAKU" validate 2 "$T/form2b.json"
ok "form 2 takes the worker number W-001 and Ｗ－００１ for form 1's w-001, stored as w-001"

# the contract's contacts, which the city records: the same fold
cd "$T/city"
cat >"$T/contacts.json" <<'JSON'
{"contacts": [{"party": "akiruno-city", "role": "情報政策課", "name": "山田太郎",
  "phone": "０４２－５５８－１１１１", "email": "joho@city.example.jp"}]}
JSON
expect_exit 0 "$ITAKU" contract amend --contacts "$T/contacts.json" --reason "連絡先の登録"
expect_exit 0 "$ITAKU" contract show
expect_output "山田太郎 042-558-1111"
ok "contract amend --contacts takes ０４２－５５８－１１１１ as 042-558-1111"

before=$(state_of "$T/city")
for typed in "12/1" "１２／１" "12-01" "12月1日"; do
    expect_exit 2 "$ITAKU" instruct report --to acme --due "$typed" --text "報告してください"
    expect_output "the year is missing"
    expect_output "write it like 2026-12-01"
    grep -q "two-digit year" "$T/err" && fail "$typed is called a two-digit year"
    [ "$before" = "$(state_of "$T/city")" ] || fail "a refused date ($typed) changed the registry"
done
expect_exit 2 "${JA[@]}" "$ITAKU" instruct report --to acme --due "12/1" --text "報告してください"
expect_output "年がありません"
expect_output "2026-12-01"
expect_exit 2 "$ITAKU" instruct report --to acme --due "26/12/1" --text "報告してください"
expect_output "two-digit year"
ok "--due 12/1 (and １２／１, 12-01, 12月1日) is refused as a date without its year, showing 2026-12-01; 26/12/1 is still a two-digit year"
finish
