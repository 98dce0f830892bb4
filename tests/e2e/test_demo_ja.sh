#!/usr/bin/env bash
# Issue 17, point 3: `make demo` speaks Japanese when the locale is Japanese,
# itaku's messages and the demo's own lines alike; the story is the same
# (test_demo.sh checks it in English). Fails, never skips, without the
# ja_JP.UTF-8 locale (`make test` generates it).
. "$(dirname "$0")/lib.sh"

locale -a 2>/dev/null | has -ixE 'ja_JP\.utf-?8' ||
    fail "the ja_JP.UTF-8 locale is not installed: generate it (as root: sed -i 's/^# *ja_JP.UTF-8/ja_JP.UTF-8/' /etc/locale.gen && locale-gen), or run make test, which does"

ITAKU_DEMO_DIR=$T/demo env -u LC_ALL -u LANGUAGE -u LC_MESSAGES LANG=ja_JP.UTF-8 \
    bash "$(dirname "$0")/demo.sh" >"$T/demo.out" 2>&1 || {
    cat "$T/demo.out" >&2
    fail "the demo failed in Japanese"
}
out=$T/demo.out
grep -q '^== 1\. 市、受注者、再委託先がそれぞれ署名用の鍵を作ります ==$' "$out" ||
    fail "demo: its own lines are not Japanese"
grep -q '^== 12\. 受注者が提出済みの様式第1号を git で密かに書き換えると、verify が見つけます ==$' "$out" ||
    fail "demo: the last step is not Japanese"
grep -q '^契約情報票（紙の契約書に添付してください）$' "$out" || fail "demo: the contract sheet is not Japanese"
[ "$(grep -cE '^コミット [0-9]+ 件を検証しました: すべての署名と規則が満たされています$' "$out")" = 3 ] ||
    fail "demo: city, contractor and subcontractor do not all verify in Japanese"
grep -qE '^acme/q-000001 をコミット [0-9a-f]{12} で承認しました。$' "$out" || fail "demo: no subcontract approval in Japanese"
grep -qE '^beta/q-000001 をコミット [0-9a-f]{12} で進達しました。' "$out" || fail "demo: no endorsement in Japanese"
grep -qE '^  (beta \(再委託先\)|.+（beta、再委託先）)$' "$out" || fail "demo: status does not show the chain"
grep -q '参考様式第6号 再委託承認申請書' "$out" || fail "demo: form 6 not rendered"
grep -q 'Good "git" signature for akiruno-city/officer' "$out" || fail "demo: stock git did not verify"
grep -qE '^verified [0-9]+ commits|^== [0-9]+b?\. The |^Approved |^Endorsed ' "$out" &&
    fail "demo: English lines are left in the Japanese demo"
ok "make demo in Japanese: its steps, the contract sheet, verify, approval and endorsement in Japanese; the same story"

finish
