#!/usr/bin/env bash
# itaku report --html over a whole four-party contract (chain_story.sh): the
# site is self-contained (no external resource, relative links only), and a
# headless Chromium renders it — its text holds the parties, the states, the
# dates in the contract's time zone and the verification marks — and takes a
# screenshot. Chromium is installed when missing; this test never skips.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/e2e/chain_story.sh"

CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
    [ "$(id -u)" = 0 ] || fail "chromium is missing and we are not root to install it"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; } >&2 ||
        fail "cannot install chromium"
fi
[ -x "$CHROMIUM" ] || fail "chromium is still missing"

story_setup
cd "$T/city"
ok "a four-party contract with receipts, decisions, a void commit and a recovered key"

expect_exit 0 "$ITAKU" report --html "$T/site" --at 2099-12-31
R=$T/site
[ -f "$R/index.html" ] && [ -f "$R/timeline.html" ] || fail "index.html or timeline.html missing"
nforms=$(ls "$R/forms" | wc -l)
nrecs=$(git ls-tree -r --name-only HEAD parties | grep -Ev '/(keys/[^/]*|party\.json)$' | wc -l)
[ "$nforms" = "$nrecs" ] || fail "$nforms form pages for $nrecs records"
[ -f "$R/forms/acme_f1-000001.html" ] && [ -f "$R/forms/akiruno-city_beta_d-000002.html" ] ||
    fail "form pages are not named <party>_[<requester>_]<id>.html"
# self-contained: nothing fetched from anywhere, every link relative and present
python3 - "$R" <<'PY' || fail "the site is not self-contained"
import os, re, sys
root = sys.argv[1]
for d, _, files in os.walk(root):
    for f in files:
        p = os.path.join(d, f)
        html = open(p, encoding="utf-8").read()
        assert not re.search(r'(src|href)="(https?:)?//', html), p
        assert "<script" not in html and "<link" not in html, p
        for href in re.findall(r'href="([^"#]+)', html):
            assert not href.startswith("/"), (p, href)
            assert os.path.exists(os.path.normpath(os.path.join(d, href))), (p, href)
PY
grep -q "<svg" "$R/index.html" || fail "no chain diagram"
ok "report writes index, timeline and one page per record; no external resources, relative links that resolve"

chrome() {
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$T/chrome" "$@" 2>>"$T/chrome.log"
}
chrome --dump-dom "file://$R/index.html" >"$T/index.dom" || fail "chromium cannot load the report"
chrome --screenshot="$T/report.png" --window-size=1280,2000 "file://$R/index.html" >/dev/null ||
    fail "chromium cannot take a screenshot"
[ -s "$T/report.png" ] && head -c 8 "$T/report.png" | od -An -c | has "P   N   G" ||
    fail "no PNG screenshot"
