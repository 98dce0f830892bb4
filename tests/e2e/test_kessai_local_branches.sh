#!/usr/bin/env bash
# 決裁 (DESIGN §7, V12): a decision branch made or moved with plain git in
# one's own clone, which the hub's hook and a fetch would refuse, is named by
# itaku requests and itaku verify with what to do, as a note: requests still
# lists every request (the row of such a branch shows no 決裁 state), and
# verify's exit status stays the history's (its commits are checked like any
# other; a decision branch is no accepted history until a decision merges
# it, which V12 checks). The branches: main parked on a request's name, a
# draft on another request's name, a key added on top of a draft, acme's
# commit parked on a name, and a name that is no request. The twin: an
# honest draft and an honest sealed-and-decided branch are named by neither.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
# honest: q-000002 drafted; q-000005 drafted, sealed by the 部長 and decided
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_exit 0 "$ITAKU" approve acme/q-000005
expect_exit 0 "$ITAKU" kessai acme/q-000005 --approve --key "$T/bucho.key"
expect_output "acme/q-000005 is approved"
expect_exit 0 "$ITAKU" requests
[ ! -s "$T/err" ] || fail "requests gives a note with honest branches only: $(cat "$T/err")"
expect_exit 0 "$ITAKU" verify
grep -q "decision" "$T/err" && fail "verify gives a note with honest branches only: $(cat "$T/err")"
ok "honest decision branches (a draft; one sealed and decided) are named by neither requests nor verify"

# made or moved with plain git
git update-ref refs/heads/decisions/acme/q-000001 main
git update-ref refs/heads/decisions/acme/q-000004 refs/heads/decisions/acme/q-000002
expect_exit 0 "$ITAKU" approve acme/q-000003
git checkout -q decisions/acme/q-000003
expect_exit 0 "$ITAKU" key generate "$T/tanto4.key" --comment tanto4
expect_exit 0 "$ITAKU" key add "$T/tanto4.key.pub" --principal tanto4 --post 担当
git checkout -q main
git update-ref refs/heads/decisions/acme/q-000009 "$(git -C "$T/acme" rev-parse main)"

expect_exit 0 "$ITAKU" requests
for q in 1 3 4; do
    grep -qE "^acme/q-00000$q .* pending " "$T/out" ||
        fail "requests does not list acme/q-00000$q as pending with no 決裁 state: $(cat "$T/out")"
done
grep -qE "^acme/q-000002 .* drafted " "$T/out" || fail "the honest draft of q-000002 is not shown: $(cat "$T/out")"
expect_output "note: decisions/acme/q-000001 is no decision in progress.*no decision branch of acme/q-000001"
expect_output "note: decisions/acme/q-000003 is no decision in progress.*is not a seal of it"
expect_output "note: decisions/acme/q-000004 is no decision in progress.*no decision branch of acme/q-000004"
expect_output "note: decisions/acme/q-000009 is no decision in progress.*signed by acme/"
expect_output "git branch -D decisions/acme/q-000001"
if grep -qE "decisions/acme/q-00000[25]" "$T/err"; then fail "an honest branch is named: $(cat "$T/err")"; fi
LANG=ja_JP.UTF-8 expect_exit 0 "$ITAKU" requests
expect_output "decisions/acme/q-000001 は決裁中の起案ではなく"
ok "itaku requests names each decision branch made or moved with plain git, says what to do, and lists every request"

expect_exit 0 "$ITAKU" verify
for q in 1 3 4 9; do
    grep -q "note: decisions/acme/q-00000$q is no decision in progress" "$T/err" ||
        fail "verify does not name decisions/acme/q-00000$q: $(cat "$T/err")"
done
expect_output "verified [0-9]+ commits"
expect_exit 0 "$ITAKU" verify --json
python3 - "$T/out" <<'PY' || fail "verify --json does not list the stray decision branches"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is True, r
got = sorted(b["branch"] for b in r["stray_decision_branches"])
assert got == ["decisions/acme/q-00000%d" % q for q in (1, 3, 4, 9)], got
PY
ok "itaku verify names them too, as notes: the history verifies, exit 0 (JSON: stray_decision_branches)"

# itaku kessai names such a branch and seals nothing on it; what the note
# says to do clears the notes
expect_refused "decisions/acme/q-000001 holds no draft of acme/q-000001" \
    "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho.key"
# a commit that is no seal riding on the draft: nothing is sealed on top of it
expect_refused "decisions/acme/q-000003: commit [0-9a-f]+ between the tip and the draft .* is not a seal of it" \
    "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho.key"
for q in 1 3 4 9; do git branch -q -D "decisions/acme/q-00000$q"; done
expect_exit 0 "$ITAKU" requests
[ ! -s "$T/err" ] || fail "requests still gives a note: $(cat "$T/err")"
expect_exit 0 "$ITAKU" verify
grep -q "decision" "$T/err" && fail "verify still gives a note: $(cat "$T/err")"
ok "deleting them as the note says leaves nothing to name"
finish
