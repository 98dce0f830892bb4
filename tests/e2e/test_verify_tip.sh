#!/usr/bin/env bash
# Issue 18, "verify after one new commit costs what is new": after a clean
# run, `itaku verify` keeps its verdict at the tip (verify.tip in this
# user's cache folder, core/verify/vtip.c), and a new commit that only adds
# plain records of its signer's party is checked alone on top of it
# (verify --stats: "N checked in full, the rest from the last clean run's
# verdict"; the walk from the cache, with a compromise on record, checks
# every void commit again); so are a receipt or pull that merges a line
# (V8's receipts state at each ref is kept in the summary). Whatever else
# moved (a summary not sealed by this user, a ref moved back, a merge that
# adds anything or brings a refused commit, a key, a commit that adds a
# record and changes another file, a file outside the party's folder, a
# hostile tree, a forged commit) is the full walk's to decide; each time
# verify prints what `verify --full` prints, byte for byte, with its exit
# code.
. "$(dirname "$0")/lib.sh"

setup_chain
at() { (cd "$T/$1" && shift && "$@"); }
quiet() { "$@" >/dev/null 2>&1 || { "$@"; fail "failed: $*"; }; }
reg() { quiet "$ITAKU" -C "$T/$1" register add --medium usb --quantity 1 \
    --handler "鈴木一郎" --method hand-delivery "${@:2}"; }

# a compromise on record: beta's second key, its last entry void
beta_key_stolen

