#!/usr/bin/env bash
# Issue 16, point 3 (review of issue 16, problem 1): a contract amendment is
# held to the rule init applies, on the settings in force after it (the end
# not before the start, the work start within the period): an inconsistent
# one is refused with a message naming the dates, in English and Japanese,
# and writes nothing. A wrong end date already past when it was amended is
# corrected by a later amendment: status and todo then judge the items to
# return by the corrected end, with no violation left from the wrong date,
# whether status starts cold or from the snapshot cached at the commit before.
. "$(dirname "$0")/lib.sh"

# the top-level help names contract amend
"$ITAKU" --help | has -E "^  contract +show the contract settings, amend them" ||
    fail "itaku --help does not name contract amend"
LANG=ja_JP.UTF-8 "$ITAKU" --help | has -E "^  contract +契約の設定の表示と変更（amend" ||
    fail "itaku --help (Japanese) does not name contract amend"

# dates around today (the amendments are made now, at the commit's time)
START=$(day -60) END=$(day 120) OCCURRED=$(day -30) WRONG=$(day -10) RIGHT=$(day 150)
BEFORE_START=$(day -70) AT="$(day 1)T12:00:00+09:00"
"$ITAKU" key generate "$T/city.key" --comment city >/dev/null
"$ITAKU" key generate "$T/acme.key" --comment acme >/dev/null
"$ITAKU" init "$T/city" --contract C-2026-002 --title "住民情報システム運用保守" \
    --city akiruno-city --name "あきる野市" --key "$T/city.key" --start "$START" --end "$END" >"$T/sheet"
GENESIS=$(awk '/genesis:/ {print $2; exit}' "$T/sheet")
CITY_FPR=$(awk '/city key:/ {print $3; exit}' "$T/sheet")
(cd "$T/city" && git config itaku.signingKey "$T/city.key" &&
    "$ITAKU" party add acme --role contractor --name "株式会社アクメ" --pubkey "$T/acme.key.pub" >/dev/null)
git clone -q "$T/city" "$T/acme"
(cd "$T/acme" && git config itaku.signingKey "$T/acme.key" &&
    git config itaku.genesis "$GENESIS" && git config itaku.cityKey "$CITY_FPR")

# init refuses an end before the start; contract amend the same, on the
# settings in force after it, and writes nothing
expect_exit 2 "$ITAKU" init "$T/other" --contract C-X --title t --city akiruno-city --name あきる野市 \
    --key "$T/city.key" --start "$START" --end "$BEFORE_START"
expect_output "the contract ends \\($BEFORE_START\\) before it starts \\($START\\)"
[ ! -e "$T/other" ] || fail "a refused init left $T/other"
cd "$T/city"
before=$(state_of .)
expect_exit 2 "$ITAKU" contract amend --end "${BEFORE_START//-//}" --reason "終了日の訂正"
expect_output "contract amendment refused: the contract ends \\($BEFORE_START\\) before it starts \\($START\\) \\(after it the contract would run from $START to $BEFORE_START"
expect_output "nothing was written"
LANG=ja_JP.UTF-8 expect_exit 2 "$ITAKU" contract amend --end "$BEFORE_START" --reason "終了日の訂正"
expect_output "契約の設定の変更を受け付けませんでした: 契約の終了日（$BEFORE_START）が開始日（$START）より前です"
expect_output "何も書き込まれませんでした"
expect_exit 2 "$ITAKU" contract amend --work-start "$RIGHT" --reason "作業開始の変更"
expect_output "the work starts \\($RIGHT\\) after the contract ends \\($END\\)"
LANG=ja_JP.UTF-8 expect_exit 2 "$ITAKU" contract amend --start "$(day -20)" --reason "開始日の変更"
expect_output "作業開始日（$START）が契約の開始日（$(day -20)）より前です"
[ "$(state_of .)" = "$before" ] || fail "a refused amendment changed the registry"
expect_exit 0 "$ITAKU" contract show
expect_output "Period: +$START to $END$"
ok "an inconsistent amendment is refused as init refuses the same dates (English, Japanese); nothing written"

# acme received an item; the city amends the end to a wrong day already past
cd "$T/acme"
expect_exit 0 "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --action received --method hand-delivery --item-id item-1 --occurred-at "${OCCURRED}T10:00:00+09:00"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" contract amend --end "$WRONG" --backdated --reason "終了日の入力"

# returns PARTY-DIR: "state due" of each end-of-contract return finding
returns() {
    (cd "$1" && set +e && "$ITAKU" status --json >"$T/status.json" 2>"$T/err"
        [ $? -le 1 ] || { cat "$T/err" >&2; exit 1; })
    python3 - "$T/status.json" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] == "items_returned_or_disposed_at_end":
        print(f["record"], f["state"], f["due"][:10])
PY
}
export XDG_CACHE_HOME=$T/warm
[ "$(returns "$T/city")" = "acme/r-000001 violated $WRONG" ] ||
    fail "the wrong end does not make item-1 due: $(returns "$T/city")"
ok "the wrong end date, as amended, makes the item overdue"

# the correction, in the era form; status built forward from the snapshot
# cached at the commit before (warm), and from nothing (cold)
expect_exit 0 "$ITAKU" contract amend --end "$(day_era 150)" \
    --reason "終了日の訂正"
expect_exit 0 "$ITAKU" contract show
expect_output "Period: +$START to $RIGHT"
for cache in warm cold; do
    export XDG_CACHE_HOME=$T/$cache
    [ "$(returns "$T/city")" = "acme/r-000001 pending $RIGHT" ] ||
        fail "$cache status still judges by the wrong end: $(returns "$T/city")"
    # at a fixed time after now, for the two runs to compare
    (set +e; LANG=ja_JP.UTF-8 "$ITAKU" status --at "$AT" >"$T/$cache.status" 2>&1
        LANG=ja_JP.UTF-8 "$ITAKU" todo --at "$AT" >"$T/$cache.todo" 2>&1; true)
    ! grep -e "$WRONG" -e "${WRONG//-//}" "$T/$cache.status" "$T/$cache.todo" ||
        fail "$cache status or todo still show the wrong end $WRONG"
    has "$RIGHT" <"$T/$cache.todo" || fail "$cache todo does not show the corrected end: $(cat "$T/$cache.todo")"
done
diff "$T/warm.status" "$T/cold.status" >&2 || fail "status from the cached snapshot differs from a cold one"
diff "$T/warm.todo" "$T/cold.todo" >&2 || fail "todo from the cached snapshot differs from a cold one"
ok "after the correction status and todo judge by the corrected end (cold and from the cache)"

# acme, once it pulls, sees the same
cd "$T/acme"
expect_exit 0 "$ITAKU" pull "$T/city"
[ "$(returns "$T/acme")" = "acme/r-000001 pending $RIGHT" ] ||
    fail "acme still judges by the wrong end: $(returns "$T/acme")"
ok "the contractor sees the corrected end too"
finish
