/* Registry text made safe for a terminal, and commit messages made UTF-8:
 * see itaku/textsafe.h. */
#include "itaku/textsafe.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "itaku/errors.h"
#include "itaku/utf8.h"

/* An encoding name longer than this is no name iconv knows. */
#define MAX_ENCODING_NAME 40

/* The code point of the valid n-byte sequence at p. */
static uint32_t decode(const unsigned char *p, size_t n)
{
    if (n == 1)
        return p[0];
    uint32_t cp = p[0] & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (p[i] & 0x3F);
    return cp;
}

int itk_text_is_bidi(uint32_t cp)
{
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

int itk_text_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || itk_text_is_bidi(cp) || cp == 0x2028 ||
           cp == 0x2029;
}

int itk_text_safe(itk_buf *out, const char *s, size_t len, itk_text_mode mode, const char *indent)
{
    const unsigned char *p = (const unsigned char *)s;
    int rc = 0;
    if (!indent)
        indent = "  ";
    for (size_t i = 0; i < len && !rc;) {
        /* a run of printable ASCII at once (most of what a table shows) */
        size_t run = i;
        while (run < len && p[run] >= 0x20 && p[run] < 0x7F)
            run++;
        if (run > i) {
            rc = itk_buf_put(out, p + i, run - i);
            i = run;
            continue;
        }
        size_t n = itk_utf8_seq_len(p + i, len - i);
        if (n == 0) {
            rc = itk_buf_printf(out, "\\x%02x", p[i]);
            i++;
            continue;
        }
        uint32_t cp = decode(p + i, n);
        if (!itk_text_is_control(cp))
            rc = itk_buf_put(out, p + i, n);
        else if (cp == '\n' && mode == ITK_TEXT_BLOCK)
            rc = itk_buf_putc(out, '\n') || itk_buf_puts(out, indent) ? ITK_ENOMEM : 0;
        else if (cp == '\t' && mode == ITK_TEXT_BLOCK)
            rc = itk_buf_putc(out, '\t');
        else if (cp == '\n')
            rc = itk_buf_puts(out, "\\n");
        else if (cp == '\t')
            rc = itk_buf_puts(out, "\\t");
        else if (cp == '\r')
            rc = itk_buf_puts(out, "\\r");
        else if (cp < 0x80)
            rc = itk_buf_printf(out, "\\x%02x", (unsigned)cp);
        else
            rc = itk_buf_printf(out, "<U+%04X>", (unsigned)cp);
        i += n;
    }
    return rc ? ITK_ENOMEM : 0;
}

int itk_text_html(itk_buf *out, const char *s, size_t len, int br)
{
    const unsigned char *p = (const unsigned char *)s;
    int rc = 0;
    for (size_t i = 0; i < len && !rc;) {
        size_t n = itk_utf8_seq_len(p + i, len - i);
        uint32_t cp = n ? decode(p + i, n) : 0;
        if (n && !itk_text_is_control(cp)) {
            const char *ent = cp == '&'   ? "&amp;"
                              : cp == '<' ? "&lt;"
                              : cp == '>' ? "&gt;"
                              : cp == '"' ? "&quot;"
                                          : NULL;
            rc = ent ? itk_buf_puts(out, ent) : itk_buf_put(out, p + i, n);
        } else if (n && cp == '\n' && br)
            rc = itk_buf_puts(out, "<br>");
        else if (n && cp == '\t')
            rc = itk_buf_putc(out, ' ');
        else if (!n)
            rc =
                itk_buf_printf(out, "<span class=\"" ITK_TEXT_HTML_CLASS "\">\\x%02x</span>", p[i]);
        else if (cp == '\n')
            rc = itk_buf_puts(out, "<span class=\"" ITK_TEXT_HTML_CLASS "\">\\n</span>");
        else if (cp < 0x80)
            rc = itk_buf_printf(out, "<span class=\"" ITK_TEXT_HTML_CLASS "\">\\x%02x</span>",
                                (unsigned)cp);
        else
            rc = itk_buf_printf(
                out, "<span class=\"" ITK_TEXT_HTML_CLASS "\">&lt;U+%04X&gt;</span>", (unsigned)cp);
        i += n ? n : 1;
    }
    return rc ? ITK_ENOMEM : 0;
}

int itk_text_find_refused(const char *s, size_t len, uint32_t *cp, size_t *chars)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t count = 0;
    for (size_t i = 0; i < len; count++) {
        size_t n = itk_utf8_seq_len(p + i, len - i);
        if (n == 0) {
            i++;
            continue;
        }
        uint32_t c = decode(p + i, n);
        if (c != '\t' && c != '\n' && c != '\r' &&
            (c < 0x20 || (c >= 0x7F && c <= 0x9F) || itk_text_is_bidi(c))) {
            *cp = c;
            *chars = count;
            return 1;
        }
        i += n;
    }
    return 0;
}

static int is_utf8_name(const char *e)
{
    return !e || !*e || strcasecmp(e, "UTF-8") == 0 || strcasecmp(e, "UTF8") == 0;
}

