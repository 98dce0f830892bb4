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
#include "itaku/errors.h"

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
    if (depth < ITK_VTREES_MAX_DEPTH &&
        (!eb || itk_vtrees_lookup(&sb, trees, repo, git_tree_entry_id(eb)) == 0) &&
        itk_vtrees_lookup(&so, trees, repo, git_tree_entry_id(eo)) == 0 &&
        itk_vtrees_lookup(&st, trees, repo, git_tree_entry_id(et)) == 0)
        rc = merge_level(out, trees, repo, sb, so, st, depth + 1);
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
