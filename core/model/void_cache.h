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

/* The remembered walks of repo. Zero-initialise; itk_void_cache_dispose. */
typedef struct {
    itk_void_memo *e;
    size_t n;
    int read; /* the file was looked at */
} itk_void_cache;

/* Parses the len bytes of a cache file (data, borrowed) into an empty c:
 * the magic line, the format, then at most ITK_VOID_CACHE_MAX_ENTRIES walks
 * (each: key and last_good as SSH strings, u32-counted raw tip and void
 * ids, u32-counted keys), every count bounded by the bytes left, and
 * nothing after. 0, or -1 when the bytes are not such a file (c may hold
 * part of it: itk_void_cache_dispose). The fuzz target's entry. */
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
 * oldest beyond ITK_VOID_CACHE_MAX_ENTRIES, and writes c back to repo's
 * cache file. A file that cannot be written is not an error (the next walk
 * runs in full); 0 or ITK_ENOMEM. */
int itk_void_cache_remember(itk_void_cache *c, git_repository *repo, const itk_void_memo *m);

void itk_void_cache_dispose(itk_void_cache *c);

#endif
