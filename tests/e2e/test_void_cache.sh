#!/usr/bin/env bash
# Issue 18, "every daily operation costs what is new": the V9 walk that finds
# the void commits of a compromise (core/model/people.c) keeps what it found
# from a set of tips in voids.cache (core/model/void_cache.c), and a later
# walk from their descendants reads only the commits made since. What the
# views and verify print must be what a run with no cache prints, byte for
# byte, after a new commit; a damaged cache file is ignored. (A new commit
# of the stolen key is refused at receive, V9, so what is new is not void.)
# The twin of each comparison: the cold run is a run from nothing (an empty
# cache folder).
. "$(dirname "$0")/lib.sh"

setup_chain
at() { (cd "$T/$1" && shift && "$@"); }
quiet() { "$@" >/dev/null 2>&1 || { "$@"; fail "failed: $*"; }; }
reg() { quiet "$ITAKU" -C "$T/$1" register add --medium usb --quantity 1 \
    --handler "鈴木一郎" --method hand-delivery "${@:2}"; }

# beta's second key signs two entries; acme marks it compromised with the
# first as last good: the second becomes void
beta_key_stolen

# run NAME OUT CMD...: stdout, stderr and exit code of one command into OUT
run() {
    local name=$1 out=$2 rc=0
    shift 2
    "$@" >"$out/$name.out" 2>"$out/$name.err" || rc=$?
    echo "$rc" >"$out/$name.rc"
    sed -i "s|$out|OUT|g" "$out/$name.out" "$out/$name.err"
}

# views CACHE OUT: what the city's registry shows, with the caches in CACHE
views() {
    local out=$2
    mkdir -p "$out"
    (
        cd "$T/city"
        export XDG_CACHE_HOME=$1/cache XDG_STATE_HOME=$1/state
        run verify "$out" "$ITAKU" verify --json
        run status "$out" "$ITAKU" status --json --at 2099-12-31
        run who "$out" "$ITAKU" who --json --at 2099-12-31
    )
}

# holds FILE COMMIT: the cache file names the commit (its raw id)
holds() {
    python3 - "$1" "$2" <<'PY'
import sys
sys.exit(0 if bytes.fromhex(sys.argv[2]) in open(sys.argv[1], "rb").read() else 1)
PY
}

XDG_CACHE_HOME=$T/warm/cache
VCACHE=$(cache_folder "$T/city")/voids.cache
unset XDG_CACHE_HOME
step=0
# same_as_cold WHAT: the city's views from its warm caches are a cold run's
same_as_cold() {
    step=$((step + 1))
    local base=$T/views/$step
    views "$T/warm" "$base/warm"
    views "$T/cold-$step" "$base/cold"
    diff -r "$base/cold" "$base/warm" >&2 || fail "after $1, the views from the caches differ from a cold run"
    [ "$(cat "$base/warm/verify.rc")" != 2 ] || fail "after $1, verify failed: $(cat "$base/warm/verify.err")"
    has '"void"' <"$base/warm/verify.out" || fail "after $1, verify --json printed no void list"
}

views "$T/warm" "$T/views/0"
[ -s "$VCACHE" ] || fail "the views kept no void walk in $VCACHE"
holds "$VCACHE" "$VOIDED" || fail "the cache does not name the void commit $VOIDED"
has "$VOIDED" <"$T/views/0/verify.out" || fail "verify does not name $VOIDED void"
ok "the void walk is kept in this user's cache folder (voids.cache), naming the void commit"

reg acme --action received --item-id item-9 --info "住民記録データ"
chain_up acme
same_as_cold "a commit that is not void"
holds "$VCACHE" "$(git -C "$T/city" rev-parse HEAD)" || fail "the cache was not moved to the new head"
holds "$VCACHE" "$VOIDED" || fail "the moved cache lost the void commit $VOIDED"
ok "a new commit: the walk from the cached tips keeps the void commit, the views are a cold run's"

# what the void commit wrote is kept beside the walk (format 2), so that it
# is not diffed again: the path of the record it wrote is in the file
VPATH=$(git -C "$T/city" diff-tree --no-commit-id --name-only -r "$VOIDED" | grep register/ | head -1)
[ -n "$VPATH" ] || fail "the void commit $VOIDED wrote no register entry"
python3 - "$VCACHE" "$VPATH" <<'PY' || fail "the cache does not keep what $VOIDED wrote ($VPATH)"
import sys
sys.exit(0 if sys.argv[2].encode() in open(sys.argv[1], "rb").read() else 1)
PY
ok "what the void commit wrote is kept in voids.cache ($VPATH)"

# a new compromise on record: the walks and writes kept for the first one
# do not answer for it; the views are a cold run's, and verify from the
# caches agrees with verify --full
"$ITAKU" key generate "$T/beta3.key" >/dev/null
quiet at beta "$ITAKU" key add "$T/beta3.key.pub" --principal tanaka
reg beta --action received --item-id b-5 --info "台帳データ" --key "$T/beta3.key"
LASTGOOD3=$(git -C "$T/beta" rev-parse HEAD)
sleep 1
reg beta --action received --item-id b-6 --info "不正な記録" --key "$T/beta3.key"
VOIDED3=$(git -C "$T/beta" rev-parse HEAD)
chain_up beta
views "$T/warm" "$T/views/before-second"
fpr3=$("$ITAKU" key show "$T/beta3.key" | awk '{print $2}')
quiet at acme "$ITAKU" key compromised "$fpr3" --last-good "$LASTGOOD3" --reason "端末紛失"
chain_up acme
same_as_cold "a second compromise"
has "$VOIDED3" <"$T/views/$step/warm/verify.out" || fail "verify does not name $VOIDED3 void after its key's compromise"
has "$VOIDED" <"$T/views/$step/warm/verify.out" || fail "verify no longer names $VOIDED void"
(
    cd "$T/city"
    export XDG_CACHE_HOME=$T/warm/cache XDG_STATE_HOME=$T/warm/state
    "$ITAKU" verify --json >"$T/warm-verify.json" 2>&1 || true
    "$ITAKU" verify --full --json >"$T/full-verify.json" 2>&1 || true
)
sed -i "s|$T|OUT|g" "$T/warm-verify.json" "$T/full-verify.json"
diff "$T/full-verify.json" "$T/warm-verify.json" >&2 || fail "verify from the caches differs from verify --full"
ok "a second compromise: the cached walks do not answer for it; the views are a cold run's, verify agrees with --full"

# a damaged cache (cut short) is not believed
head -c 100 "$VCACHE" >"$T/cut" && cp "$T/cut" "$VCACHE"
same_as_cold "a cache cut short"
ok "a damaged voids.cache is ignored: the views are a cold run's"

finish
