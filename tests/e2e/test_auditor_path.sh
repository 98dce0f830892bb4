#!/usr/bin/env bash
# The auditor's path with stock git alone (issue 14, point 3): a history with
# a key rotation, a compromise marked with its last good commit, a forgery
# dated after that commit, backdated forgeries, a commit signed after last_good
# that was received before the compromise was known (void), and a late
# legitimate commit signed offline after a retirement's time. Stock git, given
# `itaku export allowed-signers` (and `export revocations` as a KRL), plus
# the README's `git merge-base --is-ancestor` check, must agree with
# `itaku log --json` on every commit, except where the README says they differ.
# Forgeries are made with stock `git commit-tree -S`.
. "$(dirname "$0")/lib.sh"
: "${T:?}" # every path below is under the test's own folder
export TZ=Asia/Tokyo # git hands ssh-keygen local times; the file holds UTC (Z)
at() { (cd "$T/$1" && shift && "$@"); }
entry() {
    "$ITAKU" register add --action received --item-id "$1" --info "住民データ" --medium usb \
        --quantity 1 --handler "佐藤 花子" --method hand-delivery "${@:2}" >/dev/null
}
ctime() { git -C "$T/city" log -1 --format=%ct "$1"; }
# stock DIR COMMIT [EXTRA-GIT-CONFIG...]: stock git's %G? for COMMIT (G good,
# U good signature but no valid principal, B bad or revoked, N none).
stock() {
    local dir=$1 c=$2
    shift 2
    git -C "$dir" -c gpg.ssh.allowedSignersFile="$T/allowed" "$@" log -1 --format=%G? "$c"
}
# itaku_says DIR COMMIT: "ok", "void" or "refused", from `itaku log --json`.
itaku_says() {
    (cd "$1" && "$ITAKU" log --json 2>/dev/null) | python3 -c '
import json, sys
e = {x["commit"]: x for x in json.load(sys.stdin)}[sys.argv[1]]
print("refused" if not e["verified"] else "void" if e["void"] else "ok")' "$2"
}
# hostile DIR DATE KEY PRINCIPAL N: on DIR's main, a register entry
# r-0000N of acme, truthful trailers, signed by KEY with stock git
# commit-tree -S and committed at DATE (unix seconds); main moves to it.
hostile() {
    local dir=$1 date=$2 key=$3 principal=$4 n=$5 rec tree msg c
    rec=parties/acme/register/r-$(printf '%06d' "$n").json
    [ -d "$dir/.git" ] || fail "no registry at $dir"
    (
        cd "$dir"
        write_record "$rec" "$(register_body received "偽データ$n")"
        git add -A
        tree=$(git write-tree)
        msg="Register: received 偽データ$n

$(trailers acme "$principal" register "$rec")"
        c=$(GIT_COMMITTER_DATE="@$date +0900" GIT_AUTHOR_DATE="@$date +0900" \
            git -c gpg.format=ssh -c user.signingkey="$key" commit-tree -S -p HEAD -m "$msg" "$tree")
        git update-ref refs/heads/main "$c"
        git reset -q --hard main
        echo "$c"
    )
}
copy() {
    rm -rf "$T/$2"
    cp -a "$T/$1" "$T/$2"
}

setup_city_and_contractor
K1=$(fpr_of "$T/acme.key.pub")
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
A1=$(git rev-parse HEAD)
sleep 1
# the rotation: K1 signs the commit that retires it and adds K2
"$ITAKU" key generate "$T/acme2.key" --comment acme2 >/dev/null
K2=$(fpr_of "$T/acme2.key.pub")
"$ITAKU" key rotate "$T/acme2.key.pub" >/dev/null
R=$(git rev-parse HEAD)
git config itaku.signingKey "$T/acme2.key"
sleep 2
entry item-1
G=$(git rev-parse HEAD) # K2's last good commit
sleep 1
# after last_good: K2 (already in the thief's hands) adds the thief's key
"$ITAKU" key generate "$T/thief.key" --comment thief >/dev/null
"$ITAKU" key add "$T/thief.key.pub" --principal suzuki >/dev/null
V=$(git rev-parse HEAD)
sleep 1
cd "$T/city"
"$ITAKU" receive acme "$T/acme" >/dev/null
# the city (the party above) marks K2 compromised from G on
"$ITAKU" key compromised "$K2" --last-good "$G" --reason "端末の盗難" >/dev/null
C=$(git rev-parse HEAD)
expect_exit 0 "$ITAKU" verify
ok "a history with a rotation, a compromise (last good ${G:0:12}) and a void key-add"

