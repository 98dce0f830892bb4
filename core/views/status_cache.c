/* The findings cache (status_priv.h): what status found at HEAD, for one
 * commit, one set of refs and one build (the key of the status cache,
 * snapshot_cache.c), with the evaluation times that find the same
 * (itk_at_window: every comparison with the evaluation time narrows it), so
 * that a second status or todo at the same HEAD the same day reads one small
 * file instead of judging every record again. The findings are kept for
 * every party (the scope asked for is applied after), grouped by party in
 * the chain's order as status gives them.
 *
 * The file: the magic line, u32 format, string key, i64 window from, i64
 * window to; u32 n, n × (string party, string parent); u32 n, n × party
 * (strings id, parent, role, u32 depth); u32 n, n × finding (strings party,
 * section, rule, u32 state, u32 depth, strings record, due, received,
 * claimed, detail, detail_ja). Sealed by itk_cache_write; integers are
 * big-endian. Every string must fit its field (shorter than its size, no
 * NUL) or the file is refused whole. */
#include "alloc.h"
#include "cache_dir.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "reader.h"
#include "status_priv.h"
#include "writer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "itaku findings cache\n";
#define FORMAT 1
#define FILE_NAME "findings.cache"
#define MAX_BYTES (256u * 1024u * 1024u)
/* a finding's texts, as itk_sctx_finding cuts them */
#define DETAIL_MAX 256
#define DETAIL_JA_MAX 512

/* --- writing ---------------------------------------------------------------- */

#define S(field) rc = rc ? rc : wr_cstring(b, (field))
#define U(v) rc = rc ? rc : wr_u32(b, (uint32_t)(v))
#define I(v) rc = rc ? rc : wr_i64(b, (v))

void itk_fcache_save(git_repository *repo, const char key[65], const itk_fcache *fc)
{
    itk_cache_place pl;
    itk_buf buf = ITK_BUF_INIT, *b = &buf;
    const char *party;
    json_t *parent;
    itk_cache_place_init(&pl, repo, NULL);
    if (!pl.dir[0])
        return; /* nowhere to keep it: uncached */
    int rc = itk_buf_put(b, MAGIC, sizeof(MAGIC) - 1);
    U(FORMAT);
    rc = rc ? rc : wr_string(b, key, 64);
    I(fc->win.lo);
    I(fc->win.hi);
    U(json_object_size(fc->parent_of));
    json_object_foreach(fc->parent_of, party, parent)
    {
        S(party);
        S(json_string_value(parent) ? json_string_value(parent) : "");
    }
    U(fc->nparties);
    for (size_t i = 0; i < fc->nparties; i++) {
        const sparty *p = &fc->parties[i];
        S(p->id);
        S(p->parent);
        S(p->role);
        U(p->depth);
    }
    U(fc->nf);
    for (size_t i = 0; i < fc->nf; i++) {
        const itk_finding *f = &fc->f[i];
        S(f->party);
        S(f->section);
        S(f->rule);
        U(f->state);
        U(f->depth);
        S(f->record);
        S(f->due);
        S(f->received);
        S(f->claimed);
        S(f->detail);
        S(f->detail_ja);
    }
    if (!rc)
        itk_cache_write(&pl, FILE_NAME, b->ptr, b->size); /* a cache not written is no error */
    itk_cache_place_dispose(&pl);
    itk_buf_dispose(b);
    itk_error_clear();
}

#undef S
#undef U
#undef I

/* --- reading ----------------------------------------------------------------- */

static int get_i64(itk_reader *rd, long long *v)
{
    uint32_t hi, lo;
    if (rd_u32(rd, &hi) || rd_u32(rd, &lo))
        return -1;
    *v = (long long)((unsigned long long)hi << 32 | lo);
    return 0;
}

/* A finding's text: "" (not allocated) when empty, as itk_sctx_finding
 * leaves it. */
static int get_text(itk_reader *rd, const char **out, char *tmp, size_t cap)
{
    if (rd_string_into(rd, tmp, cap))
        return -1;
    if (!tmp[0]) {
        *out = "";
        return 0;
    }
    return (*out = itk_strdup(tmp)) ? 0 : -1;
}

#define S(field) (rd_string_into(rd, (field), sizeof(field)))

