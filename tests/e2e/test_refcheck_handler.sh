#!/usr/bin/env bash
# A register entry's handler (取扱者) is someone the party's form 1 names
# (issue 16, point 4): 管理責任者, 監督者 or 作業従事者, by name or worker_id,
# however the space between family and given name is typed; anyone else is
# refused naming the closest names and writes nothing, unless
# --unverified-ref --reason TEXT records the truth (status shows it). A
# party with no form 1 yet has no one to compare with: not checked.
. "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
reg() {
    "$ITAKU" register add --action received --medium usb --quantity 1 --info "住民データ" \
        --method hand-delivery "$@"
}
# no form 1 yet: nothing to compare with
expect_exit 0 reg --item-id A-0 --handler "誰か" --occurred-at "$(day -1)T09:00:00+09:00"
ok "without a form 1 the handler is not checked"

# form 1: manager 佐藤花子, worker 鈴木一郎 (w-001)
expect_exit 0 "$ITAKU" form submit 1 "$FORM1_BODY"
expect_refused "The handler '鈴木一朗' is not on acme's form 1 \\(neither its manager, a supervisor nor a worker\\)\\. Write the name as form 1 has it.*Closest names on form 1: 鈴木一郎" \
    reg --item-id A-1 --handler "鈴木一朗" --occurred-at "$(day 0)T09:00:00+09:00"
expect_refused "The handler 'Suzuki' is not on acme's form 1" \
    reg --item-id A-1 --handler "Suzuki" --occurred-at "$(day 0)T09:00:00+09:00"
# in Japanese: one sentence naming the field as form 3 does (取扱者), no id
# hint for a name, what to do
expect_refused "取扱者「鈴木一朗」は株式会社アクメの様式第1号に記載された者（管理責任者・監督者・作業従事者）ではありません。様式第1号どおりの氏名を記入するか.*様式第1号にある近い氏名: 鈴木一郎" \
    "${JA[@]}" "$ITAKU" register add --action received --medium usb --quantity 1 --info "住民データ" \
    --method hand-delivery --item-id A-1 --handler "鈴木一朗" --occurred-at "$(day 0)T09:00:00+09:00"
grep -E 'handler|ID を確かめて' "$T/err" && fail "the Japanese refusal shows a field code or an id hint"
# the twins: as form 1 has them, with a space, a full-width space, full-width
# letters, or the worker_id
i=1
for h in "鈴木一郎" "鈴木 一郎" "鈴木　一郎" "佐藤　花子" "W-001" "ｗ－００１"; do
    expect_exit 0 reg --item-id "A-1$i" --handler "$h" --occurred-at "$(day 0)T09:0$i:00+09:00"
    i=$((i + 1))
done
ok "a handler form 1 does not name is refused with the closest names; its names in any spacing or width are taken"

# a person's name is one line with no spaces around it: a line break, a tab,
# a C1 control, a line separator or a space at either end is refused at
# write time, naming the field and the character, and writes nothing
expect_refused "The name in handler, '鈴木<U\\+000A>一郎', holds a line break or another control character \\(U\\+000A\\)" \
    reg --item-id A-3 --handler $'鈴木\n一郎' --occurred-at "$(day 0)T10:00:00+09:00"
for h in $'鈴木\t一郎' $'鈴木\u0085一郎' $'鈴木\u2028一郎' $'鈴木\r一郎'; do
    expect_refused "The name in handler, .*, holds a line break or another control character" \
        reg --item-id A-3 --handler "$h" --occurred-at "$(day 0)T10:00:00+09:00"
done
for h in " 佐藤　花子" "佐藤花子 " "　佐藤花子" "佐藤花子　"; do
    expect_refused "The name in handler, '.*', starts or ends with a space" \
        reg --item-id A-3 --handler "$h" --occurred-at "$(day 0)T10:00:00+09:00"
done
expect_refused "The name in verifier, '.*', holds a line break" \
    reg --item-id A-3 --handler "佐藤花子" --verifier $'鈴木\n一郎' --occurred-at "$(day 0)T10:00:00+09:00"
expect_refused "取扱者の「鈴木<U\\+000A>一郎」に改行などの制御文字（U\\+000A）が含まれています" \
    "${JA[@]}" "$ITAKU" register add --action received --medium usb --quantity 1 --info "住民データ" \
    --method hand-delivery --item-id A-3 --handler $'鈴木\n一郎' --occurred-at "$(day 0)T10:00:00+09:00"
