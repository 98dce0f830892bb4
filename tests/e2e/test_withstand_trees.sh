#!/usr/bin/env bash
# Issue 10, points 1 and 6: trees and commits that stock git does not write
# (or that git log would show otherwise), made by the contractor with stock
# git (`hash-object --literally`, `commit-tree -S`) and its own key, with
# truthful trailers. Each is refused (V10, commit and path named) by itaku
# verify, by the city receiving the contractor's line, and by a hosted
# registry's hook whether or not receive.fsckObjects is on; each has a twin
# that git itself writes and that passes.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
register_body >"$T/entry.json"
"$ITAKU" record add register "$T/entry.json" >/dev/null 2>&1
old=parties/acme/register/r-000001.json
(cd "$T/city" && "$ITAKU" receive acme "$T/acme" >/dev/null)
base=$(git rev-parse HEAD)
git show "$base:$old" >"$T/old.json"
expect_exit 0 "$ITAKU" verify
ok "the contractor's first entry verifies and the city holds it"

# rewrite_tree OPS...: writes (with hash-object --literally) a copy of the
# tree of HEAD edited by OPS, each "FOLDER|MODE|NAME|FILE-OR-ID" (added in
# git's order), "FOLDER|raw|MODE|NAME|ID" (appended as is), "FOLDER|drop|NAME"
# or "FOLDER|reverse"; prints the new root tree's id. FOLDER "" is the root.
rewrite_tree() {
    python3 - "$@" <<'PY'
import subprocess, sys

def git(*args, data=None):
    return subprocess.run(["git", *args], input=data, check=True, capture_output=True).stdout

def read(tid):
    raw, out, i = git("cat-file", "tree", tid), [], 0
    while i < len(raw):
        sp, nul = raw.index(b" ", i), raw.index(b"\0", i)
        out.append([raw[i:sp], raw[sp + 1:nul], raw[nul + 1:nul + 21]])
        i = nul + 21
    return out

def write(entries):
    raw = b"".join(m + b" " + n + b"\0" + i for m, n, i in entries)
    return git("hash-object", "-t", "tree", "--literally", "-w", "--stdin", data=raw).strip()

def key(e):
    return e[1] + (b"/" if e[0] == b"40000" else b"")

ops = {}
for op in sys.argv[1:]:
    folder, rest = op.split("|", 1)
    ops.setdefault(folder, []).append(rest.split("|"))

def build(tid, path):
    entries = read(tid) if tid else []
    for e in entries:
        sub = (path + "/" if path else "") + e[1].decode()
        if e[0] == b"40000" and any(f == sub or f.startswith(sub + "/") for f in ops):
            e[2] = bytes.fromhex(build(e[2].hex(), sub).decode())
    for f in ops:  # folders to create below this one
        if f.startswith(path + "/" if path else "") and f != path:
            name = f[len(path) + 1 if path else 0:].split("/")[0].encode()
            if not any(e[1] == name for e in entries):
                sub = (path + "/" if path else "") + name.decode()
                entries.append([b"40000", name, bytes.fromhex(build(None, sub).decode())])
                entries.sort(key=key)
    for op in ops.get(path, []):
        if op[0] == "raw":
            entries.append([op[1].encode(), op[2].encode(), bytes.fromhex(op[3])])
        elif op[0] == "drop":
            entries = [e for e in entries if e[1] != op[1].encode()]
        elif op[0] == "reverse":
            entries.reverse()
        else:
            mode, name, what = op
            oid = what if len(what) == 40 else git("hash-object", "-w", what).strip().decode()
            entries.append([mode.encode(), name.encode(), bytes.fromhex(oid)])
            entries.sort(key=key)
    return write(entries)

print(build(git("rev-parse", "HEAD^{tree}").strip().decode(), "").decode())
PY
}

# commit_tree TREE MESSAGE [GIT-OPTIONS...]: a commit of TREE on HEAD,
# signed by acme with stock git; prints its id.
commit_tree() {
    local tree=$1 msg=$2
    shift 2
    git -c gpg.format=ssh -c user.signingkey="$T/acme.key" "$@" commit-tree -S -p HEAD -m "$msg" "$tree"
}

