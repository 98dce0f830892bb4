/* Internals shared by the registry's files. */
#ifndef ITAKU_REGISTRY_PRIV_H
#define ITAKU_REGISTRY_PRIV_H

#include "itaku/chain.h"
#include "itaku/registry.h"

struct itk_registry {
    git_repository *repo;
};

/* itk_tree_read followed by itk_json_parse. */
int itk_tree_read_json(json_t **out, git_repository *repo, const git_tree *tree, const char *path);

/* One file a commit adds or replaces, for Itaku-Content-SHA256. */
typedef struct {
    const char *path;
    unsigned char sha256[32]; /* of the file's bytes */
} itk_content_entry;

/* SHA-256 over "<path> <sha256-hex>\n" for each entry in byte order of path:
 * evidence of what a commit added that does not depend on SHA-1. Sorts the
 * entries in place. */
void itk_content_hash(char hex[65], itk_content_entry *entries, size_t n);

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

/* Validates body against the registry's schema for type, gives it the next
 * id of who's records (under requester/ for endorsements and decisions), and
 * adds it to c; path and id get what was added. */
int itk_record_append(itk_buf *path, itk_buf *id, itk_change *c, itk_registry *reg,
                      const itk_identity *who, const char *created, const char *type,
                      const char *requester, json_t *body, const char *supersedes);

/* Replaces a change's subject line. */
int itk_change_set_subject(itk_change *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One key event's body applied to st, the state of key fpr so far (for
 * itk_key_status_get); *confirmed is set by a confirm event. */
void itk_key_event_apply(itk_key_status *st, int *confirmed, const char *fpr, const json_t *body);

/* Every record path of tree, optionally of one party and type. */
int itk_tree_records(char ***paths, size_t *count, git_repository *repo, const git_tree *tree,
                     const char *party, const char *type);

#endif
