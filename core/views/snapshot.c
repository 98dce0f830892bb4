/* One snapshot of what counts at a commit (itaku/snapshot.h): the records of
 * its tree, read once into a flat JSON view, with what verification of its
 * history says about each (void, refused, recovered, the commit adding it)
 * and when each reached its party's line and its parent's (the receipt
 * merges). The views (status, who, the report, form pages) read this and
 * nothing else. */
#include "itaku/snapshot.h"
#include "itaku/people.h"
#include "alloc.h"
#include "array.h"
#include "commitgraph.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "objsize.h"
#include "itaku/json.h"
#include "itaku/kessai_draft.h"
#include "itaku/party.h"
#include "itaku/utf8.h"
#include "itaku/verify.h"
#include "snapshot_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* --- gathering ------------------------------------------------------------ */

/* An arrival: when, the commit, whether backdated (see add_arrival). */
typedef struct {
    long long t;
    git_oid c;
    int b;
} arrival;

/* What the provenance of a record takes from the commit adding it: kept
 * instead of the verification, which is let go of before the records are
 * read (peak memory). signer, principal and fingerprint are texts in the
 * snapshot's view. */
typedef struct {
    git_oid id;
    long long time;
    uint32_t signer, principal, fingerprint;
    unsigned ok : 1, recovered : 1;
} origin;

typedef struct {
    itk_snapshot *s;
    git_repository *repo;
    git_tree *tree;
    json_t *arrivals; /* "party|path" → its index in arr */
    arrival *arr;
    size_t narr, aarr;
    json_t *void_paths; /* records of void commits */
    json_t *trusted;    /* when a commit has a problem: path → last accepted commit adding it */
    json_t *added_by;   /* path → index in orig of the last commit adding it */
    origin *orig;       /* the commits (since from) adding records */
    size_t norig, aorig;
    itk_verify_result *r;    /* the verification, NULL once gathered (let_go) */
    unsigned char *verdicts; /* r's verdicts (itk_scache_verdicts), kept by let_go */
    size_t nverdicts;
} gctx;

/* backdated: t is not the receipt's own date but the later date of the
 * commit it receives (a receipt cannot be earlier than what it takes). */
static int add_arrival(gctx *c, const char *party, const char *path, long long t,
                       const git_oid *commit, int backdated)
{
    char key[ITK_PARTY_ID_MAX + 2 + 1024]; /* "<party>|<path>" */
    snprintf(key, sizeof(key), "%s|%s", party, path);
    if (json_object_get(c->arrivals, key))
        return 0;
    if (itk_array_reserve(&c->arr, &c->aarr, c->narr + 1, sizeof(*c->arr)))
        return ITK_ENOMEM;
    arrival *a = &c->arr[c->narr];
    a->t = t;
    git_oid_cpy(&a->c, commit);
    a->b = backdated;
    if (json_object_set_new(c->arrivals, key, json_integer((json_int_t)c->narr)))
        return itk_error_nomem();
    c->narr++;
    return 0;
}

/* Every party's parent, from the tree's parties/<id>/party.json. */
static int load_parents(gctx *c)
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
        if (parent && json_object_set_new(c->s->parent_of, pi.party, json_string(parent)))
            rc = itk_error_nomem();
        json_decref(rec);
    }
    itk_string_list_free(paths, n);
    return rc;
}

/* Paths added under parties/<party>/ between two trees: what a merge brought
 * into its signer's line of that party's records. */
