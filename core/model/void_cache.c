/* The void walk's cache: see void_cache.h. File format 1, after the place's
 * tag (cache_dir.c): MAGIC, u32 format, u32 entries, then per entry the key
 * and last good commit (strings), the tips, the void commits (each a u32
 * count and that many raw ids) and the keys (a u32 count and strings). */
#include "void_cache.h"
#include "alloc.h"
#include "cache_dir.h"
#include "oidmap.h"
#include "itaku/errors.h"
#include "reader.h"
#include "writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "itaku voids cache\n";
#define FORMAT 1

static void memo_free(itk_void_memo *m)
{
    free(m->tips);
    free(m->voids);
    free(m->keys);
    memset(m, 0, sizeof(*m));
}

void itk_void_cache_dispose(itk_void_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        memo_free(&c->e[i]);
    free(c->e);
    memset(c, 0, sizeof(*c));
}

/* n raw ids after a u32 count into *out (malloc'ed): -1 when short. */
static int get_ids(itk_reader *rd, git_oid **out, size_t *n)
{
    uint32_t v;
    const unsigned char *raw;
    *out = NULL;
    *n = 0;
    if (rd_u32(rd, &v) || v > rd->left / GIT_OID_RAWSZ || rd_bytes(rd, &raw, v * GIT_OID_RAWSZ))
        return -1;
    if (v && !(*out = itk_calloc(v, sizeof(git_oid))))
        return -1;
    for (size_t i = 0; i < v; i++)
        git_oid_fromraw(&(*out)[i], raw + i * GIT_OID_RAWSZ);
    *n = v;
    return 0;
}

static int get_memo(itk_reader *rd, itk_void_memo *m)
{
    uint32_t v;
    memset(m, 0, sizeof(*m));
    if (rd_string_into(rd, m->key, sizeof(m->key)) ||
        rd_string_into(rd, m->last_good, sizeof(m->last_good)) ||
        get_ids(rd, &m->tips, &m->ntips) || get_ids(rd, &m->voids, &m->nvoids) || rd_u32(rd, &v) ||
        v > rd->left / 4 || (v && !(m->keys = itk_calloc(v, sizeof(*m->keys)))))
        return -1;
    for (m->nkeys = 0; m->nkeys < v; m->nkeys++)
        if (rd_string_into(rd, m->keys[m->nkeys], sizeof(m->keys[0])))
            return -1;
    return m->nkeys && m->ntips ? 0 : -1;
}

int itk_void_cache_parse(itk_void_cache *c, const unsigned char *data, size_t len)
{
    itk_reader rd;
    const unsigned char *magic;
    uint32_t format, n;
    rd_init(&rd, data, len);
    if (rd_bytes(&rd, &magic, sizeof(MAGIC) - 1) || memcmp(magic, MAGIC, sizeof(MAGIC) - 1) ||
        rd_u32(&rd, &format) || format != FORMAT || rd_u32(&rd, &n) ||
        n > ITK_VOID_CACHE_MAX_ENTRIES || !(c->e = itk_calloc(n ? n : 1, sizeof(*c->e))))
        return -1;
    for (; c->n < n; c->n++)
        if (get_memo(&rd, &c->e[c->n])) {
            memo_free(&c->e[c->n]);
            return -1;
        }
    return rd_done(&rd);
}

void itk_void_cache_load(itk_void_cache *c, git_repository *repo)
{
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len = 0;
    if (c->read)
        return;
    itk_cache_place_init(&pl, repo, NULL);
    if (itk_cache_read(&data, &len, &pl, ITK_VOID_CACHE_FILE, ITK_VOID_CACHE_MAX_BYTES) == 0 &&
        itk_void_cache_parse(c, data, len) != 0)
        itk_void_cache_dispose(c);
    free(data);
    itk_cache_place_dispose(&pl);
    itk_error_clear();
    c->read = 1;
}

static int oid_cmp(const void *a, const void *b)
{
    return git_oid_cmp(a, b);
}

/* Is id one of the sorted ids? */
static int among(const git_oid *sorted, size_t n, const git_oid *id)
{
    return n && bsearch(id, sorted, n, sizeof(*sorted), oid_cmp) != NULL;
}

/* How many of m's tips are not among starts (sorted). */
static size_t moved_tips(const itk_void_memo *m, const git_oid *starts, size_t n)
{
    size_t moved = 0;
    for (size_t i = 0; i < m->ntips; i++)
        moved += !among(starts, n, &m->tips[i]);
    return moved;
}

