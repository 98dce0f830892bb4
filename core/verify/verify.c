/* `itaku verify`: walks every commit reachable from the registry's refs,
 * oldest first, and applies the rules of policy.c to each. */
#include "alloc.h"
#include "array.h"
#include "canon_cache.h"
#include "itaku/errors.h"
#include "registry_priv.h"
#include "objsize.h"
#include "policy_priv.h"
#include "rules_digest.h"
#include "vobject.h"
#include "vcache.h"
#include "vdiff.h"
#include "verify_priv.h"
#include "vorder.h"
#include "vpresent.h"
#include "vtip.h"
#include "vwalk.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static void read_pins(itk_verify_result *r, git_repository *repo, const itk_verify_options *o)
{
    git_config *cfg = NULL;
    const char *v;
    git_repository_config_snapshot(&cfg, repo);
    if (o && o->genesis)
        snprintf(r->genesis, sizeof(r->genesis), "%s", o->genesis);
    else if (cfg && git_config_get_string(&v, cfg, "itaku.genesis") == 0)
        snprintf(r->genesis, sizeof(r->genesis), "%s", v);
    if (o && o->city_key)
        snprintf(r->city_key, sizeof(r->city_key), "%s", o->city_key);
    else if (cfg && git_config_get_string(&v, cfg, "itaku.cityKey") == 0)
        snprintf(r->city_key, sizeof(r->city_key), "%s", v);
    git_config_free(cfg);
    itk_error_clear();
    r->pinned = r->genesis[0] && r->city_key[0];
}

/* A policy context over repo whose problems go to r; policy_dispose frees it
 * (also after a failed init). */
static int policy_init(itk_policy *p, git_repository *repo, itk_verify_result *r)
{
    int rc;
    memset(p, 0, sizeof(*p));
    p->repo = repo;
    p->result = r;
    p->genesis = r->genesis;
    p->city_key = r->city_key;
    if ((rc = itk_oidmap_init(&p->commits)) || (rc = itk_oidmap_init(&p->receipts)) ||
        (rc = itk_oidmap_init(&p->merges)) || (rc = itk_oidmap_init(&p->signed_by)) ||
        (rc = itk_vtrees_init(&p->trees)) || (rc = itk_vkeys_init(&p->keys)))
        return rc;
    return 0;
}

/* V8's receipts state along each line, which the cache does not keep: let
 * go of once the walk and V9 after it are done (peak memory, issue 18). */
static void receipts_free(itk_policy *p)
{
    while (p->allocated) {
        itk_receipts *next = p->allocated->next_allocated;
        free(p->allocated);
        p->allocated = next;
    }
    itk_oidmap_free(&p->receipts);
}

/* r's commits without room for more: the walk made room by doubling. */
static void commits_fit(itk_verify_result *r)
{
    itk_commit_info *fit = r->ncommits && r->ncommits < r->acommits
                               ? realloc(r->commits, r->ncommits * sizeof(*fit))
                               : NULL;
    if (fit) {
        r->commits = fit;
        r->acommits = r->ncommits;
    }
}

static void policy_dispose(itk_policy *p)
{
    receipts_free(p);
    itk_oidmap_free(&p->commits);
    itk_oidmap_free(&p->signed_by);
    itk_vmerge_memo_free(&p->merges);
    itk_vgraph_free(&p->graph);
    itk_vtrees_free(&p->trees);
    itk_vkeys_free(&p->keys);
    itk_vschemas_free(&p->schemas);
    itk_vsigs_free(p->sigs);
    free(p->pairs);
    free(p->compromises);
    itk_void_writes_dispose(&p->void_writes);
    free(p->void_keys);
    free(p->void_origins);
    free(p->voids);
}

/* Adds id to the tips (*starts, *n). 0 or ITK_ENOMEM. */
static int start_add(git_oid **starts, size_t *n, const git_oid *id)
{
    for (size_t i = 0; i < *n; i++)
        if (git_oid_equal(&(*starts)[i], id))
            return 0;
    git_oid *ns = itk_realloc_array(*starts, *n + 1, sizeof(*ns));
    if (!ns)
        return ITK_ENOMEM;
    ns[(*n)++] = *id;
    *starts = ns;
    return 0;
}

/* V9 needs every compromise known anywhere before the walk: a commit is void
 * when any tip we hold says its key was compromised before it. */
static int tips_collect(itk_policy *p, git_oid **starts, size_t *nstarts, const char **revs,
                        size_t nrevs)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    /* the refs share most folders: each is read once (registry_priv.h) */
    itk_oidmap seen;
    int rc = itk_oidmap_init(&seen);
    for (size_t i = 0; !rc && revs && i < nrevs; i++) {
        git_object *tree = NULL;
        git_reference *named = NULL;
        git_oid id;
        /* the rev's commit, read only when its header says it is within what V10
         * allows (a larger one is refused and names no compromise) */
        int found = git_reference_dwim(&named, p->repo, revs[i]) == 0
                        ? git_reference_name_to_id(&id, p->repo, git_reference_name(named)) == 0
                        : git_revparse_single(&tree, p->repo, revs[i]) == 0;
        if (found && tree)
            id = *git_object_id(tree);
        git_object_free(tree);
        git_reference_free(named);
        tree = NULL;
        if (found &&
            itk_object_size(NULL, p->repo, &id, GIT_OBJECT_ANY, ITK_VOBJECT_MAX_COMMIT_BYTES) ==
                0 &&
            git_object_lookup(&tree, p->repo, &id, GIT_OBJECT_ANY) == 0) {
            git_object *t = NULL;
            if (git_object_peel(&t, tree, GIT_OBJECT_TREE) == 0 &&
                !(rc = itk_compromises_collect_seen(&p->compromises, &p->ncompromises, p->repo,
                                                    (git_tree *)t, &seen)) &&
                git_object_type(tree) == GIT_OBJECT_COMMIT)
                rc = start_add(starts, nstarts, &id);
            git_object_free(t);
        }
        git_object_free(tree);
    }
    if (git_reference_iterator_new(&it, p->repo) < 0) {
        itk_oidmap_free(&seen);
        return rc;
    }
    while (!rc && git_reference_next(&ref, it) == 0) {
        git_object *t = NULL;
        git_reference *res = NULL;
        /* what a ref points at is read only when its header says it is small (V11
         * names it otherwise) */
        git_object *c = NULL;
        int small = git_reference_resolve(&res, ref) == 0 &&
                    itk_object_size(NULL, p->repo, git_reference_target(res), GIT_OBJECT_ANY,
                                    ITK_VOBJECT_MAX_COMMIT_BYTES) == 0;
        git_reference_free(res);
        if (small && git_reference_peel(&t, ref, GIT_OBJECT_TREE) == 0)
            rc = itk_compromises_collect_seen(&p->compromises, &p->ncompromises, p->repo,
                                              (git_tree *)t, &seen);
        if (!rc && small && git_reference_peel(&c, ref, GIT_OBJECT_COMMIT) == 0)
            rc = start_add(starts, nstarts, git_object_id(c));
        git_object_free(c);
        git_object_free(t);
        git_reference_free(ref);
    }
    git_reference_iterator_free(it);
    itk_oidmap_free(&seen);
    itk_error_clear();
    return rc;
}

/* V9 before the walk: the void commits of the compromises every tip names
 * (p->void_writes), and the key events they wrote, which do not count
 * (p->keys.void_events): a stolen key's retirement of another key, its
 * recovery or confirmation, and its report of another key compromised.
 * Which reports count, when keys report each other, is
 * itk_void_writes_resolved's to say (the views ask it too): p->compromises
 * keeps those alone. */
