#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V12), the city's state V12 reads: who drafts, seals
# and sets posts is read from the city's settings (itaku.json, the city's
# keys, key events and contract amendments) in the tree a commit is made on.
# (a) itaku.json's identity fields (city, contract_id) and a registered
# party's role and parent never change (V4), and no commit of the city builds
# on a tree naming another city (V12): a city key renaming the city, naming
# itself 課長 and renaming it back is refused. (b) A merge never goes back on
# the city's settings (V12): what the city adds in a merge is checked against
# its first parent, so a merge whose second parent brings newer settings
# adds nothing, and no merge joins two lines that each changed them. Each
# hostile commit is built with stock git and refused by verify, verify
# --full and the hosted registry's hook; each has its legitimate twin.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

# copies are not covered at first: a rule for them comes by amendment
kessai_rules() {
    cat >"$T/rules.json" <<'JSON'
{"post_setters": [], "decision_rules": [
  {"request_kinds": ["take-out"], "drafters": ["担当"], "approvers": [{"post": "課長", "count": 2}]},
  {"request_kinds": ["third-party-provision"], "drafters": ["担当"],
   "approvers": [{"post": "部長", "count": 1}, {"post": "課長", "count": 1}]},
  {"request_kinds": ["other-purpose-use"], "drafters": ["担当"],
   "approvers": [{"post": "部長", "count": 1}], "deputies": [{"for": "部長", "post": "次長"}]}
]}
JSON
}
setup_kessai
cd "$T/city"
kessai_hub
expect_exit 0 push_as akiruno-city main:main

# refused_everywhere COMMIT RULE PATH PATTERN: with COMMIT on a branch,
# verify (incremental) and verify --full name COMMIT, RULE and PATH with a
# message matching PATTERN, and the hub's hook refuses COMMIT as the city's
# main, its refs unchanged. The branch is dropped again.
refused_everywhere() {
    local before
    git update-ref refs/heads/hostile "$1"
    expect_rejected "$1" "$2" "$3"
    expect_output "$4"
    expect_rejected "$1" "$2" "$3" --full
    expect_output "$4"
    before=$(hub_refs)
    expect_exit 1 push_as akiruno-city "$1:refs/heads/main"
    expect_output "breaks (V4|V12)"
    [ "$(hub_refs)" = "$before" ] || fail "a refused push changed the hub"
    git update-ref -d refs/heads/hostile
}
# accepted_everywhere COMMIT: verify and verify --full accept COMMIT (on a
# branch, dropped again).
accepted_everywhere() {
    git update-ref refs/heads/twin "$1"
    expect_exit 0 "$ITAKU" verify
    expect_exit 0 "$ITAKU" verify --full
    git update-ref -d refs/heads/twin
}
# contract_with FILE PYTHON: main's itaku.json changed by PYTHON (on c),
# canonical, into FILE.
contract_with() {
    git show main:itaku.json | python3 -c "
import json, sys
c = json.load(sys.stdin)
$2
sys.stdout.write(json.dumps(c, sort_keys=True, indent=2, ensure_ascii=False) + '\n')" >"$1"
}
hub_main() { git -C "$HUB" rev-parse refs/heads/main; }
# forge_without KEY PRINCIPAL ACTION PARENT PATH: a commit of the city on
# PARENT that removes PATH, built with stock git (commit-tree -S); prints
# its id.
forge_without() {
    local idx="$T/forge.idx" tree
    rm -f "$idx"
    GIT_INDEX_FILE=$idx git read-tree "$4"
    GIT_INDEX_FILE=$idx git rm -q --cached "$5"
    tree=$(GIT_INDEX_FILE=$idx git write-tree)
    git -c gpg.format=ssh -c user.signingkey="$1" commit-tree -S -p "$4" -m "$3 (forged)

Itaku-Party: akiruno-city
Itaku-Principal: $2
Itaku-Action: $3
Itaku-Content-SHA256: $(printf '' | sha256sum | cut -d' ' -f1)" "$tree"
}

# --- 1. the city renamed, a post given under the other name, renamed back
M0=$(git rev-parse main)
expect_exit 0 "$ITAKU" key attributes --principal tanto2 --post 課長
EV=$(git diff-tree -r --no-commit-id --name-only HEAD | grep key-events/)
git show "HEAD:$EV" >"$T/ev.json"
git reset -q --hard "$M0"
contract_with "$T/renamed.json" 'c["city"] = "akiruno-clty"'
git show main:itaku.json >"$T/itaku0.json"
C1=$(forge "$T/tanto2.key" tanto2 contract-update "$M0" "" "itaku.json=$T/renamed.json")
C2=$(forge "$T/tanto2.key" tanto2 key-attributes "$C1" "" "$EV=$T/ev.json")
C3=$(forge "$T/tanto2.key" tanto2 contract-update "$C2" "" "itaku.json=$T/itaku0.json")
refused_everywhere "$C3" V12 itaku.json 'builds on [0-9a-f]{12}, whose itaku.json names the city "akiruno-clty", not akiruno-city'
git update-ref refs/heads/hostile "$C3"
expect_exit 1 "$ITAKU" verify
grep -qE "^${C1:0:12} V4 itaku.json .*gives its field \"city\" the value \"akiruno-clty\", but it is \"akiruno-city\" since the genesis" "$T/out" ||
    fail "the rename ${C1:0:12} is not refused: $(cat "$T/out")"
