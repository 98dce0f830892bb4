#!/usr/bin/env bash
# Issue 15, point 4: evidence attachments. `itaku attach FILE` and
# `--attach FIELD=FILE` on form submit and incident report keep the file's
# bytes as parties/<id>/attachments/<sha256> and cite {filename, sha256} in
# the same signed commit, saying first that every party sees it for ever;
# `itaku attachment show` gives the bytes back, across a bundle too. What it
# withstands, each with its legitimate twin: exactly 20 MiB (kept) and
# 20 MiB + 1 byte (refused, the limit named, by attach and by verify); an
# attachment whose bytes do not match its name, a contractor writing into
# another party's attachments, and a changed or removed attachment, each
# built with stock git (verify refuses, naming commit, rule and path).
. "$(dirname "$0")/lib.sh"

MIB20=$((20 * 1024 * 1024))
setup_city_and_contractor
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
ok "set up: the contractor's clone, acknowledged"

# --- attach: one signed commit, said before it is written -----------------
printf '%%PDF-1.4\n管理体制図\n' >"$T/管理体制図.pdf"
sha=$(sha256sum <"$T/管理体制図.pdf" | cut -d' ' -f1)
before=$(git rev-parse HEAD)
expect_exit 0 "$ITAKU" attach "$T/管理体制図.pdf"
grep -q "every contractor and subcontractor in the chain) will see this file, for ever" "$T/err" ||
    fail "attach does not say that every party sees the file for ever: $(cat "$T/err")"
python3 - "$T/out" "$sha" <<'PY' || fail "attach does not print the {filename, sha256} to cite"
import json, sys
c = json.load(open(sys.argv[1]))
assert c == {"filename": "管理体制図.pdf", "sha256": sys.argv[2]}, c
PY
[ "$(git rev-parse HEAD^)" = "$before" ] || fail "attach did not write one commit"
[ "$(git diff --name-only HEAD^ HEAD)" = "parties/acme/attachments/$sha" ] ||
    fail "attach's commit holds $(git diff --name-only HEAD^ HEAD)"
git cat-file -p "HEAD:parties/acme/attachments/$sha" | cmp - "$T/管理体制図.pdf" ||
    fail "the kept bytes differ from the file"
git log -1 --format=%B | has -x "Itaku-Action: attach" || fail "attach's commit is not an attach action"
git cat-file commit HEAD | has '^gpgsig -----BEGIN SSH SIGNATURE-----' || fail "attach's commit is not signed"
expect_exit 0 "$ITAKU" verify
state=$(state_of .)
expect_exit 0 "$ITAKU" attach "$T/管理体制図.pdf"
expect_output "kept already; nothing was written"
[ "$(state_of .)" = "$state" ] || fail "attaching the same bytes again wrote something"
ok "attach keeps the bytes as attachments/<sha256> in one signed attach commit, after saying every party sees it for ever"

# --- attachment show: the bytes back; a terminal is refused without -o --
expect_exit 0 "$ITAKU" attachment show "$sha" -o "$T/back.pdf"
cmp "$T/back.pdf" "$T/管理体制図.pdf" || fail "attachment show -o gives other bytes"
"$ITAKU" attachment show "${sha:0:10}" >"$T/back2.pdf" || fail "attachment show by prefix to a file failed"
cmp "$T/back2.pdf" "$T/管理体制図.pdf" || fail "attachment show > FILE gives other bytes"
python3 - "$ITAKU" "$sha" "$T/tty.out" <<'PY' || fail "attachment show wrote binary to a terminal"
import os, pty, subprocess, sys
itaku, sha, out = sys.argv[1:]
m, s = pty.openpty()
p = subprocess.run([itaku, "attachment", "show", sha], stdout=s, stderr=subprocess.PIPE)
os.close(s)
os.set_blocking(m, False)
try:
    got = os.read(m, 4096)
except OSError:  # nothing written (EIO once the terminal is closed)
    got = b""
assert p.returncode == 2, p.returncode
assert b"-o FILE" in p.stderr, p.stderr
assert b"PDF" not in got, got
PY
expect_exit 2 "$ITAKU" attachment show "$(printf '%064d' 0)" -o "$T/none"
expect_output "no party's attachments hold"
[ ! -e "$T/none" ] || fail "attachment show wrote a file for a hash no party holds"
ok "attachment show gives the same bytes back (by hash or prefix), refuses a terminal without -o and names a missing hash"

