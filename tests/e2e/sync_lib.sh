# Shared by the sync tests (bundles, remotes, hosted registry): a form 6
# naming a subcontractor, and the chain city → acme → sub. Source after lib.sh.

# form6_for PARTY PUBKEY-FILE: a valid form 6 asking to subcontract to PARTY.
form6_for() {
    python3 - "$SRC/tests/schema-corpus/form6/valid/base.json" "$1" "$2" <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))
body["party_id"] = sys.argv[2]
body["public_key"] = " ".join(open(sys.argv[3]).read().split()[:2])
print(json.dumps(body, ensure_ascii=False))
PY
}

# approve_subcontractor: acme (in $T/acme) acknowledges and asks to
# subcontract to "sub" (key $T/sub.key); the city receives acme's line from
# its path and approves; acme pulls the approval. REQ holds the request.
approve_subcontractor() {
    "$ITAKU" key generate "$T/sub.key" --comment sub >/dev/null
    form6_for sub "$T/sub.key.pub" >"$T/form6.json"
    (cd "$T/acme" && "$ITAKU" acknowledge >/dev/null &&
        "$ITAKU" request submit subcontract "$T/form6.json" >"$T/req" 2>/dev/null)
    REQ=$(cat "$T/req")
    (cd "$T/city" && "$ITAKU" receive acme "$T/acme" >/dev/null &&
        "$ITAKU" approve "$REQ" >/dev/null)
    (cd "$T/acme" && "$ITAKU" pull "$T/city" >/dev/null)
}

# add_entry N: a register entry (form 3) for item-N in the cwd's registry.
add_entry() {
    "$ITAKU" register add --action received --item-id "item-$1" --info "住民記録データ" \
        --medium usb --quantity 1 --unit 本 --handler "鈴木一郎" >/dev/null
}

# start_sshd [same-port]: Debian's sshd as root on 127.0.0.1 (a free port,
# or PORT again), with its own host key, config and authorized_keys in
# $T/sshd; stopped at exit. Sets PORT, HOST_FP (the host key's SHA256
# fingerprint), AUTH_KEYS.
start_sshd() {
    # a test that cannot run fails: it never passes by skipping
    [ "$(id -u)" = 0 ] || fail "the sshd tests run as root (sshd needs it); run make test as root"
    [ -x /usr/sbin/sshd ] || fail "/usr/sbin/sshd is missing: install openssh-server (make deps does)"
    mkdir -p /run/sshd "$T/sshd"
    [ -f "$T/sshd/host_key" ] || ssh-keygen -q -t ed25519 -N '' -C itaku-test-host -f "$T/sshd/host_key"
    AUTH_KEYS=$T/sshd/authorized_keys
    touch "$AUTH_KEYS"
    [ "${1:-}" = same-port ] ||
        PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$T/sshd/config" <<CFG
Port $PORT
ListenAddress 127.0.0.1
HostKey $T/sshd/host_key
AuthorizedKeysFile $AUTH_KEYS
StrictModes no
PidFile $T/sshd/pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
SetEnv LSAN_OPTIONS=${LSAN_OPTIONS:-} ASAN_OPTIONS=${ASAN_OPTIONS:-} UBSAN_OPTIONS=${UBSAN_OPTIONS:-}
CFG
    rm -f "$T/sshd/pid"
    /usr/sbin/sshd -f "$T/sshd/config" -E "$T/sshd/log"
    for _ in $(seq 50); do [ -s "$T/sshd/pid" ] && break; sleep 0.1; done
    [ -s "$T/sshd/pid" ] || fail "sshd did not start: $(cat "$T/sshd/log")"
    [ "${1:-}" = same-port ] || cleanup_hooks+=("stop_sshd")
    HOST_FP=$(ssh-keygen -lf "$T/sshd/host_key.pub" | awk '{print $2}')
}

stop_sshd() {
    [ -s "$T/sshd/pid" ] && kill "$(cat "$T/sshd/pid")" 2>/dev/null
    rm -f "$T/sshd/pid"
}

# start_hub [PARTY...]: sshd (start_sshd) and the city's hosted registry in
# $T/hub, where the city and each PARTY (a key in $T/PARTY.key.pub) may log
# in. Needs setup_city_and_contractor's CITY_FPR and GENESIS. Sets URL.
start_hub() {
    start_sshd
    "$ITAKU" server init "$T/hub" --city-key "$CITY_FPR" --genesis "$GENESIS" >/dev/null
    "$ITAKU" server add-party "$T/hub" akiruno-city "$T/city.key.pub" --authorized-keys "$AUTH_KEYS" >/dev/null
    local p
    for p in "$@"; do
        "$ITAKU" server add-party "$T/hub" "$p" "$T/$p.key.pub" --authorized-keys "$AUTH_KEYS" >/dev/null
    done
    URL="ssh://root@127.0.0.1:$PORT$T/hub"
}

# trust_hub_host: the test server's host key in ~/.ssh/known_hosts, as a
# user who has checked its fingerprint writes it
trust_hub_host() {
    mkdir -p "$HOME/.ssh"
    printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1-2 "$T/sshd/host_key.pub")" >"$HOME/.ssh/known_hosts"
}

# plain_git_ssh KEY: GIT_SSH_COMMAND for stock git logging in with KEY and
# checking the test server's host key.
plain_git_ssh() {
    printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1-2 "$T/sshd/host_key.pub")" >"$T/sshd/known_hosts"
    echo "ssh -i $1 -o IdentitiesOnly=yes -o UserKnownHostsFile=$T/sshd/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes"
}
