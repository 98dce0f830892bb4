#!/usr/bin/env bash
# The chain issue's flows across four registries — the city, a contractor,
# a subcontractor and a sub-subcontractor, each in its own folder with its
# own key: receive and pull, requests with endorsements and decisions by
# merge, subcontractor onboarding, prior approval, instructions, keys.
. "$(dirname "$0")/lib.sh"
at() { (cd "$T/$1" && shift && "$@"); }

setup_city_and_contractor
for k in beta gamma; do "$ITAKU" key generate "$T/$k.key" >/dev/null; done
rm -rf "$T/acme"
expect_exit 0 "$ITAKU" clone "$T/city" "$T/acme" --city-key "$CITY_FPR" --genesis "$GENESIS"
git -C "$T/acme" config itaku.signingKey "$T/acme.key"
at acme "$ITAKU" acknowledge >/dev/null
ok "the contractor joins with itaku clone (pinned) and acknowledges the obligations"

# 2. request → decision by the city (no intermediate party)
form6_for beta "$T/beta.key.pub" >"$T/form6-beta.json"
req=$(at acme "$ITAKU" form submit 6 "$T/form6-beta.json" 2>/dev/null)
[ "$req" = acme/q-000001 ] || fail "form 6 request is $req"
git -C "$T/acme" rev-parse --verify -q refs/heads/requests/acme/q-000001 >/dev/null || fail "no request branch"
at city "$ITAKU" receive acme "$T/acme" >/dev/null
at city "$ITAKU" requests --json | python3 -c '
import json,sys; r=json.load(sys.stdin); assert r[0]["request"]=="acme/q-000001" and r[0]["next"]=="akiruno-city" and r[0]["state"]=="pending", r'
at city "$ITAKU" approve acme/q-000001 >/dev/null
git -C "$T/city" cat-file -e HEAD:parties/beta/party.json || fail "the approval did not register beta"
grep -q "$(cut -d' ' -f2 "$T/beta.key.pub")" <(git -C "$T/city" show HEAD:parties/beta/keys/$(git -C "$T/city" ls-tree --name-only HEAD parties/beta/keys/ | xargs -n1 basename)) ||
    fail "beta's registered key is not the one form 6 names"
at acme "$ITAKU" pull >/dev/null
at acme "$ITAKU" requests --mine --json | has '"state":"approved"' || fail "acme does not see its approval"
ok "form 6 → receipt → approval registers the subcontractor named in it (V7); the decision reaches the requester by pull"

# 3. the subcontractor joins; its own subcontractor is endorsed by the contractor
expect_exit 0 "$ITAKU" clone "$T/acme" "$T/beta" --city-key "$CITY_FPR" --genesis "$GENESIS"
git -C "$T/beta" config itaku.signingKey "$T/beta.key"
at beta "$ITAKU" acknowledge >/dev/null
form6_for gamma "$T/gamma.key.pub" >"$T/form6-gamma.json"
at beta "$ITAKU" request submit subcontract "$T/form6-gamma.json" >/dev/null 2>&1
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
at acme "$ITAKU" requests --json | has '"next":"acme"' || fail "acme is not asked to act"
# the city may not decide before the contractor endorses (V6)
at city "$ITAKU" receive acme "$T/acme" >/dev/null
git -C "$T/city" fetch -q "$T/acme" refs/heads/requests/beta/q-000001:refs/heads/requests/beta/q-000001
before=$(state_of "$T/city")
expect_exit 2 "$ITAKU" -C "$T/city" approve beta/q-000001
expect_output "acme has not endorsed"
[ "$before" = "$(state_of "$T/city")" ] || fail "a refused approval moved refs"
at acme "$ITAKU" endorse beta/q-000001 >/dev/null
# the city approves by merging the request branch (not yet received)
git -C "$T/city" fetch -q "$T/acme" +refs/heads/requests/beta/q-000001:refs/heads/requests/beta/q-000001
at city "$ITAKU" approve beta/q-000001 >/dev/null
[ "$(git -C "$T/city" rev-list --parents -n1 HEAD | wc -w)" = 3 ] || fail "the approval is not a merge"
git -C "$T/city" log -1 --format=%B | has "^Itaku-Received: acme " || fail "approval merge lacks Itaku-Received"
at acme "$ITAKU" pull >/dev/null
at beta "$ITAKU" pull >/dev/null
expect_exit 0 "$ITAKU" clone "$T/beta" "$T/gamma" --city-key "$CITY_FPR" --genesis "$GENESIS"
git -C "$T/gamma" config itaku.signingKey "$T/gamma.key"
at gamma "$ITAKU" acknowledge >/dev/null
ok "a sub-subcontractor joins: endorsed by the contractor, approved by the city's merge, cloned from its contractor"

