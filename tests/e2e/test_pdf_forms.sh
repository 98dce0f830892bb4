#!/usr/bin/env bash
# Issue 15, the forms and the report on paper: every form type, the register
# ledger (form 3) and the report's first page are printed to PDF by headless
# Chromium, and the PDFs are checked as a city officer would: A4 portrait,
# the exact page count, a Japanese (CJK) font embedded, every label and
# value of the scenario in the text, no internal code where a label exists,
# and, in the page itself, no element whose content overflows it. The
# scenario withstands a form with every optional field empty, a very long
# free-text field (wrapped, never cut) and Japanese and ASCII mixed in every
# column of the ledger. Chromium and poppler-utils are part of the test
# set-up (Makefile TEST_DEBS): installed when missing, never skipped.
. "$(dirname "$0")/lib.sh"

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdfinfo >/dev/null && command -v pdffonts >/dev/null && command -v pdftotext >/dev/null ||
    need+=(poppler-utils)
fc-list | has IPAexMincho || need+=(fonts-ipaexfont-mincho fonts-ipaexfont-gothic)
if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || fail "missing ${need[*]} and this is not root: make deps-test installs them"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; } \
        >"$T/apt.log" 2>&1 || { cat "$T/apt.log" >&2; fail "cannot install ${need[*]}"; }
fi

SCHEMAS=$SRC/registry-template/schemas
LABELS=$SRC/registry-template/labels/ja.v2.json
C=$SRC/tests/schema-corpus
setup_city_and_contractor
at() { (cd "$T/$1" && shift && "$@"); }

# The scenario: a long free text without spaces (it must wrap), Japanese and
# ASCII mixed; form 2 with every optional field left out.
LONG="$(printf '再委託先を含む全ての作業場所でUSBメモリ(USB-memory)の持込みを禁止し、%.0s' $(seq 12))END-OF-TEXT"
python3 - "$C" "$SCHEMAS" "$T" "$LONG" <<'PY'
import json, sys
c, schemas, t, long = sys.argv[1:]
f1 = json.load(open(f"{c}/form1/valid/base.json", encoding="utf-8"))
f1["safeguards"] = long
f1["manager_scope"] = "ISMS (ISO/IEC 27001) に基づく管理全般 — 責任者 Sato"
# the register's handlers are people form 1 names (issue 16)
f1["manager"]["name"] = "佐藤花子 Sato"
f1["workers"][0]["name"] = "鈴木一郎 Suzuki"
json.dump(f1, open(f"{t}/f1.json", "w"), ensure_ascii=False)
# every optional field empty: only what the schema requires
f2 = json.load(open(f"{c}/form2/valid/base.json", encoding="utf-8"))
req = json.load(open(f"{schemas}/form2.v1.schema.json", encoding="utf-8"))["required"]
json.dump({k: v for k, v in f2.items() if k in req}, open(f"{t}/f2.json", "w"), ensure_ascii=False)
for n, src in (("4", "form4/valid/with-checklist.json"), ("5", "form5/valid/with-witness-and-tool.json"),
               ("6", "form6/valid/base.json"), ("i", "incident/valid/final.json")):
    b = json.load(open(f"{c}/{src}", encoding="utf-8"))
    json.dump(b, open(f"{t}/f{n}.json", "w"), ensure_ascii=False)
PY
printf '管理体制図 organisation chart\n' >"$T/chart.txt"
at acme "$ITAKU" form submit 1 "$T/f1.json" --attach org_chart="$T/chart.txt" >/dev/null 2>&1 ||
    fail "form submit 1"
# the corpus forms cite instructions, items and reports this registry does
# not hold: recorded as the truth they are (issue 16: --unverified-ref)
for n in 2 6; do
    at acme "$ITAKU" form submit "$n" "$T/f$n.json" >/dev/null || fail "form submit $n"
done
for n in 4 5; do
    at acme "$ITAKU" form submit "$n" "$T/f$n.json" --unverified-ref --reason "見本の様式" >/dev/null ||
        fail "form submit $n"
done
at acme "$ITAKU" incident report "$T/fi.json" >/dev/null 2>&1 ||
    at acme "$ITAKU" incident report "$T/fi.json" --unverified-ref --reason "見本の様式" >/dev/null ||
    fail "incident report"