/* Are all of m's tips among starts (sorted) or ancestors of one of them?
 * Looked for among the ancestors of the starts that are not m's tips, not
 * below a commit made more than a day before the oldest of them, and in at
 * most ITK_VOID_CACHE_MAX_SEARCH commits (libgit2's descendant check, and a
 * sorted revwalk, read the whole history when the answer is no). A tip not
 * found (a commit dated wrongly, a branch moved back) only means the walk
 * runs in full. */
static int tips_behind(const itk_void_memo *m, git_repository *repo, const git_oid *starts,
                       size_t n)
{
    size_t moved = moved_tips(m, starts, n), found = 0, head = 0, nq = 0;
    git_oid *queue = NULL;
    itk_oidmap seen;
    long long oldest = 0;
    if (!moved)
        return 1;
    for (size_t i = 0; i < m->ntips; i++) {
        git_commit *c = NULL;
        if (among(starts, n, &m->tips[i]))
            continue;
        if (git_commit_lookup(&c, repo, &m->tips[i]) < 0) {
            git_error_clear();
            return 0;
        }
        long long t = (long long)git_commit_time(c);
        oldest = !oldest || t < oldest ? t : oldest;
        git_commit_free(c);
    }
    if (itk_oidmap_init(&seen) ||
        !(queue = itk_calloc(ITK_VOID_CACHE_MAX_SEARCH + n, sizeof(*queue)))) {
        itk_oidmap_free(&seen);
        itk_error_clear();
        return 0;
    }
    for (size_t j = 0; j < n; j++)
        if (!among(m->tips, m->ntips, &starts[j]) && !itk_oidmap_has(&seen, &starts[j]) &&
            itk_oidmap_set(&seen, &starts[j], (void *)1) == 0)
            queue[nq++] = starts[j];
    /* breadth first; a tip found is not gone below (its ancestors are m's) */
    while (found < moved && head < nq && head < ITK_VOID_CACHE_MAX_SEARCH) {
        git_commit *c = NULL;
        const git_oid *id = &queue[head++];
        if (among(m->tips, m->ntips, id)) {
            found += !among(starts, n, id);
            continue;
        }
        if (git_commit_lookup(&c, repo, id) < 0)
            break;
        if ((long long)git_commit_time(c) >= oldest - ITK_VOID_CACHE_SLACK_SECONDS)
            for (unsigned p = 0; p < git_commit_parentcount(c); p++) {
                const git_oid *pid = git_commit_parent_id(c, p);
                if (pid && nq < ITK_VOID_CACHE_MAX_SEARCH + n && !itk_oidmap_has(&seen, pid) &&
                    itk_oidmap_set(&seen, pid, (void *)1) == 0)
                    queue[nq++] = *pid;
            }
        git_commit_free(c);
    }
    free(queue);
    itk_oidmap_free(&seen);
    git_error_clear();
    itk_error_clear();
    return found == moved;
}

/* starts copied, sorted and made unique into *out (malloc'ed). */
static int sorted_unique(git_oid **out, size_t *nout, const git_oid *ids, size_t n)
{
    size_t k = 0;
    *out = NULL;
    *nout = 0;
    if (!n)
        return 0;
    if (!(*out = itk_calloc(n, sizeof(git_oid))))
        return ITK_ENOMEM;
    memcpy(*out, ids, n * sizeof(git_oid));
    qsort(*out, n, sizeof(git_oid), oid_cmp);
    for (size_t i = 0; i < n; i++)
        if (!k || !git_oid_equal(&(*out)[k - 1], &(*out)[i]))
            (*out)[k++] = (*out)[i];
    *nout = k;
    return 0;
}

const itk_void_memo *itk_void_cache_find(const itk_void_cache *c, git_repository *repo,
                                         const char *key, const char *last_good,
                                         const git_oid *starts, size_t nstarts)
{
    git_oid *s = NULL;
    size_t n = 0;
    const itk_void_memo *found = NULL;
    if (!c->n || sorted_unique(&s, &n, starts, nstarts)) {
        itk_error_clear();
        return NULL;
    }
    /* the walks that moved least first: the cheapest to prove */
    for (size_t most = 0; !found && most <= ITK_VOID_CACHE_MAX_MOVED; most++)
        for (size_t i = 0; !found && i < c->n; i++)
            if (strcmp(c->e[i].key, key) == 0 && strcmp(c->e[i].last_good, last_good) == 0 &&
                moved_tips(&c->e[i], s, n) == most && tips_behind(&c->e[i], repo, s, n))
                found = &c->e[i];
    free(s);
    return found;
}

