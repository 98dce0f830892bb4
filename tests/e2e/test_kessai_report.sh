#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V12, V9): a key that sealed a decision is reported
# compromised after the decision. Main stays verifiable; the seal signed
# after the key's last good commit is void, and so is the decision that key
# merged (its seal completed the rule): the request is open again (V9);
# the report's 申請と決定, as headless Chromium renders it, says which
# seal's key was reported compromised and when, so an auditor sees it. Its
# twin, a decision sealed by a key never reported, shows nothing of the kind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] || fail "chromium is missing (test_report.sh installs it)"

setup_kessai
cd "$T/city"
KACHO_FPR=$(ssh-keygen -lf "$T/kacho.key.pub" | awk '{print $2}')
# q-000001 sealed by kacho, q-000002 by kacho2
expect_exit 0 "$ITAKU" approve acme/q-000001
BEFORE_SEAL=$(git rev-parse main)
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --key "$T/kacho2.key"
expect_output "acme/q-000002 is approved"
# learnt later: kacho's key leaked before it sealed
expect_exit 0 "$ITAKU" key compromised "$KACHO_FPR" --last-good "$BEFORE_SEAL" --reason "鍵の紛失"
DAY=$(git log -1 --format=%cd --date=format-local:%Y-%m-%d main)
# main verifies; the seal and the decision kacho's key merged are void (V9)
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" report --html "$T/site" --at 2099-12-31
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$T/chrome" --dump-dom "file://$T/site/index.html" >"$T/index.dom" \
    2>>"$T/chrome.log" || fail "chromium cannot load the report"
python3 - "$T/index.dom" "$DAY" <<'PY' || fail "the report's 申請と決定 does not show the compromised seal"
import html, re, sys
dom, day = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
sec = dom.split("<h2>申請と決定</h2>", 1)[1].split("<h2>", 1)[0]
rows = {}
for r in sec.split("<tr>")[1:]:
    text = html.unescape(re.sub(r"<[^>]+>", " ", r))
    m = re.search(r"q-00000\d", text)
    if m:
        rows[m.group(0)] = " ".join(text.split())
want = "印の鍵の漏えい届出 %s: 課長 kacho の印（漏えい後の押印、無効）" % day
assert want in rows["q-000001"], rows["q-000001"]
assert "審査中" in rows["q-000001"], rows["q-000001"]
assert "∅ 無効（漏えい後の決定、数えない）" in rows["q-000001"], rows["q-000001"]
assert "承認" in rows["q-000002"], rows["q-000002"]
assert "漏えい" not in rows["q-000002"], rows["q-000002"]
PY
ok "a seal whose key is reported compromised after the decision: the report's 申請と決定 names the post, the officer and the day of the report, and that the seal is void; the twin sealed by another 課長 shows nothing"

finish
