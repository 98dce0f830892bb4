#!/usr/bin/env bash
# itaku todo (issue 16, point 5): what this party must do now, most urgent
# first; for the city, what its contractor owes it too. Exit 0 when nothing
# is due now, 1 when something is overdue or violated or a request waits for
# this party.
. "$(dirname "$0")/lib.sh"
at() { (cd "$T/$1" && shift && "$@"); }

# the contract runs 2098-06-01 .. 2099-03-31 (far from the day the test runs)
"$ITAKU" key generate "$T/city.key" >/dev/null
"$ITAKU" key generate "$T/acme.key" >/dev/null
"$ITAKU" init "$T/city" --contract C-9 --title "やること" --city akiruno-city --name "あきる野市" \
    --key "$T/city.key" --start 2098-06-01 --end 2099-03-31 --handover-method hand-delivery >"$T/sheet"
G=$(awk '/genesis:/ {print $2}' "$T/sheet")
K=$(awk '/city key:/ {print $3}' "$T/sheet")
git -C "$T/city" config itaku.signingKey "$T/city.key"
at city "$ITAKU" party add acme --role contractor --name "アクメ" --pubkey "$T/acme.key.pub" >/dev/null
"$ITAKU" clone "$T/city" "$T/acme" --city-key "$K" --genesis "$G" --key "$T/acme.key" >/dev/null

# a fresh registry: nothing to do for the city
"$ITAKU" key generate "$T/solo.key" >/dev/null
"$ITAKU" init "$T/solo" --contract C-1 --title "t" --city akiruno-city --name "市" \
    --key "$T/solo.key" --start 2098-06-01 --end 2099-03-31 >/dev/null
cd "$T/solo"
expect_exit 0 "$ITAKU" todo --at 2098-06-02
expect_output "Nothing to do for akiruno-city"
ok "nothing to do: exit 0, said in words"

# the city instructs acme; acme asks for a copy approval
n=$(at city "$ITAKU" instruct report --to acme --due 2098-07-31 --text "四半期報告" 2>/dev/null)
cd "$T/acme"
expect_exit 0 "$ITAKU" pull "$T/city"
# the request cites an item acme holds (issue 16: a copy of an item nobody holds is refused)
expect_exit 0 "$ITAKU" register add --action received --item-id item-1 --info "住民データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery \
    --occurred-at 2098-06-05T10:00:00+09:00
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item item-1
q=$(cat "$T/out")
# acme: form 1 overdue since the work started comes first, then the answer due
expect_exit 1 "$ITAKU" todo --at 2098-06-10 --json
python3 - "$T/out" "$n" <<'PY' || fail "acme's to-do list is not what acme must do, most urgent first"
import json, sys
d = json.load(open(sys.argv[1])); n = sys.argv[2]
items = d["items"]
assert d["party"] == "acme", d
kinds = [(i["kind"], i["state"]) for i in items]
assert items[0]["state"] == "overdue" and "form1" in items[0]["detail"], kinds
ans = [i for i in items if i["kind"] == "answer"]
assert len(ans) == 1 and ans[0]["due"] == "2098-07-31T23:59:59+09:00" and n in ans[0]["detail"], ans
assert items.index(ans[0]) > 0, kinds
assert all(i["party"] == "acme" for i in items), items
PY
expect_exit 1 "$ITAKU" todo --at 2098-06-10
expect_output "To do for acme"
# the due date as an officer reads it: the end of a day is the day alone,
# another time the day and the time; RFC 3339 stays for --json
# (an English screen: the rule in itaku's English words, the finding's
# English text; Japanese below)
expect_output "answer +acme +2098-07-31 +- +instruction answered on time: $n"
# the states in the screen's words, as status shows them
expect_output "overdue +finding +acme +2098-06-01 00:00 +- +form 1 filed before work: no form 1"
has "[^ -~]" <"$T/out" && fail "todo in English printed Japanese: $(cat "$T/out")"
has -F "T23:59:59" <"$T/out" && fail "todo printed an RFC 3339 due time on the screen"
has "instruction_answered_on_time" <"$T/out" && fail "todo printed the English finding text"
ok "acme's list: the overdue form 1 first, then the instruction to answer with its due date (exit 1)"

