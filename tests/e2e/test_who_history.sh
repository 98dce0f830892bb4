#!/usr/bin/env bash
# itaku who, history and log over a whole four-party contract (chain_story.sh):
# who holds what and who may touch it, one record's story, the log's filters,
# progress and colour only on terminals — and the log rebuilt from stock git
# alone (trailers and --show-signature with the exported allowed signers),
# field by field equal to `itaku log --json`.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/e2e/chain_story.sh"
story_setup
cd "$T/city"
ok "a four-party contract with receipts, decisions, a void commit and a recovered key"

# --- who -------------------------------------------------------------------
expect_exit 0 "$ITAKU" who --json
cp "$T/out" "$T/who.json"
python3 - "$T/who.json" "$(day 1)" <<'PY' || fail "itaku who --json is wrong"
import json, sys
w = json.load(open(sys.argv[1]))
p = {x["party"]: x for x in w["parties"]}
assert [x["party"] for x in w["parties"]] == ["akiruno-city", "acme", "beta", "gamma", "delta"], list(p)
assert [x["depth"] for x in w["parties"]] == [0, 1, 2, 3, 1]
assert p["akiruno-city"]["subcontractors"] == ["acme", "delta"], p["akiruno-city"]
a = p["acme"]
# the form 1 in force is the change that superseded the first
assert a["manager"]["name"] == "山本一子" and a["manager"]["record"] == "acme/f1-000002", a["manager"]
assert [(x["worker_id"], x["trained"]) for x in a["workers"]] == [("w-001", True), ("w-002", False)], a["workers"]
assert a["workers"][0]["training"] == "acme/f2-000001"
assert a["subcontractors"] == ["beta"]
# item-2 was returned; item-1 was written in New York time, shown in Tokyo time
assert [x["item_id"] for x in a["items"]] == ["item-1"], a["items"]
assert a["items"][0]["since"] == sys.argv[2] + "T00:00:00+09:00", a["items"][0]
b = p["beta"]
assert b["manager"] is None and b["workers"] == []
assert len(b["approvals"]) == 1, b["approvals"]
ap = b["approvals"][0]
assert (ap["request"], ap["kind"], ap["valid_until"], ap["max_uses"], ap["uses"], ap["open"]) == \
    ("beta/q-000002", "copy", "2099-03-31", 1, 1, False), ap
# b-4 was signed after its key's compromise: void, it does not count
items = {x["item_id"]: x for x in b["items"]}
assert sorted(items) == ["b-1", "b-2", "b-3"], items
assert items["b-2"]["derived_from"] == "b-1" and items["b-2"]["action"] == "copied"
assert [x["item_id"] for x in p["gamma"]["items"]] == ["g-1"]
d = p["delta"]
assert d["manager"] is None and d["workers"] == [] and d["items"] == [] and d["approvals"] == [] \
    and d["subcontractors"] == [], d
PY
expect_exit 0 "$ITAKU" who --json --party beta
python3 -c 'import json,sys; w=json.load(open(sys.argv[1])); assert [p["party"] for p in w["parties"]] == ["beta", "gamma"], w' "$T/out" ||
    fail "who --party beta is not beta and its descendants"
# as of a day (from the registry's first day on: an earlier one is refused)
expect_exit 0 "$ITAKU" who --json --party beta --at "$(day 0)"
python3 -c 'import json,sys; w=json.load(open(sys.argv[1])); a=w["parties"][0]["approvals"][0]; assert a["open"] is False and w["at"].startswith(sys.argv[2] + "T23:59:59"), w' "$T/out" "$(day 0)" ||
    fail "who --at"
expect_exit 2 "$ITAKU" who --party nobody
expect_output "not registered"
# the table: columns after Japanese names line up by display width
expect_exit 0 "$ITAKU" who
expect_output "delta デルタ株式会社 \(contractor\)"
expect_output "holds: nothing"
python3 - "$T/out" <<'PY' || fail "who's worker columns do not line up"
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
rows = [l for l in open(sys.argv[1], encoding="utf-8") if " w-00" in l]
cols = {w(l[:l.index("trained")]) if "not trained" not in l else w(l[:l.index("not trained")]) for l in rows}
assert len(rows) == 2 and len(cols) == 1, (rows, cols)
PY
ok "who: managers (form 1 in force), trained workers, subcontractors, open approvals, items held; void records left out"

