#!/usr/bin/env bash
# make bench [SCALE=20k|100k|smoke]: every figure of the performance goals,
# each beside its bound with PASS or FAIL, from one run (tests/bench/bench.py),
# then a markdown table of them all.
#
# Two registries of one shape are written by tests/bench/gen.c (a chain of
# parties, receipts, pulls, key rotations, one compromise), the small one with
# an eighth of the large one's records (the views must grow linearly):
#   20k   (default) 20,000 and 2,500 records, 50 parties on 3 levels
#   100k  about 100,000 commits (88,000 and 11,000 records), 200 parties on
#         4 levels; memory bound 200 MB instead of 100 MB
#   smoke 320 and 40 records, 14 parties, one run of each figure: checks that
#         the harness runs and prints every row, not the machine's speed
# They are written once into REGDIR (build/bench/registries) and reused by
# every later run: the timings that write work on copies.
#
# Environment: BUILD (a release build with the bench_gen target; or ITAKU and
# GEN, the two programs), REGDIR,
# RUNS (5; 1 for smoke), BUDGET (seconds one figure may take in all, 600),
# KEEP=1 keeps the run's temporary folder.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SRC/build/bench}
ITAKU=${ITAKU:-$BUILD/itaku}
GEN=${GEN:-$BUILD/tests/bench_gen}
SCALE=${SCALE:-20k}
REGDIR=${REGDIR:-$BUILD/registries}
for b in "$ITAKU" "$GEN"; do
    [ -x "$b" ] || {
        echo "bench: $b is missing (make bench builds it)" >&2
        exit 2
    }
done
case $SCALE in
20k) LARGE="20000 45 50 3" SMALL="2500 45 50 3" RSS=100 ;;
100k) LARGE="88000 45 200 4" SMALL="11000 45 200 4" RSS=200 ;;
smoke) LARGE="320 4 14 3" SMALL="40 4 14 3" RSS=100 RUNS=1 BUDGET=1 SMOKE=1 ;;
*)
    echo "bench: SCALE is 20k, 100k or smoke, not '$SCALE'" >&2
    exit 2
    ;;
esac
export RUNS=${RUNS:-5} BUDGET=${BUDGET:-600} RSS_BOUND_MB=$RSS SMOKE=${SMOKE:-0}

# registry RECORDS ROUNDS PARTIES LEVELS: the folder of that registry,
# written (and packed, and checked out) when it is not there yet
registry() {
    local dir=$REGDIR/r$1-$2-p$3-l$4
    if [ ! -f "$dir/ready" ]; then
        rm -rf "$dir"
        mkdir -p "$REGDIR"
        echo "== generating $1 records in $2 rounds, $3 parties on $4 levels: $dir" >&2
        local start
        start=$(date +%s)
        "$GEN" "$dir" "$SRC/tests/schema-corpus" "$@" >"$dir.out" 2>"$dir.err" || {
            tail -5 "$dir.err" >&2
            exit 2
        }
        mv "$dir.out" "$dir/gen.out"
        rm -f "$dir.err"
        # packed and with a commit-graph, as `git gc` keeps any repository;
        # the work tree checked out, as a registry in use has it
        git -C "$dir/city" gc -q
        git -C "$dir/city" reset -q --hard
        echo "   written in $(($(date +%s) - start)) s" >&2
        touch "$dir/ready"
    fi
    echo "$dir"
}

large=$(registry $LARGE)
small=$(registry $SMALL)
T=$(mktemp -d "${TMPDIR:-/tmp}/itaku-bench.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then
    echo "bench: keeping $T"
else
    trap 'rm -rf "$T"' EXIT
fi
python3 "$SRC/tests/bench/bench.py" "$ITAKU" "$large" "$small" "$T"