# hostile COMMIT PATH WHY: acme's main at COMMIT is refused by verify
# (V10 on PATH), by the city's receive (nothing moved, nothing altered);
# then acme's main goes back to base.
hostile() {
    local bad=$1 path=$2 why=$3
    git update-ref refs/heads/main "$bad"
    expect_rejected "$bad" V10 "$path"
    expect_output "$why"
    (cd "$T/city" && expect_taken_refused "$bad" V10 "$ITAKU" receive acme "$T/acme")
    [ "$(git -C "$T/city" show "main:$old")" = "$(cat "$T/old.json")" ] ||
        fail "the city's copy of $old changed"
    git update-ref refs/heads/main "$base"
}
# twin COMMIT: acme's main at COMMIT verifies; back to base.
twin() {
    git update-ref refs/heads/main "$1"
    expect_exit 0 "$ITAKU" verify
    git update-ref refs/heads/main "$base"
}

new=parties/acme/register/r-000002.json
reg=parties/acme/register
write_record "$new" "$(register_item 0002)"
cp "$new" "$T/new.json"
msg2="Entry 2

$(trailers acme manager submit "$new")"
git add -A
stock_commit . "$T/acme.key" "$msg2"
git_twin=$(git rev-parse HEAD)
git reset -q --hard "$base"
twin "$git_twin"
[ "$(rewrite_tree "$reg|100644|r-000002.json|$T/new.json")" = "$(git rev-parse "$git_twin^{tree}")" ] ||
    fail "rewrite_tree does not write the tree git writes"
ok "a tree git writes for a new entry verifies, and rewrite_tree writes the same tree"

