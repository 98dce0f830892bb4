/* What a registry knows of requests: each request with its endorsements,
 * decision or withdrawal, gathered from HEAD and from every request branch;
 * and the prior-approval check of register entries (seed §4). */
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "intl.h"
#include "alloc.h"
#include "itaku/flow.h"
#include "itaku/form_input.h"
#include "itaku/json.h"
#include "itaku/kessai_draft.h"
#include "itaku/party.h"
#include "itaku/people.h"
#include "itaku/names.h"
#include "registry_priv.h"
#include "requests_priv.h"
#include "itaku/refcheck.h"
#include "itaku/requests.h"
#include "itaku/textnorm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *action, *kind;
} approval_kinds[] = {
    {"copied", "copy"},
    {"taken_out", "take-out"},
    {"other_purpose_use", "other-purpose-use"},
    {"third_party_provision", "third-party-provision"},
};

const char *itk_action_request_kind(const char *action)
{
    for (size_t i = 0; i < sizeof(approval_kinds) / sizeof(*approval_kinds); i++)
        if (strcmp(approval_kinds[i].action, action) == 0)
            return approval_kinds[i].kind;
    return NULL;
}

void itk_reqdb_free(itk_reqdb *db)
{
    free(db->items);
    free(db->marks);
    memset(db, 0, sizeof(*db));
}

static itk_reqdb_item *find_item(itk_reqdb *db, const char *name)
{
    for (size_t i = 0; i < db->n; i++)
        if (strcmp(db->items[i].info.name, name) == 0)
            return &db->items[i];
    return NULL;
}

static itk_reqdb_item *add_item(itk_reqdb *db, const char *name)
{
    itk_reqdb_item *it = find_item(db, name);
    if (it)
        return it;
    itk_reqdb_item *ni = itk_realloc_array(db->items, db->n + 1, sizeof(*ni));
    if (!ni)
        return NULL;
    db->items = ni;
    it = &db->items[db->n++];
    memset(it, 0, sizeof(*it));
    snprintf(it->info.name, sizeof(it->info.name), "%s", name);
    return it;
}

static int add_mark(itk_reqdb *db, const itk_reqdb_mark *m)
{
    for (size_t i = 0; i < db->nmarks; i++)
        if (strcmp(db->marks[i].path, m->path) == 0)
            return 0;
    itk_reqdb_mark *nm = itk_realloc_array(db->marks, db->nmarks + 1, sizeof(*nm));
    if (!nm)
        return ITK_ENOMEM;
    db->marks = nm;
    db->marks[db->nmarks++] = *m;
    return 0;
}

static void copy_str(char *dst, size_t cap, const json_t *v)
{
    snprintf(dst, cap, "%s", json_is_string(v) ? json_string_value(v) : "");
}

/* The record at path in tree; memo (blob id → record) keeps each blob read
 * once: the request branches hold mostly the blobs HEAD holds. NULL when it
 * cannot be read (verify's finding). */
static json_t *read_memo(git_repository *repo, const git_tree *tree, const char *path, json_t *memo)
{
    git_tree_entry *e = NULL;
    char hex[GIT_OID_HEXSZ + 1] = "";
    json_t *rec = NULL;
    if (git_tree_entry_bypath(&e, tree, path) == 0)
        git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e));
    git_tree_entry_free(e);
    git_error_clear();
    if (hex[0] && (rec = json_object_get(memo, hex)))
        return json_incref(rec);
    if (itk_tree_read_json(&rec, repo, tree, path)) {
        itk_error_clear();
        return NULL;
    }
    if (hex[0])
        json_object_set(memo, hex, rec); /* not kept when out of memory: read again */
    return rec;
}

/* Whether the decision m (in tree, the tree of commit from) still stands
 * once the seals void commits wrote are dropped (DESIGN V12, V9): when not,
 * m is marked short, with those seals and what the rest fall short of. */