[ -n "${ITAKU_REPORT_SHOT:-}" ] && cp "$T/report.png" "$ITAKU_REPORT_SHOT"
chrome --dump-dom "file://$R/timeline.html" >"$T/timeline.dom" || fail "chromium cannot load the timeline"
chrome --dump-dom "file://$R/forms/acme_r-000001.html" >"$T/form.dom" || fail "chromium cannot load a form"
# the page's text as a reader sees it
text() { python3 -c '
import html, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
s = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", s, flags=re.S)
print(html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", s))))' "$1"; }
text "$T/index.dom" >"$T/index.txt"
text "$T/timeline.dom" >"$T/timeline.txt"
text "$T/form.dom" >"$T/form.txt"
has() {
    grep -qF -- "$2" "$T/$1.txt" || { cut -c1-3000 "$T/$1.txt" >&2; fail "$1 lacks '$2'"; }
}
for s in "委託業務 情報セキュリティ遵守状況報告書" C-2026-001 "住民情報システム運用保守" \
    "$(day_era -1)" "あきる野市" "株式会社アクメ" "株式会社beta" "株式会社gamma" "デルタ株式会社" \
    "受注者" "再委託先" "適合" "未了" "期限超過" \
    "2020-01-31 23:59 JST" "2099-12-31 23:59 JST" "違反" "$(day 119) 23:59 JST" \
    "山本一子" "✗未研修" "beta/q-000002" "承認" "✓ 全" "検証済み" \
    "作業開始前の管理体制届出（様式第1号）" "遵守事項の受諾" "再委託の事前承認"; do
    has index "$s"
done
# rule names, states and finding texts in the city's words (labels/ja.v2.json), never the codes
for code in form1_before_work subcontract_acknowledged "(ok)" "(pending)" "(violated)" \
    "not yet received" "has not acknowledged" "approved"; do
    grep -qF -- "$code" "$T/index.txt" && fail "the report shows '$code' where a label exists"
done
# status in the report equals itaku status at the same time
"$ITAKU" status --json --at 2099-12-31 >"$T/status.json" || true
python3 - "$T/status.json" "$T/index.txt" <<'PY' || fail "the report's counts differ from itaku status"
import json, re, sys
f = json.load(open(sys.argv[1]))["findings"]
text = open(sys.argv[2], encoding="utf-8").read()
for party in ("acme", "beta", "gamma", "delta"):
    n = [sum(1 for x in f if x["party"] == party and x["state"] == s)
         for s in ("ok", "pending", "overdue", "violated")]
    want = "適合 %d · 未了 %d · 期限超過 %d · 違反 %d" % tuple(n)
    assert want in text, (party, want)
PY
for s in "∅ 無効" "⚑ 発注者回復鍵" "✓ 検証済み" "beta/r-000004" "tanaka" "sato" \
    "承認" "受領" "鍵の危殆化届" " JST"; do
    has timeline "$s"
done
for s in "参考様式第3号 重要指定情報管理記録簿" "住民記録データ" "検証済み" "株式会社アクメ"; do
    has form "$s"
done
ok "headless Chromium shows the parties, states, dates (JST) and marks; counts equal itaku status"

# the void record's page says so; the timeline crosses it out
grep -q "無効" "$R/forms/beta_r-000004.html" || fail "the void record's page is not marked"
grep -q 'class="void"' "$R/timeline.html" || fail "the void commit is not crossed out"
# no terminal: no progress; a second report overwrites the first
expect_exit 0 "$ITAKU" report --html "$R"
grep -q $'\r' "$T/err" && fail "progress written to a stderr that is not a terminal"
expect_output "wrote [0-9]+ pages"
expect_exit 2 "$ITAKU" report
expect_exit 2 "$ITAKU" report --html /proc/no/such/dir
ok "void marks on pages; reports overwrite; errors exit 2"

# form render shows what the report shows (one view of what counts): the
# record in the void commit says void (∅), in HTML and in Markdown, and its
# signature is not called verified; the one signed by the key the city
# recovered says so (⚑); their twins, signed by each party's own key, say
# neither
"$ITAKU" form render beta/r-000004 -o "$T/void.html" || fail "form render of the void record failed"
grep -q 'class="itk-void"' "$T/void.html" || fail "form render does not mark the void record"
grep -q "∅ 無効" "$T/void.html" || fail "form render does not say void"
grep -q "<td class=\"ok\">検証済み" "$T/void.html" && fail "form render calls the void record verified"
"$ITAKU" form render beta/r-000004 --format md >"$T/void.md"
grep -q "^> ∅ 無効" "$T/void.md" || fail "the Markdown page does not say void"
"$ITAKU" form render beta/r-000003 -o "$T/good.html"
grep -q "itk-void\|itk-recovered" "$T/good.html" && fail "the last good record is marked"
grep -q "<td class=\"ok\">検証済み" "$T/good.html" || fail "the last good record is not verified"
"$ITAKU" form render gamma/r-000001 -o "$T/rec.html"
grep -q 'class="itk-recovered"' "$T/rec.html" || fail "the recovered key's record is not marked"
grep -q "itk-void" "$T/rec.html" && fail "the recovered key's record is called void"
"$ITAKU" form render acme/f1-000001 -o "$T/acme.html"
grep -q "itk-void\|itk-recovered" "$T/acme.html" && fail "an ordinary record is marked"
# one function builds both: the report's page is form render's with a way back
sed 's|<p class="itk-nav">.*timeline.html">履歴</a></p>||; s|<style>@media print{.itk-nav{display:none}}</style>||' \
    "$R/forms/beta_r-000004.html" | tr -d '\n' >"$T/a"
tr -d '\n' <"$T/void.html" >"$T/b"
cmp -s "$T/a" "$T/b" || fail "form render and the report's page differ"
ok "form render marks void (∅) and recovered (⚑) records, as the report does"
finish
