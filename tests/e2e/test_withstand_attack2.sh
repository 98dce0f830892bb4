#!/usr/bin/env bash
# Issue 14, point 1, tried further: text the city publishes in the labels
# catalog and the summaries `itaku todo` quotes reach no terminal raw.
# A label holding a C1 control (U+009B, a CSI on many terminals), a
# bidirectional override or a line separator makes the catalog unusable
# (codes are shown, with one warning that shows the label's place, never its
# bytes); a request summary with a line break cannot start a row of `itaku
# todo`, and a long Japanese summary cut to fit stays valid UTF-8. An empty
# field is shown as nothing, never as "?". Each case has a plain twin.
. "$(dirname "$0")/lib.sh"
# the registry's catalog is what a Japanese screen shows (an English one
# shows the words itaku carries)

# inert FILE...: valid UTF-8 with nothing a terminal would obey or that
# reorders text (as in test_withstand_terminal.sh).
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

# publish_label LABEL: the city publishes labels/ja.v3.json, a copy of v2
# whose label for the action party-add is LABEL (stock git; V3 allows it).
publish_label() {
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open("labels/ja.v2.json", encoding="utf-8"))
d["labels"]["commit"]["party-add"] = sys.argv[1]
open("labels/ja.v3.json", "w", encoding="utf-8").write(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
PY
    forge . "Publish labels" "$T/city.key" akiruno-city officer contract-update labels/ja.v3.json
}

setup_city_and_contractor
cd "$T/city"
base=$(git rev-parse HEAD)

# --- a label with a C1 CSI, U+202E and U+2028 ---------------------------------
for hostile in $'登録\u009b2J\u009b32m✓' $'登録\u202eデルイ' $'登録\u2028✓ verified' $'登録\u2066x\u2069'; do
    git reset -q --hard "$base"
    c=$(publish_label "$hostile")
    expect_exit 0 "$ITAKU" verify
    expect_exit 0 "${JA[@]}" "$ITAKU" log
    inert "$T/out" "$T/err"
    grep -qF 'labels/ja.v3.json' "$T/err" && grep -qF '(commit/party-add)' "$T/err" ||
        fail "log does not say which label is refused: $(cat "$T/err")"
    [ "$(grep -c 'labels/ja.v3.json' "$T/err")" = 1 ] || fail "not one warning: $(cat "$T/err")"
    grep -qE 'party-add +[0-9a-f]{12}  Register contractor acme$' "$T/out" ||
        fail "log does not fall back to the code: $(cat "$T/out")"
    expect_exit 0 "${JA[@]}" "$ITAKU" who
    inert "$T/out" "$T/err"
    set +e
    "${JA[@]}" "$ITAKU" status --at "$(day 118)" >"$T/out" 2>"$T/err"
    set -e
    inert "$T/out" "$T/err"
done
ok "a label with a C1 CSI, U+202E, U+2028 or an isolate: the catalog is refused with one inert warning, codes shown (${c:0:12})"

git reset -q --hard "$base"
c=$(publish_label "登録（新）")
expect_exit 0 "${JA[@]}" "$ITAKU" log
inert "$T/out" "$T/err"
grep -qF '  登録（新）' "$T/out" || fail "a plain label of v2 is not shown: $(cat "$T/out")"
[ ! -s "$T/err" ] || fail "a plain catalog got a warning: $(cat "$T/err")"
ok "twin: a plain label in a new catalog version is shown, no warning (${c:0:12})"

# --- an empty field is shown as nothing ---------------------------------------
expect_exit 0 "$ITAKU" log
! grep -qF '?' "$T/out" || fail "log shows a '?' the history does not hold: $(cat "$T/out")"
ok "log shows no '?' for the empty fields (subject note, mark header)"

# --- an acknowledgement pinning the hash of another file -----------------------
# (issue 13, point 4: acknowledgements pin the file's hash) an ack naming a
# version that does not exist with the hash of the one in force, or naming
# the one in force with the hash of another file, is not an acknowledgement
# of what is in force; the one itaku writes is
ack_status() {
    set +e
    "${JA[@]}" "$ITAKU" status --at "$(day 3)" >"$T/out" 2>"$T/err"
    set -e
    grep -E '8\(2\)' "$T/out" || fail "status shows no §8(2) row: $(cat "$T/out")"
}
cd "$T/acme"
abase=$(git rev-parse HEAD)
OB=obligations/akiruno-outsourcing.v1.json
obsha=$(git show "HEAD:$OB" | sha256sum | cut -d' ' -f1)
rsha=$(git show HEAD:README.md | sha256sum | cut -d' ' -f1)
entry=parties/acme/acks/a-000009.json
for pair in "obligations/akiruno-outsourcing.v9.json $obsha" "$OB $rsha"; do
    git reset -q --hard "$abase"
    set -- $pair
    write_record "$entry" "{\"obligations\": \"$1\", \"obligations_sha256\": \"$2\", \"statement\": \"受諾します\"}" \
        '{"type": "ack", "schema": "ack.v2"}'
    a=$(forge . "Acknowledge the obligations $1" "$T/acme.key" acme manager acknowledge "$entry")
    # verify refuses it (V10), naming the ack and what to do; refs untouched
    expect_rejected "$a" V10 "$entry"
    expect_output "write it again with itaku acknowledge"
    row=$(ack_status)
    case "$row" in *適合*) fail "an ack naming $1 with the hash $2 counts: $row" ;; esac
    # status judges by verified records only: acme is still pending
    grep -qF "現行の遵守事項（「外部委託における情報セキュリティ遵守事項」第1版）を受諾していない" <<<"$row" ||
        fail "status does not show acme pending: $row"