# --- form submit --attach: the form and its files in one commit ----------
head -c 3000 /dev/urandom >"$T/scan.png"
psha=$(sha256sum <"$T/scan.png" | cut -d' ' -f1)
before=$(git rev-parse HEAD)
expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY" --attach "org_chart=$T/scan.png" \
    --attach "attachments=$T/管理体制図.pdf"
f1=$(cat "$T/out")
grep -q "will see this file, for ever" "$T/err" || fail "form submit --attach does not warn"
[ "$(git rev-parse HEAD^)" = "$before" ] || fail "form submit --attach wrote more than one commit"
[ "$(git diff --name-only HEAD^ HEAD | sort)" = "$(printf '%s\n' "parties/acme/attachments/$psha" "parties/acme/forms/form1/$f1.json" | sort)" ] ||
    fail "the commit holds $(git diff --name-only HEAD^ HEAD)"
python3 - "parties/acme/forms/form1/$f1.json" "$psha" "$sha" <<'PY' || fail "the form does not cite its files"
import json, sys
b = json.load(open(sys.argv[1]))["body"]
assert b["org_chart"] == {"filename": "scan.png", "sha256": sys.argv[2]}, b["org_chart"]
assert {"filename": "管理体制図.pdf", "sha256": sys.argv[3]} in b["attachments"], b["attachments"]
PY
expect_exit 0 "$ITAKU" verify
state=$(state_of .)
expect_refused "no attachment field of that name; its attachment fields are: attachments, org_chart" \
    "$ITAKU" form submit 1 "$FORM1_BODY" --attach "photo=$T/scan.png"
expect_refused "takes FIELD=FILE" "$ITAKU" form submit 1 "$FORM1_BODY" --attach "$T/scan.png"
expect_refused "cannot open" "$ITAKU" form submit 1 "$FORM1_BODY" --attach "attachments=$T/nothing.pdf"
: >"$T/empty.pdf"
expect_refused "empty.pdf is empty; attach the document itself" "$ITAKU" attach "$T/empty.pdf"
grep -q "will see this file" "$T/err" && fail "a refused submission warned as if it wrote"
[ "$(state_of .)" = "$state" ] || fail "a refused --attach changed the registry"
ok "form submit --attach FIELD=FILE cites {filename, sha256} and adds the file in the same signed commit; a wrong field, a missing or empty file writes nothing"

# A form file as an office saves it (byte-order mark, CR LF, a template note,
# an era date) is read by --attach exactly as by a plain form submit.
python3 - "$FORM1_BODY" "$T/form1-office.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["submitted_on"] = "令和8年12月1日"
text = "// 参考様式第1号\n" + json.dumps(b, ensure_ascii=False, indent=2)
open(sys.argv[2], "wb").write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
PY
expect_exit 0 "$ITAKU" validate form1 "$T/form1-office.json"
expect_exit 0 "$ITAKU" form submit 1 "$T/form1-office.json" --supersedes "$f1" \
    --attach "org_chart=$T/scan.png"
f1b=$(cat "$T/out")
python3 - "parties/acme/forms/form1/$f1b.json" <<'PY' || fail "--attach did not read the form file as form submit does"
import json, sys
b = json.load(open(sys.argv[1]))["body"]
assert b["submitted_on"] == "2026-12-01", b["submitted_on"]
PY
expect_exit 0 "$ITAKU" verify
ok "form submit --attach reads a form file with a byte-order mark, CR LF, notes and a 令和 date as form submit does"

body=$T/incident.json
python3 - "$SRC/tests/schema-corpus/incident/valid" "$body" <<'PY'
import json, os, sys
d = sys.argv[1]
f = json.load(open(os.path.join(d, sorted(os.listdir(d))[0])))
f.pop("attachments", None)
json.dump(f, open(sys.argv[2], "w"), ensure_ascii=False)
PY
printf 'erasure log\n' >"$T/erasure.log"
esha=$(sha256sum <"$T/erasure.log" | cut -d' ' -f1)
expect_exit 0 "$ITAKU" incident report "$body" --attach "attachments=$T/erasure.log"
git cat-file -e "HEAD:parties/acme/attachments/$esha" || fail "incident report --attach did not keep the file"
grep -q "\"sha256\": \"$esha\"" "parties/acme/incidents/$(cat "$T/out").json" || fail "the incident does not cite the file"
expect_exit 0 "$ITAKU" verify
ok "incident report --attach keeps and cites the file in one commit"

