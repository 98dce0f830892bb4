#!/usr/bin/env bash
# Crash-safe writes (issue 20), the writes test_crash_points.sh does not
# stop: pull, fetch, bundle import and the key events (key add, retire,
# compromised). Each is stopped by ITAKU_FAULT=POINT:K (core/util/fault.h)
# at each point and count; after each stop git fsck and verify --full pass,
# the next command does not wait for a lock (ITAKU_LOCK_WAIT=0), a rerun
# succeeds, what the command takes or writes has landed (a key event once)
# and index and work tree are HEAD's. make test stops at a bounded set of
# counts (1, 2, 4, 8 for objects, 1 to 3 for the other points);
# ITAKU_LONG=1 at every count until the command finishes.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/crash_lib.sh"

setup_city_and_contractor
(cd "$T/acme" && "$ITAKU" acknowledge >/dev/null)
(cd "$T/city" && "$ITAKU" receive acme "$T/acme" >/dev/null &&
    git remote add acme-hub "$T/acme" && git config remote.acme-hub.itakuParty acme)

POINTS="object ref-before ref-after checkout cache"
next_acme() { reg_add "next-$n" >/dev/null; }
next_city() { "$ITAKU" receive acme >/dev/null; }
counts() {
    if [ -n "${ITAKU_LONG:-}" ]; then
        seq 1 80
    elif [ "$1" = object ]; then
        echo 1 2 4 8
    else
        echo 1 2 3
    fi
}

# stop_all NAME DIR PREP CMD DONE NEXT: at each point and count, PREP (not
# stopped) makes something for CMD to take or write; CMD runs in DIR
# stopped there; DONE (in DIR) says whether it landed. Stopped: the checks
# above, a rerun when it did not land, else the write NEXT. Sets stops.
stop_all() {
    local name=$1 dir=$2 prep=$3 cmd=$4 done_=$5 next=$6 point k rc
    stops=0
    for point in $POINTS; do
        for k in $(counts "$point"); do
            $prep
            before=$(git -C "$dir" rev-parse HEAD)
            rc=0
            (cd "$dir" && ITAKU_FAULT=$point:$k $cmd) >"$T/out" 2>"$T/err" || rc=$?
            case $rc in
            137) ;;
            0) (cd "$dir" && $done_) || fail "$name finished at $point:$k without landing"; break ;;
            *) cat "$T/out" "$T/err" >&2; fail "$name at $point:$k: exit $rc" ;;
            esac
            stops=$((stops + 1))
            after_crash "$dir" "$name stopped at $point:$k"
            if ! (cd "$dir" && $done_); then
                (cd "$dir" && ITAKU_LOCK_WAIT=0 $cmd) >"$T/out" 2>"$T/err" ||
                    { cat "$T/out" "$T/err" >&2; fail "$name: the rerun after $point:$k failed"; }
                (cd "$dir" && $done_) || fail "$name: the rerun after $point:$k did not land"
            else
                # landed: the next write brings index and work tree up to date
                (cd "$dir" && ITAKU_LOCK_WAIT=0 $next) >"$T/out" 2>"$T/err" ||
                    { cat "$T/out" "$T/err" >&2; fail "$name: the next write after $point:$k failed"; }
            fi
            clean_tree "$dir" "$name stopped at $point:$k"
        done
    done
    echo "# $name: stopped at $stops points"
}

# --- pull: acme takes the city's main, merging its own new entry ---
n=0
pull_prep() {
    n=$((n + 1))
    (cd "$T/acme" && reg_add "pull-$n" >/dev/null)
    (cd "$T/city" && "$ITAKU" receive acme "$T/acme" >/dev/null)
    (cd "$T/acme" && reg_add "pull-$n-own" >/dev/null)
    CITY_TIP=$(git -C "$T/city" rev-parse main)
}
pull_cmd() { "$ITAKU" pull; }
pull_done() { git merge-base --is-ancestor "$CITY_TIP" main; }
stop_all pull "$T/acme" pull_prep pull_cmd pull_done next_acme
[ $stops -ge 5 ] || fail "only $stops points stopped a pull"
ok "a pull stopped at each of $stops points: fsck and verify pass, no lock waits, a rerun takes the city's main"

# --- fetch: the city takes acme's line from a remote, through the quarantine ---
fetch_prep() {
    n=$((n + 1))
    (cd "$T/acme" && reg_add "fetch-$n" >/dev/null)
    ACME_TIP=$(git -C "$T/acme" rev-parse main)
}
fetch_cmd() { "$ITAKU" fetch acme-hub; }
fetch_done() { [ "$(git rev-parse refs/itaku/lines/acme)" = "$ACME_TIP" ]; }
stop_all fetch "$T/city" fetch_prep fetch_cmd fetch_done next_city
[ $stops -ge 3 ] || fail "only $stops points stopped a fetch"
ok "a fetch stopped at each of $stops points: fsck and verify pass, no lock waits, a rerun takes acme's line"

# --- bundle import: the same, from a bundle file ---
import_prep() {
    n=$((n + 1))
    (cd "$T/acme" && reg_add "bundle-$n" >/dev/null &&
        "$ITAKU" bundle create "$T/b-$n.bundle" --for akiruno-city >/dev/null)
    ACME_TIP=$(git -C "$T/acme" rev-parse main)
}
import_cmd() { "$ITAKU" bundle import "$T/b-$n.bundle"; }
stop_all "bundle import" "$T/city" import_prep import_cmd fetch_done next_city
[ $stops -ge 3 ] || fail "only $stops points stopped a bundle import"
ok "a bundle import stopped at each of $stops points: fsck and verify pass, no lock waits, a rerun takes it"

# --- key events at acme: each lands once (one commit on what was there) ---
once() { [ "$(git rev-parse HEAD)" != "$before" ] && [ "$(git rev-parse HEAD^)" = "$before" ]; }
key_prep() {
    n=$((n + 1))
    "$ITAKU" key generate "$T/k-$n.key" --comment "k-$n" >/dev/null
}
add_cmd() { "$ITAKU" key add "$T/k-$n.key.pub" --principal "p$n"; }
stop_all "key add" "$T/acme" key_prep add_cmd once next_acme
[ $stops -ge 4 ] || fail "only $stops points stopped a key add"
ok "a key add stopped at each of $stops points lands once"

added_prep() {
    key_prep
    (cd "$T/acme" && add_cmd >/dev/null)
    FPR=$(fpr_of "$T/k-$n.key.pub")
    GOOD=$(git -C "$T/acme" rev-parse HEAD)
}
retire_cmd() { "$ITAKU" key retire "$FPR"; }
stop_all "key retire" "$T/acme" added_prep retire_cmd once next_acme
[ $stops -ge 4 ] || fail "only $stops points stopped a key retire"
ok "a key retire stopped at each of $stops points lands once"

compromised_cmd() { "$ITAKU" key compromised "$FPR" --last-good "$GOOD" --reason "端末紛失"; }
stop_all "key compromised" "$T/acme" added_prep compromised_cmd once next_acme
[ $stops -ge 4 ] || fail "only $stops points stopped a key compromised"
ok "a key marked compromised, stopped at each of $stops points, lands once"
finish
