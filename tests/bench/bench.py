#!/usr/bin/env python3
"""make bench: every figure of the performance goals, each beside its bound.

Usage: bench.py ITAKU LARGE SMALL TMP
  LARGE, SMALL: folders written by tests/bench/gen.c (city/, keys/, gen.out),
  SMALL with an eighth of LARGE's records (the linear-growth check). Neither
  is changed: the timings that write run on copies in TMP.

Environment: RUNS (5: each figure is the median of RUNS runs, fewer when a
figure eats its BUDGET of seconds, which it then says), BUDGET (600),
RSS_BOUND_MB (100), SMOKE=1 (one run each; the harness is checked, not the
machine: PASS/FAIL are printed all the same). Every figure comes from this
one run, stock git's beside itaku's; the machine's load is printed at the
start and the end (a shared machine makes every wall-clock figure noisy).
"""
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

itaku, large, small, tmp = sys.argv[1:5]
RUNS = int(os.environ.get("RUNS", "5"))
BUDGET = float(os.environ.get("BUDGET", "600"))
RSS_BOUND = float(os.environ.get("RSS_BOUND_MB", "100"))
SMOKE = os.environ.get("SMOKE") == "1"
# the sections to run (6 needs 1): for a look at one part of the harness
ONLY = set(os.environ.get("ONLY", "1,2,3,4,6").split(","))
CORES = os.cpu_count() or 1
rows = []  # (section, figure, value text, bound text, verdict)


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def say(*a):
    print(*a, flush=True)


def row(section, what, value, bound, ok):
    verdict = "-" if ok is None else ("PASS" if ok else "FAIL")
    rows.append((section, what, value, bound, verdict))
    say("  %-4s %-58s %14s  %-16s %s" % (verdict, what, value, bound, ""))


def env_for(cache):
    e = dict(os.environ)
    e["XDG_CACHE_HOME"] = os.path.join(cache, "cache")
    e["XDG_STATE_HOME"] = os.path.join(cache, "state")
    return e


def run(argv, cwd, env, ok=(0,), out=subprocess.DEVNULL, what=None):
    p = subprocess.run(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.PIPE)
    if p.returncode not in ok:
        sys.stderr.write(p.stderr.decode(errors="replace")[-3000:])
        sys.exit("bench: %s exited %d in %s" % (what or " ".join(argv[:3]), p.returncode, cwd))
    return p


def timed(argv, cwd, env, ok=(0,)):
    t0 = time.perf_counter()
    run(argv, cwd, env, ok)
    return time.perf_counter() - t0


def measure(argv, cwd, env, before=None, ok=(0,), runs=None):
    """Median of runs (at least one; no more once BUDGET is spent)."""
    runs = runs or RUNS
    times, spent = [], 0.0
    while len(times) < runs and (not times or spent < BUDGET):
        if before:
            before()
        t = timed(argv, cwd, env, ok)
        times.append(t)
        spent += t
    return statistics.median(times), len(times)


def fmt_s(t, n=None):
    s = "%.3f s" % t if t >= 1 else "%.1f ms" % (1000 * t)
    if n is not None and n < RUNS:
        s += " (%d run%s)" % (n, "" if n == 1 else "s")
    return s


def peak_rss_mb(argv, cwd, env, ok=(0,)):
    """Peak resident memory of one run, from /usr/bin/time -v."""
    f = os.path.join(tmp, "rss.txt")
    run(["/usr/bin/time", "-v", "-o", f] + argv, cwd, env, ok)
    with open(f) as fh:
        for line in fh:
            if "Maximum resident set size" in line:
                return int(line.split()[-1]) / 1024.0
    return float("nan")


def git(repo, *args, capture=True):
    return subprocess.run(["git", "-C", repo] + list(args), capture_output=capture, text=True,
                          check=True).stdout


def count_commits(repo):
    return int(git(repo, "rev-list", "--count", "--all"))


def sheet(folder):
    """genesis and city key of a generated registry (the contract sheet's pins)."""
    repo = os.path.join(folder, "city")
    genesis = git(repo, "rev-list", "--max-parents=0", "main").split()[0]
    fpr = subprocess.run(["ssh-keygen", "-lf", os.path.join(folder, "keys", "akiruno-city.pub")],
                         capture_output=True, text=True, check=True).stdout.split()[1]
    return genesis, fpr