# 4. decline, reject, return, withdraw
at gamma "$ITAKU" request submit take-out --summary "持出し" >/dev/null 2>&1
at beta "$ITAKU" receive gamma "$T/gamma" >/dev/null
at beta "$ITAKU" decline gamma/q-000001 --reason "不要" >/dev/null
at beta "$ITAKU" requests --all --json | has '"state":"declined"' || fail "decline not shown"
at beta "$ITAKU" request submit third-party-provision --summary "提供" >/dev/null 2>&1
at beta "$ITAKU" withdraw beta/q-000002 >/dev/null
# (the withdrawal is itself a request record, beta/q-000003)
at beta "$ITAKU" requests --mine --json | has '"state":"withdrawn"' || fail "withdrawal not shown"
at beta "$ITAKU" request submit other-purpose-use --summary "目的外" >/dev/null 2>&1
at beta "$ITAKU" request submit take-out --summary "持出し" >/dev/null 2>&1
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
at acme "$ITAKU" endorse beta/q-000004 >/dev/null
at acme "$ITAKU" endorse beta/q-000005 >/dev/null
at city "$ITAKU" receive acme "$T/acme" >/dev/null
at city "$ITAKU" reject beta/q-000004 --reason "目的外利用は認めない" >/dev/null
at city "$ITAKU" return beta/q-000005 --reason "期間を明記してください" >/dev/null
expect_exit 2 "$ITAKU" -C "$T/city" approve beta/q-000005
expect_output "returned already"
at acme "$ITAKU" pull >/dev/null
at beta "$ITAKU" pull >/dev/null
at beta "$ITAKU" requests --mine --json | python3 -c '
import json,sys; s={r["request"]:r["state"] for r in json.load(sys.stdin)}
assert s["beta/q-000004"]=="rejected" and s["beta/q-000005"]=="returned", s'
ok "decline, withdraw, reject and return (差戻し) reach the requester; a decided request stays decided"

# 5. prior approval
at beta "$ITAKU" register add --action received --item-id item-1 --info "住民データ" --medium usb \
    --quantity 1 --handler "鈴木" --method hand-delivery >/dev/null 2>&1
copy() { "$ITAKU" -C "$T/beta" register add --action copied --item-id "item-$1" --derived-from item-1 \
    --info "住民データ(写)" --medium file --quantity 1 --handler "鈴木" "${@:2}"; }
for req in "" "--approval beta/q-000004" "--approval beta/q-000005" "--approval beta/q-000002"; do
    before=$(state_of "$T/beta")
    expect_exit 2 copy 2 $req
    [ "$before" = "$(state_of "$T/beta")" ] || fail "a refused copy entry was written ($req)"
done
at beta "$ITAKU" request submit copy --summary "検証用に複製" --item item-1 >/dev/null 2>&1
expect_exit 2 copy 2 --approval beta/q-000006
expect_output "pending"
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
at acme "$ITAKU" endorse beta/q-000006 >/dev/null
at city "$ITAKU" receive acme "$T/acme" >/dev/null
at city "$ITAKU" approve beta/q-000006 --max-uses 1 --valid-until 2099-03-31 >/dev/null
at acme "$ITAKU" pull >/dev/null
at beta "$ITAKU" pull >/dev/null
expect_exit 0 copy 2 --approval beta/q-000006
expect_exit 2 copy 3 --approval beta/q-000006
expect_output "all used"
expect_exit 0 copy 3 --unapproved --reason "障害対応のため事後報告"
ok "prior approval: refused without, with a rejected, returned, withdrawn or pending request; allowed once approved; --unapproved records the truth"

