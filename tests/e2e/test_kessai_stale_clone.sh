#!/usr/bin/env bash
# 決裁 in a clone that is behind the city's hosted registry (DESIGN §7, V12):
# officer A pushed other city commits to main while the 課長's clone still
# held the old main; the 課長's seal completes the rule, so the decision merge
# is made on that old main. itaku push says in a sentence why main was not
# pushed and names itaku pull, which takes the hub's main and makes the
# unpushed decision again on top of it with the same seals; then the push
# goes through, the hub verifies, and the decision shows once. itaku fetch
# moves a clone's main forward when it has no commits of its own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
kessai_hub
B=refs/heads/decisions/acme/q-000001

cd "$T/city"
expect_exit 0 push_as akiruno-city main:main
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_output "Drafted"
expect_exit 0 push_as akiruno-city "$B:$B"

officer_clone kacho-clone "$T/kacho.key"
officer_clone kacho2-clone "$T/kacho2.key"

# officer A goes on: acme files another request, the city receives it and
# pushes main; the 課長's clone does not know
(cd "$T/acme" && "$ITAKU" request submit copy --summary "追加の申請" --details "作業のため") >/dev/null 2>&1
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 push_as akiruno-city main:main
HUB_MAIN=$(git -C "$HUB" rev-parse main)

# itaku fetch moves a clone's main forward when it has no commits of its own
cd "$T/kacho2-clone"
OLD=$(git rev-parse main)
expect_exit 0 "$ITAKU" fetch hub
expect_output "main moved forward"
[ "$(git rev-parse main)" = "$HUB_MAIN" ] || fail "itaku fetch did not fast-forward main"
git diff --quiet HEAD || fail "the work tree was not brought up to date"
[ "$OLD" != "$HUB_MAIN" ] || fail "the test's clone was not behind"
ok "itaku fetch fast-forwards main when it is strictly behind and has no commits of its own"

# the 課長's stale clone: its seal completes the rule, the decision is made on its old main
cd "$T/kacho-clone"
STALE=$(git rev-parse main)
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve
expect_output "acme/q-000001 is approved"
SEALED=$(git rev-parse "$B")
DECIDED=$(git rev-parse main)
[ "$(git rev-parse main^1)" = "$STALE" ] || fail "the decision was not made on the clone's main"
before=$(hub_refs)
expect_exit 2 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub
expect_output "main on remote 'hub' holds commits this clone lacks"
expect_output "itaku pull hub"
if grep -q "non-fast-forward\|cannot push non-fastforwardable" "$T/out" "$T/err"; then
    fail "the push refusal is libgit2's raw text: $(cat "$T/err")"
fi
[ "$(hub_refs)" = "$before" ] || fail "the refused push changed the hub"
[ "$(git rev-parse main)" = "$DECIDED" ] || fail "the refused push moved main"
expect_exit 2 env LANG=ja_JP.UTF-8 ITAKU_PARTY=akiruno-city "$ITAKU" push hub
expect_output "itaku pull hub"
expect_output "この複製にないコミットがあります"
ok "the stale clone's push is refused with a sentence naming itaku pull, nothing moved"

# fetch says main has a commit of its own and leaves it
expect_exit 0 "$ITAKU" fetch hub
expect_output "itaku pull hub"
[ "$(git rev-parse main)" = "$DECIDED" ] || fail "itaku fetch moved a main with commits of its own"

# the recovery: pull makes the decision again on the hub's main, same seals
expect_exit 0 "$ITAKU" pull hub
expect_output "acme/q-000001"
expect_output "made again"
NEW=$(git rev-parse main)
[ "$(git rev-parse main^1)" = "$HUB_MAIN" ] || fail "the decision was not made again on the hub's main"
[ "$(git rev-parse main^2)" = "$SEALED" ] || fail "the decision made again does not merge the same seals"
[ "$(git rev-parse "$B")" = "$SEALED" ] || fail "the decision branch moved"
git reflog main | has "${DECIDED:0:7}" || fail "the first decision merge is not in main's reflog"
git diff --quiet HEAD || fail "the work tree was not brought up to date"
expect_exit 0 "$ITAKU" verify
ok "itaku pull makes the unpushed decision again on the hub's main, with the same seals"

expect_exit 0 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub
[ "$(git -C "$HUB" rev-parse main)" = "$NEW" ] || fail "the hub did not take the decision"
[ "$(git -C "$HUB" rev-parse "$B")" = "$SEALED" ] || fail "the hub did not take the seal"
cd "$HUB"
expect_exit 0 "$ITAKU" verify
cd "$T/kacho-clone"
expect_exit 0 "$ITAKU" requests --all
n=$(grep -c "acme/q-000001" "$T/out" || true)
[ "$n" = 1 ] || fail "acme/q-000001 is listed $n times: $(cat "$T/out")"
expect_output "acme/q-000001 .*approved"
expect_exit 0 env LANG=C "$ITAKU" history acme/q-000001
n=$(grep -c "decided" "$T/out" || true)
[ "$n" = 1 ] || fail "the decision is shown $n times in history: $(cat "$T/out")"
ok "the push goes through, the hub verifies, and the decision shows once"

# two 課長 complete the same draft in two clones; the second one's pull finds
# the request decided on the hub's main and leaves its own decision out
Q2=refs/heads/decisions/acme/q-000002
cd "$T/city"
expect_exit 0 "$ITAKU" pull "$HUB"
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_exit 0 push_as akiruno-city "$Q2:$Q2"
for clone in kacho-clone kacho2-clone; do
    (cd "$T/$clone" && "$ITAKU" fetch hub) >/dev/null 2>&1 || fail "$clone cannot fetch"
done
cd "$T/kacho2-clone"
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve
expect_output "acme/q-000002 is approved"
expect_exit 0 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub
cd "$T/kacho-clone"
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve
expect_output "acme/q-000002 is approved"
MINE=$(git rev-parse "$Q2")
expect_exit 2 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub
expect_output "itaku pull hub"
expect_exit 0 "$ITAKU" pull hub
expect_output "acme/q-000002: the city's main decides it already; this clone's decision .* was left out"
[ "$(git rev-parse main)" = "$(git -C "$HUB" rev-parse main)" ] || fail "main is not the hub's"
[ "$(git rev-parse "$Q2")" = "$MINE" ] || fail "this clone's seal was lost"
expect_exit 0 "$ITAKU" verify
before=$(hub_refs)
expect_exit 0 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub
expect_output "decisions/acme/q-000002 on remote 'hub' holds commits this clone lacks"
[ "$(hub_refs)" = "$before" ] || fail "the push moved the hub's decided branch"
expect_exit 0 env LANG=C "$ITAKU" history acme/q-000002
n=$(grep -c "decided" "$T/out" || true)
[ "$n" = 1 ] || fail "the decision is shown $n times in history: $(cat "$T/out")"
ok "a request the hub's main decided already is left out by itaku pull; the clone's seal stays on its branch"
finish
