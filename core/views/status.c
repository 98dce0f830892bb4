/* The obligation engine: gathers the records of HEAD (leaving out those of
 * void commits and those not yet there at the evaluation time), when each
 * reached the next party up (its receipt merge), and applies each rule kind
 * of the obligations version in force at the due date. */
#include "itaku/status.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/party.h"
#include "itaku/verify.h"
#include "objsize.h"
#include "registry_priv.h"
#include "status_priv.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *itk_state_name(itk_state s)
{
    static const char *names[] = {"ok", "pending", "overdue", "violated"};
    return s <= ITK_STATE_VIOLATED ? names[s] : "?";
}

static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int itk_time_parse(long long *out, const char *s, int offset, int end_of_day)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    char t[40];
    if (!s)
        return itk_error_set(ITK_EINVALID, "no time given");
    if (strlen(s) == 10) {
        snprintf(t, sizeof(t), "%sT00:00:00Z", s);
        if (itk_rfc3339_check(t) || sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) != 3)
            return itk_error_set(ITK_EINVALID, "'%.40s' is not a date (YYYY-MM-DD)", s);
        *out =
            days_from_civil(y, mo, d) * 86400 - (long long)offset * 60 + (end_of_day ? 86399 : 0);
        return 0;
    }
    if (itk_rfc3339_check(s) ||
        sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6)
        return itk_error_set(ITK_EINVALID, "'%.40s' is not a date or an RFC 3339 time", s);
    const char *z = s + 19;
    while (*z == '.' || (*z >= '0' && *z <= '9'))
        z++;
    long long off = 0;
    if (*z == '+' || *z == '-')
        off = ((z[1] - '0') * 10 + (z[2] - '0')) * 60 + (z[4] - '0') * 10 + (z[5] - '0');
    if (*z == '-')
        off = -off;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off * 60;
    return 0;
}

/* --- gathering ------------------------------------------------------------ */

/* backdated: t is not the receipt's own date but the later date of the
 * commit it receives (a receipt cannot be earlier than what it takes). */
static int add_arrival(sctx *c, const char *party, const char *path, long long t,
                       const git_oid *commit, int backdated)
{
    char key[ITK_PARTY_ID_MAX + 2 + 1024]; /* "<party>|<path>" */
    snprintf(key, sizeof(key), "%s|%s", party, path);
    if (json_object_get(c->arrivals, key))
        return 0;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), commit);
    return json_object_set_new(c->arrivals, key,
                               json_pack("{s:I, s:s, s:b}", "t", t, "c", hex, "b", backdated));
}

long long itk_srec_arrival(const sctx *c, const srec *r, const char *party, char commit[41])
{
    if (strcmp(party, r->pi.party) == 0) {
        if (commit)
            git_oid_tostr(commit, 41, &r->c_own);
        return r->t_own;
    }
    const char *parent = json_string_value(json_object_get(c->parent_of, r->pi.party));
    return parent && strcmp(parent, party) == 0 ? r->t_up : -1;
}

/* Every party's parent, from HEAD's parties/<id>/party.json. */
static int load_parents(sctx *c)
{
    char **paths = NULL;
    size_t n = 0;
    int rc = itk_tree_records(&paths, &n, c->repo, c->tree, NULL, "party");
    for (size_t i = 0; !rc && i < n; i++) {
        itk_path_info pi;
        json_t *rec = NULL;
        itk_path_classify(&pi, paths[i]);
        if (pi.kind != ITK_PATH_PARTY || itk_tree_read_json(&rec, c->repo, c->tree, paths[i])) {
            itk_error_clear();
            continue;
        }
        const char *parent =
            json_string_value(json_object_get(json_object_get(rec, "body"), "parent"));
        if (parent && json_object_set_new(c->parent_of, pi.party, json_string(parent)))
            rc = itk_error_set(ITK_ENOMEM, "out of memory");
        json_decref(rec);
    }
    itk_string_list_free(paths, n);
    return rc;
}

/* Paths added under parties/<party>/ between two trees: what a merge brought
 * into its signer's line of that party's records. */
