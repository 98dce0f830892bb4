#!/usr/bin/env bash
# Issue 18, "every daily operation costs what is new": after a new commit,
# status, todo, who and requests work out the snapshot of the new head from
# the cached snapshot of the commit before (core/views/snapshot.c: only the
# folders whose tree ids changed are read). What they print must be what a
# first run with no cache at all prints, byte for byte, after each kind of
# commit a day brings: a register entry, a form 1 superseding another, a
# second key, a request and its endorsement, a receive (a merge bringing a
# line's records up), a pull of several commits; and after a compromise
# declared since, which changes the verdicts of the earlier history (every
# record read again). The twin of each comparison: the cold run is a run
# from nothing (an empty cache folder), and the warm cache is of the
# commit before.
. "$(dirname "$0")/lib.sh"

setup_chain
at() { (cd "$T/$1" && shift && "$@"); }
quiet() { "$@" >/dev/null 2>&1 || { "$@"; fail "failed: $*"; }; }
reg() {
    quiet "$ITAKU" -C "$T/$1" register add --medium usb --quantity 1 --handler "鈴木一郎" \
        --method hand-delivery "${@:2}"
}

# run NAME OUT CMD...: stdout, stderr and exit code of one command into OUT
run() {
    local name=$1 out=$2 rc=0
    shift 2
    "$@" >"$out/$name.out" 2>"$out/$name.err" || rc=$?
    echo "$rc" >"$out/$name.rc"
}

# views PARTY CACHE OUT: every daily view of PARTY's registry, with the
# caches in CACHE (fixed evaluation times: "now" differs from run to run)
views() {
    local out=$3
    mkdir -p "$out"
    (
        cd "$T/$1"
        export XDG_CACHE_HOME=$2/cache XDG_STATE_HOME=$2/state
        run status "$out" "$ITAKU" status --at 2099-12-31
        run status-2026 "$out" "$ITAKU" status --json --at "$(day 13)"
        run status-beta "$out" "$ITAKU" status --at "$(day 13)" --party beta
        run todo-acme "$out" "$ITAKU" todo --json --at 2099-12-31 --party acme
        run todo-beta "$out" "$ITAKU" todo --at "$(day 13)" --party beta
        run requests "$out" "$ITAKU" requests --all --json
        run who "$out" "$ITAKU" who --json --at 2099-12-31
        run who-beta "$out" "$ITAKU" who --at 2099-12-31 --party beta
        LANG=ja_JP.UTF-8 run status-ja "$out" "$ITAKU" status --at "$(day 13)"
        LANG=ja_JP.UTF-8 run todo-ja "$out" "$ITAKU" todo --at "$(day 13)" --party acme
    )
}

step=0
# same_as_cold PARTY WHAT: PARTY's views from its warm caches (of the commit
# before) are those of a run with no cache; the warm caches then hold the
# new head's snapshot
same_as_cold() {
    step=$((step + 1))
    local base=$T/views/$step
    views "$1" "$T/warm-$1" "$base/warm"
    views "$1" "$T/cold-$step" "$base/cold"
    diff -r "$base/cold" "$base/warm" >&2 || fail "after $2, $1's views from the cache of the commit before differ from a cold run"
    # what a user reads: the status names the parties (the comparison is not of empty files)
    has "^acme" <"$base/warm/status.out" || fail "after $2, status printed no party"
    [ "$(cat "$base/warm/status.rc")" != 2 ] || fail "after $2, status failed: $(cat "$base/warm/status.err")"
    ok "after $2, $1's status, todo, who and requests from the cache of the commit before are a cold run's"
}

# the caches of today's heads
views acme "$T/warm-acme" "$T/views/0/acme"
views city "$T/warm-city" "$T/views/0/city"

reg acme --action received --item-id item-1 --info "住民記録データ"
same_as_cold acme "a register entry"

quiet at acme "$ITAKU" form submit 1 "$FORM1_BODY"
same_as_cold acme "a form 1"

quiet at acme "$ITAKU" form submit 1 "$FORM1_BODY" --supersedes f1-000001
same_as_cold acme "a form 1 superseding the first"

"$ITAKU" key generate "$T/acme2.key" >/dev/null
quiet at acme "$ITAKU" key add "$T/acme2.key.pub" --principal deputy
same_as_cold acme "a second key"

reg beta --action received --item-id b-1 --info "住民記録データ"
quiet at beta "$ITAKU" request submit copy --summary "検証用に複製" --item b-1
chain_up beta # acme and the city receive beta's line (merges)
same_as_cold acme "a receive of beta's line"
same_as_cold city "a receive of acme's line"

quiet at acme "$ITAKU" endorse beta/q-000002
same_as_cold acme "an endorsement"

chain_up acme
quiet at city "$ITAKU" approve beta/q-000002 --max-uses 1 --valid-until 2099-03-31
same_as_cold city "an approval"

quiet at acme "$ITAKU" pull
same_as_cold acme "a pull of several commits"

# beta's form 1 received by acme, then pulled back by beta: the receipt
# merge (the one new commit) is when beta's form reached acme's line (the
# status shows it), a record beta's cached snapshot already held
chain_down beta
views beta "$T/warm-beta" "$T/views/0/beta"
quiet at beta "$ITAKU" form submit 1 "$FORM1_BODY"
same_as_cold beta "a form 1 of a subcontractor"
quiet at acme "$ITAKU" receive beta "$T/beta"
quiet at beta "$ITAKU" pull
same_as_cold beta "a pull of the receipt of its form 1"

# a compromise declared since: acme's first key, last good before its last
# entry, which becomes void (the earlier history's verdicts change: the
# snapshot is worked out again from nothing)
sleep 1 # dated after last good, to the second (stock git's valid-before is inclusive)
reg acme --action received --item-id item-2 --info "税務データ"
lastgood=$(git -C "$T/acme" rev-parse HEAD~1)
views acme "$T/warm-acme" "$T/views/before-compromise"
fpr=$("$ITAKU" key show "$T/acme.key" | awk '{print $2}')
git -C "$T/acme" config itaku.signingKey "$T/acme2.key"
quiet at acme "$ITAKU" key compromised "$fpr" --last-good "$lastgood" --reason "端末紛失"
same_as_cold acme "a compromise declared"
! cmp -s "$T/views/before-compromise/status-2026.out" "$T/views/$step/warm/status-2026.out" ||
    fail "the compromise changed nothing in status"
