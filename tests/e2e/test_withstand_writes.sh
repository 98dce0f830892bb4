#!/usr/bin/env bash
# Issue 2, "what it must withstand" (writes): commits made by the contractor
# with stock `git commit -S` and its own registered key, which write where it
# may not, change what is append-only, hold files that are not regular, carry
# trailers that lie, or merge dishonestly. itaku verify must refuse each
# (exit 1), naming the commit, the rule and the path, in text and in --json.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
register_body >"$T/entry.json"
"$ITAKU" record add register "$T/entry.json" >/dev/null 2>&1
record=parties/acme/register/r-000001.json
base=$(git rev-parse HEAD)
expect_exit 0 "$ITAKU" verify
ok "the contractor's clone verifies before any attack"

# commit_acme SUBJECT TRAILERS: commits what is staged as acme, with stock git.
commit_acme() {
    stock_commit . "$T/acme.key" "$1

$2"
    git rev-parse HEAD
}
back() {
    git reset -q --hard "$base"
    git clean -qfd
}
entry=parties/acme/register/r-000002.json

write_record parties/akiruno-city/register/r-000001.json "$(register_body)"
git add -A
bad=$(commit_acme "Write into the city's folder" \
    "$(trailers acme manager submit parties/akiruno-city/register/r-000001.json)")
expect_rejected "$bad" V2 parties/akiruno-city/register/r-000001.json
expect_output "acme may write only under parties/acme/"
back
echo "nothing to see" >NOTES.txt
git add -A
bad=$(commit_acme "Add a top-level file" "$(trailers acme manager submit NOTES.txt)")
expect_rejected "$bad" V2 NOTES.txt
back
ok "writing outside its own folder (the city's folder, a top-level file) is refused (V2)"

write_record "$record" "$(register_body received 税務データ)" \
    "{\"created\": \"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["created"])' "$record")\"}"
git add -A
bad=$(commit_acme "Quietly change what was received" "$(trailers acme manager submit "$record")")
expect_rejected "$bad" V4 "$record"
expect_output "modifies an existing file"
back
git rm -q "$record"
bad=$(commit_acme "Remove a register entry" "$(trailers acme manager submit)")
expect_rejected "$bad" V4 "$record"
expect_output "deletes a file"
back
ok "editing or deleting a record is refused (V4)"

python3 - parties/acme/party.json <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
rec["body"]["role"] = "city"
open(sys.argv[1], "w").write(json.dumps(rec, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
PY
git add -A
bad=$(commit_acme "Promote ourselves" "$(trailers acme manager submit parties/acme/party.json)")
expect_rejected "$bad" V4 parties/acme/party.json
expect_output "only the city may replace"
back
sed -i 's/"C-2026-001"/"C-2026-002"/' itaku.json
git diff --quiet && fail "itaku.json did not change"
git add -A
bad=$(commit_acme "Change the contract" "$(trailers acme manager submit itaku.json)")
expect_rejected "$bad" V4 itaku.json
back
ok "editing its own party.json or itaku.json is refused (V4)"

mkdir -p parties/acme/register
ln -s r-000001.json "$entry"
git add -A
bad=$(commit_acme "Add a link" "$(trailers acme manager submit "$entry")")
expect_rejected "$bad" V10 "$entry"
expect_output "symbolic link"
back
write_record "$entry" "$(register_body)"
chmod +x "$entry"
git add -A
[ "$(git ls-files -s "$entry" | cut -c1-6)" = 100755 ] || fail "git did not stage an executable"
bad=$(commit_acme "Add an executable" "$(trailers acme manager submit "$entry")")
expect_rejected "$bad" V10 "$entry"
expect_output "executable"
back
ok "adding a symlink or an executable file is refused (V10)"

# Trailers that lie about the party, the action, the records or their hash.
write_record "$entry" "$(register_body)"
git add -A
bad=$(commit_acme "Claim to be the city" "$(trailers akiruno-city manager submit "$entry")")
expect_rejected "$bad" V10
expect_output "Itaku-Party says 'akiruno-city' but the commit is signed by acme's key"
git reset -q --soft HEAD^
for action in genesis party-add publish; do
    bad=$(commit_acme "Claim action $action" "$(trailers acme manager "$action" "$entry")")
    expect_rejected "$bad" V10
    expect_output "Itaku-Action '$action'"
    git reset -q --soft HEAD^
done
ok "trailers claiming another party or the actions genesis, party-add or an unknown one are refused (V10)"

bad=$(commit_acme "Name a record not added" "$(trailers acme manager submit "$entry")
Itaku-Record: parties/acme/register/r-000009.json")
expect_rejected "$bad" V10 parties/acme/register/r-000009.json
expect_output "names a file the commit does not add"
git reset -q --soft HEAD^
bad=$(commit_acme "Wrong content hash" "$(trailers acme manager submit "$entry" |
    sed 's/^Itaku-Content-SHA256: .*/Itaku-Content-SHA256: '"$(printf '0%.0s' {1..64})"'/')")
expect_rejected "$bad" V10
expect_output "Itaku-Content-SHA256 does not match"
back
ok "an Itaku-Record naming a file not added and a wrong Itaku-Content-SHA256 are refused (V10)"

# Merges: an octopus, and a conflict resolved by hand.
for n in 3 4 5; do
    git checkout -q -b "side$n" "$base"
    write_record "parties/acme/register/r-00000$n.json" "$(register_body)"
    git add -A
    commit_acme "Entry $n" "$(trailers acme manager submit "parties/acme/register/r-00000$n.json")" >/dev/null
done
git checkout -q main
write_record parties/acme/register/r-000006.json "$(register_body)"
git add -A
commit_acme "Entry 6" "$(trailers acme manager submit parties/acme/register/r-000006.json)" >/dev/null
git -c gpg.format=ssh -c user.signingkey="$T/acme.key" merge -q -S --no-ff side3 side4 side5 \
    -m "Merge four lines

$(trailers acme manager submit)" >/dev/null
bad=$(git rev-parse HEAD)
[ "$(git rev-list --parents -1 HEAD | wc -w)" = 5 ] || fail "the octopus has not four parents"
expect_rejected "$bad" V5
expect_output "octopus merge of 4 parents"
back
git branch -q -D side3 side4 side5
ok "an octopus merge is refused (V5)"

git checkout -q -b theirs "$base"
write_record "$entry" "$(register_body received 住民記録データ)"
git add -A
commit_acme "Entry 2 on one line" "$(trailers acme manager submit "$entry")" >/dev/null
git checkout -q main
write_record "$entry" "$(register_body received 税務データ)"
git add -A
commit_acme "Entry 2 on another line" "$(trailers acme manager submit "$entry")" >/dev/null
expect_exit 0 "$ITAKU" verify
git merge -q theirs >/dev/null 2>&1 && fail "the lines did not conflict"
write_record "$entry" "$(register_body received 住民記録データと税務データ)"
git add -A
bad=$(commit_acme "Merge by hand" "$(trailers acme manager submit)")
[ "$(git rev-list --parents -1 HEAD | wc -w)" = 3 ] || fail "the hand merge is not a merge"
expect_rejected "$bad" V5 "$entry"
expect_output "may not resolve a conflict by hand"
back
git branch -q -D theirs
expect_exit 0 "$ITAKU" verify
ok "a merge that resolves a conflict by hand is refused (V5)"

finish
