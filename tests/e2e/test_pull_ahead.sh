#!/usr/bin/env bash
# `pull` with nothing new to take, while this clone's main holds commits of
# its own not pushed yet (found by a city officer's trial: it said 「最新の
# 状態」, which reads as if nothing were left to do): it says how many
# commits the parent has not taken and how they go up (the parent's
# receive, a push to a shared remote, a bundle), in English and Japanese;
# with none of its own it is up to date as before. A push into the parent's
# registry folder (a clone's origin) says what to do instead, and a receive
# from a folder that is not there names the folder.
source "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
expect_exit 0 "$ITAKU" pull
expect_output "^Already up to date with the parent's main\.$"
register_item 0001 | expect_exit 0 "$ITAKU" register add --file -
register_item 0002 | expect_exit 0 "$ITAKU" register add --file -
expect_exit 0 "$ITAKU" pull
expect_output "^Nothing new to pull: main holds the parent's main already, and 2 commits of its own that the parent has not taken yet\. The party above takes them with itaku receive "
grep -q "up to date" "$T/out" && fail "pull says up to date with 2 commits not pushed: $(cat "$T/out")"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" pull
expect_output "^取り込む新しいものはありません。main は上位の当事者の main をすでに含み、上位の当事者がまだ受け取っていない自分のコミットが 2 件あります。上位の当事者が itaku receive で受け取ります"
grep -q "最新の状態" "$T/out" && fail "pull says 最新の状態 with 2 commits not pushed: $(cat "$T/out")"
ok "pull with nothing new and 2 commits not taken says so and how they go up (English and Japanese)"

# origin is the city's registry folder: a push there is refused, saying how
# the commits go up instead, and changes nothing there
city_main=$(git -C "$T/city" rev-parse main)
expect_exit 2 env LANG=ja_JP.UTF-8 "$ITAKU" push origin
expect_output "ファイルを持つ台帳のフォルダーで、itaku はそこへ push しません。何も push していません。上位の当事者が itaku receive acme とこの台帳のパスで"
grep -q "non-bare" "$T/err" && fail "push shows libgit2's words: $(cat "$T/err")"
[ "$(git -C "$T/city" rev-parse main)" = "$city_main" ] || fail "the refused push moved the city's main"
ok "a push into the parent's registry folder says to receive there instead, in Japanese"

# the city receives from a folder that is not there: named, not 'unsupported URL protocol'
cd "$T/city"
expect_exit 2 "$ITAKU" receive acme ../nosuch
expect_output "there is no folder \.\./nosuch \(looked for from .*city\); nothing was taken"
grep -qi "protocol" "$T/err" && fail "receive speaks of a URL protocol: $(cat "$T/err")"
ok "receive from a folder that is not there names the folder and where it looked"
finish
