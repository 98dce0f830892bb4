#!/usr/bin/env bash
# Issue 16, point 4: correcting an instruction as an office does. `instruct
# amend N-1` names the record it amended (akiruno-city/n-000001), not what
# was typed; withdrawing an instruction already withdrawn says so and since
# when (never "withdraw that", the withdrawal); the lists of the closest
# ids mark a superseded instruction: withdrawn (取下げ済み) or amended, with
# the one in force (変更済み→).
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 18)" --text "履行状況を報告してください"
expect_exit 0 "$ITAKU" instruct amend N-1 --due "$(day 23)" --reason "期限延長"
expect_output "Amended akiruno-city/n-000001 in commit"
grep -q "Amended N-1" "$T/err" && fail "amend echoes what was typed"
ok "instruct amend N-1 names the record it amended, akiruno-city/n-000001"

expect_exit 0 "$ITAKU" instruct withdraw n-2 --reason "不要となったため"
expect_output "Withdrew akiruno-city/n-000002"
before=$(state_of "$T/city")
for n in n-1 n-2 n-3; do
    expect_exit 2 "$ITAKU" instruct withdraw "$n" --reason "再度"
    expect_output "is already withdrawn \(akiruno-city/n-000003, on [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}"
    expect_output "nothing more is needed"
    grep -q "withdraw that" "$T/err" && fail "withdrawing $n again advises withdrawing the withdrawal"
done
expect_exit 2 "${JA[@]}" "$ITAKU" instruct withdraw n-1 --reason "再度"
expect_output "akiruno-city/n-000001 は既に取り下げられています（akiruno-city/n-000003、"
expect_exit 2 "$ITAKU" instruct amend n-2 --due "$(day 26)" --reason "再度"
expect_output "was withdrawn \(akiruno-city/n-000003, on .*issue a new instruction"
[ "$before" = "$(state_of "$T/city")" ] || fail "a refused withdrawal changed the registry"
ok "withdrawing an instruction already withdrawn (or its withdrawal) says so and when, writing nothing"

expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 18)" --text "報告"
expect_exit 0 "$ITAKU" instruct amend n-4 --due "$(day 24)" --reason "期限延長"
expect_exit 2 "$ITAKU" instruct amend n-000007 --due "$(day 26)" --reason "再度"
expect_output "akiruno-city/n-000004 \(amended: now akiruno-city/n-000005\)"
expect_output "akiruno-city/n-000005[,)]"
expect_exit 2 "${JA[@]}" "$ITAKU" instruct amend n-000002 --due "$(day 26)" --reason "再度"
expect_exit 2 "${JA[@]}" "$ITAKU" instruct amend n-000009 --due "$(day 26)" --reason "再度"
expect_output "akiruno-city/n-000004（変更済み→akiruno-city/n-000005）|akiruno-city/n-00000[0-9]（取下げ済み）"
ok "the closest ids mark a withdrawn instruction (取下げ済み) and an amended one with the one in force (変更済み→)"

# a form citing an instruction that is not there: the same marks
cd "$T/acme"
"$ITAKU" pull >/dev/null
python3 - "$SRC/tests/schema-corpus/form4/valid/base.json" "$T/f4.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1], encoding="utf-8"))
f["instruction_ref"] = "akiruno-city/n-000006"
json.dump(f, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit 2 "$ITAKU" form submit 4 "$T/f4.json"
expect_output "Closest ids: .*akiruno-city/n-00000[0-9] \((withdrawn|amended: now akiruno-city/n-000005)\)"
ok "a form's refusal lists the closest instructions with the same marks"
# the list: each instruction once, under its first record, as its latest
# version; the amending and withdrawing records are not listed apart
cd "$T/city"
"$ITAKU" instructions --all >"$T/out" 2>"$T/err" || fail "instructions --all failed"
for n in 2 3 5; do
    grep -q "^akiruno-city/n-00000$n " "$T/out" && fail "the correction n-00000$n is listed as an instruction"
done
grep -q "^akiruno-city/n-000001 .*(withdrawn by akiruno-city/n-000003: 不要となったため)" "$T/out" ||
    fail "the withdrawn n-1 is not marked withdrawn with its reason: $(cat "$T/out")"
grep -q "^akiruno-city/n-000004 .*$(day 24) .*(amended by akiruno-city/n-000005: 期限延長)" "$T/out" ||
    fail "the amended n-4 does not show its new due date and amendment: $(cat "$T/out")"
[ "$(grep -c '^akiruno-city/n-' "$T/out")" = 2 ] || fail "not each instruction once: $(cat "$T/out")"
"$ITAKU" instructions >"$T/out" 2>"$T/err" || fail "instructions failed"
grep -q "n-000001" "$T/out" && fail "a withdrawn instruction is listed without --all"
grep -q "^akiruno-city/n-000004 .*$(day 24)" "$T/out" || fail "the open amended n-4 is not listed"
"${JA[@]}" "$ITAKU" instructions --all >"$T/out" 2>"$T/err" || fail "instructions --all (ja) failed"
grep -q "（撤回: akiruno-city/n-000003、理由: 不要となったため）" "$T/out" || fail "no 撤回 in Japanese"
grep -q "（訂正済み: akiruno-city/n-000005、理由: 期限延長）" "$T/out" || fail "no 訂正済み in Japanese"
"$ITAKU" instructions --all --json >"$T/out" 2>"$T/err" || fail "instructions --json failed"
python3 - "$T/out" <<'PY' || fail "instructions --json does not list each instruction once as its latest version"
import json, sys
l = {x["instruction"]: x for x in json.load(open(sys.argv[1], encoding="utf-8"))}
assert set(l) == {"akiruno-city/n-000001", "akiruno-city/n-000004"}, l
assert l["akiruno-city/n-000001"]["withdrawn"] is True
assert l["akiruno-city/n-000001"]["corrected_by"] == "akiruno-city/n-000003"
assert l["akiruno-city/n-000001"]["reason"] == "不要となったため"
assert l["akiruno-city/n-000004"]["withdrawn"] is False
assert l["akiruno-city/n-000004"]["corrected_by"] == "akiruno-city/n-000005"
assert l["akiruno-city/n-000004"]["reason"] == "期限延長"
PY
ok "instructions lists each once as its latest version: amended (new due, by whom, why), withdrawn only with --all (by whom, why)"

expect_exit 0 "$ITAKU" history n-4
expect_output "superseded by akiruno-city/n-000005; amended: due $(day 24)[^;]*; reason: 期限延長"
expect_exit 0 "$ITAKU" history n-2
expect_output "withdrawn by akiruno-city/n-000003; reason: 不要となったため"
expect_exit 0 "$ITAKU" history n-5
expect_output "supersedes n-000004; amended: due $(day 24)[^;]*; reason: 期限延長"
expect_exit 0 "${JA[@]}" "$ITAKU" history n-4
expect_output "akiruno-city/n-000005 により置き換え。訂正後の期限 $(day 24)[^。]*。理由: 期限延長"
ok "history shows an instruction's amendment (new due date, reason) and withdrawal (reason)"
finish
