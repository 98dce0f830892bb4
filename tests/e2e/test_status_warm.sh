#!/usr/bin/env bash
# Daily work keeps status's caches (issue 18): the snapshot of the commit
# before, the reference checks of every record, the findings at the last
# HEAD. Whatever they hold, status after new commits says what a run from
# nothing says, byte for byte: text and --json, English and Japanese, every
# party or one. The city's caches are warm when gamma's line arrives with its
# acknowledgement, its register entries and the receipts up the chain; then
# beta's stolen key is declared compromised (its entry made void); then the
# caches are those of an earlier HEAD, or damaged.
. "$(dirname "$0")/lib.sh"
AT="$(day 30)T12:00:00+09:00"
LATE="$(day 200)T12:00:00+09:00" # after the contract's end: other findings

# the chain as setup_chain makes it, but gamma's line not yet received
eval "$(declare -f chain_up | sed '1s/chain_up/chain_up_lib/')"
chain_up() { :; }
setup_chain
chain_up() { chain_up_lib "$@"; }

# views N CACHE: every view of the city's status into $T/N.*, with the
# caches in CACHE (after a verify, as daily work runs them)
views() {
    local n=$1 e=(env XDG_CACHE_HOME="$2")
    (
        cd "$T/city"
        "${e[@]}" "$ITAKU" verify >/dev/null 2>&1 || true
        set +e
        "${e[@]}" "$ITAKU" status --at "$AT" >"$T/$n.text" 2>"$T/$n.err"
        echo "exit $?" >>"$T/$n.text"
        "${e[@]}" "$ITAKU" status --at "$AT" --json >"$T/$n.json" 2>>"$T/$n.err"
        echo "exit $?" >>"$T/$n.json"
        "${e[@]}" "${JA[@]}" "$ITAKU" status --at "$AT" >"$T/$n.ja" 2>>"$T/$n.err"
        echo "exit $?" >>"$T/$n.ja"
        "${e[@]}" "${JA[@]}" "$ITAKU" status --at "$AT" --json >"$T/$n.ja.json" 2>>"$T/$n.err"
        echo "exit $?" >>"$T/$n.ja.json"
        "${e[@]}" "$ITAKU" status --at "$AT" --party beta --json >"$T/$n.beta.json" 2>>"$T/$n.err"
        echo "exit $?" >>"$T/$n.beta.json"
        "${e[@]}" "$ITAKU" status --at "$LATE" >"$T/$n.late" 2>>"$T/$n.err"
        echo "exit $?" >>"$T/$n.late"
        # the findings kept last are those at AT: the next views' first
        # status after new commits finds them, of another HEAD
        "${e[@]}" "$ITAKU" status --at "$AT" >"$T/$n.again" 2>>"$T/$n.err"
        echo "exit $?" >>"$T/$n.again"
    )
}

# same WARM COLD WHAT: each view of WARM is COLD's, byte for byte
same() {
    local v
    for v in text json ja ja.json beta.json late again; do
        [ "$(wc -c <"$T/$2.$v")" -gt 64 ] ||
            fail "$3: the cold status ($v) printed nothing: $(cat "$T/$2.err")"
        cmp -s "$T/$1.$v" "$T/$2.$v" ||
            fail "$3: status ($v) with the caches differs from a cold one: $(diff "$T/$1.$v" "$T/$2.$v" | head -20)"
    done
}

# the city's daily caches, before gamma's line arrives
views warm0 "$T/warm"
views cold0 "$T/cold0"
same warm0 cold0 "before gamma's line"
# acked FILE PARTY STATE: PARTY's acknowledgement is in STATE in the --json of FILE
acked() {
    python3 - "$@" <<'PY' || fail "$2's acknowledgement is not $3: $(cat "$1")"
import json, sys
s = json.loads(open(sys.argv[1]).read().rsplit("exit", 1)[0])
f = [x["state"] for x in s["findings"] if x["party"] == sys.argv[2] and x["section"] == "8(2)"]
assert f == [sys.argv[3]], f
PY
}
acked "$T/warm0.json" gamma pending
cp -a "$T/warm" "$T/warm-before"
ok "set up: the city's status with its caches warm is a cold one"

# gamma acknowledged; it records two entries, received up to the city
reg() { "$ITAKU" register add --medium usb --quantity 1 --handler "鈴木一郎" --info "住民データ" \
    --method hand-delivery --occurred-at "$(day 0)T00:00:00+09:00" "$@" >"$T/reg.out" 2>&1 || { cat "$T/reg.out" >&2; return 1; }; }
(cd "$T/gamma" && reg --action received --item-id g-1 && reg --action received --item-id g-2 &&
    reg --action returned --item-id g-1) || fail "gamma could not record its entries"
chain_up gamma
views warm1 "$T/warm"
views cold1 "$T/cold1"
same warm1 cold1 "gamma's line received"
has "gamma/r-000001" <"$T/cold1.json" || fail "gamma's entries are not judged: $(cat "$T/cold1.json")"
acked "$T/warm1.json" gamma ok
ok "after gamma's acknowledgement, entries and receipts: status with the caches is a cold one"

# one more entry, acme's, received by the city
(cd "$T/acme" && reg --action received --item-id a-9) || fail "acme could not record a-9"
chain_up acme
views warm2 "$T/warm"
views cold2 "$T/cold2"
same warm2 cold2 "acme's entry received"
ok "after one more entry: status with the caches is a cold one"

# beta's second key stolen: b-4 made void by acme's compromise declaration
beta_key_stolen
views warm3 "$T/warm"
views cold3 "$T/cold3"
same warm3 cold3 "a compromise declared"
has "b-3" <"$T/cold3.json" || fail "the entry before the last good commit is not judged: $(cat "$T/cold3.json")"
python3 - "$T/cold3.json" <<'PY' || fail "the void entry is still judged: $(cat "$T/cold3.json")"
import json, sys
text = open(sys.argv[1]).read().rsplit("exit", 1)[0]
assert '"b-4"' not in text and "b-4 " not in text, "b-4 judged"
PY
ok "after a key compromise made an entry void: status with the caches is a cold one"

# the caches of an earlier HEAD (before gamma's line): stale, not believed
cache=$(XDG_CACHE_HOME="$T/warm" cache_folder "$T/city")
before=$(XDG_CACHE_HOME="$T/warm-before" cache_folder "$T/city")
[ -d "$cache" ] && [ -d "$before" ] || fail "no cache folder at $cache"
for f in "$before"/*; do
    cp "$f" "$cache/"
done
views warm4 "$T/warm"
same warm4 cold3 "the caches of an earlier HEAD"
ok "the caches of an earlier HEAD change nothing status says"

# each cache file of status damaged in its middle, one after another
for name in status.cache refs.cache findings.cache; do
    f=$cache/$name
    [ -f "$f" ] || fail "status kept no $name"
    size=$(stat -c %s "$f")
    [ "$size" -gt 16 ] || continue
    cp "$f" "$T/saved"
    printf 'XXXXXXXX' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc status=none
    views "bad-$name" "$T/warm"
    same "bad-$name" cold3 "$name damaged"
    # and the same file damaged after a run rewrote it: cut short
    head -c $((size / 2)) "$T/saved" >"$f"
    views "short-$name" "$T/warm"
    same "short-$name" cold3 "$name cut short"
done
ok "a damaged or cut cache file changes nothing status says"
finish
