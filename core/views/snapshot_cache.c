/* The snapshot cache, which status, who and the report read (status.cache in this user's folder for
 * the registry, cache_dir.h, which also seals it): the snapshot of a commit (snapshot.c) — every
 * record with its flags, arrivals and provenance, and every party's parent — so that a second
 * status (or who, or report) reads one file instead of every record's blob and every receipt's
 * diff. The records are kept as their flat JSON view (jview.h), which is read back without building
 * a value per field. Findings are not cached: they depend on the evaluation time.
 *
 * The file: the magic line, u32 format, string key, string the sources'
 * digest, 20 bytes commit; u32 n, n × (string party, string parent); u32 n,
 * n × nodes of 4 × u32; string texts; u32 n, n × (u32 path, i64 t_own, 20
 * bytes c_own, i64 t_up, u32 flags, u32 record, u32 superseded by, 20 bytes
 * added, i64 added time, u32 signer, u32 principal, u32 fingerprint, 20
 * bytes blob); u32 n, n × (20 bytes commit, 1 byte verdict): the commits of
 * its history as verify walked them. Sealed by itk_cache_write. Integers are
 * big-endian. A file of this build for another key (a commit since) is read
 * all the same when asked: snapshot.c works out the next snapshot from it. */
#include "alloc.h"
#include "cache_dir.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "reader.h"
#include "rules_digest.h"
#include "snapshot_priv.h"
#include "vcache.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "itaku status cache\n";
#define FORMAT 5
#define MAX_BYTES (1024u * 1024u * 1024u)

int itk_scache_key(char key[65], git_repository *repo, const git_oid *head)
{
    char refs[65];
    unsigned char md[32];
    int rc = itk_vcache_refs_digest(refs, repo);
    if (rc)
        return rc;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return itk_error_nomem();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, ITK_SOURCES_DIGEST, strlen(ITK_SOURCES_DIGEST));
    EVP_DigestUpdate(ctx, head->id, GIT_OID_RAWSZ);
    EVP_DigestUpdate(ctx, refs, 64);
    EVP_DigestFinal_ex(ctx, md, NULL);
    EVP_MD_CTX_free(ctx);
    for (int i = 0; i < 32; i++)
        snprintf(key + 2 * i, 3, "%02x", md[i]);
    return 0;
}

#define FILE_NAME "status.cache"

/* --- writing ----------------------------------------------------------------- */

unsigned char itk_scache_verdict(const itk_commit_info *ci)
{
    return (unsigned char)((ci->ok ? ITK_SCACHE_V_OK : 0) | (ci->is_void ? ITK_SCACHE_V_VOID : 0) |
                           (ci->recovered ? ITK_SCACHE_V_RECOVERED : 0));
}

int itk_scache_verdicts(unsigned char **out, size_t *n, const itk_verify_result *r)
{
    *n = r ? itk_verify_commit_count(r) : 0;
    if (!(*out = malloc(*n ? *n * ITK_SCACHE_VERDICT_BYTES : 1)))
        return itk_error_nomem();
    for (size_t i = 0; i < *n; i++) {
        const itk_commit_info *ci = itk_verify_commit(r, i);
        memcpy(*out + i * ITK_SCACHE_VERDICT_BYTES, ci->id.id, GIT_OID_RAWSZ);
        (*out)[i * ITK_SCACHE_VERDICT_BYTES + GIT_OID_RAWSZ] = itk_scache_verdict(ci);
    }
    return 0;
}

/* Big-endian stores into a buffer sized beforehand: a call of itk_buf_put
 * per field cost more than hashing and writing the file. */
static unsigned char *put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
    return p + 4;
}

static unsigned char *put_i64(unsigned char *p, long long v)
{
    unsigned long long u = (unsigned long long)v;
    return put_u32(put_u32(p, (uint32_t)(u >> 32)), (uint32_t)u);
}

static unsigned char *put_bytes(unsigned char *p, const void *data, size_t n)
{
    if (n)
        memcpy(p, data, n);
    return p + n;
}

static unsigned char *put_string(unsigned char *p, const void *data, size_t n)
{
    return put_bytes(put_u32(p, (uint32_t)n), data, n);
}

/* The bytes of one record in the file (see the top of this file). */
#define REC_BYTES                                                                                  \
    (4 + 8 + GIT_OID_RAWSZ + 8 + 4 + 4 + 4 + GIT_OID_RAWSZ + 8 + 4 + 4 + 4 + GIT_OID_RAWSZ)