static int void_events_collect(itk_policy *p, const git_oid *starts, size_t n)
{
    itk_compromise *counted = NULL;
    size_t ncounted = 0;
    int rc = itk_void_writes_resolved(&p->void_writes, &counted, &ncounted, p->repo, starts, n);
    if (!rc) {
        free(p->compromises);
        p->compromises = counted;
        p->ncompromises = ncounted;
    }
    /* what each void commit wrote, remembered by the void walk's cache (or
     * its diff with its parent) */
    for (size_t i = 0; !rc && i < p->void_writes.n; i++) {
        const itk_void_change *ch;
        size_t nch;
        if ((rc = itk_void_writes_changes(&p->void_writes, i, &ch, &nch)) == ITK_EGIT) {
            itk_error_clear();
            rc = 0;
            continue;
        }
        for (size_t j = 0; !rc && j < nch; j++)
            if (ch[j].status == GIT_DELTA_ADDED && strncmp(ch[j].path, "parties/", 8) == 0 &&
                strstr(ch[j].path, "/key-events/") &&
                itk_void_writes_writer(&p->void_writes, p->void_writes.w[i].tree, ch[j].path))
                rc = itk_oidmap_set(&p->keys.void_events, &ch[j].id, (void *)1);
    }
    p->keys.vw = &p->void_writes;
    return rc;
}

/* The compromises every tip names, and what their void commits wrote. */
static int collect_compromises(itk_policy *p, const char **revs, size_t nrevs)
{
    git_oid *starts = NULL;
    size_t n = 0;
    int rc = tips_collect(p, &starts, &n, revs, nrevs);
    if (!rc && p->ncompromises)
        rc = void_events_collect(p, starts, n);
    free(starts);
    return rc;
}

/* --- the verdict at the tip (vtip.h) ------------------------------------------ */

/* Ref's commit's tree, and the tree's height when this run found it
 * canonical (0 when not known or the commit cannot be read). */
static void tip_tree(itk_vtip_ref *ref, git_repository *repo, const itk_vtrees *trees)
{
    git_commit *c = NULL;
    if (git_commit_lookup(&c, repo, &ref->id) == 0) {
        uintptr_t h = (uintptr_t)itk_oidmap_get(&trees->heights, git_commit_tree_id(c));
        ref->tree = *git_commit_tree_id(c);
        ref->height = h >= 1 && h <= ITK_VTREES_MAX_DEPTH ? (unsigned)h : 0;
    }
    git_commit_free(c);
    git_error_clear();
}

/* Who signed ref's commit: one this run checked (p's result), or one the
 * summary t (may be NULL) kept the signer of; "" when neither. */
static void tip_signer(itk_vtip_ref *ref, const itk_policy *p, const itk_vtip *t)
{
    size_t idx = (size_t)(uintptr_t)itk_oidmap_get(&p->commits, &ref->id);
    const char *party = "", *principal = "";
    if (idx && idx <= p->result->ncommits) {
        party = p->result->commits[idx - 1].party;
        principal = p->result->commits[idx - 1].principal;
    }
    for (size_t i = 0; !idx && t && i < t->nrefs; i++)
        if (t->refs[i].party[0] && git_oid_equal(&t->refs[i].id, &ref->id)) {
            party = t->refs[i].party;
            principal = t->refs[i].principal;
            break;
        }
    snprintf(ref->party, sizeof(ref->party), "%s", party);
    snprintf(ref->principal, sizeof(ref->principal), "%s", principal);
}

/* ref's V8 state from p (v8 0 when p has none for its commit, or too many
 * receipts). 0 or ITK_ENOMEM. */
static int ref_state(itk_vtip_ref *ref, const itk_policy *p)
{
    const char *rv, *pt;
    git_oid tip;
    size_t n = 0;
    free(ref->receipts);
    ref->receipts = NULL;
    ref->nreceipts = 0;
    ref->v8 = 0;
    if (!itk_oidmap_has(&p->receipts, &ref->id))
        return 0;
    while (n <= ITK_VTIP_MAX_RECEIPTS && itk_policy_receipts_at(p, &ref->id, n, &rv, &pt, &tip))
        n++;
    if (n > ITK_VTIP_MAX_RECEIPTS)
        return 0;
    if (n && !(ref->receipts = itk_calloc(n, sizeof(*ref->receipts))))
        return ITK_ENOMEM;
    for (size_t i = 0; i < n && itk_policy_receipts_at(p, &ref->id, i, &rv, &pt, &tip); i++) {
        snprintf(ref->receipts[i].receiver, sizeof(ref->receipts[i].receiver), "%s", rv);
        snprintf(ref->receipts[i].party, sizeof(ref->receipts[i].party), "%s", pt);
        ref->receipts[i].tip = tip;
    }
    ref->nreceipts = n;
    ref->v8 = 1;
    return 0;
}

/* ref's V8 state (when the summary knows it) as p's state at its commit.
 * 0 or ITK_ENOMEM (a state naming a receiver and party twice is left
 * unknown). */
static int ref_state_load(itk_policy *p, const itk_vtip_ref *ref)
{
    size_t n = ref->nreceipts;
    if (!ref->v8 || itk_oidmap_has(&p->receipts, &ref->id))
        return 0;
    char(*rv)[ITK_PARTY_ID_MAX + 1] = itk_calloc(n ? n : 1, sizeof(*rv));
    char(*pt)[ITK_PARTY_ID_MAX + 1] = itk_calloc(n ? n : 1, sizeof(*pt));
    git_oid *tips = itk_calloc(n ? n : 1, sizeof(*tips));
    int rc = rv && pt && tips ? 0 : ITK_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        memcpy(rv[i], ref->receipts[i].receiver, sizeof(rv[i]));
        memcpy(pt[i], ref->receipts[i].party, sizeof(pt[i]));
        tips[i] = ref->receipts[i].tip;
    }
    rc = rc ? rc : itk_policy_receipts_put(p, &ref->id, n, rv, pt, tips);
    free(rv);
    free(pt);
    free(tips);
    return rc == ITK_EINVALID ? 0 : rc;
}

/* After a clean walk of every ref: the summary the next verify starts from,
 * with V8's state at each ref when the walk's receipts are complete (receipts
 * nonzero). Not written when a ref names what the walk did not see (it moved
 * since, or names a tag): the summary's refs are commits it holds. */
static void tip_record(itk_policy *p, const itk_verify_result *r, git_repository *repo,
                       const char *root, int receipts)
{
    itk_vtip t;
    git_oid *ids = r->ncommits ? itk_calloc(r->ncommits, sizeof(*ids)) : NULL;
    size_t nvoids = 0;
    memset(&t, 0, sizeof(t));
    snprintf(t.rules, sizeof(t.rules), "%s", ITK_RULES_DIGEST);
    snprintf(t.genesis, sizeof(t.genesis), "%s", r->genesis);
    snprintf(t.city_key, sizeof(t.city_key), "%s", r->city_key);
    for (size_t i = 0; i < r->ncommits; i++)
        nvoids += r->commits[i].is_void && r->commits[i].ok;
    if (!ids || itk_vtip_refs_read(&t.refs, &t.nrefs, repo) ||
        (nvoids && !(t.voids = itk_calloc(nvoids, sizeof(*t.voids)))) ||
        (p->nvoid_keys && (!(t.vkeys = itk_calloc(p->nvoid_keys, sizeof(*t.vkeys))) ||
                           !(t.vorigins = itk_calloc(p->nvoid_keys, sizeof(*t.vorigins))))))
        goto done;
    for (size_t i = 0; i < t.nrefs; i++) {
        if (!itk_oidmap_has(&p->commits, &t.refs[i].id) || (receipts && ref_state(&t.refs[i], p)))
            goto done;
        tip_tree(&t.refs[i], repo, &p->trees);
        tip_signer(&t.refs[i], p, NULL);
    }
    for (size_t i = 0; i < r->ncommits; i++) {
        const itk_commit_info *ci = &r->commits[i];
        ids[i] = ci->id;
        if (ci->is_void && ci->ok) {
            itk_vtip_void *v = &t.voids[t.nvoids++];
            v->id = ci->id;
            snprintf(v->party, sizeof(v->party), "%s", ci->party);
            snprintf(v->principal, sizeof(v->principal), "%s", ci->principal);
        }
    }
    for (; t.nvkeys < p->nvoid_keys; t.nvkeys++) {
        snprintf(t.vkeys[t.nvkeys], sizeof(t.vkeys[0]), "%s", p->void_keys[t.nvkeys]);
        snprintf(t.vorigins[t.nvkeys], sizeof(t.vorigins[0]), "%s", p->void_origins[t.nvkeys]);
    }
    if (itk_vtip_add_ids(&t, ids, r->ncommits) == 0)
        itk_vtip_save(&t, repo, root);
done:
    free(ids);
    itk_vtip_dispose(&t);
    itk_error_clear();
}

