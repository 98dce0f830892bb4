#!/usr/bin/env bash
# Issue 13, point 4 (seed §8(2)): a new obligations version the city
# publishes opens a new acknowledgement for every party below the city once
# its effective_from has come; `itaku acknowledge` accepts the version in
# force; `status` names who has not yet acknowledged it and what an earlier
# acknowledgement was of. Before effective_from the older version stays in
# force. And a subcontractor whose itaku is older than the registry's newest
# register schema, after pulling it, is refused that write and told which
# version it needs, while the rest still writes.
. "$(dirname "$0")/lib.sh"

setup_chain
OB=obligations/akiruno-outsourcing

# acks_of DIR [AT]: "party state detail" of each acknowledgement finding of
# status --json in DIR (at AT); status's own exit (0 or 1) is not ours.
acks_of() {
    (cd "$1" && set +e && "$ITAKU" status --json ${2:+--at "$2"} >"$T/status.json" 2>"$T/err"
        [ $? -le 1 ] || { cat "$T/err" >&2; exit 1; })
    python3 - "$T/status.json" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] == "subcontract_acknowledged":
        print(f["party"], f["state"], f["record"], f["detail"])
PY
}

# status names a version by the document's title and version, not its file
V1EN='"Information-security requirements for outsourced work" (version 1)'
VEN() { echo "\"Amended requirements\" (version $1)"; }

# publish_obligations N EFFECTIVE-FROM: the city publishes obligations vN,
# v1 with that version and date, in a contract-update commit (stock git, as
# a newer release's `contract upgrade` writes it)
publish_obligations() {
    (cd "$T/city" && git show "HEAD:$OB.v1.json" | python3 -c '
import json, sys
o = json.load(sys.stdin)
o["version"], o["effective_from"] = int(sys.argv[1]), sys.argv[2]
o["title_en"] = "Amended requirements"
print(json.dumps(o, ensure_ascii=False, indent=2, sort_keys=True))' "$1" "$2" >"$OB.v$1.json" &&
        git add "$OB.v$1.json" && stock_commit . "$T/city.key" "Obligations v$1

$(trailers akiruno-city officer contract-update "$OB.v$1.json" | grep -v Itaku-Record)" &&
        "$ITAKU" verify >/dev/null) || fail "the city could not publish obligations v$1"
}