# the city: the request awaits its decision, and what acme owes it
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 1 "$ITAKU" todo --at 2098-06-10 --json
python3 - "$T/out" "$q" <<'PY' || fail "the city's to-do list misses the decision or what acme owes"
import json, sys
d = json.load(open(sys.argv[1])); q = sys.argv[2]
items = d["items"]
dec = [i for i in items if i["kind"] == "decide"]
assert len(dec) == 1 and dec[0]["subject"] == q and dec[0]["party"] == "akiruno-city", items
owed = [i for i in items if i["kind"] == "owed"]
assert owed and all(i["party"] == "acme" for i in owed), items
# the decision waiting now first (acme is blocked until the city decides),
# then what is overdue, then the pending ones, each by due date
ranks = [0 if i["kind"] == "decide" else 1 if i["state"] in ("overdue", "violated") else 2 for i in items]
assert ranks == sorted(ranks) and ranks[0] == 0 and 1 in ranks and 2 in ranks, [(i["kind"], i["state"]) for i in items]
for r in (1, 2):
    dues = [i["due"] for i, k in zip(items, ranks) if k == r and i["due"]]
    assert dues == sorted(dues), dues
# --at given: as given
assert d["at"] == "2098-06-10", d["at"]
assert dec[0]["detail_ja"].startswith("アクメの複製の申請（" + q + "）が決定"), dec
assert all(i["detail_ja"] for i in items), items
PY
ok "the city's list: the request awaiting its decision, and what acme owes it, most urgent first"

# without --at, the time the list was made (never "")
expect_exit 1 "$ITAKU" todo --json
python3 - "$T/out" <<'PY' || fail "todo --json without --at does not say as of when"
import json, re, sys
d = json.load(open(sys.argv[1]))
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", d["at"]), d["at"]
PY
ok "todo --json says as of when: --at as given, else the time the list was made"

# on a Japanese screen: the states in the catalog's words (as status), the
# kinds in Japanese, the decision first, the columns aligned in terminal
# columns (Japanese takes two)
expect_exit 1 env LANG=ja_JP.UTF-8 "$ITAKU" todo --at 2098-06-10
expect_output "^ ?1\\. 未了 +決定 +あきる野市 +（期限なし） +$q +アクメの複製の申請"
expect_output "期限超過 +下位の義務 +アクメ +2098-06-01 00:00 +- +作業開始前の管理体制届出"
expect_output "未了 +下位の義務 +アクメ +2098-07-31 +- +指示への期限内の対応：$n"
expect_output "未了 +下位の義務 +アクメ +2099-03-31 +acme/r-[0-9]+ +契約終了時の返却"
has -E "(overdue|violated|pending|owed|finding|decide|endorse|answer|return|incident) " <"$T/out" &&
    fail "todo printed English states or kinds on a Japanese screen"
has -F "T23:59:59" <"$T/out" && fail "todo printed an RFC 3339 due time on a Japanese screen"
python3 - "$T/out" <<'PY' || fail "todo's columns are not aligned on a Japanese screen"
import re, sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
due = re.compile(r"(\d{4}-\d\d-\d\d(?: \d\d:\d\d)?|（期限なし）) +")
starts = set()
rows = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if re.match(r" *\d+\. ", l)]
assert len(rows) >= 4, rows
for l in rows:
    m = due.search(l)
    starts.add((cols(l[:m.start()]), cols(l[:m.end()])))
assert len(starts) == 1, starts
PY
ok "todo on a Japanese screen: Japanese states and kinds, dates as read, columns aligned"

