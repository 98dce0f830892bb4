#!/usr/bin/env bash
# make fuzz-owed: which fuzz targets owe a real run. A target owes one when
# tests/fuzz/runs.tsv has no full run of it (10 million executions or 30
# minutes), or when a source file its run reaches changed after the commit
# that run was made on. The files a target reaches are read from libFuzzer's
# own coverage report over its seed corpus (-print_coverage=1), so the answer
# follows the code, not a hand-kept list.
#
# Environment: FUZZ_BUILD (build/fuzz, made by `make fuzz`).
# Prints one line a target: name, last full run (commit, executions), and
# "owed" with the first changed file, or "ok". Exit 0 always: it informs.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
FUZZ_BUILD=${FUZZ_BUILD:-$SRC/build/fuzz}
RUNS=$SRC/tests/fuzz/runs.tsv
cd "$SRC"

# source_paths BASENAME...: the tracked C files of those names (libFuzzer's
# symbolizer gives basenames; a name held twice counts both files)
source_paths() {
    local all
    all=$(git ls-files -- '*.c' '*.h')
    for b in "$@"; do
        grep -E "(^|/)${b//./\\.}$" <<<"$all" || true
    done | sort -u
}

printf '%-22s %-12s %-12s %s\n' target run-commit executions state
for bin in "$FUZZ_BUILD"/tests/fuzz_*; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    name=${bin##*/fuzz_}
    run=$(awk -F'\t' -v n="$name" '$1 == n { line = $0 } END { print line }' "$RUNS")
    if [ -z "$run" ]; then
        printf '%-22s %-12s %-12s %s\n' "$name" - - "owed: never run in full"
        continue
    fi
    commit=$(cut -f2 <<<"$run")
    execs=$(cut -f4 <<<"$run")
    if ! git cat-file -e "$commit^{commit}" 2>/dev/null; then
        printf '%-22s %-12s %-12s %s\n' "$name" "${commit:0:10}" "$execs" "owed: run's commit not in this history"
        continue
    fi
    # the files whose functions its corpus reaches, the harness itself included
    mapfile -t names < <("$bin" "$SRC/tests/fuzz/corpus/$name" -runs=0 -print_coverage=1 2>&1 |
        sed -n 's/^COVERED_FUNC: .* \([^ ]*\.[ch]\):[0-9]*$/\1/p' | sort -u)
    mapfile -t paths < <(source_paths "${names[@]}" "fuzz_$name.c")
    changed=$(git log --format=%h -1 "$commit..HEAD" -- "${paths[@]}")
    if [ -n "$changed" ]; then
        files=$(git diff --name-only "$commit" HEAD -- "${paths[@]}")
        printf '%-22s %-12s %-12s %s\n' "$name" "${commit:0:10}" "$execs" \
            "owed: $(wc -l <<<"$files") changed, e.g. $(head -1 <<<"$files"); the last change in $changed"
    else
        printf '%-22s %-12s %-12s %s\n' "$name" "${commit:0:10}" "$execs" ok
    fi
done
