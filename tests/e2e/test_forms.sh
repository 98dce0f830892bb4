#!/usr/bin/env bash
# Issue 3, the form commands as a contractor uses them: `form new` prints a
# fill-in template for forms 1-6 and the incident report that parses once
# filled (// notes included); `form submit`, `register add` (flags or
# --file), `incident report` record what was given byte for byte; a form 1
# change supersedes the form in force; `register export --csv` opens in a
# spreadsheet. Bad input, and a registry whose schema is missing or broken,
# exit 2, say which field or file and why, and write nothing.
. "$(dirname "$0")/lib.sh"

C=$SRC/tests/schema-corpus
SCHEMAS=$SRC/registry-template/schemas
setup_city_and_contractor
cd "$T/acme"
ok "set up: the contractor's clone"

# --- form new: every top-level field with its Japanese title -------------
declare -A TYPE=([1]=form1 [2]=form2 [3]=register [4]=form4 [5]=form5 [6]=form6 [incident]=incident)
for n in 1 2 3 4 5 6 incident; do
    expect_exit 0 "$ITAKU" form new "$n"
    cp "$T/out" "$T/tpl-$n.jsonc"
    python3 - "$T/tpl-$n.jsonc" "$SCHEMAS/${TYPE[$n]}.v1.schema.json" "$n" <<'PY' || fail "form new $n"
import json, re, sys
tpl, schema, n = open(sys.argv[1], encoding="utf-8").read(), json.load(open(sys.argv[2])), sys.argv[3]
lines = tpl.split("\n")
assert lines[0].startswith("// "), lines[0]
assert f"itaku form submit {n} FILE" in tpl
if n == "1":
    assert lines[0] == "// 参考様式第1号 重要指定情報管理体制（新規・変更）届出書", lines[0]
for key, prop in schema["properties"].items():
    at = [i for i, l in enumerate(lines) if l == f'  "{key}": ' + l.split(": ", 1)[-1]]
    assert at, f"{key} is not in the template"
    note = lines[at[0] - 1]
    title = prop.get("title") or schema["$defs"][prop["$ref"].split("/")[-1]]["title"]
    assert note.startswith(f"  // {title} "), (key, note)
    want = "【必須 required】" if key in schema.get("required", []) else "(任意 optional)"
    assert want in note, (key, note)
    for choice in prop.get("enum", []):
        assert choice in note, (key, choice, note)
# the template's JSON, notes removed, parses
json.loads("\n".join(l for l in lines if not l.lstrip().startswith("//")))
assert "\\u" not in tpl
PY
done
# Outside any registry the built-in schemas give the same template.
(cd "$T/home" && "$ITAKU" form new 1 >"$T/tpl-builtin.jsonc")
cmp -s "$T/tpl-builtin.jsonc" "$T/tpl-1.jsonc" || fail "form new 1 differs outside a registry"
expect_exit 2 "$ITAKU" form new 7
expect_output "'7' is not a form: use 1, 2, 3, 4, 5, 6 or incident"
ok "form new 1-6 and incident print every top-level field with its Japanese title, required mark and choices"

# fill TEMPLATE BODY OUT: the template filled with BODY's values, keeping the
# template's // notes (header and one per field) and adding trailing ones.
# Optional fields BODY lacks are deleted, as the template tells people to.
fill() {
    python3 - "$@" <<'PY'
import json, sys
tpl, body, out = sys.argv[1:]
lines = open(tpl, encoding="utf-8").read().rstrip("\n").split("\n")
body = json.load(open(body, encoding="utf-8"))
start = lines.index("{")
head, fields, notes, cur = lines[:start], {}, [], None
for l in lines[start + 1:-1]:
    if l.startswith("  //"):
        notes.append(l)
    elif l.startswith('  "'):
        cur = json.loads(l.split(":", 1)[0])
        fields[cur] = notes
        notes = []
assert lines[-1] == "}", lines[-1]
missing = set(body) - set(fields)
assert not missing, f"the template offers no place for {missing}"
res = head + ["{"]
keys = [k for k in fields if k in body]
for i, k in enumerate(keys):
    res += fields[k]
    v = json.dumps(body[k], ensure_ascii=False, indent=2).replace("\n", "\n  ")
    res.append(f'  "{k}": {v}{"," if i < len(keys) - 1 else ""} // 記入済み')
res += ["}", "// 以上"]
open(out, "w", encoding="utf-8").write("\n".join(res) + "\n")
PY
}

