#!/usr/bin/env bash
# The chain issue, "what it must withstand" (decisions), across four
# registries: a subcontractor approving its own request, a contractor writing
# a decision, a decision without the intermediate endorsement or whose request
# is not its ancestor, endorsements and decisions reused for a superseded or
# different request, and an old request branch replayed. Each is refused as a
# command (exit 2, nothing moved) and, forged with stock git, by itaku verify
# (exit 1, commit and rule) and by the party that would take it.
. "$(dirname "$0")/lib.sh"
at() { (cd "$T/$1" && shift && "$@"); }
# scratch PARTY: a throw-away copy of PARTY's registry to forge in.
scratch() {
    rm -rf "$T/$1-x"
    cp -a "$T/$1" "$T/$1-x"
}
CITY=akiruno-city

# received_entry ITEM: beta records an item it received (a copy request
# cites an item it holds, issue 16)
received_entry() {
    at beta "$ITAKU" register add --action received --item-id "$1" --info "住民データ" --medium usb \
        --quantity 1 --handler "佐藤 花子" --method hand-delivery >/dev/null 2>&1 ||
        fail "beta cannot register $1 as received"
}

setup_chain
received_entry item-1
at beta "$ITAKU" request submit copy --summary "移行検証のため複製" --item item-1 >/dev/null 2>&1
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
q2=parties/beta/requests/q-000002.json
sha2=$(record_sha "$T/beta" HEAD "$q2")
for p in city acme beta gamma; do expect_exit 0 "$ITAKU" -C "$T/$p" verify; done
ok "four registries, each with its own key, verify; beta/q-000002 waits for acme"

# A subcontractor approving its own request
cd "$T/beta"
expect_refused "only the city decides" "$ITAKU" approve beta/q-000002
scratch beta
cd "$T/beta-x"
write_mark parties/beta/decisions/beta/d-000001.json decision beta/q-000002 "$sha2" outcome approved
bad=$(forge . "Approve our own request" "$T/beta.key" beta manager approve \
    parties/beta/decisions/beta/d-000001.json)
expect_rejected "$bad" V6 parties/beta/decisions/beta/d-000001.json
expect_output "only the city decides requests"
cd "$T/acme"
expect_taken_refused "$bad" "V6|V10" "$ITAKU" receive beta "$T/beta-x"
ok "a subcontractor approving its own request is refused (approve: exit 2; forged: V6, not received)"

# A contractor writing a decision
cd "$T/acme"
expect_refused "only the city decides" "$ITAKU" approve beta/q-000002
scratch acme
cd "$T/acme-x"
write_mark parties/acme/decisions/beta/d-000001.json decision beta/q-000002 "$sha2" outcome approved
bad=$(forge . "Approve for the city" "$T/acme.key" acme manager approve \
    parties/acme/decisions/beta/d-000001.json)
expect_rejected "$bad" V6 parties/acme/decisions/beta/d-000001.json
git reset -q --hard HEAD~1
write_mark parties/$CITY/decisions/beta/d-000009.json decision beta/q-000002 "$sha2" outcome approved
bad2=$(forge . "Approve in the city's folder" "$T/acme.key" acme manager endorse \
    parties/$CITY/decisions/beta/d-000009.json)
expect_rejected "$bad2" V2 parties/$CITY/decisions/beta/d-000009.json
cd "$T/city"
expect_taken_refused "$bad2" "V2|V6|V10" "$ITAKU" receive acme "$T/acme-x"
git -C "$T/acme-x" update-ref refs/heads/main "$bad"
expect_taken_refused "$bad" "V6|V10" "$ITAKU" receive acme "$T/acme-x"
ok "a contractor writing a decision (in its folder or the city's) is refused (exit 2; V6/V2; not received)"

# A decision without the intermediate endorsement
at city "$ITAKU" receive acme "$T/acme" >/dev/null
cd "$T/city"
expect_refused "acme has not endorsed" "$ITAKU" approve beta/q-000002
scratch city
cd "$T/city-x"
write_mark parties/$CITY/decisions/beta/d-000002.json decision beta/q-000002 "$sha2" outcome approved
bad=$(forge . "Approve beta/q-000002 at once" "$T/city.key" $CITY officer approve \
    parties/$CITY/decisions/beta/d-000002.json)
expect_rejected "$bad" V6 parties/$CITY/decisions/beta/d-000002.json
expect_output "no endorsement of beta/q-000002 by acme"
cd "$T/acme"
expect_taken_refused "$bad" V6 "$ITAKU" pull "$T/city-x"
ok "a decision without the intermediate endorsement is refused (approve: exit 2; forged: V6, not pulled)"

# A decision whose request is not its ancestor
received_entry item-2
at beta "$ITAKU" request submit copy --summary "未送付の申請" --item item-2 >/dev/null 2>&1
q3=parties/beta/requests/q-000003.json
sha3=$(record_sha "$T/beta" HEAD "$q3")
cd "$T/city"
expect_refused "no request 'beta/q-000003'" "$ITAKU" approve beta/q-000003
scratch city
cd "$T/city-x"
write_mark parties/$CITY/decisions/beta/d-000002.json decision beta/q-000003 "$sha3" outcome approved
bad=$(forge . "Approve a request not received" "$T/city.key" $CITY officer approve \
    parties/$CITY/decisions/beta/d-000002.json)
expect_rejected "$bad" V6 parties/$CITY/decisions/beta/d-000002.json
expect_output "not among the commit's ancestors"
cd "$T/acme"
expect_taken_refused "$bad" V6 "$ITAKU" pull "$T/city-x"
ok "a decision whose request is not among its ancestors is refused (V6, not pulled)"

