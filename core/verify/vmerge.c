/* Why this equals git_merge_commits (flags 0) given the same single merge
 * base: libgit2 walks every file of the three trees and resolves each path on
 * its own; a path whose entries (mode and id) are equal on both sides, or
 * equal to the base on one side, takes the other side (its "trivial" and
 * "one removed" cases). A folder for which that holds is the same file by
 * file, so it is taken whole here, and only folders both sides changed are
 * read. Whatever libgit2 would treat otherwise answers 0: a file both sides
 * changed (content merge or conflict), a file and a folder of one name
 * (directory/file conflicts), an emptied folder, and any tree that is not
 * canonical (vtrees.h), which its index could refuse or write differently. */
#include "vmerge.h"
#include "alloc.h"
#include "itaku/errors.h"
#include "objsize.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const git_tree *t;
    size_t i, n;
} cursor;

static const git_tree_entry *at(const cursor *c)
{
    return c->i < c->n ? git_tree_entry_byindex(c->t, c->i) : NULL;
}

/* The entry of c named like min (advancing past it), or NULL. */
static const git_tree_entry *take(cursor *c, const git_tree_entry *min)
{
    const git_tree_entry *e = at(c);
    if (!e || itk_vtrees_entry_cmp(e, min) != 0)
        return NULL;
    c->i++;
    return e;
}

static int same(const git_tree_entry *a, const git_tree_entry *b)
{
    if (!a || !b)
        return a == b;
    return git_tree_entry_filemode_raw(a) == git_tree_entry_filemode_raw(b) &&
           git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b));
}

/* Is name in t (a canonical tree, where names are unique) as the other kind? */
static int other_kind(const git_tree *t, const char *name)
{
    return t && git_tree_entry_byname(t, name) != NULL;
}

static int merge_level(git_oid *out, itk_vtrees *trees, git_repository *repo, const git_tree *b,
                       const git_tree *o, const git_tree *t, int depth);

/* Both sides changed this folder: merge it one level down. */
static int merge_folder(git_oid *out, itk_vtrees *trees, git_repository *repo,
                        const git_tree_entry *eb, const git_tree_entry *eo,
                        const git_tree_entry *et, int depth)
{
    git_tree *sb = NULL, *so = NULL, *st = NULL;
    int rc = 0;
    /* each tree's size from its header before it is inflated */
    if (depth < ITK_VTREES_MAX_DEPTH &&
        (!eb || itk_object_size(NULL, repo, git_tree_entry_id(eb), GIT_OBJECT_TREE,
                                ITK_MAX_TREE_BYTES) == 0) &&
        itk_object_size(NULL, repo, git_tree_entry_id(eo), GIT_OBJECT_TREE, ITK_MAX_TREE_BYTES) ==
            0 &&
        itk_object_size(NULL, repo, git_tree_entry_id(et), GIT_OBJECT_TREE, ITK_MAX_TREE_BYTES) ==
            0 &&
        (!eb || itk_vtrees_lookup(&sb, trees, repo, git_tree_entry_id(eb)) == 0) &&
        itk_vtrees_lookup(&so, trees, repo, git_tree_entry_id(eo)) == 0 &&
        itk_vtrees_lookup(&st, trees, repo, git_tree_entry_id(et)) == 0)
        rc = merge_level(out, trees, repo, sb, so, st, depth + 1);
    else
        itk_error_clear(); /* libgit2 decides */
    git_tree_free(sb);
    git_tree_free(so);
    git_tree_free(st);
    return rc;
}