# The issue's case: r-000001.json listed twice, the old content then altered.
sed 's/住民記録データ/住民記録データ(改)/' "$T/old.json" >"$T/altered.json"
cmp -s "$T/old.json" "$T/altered.json" && fail "the record was not altered"
cp "$T/altered.json" "$old"
altered=$(git hash-object -w "$old")
git checkout -q -- "$old"
tree=$(rewrite_tree "$reg|raw|100644|r-000001.json|$altered")
[ "$(git ls-tree "$tree" "$reg/" | grep -c r-000001.json)" = 2 ] || fail "the tree lists r-000001.json once"
cp "$T/altered.json" "$old"
bad=$(commit_tree "$tree" "Correct entry 1

$(trailers acme manager submit "$old")")
git checkout -q -- "$old"
hostile "$bad" "$old" "listed twice"
# its twin: the altered content as a new entry, in a tree git writes
write_record "$new" "$(register_item 0002 | sed 's/住民記録データ/住民記録データ(改)/')"
git add -A
stock_commit . "$T/acme.key" "Entry 2

$(trailers acme manager submit "$new")"
good=$(git rev-parse HEAD)
git reset -q --hard "$base"
twin "$good"
ok "a tree listing r-000001.json twice (old, then altered) is refused by verify and receive; the city keeps the old record"

# Modes git spells otherwise, and entries that are not regular files.
blob=$(git hash-object -w "$T/new.json")
for mode in 100664 100755 120000 0100644; do
    tree=$(rewrite_tree "$reg|$mode|r-000002.json|$blob")
    bad=$(commit_tree "$tree" "$msg2")
    hostile "$bad" "$new" "mode|executable|symbolic link"
done
tree=$(rewrite_tree "$reg|160000|r-000002.json|$base")
bad=$(commit_tree "$tree" "$(trailers acme manager submit)")
hostile "$bad" "$new" "submodule"
ok "entries of mode 100664, 100755, 120000, 160000 or a zero-padded 0100644 are refused (V10)"

# A zero-padded folder mode: the same tree but "040000 register".
reg_id=$(git rev-parse "$base:$reg")
tree=$(rewrite_tree "parties/acme|drop|register" "parties/acme|raw|040000|register|$reg_id")
bad=$(commit_tree "$tree" "$(trailers acme manager submit)")
hostile "$bad" "parties/acme/register" "zero-padded"
ok "a folder of mode 040000 (git writes 40000) is refused (V10)"

# Entries out of git's order: a folder sorts as if its name ended in '/'.
tree=$(rewrite_tree "$reg|100644|r-000002.json|$T/new.json" "$reg|reverse")
bad=$(commit_tree "$tree" "$msg2")
hostile "$bad" "$reg/r-000001.json" "out of git's order"
tree=$(rewrite_tree "parties/acme|drop|register" "parties/acme|raw|40000|register|$reg_id" \
    "parties/acme|raw|100644|register.json|$blob")
bad=$(commit_tree "$tree" "$(trailers acme manager submit)")
hostile "$bad" "parties/acme/register.json" "out of git's order"
ok "entries out of git's order are refused (V10)"

# A file and a folder of one name, and names git fsck refuses.
tree=$(rewrite_tree "parties/acme|100644|register|$T/new.json")
bad=$(commit_tree "$tree" "$(trailers acme manager submit)")
hostile "$bad" "parties/acme/register" "as a file and as a folder"
for name in .git .GIT . .. r-000002.json/x '' .gitmodules; do
    tree=$(rewrite_tree "$reg|raw|100644|$name|$blob")
    bad=$(commit_tree "$tree" "$msg2")
    path=$reg/$name
    [ -n "$name" ] || path=$reg
    # (git status itself dies on an empty name: verify the commit by id)
    expect_rejected "$bad" V10 "$path" "$bad"
    git update-ref refs/heads/main "$bad"
    if [ -n "$name" ]; then
        (cd "$T/city" && expect_taken_refused "$bad" V10 "$ITAKU" receive acme "$T/acme")
    else # libgit2 cannot even fetch it: refused before verify, nothing taken
        (cd "$T/city" && expect_refused "cannot fetch.*nothing was taken" "$ITAKU" receive acme "$T/acme")
    fi
    git update-ref refs/heads/main "$base"
done
ok "names .git (any case), '.', '..', with '/', empty or starting with '.' are refused (V10)"

# At the root, where libgit2 cannot parse the tree at all; and a commit
# built on it that puts the tree right again: both refused, verify says why.
tree=$(rewrite_tree "|raw|100644||$blob")
bad=$(commit_tree "$tree" "$(trailers acme manager submit)")
child=$(git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit-tree -S -p "$bad" \
    -m "$msg2" "$(git rev-parse "$git_twin^{tree}")")
expect_rejected "$bad" V10 "" "$child"
expect_output "empty name"
expect_rejected "$child" V10 "" "$child"
expect_output "the parent ${bad:0:12}: .*empty name"
ok "a root tree libgit2 cannot parse, and a commit built on it, are refused (V10), not an error"

# An empty folder, which git never writes from an index; nesting too deep.
empty=$(git hash-object -t tree -w --stdin </dev/null)
tree=$(rewrite_tree "parties/acme|40000|incidents|$empty")
bad=$(commit_tree "$tree" "$(trailers acme manager submit)")
hostile "$bad" "parties/acme/incidents" "empty folder"
tree=$(rewrite_tree "$reg/a/b/c/d/e/f|100644|x.json|$T/new.json")
bad=$(commit_tree "$tree" "$(trailers acme manager submit)")
git update-ref refs/heads/main "$bad"
expect_rejected "$bad" V10
expect_output "deeper than 8 levels"
git update-ref refs/heads/main "$base"
ok "an empty folder and folders nested deeper than the layout are refused (V10)"

# Entries naming an object of another type (git fsck: a broken link).
tree=$(rewrite_tree "$reg|100644|r-000002.json|$reg_id")
bad=$(commit_tree "$tree" "$(trailers acme manager submit)")
expect_rejected "$bad" V10 "$new" "$bad"
expect_output "is a tree object where git writes a file"
tree=$(rewrite_tree "$reg|40000|r-000002|$blob")
bad=$(commit_tree "$tree" "$(trailers acme manager submit)")
expect_rejected "$bad" V10 "$reg/r-000002" "$bad"
expect_output "is a blob object where git writes a folder"
ok "a file entry naming a tree and a folder entry naming a blob are refused (V10)"

# Point 6: commits git log would show otherwise.
tree=$(git rev-parse "$git_twin^{tree}")
bad=$(commit_tree "$tree" "$msg2" -c i18n.commitEncoding=ISO-8859-1)
git cat-file commit "$bad" | has '^encoding ISO-8859-1$' || fail "git wrote no encoding header"
hostile "$bad" "" "'encoding' header"
# sign_raw HEADERS...: a commit of the twin's tree and message on base with
# extra header lines before the signature, signed as git signs (ssh-keygen
# -Y sign over the commit without its gpgsig); prints its id. PARENTS, when
# set, lists the parents instead of base.
sign_raw() {
    python3 - "$T/acme.key" "$tree" "${PARENTS:-$base}" "$msg2" "$@" <<'PY'
import subprocess, sys, time
key, tree, parent, msg, *extra = sys.argv[1:]
ident = "acme/manager <manager@acme.itaku> %d +0900" % int(time.time())
head = "tree %s\n" % tree + "".join("parent %s\n" % p for p in parent.split())
head += "author %s\ncommitter %s\n" % (ident, ident)
head += "".join(h.replace("\\n", "\n") + "\n" for h in extra)
payload = (head + "\n" + msg + "\n").encode()
sig = subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", "git", "-f", key], input=payload,
                     check=True, capture_output=True).stdout.decode().rstrip("\n").split("\n")
sigs = int(__import__("os").environ.get("SIGS", "1"))
gpg = "".join("gpgsig " + sig[0] + "\n" + "".join(" " + s + "\n" for s in sig[1:])
              for _ in range(sigs))
raw = (head + gpg + "\n" + msg + "\n").encode()
print(subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], input=raw,
                     check=True, capture_output=True).stdout.decode().strip())
