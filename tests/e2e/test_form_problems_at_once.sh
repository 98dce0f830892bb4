#!/usr/bin/env bash
# Issue 16, point 2: a form's problems are said at once. A date that cannot
# be read no longer hides the schema's findings (a missing field, a choice
# not on the form, a telephone number, a row's worker number, a field the
# form does not have): `itaku validate` and `itaku form submit` list them
# all in one run, a person's name said in words among them, each by the
# paper form's words and row on a Japanese
# screen, writing nothing; a very long list is cut, saying how many more.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
python3 - "$FORM1_BODY" "$T/bad.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
f["submitted_on"] = "2026/02/30"
del f["manager"]["name"]
f["manager"]["phone"] = "abc"
f["workers"][0]["worker_id"] = "??"
f["filing_type"] = "bogus"
f["remarks_x"] = 1
json.dump(f, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
all_six() {
    for p in "$@"; do
        grep -qF -- "$p" "$T/out" "$T/err" || { cat "$T/out" "$T/err" >&2; fail "one run does not list: $p"; }
    done
}
EN=("submitted_on: '2026/02/30'" "filing_type must be one of" "manager.name is required"
    "manager.phone: 'abc'" "workers[0].worker_id: '??'" "unknown field 'remarks_x'")
JP=("提出日: 「2026/02/30」" "届出区分（新規・変更）は 新規、変更 のいずれか" "管理責任者の氏名は必須です"
    "管理責任者の電話番号「abc」" "作業従事者（1 行目）の従事者番号「??」" "不明な項目「remarks_x」")
expect_exit 1 "$ITAKU" validate 1 "$T/bad.json"
all_six "${EN[@]}"
expect_exit 1 "${JA[@]}" "$ITAKU" validate 1 "$T/bad.json"
all_six "${JP[@]}"
grep -q 'manager\.\|filing_type\|submitted_on' "$T/out" && fail "the Japanese list names fields by their codes"
ok "validate lists the unreadable date and the five other problems in one run, in English and Japanese"

before=$(state_of "$T/acme")
expect_exit 2 "$ITAKU" form submit 1 "$T/bad.json"
all_six "${EN[@]}"
expect_exit 2 "${JA[@]}" "$ITAKU" form submit 1 "$T/bad.json"
all_six "${JP[@]}"
[ "$before" = "$(state_of "$T/acme")" ] || fail "a refused form changed the registry"
ok "form submit refuses with the same six problems at once, writing nothing"

# a person's name on two lines is said in words, with the form's other
# problems, not in a round of its own
python3 - "$FORM1_BODY" "$T/names.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
f["workers"][0]["name"] = "鈴木\n一郎"
f["manager"]["name"] = " 佐藤花子"
del f["manager"]["dept"]
f["manager"]["phone"] = "abc"
json.dump(f, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit 2 "$ITAKU" form submit 1 "$T/names.json"
all_six "The name in workers[0].name, '鈴木<U+000A>一郎', holds a line break" \
    "The name in manager.name, ' 佐藤花子', starts or ends with a space" \
    "manager.dept is required" "manager.phone: 'abc'"
[ "$(grep -c "workers\[0\].name" "$T/err")" = 1 ] || fail "the name on two lines is said twice: $(cat "$T/err")"
expect_exit 2 "${JA[@]}" "$ITAKU" form submit 1 "$T/names.json"
all_six "作業従事者の氏名の「鈴木<U+000A>一郎」に改行" "管理責任者の所属は必須です" "管理責任者の電話番号「abc」"
ok "names on two lines or with spaces around them are said in words, with the other problems, once each"

python3 - "$SRC/tests/schema-corpus/form2/valid/base.json" "$T/many.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
f["submitted_on"] = "2026/02/30"
f["attendees"] = [{"name": "鈴木一郎", "worker_id": "?%d" % i} for i in range(60)]
json.dump(f, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit 1 "$ITAKU" validate 2 "$T/many.json"
# 1 date, 60 worker numbers of the wrong form, then (what the form cites)
# the workers not on form 1
expect_output "and [0-9]{2,} more problems"
[ "$(grep -c "worker_id: '?" "$T/out")" = 29 ] || fail "the long list is not cut at 30 problems"
expect_exit 1 "${JA[@]}" "$ITAKU" validate 2 "$T/many.json"
expect_output "ほかに [0-9]+ 件の問題があります。まず上記を直してください"
ok "over 61 problems: the first 30 listed, then how many more"
finish
