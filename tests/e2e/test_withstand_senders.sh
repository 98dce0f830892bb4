#!/usr/bin/env bash
# Senders are proven, not claimed (DESIGN §7): whose line a fetched or
# imported tip is comes from its signature, never from a bundle's header or
# a remote's tag. Each hostile case (refused, naming who signed, nothing
# moved) has its legitimate twin, which must pass: a line ending on its
# parent's commit after a fast-forward pull, a contractor's bundle relayed to
# an offline subcontractor, a request branch moved by an intermediate party's
# endorsement, a remote tagged with the party whose line it serves.
. "$(dirname "$0")/lib.sh"
at() { (cd "$T/$1" && shift && "$@"); }
add_entry() {
    "$ITAKU" register add --action received --item-id "item-$1" --info "住民記録データ" \
        --medium usb --quantity 1 --unit 本 --handler "鈴木一郎" >/dev/null
}
# party_of REPO REV: the Itaku-Party trailer of REV, as git shows it.
party_of() {
    git -C "$1" log -1 --format=%B "$2" | sed -n 's/^Itaku-Party: //p'
}
# no_accusation: the last command blamed nobody with V8 or a rewrite.
no_accusation() {
    if grep -qE "V8|rewritten|does not descend" "$T/out" "$T/err"; then
        cat "$T/out" "$T/err" >&2
        fail "$1"
    fi
}

setup_chain
CITY=akiruno-city
ok "the chain city → acme → beta → gamma is set up"

# --- a subcontractor's bundle claiming to be the city ---
gamma_tip=$(git -C "$T/gamma" rev-parse main)
[ "$(party_of "$T/gamma" main)" = gamma ] || fail "gamma's main does not end on gamma's commit: the test proves nothing"
git clone -q "$T/gamma" "$T/liar"
git -C "$T/liar" update-ref "refs/itaku/sender/$CITY" "$gamma_tip"
git -C "$T/liar" bundle create -q "$T/liar.bundle" main "refs/itaku/sender/$CITY" 2>/dev/null
git bundle list-heads "$T/liar.bundle" | has " refs/heads/main$" || fail "the forged bundle has no main"
for p in acme beta city; do
    cd "$T/$p"
    expect_refused "says it comes from the city \($CITY\), but its main \(commit ${gamma_tip:0:12}\) is signed by gamma; the city's line moves only to the city's commits.*nothing was taken" \
        "$ITAKU" bundle import "$T/liar.bundle"
    no_accusation "a bundle lying about its sender accused someone else"
    git for-each-ref refs/itaku/incoming | has . && fail "the quarantine was not emptied"
done
ok "a subcontractor's bundle claiming to be the city is refused naming gamma as its signer; nothing moved"

# its twin: gamma's own bundle, saying it is gamma's, goes in
cd "$T/gamma"
add_entry g1 2>/dev/null
expect_exit 0 "$ITAKU" bundle create "$T/g1.bundle" --for beta
cd "$T/beta"
expect_exit 0 "$ITAKU" bundle import "$T/g1.bundle"
expect_output "line of gamma"
[ "$(git rev-parse refs/itaku/lines/gamma)" = "$(git -C "$T/gamma" rev-parse main)" ] || fail "gamma's own bundle did not move its line"
expect_exit 0 "$ITAKU" receive gamma
ok "twin: gamma's own bundle moves gamma's line and is received"

# --- a line ending on its parent's commit after a fast-forward pull ---
at beta "$ITAKU" bundle create "$T/b1.bundle" --for acme >/dev/null
at acme "$ITAKU" bundle import "$T/b1.bundle" >/dev/null
at acme "$ITAKU" receive beta >/dev/null
at city "$ITAKU" receive acme "$T/acme" >/dev/null
cd "$T/acme"
expect_exit 0 "$ITAKU" pull
expect_output "Fast-forwarded"
[ "$(party_of "$T/acme" main)" = "$CITY" ] || fail "acme's main does not end on the city's commit: the test proves nothing"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_output "Nothing new"
no_accusation "a line ending on its parent's commit was taken for a rewrite"
[ "$(git rev-parse refs/itaku/lines/acme)" = "$(git rev-parse main)" ] || fail "acme's line does not end on the city's commit it pulled"
ok "twin: acme's line ends on the city's commit after a fast-forward pull, and the city takes it"

