#!/usr/bin/env bash
# Same output from two builds: tests/bench/same_output.sh OLD_ITAKU NEW_ITAKU [BENCH_GEN]
#
# Writes two registries: the bench registry (tests/bench/gen.c: RECORDS
# records in ROUNDS rounds, a chain, receipts, rotations, a compromise) and
# the four-party contract story of tests/e2e/chain_story.sh (supersedes, a
# void commit, a city-recovered key). On each, both builds run, each with
# caches of its own, twice (cold, then from their caches): verify --json,
# status (text and --json, now and at fixed dates), log (text and --json),
# todo, requests, who --json,
# history --json and form render of a sample of records, and every page of
# report --html; then the new build's, from its caches of a commit BACK (3)
# commits earlier (what a status after new commits does), against the
# old build's cold ones. Every output (and exit code) must be byte-identical. The
# one difference allowed: the form page (form render, report forms/) of a
# record in a void commit or signed by a city-recovered key, which the new
# build marks (it carries class "itk-void" or "itk-recovered").
#
# Environment: RECORDS (1500), ROUNDS (8), BACK (3), KEEP=1 keeps the outputs.
set -euo pipefail
[ $# -ge 2 ] || {
    echo "usage: $0 OLD_ITAKU NEW_ITAKU [BENCH_GEN]" >&2
    exit 2
}
OLD=$(realpath "$1")
NEW=$(realpath "$2")
GEN=$(realpath "${3:-$(dirname "$NEW")/tests/bench_gen}")
RECORDS=${RECORDS:-1500}
ROUNDS=${ROUNDS:-8}
for b in "$OLD" "$NEW" "$GEN"; do
    [ -x "$b" ] || {
        echo "same_output: $b is missing" >&2
        exit 2
    }
done
export ITAKU=$OLD
. "$(dirname "$0")/../e2e/lib.sh" # $T, removed at exit; $SRC; setup_chain
. "$SRC/tests/e2e/chain_story.sh"
if [ "${KEEP:-}" = 1 ]; then
    cleanup_hooks+=("cp -r '$T/out' '${TMPDIR:-/tmp}/same_output.$$' && echo kept: ${TMPDIR:-/tmp}/same_output.$$")
fi

echo "== the contract story (void commit, recovered key)"
story_setup >/dev/null
echo "== the bench registry: $RECORDS records in $ROUNDS rounds"
"$GEN" "$T/bench" "$SRC/tests/schema-corpus" "$RECORDS" "$ROUNDS" >/dev/null 2>"$T/gen.err" || {
    cat "$T/gen.err" >&2
    exit 2
}

# run NAME OUTDIR CMD...: stdout, stderr and exit code of one command
run() {
    local name=$1 out=$2
    shift 2
    local rc=0
    "$@" >"$out/$name.out" 2>"$out/$name.err" || rc=$?
    echo "$rc" >"$out/$name.rc"
    sed -i "s|$out|OUT|g" "$out/$name.out" "$out/$name.err" # where the report went
}

outputs() { # REPO BIN OUT
    local repo=$1 bin=$2 out=$3
    mkdir -p "$out"
    cd "$repo"
    run verify "$out" "$bin" verify --json
    # (fixed evaluation times: "now" differs from run to run)
    run status "$out" "$bin" status --at 2099-12-31
    run status-party "$out" "$bin" status --at 2099-12-31 --party "$PARTY"
    run status-at-2099 "$out" "$bin" status --json --at 2099-12-31
    run status-at-2026 "$out" "$bin" status --json --at 2026-12-15
    run log "$out" "$bin" log --json
    run log-text "$out" "$bin" log
    run log-party "$out" "$bin" log --party "$PARTY"
    run todo "$out" "$bin" todo --json --at 2099-12-31 --party "$PARTY"
    run todo-text "$out" "$bin" todo --at 2026-12-15 --party "$PARTY"
    run requests "$out" "$bin" requests --all --json
    run requests-text "$out" "$bin" requests --all
    run who-at-2099 "$out" "$bin" who --json --at 2099-12-31
    run who-party "$out" "$bin" who --json --at 2099-12-31 --party "$PARTY"
    local id
    for id in $SAMPLE; do
        run "history-${id//\//_}" "$out" "$bin" history "$id" --json
        run "render-${id//\//_}" "$out" "$bin" form render "$id"
        run "render-md-${id//\//_}" "$out" "$bin" form render "$id" --format md
    done
    run report "$out" "$bin" report --html "$out/site" --at 2099-12-31
}

