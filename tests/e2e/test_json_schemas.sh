#!/usr/bin/env bash
# Every read command's --json answer, over a whole four-party contract
# (chain_story.sh) and a registry holding a commit whose message is not UTF-8,
# is valid JSON of the shape documented in doc/json/<command>.schema.json,
# checked with the pinned ajv (tests/interop): no field the schema does not
# name, none of its required fields missing. A planted field, a dropped one
# and a wrong type are caught, so the check can fail. A commit message in
# Shift_JIS (no encoding header, or one) keeps `log --json` and
# `verify --json` valid JSON, each invalid byte shown as U+FFFD; verify
# refuses the commit (V10), its UTF-8 twin passes.
. "$(dirname "$0")/lib.sh"

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    fail "node and npm are needed to check the JSON with ajv (install nodejs and npm)"
fi
# The pinned ajv from package-lock.json, installed into a scratch copy so the
# source tree gets no node_modules.
mkdir -p "$T/ajv"
cp "$SRC/tests/interop/package.json" "$SRC/tests/interop/package-lock.json" \
    "$SRC/tests/interop/ajv-validate.js" "$T/ajv/"
npm ci --prefix "$T/ajv" --no-audit --no-fund --loglevel=error >"$T/npm.log" 2>&1 ||
    { cat "$T/npm.log" >&2; fail "npm ci could not install ajv"; }
schemas=$SRC/doc/json
AJV=$T/ajv/ajv-validate.js
J=$T/json
mkdir -p "$J"

# answer NAME EXIT CMD...: runs CMD, which must exit EXIT, and keeps its
# stdout as $J/NAME.json (NAME is "<schema>.<case>").
answer() {
    local name=$1 want=$2
    shift 2
    expect_exit "$want" "$@"
    [ ! -s "$T/err" ] || { cat "$T/err" >&2; fail "$* wrote to stderr"; }
    cp "$T/out" "$J/$name.json"
}
# validate SCHEMA FILE...: ajv says every FILE matches doc/json/SCHEMA.
validate() {
    local schema=$1
    shift
    node "$AJV" "$schemas/$schema.schema.json" "$@" >"$T/ajv.out" 2>&1 || {
        cat "$T/ajv.out" >&2
        fail "the --json answer does not match doc/json/$schema.schema.json"
    }
}
# refused SCHEMA FILE: ajv finds FILE does not match (exit 1, not 2).
refused() {
    set +e
    node "$AJV" "$schemas/$1.schema.json" "$2" >"$T/ajv.out" 2>&1
    local rc=$?
    set -e
    [ "$rc" = 1 ] || { cat "$T/ajv.out" >&2; fail "ajv took $2 for $1 (exit $rc)"; }
}

# --- the schemas themselves ------------------------------------------------------
python3 - "$schemas" <<'PY' || fail "a schema in doc/json leaves an object open"
import json, os, sys
d = sys.argv[1]
names = sorted(os.listdir(d))
assert names, "doc/json is empty"
def walk(s, where):
    if isinstance(s, dict):
        t = s.get("type")
        if t == "object" or (isinstance(t, list) and "object" in t):
            assert s.get("additionalProperties") is False, where + ": additionalProperties"
            assert "required" in s and set(s["required"]) <= set(s.get("properties", {})), where + ": required"
        for k, v in s.items():
            walk(v, where + "/" + k)
    elif isinstance(s, list):
        for i, v in enumerate(s):
            walk(v, "%s/%d" % (where, i))
for n in names:
    assert n.endswith(".schema.json"), n
    s = json.load(open(os.path.join(d, n)))
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema", n
    walk(s, n)
PY
ok "each schema in doc/json is JSON Schema 2020-12 with required and additionalProperties: false at every object"

