#!/usr/bin/env bash
# Issue 16 as a whole, walked as a city officer and a contractor's manager
# would: each point of "What must work" (1 dates and numbers as people write
# them, 2 identifiers as offices use them, 3 corrections that keep the
# history, 4 typos caught before they are permanent, 5 the to-do list) and
# each case of "What it must withstand", in one place. Other tests check
# each point closely; this one shows that together they work. Every refusal
# is checked to write nothing: HEAD and `git status --porcelain` unchanged.
# The dates at the era boundaries are fixed on purpose: they check how input
# is read, and are past, so they are given with --backdated; the story's own
# dates are relative to the day the test runs.
. "$(dirname "$0")/lib.sh"

# refused PATTERN CMD...: CMD (in the cwd, a registry) exits 2 with a
# message matching PATTERN and writes nothing: HEAD and the working tree's
# status as they were
refused() {
    local pattern=$1 before
    shift
    before=$(git rev-parse HEAD; git status --porcelain)
    expect_exit 2 "$@"
    expect_output "$pattern"
    [ "$before" = "$(git rev-parse HEAD; git status --porcelain)" ] ||
        fail "a refused command wrote something: $*"
}
# body_of RECORD FIELD: a field of a record's body (Python's repr), or (absent)
body_of() {
    "$ITAKU" record show "$1" |
        python3 -c "import json,sys; print(json.load(sys.stdin)['body'].get('$2', '(absent)'))"
}

# --- the contract: its dates as the city's papers write them, a handover
# method designated in Japanese -------------------------------------------
START=$(day -1) END=$(day 119)
"$ITAKU" key generate "$T/city.key" --comment city >/dev/null
"$ITAKU" key generate "$T/acme.key" --comment acme >/dev/null
expect_exit 0 "$ITAKU" init "$T/city" --contract C-2026-160 --title "住民情報システム運用保守" \
    --city akiruno-city --name "あきる野市" --key "$T/city.key" \
    --start "$(day_era -1)" --end "$(day_era 119 'R%d.%d.%d')" --handover-method 手渡し
cp "$T/out" "$T/sheet"
python3 - "$T/city/itaku.json" "$START" "$END" <<'PY' || fail "init did not store the dates as RFC 3339 dates"
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
assert c["period"] == {"start": sys.argv[2], "end": sys.argv[3]}, c["period"]
assert c["handover_methods"] == ["手渡し"], c["handover_methods"]
PY
(cd "$T/city" && git config itaku.signingKey "$T/city.key" &&
    "$ITAKU" party add acme --role contractor --name "株式会社アクメ" \
        --pubkey "$T/acme.key.pub" >/dev/null)
"$ITAKU" clone "$T/city" "$T/acme" --genesis "$(awk '/genesis:/ {print $2; exit}' "$T/sheet")" \
    --city-key "$(awk '/city key:/ {print $3; exit}' "$T/sheet")" --key "$T/acme.key" >/dev/null
(cd "$T/acme" && "$ITAKU" acknowledge >/dev/null)
ok "init takes $(day_era -1) and $(day_era 119 'R%d.%d.%d') (stored $START, $END) and the method 手渡し"

# --- 1. dates and numbers as people write them -----------------------------
cd "$T/city"
due_taken "$(day 20)" "$(day 20)T23:59:59+09:00"
due_taken "$(day 21 %Y/%m/%d)" "$(day 21)T23:59:59+09:00"
due_taken "$(day 22 %Y/%m/%-d)" "$(day 22)T23:59:59+09:00"
due_taken "$(day_era 23)" "$(day 23)T23:59:59+09:00"
due_taken "$(day_era 24 'R%d.%d.%d')" "$(day 24)T23:59:59+09:00"
due_taken "$(day 25 '%Y年%-m月%-d日' | fullwidth)" "$(day 25)T23:59:59+09:00"
due_taken "$(day 26 '%Y／%m／%d　１０：３０' | fullwidth)" "$(day 26)T10:30:00+09:00"
due_taken "$(day 27) 9:05" "$(day 27)T09:05:00+09:00"
ok "a due date as people write it ($(day 21 %Y/%m/%d), $(day 22 %Y/%m/%-d), $(day_era 23), $(day_era 24 'R%d.%d.%d'), full-width, a time without offset) is stored as RFC 3339 with +09:00; a date alone is 23:59:59"

