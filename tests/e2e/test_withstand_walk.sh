#!/usr/bin/env bash
# Issue 10, a complete walk (V11): an object verify cannot read or parse (a
# commit whose date libgit2 cannot parse, a missing parent, tree or blob, a
# ref at a missing object or at a blob), a shallow clone, refs/replace/ and
# info/grafts make verify exit 1 with V11 naming the ref and the object,
# while it still checks everything else; nothing moves. Each has a twin that
# passes. Also: an over-limit record or attachment is refused from its
# object header, without inflating it.
. "$(dirname "$0")/lib.sh"
# a revwalk that meets a commit it cannot parse leaks inside libgit2 1.5.1;
# tests/lsan.supp matches it by the whole stack
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"

setup_city_and_contractor
cd "$T/acme"
main=$(git rev-parse HEAD)
entry=parties/acme/register/r-000001.json

# add_entry N: a record committed by acme with stock git, truthful trailers.
add_entry() {
    local path=parties/acme/register/r-00000$1.json
    write_record "$path" "$(register_body)"
    git add -A
    stock_commit . "$T/acme.key" "Entry $1

$(trailers acme manager submit "$path")"
}
# loose OBJECT: the path of OBJECT's loose file (it must be loose).
loose() {
    local f=.git/objects/${1:0:2}/${1:2}
    [ -f "$f" ] || fail "object $1 is not loose"
    echo "$f"
}
# expect_v11 OBJECT REF PATTERN: verify exits 1 naming OBJECT and REF under
# V11, says PATTERN, and moves nothing.
expect_v11() {
    expect_rejected "$1" V11 "$2"
    expect_output "$3"
    expect_output "problems? in"
    if [ -n "${SHOW:-}" ]; then cat "$T/out" >&2; fi
}
# an unsigned commit on refs/heads/zz, which sorts after every broken ref:
# that verify still checks it shows the walk went on
git checkout -q -b zz
git commit -q --allow-empty -m "Not signed"
unsigned=$(git rev-parse HEAD)
git checkout -q main
expect_rejected "$unsigned" V1
git branch -q -D zz
ok "twin: a clean registry verifies but for the unsigned commit (V1)"

expect_exit 0 "$ITAKU" verify
ok "twin: the contractor's clone verifies"

# 1. A commit whose committer date libgit2 cannot parse.
git checkout -q -b bad-date
add_entry 1
good=$(git rev-parse HEAD)
bad=$(git cat-file commit HEAD | sed -e 's/^\(committer .*>\) [0-9]* \(.*\)$/\1 yesterday \2/' |
    git hash-object -t commit --literally -w --stdin)
git cat-file commit "$bad" | has '> yesterday' || fail "the bad date was not written"
git update-ref refs/heads/bad-date "$bad"
git checkout -q main
git branch -q zz "$unsigned"
expect_v11 "$bad" refs/heads/bad-date "cannot be (read|parsed|checked)"
grep -qE "^${unsigned:0:12} V1 " "$T/out" || fail "verify stopped at the bad commit"
# below a good commit of another branch: the same
above=$(git commit-tree "$(git rev-parse "$bad^{tree}")" -p "$bad" -m above)
git update-ref refs/heads/above-bad "$above"
expect_v11 "$bad" refs/heads/above-bad "cannot be (read|parsed|checked)"
grep -qE "^${unsigned:0:12} V1 " "$T/out" || fail "verify stopped at the bad commit"
git update-ref -d refs/heads/above-bad
git update-ref refs/heads/bad-date "$good"
expect_rejected "$unsigned" V1
grep -q V11 "$T/out" && fail "the twin with a good date is refused"
ok "a commit whose date cannot be parsed is V11 naming ref and commit; the walk goes on (its twin passes)"

# 2. A missing parent, tree and blob (loose object files removed).
git checkout -q -b gone bad-date
add_entry 2
add_entry 3
tip=$(git rev-parse HEAD)
parent=$(git rev-parse HEAD~1)
cp "$(loose "$parent")" "$T/parent.obj"
chmod u+w "$(loose "$parent")"
rm "$(loose "$parent")"
git checkout -q main
expect_v11 "$parent" refs/heads/gone "cannot be read"
grep -qE "^${unsigned:0:12} V1 " "$T/out" || fail "verify stopped at the missing parent"
grep -qE "^${good:0:12} " "$T/out" && fail "a commit below the missing one is reported"
ok "a missing parent is V11 naming ref refs/heads/gone and the commit; the rest is checked"

