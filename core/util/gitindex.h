/* A work tree's index (.git/index, versions 2 and 3 as git's
 * Documentation/gitformat-index.txt says them) read and written again with
 * a few new files in it, without loading every entry as libgit2 does: a
 * write of one record into a large registry would otherwise spend more on
 * the index than on the record (issue 18). The bytes are the user's file,
 * but any bytes may be there: they are checked whole (length, order,
 * checksum) before anything is written from them. Private to the library. */
#ifndef ITAKU_GITINDEX_H
#define ITAKU_GITINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "itaku/buf.h"

/* A longer index file is not read (the caller leaves it to libgit2). */
#define ITK_GITINDEX_MAX_BYTES ((size_t)1 << 30)

/* A checked index: offsets into the bytes given to itk_gitindex_parse
 * (which must outlive it). */
typedef struct {
    const unsigned char *data;
    size_t len;
    uint32_t version;   /* 2 or 3 */
    uint32_t n;         /* entries, each at stage 0, names strictly ascending */
    size_t *entry;      /* n offsets of entries in data */
    size_t *name_len;   /* n lengths of their names (no NUL in a name) */
    size_t entries_end; /* where the entries end (extensions or the checksum begin) */
} itk_gitindex;

/* One file to add: its path (relative, '/'-separated, no NUL), its blob
 * and the stat of the file written in the work tree (seconds and
 * nanoseconds since the epoch, UTC; each field kept to its low 32 bits as
 * git does). */
typedef struct {
    const char *path;
    unsigned char id[20];
    uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns, dev, ino, uid, gid, size;
} itk_gitindex_file;

/* Checks len bytes of an index and fills *out (itk_gitindex_dispose).
 * Checked: signature "DIRC", version 2 or 3, every entry inside the bytes
 * (its name's length as its flags say, NUL padding to 8 bytes), no entry in
 * a conflict (stage 0 only), no extended flags in version 2, names strictly
 * ascending, each extension inside the bytes and optional (its first
 * letter A-Z: an index with a required one, such as a split index's
 * "link", is not one to rewrite here), the trailing SHA-1 of the rest. 0,
 * ITK_EINVALID (message names what is wrong) or ITK_ENOMEM. */
int itk_gitindex_parse(itk_gitindex *out, const void *data, size_t len);

/* Whether the n files can be added to ix: 0, or itk_gitindex_insert's
 * error (nothing written). */
int itk_gitindex_check_add(const itk_gitindex *ix, const itk_gitindex_file *files, size_t n);

/* Writes into out (cleared first) the index ix with the n files added in
 * their places, its optional extensions left out (git and libgit2 build
 * them again), its checksum new. 0; ITK_ECONFLICT when a path is in ix
 * already, or a folder of it is a file there, or it is a folder of files
 * there (a checkout decides then); ITK_EINVALID for an empty or twice
 * given path or over 2^32 - 1 entries; ITK_ENOMEM. */
int itk_gitindex_insert(itk_buf *out, const itk_gitindex *ix, const itk_gitindex_file *files,
                        size_t n);

void itk_gitindex_dispose(itk_gitindex *ix);

#endif
