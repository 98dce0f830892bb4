/* Allocation wrappers that set the error, and the growable array's growth
 * step (array.h). What to do with memory, not what it holds. */
#include "alloc.h"
#include "array.h"
#include "itaku/errors.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *oom(void)
{
    itk_error_set(ITK_ENOMEM, "out of memory");
    return NULL;
}

int itk_error_nomem(void)
{
    oom();
    return ITK_ENOMEM;
}

void *itk_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    return p ? p : oom();
}

void *itk_calloc(size_t n, size_t size)
{
    if (n && size > SIZE_MAX / n)
        return oom();
    void *p = calloc(n ? n : 1, size ? size : 1);
    return p ? p : oom();
}

void *itk_realloc_array(void *ptr, size_t n, size_t size)
{
    if (n && size > SIZE_MAX / n)
        return oom();
    size_t bytes = n * size;
    void *p = realloc(ptr, bytes ? bytes : 1);
    return p ? p : oom();
}

char *itk_strdup(const char *s)
{
    char *p = strdup(s);
    return p ? p : oom();
}

char *itk_strndup(const char *s, size_t n)
{
    char *p = strndup(s, n);
    return p ? p : oom();
}

int itk_cstr_copy(char **out, const void *p, size_t len, size_t maxlen, const char *what)
{
    *out = NULL;
    if (len > maxlen)
        return itk_error_set(ITK_ETOOBIG, "%s is longer than %zu bytes", what, maxlen);
    if (len && memchr(p, '\0', len))
        return itk_error_set(ITK_EINVALID, "%s contains a NUL byte", what);
    char *s = itk_malloc(len + 1);
    if (!s)
        return ITK_ENOMEM;
    if (len)
        memcpy(s, p, len);
    s[len] = '\0';
    *out = s;
    return 0;
}

int itk_array_reserve(void *ptrp, size_t *asize, size_t need, size_t item_size)
{
    if (need <= *asize)
        return 0;
    size_t n = *asize < 8 ? 8 : *asize;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    void *old, *p;
    /* the caller's T * is read and written as bytes: no void ** aliasing */
    memcpy(&old, ptrp, sizeof(old));
    if (!(p = itk_realloc_array(old, n, item_size)))
        return ITK_ENOMEM;
    memcpy(ptrp, &p, sizeof(p));
    *asize = n;
    return 0;
}
