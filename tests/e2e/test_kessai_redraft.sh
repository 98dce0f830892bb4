#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V12) and a draft made again (itaku approve|reject|
# return REQ --redraft): the decision carries the redraft's terms (outcome,
# reason, conditions), not those of the earlier draft its branch carries, so
# a redraft always leads to a decision that is taken and verifies (the
# decision branch only moves forward: a wedge would be for good). A draft is
# made again by the officer who drafted the draft it replaces, or by another
# officer whose post may draft once no seal agreeing with that draft still
# stands or a seal on it gave another verdict than it proposes (a sealing
# post sent it back): itaku refuses any other redraft before writing
# anything, and verify (and so the hosted registry) refuses one made with
# stock git.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
kessai_hub
cd "$T/city"
R3=refs/heads/decisions/acme/q-000003
branch() { git rev-parse "refs/heads/decisions/acme/$1"; }
# decision_of REQ: the path of the decision on REQ that main's tip adds
decision_of() {
    git show HEAD --format= --name-only -m | grep -m1 "/decisions/acme/d-" |
        sed -E 's|parties/([^/]+)/decisions/[^/]+/(d-[0-9]+)\.json|\1/\2|'
}
# decision_field FIELD: FIELD of the decision main's tip adds
decision_field() {
    git show "HEAD:$(git show HEAD --format= --name-only -m | grep -m1 "/decisions/acme/d-")" |
        python3 -c "import json, sys; print(json.load(sys.stdin)['body'].get('$1', ''))"
}

# --- 1. another 担当 may not flip a draft a 課長 has sealed in agreement
expect_exit 0 "$ITAKU" approve acme/q-000003
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho.key"
expect_output "Sealed"
B3=$(branch q-000003)
expect_exit 0 push_as akiruno-city main:main "$R3:$R3"
expect_refused "officer drafted acme/q-000003 .*seal s-[0-9]+ by akiruno-city/kacho agreeing with it still stands.*Ask officer to draft it again \(itaku approve acme/q-000003 --redraft\)" \
    "$ITAKU" reject acme/q-000003 --redraft --reason 再検討 --key "$T/tanto2.key"
expect_output "nothing was decided"
expect_refused "起案者.*officer.*itaku approve acme/q-000003 --redraft" \
    env LANG=ja_JP.UTF-8 "$ITAKU" reject acme/q-000003 --redraft --reason 再検討 --key "$T/tanto2.key"
[ "$(branch q-000003)" = "$B3" ] || fail "a refused redraft moved the decision branch"
ok "another 担当's redraft of a draft a 課長 sealed in agreement is refused (English, Japanese), nothing written"

# the same redraft made with stock git, signed with tanto2's key: verify
# refuses it; its twin by the drafter passes
forged_redraft() { # KEY PRINCIPAL: prints the redraft commit of q-000003
    local id
    id=$(next_id dr)
    canonical_record "$T/redraft.json" draft "$id" \
        "{\"request\": \"acme/q-000003\", \"request_sha256\": \"$(sha_of q-000003)\", \"outcome\": \"rejected\", \"drafter\": \"$2\", \"post\": \"担当\", \"reason\": \"再検討\"}" "$DRAFT_SCHEMA"
    forge "$1" "$2" draft "main $B3" "Itaku-Request: acme/q-000003
Itaku-Received: akiruno-city $B3
" "parties/akiruno-city/drafts/acme/$id.json=$T/redraft.json"
}
DRAFT_SCHEMA=$(git show "$(git diff-tree --no-commit-id --name-only -r "$B3~1" | grep /drafts/ | sed "s|^|$B3~1:|")" |
    python3 -c "import json, sys; print(json.load(sys.stdin)['schema'])")
HF=$(forged_redraft "$T/tanto2.key" tanto2)
git update-ref refs/heads/hostile "$HF"
expect_rejected "$HF" V12
only_v12 "$HF"
expect_output "tanto2 drafts acme/q-000003 again, but officer drafted the draft it replaces"
git update-ref -d refs/heads/hostile
hub_before=$(hub_refs)
expect_exit 1 push_as akiruno-city "$HF:$R3"
expect_output "breaks V12 .*tanto2 drafts acme/q-000003 again"
[ "$(hub_refs)" = "$hub_before" ] || fail "the hub took another 担当's forged redraft"
HT=$(forged_redraft "$T/city.key" officer)
git update-ref refs/heads/twin "$HT"
expect_exit 0 "$ITAKU" verify
git update-ref -d refs/heads/twin
ok "the same redraft by another 担当 built with stock git is refused by verify and the hosted registry (V12); its twin by the drafter passes"

