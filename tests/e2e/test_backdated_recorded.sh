#!/usr/bin/env bash
# An amendment made with --backdated says so (issue 16 review): an
# instruction amended to a due date already past and a contract amendment
# naming a start already past hold "backdated": true in the record, and
# `itaku history` says it, in English and Japanese; an amendment whose
# dates are all still ahead does not say it, --backdated or not.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
body() { git show "HEAD:parties/akiruno-city/$1.json" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["body"], ensure_ascii=False))'; }
EN="backdated: a date it sets was already past when it was recorded"
JA_WORDS="遡及: 定める日付は記録した時点で既に過ぎていました"

expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 30)" --text "四半期報告"
expect_exit 0 "$ITAKU" instruct amend n-1 --due "$(day -3)" --backdated --reason "期限の訂正"
body instructions/n-000002 | has '"backdated": true' || fail "the amended instruction does not say backdated"
expect_exit 0 "$ITAKU" history n-2
expect_output "$EN"
expect_exit 0 "${JA[@]}" "$ITAKU" history n-2
expect_output "$JA_WORDS"
expect_exit 0 "$ITAKU" history n-1
expect_output "superseded by akiruno-city/n-000002; $EN"
ok "instruct amend to a past due date with --backdated: the record and history say it"

expect_exit 0 "$ITAKU" contract amend --start "$(day -5)" --backdated --reason "開始日の訂正"
body contract-amendments/c-000001 | has '"backdated": true' || fail "the amendment does not say backdated"
expect_exit 0 "$ITAKU" history c-1
expect_output "開始日の訂正; $EN"
expect_exit 0 "${JA[@]}" "$ITAKU" history c-1
expect_output "開始日の訂正。$JA_WORDS"
grep -q "contract-amendment" "$T/out" && fail "history shows the record type's code: $(cat "$T/out")"
ok "contract amend --start in the past with --backdated: the record and history say it (its reason shown)"

expect_exit 0 "$ITAKU" contract amend --end "$(day 400)" --backdated --reason "延長"
body contract-amendments/c-000002 | has '"backdated"' && fail "an amendment with no past date says backdated"
expect_exit 0 "$ITAKU" history c-2
grep -q "backdated" "$T/out" && fail "history says backdated: $(cat "$T/out")"
ok "an amendment whose dates are ahead does not say backdated"
finish