f=.git/objects/${parent:0:2}/${parent:2}
cp "$T/parent.obj" "$f"
expect_rejected "$unsigned" V1
grep -q V11 "$T/out" && fail "the twin with its parent back is refused"
ok "twin: with the parent back, refs/heads/gone verifies"

# the cache must not hide it: verified whole above, then the object goes
rm "$f"
expect_v11 "$parent" refs/heads/gone "cannot be read"
cp "$T/parent.obj" "$f"
ok "a verification cached while whole does not hide an object removed since"

tree=$(git rev-parse "$tip^{tree}")
git branch -q -f gone "$parent"
cp "$(loose "$tree")" "$T/tree.obj"
rm "$(loose "$tree")"
git branch -q tree-gone "$tip"
expect_v11 "$tip" refs/heads/tree-gone "tree .* missing|cannot be read"
cp "$T/tree.obj" ".git/objects/${tree:0:2}/${tree:2}"
git branch -q -D tree-gone
ok "a commit whose tree is missing is V11 naming ref and commit"

blob=$(git rev-parse "$tip:parties/acme/register/r-000003.json")
cp "$(loose "$blob")" "$T/blob.obj"
rm "$(loose "$blob")"
git branch -q -f gone "$tip"
expect_exit 1 "$ITAKU" verify --full
expect_output "^${tip:0:12} V11 .*$blob"
grep -qE "^${unsigned:0:12} V1 " "$T/out" || fail "verify stopped at the missing blob"
cp "$T/blob.obj" ".git/objects/${blob:0:2}/${blob:2}"
expect_rejected "$unsigned" V1 "" --full
grep -q V11 "$T/out" && fail "the twin with its blob back is refused"
ok "a commit whose record blob is missing is V11 naming the commit and the blob (its twin passes)"

# 3. Refs at a missing object, at a blob, at a tree.
missing=0123456789abcdef0123456789abcdef01234567
echo "$missing" >.git/refs/heads/nowhere
expect_v11 "$missing" refs/heads/nowhere "missing"
rm .git/refs/heads/nowhere
blobref=$(echo hello | git hash-object -w --stdin)
mkdir -p .git/refs/itaku
echo "$blobref" >.git/refs/itaku/not-a-commit
expect_v11 "$blobref" refs/itaku/not-a-commit "a blob, not a commit"
rm .git/refs/itaku/not-a-commit
echo "$tree" >.git/refs/heads/a-tree
expect_v11 "$tree" refs/heads/a-tree "a tree, not a commit"
rm .git/refs/heads/a-tree
expect_rejected "$unsigned" V1
grep -q V11 "$T/out" && fail "the twin with its refs removed is refused"
ok "refs at a missing object, a blob or a tree are V11 naming the ref and the object"

# asked for one broken ref by name: the same
expect_exit 0 "$ITAKU" verify bad-date
expect_exit 0 "$ITAKU" verify gone
git update-ref refs/heads/bad-date "$bad"
expect_exit 1 "$ITAKU" verify bad-date
expect_output "^${bad:0:12} V11 refs/heads/bad-date"
expect_exit 0 "$ITAKU" verify gone
git update-ref refs/heads/bad-date "$good"
git branch -q -D zz
expect_exit 0 "$ITAKU" verify
ok "a rev asked for by name whose history holds a broken commit is V11; its twin passes"

# 4. refs/replace and info/grafts: stock git would show another history.
git replace "$tip" "$good"
[ "$(git log -1 --format=%H "$tip")" != "$tip" ] || true
before=$(state_of .)
expect_v11 "$tip" "refs/replace/$tip" "stock git would show"
expect_output "git replace -d"
git replace -d "$tip" >/dev/null
expect_exit 0 "$ITAKU" verify
ok "refs/replace/ is V11 naming the ref and the replaced commit; without it, verify passes"

