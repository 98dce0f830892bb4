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
#include "itaku/status.h"
#include "itaku/textnorm.h"
#include "alloc.h"
#include "registry_priv.h"
#include "requests_priv.h"
#include "itaku/requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct itk_who {
    itk_who_party *parties;
    size_t n;
    char at[32];
};

typedef struct {
    size_t i; /* in the snapshot */
    itk_path_info pi;
    json_t *rec;
} wrec;

typedef struct {
    itk_snapshot *snap;
    wrec *recs; /* the records that count */
    size_t nrecs;
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

/* The records that count, each as JSON once. */
static int gather(wctx *c)
{
    size_t n = itk_snapshot_count(c->snap);
    if (!(c->recs = itk_calloc(n, sizeof(*c->recs))))
        return ITK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        wrec *w = &c->recs[c->nrecs];
        if (!itk_snapshot_counts(c->snap, i))
            continue; /* V9: a void commit's records do not count, nor refused ones */
        w->i = i;
        w->pi = *itk_snapshot_info(c->snap, i);
        int rc = itk_snapshot_json(&w->rec, c->snap, i);
        if (rc)
            return rc;
        c->nrecs++;
    }
    return 0;
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

static const wrec *trained_by(const wctx *c, const char *party, const char *worker)
{
    for (size_t i = 0; i < c->nrecs; i++) {
        const wrec *r = &c->recs[i];
        if (!is_type(r, "form2") || strcmp(r->pi.party, party) != 0)
            continue;
        json_t *att = json_object_get(json_object_get(r->rec, "body"), "attendees"), *a;
        size_t k;
        json_array_foreach(att, k, a)
        {
            const char *wid = json_string_value(json_object_get(a, "worker_id"));
            if (wid && strcmp(wid, worker) == 0)
                return r;
        }
    }
    return NULL;
}

static int fill_staff(itk_who_party *p, const wctx *c)
{
    const wrec *form = NULL;
    for (size_t i = 0; i < c->nrecs; i++) {
        const wrec *r = &c->recs[i];
        if (!is_type(r, "form1") || strcmp(r->pi.party, p->party) != 0 || superseded(c, r))
            continue;
        if (!form || strcmp(r->pi.id, form->pi.id) > 0)
            form = r;
    }
    if (!form)
        return 0;
    rec_name(p->form1, form);
    json_t *body = json_object_get(form->rec, "body");
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
    json_array_foreach(workers, k, wk)
    {
        const char *id = json_string_value(json_object_get(wk, "worker_id"));
        if (!id)
            continue;
        itk_who_worker *x = &p->workers[p->nworkers++];
        itk_copy_utf8(x->worker_id, sizeof(x->worker_id), id);
        itk_copy_utf8(x->name, sizeof(x->name), json_string_value(json_object_get(wk, "name")));
        itk_copy_utf8(x->dept, sizeof(x->dept), json_string_value(json_object_get(wk, "dept")));
        const wrec *t = trained_by(c, p->party, id);
        x->trained = t != NULL;
        if (t)
            rec_name(x->training, t);
    }
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

static int fill_approvals(itk_who_party *p, const wctx *c, const itk_reqdb *db, long long at,
                          int offset)
{
    p->approvals = itk_calloc(db->n + 1, sizeof(*p->approvals));
    if (!p->approvals)
        return ITK_ENOMEM;
    for (size_t i = 0; i < db->n; i++) {
        const itk_request_info *info = &db->items[i].info;
        if (strcmp(info->requester, p->party) != 0 || !info->in_main || db->items[i].withdraws[0] ||
            strcmp(info->kind, "subcontract") == 0 || is_void(c, info->path))
            continue;
        /* the decision that counts: in HEAD, not from a void commit */
        const itk_reqdb_mark *d = NULL;
        for (size_t m = 0; m < db->nmarks; m++)
            if (db->marks[m].is_decision && db->marks[m].in_head &&
                strcmp(db->marks[m].request, info->name) == 0 && !is_void(c, db->marks[m].path))
                d = &db->marks[m];
        if (!d || strcmp(d->verdict, "approved") != 0)
            continue;
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
        for (size_t k = 0; k < c->nrecs; k++) {
            const char *ap = body_str(&c->recs[k], "approval");
            a->uses += is_type(&c->recs[k], "register") &&
                       strcmp(c->recs[k].pi.party, p->party) == 0 && ap &&
                       strcmp(ap, info->name) == 0;
        }
        long long until = 0;
        int in_time = 1;
        if (a->valid_until[0] && itk_time_parse(&until, a->valid_until, offset, 1) == 0)
            in_time = at <= until;
        itk_error_clear();
        a->open = in_time && (a->max_uses <= 0 || a->uses < a->max_uses);
    }
    return 0;
}

static int closes(const wctx *c, const char *party, const char *item)
{
    for (size_t k = 0; k < c->nrecs; k++) {
        const wrec *o = &c->recs[k];
        if (strcmp(o->pi.party, party) != 0)
            continue;
        const char *oa = body_str(o, "action");
        const char *oi = body_str(o, "item_id");
        if (is_type(o, "register") && oa && oi && itk_label_equal(oi, item) &&
            (!strcmp(oa, "returned") || !strcmp(oa, "erased") || !strcmp(oa, "disposed")))
            return 1;
        if (is_type(o, "form5")) {
            json_t *v;
            size_t j;
            json_array_foreach(json_object_get(json_object_get(o->rec, "body"), "items"), j, v)
            {
                const char *id = json_string_value(json_object_get(v, "item_id"));
                if (itk_label_equal(id, item))
                    return 1;
            }
        }
    }
    return 0;
}

static int fill_items(itk_who_party *p, const wctx *c, int offset)
{
    p->items = itk_calloc(c->nrecs + 1, sizeof(*p->items));
    if (!p->items)
        return ITK_ENOMEM;
    for (size_t i = 0; i < c->nrecs; i++) {
        const wrec *r = &c->recs[i];
        const char *action = body_str(r, "action");
        const char *item = body_str(r, "item_id");
        if (!is_type(r, "register") || strcmp(r->pi.party, p->party) != 0 || !action || !item ||
            (strcmp(action, "received") != 0 && strcmp(action, "copied") != 0) ||
            closes(c, p->party, item))
            continue;
        int dup = 0;
        for (size_t k = 0; k < p->nitems && !dup; k++)
            dup = itk_label_equal(p->items[k].item_id, item);
        if (dup)
            continue;
        itk_who_item *x = &p->items[p->nitems++];
        itk_copy_utf8(x->item_id, sizeof(x->item_id), item);
        itk_copy_utf8(x->info_name, sizeof(x->info_name), body_str(r, "info_name"));
        snprintf(x->action, sizeof(x->action), "%s", action);
        rec_name(x->record, r);
        /* written with any offset; shown in the contract's zone */
        json_t *occ = json_object_get(json_object_get(r->rec, "body"), "occurred_at");
        const char *since = json_is_string(occ)
                                ? json_string_value(occ)
                                : json_string_value(json_object_get(r->rec, "created"));
        long long t;
        if (since && strlen(since) > 10 && itk_time_parse(&t, since, offset, 0) == 0)
            itk_format_time(x->since, t, offset);
        else
            itk_copy_utf8(x->since, sizeof(x->since), since);
        itk_error_clear();
        itk_copy_utf8(x->derived_from, sizeof(x->derived_from), body_str(r, "derived_from"));
        /* taken out and not yet brought back: the newest such entry */
        const wrec *out = NULL;
        for (size_t k = 0; k < c->nrecs; k++) {
            const wrec *o = &c->recs[k];
            const char *oa = body_str(o, "action");
            const char *oi = body_str(o, "item_id");
            if (!is_type(o, "register") || strcmp(o->pi.party, p->party) != 0 || !oa || !oi ||
                !itk_label_equal(oi, item))
                continue;
            if (!strcmp(oa, "taken_out") && (!out || strcmp(o->pi.id, out->pi.id) > 0))
                out = o;
        }
        for (size_t k = 0; out && k < c->nrecs; k++) {
            const wrec *o = &c->recs[k];
            const char *oa = body_str(o, "action");
            const char *oi = body_str(o, "item_id");
            if (is_type(o, "register") && !strcmp(o->pi.party, p->party) && oa && oi &&
                itk_label_equal(oi, item) && !strcmp(oa, "brought_back") &&
                strcmp(o->pi.id, out->pi.id) > 0)
                out = NULL;
        }
        if (out)
            rec_name(x->taken_out, out);
    }
    return 0;
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
    itk_buf name = ITK_BUF_INIT;
    for (size_t i = 0; !rc && i < c->nrecs; i++) {
        const wrec *r = &c->recs[i];
        const char *who = body_str(r, "principal"), *fpr = body_str(r, "fingerprint");
        itk_key_status st;
        int dup = 0;
        if (r->pi.kind != ITK_PATH_KEY || strcmp(r->pi.party, p->party) != 0 || !who || !fpr)
            continue;
        for (size_t k = 0; k < p->nsigners && !dup; k++)
            dup = strcmp(p->signers[k].principal, who) == 0;
        if (dup || itk_key_status_get(&st, repo, tree, fpr) != 0 || st.state != ITK_KEY_ACTIVE) {
            itk_error_clear();
            continue;
        }
        if ((rc = itk_principal_attr(&name, repo, tree, p->party, who, "name")))
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

int itk_who_run(itk_who **out, itk_registry *reg, const itk_who_options *o)
{
    wctx c;
    itk_reqdb db;
    int offset, rc;
    long long at = (long long)time(NULL);
    itk_who *w = itk_calloc(1, sizeof(*w));
    memset(&c, 0, sizeof(c));
    memset(&db, 0, sizeof(db));
    *out = NULL;
    if (!w)
        return ITK_ENOMEM;
    if ((rc = itk_registry_offset(&offset, reg)))
        goto done;
    if (o && o->at && (rc = itk_time_parse(&at, o->at, offset, 1)))
        goto done;
    itk_format_time(w->at, at, offset);
    if ((rc = itk_snapshot_open(&c.snap, reg, NULL)) || (rc = gather(&c)) ||
        (rc = order_parties(w, &c)) || (rc = itk_reqdb_load(&db, reg)))
        goto done;
    if (o && o->party) {
        size_t found = 0;
        for (size_t i = 0; i < w->n; i++)
            found |= strcmp(w->parties[i].party, o->party) == 0;
        if (!found) {
            rc = itk_error_set(ITK_ENOTFOUND, "party %s is not registered", o->party);
            goto done;
        }
    }
    for (size_t i = 0; i < w->n; i++) {
        itk_who_party *p = &w->parties[i];
        if ((rc = fill_staff(p, &c)) || (rc = fill_subcontractors(p, w)) ||
            (rc = fill_approvals(p, &c, &db, at, offset)) || (rc = fill_items(p, &c, offset)) ||
            (rc = fill_signers(p, &c, itk_registry_repo(reg))))
            goto done;
    }
    if (o && o->party) {
        size_t kept = 0;
        for (size_t i = 0; i < w->n; i++) {
            if (itk_snapshot_in_scope(c.snap, w->parties[i].party, o->party)) {
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
    for (size_t i = 0; i < c.nrecs; i++)
        json_decref(c.recs[i].rec);
    free(c.recs);
    itk_snapshot_free(c.snap);
    itk_reqdb_free(&db);
    if (rc)
        itk_who_free(w);
    else
        *out = w;
    return rc;
}
