/* Helpers shared by the subcommands. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int cli_fail(const char *what)
{
    fprintf(stderr, "itaku: %s: %s\n", what, itk_error_last());
    return EXIT_ERROR;
}

int cli_usage(const char *usage, const char *fmt, ...)
{
    va_list ap;
    fputs("itaku: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: %s\n", usage);
    return EXIT_ERROR;
}

int cli_open_registry(itk_registry **reg)
{
    if (itk_registry_open(reg, ".") < 0)
        return cli_fail("cannot open the registry");
    return 0;
}

int cli_open_signer(itk_signer **signer, itk_registry *reg, const char *key_path)
{
    if (itk_signer_open(signer, reg, key_path, getenv("SSH_AUTH_SOCK")) < 0)
        return cli_fail("cannot sign");
    return 0;
}

void cli_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", stdout);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

int cli_color(int fd)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(fd) && !(nc && *nc);
}

static void progress_line(const char *what, size_t done, size_t total, void *payload)
{
    (void)payload;
    if (total && done >= total)
        fputs("\r\033[K", stderr); /* the stage is over: leave the line clean */
    else if (total)
        fprintf(stderr, "\r\033[K%s %zu/%zu", what, done, total);
    else
        fprintf(stderr, "\r\033[K%s…", what);
    fflush(stderr);
}

itk_progress_cb cli_progress(void)
{
    return isatty(2) ? progress_line : NULL;
}