# --- form 1: a change needs a form 1 in force, and supersedes it ----------
expect_refused "change notification \(filing_type change\) replaces the form 1 in force, and acme has none yet" \
    "$ITAKU" form submit 1 "$C/form1/valid/change-filing.json"
ok "a form 1 change with no form 1 filed is refused"

# A value holding // survives the comment stripper.
python3 - "$FORM1_BODY" "$T/form1.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
b["safeguards"] = "手順書 https://example.jp//manual を参照 // コメントではない"
b["manager"]["name"] = "髙橋 \"ハル\" 𠮷野"
json.dump(b, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
declare -A BODY=([1]=$T/form1.json [2]=$C/form2/valid/base.json [3]=$REGISTER_BODY
    [4]=$C/form4/valid/base.json [5]=$C/form5/valid/base.json [6]=$C/form6/valid/base.json
    [incident]=$C/incident/valid/base.json)
declare -A ID
for n in 1 2 3 4 5 incident; do
    fill "$T/tpl-$n.jsonc" "${BODY[$n]}" "$T/filled-$n.jsonc" || fail "cannot fill template $n"
    grep -q '^  // ' "$T/filled-$n.jsonc" || fail "the filled template $n lost its notes"
    # the corpus's form 4 answers an instruction this registry does not hold
    extra=()
    [ "$n" = 4 ] && extra=(--unverified-ref --reason "コーパスの指示")
    expect_exit 0 "$ITAKU" form submit "$n" "$T/filled-$n.jsonc" "${extra[@]}"
    ID[$n]=$(cat "$T/out")
    path=$(awk '/^Recorded/ {print $2}' "$T/err")
    python3 - "$path" "${BODY[$n]}" "${TYPE[$n]}" "$SCHEMAS" <<'PY' || fail "form $n: the stored body differs"
import glob, json, re, sys
rec, body = json.load(open(sys.argv[1], encoding="utf-8")), json.load(open(sys.argv[2], encoding="utf-8"))
assert rec["body"] == body, (rec["body"], body)
# the newest version this itaku carries (a fresh registry holds them all)
newest = max(int(re.search(r"\.v(\d+)\.schema\.json$", p).group(1))
             for p in glob.glob(f"{sys.argv[4]}/{sys.argv[3]}.v*.schema.json"))
assert rec["type"] == sys.argv[3] and rec["schema"] == f"{sys.argv[3]}.v{newest}", rec
assert "supersedes" not in rec
PY
done
# Form 6 is a request (the next issue); its filled template still validates.
fill "$T/tpl-6.jsonc" "${BODY[6]}" "$T/filled-6.jsonc"
grep -v '^ *//' "$T/filled-6.jsonc" | sed 's| // 記入済み$||' >"$T/filled-6.json"
expect_exit 0 "$ITAKU" validate form6 "$T/filled-6.json"
[ "${ID[1]}" = f1-000001 ] || fail "the first form 1 is ${ID[1]}"
ok "templates filled from the valid corpus (notes kept) are recorded for 1-5 and incident; body equals input"

expect_exit 0 "$ITAKU" form submit 1 "$C/form1/valid/change-filing.json"
F1B=$(cat "$T/out")
expect_exit 0 "$ITAKU" form submit 1 "$C/form1/valid/change-filing.json"
F1C=$(cat "$T/out")
python3 - parties/acme/forms/form1 "$F1B" "$F1C" <<'PY' || fail "a form 1 change does not supersede the form in force"
import json, sys
d, b, c = sys.argv[1:]
rb, rc = (json.load(open(f"{d}/{i}.json", encoding="utf-8")) for i in (b, c))
assert rb["supersedes"] == "f1-000001", rb.get("supersedes")
assert rc["supersedes"] == b, rc.get("supersedes")
assert rb["body"]["filing_type"] == "change"
PY
expect_refused "--supersedes f1-000042: acme has no form1 record of that id \(closest: f1-000002, f1-000001, f1-000003\)" \
    "$ITAKU" form submit 1 "$C/form1/valid/change-filing.json" --supersedes f1-000042
ok "a form 1 change supersedes the form in force ($F1B → f1-000001, $F1C → $F1B)"

# --- register add: flags, --file, and every missing flag at once ---------
expect_exit 0 "$ITAKU" register add --action received --item-id item-0100 \
    --info '住民記録データ "抽出", 第2版' --medium usb --quantity 3 --unit 本 \
    --handler '鈴木 一郎' --occurred-at 2026-11-02T10:00:00+09:00 --method hand-delivery \
    --from 'あきる野市 情報政策課' --to '株式会社アクメ' --verifier '佐藤 花子' \
    --note '受領時に封印を確認 <済> & 記録'
R1=$(cat "$T/out")
expect_exit 0 "$ITAKU" record show "$R1"
python3 - "$T/out" <<'PY' || fail "register add: the record's body is not what was given"
import json, sys
rec = json.load(open(sys.argv[1], encoding="utf-8"))
want = {"action": "received", "item_id": "item-0100", "info_name": "住民記録データ \"抽出\", 第2版",
        "medium": "usb", "quantity": {"value": 3, "unit": "本"}, "handler": "鈴木 一郎",
        "occurred_at": "2026-11-02T10:00:00+09:00", "method": "hand-delivery",
        "from": "あきる野市 情報政策課", "to": "株式会社アクメ", "verifier": "佐藤 花子",
        "note": "受領時に封印を確認 <済> & 記録"}
assert rec["body"] == want, rec["body"]
assert rec["type"] == "register" and rec["party"] == "acme", rec
PY
# Without --occurred-at the entry is dated now, in the contract's zone (a
# return of the item received above: one received later is not held yet).
expect_exit 0 "$ITAKU" register add --action returned --item-id item-0100 --to 'あきる野市' \
    --info '住民記録データ' --medium usb --quantity 3 --unit 本 --handler '鈴木 一郎'
R2=$(cat "$T/out")
expect_exit 0 "$ITAKU" record show "$R2"
python3 - "$T/out" <<'PY' || fail "register add without --occurred-at"
import json, re, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))["body"]
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", b["occurred_at"]), b
assert b["quantity"] == {"value": 3, "unit": "本"} and b["to"] == "あきる野市", b
PY
register_item 0102 >"$T/r.json"
expect_exit 0 "$ITAKU" register add --file "$T/r.json"
R3=$(cat "$T/out")
expect_exit 0 "$ITAKU" record show "$R3"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["body"] == json.load(open(sys.argv[2]))' \
    "$T/out" "$T/r.json" || fail "register add --file: body differs"
