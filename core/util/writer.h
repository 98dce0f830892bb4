/* The writing side of reader.h, for the caches' files: big-endian integers
 * and strings as a u32 length and the bytes. Private to the library. */
#ifndef ITAKU_WRITER_H
#define ITAKU_WRITER_H

#include <stdint.h>
#include <string.h>

#include "itaku/buf.h"

static inline int wr_u32(itk_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    return itk_buf_put(b, x, 4);
}

static inline int wr_i64(itk_buf *b, long long v)
{
    unsigned long long u = (unsigned long long)v;
    int rc = wr_u32(b, (uint32_t)(u >> 32));
    return rc ? rc : wr_u32(b, (uint32_t)u);
}

static inline int wr_string(itk_buf *b, const void *s, size_t n)
{
    int rc = wr_u32(b, (uint32_t)n);
    return rc ? rc : itk_buf_put(b, s, n);
}

static inline int wr_cstring(itk_buf *b, const char *s)
{
    return wr_string(b, s, strlen(s));
}

#endif
