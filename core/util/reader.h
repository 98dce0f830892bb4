/* A bounded reader over untrusted bytes, after OpenSSH's sshbuf: every getter
 * checks the remaining length first and fails instead of reading past the
 * end. Private to the library. */
#ifndef ITAKU_READER_H
#define ITAKU_READER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "itaku/errors.h"

typedef struct {
    const unsigned char *p;
    size_t left;
} itk_reader;

static inline void rd_init(itk_reader *r, const void *data, size_t len)
{
    r->p = data;
    r->left = len;
}

/* Each returns 0, or -1 when the input is too short. */
static inline int rd_u8(itk_reader *r, uint8_t *v)
{
    if (r->left < 1)
        return -1;
    *v = r->p[0];
    r->p++;
    r->left--;
    return 0;
}

static inline int rd_u32(itk_reader *r, uint32_t *v)
{
    if (r->left < 4)
        return -1;
    *v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 |
         (uint32_t)r->p[3];
    r->p += 4;
    r->left -= 4;
    return 0;
}

static inline int rd_bytes(itk_reader *r, const unsigned char **ptr, size_t len)
{
    if (r->left < len)
        return -1;
    *ptr = r->p;
    r->p += len;
    r->left -= len;
    return 0;
}

/* An SSH string: uint32 length, then that many bytes. */
static inline int rd_string(itk_reader *r, const unsigned char **ptr, size_t *len)
{
    uint32_t n;
    itk_reader save = *r;
    if (rd_u32(r, &n) || rd_bytes(r, ptr, n)) {
        *r = save;
        return -1;
    }
    *len = n;
    return 0;
}

/* An SSH string copied into a new C string (*str, freed by the caller), for
 * names and comments: refuses one holding a NUL byte (ITK_EINVALID) or longer
 * than maxlen bytes (ITK_ETOOBIG), and a short input (ITK_EINVALID, "<what>
 * is truncated"); what names the field in the message. On failure nothing is
 * consumed and *str is NULL. */
static inline int rd_cstring(itk_reader *r, char **str, size_t maxlen, const char *what)
{
    const unsigned char *p;
    size_t n;
    itk_reader save = *r;
    *str = NULL;
    if (rd_string(r, &p, &n))
        return itk_error_set(ITK_EINVALID, "%s is truncated", what);
    int rc = itk_cstr_copy(str, p, n, maxlen, what);
    if (rc)
        *r = save;
    return rc;
}

/* An SSH string copied into out, a field of cap bytes, as a C string: -1
 * (nothing consumed) for a short input, a NUL byte inside, or a string of
 * cap bytes or more. For the caches' fixed-size fields. */
static inline int rd_string_into(itk_reader *r, char *out, size_t cap)
{
    const unsigned char *p;
    size_t len;
    itk_reader save = *r;
    if (rd_string(r, &p, &len) || len >= cap || memchr(p, '\0', len)) {
        *r = save;
        return -1;
    }
    memcpy(out, p, len);
    out[len] = '\0';
    return 0;
}

/* A line ending in '\n' (the '\n' is consumed, not returned); -1 when no
 * '\n' is left. */
static inline int rd_text_line(itk_reader *r, const unsigned char **ptr, size_t *len)
{
    const unsigned char *nl = r->left ? memchr(r->p, '\n', r->left) : NULL;
    if (!nl)
        return -1;
    *ptr = r->p;
    *len = (size_t)(nl - r->p);
    r->p += *len + 1;
    r->left -= *len + 1;
    return 0;
}

/* Bytes read so far from the start: the caller passes the original length. */
static inline size_t rd_offset(const itk_reader *r, size_t total)
{
    return total - r->left;
}

/* Fails when bytes are left over. */
static inline int rd_done(const itk_reader *r)
{
    return r->left == 0 ? 0 : -1;
}

#endif
