#!/usr/bin/env bash
# Issue 10, point 10: a refused bundle import always says why. The four
# refusals made after the quarantine was opened (a branch naming a tree, a
# branch naming a blob, no branch itaku takes, a branch that cannot be set
# beside another) used to print "nothing was imported: " and nothing more:
# dropping the quarantine wiped the reason. Each now prints it in full, and
# nothing moves.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
register_item 1 | "$ITAKU" record add register - >/dev/null 2>&1
git bundle create -q "$T/good.bundle" main 2>/dev/null
git branch -q other
git bundle create -q "$T/other.bundle" other 2>/dev/null
tree=$(git rev-parse 'main^{tree}')
blob=$(git rev-parse main:README.md)
tip=$(git rev-parse main)

# rewrite BUNDLE OUT PYTHON-EXPR: OUT is BUNDLE with its header's ref lines
# (a list of (id, name) byte pairs called refs) replaced by the expression's.
rewrite() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
head, sep, pack = d.partition(b"\n\n")
lines = head.split(b"\n")
refs = [tuple(l.split(b" ", 1)) for l in lines[1:] if not l.startswith(b"-")]
new = eval(sys.argv[3])
out = [lines[0]] + [l for l in lines[1:] if l.startswith(b"-")] + [i + b" " + n for i, n in new]
open(sys.argv[2], "wb").write(b"\n".join(out) + sep + pack)
PY
}

# the city takes acme's bundle when nothing is wrong with it (the legitimate twin)
cp -r "$T/city" "$T/city2"
(cd "$T/city2" && expect_exit 0 "$ITAKU" bundle import "$T/good.bundle" --from acme)
[ "$(git -C "$T/city2" rev-parse refs/itaku/lines/acme)" = "$tip" ] || fail "the good bundle was not taken"
ok "the city imports acme's bundle (the twin of the refusals below)"

cd "$T/city"
refused() {
    local bundle=$1 want=$2
    expect_refused "$want" "$ITAKU" bundle import "$bundle" --from acme
    grep -q "nothing was imported: $" "$T/err" && fail "the refusal does not say why"
    [ -z "$(git for-each-ref refs/itaku/incoming)" ] || fail "the quarantine was not emptied"
    git rev-parse -q --verify refs/itaku/lines/acme >/dev/null && fail "acme's line moved"
    return 0
}

rewrite "$T/good.bundle" "$T/tree.bundle" "[(b'$tree', b'refs/heads/main')]"
refused "$T/tree.bundle" \
    "^itaku: nothing was imported: $T/tree.bundle names refs/heads/main = $tree, which is not a commit; nothing was taken$"
ok "a bundle whose main names a tree is refused, saying so"

rewrite "$T/good.bundle" "$T/blob.bundle" "refs + [(b'$blob', b'refs/heads/parties/acme/main')]"
refused "$T/blob.bundle" \
    "^itaku: nothing was imported: $T/blob.bundle names refs/heads/parties/acme/main = $blob, which is not a commit; nothing was taken$"
ok "a bundle whose parties/acme/main names a blob is refused, saying so"

refused "$T/other.bundle" \
    "^itaku: nothing was imported: $T/other.bundle holds no main, parties/<P>/main or request branch; nothing was taken$"
ok "a bundle with no branch itaku takes is refused, saying so"

rewrite "$T/good.bundle" "$T/df.bundle" \
    "refs + [(b'$tip', b'refs/heads/requests/acme/q-000001'), (b'$tip', b'refs/heads/requests/acme/q-000001/x')]"
refused "$T/df.bundle" \
    "^itaku: nothing was imported: cannot take refs/heads/requests/acme/q-000001/x from $T/df.bundle: .+"
ok "a bundle with a branch that cannot sit beside another is refused, with libgit2's reason"

finish
