#!/usr/bin/env bash
# Issue 10, point 2: schemas are part of verify (V10). A record committed
# with stock git whose body its schema refuses, or whose envelope names a
# schema version the commit's tree does not hold, is refused by verify, by
# the city's receive and by a hosted registry's hook, and status does not
# count it. The same entry with every field passes all of them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

setup_city_and_contractor
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
add_entry 1
base=$(git rev-parse HEAD)
entry=parties/acme/register/r-000002.json

# findings_for_item1: status at the contract's end, as JSON, in the cwd
status_end() {
    set +e
    "$ITAKU" status --json --at "$(day 120)" >"$T/status.json" 2>"$T/err"
    set -e
    python3 - "$T/status.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for f in r["findings"]:
    if f["rule"] == "items_returned_or_disposed_at_end":
        print(f["state"], f["record"])
PY
}
[ "$(status_end)" = "violated acme/r-000001" ] || fail "item-1 is not open at the end: $(status_end)"

# disposal BODY-EXTRA: the register entry disposing of item-1 on day 108 (all fields
# its schema requires, then the changes python applies to it)
disposal() {
    python3 - "$1" "$(day 108)" <<'PY'
import json, sys
body = {"action": "disposed", "handler": "鈴木一郎", "info_name": "住民記録データ",
        "item_id": "item-1", "medium": "usb", "occurred_at": sys.argv[2] + "T10:00:00+09:00",
        "quantity": {"unit": "本", "value": 1}, "method": "shredding"}
exec(sys.argv[1])
print(json.dumps(body, ensure_ascii=False))
PY
}

# the hostile entry: "disposed", lacking the fields its schema requires
write_record "$entry" "$(disposal 'for k in ("handler", "medium", "occurred_at", "quantity"): del body[k]')"
bad=$(forge . "Disposed of item-1" "$T/acme.key" acme manager submit "$entry")
expect_rejected "$bad" V10 "$entry"
expect_output "does not match schema register.v1"
expect_output "handler is required"
expect_output "occurred_at is required"
ok "a register entry lacking required fields, committed with stock git, is refused by verify (V10)"

[ "$(status_end)" = "violated acme/r-000001" ] ||
    fail "status counts the refused disposal: $(status_end)"
ok "status does not count a record of a commit verify refuses (item-1 stays open)"

before=$(state_of "$T/city")
(cd "$T/city" && expect_taken_refused "$bad" V10 "$ITAKU" receive acme "$T/acme")
[ "$(state_of "$T/city")" = "$before" ] || fail "a refused receive changed the city's registry"
ok "the city's receive refuses the line holding it, naming the commit and V10; refs unchanged"

HUB=$T/hub
expect_exit 0 "$ITAKU" server init "$HUB" --city-key "$CITY_FPR" --genesis "$GENESIS"
hub_refs() { git -C "$HUB" for-each-ref --format='%(refname) %(objectname)'; }
(cd "$T/city" && ITAKU_PARTY=akiruno-city git push -q "$HUB" main:main)
hub_before=$(hub_refs)
expect_exit 1 env ITAKU_PARTY=acme git push "$HUB" main:refs/heads/parties/acme/main
expect_output "commit ${bad:0:12} breaks V10"
[ "$(hub_refs)" = "$hub_before" ] || fail "a refused push changed the hub"
ok "a hosted registry's hook refuses it (V10), the hub's refs unchanged"

# a schema version the tree does not hold
git reset -q --hard "$base"
write_record "$entry" "$(disposal '')" '{"schema": "register.v9"}'
v9=$(forge . "Disposed of item-1 (v9)" "$T/acme.key" acme manager submit "$entry")
expect_rejected "$v9" V10 "$entry"
expect_output "names schema register.v9, but this commit's tree holds no schemas/register.v9.schema.json"
[ "$(status_end)" = "violated acme/r-000001" ] || fail "status counts the v9 disposal: $(status_end)"
ok "a record naming a schema version absent from its commit's tree is refused (V10)"

