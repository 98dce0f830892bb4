#!/usr/bin/env bash
# A CLI on rails (issue 12, points 1 and 3): every command and subcommand
# answers --help with exit 0 and changes nothing; `itaku help CMD` says the
# same; wrong options and values exit 2 naming them; man pages and bash
# completion come from the same option tables.
source "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/city"
snapshot() { (find . -path ./.git -prune -o -print | sort; git for-each-ref --format='%(refname) %(objectname)') ; }
before=$(snapshot)

# the slips named in the issue
expect_exit 0 "$ITAKU" export allowed-signers --help
expect_output "usage: itaku export allowed-signers"
[ ! -e ./--help ] || fail "export allowed-signers --help wrote a file named --help"
ok "export allowed-signers --help prints help and writes no file"
expect_exit 0 "$ITAKU" form new --help
expect_output "usage: itaku form new"
ok "form new --help exits 0"
expect_exit 0 "$ITAKU" record show --help
expect_output "usage: itaku record show"
ok "record show --help exits 0"
expect_exit 0 "$ITAKU" help status
expect_output "usage: itaku status"
grep -q "Commands:" "$T/out" && fail "help status printed the top-level help"
ok "help status prints status's help"
expect_exit 0 "$ITAKU" register add --help
expect_output "--medium M +the medium it is on: paper usb optical hdd_ssd file online"
expect_output "--method M +how it was handed over: a method the contract designates"
ok "register add --help says which media and which handover methods are accepted"
expect_exit 2 "$ITAKU" log -n abc
expect_output "max-count takes a whole number, not 'abc'"
ok "log -n abc exits 2 naming the option and value"
expect_exit 2 "$ITAKU" log --party nobody
cp "$T/err" "$T/log.err"
expect_output "--party nobody: party 'nobody' is not registered"
expect_exit 2 "$ITAKU" status --party nobody
expect_output "--party nobody: party 'nobody' is not registered"
diff <(sed 1q "$T/log.err" | sed 's/^itaku log//') <(sed 1q "$T/err" | sed 's/^itaku status//') ||
    fail "log and status say different things of an unknown party"
ok "log --party nobody and status --party nobody: exit 2, the same message"
# a known party is taken: status answers (0, or 1 once form 1 is overdue
# on the clock of the day the test runs), never the usage error 2
set +e
"$ITAKU" status --party acme >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" = 0 ] || [ "$rc" = 1 ] || { cat "$T/err" >&2; fail "status --party acme exited $rc"; }
grep -q "acme" "$T/out" || fail "status --party acme shows nothing of acme"
expect_exit 0 "$ITAKU" log --party acme -n 1
ok "a known party and a number pass (the legitimate twins)"
expect_exit 2 "$ITAKU" status --frobnicate
expect_output "unknown option --frobnicate"
expect_exit 2 "$ITAKU" log --party
expect_output "--party needs a value"
expect_exit 2 "$ITAKU" history nothing-like-this
expect_output "'nothing-like-this'"
ok "unknown option, missing value, unknown id: exit 2 naming them"

# every command and subcommand: --help exits 0, prints a usage line, changes
# nothing, and `itaku help CMD [SUB]` is the same text
expect_exit 0 "$ITAKU" help --list
cp "$T/out" "$T/list"
[ "$(wc -l <"$T/list")" -ge 31 ] || fail "help --list lists too few commands"
while read -r -a words; do
    expect_exit 0 "$ITAKU" "${words[@]}" --help
    grep -q "^usage: itaku ${words[*]}" "$T/out" || fail "${words[*]} --help: no usage line"
    cp "$T/out" "$T/help1"
    expect_exit 0 "$ITAKU" help "${words[@]}"
    cmp -s "$T/out" "$T/help1" || fail "itaku help ${words[*]} differs from ${words[*]} --help"
done <"$T/list"
after=$(snapshot)
[ "$after" = "$before" ] || { diff <(echo "$before") <(echo "$after") >&2; fail "a --help changed the folder or the refs"; }
ok "$(wc -l <"$T/list") commands and subcommands answer --help alike and change nothing"

