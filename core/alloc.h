/* Allocation that sets the error itself, after libgit2's git__malloc: on
 * failure each sets ITK_ENOMEM "out of memory" once and returns NULL (or the
 * code), so that a caller only returns ITK_ENOMEM. Also the copy of counted
 * untrusted bytes into a C string, which refuses an embedded NUL. Private to
 * the library. */
#ifndef ITAKU_ALLOC_H
#define ITAKU_ALLOC_H

#include <stddef.h>

/* malloc and calloc that never ask for 0 bytes (a request for 0 gets 1), so
 * that NULL always means out of memory. calloc refuses an n * size that
 * overflows size_t. Free the result with free(). */
void *itk_malloc(size_t size);
void *itk_calloc(size_t n, size_t size);

/* Resizes ptr (NULL for a new array) to n items of size bytes. Refuses an
 * n * size that overflows size_t. On failure returns NULL and leaves ptr
 * allocated and owned by the caller, as realloc does. */
void *itk_realloc_array(void *ptr, size_t n, size_t size);

/* For memory another library failed to allocate (a jansson value, an OpenSSL
 * context): sets ITK_ENOMEM "out of memory" and returns ITK_ENOMEM. */
int itk_error_nomem(void);

/* Copies of a C string, of at most n bytes of it for strndup. */
char *itk_strdup(const char *s);
char *itk_strndup(const char *s, size_t n);

/* The most bytes itk_cstr_copy is asked to accept when the caller has no
 * tighter bound: larger than any name or comment itaku reads. */
#define ITK_MAX_CSTRING (64 * 1024)

/* Copies len untrusted bytes at p into a new NUL-terminated string (*out,
 * freed by the caller with free()). Refuses bytes holding a NUL (ITK_EINVALID,
 * "<what> contains a NUL byte") and more than maxlen bytes (ITK_ETOOBIG,
 * "<what> is longer than <maxlen> bytes"); ITK_ENOMEM when out of memory. On
 * failure *out is NULL. what names the field for the message, e.g. "the key
 * comment" or "id_ed25519: key comment". */
int itk_cstr_copy(char **out, const void *p, size_t len, size_t maxlen, const char *what);

#endif
