/* The verdict at the tip: see vtip.h. File format 4, after the place's tag
 * (cache_dir.c): MAGIC, u32 format, the rules' digest, genesis and city key
 * (strings), u32 refs (each name string, raw commit and tree ids, u32 tree
 * height, u32 V8 known, u32 receipts: receiver and party strings, raw
 * tip; the commit's signer: party and principal strings), u32 commits (raw
 * ids),
 * u32 void commits (raw id, party and principal strings), u32 void keys
 * (key and origin strings), u32 folders (raw id, u32 height). */
#include "vtip.h"
#include "alloc.h"
#include "cache_dir.h"
#include "itaku/errors.h"
#include "reader.h"
#include "writer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "itaku verify tip\n";
/* 2: each ref's tree and its height; 3: the folders read; 4: each ref's
 * V8 receipts state; 5: who signed each ref's commit */
#define FORMAT 5

_Static_assert(sizeof(git_oid) == GIT_OID_RAWSZ, "a git_oid is its raw bytes");

void itk_vtip_refs_free(itk_vtip_ref *refs, size_t n)
{
    for (size_t i = 0; refs && i < n; i++) {
        free(refs[i].name);
        free(refs[i].receipts);
    }
    free(refs);
}

void itk_vtip_dispose(itk_vtip *t)
{
    itk_vtip_refs_free(t->refs, t->nrefs);
    free(t->ids);
    free(t->voids);
    free(t->vkeys);
    free(t->vorigins);
    free(t->trees);
    memset(t, 0, sizeof(*t));
}

/* A u32 count of at most left / each items: -1 when short or too many. */
static int get_count(itk_reader *rd, uint32_t *n, size_t each)
{
    return rd_u32(rd, n) || *n > rd->left / each ? -1 : 0;
}

/* A ref's V8 state: its flag and receipts. */
static int get_receipts(itk_reader *rd, itk_vtip_ref *r)
{
    uint32_t v8, n;
    if (rd_u32(rd, &v8) || v8 > 1 || get_count(rd, &n, 4 + 1 + 4 + 1 + GIT_OID_RAWSZ) ||
        n > ITK_VTIP_MAX_RECEIPTS || (!v8 && n) ||
        (n && !(r->receipts = itk_calloc(n, sizeof(*r->receipts)))))
        return -1;
    r->v8 = (int)v8;
    for (; r->nreceipts < n; r->nreceipts++) {
        itk_vtip_receipt *e = &r->receipts[r->nreceipts];
        const unsigned char *raw;
        if (rd_string_into(rd, e->receiver, sizeof(e->receiver)) || !e->receiver[0] ||
            rd_string_into(rd, e->party, sizeof(e->party)) || !e->party[0] ||
            rd_bytes(rd, &raw, GIT_OID_RAWSZ))
            return -1;
        git_oid_fromraw(&e->tip, raw);
    }
    return 0;
}

static int get_refs(itk_reader *rd, itk_vtip *t)
{
    uint32_t n;
    if (get_count(rd, &n, 4 + 1 + 2 * GIT_OID_RAWSZ + 4 + 4 + 4 + 4 + 4) ||
        (n && !(t->refs = itk_calloc(n, sizeof(*t->refs)))))
        return -1;
    for (; t->nrefs < n; t->nrefs++) {
        itk_vtip_ref *r = &t->refs[t->nrefs];
        const unsigned char *p, *raw, *tree;
        size_t len;
        uint32_t height;
        if (rd_string(rd, &p, &len) || !len || len >= ITK_VTIP_MAX_REF || memchr(p, '\0', len) ||
            rd_bytes(rd, &raw, GIT_OID_RAWSZ) || rd_bytes(rd, &tree, GIT_OID_RAWSZ) ||
            rd_u32(rd, &height) || height > ITK_VTIP_MAX_HEIGHT || !(r->name = itk_malloc(len + 1)))
            return -1;
        memcpy(r->name, p, len);
        r->name[len] = '\0';
        git_oid_fromraw(&r->id, raw);
        git_oid_fromraw(&r->tree, tree);
        r->height = height;
        if (get_receipts(rd, r) || rd_string_into(rd, r->party, sizeof(r->party)) ||
            rd_string_into(rd, r->principal, sizeof(r->principal)) ||
            (t->nrefs && strcmp(t->refs[t->nrefs - 1].name, r->name) >= 0)) {
            t->nrefs++; /* freed with the rest */
            return -1;
        }
    }
    return 0;
}

