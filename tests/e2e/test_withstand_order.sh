#!/usr/bin/env bash
# V4, the order of the records whose newest is in force (issue 21): a
# contract amendment or key event is in force by its id, never by the
# "created" its writer chose; a commit adds one only with an id just above
# the highest before it. Each
# hostile commit is built with stock git and has its legitimate twin.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
M0=$(git rev-parse main)
plant() {
    git update-ref refs/heads/main "$1"
    git reset -q --hard main
}

# an amendment as itaku writes it, made in a scratch copy, then forged
rm -rf "$T/scratch"
cp -a "$T/city" "$T/scratch"
(cd "$T/scratch" && "$ITAKU" contract amend --decision-rules "$T/rules.json" --reason "文言整理") \
    >/dev/null || fail "contract amend in the copy"
apath=$(cd "$T/scratch" && git diff-tree --no-commit-id --name-only -r HEAD | grep contract-amend)
(cd "$T/scratch" && git show "HEAD:$apath") >"$T/amend.json"
with_created() {
    python3 - "$T/amend.json" "$1" >"$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); r["created"] = sys.argv[2]
sys.stdout.write(json.dumps(r, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
PY
}
with_created "2099-01-01T00:00:00+09:00" "$T/future.json"
F=$(forge "$T/city.key" officer contract-amend main "" "$apath=$T/future.json")
plant "$F"
expect_exit 0 "$ITAKU" verify

# the later amendment is in force, whatever the earlier one's created says
python3 - "$T/rules.json" "$T/strict.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["decision_rules"][0]["approvers"] = [{"post": "部長", "count": 1}]
json.dump(r, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/strict.json" --reason "厳格化"
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 2 "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho.key"
grep -q "c-000002" "$T/err" || fail "the rule in force is not the later amendment c-000002"
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/bucho.key"
expect_exit 0 "$ITAKU" verify
ok "an amendment forged with created 2099 does not stay in force: the later amendment (highest id) is"

# key events: an id far above the highest, or not above it
plant "$M0"
for ref in $(git for-each-ref --format='%(refname)' refs/heads/decisions); do git update-ref -d "$ref"; done
KFPR=$(ssh-keygen -lf "$T/kacho.key.pub" | awk '{print $2}')
event() {
    canonical_record "$T/ev-$1.json" key-event "$1" \
        "{\"attributes\": {\"post\": \"$2\"}, \"event\": \"attributes\", \"key\": \"$KFPR\", \"principal\": \"kacho\"}" key-event.v2
    # made now, as itaku would (canonical_record's fixed date may lie ahead)
    cp "$T/ev-$1.json" "$T/amend.json"
    with_created "$(python3 -c 'import datetime as d; print(d.datetime.now(d.timezone(d.timedelta(hours=9))).strftime("%Y-%m-%dT%H:%M:%S+09:00"))')" "$T/ev-$1.json"
}
EV=parties/akiruno-city/key-events
event k-999999 課長
# written by the officer who opened the registry (who may set posts, V12),
# so that only the order rule (V4) is at stake
P=$(forge "$T/city.key" officer key-attributes main "" "$EV/k-999999.json=$T/ev-k-999999.json")
plant "$P"
expect_rejected "$P" V4 "$EV/k-999999.json"
grep -q "skips from" "$T/out" || fail "the skipped ids are not named"
plant "$M0"
event k-000003 課長
Q=$(forge "$T/city.key" officer key-attributes main "" "$EV/k-000003.json=$T/ev-k-000003.json")
plant "$Q"
expect_exit 0 "$ITAKU" verify
ok "a key event with id k-999999 is refused (V4, commit named); its twin, a few ids above the highest (as a copy that fetched unmerged events writes), verifies"

# a demotion with an id below the highest would never be in force
event k-000002 担当
R=$(forge "$T/city.key" officer key-attributes main "" "$EV/k-000002.json=$T/ev-k-000002.json")
plant "$R"
expect_rejected "$R" V4 "$EV/k-000002.json"
grep -q "must have an id above k-000003" "$T/out" || fail "the highest id is not named"
plant "$Q"
expect_exit 0 "$ITAKU" key attributes --principal kacho --post 担当
git cat-file -e "main:$EV/k-000004.json" || fail "itaku did not take the next id k-000004"
expect_exit 0 "$ITAKU" verify
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 2 "$ITAKU" kessai acme/q-000001 --approve --key "$T/kacho.key"
ok "a key event whose id is not above the highest is refused (V4); itaku's demotion takes the next id, verifies and is in force"
finish
