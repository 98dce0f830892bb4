/* party.c's record writer, shared by the files of flow/ that add records. */
#ifndef ITAKU_PARTY_PRIV_H
#define ITAKU_PARTY_PRIV_H

#include "itaku/commit.h"
#include "registry_priv.h"

/* Validates body against the registry's schema for type, gives it the next
 * id of who's records (under requester/ for endorsements and decisions), and
 * adds it to c; path and id get what was added. */
int itk_record_append(itk_buf *path, itk_buf *id, itk_change *c, itk_registry *reg,
                      const itk_identity *who, const char *created, const char *type,
                      const char *requester, json_t *body, const char *supersedes);

/* itk_record_append with the envelope's refs (NULL: none), e.g.
 * {"unverified": [...]} from itk_refcheck. */
int itk_record_append_refs(itk_buf *path, itk_buf *id, itk_change *c, itk_registry *reg,
                           const itk_identity *who, const char *created, const char *type,
                           const char *requester, json_t *body, const char *supersedes,
                           json_t *refs);

#endif