register_item 0103 | expect_exit 0 "$ITAKU" register add --file -
expect_refused "register: item_id is required \(--item-id\)" \
    "$ITAKU" register add --action received --medium usb
for f in "info_name is required \(--info\)" "quantity is required \(--quantity\)" \
    "handler is required \(--handler\)"; do
    expect_output "register: $f"
done
grep -q "action is required" "$T/err" && fail "a given flag was reported missing"
expect_refused "--file replaces the other fields" "$ITAKU" register add --file "$T/r.json" --action received
expect_refused "--quantity takes a whole number" "$ITAKU" register add --action received \
    --item-id item-9 --info x --medium usb --quantity 三 --handler h
ok "register add records flags and --file as given; missing flags are all listed at once"

# --- incident report ------------------------------------------------------
expect_exit 0 "$ITAKU" incident report "$C/incident/valid/base.json"
I1=$(cat "$T/out")
expect_exit 0 "$ITAKU" incident report "$C/incident/valid/follow-up.json" --supersedes "$I1"
I2=$(cat "$T/out")
python3 - parties/acme/incidents "$I1" "$I2" "$C/incident/valid" <<'PY' || fail "incident report"
import json, sys
d, a, b, c = sys.argv[1:]
ra, rb = (json.load(open(f"{d}/{i}.json", encoding="utf-8")) for i in (a, b))
assert ra["body"] == json.load(open(f"{c}/base.json", encoding="utf-8"))
assert rb["body"] == json.load(open(f"{c}/follow-up.json", encoding="utf-8"))
assert rb["supersedes"] == a and ra["type"] == "incident"
PY
expect_refused "incident: stage must be one of" "$ITAKU" incident report "$C/incident/invalid/bad-stage.json"
ok "incident report records first and follow-up reports ($I1, $I2 supersedes it)"

