#!/usr/bin/env bash
# Issue 2, "what it must withstand" (input): the commands that write refuse
# bad input before writing anything: malformed or hostile JSON, record types
# and ids that would leave their folder, inputs far over the size limit, key
# files they cannot use, a non-empty folder for init, and a contractor trying
# the city's `party add`. Each exits 2, says what is wrong with which file and
# what to do, and leaves the registry as it was.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
register_body >"$T/ok.json"
ok "set up: the contractor's clone"

# Bodies that are not JSON objects, or JSON a record may not hold.
printf '{"action": "received", ' >"$T/malformed.json"
expect_refused "malformed.json: invalid JSON at line 1.*nothing was written|nothing was written.*malformed.json: invalid JSON at line 1" \
    "$ITAKU" record add register "$T/malformed.json"
echo '[{"action": "received"}]' >"$T/array.json"
expect_refused "array.json: the record body must be a JSON object" \
    "$ITAKU" record add register "$T/array.json"
echo '"received"' >"$T/string.json"
expect_refused "string.json: the record body must be a JSON object" \
    "$ITAKU" record add register "$T/string.json"
expect_refused "standard input: the record body must be a JSON object" \
    "$ITAKU" record add register - <"$T/array.json"
printf '{"action": "rec\\u0000eived"}\n' >"$T/nul.json"
expect_refused "nul.json: invalid JSON .*NUL" "$ITAKU" record add register "$T/nul.json"
printf '{"action": "rec\xff\xfeived"}\n' >"$T/latin.json"
expect_refused "latin.json: invalid JSON .*not valid UTF-8" "$ITAKU" record add register "$T/latin.json"
python3 -c 'print("{\"a\": " + "[" * 40 + "]" * 40 + "}")' >"$T/deep.json"
expect_refused "deep.json: JSON is nested deeper than 32 levels" \
    "$ITAKU" record add register "$T/deep.json"
ok "malformed JSON, an array or a string body, \\u0000, invalid UTF-8 and JSON 40 deep are refused"

for type in ../x forms/../../x a/b form9 party key decision; do
    expect_refused "'$type' is not a record type you can add; use one of .*register" \
        "$ITAKU" record add "$type" "$T/ok.json"
done
expect_refused "'../../x' is not a valid register id \(expected r-NNNNNN\)" \
    "$ITAKU" record add register "$T/ok.json" --supersedes ../../x
expect_refused "--supersedes r-000042: acme has no register record of that id" \
    "$ITAKU" record add register "$T/ok.json" --supersedes r-000042
ok "record types that would leave their folder or are unknown, and --supersedes ../../x, are refused"

# 100 MB: refused at the 1 MiB limit without reading the rest.
truncate -s 100M "$T/huge.json"
start=$(date +%s%N)
expect_refused "huge.json is larger than the limit of 1048576 bytes" \
    "$ITAKU" record add register "$T/huge.json"
expect_refused "standard input is larger than the limit of 1048576 bytes" \
    "$ITAKU" record add register - <"$T/huge.json"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 3000 ] || fail "refusing 100 MB took $ms ms"
if gnu_time=$(type -P time); then
    "$gnu_time" -f %M -o "$T/rss" "$ITAKU" record add register "$T/huge.json" 2>/dev/null || true
    [ "$(tail -1 "$T/rss")" -lt 65536 ] || fail "refusing 100 MB used $(tail -1 "$T/rss") KiB"
fi
# Through a pipe: count what the writer managed to push before itaku hung up.
before=$(state_of .)
set +e
python3 -c '
import os, sys
chunk, sent = b" " * 65536, 0
try:
    while sent < 100 * 2**20:
        sent += os.write(1, chunk)
except BrokenPipeError:
    pass
print(sent, file=sys.stderr)
' 2>"$T/sent" | "$ITAKU" record add register - >"$T/out" 2>"$T/err"
rc=${PIPESTATUS[1]}
set -e
[ "$rc" = 2 ] || fail "a 100 MB pipe: exit $rc"
expect_output "standard input is larger than the limit of 1048576 bytes"
[ "$(cat "$T/sent")" -lt $((4 * 2 ** 20)) ] || fail "itaku read $(cat "$T/sent") bytes of a 100 MB pipe"
[ "$(state_of .)" = "$before" ] || fail "the 100 MB pipe changed the registry"
ok "a 100 MB file or pipe is refused within $ms ms, reading little more than the 1 MiB limit"

# Key files itaku cannot use.
python3 -c 'import os, random; random.seed(2); os.write(1, bytes(random.randrange(256) for _ in range(300)))' >"$T/garbage.key"
ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C pem -f "$T/pem.key"
grep -q 'BEGIN RSA PRIVATE KEY' "$T/pem.key" || fail "ssh-keygen did not write a PEM key"
: >"$T/empty.key"
ssh-keygen -q -t ed25519 -N 'a passphrase' -C locked -f "$T/locked.key"
for k in garbage empty; do
    expect_refused "$k.key" "$ITAKU" key show "$T/$k.key"
    expect_refused "$k.key" "$ITAKU" key show --key "$T/$k.key"
    expect_refused "cannot sign: .*$k.key.*(not an OpenSSH private key|OPENSSH PRIVATE KEY)" \
        "$ITAKU" record add register "$T/ok.json" --key "$T/$k.key"
done
# a PEM key is read (issue 19): shown as ssh-keygen shows it
[ "$("$ITAKU" key show "$T/pem.key")" = "$(ssh-keygen -lf "$T/pem.key")" ] ||
    fail "key show of a PEM key differs from ssh-keygen -lf"
expect_refused "locked.key is protected by a passphrase; load it into ssh-agent with .ssh-add " \
    "$ITAKU" record add register "$T/ok.json" --key "$T/locked.key"
git config itaku.signingKey "$T/locked.key"
expect_refused "locked.key .*ssh-add" "$ITAKU" record add register "$T/ok.json"
git config itaku.signingKey "$T/acme.key"
expect_exit 0 "$ITAKU" key show "$T/locked.key"
[ "$(tail -1 "$T/out" | cut -d' ' -f2)" = "$(ssh-keygen -lf "$T/locked.key" | cut -d' ' -f2)" ] ||
    fail "key show of a passphrase-protected key shows another fingerprint than ssh-keygen -lf"
ok "garbage and empty key files are refused by key show and --key (a PEM RSA key is shown); a passphrase-protected key asks for ssh-add"

mkdir "$T/occupied"
echo "someone else's notes" >"$T/occupied/notes.txt"
ls -la --time-style=full-iso "$T/occupied" >"$T/occupied.before"
expect_exit 2 "$ITAKU" init "$T/occupied" --contract C-2026-002 --title "別の契約" \
    --city akiruno-city --name "あきる野市" --key "$T/city.key"
expect_output "occupied already exists and is not empty; choose a new folder"
ls -la --time-style=full-iso "$T/occupied" | cmp -s - "$T/occupied.before" || fail "init changed a non-empty folder"
expect_refused "acme already exists and is not empty" "$ITAKU" init "$T/acme" --contract C-2026-002 \
    --title "別の契約" --city akiruno-city --name "あきる野市" --key "$T/city.key"
ok "init refuses a non-empty folder (and an existing registry) and leaves it untouched"

"$ITAKU" key generate "$T/beta.key" >/dev/null
expect_refused "only the city registers parties; manager is acme's key" \
    "$ITAKU" party add beta --role contractor --name "ベータ株式会社" --pubkey "$T/beta.key.pub"
ok "party add by the contractor is refused: only the city registers parties"

expect_exit 0 "$ITAKU" verify
finish