/* The record types a new commit may add for the verdict at the tip to take
 * it on: none that names keys, compromises, settings or another party's
 * work (a key event, a key, party.json, an endorsement, a decision, a draft,
 * a seal, an amendment), so that the state the walk ended in is the state
 * after it. */
static const char *const tip_plain_types[] = {"form1",      "form2",    "register", "form4",
                                              "form5",      "incident", "request",  "instruction",
                                              "inspection", "ack",      NULL};

/* Is d a plain record (or attachment) that party's commit adds under its
 * own folder? */
static int tip_plain_add(const itk_vdelta *d, const char *party)
{
    itk_path_info pi;
    if (d->status != GIT_DELTA_ADDED || d->new_mode != GIT_FILEMODE_BLOB || !d->new_path ||
        !party[0])
        return 0;
    itk_path_classify(&pi, d->new_path);
    if (strcmp(pi.party, party) != 0)
        return 0;
    if (pi.kind == ITK_PATH_ATTACHMENT)
        return 1;
    for (size_t k = 0; pi.kind == ITK_PATH_RECORD && pi.type && tip_plain_types[k]; k++)
        if (strcmp(pi.type->type, tip_plain_types[k]) == 0)
            return 1;
    return 0;
}

/* Did new commit c, checked as ci without a problem, only add plain records
 * of its signer's party (tip_plain_add), at least one? 1 or 0. */
static int tip_only_plain(itk_policy *p, const git_commit *c, const itk_commit_info *ci)
{
    git_commit *parent = NULL;
    git_tree *base = NULL, *tree = NULL;
    itk_vdelta *d = NULL;
    size_t n = 0;
    git_diff_options o;
    git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
    o.flags |= GIT_DIFF_INCLUDE_TYPECHANGE;
    int plain = ci->ok && !ci->is_void && !ci->recovered && !ci->received[0] &&
                git_commit_parentcount(c) == 1 && git_commit_parent(&parent, c, 0) == 0 &&
                git_commit_tree(&base, parent) == 0 && git_commit_tree(&tree, c) == 0 &&
                itk_vdiff_trees(&d, &n, &p->trees, p->repo, base, tree, &o,
                                ITK_MAX_FILES_PER_COMMIT) == 0 &&
                n > 0;
    for (size_t i = 0; plain && i < n; i++)
        plain = tip_plain_add(&d[i], ci->party);
    itk_vdiff_free(d, n);
    git_tree_free(tree);
    git_tree_free(base);
    git_commit_free(parent);
    git_error_clear();
    itk_error_clear();
    return plain;
}

/* A new commit of the verdict at the tip: its parents, and whether V8's
 * state at it is not known (a parent's is not). */
typedef struct {
    git_oid id, parent[2];
    size_t np;
    int unknown;
} tip_new;

/* The index of id in fresh, nfresh when it is not there. */
static size_t tip_find(const tip_new *fresh, size_t nfresh, const git_oid *id)
{
    size_t k = 0;
    while (k < nfresh && !git_oid_equal(&fresh[k].id, id))
        k++;
    return k;
}

/* Adds to fresh (nfresh) the new commits from reaches (those t does not
 * hold), each with its parents: at most ITK_VTIP_MAX_NEW in all, each of
 * one or two parents. With was (a commit of t), from must be was or descend
 * from it (the ref moved forward): was is met below the new commits, or is
 * an ancestor of an old commit met there. 1 when it is so, 0 when not (the
 * ref moved back or sideways, a commit cannot be read, too many). */
static int tip_reach(git_repository *repo, const itk_vtip *t, const git_oid *from,
                     const git_oid *was, tip_new *fresh, size_t *nfresh)
{
    git_oid stack[2 * ITK_VTIP_MAX_NEW + 1], old[2 * ITK_VTIP_MAX_NEW + 1];
    unsigned char seen[ITK_VTIP_MAX_NEW];
    size_t top = 0, nold = 0;
    int hit = !was;
    if (was && git_oid_equal(from, was))
        return itk_vtip_has(t, was);
    memset(seen, 0, sizeof(seen));
    stack[top++] = *from;
    while (top) {
        git_oid at = stack[--top];
        if (itk_vtip_has(t, &at)) {
            hit = hit || git_oid_equal(&at, was);
            old[nold++] = at;
            continue;
        }
        size_t k = tip_find(fresh, *nfresh, &at);
        if (k == *nfresh) {
            git_commit *c = NULL;
            size_t np = 0;
            if (k == ITK_VTIP_MAX_NEW ||
                itk_object_size(NULL, repo, &at, GIT_OBJECT_COMMIT, ITK_VOBJECT_MAX_COMMIT_BYTES) ||
                git_commit_lookup(&c, repo, &at) < 0 || (np = git_commit_parentcount(c)) < 1 ||
                np > 2) {
                git_commit_free(c);
                git_error_clear();
                itk_error_clear();
                return 0;
            }
            memset(&fresh[k], 0, sizeof(fresh[k]));
            fresh[k].id = at;
            fresh[k].np = np;
            for (size_t j = 0; j < np; j++)
                fresh[k].parent[j] = *git_commit_parent_id(c, (unsigned)j);
            git_commit_free(c);
            (*nfresh)++;
        }
        if (seen[k])
            continue;
        seen[k] = 1;
        for (size_t j = 0; j < fresh[k].np; j++)
            stack[top++] = fresh[k].parent[j];
    }
    /* a line that took its parent's main moves forward past it (a
     * fast-forward pull): was below an old commit met */
    for (size_t i = 0; !hit && i < nold; i++)
        hit = git_graph_descendant_of(repo, &old[i], was) == 1;
    git_error_clear();
    return hit;
}

/* The new commits in the order they are checked: each after its parents. */
static void tip_order(tip_new *fresh, size_t n)
{
    for (size_t done = 0; done < n; done++)
        for (size_t i = done; i < n; i++) {
            int ready = 1;
            for (size_t j = 0; ready && j < fresh[i].np; j++) {
                size_t k = tip_find(fresh, n, &fresh[i].parent[j]);
                ready = k == n || k < done;
            }
            if (ready) {
                tip_new f = fresh[i];
                fresh[i] = fresh[done];
                fresh[done] = f;
                break;
            }
        }
}

/* The folders found canonical in this run (what it was given and what it
 * read), t's folders for the next (none when there are too many). 0 or
 * ITK_ENOMEM. */
