#!/usr/bin/env bash
# Issue 19: every key people hold. Ed25519, ECDSA P-256/384/521 and RSA keys
# made by ssh-keygen in OpenSSH, PEM and PKCS#8 format sign from their file
# and through ssh-agent (also one that pads ECDSA numbers); stock git and
# ssh-keygen verify every commit; `key show` prints what `ssh-keygen -lf`
# prints; public keys are taken with or without their comment, private keys
# where a public one is asked for are refused.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
K=$T/keys
mkdir -p "$K"
TYPES="ed25519 ecdsa256 ecdsa384 ecdsa521 rsa"
FORMATS="RFC4716 PEM PKCS8" # RFC4716: ssh-keygen's own (OpenSSH) private key format
keygen_args() {
    case $1 in
    ed25519) echo "-t ed25519" ;;
    ecdsa*) echo "-t ecdsa -b ${1#ecdsa}" ;;
    rsa) echo "-t rsa -b 2048" ;;
    esac
}
# make_key NAME TYPE FORMAT PASSPHRASE
make_key() {
    # shellcheck disable=SC2046
    ssh-keygen -q $(keygen_args "$2") -m "$3" -N "$4" -C "$1 key" -f "$K/$1" </dev/null
}

# check_head PUB: the last commit verifies with stock git and with
# ssh-keygen -Y verify against PUB alone, and its signature is what
# ssh-keygen -Y sign writes (byte for byte where signing is deterministic:
# Ed25519, RSA with rsa-sha2-512; ECDSA: minimal r and s).
check_head() {
    local pub=$1 key=${2:-}
    echo "signer $(cut -d' ' -f1,2 "$pub")" >"$T/one_signer"
    git -c gpg.ssh.allowedSignersFile="$T/one_signer" verify-commit HEAD 2>/dev/null ||
        fail "git verify-commit refuses the commit signed with $pub"
    git cat-file commit HEAD | python3 -c '
import sys
raw = sys.stdin.buffer.read()
head, body = raw.split(b"\n\n", 1)
lines, sig, payload, insig = head.split(b"\n"), [], [], False
for l in lines:
    if l.startswith(b"gpgsig "):
        insig = True; sig.append(l[7:]); continue
    if insig and l.startswith(b" "):
        sig.append(l[1:]); continue
    insig = False; payload.append(l)
open(sys.argv[1], "wb").write(b"\n".join(sig) + b"\n")
open(sys.argv[2], "wb").write(b"\n".join(payload) + b"\n\n" + body)' "$T/head.sig" "$T/head.payload"
    ssh-keygen -Y verify -f "$T/one_signer" -I signer -n git -s "$T/head.sig" <"$T/head.payload" \
        >/dev/null || fail "ssh-keygen -Y verify refuses the commit signed with $pub"
    python3 - "$T/head.sig" "$(cut -d' ' -f1 "$pub")" <<'PY' || fail "the signature of $pub is not what ssh-keygen writes"
import base64, struct, sys
text = open(sys.argv[1]).read().split("\n")
blob = base64.b64decode("".join(l for l in text if l and not l.startswith("-----")))
def s(b, o):
    n = struct.unpack(">I", b[o:o + 4])[0]
    return b[o + 4:o + 4 + n], o + 4 + n
o = 10  # SSHSIG, version
for _ in range(4):
    _, o = s(blob, o)
sig, _ = s(blob, o)
t, o = s(sig, 0)
inner, _ = s(sig, o)
want = {"ssh-rsa": "rsa-sha2-512"}.get(sys.argv[2], sys.argv[2])
assert t.decode() == want, (t, want)
if want.startswith("ecdsa-"):
    r, o = s(inner, 0)
    q, _ = s(inner, o)
    for n in (r, q):
        assert n and n[0] < 0x80 and not (n[0] == 0 and n[1] < 0x80), n[:2].hex()
PY
    local ktype
    ktype=$(cut -d' ' -f1 "$pub")
    if [ -n "$key" ] && { [ "$ktype" = ssh-ed25519 ] || [ "$ktype" = ssh-rsa ]; }; then
        rm -f "$T/head.payload.sig"
        env -u SSH_AUTH_SOCK ssh-keygen -Y sign -q -n git -f "$key" "$T/head.payload" 2>/dev/null
        cmp -s "$T/head.payload.sig" "$T/head.sig" ||
            fail "ssh-keygen -Y sign writes another signature than itaku for $key"
    fi
}

