/* V10's schema check for verify: a record's body against the schema version
 * its envelope names, read from the tree of the commit that adds it. Each
 * schema blob is read, parsed and checked once per run (by blob id), so a
 * walk over many records costs one validation each. Private to verify. */
#ifndef ITAKU_VSCHEMAS_H
#define ITAKU_VSCHEMAS_H

#include <git2.h>
#include <jansson.h>

#include "itaku/buf.h"
#include "oidmap.h"

typedef struct {
    itk_oidmap by_blob; /* schema blob id → its compiled schema or why it is unusable */
} itk_vschemas;

/* Frees what the run kept; a zeroed itk_vschemas is empty and needs no init. */
void itk_vschemas_free(itk_vschemas *v);

/* Validates body against schemas/<schema>.schema.json of tree (schema is the
 * envelope's "register.v1"). Returns 0 when it is valid; ITK_EINVALID when it
 * is not, with every problem appended to errors, one line each (label
 * leading); ITK_ENOTFOUND when tree holds no such schema, or ITK_EUNSUPPORTED
 * / ITK_EINVALID with errors untouched when the schema file itself is unusable
 * (unreadable, too big, not JSON, a keyword not understood), itk_error_last()
 * saying so; ITK_ENOMEM when the check could not run. The schema blob's size
 * is read from its header before it is inflated. */
int itk_vschemas_validate(itk_buf *errors, itk_vschemas *v, git_repository *repo,
                          const git_tree *tree, const char *schema, const json_t *body,
                          const char *label);

#endif
