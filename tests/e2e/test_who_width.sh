#!/usr/bin/env bash
# `who`'s table stays aligned whatever the names are written in (found by a
# city officer's trial: ＪＯＨＮ ＳＭＩＴＨ pushed the next column right):
# full-width letters, kana and kanji take two terminal columns, half-width
# katakana one (libunistring's East Asian Width), and each column is as wide
# as its widest value.
source "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
python3 - "$FORM1_BODY" >"$T/form1.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
for i, name in enumerate(["ＪＯＨＮ ＳＭＩＴＨ", "スズキ イチロウ", "髙橋 一郎", "Al"]):
    b["workers"].append(dict(b["workers"][0], name=name, worker_id="w-1%02d" % i))
print(json.dumps(b, ensure_ascii=False))
PY
expect_exit 0 "$ITAKU" form submit 1 "$T/form1.json"
i=0
for info in 'ｼﾞｭｳﾐﾝ ﾃﾞｰﾀ' '住民記録データ（全件抽出、令和８年度分）' 'ＡＢＣ' 'abc'; do
    i=$((i + 1))
    expect_exit 0 "$ITAKU" register add --action received --item-id "ｱｲﾃﾑ-$i" --info "$info" \
        --medium usb --quantity 1 --handler '鈴木一郎' --method hand-delivery \
        --occurred-at "$(day 0)T10:00:00+09:00"
done
for lang in C.UTF-8 ja_JP.UTF-8; do
    expect_exit 0 env LANG=$lang "$ITAKU" who
    python3 - "$T/out" <<'PY' || fail "who's columns are not aligned ($lang): $(cat "$T/out")"
import re, sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
def starts(values):
    """the column where the text after each value (and its padding) starts"""
    found = {}
    for l in lines:
        for v in values:
            k = l.find(v)
            if k >= 0 and l[k + len(v):k + len(v) + 1] == " ":
                rest = l[k + len(v):]
                found[v] = cols(l[:k + len(v)]) + len(rest) - len(rest.lstrip(" "))
    assert len(found) == len(values), (values, found)
    return found
w = starts(["ＪＯＨＮ ＳＭＩＴＨ", "スズキ イチロウ", "髙橋 一郎", " Al"])
assert len(set(w.values())) == 1, w
h = starts(["ｼﾞｭｳﾐﾝ ﾃﾞｰﾀ", "住民記録データ（全件抽出、令和８年度分）", "ＡＢＣ", " abc"])
assert len(set(h.values())) == 1, h
ids = starts(["ｱｲﾃﾑ-1", "ｱｲﾃﾑ-2", "ｱｲﾃﾑ-3", "ｱｲﾃﾑ-4"])
assert len(set(ids.values())) == 1, ids
PY
done
ok "who: workers' names (ＪＯＨＮ ＳＭＩＴＨ, kana, kanji) and the items held (ｼﾞｭｳﾐﾝ ﾃﾞｰﾀ, kanji, ＡＢＣ) line up"

# log and history: a principal named ＪＯＨＮ ＳＭＩＴＨ does not push its
# rows' commits right of the others'
expect_exit 0 "$ITAKU" key rename --principal manager --name "ＪＯＨＮ ＳＭＩＴＨ"
expect_exit 0 "$ITAKU" register add --action received --item-id "ｱｲﾃﾑ-5" --info 'ｶﾅ' \
    --medium usb --quantity 1 --handler '鈴木一郎' --method hand-delivery
R5=$(cat "$T/out")
aligned() { # FILE WHAT: every commit id (12 hex digits) of FILE starts at one column
    python3 - "$1" <<'PY' || fail "$2's commits are not aligned: $(cat "$1")"
import re, sys, unicodedata
def cols(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
at = set()
for l in open(sys.argv[1], encoding="utf-8").read().splitlines():
    m = re.search(r"(?<![0-9a-f])[0-9a-f]{12}  ", l)
    if m:
        at.add(cols(l[:m.start()]))
assert len(at) == 1, at
PY
}
for lang in C.UTF-8 ja_JP.UTF-8; do
    expect_exit 0 env LANG=$lang "$ITAKU" log
    grep -q "ＪＯＨＮ ＳＭＩＴＨ" "$T/out" || fail "log ($lang) does not name ＪＯＨＮ ＳＭＩＴＨ: $(cat "$T/out")"
    aligned "$T/out" "log ($lang)"
    expect_exit 0 env LANG=$lang "$ITAKU" history "$R5"
    aligned "$T/out" "history ($lang)"
done
ok "log and history: a principal named ＪＯＨＮ ＳＭＩＴＨ keeps the commit column in place"
finish