# 6. instructions and answers
n=$(at city "$ITAKU" instruct report --to beta --due 2099-12-10 --text "履行状況を報告してください" 2>/dev/null)
at acme "$ITAKU" pull >/dev/null
at beta "$ITAKU" pull >/dev/null
at beta "$ITAKU" instructions --json | has "\"instruction\":\"$n\"" || fail "beta does not see $n"
form4_answering "$n" >"$T/form4.json"
at beta "$ITAKU" form submit 4 "$T/form4.json" >/dev/null 2>&1
at beta "$ITAKU" instructions --all --json | has '"answer":"beta/f4-000001"' || fail "answer not linked"
expect_exit 2 "$ITAKU" -C "$T/beta" instruct report --to acme --due 2099-01-01 --text x
expect_output "not below beta"
ok "instructions go down to descendants and are answered by records citing them"

# 7. keys over time
"$ITAKU" key generate "$T/beta2.key" >/dev/null
at beta "$ITAKU" key add "$T/beta2.key.pub" --principal tanaka >/dev/null
at beta "$ITAKU" register add --action returned --item-id item-1 --info "住民データ" --medium usb \
    --quantity 1 --handler "田中" --method hand-delivery --key "$T/beta2.key" >/dev/null 2>&1
"$ITAKU" key generate "$T/beta3.key" >/dev/null
at beta "$ITAKU" key rotate "$T/beta3.key.pub" >/dev/null
git -C "$T/beta" config itaku.signingKey "$T/beta3.key"
expect_exit 2 "$ITAKU" -C "$T/beta" acknowledge --key "$T/beta.key"
expect_output "retired"
at beta "$ITAKU" acknowledge >/dev/null
# acme marks beta's second key compromised from its last good commit on
lg=$(git -C "$T/beta" log -1 --format=%H -- parties/beta/register)
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
fpr2=$("$ITAKU" key show "$T/beta2.key" | awk '{print $2}')
at acme "$ITAKU" key compromised "$fpr2" --last-good "$lg" --reason "端末紛失" >/dev/null
# the city recovers a lost key of gamma, and gamma confirms it
"$ITAKU" key generate "$T/gamma2.key" >/dev/null
at acme "$ITAKU" pull >/dev/null
at city "$ITAKU" receive acme "$T/acme" >/dev/null
doc=$(printf '紛失届' | sha256sum | cut -d' ' -f1)
at city "$ITAKU" key recover gamma "$T/gamma2.key.pub" --document "$doc" --principal sato >/dev/null
at city "$ITAKU" log --json | has '"recovered":true' && fail "the recovery commit itself is not signed by the recovered key"
at acme "$ITAKU" pull >/dev/null
at beta "$ITAKU" pull >/dev/null
at gamma "$ITAKU" pull >/dev/null
git -C "$T/gamma" config itaku.signingKey "$T/gamma2.key"
at gamma "$ITAKU" register add --action received --item-id g-1 --info "住民データ" --medium usb \
    --quantity 1 --handler "佐藤" --method hand-delivery >/dev/null 2>&1
at gamma "$ITAKU" log --json | python3 -c '
import json,sys; e=json.load(sys.stdin)[0]; assert e["recovered"] is True, e'
at gamma "$ITAKU" key confirm >/dev/null
at gamma "$ITAKU" register add --action returned --item-id g-1 --info "住民データ" --medium usb \
    --quantity 1 --handler "佐藤" --method hand-delivery >/dev/null 2>&1
at gamma "$ITAKU" log --json | python3 -c '
import json,sys; e=json.load(sys.stdin)[0]; assert e["recovered"] is False, e'
ok "keys: a second principal, rotation (the old key signs no more), compromise by the party above, city recovery flagged until confirmed"

for p in city acme beta gamma; do
    expect_exit 0 "$ITAKU" -C "$T/$p" verify
done
ok "itaku verify passes in all four registries"
finish