static int arrivals_under(sctx *c, const itk_commit_info *ci, long long t, int backdated,
                          git_tree *before, git_tree *after, const char *party)
{
    char dir[64];
    git_tree_entry *eb = NULL, *ea = NULL;
    git_tree *tb = NULL, *ta = NULL;
    git_diff *diff = NULL;
    int rc = 0;
    snprintf(dir, sizeof(dir), "parties/%s", party);
    if (git_tree_entry_bypath(&ea, after, dir) < 0 || git_tree_entry_type(ea) != GIT_OBJECT_TREE)
        goto done; /* nothing of that party there */
    if (git_tree_entry_bypath(&eb, before, dir) == 0 &&
        git_oid_equal(git_tree_entry_id(eb), git_tree_entry_id(ea)))
        goto done; /* nothing new */
    if ((eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE &&
         git_tree_lookup(&tb, c->repo, git_tree_entry_id(eb)) < 0) ||
        git_tree_lookup(&ta, c->repo, git_tree_entry_id(ea)) < 0 ||
        git_diff_tree_to_tree(&diff, c->repo, tb, ta, NULL) < 0) {
        rc = itk_error_git("cannot read receipt %s", git_oid_tostr_s(&ci->id));
        goto done;
    }
    for (size_t d = 0; !rc && d < git_diff_num_deltas(diff); d++) {
        const git_diff_delta *dl = git_diff_get_delta(diff, d);
        char path[1024];
        if (dl->status != GIT_DELTA_ADDED)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, dl->new_file.path);
        rc = add_arrival(c, ci->party, path, t, &ci->id, backdated);
    }
done:
    if (!rc)
        itk_error_clear();
    git_diff_free(diff);
    git_tree_free(tb);
    git_tree_free(ta);
    git_tree_entry_free(eb);
    git_tree_entry_free(ea);
    return rc;
}

/* Arrivals: a party's own records at its commit; others' at the receipt
 * merge (or approval merge, or pull) that brought them into its line. Only
 * what the rules judge is gathered: what a merge brings of its signer's own
 * records and of its children's (pulls bring the whole chain's). */
static int gather_arrivals(sctx *c, const itk_verify_result *r)
{
    /* only what verify accepted counts: when any commit has a problem, a
     * record counts only as the last accepted commit adding it wrote it */
    size_t n = itk_verify_commit_count(r);
    for (size_t i = 0; i < n && !c->trusted; i++)
        if (!itk_verify_commit(r, i)->ok && !(c->trusted = json_object()))
            return itk_error_set(ITK_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const itk_commit_info *ci = itk_verify_commit(r, i);
        if (ci->is_void)
            for (size_t k = 0; k < ci->nrecords; k++)
                json_object_set_new(c->void_paths, ci->records[k], json_true());
        if (c->trusted && ci->ok && !ci->is_void) {
            char hex[GIT_OID_HEXSZ + 1];
            git_oid_tostr(hex, sizeof(hex), &ci->id);
            for (size_t k = 0; k < ci->nrecords; k++)
                if (json_object_set_new(c->trusted, ci->records[k], json_string(hex)))
                    return itk_error_set(ITK_ENOMEM, "out of memory");
        }
        if (!ci->party[0] || !ci->ok)
            continue; /* a refused receipt brings nothing in */
        for (size_t k = 0; k < ci->nrecords; k++) {
            int rc = add_arrival(c, ci->party, ci->records[k], ci->time, &ci->id, 0);
            if (rc)
                return itk_error_set(ITK_ENOMEM, "out of memory");
        }
        if (ci->nparents != 2)
            continue;
        git_commit *commit = NULL, *p1 = NULL, *p2 = NULL;
        git_tree *t = NULL, *t1 = NULL;
        int rc = 0;
        if (git_commit_lookup(&commit, c->repo, &ci->id) < 0 ||
            git_commit_parent(&p1, commit, 0) < 0 || git_commit_parent(&p2, commit, 1) < 0 ||
            git_commit_tree(&t, commit) < 0 || git_commit_tree(&t1, p1) < 0)
            rc = itk_error_git("cannot read receipt %s", git_oid_tostr_s(&ci->id));
        /* a receipt dated before the commit it receives: the later date counts */
        long long when = ci->time, taken = p2 ? (long long)git_commit_time(p2) : when;
        int backdated = taken > when;
        if (backdated)
            when = taken;
        if (!rc)
            rc = arrivals_under(c, ci, when, backdated, t1, t, ci->party);
        const char *k;
        json_t *v;
        json_object_foreach(c->parent_of, k, v)
        {
            if (rc)
                break;
            if (strcmp(json_string_value(v), ci->party) == 0)
                rc = arrivals_under(c, ci, when, backdated, t1, t, k);
        }
        git_tree_free(t);
        git_tree_free(t1);
        git_commit_free(p1);
        git_commit_free(p2);
        git_commit_free(commit);
        if (rc)
            return rc;
    }
    return 0;
}

