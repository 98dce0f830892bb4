/* `itaku who`: who may touch the city's information now, read from the
 * records that count at HEAD (its snapshot: void and refused ones left out,
 * supersedes resolved): managers and workers, training,
 * subcontractors, open approvals and the items each party holds. Whether an
 * obligation is met is status.c's business, not this. */
#include "itaku/who.h"
#include "itaku/people.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/party.h"
#include "itaku/snapshot.h"
#include "itaku/utf8.h"
#include "itaku/status.h"
#include "itaku/textnorm.h"
#include "alloc.h"
#include "array.h"
#include "registry_priv.h"
#include "requests_priv.h"
#include "snapshot_priv.h"
#include "who_priv.h"
#include "itaku/requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    size_t i; /* in the snapshot */
    itk_path_info pi;
    json_t *rec; /* as JSON, made on first need (rec_json) */
} wrec;

/* The records of one party, in snapshot order. */
typedef struct {
    size_t *idx;
    size_t n, cap;
} wbucket;

typedef struct {
    itk_snapshot *snap;
    wrec *recs; /* the records that count */
    size_t nrecs;
    json_t *party_ix; /* party id → index of its bucket */
    wbucket *buckets;
    size_t nbuckets;
    /* request name → index of the decision that counts (in HEAD, not
     * from a void commit: the last such mark) */
    json_t *decision;
    itk_buf key; /* scratch for label keys */
} wctx;

#define body_str(r, key) itk_snapshot_body_str(c->snap, (r)->i, key)

static int is_type(const wrec *r, const char *type)
{
    return r->pi.kind == ITK_PATH_RECORD && r->pi.type && strcmp(r->pi.type->type, type) == 0;
}

static void rec_name(char out[100], const wrec *r)
{
    snprintf(out, 100, "%s/%s", r->pi.party, r->pi.id);
}

/* r as JSON (its body's arrays), made once; NULL when out of memory. */
static json_t *rec_json(const wctx *c, wrec *r)
{
    if (!r->rec && itk_snapshot_json(&r->rec, c->snap, r->i))
        itk_error_clear();
    return r->rec;
}

void itk_who_free(itk_who *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        free(w->parties[i].workers);
        free(w->parties[i].subcontractors);
        free(w->parties[i].approvals);
        free(w->parties[i].items);
        free(w->parties[i].signers);
    }
    free(w->parties);
    json_decref(w->parent_of);
    free(w);
}

size_t itk_who_count(const itk_who *w)
{
    return w->n;
}

const itk_who_party *itk_who_get(const itk_who *w, size_t i)
{
    return i < w->n ? &w->parties[i] : NULL;
}

const char *itk_who_at(const itk_who *w)
{
    return w->at;
}

/* The key labels are compared by (itk_label_equal): ASCII folded to lower
 * case, anything else through itk_label_key; a label that cannot be folded
 * equals only itself. The key is in c->key until the next call. */
static const char *label_key(wctx *c, const char *s)
{
    int ascii = 1;
    for (const char *p = s; *p && ascii; p++)
        ascii = (unsigned char)*p < 0x80;
    itk_buf_clear(&c->key);
    if (ascii && strlen(s) > ITK_TEXTNORM_MAX && itk_buf_puts(&c->key, "\x02"))
        return NULL; /* longer than itk_label_key takes: equal to ASCII alone */
    if (ascii) {
        for (const char *p = s; *p; p++) {
            char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
            if (itk_buf_put(&c->key, &ch, 1))
                return NULL;
        }
    } else if (itk_label_key(&c->key, s) != 0) {
        itk_error_clear();
        itk_buf_clear(&c->key);
        if (itk_buf_puts(&c->key, "\x01") || itk_buf_puts(&c->key, s))
            return NULL;
    }
    if (itk_buf_put(&c->key, "", 1))
        return NULL;
    return c->key.ptr;
}

