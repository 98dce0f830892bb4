#!/usr/bin/env bash
# Progress of a fetched pack (issue 20): a contractor cloning or fetching a
# large registry over SSH sees on stderr, when it is a terminal, how the
# pack arrives and is indexed, as git says it ("Receiving objects:  45%
# (450/1000), 1.20 MiB", then ", done."); when stderr is not a terminal
# nothing of it is written. The terminal is `script`'s; each command is run
# both ways on a pack of its own (random scans, about 2 MiB), so that the
# quiet twin has a pack to be quiet about.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"
# libgit2's SSH transport leaks per connection; see tests/lsan.supp
export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

setup_city_and_contractor
rm -rf "$T/acme"
start_hub acme
trust_hub_host

# attach_scans DIR N...: attaches a MiB of random bytes (they do not
# compress) for each N in the registry at DIR
attach_scans() {
    local dir=$1
    shift
    for i in "$@"; do
        head -c $((1024 * 1024)) /dev/urandom >"$T/scan$i.pdf"
        (cd "$dir" && "$ITAKU" attach "$T/scan$i.pdf" >/dev/null 2>&1) || fail "cannot attach scan$i.pdf"
    done
}
# on_tty CMD: runs CMD with a terminal as its stdin, stdout and stderr;
# what the terminal showed, one line per \r or \n, into $T/tty
on_tty() {
    set +e
    script -qec "$1" /dev/null </dev/null >"$T/tty.raw" 2>&1
    local rc=$?
    set -e
    tr '\r' '\n' <"$T/tty.raw" | sed 's/\x1b\[K//g' >"$T/tty"
    return $rc
}
# shows_progress WHAT: the terminal showed the pack arrive and be indexed
shows_progress() {
    grep -aqE '^Receiving objects: +[0-9]{1,2}% \([0-9]+/[0-9]+\), [0-9.]+ (KiB|MiB|bytes?)$' "$T/tty" ||
        { cat "$T/tty" >&2; fail "$1: no progress while the pack arrived"; }
    grep -aqE '^Receiving objects: 100% \(([0-9]+)/\1\), [0-9.]+ MiB, done\.$' "$T/tty" ||
        { cat "$T/tty" >&2; fail "$1: the pack's arrival does not end with its count and size, done"; }
    grep -aqE '^Indexing objects: 100% \(([0-9]+)/\1\), done\.$' "$T/tty" ||
        { cat "$T/tty" >&2; fail "$1: the indexing does not end with its count, done"; }
}

cd "$T/city"
expect_exit 0 "$ITAKU" remote add hub "$URL" --party akiruno-city
attach_scans "$T/city" 1 2
expect_exit 0 "$ITAKU" push hub

# --- clone ---------------------------------------------------------------
expect_exit 0 "$ITAKU" clone "$URL" "$T/quiet" --city-key "$CITY_FPR" --genesis "$GENESIS" --key "$T/acme.key"
! grep -aqE "Receiving objects|Indexing objects" "$T/err" || fail "clone showed progress to a stderr that is no terminal"
rm -rf "$T/quiet"
on_tty "$ITAKU clone $URL $T/acme --city-key $CITY_FPR --genesis $GENESIS --key $T/acme.key" ||
    { cat "$T/tty" >&2; fail "clone on a terminal failed"; }
shows_progress "clone"
grep -aq "Cloned and verified" "$T/tty" || fail "clone on a terminal did not say it cloned"
ok "clone over SSH shows the pack arriving and indexed on a terminal, nothing otherwise"

# --- fetch ---------------------------------------------------------------
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
attach_scans "$T/acme" 3 4
expect_exit 0 "$ITAKU" push origin
cd "$T/city"
expect_exit 0 "$ITAKU" fetch hub
expect_output "line of acme +new at"
! grep -aqE "Receiving objects|Indexing objects" "$T/err" || fail "fetch showed progress to a stderr that is no terminal"
attach_scans "$T/acme" 5 6
(cd "$T/acme" && "$ITAKU" push origin >/dev/null) || fail "acme cannot push"
on_tty "$ITAKU fetch hub" || { cat "$T/tty" >&2; fail "fetch on a terminal failed"; }
shows_progress "fetch"
grep -aqE "line of acme +[0-9a-f]{12} -> [0-9a-f]{12}" "$T/tty" || { cat "$T/tty" >&2; fail "fetch on a terminal did not take acme's line"; }
# the progress ends its line: what follows starts on a line of its own
grep -aqE "done\.Fetched|done\.line" "$T/tty.raw" && fail "the progress line runs into the next"
ok "fetch over SSH shows the pack arriving and indexed on a terminal, nothing otherwise"
finish
