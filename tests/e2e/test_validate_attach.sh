#!/usr/bin/env bash
# validate takes --attach FIELD=FILE as form submit does (issue 16, point
# 2): form 1 without its organisation chart's SHA-256 is invalid, and with
# --attach org_chart=FILE valid, by the one reading form submit uses (the
# file read and cited, nothing written). Form 6 takes no --attach: form
# submit, validate and `itaku attach` all say the same (keep the file with
# itaku attach, cite the {filename, sha256} it prints).
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
python3 - "$FORM1_BODY" "$T/f1.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
del b["org_chart"]
json.dump(b, open(sys.argv[2], "w"), ensure_ascii=False)
PY
printf '%%PDF-1.4 体制図\n' >"$T/chart.pdf"
sha=$(sha256sum <"$T/chart.pdf" | cut -d' ' -f1)

expect_exit 1 "$ITAKU" validate 1 "$T/f1.json"
expect_output "f1.json invalid"
expect_output "org_chart"
before=$(state_of .)
expect_exit 0 "$ITAKU" validate 1 "$T/f1.json" --attach "org_chart=$T/chart.pdf"
expect_output "f1.json valid"
grep -q "for ever" "$T/err" && fail "validate warned as if it kept the file: $(cat "$T/err")"
[ "$(state_of .)" = "$before" ] || fail "validate --attach wrote something"
ok "validate 1 --attach org_chart=FILE: valid, as form submit takes it; nothing written"

# the same problems as form submit's: a field that takes no file, no file
expect_exit 2 "$ITAKU" validate 1 "$T/f1.json" --attach "photo=$T/chart.pdf"
expect_output "no attachment field of that name; its attachment fields are: attachments, org_chart"
expect_refused "no attachment field of that name; its attachment fields are: attachments, org_chart" \
    "$ITAKU" form submit 1 "$T/f1.json" --attach "photo=$T/chart.pdf"
expect_exit 2 "$ITAKU" validate 1 "$T/f1.json" --attach "org_chart=$T/none.pdf"
expect_output "cannot open"
expect_exit 2 "$ITAKU" validate 1 "$T/f1.json" --attach "$T/chart.pdf"
expect_output "takes FIELD=FILE"
# and what validate accepted, form submit writes
expect_exit 0 "$ITAKU" form submit 1 "$T/f1.json" --attach "org_chart=$T/chart.pdf"
f=$(cat "$T/out")
git show "HEAD:parties/acme/forms/form1/$f.json" | has "\"sha256\": \"$sha\"" ||
    fail "form submit did not cite the file"
ok "validate refuses what form submit refuses, and form submit takes what validate accepted"

# form 6: the same advice everywhere
advice="form 6 is a request and takes no --attach: keep each file first with itaku attach FILE, then cite the \\{filename, sha256\\} it prints in the form's field"
"$ITAKU" key generate "$T/beta.key" >/dev/null
form6_for beta "$T/beta.key.pub" >"$T/f6.json"
expect_refused "$advice" "$ITAKU" form submit 6 "$T/f6.json" --attach "attachments=$T/chart.pdf"
expect_exit 2 "$ITAKU" validate 6 "$T/f6.json" --attach "attachments=$T/chart.pdf"
expect_output "$advice"
printf '%%PDF-1.4 契約書\n' >"$T/other.pdf"
expect_exit 0 "$ITAKU" attach "$T/other.pdf"
expect_output "form 6 cites it so; forms 1-5 and incident reports may instead take the file with --attach FIELD=FILE on form submit"
ok "form 6 and --attach: form submit, validate and itaku attach give the same advice"
finish
