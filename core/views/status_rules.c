/* The rule kinds of DESIGN §8, each turning records into findings. Which
 * sections use them, with which parameters, is the obligations file's say.
 * Reads the context and adds findings through status_priv.h (status_ctx.c);
 * status.c, which runs the rules, is not called back. */
#include "alloc.h"
#include "array.h"
#include "itaku/errors.h"
#include "itaku/flow.h"
#include "itaku/json.h"
#include "itaku/requests.h"
#include "itaku/textnorm.h"
#include "itaku/utf8.h"
#include "status_rules.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*rule_fn)(sctx *c, const char *section, const char *kind, const json_t *params);

static void rec_name(char out[100], const srec *r)
{
    snprintf(out, 100, "%s/%s", r->pi.party, r->pi.id);
}

static int is_type(const srec *r, const char *type)
{
    return r->pi.kind == ITK_PATH_RECORD && strcmp(r->pi.type->type, type) == 0;
}

/* A record of type in force: not superseded by its party's correction
 * there at the evaluation time (issue 16, point 3: status follows the
 * latest). Every rule judges, and counts as evidence, these only. */
static int is_current(const sctx *c, const srec *r, const char *type)
{
    return is_type(r, type) && !itk_srec_superseded(c, r);
}

/* A record of type whose body.field is value ("a decision approving", "a
 * first incident report"); the type is tested first, it costs no look-up. */
static int body_is(const sctx *c, const srec *r, const char *type, const char *field,
                   const char *value)
{
    const char *v = is_current(c, r, type) ? itk_body_str(c, r, field) : NULL;
    return v && strcmp(v, value) == 0;
}

/* --- indexes: every rule is one pass over the records plus look-ups ----------- */

/* c->index holds, under keys "<kind>\x1f<…>", the records (their indices in
 * c->recs) that a rule looks up; each kind is built on first use. */
static json_t *index_get(const sctx *c, const char *kind, const char *a, const char *b)
{
    char key[600];
    snprintf(key, sizeof(key), "%s\x1f%s\x1f%s", kind, a ? a : "", b ? b : "");
    return json_object_get(c->index, key);
}

/* Appends record i to the list under the key (every = 1), or keeps the first
 * (every = 0) or the last (every = -1) one only. */
static int index_put(sctx *c, const char *kind, const char *a, const char *b, size_t i, int every)
{
    char key[600];
    snprintf(key, sizeof(key), "%s\x1f%s\x1f%s", kind, a ? a : "", b ? b : "");
    json_t *v = json_object_get(c->index, key);
    if (every == 1) {
        if (!v) {
            v = json_array();
            if (!v || json_object_set_new_nocheck(c->index, key, v))
                return itk_error_nomem();
        }
        return json_array_append_new(v, json_integer((json_int_t)i)) ? itk_error_nomem() : 0;
    }
    if (v && every == 0)
        return 0;
    return json_object_set_new_nocheck(c->index, key, json_integer((json_int_t)i))
               ? itk_error_nomem()
               : 0;
}

static const srec *index_rec(const sctx *c, const json_t *v)
{
    return v ? &c->recs[json_integer_value(v)] : NULL;
}

typedef int (*index_fn)(sctx *c, size_t i, const srec *r);

/* Runs fn over every record once for this kind of index. */
static int index_build(sctx *c, const char *kind, index_fn fn)
{
    char done[64];
    snprintf(done, sizeof(done), "built\x1f%s", kind);
    if (!c->index && !(c->index = json_object()))
        return itk_error_nomem();
    if (json_object_get(c->index, done))
        return 0;
    for (size_t i = 0; i < c->nrecs; i++) {
        int rc = fn(c, i, &c->recs[i]);
        if (rc)
            return rc;
    }
    return json_object_set_new_nocheck(c->index, done, json_true());
}

/* a party's records, in order */
static int by_party(sctx *c, size_t i, const srec *r)
{
    return index_put(c, "party", r->pi.party, NULL, i, 1);
}

/* the first form 2 of a party naming each worker */
static int by_trained(sctx *c, size_t i, const srec *r)
{
    if (!is_current(c, r, "form2"))
        return 0;
    itk_jref att = itk_body_get(c, r, "attendees");
    for (size_t k = 0; k < itk_jv_count(c->view, att); k++) {
        const char *w = itk_jv_strget(c->view, itk_jv_at(c->view, att, k), "worker_id");
        int rc = w ? index_put(c, "trained", r->pi.party, w, i, 0) : 0;
        if (rc)
            return rc;
    }
    return 0;
}

/* approved decisions, by the request they name */
static int by_approval(sctx *c, size_t i, const srec *r)
{
    const char *req =
        body_is(c, r, "decision", "outcome", "approved") ? itk_body_str(c, r, "request") : NULL;
    return req ? index_put(c, "approved", req, NULL, i, 1) : 0;
}

/* requests by their name "<party>/<id>" */
static int by_request(sctx *c, size_t i, const srec *r)
{
    char name[100];
    if (!is_type(r, "request"))
        return 0;
    snprintf(name, sizeof(name), "%s/%s", r->pi.party, r->pi.id);
    return index_put(c, "request", name, NULL, i, 0);
}

/* the last final report of each first report */
static int by_final(sctx *c, size_t i, const srec *r)
{
    const char *ref =
        body_is(c, r, "incident", "stage", "final") ? itk_body_str(c, r, "first_report_ref") : NULL;
    return ref ? index_put(c, "final", ref, NULL, i, -1) : 0;
}

static const char *claimed(const sctx *c, const srec *r)
{
    const char *s = itk_body_str(c, r, "submitted_on");
    return s ? s : itk_rec_str(c, r, "created");
}

/* records by party and id */
static int by_id(sctx *c, size_t i, const srec *r)
{
    return r->pi.kind == ITK_PATH_RECORD ? index_put(c, "id", r->pi.party, r->pi.id, i, 0) : 0;
}

/* When the next party up received r itself (its receipt), -1 when not yet. */
static long long received_one(const sctx *c, const srec *r)
{
    const sparty *p = itk_sctx_party(c, r->pi.party);
    if (!p || !p->parent[0])
        return itk_srec_arrival(c, r, r->pi.party, NULL);
    long long t = itk_srec_arrival(c, r, p->parent, NULL);
    return itk_sctx_reached(c, t) ? t : -1;
}

/* The record r corrects (--supersedes: its party's, of its type), NULL
 * when none; *rc set on an error building the look-up. */
static const srec *corrected(sctx *c, const srec *r, int *rc)
{
    const char *sup = r->pi.kind == ITK_PATH_RECORD ? itk_rec_str(c, r, "supersedes") : NULL;
    if (!sup || (*rc = index_build(c, "id", by_id)))
        return NULL;
    const srec *o = index_rec(c, index_get(c, "id", r->pi.party, sup));
    if (o && (!is_type(o, r->pi.type->type) || o->sup_by == ITK_SNAP_NONE))
        return NULL; /* not the one it supersedes (snapshot.c resolve_supersedes) */
    return o;
}

