#!/usr/bin/env bash
# Issue 2, "what it must withstand" (records): record files committed by the
# contractor with stock git, its own key and truthful trailers, whose bytes
# are not canonical, whose JSON has duplicate keys or floats, whose envelope
# disagrees with the path, or whose path is not in the layout. itaku verify
# must refuse each (exit 1, V10), naming the commit and the path.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
base=$(git rev-parse HEAD)
entry=parties/acme/register/r-000001.json
mkdir -p parties/acme/register
write_record "$entry" "$(register_body)"
cp "$entry" "$T/canonical.json"
git add -A
stock_commit . "$T/acme.key" "Entry by hand

$(trailers acme manager submit "$entry")"
expect_exit 0 "$ITAKU" verify
git reset -q --hard "$base"
mkdir -p parties/acme/register
ok "a canonical record committed with stock git verifies"

# refuse PATH WHY PATTERN: commits PATH (already written) as acme with
# truthful trailers; verify must refuse it with V10 on PATH and say PATTERN.
refuse() {
    git add -A
    stock_commit . "$T/acme.key" "$2

$(trailers acme manager submit "$1")"
    expect_rejected "$(git rev-parse HEAD)" V10 "$1"
    expect_output "$3"
    git reset -q --hard "$base"
    git clean -qfd
    mkdir -p parties/acme/register
}

# Not canonical: the same record, written another way.
canon() {
    python3 - "$T/canonical.json" "$1" >"$entry" <<'PY'
import json, sys
rec, how = json.load(open(sys.argv[1])), sys.argv[2]
if how == "unsorted":
    rec = dict(reversed(list(rec.items())))
text = json.dumps(rec, indent=4 if how == "indent4" else 2, ensure_ascii=how == "escaped")
sys.stdout.write(text if how == "no-newline" else text + "\n")
PY
}
canon unsorted
refuse "$entry" "Unsorted keys" "not in canonical form"
canon indent4
refuse "$entry" "Four-space indent" "not in canonical form"
canon no-newline
refuse "$entry" "No final newline" "not in canonical form"
canon escaped
grep -q '\\u4f4f' "$entry" || fail "the Japanese text is not \\u-escaped"
refuse "$entry" "Escaped Japanese" "not in canonical form"
ok "records with unsorted keys, a 4-space indent, no final newline or \\u-escaped Japanese are refused (V10)"

sed 's/^  "body": {$/  "body": {\n    "action": "disposed",/' "$T/canonical.json" >"$entry"
[ "$(grep -c '"action"' "$entry")" = 2 ] || fail "no duplicate key was written"
refuse "$entry" "Duplicate key" "duplicate"
write_record "$entry" "$(register_body | sed 's/"value": 1}/"value": 1.5}/')"
grep -q '"value": 1.5' "$entry" || fail "no float was written"
refuse "$entry" "A float" "numbers must be integers"
ok "records with a duplicate key or a float number are refused (V10)"

write_record "$entry" "$(register_body)" '{"party": "akiruno-city"}'
refuse "$entry" "Envelope names the city" "envelope says .*party 'akiruno-city'.*disagrees with its path"
write_record "$entry" "$(register_body)" '{"id": "r-000002"}'
refuse "$entry" "Envelope names another id" "envelope says .*id 'r-000002'.*disagrees with its path"
write_record "$entry" "$(register_body)" '{"type": "incident", "schema": "incident.v1"}'
refuse "$entry" "Envelope names another type" "envelope says type 'incident'.*disagrees with its path"
ok "records whose envelope disagrees with the path (party, id, type) are refused (V10)"

write_record parties/acme/forms/form1/f1-1.json '{"filing_type": "new"}'
refuse parties/acme/forms/form1/f1-1.json "Short id" "not a path a registry may hold"
write_record parties/acme/forms/form9/x.json '{"filing_type": "new"}'
refuse parties/acme/forms/form9/x.json "Form 9" "not a path a registry may hold"
ok "a record id like f1-1 and a path outside the layout (forms/form9/x.json) are refused (V10)"

expect_exit 0 "$ITAKU" verify
finish