[ "$(acks_of "$T/city" | cut -d' ' -f1-3)" = "acme ok acme/a-000001
beta ok beta/a-000001
gamma ok gamma/a-000001" ] || fail "v1's acknowledgements are not ok: $(acks_of "$T/city")"
ok "before any amendment every party's acknowledgement of v1 is ok"

# v2, in force from today (a version never takes effect before the day it is
# published, V4): every party is pending again
TODAY=$(TZ=Asia/Tokyo date +%F)
publish_obligations 2 "$TODAY"
acks_of "$T/city" >"$T/acks"
for p in acme beta gamma; do
    grep -qxF "$p pending  has not acknowledged the obligations in force ($(VEN 2), since $TODAY); $p/a-000001 acknowledged $V1EN" "$T/acks" ||
        fail "$p is not pending on v2: $(cat "$T/acks")"
done
(cd "$T/city" && set +e && env LANG=ja_JP.UTF-8 "$ITAKU" status --party beta >"$T/out" 2>&1; [ $? -le 1 ]) ||
    fail "status --party beta did not answer: $(cat "$T/out")"
expect_output "未了 +8\(2\) +遵守事項の受諾 .*${TODAY}から適用の現行の遵守事項（「外部委託における情報セキュリティ遵守事項」第2版）を受諾していない。beta/a-000001は「外部委託における情報セキュリティ遵守事項」第1版を受諾済み"
grep -q "$OB" "$T/out" && fail "status names the obligations by their file: $(cat "$T/out")"
[ "$(grep -c "再委託の事前承認" "$T/out")" = 2 ] || fail "a finding is shown once per obligations version (beta, gamma)"
ok "a new version in force opens a new acknowledgement for the contractor and each subcontractor (status text and --json)"

# an acknowledgement of v1 made once v2 is in force (written with stock
# git: itaku itself accepts the version in force) does not count; verify
# takes it, it is a true record of what beta signed
chain_down beta
cd "$T/beta"
v1sha=$(git show "HEAD:$OB.v1.json" | sha256sum | cut -d' ' -f1)
write_record parties/beta/acks/a-000002.json \
    "{\"obligations\": \"$OB.v1.json\", \"obligations_sha256\": \"$v1sha\", \"statement\": \"old\"}"
forge . "Acknowledge v1 again" "$T/beta.key" beta manager acknowledge parties/beta/acks/a-000002.json >/dev/null
expect_exit 0 "$ITAKU" verify
acks_of "$T/beta" | grep -xF "beta pending  has not acknowledged the obligations in force ($(VEN 2), since $TODAY); beta/a-000002 acknowledged $V1EN" >/dev/null ||
    fail "an acknowledgement of v1 counts while v2 is in force: $(acks_of "$T/beta")"
ok "an acknowledgement of v1 made after v2 came into force does not count"

# each acknowledges: `acknowledge` accepts v2; once up at the city, all ok
chain_down gamma
for p in acme beta gamma; do
    cd "$T/$p"
    expect_exit 0 "$ITAKU" acknowledge
    expect_output "^Acknowledged every obligation in force \(\"Amended requirements\" \(version 2\)\), in commit"
done
[ "$(git -C "$T/beta" show HEAD:parties/beta/acks/a-000003.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["body"]["obligations"])')" = "$OB.v2.json" ] ||
    fail "beta's new acknowledgement does not name v2"
chain_up gamma
(cd "$T/city" && "$ITAKU" receive acme "$T/acme" >/dev/null)
[ "$(acks_of "$T/city" | cut -d' ' -f1-3)" = "acme ok acme/a-000002
beta ok beta/a-000003
gamma ok gamma/a-000002" ] || fail "the acknowledgements of v2 are not ok: $(acks_of "$T/city")"
ok "each party acknowledges the version in force (v2) and status is ok again"

# v3, published now but in force only from 2099-01-01: v2 stays in force,
# `acknowledge` accepts v2, the acknowledgements stay ok; from 2099-01-01
# everyone owes v3
publish_obligations 3 2099-01-01
[ "$(acks_of "$T/city" | cut -d' ' -f2 | sort -u)" = ok ] ||
    fail "a version not yet in force changed the acknowledgements: $(acks_of "$T/city")"
acks_of "$T/city" 2099-01-02 | grep -xF "acme pending  has not acknowledged the obligations in force ($(VEN 3), since 2099-01-01); acme/a-000002 acknowledged $(VEN 2)" >/dev/null ||
    fail "v3 is not in force from its effective_from: $(acks_of "$T/city" 2099-01-02)"
chain_down acme
cd "$T/acme"
expect_exit 0 "$ITAKU" acknowledge
expect_output "^Acknowledged every obligation in force \(\"Amended requirements\" \(version 2\)\)"
expect_exit 0 "$ITAKU" obligations --json
ok "before its effective_from a published version is not in force: v2 is still what acknowledge accepts"

# the newest register version this itaku carries (RV); a newer release is
# played by publishing RV + 1 (NV)
RV=$(ls "$SRC"/registry-template/schemas/register.v*.schema.json |
    sed 's/.*register\.v\([0-9]*\)\.schema\.json/\1/' | sort -n | tail -1)
NV=$((RV + 1))

# a subcontractor with an older itaku pulls a registry whose register schema
# is newer than it knows (register.v$NV published by the city): that write is
# refused, naming the version and saying to upgrade, nothing moves; its
# twin before the pull is written; other types still write; verify is clean
cd "$T/beta"
expect_exit 0 "$ITAKU" register add --action received --item-id item-1 --info "住民記録データ" \
    --medium usb --quantity 1 --unit 本 --handler "鈴木一郎"
cd "$T/city"
git show "HEAD:schemas/register.v$RV.schema.json" | python3 -c '
import json, sys
s = json.load(sys.stdin)
s["$id"] = "urn:itaku:schema:register:v" + sys.argv[1]
s["properties"]["handler"]["minLength"] = 2
print(json.dumps(s, ensure_ascii=False, indent=2))' "$NV" >"schemas/register.v$NV.schema.json"
git add "schemas/register.v$NV.schema.json"
stock_commit . "$T/city.key" "Register v2

$(trailers akiruno-city officer contract-update "schemas/register.v$NV.schema.json" | grep -v Itaku-Record)"
expect_exit 0 "$ITAKU" verify
chain_down beta
cd "$T/beta"
expect_exit 0 "$ITAKU" verify
before=$(state_of .)
expect_exit 2 "$ITAKU" register add --action received --item-id item-2 --info "住民記録データ" \
    --medium usb --quantity 1 --unit 本 --handler "鈴木一郎"
expect_output "the registry uses register.v$NV, which this itaku \(version [0-9.]+\) does not know"
expect_output "upgrade itaku"
[ "$before" = "$(state_of .)" ] || fail "a refused write changed the subcontractor's registry"
expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY"
expect_exit 0 "$ITAKU" verify
ok "a subcontractor with an older itaku pulling an upgraded registry is refused the newer type, naming it; the rest writes"

# verify reads a record naming register.v$NV with the schema its commit's tree
# holds, v2's keyword (minLength, from v2 on) included: a one-letter handler
# is refused (V10), the twin with two letters verifies
base=$(git rev-parse HEAD)
entry=parties/beta/register/r-000002.json
write_record "$entry" "$(register_body received | sed 's/"佐藤 花子"/"x"/')" "{\"schema\": \"register.v$NV\"}"
short=$(forge . "Entry with a short handler" "$T/beta.key" beta manager submit "$entry")
expect_rejected "$short" V10 "$entry"
expect_output "handler: at least 2 characters \(this has 1\)"
git reset -q --hard "$base"
write_record "$entry" "$(register_body received | sed 's/"佐藤 花子"/"xy"/')" "{\"schema\": \"register.v$NV\"}"
forge . "Entry with a two-letter handler" "$T/beta.key" beta manager submit "$entry" >/dev/null
expect_exit 0 "$ITAKU" verify
ok "a record naming register.v$NV is checked with its own keywords (minLength), as its commit's tree holds it"

finish
