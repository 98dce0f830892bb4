/* A path-by-path merge of two trees that reads only the folders changed on
 * both sides; see treemerge.h. */
#include "treemerge.h"
#include "itaku/errors.h"

#include <string.h>

/* Folders deeper than this are left to libgit2 (a registry's layout needs
 * five; verify refuses deeper ones). */
#define TREEMERGE_MAX_DEPTH 32

static int is_folder(const git_tree_entry *e)
{
    return git_tree_entry_filemode_raw(e) == GIT_FILEMODE_TREE;
}

/* git's order of tree entries: a folder sorts as if its name ended in '/'. */
static int order(const git_tree_entry *a, const git_tree_entry *b)
{
    const char *x = git_tree_entry_name(a), *y = git_tree_entry_name(b);
    size_t lx = strlen(x), ly = strlen(y), n = lx < ly ? lx : ly;
    int c = memcmp(x, y, n);
    if (c)
        return c;
    unsigned cx = lx > n ? (unsigned char)x[n] : is_folder(a) ? '/' : 0;
    unsigned cy = ly > n ? (unsigned char)y[n] : is_folder(b) ? '/' : 0;
    return (int)cx - (int)cy;
}

/* The same entry (both absent, or the same kind and object). */
static int same(const git_tree_entry *a, const git_tree_entry *b)
{
    if (!a || !b)
        return a == b;
    return git_tree_entry_filemode_raw(a) == git_tree_entry_filemode_raw(b) &&
           git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b));
}

/* The next entry of t at *i, which must follow *prev in git's order (a tree
 * out of order is not merged here): 0 with *e (NULL at the end), -1 when
 * out of order. */
static int next_of(const git_tree_entry **e, const git_tree *t, size_t i,
                   const git_tree_entry **prev)
{
    *e = t && i < git_tree_entrycount(t) ? git_tree_entry_byindex(t, i) : NULL;
    if (*e && *prev && order(*prev, *e) >= 0)
        return -1;
    return 0;
}

/* Does t hold name as the other kind (a file where e is a folder, or the
 * reverse)? Then the merge is not path by path. */
static int other_kind(const git_tree *t, const git_tree_entry *e)
{
    const git_tree_entry *x = t ? git_tree_entry_byname(t, git_tree_entry_name(e)) : NULL;
    return x && is_folder(x) != is_folder(e);
}

/* Merges folder ours and theirs from base (NULL: none): 1 with *out (and
 * *empty when it holds nothing), 0 when not simple, negative on error. */
static int merge(git_oid *out, int *empty, git_repository *repo, const git_oid *bid,
                 const git_oid *oid, const git_oid *tid, int depth)
{
    git_tree *b = NULL, *o = NULL, *t = NULL;
    git_treebuilder *bld = NULL;
    const git_tree_entry *pb = NULL, *po = NULL, *pt = NULL;
    size_t i = 0, j = 0, k = 0;
    int rc = 1;
    if (depth > TREEMERGE_MAX_DEPTH)
        return 0;
    if ((bid && git_tree_lookup(&b, repo, bid) < 0) || git_tree_lookup(&o, repo, oid) < 0 ||
        git_tree_lookup(&t, repo, tid) < 0 || git_treebuilder_new(&bld, repo, NULL) < 0) {
        rc = itk_error_git("cannot read the folders to merge");
        goto done;
    }
    for (;;) {
        const git_tree_entry *eb, *eo, *et;
        if (next_of(&eb, b, i, &pb) || next_of(&eo, o, j, &po) || next_of(&et, t, k, &pt)) {
            rc = 0;
            goto done;
        }
        const git_tree_entry *m = eb;
        if (eo && (!m || order(eo, m) < 0))
            m = eo;
        if (et && (!m || order(et, m) < 0))
            m = et;
        if (!m)
            break;
        const git_tree_entry *xb = eb && order(eb, m) == 0 ? eb : NULL;
        const git_tree_entry *xo = eo && order(eo, m) == 0 ? eo : NULL;
        const git_tree_entry *xt = et && order(et, m) == 0 ? et : NULL;
        if (xb)
            pb = xb, i++;
        if (xo)
            po = xo, j++;
        if (xt)
            pt = xt, k++;
        const git_tree_entry *take = NULL;
        git_oid sub;
        int sub_empty = 0, merged = 0;
        if (same(xo, xt))
            take = xo;
        else if (same(xo, xb))
            take = xt;
        else if (same(xt, xb))
            take = xo;
        else if (xo && xt && is_folder(xo) && is_folder(xt) && (!xb || is_folder(xb))) {
            rc = merge(&sub, &sub_empty, repo, xb ? git_tree_entry_id(xb) : NULL,
                       git_tree_entry_id(xo), git_tree_entry_id(xt), depth + 1);
            if (rc != 1)
                goto done;
            take = xo;
            merged = 1;
        } else {
            rc = 0; /* a file changed on both sides: libgit2 says what conflicts */
            goto done;
        }
        if (!take || (merged && sub_empty))
            continue;
        if (other_kind(o, take) || other_kind(t, take)) {
            rc = 0;
            goto done;
        }
        if (git_treebuilder_insert(NULL, bld, git_tree_entry_name(take),
                                   merged ? &sub : git_tree_entry_id(take),
                                   git_tree_entry_filemode_raw(take)) < 0) {
            git_error_clear();
            rc = 0; /* a mode or name libgit2 would not write: its own merge decides */
            goto done;
        }
    }
    *empty = git_treebuilder_entrycount(bld) == 0;
    if (git_treebuilder_write(out, bld) < 0)
        rc = itk_error_git("cannot write the merged folder");
done:
    git_treebuilder_free(bld);
    git_tree_free(b);
    git_tree_free(o);
    git_tree_free(t);
    return rc;
}

int itk_treemerge(git_oid *out, git_repository *repo, const git_commit *ours,
                  const git_commit *theirs)
{
    git_oidarray bases = {NULL, 0};
    git_commit *base = NULL;
    int empty = 0, rc;
    if (git_merge_bases(&bases, repo, git_commit_id(ours), git_commit_id(theirs)) < 0 ||
        bases.count != 1) {
        git_oidarray_dispose(&bases);
        git_error_clear();
        return 0; /* none, or a virtual base libgit2 builds from several */
    }
    if (git_commit_lookup(&base, repo, &bases.ids[0]) < 0)
        rc = itk_error_git("cannot read the merge base %s", git_oid_tostr_s(&bases.ids[0]));
    else
        rc = merge(out, &empty, repo, git_commit_tree_id(base), git_commit_tree_id(ours),
                   git_commit_tree_id(theirs), 0);
    git_commit_free(base);
    git_oidarray_dispose(&bases);
    return rc;
}
