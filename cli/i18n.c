/* Choosing the language once, at start (cli/i18n.h). */
#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ITAKU_LOCALEDIR
#define ITAKU_LOCALEDIR "/usr/local/share/locale"
#endif

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int cli_json_run;
static locale_t english_text;

/* 1 for --man (the manual pages generated at build time), which never
 * change with the language; 2 for a --json run, whose standard output (a
 * program reads it) stays English while its messages on standard error
 * speak the user's language; else 0. */
static int stays_english(int argc, char **argv)
{
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        if (strcmp(a, "--") == 0)
            break;
        if (k == 1 && strcmp(a, "--man") == 0)
            return 1;
        if (strcmp(a, "--json") == 0 || strncmp(a, "--json=", 7) == 0)
            return 2;
    }
    return 0;
}

void cli_english_begin(void)
{
    locale_t base = duplocale(LC_GLOBAL_LOCALE);
    english_text = base ? newlocale(LC_MESSAGES_MASK, "C", base) : (locale_t)0;
    if (!english_text && base)
        freelocale(base);
    if (english_text)
        uselocale(english_text);
}

void cli_english_end(void)
{
    uselocale(LC_GLOBAL_LOCALE);
    if (english_text)
        freelocale(english_text);
    english_text = (locale_t)0;
}

static int is_set(const char *name)
{
    const char *v = getenv(name);
    return v && *v;
}

void cli_i18n_init(int argc, char **argv)
{
    int english = stays_english(argc, argv) == 1;
    cli_json_run = stays_english(argc, argv) == 2;
    if (!english)
        setlocale(LC_MESSAGES, "");
    setlocale(LC_CTYPE, "");
    /* LANGUAGE=ja alone: gettext ignores LANGUAGE in the C locale, so when
     * no locale is chosen at all (LC_ALL, LC_MESSAGES and LANG unset) take
     * C.UTF-8, where it counts. LC_ALL=C keeps English whatever LANGUAGE
     * says (scripts rely on it). */
    const char *language = getenv("LANGUAGE");
    if (!english && language && *language && !is_set("LC_ALL") && !is_set("LC_MESSAGES") &&
        !is_set("LANG") && setlocale(LC_MESSAGES, "C.UTF-8"))
        setlocale(LC_CTYPE, "C.UTF-8");
    const char *dir = getenv("ITAKU_LOCALEDIR");
    static char beside[PATH_MAX];
    if (!dir || !*dir) {
        ssize_t n = readlink("/proc/self/exe", beside, sizeof(beside) - 1);
        if (n > 0 && (size_t)n < sizeof(beside) - 8) {
            beside[n] = '\0';
            char *slash = strrchr(beside, '/');
            if (slash) {
                strcpy(slash + 1, "locale");
                if (is_dir(beside))
                    dir = beside;
            }
        }
    }
    if (!dir || !*dir)
        dir = ITAKU_LOCALEDIR;
    bindtextdomain("itaku", dir);
    bind_textdomain_codeset("itaku", "UTF-8");
    textdomain("itaku");
}
