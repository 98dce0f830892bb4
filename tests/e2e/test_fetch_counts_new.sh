#!/usr/bin/env bash
# fetch and bundle import say how many new commits came, whatever the
# verification cache holds: the commits the taken line reaches and no ref
# of the registry held before. With a warm cache the take is checked on the
# verdict at the tip (issue 18); it once counted every commit that verdict
# knew, so the number changed with the cache (found by an attack).
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
C=$T/city
(cd "$C" && "$ITAKU" remote add acme "$T/acme" --party acme >/dev/null) ||
    fail "the city could not add acme's folder as a remote"
add() {
    "$ITAKU" -C "$T/acme" register add --medium usb --quantity 1 --handler "鈴木一郎" \
        --method hand-delivery --action received --item-id "$1" --info "住民記録データ" \
        >/dev/null 2>&1 || fail "acme could not record $1"
}
add a-1
(cd "$C" && XDG_CACHE_HOME=$T/w/c XDG_STATE_HOME=$T/w/s "$ITAKU" receive acme "$T/acme" >/dev/null) ||
    fail "the city could not receive acme's first record"
add a-2
add a-3
(cd "$C" && XDG_CACHE_HOME=$T/w/c XDG_STATE_HOME=$T/w/s "$ITAKU" verify >/dev/null) ||
    fail "the city does not verify"
want=$(git -C "$T/acme" rev-list --count HEAD --not "$(git -C "$C" rev-parse refs/itaku/lines/acme)")
[ "$want" = 2 ] || fail "acme has $want commits the city lacks, not 2"
cp -a "$C" "$T/city2"
(cd "$C" && XDG_CACHE_HOME=$T/w/c XDG_STATE_HOME=$T/w/s "$ITAKU" fetch acme >"$T/warm" 2>&1) ||
    fail "fetch with a warm cache: $(cat "$T/warm")"
(cd "$T/city2" && XDG_CACHE_HOME=$T/k/c XDG_STATE_HOME=$T/k/s "$ITAKU" fetch acme >"$T/cold" 2>&1) ||
    fail "fetch with no cache: $(cat "$T/cold")"
has "^Verified 2 new commits;" <"$T/warm" || fail "fetch with a warm cache says: $(cat "$T/warm")"
cmp -s "$T/warm" "$T/cold" || fail "fetch says $(cat "$T/warm") warm, $(cat "$T/cold") cold"
ok "fetch says 2 new commits came, with a warm cache and with none"

add a-4
(cd "$T/acme" && "$ITAKU" bundle create "$T/b.bundle" --for akiruno-city >/dev/null 2>&1) ||
    fail "acme could not write a bundle"
cp -a "$C" "$T/city3"
(cd "$C" && XDG_CACHE_HOME=$T/w/c XDG_STATE_HOME=$T/w/s "$ITAKU" bundle import "$T/b.bundle" >"$T/warm" 2>&1) ||
    fail "bundle import with a warm cache: $(cat "$T/warm")"
(cd "$T/city3" && XDG_CACHE_HOME=$T/k3/c XDG_STATE_HOME=$T/k3/s "$ITAKU" bundle import "$T/b.bundle" >"$T/cold" 2>&1) ||
    fail "bundle import with no cache: $(cat "$T/cold")"
has "^Verified 1 new commit;" <"$T/warm" || fail "bundle import with a warm cache says: $(cat "$T/warm")"
cmp -s "$T/warm" "$T/cold" || fail "bundle import says $(cat "$T/warm") warm, $(cat "$T/cold") cold"
ok "bundle import says 1 new commit came, with a warm cache and with none"

finish