def clear_cache(cache):
    shutil.rmtree(os.path.join(cache, "cache"), ignore_errors=True)


def drop(cache, name):
    for f in glob.glob(os.path.join(cache, "cache", "itaku", "*", name)):
        os.remove(f)


say("== load at start: %s (%d cores)" % (load(), CORES))
L = os.path.join(large, "city")
S = os.path.join(small, "city")
nL, nS = count_commits(L), count_commits(S)
say("== registries: %d commits (large), %d commits (small)" % (nL, nS))
for name, folder in (("large", large), ("small", small)):
    with open(os.path.join(folder, "gen.out")) as f:
        say("   %s: %s" % (name, ", ".join(l.strip().replace(" ", " ") for l in f if l.strip())))
allowed = os.path.join(tmp, "allowed_signers")
run([itaku, "-C", L, "export", "allowed-signers", allowed], L, env_for(os.path.join(tmp, "x")))
GITLOG = ["git", "-c", "gpg.ssh.allowedSignersFile=" + allowed, "log", "--show-signature"]

# ---------------------------------------------------------------------------
state = {"t_git": None}
# the views: name, arguments (None: the report's output folder)
VIEWS = (("log", ["log"]), ("who", ["who"]), ("status", ["status"]),
         ("report --html", ["report", "--html", None]))


# ---------------------------------------------------------------------------
def section_2():
    say("== 2. cold verify against git and against the limit (%d commits)" % nL)
    cv = os.path.join(tmp, "cv")
    E = env_for(cv)
    t_git, n_git = measure(GITLOG + ["--all"], L, E)
    t_cold, n_cold = measure([itaku, "verify"], L, E, before=lambda: clear_cache(cv))
    t_one, n_one = measure([itaku, "verify", "--threads", "1"], L, E, before=lambda: clear_cache(cv),
                           runs=1 if not SMOKE else 1)
    speed = subprocess.run(["openssl", "speed", "-seconds", "2", "ed25519"], capture_output=True,
                           text=True).stdout
    rate = next((float(l.split()[-1]) for l in speed.splitlines() if "Ed25519" in l), 0.0)
    limit = nL / (rate * CORES) if rate else float("nan")
    state["t_git"] = t_git
    row("verify", "git log --show-signature --all", fmt_s(t_git, n_git), "", None)
    row("verify", "itaku verify, cold (every core)", fmt_s(t_cold, n_cold), "", None)
    row("verify", "itaku verify, cold, 1 thread", fmt_s(t_one, n_one), "", None)
    row("verify", "Ed25519 verifies/s one core (openssl), x %d cores" % CORES, "%.0f" % rate,
        "limit %.3f s" % limit, None)
    row("verify", "cold verify: git log --show-signature / itaku", "%.1fx" % (t_git / t_cold),
        ">= 150x", t_git / t_cold >= 150)
    row("verify", "cold verify: limit / itaku", "%.3f" % (limit / t_cold), ">= 0.5",
        limit / t_cold >= 0.5)
    sig = limit * CORES  # every signature once, on one core
    say("       where the time goes: the signatures alone, at the rate measured, %.3f s on one "
        "core (%.0f%% of the 1-thread run); the rest, %.3f s, is reading objects and the rules" %
        (sig, 100 * sig / t_one, t_one - sig))
    clear_cache(cv)
    p = run([itaku, "verify", "--stats"], L, E)
    for l in p.stderr.decode(errors="replace").splitlines():
        say("       where the time goes (verify --stats): %s" % l.replace("itaku: verify: ", ""))

    # 1 thread against every core, byte for byte (ITAKU_THREADS=1 is the
    # sequential code: one thread checks every signature in order)
    say("== same output with 1 thread and with %d threads (no cache either time)" % CORES)
    for what, argv in (("verify --json", [itaku, "verify", "--json"]),
                       ("status --json --at 2099-12-31", [itaku, "status", "--json", "--at",
                                                          "2099-12-31"]),
                       ("log --json", [itaku, "log", "--json"])):
        outs = []
        for threads in ("1", str(CORES)):
            clear_cache(cv)
            e = dict(E)
            e["ITAKU_THREADS"] = threads
            outs.append(run(argv, L, e, ok=(0, 1), out=subprocess.PIPE).stdout)
        same = outs[0] == outs[1] and len(outs[0]) > 0
        row("same", "%s: 1 thread = %d threads" % (what, CORES),
            "identical" if same else "DIFFERENT", "byte-identical", same)