# cloning from a bundle: the sender it names must have signed its main (or a party above it)
cd "$T"
expect_exit 2 "$ITAKU" clone "$T/liar.bundle" "$T/liar-clone" --city-key "$CITY_FPR" --genesis "$GENESIS"
expect_output "says it comes from the city \($CITY\), but its main \(commit ${gamma_tip:0:12}\) is signed by gamma"
[ -e "$T/liar-clone" ] && fail "a refused clone left its folder"
git clone -q "$T/acme" "$T/relay"
git -C "$T/relay" update-ref refs/itaku/sender/acme main
git -C "$T/relay" bundle create -q "$T/acme-full.bundle" main refs/itaku/sender/acme 2>/dev/null
expect_exit 0 "$ITAKU" clone "$T/acme-full.bundle" "$T/acme-clone" --city-key "$CITY_FPR" --genesis "$GENESIS"
[ "$(git -C "$T/acme-clone" rev-parse refs/itaku/lines/acme)" = "$(git -C "$T/city" rev-parse main)" ] ||
    fail "the clone of acme's bundle does not record acme's line at the city's commit"
ok "a clone from a bundle claiming to be the city is refused naming gamma; twin: acme's bundle ending on the city's commit clones"

# --- a contractor's bundle (carrying the city's line) relayed to an offline subcontractor ---
cd "$T/acme"
expect_exit 0 "$ITAKU" bundle create "$T/a1.bundle" --for beta
cd "$T/beta"
expect_exit 0 "$ITAKU" bundle import "$T/a1.bundle"
expect_output "line of acme"
[ "$(git rev-parse refs/itaku/lines/acme)" = "$(git -C "$T/city" rev-parse main)" ] || fail "acme's relayed bundle did not move acme's line to the city's commit"
[ "$(git rev-parse refs/heads/requests/beta/q-000001)" = "$(git -C "$T/acme" rev-parse refs/heads/requests/beta/q-000001)" ] ||
    fail "beta's request endorsed by acme was not taken from acme's bundle"
[ "$(party_of "$T/beta" refs/heads/requests/beta/q-000001)" = acme ] || fail "beta's request branch is not at acme's endorsement: the test proves nothing"
expect_exit 0 "$ITAKU" pull refs/itaku/lines/acme
expect_output "Fast-forwarded"
expect_exit 0 "$ITAKU" verify
# relayed with the city's line as a branch of its own (stock git's bundle)
git -C "$T/relay" update-ref "refs/heads/parties/$CITY/main" "$(git -C "$T/city" rev-parse main)"
git -C "$T/relay" bundle create -q "$T/relay.bundle" main "parties/$CITY/main" refs/itaku/sender/acme 2>/dev/null
expect_exit 0 "$ITAKU" bundle import "$T/relay.bundle"
expect_output "line of $CITY"
[ "$(git rev-parse "refs/itaku/lines/$CITY")" = "$(git -C "$T/city" rev-parse main)" ] || fail "the city's line relayed by acme was not taken"
ok "twin: acme's bundle, whose main is the city's commit, moves acme's line at beta (and beta's request branch to acme's endorsement), and beta pulls it offline; the city's line relayed beside it is taken"

# beta's line, too, now ends on the city's commit, and acme takes it
cd "$T/acme"
expect_exit 0 "$ITAKU" receive beta "$T/beta"
no_accusation "beta's line ending on the city's commit was refused"
[ "$(git rev-parse refs/itaku/lines/beta)" = "$(git -C "$T/city" rev-parse main)" ] || fail "beta's line was not taken"
ok "twin: a line that ends two parties up (beta's, on the city's commit) is taken"

