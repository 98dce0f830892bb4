#!/usr/bin/env bash
# make bench-hostile (and the end of make bench): what hostile input costs
# itaku, each case beside its bound (DESIGN V10, issue 10 point 7):
#   a blob that inflates to 1 GiB from a ~1 MB object   peak memory < 100 MB
#     (verify, and bundle import of it)
#   a delta that expands a 64 KiB blob to 1 GiB          peak memory < 100 MB
#     (verify of it in a local pack, and bundle import of it)
#   a 10 MB commit message of 200,000 trailers           time < 1 s
#   400 criss-cross merges (200 levels, two bases each)  time < 5 s
#   one commit adding 90,000 files (one folder)           time < 1 s, < 100 MB
# Each hostile object is built here with stock git (or written byte by byte
# by tests/e2e/delta_pack.py) and signed by a party's key, on a branch of its
# own. Each command runs RUNS times; the median time and the median peak
# memory (getrusage) are printed beside the bound, with PASS or FAIL. Nothing
# asserts on time: make test asserts the refusals and how they are made.
#
# Environment: BUILD (a build with itaku), RUNS (3), LEVELS (200), TRAILERS
# (200000), BLOB_MIB (1024), KEEP=1 to keep the registry.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SRC/build/bench}
ITAKU=$BUILD/itaku
LEVELS=${LEVELS:-200}
TRAILERS=${TRAILERS:-200000}
BLOB_MIB=${BLOB_MIB:-1024}
RUNS=${RUNS:-3}
FAILED=0
[ -x "$ITAKU" ] || { echo "bench: $ITAKU is missing (make bench-hostile builds it)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/itaku-hostile.XXXXXX")
if [ "${KEEP:-}" = 1 ]; then
    echo "bench: keeping the registry in $T/city"
else
    trap 'rm -rf "$T"' EXIT
fi
export GIT_CONFIG_NOSYSTEM=1 HOME="$T/home"
# timed CMD...: runs CMD, writes "SECONDS PEAK-KB" to $T/time
timed() {
    python3 -c 'import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write("%.2f %d\n" % (time.monotonic() - t,
    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(rc)' "$T/time" "$@"
}
mkdir -p "$HOME"
git config --global user.name bench
git config --global user.email bench@example.invalid
git config --global init.defaultBranch main

"$ITAKU" key generate "$T/city.key" --comment city >/dev/null
"$ITAKU" key generate "$T/acme.key" --comment acme >/dev/null
"$ITAKU" init "$T/city" --contract C-2026-001 --title "hostile input" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" --start 2026-12-01 --end 2027-03-31 >/dev/null
cd "$T/city"
git config itaku.signingKey "$T/city.key"
"$ITAKU" party add acme --role contractor --name "株式会社アクメ" --pubkey "$T/acme.key.pub" >/dev/null
main=$(git rev-parse HEAD)
sign=(-c gpg.format=ssh -c user.signingkey="$T/acme.key")

echo "== hostile input: medians of $RUNS runs, each beside its bound"
# measure NAME KIND BOUND CMD...: RUNS timed runs of CMD; the median time and
# peak memory beside the bound (KIND time: seconds, memory: MB), PASS/FAIL,
# the exit code and the first words of what it said
measure() {
    local name=$1 kind=$2 bound=$3 rc secs kb
    shift 3
    : >"$T/runs"
    for _ in $(seq 1 "$RUNS"); do
        set +e
        timed "$@" >"$T/out" 2>"$T/err"
        rc=$?
        set -e
        cat "$T/time" >>"$T/runs"
    done
    secs=$(sort -n -k1,1 "$T/runs" | awk -v n="$RUNS" 'NR == int((n + 1) / 2) {print $1}')
    kb=$(sort -n -k2,2 "$T/runs" | awk -v n="$RUNS" 'NR == int((n + 1) / 2) {print $2}')
    local mb=$((kb / 1024)) mark=PASS figure
    if [ "$kind" = time ]; then
        awk -v s="$secs" -v b="$bound" 'BEGIN { exit !(s < b) }' || mark=FAIL
        figure="< $bound s"
    else
        [ "$mb" -lt "$bound" ] || mark=FAIL
        figure="< $bound MB"
    fi
    [ "$mark" = PASS ] || FAILED=$((FAILED + 1))
    local said
    said=$(grep -h -m1 -oE '(V[0-9]+ |itaku: ).{0,100}' "$T/out" "$T/err" | head -1 || true)
    printf '  %-46s %6.2f s %5d MB   bound %-8s %s  exit %d: %s\n' "$name" "$secs" "$mb" \
        "$figure" "$mark" "$rc" "$said"
}

