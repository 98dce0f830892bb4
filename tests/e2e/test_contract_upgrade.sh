#!/usr/bin/env bash
# Issue 13: contracts outlive releases. `itaku contract versions` shows what
# the registry holds against what this itaku carries; `itaku contract
# upgrade` (the city) publishes what is missing, nothing the second time, and
# a contractor running it is refused (V3) naming the city, writing nothing.
# (Publishing a version this build does not carry is played in
# tests/unit/test_contract.c, where the carried template is given as data.)
. "$(dirname "$0")/lib.sh"

# the newest register schema this itaku carries (other versions come and go)
RV=$(ls "$SRC"/registry-template/schemas/register.v*.schema.json |
    sed 's/.*register\.v\([0-9]*\)\.schema\.json$/\1/' | sort -n | tail -1)
NV=$((RV + 1))
setup_city_and_contractor
cd "$T/city"
expect_exit 0 "$ITAKU" contract versions
expect_output "^schema +register +v$RV +v$RV  -$"
expect_output "^obligations +akiruno-outsourcing +v1 +v1  -$"
expect_output "holds everything this itaku carries"
expect_exit 0 "$ITAKU" contract versions --json
python3 - "$T/out" "$RV" <<'PY' || fail "contract versions --json is not what the registry holds"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["upgrade"] is False
lines = {(t["kind"], t["name"]): t for t in d["templates"]}
r = lines[("schema", "register")]
rv = int(sys.argv[2])
assert (r["held"], r["carried"], r["upgrade"]) == (rv, rv, False), r
assert lines[("obligations", "akiruno-outsourcing")]["held"] == 1
assert ("readme", "README.md") in lines
PY
ok "contract versions: a fresh registry holds every version this itaku carries"

# the city, twice: nothing to upgrade, nothing written
before=$(git for-each-ref; git rev-parse HEAD)
for run in 1 2; do
    expect_exit 0 "$ITAKU" contract upgrade
    expect_output "^Nothing to upgrade"
done
[ "$before" = "$(git for-each-ref; git rev-parse HEAD)" ] || fail "an upgrade with nothing to add moved a ref"
ok "contract upgrade with nothing missing says so and writes nothing (twice)"

# a registry lacking a version this itaku carries (register.v1 is taken out
# of a scratch copy's history, as if it predated it): the upgrade adds it
# back as a contract-update commit that verify accepts, then nothing
git clone -q "$T/city" "$T/old"
cd "$T/old"
git config itaku.signingKey "$T/city.key"
git config itaku.party akiruno-city
tree=$(git ls-tree HEAD | grep -v "	schemas$" | git mktree)
schemas=$(git ls-tree HEAD:schemas | grep -v "	register\.v[0-9]*\.schema\.json$" | git mktree)
tree=$( (git ls-tree "$tree"; printf '040000 tree %s\tschemas\n' "$schemas") | git mktree)
root=$(git -c gpg.format=ssh -c user.signingkey="$T/city.key" commit-tree -S "$tree" -m "scratch")
git reset -q --hard "$root"
expect_exit 0 "$ITAKU" contract versions
expect_output "^schema +register +- +v$RV  adds$"
expect_output "carries $RV files? the registry lacks"
expect_exit 0 "$ITAKU" contract upgrade
expect_output "^Published $RV new contract template files? in commit"
git cat-file -e HEAD:schemas/register.v1.schema.json || fail "the upgrade did not add register.v1"
git log -1 --format=%B | has "^Itaku-Action: contract-update$" || fail "not a contract-update commit"
[ "$(git diff --name-only HEAD~1 HEAD)" = "$(for v in $(seq 1 "$RV"); do echo "schemas/register.v$v.schema.json"; done | LC_ALL=C sort)" ] ||
    fail "the upgrade touched more than the missing file: $(git diff --name-only HEAD~1 HEAD)"
once=$(git for-each-ref; git rev-parse HEAD)
expect_exit 0 "$ITAKU" contract upgrade
expect_output "^Nothing to upgrade"
[ "$once" = "$(git for-each-ref; git rev-parse HEAD)" ] || fail "the second upgrade moved a ref"
ok "contract upgrade adds only the missing version, in one contract-update commit; the second run adds nothing"

# a contractor is refused (V3), naming the city; its twin is the city's run
cd "$T/acme"
before=$(git for-each-ref; git rev-parse HEAD; git status --porcelain)
expect_exit 2 "$ITAKU" contract upgrade
expect_output "V3: only the city \(akiruno-city\) publishes new contract versions"
[ "$before" = "$(git for-each-ref; git rev-parse HEAD; git status --porcelain)" ] ||
    fail "a refused upgrade changed the contractor's registry"
expect_exit 0 "$ITAKU" contract versions
ok "a contractor's contract upgrade is refused (V3) naming the city, writing nothing; versions still answers"

# a registry a newer release upgraded (the city publishes register.v2, here
# with stock git as that release would write it): this older itaku, which
# carries register.v1 only, refuses to write a register entry, naming the
# version and saying to upgrade, and writes nothing; the twin, the same entry
# before the pull, is written; types the registry did not move still write
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
add_entry() {
    "$ITAKU" register add --action received --item-id "item-$1" --info "住民記録データ" \
        --medium usb --quantity 1 --unit 本 --handler "鈴木一郎"
}
expect_exit 0 add_entry 1
cd "$T/city"
git show HEAD:schemas/register.v1.schema.json | python3 -c '
import json, sys
s = json.load(sys.stdin)
s["$id"] = "urn:itaku:schema:register:v'$NV'"
print(json.dumps(s, ensure_ascii=False, indent=2))' >schemas/register.v$NV.schema.json
git add schemas/register.v$NV.schema.json
stock_commit . "$T/city.key" "Register v$NV

$(trailers akiruno-city officer contract-update schemas/register.v$NV.schema.json | grep -v Itaku-Record)"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" contract versions
expect_output "^schema +register +v$NV +v$RV  -$"
cd "$T/acme"
expect_exit 0 "$ITAKU" pull
before=$(git for-each-ref; git rev-parse HEAD; git status --porcelain)
expect_exit 2 add_entry 2
expect_output "the registry uses register.v$NV, which this itaku \(version [0-9.]+\) does not know"
expect_output "upgrade itaku"
[ "$before" = "$(git for-each-ref; git rev-parse HEAD; git status --porcelain)" ] ||
    fail "a refused write changed the registry"
expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY"
ok "an older itaku refuses to write a type whose newest schema it does not carry, naming it; other types write"

finish
