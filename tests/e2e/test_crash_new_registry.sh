#!/usr/bin/env bash
# A new registry appears whole or not at all (issue 20): `itaku init` and
# `itaku clone` (from a path and from a bundle) build it in a hidden folder
# beside the one named and rename it at the end. Stopped at every fault point
# (ITAKU_FAULT=POINT:K, core/util/fault.h; the rename is the last ref-before
# and ref-after), the folder named either does not exist (or is the empty
# folder given, as it was) or holds a registry that git fsck and verify
# --full accept; a rerun succeeds without waiting for a lock and removes
# the hidden folder the stopped run left. make test stops at a spread of
# counts at each point (1, 2, 3, 5, 8, …); ITAKU_LONG=1 at every one.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/crash_lib.sh"

setup_city_and_contractor
(cd "$T/city" && "$ITAKU" bundle create "$T/city.bundle" --for acme >/dev/null)

if [ -n "${ITAKU_LONG:-}" ]; then
    COUNTS=$(seq 1 400)
else
    COUNTS="1 2 3 5 8 13 21 34 55 89 144 233 377"
fi

init_into() {
    "$ITAKU" init "$1" --contract C-2026-009 --title "住民情報システム運用保守" \
        --city akiruno-city --name "あきる野市" --key "$T/city.key" \
        --start "$(day -1)" --end "$(day 119)"
}
clone_path_into() {
    "$ITAKU" clone "$T/city" "$1" --city-key "$CITY_FPR" --genesis "$GENESIS" --key "$T/acme.key"
}
clone_bundle_into() {
    "$ITAKU" clone "$T/city.bundle" "$1" --city-key "$CITY_FPR" --genesis "$GENESIS" \
        --key "$T/acme.key"
}

# hidden DEST: the hidden folders beside DEST (runs of init or clone that
# did not reach their rename)
hidden() {
    local d
    d=$(dirname "$1")
    find "$d" -maxdepth 1 -name ".$(basename "$1").itaku-new-*" | wc -l
}

# check_new WHAT DEST EMPTY: after a stop, DEST is as it was (absent, or the
# empty folder given when EMPTY=1) or a whole registry; a rerun makes it
# when it is not there, and leaves no hidden folder.
check_new() {
    local what=$1 dest=$2 empty=$3 make=$4
    if [ -e "$dest/.git" ]; then
        after_crash "$dest" "$what"
        clean_tree "$dest" "$what"
        whole=$((whole + 1))
    else
        if [ "$empty" = 1 ]; then
            [ -d "$dest" ] || fail "$what: the empty folder given is gone"
            [ -z "$(ls -A "$dest")" ] || fail "$what: the folder given holds $(ls -A "$dest" | head -3)"
        else
            [ ! -e "$dest" ] || fail "$what: left a partial $dest: $(ls -A "$dest" | head -5)"
        fi
        none=$((none + 1))
        ITAKU_LOCK_WAIT=0 $make "$dest" >/dev/null 2>"$T/err" ||
            { cat "$T/err" >&2; fail "$what: the rerun failed"; }
        after_crash "$dest" "$what, then rerun"
        clean_tree "$dest" "$what, then rerun"
    fi
    [ "$(hidden "$dest")" = 0 ] || fail "$what: a hidden folder beside $dest is left after the rerun"
}

# stop_all NAME MAKE POINTS: runs MAKE into a new folder stopped at each
# point and count until it finishes
stop_all() {
    local name=$1 make=$2 points=$3 n=0 point k rc
    stops=0 whole=0 none=0
    for point in $points; do
        for k in $COUNTS; do
            n=$((n + 1))
            dest="$T/$name-$n"
            empty=$((n % 3 == 0))
            [ $empty = 0 ] || mkdir "$dest"
            rc=0
            ITAKU_FAULT=$point:$k $make "$dest" >"$T/out" 2>"$T/err" || rc=$?
            case $rc in
            137) ;;
            0) after_crash "$dest" "$name unstopped at $point:$k"; break ;;
            *) cat "$T/out" "$T/err" >&2; fail "$name at $point:$k: exit $rc" ;;
            esac
            stops=$((stops + 1))
            check_new "$name stopped at $point:$k" "$dest" $empty "$make"
        done
    done
    echo "# $name: stopped at $stops points ($whole after the rename, $none before)"
}

stop_all init init_into "object ref-before ref-after checkout"
[ $stops -ge 10 ] && [ $whole -ge 1 ] && [ $none -ge 5 ] ||
    fail "init stopped at $stops points ($whole/$none): the fault points are not reached"
ok "init stopped at each of $stops points leaves no partial folder; a rerun makes the registry"

stop_all clone-path clone_path_into "ref-before ref-after checkout cache"
[ $stops -ge 4 ] && [ $whole -ge 1 ] && [ $none -ge 3 ] ||
    fail "clone stopped at $stops points ($whole/$none): the fault points are not reached"
ok "clone from a path stopped at each of $stops points leaves no partial folder; a rerun clones"

stop_all clone-bundle clone_bundle_into "object ref-before ref-after checkout cache"
[ $stops -ge 5 ] && [ $whole -ge 1 ] && [ $none -ge 4 ] ||
    fail "clone stopped at $stops points ($whole/$none): the fault points are not reached"
ok "clone from a bundle stopped at each of $stops points leaves no partial folder; a rerun clones"

# folders above the one named are made, as git init and git clone make them
init_into "$T/deep/er/city" >/dev/null || fail "init into a folder whose parents are missing failed"
clone_path_into "$T/deeper/still/acme" >/dev/null || fail "clone into a folder whose parents are missing failed"
after_crash "$T/deep/er/city" "init into new parents"
after_crash "$T/deeper/still/acme" "clone into new parents"
ok "init and clone make the folders above the one named"

# the hidden folder of a run that is still going is not touched
mkdir "$T/.busy.itaku-new-$$"
init_into "$T/busy" >/dev/null
[ -d "$T/.busy.itaku-new-$$" ] || fail "init removed the folder of a live process"
ok "the hidden folder of a live process is left alone"
finish