# --- every type x format: key show, key add (with its comment), signing from the file ---
n=0
for t in $TYPES; do
    for m in $FORMATS; do
        name=$t-$m
        make_key "$name" "$t" "$m" ''
        [ "$("$ITAKU" key show "$K/$name")" = "$(ssh-keygen -lf "$K/$name")" ] ||
            fail "key show $name differs from ssh-keygen -lf"
        [ "$("$ITAKU" key show "$K/$name.pub")" = "$(ssh-keygen -lf "$K/$name.pub")" ] ||
            fail "key show $name.pub differs from ssh-keygen -lf"
        [ "$("$ITAKU" key show --public "$K/$name")" = "$(cat "$K/$name.pub")" ] ||
            fail "key show --public $name is not its key line"
        mv "$K/$name.pub" "$K/$name.pubx"
        [ "$("$ITAKU" key show "$K/$name")" = "$(ssh-keygen -lf "$K/$name")" ] ||
            fail "key show $name (without .pub) differs from ssh-keygen -lf"
        mv "$K/$name.pubx" "$K/$name.pub"
        # the .pub line has a comment: key add takes it and stores the key alone
        "$ITAKU" key add "$K/$name.pub" --principal "p-$name" >/dev/null
        stored=$(grep -rl "p-$name" parties/acme/keys/ | head -1)
        grep -q "\"public_key\": *\"$(cut -d' ' -f1,2 "$K/$name.pub")\"" "$stored" ||
            fail "key add stored $name otherwise than TYPE BASE64"
        n=$((n + 1))
        register_item "f$n" | "$ITAKU" record add register - --key "$K/$name" >/dev/null
        "$ITAKU" log -n 1 --json | has "\"principal\":\"p-$name\"" ||
            fail "the commit signed with $name is not attributed to p-$name"
        check_head "$K/$name.pub" "$K/$name"
    done
done
ok "Ed25519, ECDSA P-256/384/521 and RSA keys in OpenSSH, PEM and PKCS#8 format: key show = ssh-keygen -lf, key add, signing from the file, git verify-commit and ssh-keygen -Y verify"

# --- passphrase-protected keys of every type x format ---
eval "$(ssh-agent -s -a "$T/agent.sock")" >/dev/null
cleanup_hooks+=("kill $SSH_AGENT_PID")
REAL_SOCK=$SSH_AUTH_SOCK
cat >"$T/askpass" <<'SH'
#!/bin/sh
echo 'correct horse'
SH
chmod +x "$T/askpass"
for t in $TYPES; do
    for m in $FORMATS; do
        name=enc-$t-$m
        make_key "$name" "$t" "$m" 'correct horse'
        [ "$("$ITAKU" key show "$K/$name")" = "$(ssh-keygen -lf "$K/$name" </dev/null)" ] ||
            fail "key show $name differs from ssh-keygen -lf"
        "$ITAKU" key add "$K/$name.pub" --principal "p-$name" >/dev/null
        # no agent: the error says how to load it; nothing is written, nothing asked
        before=$(state_of .)
        expect_exit 2 env -u SSH_AUTH_SOCK "$ITAKU" record add register - --key "$K/$name" \
            < <(register_item "x$n") </dev/null
        expect_output "passphrase.*ssh-add $K/$name"
        [ "$before" = "$(state_of .)" ] || fail "a refused record add changed the registry"
        # in the agent: found by its public part, whatever the file's format
        SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
            ssh-add -q "$K/$name" </dev/null 2>/dev/null
        n=$((n + 1))
        register_item "a$n" | "$ITAKU" record add register - --key "$K/$name" >/dev/null
        "$ITAKU" log -n 1 --json | has "\"principal\":\"p-$name\"" ||
            fail "the agent commit of $name is not attributed to p-$name"
        check_head "$K/$name.pub"
    done
done
ok "passphrase-protected keys of every type and format: without an agent the error says ssh-add FILE; through ssh-agent they sign and verify with stock git and ssh-keygen"