static int get_ids(itk_reader *rd, itk_vtip *t)
{
    uint32_t n;
    const unsigned char *raw;
    if (get_count(rd, &n, GIT_OID_RAWSZ) || rd_bytes(rd, &raw, (size_t)n * GIT_OID_RAWSZ) ||
        (n && !(t->ids = itk_calloc(n, sizeof(git_oid)))))
        return -1;
    if (n)
        memcpy(t->ids, raw, (size_t)n * GIT_OID_RAWSZ);
    t->nids = n;
    for (size_t i = 1; i < n; i++)
        if (git_oid_cmp(&t->ids[i - 1], &t->ids[i]) >= 0)
            return -1;
    return 0;
}

static int get_voids(itk_reader *rd, itk_vtip *t)
{
    uint32_t n;
    const unsigned char *raw;
    if (get_count(rd, &n, GIT_OID_RAWSZ + 8) ||
        (n && !(t->voids = itk_calloc(n, sizeof(*t->voids)))))
        return -1;
    for (; t->nvoids < n; t->nvoids++) {
        itk_vtip_void *v = &t->voids[t->nvoids];
        if (rd_bytes(rd, &raw, GIT_OID_RAWSZ) || rd_string_into(rd, v->party, sizeof(v->party)) ||
            rd_string_into(rd, v->principal, sizeof(v->principal)))
            return -1;
        git_oid_fromraw(&v->id, raw);
    }
    return 0;
}

static int get_vkeys(itk_reader *rd, itk_vtip *t)
{
    uint32_t n;
    if (get_count(rd, &n, 8) || (n && (!(t->vkeys = itk_calloc(n, sizeof(*t->vkeys))) ||
                                       !(t->vorigins = itk_calloc(n, sizeof(*t->vorigins))))))
        return -1;
    for (; t->nvkeys < n; t->nvkeys++)
        if (rd_string_into(rd, t->vkeys[t->nvkeys], sizeof(t->vkeys[0])) ||
            rd_string_into(rd, t->vorigins[t->nvkeys], sizeof(t->vorigins[0])))
            return -1;
    return 0;
}

static int get_trees(itk_reader *rd, itk_vtip *t)
{
    uint32_t n;
    if (get_count(rd, &n, GIT_OID_RAWSZ + 4) || n > ITK_VTIP_MAX_TREES ||
        (n && !(t->trees = itk_calloc(n, sizeof(*t->trees)))))
        return -1;
    for (; t->ntrees < n; t->ntrees++) {
        const unsigned char *raw;
        uint32_t h;
        if (rd_bytes(rd, &raw, GIT_OID_RAWSZ) || rd_u32(rd, &h) || !h || h > ITK_VTIP_MAX_HEIGHT)
            return -1;
        git_oid_fromraw(&t->trees[t->ntrees].id, raw);
        t->trees[t->ntrees].height = h;
    }
    return 0;
}

int itk_vtip_parse(itk_vtip *t, const unsigned char *data, size_t len)
{
    itk_reader rd;
    const unsigned char *magic;
    uint32_t format;
    rd_init(&rd, data, len);
    if (rd_bytes(&rd, &magic, sizeof(MAGIC) - 1) || memcmp(magic, MAGIC, sizeof(MAGIC) - 1) ||
        rd_u32(&rd, &format) || format != FORMAT ||
        rd_string_into(&rd, t->rules, sizeof(t->rules)) ||
        rd_string_into(&rd, t->genesis, sizeof(t->genesis)) ||
        rd_string_into(&rd, t->city_key, sizeof(t->city_key)) || get_refs(&rd, t) ||
        get_ids(&rd, t) || get_voids(&rd, t) || get_vkeys(&rd, t) || get_trees(&rd, t))
        return -1;
    return rd_done(&rd);
}