# ---------------------------------------------------------------------------
def section_3():
    say("== 3. views grow linearly: cold (verification cache only) at %d and %d commits" % (nS, nL))
    growth = {}
    for which, repo in (("small", S), ("large", L)):
        c = os.path.join(tmp, "views-" + which)
        e = env_for(c)
        run([itaku, "verify"], repo, e, ok=(0, 1))  # the verification cache
        for name, args in VIEWS:
            argv = [itaku] + [a if a is not None else os.path.join(tmp, "site-" + which) for a in args]

            def cold(which=which):
                # every view's own cache dropped; the verification cache stays
                for f in glob.glob(os.path.join(c, "cache", "itaku", "*", "*")):
                    if not f.endswith("verify.cache") and os.path.isfile(f):
                        os.remove(f)
                shutil.rmtree(os.path.join(tmp, "site-" + which), ignore_errors=True)
            growth[(name, which)] = measure(argv, repo, e, before=cold, ok=(0, 1))
    for name, _ in VIEWS:
        ts, ns = growth[(name, "small")]
        tl, nl = growth[(name, "large")]
        ratio = tl / (8 * ts) if ts else float("nan")
        row("views", "%s cold: small %s, large %s" % (name, fmt_s(ts, ns), fmt_s(tl, nl)),
            "%.2f" % ratio, "large/(8 x small) <= 2", ratio <= 2)
    tr = growth[("report --html", "large")][0]
    row("views", "report --html, large", fmt_s(tr), "< 10 s", tr < 10)
    c = os.path.join(tmp, "views-large")
    run([itaku, "who"], L, env_for(c), ok=(0, 1))
    tw, nw = measure([itaku, "who"], L, env_for(c), ok=(0, 1))
    row("views", "who, cached", fmt_s(tw, nw), "< 0.2 s", tw < 0.2)


# ---------------------------------------------------------------------------
def section_4():
    say("== 4. peak memory, cold, %d commits" % nL)
    mem = os.path.join(tmp, "mem")
    E = env_for(mem)
    clear_cache(mem)
    rss = peak_rss_mb([itaku, "verify"], L, E, ok=(0, 1))
    row("memory", "verify, cold (no cache)", "%.0f MB" % rss, "< %.0f MB" % RSS_BOUND,
        rss < RSS_BOUND)
    for name, args in VIEWS:
        argv = [itaku] + [a if a is not None else os.path.join(tmp, "site-mem") for a in args]
        shutil.rmtree(os.path.join(tmp, "site-mem"), ignore_errors=True)
        for f in glob.glob(os.path.join(mem, "cache", "itaku", "*", "*")):
            if not f.endswith("verify.cache") and os.path.isfile(f):
                os.remove(f)
        rss = peak_rss_mb(argv, L, E, ok=(0, 1))
        row("memory", "%s, cold (verification cache only)" % name, "%.0f MB" % rss,
            "< %.0f MB" % RSS_BOUND, rss < RSS_BOUND)