static int tip_folders(itk_vtip *t, const itk_vtrees *trees)
{
    const itk_oidmap *m = &trees->heights;
    itk_vtip_tree *kept = NULL;
    size_t n = 0;
    if (m->count <= ITK_VTIP_MAX_TREES && m->count && !(kept = itk_calloc(m->count, sizeof(*kept))))
        return ITK_ENOMEM;
    for (size_t i = 0; kept && i < m->cap; i++) {
        uintptr_t h = m->used[i] ? (uintptr_t)m->values[i] : 0;
        if (h >= 1 && h <= ITK_VTREES_MAX_DEPTH && n < m->count) {
            kept[n].id = m->keys[i];
            kept[n++].height = (unsigned)h;
        }
    }
    free(t->trees);
    t->trees = kept;
    t->ntrees = n;
    return 0;
}

/* Did merge c, checked as ci without a problem, take a line as the walk
 * would check it from here: a receipt or pull (V8) that adds nothing beyond
 * the clean merge of its parents (V5), on V8 states known on both sides
 * that descend one from the other, and a receipt's line (not a pull's)
 * among the new commits or an old commit the summary knows the signer of,
 * where V8 learns who wrote its tip? 1 or 0. */
static int tip_merge_ok(const itk_policy *p, const git_commit *c, const itk_commit_info *ci,
                        const tip_new *fresh, size_t nfresh, size_t i)
{
    int pull = strcmp(ci->action, "pull") == 0;
    return ci->ok && !ci->is_void && !ci->recovered && ci->received[0] &&
           (pull || strcmp(ci->action, "receive") == 0) && p->changed == 0 && !p->undecided &&
           !fresh[i].unknown &&
           (pull || tip_find(fresh, nfresh, git_commit_parent_id(c, 1)) < nfresh ||
            itk_oidmap_has(&p->signed_by, git_commit_parent_id(c, 1)));
}

/* Is commit a below new commit b through new commits alone (each among
 * fresh, the first nfresh)? 1 or 0. */
static int tip_below(const tip_new *fresh, size_t nfresh, const git_oid *a, const git_oid *b)
{
    git_oid stack[2 * ITK_VTIP_MAX_NEW + 1];
    size_t top = 0, steps = 0;
    stack[top++] = *b;
    while (top && steps++ <= ITK_VTIP_MAX_NEW) {
        size_t k = tip_find(fresh, nfresh, &stack[--top]);
        for (size_t j = 0; k < nfresh && j < fresh[k].np; j++) {
            if (git_oid_equal(&fresh[k].parent[j], a))
                return 1;
            if (top < sizeof(stack) / sizeof(stack[0]))
                stack[top++] = fresh[k].parent[j];
        }
    }
    return 0;
}

/* V5's clean merge of new merge i, when one parent is below the other
 * through new commits (a receipt of a line that took the receiver's main, a
 * pull), or both are old and one is below the other: the other's tree (canonical: the walk or this
 * run checked it), noted for the merge check, which then reads neither history nor trees. 0 or
 * ITK_ENOMEM. */
static int tip_merge_note(itk_policy *p, const tip_new *fresh, size_t i, const git_commit *c)
{
    const git_oid *a = &fresh[i].parent[0], *b = &fresh[i].parent[1];
    int a_below = tip_below(fresh, i, a, b);
    if (!a_below && !tip_below(fresh, i, b, a)) {
        /* two old parents (a pull of a main that received this line):
         * their ancestry is git's to say */
        int old = tip_find(fresh, i, a) == i && tip_find(fresh, i, b) == i;
        a_below = old && git_graph_descendant_of(p->repo, b, a) == 1;
        if (!a_below && !(old && git_graph_descendant_of(p->repo, a, b) == 1)) {
            git_error_clear();
            return 0;
        }
    }
    git_commit *top = NULL;
    int rc = 0;
    if (git_commit_parent(&top, c, a_below ? 1 : 0) == 0)
        rc = itk_vmerge_memo_put(&p->merges, a, b, git_commit_tree_id(top));
    git_commit_free(top);
    git_error_clear();
    return rc;
}

/* Is V8's state at new commit i not known: a parent's is not (an old one
 * without a state the summary kept, or a new one without)? */
static int tip_unknown(const itk_policy *p, const tip_new *fresh, size_t i)
{
    for (size_t j = 0; j < fresh[i].np; j++) {
        size_t k = tip_find(fresh, i, &fresh[i].parent[j]);
        if (k < i ? fresh[k].unknown : !itk_oidmap_has(&p->receipts, &fresh[i].parent[j]))
            return 1;
    }
    return 0;
}

/* The new commits checked, oldest first, on top of the state the summary's
 * walk ended in (the compromises every tip and revs name, the keys void
 * commits added, V8's state at each ref, the trees of the refs found
 * canonical): r gets the summary's void commits, then each new commit, and
 * each of refs (the refs now, in the summary's order) its tree, height and
 * V8 state. 1 when each holds and only adds plain records or merges a line
 * (tip_merge_ok), 0 when not, negative on error. unlooked: the refs' trees
 * are not looked at for a lost object (V11), else each is. */