# --- a remote tagged as the city, serving acme's line ---
cd "$T/acme"
add_entry a1 2>/dev/null
"$ITAKU" request submit copy --summary "検証用に複製" --item item-a1 >/dev/null 2>&1
acme_tip=$(git rev-parse main)
cd "$T/beta"
expect_exit 0 "$ITAKU" remote add acme-by-path "$T/acme" --party acme
expect_exit 0 "$ITAKU" remote add mislabelled "$T/acme" --party "$CITY"
city_line=$(git rev-parse "refs/itaku/lines/$CITY" 2>/dev/null || echo none)
expect_exit 0 "$ITAKU" fetch mislabelled
expect_output "called $CITY's line by its source, but signed by acme"
expect_output "line of acme"
[ "$(git rev-parse refs/itaku/lines/acme)" = "$acme_tip" ] || fail "acme's line served under the city's tag was not taken as acme's"
[ "$(git rev-parse "refs/itaku/lines/$CITY" 2>/dev/null || echo none)" = "$city_line" ] || fail "the city's line moved to acme's commit"
ok "a remote tagged as the city but serving acme's line moves acme's line, never the city's"

# twin: the remote tagged acme serves acme's line, request branches too
expect_exit 0 "$ITAKU" fetch acme-by-path
expect_output "line of acme +unchanged"
git rev-parse -q --verify refs/heads/requests/acme/q-000002 >/dev/null || fail "acme's request branch was not taken"
[ "$(git rev-parse refs/heads/requests/beta/q-000001)" = "$(git -C "$T/acme" rev-parse refs/heads/requests/beta/q-000001)" ] ||
    fail "beta's request endorsed by acme was not taken"
[ "$(party_of "$T/beta" refs/heads/requests/beta/q-000001)" = acme ] || fail "beta's request branch is not at acme's endorsement: the test proves nothing"
ok "twin: a remote tagged acme serving acme's line passes; the request branch endorsed by acme (the intermediate) is taken"

# receiving beta from where gamma's line is kept: refused, saying whose line it is
cd "$T/acme"
gamma_main=$(git -C "$T/gamma" rev-parse main)
expect_refused "serves the line of gamma, not of beta: its main \(${gamma_main:0:12}\) is signed by gamma; nothing was taken" \
    "$ITAKU" receive beta "$T/gamma"
no_accusation "a source serving another party's line was taken for a rewrite"
# through a remote tagged beta: the fetch takes gamma's line as gamma's, the receipt is refused
expect_exit 0 "$ITAKU" remote add gamma-as-beta "$T/gamma" --party beta
main_before=$(git rev-parse main)
beta_line=$(git rev-parse refs/itaku/lines/beta)
expect_exit 2 "$ITAKU" receive beta gamma-as-beta
expect_output "serves the line of gamma, not of beta: its main \(${gamma_main:0:12}\) is signed by gamma, so it was taken as gamma's line"
[ "$(git rev-parse main)" = "$main_before" ] || fail "receive moved main"
[ "$(git rev-parse refs/itaku/lines/beta)" = "$beta_line" ] || fail "gamma's commit became beta's line"
[ "$(git rev-parse refs/itaku/lines/gamma)" = "$gamma_main" ] || fail "gamma's line was not taken as gamma's"
ok "receiving beta from a source that serves gamma's line says so and receives nothing"

# --- a line offered backwards: nothing new ---
cd "$T/acme"
older=$(git -C "$T/city" rev-list --first-parent main | sed -n 2p)
[ "$(party_of "$T/city" "$older")" = "$CITY" ] || fail "the older tip is not the city's commit: the test proves nothing"
git clone -q --bare "$T/city" "$T/city-old.git"
git -C "$T/city-old.git" update-ref refs/heads/main "$older"
held=$(git rev-parse "refs/itaku/lines/$CITY")
git merge-base --is-ancestor "$older" "$held" || fail "the older tip is not in the line held: the test proves nothing"
expect_exit 0 "$ITAKU" remote add city-old "$T/city-old.git" --party "$CITY"
before=$(state_of .)
expect_exit 0 "$ITAKU" fetch city-old
expect_output "line of $CITY +nothing new: ${older:0:12} is older than the line held, ${held:0:12}"
no_accusation "an older tip of the city's line was taken for a rewrite"
[ "$(state_of .)" = "$before" ] || fail "an older tip moved a ref"
expect_exit 0 "$ITAKU" pull city-old
# nothing new; acme's receipts of beta and gamma, not pushed, are said as such
expect_output "^Nothing new to pull: main holds the parent's main already, and 2 commits of its own"
ok "a line offered at an older tip is nothing new: exit 0, no V8, nothing moved"

