#!/usr/bin/env bash
# 決裁 (DESIGN V9 in V6, V12): a decision merged by a void commit (signed by
# a 課長's key after the last good commit its compromise report names)
# decides nothing. `itaku requests` shows the request open again with the
# void decision flagged, approve does not call it decided, and a new honest
# decision (drafted again, sealed by another 課長) is taken and verifies (V6
# does not count the void one). The twin: a decision by a key never
# reported stays decided and cannot be decided twice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
KACHO_FPR=$(ssh-keygen -lf "$T/kacho.key.pub" | awk '{print $2}')
# q-000001 decided by kacho (its seal completes the rule and merges), q-000002 by kacho2
expect_exit 0 "$ITAKU" approve acme/q-000001
BEFORE_SEAL=$(git rev-parse main)
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho.key"
expect_output "acme/q-000001 is approved"
VOID=$(git rev-parse main)
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --key "$T/kacho2.key"
expect_output "acme/q-000002 is approved"
# learnt later: kacho's key leaked before it sealed
expect_exit 0 "$ITAKU" key compromised "$KACHO_FPR" --last-good "$BEFORE_SEAL" --reason "鍵の紛失"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" log
grep -qE "^∅ ${VOID:0:12}|${VOID:0:7}.*∅|∅.*${VOID:0:7}" "$T/out" || fail "the log does not flag the decision commit void: $(cat "$T/out")"

expect_exit 0 "$ITAKU" requests
grep -E "^acme/q-000001 " "$T/out" | grep -qE " (sealing|drafted|pending) " || fail "q-000001 is not shown open again: $(cat "$T/out")"
expect_output "∅ void decision parties/akiruno-city/decisions/acme/[a-z0-9-]+\.json: signed after its key was reported compromised"
if grep -qE "^acme/q-000002 " "$T/out"; then fail "q-000002 (decided by a key never reported) is shown open"; fi
expect_exit 0 "$ITAKU" requests --json
python3 - "$T/out" <<'PY' || fail "requests --json does not show q-000001 open with its void decision"
import json, sys
rows = {r["request"]: r for r in json.load(open(sys.argv[1]))}
r = rows["acme/q-000001"]
assert r["state"] == "pending", r
assert r["void_decision"].startswith("parties/akiruno-city/decisions/acme/"), r
PY
LANG=ja_JP.UTF-8 expect_exit 0 "$ITAKU" requests
expect_output "∅ 無効な決定"
ok "a decision merged by a void commit does not count: requests shows the request open again, the void decision flagged"

# approve no longer calls it decided: the draft on the old branch lost its
# seal (the key is compromised), so it is drafted again and sealed anew
expect_exit 2 "$ITAKU" approve acme/q-000001
expect_output "seal s-000001 on acme/q-000001 by akiruno-city/kacho no longer counts: its key .* is compromised"
expect_output "itaku approve acme/q-000001 --redraft"
if grep -q "already" "$T/out" "$T/err"; then fail "approve still calls q-000001 decided: $(cat "$T/err")"; fi
expect_exit 0 "$ITAKU" approve acme/q-000001 --redraft
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho2.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify --full
expect_exit 0 "$ITAKU" requests --all --json
python3 - "$T/out" <<'PY' || fail "q-000001 is not decided by the honest decision"
import json, sys
rows = {r["request"]: r for r in json.load(open(sys.argv[1]))}
assert rows["acme/q-000001"]["state"] == "approved", rows["acme/q-000001"]
PY
ok "a new honest decision is drafted, sealed and taken after the void one, and verifies (V6 does not count the void decision)"

# the twin: a standing decision is decided once
expect_exit 2 "$ITAKU" approve acme/q-000002
expect_output "acme/q-000002 is approved already"
ok "a decision by a key never reported stays decided"
finish
