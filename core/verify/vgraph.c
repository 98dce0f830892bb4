/* Reachability over the walk's own commits. The walk is topological, oldest
 * first, so every parent has a smaller index than its child: a search for an
 * ancestor stops below the ancestor's index, and a merge-base search that
 * takes the highest index first meets every commit after all its descendants,
 * which makes git's paint-down exact without timestamps. */
#include "vgraph.h"
#include "alloc.h"
#include "array.h"
#include "itaku/errors.h"

#include <stdlib.h>
#include <string.h>

void itk_vgraph_free(itk_vgraph *g)
{
    free(g->ids);
    free(g->first);
    free(g->parents);
    free(g->seen);
    free(g->paint);
    free(g->work);
    free(g->painted);
    for (size_t i = 0; i < g->noutside; i++)
        itk_oidmap_free(&g->outside[i].reached);
    memset(g, 0, sizeof(*g));
}

static int grow(void **p, size_t n, size_t size)
{
    void *np = itk_realloc_array(*p, n, size);
    if (!np)
        return ITK_ENOMEM;
    *p = np;
    return 0;
}

static int reserve(itk_vgraph *g, size_t nparents)
{
    int rc = 0;
    if (g->n + 2 > g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 1024;
        if ((rc = grow((void **)&g->ids, cap, sizeof(*g->ids))) ||
            (rc = grow((void **)&g->first, cap, sizeof(*g->first))) ||
            (rc = grow((void **)&g->seen, cap, sizeof(*g->seen))) ||
            (rc = grow((void **)&g->paint, cap, sizeof(*g->paint))) ||
            (rc = grow((void **)&g->work, cap, sizeof(*g->work))) ||
            (rc = grow((void **)&g->painted, cap, sizeof(*g->painted))))
            return rc;
        memset(g->seen + g->cap, 0, (cap - g->cap) * sizeof(*g->seen));
        memset(g->paint + g->cap, 0, cap - g->cap);
        if (!g->cap)
            g->first[0] = 0;
        g->cap = cap;
    }
    if (g->nparents + nparents > g->aparents) {
        size_t cap = (g->nparents + nparents) * 2;
        if ((rc = grow((void **)&g->parents, cap, sizeof(*g->parents))))
            return rc;
        g->aparents = cap;
    }
    return 0;
}

/* The walk index of id, when the graph holds it. */
static int index_of(uint32_t *out, const itk_vgraph *g, const itk_oidmap *ids, const git_oid *id)
{
    size_t v = (size_t)(uintptr_t)itk_oidmap_get(ids, id);
    if (!v || v > g->n || !git_oid_equal(&g->ids[v - 1], id))
        return 0;
    *out = (uint32_t)(v - 1);
    return 1;
}

int itk_vgraph_add_ids(itk_vgraph *g, const itk_oidmap *ids, const git_oid *id,
                       const git_oid *parents, size_t np)
{
    int rc = reserve(g, np);
    if (rc)
        return rc;
    uint32_t self = (uint32_t)g->n;
    g->ids[self] = *id;
    if ((size_t)(uintptr_t)itk_oidmap_get(ids, id) != g->n + 1 || g->n >= UINT32_MAX)
        g->incomplete = 1;
    for (size_t i = 0; i < np; i++) {
        uint32_t q;
        if (index_of(&q, g, ids, &parents[i]) && q < self)
            g->parents[g->nparents++] = q;
        else
            g->incomplete = 1;
    }
    g->first[++g->n] = (uint32_t)g->nparents;
    return 0;
}

int itk_vgraph_add(itk_vgraph *g, const itk_oidmap *ids, const git_commit *c)
{
    unsigned np = git_commit_parentcount(c);
    git_oid few[4], *parents = np <= 4 ? few : itk_calloc(np, sizeof(*parents));
    if (!parents)
        return ITK_ENOMEM;
    for (unsigned i = 0; i < np; i++)
        parents[i] = *git_commit_parent_id(c, i);
    int rc = itk_vgraph_add_ids(g, ids, git_commit_id(c), parents, np);
    if (parents != few)
        free(parents);
    return rc;
}

/* Every commit reachable from id (itself included), by a revwalk. */
static int outside_reach(itk_vgraph_outside **out, itk_vgraph *g, git_repository *repo,
                         const git_oid *id)
{
    for (size_t i = 0; i < g->noutside; i++)
        if (git_oid_equal(&g->outside[i].from, id)) {
            *out = g->outside[i].ok ? &g->outside[i] : NULL;
            return 0;
        }
    *out = NULL;
    if (g->noutside == ITK_VGRAPH_OUTSIDE)
        return 0;
    itk_vgraph_outside *o = &g->outside[g->noutside];
    git_revwalk *walk = NULL;
    git_oid next;
    int rc = itk_oidmap_init(&o->reached), r = 0;
    if (rc)
        return rc;
    o->from = *id;
    g->noutside++;
    if (g->read) {
        /* depth first over what g->read describes (at most 64 parents each) */
        git_oid *stack = NULL, parents[64];
        size_t top = 0, cap = 0, np = 0;
        long long t;
        if (!(rc = itk_oidmap_set(&o->reached, id, (void *)1)) &&
            (rc = itk_array_reserve(&stack, &cap, 1, sizeof(*stack))) == 0)
            stack[top++] = *id;
        while (!rc && !r && top) {
            git_oid c = stack[--top];
            if (g->read(g->read_payload, &c, &t, parents, &np) || np > 64) {
                r = -1;
                break;
            }
            for (size_t k = 0; !rc && k < np; k++) {
                if (itk_oidmap_has(&o->reached, &parents[k]))
                    continue;
                if (!(rc = itk_oidmap_set(&o->reached, &parents[k], (void *)1)) &&
                    !(rc = itk_array_reserve(&stack, &cap, top + 1, sizeof(*stack))))
                    stack[top++] = parents[k];
            }
        }
        free(stack);
        itk_error_clear();
        git_error_clear();
        o->ok = !rc && !r;
        *out = o->ok ? o : NULL;
        return rc == ITK_ENOMEM ? rc : 0;
    }
    if (git_revwalk_new(&walk, repo) < 0 || git_revwalk_push(walk, id) < 0)
        r = -1;
    while (!r && !rc && (r = git_revwalk_next(&next, walk)) == 0)
        rc = itk_oidmap_set(&o->reached, &next, (void *)1);
    git_revwalk_free(walk);
    git_error_clear();
    o->ok = !rc && r == GIT_ITEROVER;
    *out = o->ok ? o : NULL;
    return rc;
}

