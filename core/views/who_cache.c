/* The who cache (who_priv.h): what `itaku who` works out from the snapshot of
 * HEAD and the requests, for one commit, one set of refs and one build (the
 * key of the status cache, snapshot_cache.c), so that a second `who` reads
 * one small file instead of every record. Whether an approval is open is not
 * kept: it depends on the evaluation time.
 *
 * The file: the magic line, u32 format, string key; u32 n, n × (string
 * party, string parent); u32 n, n × party: strings party, name, role,
 * parent, u32 depth, strings manager, manager_title, manager_dept, form1;
 * u32 n × worker (strings worker_id, name, dept, u32 trained, string
 * training); u32 n × string subcontractor; u32 n × approval (strings request,
 * kind, summary, decision, decided_on, valid_until, i64 max_uses, i64 uses);
 * u32 n × item (strings item_id, info_name, action, record, since,
 * derived_from, taken_out); u32 n × signer (strings principal, name,
 * fingerprint). Sealed by itk_cache_write; integers are big-endian. Every
 * string must fit its field (shorter than its size, no NUL) or the file is
 * refused whole. */
#include "alloc.h"
#include "cache_dir.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "reader.h"
#include "who_priv.h"
#include "writer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "itaku who cache\n";
#define FORMAT 1
#define FILE_NAME "who.cache"
#define MAX_BYTES (256u * 1024u * 1024u)

/* --- writing ---------------------------------------------------------------- */

#define S(field) rc = rc ? rc : wr_cstring(b, (field))
#define U(v) rc = rc ? rc : wr_u32(b, (uint32_t)(v))
#define I(v) rc = rc ? rc : wr_i64(b, (v))

static int put_party(itk_buf *b, const itk_who_party *p)
{
    int rc = 0;
    S(p->party);
    S(p->name);
    S(p->role);
    S(p->parent);
    U(p->depth);
    S(p->manager);
    S(p->manager_title);
    S(p->manager_dept);
    S(p->form1);
    U(p->nworkers);
    for (size_t i = 0; i < p->nworkers; i++) {
        const itk_who_worker *x = &p->workers[i];
        S(x->worker_id);
        S(x->name);
        S(x->dept);
        U(x->trained);
        S(x->training);
    }
    U(p->nsubcontractors);
    for (size_t i = 0; i < p->nsubcontractors; i++)
        S(p->subcontractors[i]);
    U(p->napprovals);
    for (size_t i = 0; i < p->napprovals; i++) {
        const itk_who_approval *x = &p->approvals[i];
        S(x->request);
        S(x->kind);
        S(x->summary);
        S(x->decision);
        S(x->decided_on);
        S(x->valid_until);
        I(x->max_uses);
        I(x->uses);
    }
    U(p->nitems);
    for (size_t i = 0; i < p->nitems; i++) {
        const itk_who_item *x = &p->items[i];
        S(x->item_id);
        S(x->info_name);
        S(x->action);
        S(x->record);
        S(x->since);
        S(x->derived_from);
        S(x->taken_out);
    }
    U(p->nsigners);
    for (size_t i = 0; i < p->nsigners; i++) {
        const itk_who_signer *x = &p->signers[i];
        S(x->principal);
        S(x->name);
        S(x->fingerprint);
    }
    return rc;
}

void itk_wcache_save(const itk_who *w, git_repository *repo, const char key[65])
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
    U(json_object_size(w->parent_of));
    json_object_foreach(w->parent_of, party, parent)
    {
        S(party);
        S(json_string_value(parent) ? json_string_value(parent) : "");
    }
    U(w->n);
    for (size_t i = 0; !rc && i < w->n; i++)
        rc = put_party(b, &w->parties[i]);
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

/* A count of elements of at least min bytes each, and room for them (one
 * more, as who.c allocates). */
static int get_array(itk_reader *rd, void **arr, size_t *n, size_t size, size_t min)
{
    uint32_t count;
    if (rd_u32(rd, &count) || count > rd->left / min ||
        !(*arr = itk_calloc((size_t)count + 1, size)))
        return -1;
    *n = count;
    return 0;
}

#define S(field) (rd_string_into(rd, (field), sizeof(field)))

