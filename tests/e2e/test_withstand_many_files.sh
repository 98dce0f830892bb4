#!/usr/bin/env bash
# Issue 10, point 7: a commit adding hundreds of thousands of files (one folder
# of 90,000 attachment entries, under the folder size limit) is refused with
# one V10 problem naming the count and the limit, before any file is read,
# and at a bounded memory. Twin: a commit adding 2,000 attachments (each
# unnamed by a trailer) lists at most 100 problems and one "and N more" line;
# the genesis (itaku's largest own commit) is far below the limit.
. "$(dirname "$0")/lib.sh"

peak_kb() {
    python3 -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$T/peak" "$@"
}
setup_city_and_contractor
genesis_files=$(git -C "$T/city" ls-tree -r --name-only "$GENESIS" | wc -l)
[ "$genesis_files" -lt 100 ] || fail "the genesis adds $genesis_files files"
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
main=$(git rev-parse main)
blob=$(echo hi | git hash-object -w --stdin)
# many N: a commit of acme's adding N attachments (a folder built by hand)
many() {
    local att acme parties root
    att=$(python3 - "$blob" "$1" <<'PY'
import sys, hashlib, subprocess
blob = bytes.fromhex(sys.argv[1]); n = int(sys.argv[2])
names = sorted(hashlib.sha256(str(i).encode()).hexdigest() for i in range(n))
raw = b"".join(b"100644 " + x.encode() + b"\0" + blob for x in names)
print(subprocess.run(["git", "hash-object", "-t", "tree", "-w", "--stdin"], input=raw,
                     capture_output=True, check=True).stdout.decode().strip())
PY
)
    acme=$( (git ls-tree "$main:parties/acme" | grep -v '	attachments$'; printf '040000 tree %s\tattachments\n' "$att") | git mktree)
    parties=$( (git ls-tree "$main:parties" | grep -v '	acme$'; printf '040000 tree %s\tacme\n' "$acme") | git mktree)
    root=$( (git ls-tree "$main" | grep -v '	parties$'; printf '040000 tree %s\tparties\n' "$parties") | git mktree)
    git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit-tree -S -p "$main" "$root" -m "Many

Itaku-Party: acme
Itaku-Principal: manager
Itaku-Action: submit
Itaku-Content-SHA256: $(printf '' | sha256sum | cut -d' ' -f1)"
}
bad=$(many 90000)
git update-ref refs/heads/many "$bad"
expect_exit 1 peak_kb "$ITAKU" verify --full many
expect_output "^${bad:0:12} V10 .*adds or changes (at least )?[0-9]{5,} files, more than the 10000 one commit may"
n=$(grep -c "^${bad:0:12} " "$T/out")
[ "$n" = 1 ] || fail "$n problems for the commit of 90,000 files, not one"
rss=$(cat "$T/peak")
[ "$rss" -lt 1000000 ] || fail "verify's peak memory is $rss kB"
ok "a commit adding 90,000 files is refused with one V10 problem naming the count and the limit ($rss kB peak)"

# the twin: 2,000 files, under the limit, each read; problems capped
twin=$(many 2000)
git update-ref refs/heads/many "$twin"
expect_exit 1 "$ITAKU" verify --full many
grep -q "more than the 10000" "$T/out" && fail "2,000 files were refused for their count"
n=$(grep -c "^${twin:0:12} " "$T/out")
[ "$n" = 101 ] || fail "$n problem lines for the commit of 2,000 unnamed files, not 100 and one more"
expect_output "^${twin:0:12} .*and [0-9]+ more problems in this commit"
ok "twin: a commit of 2,000 files is read file by file; its problems are listed up to 100, then one 'and N more' line"
finish
