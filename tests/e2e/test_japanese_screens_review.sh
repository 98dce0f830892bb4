#!/usr/bin/env bash
# A city officer's and a contractor's review of the Japanese screens (issue
# 16): `contract show` words the designated handover methods as the paper
# does (手渡し), the code beside it in the list (what
# --drop-handover-method takes), English screens keep the codes; `history`
# of an id two parties have names both, for the person to pick one; the
# template of form 4 and of the register says how its reference to an
# instruction or an approval is written.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
expect_exit 0 "${JA[@]}" "$ITAKU" contract show
expect_output "^受渡方法: +手渡し, 暗号化USBメモリ$"
expect_output "^  - 手渡し（hand-delivery） "
grep -q "^受渡方法: .*hand-delivery" "$T/out" && fail "contract show words a method by its code: $(cat "$T/out")"
expect_exit 0 "$ITAKU" contract show
expect_output "^Handover methods: +hand-delivery, encrypted-usb$"
expect_output "^  - hand-delivery "
expect_exit 0 "${JA[@]}" "$ITAKU" contract amend --add-handover-method 書留郵便 --reason "郵送を追加"
expect_output "受渡方法: +手渡し（hand-delivery）, 暗号化USBメモリ（encrypted-usb） → 手渡し（hand-delivery）, 暗号化USBメモリ（encrypted-usb）, 書留郵便"
ok "contract show and contract amend word the methods as the paper does on a Japanese screen, codes on an English one"

# a number several records end with: history names them all
(cd "$T/city" && "$ITAKU" instruct report --to acme --due "$(day 60)" --text "報告" >/dev/null 2>&1)
cd "$T/acme"
git pull -q "$T/city" main
expect_exit 0 "$ITAKU" register add --action received --medium usb --quantity 1 \
    --handler "鈴木一郎" --info "住民データ" --method 手渡し --item-id item-1 \
    --occurred-at "$(day -1)T10:00:00+09:00"
expect_exit 2 "$ITAKU" history 000001
expect_output "'000001' names [0-9]+ records \\(.*akiruno-city/n-000001.*\\); write one of them"
expect_output "acme/r-000001"
expect_exit 2 "${JA[@]}" "$ITAKU" history 000001
expect_output "「000001」に当たる記録が [0-9]+ 件あります（.*acme/r-000001.*）。そのいずれかを指定してください"
ok "history of a number several records end with names them, to pick one"

# the templates say how a reference is written
expect_exit 0 "$ITAKU" form new 4
expect_output '"instruction_ref"' 
grep -B1 '"instruction_ref"' "$T/out" | has "n-5 for one of the party directly above" ||
    fail "form 4's template does not say how the instruction is written: $(grep -B1 instruction_ref "$T/out")"
expect_exit 0 "${JA[@]}" "$ITAKU" form new 3
grep -B1 '"approval"' "$T/out" | has "承認を受けた自社の申請の番号。q-1 のように" ||
    fail "form 3's template does not say how the approval is written: $(grep -B1 approval "$T/out")"
ok "the templates of forms 4 and 3 say how the instruction and the approval are written"
finish