static int get_party(itk_reader *rd, itk_who_party *p)
{
    uint32_t u;
    if (S(p->party) || S(p->name) || S(p->role) || S(p->parent) || rd_u32(rd, &u) ||
        u > ITK_MAX_CHAIN + 1 || S(p->manager) || S(p->manager_title) || S(p->manager_dept) ||
        S(p->form1))
        return -1;
    p->depth = (int)u;
    if (get_array(rd, (void **)&p->workers, &p->nworkers, sizeof(*p->workers), 20))
        return -1;
    for (size_t i = 0; i < p->nworkers; i++) {
        itk_who_worker *x = &p->workers[i];
        if (S(x->worker_id) || S(x->name) || S(x->dept) || rd_u32(rd, &u) || u > 1 ||
            S(x->training))
            return -1;
        x->trained = (int)u;
    }
    if (get_array(rd, (void **)&p->subcontractors, &p->nsubcontractors, sizeof(*p->subcontractors),
                  4))
        return -1;
    for (size_t i = 0; i < p->nsubcontractors; i++)
        if (rd_string_into(rd, p->subcontractors[i], sizeof(p->subcontractors[i])))
            return -1;
    if (get_array(rd, (void **)&p->approvals, &p->napprovals, sizeof(*p->approvals), 40))
        return -1;
    for (size_t i = 0; i < p->napprovals; i++) {
        itk_who_approval *x = &p->approvals[i];
        if (S(x->request) || S(x->kind) || S(x->summary) || S(x->decision) || S(x->decided_on) ||
            S(x->valid_until) || get_i64(rd, &x->max_uses) || get_i64(rd, &x->uses))
            return -1;
    }
    if (get_array(rd, (void **)&p->items, &p->nitems, sizeof(*p->items), 28))
        return -1;
    for (size_t i = 0; i < p->nitems; i++) {
        itk_who_item *x = &p->items[i];
        if (S(x->item_id) || S(x->info_name) || S(x->action) || S(x->record) || S(x->since) ||
            S(x->derived_from) || S(x->taken_out))
            return -1;
    }
    if (get_array(rd, (void **)&p->signers, &p->nsigners, sizeof(*p->signers), 12))
        return -1;
    for (size_t i = 0; i < p->nsigners; i++) {
        itk_who_signer *x = &p->signers[i];
        if (S(x->principal) || S(x->name) || S(x->fingerprint))
            return -1;
    }
    return 0;
}

#undef S

static void free_parties(itk_who_party *parties, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(parties[i].workers);
        free(parties[i].subcontractors);
        free(parties[i].approvals);
        free(parties[i].items);
        free(parties[i].signers);
    }
    free(parties);
}

int itk_wcache_parse(itk_who *w, const unsigned char *data, size_t len, const char key[65])
{
    itk_reader r, *rd = &r;
    const unsigned char *p;
    size_t plen;
    uint32_t format, count;
    itk_who_party *parties = NULL;
    size_t n = 0;
    json_t *parents = json_object();
    rd_init(rd, data, len);
    if (!parents || rd_bytes(rd, &p, sizeof(MAGIC) - 1) || memcmp(p, MAGIC, sizeof(MAGIC) - 1) ||
        rd_u32(rd, &format) || format != FORMAT || rd_string(rd, &p, &plen) || plen != 64 ||
        memcmp(p, key, 64) != 0 || rd_u32(rd, &count) || count > rd->left / 8)
        goto miss;
    for (uint32_t i = 0; i < count; i++) {
        char party[ITK_PARTY_ID_MAX + 1], parent[ITK_PARTY_ID_MAX + 1];
        if (rd_string_into(rd, party, sizeof(party)) ||
            rd_string_into(rd, parent, sizeof(parent)) ||
            json_object_set_new(parents, party, json_string(parent)))
            goto miss;
    }
    if (rd_u32(rd, &count) || count > rd->left / 60 ||
        !(parties = itk_calloc((size_t)count + 1, sizeof(*parties))))
        goto miss;
    for (n = 0; n < count;)
        if (get_party(rd, &parties[n++]))
            goto miss;
    if (rd->left)
        goto miss;
    w->parties = parties;
    w->n = n;
    w->parent_of = parents;
    return 1;
miss:
    free_parties(parties, n);
    json_decref(parents);
    itk_error_clear();
    return 0;
}

int itk_wcache_load(itk_who *w, git_repository *repo, const char key[65])
{
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len;
    int hit = 0;
    itk_cache_place_init(&pl, repo, NULL);
    if (!itk_cache_read(&data, &len, &pl, FILE_NAME, MAX_BYTES))
        hit = itk_wcache_parse(w, data, len, key);
    itk_cache_place_dispose(&pl);
    free(data);
    itk_error_clear();
    return hit;
}
