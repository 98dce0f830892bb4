#!/usr/bin/env bash
# A subcommand that does not exist (`itaku register list`, found by a city
# officer's trial) is named as typed, shown safely, with the subcommands that
# exist, on one line and exit 2, for every command that has subcommands, on
# an English and a Japanese screen; no help text buries it. An option typed
# where the subcommand goes (`itaku register --party acme`) asks for the
# subcommand first.
source "$(dirname "$0")/lib.sh"

cd "$T"
for cmd in attachment bundle contract export form incident key party record register remote \
    request server; do
    expect_exit 2 "$ITAKU" "$cmd" list-all
    expect_output "^itaku $cmd: there is no subcommand 'list-all' of $cmd; its subcommands are [a-z]"
    [ "$(wc -l <"$T/err")" = 1 ] || { cat "$T/err" >&2; fail "$cmd list-all printed more than one line"; }
    # every subcommand named works as a word of the command (its --help)
    subs=$(sed -n "s/.*its subcommands are \(.*\) (\`itaku.*/\1/p" "$T/err" | tr -d ',')
    [ -n "$subs" ] || fail "$cmd: no subcommands listed"
    for s in $subs; do
        "$ITAKU" "$cmd" "$s" --help >/dev/null 2>&1 || fail "$cmd lists '$s', which is not a subcommand"
    done
done
ok "each command with subcommands names the one typed and lists the ones it has"

expect_exit 2 "$ITAKU" register list
expect_output "there is no subcommand 'list' of register; its subcommands are add, export"
expect_exit 2 "${JA[@]}" "$ITAKU" register list
expect_output "register にサブコマンド 'list' はありません。register のサブコマンドは add, export です"
ok "itaku register list says there is no such subcommand, in English and in Japanese"

expect_exit 2 "$ITAKU" register $'li\e[31mst'
grep -q $'\e' "$T/err" && fail "the typed word reached the screen with its escape byte"
expect_output "'li.x1b\[31mst'"
ok "what was typed is shown safely (an escape byte as \\x1b)"

# an option where the subcommand goes: asked for the subcommand first
expect_exit 2 "${JA[@]}" "$ITAKU" register --party acme
expect_output "'--party' のようなオプションの前に、register のサブコマンド（add, export）のどれかを指定してください"
[ "$(wc -l <"$T/err")" = 1 ] || { cat "$T/err" >&2; fail "register --party printed more than one line"; }
expect_exit 2 "$ITAKU" key --name x
expect_output "^itaku key: give one of its subcommands \(generate, .*\) before an option such as '--name'"
ok "an option typed where the subcommand goes asks for the subcommand first, in English and in Japanese"

# a word one or two letters off names the one meant, as git does; a word
# near none of them, or near two alike, names none
expect_exit 2 "$ITAKU" reigster add
expect_output "^itaku: 'reigster' is not an itaku command; did you mean \`itaku register\`\?"
expect_exit 2 "${JA[@]}" "$ITAKU" verfy
expect_output "'verfy' は itaku のコマンドではありません。\`itaku verify\` のことですか？"
expect_exit 2 "$ITAKU" register exprot
expect_output "there is no subcommand 'exprot' of register; did you mean \`itaku register export\`\? Its subcommands are add, export"
expect_exit 2 "${JA[@]}" "$ITAKU" key genrate
expect_output "\`itaku key generate\` のことですか？"
for far in xyz re reciept; do
    expect_exit 2 "$ITAKU" "$far"
    expect_output "^itaku: '$far' is not an itaku command; see \`itaku help\`$"
done
ok "a mistyped command or subcommand names the one meant; a word near none names none"

expect_exit 0 "$ITAKU" register --help
expect_output "^Commands:"
ok "register --help still prints the help"
finish
