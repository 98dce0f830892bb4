/* The merge of two commits' trees when it is trivial path by path, without
 * reading what is the same on both sides (issue 18): a receipt merges a
 * party's line that changed one folder, and libgit2's merge reads every
 * file of both trees and of their base. */
#ifndef ITAKU_TREEMERGE_H
#define ITAKU_TREEMERGE_H

#include <git2.h>

/* The merged tree of ours and theirs (their one merge base) into *out, when
 * every path either is the same on both sides or changed on one side only
 * (a folder changed on both is merged the same way, entry by entry): the
 * tree git and libgit2 write for such a merge (no rename detection). 1 done,
 * 0 when it is not that simple (a file changed on both sides, a file that
 * is a folder on another side, several merge bases or none, a tree out of
 * git's order): the caller merges with libgit2, which says what conflicts.
 * Negative on error (git's, or ITK_ENOMEM). */
int itk_treemerge(git_oid *out, git_repository *repo, const git_commit *ours,
                  const git_commit *theirs);

#endif
