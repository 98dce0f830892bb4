/* The log cache (log_cache.h). A record is received by many merges (into
 * its party's parent, then by every pull), so paths are kept once and the
 * entries name them by number. The file: the magic line, u32 format, string
 * sources' digest, u32 p, p × string path, u32 n, then n × (20 bytes commit,
 * string sections, u32 k, k × u32 path number), sealed by itk_cache_write
 * (cache_dir.h). Integers are big-endian, strings are u32 length then
 * bytes. */
#include "log_cache.h"
#include "alloc.h"
#include "array.h"
#include "cache_dir.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "oidmap.h"
#include "reader.h"
#include "rules_digest.h"
#include "writer.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "itaku log cache\n";
#define FORMAT 2
#define MAX_BYTES (1024u * 1024u * 1024u)
#define MAX_PATH 1024

typedef struct {
    git_oid id;
    char sections[48];
    size_t first, n; /* its received paths: refs[first .. first + n) */
} lentry;

struct itk_lcache {
    lentry *e;
    size_t n, cap;
    size_t *path_at; /* offsets of NUL-terminated paths in text, each once */
    size_t npaths, cappaths;
    itk_buf text;
    json_t *path_no; /* path → its number, built when first needed */
    uint32_t *refs;  /* the entries' path numbers */
    size_t nrefs, caprefs;
    itk_oidmap map; /* commit → index in e, plus one */
    int dirty;
};

#define FILE_NAME "log.cache"

static int lcache_new(itk_lcache **out)
{
    itk_lcache *c = itk_calloc(1, sizeof(*c));
    if (!c || itk_oidmap_init(&c->map)) {
        free(c);
        return ITK_ENOMEM;
    }
    *out = c;
    return 0;
}

void itk_lcache_free(itk_lcache *c)
{
    if (!c)
        return;
    free(c->e);
    free(c->path_at);
    free(c->refs);
    json_decref(c->path_no);
    itk_buf_dispose(&c->text);
    itk_oidmap_free(&c->map);
    free(c);
}

size_t itk_lcache_count(const itk_lcache *c)
{
    return c->n;
}

const git_oid *itk_lcache_id(const itk_lcache *c, size_t i)
{
    return i < c->n ? &c->e[i].id : NULL;
}

static int add_path(itk_lcache *c, const char *p, size_t len)
{
    if (itk_array_reserve(&c->path_at, &c->cappaths, c->npaths + 1, sizeof(*c->path_at)))
        return ITK_ENOMEM;
    c->path_at[c->npaths] = c->text.size;
    if (itk_buf_put(&c->text, p, len) || itk_buf_put(&c->text, "", 1))
        return ITK_ENOMEM;
    c->npaths++;
    return 0;
}

static int add_ref(itk_lcache *c, uint32_t no)
{
    if (itk_array_reserve(&c->refs, &c->caprefs, c->nrefs + 1, sizeof(*c->refs)))
        return ITK_ENOMEM;
    c->refs[c->nrefs++] = no;
    return 0;
}

/* The number of path, added when new. */
static int path_number(itk_lcache *c, const char *path, uint32_t *no)
{
    if (!c->path_no) {
        if (!(c->path_no = json_object()))
            return itk_error_nomem();
        for (size_t i = 0; i < c->npaths; i++)
            if (json_object_set_new_nocheck(c->path_no, c->text.ptr + c->path_at[i],
                                            json_integer((json_int_t)i)))
                return itk_error_nomem();
    }
    json_t *known = json_object_get(c->path_no, path);
    if (known) {
        *no = (uint32_t)json_integer_value(known);
        return 0;
    }
    *no = (uint32_t)c->npaths;
    int rc = add_path(c, path, strlen(path));
    if (!rc && json_object_set_new_nocheck(c->path_no, path, json_integer(*no)))
        rc = itk_error_nomem();
    return rc;
}

/* Appends an entry for id (not known yet) with no paths; *out is it. */
static int add_entry(itk_lcache *c, const git_oid *id, const char *sections, lentry **out)
{
    if (itk_array_reserve(&c->e, &c->cap, c->n + 1, sizeof(*c->e)))
        return ITK_ENOMEM;
    lentry *e = &c->e[c->n];
    memset(e, 0, sizeof(*e));
    git_oid_cpy(&e->id, id);
    snprintf(e->sections, sizeof(e->sections), "%s", sections);
    e->first = c->nrefs;
    if (itk_oidmap_set(&c->map, id, (void *)(uintptr_t)(c->n + 1)))
        return ITK_ENOMEM;
    c->n++;
    *out = e;
    return 0;
}

int itk_lcache_get(const itk_lcache *c, const git_oid *id, itk_log_entry *out)
{
    uintptr_t at = (uintptr_t)itk_oidmap_get(&c->map, id);
    if (!at)
        return 0;
    const lentry *e = &c->e[at - 1];
    snprintf(out->sections, sizeof(out->sections), "%s", e->sections);
    out->received = itk_calloc(e->n, sizeof(char *));
    if (!out->received)
        return ITK_ENOMEM;
    for (size_t k = 0; k < e->n; k++) {
        if (!(out->received[k] = itk_strdup(c->text.ptr + c->path_at[c->refs[e->first + k]])))
            return ITK_ENOMEM;
        out->nreceived = k + 1;
    }
    return 1;
}

int itk_lcache_peek(const itk_lcache *c, const git_oid *id, char sections[48], size_t *nreceived)
{
    uintptr_t at = (uintptr_t)itk_oidmap_get(&c->map, id);
    if (!at)
        return 0;
    const lentry *e = &c->e[at - 1];
    snprintf(sections, 48, "%s", e->sections);
    *nreceived = e->n;
    return 1;
}

