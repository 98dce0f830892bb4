#!/usr/bin/env bash
# Issue 17, points 3 and 4: itaku speaks the language of the locale. Every
# error path of verify, receive, bundle import and form submit (and a few
# more commands) runs twice, with LANG=ja_JP.UTF-8 and in the C locale: the
# Japanese run says it in Japanese, the C run in English, both exit with the
# same code, and what is not a message (--json, ids, refs) is the same bytes
# in both. A locale that is not installed falls back to English; the manual
# pages stay English in any locale.
#
# The ja_JP.UTF-8 locale must be installed (`make test` generates it): this
# test fails, never skips, without it. The messages of the library (after
# "itaku: ...: ") are translated on their own; here the CLI's own words are
# checked, and that the English ones are gone.
. "$(dirname "$0")/lib.sh"

locale -a 2>/dev/null | has -ixE 'ja_JP\.utf-?8' ||
    fail "the ja_JP.UTF-8 locale is not installed: generate it (as root: sed -i 's/^# *ja_JP.UTF-8/ja_JP.UTF-8/' /etc/locale.gen && locale-gen), or run make test, which does"

EN=(env -u LANGUAGE LC_ALL=C)

# both CODE JA-PATTERN EN-PATTERN CMD...: CMD run in Japanese and then in
# English exits CODE both times; the Japanese output (stdout and stderr)
# matches JA-PATTERN and not EN-PATTERN, the English one EN-PATTERN (grep -E).
# A refused command changes nothing, so running it twice is the same. The
# outputs stay in $T/ja.out, $T/ja.err, $T/en.out, $T/en.err.
both() {
    local code=$1 ja=$2 en=$3
    shift 3
    expect_exit "$code" "${JA[@]}" "$@"
    mv "$T/out" "$T/ja.out" && mv "$T/err" "$T/ja.err"
    expect_exit "$code" "${EN[@]}" "$@"
    mv "$T/out" "$T/en.out" && mv "$T/err" "$T/en.err"
    grep -qE -- "$ja" "$T/ja.out" "$T/ja.err" || {
        cat "$T/ja.out" "$T/ja.err" >&2
        fail "the Japanese output does not say '$ja': $*"
    }
    if grep -qE -- "$en" "$T/ja.out" "$T/ja.err"; then
        cat "$T/ja.out" "$T/ja.err" >&2
        fail "the Japanese output still says '$en' in English: $*"
    fi
    grep -qE -- "$en" "$T/en.out" "$T/en.err" || {
        cat "$T/en.out" "$T/en.err" >&2
        fail "the English output does not say '$en': $*"
    }
}
# same_json CMD...: CMD's standard output (JSON) is the same bytes in both languages.
same_json() {
    "${JA[@]}" "$@" >"$T/ja.json" 2>/dev/null || true
    "${EN[@]}" "$@" >"$T/en.json" 2>/dev/null || true
    [ -s "$T/en.json" ] || fail "no JSON from: $*"
    cmp -s "$T/ja.json" "$T/en.json" || {
        diff "$T/ja.json" "$T/en.json" >&2 || true
        fail "--json differs between Japanese and English: $*"
    }
}

setup_city_and_contractor

# --- the language is chosen by the locale ----------------------------------
both 2 "は itaku のコマンドではありません" "is not an itaku command" "$ITAKU" nosuch
expect_exit 2 env -u LC_ALL -u LANG -u LC_MESSAGES LANGUAGE=ja "$ITAKU" nosuch
expect_output "は itaku のコマンドではありません"
expect_exit 2 env -u LANGUAGE -u LC_MESSAGES LC_ALL=C LANG=ja_JP.UTF-8 "$ITAKU" nosuch
expect_output "is not an itaku command"
expect_exit 2 env -u LC_ALL -u LANGUAGE LANG=xx_YY.UTF-8 "$ITAKU" nosuch
expect_output "is not an itaku command"
ok "LANG=ja_JP.UTF-8 or LANGUAGE=ja alone speak Japanese; LC_ALL=C and a locale not installed speak English"

