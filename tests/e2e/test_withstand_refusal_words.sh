#!/usr/bin/env bash
# Issue 10, point 10: a refusal says why, who, and that nothing was taken.
# 1. A commit refused for an over-limit folder object, before its tree is
#    read, still names its signer (read from the commit's own signature), not
#    "unknown signer". Twin: the same commit over a small tree names acme too.
# 2. A bundle naming two senders is refused saying nothing was taken. Twin:
#    the same bundle naming one sender is imported.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
main=$(git rev-parse main)
# a folder object of 33 MiB (over the 8 MiB limit): repeated entries, never parsed
python3 - "$T/bigtree" <<'PY'
import sys
entry = b"100644 " + b"x" * 200 + b"\0" + bytes(20)
with open(sys.argv[1], "wb") as f:
    f.write(entry * (33 * 1024 * 1024 // len(entry) + 1))
PY
big=$(git hash-object --literally -t tree -w "$T/bigtree")
root=$(printf '040000 tree %s\tparties\n' "$big" | git mktree --missing)
bad=$(git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit-tree -S "$root" -p "$main" -m "Big

$(printf 'Itaku-Party: acme\nItaku-Principal: manager\nItaku-Action: submit\nItaku-Content-SHA256: 0\n')")
git update-ref refs/heads/big "$bad"
expect_exit 1 "$ITAKU" verify --full big
expect_output "^${bad:0:12} V1[01].*\[acme/manager\].*over the limit"
grep -q "unknown signer" "$T/out" && fail "the refusal of an over-limit tree names no signer"
git update-ref -d refs/heads/big
ok "a commit refused for a folder object over the limit names its signer (acme/manager)"

# twin: a small tree, the same signer, refused for its trailers: named as well
small=$(git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit-tree -S "$(git rev-parse "$main^{tree}")" -p "$main" -m "Small

Itaku-Party: acme")
git update-ref refs/heads/small "$small"
expect_exit 1 "$ITAKU" verify --full small
expect_output "^${small:0:12} V10 .*\[acme/manager\]"
git update-ref -d refs/heads/small
ok "twin: a commit refused after its tree was read names acme/manager alike"

# 2. a bundle naming two senders
git update-ref refs/itaku/sender/acme main
git update-ref refs/itaku/sender/beta main
git bundle create -q "$T/two.bundle" main refs/itaku/sender/acme refs/itaku/sender/beta
git bundle create -q "$T/one.bundle" main refs/itaku/sender/acme
git update-ref -d refs/itaku/sender/acme
git update-ref -d refs/itaku/sender/beta
cd "$T/city"
expect_refused "the bundle names more than one sender.*nothing was taken" "$ITAKU" bundle import "$T/two.bundle"
ok "a bundle naming two senders is refused, saying nothing was taken"
expect_exit 0 "$ITAKU" bundle import "$T/one.bundle"
[ "$(git rev-parse refs/itaku/lines/acme)" = "$(git -C "$T/acme" rev-parse main)" ] || fail "the twin bundle was not taken"
ok "twin: the same bundle naming one sender is imported"
finish
