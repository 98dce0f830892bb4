/* A growable byte buffer owned by the caller (libgit2's git_buf). Always
 * NUL-terminated after a successful call, so ptr can be used as a string. */
#ifndef ITAKU_BUF_H
#define ITAKU_BUF_H

#include <stddef.h>

typedef struct {
    char *ptr;
    size_t size;  /* bytes used, not counting the terminating NUL */
    size_t asize; /* bytes allocated */
} itk_buf;

#define ITK_BUF_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

int itk_buf_put(itk_buf *buf, const void *data, size_t len);
int itk_buf_puts(itk_buf *buf, const char *s);
int itk_buf_putc(itk_buf *buf, char c);
int itk_buf_printf(itk_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void itk_buf_clear(itk_buf *buf);
/* Frees the memory; wipes it first when it held secrets. */
void itk_buf_dispose(itk_buf *buf);
void itk_buf_dispose_secret(itk_buf *buf);

/* Reads a whole file, refusing one larger than max_bytes (ITK_ETOOBIG). */
int itk_buf_read_file(itk_buf *buf, const char *path, size_t max_bytes);
/* Reads a whole stream (stdin), with the same bound. */
int itk_buf_read_stream(itk_buf *buf, void *stdio_file, const char *name, size_t max_bytes);

#endif
