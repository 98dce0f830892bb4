#!/usr/bin/env bash
# A request asked twice is the same request to an officer though typed
# otherwise (issue 16 review): other spacing or line breaks, full-width
# letters, the item ids typed in another case, width or dash
# (SKR-USB-01, skr-usb-01, ＳＫＲ－ＵＳＢ－０１) or in another order, a date
# written 令和8年12月1日 or 2026/12/1: the second asks for --again, writing
# nothing. Requests that ask something else (another item, other words,
# another period) are taken.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
for item in SKR-USB-01 item-2 item-3; do
    expect_exit 0 "$ITAKU" register add --action received --medium usb --quantity 1 \
        --handler "鈴木一郎" --info "住民データ" --method 手渡し --item-id "$item" \
        --occurred-at "$(day -1)T10:00:00+09:00"
done
TWIN="acme has already asked the same"
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製 USB 1本" --item SKR-USB-01 \
    --item item-2
before=$(state_of .)
expect_refused "$TWIN .* in request acme/q-000001" \
    "$ITAKU" request submit copy --summary " 検証用に　複製 ＵＳＢ 1本 " --item "ｓｋｒ－ｕｓｂ－０１" \
    --item item-2
expect_refused "$TWIN" "$ITAKU" request submit copy --summary "検証用に複製
USB 1本" --item item-2 --item skr-usb-01
[ "$before" = "$(state_of .)" ] || fail "a refused twin changed the registry"
ok "other spacing, full width, item ids in another case, width and order: the same request"

expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製 USB 2本" --item SKR-USB-01 \
    --item item-2
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製 USB 1本" --item SKR-USB-01 \
    --item item-3
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製 USB 1本" --item SKR-USB-01
ok "other words, another item, fewer items: other requests"

# a date in the paper's way and in figures is one date
cat >"$T/r1.json" <<'J'
{"summary": "外部監査のため持ち出し", "item_ids": ["item-3"], "period": {"from": "令和8年12月1日", "to": "R8.12.3"}}
J
cat >"$T/r2.json" <<'J'
{"summary": "外部監査のため 持ち出し", "item_ids": ["ITEM-3"], "period": {"from": "2026-12-01", "to": "2026/12/3"}}
J
cat >"$T/r3.json" <<'J'
{"summary": "外部監査のため持ち出し", "item_ids": ["item-3"], "period": {"from": "2026-12-01", "to": "2026-12-04"}}
J
expect_exit 0 "$ITAKU" request submit take-out "$T/r1.json"
expect_refused "$TWIN" "$ITAKU" request submit take-out "$T/r2.json"
expect_exit 0 "$ITAKU" request submit take-out "$T/r3.json"
expect_exit 0 "$ITAKU" request submit take-out "$T/r2.json" --again
ok "令和8年12月1日 and $(day -1) are one date; another period is another request; --again takes it"
finish
