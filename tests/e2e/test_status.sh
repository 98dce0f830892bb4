#!/usr/bin/env bash
# The obligation engine on a scripted scenario: the findings (party,
# section, rule, state, record) must equal an expected file exactly, at
# three evaluation times. Dates in the scenario lie in the far past or far
# future so that the outcome does not depend on the day the test runs.
. "$(dirname "$0")/lib.sh"
at() { (cd "$T/$1" && shift && "$@"); }
py() { python3 -c "$@"; }

# the contract runs 2098-06-01 .. 2099-03-31
"$ITAKU" key generate "$T/city.key" >/dev/null
"$ITAKU" key generate "$T/acme.key" >/dev/null
"$ITAKU" key generate "$T/beta.key" >/dev/null
"$ITAKU" init "$T/city" --contract C-9 --title "状態テスト" --city akiruno-city --name "あきる野市" \
    --key "$T/city.key" --start 2098-06-01 --end 2099-03-31 --handover-method hand-delivery >"$T/sheet"
G=$(awk '/genesis:/ {print $2}' "$T/sheet")
K=$(awk '/city key:/ {print $3}' "$T/sheet")
git -C "$T/city" config itaku.signingKey "$T/city.key"
at city "$ITAKU" party add acme --role contractor --name "アクメ" --pubkey "$T/acme.key.pub" >/dev/null
"$ITAKU" clone "$T/city" "$T/acme" --city-key "$K" --genesis "$G" >/dev/null
git -C "$T/acme" config itaku.signingKey "$T/acme.key"
at acme "$ITAKU" acknowledge >/dev/null

# form 1 with one worker, trained; then a change adding an untrained worker from 2099-01-01
py "
import json; f=json.load(open('$FORM1_BODY'))
json.dump(f, open('$T/f1.json','w'), ensure_ascii=False)
f['filing_type']='change'
f['change']={'effective_on':'2099-01-01','items':['作業従事者の追加'],'reason':'増員'}
f['workers'].append({'worker_id':'w-002','name':'高橋次郎','dept':'開発課','work_scope':'データ移行','access_scope':'移行用抽出データ'})
json.dump(f, open('$T/f1c.json','w'), ensure_ascii=False)
f=json.load(open('$SRC/tests/schema-corpus/form2/valid/base.json'))
json.dump(f, open('$T/f2.json','w'), ensure_ascii=False)"
at acme "$ITAKU" form submit 1 "$T/f1.json" >/dev/null 2>&1
at acme "$ITAKU" form submit 2 "$T/f2.json" >/dev/null 2>&1
printf 'organisation chart\n' >"$T/chart.pdf" # a form citing a file nobody holds is incomplete
at acme "$ITAKU" form submit 1 "$T/f1c.json" --attach org_chart="$T/chart.pdf" >/dev/null 2>&1

# the register: a designated handover, one by an undesignated method, a copy recorded unapproved
reg() { "$ITAKU" -C "$T/acme" register add --medium usb --quantity 1 --handler "鈴木一郎" \
    --info "住民データ" "$@" >/dev/null 2>&1; }
reg --action received --item-id item-1 --method hand-delivery
reg --action received --item-id item-2 --method e-mail --undesignated-method --reason "電子メールで受領"
reg --action copied --item-id item-3 --derived-from item-1 --unapproved --reason "障害対応"
reg --action returned --item-id item-1 --method hand-delivery
reg --action returned --item-id item-2 --method hand-delivery

# an incident discovered long ago, first-reported only now (late)
py "
import json; f=json.load(open('$SRC/tests/schema-corpus/incident/valid/base.json'))
f['discovered_at']='2020-01-01T09:00:00+09:00'
json.dump(f, open('$T/inc.json','w'), ensure_ascii=False)"
at acme "$ITAKU" incident report "$T/inc.json" >/dev/null 2>&1

# a subcontractor that never acknowledges
form6_for beta "$T/beta.key.pub" >"$T/form6.json"
py "
import hashlib, json
f = json.load(open('$T/form6.json'))
def cite(o):
    if isinstance(o, dict):
        if 'sha256' in o and 'filename' in o:
            data = ('document ' + o['filename']).encode()
            open('$T/doc-' + hashlib.sha256(data).hexdigest(), 'wb').write(data)
            o['sha256'] = hashlib.sha256(data).hexdigest()
        for v in o.values():
            cite(v)
    elif isinstance(o, list):
        for v in o:
            cite(v)
cite(f)
json.dump(f, open('$T/form6.json', 'w'), ensure_ascii=False)"
for doc in "$T"/doc-*; do at acme "$ITAKU" attach "$doc" >/dev/null 2>&1; done
at acme "$ITAKU" form submit 6 "$T/form6.json" >/dev/null 2>&1
at city "$ITAKU" receive acme "$T/acme" >/dev/null
at city "$ITAKU" approve acme/q-000001 >/dev/null

# two report requests: one answered on time, one long past due when answered
n1=$(at city "$ITAKU" instruct report --to acme --due 2098-12-01 --text "四半期報告" 2>/dev/null)
n2=$(at city "$ITAKU" instruct report --to acme --due 2020-01-31 --backdated --text "臨時報告" 2>/dev/null)
at acme "$ITAKU" pull >/dev/null
form4_answering "$n1" >"$T/r1.json"
form4_answering "$n2" >"$T/r2.json"
at acme "$ITAKU" form submit 4 "$T/r1.json" >/dev/null 2>&1
at acme "$ITAKU" form submit 4 "$T/r2.json" >/dev/null 2>&1
at city "$ITAKU" receive acme "$T/acme" >/dev/null
ok "scenario written: 2 parties below the city, forms, register, incident, instructions"

findings() {
    "$ITAKU" -C "$T/city" status --json --at "$1" >"$T/status.json" && rc=0 || rc=$?
    [ "$rc" = "$2" ] || fail "status --at $1 exited $rc, expected $2"
    python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    print(f["party"], f["section"], f["rule"], f["state"], f["record"] or "-")' "$T/status.json"
}
for when in 2098-12-31 2099-01-02 2099-04-01; do
    findings "$when" 1 >"$T/got-$when"
    diff -u "$SRC/tests/e2e/expected/status-$when.txt" "$T/got-$when" >&2 ||
        fail "status --at $when differs from tests/e2e/expected/status-$when.txt"
done
ok "findings equal the expected files at 2098-12-31, 2099-01-02 and 2099-04-01"

expect_exit 1 env LANG=ja_JP.UTF-8 "$ITAKU" -C "$T/city" status --at 2099-01-02
expect_output "^アクメ（acme、受注者）$"
expect_output "^  (beta \\(再委託先\\)|.+（beta、再委託先）)$"
expect_output "作業従事者 w-002（高橋次郎）の教育・研修実施報告書（様式第2号）がない"
# the same table on an English screen: English words (test_screen_language.sh)
expect_exit 1 "$ITAKU" -C "$T/city" status --at 2099-01-02
expect_output "acme \(contractor\)"
expect_output "  beta \(subcontractor\)"
"$ITAKU" -C "$T/city" status --csv --at 2099-01-02 >"$T/status.csv" || true
head -c 3 "$T/status.csv" | od -An -tx1 | has "ef bb bf" || fail "status --csv lacks the BOM"
expect_exit 0 "$ITAKU" -C "$T/city" status --party beta --json
py "import json; f=json.load(open('$T/out'))['findings']; assert {x['party'] for x in f}=={'beta'}, f"
expect_exit 2 "$ITAKU" -C "$T/city" status --party nobody
expect_output "not registered"
ok "the table nests parties by depth, --csv, --party and errors"
finish
