#!/usr/bin/env bash
# The README's walkthrough must work when pasted line by line: its indented
# lines go one by one (a line ending in `\` with the next) into one bash, as
# written; the test fills in only what a reader would: where the binary and
# the folder are, and the city key and genesis the contract sheet printed.
# Then it checks what the reader would: every command exits 0, no verify
# warns that nothing is pinned, the city's log and status show the
# contractor's entry once received, and stock git checks every signature.
. "$(dirname "$0")/lib.sh"
src=${ITAKU_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
sed -n '/^## Walkthrough/,/^`itaku verify` exits/p' "$src/README.md" | grep -E '^    ' |
    sed -e 's/^    //' >"$T/walk.txt"
[ "$(wc -l <"$T/walk.txt")" -gt 20 ] || fail "the README walkthrough was not found"
grep -q '^itaku clone .*--city-key SHA256:… --genesis GENESIS' "$T/walk.txt" ||
    fail "the walkthrough does not join with itaku clone and the contract sheet's pins"
grep -q '^itaku receive acme ' "$T/walk.txt" || fail "the walkthrough's city does not itaku receive"
if grep -qE '^git (clone|fetch)' "$T/walk.txt"; then fail "the walkthrough joins or fetches with plain git"; fi

# One bash, fed a line at a time; after each command a marker with its exit code.
coproc WALK { cd "$src" && exec bash --norc --noprofile 2>&1; }
walk_pid=$WALK_PID
: >"$T/walk.out"
n=0 cmd=""
send() { # the lines in $cmd, then the marker; reads the output up to it
    n=$((n + 1))
    printf '%s\n' "$cmd" >&"${WALK[1]}"
    printf 'echo "@@walk-%d $?"\n' "$n" >&"${WALK[1]}"
    printf '$ %s\n' "$cmd" >>"$T/walk.out"
    local line
    while IFS= read -r -t 120 line <&"${WALK[0]}"; do
        case $line in
        "@@walk-$n "*)
            [ "${line##* }" = 0 ] || {
                cat "$T/walk.out" >&2
                fail "README walkthrough: exit ${line##* } from: $cmd"
            }
            return 0
            ;;
        esac
        printf '%s\n' "$line" >>"$T/walk.out"
    done
    cat "$T/walk.out" >&2
    fail "README walkthrough: no answer from: $cmd"
}
while IFS= read -r line; do
    case $line in
    export\ PATH=*) line="export PATH=$(dirname "$ITAKU"):\$PATH" ;;
    esac
    line=${line//\/tmp\/itaku-walk/$T/walk}
    if [[ $line == *"SHA256:…"* || $line == *GENESIS* ]]; then
        key=$(awk '/city key:/ {print $3; exit}' "$T/walk.out")
        genesis=$(awk '/genesis:/ {print $2; exit}' "$T/walk.out")
        [ -n "$key" ] && [ -n "$genesis" ] || fail "the contract sheet was not printed before: $line"
        line=${line//SHA256:…/$key}
        line=${line//GENESIS/$genesis}
    fi
    cmd=${cmd:+$cmd$'\n'}$line
    [[ $line == *\\ ]] && continue
    [[ $cmd =~ ^[[:space:]]*(#.*)?$ ]] || send
    cmd=""
done <"$T/walk.txt"
printf 'exit\n' >&"${WALK[1]}"
wait "$walk_pid" 2>/dev/null || true
ok "the README walkthrough runs as written, line by line ($n commands)"

if grep -nE 'pins no genesis|not pinned|warning' "$T/walk.out"; then
    fail "the walkthrough shows a warning (above)"
fi
[ "$(grep -c '^verified [0-9]* commits: every signature and rule holds$' "$T/walk.out")" = 3 ] ||
    fail "walkthrough: city, contractor and city again do not all verify"
grep -q '^Cloned and verified city into acme; the contract is pinned to genesis' "$T/walk.out" ||
    fail "walkthrough: itaku clone did not pin the contract"
ok "no verify warns that nothing is pinned; verify passes for the city and the contractor"

# The city's log and status, after receive, show the contractor's entry.
# (the walkthrough's one `itaku log` and one `itaku status`, both in the city)
cp "$T/walk.out" "$T/after"
sed -n '/^\$ itaku log$/,/^\$ /p' "$T/after" >"$T/log"
grep -qE ' acme +manager +submit +[0-9a-f]{12} +Submit form 3 \(register entry\) r-000001' "$T/log" ||
    fail "the city's itaku log does not show the contractor's register entry: $(cat "$T/log")"
grep -qE 'akiruno-city +officer +receive .*Receive the line of acme' "$T/log" ||
    fail "the city's itaku log does not show its receipt: $(cat "$T/log")"
sed -n '/^\$ itaku status --party acme$/,/^\$ /p' "$T/after" >"$T/status"
# (the walkthrough runs in LANG=C.UTF-8: the table's words in English)
grep -qE 'handover by a designated method +acme/r-000001 ' "$T/status" ||
    fail "the city's itaku status does not show the contractor's entry: $(cat "$T/status")"
ok "after itaku receive, the city's log and status show the contractor's entry"

commits=$(git -C "$T/walk/city" rev-list --count HEAD)
[ "$(grep -c '^Good "git" signature' "$T/walk.out")" = "$commits" ] ||
    fail "walkthrough: stock git did not check all $commits commits"
ok "stock git checks every signature of the city's $commits commits"
finish