# --- status over the same story ---------------------------------------------
# a void record does not count; a record citing a missing one, and a party
# with no records at all, are findings like any other, not errors
expect_exit 1 "$ITAKU" status --json
python3 - "$T/out" <<'PY' || fail "status over the chain story is wrong"
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert not [x for x in f if x["record"] == "beta/r-000004"], "the void record counts"
d = {(x["section"], x["rule"]): x["state"] for x in f if x["party"] == "delta"}
assert d[("2", "form1_before_work")] in ("pending", "overdue"), d
assert d[("8(2)", "subcontract_acknowledged")] == "pending", d
PY
expect_exit 1 "$ITAKU" status
expect_output "^delta \\(contractor\\)"
ok "status: void records left out; a party with no records has its obligations pending"

# --- history ----------------------------------------------------------------
story() {
    expect_exit 0 "$ITAKU" history --json "$1"
    python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(s["subject"], s["missing"])
for x in s["steps"]:
    print(x["depth"], x["what"], x["record"], x["party"], x["void"], x["detail"])' "$T/out" >"$T/story"
}
story q-000002
python3 - "$T/story" <<'PY' || { cat "$T/story" >&2; fail "history of beta/q-000002"; }
lines = open(__import__("sys").argv[1], encoding="utf-8").read().splitlines()
assert lines[0] == "beta/q-000002 False", lines[0]
steps = [l.split(" ", 5) for l in lines[1:]]
whats = [s[1] for s in steps]
# request → receipts → endorsement → decision → the entry using the approval
order = [whats.index(w) for w in ("filed", "endorsed", "decided", "cited")]
assert order == sorted(order), whats
assert steps[0][:4] == ["0", "filed", "beta/q-000002", "beta"], steps[0]
assert ["0", "received", "beta/q-000002", "acme"] in [s[:4] for s in steps], steps
assert ["0", "received", "beta/q-000002", "akiruno-city"] in [s[:4] for s in steps], steps
d = next(s for s in steps if s[1] == "decided")
assert d[2].startswith("akiruno-city/d-") and d[5].startswith("approved, valid until 2099-03-31"), d
assert next(s for s in steps if s[1] == "endorsed")[3] == "acme"
assert next(s for s in steps if s[1] == "cited")[2] == "beta/r-000002"
PY
story "$NLATE"
grep -q "^1 answered acme/f4-000001 acme False" "$T/story" || { cat "$T/story" >&2; fail "the answer is not in the instruction's story"; }
grep -q "^1 received acme/f4-000001 akiruno-city" "$T/story" || fail "the answer's receipt is missing"
story akiruno-city/n-999999
head -1 "$T/story" | has "akiruno-city/n-999999 True" || fail "a missing record cited is not flagged"
grep -q "^1 answered acme/f4-000002" "$T/story" || fail "the record citing a missing one is not shown"
story acme/f1-000001
grep -q "^1 superseded acme/f1-000002" "$T/story" || { cat "$T/story" >&2; fail "supersession not shown"; }
story beta/r-000004
grep -q "^0 filed beta/r-000004 beta True" "$T/story" || { cat "$T/story" >&2; fail "void not flagged in history"; }
story gamma/i-000001
grep -q "^0 filed gamma/i-000001 gamma False" "$T/story" || fail "incident story"
expect_exit 2 "$ITAKU" history q-000001
expect_output "names 2 records"
expect_exit 2 "$ITAKU" history nobody/x-000001
expect_output "no record"
expect_exit 0 "$ITAKU" history beta/q-000002
expect_output "decided +akiruno-city/officer"
ok "history: request → receipts → endorsement → decision → entries citing it; answers; missing, superseded and void records"

