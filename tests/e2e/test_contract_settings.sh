#!/usr/bin/env bash
# The contract settings in force, read where an officer looks (issue 16,
# point 3): `itaku contract show` gives the period, the work start, the
# designated handover methods and the contacts, each with the contract
# amendment that set it. A handover with a method the settings in force do
# not designate is refused naming the designated methods, and recorded (the
# truth) with --undesignated-method --reason, as status judges it (4(1)); a
# designated one, in any width or case, is taken.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
expect_exit 0 "$ITAKU" contract show
expect_output "Period: +$(day -1) to $(day 119)"
expect_output "Handover methods: +hand-delivery, encrypted-usb$"
expect_output "Contacts: +none recorded"
ok "contract show: the settings of itaku.json, no contacts yet"

cat >"$T/contacts.json" <<'J'
{"contacts": [{"party": "akiruno-city", "role": "情報セキュリティ責任者", "name": "山田 太郎",
  "phone": "042-558-1111"}, {"party": "acme", "role": "管理責任者", "name": "鈴木 一郎",
  "email": "suzuki@example.jp"}]}
J
expect_exit 0 "$ITAKU" contract amend --contacts "$T/contacts.json" --handover-method 手渡し \
    --handover-method courier --drop-handover-method encrypted-usb --end "$(day 210)" \
    --reason "連絡先の登録、宅配便の追加、期間延長"
a=$(cat "$T/out")
expect_exit 0 "$ITAKU" contract show
expect_output "Period: +$(day -1) to $(day 210)$"
expect_output "^  End: +$(day 210)  \\(contract amendment $a\\)"
expect_output "^Handover methods: +手渡し, courier$"
expect_output "^  - 手渡し  \\(itaku init\\)$"
expect_output "^  - courier  \\(contract amendment $a\\)"
expect_output "akiruno-city 情報セキュリティ責任者 山田 太郎 042-558-1111"
expect_output "acme 管理責任者 鈴木 一郎 suzuki@example.jp"
# status names them too: the city's above the tables, each party's under its name
env LANG=ja_JP.UTF-8 "$ITAKU" status --at "$(day 8)" >"$T/out" 2>"$T/err" || true
expect_output "^  連絡先 \\(akiruno-city\\): 情報セキュリティ責任者 山田 太郎 042-558-1111$"
grep -A1 "^ *株式会社アクメ（acme、" "$T/out" | has "^ *連絡先: 管理責任者 鈴木 一郎 suzuki@example.jp$" ||
    fail "status does not name acme's contact under acme: $(cat "$T/out")"
ok "contract show and status: the amended period, methods and contacts, naming the amendment"

reg() { "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --action received "$@"; }
cd "$T/acme"
# before acme takes the amendment, courier is not designated: refused, then
# recorded as it was with the reason
expect_refused "The handover method 'courier' of this received entry is not one the contract designates \\(designated: hand-delivery, encrypted-usb; the closest: " \
    reg --item-id item-1 --method courier --occurred-at "$(day 3)T10:00:00+09:00"
expect_exit 0 reg --item-id item-1 --method courier --occurred-at "$(day 3)T10:00:00+09:00" \
    --undesignated-method --reason "契約変更前に宅配便で受領"
grep -q "^r-000001$" "$T/out" || fail "the entry was not recorded"
# a designated method in another case and width: no warning
expect_exit 0 reg --item-id item-2 --method "ＨＡＮＤ－ＤＥＬＩＶＥＲＹ" --occurred-at "$(day 3)T11:00:00+09:00"
grep -q "warning" "$T/err" && fail "a designated method was warned about: $(cat "$T/err")"
ok "a handover by a method not designated is refused naming the designated ones, and recorded with its reason"

expect_exit 0 "$ITAKU" pull "$T/city"
expect_exit 0 "$ITAKU" contract show
expect_output "acme 管理責任者 鈴木 一郎"
expect_exit 0 reg --item-id item-3 --method courier --occurred-at "$(day 18)T10:00:00+09:00"
grep -q "warning" "$T/err" && fail "courier is designated after the amendment: $(cat "$T/err")"
expect_refused "not one the contract designates \\(designated: 手渡し, courier; the closest: " \
    reg --item-id item-4 --method encrypted-usb --occurred-at "$(day 18)T11:00:00+09:00"
expect_output "The designated methods are those of contract amendment $a"
expect_exit 0 reg --item-id item-4 --method encrypted-usb --occurred-at "$(day 18)T11:00:00+09:00" \
    --undesignated-method --reason "暗号化USBのまま受領"
# status judges the same entries the same way
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
"$ITAKU" status --party acme --json --at "$(day 44)T12:00:00+09:00" >"$T/out" 2>"$T/err" || true
python3 - "$T/out" <<'PY' || fail "status does not judge the methods as the warnings said"
import json, sys
s = json.load(open(sys.argv[1]))
h = {f["record"]: f["state"] for f in s["findings"] if f["rule"] == "handover_designated_method"}
assert h == {"acme/r-000001": "violated", "acme/r-000002": "ok", "acme/r-000003": "ok",
             "acme/r-000004": "violated"}, h
PY
ok "after the amendment: courier is designated, encrypted-usb is refused; status agrees"
finish
