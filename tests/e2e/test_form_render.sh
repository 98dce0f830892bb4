#!/usr/bin/env bash
# Issue 3, printable forms: `form render ID --format md|html` prints a form
# 1, a register entry and an incident report as the paper form: the form's
# title, Japanese labels from the schema, dates in the Japanese era beside
# ISO, the submitter header, and a signature block whose signer, key
# fingerprint and commit match what `itaku key show` and `git log` say. The
# HTML is one self-contained A4 page, loaded here in headless Chromium.
. "$(dirname "$0")/lib.sh"

# Chromium is part of the test set-up: install it, or fail (never skip).
if ! [ -x /usr/bin/chromium ]; then
    [ "$(id -u)" = 0 ] || fail "chromium is missing and this is not root: apt-get install -y chromium"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >"$T/apt.log" 2>&1 ||
        { apt-get update -qq >>"$T/apt.log" 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >>"$T/apt.log" 2>&1; } ||
        { cat "$T/apt.log" >&2; fail "cannot install chromium"; }
    [ -x /usr/bin/chromium ] || fail "chromium installed, but /usr/bin/chromium is missing"
fi

SCHEMAS=$SRC/registry-template/schemas
LABELS=$SRC/registry-template/labels/ja.v2.json
setup_city_and_contractor
# the contract's contacts (連絡先), set by the city before the forms are filed
cat >"$T/contacts.json" <<'J'
{"contacts": [{"party": "akiruno-city", "role": "情報セキュリティ責任者", "name": "山田 太郎",
  "phone": "042-558-1111"}, {"party": "acme", "role": "管理責任者", "name": "佐藤 花子",
  "email": "sato@example.jp"}]}
J
(cd "$T/city" && "$ITAKU" contract amend --contacts "$T/contacts.json" --reason "連絡先の登録" >/dev/null) ||
    fail "the city cannot record the contacts"
