#!/usr/bin/env bash
# The README's walkthrough must work when pasted line by line: extract its
# indented command lines and run them against the built binary.
. "$(dirname "$0")/lib.sh"
src=${ITAKU_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
sed -n '/^## Walkthrough/,/^`itaku verify` exits/p' "$src/README.md" | grep -E '^    ' |
    sed -e 's/^    //' \
        -e "s#^export PATH=.*#export PATH=$(dirname "$ITAKU"):\$PATH#" \
        -e "s#/tmp/itaku-walk#$T/walk#g" >"$T/walk.sh"
[ "$(wc -l <"$T/walk.sh")" -gt 20 ] || fail "the README walkthrough was not found"
(cd "$src" && bash -e "$T/walk.sh") >"$T/walk.out" 2>&1 || {
    cat "$T/walk.out" >&2
    fail "the README walkthrough fails"
}
grep -q "verified 3 commits: every signature and rule holds" "$T/walk.out" || fail "walkthrough: no clean verify"
[ "$(grep -c '^Good "git" signature' "$T/walk.out")" = 3 ] || fail "walkthrough: stock git did not verify 3 commits"
ok "the README walkthrough runs as written"
finish
