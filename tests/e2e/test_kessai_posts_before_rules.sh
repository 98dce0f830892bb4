#!/usr/bin/env bash
# 決裁 (DESIGN V12): posts given before the city set decision rules. Before
# the rules no post is a setting (any city key decides alone), so a 担当
# may give themselves 課長 and the genesis officer any post; the amendment
# that brings the rules in adopts the posts in force at its parent, as the
# genesis's posts are the bootstrap. From then on nobody sets their own
# post, and a post set before seals: the officer who amends the rules in
# checks `itaku who --json`'s posts first. Beside: a decision from a void
# commit is flagged in the report.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

kessai_rules
for who in city acme kacho tanto2; do
    "$ITAKU" key generate "$T/$who.key" --comment "$who" >/dev/null
done
"$ITAKU" init "$T/city" --contract C-2026-022 --title "規程前の役職" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" --principal-post 担当 \
    --start "$(day -1)" --end "$(day 119)" >"$T/sheet"
GENESIS=$(awk '/genesis:/ {print $2; exit}' "$T/sheet")
CITY_FPR=$(awk '/city key:/ {print $3; exit}' "$T/sheet")
cd "$T/city"
git config itaku.signingKey "$T/city.key"
expect_exit 0 "$ITAKU" party add acme --role contractor --name "株式会社アクメ" --pubkey "$T/acme.key.pub"
expect_exit 0 "$ITAKU" key add "$T/kacho.key.pub" --principal kacho --post 課長
expect_exit 0 "$ITAKU" key add "$T/tanto2.key.pub" --principal tanto2 --post 担当
# no rule yet: a 担当 gives themselves 課長, nothing refuses it
expect_exit 0 "$ITAKU" key attributes --principal tanto2 --post 課長 --key "$T/tanto2.key"
SELF=$(git rev-parse main)
"$ITAKU" clone "$T/city" "$T/acme" --city-key "$CITY_FPR" --genesis "$GENESIS" >/dev/null
(
    cd "$T/acme" && git config itaku.signingKey "$T/acme.key" && "$ITAKU" acknowledge &&
        "$ITAKU" request submit copy --summary "複写の申請" --details "作業のため" &&
        "$ITAKU" request submit copy --summary "二度目の複写" --details "作業のため" &&
        "$ITAKU" request submit copy --summary "三度目の複写" --details "作業のため"
) >/dev/null 2>&1
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" verify --full
ok "before the decision rules, a 担当 gives themselves 課長 and verify takes it (no rule, no setting)"

# a decision from a void commit is shown flagged in the report: with no
# rule one city key decides; the key that decided q-000003 is then reported
# stolen since before it
"$ITAKU" key generate "$T/kakari.key" --comment kakari >/dev/null
expect_exit 0 "$ITAKU" key add "$T/kakari.key.pub" --principal kakari --post 係長
LG=$(git rev-parse main)
expect_exit 0 "$ITAKU" approve acme/q-000003 --key "$T/kakari.key"
DECIDED=$(git rev-parse main)
expect_exit 0 "$ITAKU" key compromised "$(ssh-keygen -lf "$T/kakari.key.pub" | awk '{print $2}')" \
    --last-good "$LG" --reason "端末の盗難"
expect_exit 0 "$ITAKU" verify --full
expect_output "${DECIDED:0:12} void"
expect_exit 0 "$ITAKU" report --html "$T/site"
python3 - "$T/site/index.html" <<'PY' || fail "the report shows a void decision as valid"
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
rows = [r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "三度目の複写" in r]
assert rows and all("∅ 無効（漏えい後の決定" in r for r in rows), rows
PY
ok "a decision whose key was reported stolen since before it is void (V9), and the report flags it"

# the genesis officer brings the rules in; the posts in force are adopted
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/rules.json" --reason "専決規程の設定"
expect_refused "tanto2 may not set their own post" \
    "$ITAKU" key attributes --principal tanto2 --post 部長 --key "$T/tanto2.key"
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_output "waits for the seals of 課長"
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/tanto2.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify --full
ok "the amendment that brings the rules in adopts the posts in force: the 課長 tanto2 gave themselves before seals (V12); tanto2 no longer sets their own post"

# the setter takes the post back; the 課長 given by the genesis officer seals
expect_exit 0 "$ITAKU" key attributes --principal tanto2 --post 担当
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_refused "post" "$ITAKU" kessai acme/q-000002 --approve --key "$T/tanto2.key"
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --key "$T/kacho.key"
expect_output "acme/q-000002 is approved"
expect_exit 0 "$ITAKU" verify --full
git log --format=%H "$SELF" -1 >/dev/null
ok "a post adopted with the rules is the setter's to change like any other: back to 担当, tanto2 no longer seals; the 課長 seals"
finish
