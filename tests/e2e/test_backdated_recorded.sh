#!/usr/bin/env bash
# An amendment made with --backdated says so (issue 16 review): an
# instruction amended to a due date already past and a contract amendment
# naming a start already past hold "backdated": true in the record, and
# `itaku history` says it, in English and Japanese; an amendment whose
# dates are all still ahead does not say it, --backdated or not.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
body() { git show "HEAD:parties/akiruno-city/$1.json" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["body"], ensure_ascii=False))'; }
EN="backdated: a date it sets was already past when it was recorded"
JA_WORDS="遡及: 定める日付は記録した時点で既に過ぎていました"

expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 30)" --text "四半期報告"
expect_exit 0 "$ITAKU" instruct amend n-1 --due "$(day -3)" --backdated --reason "期限の訂正"
body instructions/n-000002 | has '"backdated": true' || fail "the amended instruction does not say backdated"
expect_exit 0 "$ITAKU" history n-2
expect_output "$EN"
expect_exit 0 "${JA[@]}" "$ITAKU" history n-2
expect_output "$JA_WORDS"
expect_exit 0 "$ITAKU" history n-1
expect_output "superseded by akiruno-city/n-000002; $EN"
ok "instruct amend to a past due date with --backdated: the record and history say it"

expect_exit 0 "$ITAKU" contract amend --start "$(day -5)" --backdated --reason "開始日の訂正"
body contract-amendments/c-000001 | has '"backdated": true' || fail "the amendment does not say backdated"
expect_exit 0 "$ITAKU" history c-1
expect_output "開始日の訂正; $EN"
expect_exit 0 "${JA[@]}" "$ITAKU" history c-1
expect_output "開始日の訂正。$JA_WORDS"
grep -q "contract-amendment" "$T/out" && fail "history shows the record type's code: $(cat "$T/out")"
ok "contract amend --start in the past with --backdated: the record and history say it (its reason shown)"

expect_exit 0 "$ITAKU" contract amend --end "$(day 400)" --backdated --reason "延長"
body contract-amendments/c-000002 | has '"backdated"' && fail "an amendment with no past date says backdated"
expect_exit 0 "$ITAKU" history c-2
grep -q "backdated" "$T/out" && fail "history says backdated: $(cat "$T/out")"
ok "an amendment whose dates are ahead does not say backdated"

# a registry opened before contract-amendment.v3 (a scratch copy of the
# genesis without v3, as if it predated it) cannot record backdated: its v2
# is published and never changes. A backdated amendment is refused naming
# v2 and `itaku contract upgrade`, writing nothing; one that is not
# backdated is written as v2; after the upgrade the backdated one is
# written as v3
git clone -q "$T/city" "$T/old"
cd "$T/old"
git config itaku.signingKey "$T/city.key"
git config itaku.party akiruno-city
genesis=$(git rev-list --max-parents=0 HEAD)
schemas=$(git ls-tree "$genesis:schemas" | grep -v "	contract-amendment\.v3\.schema\.json$" | git mktree)
tree=$( (git ls-tree "$genesis" | grep -v "	schemas$"; printf '040000 tree %s\tschemas\n' "$schemas") | git mktree)
git reset -q --hard "$(git -c gpg.format=ssh -c user.signingkey="$T/city.key" commit-tree -S "$tree" -m "scratch")"
git cat-file -e HEAD:schemas/contract-amendment.v2.schema.json || fail "the scratch copy lacks v2"
git show HEAD:schemas/contract-amendment.v2.schema.json | has '"backdated"' && fail "the published v2 was changed: it has backdated"
amendment() { git show "HEAD:parties/akiruno-city/contract-amendments/$(sed 's|.*/||' "$T/out").json"; }
before=$(git rev-parse HEAD; git status --porcelain)
expect_exit 2 "$ITAKU" contract amend --start "$(day -5)" --backdated --reason "開始日の訂正"
expect_output "contract-amendment.v2.*itaku contract upgrade"
expect_exit 2 "${JA[@]}" "$ITAKU" contract amend --start "$(day -5)" --backdated --reason "開始日の訂正"
expect_output "（contract-amendment.v2）.*itaku contract upgrade"
[ "$before" = "$(git rev-parse HEAD; git status --porcelain)" ] || fail "the refused amendment wrote something"
expect_exit 0 "$ITAKU" contract amend --end "$(day 400)" --reason "延長"
amendment | has '"schema": "contract-amendment.v2"' || fail "the amendment is not written as v2: $(cat "$T/out")"
expect_exit 0 "$ITAKU" contract upgrade
git cat-file -e HEAD:schemas/contract-amendment.v3.schema.json || fail "the upgrade did not add contract-amendment.v3"
expect_exit 0 "$ITAKU" contract amend --start "$(day -5)" --backdated --reason "開始日の訂正"
amendment >"$T/rec.json"
has '"schema": "contract-amendment.v3"' <"$T/rec.json" || fail "the backdated amendment is not v3"
has '"backdated": true' <"$T/rec.json" || fail "the backdated amendment does not say so"
ok "a registry with contract-amendment.v2 only refuses a backdated amendment naming itaku contract upgrade, writing nothing; after the upgrade it is written as v3"
finish