git config advice.graftFileDeprecated false
echo "$tip $main" >.git/info/grafts
expect_v11 "$tip" info/grafts "other parents"
rm .git/info/grafts
expect_exit 0 "$ITAKU" verify
ok "info/grafts is V11 naming the grafted commit; without it, verify passes"

# 5. A shallow clone; its twin, a whole clone, passes.
git push -q origin gone:refs/heads/gone 2>/dev/null || (cd "$T/city" && git fetch -q "$T/acme" gone:gone)
git clone -q --depth 1 --branch gone "file://$T/city" "$T/shallow"
(cd "$T/shallow" && git config itaku.genesis "$GENESIS" && git config itaku.cityKey "$CITY_FPR")
[ -f "$T/shallow/.git/shallow" ] || fail "the clone is not shallow"
cd "$T/shallow"
expect_v11 "$(git rev-parse HEAD)" .git/shallow "shallow clone"
expect_output "git fetch --unshallow"
expect_output "itaku clone"
git fetch -q --unshallow
expect_exit 0 "$ITAKU" verify
ok "a shallow clone is V11 and says how to deepen it; deepened, it verifies"

# 6. A partial clone (objects fetched when first read): V11; its twin, the
# same clone no longer partial with every object here, passes.
git -C "$T/city" config uploadpack.allowFilter true
git clone -q --filter=blob:none --branch gone "file://$T/city" "$T/partial"
cd "$T/partial"
git config itaku.genesis "$GENESIS" && git config itaku.cityKey "$CITY_FPR"
[ "$(git config remote.origin.promisor)" = true ] || fail "the clone is not partial"
before=$(state_of .)
expect_exit 1 "$ITAKU" verify
expect_output "^0{12} V11 config .*partial clone"
expect_output "itaku clone"
[ "$(state_of .)" = "$before" ] || fail "verify changed the partial clone"
git config --unset remote.origin.promisor
git config --unset remote.origin.partialclonefilter
expect_exit 0 "$ITAKU" verify
ok "a partial clone is V11 and says to re-clone; with every object here and not partial, it verifies"
cd "$T/acme"

# 7. Over-limit objects are refused from their header, never inflated.
git checkout -q -b big main
mkdir -p parties/acme/register
head -c $((1024 * 1024 + 1)) /dev/zero >"$entry"
git add -A
stock_commit . "$T/acme.key" "A big record

$(trailers acme manager submit "$entry")"
big=$(git rev-parse HEAD)
expect_rejected "$big" V10 "$entry"
expect_output "1048576"
ok "a record of 1 MiB + 1 byte is refused (V10) naming the limit"

# an attachment that inflates to 256 MiB: refused, and verify's peak memory
# stays far below it (the blob is never inflated)
git reset -q --hard main
sha=$(head -c $((256 * 1024 * 1024)) /dev/zero | sha256sum | cut -d' ' -f1)
mkdir -p parties/acme/attachments
att=parties/acme/attachments/$sha
blob=$(head -c $((256 * 1024 * 1024)) /dev/zero | git hash-object -w --stdin)
git update-index --add --cacheinfo "100644,$blob,$att"
git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit -q -S -m "A big attachment

$(printf 'Itaku-Party: acme\nItaku-Principal: manager\nItaku-Action: submit\nItaku-Record: %s\nItaku-Content-SHA256: %s\n' \
    "$att" "$(printf '%s %s\n' "$att" "$sha" | sha256sum | cut -d' ' -f1)")"
huge=$(git rev-parse HEAD)
[ "$(du -k "$(loose "$blob")" | cut -f1)" -lt 2048 ] || fail "the blob does not deflate small"
# peak_kb CMD...: runs CMD; its peak resident memory in kB goes to $T/peak
peak_kb() {
    python3 -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$T/peak" "$@"
}
expect_exit 1 peak_kb "$ITAKU" verify --full
expect_output "^${huge:0:12} V10 $att"
expect_output "20971520"
rss=$(cat "$T/peak")
[ "$rss" -lt 200000 ] || fail "verify's peak memory is $rss kB: the blob was inflated"
git checkout -q main
git branch -q -D big
git reset -q --hard main
ok "an attachment inflating to 256 MiB is refused (V10) with the limit named, at $rss kB peak"

finish
