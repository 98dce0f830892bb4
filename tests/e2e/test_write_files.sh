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

# the register folder replaced by hand with a symbolic link to a folder
# outside the registry: a write puts nothing there (git does not write
# through a symbolic link either); the record is committed, the person is
# told, and the next write waits until the folder is put back
outside=$T/outside
mkdir -p "$outside"
cp -a parties/acme/register/. "$outside/"
before=$(ls "$outside" | sort)
rm -rf parties/acme/register
ln -s "$outside" parties/acme/register
"$ITAKU" register add --action received --item-id five --info "住民記録データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery \
    --occurred-at "$(day 0)T10:00:00+09:00" >"$T/id" 2>"$T/err" ||
    fail "register add failed with a symbolic link as the register folder: $(cat "$T/err")"
five=parties/acme/register/$(cat "$T/id").json
[ "$(ls "$outside" | sort)" = "$before" ] ||
    fail "a write put a file into $outside through the symbolic link parties/acme/register"
git cat-file -e "HEAD:$five" || fail "the record $five is not in HEAD's tree"
has "parties/acme/register there is not a folder but a symbolic link" <"$T/err" ||
    fail "the write did not say why the files were not written: $(cat "$T/err")"
ok "a write does not follow a register folder replaced by a symbolic link out of the registry"

head_before=$(git rev-parse HEAD)
if "$ITAKU" register add --action received --item-id six --info "住民記録データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery \
    --occurred-at "$(day 0)T10:00:00+09:00" >/dev/null 2>"$T/err"; then
    fail "a second write went ahead with the register folder still a symbolic link"
fi
has 'git checkout -- parties/acme/register' <"$T/err" ||
    fail "the refusal does not say how to put the folder back: $(cat "$T/err")"
[ "$(git rev-parse HEAD)" = "$head_before" ] || fail "the refused write moved HEAD"
[ "$(ls "$outside" | sort)" = "$before" ] || fail "the refused write put a file into $outside"
ok "the next write is refused, changing nothing, and says how to put the folder back"

rm -f parties/acme/register
git checkout -q -- parties/acme/register
reg_add seven
files_match "$five"
files_match "$new"
[ -z "$(git status --porcelain)" ] || { git status >&2; fail "git status is not clean after the fix"; }
ok "with the folder put back as the refusal says, writes go on and git status is clean"

"$ITAKU" verify >/dev/null || fail "verify refuses the registry after these writes"
ok "verify accepts the registry"
finish
