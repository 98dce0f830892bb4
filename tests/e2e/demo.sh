#!/usr/bin/env bash
# `make demo`: a contract's whole story with the real commands, in a
# temporary folder. The city (あきる野市) opens a registry and registers its
# contractor; the contractor files its forms and asks to subcontract; the
# city approves by merging; the subcontractor joins, asks prior approval to
# copy, the contractor endorses, the city approves; an instruction goes down
# and its answer comes back up; everybody verifies; stock git checks every
# signature; a forged edit is caught. The documents the forms require (the
# organisation chart, the subcontractor's pledge) are attached and come
# back out byte for byte at the city.
set -euo pipefail
: "${ITAKU:?set ITAKU to the built itaku binary}"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# ITAKU_DEMO_DIR: run in that new folder and keep it (tests read the records).
if [ -n "${ITAKU_DEMO_DIR:-}" ]; then
    D=$ITAKU_DEMO_DIR
    mkdir "$D"
    D=$(cd "$D" && pwd)
else
    D=$(mktemp -d "${TMPDIR:-/tmp}/itaku-demo.XXXXXX")
    trap 'rm -rf "$D"' EXIT
fi
# The contract's dates follow the day the demo runs (in the contract's
# timezone, Asia/Tokyo), since every record is stamped with the real clock:
# the registry opens and the pre-work filings (forms 1 and 2) are made today,
# the work starts tomorrow and ends with the month three months on.
# The demo speaks the language itaku speaks (LANG=ja_JP.UTF-8, or LANGUAGE=ja
# alone): its own lines too. say ENGLISH JAPANESE prints the one that fits.
demo_ja=0
case "${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}" in
ja*) demo_ja=1 ;;
"") case "${LANGUAGE:-}" in ja*) demo_ja=1 ;; esac ;;
esac
say() { if [ "$demo_ja" = 1 ]; then echo "$2"; else echo "$1"; fi; }
left=$((86400 - ($(date +%s) + 9 * 3600) % 86400))
if [ "$left" -lt 180 ]; then # the story must not cross midnight in Tokyo
    say "(waiting ${left}s for midnight in Tokyo, so that the story keeps one date)" \
        "（話の日付が一日に収まるよう、東京の午前0時まで ${left} 秒待ちます）"
    sleep $((left + 1))
fi
TODAY=$(TZ=JST-9 date +%F)
START=$(date -u -d "$TODAY +1 day" +%F)
END=$(date -u -d "$(date -u -d "$START" +%Y-%m-01) +4 months -1 day" +%F)
DUE=$(date -u -d "$START +45 days" +%F)
export HOME="$D/home" GIT_CONFIG_NOSYSTEM=1
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$SRC/tests/lsan.supp:print_suppressions=0}
mkdir -p "$HOME"
unset SSH_AUTH_SOCK
git config --global init.defaultBranch main
git config --global user.name "demo"
git config --global user.email "demo@example.invalid"

bold="" plain=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$(tput bold 2>/dev/null || true) plain=$(tput sgr0 2>/dev/null || true); fi
step() { printf '\n%s== %s ==%s\n' "$bold" "$(say "$1" "$2")" "$plain"; }
run() {
    local shown="$*"
    printf '%s$ %s%s\n' "$bold" "${shown//$ITAKU/itaku}" "$plain"
    "$@"
}
quiet() { "$@" >/dev/null 2>&1; }
cd "$D"