# form 1 too: a worker's name on two lines
python3 - "$FORM1_BODY" "$T/form1-nl.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["filing_type"] = "change"
f["workers"][0]["name"] = "鈴木\n一郎"
json.dump(f, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_refused "The name in workers\\[0\\].name, '鈴木<U\\+000A>一郎', holds a line break" \
    "$ITAKU" form submit 1 "$T/form1-nl.json"
expect_refused "作業従事者の氏名の「鈴木<U\\+000A>一郎」に改行" "${JA[@]}" "$ITAKU" form submit 1 "$T/form1-nl.json"
# the twin: one line, a space (any width) between family and given name
expect_exit 0 reg --item-id A-3 --handler "佐藤　花子" --verifier "鈴木 一郎" \
    --occurred-at "$(day 0)T10:00:00+09:00"
ok "a name with a line break, tab, C1 control, line separator or spaces around it is refused; on one line it is taken"

# 異体字: a name that differs from form 1's only by a variant form of a kanji
# (KANJIDIC2, Unihan) is that person, said in a note; 斉 and 斎 are two
# kanji (the data pairs neither), 一朗 and 一郎 two names
python3 - "$FORM1_BODY" "$T/form1-change.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["filing_type"] = "change"
w = f["workers"][0]
f["workers"] += [dict(w, name="高橋 一郎", worker_id="w-002"), dict(w, name="斎藤次郎", worker_id="w-003")]
json.dump(f, open(sys.argv[2], "w"), ensure_ascii=False)
PY
expect_exit 0 "$ITAKU" form submit 1 "$T/form1-change.json"
expect_exit 0 reg --item-id V-1 --handler "髙橋一郎" --occurred-at "$(day 2)T09:00:00+09:00"
expect_output "note: The handler '髙橋一郎' is taken as '高橋 一郎' of acme's form 1: the two names differ only in variant forms of the same kanji"
r=$(cat "$T/out")
git show "HEAD:parties/acme/register/$r.json" | has '"handler": "髙橋一郎"' || fail "the handler is not stored as typed"
expect_exit 0 "${JA[@]}" "$ITAKU" register add --action received --medium usb --quantity 1 \
    --info "住民データ" --method hand-delivery --item-id V-2 --handler "齋藤次郎" \
    --occurred-at "$(day 2)T09:01:00+09:00"
expect_output "取扱者「齋藤次郎」を株式会社アクメの様式第1号の「斎藤次郎」とみなしました"
expect_refused "The handler '斉藤次郎' is not on acme's form 1.*Closest names on form 1: 斎藤次郎" \
    reg --item-id V-3 --handler "斉藤次郎" --occurred-at "$(day 2)T09:02:00+09:00"
expect_refused "The handler '鈴木一朗' is not on acme's form 1" \
    reg --item-id V-3 --handler "鈴木一朗" --occurred-at "$(day 2)T09:02:00+09:00"
expect_exit 0 reg --item-id V-4 --handler "高橋一郎" --occurred-at "$(day 2)T09:03:00+09:00"
grep -q 'variant' "$T/err" && fail "a name as form 1 has it gets a variant note"
ok "髙橋一郎 and 齋藤次郎 are form 1's 高橋 一郎 and 斎藤次郎, with a note; 斉藤次郎 and 鈴木一朗 are refused"

# the truth stays recordable: someone not (yet) on form 1
expect_exit 0 reg --item-id A-2 --handler "田中三郎" --unverified-ref --reason "応援要員、変更届提出予定" \
    --occurred-at "$(day 1)T09:00:00+09:00"
r=$(cat "$T/out")
git show "HEAD:parties/acme/register/$r.json" >"$T/rec.json"
python3 - "$T/rec.json" <<'PY' || fail "the record does not hold the unverified handler"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["refs"] == {"unverified": [{"field": "handler", "ref": "田中三郎", "reason": "応援要員、変更届提出予定"}]}, r
assert r["body"]["handler"] == "田中三郎", r
PY
"$ITAKU" status --party acme --json --at "$(day 8)" >"$T/out" 2>"$T/err" || true
python3 - "$T/out" "$r" <<'PY' || fail "status --json lacks the unverified handler"
import json, sys
s = json.load(open(sys.argv[1]))
mine = [f for f in s["findings"] if f["rule"] == "reference_unverified" and f["record"] == "acme/" + sys.argv[2]]
assert len(mine) == 1 and "田中三郎" in json.dumps(mine[0], ensure_ascii=False), mine
PY
expect_exit 0 "$ITAKU" verify
ok "--unverified-ref --reason records an unknown handler; status shows it"
finish
