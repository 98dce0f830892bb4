/* The revwalk's order in memory (vorder.h): the steps of libgit2's
 * prepare_walk, limit_list and sort_in_topological_order for a walk that
 * hides nothing, on the commits' parents and committer times. */
#include "vorder.h"
#include "alloc.h"
#include "itaku/errors.h"
#include "oidmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

enum { SEEN = 1, ADDED = 2, PARSED = 4 };

typedef struct {
    itk_oidmap map; /* id → node + 1 */
    git_oid *ids;
    long long *time;
    uint32_t *pfirst, *np; /* parents: pidx[pfirst[i] .. pfirst[i] + np[i]) */
    uint32_t *pidx;
    size_t npidx, apidx;
    uint32_t *next; /* the date-ordered list of limit_list */
    uint32_t *indeg;
    unsigned char *flags;
    size_t n, cap;
    itk_vorder_read_fn read;
    void *payload;
} order;

static int grow(void **p, size_t n, size_t size)
{
    void *np = itk_realloc_array(*p, n, size);
    if (!np)
        return ITK_ENOMEM;
    *p = np;
    return 0;
}

static int node(uint32_t *out, order *o, const git_oid *id)
{
    size_t v = (size_t)(uintptr_t)itk_oidmap_get(&o->map, id);
    if (v) {
        *out = (uint32_t)(v - 1);
        return 0;
    }
    int rc = 0;
    if (o->n >= UINT32_MAX - 1)
        return itk_error_set(ITK_ETOOBIG, "too many commits to order");
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 1024;
        if ((rc = grow((void **)&o->ids, cap, sizeof(*o->ids))) ||
            (rc = grow((void **)&o->time, cap, sizeof(*o->time))) ||
            (rc = grow((void **)&o->pfirst, cap, sizeof(*o->pfirst))) ||
            (rc = grow((void **)&o->np, cap, sizeof(*o->np))) ||
            (rc = grow((void **)&o->next, cap, sizeof(*o->next))) ||
            (rc = grow((void **)&o->indeg, cap, sizeof(*o->indeg))) ||
            (rc = grow((void **)&o->flags, cap, sizeof(*o->flags))))
            return rc;
        o->cap = cap;
    }
    uint32_t i = (uint32_t)o->n;
    o->ids[i] = *id;
    o->time[i] = 0;
    o->pfirst[i] = o->np[i] = 0;
    o->next[i] = NONE;
    o->indeg[i] = 0;
    o->flags[i] = 0;
    if ((rc = itk_oidmap_set(&o->map, id, (void *)(uintptr_t)(i + 1))))
        return rc;
    o->n++;
    *out = i;
    return 0;
}

/* git_commit_list_parse: the commit's time and parents, once. */
static int parse(order *o, uint32_t i)
{
    git_oid parents[ITK_VORDER_MAX_PARENTS];
    size_t np = 0;
    long long t = 0;
    if (o->flags[i] & PARSED)
        return 0;
    git_oid id = o->ids[i];
    int rc = o->read(o->payload, &id, &t, parents, &np);
    if (rc)
        return rc;
    if (np > ITK_VORDER_MAX_PARENTS)
        return itk_error_set(ITK_ETOOBIG, "commit %s has too many parents", git_oid_tostr_s(&id));
    if (o->npidx + np > o->apidx) {
        size_t cap = (o->npidx + np) * 2;
        if ((rc = grow((void **)&o->pidx, cap, sizeof(*o->pidx))))
            return rc;
        o->apidx = cap;
    }
    size_t first = o->npidx;
    for (size_t k = 0; k < np; k++) {
        uint32_t q;
        if ((rc = node(&q, o, &parents[k])))
            return rc;
        o->pidx[first + k] = q;
    }
    o->npidx += np;
    o->time[i] = t;
    o->pfirst[i] = (uint32_t)first;
    o->np[i] = (uint32_t)np;
    o->flags[i] |= PARSED;
    return 0;
}

/* git_commit_list_insert_by_date: after every entry at least as new. */
static void insert_by_date(order *o, uint32_t *head, uint32_t i)
{
    uint32_t *pp = head;
    while (*pp != NONE && o->time[*pp] >= o->time[i])
        pp = &o->next[*pp];
    o->next[i] = *pp;
    *pp = i;
}

