#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V12): who may seal is set by a setter alone. Once
# the contract has a decision rule, a key added under an officer who holds
# a post (a 課長), a key given a post, a key event about such an officer
# (even one that changes nothing, even about oneself) and a change of the
# decision rules are made only by a holder of post_setters, else by the
# officer who opened the registry; never about oneself. Each hostile commit
# is built with stock git where itaku refuses to make it, each with the
# legitimate twin that passes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

fpr_of() { ssh-keygen -lf "$1.pub" | awk '{print $2}'; }
# scratch_record CMD...: runs an itaku command in a copy of the city and
# prints the path of the one record it wrote; the record is left at
# $T/scratch.json (so that a forged commit carries what itaku writes).
scratch_record() {
    rm -rf "$T/scratch"
    cp -a "$T/city" "$T/scratch"
    (cd "$T/scratch" && "$@") >/dev/null || fail "scratch: $* failed"
    local p
    p=$(cd "$T/scratch" && git diff-tree --no-commit-id --name-only -r HEAD | grep -E '/(keys|key-events|contract-amendments)/' | head -1)
    (cd "$T/scratch" && git show "HEAD:$p") >"$T/scratch.json"
    echo "$p"
}

setup_kessai
cd "$T/city"
"$ITAKU" key generate "$T/evil.key" --comment evil >/dev/null

# --- 1. no post_setters: a 担当 (not the officer who opened the registry)
# adds a key of its own under the 課長 kacho, then seals as kacho
expect_refused "tanto2 \(post 担当\) may not add or change the keys of kacho \(post 課長\)" \
    "$ITAKU" key add "$T/evil.key.pub" --principal kacho --key "$T/tanto2.key"
expect_output "set by the officer who opened the registry \(officer\) alone"
expect_refused "tanto2 \(post 担当\) may not set the post of kacho to 課長" \
    "$ITAKU" key add "$T/evil.key.pub" --principal kacho --post 課長 --key "$T/tanto2.key"
kpath=$(scratch_record "$ITAKU" key add "$T/evil.key.pub" --principal kacho)
H=$(forge "$T/tanto2.key" tanto2 key-add main "" "$kpath=$T/scratch.json")
MAIN0=$(git rev-parse main)
git update-ref refs/heads/main "$H"
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/evil.key"
expect_rejected "$H" V12 "$kpath"
only_v12 "$H"
expect_output "tanto2 \(post 担当\) may not add or change the keys of kacho"
git update-ref refs/heads/main "$MAIN0"
git update-ref -d refs/heads/decisions/acme/q-000001
git reset -q --hard main
# twin: the officer who opened the registry adds kacho's new key
expect_exit 0 "$ITAKU" key add "$T/evil.key.pub" --principal kacho
expect_exit 0 "$ITAKU" verify
ok "no post_setters: a 担当 adding a key under a 課長 is refused by itaku and by verify (V12, the key record named); the officer who opened the registry adds it"

# --- 2. a key event about a 課長: a retirement by a 担当, a "no change"
# attributes event by the 課長 about himself
expect_refused "tanto2 \(post 担当\) may not add or change the keys of kacho" \
    "$ITAKU" key retire "$(fpr_of "$T/kacho.key")" --key "$T/tanto2.key"
expect_refused "kacho may not set their own post to 課長" \
    "$ITAKU" key attributes --principal kacho --post 課長 --key "$T/kacho.key"
ev=parties/akiruno-city/key-events/$(next_id k).json
canonical_record "$T/ev.json" key-event "$(basename "$ev" .json)" \
    "{\"attributes\": {\"post\": \"課長\"}, \"event\": \"attributes\", \"key\": \"$(fpr_of "$T/kacho.key")\", \"principal\": \"kacho\"}" \
    key-event.v2
H=$(forge "$T/kacho.key" kacho key-attributes main "" "$ev=$T/ev.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12 "$ev"
only_v12 "$H"
git update-ref -d refs/heads/hostile
# twin: the officer who opened the registry writes the same event
H=$(forge "$T/city.key" officer key-attributes main "" "$ev=$T/ev.json")
git update-ref refs/heads/hostile "$H"
expect_exit 0 "$ITAKU" verify
git update-ref -d refs/heads/hostile
ok "a key event about a 課長 by a 担当, or by the 課長 about himself (even one changing nothing), is refused (V12); the officer who opened the registry writes it"

# --- 3. no post_setters: a 担当 drops the decision rules, then decides alone
echo '{"decision_rules": []}' >"$T/none.json"
expect_refused "tanto2 \(post 担当\) may not change decision_rules or post_setters" \
    "$ITAKU" contract amend --decision-rules "$T/none.json" --reason "廃止" --key "$T/tanto2.key"
apath=$(scratch_record "$ITAKU" contract amend --decision-rules "$T/none.json" --reason "廃止")
H=$(forge "$T/tanto2.key" tanto2 contract-amend main "" "$apath=$T/scratch.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12 "$apath"
only_v12 "$H"
git update-ref -d refs/heads/hostile
ok "no post_setters: a 担当 dropping the decision rules is refused by itaku and by verify (V12)"

# --- 4. post_setters [総務] (the attack's own shape): the 担当 who opened
# the registry is no setter any more
somu_sets_posts
"$ITAKU" key generate "$T/evil2.key" --comment evil2 >/dev/null
expect_refused "officer \(post 担当\) may not add or change the keys of kacho \(post 課長\)" \
    "$ITAKU" key add "$T/evil2.key.pub" --principal kacho
expect_output "one of: 総務 \(post_setters\)"
expect_refused "officer \(post 担当\) may not set the post of kacho to 課長" \
    "$ITAKU" key add "$T/evil2.key.pub" --principal kacho --post 課長
kpath=$(scratch_record "$ITAKU" key add "$T/evil2.key.pub" --principal kacho --key "$T/somu.key")
H=$(forge "$T/city.key" officer key-add main "" "$kpath=$T/scratch.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12 "$kpath"
only_v12 "$H"
git update-ref -d refs/heads/hostile
# twin: the 総務 adds kacho's new key; kacho seals with it
expect_exit 0 "$ITAKU" key add "$T/evil2.key.pub" --principal kacho --key "$T/somu.key"
expect_exit 0 "$ITAKU" approve acme/q-000002
expect_exit 0 "$ITAKU" kessai acme/q-000002 --approve --key "$T/evil2.key"
expect_output "acme/q-000002 is approved"
expect_exit 0 "$ITAKU" verify
ok "post_setters [総務]: the 担当 adding a key under the 課長 is refused by itaku and by verify (V12); the 総務 adds it and the 課長 seals with it"

# --- 5. init: post_setters that the opening officer does not hold
cd "$T"
rm -rf "$T/new"
expect_exit 2 "$ITAKU" init "$T/new" --contract C-2026-022 --title "職の設定" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" --principal-post 担当 --decision-rules "$T/setters.json" \
    --start "$(day -1)" --end "$(day 119)"
expect_output "holds none of them \(post 担当\)"
[ ! -e "$T/new" ] || fail "a refused init left $T/new"
expect_exit 0 "$ITAKU" init "$T/new" --contract C-2026-022 --title "職の設定" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" --principal somu --principal-post 総務 \
    --decision-rules "$T/setters.json" --start "$(day -1)" --end "$(day 119)"
ok "init refuses post_setters that the officer opening the registry does not hold (nobody could set posts); with --principal-post 総務 it opens"

finish
