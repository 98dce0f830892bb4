/* Messages of the library in the user's language (gettext, text domain
 * "itaku"). The library never calls setlocale; the program using it does
 * (the CLI does, once, in cli_i18n_init). Without a catalogue, or in a
 * locale with no translation, dgettext returns the English text itself. */
#ifndef ITAKU_UTIL_INTL_H
#define ITAKU_UTIL_INTL_H

#include <libintl.h>

#define ITK_TEXT_DOMAIN "itaku"
/* A message translated now. */
#define itk__(s) dgettext(ITK_TEXT_DOMAIN, s)
/* A message marked for xgettext, translated later where it is used. */
#define ITK_N_(s) s
/* A message with a number: the singular and plural, chosen by n. */
#define itk_n_(s, p, n) dngettext(ITK_TEXT_DOMAIN, s, p, n)

#endif