static int arrivals_under(gctx *c, const itk_commit_info *ci, long long t, int backdated,
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

/* What verify says of each path (void, trusted, the commit adding it), and
 * arrivals: a party's own records at its commit; others' at the receipt
 * merge (or approval merge, or pull) that brought them into its line. Only
 * what the views judge is gathered: what a merge brings of its signer's own
 * records and of its children's (pulls bring the whole chain's). */
static int gather_commits(gctx *c, size_t from)
{
    /* only what verify accepted counts: when any commit has a problem, a
     * record counts only as the last accepted commit adding it wrote it */
    size_t n = itk_verify_commit_count(c->r);
    for (size_t i = 0; i < n && !c->trusted; i++)
        if (!itk_verify_commit(c->r, i)->ok && !(c->trusted = json_object()))
            return itk_error_nomem();
    for (size_t i = from; i < n; i++) {
        const itk_commit_info *ci = itk_verify_commit(c->r, i);
        if (ci->nrecords) {
            itk_jview *view = &c->s->view;
            if (itk_array_reserve(&c->orig, &c->aorig, c->norig + 1, sizeof(*c->orig)))
                return ITK_ENOMEM;
            origin *o = &c->orig[c->norig];
            int rc = itk_jview_add_text(&o->signer, view, ci->party, strlen(ci->party));
            rc = rc ? rc
                    : itk_jview_add_text(&o->principal, view, ci->principal, strlen(ci->principal));
            rc = rc ? rc
                    : itk_jview_add_text(&o->fingerprint, view, ci->fingerprint,
                                         strlen(ci->fingerprint));
            if (rc)
                return rc;
            git_oid_cpy(&o->id, &ci->id);
            o->time = ci->time;
            o->ok = ci->ok != 0;
            o->recovered = ci->recovered != 0;
            c->norig++;
        }
        for (size_t k = 0; k < ci->nrecords; k++)
            if (json_object_set_new(c->added_by, ci->records[k],
                                    json_integer((json_int_t)(c->norig - 1))) ||
                (ci->is_void && json_object_set_new(c->void_paths, ci->records[k], json_true())))
                return itk_error_nomem();
        if (c->trusted && ci->ok && !ci->is_void) {
            char hex[GIT_OID_HEXSZ + 1];
            git_oid_tostr(hex, sizeof(hex), &ci->id);
            for (size_t k = 0; k < ci->nrecords; k++)
                if (json_object_set_new(c->trusted, ci->records[k], json_string(hex)))
                    return itk_error_nomem();
        }
        if (!ci->party[0] || !ci->ok)
            continue; /* a refused receipt brings nothing in */
        for (size_t k = 0; k < ci->nrecords; k++)
            if (add_arrival(c, ci->party, ci->records[k], ci->time, &ci->id, 0))
                return itk_error_nomem();
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
        json_object_foreach(c->s->parent_of, k, v)
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

static long long arrival_at(const gctx *c, const char *party, const char *path, git_oid *commit,
                            int *backdated)
{
    char key[ITK_PARTY_ID_MAX + 2 + 1024]; /* "<party>|<path>" */
    snprintf(key, sizeof(key), "%s|%s", party, path);
    json_t *v = json_object_get(c->arrivals, key);
    if (!v)
        return -1;
    const arrival *a = &c->arr[json_integer_value(v)];
    if (commit)
        git_oid_cpy(commit, &a->c);
    if (backdated)
        *backdated = a->b;
    return a->t;
}

/* Whether the tree's blob at path is what the last accepted commit adding
 * it wrote (when some commit has a problem; otherwise every record counts). */
static int trusted(const gctx *c, const char *path, const git_oid *blob)
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
    size_t n, apaths, ablobs;
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
    if (itk_array_reserve(&l->paths, &l->apaths, l->n + 1, sizeof(*l->paths)) ||
        itk_array_reserve(&l->blobs, &l->ablobs, l->n + 1, sizeof(*l->blobs)) ||
        !(l->paths[l->n] = itk_strdup(path))) {
        l->rc = ITK_ENOMEM;
        return -1;
    }
    git_oid_cpy(&l->blobs[l->n++], git_tree_entry_id(e));
    return 0;
}

/* The provenance of path: the last commit of the history naming it. */
static int set_origin(gctx *c, itk_snap_rec *r, const char *path)
{
    json_t *v = json_object_get(c->added_by, path);
    r->added_time = -1;
    if (!v)
        return 0;
    const origin *o = &c->orig[json_integer_value(v)];
    r->signer = o->signer;
    r->principal = o->principal;
    r->fingerprint = o->fingerprint;
    git_oid_cpy(&r->added, &o->id);
    r->added_time = o->time;
    r->flags |= (o->ok ? ITK_SNAP_VERIFIED : 0) | (o->recovered ? ITK_SNAP_RECOVERED : 0);
    return 0;
}

/* The verification gathered (gather_commits): its verdicts kept for the
 * cache, the rest let go of before the records are read. */
static int let_go(gctx *c)
{
    int rc = itk_scache_verdicts(&c->verdicts, &c->nverdicts, c->r);
    itk_verify_result_free(c->r);
    c->r = NULL;
    return rc;
}

/* Record i's arrivals on its party's line and its parent's: those it has
 * (an earlier snapshot's: the first arrival counts) and, where it has none,
 * c's. */
static void set_arrivals(gctx *c, itk_snap_rec *r, const char *path)
{
    if (r->t_own < 0)
        r->t_own = arrival_at(c, r->pi.party, path, &r->c_own, NULL);
    const char *parent = json_string_value(json_object_get(c->s->parent_of, r->pi.party));
    int backdated = (r->flags & ITK_SNAP_BACKDATED) != 0;
    if (r->t_up < 0)
        r->t_up = parent ? arrival_at(c, parent, path, NULL, &backdated) : -1;
    if (r->t_up >= 0 && r->t_up < r->t_own) {
        r->t_up = r->t_own; /* received before it was written: not so */
        backdated = 1;
    }
    if (backdated)
        r->flags |= ITK_SNAP_BACKDATED;
}

/* Record r at path, read from its blob into the view, with its arrivals
 * and flags; 1 when it cannot be read (verify's finding: left out). */
static int fill_record(gctx *c, itk_snap_rec *r, const char *path, const git_oid *blob)
{
    itk_snapshot *s = c->s;
    git_blob *b = NULL;
    json_t *rec = NULL;
    memset(r, 0, sizeof(*r));
    r->sup_by = ITK_SNAP_NONE;
    r->t_own = r->t_up = -1;
    itk_path_classify(&r->pi, path);
    if (itk_blob_lookup_bounded(&b, c->repo, blob, ITK_MAX_RECORD_BYTES) ||
        itk_json_parse(&rec, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), path)) {
        git_blob_free(b);
        itk_error_clear();
        return 1; /* unreadable: verify's finding */
    }
    git_blob_free(b);
    git_oid_cpy(&r->blob, blob);
    int rc = itk_jview_add(&r->rec, &s->view, rec);
    json_decref(rec);
    rc = rc ? rc : itk_jview_add_text(&r->path, &s->view, path, strlen(path));
    rc = rc ? rc : set_origin(c, r, path);
    if (rc)
        return rc;
    if (json_object_get(c->void_paths, path))
        r->flags |= ITK_SNAP_VOID; /* V9: a void commit's records do not count */
    if (!trusted(c, path, blob))
        r->flags |= ITK_SNAP_REFUSED; /* nor those of a commit verify refuses */
    r->body = itk_jv_get(&s->view, r->rec, "body");
    set_arrivals(c, r, path);
    return 0;
}

/* Every record of the tree with its arrivals and flags. */
static int gather_records(gctx *c)
{
    itk_snapshot *s = c->s;
    record_list l;
    memset(&l, 0, sizeof(l));
    int rc = 0;
    if (git_tree_walk(c->tree, GIT_TREEWALK_PRE, list_cb, &l) < 0)
        rc = l.rc ? l.rc : itk_error_git("cannot read the tree of %s", s->hex);
    if (!rc && !(s->recs = itk_calloc(l.n, sizeof(*s->recs))))
        rc = ITK_ENOMEM;
    for (size_t i = 0; !rc && i < l.n; i++) {
        rc = fill_record(c, &s->recs[s->n], l.paths[i], &l.blobs[i]);
        if (rc == 1)
            rc = 0;
        else if (!rc)
            s->n++;
    }
    itk_jview_seal(&s->view);
    itk_string_list_free(l.paths, l.n);
    free(l.blobs);
    return rc;
}

/* The index of the record at path among s's n first records (in tree
 * order, which is the byte order of whole paths), or -1. */
static long find_sorted(const itk_snapshot *s, const itk_snap_rec *recs, size_t n, const char *path)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(itk_jv_text(&s->view, recs[mid].path), path);
        if (d == 0)
            return (long)mid;
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* A path the snapshot holds a record of (list_cb). */
static int snap_path(const char *path)
{
    itk_path_info pi;
    if (strncmp(path, "parties/", 8) != 0)
        return 0;
    itk_path_classify(&pi, path);
    return pi.kind == ITK_PATH_RECORD || pi.kind == ITK_PATH_KEY || pi.kind == ITK_PATH_PARTY;
}

/* Adds path and blob to l; ITK_ENOMEM. */
static int list_add(record_list *l, const char *path, const git_oid *blob)
{
    if (itk_array_reserve(&l->paths, &l->apaths, l->n + 1, sizeof(*l->paths)) ||
        itk_array_reserve(&l->blobs, &l->ablobs, l->n + 1, sizeof(*l->blobs)) ||
        !(l->paths[l->n] = itk_strdup(path)))
        return ITK_ENOMEM;
    git_oid_cpy(&l->blobs[l->n++], blob);
    return 0;
}

/* Whether t's entries are in git's order (each before the next), as the
 * trees git writes are; 1 for NULL. */
static int in_order(const git_tree *t)
{
    size_t n = t ? git_tree_entrycount(t) : 0;
    for (size_t i = 1; i < n; i++)
        if (git_tree_entry_cmp(git_tree_entry_byindex(t, i - 1), git_tree_entry_byindex(t, i)) >= 0)
            return 0;
    return 1;
}

/* The records added between the earlier snapshot's tree (before, NULL when
 * the folder is new) and the new one (after), below prefix, into l; only
 * the folders whose ids differ are read. *same becomes 0 when a record of
 * the earlier snapshot changed or left (or a folder did). */
static int tree_added(gctx *c, const itk_snapshot *s, record_list *l, int *same,
                      const git_tree *before, const git_tree *after, const char *prefix, int depth)
{
    char path[1024];
    int rc = 0;
    if (depth > 8) {
        *same = 0; /* deeper than any record: the whole walk decides */
        return 0;
    }
    /* a folder not in git's order (a hostile tree) is walked in its own
     * order by a whole gathering, and looked up by name wrongly here */
    if (!in_order(before) || !in_order(after)) {
        *same = 0;
        return 0;
    }
    for (size_t i = 0; before && *same && i < git_tree_entrycount(before); i++) {
        const git_tree_entry *o = git_tree_entry_byindex(before, i);
        if (!git_tree_entry_byname(after, git_tree_entry_name(o)))
            *same = 0; /* something left: all of it again */
    }
    for (size_t i = 0; !rc && *same && i < git_tree_entrycount(after); i++) {
        const git_tree_entry *e = git_tree_entry_byindex(after, i);
        const git_tree_entry *o =
            before ? git_tree_entry_byname(before, git_tree_entry_name(e)) : NULL;
        if (o && git_oid_equal(git_tree_entry_id(o), git_tree_entry_id(e)) &&
            git_tree_entry_filemode(o) == git_tree_entry_filemode(e))
            continue;
        if ((size_t)snprintf(path, sizeof(path), "%s%s", prefix, git_tree_entry_name(e)) >=
            sizeof(path)) {
            *same = 0;
            break;
        }
        git_object_t te = git_tree_entry_type(e), to = o ? git_tree_entry_type(o) : te;
        if (te != to) {
            *same = 0; /* a file became a folder or the reverse */
        } else if (te == GIT_OBJECT_TREE) {
            git_tree *tb = NULL, *ta = NULL;
            if ((o && git_tree_lookup(&tb, c->repo, git_tree_entry_id(o)) < 0) ||
                git_tree_lookup(&ta, c->repo, git_tree_entry_id(e)) < 0) {
                git_error_clear();
                *same = 0;
            } else {
                size_t len = strlen(path);
                if (len + 1 < sizeof(path)) {
                    path[len] = '/';
                    path[len + 1] = '\0';
                    rc = tree_added(c, s, l, same, tb, ta, path, depth + 1);
                } else {
                    *same = 0;
                }
            }
            git_tree_free(tb);
            git_tree_free(ta);
        } else if (te == GIT_OBJECT_BLOB && snap_path(path)) {
            if (o || find_sorted(s, s->recs, s->n, path) >= 0)
                *same = 0; /* a record that changed (V4 lets the city replace party.json) */
            else
                rc = list_add(l, path, git_tree_entry_id(e)); /* new */
        }
    }
    return rc;
}

/* The records added since the earlier snapshot's commit, into l (*same as
 * tree_added). */
static int records_added(gctx *c, const itk_snapshot *s, const git_oid *earlier, record_list *l,
                         int *same)
{
    git_commit *pc = NULL;
    git_tree *pt = NULL, *before = NULL, *after = NULL;
    const git_tree_entry *eb = NULL, *ea = NULL;
    int rc = 0;
    if (git_commit_lookup(&pc, c->repo, earlier) < 0 || git_commit_tree(&pt, pc) < 0) {
        *same = 0; /* the earlier commit cannot be read: all of it again */
    } else {
        eb = git_tree_entry_byname(pt, "parties");
        ea = git_tree_entry_byname(c->tree, "parties");
        if (eb && git_tree_entry_type(eb) != GIT_OBJECT_TREE)
            eb = NULL;
        if (ea && git_tree_entry_type(ea) != GIT_OBJECT_TREE)
            ea = NULL;
        if (!ea)
            *same = s->n == 0;
        else if (!(eb && git_oid_equal(git_tree_entry_id(eb), git_tree_entry_id(ea)))) {
            if ((eb && git_tree_lookup(&before, c->repo, git_tree_entry_id(eb)) < 0) ||
                git_tree_lookup(&after, c->repo, git_tree_entry_id(ea)) < 0)
                *same = 0;
            else
                rc = tree_added(c, s, l, same, before, after, "parties/", 0);
        }
    }
    git_error_clear();
    git_tree_free(before);
    git_tree_free(after);
    git_tree_free(pt);
    git_commit_free(pc);
    return rc;
}

/* What the new commits bring to a record the earlier snapshot had: a later
 * commit naming it, a void one, an arrival it lacked. */
static int touch_record(gctx *c, itk_snap_rec *recs, size_t n, const unsigned char *fresh,
                        const char *path)
{
    long i = find_sorted(c->s, recs, n, path);
    if (i < 0 || fresh[i])
        return 0; /* not a record, or one read whole */
    itk_snap_rec *r = &recs[i];
    if (json_object_get(c->added_by, path)) {
        r->flags &= ~(ITK_SNAP_VERIFIED | ITK_SNAP_RECOVERED);
        int rc = set_origin(c, r, path);
        if (rc)
            return rc;
    }
    if (json_object_get(c->void_paths, path))
        r->flags |= ITK_SNAP_VOID;
    set_arrivals(c, r, path);
    return 0;
}

/* The snapshot of c's commit from the snapshot of an earlier one (s as the
 * cache held it, prev its history's verdicts): when that history is the
 * start of this one with the same verdicts, every commit is accepted and
 * the parties' parents are the same, only the commits since are gathered
 * and only the records they add (the trees' difference) are read; every
 * other record keeps what it had, but for what the new commits bring to it
 * (touch_record). *done is 0 when that does not hold or a record changed
 * or left (nothing of s changed then but its parents, which the caller
 * reloads). */
static int update_from(gctx *c, const itk_scache_prev *prev, const json_t *old_parents, int *done)
{
    itk_snapshot *s = c->s;
    size_t n = itk_verify_commit_count(c->r);
    *done = 0;
    if (!json_equal((json_t *)old_parents, s->parent_of) || prev->ncommits > n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const itk_commit_info *ci = itk_verify_commit(c->r, i);
        if (!ci->ok)
            return 0; /* records count as accepted commits wrote them: all of it again */
        const unsigned char *v = prev->verdicts + i * ITK_SCACHE_VERDICT_BYTES;
        if (i < prev->ncommits && (memcmp(v, ci->id.id, GIT_OID_RAWSZ) != 0 ||
                                   v[GIT_OID_RAWSZ] != itk_scache_verdict(ci)))
            return 0; /* another history, or a verdict changed (a compromise declared) */
    }
    /* the records in tree order, which a merge of the new ones keeps */
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(itk_jv_text(&s->view, s->recs[i - 1].path),
                   itk_jv_text(&s->view, s->recs[i].path)) >= 0)
            return 0;
    record_list l; /* the paths added */
    itk_snap_rec *recs = NULL;
    unsigned char *fresh = NULL; /* 1: read whole (new) */
    int same = 1;
    memset(&l, 0, sizeof(l));
    int rc = records_added(c, s, &prev->commit, &l, &same);
    for (size_t i = 1; same && i < l.n; i++)
        if (strcmp(l.paths[i - 1], l.paths[i]) >= 0)
            same = 0; /* not in tree order: all of it again */
    /* the verification is let go of once gathered, before the records are read */
    if (!rc && same && !(rc = gather_commits(c, prev->ncommits)))
        rc = let_go(c);
    size_t total = s->n + l.n, nrecs = 0;
    if (!rc && same &&
        (!(recs = itk_calloc(total ? total : 1, sizeof(*recs))) ||
         !(fresh = itk_calloc(total ? total : 1, 1))))
        rc = ITK_ENOMEM;
    /* the earlier records and the new ones merged in tree order */
    for (size_t i = 0, k = 0; !rc && same && (i < s->n || k < l.n);) {
        if (k < l.n &&
            (i == s->n || strcmp(l.paths[k], itk_jv_text(&s->view, s->recs[i].path)) < 0)) {
            rc = fill_record(c, &recs[nrecs], l.paths[k], &l.blobs[k]);
            k++;
            if (rc == 1)
                rc = 0; /* unreadable: left out */
            else if (!rc)
                fresh[nrecs++] = 1;
            continue;
        }
        itk_snap_rec *r = &recs[nrecs++];
        *r = s->recs[i++];
        r->flags &= ~ITK_SNAP_SUPERSEDED;
        r->sup_by = ITK_SNAP_NONE;
    }
    /* what the new commits bring to the records there were */
    const char *key;
    json_t *v;
    if (!rc && same)
        json_object_foreach(c->added_by, key, v)
        {
            if ((rc = touch_record(c, recs, nrecs, fresh, key)))
                break;
        }
    if (!rc && same)
        json_object_foreach(c->void_paths, key, v)
        {
            if ((rc = touch_record(c, recs, nrecs, fresh, key)))
                break;
        }
    if (!rc && same)
        json_object_foreach(c->arrivals, key, v)
        {
            const char *bar = strchr(key, '|');
            if (bar && (rc = touch_record(c, recs, nrecs, fresh, bar + 1)))
                break;
        }
    itk_string_list_free(l.paths, l.n);
    free(l.blobs);
    free(fresh);
    if (rc || !same) {
        free(recs);
        return rc;
    }
    free(s->recs);
    s->recs = recs;
    s->n = nrecs;
    itk_jview_seal(&s->view);
    *done = 1;
    return 0;
}

