/* Valid UTF-8 from untrusted bytes: see itaku/utf8.h. */
#include "itaku/utf8.h"

#include <string.h>

#include "alloc.h"
#include "itaku/errors.h"

static int cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

size_t itk_utf8_seq_len(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    /* the lead byte, the range of the second byte, the sequence's length */
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong below U+0800 */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates U+D800..U+DFFF */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong below U+10000 */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else
        return 0; /* 0x80..0xC1 (continuation, overlong 2-byte), 0xF5..0xFF */
    if (len < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (!cont(s[i]))
            return 0;
    return n;
}

int itk_utf8_is_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = itk_utf8_seq_len(p + i, len - i);
        if (n == 0 || p[i] == 0)
            return 0;
        i += n;
    }
    return 1;
}

int itk_utf8_valid_copy(char **out, const char *s, size_t len, size_t *nreplaced)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t bad = 0;
    *out = NULL;
    if (nreplaced)
        *nreplaced = 0;
    /* each byte grows to at most 3 (U+FFFD); len is a size already held in
     * memory, so 3 * len + 1 overflows only for absurd lengths: refuse those */
    if (len > (((size_t)-1) - 1) / 3)
        return itk_error_nomem();
    char *o = itk_malloc(3 * len + 1);
    if (!o)
        return ITK_ENOMEM;
    size_t w = 0;
    for (size_t i = 0; i < len;) {
        size_t n = itk_utf8_seq_len(p + i, len - i);
        if (n == 0 || p[i] == 0) {
            memcpy(o + w, ITK_UTF8_REPLACEMENT, 3);
            w += 3;
            bad++;
            i++;
        } else {
            memcpy(o + w, p + i, n);
            w += n;
            i += n;
        }
    }
    o[w] = '\0';
    *out = o;
    if (nreplaced)
        *nreplaced = bad;
    return 0;
}

void itk_copy_utf8(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src ? src : "");
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}
