#!/usr/bin/env bash
# A registry's pack index (objects/pack/*.idx) comes from wherever the
# registry was copied from, or from the folder a receive takes from (issue
# 20): one that is damaged is refused before libgit2 reads an object through
# it, naming the file and how to make it again, and nothing is written.
# Making it again with stock git (`git index-pack`) as the message says
# brings the registry back.
. "$(dirname "$0")/lib.sh"
tests_run=0

setup_city_and_contractor

# one pack with its index in each registry, as git gc leaves them
(cd "$T/city" && git repack -adq)
(cd "$T/acme" && git repack -adq)
pack_of() { ls "$1"/.git/objects/pack/pack-*.pack; }
CITY_PACK=$(pack_of "$T/city")
CITY_IDX=${CITY_PACK%.pack}.idx
chmod u+w "$CITY_IDX"
cp "$CITY_IDX" "$T/good.idx"

# damage: the fan-out table's entry 0x40 above those after it
python3 - "$CITY_IDX" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[8 + 4 * 0x40:8 + 4 * 0x41] = (0xffff).to_bytes(4, "big")
open(p, "wb").write(b)
PY
cp "$CITY_IDX" "$T/bad.idx"

# every file of a registry with its digest (stock git cannot read one whose
# index is damaged): what a refusal must leave as it was
files_of() { (cd "$1" && find . -type f -exec sha256sum {} + | LC_ALL=C sort); }
cd "$T/city"
before=$(files_of .)
for cmd in verify status; do
    expect_exit 2 "$ITAKU" "$cmd"
    expect_output "pack index $CITY_IDX: its fan-out table goes down at entry 65"
    expect_output "remove it and make it again from its pack with \`git index-pack $CITY_PACK\`"
    [ "$(files_of .)" = "$before" ] || fail "$cmd changed a file of the registry"
    cmp -s "$CITY_IDX" "$T/bad.idx" || fail "$cmd changed the damaged index"
done
ok "verify and status refuse a registry whose pack index is damaged, naming the file; nothing is written"

# on a Japanese screen, in Japanese
expect_exit 2 "${JA[@]}" "$ITAKU" status
expect_output "パックの索引ファイル $CITY_IDX: ファンアウト表が項目 65 で減っています"
ok "the refusal is said in Japanese on a Japanese screen"

# a folder named as an index, and an index of version 1, are refused too
cp "$T/good.idx" "$CITY_IDX"
mkdir "$T/city/.git/objects/pack/pack-0000000000000000000000000000000000000000.idx"
expect_exit 2 "$ITAKU" verify
expect_output "pack index .*pack-0000000000000000000000000000000000000000.idx is not a file"
rmdir "$T/city/.git/objects/pack/pack-0000000000000000000000000000000000000000.idx"
rm -f "$CITY_IDX"
git index-pack --index-version=1 "$CITY_PACK" >/dev/null
expect_exit 2 "$ITAKU" verify
expect_output "pack index $CITY_IDX is of version 1; itaku reads version 2 only"
ok "a folder named as a pack index and an index of version 1 are refused"

# the way out the message gives: remove it and make it again from its pack
rm -f "$CITY_IDX"
git index-pack "$CITY_PACK" >/dev/null
cmp -s "$CITY_IDX" "$T/good.idx" || fail "git index-pack made another index"
expect_exit 0 "$ITAKU" verify
expect_exit 1 "$ITAKU" status # the form 1 the story has not filed is overdue
expect_output "Obligations as of"
ok "after git index-pack, as the message says, the registry opens and verifies"

# receive from a folder whose pack index is damaged: refused before the fetch
ACME_PACK=$(pack_of "$T/acme")
ACME_IDX=${ACME_PACK%.pack}.idx
chmod u+w "$ACME_IDX"
cp "$ACME_IDX" "$T/acme-good.idx"
printf 'XtOc' | dd of="$ACME_IDX" bs=1 seek=0 conv=notrunc status=none
before=$(files_of .)
expect_exit 2 "$ITAKU" receive acme "$T/acme"
expect_output "cannot fetch from $T/acme: $ACME_IDX is not a pack index: it does not start with a pack index's signature"
expect_output "git index-pack $ACME_PACK"
expect_output "nothing was taken"
[ "$(files_of .)" = "$before" ] || fail "the refused receive changed a file of the registry"
# twin: the same folder with its index made again is taken
cp "$T/acme-good.idx" "$ACME_IDX"
expect_exit 0 "$ITAKU" receive acme "$T/acme"
ok "receive refuses a folder whose pack index is damaged, naming it; nothing is taken"

finish