static long long arrival_at(const sctx *c, const char *party, const char *path, git_oid *commit,
                            int *backdated)
{
    char key[ITK_PARTY_ID_MAX + 2 + 1024]; /* "<party>|<path>" */
    snprintf(key, sizeof(key), "%s|%s", party, path);
    json_t *a = json_object_get(c->arrivals, key);
    if (!a)
        return -1;
    if (commit)
        git_oid_fromstr(commit, json_string_value(json_object_get(a, "c")));
    if (backdated)
        *backdated = json_is_true(json_object_get(a, "b"));
    return json_integer_value(json_object_get(a, "t"));
}

/* Whether HEAD's blob at path is what the last accepted commit adding it
 * wrote (when some commit has a problem; otherwise every record counts). */
static int trusted(const sctx *c, const char *path, const git_oid *blob)
{
    if (!c->trusted)
        return 1;
    const char *hex = json_string_value(json_object_get(c->trusted, path));
    git_oid id;
    git_commit *cm = NULL;
    git_tree *t = NULL;
    git_tree_entry *e = NULL;
    int ok = hex && git_oid_fromstr(&id, hex) == 0 && git_commit_lookup(&cm, c->repo, &id) == 0 &&
             git_commit_tree(&t, cm) == 0 && git_tree_entry_bypath(&e, t, path) == 0 &&
             git_oid_equal(git_tree_entry_id(e), blob);
    git_tree_entry_free(e);
    git_tree_free(t);
    git_commit_free(cm);
    git_error_clear();
    return ok;
}

typedef struct {
    char **paths;
    git_oid *blobs;
    size_t n, cap;
    int rc;
} record_list;

static int list_cb(const char *root, const git_tree_entry *e, void *payload)
{
    record_list *l = payload;
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || strncmp(root, "parties/", 8) != 0)
        return 0;
    char path[1024];
    itk_path_info pi;
    snprintf(path, sizeof(path), "%s%s", root, git_tree_entry_name(e));
    itk_path_classify(&pi, path);
    if (pi.kind != ITK_PATH_RECORD && pi.kind != ITK_PATH_KEY && pi.kind != ITK_PATH_PARTY)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        char **np = realloc(l->paths, cap * sizeof(*np));
        if (np)
            l->paths = np;
        git_oid *nb = np ? realloc(l->blobs, cap * sizeof(*nb)) : NULL;
        if (!nb) {
            l->rc = itk_error_set(ITK_ENOMEM, "out of memory");
            return -1;
        }
        l->blobs = nb;
        l->cap = cap;
    }
    if (!(l->paths[l->n] = strdup(path))) {
        l->rc = itk_error_set(ITK_ENOMEM, "out of memory");
        return -1;
    }
    l->blobs[l->n++] = *git_tree_entry_id(e);
    return 0;
}

/* Every record of HEAD that counts (V9: a void commit's records do not),
 * with its arrivals; which of them are there at the evaluation time is
 * decided after (keep_arrived), so that the status cache holds them all. */
