/* commit.c's insides for the writers in flow/: signing a prepared commit,
 * checking it with verify's rules, moving a branch and the working tree,
 * merges. */
#ifndef ITAKU_COMMIT_PRIV_H
#define ITAKU_COMMIT_PRIV_H

#include "itaku/commit.h"
#include "registry_priv.h"

/* Builds and signs a commit without moving any ref. base is the tree the
 * change applies to (NULL for the genesis); offset is the contract's
 * timezone in minutes. */
int itk_commit_write(git_oid *out, git_repository *repo, itk_signer *signer,
                     const itk_identity *who, itk_change *c, const git_commit **parents,
                     size_t nparents, const git_tree *base, int offset);

/* Checks commit id, written but not yet referenced, with verify's rules:
 * ITK_EVERIFY naming the rule, path and message of its first problem. A
 * commit is checked on top of its parents (itk_verify_one, whatever the
 * history's length); a receipt or pull (a merge with Itaku-Received) by a
 * verify run from it, V8 needing the receipts before it (what the cache holds
 * is not checked again). Call it before any ref moves to id. */
int itk_commit_check(itk_registry *reg, const git_oid *id);

/* Moves ref from old (NULL: must not exist) to new, then brings the working
 * tree (if any) from old_tree to the new commit's tree. */
int itk_ref_advance(git_repository *repo, const char *ref, const git_oid *old,
                    const git_oid *new_id, const git_tree *old_tree, const char *why);

/* The clean merge of two commits, path by path (no rename detection).
 * ITK_ECONFLICT, naming the first conflicting path (also in conflict_path
 * when not NULL), when the lines conflict. */
int itk_merge_tree(git_tree **out, git_repository *repo, const git_commit *ours,
                   const git_commit *theirs, char conflict_path[256]);

/* The signer's party and principal in tree; ITK_EAUTH when the key belongs
 * to no party or is no longer active. */
int itk_registry_identify(itk_identity *who, itk_registry *reg, const git_tree *tree,
                          itk_signer *signer);

/* itk_registry_commit with a second parent (NULL: an ordinary commit): the
 * change applies on top of the clean merge of HEAD and theirs. */
int itk_registry_merge(git_oid *out, itk_registry *reg, itk_signer *signer, itk_change *c,
                       const git_oid *theirs);

/* Replaces a change's subject line. */
int itk_change_set_subject(itk_change *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
