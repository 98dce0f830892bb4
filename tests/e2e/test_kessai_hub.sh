#!/usr/bin/env bash
# 決裁 through a hosted registry (DESIGN §7, V12): the hook lets only the
# city's logins move decisions/<R>/<rec>, fast-forward only, to the city's
# own commits; a second officer's clone takes the draft with stock git,
# seals it, and the decision it makes is taken by the hub.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
kessai_hub
B=refs/heads/decisions/acme/q-000001

cd "$T/city"
expect_exit 0 push_as akiruno-city main:main
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 0 push_as akiruno-city "$B:$B"
expect_output "ok $B"
ok "the city pushes its draft on decisions/acme/q-000001 and the hook takes it"

refused_push "decision branch .* is the city's alone" acme "$B:refs/heads/decisions/acme/q-000002"
refused_push "signed by acme" akiruno-city "refs/heads/requests/acme/q-000001:refs/heads/decisions/acme/q-000003"
ok "acme's login may not move a decision branch, nor may the city's point one at acme's commit"

# a second officer's clone: the 課長 fetches the draft through the quarantine and seals
git clone -q "$HUB" "$T/kacho-clone"
cd "$T/kacho-clone"
git config itaku.signingKey "$T/kacho.key"
git config itaku.genesis "$GENESIS"
git config itaku.cityKey "$CITY_FPR"
git config itaku.party akiruno-city
expect_exit 0 "$ITAKU" remote add hub "$HUB" --party akiruno-city
expect_exit 0 "$ITAKU" fetch hub
[ "$(git rev-parse "$B")" = "$(git -C "$HUB" rev-parse "$B")" ] || fail "itaku fetch did not take the draft"
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify
expect_exit 0 push_as akiruno-city "$B:$B" main:main
ok "the 課長's clone takes the draft, seals it, decides, and the hub takes the seal and the decision"

# a rewritten decision branch (not a fast-forward) is refused
cd "$T/city"
expect_exit 0 "$ITAKU" approve acme/q-000002
refused_push "fast-forwards only|non-fast-forward|rejected" akiruno-city "+refs/heads/decisions/acme/q-000002:$B"
ok "a decision branch moves forward only"

# itaku push carries the city's decision branches (to a shared bare clone)
git init -q --bare "$T/shared"
expect_exit 0 "$ITAKU" remote add shared "$T/shared" --party akiruno-city
expect_exit 0 "$ITAKU" push shared
Q2=refs/heads/decisions/acme/q-000002
[ "$(git -C "$T/shared" rev-parse "$Q2")" = "$(git rev-parse "$Q2")" ] ||
    fail "itaku push did not carry the draft of acme/q-000002"
ok "itaku push carries the city's decisions in progress with its main"

# a decision branch at acme's commit (in a folder no hook guards) is not taken
git push -q "$T/shared" "refs/heads/requests/acme/q-000001:refs/heads/decisions/acme/q-000009"
cd "$T/kacho-clone"
expect_exit 0 "$ITAKU" remote add shared "$T/shared" --party akiruno-city
expect_exit 0 "$ITAKU" fetch shared
expect_output "decision branch moves only to the city's commits"
if git rev-parse -q --verify refs/heads/decisions/acme/q-000009 >/dev/null; then
    fail "itaku fetch took a decision branch at acme's commit"
fi
[ "$(git rev-parse refs/heads/decisions/acme/q-000002)" = "$(git -C "$T/shared" rev-parse refs/heads/decisions/acme/q-000002)" ] ||
    fail "itaku fetch did not take the city's draft of acme/q-000002"
ok "itaku fetch takes the city's decision branches and refuses one at another party's commit"
finish
