#!/usr/bin/env bash
# po/ja.po is complete (issue 17): the messages are extracted again from the
# sources with xgettext (po/extract.sh), and every one of them must be in
# po/ja.po, translated and not fuzzy; the catalogue passes `msgfmt --check`
# (placeholders of the same number, order and type as the English).
. "$(dirname "$0")/lib.sh"

# The source folders whose messages must all be translated: the library's
# (core) and the command's (cli), the whole tree.
SCOPE=${ITAKU_MESSAGES_SCOPE:-core cli}

command -v xgettext >/dev/null || fail "xgettext (package gettext) is needed"
# shellcheck disable=SC2086
bash "$SRC/po/extract.sh" "$T/itaku.pot" $SCOPE 2>"$T/xgettext.err" ||
    { cat "$T/xgettext.err" >&2; fail "xgettext could not extract the messages"; }
n=$(grep -c '^msgid ' "$T/itaku.pot" || true)
[ "$n" -gt 100 ] || fail "only $n messages extracted from $SCOPE: the keywords are wrong"
ok "$((n - 1)) messages extracted from $SCOPE"

msgfmt --check -o /dev/null "$SRC/po/ja.po" || fail "msgfmt --check refuses po/ja.po"
ok "msgfmt --check accepts po/ja.po"

# msgcmp counts an untranslated or fuzzy entry as missing
if ! msgcmp "$SRC/po/ja.po" "$T/itaku.pot" 2>"$T/cmp.err"; then
    msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$T/merged.po" "$SRC/po/ja.po" "$T/itaku.pot"
    msgattrib --untranslated --no-obsolete --no-wrap "$T/merged.po" >"$T/missing.po" || true
    echo "$(grep -c '^msgid ' "$T/missing.po" || true) entries (with the header) are missing, e.g.:" >&2
    grep -E '^(#:|msgid )' "$T/missing.po" | sed -n '3,22p' >&2
    fail "po/ja.po lacks translations: msgmerge --update po/ja.po the template of po/extract.sh, then translate"
fi
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$SRC/po/ja.po" | grep -c '^msgid ' || true)
[ "$fuzzy" = 0 ] || fail "po/ja.po has fuzzy entries (msgattrib --only-fuzzy po/ja.po)"
ok "every message of $SCOPE is translated in po/ja.po, none fuzzy"
