/* Parties and records written by the registry's own party: the city's
 * registration of a contractor, and a party's submission of a record. */
#ifndef ITAKU_PARTY_H
#define ITAKU_PARTY_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/registry.h"

typedef struct {
    unsigned version;
    const char *id;
    const char *role; /* "contractor" (subcontractors come through form 6) */
    const char *name;
    const char *principal; /* of its first key */
    const itk_pubkey *key;
} itk_party_options;

#define ITK_PARTY_OPTIONS_VERSION 1
#define ITK_PARTY_OPTIONS_INIT                                                                     \
    {                                                                                              \
        ITK_PARTY_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL                                    \
    }

/* The city registers a party and its first key in one signed commit. */
int itk_party_add(git_oid *commit, itk_registry *reg, itk_signer *signer,
                  const itk_party_options *opts);

/* Wraps body in a record envelope of type under the signer's own folder,
 * with the next id, and commits it. supersedes may be NULL. Returns the path
 * and id written. */
int itk_record_submit(itk_buf *path, itk_buf *id, git_oid *commit, itk_registry *reg,
                      itk_signer *signer, const char *type, json_t *body, const char *supersedes);

/* Finds a record in HEAD's tree by "party/id", "id" or a unique suffix; *path
 * gets its path. ITK_ENOTFOUND, or ITK_ECONFLICT when ambiguous. */
int itk_record_find(itk_buf *path, itk_registry *reg, const char *name);

/* The id of party's newest record of type that no other record supersedes
 * (the one in force), in HEAD's tree. ITK_ENOTFOUND when there is none. */
int itk_record_latest(itk_buf *id, itk_registry *reg, const char *party, const char *type);

/* Every record in HEAD's tree, as paths, optionally of one party and type. */
int itk_record_list(char ***paths, size_t *count, itk_registry *reg, const char *party,
                    const char *type);
void itk_string_list_free(char **list, size_t count);

/* allowed_signers lines "<party>/<principal> namespaces=\"git\" TYPE KEY" for
 * every key of every party found on any local ref. */
int itk_export_allowed_signers(itk_buf *out, itk_registry *reg);

#endif