# --- log filters ------------------------------------------------------------
logj() {
    expect_exit 0 "$ITAKU" log --json "$@"
    cp "$T/out" "$T/log-filtered.json"
}
"$ITAKU" log --json >"$T/log.json"
logj --party beta
python3 -c 'import json,sys; l=json.load(open(sys.argv[1])); assert l and {e["party"] for e in l}=={"beta"}, l' "$T/log-filtered.json" || fail "--party"
logj --action approve
python3 -c '
import json,sys; l=json.load(open(sys.argv[1]))
assert sorted(e["subject"] for e in l) == ["Approve acme/q-000001", "Approve beta/q-000001", "Approve beta/q-000002"], l' "$T/log-filtered.json" || fail "--action"
logj --section 8
python3 - "$T/log-filtered.json" <<'PY' || fail "--section 8"
import json, sys
l = json.load(open(sys.argv[1]))
acts = {e["action"] for e in l}
assert {"approve", "acknowledge", "request"} <= acts, acts
assert all("8" in e["sections"] for e in l)
assert not any(any("/forms/form1/" in r for r in e["records"]) for e in l)
PY
logj --section "4(2)"
python3 - "$T/log-filtered.json" <<'PY' || fail "--section 4(2)"
import json, sys
l = json.load(open(sys.argv[1]))
recs = [r for e in l for r in e["records"]]
assert "parties/beta/register/r-000002.json" in recs and "parties/beta/requests/q-000002.json" in recs, recs
assert "parties/akiruno-city/decisions/beta/d-000002.json" in recs, recs
assert not any("/forms/" in r for r in recs), recs
PY
logj --section 5
python3 -c '
import json,sys; l=json.load(open(sys.argv[1])); acts=[e["action"] for e in l]
assert "instruct" in acts and "receive" in acts, acts' "$T/log-filtered.json" || fail "--section 5 lacks the instruction or its receipt"
# --since/--until: a time in another offset means the same instant
python3 - "$T/log.json" >"$T/mid" <<'PY'
import json, sys, datetime
l = json.load(open(sys.argv[1]))
t = datetime.datetime.fromisoformat(l[len(l) // 2]["date"])
print(t.astimezone(datetime.timezone(datetime.timedelta(hours=-5))).isoformat())
PY
logj --since "$(cat "$T/mid")"
n_since=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/log-filtered.json")
logj --until "$(cat "$T/mid")"
n_until=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/log-filtered.json")
python3 - "$T/log.json" "$(cat "$T/mid")" "$n_since" "$n_until" <<'PY' || fail "--since/--until"
import json, sys, datetime
l = json.load(open(sys.argv[1])); mid = datetime.datetime.fromisoformat(sys.argv[2])
ts = [datetime.datetime.fromisoformat(e["date"]) for e in l]
assert int(sys.argv[3]) == sum(t >= mid for t in ts), (sys.argv[3], sum(t >= mid for t in ts))
assert int(sys.argv[4]) == sum(t <= mid for t in ts), (sys.argv[4], sum(t <= mid for t in ts))
PY
logj --since 2099-01-01
[ "$(cat "$T/log-filtered.json")" = "[]" ] || fail "--since in the future is not empty"
logj --until 2000-01-01 --party acme
[ "$(cat "$T/log-filtered.json")" = "[]" ] || fail "--until in the past is not empty"
expect_exit 2 "$ITAKU" log --since yesterday
expect_exit 2 "$ITAKU" log --section ""
ok "log filters: --party, --action, --section (4(2) as 4; receipts count), --since/--until across offsets"

# --- terminals ----------------------------------------------------------------
expect_exit 0 "$ITAKU" log
[ ! -s "$T/err" ] || fail "progress written to a stderr that is not a terminal"
grep -q $'\033' "$T/out" && fail "colour written to a pipe"
script -qec "$ITAKU log -n 3" /dev/null >"$T/tty" </dev/null
grep -q $'\033\\[32m✓' "$T/tty" || fail "no colour on a terminal"
grep -q "reading history" "$T/tty" || fail "no progress on a terminal"
NO_COLOR=1 script -qec "$ITAKU log -n 3" /dev/null >"$T/tty" </dev/null
grep -q $'\033\\[3[0-9]m' "$T/tty" && fail "NO_COLOR not respected"
ok "progress and colour only on terminals; NO_COLOR respected"

# --- the log rebuilt from stock git alone --------------------------------------
"$ITAKU" export allowed-signers "$T/allowed_signers" >/dev/null 2>&1
TZ=Asia/Tokyo git log --date=iso-strict-local \
    --format='%x00%H%x1f%cd%x1f%(trailers:key=Itaku-Party,valueonly,separator=%x1e)%x1f%(trailers:key=Itaku-Principal,valueonly,separator=%x1e)%x1f%(trailers:key=Itaku-Action,valueonly,separator=%x1e)%x1f%(trailers:key=Itaku-Record,valueonly,separator=%x1e)' \
    >"$T/git-log"
git -c gpg.ssh.allowedSignersFile="$T/allowed_signers" log --show-signature \
    --format='%x00commit %H' >"$T/git-sig" 2>&1
grep -q 'Good "git" signature for acme/manager' "$T/git-sig" || fail "stock git verified nothing"

python3 - "$T/git-log" "$T/git-sig" "$T/log.json" "$VOIDED" "$RECOVERED" <<'PY' || fail "stock git's history differs from itaku log --json"
import json, re, sys
git_log, git_sig, itaku_log, voided, recovered = sys.argv[1:]
rebuilt = {}
for chunk in open(git_log, encoding="utf-8").read().split("\0")[1:]:
    f = chunk.rstrip("\n").split("\x1f")
    commit, date, party, principal, action, records = f
    rebuilt[commit] = {"commit": commit, "date": date, "party": party, "principal": principal,
                       "action": action,
                       "records": [r for r in records.split("\x1e") if r]}
# git prints a commit's verification before the commit's own format line
for m in re.finditer(r"(.*?)\0commit ([0-9a-f]{40})\n", open(git_sig, encoding="utf-8").read(),
                     re.S):
    chunk, commit = m.groups()
    # "for <principal>" only when the key was valid on the commit's date
    # (valid-before: a void commit, dated after its key's last good one, is not)
    good = re.search(r'Good "git" signature (?:for (\S+) )?with \S+ key (SHA256:\S+)', chunk)
    r = rebuilt[commit]
    r["verified"] = bool(good and good.group(1))
    if good:
        # the allowed-signers principal is <party>/<principal>: it names the same signer
        assert not good.group(1) or good.group(1) == r["party"] + "/" + r["principal"], (commit, good.group(1), r)
        r["fingerprint"] = good.group(2)
ours = json.load(open(itaku_log))
assert len(ours) == len(rebuilt) > 40, (len(ours), len(rebuilt))
for e in ours:
    r = rebuilt[e["commit"]]
    e = dict(e, verified=e["verified"] and not e["void"])
    for k in ("commit", "date", "party", "principal", "action", "records", "verified", "fingerprint"):
        assert e[k] == r.get(k), (e["commit"][:12], k, e[k], r.get(k), e["party"], e["principal"], e["action"], e["void"], e["recovered"])
flags = {e["commit"]: (e["void"], e["recovered"]) for e in ours}
assert flags[voided] == (True, False) and flags[recovered] == (False, True), (flags[voided], flags[recovered])
assert sum(v for v, _ in flags.values()) == 1, flags
assert {e["action"] for e in ours} >= {"genesis", "receive", "request", "endorse", "approve", "submit",
                                      "instruct", "key-compromise", "key-recover", "acknowledge"}, {e["action"] for e in ours}
PY
ok "stock git log (trailers, --show-signature with the exported allowed signers) rebuilds itaku log --json field by field"

# the second log reads what the first worked out (log.cache in this user's
# cache folder, never in .git) and says the same; without the cache, the
# same again
LOG_CACHE=$(cache_folder .)/log.cache
[ -s "$LOG_CACHE" ] || fail "log wrote no cache in $LOG_CACHE"
[ ! -e .git/itaku ] || fail "a cache was written into the repository"
"$ITAKU" log --json >"$T/log-cached.json"
cmp -s "$T/log.json" "$T/log-cached.json" || fail "the cached log differs from the first"
rm "$LOG_CACHE"
"$ITAKU" log --json >"$T/log-fresh.json"
cmp -s "$T/log.json" "$T/log-fresh.json" || fail "a log without its cache differs"
ok "log: the cached history equals the one read from the trees"
finish
