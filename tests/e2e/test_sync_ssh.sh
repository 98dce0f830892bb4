#!/usr/bin/env bash
# The whole chain over a real sshd (DESIGN §7): the city hosts the registry;
# the contractor clones it over SSH, submits records and a form 6, pushes;
# the city fetches, receives, approves, pushes; the subcontractor works fully
# offline, exchanging only bundle files with its contractor; sub's register
# entries reach the city and verify passes everywhere. Then what a fetch
# must withstand: an unknown or changed host key, a fetch cut off mid-pack,
# a remote whose history has another genesis.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"
# libgit2's SSH transport leaks per connection; see tests/lsan.supp
export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

setup_city_and_contractor
rm -rf "$T/acme"
start_hub acme
re() { printf '%s' "$1" | sed 's/[][+.*^$|?(){}\\]/\\&/g'; }
ok "sshd runs on 127.0.0.1:$PORT; the city's hosted registry lets the city and acme log in"

cd "$T/city"
expect_exit 0 "$ITAKU" remote add hub "$URL" --party akiruno-city
expect_refused "host key of \[127.0.0.1\]:$PORT is unknown.*$(re "$HOST_FP").*--host-key $(re "$HOST_FP")" "$ITAKU" push hub
[ -z "$(git -C "$T/hub" for-each-ref)" ] || fail "a push to an unknown host changed the server"
ok "an unknown host key is refused, showing its fingerprint and how to pin it"

# known_hosts, hashed as ssh-keygen -H writes it
trust_hub_host
ssh-keygen -q -H -f "$HOME/.ssh/known_hosts" 2>/dev/null
rm -f "$HOME/.ssh/known_hosts.old"
grep -q '^|1|' "$HOME/.ssh/known_hosts" || fail "known_hosts was not hashed"
expect_exit 0 "$ITAKU" push hub
expect_output "refs/heads/main -> refs/heads/main"
[ "$(git -C "$T/hub" rev-parse main)" = "$(git rev-parse main)" ] || fail "the hub does not hold the city's main"
ok "with the host in known_hosts (hashed), the city pushes its main to the hosted registry"

expect_exit 0 "$ITAKU" clone "$URL" "$T/acme" --city-key "$CITY_FPR" --genesis "$GENESIS" --key "$T/acme.key"
cd "$T/acme"
[ "$(git config remote.origin.itakuParty)" = akiruno-city ] || fail "origin is not tagged with the city"
"$ITAKU" acknowledge >/dev/null
add_entry 1
"$ITAKU" key generate "$T/sub.key" --comment sub >/dev/null
form6_for sub "$T/sub.key.pub" >"$T/form6.json"
REQ=$("$ITAKU" request submit subcontract "$T/form6.json" 2>/dev/null)
expect_exit 0 "$ITAKU" push
expect_output "refs/heads/main -> refs/heads/parties/acme/main"
expect_output "refs/heads/requests/$REQ -> refs/heads/requests/$REQ"
ok "acme clones over SSH with its key, files records and a form 6, and pushes its line"

cd "$T/city"
expect_exit 0 "$ITAKU" fetch hub
expect_output "line of acme +new at"
expect_exit 0 "$ITAKU" receive acme
expect_exit 0 "$ITAKU" approve "$REQ"
expect_exit 0 "$ITAKU" push hub
cd "$T/acme"
expect_exit 0 "$ITAKU" pull
expect_output "Fast-forwarded"
[ "$(git rev-parse main)" = "$(git -C "$T/city" rev-parse main)" ] || fail "acme did not get the approval"
ok "the city fetches, receives and approves; acme pulls the approval over SSH"

expect_exit 0 "$ITAKU" bundle create "$T/to-sub-1" --for sub
expect_exit 0 "$ITAKU" clone "$T/to-sub-1" "$T/sub" --city-key "$CITY_FPR" --genesis "$GENESIS" --key "$T/sub.key"
cd "$T/sub"
git remote | has . && fail "the offline subcontractor has a remote"
"$ITAKU" acknowledge >/dev/null
add_entry 1
add_entry 2
expect_exit 0 "$ITAKU" bundle create "$T/to-acme-1" --for acme
cd "$T/acme"
expect_exit 0 "$ITAKU" bundle import "$T/to-acme-1"
expect_exit 0 "$ITAKU" receive sub
expect_exit 0 "$ITAKU" push
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme hub
git cat-file -e main:parties/sub/register/r-000002.json || fail "sub's register entries did not reach the city"
ok "sub works offline on bundles only; its register entries reach the city through acme"

cd "$T/acme"
expect_exit 0 "$ITAKU" pull
expect_exit 0 "$ITAKU" bundle create "$T/to-sub-2" --for sub
cd "$T/sub"
expect_exit 0 "$ITAKU" bundle import "$T/to-sub-2"
expect_exit 0 "$ITAKU" pull
git ls-tree -r --name-only main | has '^parties/akiruno-city/decisions/acme/' || fail "the approval is not in sub's main"
for d in city acme sub; do
    (cd "$T/$d" && expect_exit 0 "$ITAKU" verify) || fail "verify fails in $d"
done
ok "the city's receipt comes back to sub by bundle; itaku verify passes in city, acme and sub"

