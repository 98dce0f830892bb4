/* The obligation engine: takes the records that count at HEAD from its
 * snapshot (snapshot.c: void and refused ones left out, arrivals worked
 * out), keeps those there at the evaluation time, and applies each rule
 * kind of the obligations version in force at the due date. */
#include "itaku/status.h"
#include "alloc.h"
#include "array.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/obligations.h"
#include "itaku/party.h"
#include "itaku/verify.h"
#include "objsize.h"
#include "registry_priv.h"
#include "itaku/snapshot.h"
#include "status_priv.h"
#include "status_rules.h"
#include "status_objects.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The snapshot's records that count, less those not yet there at the
 * evaluation time. */
static int keep_arrived(sctx *c)
{
    const itk_snapshot *s = c->snap;
    if (!(c->recs = itk_calloc(s->n, sizeof(*c->recs))))
        return ITK_ENOMEM;
    for (size_t i = 0; i < s->n; i++) {
        const srec *r = &s->recs[i];
        if (!itk_snapshot_counts(s, i) || (r->t_own >= 0 && !itk_sctx_reached(c, r->t_own)))
            continue;
        c->recs[c->nrecs++] = *r;
    }
    return 0;
}

static int gather_parties(sctx *c)
{
    for (size_t i = 0; i < c->nrecs; i++) {
        srec *r = &c->recs[i];
        if (r->pi.kind != ITK_PATH_PARTY)
            continue;
        if (itk_array_reserve(&c->parties, &c->aparties, c->nparties + 1, sizeof(*c->parties)))
            return ITK_ENOMEM;
        sparty *p = &c->parties[c->nparties++];
        memset(p, 0, sizeof(*p));
        snprintf(p->id, sizeof(p->id), "%s", r->pi.party);
        const char *parent = itk_body_str(c, r, "parent");
        const char *role = itk_body_str(c, r, "role");
        snprintf(p->parent, sizeof(p->parent), "%s", parent ? parent : "");
        snprintf(p->role, sizeof(p->role), "%s", role ? role : "");
    }
    /* depth-first order below the city, so that tables nest */
    sparty *ordered = itk_calloc(c->nparties, sizeof(*ordered));
    size_t n = 0;
    if (!ordered)
        return ITK_ENOMEM;
    char stack[64][ITK_PARTY_ID_MAX + 1];
    int depth_of[64];
    size_t top = 0;
    for (size_t i = 0; i < c->nparties; i++)
        if (strcmp(c->parties[i].role, "city") == 0 && top < 64) {
            snprintf(stack[top], sizeof(stack[top]), "%s", c->parties[i].id);
            depth_of[top++] = 0;
        }
    while (top > 0 && n < c->nparties) {
        top--;
        char id[ITK_PARTY_ID_MAX + 1];
        int depth = depth_of[top];
        snprintf(id, sizeof(id), "%s", stack[top]);
        for (size_t i = 0; i < c->nparties; i++)
            if (strcmp(c->parties[i].id, id) == 0) {
                ordered[n] = c->parties[i];
                ordered[n++].depth = depth;
            }
        /* children in reverse, so that they come out in name order */
        for (size_t i = c->nparties; i-- > 0;)
            if (strcmp(c->parties[i].parent, id) == 0 && strcmp(c->parties[i].role, "city") &&
                top < 64) {
                snprintf(stack[top], sizeof(stack[top]), "%s", c->parties[i].id);
                depth_of[top++] = depth + 1;
            }
    }
    free(c->parties);
    c->parties = ordered;
    c->nparties = c->aparties = n;
    if (!(c->party_idx = json_object()))
        return itk_error_nomem();
    for (size_t i = 0; i < n; i++)
        if (!json_object_get(c->party_idx, ordered[i].id) &&
            json_object_set_new(c->party_idx, ordered[i].id, json_integer((json_int_t)i)))
            return itk_error_nomem();
    return 0;
}

/* Every version of the obligations set itaku.json names that is ever in
 * force, by effective_from (itk_obligations_versions); the one in force at a
 * time is the newest not after it. */
static int gather_obligations(sctx *c)
{
    itk_obligations_version *all = NULL;
    size_t n = 0;
    int rc = itk_obligations_versions(&all, &n, c->repo, c->tree);
    for (size_t i = 0; !rc && i < n; i++) {
        long long from = 0;
        json_t *ob = NULL;
        if (i > 0 && (!all[i].effective_from[0] ||
                      itk_time_parse(&from, all[i].effective_from, c->offset, 0))) {
            itk_error_clear();
            continue; /* never in force */
        }
        if ((rc = itk_tree_read_json(&ob, c->repo, c->tree, all[i].path)))
            break;
        if (itk_array_reserve(&c->obligations, &c->aob, c->nob + 1, sizeof(*c->obligations)) ||
            itk_array_reserve(&c->ob_from, &c->aob_from, c->nob + 1, sizeof(*c->ob_from)) ||
            itk_array_reserve(&c->ob_ver, &c->aob_ver, c->nob + 1, sizeof(*c->ob_ver))) {
            json_decref(ob);
            rc = ITK_ENOMEM;
            break;
        }
        c->obligations[c->nob] = ob;
        c->ob_ver[c->nob] = all[i];
        c->ob_from[c->nob++] = from; /* the first governs from the start */
    }
    free(all);
    return rc;
}

