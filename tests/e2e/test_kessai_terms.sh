#!/usr/bin/env bash
# 決裁 (DESIGN V12): what the seals were given on. A decision carries its
# draft's terms (outcome, conditions, last day, number of uses …), an
# approval only on a draft that proposes one; a 代決 does not count beside a
# holder who sealed himself; a reason or condition holds visible text; the
# decision rules a commit writes are ones every reader takes. Each hostile
# commit is built with stock git, each with its legitimate twin.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

# copy: a 係長 drafts approvals, a 担当 rejections and returns; the other
# purpose use needs 部長 and 課長, a 次長 seals for an absent 部長
kessai_rules() {
    cat >"$T/rules.json" <<'JSON'
{"post_setters": [], "decision_rules": [
  {"request_kinds": ["copy"], "outcomes": ["approved"], "drafters": ["係長"], "approvers": [{"post": "課長", "count": 1}]},
  {"request_kinds": ["copy"], "outcomes": ["rejected", "returned"], "drafters": ["担当"], "approvers": [{"post": "課長", "count": 1}]},
  {"request_kinds": ["take-out"], "drafters": ["担当"], "approvers": [{"post": "課長", "count": 2}]},
  {"request_kinds": ["third-party-provision"], "drafters": ["担当"],
   "approvers": [{"post": "部長", "count": 1}, {"post": "課長", "count": 1}]},
  {"request_kinds": ["other-purpose-use"], "drafters": ["担当"],
   "approvers": [{"post": "部長", "count": 1}, {"post": "課長", "count": 1}],
   "deputies": [{"for": "部長", "post": "次長"}]}
]}
JSON
}

setup_kessai
cd "$T/city"
kessai_hub
expect_exit 0 push_as akiruno-city main:main

branch() { git rev-parse "refs/heads/decisions/acme/$1"; }
drop() { git update-ref -d "refs/heads/$1"; }
# draft_of REQ: the draft commit (the first on its decision branch)
draft_of() {
    git log --first-parent -1 --format=%H "$(branch "$1")" -- parties/akiruno-city/drafts/
}
# decision FILE ID REQ BODY-TAIL: a decision record of REQ (approved unless
# BODY-TAIL says otherwise) into FILE
decision() {
    canonical_record "$1" decision "$2" \
        "{\"request\": \"acme/$3\", \"request_sha256\": \"$(sha_of "$3")\", $4}" decision.v2
}
# decide_forged FILE REQ ID: the merge of main-as-drafted and REQ's decision
# branch by the 担当 tanto2, carrying FILE
decide_forged() {
    local tip
    tip=$(branch "$2")
    forge "$T/tanto2.key" tanto2 approve "$M $tip" "Itaku-Request: acme/$2
Itaku-Received: akiruno-city $tip
" "parties/akiruno-city/decisions/acme/$3.json=$1"
}
# seal_forged KEY PRINCIPAL REQ BODY-TAIL [SCHEMA]: a seal commit on REQ's
# branch (its record naming SCHEMA, seal.v1 unless given)
seal_forged() {
    local id tip
    id=$(next_id s)
    tip=$(branch "$3")
    canonical_record "$T/seal.json" seal "$id" \
        "{\"draft\": \"$(draft_of "$3")\", \"request\": \"acme/$3\", \"request_sha256\": \"$(sha_of "$3")\", \"principal\": \"$2\", $4}" "${5:-seal.v1}"
    forge "$1" "$2" seal "$tip" "Itaku-Request: acme/$3
" "parties/akiruno-city/seals/acme/$id.json=$T/seal.json"
}

# --- 1. the terms: a decision carries its draft's, as its seals were given on
expect_exit 0 "$ITAKU" approve acme/q-000003 --conditions "施錠保管・当日返却" --valid-until "$(day 8)" \
    --max-uses 1
D3=$(draft_of q-000003)
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho.key"
for extra in "--max-uses 99" "--valid-until $(day 119)" "--conditions 施錠保管"; do
    # shellcheck disable=SC2086
    expect_refused "${extra%% *} differs from them" "$ITAKU" approve acme/q-000003 $extra --key "$T/tanto2.key"
