/* The CLI's messages through gettext (text domain "itaku", po/ja.po).
 * _() translates now; N_() marks a string in a table for xgettext, to be
 * translated with _() where it is printed; P_() chooses singular or plural. */
#ifndef ITAKU_CLI_I18N_H
#define ITAKU_CLI_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) s
#define P_(s, p, n) ngettext(s, p, n)

/* Sets LC_MESSAGES and LC_CTYPE from the environment (LANG, LC_ALL,
 * LANGUAGE) and binds the "itaku" catalogue. Numbers, dates and sorting keep
 * the C locale: documents, --json and ids never change with the language.
 * The catalogue is looked for in $ITAKU_LOCALEDIR, then in "locale" beside
 * the executable (a build tree), then in the installed LOCALEDIR. A locale
 * that is not installed leaves English. LANGUAGE=ja alone (no LC_ALL,
 * LC_MESSAGES or LANG) is Japanese too. A run with --json (and `itaku
 * --man`) keeps English messages whatever the locale: what a program reads
 * never changes with the language. argc, argv: main's. Called once, first
 * thing in main. */
void cli_i18n_init(int argc, char **argv);

#endif
