#!/usr/bin/env bash
# Issue 10, point 4, on a hosted registry: a request branch moves only to a
# commit of its requester or of a party between it and the city. The hook
# checks who pushes; it must also check whose commit the branch points at,
# or a pushed branch that every fetch then refuses blocks the city from
# receiving the requester's line through the hub. The twin: acme's request
# branch at acme's own commit is taken, and the city receives from the hub.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
register_body >"$T/entry.json"
"$ITAKU" record add register "$T/entry.json" >/dev/null 2>&1
HUB=$T/hub
expect_exit 0 "$ITAKU" server init "$HUB" --city-key "$CITY_FPR" --genesis "$GENESIS"
hub_refs() { git -C "$HUB" for-each-ref --format='%(refname) %(objectname)'; }
(cd "$T/city" && ITAKU_PARTY=akiruno-city git push -q "$HUB" main:main)
expect_exit 0 env ITAKU_PARTY=acme git push "$HUB" main:refs/heads/parties/acme/main
city_commit=$(git -C "$T/city" rev-parse main)

# the hostile push: acme's request branch at the city's commit
before=$(hub_refs)
expect_exit 1 env ITAKU_PARTY=acme git push "$HUB" "$city_commit:refs/heads/requests/acme/q-000009"
expect_output "requests/acme/q-000009"
[ "$(hub_refs)" = "$before" ] || fail "the hook took a request branch at the city's commit"
ok "the hook refuses a request branch of acme at a commit the city signed; the hub's refs unchanged"

# the twin: acme's request branch at acme's own commit
expect_exit 0 env ITAKU_PARTY=acme git push "$HUB" "main:refs/heads/requests/acme/q-000009"
(cd "$T/city" && expect_exit 0 "$ITAKU" receive acme "$HUB" && expect_exit 0 "$ITAKU" verify)
ok "twin: acme's request branch at its own commit is taken, and the city receives acme's line from the hub"
finish