# --- 2. the drafter redrafts the sealed approval as a rejection: decided
expect_exit 0 "$ITAKU" reject acme/q-000003 --redraft --reason 再検討
expect_output "Drafted .* again"
git merge-base --is-ancestor "$B3" "$(branch q-000003)" || fail "the redraft does not move the branch forward"
expect_exit 0 "$ITAKU" verify
expect_exit 0 push_as akiruno-city "$R3:$R3"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --reject --reason "持出しは認めない" --key "$T/kacho.key"
expect_output "Sealed"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --reject --reason "同意見" --key "$T/kacho2.key"
expect_output "acme/q-000003 is rejected"
expect_exit 0 "$ITAKU" verify
expect_exit 0 push_as akiruno-city main:main "$R3:$R3"
[ "$(decision_field reason)" = 再検討 ] || fail "the decision does not carry the redraft's reason"
expect_exit 0 "$ITAKU" history acme/q-000003
expect_output "decided .*rejected: 再検討"
expect_exit 0 "$ITAKU" form render "$(decision_of)" --format md
expect_output "再検討"
ok "the drafter's redraft of the sealed approval as a rejection is sealed and decided; verify and the hosted registry take it; history and the notice carry the redraft's reason"

# --- 3. the honest sequence: reject, reject --redraft with another reason, a seal
expect_exit 0 "$ITAKU" reject acme/q-000002 --reason "理由A"
expect_exit 0 "$ITAKU" reject acme/q-000002 --redraft --reason "理由C"
expect_output "Drafted .* again"
expect_exit 0 "$ITAKU" kessai acme/q-000002 --reject --reason "課長の理由" --key "$T/kacho.key"
expect_output "acme/q-000002 is rejected"
expect_exit 0 "$ITAKU" verify
[ "$(decision_field reason)" = 理由C ] || fail "the decision does not carry the redraft's reason 理由C"
expect_exit 0 "$ITAKU" history acme/q-000002
expect_output "decided .*rejected: 理由C"
ok "reject, reject --redraft with another reason, a 課長's seal: decided on the redraft's reason; verify passes"

# --- 4. another 担当 redrafts once a sealing post sent the draft back
expect_exit 0 "$ITAKU" approve acme/q-000004 --conditions "暗号化すること"
expect_exit 0 "$ITAKU" kessai acme/q-000004 --reject --reason "提供先が不明" --key "$T/bucho.key"
expect_output "Sealed"
expect_exit 0 "$ITAKU" approve acme/q-000004 --redraft --conditions "提供先を限定すること" --key "$T/tanto2.key"
expect_output "Drafted .* again"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" kessai acme/q-000004 --approve --key "$T/bucho.key"
expect_exit 0 "$ITAKU" kessai acme/q-000004 --approve --key "$T/kacho.key"
expect_output "acme/q-000004 is approved"
expect_exit 0 "$ITAKU" verify
[ "$(decision_field conditions)" = 提供先を限定すること ] || fail "the decision does not carry the redraft's conditions"
expect_exit 0 "$ITAKU" form render "$(decision_of)" --format md
expect_output "\| 担当 \| tanto2 \|"
expect_output "提供先を限定すること"
expect_exit 0 "$ITAKU" history acme/q-000004
expect_output "drafted .*起案 by tanto2 \(担当\), proposing approved"
ok "after the 部長 sent the draft back, another 担当 redrafts it; the decision carries the redraft's conditions and its notice names the redraft's drafter"

# --- 5. a draft with no seal: any drafting post may draft it again
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 0 "$ITAKU" reject acme/q-000001 --redraft --reason "重複した申請" --key "$T/tanto2.key"
expect_output "Drafted .* again"
expect_exit 0 "$ITAKU" kessai acme/q-000001 --reject --reason "同意" --key "$T/kacho.key"
expect_output "acme/q-000001 is rejected"
expect_exit 0 "$ITAKU" verify
[ "$(decision_field reason)" = 重複した申請 ] || fail "the decision does not carry the redraft's reason"
ok "a draft no seal agrees with is drafted again by another 担当 and decided; verify passes"
finish
