#!/usr/bin/env bash
# Issue 15 point 1: every code has its Japanese label, from the registry's
# labels catalog (labels/ja.v<N>.json, the newest version, written by init). The city's papers —
# form pages, the report, the register CSV — and the text tables of status
# and who show the labels (受領, not received); --json keeps the codes; log
# shows the label beside the signed subject without rewriting it. A registry
# made before catalogs existed still renders, with codes and one note, and
# shows labels once the city runs `itaku contract upgrade`. A registry made
# when only ja.v1.json was released keeps it as it was: the words added in
# ja.v2.json show as codes until contract upgrade publishes v2.
. "$(dirname "$0")/lib.sh"
# the text screens show the registry's catalog when they speak Japanese (in
# English, the words itaku carries: test_screen_language.sh)

setup_city_and_contractor
cd "$T/acme"
expect_exit 0 "$ITAKU" acknowledge
expect_exit 0 "$ITAKU" register add --file "$REGISTER_BODY"
R1=$(cat "$T/out")
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
git cat-file -e HEAD:labels/ja.v1.json || fail "init wrote no labels/ja.v1.json"
git cat-file -e HEAD:labels/ja.v2.json || fail "init wrote no labels/ja.v2.json"
! git show HEAD:labels/ja.v1.json | has principal || fail "ja.v1.json is not as released: it has the principal words of v2"
ok "set up: acme acknowledged and filed register entry $R1 (received, usb, hand-delivery); the city received it"

# no_code FILE CODE...: none of the codes appears in FILE as a word
no_code() {
    local file=$1 code
    shift
    for code in "$@"; do
        grep -qwF -- "$code" "$file" && fail "$file shows the code '$code' where a label exists"
    done
    return 0
}

# --- the form page, Markdown and HTML ---------------------------------------
expect_exit 0 "$ITAKU" form render "$R1" --format md
for s in 受領 USBメモリ 手渡し "参考様式第3号 重要指定情報管理記録簿"; do
    grep -qF -- "$s" "$T/out" || fail "the Markdown page lacks $s"
done
no_code "$T/out" received usb hand-delivery
grep -q "labels catalog" "$T/err" && fail "a registry with a catalog got the no-catalog note"
expect_exit 0 "$ITAKU" form render "$R1" --format html -o "$T/r1.html"
grep -qF 受領 "$T/r1.html" || fail "the HTML page lacks 受領"
sed 's/<[^>]*>/ /g' "$T/r1.html" >"$T/r1.txt"
no_code "$T/r1.txt" received usb hand-delivery
ok "form render: 受領, USBメモリ, 手渡し in Markdown and HTML, never the codes"

# the fill-in template: the code to write, its label beside it
expect_exit 0 "$ITAKU" form new 3
grep -qF "received（受領） | returned（返却）" "$T/out" || fail "form new 3 gives no labels beside the choices"
grep -qF "usb（USBメモリ）" "$T/out" || fail "form new 3 gives no label beside usb"
ok "form new: each choice's code with its label beside it"

# --- the report --------------------------------------------------------------
expect_exit 0 "$ITAKU" report --html "$T/report" --at "$(day 3)"
page=$(ls "$T"/report/forms/acme_r-*.html | head -1)
[ -f "$page" ] || fail "the report has no page of the register entry"
sed 's/<[^>]*>/ /g' "$page" >"$T/page.txt"
grep -qF 受領 "$T/page.txt" || fail "the report's register page lacks 受領"
no_code "$T/page.txt" received usb hand-delivery
sed 's/<style>.*<\/style>//; s/<[^>]*>/ /g' "$T/report/index.html" >"$T/index.txt"
for s in 遵守事項の受諾 作業開始前の管理体制届出 受注者 適合; do
    grep -qF -- "$s" "$T/index.txt" || fail "the report's index lacks $s"
done
no_code "$T/index.txt" subcontract_acknowledged form1_before_work contractor
ok "report: the register page in labels, rule names, roles and states in Japanese"

# --- CSV exports ---------------------------------------------------------------
expect_exit 0 "$ITAKU" register export --csv
for s in '"受領"' '"USBメモリ"' '"手渡し"'; do
    grep -qF -- "$s" "$T/out" || fail "register export --csv lacks $s"
done
no_code "$T/out" received usb hand-delivery
"$ITAKU" status --csv --at "$(day 3)" >"$T/status.csv" || true
for s in 事業者 遵守事項の受諾 適合; do
    grep -qF -- "$s" "$T/status.csv" || fail "status --csv lacks $s"
done
no_code "$T/status.csv" subcontract_acknowledged
grep -qF '"?"' "$T/status.csv" "$T/out" && fail "an empty CSV cell reads \"?\": $(grep -F '"?"' "$T/status.csv" "$T/out")"
ok "register export --csv and status --csv: the city's words; an empty cell is empty, never \"?\""

