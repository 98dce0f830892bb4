#!/usr/bin/env bash
# A party typed by (part of) its name (issue 16, point 2): `--to アクメ` is
# refused naming the id it may mean, "did you mean acme (株式会社アクメ)?",
# for every option that takes a party; the usage lines of the commands
# taking a date say DATE (every form people write is read), not YYYY-MM-DD.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
expect_refused "--to アクメ: no party has the id 'アクメ' \\(did you mean acme \\(株式会社アクメ\\)\\?\\)" \
    "$ITAKU" instruct report --to アクメ --due "$(day 60)" --text "四半期報告"
expect_exit 2 "$ITAKU" status --party "株式会社アクメ"
expect_output "did you mean acme \\(株式会社アクメ\\)\\?"
expect_exit 2 "$ITAKU" status --party ＡＣＭＥ
expect_output "did you mean acme \\(株式会社アクメ\\)\\?"
expect_exit 2 "$ITAKU" status --party acne
expect_output "did you mean acme \\(株式会社アクメ\\)\\?"
expect_exit 2 "$ITAKU" status --party 山田商事
expect_output "party '山田商事' is not registered here"
ok "a party given by its name, in full-width or a typo away: the id it may mean is named"

for c in "contract amend" "init" "approve"; do
    # shellcheck disable=SC2086
    "$ITAKU" $c --help >"$T/out" 2>&1 || true
    grep -q "YYYY-MM-DD" "$T/out" && fail "itaku $c --help still says YYYY-MM-DD: $(cat "$T/out")"
done
"$ITAKU" contract amend --help >"$T/out" 2>&1 || true
expect_output "\\[--start DATE\\]"
ok "the usage lines say DATE where every date form is read"
finish
