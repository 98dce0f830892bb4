#!/usr/bin/env bash
# Status follows the latest (issue 16, point 3): a party corrects its own
# register entry or incident report with --supersedes; the city's status and
# the party's own (text, --json, Japanese) judge the correction only: the
# superseded entry's method is no violation, its item is to be returned once,
# the superseded first report asks no final report. Worked out from the
# cache of the commit before the correction arrived and from nothing alike.
# And one normaliser for methods (point 2): an entry recorded as the code
# hand-delivery is handed over by a designated method when the contract
# designates its label 手渡し; an undesignated one is named as recorded.
. "$(dirname "$0")/lib.sh"
AT="$(day 44)T12:00:00+09:00"

setup_city_and_contractor
cd "$T/city"
expect_exit 0 "$ITAKU" contract amend --handover-method 手渡し --handover-method encrypted-usb \
    --reason "受渡方法を和名で指定"
cd "$T/acme"
expect_exit 0 "$ITAKU" pull "$T/city"
reg() { "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --action received --occurred-at "$(day 3)T10:00:00+09:00" "$@"; }
expect_refused "not one the contract designates" reg --item-id M-7881 --method 手渡
expect_exit 0 reg --item-id M-7881 --method 手渡 --undesignated-method --reason "記録のとおり"
expect_exit 0 reg --item-id M-2 --method hand-delivery
grep -q "warning" "$T/err" && fail "hand-delivery (手渡し) was warned about: $(cat "$T/err")"
expect_exit 0 reg --item-id M-3 --method courier --undesignated-method --reason "宅配便で受領"
python3 - "$SRC/tests/schema-corpus/incident/valid/base.json" "$T/i1.json" "$(day 4)" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["discovered_at"] = sys.argv[3] + "T09:30:00+09:00"
b["submitted_on"] = sys.argv[3]
json.dump(b, open(sys.argv[2], "w"), ensure_ascii=False)
b["summary"] = "USBメモリの所在不明（訂正）"
json.dump(b, open(sys.argv[2].replace("i1", "i2"), "w"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" incident report "$T/i1.json"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
# the city's status before the corrections: this fills the cache
XDG_CACHE_HOME=$T/warm "$ITAKU" status --party acme --json --at "$AT" >"$T/before.json" 2>"$T/err" || true
has '"acme/r-000001"' <"$T/before.json" || fail "the entry to correct is not judged: $(cat "$T/before.json")"
has '"acme/i-000001"' <"$T/before.json" || fail "the report to correct is not judged"

# acme corrects both; the city receives the corrections
cd "$T/acme"
expect_exit 0 reg --item-id M-7881 --method 手渡し --supersedes r-000001
[ "$(tail -1 "$T/out")" = r-000004 ] || fail "the correction is $(cat "$T/out")"
expect_exit 0 "$ITAKU" incident report "$T/i2.json" --supersedes i-000001
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
expect_exit 0 "$ITAKU" history acme/r-000001
expect_output "superseded by acme/r-000004"

check() { # check JSON WHERE
    python3 - "$1" "$2" <<'PY' || fail "$2: status judges a superseded record: $(cat "$1")"
import json, sys
s = json.load(open(sys.argv[1]))
f = s["findings"]
text = json.dumps(s, ensure_ascii=False)
for old in ("acme/r-000001", "acme/i-000001"):
    assert old not in text, old + " is still judged"
h = {x["record"]: x["state"] for x in f if x["rule"] == "handover_designated_method"}
assert h == {"acme/r-000002": "ok", "acme/r-000003": "violated", "acme/r-000004": "ok"}, h
v = [x for x in f if x["rule"] == "handover_designated_method" and x["state"] == "violated"]
assert "'courier'" in v[0]["detail"], v
items = [x for x in f if x["rule"] == "items_returned_or_disposed_at_end" and "M-7881" in x["detail"]]
assert len(items) == 1 and items[0]["record"] == "acme/r-000004", items
fin = [x for x in f if x["rule"] == "incident_followed_up"]
assert [x["record"] for x in fin] == ["acme/i-000002"], fin
first = [x for x in f if x["rule"] == "incident_first_report_within"]
assert [x["record"] for x in first] == ["acme/i-000002"], first
PY
}
# from the cache of the commit before, then from nothing: the same
XDG_CACHE_HOME=$T/warm "$ITAKU" status --party acme --json --at "$AT" >"$T/warm.json" 2>"$T/err" || true
check "$T/warm.json" "the city, cached"
XDG_CACHE_HOME=$T/cold "$ITAKU" status --party acme --json --at "$AT" >"$T/cold.json" 2>"$T/err" || true
check "$T/cold.json" "the city, cold"
cmp -s "$T/warm.json" "$T/cold.json" || fail "cached and cold status differ: $(diff "$T/warm.json" "$T/cold.json")"
ok "the city's status judges the corrections only (--json), cached and cold alike"

# again at the same HEAD: what the first run found, read back (findings.cache),
# for the party asked and for everybody, is what a cold run finds
ls "$T"/warm/itaku/*/findings.cache >/dev/null 2>&1 || fail "status kept no findings.cache"
XDG_CACHE_HOME=$T/warm "$ITAKU" status --party acme --json --at "$AT" >"$T/again.json" 2>"$T/err" || true
cmp -s "$T/again.json" "$T/cold.json" || fail "status from its findings differs from cold: $(diff "$T/again.json" "$T/cold.json")"
XDG_CACHE_HOME=$T/warm "$ITAKU" status --at "$AT" >"$T/all-warm.txt" 2>"$T/err" || true
XDG_CACHE_HOME=$T/cold-all "$ITAKU" status --at "$AT" >"$T/all-cold.txt" 2>"$T/err" || true
[ -s "$T/all-cold.txt" ] || fail "status printed nothing: $(cat "$T/err")"
cmp -s "$T/all-warm.txt" "$T/all-cold.txt" || fail "status of everybody from the findings differs from cold: $(diff "$T/all-warm.txt" "$T/all-cold.txt")"
ok "status again at the same HEAD reads what the first found: the same as cold, any party"

# the text the officer reads, in Japanese
LANG=ja_JP.UTF-8 LC_ALL=ja_JP.UTF-8 python3 - "$T/cold.json" <<'PY' || fail "--json does not name the method as recorded: $(cat "$T/cold.json")"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["record"] == "acme/r-000003"
     and x["rule"] == "handover_designated_method"]
assert f[0]["detail"].startswith("received by 'courier', not a method the contract designates"), f
PY
ok "status in Japanese and English: the method as recorded, M-7881 once, nothing superseded"

# acme's own status says the same
cd "$T/acme"
"$ITAKU" status --json --at "$AT" >"$T/own.json" 2>"$T/err" || true
check "$T/own.json" "acme's own"
ok "acme's own status judges its corrections only"

# a final report citing the version corrected follows up the correction
python3 - "$SRC/tests/schema-corpus/incident/valid/final.json" "$T/f.json" "$(day 4)" "$(day 18)" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["discovered_at"] = sys.argv[3] + "T09:30:00+09:00"
b["submitted_on"] = sys.argv[4]
json.dump(b, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" incident report "$T/f.json"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
XDG_CACHE_HOME=$T/warm "$ITAKU" status --party acme --json --at "$AT" >"$T/out" 2>"$T/err" || true
python3 - "$T/out" <<'PY' || fail "the final report does not follow up the correction: $(cat "$T/out")"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["rule"] == "incident_followed_up"]
assert [(x["record"], x["state"]) for x in f] == [("acme/i-000003", "ok")], f
PY
ok "a final report citing the corrected first report follows up its correction"
finish
