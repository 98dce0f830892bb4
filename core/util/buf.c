/* itk_buf: growable buffers and bounded whole-file reads. */
#include "itaku/buf.h"
#include "alloc.h"
#include "itaku/errors.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(itk_buf *buf, size_t extra)
{
    if (extra > (size_t)-1 - buf->size - 1)
        return itk_error_set(ITK_ENOMEM, "buffer size overflow");
    size_t need = buf->size + extra + 1;
    if (need <= buf->asize)
        return 0;
    size_t n = buf->asize ? buf->asize : 64;
    while (n < need)
        n = n > ((size_t)-1) / 2 ? need : n * 2;
    char *p = itk_realloc_array(buf->ptr, n, 1);
    if (!p)
        return ITK_ENOMEM;
    buf->ptr = p;
    buf->asize = n;
    return 0;
}

int itk_buf_put(itk_buf *buf, const void *data, size_t len)
{
    int rc = grow(buf, len);
    if (rc)
        return rc;
    if (len)
        memcpy(buf->ptr + buf->size, data, len);
    buf->size += len;
    buf->ptr[buf->size] = '\0';
    return 0;
}

int itk_buf_puts(itk_buf *buf, const char *s)
{
    return itk_buf_put(buf, s, strlen(s));
}

int itk_buf_putc(itk_buf *buf, char c)
{
    return itk_buf_put(buf, &c, 1);
}

int itk_buf_printf(itk_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return itk_error_set(ITK_ERROR, "formatting failed");
    int rc = grow(buf, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->size += (size_t)n;
    return 0;
}

void itk_buf_clear(itk_buf *buf)
{
    buf->size = 0;
    if (buf->ptr)
        buf->ptr[0] = '\0';
}

void itk_buf_dispose(itk_buf *buf)
{
    free(buf->ptr);
    buf->ptr = NULL;
    buf->size = buf->asize = 0;
}

void itk_buf_dispose_secret(itk_buf *buf)
{
    if (buf->ptr)
        OPENSSL_cleanse(buf->ptr, buf->asize);
    itk_buf_dispose(buf);
}

int itk_buf_read_stream(itk_buf *buf, void *stdio_file, const char *name, size_t max_bytes)
{
    FILE *f = stdio_file;
    char chunk[65536];
    size_t n;
    itk_buf_clear(buf);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf->size + n > max_bytes)
            return itk_error_set(ITK_ETOOBIG, "%s is larger than the limit of %zu bytes", name,
                                 max_bytes);
        int rc = itk_buf_put(buf, chunk, n);
        if (rc)
            return rc;
    }
    if (ferror(f))
        return itk_error_set(ITK_EIO, "cannot read %s: %s", name, strerror(errno));
    return itk_buf_put(buf, "", 0);
}

int itk_buf_read_file(itk_buf *buf, const char *path, size_t max_bytes)
{
    FILE *f = fopen(path, "rb");
    int err = errno;
    /* a key's text pasted where a file name is asked for: never repeat it
     * (a private key in an error message ends up in scrollback and logs) */
    if (!f && strstr(path, "PRIVATE KEY"))
        return itk_error_set(ITK_EINVALID,
                             "the value given is a PRIVATE key's text, not a file name: never "
                             "send, paste or share a private key (whoever holds it can sign as "
                             "you); give the name of a file instead");
    if (!f && strchr(path, '\n'))
        return itk_error_set(ITK_ENOTFOUND, "the value given holds several lines, not a file "
                                            "name; give the name of a file instead");
    if (!f)
        return itk_error_set(err == ENOENT ? ITK_ENOTFOUND : ITK_EIO, "cannot open %s: %s", path,
                             strerror(err));
    int rc = itk_buf_read_stream(buf, f, path, max_bytes);
    fclose(f);
    return rc;
}