# An encrypted PEM key without FILE.pub: its public part cannot be read; the
# error says what to put beside it (and how to load it).
for m in PEM PKCS8; do
    mv "$K/enc-rsa-$m.pub" "$T/moved.pub"
    before=$(state_of .)
    expect_exit 2 "$ITAKU" record add register - --key "$K/enc-rsa-$m" < <(register_item y$m)
    expect_output "enc-rsa-$m.pub.*ssh-keygen -y -f"
    expect_output "ssh-add $K/enc-rsa-$m"
    [ "$before" = "$(state_of .)" ] || fail "a refused record add changed the registry"
    mv "$T/moved.pub" "$K/enc-rsa-$m.pub"
done
ok "an encrypted PEM/PKCS#8 key without its .pub: the error says how to write it and load the key"

# An unencrypted ECDSA or RSA key file with an unusable private part gives
# the library's reason, not "holds only a public key".
sed 's/^M/N/' "$K/rsa-PEM" >"$T/broken-rsa.pem"
cp "$K/rsa-PEM.pub" "$T/broken-rsa.pem.pub"
expect_exit 2 env -u SSH_AUTH_SOCK "$ITAKU" record add register - --key "$T/broken-rsa.pem" \
    < <(register_item z1)
expect_output "broken-rsa.pem"
grep -q "only a public key" "$T/err" && fail "the true reason was replaced: $(cat "$T/err")"
ok "a damaged private key file gives its own reason"

# --- an agent that pads ECDSA r and s with a leading zero ---
cat >"$T/padding_agent.py" <<'PY'
import socket, struct, sys, threading
listen, upstream, mode, log = sys.argv[1:5]
def rd(c, n):
    b = b""
    while len(b) < n:
        x = c.recv(n - len(b))
        if not x:
            raise EOFError
        b += x
    return b
def msg(c):
    return rd(c, struct.unpack(">I", rd(c, 4))[0])
def st(b):
    return struct.pack(">I", len(b)) + b
def field(b, o):
    n = struct.unpack(">I", b[o:o + 4])[0]
    return b[o + 4:o + 4 + n], o + 4 + n
def pad(reply):
    if reply[:1] != b"\x0e":
        return reply
    blob, _ = field(reply, 1)
    t, o = field(blob, 0)
    if not t.startswith(b"ecdsa-"):
        return reply
    sig, _ = field(blob, o)
    r, o = field(sig, 0)
    s, _ = field(sig, o)
    if "r" in mode:
        r = b"\0" + r
    if "s" in mode:
        s = b"\0" + s
    open(log, "a").write("padded\n")
    return b"\x0e" + st(st(t) + st(st(r) + st(s)))
def serve(c):
    u = socket.socket(socket.AF_UNIX)
    u.connect(upstream)
    try:
        while True:
            m = msg(c)
            u.sendall(st(m))
            c.sendall(st(pad(msg(u))))
    except (EOFError, OSError):
        pass
    finally:
        c.close()
        u.close()
srv = socket.socket(socket.AF_UNIX)
srv.bind(listen)
srv.listen(8)
open(listen + ".ready", "w").close()
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
for mode in r s rs; do
    python3 "$T/padding_agent.py" "$T/pad-$mode.sock" "$REAL_SOCK" "$mode" "$T/pad-$mode.log" &
    cleanup_hooks+=("kill $!")
    for _ in $(seq 50); do [ -e "$T/pad-$mode.sock.ready" ] && break; sleep 0.1; done
    [ -e "$T/pad-$mode.sock.ready" ] || fail "the padding agent did not start"
done
i=0
for t in ecdsa256 ecdsa384 ecdsa521; do
    for mode in r s rs; do
        i=$((i + 1))
        m=$(echo $FORMATS | cut -d' ' -f$(((i % 3) + 1)))
        n=$((n + 1))
        register_item "p$n" | SSH_AUTH_SOCK=$T/pad-$mode.sock "$ITAKU" record add register - \
            --key "$K/enc-$t-$m" >/dev/null
        check_head "$K/enc-$t-$m.pub"
    done
done
for mode in r s rs; do
    [ "$(grep -c padded "$T/pad-$mode.log")" -ge 3 ] || fail "the agent padding $mode padded nothing"
done
# the legitimate twin: the same keys through the real agent
register_item "q$n" | "$ITAKU" record add register - --key "$K/enc-ecdsa521-PEM" >/dev/null
check_head "$K/enc-ecdsa521-PEM.pub"
ok "an agent padding ECDSA r, s or both: the signature written is minimal and verifies with git and ssh-keygen"

