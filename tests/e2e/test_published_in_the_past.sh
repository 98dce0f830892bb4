#!/usr/bin/env bash
# Issue 13, point 3: old records keep their verdicts. A new obligations
# version the city publishes cannot take effect before the day of the
# commit that publishes it, counted in the contract's timezone (+09:00):
# otherwise acknowledgements already made would turn pending after the fact.
# verify refuses it (V4), naming the file and what to do; each case has a
# twin that verifies. And `itaku contract upgrade` never writes such a file
# (tests/unit/test_amendments.c: a carried v2 in force in the past is
# published as of the day of the upgrade).
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
OB=obligations/akiruno-outsourcing
base=$(git rev-parse HEAD)

# publish EFFECTIVE-FROM [COMMIT-DATE]: obligations v2 in a contract-update
# commit built with stock git; prints the commit
publish() {
    git show "HEAD:$OB.v1.json" | python3 -c '
import json, sys
o = json.load(sys.stdin)
o["version"], o["effective_from"] = 2, sys.argv[1]
print(json.dumps(o, ensure_ascii=False, indent=2, sort_keys=True))' "$1" >"$OB.v2.json"
    if [ -n "${2:-}" ]; then
        GIT_COMMITTER_DATE=$2 GIT_AUTHOR_DATE=$2 \
            forge . "Obligations v2" "$T/city.key" akiruno-city officer contract-update "$OB.v2.json"
    else
        forge . "Obligations v2" "$T/city.key" akiruno-city officer contract-update "$OB.v2.json"
    fi
}

# the city's v2 in force since 1900: refused, refs unchanged (expect_rejected)
bad=$(publish 1900-01-01)
expect_rejected "$bad" V4 "$OB.v2.json"
expect_output "takes effect on 1900-01-01, before [0-9-]+, the day this commit publishes it"
expect_output "publish it again with an effective_from of [0-9-]+ or later"
git reset -q --hard "$base"
today=$(TZ=Asia/Tokyo date +%F)
publish "$today" >/dev/null
expect_exit 0 "$ITAKU" verify
git reset -q --hard "$base"
ok "obligations v2 in force since 1900 is refused (V4); its twin in force from today verifies"

# the day is the contract's (+09:00), not UTC's: a commit made at
# 20:00Z the day before yesterday is yesterday in Tokyo, so the day before
# yesterday is in the past
bad=$(publish "$(day -2)" "$(day -2)T20:00:00+00:00")
expect_rejected "$bad" V4 "$OB.v2.json"
expect_output "takes effect on $(day -2), before $(day -1)"
git reset -q --hard "$base"
publish "$(day -1)" "$(day -2)T20:00:00+00:00" >/dev/null
expect_exit 0 "$ITAKU" verify
git reset -q --hard "$base"
ok "the same calendar day in the contract's timezone is allowed, the day before is V4"

finish
