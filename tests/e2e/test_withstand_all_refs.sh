#!/usr/bin/env bash
# Issue 10, point 3 (V11): verify walks every ref git log --all shows, in any
# namespace: an unsigned commit under refs/tags/ or a packed-refs entry
# HEAD2 is checked (V1), not passed over. A ref name git refuses (a..b,
# x.lock, a space) is a V11 problem naming it. Twins: the same refs at a
# signed commit of the registry pass.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
good=$(git rev-parse main)
unsigned=$(git commit-tree "$(git rev-parse "main^{tree}")" -p "$good" -m "unsigned")
git pack-refs --all
sed -i "1s/ sorted//" .git/packed-refs # entries are appended below
expect_exit 0 "$ITAKU" verify

for ref in refs/tags/x HEAD2 refs/other/y; do
    echo "$unsigned $ref" >>.git/packed-refs
    git log --all --format=%H >"$T/all"
    grep -q "^$unsigned" "$T/all" || fail "git log --all does not show $ref"
    expect_exit 1 "$ITAKU" verify
    expect_output "^${unsigned:0:12} V1 "
    sed -i "/ ${ref//\//\\/}\$/d" .git/packed-refs
    # twin: the same ref at a signed commit of the registry
    echo "$good $ref" >>.git/packed-refs
    expect_exit 0 "$ITAKU" verify
    sed -i "/ ${ref//\//\\/}\$/d" .git/packed-refs
    ok "an unsigned commit at $ref (packed) is checked and refused (V1); twin: $ref at a signed commit passes"
done

for bad in 'refs/heads/a..b' 'refs/heads/x.lock' 'refs/heads/sp ace'; do
    echo "$good $bad" >>.git/packed-refs
    expect_exit 1 "$ITAKU" verify
    expect_output "V11 ${bad//./\\.} .*git refuses"
    sed -i '$d' .git/packed-refs
    ok "the ref name '$bad' is a V11 problem naming it"
done
expect_exit 0 "$ITAKU" verify
ok "twin: the registry with valid ref names passes"
finish