# man pages: one per command, OPTIONS as in the table, rendered by man
MAN=$T/man
mkdir -p "$MAN"
"$ITAKU" --man >"$MAN/itaku.1"
for cmd in $("$ITAKU" __complete ""); do
    [ "$cmd" = help ] && continue
    "$ITAKU" --man "$cmd" >"$MAN/itaku-$cmd.1"
    grep -q '^\.SH OPTIONS' "$MAN/itaku-$cmd.1" || fail "itaku-$cmd.1 has no OPTIONS"
    grep -q "itaku\\\\-$cmd" "$MAN/itaku.1" || fail "itaku.1 does not name itaku-$cmd"
    # every option of the table is in the page, and the page has no other
    while read -r -a sub; do
        [ "${sub[0]}" = "$cmd" ] || continue
        want=$("$ITAKU" __complete "${sub[@]}" -- | sed '/^--help$/d' | sort -u)
        pat=$(printf '%s' "${sub[*]}" | sed 's/-/\\\\-/g') # as roff writes it: add\-party
        got=$(sed -n "/^\\.SS \"itaku $pat\"/,/^\\.S[SH]/p" "$MAN/itaku-$cmd.1" |
              { grep -o '\\-\\-[a-z\\-]*' || true; } | sed 's/\\//g' | sort -u)
        [ "$want" = "$got" ] || fail "itaku-$cmd.1 (${sub[*]}): options '$got', the table '$want'"
    done <"$T/list"
done
if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$MAN/itaku-status.1" 2>&1 | has -- "--party" || fail "man -l does not render itaku-status.1"
    MANWIDTH=80 man -l "$MAN/itaku.1" 2>&1 | has "itaku-status" || fail "man -l does not render itaku.1"
else
    fail "man is not installed (make deps installs man-db)"
fi
ok "man pages: one per command, options as in the tables, rendered by man -l"

# bash completion, driven as bash does
complete_words() {
    (source "$SRC/cli/completion.bash"
     COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
     PATH="$(dirname "$ITAKU"):$PATH" _itaku
     printf '%s\n' "${COMPREPLY[@]}")
}
[ "$(complete_words itaku st)" = "status" ] || fail "itaku st<TAB>: $(complete_words itaku st)"
[ "$(complete_words itaku status --pa)" = "--party" ] || fail "itaku status --pa<TAB>"
got=$(complete_words itaku status --party "" | sort | tr '\n' ' ')
[ "$got" = "acme akiruno-city " ] || fail "itaku status --party <TAB>: '$got'"
complete_words itaku key a | has -x add || fail "itaku key a<TAB> does not give add"
# record and request ids: every record `record list` shows, as party/id
"$ITAKU" record list | awk '$3 != "(key)" {print $1 "/" $3}' | sort >"$T/ids"
[ -s "$T/ids" ] || fail "the scenario has no records to complete"
complete_words itaku history "" | sort >"$T/completed"
comm -23 "$T/ids" "$T/completed" | has . && fail "itaku history <TAB> misses: $(comm -23 "$T/ids" "$T/completed")"
complete_words itaku record show "$(head -c 3 "$T/ids")" | has -xF "$(head -1 "$T/ids")" ||
    fail "itaku record show <TAB> does not give $(head -1 "$T/ids")"
ok "bash completion: commands, subcommands, options, party ids, record ids"
# what a newcomer tried next: each slip with its twin
expect_exit 2 "$ITAKU" log --action frobnicate
expect_output "--action 'frobnicate' is no action itaku writes \(one of: .*submit"
expect_exit 0 "$ITAKU" log --action receive
ok "log --action with an unknown action: exit 2 listing the actions; a known one passes"
expect_exit 2 "$ITAKU" status extra
expect_output "status takes options only, not 'extra'"
expect_exit 2 "$ITAKU" status --json --csv
expect_output "give one of them"
ok "status with an argument, or with --json and --csv: exit 2 saying which"
expect_exit 0 "$ITAKU" clone --help
grep -q -- "--city-key SHA256:..." "$T/out" && ! grep -q -- "\[--city-key" "$T/out" ||
    fail "clone --help shows the required --city-key as optional: $(head -1 "$T/out")"
ok "clone --help shows --city-key and --genesis as required"
mkdir "$T/plain" && git -C "$T/plain" init -q && git -C "$T/plain" commit -q --allow-empty -m x
expect_exit 2 "$ITAKU" -C "$T/plain" verify
expect_output "not an itaku registry: HEAD holds no itaku.json"
grep -q "V10" "$T/out" && fail "verify judged a repository that is no registry by itaku's rules"
expect_exit 0 "$ITAKU" verify
ok "verify in a git repository that is no registry: exit 2 saying so (a registry verifies: the twin)"
for page in "$T/man/itaku.1" "$T/man/itaku-verify.1"; do
    grep -q '^\.SH EXIT STATUS' "$page" || fail "$page has no EXIT STATUS"
done
grep -q '^\.SH ENVIRONMENT' "$T/man/itaku.1" || fail "itaku.1 has no ENVIRONMENT"
expect_exit 0 "$ITAKU" help
expect_output "-C DIR +run as if started in DIR"
ok "man pages give the exit status (itaku.1 also the environment); help explains -C"
finish
