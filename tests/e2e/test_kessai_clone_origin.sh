#!/usr/bin/env bash
# 決裁 (DESIGN §7, V12): a city officer who clones the city's hosted
# registry with `itaku clone --key` gets a clone whose origin is tagged with
# the city (remote.origin.itakuParty), as a contractor's origin is tagged
# with its parent: `itaku fetch origin` brings the drafts (decisions/*) the
# other officers pushed, and the 課長 seals one there without first running
# `itaku remote add … --party`.
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

expect_exit 0 "$ITAKU" clone "$HUB" "$T/kacho" --city-key "$CITY_FPR" --genesis "$GENESIS" \
    --key "$T/kacho.key"
cd "$T/kacho"
[ "$(git config remote.origin.itakuParty)" = akiruno-city ] ||
    fail "origin of a city officer's clone is not tagged with the city: '$(git config remote.origin.itakuParty)'"
[ "$(git config itaku.party)" = akiruno-city ] || fail "the clone is not the city's"
expect_exit 0 "$ITAKU" fetch origin
git rev-parse -q --verify "$B" >/dev/null || fail "itaku fetch origin did not bring $B"
ok "a city officer's clone has origin tagged with the city; itaku fetch origin brings the drafts"

expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify
ok "the 課長 seals the draft in that clone, and the decision verifies"
finish