# the era boundaries to the day and 2/29, each with the day before or after
# that the era does not have; past, so --backdated
era_due() {
    expect_exit 0 "$ITAKU" instruct report --to acme --due "$1" --text "境界の確認" --backdated --reason "入力の確認"
    local n due
    n=$(cat "$T/out")
    due=$(body_of "$n" due)
    [ "$due" = "$2T23:59:59+09:00" ] || fail "--due $1 is $due, not $2"
    expect_exit 0 "$ITAKU" instruct withdraw "$n" --reason "確認のみ"
}
era_due "平成31年4月30日" 2019-04-30
era_due "H31.4.30" 2019-04-30
era_due "2019/4/30" 2019-04-30
era_due "令和元年5月1日" 2019-05-01
era_due "R1.5.1" 2019-05-01
era_due "2019-05-01" 2019-05-01
era_due "昭和64年1月7日" 1989-01-07
era_due "1989/1/7" 1989-01-07
era_due "平成元年1月8日" 1989-01-08
era_due "H1.1.8" 1989-01-08
era_due "令和6年2月29日" 2024-02-29
era_due "２０２４年２月２９日" 2024-02-29
due_taken "2028/2/29" "2028-02-29T23:59:59+09:00"
for typed in "令和元年4月30日" "平成31年5月1日" "昭和64年1月8日" "平成元年1月7日" "2026/2/29" \
    "令和0年5月1日" "2026/13/01" "２０２６年２月３０日" "26/12/01"; do
    refused "'$typed'" "$ITAKU" instruct report --to acme --due "$typed" --text "報告" --backdated --reason "x"
done
refused "write it like 2026-12-01" "$ITAKU" instruct report --to acme --due "2026/13/01" --text "報告"
refused "two-digit year" "$ITAKU" instruct report --to acme --due "26/12/01" --text "報告"
ok "era boundaries (2019-04-30/05-01, 1989-01-07/08) and 2/29 read to the day; 令和0年, 2026/13/01, ２０２６年２月３０日, a day outside its era, a two-digit year refused naming what was typed, writing nothing"

# a form saved by Notepad: byte-order mark, CR LF, the template's notes, ""
# left in an optional field, dates and an item id as people write them
cd "$T/acme"
"$ITAKU" pull >/dev/null
"$ITAKU" form new 3 >"$T/tpl.jsonc"
python3 - "$T/tpl.jsonc" "$T/form3.json" "$(day_era 0) 9:00" <<'PY'
import re, sys
tpl = open(sys.argv[1], encoding="utf-8").read()
fill = {"action": '"received"', "item_id": '"SKR-USB-01"', "info_name": '"住民記録データ"',
        "medium": '"usb"', "handler": '"鈴木一郎"', "method": '"手渡し"',
        "occurred_at": '"%s"' % sys.argv[3]}
out = []
for line in tpl.split("\n"):
    m = re.match(r'^  "([a-z_]+)": ', line)
    if m and m.group(1) in fill:
        line = f'  "{m.group(1)}": {fill[m.group(1)]}' + ("," if line.rstrip().endswith(",") else "")
    out.append(line)
text = "\r\n".join(out).replace('    "unit": ""', '    "unit": "本"').replace('    "value": 0', '    "value": 1')
open(sys.argv[2], "wb").write(b"\xef\xbb\xbf" + text.encode("utf-8"))
PY
head -c 3 "$T/form3.json" | od -An -tx1 | has "ef bb bf" || fail "the form has no byte-order mark"
has -U $'\r$' <"$T/form3.json" || fail "the form has no CR LF"
grep -q '"note": ""' "$T/form3.json" || fail "the template has no optional \"\" field left"
expect_exit 0 "$ITAKU" validate 3 "$T/form3.json"
expect_output "form3.json valid"
expect_output "left \"\" as in the template: taken as not given"
expect_exit 0 "$ITAKU" form submit 3 "$T/form3.json"
R1=acme/$(sed 's|^acme/||' "$T/out")
[ "$(body_of "$R1" occurred_at)" = "$(day 0)T09:00:00+09:00" ] || fail "occurred_at of $R1: $(body_of "$R1" occurred_at)"
[ "$(body_of "$R1" note)" = "(absent)" ] || fail "the note left \"\" was recorded"
ok "a form with a BOM, CR LF, template notes and \"\" is valid for validate and taken by form submit ($R1)"

