/* The void walk's cache (voids.cache in this user's folder for the registry,
 * cache_dir.h): what people.c's V9 walk found for one compromise from a set
 * of start commits, so that the next walk from their descendants reads only
 * the commits made since (issue 18). Private to people.c.
 *
 * A walk's answer is fixed by the commits' ids (a commit's claimed signer and
 * the keys it adds are in its bytes): the walk from starts S equals the walk
 * from earlier tips X, every one of them S's or an ancestor of one, followed
 * by the walk of S that hides X. The file is untrusted input: read with
 * bounded readers and used only when this user's seal holds (cache_dir.c);
 * a file that does not parse is ignored and rewritten. */
#ifndef ITAKU_VOID_CACHE_H
#define ITAKU_VOID_CACHE_H

#include "itaku/people.h"

#include <git2.h>
#include <stddef.h>

/* Its name in the registry's cache folder. */
#define ITK_VOID_CACHE_FILE "voids.cache"
/* Walks remembered (one per compromise and set of starts: HEAD, every ref, …). */
#define ITK_VOID_CACHE_MAX_ENTRIES 8
/* The largest file read back; a bigger one is ignored and rebuilt. */
#define ITK_VOID_CACHE_MAX_BYTES (64u * 1024u * 1024u)
/* Earlier tips that are not among the starts at most checked for being
 * their ancestors; more: the walk runs in full. */
#define ITK_VOID_CACHE_MAX_MOVED 16
/* Commits at most read looking for them; not all found: the walk runs in
 * full. */
#define ITK_VOID_CACHE_MAX_SEARCH 4096
/* … nor those committed more than this before the oldest tip looked for. */
#define ITK_VOID_CACHE_SLACK_SECONDS (24LL * 3600)

/* One remembered walk of one compromise (key, last_good). */
typedef struct {
    char key[64];
    char last_good[GIT_OID_HEXSZ + 1];
    git_oid *tips; /* the walk's starts, sorted, no duplicates */
    size_t ntips;
    git_oid *voids; /* the void commits it found, in the walk's order */
    size_t nvoids;
    char (*keys)[64]; /* the keys void at its end, the compromised one first */
    size_t nkeys;
} itk_void_memo;

/* Void commits whose writes are remembered at most (those of the walks
 * kept); more are diffed again when needed. */
#define ITK_VOID_CACHE_MAX_COMMITS 4096
/* The longest path of a remembered write. */
#define ITK_VOID_CACHE_MAX_PATH 4096

/* What one void commit wrote (its diff with its first parent, fixed by its
 * id): so that a walk need not diff it again (issue 18). */
typedef struct {
    git_oid commit;
    itk_void_change *c;
    size_t n;
} itk_void_changes;

/* The remembered walks of repo. Zero-initialise; itk_void_cache_dispose. */
typedef struct {
    itk_void_memo *e;
    size_t n;
    itk_void_changes *w; /* what void commits wrote */
    size_t nw;
    int read;  /* the file was looked at */
    int dirty; /* it differs from the file: itk_void_cache_flush writes it */
} itk_void_cache;

/* Parses the len bytes of a cache file (data, borrowed) into an empty c:
 * the magic line, the format, then at most ITK_VOID_CACHE_MAX_ENTRIES walks
 * (each: key and last_good as SSH strings, u32-counted raw tip and void
 * ids, u32-counted keys), then at most ITK_VOID_CACHE_MAX_COMMITS void
 * commits' writes (each: raw commit id, u32-counted changes of a u32
 * status, a raw id and a path as an SSH string of 1 to
 * ITK_VOID_CACHE_MAX_PATH - 1 bytes without NUL), every count bounded by
 * the bytes left, and nothing after. 0, or -1 when the bytes are not such a
 * file (c may hold part of it: itk_void_cache_dispose). The fuzz target's
 * entry. */
int itk_void_cache_parse(itk_void_cache *c, const unsigned char *data, size_t len);

/* Reads repo's cache file into c (once; later calls do nothing). A missing,
 * foreign or damaged file leaves c empty: never an error. */
void itk_void_cache_load(itk_void_cache *c, git_repository *repo);

/* The remembered walk of key and last_good whose tips are all among starts
 * (nstarts commits) or ancestors of one of them: borrowed from c, NULL when
 * there is none. Reads the commits since those tips to check ancestry. */
const itk_void_memo *itk_void_cache_find(const itk_void_cache *c, git_repository *repo,
                                         const char *key, const char *last_good,
                                         const git_oid *starts, size_t nstarts);

/* Remembers m (its arrays copied; the tips sorted and made unique) first in
 * c, dropping an earlier walk of the same compromise and tips and the
 * oldest beyond ITK_VOID_CACHE_MAX_ENTRIES (itk_void_cache_flush writes it
 * back). 0 or ITK_ENOMEM. */
int itk_void_cache_remember(itk_void_cache *c, const itk_void_memo *m);

/* What void commit commit wrote as c remembers it: borrowed, NULL when c
 * does not hold it. */
const itk_void_changes *itk_void_cache_changes(const itk_void_cache *c, const git_oid *commit);

/* Remembers that commit wrote the n changes ch (copied) in c. 0 or
 * ITK_ENOMEM. */
int itk_void_cache_note_changes(itk_void_cache *c, const git_oid *commit, const itk_void_change *ch,
                                size_t n);

/* Writes c back to repo's cache file (temporary file and rename,
 * cache_dir.h) when it changed, keeping the writes of the void commits its
 * walks name. A file that cannot be written is not an error (the next walk
 * runs in full). */
void itk_void_cache_flush(itk_void_cache *c, git_repository *repo);

void itk_void_cache_dispose(itk_void_cache *c);

/* Frees the n changes ch and their paths. */
void itk_void_changes_free(itk_void_change *ch, size_t n);

#endif
