/* An OpenSSH KRL revoking plain keys (PROTOCOL.krl): the header, then one
 * KRL_SECTION_EXPLICIT_KEY section holding each key's wire blob. */
#include "itaku/krl.h"
#include "itaku/errors.h"
#include "alloc.h"
#include "writer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KRL_MAGIC "SSHKRL\n\0"
#define KRL_FORMAT_VERSION 1
#define KRL_SECTION_EXPLICIT_KEY 2

typedef struct {
    const unsigned char *p;
    size_t len;
} blob;

/* OpenSSH's blob_cmp (krl.c): bytes over the shorter length, then length. */
static int cmp_blob(const void *a, const void *b)
{
    const blob *x = a, *y = b;
    int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static int wr_u64(itk_buf *b, unsigned long long v)
{
    return wr_i64(b, (long long)v);
}

int itk_krl_write(itk_buf *out, const itk_pubkey *const *keys, size_t n, unsigned long long version,
                  long long generated, const char *comment)
{
    itk_buf_clear(out);
    if (n > ITK_KRL_KEYS_MAX)
        return itk_error_set(ITK_ETOOBIG, "%zu keys to revoke: more than the %d one KRL holds", n,
                             ITK_KRL_KEYS_MAX);
    if (!comment)
        comment = "";
    if (strlen(comment) > ITK_KRL_COMMENT_MAX)
        return itk_error_set(ITK_ETOOBIG, "the KRL's comment is longer than %d bytes",
                             ITK_KRL_COMMENT_MAX);
    if (generated < 0)
        return itk_error_set(ITK_EINVALID, "the KRL's date is before 1970");
    blob *b = n ? itk_calloc(n, sizeof(*b)) : NULL;
    if (n && !b)
        return ITK_ENOMEM;
    size_t section = 0, m = 0;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        b[i].p = itk_pubkey_blob(keys[i], &b[i].len);
        if (b[i].len > ITK_MAX_KEY_FILE_BYTES) {
            rc = itk_error_set(ITK_ETOOBIG, "a key to revoke is over %d bytes",
                               ITK_MAX_KEY_FILE_BYTES);
            goto done;
        }
    }
    if (n)
        qsort(b, n, sizeof(*b), cmp_blob);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || cmp_blob(&b[i - 1], &b[i]) != 0) {
            b[m++] = b[i];
            section += 4 + b[i].len;
        }
    /* header */
    if ((rc = itk_buf_put(out, KRL_MAGIC, 8)) || (rc = wr_u32(out, KRL_FORMAT_VERSION)) ||
        (rc = wr_u64(out, version)) || (rc = wr_u64(out, (unsigned long long)generated)) ||
        (rc = wr_u64(out, 0)) /* flags */ || (rc = wr_string(out, "", 0)) /* reserved */ ||
        (rc = wr_cstring(out, comment)))
        goto done;
    if (m == 0)
        goto done;
    /* one explicit-key section: string(section data) of string(blob)s */
    if ((rc = itk_buf_putc(out, KRL_SECTION_EXPLICIT_KEY)) || (rc = wr_u32(out, (uint32_t)section)))
        goto done;
    for (size_t i = 0; i < m && !rc; i++)
        rc = wr_string(out, b[i].p, b[i].len);
done:
    free(b);
    if (rc)
        itk_buf_clear(out);
    return rc;
}
