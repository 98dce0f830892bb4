#!/usr/bin/env bash
# Two lines of the city both changing its settings (DESIGN V3, V4, §7): an
# officer's clone of the city's hosted registry amends the contract while
# another officer's amendment reached the hub first. Merging the two is
# refused, naming both settings commits and what to do; the clone's
# amendment is made again after the hub's with itaku pull, and pushed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
kessai_hub
cd "$T/city"
expect_exit 0 push_as akiruno-city main:main
officer_clone b "$T/tanto2.key"

# officer A amends the period's end and pushes; acme takes the city's main
# (with A's amendment) and files a request on top of it
cd "$T/city"
expect_exit 0 "$ITAKU" contract amend --end "$(day 210)" --reason "期間の延長"
A_AMEND=$(git rev-parse main)
expect_exit 0 push_as akiruno-city main:main
(cd "$T/acme" && "$ITAKU" pull "$T/city" >/dev/null &&
    "$ITAKU" request submit copy --summary "延長後の申請" --details "作業のため") >/dev/null 2>&1 ||
    fail "acme cannot take the amendment and file"

# officer B, behind, amends the work start (another field)
cd "$T/b"
expect_exit 0 "$ITAKU" contract amend --work-start "$(day 0)" --backdated --reason "作業開始日の訂正"
B_AMEND=$(git rev-parse main)
expect_exit 2 "$ITAKU" receive acme "$T/acme"
expect_output "conflict at parties/akiruno-city/contract-amendments/c-000001.json: both changed the city's settings"
expect_output "this one in commit ${B_AMEND:0:12} \\(Amend the contract settings \\(c-000001\\): 作業開始日の訂正\\)"
expect_output "the line merged in commit ${A_AMEND:0:12} \\(Amend the contract settings \\(c-000001\\): 期間の延長\\)"
expect_output "even when they change different fields"
expect_output "run itaku pull"
[ "$(git rev-parse main)" = "$B_AMEND" ] || fail "the refused receipt moved main"
expect_exit 2 env LANG=ja_JP.UTF-8 "$ITAKU" receive acme "$T/acme"
expect_output "市の設定"
expect_output "${B_AMEND:0:12}"
expect_output "${A_AMEND:0:12}"
ok "merging two lines that both amended the contract (different fields) is refused, naming both amendments and what to do"

expect_exit 2 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub
expect_output "itaku pull hub"
expect_exit 0 "$ITAKU" pull hub
expect_output "contract amendment not pushed \\(${B_AMEND:0:12}\\) was made again .* as akiruno-city/c-000002"
[ "$(git rev-parse main^)" = "$A_AMEND" ] || fail "B's amendment was not made again after A's"
git show main --format= --name-only | has "contract-amendments/c-000002.json" ||
    fail "the amendment made again has no new id"
expect_exit 0 "$ITAKU" contract show
expect_output "$(day 210)"
expect_output "$(day 0)"
expect_exit 0 "$ITAKU" verify
expect_exit 0 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub
[ "$(git -C "$HUB" rev-parse main)" = "$(git rev-parse main)" ] || fail "the hub did not take main"
(cd "$HUB" && expect_exit 0 "$ITAKU" verify)
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" verify
ok "itaku pull makes the clone's amendment again after the hub's (c-000002), both in force; push, verify and the receipt go through"

# posts on two lines: A names jicho 部長 and pushes; acme takes it and files;
# the genesis officer, in B's clone (behind), names tanto2 係長
cd "$T/city"
expect_exit 0 "$ITAKU" pull "$HUB"
expect_output "Fast-forwarded main to the city's main"
[ "$(git rev-parse main)" = "$(git -C "$HUB" rev-parse main)" ] || fail "A's registry did not take the hub's main"
expect_exit 0 "$ITAKU" key attributes --principal jicho --post 部長
A_POST=$(git rev-parse main)
expect_exit 0 push_as akiruno-city main:main
(cd "$T/acme" && "$ITAKU" pull "$T/city" >/dev/null &&
    "$ITAKU" request submit copy --summary "職の変更後の申請" --details "作業のため") >/dev/null 2>&1 ||
    fail "acme cannot take the post change and file"
cd "$T/b"
expect_exit 0 "$ITAKU" key attributes --principal tanto2 --post 係長 --key "$T/city.key"
B_POST=$(git rev-parse main)
expect_exit 2 "$ITAKU" receive acme "$T/acme" --key "$T/city.key"
expect_output "conflict at parties/akiruno-city/key-events/.*: both changed the city's settings"
expect_output "this one in commit ${B_POST:0:12} \\(Record the post of akiruno-city/tanto2\\)"
expect_output "the line merged in commit ${A_POST:0:12} \\(Record the post of akiruno-city/jicho\\)"
[ "$(git rev-parse main)" = "$B_POST" ] || fail "the refused receipt moved main"
expect_exit 0 "$ITAKU" pull hub --key "$T/city.key"
expect_output "the receipt of acme's line not pushed \\(.*\\) was made again on the city's main"
expect_output "the change of akiruno-city/tanto2's post or name not pushed \\(${B_POST:0:12}\\) was made again"
[ "$(git rev-parse main~2)" = "$A_POST" ] || fail "B's receipt and post change were not made again after A's post change"
expect_exit 0 "$ITAKU" verify
expect_exit 0 env ITAKU_PARTY=akiruno-city "$ITAKU" push hub --key "$T/city.key"
(cd "$HUB" && expect_exit 0 "$ITAKU" verify)
git grep -h -A1 '"post"' main -- parties/akiruno-city/key-events/ >"$T/posts"
has '"post": "係長"' <"$T/posts" || fail "tanto2's post change is not on main"
has '"post": "部長"' <"$T/posts" || fail "jicho's post change is not on main"
ok "two lines both changing posts: the receipt is refused naming both key events; itaku pull makes the clone's receipt and post change again after the hub's, both in force"
finish