/* The records that count, and each party's of them. */
static int gather(wctx *c)
{
    size_t n = itk_snapshot_count(c->snap);
    if (!(c->recs = itk_calloc(n ? n : 1, sizeof(*c->recs))) ||
        !(c->buckets = itk_calloc(n ? n : 1, sizeof(*c->buckets))) ||
        !(c->party_ix = json_object()))
        return ITK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        wrec *w = &c->recs[c->nrecs];
        if (!itk_snapshot_counts(c->snap, i))
            continue; /* V9: a void commit's records do not count, nor refused ones */
        w->i = i;
        w->pi = *itk_snapshot_info(c->snap, i);
        json_t *ix = json_object_get(c->party_ix, w->pi.party);
        size_t b = ix ? (size_t)json_integer_value(ix) : c->nbuckets;
        if (!ix) {
            if (json_object_set_new(c->party_ix, w->pi.party, json_integer((json_int_t)b)))
                return itk_error_nomem();
            c->nbuckets++;
        }
        wbucket *bk = &c->buckets[b];
        if (itk_array_reserve(&bk->idx, &bk->cap, bk->n + 1, sizeof(*bk->idx)))
            return ITK_ENOMEM;
        bk->idx[bk->n++] = c->nrecs;
        c->nrecs++;
    }
    return 0;
}

static const wbucket *bucket_of(const wctx *c, const char *party)
{
    static const wbucket none = {NULL, 0, 0};
    json_t *ix = json_object_get(c->party_ix, party);
    return ix ? &c->buckets[json_integer_value(ix)] : &none;
}

/* Whether the record at path was added by a void commit. */
static int is_void(const wctx *c, const char *path)
{
    size_t i;
    int found = itk_snapshot_find(&i, c->snap, path) == 0;
    itk_error_clear();
    return found && (itk_snapshot_flags(c->snap, i) & ITK_SNAP_VOID);
}

/* Parties depth first below the city, children in name order. */
static int order_parties(itk_who *w, const wctx *c)
{
    size_t np = 0;
    for (size_t i = 0; i < c->nrecs; i++)
        np += c->recs[i].pi.kind == ITK_PATH_PARTY;
    w->parties = itk_calloc(np, sizeof(*w->parties));
    if (!w->parties)
        return ITK_ENOMEM;
    const wrec **pr = itk_calloc(np, sizeof(*pr));
    if (!pr)
        return ITK_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < c->nrecs; i++)
        if (c->recs[i].pi.kind == ITK_PATH_PARTY)
            pr[k++] = &c->recs[i];
    /* sort by id, so that siblings come out in name order */
    for (size_t i = 1; i < np; i++)
        for (size_t j = i; j > 0 && strcmp(pr[j - 1]->pi.party, pr[j]->pi.party) > 0; j--) {
            const wrec *t = pr[j];
            pr[j] = pr[j - 1];
            pr[j - 1] = t;
        }
    struct {
        const wrec *r;
        int depth;
    } stack[64];
    size_t top = 0;
    for (size_t i = np; i-- > 0;) {
        const char *role = body_str(pr[i], "role");
        if (role && strcmp(role, "city") == 0 && top < 64) {
            stack[top].r = pr[i];
            stack[top++].depth = 0;
        }
    }
    while (top > 0 && w->n < np) {
        top--;
        const wrec *r = stack[top].r;
        int depth = stack[top].depth;
        itk_who_party *p = &w->parties[w->n++];
        snprintf(p->party, sizeof(p->party), "%s", r->pi.party);
        itk_copy_utf8(p->name, sizeof(p->name), body_str(r, "name"));
        itk_copy_utf8(p->role, sizeof(p->role), body_str(r, "role"));
        itk_copy_utf8(p->parent, sizeof(p->parent), body_str(r, "parent"));
        p->depth = depth;
        for (size_t i = np; i-- > 0;) {
            const char *parent = body_str(pr[i], "parent");
            const char *role = body_str(pr[i], "role");
            if (parent && role && strcmp(role, "city") != 0 && strcmp(parent, r->pi.party) == 0 &&
                top < 64 && depth < ITK_MAX_CHAIN) {
                stack[top].r = pr[i];
                stack[top++].depth = depth + 1;
            }
        }
    }
    free(pr);
    return 0;
}