static void order_free(order *o)
{
    itk_oidmap_free(&o->map);
    free(o->ids);
    free(o->time);
    free(o->pfirst);
    free(o->np);
    free(o->pidx);
    free(o->next);
    free(o->indeg);
    free(o->flags);
}

int itk_vorder(git_oid **out, size_t *n, const git_oid *tips, size_t ntips, itk_vorder_read_fn read,
               void *payload)
{
    order o;
    uint32_t *list = NULL, *stack = NULL;
    size_t nlist = 0, nstack = 0;
    uint32_t head = NONE;
    int rc;
    *out = NULL;
    *n = 0;
    memset(&o, 0, sizeof(o));
    o.read = read;
    o.payload = payload;
    if ((rc = itk_oidmap_init(&o.map)))
        return rc;
    /* prepare_walk: the pushed tips (libgit2 keeps them newest push first)
     * each once, in the order pushed */
    for (size_t k = ntips; !rc && k-- > 0;) {
        uint32_t i;
        if ((rc = node(&i, &o, &tips[k])) || (rc = parse(&o, i)))
            break;
        if (o.flags[i] & SEEN)
            continue;
        o.flags[i] |= SEEN;
        o.next[i] = head; /* git_commit_list_insert: at the front */
        head = i;
    }
    /* limit_list: newest first, each commit's parents by date */
    while (!rc && head != NONE) {
        uint32_t c = head;
        head = o.next[c];
        o.next[c] = NONE;
        if (!(o.flags[c] & ADDED)) {
            o.flags[c] |= ADDED;
            for (uint32_t k = 0; !rc && k < o.np[c]; k++) {
                uint32_t q = o.pidx[o.pfirst[c] + k];
                if ((rc = parse(&o, q)))
                    break;
                if (!(o.flags[q] & SEEN)) {
                    o.flags[q] |= SEEN;
                    insert_by_date(&o, &head, q);
                }
            }
        }
        if (rc)
            break;
        if (nlist % 1024 == 0 && (rc = grow((void **)&list, nlist + 1024, sizeof(*list))))
            break;
        list[nlist++] = c;
    }
    /* sort_in_topological_order: in-degrees among the listed commits, the
     * tips in list order, then depth first on a stack */
    if (!rc && nlist && !(stack = itk_calloc(nlist, sizeof(*stack))))
        rc = ITK_ENOMEM;
    git_oid *ids = !rc ? itk_calloc(nlist ? nlist : 1, sizeof(*ids)) : NULL;
    if (!rc && !ids)
        rc = ITK_ENOMEM;
    if (!rc) {
        for (size_t k = 0; k < nlist; k++)
            o.indeg[list[k]] = 1;
        for (size_t k = 0; k < nlist; k++)
            for (uint32_t j = 0; j < o.np[list[k]]; j++) {
                uint32_t q = o.pidx[o.pfirst[list[k]] + j];
                if (o.indeg[q])
                    o.indeg[q]++;
            }
        for (size_t k = nlist; k-- > 0;)
            if (o.indeg[list[k]] == 1)
                stack[nstack++] = list[k];
        size_t emitted = 0;
        while (nstack) {
            uint32_t c = stack[--nstack];
            for (uint32_t j = 0; j < o.np[c]; j++) {
                uint32_t q = o.pidx[o.pfirst[c] + j];
                if (o.indeg[q] == 0)
                    continue;
                if (--o.indeg[q] == 1)
                    stack[nstack++] = q;
            }
            o.indeg[c] = 0;
            /* GIT_SORT_REVERSE: the last emitted first */
            ids[nlist - 1 - emitted++] = o.ids[c];
        }
        if (emitted != nlist) {
            /* a cycle cannot happen (ids are hashes of parents): refuse */
            rc = itk_error_set(ITK_EINVALID, "the history cannot be ordered");
        }
    }
    if (rc)
        free(ids);
    else {
        *out = ids;
        *n = nlist;
    }
    free(list);
    free(stack);
    order_free(&o);
    return rc;
}
