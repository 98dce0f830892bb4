#!/usr/bin/env bash
# Issue 10, point 4, on a hosted registry, down a chain (city > acme > beta >
# gamma): beta may move its request branch only to a commit of beta or of a
# party between it and the city (acme's endorsement), never to a commit of a
# party below it (gamma). The hook decides it from the tip's signature, as
# every fetch does, whoever pushes.
. "$(dirname "$0")/lib.sh"

setup_chain
HUB=$T/hub
expect_exit 0 "$ITAKU" server init "$HUB" --city-key "$CITY_FPR" --genesis "$GENESIS"
hub_refs() { git -C "$HUB" for-each-ref --format='%(refname) %(objectname)'; }
party_of() { git -C "$1" log -1 --format='%(trailers:key=Itaku-Party,valueonly)' "$2" | head -1; }
(cd "$T/city" && ITAKU_PARTY=akiruno-city git push -q "$HUB" main:main)
gamma_commit=$(git -C "$T/gamma" rev-parse main)
acme_commit=$(git -C "$T/acme" log -1 --format=%H --grep '^Itaku-Action: endorse$' main)
[ "$(party_of "$T/gamma" "$gamma_commit")" = gamma ] || fail "gamma's main is not gamma's: the test proves nothing"
[ -n "$acme_commit" ] && [ "$(party_of "$T/acme" "$acme_commit")" = acme ] ||
    fail "acme's endorsement is not acme's: the test proves nothing"

# hostile: beta pushes its own request branch at gamma's commit (below it)
before=$(hub_refs)
(cd "$T/gamma" && expect_exit 1 env ITAKU_PARTY=beta git push "$HUB" "main:refs/heads/requests/beta/q-000009")
expect_output "requests/beta/q-000009.*signed by gamma"
[ "$(hub_refs)" = "$before" ] || fail "the hook took beta's request branch at gamma's commit"
ok "the hook refuses beta's request branch at a commit of gamma (below beta), naming the signer; the hub's refs unchanged"

# the twin: beta pushes its request branch at acme's endorsement (between beta and the city)
(cd "$T/acme" && expect_exit 0 env ITAKU_PARTY=beta git push "$HUB" "$acme_commit:refs/heads/requests/beta/q-000001")
[ "$(git -C "$HUB" rev-parse refs/heads/requests/beta/q-000001)" = "$acme_commit" ] ||
    fail "the hook did not take beta's request branch at acme's endorsement"
ok "twin: beta's request branch at acme's endorsement (an intermediate party) is taken"
finish
