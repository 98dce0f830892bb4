#!/usr/bin/env bash
# The chain issue, "what it must withstand" (merges and lines), across four
# registries: an approving merge that also changes another party's records,
# a merge that resolves a conflict by hand, an octopus merge, the city
# registering a key that differs from form 6, and a line rewritten and
# received again. Each forged with stock git is refused by itaku verify
# (exit 1, commit and rule) and by the party that would take it (exit 2,
# nothing moved).
. "$(dirname "$0")/lib.sh"
at() { (cd "$T/$1" && shift && "$@"); }
scratch() {
    rm -rf "$T/$1-x"
    cp -a "$T/$1" "$T/$1-x"
}
CITY=akiruno-city
# received_entry ITEM INFO: a register entry of what was received.
received_entry() {
    "$ITAKU" register add --action received --item-id "$1" --info "$2" --medium usb \
        --quantity 1 --handler "佐藤 花子" --method hand-delivery >/dev/null 2>&1
}
# merge_message SUBJECT PARTY PRINCIPAL ACTION RECEIVED PATH...: the message
# of a merge taking RECEIVED ("<party> <commit>") that adds PATHs.
merge_message() {
    local subject=$1 received=$5
    shift
    printf '%s\n\n' "$subject"
    trailers "$1" "$2" "$3" "${@:5}" | sed "/^Itaku-Content-SHA256/i Itaku-Received: $received"
}

setup_chain
ok "four registries, each with its own key: city, acme, beta, gamma"

# An approving merge that also changes another party's records
at beta received_entry item-1 "住民記録データ" || fail "beta cannot register item-1 as received"
at beta "$ITAKU" request submit copy --summary "移行検証のため複製" --item item-1 >/dev/null 2>&1
q2=parties/beta/requests/q-000002.json
sha2=$(record_sha "$T/beta" HEAD "$q2")
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
at acme "$ITAKU" endorse beta/q-000002 >/dev/null
d=parties/$CITY/decisions/beta/d-000002.json
for how in add modify; do
    scratch city
    cd "$T/city-x"
    git fetch -q "$T/acme" refs/heads/requests/beta/q-000002
    tip=$(git rev-parse FETCH_HEAD)
    git merge -q --no-commit --no-ff FETCH_HEAD >/dev/null 2>&1
    write_mark "$d" decision beta/q-000002 "$sha2" outcome approved
    if [ $how = add ]; then
        other=parties/acme/register/r-000001.json
        write_record "$other" "$(register_body received 住民記録データ)"
        rule=V2
    else
        other=$q2
        sed -i 's/移行検証のため複製/移行検証のため3部複製/' "$other"
        rule=V4
    fi
    git add -A
    stock_commit . "$T/city.key" "$(merge_message "Approve beta/q-000002" $CITY officer approve \
        "acme $tip" "$d" "$other")"
    bad=$(git rev-parse HEAD)
    [ "$(git rev-list --parents -n1 HEAD | wc -w)" = 3 ] || fail "the forgery is not a merge"
    expect_rejected "$bad" $rule "$other"
    cd "$T/acme"
    expect_taken_refused "$bad" $rule "$ITAKU" pull "$T/city-x"
done
at city "$ITAKU" receive acme "$T/acme" >/dev/null
at city "$ITAKU" approve beta/q-000002 >/dev/null
expect_exit 0 "$ITAKU" -C "$T/city" verify
ok "an approving merge that also adds to or changes another party's records is refused (V2, V4)"

# A merge that resolves a conflict by hand: two versions of beta's next
# register entry on two lines, merged with a hand-made resolution
scratch beta
cd "$T/beta-x"
base=$(git rev-parse HEAD)
r1=parties/beta/register/r-000002.json
received_entry item-1b "住民記録データ"
git checkout -q -b side "$base"
write_record "$r1" "$(register_body received 税務データ)"
other=$(forge . "Record what was received" "$T/beta.key" beta manager submit "$r1")
git checkout -q main
set +e
git merge -q --no-commit side >/dev/null 2>&1
set -e
[ -n "$(git diff --name-only --diff-filter=U)" ] || fail "the two lines do not conflict"
write_record "$r1" "$(register_body received "住民記録データ・税務データ")"
git add -A
stock_commit . "$T/beta.key" "$(merge_message "Merge both entries" beta manager receive \
    "beta $other")"
