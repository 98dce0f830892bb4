#!/usr/bin/env bash
# Corrections that keep the history (issue 16, point 3): the issuer amends
# or withdraws its own instruction with a new record that supersedes it
# (status and `instructions` follow the latest; `history` shows both); an
# amendment or withdrawal of another party's instruction is refused (V2) and
# writes nothing; an instruction due in the past asks for --backdated.
. "$(dirname "$0")/lib.sh"
at() { (cd "$T/$1" && shift && "$@"); }

setup_city_and_contractor
n1=$(at city "$ITAKU" instruct report --to acme --due "$(day 60)" --text "四半期報告" 2>/dev/null)
[ "$n1" = akiruno-city/n-000001 ] || fail "first instruction is $n1"

# a due date already past is refused, nothing written; --backdated records it
cd "$T/city"
expect_refused "already past.*--backdated" "$ITAKU" instruct report --to acme --due 2020-01-31 --text "臨時報告"
expect_exit 0 "$ITAKU" instruct report --to acme --due 2020-01-31 --backdated --reason "口頭で指示済み" --text "臨時報告"
n2=$(cat "$T/out")
git show "HEAD:parties/akiruno-city/instructions/${n2#*/}.json" | has '"backdated": *true' ||
    fail "the backdated instruction does not say so"
ok "an instruction due in the past asks for --backdated, and the record says it was"

# acme, holding the city's instructions, may not amend or withdraw them (V2)
cd "$T/acme"
git pull -q "$T/city" main
expect_refused "V2" "$ITAKU" instruct amend "$n1" --due "$(day 119)" --reason "延長したい"
expect_output "akiruno-city's instruction"
expect_refused "V2" "$ITAKU" instruct withdraw "$n1" --reason "不要"
ok "acme amending or withdrawing the city's instruction is refused (V2), nothing written"

# the twin: the city amends its own instruction; it is listed once, under
# its first record, as its latest version
cd "$T/city"
expect_refused "reason" "$ITAKU" instruct amend "$n1" --due "$(day 119)"
expect_exit 0 "$ITAKU" instruct amend "$n1" --due "$(day 119)" --reason "期限の延長"
n3=$(cat "$T/out")
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" instructions
expect_output "^$n1 .* $(day 119) .*\\(amended by $n3: 期限の延長\\)"
grep -q "^$n3 " "$T/out" && fail "the amending record is listed as an instruction of its own"
# the superseded version is corrected no more; its current version is named
expect_refused "already amended by $n3" "$ITAKU" instruct amend "$n1" --due "$(day 88)" --reason x
expect_exit 0 "$ITAKU" history "$n1"
expect_output "superseded by $n3"
ok "the city's amendment supersedes its instruction; history says so"

# status follows the latest: at day 75 the amended one is not yet overdue
# (exit 1: the backdated one and form 1 are overdue)
expect_exit 1 "$ITAKU" status --party acme --json --at "$(day 75)T12:00:00+09:00"
python3 - "$T/out" "$n1" "$n3" "$(day 119)T23:59:59+09:00" <<'PY' || fail "status does not follow the latest version"
import json, sys
out, n1, n3, due = sys.argv[1:]
s = json.load(open(out))
found = json.dumps(s, ensure_ascii=False)
assert n1 + ")" not in found, "the superseded version is still judged"
mine = [f for f in s["findings"] if f["detail"].endswith(n3 + ")")]
assert len(mine) == 1 and mine[0]["state"] == "pending", mine
assert mine[0]["due"] == due, mine
PY
# withdrawing the current version: nothing is owed, listed as withdrawn
expect_exit 0 "$ITAKU" instruct withdraw "$n3" --reason "不要になった"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" instructions --all
expect_output "^$n1 .*\\(withdrawn by akiruno-city/n-[0-9]+: 不要になった\\)"
expect_exit 1 "$ITAKU" status --party acme --json --at "$(day 164)T12:00:00+09:00"
grep -q "$n3" "$T/out" && fail "status still judges the withdrawn instruction"
# history tells a withdrawal as one (取下げ), not as a correction
expect_exit 0 "$ITAKU" history "$n3"
expect_output "withdrawn +akiruno-city/.*withdrawn by akiruno-city/n-[0-9]+"
has "superseded" <"$T/out" && fail "history tells the withdrawn instruction as superseded"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" history "$n3"
expect_output "取下げ +あきる野市 担当職員 .*akiruno-city/n-[0-9]+ により取下げ"
has -E "withdrawn|superseded|filed|差替え" <"$T/out" && fail "history on a Japanese screen: $(cat "$T/out")"
ok "a withdrawn instruction asks nothing; the list says withdrawn; history says 取下げ"