done
expect_exit 0 push_as akiruno-city refs/heads/decisions/acme/q-000003:refs/heads/decisions/acme/q-000003
M=$(git rev-parse main)
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho2.key"
expect_output "acme/q-000003 is approved"
LEGIT=$(git rev-parse main)
DPATH=$(git diff-tree -r --no-commit-id --name-only "$LEGIT^1" "$LEGIT" | grep /decisions/)
git show "$LEGIT:$DPATH" | python3 -c '
import json, sys
b = json.load(sys.stdin)["body"]
assert (b["conditions"], b["valid_until"], b["max_uses"]) == ("施錠保管・当日返却", sys.argv[1], 1), b' "$(day 8)" ||
    fail "the decision itaku takes does not carry its draft's terms"
expect_exit 0 "$ITAKU" verify
SEALS=$(git show "$LEGIT:$DPATH" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["body"]["seals"]))')
terms='"outcome": "approved", "draft": "'$D3'", "seals": '$SEALS
id=$(next_id d)
hub_before=$(hub_refs)
for case in "max_uses:\"max_uses\": 99, \"conditions\": \"施錠保管・当日返却\", \"valid_until\": \"$(day 8)\"" \
    "conditions:\"max_uses\": 1, \"valid_until\": \"$(day 8)\"" \
    "valid_until:\"max_uses\": 1, \"conditions\": \"施錠保管・当日返却\", \"valid_until\": \"$(day 119)\""; do
    field=${case%%:*}
    decision "$T/d.json" "$id" q-000003 "$terms, ${case#*:}"
    H=$(decide_forged "$T/d.json" q-000003 "$id")
    git update-ref refs/heads/hostile "$H"
    expect_rejected "$H" V12 "parties/akiruno-city/decisions/acme/$id.json"
    only_v12 "$H"
    expect_output "\"$field\".*draft ${D3:0:12}, which the seals were given on"
    expect_exit 1 "$ITAKU" verify --full
    expect_output "\"$field\""
    expect_exit 1 push_as akiruno-city "$H:refs/heads/main"
    [ "$(hub_refs)" = "$hub_before" ] || fail "the hub took a decision whose $field is not its draft's"
    drop hostile
done
# twin: the same forged merge carrying the draft's very terms passes
decision "$T/d.json" "$id" q-000003 "$terms, \"max_uses\": 1, \"conditions\": \"施錠保管・当日返却\", \"valid_until\": \"$(day 8)\""
H=$(decide_forged "$T/d.json" q-000003 "$id")
git update-ref refs/heads/twin "$H"
expect_exit 0 "$ITAKU" verify
drop twin
ok "a decision whose max_uses, conditions or last day is not its draft's is refused (V12, verify --full, the hub); itaku carries the draft's terms and refuses other ones"

