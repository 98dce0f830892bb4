/* Open addressing with linear probing; object ids are already uniformly
 * distributed, so their first bytes are the hash. */
#include "oidmap.h"
#include "alloc.h"
#include "itaku/errors.h"

#include <stdlib.h>
#include <string.h>

static int same_id(const git_oid *a, const git_oid *b)
{
    return memcmp(a->id, b->id, GIT_OID_RAWSZ) == 0;
}

static size_t slot_of(const itk_oidmap *m, const git_oid *id)
{
    size_t h;
    memcpy(&h, id->id, sizeof(h));
    return h & (m->cap - 1);
}

int itk_oidmap_init(itk_oidmap *m)
{
    return itk_oidmap_init_sized(m, 0);
}

int itk_oidmap_init_sized(itk_oidmap *m, size_t n)
{
    memset(m, 0, sizeof(*m));
    m->cap = 1024;
    while (m->cap / 2 <= n && m->cap < ((size_t)1 << 40))
        m->cap *= 2;
    if (!(m->keys = itk_calloc(m->cap, sizeof(*m->keys))) ||
        !(m->values = itk_calloc(m->cap, sizeof(*m->values))) ||
        !(m->used = itk_calloc(m->cap, 1))) {
        itk_oidmap_free(m);
        return ITK_ENOMEM;
    }
    return 0;
}

void itk_oidmap_free(itk_oidmap *m)
{
    free(m->keys);
    free(m->values);
    free(m->used);
    memset(m, 0, sizeof(*m));
}

static int grow(itk_oidmap *m)
{
    itk_oidmap bigger = {0};
    bigger.cap = m->cap * 2;
    if (!(bigger.keys = itk_calloc(bigger.cap, sizeof(*bigger.keys))) ||
        !(bigger.values = itk_calloc(bigger.cap, sizeof(*bigger.values))) ||
        !(bigger.used = itk_calloc(bigger.cap, 1))) {
        itk_oidmap_free(&bigger);
        return ITK_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->used[i])
            itk_oidmap_set(&bigger, &m->keys[i], m->values[i]);
    itk_oidmap_free(m);
    *m = bigger;
    return 0;
}

int itk_oidmap_set(itk_oidmap *m, const git_oid *id, void *value)
{
    if ((m->count + 1) * 2 > m->cap) {
        int rc = grow(m);
        if (rc)
            return rc;
    }
    size_t i = slot_of(m, id);
    while (m->used[i] && !same_id(&m->keys[i], id))
        i = (i + 1) & (m->cap - 1);
    if (!m->used[i]) {
        m->used[i] = 1;
        m->keys[i] = *id;
        m->count++;
    }
    m->values[i] = value;
    return 0;
}

void *itk_oidmap_get(const itk_oidmap *m, const git_oid *id)
{
    if (!m->cap)
        return NULL;
    size_t i = slot_of(m, id);
    while (m->used[i]) {
        if (same_id(&m->keys[i], id))
            return m->values[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

int itk_oidmap_has(const itk_oidmap *m, const git_oid *id)
{
    if (!m->cap)
        return 0;
    size_t i = slot_of(m, id);
    while (m->used[i]) {
        if (same_id(&m->keys[i], id))
            return 1;
        i = (i + 1) & (m->cap - 1);
    }
    return 0;
}