void itk_scache_save(const itk_snapshot *c, git_repository *repo, const char key[65],
                     const unsigned char *verdicts, size_t ncommits)
{
    itk_cache_place pl;
    const char *party;
    json_t *parent;
    itk_cache_place_init(&pl, repo, NULL);
    if (!pl.dir[0])
        return; /* nowhere to keep it: uncached */
    size_t total =
        sizeof(MAGIC) - 1 + 4 + 4 + 64 + 4 + strlen(ITK_SOURCES_DIGEST) + GIT_OID_RAWSZ + 4;
    json_object_foreach(c->parent_of, party, parent) total +=
        8 + strlen(party) + json_string_length(parent);
    total += 4 + c->view.nnodes * 16 + 4 + c->view.ntext + 4 + c->n * REC_BYTES + 4 +
             ncommits * ITK_SCACHE_VERDICT_BYTES;
    unsigned char *buf = total <= MAX_BYTES ? malloc(total) : NULL, *p = buf;
    if (!buf) {
        itk_cache_place_dispose(&pl);
        return; /* a cache not written is no error */
    }
    p = put_bytes(p, MAGIC, sizeof(MAGIC) - 1);
    p = put_u32(p, FORMAT);
    p = put_string(p, key, 64);
    p = put_string(p, ITK_SOURCES_DIGEST, strlen(ITK_SOURCES_DIGEST));
    p = put_bytes(p, c->commit.id, GIT_OID_RAWSZ);
    p = put_u32(p, (uint32_t)json_object_size(c->parent_of));
    json_object_foreach(c->parent_of, party, parent)
    {
        p = put_string(p, party, strlen(party));
        p = put_string(p, json_string_value(parent), json_string_length(parent));
    }
    p = put_u32(p, (uint32_t)c->view.nnodes);
    for (size_t i = 0; i < c->view.nnodes; i++) {
        const itk_jnode *n = &c->view.nodes[i];
        p = put_u32(put_u32(put_u32(put_u32(p, n->type), n->key), n->a), n->b);
    }
    p = put_string(p, c->view.text, c->view.ntext);
    p = put_u32(p, (uint32_t)c->n);
    for (size_t i = 0; i < c->n; i++) {
        const itk_snap_rec *r = &c->recs[i];
        p = put_u32(p, r->path);
        p = put_i64(p, r->t_own);
        p = put_bytes(p, r->c_own.id, GIT_OID_RAWSZ);
        p = put_i64(p, r->t_up);
        p = put_u32(p, r->flags);
        p = put_u32(p, r->rec);
        p = put_u32(p, r->sup_by);
        p = put_bytes(p, r->added.id, GIT_OID_RAWSZ);
        p = put_i64(p, r->added_time);
        p = put_u32(p, r->signer);
        p = put_u32(p, r->principal);
        p = put_u32(p, r->fingerprint);
        p = put_bytes(p, r->blob.id, GIT_OID_RAWSZ);
    }
    p = put_u32(p, (uint32_t)ncommits);
    p = put_bytes(p, verdicts, ncommits * ITK_SCACHE_VERDICT_BYTES);
    if ((size_t)(p - buf) == total)
        itk_cache_write(&pl, FILE_NAME, buf, total); /* a cache not written is no error */
    itk_cache_place_dispose(&pl);
    free(buf);
    itk_error_clear();
}