# --- what SSH sync must withstand ---
cd "$T/acme"
export GIT_SSH_COMMAND
GIT_SSH_COMMAND=$(plain_git_ssh "$T/acme.key")
before=$(git -C "$T/hub" for-each-ref)
expect_exit 1 git push "$URL" main:refs/heads/main
expect_output "main is the city's alone"
expect_exit 1 git push "$URL" main:refs/heads/parties/sub/main
expect_output "parties/<P>/main is P's alone"
write_record parties/acme/register/r-000099.json "$(register_body)"
git add parties && git commit -q -m "Unsigned entry"
forged=$(git rev-parse HEAD)
expect_exit 1 git push "$URL" main:refs/heads/parties/acme/main
expect_output "commit ${forged:0:12} breaks V1"
git reset -q --hard HEAD~1
[ "$(git -C "$T/hub" for-each-ref)" = "$before" ] || fail "a refused push over SSH changed the hub"
unset GIT_SSH_COMMAND
ok "over sshd, the hook knows the login's party: pushes to others' refs and forged commits are refused"

# a fetch cut off mid-pack: the server side dies after half the pack
for n in 3 4 5 6 7 8; do add_entry "$n"; done
"$ITAKU" push >/dev/null
cp "$AUTH_KEYS" "$T/auth.good"
serve_through() { # serve the city's login through a shell pipeline
    printf '#!/bin/sh\ngit-upload-pack %s | %s\n' "$T/hub" "$1" >"$T/serve.sh"
    grep -v 'ITAKU_PARTY=akiruno-city' "$T/auth.good" >"$AUTH_KEYS"
    printf 'command="env ITAKU_PARTY=akiruno-city sh %s",no-pty %s\n' "$T/serve.sh" \
        "$(cut -d' ' -f1-2 "$T/city.key.pub")" >>"$AUTH_KEYS"
}
serve_through "tee $T/whole.out"
cp -a "$T/city" "$T/city-probe"
(cd "$T/city-probe" && "$ITAKU" fetch hub >/dev/null) || fail "the probe fetch failed"
cut_at=$(python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); p = d.index(b"PACK"); print(p + (len(d) - p) // 2)' "$T/whole.out")
serve_through "dd bs=1 count=$cut_at status=none"
cd "$T/city"
before=$(state_of .)
expect_exit 2 "$ITAKU" fetch hub
expect_output "cannot fetch from|nothing was taken"
[ "$(state_of .)" = "$before" ] || fail "a fetch cut off mid-pack changed the registry"
git for-each-ref refs/itaku/incoming | has . && fail "the quarantine was not emptied"
cp "$T/auth.good" "$AUTH_KEYS"
expect_exit 0 "$ITAKU" fetch hub
expect_output "line of acme +[0-9a-f]{12} -> [0-9a-f]{12}"
[ "$(git rev-parse refs/itaku/lines/acme)" = "$(git -C "$T/hub" rev-parse parties/acme/main)" ] || fail "the next fetch did not take acme's line"
ok "a fetch cut off mid-pack moves no ref; the next fetch works"

# the party's key through ssh-agent: no key file named anywhere
cd "$T/acme"
signing=$(git config itaku.signingKey)
git config --unset itaku.signingKey
eval "$(ssh-agent -s -a "$T/agent.sock")" >/dev/null
cleanup_hooks+=("kill $SSH_AGENT_PID")
ssh-add -q "$T/acme.key" 2>/dev/null
before_fetch=$(git rev-parse refs/remotes/origin/main 2>/dev/null || true)
expect_exit 0 "$ITAKU" fetch
add_entry 77
expect_exit 0 "$ITAKU" push
[ "$(git -C "$T/hub" rev-parse parties/acme/main)" = "$(git rev-parse main)" ] || fail "the push through ssh-agent did not land"
kill "$SSH_AGENT_PID"
unset SSH_AUTH_SOCK SSH_AGENT_PID
git config itaku.signingKey "$signing"
ok "SSH logs in with the party's key held by ssh-agent (no key file named), and the agent signs"

# a server presenting another host key on the same address
cd "$T/city"
before=$(state_of .)
stop_sshd
ssh-keygen -q -t ed25519 -N '' -C impostor -f "$T/impostor_key"
cp "$T/impostor_key" "$T/sshd/host_key"
cp "$T/impostor_key.pub" "$T/sshd/host_key.pub"
old_fp=$HOST_FP
start_sshd same-port
[ "$HOST_FP" != "$old_fp" ] || fail "the impostor has the same key"
expect_exit 2 "$ITAKU" fetch hub
expect_output "host key of \[127.0.0.1\]:$PORT has CHANGED: the server shows $(re "$HOST_FP"), which is not the key"
git config remote.hub.itakuHostKey "$old_fp"
expect_exit 2 "$ITAKU" fetch hub
expect_output "host key of \[127.0.0.1\]:$PORT has CHANGED: the server shows $(re "$HOST_FP") but $(re "$old_fp") is pinned"
[ "$(state_of .)" = "$before" ] || fail "a refused fetch changed the registry"
cd "$T/acme"
expect_exit 2 "$ITAKU" pull
expect_output "CHANGED"
ok "a server presenting a different host key is refused (known_hosts or pin), showing its fingerprint"

finish
