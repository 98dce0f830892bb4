#!/usr/bin/env bash
# `make demo` must keep telling its story: run it and check the key lines,
# then read its registries as a city officer would: every date inside the
# contract, every form naming the companies by their names.
. "$(dirname "$0")/lib.sh"
ITAKU_DEMO_DIR=$T/demo bash "$(dirname "$0")/demo.sh" >"$T/demo.out" 2>&1 || { cat "$T/demo.out" >&2; fail "demo failed"; }
[ "$(grep -cE '^verified [0-9]+ commits: every signature and rule holds$' "$T/demo.out")" = 3 ] ||
    fail "demo: city, contractor and subcontractor do not all verify"
grep -q '^Approved acme/q-000001 in commit' "$T/demo.out" || fail "demo: no subcontract approval"
grep -q '^Endorsed beta/q-000001' "$T/demo.out" || fail "demo: no endorsement"
# status speaks the locale's language (the suite's C.UTF-8: English; make
# demo under LANG=ja_JP.UTF-8: Japanese, which test_demo_ja checks)
grep -qE '^  beta \((再委託先|subcontractor)\)$' "$T/demo.out" || fail "demo: status does not show the chain"
grep -qE '指示への期限内の対応|instruction answered on time' "$T/demo.out" || fail "demo: the answer is not in the status"
grep -q '参考様式第6号 再委託承認申請書' "$T/demo.out" || fail "demo: form 6 not rendered"
grep -q 'Good "git" signature for akiruno-city/officer' "$T/demo.out" || fail "demo: stock git did not verify"
grep -qE '^[0-9a-f]{12} V4 parties/acme/forms/form1/f1-000001.json' "$T/demo.out" || fail "demo: forged edit not caught"
grep -q '^pledge-at-city.pdf is the file acme attached' "$T/demo.out" || fail "demo: the pledge did not come back out at the city"
grep -q 'will see this file, for ever' "$T/demo.out" || fail "demo: attach does not say every party sees the file"
grep -q '^## 添付ファイル' "$T/demo.out" || fail "demo: form 6 does not list its attachment"
ok "make demo tells the whole story: city → contractor → subcontractor, verified, with attachments"

# The city's status before the forged edit: nothing overdue or violated.
grep -qE '^Obligations as of .*: 0 overdue, 0 violated, ' "$T/demo.out" ||
    fail "demo: the city's status shows an overdue or violated obligation: $(grep '^Obligations' "$T/demo.out")"
ok "the demo's chain keeps every obligation (none overdue or violated)"

# Every date in the records the city holds lies within the contract period.
# The registry opens, and forms 1 and 2 (due before the work starts) are
# filed, on the day before the period starts: a date that is the day its
# record was written may be that day; any other date (periods, dues,
# validity, training days) must lie within the period.
city=$T/demo/city
python3 - "$city" <<'PY' || fail "demo: a date outside the contract period (above)"
import json, os, re, subprocess, sys
city = sys.argv[1]
contract = json.load(open(os.path.join(city, "itaku.json")))
start, end = contract["period"]["start"], contract["period"]["end"]
root = subprocess.run(["git", "-C", city, "log", "--max-parents=0", "--format=%cd",
                       "--date=format-local:%Y-%m-%d", "main"], capture_output=True, text=True,
                      env=dict(os.environ, TZ="JST-9"), check=True).stdout.split()
opened = root[0]
bad, seen = [], 0
if not opened < start <= end:
    bad.append(f"the registry opened {opened}, the contract runs {start} to {end}")
date = re.compile(r"(?<![0-9])(\d{4}-\d{2}-\d{2})(?![0-9])")
for d, _, files in os.walk(os.path.join(city, "parties")):
    if os.path.basename(d) == "attachments":
        continue  # files, not records
    for f in files:
        p = os.path.join(d, f)
        text = open(p, encoding="utf-8").read()
        rec = json.loads(text)
        written = rec.get("created", "")[:10]
        for m in date.findall(text):
            seen += 1
            if not opened <= m <= end:
                bad.append(f"{p[len(city) + 1:]}: {m} is outside {opened}..{end}")
            elif m != written and not start <= m <= end:
                bad.append(f"{p[len(city) + 1:]}: {m} is outside the contract period {start}..{end}")
commits = subprocess.run(["git", "-C", city, "log", "--all", "--format=%h %cd",
                          "--date=format-local:%Y-%m-%d"], capture_output=True, text=True,
                         env=dict(os.environ, TZ="JST-9"), check=True).stdout.split("\n")
for c in filter(None, commits):
    h, day = c.split()
    if not opened <= day <= end:
        bad.append(f"commit {h} is dated {day}, outside {opened}..{end}")
if seen < 30:
    bad.append(f"only {seen} dates found in the records: the walk is wrong")
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
PY
ok "every date in the demo's records lies within the contract period (the day of opening aside)"

# Form 6 names the contractor and the subcontractor by their company names,
# as the parties were registered, never by a party id or a sample name.
sed -n '/^# 参考様式第6号/,/^## 電子署名/p' "$T/demo.out" >"$T/form6.md"
grep -A3 '受注者（所在地・名称・代表者）' "$T/form6.md" | has '\*\*名称\*\*: 株式会社アクメ情報サービス$' ||
    fail "form 6 does not name the contractor 株式会社アクメ情報サービス: $(cat "$T/form6.md")"
grep -A2 '\*\*再委託先\*\*' "$T/form6.md" | has '\*\*名称\*\*: ベータ開発株式会社$' ||
    fail "form 6 does not name the subcontractor ベータ開発株式会社: $(cat "$T/form6.md")"
grep -q '"name": "株式会社アクメ情報サービス"' "$city/parties/acme/party.json" ||
    fail "the contractor is registered under another name"
grep -q '"name": "ベータ開発株式会社"' "$city/parties/beta/party.json" ||
    fail "the subcontractor is registered under another name than its form 6 gives"
if grep -rlE 'サンプル|有限会社テスト|test-sub|example\.co\.jp' "$city/parties" "$T/demo.out"; then
    fail "the demo's records still hold sample data (files above)"
fi
ok "form 6 names the contractor and the subcontractor by their company names"
finish
