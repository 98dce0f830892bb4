#!/usr/bin/env bash
# Instruction references as people type them (issue 16, review point 7):
# `register add --instruction`, a form's "instruction_ref" and `instruct
# amend` all take n-000005, N-5 and 5, completed with the party above (for
# an answer) or our own party (for a correction), with a note; the refusal
# of an unknown instruction names the listing command that exists.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
n1=$("$ITAKU" instruct report --to acme --due "$(day 60)" --text "四半期報告" 2>/dev/null)
[ "$n1" = akiruno-city/n-000001 ] || fail "first instruction is $n1"
expect_exit 0 "$ITAKU" instruct return --to acme --due "$(day 88)" --text "返却"
# the issue's `instruct amend N`: the bare number, and N-1, are ours
expect_exit 0 "$ITAKU" instruct amend 1 --due "$(day 75)" --reason "期限延長"
has "akiruno-city/n-000003" <"$T/out" || fail "instruct amend 1 did not amend n-000001"
expect_exit 0 "$ITAKU" instruct amend N-3 --text "四半期報告（様式第4号）" --reason "文言"
expect_exit 2 "$ITAKU" instruct amend 9 --due "$(day 75)" --reason x
has "akiruno-city/n-000009 is not an instruction of akiruno-city" <"$T/err" || fail "9 not read as n-000009"
ok "instruct amend takes 1 and N-3 as our n-000001 and n-000003"

cd "$T/acme"
git pull -q "$T/city" main
# a form 4 answering "n-000004" (the current version): completed with the city
form4_answering "n-000004" >"$T/f4.json"
expect_exit 0 "$ITAKU" validate 4 "$T/f4.json"
has "valid" <"$T/out" || fail "validate 4 with a short instruction_ref"
has "instruction_ref: 'n-000004' taken as the instruction akiruno-city/n-000004" <"$T/err" ||
    fail "no note on the completed reference: $(cat "$T/err")"
expect_exit 0 "$ITAKU" form submit 4 "$T/f4.json"
r=$(cat "$T/out")
git show "HEAD:parties/acme/forms/form4/$r.json" | has '"instruction_ref": *"akiruno-city/n-000004"' ||
    fail "the stored reference is not canonical"
ok "a form's instruction_ref n-000004 is stored as akiruno-city/n-000004, with a note"

# an unknown one: the refusal points to `itaku instructions`, which exists
form4_answering "9" >"$T/f4-typo.json"
expect_refused "The instruction akiruno-city/n-000009 that this record answers is not in the registry\\..*itaku instructions --all" \
    "$ITAKU" form submit 4 "$T/f4-typo.json"
has "instruct list" <"$T/err" && fail "the refusal names itaku instruct list"
expect_refused "itaku instructions --all" "${JA[@]}" "$ITAKU" form submit 4 "$T/f4-typo.json"
has "指示 akiruno-city/n-000009" <"$T/err" || fail "Japanese refusal: $(cat "$T/err")"
ok "an unknown instruction 9 is refused as akiruno-city/n-000009, naming itaku instructions --all"

# register add --instruction N-2 (a return instruction)
reg() { "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" "$@"; }
expect_exit 0 reg --action received --item-id SKR-1 --method 手渡し --occurred-at "$(day 0)T10:00:00+09:00"
expect_exit 0 "${JA[@]}" "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" \
    --info "住民データ" --action returned --item-id SKR-1 --instruction N-2 \
    --occurred-at "$(day 1)T10:00:00+09:00"
has "akiruno-city/n-000002" <"$T/err" || fail "no Japanese note naming the completed reference: $(cat "$T/err")"
has "パターン" <"$T/err" && fail "the short reference met the schema's pattern"
r=$(cat "$T/out")
git show "HEAD:$(git ls-tree -r --name-only HEAD | grep "^parties/acme/.*/$r.json")" | has '"instruction_ref": *"akiruno-city/n-000002"' ||
    fail "register add stored a short reference"
ok "register add --instruction N-2 is stored as akiruno-city/n-000002 (Japanese note)"

# every command taking an instruction reads the same forms (one function,
# itk_instruction_ref_input), says so in --help, and a reference that is
# none of them is refused naming the forms, in English and in Japanese
FORMS='<party>/n-000005, or n-000005, n-5 or 5 (full-width digits too)'
FORMS_JA='<当事者>/n-000005、または n-000005、n-5、5（全角数字も可）'
FORMS_RE=$(sed 's/[()]/\\&/g' <<<"$FORMS")
for cmd in "instruct amend" "instruct withdraw" "register add" "form submit"; do
    # shellcheck disable=SC2086
    expect_exit 0 "$ITAKU" $cmd --help
    has -F "$FORMS" <"$T/out" || fail "$cmd --help does not name the forms of an instruction: $(cat "$T/out")"
done
expect_refused "instruction_ref: 'n-x' is not an instruction reference; write $FORMS_RE" \
    reg --action returned --item-id SKR-1 --instruction n-x --occurred-at "$(day 2)T10:00:00+09:00"
form4_answering "第4" >"$T/f4-bad.json"
expect_refused "instruction_ref: '第4' is not an instruction reference; write $FORMS_RE" \
    "$ITAKU" form submit 4 "$T/f4-bad.json"
expect_refused "報告依頼: 「第4」は指示の参照として読めません。$FORMS_JA" "${JA[@]}" "$ITAKU" form submit 4 "$T/f4-bad.json"
cd "$T/city"
expect_refused "'n-x' is not an instruction reference; name one of ours as $FORMS_RE" \
    "$ITAKU" instruct withdraw n-x --reason typo
expect_refused "「n-x」は指示の参照として読めません。自らの指示を $FORMS_JA" "${JA[@]}" "$ITAKU" instruct amend n-x --due "$(day 89)" --reason typo
# full-width digits: ４ is our n-000004 (the current version of n-000001)
expect_exit 0 "$ITAKU" instruct withdraw ４ --reason "不要になった"
has "akiruno-city/n-000005" <"$T/out" || fail "instruct withdraw ４ did not withdraw n-000004: $(cat "$T/out" "$T/err")"
ok "instruct amend|withdraw, register add and form submit say the same forms in --help, refuse others naming them, and take full-width ４"

# no command hint names a command that does not exist
for hint in "instruct list" "request list"; do
    strings "$ITAKU" | has "itaku $hint" && fail "a message still names itaku $hint"
done
ok "no message names itaku instruct list or itaku request list"
finish
