/* A scan of a git pack's object headers before libgit2's indexer resolves it
 * (a bundle's pack, a fetched pack): every object's size is read from its
 * header, and every delta's result size from the first bytes of the delta,
 * so that a small pack claiming a 1 GiB object is refused before anything
 * inflates it (DESIGN V10, issue 10). The scanner is fed the pack's bytes in
 * chunks of any size, as they arrive; it inflates each object's stream into
 * a small scratch buffer only to find where the next object starts, and
 * stops at the first object over its limit. Private to the library. */
#ifndef ITAKU_PACKSCAN_H
#define ITAKU_PACKSCAN_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "itaku/progress.h"

/* The largest object of each kind a pack may hold. A delta's result is
 * bounded by `delta` (its base's kind is not known while scanning), and a
 * delta's own instructions by `delta` as well. `pack` bounds the pack's
 * whole length in bytes; 0 stands for ITK_PACK_MAX_BYTES. */
typedef struct {
    uint64_t commit, tree, blob, tag, delta;
    uint64_t pack;
} itk_packscan_limits;

/* The limits itaku uses: ITK_MAX_COMMIT_BYTES, ITK_MAX_TREE_BYTES,
 * ITK_MAX_ATTACHMENT_BYTES (the largest blob a registry holds), for a
 * tag and a delta the largest of these, and ITK_PACK_MAX_BYTES. */
void itk_packscan_default_limits(itk_packscan_limits *lim);

typedef struct itk_packscan itk_packscan;

/* The most objects a pack may say it holds. libgit2's indexer reserves room
 * for the count in the header before it reads an object, so a 100-byte pack
 * claiming 1.8 billion objects would make it reserve gigabytes: the count is
 * checked first. A registry of 100,000 commits holds about 500,000. */
#define ITK_PACK_MAX_OBJECTS 10000000u
/* The most bytes one pack may hold, checksum included. A fetched pack's
 * length is known only at its end, and it is kept on disk while it is
 * scanned: without this a peer could send one without end. A contract's
 * whole registry, its attachments (ITK_MAX_ATTACHMENT_BYTES each) included,
 * is expected to stay far below it: 8 GiB holds 400 attachments of 20 MiB. */
#define ITK_PACK_MAX_BYTES (8ull * 1024 * 1024 * 1024)
/* The fewest bytes one object takes in a pack: a one-byte header and a zlib
 * stream (2 bytes of header, at least one of data, 4 of checksum). */
#define ITK_PACK_MIN_OBJECT_BYTES 8u

/* A new scanner with lim (NULL: the defaults); `what` names the pack in
 * messages ("the pack in x.bundle"), copied. ITK_ENOMEM. *out is the
 * caller's; free with itk_packscan_free. */
int itk_packscan_new(itk_packscan **out, const itk_packscan_limits *lim, const char *what);
void itk_packscan_free(itk_packscan *s);
/* The pack's whole length in bytes when it is known beforehand (a bundle's
 * pack: the file's size after its header), so that a count the bytes cannot
 * hold (ITK_PACK_MIN_OBJECT_BYTES each, after the 12-byte header and the
 * 20-byte checksum) is refused at the header. Call before the first feed. */
void itk_packscan_set_length(itk_packscan *s, uint64_t pack_bytes);

/* Feeds the next len bytes of the pack. 0, or: ITK_ETOOBIG for an object or
 * a delta's result over its limit (the message names the object's offset,
 * its kind, its size and the limit), for a pack longer than the limit of a
 * pack (said as soon as the bytes fed pass it, even after other damage was
 * found, or at the first feed when the length set is over it), ITK_EINVALID for bytes that are not
 * a pack (a bad signature or version, a count over ITK_PACK_MAX_OBJECTS or more than the pack's
 * length can hold, a damaged stream, an object longer than it says, bytes after the checksum). Once
 * it fails, it keeps failing (and still counts the bytes fed, for itk_packscan_finish). */
int itk_packscan_feed(itk_packscan *s, const void *data, size_t len);