# the legitimate twin: the same entry with every field, by stock git
git reset -q --hard "$base"
write_record "$entry" "$(disposal '')"
good=$(forge . "Disposed of item-1" "$T/acme.key" acme manager submit "$entry")
expect_exit 0 "$ITAKU" verify
[ "$(status_end)" = "ok acme/r-000002" ] || fail "status does not count the valid disposal: $(status_end)"
expect_exit 0 env ITAKU_PARTY=acme git push "$HUB" main:refs/heads/parties/acme/main
(cd "$T/city" && expect_exit 0 "$ITAKU" receive acme "$T/acme" && expect_exit 0 "$ITAKU" verify)
[ "$(git -C "$T/city" rev-parse 'HEAD^2')" = "$good" ] || fail "the city did not receive the entry"
ok "the same entry with every field passes verify, the hook and receive, and status counts it"

# a merge inherits the verdict of the commits it brings in: the city's
# receipt of the valid entry verifies without the entry being its own
(cd "$T/city" && expect_exit 0 "$ITAKU" verify --full)
ok "the receipt merge bringing in already-verified records verifies (verify --full)"

# the schema is the one the commit's own tree holds, not the one built into
# itaku: the city publishes register.v$NV, which also requires a note; an
# entry naming v2 without one is refused though v1 would take it
# (v$NV: one more than the newest register version this itaku carries)
NV=$(($(ls "$SRC"/registry-template/schemas/register.v*.schema.json | wc -l) + 1))
N3=$((NV + 1))
cd "$T/city"
git show HEAD:schemas/register.v1.schema.json | python3 -c '
import json, sys
s = json.load(sys.stdin)
s["$id"] = "urn:itaku:schema:register:v'$NV'"
s["required"].append("note")
print(json.dumps(s, ensure_ascii=False, indent=2))' >schemas/register.v$NV.schema.json
git add schemas/register.v$NV.schema.json
stock_commit . "$T/city.key" "Register entries carry a note

$(trailers akiruno-city officer contract-update schemas/register.v$NV.schema.json | grep -v Itaku-Record)"
expect_exit 0 "$ITAKU" verify
cd "$T/acme"
expect_exit 0 "$ITAKU" pull
base=$(git rev-parse HEAD)
entry=parties/acme/register/r-000003.json
write_record "$entry" "$(register_body received)" "{\"schema\": \"register.v$NV\"}"
nonote=$(forge . "Entry without a note" "$T/acme.key" acme manager submit "$entry")
expect_rejected "$nonote" V10 "$entry"
expect_output "does not match schema register.v$NV.*note is required"
git reset -q --hard "$base"
write_record "$entry" "$(register_body received | sed 's/}$/, "note": "v2"}/')"  "{\"schema\": \"register.v$NV\"}"
forge . "Entry with a note" "$T/acme.key" acme manager submit "$entry" >/dev/null
expect_exit 0 "$ITAKU" verify
ok "a record is checked against the schema version of its commit's tree (v2 requires a note; v1 does not)"

# a schema the commit's tree holds but that cannot be used: every record
# naming it is refused, saying why
cd "$T/city"
echo '{"type": "object", "if": {"required": ["x"]}}' >schemas/register.v$N3.schema.json
git add schemas/register.v$N3.schema.json
stock_commit . "$T/city.key" "A schema itaku cannot apply

$(trailers akiruno-city officer contract-update schemas/register.v$N3.schema.json | grep -v Itaku-Record)"
cd "$T/acme"
expect_exit 0 "$ITAKU" pull
entry=parties/acme/register/r-000004.json
write_record "$entry" "$(register_body received)" "{\"schema\": \"register.v$N3\"}"
v3=$(forge . "Entry naming v3" "$T/acme.key" acme manager submit "$entry")
expect_rejected "$v3" V10 "$entry"
expect_output "schemas/register.v$N3.schema.json is unusable: .*if"
ok "a record naming a schema that cannot be applied is refused, saying why"

finish
