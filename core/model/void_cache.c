/* The void walk's cache: see void_cache.h. File format 2, after the place's
 * tag (cache_dir.c): MAGIC, u32 format, u32 entries, then per entry the key
 * and last good commit (strings), the tips, the void commits (each a u32
 * count and that many raw ids) and the keys (a u32 count and strings); then
 * a u32 count of void commits, each its raw id and a u32 count of changes
 * (u32 status, raw id, path string). */
#include "void_cache.h"
#include "alloc.h"
#include "cache_dir.h"
#include "oidmap.h"
#include "itaku/errors.h"
#include "reader.h"
#include "writer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "itaku voids cache\n";
/* 2: what each void commit wrote, so that it is not diffed again (issue 18) */
#define FORMAT 2

static void memo_free(itk_void_memo *m)
{
    free(m->tips);
    free(m->voids);
    free(m->keys);
    memset(m, 0, sizeof(*m));
}

void itk_void_changes_free(itk_void_change *ch, size_t n)
{
    for (size_t i = 0; ch && i < n; i++)
        free(ch[i].path);
    free(ch);
}

void itk_void_cache_dispose(itk_void_cache *c)
{
    for (size_t i = 0; i < c->n; i++)
        memo_free(&c->e[i]);
    for (size_t i = 0; i < c->nw; i++)
        itk_void_changes_free(c->w[i].c, c->w[i].n);
    free(c->e);
    free(c->w);
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

/* The status of a change kept: what itk_void_writes_changes keeps. */
static int kept_status(uint32_t st)
{
    return st == GIT_DELTA_ADDED || st == GIT_DELTA_MODIFIED || st == GIT_DELTA_TYPECHANGE;
}

/* One void commit's changes (w zeroed): -1 when short or out of bounds (w
 * may hold part of them: its changes are freed by the caller). */
static int get_changes(itk_reader *rd, itk_void_changes *w)
{
    const unsigned char *raw, *p;
    size_t len;
    uint32_t v;
    if (rd_bytes(rd, &raw, GIT_OID_RAWSZ) || rd_u32(rd, &v) ||
        v > rd->left / (4 + GIT_OID_RAWSZ + 4 + 1) || (v && !(w->c = itk_calloc(v, sizeof(*w->c)))))
        return -1;
    git_oid_fromraw(&w->commit, raw);
    for (; w->n < v; w->n++) {
        itk_void_change *ch = &w->c[w->n];
        uint32_t st;
        if (rd_u32(rd, &st) || !kept_status(st) || rd_bytes(rd, &raw, GIT_OID_RAWSZ) ||
            rd_string(rd, &p, &len) || !len || len >= ITK_VOID_CACHE_MAX_PATH ||
            memchr(p, '\0', len) || !(ch->path = itk_malloc(len + 1)))
            return -1;
        ch->status = st;
        git_oid_fromraw(&ch->id, raw);
        memcpy(ch->path, p, len);
        ch->path[len] = '\0';
    }
    return 0;
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
    if (rd_u32(&rd, &n) || n > ITK_VOID_CACHE_MAX_COMMITS || n > rd.left / (GIT_OID_RAWSZ + 4) ||
        !(c->w = itk_calloc(n ? n : 1, sizeof(*c->w))))
        return -1;
    for (; c->nw < n; c->nw++)
        if (get_changes(&rd, &c->w[c->nw])) {
            c->nw++; /* its part is freed with the rest */
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
 * Looked for among the ancestors of the starts that are not m's tips (and
 * below those of m's tips that are starts still: a branch whose new tip a
 * walk from it saw, its old tip an ancestor of that one), not below a
 * commit made more than a day before the oldest of them, and in at
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
    /* breadth first, below a moved tip found too: another may be behind it
     * (a line fast-forwarded to its parent's main, whose receipt merged the
     * line's old tip) */
    while (found < moved && head < nq && head < ITK_VOID_CACHE_MAX_SEARCH) {
        git_commit *c = NULL;
        const git_oid *id = &queue[head++];
        if (among(m->tips, m->ntips, id) && !among(starts, n, id) && ++found == moved)
            break;
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
    /* the cheapest first: the fewest tips moved (to prove behind a start)
     * and starts that are no tip of the walk (each a line the walk from the
     * tips goes down until it meets what they hide: a walk from one branch
     * does not hide the others, and git's walk reads their history) */
    size_t cost[ITK_VOID_CACHE_MAX_ENTRIES];
    for (size_t i = 0; i < c->n && i < ITK_VOID_CACHE_MAX_ENTRIES; i++) {
        size_t moved = moved_tips(&c->e[i], s, n), fresh = 0;
        for (size_t j = 0; j < n; j++)
            fresh += !among(c->e[i].tips, c->e[i].ntips, &s[j]);
        cost[i] = strcmp(c->e[i].key, key) != 0 || strcmp(c->e[i].last_good, last_good) != 0 ||
                          moved > ITK_VOID_CACHE_MAX_MOVED
                      ? SIZE_MAX
                      : moved + fresh;
    }
    for (;;) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < c->n && i < ITK_VOID_CACHE_MAX_ENTRIES; i++)
            if (cost[i] != SIZE_MAX && (best == SIZE_MAX || cost[i] < cost[best]))
                best = i;
        if (best == SIZE_MAX)
            break;
        if (tips_behind(&c->e[best], repo, s, n)) {
            found = &c->e[best];
            break;
        }
        cost[best] = SIZE_MAX;
    }
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

/* Does a walk c keeps name commit void? */
static int named(const itk_void_cache *c, const git_oid *commit)
{
    for (size_t i = 0; i < c->n; i++)
        for (size_t k = 0; k < c->e[i].nvoids; k++)
            if (git_oid_equal(&c->e[i].voids[k], commit))
                return 1;
    return 0;
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
    /* the writes of the void commits the walks kept name, no more */
    size_t nw = 0;
    for (size_t i = 0; i < c->nw; i++)
        nw += named(c, &c->w[i].commit) && nw < ITK_VOID_CACHE_MAX_COMMITS;
    rc = rc ? rc : wr_u32(&b, (uint32_t)nw);
    for (size_t i = 0, put = 0; !rc && i < c->nw && put < nw; i++) {
        const itk_void_changes *w = &c->w[i];
        if (!named(c, &w->commit))
            continue;
        put++;
        rc = itk_buf_put(&b, w->commit.id, GIT_OID_RAWSZ);
        rc = rc ? rc : wr_u32(&b, (uint32_t)w->n);
        for (size_t k = 0; !rc && k < w->n; k++) {
            rc = wr_u32(&b, w->c[k].status);
            rc = rc ? rc : itk_buf_put(&b, w->c[k].id.id, GIT_OID_RAWSZ);
            rc = rc ? rc : wr_cstring(&b, w->c[k].path);
        }
    }
    if (!rc && b.size <= ITK_VOID_CACHE_MAX_BYTES) {
        itk_cache_place_init(&pl, repo, NULL);
        itk_cache_write(&pl, ITK_VOID_CACHE_FILE, b.ptr, b.size);
        itk_cache_place_dispose(&pl);
    }
    itk_buf_dispose(&b);
    itk_error_clear();
}

int itk_void_cache_remember(itk_void_cache *c, const itk_void_memo *m)
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
    c->dirty = 1;
    return 0;
}