static int memo_copy(itk_void_memo *to, const itk_void_memo *m)
{
    memset(to, 0, sizeof(*to));
    snprintf(to->key, sizeof(to->key), "%s", m->key);
    snprintf(to->last_good, sizeof(to->last_good), "%s", m->last_good);
    if (sorted_unique(&to->tips, &to->ntips, m->tips, m->ntips) ||
        (m->nvoids && !(to->voids = itk_calloc(m->nvoids, sizeof(git_oid)))) ||
        (m->nkeys && !(to->keys = itk_calloc(m->nkeys, sizeof(*to->keys))))) {
        memo_free(to);
        return ITK_ENOMEM;
    }
    if (m->nvoids)
        memcpy(to->voids, m->voids, m->nvoids * sizeof(git_oid));
    for (size_t k = 0; k < m->nkeys; k++)
        snprintf(to->keys[k], sizeof(to->keys[k]), "%s", m->keys[k]);
    to->nvoids = m->nvoids;
    to->nkeys = m->nkeys;
    return 0;
}

static int same_walk(const itk_void_memo *a, const itk_void_memo *b)
{
    return strcmp(a->key, b->key) == 0 && strcmp(a->last_good, b->last_good) == 0 &&
           a->ntips == b->ntips && memcmp(a->tips, b->tips, a->ntips * sizeof(git_oid)) == 0;
}

static int same_answer(const itk_void_memo *a, const itk_void_memo *b)
{
    if (a->nvoids != b->nvoids || a->nkeys != b->nkeys ||
        (a->nvoids && memcmp(a->voids, b->voids, a->nvoids * sizeof(git_oid)) != 0))
        return 0;
    for (size_t k = 0; k < a->nkeys; k++)
        if (strcmp(a->keys[k], b->keys[k]) != 0)
            return 0;
    return 1;
}

static int put_ids(itk_buf *b, const git_oid *ids, size_t n)
{
    int rc = wr_u32(b, (uint32_t)n);
    for (size_t i = 0; !rc && i < n; i++)
        rc = itk_buf_put(b, ids[i].id, GIT_OID_RAWSZ);
    return rc;
}

static void write_back(const itk_void_cache *c, git_repository *repo)
{
    itk_buf b = ITK_BUF_INIT;
    itk_cache_place pl;
    int rc = itk_buf_put(&b, MAGIC, sizeof(MAGIC) - 1);
    rc = rc ? rc : wr_u32(&b, FORMAT);
    rc = rc ? rc : wr_u32(&b, (uint32_t)c->n);
    for (size_t i = 0; !rc && i < c->n; i++) {
        const itk_void_memo *m = &c->e[i];
        rc = wr_cstring(&b, m->key);
        rc = rc ? rc : wr_cstring(&b, m->last_good);
        rc = rc ? rc : put_ids(&b, m->tips, m->ntips);
        rc = rc ? rc : put_ids(&b, m->voids, m->nvoids);
        rc = rc ? rc : wr_u32(&b, (uint32_t)m->nkeys);
        for (size_t k = 0; !rc && k < m->nkeys; k++)
            rc = wr_cstring(&b, m->keys[k]);
    }
    if (!rc && b.size <= ITK_VOID_CACHE_MAX_BYTES) {
        itk_cache_place_init(&pl, repo, NULL);
        itk_cache_write(&pl, ITK_VOID_CACHE_FILE, b.ptr, b.size);
        itk_cache_place_dispose(&pl);
    }
    itk_buf_dispose(&b);
    itk_error_clear();
}

int itk_void_cache_remember(itk_void_cache *c, git_repository *repo, const itk_void_memo *m)
{
    itk_void_memo copy;
    if (!m->ntips || !m->nkeys)
        return 0;
    if (memo_copy(&copy, m))
        return ITK_ENOMEM;
    for (size_t i = 0; i < c->n; i++)
        if (same_walk(&c->e[i], &copy) && same_answer(&c->e[i], &copy)) {
            memo_free(&copy); /* known already: nothing to write */
            return 0;
        }
    itk_void_memo *ne = itk_realloc_array(c->e, c->n + 1, sizeof(*ne));
    if (!ne) {
        memo_free(&copy);
        return ITK_ENOMEM;
    }
    c->e = ne;
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (same_walk(&c->e[i], &copy) || k + 1 >= ITK_VOID_CACHE_MAX_ENTRIES)
            memo_free(&c->e[i]);
        else
            c->e[k++] = c->e[i];
    }
    memmove(c->e + 1, c->e, k * sizeof(*c->e));
    c->e[0] = copy;
    c->n = k + 1;
    write_back(c, repo);
    return 0;
}