# --- a request branch at a commit of a party that may not move it ---
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
for who in gamma "$CITY"; do
    rm -rf "$T/beta-forged.git"
    git clone -q --bare "$T/beta" "$T/beta-forged.git"
    case $who in
    gamma) bad=$(git -C "$T/gamma" log -1 --format=%H --grep '^Itaku-Party: gamma$' main) ;;
    *) bad=$(git -C "$T/city" rev-parse main) ;;
    esac
    [ "$(party_of "$T/beta" "$bad")" = "$who" ] || fail "$bad is not $who's: the test proves nothing"
    git -C "$T/beta-forged.git" update-ref refs/heads/requests/beta/q-000009 "$bad"
    cd "$T/acme"
    # refuse only what may move nowhere: that branch, with its reason; beta's
    # line (already received) and everything else is taken as usual
    before=$(state_of .)
    expect_exit 0 "$ITAKU" receive beta "$T/beta-forged.git"
    expect_output "requests/beta/q-000009 points at commit ${bad:0:12}, signed by $who; a request branch of beta moves only to a commit of beta or of a party between it and the city.*that branch was not taken"
    [ "$(state_of .)" = "$before" ] || fail "a refused request branch moved a ref"
    git rev-parse -q --verify refs/heads/requests/beta/q-000009 >/dev/null &&
        fail "the request branch at $who's commit was taken"
    expect_exit 0 "$ITAKU" remote add "forged-$who" "$T/beta-forged.git" --party beta
    expect_exit 0 "$ITAKU" fetch "forged-$who"
    expect_output "signed by $who.*that branch was not taken"
    expect_output "line of beta"
    git rev-parse -q --verify refs/heads/requests/beta/q-000009 >/dev/null &&
        fail "fetch took the request branch at $who's commit"
done
ok "a request branch of beta at gamma's or the city's commit is refused alone (receive and fetch), naming the signer; the line is still taken"

# a line ending two parties up, on a commit the receiver has not pulled yet
at city "$ITAKU" instruct report --to acme --due 2099-01-31 --text "臨時報告" >/dev/null 2>&1
cd "$T/beta"
# the city's main offered as acme's line, which is already past it: not a rewrite
acme_line=$(git rev-parse refs/itaku/lines/acme)
expect_refused "offers $CITY's commit $(git -C "$T/city" rev-parse --short=12 main) as acme's line, but that line is already at ${acme_line:0:12}, which the commit does not contain" \
    "$ITAKU" pull "$T/city"
no_accusation "the city's commit offered as acme's line was taken for a rewrite"
expect_exit 0 "$ITAKU" remote add city "$T/city" --party "$CITY"
expect_exit 0 "$ITAKU" fetch city
expect_exit 0 "$ITAKU" pull "refs/itaku/lines/$CITY"
expect_output "Fast-forwarded"
cd "$T/acme"
city_main=$(git -C "$T/city" rev-parse main)
main_before=$(git rev-parse main)
expect_exit 2 "$ITAKU" receive beta "$T/beta"
expect_output "the line of beta ends on $CITY's commit ${city_main:0:12} \(it pulled it\), which main does not hold yet; pull first"
[ "$(git rev-parse main)" = "$main_before" ] || fail "a refused receipt moved main"
[ "$(git rev-parse refs/itaku/lines/beta)" = "$city_main" ] || fail "beta's verified line was not taken"
no_accusation "a line ending on the city's commit was taken for a rewrite"
expect_exit 0 "$ITAKU" pull
expect_exit 0 "$ITAKU" receive beta "$T/beta"
expect_output "Nothing new from beta"
ok "twin: beta's line ending on a city commit acme lacks asks acme to pull first, then is nothing new"

for p in city acme beta gamma; do expect_exit 0 "$ITAKU" -C "$T/$p" verify; done
ok "after every refusal the four registries still verify"
finish