# The forms the parties fill in (itaku form new N prints each template).
ACME_ADDR="東京都あきる野市二宮350" ACME_NAME="株式会社アクメ情報サービス" ACME_REP="代表取締役 山田太郎"
BETA_ADDR="東京都八王子市元本郷町3-24-1" BETA_NAME="ベータ開発株式会社" BETA_REP="代表取締役 田中次郎"
submitter() { # NAME ADDRESS REPRESENTATIVE
    printf '"submitter": {"name": "%s", "address": "%s", "representative": "%s"}' "$1" "$2" "$3"
}
form1() { # SUBMITTER-JSON MANAGER DEPT EMAIL WORKER
    cat <<EOF
{"filing_type": "new", "submitted_on": "$TODAY", "addressee": "あきる野市長", $1,
 "manager": {"name": "$2", "dept": "$3", "title": "部長", "phone": "042-558-1111", "email": "$4"},
 "manager_scope": "重要指定情報の管理全般",
 "contact_chain": [{"name": "$2", "role": "管理責任者", "phone": "090-1234-5678"}],
 "workers": [{"worker_id": "w-001", "name": "$5", "dept": "$3", "work_scope": "データ移行",
              "access_scope": "住民情報（移行用抽出データ）"}],
 "supervisors": [], "work_locations": [{"name": "本社3階 開発室"}],
 "storage": [{"place": "開発室 施錠キャビネット", "lock_method": "シリンダー錠、鍵は管理責任者が保管"}],
 "safeguards": "私物端末の使用禁止。\nウイルス対策ソフトの導入。",
 "pledge": true}
EOF
}
# pdf FILE TEXT: a one-page PDF standing in for a scanned document.
pdf() {
    local body="BT /F1 18 Tf 72 720 Td ($2) Tj ET"
    printf '%%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources <</Font <</F1 5 0 R>>>>>> endobj\n4 0 obj <</Length %d>> stream\n%s\nendstream endobj\n5 0 obj <</Type /Font /Subtype /Type1 /BaseFont /Helvetica>> endobj\ntrailer <</Root 1 0 R>>\n%%%%EOF\n' \
        "${#body}" "$body" >"$1"
}
form2() { # SUBMITTER-JSON INSTRUCTOR WORKER
    cat <<EOF
{"submitted_on": "$TODAY", "addressee": "あきる野市長", $1, "purpose": "遵守事項の周知",
 "held": {"start": "$TODAY", "end": "$TODAY"}, "instructor": "$2",
 "curriculum": ["外部委託における情報セキュリティ遵守事項の説明"],
 "attendees": [{"worker_id": "w-001", "name": "$3"}]}
EOF
}

step "1. The city, its contractor and a subcontractor each make a signing key" \
    "1. 市、受注者、再委託先がそれぞれ署名用の鍵を作ります"
run "$ITAKU" key generate city.key --comment "security-officer@akiruno"
quiet "$ITAKU" key generate acme.key --comment "manager@acme"
quiet "$ITAKU" key generate beta.key --comment "manager@beta"
say "(acme.key and beta.key made the same way)" "（acme.key と beta.key も同じように作ります）"

step "2. The city opens the contract registry and prints the contract sheet" \
    "2. 市が契約の台帳を開設し、契約情報票を出力します"
run "$ITAKU" init city --contract AKR-2026-042 --title "住民情報システム運用保守業務委託" \
    --city akiruno-city --name "あきる野市 総務部情報政策課" --key city.key \
    --start "$START" --end "$END" --handover-method hand-delivery \
    --handover-method encrypted-usb | tee sheet.txt
# the sheet's pins, from the registry itself (the sheet is in the user's language)
GENESIS=$(git -C city config itaku.genesis)
CITY_KEY=$(git -C city config itaku.cityKey)
git -C city config itaku.signingKey "$D/city.key"

step "3. The city registers its contractor; the contractor joins with the contract sheet" \
    "3. 市が受注者を登録し、受注者が契約情報票を使って参加します"
run "$ITAKU" -C city party add acme --role contractor --name "株式会社アクメ情報サービス" \
    --pubkey "$D/acme.key.pub"
run "$ITAKU" clone city acme --city-key "$CITY_KEY" --genesis "$GENESIS"
git -C acme config itaku.signingKey "$D/acme.key"
run "$ITAKU" -C acme acknowledge

step "4. The contractor files form 1 (its manager and workers), form 2 (their training) and its first register entry" \
    "4. 受注者が様式第1号（管理責任者と作業従事者）、様式第2号（その研修）と管理記録簿の最初の記入を提出します"
form1 "$(submitter "$ACME_NAME" "$ACME_ADDR" "$ACME_REP")" 佐藤花子 情報システム部 \
    sato@acme.example 鈴木一郎 >form1.json