cd "$T/acme"
expect_exit 0 "$ITAKU" pull
expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY"
F1=$(cat "$T/out")
python3 - "$REGISTER_BODY" "$T/r.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
b["note"] = "封筒に <親展> & \"取扱注意\" と記載"
json.dump(b, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" register add --file "$T/r.json"
R1=$(cat "$T/out")
expect_exit 0 "$ITAKU" incident report "$SRC/tests/schema-corpus/incident/valid/base.json"
I1=$(cat "$T/out")
FPR=$("$ITAKU" key show "$T/acme.key.pub" | awk '{print $2}')
[[ $FPR == SHA256:* ]] || fail "itaku key show gives no fingerprint: $FPR"
ok "set up: form 1 $F1, register entry $R1 and incident $I1 of acme"

# expected ID PATH TYPE BODY: what the rendered form must say, as JSON lines
# of text to find: title, labels, era dates, header and signature.
expected() {
    local commit
    commit=$(git log --format=%H --diff-filter=A -- "$2")
    [ -n "$commit" ] || fail "git log finds no commit adding $2"
    python3 - "$2" "$SCHEMAS/$3.v1.schema.json" "$commit" "$FPR" "$LABELS" "$T/codes-$4" <<'PY'
import json, sys
path, schema, commit, fpr, labels, codes_file = sys.argv[1:]
rec, schema = json.load(open(path, encoding="utf-8")), json.load(open(schema, encoding="utf-8"))
labels = json.load(open(labels, encoding="utf-8"))["labels"]
codes = []  # codes shown as their label: they must not appear themselves
titles = {"form1": "参考様式第1号 重要指定情報管理体制（新規・変更）届出書",
          "register": "参考様式第3号 重要指定情報管理記録簿", "incident": "事故報告書"}
want = [titles[rec["type"]], "株式会社アクメ", rec["id"], "電子署名", "署名者", "担当者", "管理責任者",
        "鍵指紋", fpr, "コミット", commit, "検証済み"]
# the header above the title: the addressee, the submitter and the date line,
# as values (the paper has no labels there)
header = {k: rec["body"].pop(k) for k in ("addressee", "submitter", "submitted_on") if k in rec["body"]}
want += [header.get("addressee", "あきる野市")]
want += list(header.get("submitter", {}).values())
for key in rec["body"]:
    p = schema["properties"][key]
    want.append(p.get("title") or schema["$defs"][p["$ref"].split("/")[-1]]["title"])
def era(iso):
    y, m, d = (int(x) for x in iso[:10].split("-"))
    return f"令和{y - 2018}年{m}月{d}日"
def walk(v, key=None):
    if isinstance(v, dict):
        for k, x in v.items(): yield from walk(x, k)
    elif isinstance(v, list):
        for x in v: yield from walk(x, key)
    else:
        yield key, v
for key, v in walk(rec["body"]):
    label = labels.get(f'{rec["type"]}.{key}', {}).get(v) or labels.get(key, {}).get(v) \
        if isinstance(v, str) else None
    if label:
        want.append(label)
        codes.append(v)
    elif isinstance(v, str) and len(v) >= 10 and v[4] == "-" and v[7] == "-" and v[:4].isdigit():
        want.append(f"{era(v)}{' ' + v[11:16] if len(v) > 10 else ''} ({v})")
    elif isinstance(v, str):
        want.extend(v.split("\n"))
    elif isinstance(v, bool):  # the paper's words when the catalog has them (誓約します)
        want.append(labels.get(f'{rec["type"]}.{key}', {}).get("true" if v else "false")
                    or ("はい" if v else "いいえ"))
    elif isinstance(v, int):
        want.append(str(v))
if "submitted_on" in header:
    want.append(era(header["submitted_on"]))
for w in want:
    print(json.dumps(w, ensure_ascii=False))
open(codes_file, "w", encoding="utf-8").write("".join(c + "\n" for c in codes))
PY
}

# contains FILE WANT [UNESCAPE]: every line of WANT (JSON strings) is in FILE;
# with md, Markdown's backslash escapes are removed first.
contains() {
    python3 - "$@" <<'PY'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
if len(sys.argv) > 3 and sys.argv[3] == "md":
    text = re.sub(r"\\([|*_`<\[\\&])", r"\1", text).replace("<br>", "\n")
missing = [w for w in map(json.loads, open(sys.argv[2], encoding="utf-8")) if w not in text]
if missing:
    print("missing:", missing, file=sys.stderr)
    sys.exit(1)
PY
}

declare -A PATHS=([$F1]=parties/acme/forms/form1/$F1.json [$R1]=parties/acme/register/$R1.json
    [$I1]=parties/acme/incidents/$I1.json)
declare -A TYPES=([$F1]=form1 [$R1]=register [$I1]=incident)
for id in "$F1" "$R1" "$I1"; do
    expected "$id" "${PATHS[$id]}" "${TYPES[$id]}" "$id" >"$T/want-$id" || fail "expected $id"
    expect_exit 0 "$ITAKU" form render "$id" --format md
    cp "$T/out" "$T/$id.md"
    head -1 "$T/$id.md" | has -E '^# (参考様式第[13]号|事故報告書)' || fail "$id.md does not start with the title"
    contains "$T/$id.md" "$T/want-$id" md || fail "form render $id --format md lacks what the form says"
    # the city's words, never the codes: 受領, not received (labels/ja.v2.json)
    [ -s "$T/codes-$id" ] || [ "$id" = "$F1" ] || fail "$id: the scenario has no coded value to check"
    while read -r code; do
        grep -qwF -- "$code" "$T/$id.md" && fail "$id.md shows the code '$code' where a label exists"
    done <"$T/codes-$id"
    grep -qE '^\| 検証 \| 検証済み' "$T/$id.md" || fail "$id.md: no verification state"
    grep -qE '\((yes|no|party|principal|signature|verification|record)\)' "$T/$id.md" &&
        fail "$id.md mixes English into the fixed layout"
done
grep -qF '# 参考様式第1号 重要指定情報管理体制（新規・変更）届出書' "$T/$F1.md" || fail "form 1's title"
grep -qx '令和8年4月10日  ' "$T/$F1.md" || fail "form 1's date line in the era"
grep -qF -- '宛先: あきる野市長　様' "$T/$F1.md" || fail "form 1's addressee"
grep -qF -- '所在地: 東京都あきる野市二宮350' "$T/$F1.md" || fail "form 1's submitter"
grep -qF -- '名称: 株式会社アクメ' "$T/$R1.md" || fail "the register entry's submitter: the company name from the party file"
grep -qF -- '- **日時**: 令和8年4月20日 10:00 (2026-04-20T10:00:00+09:00)' "$T/$R1.md" ||
    fail "the register entry's date and time in the era"
grep -qF -- '封筒に \<親展> \& "取扱注意" と記載' "$T/$R1.md" || fail "Markdown escaping of the note"
ok "form render --format md: title, labels, era dates, submitter header, signature block (key show's fingerprint, git log's commit, 検証済み)"

for id in "$F1" "$R1" "$I1"; do
    expect_exit 0 "$ITAKU" form render "$id" --format html -o "$T/$id.html"
    [ ! -s "$T/out" ] || fail "-o also printed to stdout"
    expect_exit 0 "$ITAKU" form render "$id"
    cmp -s "$T/out" "$T/$id.html" || fail "html is not the default format, or -o differs"
    python3 - "$T/$id.html" <<'PY' || fail "$id.html is not a self-contained A4 page"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
assert h.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in h
assert not re.search(r"https?://|src\s*=|<link|<script|@import|url\(", h, re.I), "refers to something outside"
style = re.findall(r"<style>(.*?)</style>", h, re.S)
assert len(style) == 1 and "@page{size:A4portrait" in style[0].replace(" ", ""), style
PY
done
grep -qF '封筒に &lt;親展&gt; &amp; &quot;取扱注意&quot; と記載' "$T/$R1.html" || fail "HTML escaping of the note"
ok "form render --format html: one self-contained page (no URL, no src=), inline <style> with @page A4, values escaped"

# The HTML as a browser shows it: headless Chromium, no network, no profile.
chrome() {
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --disable-dev-shm-usage --user-data-dir="$T/chrome" "$@"
}
for id in "$F1" "$R1" "$I1"; do
    chrome --dump-dom "file://$T/$id.html" >"$T/$id.dom" 2>"$T/chrome.err" ||
        { cat "$T/chrome.err" >&2; fail "chromium cannot load $id.html"; }
    python3 - "$T/$id.dom" "$T/$id.text" <<'PY' || fail "chromium's DOM of $id"
import html.parser, sys
class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0
    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script", "title")
        if tag in ("br", "tr", "li", "div", "h1", "h2"):
            self.parts.append("\n")
    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script", "title")
    def handle_data(self, d):
        if not self.skip:
            self.parts.append(d)
p = Text()
p.feed(open(sys.argv[1], encoding="utf-8").read())
open(sys.argv[2], "w", encoding="utf-8").write("".join(p.parts))
PY
    contains "$T/$id.text" "$T/want-$id" || fail "the page chromium shows for $id lacks what the form says"
    while read -r code; do
        grep -qwF -- "$code" "$T/$id.text" && fail "$id: chromium shows the code '$code' where a label exists"
    done <"$T/codes-$id"
done
grep -qF '封筒に <親展> & "取扱注意" と記載' "$T/$R1.text" || fail "chromium does not show the note as written"
grep -q '<h1>参考様式第1号 重要指定情報管理体制（新規・変更）届出書</h1>' "$T/$F1.dom" || fail "form 1's title in the DOM"
rm -f "$T/shot.png"
chrome --screenshot="$T/shot.png" --window-size=1240,1754 "file://$T/$F1.html" >/dev/null 2>"$T/chrome.err" ||
    { cat "$T/chrome.err" >&2; fail "chromium cannot take a screenshot"; }
python3 - "$T/shot.png" <<'PY' || fail "the screenshot"
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", d[16:24])
assert (w, h) == (1240, 1754), (w, h)
assert len(d) > 20000, f"only {len(d)} bytes: a blank page?"
PY
ok "headless Chromium shows every label and value of the three forms; a 1240×1754 screenshot of form 1"

# the forms that carry contact details (form 1's 連絡体制, the incident
# report's line to the city) show the contract's contacts in force; the
# register entry does not. The first column holds the city and companies
# alike: 所属, not 事業者.
contacts_want() {
    printf '%s\n' '"所属"' '"役割"' '"電話番号"' '"電子メール"' \
        '"あきる野市（akiruno-city）"' '"情報セキュリティ責任者"' '"山田 太郎"' '"042-558-1111"'
}
contacts_want >"$T/want-contacts"
{ contacts_want && printf '%s\n' '"連絡先"' '"株式会社アクメ（acme）"' '"佐藤 花子"' '"sato@example.jp"'; } >"$T/want-contacts-all"
# form 1: its own 連絡体制 (contact_chain: 佐藤花子 090-1234-5678) lists the
# filer's side; the contract's table adds the others' (the city's line), so
# that no one is listed twice with two sets of details
printf '%s\n' '"連絡体制"' '"発注者等の連絡先"' '"090-1234-5678"' >>"$T/want-contacts"
contains "$T/$I1.text" "$T/want-contacts-all" || fail "the page chromium shows for $I1 lacks the contract's contacts"
contains "$T/$I1.md" "$T/want-contacts-all" md || fail "$I1.md lacks the contract's contacts"
contains "$T/$F1.text" "$T/want-contacts" || fail "the page chromium shows for $F1 lacks its 連絡体制 or the city's contacts"
contains "$T/$F1.md" "$T/want-contacts" md || fail "$F1.md lacks its 連絡体制 or the city's contacts"
for f in "$T/$F1.text" "$T/$F1.md"; do
    grep -qF "sato@example.jp" "$f" && fail "$f lists acme's contact twice: in 連絡体制 and in the contract's table"
    grep -qF "株式会社アクメ（acme）" "$f" && fail "$f has acme's row in the contract's table"
done
for f in "$T/$F1.md" "$T/$I1.md" "$T/$F1.text" "$T/$I1.text"; do
    grep -qF "事業者" "$f" && fail "$f heads the contacts' column 事業者, which holds the city too"
done
grep -qF "山田 太郎" "$T/$R1.text" && fail "the register entry's page shows the contacts"
ok "contacts: the incident report lists the contract's in force under 所属; form 1 its own 連絡体制 and the city's line, nobody twice; the register entry none"

# the signer's role on every page: the catalog's word, never the code
for id in "$F1" "$R1" "$I1"; do
    grep -qF "| 担当者 | 管理責任者 |" "$T/$id.md" || fail "$id.md: the 担当者 row is not 管理責任者"
    grep -qF "担当者管理責任者" "$T/$id.text" || fail "$id: chromium does not show 担当者 管理責任者"
    grep -qw "manager" "$T/$id.md" "$T/$id.text" && fail "$id shows the role code 'manager'"
done
ok "the signature block names the role 管理責任者 (labels), not the code manager"

# Form 1 as the city's paper (form-fields.md, form 1): every row of the
# paper, in its order, a row the filer left blank shown blank; the pledge
# as the sentence the filer signs; each section once; nothing in English
# or an internal code but what the filer wrote and the signature's hashes.
python3 - "$T/$F1.md" "$T/$F1.text" "$FORM1_BODY" "$FPR" "$F1" <<'PY' || fail "form 1 is not the city's paper form"
import json, re, sys
md, text, body, fpr, rid = sys.argv[1:]
md, text = open(md, encoding="utf-8").read(), open(text, encoding="utf-8").read()
body = json.load(open(body, encoding="utf-8"))
# the paper's rows, in its order
rows = ["届出区分（新規・変更）", "変更内容", "管理責任者", "管理責任者の職務範囲", "監督者",
        "作業従事者", "緊急時連絡体制", "作業場所", "保管場所", "取り扱う情報", "安全管理措置",
        "再委託の予定", "誓約", "管理体制図"]
top = re.findall(r"^- \*\*(.+?)\*\*", md, re.M)
assert top == rows, f"form 1's rows are {top}, the paper's {rows}"
for blank in ("変更内容", "取り扱う情報", "再委託の予定"):  # not in the filing
    assert f"- **{blank}**: —\n" in md, f"the blank row {blank} is not shown as —"
    assert re.search(rf"^{blank}—$", text, re.M), f"chromium does not show {blank} blank"
assert "- **誓約**: 遵守事項を遵守することを誓約します\n" in md, "the pledge is not its sentence"
assert re.search(r"^誓約遵守事項を遵守することを誓約します$", text, re.M), "chromium: the pledge"
assert "誓約**: はい" not in md and "誓約はい" not in text, "the pledge reads はい"
# each section once: no heading twice, the contact line once
heads = re.findall(r"^#+ (.+)$", md, re.M)
assert len(heads) == len(set(heads)), f"a section is shown twice: {heads}"
for h in ("緊急時連絡体制", "発注者等の連絡先", "電子署名"):
    assert text.count(h) == 1, f"chromium shows {h} {text.count(h)} times"
# English and codes: take away what the filer wrote (its values), the key's
# fingerprint, commit hashes, the record number (acme/f1-…, as every screen
# names a record), the contract's number and a company's party id beside
# its name (（acme）); no Latin word may remain
def values(v):
    if isinstance(v, dict):
        for x in v.values(): yield from values(x)
    elif isinstance(v, list):
        for x in v: yield from values(x)
    elif isinstance(v, str):
        yield from v.split("\n")
for page, name in ((md, "md"), (text, "chromium")):
    rest = page.replace("<br>", "\n")  # Markdown's line break
    for v in sorted(values(body), key=len, reverse=True):
        rest = rest.replace(v, " ")
    rest = rest.replace(fpr, " ").replace("acme/" + rid, " ").replace(rid, " ")
    rest = rest.replace("SHA-256", " ").replace("C-2026-001", " ")
    rest = re.sub(r"(?<![0-9a-f])[0-9a-f]{40}(?![0-9a-f])", " ", rest)
    rest = re.sub(r"（[a-z][a-z0-9-]{1,30}）", " ", rest)
    latin = sorted(set(re.findall(r"[A-Za-z][A-Za-z0-9_.-]*", rest)))
    assert not latin, f"form 1's page ({name}) shows English or codes: {latin}"
PY
grep -qF "<title>参考様式第1号 重要指定情報管理体制（新規・変更）届出書 株式会社サンプル情報 $F1</title>" "$T/$F1.html" ||
    fail "form 1's HTML title (printed atop the page) does not name the submitter (名称) as the header does: $(grep -o '<title>.*</title>' "$T/$F1.html")"
ok "form 1 reads as the paper: every row in its order (blank ones —), the pledge's sentence, each section once, no English or code"

# the register ledger (form 3): its signer column names the role, not the code
expect_exit 0 "$ITAKU" form render register --party acme -o "$T/ledger.html"
has -F '管理責任者<br>' <"$T/ledger.html" || fail "the ledger's 署名 column does not name 管理責任者"
grep -qw manager "$T/ledger.html" && fail "the ledger shows the role code manager"
ok "the register ledger's 署名 column names 管理責任者, not manager"
# its heading reads as the paper ledger's: the party's name, not its id,
# atop the printed page, and the date line left to be written by hand
title=$(grep -o '<title>[^<]*</title>' "$T/ledger.html")
name=$("$ITAKU" who --json | python3 -c 'import json,sys; print(next(p["name"] for p in json.load(sys.stdin)["parties"] if p["party"] == "acme"))')
[ "$title" = "<title>参考様式第3号 重要指定情報管理記録簿 $name</title>" ] ||
    fail "the ledger's title (printed atop the page) is not the form and the party's name $name: $title"
grep -qF '<p class="dateline">令和　　年　　月　　日</p>' "$T/ledger.html" ||
    fail "the ledger's date line is not the paper's 令和　　年　　月　　日: $(grep -o '<p class="dateline">[^<]*' "$T/ledger.html")"
ok "the register ledger's heading names the party ($name) and leaves 令和　　年　　月　　日 to be written"

# an entry filed after another but dated a day earlier: the ledger, in the
# order things happened, numbers each entry as `register export` does (its
# place in the party's register, with its record id below; found by an
# officer's trial: the ledger showed record ids where the CSV had 1, 2, 3)
for when in "$(day 0)T09:00:00+09:00" "$(day -1)T09:00:00+09:00"; do
    expect_exit 0 "$ITAKU" register add --action received --item-id "L-$when" --info "住民記録データ" \
        --medium usb --quantity 1 --handler "鈴木一郎" --method hand-delivery --occurred-at "$when"
done
expect_exit 0 "$ITAKU" form render register --party acme -o "$T/ledger.html"
expect_exit 0 "$ITAKU" register export --party acme -o "$T/register.csv"
python3 - "$T/ledger.html" "$T/register.csv" <<'PY' || fail "the ledger's numbers are not the CSV's"
import csv, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
ledger = re.findall(r'<td class="nw">(\d+)<br><span class="small">([^<]+)</span>', html)
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8-sig")))
export = {r["記録番号"]: r["番号"] for r in rows}
assert len(ledger) >= 3, ledger
assert all(export.get(i) == n for n, i in ledger), (ledger, export)
# the last two filed: the one dated a day earlier is printed first
last = sorted(ledger, key=lambda e: int(e[0]))[-2:]
assert ledger.index(last[1]) < ledger.index(last[0]), ledger
PY
ok "the ledger, in date order, numbers entries as register export does"

# A record whose commit does not verify says so; an unknown id is an error.
write_record parties/acme/register/r-000100.json "$(register_body)"
git add parties/acme/register/r-000100.json
stock_commit . "$T/acme.key" "Register entry r-000100

$(trailers akiruno-city officer register parties/acme/register/r-000100.json)"
expect_exit 0 "$ITAKU" form render r-000100 --format md
expect_output "検証失敗"
grep -q "検証済み" "$T/out" && fail "an unverified commit is shown as verified"
expect_exit 2 "$ITAKU" form render r-000999 --format md
expect_exit 2 "$ITAKU" form render "$F1" --format pdf
expect_output "--format is html or md"
ok "a record whose commit fails verification is shown as 検証失敗; unknown ids and formats are refused"

cd "$T/acme"
expect_exit 0 "$ITAKU" form render "$I1" --format md
grep -qF "**発生元**: 株式会社アクメ（acme）" "$T/out" ||
    fail "the incident's 発生元 shows the party id, not the company: $(grep -F 発生元 "$T/out")"
ok "a field holding a party id (発生元) shows the company's name with the id beside it"

# contacts amended later: a page shows the contacts in force for its record
cat >"$T/contacts2.json" <<'J'
{"contacts": [{"party": "akiruno-city", "role": "情報セキュリティ責任者", "name": "高橋 次郎",
  "phone": "042-558-2222"}]}
J
(cd "$T/city" && "$ITAKU" contract amend --contacts "$T/contacts2.json" --reason "担当者の交代" >/dev/null) ||
    fail "the city cannot amend the contacts"
expect_exit 0 "$ITAKU" pull
expect_exit 0 "$ITAKU" incident report "$SRC/tests/schema-corpus/incident/valid/base.json"
I2=$(cat "$T/out")
expect_exit 0 "$ITAKU" form render "$I2" --format md
expect_output "高橋 次郎"
grep -qF "山田 太郎" "$T/out" && fail "the new report shows the contacts no longer in force"
expect_exit 0 "$ITAKU" form render "$I1" --format md
expect_output "山田 太郎"
grep -qF "高橋 次郎" "$T/out" && fail "the earlier report shows contacts amended after it"
ok "after a contacts amendment a new report shows the new contacts, the earlier one those of its day"
finish