both 0 "使い方: itaku verify" "^usage: itaku verify" "$ITAKU" verify --help
grep -q "すべてのコミットを信頼規則で検査します" "$T/ja.out" || fail "verify --help: the summary is not Japanese"
grep -q "JSON で出力する" "$T/ja.out" || fail "verify --help: the options are not Japanese"
both 0 "コマンド:" "^Commands:" "$ITAKU" --help
both 0 "記入済みの様式を提出する" "submit a filled-in form" "$ITAKU" form --help
"${JA[@]}" "$ITAKU" --man verify >"$T/man.ja"
"${EN[@]}" "$ITAKU" --man verify >"$T/man.en"
cmp -s "$T/man.ja" "$T/man.en" || fail "the manual page changes with the language"
ok "--help, usage and option descriptions are Japanese; the manual pages stay English"

cd "$T/acme"
# --- form submit: every error path ------------------------------------------
both 2 "form submit には N と FILE が必要です" "form submit needs N and FILE" "$ITAKU" form submit 1
grep -q "使い方: itaku form submit" "$T/ja.err" || fail "the usage line is not Japanese"
both 2 "'7' は様式ではありません" "'7' is not a form" "$ITAKU" form submit 7 "$FORM1_BODY"
both 2 "様式第6号は承認申請です" "form 6 is a request" \
    "$ITAKU" form submit 6 "$FORM1_BODY" --attach org_chart="$FORM1_BODY"
both 2 "^itaku: 何も書き込まれませんでした: " "^itaku: nothing was written: " \
    "$ITAKU" form submit 1 "$T/no-such-form.json"
printf '{"filing_type": ' >"$T/broken.json"
both 2 "^itaku: 何も書き込まれませんでした: " "^itaku: nothing was written: " \
    "$ITAKU" form submit 1 "$T/broken.json"
python3 - "$FORM1_BODY" "$T/invalid.json" <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))
body.pop("manager")
json.dump(body, open(sys.argv[2], "w"), ensure_ascii=False)
PY
before=$(state_of .)
both 2 "^itaku: 何も書き込まれませんでした:$" "^itaku: nothing was written:$" \
    "$ITAKU" form submit 1 "$T/invalid.json"
grep -q "管理責任者" "$T/ja.err" || fail "the schema problem does not name the field by the form's word"
grep -q "manager" "$T/ja.err" && fail "the Japanese schema problem shows the key"
grep -q "manager" "$T/en.err" || fail "the English schema problem does not name the field"
both 2 "^itaku: 何も書き込まれませんでした: --attach には FIELD=FILE" \
    "^itaku: nothing was written: --attach takes FIELD=FILE" \
    "$ITAKU" form submit 1 "$FORM1_BODY" --attach org_chart
both 2 "^itaku: 何も書き込まれませんでした: " "^itaku: nothing was written: " \
    "$ITAKU" form submit 1 "$FORM1_BODY" --attach org_chart="$T/no-such.pdf"
both 2 "不明なオプション --bogus" "unknown option --bogus" "$ITAKU" form submit 1 "$FORM1_BODY" --bogus
both 2 "^itaku: 署名できません: " "^itaku: cannot sign: " \
    "$ITAKU" form submit 1 "$FORM1_BODY" --key "$T/no-such.key"
[ "$(state_of .)" = "$before" ] || fail "a refused form submit changed the registry"
# the legitimate twin: in Japanese, the record is written and named the same way
expect_exit 0 "${JA[@]}" "$ITAKU" form submit 1 "$FORM1_BODY"
grep -qE "^f1-[0-9]+$" "$T/out" || fail "form submit does not print the record's id"
expect_output "をコミット [0-9a-f]{12} で記録しました"
ok "form submit: every refusal in both languages (usage, not a form, form 6 with files, unreadable, broken JSON, schema problems, --attach, unknown option, no key), nothing written; the twin records in Japanese"

