#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V12): what verify must refuse, each hostile commit
# built with stock git where itaku would not make it, each with the
# legitimate twin that passes: a 担当 merging a decision alone where the rule
# needs a 課長; a seal whose post was changed to fit after it; a seal copied
# from another request; two seals by one person counting twice; a rule
# amended after the draft to need fewer seals; a 代決 without a reason.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
for q in 1 2 3 4 5; do
    expect_exit 0 "$ITAKU" approve "acme/q-00000$q"
    expect_output "Drafted"
done
expect_exit 0 "$ITAKU" verify
ok "five drafts (起案) by the 担当 on decisions/acme/*, and verify passes"

branch() { git rev-parse "refs/heads/decisions/acme/$1"; }
drop() { git update-ref -d "refs/heads/$1"; }
DR1=$(branch q-000001)
D1=$(git log -1 --format=%H "$DR1")

# --- 1. a 担当 merging a decision alone where the rule needs a 課長
id=$(next_id d)
canonical_record "$T/d.json" decision "$id" \
    "{\"request\": \"acme/q-000001\", \"request_sha256\": \"$(sha_of q-000001)\", \"outcome\": \"approved\", \"draft\": \"$D1\", \"seals\": []}" decision.v2
H=$(forge "$T/city.key" officer approve "main $DR1" \
    "Itaku-Request: acme/q-000001
Itaku-Received: akiruno-city $DR1
" "parties/akiruno-city/decisions/acme/$id.json=$T/d.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12
only_v12 "$H"
expect_output "do not meet the decision rule"
# the same, without a draft at all: one key deciding
canonical_record "$T/d0.json" decision "$id" \
    "{\"request\": \"acme/q-000001\", \"request_sha256\": \"$(sha_of q-000001)\", \"outcome\": \"approved\"}" decision.v2
H0=$(forge "$T/city.key" officer approve main "Itaku-Request: acme/q-000001
" "parties/akiruno-city/decisions/acme/$id.json=$T/d0.json")
git update-ref refs/heads/hostile "$H0"
expect_rejected "$H0" V12
only_v12 "$H0"
expect_output "needs a draft and the seals"
drop hostile
# itaku itself refuses: the drafter cannot seal, the draft waits for a 課長
expect_refused "drafter does not seal" "$ITAKU" kessai acme/q-000001 --approve
expect_refused "waits for the seals of 課長" "$ITAKU" approve acme/q-000001
ok "a decision by the 担当 alone (with its draft and no seal, or with no draft) is refused (V12); itaku refuses to make it"

# --- 2. a 課長 seal by a key whose post was changed to 課長 after the seal
id=$(next_id s)
canonical_record "$T/s.json" seal "$id" \
    "{\"draft\": \"$D1\", \"request\": \"acme/q-000001\", \"request_sha256\": \"$(sha_of q-000001)\", \"verdict\": \"approved\", \"principal\": \"tanto2\", \"post\": \"課長\"}"
HS=$(forge "$T/tanto2.key" tanto2 seal "$DR1" "Itaku-Request: acme/q-000001
" "parties/akiruno-city/seals/acme/$id.json=$T/s.json")
git update-ref refs/heads/hostile "$HS"
expect_exit 0 "$ITAKU" key attributes --principal tanto2 --post 課長
expect_rejected "$HS" V12
only_v12 "$HS"
expect_output "post before this seal is 担当"
drop hostile
# itaku reads tanto2's post on the branch (before the change) and on main
# (after it): the two differ, refused too
expect_refused "post on main is 課長 now, but 担当 when the draft" "$ITAKU" kessai acme/q-000001 --approve --key "$T/tanto2.key"
# twin: the 課長's own seal decides
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify
ok "a seal whose post was changed to 課長 after it is refused (V12); the 課長's seal decides and verifies"

# --- 3. a seal copied from another request
S1=$(git log -1 --format=%H "refs/heads/decisions/acme/q-000001")
S1PATH=$(git diff-tree --no-commit-id --name-only -r "$S1" | grep /seals/)
git show "$S1:$S1PATH" >"$T/s1.json"
DR2=$(branch q-000002)
HC=$(forge "$T/kacho.key" kacho seal "$DR2" "Itaku-Request: acme/q-000002
" "$S1PATH=$T/s1.json")
git update-ref refs/heads/hostile "$HC"
expect_rejected "$HC" V12
only_v12 "$HC"
expect_output "not among its ancestors"
drop hostile
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --key "$T/kacho.key"
expect_exit 0 "$ITAKU" verify
ok "a seal copied from another request's branch is refused (V12); a seal of its own decides"

# --- 4. two seals by the same person counting twice (take-out: 2 of 課長)
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho.key"
expect_output "Sealed"
if grep -q "is approved" "$T/out"; then fail "one seal of two decided"; fi
expect_refused "has sealed acme/q-000003 already" "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho.key"
DR3=$(branch q-000003)
D3=$(git log --format=%H "$DR3" | sed -n 2p)
id=$(next_id s)
canonical_record "$T/s2.json" seal "$id" \
    "{\"draft\": \"$D3\", \"request\": \"acme/q-000003\", \"request_sha256\": \"$(sha_of q-000003)\", \"verdict\": \"approved\", \"principal\": \"kacho\", \"post\": \"課長\"}"
HT=$(forge "$T/kacho.key" kacho seal "$DR3" "Itaku-Request: acme/q-000003
" "parties/akiruno-city/seals/acme/$id.json=$T/s2.json")
did=$(next_id d)
canonical_record "$T/d3.json" decision "$did" \
    "{\"request\": \"acme/q-000003\", \"request_sha256\": \"$(sha_of q-000003)\", \"outcome\": \"approved\", \"draft\": \"$D3\"}" decision.v2
HD=$(forge "$T/city.key" officer approve "main $HT" "Itaku-Request: acme/q-000003
Itaku-Received: akiruno-city $HT
" "parties/akiruno-city/decisions/acme/$did.json=$T/d3.json")
git update-ref refs/heads/hostile "$HD"
expect_rejected "$HT" V12
only_v12 "$HT"
expect_output "has sealed draft"
expect_rejected "$HD" V12
only_v12 "$HD"
expect_output "one person counts once"
drop hostile
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho2.key"
expect_output "acme/q-000003 is approved"
expect_exit 0 "$ITAKU" verify
ok "a second seal by the same 課長 is refused and does not count twice (V12); a second 課長 decides"

# --- 5. a rule amended after the draft to need fewer seals
rules_one_kacho "$T/fewer.json"
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/fewer.json" --reason "専決規程の改正"
expect_exit 0 "$ITAKU" kessai acme/q-000004 --approve --key "$T/kacho.key"
if grep -q "is approved" "$T/out"; then fail "the amended rule decided a draft made before it"; fi
expect_refused "waits for the seals of 部長" "$ITAKU" approve acme/q-000004
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" requests
expect_output "部長決裁待ち"
DR4=$(branch q-000004)
D4=$(git log --format=%H "$DR4" | sed -n 2p)
did=$(next_id d)
S4=$(git diff-tree --no-commit-id --name-only -r "$DR4" | grep /seals/ | sed -E 's|.*/(s-[0-9]+)\.json|\1|')
canonical_record "$T/d4.json" decision "$did" \
    "{\"request\": \"acme/q-000004\", \"request_sha256\": \"$(sha_of q-000004)\", \"outcome\": \"approved\", \"draft\": \"$D4\", \"seals\": [\"$S4\"]}" decision.v2
HF=$(forge "$T/city.key" officer approve "main $DR4" "Itaku-Request: acme/q-000004
Itaku-Received: akiruno-city $DR4
" "parties/akiruno-city/decisions/acme/$did.json=$T/d4.json")
git update-ref refs/heads/hostile "$HF"
expect_rejected "$HF" V12
only_v12 "$HF"
expect_output "rule in force at the draft"
drop hostile
# twin: the 部長 seals too, and the same forged merge, now truthful, passes
expect_exit 0 "$ITAKU" kessai acme/q-000004 --approve --key "$T/bucho.key"
expect_output "acme/q-000004 is approved"
expect_exit 0 "$ITAKU" verify
ok "a decision with the seals of a rule amended after its draft is refused (V12); the draft's own rule decides"

# --- 6. a 代決 without a recorded reason
DR5=$(branch q-000005)
D5=$(git log -1 --format=%H "$DR5")
id=$(next_id s)
canonical_record "$T/s5.json" seal "$id" \
    "{\"draft\": \"$D5\", \"request\": \"acme/q-000005\", \"request_sha256\": \"$(sha_of q-000005)\", \"verdict\": \"approved\", \"principal\": \"jicho\", \"post\": \"次長\", \"acting_for\": \"部長\"}"
HJ=$(forge "$T/jicho.key" jicho seal "$DR5" "Itaku-Request: acme/q-000005
" "parties/akiruno-city/seals/acme/$id.json=$T/s5.json")
git update-ref refs/heads/hostile "$HJ"
expect_rejected "$HJ" V12
only_v12 "$HJ"
expect_output "without a recorded reason"
drop hostile
expect_refused "needs --reason" "$ITAKU" kessai acme/q-000005 --approve --acting-for 部長 --key "$T/jicho.key"
expect_refused "no seal by a 次長" "$ITAKU" kessai acme/q-000005 --approve --key "$T/jicho.key"
expect_exit 0 "$ITAKU" kessai acme/q-000005 --approve --acting-for 部長 --reason "部長出張のため" \
    --key "$T/jicho.key"
expect_output "acme/q-000005 is approved"
expect_exit 0 "$ITAKU" verify
ok "a 代決 without a reason is refused (V12); a 代決 with its reason decides"

# the decisions flow down: acme pulls and verifies the whole history
(cd "$T/acme" && expect_exit 0 "$ITAKU" pull && expect_exit 0 "$ITAKU" verify)
ok "acme pulls the decisions made by 決裁 and verifies them"
finish
