#!/usr/bin/env bash
# 決裁 (DESIGN V9 in V12): under the city's decision rules, a city key is
# reported compromised only by the key itself or by a setter (post_setters,
# here 総務). A 担当 reporting the 課長's key, which would leave the city
# unable to seal, is refused by itaku with a sentence saying who may, and
# the same report made with stock git is refused by verify (V9). The twins:
# the 総務 officer reports the 課長's key, and a 課長 reports their own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/kessai_lib.sh"

setup_kessai
cd "$T/city"
somu_sets_posts
KACHO_FPR=$(fpr_of "$T/kacho.key.pub")
LG=$(git rev-parse main)

# --- 1. a 担当 reports the 課長's key: itaku refuses
expect_refused "tanto2 \(post 担当\) may not report key SHA256:[^ ]+ of kacho compromised" \
    "$ITAKU" key compromised "$KACHO_FPR" --last-good "$LG" --reason "悪意" --key "$T/tanto2.key"
expect_output "only by the key itself or by an officer whose post is one of: 総務 \(post_setters\)"
LANG=ja_JP.UTF-8 expect_refused "総務" \
    "$ITAKU" key compromised "$KACHO_FPR" --last-good "$LG" --reason "悪意" --key "$T/tanto2.key"
! grep -qE "may not|compromised:" "$T/out" "$T/err" || fail "the Japanese refusal is in English"
# the genesis officer, a 担当 too, is no setter once post_setters names 総務
expect_refused "officer \(post 担当\) may not report key SHA256:[^ ]+" \
    "$ITAKU" key compromised "$KACHO_FPR" --last-good "$LG" --reason "悪意"
ok "a 担当 (and the genesis 担当, once post_setters names 総務) may not report the 課長's key compromised; itaku says who may"

# --- 2. the same report, made with stock git: verify refuses it (V9)
ev=parties/akiruno-city/key-events/$(next_id k).json
canonical_record "$T/ev.json" key-event "$(basename "$ev" .json)" \
    "{\"event\": \"compromise\", \"key\": \"$KACHO_FPR\", \"last_good\": \"$LG\", \"reason\": \"悪意\"}" \
    key-event.v2
H=$(forge "$T/tanto2.key" tanto2 key-compromise main "" "$ev=$T/ev.json")
git update-ref refs/heads/hostile "$H"
expect_rejected "$H" V9 "$ev"
expect_output "tanto2 \(post 担当\) may not report key SHA256:[^ ]+ of kacho compromised"
others=$(grep -E "^${H:0:12} " "$T/out" | grep -vE "^${H:0:12} V9 " || true)
[ -z "$others" ] || fail "$H breaks more than V9: $others"
git update-ref -d refs/heads/hostile
expect_exit 0 "$ITAKU" verify --full
ok "a 担当's report of the 課長's key, made with stock git, is refused by verify (V9)"

# --- 3. the twins: a key reports itself; the setter reports another's
expect_exit 0 "$ITAKU" key compromised "$(fpr_of "$T/kacho2.key.pub")" --last-good "$LG" \
    --reason "端末の紛失" --key "$T/kacho2.key"
expect_exit 0 "$ITAKU" key compromised "$KACHO_FPR" --last-good "$LG" --reason "端末の盗難" \
    --key "$T/somu.key"
expect_exit 0 "$ITAKU" verify --full
"$ITAKU" who >"$T/who"
grep -q "signers: .*somu" "$T/who" && ! grep -q "kacho" "$T/who" || fail "who still lists a compromised 課長 key: $(cat "$T/who")"
ok "a 課長 reports their own key, and the 総務 officer the other 課長's: both verify"
finish