bad=$(git rev-parse HEAD)
expect_rejected "$bad" V5 "$r1"
expect_output "resolve a conflict by hand"
cd "$T/acme"
expect_taken_refused "$bad" V5 "$ITAKU" receive beta "$T/beta-x"
ok "a merge that resolves a conflict by hand is refused (V5)"

# An octopus merge of three lines of beta
scratch beta
cd "$T/beta-x"
base=$(git rev-parse HEAD)
heads=()
for i in 1 2 3; do
    git checkout -q -B "line$i" "$base"
    received_entry "item-l$i" "住民記録データ$i"
    heads+=("$(git rev-parse HEAD)")
done
git checkout -q main
git reset -q --hard "${heads[0]}"
git merge -q --no-commit --no-ff "${heads[1]}" "${heads[2]}" >/dev/null 2>&1
git add -A
stock_commit . "$T/beta.key" "$(merge_message "Merge three lines" beta manager receive \
    "beta ${heads[1]}")"
bad=$(git rev-parse HEAD)
[ "$(git rev-list --parents -n1 HEAD | wc -w)" = 4 ] || fail "the forgery is not an octopus"
expect_rejected "$bad" V5
expect_output "octopus"
cd "$T/acme"
expect_taken_refused "$bad" V5 "$ITAKU" receive beta "$T/beta-x"
ok "an octopus merge is refused (V5)"

# The city registering a key that differs from form 6: acme asks for delta
"$ITAKU" key generate "$T/delta.key" >/dev/null
"$ITAKU" key generate "$T/mallory.key" >/dev/null
form6_for delta "$T/delta.key.pub" >"$T/form6-delta.json"
at acme "$ITAKU" request submit subcontract "$T/form6-delta.json" >/dev/null 2>&1
qd=parties/acme/requests/q-000002.json
at city "$ITAKU" receive acme "$T/acme" >/dev/null
cd "$T/city"
expect_refused "approves its contractor's form 6" \
    "$ITAKU" party add delta --role subcontractor --name "株式会社delta" --pubkey "$T/mallory.key.pub"
scratch city
cd "$T/city-x"
d=parties/$CITY/decisions/acme/d-000002.json
write_mark "$d" decision acme/q-000002 "$(record_sha "$T/acme" HEAD "$qd")" outcome approved
write_party delta subcontractor acme
key=$(write_key delta "$T/mallory.key.pub" $CITY)
bad=$(forge . "Approve acme/q-000002" "$T/city.key" $CITY officer approve \
    "$d" parties/delta/party.json "$key")
expect_rejected "$bad" V7 "$key"
expect_output "differs from the one its form 6 names"
cd "$T/acme"
expect_taken_refused "$bad" V7 "$ITAKU" pull "$T/city-x"
at city "$ITAKU" approve acme/q-000002 >/dev/null
grep -q "$(cut -d' ' -f2 "$T/delta.key.pub")" \
    <(git -C "$T/city" show "HEAD:$(cd "$T/city" && write_key delta "$T/delta.key.pub" $CITY)") ||
    fail "the approval did not register form 6's key"
git -C "$T/city" checkout -q -- . && git -C "$T/city" clean -qfd
ok "the city registering a key that differs from form 6 is refused (V7); the approval registers form 6's"

# A line rewritten and received again
at beta "$ITAKU" pull >/dev/null
cd "$T/beta"
received_entry item-2 "住民記録データ"
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
scratch beta
cd "$T/beta-x"
git reset -q --hard HEAD~1
"$ITAKU" request submit copy --summary "書き換えた履歴" --item item-1 >/dev/null 2>&1
new=$(git rev-parse HEAD)
expect_exit 0 "$ITAKU" verify
cd "$T/acme"
expect_refused "${new:0:12}" "$ITAKU" receive beta "$T/beta-x"
expect_output "V8"
expect_output "rewritten"
# and a receipt merge that takes the rewritten line anyway
scratch acme
cd "$T/acme-x"
git fetch -q "$T/beta-x" main
git merge -q --no-commit FETCH_HEAD >/dev/null 2>&1
stock_commit . "$T/acme.key" "$(merge_message "Receive the line of beta" acme manager receive \
    "beta $new")"
bad=$(git rev-parse HEAD)
expect_rejected "$bad" V8
cd "$T/city"
expect_taken_refused "$bad" V8 "$ITAKU" receive acme "$T/acme-x"
ok "a line rewritten and received again is refused (V8 at the door and in history)"

for p in city acme beta gamma; do expect_exit 0 "$ITAKU" -C "$T/$p" verify; done
ok "after every refusal the four registries still verify"
finish