static int tip_check(itk_verify_result *r, git_repository *repo, const char *cache_dir, itk_vtip *t,
                     itk_vtip_ref *refs, tip_new *fresh, size_t nfresh, const char **revs,
                     size_t nrevs, itk_vtip_ref *arrivals, size_t narrivals, int unlooked)
{
    itk_policy p;
    int rc = policy_init(&p, repo, r), held = 1;
    p.by_descent = 1;
    for (size_t i = 0; !rc && i < t->nrefs; i++)
        if (t->refs[i].height >= 1 && t->refs[i].height <= ITK_VTREES_MAX_DEPTH)
            rc = itk_oidmap_set(&p.trees.heights, &t->refs[i].tree,
                                (void *)(uintptr_t)t->refs[i].height);
    for (size_t i = 0; !rc && i < t->ntrees; i++)
        if (t->trees[i].height <= ITK_VTREES_MAX_DEPTH)
            rc = itk_oidmap_set(&p.trees.heights, &t->trees[i].id,
                                (void *)(uintptr_t)t->trees[i].height);
    rc = rc || !nfresh ? rc : collect_compromises(&p, revs, nrevs);
    for (size_t k = 0; !rc && k < t->nvkeys; k++)
        rc = itk_policy_void_key_push(&p, t->vorigins[k], t->vkeys[k]);
    for (size_t i = 0; !rc && nfresh && i < t->nrefs; i++)
        rc = ref_state_load(&p, &t->refs[i]);
    for (size_t i = 0; !rc && i < t->nrefs; i++)
        if (t->refs[i].party[0])
            rc = itk_oidmap_set(&p.signed_by, &t->refs[i].id, t->refs[i].party);
    if (!rc)
        rc = itk_array_reserve(&r->commits, &r->acommits, t->nvoids + nfresh + 1,
                               sizeof(*r->commits));
    for (size_t i = 0; !rc && i < t->nvoids; i++) {
        itk_commit_info *ci = &r->commits[r->ncommits++];
        memset(ci, 0, sizeof(*ci));
        ci->id = t->voids[i].id;
        snprintf(ci->party, sizeof(ci->party), "%s", t->voids[i].party);
        snprintf(ci->principal, sizeof(ci->principal), "%s", t->voids[i].principal);
        ci->ok = ci->is_void = 1;
    }
    for (size_t i = 0; !rc && held && i < nfresh; i++) {
        git_commit *c = NULL;
        itk_commit_info *ci = &r->commits[r->ncommits++];
        memset(ci, 0, sizeof(*ci));
        fresh[i].unknown = tip_unknown(&p, fresh, i);
        if (git_commit_lookup(&c, repo, &fresh[i].id) < 0) {
            held = 0;
            break;
        }
        if (!(rc = itk_oidmap_set(&p.commits, &fresh[i].id, (void *)(uintptr_t)r->ncommits)) &&
            !(rc = itk_vgraph_add(&p.graph, &p.commits, c)) &&
            !(rc = fresh[i].np == 2 ? tip_merge_note(&p, fresh, i, c) : 0))
            rc = itk_policy_check_commit(&p, c, ci);
        held = !rc && !r->nproblems &&
               (fresh[i].np == 1 ? tip_only_plain(&p, c, ci)
                                 : tip_merge_ok(&p, c, ci, fresh, nfresh, i));
        git_commit_free(c);
    }
    /* the refs' trees share most folders (HEAD and its branch the same
     * tree): each is found whole once, and those the presence cache
     * vouches are still whole (vpresent.h) not again */
    itk_oidmap whole;
    itk_vpresent_run pres;
    memset(&whole, 0, sizeof(whole));
    memset(&pres, 0, sizeof(pres));
    if (!rc)
        rc = itk_oidmap_init(&whole);
    if (!rc && held && !arrivals)
        rc = itk_vpresent_begin(&pres, repo, cache_dir, &whole);
    for (size_t i = 0; !rc && held && i < t->nrefs; i++) {
        refs[i].tree = t->refs[i].tree;
        refs[i].height = t->refs[i].height;
        if (git_oid_equal(&refs[i].id, &t->refs[i].id)) {
            /* V8's state as it was: the summary's, handed on */
            refs[i].v8 = t->refs[i].v8;
            refs[i].receipts = t->refs[i].receipts;
            refs[i].nreceipts = t->refs[i].nreceipts;
            t->refs[i].receipts = NULL;
            t->refs[i].nreceipts = 0;
            memcpy(refs[i].party, t->refs[i].party, sizeof(refs[i].party));
            memcpy(refs[i].principal, t->refs[i].principal, sizeof(refs[i].principal));
            /* its folders are there still (V11), as below: an object lost
             * since the last run is found though no ref moved */
            held = arrivals != NULL || unlooked ||
                   itk_tree_objects_present_noting(repo, &refs[i].tree, &whole, &pres.loose);
            continue;
        }
        tip_tree(&refs[i], repo, &p.trees);
        tip_signer(&refs[i], &p, t);
        size_t k = tip_find(fresh, nfresh, &refs[i].id);
        if (k < nfresh && !fresh[k].unknown)
            rc = ref_state(&refs[i], &p);
        /* the folders it did not read are there still (V11), each folder
         * looked at once for all refs (HEAD and its branch, a line and
         * main share most); a take's check (arrivals) and that of a commit
         * whose tree the caller found whole (unlooked) move no ref and keep
         * no summary, as a walk from verify.cache would not look either:
         * the verify that next moves the summary does */
        held = !rc && (arrivals != NULL || unlooked ||
                       itk_tree_objects_present_noting(repo, &refs[i].tree, &whole, &pres.loose));
    }
    if (!rc && held && !arrivals && !unlooked)
        itk_vpresent_end(&pres, repo, cache_dir, &whole);
    itk_vpresent_run_dispose(&pres);
    itk_oidmap_free(&whole);
    for (size_t i = 0; !rc && held && i < narrivals; i++)
        tip_signer(&arrivals[i], &p, t);
    if (!rc && held && nfresh)
        rc = tip_folders(t, &p.trees);
    policy_dispose(&p);
    if (rc && rc != ITK_ENOMEM)
        rc = 0; /* what cannot be checked here, the walk names */
    git_error_clear();
    itk_error_clear();
    return rc ? rc : held;
}

/* Does the object database still hold each commit of the summary? */
static int tip_here(git_repository *repo, const itk_vtip *t)
{
    git_odb *odb = NULL;
    int held = git_repository_odb(&odb, repo) == 0;
    for (size_t i = 0; held && i < t->nids; i++)
        held = git_odb_exists(odb, &t->ids[i]);
    git_odb_free(odb);
    git_error_clear();
    return held;
}

/* Moves the refs under prefix out of refs (*n of them, sorted; the rest
 * keep their order) into *out (*nout). 0 or ITK_ENOMEM. */
static int tip_arrivals(itk_vtip_ref **out, size_t *nout, itk_vtip_ref *refs, size_t *n,
                        const char *prefix)
{
    size_t len = strlen(prefix), k = 0, m = 0;
    for (size_t i = 0; i < *n; i++)
        m += strncmp(refs[i].name, prefix, len) == 0;
    *out = NULL;
    *nout = 0;
    if (!m)
        return 0;
    if (!(*out = itk_calloc(m, sizeof(**out))))
        return ITK_ENOMEM;
    for (size_t i = 0; i < *n; i++) {
        if (strncmp(refs[i].name, prefix, len) == 0)
            (*out)[(*nout)++] = refs[i];
        else
            refs[k++] = refs[i];
    }
    *n = k;
    return 0;
}

/* The verdict at the tip (DESIGN §9): when every ref names what the summary
 * of the last clean walk saw, or a few new commits on top of it that each
 * only add plain records of their signer's party or merge a line as a
 * receipt or pull (tip_merge_ok), those commits alone are checked, with the
 * state that walk ended in, and r gets what verify prints: the void
 * commits, then the new commits (itk_verify_total_count counts every
 * commit). With extra, that commit (on no ref yet) and the new ones below
 * it are checked too, and the summary is left as it is. Anything else is
 * the full walk's to decide: a summary not this user's, of other pins or
 * damaged, a ref added, removed, moved back or sideways, any other merge, a
 * key event, a problem in a new commit. 1 when it answered (the summary
 * moves on), 0 when the walk must run (r as it was), negative on error.
 * With prefix, the refs under it are arrivals (a take's quarantine, not in
 * the summary): each is checked as extra is, and gets who signed its commit
 * (*arrivals, *narrivals; the caller frees them when it answered: each
 * signer is then known), and the summary is left as it is. */