# ---------------------------------------------------------------------------
def section_1():
    say("== 1. O(new): one new commit at a time, on copies of the large registry")
    genesis, city_fpr = sheet(large)
    keys = os.path.join(large, "keys")
    work = os.path.join(tmp, "daily")
    os.makedirs(work)
    city = os.path.join(work, "city")
    acme = os.path.join(work, "acme")
    t0 = time.perf_counter()
    shutil.copytree(L, city, symlinks=True)
    say("   copied the city's registry: %.1f s" % (time.perf_counter() - t0))
    E = env_for(os.path.join(work, "c"))
    git(city, "config", "itaku.signingKey", os.path.join(keys, "akiruno-city"))
    git(city, "config", "itaku.party", "akiruno-city")
    t_clone_path = timed([itaku, "clone", city, acme, "--city-key", city_fpr, "--genesis", genesis,
                          "--key", os.path.join(keys, "acme")], work, E)
    say("   itaku clone of the city's registry by acme (a path): %s" % fmt_s(t_clone_path))
    run([itaku, "remote", "add", "acme", acme, "--party", "acme"], city, E)
    run([itaku, "verify"], city, E, ok=(0, 1))
    run([itaku, "verify"], acme, E, ok=(0, 1))
    for cmd in ("status", "who", "todo", "requests"):
        run([itaku, cmd], city, E, ok=(0, 1))
    seq = [0]


    def write_one(repo):
        seq[0] += 1
        body = os.path.join(work, "entry.json")
        with open(body, "w") as f:
            f.write('{"action": "received", "handler": "鈴木一郎", "info_name": "ベンチ用データ", '
                    '"item_id": "bench-item-%d", "medium": "usb", "method": "hand-delivery", '
                    '"occurred_at": "2026-12-20T10:00:00+09:00", '
                    '"quantity": {"unit": "本", "value": 1}}\n' % seq[0])
        return timed([itaku, "register", "add", "--file", body], repo, E)


    state.update(city=city, acme=acme, write_one=write_one, genesis=genesis, city_fpr=city_fpr,
                 daily_env=E)
    daily = {k: [] for k in ("write", "verify_own", "receive", "verify", "status", "who", "todo",
                             "requests", "pull", "fetch")}
    run([itaku, "verify"], acme, E, ok=(0, 1))
    for i in range(RUNS):
        daily["write"].append(write_one(acme))
        daily["verify_own"].append(timed([itaku, "verify"], acme, E, ok=(0, 1)))
        daily["receive"].append(timed([itaku, "receive", "acme", acme], city, E))
        daily["verify"].append(timed([itaku, "verify"], city, E, ok=(0, 1)))
        for cmd in ("status", "who", "todo", "requests"):
            daily[cmd].append(timed([itaku, cmd], city, E, ok=(0, 1)))
        daily["pull"].append(timed([itaku, "pull"], acme, E))
        run([itaku, "verify"], acme, E, ok=(0, 1))  # the pull's merges: the next is its record's
        write_one(acme)
        daily["fetch"].append(timed([itaku, "fetch", "acme"], city, E))
    p = run([itaku, "verify", "--stats"], city, E, ok=(0, 1))
    write_one(acme)
    run([itaku, "receive", "acme", acme], city, E)
    p = run([itaku, "verify", "--stats"], city, E, ok=(0, 1))
    stats = " ".join(p.stderr.decode(errors="replace").split())
    for name, bound in (("verify_own", 0.05), ("verify", 0.05), ("receive", 0.2), ("pull", 0.2), ("fetch", 0.2),
                        ("status", 0.2), ("who", 0.2), ("todo", 0.2), ("requests", 0.2),
                        ("write", 0.1)):
        m = statistics.median(daily[name])
        label = {"write": "writing one record (register add, acme)",
                 "receive": "receive of acme's line with one new commit",
                 "pull": "pull of the city's main with one new commit (acme)",
                 "fetch": "fetch of acme's line with one new commit",
                 "verify_own": "verify after its own new record (acme)",
                 "verify": "verify after receiving one new commit (city)"}.get(
            name, "%s after one new commit (city)" % name)
        row("daily", label, fmt_s(m), "< %.0f ms" % (1000 * bound), m < bound)
    say("       verify --stats after one more commit: %s" % stats.replace("itaku: verify: ", ""))