# every command whose option table offers --json has its schema, and every
# schema belongs to such a command: "record list" is record-list.schema.json
with_json=""
while read -r cmd; do
    if "$ITAKU" help $cmd | has -- '--json'; then
        name=${cmd// /-}
        [ -f "$schemas/$name.schema.json" ] || fail "itaku $cmd offers --json but doc/json/$name.schema.json is missing"
        with_json="$with_json $name"
    fi
done < <("$ITAKU" help --list)
for f in "$schemas"/*.schema.json; do
    name=$(basename "$f" .schema.json)
    case " $with_json " in *" $name "*) ;; *) fail "doc/json/$name.schema.json documents no command that offers --json" ;; esac
done
ok "every command offering --json (from its option table) has its schema in doc/json, and no schema is left over"

# --- a whole contract ------------------------------------------------------------
. "$SRC/tests/e2e/chain_story.sh"
story_setup
for r in city acme beta gamma; do
    cd "$T/$r"
    answer "verify.$r" 0 "$ITAKU" verify --json
    answer "status.$r" 1 "$ITAKU" status --json
    answer "status-acme.$r" 1 "$ITAKU" status --json --party acme
    answer "log.$r" 0 "$ITAKU" log --json
    answer "who.$r" 0 "$ITAKU" who --json
    answer "requests.$r" 0 "$ITAKU" requests --json
    answer "requests-all.$r" 0 "$ITAKU" requests --all --json
    answer "instructions.$r" 0 "$ITAKU" instructions --json
    answer "instructions-all.$r" 0 "$ITAKU" instructions --all --json
    answer "record-list.$r" 0 "$ITAKU" record list --json
    answer "obligations.$r" 0 "$ITAKU" obligations --json
    answer "contract-versions.$r" 0 "$ITAKU" contract versions --json
done
cd "$T/city"
# as of the moment the registry began (an earlier time is refused: there
# is nothing to show then; something of the scenario is already due then)
BEGAN=$(git log -1 --format=%cI "$(git rev-list --max-parents=0 HEAD)")
answer status-past.city 1 "$ITAKU" status --json --at "$BEGAN"
answer todo.city 1 "$ITAKU" todo --json
answer who-acme.city 0 "$ITAKU" who --json --party acme
answer log-acme.city 0 "$ITAKU" log --json --party acme -n 3
answer log-none.city 0 "$ITAKU" log --json --since 2099-01-01
answer record-list-form1.city 0 "$ITAKU" record list --json --type form1
answer obligations-4.city 0 "$ITAKU" obligations --json --section 4
for id in acme/f1-000001 acme/q-000001 beta/q-000002 akiruno-city/n-000001 gamma/r-000001; do
    answer "history.${id/\//-}" 0 "$ITAKU" history "$id" --json
done
answer history-missing 0 "$ITAKU" history akiruno-city/n-999999 --json
cp "$J"/log.city.json "$T/log.city.json"
ok "every read command answers --json on four registries of a whole contract"

# Every answer is read by the schema its name starts with; every schema reads
# some answer; the answers hold the parts that are empty in a small registry.
python3 - "$J" "$schemas" <<'PY' || fail "the answers do not cover the schemas"
import glob, json, os, sys
j, d = sys.argv[1:]
def schema_of(n):
    n = n.split(".")[0]
    for whole in ("record-list", "contract-versions"):
        if n.startswith(whole):
            return whole
    return n.split("-")[0]
used = {schema_of(os.path.basename(f)) for f in glob.glob(j + "/*.json")}
have = {n[: -len(".schema.json")] for n in os.listdir(d)}
assert have == used, (sorted(have - used), sorted(used - have))
def load(n): return json.load(open(os.path.join(j, n)))
w = load("who.city.json")
assert any(p["approvals"] for p in w["parties"]) and any(p["items"] for p in w["parties"])
assert any(p["manager"] is None for p in w["parties"]) and any(p["manager"] for p in w["parties"])
assert load("verify.city.json")["void"], "no void commit"
assert load("requests-all.city.json") and load("instructions-all.city.json")
assert load("history-missing.json")["missing"] is True
assert any(e["received"] for e in load("log.city.json")) and any(e["recovered"] for e in load("log.city.json"))
PY
for f in "$J"/*.json; do
    n=$(basename "$f" .json)
    n=${n%%.*}
    case $n in
    record-list*) s=record-list ;;
    contract-versions*) s=contract-versions ;;
    *) s=${n%%-*} ;;
    esac
    validate "$s" "$f"
done
ok "each answer matches its schema in doc/json (checked with ajv)"

# --- the check can fail ------------------------------------------------------------
plant() { # plant SCHEMA FILE PYTHON-STATEMENT: a changed copy of FILE is refused
    python3 - "$2" "$T/planted.json" "$3" <<'PY'
import json, sys
src, dst, stmt = sys.argv[1:]
d = json.load(open(src))
exec(stmt)
json.dump(d, open(dst, "w"), ensure_ascii=False)
PY
    refused "$1" "$T/planted.json"
}
# the copies differ from the original only by the planted change
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"))' \
    "$J/log.city.json" "$T/same.json"
validate log "$T/same.json"
plant log "$J/log.city.json" 'd[0]["planted"] = 1'
plant log "$J/log.city.json" 'del d[0]["subject"]'
plant log "$J/log.city.json" 'd[0]["verified"] = "yes"'
plant who "$J/who.city.json" 'd["parties"][1]["manager"]["planted"] = ""'
plant who "$J/who.city.json" 'del d["parties"][0]["items"]'
plant verify "$J/verify.city.json" 'd["problems"].append({"commit": "x", "rule": "V1", "path": "", "signer": "", "message": "", "planted": 1})'
plant status "$J/status.city.json" 'd["findings"][0]["state"] = "fine"'
plant history "$J/history.acme-f1-000001.json" 'd["steps"][0]["planted"] = True'
plant requests "$J/requests-all.city.json" 'del d[0]["max_uses"]'
plant instructions "$J/instructions-all.city.json" 'd[0]["planted"] = 1'
plant record-list "$J/record-list.city.json" 'd[0]["planted"] = 1'
plant obligations "$J/obligations.city.json" 'd[0]["planted"] = 1'
plant todo "$J/todo.city.json" 'd["items"][0]["planted"] = 1'
ok "a planted field, a dropped required field, a wrong type or value are refused"

# --- a commit message that is not UTF-8 ------------------------------------------
cd "$T"
mkdir sjis && cd sjis
T_OUTER=$T
T=$T_OUTER/sjis
mkdir -p "$T/home"
setup_city_and_contractor
cd "$T/acme"
base=$(git rev-parse HEAD)
# sjis_commit N [HEADER]: a truthful register entry on base whose subject
# ends in "あ" in Shift_JIS (0x82 0xA0), with HEADER (e.g. an encoding)
# before the signature, signed as git signs (ssh-keygen -Y sign over the
# commit without its gpgsig) and written with hash-object --literally, since
# stock `git commit` would re-encode the bytes; main points at it; prints it.
sjis_commit() {
    local n=$1 p=parties/acme/register/r-00000$1.json
    git reset -q --hard "$base"
    write_record "$p" "$(register_item 000$n)"
    git add -A
    local tree
    tree=$(git write-tree)
    trailers acme manager submit "$p" >"$T/trailers"
    python3 - "$T/acme.key" "$tree" "$base" "$n" "$T/trailers" "${2:-}" <<'PY'
import subprocess, sys, time
key, tree, parent, n, trailers, header = sys.argv[1:]
ident = "acme/manager <manager@acme.itaku> %d +0900" % int(time.time())
head = "tree %s\nparent %s\nauthor %s\ncommitter %s\n" % (tree, parent, ident, ident)
head = head.encode() + (header.encode() + b"\n" if header else b"")
msg = b"Entry " + n.encode() + b" \x82\xa0 done\n\n" + open(trailers, "rb").read()
sig = subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "git", "-f", key],
                     input=head + b"\n" + msg, check=True, capture_output=True).stdout
lines = sig.decode().rstrip("\n").split("\n")
gpg = ("gpgsig " + lines[0] + "\n" + "".join(" " + l + "\n" for l in lines[1:])).encode()
print(subprocess.run(["git", "hash-object", "--literally", "-t", "commit", "-w", "--stdin"],
                     input=head + gpg + b"\n" + msg, check=True,
                     capture_output=True).stdout.decode().strip())
PY
}
bad=$(sjis_commit 1)
git update-ref refs/heads/main "$bad"
git reset -q --hard
git cat-file commit "$bad" | has '^encoding' && fail "the commit has an encoding header"
git cat-file commit "$bad" | LC_ALL=C grep -qa $'\x82\xa0 done' || fail "the message lost its Shift_JIS bytes"
expect_rejected "$bad" V10
answer verify.sjis-raw 1 "$ITAKU" verify --json
answer log.sjis-raw 0 "$ITAKU" log --json
python3 -m json.tool "$J/log.sjis-raw.json" >/dev/null || fail "log --json is not JSON"
python3 - "$J/log.sjis-raw.json" "$bad" <<'PY' || fail "log --json does not show the commit's subject made valid"
import json, sys
l = json.load(open(sys.argv[1]))
e = [x for x in l if x["commit"] == sys.argv[2]]
assert e and e[0]["subject"] == "Entry 1 \ufffd\ufffd done" and e[0]["verified"] is False, e
PY
validate verify "$J/verify.sjis-raw.json"
validate log "$J/log.sjis-raw.json"
bad=$(sjis_commit 2 "encoding Shift_JIS")
git update-ref refs/heads/main "$bad"
git reset -q --hard
git cat-file commit "$bad" | has '^encoding Shift_JIS$' || fail "the commit has no encoding header"
expect_rejected "$bad" V10
answer log.sjis-header 0 "$ITAKU" log --json
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$J/log.sjis-header.json" ||
    fail "log --json is not JSON for node"
python3 - "$J/log.sjis-header.json" "$bad" <<'PY' || fail "log --json does not show the commit"
import json, sys
e = [x for x in json.load(open(sys.argv[1])) if x["commit"] == sys.argv[2]]
assert e and e[0]["subject"].startswith("Entry 2 ") and e[0]["verified"] is False, e
PY
validate log "$J/log.sjis-header.json"
# the legitimate twin: the same entry with a UTF-8 subject passes and shows as is
git update-ref refs/heads/main "$base"
git reset -q --hard
p=parties/acme/register/r-000003.json
write_record "$p" "$(register_item 0003)"
git add -A
stock_commit . "$T/acme.key" "Entry 3 あ done

$(trailers acme manager submit "$p")"
expect_exit 0 "$ITAKU" verify
answer log.utf8-twin 0 "$ITAKU" log --json
python3 - "$J/log.utf8-twin.json" <<'PY' || fail "the UTF-8 subject is not shown as is"
import json, sys
assert json.load(open(sys.argv[1]))[0]["subject"] == "Entry 3 あ done"
PY
validate log "$J/log.utf8-twin.json"
T=$T_OUTER
ok "a Shift_JIS commit message (with or without an encoding header) keeps log and verify --json valid, each invalid byte U+FFFD; verify refuses it (V10), its UTF-8 twin passes"
finish
