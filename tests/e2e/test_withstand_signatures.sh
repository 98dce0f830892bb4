#!/usr/bin/env bash
# Issue 2, "what it must withstand" (signatures): commits that are unsigned,
# signed by keys no party holds, signed by one party while claiming another,
# altered after signing, second roots, and signature armor that is broken or
# made for another purpose. itaku verify must refuse each (exit 1), naming the
# commit and the rule, in text and in --json.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
base=$(git rev-parse HEAD)
expect_exit 0 "$ITAKU" verify
ok "the contractor's clone verifies before any attack"

# stage_record: one truthful register entry of acme, staged; its trailers in $msg.
stage_record() {
    write_record parties/acme/register/r-000001.json "$(register_body received 住民記録データ)"
    git add parties/acme/register/r-000001.json
    msg="Receive the resident data

$(trailers acme manager submit parties/acme/register/r-000001.json)"
}
# back: main returns to the state before the attack.
back() {
    git reset -q --hard "$base"
    git clean -qfd
}

stage_record
git commit -q -m "$msg"
expect_rejected "$(git rev-parse HEAD)" V1
expect_output "not signed"
back
ok "an unsigned commit is refused (V1)"

ssh-keygen -q -t ed25519 -N '' -C stranger -f "$T/stranger.key"
stage_record
stock_commit . "$T/stranger.key" "$msg"
expect_rejected "$(git rev-parse HEAD)" V1
expect_output "not an active key of any party"
back
ok "a commit signed by a key registered to no party is refused (V1)"

"$ITAKU" key generate "$T/acme2.key" --comment "acme laptop" >/dev/null
stage_record
git config itaku.signingKey "$T/acme2.key"
expect_exit 2 "$ITAKU" record add register "$T/acme/parties/acme/register/r-000001.json"
expect_output "not registered for any party"
git config itaku.signingKey "$T/acme.key"
stock_commit . "$T/acme2.key" "$msg"
expect_rejected "$(git rev-parse HEAD)" V1
expect_output "SHA256:.*not an active key"
back
ok "acme's clone signing with a second key nobody registered is refused (V1), and itaku will not make such a commit"

stage_record
stock_commit . "$T/city.key" "$msg"
bad=$(git rev-parse HEAD)
expect_rejected "$bad" V10
expect_output "Itaku-Party says 'acme' but the commit is signed by akiruno-city's key"
expect_rejected "$bad" V2 parties/acme/register/r-000001.json
back
ok "a commit signed by the city's key whose trailers claim acme is refused (V10 party mismatch, V2)"

# Objects edited after signing: the signature covers the whole commit object.
stage_record
stock_commit . "$T/acme.key" "$msg"
good=$(git rev-parse HEAD)
expect_exit 0 "$ITAKU" verify
forged=$(rewrite_commit "$good" 's/^Receive the resident data$/Receive nothing at all/')
git update-ref refs/heads/main "$forged" "$good"
expect_rejected "$forged" V1
expect_output "signature does not verify"
git update-ref refs/heads/main "$good" "$forged"
ok "a commit whose message was changed after signing is refused (V1)"

other_tree=$(git rev-parse "$base^{tree}")
forged=$(rewrite_commit "$good" "s/^tree .*/tree $other_tree/")
git update-ref refs/heads/main "$forged" "$good"
expect_rejected "$forged" V1
expect_output "signature does not verify"
git update-ref refs/heads/main "$good" "$forged"
ok "a commit whose tree was changed after signing is refused (V1)"

# Signature armor: broken, for another namespace, or not SSH at all.
git cat-file commit "$good" |
    sed -n '/^gpgsig /,/END SSH SIGNATURE/p' | sed 's/^gpgsig //; s/^ //' >"$T/good.sig"
head -3 "$T/good.sig" >"$T/truncated.sig"
tail -1 "$T/good.sig" >>"$T/truncated.sig"
sed '2s/^..../!!!!/' "$T/good.sig" >"$T/badb64.sig"
python3 - "$T/unknown-type.sig" <<'PY'
import base64, struct, sys
s = lambda b: struct.pack(">I", len(b)) + b
pub = s(b"ssh-quantum9") + s(b"\x01" * 32)
blob = b"SSHSIG" + struct.pack(">I", 1) + s(pub) + s(b"git") + s(b"") + s(b"sha512") + \
    s(s(b"ssh-quantum9") + s(b"\x02" * 64))
