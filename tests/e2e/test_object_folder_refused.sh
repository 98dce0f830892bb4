#!/usr/bin/env bash
# What else a registry's object folder may hold when it is copied from
# anyone (issue 20), besides its pack indexes (test_pack_index_refused.sh):
# - git's alternates (objects/info/alternates, as `git clone --shared`
#   leaves it): objects read from another folder. Refused, naming the file
#   and the way out (`git repack -a -d`, then remove it), for reading and
#   writing alike, and in a folder receive takes from; nothing is written.
#   Done as said, the registry verifies from its own folder alone.
# - a multi-pack index (objects/pack/multi-pack-index, which libgit2 would
#   trust unchecked): refused, naming the file; removed, the registry opens.
# - a commit-graph (objects/info/commit-graph, stock `git gc` writes one):
#   never read. One rewritten with a good checksum makes stock git walk a
#   history the commits do not have; itaku's verify and log are as without it.
. "$(dirname "$0")/lib.sh"
tests_run=0

setup_city_and_contractor
cd "$T/city"
"$ITAKU" key generate "$T/beta.key" --comment beta >/dev/null
expect_exit 0 "$ITAKU" party add beta --role contractor --name "ベータ株式会社" --pubkey "$T/beta.key.pub"
git repack -adq

# --- alternates: a twin made with `git clone --shared`, pinned and signing
git clone -q --shared "$T/city" "$T/twin"
ALT=$T/twin/.git/objects/info/alternates
[ -f "$ALT" ] || fail "git clone --shared made no alternates file"
(cd "$T/twin" && git config itaku.genesis "$GENESIS" && git config itaku.cityKey "$CITY_FPR" &&
    git config itaku.signingKey "$T/city.key")
cd "$T/twin"
before=$(files_of .)
"$ITAKU" key generate "$T/gamma.key" --comment gamma >/dev/null
for cmd in verify status "party add gamma --role contractor --name ガンマ --pubkey $T/gamma.key.pub"; do
    # shellcheck disable=SC2086
    expect_exit 2 "$ITAKU" $cmd
    expect_output "$ALT makes this registry take objects from other folders \(git's alternates, as \`git clone --shared\` or \`--reference\` leaves them\)"
    expect_output "Copy those objects in with \`git repack -a -d\` in the registry, then remove $ALT; nothing was read or written"
    [ "$(files_of .)" = "$before" ] || fail "$cmd changed a file of the registry"
done
ok "verify, status and a write refuse a registry with git's alternates, naming the file and the way out; nothing is written"

expect_exit 2 "${JA[@]}" "$ITAKU" verify
expect_output "$ALT により、この台帳は他のフォルダからオブジェクトを読みます"
expect_output "git repack -a -d"
ok "the refusal is said in Japanese on a Japanese screen"

# the way out the message gives; then the twin stands alone
git repack -a -dq
rm "$ALT"
git fsck --no-progress 2>&1 | has -v . || fail "git fsck finds fault with the repacked twin"
mv "$T/city" "$T/city.away"
expect_exit 0 "$ITAKU" verify
expect_output "verified 3 commits"
mv "$T/city.away" "$T/city"
ok "after git repack -a -d and removing the file, the twin verifies with the folder it came from gone"

# receive from a folder with alternates: refused before anything is fetched
git clone -q --shared "$T/acme" "$T/acme-shared"
cd "$T/city"
before=$(files_of .)
expect_exit 2 "$ITAKU" receive acme "$T/acme-shared"
expect_output "cannot fetch from $T/acme-shared: $T/acme-shared/.git/objects/info/alternates makes this registry take objects from other folders"
expect_output "nothing was taken"
[ "$(files_of .)" = "$before" ] || fail "the refused receive changed a file of the registry"
(cd "$T/acme-shared" && git repack -a -dq && rm .git/objects/info/alternates)
expect_exit 0 "$ITAKU" receive acme "$T/acme-shared"
ok "receive refuses a folder with git's alternates, naming the file; repacked, it is taken"

# clone from a folder with alternates: refused naming the folder's own file
# (not the copy's), and no registry is left behind
git clone -q --shared "$T/city" "$T/shared2"
cd "$T"
expect_exit 2 "$ITAKU" clone "$T/shared2" "$T/joined" --city-key "$CITY_FPR" --genesis "$GENESIS"
expect_output "$T/shared2/.git/objects/info/alternates makes this registry take objects from other folders"
[ ! -e "$T/joined" ] || fail "the refused clone left $T/joined"
ls -A "$T" | has -v "itaku-new" || fail "the refused clone left its hidden folder"
(cd "$T/shared2" && git repack -a -dq && rm .git/objects/info/alternates)
expect_exit 0 "$ITAKU" clone "$T/shared2" "$T/joined" --city-key "$CITY_FPR" --genesis "$GENESIS"
cd "$T/city"
ok "clone refuses a folder with git's alternates, naming its file; repacked, it is cloned"

