#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V12), the state a decision is taken on: the draft's
# branch forked from main at the draft, so what main learnt since (a post
# changed, a key retired or compromised, a contract amendment) never reaches
# it. verify reads each seal's key and post also from the decision's first
# parent (main as the decision is taken), and the rule from main's history
# (the draft's first parent); itaku refuses to seal or decide what verify
# would refuse. Each hostile commit is built with stock git where itaku would
# not make it; each has its legitimate twin.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
for who in kacho3 kacho4 kacho5; do
    "$ITAKU" key generate "$T/$who.key" --comment "$who" >/dev/null
    expect_exit 0 "$ITAKU" key add "$T/$who.key.pub" --principal "$who" --post 課長
done
for q in 1 2 3; do
    expect_exit 0 "$ITAKU" approve "acme/q-00000$q"
    expect_output "Drafted"
done
expect_exit 0 "$ITAKU" verify
ok "drafts (起案) of acme/q-000001..3 on decisions/acme/*, and verify passes"

branch() { git rev-parse "refs/heads/decisions/acme/$1"; }
fpr_of() { ssh-keygen -lf "$1.pub" | awk '{print $2}'; }
# seal_forged KEY PRINCIPAL POST REQ BRANCH-TIP DRAFT: a seal commit on the
# branch tip as itaku writes it, built with stock git; prints its id.
seal_forged() {
    local id
    id=$(next_id s)
    canonical_record "$T/seal.json" seal "$id" \
        "{\"draft\": \"$6\", \"request\": \"acme/$4\", \"request_sha256\": \"$(sha_of "$4")\", \"verdict\": \"approved\", \"principal\": \"$2\", \"post\": \"$3\"}"
    forge "$1" "$2" seal "$5" "Itaku-Request: acme/$4
" "parties/akiruno-city/seals/acme/$id.json=$T/seal.json"
}
# decision_forged REQ TIP DRAFT SEAL-IDS-JSON [MAIN]: the final decision
# merge of MAIN (default main) and TIP by the city's 担当, built with stock
# git; prints its id.
decision_forged() {
    local did on=${5:-main}
    did=$(next_id d)
    canonical_record "$T/dec.json" decision "$did" \
        "{\"request\": \"acme/$1\", \"request_sha256\": \"$(sha_of "$1")\", \"outcome\": \"approved\", \"draft\": \"$3\", \"seals\": $4}" decision.v2
    forge "$T/city.key" officer approve "$on $2" "Itaku-Request: acme/$1
Itaku-Received: akiruno-city $2
" "parties/akiruno-city/decisions/acme/$did.json=$T/dec.json"
}
seal_id_of() { git diff-tree --no-commit-id --name-only -r "$1" | grep /seals/ | sed -E 's|.*/(s-[0-9]+)\.json|\1|'; }

# --- 1. a demoted officer's seal: kacho is 担当 on main after the draft
DR1=$(branch q-000001)
D1=$DR1
expect_exit 0 "$ITAKU" key attributes --principal kacho --post 担当
expect_refused "post on main is 担当 now" "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho.key"
HS=$(seal_forged "$T/kacho.key" kacho 課長 q-000001 "$DR1" "$D1")
HD=$(decision_forged q-000001 "$HS" "$D1" "[\"$(seal_id_of "$HS")\"]")
git update-ref refs/heads/hostile "$HD"
expect_rejected "$HD" V12
only_v12 "$HD"
expect_output "kacho's post on main (.*), the state the decision is taken on, is 担当"
drop() { git update-ref -d "refs/heads/$1"; }
drop hostile
# the seal on the branch (itaku would have refused to write it): approve
# refuses to decide on it
git update-ref refs/heads/decisions/acme/q-000001 "$HS" "$DR1"
expect_refused "no longer counts: kacho's post on main is 担当 now" "$ITAKU" approve acme/q-000001
git update-ref refs/heads/decisions/acme/q-000001 "$DR1" "$HS"
# twin: another 課長's seal decides
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho2.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify
ok "a seal by an officer demoted on main after the draft does not count (V12, the decision named); another 課長's seal decides"

# --- 2. a retired key's seal: kacho3's key retired on main after the draft
DR2=$(branch q-000002)
expect_exit 0 "$ITAKU" key retire "$(fpr_of "$T/kacho3.key")"
expect_refused "is retired on main" "$ITAKU" kessai acme/q-000002 --approve --key "$T/kacho3.key"
HS=$(seal_forged "$T/kacho3.key" kacho3 課長 q-000002 "$DR2" "$DR2")
HD=$(decision_forged q-000002 "$HS" "$DR2" "[\"$(seal_id_of "$HS")\"]")
git update-ref refs/heads/hostile "$HD"
expect_rejected "$HD" V12
only_v12 "$HD"
expect_output "is retired on main"
drop hostile
git update-ref refs/heads/decisions/acme/q-000002 "$HS" "$DR2"
expect_refused "no longer counts: its key .* is retired on main now" "$ITAKU" approve acme/q-000002
git update-ref refs/heads/decisions/acme/q-000002 "$DR2" "$HS"
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --key "$T/kacho4.key"
expect_output "acme/q-000002 is approved"
expect_exit 0 "$ITAKU" verify
ok "a seal by a key retired on main after the draft does not count (V12); a 課長 with an active key decides"

