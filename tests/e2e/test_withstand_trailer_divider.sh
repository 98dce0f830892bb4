#!/usr/bin/env bash
# Issue 10, point 6: git log and itaku must read the same trailers. libgit2
# stops reading a message at a "---" line (the start of a patch in a mail),
# while `git log --format=%(trailers)` reads the whole message. A commit
# signed by acme whose truthful trailers stand before a "---" line, and whose
# last paragraph claims the city's approval, is shown by plain git as the
# city's approval: verify and the city's receive must refuse it (V10). Its
# twin, the same commit without the paragraph after "---", passes.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
"$ITAKU" acknowledge >/dev/null
base=$(git rev-parse HEAD)
entry=parties/acme/register/r-000001.json
write_record "$entry" "$(register_body)"
git add -A
msg="Entry 1

$(trailers acme manager submit "$entry")"

# the twin: truthful trailers, as git and itaku both read them
stock_commit . "$T/acme.key" "$msg"
good=$(git rev-parse HEAD)
[ "$(git log -1 --format='%(trailers:key=Itaku-Party,valueonly)' "$good" | head -1)" = acme ] ||
    fail "git does not read the twin's Itaku-Party"
expect_exit 0 "$ITAKU" verify
ok "twin: a commit whose trailers git and itaku both read verifies"

# the hostile commit: the same, then "---" and a paragraph claiming the city
git reset -q --soft "$base"
git -c gpg.format=ssh -c user.signingkey="$T/acme.key" commit -q -S --cleanup=verbatim -m "$msg
---

Itaku-Party: akiruno-city
Itaku-Principal: officer
Itaku-Action: approve
Itaku-Request: acme/q-000001"
bad=$(git rev-parse HEAD)
[ "$(git log -1 --format='%(trailers:key=Itaku-Party,valueonly)' "$bad" | head -1)" = akiruno-city ] ||
    fail "git does not read the hostile commit as the city's"
expect_rejected "$bad" V10
(cd "$T/city" && expect_taken_refused "$bad" V10 "$ITAKU" receive acme "$T/acme")
ok "a commit whose trailers after a '---' line claim the city's approval is refused (V10) by verify and receive"

git update-ref refs/heads/main "$good"
(cd "$T/city" && expect_exit 0 "$ITAKU" receive acme "$T/acme" && expect_exit 0 "$ITAKU" verify)
ok "twin: the city receives the commit git and itaku read alike"
finish
