# Shared by the end-to-end tests: a temporary folder removed at exit,
# assertions that say what a user would check, and the usual set-up of a
# city registry with a contractor. Source it; $ITAKU is the built binary.
set -euo pipefail

: "${ITAKU:?set ITAKU to the built itaku binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/itaku-e2e.XXXXXX")
cleanup_hooks=()
cleanup() {
    local rc=$?
    for h in "${cleanup_hooks[@]}"; do eval "$h" || true; done
    rm -rf "$T"
    exit $rc
}
trap cleanup EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME="$T/home"
mkdir -p "$HOME"
git config --global user.name tester
git config --global user.email tester@example.invalid
git config --global init.defaultBranch main
unset SSH_AUTH_SOCK XDG_CACHE_HOME XDG_STATE_HOME
# itaku speaks the user's language (issue 17): the tests read its English
# unless one chooses a language itself (LANG=ja_JP.UTF-8 itaku ...)
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8
# JA: run a command on a Japanese screen ("${JA[@]}" "$ITAKU" ...)
JA=(env -u LC_ALL -u LANGUAGE -u LC_MESSAGES LANG=ja_JP.UTF-8)

SRC=${ITAKU_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# the sanitizers' leak check knows the suppressions when a test runs alone too
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$SRC/tests/lsan.supp:print_suppressions=0}
# fpr_of KEY.pub: that public key's SHA256 fingerprint, as ssh-keygen -l says it
fpr_of() { ssh-keygen -lf "$1" | awk '{print $2}'; }

# Dates relative to the day the test runs, on the test contracts' clock
# (Asia/Tokyo): a test must not depend on today being before some fixed day.
# A test's story keeps its spacing (the contract from yesterday, day -1, to
# CONTRACT_END, day 119; a due date in 18 days) on whatever day it runs.
# TODAY is the day the test began, so that its dates agree among themselves
# should it run past midnight. day N [FORMAT]: the date N days from TODAY
# (N < 0: N days before), as date(1) formats it with +FORMAT (default %F,
# 2026-12-20).
TODAY=$(TZ=Asia/Tokyo date +%F)
day() { TZ=Asia/Tokyo date -d "$TODAY $1 days" "+${2:-%F}"; }
# day_era N [FORMAT]: that date as an office writes it in the era, 令和8年12月20日;
# FORMAT, a printf format of the era's year, the month and the day, writes
# it otherwise ('R%d.%d.%d': R8.12.20). For dates from 2019-05-01 (令和) on.
day_era() {
    local y m d
    read -r y m d <<<"$(day "$1" '%Y %-m %-d')"
    # shellcheck disable=SC2059 # the format is the caller's
    printf "${2:-令和%d年%d月%d日}" $((y - 2018)) "$m" "$d"
}
# fullwidth: its input with the digits 0-9 made full-width (０-９)
fullwidth() { sed 'y/0123456789/０１２３４５６７８９/'; }
# day_wd N [EN]: that date's weekday in one kanji (日 月 … 土), or in English
# (Sunday …) when EN is given.
day_wd() {
    local w
    w=$(day "$1" %w)
    if [ -n "${2:-}" ]; then day "$1" %A; else
        local kanji=(日 月 火 水 木 金 土)
        printf '%s' "${kanji[$w]}"
    fi
}
CONTRACT_START=$(day -1) CONTRACT_END=$(day 119)
# due_taken TYPED WANT: in the cwd (the city's registry) `instruct report
# --due TYPED` writes an instruction to acme whose due is WANT (RFC 3339).
due_taken() {
    expect_exit 0 "$ITAKU" instruct report --to acme --due "$1" --text "報告してください"
    local due
    due=$("$ITAKU" record show "$(cat "$T/out")" | python3 -c 'import json, sys; print(json.load(sys.stdin)["body"]["due"])')
    [ "$due" = "$2" ] || fail "--due $1 is $due, not $2"
}
# Valid form bodies, shared with the schema cross-check's corpus.
FORM1_BODY=$SRC/tests/schema-corpus/form1/valid/base.json
REGISTER_BODY=$SRC/tests/schema-corpus/register/valid/base.json
# register_item N: a valid register entry whose item_id is item-N.
register_item() {
    sed "s/\"item-0001\"/\"item-$1\"/" "$REGISTER_BODY"
}