# 40 register entries, written out of date order, Japanese and ASCII in every column
for n in $(seq 1 40); do
    d=$(printf '2026-12-%02dT%02d:%02d:00+09:00' $((28 - (n % 27))) $((8 + n % 10)) $((n % 60)))
    at acme "$ITAKU" register add --action received --item-id "item-$n" \
        --info "住民記録データ Part-$n（抽出 extract）" --medium usb --quantity "$n" \
        --handler "鈴木一郎 Suzuki" --method hand-delivery --occurred-at "$d" >/dev/null ||
        fail "register add $n"
done
at acme "$ITAKU" register add --action taken_out --item-id item-41 \
    --info "端末ログ Log-41" --medium paper --quantity 2 --handler "佐藤花子 Sato" \
    --occurred-at "$(day 27)T10:00:00+09:00" --unapproved --unverified-ref --reason "$LONG" >/dev/null ||
    fail "register add 41"
at city "$ITAKU" receive acme "$T/acme" >/dev/null || fail "receive"
at city "$ITAKU" approve acme/q-000001 >/dev/null || fail "approve"
DEC=$(cd "$T/city" && git ls-tree -r --name-only HEAD parties/akiruno-city | grep '/acme/d-' | head -1)
[ -n "$DEC" ] || fail "no decision record"
DEC_ID=akiruno-city/$(basename "$DEC" .json)
# a second request, left for the city to decide
at acme "$ITAKU" pull >/dev/null || fail "pull"
at acme "$ITAKU" request submit copy --summary "検証用に複製 (copy for testing)" --item item-1 >/dev/null ||
    fail "request submit"
at city "$ITAKU" receive acme "$T/acme" >/dev/null || fail "receive the request"
ok "scenario: forms 1, 2 (required fields only), 4, 5, 6, an incident, 41 register entries, the city's decision"

# Print: each form, the ledger and the report to PDF.
chrome() {
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-dev-shm-usage --user-data-dir="$T/chrome" "$@" 2>>"$T/chrome.log"
}
mkdir -p "$T/p"
declare -A PAGES=([f1-000001]=2 [f2-000001]=1 [f4-000001]=1 [f5-000001]=2 [q-000001]=3
    [i-000001]=1 [r-000001]=1 [decision]=1 [ledger]=5 [report]=11)
declare -A PATHS=([f1-000001]=parties/acme/forms/form1/f1-000001.json
    [f2-000001]=parties/acme/forms/form2/f2-000001.json
    [f4-000001]=parties/acme/forms/form4/f4-000001.json
    [f5-000001]=parties/acme/forms/form5/f5-000001.json
    [q-000001]=parties/acme/requests/q-000001.json [i-000001]=parties/acme/incidents/i-000001.json
    [r-000001]=parties/acme/register/r-000001.json [decision]=$DEC)
for id in f1-000001 f2-000001 f4-000001 f5-000001 q-000001 i-000001 r-000001; do
    at city "$ITAKU" form render "acme/$id" -o "$T/p/$id.html" || fail "form render $id"
done
at city "$ITAKU" form render "$DEC_ID" -o "$T/p/decision.html" || fail "form render $DEC_ID"
at city "$ITAKU" form render register --party acme -o "$T/p/ledger.html" || fail "form render register"
at city "$ITAKU" report --html "$T/site" --at "$(day 29)" 2>/dev/null || fail "report"
cp "$T/site/index.html" "$T/p/report.html"

for doc in "${!PAGES[@]}"; do
    chrome --no-pdf-header-footer --print-to-pdf="$T/p/$doc.pdf" "file://$T/p/$doc.html" >/dev/null ||
        { cat "$T/chrome.log" >&2; fail "chromium cannot print $doc"; }
    pdfinfo "$T/p/$doc.pdf" >"$T/p/$doc.info" || fail "pdfinfo $doc"
    grep -qE '^Page size: +59[45](\.[0-9]+)? x 84[12](\.[0-9]+)? pts \(A4\)' "$T/p/$doc.info" ||
        fail "$doc does not print on A4 portrait: $(grep 'Page size' "$T/p/$doc.info")"
    pages=$(awk '/^Pages:/ {print $2}' "$T/p/$doc.info")
    echo "$doc: $pages pages" >>"$T/pages.log"
    # the pdffonts name of a TrueType CJK font Chromium embedded (Type 3 fonts have none)
    pdffonts "$T/p/$doc.pdf" >"$T/p/$doc.fonts"
    grep -qE '^[A-Z]{6}\+IPAex(Mincho|Gothic) +CID TrueType +Identity-H +yes' "$T/p/$doc.fonts" ||
        { cat "$T/p/$doc.fonts" >&2; fail "$doc embeds no Japanese font"; }
    pdftotext -enc UTF-8 "$T/p/$doc.pdf" "$T/p/$doc.txt" || fail "pdftotext $doc"
