#!/usr/bin/env bash
# Typos caught before they are permanent (issue 16, point 4): a record citing
# an instruction, request or item the registry does not hold (register
# entries, form 5, requests, incident reports, instructions) is refused with
# what was cited and the closest ids, and writes nothing; --unverified-ref
# --reason TEXT records the truth anyway, and status shows it; the same
# register entry twice asks for --again.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
n1=$(cd "$T/city" && "$ITAKU" instruct report --to acme --due "$(day 60)" --text "四半期報告" 2>/dev/null)
[ "$n1" = akiruno-city/n-000001 ] || fail "first instruction is $n1"
cd "$T/acme"
git pull -q "$T/city" main

# an answer to an instruction that does not exist: refused, the closest named
form4_answering akiruno-city/n-000099 >"$T/f4-typo.json"
expect_refused "The instruction akiruno-city/n-000099 that this record answers is not in the registry\\..*Closest ids: akiruno-city/n-000001\\." \
    "$ITAKU" form submit 4 "$T/f4-typo.json"
form4_answering "$n1" >"$T/f4.json"
expect_exit 0 "$ITAKU" form submit 4 "$T/f4.json"
ok "an answer to n-000099 is refused naming n-000001; the answer to n-000001 is recorded"

reg() { "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" "$@"; }
# a copy of an item nobody holds: refused, nothing written
expect_refused "The copy's source, item number 'SKR-USB-01', is not in acme's register: .*Record the source's receipt first" \
    reg --action copied --item-id SKR-USB-01-C1 --derived-from SKR-USB-01 --unapproved --reason "緊急" \
    --occurred-at "$(day 3)T10:00:00+09:00"
expect_refused "Item number 'SKR-USB-01' is not in acme's register: .*Record its receipt first \\(itaku register add --action received\\)" \
    reg --action returned --item-id SKR-USB-01 --occurred-at "$(day 3)T10:00:00+09:00"
# the twin: received first; the full-width id is the same item
expect_exit 0 reg --action received --item-id SKR-USB-01 --method 手渡し --occurred-at "$(day 0)T10:00:00+09:00"
R1=$(cat "$T/out")
expect_exit 0 reg --action copied --item-id SKR-USB-01-C1 --derived-from "ｓｋｒ－ｕｓｂ－０１" \
    --unapproved --reason "緊急" --occurred-at "$(day 3)T10:00:00+09:00"
# held only from when it was received: a return dated before is refused
expect_refused "Item number 'SKR-USB-01' is not in acme's register: .*Closest item numbers in the register: SKR-USB-01[,.]" \
    reg --action returned --item-id SKR-USB-01 --occurred-at "$(day -1)T10:00:00+09:00"
ok "a copy of an item nobody holds is refused; received earlier (any width, any case) it is held"

# the same entry again (a Ctrl-C rerun) asks for --again, naming the entry
# already there; with --again, recorded
[ "$R1" = r-000001 ] || fail "the first entry is not r-000001: $R1"
expect_refused "acme's register already has entry acme/r-000001: 'received' of item number 'skr-usb-01' at .*--again" \
    reg --action received --item-id skr-usb-01 --method 手渡し --occurred-at "$(day 0)T10:00:00+09:00"
expect_refused "株式会社アクメの管理記録簿には、管理番号「skr-usb-01」の「受領」の記載 acme/r-000001 が .* にすでにあります" \
    "${JA[@]}" "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --action received --item-id skr-usb-01 --method 手渡し --occurred-at "$(day 0)T10:00:00+09:00"
grep -q received "$T/err" && fail "the Japanese refusal shows the action's code"
expect_exit 0 reg --action received --item-id skr-usb-01 --method 手渡し --occurred-at "$(day 0)T10:00:00+09:00" --again
ok "the same register entry twice is refused without --again, naming the entry already there (acme/r-000001); recorded with it"

# a copy without approval: the refusal names the action by its label in
# Japanese (複製), by its code in English
expect_refused "A register entry 'copied' needs the city's prior approval" \
    reg --action copied --item-id SKR-USB-01-C2 --derived-from SKR-USB-01 \
    --occurred-at "$(day 3)T11:00:00+09:00"
expect_refused "管理記録簿の「複製」の記載には、市の事前の承認が必要です" \
    "${JA[@]}" "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --action copied --item-id SKR-USB-01-C2 --derived-from SKR-USB-01 \
    --occurred-at "$(day 3)T11:00:00+09:00"
grep -q copied "$T/err" && fail "the Japanese refusal shows the action's code"
ok "refusals show an action's code in English and its label in Japanese"

# the truth stays recordable: an item received before the registry existed
expect_refused "--reason" reg --action returned --item-id OLD-001 --unverified-ref \
    --occurred-at "$(day 4)T10:00:00+09:00"
expect_refused "everything this register cites is in the registry" reg --action returned --item-id SKR-USB-01 \
    --unverified-ref --reason "x" --occurred-at "$(day 4)T10:00:00+09:00"
expect_exit 0 reg --action returned --item-id OLD-001 --unverified-ref --reason "台帳導入前に受領" \
    --occurred-at "$(day 4)T10:00:00+09:00"
