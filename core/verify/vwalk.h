/* V11, a complete walk: which commits verify walks, found by reading every
 * ref and every commit they reach itself, so that an object it cannot read
 * is a problem naming the ref and the object instead of a silent stop, and
 * the rest is still checked. Also what makes stock git show another history
 * than the objects hold (a shallow boundary, refs/replace/, info/grafts) or
 * objects come and go (a partial clone). Private to verify. */
#ifndef ITAKU_VWALK_H
#define ITAKU_VWALK_H

#include "vstate.h"

/* Reads the tips (revs, or HEAD and every ref under refs/heads/,
 * refs/remotes/ and refs/itaku/), each object's size from its header first.
 * With *careful 0, pushes each tip onto walk, reading nothing below it, and
 * sets *careful when a tip commit cannot be read. With *careful 1, reads
 * every commit they reach (and its tree's header) and pushes onto walk each
 * tip whose history is whole, and for a tip whose history is not, the whole
 * commits below the broken part. Either way adds to v11 a V11 problem for
 * each ref at a missing object or a non-commit, and with *careful for each
 * commit that cannot be read (missing, over its size limit, not parsable, its
 * tree missing: the ref it was reached from as the path) and a shallow
 * boundary. tips (when not NULL) receives what was pushed. Returns 0,
 * ITK_ENOTFOUND when a rev names nothing at all, or ITK_ENOMEM. */
/* The commits pushed onto the walk, in the order pushed (ids: free it). */
typedef struct {
    git_oid *ids;
    size_t n, cap;
} itk_vwalk_tips;

int itk_vwalk_prepare(git_revwalk *walk, git_repository *repo, const char **revs, size_t nrevs,
                      itk_verify_result *v11, int *careful, itk_vwalk_tips *tips);

/* V11 for history that stock git would show otherwise than the objects hold
 * (replace refs, grafts) or that lacks objects (partial clone); a shallow
 * clone is itk_vwalk_prepare's (careful) to name. */
int itk_vwalk_alterations(git_repository *repo, itk_verify_result *v11);

#endif
