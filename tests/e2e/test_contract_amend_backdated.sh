#!/usr/bin/env bash
# Issue 16, point 3 (a city officer's review): a contract amendment naming
# a start, end or work start already past (on the contract's clock) asks for
# --backdated, as `itaku instruct --due` does, and without it writes nothing
# (English, Japanese). With it, a due date computed from the settings is
# judged by the settings in force for each filing: a form filed before the
# amendment's commit does not become overdue retroactively; what is not
# yet filed, or filed after it, is judged by the new date. A subcontractor's
# `itaku todo` and the city's `itaku status --party` say the same.
. "$(dirname "$0")/lib.sh"

# the contract starts (and the work with it) in ten days
WORK=$(day 10) PAST=$(day -1) PAST_START=$(day -5)
CHAIN_START=$WORK CHAIN_END=$(day 200) setup_chain

# before any later amendment: acme's form 1, beta's form 1 and its worker's
# training report (form 2), each received up to the city
python3 - "$FORM1_BODY" "$SRC/tests/schema-corpus/form2/valid/base.json" "$T" <<'PY'
import json, sys
f1, f2, t = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
json.dump(f1, open(t + "/f1.json", "w"), ensure_ascii=False)
json.dump(f2, open(t + "/f2.json", "w"), ensure_ascii=False)
f1["workers"][0].update(worker_id="w-003", name="高橋三郎")
json.dump(f1, open(t + "/f1-gamma.json", "w"), ensure_ascii=False)
f2["attendees"][0].update(worker_id="w-003", name="高橋三郎")
json.dump(f2, open(t + "/f2-gamma.json", "w"), ensure_ascii=False)
PY
for p in acme beta; do
    (cd "$T/$p" && "$ITAKU" form submit 1 "$T/f1.json" && "$ITAKU" form submit 2 "$T/f2.json") \
        >/dev/null 2>&1 || fail "$p could not file forms 1 and 2"
done
chain_up beta
chain_down beta

# a past date without --backdated: refused, naming it, nothing written
cd "$T/city"
main=$(git rev-parse main)
expect_exit 2 "$ITAKU" contract amend --start "$PAST_START" --work-start "$PAST" --reason "作業開始日の訂正"
expect_output "contract amendment refused: --start $PAST_START is already past \\(now is $(TZ=Asia/Tokyo date +%F) [0-9:]+\\).*say it is meant with --backdated"
expect_output "nothing was written"
LANG=ja_JP.UTF-8 expect_exit 2 "$ITAKU" contract amend --start "$PAST_START" --work-start "$PAST" \
    --reason "作業開始日の訂正"
expect_output "契約の設定の変更を受け付けませんでした: --start $PAST_START は既に過ぎています.*--backdated を付けてください"
expect_output "何も書き込まれませんでした"
[ "$(git rev-parse main)" = "$main" ] || fail "a refused amendment moved main"
# a day is past once it has ended: today is not
expect_exit 0 "$ITAKU" contract amend --start "$(day 0)" --reason "開始日の訂正"
main=$(git rev-parse main)
expect_exit 2 "$ITAKU" contract amend --work-start "$PAST" --reason "作業開始日の訂正"
expect_output "the work starts \\($PAST\\) before the contract starts"
expect_exit 2 "$ITAKU" contract amend --start "$PAST_START" --reason "開始日の訂正"
expect_output "--start $PAST_START is already past"
[ "$(git rev-parse main)" = "$main" ] || fail "a refused amendment moved main"
ok "a start or work start already past asks for --backdated (English, Japanese); nothing written"

# with --backdated: the work started yesterday
expect_exit 0 "$ITAKU" contract amend --start "$PAST_START" --work-start "$PAST" --backdated \
    --reason "作業開始日の訂正"
[ "$(git rev-parse main)" != "$main" ] || fail "the backdated amendment was not written"
chain_down gamma
# gamma files its form 1 after the amendment; its worker is not yet trained
(cd "$T/gamma" && "$ITAKU" form submit 1 "$T/f1-gamma.json") >/dev/null 2>&1 ||
    fail "gamma could not file form 1"
chain_up gamma
chain_down gamma

# findings DIR [status args]: "rule party record state due-day" of the
# work-start findings (form 1 before the work, training) of status --json
findings() {
    local dir=$1
    shift
    (cd "$dir" && set +e && "$ITAKU" status --json "$@" >"$T/status.json" 2>"$T/err"
        [ $? -le 1 ] || { cat "$T/err" >&2; exit 1; })
    python3 - "$T/status.json" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] in ("form1_before_work", "training_covers_workers"):
        print(f["rule"], f["party"], f["record"], f["state"], (f.get("due") or "")[:10])
PY
}
findings "$T/city" >"$T/city.findings"
grep -qx "form1_before_work acme acme/f1-000001 ok $WORK" "$T/city.findings" ||
    fail "acme's form 1, filed before the amendment, is judged by the new work start: $(cat "$T/city.findings")"
grep -qx "training_covers_workers beta beta/f2-000001 ok $WORK" "$T/city.findings" ||
    fail "beta's training report, filed before the amendment, became overdue: $(cat "$T/city.findings")"
grep -qx "training_covers_workers gamma gamma/f1-000001 overdue $PAST" "$T/city.findings" ||
    fail "gamma's worker, on a form 1 filed after the amendment, is not overdue: $(cat "$T/city.findings")"
ok "what was filed before the backdated amendment stays on time; what was filed after it is judged by the new work start"

# beta's todo and the city's status --party beta agree: the same items,
# states and due dates
(cd "$T/beta" && set +e && "$ITAKU" todo --json >"$T/todo.json"; [ $? -le 1 ]) || fail "beta's todo failed"
(cd "$T/city" && set +e && "$ITAKU" status --party beta --json >"$T/status-beta.json"; [ $? -le 1 ]) ||
    fail "status --party beta failed"
python3 - "$T/todo.json" "$T/status-beta.json" <<'PY' || fail "beta's todo and the city's status --party beta disagree"
import json, sys
todo = json.load(open(sys.argv[1]))["items"]
status = json.load(open(sys.argv[2]))["findings"]
rules = ("form1_before_work", "training_covers_workers")
want = sorted((f["party"], f["record"], f["state"], f.get("due") or "")
              for f in status if f["rule"] in rules and f["state"] != "ok")
got = sorted((t["party"], t["subject"], t["state"], t["due"]) for t in todo
             if t["section"] in ("2", "3") and t["kind"] in ("finding", "owed"))
print("status:", want, "\ntodo:  ", got, file=sys.stderr)
assert want == got, (want, got)
# gamma's overdue worker is among them, beta's trained one is not
assert any(w[0] == "gamma" and w[2] == "overdue" for w in want), want
assert not any(w[1] == "beta/f2-000001" for w in want), want
PY
findings "$T/beta" >"$T/beta.findings"
diff "$T/city.findings" "$T/beta.findings" >&2 || fail "beta's status judges the work start otherwise than the city's"
ok "beta's todo, beta's status and the city's status --party beta judge the work start alike"
finish
