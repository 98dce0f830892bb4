#!/usr/bin/env bash
# A person's name typed in half-width katakana (ｽｽﾞｷ, found by a city
# officer's trial) is the same person as the full-width one (スズキ): the
# paper register has one name for one person. Names are made full-width at
# input, before the record is signed (itk_person_names_input), so the
# register, its CSV and every comparison hold one name; nothing else of a
# name changes (kanji, the space between names, full-width letters), and
# what was signed before is not touched. Every place a name is typed (register
# add, form submit, key rename and key add --name, the contract's contacts)
# reads it so, and says so in a note as other readings of input do.
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

# every place a person's name is typed reads it so, and says so as other
# readings of input do (「…」は … として読みました)
expect_exit 0 "${JA[@]}" "$ITAKU" register add --action received --item-id note --info "住民記録データ" \
    --medium usb --quantity 1 --handler "ｽｽﾞｷ ｲﾁﾛｳ" --method hand-delivery \
    --occurred-at "$(day 0)T10:00:00+09:00"
expect_output "^itaku: 注意: handler: 「ｽｽﾞｷ ｲﾁﾛｳ」は スズキ イチロウ として読みました$"
[ "$(reg_add quiet 'スズキ イチロウ')" = "スズキ イチロウ" ] || fail "スズキ イチロウ was changed"
grep -q "taken as" "$T/err" && fail "a name typed full-width is noted: $(cat "$T/err")"
ok "register add notes the handler it read full-width"

# key rename and key add --name
expect_exit 0 "${JA[@]}" "$ITAKU" key rename --principal manager --name "ｽｽﾞｷ ｲﾁﾛｳ"
expect_output "^itaku: 注意: --name: 「ｽｽﾞｷ ｲﾁﾛｳ」は スズキ イチロウ として読みました$"
event=$(git show HEAD --format= --name-only)
case $event in parties/acme/key-events/*.json) ;; *) fail "key rename wrote no key event: $event" ;; esac
git show "HEAD:$event" |
    python3 -c 'import json,sys; n=json.load(sys.stdin)["body"]["attributes"]["name"]; assert n == "スズキ イチロウ", n' ||
    fail "key rename stored the half-width name"
ssh-keygen -q -t ed25519 -N "" -C sato -f "$T/sato.key"
expect_exit 0 "$ITAKU" key add "$T/sato.key.pub" --principal sato --name "ｻﾄｳ ﾊﾅｺ"
expect_output "^itaku: note: --name: 'ｻﾄｳ ﾊﾅｺ' taken as サトウ ハナコ$"
event=$(git show HEAD --format= --name-only)
git show "HEAD:$event" | grep -q "サトウ ハナコ" ||
    fail "key add stored the half-width name"
ok "key rename and key add --name store the name full-width and say so"

# a form's names (form 1's workers) are noted the same way
python3 - "$FORM1_BODY" >"$T/form1b.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["workers"].append(dict(b["workers"][0], name="ﾀﾅｶ ｼﾞﾛｳ", worker_id="w-200"))
print(json.dumps(b, ensure_ascii=False))
PY
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["workers"]) - 1)' "$T/form1b.json")
expect_exit 0 "$ITAKU" form submit 1 "$T/form1b.json"
expect_output "^itaku: note: workers\[$n\]\.name: 'ﾀﾅｶ ｼﾞﾛｳ' taken as タナカ ジロウ$"
ok "form submit notes a worker's name read full-width"

# the contract's contacts (the city's amendment)
cd "$T/city"
cat >"$T/contacts.json" <<'J'
{"contacts": [{"party": "akiruno-city", "role": "情報セキュリティ責任者", "name": "ﾔﾏﾀﾞ ﾀﾛｳ",
  "phone": "042-558-1111"}]}
J
expect_exit 0 "$ITAKU" contract amend --contacts "$T/contacts.json" --reason "連絡先の登録"
expect_output "^itaku: note: contacts\[0\]\.name: 'ﾔﾏﾀﾞ ﾀﾛｳ' taken as ヤマダ タロウ$"
expect_exit 0 "$ITAKU" contract show
expect_output "ヤマダ タロウ"
grep -q "ﾔﾏﾀﾞ" "$T/out" && fail "the contract's contacts keep the half-width name"
ok "contract amend --contacts stores a contact's name full-width and says so"

"$ITAKU" verify >/dev/null || fail "verify refuses the registry"
ok "verify accepts the records"
finish