done
[ -z "${ITAKU_PDF_KEEP:-}" ] || { rm -rf "$ITAKU_PDF_KEEP" && cp -r "$T/p" "$ITAKU_PDF_KEEP"; }
bad=0
for doc in "${!PAGES[@]}"; do
    pages=$(awk '/^Pages:/ {print $2}' "$T/p/$doc.info")
    [ "${PAGES[$doc]}" = 0 ] || [ "$pages" = "${PAGES[$doc]}" ] || bad=1
done
[ $bad = 0 ] || { sort "$T/pages.log" >&2; fail "page counts differ from the paper's"; }
ok "every form, the ledger and the report print on A4 portrait with the expected page counts and an embedded CJK font (pdffonts)"

# In the page: no element narrower than its content (scrollWidth > clientWidth),
# at the printable width of A4 (180 mm = 680 CSS px), in print media.
overflow_check='<script>
document.addEventListener("DOMContentLoaded", function () {
  var bad = [];
  document.querySelectorAll("body *").forEach(function (e) {
    if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
      bad.push(e.tagName + "." + e.className + ": " + e.scrollWidth + ">" + e.clientWidth +
               " " + (e.textContent || "").slice(0, 60));
  });
  var p = document.createElement("pre");
  p.id = "overflow-result";
  p.textContent = "OVERFLOW " + bad.length + "\n" + bad.join("\n");
  document.body.appendChild(p);
});
</script>'
for doc in "${!PAGES[@]}"; do
    python3 - "$T/p/$doc.html" "$T/p/$doc.check.html" "$overflow_check" <<'PY'
import sys
h = open(sys.argv[1], encoding="utf-8").read()
# the page as printed: its print rules apply on screen too
h = h.replace("@media print", "@media all")
open(sys.argv[2], "w", encoding="utf-8").write(h.replace("</head>", sys.argv[3] + "</head>", 1))
PY
    chrome --window-size=680,1000 --dump-dom "file://$T/p/$doc.check.html" >"$T/p/$doc.dom" ||
        fail "chromium cannot load $doc"
    grep -q "OVERFLOW 0" "$T/p/$doc.dom" ||
        { sed -n '/<pre id="overflow-result">/,/<\/pre>/p' "$T/p/$doc.dom" | head -20 >&2; fail "$doc: content overflows its box"; }
done
ok "no element of any page overflows (scrollWidth <= clientWidth at A4's printable width)"

# Every label and value of the scenario in the PDF's text; no code where a label exists.
norm() { python3 -c 'import re,sys; print(re.sub(r"[\s-]+", "", open(sys.argv[1], encoding="utf-8").read()))' "$1"; }
want() { # RECORD-PATH TYPE: the labels and values a form page must show, one JSON string a line
    python3 - "$T/city/$1" "$SCHEMAS" "$2" "$LABELS" "$T/p/codes-$3" <<'PY'
import json, sys
path, schemas, typ, labels, codes_file = sys.argv[1:]
rec = json.load(open(path, encoding="utf-8"))
schema = json.load(open(f"{schemas}/{rec['type']}.v1.schema.json", encoding="utf-8"))
labels = json.load(open(labels, encoding="utf-8"))["labels"]
want, codes = [rec["id"], "電子署名", "署名者", "担当者", "鍵指紋", "コミット", "検証", "検証済み"], []
def era(iso):
    y, m, d = (int(x) for x in iso[:10].split("-"))
    return f"令和{y - 2018}年{m}月{d}日"
def title(schema, key, prop):
    return prop.get("title") or schema["$defs"][prop["$ref"].split("/")[-1]].get("title")
def walk(v, sch, key=None):
    if "$ref" in sch:
        sch = schema["$defs"][sch["$ref"].split("/")[-1]]
    if isinstance(v, dict):
        for k, x in v.items():
            p = sch.get("properties", {}).get(k, {})
            t = title(sch, k, p) if p else None
            if t and not (sch is schema and k in ("addressee", "submitter", "submitted_on")):
                want.append(t)
            yield from walk(x, p, k)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x, sch.get("items", {}), key)
    else:
        yield key, v