static int decision_standing(itk_reqdb_mark *m, git_repository *repo, const git_tree *tree,
                             const git_oid *from, const itk_void_writes *vw)
{
    itk_kessai_standing st;
    int rc = itk_kessai_decision_standing(&st, repo, tree, from, m->path, vw);
    if (rc == ITK_ENOMEM)
        return rc;
    itk_error_clear(); /* what cannot be read is verify's finding */
    if (rc || st.stands)
        return 0;
    m->is_short = 1;
    snprintf(m->missing, sizeof(m->missing), "%s", st.missing);
    for (size_t k = 0; k < st.nvoid; k++) {
        size_t l = strlen(m->void_seals);
        snprintf(m->void_seals + l, sizeof(m->void_seals) - l, "%s%s", l ? ", " : "",
                 st.void_seals[k]);
    }
    return 0;
}

/* Reads the requests, endorsements and decisions of one tree into db; a
 * decision that a commit of vw wrote is marked void, and one of HEAD's
 * (from: HEAD's commit, NULL for a request branch) whose listed seals fall short once those void
 * commits wrote are dropped is marked short. */
static int scan_tree(itk_reqdb *db, git_repository *repo, const git_tree *tree, int is_head,
                     const git_oid *from, json_t *memo, const itk_void_writes *vw)
{
    static const char *types[] = {"request", "endorsement", "decision"};
    int rc = 0;
    for (size_t t = 0; !rc && t < 3; t++) {
        char **paths = NULL;
        size_t n = 0;
        if ((rc = itk_tree_records(&paths, &n, repo, tree, NULL, types[t])))
            break;
        for (size_t i = 0; !rc && i < n; i++) {
            itk_path_info pi;
            itk_path_classify(&pi, paths[i]);
            json_t *rec = read_memo(repo, tree, paths[i], memo);
            if (!rec)
                continue;
            json_t *body = json_object_get(rec, "body");
            if (t == 0) {
                char name[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
                snprintf(name, sizeof(name), "%s/%s", pi.party, pi.id);
                itk_reqdb_item *it = add_item(db, name);
                if (!it) {
                    rc = ITK_ENOMEM;
                } else {
                    snprintf(it->info.requester, sizeof(it->info.requester), "%s", pi.party);
                    snprintf(it->info.id, sizeof(it->info.id), "%s", pi.id);
                    snprintf(it->info.path, sizeof(it->info.path), "%s", paths[i]);
                    copy_str(it->info.kind, sizeof(it->info.kind), json_object_get(body, "kind"));
                    copy_str(it->info.summary, sizeof(it->info.summary),
                             json_object_get(body, "summary"));
                    copy_str(it->withdraws, sizeof(it->withdraws),
                             json_object_get(body, "withdraws"));
                    json_t *sup = json_object_get(rec, "supersedes");
                    if (json_is_string(sup))
                        snprintf(it->supersedes, sizeof(it->supersedes), "%s/%s", pi.party,
                                 json_string_value(sup));
                    it->info.in_main |= is_head;
                }
            } else {
                itk_reqdb_mark m;
                memset(&m, 0, sizeof(m));
                m.is_decision = t == 2;
                m.is_void = m.is_decision && itk_void_writes_source(vw, tree, paths[i]) != tree;
                m.in_head = is_head;
                snprintf(m.path, sizeof(m.path), "%s", paths[i]);
                snprintf(m.author, sizeof(m.author), "%s", pi.party);
                copy_str(m.request, sizeof(m.request), json_object_get(body, "request"));
                copy_str(m.sha256, sizeof(m.sha256), json_object_get(body, "request_sha256"));
                copy_str(m.verdict, sizeof(m.verdict),
                         json_object_get(body, t == 2 ? "outcome" : "verdict"));
                copy_str(m.valid_until, sizeof(m.valid_until),
                         json_object_get(body, "valid_until"));
                copy_str(m.created, sizeof(m.created), json_object_get(rec, "created"));
                json_t *mu = json_object_get(body, "max_uses");
                m.max_uses = json_is_integer(mu) ? json_integer_value(mu) : 0;
                if (m.is_decision && !m.is_void && from && vw && vw->n)
                    rc = decision_standing(&m, repo, tree, from, vw);
                rc = rc ? rc : add_mark(db, &m);
            }
            json_decref(rec);
        }
        itk_string_list_free(paths, n);
    }
    return rc;
}

static void derive_states(itk_reqdb *db, git_repository *repo, const git_tree *head_tree)
{
    for (size_t i = 0; i < db->n; i++) {
        itk_reqdb_item *it = &db->items[i];
        itk_request_info *info = &it->info;
        strcpy(info->state, "pending");
        info->endorsed[0] = info->next[0] = '\0';
        it->superseded_by[0] = '\0';
        for (size_t j = 0; j < db->n; j++)
            if (strcmp(db->items[j].withdraws, info->name) == 0)
                strcpy(info->state, "withdrawn");
            else if (!db->items[j].withdraws[0] &&
                     strcmp(db->items[j].supersedes, info->name) == 0) {
                /* a correction is a new request (V6); the old one waits no more */
                strcpy(info->state, "superseded");
                snprintf(it->superseded_by, sizeof(it->superseded_by), "%s",
                         db->items[j].info.name);
            }
        for (size_t m = 0; m < db->nmarks; m++) {
            const itk_reqdb_mark *mk = &db->marks[m];
            if (strcmp(mk->request, info->name) != 0)
                continue;
            if (mk->is_decision && (mk->is_void || mk->is_short)) {
                /* V9: a decision signed with a stolen key decides nothing;
                 * V12: nor one whose seals fall short without those made
                 * with a stolen key */
                snprintf(info->void_decision, sizeof(info->void_decision), "%s", mk->path);
                snprintf(info->void_seals, sizeof(info->void_seals), "%s", mk->void_seals);
                snprintf(info->void_missing, sizeof(info->void_missing), "%s", mk->missing);
            } else if (mk->is_decision) {
                snprintf(info->state, sizeof(info->state), "%s", mk->verdict);
                snprintf(info->decision_path, sizeof(info->decision_path), "%s", mk->path);
                snprintf(info->decided_on, sizeof(info->decided_on), "%s", mk->created);
                snprintf(info->valid_until, sizeof(info->valid_until), "%s", mk->valid_until);
                info->max_uses = mk->max_uses;
            } else if (strcmp(mk->verdict, "decline") == 0) {
                if (strcmp(info->state, "pending") == 0)
                    strcpy(info->state, "declined");
            } else {
                size_t l = strlen(info->endorsed);
                snprintf(info->endorsed + l, sizeof(info->endorsed) - l, "%s%s", l ? ", " : "",
                         mk->author);
            }
        }
        if (strcmp(info->state, "pending") != 0)
            continue;
        /* the next party up that has not vouched for it, else the city */
        char path[ITK_MAX_CHAIN][ITK_PARTY_ID_MAX + 1];
        size_t n;
        if (itk_chain_path(path, &n, repo, head_tree, info->requester)) {
            itk_error_clear();
            strcpy(info->next, "?");
            continue;
        }
        for (size_t k = 1; k < n; k++) {
            char key[40];
            snprintf(key, sizeof(key), "%s", path[k]);
            int done = 0;
            for (size_t m = 0; m < db->nmarks && !done; m++)
                done = !db->marks[m].is_decision && strcmp(db->marks[m].request, info->name) == 0 &&
                       strcmp(db->marks[m].author, key) == 0;
            if (!done || k == n - 1) {
                snprintf(info->next, sizeof(info->next), "%s", key);
                break;
            }
        }
    }
}

int itk_reqdb_load(itk_reqdb *db, itk_registry *reg)
{
    git_tree *head = NULL;
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    json_t *memo = json_object();
    memset(db, 0, sizeof(*db));
    if (!memo)
        return itk_error_nomem();
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    git_oid head_id;
    const git_oid *from = NULL;
    int rc = itk_registry_head_tree(&head, reg);
    if (rc) {
        json_decref(memo);
        return rc;
    }
    /* the void commits (V9) as HEAD records the compromises */
    if (git_reference_name_to_id(&head_id, reg->repo, "HEAD") == 0) {
        from = &head_id;
        if ((rc = itk_void_writes_at(&vw, reg->repo, from)))
            goto done;
    }
    git_error_clear();
    if ((rc = scan_tree(db, reg->repo, head, 1, from, memo, &vw)))
        goto done;
    if (git_reference_iterator_glob_new(&it, reg->repo, ITK_REF_REQUESTS "*") == 0) {
        while (!rc && git_reference_next(&ref, it) == 0) {
            git_object *tree = NULL;
            if (git_reference_peel(&tree, ref, GIT_OBJECT_TREE) == 0)
                rc = scan_tree(db, reg->repo, (git_tree *)tree, 0, NULL, memo, &vw);
            git_object_free(tree);
            git_reference_free(ref);
        }
        git_reference_iterator_free(it);
    }
    derive_states(db, reg->repo, head);
done:
    itk_void_writes_dispose(&vw);
    json_decref(memo);
    git_tree_free(head);
    if (rc)
        itk_reqdb_free(db);
    return rc;
}

int itk_request_list(itk_request_info **out, size_t *count, itk_registry *reg)
{
    itk_reqdb db;
    *out = NULL;
    *count = 0;
    int rc = itk_reqdb_load(&db, reg);
    if (rc)
        return rc;
    itk_request_info *list = itk_calloc(db.n, sizeof(*list));
    if (!list) {
        itk_reqdb_free(&db);
        return ITK_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < db.n; i++)
        if (!db.items[i].withdraws[0])
            list[n++] = db.items[i].info;
    itk_reqdb_free(&db);
    *out = list;
    *count = n;
    return 0;
}

int itk_reqdb_resolve(itk_reqdb_item **out, itk_reqdb *db, const char *typed)
{
    /* q-1, 1, full-width digits: the id as a request's id is written */
    char name[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
    itk_record_id_input(name, sizeof(name), typed, NULL, "q");
    size_t hits = 0, nl = strlen(name);
    *out = NULL;
    for (size_t i = 0; i < db->n; i++) {
        const char *full = db->items[i].info.name;
        size_t fl = strlen(full);
        if (db->items[i].withdraws[0] || fl < nl || strcmp(full + fl - nl, name) != 0 ||
            (fl > nl && full[fl - nl - 1] != '/' && nl < 3))
            continue;
        if (!hits++)
            *out = &db->items[i];
    }
    if (!hits) {
        /* the requests known, the closest to what was typed named */
        itk_buf near = ITK_BUF_INIT;
        json_t *cands = json_array();
        for (size_t i = 0; cands && i < db->n; i++)
            if (!db->items[i].withdraws[0])
                json_array_append_new(cands, json_pack("[s, s]", db->items[i].info.name,
                                                       strchr(name, '/') ? db->items[i].info.name
                                                                         : db->items[i].info.id));
        itk_ref_closest(&near, name, cands);
        json_decref(cands);
        /* TRANSLATORS: the id typed, then " (closest: …)" or " (there are
         * none)" */
        int rc = itk_error_set(ITK_ENOTFOUND,
                               "no request '%.64s' is known here%s; check the id (see `itaku "
                               "requests`)",
                               name, near.ptr ? near.ptr : "");
        itk_buf_dispose(&near);
        return rc;
    }
    if (hits > 1)
        return itk_error_set(ITK_ECONFLICT, "'%.64s' names %zu requests; write <party>/<id>", name,
                             hits);
    return 0;
}

/* The key free text is compared by when two requests are set side by
 * side: NFKC (full-width letters and digits, the ideographic space) with
 * every white space left out, so that words typed again with other spacing
 * or line breaks read the same; the text itself when it cannot be folded
 * (too long for NFKC, not UTF-8). */
static int text_key(itk_buf *out, const char *s)
{
    itk_buf n = ITK_BUF_INIT;
    const char *from = s;
    if (itk_nfkc(&n, s, strlen(s)) == 0 && n.ptr)
        from = n.ptr;
    itk_error_clear();
    itk_buf_clear(out);
    int rc = itk_buf_put(out, "", 0);
    for (const char *p = from; !rc && *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            rc = itk_buf_putc(out, *p);
    itk_buf_dispose(&n);
    return rc;
}

/* 1 when every item id of a is one of b's (itk_label_equal). */
static int items_within(const json_t *a, const json_t *b)
{
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(a, i, x)
    {
        int found = 0;
        json_array_foreach(b, j, y) found |=
            itk_label_equal(json_string_value(x), json_string_value(y)) ||
            (json_is_string(x) && json_equal(x, y));
        if (!found)
            return 0;
    }
    return 1;
}

/* 1 when a and b (values of field key in two request bodies, as stored:
 * dates already canonical) say the same to an officer: item ids through the
 * one normaliser (itk_label_equal), a list of them in any order; other
 * words by text_key; numbers, choices and structure exactly. */
static int same_asked(const json_t *a, const json_t *b, const char *key)
{
    int item = strcmp(key, "item_ids") == 0 || strcmp(key, "item_id") == 0 ||
               strcmp(key, "derived_from") == 0;
    if (json_is_string(a) && json_is_string(b)) {
        if (item)
            return itk_label_equal(json_string_value(a), json_string_value(b)) || json_equal(a, b);
        itk_buf ka = ITK_BUF_INIT, kb = ITK_BUF_INIT;
        int same = text_key(&ka, json_string_value(a)) == 0 &&
                   text_key(&kb, json_string_value(b)) == 0 && strcmp(ka.ptr, kb.ptr) == 0;
        itk_error_clear();
        itk_buf_dispose(&ka);
        itk_buf_dispose(&kb);
        return same;
    }
    if (json_is_array(a) && json_is_array(b)) {
        if (item)
            return items_within(a, b) && items_within(b, a);
        if (json_array_size(a) != json_array_size(b))
            return 0;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!same_asked(json_array_get(a, i), json_array_get(b, i), key))
                return 0;
        return 1;
    }
    if (json_is_object(a) && json_is_object(b)) {
        const char *k;
        json_t *v;
        if (json_object_size(a) != json_object_size(b))
            return 0;
        json_object_foreach((json_t *)a, k, v)
        {
            const json_t *w = json_object_get(b, k);
            if (!w || !same_asked(v, w, k))
                return 0;
        }
        return 1;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

int itk_reqdb_twin(char *out, size_t outsz, itk_registry *reg, git_tree *tree, const char *party,
                   const json_t *body, const char *supersedes)
{
    itk_reqdb db;
    int found = 0;
    if (json_object_get(body, "withdraws") || itk_reqdb_load(&db, reg)) {
        itk_error_clear();
        return 0;
    }
    for (size_t i = 0; !found && i < db.n; i++) {
        const itk_reqdb_item *it = &db.items[i];
        json_t *rec = NULL;
        if (it->withdraws[0] || it->superseded_by[0] || !it->info.in_main ||
            strcmp(it->info.requester, party) != 0 || strcmp(it->info.state, "pending") != 0 ||
            (supersedes && strcmp(it->info.id, supersedes) == 0) ||
            itk_tree_read_json(&rec, reg->repo, tree, it->info.path)) {
            itk_error_clear();
            continue;
        }
        if (same_asked(json_object_get(rec, "body"), body, "")) {
            snprintf(out, outsz, "%s", it->info.name);
            found = 1;
        }
        json_decref(rec);
    }
    itk_reqdb_free(&db);
    return found;
}

int itk_request_resolve(itk_request_info *out, itk_registry *reg, const char *name)
{
    itk_reqdb db;
    itk_reqdb_item *it;
    int rc = itk_reqdb_load(&db, reg);
    if (rc)
        return rc;
    if (!(rc = itk_reqdb_resolve(&it, &db, name)))
        *out = it->info;
    itk_reqdb_free(&db);
    return rc;
}

/* itk_approval_judge, a translated message showing the codes of a request's
 * kind and state and of the action by their labels in l (NULL: the codes). */
static int approval_judge(const itk_request_info *r, const char *party, const char *action,
                          const char *today, long long used, const itk_labels *l)
{
    static const char wrong_kind[] = ITK_N_("%s asks for %s, not for %s (what a %s entry needs)");
    static const char waiting[] = ITK_N_(
        "%s is %s, waiting for %s: a %s entry needs a request the city has approved, and that "
        "approval must be here (itaku pull) before the entry");
    static const char not_approved[] =
        ITK_N_("%s is %s: a %s entry needs a request the city has approved, and that approval "
               "must be here (itaku pull) before the entry");
    const char *kind = itk_action_request_kind(action);
    int rc = ITK_EVERIFY;
    if (strcmp(r->requester, party) != 0)
        itk_error_set(rc, "%s is %s's request; %s needs its own approval", r->name, r->requester,
                      party);
    else if (!kind || strcmp(r->kind, kind) != 0)
        itk_error_set(rc, wrong_kind, r->name,
                      itk_ref_code_shown(l, wrong_kind, "request.kind", r->kind),
                      kind ? itk_ref_code_shown(l, wrong_kind, "request.kind", kind) : "?",
                      itk_ref_code_shown(l, wrong_kind, "action", action));
    else if (strcmp(r->state, "approved") != 0) {
        if (r->next[0])
            itk_error_set(rc, waiting, r->name,
                          itk_ref_code_shown(l, waiting, "request.state", r->state), r->next,
                          itk_ref_code_shown(l, waiting, "action", action));
        else
            itk_error_set(rc, not_approved, r->name,
                          itk_ref_code_shown(l, not_approved, "request.state", r->state),
                          itk_ref_code_shown(l, not_approved, "action", action));
    } else if (r->valid_until[0] && strncmp(today, r->valid_until, 10) > 0)
        itk_error_set(rc, "the approval of %s was valid until %s", r->name, r->valid_until);
    else if (r->max_uses > 0 && used >= r->max_uses)
        itk_error_set(rc,
                      itk_n_("the approval of %s allows %lld use, all used",
                             "the approval of %s allows %lld uses, all used",
                             (unsigned long)r->max_uses),
                      r->name, r->max_uses);
    else
        rc = 0;
    return rc;
}

int itk_approval_judge(const itk_request_info *r, const char *party, const char *action,
                       const char *today, long long used)
{
    return approval_judge(r, party, action, today, used, NULL);
}

int itk_approval_check(itk_registry *reg, const char *party, const char *action,
                       const char *approval, const char *today)
{
    itk_reqdb db;
    itk_reqdb_item *it = NULL;
    int rc = itk_reqdb_load(&db, reg);
    if (rc)
        return rc;
    if ((rc = itk_reqdb_resolve(&it, &db, approval)))
        goto done;
    itk_request_info *r = &it->info;
    long long used = 0;
    if (r->max_uses > 0) {
        /* count the entries of party that already cite it */
        char **paths = NULL;
        size_t n = 0;
        git_tree *tree = NULL;
        if (!(rc = itk_registry_head_tree(&tree, reg)) &&
            !(rc = itk_tree_records(&paths, &n, reg->repo, tree, party, "register"))) {
            for (size_t i = 0; i < n; i++) {
                json_t *rec = NULL;
                if (itk_tree_read_json(&rec, reg->repo, tree, paths[i]) == 0) {
                    const char *a = json_string_value(
                        json_object_get(json_object_get(rec, "body"), "approval"));
                    used += a && strcmp(a, r->name) == 0;
                }
                json_decref(rec);
            }
        }
        itk_error_clear();
        itk_string_list_free(paths, n);
        git_tree_free(tree);
    }
    if (!rc) {
        itk_labels *l = NULL;
        if (itk_labels_open(&l, reg, NULL, "ja"))
            itk_error_clear(); /* the codes are shown as they are */
        rc = approval_judge(r, party, action, today, used, l);
        itk_labels_free(l);
    }
done:
    itk_reqdb_free(&db);
    return rc;
}