grep -qE "^${C2:0:12} V12 .*names the city \"akiruno-clty\", not akiruno-city" "$T/out" ||
    fail "the post given under the other name (${C2:0:12}) is not refused: $(cat "$T/out")"
git update-ref -d refs/heads/hostile
# the same with itaku.json made unreadable, or removed, in between: a tree
# naming no city is no state to read V12 from either
printf 'not json\n' >"$T/garbage.json"
G1=$(forge "$T/tanto2.key" tanto2 contract-update "$M0" "" "itaku.json=$T/garbage.json")
R1=$(forge_without "$T/tanto2.key" tanto2 contract-update "$M0" itaku.json)
for V1 in "$G1" "$R1"; do
    V2=$(forge "$T/tanto2.key" tanto2 key-attributes "$V1" "" "$EV=$T/ev.json")
    V3=$(forge "$T/tanto2.key" tanto2 contract-update "$V2" "" "itaku.json=$T/itaku0.json")
    refused_everywhere "$V3" V12 itaku.json "builds on ${V2:0:12}, whose itaku.json names no city"
    git update-ref refs/heads/hostile "$V3"
    expect_exit 1 "$ITAKU" verify
    grep -qE "^${V1:0:12} V4 itaku.json .*(is no longer a JSON object naming the contract and its city|deletes a file)" "$T/out" ||
        fail "the unmade itaku.json ${V1:0:12} is not refused: $(cat "$T/out")"
    grep -qE "^${V2:0:12} V12 itaku.json .*whose itaku.json names no city" "$T/out" ||
        fail "the post given on a tree naming no city (${V2:0:12}) is not refused: $(cat "$T/out")"
    expect_exit 1 env -u LC_ALL -u LANGUAGE -u LC_MESSAGES LANG=ja_JP.UTF-8 "$ITAKU" verify
    expect_output "その itaku.json は市を示していません"
    git update-ref -d refs/heads/hostile
done
[ "$(hub_main)" = "$M0" ] || fail "the hub's main moved"
# twin: the same key event straight on main is refused as before (V12)
TW=$(forge "$T/tanto2.key" tanto2 key-attributes "$M0" "" "$EV=$T/ev.json")
git update-ref refs/heads/hostile "$TW"
expect_rejected "$TW" V12
expect_output "tanto2 may not set their own post to 課長"
git update-ref -d refs/heads/hostile
# twin: a city key changing the title alone is the city's to do
contract_with "$T/titled.json" 'c["title"] = "決裁の試験（改題）"'
TT=$(forge "$T/tanto2.key" tanto2 contract-update "$M0" "" "itaku.json=$T/titled.json")
accepted_everywhere "$TT"
ok "a city key renaming the city (or making itaku.json unreadable, or removing it), naming itself 課長 there and renaming it back is refused at each step (V4, V12) by verify, verify --full and the hub; the key event alone is refused as before; a new title is accepted"

# --- 2. the other identity field: contract_id (even by the setter);
# dropping decision_rules is a setter's change
contract_with "$T/cid.json" 'c["contract_id"] = "C-2026-999"'
CI=$(forge "$T/city.key" officer contract-update "$M0" "" "itaku.json=$T/cid.json")
refused_everywhere "$CI" V4 itaku.json 'gives its field "contract_id" the value "C-2026-999", but it is "C-2026-021"'
contract_with "$T/norules.json" 'del c["decision_rules"]'
DR=$(forge "$T/tanto2.key" tanto2 contract-update "$M0" "" "itaku.json=$T/norules.json")
refused_everywhere "$DR" V12 itaku.json "may not change decision_rules or post_setters"
accepted_everywhere "$(forge "$T/city.key" officer contract-update "$M0" "" "itaku.json=$T/norules.json")"
ok "contract_id never changes, even by the setter (V4); dropping decision_rules is the setter's alone (V12), and the setter's drop is accepted"

