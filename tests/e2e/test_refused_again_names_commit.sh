#!/usr/bin/env bash
# A refusal served from the verification cache names the commit, as the
# first refusal did. A line carrying a commit signed by a compromised key
# after its compromise is refused by receive (V9: it arrives new); the
# second receive of the same line reads the run's problems back from
# verify.cache, which once lost the commit id (it named 000000000000).
. "$(dirname "$0")/lib.sh"

setup_chain
C=$T/city
export XDG_CACHE_HOME=$T/warm/cache XDG_STATE_HOME=$T/warm/state

fpr=$(ssh-keygen -lf "$T/acme.key.pub" | awk '{print $2}')
last=$(git -C "$T/acme" rev-parse HEAD)
(cd "$C" && "$ITAKU" verify >/dev/null) || fail "the chain does not verify"
(cd "$C" && "$ITAKU" key compromised "$fpr" --last-good "$last" --reason "盗難" >/dev/null) ||
    fail "the city could not record acme's key as compromised"
"$ITAKU" -C "$T/acme" register add --medium usb --quantity 1 --handler "鈴木一郎" \
    --method hand-delivery --action received --item-id a-1 --info "住民記録データ" >/dev/null 2>&1 ||
    fail "acme could not record a-1"
new=$(git -C "$T/acme" rev-parse HEAD)
before=$(git -C "$C" rev-parse HEAD)

for round in 1 2 3; do
    rc=0
    (cd "$C" && "$ITAKU" receive acme "$T/acme") >"$T/r$round.out" 2>"$T/r$round.err" || rc=$?
    [ "$rc" = 2 ] || fail "receive $round of a line of the compromised key exits $rc: $(cat "$T/r$round.err")"
    has "commit ${new:0:12} breaks V9" <"$T/r$round.err" ||
        fail "receive $round does not name commit ${new:0:12}: $(cat "$T/r$round.err")"
    has "000000000000" <"$T/r$round.err" && fail "receive $round names commit 000000000000"
    [ "$(git -C "$C" rev-parse HEAD)" = "$before" ] || fail "receive $round moved the city's HEAD"
done
ok "every refusal of the same line names the commit that breaks V9, cached or not"

finish