form2 "$(submitter "$ACME_NAME" "$ACME_ADDR" "$ACME_REP")" 佐藤花子 鈴木一郎 >form2.json
pdf org-chart.pdf "ACME organisation chart"
run "$ITAKU" -C acme form submit 1 "$D/form1.json" --attach org_chart="$D/org-chart.pdf"
run "$ITAKU" -C acme form submit 2 "$D/form2.json"
run "$ITAKU" -C acme register add --action received --item-id item-001 \
    --info "住民記録データ（移行用抽出）" --medium usb --quantity 1 --unit 本 \
    --method hand-delivery --from "あきる野市 総務部情報政策課" --to "佐藤花子" --handler "鈴木一郎"

step "5. The contractor attaches the subcontractor's pledge and asks to subcontract (form 6); the city receives and approves by merging" \
    "5. 受注者が再委託先の誓約書を添付して再委託の承認を申請し（様式第6号）、市が受領してマージにより承認します"
pdf pledge-beta.pdf "Pledge of BETA Development"
run "$ITAKU" -C acme attach "$D/pledge-beta.pdf" | tee attach.out
tail -n 1 attach.out >pledge.json # the {filename, sha256} form 6 cites
cat >form6.json <<EOF
{"application_type": "new", "submitted_on": "$TODAY", "addressee": "あきる野市長",
 $(submitter "$ACME_NAME" "$ACME_ADDR" "$ACME_REP"),
 "scope": "データ移行作業の一部", "info_items": [{"name": "移行用抽出データ"}],
 "period": {"from": "$START", "to": "$END"}, "reason": "専門技術を要するため",
 "subcontractor": {"name": "$BETA_NAME", "address": "$BETA_ADDR", "representative": "$BETA_REP",
                   "contact": "042-000-0000"},
 "party_id": "beta", "public_key": "$(cut -d' ' -f1,2 beta.key.pub)",
 "sub_structure": {"manager": {"name": "田中次郎"}, "workers": [{"name": "高橋次郎"}]},
 "required_measures": "本契約の遵守事項の全部", "supervision_method": "月次報告と立入確認",
 "sub_pledge": $(cat pledge.json),
 "further_subcontracting": false}
EOF
run "$ITAKU" -C acme form submit 6 "$D/form6.json"
run "$ITAKU" -C city receive acme "$D/acme"
run "$ITAKU" -C city requests
run "$ITAKU" -C city approve acme/q-000001 --conditions "再々委託は認めない"
run "$ITAKU" -C acme pull

step "6. The subcontractor joins from its contractor, acknowledges, files its forms 1 and 2, and asks to copy" \
    "6. 再委託先が受注者から参加し、遵守事項を受諾し、様式第1号と第2号を提出して、複製の承認を申請します"
run "$ITAKU" clone acme beta --city-key "$CITY_KEY" --genesis "$GENESIS"
git -C beta config itaku.signingKey "$D/beta.key"
quiet "$ITAKU" -C beta acknowledge
form1 "$(submitter "$BETA_NAME" "$BETA_ADDR" "$BETA_REP")" 田中次郎 開発部 tanaka@beta.example 高橋次郎 >form1-beta.json
form2 "$(submitter "$BETA_NAME" "$BETA_ADDR" "$BETA_REP")" 田中次郎 高橋次郎 >form2-beta.json
pdf org-chart-beta.pdf "BETA organisation chart"
run "$ITAKU" -C beta form submit 1 "$D/form1-beta.json" --attach org_chart="$D/org-chart-beta.pdf"
quiet "$ITAKU" -C beta form submit 2 "$D/form2-beta.json"
say "(and form 2, its training, the same way)" "（様式第2号、研修の報告も同じように提出します）"
run "$ITAKU" -C acme receive beta "$D/beta"    # form 1 reaches the party above before the work
quiet "$ITAKU" -C beta register add --action received --item-id b-001 --info "移行用抽出データ" \
    --medium usb --quantity 1 --method hand-delivery --from "$ACME_NAME" --to "田中次郎" \
    --handler "高橋次郎"
