/* A growable typed array, after libgit2's git_array_t: ITK_ARRAY(T) is a
 * struct { T *ptr; size_t size, asize; }, grown by itk_array_grow /
 * itk_array_alloc, which check for overflow and set the error themselves.
 * Private to the library. */
#ifndef ITAKU_ARRAY_H
#define ITAKU_ARRAY_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define ITK_ARRAY(T)                                                                               \
    struct {                                                                                       \
        T *ptr;                                                                                    \
        size_t size;  /* items in use */                                                           \
        size_t asize; /* items allocated */                                                        \
    }

#define ITK_ARRAY_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Makes room for at least need items of item_size bytes in the array whose
 * pointer is at ptrp (a T **, the array NULL when empty) with *asize items
 * allocated; grows by doubling, from 8. Returns 0, or ITK_ENOMEM when need *
 * item_size overflows size_t or memory runs out: then the message is set and
 * the array is left as it was, still owned by the caller. For arrays kept as
 * separate (ptr, n, alloc) fields:
 *     if (itk_array_reserve(&h->refs, &h->arefs, h->nrefs + 1, sizeof(*h->refs)))
 *         return ITK_ENOMEM;                                                    */
int itk_array_reserve(void *ptrp, size_t *asize, size_t need, size_t item_size);

/* Room for at least n items in the ITK_ARRAY a: 0 or ITK_ENOMEM, as above. */
#define itk_array_grow(a, n) itk_array_reserve(&(a).ptr, &(a).asize, (n), sizeof(*(a).ptr))

/* A new zeroed item at the end of a, or NULL (ITK_ENOMEM set, a unchanged). */
#define itk_array_alloc(a)                                                                         \
    (itk_array_grow((a), (a).size + 1) ? NULL : memset(&(a).ptr[(a).size++], 0, sizeof(*(a).ptr)))

/* The item at i, or NULL when i is past the end. */
#define itk_array_get(a, i) ((size_t)(i) < (a).size ? &(a).ptr[(i)] : NULL)

/* Frees the items' memory (not what they point to) and empties a. */
#define itk_array_clear(a) (free((a).ptr), (a).ptr = NULL, (a).size = (a).asize = 0)

#endif