static int superseded(const wctx *c, const wrec *r)
{
    return (itk_snapshot_flags(c->snap, r->i) & ITK_SNAP_SUPERSEDED) != 0;
}

static int fill_staff(itk_who_party *p, wctx *c)
{
    const wbucket *bk = bucket_of(c, p->party);
    wrec *form = NULL;
    for (size_t j = 0; j < bk->n; j++) {
        wrec *r = &c->recs[bk->idx[j]];
        if (!is_type(r, "form1") || superseded(c, r))
            continue;
        if (!form || strcmp(r->pi.id, form->pi.id) > 0)
            form = r;
    }
    if (!form)
        return 0;
    rec_name(p->form1, form);
    json_t *body = json_object_get(rec_json(c, form), "body");
    json_t *m = json_object_get(body, "manager");
    itk_copy_utf8(p->manager, sizeof(p->manager), json_string_value(json_object_get(m, "name")));
    itk_copy_utf8(p->manager_title, sizeof(p->manager_title),
                  json_string_value(json_object_get(m, "title")));
    itk_copy_utf8(p->manager_dept, sizeof(p->manager_dept),
                  json_string_value(json_object_get(m, "dept")));
    json_t *workers = json_object_get(body, "workers"), *wk;
    size_t k;
    p->workers = itk_calloc(json_array_size(workers) + 1, sizeof(*p->workers));
    if (!p->workers)
        return ITK_ENOMEM;
    /* worker id → the first of the party's form 2 naming it an attendee */
    json_t *trained = json_object();
    if (!trained)
        return itk_error_nomem();
    for (size_t j = 0; j < bk->n; j++) {
        wrec *r = &c->recs[bk->idx[j]];
        if (!is_type(r, "form2"))
            continue;
        json_t *att = json_object_get(json_object_get(rec_json(c, r), "body"), "attendees"), *a;
        json_array_foreach(att, k, a)
        {
            const char *wid = json_string_value(json_object_get(a, "worker_id"));
            if (wid && !json_object_get(trained, wid) &&
                json_object_set_new_nocheck(trained, wid, json_integer((json_int_t)bk->idx[j]))) {
                json_decref(trained);
                return itk_error_nomem();
            }
        }
    }
    json_array_foreach(workers, k, wk)
    {
        const char *id = json_string_value(json_object_get(wk, "worker_id"));
        if (!id)
            continue;
        itk_who_worker *x = &p->workers[p->nworkers++];
        itk_copy_utf8(x->worker_id, sizeof(x->worker_id), id);
        itk_copy_utf8(x->name, sizeof(x->name), json_string_value(json_object_get(wk, "name")));
        itk_copy_utf8(x->dept, sizeof(x->dept), json_string_value(json_object_get(wk, "dept")));
        json_t *t = json_object_get(trained, id);
        x->trained = t != NULL;
        if (t)
            rec_name(x->training, &c->recs[json_integer_value(t)]);
    }
    json_decref(trained);
    return 0;
}

static int fill_subcontractors(itk_who_party *p, const itk_who *w)
{
    p->subcontractors = itk_calloc(w->n + 1, sizeof(*p->subcontractors));
    if (!p->subcontractors)
        return ITK_ENOMEM;
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->parties[i].parent, p->party) == 0 && strcmp(w->parties[i].role, "city") != 0)
            snprintf(p->subcontractors[p->nsubcontractors++], ITK_PARTY_ID_MAX + 1, "%s",
                     w->parties[i].party);
    return 0;
}

/* Each request's decision that counts: in HEAD, not from a void commit nor
 * short of its rules without the seals void commits wrote (V12), the last
 * such mark. */
static int index_decisions(wctx *c, const itk_reqdb *db)
{
    if (!(c->decision = json_object()))
        return itk_error_nomem();
    for (size_t m = 0; m < db->nmarks; m++)
        if (db->marks[m].is_decision && db->marks[m].in_head && !db->marks[m].is_short &&
            !is_void(c, db->marks[m].path) &&
            json_object_set_new_nocheck(c->decision, db->marks[m].request,
                                        json_integer((json_int_t)m)))
            return itk_error_nomem();
    return 0;
}