# 1. A blob of BLOB_MIB MiB of zeros, written as a loose object (~1 MB on
# disk) without holding it in memory, committed as an attachment.
blob=$(python3 - "$BLOB_MIB" <<'PY'
import hashlib, os, sys, zlib
size = int(sys.argv[1]) << 20
head = b"blob %d\0" % size
h, z = hashlib.sha1(head), zlib.compressobj(9)
chunk = bytes(1 << 20)
tmp = ".git/objects/bench-tmp"
with open(tmp, "wb") as f:
    f.write(z.compress(head))
    for _ in range(size >> 20):
        h.update(chunk)
        f.write(z.compress(chunk))
    f.write(z.flush())
oid = h.hexdigest()
os.makedirs(".git/objects/" + oid[:2], exist_ok=True)
os.replace(tmp, ".git/objects/%s/%s" % (oid[:2], oid[2:]))
print(oid)
PY
)
git checkout -q -b hostile-blob "$main"
git update-index --add --cacheinfo "100644,$blob,parties/acme/attachments/$(printf '%064d' 0)"
git "${sign[@]}" commit -q -S -m "A blob of $BLOB_MIB MiB" --no-verify
size=$(du -k ".git/objects/${blob:0:2}/${blob:2}" | cut -f1)
measure "verify: blob inflating to $BLOB_MIB MiB ($size kB)" memory 100 \
    "$ITAKU" verify --full hostile-blob

# 1b. The same blob in a bundle from acme: bundle import (the pack is written
# here object by object, so that no git process holds the blob whole).
git clone -q "$T/city" "$T/acme"
(
    cd "$T/acme"
    git update-index --add --cacheinfo "100644,$blob,parties/acme/attachments/$(printf '%064d' 0)"
    tree=$(git write-tree --missing-ok)
    commit=$(git "${sign[@]}" commit-tree -S "$tree" -p "$main" -m "A blob of $BLOB_MIB MiB")
    git rev-list --objects --missing=print "$commit" "^$main" | cut -c1-40 | grep -v "^?" |
        grep -v "^$blob" >"$T/objects" || true
    python3 - "$T/big.bundle" "$commit" "$main" "$blob" "$BLOB_MIB" "$T/objects" <<'PY'
import hashlib, subprocess, sys, zlib
out, commit, base, blob, mib, listing = sys.argv[1:]
objs = [l.strip() for l in open(listing) if l.strip()]
types = {"commit": 1, "tree": 2, "blob": 3}
def header(t, n):
    b = [(t << 4) | (n & 15)]
    n >>= 4
    while n:
        b[-1] |= 0x80
        b.append(n & 0x7f)
        n >>= 7
    return bytes(b)
with open(out, "wb") as f:
    f.write(b"# v2 git bundle\n-%s\n%s refs/heads/main\n\n" % (base.encode(), commit.encode()))
    h = hashlib.sha1()
    def w(b):
        h.update(b)
        f.write(b)
    w(b"PACK" + (2).to_bytes(4, "big") + (len(objs) + 1).to_bytes(4, "big"))
    for o in objs:
        t = subprocess.run(["git", "cat-file", "-t", o], capture_output=True, text=True).stdout.strip()
        data = subprocess.run(["git", "cat-file", t, o], capture_output=True).stdout
        w(header(types[t], len(data)) + zlib.compress(data))
    size = int(mib) << 20
    z, chunk = zlib.compressobj(9), bytes(1 << 20)
    w(header(3, size))
    for _ in range(size >> 20):
        w(z.compress(chunk))
    w(z.flush())
    f.write(h.digest())
PY
)
git checkout -q -f main
measure "bundle import of it ($(($(wc -c <"$T/big.bundle") / 1024)) kB bundle)" memory 100 \
    "$ITAKU" bundle import "$T/big.bundle" --from acme

# 1c. A delta that expands a 64 KiB blob to BLOB_MIB MiB (a few kB of pack,
# written by tests/e2e/delta_pack.py): verify of it in a local pack (with its
# index, so that no git resolves it), then bundle import of it.
{ read -r dblob; read -r dsha; read -r _; } < <(python3 "$SRC/tests/e2e/delta_pack.py" oid $((BLOB_MIB * 1024)) 64)
git checkout -q -f main
git update-index --add --cacheinfo "100644,$dblob,parties/acme/attachments/$dsha"
dtree=$(git write-tree --missing-ok)
git reset -q
dcommit=$(git "${sign[@]}" commit-tree -S "$dtree" -p "$main" -m "A delta of $BLOB_MIB MiB")
mapfile -t dobjs < <(git rev-list --objects --missing=print "$dcommit" "^$main" | awk '{print $1}' | grep -v '^?')
dpack=$(python3 "$SRC/tests/e2e/delta_pack.py" pack "$T/delta.pack" $((BLOB_MIB * 1024)) 64 \
    --idx "$T/delta.idx" "${dobjs[@]}")