# a sample of records: every EVERY-th
sample() { # REPO EVERY
    git -C "$1" ls-tree -r --name-only HEAD parties |
        grep -Ev '/(keys/[^/]*|party\.json|attachments/.*)$' |
        awk -F/ -v every="$2" '(NR - 1) % every == 0 { id = $NF; sub(/\.json$/, "", id); print $2 "/" id }'
}

for repo in story bench; do
    case $repo in
    story) R=$T/city EVERY=1 PARTY=beta ;;
    bench) R=$T/bench/city EVERY=40 PARTY=gamma-s3 ;;
    esac
    SAMPLE=$(sample "$R" "$EVERY" | sort -u)
    for which in old new; do
        bin=$OLD
        [ $which = new ] && bin=$NEW
        for pass in cold cached; do
            echo "== $repo: $which build, $pass"
            XDG_CACHE_HOME=$T/cache-$repo-$which XDG_STATE_HOME=$T/state-$repo-$which \
                outputs "$R" "$bin" "$T/out/$repo/$which-$pass"
        done
    done
    # forward: the new build's caches of an earlier commit (HEAD~BACK), then
    # the views of HEAD worked out from them; the same as the old build's, cold
    branch=$(git -C "$R" symbolic-ref HEAD)
    tip=$(git -C "$R" rev-parse HEAD)
    git -C "$R" update-ref "$branch" "$tip~${BACK:-3}"
    echo "== $repo: new build, caches of $tip~${BACK:-3}"
    XDG_CACHE_HOME=$T/cache-$repo-fwd XDG_STATE_HOME=$T/state-$repo-fwd \
        outputs "$R" "$NEW" "$T/earlier/$repo"
    git -C "$R" update-ref "$branch" "$tip"
    echo "== $repo: new build, forward from them"
    XDG_CACHE_HOME=$T/cache-$repo-fwd XDG_STATE_HOME=$T/state-$repo-fwd \
        outputs "$R" "$NEW" "$T/out/$repo/new-forward"
    cp -r "$T/out/$repo/old-cold" "$T/out/$repo/old-forward"
done

cd "$T/out"
bad=0 allowed=0 same=0
for repo in story bench; do
    for pass in cold cached forward; do
        a=$repo/old-$pass b=$repo/new-$pass
        while IFS= read -r f; do
            if [ ! -f "$b/$f" ]; then
                echo "DIFFERS: $a/$f has no counterpart"
                bad=$((bad + 1))
            elif cmp -s "$a/$f" "$b/$f"; then
                same=$((same + 1))
            elif { [[ $f == site/forms/* ]] || [[ $f == render-* ]]; } &&
                grep -Eq 'itk-void|itk-recovered|∅ 無効 \(void\)|⚑ 発注者が回復' "$b/$f"; then
                allowed=$((allowed + 1))
                echo "allowed: $b/$f (void or recovered form page)"
            else
                echo "DIFFERS: $a/$f"
                diff "$a/$f" "$b/$f" | head -20 || true
                bad=$((bad + 1))
            fi
        done < <(cd "$a" && find . -type f | sed 's|^\./||' | sort)
        extra=$(comm -13 <(cd "$a" && find . -type f | sort) <(cd "$b" && find . -type f | sort))
        if [ -n "$extra" ]; then
            echo "DIFFERS: only in $b: $extra"
            bad=$((bad + 1))
        fi
    done
done
echo "== $same files identical, $allowed allowed differences, $bad differences"
[ $bad = 0 ]