static int gather_records(sctx *c)
{
    record_list l;
    memset(&l, 0, sizeof(l));
    int rc = 0;
    if (git_tree_walk(c->tree, GIT_TREEWALK_PRE, list_cb, &l) < 0)
        rc = l.rc ? l.rc : itk_error_git("cannot read the registry's tree");
    if (!rc && !(c->recs = calloc(l.n ? l.n : 1, sizeof(*c->recs))))
        rc = itk_error_set(ITK_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < l.n; i++) {
        srec *r = &c->recs[c->nrecs];
        git_blob *b = NULL;
        json_t *rec = NULL;
        memset(r, 0, sizeof(*r));
        itk_path_classify(&r->pi, l.paths[i]);
        if (json_object_get(c->void_paths, l.paths[i]))
            continue; /* V9: a void commit's records do not count */
        if (!trusted(c, l.paths[i], &l.blobs[i]))
            continue; /* nor those of a commit verify refuses */
        if (itk_blob_lookup_bounded(&b, c->repo, &l.blobs[i], ITK_MAX_RECORD_BYTES) ||
            itk_json_parse(&rec, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), l.paths[i])) {
            git_blob_free(b);
            itk_error_clear();
            continue;
        }
        git_blob_free(b);
        rc = itk_jview_add(&r->rec, &c->view, rec);
        json_decref(rec);
        rc = rc ? rc : itk_jview_add_text(&r->path, &c->view, l.paths[i], strlen(l.paths[i]));
        if (rc)
            break;
        r->body = itk_jv_get(&c->view, r->rec, "body");
        r->t_own = arrival_at(c, r->pi.party, l.paths[i], &r->c_own, NULL);
        const char *parent = json_string_value(json_object_get(c->parent_of, r->pi.party));
        int backdated = 0;
        r->t_up = parent ? arrival_at(c, parent, l.paths[i], NULL, &backdated) : -1;
        if (r->t_up >= 0 && r->t_up < r->t_own) {
            r->t_up = r->t_own; /* received before it was written: not so */
            backdated = 1;
        }
        r->flags = backdated ? ITK_SREC_BACKDATED : 0;
        c->nrecs++;
    }
    itk_jview_seal(&c->view);
    itk_string_list_free(l.paths, l.n);
    free(l.blobs);
    return rc;
}

/* Leaves out the records not yet there at the evaluation time. */
static void keep_arrived(sctx *c)
{
    size_t kept = 0;
    for (size_t i = 0; i < c->nrecs; i++) {
        srec *r = &c->recs[i];
        if (r->t_own >= 0 && r->t_own > c->at)
            continue;
        c->recs[kept++] = *r;
    }
    c->nrecs = kept;
}

