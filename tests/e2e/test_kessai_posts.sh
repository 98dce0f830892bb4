#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V12): who may set a post. Once the contract has a
# decision rule, nobody sets their own post, and only a setter sets
# another's: an officer of one of post_setters, else the genesis officer. Each hostile commit
# is built with stock git where itaku refuses to make it, each with the
# legitimate twin that passes: self-promotion to 課長 then sealing; a 担当
# adding a new 課長 key when post_setters names 総務.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
TANTO2_FPR=$(ssh-keygen -lf "$T/tanto2.key.pub" | awk '{print $2}')
MAIN0=$(git rev-parse main)

# --- 1. self-promotion to 課長, then sealing
expect_refused "tanto2 may not set their own post to 課長" \
    "$ITAKU" key attributes --principal tanto2 --post 課長 --key "$T/tanto2.key"
expect_output "set by the officer who opened the registry \(officer\) alone"
# the same with stock git: tanto2 signs a key event giving itself 課長
ev=parties/akiruno-city/key-events/$(next_id k).json
canonical_record "$T/ev.json" key-event "$(basename "$ev" .json)" \
    "{\"attributes\": {\"post\": \"課長\"}, \"event\": \"attributes\", \"key\": \"$TANTO2_FPR\", \"principal\": \"tanto2\"}" \
    key-event.v2
P=$(forge "$T/tanto2.key" tanto2 key-attributes main "" "$ev=$T/ev.json")
git update-ref refs/heads/main "$P"
# itaku reads the post it finds (課長) and seals; verify names the promotion
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/tanto2.key"
expect_output "acme/q-000001 is approved"
expect_rejected "$P" V12 "$ev"
only_v12 "$P"
expect_output "tanto2 may not set their own post to 課長"
# twin: another officer (the 担当 of the genesis) sets tanto2's post
git update-ref refs/heads/main "$MAIN0"
git update-ref -d refs/heads/decisions/acme/q-000001
git reset -q --hard main
expect_exit 0 "$ITAKU" key attributes --principal tanto2 --post 課長
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/tanto2.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify
# a new key of one's own, even with the post one holds, is the setter's to add
"$ITAKU" key generate "$T/tanto2b.key" --comment tanto2b >/dev/null
expect_refused "tanto2 may not set their own post to 課長" \
    "$ITAKU" key add "$T/tanto2b.key.pub" --principal tanto2 --post 課長 --key "$T/tanto2.key"
expect_exit 0 "$ITAKU" key add "$T/tanto2b.key.pub" --principal tanto2 --post 課長
expect_exit 0 "$ITAKU" verify
ok "self-promotion to 課長 then sealing is refused (V12, the key event named); the same post set by another officer seals and verifies"

# --- 2. post_setters names 総務: a 担当 adding a new 課長 key
"$ITAKU" key generate "$T/kacho3.key" --comment kacho3 >/dev/null
somu_sets_posts
git show main:itaku.json >/dev/null
git log -1 --format=%H main >"$T/amended"
expect_refused "officer \(post 担当\) may not set the post of kacho3 to 課長" \
    "$ITAKU" key add "$T/kacho3.key.pub" --principal kacho3 --post 課長
expect_output "one of: 総務"
expect_refused "may not set the post of kacho to 部長" \
    "$ITAKU" key attributes --principal kacho --post 部長
# the key record itaku would write for the 総務, committed by the 担当
rm -rf "$T/scratch"
cp -a "$T/city" "$T/scratch"
(cd "$T/scratch" && "$ITAKU" key add "$T/kacho3.key.pub" --principal kacho3 --post 課長 \
    --key "$T/somu.key") >/dev/null
kpath=$(cd "$T/scratch" && git diff-tree --no-commit-id --name-only -r HEAD | grep /keys/)
(cd "$T/scratch" && git show "HEAD:$kpath") >"$T/kacho3.json"
H=$(forge "$T/city.key" officer key-add main "" "$kpath=$T/kacho3.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12 "$kpath"
only_v12 "$H"
expect_output "set by another officer whose post is one of: 総務 \(post_setters\)"
git update-ref -d refs/heads/hostile
# twin: the 総務 adds the same key; the new 課長 seals
expect_exit 0 "$ITAKU" key add "$T/kacho3.key.pub" --principal kacho3 --post 課長 \
    --key "$T/somu.key"
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --key "$T/kacho3.key"
expect_output "acme/q-000002 is approved"
expect_exit 0 "$ITAKU" verify
# the 総務 does not set its own post either
expect_refused "somu may not set their own post to 課長" \
    "$ITAKU" key attributes --principal somu --post 課長 --key "$T/somu.key"
ok "with post_setters [総務], a 担当 adding a 課長 key is refused by itaku and by verify (V12); the 総務 adds it and the new 課長 decides"

# --- 3. with post_setters in force, only its holders change who decides
expect_refused "officer \(post 担当\) may not change decision_rules or post_setters" \
    "$ITAKU" contract amend --decision-rules "$T/rules.json" --reason "規程の見直し"
expect_output "one of: 総務"
echo '{"decision_rules": [], "post_setters": []}' >"$T/none.json"
rm -rf "$T/scratch"
cp -a "$T/city" "$T/scratch"
(cd "$T/scratch" && "$ITAKU" contract amend --decision-rules "$T/none.json" --reason "廃止" \
    --key "$T/somu.key") >/dev/null
apath=$(cd "$T/scratch" && git diff-tree --no-commit-id --name-only -r HEAD | grep /contract-amendments/)
(cd "$T/scratch" && git show "HEAD:$apath") >"$T/none-amend.json"
H=$(forge "$T/city.key" officer contract-amend main "" "$apath=$T/none-amend.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12 "$apath"
only_v12 "$H"
expect_output "one of: 総務 \(post_setters\)"
# the same by an edit of itaku.json
git show main:itaku.json | python3 -c '
import json, sys
c = json.load(sys.stdin)
c["decision_rules"] = []
sys.stdout.write(json.dumps(c, sort_keys=True, indent=2, ensure_ascii=False) + "\n")' >"$T/itaku.json"
H=$(forge "$T/city.key" officer contract-amend main "" "itaku.json=$T/itaku.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12 itaku.json
git update-ref -d refs/heads/hostile
# twin: the 総務 amends the rules
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/setters.json" --reason "規程の見直し" \
    --key "$T/somu.key"
expect_exit 0 "$ITAKU" verify
ok "with post_setters in force, a 担当 dropping the rules (an amendment or an edit of itaku.json) is refused by itaku and by verify (V12); the 総務 amends them"

# --- 4. the report and itaku requests show where each decision stands
expect_exit 0 "$ITAKU" approve acme/q-000003
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" requests
expect_output "起案済み"
expect_output "課長×2決裁待ち"
expect_exit 0 "$ITAKU" report --html "$T/report"
python3 - "$T/report/index.html" <<'PY' || fail "the report's 申請と決定 lacks the decision's state"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
sec = html.split("<h2>申請と決定</h2>", 1)[1].split("<h2>", 1)[0]
assert "<th>決裁</th>" in sec, sec[:400]
row = [r for r in sec.split("<tr>") if "q-000003" in r]
assert row and "起案済み 課長×2決裁待ち" in row[0], row
done = [r for r in sec.split("<tr>") if "q-000002" in r]
assert done and "決裁待ち" not in done[0], done
PY
ok "the report's 申請と決定 shows 起案済み 課長×2決裁待ち as itaku requests does"

finish
