#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V9 in V12): a draft made with a stolen key counts
# for nothing once main records the theft. A thief drafts the approval of a
# take-out (two 課長) with the 担当 tanto2's key; one 課長 seals it; the
# theft is then reported as of before the draft. The second 課長's approval
# is refused by itaku, and the same seal and decision, made with stock git
# in a scratch copy where itaku is told nothing, are refused by verify
# (V12, the draft is void). A seal that returns the draft is still given,
# and the officer drafts again. The twin: a decision taken on that draft
# before the theft was reported stands (taken in good faith).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
LG=$(git rev-parse main)
TANTO2=$(fpr_of "$T/tanto2.key.pub")
# the twin first: a copy decided on the thief's draft before the report
expect_exit 0 "$ITAKU" approve acme/q-000001 --key "$T/tanto2.key"
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --reason 適当 --key "$T/kacho.key"
expect_output "acme/q-000001 is approved"
# the take-out: drafted by the thief, one 課長 seals, then the report
expect_exit 0 "$ITAKU" approve acme/q-000003 --key "$T/tanto2.key"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --reason 適当 --key "$T/kacho.key"
expect_exit 0 "$ITAKU" key compromised "$TANTO2" --last-good "$LG" --reason 端末の盗難 \
    --key "$T/tanto2.key"
expect_exit 0 "$ITAKU" verify --full
"$ITAKU" requests --all | has "acme/q-000001 .*approved" || fail "the decision taken in good faith stopped counting"
ok "a decision taken on a draft before its key was reported compromised stands"

# --- the second 課長's approval: itaku refuses
expect_refused "the draft of acme/q-000003 .* was signed by akiruno-city/tanto2 after that key's compromise" \
    "$ITAKU" kessai acme/q-000003 --approve --reason 適当 --key "$T/kacho2.key"
ok "itaku refuses to approve a draft made with a key reported compromised"

# --- the same, with an itaku that approves anything: verify refuses the decision
rm -rf "$T/scratch"
cp -a "$T/city" "$T/scratch"
(
    cd "$T/scratch"
    # without the report, itaku seals and decides; then the decision is
    # remade by stock git on the main that holds the report
    git update-ref refs/heads/main "$(git rev-parse main~1)"
    "$ITAKU" kessai acme/q-000003 --approve --reason 適当 --key "$T/kacho2.key" >/dev/null
) || fail "the scratch seal was not made"
D=$(git -C "$T/scratch" rev-parse main)
git fetch -q "$T/scratch" "$D"
REPORT=$(git rev-parse main)
TIP=$(git rev-parse "$D^2")
dpath=$(git diff-tree --no-commit-id --name-only -r "$D^1" "$D" | grep /decisions/)
git show "$D:$dpath" >"$T/d.json"
# the decision record rides in the merge's tree: add it
idx=$T/idx
rm -f "$idx"
GIT_INDEX_FILE=$idx git read-tree "$(git merge-tree --write-tree "$REPORT" "$TIP" | head -1)"
GIT_INDEX_FILE=$idx git update-index --add --cacheinfo "100644,$(git hash-object -w "$T/d.json"),$dpath"
TREE=$(GIT_INDEX_FILE=$idx git write-tree)
H=$(git -c gpg.format=ssh -c user.signingkey="$T/kacho2.key" commit-tree -S -p "$REPORT" -p "$TIP" \
    -m "$(git log -1 --format=%B "$D")" "$TREE")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12 "$dpath"
expect_output "draft .* does not count: .*void"
git update-ref -d refs/heads/hostile
expect_exit 0 "$ITAKU" verify --full
ok "a decision on a draft made with a key reported compromised is refused by verify (V12)"

# --- a seal that returns the draft is given; the officer drafts again
expect_exit 0 "$ITAKU" kessai acme/q-000003 --return --reason 起案者の鍵の盗難 --key "$T/kacho2.key"
expect_exit 0 "$ITAKU" approve acme/q-000003 --redraft
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --reason 適当 --key "$T/kacho.key"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --reason 適当 --key "$T/kacho2.key"
expect_output "acme/q-000003 is approved"
expect_exit 0 "$ITAKU" verify --full
ok "a 課長 returns the void draft, the officer drafts it again, and the two 課長 approve"
finish