static int gather_parties(sctx *c)
{
    for (size_t i = 0; i < c->nrecs; i++) {
        srec *r = &c->recs[i];
        if (r->pi.kind != ITK_PATH_PARTY)
            continue;
        sparty *np = realloc(c->parties, (c->nparties + 1) * sizeof(*np));
        if (!np)
            return itk_error_set(ITK_ENOMEM, "out of memory");
        c->parties = np;
        sparty *p = &c->parties[c->nparties++];
        memset(p, 0, sizeof(*p));
        snprintf(p->id, sizeof(p->id), "%s", r->pi.party);
        const char *parent = itk_body_str(c, r, "parent");
        const char *role = itk_body_str(c, r, "role");
        snprintf(p->parent, sizeof(p->parent), "%s", parent ? parent : "");
        snprintf(p->role, sizeof(p->role), "%s", role ? role : "");
    }
    /* depth-first order below the city, so that tables nest */
    sparty *ordered = calloc(c->nparties ? c->nparties : 1, sizeof(*ordered));
    size_t n = 0;
    if (!ordered)
        return itk_error_set(ITK_ENOMEM, "out of memory");
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
    c->nparties = n;
    if (!(c->party_idx = json_object()))
        return itk_error_set(ITK_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (!json_object_get(c->party_idx, ordered[i].id) &&
            json_object_set_new(c->party_idx, ordered[i].id, json_integer((json_int_t)i)))
            return itk_error_set(ITK_ENOMEM, "out of memory");
    return 0;
}

/* Every obligations/<set>.v<N>.json of the set itaku.json names, by
 * effective_from; the one in force at a time is the newest not after it. */
static int gather_obligations(sctx *c)
{
    const char *named = json_string_value(json_object_get(c->contract, "obligations"));
    char set[96] = "";
    if (!named || strncmp(named, "obligations/", 12) != 0)
        return itk_error_set(ITK_EINVALID, "itaku.json names no obligations file");
    snprintf(set, sizeof(set), "%.*s", (int)(strstr(named, ".v") - named - 12), named + 12);
    for (int v = 1; v < 100; v++) {
        char path[160];
        json_t *ob = NULL;
        snprintf(path, sizeof(path), "obligations/%s.v%d.json", set, v);
        if (itk_tree_read_json(&ob, c->repo, c->tree, path)) {
            itk_error_clear();
            if (v > 1)
                break;
            continue;
        }
        long long from = 0;
        const char *ef = json_string_value(json_object_get(ob, "effective_from"));
        if (ef && itk_time_parse(&from, ef, c->offset, 0))
            from = 0;
        json_t **no = realloc(c->obligations, (c->nob + 1) * sizeof(*no));
        long long *nf = realloc(c->ob_from, (c->nob + 1) * sizeof(*nf));
        if (no)
            c->obligations = no;
        if (nf)
            c->ob_from = nf;
        if (!no || !nf) {
            json_decref(ob);
            return itk_error_set(ITK_ENOMEM, "out of memory");
        }
        c->obligations[c->nob] = ob;
        c->ob_from[c->nob++] = v == 1 ? 0 : from; /* v1 governs from the start */
    }
    if (!c->nob)
        return itk_error_set(ITK_ENOTFOUND, "%s, named in itaku.json, is missing", named);
    return 0;
}

/* --- findings ------------------------------------------------------------- */

/* Copies src into dst, cutting on a UTF-8 character boundary. */
static void copy_utf8(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src ? src : "");
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

int itk_sctx_finding(sctx *c, const char *party, const char *section, const char *rule,
                     itk_state state, const char *record, long long due, long long received,
                     const char *claimed, const char *detail)
{
    /* the version in force at the due date decides whether this rule applies */
    if (c->current_version >= 0 && due > 0) {
        size_t v = 0;
        for (size_t i = 0; i < c->nob; i++)
            if (c->ob_from[i] <= due)
                v = i;
        if ((long long)v != c->current_version)
            return 0;
    }
    if (c->nf == c->af) {
        size_t n = c->af ? c->af * 2 : 64;
        itk_finding *nf = realloc(c->f, n * sizeof(*nf));
        if (!nf)
            return itk_error_set(ITK_ENOMEM, "out of memory");
        c->f = nf;
        c->af = n;
    }
    itk_finding *f = &c->f[c->nf++];
    memset(f, 0, sizeof(*f));
    snprintf(f->party, sizeof(f->party), "%s", party);
    const sparty *p = itk_sctx_party(c, party);
    f->depth = p ? p->depth : 0;
    copy_utf8(f->section, sizeof(f->section), section);
    copy_utf8(f->rule, sizeof(f->rule), rule);
    f->state = state;
    copy_utf8(f->record, sizeof(f->record), record);
    if (due > 0)
        itk_format_time(f->due, due, c->offset);
    if (received >= 0)
        itk_format_time(f->received, received, c->offset);
    /* a date-time written with another offset is shown in the contract's zone */
    long long ct;
    if (claimed && strlen(claimed) > 10 && itk_time_parse(&ct, claimed, c->offset, 0) == 0)
        itk_format_time(f->claimed, ct, c->offset);
    else
        copy_utf8(f->claimed, sizeof(f->claimed), claimed);
    itk_error_clear();
    copy_utf8(f->detail, sizeof(f->detail), detail);
    return 0;
}

const sparty *itk_sctx_party(const sctx *c, const char *id)
{
    /* a finding per record asks this: a look-up, not a scan, once the
     * parties are in their final order */
    if (c->party_idx) {
        json_t *v = json_object_get(c->party_idx, id);
        return v ? &c->parties[json_integer_value(v)] : NULL;
    }
    for (size_t i = 0; i < c->nparties; i++)
        if (strcmp(c->parties[i].id, id) == 0)
            return &c->parties[i];
    return NULL;
}

const char *itk_body_str(const sctx *c, const srec *r, const char *key)
{
    return itk_jv_strget(&c->view, r->body, key);
}

itk_jref itk_body_get(const sctx *c, const srec *r, const char *key)
{
    return itk_jv_get(&c->view, r->body, key);
}

const char *itk_rec_str(const sctx *c, const srec *r, const char *key)
{
    return itk_jv_strget(&c->view, r->rec, key);
}

const char *itk_srec_path(const sctx *c, const srec *r)
{
    return itk_jv_text(&c->view, r->path);
}

static int in_scope(const sctx *c, const char *party)
{
    if (!c->only)
        return 1;
    if (strcmp(c->only, party) == 0)
        return 1;
    for (const sparty *p = itk_sctx_party(c, party); p && p->parent[0];
         p = itk_sctx_party(c, p->parent))
        if (strcmp(p->parent, c->only) == 0)
            return 1;
    return 0;
}

void itk_status_free(itk_status *st)
{
    if (!st)
        return;
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

static void sctx_dispose(sctx *c)
{
    itk_jview_dispose(&c->view);
    free(c->recs);
    for (size_t i = 0; i < c->nob; i++)
        json_decref(c->obligations[i]);
    free(c->obligations);
    free(c->ob_from);
    json_decref(c->arrivals);
    json_decref(c->void_paths);
    json_decref(c->trusted);
    json_decref(c->parent_of);
    json_decref(c->party_idx);
    json_decref(c->index);
    json_decref(c->contract);
    git_tree_free(c->tree);
}

int itk_status_run(itk_status **out, itk_registry *reg, const itk_status_options *o)
{
    sctx c;
    itk_verify_result *r = NULL;
    const char *head[] = {"HEAD"};
    int rc;
    *out = NULL;
    memset(&c, 0, sizeof(c));
    c.reg = reg;
    c.repo = reg->repo;
    c.only = o ? o->party : NULL;
    c.arrivals = json_object();
    c.void_paths = json_object();
    c.parent_of = json_object();
    c.current_version = -1;
    if (!c.arrivals || !c.void_paths || !c.parent_of) {
        rc = itk_error_set(ITK_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = itk_registry_head_tree(&c.tree, reg)) ||
        (rc = itk_registry_contract(&c.contract, reg, c.tree)) ||
        (rc = itk_timezone_offset(&c.offset,
                                  json_string_value(json_object_get(c.contract, "timezone")))))
        goto done;
    c.at = (long long)time(NULL);
    if (o && o->at && (rc = itk_time_parse(&c.at, o->at, c.offset, 1)))
        goto done;
    /* DESIGN §9: what HEAD holds is gathered once per HEAD and set of refs;
     * without the status cache, from the verification (itself cached) */
    char key[65];
    git_oid head_id;
    if (git_reference_name_to_id(&head_id, c.repo, "HEAD") < 0) {
        rc = itk_error_git("cannot read HEAD");
        goto done;
    }
    if ((rc = itk_scache_key(key, c.repo, &head_id)))
        goto done;
    if (!itk_scache_load(&c, key)) {
        if ((rc = itk_jview_init(&c.view)) || (rc = load_parents(&c)) ||
            (rc = itk_verify_run(&r, reg, head, 1, NULL)) || (rc = gather_arrivals(&c, r)) ||
            (rc = gather_records(&c)))
            goto done;
        itk_scache_save(&c, key);
    }
    keep_arrived(&c);
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
    /* keep the scope asked for, then the chain's order */
    size_t kept = 0;
    for (size_t i = 0; i < c.nf; i++)
        if (in_scope(&c, c.f[i].party))
            c.f[kept++] = c.f[i];
    c.nf = kept;
    itk_status *st = calloc(1, sizeof(*st));
    if (!st) {
        rc = itk_error_set(ITK_ENOMEM, "out of memory");
        goto done;
    }
    st->f = calloc(c.nf ? c.nf : 1, sizeof(*st->f));
    st->parties = calloc(c.nparties ? c.nparties : 1, sizeof(*st->parties));
    if (!st->f || !st->parties) {
        itk_status_free(st);
        rc = itk_error_set(ITK_ENOMEM, "out of memory");
        goto done;
    }
    /* findings grouped by party in the chain's order, each group in the
     * order found */
    size_t *start = calloc(c.nparties + 1, sizeof(*start));
    if (!start) {
        itk_status_free(st);
        rc = itk_error_set(ITK_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < c.nf; i++) {
        const sparty *fp = itk_sctx_party(&c, c.f[i].party);
        if (fp)
            start[fp - c.parties + 1]++;
    }
    for (size_t p = 0; p < c.nparties; p++)
        start[p + 1] += start[p];
    for (size_t i = 0; i < c.nf; i++) {
        const sparty *fp = itk_sctx_party(&c, c.f[i].party);
        if (fp)
            st->f[start[fp - c.parties]++] = c.f[i];
    }
    st->nf = c.nparties ? start[c.nparties - 1] : 0;
    free(start);
    for (size_t p = 0; p < c.nparties; p++)
        if (in_scope(&c, c.parties[p].id))
            st->parties[st->nparties++] = c.parties[p];
    *out = st;
done:
    free(c.f);
    free(c.parties);
    itk_verify_result_free(r);
    sctx_dispose(&c);
    return rc;
}
