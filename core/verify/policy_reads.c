/* What the V12 checks read beside the walk (policy_priv.h): the void
 * commits a tree's compromises make (V9 in V12) and whether two trees hold
 * the same entry. A concept of its own, calling nothing of policy.c, so that
 * policy_kessai.c, policy_posts.c and policy_citystate.c share it without a
 * call circle (tests/layers.sh). */
#include "policy_priv.h"

int itk_policy_void_writes(itk_void_writes *out, itk_policy *p, const git_tree *tree,
                           const git_oid *commit)
{
    (void)tree;
    /* read from commit's own history, not the walk's void commits: a
     * commit taken from the cache, or checked alone, carries no V9 state
     * of the commits before it */
    return commit && p->ncompromises ? itk_void_writes_at(out, p->repo, commit) : 0;
}

int itk_policy_same_entry(const git_tree *a, const git_tree *b, const char *path)
{
    git_tree_entry *x = NULL, *y = NULL;
    int hx = git_tree_entry_bypath(&x, a, path) == 0;
    int hy = git_tree_entry_bypath(&y, b, path) == 0;
    git_error_clear();
    int same = hx == hy && (!hx || git_oid_equal(git_tree_entry_id(x), git_tree_entry_id(y)));
    git_tree_entry_free(x);
    git_tree_entry_free(y);
    return same;
}
