/* Reading records and keys from a registry's tree: finding a record by name,
 * the one in force of a type, every record (allowed_signers: audit_export.h). */
#ifndef ITAKU_QUERY_H
#define ITAKU_QUERY_H

#include "itaku/buf.h"
#include "itaku/registry.h"

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

#endif