for key, v in walk(rec["body"], schema):
    label = (labels.get(f'{rec["type"]}.{key}', {}).get(v) or labels.get(key, {}).get(v)) \
        if isinstance(v, str) else None
    if label:
        want.append(label)
        codes.append(v)
    elif isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-" and v[:4].isdigit():
        want.append(era(v))
    elif isinstance(v, str):
        want.extend(x for x in v.split("\n") if x)
    elif isinstance(v, bool):  # the paper's words when the catalog has them (誓約します)
        want.append(labels.get(f'{rec["type"]}.{key}', {}).get("true" if v else "false")
                    or ("はい" if v else "いいえ"))
    elif isinstance(v, int):
        want.append(str(v))
sub = rec["body"].get("submitter", {})
want += [sub[k] for k in ("name", "representative", "address") if k in sub]
for w in want:
    print(json.dumps(w, ensure_ascii=False))
open(codes_file, "w", encoding="utf-8").write("".join(c + "\n" for c in codes))
PY
}
# every wanted string, whitespace ignored (lines wrap on paper) and hyphens too
# (pdftotext joins "USB-" at a line's end with the next line's "memory")
contains() { # TEXT-FILE WANT-FILE
    python3 - "$1" "$2" <<'PY'
import json, re, sys
text = re.sub(r"[\s-]+", "", open(sys.argv[1], encoding="utf-8").read())
missing = [w for w in map(json.loads, open(sys.argv[2], encoding="utf-8"))
           if re.sub(r"[\s-]+", "", w) not in text]
if missing:
    print("missing:", missing, file=sys.stderr)
    sys.exit(1)
PY
}
for doc in f1-000001 f2-000001 f4-000001 f5-000001 q-000001 i-000001 r-000001 decision; do
    want "${PATHS[$doc]}" "" "$doc" >"$T/p/$doc.want" || fail "want $doc"
    contains "$T/p/$doc.txt" "$T/p/$doc.want" || fail "the PDF of $doc lacks what the form says"
    while read -r code; do
        grep -qwF -- "$code" "$T/p/$doc.txt" && fail "$doc.pdf shows the code '$code' where a label exists"
    done <"$T/p/codes-$doc"
    # the fixed layout is Japanese only
    grep -qE '\((yes|no|party|principal|signature|verification|record)\)' "$T/p/$doc.txt" &&
        fail "$doc.pdf mixes English into the fixed layout"
done
# the header from the party records, the date line in the era
t=$(norm "$T/p/f1-000001.txt")
for s in あきる野市長様 株式会社サンプル情報 代表取締役山田太郎 東京都あきる野市二宮350 令和8年4月10日 \
    "参考様式第1号" "ENDOFTEXT"; do
    [[ $t == *"$s"* ]] || fail "form 1's PDF lacks '$s'"
done
# a request's decision is addressed to the requester, by its company name
t=$(norm "$T/p/decision.txt")
[[ $t == *株式会社アクメ様* ]] || fail "the decision is not addressed to the requester (株式会社アクメ)"
# form 2 with only its required fields still prints a whole form
t=$(norm "$T/p/f2-000001.txt")
[[ $t == *参考様式第2号* && $t == *電子署名* ]] || fail "form 2 with its optional fields empty"
ok "every label and value of the scenario is in the PDFs' text, never a code where a label exists; header from the party records"

# The ledger: one row per entry, in date order, headers on every page.
python3 - "$T/p/ledger.txt" "$T/p/ledger.html" <<'PY' || fail "the register ledger"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
html = open(sys.argv[2], encoding="utf-8").read()
rows = re.findall(r"<tr><td class=\"nw\">(.*?)</td><td class=\"nw\">(.*?)</td>", html)
assert len(rows) == 41, f"{len(rows)} rows for 41 entries"
assert "<thead>" in html and "table-header-group" in html, "no repeated header"
# date order: the era dates of the rows never go back
def key(s):
    m = re.match(r"令和(\d+)年<br>(\d+)月(\d+)日<br>(\d\d):(\d\d)", s)
    assert m, s
    return tuple(int(x) for x in m.groups())