C=$T/city
export XDG_CACHE_HOME=$T/warm/cache XDG_STATE_HOME=$T/warm/state
TIP=$(cache_folder "$C")/verify.tip
n=0
# verify_both: `verify --stats` with this user's caches and `verify --full`
# from nothing (another cache folder) in the city (or $VDIR); the same stdout and exit
# code, or the test fails. $CHECKED: how many commits the first checked in
# full.
verify_both() {
    n=$((n + 1))
    local o=$T/v$n rc=0 frc=0
    mkdir -p "$o"
    local d=${VDIR:-$C}
    (cd "$d" && "$ITAKU" verify --stats >"$o/out" 2>"$o/err") || rc=$?
    (cd "$d" && XDG_CACHE_HOME=$T/cold$n/cache XDG_STATE_HOME=$T/cold$n/state \
        "$ITAKU" verify --full >"$o/full" 2>"$o/full.err") || frc=$?
    [ "$rc" != 2 ] || fail "verify failed: $(cat "$o/err")"
    diff "$o/full" "$o/out" >&2 || fail "verify ($1) prints otherwise than verify --full"
    [ "$rc" = "$frc" ] || fail "verify ($1) exits $rc, verify --full $frc"
    CHECKED=$(sed -n 's/.* commits*, \([0-9]*\) checked in full.*/\1/p' "$o/err")
    [ -n "$CHECKED" ] || fail "verify --stats said no count: $(cat "$o/err")"
    TIPPED=0
    ! grep -q "the rest from the last clean run's verdict" "$o/err" || TIPPED=1
    cp "$o/out" "$T/last.out"
    return "$rc"
}
# fast WHAT [N]: verify took the verdict at the tip (N commits checked in
# full, the new ones; default 1), the verdict holds and names the void commit
fast() {
    verify_both "$1" || fail "verify after $1 found a problem: $(cat "$T/last.out")"
    [ "$TIPPED" = 1 ] || fail "after $1, verify walked in full: $(cat "$T/v$n/err")"
    [ "$CHECKED" = "${2:-1}" ] || fail "after $1, verify checked $CHECKED commits in full, not ${2:-1}"
    has "^${VOIDED:0:12} void" <"$T/last.out" || fail "after $1, verify does not name ${VOIDED:0:12} void"
}
# full WHAT [RC]: verify walked (from its cache: --stats says "the rest from
# the cache"), with verify --full's verdict (and exit code RC when given)
full() {
    local rc=0
    verify_both "$1" || rc=$?
    [ -z "${2:-}" ] || [ "$rc" = "$2" ] || fail "after $1, verify exits $rc: $(cat "$T/last.out")"
    [ "$TIPPED" = 0 ] || fail "after $1, verify took the verdict at the tip: $(cat "$T/v$n/err")"
}
# back: the city's main to the last good commit (the summary's refs)
back() { git -C "$C" reset -q --hard "$GOOD"; }
# city_commit SUBJECT KEY ACTION PATH...: the city's working tree committed
# with stock git, signed by KEY, with the city's truthful trailers for PATHs
city_commit() {
    local subject=$1 key=$2 action=$3
    shift 3
    (cd "$C" && git add -A && stock_commit . "$key" "$subject

$(trailers akiruno-city officer "$action" "$@")")
}
entry() { (cd "$C" && write_record "$1" "$(register_body)") >/dev/null; }

full "a clean history, no summary yet"
[ -s "$TIP" ] || fail "a clean verify kept no summary in $TIP"
ok "a clean walk keeps its verdict in this user's cache folder (verify.tip)"

reg city --action received --item-id c-1 --info "住民記録データ"
fast "one new record"
GOOD=$(git -C "$C" rev-parse HEAD)
reg city --action received --item-id c-2 --info "住民記録データ"
reg city --action received --item-id c-3 --info "住民記録データ"
fast "two new records" 2
GOOD=$(git -C "$C" rev-parse HEAD)
ok "a new record is checked alone, and verify prints what verify --full prints"

# the summary sealed by this user alone: one byte changed, it is ignored
# (the full walk) and written again, and the next record is checked alone
python3 - "$TIP" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 1
open(sys.argv[1], "wb").write(bytes(b))
PY
cp "$TIP" "$T/tampered"
reg city --action received --item-id c-4 --info "住民記録データ"
full "a tampered verify.tip"
cmp -s "$TIP" "$T/tampered" && fail "the tampered verify.tip was not written again"
reg city --action received --item-id c-5 --info "住民記録データ"
fast "a record after the summary was written again"
GOOD=$(git -C "$C" rev-parse HEAD)
ok "a tampered verify.tip is ignored and written again"

# main moved back: fewer commits than the summary counts
git -C "$C" reset -q --hard HEAD~2
full "main moved back"
back
fast "main forward again, two records past what the last run saw" 2
reg city --action received --item-id c-6 --info "住民記録データ"
fast "a record after main came back"
GOOD=$(git -C "$C" rev-parse HEAD)
ok "a ref moved back is the full walk's, and the summary it writes is the next run's start"

# the city's README.md replaced (a change of the contract's files: the
# verdict holds, and it is the full walk's), then a record beside such a
# change (V10: a submission may not change it)
echo "# changed" >>"$C/README.md"
city_commit "Update README" "$T/city.key" contract-update README.md
full "a commit that changes README.md" 0
back
entry parties/akiruno-city/register/r-000090.json
echo "# changed" >>"$C/README.md"
city_commit "Submit a record and change README" "$T/city.key" submit \
    parties/akiruno-city/register/r-000090.json README.md
full "a commit that adds a record and changes README.md" 1
back

# a record outside the signer's own folder
entry parties/acme/register/r-000091.json
city_commit "Submit a record for acme" "$T/city.key" submit parties/acme/register/r-000091.json
full "a record outside the city's folder" 1
back
ok "a commit that does more than add the party's own records is the full walk's"

# a key of the city's own and a receipt (a merge)
"$ITAKU" key generate "$T/city2.key" >/dev/null
quiet at city "$ITAKU" key add "$T/city2.key.pub" --principal suzuki
full "a key added"
reg acme --action received --item-id a-9 --info "住民記録データ"
chain_up acme
fast "a receipt (a merge): the record received and the merge" 2
GOOD=$(git -C "$C" rev-parse HEAD)
reg city --action received --item-id c-7 --info "住民記録データ"
fast "a record after a key and a receipt"
GOOD=$(git -C "$C" rev-parse HEAD)
ok "a key event is the full walk's; a receipt is checked on the state the summary keeps (V8 at each ref)"

# a hostile tree: an executable file beside the city's record (V10)
blob=$(printf 'x\n' | git -C "$C" hash-object -w --stdin)
tree=$( (git -C "$C" ls-tree HEAD && printf '100755 blob %s\trun.sh\n' "$blob") | git -C "$C" mktree)
bad=$(git -C "$C" -c gpg.format=ssh -c user.signingkey="$T/city.key" commit-tree -S -p HEAD \
    -m "hostile" "$tree")
git -C "$C" update-ref refs/heads/main "$bad"
full "a hostile tree" 1
has "^${bad:0:12} V10" <"$T/last.out" || fail "verify does not name the hostile tree's commit"
back

# a forged commit: the city's record signed by acme's key
entry parties/akiruno-city/register/r-000092.json
city_commit "Submit a forged record" "$T/acme.key" submit parties/akiruno-city/register/r-000092.json
forged=$(git -C "$C" rev-parse HEAD)
full "a forged commit" 1
has "^${forged:0:12} V1" <"$T/last.out" || fail "verify does not refuse the forged commit ${forged:0:12}"
back
fast "main back to the last good commit" 0
ok "a hostile tree and a forged commit after the tip are refused as verify --full refuses them"

# a pull (acme takes the city's main with a new record of the city's): in
# acme's registry, the city's record and acme's merge are checked alone
quiet at acme "$ITAKU" pull
(cd "$T/acme" && "$ITAKU" verify >/dev/null 2>&1) || true
VDIR=$T/acme fast "acme's verify after a pull" 0
reg acme --action received --item-id a-11 --info "住民記録データ"
VDIR=$T/acme fast "acme's own record"
reg city --action received --item-id c-8 --info "住民記録データ"
quiet at acme "$ITAKU" pull
VDIR=$T/acme fast "a pull of the city's main" 2
GOOD=$(git -C "$C" rev-parse HEAD)
fast "the city's own record, before the hostile merges" 1
GOOD=$(git -C "$C" rev-parse HEAD)
ok "a pull is checked on the state the summary keeps, as verify --full checks it"

# hostile merges, made with stock git in the city: each is the full walk's,
# and verify prints what verify --full prints. The city holds acme's line;
# acme writes one more record, which the city fetches with stock git (no
# ref moves; FETCH_HEAD names it)
quiet at city "$ITAKU" receive acme "$T/acme"
verify_both "the city's receipt of acme's pull" || fail "verify found a problem: $(cat "$T/last.out")"
GOOD=$(git -C "$C" rev-parse HEAD)
reg acme --action received --item-id a-10 --info "住民記録データ"
git -C "$C" fetch -q "$T/acme" main
LINE=$(git -C "$C" rev-parse FETCH_HEAD)
# merge_line SUBJECT KEY [PATH...]: the city's main merges commit $TAKE as a
# receipt of acme's line, with PATHs (in the working tree) added beyond the
# clean merge
merge_line() {
    local subject=$1 key=$2
    shift 2
    (cd "$C" && git merge -q --no-ff --no-commit "$TAKE" >/dev/null 2>&1 && git add -A &&
        stock_commit . "$key" "$subject

$(trailers akiruno-city officer receive "$@")
Itaku-Received: acme $TAKE")
}
TAKE=$LINE merge_line "Receive acme's line" "$T/city.key"
fast "a receipt made with stock git" 2
back
entry parties/acme/register/r-000093.json
TAKE=$LINE merge_line "Receive acme's line and add to its folder" "$T/city.key" \
    parties/acme/register/r-000093.json
full "a receipt that adds a record to acme's folder" 1
back
entry parties/akiruno-city/register/r-000094.json
TAKE=$LINE merge_line "Receive acme's line and add a record" "$T/city.key" \
    parties/akiruno-city/register/r-000094.json
full "a receipt that adds what neither side has"
back
# a forged commit on acme's line: acme's record signed by beta's key
git -C "$C" checkout -q -b forged "$LINE"
entry parties/acme/register/r-000095.json
(cd "$C" && git add -A && stock_commit . "$T/beta.key" "Submit a forged record

$(trailers acme tanaka submit parties/acme/register/r-000095.json)")
TAKE=$(git -C "$C" rev-parse HEAD)
git -C "$C" checkout -q main
TAKE=$TAKE merge_line "Receive a forged line" "$T/city.key"
full "a receipt whose line carries a forged commit" 1
has "^${TAKE:0:12} V1" <"$T/last.out" || fail "verify does not refuse the forged ${TAKE:0:12}"
back
git -C "$C" branch -q -D forged
# a void commit on acme's line: beta's stolen key after its compromise
git -C "$C" checkout -q -b stolen "$LINE"
entry parties/beta/register/r-000096.json
(cd "$C" && git add -A && stock_commit . "$T/beta2.key" "Submit with a stolen key

$(trailers beta tanaka submit parties/beta/register/r-000096.json)")
TAKE=$(git -C "$C" rev-parse HEAD)
git -C "$C" checkout -q main
TAKE=$TAKE merge_line "Receive a line with a void commit" "$T/city.key"
full "a receipt whose line carries a void commit" 1
back
git -C "$C" branch -q -D stolen
full "main back to the last good commit" 0
TAKE=$LINE merge_line "Receive acme's line" "$T/city.key"
fast "a receipt after the hostile ones" 2
ok "a merge that adds to a folder, adds what neither side has, or brings a forged or void commit is the full walk's, with its verdict"

# acme pulls the city's receipt of its own record: the receipt takes acme's
# main before the pull, an old commit in acme's registry whose signer the
# summary keeps (V8's writer of the line), so the receipt alone is checked
quiet at acme "$ITAKU" pull
(cd "$T/acme" && "$ITAKU" verify >/dev/null 2>&1) || true
reg acme --action received --item-id a-14 --info "住民記録データ"
VDIR=$T/acme fast "acme's own record before the city receives it"
quiet at city "$ITAKU" receive acme "$T/acme"
quiet at acme "$ITAKU" pull
VDIR=$T/acme fast "acme's pull of the city's receipt of its own record"
ok "a pull of the city's receipt of a party's own record is checked on the summary, as verify --full checks it"

finish