/* One folder of the merge, o and t present; 1 and *out, or 0. */
static int merge_level(git_oid *out, itk_vtrees *trees, git_repository *repo, const git_tree *b,
                       const git_tree *o, const git_tree *t, int depth)
{
    cursor cb = {b, 0, b ? git_tree_entrycount(b) : 0};
    cursor co = {o, 0, git_tree_entrycount(o)}, ct = {t, 0, git_tree_entrycount(t)};
    git_treebuilder *bld = NULL; /* o's entries, made on its first change */
    int rc = 1, same_t = 1;
    for (;;) {
        const git_tree_entry *min = at(&cb), *e;
        if ((e = at(&co)) && (!min || itk_vtrees_entry_cmp(e, min) < 0))
            min = e;
        if ((e = at(&ct)) && (!min || itk_vtrees_entry_cmp(e, min) < 0))
            min = e;
        if (!min)
            break;
        const char *name = git_tree_entry_name(min);
        const git_tree_entry *eb = take(&cb, min), *eo = take(&co, min), *et = take(&ct, min);
        if ((!eb && other_kind(b, name)) || (!eo && other_kind(o, name)) ||
            (!et && other_kind(t, name))) {
            rc = 0; /* a file and a folder of one name */
            break;
        }
        const git_tree_entry *res = NULL;
        git_oid merged;
        const git_oid *id = NULL;
        git_filemode_t mode = GIT_FILEMODE_TREE;
        if (same(eo, et) || same(eb, et))
            res = eo;
        else if (same(eb, eo))
            res = et;
        else if (eo && et && itk_vtrees_is_folder(eo) && itk_vtrees_is_folder(et)) {
            if ((rc = merge_folder(&merged, trees, repo, eb, eo, et, depth)) != 1)
                break;
            id = &merged;
        } else {
            rc = 0; /* both sides changed this file */
            break;
        }
        if (res) {
            id = git_tree_entry_id(res);
            mode = git_tree_entry_filemode_raw(res);
        }
        int as_o = id ? eo && git_oid_equal(id, git_tree_entry_id(eo)) : !eo;
        int as_t = id ? et && git_oid_equal(id, git_tree_entry_id(et)) : !et;
        same_t &= as_t;
        if (as_o)
            continue;
        if (!bld && git_treebuilder_new(&bld, repo, o) < 0) {
            rc = 0;
            break;
        }
        if (id ? git_treebuilder_insert(NULL, bld, name, id, mode) < 0
               : git_treebuilder_remove(bld, name) < 0) {
            rc = 0;
            break;
        }
    }
    if (rc == 1) {
        if (!bld)
            git_oid_cpy(out, git_tree_id(o));
        else if (same_t)
            git_oid_cpy(out, git_tree_id(t));
        else if (git_treebuilder_entrycount(bld) == 0 || git_treebuilder_write(out, bld) < 0)
            rc = 0; /* libgit2 drops an emptied folder */
    }
    git_treebuilder_free(bld);
    return rc;
}

int itk_vmerge_trees(git_tree **out, itk_vtrees *trees, git_repository *repo, const git_tree *base,
                     const git_tree *ours, const git_tree *theirs)
{
    int rc;
    git_oid id;
    *out = NULL;
    if ((rc = itk_vtrees_canonical(trees, repo, base)) <= 0 ||
        (rc = itk_vtrees_canonical(trees, repo, ours)) <= 0 ||
        (rc = itk_vtrees_canonical(trees, repo, theirs)) <= 0)
        return rc;
    rc = merge_level(&id, trees, repo, base, ours, theirs, 1) == 1 &&
         git_tree_lookup(out, repo, &id) == 0;
    git_error_clear();
    return rc;
}

/* --- merges of commits, with criss-cross merges' virtual bases -------------- */

/* Virtual bases deeper than this are left to libgit2. */
#define ITK_VMERGE_MAX_RECURSION 512

static const git_oid cannot; /* the memo's "libgit2 must decide" */

void itk_vmerge_memo_free(itk_oidmap *memo)
{
    for (size_t i = 0; i < memo->cap; i++)
        if (memo->used && memo->used[i] && memo->values[i] != (void *)&cannot)
            free(memo->values[i]);
    itk_oidmap_free(memo);
}

