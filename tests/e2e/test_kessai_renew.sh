#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V12) and a key renewed while a draft waits: a 課長
# seals, then renews the key (a new key added, the old one retired). A seal
# counts only where its key is still active on main as the decision is
# taken, and a key added after the draft cannot seal on the draft's branch,
# so the draft is drafted again on the current main (itaku approve REQ
# --redraft, a new 起案 on the same branch, forward only); every refusal on
# the way names that command, and the posts seal the new draft.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"
fpr_of() { ssh-keygen -lf "$1.pub" | awk '{print $2}'; }

setup_kessai
kessai_hub
B=refs/heads/decisions/acme/q-000003
cd "$T/city"
expect_exit 0 "$ITAKU" approve acme/q-000003
expect_output "Drafted"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho.key"
expect_output "Sealed"
expect_exit 0 push_as akiruno-city main:main "$B:$B"
# the 課長 renews the key: the new one added by the setter, the old retired
"$ITAKU" key generate "$T/kacho-new.key" --comment kacho-new >/dev/null
expect_exit 0 "$ITAKU" key add "$T/kacho-new.key.pub" --principal kacho
expect_exit 0 "$ITAKU" key retire "$(fpr_of "$T/kacho.key")"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho2.key"
expect_output "Sealed"
expect_refused "no longer counts: its key .* is retired on main now.*itaku approve acme/q-000003 --redraft" \
    "$ITAKU" approve acme/q-000003
expect_refused "added after the draft.*itaku approve acme/q-000003 --redraft" \
    "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho-new.key"
expect_refused "起案できる職の職員が itaku approve acme/q-000003 --redraft" \
    env LANG=ja_JP.UTF-8 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho-new.key"
ok "after a renewed key, the earlier seal does not count and the new key cannot seal the old draft; both refusals name itaku approve --redraft"

old=$(git rev-parse "$B")
expect_refused "lets 担当 draft" "$ITAKU" approve acme/q-000003 --redraft --key "$T/kacho2.key"
expect_exit 0 "$ITAKU" approve acme/q-000003 --redraft
expect_output "Drafted .* again"
git merge-base --is-ancestor "$old" "$B" || fail "the new draft does not move the branch forward"
expect_exit 0 "$ITAKU" verify
expect_exit 0 push_as akiruno-city main:main "$B:$B"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" requests
expect_output "起案済み +課長×2決裁待ち"
ok "the drafter drafts again on the current main (the branch moves forward, the hosted registry takes it); the earlier seals no longer count"

expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho-new.key"
expect_output "Sealed"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho2.key"
expect_output "acme/q-000003 is approved"
expect_exit 0 "$ITAKU" verify
expect_exit 0 push_as akiruno-city main:main "$B:$B"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" requests --all
expect_output "acme/q-000003 +持出し +承認"
ok "the 課長 seals the new draft with the renewed key, the other 課長 too, and the decision is taken; verify and the hosted registry take it"

expect_exit 0 "$ITAKU" approve acme/q-000001
expect_refused "no draft of acme/q-000002 to draft again|acme/q-000002 has no draft" "$ITAKU" approve acme/q-000002 --redraft
expect_refused "起案し直す起案がありません.*itaku approve acme/q-000002 で起案してください" \
    env LANG=ja_JP.UTF-8 "$ITAKU" approve acme/q-000002 --redraft
ok "--redraft needs a draft to draft again"
finish