tests_run=0
# `producer | has [grep options] PATTERN`: like `| has`, but reads all of
# the producer's output first. grep -q leaves at the first match, and under
# `set -o pipefail` a producer still writing then dies of SIGPIPE and fails the
# pipeline, now and then, on a loaded machine.
has() {
    local all
    all=$(cat)
    grep -q "$@" <<<"$all"
}

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
ok() {
    tests_run=$((tests_run + 1))
    echo "ok $tests_run - $*"
}

# expect_exit CODE CMD...: runs CMD, keeps stdout/stderr in $T/out and $T/err.
expect_exit() {
    local want=$1
    shift
    set +e
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    set -e
    if [ "$got" != "$want" ]; then
        echo "--- stdout" >&2
        cat "$T/out" >&2
        echo "--- stderr" >&2
        cat "$T/err" >&2
        fail "expected exit $want, got $got: $*"
    fi
}
# expect_output PATTERN: the last command's stdout or stderr matches (grep -E).
expect_output() {
    grep -qE -- "$1" "$T/out" "$T/err" || {
        cat "$T/out" "$T/err" >&2
        fail "output does not match '$1'"
    }
}

# cache_folder REG: where this user's caches of registry REG are (DESIGN §7,
# core/cache_dir.c): $XDG_CACHE_HOME/itaku (else ~/.cache/itaku) and a name
# made from the registry's real path and its genesis.
cache_folder() {
    python3 - "$1" <<'PY'
import hashlib, os, subprocess, sys
reg = sys.argv[1]
common = subprocess.check_output(["git", "-C", reg, "rev-parse", "--git-common-dir"], text=True).strip()
real = os.path.realpath(os.path.join(reg, common))
genesis = subprocess.run(["git", "-C", reg, "config", "itaku.genesis"], capture_output=True,
                         text=True).stdout.strip()
xdg = os.environ.get("XDG_CACHE_HOME", "")
base = xdg if xdg.startswith("/") else os.path.join(os.environ["HOME"], ".cache")
name = hashlib.sha256(b"itaku cache place 1\0" + real.encode() + b"\0" + genesis.encode() + b"\0")
print(os.path.join(base, "itaku", name.hexdigest()[:32]))
PY
}

# files_of DIR: every file under DIR with its digest, .git included (stock
# git cannot read a registry whose object folder is damaged): what a refusal
# must leave as it was.
files_of() { (cd "$1" && find . -type f -exec sha256sum {} + | LC_ALL=C sort); }

# Snapshot of every ref and of the working tree's status, to prove that a
# refused operation changed nothing.
state_of() {
    (cd "$1" && git for-each-ref --format='%(refname) %(objectname)' && git status --porcelain)
}

# setup_city_and_contractor: city registry in $T/city (pinned), contractor
# "acme" registered, and the contractor's clone in $T/acme signing with its key.
setup_city_and_contractor() {
    "$ITAKU" key generate "$T/city.key" --comment city >/dev/null
    "$ITAKU" key generate "$T/acme.key" --comment acme >/dev/null
    "$ITAKU" init "$T/city" --contract C-2026-001 --title "住民情報システム運用保守" \
        --city akiruno-city --name "あきる野市" --key "$T/city.key" \
        --start "$CONTRACT_START" --end "$CONTRACT_END" >"$T/sheet"
    GENESIS=$(awk '/genesis:/ {print $2; exit}' "$T/sheet")
    CITY_FPR=$(awk '/city key:/ {print $3; exit}' "$T/sheet")
    (cd "$T/city" && git config itaku.signingKey "$T/city.key" &&
        "$ITAKU" party add acme --role contractor --name "株式会社アクメ" \
            --pubkey "$T/acme.key.pub" >/dev/null)
    git clone -q "$T/city" "$T/acme"
    (cd "$T/acme" && git config itaku.signingKey "$T/acme.key" &&
        git config itaku.genesis "$GENESIS" && git config itaku.cityKey "$CITY_FPR")
}