/* A name that may be handed to iconv and shown: letters, digits and -_.:
 * (no '/', which would ask glibc for //TRANSLIT or //IGNORE). */
static int plain_name(const char *e)
{
    size_t n = strlen(e);
    if (n == 0 || n > MAX_ENCODING_NAME)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = e[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':'))
            return 0;
    }
    return 1;
}

/* iconv from encoding to UTF-8, all or nothing: 0 with *out, 1 when the
 * name is unknown or the bytes are not valid in it, ITK_ENOMEM. */
static int iconv_all(char **out, size_t *outlen, const char *s, size_t len, const char *encoding)
{
    *out = NULL;
    *outlen = 0;
    iconv_t cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1)
        return 1;
    size_t cap = len > (((size_t)-1) - 16) / 4 ? 0 : 4 * len + 16;
    char *buf = cap ? itk_malloc(cap) : NULL;
    int rc = buf ? 0 : ITK_ENOMEM;
    char *in = (char *)s, *o = buf;
    size_t inleft = len, outleft = cap ? cap - 1 : 0;
    while (!rc) {
        size_t r = iconv(cd, inleft ? &in : NULL, &inleft, &o, &outleft);
        if (r != (size_t)-1 && inleft == 0) {
            /* flush a stateful encoding's shift back to the initial state */
            if (iconv(cd, NULL, NULL, &o, &outleft) == (size_t)-1)
                rc = 1;
            break;
        }
        if (r == (size_t)-1 && errno == E2BIG && cap < (((size_t)-1) / 2)) {
            size_t used = (size_t)(o - buf);
            char *bigger = itk_realloc_array(buf, cap * 2, 1);
            if (!bigger) {
                rc = ITK_ENOMEM;
                break;
            }
            buf = bigger;
            cap *= 2;
            o = buf + used;
            outleft = cap - 1 - used;
            continue;
        }
        rc = 1; /* EILSEQ, EINVAL (truncated sequence) */
    }
    iconv_close(cd);
    if (rc) {
        free(buf);
        return rc;
    }
    *o = '\0';
    *out = buf;
    *outlen = (size_t)(o - buf);
    return 0;
}

int itk_text_to_utf8(char **out, const char *s, size_t len, const char *encoding,
                     char note[ITK_TEXT_NOTE_MAX])
{
    *out = NULL;
    note[0] = '\0';
    const char *named = NULL; /* a header naming an encoding iconv could not use */
    if (!is_utf8_name(encoding)) {
        named = "the encoding its header names";
        if (plain_name(encoding)) {
            char *decoded = NULL;
            size_t dlen = 0;
            int rc = iconv_all(&decoded, &dlen, s, len, encoding);
            if (rc == ITK_ENOMEM)
                return rc;
            /* itk_utf8_is_valid refuses a NUL decoded: not text */
            if (rc == 0 && itk_utf8_is_valid(decoded, dlen)) {
                snprintf(note, ITK_TEXT_NOTE_MAX, "decoded from %s", encoding);
                *out = decoded;
                return 0;
            }
            free(decoded);
            named = encoding;
        }
    }
    size_t bad = 0;
    int rc = itk_utf8_valid_copy(out, s, len, &bad);
    if (rc)
        return rc;
    if (bad)
        snprintf(note, ITK_TEXT_NOTE_MAX, "not valid in %s: %zu byte%s shown as U+FFFD",
                 named ? named : "UTF-8", bad, bad == 1 ? "" : "s");
    else if (named)
        snprintf(note, ITK_TEXT_NOTE_MAX, "not decoded from %s: read as UTF-8", named);
    return 0;
}

/* A space, an invisible format character, or a letter drawn blank
 * (itk_text_visible): the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0),
 * the braille blank U+2800, the Khmer inherent vowels U+17B4/U+17B5, the
 * combining grapheme joiner U+034F, U+061C, direction marks and isolates,
 * variation selectors and the tag characters (Unicode's
 * Default_Ignorable_Code_Point, less what is_control already names). */
static int is_blank(uint32_t cp)
{
    return cp == ' ' || cp == 0xA0 || cp == 0x034F || cp == 0x061C || cp == 0x115F ||
           cp == 0x1160 || cp == 0x1680 || (cp >= 0x17B4 && cp <= 0x17B5) ||
           (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x2000 && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202F) || cp == 0x205F || (cp >= 0x2060 && cp <= 0x206F) ||
           cp == 0x2800 || cp == 0x3000 || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) ||
           cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0x1BCA0 && cp <= 0x1BCA3) ||
           (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

int itk_text_visible(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = s ? strlen(s) : 0;
    for (size_t i = 0; i < len;) {
        size_t n = itk_utf8_seq_len(p + i, len - i);
        if (n == 0) {
            i++;
            continue;
        }
        uint32_t cp = decode(p + i, n);
        if (!itk_text_is_control(cp) && !is_blank(cp))
            return 1;
        i += n;
    }
    return 0;
}
