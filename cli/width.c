/* Display width of UTF-8 text in a terminal: CJK and full-width characters
 * take two columns, so tables mixing Japanese and ASCII stay aligned. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int wide(unsigned cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
           (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
           (cp >= 0x20000 && cp <= 0x3FFFD);
}

int cli_display_width(const char *s)
{
    int w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        int n;
        if (*p < 0x80)
            cp = *p, n = 1;
        else if ((*p & 0xE0) == 0xC0)
            cp = *p & 0x1F, n = 2;
        else if ((*p & 0xF0) == 0xE0)
            cp = *p & 0x0F, n = 3;
        else
            cp = *p & 0x07, n = 4;
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                n = i;
                break;
            }
            cp = cp << 6 | (p[i] & 0x3F);
        }
        p += n;
        if (cp >= 0x20 && !(cp >= 0x300 && cp <= 0x36F))
            w += wide(cp) ? 2 : 1;
    }
    return w;
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
