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
 * LC_MESSAGES or LANG) is Japanese too. `itaku --man` stays English. A run
 * with --json sets cli_json_run: its messages on standard error speak the
 * user's language like any run's, while what it writes on standard output
 * (a program reads it) never changes with the language: cli_screen_lang()
 * is "en" there, and core text that goes into the JSON is made between
 * cli_english_begin and cli_english_end. argc, argv: main's. Called once,
 * first thing in main. */
void cli_i18n_init(int argc, char **argv);

/* 1 in a run with --json (set by cli_i18n_init), else 0. */
extern int cli_json_run;

/* Between these two, messages (the CLI's and the library's) are English in
 * this thread whatever the locale, e.g. core's verify problems that a --json
 * answer carries. end goes back to the locale cli_i18n_init chose. */
void cli_english_begin(void);
void cli_english_end(void);

#endif
