#!/usr/bin/env bash
# Issue 14, points 1 and 2: what a person reads is what the history holds.
# Text from other parties (commit subjects, record fields, names, file names
# in trees) carrying terminal sequences (a window title, cursor movement,
# erase line, a colour that fakes "verified"), C1 controls, a bidirectional
# override or a line break that fakes a table row is shown, never obeyed, by
# log, history, requests, status, who, verify and the report; --json keeps
# the exact text; new records (schemas v2) refuse such controls. A commit
# message in Shift_JIS never makes log --json, history --json, the report or
# the CSV invalid: it is decoded, and log says so. Each hostile case has a
# legitimate twin whose text is shown unchanged.
. "$(dirname "$0")/lib.sh"

# inert FILE...: each file is valid UTF-8 and holds nothing a terminal would
# obey or that reorders text: no C0 control but the line feed, no DEL, no C1
# control, no bidirectional control, no line or paragraph separator.
inert() {
    python3 - "$@" <<'PY' || fail "output a terminal would obey (see above)"
import re, sys
bad = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
for f in sys.argv[1:]:
    raw = open(f, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        sys.exit("%s: not UTF-8: %s" % (f, e))
    m = bad.search(text)
    if m:
        sys.exit("%s: holds U+%04X: %r" % (f, ord(m.group()), text[max(0, m.start() - 40):m.end() + 40]))
PY
}

# json_field FILE PYEXPR: prints PYEXPR evaluated with j = the JSON of FILE
# (python3's json parser, strict: it refuses invalid UTF-8).
json_field() {
    python3 -c 'import json, sys
j = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
print(eval(sys.argv[2]))' "$1" "$2"
}

setup_city_and_contractor
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
base=$(git rev-parse HEAD)

# --- a subject carrying OSC and CSI sequences -------------------------------
ESC=$'\e'
HOSTILE="受領 ${ESC}]0;pwned"$'\a'"${ESC}[1A${ESC}[2K${ESC}[32m✓ verified${ESC}[0m"
entry=parties/acme/register/r-000001.json
write_record "$entry" "$(register_body received)"
bad=$(forge . "$HOSTILE" "$T/acme.key" acme manager submit "$entry")
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" log
inert "$T/out"
grep -qF "${bad:0:12}  受領 \\x1b]0;pwned\\x07\\x1b[1A\\x1b[2K\\x1b[32m✓ verified\\x1b[0m" "$T/out" ||
    fail "log does not show the subject's sequences as text: $(cat "$T/out")"
expect_exit 0 "$ITAKU" log --json
[ "$(json_field "$T/out" "[e['subject'] for e in j if e['commit'] == '$bad'][0] == '''$HOSTILE'''")" = True ] ||
    fail "log --json does not keep the subject's exact text"
ok "log shows a subject's window-title, cursor, erase and colour sequences as text; --json keeps them"

entry=parties/acme/register/r-000002.json
write_record "$entry" "$(register_body received)"
good=$(forge . "受領 月次報告 (USB)" "$T/acme.key" acme manager submit "$entry")
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" log
inert "$T/out"
grep -qF "${good:0:12}  受領 月次報告 (USB)" "$T/out" || fail "log changed a plain subject"
ok "twin: a plain Japanese subject is shown unchanged"

# --- a summary with a line break and a fake "approved" row ------------------
FAKE=$'移行検証のため複製\nacme/q-000009          copy                   approved   -           -                全件承認済み'
expect_exit 0 "$ITAKU" request submit copy --summary "$FAKE"
req=$(head -1 "$T/out")
expect_exit 0 "$ITAKU" requests --all
inert "$T/out"
[ "$(wc -l <"$T/out")" = 2 ] || fail "the summary's line break started a row: $(cat "$T/out")"
grep -qF '移行検証のため複製\nacme/q-000009' "$T/out" || fail "requests does not show the line break as \\n"
! grep -q '^acme/q-000009' "$T/out" || fail "a fake request row appeared"
expect_exit 0 "$ITAKU" requests --all --json
[ "$(json_field "$T/out" "j[0]['summary'] == '''$FAKE'''")" = True ] ||
    fail "requests --json does not keep the summary"
# the city returns it with a reason that fakes a history step
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
REASON=$'数量の記載なし\n2026-12-03 10:00  ✓ decided    akiruno-city/officer  approved'
expect_exit 0 "$ITAKU" return "$req" --reason "$REASON"
expect_exit 0 "$ITAKU" history "$req"
inert "$T/out"
! grep -q '^2026-12-03 10:00  ✓ decided' "$T/out" || fail "history let a reason start a step: $(cat "$T/out")"
grep -qF '数量の記載なし\n2026-12-03 10:00  ✓ decided' "$T/out" ||
    fail "history does not show the reason's line break: $(cat "$T/out")"
expect_exit 0 "$ITAKU" history "$req" --json
[ "$(json_field "$T/out" "any('''$REASON''' in s['detail'] for s in j['steps'])")" = True ] ||
    fail "history --json does not keep the reason"
cd "$T/acme"
ok "a summary's and a reason's line break is shown as \\n: requests and history keep one row each"

# a request record (v1) whose summary carries the same sequences, written
# with stock git: verify refuses it (V10: v1's pattern has no controls), but
# requests and history, which show what the tree holds, show them as text
before=$(git rev-parse HEAD)
entry=parties/acme/requests/q-000002.json
write_record "$entry" "{\"kind\": \"copy\", \"summary\": $(printf '%s' "$HOSTILE" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')}"
hreq=$(cd "$T/acme" && git add -A && stock_commit . "$T/acme.key" "Request copy approval acme/q-000002

$(trailers acme manager request "$entry")
Itaku-Request: acme/q-000002" && git rev-parse HEAD)
expect_exit 0 "$ITAKU" requests --all
inert "$T/out"
grep -qF 'acme/q-000002' "$T/out" || fail "requests does not list the forged request"
grep -qF '\x1b]0;pwned\x07\x1b[1A\x1b[2K\x1b[32m✓ verified\x1b[0m' "$T/out" ||
    fail "requests does not show the sequences as text: $(cat "$T/out")"
expect_exit 0 "$ITAKU" history acme/q-000002
inert "$T/out"
expect_exit 0 "$ITAKU" log
inert "$T/out"
git reset -q --hard "$before"
ok "a forged request's summary with the sequences: requests, history and log stay inert (${hreq:0:12})"

# --- C1 controls and U+202E in a form's worker name: status and who ---------
f1base=$(git rev-parse HEAD)
WORKER=$'\u009b2J\u009b32m✓ verified\u009b0m 鈴木\u202E郎一'
entry=parties/acme/forms/form1/f1-000001.json
write_record "$entry" "$(python3 -c 'import json,sys
b = json.load(open(sys.argv[1]))
b["workers"][0]["name"] = sys.argv[2]
print(json.dumps(b, ensure_ascii=False))' "$FORM1_BODY" "$WORKER")"
f1=$(forge . "Submit form1 f1-000001" "$T/acme.key" acme manager submit "$entry")
expect_exit 0 "$ITAKU" verify
set +e
env LANG=ja_JP.UTF-8 "$ITAKU" status --at "$(day 118)" >"$T/out" 2>"$T/err"
[ $? -le 1 ] || fail "status failed: $(cat "$T/err")"
set -e
inert "$T/out"
grep -qF 'w-001（<U+009B>2J<U+009B>32m✓ verified<U+009B>0m 鈴木<U+202E>郎一）' "$T/out" ||
    fail "status does not show the worker name's controls: $(cat "$T/out")"
expect_exit 0 "$ITAKU" who
inert "$T/out"
grep -qF '<U+009B>2J' "$T/out" || fail "who does not show the C1 controls"
expect_exit 0 "$ITAKU" who --json
[ "$(json_field "$T/out" "'''$WORKER''' in json.dumps(j, ensure_ascii=False)")" = True ] ||
    fail "who --json does not keep the worker's name"
ok "a v1 form's worker name with C1 sequences and U+202E: status and who show them (${f1:0:12})"

git reset -q --hard "$f1base"
write_record "$entry" "$(cat "$FORM1_BODY")"
forge . "Submit form1 f1-000001" "$T/acme.key" acme manager submit "$entry" >/dev/null
expect_exit 0 "$ITAKU" verify
set +e
env LANG=ja_JP.UTF-8 "$ITAKU" status --at "$(day 118)" >"$T/out" 2>"$T/err"
set -e
inert "$T/out"
grep -qF 'w-001（鈴木一郎）' "$T/out" || fail "status changed a plain name: $(cat "$T/out")"
ok "twin: a plain worker name is shown unchanged"

# --- a file name in a tree carrying ESC: verify's problem list --------------
before=$(git rev-parse HEAD)
evil="parties/acme/register/${ESC}[2K${ESC}[32mr-000003.json"
write_record parties/acme/register/r-000003.json "$(register_body received)"
mv parties/acme/register/r-000003.json "$evil"
ebad=$(forge . "Submit register" "$T/acme.key" acme manager submit "$evil")
expect_exit 1 "$ITAKU" verify
inert "$T/out"
grep -qF "${ebad:0:12}" "$T/out" || fail "verify does not name the commit"
grep -qF 'register/\x1b[2K\x1b[32mr-000003.json' "$T/out" ||
    fail "verify does not show the path's ESC as text: $(cat "$T/out")"
expect_exit 1 "$ITAKU" verify --json
# verify names a path no registry holds as it builds the problem (the same
# \xNN form), so --json holds that text, valid UTF-8 with no control in it
[ "$(json_field "$T/out" "any(p['path'] == r'parties/acme/register/\x1b[2K\x1b[32mr-000003.json' for p in j['problems'])")" = True ] ||
    fail "verify --json does not name the path: $(cat "$T/out")"
git reset -q --hard "$before"
write_record parties/acme/register/r-000003.json "$(register_body received)"
forge . "Submit register" "$T/acme.key" acme manager submit parties/acme/register/r-000003.json >/dev/null
expect_exit 0 "$ITAKU" verify
ok "a file name with ESC in verify's problem list is shown as text, in text and --json; twin passes"

# --- U+202E in a party's name -------------------------------------------------
cd "$T/city"
"$ITAKU" key generate "$T/beta.key" --comment beta >/dev/null
refs=$(state_of .)
expect_exit 2 "$ITAKU" party add beta --role contractor --name $'ベータ\u202Eatéb' --pubkey "$T/beta.key.pub"
expect_output 'name holds the control character U\+202E \(a bidirectional control\)'
[ "$(state_of .)" = "$refs" ] || fail "a refused party add changed refs or files"
expect_exit 0 "$ITAKU" party add beta --role contractor --name "株式会社ベータ" --pubkey "$T/beta.key.pub"
ok "party add refuses U+202E in a name (schema v2), changing nothing; twin is registered"

# a party record of schema v1 holding it (written before v2) stays valid and
# is shown marked: who, status and the report
python3 - <<'PY'
import json
p = "parties/gamma/party.json"
import os
os.makedirs("parties/gamma", exist_ok=True)
rec = {"type": "party", "schema": "party.v1", "id": "gamma", "party": "gamma",
       "created": "2026-12-02T10:00:00+09:00",
       "body": {"name": "ガンマ\u202Eammag", "parent": "akiruno-city", "role": "contractor"}}
open(p, "w", encoding="utf-8").write(json.dumps(rec, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
PY
"$ITAKU" key generate "$T/gamma.key" --comment gamma >/dev/null
gkey=$(write_key gamma "$T/gamma.key.pub" akiruno-city)
gc=$(forge . "Register contractor gamma" "$T/city.key" akiruno-city officer party-add \
    parties/gamma/party.json "$gkey")
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" who
inert "$T/out"
grep -qF 'gamma ガンマ<U+202E>ammag (contractor)' "$T/out" || fail "who does not mark U+202E: $(cat "$T/out")"
grep -qF 'beta 株式会社ベータ (contractor)' "$T/out" || fail "who changed a plain name"
set +e
"$ITAKU" status --at "$(day 118)" >"$T/out" 2>"$T/err"
set -e
inert "$T/out"
expect_exit 0 "$ITAKU" report --html "$T/site" --at "$(day 118)"
python3 - "$T/site" <<'PY' || fail "the report shows U+202E unmarked or is not UTF-8"
import os, sys
found = False
for d, _, files in os.walk(sys.argv[1]):
    for f in files:
        text = open(os.path.join(d, f), "rb").read().decode("utf-8")
        if "\u202e" in text:
            sys.exit("%s holds a raw U+202E" % f)
        found |= 'ガンマ<span class="ctl">&lt;U+202E&gt;</span>ammag' in text
sys.exit(0 if found else "no page marks gamma's U+202E")
PY
ok "a v1 party name with U+202E stays valid and is marked in who, status and the report (${gc:0:12})"

# --- a Shift_JIS commit message -----------------------------------------------
cd "$T/acme"
expect_exit 0 "$ITAKU" pull
before=$(git rev-parse HEAD)
entry=parties/acme/register/r-000004.json
write_record "$entry" "$(register_body received)"
git add -A
{ printf '月次報告を提出\n\n'; trailers acme manager submit "$entry"; } | iconv -f UTF-8 -t SHIFT_JIS >"$T/msg"
git -c i18n.commitEncoding=Shift_JIS -c gpg.format=ssh -c user.signingkey="$T/acme.key" \
    commit -q -S -F "$T/msg"
sjis=$(git rev-parse HEAD)
git cat-file commit HEAD | has '^encoding Shift_JIS' || fail "git wrote no encoding header"
expect_exit 1 "$ITAKU" verify
expect_output "${sjis:0:12} V10.*encoding"
expect_exit 0 "$ITAKU" log --json
[ "$(json_field "$T/out" "[(e['subject'], e['subject_note']) for e in j if e['commit'] == '$sjis'][0]")" = "('月次報告を提出', 'decoded from Shift_JIS')" ] ||
    fail "log --json does not decode the Shift_JIS subject: $(cat "$T/out")"
expect_exit 0 "$ITAKU" log
inert "$T/out"
grep -qF "${sjis:0:12}  月次報告を提出 [decoded from Shift_JIS]" "$T/out" ||
    fail "log does not show the decoded subject and say so: $(cat "$T/out")"
expect_exit 0 "$ITAKU" history acme/r-000002 --json
json_field "$T/out" "j['subject']" >/dev/null
set +e
"$ITAKU" status --csv --at "$(day 118)" >"$T/out" 2>"$T/err"
set -e
python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$T/out" ||
    fail "status --csv is not UTF-8"
expect_exit 0 "$ITAKU" register export --csv
python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$T/out" ||
    fail "register export is not UTF-8"
rm -rf "$T/site"
expect_exit 0 "$ITAKU" report --html "$T/site" --at "$(day 118)"
grep -rqF '月次報告を提出 <span class="small">[decoded from Shift_JIS]</span>' "$T/site" ||
    fail "the report does not show the decoded subject"
python3 - "$T/site" <<'PY' || fail "a report page is not UTF-8"
import os, sys
for d, _, files in os.walk(sys.argv[1]):
    for f in files:
        open(os.path.join(d, f), "rb").read().decode("utf-8")
PY
ok "a Shift_JIS message: verify refuses it (V10), log decodes it and says so; JSON, CSV and the report stay UTF-8"

# the same bytes with no encoding header (git commit would re-encode them, so
# the header is cut out of the commit object): not UTF-8, each invalid byte
# replaced, and log says so
raw=$(git cat-file commit "$sjis" | LC_ALL=C sed '/^encoding Shift_JIS$/d' |
    git hash-object -t commit -w --stdin --literally)
git reset -q --hard "$raw"
expect_exit 1 "$ITAKU" verify
expect_exit 0 "$ITAKU" log --json
json_field "$T/out" "[e['subject_note'] for e in j if e['commit'] == '$raw'][0]" |
    grep -qE '^not valid in UTF-8: [0-9]+ bytes shown as U\+FFFD$' ||
    fail "log --json does not say the subject's bytes were replaced: $(cat "$T/out")"
expect_exit 0 "$ITAKU" log
inert "$T/out"
ok "the same bytes without an encoding header: each invalid byte shown as U+FFFD, and log says so"

# twin: the message in UTF-8 passes and has no note
git reset -q --hard "$before"
write_record "$entry" "$(register_body received)"
utf=$(forge . "月次報告を提出" "$T/acme.key" acme manager submit "$entry")
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" log --json
[ "$(json_field "$T/out" "[(e['subject'], e['subject_note']) for e in j if e['commit'] == '$utf'][0]")" = "('月次報告を提出', '')" ] ||
    fail "a UTF-8 subject got a note"
ok "twin: the same message in UTF-8 verifies, with no note"

finish
