/* The canonical trees' cache (canon.cache in this user's folder for the
 * registry, cache_dir.h, which also seals it): the ids of trees an earlier
 * check found in git's canonical form (vtrees.h: git's order, no hostile
 * entry, files that are blobs), each with its height, so that checking a new
 * commit on its own (itk_verify_one: every write) reads only the folders
 * that differ from its parent's tree, not the whole registry (issue 18).
 *
 * A tree's id fixes its bytes and those of every object under it, so a
 * canonical tree stays canonical; the place's seal (this user's key, this
 * registry's real path, this build's rules) keeps a file from elsewhere
 * out. The file is untrusted input all the same: read with bounded readers
 * and refused whole (the check runs uncached) when it does not parse.
 * Private to verify. */
#ifndef ITAKU_CANON_CACHE_H
#define ITAKU_CANON_CACHE_H

#include "oidmap.h"
#include "vtrees.h"

#include <git2.h>
#include <stddef.h>

/* Its name in the registry's cache folder. */
#define ITK_CANON_CACHE_FILE "canon.cache"
/* Trees remembered at most: those of the last trees checked first, then
 * the rest from the file in its order (least lately used last, dropped
 * first). The tree of a registry of 20,000 records holds about 500. */
#define ITK_CANON_CACHE_MAX_TREES 8192u
/* The largest file read back (the magic line, two u32, the entries). */
#define ITK_CANON_CACHE_MAX_BYTES (64u + 8u + ITK_CANON_CACHE_MAX_TREES * (GIT_OID_RAWSZ + 1u))

/* The file's trees, in its order (most lately used first). */
typedef struct {
    git_oid *ids;
    size_t n;
} itk_canon_cache;

/* Parses the len bytes of a cache file (data, borrowed): the magic line,
 * u32 format, u32 count (at most ITK_CANON_CACHE_MAX_TREES, at most what
 * the bytes left hold), then per tree its raw id and a byte of its height
 * (1 to ITK_VTREES_MAX_DEPTH), no id twice, nothing after. Each tree goes
 * into heights (which must hold none of them: an id already there is a
 * damaged file) and c->ids. 0, or -1 when the bytes are not such a file
 * (heights and c may hold part of it; ITK_ENOMEM is -1 too). The fuzz
 * target's entry. */
int itk_canon_cache_parse(itk_canon_cache *c, itk_oidmap *heights, const unsigned char *data,
                          size_t len);

/* Reads repo's file into m (its heights, which must be empty) and c, and
 * has m note which trees the check uses or finds (m->used). A missing,
 * foreign or damaged file leaves both empty: never an error. 0 or
 * ITK_ENOMEM. */
int itk_canon_cache_load(itk_canon_cache *c, itk_vtrees *m, git_repository *repo);

/* Writes the file back when m found a tree canonical that it did not hold:
 * root first (the tree just checked, when canonical), the trees m used or
 * found, then c's others in their order, ITK_CANON_CACHE_MAX_TREES at
 * most. A file that cannot be written is no error (the next check reads
 * more). */
void itk_canon_cache_save(const itk_canon_cache *c, const itk_vtrees *m, git_repository *repo,
                          const git_oid *root);

void itk_canon_cache_dispose(itk_canon_cache *c);

/* 1 when repo's file (sealed and whole) lists tree: a tree a check found
 * canonical, on which a writer may build by folders (commit.c); 0 when it
 * does not, or there is no such file. Never an error. */
int itk_canon_cache_holds(git_repository *repo, const git_oid *tree);

#endif
