#!/usr/bin/env bash
# Issue 16 (review): a form's problems come in one list. What a form cites
# (an instruction, a request, an item, a worker that is not in the
# registry) is listed with the schema's problems and a date that cannot be
# read, not in a second round once those are fixed: by `itaku validate` and
# by `itaku form submit`, in English and Japanese, writing nothing. And
# validate accepts exactly what form submit accepts: an approval typed
# short (Q-1, ｑ－１) is read as acme/q-000001 by both, and a copy citing a
# request not yet approved is refused by both.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
edit() { # edit IN OUT PYTHON: f is the form read from IN
    python3 -c "import json, sys
f = json.load(open(sys.argv[1], encoding='utf-8'))
$3
json.dump(f, open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)" "$1" "$2"
}
form4_answering akiruno-city/n-000009 >"$T/f4.json"
edit "$T/f4.json" "$T/schema.json" 'del f["addressee"]; f["remarks_x"] = 1'
edit "$T/f4.json" "$T/date.json" 'f["submitted_on"] = "2026/02/30"'
listed() { # listed PATTERN...: each in the output of the last run
    for p in "$@"; do
        grep -qF -- "$p" "$T/out" "$T/err" || { cat "$T/out" "$T/err" >&2; fail "not listed: $p"; }
    done
}
EN_REF="The instruction akiruno-city/n-000009 that this record answers is not in the registry"
JA_REF="指示 akiruno-city/n-000009 は台帳にありません"
before=$(state_of .)
expect_exit 1 "$ITAKU" validate 4 "$T/schema.json"
listed "schema.json invalid" "addressee is required" "unknown field 'remarks_x'" "$EN_REF"
expect_exit 2 "$ITAKU" form submit 4 "$T/schema.json"
listed "nothing was written" "addressee is required" "unknown field 'remarks_x'" "$EN_REF"
expect_exit 1 "${JA[@]}" "$ITAKU" validate 4 "$T/schema.json"
listed "不適合です" "不明な項目「remarks_x」" "$JA_REF"
expect_exit 2 "${JA[@]}" "$ITAKU" form submit 4 "$T/schema.json"
listed "不明な項目「remarks_x」" "$JA_REF"
ok "a schema problem and an unknown instruction: one list (validate, form submit; English, Japanese)"

expect_exit 1 "$ITAKU" validate 4 "$T/date.json"
listed "submitted_on: '2026/02/30'" "$EN_REF"
expect_exit 2 "$ITAKU" form submit 4 "$T/date.json"
listed "submitted_on: '2026/02/30'" "$EN_REF"
expect_exit 2 "${JA[@]}" "$ITAKU" form submit 4 "$T/date.json"
listed "提出日: 「2026/02/30」" "$JA_REF"
[ "$before" = "$(state_of .)" ] || fail "a refused form changed the registry"
ok "a date that cannot be read and an unknown instruction: one list, nothing written"

# a schema problem alone does not bring a reference's line with it
form4_answering akiruno-city/n-000001 >"$T/good-ref.json"
(cd "$T/city" && "$ITAKU" instruct report --to acme --due "$(day 60)" --text "報告" >/dev/null 2>&1)
git pull -q "$T/city" main
edit "$T/good-ref.json" "$T/only-schema.json" 'del f["addressee"]'
expect_exit 1 "$ITAKU" validate 4 "$T/only-schema.json"
listed "addressee is required"
grep -q "not in the registry" "$T/out" && fail "a reference that is there was listed: $(cat "$T/out")"
expect_exit 0 "$ITAKU" validate 4 "$T/good-ref.json"
ok "a reference that is there is not listed"

# validate accepts exactly what form submit accepts: approval typed short
expect_exit 0 "$ITAKU" register add --action received --medium usb --quantity 1 \
    --handler "鈴木一郎" --info "住民データ" --method 手渡し --item-id item-1 \
    --occurred-at "$(day -1)T10:00:00+09:00"
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item item-1
edit "$REGISTER_BODY" "$T/copy.json" 'f.update(action="copied", item_id="item-1c", derived_from="item-1", medium="file", approval="Q-1", occurred_at="'"$(day 0)"'T10:00:00+09:00"); f.pop("method", None)'
before=$(state_of .)
expect_exit 1 "$ITAKU" validate 3 "$T/copy.json"
listed "copy.json invalid" "acme/q-000001"
grep -q "Q-1' does not match\|approval: 'Q-1'" "$T/out" && fail "validate read Q-1 as typed: $(cat "$T/out")"
expect_exit 2 "$ITAKU" form submit 3 "$T/copy.json"
listed "acme/q-000001"
[ "$before" = "$(state_of .)" ] || fail "a refused copy changed the registry"
ok "a copy citing a request not yet approved (typed Q-1): refused by validate and form submit alike"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" approve acme/q-000001
cd "$T/acme"
expect_exit 0 "$ITAKU" pull "$T/city"
for typed in Q-1 q-1 "ｑ－１"; do
    edit "$T/copy.json" "$T/copy2.json" "f['approval'] = '$typed'"
    expect_exit 0 "$ITAKU" validate 3 "$T/copy2.json"
    listed "copy2.json valid"
done
expect_exit 0 "$ITAKU" form submit 3 "$T/copy2.json"
r=$(cat "$T/out")
git show "HEAD:parties/acme/register/$r.json" | has '"approval": "acme/q-000001"' ||
    fail "the approval was not stored as acme/q-000001"
ok "approved: validate takes Q-1, q-1 and ｑ－１ as form submit does, which stores acme/q-000001"
finish
