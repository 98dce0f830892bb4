#!/usr/bin/env bash
# Issue 16, points 1 and 2: dates and identifiers as a Japanese office writes
# them. Every date option and form field takes 2026/12/1, 令和8年12月1日,
# R8.12.1 and full-width digits, and a time without an offset is in the
# contract's zone; records hold RFC 3339 with the offset. An impossible date
# is refused naming what was typed, writing nothing. A filled-in form saved
# with a byte-order mark and CR LF, with its notes and "" left in optional
# fields, is taken by `form submit` and `validate` alike. 管理番号 and handover
# methods are compared through one fold: SKR-USB-01, skr-usb-01 and
# ＳＫＲ－ＵＳＢ－０１ are one item; a Japanese method designated at init is
# one `register add` takes and status counts as designated.
. "$(dirname "$0")/lib.sh"
# the story's days, relative to today: the contract from yesterday (as the
# city's papers write it, 令和Y年M月D日 and RY.M.D) to 119 days on
START=$(day -1) END=$(day 119)
START_ERA=$(day_era -1) END_R=$(day_era 119 'R%d.%d.%d') END_ERA=$(day_era 119)

"$ITAKU" key generate "$T/city.key" --comment city >/dev/null
"$ITAKU" key generate "$T/acme.key" --comment acme >/dev/null
# the contract's dates as the city's papers write them
expect_exit 0 "$ITAKU" init "$T/city" --contract C-2026-016 --title "住民情報システム運用保守" \
    --city akiruno-city --name "あきる野市" --key "$T/city.key" \
    --start "$START_ERA" --end "$END_R" \
    --handover-method 手渡し --handover-method "ＵＳＢ－暗号化"
cp "$T/out" "$T/sheet"
python3 - "$T/city/itaku.json" "$START" "$END" <<'PY' || fail "init: the contract's dates or methods are not as given"
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
assert c["period"] == {"start": sys.argv[2], "end": sys.argv[3]}, c["period"]
assert c["handover_methods"] == ["手渡し", "ＵＳＢ－暗号化"], c["handover_methods"]
PY
ok "init takes $START_ERA and $END_R and stores $START and $END; Japanese methods stored as typed"

# the one rule for a method: the same method twice (by the fold), a control
# character, a leading space are refused at init and nothing is made
for bad in "hand|HAND" "手渡し|手渡し" "$(printf 'a\tb')|x" " 手渡し|x"; do
    expect_exit 2 "$ITAKU" init "$T/bad" --contract C-2026-017 --title t --city akiruno-city \
        --name "あきる野市" --key "$T/city.key" --handover-method "${bad%%|*}" \
        --handover-method "${bad##*|}"
    [ ! -e "$T/bad" ] || fail "a refused init left $T/bad"
done
expect_output "leave the spaces out"
ok "init refuses a method twice (HAND = hand), a control character or a leading space, making nothing"

GENESIS=$(awk '/genesis:/ {print $2; exit}' "$T/sheet")
CITY_FPR=$(awk '/city key:/ {print $3; exit}' "$T/sheet")
(cd "$T/city" && git config itaku.signingKey "$T/city.key" &&
    "$ITAKU" party add acme --role contractor --name "株式会社アクメ" \
        --pubkey "$T/acme.key.pub" >/dev/null)
git clone -q "$T/city" "$T/acme"
(cd "$T/acme" && git config itaku.signingKey "$T/acme.key" &&
    git config itaku.genesis "$GENESIS" && git config itaku.cityKey "$CITY_FPR")

# --- point 1: dates in options --------------------------------------------
cd "$T/city"
# a due date alone is 23:59:59 that day; a full-width time is in +09:00
due_taken "$(day_era 13)" "$(day 13)T23:59:59+09:00"
due_taken "$(day 14 '%Y／%m／%d　１０：００' | fullwidth)" "$(day 14)T10:00:00+09:00"
due_taken "$(day_era 15 'R%d.%d.%d')" "$(day 15)T23:59:59+09:00"
ok "instruct --due: $(day_era 13) is 23:59:59 that day, a full-width time is +09:00, $(day_era 15 'R%d.%d.%d') is read"

before=$(state_of "$T/city")
for typed in "２０２６年２月３０日" "2026/13/01" "令和0年5月1日" "26/12/01" "令和元年4月30日"; do
    expect_exit 2 "$ITAKU" instruct report --to acme --due "$typed" --text "報告"
    grep -qF "'$typed'" "$T/err" || fail "the refusal of $typed does not name it as typed: $(cat "$T/err")"
    expect_output "write it like 2026-12-01"
    [ "$before" = "$(state_of "$T/city")" ] || fail "a refused date ($typed) changed the registry"