# --- 2. identifiers as offices use them -------------------------------------
# 手渡し, designated at init, is a method register add takes, no warning
expect_exit 0 "$ITAKU" register add --action received --item-id SKR-USB-02 --info "住民記録データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method 手渡し --occurred-at "$(day_era 0)"
R2=acme/$(sed 's|^acme/||' "$T/out")
has -i "designate" <"$T/err" && fail "手渡し, designated at init, was warned about: $(cat "$T/err")"
# a date alone for an occurrence: the start of that day, noted
expect_output "occurred_at: '$(day_era 0)' is a date alone: taken as the start of that day, $(day 0)T00:00:00\+09:00"
[ "$(body_of "$R2" occurred_at)" = "$(day 0)T00:00:00+09:00" ] || fail "occurred_at of $R2"
[ "$(body_of "$R2" item_id)" = "SKR-USB-02" ] || fail "the item id is not stored as typed"
# SKR-USB-01 is held: skr-usb-01 and ＳＫＲ－ＵＳＢ－０１ are that item
for typed in skr-usb-01 ＳＫＲ－ＵＳＢ－０１; do
    refused "already holds item number '$typed': entry $R1" \
        "$ITAKU" register add --action received --item-id "$typed" --info "住民記録データ" \
        --medium usb --quantity 1 --handler "鈴木一郎" --method 手渡し --occurred-at "$(day 0) 9:20"
done
# and so is SKR?USB?02 with each dash look-alike NFKC keeps apart
for dash in ー − ‐ ‑ – —; do
    refused "already holds item number 'SKR${dash}USB${dash}02': entry $R2" \
        "$ITAKU" register add --action received --item-id "SKR${dash}USB${dash}02" --info "住民記録データ" \
        --medium usb --quantity 1 --handler "鈴木一郎" --method 手渡し --occurred-at "$(day 0) 9:20"
done
# returning ＳＫＲ－ＵＳＢ－０１ returns the item received as SKR-USB-01
expect_exit 0 "$ITAKU" register add --action returned --item-id ＳＫＲ－ＵＳＢ－０１ --info "住民記録データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method 手渡し --occurred-at "$(day 0) 9:30"
[ "$(body_of "$(cat "$T/out")" item_id)" = "ＳＫＲ－ＵＳＢ－０１" ] || fail "the returned item id is not stored as typed"
expect_exit 0 "$ITAKU" register add --action received --item-id skr-usb-01 --info "住民記録データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method 手渡し --occurred-at "$(day 0) 9:40"
ok "SKR-USB-01, skr-usb-01 and ＳＫＲ－ＵＳＢ－０１ are one item (and the dashes ー − ‐ ‑ – —), stored as typed; 手渡し designated at init is taken by register add"

# --- 3. corrections that keep the history -----------------------------------
cd "$T/city"
expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 30)" --text "四半期報告"
N=$(cat "$T/out")
expect_exit 0 "$ITAKU" instruct amend "$N" --due "$(day_era 40)" --reason "期限延長"
expect_exit 0 "$ITAKU" instructions --json
python3 - "$T/out" "$(day 40)T23:59:59+09:00" <<'PY' || fail "instructions do not follow the amendment"
import json, sys
d = json.load(open(sys.argv[1]))
s = json.dumps(d, ensure_ascii=False)
assert sys.argv[2] in s, s
PY
expect_exit 0 "$ITAKU" history "$N"
expect_output "superseded by akiruno-city/n-"
ok "the issuer amends an instruction ($N to $(day_era 40)): a new record supersedes it, the list follows it, history says so"

