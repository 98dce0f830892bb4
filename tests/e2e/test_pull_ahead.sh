#!/usr/bin/env bash
# `pull` with nothing new to take, while this clone's main holds commits of
# its own not pushed yet (found by a city officer's trial: it said 「最新の
# 状態」, which reads as if nothing were left to do): it says how many
# commits the parent's main lacks and to send them with itaku push, in
# English and Japanese; with none of its own it is up to date as before.
source "$(dirname "$0")/lib.sh"

setup_city_and_contractor
cd "$T/acme"
expect_exit 0 "$ITAKU" pull
expect_output "^Already up to date with the parent's main\.$"
register_item 0001 | expect_exit 0 "$ITAKU" register add --file -
register_item 0002 | expect_exit 0 "$ITAKU" register add --file -
expect_exit 0 "$ITAKU" pull
expect_output "^Nothing new to pull: main holds the parent's main already, and 2 commits of its own that the parent's main lacks, not pushed yet; send them with itaku push\.$"
grep -q "up to date" "$T/out" && fail "pull says up to date with 2 commits not pushed: $(cat "$T/out")"
expect_exit 0 env LANG=ja_JP.UTF-8 "$ITAKU" pull
expect_output "^取り込む新しいものはありません。main は上位の当事者の main をすでに含み、さらに上位の main にない自分のコミットが 2 件あります（まだ送っていません）。itaku push で送ってください。$"
grep -q "最新の状態" "$T/out" && fail "pull says 最新の状態 with 2 commits not pushed: $(cat "$T/out")"
ok "pull with nothing new and 2 commits not pushed says so and names itaku push (English and Japanese)"
finish
