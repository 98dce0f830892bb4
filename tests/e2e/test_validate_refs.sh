#!/usr/bin/env bash
# validate accepts exactly what form submit accepts (issue 16 point 1, review
# point 5): inside a registry it checks what a form cites (instructions,
# items, workers) as form submit would, writing nothing, and it takes the
# form numbers form submit takes (validate 6 f.json).
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
(cd "$T/city" && "$ITAKU" instruct report --to acme --due "$(day 60)" --text "四半期報告" >/dev/null 2>&1)
cd "$T/acme"
git pull -q "$T/city" main

# form 4 answering an instruction nobody gave: validate says invalid, as submit
form4_answering akiruno-city/n-000009 >"$T/f4.json"
before=$(state_of .)
expect_exit 1 "$ITAKU" validate form4 "$T/f4.json"
has "f4.json invalid" <"$T/out" || fail "validate form4 did not say invalid: $(cat "$T/out")"
has "The instruction akiruno-city/n-000009 that this record answers is not in the registry" <"$T/out" ||
    fail "validate did not name the unknown instruction: $(cat "$T/out")"
expect_exit 1 "${JA[@]}" "$ITAKU" validate 4 "$T/f4.json"
has "f4.json は不適合です" <"$T/out" || fail "Japanese verdict: $(cat "$T/out")"
has "指示 akiruno-city/n-000009 は台帳にありません" <"$T/out" || fail "Japanese reason: $(cat "$T/out")"
[ "$(state_of .)" = "$before" ] || fail "validate changed the registry"
expect_refused "n-000009" "$ITAKU" form submit 4 "$T/f4.json"
form4_answering akiruno-city/n-000001 >"$T/f4-ok.json"
expect_exit 0 "$ITAKU" validate 4 "$T/f4-ok.json"
has "f4-ok.json valid" <"$T/out" || fail "a good form 4 was not valid"
ok "validate 4 refuses an unknown instruction as form submit does (English and Japanese), writing nothing"

# what validate refuses but form submit records with an option, validate
# names the whole command: an unknown instruction with --unverified-ref
# --reason, a register entry already there with --again; the command it
# names is taken by form submit
expect_exit 1 "$ITAKU" validate form4 "$T/f4.json"
has -F "  To record it as it is anyway: itaku form submit 4 $T/f4.json --unverified-ref --reason TEXT" <"$T/out" ||
    fail "validate does not name the command that records it anyway: $(cat "$T/out")"
expect_exit 1 "${JA[@]}" "$ITAKU" validate 4 "$T/f4.json"
has -F "  それでもこのまま記録するには: itaku form submit 4 $T/f4.json --unverified-ref --reason TEXT" <"$T/out" ||
    fail "the Japanese validate does not name the command: $(cat "$T/out")"
cp "$T/f4.json" "$T/f4 copy.json"
expect_exit 1 "$ITAKU" validate 4 "$T/f4 copy.json"
has -F "itaku form submit 4 '$T/f4 copy.json' --unverified-ref" <"$T/out" ||
    fail "a file name with a space is not quoted for the shell: $(cat "$T/out")"
expect_exit 0 "$ITAKU" form submit 4 "$T/f4.json" --unverified-ref --reason "紙で受けた指示"
register_item 0042 >"$T/r.json"
expect_exit 0 "$ITAKU" validate 3 "$T/r.json"
expect_exit 0 "$ITAKU" form submit 3 "$T/r.json"
before=$(state_of .)
expect_exit 1 "$ITAKU" validate register "$T/r.json"
has "already has entry acme/r-" <"$T/out" || fail "validate did not name the entry already there: $(cat "$T/out")"
has -F "  To record it as it is anyway: itaku form submit 3 $T/r.json --again" <"$T/out" ||
    fail "validate does not name form submit --again: $(cat "$T/out")"
[ "$(state_of .)" = "$before" ] || fail "validate changed the registry"
expect_exit 0 "$ITAKU" form submit 3 "$T/r.json" --again
ok "validate names the form submit command that records a form anyway: --unverified-ref --reason, --again (English, Japanese, a name quoted)"

# an incident naming an item nobody holds
python3 - "$SRC/tests/schema-corpus/incident/valid/base.json" >"$T/inc.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["affected"] = {"item_ids": ["SKR-USB-0L"]}
print(json.dumps(f, ensure_ascii=False))
PY
expect_exit 1 "$ITAKU" validate incident "$T/inc.json"
has "inc.json invalid" <"$T/out" || fail "validate incident did not say invalid: $(cat "$T/out")"
has "SKR-USB-0L" <"$T/out" || fail "validate incident did not name the item: $(cat "$T/out")"
expect_refused "SKR-USB-0L" "$ITAKU" incident report "$T/inc.json"
ok "validate incident refuses an item nobody holds, as incident report does"

# form 2 naming a worker no form 1 has: the two verdicts agree
set +e
"$ITAKU" validate 2 "$SRC/tests/schema-corpus/form2/valid/base.json" >"$T/v.out" 2>&1
v=$?
"$ITAKU" form submit 2 "$SRC/tests/schema-corpus/form2/valid/base.json" >"$T/s.out" 2>&1
s=$?
set -e
[ "$v" = 1 ] || fail "validate 2 with an unknown worker exited $v: $(cat "$T/v.out")"
[ "$s" = 2 ] || fail "form submit 2 with an unknown worker exited $s: $(cat "$T/s.out")"
has "w-001" <"$T/v.out" || fail "validate 2 did not name the worker: $(cat "$T/v.out")"
ok "validate 2 and form submit 2 both refuse an unknown worker"

# the form's number as form submit takes it
form6_for beta "$T/acme.key.pub" >"$T/f6.json"
expect_exit 0 "$ITAKU" validate 6 "$T/f6.json"
has "f6.json valid" <"$T/out" || fail "validate 6: $(cat "$T/out") $(cat "$T/err")"
expect_exit 0 "${JA[@]}" "$ITAKU" validate 6 "$T/f6.json"
has "適合しています" <"$T/out" || fail "validate 6 in Japanese: $(cat "$T/out") $(cat "$T/err")"
has "schemas/6" <"$T/err" && fail "validate 6 looked for schemas/6"
expect_exit 2 "$ITAKU" validate 7 "$T/f6.json"
ok "validate 6 is form 6, as form submit 6 (English and Japanese)"

# a clone with no signing key: whose references is not known; said so
git clone -q "$T/acme" "$T/nokey"
cd "$T/nokey"
expect_exit 0 "$ITAKU" validate 4 "$T/f4.json"
has "f4.json valid" <"$T/out" || fail "no key: $(cat "$T/out")"
has "references the forms cite .* are not checked; form submit checks them" <"$T/err" ||
    fail "no note that references were not checked: $(cat "$T/err")"
expect_exit 0 "${JA[@]}" "$ITAKU" validate 4 "$T/f4.json"
has "確かめていません" <"$T/err" || fail "no Japanese note: $(cat "$T/err")"
ok "without a signing key validate says the references were not checked"

# outside a registry: schemas only, as before
cd "$T"
expect_exit 0 "$ITAKU" validate 4 "$T/f4.json"
has "f4.json valid" <"$T/out" || fail "outside a registry: $(cat "$T/out")"
ok "outside a registry validate checks the schema only"
finish