done
git reset -q --hard "$abase"
expect_exit 0 "$ITAKU" acknowledge
expect_exit 0 "$ITAKU" verify
row=$(ack_status)
case "$row" in *適合*acme/a-*) ;; *) fail "twin: itaku acknowledge does not count: $row" ;; esac
git reset -q --hard "$abase"
ok "an ack naming a missing version with the hash in force, or the file in force with another hash, is refused by verify (V10) and does not count; twin verifies and counts"

# --- itaku todo quotes a request summary ----------------------------------------
cd "$T/acme"
expect_exit 0 "$ITAKU" acknowledge
LONG=$(printf 'あ%.0s' $(seq 90))
FAKE=$'移行検証のため複製\n 9. pending  decide   akiruno-city   (no due date)              acme/q-000009  全件承認済み\t'
expect_exit 0 "$ITAKU" request submit copy --summary "$FAKE$LONG"
expect_exit 0 "$ITAKU" request submit copy --summary "月次の複製$LONG"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
set +e
"$ITAKU" todo --at "$(day 0)" >"$T/out" 2>"$T/err"
set -e
inert "$T/out" "$T/err"
! grep -q '^ 9\. pending' "$T/out" || fail "a summary started a row of todo: $(cat "$T/out")"
grep -qF '移行検証のため複製\n 9. pending' "$T/out" || fail "todo does not show the line break as \\n: $(cat "$T/out")"
grep -qF '全件承認済み\tああ' "$T/out" || fail "todo does not show the tab as \\t"
grep -qF 'awaits your decision: 月次の複製ああ' "$T/out" || fail "todo changed a plain summary: $(cat "$T/out")"
grep -qF '\x' "$T/out" && fail "todo cut a character in half: $(cat "$T/out")"
set +e
"$ITAKU" todo --at "$(day 0)" --json >"$T/out" 2>"$T/err"
set -e
python3 - "$T/out" <<'PY' || fail "todo --json is not valid or cut a character"
import json, sys
j = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
d = [i["detail"] for i in j["items"] if i["kind"] == "decide"]
assert len(d) == 2, d
assert all("\ufffd" not in x for x in d), d
assert any(x.endswith("あ") and "移行検証のため複製\n 9. pending" in x for x in d), d
ja = [i["detail_ja"] for i in j["items"] if i["kind"] == "decide"]
assert len(ja) == 2 and all("\ufffd" not in x and x.endswith("あ") for x in ja), ja
PY
ok "todo: a summary's line break and tab are shown escaped, one row each; a long summary is cut between characters"

# --- an obligations version with an effective_from that is no day -------------
# (issue 13) status never puts "2026-02-30" in force; acknowledge must not
# either, else a party acknowledges a version status does not judge by and
# can never acknowledge the one it does. Twin: a real day, today (a version
# in force before the day it is published is refused, V4).
cd "$T/city"
obase=$(git rev-parse HEAD)
publish_obligations() {
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open("obligations/akiruno-outsourcing.v1.json", encoding="utf-8"))
d["version"] = 2
d["effective_from"] = sys.argv[1]
open("obligations/akiruno-outsourcing.v2.json", "w", encoding="utf-8").write(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
PY
    forge . "Publish obligations v2" "$T/city.key" akiruno-city officer contract-update \
        obligations/akiruno-outsourcing.v2.json
}
today=$(TZ=Asia/Tokyo date +%F)
for ef in 2027-02-30 "$today"; do
    git reset -q --hard "$obase"
    o=$(publish_obligations "$ef")
    expect_exit 0 "$ITAKU" verify
    rm -rf "$T/late"
    git clone -q "$T/city" "$T/late"
    (cd "$T/late" && git config itaku.signingKey "$T/acme.key" && git config itaku.genesis "$GENESIS" &&
        git config itaku.cityKey "$CITY_FPR")
    cd "$T/late"
    expect_exit 0 "$ITAKU" acknowledge
    named=$(git show HEAD --name-only --format= | grep '/acks/')
    want=obligations/akiruno-outsourcing.v$([ "$ef" = "$today" ] && echo 2 || echo 1).json
    git show "HEAD:$named" | has -F "\"obligations\": \"$want\"" ||
        fail "effective_from $ef: acknowledge did not name $want: $(git show "HEAD:$named")"
    row=$(ack_status)
    case "$row" in *適合*) ;; *) fail "effective_from $ef: the fresh acknowledgement does not count: $row" ;; esac
    cd "$T/city"
