#!/usr/bin/env bash
# Issue 10, point 5, "caches that a copy cannot forge" (DESIGN §7 "Caches are
# local"): a verification cache that says "all ok" for an unsigned forged
# decision fools only the person who sealed it with their own key. Copied to
# another person (their cache folder, or the registry's .git folder, the old
# place), it is not believed: verify exits 1 naming the forgery. The twins:
# the same person's cache is used, two people sharing one clone each keep
# their own and both pass, and a cache that cannot be written means running
# uncached (exit 0, nothing written). The hosted hook keeps its cache where
# `itaku server init` says, which a normal user's verify never follows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"

setup_city_and_contractor
approve_subcontractor
HOME_A=$HOME
HOME_B=$T/home-b
mkdir -p "$HOME_B"
as_b() { HOME=$HOME_B "$@"; }
# sealed_by KEYFILE FILE FROM TO: the cache FILE with the 20 bytes FROM (hex)
# replaced by TO, sealed again with KEYFILE: how its owner (or anyone with
# the key) could doctor a cache (core/cache_dir.c: tag, content, HMAC-SHA-256
# of both under the key).
seal_swap() {
    python3 - "$@" <<'PY'
import hashlib, hmac, sys
key, path, old, new = sys.argv[1:]
body = open(path, "rb").read()[:-32]
old, new = bytes.fromhex(old), bytes.fromhex(new)
assert body.count(old) >= 1, "the commit is not in the cache"
body = body.replace(old, new)
mac = hmac.new(open(key, "rb").read(), body, hashlib.sha256).digest()
open(path, "wb").write(body + mac)
PY
}
user_key() { echo "$1/.local/state/itaku/cache.key"; }

# --- the attack ---------------------------------------------------------------
# The city's approval L is a signed decision. A copy of the registry whose
# main ends on F instead: the same tree and message, unsigned.
cp -a "$T/city" "$T/reg"
cd "$T/reg"
L=$(git rev-parse HEAD)
git cat-file commit "$L" | has "^Itaku-Action: approve" || fail "the tip is not the city's decision"
F=$(git log -1 --format=%B "$L" | git commit-tree "$L^{tree}" -p "$L^")
[ "$F" != "$L" ] || fail "the forgery is the decision itself"
expect_exit 0 "$ITAKU" verify # A (the attacker) verifies the honest registry: cached
CACHE_A=$(cache_folder .)/verify.cache
[ -s "$CACHE_A" ] || fail "verify wrote no cache in $CACHE_A"
[ ! -e .git/itaku ] || fail "verify wrote a cache into the repository"
git reset -q --hard "$F"
cp -a "$T/reg" "$T/fresh"
(cd "$T/fresh" && HOME=$T/home-fresh expect_rejected "$F" V1)
expect_output "not signed"
ok "an unsigned forged decision is refused in a fresh copy (V1, named)"

# A doctors A's own cache: F takes the place of L, sealed with A's key. The
# cache is read and believed by whoever sealed it (this is what the key
# stands for): A's own verify now passes the forgery. So the refusals below
# come from the key and the place, not from a malformed file.
seal_swap "$(user_key "$HOME_A")" "$CACHE_A" "$L" "$F"
expect_exit 0 "$ITAKU" verify
expect_output "every signature and rule holds"
ok "a cache sealed with the reader's own key is used (a doctored one fools its own author only)"

# B shares the same clone (same path), with A's whole cache folder copied in
before=$(state_of .)
mkdir -p "$HOME_B/.cache"
cp -a "$HOME_A/.cache/itaku" "$HOME_B/.cache/"
[ "$(as_b cache_folder .)/verify.cache" != "$CACHE_A" ] || fail "one cache file for two people"
cmp -s "$(as_b cache_folder .)/verify.cache" "$CACHE_A" || fail "the copy is not where B looks"
HOME=$HOME_B expect_rejected "$F" V1
expect_output "not signed"
[ "$(state_of .)" = "$before" ] || fail "verify changed the registry"
ok "A's cache folder copied into B's home: B's verify refuses the forgery (exit 1, V1, named)"

