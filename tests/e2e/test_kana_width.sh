#!/usr/bin/env bash
# A person's name typed in half-width katakana (ｽｽﾞｷ, found by a city
# officer's trial) is the same person as the full-width one (スズキ): the
# paper register has one name for one person. Names are made full-width at
# input, before the record is signed (itk_person_names_input), so the
# register, its CSV and every comparison hold one name; nothing else of a
# name changes (kanji, the space between names, full-width letters), and
# what was signed before is not touched.
source "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
# form 1 names the workers in full-width katakana (and one in kanji)
python3 - "$FORM1_BODY" >"$T/form1.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
for i, name in enumerate(["スズキ イチロウ", "パーク・ガイ", "髙橋　ＡＢＣ"]):
    b["workers"].append(dict(b["workers"][0], name=name, worker_id="w-1%02d" % i))
print(json.dumps(b, ensure_ascii=False))
PY
"$ITAKU" form submit 1 "$T/form1.json" >/dev/null 2>&1 || fail "form 1 with スズキ イチロウ refused"
reg_add() { # ITEM HANDLER
    "$ITAKU" register add --action received --item-id "$1" --info "住民記録データ" \
        --medium usb --quantity 1 --handler "$2" --method hand-delivery \
        --occurred-at "$(day 0)T10:00:00+09:00" >"$T/id" 2>"$T/err" ||
        { cat "$T/err" >&2; fail "register add with handler $2 refused"; }
    git show "HEAD:parties/acme/register/$(cat "$T/id").json" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["body"]["handler"])'
}
[ "$(reg_add half 'ｽｽﾞｷ ｲﾁﾛｳ')" = "スズキ イチロウ" ] ||
    fail "the handler typed ｽｽﾞｷ ｲﾁﾛｳ was not recorded as スズキ イチロウ"
[ "$(reg_add full 'スズキ イチロウ')" = "スズキ イチロウ" ] || fail "スズキ イチロウ was changed"
grep -q "スズキ イチロウ" "$T/err" && fail "a note says スズキ イチロウ is no one form 1 names"
ok "a handler typed in half-width katakana is recorded full-width, the same as the one typed so"

# a voiced or semi-voiced mark joins its kana; punctuation and the long mark too
[ "$(reg_add marks 'ﾊﾟｰｸ･ｶﾞｲ')" = "パーク・ガイ" ] || fail "ﾊﾟｰｸ･ｶﾞｲ is not パーク・ガイ"
# kanji, full-width letters and the space are the person's own
[ "$(reg_add kanji '髙橋　ＡＢＣ')" = "髙橋　ＡＢＣ" ] || fail "a name without half-width kana was changed"
ok "only half-width katakana changes: ﾊﾟｰｸ･ｶﾞｲ is パーク・ガイ, 髙橋　ＡＢＣ stays as typed"

"$ITAKU" register export --csv >"$T/register.csv"
grep -q "ｽ" "$T/register.csv" && fail "the register CSV still shows half-width katakana"
[ "$(grep -c "スズキ イチロウ" "$T/register.csv")" = 2 ] || fail "the CSV does not show スズキ イチロウ on both entries"
ok "the register CSV shows one name for the person on both entries"
"$ITAKU" verify >/dev/null || fail "verify refuses the registry"
ok "verify accepts the records"
finish