const itk_void_changes *itk_void_cache_changes(const itk_void_cache *c, const git_oid *commit)
{
    for (size_t i = 0; i < c->nw; i++)
        if (git_oid_equal(&c->w[i].commit, commit))
            return &c->w[i];
    return NULL;
}

int itk_void_cache_note_changes(itk_void_cache *c, const git_oid *commit, const itk_void_change *ch,
                                size_t n)
{
    itk_void_changes w = {*commit, NULL, 0};
    if (itk_void_cache_changes(c, commit))
        return 0;
    if (n && !(w.c = itk_calloc(n, sizeof(*w.c))))
        return ITK_ENOMEM;
    for (; w.n < n; w.n++) {
        w.c[w.n] = ch[w.n];
        if (!(w.c[w.n].path = itk_strdup(ch[w.n].path))) {
            itk_void_changes_free(w.c, w.n);
            return ITK_ENOMEM;
        }
    }
    itk_void_changes *nw = itk_realloc_array(c->w, c->nw + 1, sizeof(*nw));
    if (!nw) {
        itk_void_changes_free(w.c, w.n);
        return ITK_ENOMEM;
    }
    c->w = nw;
    c->w[c->nw++] = w;
    c->dirty = 1;
    return 0;
}

void itk_void_cache_flush(itk_void_cache *c, git_repository *repo)
{
    if (c->dirty)
        write_back(c, repo);
    c->dirty = 0;
}