# --- register export --csv ------------------------------------------------
expect_exit 0 "$ITAKU" register export --csv
cp "$T/out" "$T/register.csv"
expect_exit 0 "$ITAKU" register export --csv -o "$T/register2.csv"
cmp -s "$T/register.csv" "$T/register2.csv" || fail "-o writes other bytes than stdout"
python3 - "$T/register.csv" "$R1" <<'PY' || fail "the CSV export"
import csv, io, re, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), raw[:8]
assert raw.endswith(b"\r\n")
assert raw.count(b"\n") == raw.count(b"\r\n"), "a line ends without CR"
assert "住民記録データ \"\"抽出\"\", 第2版".encode() in raw  # Japanese unescaped, quotes doubled
assert b"\\u" not in raw
rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
head, rows = rows[0], rows[1:]
assert head[:5] == ["事業者", "記録番号", "番号", "日時", "区分"], head
assert len(rows) == 5, rows
assert all(len(r) == len(head) for r in rows)
assert re.match(r'^"事業者","記録番号",', raw[3:].decode()), "header cells are not quoted"
by = {r[1]: dict(zip(head, r)) for r in rows}
r1 = by[sys.argv[2]]
assert r1["事業者"] == "acme" and r1["区分"] == "受領" and r1["管理番号"] == "item-0100", r1
assert r1["情報の名称"] == "住民記録データ \"抽出\", 第2版", r1
assert r1["数量"] == "3 本" and r1["備考"] == "受領時に封印を確認 <済> & 記録", r1
# the time as an officer reads it on the contract's clock (and Excel reads
# as a date and time), not the ISO text the record holds
assert r1["日時"] == "2026-11-02 10:00" and r1["確認者"] == "佐藤 花子", r1
assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r1["記録日時"]), r1
# a handover by a method the contract designates says so; one without a
# method says nothing
assert r1["指定方法による受渡し"] == "はい" and r1["受渡方法"] == "手渡し", r1
returned = [r for r in by.values() if r["区分"] == "返却"]
assert len(by) == 5 and len(returned) == 1, rows
assert returned[0]["指定方法による受渡し"] == "", returned
# 番号: each entry's place in its party's register, in the order written
ids = sorted(by)
assert [by[i]["番号"] for i in ids] == [str(k + 1) for k in range(len(ids))], [(i, by[i]["番号"]) for i in ids]
PY
ok "register export --csv: UTF-8 BOM, CRLF, quoted cells, Japanese unescaped, 5 rows in python's csv"

# without --csv (the only format) the same bytes
expect_exit 0 "$ITAKU" register export -o "$T/register4.csv"
cmp -s "$T/register.csv" "$T/register4.csv" || fail "register export without --csv writes other bytes"
ok "register export writes CSV without --csv"

# a value that a spreadsheet would run as a formula is exported as text
"$ITAKU" register add --action received --item-id item-f --info '=HYPERLINK("http://x","y")' \
    --medium usb --quantity 1 --handler "@鈴木" --method hand-delivery \
    --unverified-ref --reason "form 1 にない取扱者（CSV の確認）" >/dev/null 2>&1 ||
    fail "cannot record the entry with an @-handler"
"$ITAKU" register export --csv >"$T/register3.csv"
grep -q "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" "$T/register3.csv" || fail "a formula reached the CSV as a formula"
grep -q "\"'@鈴木\"" "$T/register3.csv" || fail "an @-cell reached the CSV unguarded"
ok "register export --csv: cells starting with = + - @ are exported as text, not formulas"