/* The memo's key of the pair {a, b}: a hash of both ids, smaller first. */
static void pair_key(git_oid *key, const git_oid *a, const git_oid *b)
{
    unsigned char both[2 * GIT_OID_RAWSZ];
    if (git_oid_cmp(a, b) > 0) {
        const git_oid *t = a;
        a = b;
        b = t;
    }
    memcpy(both, a->id, GIT_OID_RAWSZ);
    memcpy(both + GIT_OID_RAWSZ, b->id, GIT_OID_RAWSZ);
    git_odb_hash(key, both, sizeof(both), GIT_OBJECT_BLOB);
}

static int commit_tree(git_tree **out, git_repository *repo, const git_oid *id)
{
    git_commit *c = NULL;
    int ok = git_commit_lookup(&c, repo, id) == 0 && git_commit_tree(out, c) == 0;
    git_commit_free(c);
    return ok;
}

static int merge_commits(git_oid *out, itk_vmerge_ctx *x, const git_oid *a, const git_oid *b,
                         int depth)
{
    git_oid key, bases[2];
    size_t nb = 0;
    pair_key(&key, a, b);
    const git_oid *memo = itk_oidmap_get(x->memo, &key);
    if (memo) {
        if (memo == &cannot)
            return 0;
        *out = *memo;
        return 1;
    }
    git_tree *base = NULL, *ours = NULL, *theirs = NULL, *merged = NULL;
    int rc = 0;
    if (depth > ITK_VMERGE_MAX_RECURSION ||
        itk_vgraph_merge_bases(bases, 2, &nb, x->graph, x->ids, a, b) != 1 || nb == 0 || nb > 2)
        goto done;
    if (nb == 1) {
        if (!commit_tree(&base, x->repo, &bases[0]))
            goto done;
    } else {
        /* git's recursive merge: the base is the merge of the two bases */
        git_oid vb;
        if ((rc = merge_commits(&vb, x, &bases[0], &bases[1], depth + 1)) != 1 ||
            itk_vtrees_lookup(&base, x->trees, x->repo, &vb) < 0) {
            rc = rc < 0 ? rc : 0;
            goto done;
        }
        rc = 0;
    }
    if (!commit_tree(&ours, x->repo, a) || !commit_tree(&theirs, x->repo, b))
        goto done;
    rc = itk_vmerge_trees(&merged, x->trees, x->repo, base, ours, theirs);
    if (rc == 1)
        *out = *git_tree_id(merged);
done:
    git_tree_free(base);
    git_tree_free(ours);
    git_tree_free(theirs);
    git_tree_free(merged);
    git_error_clear();
    if (rc < 0)
        return rc;
    git_oid *keep = (git_oid *)&cannot;
    if (rc == 1 && !(keep = itk_malloc(sizeof(*keep))))
        return ITK_ENOMEM;
    if (rc == 1)
        *keep = *out;
    int r = itk_oidmap_set(x->memo, &key, keep);
    if (r && keep != &cannot)
        free(keep);
    return r ? r : rc;
}

int itk_vmerge_commits(git_tree **out, itk_vmerge_ctx *x, const git_oid *a, const git_oid *b)
{
    git_oid id;
    *out = NULL;
    int rc = merge_commits(&id, x, a, b, 0);
    if (rc == 1 && git_tree_lookup(out, x->repo, &id) < 0) {
        git_error_clear();
        rc = 0;
    }
    return rc;
}

int itk_vmerge_memo_put(itk_oidmap *memo, const git_oid *a, const git_oid *b, const git_oid *tree)
{
    git_oid key, *keep = itk_malloc(sizeof(*keep));
    if (!keep)
        return ITK_ENOMEM;
    *keep = *tree;
    pair_key(&key, a, b);
    const git_oid *had = itk_oidmap_get(memo, &key);
    int rc = itk_oidmap_set(memo, &key, keep);
    if (rc)
        free(keep);
    else if (had && had != &cannot)
        free((git_oid *)had);
    return rc;
}
