#!/usr/bin/env bash
# itaku verify checks signatures on every core (issue 18): on a whole
# contract with a compromise on record (chain_story.sh: a void commit of
# beta's compromised key) and hostile commits (signed by a key no party
# holds, unsigned, a signed commit whose bytes were changed after), what it
# prints, as text and as JSON, is byte for byte the same with one thread and
# with many, set by --threads or ITAKU_THREADS. And after one new commit a
# verify checks that commit alone in full, not the whole history nor the
# void commits the compromise made (--stats).
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/e2e/chain_story.sh"

story_setup
cd "$T/city"
# the legitimate history verifies; its void commit is shown as such
expect_exit 0 "$ITAKU" verify --full --threads 4
expect_output "void \["
nvoid=$(grep -c " void \[" "$T/out")

# hostile commits, each on a ref of its own, made with stock git
"$ITAKU" key generate "$T/stranger.key" >/dev/null
stranger=$(git -c gpg.format=ssh -c user.signingkey="$T/stranger.key" commit-tree -S \
    "HEAD^{tree}" -p HEAD -m "by a stranger")
git update-ref refs/heads/stranger "$stranger"
unsigned=$(git commit-tree "HEAD^{tree}" -p HEAD -m "unsigned")
git update-ref refs/heads/unsigned "$unsigned"
changed=$(rewrite_commit "$(git -c gpg.format=ssh -c user.signingkey="$T/city.key" commit-tree \
    -S "HEAD^{tree}" -p HEAD -m "signed as it was")" 's/signed as it was/changed after/')
git update-ref refs/heads/changed "$changed"

# the same output with 1 thread and with many, cold (--full) and cached
out=$T/threads
mkdir -p "$out"
for n in 1 2 4 7; do
    expect_exit 1 "$ITAKU" verify --full --threads "$n"
    cp "$T/out" "$out/text.$n"
    expect_exit 1 env ITAKU_THREADS="$n" "$ITAKU" verify --full --json
    cp "$T/out" "$out/json.$n"
done
expect_exit 1 "$ITAKU" verify --threads 3 # from the cache
cp "$T/out" "$out/text.cached"
for f in text.2 text.4 text.7 text.cached; do
    cmp -s "$out/text.1" "$out/$f" || {
        diff "$out/text.1" "$out/$f" >&2
        fail "verify prints otherwise with $f than with 1 thread"
    }
done
for f in json.2 json.4 json.7; do
    cmp -s "$out/json.1" "$out/$f" || fail "verify --json prints otherwise with $f than with 1 thread"
done
# and it is a history with problems: each hostile commit named under V1
for c in "$stranger" "$unsigned" "$changed"; do
    grep -qE "^${c:0:12} V1 " "$out/text.1" || fail "verify does not name ${c:0:12} under V1"
done
grep -q " void \[" "$out/text.1" || fail "the void commit is not shown"
expect_exit 2 "$ITAKU" verify --threads 65
expect_output "1 to 64"
ok "1 thread and many: the same output"

# O(new): a cold run checks every commit; a run after one new commit checks
# it alone, the rest (the void commits' V9 state too) from the cache
expect_exit 1 "$ITAKU" verify --full --stats
total=$(sed -nE 's/^itaku: verify: ([0-9]+) commits, ([0-9]+) checked in full.*/\1 \2/p' "$T/err")
[ -n "$total" ] && [ "${total% *}" = "${total#* }" ] || fail "a cold run checks every commit: $total"
expect_exit 1 "$ITAKU" verify --stats
expect_output "checked in full"
grep -qE "^itaku: verify: [0-9]+ commits, 0 checked in full" "$T/err" || fail "a cached run checked: $(cat "$T/err")"
one=$(git commit-tree "HEAD^{tree}" -p HEAD -m "one more")
git update-ref refs/heads/one-more "$one"
expect_exit 1 "$ITAKU" verify --stats
checked=$(sed -nE 's/^itaku: verify: [0-9]+ commits, ([0-9]+) checked in full.*/\1/p' "$T/err")
[ "$checked" = 1 ] || fail "after one new commit verify checked $checked commits, not 1"
ok "one new commit: $checked of ${total% *} commits checked ($nvoid void)"
finish
