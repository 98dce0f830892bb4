#!/usr/bin/env bash
# make bench: writes a registry the size of a large contract (tests/bench/gen.c:
# 1 city, a three-level chain, 50 parties, 20,000 records, 2,000+ receipt
# merges, 5 key rotations, 1 compromise) into a temporary folder, then times
# itaku verify, status and log on it beside stock `git log --show-signature`
# on the same repository, in the same run. Each figure is the median of RUNS
# runs (fewer when the runs eat the time budget: it says so). Nothing here
# asserts on time; the goals are printed with a mark. Cold verify is also
# put beside the limit (every commit's Ed25519 signature checked once on
# every core, at the rate `openssl speed` measures in the same run), its
# output with one thread compared byte for byte with every core's, and
# `verify --stats` after one new commit says how many commits it checked.
#
# Environment: BUILD (a release build with the bench_gen target), RUNS (5),
# RECORDS (20000), ROUNDS (45), BUDGET (seconds one measurement may take in
# all, 1800: enough for five runs of git's own log at full size here),
# KEEP=1 to keep the registry.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SRC/build/bench}
ITAKU=$BUILD/itaku
GEN=$BUILD/tests/bench_gen
RUNS=${RUNS:-5}
RECORDS=${RECORDS:-20000}
ROUNDS=${ROUNDS:-45}
BUDGET=${BUDGET:-1800}
for b in "$ITAKU" "$GEN"; do
    [ -x "$b" ] || { echo "bench: $b is missing (make bench builds it)" >&2; exit 2; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/itaku-bench.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then
    echo "bench: keeping the registry in $T/reg/city"
else
    trap 'rm -rf "$T"' EXIT
fi

echo "== generating: $RECORDS records in $ROUNDS rounds"
"$GEN" "$T/reg" "$SRC/tests/schema-corpus" "$RECORDS" "$ROUNDS" >"$T/gen.out" 2>"$T/gen.err" || {
    cat "$T/gen.err" >&2
    exit 2
}
sed 's/^/  /' "$T/gen.out"
R=$T/reg/city
# packed and with a commit-graph, as `git gc` keeps any repository
start=$(date +%s%N)
git -C "$R" gc -q
echo "  git gc: $((($(date +%s%N) - start) / 1000000)) ms"
"$ITAKU" -C "$R" export allowed-signers "$T/allowed_signers" >/dev/null 2>&1
# the caches of this run only (DESIGN §7: kept per user, outside the registry)
export XDG_CACHE_HOME=$T/cache XDG_STATE_HOME=$T/state

python3 - "$ITAKU" "$R" "$T" "$RUNS" "$BUDGET" <<'PY'
import glob, os, shutil, statistics, subprocess, sys, time

itaku, repo, tmp, runs, budget = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
cache = os.path.join(os.environ["XDG_CACHE_HOME"], "itaku")  # this registry's caches only
allowed = os.path.join(tmp, "allowed_signers")
commits = int(subprocess.run(["git", "-C", repo, "rev-list", "--count", "--all"],
                             capture_output=True, text=True, check=True).stdout)

def no_caches():
    shutil.rmtree(cache, ignore_errors=True)

def no_status_cache():
    for f in glob.glob(os.path.join(cache, "*", "status.cache")):
        os.remove(f)

def no_log_cache():
    for f in glob.glob(os.path.join(cache, "*", "log.cache")):
        os.remove(f)

def nothing():
    pass

def run(argv, ok=(0,)):
    p = subprocess.run(argv, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode not in ok:
        sys.stderr.write(p.stderr.decode(errors="replace")[-2000:])
        sys.exit("bench: %s exited %d" % (" ".join(argv[1:3]), p.returncode))

def measure(name, argv, before=nothing, ok=(0,), runs=runs):
    times, spent = [], 0.0
    while len(times) < runs and (not times or spent < budget):
        before()
        t0 = time.perf_counter()
        run(argv, ok)
        t = time.perf_counter() - t0
        times.append(t)
        spent += t
    note = "" if len(times) == runs else "  (%d of %d runs: over the %.0f s budget)" % (len(times), runs, budget)
    if runs == 1:
        note = "  (one run)"
    m = statistics.median(times)
    print("  %-44s %9.3f s  %7.3f ms/commit%s" % (name, m, 1000 * m / commits, note), flush=True)
    return m

print("== timing on %d commits (median of %d runs each)" % (commits, runs), flush=True)
git = measure("git log --show-signature", ["git", "-c", "gpg.ssh.allowedSignersFile=" + allowed,
              "log", "--show-signature"])
res = {}
# status exits 1 when something is overdue or violated: that is an answer, not a failure
res["verify, cold (no cache)"] = measure("itaku verify, cold (no cache)", [itaku, "verify"], no_caches)
res["verify, cached"] = measure("itaku verify, cached", [itaku, "verify"])
# the limit: every signature checked once on every core, at the Ed25519 rate
# OpenSSL measures here in this run (itaku's commits are signed with Ed25519)
cores = os.cpu_count() or 1
speed = subprocess.run(["openssl", "speed", "-seconds", "2", "ed25519"], capture_output=True,
                       text=True).stdout
rate = next((float(l.split()[-1]) for l in speed.splitlines() if "Ed25519" in l), 0.0)
limit = commits / (rate * cores) if rate else 0.0
one = measure("itaku verify, cold, 1 thread", [itaku, "verify", "--threads", "1"], no_caches, runs=1)
print("  Ed25519 verifies/s, one core (openssl speed)  %9.0f  x %d cores: limit %.3f s" %
      (rate, cores, limit), flush=True)
# the same output, byte for byte, with one thread and with every core
outs = []
for threads in ("1", str(cores)):
    no_caches()
    outs.append(subprocess.run([itaku, "verify", "--json", "--threads", threads], cwd=repo,
                               capture_output=True).stdout)
print("  verify --json, 1 thread and %d threads: %s" %
      (cores, "byte-identical" if outs[0] == outs[1] else "DIFFERENT"), flush=True)
# for information (no goal): verify cold plus what status gathers; one run
res["status, fully cold (no cache at all)"] = measure(
    "itaku status, fully cold (no cache at all)", [itaku, "status"], no_caches, ok=(0, 1), runs=1)
res["status, cold (verification cache only)"] = measure(
    "itaku status, cold (verification cache only)", [itaku, "status"], no_status_cache, ok=(0, 1))
res["status, cached"] = measure("itaku status, cached", [itaku, "status"], ok=(0, 1))
res["log, cold (verification cache only)"] = measure(
    "itaku log, cold (verification cache only)", [itaku, "log"], no_log_cache)
res["log, cached"] = measure("itaku log, cached", [itaku, "log"])

# O(new): one commit more (stock git's, unsigned, on a ref of its own: verify
# names it, exit 1) after a cached run; --stats says how many commits were
# checked in full: the new one and the void commits of the compromise
run([itaku, "verify"], ok=(0, 1))
new = subprocess.run(["git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=b@b",
                      "commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "one more"],
                     capture_output=True, text=True, check=True).stdout.strip()
subprocess.run(["git", "-C", repo, "update-ref", "refs/heads/bench-one-more", new], check=True)
t0 = time.perf_counter()
p = subprocess.run([itaku, "verify", "--stats"], cwd=repo, capture_output=True, text=True)
t = time.perf_counter() - t0
stats = next((l for l in p.stderr.splitlines() if "checked in full" in l), "no --stats line")
print("  %-44s %9.3f s  (%s)" % ("itaku verify after one new commit", t,
                                   stats.replace("itaku: verify: ", "")), flush=True)
subprocess.run(["git", "-C", repo, "update-ref", "-d", "refs/heads/bench-one-more"], check=True)
print("== ratios itaku / git log --show-signature (this run)")
for k, v in res.items():
    print("  %-44s %8.4f" % (k, v / git))
cold = res["verify, cold (no cache)"]
print("  %-44s %8.1fx (goal >= 150x)" % ("cold verify: git log --show-signature / itaku", git / cold))
if limit:
    print("  %-44s %8.3f (goal >= 0.5)" % ("cold verify: limit / itaku", limit / cold))
print("  %-44s %8.3f" % ("cold verify: 1 thread / every core", one / cold))
print("== goals")
def goal(what, value, limit):
    print("  [%s] %-40s %.3f s (goal < %.1f s)" % ("pass" if value < limit else "FAIL", what, value, limit))
goal("status, cached", res["status, cached"], 0.2)
print("  [%s] %-40s" % ("pass" if outs[0] == outs[1] else "FAIL", "verify output, 1 thread = every core"))
goal("status, cold (verification cache only)", res["status, cold (verification cache only)"], 2.0)
print("  'cold' status and log: no cache of their own; the verification cache of an earlier run")
print("  is there.")
print("  'fully cold': neither cache (the cache folder removed), every commit checked.")
PY
