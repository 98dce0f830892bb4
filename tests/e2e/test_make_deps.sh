#!/usr/bin/env bash
# `make demo` installs only what the demo needs: read what `make -n demo`
# would install, check that no server or browser is among it, then run the
# demo with a PATH holding only the programs of those packages (and of their
# dependencies) and of base Debian (priority required), so that a command
# the demo calls from any other package fails it.
. "$(dirname "$0")/lib.sh"

# debs_of TARGET: the packages `make TARGET` passes to its install loop.
debs_of() {
    make -s -n -C "$SRC" "$1" 2>/dev/null | sed -n 's/.*for p in \(.*\); do .*dpkg-query.*/\1/p'
}
demo_debs=$(debs_of demo)
test_debs=$(debs_of test)
[ -n "$demo_debs" ] || fail "make -n demo shows no install list"
[ -n "$test_debs" ] || fail "make -n test shows no install list"
for p in openssh-server chromium fonts-noto-cjk libcmocka-dev nodejs npm; do
    case " $demo_debs " in *" $p "*) fail "make demo installs $p ($demo_debs)" ;; esac
    case " $test_debs " in *" $p "*) ;; *) fail "make test does not install $p ($test_debs)" ;; esac
done
for p in $demo_debs; do
    case " $test_debs " in *" $p "*) ;; *) fail "make test does not install $p, which make demo does" ;; esac
done
# Nothing else in `make demo` calls apt-get with a list of its own.
if make -s -n -C "$SRC" demo | grep 'apt-get install' | grep -vq 'apt-get install -y -qq \$missing'; then
    fail "make demo installs packages outside DEMO_DEBS"
fi
ok "make demo installs $demo_debs; make test adds the servers, browser, cmocka and node"

# The programs of DEMO_DEBS, their dependencies and base Debian.
command -v apt-cache >/dev/null || fail "apt-cache is needed to list the packages' dependencies"
pkgs=$(
    {
        # shellcheck disable=SC2086
        apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
            --no-replaces --no-enhances $demo_debs 2>/dev/null | sed -n 's/^ *\(Pre\)\{0,1\}Depends: \([^<][^ ]*\)$/\2/p'
        echo "$demo_debs" | tr ' ' '\n'
        dpkg-query -W -f='${Package} ${Priority} ${Essential}\n' | awk '$2 == "required" || $3 == "yes" {print $1}'
    } | sed 's/:.*//' | sort -u
)
mkdir -p "$T/bin"
for p in $pkgs; do
    dpkg -L "$p" 2>/dev/null | grep -E '^(/usr)?/s?bin/[^/]+$' || true
done | xargs -r realpath -q | sort -u >"$T/allowed" || true
# Each program by its own name and by the names alternatives give it (awk).
find /usr/bin /usr/sbin /bin /sbin -maxdepth 1 \( -type f -o -type l \) 2>/dev/null | sort -u >"$T/names"
xargs -r realpath -m <"$T/names" | paste - "$T/names" |
    awk -F'\t' 'NR == FNR { ok[$0] = 1; next } ($1 in ok) { print $1 "\t" $2 }' "$T/allowed" - |
    while IFS=$'\t' read -r real name; do ln -sf "$real" "$T/bin/${name##*/}"; done
for c in bash git ssh-keygen mktemp awk sed tee; do
    [ -e "$T/bin/$c" ] || fail "the restricted PATH lacks $c: the package list is wrong"
done
for c in python3 chromium sshd node npm; do
    [ ! -e "$T/bin/$c" ] || fail "$c is on the restricted PATH: the package list is wrong"
done

# The demo with that PATH only ($ITAKU is the built binary, by absolute path).
env -i HOME="$HOME" PATH="$T/bin" TERM=dumb ITAKU="$ITAKU" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" TMPDIR="$T" \
    "$T/bin/bash" "$SRC/tests/e2e/demo.sh" >"$T/demo.out" 2>&1 || {
    cat "$T/demo.out" >&2
    fail "the demo needs a program that DEMO_DEBS and base Debian do not provide"
}
grep -q 'command not found' "$T/demo.out" && {
    cat "$T/demo.out" >&2
    fail "the demo calls a program that DEMO_DEBS and base Debian do not provide"
}
ok "the demo runs with only the programs of DEMO_DEBS and base Debian"
finish
