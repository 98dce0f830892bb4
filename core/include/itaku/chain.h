/* The subcontracting chain as a tree records it: each party's parent
 * (party.json), and the state of every signing key over time (keys/ and
 * key-events/: active → retired → compromised, city recovery, confirmation). */
#ifndef ITAKU_CHAIN_H
#define ITAKU_CHAIN_H

#include <git2.h>

#include "itaku/record.h"

#define ITK_MAX_CHAIN 16

/* The parties from `party` up to the city: path[0] = party, path[n-1] = the
 * city. ITK_ENOTFOUND for an unknown party; ITK_EINVALID for a loop. */
int itk_chain_path(char path[][ITK_PARTY_ID_MAX + 1], size_t *n, git_repository *repo,
                   const git_tree *tree, const char *party);

/* 1 when `ancestor` is above `party` in the chain (not equal), else 0. */
int itk_chain_is_ancestor(git_repository *repo, const git_tree *tree, const char *ancestor,
                          const char *party);

typedef enum {
    ITK_KEY_ACTIVE = 1,
    ITK_KEY_RETIRED = 2,
    ITK_KEY_COMPROMISED = 3,
} itk_key_state;

typedef struct {
    char party[ITK_PARTY_ID_MAX + 1];
    char principal[65];
    itk_key_state state;
    char last_good[GIT_OID_HEXSZ + 1]; /* for a compromised key */
    int recovered;                     /* added by the city's recovery, not confirmed since */
} itk_key_status;

/* The state of the key with this fingerprint in tree: ITK_ENOTFOUND when no
 * party lists it. */
int itk_key_status_get(itk_key_status *out, git_repository *repo, const git_tree *tree,
                       const char *fingerprint);

/* What void commits wrote (itaku/people.h). */
struct itk_void_writes;

/* itk_key_status_get not counting the key events that the commits of vw
 * (NULL: none) wrote (V9: a retirement, recovery, confirmation or
 * compromise signed with a stolen key after its last good commit). */
int itk_key_status_counted(itk_key_status *out, git_repository *repo, const git_tree *tree,
                           const struct itk_void_writes *vw, const char *fingerprint);

/* A compromise found in a tree: key and last good commit, and the path and
 * blob of the key event that reports it. */
typedef struct {
    char key[64];
    char last_good[GIT_OID_HEXSZ + 1];
    char path[160];
    git_oid blob;
} itk_compromise;

/* Appends the compromise events of tree to *list (of *n, realloc'ed),
 * skipping keys already listed. */
int itk_compromises_collect(itk_compromise **list, size_t *n, git_repository *repo,
                            const git_tree *tree);

/* itk_compromises_collect not counting the compromise events that the
 * commits of vw (NULL: none) wrote. */
int itk_compromises_collect_counted(itk_compromise **list, size_t *n, git_repository *repo,
                                    const git_tree *tree, const struct itk_void_writes *vw);

/* Appends every compromise event of tree to *list (of *n, realloc'ed),
 * each with its path and blob, one already listed (the same blob, as
 * another tip holds it) not again: for itk_void_writes_resolved,
 * which decides which of them count. Errors: ITK_ENOMEM. */
int itk_compromise_events_collect(itk_compromise **list, size_t *n, git_repository *repo,
                                  const git_tree *tree);

#endif
