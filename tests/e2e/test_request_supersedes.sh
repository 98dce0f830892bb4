#!/usr/bin/env bash
# Corrections that keep the history (issue 16, point 3) for requests: a
# party corrects its own pending request with `request submit --supersedes`
# (and `form submit 6 --supersedes`); history says so; the old version waits
# no more; another party's, a decided, an already corrected or an unknown
# request is refused, writing nothing, the unknown one naming the closest.
. "$(dirname "$0")/lib.sh"
at() { (cd "$T/$1" && shift && "$@"); }

setup_city_and_contractor
cd "$T/acme"
# the request cites an item acme holds (issue 16: a copy of an item nobody holds is refused)
expect_exit 0 "$ITAKU" register add --action received --item-id item-1 --info "住民データ" \
    --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item item-1
[ "$(cat "$T/out")" = acme/q-000001 ] || fail "first request is $(cat "$T/out")"
# an unknown request to correct: refused, the closest named
expect_refused "no request 'acme/q-000011'.*closest: acme/q-000001" \
    "$ITAKU" request submit copy --summary "検証用に複製（訂正）" --item item-1 --supersedes q-000011
# the twin: the request that exists is corrected
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製（訂正）" --item item-1 \
    --supersedes q-000001
[ "$(cat "$T/out")" = acme/q-000002 ] || fail "the correction is $(cat "$T/out")"
[ "$(git show HEAD:parties/acme/requests/q-000002.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["supersedes"])')" = q-000001 ] ||
    fail "the correction does not name what it supersedes"
git rev-parse -q --verify refs/heads/requests/acme/q-000002 >/dev/null || fail "no request branch"
expect_exit 0 "$ITAKU" verify
ok "request submit --supersedes corrects a pending request of ours: a new request naming the old"

expect_exit 0 "$ITAKU" history acme/q-000002
expect_output "supersedes q-000001"
expect_exit 0 "$ITAKU" history acme/q-000001
expect_output "superseded by acme/q-000002"
ok "history says which request corrects which"

# the old version is corrected already: refused, naming the current one
expect_refused "already corrected by acme/q-000002" \
    "$ITAKU" request submit copy --summary "再訂正" --item item-1 --supersedes q-000001
# the city cannot correct acme's request
cd "$T/city"
git pull -q "$T/acme" main
expect_refused "acme/q-000002 is acme's request" \
    "$ITAKU" request submit copy --summary "市の訂正" --supersedes acme/q-000002
# a decided request is not corrected: a new request is needed
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" approve acme/q-000002
cd "$T/acme"
expect_exit 0 "$ITAKU" pull "$T/city"
expect_refused "acme/q-000002 is approved already" \
    "$ITAKU" request submit copy --summary "承認後の訂正" --supersedes q-000002
ok "another party's, a decided or an already corrected request is refused, nothing written"

# form submit 6 takes --supersedes too (it was ignored before)
"$ITAKU" key generate "$T/beta.key" >/dev/null
form6_for beta "$T/beta.key.pub" >"$T/f6.json"
expect_exit 0 "$ITAKU" form submit 6 "$T/f6.json"
q=$(cat "$T/out")
expect_exit 0 "$ITAKU" form submit 6 "$T/f6.json" --supersedes "$q"
q2=$(cat "$T/out")
[ "$(git show "HEAD:parties/acme/requests/${q2#acme/}.json" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("supersedes"))')" = "${q#acme/}" ] ||
    fail "form submit 6 --supersedes did not name $q"
expect_exit 0 "$ITAKU" verify
ok "form submit 6 --supersedes corrects the subcontract request"
finish
