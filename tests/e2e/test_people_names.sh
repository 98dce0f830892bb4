#!/usr/bin/env bash
# Issue 15, point 3: people by name. `key add --name` records a person's
# name with the key (key.v2); log, form pages, the report, who and history
# show it beside the ASCII principal; `key rename` changes it by a signed key
# event (key-event.v2) and earlier papers keep the name of their day; only
# the key's own party may rename (V2), and a name holds no control or
# text-direction character (V10); allowed-signers keeps the ASCII principal.
. "$(dirname "$0")/lib.sh"
scratch() {
    rm -rf "$T/$1-x"
    cp -a "$T/$1" "$T/$1-x"
}

setup_city_and_contractor
cd "$T/acme"
"$ITAKU" key generate "$T/tanaka.key" >/dev/null
TANAKA_FPR=$(ssh-keygen -lf "$T/tanaka.key.pub" | awk '{print $2}')

# key add --name: the key record (key.v2) carries the name
expect_exit 0 "$ITAKU" key add "$T/tanaka.key.pub" --principal tanaka --name "田中 花子"
KEYFILE=$(git show --format= --name-only HEAD)
python3 - "$KEYFILE" <<'PY' || fail "the key record does not carry the name"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
assert r["schema"] == "key.v2", r
assert r["body"]["principal"] == "tanaka" and r["body"]["attributes"] == {"name": "田中 花子"}, r
PY
R1=$(register_item 1 | "$ITAKU" record add register - --key "$T/tanaka.key")
[ -n "$R1" ] || fail "tanaka could not write a register entry"
ok "key add --name records 田中 花子 with tanaka's key; tanaka writes $R1"

# log: the name beside the principal; --json keeps principal, adds principal_name
expect_exit 0 "$ITAKU" log -n 1
expect_output "tanaka \(田中 花子\)"
expect_exit 0 "$ITAKU" log -n 1 --json
python3 - "$T/out" <<'PY' || fail "log --json lacks principal_name"
import json, sys
e = json.load(open(sys.argv[1], encoding="utf-8"))[0]
assert e["principal"] == "tanaka" and e["principal_name"] == "田中 花子", e
PY
expect_exit 0 "$ITAKU" form render "$R1" --format md
expect_output "担当者 \| 田中 花子 \(tanaka\)"
expect_exit 0 "$ITAKU" who
expect_output "tanaka \(田中 花子\)"
expect_exit 0 "$ITAKU" history "$R1"
expect_output "acme/tanaka \(田中 花子\)"
expect_exit 0 "$ITAKU" report --html "$T/site1" --at 2099-12-31
grep -rq "田中 花子 (tanaka)" "$T/site1" || fail "the report does not show 田中 花子"
ok "log, log --json, the form page, who, history and the report show 田中 花子 beside tanaka"

# rename: a signed key event; new papers show the new name, old ones the old
expect_exit 0 "$ITAKU" key rename --principal tanaka --name "田中 はな" --key "$T/tanaka.key"
EVENT=$(git show --format= --name-only HEAD)
python3 - "$EVENT" "$TANAKA_FPR" <<'PY' || fail "the rename is not an attributes key event"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
assert r["schema"] == "key-event.v2", r
assert r["body"] == {"event": "attributes", "key": sys.argv[2], "principal": "tanaka",
                     "attributes": {"name": "田中 はな"}}, r
PY
R2=$(register_item 2 | "$ITAKU" record add register - --key "$T/tanaka.key")
expect_exit 0 "$ITAKU" form render "$R2" --format md
expect_output "担当者 \| 田中 はな \(tanaka\)"
expect_exit 0 "$ITAKU" form render "$R1" --format md
expect_output "担当者 \| 田中 花子 \(tanaka\)"
grep -q "田中 はな" "$T/out" && fail "the earlier form shows the later name"
expect_exit 0 "$ITAKU" log
expect_output "tanaka \(田中 はな\)"
expect_output "tanaka \(田中 花子\)"
expect_exit 0 "$ITAKU" report --html "$T/site2" --at 2099-12-31
grep -rq "田中 はな (tanaka)" "$T/site2" || fail "the report does not show the new name"
grep -rq "田中 花子 (tanaka)" "$T/site2" || fail "the report lost the name of the earlier commits"
expect_exit 0 "$ITAKU" verify
ok "key rename: $R2 shows 田中 はな, $R1 re-rendered still shows 田中 花子; verify passes"

