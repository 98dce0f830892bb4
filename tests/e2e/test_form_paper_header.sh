#!/usr/bin/env bash
# Issue 16, point 3: the printed form reads as the paper form. The addressee
# gets 様 unless it already ends in an honorific (殿, 様, 御中: never
# 「殿　様」); the header carries 契約番号 and 契約件名 the registry knows; form
# 4 cites the instruction it answers by its issuer, date, kind and number,
# the one in force when the cited one was amended (never the superseded
# id), and the form 1 it refers to by company, date and form title (never
# the id alone); the record number is the one every screen names
# (acme/f4-000001).
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 18)" --text "履行状況を報告してください"
expect_exit 0 "$ITAKU" instruct amend n-1 --due "$(day 23)" --text "履行状況を報告してください" \
    --reason "期限延長"
cd "$T/acme"
"$ITAKU" pull >/dev/null
page() { # page ADDRESSEE FORMAT: form 4 answering n-1 with that addressee, rendered
    python3 - "$SRC/tests/schema-corpus/form4/valid/base.json" "$T/f4.json" "$1" <<'PY'
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
f["instruction_ref"] = "akiruno-city/n-000001"
f["addressee"] = sys.argv[3]
for k in ("contract_id", "contract_title"):
    f.pop(k, None)
json.dump(f, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
    expect_exit 0 "$ITAKU" form submit 4 "$T/f4.json"
    local id
    id=$(grep -oE 'f4-[0-9]{6}' "$T/out" | tail -1)
    expect_exit 0 "$ITAKU" form render "acme/$id" -f "$2"
    cp "$T/out" "$T/page"
    echo "$id"
}
for to in "あきる野市長 殿" "あきる野市長殿" "あきる野市長　様" "あきる野市 総務課 御中"; do
    page "$to" html >/dev/null
    grep -qF "<p class=\"to\">$to</p>" "$T/page" ||
        fail "the addressee $to is not printed as typed, without a second honorific: $(grep 'class="to"' "$T/page")"
done
page "あきる野市長" md >/dev/null
grep -qF "宛先: あきる野市長　様" "$T/page" || fail "an addressee without an honorific gets no 様"
ok "様 follows an addressee only when it has no honorific (殿, 様, 御中) already"

id=$(page "あきる野市長" html)
grep -qF "<tr><th>契約番号</th><td>C-2026-001</td></tr>" "$T/page" || fail "the header has no 契約番号"
grep -qF "<tr><th>契約件名</th><td>住民情報システム運用保守</td></tr>" "$T/page" || fail "the header has no 契約件名"
ok "the header prints the registry's 契約番号 and 契約件名"

grep -qF "記録番号 acme/$id" "$T/page" || fail "the record number is not acme/$id"
row=$(grep -o '<th>報告依頼</th><td>[^<]*' "$T/page")
# the instruction's date is the day it was issued (today), in the era
grep -qE '^<th>報告依頼</th><td>あきる野市 (令和|平成)[0-9元]+年[0-9]+月[0-9]+日付け .+（akiruno-city/n-000002、変更後の指示）$' <<<"$row" ||
    fail "form 4 does not cite the instruction in force by issuer, date and number: $row"
grep -q 'n-000001' "$T/page" && fail "the page cites the superseded instruction n-000001"
ok "form 4 cites あきる野市's instruction by its date as amended (n-000002), and the record as acme/$id"

expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY"
f1=$(grep -oE 'f1-[0-9]{6}' "$T/out" | tail -1)
python3 - "$T/f4.json" "acme/$f1" <<'PY'
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
f["form1_ref"] = sys.argv[2]
json.dump(f, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" form submit 4 "$T/f4.json"
id=$(grep -oE 'f4-[0-9]{6}' "$T/out" | tail -1)
expect_exit 0 "$ITAKU" form render "acme/$id" -f html
row=$(grep -o '<th>[^<]*</th><td>株式会社アクメ [^<]*' "$T/out" || true)
grep -qE '^<th>[^<]+</th><td>株式会社アクメ (令和|平成)[0-9元]+年[0-9]+月[0-9]+日付け 参考様式第1号 重要指定情報管理体制（新規・変更）届出書（acme/'"$f1"'）$' <<<"$row" ||
    fail "form 4 does not cite its form 1 by company, date and title: ${row:-$(grep -o "acme/$f1[^<]*" "$T/out")}"
ok "form 4 cites the form 1 it refers to by company, date and the paper form's title (acme/$f1)"
finish
