#!/usr/bin/env bash
# Issue 2, point 2: signing through --key, git config itaku.signingKey, or
# ssh-agent (passphrase-protected keys work only through the agent), and the
# acting party found from the key alone.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
git config --unset itaku.signingKey

# No key anywhere: a clear error, nothing written.
before=$(state_of .)
expect_exit 2 "$ITAKU" record add register - < <(register_item 1)
expect_output "no signing key.*--key FILE.*itaku.signingKey.*ssh-agent"
[ "$before" = "$(state_of .)" ] || fail "a refused record add changed the registry"
ok "no signing key: the error lists the three ways to name one"

# --key FILE
register_item 1 | "$ITAKU" record add register - --key "$T/acme.key" >/dev/null
ok "--key FILE signs"

# A passphrase-protected key with no agent.
cp "$T/acme.key" "$T/acme-locked.key"
ssh-keygen -q -p -P '' -N 'correct horse' -f "$T/acme-locked.key" >/dev/null
before=$(state_of .)
expect_exit 2 "$ITAKU" record add register - --key "$T/acme-locked.key" < <(register_item 2)
expect_output "passphrase.*ssh-add"
[ "$before" = "$(state_of .)" ] || fail "a refused record add changed the registry"
ok "an encrypted key without an agent: the error says to load it with ssh-add"

# The same key through ssh-agent.
eval "$(ssh-agent -s -a "$T/agent.sock")" >/dev/null
cleanup_hooks+=("kill $SSH_AGENT_PID")
cat >"$T/askpass" <<'SH'
#!/bin/sh
echo 'correct horse'
SH
chmod +x "$T/askpass"
SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none ssh-add "$T/acme-locked.key" </dev/null 2>/dev/null
id=$(register_item 3 | "$ITAKU" record add register - --key "$T/acme-locked.key")
[ "$id" = r-000002 ] || fail "agent signing through the locked key's file gave $id"
ok "an encrypted key signs through ssh-agent"

# Only the agent: the one registered key among several is chosen.
"$ITAKU" key generate "$T/stranger.key" >/dev/null
ssh-add -q "$T/stranger.key" 2>/dev/null
id=$(register_item 4 | "$ITAKU" record add register -)
[ "$id" = r-000003 ] || fail "agent-only signing gave $id"
"$ITAKU" log -n 1 --json | has '"party":"acme"' || fail "agent commit not attributed to acme"
ok "with only ssh-agent, the registered key is found and the party follows from it"

# Two registered keys in the agent: an error listing both.
ssh-add -q "$T/city.key" 2>/dev/null
before=$(state_of .)
expect_exit 2 "$ITAKU" record add register - < <(register_item 5)
expect_output "several keys"
expect_output "acme/manager"
expect_output "akiruno-city/officer"
[ "$before" = "$(state_of .)" ] || fail "a refused record add changed the registry"
ok "several registered keys in the agent: an error that lists them"

# git config itaku.signingKey takes precedence over the agent.
git config itaku.signingKey "$T/acme.key"
register_item 6 | "$ITAKU" record add register - >/dev/null
ok "git config itaku.signingKey signs"

# A stranger's key is refused, naming the key.
before=$(state_of .)
expect_exit 2 "$ITAKU" record add register - --key "$T/stranger.key" < <(register_item 7)
expect_output "SHA256:.*not registered"
[ "$before" = "$(state_of .)" ] || fail "a refused record add changed the registry"
ok "a key of no party is refused"

"$ITAKU" key show >"$T/shown"
grep -q "(ED25519)" "$T/shown" || fail "key show without FILE shows no key"
expect_exit 0 "$ITAKU" verify
ok "every signed commit verifies"
finish
