#!/usr/bin/env bash
# The language follows the locale (issue 17): LANG=ja_JP.UTF-8, LC_ALL or
# LANGUAGE=ja give Japanese messages from the library, anything else English;
# a locale that is not installed falls back to English without a crash; the
# exit code never changes with the language.
. "$(dirname "$0")/lib.sh"

locale -a 2>/dev/null | has -iE '^ja_JP\.utf-?8$' ||
    fail "the locale ja_JP.UTF-8 is not installed: run make deps-test (as root) to generate it"

mkdir -p "$T/plain"
cd "$T/plain"
en='is not inside an itaku registry \(no git repository found\)'
ja='は itaku の台帳の中ではありません（git リポジトリが見つかりません）'

# run_in ENV...: itaku status in a folder that is not a registry, with only ENV
# deciding the language
run_in() {
    expect_exit 2 env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LANG "$@" "$ITAKU" status
    ! grep -qiE 'AddressSanitizer|runtime error|Segmentation' "$T/err" || fail "itaku crashed with $*"
}

run_in LANG=C.UTF-8
expect_output "$en"
! grep -q "$ja" "$T/err" || fail "Japanese in the C locale"
ok "English in the C locale"

run_in LANG=ja_JP.UTF-8
expect_output "$ja"
! grep -qE "$en" "$T/err" || fail "English left with LANG=ja_JP.UTF-8"
ok "Japanese with LANG=ja_JP.UTF-8 (a library error)"

run_in LANG=C.UTF-8 LC_ALL=ja_JP.UTF-8
expect_output "$ja"
ok "Japanese with LC_ALL=ja_JP.UTF-8"

run_in LANG=C.UTF-8 LANGUAGE=ja
expect_output "$ja"
ok "Japanese with LANGUAGE=ja"

run_in LANG=xx_YY.UTF-8
expect_output "$en"
ok "a locale that is not installed (xx_YY.UTF-8) falls back to English"

run_in LANG=ja_JP.UTF-8 LANGUAGE=en
expect_output "$en"
ok "LANGUAGE=en before LANG=ja_JP.UTF-8 gives English"

# the catalogue is found beside the executable; a missing one leaves English
run_in LANG=ja_JP.UTF-8 ITAKU_LOCALEDIR="$T/none"
expect_output "$en"
ok "without a catalogue (ITAKU_LOCALEDIR elsewhere) English, no crash"

setup_city_and_contractor

# a record's schema problems (checked in the C locale for its patterns) are
# in the user's language too, and nothing is written in either
cd "$T/acme"
echo '{}' >"$T/empty-form1.json"
before=$(state_of .)
expect_exit 2 env LANG=ja_JP.UTF-8 "$ITAKU" record add form1 "$T/empty-form1.json"
expect_output '重要指定情報管理体制（新規・変更）届出書: 提出日は必須です'
grep -q submitted_on "$T/err" && fail "the key in the Japanese refusal"
expect_exit 2 env LANG=C.UTF-8 "$ITAKU" record add form1 "$T/empty-form1.json"
expect_output 'form1: submitted_on is required'
[ "$(state_of .)" = "$before" ] || fail "a refused record changed the registry"
ok "schema problems of a form in Japanese and in English"

# verify's problems: in the user's language on the terminal, English and the
# same in --json whatever the language, each language with its own cache (a
# Japanese run never leaves Japanese text for an English one, or back)
cd "$T/city"
L=$(git rev-parse HEAD)
F=$(git log -1 --format=%B "$L" | git commit-tree "$L^{tree}" -p "$L^")
git reset -q --hard "$F"
en_v1='the commit is not signed'
ja_v1='コミットに署名がありません'
verify_in() {
    expect_exit 1 env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LANG "$@" "$ITAKU" verify
    grep -q "${F:0:12}" "$T/out" "$T/err" || fail "verify does not name the unsigned commit ($*)"
}
verify_in LANG=C.UTF-8
expect_output "$en_v1"
verify_in LANG=ja_JP.UTF-8
expect_output "$ja_v1"
! grep -q "$en_v1" "$T/out" "$T/err" || fail "English problem text in Japanese"
verify_in LANG=C.UTF-8
expect_output "$en_v1"
! grep -q "$ja_v1" "$T/out" "$T/err" || fail "the Japanese run left its text in the English cache"
verify_in LANGUAGE=ja LANG=ja_JP.UTF-8
expect_output "$ja_v1"
ok "verify's problem (V1) in English, then Japanese, then English again (caches apart)"

env -u LANGUAGE LANG=C.UTF-8 "$ITAKU" verify --json >"$T/en.json" || true
env LANGUAGE=ja LANG=ja_JP.UTF-8 "$ITAKU" verify --json >"$T/ja.json" || true
grep -q "$en_v1" "$T/en.json" || fail "verify --json does not hold the problem"
cmp -s "$T/en.json" "$T/ja.json" || fail "verify --json changes with the language: $(diff "$T/en.json" "$T/ja.json" | head -5)"
ok "verify --json is the same (English) with LANG=ja_JP.UTF-8"
