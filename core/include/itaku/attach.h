/* Evidence attachments (DESIGN §3): a file's bytes kept under
 * parties/<id>/attachments/<sha256>, named by the lower-case hex SHA-256 of
 * its content, at most ITK_MAX_ATTACHMENT_BYTES (20 MiB), written only by
 * the party itself and never changed or removed (V2, V4, V10). Every party
 * holding the registry sees an attachment, for ever. */
#ifndef ITAKU_ATTACH_H
#define ITAKU_ATTACH_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/commit.h"
#include "itaku/json.h"
#include "itaku/registry.h"

/* The limit as people read it, for messages. */
#define ITK_ATTACHMENT_LIMIT_TEXT "20 MiB (20971520 bytes)"

/* One file to attach: its bytes, their SHA-256 (64 lower-case hex digits)
 * and the name it was submitted under (the last part of its path). */
typedef struct {
    itk_buf data;
    char sha256[65];
    char filename[256];
} itk_attachment;

/* Reads file (a path on this machine) into a: refused with ITK_ETOOBIG,
 * naming the file and the limit, when it is larger than
 * ITK_MAX_ATTACHMENT_BYTES (read from its size before any byte is read);
 * ITK_ENOTFOUND/ITK_EIO when it cannot be read; ITK_EINVALID when it is
 * not a regular file or is empty. a is the caller's, freed with itk_attachment_dispose. */
int itk_attachment_read(itk_attachment *a, const char *file);
void itk_attachment_dispose(itk_attachment *a);

/* The attachment path of sha256 in party's folder (ITK_EINVALID when
 * sha256 is not 64 lower-case hex digits). */
int itk_attachment_path(itk_buf *path, const char *party, const char *sha256);

/* Adds a to change c as parties/<party>/attachments/<sha256>, unless tree
 * (HEAD's; NULL: none) holds it already (then nothing is added: the same
 * bytes are already kept). */
int itk_attachment_stage(itk_change *c, git_repository *repo, const git_tree *tree,
                         const char *party, const itk_attachment *a);

/* Sets body[field] from a: an array field (the schema's type) gets
 * {filename, sha256} appended, an object field is set to it. field is a
 * top-level field of the form whose schema (as itk_registry_schema gives
 * it) says it is an attachment or a list of them; ITK_EINVALID, naming the
 * field and the fields that are, otherwise. */
int itk_attachment_fill(json_t *body, const json_t *schema, const char *field,
                        const itk_attachment *a);

/* itaku attach: commits a alone (action "attach") under the signer's own
 * folder; *out the commit (zeroed when the registry holds the same bytes
 * already, nothing written), *party the signer's party. */
int itk_attachment_commit(git_oid *out, char party[64], itk_registry *reg, itk_signer *signer,
                          const itk_attachment *a);

/* The attachment whose name is sha256 (or a unique prefix of at least 8
 * hex digits) in tree, under any party's folder: its bytes (at most
 * ITK_MAX_ATTACHMENT_BYTES) into data, its path into path (either may be
 * NULL). ITK_ENOTFOUND when no party holds it, ITK_EINVALID for a prefix
 * that is not hex or names two. */
int itk_attachment_find(itk_buf *data, itk_buf *path, git_repository *repo, const git_tree *tree,
                        const char *sha256);

#endif