# the seals a decision lists are what its 決裁欄 shows: each once, and they
# alone meet the rule (the two 課長 seals of q-000003)
S1=$(printf '%s' "$SEALS" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0])')
same='"max_uses": 1, "conditions": "施錠保管・当日返却", "valid_until": "'"$(day 8)"'"'
for case in "[\"$S1\", \"$S1\"]:lists seal $S1 twice" \
    "[]:the seals it lists do not meet the decision rule" \
    "[\"$S1\"]:the seals it lists do not meet the decision rule"; do
    decision "$T/d.json" "$id" q-000003 "\"outcome\": \"approved\", \"draft\": \"$D3\", \"seals\": ${case%%:*}, $same"
    H=$(decide_forged "$T/d.json" q-000003 "$id")
    git update-ref refs/heads/hostile "$H"
    expect_rejected "$H" V12 "parties/akiruno-city/decisions/acme/$id.json"
    only_v12 "$H"
    expect_output "$(printf '%s' "${case#*:}" | sed 's/[][]/\\&/g')"
    expect_exit 1 push_as akiruno-city "$H:refs/heads/main"
    [ "$(hub_refs)" = "$hub_before" ] || fail "the hub took a decision listing ${case%%:*}"
    drop hostile
done
ok "a decision listing a seal twice, or fewer seals than meet the rule, is refused (V12, the hub): its 決裁欄 would show seals that did not decide it"

# --- 2. the outcome: an approval only on a draft that proposes one
expect_refused "lets 係長 draft" "$ITAKU" approve acme/q-000001 --key "$T/tanto2.key"
expect_exit 0 "$ITAKU" reject acme/q-000001 --reason "不要" --key "$T/tanto2.key"
D1=$(draft_of q-000001)
expect_refused "approves only a draft that proposes an approval" \
    "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho.key"
expect_refused "an approval is taken only on a draft that proposes one" \
    "$ITAKU" approve acme/q-000001 --key "$T/kacho.key"
M=$(git rev-parse main)
S=$(seal_forged "$T/kacho.key" kacho q-000001 '"verdict": "approved", "post": "課長"')
git update-ref refs/heads/decisions/acme/q-000001 "$S"
SID=$(git diff-tree -r --no-commit-id --name-only "$S" | sed -E 's|.*/(s-[0-9]+)\.json|\1|')
id=$(next_id d)
decision "$T/d.json" "$id" q-000001 "\"outcome\": \"approved\", \"draft\": \"$D1\", \"seals\": [\"$SID\"]"
H=$(decide_forged "$T/d.json" q-000001 "$id")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12
only_v12 "$H"
expect_output "approves acme/q-000001, but its draft ${D1:0:12} proposes that it be rejected"
drop hostile
git update-ref refs/heads/decisions/acme/q-000001 "$S^"
# twin: the 課長 seals the rejection drafted
expect_exit 0 "$ITAKU" kessai acme/q-000001 --reject --reason "目的外のため不可" --key "$T/kacho.key"
expect_output "acme/q-000001 is rejected"
expect_exit 0 "$ITAKU" verify
ok "a 担当's rejection draft decided as an approval is refused (V12) and itaku neither seals nor takes it; the rejection sealed decides"

# a 課長 may return an approval drafted by a 係長 (that grants nothing): the
# decision then carries no approval's terms, and the reason a seal gave
"$ITAKU" key generate "$T/kakari.key" --comment kakari >/dev/null
expect_exit 0 "$ITAKU" key add "$T/kakari.key.pub" --principal kakari --post 係長
expect_exit 0 "$ITAKU" approve acme/q-000002 --conditions "暗号化すること" --key "$T/kakari.key"
D2=$(draft_of q-000002)
M=$(git rev-parse main)
expect_exit 0 "$ITAKU" kessai acme/q-000002 --return --reason "期間を明記してください" --key "$T/kacho.key"
expect_output "acme/q-000002 is returned"
expect_exit 0 "$ITAKU" verify
RSID=$(git diff-tree -r --no-commit-id --name-only "$(branch q-000002)" | sed -E 's|.*/(s-[0-9]+)\.json|\1|')
id=$(next_id d)
for case in "carries \"conditions\":\"reason\": \"期間を明記してください\", \"conditions\": \"暗号化すること\"" \
    "gives the reason:\"reason\": \"問題なし\""; do
    decision "$T/d.json" "$id" q-000002 "\"outcome\": \"returned\", \"draft\": \"$D2\", \"seals\": [\"$RSID\"], ${case#*:}"
    H=$(decide_forged "$T/d.json" q-000002 "$id")
    git update-ref refs/heads/hostile "$H"
    expect_rejected "$H" V12
    only_v12 "$H"
    expect_output "${case%%:*}"
    drop hostile
done
ok "a 係長's approval returned by the 課長 decides the return; one carrying the approval's conditions, or a reason no seal gave, is refused (V12)"

# --- 3. a 代決 counts only for an absent holder
expect_exit 0 "$ITAKU" approve acme/q-000005
D5=$(draft_of q-000005)
expect_exit 0 "$ITAKU" kessai acme/q-000005 --reject --reason "目的外のため不可" --key "$T/bucho.key"
expect_refused "the holder is not absent" \
    "$ITAKU" kessai acme/q-000005 --approve --acting-for 部長 --reason "部長不在" --key "$T/jicho.key"
M=$(git rev-parse main)
S=$(seal_forged "$T/jicho.key" jicho q-000005 '"verdict": "approved", "post": "次長", "acting_for": "部長", "reason": "部長不在"')
git update-ref refs/heads/decisions/acme/q-000005 "$S"
expect_exit 0 "$ITAKU" kessai acme/q-000005 --approve --key "$T/kacho.key"
expect_output "Sealed acme/q-000005"
if has "meet the decision rule" <"$T/out"; then fail "a 代決 beside its present holder made the decision"; fi
expect_refused "waits for the seals of 部長" "$ITAKU" approve acme/q-000005
TIP5=$(branch q-000005)
S5=$(git log --format=%H "$D5..$TIP5" -- parties/akiruno-city/seals/ | while read -r c; do
    git diff-tree -r --no-commit-id --name-only "$c" | sed -E 's|.*/(s-[0-9]+)\.json|"\1"|'
done | paste -sd,)
id=$(next_id d)
decision "$T/d.json" "$id" q-000005 "\"outcome\": \"approved\", \"draft\": \"$D5\", \"seals\": [$S5]"
H=$(decide_forged "$T/d.json" q-000005 "$id")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12
only_v12 "$H"
expect_output "for 部長 \(代決\), which does not count: bucho, a 部長, sealed draft ${D5:0:12} himself"
drop hostile
# twin: the 部長 absent, the 次長's 代決 and the 課長 decide
(cd "$T/acme" && "$ITAKU" request submit other-purpose-use --summary "再申請" --details "作業のため") >/dev/null 2>&1
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" approve acme/q-000006
expect_exit 0 "$ITAKU" kessai acme/q-000006 --approve --acting-for 部長 --reason "部長出張のため" --key "$T/jicho.key"
expect_exit 0 "$ITAKU" kessai acme/q-000006 --approve --key "$T/kacho.key"
expect_output "acme/q-000006 is approved"
expect_exit 0 "$ITAKU" verify
ok "a 代決 for a 部長 who sealed the draft himself does not count (V12) and itaku refuses it; the 代決 for an absent 部長 decides"

# --- 4. a reason or condition holds visible text
(cd "$T/acme" && "$ITAKU" request submit other-purpose-use --summary "三度目" --details "作業のため") >/dev/null 2>&1
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" approve acme/q-000007
for blank in " " "　" "$(printf ' \n\t')"; do
    expect_refused "no visible text" \
        "$ITAKU" kessai acme/q-000007 --approve --acting-for 部長 --reason "$blank" --key "$T/jicho.key"
    expect_refused "no visible text" "$ITAKU" reject acme/q-000004 --reason "$blank"
    expect_refused "no visible text" "$ITAKU" approve acme/q-000004 --conditions "$blank"
done
# seal.v1 (which a registry may still name) takes a blank reason: V12
# refuses it; seal.v2 refuses it too (V10)
for blank in " " "　"; do
    S=$(seal_forged "$T/jicho.key" jicho q-000007 "\"verdict\": \"approved\", \"post\": \"次長\", \"acting_for\": \"部長\", \"reason\": \"$blank\"")
    git update-ref refs/heads/hostile "$S"
    expect_rejected "$S" V12
    expect_output "without a recorded reason"
    expect_output "the seal's reason holds no visible text"
    drop hostile
    S=$(seal_forged "$T/jicho.key" jicho q-000007 "\"verdict\": \"approved\", \"post\": \"次長\", \"acting_for\": \"部長\", \"reason\": \"$blank\"" seal.v2)
    git update-ref refs/heads/hostile "$S"
    expect_rejected "$S" V10
    expect_output "reason.* is not in the expected form"
    drop hostile
    # a rejection whose reason is only spaces says nothing either
    S=$(seal_forged "$T/kacho.key" kacho q-000007 "\"verdict\": \"rejected\", \"post\": \"課長\", \"reason\": \"$blank\"")
    git update-ref refs/heads/hostile "$S"
    expect_rejected "$S" V12
    only_v12 "$S"
    expect_output "the seal's reason holds no visible text"
    # a Japanese screen names the field by the form's word, 理由
    LANG=ja_JP.UTF-8 expect_exit 1 "$ITAKU" verify
    expect_output "決裁の理由に見える文字がありません"
    ! grep -qE "の reason|reason の|seal の" "$T/out" "$T/err" || fail "English field names in the Japanese refusal"
    drop hostile
done
expect_exit 0 "$ITAKU" kessai acme/q-000007 --approve --acting-for 部長 --reason "部長出張のため" --key "$T/jicho.key"
expect_exit 0 "$ITAKU" kessai acme/q-000007 --approve --key "$T/kacho.key"
expect_output "acme/q-000007 is approved"
expect_exit 0 "$ITAKU" verify
ok "a 代決 whose reason is only spaces (ASCII or ideographic) is refused (V12, V10) and itaku refuses blank reasons and conditions; a reason in words decides"

# --- 5. the rule lists a commit writes are ones every reader takes
echo '{"decision_rules": [{"drafters": ["担当"], "approvers": [{"post": "課長", "count": 0}]}]}' >"$T/zero.json"
expect_refused "count" "$ITAKU" contract amend --decision-rules "$T/zero.json" --reason "再確認"
M=$(git rev-parse main)
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/rules.json" --reason "再確認"
expect_exit 0 "$ITAKU" verify
AP=$(git diff-tree -r --no-commit-id --name-only HEAD | grep contract-amendments/)
for case in 'decision_rules:a["body"]["decision_rules"][4]["approvers"].append({"count": 0, "post": "課長"})' \
    'post_setters:a["body"]["post_setters"] = ["総務", "総務"]'; do
    field=${case%%:*}
    git show "HEAD:$AP" | python3 -c "
import json, sys
a = json.load(sys.stdin)
${case#*:}
sys.stdout.write(json.dumps(a, sort_keys=True, indent=2, ensure_ascii=False) + '\n')" >"$T/amend.json"
    H=$(forge "$T/city.key" officer contract-amend "$M" "" "$AP=$T/amend.json")
    git update-ref refs/heads/hostile "$H"
    expect_rejected "$H" V12 "$AP"
    expect_output "contract amendment $AP sets \"$field\" that no reader takes"
    only_v12 "$H"
    drop hostile
done
# the same lists written by an edit of itaku.json
for case in 'decision_rules:c["decision_rules"] = [{"drafters": ["担当"], "approvers": [{"post": "課長", "count": 0}]}]' \
    'post_setters:c["post_setters"] = ["総務", "総務"]'; do
    field=${case%%:*}
    git show main:itaku.json | python3 -c "
import json, sys
c = json.load(sys.stdin)
${case#*:}
sys.stdout.write(json.dumps(c, sort_keys=True, indent=2, ensure_ascii=False) + '\n')" >"$T/itaku.json"
    H=$(forge "$T/city.key" officer contract-update "$M" "" "itaku.json=$T/itaku.json")
    git update-ref refs/heads/hostile "$H"
    expect_rejected "$H" V12 itaku.json
    expect_output "itaku.json sets \"$field\" that no reader takes"
    drop hostile
done
# twin: itaku.json with a list every reader takes
git show main:itaku.json | python3 -c "
import json, sys
c = json.load(sys.stdin)
c['decision_rules'] = [{'drafters': ['担当'], 'approvers': [{'post': '課長', 'count': 1}]}]
sys.stdout.write(json.dumps(c, sort_keys=True, indent=2, ensure_ascii=False) + '\n')" >"$T/itaku.json"
H=$(forge "$T/city.key" officer contract-update "$M" "" "itaku.json=$T/itaku.json")
git update-ref refs/heads/twin "$H"
expect_exit 0 "$ITAKU" verify
drop twin
ok "a contract amendment or an edit of itaku.json whose decision rules or post_setters fail their checks is refused (V12), not read as no rules"
finish