/* Whether approval a is open at `at`: within its validity and its uses. */
static void approval_open(itk_who_approval *a, long long at, int offset)
{
    long long until = 0;
    int in_time = 1;
    if (a->valid_until[0] && itk_time_parse(&until, a->valid_until, offset, 1) == 0)
        in_time = at <= until;
    itk_error_clear();
    a->open = in_time && (a->max_uses <= 0 || a->uses < a->max_uses);
}

static int fill_approvals(itk_who_party *p, const wctx *c, const itk_reqdb *db)
{
    p->approvals = itk_calloc(db->n + 1, sizeof(*p->approvals));
    if (!p->approvals)
        return ITK_ENOMEM;
    const wbucket *bk = bucket_of(c, p->party);
    json_t *uses = NULL; /* approval → register entries of the party citing it */
    for (size_t i = 0; i < db->n; i++) {
        const itk_request_info *info = &db->items[i].info;
        if (strcmp(info->requester, p->party) != 0 || !info->in_main || db->items[i].withdraws[0] ||
            strcmp(info->kind, "subcontract") == 0 || is_void(c, info->path))
            continue;
        json_t *dm = json_object_get(c->decision, info->name);
        const itk_reqdb_mark *d = dm ? &db->marks[json_integer_value(dm)] : NULL;
        if (!d || strcmp(d->verdict, "approved") != 0)
            continue;
        if (!uses) {
            if (!(uses = json_object()))
                return itk_error_nomem();
            for (size_t j = 0; j < bk->n; j++) {
                const wrec *r = &c->recs[bk->idx[j]];
                const char *ap = is_type(r, "register") ? body_str(r, "approval") : NULL;
                if (!ap)
                    continue;
                json_t *v = json_object_get(uses, ap);
                if (v ? json_integer_set(v, json_integer_value(v) + 1)
                      : json_object_set_new_nocheck(uses, ap, json_integer(1))) {
                    json_decref(uses);
                    return itk_error_nomem();
                }
            }
        }
        itk_who_approval *a = &p->approvals[p->napprovals++];
        snprintf(a->request, sizeof(a->request), "%s", info->name);
        snprintf(a->kind, sizeof(a->kind), "%s", info->kind);
        itk_copy_utf8(a->summary, sizeof(a->summary), info->summary);
        itk_path_info dpi;
        itk_path_classify(&dpi, d->path);
        snprintf(a->decision, sizeof(a->decision), "%s/%s", dpi.party, dpi.id);
        snprintf(a->decided_on, sizeof(a->decided_on), "%s", d->created);
        snprintf(a->valid_until, sizeof(a->valid_until), "%s", d->valid_until);
        a->max_uses = d->max_uses;
        a->uses = json_integer_value(json_object_get(uses, info->name));
    }
    json_decref(uses);
    return 0;
}

/* What the party's register says of each item (by label key): closed
 * (returned, erased, disposed, or on a form 5), the newest taken_out entry
 * (the first of the greatest id) and the greatest brought_back id. */
typedef struct {
    json_t *closed, *taken, *back;
} item_facts;

static int set_key(json_t *o, const char *k, json_t *v)
{
    return json_object_set_new_nocheck(o, k, v) ? itk_error_nomem() : 0;
}

