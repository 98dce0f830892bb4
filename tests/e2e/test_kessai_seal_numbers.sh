#!/usr/bin/env bash
# 決裁 by officers in two clones of the city's hosted registry (DESIGN §7,
# V12): two 課長 each seal, and so decide, a different request. Both seals
# get the id s-000001 in their clones. The first push wins; the second
# officer's itaku pull makes the seal again with the next free id (s-000002)
# on its decision branch, then the decision listing it, on the hub's main;
# the push, verify and the hub take it. Before, pull stopped at "the two
# lines conflict at …/seals/acme/s-000001.json" and asked for itaku pull.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
kessai_hub
B1=refs/heads/decisions/acme/q-000001
B2=refs/heads/decisions/acme/q-000002

cd "$T/city"
expect_exit 0 push_as akiruno-city main:main
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_exit 0 push_as akiruno-city "$B1:$B1" "$B2:$B2"
officer_clone kacho-clone "$T/kacho.key"
officer_clone kacho2-clone "$T/kacho2.key"

cd "$T/kacho-clone"
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve
expect_output "acme/q-000001 is approved"
git show main --format= --name-only -m | has 'seals/acme/s-000001.json' || fail "kacho's seal is not s-000001"
expect_exit 0 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub

cd "$T/kacho2-clone"
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --reason "業務上必要"
expect_output "acme/q-000002 is approved"
git show main --format= --name-only -m | has 'seals/acme/s-000001.json' || fail "kacho2's seal is not s-000001"
WAS=$(git rev-parse main)
expect_exit 2 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub
expect_output "itaku pull hub"
ok "two 課長 in two clones each seal and decide a different request; both seals are s-000001"

expect_exit 0 "$ITAKU" pull hub
expect_output "acme/q-000002 is approved: the decision not pushed \(${WAS:0:12}\) was made again .*1 of its seals had an id the city's main gives another seal, and was sealed again with a free id"
git show "$B2" --format= --name-only | has 'seals/acme/s-000002.json' ||
    fail "the seal was not made again as s-000002 on the decision branch"
[ "$(git show "$B2:parties/akiruno-city/seals/acme/s-000002.json" | python3 -c 'import json,sys; b=json.load(sys.stdin)["body"]; print(b["request"], b["verdict"], b["principal"], b.get("reason"))')" = \
    "acme/q-000002 approved kacho2 業務上必要" ] || fail "the seal made again does not carry the same verdict and reason"
D=$(git show main --format= --name-only | grep "decisions/acme/" | head -1)
[ -n "$D" ] || fail "main's newest commit is no decision"
[ "$(git show "main:$D" | python3 -c 'import json,sys; b=json.load(sys.stdin)["body"]; print(b["request"], ",".join(b["seals"]))')" = \
    "acme/q-000002 s-000002" ] || fail "the decision made again does not list the seal s-000002: $(git show "main:$D")"
[ "$(git show main:parties/akiruno-city/seals/acme/s-000001.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["body"]["request"])')" = \
    "acme/q-000001" ] || fail "the hub's s-000001 is not kacho's seal on acme/q-000001"
expect_exit 0 "$ITAKU" verify
expect_exit 0 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub
[ "$(git -C "$HUB" rev-parse main)" = "$(git rev-parse main)" ] || fail "the hub did not take main"
[ "$(git -C "$HUB" rev-parse "$B2")" = "$(git rev-parse "$B2")" ] || fail "the hub did not take the decision branch"
(cd "$HUB" && expect_exit 0 "$ITAKU" verify)
expect_exit 0 "$ITAKU" requests --all
grep -E "^acme/q-000001 " "$T/out" | grep -q approved || fail "q-000001 is not approved: $(cat "$T/out")"
grep -E "^acme/q-000002 " "$T/out" | grep -q approved || fail "q-000002 is not approved: $(cat "$T/out")"
ok "itaku pull makes the second seal again as s-000002 and the decision listing it; push, verify and the hub take them"
finish
