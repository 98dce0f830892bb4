#!/usr/bin/env bash
# The chain issue, "what it must withstand" (keys and prior approval), across
# four registries: a compromised key set back to active, a retired key
# signing a merge with an old parent, commits signed after a compromise's
# last good commit (void when already inside a received line, refused when
# they arrive new), and `register add` citing a rejected, returned, expired or
# pending request. Commands refuse (exit 2, nothing moved); forgeries made
# with stock git are refused by itaku verify and by the party above.
. "$(dirname "$0")/lib.sh"
at() { (cd "$T/$1" && shift && "$@"); }
scratch() {
    rm -rf "$T/$1-x"
    cp -a "$T/$1" "$T/$1-x"
}
received_entry() {
    "$ITAKU" register add --action received --item-id "$1" --info "$2" --medium usb \
        --quantity 1 --handler "佐藤 花子" --method hand-delivery "${@:3}" >/dev/null 2>&1
}

setup_chain
ok "four registries, each with its own key: city, acme, beta, gamma"

# A compromised key set back to active: beta's second key, lost, is marked
# compromised by acme; beta then pulls the event
"$ITAKU" key generate "$T/beta2.key" >/dev/null
fpr2=$(fpr_of "$T/beta2.key.pub")
at beta "$ITAKU" key add "$T/beta2.key.pub" --principal tanaka >/dev/null
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
lg=$(git -C "$T/beta" rev-parse HEAD)
at acme "$ITAKU" key compromised "$fpr2" --last-good "$lg" --reason "端末紛失" >/dev/null
event=$(git -C "$T/acme" show --format= --name-only HEAD)
at beta "$ITAKU" pull >/dev/null
cd "$T/beta"
expect_refused "not recovered|confirmed already" "$ITAKU" key confirm "$fpr2"
expect_refused "no longer active" "$ITAKU" key retire "$fpr2"
expect_refused "compromised" "$ITAKU" register add --action received --item-id item-9 \
    --info "住民データ" --medium usb --quantity 1 --handler "田中" --method hand-delivery \
    --key "$T/beta2.key"
cd "$T/city"
at city "$ITAKU" receive acme "$T/acme" >/dev/null
expect_refused "already belongs" "$ITAKU" key recover beta "$T/beta2.key.pub" \
    --document "$(printf '紛失届' | sha256sum | cut -d' ' -f1)" --principal tanaka
for how in confirm delete; do
    scratch beta
    cd "$T/beta-x"
    if [ $how = confirm ]; then
        ev=parties/beta/key-events/k-000001.json
        write_record "$ev" "{\"event\": \"confirm\", \"key\": \"$fpr2\"}"
        bad=$(forge . "Confirm the key again" "$T/beta.key" beta manager key-confirm "$ev")
        rule=V9
        expect_rejected "$bad" V9 "$ev"
        expect_output "nothing sets it back"
    else
        git rm -q "$event"
        bad=$(forge . "Forget the compromise" "$T/beta.key" beta manager key-confirm)
        rule=V4
        expect_rejected "$bad" V4 "$event"
    fi
    cd "$T/acme"
    expect_taken_refused "$bad" "$rule" "$ITAKU" receive beta "$T/beta-x"
done
ok "a compromised key cannot be set back to active (confirm, retire, recover, sign: exit 2; forged: V9, V4)"

# A retired key signing a merge with an old parent: beta rotates its key
"$ITAKU" key generate "$T/beta3.key" >/dev/null
cd "$T/beta"
old=$(git rev-parse HEAD)
"$ITAKU" key rotate "$T/beta3.key.pub" >/dev/null
git config itaku.signingKey "$T/beta3.key"
expect_refused "retired" "$ITAKU" acknowledge --key "$T/beta.key"
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
scratch beta
cd "$T/beta-x"
r=parties/beta/register/r-000001.json
write_record "$r" "$(register_body received)"
git add -A
tree=$(git write-tree)
msg="Receive the line of beta

$(trailers beta manager receive "$r" | sed "/^Itaku-Content-SHA256/i Itaku-Received: beta $(git rev-parse HEAD)")"
bad=$(git -c gpg.format=ssh -c user.signingkey="$T/beta.key" commit-tree -S \
    -p "$old" -p HEAD -m "$msg" "$tree")
git update-ref refs/heads/main "$bad"
git reset -q --hard main
expect_rejected "$bad" V1
expect_output "retired in a parent"
cd "$T/acme"
expect_taken_refused "$bad" V1 "$ITAKU" receive beta "$T/beta-x"
ok "a retired key signing a merge with an old parent is refused (V1)"

