#!/usr/bin/env bash
# 決裁 by officers in two clones of the city's hosted registry (DESIGN §7,
# V12): two 課長 seal the same draft at the same time. The first push wins;
# the second officer's seal was made on a branch the hub has moved past.
# itaku push leaves that branch and says so, itaku fetch takes the hub's
# branch and sets the unpublished seal aside (nothing lost), and the same
# itaku kessai again seals on top of the other seal: a new id, signed anew,
# and the decision is taken.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
kessai_hub
B=refs/heads/decisions/acme/q-000003

cd "$T/city"
expect_exit 0 push_as akiruno-city main:main
expect_exit 0 "$ITAKU" approve acme/q-000003
expect_output "Drafted"
expect_exit 0 push_as akiruno-city "$B:$B"

# draft_clone NAME KEY: officer_clone, holding the hub's draft
draft_clone() {
    officer_clone "$1" "$2"
    [ "$(git -C "$T/$1" rev-parse "$B")" = "$(git -C "$HUB" rev-parse "$B")" ] ||
        fail "$1's clone did not take the draft"
}
draft_clone kacho-clone "$T/kacho.key"
draft_clone kacho2-clone "$T/kacho2.key"

# both seal the take-out (two 課長) at once; neither seal decides alone
cd "$T/kacho-clone"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --reason "暗号化すること"
expect_output "Sealed"
cd "$T/kacho2-clone"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve
expect_output "Sealed"
MINE=$(git rev-parse "$B")
cd "$T/kacho-clone"
expect_exit 0 push_as akiruno-city "$B:$B"
ok "two 課長 seal the same draft in two clones; the first push wins"

cd "$T/kacho2-clone"
before=$(hub_refs)
expect_exit 0 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub
expect_output "decisions/acme/q-000003 on remote 'hub' holds commits this clone lacks .*, so it was not pushed"
expect_output "itaku fetch hub"
[ "$(hub_refs)" = "$before" ] || fail "the push moved the hub's branch that holds the other seal"
expect_exit 0 env LANG=ja_JP.UTF-8 ITAKU_PARTY=akiruno-city "$ITAKU" push hub
expect_output "この複製にないコミットがあります"
expect_output "itaku fetch hub を実行してください"
ok "the second officer's push leaves the hub's branch as it is and says so, naming itaku fetch"

expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" fetch hub
expect_output "kacho2 の押印 s-000001（approved）は公開されていません"
expect_output "itaku kessai acme/q-000003 --approve"
git update-ref "$B" "$MINE"
git update-ref -d refs/itaku/overtaken/decisions/acme/q-000003
expect_exit 0 "$ITAKU" fetch hub
expect_output "acme/q-000003: seal s-000001 by kacho2 \(approved\) was not published"
expect_output "kacho2 seals again with: itaku kessai acme/q-000003 --approve"
[ "$(git rev-parse "$B")" = "$(git -C "$HUB" rev-parse "$B")" ] ||
    fail "itaku fetch did not take the hub's decision branch"
[ "$(git rev-parse refs/itaku/overtaken/decisions/acme/q-000003)" = "$MINE" ] ||
    fail "the unpublished seal was not kept"
ok "itaku fetch takes the hub's branch and keeps the unpublished seal aside, naming the command"

expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve
expect_output "acme/q-000003 is approved"
git show main --format= --name-only -m | has 'seals/acme/s-000002.json' ||
    fail "the seal made again has no new id"
expect_exit 0 "$ITAKU" verify
expect_exit 0 push_as akiruno-city "$B:$B" main:main
expect_exit 0 "$ITAKU" history acme/q-000003
expect_output "sealed .*決裁 by kacho \(課長\)"
expect_output "sealed .*決裁 by kacho2 \(課長\)"
ok "the second 課長 seals again on top of the first seal (s-000002) and the decision is taken; the hub takes it"

# the other officer's clone follows: its branch moves forward, nothing set aside
cd "$T/kacho-clone"
expect_exit 0 "$ITAKU" fetch hub
if grep -q "was not published" "$T/out"; then fail "a clone with nothing unpublished was told it had"; fi
[ "$(git rev-parse "$B")" = "$(git -C "$HUB" rev-parse "$B")" ] ||
    fail "the first officer's clone did not take the branch with both seals"
if git rev-parse -q --verify refs/itaku/overtaken/decisions/acme/q-000003 >/dev/null; then
    fail "a clone whose seal was published had it set aside"
fi
ok "the first officer's clone takes the branch forward, nothing set aside"
# two 担当 draft the same request at once: the first push wins, the second
# drafter's clone takes the hub's draft and keeps its own aside
draft_clone tanto2-clone "$T/tanto2.key"
Q1=refs/heads/decisions/acme/q-000001
cd "$T/city"
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 0 push_as akiruno-city "$Q1:$Q1"
cd "$T/tanto2-clone"
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_output "Drafted"
MINE=$(git rev-parse "$Q1")
expect_exit 0 "$ITAKU" fetch hub
expect_output "acme/q-000001: draft dr-[0-9]+ by tanto2 \(approved\) was not published"
[ "$(git rev-parse "$Q1")" = "$(git -C "$HUB" rev-parse "$Q1")" ] ||
    fail "the second drafter's clone did not take the hub's draft"
[ "$(git rev-parse refs/itaku/overtaken/decisions/acme/q-000001)" = "$MINE" ] ||
    fail "the second draft was not kept"
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify
ok "two drafts of one request at once: the second drafter's clone follows the hub's draft, keeps its own aside, and the draft is sealed"
finish