r=$(cat "$T/out")
git show "HEAD:parties/acme/register/$r.json" >"$T/rec.json"
python3 - "$T/rec.json" <<'PY' || fail "the record does not hold the unverified reference"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["refs"] == {"unverified": [{"field": "item_id", "ref": "OLD-001", "reason": "台帳導入前に受領"}]}, r
assert "unapproved_reason" not in r["body"], r
PY
expect_exit 0 "$ITAKU" verify
"$ITAKU" status --party acme --at "$(day 8)" >"$T/out" 2>"$T/err" || true
expect_output "参照.*acme/$r.*OLD-001.*台帳導入前に受領"
"$ITAKU" status --party acme --json --at "$(day 8)" >"$T/out" 2>"$T/err" || true
python3 - "$T/out" "$r" <<'PY' || fail "status --json lacks the unverified reference"
import json, sys
s = json.load(open(sys.argv[1]))
mine = [f for f in s["findings"] if f["rule"] == "reference_unverified"]
assert len(mine) == 1 and mine[0]["record"] == "acme/" + sys.argv[2] and mine[0]["state"] == "ok", mine
PY
expect_exit 0 "$ITAKU" history "acme/$r"
expect_output "unverified item_id OLD-001 \\(台帳導入前に受領\\)"
# form submit takes the same options
form4_answering akiruno-city/n-000099 >"$T/f4-typo.json"
expect_exit 0 "$ITAKU" form submit 4 "$T/f4-typo.json" --unverified-ref --reason "電話での指示"
ok "--unverified-ref --reason records the reference in the envelope; status and history show it"

# a copy or take-out request for an item nobody holds: refused naming the
# closest items, nothing written; the item acme received (any width or case)
# is one it holds; the truth stays recordable with --unverified-ref --reason
expect_refused "This request names item number 'SKR-USB-02', which is in the register of neither acme nor any party below it.*Closest item numbers in the register: SKR-USB-01[,.]" \
    "$ITAKU" request submit copy --summary "検証用に複製" --item SKR-USB-02
expect_refused "This request names item number 'NONE-1'" \
    "$ITAKU" request submit take-out --summary "持出し" --item "ｓｋｒ－ｕｓｂ－０１" --item NONE-1
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item "ｓｋｒ－ｕｓｂ－０１"
expect_exit 0 "$ITAKU" request submit take-out --summary "持出し" --item OLD-002 \
    --unverified-ref --reason "台帳導入前に受領"
q=$(cat "$T/out")
git show "HEAD:parties/acme/requests/${q#acme/}.json" >"$T/req.json"
python3 - "$T/req.json" <<'PY' || fail "the request does not hold the unverified item"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["refs"] == {"unverified": [{"field": "item_ids[]", "ref": "OLD-002", "reason": "台帳導入前に受領"}]}, r
PY
"$ITAKU" status --party acme --json --at "$(day 8)" >"$T/out" 2>"$T/err" || true
python3 - "$T/out" "$q" <<'PY' || fail "status --json lacks the request's unverified item"
import json, sys
s = json.load(open(sys.argv[1]))
mine = [f for f in s["findings"] if f["rule"] == "reference_unverified" and f["record"] == sys.argv[2]]
assert len(mine) == 1 and "OLD-002" in json.dumps(mine[0], ensure_ascii=False), mine
PY
ok "a request for an item nobody holds is refused naming the closest; held (any width) or unverified it is recorded, status shows the unverified one"

# a copy citing the request still pending: the refusal names its state and
# the action by their labels in Japanese, by their codes in English
expect_refused "acme/q-000001 is pending, waiting for .*: a copied entry needs a request the city has approved" \
    reg --action copied --item-id SKR-USB-01-C3 --derived-from SKR-USB-01 --approval acme/q-000001 \
    --occurred-at "$(day 5)T10:00:00+09:00"
expect_refused "acme/q-000001 は 審査中（.*を待っています）です。複製 の記録には" \
    "${JA[@]}" "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --action copied --item-id SKR-USB-01-C3 --derived-from SKR-USB-01 --approval acme/q-000001 \
    --occurred-at "$(day 5)T10:00:00+09:00"
grep -qE 'pending|copied' "$T/err" && fail "the Japanese refusal shows a code"
ok "a copy citing a pending request is refused naming its state and the action in the reader's language"

# an incident report's affected items are the reporter's chain's too
python3 - "$SRC/tests/schema-corpus/incident/valid/base.json" "$T/inc.json" SKR-USB-03 <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["affected"] = {"item_ids": [sys.argv[3]]}
json.dump(f, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_refused "This incident report names item number 'SKR-USB-03' as affected, which is in the register of neither acme.*Closest item numbers in the register: SKR-USB-01[,.]" \
    "$ITAKU" incident report "$T/inc.json"
sed -i 's/SKR-USB-03/skr-usb-01/' "$T/inc.json"
expect_exit 0 "$ITAKU" incident report "$T/inc.json"
ok "an incident naming an item acme does not hold is refused; one it holds is recorded"

# the city's instruction to return items: items its addressee's chain holds
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_refused "This instruction names item number 'SKR-USB-09', which is in the register of neither acme \\(the party instructed\\) nor any party below it.*Closest item numbers in the register: SKR-USB-01[,.]" \
    "$ITAKU" instruct return --to acme --due "$(day 119)" --text "返却してください" --item SKR-USB-09
expect_exit 0 "$ITAKU" instruct return --to acme --due "$(day 119)" --text "返却してください" \
    --item SKR-USB-01
ok "an instruction to return an item acme does not hold is refused; one it holds is given"
finish
