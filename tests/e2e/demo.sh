#!/usr/bin/env bash
# `make demo`: the story of a contract registry, told with the real commands
# in a temporary folder. The city opens the registry and registers its
# contractor; the contractor files its records in its own clone; the city
# fetches them; everybody verifies; stock git checks every signature.
set -euo pipefail
: "${ITAKU:?set ITAKU to the built itaku binary}"
D=$(mktemp -d "${TMPDIR:-/tmp}/itaku-demo.XXXXXX")
trap 'rm -rf "$D"' EXIT
export HOME="$D/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
unset SSH_AUTH_SOCK
git config --global init.defaultBranch main
git config --global user.name "demo"
git config --global user.email "demo@example.invalid"

bold="" plain=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$(tput bold 2>/dev/null || true) plain=$(tput sgr0 2>/dev/null || true); fi
step() { printf '\n%s== %s ==%s\n' "$bold" "$*" "$plain"; }
run() {
    local shown="$*"
    printf '%s$ %s%s\n' "$bold" "${shown//$ITAKU/itaku}" "$plain"
    "$@"
}
cd "$D"

step "1. The city (あきる野市) and its contractor each make a signing key"
run "$ITAKU" key generate city.key --comment "security-officer@akiruno"
run "$ITAKU" key generate acme.key --comment "manager@acme" >/dev/null
echo "(acme.key made the same way)"

step "2. The city opens the contract registry and prints the contract sheet"
run "$ITAKU" init city --contract AKR-2026-042 --title "住民情報システム運用保守業務委託" \
    --city akiruno-city --name "あきる野市 総務部情報政策課" --key city.key \
    --start 2026-12-01 --end 2027-03-31 --handover-method hand-delivery \
    --handover-method encrypted-usb | tee sheet.txt
GENESIS=$(awk '/genesis:/ {print $2; exit}' sheet.txt)
CITY_KEY=$(awk '/city key:/ {print $3; exit}' sheet.txt)

step "3. The city registers its contractor and the contractor's first key"
cd city
git config itaku.signingKey "$D/city.key"
run "$ITAKU" party add acme --role contractor --name "株式会社アクメ情報サービス" \
    --pubkey ../acme.key.pub --principal manager
cd ..

step "4. The contractor clones the registry and files form 1 and a register entry"
run git clone -q city acme
cd acme
git config itaku.signingKey "$D/acme.key"
git config itaku.genesis "$GENESIS"
git config itaku.cityKey "$CITY_KEY"
cat >form1.json <<'JSON'
{
  "submitted_on": "2026-11-25",
  "addressee": "あきる野市長",
  "submitter": {"address": "東京都あきる野市二宮350", "name": "株式会社アクメ情報サービス",
                "representative": "代表取締役 山田太郎"},
  "filing_type": "new",
  "manager": {"name": "佐藤花子", "dept": "公共システム部", "title": "部長",
              "phone": "042-555-0100", "email": "sato@acme.example"},
  "manager_scope": "重要指定情報の管理全般",
  "supervisors": [],
  "workers": [{"worker_id": "w-001", "name": "鈴木一郎", "dept": "公共システム部",
               "work_scope": "データ移行", "access_scope": "移行用抽出データ"}],
  "contact_chain": [{"name": "佐藤花子", "role": "管理責任者", "phone": "090-0000-0000"}],
  "work_locations": [{"name": "本社3階 開発室（入退室管理あり）"}],
  "storage": [{"place": "開発室 施錠キャビネット", "lock_method": "シリンダー錠"}],
  "safeguards": "私物端末の使用禁止。ウイルス対策ソフトの導入。",
  "pledge": true,
  "org_chart": {"filename": "chart.pdf",
                "sha256": "3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f"}
}
JSON
run "$ITAKU" form submit 1 form1.json
run "$ITAKU" register add --action received --item-id item-001 --info "住民記録データ（テスト用抽出）" \
    --medium usb --quantity 1 --unit 本 --method hand-delivery --from "あきる野市 情報政策課" \
    --to "佐藤花子" --handler "鈴木一郎" --verifier "佐藤花子"
run "$ITAKU" record list --party acme
cd ..

step "5. The city fetches the contractor's line and verifies every commit"
cd city
run git fetch -q ../acme main:refs/remotes/acme/main
run "$ITAKU" verify
git merge -q --ff-only refs/remotes/acme/main

step "6. Form 1 as the paper form, with its signature block"
run "$ITAKU" form render f1-000001 --format md

step "7. The accountability history, as itaku reads it"
run "$ITAKU" log

step "8. The same history checked by stock git alone"
run "$ITAKU" export allowed-signers ../allowed_signers
run git -c gpg.ssh.allowedSignersFile=../allowed_signers log --show-signature --format='%h %s' -n 2

step "9. The contractor quietly edits its filed form 1 with plain git: verify catches it"
cd ../acme
sed -i 's/佐藤花子/田中太郎/' parties/acme/forms/form1/f1-000001.json
git add parties/acme/forms/form1/f1-000001.json
git -c gpg.format=ssh -c user.signingkey="$D/acme.key" commit -q -S -m "Change the manager"
set +e
run "$ITAKU" verify
rc=$?
set -e
[ "$rc" = 1 ] || { echo "demo: verify should have refused the forged commit" >&2; exit 1; }
printf '\n%sThe demo ran in a temporary folder, now removed.%s\n' "$bold" "$plain"
