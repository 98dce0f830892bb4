#!/usr/bin/env bash
# A choice typed as the city's word for it (issue 16): `--action 受領`,
# `--medium USBメモリ`, `"filing_type": "新規"` in a form file, `instruct
# 報告の求め`, `request submit 複製` are the choices received, usb, new,
# report and copy (the labels catalog read backwards, compared as ids are);
# the record holds the code. A word that names no choice is refused,
# writing nothing. And `instruct amend` / `instruct withdraw` are in the
# manual, `help --list` and the completion like every other subcommand.
. "$(dirname "$0")/lib.sh"

body_of() { git show "HEAD:$1" | python3 -c 'import json,sys; b=json.load(sys.stdin)["body"]; print(" ".join(str(b.get(k)) for k in sys.argv[1:]))' "${@:2}"; }

setup_city_and_contractor
cd "$T/city"
expect_exit 0 "$ITAKU" instruct 報告の求め --to acme --due "$(day 60)" --text "四半期報告"
[ "$(body_of parties/akiruno-city/instructions/n-000001.json kind)" = report ] ||
    fail "instruct 報告の求め did not record kind report"
ok "instruct 報告の求め records an instruction of kind report"

cd "$T/acme"
git pull -q "$T/city" main
expect_refused "medium" "$ITAKU" register add --action 受領 --medium フロッピー --quantity 1 \
    --handler "鈴木一郎" --info "住民データ" --item-id SKR-1 --method hand-delivery \
    --occurred-at "$(day 0)T10:00:00+09:00"
expect_exit 0 "$ITAKU" register add --action 受領 --medium ＵＳＢメモリ --quantity 1 \
    --handler "鈴木一郎" --info "住民データ" --item-id SKR-1 --method hand-delivery \
    --occurred-at "$(day 0)T10:00:00+09:00"
expect_output "note: action: '受領' taken as the choice received"
[ "$(body_of parties/acme/register/r-000001.json action medium)" = "received usb" ] ||
    fail "register add did not record the codes: $(body_of parties/acme/register/r-000001.json action medium)"
ok "register add --action 受領 --medium ＵＳＢメモリ records received and usb; フロッピー is refused"

python3 - "$SRC/tests/schema-corpus/form1/valid/base.json" >"$T/f1.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["filing_type"] = "新規"
print(json.dumps(f, ensure_ascii=False))
PY
expect_exit 0 "$ITAKU" validate form1 "$T/f1.json"
expect_exit 0 "$ITAKU" form submit 1 "$T/f1.json"
[ "$(body_of parties/acme/forms/form1/f1-000001.json filing_type)" = new ] || fail "filing_type 新規 is not new"
ok "a form file saying \"filing_type\": \"新規\" is validated and recorded as new"

expect_exit 0 "$ITAKU" request submit 複製 --summary "検証用に複製" --item SKR-1
[ "$(body_of parties/acme/requests/q-000001.json kind)" = copy ] || fail "request submit 複製 is not copy"
ok "request submit 複製 records a copy request"

# instruct amend / withdraw in the manual, the list and the completion
expect_exit 0 "$ITAKU" help --list
expect_output "^instruct amend$"
expect_output "^instruct withdraw$"
expect_exit 0 "$ITAKU" --man instruct
expect_output "instruct amend"
expect_output "instruct withdraw"
expect_exit 0 "$ITAKU" __complete instruct ""
expect_output "^amend$"
expect_output "^withdraw$"
expect_exit 0 "$ITAKU" __complete instruct amend --
expect_output "^--reason$"
ok "instruct amend and instruct withdraw are in the manual, help --list and the completion"
finish
