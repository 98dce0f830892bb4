#!/usr/bin/env bash
# Issue 16, points 8 and 9: on a Japanese screen a form's problems and notes
# name a field by the paper form's term (the schema's title; a row by its
# number; never the JSON key), a choice by its label, and a value that does
# not have the expected form by what to write and an example, never by the
# schema's regular expression; the English screen says the same in English.
. "$(dirname "$0")/lib.sh"

locale -a 2>/dev/null | has -ixE 'ja_JP\.utf-?8' ||
    fail "the ja_JP.UTF-8 locale is not installed: run make deps-test (as root) to generate it"
EN=(env -u LANGUAGE -u LC_MESSAGES -u LANG LC_ALL=C.UTF-8)

# no_regex FILE...: nothing in FILE looks like a schema's pattern
no_regex() {
    if grep -E -- '\^\[|\]\{[0-9]|\$$|パターン|pattern' "$@"; then
        fail "a regular expression is shown: $(cat "$@")"
    fi
}

setup_city_and_contractor
cd "$T/acme"

# a choice typed as the paper's word: nothing to say in Japanese; typed as
# its code in another width, the note names the field 区分 and the choice 受領,
# no code
register_body 受領 >"$T/r1.json"
sed 's/"item-1"/"item-2"/' "$T/r1.json" >"$T/r1en.json"
sed 's/"受領"/"ＲＥＣＥＩＶＥＤ"/; s/"item-1"/"item-3"/' "$T/r1.json" >"$T/r1w.json"
expect_exit 0 "${JA[@]}" "$ITAKU" register add --file "$T/r1.json"
cat "$T/out" "$T/err" | has -F '選択肢' && fail "a note on a choice typed as its label: $(cat "$T/err")"
cp "$T/err" "$T/ja1.out"
expect_exit 0 "${JA[@]}" "$ITAKU" register add --file "$T/r1w.json"
cat "$T/out" "$T/err" | has -F '区分: 「ＲＥＣＥＩＶＥＤ」を選択肢「受領」として扱いました'
cat "$T/out" "$T/err" | has -E 'action|received|taken as the choice' && fail "a code or English in the Japanese note: $(cat "$T/err")"
expect_exit 0 "${EN[@]}" "$ITAKU" register add --file "$T/r1en.json"
cat "$T/out" "$T/err" | has -F "action: '受領' taken as the choice received"
cp "$T/err" "$T/en1.out"
before=$(state_of .)
ok "the choice note names 区分 and 受領 in Japanese (none when typed as 受領), action and received in English"

# a worker id in upper case: described, with the value set right as example
before=$(state_of .)
python3 - "$FORM1_BODY" "$T/f1.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["workers"][0]["worker_id"] = "W-009"
json.dump(b, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_exit 2 "${JA[@]}" "$ITAKU" record add form1 "$T/f1.json"
cat "$T/out" "$T/err" | has -F '作業従事者（1 行目）の従事者番号「W-009」は英小文字・数字・「.」「_」「-」（英小文字か数字で始まる64文字以内）で書いてください（例: w-009）'
no_regex "$T/out" "$T/err"
expect_exit 2 "${EN[@]}" "$ITAKU" record add form1 "$T/f1.json"
cat "$T/out" "$T/err" | has -F "workers[0].worker_id: 'W-009' is not in the expected form; write lower-case letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit) (for example w-009)"
no_regex "$T/out" "$T/err"
[ "$(state_of .)" = "$before" ] || fail "a refused form changed the registry"
ok "a worker id in upper case: what to write and w-009, no pattern"

# a party id written as a name, an instruction id not of its form
python3 - "$T/r1.json" "$T/r3.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["action"] = "received"
b["from"] = "あきる野市"
b["instruction_ref"] = "city/n-5"
b["approval"] = "acme/x-1"
json.dump(b, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_exit 2 "${JA[@]}" "$ITAKU" record add register "$T/r3.json"
cat "$T/out" "$T/err" | has -F '指示「city/n-5」は指示の番号（当事者ID、「/」、n- と6桁の数字）で書いてください（例: city/n-000001）'
cat "$T/out" "$T/err" | has -F '承認申請「acme/x-1」は申請の番号'
no_regex "$T/out" "$T/err"
expect_exit 2 "${EN[@]}" "$ITAKU" record add register "$T/r3.json"
cat "$T/out" "$T/err" | has -F "instruction_ref: 'city/n-5' is not in the expected form; write an instruction id: the party id, '/', then n- and six digits (for example city/n-000001)"
no_regex "$T/out" "$T/err"
ok "record ids are described with an example, no pattern"

# a missing field: its term, the record by the form's name; English: the path
echo '{}' >"$T/empty.json"
expect_exit 2 "${JA[@]}" "$ITAKU" record add register "$T/empty.json"
cat "$T/out" "$T/err" | has -F '重要指定情報管理記録簿: 取扱者は必須です'
cat "$T/out" "$T/err" | has -F '管理番号は必須です'
cat "$T/out" "$T/err" | has -E 'handler|item_id|register:' && fail "a key in the Japanese refusal: $(cat "$T/err")"
expect_exit 2 "${EN[@]}" "$ITAKU" record add register "$T/empty.json"
cat "$T/out" "$T/err" | has -F 'register: handler is required'
[ "$(state_of .)" = "$before" ] || fail "a refused entry changed the registry"
ok "a missing field is named 取扱者 in Japanese, handler in English"

# the warning of an entry without a handover method: the action and the
# designated methods by the catalog's words
cat "$T/ja1.out" | has -F '受領の記入に受渡方法がありません（指定: 手渡し, 暗号化USBメモリ）'
sed -n '/警告/p' "$T/ja1.out" | has -E 'received|hand-delivery|encrypted-usb' && fail "codes in the Japanese warning: $(cat "$T/ja1.out")"
cat "$T/en1.out" | has -F 'a received entry names no handover method (designated: hand-delivery, encrypted-usb)'
ok "the handover warning says 受領 and 手渡し, 暗号化USBメモリ in Japanese"

# a request: its kind by the catalog's word
expect_exit 0 "${JA[@]}" "$ITAKU" request submit copy --summary "検証用に複製" --item item-1
cat "$T/out" "$T/err" | has -F '複製の承認をコミット'
has -F 'copy の承認' <"$T/err" && fail "the request kind is a code in Japanese"
expect_exit 0 "${EN[@]}" "$ITAKU" request submit copy --summary "検証用に複製" --item item-2
cat "$T/out" "$T/err" | has -F 'Requested copy approval in commit'
ok "a request is confirmed as 複製の承認 in Japanese"

# the contractor may not amend the contract: its role by the catalog's word
before=$(state_of .)
expect_exit 2 "${JA[@]}" "$ITAKU" contract amend --end "$(day 118)" --reason "誤り"
cat "$T/out" "$T/err" | has -F 'acme は受注者です'
has -F 'contractor' <"$T/err" && fail "the role is a code in Japanese: $(cat "$T/err")"
expect_exit 2 "${EN[@]}" "$ITAKU" contract amend --end "$(day 118)" --reason "誤り"
cat "$T/out" "$T/err" | has -F 'acme is a contractor'
[ "$(state_of .)" = "$before" ] || fail "a refused amendment changed the registry"
ok "a refused amendment names the role 受注者 in Japanese"

finish