int itk_vgraph_descendant_of(itk_vgraph *g, const itk_oidmap *ids, git_repository *repo,
                             const git_oid *commit, const git_oid *ancestor)
{
    uint32_t x, y;
    if (!g->incomplete && !index_of(&x, g, ids, commit) && index_of(&y, g, ids, ancestor)) {
        itk_vgraph_outside *o;
        int rc = outside_reach(&o, g, repo, commit);
        if (rc || o)
            return rc ? rc : itk_oidmap_has(&o->reached, ancestor);
    }
    if (g->incomplete || !index_of(&x, g, ids, commit) || !index_of(&y, g, ids, ancestor))
        return git_graph_descendant_of(repo, commit, ancestor);
    if (x <= y)
        return 0; /* a commit is no descendant of itself, nor of a later one */
    if (++g->search == 0) {
        memset(g->seen, 0, g->n * sizeof(*g->seen));
        g->search = 1;
    }
    size_t top = 0;
    g->work[top++] = x;
    g->seen[x] = g->search;
    while (top) {
        uint32_t i = g->work[--top];
        for (uint32_t k = g->first[i]; k < g->first[i + 1]; k++) {
            uint32_t q = g->parents[k];
            if (q == y)
                return 1;
            if (q < y || g->seen[q] == g->search)
                continue;
            g->seen[q] = g->search;
            g->work[top++] = q;
        }
    }
    return 0;
}

/* A max-heap of walk indexes in g->work. */
static void heap_push(itk_vgraph *g, size_t *n, uint32_t v)
{
    size_t i = (*n)++;
    while (i > 0 && g->work[(i - 1) / 2] < v) {
        g->work[i] = g->work[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    g->work[i] = v;
}

static uint32_t heap_pop(itk_vgraph *g, size_t *n)
{
    uint32_t top = g->work[0], last = g->work[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && g->work[c + 1] > g->work[c])
            c++;
        if (g->work[c] <= last)
            break;
        g->work[i] = g->work[c];
        i = c;
    }
    if (*n)
        g->work[i] = last;
    return top;
}

enum { P1 = 1, P2 = 2, STALE = 4, QUEUED = 8 };

int itk_vgraph_merge_bases(git_oid *out, size_t max, size_t *n, itk_vgraph *g,
                           const itk_oidmap *ids, const git_oid *a, const git_oid *b)
{
    uint32_t ia, ib;
    size_t nheap = 0, npainted = 0, nonstale = 2, nfound = 0;
    *n = 0;
    if (g->incomplete || !index_of(&ia, g, ids, a) || !index_of(&ib, g, ids, b) || ia == ib)
        return 0;
    g->paint[ia] = P1 | QUEUED;
    g->paint[ib] = P2 | QUEUED;
    g->painted[npainted++] = ia;
    g->painted[npainted++] = ib;
    heap_push(g, &nheap, ia);
    heap_push(g, &nheap, ib);
    /* git's paint_down_to_common: a commit reached from both sides is a base
     * unless a base below which it lies was found first (stale) */
    while (nonstale) {
        uint32_t x = heap_pop(g, &nheap);
        unsigned char f = g->paint[x] & (P1 | P2 | STALE);
        g->paint[x] &= (unsigned char)~QUEUED;
        if (!(f & STALE))
            nonstale--;
        if (f == (P1 | P2)) {
            if (nfound < max)
                out[nfound] = g->ids[x];
            nfound++;
            f |= STALE;
            g->paint[x] |= STALE;
        }
        for (uint32_t k = g->first[x]; k < g->first[x + 1]; k++) {
            uint32_t q = g->parents[k];
            unsigned char old = g->paint[q];
            if ((old & f) == f)
                continue;
            if (!old)
                g->painted[npainted++] = q;
            g->paint[q] |= f;
            if (old & QUEUED) {
                if (!(old & STALE) && (f & STALE))
                    nonstale--;
            } else {
                g->paint[q] |= QUEUED;
                heap_push(g, &nheap, q);
                if (!(g->paint[q] & STALE))
                    nonstale++;
            }
        }
    }
    for (size_t i = 0; i < npainted; i++)
        g->paint[g->painted[i]] = 0;
    *n = nfound;
    return 1;
}

int itk_vgraph_merge_base(git_oid *out, itk_vgraph *g, const itk_oidmap *ids, const git_oid *a,
                          const git_oid *b)
{
    size_t n;
    return itk_vgraph_merge_bases(out, 1, &n, g, ids, a, b) == 1 && n == 1;
}