static int tip_try(itk_verify_result *r, git_repository *repo, const char *cache_dir,
                   const git_oid *extra, int present, const char *prefix, itk_vtip_ref **arrivals,
                   size_t *narrivals)
{
    itk_vtip t;
    itk_vtip_ref *refs = NULL, *arr = NULL;
    size_t nrefs = 0, nfresh = 0, narr = 0;
    tip_new fresh[ITK_VTIP_MAX_NEW];
    char hex[GIT_OID_HEXSZ + 1] = "";
    const char **revs = NULL;
    size_t nrevs = 0;
    if (itk_vtip_load(&t, repo, cache_dir, ITK_RULES_DIGEST, r->genesis, r->city_key))
        return 0;
    int rc = itk_vtip_refs_read(&refs, &nrefs, repo);
    if (!rc && prefix)
        rc = tip_arrivals(&arr, &narr, refs, &nrefs, prefix);
    if (!rc && !(revs = itk_calloc(narr + 1, sizeof(*revs))))
        rc = ITK_ENOMEM;
    int ok = !rc && nrefs == t.nrefs && git_repository_is_shallow(repo) == 0;
    rc = rc == ITK_ENOMEM ? rc : 0; /* refs that cannot be read: the walk names them */
    for (size_t i = 0; ok && i < nrefs; i++)
        ok = strcmp(refs[i].name, t.refs[i].name) == 0 &&
             tip_reach(repo, &t, &refs[i].id, &t.refs[i].id, fresh, &nfresh);
    if (ok && extra) {
        git_oid_tostr(hex, sizeof(hex), extra);
        revs[nrevs++] = hex;
        ok = tip_reach(repo, &t, extra, NULL, fresh, &nfresh);
    }
    for (size_t i = 0; ok && i < narr; i++) {
        revs[nrevs++] = arr[i].name;
        ok = tip_reach(repo, &t, &arr[i].id, NULL, fresh, &nfresh);
    }
    ok = ok && tip_here(repo, &t);
    if (ok) {
        tip_order(fresh, nfresh);
        rc = tip_check(r, repo, cache_dir, &t, refs, fresh, nfresh, nrevs ? revs : NULL, nrevs, arr,
                       narr, prefix || present);
        ok = rc == 1;
        rc = rc < 0 ? rc : 0;
    }
    for (size_t i = 0; ok && i < narr; i++)
        ok = arr[i].party[0] != '\0';
    git_oid ids[ITK_VTIP_MAX_NEW];
    for (size_t i = 0; i < nfresh; i++)
        ids[i] = fresh[i].id;
    if (ok && !extra && !prefix && !(rc = itk_vtip_add_ids(&t, ids, nfresh))) {
        r->ntotal = t.nids;
        r->from_tip = 1;
        itk_vtip_refs_free(t.refs, t.nrefs);
        t.refs = refs;
        t.nrefs = nrefs;
        refs = NULL;
        if (nfresh)
            itk_vtip_save(&t, repo, cache_dir);
    }
    if (ok && prefix)
        r->ntotal = t.nids + nfresh;
    if (!ok || rc) {
        itk_verify_result_truncate(r, 0, 1);
        r->nchecked = r->nread = 0;
    }
    if (ok && !rc && prefix) {
        *arrivals = arr;
        *narrivals = narr;
        arr = NULL;
        narr = 0;
    }
    free(revs);
    itk_vtip_refs_free(arr, narr);
    itk_vtip_refs_free(refs, nrefs);
    itk_vtip_dispose(&t);
    itk_error_clear();
    return rc ? rc : ok;
}

static int tip_answer(itk_verify_result *r, git_repository *repo, const itk_verify_options *o)
{
    return tip_try(r, repo, o->cache_dir, NULL, 0, NULL, NULL, NULL);
}

/* Does the object database still hold every object of every ref's tree
 * (each folder looked at once)? A walk takes the commits it cached without
 * reading them, so an object lost since they were checked is found here,
 * and the careful walk then names it as verify --full does (V11). */
static int refs_present(git_repository *repo, const char *cache_dir)
{
    itk_vtip_ref *refs = NULL;
    size_t n = 0;
    itk_oidmap whole;
    itk_vpresent_run pres;
    memset(&whole, 0, sizeof(whole));
    memset(&pres, 0, sizeof(pres));
    /* the folders the presence cache vouches for are not looked at again
     * (vpresent.h): what is new since is */
    int held =
        itk_oidmap_init(&whole) == 0 && itk_vpresent_begin(&pres, repo, cache_dir, &whole) == 0;
    if (held && itk_vtip_refs_read(&refs, &n, repo) != 0)
        n = 0; /* refs that cannot be listed: the walk has named them */
    for (size_t i = 0; held && i < n; i++) {
        git_commit *c = NULL;
        if (!git_oid_is_zero(&refs[i].id) && git_commit_lookup(&c, repo, &refs[i].id) == 0)
            held =
                itk_tree_objects_present_noting(repo, git_commit_tree_id(c), &whole, &pres.loose);
        git_commit_free(c);
    }
    if (held)
        itk_vpresent_end(&pres, repo, cache_dir, &whole);
    itk_vpresent_run_dispose(&pres);
    itk_vtip_refs_free(refs, n);
    itk_oidmap_free(&whole);
    git_error_clear();
    itk_error_clear();
    return held;
}

/* Does the object database still hold every commit an earlier run checked? */
static int commits_here(git_repository *repo, const itk_verify_result *r)
{
    git_odb *odb = NULL;
    int held = git_repository_odb(&odb, repo) == 0;
    for (size_t i = 0; held && i < r->ncommits; i++)
        held = git_odb_exists(odb, &r->commits[i].id);
    git_odb_free(odb);
    git_error_clear();
    return held;
}

/* The walk's order read from the cache (vorder.h): a commit it describes is
 * not read, any other is. */
typedef struct {
    itk_vrun *vr;
    git_repository *repo;
} order_reader;

static int order_read(void *payload, const git_oid *id, long long *time, git_oid *parents,
                      size_t *np)
{
    order_reader *o = payload;
    git_commit *c = NULL;
    if (itk_vrun_graph_of(o->vr, id, NULL, time, parents, np))
        return 0;
    if (git_commit_lookup(&c, o->repo, id) < 0)
        return itk_error_git("cannot read commit %s", git_oid_tostr_s(id));
    *time = (long long)git_commit_time(c);
    *np = git_commit_parentcount(c);
    for (size_t i = 0; i < *np && i < ITK_VORDER_MAX_PARENTS; i++)
        parents[i] = *git_commit_parent_id(c, i);
    git_commit_free(c);
    return 0;
}

/* Notes commit i's tree, time and parents for the cache. */
static int graph_note(itk_vrun *vr, size_t i, const git_commit *c)
{
    size_t np = git_commit_parentcount(c);
    git_oid few[4], *parents = np <= 4 ? few : itk_calloc(np, sizeof(*parents));
    if (!parents)
        return ITK_ENOMEM;
    for (size_t k = 0; k < np; k++)
        parents[k] = *git_commit_parent_id(c, k);
    int rc = itk_vrun_graph_note(vr, i, git_commit_tree_id(c), (long long)git_commit_time(c),
                                 parents, np);
    if (parents != few)
        free(parents);
    return rc;
}

/* The walk's next commits: from the order found in memory (walk NULL) or
 * libgit2's revwalk; next is the revwalk's last answer (GIT_ITEROVER at its
 * end), ended set once it gave no commit. */
typedef struct {
    git_revwalk *walk;
    const git_oid *order;
    size_t norder, at;
    int next, ended;
} walk_next;

/* Fills ids (up to ITK_VSIGS_BATCH, *n of them) with the walk's next
 * commits and starts verifying the signatures of those the cache does not
 * answer on s's threads (vsigs.h): 0 or ITK_ENOMEM. */
static int batch_ahead(itk_vsigs *s, git_oid *ids, size_t *n, walk_next *wn, itk_vrun *vr,
                       itk_policy *p)
{
    int rc = 0;
    *n = 0;
    while (!wn->ended && *n < ITK_VSIGS_BATCH) {
        if (!wn->walk)
            wn->next = wn->at < wn->norder ? (ids[*n] = wn->order[wn->at++], 0) : GIT_ITEROVER;
        else
            wn->next = git_revwalk_next(&ids[*n], wn->walk);
        if (!(wn->ended = wn->next != 0))
            (*n)++;
    }
    for (size_t k = 0; !rc && k < *n; k++)
        if (!itk_vrun_cached(vr, p, &ids[k]))
            rc = itk_vsigs_add(s, p->repo, &ids[k]);
    if (!rc)
        itk_vsigs_start(s);
    return rc;
}

/* One walk. Not careful: libgit2's revwalk from the tips, as fast as the
 * cache allows; *careful is set (and the results are to be dropped) when
 * anything cannot be read. Careful: every commit read first (vwalk.h), what
 * cannot be read named in v11, the rest checked; the cache is not used. */
