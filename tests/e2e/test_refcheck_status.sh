#!/usr/bin/env bash
# The references a record cites are checked when itaku writes it (issue 16
# point 4); a record written with stock git and the party's own key skips
# that check. verify passes it (the party's own key speaks, no trust rule is
# broken), and status checks the references again over the records in
# force: a register entry whose handler (取扱者) or verifier (確認者) no form 1
# names, a request whose item_ids (管理番号) nobody holds, are findings
# (pending, a warning: status does not fail for them), in Japanese from the
# labels catalog; their legitimate twins are none. The verifier is checked
# at write time as the handler is.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
reg() {
    "$ITAKU" register add --action received --medium usb --quantity 1 --info "住民データ" \
        --method hand-delivery "$@"
}
# form 1: manager 佐藤花子, worker 鈴木一郎 (w-001)
expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY"

# the verifier (確認者) is checked as the handler is, at write time
expect_refused "The verifier '山田' is not on acme's form 1.*Closest names on form 1:" \
    reg --item-id A-1 --handler "鈴木一郎" --verifier "山田" --occurred-at "$(day 0)T09:00:00+09:00"
expect_exit 0 reg --item-id A-1 --handler "鈴木一郎" --verifier "佐藤 花子" \
    --occurred-at "$(day 0)T09:00:00+09:00"
ok "a verifier form 1 does not name is refused; one it names is taken"

# records status looks at: "<id> <what>" lines
status_refs() {
    "$ITAKU" status --json --at "$(day 18)" "$@" >"$T/st.json" 2>"$T/err" || [ $? = 1 ] || { cat "$T/err" >&2; fail "status failed"; }
    python3 - "$T/st.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
for f in s["findings"]:
    if f["rule"] == "references_in_registry":
        print(f["record"], f["state"], f["detail"])
PY
}
[ -z "$(status_refs)" ] || fail "status finds a reference problem in records itaku wrote"

# forged with stock git and acme's own key: handler and verifier on no form 1
write_record parties/acme/register/r-000002.json \
    '{"action": "received", "handler": "田中三郎", "info_name": "住民データ", "item_id": "A-2", "medium": "usb", "method": "hand-delivery", "occurred_at": "'"$(day 1)"'T09:00:00+09:00", "quantity": {"unit": "件", "value": 1}, "verifier": "高橋四郎"}' \
    '{"schema": "register.v2"}'
forge . "Entry" "$T/acme.key" acme manager submit parties/acme/register/r-000002.json >/dev/null
# a request for an item nobody holds, without --unverified-ref's reason
write_record parties/acme/requests/q-000001.json \
    '{"item_ids": ["NOPE-9"], "kind": "take-out", "period": {"from": "'"$(day 3)"'", "to": "'"$(day 4)"'"}, "summary": "持出し"}' \
    '{"schema": "request.v2"}'
forge . "Request" "$T/acme.key" acme manager request parties/acme/requests/q-000001.json >/dev/null
expect_exit 0 "$ITAKU" verify
status_refs >"$T/refs"
has -F "acme/r-000002 pending handler '田中三郎' is no one acme's form 1 names" <"$T/refs"
has -F "acme/r-000002 pending verifier '高橋四郎' is no one acme's form 1 names" <"$T/refs"
has -F "acme/q-000001 pending item_ids[] 'NOPE-9' is no item the register of acme shows received or copied" <"$T/refs"
[ "$(wc -l <"$T/refs")" -eq 3 ] || fail "status finds other reference problems: $(cat "$T/refs")"
ok "status shows the forged handler, verifier and item as pending findings; verify passes"

# in Japanese: the field as the paper form calls it, and what to do
LANG=ja_JP.UTF-8 "$ITAKU" status --at "$(day 18)" >"$T/ja" 2>&1 || true
has -F "取扱者「田中三郎」は株式会社アクメの様式1（管理責任者・監督者・作業従事者）にない者" <"$T/ja"
has -F "確認者「高橋四郎」は株式会社アクメの様式1" <"$T/ja"
has -F "管理番号「NOPE-9」は株式会社アクメの管理台帳に受領・複製の記録がない" <"$T/ja"
has -F "様式1の変更届でその者を加えること" <"$T/ja"
ok "status names the field as the form does (取扱者, 確認者, 管理番号) and what to do"

