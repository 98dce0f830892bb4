#!/usr/bin/env bash
# `make demo` must keep telling its story: run it and check the key lines.
. "$(dirname "$0")/lib.sh"
bash "$(dirname "$0")/demo.sh" >"$T/demo.out" 2>&1 || { cat "$T/demo.out" >&2; fail "demo failed"; }
[ "$(grep -cE '^verified [0-9]+ commits: every signature and rule holds$' "$T/demo.out")" = 3 ] ||
    fail "demo: city, contractor and subcontractor do not all verify"
grep -q '^Approved acme/q-000001 in commit' "$T/demo.out" || fail "demo: no subcontract approval"
grep -q '^Endorsed beta/q-000001' "$T/demo.out" || fail "demo: no endorsement"
grep -q '^  beta (subcontractor)$' "$T/demo.out" || fail "demo: status does not show the chain"
grep -q 'instruction_answered_on_time' "$T/demo.out" || fail "demo: the answer is not in the status"
grep -q '参考様式第6号 再委託承認申請書' "$T/demo.out" || fail "demo: form 6 not rendered"
grep -q 'Good "git" signature for akiruno-city/officer' "$T/demo.out" || fail "demo: stock git did not verify"
grep -qE '^[0-9a-f]{12} V4 parties/acme/forms/form1/f1-000001.json' "$T/demo.out" || fail "demo: forged edit not caught"
ok "make demo tells the whole story: city → contractor → subcontractor, verified"
finish
