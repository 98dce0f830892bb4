/* The canonical trees' cache: see canon_cache.h. The file, after the
 * place's tag (cache_dir.c): MAGIC, u32 format, u32 count, then per tree
 * its 20 raw id bytes and one byte of its height; sealed by
 * itk_cache_write, integers big-endian. */
#include "canon_cache.h"
#include "alloc.h"
#include "cache_dir.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "reader.h"
#include "writer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "itaku canon cache\n";
#define FORMAT 1
#define ENTRY_BYTES (GIT_OID_RAWSZ + 1)

void itk_canon_cache_dispose(itk_canon_cache *c)
{
    free(c->ids);
    memset(c, 0, sizeof(*c));
}

int itk_canon_cache_parse(itk_canon_cache *c, itk_oidmap *heights, const unsigned char *data,
                          size_t len)
{
    itk_reader rd;
    const unsigned char *p;
    uint32_t format, n;
    rd_init(&rd, data, len);
    if (rd_bytes(&rd, &p, sizeof(MAGIC) - 1) || memcmp(p, MAGIC, sizeof(MAGIC) - 1) ||
        rd_u32(&rd, &format) || format != FORMAT || rd_u32(&rd, &n) ||
        n > ITK_CANON_CACHE_MAX_TREES || rd.left != (size_t)n * ENTRY_BYTES ||
        rd_bytes(&rd, &p, rd.left) || !(c->ids = itk_calloc(n ? n : 1, sizeof(*c->ids))))
        return -1;
    for (c->n = 0; c->n < n; c->n++, p += ENTRY_BYTES) {
        git_oid *id = &c->ids[c->n];
        unsigned h = p[GIT_OID_RAWSZ];
        git_oid_fromraw(id, p);
        if (h < 1 || h > ITK_VTREES_MAX_DEPTH || itk_oidmap_has(heights, id) ||
            itk_oidmap_set(heights, id, (void *)(uintptr_t)h))
            return -1;
    }
    return 0;
}

int itk_canon_cache_load(itk_canon_cache *c, itk_vtrees *m, git_repository *repo)
{
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len = 0;
    memset(c, 0, sizeof(*c));
    if (!(m->used = itk_calloc(1, sizeof(*m->used))) || itk_oidmap_init(m->used)) {
        free(m->used);
        m->used = NULL;
        return ITK_ENOMEM;
    }
    itk_cache_place_init(&pl, repo, NULL);
    if (itk_cache_read(&data, &len, &pl, ITK_CANON_CACHE_FILE, ITK_CANON_CACHE_MAX_BYTES) == 0 &&
        itk_canon_cache_parse(c, &m->heights, data, len) != 0) {
        /* what part of it was read goes too: the check runs uncached */
        itk_canon_cache_dispose(c);
        itk_oidmap_free(&m->heights);
        if (itk_oidmap_init(&m->heights)) {
            free(data);
            itk_cache_place_dispose(&pl);
            return ITK_ENOMEM;
        }
    }
    free(data);
    itk_cache_place_dispose(&pl);
    itk_error_clear();
    return 0;
}

int itk_canon_cache_holds(git_repository *repo, const git_oid *tree)
{
    itk_canon_cache c = {NULL, 0};
    itk_cache_place pl;
    itk_oidmap heights;
    unsigned char *data = NULL;
    size_t len = 0;
    int holds = 0;
    if (itk_oidmap_init(&heights))
        return 0;
    itk_cache_place_init(&pl, repo, NULL);
    if (itk_cache_read(&data, &len, &pl, ITK_CANON_CACHE_FILE, ITK_CANON_CACHE_MAX_BYTES) == 0 &&
        itk_canon_cache_parse(&c, &heights, data, len) == 0)
        holds = itk_oidmap_has(&heights, tree);
    itk_canon_cache_dispose(&c);
    itk_oidmap_free(&heights);
    free(data);
    itk_cache_place_dispose(&pl);
    itk_error_clear();
    return holds;
}

/* Appends id and its height in m when canonical and not written yet
 * (written: the ids put so far). */
static int put_tree(itk_buf *b, itk_oidmap *written, size_t *n, const itk_vtrees *m,
                    const git_oid *id)
{
    int h = (int)(uintptr_t)itk_oidmap_get(&m->heights, id);
    unsigned char height = (unsigned char)h;
    if (*n >= ITK_CANON_CACHE_MAX_TREES || h < 1 || h > ITK_VTREES_MAX_DEPTH ||
        itk_oidmap_has(written, id))
        return 0;
    int rc = itk_oidmap_set(written, id, NULL);
    rc = rc ? rc : itk_buf_put(b, id->id, GIT_OID_RAWSZ);
    rc = rc ? rc : itk_buf_put(b, &height, 1);
    *n += !rc;
    return rc;
}

void itk_canon_cache_save(const itk_canon_cache *c, const itk_vtrees *m, git_repository *repo,
                          const git_oid *root)
{
    itk_buf trees = ITK_BUF_INIT, b = ITK_BUF_INIT;
    itk_oidmap written;
    size_t n = 0, found = 0;
    const itk_oidmap *used = m->used;
    for (size_t i = 0; used && i < used->cap; i++)
        found += used->used[i] && used->values[i];
    if (!found || itk_oidmap_init(&written))
        return; /* nothing new: the file stays as it is */
    int rc = put_tree(&trees, &written, &n, m, root);
    for (size_t i = 0; !rc && i < used->cap; i++)
        if (used->used[i])
            rc = put_tree(&trees, &written, &n, m, &used->keys[i]);
    for (size_t i = 0; !rc && i < c->n; i++)
        rc = put_tree(&trees, &written, &n, m, &c->ids[i]);
    rc = rc ? rc : itk_buf_put(&b, MAGIC, sizeof(MAGIC) - 1);
    rc = rc ? rc : wr_u32(&b, FORMAT);
    rc = rc ? rc : wr_u32(&b, (uint32_t)n);
    rc = rc ? rc : itk_buf_put(&b, trees.ptr, trees.size);
    if (!rc) {
        itk_cache_place pl;
        itk_cache_place_init(&pl, repo, NULL);
        itk_cache_write(&pl, ITK_CANON_CACHE_FILE, b.ptr, b.size); /* unwritten: no error */
        itk_cache_place_dispose(&pl);
    }
    itk_oidmap_free(&written);
    itk_buf_dispose(&trees);
    itk_buf_dispose(&b);
    itk_error_clear();
}
