#!/usr/bin/env bash
# 決裁 (DESIGN §7, V12): a fetch applies the hub's check of a decision
# branch. An officer's clone fetching from another officer's clone (or from
# a hub that never checked) takes decisions/<R>/<rec> only when it is the
# draft of that request and the seals on it (itk_kessai_branch_check, as
# the hook): main parked on the name, another request's draft, a commit
# that is no seal riding on a draft are each left untaken and named; the
# honest draft is taken beside them, and the fetch succeeds. In the clone
# where they were parked, itaku requests and kessai read them without fault.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
B1=refs/heads/decisions/acme/q-000001
B2=refs/heads/decisions/acme/q-000002
B3=refs/heads/decisions/acme/q-000003
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_exit 0 "$ITAKU" clone "$T/city" "$T/kacho" --city-key "$CITY_FPR" --genesis "$GENESIS" \
    --key "$T/kacho.key"
[ "$(git -C "$T/kacho" config remote.origin.itakuParty)" = akiruno-city ] ||
    fail "the officer's clone's origin is not tagged with the city"

# in the first clone: main parked on q-000001's name; q-000002's draft on
# q-000004's name; a key added on top of q-000003's draft
git update-ref "$B1" main
git update-ref refs/heads/decisions/acme/q-000004 "$B2"
expect_exit 0 "$ITAKU" approve acme/q-000003
git checkout -q decisions/acme/q-000003
expect_exit 0 "$ITAKU" key generate "$T/tanto4.key" --comment tanto4
expect_exit 0 "$ITAKU" key add "$T/tanto4.key.pub" --principal tanto4 --post 担当
git checkout -q main

cd "$T/kacho"
expect_exit 0 "$ITAKU" fetch origin
git rev-parse -q --verify "$B2" >/dev/null || fail "the honest draft of acme/q-000002 was not taken"
for b in "$B1" refs/heads/decisions/acme/q-000004 "$B3"; do
    git rev-parse -q --verify "$b" >/dev/null && fail "fetch took $b: $(git log --oneline -1 "$b")"
done
expect_output "decisions/acme/q-000001.* no decision branch of acme/q-000001"
expect_output "decisions/acme/q-000004.* no decision branch of acme/q-000004"
expect_output "decisions/acme/q-000003.* is not a seal of it"
ok "a fetch leaves untaken, and names, decision branches that are no draft-and-seal chain of their request; the honest draft is taken"

# where the branches were parked by plain git: itaku requests lists the
# requests (main parked on q-000001's name is no draft, and leaves nothing
# open behind), and itaku kessai names the branch
cd "$T/city"
expect_exit 0 "$ITAKU" requests
expect_output "acme/q-000001 +copy +pending"
expect_refused "decisions/acme/q-000001 holds no draft of acme/q-000001; it is not a decision branch" \
    "$ITAKU" kessai acme/q-000001 --approve --reason 適当 --key "$T/kacho.key"
ok "in the clone where they were parked, itaku requests lists the requests and itaku kessai names the branch that holds no draft"

cd "$T/kacho"
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --reason 適当
expect_output "acme/q-000002 is approved"
expect_exit 0 "$ITAKU" verify
ok "the 課長 seals the honest draft fetched beside them"
finish
