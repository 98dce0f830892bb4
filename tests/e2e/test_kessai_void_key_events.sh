#!/usr/bin/env bash
# 決裁 (DESIGN V9 in V12): a stolen key's other acts stop counting once the
# theft is reported. The thief, with the 総務 officer's key (a setter),
# renames a 課長, retires the other 課長's key, and reports the first
# 課長's key compromised since the genesis; then the 総務 officer reports their
# key compromised after a last good commit. Verify takes every one of those
# acts as void (V9): both 課長 still seal a take-out needing two 課長, the
# seals count, and itaku makes them; nothing of the second 課長's is void.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
somu_sets_posts
KACHO_FPR=$(fpr_of "$T/kacho.key.pub")
KACHO2_FPR=$(fpr_of "$T/kacho2.key.pub")
SOMU_FPR=$(fpr_of "$T/somu.key.pub")
LG=$(git rev-parse main)

# the thief, with 総務's key
expect_exit 0 "$ITAKU" key attributes --principal kacho2 --name "偽の名前" --key "$T/somu.key"
RENAME=$(git rev-parse main)
expect_exit 0 "$ITAKU" key retire "$KACHO_FPR" --key "$T/somu.key"
RETIRE=$(git rev-parse main)
expect_exit 0 "$ITAKU" key compromised "$KACHO2_FPR" --last-good "$GENESIS" --reason "偽の届出" \
    --key "$T/somu.key"
REPORT=$(git rev-parse main)
# while the theft is not known, the 課長 cannot seal
expect_exit 0 "$ITAKU" approve acme/q-000003
expect_refused "retired" "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho.key"
git update-ref -d refs/heads/decisions/acme/q-000003
# the 総務 officer reports their own key
expect_exit 0 "$ITAKU" key compromised "$SOMU_FPR" --last-good "$LG" --reason "鍵の盗難" \
    --key "$T/somu.key"
expect_exit 0 "$ITAKU" verify --full
for c in "$RETIRE" "$REPORT" "$RENAME"; do expect_output "${c:0:12} void"; done
ok "the thief's retirement, report and renaming, signed with the stolen 総務 key after its last good commit, are void in verify"

# both 課長 seal; their seals count and decide
expect_exit 0 "$ITAKU" approve acme/q-000003
expect_output "waits for the seals of 課長"
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho.key"
S1=$(git rev-parse decisions/acme/q-000003)
expect_exit 0 "$ITAKU" kessai acme/q-000003 --approve --key "$T/kacho2.key"
expect_output "acme/q-000003 is approved"
expect_exit 0 "$ITAKU" verify --full
grep -qE "^${S1:0:12} void" "$T/out" && fail "the 課長's seal is void"
# the decision verifies and names both seals; nothing of kacho2 is void
"$ITAKU" log --json >"$T/log.json"
python3 - "$T/log.json" <<'PY' || fail "a commit of the 課長 after the thief's report is void"
import json, sys
entries = json.load(open(sys.argv[1]))
entries = entries if isinstance(entries, list) else entries["commits"]
mine = [e for e in entries if e["principal"] in ("kacho", "kacho2") and e["party"] == "akiruno-city"]
assert len([e for e in mine if e["action"] == "seal"]) == 2, mine
bad = [e for e in mine if e["void"]]
assert not bad, bad
PY
ok "the 課長 the thief retired and the 課長 the thief reported both seal after the theft is reported; their seals count (V12) and nothing of theirs is void"

# the views: who lists both 課長 as signers, and no view gives kacho2 the
# name the thief wrote but on the thief's own (void) commit
"$ITAKU" who >"$T/who"
grep -qE "signers: .*kacho[,]? " "$T/who" && grep -qE "signers: .*kacho2" "$T/who" ||
    fail "who leaves out a 課長 whose key the thief retired or reported: $(cat "$T/who")"
! grep -q "偽の名前" "$T/who" || fail "who shows the name the thief wrote: $(cat "$T/who")"
python3 - "$T/log.json" "${RENAME}" <<'PY' || fail "log shows the name the thief wrote beside a commit that counts"
import json, sys
entries = json.load(open(sys.argv[1]))
entries = entries if isinstance(entries, list) else entries["commits"]
named = [e for e in entries if e.get("principal_name") == "偽の名前"]
assert not named, named
PY
expect_exit 0 "$ITAKU" report --html "$T/site"
python3 - "$T/site" <<'PY' || fail "the report shows the name the thief wrote as valid"
import os, re, sys
hits = []
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if not f.endswith(".html"):
            continue
        page = open(os.path.join(root, f), encoding="utf-8").read()
        if "∅ 無効" in page and f.startswith("akiruno-city_k-"):
            continue  # the thief's own key event's page, marked void
        for line in page.splitlines():
            for row in re.findall(r"<tr[^>]*>.*?</tr>|<p[^>]*>.*?</p>|<li[^>]*>.*?</li>", line):
                if "偽の名前" in row and 'class="void"' not in row and "無効" not in row:
                    hits.append((f, row[:300]))
            if "偽の名前" in line and "<tr" not in line and "<p" not in line and "<li" not in line:
                hits.append((f, line[:300]))
assert not hits, hits
PY
ok "who lists both 課長 by the names that count; log and the report show the thief's renaming only on its void commit"

# the same twin by verify alone: a seal made with stock git by the key the
# thief retired counts (V1 reads the key as active)
expect_exit 0 "$ITAKU" approve acme/q-000001
DR=$(git rev-parse decisions/acme/q-000001)
id=$(next_id s)
canonical_record "$T/s.json" seal "$id" \
    "{\"draft\": \"$DR\", \"request\": \"acme/q-000001\", \"request_sha256\": \"$(sha_of q-000001)\", \"verdict\": \"approved\", \"principal\": \"kacho\", \"post\": \"課長\", \"reason\": \"ok\"}"
HS=$(forge "$T/kacho.key" kacho seal "$DR" "Itaku-Request: acme/q-000001
" "parties/akiruno-city/seals/acme/$id.json=$T/s.json")
git update-ref refs/heads/decisions/acme/q-000001 "$HS"
expect_exit 0 "$ITAKU" verify --full
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho2.key"
expect_output "already|approved|Sealed"
expect_exit 0 "$ITAKU" verify --full
ok "a seal made with stock git by the key the thief retired verifies (V1, V12)"
finish
