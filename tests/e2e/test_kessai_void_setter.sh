#!/usr/bin/env bash
# 決裁 (DESIGN V9, V12): a post or a decision rule written with a stolen
# setter key stops counting once the theft is reported. The 総務 officer
# (the setter) loses their key; the thief, with it, makes the 次長 a 課長
# and amends the rules to none; then the key is reported compromised after
# a last good commit. The 次長's seal as 課長 and a 担当's decision alone on
# a take-out needing two 課長 are refused by verify (each made with stock
# git), and itaku, reading the post and the rules before the theft, does
# not make them. The legitimate twin: a post the
# same key set before its last good commit still counts, and its holder
# seals.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
somu_sets_posts
SOMU_FPR=$(ssh-keygen -lf "$T/somu.key.pub" | awk '{print $2}')
# the twin's post: set by 総務 before the theft
expect_exit 0 "$ITAKU" key attributes --principal tanto2 --post 課長 --key "$T/somu.key"
LG=$(git rev-parse main)
# the thief, with 総務's key: the 次長 becomes 課長, and the rules go
expect_exit 0 "$ITAKU" key attributes --principal jicho --post 課長 --key "$T/somu.key"
echo '{"post_setters": ["総務"], "decision_rules": []}' >"$T/loose.json"
expect_exit 0 "$ITAKU" contract amend --decision-rules "$T/loose.json" --reason "規則の整理" \
    --key "$T/somu.key"
THIEF=$(git rev-parse main)
# reported by the 総務 officer with the key itself (under the rules only
# the key itself or a setter reports a city key)
expect_exit 0 "$ITAKU" key compromised "$SOMU_FPR" --last-good "$LG" --reason "鍵の盗難" \
    --key "$T/somu.key"
"$ITAKU" log | has "${THIEF:0:12}"
expect_exit 0 "$ITAKU" verify --full
expect_output "${THIEF:0:12} void"
ok "the thief's post and rules, written with the stolen 総務 key after its last good commit, are void in verify"

# --- 1a. the 次長 seals as the 課長 the thief made them
expect_exit 0 "$ITAKU" approve acme/q-000001
DR1=$(git rev-parse decisions/acme/q-000001)
expect_refused "akiruno-city/jicho's post 課長 was recorded by a void commit .*their post is 次長" \
    "$ITAKU" kessai acme/q-000001 --approve --reason ok --key "$T/jicho.key"
LANG=ja_JP.UTF-8 expect_exit 2 "$ITAKU" kessai acme/q-000001 --approve --reason ok \
    --key "$T/jicho.key"
expect_output "akiruno-city/jicho の役職 課長 は無効なコミット"
# the same seal, made with stock git, on the draft's branch
id=$(next_id s)
canonical_record "$T/s.json" seal "$id" \
    "{\"draft\": \"$DR1\", \"request\": \"acme/q-000001\", \"request_sha256\": \"$(sha_of q-000001)\", \"verdict\": \"approved\", \"principal\": \"jicho\", \"post\": \"課長\", \"reason\": \"ok\"}"
HS=$(forge "$T/jicho.key" jicho seal "$DR1" "Itaku-Request: acme/q-000001
" "parties/akiruno-city/seals/acme/$id.json=$T/s.json")
git update-ref refs/heads/hostile "$HS"
expect_rejected "$HS" V12
only_v12 "$HS"
expect_output "akiruno-city/jicho's post before this seal is 次長"
git update-ref -d refs/heads/hostile
# the twin: tanto2's post, set by 総務 before the last good commit, counts
expect_exit 0 "$ITAKU" kessai acme/q-000001 --approve --reason ok --key "$T/tanto2.key"
expect_output "acme/q-000001 is approved"
expect_exit 0 "$ITAKU" verify --full
ok "a 次長 made 課長 with the stolen key does not seal (itaku refuses, verify names the seal, V12); a post the same key set before its last good commit still seals"

# --- 1b. one 担当 key decides a take-out needing two 課長, under the
# thief's empty rules
id=$(next_id d)
canonical_record "$T/d0.json" decision "$id" \
    "{\"request\": \"acme/q-000003\", \"request_sha256\": \"$(sha_of q-000003)\", \"outcome\": \"approved\"}" decision.v2
H0=$(forge "$T/city.key" officer approve main "Itaku-Request: acme/q-000003
" "parties/akiruno-city/decisions/acme/$id.json=$T/d0.json")
git update-ref refs/heads/hostile "$H0"
expect_rejected "$H0" V12
only_v12 "$H0"
expect_output "needs a draft and the seals"
git update-ref -d refs/heads/hostile
# itaku reads the rules in force before the thief's: the 担当 only drafts
expect_exit 0 "$ITAKU" approve acme/q-000003
expect_output "waits for the seals of 課長"
git log -1 --format=%s decisions/acme/q-000003 | has "起案"
expect_exit 0 "$ITAKU" verify --full
ok "a decision by one key under rules the thief emptied is refused by verify (V12); itaku keeps the rules in force before the theft, so the 担当 only drafts"
finish
