#!/usr/bin/env bash
# 決裁 (issue 21, DESIGN V12): every key of an officer who may seal was added
# by a setter. Once the contract has a decision rule, a key under another
# officer, even a new one with no post yet, is added only by a setter (a
# holder of post_setters, else the officer who opened the registry): else a
# 担当 registers a key of their own under a new name, a setter later gives
# that name 課長, and the 担当's key seals. The same holds for a rotation
# into another name and for a recovery. Each hostile commit is built with
# stock git where itaku refuses to make it, each with the legitimate twin
# that passes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

# scratch_key_record CMD...: runs an itaku command in a copy of the city and
# prints the path of the key record it wrote, left at $T/scratch.json.
scratch_key_record() {
    rm -rf "$T/scratch"
    cp -a "$T/city" "$T/scratch"
    (cd "$T/scratch" && "$@") >/dev/null || fail "scratch: $* failed"
    local p
    p=$(cd "$T/scratch" && git diff-tree --no-commit-id --name-only -r HEAD | grep -E '/keys/' | head -1)
    (cd "$T/scratch" && git show "HEAD:$p") >"$T/scratch.json"
    echo "$p"
}

setup_kessai
cd "$T/city"
for who in evil shinjin2 shinjin2b shinjin3 lost somu2; do
    "$ITAKU" key generate "$T/$who.key" --comment "$who" >/dev/null
done
MAIN0=$(git rev-parse main)

# --- 1. a 担当 adds a key under a new name; the officer who opened the
# registry (the setter) later makes that name 課長; the 担当's key seals
expect_refused "tanto2 \(post 担当\) may not add a key of shinjin, another officer" \
    "$ITAKU" key add "$T/evil.key.pub" --principal shinjin --key "$T/tanto2.key"
expect_output "only the officer who opened the registry \(officer\) adds a key of another officer"
expect_output "ask them to add it \(itaku key add FILE --principal shinjin\)"
kpath=$(scratch_key_record "$ITAKU" key add "$T/evil.key.pub" --principal shinjin)
H=$(forge "$T/tanto2.key" tanto2 key-add main "" "$kpath=$T/scratch.json")
git update-ref refs/heads/main "$H"
git reset -q --hard main
expect_exit 0 "$ITAKU" key attributes --principal shinjin --post 課長
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/evil.key"
expect_output "acme/q-000001 is approved"
expect_rejected "$H" V12 "$kpath"
only_v12 "$H"
expect_output "tanto2 \(post 担当\) may not add a key of shinjin, another officer"
git update-ref refs/heads/main "$MAIN0"
git update-ref -d refs/heads/decisions/acme/q-000001
git reset -q --hard main
# twin: the officer who opened the registry adds the key, then the post
expect_exit 0 "$ITAKU" key add "$T/evil.key.pub" --principal shinjin
expect_exit 0 "$ITAKU" key attributes --principal shinjin --post 課長
expect_exit 0 "$ITAKU" approve acme/q-000001
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --key "$T/evil.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify
ok "a 担当 adding a key under a new name, later made 課長, is refused by itaku and by verify (V12, the key record named, though the post was set by the setter); the setter adds the key and the post, and it seals"

# --- 2. an officer with no post adds and rotates keys of their own; a
# rotation into another name, or a recovery, is the setter's
expect_exit 0 "$ITAKU" key add "$T/shinjin2.key.pub" --principal shinjin2
expect_exit 0 "$ITAKU" key add "$T/shinjin2b.key.pub" --principal shinjin2 --key "$T/shinjin2.key"
expect_refused "shinjin2 \(post -\) may not add a key of shinjin3, another officer" \
    "$ITAKU" key rotate "$T/shinjin3.key.pub" --principal shinjin3 --key "$T/shinjin2b.key"
expect_exit 0 "$ITAKU" key rotate "$T/shinjin3.key.pub" --key "$T/shinjin2b.key"
doc=$(printf '紛失届' | sha256sum | cut -d' ' -f1)
expect_refused "tanto2 \(post 担当\) may not add a key of lost, another officer" \
    "$ITAKU" key recover akiruno-city "$T/lost.key.pub" --document "$doc" --principal lost \
    --key "$T/tanto2.key"