# a handover recorded on purpose by a method the contract does not designate
expect_exit 0 "$ITAKU" register add --action received --item-id item-u --info '住民記録データ' \
    --medium paper --quantity 1 --handler '鈴木 一郎' --method 'ファクス' \
    --undesignated-method --reason '回線障害のため'
U=$(cat "$T/out")
"$ITAKU" register export >"$T/register5.csv"
python3 - "$T/register5.csv" "$U" <<'PY' || fail "the CSV of an undesignated handover"
import csv, io, sys
rows = list(csv.DictReader(io.StringIO(open(sys.argv[1], "rb").read().decode("utf-8-sig"), newline="")))
u = [r for r in rows if r["記録番号"] == sys.argv[2]]
assert len(u) == 1 and u[0]["指定方法による受渡し"] == "いいえ", u
PY
ok "register export: 指定方法による受渡し is いいえ for a handover by a method not designated"

# --- what it must withstand: exit 2, the field and the rule, nothing written
python3 - "$FORM1_BODY" "$T" <<'PY'
import json, sys
base, t = json.load(open(sys.argv[1], encoding="utf-8")), sys.argv[2]
def case(name, edit):
    b = json.loads(json.dumps(base))
    edit(b)
    open(f"{t}/bad-{name}.json", "w", encoding="utf-8").write(json.dumps(b, ensure_ascii=False))
