/* V5's clean merge of a merge commit's two parents, computed on object ids so
 * that a folder only one side changed costs nothing. Private to verify; the
 * rule itself stays in policy.c, which asks git_merge_commits whenever this
 * cannot answer. */
#ifndef ITAKU_VMERGE_H
#define ITAKU_VMERGE_H

#include "vgraph.h"
#include "vtrees.h"

/* The merge of ours and theirs over base, path by path without rename
 * detection, as git_merge_commits makes it from that single merge base: 1
 * and *out when every tree is canonical and each path is resolved by taking
 * one side whole; 0 when libgit2 must decide (a conflict, a file both sides
 * changed, a file that became a folder, any tree that is not canonical);
 * ITK_ENOMEM. */
int itk_vmerge_trees(git_tree **out, itk_vtrees *trees, git_repository *repo, const git_tree *base,
                     const git_tree *ours, const git_tree *theirs);

/* What itk_vmerge_commits needs: the walk's graph, its trees, and a memo of
 * the merges made (commit pair → merged tree id), which makes a chain of
 * criss-cross merges cost one merge each instead of one per level below. */
typedef struct {
    git_repository *repo;
    itk_vgraph *graph;
    const itk_oidmap *ids; /* commit id → walk index + 1 */
    itk_vtrees *trees;
    itk_oidmap *memo; /* initialised by the caller; freed with itk_vmerge_memo_free */
} itk_vmerge_ctx;

/* The clean merge of commits a and b as git_merge_commits (flags 0) makes
 * it: over their merge base, or over the merge of their two merge bases (a
 * criss-cross merge: git's recursive strategy, the virtual base made the
 * same way). 1 and *out (the caller's to free), 0 when libgit2 must decide
 * (no base, more than two, a conflict, anything itk_vmerge_trees leaves to
 * it, a graph that cannot tell), or ITK_ENOMEM. */
int itk_vmerge_commits(git_tree **out, itk_vmerge_ctx *x, const git_oid *a, const git_oid *b);

/* Notes in memo that the clean merge of commits a and b is tree (the
 * verdict at the tip: a the ancestor of b, whose tree the walk found
 * canonical, merges to b's tree). 0 or ITK_ENOMEM. */
int itk_vmerge_memo_put(itk_oidmap *memo, const git_oid *a, const git_oid *b, const git_oid *tree);

/* Frees a memo of itk_vmerge_commits and what it holds. */
void itk_vmerge_memo_free(itk_oidmap *memo);

#endif
