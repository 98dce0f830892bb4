/* The cache of status's reference checks (refs.cache in this user's folder
 * for the registry, cache_dir.h, which also seals it): for each record, by a
 * key over its blob and the parts of the tree its checks read
 * (status_objects.c), the references itk_refcheck_again found missing. A new
 * commit changes the keys of the records whose inputs it changed, and only
 * those are checked again. Private to the library. */
#ifndef ITAKU_REFS_CACHE_H
#define ITAKU_REFS_CACHE_H

#include <git2.h>
#include <stddef.h>

#define ITK_RCACHE_KEY_BYTES 32

typedef struct itk_rcache itk_rcache;

/* Reads repo's cache: *out holds what it kept (nothing when there is no
 * file, or it is of another build or damaged). ITK_ENOMEM only. */
int itk_rcache_load(itk_rcache **out, git_repository *repo);

/* The problems kept for key (a JSON array's text, *len bytes, not
 * NUL-terminated), NULL when none is kept. */
const char *itk_rcache_get(const itk_rcache *c, const unsigned char key[ITK_RCACHE_KEY_BYTES],
                           size_t *len);

/* Keeps problems (len bytes) for key in the next file: the file holds the
 * keys put since the load, nothing else. ITK_ENOMEM. */
int itk_rcache_put(itk_rcache *c, const unsigned char key[ITK_RCACHE_KEY_BYTES],
                   const char *problems, size_t len);

/* Writes the file when what was put differs from what was read (a file not
 * written is no error; repo NULL: never), and frees c. NULL: nothing. */
void itk_rcache_close(itk_rcache *c, git_repository *repo);

#endif
