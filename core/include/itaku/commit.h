/* Writing signed commits (DESIGN §4): the change set a commit adds, itaku's
 * trailers, and the check with verify's rules before a branch moves. */
#ifndef ITAKU_COMMIT_H
#define ITAKU_COMMIT_H

#include "itaku/registry.h"

/* The files one commit adds (or, for the city, replaces), and its trailers. */
typedef struct itk_change itk_change;

int itk_change_new(itk_change **out, const char *action, const char *subject);
/* Records (files under parties/ except attachments) get an Itaku-Record trailer. */
int itk_change_add(itk_change *c, const char *path, const void *data, size_t len);
/* Extra trailer lines, e.g. Itaku-Request. */
int itk_change_trailer(itk_change *c, const char *key, const char *value);
void itk_change_free(itk_change *c);

/* The git config key naming whose registry this is (a party id): set by
 * `itaku init` (the city) and `itaku clone` (the party of the key it is given).
 * A registry without it is taken to be the party of the key git config
 * itaku.signingKey names; with neither, any registered key may write. */
#define ITK_CONFIG_PARTY "itaku.party"

/* Writes the change as one signed commit on top of HEAD (the branch HEAD
 * names), moves the branch only if nobody else moved it meanwhile, and updates
 * the working tree. The signer's identity is looked up in HEAD's tree.
 * Refused (ITK_EAUTH, naming both parties) when the signer is not the party
 * the registry belongs to (ITK_CONFIG_PARTY); refused (ITK_EVERIFY, naming the
 * rule) when verify's rules would find a problem in the prepared commit. A
 * refusal moves no ref and leaves the working tree as it was (the unreferenced
 * commit object stays until git gc). */
int itk_registry_commit(git_oid *out, itk_registry *reg, itk_signer *signer, itk_change *c);

#endif