static int item_facts_of(item_facts *f, wctx *c, const wbucket *bk)
{
    int rc = 0;
    if (!(f->closed = json_object()) || !(f->taken = json_object()) || !(f->back = json_object()))
        return itk_error_nomem();
    for (size_t j = 0; !rc && j < bk->n; j++) {
        wrec *o = &c->recs[bk->idx[j]];
        if (is_type(o, "form5")) {
            json_t *v;
            size_t k;
            json_array_foreach(json_object_get(json_object_get(rec_json(c, o), "body"), "items"), k,
                               v)
            {
                const char *id = json_string_value(json_object_get(v, "item_id"));
                const char *key = id ? label_key(c, id) : NULL;
                if (id && !key)
                    return ITK_ENOMEM;
                if (key && (rc = set_key(f->closed, key, json_true())))
                    break;
            }
            continue;
        }
        const char *oa = body_str(o, "action");
        const char *oi = body_str(o, "item_id");
        if (!is_type(o, "register") || !oa || !oi)
            continue;
        const char *key = label_key(c, oi);
        if (!key)
            return ITK_ENOMEM;
        if (!strcmp(oa, "returned") || !strcmp(oa, "erased") || !strcmp(oa, "disposed"))
            rc = set_key(f->closed, key, json_true());
        else if (!strcmp(oa, "taken_out")) {
            json_t *t = json_object_get(f->taken, key);
            if (!t || strcmp(o->pi.id, c->recs[json_integer_value(t)].pi.id) > 0)
                rc = set_key(f->taken, key, json_integer((json_int_t)bk->idx[j]));
        } else if (!strcmp(oa, "brought_back")) {
            json_t *t = json_object_get(f->back, key);
            if (!t || strcmp(o->pi.id, c->recs[json_integer_value(t)].pi.id) > 0)
                rc = set_key(f->back, key, json_integer((json_int_t)bk->idx[j]));
        }
    }
    return rc;
}

static int fill_items(itk_who_party *p, wctx *c, int offset)
{
    const wbucket *bk = bucket_of(c, p->party);
    item_facts f = {NULL, NULL, NULL};
    json_t *held = json_object(); /* label keys of the items listed */
    int rc = 0;
    /* room for the receipts and copies, which alone are listed: an item is
     * large, and room zeroed for every record of the party was written
     * page by page (issue 18) */
    size_t room = 0;
    for (size_t j = 0; j < bk->n; j++) {
        const wrec *r = &c->recs[bk->idx[j]];
        const char *action = body_str(r, "action");
        room += is_type(r, "register") && action &&
                (strcmp(action, "received") == 0 || strcmp(action, "copied") == 0);
    }
    p->items = itk_calloc(room + 1, sizeof(*p->items));
    if (!p->items || !held)
        rc = itk_error_nomem();
    rc = rc ? rc : item_facts_of(&f, c, bk);
    for (size_t j = 0; !rc && j < bk->n; j++) {
        const wrec *r = &c->recs[bk->idx[j]];
        const char *action = body_str(r, "action");
        const char *item = body_str(r, "item_id");
        if (!is_type(r, "register") || !action || !item ||
            (strcmp(action, "received") != 0 && strcmp(action, "copied") != 0))
            continue;
        const char *key = label_key(c, item);
        if (!key) {
            rc = ITK_ENOMEM;
            break;
        }
        if (json_object_get(f.closed, key) || json_object_get(held, key))
            continue;
        json_t *out = json_object_get(f.taken, key), *back = json_object_get(f.back, key);
        if (out && back &&
            strcmp(c->recs[json_integer_value(back)].pi.id,
                   c->recs[json_integer_value(out)].pi.id) > 0)
            out = NULL; /* brought back after the newest taking out */
        itk_who_item *x = &p->items[p->nitems++];
        itk_copy_utf8(x->item_id, sizeof(x->item_id), item);
        /* later entries compare with what is listed: the id as kept */
        if (!(key = label_key(c, x->item_id)) || (rc = set_key(held, key, json_true())))
            break;
        itk_copy_utf8(x->info_name, sizeof(x->info_name), body_str(r, "info_name"));
        snprintf(x->action, sizeof(x->action), "%s", action);
        rec_name(x->record, r);
        /* written with any offset; shown in the contract's zone */
        const char *since = body_str(r, "occurred_at");
        if (!since)
            since = itk_snapshot_str(c->snap, r->i, "created");
        long long t;
        if (since && strlen(since) > 10 && itk_time_parse(&t, since, offset, 0) == 0)
            itk_format_time(x->since, t, offset);
        else
            itk_copy_utf8(x->since, sizeof(x->since), since);
        itk_error_clear();
        itk_copy_utf8(x->derived_from, sizeof(x->derived_from), body_str(r, "derived_from"));
        /* taken out and not yet brought back: the newest such entry */
        if (out)
            rec_name(x->taken_out, &c->recs[json_integer_value(out)]);
    }
    /* room was made for every receipt and copy: only what is held is kept
     * (peak memory, issue 18) */
    itk_who_item *fit = p->items ? realloc(p->items, (p->nitems + 1) * sizeof(*p->items)) : NULL;
    if (fit)
        p->items = fit;
    json_decref(held);
    json_decref(f.closed);
    json_decref(f.taken);
    json_decref(f.back);
    return rc;
}

