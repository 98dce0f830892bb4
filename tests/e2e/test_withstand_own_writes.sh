#!/usr/bin/env bash
# Issue 10, point 9: itaku never writes what verify refuses. A registry is one
# party's (git config itaku.party, set by init and clone): another party's key
# (the city's key used in the contractor's clone) is refused naming both
# parties, before any ref moves. Every commit is checked with verify's own
# rules before its branch moves: a key event the CLI lets through but V9
# refuses, a receipt of a rewritten line that V8 refuses, are not written.
# Point 10: an error message never repeats itself.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
[ "$(git -C "$T/city" config itaku.party)" = akiruno-city ] || fail "init did not record whose registry it is"

# the contractor joins with itaku clone and its key: the clone is acme's
expect_exit 0 "$ITAKU" clone "$T/city" "$T/joined" --city-key "$CITY_FPR" --genesis "$GENESIS" \
    --key "$T/acme.key"
[ "$(git -C "$T/joined" config itaku.party)" = acme ] || fail "clone did not record the key's party"
# a clone whose key is not registered (yet) says nothing of whose it is
"$ITAKU" key generate "$T/later.key" --comment later >/dev/null
expect_exit 0 "$ITAKU" clone "$T/city" "$T/later" --city-key "$CITY_FPR" --genesis "$GENESIS" \
    --key "$T/later.key"
git -C "$T/later" config itaku.party && fail "clone recorded a party for a key nobody holds"
ok "init records the city as the registry's party; clone records the party of its key"

cd "$T/joined"
register_body >"$T/entry.json"
python3 - "$FORM1_BODY" >"$T/form1.json" <<'PY'
import json, sys
print(json.dumps(json.load(open(sys.argv[1])), ensure_ascii=False))
PY
cp "$SRC/tests/schema-corpus/incident/valid/base.json" "$T/incident.json"
city_writes=(
    "record add register $T/entry.json"
    "register add --action received --item-id item-9 --info 住民記録データ --medium usb --quantity 1 --handler 佐藤"
    "form submit 1 $T/form1.json"
    "incident report $T/incident.json"
    "key add $T/later.key.pub --principal deputy"
    "instruct report --to acme --due $(day 60) --text 報告してください"
    "acknowledge"
    "request submit copy --summary 複製 --details 検証用"
)
for cmd in "${city_writes[@]}"; do
    # shellcheck disable=SC2086
    expect_refused "this is acme's registry; the key given is akiruno-city's \(akiruno-city/officer\): sign with a key of acme" \
        "$ITAKU" $cmd --key "$T/city.key"
done
[ -z "$(git for-each-ref refs/heads/requests)" ] || fail "a refused request left a branch"
ok "the city's key in acme's clone: every write is refused naming both parties; nothing moved"

# the legitimate twin: acme's own key writes each of them
for cmd in "${city_writes[@]}"; do
    case $cmd in instruct*) continue ;; esac # the city's to give, not acme's
    # shellcheck disable=SC2086
    expect_exit 0 "$ITAKU" $cmd --key "$T/acme.key"
done
expect_exit 0 "$ITAKU" verify
ok "acme's own key writes the same records in its clone, and verify passes"

# a registry made before itaku.party: its party is the one of itaku.signingKey
cd "$T/acme"
git config itaku.party && fail "a stock git clone has itaku.party"
expect_refused "this is acme's registry; the key given is akiruno-city's.*records no itaku.party.*itaku.signingKey" \
    "$ITAKU" record add register "$T/entry.json" --key "$T/city.key"
expect_exit 0 "$ITAKU" record add register "$T/entry.json"
ok "a registry without itaku.party is taken to be the party of itaku.signingKey's key, and says so"

# the city's own registry refuses acme's key the same way
cd "$T/city"
expect_refused "this is akiruno-city's registry; the key given is acme's \(acme/manager\)" \
    "$ITAKU" record add register "$T/entry.json" --key "$T/acme.key"
ok "acme's key in the city's registry is refused, naming both parties"