/* When the next party up received r, -1 when not yet: a correction
 * (--supersedes) counts from the earliest receipt of the records it
 * corrects (the thing was reported then; correcting it does not make it
 * late). */
static long long received_up(sctx *c, const srec *r)
{
    long long t = received_one(c, r);
    int rc = 0;
    for (int hop = 0; hop < 64 && (r = corrected(c, r, &rc)) != NULL; hop++) {
        long long to = received_one(c, r);
        if (to >= 0 && (t < 0 || to < t))
            t = to;
    }
    if (rc)
        itk_error_clear(); /* no memory for the look-up: its own receipt */
    return t;
}

/* A finding text of code (labels.h "finding"), English template en. */
static sdetail say(const sctx *c, const char *code, const char *en, const char *a1, const char *a2)
{
    sdetail d;
    const char *args[] = {a1, a2};
    memset(&d, 0, sizeof(d));
    itk_sdetail_add(&d, c, code, en, args, 2, "", "");
    return d;
}

static void append(sdetail *to, const sdetail *more, const char *sep_en, const char *sep_ja)
{
    size_t n = strlen(to->en);
    if (!more)
        return;
    if (more->en[0])
        snprintf(to->en + n, sizeof(to->en) - n, "%s%s", n ? sep_en : "", more->en);
    n = strlen(to->ja);
    if (more->ja[0])
        snprintf(to->ja + n, sizeof(to->ja) - n, "%s%s", n ? sep_ja : "", more->ja);
}

/* A thing due at `due`, done by record r (or not, r NULL): its state.
 * suffix (may be NULL) ends every text (which instruction it answers). */
static int judge(sctx *c, const char *party, const char *section, const char *kind, const srec *r,
                 long long due, const sdetail *missing, const sdetail *late, const sdetail *suffix)
{
    char name[100] = "";
    sdetail detail;
    long long got = -1;
    itk_state st;
    memset(&detail, 0, sizeof(detail));
    if (r) {
        rec_name(name, r);
        got = received_up(c, r);
    }
    if (r && got >= 0) {
        st = due <= 0 || got <= due ? ITK_STATE_OK : ITK_STATE_OVERDUE;
        if (st != ITK_STATE_OK)
            append(&detail, late, "", "");
        const sparty *p = itk_sctx_party(c, r->pi.party);
        if ((r->flags & ITK_SREC_BACKDATED) && p && p->parent[0]) {
            sdetail b =
                say(c, "receipt_backdated",
                    "the receipt is dated before the commit it takes; the later date counts", NULL,
                    NULL);
            append(&detail, &b, "; ", "。");
        }
    } else {
        st = due <= 0 || !itk_sctx_passed(c, due) ? ITK_STATE_PENDING : ITK_STATE_OVERDUE;
        sdetail nr =
            say(c, "not_received", "filed, not yet received by the party above", NULL, NULL);
        append(&detail, r ? &nr : missing, "", "");
    }
    append(&detail, suffix, " ", "");
    return itk_sctx_finding(c, party, section, kind, st, r ? name : "", due, got,
                            r ? claimed(c, r) : NULL, &detail);
}

/* Two handover methods are the same: the normaliser register add warns
 * with (itk_method_equal: a code and its catalog label are one method). */
static int same_method(const itk_labels *l, const char *a, const char *b)
{
    return itk_method_equal(l, a, b);
}

/* Whether r is one of the city's contract amendments (issue 16). */
static int is_amendment(const sctx *c, const srec *r)
{
    const sparty *p = itk_sctx_party(c, r->pi.party);
    return is_type(r, "contract-amendment") && p && strcmp(p->role, "city") == 0;
}

/* Whether the commit bringing r to its line descends from (or is) the one
 * adding amendment a. */
static int descends_from(const sctx *c, const srec *r, const srec *a)
{
    if (git_oid_is_zero(&a->added) || git_oid_is_zero(&r->c_own))
        return 0;
    if (git_oid_equal(&r->c_own, &a->added))
        return 1;
    int d = git_graph_descendant_of(c->repo, &r->c_own, &a->added);
    if (d < 0)
        git_error_clear();
    return d == 1;
}

/* A time setting of the contract ("work_start", "period.end") through its
 * history: itaku.json's, then each contract amendment naming it, in the
 * order they were made (found once per rule: a scan of every record per
 * finding was quadratic). */
typedef struct {
    long long base;  /* itaku.json's (0: none) */
    const srec **by; /* each amendment naming it */
    long long *made; /* when it was made (its commit's time) */
    long long *set;  /* what it set */
    size_t n;
} time_setting;

static void time_setting_free(time_setting *ts)
{
    free(ts->by);
    free(ts->made);
    free(ts->set);
    memset(ts, 0, sizeof(*ts));
}

static int time_setting_find(time_setting *ts, const sctx *c, const char *field, int end_of_day)
{
    const json_t *v = json_object_get(c->contract, field);
    int end = strcmp(field, "period.end") == 0;
    size_t n = 0;
    memset(ts, 0, sizeof(*ts));
    if (end)
        v = json_object_get(json_object_get(c->contract, "period"), "end");
    if (!json_is_string(v) ||
        itk_time_parse(&ts->base, json_string_value(v), c->offset, end_of_day))
        ts->base = 0;
    itk_error_clear();
    for (size_t i = 0; i < c->nrecs; i++)
        n += is_amendment(c, &c->recs[i]);
    if (!n)
        return 0;
    if (!(ts->by = itk_calloc(n, sizeof(*ts->by))) ||
        !(ts->made = itk_calloc(n, sizeof(*ts->made))) ||
        !(ts->set = itk_calloc(n, sizeof(*ts->set)))) {
        time_setting_free(ts);
        return itk_error_nomem();
    }
    for (size_t i = 0; i < c->nrecs; i++) {
        const srec *a = &c->recs[i];
        if (!is_amendment(c, a))
            continue;
        const char *s = end ? itk_jv_strget(c->view, itk_body_get(c, a, "period"), "end")
                            : itk_body_str(c, a, field);
        long long t;
        if (!s || itk_time_parse(&t, s, c->offset, end_of_day)) {
            itk_error_clear();
            continue;
        }
        ts->by[ts->n] = a;
        ts->made[ts->n] = a->added_time >= 0 ? a->added_time : a->t_own;
        ts->set[ts->n++] = t;
    }
    return 0;
}

/* The due date the setting ts sets for record r (NULL: for what is not
 * yet filed): by the settings in force for it (issue 16, point 3), the
 * amendments r's commit descends from (for none, those made by the
 * evaluation time), so what was filed before an amendment never becomes
 * overdue by it, and every copy of the registry judges it alike (the
 * commits, not when a copy learnt of them). Each such amendment replaces
 * the due date if it was made before the due date it replaces (an
 * amendment is in force for due dates after its commit, never for one
 * already past). A due date an amendment set already past when it was
 * made (--backdated) was never in force before it passed: the next
 * amendment naming the field replaces it (a wrong date corrected). 0 when
 * none. Status and todo (itk_todo, from status) judge by this one
 * function. */