# Endorsements and decisions reused for a superseded or different request:
# acme endorses q-000002, then beta corrects it with q-000004 (supersedes).
at acme "$ITAKU" endorse beta/q-000002 >/dev/null
cd "$T/beta"
write_record parties/beta/requests/q-000004.json \
    '{"item_ids": ["item-1"], "kind": "copy", "summary": "移行検証のため複製（訂正）"}' \
    '{"supersedes": "q-000002"}'
q4=parties/beta/requests/q-000004.json
forge . "Request copy approval beta/q-000004" "$T/beta.key" beta manager request "$q4" >/dev/null
git branch -q requests/beta/q-000004
expect_exit 0 "$ITAKU" verify
sha4=$(record_sha "$T/beta" HEAD "$q4")
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
scratch acme
cd "$T/acme-x"
write_mark parties/acme/endorsements/beta/e-000003.json endorsement beta/q-000004 "$sha2" \
    verdict endorse
bad=$(forge . "Endorse beta/q-000004 with the old hash" "$T/acme.key" acme manager endorse \
    parties/acme/endorsements/beta/e-000003.json)
expect_rejected "$bad" V6 parties/acme/endorsements/beta/e-000003.json
expect_output "hash of another version"
cd "$T/city"
expect_taken_refused "$bad" V6 "$ITAKU" receive acme "$T/acme-x"
at city "$ITAKU" receive acme "$T/acme" >/dev/null
cd "$T/city"
expect_refused "acme has not endorsed beta/q-000004" "$ITAKU" approve beta/q-000004
expect_refused "superseded by beta/q-000004" "$ITAKU" approve beta/q-000002
scratch city
cd "$T/city-x"
d=parties/$CITY/decisions/beta/d-000002.json
write_mark "$d" decision beta/q-000004 "$sha4" outcome approved
bad=$(forge . "Approve the correction on the old endorsement" "$T/city.key" $CITY officer approve "$d")
expect_rejected "$bad" V6 "$d"
expect_output "no endorsement of beta/q-000004 by acme"
git reset -q --hard HEAD~1
write_mark "$d" decision beta/q-000002 "$sha2" outcome approved
bad2=$(forge . "Approve the superseded request" "$T/city.key" $CITY officer approve "$d")
expect_rejected "$bad2" V6 "$d"
expect_output "superseded"
git reset -q --hard HEAD~1
write_mark "$d" decision beta/q-000002 "$sha4" outcome approved
bad3=$(forge . "Approve with another request's hash" "$T/city.key" $CITY officer approve "$d")
expect_rejected "$bad3" V6 "$d"
cd "$T/acme"
for b in "$bad" "$bad2" "$bad3"; do
    git -C "$T/city-x" update-ref refs/heads/main "$b"
    expect_taken_refused "$b" V6 "$ITAKU" pull "$T/city-x"
done
ok "an endorsement or decision reused for a superseded or different request is refused (V6)"

# An old request branch replayed: q-000004 endorsed and approved, then the
# city's decision merged again, acme's receipt of the old request commit, and
# beta's request branch set back.
at acme "$ITAKU" endorse beta/q-000004 >/dev/null
at city "$ITAKU" receive acme "$T/acme" >/dev/null
at city "$ITAKU" approve beta/q-000004 >/dev/null
chain_down beta
cd "$T/city"
expect_refused "approved already" "$ITAKU" approve beta/q-000004
scratch city
cd "$T/city-x"
d=parties/$CITY/decisions/beta/d-000003.json
write_mark "$d" decision beta/q-000004 "$sha4" outcome approved
bad=$(forge . "Approve beta/q-000004 once more" "$T/city.key" $CITY officer approve "$d")
expect_rejected "$bad" V6 "$d"
expect_output "decided before"
cd "$T/acme"
expect_taken_refused "$bad" V6 "$ITAKU" pull "$T/city-x"
# acme takes the commit of beta/q-000002 again, as if it were beta's line
old=$(git -C "$T/beta" rev-parse ":/Request copy approval beta/q-000002")
scratch acme
cd "$T/acme-x"
msg="Receive the line of beta

Itaku-Party: acme
Itaku-Principal: manager
Itaku-Action: receive
Itaku-Received: beta $old
Itaku-Content-SHA256: $(trailers acme manager receive | sed -n 's/^Itaku-Content-SHA256: //p')"
bad=$(git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit-tree -S \
    -p HEAD -p "$old" -m "$msg" "HEAD^{tree}")
git update-ref refs/heads/main "$bad"
git reset -q --hard main
expect_rejected "$bad" V8
expect_output "does not descend from"
cd "$T/city"
expect_taken_refused "$bad" V8 "$ITAKU" receive acme "$T/acme-x"
# beta's request branch set back to the bare request: acme keeps what it has
scratch beta
git -C "$T/beta-x" branch -q -f requests/beta/q-000002 "$old"
cd "$T/acme"
before=$(git rev-parse refs/heads/requests/beta/q-000002)
expect_exit 0 "$ITAKU" receive beta "$T/beta-x"
[ "$(git rev-parse refs/heads/requests/beta/q-000002)" = "$before" ] ||
    fail "a request branch set back was taken"
expect_refused "superseded|is endorsed|already" "$ITAKU" endorse beta/q-000002
ok "an old request branch replayed is refused (decided twice V6, received again V8, branch not set back)"

for p in city acme beta gamma; do expect_exit 0 "$ITAKU" -C "$T/$p" verify; done
ok "after every refusal the four registries still verify"
finish