# --- 3. a compromised key's seal (take-out: 2 of 課長): kacho5 seals, then
# its key is marked compromised on main
DR3=$(branch q-000003)
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho5.key"
expect_output "Sealed"
S5=$(branch q-000003)
expect_exit 0 "$ITAKU" key compromised "$(fpr_of "$T/kacho5.key")" --last-good "$(git rev-parse main)" --reason "端末の紛失"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho2.key"
expect_output "Sealed"
if grep -q "is approved" "$T/out"; then fail "a compromised key's seal counted"; fi
S2=$(branch q-000003)
expect_refused "no longer counts: its key .* is compromised on main now" "$ITAKU" approve acme/q-000003
HD=$(decision_forged q-000003 "$S2" "$DR3" "[\"$(seal_id_of "$S5")\", \"$(seal_id_of "$S2")\"]")
git update-ref refs/heads/hostile "$HD"
expect_exit 1 "$ITAKU" verify
grep -qE "^${HD:0:12} V12 .* by kacho5 does not count: the commit is void \(V9" "$T/out" || fail "the decision on a compromised key's seal is not refused: $(cat "$T/out")"
drop hostile
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho4.key"
expect_output "acme/q-000003 is approved"
expect_exit 0 "$ITAKU" verify
ok "a seal by a key compromised on main does not count (V12); two 課長 with active keys decide"