/* 0 when the whole pack, checksum included, was fed. ITK_EINVALID naming
 * the count and the length when the header claims more objects than all the
 * bytes fed can hold (a fetched pack's length is known only at its end;
 * this is said instead of the damage the scan found after the real objects,
 * where their checksum was read as one more); else feed's failure again, or
 * ITK_EINVALID when the pack stopped short. An object over its limit
 * (ITK_ETOOBIG) stays the reason. */
int itk_packscan_finish(itk_packscan *s);

/* Tests: the objects whose headers were read, and the bytes inflated so far
 * (a refusal by header inflates none of the refused object). */
uint64_t itk_packscan_objects(const itk_packscan *s);
/* The count in the pack's header (0 until it is read), and the bytes fed. */
uint64_t itk_packscan_count(const itk_packscan *s);
uint64_t itk_packscan_bytes(const itk_packscan *s);
uint64_t itk_packscan_inflated(const itk_packscan *s);

/* Fetches: every pack libgit2 writes into repo's object database until
 * itk_packscan_guard_end is scanned as it arrives, and refused (the fetch
 * fails with the scanner's message) before its deltas are resolved. The
 * indexer is given the pack only once the scan has read all of it (libgit2
 * reserves room for the count in the header as soon as it reads it), so a
 * count the pack's bytes cannot hold never reaches it: until then the pack
 * is kept in an unlinked temporary file in objects/pack. An object over its
 * limit is refused as it arrives; other damage at the pack's end, when the
 * length tells whether the count was a lie. It puts in front of the repository's object database
 * one that writes packs through the scanner; *saved (the caller's) is the database to put back.
 * ITK_EGIT. Note: libgit2 serves a path remote with its packbuilder, which
 * reads every object it sends whole on the sending side, before this guard
 * sees a byte: itk_packscan_source_check is for a path remote. An ssh
 * remote streams its pack through the guard. */
typedef struct itk_packscan_guard itk_packscan_guard;
/* lim: the scan's limits (NULL: the defaults; tests lower them). */
int itk_packscan_guard_begin(itk_packscan_guard **out, git_repository *repo,
                             const itk_packscan_limits *lim);
/* Puts the repository's own object database back (refreshed, so that it
 * sees the packs written); frees g. */
void itk_packscan_guard_end(itk_packscan_guard *g);
/* Frees g without touching its repository, which its owner has freed
 * already (git_clone frees the repository it made when it fails). */
void itk_packscan_guard_drop(itk_packscan_guard *g);
/* cb (may be NULL) is told of each pack the guard writes: its bytes and
 * objects as they arrive, then its objects as the indexer takes them
 * (progress.h). */
void itk_packscan_guard_progress(itk_packscan_guard *g, itk_fetch_progress_cb cb, void *payload);

/* A path remote: libgit2's local transport packs what it sends with
 * git_packbuilder, in this process, reading each object whole. Before such a
 * fetch, every object that ours lacks and that src's branches main,
 * parties/<P>/..., requests/... and decisions/... reach has its size read from its header
 * in src (commits and trees within their limits are then read to find what
 * they name; blobs never are), so that one over its limit is refused before
 * anything inflates it. path names src in messages. 0; ITK_ETOOBIG naming
 * the object, its size and the limit; ITK_EGIT for an object src cannot
 * read (the fetch would fail too). */
int itk_packscan_source_check(git_repository *ours, git_repository *src, const char *path);

/* The same check, then for a few objects (at most max_objects, of at most
 * max_bytes in all) the copy libgit2's local transport would make, without
 * its walk of src's whole history (issue 18): each object read whole from
 * src, its id checked against its bytes, and only once all are, each written
 * into ours (loose). *copied is 1 when ours holds them all now; 0 when they
 * were too many or too big, or one could not be read or is not what its id
 * says (nothing was written then): the caller fetches as before, which says
 * what is wrong. The check's errors as above (nothing copied); ITK_EGIT with
 * libgit2's word when a write fails (a full disk), the objects written
 * removed again. Moves no ref. */
int itk_packscan_source_copy(int *copied, git_repository *ours, git_repository *src,
                             const char *path, size_t max_objects, size_t max_bytes);

#endif