int itk_vtip_load(itk_vtip *t, git_repository *repo, const char *cache_root, const char *rules,
                  const char *genesis, const char *city_key)
{
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = ITK_ENOTFOUND;
    memset(t, 0, sizeof(*t));
    itk_cache_place_init(&pl, repo, cache_root);
    if (itk_cache_read(&data, &len, &pl, ITK_VTIP_FILE, ITK_VTIP_MAX_BYTES) == 0 &&
        itk_vtip_parse(t, data, len) == 0 && strcmp(t->rules, rules) == 0 &&
        strcmp(t->genesis, genesis) == 0 && strcmp(t->city_key, city_key) == 0)
        rc = 0;
    if (rc)
        itk_vtip_dispose(t);
    free(data);
    itk_cache_place_dispose(&pl);
    itk_error_clear();
    return rc;
}

void itk_vtip_save(const itk_vtip *t, git_repository *repo, const char *cache_root)
{
    itk_buf b = ITK_BUF_INIT;
    itk_cache_place pl;
    int rc = itk_buf_put(&b, MAGIC, sizeof(MAGIC) - 1);
    rc = rc ? rc : wr_u32(&b, FORMAT);
    rc = rc ? rc : wr_cstring(&b, t->rules);
    rc = rc ? rc : wr_cstring(&b, t->genesis);
    rc = rc ? rc : wr_cstring(&b, t->city_key);
    rc = rc ? rc : wr_u32(&b, (uint32_t)t->nrefs);
    for (size_t i = 0; !rc && i < t->nrefs; i++) {
        rc = wr_cstring(&b, t->refs[i].name);
        rc = rc ? rc : itk_buf_put(&b, t->refs[i].id.id, GIT_OID_RAWSZ);
        rc = rc ? rc : itk_buf_put(&b, t->refs[i].tree.id, GIT_OID_RAWSZ);
        rc = rc ? rc : wr_u32(&b, t->refs[i].height);
        size_t nr = t->refs[i].v8 && t->refs[i].nreceipts <= ITK_VTIP_MAX_RECEIPTS
                        ? t->refs[i].nreceipts
                        : 0;
        rc = rc ? rc : wr_u32(&b, t->refs[i].v8 && nr == t->refs[i].nreceipts);
        rc = rc ? rc : wr_u32(&b, (uint32_t)nr);
        for (size_t k = 0; !rc && k < nr; k++) {
            rc = wr_cstring(&b, t->refs[i].receipts[k].receiver);
            rc = rc ? rc : wr_cstring(&b, t->refs[i].receipts[k].party);
            rc = rc ? rc : itk_buf_put(&b, t->refs[i].receipts[k].tip.id, GIT_OID_RAWSZ);
        }
        rc = rc ? rc : wr_cstring(&b, t->refs[i].party);
        rc = rc ? rc : wr_cstring(&b, t->refs[i].principal);
    }
    rc = rc ? rc : wr_u32(&b, (uint32_t)t->nids);
    rc = rc || !t->nids ? rc : itk_buf_put(&b, t->ids, t->nids * GIT_OID_RAWSZ);
    rc = rc ? rc : wr_u32(&b, (uint32_t)t->nvoids);
    for (size_t i = 0; !rc && i < t->nvoids; i++) {
        rc = itk_buf_put(&b, t->voids[i].id.id, GIT_OID_RAWSZ);
        rc = rc ? rc : wr_cstring(&b, t->voids[i].party);
        rc = rc ? rc : wr_cstring(&b, t->voids[i].principal);
    }
    rc = rc ? rc : wr_u32(&b, (uint32_t)t->nvkeys);
    for (size_t i = 0; !rc && i < t->nvkeys; i++) {
        rc = wr_cstring(&b, t->vkeys[i]);
        rc = rc ? rc : wr_cstring(&b, t->vorigins[i]);
    }
    rc = rc ? rc : wr_u32(&b, (uint32_t)t->ntrees);
    for (size_t i = 0; !rc && i < t->ntrees; i++) {
        rc = itk_buf_put(&b, t->trees[i].id.id, GIT_OID_RAWSZ);
        rc = rc ? rc : wr_u32(&b, t->trees[i].height);
    }
    if (!rc && b.size <= ITK_VTIP_MAX_BYTES) {
        itk_cache_place_init(&pl, repo, cache_root);
        itk_cache_write(&pl, ITK_VTIP_FILE, b.ptr, b.size);
        itk_cache_place_dispose(&pl);
    }
    itk_buf_dispose(&b);
    itk_error_clear();
}