# --- 20 MiB exactly: kept; 20 MiB + 1 byte: refused, the limit named ------
head -c "$MIB20" /dev/urandom >"$T/big"
bsha=$(sha256sum <"$T/big" | cut -d' ' -f1)
expect_exit 0 "$ITAKU" attach "$T/big"
git cat-file -e "HEAD:parties/acme/attachments/$bsha" || fail "the 20 MiB attachment was not kept"
expect_exit 0 "$ITAKU" verify
cp "$T/big" "$T/big1"
printf 'x' >>"$T/big1"
expect_refused "big1 is 20971521 bytes, larger than the limit of an attachment, 20 MiB \(20971520 bytes\)" \
    "$ITAKU" attach "$T/big1"
grep -q "will see this file" "$T/err" && fail "a refused attach warned as if it wrote"
expect_refused "larger than the limit of an attachment, 20 MiB" \
    "$ITAKU" form submit 1 "$FORM1_BODY" --attach "attachments=$T/big1"
ok "an attachment of exactly 20 MiB is kept and verifies; 20 MiB + 1 byte is refused naming the limit, nothing written"

# the same +1 byte attachment committed with stock git: verify refuses it (V10)
stock_attach() { # stock_attach PATH FILE: a signed acme commit adding FILE at PATH
    mkdir -p "$(dirname "$1")"
    cp "$2" "$1"
    git add "$1"
    stock_commit . "$T/acme.key" "Attach by hand

$(printf 'Itaku-Party: acme\nItaku-Principal: manager\nItaku-Action: attach\nItaku-Content-SHA256: %s\n' \
        "$(printf '%s %s\n' "$1" "$(sha256sum <"$2" | cut -d' ' -f1)" | sha256sum | cut -d' ' -f1)")"
}
main=$(git rev-parse main)
git checkout -q -b hostile
b1sha=$(sha256sum <"$T/big1" | cut -d' ' -f1)
stock_attach "parties/acme/attachments/$b1sha" "$T/big1"
expect_rejected "$(git rev-parse HEAD)" V10 "parties/acme/attachments/$b1sha"
expect_output "larger than the limit of an attachment, 20 MiB \(20971520 bytes\)"
git reset -q --hard "$main"
head -c "$MIB20" /dev/urandom >"$T/big2"
stock_attach "parties/acme/attachments/$(sha256sum <"$T/big2" | cut -d' ' -f1)" "$T/big2"
expect_exit 0 "$ITAKU" verify
ok "verify refuses a stock-git attachment of 20 MiB + 1 byte (V10, the limit named) and takes its twin of exactly 20 MiB"

# --- bytes that do not match the name (stock git): V10 with the path ------
git reset -q --hard "$main"
printf 'the real scan\n' >"$T/real"
printf 'something else\n' >"$T/fake"
rsha=$(sha256sum <"$T/real" | cut -d' ' -f1)
stock_attach "parties/acme/attachments/$rsha" "$T/fake"
expect_rejected "$(git rev-parse HEAD)" V10 "parties/acme/attachments/$rsha"
expect_output "an attachment must be named by the SHA-256 of its content \($(sha256sum <"$T/fake" | cut -d' ' -f1)\)"
git reset -q --hard "$main"
stock_attach "parties/acme/attachments/$rsha" "$T/real"
expect_exit 0 "$ITAKU" verify
ok "verify refuses a stock-git attachment whose bytes do not match its name (V10, path named); the matching twin passes"

# --- a contractor writing into another party's attachments: V2 -----------
git reset -q --hard "$main"
stock_attach "parties/akiruno-city/attachments/$rsha" "$T/real"
expect_rejected "$(git rev-parse HEAD)" V2 "parties/akiruno-city/attachments/$rsha"
expect_output "acme may write only under parties/acme/"
git reset -q --hard "$main"
stock_attach "parties/acme/attachments/$rsha" "$T/real"
expect_exit 0 "$ITAKU" verify
ok "verify refuses acme's commit adding to the city's attachments (V2); the twin in its own folder passes"

# --- append-only: an attachment changed or removed is refused (V4) ------
own=parties/acme/attachments/$sha
git reset -q --hard "$main"
cp "$T/fake" "$own"
git add "$own"
stock_commit . "$T/acme.key" "Change an attachment