# a due date already past asks for --backdated
refused "already past.*--backdated" "$ITAKU" instruct report --to acme --due "$(day -2)" --text "報告"
expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day -2)" --text "報告" --backdated --reason "口頭で指示済み"
NB=$(cat "$T/out")
[ "$(body_of "$NB" backdated)" = "True" ] || fail "the backdated instruction does not say so"
expect_exit 0 "$ITAKU" instruct withdraw "$NB" --reason "報告を受領済み"
ok "an instruction due in the past asks for --backdated, and with it says so; withdrawn by its issuer"

# the contract settings amended by the city: a signed record, itaku.json untouched
expect_exit 0 "$ITAKU" contract amend --add-handover-method 簡易書留 --reason "郵送を追加"
git diff --name-only HEAD~1 HEAD | has "contract-amendments/c-000001.json" || fail "no amendment record"
git diff --name-only HEAD~1 HEAD | has "^itaku.json$" && fail "contract amend edited itaku.json"
expect_exit 0 "$ITAKU" contract amend --work-start "$(day -1)" --backdated --reason "作業開始日の訂正"
git show "HEAD:parties/akiruno-city/contract-amendments/c-000002.json" >"$T/c2.json"
has '"schema": "contract-amendment.v3"' <"$T/c2.json" || fail "the backdated amendment is not v3"
has '"backdated": true' <"$T/c2.json" || fail "the backdated amendment does not say so"
ok "contract amend: a signed record (itaku.json untouched); --backdated recorded (contract-amendment.v3)"

# V2: another party's instruction is not amended or withdrawn; V3: the
# contract is amended by the city alone; refused naming the company in Japanese
cd "$T/acme"
"$ITAKU" pull >/dev/null
refused "$N is akiruno-city's instruction: only its issuer amends or withdraws it \(V2\)" \
    "$ITAKU" instruct amend "$N" --due "$(day 50)" --reason "延長希望"
refused "$N is akiruno-city's instruction" "$ITAKU" instruct withdraw "$N" --reason "不要"
refused "$N はあきる野市の指示です。.*あきる野市に依頼してください" \
    "${JA[@]}" "$ITAKU" instruct withdraw "$N" --reason "不要"
refused "V3" "$ITAKU" contract amend --end "$(day 200)" --reason "延長"
cd "$T/city"
refused "acme/n-000001 は株式会社アクメの指示です。.*株式会社アクメに依頼してください" \
    "${JA[@]}" "$ITAKU" instruct withdraw acme/n-000001 --reason "不要"
ok "amending or withdrawing another party's instruction is refused (V2), a contractor's contract amendment too (V3), writing nothing; in Japanese the company is named"

# a party corrects its own record with --supersedes; history says so
cd "$T/acme"
expect_exit 0 "$ITAKU" register add --action received --item-id SKR-USB-03 --info "住民記録データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method 手渡し --occurred-at "$(day 0) 10:00"
R3=acme/$(sed 's|^acme/||' "$T/out")
expect_exit 0 "$ITAKU" register add --action received --item-id SKR-USB-03 --info "住民記録データ" \
    --medium usb --quantity 2 --handler "鈴木一郎" --method 手渡し --occurred-at "$(day 0) 10:00" \
    --supersedes "${R3#acme/}"
expect_exit 0 "$ITAKU" history "$R3"
expect_output "superseded by acme/r-"
ok "register add --supersedes corrects $R3; history says it is superseded"

# the method the city's amendment designated is one register add takes
# once the amendment is pulled (in force for records that descend from it)
expect_exit 0 "$ITAKU" register add --action received --item-id SKR-USB-04 --info "住民記録データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method 簡易書留 --occurred-at "$(day 0) 10:30"
has -i "designate" <"$T/err" && fail "簡易書留, designated by the amendment, was warned about: $(cat "$T/err")"
ok "a method designated by contract amend is taken by register add once pulled"

# --- 4. typos caught before they are permanent ------------------------------
# a form 4 answering an instruction that does not exist: refused with the
# closest ids; validate says so and names the command that records it anyway
form4_answering akiruno-city/n-000099 >"$T/f4.json"
refused "akiruno-city/n-000099.*not in the registry.*Closest ids: akiruno-city/n-0000" \
    "$ITAKU" form submit 4 "$T/f4.json"