# --- 3. a one-key decision merged on a main older than the rule for it
T0=$(git rev-parse main)
cat >"$T/copy.json" <<'JSON'
{"decision_rules": [
  {"request_kinds": ["copy"], "drafters": ["担当"], "approvers": [{"post": "課長", "count": 1}]},
  {"request_kinds": ["take-out"], "drafters": ["担当"], "approvers": [{"post": "課長", "count": 2}]},
  {"request_kinds": ["third-party-provision"], "drafters": ["担当"],
   "approvers": [{"post": "部長", "count": 1}, {"post": "課長", "count": 1}]},
  {"request_kinds": ["other-purpose-use"], "drafters": ["担当"],
   "approvers": [{"post": "部長", "count": 1}], "deputies": [{"for": "部長", "post": "次長"}]}
]}
JSON
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/copy.json" --reason "copy も決裁"
T1=$(git rev-parse main)
expect_exit 0 push_as akiruno-city main:main
canonical_record "$T/d1.json" decision d-000001 \
    "{\"request\": \"acme/q-000001\", \"request_sha256\": \"$(sha_of q-000001)\", \"outcome\": \"approved\"}" decision.v2
X=$(forge "$T/tanto2.key" tanto2 approve "$T0 $T1" "Itaku-Request: acme/q-000001
Itaku-Received: akiruno-city $T1
" "parties/akiruno-city/decisions/acme/d-000001.json=$T/d1.json")
refused_everywhere "$X" V12 parties/akiruno-city/contract-amendments \
    "second parent ${T1:0:12} brings a newer parties/akiruno-city/contract-amendments than the first parent has"
# twin: drafted on main, main moves on (a key event), the 課長's seal
# decides: a merge of a newer main and the decision branch
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_output "Drafted"
expect_exit 0 "$ITAKU" key attributes --principal jicho --name "鈴木 次長"
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" verify --full
expect_exit 0 push_as akiruno-city main:main
ok "a one-key decision merged on a main older than the amendment that covers it is refused (V12, verify, --full, hub); drafted, sealed and decided on a main that moved on is accepted"

# --- 4. a draft and its decision on the main before a stricter amendment
T1=$(git rev-parse main)
python3 - "$T/copy.json" "$T/strict.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for rule in r["decision_rules"]:
    if rule["request_kinds"] == ["copy"]:
        rule["approvers"] = [{"post": "課長", "count": 1}, {"post": "部長", "count": 1}]
json.dump(r, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/strict.json" --reason "copy: 部長も"
T2=$(git rev-parse main)
expect_exit 0 push_as akiruno-city main:main
SHA=$(sha_of q-000002)
canonical_record "$T/dr.json" draft dr-000009 \
    "{\"drafter\": \"officer\", \"outcome\": \"approved\", \"post\": \"担当\", \"request\": \"acme/q-000002\", \"request_sha256\": \"$SHA\"}"
D=$(forge "$T/city.key" officer draft "$T1 $T2" "Itaku-Request: acme/q-000002
Itaku-Received: akiruno-city $T2
" "parties/akiruno-city/drafts/acme/dr-000009.json=$T/dr.json")
canonical_record "$T/s.json" seal s-000009 \
    "{\"draft\": \"$D\", \"request\": \"acme/q-000002\", \"request_sha256\": \"$SHA\", \"verdict\": \"approved\", \"principal\": \"kacho\", \"post\": \"課長\"}"
S=$(forge "$T/kacho.key" kacho seal "$D" "Itaku-Request: acme/q-000002
" "parties/akiruno-city/seals/acme/s-000009.json=$T/s.json")
canonical_record "$T/d2.json" decision d-000009 \
    "{\"request\": \"acme/q-000002\", \"request_sha256\": \"$SHA\", \"outcome\": \"approved\", \"draft\": \"$D\", \"seals\": [\"s-000009\"]}" decision.v2
X=$(forge "$T/city.key" officer approve "$T1 $S" "Itaku-Request: acme/q-000002
Itaku-Received: akiruno-city $S
" "parties/akiruno-city/decisions/acme/d-000009.json=$T/d2.json")
git merge-base --is-ancestor "$T2" "$X" || fail "the forged decision does not fast-forward main"
refused_everywhere "$X" V12 parties/akiruno-city/contract-amendments "brings a newer parties/akiruno-city/contract-amendments"
git update-ref refs/heads/hostile "$X"
expect_exit 1 "$ITAKU" verify
grep -qE "^${D:0:12} V12 .*the merge adds parties/akiruno-city/drafts/acme/dr-000009.json on its first parent ${T1:0:12}" "$T/out" ||
    fail "the draft on the older main is not refused: $(cat "$T/out")"
grep -qE "^${X:0:12} V12 .*the merge adds parties/akiruno-city/decisions/acme/d-000009.json on its first parent ${T1:0:12}" "$T/out" ||
    fail "the decision on the older main is not refused: $(cat "$T/out")"
git update-ref -d refs/heads/hostile
# twin: drafted on the current main, 課長 and 部長 seal
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_output "Drafted"
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --key "$T/kacho.key"
expect_output "Sealed"
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --key "$T/bucho.key"
expect_output "acme/q-000002 is approved"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" verify --full
expect_exit 0 push_as akiruno-city main:main
ok "a draft and a decision made as merges whose first parent is main before a stricter amendment are refused (V12, verify, --full, hub); drafted and sealed under the rule in force is accepted"

# --- 5. who sets posts handed to 総務; the genesis officer (no setter any
# more) adds a 課長 key on a line from before, and joins it to main
somu_sets_posts
TB=$(git rev-parse main)
TP=$(git rev-parse main~1)
expect_exit 0 push_as akiruno-city main:main
"$ITAKU" key generate "$T/kacho3.key" --comment kacho3 >/dev/null
expect_refused "may not" "$ITAKU" key add "$T/kacho3.key.pub" --principal kacho3 --post 課長
git switch -q -c side "$TP"
expect_exit 0 "$ITAKU" key add "$T/kacho3.key.pub" --principal kacho3 --post 課長
K=$(git rev-parse HEAD)
git switch -q main
git branch -q -D side
accepted_everywhere "$K" # on its own line, the officer still set posts
for order in "$TB $K" "$K $TB"; do
    J=$(forge "$T/city.key" officer receive "$order" "Itaku-Received: akiruno-city ${order#* }
")
    refused_everywhere "$J" V12 "" "the merge joins two lines that each changed the city's settings"
done
# the key riding on a decision merge whose first parent is main before the
# hand-over (its draft merged the hand-over in): the officer was a setter
# there
KP=$(git diff-tree -r --no-commit-id --name-only "$K" | grep /keys/)
git show "$K:$KP" >"$T/k3.json"
SHA=$(sha_of q-000003)
canonical_record "$T/dr3.json" draft dr-000010 \
    "{\"drafter\": \"officer\", \"outcome\": \"approved\", \"post\": \"担当\", \"request\": \"acme/q-000003\", \"request_sha256\": \"$SHA\"}"
D3=$(forge "$T/city.key" officer draft "$TP $TB" "Itaku-Request: acme/q-000003
Itaku-Received: akiruno-city $TB
" "parties/akiruno-city/drafts/acme/dr-000010.json=$T/dr3.json")
S3=$D3
for who in kacho kacho2; do
    n=$((${n:-9} + 1))
    canonical_record "$T/s3.json" seal "s-0000$n" \
        "{\"draft\": \"$D3\", \"request\": \"acme/q-000003\", \"request_sha256\": \"$SHA\", \"verdict\": \"approved\", \"principal\": \"$who\", \"post\": \"課長\"}"
    S3=$(forge "$T/$who.key" "$who" seal "$S3" "Itaku-Request: acme/q-000003
" "parties/akiruno-city/seals/acme/s-0000$n.json=$T/s3.json")
done
canonical_record "$T/d3.json" decision d-000010 \
    "{\"request\": \"acme/q-000003\", \"request_sha256\": \"$SHA\", \"outcome\": \"approved\", \"draft\": \"$D3\", \"seals\": [\"s-000010\", \"s-000011\"]}" decision.v2
X=$(forge "$T/city.key" officer approve "$TP $S3" "Itaku-Request: acme/q-000003
Itaku-Received: akiruno-city $S3
" "$KP=$T/k3.json" "parties/akiruno-city/decisions/acme/d-000010.json=$T/d3.json")
refused_everywhere "$X" V12 "" "the merge adds .* on its first parent ${TP:0:12}, but its second parent ${S3:0:12} brings a newer"
git update-ref refs/heads/hostile "$X"
expect_exit 1 "$ITAKU" verify
grep -qE "^${D3:0:12} V12 .*the merge adds parties/akiruno-city/drafts/acme/dr-000010.json on its first parent ${TP:0:12}" "$T/out" ||
    fail "the draft on main before the hand-over is not refused: $(cat "$T/out")"
git update-ref -d refs/heads/hostile
# twin: 総務 adds the key on main; acme's line (holding an older main)
# is received: a merge whose second parent holds older settings
expect_exit 0 "$ITAKU" key add "$T/kacho3.key.pub" --principal kacho3 --post 課長 --key "$T/somu.key"
(cd "$T/acme" && "$ITAKU" pull && "$ITAKU" request submit copy --summary "追加の複写" --details "作業のため") >/dev/null 2>&1
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" verify --full
expect_exit 0 push_as akiruno-city main:main
[ "$(hub_main)" = "$(git rev-parse main)" ] || fail "the hub's main is not the city's"
ok "after post_setters, a 課長 key added on a line from before is refused when joined either way round, and when it rides on a decision merge on the older main (V12); 総務 adds it on main, and receiving acme's line is accepted"

finish
