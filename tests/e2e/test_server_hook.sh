#!/usr/bin/env bash
# A hosted registry's pre-receive hook (DESIGN §7), driven by stock
# `git push` to a local bare repository (libgit2's local push runs no hooks;
# stock git's does, with ITAKU_PARTY as the SSH login would set it). It
# refuses unsigned or unauthorised commits, non-fast-forward updates,
# deletions, a party pushing to refs that are not its own, and another
# contract's history; each refusal leaves the server's refs as they were.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

setup_city_and_contractor
HUB=$T/hub
expect_exit 0 "$ITAKU" server init "$HUB" --city-key "$CITY_FPR" --genesis "$GENESIS"
[ "$(git -C "$HUB" rev-parse --is-bare-repository)" = true ] || fail "the hosted registry is not bare"
[ -x "$HUB/hooks/pre-receive" ] || fail "no executable pre-receive hook"
grep -qx "ITAKU='$ITAKU'" "$HUB/hooks/pre-receive" ||
    grep -qx "ITAKU='$(readlink -f "$ITAKU")'" "$HUB/hooks/pre-receive" || fail "the hook does not name the itaku binary"
diff <(grep -v '^ITAKU=' "$HUB/hooks/pre-receive") <(grep -v '^ITAKU=' "$SRC/hooks/pre-receive") >/dev/null ||
    fail "the installed hook differs from hooks/pre-receive"
[ "$(git -C "$HUB" config itaku.genesis)" = "$GENESIS" ] || fail "the hosted registry does not pin the genesis"
expect_exit 2 "$ITAKU" server init "$HUB" --city-key "$CITY_FPR" --genesis "$GENESIS"
ok "server init makes a bare, pinned repository with hooks/pre-receive naming the itaku binary"

expect_exit 0 "$ITAKU" server add-party "$HUB" acme "$T/acme.key.pub"
grep -qE "^command=\"env ITAKU_PARTY=acme git-shell -c \\\\\"\\\$SSH_ORIGINAL_COMMAND\\\\\"\",.*no-pty.* $(cut -d' ' -f1-2 "$T/acme.key.pub" | sed 's/[+/]/\\&/g')" "$T/out" ||
    fail "add-party printed $(cat "$T/out")"
expect_exit 0 "$ITAKU" server add-party "$HUB" acme "$T/acme.key.pub" --authorized-keys "$T/ak"
[ "$(stat -c %a "$T/ak")" = 600 ] || fail "authorized_keys is not mode 0600"
expect_exit 2 "$ITAKU" server add-party "$HUB" Not_A_Party "$T/acme.key.pub"
expect_exit 2 "$ITAKU" server add-party "$T/city" acme "$T/acme.key.pub"
ok "add-party writes the authorized_keys line mapping the login to its party"

hub_refs() { git -C "$HUB" for-each-ref --format='%(refname) %(objectname)'; }
# push_as PARTY ARGS...: stock git push to the hub as PARTY's login would
push_as() {
    local party=$1
    shift
    ITAKU_PARTY=$party git push "$HUB" "$@"
}
# refused_push PATTERN PARTY ARGS...: the hook (or git) refuses, refs unchanged
refused_push() {
    local pattern=$1 before
    shift
    before=$(hub_refs)
    expect_exit 1 push_as "$@"
    expect_output "$pattern"
    [ "$(hub_refs)" = "$before" ] || fail "a refused push changed the hub: $*"
}

cd "$T/city"
before=$(hub_refs)
expect_exit 1 git push "$HUB" main:main
expect_output "mapped to no party"
[ "$(hub_refs)" = "$before" ] || fail "a push without a party changed the hub"
refused_push "main is the city's alone" acme main:main
expect_exit 0 push_as akiruno-city main:main
expect_output "ok refs/heads/main"
ok "main is taken from the city only; a login mapped to no party may push nothing"

cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
add_entry 1
refused_push "main is the city's alone" acme main:main
refused_push "parties/<P>/main is P's alone" akiruno-city main:refs/heads/parties/acme/main
refused_push "parties/<P>/main is P's alone" acme main:refs/heads/parties/other/main
refused_push "not a branch of a hosted registry" acme main:refs/heads/anything
expect_exit 0 push_as acme main:refs/heads/parties/acme/main
ok "a party pushes its line to parties/<P>/main and nowhere that is not its own"

"$ITAKU" key generate "$T/sub.key" --comment sub >/dev/null
form6_for sub "$T/sub.key.pub" >"$T/form6.json"
REQ=$("$ITAKU" request submit subcontract "$T/form6.json" 2>/dev/null)
refused_push "a request branch is moved by its requester" akiruno-city "requests/$REQ:refs/heads/requests/$REQ"
expect_exit 0 push_as acme "requests/$REQ:refs/heads/requests/$REQ" main:refs/heads/parties/acme/main
ok "a request branch is pushed by its requester, not by the city"

# forged: unsigned, and signed by acme in the city's folder
write_record parties/acme/register/r-000009.json "$(register_body)"
git add parties && git commit -q -m "Unsigned entry"
forged=$(git rev-parse HEAD)
refused_push "commit ${forged:0:12} breaks V1" acme main:refs/heads/parties/acme/main
git reset -q --hard HEAD~1
mkdir -p parties/akiruno-city/register
write_record parties/akiruno-city/register/r-000009.json "$(register_body)"
git add parties
stock_commit . "$T/acme.key" "Entry in the city's folder

$(trailers acme manager submit parties/akiruno-city/register/r-000009.json)"
forged=$(git rev-parse HEAD)
refused_push "commit ${forged:0:12} breaks V2" acme main:refs/heads/parties/acme/main
git reset -q --hard HEAD~1
ok "a forged commit pushed with plain git push is refused, naming commit and rule"

refused_push "non-fast-forward|rejected" acme +main~1:refs/heads/parties/acme/main
refused_push "deletion|rejected" acme :refs/heads/parties/acme/main
# the same without stock git's own refusals: the hook alone holds the line
git -C "$HUB" config receive.denyNonFastForwards false
git -C "$HUB" config receive.denyDeletes false
refused_push "does not descend from .*fast-forwards only" acme +main~1:refs/heads/parties/acme/main
refused_push "deleting a ref is refused" acme :refs/heads/parties/acme/main
git -C "$HUB" config receive.denyNonFastForwards true
git -C "$HUB" config receive.denyDeletes true
ok "non-fast-forward updates and deletions are refused, by git's config and by the hook alone"

# another contract signed by the same city key
"$ITAKU" init "$T/other" --contract C-2026-999 --title "別契約" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" >/dev/null
cd "$T/other"
refused_push "breaks V1" akiruno-city +main:refs/heads/main
cd "$T/city"
expect_exit 0 "$ITAKU" remote add other "$T/other" --party akiruno-city
expect_refused "breaks V1.*nothing was taken" "$ITAKU" fetch other
ok "a history with another genesis is refused by the hook and by fetch"

# the city fetches the hub through the quarantine (a local path remote)
expect_exit 0 "$ITAKU" remote add hub "$HUB" --party akiruno-city
expect_exit 0 "$ITAKU" fetch hub
expect_output "line of acme +new at"
expect_output "1 request branch taken"
expect_exit 0 "$ITAKU" receive acme
expect_exit 0 "$ITAKU" verify
ok "the city fetches the hosted registry through the quarantine and receives acme"

finish
