#!/usr/bin/env bash
# `make demo` must keep telling its story: run it and check the key lines.
. "$(dirname "$0")/lib.sh"
bash "$(dirname "$0")/demo.sh" >"$T/demo.out" 2>&1 || { cat "$T/demo.out" >&2; fail "demo failed"; }
grep -q "verified 4 commits: every signature and rule holds" "$T/demo.out" || fail "demo: no clean verify"
grep -q 'Good "git" signature for acme/manager' "$T/demo.out" || fail "demo: stock git did not verify"
grep -qE '^[0-9a-f]{12} V4 parties/acme/forms/form1/f1-000001.json' "$T/demo.out" || fail "demo: forged edit not caught"
ok "make demo tells the whole story"
finish