void itk_status_free(itk_status *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->nf; i++)
        itk_finding_texts_free(&st->f[i]);
    free(st->f);
    free(st->parties);
    free(st);
}

size_t itk_status_count(const itk_status *st)
{
    return st->nf;
}

const itk_finding *itk_status_get(const itk_status *st, size_t i)
{
    return i < st->nf ? &st->f[i] : NULL;
}

int itk_status_failed(const itk_status *st)
{
    for (size_t i = 0; i < st->nf; i++)
        if (st->f[i].state >= ITK_STATE_OVERDUE)
            return 1;
    return 0;
}

size_t itk_status_party_count(const itk_status *st)
{
    return st->nparties;
}

const char *itk_status_party(const itk_status *st, size_t i, int *depth, const char **role)
{
    if (i >= st->nparties)
        return NULL;
    if (depth)
        *depth = st->parties[i].depth;
    if (role)
        *role = st->parties[i].role;
    return st->parties[i].id;
}

static void sctx_dispose(sctx *c, int borrowed)
{
    if (!borrowed)
        itk_snapshot_free(c->snap);
    free(c->recs);
    for (size_t i = 0; i < c->nob; i++)
        json_decref(c->obligations[i]);
    free(c->obligations);
    free(c->ob_from);
    free(c->ob_ver);
    json_decref(c->party_idx);
    json_decref(c->index);
    json_decref(c->contract);
    json_decref(c->words);
    git_tree_free(c->tree);
}

int itk_status_run(itk_status **out, itk_registry *reg, const itk_status_options *o)
{
    return itk_status_run_snap(out, reg, o, NULL);
}

/* The status of fc's findings and parties in the scope of only (NULL: all),
 * in their order; fc's findings are moved into it (fc->f is NULL after). */
static int scoped(itk_status **out, itk_fcache *fc, const char *only)
{
    itk_status *st = itk_calloc(1, sizeof(*st));
    if (!st || !(st->parties = itk_calloc(fc->nparties + 1, sizeof(*st->parties)))) {
        free(st);
        return ITK_ENOMEM;
    }
    size_t kept = 0;
    for (size_t i = 0; i < fc->nf; i++)
        if (itk_parents_in_scope(fc->parent_of, fc->f[i].party, only))
            fc->f[kept++] = fc->f[i];
        else
            itk_finding_texts_free(&fc->f[i]);
    st->f = fc->f;
    st->nf = kept;
    fc->f = NULL;
    fc->nf = 0;
    for (size_t p = 0; p < fc->nparties; p++)
        if (itk_parents_in_scope(fc->parent_of, fc->parties[p].id, only))
            st->parties[st->nparties++] = fc->parties[p];
    *out = st;
    return 0;
}

/* The findings cache's answer for HEAD at c's evaluation time: 1 and *out
 * set when it has one (or rc set: the party asked for is not registered);
 * key gets the cache's key of HEAD, "" when there is none. */
static int from_cache(itk_status **out, int *rc, char key[65], sctx *c)
{
    git_oid head;
    itk_fcache fc;
    key[0] = '\0';
    if (git_reference_name_to_id(&head, c->repo, "HEAD") < 0 ||
        itk_scache_key(key, c->repo, &head)) {
        git_error_clear();
        itk_error_clear();
        key[0] = '\0';
        return 0;
    }
    if (!itk_fcache_load(&fc, c->repo, key, c->at))
        return 0;
    int known = !c->only;
    for (size_t i = 0; !known && i < fc.nparties; i++)
        known = strcmp(fc.parties[i].id, c->only) == 0;
    *rc = known ? scoped(out, &fc, c->only)
                : itk_error_set(ITK_ENOTFOUND, "party %s is not registered", c->only);
    itk_fcache_dispose(&fc);
    return 1;
}

/* Whether what c judged is what key names: the snapshot's commit, its
 * tree the one judged, and the refs as they were when key was made (a
 * write while status ran moves HEAD: its findings are not kept then). */
static int judged_key(const sctx *c, const char key[65])
{
    char now[65];
    git_commit *commit = NULL;
    int same = key[0] && git_commit_lookup(&commit, c->repo, &c->snap->commit) == 0 &&
               git_oid_equal(git_commit_tree_id(commit), git_tree_id(c->tree)) &&
               itk_scache_key(now, c->repo, &c->snap->commit) == 0 && memcmp(now, key, 64) == 0;
    git_commit_free(commit);
    git_error_clear();
    itk_error_clear();
    return same;
}