const char *itk_lcache_received(const itk_lcache *c, const git_oid *id, size_t k)
{
    uintptr_t at = (uintptr_t)itk_oidmap_get(&c->map, id);
    if (!at || k >= c->e[at - 1].n)
        return NULL;
    return c->text.ptr + c->path_at[c->refs[c->e[at - 1].first + k]];
}

int itk_lcache_put(itk_lcache *c, const git_oid *id, const itk_log_entry *in)
{
    lentry *e;
    if (itk_oidmap_get(&c->map, id))
        return 0;
    int rc = add_entry(c, id, in->sections, &e);
    for (size_t k = 0; !rc && k < in->nreceived; k++) {
        uint32_t no = 0;
        rc = path_number(c, in->received[k], &no);
        rc = rc ? rc : add_ref(c, no);
    }
    if (!rc) {
        c->e[c->n - 1].n = in->nreceived;
        c->dirty = 1;
    }
    return rc;
}

/* --- the file -------------------------------------------------------------------- */

void itk_lcache_save(itk_lcache *c, git_repository *repo)
{
    itk_cache_place pl;
    itk_buf b = ITK_BUF_INIT;
    if (!c->dirty)
        return;
    itk_cache_place_init(&pl, repo, NULL);
    if (!pl.dir[0])
        return; /* nowhere to keep it: uncached */
    int rc = itk_buf_put(&b, MAGIC, sizeof(MAGIC) - 1);
    rc = rc ? rc : wr_u32(&b, FORMAT);
    rc = rc ? rc : wr_cstring(&b, ITK_SOURCES_DIGEST);
    rc = rc ? rc : wr_u32(&b, (uint32_t)c->npaths);
    for (size_t i = 0; !rc && i < c->npaths; i++)
        rc = wr_cstring(&b, c->text.ptr + c->path_at[i]);
    rc = rc ? rc : wr_u32(&b, (uint32_t)c->n);
    for (size_t i = 0; !rc && i < c->n; i++) {
        const lentry *e = &c->e[i];
        rc = itk_buf_put(&b, e->id.id, GIT_OID_RAWSZ);
        rc = rc ? rc : wr_cstring(&b, e->sections);
        rc = rc ? rc : wr_u32(&b, (uint32_t)e->n);
        for (size_t k = 0; !rc && k < e->n; k++)
            rc = wr_u32(&b, c->refs[e->first + k]);
    }
    if (!rc && itk_cache_write(&pl, FILE_NAME, b.ptr, b.size) == 0)
        c->dirty = 0;
    itk_cache_place_dispose(&pl);
    itk_buf_dispose(&b);
    itk_error_clear();
}

/* Parses into c; -1 when the bytes are not a cache of the build whose
 * sources' digest is digest. */
static int parse_into(itk_lcache *c, const unsigned char *data, size_t len, const char *digest)
{
    itk_reader rd;
    const unsigned char *p;
    size_t plen;
    uint32_t format, count;
    rd_init(&rd, data, len);
    if (rd_bytes(&rd, &p, sizeof(MAGIC) - 1) || memcmp(p, MAGIC, sizeof(MAGIC) - 1) ||
        rd_u32(&rd, &format) || format != FORMAT || rd_string(&rd, &p, &plen) ||
        plen != strlen(digest) || memcmp(p, digest, plen) != 0 || rd_u32(&rd, &count) ||
        count > rd.left / 5)
        return -1;
    for (uint32_t i = 0; i < count; i++)
        if (rd_string(&rd, &p, &plen) || plen == 0 || plen >= MAX_PATH || memchr(p, '\0', plen) ||
            add_path(c, (const char *)p, plen))
            return -1;
    if (rd_u32(&rd, &count) || count > rd.left / (GIT_OID_RAWSZ + 8))
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        const unsigned char *raw;
        char sections[48];
        uint32_t nreceived;
        git_oid id;
        lentry *e;
        if (rd_bytes(&rd, &raw, GIT_OID_RAWSZ) || rd_string(&rd, &p, &plen) ||
            plen >= sizeof(sections) || memchr(p, '\0', plen) || rd_u32(&rd, &nreceived) ||
            nreceived > rd.left / 4)
            return -1;
        memcpy(sections, p, plen);
        sections[plen] = '\0';
        git_oid_fromraw(&id, raw);
        if (itk_oidmap_get(&c->map, &id) || add_entry(c, &id, sections, &e))
            return -1; /* a commit twice is damage */
        for (uint32_t k = 0; k < nreceived; k++) {
            uint32_t no;
            if (rd_u32(&rd, &no) || no >= c->npaths || add_ref(c, no))
                return -1;
        }
        c->e[c->n - 1].n = nreceived;
    }
    return rd.left ? -1 : 0;
}

int itk_lcache_parse(itk_lcache **out, const unsigned char *data, size_t len, const char *digest)
{
    itk_lcache *c = NULL;
    int rc = lcache_new(&c);
    if (rc)
        return rc;
    if (parse_into(c, data, len, digest)) {
        /* not believed: start empty */
        itk_lcache_free(c);
        itk_error_clear();
        if ((rc = lcache_new(&c)))
            return rc;
    }
    *out = c;
    return 0;
}

int itk_lcache_load(itk_lcache **out, git_repository *repo)
{
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len = 0;
    *out = NULL;
    itk_cache_place_init(&pl, repo, NULL);
    int miss = itk_cache_read(&data, &len, &pl, FILE_NAME, MAX_BYTES);
    itk_cache_place_dispose(&pl);
    if (miss) {
        free(data);
        itk_error_clear();
        return itk_lcache_parse(out, (const unsigned char *)"", 0, ITK_SOURCES_DIGEST);
    }
    int rc = itk_lcache_parse(out, data, len, ITK_SOURCES_DIGEST);
    free(data);
    return rc;
}