$(printf 'Itaku-Party: acme\nItaku-Principal: manager\nItaku-Action: attach\nItaku-Content-SHA256: %s\n' \
    "$(printf '%s %s\n' "$own" "$(sha256sum <"$T/fake" | cut -d' ' -f1)" | sha256sum | cut -d' ' -f1)")"
expect_rejected "$(git rev-parse HEAD)" V4 "$own"
git reset -q --hard "$main"
git rm -q "$own"
stock_commit . "$T/acme.key" "Remove an attachment

$(printf 'Itaku-Party: acme\nItaku-Principal: manager\nItaku-Action: attach\nItaku-Content-SHA256: %s\n' \
    "$(printf '' | sha256sum | cut -d' ' -f1)")"
expect_rejected "$(git rev-parse HEAD)" V4 "$own"
git checkout -q main
git branch -q -D hostile
expect_exit 0 "$ITAKU" verify
ok "an attachment changed or removed is refused (V4); main, which only adds, verifies"

# --- across a bundle: attached at acme, shown at the city, same bytes -----
expect_exit 0 "$ITAKU" bundle create "$T/acme.bundle" --for akiruno-city
cd "$T/city"
expect_exit 0 "$ITAKU" bundle import "$T/acme.bundle" --from acme
expect_exit 0 "$ITAKU" receive acme
expect_exit 0 "$ITAKU" attachment show "$bsha" -o "$T/big.back"
cmp "$T/big.back" "$T/big" || fail "the 20 MiB attachment differs at the city"
expect_exit 0 "$ITAKU" attachment show "$psha" -o "$T/scan.back"
cmp "$T/scan.back" "$T/scan.png" || fail "the scan differs at the city"
expect_exit 0 "$ITAKU" verify
ok "attachments (one of exactly 20 MiB) cross a bundle to the city, which gets identical bytes back"

# --- the hosted hook and fetch carry 20 MiB; 20 MiB + 1 byte is refused ----
HUB=$T/hub
expect_exit 0 "$ITAKU" server init "$HUB" --city-key "$CITY_FPR" --genesis "$GENESIS"
hub_refs() { git -C "$HUB" for-each-ref --format='%(refname) %(objectname)'; }
push_as() { # push_as PARTY ARGS...: stock git push to the hub as PARTY's login would
    local party=$1
    shift
    ITAKU_PARTY=$party git push "$HUB" "$@"
}
expect_exit 0 push_as akiruno-city main:main
cd "$T/acme"
head -c "$MIB20" /dev/urandom >"$T/hub20"
hsha=$(sha256sum <"$T/hub20" | cut -d' ' -f1)
expect_exit 0 "$ITAKU" attach "$T/hub20"
git checkout -q -b over
head -c $((MIB20 + 1)) /dev/urandom >"$T/hub21"
stock_attach "parties/acme/attachments/$(sha256sum <"$T/hub21" | cut -d' ' -f1)" "$T/hub21"
before=$(hub_refs)
expect_exit 1 push_as acme over:refs/heads/parties/acme/main
expect_output "20971520"
[ "$(hub_refs)" = "$before" ] || fail "the hook took an attachment of 20 MiB + 1 byte"
git checkout -q main
git branch -q -D over
expect_exit 0 push_as acme main:refs/heads/parties/acme/main
cd "$T/city"
expect_exit 0 "$ITAKU" remote add hub "$HUB" --party akiruno-city
expect_exit 0 "$ITAKU" fetch hub
expect_exit 0 "$ITAKU" receive acme
expect_exit 0 "$ITAKU" attachment show "$hsha" -o "$T/hub20.back"
cmp "$T/hub20.back" "$T/hub20" || fail "the 20 MiB attachment differs after the hub and fetch"
expect_exit 0 "$ITAKU" verify
ok "the hosted hook takes a line with an attachment of exactly 20 MiB and refuses 20 MiB + 1 byte; fetch brings the bytes to the city unchanged"

# --- form pages and the report list each attachment -------------------------
cd "$T/acme"
cp "$T/scan.png" "$T/photo.png"
expect_exit 0 "$ITAKU" form render "$f1" -o "$T/f1.html"
python3 - "$T/f1.html" "$psha" "$sha" <<'PY' || fail "the form page does not list its attachments"
import sys
page = open(sys.argv[1], encoding="utf-8").read()
assert "添付ファイル" in page
for want in ("scan.png", "管理体制図.pdf", sys.argv[2], sys.argv[3], "3000 バイト", "2.9 KiB"):
    assert want in page, want