static int run(itk_verify_result *r, itk_verify_result *v11, size_t altered, git_repository *repo,
               const char **revs, size_t nrevs, const itk_verify_options *opts, int *careful)
{
    git_revwalk *walk = NULL;
    itk_vrun *vr = NULL;
    git_odb *odb = NULL;
    git_oid id, *batch = NULL, *abatch = NULL, *order = NULL;
    size_t nbatch = 0, nahead = 0, at = 0, norder = 0;
    itk_vsigs *ahead = NULL;
    itk_vwalk_tips tips = {NULL, 0, 0};
    order_reader reader = {NULL, repo};
    int fast = 0;
    int rc = 0, was_careful = *careful;
    itk_policy p;
    if ((rc = policy_init(&p, repo, r)))
        goto done;
    if (git_revwalk_new(&walk, repo) < 0) {
        rc = itk_error_git("cannot walk history");
        goto done;
    }
    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    if ((rc = itk_vwalk_prepare(walk, repo, revs, nrevs, v11, careful, &tips)) ||
        *careful != was_careful)
        goto done;
    /* DESIGN §9: an identical earlier run answers at once (when every
     * commit it checked is still here); otherwise the walk takes each
     * commit it already checked from the cache */
    if ((rc = itk_vrun_begin(&vr, repo, r, revs, nrevs, (opts && opts->full) || *careful,
                             opts ? opts->cache_dir : NULL)) != 0) {
        if (rc > 0 && !commits_here(repo, r))
            *careful = 1;
        rc = rc > 0 ? 0 : rc;
        goto done;
    }
    if ((rc = collect_compromises(&p, revs, nrevs)))
        goto done;
    if (git_repository_odb(&odb, repo) < 0) {
        rc = itk_error_git("cannot open the object database");
        goto done;
    }
    /* a cache describes the commits it holds (their parents and times): the
     * walk's order is found in memory, reading only the commits it does not
     * hold (issue 18); without one, libgit2's revwalk reads them all */
    if (!*careful && itk_vrun_has_graph(vr)) {
        reader.vr = vr;
        if ((rc = itk_vorder(&order, &norder, tips.ids, tips.n, order_read, &reader)) == ITK_ENOMEM)
            goto done;
        if (rc) {
            itk_error_clear();
            *careful = 1; /* what cannot be read is named by a careful walk */
            rc = 0;
            goto done;
        }
        fast = 1;
        /* room for every commit of the walk at once: grown by doubling, the
         * commits' array (hundreds of bytes a commit) is copied again and
         * again, and so is the map of their ids (issue 18 point 1) */
        if ((rc = itk_array_reserve(&r->commits, &r->acommits, norder, sizeof(*r->commits))))
            goto done;
        if (!p.commits.count) {
            itk_oidmap_free(&p.commits);
            if ((rc = itk_oidmap_init_sized(&p.commits, norder)))
                goto done;
        }
        /* what a ref outside the walk reaches (V9's held commits) too */
        p.graph.read = order_read;
        p.graph.read_payload = &reader;
    }
    unsigned threads = itk_vsigs_threads(opts ? opts->threads : 0);
    if ((rc = itk_vsigs_new(&p.sigs, threads)) || (rc = itk_vsigs_new(&ahead, threads)) ||
        !(batch = itk_calloc(ITK_VSIGS_BATCH, sizeof(*batch))) ||
        !(abatch = itk_calloc(ITK_VSIGS_BATCH, sizeof(*abatch)))) {
        rc = rc ? rc : ITK_ENOMEM;
        goto done;
    }
    walk_next wn = {fast ? NULL : walk, order, norder, 0, GIT_ITEROVER, 0};
    if ((rc = batch_ahead(ahead, abatch, &nahead, &wn, vr, &p)))
        goto done;
    for (;;) {
        git_commit *c = NULL;
        /* the next batch of the walk: its signatures (of the commits the
         * cache does not answer) were verified on the other cores while the
         * batch before it was checked here, and the batch after it is now
         * (vsigs.h) */
        if (at == nbatch) {
            itk_vsigs *t = p.sigs;
            git_oid *b = batch;
            itk_vsigs_wait(ahead);
            p.sigs = ahead;
            ahead = t;
            batch = abatch;
            abatch = b;
            nbatch = nahead;
            at = 0;
            itk_vsigs_clear(ahead);
            if ((rc = batch_ahead(ahead, abatch, &nahead, &wn, vr, &p)))
                goto done;
            if (!nbatch)
                break;
        }
        id = batch[at++];
        /* a commit the cache describes is not read again: that its tree is
         * still here is checked (careful: vwalk did) */
        git_oid gtree, gpar[ITK_VORDER_MAX_PARENTS];
        long long gtime = 0;
        size_t gnp = 0;
        int known = fast && itk_vrun_graph_of(vr, &id, &gtree, &gtime, gpar, &gnp) == 1;
        if (known && !git_odb_exists(odb, &gtree)) {
            git_error_clear();
            *careful = 1;
            goto done;
        }
        r->nread += !known;
        if (!known && (git_commit_lookup(&c, repo, &id) < 0 ||
                       (!*careful && !git_odb_exists(odb, git_commit_tree_id(c))))) {
            git_commit_free(c);
            if (!*careful) {
                *careful = 1;
                goto done;
            }
            rc = itk_verify_result_problem(v11, &id, "V11", "", "cannot be read: %s",
                                           git_error_last() ? git_error_last()->message : "");
            git_error_clear();
            if (rc)
                goto done;
            continue;
        }
        if ((rc = itk_array_reserve(&r->commits, &r->acommits, r->ncommits + 1,
                                    sizeof(*r->commits)))) {
            git_commit_free(c);
            goto done;
        }
        itk_commit_info *ci = &r->commits[r->ncommits++];
        memset(ci, 0, sizeof(*ci));
        if ((rc = itk_oidmap_set(&p.commits, &id, (void *)(uintptr_t)r->ncommits)) ||
            (rc = known ? itk_vgraph_add_ids(&p.graph, &p.commits, &id, gpar, gnp)
                        : itk_vgraph_add(&p.graph, &p.commits, c)) ||
            (rc = known ? itk_vrun_graph_note(vr, r->ncommits - 1, &gtree, gtime, gpar, gnp)
                        : graph_note(vr, r->ncommits - 1, c))) {
            git_commit_free(c);
            goto done;
        }
        /* from the cache without reading it, or read and checked */
        rc = known ? itk_vrun_check_id(vr, &p, &id, ci) : 0;
        r->nread += rc == 0 && known;
        if (rc == 0 && known && git_commit_lookup(&c, repo, &id) < 0)
            rc = itk_error_git("cannot read commit %s", git_oid_tostr_s(&id));
        else if (rc == 0)
            rc = itk_vrun_check(vr, &p, c, ci);
        rc = rc > 0 ? 0 : rc;
        git_commit_free(c);
        if (rc && rc != ITK_ENOMEM && !*careful) {
            itk_error_clear();
            *careful = 1;
            rc = 0;
            goto done;
        }
        if (rc && rc != ITK_ENOMEM) {
            /* an object below it cannot be read (V11): named, and the walk goes on */
            ci->ok = 0;
            rc = itk_verify_result_problem(
                v11, &id, "V11", "",
                "cannot be checked: %s; fetch the missing objects again, or re-clone with "
                "itaku clone",
                itk_error_last());
            itk_error_clear();
        }
        if (rc)
            goto done;
    }
    int next = wn.next;
    if (next != GIT_ITEROVER && !*careful) {
        git_error_clear();
        *careful = 1;
        goto done;
    }
    if (next != GIT_ITEROVER) {
        rc = itk_verify_result_problem(v11, &id, "V11", "",
                                       "the walk stopped after this commit: %s; the commits "
                                       "after it were not checked",
                                       git_error_last() ? git_error_last()->message : "");
        git_error_clear();
        if (rc)
            goto done;
    }
    if (r->ncommits == 0 && v11->nproblems == 0)
        rc = itk_error_set(ITK_ENOTFOUND, "the registry has no commits to verify");
    else if (!(rc = itk_vrun_check_voids(vr, &p)) && v11->nproblems == altered) {
        /* the verdict at the tip, with V8's state at each ref when every
         * receipt is rebuilt (a run that cannot keeps none) */
        if (!nrevs && !*careful && !r->nproblems && !v11->nproblems) {
            int caught = itk_vrun_catch_up(vr, &p);
            if (caught == ITK_ENOMEM) {
                rc = caught;
                goto done;
            }
            itk_error_clear();
            tip_record(&p, r, repo, opts ? opts->cache_dir : NULL, caught == 0);
        }
        receipts_free(&p); /* the cache is written without it */
        commits_fit(r);
#ifdef __GLIBC__
        malloc_trim(0); /* … in what it held, rather than in more (peak memory) */
#endif
        itk_vrun_end(vr, &p); /* a run that could not read everything is not remembered */
    }
done:
    itk_vsigs_free(ahead); /* its threads joined first */
    free(abatch);
    free(batch);
    free(order);
    free(tips.ids);
    git_odb_free(odb);
    itk_vrun_free(vr);
    git_revwalk_free(walk);
    policy_dispose(&p);
    return rc;
}