ks = [key(r[1]) for r in rows]
assert ks == sorted(ks), "entries are not in date order"
pages = text.split("\f")
assert all("管理番号" in p for p in pages if p.strip()), "a page of the ledger lacks the column headers"
flat = re.sub(r"[\s-]+", "", text)
for n in range(1, 41):
    assert f"住民記録データPart{n}（抽出extract）" in flat, n
assert flat.count("鈴木一郎Suzuki") >= 40, "a row lacks its handler"
assert "ENDOFTEXT" in flat, "the long reason is cut"
for code in ("received", "taken_out", "hand-delivery", "usb"):
    assert not re.search(rf"\b{code}\b", text), code
PY
ok "form 3: one ledger of 41 entries in date order, headers repeated on every page, long text wrapped, labels not codes"
cd "$T/city"
expect_exit 2 "$ITAKU" form render register
expect_output "needs --party P"
expect_exit 2 "$ITAKU" form render register --party nobody
expect_output "no party 'nobody'"
expect_exit 2 "$ITAKU" form render register --party acme --format md
expect_output "printed as html"
"$ITAKU" form render register --party akiruno-city -o "$T/p/empty.html" || fail "an empty ledger"
grep -q "記載なし" "$T/p/empty.html" || fail "an empty ledger does not say so"
ok "form render register: --party is needed and must name a party; a party with no entries gets an empty ledger"

# The report's first page: the officer's summary before the full tables.
python3 - "$T/p/report.pdf" "$T/p/report.txt" <<'PY' || fail "the report's first page"
import re, sys
pages = open(sys.argv[2], encoding="utf-8").read().split("\f")
first = re.sub(r"\s+", "", pages[0])
for s in ("委託業務情報セキュリティ遵守状況報告書", "C-2026-001", "住民情報システム運用保守",
          "委託の連鎖", "あきる野市", "株式会社アクメ", "状態別の件数", "対応が必要な事項",
          "発注者の決定を待つ申請", "適合", "未了"):
    assert s in first, s
assert "条項" not in first, "the full status tables start on the first page"
text = re.sub(r"\s+", "", "".join(pages))
for code in ("(status)", "(who)", "(requests)", "(forms", "(overview)", "(timeline)", "(subcontract chain)"):
    assert code not in text, code
PY
ok "the report's first page is the officer's summary (contract, chain, counts, what needs action), Japanese only"

# status --problems: the same findings less those that are ok, in every output
cd "$T/city"
"$ITAKU" status --json --at "$(day 29)" >"$T/all.json" && rc_all=0 || rc_all=$?
"$ITAKU" status --json --problems --at "$(day 29)" >"$T/prob.json" && rc_prob=0 || rc_prob=$?
[ "$rc_all" = "$rc_prob" ] || fail "status --problems exits $rc_prob, status $rc_all"
python3 - "$T/all.json" "$T/prob.json" <<'PY' || fail "status --problems"
import json, sys
a, p = (json.load(open(f))["findings"] for f in sys.argv[1:])
assert any(x["state"] == "ok" for x in a) and any(x["state"] != "ok" for x in a), "scenario"
assert p == [x for x in a if x["state"] != "ok"], "not the findings that are not ok"
PY
env LANG=ja_JP.UTF-8 "$ITAKU" status --problems --at "$(day 29)" >"$T/prob.txt" || true
env LANG=ja_JP.UTF-8 "$ITAKU" status --at "$(day 29)" >"$T/all.txt" || true
ok_label=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["labels"]["state"]["ok"])' "$LABELS")
grep -q "^ *$ok_label " "$T/all.txt" || fail "status shows no ok row to leave out"
grep -q "^ *$ok_label " "$T/prob.txt" && fail "status --problems shows an ok row"
"$ITAKU" status --csv --problems --at "$(day 29)" >"$T/prob.csv" || true
grep -q "\"$ok_label\"" "$T/prob.csv" && fail "status --csv --problems has an ok row"
ok "status --problems lists what is not ok (text, CSV, JSON), the same exit code"

finish
