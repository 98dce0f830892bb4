#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V9 in V12): two setters (総務) report each other's
# key compromised. A key's report of itself always counts; a report made
# with a key that is itself void at that point does not, taken in history
# order:
# 1. one after the other: the second report, by a key already reported, is
#    refused (itaku, and verify on the same report made with stock git);
# 2. made apart, on two lines: neither undoes the other (a counter-report
#    never cancels the report of a theft): both keys are out of service,
#    both commits void, and the two lines are never merged (V12);
# 3. a thief's report made with the stolen key, which the owner then
#    reports compromised as of before it: the thief's report stops
#    counting, in verify and in what itaku does next: the falsely reported
#    setter sets a post, and its holder seals.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
somu_sets_posts
"$ITAKU" key generate "$T/somu2.key" --comment somu2 >/dev/null
expect_exit 0 "$ITAKU" key add "$T/somu2.key.pub" --principal somu2 --post 総務 --key "$T/somu.key"
S1=$(fpr_of "$T/somu.key.pub")
S2=$(fpr_of "$T/somu2.key.pub")
LG=$(git rev-parse main)
# report KEY PRINCIPAL FPR PARENT: a report of FPR compromised as of LG,
# made with stock git on PARENT; prints its id
report() {
    local ev
    ev=parties/akiruno-city/key-events/$(next_id k).json
    canonical_record "$T/ev.json" key-event "$(basename "$ev" .json)" \
        "{\"event\": \"compromise\", \"key\": \"$3\", \"last_good\": \"$LG\", \"reason\": \"鍵の盗難\"}" \
        key-event.v2
    forge "$1" "$2" key-compromise "$4" "" "$ev=$T/ev.json"
}
signers() { "$ITAKU" who | grep -m1 "signers:"; }

# --- 1. one after the other
expect_exit 0 "$ITAKU" key compromised "$S2" --last-good "$LG" --reason "鍵の盗難" --key "$T/somu.key"
A=$(git rev-parse main)
expect_exit 2 "$ITAKU" key compromised "$S1" --last-good "$LG" --reason "鍵の盗難" \
    --key "$T/somu2.key"
[ "$(git rev-parse main)" = "$A" ] || fail "a refused report moved main"
H=$(report "$T/somu2.key" somu2 "$S1" "$A")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V1
git update-ref -d refs/heads/hostile
expect_exit 0 "$ITAKU" verify --full
signers | has "somu\b" || fail "somu's own report stopped counting: $(signers)"
signers | has "somu2" && fail "somu2 is still a signer: $(signers)"
ok "a counter-report made after one's own key was reported is refused (itaku, and verify V1); the first report stands"

# --- 2. made apart, on two lines from the same commit
git update-ref refs/heads/main "$LG"
X=$(report "$T/somu.key" somu "$S2" "$LG")
git update-ref refs/heads/x "$X"
Y=$(report "$T/somu2.key" somu2 "$S1" "$LG")
git update-ref refs/heads/y "$Y"
expect_exit 0 "$ITAKU" verify --full
expect_output "${X:0:12} void \[akiruno-city/somu\]"
expect_output "${Y:0:12} void \[akiruno-city/somu2\]"
M=$(forge "$T/kacho.key" kacho receive "$X $Y" "")
git update-ref refs/heads/hostile "$M"
expect_rejected "$M" V12
git update-ref -d refs/heads/hostile
git update-ref -d refs/heads/y
git update-ref refs/heads/main "$X"
git update-ref -d refs/heads/x
expect_exit 0 "$ITAKU" verify --full
signers | has "somu2" && fail "somu2 is still a signer on its line: $(signers)"
ok "two setters reporting each other on two lines: neither report undoes the other, both keys are void; the lines do not merge (V12)"

# --- 3. the thief's report, then the owner's report of their own key
git update-ref refs/heads/main "$LG"
expect_exit 0 "$ITAKU" verify --full
expect_exit 0 "$ITAKU" key compromised "$S2" --last-good "$LG" --reason "不審" --key "$T/somu.key"
THIEF=$(git rev-parse main)
expect_exit 0 "$ITAKU" key compromised "$S1" --last-good "$LG" --reason "鍵の盗難" --key "$T/somu.key"
expect_exit 0 "$ITAKU" verify --full
expect_output "${THIEF:0:12} void"
signers | has "somu2" || fail "somu2, reported by the thief, is no signer: $(signers)"
# somu2 acts as the setter it still is: tanto2 becomes 課長, and seals
expect_exit 0 "$ITAKU" key attributes --principal tanto2 --post 課長 --key "$T/somu2.key"
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --reason ok --key "$T/tanto2.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify --full
ok "a report made with a stolen key stops counting once the key is reported as of before it: the falsely reported setter sets a post, its holder seals, verify agrees"
finish
