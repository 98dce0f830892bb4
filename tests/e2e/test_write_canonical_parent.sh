#!/usr/bin/env bash
# Writing one record costs what is new (issue 18): on a parent whose tree a
# check found canonical (canon.cache), the new commit's tree is built by the
# folders on the written paths, reusing the others by id, and the check reads
# only what differs. The tree is the one stock git builds from the same
# files; on a parent whose tree holds a folder out of git's order or a
# hostile entry the write is refused exactly as without the cache, and a
# damaged cache is ignored.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
n=0
reg() {
    n=$((n + 1))
    "$ITAKU" register add --action received --medium usb --quantity 1 --info "住民データ" \
        --method hand-delivery --handler "鈴木一郎" --item-id "A-$n" \
        --occurred-at "$(day -1)T09:$(printf %02d $((n % 60))):00+09:00" "$@"
}
canon() { find "$HOME/.cache/itaku" -name canon.cache 2>/dev/null; }
# stock_tree REV: the tree stock git's index writes for REV's first parent
# with the files REV added or changed put in (their blobs from REV)
stock_tree() {
    local idx=$T/stock.index
    rm -f "$idx"
    GIT_INDEX_FILE=$idx git read-tree "$1~1"
    git diff-tree -r --no-commit-id --diff-filter=AM --format= "$1~1" "$1" |
        while read -r _ mode _ blob _ path; do
            GIT_INDEX_FILE=$idx git update-index --add --cacheinfo "$mode,$blob,$path"
        done
    GIT_INDEX_FILE=$idx git write-tree
}

# 1. a first write (no cache yet), then writes on a parent the cache holds
expect_exit 0 reg
[ -n "$(canon)" ] || fail "a write's check keeps no canon.cache"
for _ in 1 2 3; do
    expect_exit 0 reg
    [ "$(git rev-parse HEAD^{tree})" = "$(stock_tree HEAD)" ] ||
        fail "the tree of $(git rev-parse --short HEAD) is not the one stock git builds"
done
expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY"
[ "$(git rev-parse HEAD^{tree})" = "$(stock_tree HEAD)" ] ||
    fail "form 1's tree (a new folder) is not the one stock git builds"
expect_exit 0 "$ITAKU" verify
ok "writes on a parent the cache holds make the trees stock git builds, and verify accepts them"

# the city adds a party: two files in new folders, one commit
cd "$T/city"
expect_exit 0 "$ITAKU" key generate "$T/beta.key" --comment beta
expect_exit 0 "$ITAKU" party add beta --role contractor --name "ベータ" --pubkey "$T/beta.key.pub"
[ "$(git rev-parse HEAD^{tree})" = "$(stock_tree HEAD)" ] ||
    fail "party add's tree (several files in new folders) is not the one stock git builds"
ok "a commit of several files in new folders makes the tree stock git builds"

# 2. a damaged cache is ignored: the write goes on, the same tree as git's
cd "$T/acme"
for f in $(canon); do printf 'x' | dd of="$f" bs=1 seek=40 conv=notrunc status=none; done
expect_exit 0 reg
[ "$(git rev-parse HEAD^{tree})" = "$(stock_tree HEAD)" ] ||
    fail "after a damaged canon.cache the tree is not the one stock git builds"
expect_exit 0 reg
[ "$(git rev-parse HEAD^{tree})" = "$(stock_tree HEAD)" ] ||
    fail "the write after the cache was rewritten does not make git's tree"
ok "a damaged canon.cache is ignored (and rewritten)"

# 3. hostile parents, committed with stock git and acme's key: the write is
# refused, changing nothing, with the same words with and without the cache
good=$(git rev-parse HEAD)
# swap PATH TREE: HEAD's root tree with the folder at PATH replaced by TREE
swap() {
    local path=$1 tree=$2 up name
    while [ "$path" != . ]; do
        up=$(dirname "$path") name=$(basename "$path")
        local at=$good
        [ "$up" = . ] || at=$good:$up
        tree=$( (git ls-tree "$at" | grep -v "	$name\$"; printf '040000 tree %s\t%s\n' "$tree" "$name") | git mktree)
        path=$up
    done
    echo "$tree"
}
# raw_tree REV:PATH ORDER: that folder's entries written as a raw tree,
# ORDER "reverse" (out of git's order) or "exec" (its first file mode 100755)
raw_tree() {
    git ls-tree "$1" | python3 -c '
import subprocess, sys
rows = [l.rstrip("\n").split("\t", 1) for l in sys.stdin]
ents = [(m.split()[0], m.split()[2], name) for m, name in rows]
if sys.argv[1] == "reverse":
    ents.reverse()
else:
    ents[0] = ("100755",) + ents[0][1:]
raw = b"".join(m.lstrip("0").encode() + b" " + n.encode() + b"\0" + bytes.fromhex(i)
               for m, i, n in ents)
print(subprocess.run(["git", "hash-object", "--literally", "-t", "tree", "-w", "--stdin"],
                     input=raw, capture_output=True, check=True).stdout.decode().strip())' "$2"
}
# hostile ROOT WHAT: acme's main moved to a stock git commit of ROOT; a
# write refused the same way with and without the cache
hostile() {
    local bad
    bad=$(git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit-tree -S -p "$good" "$1" \
        -m "$2")
    git update-ref refs/heads/main "$bad"
    expect_exit 1 "$ITAKU" verify
    expect_output "^${bad:0:12} V10 "
    expect_refused "breaks V10" reg
    sed -E 's/[0-9a-f]{12}/C/g' "$T/err" >"$T/cached.err"
    n=$((n - 1))
    rm -rf "$HOME/.cache/itaku"
    expect_refused "breaks V10" reg
    sed -E 's/[0-9a-f]{12}/C/g' "$T/err" >"$T/uncached.err"
    n=$((n - 1))
    diff "$T/uncached.err" "$T/cached.err" >&2 ||
        fail "$2: the refusal differs with and without canon.cache"
    git update-ref refs/heads/main "$good"
    git reset -q --hard
}
hostile "$(swap parties/acme/register "$(raw_tree "$good:parties/acme/register" reverse)")" \
    "register folder out of git's order"
grep -q "parties/acme/register" "$T/cached.err" || fail "the refusal names no folder: $(cat "$T/cached.err")"
ok "on a parent whose folder on the written path is out of git's order, the write is refused as without the cache"
hostile "$(swap parties/acme/forms/form1 "$(raw_tree "$good:parties/acme/forms/form1" exec)")" \
    "an executable file beside the written path"
grep -q "parties/acme/forms/form1" "$T/cached.err" || fail "the refusal names no file: $(cat "$T/cached.err")"
ok "on a parent with a hostile entry elsewhere, the write is refused as without the cache"

# 4. back on the good line, writes go on, git's trees
expect_exit 0 reg
[ "$(git rev-parse HEAD^{tree})" = "$(stock_tree HEAD)" ] || fail "the tree after is not git's"
expect_exit 0 "$ITAKU" verify
ok "after the refusals the writes make git's trees again and verify accepts them"
finish
