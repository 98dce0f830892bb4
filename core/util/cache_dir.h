/* Where the caches of a registry live and how a cache file proves that this
 * user wrote it (DESIGN §7 "Caches are local"): outside the repository, in a
 * folder of this user's named after the registry's real path and genesis,
 * each file sealed with an HMAC under a key of this user's kept outside the
 * repository too (mode 0600, made on first use). What the caches hold is
 * vcache.c's, snapshot_cache.c's and log_cache.c's. Private to the library. */
#ifndef ITAKU_CACHE_DIR_H
#define ITAKU_CACHE_DIR_H

#include <git2.h>
#include <stddef.h>

#define ITK_CACHE_PATH_MAX 4096
#define ITK_CACHE_KEY_BYTES 32
/* A file starts with the place's tag and ends with its HMAC-SHA-256. */
#define ITK_CACHE_TAG_BYTES 32
#define ITK_CACHE_MAC_BYTES 32

/* One registry's caches for one user (or for the hosted hook). */
typedef struct {
    char dir[ITK_CACHE_PATH_MAX]; /* "": no usable place, run uncached */
    unsigned char key[ITK_CACHE_KEY_BYTES];
    /* SHA-256 over the registry's real path, its pins, the rules' digest
     * and the libgit2, jansson and OpenSSL this process runs with */
    unsigned char tag[ITK_CACHE_TAG_BYTES];
} itk_cache_place;

/* Finds the place of repo's caches. root NULL: this user's cache folder
 * ($XDG_CACHE_HOME/itaku or ~/.cache/itaku) with the key in
 * $XDG_STATE_HOME/itaku/cache.key or ~/.local/state/itaku/cache.key; else
 * the hosted hook's folder (itaku.cacheDir, set by `itaku server init`), its
 * key in root/cache.key. Never fails: with no home, a key that cannot be
 * made, or a key file that is not this user's alone, pl->dir is "" and every
 * read misses and every write is skipped. Wipe with itk_cache_place_dispose. */
void itk_cache_place_init(itk_cache_place *pl, git_repository *repo, const char *root);
void itk_cache_place_dispose(itk_cache_place *pl);

/* The hosted hook's cache folder for `itaku server init`: dir, or with dir
 * NULL this user's cache folder (as above) + "/hosted", made if missing
 * (mode 0700); out gets its absolute real path. ITK_ENOTFOUND (dir NULL and
 * no home), ITK_EIO (cannot be made), ITK_EINVALID (too long): message set. */
int itk_cache_hosted_root(char *out, size_t cap, const char *dir);

/* The path of the cache file name of pl; ITK_ENOTFOUND when pl has none. */
int itk_cache_path(char *out, size_t cap, const itk_cache_place *pl, const char *name);

/* Reads the cache file name (its content at most max bytes): *data
 * (malloc'ed) and *len get what itk_cache_write was given. ITK_ENOTFOUND
 * when absent (or unreadable) or pl has no place; ITK_EINVALID when it is too big, cut
 * short, of another place or build, or its HMAC is not this key's (a file
 * copied from another user or registry). Sets no error message. */
int itk_cache_read(unsigned char **data, size_t *len, const itk_cache_place *pl, const char *name,
                   size_t max);

/* Writes the cache file name (its folders made with mode 0700) through a
 * temporary file and a rename, so that readers see the old file or the new
 * one; on any failure (read-only or full disk) the temporary file is
 * removed and nothing else changes. ITK_EIO then; the callers run on
 * uncached. Sets no error message. */
int itk_cache_write(const itk_cache_place *pl, const char *name, const void *data, size_t len);

#endif