PY
}
twin "$(sign_raw)"
hostile "$(sign_raw "gpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----")" "" "gpgsig-sha256"
hostile "$(SIGS=2 sign_raw)" "" "second 'gpgsig'"
hostile "$(sign_raw "mergetag object $base\n type commit\n tag v1\n tagger acme <a@b> 1 +0900\n \n v1")" "" "mergetag"
hostile "$(sign_raw "x-itaku-note hello")" "" "header 'x-itaku-note'"
# git commit-tree drops a repeated parent: only a hand-made merge has one
hostile "$(PARENTS="$base $base" sign_raw)" "" "same parent twice"
ok "a commit with an encoding, gpgsig-sha256, second gpgsig, mergetag or unknown header, or the same parent twice, is refused (V10); the same commit signed the same way without it passes"

# An Itaku- trailer key in another case: read as that key, refused for it.
tree=$(git rev-parse "$git_twin^{tree}")
bad=$(commit_tree "$tree" "$(printf '%s' "$msg2" | sed 's/^Itaku-Party:/ITAKU-PARTY:/')")
hostile "$bad" "" "'ITAKU-PARTY' is a case variant of 'Itaku-Party'"
git log -1 --format=%B "$bad" | git interpret-trailers --parse | has '^ITAKU-PARTY: acme$' ||
    fail "git does not read the variant as a trailer"
ok "a case variant of an Itaku- trailer key (ITAKU-PARTY:) is refused (V10)"

# Served: the hook refuses the same, with receive.fsckObjects on and off.
HUB=$T/hub
expect_exit 0 "$ITAKU" server init "$HUB" --city-key "$CITY_FPR" --genesis "$GENESIS"
(cd "$T/city" && ITAKU_PARTY=akiruno-city git push -q "$HUB" main:main)
expect_exit 0 env ITAKU_PARTY=acme git push "$HUB" "$base:refs/heads/parties/acme/main"
hub_refs() { git -C "$HUB" for-each-ref --format='%(refname) %(objectname)'; }
dup=$(rewrite_tree "$reg|raw|100644|r-000001.json|$altered")
dup=$(commit_tree "$dup" "Correct entry 1")
pad=$(rewrite_tree "$reg|0100644|r-000002.json|$blob")
pad=$(commit_tree "$pad" "$msg2")
enc=$(commit_tree "$(git rev-parse "$git_twin^{tree}")" "$msg2" -c i18n.commitEncoding=ISO-8859-1)
for fsck in true false; do
    git -C "$HUB" config receive.fsckObjects $fsck
    for bad in $dup $pad $enc; do
        before=$(hub_refs)
        expect_exit 1 env ITAKU_PARTY=acme git push "$HUB" "$bad:refs/heads/parties/acme/main"
        if [ $fsck = false ]; then
            expect_output "commit ${bad:0:12} breaks V10"
        fi
        [ "$(hub_refs)" = "$before" ] || fail "a refused push moved the hub's refs"
    done
done
expect_exit 0 env ITAKU_PARTY=acme git push "$HUB" "$git_twin:refs/heads/parties/acme/main"
[ "$(git -C "$HUB" rev-parse parties/acme/main)" = "$git_twin" ] || fail "the twin was not taken"
ok "the hook refuses those trees and commits (V10) with receive.fsckObjects on or off; the twin git wrote is taken"

expect_exit 0 "$ITAKU" verify
(cd "$T/city" && expect_exit 0 "$ITAKU" verify)
finish