# ---------------------------------------------------------------------------
def section_6():
    city, acme, write_one = state["city"], state["acme"], state["write_one"]
    genesis, city_fpr = state["genesis"], state["city_fpr"]
    t_git = state["t_git"]
    say("== 6. bundles and clone")
    bdir = os.path.join(tmp, "bundles")
    os.makedirs(bdir)
    E = env_for(os.path.join(bdir, "c"))
    requests = git(city, "for-each-ref", "--format=%(refname)", "refs/heads/requests").split()


    def fresh(path):
        if os.path.exists(path):
            os.remove(path)


    ours = os.path.join(bdir, "whole.bundle")
    theirs = os.path.join(bdir, "git.bundle")
    # the whole history: for a party whose line the city never received
    t_b, n_b = measure([itaku, "bundle", "create", ours, "--for", "acme-s1"], city, E,
                       before=lambda: fresh(ours))
    t_g, n_g = measure(["git", "bundle", "create", "-q", theirs, "main"] + requests, city, E,
                       before=lambda: fresh(theirs))
    sb, sg = os.path.getsize(ours), os.path.getsize(theirs)
    row("bundle", "bundle create (whole history): itaku %s, git %s" % (fmt_s(t_b, n_b), fmt_s(t_g, n_g)),
        "%.2fx" % (t_b / t_g), "<= 1.5x", t_b / t_g <= 1.5)
    row("bundle", "bundle size: itaku %.1f MB, git %.1f MB" % (sb / 1e6, sg / 1e6), "%.2fx" % (sb / sg),
        "<= 1.5x", sb / sg <= 1.5)
    ok = subprocess.run(["git", "bundle", "verify", "-q", ours], cwd=city, capture_output=True).returncode == 0
    row("bundle", "stock git bundle verify of itaku's bundle", "ok" if ok else "refused", "ok", ok)

    # clone FILE against git clone + git log --show-signature of everything
    def clone_clean():
        for d in ("c-itaku", "c-git"):
            shutil.rmtree(os.path.join(bdir, d), ignore_errors=True)
        clear_cache(os.path.join(bdir, "c"))


    t_ic, n_ic = measure([itaku, "clone", ours, os.path.join(bdir, "c-itaku"), "--city-key", city_fpr,
                          "--genesis", genesis], bdir, E, before=clone_clean)
    cg = os.path.join(bdir, "c-git")
    # stock git: the clone, then its own signature check of everything it
    # brought, which is the whole history: the `git log --show-signature` of
    # section 2 (the same commits; measured once, it is the longest figure here)
    t_gcl, n_gcl = measure(["git", "clone", "-q", "-b", "main", ours, cg], bdir, E,
                           before=clone_clean)
    if t_git is None:  # section 2 did not run (ONLY): git's log unmeasured
        row("bundle", "clone FILE: itaku %s, git clone %s (+ log --show-signature: not run)" %
            (fmt_s(t_ic, n_ic), fmt_s(t_gcl, n_gcl)), "%.2fx" % (t_ic / t_gcl), "<= 1.5x", None)
    else:
        t_gc = t_gcl + t_git
        row("bundle", "clone FILE: itaku %s, git clone %s + log --show-signature %s" %
            (fmt_s(t_ic, n_ic), fmt_s(t_gcl, n_gcl), fmt_s(t_git)), "%.2fx" % (t_ic / t_gc),
            "<= 1.5x", t_ic / t_gc <= 1.5)

    # import of what a party lacks: acme writes three records and bundles them
    # for the city, which imports them; stock git fetches the same bundle and
    # checks the signatures of the same new range (the city's line of acme, before
    # the import, to the bundle's main). The city imports with its own cache, the
    # one its daily work of section 1 keeps (the cache above is the clones')
    E = state["daily_env"]
    t_imp_all, t_git_all = [], []
    for i in range(RUNS):
        for k in range(3):
            write_one(acme)
        inc = os.path.join(bdir, "acme-%d.bundle" % i)
        run([itaku, "bundle", "create", inc, "--for", "akiruno-city"], acme, E)
        before = git(city, "rev-parse", "refs/itaku/lines/acme").strip()
        t_imp_all.append(timed([itaku, "bundle", "import", inc], city, E))
        t0 = time.perf_counter()
        run(["git", "fetch", "-q", inc, "main:refs/bench/acme-%d" % i], city, E)
        run(GITLOG + [before + "..refs/bench/acme-%d" % i], city, E)
        t_git_all.append(time.perf_counter() - t0)
        git(city, "update-ref", "-d", "refs/bench/acme-%d" % i)
    ti, tg = statistics.median(t_imp_all), statistics.median(t_git_all)
    row("bundle", "bundle import (3 new records): itaku %s, git fetch + log %s" % (fmt_s(ti), fmt_s(tg)),
        "%.2fx" % (ti / tg), "<= 1.5x", ti / tg <= 1.5)



for name in ("2", "3", "4", "1", "6"):
    if name not in ONLY:
        continue
    try:  # a section that breaks leaves the others' figures and the table
        globals()["section_" + name]()
    except (Exception, SystemExit) as e:
        say("  section %s broke: %s" % (name, e))
        rows.append((name, "section %s did not run to its end: %s" % (name, e), "", "", "FAIL"))
say("== load at end: %s" % load())

# ---------------------------------------------------------------------------
say("")
say("| section | figure | value | bound | verdict |")
say("| --- | --- | --- | --- | --- |")
for r in rows:
    say("| %s | %s | %s | %s | %s |" % r)
fails = sum(1 for r in rows if r[4] == "FAIL")
say("")
say("%d figures, %d PASS, %d FAIL (load at end %s)" %
    (len(rows), sum(1 for r in rows if r[4] == "PASS"), fails, load()))