# --- verify: every error path ----------------------------------------------
both 0 "^コミット [0-9]+ 件を検証しました: すべての署名と規則が満たされています$" \
    "^verified [0-9]+ commits: every signature and rule holds$" "$ITAKU" verify
same_json "$ITAKU" verify --json
both 2 "^itaku: --threads には 1 から 64 を指定してください" "^itaku: --threads takes 1 to 64" \
    "$ITAKU" verify --threads 100
both 2 "--threads には整数を指定してください。'many' は指定できません" \
    "--threads takes a whole number, not 'many'" "$ITAKU" verify --threads many
both 2 "^itaku: 台帳を開けません: " "^itaku: cannot open the registry: " "$ITAKU" -C "$T" verify
# an object missing from a copy: exit 1 in both, the signer unknown in each language
cp -r "$T/acme" "$T/holed"
tree=$(git -C "$T/holed" rev-parse 'HEAD^{tree}')
rm -f "$T/holed/.git/objects/${tree:0:2}/${tree:2}"
both 1 " \[署名者不明\] " " \[unknown signer\] " "$ITAKU" -C "$T/holed" verify
same_json "$ITAKU" -C "$T/holed" verify --json
git clone -q "$T/acme" "$T/unpinned"
both 0 "^itaku: 警告: このクローンは起点コミットと市の鍵を固定していない" \
    "^itaku: warning: this copy pins no genesis and city key" "$ITAKU" -C "$T/unpinned" verify
wrong=(verify --genesis 0000000000000000000000000000000000000000 --city-key "$CITY_FPR")
expect_exit 1 "${JA[@]}" "$ITAKU" -C "$T/unpinned" "${wrong[@]}"
expect_exit 1 "${EN[@]}" "$ITAKU" -C "$T/unpinned" "${wrong[@]}"
same_json "$ITAKU" -C "$T/unpinned" "${wrong[@]}" --json
# a commit signed by a key nobody registered: exit 1 in both, the rule and
# commit the same, the summary in each language
"$ITAKU" key generate "$T/stranger.key" >/dev/null
echo '{"x": 1}' >"$T/acme/stray.json"
git add stray.json
stock_commit "$T/acme" "$T/stranger.key" "a stranger's commit"
bad=$(git rev-parse --short=12 HEAD)
both 1 "^コミット [0-9]+ 件のうち 1 件に問題が [0-9]+ 件あります$" "^[0-9]+ problems? in 1 of [0-9]+ commits$" \
    "$ITAKU" verify
grep -q "^$bad " "$T/ja.out" || fail "verify in Japanese does not name the commit"
diff <(grep "^$bad " "$T/ja.out" | cut -d' ' -f1-2) <(grep "^$bad " "$T/en.out" | cut -d' ' -f1-2) >/dev/null ||
    fail "the rule named differs between the languages"
same_json "$ITAKU" verify --json
git reset -q --hard HEAD~1
ok "verify: clean, a bad option, not a registry, a missing object, unpinned, the wrong genesis and a stranger's commit give the same exit code and --json in both languages, the words in each"

# --- receive: every error path ---------------------------------------------
register_item 1 | "$ITAKU" record add register - >/dev/null 2>&1
cd "$T/city"
before=$(state_of .)
both 2 "receive には系列を取り込む当事者 PARTY と取込み元が必要です" \
    "receive needs the PARTY whose line to take" "$ITAKU" receive
both 2 "^itaku: 何も受領されませんでした: " "^itaku: nothing was received: " \
    "$ITAKU" receive acme "$T/no-such-place"
both 2 "^itaku: 何も受領されませんでした: " "^itaku: nothing was received: " \
    "$ITAKU" receive nobody "$T/acme"
