/* The status cache (.git/itaku/status.cache): what `itaku status` gathered
 * from HEAD — every record that counts and when it reached its party and that
 * party's parent — so that a second status reads one file instead of every
 * record's blob and every receipt's diff. Findings are not cached: they
 * depend on the evaluation time. */
#include "itaku/errors.h"
#include "itaku/json.h"
#include "reader.h"
#include "rules_digest.h"
#include "status_priv.h"
#include "vcache.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "itaku status cache\n";
#define FORMAT 1
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
        return itk_error_set(ITK_ENOMEM, "out of memory");
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, ITK_RULES_DIGEST, strlen(ITK_RULES_DIGEST));
    EVP_DigestUpdate(ctx, head->id, GIT_OID_RAWSZ);
    EVP_DigestUpdate(ctx, refs, 64);
    EVP_DigestFinal_ex(ctx, md, NULL);
    EVP_MD_CTX_free(ctx);
    for (int i = 0; i < 32; i++)
        snprintf(key + 2 * i, 3, "%02x", md[i]);
    return 0;
}

static int cache_path(char *out, size_t cap, git_repository *repo)
{
    int n = snprintf(out, cap, "%sitaku/status.cache", git_repository_path(repo));
    return n < 0 || (size_t)n >= cap ? ITK_ETOOBIG : 0;
}

/* --- JSON as tagged binary: read back without a parser ----------------------- */

static int put_u32(itk_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    return itk_buf_put(b, x, 4);
}

static int put_i64(itk_buf *b, long long v)
{
    unsigned long long u = (unsigned long long)v;
    int rc = put_u32(b, (uint32_t)(u >> 32));
    return rc ? rc : put_u32(b, (uint32_t)u);
}

static int put_bytes(itk_buf *b, const char *s, size_t n)
{
    int rc = put_u32(b, (uint32_t)n);
    return rc ? rc : itk_buf_put(b, s, n);
}

static int put_json(itk_buf *b, const json_t *v)
{
    int rc = 0;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        rc = itk_buf_put(b, "o", 1);
        rc = rc ? rc : put_u32(b, (uint32_t)json_object_size(v));
        json_object_foreach((json_t *)v, k, x)
        {
            rc = rc ? rc : put_bytes(b, k, strlen(k));
            rc = rc ? rc : put_json(b, x);
        }
        return rc;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        rc = itk_buf_put(b, "a", 1);
        rc = rc ? rc : put_u32(b, (uint32_t)json_array_size(v));
        json_array_foreach(v, i, x) rc = rc ? rc : put_json(b, x);
        return rc;
    }
    case JSON_STRING:
        rc = itk_buf_put(b, "s", 1);
        return rc ? rc : put_bytes(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        rc = itk_buf_put(b, "i", 1);
        return rc ? rc : put_i64(b, (long long)json_integer_value(v));
    case JSON_REAL: {
        char num[40];
        snprintf(num, sizeof(num), "%.17g", json_real_value(v));
        rc = itk_buf_put(b, "r", 1);
        return rc ? rc : put_bytes(b, num, strlen(num));
    }
    case JSON_TRUE: return itk_buf_put(b, "t", 1);
    case JSON_FALSE: return itk_buf_put(b, "f", 1);
    default: return itk_buf_put(b, "n", 1);
    }
}

static int get_i64(itk_reader *rd, long long *v)
{
    uint32_t hi, lo;
    if (rd_u32(rd, &hi) || rd_u32(rd, &lo))
        return -1;
    *v = (long long)((unsigned long long)hi << 32 | lo);
    return 0;
}