done
git reset -q --hard "$obase"
ok "an obligations version whose effective_from is no day (2027-02-30) is never in force, for acknowledge as for status; twin (a real day) is (${o:0:12})"

# --- a private key's text pasted where a file name is asked for -----------------
# (issue 19, point 3) the refusal warns about the secret and never repeats
# it: not in "cannot open …", not in "unknown option …"
cd "$T/city"
"$ITAKU" key generate "$T/delta.key" --comment delta >/dev/null
ssh-keygen -q -t ecdsa -b 384 -m PKCS8 -N '' -f "$T/delta8.key"
for k in "$T/delta.key" "$T/delta8.key"; do
    secret=$(sed -n 2p "$k")
    refs=$(state_of .)
    for args in "party add delta --role contractor --name デルタ --pubkey" "key show" "key show --" \
        "party add delta --role contractor --name デルタ --pubkey $T/delta.key.pub --key"; do
        set +e
        # shellcheck disable=SC2086
        "$ITAKU" $args "$(cat "$k")" >"$T/out" 2>"$T/err"
        got=$?
        set -e
        [ "$got" = 2 ] || fail "$args <private key text>: exit $got, not 2"
        grep -qF -- "$secret" "$T/out" "$T/err" && fail "$args repeats the private key: $(cat "$T/err")"
        grep -qF "PRIVATE key's text" "$T/err" || fail "$args does not warn about the private key: $(cat "$T/err")"
        [ "$(state_of .)" = "$refs" ] || fail "$args changed the registry"
    done
done
expect_exit 0 "$ITAKU" key show "$T/delta.key"
expect_output '^256 SHA256:'
expect_exit 0 "$ITAKU" party add delta --role contractor --name デルタ --pubkey "$T/delta.key.pub"
ok "a private key's text (OpenSSH, PKCS#8) given as --pubkey, --key or key show's FILE is refused, warned about and never repeated; twin: the files work"

# --- a schema's description with a line break: form new's template ------------
# the city's schema text (a title, a description) stays inside its // note:
# a line break would end the note and put a field into the form the office
# fills ("quantity": 999); controls are shown. Twin: the carried schema's
# notes are unchanged.
cd "$T/city"
sbase=$(git rev-parse HEAD)
python3 - <<'PY'
import json
d = json.load(open("schemas/register.v2.schema.json", encoding="utf-8"))
d["$id"] = d["$id"].replace(":v2", ":v3")
p = d["properties"]["action"]
p["description"] = 'x\n"quantity": 999,\n// \x1b]0;pwn\x07'
p["title"] = "区分\u202e分区"
open("schemas/register.v3.schema.json", "w", encoding="utf-8").write(json.dumps(d, ensure_ascii=False, indent=2) + "\n")
PY
s=$(forge . "Publish register v3" "$T/city.key" akiruno-city officer contract-update schemas/register.v3.schema.json)
expect_exit 0 "$ITAKU" form new register
inert "$T/out"
grep -q '^"quantity"' "$T/out" && fail "a schema description put a field into the template: $(cat "$T/out")"
grep -qF '// 区分<U+202E>分区 【必須 required】' "$T/out" || fail "form new does not show the title's U+202E: $(cat "$T/out")"
grep -qF 'x\n"quantity": 999,\n// \x1b]0;pwn\x07' "$T/out" || fail "form new does not keep the description on its note line: $(cat "$T/out")"
git reset -q --hard "$sbase"
expect_exit 0 "$ITAKU" form new register
grep -qE '^  // .*Who did it\.$' "$T/out" || fail "twin: the carried schema's notes changed: $(cat "$T/out")"
ok "form new: a schema title's U+202E and a description's line breaks stay inside the // note (${s:0:12}); twin unchanged"

# --- validate outside a registry: the newest schema this itaku carries -------
cd "$T/home"
expect_exit 0 "$ITAKU" validate register "$REGISTER_BODY"
ok "validate outside a registry takes a valid entry against the newest carried schema (its v2 keywords included)"

finish
