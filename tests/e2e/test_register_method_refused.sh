#!/usr/bin/env bash
# A handover method the contract does not designate (issue 16, points 2 and
# 4; seed §4(1)): `register add --method 手渡` (a typo of the designated
# 手渡し) is refused before anything is written, naming what was typed, the
# designated methods and the closest one; the same entry as a form (`form
# submit 3`) is refused alike, and `validate 3` says so. The truth stays
# recordable with --undesignated-method --reason TEXT: status shows the
# violation and says the reason. A designated method in another width or as
# its label is taken.
. "$(dirname "$0")/lib.sh"
JA=(env -u LC_ALL -u LANGUAGE -u LC_MESSAGES LANG=ja_JP.UTF-8)

setup_city_and_contractor
cd "$T/acme"
reg() { "$ITAKU" register add --action received --medium usb --quantity 1 --handler "鈴木一郎" \
    --info "住民データ" "$@"; }

expect_refused "The handover method '手渡' of this received entry is not one the contract designates \\(designated: hand-delivery, encrypted-usb; the closest: hand-delivery\\)" \
    reg --item-id item-1 --method 手渡 --occurred-at "$(day -1)T10:00:00+09:00"
expect_output "--undesignated-method --reason TEXT"
grep -q "warning\|note:" "$T/err" && fail "a refusal that wrote nothing warns or notes: $(cat "$T/err")"
expect_refused "受渡方法「手渡」は契約で指定された方法ではありません（指定: 手渡し, 暗号化USBメモリ。最も近いもの: 手渡し）" \
    "${JA[@]}" "$ITAKU" register add --action received --medium usb --quantity 1 \
    --handler "鈴木一郎" --info "住民データ" --item-id item-1 --method 手渡 \
    --occurred-at "$(day -1)T10:00:00+09:00"
ok "register add --method 手渡: refused, naming it, the designated methods and the closest"

# the same entry as a filled-in form 3
python3 - "$REGISTER_BODY" "$T/f3.json" "$(day -1)" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b.update(method="手渡", item_id="item-1", occurred_at=sys.argv[3] + "T10:00:00+09:00")
json.dump(b, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_refused "The handover method '手渡' of this received entry is not one the contract designates" \
    "$ITAKU" form submit 3 "$T/f3.json"
expect_exit 1 "$ITAKU" validate 3 "$T/f3.json"
expect_output "f3.json invalid"
expect_output "The handover method '手渡' of this received entry is not one the contract designates"
ok "form submit 3 with method 手渡: refused alike, and validate says so"

# a designated method: its label and another width are the same method
expect_exit 0 reg --item-id item-2 --method 手渡し --occurred-at "$(day -1)T11:00:00+09:00"
expect_exit 0 reg --item-id item-3 --method "ＥＮＣＲＹＰＴＥＤ－ＵＳＢ" --occurred-at "$(day -1)T11:30:00+09:00"
# --undesignated-method where there is nothing to record so: refused
expect_refused "the handover method is one the contract designates; leave --undesignated-method" \
    reg --item-id item-4 --method 手渡し --occurred-at "$(day -1)T12:00:00+09:00" \
    --undesignated-method --reason "念のため"
expect_refused "--reason TEXT goes with" \
    reg --item-id item-4 --method 手渡 --occurred-at "$(day -1)T12:00:00+09:00" --undesignated-method
ok "designated methods are taken as typed in any width or as their label"

# the truth recorded as it was, with the reason
why="市の担当者の指示により記録上の表記のまま"
expect_exit 0 reg --item-id item-1 --method 手渡 --occurred-at "$(day -1)T10:00:00+09:00" \
    --undesignated-method --reason "$why"
r=$(cat "$T/out")
[ "$r" = r-000003 ] || fail "the entry recorded is $r"
git show "HEAD:parties/acme/register/$r.json" | python3 -c '
import json, sys
rec = json.load(sys.stdin)
assert rec["body"]["method"] == "手渡", rec
u = rec["refs"]["undesignated_method"]
assert u == {"method": "手渡", "reason": sys.argv[1]}, u
assert "unapproved_reason" not in rec["body"], rec' "$why" || fail "the reason is not recorded"
cp "$T/f3.json" "$T/f3b.json"
sed -i 's/item-1/item-5/' "$T/f3b.json"
expect_exit 0 "$ITAKU" form submit 3 "$T/f3b.json" --undesignated-method --reason "$why"
ok "--undesignated-method --reason records the method as typed and the reason (register add, form submit)"

cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
"$ITAKU" status --party acme --json --at "$(day 8)T12:00:00+09:00" >"$T/out" 2>"$T/err" || true
python3 - "$T/out" "$why" <<'PY' || fail "status does not show the violation with the reason: $(cat "$T/out")"
import json, sys
s = json.load(open(sys.argv[1]))
h = {f["record"]: f for f in s["findings"] if f["rule"] == "handover_designated_method"}
assert h["acme/r-000001"]["state"] == "ok", h
f = h["acme/r-000003"]
assert f["state"] == "violated", f
assert sys.argv[2] in json.dumps(f, ensure_ascii=False), f
PY
"${JA[@]}" "$ITAKU" status --party acme --at "$(day 8)T12:00:00+09:00" >"$T/out" 2>"$T/err" || true
expect_output "受渡方法「手渡」は契約で指定された方法ではない（指定外と承知で記録。理由: $why）"
ok "status shows the entry recorded so as violated, with the reason"
finish
