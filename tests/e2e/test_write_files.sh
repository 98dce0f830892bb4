#!/usr/bin/env bash
# A write brings the work tree and git's index up to its commit (issue 18:
# a record's file is written and added to the index by itself, not by a
# checkout reading every entry): `git status` is clean after it, the file
# holds the commit's bytes, what a person staged stays staged, and an index
# or attributes itaku does not handle itself still end as git would leave
# them.
source "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
reg_add() {
    "$ITAKU" register add --action received --item-id "$1" --info "住民記録データ" \
        --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery \
        --occurred-at "$(day 0)T10:00:00+09:00" >"$T/id" 2>/dev/null
    new=parties/acme/register/$(cat "$T/id").json
}
"$ITAKU" form submit 1 "$FORM1_BODY" >/dev/null

# files_match PATH: the work tree's file is the commit's, and the index's
files_match() {
    [ -f "$1" ] || fail "$1 is not in the work tree"
    cmp -s "$1" <(git show "HEAD:$1") || fail "$1 in the work tree differs from HEAD's"
    [ "$(git ls-files -s -- "$1" | awk '{print $2, $3}')" = "$(git rev-parse "HEAD:$1") 0" ] ||
        fail "the index does not hold $1 as HEAD does"
}

reg_add one
files_match "$new"
[ -z "$(git status --porcelain)" ] || { git status >&2; fail "git status is not clean after a write"; }
git diff --cached --quiet HEAD || fail "the index differs from HEAD after a write"
# a stat refresh finds nothing changed either (the entry's stat is the file's)
git update-index --refresh >/dev/null || fail "git update-index --refresh finds changed files"
ok "after register add the new file is in the work tree and the index, git status is clean"

# what a person staged stays staged
echo "memo" >memo.txt
git add memo.txt
reg_add two
files_match "$new"
git diff --cached --name-only | has -x memo.txt || fail "the staged memo.txt is no longer staged"
[ "$(git diff --cached --name-only)" = memo.txt ] || fail "the index holds more than memo.txt staged"
ok "a file staged with git before a write stays staged, and only it"
git rm -q --cached memo.txt
rm memo.txt

# an index git wrote in version 4 (not rewritten by itaku itself): the
# checkout does it
git update-index --index-version 4
reg_add three
files_match "$new"
[ -z "$(git status --porcelain)" ] || { git status >&2; fail "git status is not clean (index v4)"; }
ok "with an index of version 4 the write still leaves git status clean"
git update-index --index-version 2

# attributes that change a file as git writes it (CRLF line ends): honoured
mkdir -p .git/info
printf '*.json eol=crlf\n' >.git/info/attributes
reg_add four
grep -q $'\r$' "$new" || fail "$new was written without the CRLF line ends .git/info/attributes asks"
[ -z "$(git status --porcelain)" ] || { git status >&2; fail "git status is not clean (eol=crlf)"; }
ok "a .git/info/attributes asking for CRLF line ends is honoured, git status clean"
rm .git/info/attributes

"$ITAKU" verify >/dev/null || fail "verify refuses the registry after these writes"
ok "verify accepts the registry"
finish