python3 "$SRC/tests/e2e/delta_pack.py" pack "$T/delta.bundle" $((BLOB_MIB * 1024)) 64 \
    --bundle "$main" "$dcommit" "${dobjs[@]}" >/dev/null
cp "$T/delta.pack" ".git/objects/pack/pack-$dpack.pack"
cp "$T/delta.idx" ".git/objects/pack/pack-$dpack.idx"
git update-ref refs/heads/hostile-delta "$dcommit"
measure "verify: delta expanding to $BLOB_MIB MiB ($(($(wc -c <"$T/delta.pack") / 1024)) kB pack)" memory 100 \
    "$ITAKU" verify --full hostile-delta
git update-ref -d refs/heads/hostile-delta
rm ".git/objects/pack/pack-$dpack.pack" ".git/objects/pack/pack-$dpack.idx"
measure "bundle import of it ($(($(wc -c <"$T/delta.bundle") / 1024)) kB bundle)" memory 100 \
    "$ITAKU" bundle import "$T/delta.bundle" --from acme

# 2. A commit message of TRAILERS trailers (~10 MB).
git checkout -q -f main
git checkout -q -b hostile-trailers "$main"
python3 - "$TRAILERS" >"$T/msg" <<'PY'
import sys
n = int(sys.argv[1])
sys.stdout.write("Many trailers\n\nItaku-Party: acme\nItaku-Principal: manager\nItaku-Action: submit\n")
for i in range(n):
    sys.stdout.write("Itaku-Record: parties/acme/register/r-%06d.json\n" % i)
PY
git "${sign[@]}" commit -q -S --allow-empty --cleanup=verbatim -F "$T/msg" --no-verify
measure "verify: $TRAILERS trailers ($(($(wc -c <"$T/msg") / 1024)) kB message)" time 1 \
    "$ITAKU" verify --full hostile-trailers

# 3. Criss-cross merges: A_i merges A_i-1 and B_i-1, B_i merges B_i-1 and
# A_i-1, for LEVELS levels (2 x LEVELS merges, each pair with two bases).
tree=$(git rev-parse "$main^{tree}")
ct() { git "${sign[@]}" commit-tree -S "$@"; }
a=$(ct "$tree" -p "$main" -m a0)
b=$(ct "$tree" -p "$main" -m b0)
for i in $(seq 1 "$LEVELS"); do
    na=$(ct "$tree" -p "$a" -p "$b" -m "a$i")
    nb=$(ct "$tree" -p "$b" -p "$a" -m "b$i")
    a=$na
    b=$nb
done
top=$(ct "$tree" -p "$a" -p "$b" -m top)
git update-ref refs/heads/hostile-crisscross "$top"
measure "verify: $((2 * LEVELS + 1)) criss-cross merges" time 5 \
    "$ITAKU" verify --full hostile-crisscross
# 4. A commit adding FILES attachments: one folder of FILES entries (under
# the 8 MiB folder limit), refused for its count before any file is read.
FILES=${FILES:-90000} # 92 bytes an entry: the most that fits under 8 MiB
one=$(echo hi | git hash-object -w --stdin)
att=$(python3 - "$one" "$FILES" <<'PY'
import sys, hashlib, subprocess
blob = bytes.fromhex(sys.argv[1]); n = int(sys.argv[2])
names = sorted(hashlib.sha256(str(i).encode()).hexdigest() for i in range(n))
raw = b"".join(b"100644 " + x.encode() + b"\0" + blob for x in names)
print(subprocess.run(["git", "hash-object", "-t", "tree", "-w", "--stdin"], input=raw,
                     capture_output=True, check=True).stdout.decode().strip())
PY
)
pacme=$( (git ls-tree "$main:parties/acme" | grep -v '	attachments$'; printf '040000 tree %s\tattachments\n' "$att") | git mktree)
pall=$( (git ls-tree "$main:parties" | grep -v '	acme$'; printf '040000 tree %s\tacme\n' "$pacme") | git mktree)
root=$( (git ls-tree "$main" | grep -v '	parties$'; printf '040000 tree %s\tparties\n' "$pall") | git mktree)
fcommit=$(git "${sign[@]}" commit-tree -S -p "$main" "$root" -m "Many files")
git update-ref refs/heads/hostile-files "$fcommit"
measure "verify: one commit adding $FILES files" time 1 "$ITAKU" verify --full hostile-files
measure "  (its peak memory)" memory 100 "$ITAKU" verify --full hostile-files

if [ "$FAILED" -gt 0 ]; then
    echo "== $FAILED figure(s) over their bound"
    exit 1
else
    echo "== every figure within its bound"
fi