# --- public keys where one is asked for ---
# with or without its comment: the same stored line
"$ITAKU" key generate "$T/second.key" --comment "second person" >/dev/null
cut -d' ' -f1,2 "$T/second.key.pub" >"$T/second-bare.pub"
"$ITAKU" key add "$T/second-bare.pub" --principal bare >/dev/null
stored=$(grep -rl '"principal": *"bare"' parties/acme/keys/ | head -1)
grep -q "\"public_key\": *\"$(cat "$T/second-bare.pub")\"" "$stored" ||
    fail "key add stored the bare key line otherwise"
ok "a key line without its comment is taken (key add)"

# a private key where a public one is expected: refused, warning, nothing written
for f in "$T/second.key" "$K/rsa-PEM" "$K/ecdsa384-PKCS8" "$K/enc-ed25519-RFC4716"; do
    before=$(state_of .)
    expect_exit 2 "$ITAKU" key add "$f" --principal leak
    expect_output "PRIVATE key.*never send.*share"
    [ "$before" = "$(state_of .)" ] || fail "key add of a private key changed the registry"
    (cd "$T/city" && expect_exit 2 "$ITAKU" party add leaky --role contractor --name L \
        --pubkey "$f")
    expect_output "PRIVATE key.*never"
    expect_output "nothing was written"
done
expect_exit 2 "$ITAKU" key rotate "$K/rsa-PEM"
expect_output "PRIVATE key"
[ "$before" = "$(state_of .)" ] || fail "key rotate of a private key changed the registry"
(cd "$T/city" && expect_exit 2 "$ITAKU" key recover acme "$K/ecdsa256-PEM" \
    --document "$(printf '%064d' 0)")
expect_output "PRIVATE key"
ok "a private key given where a public key is asked for (key add, rotate, recover, party add) is refused with a warning; nothing is written"

# the city registers a contractor from a key line with its comment, and
# another from the line alone: both stored as TYPE BASE64
cd "$T/city"
"$ITAKU" party add beta --role contractor --name "株式会社ベータ" --pubkey "$K/rsa-PKCS8.pub" >/dev/null
"$ITAKU" party add gamma --role contractor --name "株式会社ガンマ" \
    --pubkey "$T/second-bare.pub" >/dev/null
grep -q "\"public_key\": *\"$(cut -d' ' -f1,2 "$K/rsa-PKCS8.pub")\"" parties/beta/keys/*.json ||
    fail "party add stored the key with its comment"
grep -q "\"public_key\": *\"$(cat "$T/second-bare.pub")\"" parties/gamma/keys/*.json ||
    fail "party add stored the bare key otherwise"
ok "party add takes a key line with or without its comment and stores TYPE BASE64"

# form 6: a key line pasted with its comment is taken and stored without it;
# a pasted private key is refused
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
"$ITAKU" key generate "$T/sub.key" --comment "sub manager@sub" >/dev/null
form6_for sub "$T/sub.key.pub" | python3 -c '
import json, sys
f = json.load(sys.stdin)
f["public_key"] = open(sys.argv[1]).read()
print(json.dumps(f, ensure_ascii=False))' "$T/sub.key.pub" >"$T/form6-comment.json"
form6_for sub "$T/sub.key.pub" | python3 -c '
import json, sys
f = json.load(sys.stdin)
f["public_key"] = open(sys.argv[1]).read()
print(json.dumps(f, ensure_ascii=False))' "$T/sub.key" >"$T/form6-private.json"
before=$(state_of .)
expect_exit 2 "$ITAKU" request submit subcontract "$T/form6-private.json"
expect_output "form 6 public_key is a PRIVATE key.*never"
[ "$before" = "$(state_of .)" ] || fail "a form 6 holding a private key changed the registry"
expect_exit 0 "$ITAKU" request submit subcontract "$T/form6-comment.json"
req=$(head -1 "$T/out")
git show "requests/$req:$(git show --name-only --format= "requests/$req" | grep requests/ | head -1)" |
    grep -q "\"public_key\": *\"$(cut -d' ' -f1,2 "$T/sub.key.pub")\"" ||
    fail "form 6 stored the key line otherwise than TYPE BASE64"
ok "form 6 takes a key line pasted with its comment and stores TYPE BASE64; a pasted private key is refused, nothing written"

expect_exit 0 "$ITAKU" verify
ok "every commit verifies"
finish