b64 = base64.b64encode(blob).decode()
lines = [b64[i:i + 70] for i in range(0, len(b64), 70)]
open(sys.argv[1], "w").write("-----BEGIN SSH SIGNATURE-----\n" + "\n".join(lines) +
                             "\n-----END SSH SIGNATURE-----\n")
PY
empty=$(splice_signature "$good" /dev/null)
git cat-file commit "$empty" >"$T/payload"
ssh-keygen -q -Y sign -n file -f "$T/acme.key" "$T/payload"
cp "$T/payload.sig" "$T/file-ns.sig"
cat >"$T/pgp.sig" <<'SIG'
-----BEGIN PGP SIGNATURE-----

iHUEABYKAB0WIQTg5N3b0ZxI4mnkXxX6Vt3R7hH2YQUCZ0Wq3AAKCRD6Vt3R7hH2
YQmTAP9n2F8bX5nGgV7r3+0l7S3m8kY6d2m7V9p1qk2QZQp0YQD/S5bX7Zq9cS1v
=Xq1z
-----END PGP SIGNATURE-----
SIG
for case in "truncated:signature" "badb64:base64|armor" "unknown-type:ssh-quantum9|key type" \
    "file-ns:namespace 'file', expected 'git'" "pgp:SSH SIGNATURE|armor"; do
    name=${case%%:*} want=${case#*:}
    forged=$(splice_signature "$good" "$T/$name.sig")
    [ "$forged" != "$good" ] || fail "$name: the splice changed nothing"
    git update-ref refs/heads/main "$forged" "$good"
    expect_rejected "$forged" V1
    expect_output "signature does not verify.*($want)"
    git update-ref refs/heads/main "$good" "$forged"
done
ok "truncated, bad base64, unknown key type, namespace 'file' and PGP signatures are refused (V1)"

# A second root: another contract's genesis signed by the same city key, and
# one signed by a stranger, fetched into acme's clone. The clone pins the
# genesis and the city key (git config), so both are refused.
"$ITAKU" init "$T/other" --contract C-2026-999 --title "別の契約" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" >/dev/null
"$ITAKU" init "$T/fake" --contract C-2026-001 --title "住民情報システム運用保守" \
    --city akiruno-city --name "あきる野市" --key "$T/stranger.key" >/dev/null
other=$(git -C "$T/other" rev-parse HEAD)
fake=$(git -C "$T/fake" rev-parse HEAD)
git fetch -q "$T/other" main:refs/heads/other
expect_rejected "$other" V1
expect_output "second root commit"
git update-ref -d refs/heads/other
git fetch -q "$T/fake" main:refs/heads/fake
expect_rejected "$fake" V1
expect_output "signed by SHA256:.*not by the pinned city key"
git update-ref -d refs/heads/fake
expect_exit 0 "$ITAKU" verify
ok "with the genesis pinned, a second root signed by the city key or by another key is refused (V1)"

# The same without pins in git config: --genesis and --city-key on the command line.
git clone -q "$T/acme" "$T/auditor"
cd "$T/auditor"
git fetch -q "$T/other" main:refs/heads/other
git fetch -q "$T/fake" main:refs/heads/fake
expect_exit 1 "$ITAKU" verify
expect_output "pins no genesis"
expect_rejected "$other" V1 "" --genesis "$GENESIS" --city-key "$CITY_FPR"
expect_rejected "$fake" V1 "" --genesis "$GENESIS" --city-key "$CITY_FPR"
git update-ref -d refs/heads/other
expect_rejected "$fake" V1 "" --city-key "$CITY_FPR"
expect_output "not by the pinned city key SHA256:"
git update-ref -d refs/heads/fake
expect_exit 0 "$ITAKU" verify --genesis "$GENESIS" --city-key "$CITY_FPR"
ok "verify --genesis ID --city-key FPR refuses the second roots of an unpinned copy (V1)"

finish