# the auditor's files, from the city's registry
expect_exit 0 "$ITAKU" export allowed-signers "$T/allowed"
expect_output "Wrote .*: 3 keys \(1 retired, 1 compromised\)"
expect_exit 0 "$ITAKU" export revocations "$T/revoked.krl"
expect_output "1 compromised key"
utc() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }
grep -qxF "acme/manager namespaces=\"git\",valid-after=\"$(utc "$(ctime "$(git log --format=%H --reverse --diff-filter=A -- parties/acme/keys | head -1)")")\",valid-before=\"$(utc "$(ctime "$R")")\" $(cut -d' ' -f1-2 "$T/acme.key.pub")" "$T/allowed" ||
    { cat "$T/allowed"; fail "K1 is not valid until its retirement ${R:0:12}"; }
grep -qxF "acme/manager namespaces=\"git\",valid-after=\"$(utc "$(ctime "$R")")\",valid-before=\"$(utc "$(ctime "$G")")\" $(cut -d' ' -f1-2 "$T/acme2.key.pub")" "$T/allowed" ||
    { cat "$T/allowed"; fail "K2 is not valid from the rotation until its last good commit"; }
grep -q "^akiruno-city/.* namespaces=\"git\",valid-after=\"[0-9]\{14\}Z\" ssh-ed25519 " "$T/allowed" ||
    fail "the city key has no line, or has a valid-before"
! grep -q "$(cut -d' ' -f2 "$T/thief.key.pub")" "$T/allowed" ||
    fail "a key added by a void commit is in the allowed signers"
grep -qF "git merge-base --is-ancestor COMMIT $G" "$T/allowed" || fail "no ancestor check for K2"
grep -qF "git merge-base --is-ancestor $R COMMIT^" "$T/allowed" || fail "no ancestor check for K1"
ssh-keygen -Q -f "$T/revoked.krl" "$T/acme.key.pub" "$T/city.key.pub" >/dev/null ||
    fail "the KRL revokes a key that is not compromised"
if ssh-keygen -Q -f "$T/revoked.krl" "$T/acme2.key.pub" >/dev/null; then
    fail "the KRL does not revoke the compromised key"
fi
ok "allowed signers: K1 valid until its retirement, K2 until last good, the city key open, the thief's key absent; the KRL revokes K2 only (ssh-keygen -Q)"

# The honest history: stock git and itaku agree (the void commit: not Good)
for c in "$A1" "$R" "$G" "$C"; do
    [ "$(stock "$T/city" "$c")" = G ] || fail "stock git does not call ${c:0:12} Good"
    [ "$(itaku_says "$T/city" "$c")" = ok ] || fail "itaku does not verify ${c:0:12}"
done
git -c gpg.ssh.allowedSignersFile="$T/allowed" log --show-signature -1 "$G" >"$T/out" 2>&1
grep -qF "Good \"git\" signature for acme/manager with ED25519 key $K2" "$T/out" ||
    { cat "$T/out"; fail "stock git does not name acme/manager for ${G:0:12}"; }
! grep -q "missing key\|allowed:[0-9]" "$T/out" || { cat "$T/out"; fail "ssh-keygen complains about the file"; }
[ "$(stock "$T/city" "$V")" != G ] || fail "stock git calls the void commit ${V:0:12} Good"
[ "$(itaku_says "$T/city" "$V")" = void ] || fail "itaku does not call ${V:0:12} void"
git -c gpg.ssh.allowedSignersFile="$T/allowed" log --show-signature -1 "$V" >"$T/out" 2>&1
expect_output "No principal matched"
git merge-base --is-ancestor "$G" "$G" || fail "last good is not its own ancestor"
if git merge-base --is-ancestor "$V" "$G"; then fail "the void commit passes the ancestor check"; fi
ok "honest commits: Good for stock git and ok for itaku; the void commit after last good: not Good, void"

# The KRL: every commit K2 signed is revoked, the honest one too (README)
[ "$(stock "$T/city" "$G" -c gpg.ssh.revocationFile="$T/revoked.krl")" = B ] ||
    fail "with the KRL, stock git does not refuse ${G:0:12}"
[ "$(stock "$T/city" "$R" -c gpg.ssh.revocationFile="$T/revoked.krl")" = G ] ||
    fail "with the KRL, stock git refuses a commit of a key that is not compromised"
ok "with the KRL stock git refuses every commit of K2, the honest ${G:0:12} too (itaku: ok)"

