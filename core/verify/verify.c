/* `itaku verify`: walks every commit reachable from the registry's refs,
 * oldest first, and applies the rules of policy.c to each. */
#include "alloc.h"
#include "array.h"
#include "canon_cache.h"
#include "itaku/errors.h"
#include "registry_priv.h"
#include "objsize.h"
#include "vobject.h"
#include "vcache.h"
#include "verify_priv.h"
#include "vorder.h"
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
        (rc = itk_oidmap_init(&p->merges)) || (rc = itk_vtrees_init(&p->trees)) ||
        (rc = itk_vkeys_init(&p->keys)))
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
    int rc = 0;
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
                !(rc = itk_compromises_collect(&p->compromises, &p->ncompromises, p->repo,
                                               (git_tree *)t)) &&
                git_object_type(tree) == GIT_OBJECT_COMMIT)
                rc = start_add(starts, nstarts, &id);
            git_object_free(t);
        }
        git_object_free(tree);
    }
    if (git_reference_iterator_new(&it, p->repo) < 0)
        return rc;
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
            rc = itk_compromises_collect(&p->compromises, &p->ncompromises, p->repo, (git_tree *)t);
        if (!rc && small && git_reference_peel(&c, ref, GIT_OBJECT_COMMIT) == 0)
            rc = start_add(starts, nstarts, git_object_id(c));
        git_object_free(c);
        git_object_free(t);
        git_reference_free(ref);
    }
    git_reference_iterator_free(it);
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
    git_oid id, *batch = NULL, *order = NULL;
    size_t nbatch = 0, at = 0, norder = 0, oat = 0;
    itk_vwalk_tips tips = {NULL, 0, 0};
    order_reader reader = {NULL, repo};
    int fast = 0;
    int rc = 0, was_careful = *careful, ended = 0;
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
    if ((rc = itk_vsigs_new(&p.sigs, itk_vsigs_threads(opts ? opts->threads : 0))) ||
        !(batch = itk_calloc(ITK_VSIGS_BATCH, sizeof(*batch)))) {
        rc = rc ? rc : ITK_ENOMEM;
        goto done;
    }
    int next = GIT_ITEROVER;
    for (;;) {
        git_commit *c = NULL;
        /* the next batch of the walk: the signatures of the commits the cache
         * does not answer are verified on every core first (vsigs.h) */
        if (at == nbatch) {
            itk_vsigs_clear(p.sigs);
            nbatch = at = 0;
            while (!ended && nbatch < ITK_VSIGS_BATCH) {
                if (fast)
                    next = oat < norder ? (batch[nbatch] = order[oat++], 0) : GIT_ITEROVER;
                else
                    next = git_revwalk_next(&batch[nbatch], walk);
                if (!(ended = next != 0))
                    nbatch++;
            }
            for (size_t k = 0; !rc && k < nbatch; k++)
                if (!itk_vrun_cached(vr, &p, &batch[k]))
                    rc = itk_vsigs_add(p.sigs, repo, &batch[k]);
            if (rc || (rc = itk_vsigs_run(p.sigs)))
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
        receipts_free(&p); /* the cache is written without it */
        commits_fit(r);
#ifdef __GLIBC__
        malloc_trim(0); /* … in what it held, rather than in more (peak memory) */
#endif
        itk_vrun_end(vr, &p); /* a run that could not read everything is not remembered */
    }
done:
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
        if (!(rc = run(r, v11, altered, repo, revs, nrevs, opts, &careful)) && careful) {
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