before=$(git rev-parse HEAD; git status --porcelain)
expect_exit 1 "$ITAKU" validate 4 "$T/f4.json"
expect_output "f4.json invalid"
has -F "To record it as it is anyway: itaku form submit 4 $T/f4.json --unverified-ref --reason TEXT" <"$T/out" ||
    fail "validate does not name the way through: $(cat "$T/out")"
[ "$before" = "$(git rev-parse HEAD; git status --porcelain)" ] || fail "validate wrote something"
# the truth stays recordable, and status shows it
expect_exit 0 "$ITAKU" form submit 4 "$T/f4.json" --unverified-ref --reason "紙の指示書で受けたもの"
expect_exit 1 "$ITAKU" status
expect_output "unverified reference: .*akiruno-city/n-000099.*紙の指示書で受けたもの"
ok "a form citing an instruction that does not exist is refused with the closest ids; validate names form submit --unverified-ref; recorded with it, status shows it"

# an item nobody holds, cited by a request: refused naming the company in Japanese
refused "株式会社アクメとその再委託先のいずれの管理記録簿にもありません" \
    "${JA[@]}" "$ITAKU" request submit copy --summary "検証用に複製" --item SKR-USB-09

# the same register entry twice (a Ctrl-C rerun) asks for --again
register_item 0077 >"$T/r.json"
expect_exit 0 "$ITAKU" form submit 3 "$T/r.json"
RA=acme/$(sed 's|^acme/||' "$T/out")
refused "already has entry $RA.*--again" "$ITAKU" form submit 3 "$T/r.json"
refused "株式会社アクメの管理記録簿には.*記載 $RA が" "${JA[@]}" "$ITAKU" form submit 3 "$T/r.json"
expect_exit 1 "$ITAKU" validate 3 "$T/r.json"
has -F "To record it as it is anyway: itaku form submit 3 $T/r.json --again" <"$T/out" ||
    fail "validate does not name form submit --again: $(cat "$T/out")"
expect_exit 0 "$ITAKU" form submit 3 "$T/r.json" --again
ok "the same register entry twice asks for --again (validate names the command; Japanese names 株式会社アクメ); with --again recorded"

# --- 5. to-do ---------------------------------------------------------------
expect_exit 1 "$ITAKU" todo --json
python3 - "$T/out" "$(day 30)T23:59:59+09:00" "$(day 40)T23:59:59+09:00" "$(day 20)T23:59:59+09:00" <<'PY' || fail "acme's to-do list is not what acme must do"
import json, sys
d = json.load(open(sys.argv[1])); old, new, first = sys.argv[2:5]
items = d["items"]
assert d["party"] == "acme", d
# the form 1 not filed before work comes first, overdue
assert items[0]["state"] == "overdue" and "form1" in items[0]["detail"], items[0]
answers = [i for i in items if i["kind"] == "answer"]
dues = [i["due"] for i in answers]
# the amended instruction by its due date in force, once; not by the old one
assert dues.count(new) == 1 and old not in dues, dues
# the instructions to answer, the nearest due date first
assert answers[0]["due"] == first and dues == sorted(dues), dues
# withdrawn instructions (the era checks, the backdated one) are owed no more
assert not [x for x in dues if x < first], dues
# the items held, to return by the contract's end
assert [i for i in items if i["kind"] == "return" and "SKR-USB-02" in i["detail"]], items
PY
expect_exit 1 "$ITAKU" todo
expect_output "To do for acme"
expect_exit 1 "${JA[@]}" "$ITAKU" todo
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 1 "$ITAKU" todo --json
python3 - "$T/out" <<'PY' || fail "the city's to-do list does not say what acme owes it"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
assert [i for i in items if i["kind"] == "owed" and i["party"] == "acme"], items
PY
ok "todo: acme's list puts the overdue form 1 first and the amended instruction with its due date; the city sees what acme owes it"
expect_exit 0 "$ITAKU" verify
ok "the whole story verifies"
finish