expect_exit 0 "$ITAKU" verify
# the rotation into another name, committed with stock git
kpath=$(scratch_key_record "$ITAKU" key add "$T/lost.key.pub" --principal shinjin3)
H=$(forge "$T/shinjin2.key" shinjin2 key-add main "" "$kpath=$T/scratch.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12 "$kpath"
only_v12 "$H"
expect_output "shinjin2 \(post -\) may not add a key of shinjin3, another officer"
git update-ref -d refs/heads/hostile
# twin: the officer who opened the registry adds it
H=$(forge "$T/city.key" officer key-add main "" "$kpath=$T/scratch.json")
git update-ref refs/heads/hostile "$H"
expect_exit 0 "$ITAKU" verify
git update-ref -d refs/heads/hostile
expect_exit 0 "$ITAKU" key recover akiruno-city "$T/lost.key.pub" --document "$doc" --principal lost
expect_exit 0 "$ITAKU" verify
ok "an officer with no post adds and rotates keys of their own; a key under another name by them (itaku key add, rotate --principal, a stock-git commit) or a 担当's recovery is refused (V12); the setter's passes"

# --- 3. post_setters names 総務: the officer who opened the registry is no
# setter now, and adds no key under a new name either
# (before: no setter post named, and status says so; exit 1: acme's form 1
# is overdue)
expect_exit 1 "$ITAKU" status --at "$(day 8)" --json
has_setters_warning() {
    python3 -c '
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"] if x["rule"] == "post_setters_named"]
sys.exit(0 if f and f[0]["party"] == "akiruno-city" and f[0]["state"] == "pending" else 1)' "$T/out"
}
has_setters_warning || fail "status does not warn that no setter post is named"
somu_sets_posts
expect_exit 1 "$ITAKU" status --at "$(day 8)" --json
! has_setters_warning || fail "status still warns once post_setters names 総務"
expect_refused "officer \(post 担当\) may not add a key of somu2, another officer" \
    "$ITAKU" key add "$T/somu2.key.pub" --principal somu2
expect_output "only an officer whose post is one of: 総務 \(post_setters\) adds a key of another officer"
kpath=$(scratch_key_record "$ITAKU" key add "$T/somu2.key.pub" --principal somu2 --key "$T/somu.key")
H=$(forge "$T/city.key" officer key-add main "" "$kpath=$T/scratch.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12 "$kpath"
only_v12 "$H"
git update-ref -d refs/heads/hostile
# twin: the 総務 adds it
expect_exit 0 "$ITAKU" key add "$T/somu2.key.pub" --principal somu2 --key "$T/somu.key"
expect_exit 0 "$ITAKU" verify
ok "with post_setters [総務], a key under a new name by the officer who opened the registry is refused (V12); the 総務 adds it"

# --- 5. init: decision rules need post_setters; [] chooses the opening
# officer alone knowingly, and status reminds of it
cd "$T"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
del r["post_setters"]
json.dump(r, open(sys.argv[2], "w"), ensure_ascii=False)' "$T/rules.json" "$T/bare.json"
expect_exit 2 "$ITAKU" init "$T/new" --contract C-2026-023 --title "職の設定" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" --principal-post 担当 --decision-rules "$T/bare.json" \
    --start "$(day -1)" --end "$(day 119)"
expect_output "the decision rules \(決裁\) need \"post_setters\" beside \"decision_rules\""
expect_output "nothing was written"
[ ! -e "$T/new" ] || fail "a refused init left $T/new"
expect_exit 0 "$ITAKU" init --help
expect_output "post_setters, required with decision_rules"
expect_exit 0 "$ITAKU" init "$T/new" --contract C-2026-023 --title "職の設定" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" --principal-post 担当 --decision-rules "$T/rules.json" \
    --start "$(day -1)" --end "$(day 119)"
cd "$T/new"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" status --at "$(day 8)" --problems
expect_output "職の設定者（post_setters）が定められていない"
expect_exit 0 "$ITAKU" status --at "$(day 8)" --json
has_setters_warning || fail "status does not warn that no setter post is named"
cd "$T"
rm -rf "$T/new"
expect_exit 0 "$ITAKU" init "$T/new" --contract C-2026-023 --title "職の設定" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" --principal somu --principal-post 総務 \
    --decision-rules "$T/setters.json" --start "$(day -1)" --end "$(day 119)"
cd "$T/new"
expect_exit 0 "$ITAKU" status --at "$(day 8)" --json
! has_setters_warning || fail "status warns though post_setters names 総務"
cd "$T/city"
ok "init refuses decision rules without post_setters (nothing written); with post_setters [] it opens and status warns that no setter post is named; with [総務] no warning"

# --- 4. a principal re-used after its keys were retired keeps its post:
# itaku asks the setter to say so
expect_exit 0 "$ITAKU" key retire "$(ssh-keygen -lf "$T/kacho2.key.pub" | awk '{print $2}')" \
    --key "$T/somu.key"
"$ITAKU" key generate "$T/kacho2b.key" --comment kacho2b >/dev/null
expect_refused "kacho2 holds the post 課長, and none of its keys is active" \
    "$ITAKU" key add "$T/kacho2b.key.pub" --principal kacho2 --key "$T/somu.key"
expect_output "say so with --post 課長"
expect_exit 0 "$ITAKU" key add "$T/kacho2b.key.pub" --principal kacho2 --post 課長 --key "$T/somu.key"
expect_exit 0 "$ITAKU" verify
ok "a key added under a 課長 whose keys are all retired is refused without --post (it would seal as 課長 again unnoticed); with --post 課長 the 総務 adds it"

# --- 6. rules that come by an amendment: a key another officer added
# before them may be theirs, so its principal is given no post
cd "$T"
expect_exit 0 "$ITAKU" init "$T/late" --contract C-2026-024 --title "後から決裁" --city akiruno-city \
    --name "あきる野市" --key "$T/city.key" --principal-post 担当 --start "$(day -1)" --end "$(day 119)"
cd "$T/late"
git config itaku.signingKey "$T/city.key"
for who in late1 late2; do
    "$ITAKU" key generate "$T/$who.key" --comment "$who" >/dev/null
done
expect_exit 0 "$ITAKU" key add "$T/tanto2.key.pub" --principal tanto2 --post 担当
expect_exit 0 "$ITAKU" key add "$T/late1.key.pub" --principal late1 --key "$T/tanto2.key"
expect_exit 0 "$ITAKU" key add "$T/late2.key.pub" --principal late2
ADDED=$(git rev-parse main~1)
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/rules.json" --reason "専決規程の導入"
expect_refused "late1 may not be given the post 課長: its key record .* was added by tanto2 in commit ${ADDED:0:12}" \
    "$ITAKU" key attributes --principal late1 --post 課長
expect_output "give the officer a principal of their own, added by a setter"
expect_exit 2 env -u LC_ALL -u LANGUAGE -u LC_MESSAGES LANG=ja_JP.UTF-8 \
    "$ITAKU" key attributes --principal late1 --post 課長
expect_output "late1 に役職 課長 を与えることはできません: その鍵の記録 .* は、決裁規程が有効になる前に"
ev=parties/akiruno-city/key-events/$(next_id k).json
canonical_record "$T/ev.json" key-event "$(basename "$ev" .json)" \
    "{\"attributes\": {\"post\": \"課長\"}, \"event\": \"attributes\", \"key\": \"$(ssh-keygen -lf "$T/late1.key.pub" | awk '{print $2}')\", \"principal\": \"late1\"}" \
    key-event.v2
H=$(forge "$T/city.key" officer key-attributes main "" "$ev=$T/ev.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V12 "$ev"
only_v12 "$H"
expect_output "late1 may not be given the post 課長"
git update-ref -d refs/heads/hostile
# twin: the key the officer who opened the registry added before the rules
expect_exit 0 "$ITAKU" key attributes --principal late2 --post 課長
# the way out: a setter adds the officer's key under a principal of its own
"$ITAKU" key generate "$T/late1b.key" --comment late1b >/dev/null
expect_exit 0 "$ITAKU" key add "$T/late1b.key.pub" --principal late1b --post 課長
expect_exit 0 "$ITAKU" verify
cd "$T/city"
ok "rules brought in by an amendment: a principal whose key another officer added before them is given no post (itaku, also in Japanese, and verify, V12); one whose keys the opening officer added is, and so is a principal of its own added by the setter"

finish
