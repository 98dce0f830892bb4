/* V5's clean merge of a merge commit's two parents, computed on object ids so
 * that a folder only one side changed costs nothing. Private to verify; the
 * rule itself stays in policy.c, which asks git_merge_commits whenever this
 * cannot answer. */
#ifndef ITAKU_VMERGE_H
#define ITAKU_VMERGE_H

#include "vtrees.h"

/* The merge of ours and theirs over base, path by path without rename
 * detection, as git_merge_commits makes it from that single merge base: 1
 * and *out when every tree is canonical and each path is resolved by taking
 * one side whole; 0 when libgit2 must decide (a conflict, a file both sides
 * changed, a file that became a folder, any tree that is not canonical);
 * ITK_ENOMEM. */
int itk_vmerge_trees(git_tree **out, itk_vtrees *trees, git_repository *repo, const git_tree *base,
                     const git_tree *ours, const git_tree *theirs);

#endif