# --- a multi-pack index, as stock git writes it when asked
git multi-pack-index write
MIDX=$T/city/.git/objects/pack/multi-pack-index
[ -f "$MIDX" ] || fail "git multi-pack-index write made no file"
before=$(files_of .)
expect_exit 2 "$ITAKU" verify
expect_output "$MIDX is a multi-pack index, which itaku does not read"
expect_output "Remove it \(\`rm $MIDX\`; git works the same without it\); nothing was read or written"
[ "$(files_of .)" = "$before" ] || fail "verify changed a file of the registry"
expect_exit 2 "${JA[@]}" "$ITAKU" status
expect_output "$MIDX はマルチパック索引です"
rm "$MIDX"
expect_exit 0 "$ITAKU" verify
ok "a multi-pack index is refused, naming the file and to remove it; removed, the registry verifies"

# --- commit-graph: what verify and log say without one, with fresh caches
fresh() { XDG_CACHE_HOME=$T/cache.$1 "$ITAKU" "${@:2}"; }
fresh 0 verify --full >"$T/verify.plain"
fresh 0 log >"$T/log.plain"
grep -q "verified 3 commits" "$T/verify.plain" || fail "the story's registry has not 3 commits"
# stock git gc's graph (generation data of version 2) and the older one,
# which libgit2 1.5 reads
git gc -q
[ -f .git/objects/info/commit-graph ] || fail "git gc wrote no commit-graph"
[ "$(fresh 1 verify --full)" = "$(cat "$T/verify.plain")" ] || fail "verify differs after git gc"
git -c commitGraph.generationVersion=1 commit-graph write --reachable
# rewritten: the tip's first parent is the genesis, the checksum made again
tip=$(git rev-parse HEAD)
python3 - .git/objects/info/commit-graph "$tip" "$GENESIS" <<'PY'
import hashlib, struct, sys
path, child, parent = sys.argv[1], bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
b = bytearray(open(path, "rb").read())
chunks = {}
for i in range(b[6] + 1):
    cid, off = struct.unpack(">4sQ", b[8 + 12 * i:20 + 12 * i])
    chunks[cid] = off
n = struct.unpack(">I", b[chunks[b"OIDF"] + 1020:chunks[b"OIDF"] + 1024])[0]
ids = [bytes(b[chunks[b"OIDL"] + 20 * i:chunks[b"OIDL"] + 20 * i + 20]) for i in range(n)]
at = chunks[b"CDAT"] + 36 * ids.index(child) + 20
b[at:at + 4] = struct.pack(">I", ids.index(parent))
b[-20:] = hashlib.sha1(b[:-20]).digest()
open(path, "wb").write(b)
PY
cp .git/objects/info/commit-graph "$T/hostile.graph"
# the file bites: stock git now walks 2 commits where there are 3
[ "$(git rev-list --count HEAD)" = 2 ] || fail "the rewritten commit-graph does not mislead stock git"
[ "$(git -c core.commitGraph=false rev-list --count HEAD)" = 3 ] || fail "the registry lost a commit"
before=$(files_of .)
expect_exit 0 env XDG_CACHE_HOME="$T/cache.2" "$ITAKU" verify --full
diff "$T/verify.plain" "$T/out" >&2 || fail "verify says otherwise with a rewritten commit-graph"
expect_exit 0 env XDG_CACHE_HOME="$T/cache.2" "$ITAKU" log
diff "$T/log.plain" "$T/out" >&2 || fail "log says otherwise with a rewritten commit-graph"
expect_exit 1 "$ITAKU" status # the form 1 the story has not filed is overdue
expect_output "Obligations as of"
[ "$(files_of .)" = "$before" ] || fail "verify, log or status changed a file of the registry"
cmp -s .git/objects/info/commit-graph "$T/hostile.graph" || fail "the commit-graph was changed"
ok "a commit-graph rewritten with a good checksum misleads stock git; itaku's verify and log are as without it"

# a parent outside the graph: libgit2 would fail every walk through it
python3 - .git/objects/info/commit-graph <<'PY'
import hashlib, struct, sys
path = sys.argv[1]
b = bytearray(open(path, "rb").read())
chunks = {}
for i in range(b[6] + 1):
    cid, off = struct.unpack(">4sQ", b[8 + 12 * i:20 + 12 * i])
    chunks[cid] = off
n = struct.unpack(">I", b[chunks[b"OIDF"] + 1020:chunks[b"OIDF"] + 1024])[0]
for i in range(n):
    at = chunks[b"CDAT"] + 36 * i + 20
    if struct.unpack(">I", b[at:at + 4])[0] != 0x70000000:
        b[at:at + 4] = struct.pack(">I", 0x6fffffff)
b[-20:] = hashlib.sha1(b[:-20]).digest()
open(path, "wb").write(b)
PY
expect_exit 0 env XDG_CACHE_HOME="$T/cache.3" "$ITAKU" verify --full
diff "$T/verify.plain" "$T/out" >&2 || fail "verify says otherwise with a commit-graph pointing outside itself"
ok "a commit-graph whose parents point outside it changes nothing either"

# the way back for stock git: the graph written again
rm .git/objects/info/commit-graph
git commit-graph write --reachable
git fsck --no-progress 2>&1 | has -v . || fail "git fsck finds fault with the registry"
[ "$(git rev-list --count HEAD)" = 3 ] || fail "stock git still walks a short history"
ok "its commit-graph written again, git fsck is clean"

finish