case("type-pledge", lambda b: b.__setitem__("pledge", "yes"))
case("type-phone", lambda b: b["manager"].__setitem__("phone", 42))
case("type-workers", lambda b: b.__setitem__("workers", {"name": "鈴木一郎"}))
case("missing", lambda b: (b["manager"].pop("phone"), b.pop("addressee")))
case("unknown", lambda b: b.__setitem__("home_address", "東京都"))
case("unknown-nested", lambda b: b["manager"].__setitem__("birth_date", "1980-01-01"))
case("feb30", lambda b: b.__setitem__("submitted_on", "2026-02-30"))
case("long", lambda b: b["manager"].__setitem__("name", "あ" * 201))
case("huge-string", lambda b: b.__setitem__("safeguards", "い" * 300000))
case("control", lambda b: b["manager"].__setitem__("name", "佐藤\u0007花子"))
case("nested-junk", lambda b: b.__setitem__("supervisors", [{"name": "佐藤", "x": json.loads("[" * 25 + "]" * 25)}]))
case("escape", lambda b: b["manager"].__setitem__("name", "佐藤\u001b[31m花子"))
PY
python3 -c 'print("{\"a\": " + "[" * 40 + "]" * 40 + "}")' >"$T/bad-deep.json"
printf '{"filing_type": "new",\n "pledge": true,\n "manager": ,\n}\n' >"$T/bad-syntax.json"
head -c 1100000 /dev/zero | tr '\0' ' ' >"$T/bad-big.json"
expect_refused "form1: pledge must be true" "$ITAKU" form submit 1 "$T/bad-type-pledge.json"
expect_refused "form1: manager.phone must be text" "$ITAKU" form submit 1 "$T/bad-type-phone.json"
expect_refused "form1: workers must be a list" "$ITAKU" form submit 1 "$T/bad-type-workers.json"
expect_refused "form1: manager.phone is required" "$ITAKU" form submit 1 "$T/bad-missing.json"
expect_output "form1: addressee is required"
expect_refused "form1: unknown field 'home_address'" "$ITAKU" form submit 1 "$T/bad-unknown.json"
expect_refused "form1: unknown field 'manager.birth_date'" "$ITAKU" form submit 1 "$T/bad-unknown-nested.json"
expect_refused "submitted_on: '2026-02-30' is not a date that itaku can read: 2026-02 has 28 days" "$ITAKU" form submit 1 "$T/bad-feb30.json"
expect_refused "form1: manager.name: at most 200 characters \(this has 201\)" "$ITAKU" form submit 1 "$T/bad-long.json"
expect_refused "form1: safeguards: at most [0-9]+ characters \(this has 300000\)" "$ITAKU" form submit 1 "$T/bad-huge-string.json"
expect_refused "The name in manager.name, '佐藤<U\+0007>花子', holds a line break or another control character \(U\+0007\)" "$ITAKU" form submit 1 "$T/bad-control.json"
expect_refused "The name in manager.name, '佐藤<U\+001B>\[31m花子', holds a line break or another control character \(U\+001B\)" "$ITAKU" form submit 1 "$T/bad-escape.json"
expect_refused "bad-deep.json: JSON is nested deeper than 32 levels" "$ITAKU" form submit 1 "$T/bad-deep.json"
expect_refused "form1: unknown field 'supervisors\[0\].x'" "$ITAKU" form submit 1 "$T/bad-nested-junk.json"
expect_refused "bad-syntax.json: invalid JSON at line 3" "$ITAKU" form submit 1 "$T/bad-syntax.json"
expect_refused "bad-big.json is larger than the limit of 1048576 bytes" "$ITAKU" form submit 1 "$T/bad-big.json"
for f in "$C"/form1/invalid/*.json; do
    expect_refused "form1: |is not a date that itaku can read" "$ITAKU" form submit 1 "$f"
done
expect_refused "occurred_at: '2026-02-30T10:00:00\+09:00' is not a date that itaku can read: 2026-02 has 28 days" \
    "$ITAKU" register add --action received --item-id item-9 --info x --medium usb --quantity 1 \
    --handler h --occurred-at 2026-02-30T10:00:00+09:00
expect_refused "returned_on: '2027-02-29' is not a date that itaku can read: 2027-02 has 28 days" \
    "$ITAKU" register add --action brought_back --item-id item-9 --info x --medium usb --quantity 1 \
    --handler h --returned-on 2027-02-29
expect_refused "register: note contains a control character \(U\+0001\)" \
    "$ITAKU" register add --action received --item-id item-9 --info x --medium usb --quantity 1 \
    --handler h --note "$(printf 'a\001b')"
expect_refused "register: medium must be one of paper, usb, optical, hdd_ssd, file, online \(not 'floppy'\)" \
    "$ITAKU" register add --action received --item-id item-9 --info x --medium floppy --quantity 1 --handler h
expect_refused "register: info_name: at most 200 characters" \
    "$ITAKU" register add --action received --item-id item-9 --info "$(printf 'あ%.0s' $(seq 201))" \
    --medium usb --quantity 1 --handler h
expect_refused "register: quantity.value must be a whole number" \
    "$ITAKU" register add --file "$C/register/invalid/quantity-string.json"
expect_refused "incident: unknown field 'affected.people'" "$ITAKU" incident report "$C/incident/invalid/affected-unknown-field.json"
ok "wrong types, missing and unknown fields, 2026-02-30, over-long strings, deep nesting, control characters: exit 2, field and rule named, nothing written"

# --- a registry whose schema is missing or malformed: the error names it ---
git clone -q "$T/city" "$T/noschema"
(cd "$T/noschema" && git rm -q schemas/register.v*.schema.json &&
    stock_commit . "$T/city.key" "Remove the register's schema

$(trailers akiruno-city officer submit)" &&
    git config itaku.signingKey "$T/acme.key")
cd "$T/noschema"
expect_refused "schemas/register.v1.schema.json is missing from the registry" \
    "$ITAKU" register add --file "$T/r.json"
expect_refused "schemas/register.v1.schema.json is missing from the registry" \
    "$ITAKU" register add --action received --item-id item-9 --info x --medium usb --quantity 1 --handler h
expect_refused "schemas/register.v1.schema.json is missing" "$ITAKU" form submit 3 "$T/r.json"
expect_exit 2 "$ITAKU" form new 3
expect_output "schemas/register.v1.schema.json is missing"
expect_exit 1 "$ITAKU" verify
expect_output "V4 schemas/register.v1.schema.json"
# the newest register version (the one writes use)
RV=$(ls "$SCHEMAS"/register.v*.schema.json | sed 's/.*\.v\([0-9]*\)\.schema\.json$/\1/' | sort -n | tail -1)
for broken in '{"type": "object", "properties": ' '{"type": "object", "properties": {"a": {"type": "strin"}}}' \
    '{"type": "object", "required": "action"}' '[]'; do
    git clone -q "$T/city" "$T/badschema"
    (cd "$T/badschema" && printf '%s\n' "$broken" >schemas/register.v$RV.schema.json && git add -A &&
        stock_commit . "$T/city.key" "Break the register's schema

$(trailers akiruno-city officer submit)" &&
        git config itaku.signingKey "$T/acme.key")
    cd "$T/badschema"
    expect_refused "the registry's schemas/register.v$RV.schema.json is unusable: .*schemas/register.v$RV.schema.json" \
        "$ITAKU" register add --file "$T/r.json"
    grep -q "unusable: the registry's" "$T/err" && fail "the message repeats itself: $(cat "$T/err")"
    cd "$T" && rm -rf "$T/badschema"
done
cd "$T/acme"
ok "a registry whose register schema is missing or malformed: the error names schemas/register.v1.schema.json"

# --- Japanese text round-trips byte for byte ---------------------------------
python3 - "$T/jp.json" <<'PY'
import json, sys
b = {"action": "received", "item_id": "item-0200", "medium": "paper", "occurred_at": "2026-12-03T09:00:00+09:00",
     "quantity": {"value": 2, "unit": "枚"},
     # IBM extensions, a 4-byte character, decomposed kana (NFD), full-width space, wave dash and ～
     "info_name": "髙橋﨑 𠮷野 か\u3099き\u3099 住民票　〜～ ①",
     "handler": "渡邊 𩸽太郎", "note": "改行を含む\n備考：「」『』・ー—‐\t半角ｶﾅ"}
open(sys.argv[1], "w", encoding="utf-8").write(json.dumps(b, ensure_ascii=False, indent=1))
PY
# the handler is on no form 1 of acme: recorded as the truth (issue 16)
expect_exit 0 "$ITAKU" register add --file "$T/jp.json" --unverified-ref --reason "応援の取扱者"
RJ=$(cat "$T/out")
expect_exit 0 "$ITAKU" register add --action received --item-id item-0201 --medium paper --quantity 1 \
    --unit 枚 --info "$(printf 'か\xe3\x82\x99 𠮷野 〜～')" --handler '渡邊 𩸽太郎' \
    --unverified-ref --reason "応援の取扱者"
RF=$(cat "$T/out")
for r in "$RJ" "$RF"; do
    git show "HEAD:parties/acme/register/$r.json" >"$T/blob-$r"
    ! grep -q '\\u' "$T/blob-$r" || fail "$r holds \\u escapes"
done
python3 - "$T/jp.json" "$T/blob-$RJ" "$T/blob-$RF" <<'PY' || fail "Japanese text did not round-trip byte for byte"
import json, sys
given = json.load(open(sys.argv[1], encoding="utf-8"))
blob, blob_f = (open(p, "rb").read() for p in sys.argv[2:4])
rec = json.loads(blob.decode("utf-8"))
assert rec["body"] == given, rec["body"]
for k in ("info_name", "handler"):
    assert json.dumps(given[k], ensure_ascii=False).encode("utf-8") in blob, k
assert "改行を含む\\n備考：「」『』・ー—‐\\t半角ｶﾅ".encode("utf-8") in blob
body_f = json.loads(blob_f.decode("utf-8"))["body"]
assert body_f["info_name"].encode("utf-8") == b"\xe3\x81\x8b\xe3\x82\x99 \xf0\xa0\xae\xb7\xe9\x87\x8e \xe3\x80\x9c\xef\xbd\x9e"
assert body_f["handler"] == "渡邊 𩸽太郎" and body_f["quantity"]["unit"] == "枚"
PY
expect_exit 0 "$ITAKU" record show "$RJ"
cmp -s "$T/out" "$T/blob-$RJ" || fail "record show differs from the stored bytes"
expect_exit 0 "$ITAKU" verify
ok "Japanese text (4-byte, decomposed, IBM extensions) round-trips byte for byte, with no \\u escapes"

finish
