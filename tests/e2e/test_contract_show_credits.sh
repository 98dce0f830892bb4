#!/usr/bin/env bash
# Issue 16, point 3 (a city officer's review): `itaku contract show` credits
# each setting (the start, the end, the work start, each handover method,
# the contacts) to the contract amendment, or `itaku init`, that set it — not
# the whole period to the last amendment touching either end; and the
# report's index (`itaku report --html`) shows the period in force as of the
# report, not the one of itaku.json.
. "$(dirname "$0")/lib.sh"

START=$(day 1) END=$(day 120) END2=$(day 150) WORK=$(day 5) START2=$(day 2)
"$ITAKU" key generate "$T/city.key" --comment city >/dev/null
"$ITAKU" init "$T/city" --contract C-2026-003 --title "住民情報システム運用保守" \
    --city akiruno-city --name "あきる野市" --key "$T/city.key" --start "$START" --end "$END" >"$T/sheet"
cd "$T/city"
git config itaku.signingKey "$T/city.key"
# the registry's first moment (an earlier --at is refused); the amendments
# below come at least a second later
BEGAN=$(git log -1 --format=%cI "$(git rev-list --max-parents=0 HEAD)")
sleep 1
expect_exit 0 "$ITAKU" contract show
expect_output "^  Start: +$START  \\(itaku init\\)$"
expect_output "^  End: +$END  \\(itaku init\\)$"
expect_output "^  - hand-delivery  \\(itaku init\\)$"
ok "contract show before any amendment: every setting from itaku init"

amend() {
    expect_exit 0 "$ITAKU" contract amend "$@"
    head -1 "$T/out"
}
a_end=$(amend --end "$END2" --reason "期間延長")
a_method=$(amend --add-handover-method courier --reason "宅配便の追加")
a_work=$(amend --work-start "$WORK" --reason "作業開始日の決定")
cat >"$T/contacts.json" <<'J'
{"contacts": [{"party": "akiruno-city", "role": "情報セキュリティ責任者", "name": "山田 太郎",
  "phone": "042-558-1111"}]}
J
a_contacts=$(amend --contacts "$T/contacts.json" --reason "連絡先の登録")
# the last amendment touching the period names the start only
a_start=$(amend --start "$START2" --reason "開始日の訂正")
expect_exit 0 "$ITAKU" contract show
expect_output "^Period: +$START2 to $END2$"
expect_output "^  Start: +$START2  \\(contract amendment $a_start\\)$"
expect_output "^  End: +$END2  \\(contract amendment $a_end\\)$"
expect_output "^Work start: +$WORK  \\(contract amendment $a_work\\)$"
expect_output "^Handover methods: +hand-delivery, encrypted-usb, courier$"
expect_output "^  - hand-delivery  \\(itaku init\\)$"
expect_output "^  - encrypted-usb  \\(itaku init\\)$"
expect_output "^  - courier  \\(contract amendment $a_method\\)$"
expect_output "^Contacts: +\\(contract amendment $a_contacts\\)$"
LANG=ja_JP.UTF-8 expect_exit 0 "$ITAKU" contract show
expect_output "^  終了日: +$END2  （契約設定の変更 $a_end）$"
expect_output "^  - 手渡し（hand-delivery）  （契約の作成時 itaku init）$"
ok "contract show credits the start, the end, the work start, each method and the contacts to the amendment or init that set each"

# a method a replacing list keeps (as its label) keeps its credit
a_replace=$(amend --handover-method 手渡し --handover-method courier --drop-handover-method encrypted-usb \
    --reason "暗号化USBの廃止")
expect_exit 0 "$ITAKU" contract show
expect_output "^  - 手渡し  \\(itaku init\\)$"
expect_output "^  - courier  \\(contract amendment $a_method\\)$"
grep -q "$a_replace" "$T/out" && fail "the replacing list took the credit of methods it kept: $(cat "$T/out")"
ok "a method a replacing list keeps keeps its credit"

# the report shows the period in force, with the amendments that set it;
# as of the registry's first moment (before every amendment) the period of itaku.json
period_row() {
    python3 - "$1/index.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<tr><td>契約期間</td><td>(.*?)</td></tr>", html)
print(m.group(1) if m else "")
PY
}
expect_exit 0 "$ITAKU" report --html "$T/report"
row=$(period_row "$T/report")
case $row in
*"($START2)（契約設定の変更 $a_start）"*"($END2)（契約設定の変更 $a_end）"*) ;;
*) fail "the report's period is not the one in force: $row" ;;
esac
expect_exit 0 "$ITAKU" report --html "$T/report-before" --at "$BEGAN"
row=$(period_row "$T/report-before")
case $row in
*"($START)"*"($END)"*) ;;
*) fail "the report as of $BEGAN does not show itaku.json's period: $row" ;;
esac
grep -q "契約設定の変更" <<<"$row" && fail "the report as of $BEGAN names an amendment made later: $row"
ok "the report's index shows the period in force as of the report, naming the amendments"
finish