done
expect_exit 2 "$ITAKU" instruct report --to acme --due "26/12/01" --text "報告"
expect_output "two-digit year"
ok "impossible dates (２月３０日, 13月, 令和0年, a two-digit year, 令和元年4月30日) are refused as typed, writing nothing"

# 今日, 本日, 昨日 and 明日 are days on the contract's clock (Japan time)
due_taken "明日" "$(day 1)T23:59:59+09:00"
due_taken "本日" "$(day 0)T23:59:59+09:00"
due_taken "今日 17:00" "$(day 0)T17:00:00+09:00"
expect_exit 1 "$ITAKU" status --json --at "今日"
python3 -c 'import json,sys; a = json.load(open(sys.argv[1]))["at"]; assert a.startswith(sys.argv[2]), a' \
    "$T/out" "$(day 0)" || fail "status --at 今日 is not today: $(head -c 300 "$T/out")"
ok "instruct --due 明日, 本日, 今日 17:00 and status --at 今日 are read as days in Japan time"

# text that is no date is said once, then what to write (in Japanese too)
expect_exit 2 env LANG=ja_JP.UTF-8 "$ITAKU" instruct report --to acme --due "あさって" --text "報告"
expect_output "「あさって」は itaku が読める日付ではありません。2026-12-01 のように書いてください"
grep -q "形式の日付ではありません" "$T/err" && fail "the refusal repeats itself: $(cat "$T/err")"
expect_exit 2 "$ITAKU" instruct report --to acme --due "someday" --text "報告"
expect_output "'someday' is not a date that itaku can read; write it like 2026-12-01"
grep -q "not a date in a form" "$T/err" && fail "the refusal repeats itself: $(cat "$T/err")"
ok "a date itaku cannot read is refused once, in English and Japanese, with what to write"

expect_exit 1 "$ITAKU" status --json --at "$END"
sed 's/"at":"[^"]*"//' "$T/out" >"$T/status-iso"
expect_exit 1 "$ITAKU" status --json --at "$END_ERA"
sed 's/"at":"[^"]*"//' "$T/out" >"$T/status-era"
cmp -s "$T/status-iso" "$T/status-era" || fail "status --at $END_ERA differs from --at $END"
ok "status --at $END_ERA is status --at $END"

# --- point 1: dates in register add and in form files ----------------------
cd "$T/acme"
"$ITAKU" pull >/dev/null
"$ITAKU" acknowledge >/dev/null
body_of() { "$ITAKU" record show "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['body'].get('$2', '(absent)'))"; }
expect_exit 0 "$ITAKU" register add --action received --item-id SKR-USB-01 --info "住民記録データ" \
    --medium usb --quantity 1 --unit 本 --handler "鈴木一郎" --method 手渡し \
    --occurred-at "$(day_era 0)"
R1=$(cat "$T/out")
expect_output "note: occurred_at: '$(day_era 0)' is a date alone: taken as the start of that day, $(day 0)T00:00:00\+09:00"
[ "$(body_of "$R1" occurred_at)" = "$(day 0)T00:00:00+09:00" ] || fail "occurred_at of $R1"
expect_exit 0 "$ITAKU" register add --action received --item-id SKR-USB-02 --info "住民記録データ" \
    --medium usb --quantity １２ --unit 本 --handler "鈴木一郎" --method "usb－暗号化" \
    --occurred-at "$(day 0 %Y/%-m/%-d) 9:30"
R2=$(cat "$T/out")
[ "$(body_of "$R2" quantity)" = "{'unit': '本', 'value': 12}" ] || fail "--quantity １２ is not 12: $(body_of "$R2" quantity)"
state=$(state_of .)
expect_exit 2 "$ITAKU" register add --action received --item-id SKR-USB-09 --info x \
    --medium usb --quantity "１２個" --handler h --method 手渡し
expect_output "not '１２個'"
[ "$(state_of .)" = "$state" ] || fail "a refused --quantity changed the registry"
[ "$(body_of "$R2" occurred_at)" = "$(day 0)T09:30:00+09:00" ] || fail "occurred_at of $R2"
[ "$(body_of "$R2" method)" = "usb－暗号化" ] || fail "the method is not stored as typed"
ok "register add --occurred-at: $(day_era 0) is the start of that day (noted), $(day 0 %Y/%-m/%-d) 9:30 is +09:00; --quantity １２ is 12, １２個 refused as typed"

