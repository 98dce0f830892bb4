/* Strict base64 and the BEGIN/END armor around it (signatures, private key
 * files). Parsing goes through the bounded reader; this file knows nothing of
 * what the decoded bytes mean. */
#include "base64.h"
#include "alloc.h"

#include <openssl/crypto.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "itaku/errors.h"
#include "reader.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int value_of(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static int encode(itk_buf *out, const unsigned char *in, size_t len, size_t width)
{
    size_t col = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        size_t n = len - i < 3 ? len - i : 3;
        if (n > 1)
            v |= (uint32_t)in[i + 1] << 8;
        if (n > 2)
            v |= in[i + 2];
        char quad[4] = {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63],
                        n > 1 ? alphabet[(v >> 6) & 63] : '=', n > 2 ? alphabet[v & 63] : '='};
        for (int k = 0; k < 4; k++) {
            if (width && col == width) {
                int rc = itk_buf_putc(out, '\n');
                if (rc)
                    return rc;
                col = 0;
            }
            int rc = itk_buf_putc(out, quad[k]);
            if (rc)
                return rc;
            col++;
        }
    }
    return itk_buf_put(out, "", 0);
}

int itk_base64_encode(itk_buf *out, const void *data, size_t len)
{
    return encode(out, data, len, 0);
}

int itk_base64_encode_wrapped(itk_buf *out, const void *data, size_t len, size_t width)
{
    return encode(out, data, len, width);
}

size_t itk_base64_decoded_max(size_t len)
{
    return len / 4 * 3 + 3;
}

int itk_base64_decode(unsigned char *out, size_t cap, size_t *outlen, const char *text, size_t len)
{
    size_t n = 0;
    *outlen = 0;
    if (len % 4 != 0)
        return -1;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)text[i + (size_t)k];
            if (c == '=') {
                /* padding only in the last group, only in its last two places,
                 * and never followed by a data character */
                if (i + 4 != len || k < 2)
                    return -1;
                pad++;
                v[k] = 0;
                continue;
            }
            if (pad)
                return -1;
            v[k] = value_of(c);
            if (v[k] < 0)
                return -1;
        }
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        /* canonical: the bits that padding leaves over must be zero */
        if ((pad == 1 && (w & 0xff) != 0) || (pad == 2 && (w & 0xffff) != 0))
            return -1;
        size_t take = 3 - (size_t)pad;
        if (cap - n < take)
            return -1;
        out[n++] = (unsigned char)(w >> 16);
        if (take > 1)
            out[n++] = (unsigned char)(w >> 8);
        if (take > 2)
            out[n++] = (unsigned char)w;
    }
    *outlen = n;
    return 0;
}

/* The next line without its '\n' (and a '\r' before it); *newline says
 * whether the line was terminated. */
static void rd_line(itk_reader *r, const unsigned char **line, size_t *len, int *newline)
{
    itk_reader scan = *r;
    size_t n = 0;
    uint8_t c;
    *newline = 0;
    while (rd_u8(&scan, &c) == 0) {
        if (c == '\n') {
            *newline = 1;
            break;
        }
        n++;
    }
    (void)rd_bytes(r, line, n); /* cannot fail: scan saw n bytes */
    if (*newline)
        (void)rd_u8(r, &c);
    if (n > 0 && (*line)[n - 1] == '\r')
        n--;
    *len = n;
}

static int line_is(const unsigned char *line, size_t len, const char *s)
{
    return len == strlen(s) && memcmp(line, s, len) == 0;
}

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int itk_armor_decode(unsigned char **out, size_t *outlen, const void *text, size_t len,
                     const char *begin, const char *end, const char *what)
{
    itk_reader r;
    const unsigned char *line = NULL;
    size_t n;
    int newline, rc;
    unsigned lineno = 1;

    *out = NULL;
    *outlen = 0;
    if (len == 0)
        return itk_error_set(ITK_EINVALID, "%s is empty", what);
    rd_init(&r, text, len);
    rd_line(&r, &line, &n, &newline);
    if (!line_is(line, n, begin)) {
        if (n < strlen(begin) && memcmp(line, begin, n) == 0 && !newline)
            return itk_error_set(ITK_EINVALID, "%s is truncated (in its %s line)", what, begin);
        return itk_error_set(ITK_EINVALID, "%s does not start with a %s line", what, begin);
    }
    if (!newline)
        return itk_error_set(ITK_EINVALID, "%s is truncated (nothing after %s)", what, begin);

    /* the base64 text is at most as long as the input */
    char *b64 = itk_malloc(len);
    if (!b64)
        return ITK_ENOMEM;
    size_t b64len = 0;
    int found_end = 0;
    while (r.left > 0) {
        rd_line(&r, &line, &n, &newline);
        lineno++;
        if (line_is(line, n, end)) {
            found_end = 1;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (value_of(line[i]) < 0 && line[i] != '=') {
                rc = itk_error_set(ITK_EINVALID,
                                   "%s has a character that is not base64 (0x%02x) on line %u",
                                   what, line[i], lineno);
                goto fail;
            }
            b64[b64len++] = (char)line[i];
        }
        if (!newline)
            break;
    }
    if (!found_end) {
        rc = itk_error_set(ITK_EINVALID, "%s is truncated (no %s line)", what, end);
        goto fail;
    }
    uint8_t c;
    while (rd_u8(&r, &c) == 0) {
        if (!is_space(c)) {
            rc = itk_error_set(ITK_EINVALID, "%s has unexpected data after its %s line", what, end);
            goto fail;
        }
    }
    if (b64len == 0) {
        rc = itk_error_set(ITK_EINVALID, "%s is empty (nothing between %s and %s)", what, begin,
                           end);
        goto fail;
    }
    size_t cap = itk_base64_decoded_max(b64len);
    *out = itk_malloc(cap);
    if (!*out) {
        rc = ITK_ENOMEM;
        goto fail;
    }
    if (itk_base64_decode(*out, cap, outlen, b64, b64len) != 0) {
        OPENSSL_cleanse(*out, cap);
        free(*out);
        *out = NULL;
        *outlen = 0;
        rc = itk_error_set(ITK_EINVALID, "%s has corrupt base64 (bad length or padding)", what);
        goto fail;
    }
    OPENSSL_cleanse(b64, len ? len : 1);
    free(b64);
    return 0;
fail:
    OPENSSL_cleanse(b64, len ? len : 1);
    free(b64);
    return rc;
}
