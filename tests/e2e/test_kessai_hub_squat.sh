#!/usr/bin/env bash
# 決裁 through a hosted registry (DESIGN §7, V12): a city login may not park
# another commit on a decision branch. The hook takes decisions/<R>/<rec>
# only at the draft of that request (made on main, merging the request) and
# the seals on it: another request's draft, main, an older main, a request
# that does not exist, an unknown party are each refused with a message, and
# the honest draft, seal and decision still go through after.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
kessai_hub
B=refs/heads/decisions/acme/q-000001
Q2=refs/heads/decisions/acme/q-000002

cd "$T/city"
expect_exit 0 push_as akiruno-city main:main
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_output "起案|draft"

refused_push "no decision branch of acme/q-000001: no commit along its first parents adds the city's draft" \
    akiruno-city "$Q2:$B"
ok "the draft of acme/q-000002 may not be parked on decisions/acme/q-000001"

refused_push "no decision branch of acme/q-000001" akiruno-city "main:$B"
refused_push "no decision branch of acme/q-000001" akiruno-city "main~3:$B"
ok "main, or an older main, may not be parked on a decision branch"

refused_push "no decision branch of acme/q-000099: .*does the request exist" akiruno-city \
    "main:refs/heads/decisions/acme/q-000099"
refused_push "no decision branch of nobody/q-000001" akiruno-city \
    "$Q2:refs/heads/decisions/nobody/q-000001"
ok "no decision branch is taken for a request that does not exist or an unknown party"

# a commit of the city on top of a draft that is no seal of it: an officer
# added with the decision branch checked out
git checkout -q "${Q2#refs/heads/}"
expect_exit 0 "$ITAKU" key generate "$T/tanto4.key" --comment tanto4
expect_exit 0 "$ITAKU" key add "$T/tanto4.key.pub" --principal tanto4 --post 担当
NOTSEAL=$(git rev-parse HEAD)
git checkout -q main
git update-ref "$Q2" "$NOTSEAL^"
[ "$NOTSEAL" != "$(git rev-parse "$Q2")" ] || fail "the key was not added on the decision branch"
refused_push "commit ${NOTSEAL:0:12} between the tip and the draft [0-9a-f]+ of acme/q-000002 is not a seal of it" \
    akiruno-city "$NOTSEAL:$Q2"
ok "a commit that is no seal does not ride on a draft"

# a draft made on a main the hub does not have yet is taken with that main
expect_exit 0 "$ITAKU" key generate "$T/tanto3.key" --comment tanto3
expect_exit 0 "$ITAKU" key add "$T/tanto3.key.pub" --principal tanto3 --post 担当
expect_exit 0 "$ITAKU" approve acme/q-000001
refused_push "is not made on the registry's main .*push main with it" akiruno-city "$B:$B"
expect_exit 0 push_as akiruno-city main:main "$B:$B" "$Q2:$Q2"
expect_output "ok $B"
ok "the honest drafts are taken, with the main they were made on"

# the honest seal and decision after every refusal
git clone -q "$HUB" "$T/kacho-clone"
cd "$T/kacho-clone"
git config itaku.signingKey "$T/kacho.key"
git config itaku.genesis "$GENESIS"
git config itaku.cityKey "$CITY_FPR"
git config itaku.party akiruno-city
expect_exit 0 "$ITAKU" remote add hub "$HUB" --party akiruno-city
expect_exit 0 "$ITAKU" fetch hub
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify
expect_exit 0 push_as akiruno-city "$B:$B" main:main
expect_output "ok $B"
expect_exit 0 "$ITAKU" requests --all
expect_output "q-000001.*(approved|承認)"
ok "the 課長 seals the honest draft and decides; the hub takes seal and decision"

# once decided, main is still no decision branch
refused_push "no decision branch of acme/q-000003" akiruno-city "main:refs/heads/decisions/acme/q-000003"
ok "a decided main is no decision branch of another request either"
finish
