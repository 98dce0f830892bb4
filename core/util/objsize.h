/* Objects read from a registry come from whoever wrote it: their size is
 * read from the object's header (git_odb_read_header: a loose object's first
 * bytes, a packed object's or delta's size field) before anything is
 * inflated, so that a small pack claiming a 1 GiB blob costs nothing. */
#ifndef ITAKU_OBJSIZE_H
#define ITAKU_OBJSIZE_H

#include <git2.h>
#include <stddef.h>

/* The largest commit object read (its message, trailers and signature). */
#define ITK_MAX_COMMIT_BYTES (16u * 1024u * 1024u)
/* The largest tree object read or accepted (V10), one limit for every
 * reader: a folder of 200,000 records ("r-000001.json", 41 bytes an entry) or
 * 90,000 attachments (named by their SHA-256, 92 bytes an entry). */
#define ITK_MAX_TREE_BYTES (8u * 1024u * 1024u)

/* Reads id's type and size from its header, inflating nothing. 0 when id is
 * an object of type want (GIT_OBJECT_ANY: any) of at most max bytes (*size
 * set when size is not NULL); ITK_ETOOBIG over max, ITK_EINVALID of another
 * type, ITK_ENOTFOUND when the registry lacks it, ITK_EGIT when it cannot be
 * read; each with a message naming id and, for ITK_ETOOBIG, the limit. */
int itk_object_size(size_t *size, git_repository *repo, const git_oid *id, git_object_t want,
                    size_t max);

/* git_blob_lookup after itk_object_size(..., GIT_OBJECT_BLOB, max): the blob
 * is inflated only when it is within max. *out is the caller's to free. */
int itk_blob_lookup_bounded(git_blob **out, git_repository *repo, const git_oid *id, size_t max);

/* How many headers itk_object_size has read in this thread (tests). */
unsigned long itk_object_size_reads(void);

#endif
