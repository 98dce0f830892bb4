#!/usr/bin/env bash
# Issue 2, point 8: the city opens a registry and registers a contractor; the
# contractor adds records in its own clone; the city fetches them; itaku
# verify passes in both and stock git verifies every commit.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
ok "city opened a registry and registered acme"

[ "$(stat -c %a "$T/city.key")" = 600 ] || fail "private key is not mode 0600"
ssh-keygen -y -f "$T/city.key" | cut -d' ' -f1-2 >"$T/derived.pub"
[ "$(cut -d' ' -f1-2 "$T/city.key.pub")" = "$(cat "$T/derived.pub")" ] ||
    fail "ssh-keygen derives another public key from itaku's private key"
"$ITAKU" key show "$T/city.key" | tail -1 >"$T/ours"
ssh-keygen -lf "$T/city.key" >"$T/theirs"
cmp -s "$T/ours" "$T/theirs" || fail "key show differs from ssh-keygen -lf: $(cat "$T/ours") / $(cat "$T/theirs")"
ok "keys: ssh-keygen accepts the key, and key show prints ssh-keygen -lf's line"

grep -q "^  contract:  C-2026-001$" "$T/sheet" || fail "contract sheet lacks the contract id"
[ "$(git -C "$T/city" rev-list --max-parents=0 HEAD)" = "$GENESIS" ] || fail "sheet genesis is not the root"
ok "contract sheet names contract, genesis and city key"

cd "$T/acme"
id1=$("$ITAKU" record add form1 "$FORM1_BODY")
[ "$id1" = f1-000001 ] || fail "first form1 id is $id1"
id2=$(register_item 1 | "$ITAKU" record add register -)
[ "$id2" = r-000001 ] || fail "first register id is $id2"
"$ITAKU" record show f1-000001 >"$T/shown"
grep -q '"name": "佐藤花子"' "$T/shown" || fail "Japanese text did not round-trip"
grep -q '"safeguards": "私物端末の使用禁止。\\nウイルス対策ソフトの導入。"' "$T/shown" || fail "multi-line Japanese did not round-trip"
grep -q '"party": "acme"' "$T/shown" || fail "envelope lacks the party"
"$ITAKU" record list --party acme --type register | has r-000001 || fail "record list misses r-000001"
ok "contractor adds records; show and list read them back"

expect_exit 0 "$ITAKU" verify
expect_output "verified 4 commits"
ok "verify passes in the contractor's clone"

cd "$T/city"
git fetch -q "$T/acme" main:refs/remotes/acme/main
expect_exit 0 "$ITAKU" verify --genesis "$GENESIS" --city-key "$CITY_FPR"
expect_output "verified 4 commits"
ok "the city fetches with plain git fetch and verify passes"

"$ITAKU" export allowed-signers "$T/allowed" 2>/dev/null
grep -q '^acme/manager namespaces="git",valid-after="[0-9]\{14\}Z" ssh-ed25519 ' "$T/allowed" || fail "allowed signers lacks acme/manager"
for c in $(git rev-list --all); do
    git -c gpg.ssh.allowedSignersFile="$T/allowed" verify-commit "$c" 2>/dev/null ||
        fail "stock git rejects commit $c"
done
git -c gpg.ssh.allowedSignersFile="$T/allowed" log --all --show-signature >"$T/gitlog" 2>&1
[ "$(grep -c '^Good "git" signature for ' "$T/gitlog")" = 4 ] || fail "git log does not show 4 good signatures"
ok "stock git verify-commit and log --show-signature accept every commit"

"$ITAKU" log --json >"$T/log.json"
python3 - "$T/log.json" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
assert [e["action"] for e in log] == ["party-add", "genesis"], log
assert all(e["verified"] for e in log)
assert log[0]["date"].endswith("+09:00")
PY
git merge -q --ff-only refs/remotes/acme/main
"$ITAKU" log >"$T/log.txt"
grep -qE 'JST +✓ +acme +manager +submit' "$T/log.txt" || fail "log lacks acme's verified submit: $(cat "$T/log.txt")"
"$ITAKU" log --party akiruno-city --json | python3 -c 'import json,sys; assert {e["party"] for e in json.load(sys.stdin)} == {"akiruno-city"}'
ok "itaku log prints the history newest first with JST dates, party filter and --json"

# (b) a commit made by stock `git commit -S` with gpg.format=ssh verifies.
cd "$T/acme"
write_record parties/acme/register/r-000002.json "$(register_body returned)"
git add parties/acme/register/r-000002.json
msg="Return the data by hand

$(trailers acme manager submit parties/acme/register/r-000002.json)"
stock_commit "$T/acme" "$T/acme.key" "$msg"
expect_exit 0 "$ITAKU" verify
expect_output "verified 5 commits"
ok "itaku verifies a commit signed by stock git commit -S"

finish