# --- 4. a rule from a hidden amendment: an amendment needing only 1 課長
# for a third-party provision, on a side line that main never takes; the
# draft is made there
rules_one_kacho "$T/fewer.json"
git switch -q -c side
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/fewer.json" --reason "専決規程の改正"
AM=$(git rev-parse HEAD)
expect_exit 0 "$ITAKU" approve acme/q-000004
expect_output "Drafted"
git switch -q main
git branch -q -D side
DR4=$(branch q-000004)
expect_refused "does not contain; check out main" "$ITAKU" kessai acme/q-000004 --approve --key "$T/kacho2.key"
HS=$(seal_forged "$T/kacho2.key" kacho2 課長 q-000004 "$DR4" "$DR4")
HD=$(decision_forged q-000004 "$HS" "$DR4" "[\"$(seal_id_of "$HS")\"]")
git update-ref refs/heads/hostile "$HD"
expect_rejected "$HD" V12
only_v12 "$HD"
expect_output "does not descend from ${AM:0:12}, the main its draft"
drop hostile
# the same amendment carried by the draft commit itself, on main
git update-ref -d refs/heads/decisions/acme/q-000004
AMPATH=$(git diff-tree --no-commit-id --name-only -r "$AM" | grep contract-amendments/)
git show "$AM:$AMPATH" >"$T/am.json"
git show "$DR4:$(git diff-tree --no-commit-id --name-only -r "$DR4" | grep /drafts/)" >"$T/draft4.json"
REQTIP=$(git rev-parse refs/heads/requests/acme/q-000004 2>/dev/null || git rev-parse main)
python3 - "$T/draft4.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(r, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
PY
DPATH=$(git diff-tree --no-commit-id --name-only -r "$DR4" | grep /drafts/)
HX=$(forge "$T/city.key" officer draft main "Itaku-Request: acme/q-000004
" "$DPATH=$T/draft4.json" "$AMPATH=$T/am.json")
git update-ref refs/heads/hostile "$HX"
expect_rejected "$HX" V12 "$AMPATH"
expect_output "rides on the draft of acme/q-000004"
drop hostile
# twin: an amendment on main, then the draft: its rule decides
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/fewer.json" --reason "専決規程の改正"
expect_exit 0 "$ITAKU" approve acme/q-000004
expect_output "Drafted"
expect_exit 0 "$ITAKU" kessai acme/q-000004 --approve --key "$T/kacho2.key"
expect_output "acme/q-000004 is approved"
expect_exit 0 "$ITAKU" verify
ok "a rule amended on a line main never took, or carried by the draft itself, is not the rule (V12); an amendment on main before the draft is"

# acme files five more requests: q-000006 take-out (2 of 課長), q-000007,
# q-000008, q-000009 and q-000010 copy
(
    cd "$T/acme" && "$ITAKU" request submit take-out --summary "持出しの申請" --details "作業のため" &&
        for i in 1 2 3 4; do
            "$ITAKU" request submit copy --summary "複製の申請（$i）" --details "作業のため"
        done
) >/dev/null 2>&1
expect_exit 0 "$ITAKU" receive acme "$T/acme"
for q in 6 7 8; do
    expect_exit 0 "$ITAKU" approve "acme/q-00000$q"
    expect_output "Drafted"
done
DR6=$(branch q-000006)
DR7=$(branch q-000007)
MAIN7=$(git rev-parse main)

# --- 5. a key added on main after the draft: the branch does not know it
"$ITAKU" key generate "$T/kacho6.key" --comment kacho6 >/dev/null
expect_exit 0 "$ITAKU" key add "$T/kacho6.key.pub" --principal kacho6 --post 課長
expect_refused "was added after the draft of acme/q-000007" "$ITAKU" kessai acme/q-000007 --approve --key "$T/kacho6.key"
HS=$(seal_forged "$T/kacho6.key" kacho6 課長 q-000007 "$DR7" "$DR7")
git update-ref refs/heads/hostile "$HS"
expect_rejected "$HS" V1
drop hostile
ok "a seal by a key added on main after the draft is refused (itaku: nothing written; verify: V1, the key is not active in the seal's parent)"

# --- 6. a post changed between two seals (take-out: 2 of 課長): kacho2
# seals, is made 担当 on main, kacho4 seals
expect_exit 0 "$ITAKU" kessai acme/q-000006 --approve --key "$T/kacho2.key"
expect_output "Sealed"
S1=$(branch q-000006)
expect_exit 0 "$ITAKU" key attributes --principal kacho2 --post 担当
expect_exit 0 "$ITAKU" kessai acme/q-000006 --approve --key "$T/kacho4.key"
expect_output "Sealed"
if grep -q "is approved" "$T/out"; then fail "the seal of an officer demoted since counted"; fi
S2=$(branch q-000006)
expect_refused "seal $(seal_id_of "$S1") on acme/q-000006 by akiruno-city/kacho2 as 課長 no longer counts: kacho2's post on main is 担当 now" \
    "$ITAKU" approve acme/q-000006
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" requests
expect_output "課長決裁待ち"
HD=$(decision_forged q-000006 "$S2" "$DR6" "[\"$(seal_id_of "$S1")\", \"$(seal_id_of "$S2")\"]")
git update-ref refs/heads/hostile "$HD"
expect_rejected "$HD" V12
only_v12 "$HD"
expect_output "by kacho2 as 課長 does not count: kacho2's post on main"
drop hostile
# twin: kacho2 is 課長 again on main; both seals count
expect_exit 0 "$ITAKU" key attributes --principal kacho2 --post 課長
expect_exit 0 "$ITAKU" approve acme/q-000006
expect_output "Approved acme/q-00000[67]"
expect_exit 0 "$ITAKU" verify
ok "a seal whose sealer's post changed on main between two seals does not count (V12); once the post holds on main again, it does"

# --- 7. a decision merge whose first parent is older than the main the
# draft was made on
HS=$(seal_forged "$T/kacho4.key" kacho4 課長 q-000007 "$DR7" "$DR7")
HD=$(decision_forged q-000007 "$HS" "$DR7" "[\"$(seal_id_of "$HS")\"]" "$MAIN7~1")
git update-ref refs/heads/hostile "$HD"
expect_rejected "$HD" V12
only_v12 "$HD"
expect_output "does not descend from ${MAIN7:0:12}, the main its draft"
drop hostile
# twin: the same seal, merged with today's main by itaku
git update-ref refs/heads/decisions/acme/q-000007 "$HS" "$DR7"
expect_exit 0 "$ITAKU" approve acme/q-000007
expect_output "Approved acme/q-00000[67]"
expect_exit 0 "$ITAKU" verify
ok "a decision taken on a main older than its draft's is refused (V12); the same seals merged with today's main decide"

# --- 8. a compromise learnt after the decision: main stays verifiable (V9
# flags the seal void), what verify finds does not depend on its cache, and
# the decision is void, whoever merged it: the one seal it lists, made after
# the key's last good commit, dropped, it falls short of the rule (1 of 部長)
expect_exit 0 "$ITAKU" approve acme/q-000005
expect_output "Drafted"
DR5=$(branch q-000005)
# bucho's seal as itaku writes it, the decision merged by the 担当's key
SEAL5=$(seal_forged "$T/bucho.key" bucho 部長 q-000005 "$DR5" "$DR5")
git update-ref refs/heads/decisions/acme/q-000005 "$SEAL5" "$DR5"
expect_exit 0 "$ITAKU" approve acme/q-000005
expect_output "Approved acme/q-000005"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" key compromised "$(fpr_of "$T/bucho.key")" --last-good "$SEAL5~1" --reason "端末の盗難"
expect_exit 0 "$ITAKU" verify
expect_output "^${SEAL5:0:12} void"
cp "$T/out" "$T/cached.out"
expect_exit 0 "$ITAKU" verify --full
[ "$(grep -c void "$T/out")" = "$(grep -c void "$T/cached.out")" ] || fail "verify --full and the cached run differ"
expect_exit 0 "$ITAKU" requests --all --json
python3 - "$T/out" "$(seal_id_of "$SEAL5")" <<'PY' || fail "requests does not show q-000005 waiting for a decision again"
import json, sys
r = {x["request"]: x for x in json.load(open(sys.argv[1]))}["acme/q-000005"]
assert r["state"] == "pending" and r.get("void_decision"), r
assert r.get("void_seals") == [sys.argv[2]] and r.get("void_missing") == "部長", r
PY
# the compromised key seals nothing more
expect_refused "is compromised on main" "$ITAKU" kessai acme/q-000008 --approve --key "$T/bucho.key"
ok "a compromise learnt after a decision leaves main verifiable, its seal flagged void (V9); cached and full runs agree; the decision the 担当's key merged on that seal alone is void (V12), the request waits for a decision again; the key seals nothing more"

# --- 9. a draft made on a main older than a stricter amendment: a copy
# needs 2 of 課長 since, the draft (on the old main) says 1
OLD=$(git rev-parse main)
python3 - "$T/fewer.json" "$T/stricter.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for rule in r["decision_rules"]:
    if rule["request_kinds"] == ["copy"]:
        rule["approvers"] = [{"post": "課長", "count": 2}]
json.dump(r, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/stricter.json" --reason "専決規程の改正"
git switch -q -c old "$OLD"
expect_exit 0 "$ITAKU" approve acme/q-000009
expect_output "Drafted"
git switch -q main
git branch -q -D old
DR9=$(branch q-000009)
expect_exit 0 "$ITAKU" kessai acme/q-000009 --approve --key "$T/kacho4.key"
expect_output "Sealed"
if grep -q "is approved" "$T/out"; then fail "a draft on an older main escaped the rule in force"; fi
S9=$(branch q-000009)
expect_refused "the rule in force on main now needs the seals of 課長" "$ITAKU" approve acme/q-000009
HD=$(decision_forged q-000009 "$S9" "$DR9" "[\"$(seal_id_of "$S9")\"]")
git update-ref refs/heads/hostile "$HD"
expect_rejected "$HD" V12
only_v12 "$HD"
expect_output "but not the decision rule in force on main as the decision is taken"
drop hostile
# twin: a second 課長 seals; the seals meet both rules
expect_exit 0 "$ITAKU" kessai acme/q-000009 --approve --key "$T/kacho2.key"
expect_output "acme/q-000009 is approved"
expect_exit 0 "$ITAKU" verify
ok "a draft made on a main older than a stricter amendment meets the rule in force at the decision too (V12); two 課長 decide"

# --- 10. a decision by one key on a main that had no rule for copies,
# brought into today's main (which has one) by a merge of the city's own line
python3 - "$T/stricter.json" "$T/norule.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["decision_rules"] = [x for x in r["decision_rules"] if x["request_kinds"] != ["copy"]]
json.dump(r, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/norule.json" --reason "専決規程の改正"
OLD=$(git rev-parse main)
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/stricter.json" --reason "専決規程の改正"
git switch -q -c old "$OLD"
expect_exit 0 "$ITAKU" approve acme/q-000010
expect_output "Approved acme/q-000010"
D10=$(git rev-parse HEAD)
git switch -q main
git branch -q -D old
HM=$(forge "$T/city.key" officer receive "main $D10" "Itaku-Received: akiruno-city $D10
")
DPATH=$(git diff-tree --no-commit-id --name-only -r "$D10" | grep /decisions/)
git update-ref refs/heads/hostile "$HM"
expect_rejected "$HM" V12 "$DPATH"
only_v12 "$HM"
expect_output "brings the decision $DPATH in through its second parent"
drop hostile
# twin: decided on today's main, under its rule
expect_exit 0 "$ITAKU" approve acme/q-000010
expect_output "Drafted"
expect_exit 0 "$ITAKU" kessai acme/q-000010 --approve --key "$T/kacho2.key"
expect_exit 0 "$ITAKU" kessai acme/q-000010 --approve --key "$T/kacho4.key"
expect_output "acme/q-000010 is approved"
expect_exit 0 "$ITAKU" verify
ok "a decision taken on an older main and merged in through a second parent is refused (V12); decided on today's main, under its rule, it passes"
finish
