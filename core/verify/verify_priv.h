/* verify.c's insides for the writers that check a commit before its branch
 * moves (commit.c); the walk's state is vstate.h's. */
#ifndef ITAKU_VERIFY_PRIV_H
#define ITAKU_VERIFY_PRIV_H

#include "vstate.h"

/* The rules of one commit checked on its own, on top of a history taken as
 * verified (itaku checks each commit it writes before its branch moves): V1–V7
 * and V10 with the parents' trees, V9 against every compromise the refs (and
 * the commit) know. The state a walk carries is not rebuilt, so V8's "a line
 * only moves forward" and V9's void commits are left to verify. *out lists the
 * commit and its problems (free it with itk_verify_result_free); negative when
 * the check could not run. */
int itk_verify_one(itk_verify_result **out, itk_registry *reg, const git_oid *id);

/* Does the verdict at the tip (verify.c) hold with commit id on top, not on
 * any ref yet: id and the new commits below it checked on the state of the
 * last clean walk, each without a problem and each what that verdict takes
 * (a plain record of its signer's, a receipt or pull that adds nothing)?
 * 1 when it does (the walk from id would find no problem), 0 when the walk
 * must decide (no summary, a ref moved otherwise, anything it does not
 * take; the summary is left as it is), negative on error. present: the
 * caller found every object of id's tree in the store
 * (itk_tree_objects_present); the trees of the refs are then not looked at
 * (a receipt's tree holds its parents' files; the verify that next moves
 * the summary looks at every ref's), else each ref's tree is (V11). */
int itk_verify_tip_commit(itk_registry *reg, const git_oid *id, int present);

/* The verdict at the tip for what a take brought (sync.c): the refs under
 * prefix (its quarantine) arrived; every other ref names what the last
 * clean walk's summary saw or new commits on top of it. When each new
 * commit, the arrivals' included, checks without a problem on that walk's
 * state and is what the verdict at the tip takes, and who signed each
 * arrival's commit is known (a new commit checked, or an old one the
 * summary kept as a ref's), 1: *out (free with itk_verify_result_free)
 * holds the void commits and the new commits checked
 * (itk_verify_total_count: every commit), *tips (free(), *ntips) each
 * arrival's commit with its signer's party and principal only. 0 when the
 * walk must decide (*out and *tips NULL; a problem is the walk's to name),
 * negative on error. The summary is left as it is. */
int itk_verify_arrivals(itk_verify_result **out, itk_commit_info **tips, size_t *ntips,
                        itk_registry *reg, const char *prefix);

#endif