# a form saved by Notepad: byte-order mark, CR LF, the template's notes, ""
# left in an optional field, dates as people write them
"$ITAKU" form new 3 >"$T/tpl.jsonc"
python3 - "$T/tpl.jsonc" "$T/form3.json" "$T/form3-bad.json" "$(day_era 1) 14:05" "$(day_era 89 'R%d.%d.%d')" <<'PY'
import json, re, sys
tpl = open(sys.argv[1], encoding="utf-8").read()
fill = {"action": '"received"', "item_id": '"ｓｋｒ－ｕｓｂ－０３"', "info_name": '"住民記録データ"',
        "medium": '"usb"', "handler": '"鈴木一郎"', "method": '"手渡し"',
        "occurred_at": '"%s"' % sys.argv[4], "due_on": '"%s"' % sys.argv[5], "entry_no": "3"}
out = []
for line in tpl.split("\n"):
    m = re.match(r'^  "([a-z_]+)": ', line)
    if m and m.group(1) in fill:
        line = f'  "{m.group(1)}": {fill[m.group(1)]}' + ("," if line.rstrip().endswith(",") else "")
    elif m:
        # every other field left as the template gives it; strings stay ""
        pass
    out.append(line)
text = "\r\n".join(out).replace('    "unit": ""', '    "unit": "本"').replace('    "value": 0', '    "value": 1')
open(sys.argv[2], "wb").write(b"\xef\xbb\xbf" + text.encode("utf-8"))
open(sys.argv[3], "wb").write(b"\xef\xbb\xbf" + text.replace(sys.argv[5], "２０２６年２月３０日").encode("utf-8"))
PY
grep -q '"note": ""' "$T/form3.json" || fail "the template has no optional \"\" field to leave"
expect_exit 0 "$ITAKU" validate register "$T/form3.json"
expect_output "form3.json valid"
expect_output "note: note: left \"\" as in the template: taken as not given"
expect_exit 1 "$ITAKU" validate register "$T/form3-bad.json"
expect_output "form3-bad.json invalid"
grep -qF "due_on: '２０２６年２月３０日' is not a date that itaku can read: 2026-02 has 28 days" "$T/out" ||
    fail "validate does not name the date as typed: $(cat "$T/out")"
before=$(state_of .)
expect_exit 2 "$ITAKU" form submit 3 "$T/form3-bad.json"
grep -qF "due_on: '２０２６年２月３０日' is not a date that itaku can read" "$T/err" ||
    fail "form submit does not name the date as typed: $(cat "$T/err")"
[ "$before" = "$(state_of .)" ] || fail "a refused form changed the registry"
expect_exit 0 "$ITAKU" form submit 3 "$T/form3.json"
R3=$(cat "$T/out")
expect_output "note: note: left \"\" as in the template: taken as not given"
[ "$(body_of "$R3" occurred_at)" = "$(day 1)T14:05:00+09:00" ] || fail "occurred_at of $R3"
[ "$(body_of "$R3" due_on)" = "$(day 89)" ] || fail "due_on of $R3"
[ "$(body_of "$R3" note)" = "(absent)" ] || fail "the note left \"\" was recorded"
[ "$(body_of "$R3" item_id)" = "ｓｋｒ－ｕｓｂ－０３" ] || fail "the item id is not stored as typed"
ok "a form with a BOM, CR LF, notes and \"\" is valid for validate and taken by form submit alike; 2月30日 refused by both"

# validate checks against the registry's newest schema, as writes do: in a
# registry that holds register.v1 only (opened before v2), 管理-01 is not an
# item id v1 allows (SKR-USB-01 is, read as skr-usb-01); outside any
# registry, the newest this itaku carries (whose item ids are the labels
# offices use) takes it
git clone -q "$T/city" "$T/old"
(cd "$T/old" &&
    schemas=$(git ls-tree HEAD:schemas | grep -v "	register\.v[2-9][0-9]*\.schema\.json$" | git mktree) &&
    tree=$( (git ls-tree HEAD | grep -v "	schemas$"; printf '040000 tree %s\tschemas\n' "$schemas") | git mktree) &&
    git reset -q --hard "$(git -c gpg.format=ssh -c user.signingkey="$T/city.key" commit-tree -S "$tree" -m old)")
register_item 0001 | sed 's/"item-0001"/"SKR-USB-01"/' >"$T/upper.json"
register_item 0001 | sed 's/"item-0001"/"管理-01"/' >"$T/kanji.json"
cd "$T/old"
expect_exit 1 "$ITAKU" validate register "$T/kanji.json"
expect_output "item_id"
expect_exit 0 "$ITAKU" validate register "$T/upper.json"
expect_output "'SKR-USB-01' taken as skr-usb-01"
cd "$T"
expect_exit 0 "$ITAKU" validate register "$T/upper.json"
cd "$T/acme"
expect_exit 0 "$ITAKU" validate register "$T/upper.json"
ok "validate uses the registry's newest schema (v1 only: 管理-01 refused, SKR-USB-01 read as skr-usb-01), else the newest carried"

