#!/usr/bin/env bash
# 決裁 (issue 21): posts recorded with keys and changed by a key event; the
# decision rules of itaku.json and of a contract amendment; the draft, the
# seals and the decision they make; where each request stands (requests,
# history) and the 決裁欄 of the decision notice.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
git show main:itaku.json | has '"decision_rules"' || fail "itaku.json holds no decision_rules"
git grep -q '"post": "課長"' main -- 'parties/akiruno-city/keys/' || fail "no key records the post 課長"
expect_exit 0 "$ITAKU" key attributes --principal jicho --post 部長代理
git show HEAD --stat | has key-events || fail "key attributes wrote no key event"
expect_exit 0 "$ITAKU" key attributes --principal jicho --post 次長
expect_refused "needs --name TEXT, --post TEXT or both" "$ITAKU" key attributes --principal jicho
expect_refused "control or text-direction" "$ITAKU" key attributes --principal jicho --post "$(printf '次\xe2\x80\xae長')"
ok "posts: recorded with the key (key add --post, init --principal-post), changed by a signed key event"

expect_refused "lets 担当 draft" "$ITAKU" approve acme/q-000001 --key "$T/kacho.key"
main_before=$(git rev-parse main)
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_output "Drafted .* waits for the seals of 課長"
[ "$(git rev-parse main)" = "$main_before" ] || fail "drafting moved main"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" requests
expect_output "起案済み +課長決裁待ち"
expect_exit 0 "$ITAKU" requests --json
python3 - "$T/out" <<'PY' || fail "requests --json does not say where the draft stands"
import json, sys
r = [x for x in json.load(open(sys.argv[1])) if x["request"] == "acme/q-000001"][0]
assert r["kessai"] == "drafted" and r["waiting_for"] == "課長", r
PY
expect_refused "the drafter does not seal" "$ITAKU" kessai acme/q-000001 --approve
expect_refused "no draft of acme/q-000002" "$ITAKU" kessai acme/q-000002 --approve --key "$T/kacho.key"
ok "a drafting post drafts on decisions/acme/q-000001 (main does not move); requests shows 起案済み, 課長決裁待ち"

expect_exit 0 "$ITAKU" kessai acme/q-000001 --return --reason "期間を明記してください" --key "$T/kacho.key"
expect_output "acme/q-000001 is returned"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" requests --all
expect_output "acme/q-000001 +複製 +差戻し"
ok "the 課長 returns the draft (差戻し): the seal makes the decision"

expect_exit 0 "$ITAKU" approve acme/q-000003
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho.key"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" requests
expect_output "決裁中 +課長決裁待ち"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --reason "暗号化して持ち出すこと" --key "$T/kacho2.key"
expect_output "acme/q-000003 is approved"
expect_exit 0 "$ITAKU" history acme/q-000003
expect_output "drafted .*起案 by officer \(担当\)"
expect_output "sealed .*決裁 by kacho \(課長\)"
expect_output "sealed .*決裁 by kacho2 \(課長\)"
expect_output "decided"
D=$(git show HEAD --format= --name-only -m | grep -m1 /decisions/ | sed -E 's|parties/([^/]+)/decisions/[^/]+/(d-[0-9]+)\.json|\1/\2|')
expect_exit 0 "$ITAKU" form render "$D" --format md
expect_output "## 決裁欄"
expect_output "\| 担当 \| 担当職員 \|"
expect_output "\| 課長 \| 山田 課長 \(kacho\) \|.*\| 承認 \| ✓ 検証済み \|"
expect_output "\| 課長 \| kacho2 \|"
ok "two 課長 seal a take-out; history tells draft → seals → decision; the decision notice shows the 決裁欄"

# a request the city holds only on its branch: the draft merges it
(cd "$T/acme" && "$ITAKU" request submit copy --summary "追加の複製" --details "検証用") >/dev/null 2>&1
expect_exit 0 "$ITAKU" remote add acme "$T/acme" --party acme
expect_exit 0 "$ITAKU" fetch acme
expect_exit 0 "$ITAKU" approve acme/q-000006
[ "$(git rev-list --parents -n1 refs/heads/decisions/acme/q-000006 | wc -w)" = 3 ] ||
    fail "the draft is not a merge of main and the request branch"
expect_exit 0 "$ITAKU" kessai acme/q-000006 --approve --key "$T/kacho.key"
expect_output "acme/q-000006 is approved"
[ "$(git rev-list --parents -n1 main | wc -w)" = 3 ] || fail "the decision is not a merge"
[ "$(git rev-parse main^2)" = "$(git rev-parse refs/heads/decisions/acme/q-000006)" ] ||
    fail "the decision does not merge the decision branch"
expect_exit 0 "$ITAKU" verify
ok "the draft merges main and the request branch; the decision merges main and the decision branch"

echo '{"decision_rules": []}' >"$T/none.json"
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/none.json" --reason "専決規程の廃止"
expect_exit 0 "$ITAKU" approve acme/q-000004
expect_output "^Approved acme/q-000004"
expect_exit 0 "$ITAKU" verify
ok "an amendment with no rules: one city key decides again"

(cd "$T/acme" && expect_exit 0 "$ITAKU" pull && expect_exit 0 "$ITAKU" verify &&
    expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" requests --mine && expect_output "acme/q-000003 +持出し +承認")
ok "acme pulls the decisions and verifies them"
finish