static int ref_cmp(const void *a, const void *b)
{
    return strcmp(((const itk_vtip_ref *)a)->name, ((const itk_vtip_ref *)b)->name);
}

/* Adds name and what ref names (resolved; zero when it names nothing). */
static int ref_add(itk_vtip_ref **refs, size_t *n, size_t *cap, const char *name,
                   git_reference *ref)
{
    git_reference *res = NULL;
    git_oid id;
    memset(&id, 0, sizeof(id));
    if (git_reference_type(ref) == GIT_REFERENCE_DIRECT)
        id = *git_reference_target(ref);
    else if (git_reference_resolve(&res, ref) == 0)
        id = *git_reference_target(res);
    git_reference_free(res);
    git_error_clear();
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        itk_vtip_ref *nr = itk_realloc_array(*refs, nc, sizeof(*nr));
        if (!nr)
            return ITK_ENOMEM;
        *refs = nr;
        *cap = nc;
    }
    memset(&(*refs)[*n], 0, sizeof(**refs));
    if (!((*refs)[*n].name = itk_strdup(name)))
        return ITK_ENOMEM;
    (*refs)[(*n)++].id = id;
    return 0;
}

int itk_vtip_refs_read(itk_vtip_ref **refs, size_t *n, git_repository *repo)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    size_t cap = 0;
    int rc = 0, r;
    *refs = NULL;
    *n = 0;
    if (git_reference_lookup(&ref, repo, "HEAD") == 0)
        rc = ref_add(refs, n, &cap, "HEAD", ref);
    git_reference_free(ref);
    git_error_clear();
    if (!rc && git_reference_iterator_new(&it, repo) < 0)
        rc = itk_error_git("cannot list the refs");
    while (!rc && (r = git_reference_next(&ref, it)) == 0) {
        rc = ref_add(refs, n, &cap, git_reference_name(ref), ref);
        git_reference_free(ref);
    }
    if (!rc && it && r != GIT_ITEROVER)
        rc = itk_error_git("cannot list the refs");
    git_reference_iterator_free(it);
    if (rc) {
        itk_vtip_refs_free(*refs, *n);
        *refs = NULL;
        *n = 0;
        return rc;
    }
    if (*n)
        qsort(*refs, *n, sizeof(**refs), ref_cmp);
    return 0;
}

static int oid_cmp(const void *a, const void *b)
{
    return git_oid_cmp(a, b);
}

int itk_vtip_has(const itk_vtip *t, const git_oid *id)
{
    return t->nids && bsearch(id, t->ids, t->nids, sizeof(*t->ids), oid_cmp) != NULL;
}

int itk_vtip_add_ids(itk_vtip *t, const git_oid *ids, size_t n)
{
    if (!n)
        return 0;
    git_oid *add = itk_calloc(n, sizeof(*add));
    git_oid *all = add ? itk_calloc(t->nids + n, sizeof(*all)) : NULL;
    if (!all) {
        free(add);
        return ITK_ENOMEM;
    }
    memcpy(add, ids, n * sizeof(*add));
    qsort(add, n, sizeof(*add), oid_cmp);
    size_t i = 0, j = 0, k = 0;
    while (i < t->nids || j < n)
        all[k++] = j == n || (i < t->nids && git_oid_cmp(&t->ids[i], &add[j]) < 0) ? t->ids[i++]
                                                                                   : add[j++];
    free(add);
    free(t->ids);
    t->ids = all;
    t->nids = k;
    return 0;
}
