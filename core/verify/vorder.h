/* The order of a verification walk computed in memory: the order libgit2's
 * revwalk gives with GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE for the same
 * tips, found from each commit's parents and committer time, so that a walk
 * whose commits the verification cache describes reads only the commits it
 * does not describe (issue 18). Private to verify. */
#ifndef ITAKU_VORDER_H
#define ITAKU_VORDER_H

#include <git2.h>
#include <stddef.h>

/* The most parents one commit may have here (a commit with more is read by
 * libgit2's revwalk instead: the order answers ITK_ETOOBIG). */
#define ITK_VORDER_MAX_PARENTS 64

/* What the order needs of one commit: its committer time (unix seconds) and
 * its parents, in the commit's order (at most ITK_VORDER_MAX_PARENTS, into
 * parents). Returns 0, or a negative error code (the commit cannot be read),
 * which itk_vorder returns. */
typedef int (*itk_vorder_read_fn)(void *payload, const git_oid *id, long long *time,
                                  git_oid *parents, size_t *nparents);

/* Every commit reachable from tips (in the order they were pushed onto the
 * revwalk; a tip pushed twice counts once), parents before children, in the
 * revwalk's order; each commit read once through read. *out (free it) holds
 * *n ids. 0, the reader's error, ITK_ETOOBIG or ITK_ENOMEM. */
int itk_vorder(git_oid **out, size_t *n, const git_oid *tips, size_t ntips, itk_vorder_read_fn read,
               void *payload);

#endif
