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

# one CRC changed, the layout still good: the index's own checksum tells
rm -f "$CITY_IDX"
cp "$T/good.idx" "$CITY_IDX"
python3 - "$CITY_IDX" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
n = int.from_bytes(b[8 + 1020:8 + 1024], "big")
b[8 + 1024 + 20 * n] ^= 1
open(p, "wb").write(b)
PY
expect_exit 2 "$ITAKU" verify
expect_output "pack index $CITY_IDX does not match its own checksum: bytes of it changed since git wrote it"
expect_output "git index-pack $CITY_PACK"
ok "an index whose bytes changed since git wrote it is refused by its checksum"

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

# a hosted registry holding a damaged pack index: the pre-receive hook
# refuses every push, naming the file, and the hub's refs stay as they were
HUB=$T/hub
expect_exit 0 "$ITAKU" server init "$HUB" --city-key "$CITY_FPR" --genesis "$GENESIS"
ITAKU_PARTY=akiruno-city git push -q "$HUB" main:main 2>/dev/null
# a pack of one stray file, its index's offset past the pack's end (stock
# git reads an offset only when it looks that object up)
stray=$(echo stray | git -C "$HUB" hash-object -w --stdin)
stray_pack=$(echo "$stray" | git -C "$HUB" pack-objects -q "$HUB/objects/pack/pack")
rm -f "$HUB/objects/${stray:0:2}/${stray:2}"
HUB_IDX=$HUB/objects/pack/pack-$stray_pack.idx
chmod u+w "$HUB_IDX"
python3 - "$HUB_IDX" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[8 + 1024 + 24:8 + 1024 + 28] = (0x7fffffff).to_bytes(4, "big")
open(p, "wb").write(b)
PY
hub_refs() { git -C "$HUB" for-each-ref --format='%(refname) %(objectname)'; }
before=$(hub_refs)
"$ITAKU" key generate "$T/beta.key" --comment beta >/dev/null
expect_exit 0 "$ITAKU" party add beta --role contractor --name "ベータ株式会社" --pubkey "$T/beta.key.pub"
expect_exit 1 env ITAKU_PARTY=akiruno-city git push "$HUB" main:main
expect_output "pack index $HUB_IDX: object 0's offset 2147483647 is outside its pack"
expect_output "git index-pack"
[ "$(hub_refs)" = "$before" ] || fail "the refused push moved a ref of the hub"
# twin: its index made again, the same push is taken
rm -f "$HUB_IDX"
git index-pack "$HUB/objects/pack/pack-$stray_pack.pack" >/dev/null
expect_exit 0 env ITAKU_PARTY=akiruno-city git push "$HUB" main:main
[ "$(hub_refs)" != "$before" ] || fail "the push after the repair did not move main"
ok "the pre-receive hook refuses a push into a hub whose pack index is damaged, naming it"

finish