# refused writes: a name with a direction override, a person the party lacks
expect_refused "text-direction" "$ITAKU" key rename --principal tanaka \
    --name "$(printf '田中\xe2\x80\xae花子')"
expect_refused "control" "$ITAKU" key rename --principal tanaka --name "$(printf '田中\033[31m')"
expect_refused "no active key of a person 'suzuki'" "$ITAKU" key rename --principal suzuki \
    --name "鈴木"
ok "key rename refuses a name with control or text-direction characters and an unknown person"

# Another party renames my principal: the city, in its own key events,
# names tanaka's key (stock git, signed by the city's key) → V2; the twin,
# the same event by acme in acme's key events, passes.
scratch acme
cd "$T/acme-x"
ev=parties/akiruno-city/key-events/k-000001.json
body="{\"attributes\": {\"name\": \"偽 名\"}, \"event\": \"attributes\", \"key\": \"$TANAKA_FPR\", \"principal\": \"tanaka\"}"
write_record "$ev" "$body" '{"schema": "key-event.v2"}'
bad=$(forge . "Record the name of acme/tanaka" "$T/city.key" akiruno-city officer key-attributes "$ev")
expect_rejected "$bad" V2 "$ev"
expect_output "only acme, the key's own party"
scratch acme
cd "$T/acme-x"
ev=parties/acme/key-events/k-000002.json
write_record "$ev" "$body" '{"schema": "key-event.v2"}'
good=$(forge . "Record the name of acme/tanaka" "$T/acme.key" acme manager key-attributes "$ev")
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" log -n 1
expect_output "manager.*key-attributes"
expect_exit 0 "$ITAKU" who
expect_output "tanaka \(偽 名\)"
ok "another party's rename of tanaka is refused (V2); the same event by acme passes"

# A name with a direction override written with stock git: V10; twin above.
scratch acme
cd "$T/acme-x"
ev=parties/acme/key-events/k-000002.json
write_record "$ev" "{\"attributes\": {\"name\": \"$(printf '田中\xe2\x80\xae花子')\"}, \"event\": \"attributes\", \"key\": \"$TANAKA_FPR\", \"principal\": \"tanaka\"}" \
    '{"schema": "key-event.v2"}'
bad=$(forge . "Record the name of acme/tanaka" "$T/acme.key" acme manager key-attributes "$ev")
expect_rejected "$bad" V10 "$ev"
expect_output "text-direction"
ok "a name with U+202E written with stock git is refused (V10)"

# allowed-signers keeps the ASCII principal
cd "$T/acme"
expect_exit 0 "$ITAKU" export allowed-signers "$T/allowed"
grep -q "^acme/tanaka " "$T/allowed" || fail "allowed-signers lacks acme/tanaka"
LC_ALL=C grep -q $'[\x80-\xff]' "$T/allowed" && fail "allowed-signers holds non-ASCII text"
ok "export allowed-signers keeps the ASCII principal acme/tanaka, no names"
# init and party add name the first key's person (--principal-name)
"$ITAKU" key generate "$T/city2.key" >/dev/null
"$ITAKU" key generate "$T/beta.key" >/dev/null
expect_exit 0 "$ITAKU" init "$T/city2" --contract C-2 --title "名前の確認" --city akiruno-city \
    --name "あきる野市" --key "$T/city2.key" --principal-name "山田 太郎" \
    --start "$(day -1)" --end "$(day 119)"
cd "$T/city2"
git config itaku.signingKey "$T/city2.key"
expect_exit 0 "$ITAKU" party add beta --role contractor --name "株式会社ベータ" \
    --pubkey "$T/beta.key.pub" --principal-name "鈴木 一郎"
expect_exit 0 "$ITAKU" who
expect_output "officer \(山田 太郎\)"
expect_output "manager \(鈴木 一郎\)"
expect_exit 0 "$ITAKU" log --json
python3 - "$T/out" <<'PY' || fail "log --json does not name the city's officer"
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
assert all(e["principal"] == "officer" and e["principal_name"] == "山田 太郎" for e in log), log
PY
ok "init and party add --principal-name record the first keys' people by name"
finish