/* --- reading --------------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int get_i64(itk_reader *rd, long long *v)
{
    uint32_t hi, lo;
    if (rd_u32(rd, &hi) || rd_u32(rd, &lo))
        return -1;
    *v = (long long)((unsigned long long)hi << 32 | lo);
    return 0;
}

int itk_scache_parse(itk_snapshot *c, const unsigned char *data, size_t len, const char key[65],
                     const char *digest, itk_scache_prev *prev)
{
    itk_reader rd;
    const unsigned char *p;
    size_t plen;
    uint32_t format, count;
    itk_jview view;
    itk_jnode *nodes = NULL;
    char *text = NULL;
    itk_snap_rec *recs = NULL;
    unsigned char *verdicts = NULL;
    const unsigned char *commit;
    json_t *parents = json_object();
    int exact = 0;
    memset(&view, 0, sizeof(view));
    rd_init(&rd, data, len);
    if (!parents || rd_bytes(&rd, &p, sizeof(MAGIC) - 1) || memcmp(p, MAGIC, sizeof(MAGIC) - 1) ||
        rd_u32(&rd, &format) || format != FORMAT || rd_string(&rd, &p, &plen) || plen != 64)
        goto miss;
    exact = memcmp(p, key, 64) == 0;
    if ((!exact && !prev) || rd_string(&rd, &p, &plen) || plen != strlen(digest) ||
        memcmp(p, digest, plen) != 0 || rd_bytes(&rd, &commit, GIT_OID_RAWSZ) ||
        rd_u32(&rd, &count) || count > rd.left / 8)
        goto miss;
    for (uint32_t i = 0; i < count; i++) {
        char party[ITK_PARTY_ID_MAX + 1], parent[ITK_PARTY_ID_MAX + 1];
        if (rd_string_into(&rd, party, sizeof(party)) ||
            rd_string_into(&rd, parent, sizeof(parent)) ||
            json_object_set_new(parents, party, json_string(parent)))
            goto miss;
    }
    if (rd_u32(&rd, &count) || count == 0 || count > rd.left / 16 ||
        !(nodes = malloc(count * sizeof(*nodes))))
        goto miss;
    size_t nnodes = count;
    if (rd_bytes(&rd, &p, nnodes * 16))
        goto miss;
    for (size_t i = 0; i < nnodes; i++, p += 16) {
        nodes[i].type = be32(p);
        nodes[i].key = be32(p + 4);
        nodes[i].a = be32(p + 8);
        nodes[i].b = be32(p + 12);
    }
    if (rd_string(&rd, &p, &plen) || plen == 0 || !(text = malloc(plen)))
        goto miss;
    memcpy(text, p, plen);
    if (itk_jview_adopt(&view, nodes, nnodes, text, plen))
        goto miss;
    nodes = NULL; /* the view's now */
    text = NULL;
    if (rd_u32(&rd, &count) || count > rd.left / REC_BYTES ||
        !(recs = calloc(count ? count : 1, sizeof(*recs))))
        goto miss;
    for (size_t n = 0; n < count; n++) {
        itk_snap_rec *r = &recs[n];
        const unsigned char *raw, *added, *blob;
        if (rd_u32(&rd, &r->path) || get_i64(&rd, &r->t_own) ||
            rd_bytes(&rd, &raw, GIT_OID_RAWSZ) || get_i64(&rd, &r->t_up) ||
            rd_u32(&rd, &r->flags) || (r->flags & ~ITK_SNAP_ALL_FLAGS) || rd_u32(&rd, &r->rec) ||
            rd_u32(&rd, &r->sup_by) || rd_bytes(&rd, &added, GIT_OID_RAWSZ) ||
            get_i64(&rd, &r->added_time) || rd_u32(&rd, &r->signer) || rd_u32(&rd, &r->principal) ||
            rd_u32(&rd, &r->fingerprint) || rd_bytes(&rd, &blob, GIT_OID_RAWSZ) ||
            r->path >= view.ntext || r->rec >= view.nnodes ||
            view.nodes[r->rec].type != ITK_JV_OBJ || r->signer >= view.ntext ||
            r->principal >= view.ntext || r->fingerprint >= view.ntext ||
            (r->sup_by != ITK_SNAP_NONE && r->sup_by >= count))
            goto miss;
        git_oid_fromraw(&r->c_own, raw);
        git_oid_fromraw(&r->added, added);
        git_oid_fromraw(&r->blob, blob);
        r->body = itk_jv_get(&view, r->rec, "body");
        itk_path_classify(&r->pi, itk_jv_text(&view, r->path));
    }
    uint32_t ncommits;
    if (rd_u32(&rd, &ncommits) || ncommits > rd.left / ITK_SCACHE_VERDICT_BYTES ||
        rd.left != (size_t)ncommits * ITK_SCACHE_VERDICT_BYTES)
        goto miss;
    if (!exact) {
        size_t vlen = (size_t)ncommits * ITK_SCACHE_VERDICT_BYTES;
        if (!(verdicts = malloc(vlen ? vlen : 1)))
            goto miss;
        memcpy(verdicts, rd.p, vlen);
        git_oid_fromraw(&prev->commit, commit);
        prev->verdicts = verdicts;
        prev->ncommits = ncommits;
    }
    itk_jview_dispose(&c->view);
    c->view = view;
    free(c->recs);
    c->recs = recs;
    c->n = count;
    json_decref(c->parent_of);
    c->parent_of = parents;
    return exact ? 1 : 2;
miss:
    free(nodes);
    free(text);
    itk_jview_dispose(&view);
    free(recs);
    json_decref(parents);
    itk_error_clear();
    return 0;
}

int itk_scache_load(itk_snapshot *c, git_repository *repo, const char key[65],
                    itk_scache_prev *prev)
{
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len;
    int hit = 0;
    itk_cache_place_init(&pl, repo, NULL);
    if (!itk_cache_read(&data, &len, &pl, FILE_NAME, MAX_BYTES))
        hit = itk_scache_parse(c, data, len, key, ITK_SOURCES_DIGEST, prev);
    itk_cache_place_dispose(&pl);
    free(data);
    itk_error_clear();
    return hit;
}
