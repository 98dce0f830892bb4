/* Which compromise reports count when keys report each other (DESIGN V9,
 * V12; issue 21): a report made with a key that another counting report
 * makes void does not count, taken in history order. See
 * itk_void_writes_resolved in itaku/people.h. */
#include <stdlib.h>
#include <string.h>

#include "itaku/errors.h"
#include "itaku/people.h"
#include "alloc.h"
#include "registry_priv.h"

/* One compromise event, what it would make void, and the verdict. */
typedef struct {
    const itk_compromise *c;
    const git_tree *tree;  /* a tree of starts that holds it (borrowed) */
    itk_void_writes voids; /* the void commits under this report alone */
    int state;             /* 0 undecided, 1 counts, -1 does not */
} report;

/* The trees of starts, and every compromise event they hold. */
static int trees_collect(git_tree **trees, itk_compromise **list, size_t *n, git_repository *repo,
                         const git_oid *starts, size_t nstarts)
{
    /* the trees share most folders: each is read once (registry_priv.h) */
    itk_oidmap seen;
    int rc = itk_oidmap_init(&seen);
    for (size_t i = 0; !rc && i < nstarts; i++) {
        git_commit *c = NULL;
        int bad = git_commit_lookup(&c, repo, &starts[i]) < 0 || git_commit_tree(&trees[i], c) < 0;
        git_commit_free(c);
        if (bad)
            rc = itk_error_git("cannot read commit %s", git_oid_tostr_s(&starts[i]));
        else
            rc = itk_compromise_events_collect_seen(list, n, repo, trees[i], &seen);
    }
    itk_oidmap_free(&seen);
    return rc;
}

/* The tree of trees (n) that holds c's event at its path (two lines may
 * each hold another event under one name). */
static const git_tree *holder(git_tree **trees, size_t n, const itk_compromise *c)
{
    for (size_t i = 0; i < n; i++) {
        git_tree_entry *e = NULL;
        int here = git_tree_entry_bypath(&e, trees[i], c->path) == 0 &&
                   git_oid_equal(git_tree_entry_id(e), &c->blob);
        git_tree_entry_free(e);
        git_error_clear();
        if (here)
            return trees[i];
    }
    return NULL;
}

/* Does a make b's report void (b written by a commit a's report voids)?
 * *earlier is set when a's event was already in that commit's history
 * (its first parent holds a's event file as a's tree does). */
static int voids(int *earlier, const report *a, const report *b)
{
    const itk_void_write *w = itk_void_writes_writer(&a->voids, b->tree, b->c->path);
    git_tree_entry *e = NULL;
    *earlier = 0;
    if (!w)
        return 0;
    if (w->parent && git_tree_entry_bypath(&e, w->parent, a->c->path) == 0)
        *earlier = git_oid_equal(git_tree_entry_id(e), &a->c->blob);
    git_tree_entry_free(e);
    git_error_clear();
    return 1;
}

/* Grounded verdicts: a report no undecided or counting report voids
 * counts; one a counting report voids does not. 1 when one changed. */
static int settle(report *r, size_t n)
{
    int changed = 0, earlier;
    for (size_t j = 0; j < n; j++) {
        if (r[j].state)
            continue;
        int open = 0, out = 0;
        for (size_t i = 0; i < n && !out; i++)
            if (i != j && r[i].state >= 0 && voids(&earlier, &r[i], &r[j]))
                out = r[i].state == 1, open = 1;
        if (out || !open) {
            r[j].state = out ? -1 : 1;
            changed = 1;
        }
    }
    return changed;
}

/* Reports that void each other: those no undecided report made before
 * them in their history voids count (the first in history order, or each
 * of two made apart). 1 when one changed. */
static int break_circles(report *r, size_t n)
{
    int changed = 0, earlier;
    int *first = calloc(n ? n : 1, sizeof(*first));
    if (!first)
        return -1;
    for (size_t j = 0; j < n; j++) {
        first[j] = r[j].state == 0;
        for (size_t i = 0; first[j] && i < n; i++)
            if (i != j && r[i].state == 0 && voids(&earlier, &r[i], &r[j]) && earlier)
                first[j] = 0;
    }
    for (size_t j = 0; j < n; j++)
        if (first[j]) {
            r[j].state = 1;
            changed = 1;
        }
    free(first);
    return changed;
}

/* Adds to vw->kept the event files of counting reports that vw's void
 * commits wrote (reports made apart that void each other). */
static int keep_counted(itk_void_writes *vw, const report *r, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        if (r[j].state != 1 || !itk_void_writes_writer(vw, r[j].tree, r[j].c->path))
            continue;
        itk_compromise *k = itk_realloc_array(vw->kept, vw->nkept + 1, sizeof(*k));
        if (!k)
            return ITK_ENOMEM;
        vw->kept = k;
        vw->kept[vw->nkept++] = *r[j].c;
    }
    return 0;
}

int itk_void_writes_resolved(itk_void_writes *vw, itk_compromise **counted, size_t *ncounted,
                             git_repository *repo, const git_oid *starts, size_t nstarts)
{
    itk_compromise *all = NULL;
    size_t nall = 0, nr = 0;
    git_tree **trees = calloc(nstarts ? nstarts : 1, sizeof(*trees));
    report *r = NULL;
    int rc = trees ? trees_collect(trees, &all, &nall, repo, starts, nstarts) : ITK_ENOMEM;
    *counted = NULL;
    *ncounted = 0;
    if (!rc && nall && !(r = calloc(nall, sizeof(*r))))
        rc = ITK_ENOMEM;
    for (size_t i = 0; !rc && i < nall; i++) {
        report *x = &r[nr];
        x->c = &all[i];
        if (!(x->tree = holder(trees, nstarts, x->c)))
            continue;
        nr++;
        rc = itk_void_writes_from(&x->voids, repo, starts, nstarts, x->c, 1);
    }
    /* each round decides at least one report, or none is left */
    for (size_t round = 0; !rc && round <= nr; round++) {
        while (settle(r, nr))
            ;
        int b = break_circles(r, nr);
        if (b < 0)
            rc = ITK_ENOMEM;
        if (b <= 0)
            break;
    }
    for (size_t i = 0; !rc && i < nr; i++) {
        if (r[i].state != 1)
            continue;
        itk_compromise *nl = itk_realloc_array(*counted, *ncounted + 1, sizeof(*nl));
        if (!nl) {
            rc = ITK_ENOMEM;
            break;
        }
        *counted = nl;
        nl[(*ncounted)++] = *r[i].c;
    }
    if (!rc)
        rc = itk_void_writes_from(vw, repo, starts, nstarts, *counted, *ncounted);
    if (!rc)
        rc = keep_counted(vw, r, nr);
    if (rc) {
        free(*counted);
        *counted = NULL;
        *ncounted = 0;
    }
    for (size_t i = 0; i < nr; i++)
        itk_void_writes_dispose(&r[i].voids);
    for (size_t i = 0; trees && i < nstarts; i++)
        git_tree_free(trees[i]);
    free(trees);
    free(r);
    free(all);
    return rc;
}

int itk_void_writes_at(itk_void_writes *vw, git_repository *repo, const git_oid *commit)
{
    itk_compromise *counted = NULL;
    size_t n = 0;
    int rc = itk_void_writes_resolved(vw, &counted, &n, repo, commit, 1);
    free(counted);
    return rc;
}