git config itaku.signingKey "$T/no-such.key"
both 2 "^itaku: 署名できません: " "^itaku: cannot sign: " "$ITAKU" receive acme "$T/acme"
git config itaku.signingKey "$T/city.key"
# a stranger's commit on acme's line: refused in both, nothing moves
cp -r "$T/acme" "$T/acme-forged"
(cd "$T/acme-forged" && echo '{"y": 2}' >stray.json && git add stray.json &&
    stock_commit "$T/acme-forged" "$T/stranger.key" "forged")
both 2 "^itaku: 何も受領されませんでした: " "^itaku: nothing was received: " \
    "$ITAKU" receive acme "$T/acme-forged"
[ "$(state_of .)" = "$before" ] || fail "a refused receive changed the registry"
expect_exit 0 "${JA[@]}" "$ITAKU" receive acme "$T/acme"
expect_output "^acme の系列をコミット [0-9a-f]{12} で受領しました。$"
expect_exit 0 "${JA[@]}" "$ITAKU" receive acme "$T/acme"
expect_output "^acme からの新しいものはありません: その系列は既に main にあります。$"
expect_exit 0 "${EN[@]}" "$ITAKU" receive acme "$T/acme"
expect_output "^Nothing new from acme: its line is already in main.$"
ok "receive: usage, no such place, no such party, no key and a forged line refused in both languages, nothing moved; received and nothing new in Japanese"

# --- bundle import: every error path ---------------------------------------
cd "$T/acme"
register_item 2 | "$ITAKU" record add register - >/dev/null 2>&1
git bundle create -q "$T/good.bundle" main 2>/dev/null
git branch -q other
git bundle create -q "$T/other.bundle" other 2>/dev/null
(cd "$T/acme-forged" && git bundle create -q "$T/forged.bundle" main 2>/dev/null)
printf 'not a bundle\n' >"$T/garbage.bundle"
cd "$T/city"
before=$(state_of .)
both 2 "bundle import には FILE を一つ指定してください" "bundle import needs one FILE" \
    "$ITAKU" bundle import
both 2 "^itaku: 何も取り込まれませんでした: " "^itaku: nothing was imported: " \
    "$ITAKU" bundle import "$T/no-such.bundle" --from acme
both 2 "^itaku: 何も取り込まれませんでした: " "^itaku: nothing was imported: " \
    "$ITAKU" bundle import "$T/garbage.bundle" --from acme
both 2 "^itaku: 何も取り込まれませんでした: " "^itaku: nothing was imported: " \
    "$ITAKU" bundle import "$T/other.bundle" --from acme
both 2 "^itaku: 何も取り込まれませんでした: " "^itaku: nothing was imported: " \
    "$ITAKU" bundle import "$T/forged.bundle" --from acme
[ "$(state_of .)" = "$before" ] || fail "a refused bundle import changed the registry"
[ -z "$(git for-each-ref refs/itaku/incoming)" ] || fail "the quarantine was not emptied"
expect_exit 0 "${JA[@]}" "$ITAKU" bundle import "$T/good.bundle" --from acme
expect_output "を取り込みました:$"
expect_output "^新しいコミット [0-9]+ 件を検証しました。refs/itaku/lines/ には検証を通ったものが入っています。$"
ok "bundle import: usage, a missing file, not a bundle, no branch itaku takes and a forged line refused in both languages, nothing moved; the good bundle taken in Japanese"

# --- tables and --json of the views ------------------------------------------
both 1 "^[[:space:]]+状態 +条項 +規則" "^[[:space:]]+STATE +SECTION +RULE" "$ITAKU" status --at "$(day 13)"
same_json "$ITAKU" status --json --at "$(day 13)"
both 0 "保有:" "holds:" "$ITAKU" who --at "$(day 13)"
same_json "$ITAKU" who --json --at "$(day 13)"
same_json "$ITAKU" todo --json --at "$(day 13)"
same_json "$ITAKU" requests --json
both 0 "^日時 " "^DATE " "$ITAKU" log -n 3
same_json "$ITAKU" log --json -n 3
ok "status, who and log: headings and labels in each language; --json of status, who, todo, requests and log the same bytes"

finish
