#!/usr/bin/env bash
# Issue 16, point 3 (a city officer's review): `contract amend` never drops a
# designated handover method without a word. --add-handover-method and
# --drop-handover-method change the list one method at a time (compared as
# register add and status compare methods: case, width, a code and its
# label as one); the replacing --handover-method is refused when it would
# drop a method not also named with --drop-handover-method, listing the
# methods designated now; dropping one not designated, or adding one
# already designated, is refused with the list; the amendment says the
# methods before → after. Every refusal writes nothing (main unchanged),
# a contractor cannot amend (V3), and a method kept stays designated for
# the handovers after the amendment (status).
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
main=$(git rev-parse main)
# refused_amend PATTERN ARGS...: contract amend ARGS exits 2 saying PATTERN,
# "nothing was written", and main has not moved
refused_amend() {
    local pattern=$1
    shift
    expect_exit 2 "$ITAKU" contract amend "$@"
    expect_output "$pattern"
    expect_output "nothing was written|何も書き込まれませんでした"
    [ "$(git rev-parse main)" = "$main" ] || fail "a refused amendment moved main: $*"
}

# the review's case: the replacing list would drop hand-delivery (手渡し)
refused_amend "would drop 'hand-delivery' \\(designated now: hand-delivery, encrypted-usb\\); to add a method to those designated use --add-handover-method" \
    --handover-method 書留郵便 --reason "書留郵便の追加"
LANG=ja_JP.UTF-8 refused_amend "--handover-method は指定の受渡方法を置き換えるため、'手渡し' が外れます（現在の指定: 手渡し, 暗号化USBメモリ）。.*--add-handover-method" \
    --handover-method 書留郵便 --reason "書留郵便の追加"
# naming one of the two and dropping nothing still drops the other
refused_amend "would drop 'encrypted-usb'" --handover-method 手渡し --handover-method 書留郵便 \
    --reason "書留郵便の追加"
ok "a replacing list that would drop designated methods is refused, listing them (English, Japanese)"

refused_amend "handover method 'courier' is not designated, so it cannot be dropped \\(designated now: hand-delivery, encrypted-usb\\)" \
    --drop-handover-method courier --reason "宅配便の廃止"
LANG=ja_JP.UTF-8 refused_amend "受渡方法 'courier' は指定されていないため、外せません（現在の指定: 手渡し, 暗号化USBメモリ）" \
    --drop-handover-method courier --reason "宅配便の廃止"
# 手渡し is hand-delivery's label; ＨＡＮＤ－ＤＥＬＩＶＥＲＹ the code, full width
for m in 手渡し "ＨＡＮＤ－ＤＥＬＩＶＥＲＹ"; do
    refused_amend "handover method '$m' is already designated \\(designated now: hand-delivery, encrypted-usb\\); nothing to add" \
        --add-handover-method "$m" --reason "手渡しの追加"
done
refused_amend "is both named with --handover-method and dropped" --handover-method 手渡し \
    --drop-handover-method hand-delivery --drop-handover-method encrypted-usb --reason "整理"
refused_amend "would leave no designated handover method" --drop-handover-method hand-delivery \
    --drop-handover-method encrypted-usb --reason "整理"
ok "dropping a method not designated, adding one designated (as its label, in full width) are refused with the list"

# a contractor cannot amend (V3), and writes nothing
cd "$T/acme"
acme_main=$(git rev-parse main)
expect_exit 2 "$ITAKU" contract amend --add-handover-method 書留郵便 --reason "書留郵便の追加"
expect_output "only the city amends the contract settings \\(V3\\)"
[ "$(git rev-parse main)" = "$acme_main" ] || fail "a contractor's refused amendment moved main"
ok "a contractor's amendment is refused (V3), nothing written"

# add one: the others stay; the amendment says before → after
cd "$T/city"
expect_exit 0 "$ITAKU" contract amend --add-handover-method 書留郵便 --reason "書留郵便の追加"
expect_output "^Handover methods: hand-delivery, encrypted-usb → hand-delivery, encrypted-usb, 書留郵便$"
a1=$(cat "$T/out")
expect_exit 0 "$ITAKU" contract show
expect_output "^Handover methods: +hand-delivery, encrypted-usb, 書留郵便$"
ok "--add-handover-method adds to those designated and says before → after"

# hand-delivery stays designated for the handovers after it: no warning, ok
cd "$T/acme"
expect_exit 0 "$ITAKU" pull "$T/city"
reg() { "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --action received "$@"; }
expect_exit 0 reg --item-id item-1 --method 手渡し --occurred-at "$(day 3)T10:00:00+09:00"
grep -q warning "$T/err" && fail "手渡し was warned about after adding 書留郵便: $(cat "$T/err")"
expect_exit 0 reg --item-id item-2 --method 書留郵便 --occurred-at "$(day 3)T11:00:00+09:00"
grep -q warning "$T/err" && fail "書留郵便 was warned about after it was added: $(cat "$T/err")"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
"$ITAKU" status --party acme --json --at "$(day 8)T12:00:00+09:00" >"$T/out" 2>"$T/err" || true
python3 - "$T/out" <<'PY' || fail "status does not judge the handovers by the methods in force"
import json, sys
s = json.load(open(sys.argv[1]))
h = {f["record"]: f["state"] for f in s["findings"] if f["rule"] == "handover_designated_method"}
assert h == {"acme/r-000001": "ok", "acme/r-000002": "ok"}, h
PY
ok "the methods kept stay designated: 手渡し and 書留郵便 handovers are ok in status"

# drop one, in full width: the rest stays
expect_exit 0 "$ITAKU" contract amend --drop-handover-method "ＥＮＣＲＹＰＴＥＤ－ＵＳＢ" --reason "暗号化USBの廃止"
expect_output "^Handover methods: hand-delivery, encrypted-usb, 書留郵便 → hand-delivery, 書留郵便$"
# replace, naming what it drops
expect_exit 0 "$ITAKU" contract amend --handover-method 手渡し --handover-method courier \
    --drop-handover-method 書留郵便 --reason "書留郵便から宅配便へ"
expect_output "^Handover methods: hand-delivery, 書留郵便 → 手渡し, courier$"
LANG=ja_JP.UTF-8 expect_exit 0 "$ITAKU" contract amend --add-handover-method 書留郵便 --reason "書留郵便の再開"
expect_output "^受渡方法: +手渡し, 運送事業者による搬送（courier） → 手渡し, 運送事業者による搬送（courier）, 書留郵便$"
expect_exit 0 "$ITAKU" contract show
expect_output "^Handover methods: +手渡し, courier, 書留郵便$"
expect_exit 0 "$ITAKU" verify
ok "--drop-handover-method drops one; a replacing list naming its drops is taken; before → after each time"
finish