# stock_commit DIR KEY MESSAGE: commit what is staged in DIR with stock git,
# signed with KEY (gpg.format=ssh), as an attacker or another tool would.
stock_commit() {
    (cd "$1" && git -c gpg.format=ssh -c user.signingkey="$2" commit -q -S -m "$3")
}

# trailers PARTY PRINCIPAL ACTION PATH...: a truthful trailer block for a
# commit that adds PATHs (files already in the working tree of the cwd).
trailers() {
    local party=$1 principal=$2 action=$3
    shift 3
    printf 'Itaku-Party: %s\nItaku-Principal: %s\nItaku-Action: %s\n' "$party" "$principal" "$action"
    for p in "$@"; do printf 'Itaku-Record: %s\n' "$p"; done
    local h
    h=$(for p in "$@"; do printf '%s %s\n' "$p" "$(sha256sum <"$p" | cut -d' ' -f1)"; done |
        LC_ALL=C sort | sha256sum | cut -d' ' -f1)
    printf 'Itaku-Content-SHA256: %s\n' "$h"
}

finish() {
    echo "$tests_run passed, 0 failed"
}

# expect_rejected COMMIT RULE [PATH [VERIFY-ARGS...]]: `itaku verify` in the
# cwd exits 1, names COMMIT (first 12 hex digits) and RULE on one line, and
# `verify --json` lists a problem with that commit, rule (and PATH unless it
# is empty); verify itself changes nothing. The text output stays in $T/out.
expect_rejected() {
    local commit=$1 rule=$2 path=${3:-}
    shift $(($# < 3 ? $# : 3))
    local before
    before=$(state_of .)
    expect_exit 1 "$ITAKU" verify --json "$@"
    python3 - "$T/out" "$commit" "$rule" "$path" <<'PY' || fail "verify --json lacks $rule on ${commit:0:12} ${path}"
import json, sys
out, commit, rule, path = sys.argv[1:]
r = json.load(open(out))
assert r["ok"] is False, r
hits = [p for p in r["problems"] if p["commit"] == commit and p["rule"] == rule
        and (not path or p["path"] == path)]
if not hits:
    print(json.dumps(r["problems"], ensure_ascii=False, indent=1), file=sys.stderr)
    sys.exit(1)
PY
    expect_exit 1 "$ITAKU" verify "$@"
    grep -qE "^${commit:0:12} $rule " "$T/out" || {
        cat "$T/out" "$T/err" >&2
        fail "verify does not name commit ${commit:0:12} with rule $rule"
    }
    [ "$(state_of .)" = "$before" ] || fail "verify changed the registry"
}

# splice_signature REV FILE: writes a copy of commit REV (in the cwd) whose
# gpgsig header holds FILE's text instead (no header when FILE is empty);
# prints the new commit's id. The rest of the object is kept byte for byte.
splice_signature() {
    git cat-file commit "$1" | python3 -c '
import sys
raw = sys.stdin.buffer.read()
head, _, msg = raw.partition(b"\n\n")
lines, out, i = head.split(b"\n"), [], 0
while i < len(lines):
    if lines[i].startswith(b"gpgsig "):
        i += 1
        while i < len(lines) and lines[i].startswith(b" "):
            i += 1
        continue
    out.append(lines[i])
    i += 1
sig = open(sys.argv[1], "rb").read().rstrip(b"\n").split(b"\n")
if sig != [b""]:
    at = next(j for j, l in enumerate(out) if l.startswith(b"committer ")) + 1
    out[at:at] = [b"gpgsig " + sig[0]] + [b" " + s for s in sig[1:]]
sys.stdout.buffer.write(b"\n".join(out) + b"\n\n" + msg)
' "$2" | git hash-object -t commit -w --stdin
}

# rewrite_commit REV SED-SCRIPT: writes a copy of commit REV (in the cwd)
# edited by sed, signature header untouched; prints the new commit's id.
rewrite_commit() {
    git cat-file commit "$1" | sed -e "$2" | git hash-object -t commit -w --stdin
}

# write_record PATH BODY-JSON [ENVELOPE-JSON]: writes a canonical record at
# PATH (relative to the cwd) whose envelope (type, id, party) follows from
# the path; ENVELOPE-JSON overrides or adds envelope fields.
write_record() {
    mkdir -p "$(dirname "$1")"
    python3 - "$1" "$2" "${3:-"{}"}" <<'PY'
import json, re, sys
path, body, extra = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
m = re.match(r"parties/([^/]+)/(.+)/([^/]+)\.json$", path)
party, folder, rid = m.groups()
types = {"forms/form1": "form1", "forms/form2": "form2", "register": "register",
         "forms/form4": "form4", "forms/form5": "form5", "incidents": "incident",
         "requests": "request", "instructions": "instruction", "inspections": "inspection",
         "acks": "ack", "key-events": "key-event"}
rtype = types.get(folder, folder.split("/")[-1])
rec = {"type": rtype, "schema": rtype + ".v1", "id": rid, "party": party,
       "created": "2026-12-02T10:00:00+09:00", "body": body}
rec.update(extra)
with open(path, "w", encoding="utf-8") as f:
    f.write(json.dumps(rec, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
PY
}

# register_body [ACTION [INFO-NAME]]: the body of a register entry (form 3)
# that its schema accepts, as one line of JSON (it happened yesterday).
register_body() {
    printf '{"action": "%s", "handler": "佐藤 花子", "info_name": "%s", "item_id": "item-1", "medium": "usb", "occurred_at": "%sT10:00:00+09:00", "quantity": {"unit": "件", "value": 1}}' \
        "${1:-received}" "${2:-住民記録データ}" "$(day -1)"
}

# expect_refused PATTERN CMD...: CMD, run in a registry (the cwd), exits 2
# with a message matching PATTERN and leaves every ref and file as it was.
expect_refused() {
    local pattern=$1 before
    shift
    before=$(state_of .)
    expect_exit 2 "$@"
    expect_output "$pattern"
    [ "$(state_of .)" = "$before" ] || fail "a refused command changed the registry: $*"
}

# Under the sanitizers a report must not pass for "verify said no" (exit 1).
export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

# form6_for PARTY KEYFILE.pub: a valid form 6 naming PARTY and its key.
form6_for() {
    python3 - "$SRC/tests/schema-corpus/form6/valid" "$1" "$2" <<'PY'
import json, os, sys
d, party, pub = sys.argv[1:4]
f = json.load(open(os.path.join(d, sorted(os.listdir(d))[0])))
f["party_id"] = party
f["public_key"] = " ".join(open(pub).read().split()[:2])
f["subcontractor"]["name"] = "株式会社" + party
print(json.dumps(f, ensure_ascii=False))
PY
}

# form4_answering REF: a valid form 4 answering instruction REF.
form4_answering() {
    python3 - "$SRC/tests/schema-corpus/form4/valid/base.json" "$1" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["instruction_ref"] = sys.argv[2]
print(json.dumps(f, ensure_ascii=False))
PY
}

# setup_chain: the whole chain, each party in its own folder with its own key
# ($T/city, $T/acme contractor, $T/beta its subcontractor, $T/gamma beta's
# subcontractor), every clone pinned and acknowledged (the contract from
# $CHAIN_START to $CHAIN_END, default $CONTRACT_START to $CONTRACT_END); acme/q-000001 and
# beta/q-000001 (their form 6) approved; each line received up to the city.
setup_chain() {
    local p
    for p in city acme beta gamma; do
        "$ITAKU" key generate "$T/$p.key" >/dev/null
    done
    "$ITAKU" init "$T/city" --contract C-2026-001 --title "住民情報システム運用保守" \
        --city akiruno-city --name "あきる野市" --key "$T/city.key" \
        --start "${CHAIN_START:-$CONTRACT_START}" --end "${CHAIN_END:-$CONTRACT_END}" >"$T/sheet"
    GENESIS=$(awk '/genesis:/ {print $2; exit}' "$T/sheet")
    CITY_FPR=$(awk '/city key:/ {print $3; exit}' "$T/sheet")
    (cd "$T/city" && git config itaku.signingKey "$T/city.key" &&
        "$ITAKU" party add acme --role contractor --name "株式会社アクメ" \
            --pubkey "$T/acme.key.pub" >/dev/null)
    chain_join city acme
    form6_for beta "$T/beta.key.pub" >"$T/form6-beta.json"
    form6_for gamma "$T/gamma.key.pub" >"$T/form6-gamma.json"
    (cd "$T/acme" && "$ITAKU" request submit subcontract "$T/form6-beta.json") >/dev/null 2>&1
    (cd "$T/city" && "$ITAKU" receive acme "$T/acme" && "$ITAKU" approve acme/q-000001) >/dev/null
    (cd "$T/acme" && "$ITAKU" pull) >/dev/null
    chain_join acme beta
    (cd "$T/beta" && "$ITAKU" request submit subcontract "$T/form6-gamma.json") >/dev/null 2>&1
    (cd "$T/acme" && "$ITAKU" receive beta "$T/beta" && "$ITAKU" endorse beta/q-000001) >/dev/null
    (cd "$T/city" && "$ITAKU" receive acme "$T/acme" && "$ITAKU" approve beta/q-000001) >/dev/null
    (cd "$T/acme" && "$ITAKU" pull) >/dev/null
    (cd "$T/beta" && "$ITAKU" pull) >/dev/null
    chain_join beta gamma
    chain_up gamma
}

# beta_key_stolen [UP]: after setup_chain, beta's second key (principal
# tanaka, $T/beta2.key) signs two entries: b-3, whose commit is $LASTGOOD,
# and a second later b-4, $VOIDED (stock git's valid-before is inclusive).
# The line of UP (default beta) goes up to the city, acme marks the key
# compromised with b-3 as last good, and acme's line goes up: b-4 is void.
beta_key_stolen() {
    local fpr2 entry=(register add --medium usb --quantity 1 --handler "鈴木一郎"
        --method hand-delivery --action received --key "$T/beta2.key")
    "$ITAKU" key generate "$T/beta2.key" >/dev/null
    "$ITAKU" -C "$T/beta" key add "$T/beta2.key.pub" --principal tanaka >/dev/null ||
        fail "beta could not add its second key"
    "$ITAKU" -C "$T/beta" "${entry[@]}" --item-id b-3 --info "台帳データ" >/dev/null ||
        fail "beta could not record b-3 with its second key"
    LASTGOOD=$(git -C "$T/beta" rev-parse HEAD)
    sleep 1
    "$ITAKU" -C "$T/beta" "${entry[@]}" --item-id b-4 --info "不正な記録" >/dev/null ||
        fail "beta could not record b-4 with its second key"
    VOIDED=$(git -C "$T/beta" rev-parse HEAD)
    chain_up "${1:-beta}"
    fpr2=$("$ITAKU" key show "$T/beta2.key" | awk '{print $2}')
    "$ITAKU" -C "$T/acme" key compromised "$fpr2" --last-good "$LASTGOOD" \
        --reason "端末紛失" >/dev/null || fail "acme could not mark beta's second key compromised"
    chain_up acme
}

# chain_join PARENT PARTY: PARTY clones PARENT's registry (pinned to the
# contract sheet), signs with $T/PARTY.key and acknowledges the obligations.
chain_join() {
    "$ITAKU" clone "$T/$1" "$T/$2" --city-key "$CITY_FPR" --genesis "$GENESIS" >/dev/null
    (cd "$T/$2" && git config itaku.signingKey "$T/$2.key" && "$ITAKU" acknowledge >/dev/null)
}

# chain_up PARTY: PARTY's line received by each party above it, up to the city.
chain_up() {
    local below=$1 above
    while [ "$below" != city ]; do
        case $below in gamma) above=beta ;; beta) above=acme ;; *) above=city ;; esac
        (cd "$T/$above" && "$ITAKU" receive "$below" "$T/$below") >/dev/null
        below=$above
    done
}

# chain_down PARTY: the city's main pulled by each party down to PARTY.
chain_down() {
    local p
    for p in acme beta gamma; do
        (cd "$T/$p" && "$ITAKU" pull) >/dev/null
        [ "$p" = "$1" ] && break
    done
}

# expect_taken_refused COMMIT RULES CMD...: CMD (itaku receive or pull, run
# in the receiving registry, the cwd) exits 2 naming COMMIT (12 hex digits)
# and one of RULES (an extended regex, "V6|V10"), and moves nothing.
expect_taken_refused() {
    local commit=$1 rules=$2
    shift 2
    expect_refused "commit ${commit:0:12} breaks ($rules)" "$@"
}

# write_mark PATH TYPE REQUEST SHA256 FIELD VALUE: a canonical decision or
# endorsement record at PATH (in the cwd) on REQUEST, as stock tools write it.
write_mark() {
    write_record "$1" "{\"request\": \"$3\", \"request_sha256\": \"$4\", \"$5\": \"$6\"}" \
        "{\"type\": \"$2\", \"schema\": \"$2.v1\"}"
}

# record_sha DIR REV PATH: the SHA-256 of PATH's bytes at REV in DIR.
record_sha() {
    git -C "$1" show "$2:$3" | sha256sum | cut -d' ' -f1
}

# forge DIR SUBJECT KEY PARTY PRINCIPAL ACTION PATH...: commits (with stock
# git, signed by KEY) the PATHs written in DIR's working tree, with truthful
# trailers; prints the new commit's id.
forge() {
    local dir=$1 subject=$2 key=$3
    shift 3
    (cd "$dir" && git add -A && stock_commit . "$key" "$subject

$(trailers "$@")" && git rev-parse HEAD)
}

# write_key PARTY PUBKEY-FILE ADDED-BY [PRINCIPAL]: a canonical key record
# of PARTY for that key (in the cwd); prints its path.
write_key() {
    local fpr name path
    fpr=$(ssh-keygen -lf "$2" | awk '{print $2}')
    name=$(printf '%s' "$fpr" | sed 's/^SHA256:/SHA256-/; s/+/-/g; s#/#_#g')
    path=parties/$1/keys/$name.json
    write_record "$path" "{\"added_by\": \"$3\", \"fingerprint\": \"$fpr\", \"principal\": \"${4:-manager}\", \"public_key\": \"$(cut -d' ' -f1-2 "$2")\"}" \
        "{\"type\": \"key\", \"schema\": \"key.v1\", \"id\": \"$name\"}"
    echo "$path"
}

# write_party PARTY ROLE PARENT: a canonical party.json (in the cwd).
write_party() {
    mkdir -p "parties/$1"
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
party, role, parent = sys.argv[1:]
rec = {"type": "party", "schema": "party.v1", "id": party, "party": party,
       "created": "2026-12-02T10:00:00+09:00",
       "body": {"name": "株式会社" + party, "parent": parent, "role": role}}
with open("parties/%s/party.json" % party, "w", encoding="utf-8") as f:
    f.write(json.dumps(rec, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
PY
}
