#!/usr/bin/env bash
# 決裁 (DESIGN V12): a take-out needs two 課長. One 課長 seals 不承認
# (rejects, with a reason), the other two approve, and the request is
# approved. The decision notice's 決裁欄 shows every seal on the draft, the
# dissent too, as the paper 決裁欄 keeps it (before, only itaku history
# showed it). The twin: a decision without dissent shows its two seals only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
"$ITAKU" key generate "$T/kacho3.key" --comment kacho3 >/dev/null
expect_exit 0 "$ITAKU" key add "$T/kacho3.key.pub" --principal kacho3 --name "鈴木 課長" --post 課長

# decision_of: the decision record the newest commit of main adds (party/id)
decision_of() {
    git show HEAD --format= --name-only -m | grep -m1 /decisions/ |
        sed -E 's|parties/([^/]+)/decisions/[^/]+/(d-[0-9]+)\.json|\1/\2|'
}

expect_exit 0 "$ITAKU" approve acme/q-000003
expect_exit 0 "$ITAKU" kessai acme/q-000003 --reject --reason "持ち出しの必要がない" --key "$T/kacho3.key"
expect_output "Sealed"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho.key"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho2.key"
expect_output "acme/q-000003 is approved"
expect_exit 0 "$ITAKU" verify
D=$(decision_of)
expect_exit 0 "$ITAKU" form render "$D" --format md
expect_output "## 決裁欄"
expect_output "\| 課長 \| 山田 課長 \(kacho\) \|.*\| 承認 \| ✓ 検証済み \|"
expect_output "\| 課長 \| kacho2 \|.*\| 承認 \| ✓ 検証済み \|"
expect_output "\| 課長 \| 鈴木 課長 \(kacho3\) \|.*\| 不承認 \| ✓ 検証済み \|"
[ "$(grep -c "^| 課長 " "$T/out")" = 3 ] || fail "the 決裁欄 does not show three 課長 seals: $(cat "$T/out")"
# the dissent after the seals that decided
awk '/^\| 課長 /{print NR, $0}' "$T/out" | tail -1 | grep -q kacho3 || fail "the dissent is not after the seals that decided"
expect_exit 0 "$ITAKU" form render "$D" --format html
expect_output "不承認"
ok "a 課長's 不承認 on a take-out approved by two others is in the decision notice's 決裁欄"

# the twin: no dissent, two seals
expect_exit 0 "$ITAKU" approve acme/q-000004
expect_exit 0 "$ITAKU" kessai acme/q-000004 --approve --key "$T/bucho.key"
expect_exit 0 "$ITAKU" kessai acme/q-000004 --approve --key "$T/kacho.key"
expect_output "acme/q-000004 is approved"
expect_exit 0 "$ITAKU" form render "$(decision_of)" --format md
if grep -q "不承認" "$T/out"; then fail "a decision without dissent shows one: $(cat "$T/out")"; fi
[ "$(grep -cE "^\| (課長|部長) " "$T/out")" = 2 ] || fail "the 決裁欄 does not show the two seals: $(cat "$T/out")"
ok "a decision without dissent shows its seals only"
finish