assert "欠落" not in page
assert page.index("添付ファイル") < page.index('<div class="sig">'), "not before the signature"
PY
expect_exit 0 "$ITAKU" form render "$f1" --format md
expect_output "\| scan.png \| 2.9 KiB \(3000 バイト\) \| \`$psha\` \|"
expect_exit 0 "$ITAKU" report --html "$T/report" --at "$(day 0)"
python3 - "$T/report" "$f1" "$psha" "$sha" "$bsha" <<'PY' || fail "the report does not list and copy the attachments"
import os, sys
rep, f1, psha, sha, bsha = sys.argv[1:]
page = open(os.path.join(rep, "forms", f"acme_{f1}.html"), encoding="utf-8").read()
assert f'<img src="../attachments/{psha}.png"' in page, "the image is not inline"
assert f'<a href="../attachments/{sha}.pdf">管理体制図.pdf</a>' in page, "the PDF is not linked"
index = open(os.path.join(rep, "index.html"), encoding="utf-8").read()
assert "<h2>添付ファイル</h2>" in index
assert f'<a href="attachments/{psha}.png">scan.png</a>' in index
assert f'<a href="forms/acme_{f1}.html">acme/{f1}</a>' in index
PY
cmp "$T/report/attachments/$psha.png" "$T/scan.png" || fail "the report's copy of the image differs"
cmp "$T/report/attachments/$sha.pdf" "$T/管理体制図.pdf" || fail "the report's copy of the PDF differs"
ok "form render and the report list each attachment with name, size and hash; the report copies them (image inline, PDF linked)"

# --- a form citing an attachment nobody holds: missing, status incomplete --
status_findings() { # the attachments_present findings of status --json in the contract's first days
    "$ITAKU" status --json --at "$(day 0)" >"$T/status.json" || true
    python3 -c 'import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] == "attachments_present":
        print(f["record"], f["state"], f["detail"])' "$T/status.json"
}
[ -z "$(status_findings)" ] || fail "status finds a missing attachment where every one is kept: $(status_findings)"
env LANG=ja_JP.UTF-8 "$ITAKU" status --at "$(day 0)" >"$T/st.txt" || true
grep -q 引用した添付書類の保管 "$T/st.txt" && fail "status lists a missing attachment where every one is kept"
ghost=$(printf 'never attached' | sha256sum | cut -d' ' -f1)
python3 - "$FORM1_BODY" "$ghost" "$psha" >"$T/ghost.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
b["attachments"] = [{"filename": "誓約書.pdf", "sha256": sys.argv[2]}]
b["org_chart"] = {"filename": "scan.png", "sha256": sys.argv[3]}
print(json.dumps(b, ensure_ascii=False))
PY
expect_exit 0 "$ITAKU" form submit 1 "$T/ghost.json"
g=$(cat "$T/out")
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" form render "$g" -o "$T/ghost.html"
grep -q "欠落: 引用された添付ファイル 1 件が登録簿にありません。この様式は不完全です。" "$T/ghost.html" ||
    fail "the form page does not say the attachment is missing"
grep -q "誓約書.pdf" "$T/ghost.html" || fail "the missing file's name is not shown"
status_findings | has "^acme/$g overdue incomplete: attachments cites 誓約書.pdf" ||
    fail "status does not report the form incomplete: $(status_findings)"
expect_exit 1 env LANG=ja_JP.UTF-8 "$ITAKU" status --at "$(day 0)"
expect_output "引用した添付書類の保管"
printf 'never attached' >"$T/誓約書.pdf"
expect_exit 0 "$ITAKU" attach "$T/誓約書.pdf"
[ -z "$(status_findings)" ] || fail "status still finds the attachment missing once kept: $(status_findings)"
env LANG=ja_JP.UTF-8 "$ITAKU" status --at "$(day 0)" >"$T/st.txt" || true
grep -q 引用した添付書類の保管 "$T/st.txt" && fail "status lists a missing attachment where every one is kept"
expect_exit 0 "$ITAKU" form render "$g" -o "$T/ghost.html"
grep -q "欠落" "$T/ghost.html" && fail "the form page still says missing once the file is kept"
ok "a form citing an attachment nobody holds shows it missing and status reports it incomplete (exit 1); attaching the file clears both"

finish
