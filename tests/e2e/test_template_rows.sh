#!/usr/bin/env bash
# Issue 16, point 1 (a city officer's review): the placeholder row a template
# ships, left untouched, is taken as not given with a note — in a required
# list as in an optional one. When a required list needs a row and only the
# template's example is left, the refusal says so and what to fill in (the
# fields by the form's words), writing nothing; a required date left "" says
# it is required, not that "" is no date.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
n1=$(cd "$T/city" && "$ITAKU" instruct report --to acme --due "$(day 60)" --text "四半期報告" 2>/dev/null)
cd "$T/acme"
git pull -q "$T/city" main
"$ITAKU" acknowledge >/dev/null

# placeholder FORM LIST BODY OUT: BODY with LIST set to the template's own rows
placeholder() {
    "$ITAKU" form new "$1" >"$T/tpl.jsonc"
    python3 - "$T/tpl.jsonc" "$2" "$3" "$4" <<'PY'
import json, re, sys
tpl, key, body, out = sys.argv[1:5]
lines = [l for l in open(tpl, encoding="utf-8") if not l.lstrip().startswith("//")]
t = json.loads("".join(lines))
b = json.load(open(body, encoding="utf-8"))
b[key] = t[key]
json.dump(b, open(out, "w", encoding="utf-8"), ensure_ascii=False)
PY
}

# form 4: subcontractor_status is required, and may be empty (no
# subcontractor): its template row is taken out, noted
form4_answering "$n1" >"$T/f4-base.json"
placeholder 4 subcontractor_status "$T/f4-base.json" "$T/f4.json"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["subcontractor_status"]; assert r and all(v in ("", 0, False) for v in r[0].values()), r' "$T/f4.json" ||
    fail "the form 4 template has no placeholder row of subcontractor_status"
expect_exit 0 "${JA[@]}" "$ITAKU" validate form4 "$T/f4.json"
expect_output "注意: 再委託先の状況（1 行目）: ひな形のまま空欄の行のため、その行は記載なしとみなしました"
expect_exit 0 "$ITAKU" form submit 4 "$T/f4.json"
F4=$(cat "$T/out")
expect_output "note: 再委託先の状況 \(subcontractor_status\[0\]\): a row left empty as in the template: taken as not given"
"$ITAKU" record show "$F4" | python3 -c 'import json,sys; b=json.load(sys.stdin)["body"]; assert b["subcontractor_status"] == [], b["subcontractor_status"]' ||
    fail "the template's row of a required list was recorded"
ok "a required list's placeholder row (form 4's 再委託先の状況) is taken as not given, noted; [] is recorded"

# form 2: attendees needs a row; only the template's example is there
placeholder 2 attendees "$SRC/tests/schema-corpus/form2/valid/base.json" "$T/f2.json"
expect_exit 1 "${JA[@]}" "$ITAKU" validate form2 "$T/f2.json"
expect_output "受講者: 行がひな形の例のまま（どの項目も記入されていません）です。少なくとも 1 行に .*氏名.* を記入してください"
cat "$T/out" "$T/err" | has -E 'attendees|must not be empty|空にはできません' &&
    fail "the refusal names the key or the row's empty fields: $(cat "$T/out")"
expect_refused "受講者: 行がひな形の例のまま" "${JA[@]}" "$ITAKU" form submit 2 "$T/f2.json"
expect_refused "attendees: the row is still the template's example \(every field left as it was\); fill in .*name.* for at least one row" \
    "$ITAKU" form submit 2 "$T/f2.json"
ok "a required list with only the template's example row is refused saying so and naming 氏名 and 従事者番号, writing nothing"

# a required date left "" as the template has it
python3 - "$SRC/tests/schema-corpus/form2/valid/base.json" "$T/f2d.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
b["submitted_on"] = ""
json.dump(b, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_refused "提出日: ひな形のまま \"\" になっています。必須の項目です" "${JA[@]}" "$ITAKU" form submit 2 "$T/f2d.json"
has -F '読める日付ではありません' <"$T/err" && fail "a required date left \"\" is called no date: $(cat "$T/err")"
ok "a required date left \"\" is refused as required, not as an unreadable date"

finish