/* The key of record r in resolve_supersedes, "<type>\x1f<party>\x1f<id>"
 * (id: its own or the one it names), into key (cap bytes); 0 when it does
 * not fit. */
static size_t sup_key(char *key, size_t cap, const itk_snap_rec *r, const char *id)
{
    size_t lt = strlen(r->pi.type->type), lp = strlen(r->pi.party), li = strlen(id);
    if (lt + lp + li + 3 > cap)
        return 0;
    memcpy(key, r->pi.type->type, lt);
    key[lt] = '\x1f';
    memcpy(key + lt + 1, r->pi.party, lp);
    key[lt + 1 + lp] = '\x1f';
    memcpy(key + lt + lp + 2, id, li + 1);
    return lt + lp + li + 2;
}

/* Supersedes resolved among the records that count: a record naming
 * another of its type and party in "supersedes" flags that one. Only the
 * ids some record names are looked for (most records name none). */
static int resolve_supersedes(itk_snapshot *s)
{
    json_t *ids = json_object(); /* "<type>\x1f<party>\x1f<id>" named → index, or null */
    char key[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 80];
    if (!ids)
        return itk_error_nomem();
    for (size_t i = 0; i < s->n; i++) {
        const itk_snap_rec *r = &s->recs[i];
        const char *sup = itk_jv_strget(&s->view, r->rec, "supersedes");
        if (!sup || r->pi.kind != ITK_PATH_RECORD || !r->pi.type || !itk_snapshot_counts(s, i) ||
            !sup_key(key, sizeof(key), r, sup))
            continue;
        if (json_object_set_new(ids, key, json_null())) {
            json_decref(ids);
            return itk_error_nomem();
        }
    }
    if (json_object_size(ids) == 0) {
        json_decref(ids);
        return 0;
    }
    for (size_t i = 0; i < s->n; i++) {
        const itk_snap_rec *r = &s->recs[i];
        if (r->pi.kind != ITK_PATH_RECORD || !r->pi.type || !itk_snapshot_counts(s, i) ||
            !sup_key(key, sizeof(key), r, r->pi.id))
            continue;
        json_t *v = json_object_get(ids, key);
        if (v && json_is_null(v) && json_object_set_new(ids, key, json_integer((json_int_t)i))) {
            json_decref(ids);
            return itk_error_nomem();
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        const itk_snap_rec *r = &s->recs[i];
        const char *sup = itk_jv_strget(&s->view, r->rec, "supersedes");
        if (!sup || r->pi.kind != ITK_PATH_RECORD || !r->pi.type || !itk_snapshot_counts(s, i) ||
            !sup_key(key, sizeof(key), r, sup))
            continue;
        json_t *v = json_object_get(ids, key);
        if (!v || !json_is_integer(v))
            continue;
        itk_snap_rec *old = &s->recs[json_integer_value(v)];
        if (old == r)
            continue;
        old->flags |= ITK_SNAP_SUPERSEDED;
        if (old->sup_by == ITK_SNAP_NONE)
            old->sup_by = (uint32_t)i; /* the first in tree order */
    }
    json_decref(ids);
    return 0;
}

void itk_snapshot_free(itk_snapshot *s)
{
    if (!s)
        return;
    itk_jview_dispose(&s->view);
    free(s->recs);
    json_decref(s->parent_of);
    json_decref(s->by_path);
    json_decref(s->form1_of);
    itk_labels_free(s->labels);
    itk_void_writes_dispose(&s->names_vw);
    for (size_t i = 0; i < s->names.cap; i++)
        if (s->names.used && s->names.used[i])
            free(s->names.values[i]);
    itk_oidmap_free(&s->names);
    free(s);
}

const itk_labels *itk_snapshot_labels(const itk_snapshot *s)
{
    return s->labels;
}

const char *itk_snapshot_labels_note(const itk_snapshot *s)
{
    return s->labels_note;
}

/* The catalog of tree into s; a registry without one (or with one that
 * cannot be read) shows codes, and the note says so once. */
/* 決裁 (DESIGN V12, V9): a decision whose listed seals fall short of its
 * rules once the seals made with a key after its compromise's last_good
 * are dropped does not count (ITK_SNAP_SHORT), whoever merged it; judged
 * as the snapshot's commit records the compromises, so a report made later
 * judges an old decision anew. The void commits are found only when a
 * compromise is recorded and a decision under a rule is here. */
static int mark_short(gctx *c)
{
    itk_snapshot *s = c->s;
    int compromised = 0, ruled = 0;
    for (size_t i = 0; i < s->n; i++) {
        const itk_path_info *pi = &s->recs[i].pi;
        const char *ev = itk_snapshot_body_str(s, i, "event");
        s->recs[i].flags &= ~ITK_SNAP_SHORT;
        if (!pi->type || !itk_snapshot_counts(s, i))
            continue;
        compromised |=
            strcmp(pi->type->type, "key-event") == 0 && ev && strcmp(ev, "compromise") == 0;
        ruled |= strcmp(pi->type->type, "decision") == 0 && itk_snapshot_body_str(s, i, "draft");
    }
    if (!compromised || !ruled)
        return 0;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = itk_void_writes_at(&vw, c->repo, &s->commit);
    for (size_t i = 0; !rc && vw.n && i < s->n; i++) {
        const itk_path_info *pi = &s->recs[i].pi;
        itk_kessai_standing st;
        if (!pi->type || strcmp(pi->type->type, "decision") != 0 || !itk_snapshot_counts(s, i) ||
            !itk_snapshot_body_str(s, i, "draft"))
            continue;
        int src = itk_kessai_decision_standing(&st, c->repo, c->tree, &s->commit,
                                               itk_snapshot_path(s, i), &vw);
        if (src == ITK_ENOMEM)
            rc = src;
        itk_error_clear(); /* what cannot be read is verify's finding */
        if (!src && !st.stands)
            s->recs[i].flags |= ITK_SNAP_SHORT;
    }
    itk_void_writes_dispose(&vw);
    return rc;
}

static void open_labels(itk_snapshot *s, git_repository *repo, const git_tree *tree)
{
    if (itk_labels_open_tree(&s->labels, repo, tree, "ja") != 0)
        snprintf(s->labels_note, sizeof(s->labels_note),
                 "%.200s; codes are shown instead of labels", itk_error_last());
    else if (!s->labels)
        snprintf(s->labels_note, sizeof(s->labels_note),
                 "this registry has no labels catalog (labels/): codes are shown instead of "
                 "Japanese labels; the city adds it with itaku contract upgrade");
    itk_error_clear();
}

/* A handle of its own on the registry's repository for the gathering, so
 * that what libgit2 keeps of the objects read (its object caches) goes
 * with it once the snapshot is made (peak memory, issue 18); c keeps the
 * registry's handle when another cannot be opened. *own is NULL then. Its
 * object database reads no commit-graph, as the registry's (commitgraph.h). */
static void gather_repo(gctx *c, git_repository **own)
{
    git_tree *t = NULL;
    *own = NULL;
    if (git_repository_open(own, git_repository_path(c->repo)) < 0 ||
        itk_repository_commit_graph_off(*own) ||
        git_tree_lookup(&t, *own, git_tree_id(c->tree)) < 0) {
        git_repository_free(*own);
        *own = NULL;
        git_error_clear();
        itk_error_clear();
        return;
    }
    git_tree_free(c->tree);
    c->tree = t;
    c->repo = *own;
}

int itk_snapshot_open(itk_snapshot **out, itk_registry *reg, const char *at)
{
    git_repository *own = NULL;
    itk_snapshot *s = itk_calloc(1, sizeof(*s));
    gctx c;
    git_object *obj = NULL;
    git_commit *commit = NULL;
    json_t *contract = NULL;
    char key[65];
    itk_scache_prev prev;
    json_t *old_parents = NULL;
    int rc = 0;
    *out = NULL;
    memset(&c, 0, sizeof(c));
    memset(&prev, 0, sizeof(prev));
    if (!s)
        return ITK_ENOMEM;
    if (!(s->parent_of = json_object()))
        goto nomem;
    c.s = s;
    c.repo = reg->repo;
    s->repo = reg->repo;
    const char *rev = at ? at : "HEAD";
    if (git_revparse_single(&obj, c.repo, rev) < 0 ||
        git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
        git_error_clear();
        rc = itk_error_set(ITK_ENOTFOUND,
                           "'%.64s' names no commit here: give a commit, a branch or HEAD", rev);
        goto done;
    }
    git_oid_cpy(&s->commit, git_commit_id(commit));
    git_oid_tostr(s->hex, sizeof(s->hex), &s->commit);
    if (git_commit_tree(&c.tree, commit) < 0) {
        rc = itk_error_git("cannot read the tree of %s", s->hex);
        goto done;
    }
    if ((rc = itk_registry_contract(&contract, reg, c.tree)) ||
        (rc = itk_timezone_offset(&s->offset,
                                  json_string_value(json_object_get(contract, "timezone")))))
        goto done;
    itk_copy_utf8(s->contract_id, sizeof(s->contract_id),
                  json_string_value(json_object_get(contract, "contract_id")));
    itk_copy_utf8(s->contract_title, sizeof(s->contract_title),
                  json_string_value(json_object_get(contract, "title")));
    open_labels(s, c.repo, c.tree);
    if ((rc = itk_scache_key(key, c.repo, &s->commit)))
        goto done;
    int hit = itk_scache_load(s, c.repo, key, &prev);
    if (hit == 1)
        goto done; /* DESIGN §9: gathered once per commit and set of refs */
    if (hit == 2) {
        /* the snapshot of an earlier commit: its parents aside, for update_from */
        old_parents = s->parent_of;
        if (!(s->parent_of = json_object()))
            goto nomem;
    }
    gather_repo(&c, &own);
    c.arrivals = json_object();
    c.void_paths = json_object();
    c.added_by = json_object();
    if (!c.arrivals || !c.void_paths || !c.added_by)
        goto nomem;
    const char *revs[] = {s->hex};
    /* verified on the gathering's handle too: what libgit2 keeps of the
     * commits it reads goes with it (peak memory, issue 18) */
    itk_registry on = *reg;
    on.repo = c.repo;
    if ((rc = load_parents(&c)) || (rc = itk_verify_run(&c.r, &on, revs, 1, NULL)))
        goto done;
    int updated = 0;
    if (hit == 2 && (rc = update_from(&c, &prev, old_parents, &updated)))
        goto done;
    if (!updated) {
        /* from nothing: every commit's facts, every record read */
        itk_jview_dispose(&s->view);
        free(s->recs);
        s->recs = NULL;
        s->n = 0;
        json_object_clear(c.arrivals);
        c.narr = 0;
        json_object_clear(c.void_paths);
        json_object_clear(c.added_by);
        json_decref(c.trusted);
        c.trusted = NULL;
        c.norig = 0;
        if ((rc = itk_jview_init(&s->view)) || (rc = gather_commits(&c, 0)) || (rc = let_go(&c)) ||
            (rc = gather_records(&c)))
            goto done;
    }
    if ((rc = resolve_supersedes(s)) || (rc = mark_short(&c)))
        goto done;
    /* what the gathering needed is let go of before the file is written */
    json_decref(c.arrivals);
    json_decref(c.void_paths);
    json_decref(c.trusted);
    json_decref(c.added_by);
    c.arrivals = c.void_paths = c.trusted = c.added_by = NULL;
    free(c.arr);
    c.arr = NULL;
    free(c.orig);
    c.orig = NULL;
    git_tree_free(c.tree);
    c.tree = NULL;
    git_repository_free(own);
    own = NULL;
    c.repo = reg->repo;
#ifdef __GLIBC__
    /* what gathering every record freed goes back to the system before the
     * file is written and the views allocate their own (peak memory, issue
     * 18); an update from the earlier snapshot frees little */
    if (!updated)
        malloc_trim(0);
#endif
    itk_scache_save(s, c.repo, key, c.verdicts, c.nverdicts);
    goto done;
nomem:
    rc = itk_error_nomem();
done:
    free(prev.verdicts);
    json_decref(old_parents);
    free(c.arr);
    json_decref(c.arrivals);
    json_decref(c.void_paths);
    json_decref(c.trusted);
    json_decref(c.added_by);
    json_decref(contract);
    itk_verify_result_free(c.r);
    free(c.orig);
    free(c.verdicts);
    git_tree_free(c.tree);
    git_repository_free(own);
    git_commit_free(commit);
    git_object_free(obj);
    if (rc)
        itk_snapshot_free(s);
    else
        *out = s;
    return rc;
}

/* --- reading ---------------------------------------------------------------- */

const char *itk_snapshot_commit(const itk_snapshot *s)
{
    return s->hex;
}

int itk_snapshot_offset(const itk_snapshot *s)
{
    return s->offset;
}

const char *itk_snapshot_contract(const itk_snapshot *s, const char *key)
{
    const char *v = strcmp(key, "contract_id") == 0 ? s->contract_id
                    : strcmp(key, "title") == 0     ? s->contract_title
                                                    : "";
    return *v ? v : NULL;
}

size_t itk_snapshot_count(const itk_snapshot *s)
{
    return s->n;
}

const char *itk_snapshot_path(const itk_snapshot *s, size_t i)
{
    return i < s->n ? itk_jv_text(&s->view, s->recs[i].path) : NULL;
}

const itk_path_info *itk_snapshot_info(const itk_snapshot *s, size_t i)
{
    return i < s->n ? &s->recs[i].pi : NULL;
}

unsigned itk_snapshot_flags(const itk_snapshot *s, size_t i)
{
    return i < s->n ? s->recs[i].flags : 0;
}

int itk_snapshot_counts(const itk_snapshot *s, size_t i)
{
    return i < s->n && !(s->recs[i].flags & (ITK_SNAP_VOID | ITK_SNAP_REFUSED | ITK_SNAP_SHORT));
}

long itk_snapshot_superseded_by(const itk_snapshot *s, size_t i)
{
    return i < s->n && s->recs[i].sup_by != ITK_SNAP_NONE ? (long)s->recs[i].sup_by : -1;
}

long long itk_snapshot_arrival(const itk_snapshot *s, size_t i, const char *party,
                               char commit[GIT_OID_HEXSZ + 1])
{
    if (i >= s->n || !party)
        return -1;
    const itk_snap_rec *r = &s->recs[i];
    if (strcmp(party, r->pi.party) == 0) {
        if (commit)
            git_oid_tostr(commit, GIT_OID_HEXSZ + 1, &r->c_own);
        return r->t_own;
    }
    const char *parent = itk_snapshot_parent(s, r->pi.party);
    return parent && strcmp(parent, party) == 0 ? r->t_up : -1;
}

void itk_snapshot_origin_get(itk_snapshot_origin *out, const itk_snapshot *s, size_t i)
{
    memset(out, 0, sizeof(*out));
    out->time = -1;
    if (i >= s->n || s->recs[i].added_time < 0)
        return;
    const itk_snap_rec *r = &s->recs[i];
    git_oid_tostr(out->commit, sizeof(out->commit), &r->added);
    out->time = r->added_time;
    itk_format_time(out->date, r->added_time, s->offset);
    itk_copy_utf8(out->party, sizeof(out->party), itk_jv_text(&s->view, r->signer));
    itk_copy_utf8(out->principal, sizeof(out->principal), itk_jv_text(&s->view, r->principal));
    itk_copy_utf8(out->fingerprint, sizeof(out->fingerprint),
                  itk_jv_text(&s->view, r->fingerprint));
    out->verified = (r->flags & ITK_SNAP_VERIFIED) != 0;
    out->is_void = (r->flags & ITK_SNAP_VOID) != 0;
    out->recovered = (r->flags & ITK_SNAP_RECOVERED) != 0;
}

const char *itk_snapshot_str(const itk_snapshot *s, size_t i, const char *key)
{
    return i < s->n ? itk_jv_strget(&s->view, s->recs[i].rec, key) : NULL;
}

const char *itk_snapshot_body_str(const itk_snapshot *s, size_t i, const char *key)
{
    return i < s->n ? itk_jv_strget(&s->view, s->recs[i].body, key) : NULL;
}

static json_t *to_json(const itk_jview *v, itk_jref ref, int depth)
{
    const itk_jnode *n = &v->nodes[ref];
    json_t *out = NULL;
    if (depth > 64)
        return NULL;
    switch (n->type) {
    case ITK_JV_NULL: return json_null();
    case ITK_JV_FALSE: return json_false();
    case ITK_JV_TRUE: return json_true();
    case ITK_JV_INT: return json_integer((json_int_t)itk_jv_int(v, ref));
    case ITK_JV_REAL: {
        uint64_t bits = (uint64_t)n->a << 32 | n->b;
        double d;
        memcpy(&d, &bits, sizeof(d));
        return json_real(d);
    }
    case ITK_JV_STR: return json_stringn(itk_jv_text(v, n->a), n->b);
    case ITK_JV_ARR:
        if (!(out = json_array()))
            return NULL;
        for (uint32_t k = 0; k < n->b; k++) {
            json_t *x = to_json(v, n->a + k, depth + 1);
            if (!x || json_array_append_new(out, x)) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    case ITK_JV_OBJ:
        if (!(out = json_object()))
            return NULL;
        for (uint32_t k = 0; k < n->b; k++) {
            json_t *x = to_json(v, n->a + k, depth + 1);
            if (!x || json_object_set_new(out, itk_jv_text(v, v->nodes[n->a + k].key), x)) {
                json_decref(out);
                return NULL;
            }
        }
        return out;
    default: return NULL;
    }
}

int itk_snapshot_json(json_t **out, const itk_snapshot *s, size_t i)
{
    *out = i < s->n ? to_json(&s->view, s->recs[i].rec, 0) : NULL;
    return *out ? 0 : itk_error_nomem();
}

int itk_snapshot_find(size_t *i, const itk_snapshot *s, const char *path)
{
    itk_snapshot *w = (itk_snapshot *)s; /* the index is built on first use */
    if (!w->by_path) {
        if (!(w->by_path = json_object()))
            return itk_error_nomem();
        for (size_t k = 0; k < s->n; k++)
            if (json_object_set_new(w->by_path, itk_snapshot_path(s, k),
                                    json_integer((json_int_t)k))) {
                json_decref(w->by_path);
                w->by_path = NULL;
                return itk_error_nomem();
            }
    }
    json_t *v = json_object_get(s->by_path, path ? path : "");
    if (!v)
        return itk_error_set(ITK_ENOTFOUND, "%.200s is not a record of %s that can be read",
                             path ? path : "", s->hex);
    *i = (size_t)json_integer_value(v);
    return 0;
}

/* The number of a record id "<prefix>-NNNNNN", -1 when it has none. */
static long id_number(const char *id)
{
    const char *dash = id ? strrchr(id, '-') : NULL;
    char *end = NULL;
    long n = dash && dash[1] >= '0' && dash[1] <= '9' ? strtol(dash + 1, &end, 10) : -1;
    return end && *end == 0 ? n : -1;
}

long itk_snapshot_form1(const itk_snapshot *s, const char *party)
{
    itk_snapshot *w = (itk_snapshot *)s; /* the index is built on first use */
    if (!w->form1_of) {
        if (!(w->form1_of = json_object()))
            return -1;
        /* the one written last: ids are given in the order written (the
         * next free one, ids.h), as readers of key events and amendments
         * take the highest id; the date a form claims (created) is typed,
         * and a form 1 may be filed late or back-dated */
        for (size_t i = 0; i < s->n; i++) {
            const itk_path_info *pi = &s->recs[i].pi;
            if (pi->kind != ITK_PATH_RECORD || !pi->type || strcmp(pi->type->type, "form1") != 0 ||
                !itk_snapshot_counts(s, i))
                continue;
            json_t *best = json_object_get(w->form1_of, pi->party);
            const itk_path_info *bi = best ? &s->recs[json_integer_value(best)].pi : NULL;
            long n = id_number(pi->id), bn = bi ? id_number(bi->id) : -1;
            if ((!best || n > bn || (n == bn && strcmp(pi->id, bi->id) > 0)) &&
                json_object_set_new_nocheck(w->form1_of, pi->party, json_integer((json_int_t)i))) {
                json_decref(w->form1_of);
                w->form1_of = NULL;
                return -1;
            }
        }
    }
    json_t *v = json_object_get(s->form1_of, party ? party : "");
    return v ? (long)json_integer_value(v) : -1;
}

const char *itk_snapshot_parent(const itk_snapshot *s, const char *party)
{
    return json_string_value(json_object_get(s->parent_of, party ? party : ""));
}

int itk_parents_in_scope(const json_t *parent_of, const char *party, const char *only)
{
    if (!only)
        return 1;
    /* bounded: party files that name each other in a circle end here */
    for (int hops = 0; party && hops <= 2 * ITK_MAX_CHAIN + 2; hops++) {
        if (strcmp(party, only) == 0)
            return 1;
        party = json_string_value(json_object_get(parent_of, party));
    }
    return 0;
}

int itk_snapshot_in_scope(const itk_snapshot *s, const char *party, const char *only)
{
    return itk_parents_in_scope(s->parent_of, party, only);
}

int itk_snapshot_void_writes(const itk_void_writes **out, const itk_snapshot *s)
{
    itk_snapshot *w = (itk_snapshot *)s; /* found once, on first use */
    *out = &w->names_vw;
    if (w->names_vw_done || !s->repo)
        return 0;
    int rc = itk_void_writes_at(&w->names_vw, s->repo, &s->commit);
    if (!rc)
        w->names_vw_done = 1;
    return rc;
}

/* The name s->names holds of party's principal at commit, NULL when none. */
static const char *name_known(const itk_snapshot *s, const git_oid *commit, const char *party,
                              const char *principal)
{
    const char *k = s->names.cap ? itk_oidmap_get(&s->names, commit) : NULL;
    if (!k || strcmp(k, party) != 0)
        return NULL;
    k += strlen(k) + 1;
    return strcmp(k, principal) == 0 ? k + strlen(k) + 1 : NULL;
}

/* Keeps name as party's principal's at commit in s->names; ITK_ENOMEM. */
static int name_keep(const itk_snapshot *s, const git_oid *commit, const char *party,
                     const char *principal, const itk_buf *name)
{
    itk_snapshot *w = (itk_snapshot *)s; /* kept for the snapshot's life */
    size_t lp = strlen(party), lq = strlen(principal);
    char *k = malloc(lp + lq + name->size + 3);
    if (!k || (!w->names.cap && itk_oidmap_init(&w->names))) {
        free(k);
        return ITK_ENOMEM;
    }
    memcpy(k, party, lp + 1);
    memcpy(k + lp + 1, principal, lq + 1);
    if (name->size)
        memcpy(k + lp + lq + 2, name->ptr, name->size);
    k[lp + lq + 2 + name->size] = '\0';
    free(itk_oidmap_get(&w->names, commit));
    if (itk_oidmap_set(&w->names, commit, k)) {
        free(k);
        return ITK_ENOMEM;
    }
    return 0;
}

int itk_snapshot_name_memo(itk_buf *out, const itk_snapshot *s, itk_name_memo *m,
                           const git_oid *commit, const char *party, const char *principal)
{
    const char *known = party && principal ? name_known(s, commit, party, principal) : NULL;
    itk_buf_clear(out);
    if (known)
        return itk_buf_puts(out, known);
    int rc = itk_principal_name_memo(out, m, s->repo, commit, party, principal);
    return rc || !party || !principal ? rc : name_keep(s, commit, party, principal, out);
}

int itk_snapshot_signer_name(itk_buf *out, const itk_snapshot *s, size_t i)
{
    itk_snapshot_origin o;
    git_oid id;
    itk_buf_clear(out);
    itk_snapshot_origin_get(&o, s, i);
    if (!s->repo || !o.commit[0] || git_oid_fromstr(&id, o.commit) < 0)
        return 0;
    const char *known = name_known(s, &id, o.party, o.principal);
    if (known)
        return itk_buf_puts(out, known);
    const itk_void_writes *vw = NULL;
    int rc = itk_snapshot_void_writes(&vw, s);
    if (rc)
        return rc;
    git_commit *c = NULL;
    git_tree *t = NULL;
    if (git_commit_lookup(&c, s->repo, &id) < 0 || git_commit_tree(&t, c) < 0) {
        git_commit_free(c);
        return itk_error_git("cannot read commit %s", o.commit);
    }
    rc = itk_principal_attr_counted(out, s->repo, t, vw, o.party, o.principal, "name");
    git_tree_free(t);
    git_commit_free(c);
    return rc ? rc : name_keep(s, &id, o.party, o.principal, out);
}