static long long time_setting_at(const sctx *c, const time_setting *ts, const srec *r)
{
    long long t = ts->base, set_at = 0; /* when t was set: 0 for itaku.json's */
    for (size_t i = 0; i < ts->n; i++) {
        if ((r ? !descends_from(c, r, ts->by[i]) : !itk_sctx_reached(c, ts->made[i])) ||
            (t && ts->made[i] > t && set_at <= t))
            continue;
        t = ts->set[i];
        set_at = ts->made[i];
    }
    return t;
}

/* time_setting_at for one due date; 0 (none) when memory runs out. */
static long long contract_time(const sctx *c, const char *field, int end_of_day, const srec *r)
{
    time_setting ts;
    if (time_setting_find(&ts, c, field, end_of_day)) {
        itk_error_clear();
        return 0;
    }
    long long t = time_setting_at(c, &ts, r);
    time_setting_free(&ts);
    return t;
}

/* The city's contract amendments naming handover methods, found once for
 * every entry handover_designated_method judges (a scan of every record per
 * entry was quadratic). */
typedef struct {
    const srec **v;
    size_t n;
    git_oid last_commit;    /* the commit of the entry judged last */
    const srec *last_force; /* the amendment in force for it */
    const itk_labels *l;    /* the catalog methods are compared through */
    itk_labels *builtin;    /* this itaku's, for a registry without one */
} method_amends;

static int method_amends_find(method_amends *ma, const sctx *c)
{
    memset(ma, 0, sizeof(*ma));
    ma->l = c->snap ? itk_snapshot_labels(c->snap) : NULL;
    if (!ma->l) {
        if (itk_labels_builtin(&ma->builtin, "ja"))
            itk_error_clear();
        ma->l = ma->builtin;
    }
    size_t n = 0;
    for (size_t i = 0; i < c->nrecs; i++)
        n += is_amendment(c, &c->recs[i]) && itk_body_get(c, &c->recs[i], "handover_methods");
    if (!n)
        return 0;
    if (!(ma->v = itk_calloc(n, sizeof(*ma->v))))
        return ITK_ENOMEM;
    for (size_t i = 0; i < c->nrecs; i++)
        if (is_amendment(c, &c->recs[i]) && itk_body_get(c, &c->recs[i], "handover_methods"))
            ma->v[ma->n++] = &c->recs[i];
    return 0;
}

/* Whether method m is designated for register entry r: by the list of the
 * newest contract amendment r's commit descends from, else itaku.json's.
 * Entries of one commit (a batch) share the amendment in force. */
static int method_designated(const sctx *c, method_amends *ma, const srec *r, const char *m)
{
    const srec *in_force = NULL;
    if (ma->n && !git_oid_is_zero(&r->c_own) && git_oid_equal(&r->c_own, &ma->last_commit))
        in_force = ma->last_force;
    else {
        for (size_t i = 0; i < ma->n; i++) {
            const srec *a = ma->v[i];
            if (descends_from(c, r, a) && (!in_force || a->added_time >= in_force->added_time))
                in_force = a;
        }
        ma->last_commit = r->c_own;
        ma->last_force = in_force;
    }
    if (!m)
        return 0;
    if (in_force) {
        itk_jref list = itk_body_get(c, in_force, "handover_methods");
        for (size_t k = 0; k < itk_jv_count(c->view, list); k++) {
            const char *v = itk_jv_str(c->view, itk_jv_at(c->view, list, k));
            if (v && same_method(ma->l, v, m))
                return 1;
        }
        return 0;
    }
    json_t *methods = json_object_get(c->contract, "handover_methods"), *v;
    size_t k;
    json_array_foreach(methods, k, v) if (json_is_string(v) &&
                                          same_method(ma->l, json_string_value(v), m)) return 1;
    return 0;
}

/* §2: form 1 before the work starts: the contract's work_start for the
 * contractor; for a subcontractor, before its first register entry. */
