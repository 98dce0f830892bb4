#!/usr/bin/env bash
# ctest bench/smoke: `make bench SCALE=smoke` on a tiny registry written
# afresh. What it checks is the harness, not the machine: it runs to the end
# and prints every figure (a row each, a PASS or FAIL each, and the summary
# table); the timings and their verdicts are not asserted.
set -euo pipefail
: "${ITAKU:?ITAKU is the itaku to run}" "${GEN:?GEN is the bench_gen to run}"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/itaku-smoke.XXXXXX")
trap 'rm -rf "$T"' EXIT
ITAKU=$ITAKU GEN=$GEN REGDIR=$T/reg SCALE=smoke bash "$SRC/tests/bench/bench.sh" >"$T/out" 2>&1 || {
    tail -40 "$T/out"
    echo "FAIL: make bench SCALE=smoke did not run to the end"
    exit 1
}
fail=0
expect() { # a figure's row: its text and a verdict
    if ! grep -E "^\| [a-z]+ \| $1.* \| (PASS|FAIL|-) \|$" "$T/out" >/dev/null; then
        echo "FAIL: no row for: $1"
        fail=1
    fi
}
expect 'git log --show-signature --all'
expect 'itaku verify, cold \(every core\)'
expect 'Ed25519 verifies/s'
expect 'cold verify: git log --show-signature / itaku .* \| >= 150x'
expect 'cold verify: limit / itaku .* \| >= 0.5'
expect 'verify --json: 1 thread = [0-9]+ threads'
expect 'status --json --at 2099-12-31: 1 thread = [0-9]+ threads'
expect 'log --json: 1 thread = [0-9]+ threads'
for v in log who status 'report --html'; do
    expect "$v cold: small .*, large .* \| large/\(8 x small\) <= 2"
    expect "$v(, cold)? .*\| < 100 MB"
done
expect 'report --html, large .* \| < 10 s'
expect 'who, cached .* \| < 0.2 s'
expect 'verify, cold \(no cache\) .* \| < 100 MB'
expect 'verify after its own new record \(acme\) .* \| < 50 ms'
expect 'verify after receiving one new commit \(city\) .* \| < 50 ms'
expect 'receive of acme.s line with one new commit .* \| < 200 ms'
expect 'pull of the city.s main with one new commit .* \| < 200 ms'
expect 'fetch of acme.s line with one new commit .* \| < 200 ms'
for v in status who todo requests; do
    expect "$v after one new commit \(city\) .* \| < 200 ms"
done
expect 'writing one record .* \| < 100 ms'
expect 'bundle create \(whole history\).* \| <= 1.5x'
expect 'bundle size.* \| <= 1.5x'
expect 'stock git bundle verify of itaku.s bundle \| ok \| ok'
expect 'clone FILE.* \| <= 1.5x'
expect 'bundle import.* \| <= 1.5x'
grep -E '^[0-9]+ figures, [0-9]+ PASS, [0-9]+ FAIL' "$T/out" >/dev/null || {
    echo "FAIL: no summary line"
    fail=1
}
# every PASS/FAIL row of the run is in the table too
n=$(grep -cE '^  (PASS|FAIL|-) ' "$T/out")
m=$(grep -cE '^\| [a-z]+ \|.*\| (PASS|FAIL|-) \|$' "$T/out")
[ "$n" = "$m" ] && [ "$n" -ge 34 ] || {
    echo "FAIL: $n rows printed, $m in the table (at least 34 expected)"
    fail=1
}
[ $fail = 0 ] || {
    cat "$T/out"
    exit 1
}
echo "bench smoke: $n figures printed, each with its bound and verdict"
