#!/usr/bin/env bash
# A fetched pack whose header claims more objects than its bytes can hold
# (issue 20): libgit2's indexer reserves room for the claimed count as soon
# as it reads the header, and a fetched pack's length is known only at its
# end. The hosted registry here is served over SSH by stock git's
# upload-pack through a filter that rewrites the count in the pack's header
# (9,999,999: under the 10 million cap), its objects and checksum left as
# they are. The city's fetch keeps the pack aside until the scan has read it
# whole, then refuses it naming the count and the bytes, with nothing moved
# and no pack or temporary file kept. Twin: the same remote unfiltered
# fetches.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sync_lib.sh"
# libgit2's SSH transport leaks on every connection (tests/lsan.supp)
export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

CLAIMED=9999999
setup_city_and_contractor
start_sshd
"$ITAKU" server init "$T/hub" --city-key "$CITY_FPR" --genesis "$GENESIS" >/dev/null
URL="ssh://root@127.0.0.1:$PORT$T/hub"

# upload-pack behind a filter: side-band-64k pkt-lines pass unchanged but
# for the count in the pack's header (pack bytes 8-11) when $T/lie exists
cat >"$T/count_filter.py" <<'PY'
import os, shlex, subprocess, sys, threading
cmd = shlex.split(os.environ["SSH_ORIGINAL_COMMAND"])
assert cmd[0] == "git-upload-pack", cmd
lie = os.path.exists(sys.argv[1])
claimed = int(sys.argv[2]).to_bytes(4, "big")
child = subprocess.Popen(["git", "upload-pack", cmd[1]], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
def upstream():
    while True:
        b = os.read(0, 65536)
        if not b:
            break
        child.stdin.write(b)
        child.stdin.flush()
    child.stdin.close()
threading.Thread(target=upstream, daemon=True).start()
out, src = sys.stdout.buffer, child.stdout
packed = 0  # pack bytes seen on band 1
patched = False
while True:
    head = src.read(4)
    if len(head) < 4:
        break
    n = int(head, 16)
    body = bytearray(src.read(n - 4)) if n > 4 else bytearray()
    if lie and body[:1] == b"\x01" and packed < 12:
        data = body[1:]
        for i in range(len(data)):
            at = packed + i
            if at == 0 and bytes(data[:4]) != b"PACK"[: len(data[:4])]:
                break
            if 8 <= at < 12:
                body[1 + i] = claimed[at - 8]
                patched = at == 11 or patched
        packed += len(data)
    elif body[:1] == b"\x01":
        packed += len(body) - 1
    out.write(head + bytes(body))
    out.flush()
if patched:
    open(sys.argv[1] + ".done", "w").close()
sys.exit(child.wait())
PY
pub=$(cut -d' ' -f1-2 "$T/city.key.pub")
printf 'command="/usr/bin/python3 %s %s %s",no-pty,no-port-forwarding %s\n' \
    "$T/count_filter.py" "$T/lie" "$CLAIMED" "$pub" >"$AUTH_KEYS"

cd "$T/city"
expect_exit 0 "$ITAKU" remote add hub "$URL" --party akiruno-city
# written plain, as ssh does with HashKnownHosts no
trust_hub_host
git -C "$T/hub" fetch -q "$T/city" main:refs/heads/main
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
git -C "$T/hub" fetch -q "$T/acme" main:refs/heads/parties/acme/main

pack_dir_files() { find "$1/.git/objects/pack" -type f | sort; }
cd "$T/city"
before=$(state_of .)
files_before=$(pack_dir_files .)
touch "$T/lie"
expect_exit 2 "$ITAKU" fetch hub
expect_output "the fetched pack: the pack says it holds $CLAIMED objects, more than its [0-9]+ bytes can hold"
[ -f "$T/lie.done" ] || fail "the filter did not rewrite the pack's count"
[ "$(state_of .)" = "$before" ] || fail "a refused fetch changed the registry"
[ "$(git for-each-ref --format='%(refname)' refs/itaku/incoming)" = "" ] ||
    fail "a refused fetch left refs in the quarantine"
[ "$(pack_dir_files .)" = "$files_before" ] || fail "a refused fetch kept a file in objects/pack"
ok "a fetch over SSH refuses a pack claiming $CLAIMED objects its bytes cannot hold, naming both"

# Twin: the same remote, the count as upload-pack wrote it
rm "$T/lie"
expect_exit 0 "$ITAKU" fetch hub
expect_output "line of acme +new at"
ok "the same remote with its true count fetches over SSH"

finish