# contract amendments: the contractor is refused (V3), nothing written
cd "$T/acme"
git pull -q "$T/city" main
expect_refused "V3" "$ITAKU" contract amend --handover-method courier --reason "宅配便も使いたい"
ok "a contract amendment by the contractor is refused (V3), nothing written"

# a handover by courier before the city designates it is a violation; the
# same method in an entry made after acme took the amendment is not
reg() { "$ITAKU" -C "$T/acme" register add --medium usb --quantity 1 --handler "鈴木一郎" \
    --info "住民データ" --action received "$@" >"$T/reg.out" 2>&1 || { cat "$T/reg.out" >&2; fail "register add $*"; }; }
reg --item-id item-1 --method courier --occurred-at "$(day 3)T10:00:00+09:00" \
    --undesignated-method --reason "宅配便で受領（指定前）"
cd "$T/city"
expect_refused "reason" "$ITAKU" contract amend --handover-method hand-delivery --handover-method courier
expect_exit 0 "$ITAKU" contract amend --handover-method hand-delivery --handover-method courier \
    --drop-handover-method encrypted-usb --end "$(day 210)" --reason "宅配便の追加と期間の延長"
[ "$(cat "$T/out")" = akiruno-city/c-000001 ] || fail "the amendment is $(cat "$T/out")"
git diff --quiet HEAD~1 HEAD -- itaku.json || fail "contract amend edited itaku.json"
expect_exit 0 "$ITAKU" verify
cd "$T/acme"
expect_exit 0 "$ITAKU" pull "$T/city"
reg --item-id item-2 --method courier --occurred-at "$(day 18)T10:00:00+09:00"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 1 "$ITAKU" status --party acme --json --at "$(day 134)T12:00:00+09:00"
python3 - "$T/out" "$(day 210)" <<'PY' || fail "status does not apply the settings in force"
import json, sys
s = json.load(open(sys.argv[1]))
h = {f["record"]: f["state"] for f in s["findings"] if f["rule"] == "handover_designated_method"}
assert h.get("acme/r-000001") == "violated", h
assert h.get("acme/r-000002") == "ok", h
# the items are due back by the amended end (day 210): not overdue on day 134
end = sys.argv[2]
e = [f for f in s["findings"] if f["rule"] == "items_returned_or_disposed_at_end"]
assert e and all(f["state"] != "overdue" for f in e), e
assert all(f["due"].startswith(end) for f in e), e
PY
ok "the city's amendment is in force for entries made after it and for due dates after it"

# a party corrects its own register entry with --supersedes; history says so
cd "$T/acme"
reg --item-id item-2 --method hand-delivery --occurred-at "$(day 18)T10:00:00+09:00" --supersedes r-000002
expect_exit 0 "$ITAKU" history acme/r-000002
expect_output "superseded by acme/r-000003"
expect_refused "--supersedes r-000042: acme has no register record of that id \(closest: r-000002, r-000001, r-000003\)" \
    "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" \
    --info "住民データ" --action received --item-id item-9 --method hand-delivery --supersedes r-000042
expect_refused "--supersedes r-000042: 株式会社アクメの重要指定情報管理記録簿にその番号の記録はありません（近いもの: r-000002, r-000001, r-000003）" \
    "${JA[@]}" "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" \
    --info "住民データ" --action received --item-id item-9 --method hand-delivery --supersedes r-000042
ok "register add --supersedes corrects our own entry; history says superseded; an id not there is refused naming the closest"
finish