# the registry handed over on a disk with the forged cache in .git/itaku/
# (where caches were kept before), as the old format (content + SHA-256)
python3 - "$CACHE_A" .git/itaku/verify.cache <<'PY'
import hashlib, os, sys
body = open(sys.argv[1], "rb").read()[32:-32]
os.makedirs(os.path.dirname(sys.argv[2]), exist_ok=True)
open(sys.argv[2], "wb").write(body + hashlib.sha256(body).digest())
PY
cp -a "$T/reg" "$HOME_B/reg"
(cd "$HOME_B/reg" && HOME=$HOME_B expect_rejected "$F" V1)
# … and with A's cache for it copied into B's folder for the copy
mkdir -p "$(as_b cache_folder "$HOME_B/reg")"
cp "$CACHE_A" "$(as_b cache_folder "$HOME_B/reg")/verify.cache"
(cd "$HOME_B/reg" && HOME=$HOME_B expect_rejected "$F" V1)
# … and A's own copy of the registry elsewhere, with A's cache put into its
# folder: a cache is bound to its registry's path
cp -a "$T/reg" "$T/reg-copy"
mkdir -p "$(cache_folder "$T/reg-copy")"
cp "$CACHE_A" "$(cache_folder "$T/reg-copy")/verify.cache"
(cd "$T/reg-copy" && expect_rejected "$F" V1)
ok "a copied registry (with .git/itaku/, or its cache put in the copy's folder) is verified from scratch"

# --- the twins ------------------------------------------------------------------
# Two people share the honest city registry: each verifies, each keeps a
# cache of their own under their own key, and a second run takes it.
cd "$T/city"
expect_exit 0 "$ITAKU" verify
HOME=$HOME_B expect_exit 0 "$ITAKU" verify
CA=$(cache_folder .)/verify.cache
CB=$(as_b cache_folder .)/verify.cache
[ -s "$CA" ] && [ -s "$CB" ] || fail "each person should have a cache ($CA, $CB)"
[ "${CA#"$HOME_A"/}" != "$CA" ] && [ "${CB#"$HOME_B"/}" != "$CB" ] || fail "a cache outside its owner's home"
! cmp -s "$(user_key "$HOME_A")" "$(user_key "$HOME_B")" || fail "two people share one key"
[ "$(stat -c %a "$(user_key "$HOME_A")")" = 600 ] || fail "the key is not mode 0600"
ia=$(stat -c %i "$CA")
ib=$(stat -c %i "$CB")
expect_exit 0 "$ITAKU" verify
HOME=$HOME_B expect_exit 0 "$ITAKU" verify
# an identical run is answered from the cache whole and rewrites nothing
[ "$(stat -c %i "$CA")" = "$ia" ] && [ "$(stat -c %i "$CB")" = "$ib" ] ||
    fail "a second run did not answer from its cache"
ok "two people sharing one clone each keep their own cache (own key, mode 0600) and both pass"

# A cache that cannot be written: verify passes uncached, exit 0, nothing
# written. A full disk (a file size limit below the cache's size):
[ "$(stat -c %s "$CB")" -gt 1024 ] || fail "the cache is too small for this test: $(stat -c %s "$CB")"
rm -rf "$HOME_B/.cache"
(
    trap '' XFSZ
    ulimit -f 1
    HOME=$HOME_B "$ITAKU" verify >"$T/out" 2>"$T/err"
) || fail "verify failed on a full disk: $(cat "$T/err")"
grep -q "every signature and rule holds" "$T/out" || fail "no answer on a full disk"
# (the verdict at the tip, verify.tip, a few hundred bytes here, fits under
# the limit and is written whole: through a temporary file and a rename, as
# every cache file)
left=$(find "$HOME_B/.cache" -type f ! -name verify.tip)
[ -z "$left" ] || fail "a partial cache was left: $left"
# a read-only home (/proc: no one, not even root, makes folders there)
expect_exit 0 env HOME=/proc "$ITAKU" verify
expect_output "every signature and rule holds"
# a cache folder with a file in its way, and no home at all
touch "$T/in-the-way"
HOME=$HOME_B XDG_CACHE_HOME=$T/in-the-way/cache expect_exit 0 "$ITAKU" verify
[ -f "$T/in-the-way" ] || fail "the file in the way was replaced"
expect_exit 0 env -u HOME "$ITAKU" verify
expect_output "every signature and rule holds"
if [ "$(id -u)" != 0 ]; then
    rm -rf "$HOME_B/.cache" && mkdir -p "$HOME_B/.cache" && chmod 0555 "$HOME_B/.cache"
    HOME=$HOME_B expect_exit 0 "$ITAKU" verify
    [ -z "$(ls -A "$HOME_B/.cache")" ] || fail "something was written in a read-only folder"
    chmod 0755 "$HOME_B/.cache"