static json_t *get_json(itk_reader *rd, int depth)
{
    uint8_t tag;
    uint32_t n;
    const unsigned char *p;
    size_t len;
    if (depth > ITK_MAX_JSON_DEPTH || rd_u8(rd, &tag))
        return NULL;
    switch (tag) {
    case 'o': {
        if (rd_u32(rd, &n) || n > rd->left / 5)
            return NULL;
        json_t *o = json_object();
        for (uint32_t i = 0; o && i < n; i++) {
            char key[256];
            if (rd_string(rd, &p, &len) || len >= sizeof(key) || memchr(p, '\0', len)) {
                json_decref(o);
                return NULL;
            }
            memcpy(key, p, len);
            key[len] = '\0';
            json_t *x = get_json(rd, depth + 1);
            if (!x || json_object_set_new_nocheck(o, key, x)) {
                json_decref(o);
                return NULL;
            }
        }
        return o;
    }
    case 'a': {
        if (rd_u32(rd, &n) || n > rd->left)
            return NULL;
        json_t *a = json_array();
        for (uint32_t i = 0; a && i < n; i++) {
            json_t *x = get_json(rd, depth + 1);
            if (!x || json_array_append_new(a, x)) {
                json_decref(a);
                return NULL;
            }
        }
        return a;
    }
    case 's':
        if (rd_string(rd, &p, &len) || memchr(p, '\0', len))
            return NULL;
        return json_stringn_nocheck((const char *)p, len);
    case 'i': {
        long long v;
        return get_i64(rd, &v) ? NULL : json_integer((json_int_t)v);
    }
    case 'r': {
        char num[40];
        if (rd_string(rd, &p, &len) || len >= sizeof(num))
            return NULL;
        memcpy(num, p, len);
        num[len] = '\0';
        return json_real(strtod(num, NULL));
    }
    case 't': return json_true();
    case 'f': return json_false();
    case 'n': return json_null();
    default: return NULL;
    }
}

/* --- the file ------------------------------------------------------------------ */

void itk_scache_save(const sctx *c, const char key[65])
{
    char path[4096];
    itk_buf b = ITK_BUF_INIT;
    unsigned char md[32];
    if (cache_path(path, sizeof(path), c->repo))
        return;
    int rc = itk_buf_put(&b, MAGIC, sizeof(MAGIC) - 1);
    rc = rc ? rc : put_u32(&b, FORMAT);
    rc = rc ? rc : put_bytes(&b, key, 64);
    rc = rc ? rc : put_u32(&b, (uint32_t)c->nrecs);
    for (size_t i = 0; !rc && i < c->nrecs; i++) {
        const srec *r = &c->recs[i];
        rc = put_bytes(&b, r->path, strlen(r->path));
        rc = rc ? rc : put_i64(&b, r->t_own);
        rc = rc ? rc : itk_buf_put(&b, r->c_own.id, GIT_OID_RAWSZ);
        rc = rc ? rc : put_i64(&b, r->t_up);
        rc = rc ? rc : put_json(&b, r->rec);
    }
    if (!rc && EVP_Digest(b.ptr, b.size, md, NULL, EVP_sha256(), NULL))
        rc = itk_buf_put(&b, md, sizeof(md));
    if (!rc)
        itk_vcache_write_file(path, b.ptr, b.size); /* a cache not written is no error */
    itk_buf_dispose(&b);
    itk_error_clear();
}

int itk_scache_load(sctx *c, const char key[65])
{
    char path[4096];
    unsigned char *data = NULL;
    size_t len, n = 0;
    itk_reader rd;
    const unsigned char *p;
    size_t plen;
    uint32_t format, count;
    srec *recs = NULL;
    if (cache_path(path, sizeof(path), c->repo) ||
        itk_vcache_read_file(&data, &len, path, MAX_BYTES))
        goto miss;
    rd_init(&rd, data, len);
    if (rd_bytes(&rd, &p, sizeof(MAGIC) - 1) || memcmp(p, MAGIC, sizeof(MAGIC) - 1) ||
        rd_u32(&rd, &format) || format != FORMAT || rd_string(&rd, &p, &plen) || plen != 64 ||
        memcmp(p, key, 64) != 0 || rd_u32(&rd, &count) || count > rd.left / 40 ||
        !(recs = calloc(count ? count : 1, sizeof(*recs))))
        goto miss;
    for (n = 0; n < count; n++) {
        srec *r = &recs[n];
        const unsigned char *raw;
        if (rd_string(&rd, &p, &plen) || plen >= 1024 || memchr(p, '\0', plen) ||
            !(r->path = malloc(plen + 1)))
            goto miss;
        memcpy(r->path, p, plen);
        r->path[plen] = '\0';
        if (get_i64(&rd, &r->t_own) || rd_bytes(&rd, &raw, GIT_OID_RAWSZ) ||
            get_i64(&rd, &r->t_up) || !(r->rec = get_json(&rd, 0))) {
            n++; /* free its path too */
            goto miss;
        }
        git_oid_fromraw(&r->c_own, raw);
        itk_path_classify(&r->pi, r->path);
    }
    if (rd_done(&rd))
        goto miss;
    free(data);
    c->recs = recs;
    c->nrecs = count;
    return 1;
miss:
    for (size_t i = 0; recs && i < n; i++) {
        free(recs[i].path);
        json_decref(recs[i].rec);
    }
    free(recs);
    free(data);
    itk_error_clear();
    return 0;
}