/* The principals of p's active keys, each once, by the name in force. */
static int fill_signers(itk_who_party *p, const wctx *c, git_repository *repo)
{
    git_oid id;
    git_commit *commit = NULL;
    git_tree *tree = NULL;
    int rc = 0;
    if (git_oid_fromstr(&id, itk_snapshot_commit(c->snap)) < 0 ||
        git_commit_lookup(&commit, repo, &id) < 0 || git_commit_tree(&tree, commit) < 0) {
        git_commit_free(commit);
        return itk_error_git("cannot read commit %s", itk_snapshot_commit(c->snap));
    }
    /* a key retired or renamed with a stolen key counts as before (V9) */
    const itk_void_writes *vw = NULL;
    if ((rc = itk_snapshot_void_writes(&vw, c->snap))) {
        git_tree_free(tree);
        git_commit_free(commit);
        return rc;
    }
    itk_buf name = ITK_BUF_INIT;
    const wbucket *bk = bucket_of(c, p->party);
    for (size_t j = 0; !rc && j < bk->n; j++) {
        const wrec *r = &c->recs[bk->idx[j]];
        const char *who = body_str(r, "principal"), *fpr = body_str(r, "fingerprint");
        itk_key_status st;
        int dup = 0;
        if (r->pi.kind != ITK_PATH_KEY || !who || !fpr)
            continue;
        for (size_t k = 0; k < p->nsigners && !dup; k++)
            dup = strcmp(p->signers[k].principal, who) == 0;
        if (dup || itk_key_status_counted(&st, repo, tree, vw, fpr) != 0 ||
            st.state != ITK_KEY_ACTIVE) {
            itk_error_clear();
            continue;
        }
        if ((rc = itk_principal_attr_counted(&name, repo, tree, vw, p->party, who, "name")))
            break;
        itk_who_signer *grown = itk_realloc_array(p->signers, p->nsigners + 1, sizeof(*grown));
        if (!grown) {
            rc = ITK_ENOMEM;
            break;
        }
        p->signers = grown;
        itk_who_signer *x = &p->signers[p->nsigners++];
        memset(x, 0, sizeof(*x));
        itk_copy_utf8(x->principal, sizeof(x->principal), who);
        itk_copy_utf8(x->name, sizeof(x->name), name.size ? name.ptr : "");
        itk_copy_utf8(x->fingerprint, sizeof(x->fingerprint), fpr);
    }
    itk_buf_dispose(&name);
    git_tree_free(tree);
    git_commit_free(commit);
    return rc;
}

/* Whether party is only or below it, by the party files' parents (as
 * itk_snapshot_in_scope). */
static int in_scope(const itk_who *w, const char *party, const char *only)
{
    for (int hops = 0; party && hops <= 2 * ITK_MAX_CHAIN + 2; hops++) {
        if (strcmp(party, only) == 0)
            return 1;
        party = json_string_value(json_object_get(w->parent_of, party));
    }
    return 0;
}

/* Everything but what depends on the evaluation time, from the snapshot of
 * HEAD (snap, borrowed, or NULL: opened here) and the requests. */