int itk_verify_run(itk_verify_result **out, itk_registry *reg, const char **revs, size_t nrevs,
                   const itk_verify_options *opts)
{
    git_repository *repo = itk_registry_repo(reg);
    itk_verify_result *r = itk_calloc(1, sizeof(*r));
    itk_verify_result *v11 = itk_calloc(1, sizeof(*v11));
    int rc = 0, careful = 0;
    *out = NULL;
    if (!r || !v11) {
        free(r);
        free(v11);
        return ITK_ENOMEM;
    }
    read_pins(r, repo, opts);
    /* V11: refs/replace/, info/grafts, a partial clone; then the walk, which
     * walks again carefully, reading every commit itself, when anything
     * cannot be read, so that it is named and the rest still checked */
    if (!(rc = itk_vwalk_alterations(repo, v11))) {
        size_t altered = v11->nproblems;
        /* a new commit or two on top of the last clean walk: those alone */
        int tip = !altered && !nrevs && opts && opts->verdict && !opts->full
                      ? tip_answer(r, repo, opts)
                      : 0;
        rc = tip < 0 ? tip : 0;
        if (!tip && !(rc = run(r, v11, altered, repo, revs, nrevs, opts, &careful)) && !careful &&
            !nrevs && opts && !opts->full && !refs_present(repo, opts->cache_dir))
            careful = 1;
        if (!tip && !rc && careful) {
            itk_verify_result_truncate(r, 0, 1);
            itk_verify_result_truncate(v11, altered, 0);
            rc = run(r, v11, altered, repo, revs, nrevs, opts, &careful);
        }
    }
    if (!rc)
        rc = itk_verify_result_append(r, v11);
    itk_verify_result_free(v11);
    if (rc)
        itk_verify_result_free(r);
    else
        *out = r;
    return rc;
}

int itk_verify_tip_commit(itk_registry *reg, const git_oid *id, int present)
{
    git_repository *repo = itk_registry_repo(reg);
    itk_verify_result *r = itk_calloc(1, sizeof(*r));
    itk_verify_result *v11 = itk_calloc(1, sizeof(*v11));
    int rc = r && v11 ? 0 : ITK_ENOMEM;
    if (!rc) {
        read_pins(r, repo, NULL);
        /* V11's alterations are the walk's to name */
        rc = itk_vwalk_alterations(repo, v11);
        rc = rc ? rc : !v11->nproblems && tip_try(r, repo, NULL, id, present, NULL, NULL, NULL);
    }
    itk_verify_result_free(v11);
    itk_verify_result_free(r);
    return rc;
}

int itk_verify_arrivals(itk_verify_result **out, itk_commit_info **tips, size_t *ntips,
                        itk_registry *reg, const char *prefix)
{
    git_repository *repo = itk_registry_repo(reg);
    itk_verify_result *r = itk_calloc(1, sizeof(*r));
    itk_verify_result *v11 = itk_calloc(1, sizeof(*v11));
    itk_vtip_ref *arr = NULL;
    size_t narr = 0;
    int rc = r && v11 ? 0 : ITK_ENOMEM;
    *out = NULL;
    *tips = NULL;
    *ntips = 0;
    if (!rc) {
        read_pins(r, repo, NULL);
        /* V11's alterations are the walk's to name */
        rc = itk_vwalk_alterations(repo, v11);
        rc = rc ? rc : !v11->nproblems && tip_try(r, repo, NULL, NULL, 0, prefix, &arr, &narr);
    }
    if (rc == 1 && narr && !(*tips = itk_calloc(narr, sizeof(**tips))))
        rc = ITK_ENOMEM;
    for (size_t i = 0; rc == 1 && i < narr; i++) {
        itk_commit_info *ci = &(*tips)[i];
        ci->id = arr[i].id;
        memcpy(ci->party, arr[i].party, sizeof(ci->party));
        memcpy(ci->principal, arr[i].principal, sizeof(ci->principal));
    }
    if (rc == 1) {
        *ntips = narr;
        *out = r;
        r = NULL;
    }
    itk_vtip_refs_free(arr, narr);
    itk_verify_result_free(v11);
    itk_verify_result_free(r);
    return rc;
}

int itk_verify_one(itk_verify_result **out, itk_registry *reg, const git_oid *id)
{
    git_repository *repo = itk_registry_repo(reg);
    itk_verify_result *r = itk_calloc(1, sizeof(*r));
    git_commit *c = NULL;
    char hex[GIT_OID_HEXSZ + 1];
    const char *revs[] = {hex};
    itk_canon_cache canon = {NULL, 0};
    int rc;
    *out = NULL;
    if (!r || !(r->commits = itk_calloc(1, sizeof(*r->commits)))) {
        free(r);
        return ITK_ENOMEM;
    }
    r->acommits = 1;
    git_oid_tostr(hex, sizeof(hex), id);
    read_pins(r, repo, NULL);
    itk_policy p;
    /* the trees found canonical before (canon_cache.h): only the folders
     * that differ from them are read */
    if ((rc = policy_init(&p, repo, r)) || (rc = itk_canon_cache_load(&canon, &p.trees, repo)) ||
        (rc = collect_compromises(&p, revs, 1)))
        goto done;
    if (git_commit_lookup(&c, repo, id) < 0) {
        rc = itk_error_git("cannot read commit %s", hex);
        goto done;
    }
    /* the commit alone: its parents are outside the graph, so ancestry is
     * asked of git, and the state a walk carries (V8's receipts along each
     * line, V9's void commits) starts empty */
    r->ncommits = 1;
    memset(&r->commits[0], 0, sizeof(r->commits[0]));
    if ((rc = itk_oidmap_set(&p.commits, id, (void *)(uintptr_t)1)) ||
        (rc = itk_vgraph_add(&p.graph, &p.commits, c)))
        goto done;
    if (!(rc = itk_policy_check_commit(&p, c, &r->commits[0])))
        itk_canon_cache_save(&canon, &p.trees, repo, git_commit_tree_id(c));
done:
    itk_canon_cache_dispose(&canon);
    git_commit_free(c);
    policy_dispose(&p);
    if (rc)
        itk_verify_result_free(r);
    else
        *out = r;
    return rc;
}