static int form1_before_work(sctx *c, const char *section, const char *kind, const json_t *p)
{
    (void)p;
    int brc = index_build(c, "party", by_party);
    if (brc)
        return brc;
    for (size_t i = 0; i < c->nparties; i++) {
        const sparty *party = &c->parties[i];
        if (!strcmp(party->role, "city"))
            continue;
        long long due = 0;
        const srec *form = NULL;
        json_t *mine = index_get(c, "party", party->id, NULL), *v;
        size_t k;
        json_array_foreach(mine, k, v)
        {
            const srec *r = index_rec(c, v);
            if (is_type(r, "form1") && !form)
                form = r;
            if (is_type(r, "register") && strcmp(party->role, "subcontractor") == 0) {
                long long t = itk_srec_arrival(c, r, party->id, NULL);
                if (t > 0 && (!due || t < due))
                    due = t;
            }
        }
        if (strcmp(party->role, "contractor") == 0)
            due = contract_time(c, "work_start", 0, form);
        sdetail missing = say(c, "no_form1", "no form 1 (management system) filed yet", NULL, NULL);
        sdetail late = say(c, "form1_late", "form 1 reached the party above after the work started",
                           NULL, NULL);
        int rc = judge(c, party->id, section, kind, form, due, &missing, &late, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

/* §2: a change notification before it takes effect. */
static int form1_change_before_effect(sctx *c, const char *section, const char *kind,
                                      const json_t *p)
{
    (void)p;
    for (size_t i = 0; i < c->nrecs; i++) {
        const srec *r = &c->recs[i];
        if (!body_is(c, r, "form1", "filing_type", "change"))
            continue;
        const char *eff = itk_jv_strget(c->view, itk_body_get(c, r, "change"), "effective_on");
        long long due = 0;
        if (eff)
            itk_time_parse(&due, eff, c->offset, 0);
        sdetail late = say(c, "change_late",
                           "the change reached the party above after it took effect", NULL, NULL);
        int rc = judge(c, r->pi.party, section, kind, r, due, NULL, &late, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

static int trained(sctx *c, const char *party, const char *worker, const srec **by)
{
    if (index_build(c, "trained", by_trained)) {
        itk_error_clear();
        return 0;
    }
    *by = index_rec(c, index_get(c, "trained", party, worker));
    return *by != NULL;
}

/* §3: every worker of the form 1 in force trained before handling the
 * information (by the change's effective date, or work start). */
static int training_covers_workers(sctx *c, const char *section, const char *kind, const json_t *p)
{
    (void)p;
    time_setting work_start; /* one scan, not one per form */
    int rc = time_setting_find(&work_start, c, "work_start", 0);
    if (rc)
        return rc;
    for (size_t i = 0; i < c->nrecs; i++) {
        const srec *r = &c->recs[i];
        if (!is_type(r, "form1") || itk_srec_superseded(c, r))
            continue;
        long long due_set = 0;
        const char *eff = itk_jv_strget(c->view, itk_body_get(c, r, "change"), "effective_on");
        int by_change = eff && itk_time_parse(&due_set, eff, c->offset, 0) == 0;
        itk_error_clear();
        itk_jref workers = itk_body_get(c, r, "workers");
        for (size_t k = 0; k < itk_jv_count(c->view, workers); k++) {
            itk_jref w = itk_jv_at(c->view, workers, k);
            const char *id = itk_jv_strget(c->view, w, "worker_id");
            const char *nm = itk_jv_strget(c->view, w, "name");
            const srec *by = NULL;
            if (!id)
                continue;
            sdetail detail =
                say(c, "worker_untrained", "worker {1} ({2}) has no training report (form 2)", id,
                    nm ? nm : "?");
            sdetail late = say(c, "training_late",
                               "the training report reached the party above after the worker "
                               "started",
                               NULL, NULL);
            int have = trained(c, r->pi.party, id, &by);
            /* the work start in force for the report (none yet: now) */
            long long due = by_change ? due_set : time_setting_at(c, &work_start, have ? by : NULL);
            if (have)
                rc = judge(c, r->pi.party, section, kind, by, due, NULL, &late, NULL);
            else {
                /* the record that shows the gap: the form 1 naming the worker */
                char name[100];
                rec_name(name, r);
                rc = itk_sctx_finding(c, r->pi.party, section, kind,
                                      !due || !itk_sctx_passed(c, due) ? ITK_STATE_PENDING
                                                                       : ITK_STATE_OVERDUE,
                                      name, due, -1, NULL, &detail);
            }
            if (rc)
                goto done;
        }
    }
done:
    time_setting_free(&work_start);
    return rc;
}

static int action_listed(const json_t *params, const char *action)
{
    json_t *a;
    size_t i;
    json_array_foreach(json_object_get(params, "actions"), i,
                       a) if (json_is_string(a) &&
                              strcmp(json_string_value(a), action) == 0) return 1;
    return 0;
}

/* §4(1): handovers by a method the contract designates. */
static int handover_designated_method(sctx *c, const char *section, const char *kind,
                                      const json_t *params)
{
    method_amends ma;
    int frc = method_amends_find(&ma, c);
    for (size_t i = 0; !frc && i < c->nrecs; i++) {
        const srec *r = &c->recs[i];
        if (!is_current(c, r, "register"))
            continue;
        const char *action = itk_body_str(c, r, "action");
        if (!action || !action_listed(params, action))
            continue;
        const char *m = itk_body_str(c, r, "method");
        /* the methods in force for this entry (contract amendments, issue 16) */
        int ok = method_designated(c, &ma, r, m);
        char name[100];
        rec_name(name, r);
        sdetail detail; /* worded for a violation only (one finding per entry) */
        if (!ok) {
            /* the method as recorded; a code with its label beside it (a
             * catalog's "{2:method}" would show the label alone, which reads
             * as the designated method it is not) */
            const char *label = m ? itk_labels_get(ma.l, "method", m) : NULL;
            char shown[400];
            if (label)
                snprintf(shown, sizeof(shown), "%s（%s）", m, label);
            else
                snprintf(shown, sizeof(shown), "%s", m ? m : "(no method)");
            const char *en = "{1:action} by '{2}', not a method the contract designates";
            detail = say(c, "method_not_designated", en, action, m ? m : "(no method)");
            sdetail ja = say(c, "method_not_designated", en, action, m ? shown : "(no method)");
            memcpy(detail.ja, ja.ja, sizeof(detail.ja));
            /* recorded so on purpose (--undesignated-method): with why */
            const char *why = itk_jv_strget(
                c->view,
                itk_jv_get(c->view, itk_jv_get(c->view, r->rec, "refs"), "undesignated_method"),
                "reason");
            if (why)
                itk_sdetail_add(&detail, c, "method_reason", "recorded so on purpose: {1}", &why, 1,
                                "; ", "");
        }
        int rc = itk_sctx_finding(
            c, r->pi.party, section, kind, ok ? ITK_STATE_OK : ITK_STATE_VIOLATED, name, 0,
            itk_srec_arrival(c, r, r->pi.party, NULL), claimed(c, r), ok ? NULL : &detail);
        if (rc)
            frc = rc;
    }
    free(ma.v);
    return frc;
}

/* register entries citing an approval, by party and approval */
static int by_citing(sctx *c, size_t i, const srec *r)
{
    const char *a = is_current(c, r, "register") ? itk_body_str(c, r, "approval") : NULL;
    return a ? index_put(c, "citing", r->pi.party, a, i, 1) : 0;
}

/* Record ids of one prefix compare as numbers: shorter is smaller. */
static int id_before(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    return la != lb ? la < lb : strcmp(a, b) < 0;
}

/* What `register add` checks (itk_approval_judge): the approval d decided
 * is of the kind the action needs, within its validity on the entry's date,
 * and not used up by the party's earlier entries. 0 when it holds, 1 with
 * detail set when not. */
static int approval_usable(sctx *c, const srec *r, const srec *d, const char *approval,
                           const char *action, sdetail *detail)
{
    itk_request_info info;
    memset(&info, 0, sizeof(info));
    snprintf(info.name, sizeof(info.name), "%s", approval);
    snprintf(info.requester, sizeof(info.requester), "%.*s", (int)strcspn(approval, "/"), approval);
    strcpy(info.state, "approved");
    int brc;
    if ((brc = index_build(c, "request", by_request)) ||
        (brc = index_build(c, "citing", by_citing)))
        return brc;
    const srec *q = index_rec(c, index_get(c, "request", approval, NULL));
    const char *kind = q ? itk_body_str(c, q, "kind") : NULL;
    snprintf(info.kind, sizeof(info.kind), "%s", kind ? kind : "(unknown)");
    const char *until = itk_body_str(c, d, "valid_until");
    snprintf(info.valid_until, sizeof(info.valid_until), "%s", until ? until : "");
    info.max_uses = itk_jv_int(c->view, itk_body_get(c, d, "max_uses"));
    json_t *citing = index_get(c, "citing", r->pi.party, approval);
    long long used = 0;
    for (size_t k = 0; k < json_array_size(citing); k++)
        used += id_before(index_rec(c, json_array_get(citing, k))->pi.id, r->pi.id);
    const char *created = itk_rec_str(c, r, "created");
    if (!itk_approval_judge(&info, r->pi.party, action, created ? created : "", used))
        return 0;
    /* the English is itk_approval_judge's; the Japanese names the same case */
    const char *need = itk_action_request_kind(action);
    char uses[32];
    snprintf(uses, sizeof(uses), "%lld", info.max_uses);
    const char *args[] = {info.name, info.requester, r->pi.party, NULL};
    const char *code = "approval_other_party";
    if (strcmp(info.requester, r->pi.party) == 0) {
        args[1] = info.kind;
        args[2] = action;
        args[3] = need ? need : "?";
        code = "approval_wrong_kind";
        if (need && strcmp(info.kind, need) == 0) {
            args[1] =
                info.valid_until[0] && strncmp(created ? created : "", info.valid_until, 10) > 0
                    ? info.valid_until
                    : uses;
            code = args[1] == uses ? "approval_used_up" : "approval_expired";
        }
    }
    itk_buf ja = ITK_BUF_INIT;
    const itk_labels *l = itk_snapshot_labels(c->snap);
    memset(detail, 0, sizeof(*detail));
    itk_copy_utf8(detail->en, sizeof(detail->en), itk_error_last());
    if (l && itk_labels_format(&ja, l, code, args, 4) == 0)
        itk_copy_utf8(detail->ja, sizeof(detail->ja), ja.ptr);
    else if (l)
        itk_copy_utf8(detail->ja, sizeof(detail->ja), detail->en);
    itk_buf_dispose(&ja);
    itk_error_clear();
    return 1;
}

/* §4(2)–(4): a restricted entry cites an approval decided before it (the
 * decision is in the tree of the commit before the entry's), of the kind its
 * action needs, still valid and not used up. */
static int register_prior_approval(sctx *c, const char *section, const char *kind,
                                   const json_t *params)
{
    for (size_t i = 0; i < c->nrecs; i++) {
        const srec *r = &c->recs[i];
        if (!is_current(c, r, "register"))
            continue;
        const char *action = itk_body_str(c, r, "action");
        if (!action || !action_listed(params, action))
            continue;
        const char *approval = itk_body_str(c, r, "approval");
        const char *why = itk_body_str(c, r, "unapproved_reason");
        char name[100], commit[41] = "";
        sdetail detail;
        memset(&detail, 0, sizeof(detail));
        itk_state st = ITK_STATE_VIOLATED;
        rec_name(name, r);
        long long t = itk_srec_arrival(c, r, r->pi.party, commit);
        if (!approval)
            detail = why ? say(c, "unapproved_reason", "{1:action} without prior approval: {2}",
                               action, why)
                         : say(c, "unapproved", "{1:action} without prior approval", action, NULL);
        else {
            /* the decision must be among the ancestors of the entry's commit */
            int prior = 0;
            const srec *d = NULL;
            git_oid id;
            git_commit *cm = NULL, *parent = NULL;
            git_tree *pt = NULL;
            const char *slash = strchr(approval, '/');
            int brc = index_build(c, "approved", by_approval);
            if (brc)
                return brc;
            json_t *decisions = index_get(c, "approved", approval, NULL);
            for (size_t k = 0; slash && k < json_array_size(decisions) && !prior; k++) {
                d = index_rec(c, json_array_get(decisions, k));
                git_tree_entry *e = NULL;
                if (commit[0] && git_oid_fromstr(&id, commit) == 0 &&
                    git_commit_lookup(&cm, c->repo, &id) == 0 &&
                    git_commit_parent(&parent, cm, 0) == 0 && git_commit_tree(&pt, parent) == 0 &&
                    git_tree_entry_bypath(&e, pt, itk_srec_path(c, d)) == 0)
                    prior = 1;
                git_tree_entry_free(e);
                git_tree_free(pt);
                git_commit_free(parent);
                git_commit_free(cm);
                pt = NULL;
                parent = NULL;
                cm = NULL;
            }
            itk_error_clear();
            int unusable = prior ? approval_usable(c, r, d, approval, action, &detail) : 0;
            if (unusable < 0)
                return unusable;
            if (prior && !unusable)
                st = ITK_STATE_OK;
            else if (!prior)
                detail = say(c, "approval_not_prior",
                             "cites {1}, which was not approved before the entry", approval, NULL);
        }
        int rc = itk_sctx_finding(c, r->pi.party, section, kind, st, name, 0, t, claimed(c, r),
                                  st == ITK_STATE_OK ? NULL : &detail);
        if (rc)
            return rc;
    }
    return 0;
}

/* Whether r's body.key is true. */
static int body_true(const sctx *c, const srec *r, const char *key)
{
    itk_jref j = itk_body_get(c, r, key);
    return j && c->view->nodes[j].type == ITK_JV_TRUE;
}

/* Does r answer instruction `name` as params say for its kind? */
static int answers(const sctx *c, const srec *r, const char *name, const json_t *how)
{
    const char *type = json_string_value(json_object_get(how, "record_type"));
    const char *field = json_string_value(json_object_get(how, "field"));
    const char *action = json_string_value(json_object_get(how, "action"));
    if (!type || !is_current(c, r, type))
        return 0;
    const char *ref = field ? itk_body_str(c, r, field) : NULL;
    const char *act = itk_body_str(c, r, "action");
    if (!ref || strcmp(ref, name) != 0 || (action && (!act || strcmp(act, action) != 0)))
        return 0;
    json_t *stages = json_object_get(how, "stages");
    if (stages) {
        const char *stage = itk_body_str(c, r, "stage");
        json_t *s;
        size_t i;
        int found = 0;
        json_array_foreach(stages, i, s) found |=
            stage && json_is_string(s) && strcmp(json_string_value(s), stage) == 0;
        return found;
    }
    return 1;
}

/* §5, §6, §7, §10: each instruction answered, received by the next party up
 * by its due time. */
static int instruction_answered_on_time(sctx *c, const char *section, const char *kind,
                                        const json_t *params)
{
    json_t *kinds = json_object_get(params, "instruction_kinds");
    for (size_t i = 0; i < c->nrecs; i++) {
        const srec *n = &c->recs[i];
        /* the latest version decides (an amended due date; a withdrawn one
         * asks nothing) */
        if (!is_type(n, "instruction") || itk_srec_superseded(c, n) || body_true(c, n, "withdrawn"))
            continue;
        const char *ik = itk_body_str(c, n, "kind");
        const char *to = itk_body_str(c, n, "to");
        const char *due_s = itk_body_str(c, n, "due");
        if (!ik || !to)
            continue;
        int listed = 0;
        json_t *v;
        size_t k;
        json_array_foreach(kinds, k, v) listed |=
            json_is_string(v) && strcmp(json_string_value(v), ik) == 0;
        if (!listed)
            continue;
        char name[100];
        rec_name(name, n);
        long long due = 0;
        if (due_s)
            itk_time_parse(&due, due_s, c->offset, 1);
        const json_t *how = json_object_get(json_object_get(params, "answers"), ik);
        const char *type = json_string_value(json_object_get(how, "record_type"));
        const char *field = json_string_value(json_object_get(how, "field"));
        const srec *answer = NULL;
        /* the records of that type citing it in that field, in order */
        if (type && field) {
            char cites[160];
            snprintf(cites, sizeof(cites), "cites\x1f%s\x1f%s", type, field);
            char done[200];
            snprintf(done, sizeof(done), "built\x1f%s", cites);
            if (!c->index && !(c->index = json_object()))
                return itk_error_nomem();
            if (!json_object_get(c->index, done)) {
                for (size_t a = 0; a < c->nrecs; a++) {
                    if (!is_current(c, &c->recs[a], type))
                        continue;
                    const char *ref = itk_body_str(c, &c->recs[a], field);
                    int brc = ref ? index_put(c, cites, ref, NULL, a, 1) : 0;
                    if (brc)
                        return brc;
                }
                json_object_set_new_nocheck(c->index, done, json_true());
            }
            /* an answer citing an earlier version answers the latest */
            char version[100];
            snprintf(version, sizeof(version), "%s", name);
            const srec *ver = n;
            for (int hop = 0; ver && !answer && hop < 64; hop++) {
                json_t *cands = index_get(c, cites, version, NULL);
                for (size_t a = 0; a < json_array_size(cands) && !answer; a++) {
                    const srec *o = index_rec(c, json_array_get(cands, a));
                    if (answers(c, o, version, how))
                        answer = o;
                }
                const char *amended = itk_body_str(c, ver, "amends");
                ver = NULL;
                for (size_t a = 0; amended && a < c->nrecs && !ver; a++) {
                    char other[100];
                    rec_name(other, &c->recs[a]);
                    if (is_type(&c->recs[a], "instruction") && strcmp(other, amended) == 0)
                        ver = &c->recs[a];
                }
                if (ver)
                    snprintf(version, sizeof(version), "%s", amended);
            }
        }
        sdetail missing =
            say(c, "no_answer", "{1} asks for a {2:instruction.kind}; no answer yet", name, ik);
        sdetail late =
            say(c, "answer_late", "answered, but received by the party above after the due time",
                NULL, NULL);
        /* the finding says which instruction it answers */
        sdetail which = say(c, "instruction_ref", "({1:instruction.kind} {2})", ik, name);
        /* an inspection's result is recorded by the inspecting party itself */
        const char *who = answer ? answer->pi.party : to;
        int rc = judge(c, who, section, kind, answer, due, &missing, &late, &which);
        if (rc)
            return rc;
    }
    return 0;
}

/* party and item as one key: an item however it was typed (itk_label_key:
 * SKR-USB-01, skr-usb-01 and ＳＫＲ－ＵＳＢ－０１ are one item). */
static void item_key(char *key, size_t cap, const char *party, const char *item)
{
    itk_buf k = ITK_BUF_INIT;
    size_t n = 0, ascii = item != NULL;
    for (; ascii && item[n]; n++)
        ascii = (unsigned char)item[n] < 0x80;
    if (ascii && n <= ITK_TEXTNORM_MAX) {
        /* ASCII: NFKC leaves it as it is and folding is tolower (itk_label_key's answer,
         * without libunistring: one item per register entry) */
        int w = snprintf(key, cap, "%s\x1f", party);
        for (size_t i = 0; w >= 0 && (size_t)w + i + 1 < cap && i < n; i++)
            key[w + i] = (char)(item[i] >= 'A' && item[i] <= 'Z' ? item[i] - 'A' + 'a' : item[i]);
        if (w >= 0 && (size_t)w < cap)
            key[(size_t)w + n < cap ? (size_t)w + n : cap - 1] = '\0';
        return;
    }
    if (item && itk_label_key(&k, item) == 0)
        snprintf(key, cap, "%s\x1f%s", party, k.ptr);
    else
        snprintf(key, cap, "%s\x1f%s", party, item ? item : "");
    itk_error_clear();
    itk_buf_dispose(&k);
}

/* When a register entry or a form 5 says its act took place (field: its
 * occurred_at or performed_at; a date alone is the start of that day for a
 * receipt and its end for a closing, day), else when it reached its
 * party's line (a text that is not a time: the record still orders). */
static long long act_time(const sctx *c, const srec *o, const char *field, itk_time_day day)
{
    long long t;
    const char *s = itk_body_str(c, o, field);
    if (s && itk_time_parse(&t, s, c->offset, day) == 0)
        return t;
    itk_error_clear();
    return o->t_own;
}

/* The item a current register entry received or copied, else NULL. */
static const char *receipt_item(const sctx *c, const srec *r)
{
    const char *action = itk_body_str(c, r, "action");
    if (!is_current(c, r, "register") || !action ||
        (strcmp(action, "received") != 0 && strcmp(action, "copied") != 0))
        return NULL;
    return itk_body_str(c, r, "item_id");
}

/* Whether a register entry's action is one of params' closing_actions. */
static int closes_item(const json_t *closing, const char *action)
{
    size_t j;
    json_t *v;
    json_array_foreach(closing, j, v) if (action && json_is_string(v) &&
                                          !strcmp(json_string_value(v), action)) return 1;
    return 0;
}

/* §7: at the contract's end every item received or copied is returned, or
 * certified erased or disposed. An item is judged by its last receipt or
 * copy: returned at 9:30 and received again at 9:40, it is held again. */
/* One item of a party (item_key) as items_returned_or_disposed_at_end
 * follows it: its last receipt or copy, the record closing it (indices in
 * c->recs, ITEM_NONE when none), whether its finding is made. */
#define ITEM_NONE ((size_t)-1)
typedef struct {
    size_t last, closer;
    int seen;
} held_item;

/* The item of key in held (one look-up of the map items: key → its index in
 * *held, where three maps were looked up and filled per record, issue 18);
 * add: made when it is not there. NULL when not there, or out of memory
 * (*rc set). */
static held_item *held_get(json_t *items, held_item **held, size_t *n, size_t *cap, const char *key,
                           int add, int *rc)
{
    json_t *v = json_object_get(items, key);
    if (v)
        return &(*held)[json_integer_value(v)];
    if (!add)
        return NULL;
    if (itk_array_reserve(held, cap, *n + 1, sizeof(**held)) ||
        json_object_set_new_nocheck(items, key, json_integer((json_int_t)*n))) {
        *rc = itk_error_nomem();
        return NULL;
    }
    held_item *h = &(*held)[(*n)++];
    h->last = h->closer = ITEM_NONE;
    h->seen = 0;
    return h;
}

static int items_returned_or_disposed_at_end(sctx *c, const char *section, const char *kind,
                                             const json_t *params)
{
    long long due = contract_time(c, "period.end", 1, NULL);
    json_t *closing = json_object_get(params, "closing_actions");
    /* each party's last receipt or copy of each item, then the first record
     * closing it at or after that receipt: a register entry with a closing
     * action, or a form 5 listing it */
    json_t *items = json_object();
    held_item *held = NULL, *h;
    size_t nheld = 0, aheld = 0;
    int rc = items ? 0 : itk_error_nomem();
    char key[ITK_PARTY_ID_MAX + 2 + 1024];
    for (size_t k = 0; !rc && k < c->nrecs; k++) {
        const srec *r = &c->recs[k];
        const char *item = receipt_item(c, r);
        if (!item)
            continue;
        item_key(key, sizeof(key), r->pi.party, item);
        if (!(h = held_get(items, &held, &nheld, &aheld, key, 1, &rc)))
            break;
        const srec *was = h->last == ITEM_NONE ? NULL : &c->recs[h->last];
        if (!was || act_time(c, r, "occurred_at", ITK_TIME_DAY_START) >=
                        act_time(c, was, "occurred_at", ITK_TIME_DAY_START))
            h->last = k;
    }
    for (size_t k = 0; !rc && k < c->nrecs; k++) {
        const srec *o = &c->recs[k];
        const char *ids[1] = {NULL};
        itk_jref list = {0};
        size_t n = 0;
        long long t = 0;
        if (is_current(c, o, "register") && closes_item(closing, itk_body_str(c, o, "action"))) {
            ids[0] = itk_body_str(c, o, "item_id");
            n = ids[0] != NULL;
            t = act_time(c, o, "occurred_at", ITK_TIME_DAY_END);
        } else if (is_current(c, o, "form5")) {
            list = itk_body_get(c, o, "items");
            n = itk_jv_count(c->view, list);
            t = act_time(c, o, "performed_at", ITK_TIME_DAY_END);
        }
        for (size_t j = 0; j < n; j++) {
            const char *item = is_type(o, "form5")
                                   ? itk_jv_strget(c->view, itk_jv_at(c->view, list, j), "item_id")
                                   : ids[0];
            if (!item)
                continue;
            item_key(key, sizeof(key), o->pi.party, item);
            if (!(h = held_get(items, &held, &nheld, &aheld, key, 0, &rc)))
                continue; /* never received: nothing to close */
            const srec *r = h->last == ITEM_NONE ? NULL : &c->recs[h->last];
            const srec *had = h->closer == ITEM_NONE ? NULL : &c->recs[h->closer];
            if (r && t >= act_time(c, r, "occurred_at", ITK_TIME_DAY_START) &&
                (!had ||
                 t < act_time(c, had, is_type(had, "form5") ? "performed_at" : "occurred_at",
                              ITK_TIME_DAY_END)))
                h->closer = k;
        }
    }
    for (size_t i = 0; !rc && i < c->nrecs; i++) {
        const srec *first = &c->recs[i];
        const char *item = receipt_item(c, first);
        if (!item)
            continue;
        item_key(key, sizeof(key), first->pi.party, item);
        /* an item received twice (register add --again) is one item to
         * return: one finding, where it was first received */
        if (!(h = held_get(items, &held, &nheld, &aheld, key, 0, &rc)) || h->seen)
            continue;
        h->seen = 1;
        const srec *r = &c->recs[h->last];
        const srec *closed = h->closer == ITEM_NONE ? NULL : &c->recs[h->closer];
        char name[100];
        sdetail detail;
        memset(&detail, 0, sizeof(detail));
        itk_state st = ITK_STATE_OK;
        if (closed)
            rec_name(name, closed);
        else {
            rec_name(name, r);
            st = !due || !itk_sctx_passed(c, due) ? ITK_STATE_PENDING : ITK_STATE_VIOLATED;
            detail =
                say(c, "item_open", "item {1} ({2:action}) not yet returned, erased or disposed",
                    itk_body_str(c, r, "item_id"), itk_body_str(c, r, "action"));
        }
        rc = itk_sctx_finding(c, r->pi.party, section, kind, st, name, due, -1,
                              closed ? claimed(c, closed) : NULL, &detail);
    }
    json_decref(items);
    free(held);
    return rc;
}

/* §8(1): every subcontractor registered by a city decision approving its
 * parent's form 6 (verify's V7 guarantees the how; this names the record). */
static int subcontract_approved(sctx *c, const char *section, const char *kind, const json_t *p)
{
    (void)p;
    int brc = index_build(c, "request", by_request);
    if (brc)
        return brc;
    /* the first approving decision (in order) naming each party's form 6 */
    json_t *approving = json_object();
    if (!approving)
        return itk_error_nomem();
    for (size_t k = 0; k < c->nrecs; k++) {
        const srec *d = &c->recs[k];
        const char *req =
            body_is(c, d, "decision", "outcome", "approved") ? itk_body_str(c, d, "request") : NULL;
        if (!req)
            continue;
        const srec *r = index_rec(c, index_get(c, "request", req, NULL));
        const char *pid =
            r ? itk_jv_strget(c->view, itk_body_get(c, r, "form6"), "party_id") : NULL;
        if (pid && !json_object_get(approving, pid))
            json_object_set_new(approving, pid, json_integer((json_int_t)k));
    }
    for (size_t i = 0; i < c->nparties; i++) {
        const sparty *party = &c->parties[i];
        if (strcmp(party->role, "subcontractor") != 0)
            continue;
        char name[100] = "";
        const srec *d = index_rec(c, json_object_get(approving, party->id));
        if (d)
            rec_name(name, d);
        sdetail none = say(c, "subcontract_unapproved",
                           "no approving decision names this subcontractor", NULL, NULL);
        int rc = itk_sctx_finding(c, party->id, section, kind,
                                  name[0] ? ITK_STATE_OK : ITK_STATE_VIOLATED, name, 0, -1, NULL,
                                  name[0] ? NULL : &none);
        if (rc) {
            json_decref(approving);
            return rc;
        }
    }
    json_decref(approving);
    return 0;
}

/* §8(2): every party below the city accepts the obligations in force at
 * the evaluation time; a newer version opens a new acknowledgement once in
 * force, and one of an older version no longer counts. Only the version in
 * force then judges this (its rule once, not each version's). */
static int subcontract_acknowledged(sctx *c, const char *section, const char *kind, const json_t *p)
{
    (void)p;
    size_t now = 0;
    for (size_t i = 0; i < c->nob; i++)
        if (itk_sctx_reached(c, c->ob_from[i]))
            now = i;
    if (c->current_version >= 0 && (long long)now != c->current_version)
        return 0;
    const itk_obligations_version *in_force = &c->ob_ver[now];
    char current[65] = "";
    itk_buf data = ITK_BUF_INIT;
    if (itk_tree_read(&data, c->repo, c->tree, in_force->path, 4 * 1024 * 1024) == 0) {
        unsigned char md[32];
        EVP_Digest(data.ptr, data.size, md, NULL, EVP_sha256(), NULL);
        for (int i = 0; i < 32; i++)
            snprintf(current + 2 * i, 3, "%02x", md[i]);
    }
    itk_buf_dispose(&data);
    itk_error_clear();
    for (size_t i = 0; i < c->nparties; i++) {
        const sparty *party = &c->parties[i];
        if (!strcmp(party->role, "city"))
            continue;
        const srec *ack = NULL, *older = NULL;
        int brc = index_build(c, "party", by_party);
        if (brc)
            return brc;
        json_t *mine = index_get(c, "party", party->id, NULL), *v;
        size_t k;
        json_array_foreach(mine, k, v)
        {
            const srec *r = index_rec(c, v);
            if (!is_current(c, r, "ack") || strcmp(r->pi.party, party->id) != 0)
                continue;
            /* it counts when it names the version in force and pins that
             * file's hash: one naming another file (a version that does not
             * exist, say) with the right hash does not */
            const char *sha = itk_body_str(c, r, "obligations_sha256");
            const char *named = itk_body_str(c, r, "obligations");
            if (sha && named && !strcmp(sha, current) && !strcmp(named, in_force->path))
                ack = r;
            else
                older = r;
        }
        char name[100] = "";
        if (ack)
            rec_name(name, ack);
        sdetail none;
        memset(&none, 0, sizeof(none));
        if (!ack) {
            /* the document by its title and version, as the paper names
             * it; its file only where it is not one of the versions */
            char en[2 * ITK_OBLIGATIONS_TITLE_MAX], ja[2 * ITK_OBLIGATIONS_TITLE_MAX];
            const char *a_en[] = {itk_obligations_named(en, sizeof(en), in_force, 0),
                                  in_force->effective_from};
            const char *a_ja[] = {itk_obligations_named(ja, sizeof(ja), in_force, 1),
                                  in_force->effective_from};
            if (now > 0)
                itk_sdetail_add_ja(&none, c, "not_acknowledged_since",
                                   "has not acknowledged the obligations in force ({1}, since {2})",
                                   a_en, a_ja, 2, "", "");
            else
                itk_sdetail_add_ja(&none, c, "not_acknowledged_version",
                                   "has not acknowledged the obligations in force ({1})", a_en,
                                   a_ja, 1, "", "");
            if (older) {
                char old[100];
                rec_name(old, older);
                const char *was = itk_body_str(c, older, "obligations");
                const char *sha = itk_body_str(c, older, "obligations_sha256");
                int pinned = sha && !strcmp(sha, current),
                    named = was && !strcmp(was, in_force->path);
                char was_en[2 * ITK_OBLIGATIONS_TITLE_MAX] = "-",
                                was_ja[2 * ITK_OBLIGATIONS_TITLE_MAX] = "-";
                for (size_t o2 = 0; was && o2 < c->nob; o2++)
                    if (!strcmp(was, c->ob_ver[o2].path)) {
                        itk_obligations_named(was_en, sizeof(was_en), &c->ob_ver[o2], 0);
                        itk_obligations_named(was_ja, sizeof(was_ja), &c->ob_ver[o2], 1);
                    }
                if (was && !strcmp(was_en, "-")) {
                    snprintf(was_en, sizeof(was_en), "%s", was);
                    snprintf(was_ja, sizeof(was_ja), "%s", was);
                }
                const char *o_en[] = {old, was_en}, *o_ja[] = {old, was_ja};
                sdetail o;
                memset(&o, 0, sizeof(o));
                if (pinned || named)
                    itk_sdetail_add_ja(&o, c, "acknowledgement_mismatch",
                                       "{1} names {2} but pins the SHA-256 of another file", o_en,
                                       o_ja, 2, "", "");
                else
                    itk_sdetail_add_ja(&o, c, "older_acknowledgement", "{1} acknowledged {2}", o_en,
                                       o_ja, 2, "", "");
                append(&none, &o, "; ", "。");
            }
        }
        int rc = itk_sctx_finding(
            c, party->id, section, kind, ack ? ITK_STATE_OK : ITK_STATE_PENDING, name, 0,
            ack ? received_up(c, ack) : -1, ack ? claimed(c, ack) : NULL, ack ? NULL : &none);
        if (rc)
            return rc;
    }
    return 0;
}

/* §10(1)ア: a first report within the set hours of discovery. */
static int incident_first_report_within(sctx *c, const char *section, const char *kind,
                                        const json_t *params)
{
    long long hours = json_integer_value(json_object_get(params, "hours"));
    for (size_t i = 0; i < c->nrecs; i++) {
        const srec *r = &c->recs[i];
        long long t;
        const char *disc = body_is(c, r, "incident", "stage", "first")
                               ? itk_body_str(c, r, "discovered_at")
                               : NULL;
        if (!disc || itk_time_parse(&t, disc, c->offset, 0))
            continue;
        char h[24];
        snprintf(h, sizeof(h), "%lld", hours);
        sdetail late = say(c, "first_report_late",
                           "the first report reached the party above more than {1} hours after "
                           "discovery",
                           h, NULL);
        int rc = judge(c, r->pi.party, section, kind, r, t + hours * 3600, NULL, &late, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

/* §10(1): a first report is followed up to a final report. */
static int incident_followed_up(sctx *c, const char *section, const char *kind,
                                const json_t *params)
{
    (void)params;
    for (size_t i = 0; i < c->nrecs; i++) {
        const srec *r = &c->recs[i];
        if (!body_is(c, r, "incident", "stage", "first"))
            continue;
        char name[100];
        rec_name(name, r);
        int brc = index_build(c, "final", by_final);
        if (brc)
            return brc;
        /* a final report citing a version this one corrects follows it up */
        const srec *final = NULL;
        const srec *v = r;
        for (int hop = 0; !brc && v && !final && hop < 64; hop++, v = corrected(c, v, &brc)) {
            char vn[100];
            rec_name(vn, v);
            final = index_rec(c, index_get(c, "final", vn, NULL));
        }
        if (brc)
            return brc;
        char fn[100] = "";
        if (final)
            rec_name(fn, final);
        sdetail none = say(c, "no_final", "no final report yet", NULL, NULL);
        int rc = itk_sctx_finding(c, r->pi.party, section, kind,
                                  final ? ITK_STATE_OK : ITK_STATE_PENDING, final ? fn : name, 0,
                                  final ? received_up(c, final) : -1,
                                  final ? claimed(c, final) : NULL, final ? NULL : &none);
        if (rc)
            return rc;
    }
    return 0;
}

static const struct {
    const char *kind;
    rule_fn fn;
} rules[] = {
    {"form1_before_work", form1_before_work},
    {"form1_change_before_effect", form1_change_before_effect},
    {"training_covers_workers", training_covers_workers},
    {"handover_designated_method", handover_designated_method},
    {"register_prior_approval", register_prior_approval},
    {"instruction_answered_on_time", instruction_answered_on_time},
    {"items_returned_or_disposed_at_end", items_returned_or_disposed_at_end},
    {"subcontract_approved", subcontract_approved},
    {"subcontract_acknowledged", subcontract_acknowledged},
    {"incident_first_report_within", incident_first_report_within},
    {"incident_followed_up", incident_followed_up},
};

int itk_rules_apply(sctx *c, const char *kind, const char *section, const json_t *params)
{
    for (size_t i = 0; kind && i < sizeof(rules) / sizeof(*rules); i++)
        if (strcmp(rules[i].kind, kind) == 0)
            return rules[i].fn(c, section, kind, params);
    return itk_error_set(ITK_EUNSUPPORTED,
                         "the obligations file asks for a check '%s' that itaku does not have",
                         kind ? kind : "(none)");
}