run "$ITAKU" -C beta request submit copy --summary "検証環境用に1部複製" --item b-001
run "$ITAKU" -C acme receive beta "$D/beta"
run "$ITAKU" -C acme endorse beta/q-000001
run "$ITAKU" -C city receive acme "$D/acme"
run "$ITAKU" -C city approve beta/q-000001 --max-uses 1 --valid-until "$END"
quiet "$ITAKU" -C acme pull
run "$ITAKU" -C beta pull
run "$ITAKU" -C beta register add --action copied --item-id b-002 --derived-from b-001 \
    --info "移行用抽出データ（複製）" --medium file --quantity 1 --handler "高橋次郎" \
    --approval beta/q-000001

step "7. The city asks for a report; the subcontractor answers; the answer travels up" \
    "7. 市が報告を求め、再委託先が回答し、回答が上位へ届きます"
N=$("$ITAKU" -C city instruct report --to beta --due "$DUE" --text "履行状況を報告してください" 2>/dev/null)
say "instruction $N" "指示 $N"
quiet "$ITAKU" -C acme pull
quiet "$ITAKU" -C beta pull
cat >form4.json <<EOF
{"submitted_on": "$TODAY", "addressee": "あきる野市長", $(submitter "$BETA_NAME" "$BETA_ADDR" "$BETA_REP"),
 "instruction_ref": "$N", "training_status": "作業従事者全員（高橋次郎）受講済み（様式第2号で報告）",
 "subcontractor_status": []}
EOF
run "$ITAKU" -C beta form submit 4 "$D/form4.json"
run "$ITAKU" -C acme receive beta "$D/beta"
run "$ITAKU" -C city receive acme "$D/acme"

step "8. Every registry verifies; the city sees the obligations of the whole chain" \
    "8. すべての台帳を検証し、市が委託の連鎖全体の遵守事項を確認します"
for p in city acme beta; do run "$ITAKU" -C $p verify; done
set +e
run "$ITAKU" -C city status
set -e

step "9. The accountability history, as itaku reads it" \
    "9. itaku が読み取った説明責任の履歴"
run "$ITAKU" -C city log -n 12

step "10. Form 6 as the paper form, with its signature block" \
    "10. 署名欄のある紙の様式としての様式第6号"
run "$ITAKU" -C city form render acme/q-000001 --format md

step "10b. The city takes the pledge back out of its registry, byte for byte" \
    "10b. 市が台帳から誓約書をバイト単位で同一のまま取り出します"
PLEDGE=$(sha256sum pledge-beta.pdf | cut -c1-64)
run "$ITAKU" -C city attachment show "$PLEDGE" -o "$D/pledge-at-city.pdf"
cmp pledge-beta.pdf pledge-at-city.pdf &&
    say "pledge-at-city.pdf is the file acme attached (SHA-256 $PLEDGE)" \
        "pledge-at-city.pdf は acme が添付したファイルそのものです（SHA-256 $PLEDGE）"

step "11. The same history checked by stock git alone" \
    "11. 同じ履歴を標準の git だけで検査します"
run "$ITAKU" -C city export allowed-signers "$D/allowed_signers"
run git -C city -c gpg.ssh.allowedSignersFile="$D/allowed_signers" log --show-signature \
    --format='%h %s' -n 4

step "12. The contractor quietly edits its filed form 1 with plain git: verify catches it" \
    "12. 受注者が提出済みの様式第1号を git で密かに書き換えると、verify が見つけます"
sed -i 's/佐藤花子/田中太郎/' acme/parties/acme/forms/form1/f1-000001.json
git -C acme add parties/acme/forms/form1/f1-000001.json
git -C acme -c gpg.format=ssh -c user.signingkey="$D/acme.key" commit -q -S -m "Change the manager"
set +e
run "$ITAKU" -C acme verify
rc=$?
set -e
[ "$rc" = 1 ] || { echo "demo: verify should have refused the forged commit" >&2; exit 1; }
if [ -z "${ITAKU_DEMO_DIR:-}" ]; then
    printf '\n%sThe demo ran in a temporary folder, now removed.%s\n' "$bold" "$plain"
fi