# requests and history on a Japanese screen: kinds, states and steps in
# Japanese (the catalog's words for a request, as status)
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" requests
expect_output "^$q +複製 +審査中 +あきる野市 "
has -E " (copy|pending) " <"$T/out" && fail "requests printed English kinds or states: $(cat "$T/out")"
python3 - "$T/out" "$q" <<'PY' || fail "requests' columns are not aligned: $(cat "$T/out")"
import sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head, row = lines[0], [l for l in lines if l.startswith(sys.argv[2])][0]
# the city, by its name, starts NEXT; the summary starts where its heading does
assert cols(head[:head.index("次の対応")]) == cols(row[:row.index("あきる野市")]), (head, row)
assert cols(head[:head.index("概要")]) == cols(row[:row.index("検証用に複製")]), (head, row)
PY
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" history "$q"
expect_output "提出 +アクメ 管理責任者"
expect_output "受領 +あきる野市 担当職員"
has -E "(filed|received) " <"$T/out" && fail "history printed English steps: $(cat "$T/out")"
expect_exit 0 "$ITAKU" requests --json
python3 - "$T/out" "$q" <<'PY' || fail "requests --json does not keep the codes"
import json, sys
r = [x for x in json.load(open(sys.argv[1])) if x["request"] == sys.argv[2]]
assert r and r[0]["kind"] == "copy" and r[0]["state"] == "pending", r
PY
ok "requests and history speak Japanese on a Japanese screen; --json keeps the codes"

# before the work starts nothing is due yet for acme: listed, but exit 0
cd "$T/acme"
expect_exit 0 "$ITAKU" todo --at 2098-05-01
expect_output "no form 1 \\(management system\\) filed yet"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" todo --at 2098-05-01
expect_output "管理体制届出書（様式第1号）が未提出"
expect_exit 2 "$ITAKU" todo --party nobody
ok "pending items with later due dates are listed with exit 0; an unknown party is a usage error"
# an item is judged by its last receipt: returned, it is off the list;
# received again after the return (the same label typed another way), it
# is back, named by that receipt; the same day's return before it does not
# close it (issue 16, point 5). todo exits 1 throughout: form 1 is overdue
return_items() {
    python3 - "$T/out" <<'PY'
import json, sys
print(" ".join(i["subject"] for i in json.load(open(sys.argv[1]))["items"] if i["kind"] == "return"))
PY
}
cd "$T/acme"
expect_exit 1 "$ITAKU" todo --at 2098-06-10 --json
[ -n "$(return_items)" ] || fail "todo does not list item-1, received and held, among the items to return"
expect_exit 0 "$ITAKU" register add --action returned --item-id item-1 --info "住民データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery \
    --occurred-at 2098-06-20T09:30:00+09:00
expect_exit 1 "$ITAKU" todo --at 2098-06-21 --json
[ -z "$(return_items)" ] || fail "todo still lists a returned item: $(return_items)"
expect_exit 0 "$ITAKU" register add --action received --item-id ITEM-1 --info "住民データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery \
    --occurred-at 2098-06-20T09:40:00+09:00
expect_exit 1 "$ITAKU" todo --at 2098-06-21 --json
got=$(return_items)
[ -n "$got" ] || fail "todo lost item-1, received again at 09:40 after its return at 09:30"
[ "$got" = acme/r-000003 ] || fail "todo names item-1 by '$got', not by its last receipt acme/r-000003"
expect_exit 1 "$ITAKU" status --at 2098-06-21 --json
python3 - "$T/out" <<'PY' || fail "status does not judge item-1 by its last receipt"
import json, sys
d = json.load(open(sys.argv[1]))
f = [x for x in d["findings"] if x["rule"] == "items_returned_or_disposed_at_end" and x["party"] == "acme"]
assert len(f) == 1 and f[0]["state"] == "pending", f
PY
ok "an item returned and received again is to be returned again; returned, it is off the list"

# todo after status at the same HEAD reads status's findings (findings.cache):
# the same list as from nothing
XDG_CACHE_HOME=$T/tw "$ITAKU" status --at 2098-06-21 >/dev/null 2>&1 || true
ls "$T"/tw/itaku/*/findings.cache >/dev/null 2>&1 || fail "status kept no findings.cache"
XDG_CACHE_HOME=$T/tw "$ITAKU" todo --at 2098-06-21 >"$T/todo-warm" 2>&1 || true
XDG_CACHE_HOME=$T/tc "$ITAKU" todo --at 2098-06-21 >"$T/todo-cold" 2>&1 || true
grep -q "r-000003" "$T/todo-cold" || fail "todo does not list item-1: $(cat "$T/todo-cold")"
cmp -s "$T/todo-warm" "$T/todo-cold" || fail "todo after status differs from cold: $(diff "$T/todo-warm" "$T/todo-cold")"
ok "todo after status at the same HEAD: the same list as from nothing"
finish
