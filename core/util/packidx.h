/* A git pack's index (objects/pack/pack-*.idx, version 2, as git's
 * Documentation/gitformat-pack.txt says it) checked whole before anything
 * trusts it: a registry copied from elsewhere, or the folder a sync takes
 * from, may hold any bytes there, and libgit2 reads an index's counts and
 * offsets as they are (issue 20). Private to the library. */
#ifndef ITAKU_PACKIDX_H
#define ITAKU_PACKIDX_H

#include <stddef.h>
#include <stdint.h>

#include "packscan.h"

/* The bytes of an index before its objects (magic, version, 256-entry
 * fan-out), each object's (20-byte name, CRC-32, 4-byte offset), and after
 * them (the pack's checksum, the index's). */
#define ITK_PACKIDX_HEADER_BYTES (8u + 256u * 4u)
#define ITK_PACKIDX_ENTRY_BYTES (20u + 4u + 4u)
#define ITK_PACKIDX_TRAILER_BYTES (2u * 20u)
/* The longest index of ITK_PACK_MAX_OBJECTS objects, each with a large
 * (8-byte) offset: a longer file is refused before it is read. */
#define ITK_PACKIDX_MAX_BYTES                                                                      \
    ((uint64_t)ITK_PACKIDX_HEADER_BYTES +                                                          \
     (uint64_t)ITK_PACK_MAX_OBJECTS * (ITK_PACKIDX_ENTRY_BYTES + 8u) + ITK_PACKIDX_TRAILER_BYTES)

/* A checked index: pointers into the bytes given to itk_packidx_parse (which
 * must outlive it). Every offset entry with its top bit set indexes off64. */
typedef struct {
    uint32_t n;                   /* objects: the last fan-out entry */
    const unsigned char *fanout;  /* 256 big-endian counts, non-decreasing */
    const unsigned char *ids;     /* n object names of 20 bytes, strictly ascending */
    const unsigned char *crcs;    /* n big-endian CRC-32s of the pack's entries */
    const unsigned char *off32;   /* n big-endian 31-bit offsets or off64 indexes */
    const unsigned char *off64;   /* n64 big-endian 8-byte offsets */
    size_t n64;                   /* large offsets: as many as off32 entries with the top bit */
    const unsigned char *pack_id; /* the pack's checksum (20 bytes) */
} itk_packidx;

/* Checks len bytes of an index, named what in messages (a path, copied into
 * the message only), and fills *out. pack_len: the length of its pack in
 * bytes when known (every object's offset must then lie between the pack's
 * 12-byte header and its 20-byte checksum, and the pack must be able to hold
 * the count), 0 when not (offsets are then bounded by ITK_PACK_MAX_BYTES).
 * Checked: the magic "\377tOc", version 2, the fan-out non-decreasing, the
 * count at most ITK_PACK_MAX_OBJECTS, the length exactly that of the count
 * and of the large offsets, each name in its fan-out bucket and the names
 * strictly ascending, each large-offset index inside the table. Not checked
 * here: the index's own checksum (itk_packidx_check_file's), the pack's
 * (packreuse.c compares it with its pack's trailer) and the CRCs (libgit2
 * hashes every object it reads, so an entry changed in the pack is found
 * when it is read).
 * 0; ITK_EUNSUPPORTED for a version-1 index (no magic, its fan-out and
 * length those of version 1) and for other versions; ITK_ETOOBIG for a count
 * over the limit; ITK_EINVALID for the rest (a bad magic among them); each
 * message names what and what is wrong with it, not what to do. */
int itk_packidx_parse(itk_packidx *out, const unsigned char *data, size_t len, uint64_t pack_len,
                      const char *what);

/* Checks the index file idx_path (named so in messages): a regular file
 * (a folder or a symbolic link is refused), at most ITK_PACKIDX_MAX_BYTES,
 * mapped and checked with itk_packidx_parse, with the length of pack_path
 * (its pack; NULL or missing: not known), then its own checksum (the
 * SHA-1 of all its bytes before their last 20; ITK_EINVALID when it does
 * not match: a name, CRC or offset changed since git wrote it). 0 also when
 * idx_path no longer exists (a repack removed it since it was listed).
 * Errors as
 * itk_packidx_parse's, and ITK_ETOOBIG for a file over the limit, ITK_EIO
 * when it cannot be read. */
int itk_packidx_check_file(const char *idx_path, const char *pack_path);

/* Calls cb with the path of each *.idx in pack_dir and that of its pack (the
 * same name ending .pack; it may not exist), in the folder's order, until cb
 * returns non-zero, which is returned. A name whose path does not fit in
 * 4096 bytes is passed over (nothing could open it). 0 when pack_dir does not
 * exist or cannot be listed. */
typedef int (*itk_packidx_each_cb)(const char *idx_path, const char *pack_path, void *payload);
int itk_packidx_each(const char *pack_dir, itk_packidx_each_cb cb, void *payload);

#endif
