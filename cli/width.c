/* Display width of UTF-8 text in a terminal: CJK and full-width characters
 * take two columns, so tables mixing Japanese and ASCII stay aligned. */
#include "cli.h"
#include "itaku/textnorm.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* libunistring's East Asian Width (itk_text_width), not a table of our own */
int cli_display_width(const char *s)
{
    return itk_text_width(s);
}

void cli_heading(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        int width = va_arg(ap, int);
        const char *text = va_arg(ap, const char *);
        if (i + 1 < n) {
            cli_pad(text, width);
            putchar(' ');
        } else
            fputs(cli_safe(text), stdout);
    }
    va_end(ap);
    putchar('\n');
}

/* n spaces (none when n <= 0), a block at a time: a table of thousands of
 * rows pads every cell (issue 18) */
static void spaces(int n)
{
    static const char blank[] = "                                                                ";
    while (n > 0) {
        size_t k = (size_t)n < sizeof(blank) - 1 ? (size_t)n : sizeof(blank) - 1;
        fwrite(blank, 1, k, stdout);
        n -= (int)k;
    }
}

void cli_pad_right(const char *s, int width)
{
    s = cli_safe(s);
    spaces(width - cli_display_width(s));
    fputs(s, stdout);
}

void cli_pad(const char *s, int width)
{
    s = cli_safe(s);
    fputs(s, stdout);
    spaces(width - cli_display_width(s));
}