static int who_build(itk_who *w, itk_registry *reg, int offset, itk_snapshot *snap)
{
    wctx c;
    itk_reqdb db;
    int rc;
    memset(&c, 0, sizeof(c));
    memset(&db, 0, sizeof(db));
    c.snap = snap;
    if ((!snap && (rc = itk_snapshot_open(&c.snap, reg, NULL))) || (rc = gather(&c)) ||
        (rc = order_parties(w, &c)) || (rc = itk_reqdb_load(&db, reg)) ||
        (rc = index_decisions(&c, &db)))
        goto done;
    if (!(w->parent_of = json_deep_copy(c.snap->parent_of))) {
        rc = itk_error_nomem();
        goto done;
    }
    for (size_t i = 0; i < w->n; i++) {
        itk_who_party *p = &w->parties[i];
        if ((rc = fill_staff(p, &c)) || (rc = fill_subcontractors(p, w)) ||
            (rc = fill_approvals(p, &c, &db)) || (rc = fill_items(p, &c, offset)) ||
            (rc = fill_signers(p, &c, itk_registry_repo(reg))))
            goto done;
    }
done:
    for (size_t i = 0; i < c.nrecs; i++)
        json_decref(c.recs[i].rec);
    free(c.recs);
    for (size_t i = 0; i < c.nbuckets; i++)
        free(c.buckets[i].idx);
    free(c.buckets);
    json_decref(c.party_ix);
    json_decref(c.decision);
    itk_buf_dispose(&c.key);
    if (!snap)
        itk_snapshot_free(c.snap);
    itk_reqdb_free(&db);
    return rc;
}

int itk_who_run(itk_who **out, itk_registry *reg, const itk_who_options *o)
{
    return itk_who_run_snap(out, reg, o, NULL);
}

int itk_who_run_snap(itk_who **out, itk_registry *reg, const itk_who_options *o, itk_snapshot *snap)
{
    int offset, rc;
    long long at = (long long)time(NULL);
    itk_who *w = itk_calloc(1, sizeof(*w));
    git_object *head = NULL;
    char key[65] = "";
    *out = NULL;
    if (!w)
        return ITK_ENOMEM;
    if ((rc = itk_registry_offset(&offset, reg)))
        goto done;
    if (o && o->at && (rc = itk_time_parse(&at, o->at, offset, 1)))
        goto done;
    itk_format_time(w->at, at, offset);
    /* kept per commit, set of refs and build, as the snapshot is (who_cache.c) */
    if (git_revparse_single(&head, itk_registry_repo(reg), "HEAD^{commit}") < 0 ||
        itk_scache_key(key, itk_registry_repo(reg), git_object_id(head)) != 0) {
        git_error_clear();
        itk_error_clear();
        key[0] = '\0';
    }
    if (!key[0] || !itk_wcache_load(w, itk_registry_repo(reg), key)) {
        if ((rc = who_build(w, reg, offset, snap)))
            goto done;
        if (key[0])
            itk_wcache_save(w, itk_registry_repo(reg), key);
    }
    for (size_t i = 0; i < w->n; i++)
        for (size_t k = 0; k < w->parties[i].napprovals; k++)
            approval_open(&w->parties[i].approvals[k], at, offset);
    if (o && o->party) {
        size_t found = 0;
        for (size_t i = 0; i < w->n; i++)
            found |= strcmp(w->parties[i].party, o->party) == 0;
        if (!found) {
            rc = itk_error_set(ITK_ENOTFOUND, "party %s is not registered", o->party);
            goto done;
        }
        size_t kept = 0;
        for (size_t i = 0; i < w->n; i++) {
            if (in_scope(w, w->parties[i].party, o->party)) {
                itk_who_party tmp = w->parties[i];
                w->parties[i] = w->parties[kept];
                w->parties[kept++] = tmp;
            }
        }
        for (size_t i = kept; i < w->n; i++) {
            free(w->parties[i].workers);
            free(w->parties[i].subcontractors);
            free(w->parties[i].approvals);
            free(w->parties[i].items);
            free(w->parties[i].signers);
        }
        w->n = kept;
    }
done:
    git_object_free(head);
    if (rc)
        itk_who_free(w);
    else
        *out = w;
    return rc;
}