# After last_good: gamma's key writes two entries, beta receives both, then
# marks gamma's key compromised from the first: the second is void
cd "$T/gamma"
received_entry g-1 "住民データ"
good=$(git rev-parse HEAD)
received_entry g-2 "税務データ"
late=$(git rev-parse HEAD)
at beta "$ITAKU" receive gamma "$T/gamma" >/dev/null
cd "$T/beta"
"$ITAKU" key compromised "$(fpr_of "$T/gamma.key.pub")" --last-good "$good" \
    --reason "端末紛失" >/dev/null
for p in beta acme city; do
    [ $p = beta ] || at $p "$ITAKU" receive "$([ $p = acme ] && echo beta || echo acme)" \
        "$T/$([ $p = acme ] && echo beta || echo acme)" >/dev/null
    cd "$T/$p"
    expect_exit 0 "$ITAKU" verify
    expect_output "^${late:0:12} void "
    expect_exit 0 "$ITAKU" verify --json
    python3 - "$T/out" "$late" "$good" <<'PY' || fail "verify --json in $p does not list the void commit"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["ok"] is True and sys.argv[2] in r["void"] and sys.argv[3] not in r["void"], r
PY
    expect_exit 0 "$ITAKU" log --json
    python3 - "$T/out" "$late" "$good" <<'PY' || fail "log --json in $p does not flag the void commit"
import json, sys
log = {e["commit"]: e for e in json.load(open(sys.argv[1]))}
assert log[sys.argv[2]]["void"] is True and log[sys.argv[2]]["verified"] is True, log[sys.argv[2]]
assert log[sys.argv[3]]["void"] is False, log[sys.argv[3]]
PY
    expect_exit 0 "$ITAKU" log
    grep -q "∅.*${late:0:12}" "$T/out" || fail "the text log does not mark ${late:0:12} void"
done
ok "a commit signed after last_good already inside a received line is void, flagged, and the line still received up to the city"

# ... and one that arrives new (gamma has not heard of the compromise)
cd "$T/gamma"
received_entry g-3 "住民データ"
new=$(git rev-parse HEAD)
cd "$T/beta"
expect_taken_refused "$new" V9 "$ITAKU" receive gamma "$T/gamma"
expect_output "compromise"
ok "a commit signed after last_good that arrives new is refused (V9), nothing moved"

# register add citing a rejected, returned, expired or pending request
cd "$T/beta"
# the requests and the copy cite an item beta holds (issue 16: a copy of an
# item nobody holds is refused)
"$ITAKU" register add --action received --item-id item-1 --info "住民データ" --medium usb \
    --quantity 1 --handler "田中" --occurred-at "$(day -31)T10:00:00+09:00" >/dev/null 2>&1 ||
    fail "beta cannot register item-1 as received"
for s in 却下 差戻し 期限切れ 保留; do
    "$ITAKU" request submit copy --summary "複製（$s）" --item item-1 >/dev/null 2>&1
done
names=$("$ITAKU" requests --json | python3 -c '
import json, sys
print(" ".join(sorted(r["request"] for r in json.load(sys.stdin) if r["request"].startswith("beta/") and r["state"] == "pending")))')
set -- $names
[ $# = 4 ] || fail "expected four pending requests of beta, got: $names"
rej=$1 ret=$2 exp=$3 pend=$4
at acme "$ITAKU" receive beta "$T/beta" >/dev/null
for q in $rej $ret $exp; do at acme "$ITAKU" endorse $q >/dev/null; done
at city "$ITAKU" receive acme "$T/acme" >/dev/null
at city "$ITAKU" reject $rej --reason "必要性が認められない" >/dev/null
at city "$ITAKU" return $ret --reason "数量を記載してください" >/dev/null
at city "$ITAKU" approve $exp --valid-until 2020-03-31 >/dev/null
chain_down beta
cd "$T/beta"
copy() {
    "$ITAKU" register add --action copied --item-id item-1c --derived-from item-1 \
        --info "住民データ" --medium usb --quantity 1 --handler "田中" "$@"
}
expect_refused "rejected" copy --approval $rej
expect_refused "returned" copy --approval $ret
expect_refused "valid until 2020-03-31" copy --approval $exp
expect_refused "pending" copy --approval $pend
expect_refused "approv" copy
expect_exit 0 copy --unapproved --reason "緊急のため事後申請"
ok "register add citing a rejected, returned, expired or pending request is refused (exit 2, nothing moved); --unapproved records it"

for p in city acme beta; do expect_exit 0 "$ITAKU" -C "$T/$p" verify; done
ok "after every refusal the registries still verify"
finish