# --- status and who: text tables labelled, --json in codes -----------------------
"${JA[@]}" "$ITAKU" status --at "$(day 3)" >"$T/status.txt" 2>"$T/err" || true
for s in "株式会社アクメ（acme、受注者）" 遵守事項の受諾 作業開始前の管理体制届出 適合; do
    grep -qF -- "$s" "$T/status.txt" || fail "the status table lacks $s"
done
no_code "$T/status.txt" subcontract_acknowledged form1_before_work
grep -qF "管理体制届出書（様式第1号）が未提出" "$T/status.txt" ||
    fail "the status table does not give the finding in Japanese"
"$ITAKU" status --json --at "$(day 3)" >"$T/status.json" || true
python3 - "$T/status.json" <<'PY' || fail "status --json lost its codes"
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
rules = {(x["rule"], x["state"]) for x in f}
assert ("subcontract_acknowledged", "ok") in rules, rules
assert any(x["detail"] == "no form 1 (management system) filed yet" for x in f), f
PY
expect_exit 0 "${JA[@]}" "$ITAKU" who
for s in "（acme、受注者）" 受領; do
    grep -qF -- "$s" "$T/out" || fail "the who table lacks $s"
done
no_code "$T/out" contractor received
expect_exit 0 "$ITAKU" who --json
python3 - "$T/out" <<'PY' || fail "who --json lost its codes"
import json, sys
p = {x["party"]: x for x in json.load(open(sys.argv[1]))["parties"]}
assert p["acme"]["role"] == "contractor" and p["acme"]["items"][0]["action"] == "received", p
PY
ok "status and who: labels in the tables, codes in --json"

# --- log: the label instead of the signed English subject on a Japanese screen,
# the subject as signed on an English one
subject=$(git log --format=%s --diff-filter=A -1 -- "parties/acme/register/$R1.json")
expect_exit 0 "${JA[@]}" "$ITAKU" log
grep -qE -- "  提出: 重要指定情報管理記録簿$" "$T/out" ||
    fail "log does not show the label of '$subject': $(cat "$T/out")"
grep -qF -- "$subject" "$T/out" && fail "log on a Japanese screen shows the English subject '$subject'"
grep -qF -- "  台帳の開設" "$T/out" || fail "log does not name the genesis in the catalog's words"
expect_exit 0 "$ITAKU" log
grep -qF -- "$subject" "$T/out" || fail "log on an English screen does not show the signed subject '$subject'"
expect_exit 0 "$ITAKU" log --json
python3 - "$T/out" "$subject" <<'PY' || fail "log --json changed the subject"
import json, sys
e = json.load(open(sys.argv[1]))
s = [x["subject"] for x in e if x["action"] == "submit"]
assert s == [sys.argv[2]], s
assert not any("〔" in x["subject"] for x in e)
PY
[ "$(git log --format=%s --diff-filter=A -1 -- "parties/acme/register/$R1.json")" = "$subject" ] ||
    fail "the signed subject changed"
ok "log: 〔提出: 重要指定情報管理記録簿〕 beside the subject; --json and git keep the subject as signed"

# --- a registry made before catalogs -------------------------------------------
# (labels/ taken out of a scratch copy, as if it predated them): codes and
# one note; contract upgrade adds the catalog, then labels
git clone -q "$T/city" "$T/old"
cd "$T/old"
git config itaku.signingKey "$T/city.key"
git config itaku.party akiruno-city
tree=$(git ls-tree HEAD | grep -v "	labels$" | git mktree)
root=$(git -c gpg.format=ssh -c user.signingkey="$T/city.key" commit-tree -S "$tree" -m "scratch")
git reset -q --hard "$root"
expect_exit 0 "$ITAKU" form render "$R1" --format md
grep -qwF received "$T/out" || fail "a registry without a catalog does not show the code"
[ "$(grep -c "no labels catalog" "$T/err")" = 1 ] || fail "no single note about the missing catalog: $(cat "$T/err")"
expect_exit 0 "$ITAKU" register export --csv
grep -qF '"received"' "$T/out" || fail "the CSV of a registry without a catalog lacks the code"
expect_exit 0 "$ITAKU" contract versions
expect_output "^labels +ja +- +v2  adds$"
expect_exit 0 "$ITAKU" contract upgrade
git cat-file -e HEAD:labels/ja.v1.json || fail "contract upgrade did not add the catalog"
git cat-file -e HEAD:labels/ja.v2.json || fail "contract upgrade did not add ja.v2.json"
expect_exit 0 "$ITAKU" form render "$R1" --format md
grep -qF 受領 "$T/out" || fail "after the upgrade the page does not show 受領"
no_code "$T/out" received usb hand-delivery
grep -q "labels catalog" "$T/err" && fail "the note stays after the upgrade"
ok "a registry without labels/ renders codes with one note; contract upgrade adds the catalog and the labels show"

