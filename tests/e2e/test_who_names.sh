#!/usr/bin/env bash
# A Japanese reader sees the parties by their names (issue 16 review): `who`
# heads each party's block 株式会社アクメ（acme、受注者）, as status does, and
# lists the contractors by name with the id beside it; `todo` says whose
# request waits by the requester's name. English screens keep the ids (who:
# the id, then the name), and --json keeps the ids.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
expect_exit 0 "$ITAKU" register add --action received --medium usb --quantity 1 \
    --handler "鈴木一郎" --info "住民データ" --method 手渡し --item-id item-1 \
    --occurred-at "$(day -1)T10:00:00+09:00"
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item item-1
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"

expect_exit 0 "${JA[@]}" "$ITAKU" who
expect_output "^あきる野市（akiruno-city、発注者）$"
expect_output "^  受注者: 株式会社アクメ（acme）$"
expect_output "^  株式会社アクメ（acme、受注者）$"
grep -q "^ *acme " "$T/out" && fail "who heads a party by its bare id on a Japanese screen: $(cat "$T/out")"
expect_exit 0 "$ITAKU" who
expect_output "^akiruno-city あきる野市 \\(city\\)$"
expect_output "^  acme 株式会社アクメ \\(contractor\\)$"
expect_output "^  contractors: acme$"
expect_exit 0 "${JA[@]}" "$ITAKU" who --json
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert "acme" in [p["party"] for p in d["parties"]], d' "$T/out" ||
    fail "who --json lost the party ids"
ok "who: 株式会社アクメ（acme、受注者） on a Japanese screen; ids on an English one and in --json"

set +e
"${JA[@]}" "$ITAKU" todo >"$T/out" 2>"$T/err"
"${JA[@]}" "$ITAKU" todo --json >"$T/json" 2>>"$T/err"
set -e
expect_output "株式会社アクメの複製の申請（acme/q-000001）が決定"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert any(i["subject"] == "acme/q-000001" for i in d["items"]), d' "$T/json" ||
    fail "todo --json lost the request's id"
ok "todo names the requester by its name on a Japanese screen; --json keeps the ids"
finish