# --- a commit the CLI prepares but verify refuses: not written ---
# key compromised --last-good takes any commit the repository holds; V9 wants
# one of this history before the event. A commit on no branch passes the
# CLI's look-up and is refused by the rule before main moves.
cd "$T/joined"
acme_fpr=$("$ITAKU" key show "$T/acme.key" | grep -o 'SHA256:[A-Za-z0-9+/]*' | head -1)
[ -n "$acme_fpr" ] || fail "no fingerprint for acme's key"
stray=$(git commit-tree "HEAD^{tree}" -m "not in this history" </dev/null)
expect_refused "the prepared commit [0-9a-f]{12} breaks V9 at parties/acme/key-events/k-[0-9]+\.json: last_good must name a commit of this history before the event; verify would refuse it, so no branch moved" \
    "$ITAKU" key compromised "$acme_fpr" --last-good "$stray" --key "$T/acme.key"
expect_exit 0 "$ITAKU" verify
ok "a key event whose last_good is outside the history is refused before main moves (V9)"

# the legitimate twin: last_good in this history
"$ITAKU" key generate "$T/deputy.key" --comment deputy >/dev/null
expect_exit 0 "$ITAKU" key add "$T/deputy.key.pub" --principal deputy --key "$T/acme.key"
deputy_fpr=$("$ITAKU" key show "$T/deputy.key" | grep -o 'SHA256:[A-Za-z0-9+/]*' | head -1)
expect_exit 0 "$ITAKU" key compromised "$deputy_fpr" --last-good HEAD~1 --key "$T/acme.key"
expect_exit 0 "$ITAKU" verify
ok "marking a key compromised with last_good in the history is written and verifies"

# --- a receipt the CLI prepares but V8 refuses: not written ---
# acme rewrites its line after the city received it, and the fork reaches the
# city as a plain git ref; receive checks the fork's own commits, V8 (a line
# only moves forward) refuses the receipt before the city's main moves.
cd "$T/acme"
register_item 21 | "$ITAKU" record add register - >/dev/null 2>&1
register_item 22 | "$ITAKU" record add register - >/dev/null 2>&1
received=$(git rev-parse HEAD)
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
cd "$T/acme"
git reset -q --hard HEAD~1
expect_exit 0 "$ITAKU" form submit 1 "$T/form1.json"
fork=$(git rev-parse HEAD)
cd "$T/city"
git fetch -q "$T/acme" main:refs/remotes/acme-fork/main
expect_refused "the prepared commit [0-9a-f]{12} breaks V8: takes ${fork:0:12} of acme's line, which does not descend from ${received:0:12} received before: a line only moves forward.*verify would refuse it, so no branch moved" \
    "$ITAKU" receive acme refs/remotes/acme-fork/main
expect_exit 0 "$ITAKU" verify
ok "a receipt of a rewritten line is refused before the city's main moves (V8)"

# the legitimate twin: acme's line continues from what the city received
cd "$T/acme"
git reset -q --hard "$received"
expect_exit 0 "$ITAKU" form submit 1 "$T/form1.json"
cd "$T/city"
git fetch -q "$T/acme" +main:refs/remotes/acme-fork/main
expect_exit 0 "$ITAKU" receive acme refs/remotes/acme-fork/main
expect_output "Merged|Received|received"
expect_exit 0 "$ITAKU" verify
ok "a receipt of the line moving forward is written and verifies"

# --- point 10: an error message never repeats itself ---
cd "$T/joined"
# (a message formatted from itself printed "form 6 public_key: form 6 public_key: …")
"$ITAKU" key generate "$T/sub.key" --comment sub >/dev/null
form6_for sub "$T/sub.key.pub" | python3 -c '
import json, sys
f = json.load(sys.stdin)
f["public_key"] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA"
print(json.dumps(f, ensure_ascii=False))' >"$T/form6-bad.json"
expect_refused "^form 6 public_key: ssh-ed25519 public key line has corrupt base64$" \
    "$ITAKU" request submit subcontract "$T/form6-bad.json" --key "$T/acme.key"
[ "$(grep -o "form 6 public_key" "$T/err" | wc -l)" = 1 ] || fail "the message repeats itself"
form6_for sub "$T/sub.key.pub" >"$T/form6.json"
expect_exit 0 "$ITAKU" request submit subcontract "$T/form6.json" --key "$T/acme.key"
ok "a form 6 with a broken key is refused with its reason said once; a good one is written"

finish