static int get_finding(itk_reader *rd, itk_finding *f)
{
    uint32_t state, depth;
    char tmp[DETAIL_JA_MAX];
    f->detail = f->detail_ja = "";
    if (S(f->party) || S(f->section) || S(f->rule) || rd_u32(rd, &state) ||
        state > ITK_STATE_VIOLATED || rd_u32(rd, &depth) || depth > ITK_MAX_CHAIN + 1 ||
        S(f->record) || S(f->due) || S(f->received) || S(f->claimed) ||
        get_text(rd, &f->detail, tmp, DETAIL_MAX) ||
        get_text(rd, &f->detail_ja, tmp, DETAIL_JA_MAX))
        return -1;
    f->state = (itk_state)state;
    f->depth = (int)depth;
    return 0;
}

void itk_fcache_dispose(itk_fcache *fc)
{
    for (size_t i = 0; fc->f && i < fc->nf; i++)
        itk_finding_texts_free(&fc->f[i]);
    free(fc->f);
    free(fc->parties);
    json_decref(fc->parent_of);
    memset(fc, 0, sizeof(*fc));
}

int itk_fcache_parse(itk_fcache *fc, const unsigned char *data, size_t len, const char key[65])
{
    itk_reader r, *rd = &r;
    const unsigned char *p;
    size_t plen;
    uint32_t format, count;
    memset(fc, 0, sizeof(*fc));
    rd_init(rd, data, len);
    if (!(fc->parent_of = json_object()) || rd_bytes(rd, &p, sizeof(MAGIC) - 1) ||
        memcmp(p, MAGIC, sizeof(MAGIC) - 1) || rd_u32(rd, &format) || format != FORMAT ||
        rd_string(rd, &p, &plen) || plen != 64 || memcmp(p, key, 64) != 0 ||
        get_i64(rd, &fc->win.lo) || get_i64(rd, &fc->win.hi) || fc->win.lo >= fc->win.hi ||
        rd_u32(rd, &count) || count > rd->left / 8)
        goto miss;
    for (uint32_t i = 0; i < count; i++) {
        char party[ITK_PARTY_ID_MAX + 1], parent[ITK_PARTY_ID_MAX + 1];
        if (rd_string_into(rd, party, sizeof(party)) ||
            rd_string_into(rd, parent, sizeof(parent)) ||
            json_object_set_new(fc->parent_of, party, json_string(parent)))
            goto miss;
    }
    /* each party at least 4 × 4 bytes, each finding 11 × 4 */
    if (rd_u32(rd, &count) || count > rd->left / 16 ||
        !(fc->parties = itk_calloc((size_t)count + 1, sizeof(*fc->parties))))
        goto miss;
    for (fc->nparties = 0; fc->nparties < count; fc->nparties++) {
        sparty *x = &fc->parties[fc->nparties];
        uint32_t depth;
        if (S(x->id) || S(x->parent) || S(x->role) || rd_u32(rd, &depth) ||
            depth > ITK_MAX_CHAIN + 1)
            goto miss;
        x->depth = (int)depth;
    }
    if (rd_u32(rd, &count) || count > rd->left / 44 ||
        !(fc->f = itk_calloc((size_t)count + 1, sizeof(*fc->f))))
        goto miss;
    for (fc->nf = 0; fc->nf < count;)
        if (get_finding(rd, &fc->f[fc->nf++]))
            goto miss;
    if (rd->left)
        goto miss;
    return 1;
miss:
    itk_fcache_dispose(fc);
    itk_error_clear();
    return 0;
}

#undef S

int itk_fcache_load(itk_fcache *fc, git_repository *repo, const char key[65], long long at)
{
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len;
    int hit = 0;
    memset(fc, 0, sizeof(*fc));
    itk_cache_place_init(&pl, repo, NULL);
    if (!itk_cache_read(&data, &len, &pl, FILE_NAME, MAX_BYTES))
        hit = itk_fcache_parse(fc, data, len, key);
    itk_cache_place_dispose(&pl);
    free(data);
    itk_error_clear();
    if (hit && (at < fc->win.lo || at >= fc->win.hi)) {
        itk_fcache_dispose(fc); /* found for another time: judged again */
        hit = 0;
    }
    return hit;
}