fi
[ ! -e .git/itaku ] || fail "a cache was written into the repository"
ok "a cache that cannot be written (full disk, read-only home, no home) means running uncached, exit 0"

# --- the hosted hook ------------------------------------------------------------
# server init sets the hook's cache folder in the hosted registry's config
# (default: the caller's cache folder + /hosted; or --cache-dir).
HUB=$T/hub
expect_exit 0 "$ITAKU" server init "$HUB" --city-key "$CITY_FPR" --genesis "$GENESIS"
HOSTED=$(readlink -f "$HOME_A/.cache/itaku/hosted")
[ "$(git -C "$HUB" config itaku.cacheDir)" = "$HOSTED" ] || fail "itaku.cacheDir is not $HOSTED"
expect_exit 0 "$ITAKU" server init "$T/hub2" --city-key "$CITY_FPR" --genesis "$GENESIS" \
    --cache-dir "$T/hook-cache"
[ "$(git -C "$T/hub2" config itaku.cacheDir)" = "$(readlink -f "$T/hook-cache")" ] ||
    fail "--cache-dir was not kept"
before=$(git -C "$T/hub" for-each-ref)
touch "$T/blocker"
expect_exit 2 "$ITAKU" server init "$T/hub3" --city-key "$CITY_FPR" --genesis "$GENESIS" \
    --cache-dir "$T/blocker/cache"
expect_output "cannot make the cache folder"
[ ! -e "$T/hub3" ] || fail "a refused server init left $T/hub3"
cd "$T/city"
ITAKU_PARTY=akiruno-city git push -q "$HUB" main:main 2>"$T/err" || fail "push refused: $(cat "$T/err")"
[ -n "$(find "$HOSTED" -name verify.cache)" ] || fail "the hook wrote no cache in $HOSTED"
[ "$(stat -c %a "$HOSTED/cache.key")" = 600 ] || fail "the hook's key is not mode 0600"
[ ! -e "$HUB/itaku" ] || fail "the hook wrote a cache into the repository"
ok "server init sets the hook's cache folder (itaku.cacheDir, --cache-dir); the hook keeps its cache there"

# The hook-mode cache of the forged registry, doctored and sealed with that
# folder's own key: the hook (which trusts the folder server init chose)
# takes it, but a normal user's verify of a registry whose config points
# there does not follow it.
cd "$T/reg"
git -C "$T/reg" config itaku.cacheDir "$T/evil"
printf '%s %s refs/heads/main\n' 0000000000000000000000000000000000000000 "$L" |
    GIT_DIR=$T/reg/.git ITAKU_PARTY=akiruno-city "$ITAKU" server check-push 2>"$T/err" ||
    fail "check-push of the decision: $(cat "$T/err")"
EVIL=$(find "$T/evil" -name verify.cache)
[ -n "$EVIL" ] || fail "check-push kept no cache in itaku.cacheDir"
seal_swap "$T/evil/cache.key" "$EVIL" "$L" "$F"
printf '%s %s refs/heads/main\n' 0000000000000000000000000000000000000000 "$F" |
    GIT_DIR=$T/reg/.git ITAKU_PARTY=akiruno-city "$ITAKU" server check-push 2>"$T/err" ||
    fail "the hook did not read the folder server init would have set: $(cat "$T/err")"
rm -rf "$HOME_A/.cache"
expect_rejected "$F" V1
HOME=$HOME_B expect_rejected "$F" V1
ok "itaku.cacheDir is the hook's alone: a registry's config cannot point a user's verify at a forged cache"

finish