# --- a registry made when only ja.v1.json was released ------------------------
# (ja.v2.json taken out of a scratch copy's history, as if made then): v1's
# words, the code where v2 added one (officer); contract upgrade publishes
# v2 as a signed city change, verify accepts both, and 担当職員 shows
# (a new registry whose genesis is made again, signed by the city with its
# message, without ja.v2.json: as `itaku init` made it when v1 was released)
"$ITAKU" init "$T/v1only" --contract C-2026-002 --title "v1" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" --start "$(day -1)" --end "$(day 119)" >/dev/null
cd "$T/v1only"
labels=$(git ls-tree HEAD:labels | grep -F "	ja.v1.json" | git mktree)
tree=$(git ls-tree HEAD | grep -v "	labels$" | { cat; printf '040000 tree %s\tlabels\n' "$labels"; } | git mktree)
content=$(git ls-tree -r --name-only "$tree" | while read -r p; do
    printf '%s %s\n' "$p" "$(git cat-file blob "$tree:$p" | sha256sum | cut -d' ' -f1)"
done | LC_ALL=C sort | sha256sum | cut -d' ' -f1)
root=$(git log -1 --format=%B | sed "s/^Itaku-Content-SHA256: .*/Itaku-Content-SHA256: $content/" |
    git -c gpg.format=ssh -c user.signingkey="$T/city.key" commit-tree -S "$tree")
git reset -q --hard "$root"
git config itaku.genesis "$root"
git config itaku.signingKey "$T/city.key"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" party add acme --role contractor --name "株式会社アクメ" --pubkey "$T/acme.key.pub"
[ "$(git ls-tree -r --name-only HEAD labels)" = labels/ja.v1.json ] || fail "the scratch copy holds more than ja.v1.json"
expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 60)" --text "月次報告"
N1=$(cat "$T/out")
expect_exit 0 "$ITAKU" form render "$N1" --format md
has -F "| 担当者 | officer |" <"$T/out" || fail "a v1-only registry does not show the code officer: $(grep 担当者 "$T/out")"
has -F 報告の求め <"$T/out" || fail "a v1-only registry lost v1's 報告の求め"
grep -q "labels catalog" "$T/err" && fail "a v1-only registry got the no-catalog note"
# a hosted copy with the pre-receive hook (hooks/pre-receive) takes it too
expect_exit 0 "$ITAKU" server init "$T/v1hub" --city-key "$CITY_FPR" --genesis "$root"
ITAKU_PARTY=akiruno-city git push -q "$T/v1hub" main:main 2>"$T/err" || fail "the hub refused the v1-only registry: $(cat "$T/err")"
expect_exit 0 "$ITAKU" contract versions
expect_output "^labels +ja +v1 +v2  adds$"
expect_exit 0 "$ITAKU" contract upgrade
expect_output "1 new"
ITAKU_PARTY=akiruno-city git push -q "$T/v1hub" main:main 2>"$T/err" ||
    fail "the hub's hook refused the upgrade bringing ja.v2.json: $(cat "$T/err")"
[ "$(git -C "$T/v1hub" rev-parse main)" = "$(git rev-parse HEAD)" ] || fail "the hub did not take the upgrade"
git diff --name-status HEAD~1 HEAD >"$T/diff"
[ "$(cat "$T/diff")" = "$(printf 'A\tlabels/ja.v2.json')" ] || fail "contract upgrade changed more than adding ja.v2.json: $(cat "$T/diff")"
git log -1 --format=%B | has "^Itaku-Action: contract-update" || fail "the upgrade is not a contract-update commit"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" form render "$N1" --format md
has -F "| 担当者 | 担当職員 |" <"$T/out" || fail "after the upgrade the page does not show 担当職員"
expect_exit 0 "$ITAKU" contract upgrade
expect_exit 0 "$ITAKU" contract versions
expect_output "^labels +ja +v2 +v2  -$"
ok "a registry with ja.v1.json only shows officer where v2 says 担当職員; contract upgrade adds ja.v2.json alone (verify and the hub's hook accept it) and 担当職員 shows"
cd "$T/city"
expect_exit 0 "$ITAKU" form render "$R1" --format md
has -F "| 担当者 | 管理責任者 |" <"$T/out" || fail "a new registry does not show 管理責任者 from the start"
ok "a new registry shows 管理責任者 from the start"

# --- status: when a form reached the city and the date it bears, in Japanese --
cd "$T/acme"
expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
"${JA[@]}" "$ITAKU" status --at "$(day 3)" >"$T/status.txt" 2>"$T/err" || true
grep -qE "（受領日時 [0-9-]+ [0-9:]+、記載日 [0-9-]+）" "$T/status.txt" ||
    fail "the status table does not say 受領日時 and 記載日: $(cat "$T/status.txt")"
grep -qF "(received " "$T/status.txt" && fail "the status table says (received …, dated …) in English"
ok "status: a received form shows （受領日時 …、記載日 …） in the table, not (received …, dated …)"
cd "$T/city"
expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 60)" --text "月次報告"
expect_exit 0 "${JA[@]}" "$ITAKU" instructions
grep -qE "株式会社アクメ +報告の求め +$(day 60)" "$T/out" || fail "instructions does not show 株式会社アクメ and 報告の求め: $(cat "$T/out")"
no_code "$T/out" report
ok "instructions: the kind in the city's words (報告の求め), aligned"
finish
