/* NFKC and label folding with libunistring: see itaku/textnorm.h. */
#include "itaku/textnorm.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>
#include <uniwidth.h>

#include "alloc.h"
#include "itaku/errors.h"
#include "itaku/utf8.h"

int itk_nfkc(itk_buf *out, const char *s, size_t len)
{
    if (len > ITK_TEXTNORM_MAX)
        return itk_error_set(ITK_ETOOBIG, "text of %zu bytes is longer than %d", len,
                             ITK_TEXTNORM_MAX);
    if (!itk_utf8_is_valid(s, len))
        return itk_error_set(ITK_EINVALID, "the text is not valid UTF-8");
    size_t n = 0;
    uint8_t *r = u8_normalize(UNINORM_NFKC, (const uint8_t *)s, len, NULL, &n);
    if (!r && len)
        return itk_error_nomem();
    itk_buf_clear(out);
    int rc = itk_buf_put(out, r ? (const char *)r : "", n);
    free(r);
    return rc;
}

int itk_kana_fullwidth(itk_buf *out, const char *s)
{
    size_t len = strlen(s);
    if (!itk_utf8_is_valid(s, len))
        return itk_error_set(ITK_EINVALID, "the text is not valid UTF-8");
    itk_buf run = ITK_BUF_INIT;
    int rc = 0;
    itk_buf_clear(out);
    for (size_t i = 0; !rc && i < len;) {
        /* U+FF61..U+FF9F: EF BD A1..BF, EF BE 80..9F */
        size_t j = i;
        while (j + 2 < len && (unsigned char)s[j] == 0xEF &&
               (((unsigned char)s[j + 1] == 0xBD && (unsigned char)s[j + 2] >= 0xA1) ||
                ((unsigned char)s[j + 1] == 0xBE && (unsigned char)s[j + 2] <= 0x9F)))
            j += 3;
        if (j > i) {
            /* a run of them, with its sound marks, as NFKC composes it */
            if (!(rc = itk_nfkc(&run, s + i, j - i)))
                rc = itk_buf_put(out, run.ptr, run.size);
            i = j;
        } else {
            size_t k = itk_utf8_seq_len((const unsigned char *)s + i, len - i);
            rc = itk_buf_put(out, s + i, k ? k : 1);
            i += k ? k : 1;
        }
    }
    if (!rc && !out->ptr)
        rc = itk_buf_puts(out, "");
    itk_buf_dispose(&run);
    return rc;
}

/* The dash look-alikes NFKC leaves as they are (UTF-8). */
static const char *const dashes[] = {"\xE3\x83\xBC", /* U+30FC ー */
                                     "\xE2\x88\x92", /* U+2212 − */
                                     "\xE2\x80\x90", /* U+2010 ‐ */
                                     "\xE2\x80\x91", /* U+2011 ‑ */
                                     "\xE2\x80\x92", /* U+2012 ‒ */
                                     "\xE2\x80\x93", /* U+2013 – */
                                     "\xE2\x80\x94", /* U+2014 — */
                                     "\xE2\x80\x95", /* U+2015 ― */
                                     NULL};

/* out = the n bytes at r with each dash look-alike made '-'. */
static int put_dashes_folded(itk_buf *out, const uint8_t *r, size_t n)
{
    int rc = 0;
    itk_buf_clear(out);
    for (size_t i = 0; i < n && !rc;) {
        size_t k = 0;
        for (const char *const *d = dashes; *d && !k; d++)
            if (n - i >= 3 && memcmp(r + i, *d, 3) == 0)
                k = 3;
        if (k) {
            rc = itk_buf_putc(out, '-');
            i += k;
        } else
            rc = itk_buf_putc(out, (char)r[i++]);
    }
    if (!rc && !n)
        rc = itk_buf_puts(out, "");
    return rc;
}

/* The folds of itk_label_key (fold_case: with case folding) of s. */
static int fold(itk_buf *out, const char *s, int fold_case)
{
    size_t len = strlen(s);
    if (len > ITK_TEXTNORM_MAX)
        return fold_case ? itk_error_set(ITK_ETOOBIG, "a label of %zu bytes is longer than %d", len,
                                         ITK_TEXTNORM_MAX)
                         : itk_error_set(ITK_ETOOBIG, "a number of %zu bytes is longer than %d",
                                         len, ITK_TEXTNORM_MAX);
    if (!itk_utf8_is_valid(s, len))
        return fold_case ? itk_error_set(ITK_EINVALID, "the label is not valid UTF-8")
                         : itk_error_set(ITK_EINVALID, "the number is not valid UTF-8");
    size_t n = 0;
    /* NFKC after folding: u8_casefold normalises its result as asked */
    uint8_t *r = fold_case ? u8_casefold((const uint8_t *)s, len, NULL, UNINORM_NFKC, NULL, &n)
                           : u8_normalize(UNINORM_NFKC, (const uint8_t *)s, len, NULL, &n);
    if (!r && len)
        return itk_error_nomem();
    int rc = put_dashes_folded(out, r, n);
    free(r);
    return rc;
}

int itk_label_key(itk_buf *out, const char *label)
{
    return fold(out, label, 1);
}

int itk_number_typed(itk_buf *out, const char *typed)
{
    return fold(out, typed, 0);
}

int itk_label_equal(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    if (strcmp(a, b) == 0)
        return 1;
    /* ASCII alone: NFKC leaves it as it is and folding is tolower */
    int ascii = 1;
    for (const char *p = a; *p && ascii; p++)
        ascii = (unsigned char)*p < 0x80;
    for (const char *p = b; *p && ascii; p++)
        ascii = (unsigned char)*p < 0x80;
    if (ascii)
        return strcasecmp(a, b) == 0;
    itk_buf ka = ITK_BUF_INIT, kb = ITK_BUF_INIT;
    int eq = itk_label_key(&ka, a) == 0 && itk_label_key(&kb, b) == 0 && ka.size == kb.size &&
             memcmp(ka.ptr, kb.ptr, ka.size) == 0;
    itk_error_clear();
    itk_buf_dispose(&ka);
    itk_buf_dispose(&kb);
    return eq;
}

int itk_label_check(const char *label, size_t max_chars, const char *what)
{
    size_t len = strlen(label), chars = 0;
    if (!itk_utf8_is_valid(label, len))
        return itk_error_set(ITK_EINVALID, "the %s is not valid UTF-8 text", what);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)label[i];
        if (c < 0x20)
            return itk_error_set(ITK_EINVALID,
                                 "the %s '%.64s' contains a control character (U+%04X); use "
                                 "letters, digits, Japanese and hyphens",
                                 what, label, c);
        chars += (c & 0xC0) != 0x80;
    }
    if (chars == 0 || chars > max_chars)
        return itk_error_set(ITK_EINVALID,
                             "the %s '%.64s' must be 1 to %zu characters (it has %zu)", what, label,
                             max_chars, chars);
    if (label[0] == ' ' || label[len - 1] == ' ')
        return itk_error_set(ITK_EINVALID,
                             "the %s '%.64s' starts or ends with a space; leave the spaces out",
                             what, label);
    return 0;
}

int itk_text_width(const char *s)
{
    int w = 0;
    if (!s)
        return 0;
    const uint8_t *p = (const uint8_t *)s, *end = p + strlen(s);
    while (p < end) {
        ucs4_t cp;
        int n = u8_mbtouc(&cp, p, (size_t)(end - p));
        int cw = uc_width(cp, "UTF-8");
        w += cw < 0 ? 1 : cw;
        p += n > 0 ? n : 1;
    }
    return w;
}