int itk_status_run_snap(itk_status **out, itk_registry *reg, const itk_status_options *o,
                        itk_snapshot *snap)
{
    sctx c;
    int rc;
    char key[65] = "";
    itk_at_window win = {LLONG_MIN, LLONG_MAX};
    *out = NULL;
    memset(&c, 0, sizeof(c));
    c.reg = reg;
    c.repo = reg->repo;
    c.only = o ? o->party : NULL;
    c.current_version = -1;
    c.win = &win;
    if ((rc = itk_registry_head_tree(&c.tree, reg)) ||
        (rc = itk_registry_contract(&c.contract, reg, c.tree)) ||
        (rc = itk_timezone_offset(&c.offset,
                                  json_string_value(json_object_get(c.contract, "timezone")))))
        goto done;
    c.at = (long long)time(NULL);
    if (o && o->at && (rc = itk_time_parse(&c.at, o->at, c.offset, 1)))
        goto done;
    /* what an earlier run found at this HEAD, when the evaluation time
     * changes none of it (issue 18: todo after status, status again) */
    if (!snap && from_cache(out, &rc, key, &c))
        goto done;
    /* DESIGN §9: what HEAD holds is gathered once per HEAD and set of refs
     * (the snapshot's cache); without it, from the verification (itself cached) */
    c.snap = snap;
    if ((!snap && (rc = itk_snapshot_open(&c.snap, reg, NULL))) || (rc = keep_arrived(&c)))
        goto done;
    c.view = &c.snap->view;
    /* room for the findings, about one per record: grown as they come, the
     * list was copied again at each doubling, page by page (issue 18); the
     * pages never written are never resident */
    if (itk_array_reserve(&c.f, &c.af, 2 * c.nrecs + 64, sizeof(*c.f)))
        itk_error_clear(); /* grown as they come, then */
    if ((rc = gather_parties(&c)) || (rc = gather_obligations(&c)))
        goto done;
    if (c.only && !itk_sctx_party(&c, c.only)) {
        rc = itk_error_set(ITK_ENOTFOUND, "party %s is not registered", c.only);
        goto done;
    }
    for (size_t v = 0; v < c.nob; v++) {
        c.current_version = c.nob > 1 ? (long long)v : -1;
        json_t *sections = json_object_get(c.obligations[v], "sections"), *sec;
        size_t si;
        json_array_foreach(sections, si, sec)
        {
            json_t *rules = json_object_get(sec, "rules"), *rule;
            size_t ri;
            json_array_foreach(rules, ri, rule)
            {
                const char *clause = json_string_value(json_object_get(rule, "clause"));
                char section[24];
                snprintf(section, sizeof(section), "%s",
                         clause ? clause : json_string_value(json_object_get(sec, "number")));
                if ((rc = itk_rules_apply(&c, json_string_value(json_object_get(rule, "kind")),
                                          section, json_object_get(rule, "params"))))
                    goto done;
            }
        }
    }
    /* beside the obligations: forms citing attachments nobody holds */
    if ((rc = itk_status_evidence(&c)) || (rc = itk_status_unverified(&c)) ||
        (rc = itk_status_setters(&c)) || (rc = itk_status_refs(&c)))
        goto done;
    /* findings grouped by party in the chain's order, each group in the
     * order found: moved in place (a finding is large and there is one per
     * record), those of no party last and dropped */
    size_t *start = itk_calloc(c.nparties + 1, sizeof(*start));
    size_t *dest = itk_calloc(c.nf + 1, sizeof(*dest));
    if (!start || !dest) {
        free(start);
        free(dest);
        rc = ITK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < c.nf; i++) {
        const sparty *fp = itk_sctx_party(&c, c.f[i].party);
        if (fp)
            start[fp - c.parties + 1]++;
    }
    for (size_t p = 0; p < c.nparties; p++)
        start[p + 1] += start[p];
    size_t kept_n = c.nparties ? start[c.nparties] : 0, dropped = kept_n;
    for (size_t i = 0; i < c.nf; i++) {
        const sparty *fp = itk_sctx_party(&c, c.f[i].party);
        dest[i] = fp ? start[fp - c.parties]++ : dropped++;
    }
    for (size_t i = 0; i < c.nf; i++)
        while (dest[i] != i) {
            size_t d = dest[i];
            itk_finding t = c.f[d];
            c.f[d] = c.f[i];
            c.f[i] = t;
            dest[i] = dest[d];
            dest[d] = d;
        }
    free(dest);
    for (size_t i = kept_n; i < c.nf; i++)
        itk_finding_texts_free(&c.f[i]); /* of no party: dropped */
    c.nf = kept_n;
    free(start);
    /* every party's, kept for the next run at this HEAD; then the scope asked for */
    itk_fcache fc = {c.snap->parent_of, c.parties, c.nparties, c.f, c.nf, win};
    if (judged_key(&c, key))
        itk_fcache_save(c.repo, key, &fc);
    rc = scoped(out, &fc, c.only);
    c.f = fc.f;
    c.nf = fc.nf;
done:
    for (size_t i = 0; c.f && i < c.nf; i++)
        itk_finding_texts_free(&c.f[i]);
    free(c.f);
    free(c.parties);
    sctx_dispose(&c, snap != NULL);
    return rc;
}