# a warning: status's verdict ("failed", its exit) is what it was without it
"$ITAKU" status --json --at "$(day 18)" >"$T/st2.json" 2>/dev/null || true
python3 - "$T/st2.json" <<'PY' || fail "a reference finding changes status's verdict"
import json, sys
s = json.load(open(sys.argv[1]))
rest = [f for f in s["findings"] if f["rule"] != "references_in_registry"]
assert s["failed"] == any(f["state"] in ("overdue", "violated") for f in rest), s["failed"]
PY
# in the to-do list of the party too
"$ITAKU" todo --json --at "$(day 18)" >"$T/todo.json" 2>/dev/null || true
has -F "acme/r-000002" <"$T/todo.json"
ok "a reference problem is a warning: status's verdict stays; todo lists it"

# the legitimate twins, forged the same way: names form 1 gives (any
# spacing), an item acme holds; no finding
write_record parties/acme/register/r-000003.json \
    '{"action": "received", "handler": "鈴木 一郎", "info_name": "住民データ", "item_id": "A-3", "medium": "usb", "method": "hand-delivery", "occurred_at": "'"$(day 1)"'T10:00:00+09:00", "quantity": {"unit": "件", "value": 1}, "verifier": "W-001"}' \
    '{"schema": "register.v2"}'
forge . "Twin entry" "$T/acme.key" acme manager submit parties/acme/register/r-000003.json >/dev/null
write_record parties/acme/requests/q-000002.json \
    '{"item_ids": ["a-1"], "kind": "take-out", "period": {"from": "'"$(day 3)"'", "to": "'"$(day 4)"'"}, "summary": "持出し"}' \
    '{"schema": "request.v2"}'
forge . "Twin request" "$T/acme.key" acme manager request parties/acme/requests/q-000002.json >/dev/null
expect_exit 0 "$ITAKU" verify
status_refs >"$T/refs2"
if has -E "r-000003|q-000002" <"$T/refs2"; then fail "a legitimate twin is a finding: $(cat "$T/refs2")"; fi
[ "$(wc -l <"$T/refs2")" -eq 3 ] || fail "the findings changed: $(cat "$T/refs2")"
ok "the legitimate twins are no finding"

# correcting the forged entry (a new record superseding it) ends its findings
expect_exit 0 reg --item-id A-2 --handler "鈴木一郎" --supersedes r-000002 \
    --occurred-at "$(day 1)T09:00:00+09:00"
status_refs >"$T/refs3"
if has -F "r-000002" <"$T/refs3"; then fail "a superseded entry is still a finding"; fi
has -F "acme/q-000001" <"$T/refs3"
ok "a correction ends the finding; the others stay"

# the check is kept per record (this user's cache) and read back as found
status_refs >"$T/refs3b"
cmp -s "$T/refs3" "$T/refs3b" || fail "a second status differs: $(diff "$T/refs3" "$T/refs3b")"
# a new commit that gives what the request cites ends its finding, though
# the request itself did not change
expect_exit 0 reg --item-id NOPE-9 --handler "鈴木一郎" --occurred-at "$(day 2)T08:00:00+09:00"
status_refs >"$T/refs3c"
if has -F "acme/q-000001" <"$T/refs3c"; then fail "the request's item is held now, still a finding"; fi
ok "a second status reads the same; a receipt of the cited item ends the request's finding"

# recorded with --unverified-ref: status shows it once, with its reason, not twice
expect_exit 0 reg --item-id A-4 --handler "伊藤五郎" --unverified-ref --reason "応援要員" \
    --occurred-at "$(day 2)T09:00:00+09:00"
status_refs >"$T/refs4"
if has -F "伊藤五郎" <"$T/refs4"; then fail "an unverified reference is also a reference finding"; fi
ok "a reference recorded as unverified is not found again"
finish
