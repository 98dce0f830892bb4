/* Key lookups for verify: itk_identity_find and itk_key_status_get with the
 * same answers and the same last error message, reading each key, party.json
 * and key-event blob once per run (by blob id) and a tree's entries by name
 * instead of a path from the root each time. Private to verify. */
#ifndef ITAKU_VKEYS_H
#define ITAKU_VKEYS_H

#include "itaku/chain.h"
#include "itaku/registry.h"
#include "oidmap.h"

typedef struct {
    itk_oidmap json; /* blob id → its parsed JSON (json_t *) */
    /* a party folder's tree id → the ids of its keys/, key-events/ and
     * party.json (struct party_dir *, vkeys.c): a commit changes one or two
     * party folders, so the others are not read again (issue 18) */
    itk_oidmap party_dirs;
    /* a keys/ or key-events/ folder's tree id → that tree (git_tree *),
     * held for the run: they change only with key events */
    itk_oidmap key_trees;
    /* V9: blob ids of the key events void commits wrote (a stolen key's
     * retirement, recovery, confirmation or compromise of another key),
     * which do not count; and those commits, for the original lookups */
    itk_oidmap void_events;
    const struct itk_void_writes *vw;
    /* the parties/ tree read last (NULL: none), held: it changes only with
     * a party's folder, and every commit's signer is looked up in it */
    git_tree *parties;
} itk_vkeys;

int itk_vkeys_init(itk_vkeys *k);
void itk_vkeys_free(itk_vkeys *k);

/* itk_identity_find(out, repo, tree, fingerprint). */
int itk_vkeys_identity(itk_identity *out, itk_vkeys *k, git_repository *repo, const git_tree *tree,
                       const char *fingerprint);

/* itk_key_status_counted(out, repo, tree, k->vw, fingerprint): the key
 * events of k->void_events do not count. */
int itk_vkeys_status(itk_key_status *out, itk_vkeys *k, git_repository *repo, const git_tree *tree,
                     const char *fingerprint);

#endif
