#!/usr/bin/env bash
# `make demo`: a contract's whole story with the real commands, in a
# temporary folder. The city (あきる野市) opens a registry and registers its
# contractor; the contractor files its forms and asks to subcontract; the
# city approves by merging; the subcontractor joins, asks prior approval to
# copy, the contractor endorses, the city approves; an instruction goes down
# and its answer comes back up; everybody verifies; stock git checks every
# signature; a forged edit is caught.
set -euo pipefail
: "${ITAKU:?set ITAKU to the built itaku binary}"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
D=$(mktemp -d "${TMPDIR:-/tmp}/itaku-demo.XXXXXX")
trap 'rm -rf "$D"' EXIT
export HOME="$D/home" GIT_CONFIG_NOSYSTEM=1
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$SRC/tests/lsan.supp:print_suppressions=0}
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
quiet() { "$@" >/dev/null 2>&1; }
cd "$D"

step "1. The city, its contractor and a subcontractor each make a signing key"
run "$ITAKU" key generate city.key --comment "security-officer@akiruno"
quiet "$ITAKU" key generate acme.key --comment "manager@acme"
quiet "$ITAKU" key generate beta.key --comment "manager@beta"
echo "(acme.key and beta.key made the same way)"

step "2. The city opens the contract registry and prints the contract sheet"
run "$ITAKU" init city --contract AKR-2026-042 --title "住民情報システム運用保守業務委託" \
    --city akiruno-city --name "あきる野市 総務部情報政策課" --key city.key \
    --start 2026-12-01 --end 2027-03-31 --handover-method hand-delivery \
    --handover-method encrypted-usb | tee sheet.txt
GENESIS=$(awk '/genesis:/ {print $2; exit}' sheet.txt)
CITY_KEY=$(awk '/city key:/ {print $3; exit}' sheet.txt)
git -C city config itaku.signingKey "$D/city.key"

step "3. The city registers its contractor; the contractor joins with the contract sheet"
run "$ITAKU" -C city party add acme --role contractor --name "株式会社アクメ情報サービス" \
    --pubkey "$D/acme.key.pub"
run "$ITAKU" clone city acme --city-key "$CITY_KEY" --genesis "$GENESIS"
git -C acme config itaku.signingKey "$D/acme.key"
run "$ITAKU" -C acme acknowledge

step "4. The contractor files form 1 and its first register entry"
python3 - "$SRC/tests/schema-corpus/form1/valid/base.json" >form1.json <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["submitter"]["name"] = "株式会社アクメ情報サービス"
print(json.dumps(f, ensure_ascii=False))
PY
run "$ITAKU" -C acme form submit 1 "$D/form1.json"
run "$ITAKU" -C acme register add --action received --item-id item-001 \
    --info "住民記録データ（移行用抽出）" --medium usb --quantity 1 --unit 本 \
    --method hand-delivery --from "あきる野市 情報政策課" --to "佐藤花子" --handler "鈴木一郎"

step "5. The contractor asks to subcontract (form 6); the city receives and approves by merging"
python3 - "$SRC/tests/schema-corpus/form6/valid" "$D/beta.key.pub" >form6.json <<'PY'
import json, os, sys
d = sys.argv[1]
f = json.load(open(os.path.join(d, sorted(os.listdir(d))[0])))
f["party_id"] = "beta"
f["public_key"] = " ".join(open(sys.argv[2]).read().split()[:2])
f["subcontractor"]["name"] = "ベータ開発株式会社"
print(json.dumps(f, ensure_ascii=False))
PY
run "$ITAKU" -C acme form submit 6 "$D/form6.json"
run "$ITAKU" -C city receive acme "$D/acme"
run "$ITAKU" -C city requests
run "$ITAKU" -C city approve acme/q-000001 --conditions "再々委託は認めない"
run "$ITAKU" -C acme pull

step "6. The subcontractor joins from its contractor, acknowledges, and asks to copy"
run "$ITAKU" clone acme beta --city-key "$CITY_KEY" --genesis "$GENESIS"
git -C beta config itaku.signingKey "$D/beta.key"
quiet "$ITAKU" -C beta acknowledge
quiet "$ITAKU" -C beta register add --action received --item-id b-001 --info "移行用抽出データ" \
    --medium usb --quantity 1 --method hand-delivery --handler "高橋次郎"
run "$ITAKU" -C beta request submit copy --summary "検証環境用に1部複製" --item b-001
run "$ITAKU" -C acme receive beta "$D/beta"
run "$ITAKU" -C acme endorse beta/q-000001
run "$ITAKU" -C city receive acme "$D/acme"
run "$ITAKU" -C city approve beta/q-000001 --max-uses 1 --valid-until 2027-03-31
quiet "$ITAKU" -C acme pull
run "$ITAKU" -C beta pull
run "$ITAKU" -C beta register add --action copied --item-id b-002 --derived-from b-001 \
    --info "移行用抽出データ（複製）" --medium file --quantity 1 --handler "高橋次郎" \
    --approval beta/q-000001

step "7. The city asks for a report; the subcontractor answers; the answer travels up"
N=$("$ITAKU" -C city instruct report --to beta --due 2027-01-15 --text "履行状況を報告してください" 2>/dev/null)
echo "instruction $N"
quiet "$ITAKU" -C acme pull
quiet "$ITAKU" -C beta pull
python3 - "$SRC/tests/schema-corpus/form4/valid/base.json" "$N" >form4.json <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["instruction_ref"] = sys.argv[2]
print(json.dumps(f, ensure_ascii=False))
PY
run "$ITAKU" -C beta form submit 4 "$D/form4.json"
run "$ITAKU" -C acme receive beta "$D/beta"
run "$ITAKU" -C city receive acme "$D/acme"

step "8. Every registry verifies; the city sees the obligations of the whole chain"
for p in city acme beta; do run "$ITAKU" -C $p verify; done
set +e
run "$ITAKU" -C city status
set -e

step "9. The accountability history, as itaku reads it"
run "$ITAKU" -C city log -n 12

step "10. Form 6 as the paper form, with its signature block"
run "$ITAKU" -C city form render acme/q-000001 --format md

step "11. The same history checked by stock git alone"
run "$ITAKU" -C city export allowed-signers "$D/allowed_signers"
run git -C city -c gpg.ssh.allowedSignersFile="$D/allowed_signers" log --show-signature \
    --format='%h %s' -n 4

step "12. The contractor quietly edits its filed form 1 with plain git: verify catches it"
sed -i 's/佐藤花子/田中太郎/' acme/parties/acme/forms/form1/f1-000001.json
git -C acme add parties/acme/forms/form1/f1-000001.json
git -C acme -c gpg.format=ssh -c user.signingkey="$D/acme.key" commit -q -S -m "Change the manager"
set +e
run "$ITAKU" -C acme verify
rc=$?
set -e
[ "$rc" = 1 ] || { echo "demo: verify should have refused the forged commit" >&2; exit 1; }
printf '\n%sThe demo ran in a temporary folder, now removed.%s\n' "$bold" "$plain"