# --- point 2: one item however typed; a Japanese method is designated ------
status_json() { "$ITAKU" status --json --at "$1" >"$T/status.json" || true; }
finding() {
    python3 - "$T/status.json" "$1" "$2" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] == sys.argv[2] and f["record"].endswith("/" + sys.argv[3]):
        print(f["state"])
PY
}
status_json "$(day 8)"
[ "$(finding handover_designated_method "$R1")" = ok ] || fail "手渡し designated at init is not ok: $(finding handover_designated_method "$R1")"
[ "$(finding handover_designated_method "$R2")" = ok ] || fail "usb－暗号化 (= ＵＳＢ－暗号化) is not ok"
expect_exit 0 "$ITAKU" register add --action received --item-id SKR-USB-09 --info x --medium usb \
    --quantity 1 --handler h --method 郵送 --occurred-at "$(day 2)" --undesignated-method \
    --reason "郵送で受領"
R9=$(cat "$T/out")
status_json "$(day 8)"
[ "$(finding handover_designated_method "$R9")" = violated ] || fail "郵送, not designated, is not violated"
ok "a Japanese method designated at init is taken by register add and is designated in status; 郵送 is violated"

expect_exit 0 "$ITAKU" register add --action returned --item-id "ＳＫＲ－ＵＳＢ－０１" --info x \
    --medium usb --quantity 1 --handler h --method 手渡し --occurred-at "$(day 108)"
expect_exit 0 "$ITAKU" register add --action returned --item-id "skr‐usb−02" --info x \
    --medium usb --quantity 1 --handler h --method 手渡し --occurred-at "$(day 108)"
status_json "$(day 120)"
[ "$(finding items_returned_or_disposed_at_end "$R1")" = "" ] || fail "SKR-USB-01 is open though ＳＫＲ－ＵＳＢ－０１ was returned"
python3 - "$T/status.json" <<'PY' || fail "items at the end are not judged as one item however typed"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["rule"] == "items_returned_or_disposed_at_end"]
open_items = sorted(x["detail"].split()[1] for x in f if x["state"] != "ok")
assert open_items == ["SKR-USB-09", "ｓｋｒ－ｕｓｂ－０３"], open_items
assert sum(1 for x in f if x["state"] == "ok") == 2, f
PY
ok "status: SKR-USB-01 returned as ＳＫＲ－ＵＳＢ－０１ and SKR-USB-02 as skr‐usb−02 are closed; the twins stay open"

expect_exit 0 "$ITAKU" who --json --at "$(day 113)"
python3 - "$T/out" <<'PY' || fail "who lists an item returned under another spelling"
import json, sys
d = json.load(open(sys.argv[1]))
held = sorted(i["item_id"] for p in d["parties"] for i in p.get("items", []))
assert held == ["SKR-USB-09", "ｓｋｒ－ｕｓｂ－０３"], held
PY
expect_exit 0 "$ITAKU" who --at "$(day 113)"
grep -qE "ｓｋｒ－ｕｓｂ－０３ +[^ ]" "$T/out" ||
    fail "who runs a full-width 管理番号 into the next column: $(grep -F ｓｋｒ "$T/out")"
expect_exit 0 "$ITAKU" history skr-usb-01
grep -c "cites skr-usb-01 in item_id" "$T/out" | has -x 2 ||
    fail "history skr-usb-01 does not tell both entries of the item: $(cat "$T/out")"
ok "who and history take SKR-USB-01, skr-usb-01 and ＳＫＲ－ＵＳＢ－０１ as one item; who's table keeps a space after a full-width 管理番号"

# --occurred-at 昨日 15:00 and 今日: days on the contract's clock
expect_exit 0 "$ITAKU" register add --action received --item-id REL-01 --info "住民記録データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method 手渡し --occurred-at "昨日 15:00"
[ "$(body_of "$(cat "$T/out")" occurred_at)" = "$(day -1)T15:00:00+09:00" ] ||
    fail "--occurred-at 昨日 15:00 is not $(day -1) 15:00"
expect_exit 0 "$ITAKU" register add --action received --item-id REL-02 --info "住民記録データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method 手渡し --occurred-at "今日"
[ "$(body_of "$(cat "$T/out")" occurred_at)" = "$(day 0)T00:00:00+09:00" ] ||
    fail "--occurred-at 今日 is not the start of $(day 0)"
ok "register add --occurred-at 昨日 15:00 and 今日 are read in Japan time"
finish
