#!/usr/bin/env bash
# The screens speak the messages' language (issue 16): with LANG=C (or any
# locale that is not Japanese) status, todo, requests, who, instructions and
# log say their states, rules, roles, kinds and columns in English (the
# words itaku carries in labels/en.v1.json, a code where it has none), never
# the registry's Japanese catalog; with ja_JP.UTF-8 they say the city's
# Japanese. What the parties typed (names, summaries, texts) is shown as it
# is in both. The city's papers stay Japanese in every locale: the printed
# form pages and status --csv.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
expect_exit 0 "$ITAKU" acknowledge
expect_exit 0 "$ITAKU" register add --file "$REGISTER_BODY"
R1=$(cat "$T/out")
item=$(git show "HEAD:parties/acme/register/$R1.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["body"]["item_id"])')
expect_exit 0 "$ITAKU" request submit copy --summary "検証用に複製" --item "$item"
cd "$T/city"
expect_exit 0 "$ITAKU" receive acme "$T/acme"

expect_exit 0 "$ITAKU" instruct report --to acme --due "$(day 1)" --text "月次報告" --backdated --reason "記入漏れ"
ok "set up: an acknowledgement, a register entry, a copy request, an overdue report instruction"

# The screens of the city, each in the locale given: $T/screens.<name>
screens() {
    local name=$1
    shift
    : >"$T/screens.$name"
    for c in "status --at $(day 3)" "todo --at $(day 3)" "requests --all" "who" "instructions" "log"; do
        # shellcheck disable=SC2086
        env -u LC_ALL -u LANGUAGE -u LC_MESSAGES "$@" "$ITAKU" $c >>"$T/screens.$name" 2>&1 || true
    done
}
screens c LANG=C
screens cutf8 LANG=C.UTF-8
screens ja LANG=ja_JP.UTF-8

# no_ja_labels FILE: once the parties' own text is taken out, no Japanese
# word of the registry's catalog appears in FILE, and no Japanese at all
no_ja_labels() {
    python3 - "$1" "$SRC/registry-template/labels/ja.v2.json" <<'PY'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
labels = json.load(open(sys.argv[2], encoding="utf-8"))["labels"]
# what the parties typed: names, the item's name, summaries and texts
for typed in ["あきる野市", "株式会社アクメ", "移行用抽出データ", "検証用に複製", "月次報告",
              "住民情報システム運用保守"]:
    text = text.replace(typed, "")
found = sorted({w for d, codes in labels.items() if d != "finding"
                for w in codes.values() if len(w) >= 2 and w in text})
if found:
    sys.exit("catalog words on an English screen: %s" % ", ".join(found))
left = re.findall(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]+", text)
if left:
    sys.exit("Japanese on an English screen: %s" % ", ".join(sorted(set(left))))
PY
}
for name in c cutf8; do
    no_ja_labels "$T/screens.$name" || fail "LANG=$name: $(cat "$T/screens.$name")"
done
for s in "acme (contractor)" "instruction answered on time" "overdue" "report request" \
    "copy" "pending" "obligations acknowledged"; do
    has -F -- "$s" <"$T/screens.c" || fail "the English screens lack '$s': $(cat "$T/screens.c")"
done
has -F "(received " <"$T/screens.c" || fail "status in English does not say (received …, dated …)"
ok "LANG=C and C.UTF-8: status, todo, requests, who, instructions and log in English words, no catalog word"

for s in "株式会社アクメ（acme、受注者）" 指示への期限内の対応 期限超過 報告の求め 複製 審査中 遵守事項の受諾 受領日時 "  提出: "; do
    has -F -- "$s" <"$T/screens.ja" || fail "the Japanese screens lack $s: $(cat "$T/screens.ja")"
done
ok "ja_JP.UTF-8: the same screens in the registry's Japanese (受注者, 期限超過, 報告の求め, 審査中 …)"

# the city's papers stay Japanese in English
LANG=C "$ITAKU" status --csv --at "$(day 3)" >"$T/status.csv" || true
for s in 事業者 遵守事項の受諾 適合; do
    has -F -- "$s" <"$T/status.csv" || fail "status --csv in LANG=C lacks $s"
done
expect_exit 0 env LANG=C "$ITAKU" form render "$R1" --format md
for s in 受領 "参考様式第3号 重要指定情報管理記録簿"; do
    has -F -- "$s" <"$T/out" || fail "the form page in LANG=C lacks $s"
done
expect_exit 1 env LANG=C "$ITAKU" status --json --at "$(day 3)"
python3 - "$T/out" <<'PY' || fail "status --json changed"
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert any(x["rule"] == "instruction_answered_on_time" and x["state"] == "overdue" for x in f), f
PY
ok "LANG=C: status --csv and the form page stay in the city's Japanese, --json in codes"
finish