# A forgery with the stolen K2, dated after last good: stock git says no
copy city city-f1
F1=$(hostile "$T/city-f1" $(($(ctime "$G") + 3600)) "$T/acme2.key" manager 90)
[ "$(stock "$T/city-f1" "$F1")" = U ] || fail "stock git trusts a forgery dated after last good"
[ "$(itaku_says "$T/city-f1" "$F1")" = refused ] || fail "itaku does not refuse ${F1:0:12}"
ok "a forgery dated after last good: not Good for stock git (U), refused by itaku"

# Backdated forgeries: stock git says Good; the README's ancestor check does not
copy city city-f2
F2=$(hostile "$T/city-f2" $(($(ctime "$G") - 1)) "$T/acme2.key" manager 91)
[ "$(stock "$T/city-f2" "$F2")" = G ] || fail "the backdated forgery is expected Good for stock git"
[ "$(itaku_says "$T/city-f2" "$F2")" = refused ] || fail "itaku does not refuse ${F2:0:12}"
if git -C "$T/city-f2" merge-base --is-ancestor "$F2" "$G"; then
    fail "the backdated forgery passes the ancestor check"
fi
# the README's loop over every commit of K2, beside itaku log --json's verdicts
(cd "$T/city-f2" &&
    git -c gpg.ssh.allowedSignersFile="$T/allowed" log --format='%H %GF' |
    awk -v key="$K2" '$2 == key {print $1}' |
        while read -r c; do git merge-base --is-ancestor "$c" "$G" || echo "forged: $c"; done) |
    sort >"$T/forged"
(cd "$T/city-f2" && "$ITAKU" log --json 2>/dev/null) | python3 -c '
import json, sys
k2 = sys.argv[1]
for e in json.load(sys.stdin):
    if e["fingerprint"] == k2 and (not e["verified"] or e["void"]):
        print("forged: " + e["commit"])' "$K2" | sort >"$T/itaku-bad"
[ -s "$T/forged" ] && diff "$T/forged" "$T/itaku-bad" >&2 ||
    fail "the README's loop and itaku disagree on K2's commits"
grep -qx "forged: $F2" "$T/forged" && grep -qx "forged: $V" "$T/forged" ||
    fail "the README's loop misses ${F2:0:12} or ${V:0:12}"
copy city city-f3 # K1, retired, leaked later: dated before its retirement
F3=$(hostile "$T/city-f3" $(($(ctime "$R") - 1)) "$T/acme.key" manager 92)
[ "$(stock "$T/city-f3" "$F3")" = G ] || fail "the backdated K1 forgery is expected Good for stock git"
[ "$(itaku_says "$T/city-f3" "$F3")" = refused ] || fail "itaku does not refuse ${F3:0:12}"
git -C "$T/city-f3" merge-base --is-ancestor "$R" "$F3^" ||
    fail "the ancestor check does not see K1's retirement before ${F3:0:12}"
ok "backdated forgeries (K2 before last good, K1 before its retirement): Good for stock git, caught by merge-base --is-ancestor (the README's loop flags what itaku refuses or voids), refused by itaku"

# A late legitimate commit: an offline copy of acme that had not heard of
# the rotation signs with K1 after the retirement's time
copy acme acme-off
cd "$T/acme-off"
git branch rotated main
git reset -q --hard "$R^"
git config itaku.signingKey "$T/acme.key"
sleep 1
entry item-7
L=$(git rev-parse HEAD)
expect_exit 0 "$ITAKU" verify
[ "$(itaku_says "$T/acme-off" "$L")" = ok ] || fail "itaku does not verify the offline commit"
[ "$(stock "$T/acme-off" "$L")" = U ] || fail "stock git is expected not to call ${L:0:12} Good"
if git merge-base --is-ancestor "$R" "$L^"; then fail "the ancestor check refuses the offline commit"; fi
"$ITAKU" export allowed-signers "$T/allowed-off" 2>/dev/null
grep -qF "valid-before=\"$(utc "$(ctime "$R")")\" $(cut -d' ' -f1-2 "$T/acme.key.pub")" "$T/allowed-off" ||
    fail "the offline copy's export does not retire K1 at ${R:0:12}"
ok "a legitimate commit signed offline after K1's retirement: itaku ok, stock git not Good (README: where they differ), ancestor check passes"

# the README gives this procedure
for s in gpg.ssh.allowedSignersFile gpg.ssh.revocationFile "export revocations" \
    "merge-base --is-ancestor" "No principal matched"; do
    grep -qF -- "$s" "$SRC/README.md" || fail "README does not say $s"
done
ok "the README gives the stock-git procedure"
finish
