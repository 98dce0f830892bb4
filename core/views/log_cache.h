/* The log cache (log.cache in this user's folder for the registry,
 * cache_dir.h): per commit, what `itaku log` works
 * out from its trees — the obligations sections of its records and the
 * records a merge brings into the line. Both depend on the commit alone, so
 * an entry never goes stale; the file is kept for one build (the sources'
 * digest) and grows as new commits arrive. Private to the library. */
#ifndef ITAKU_LOG_CACHE_H
#define ITAKU_LOG_CACHE_H

#include <git2.h>
#include <stddef.h>

#include "itaku/history.h"

typedef struct itk_lcache itk_lcache;

/* An empty cache when there is no file, or it is damaged or another
 * build's; fails only when out of memory. */
int itk_lcache_load(itk_lcache **out, git_repository *repo);
/* The same from the file's bytes (without the checksum it ends with), for
 * the build whose sources' digest is digest. */
int itk_lcache_parse(itk_lcache **out, const unsigned char *data, size_t len, const char *digest);
/* 1 when id is known: e's sections and received list are filled (copies
 * that e owns); 0 when not; < 0 when out of memory. */
int itk_lcache_get(const itk_lcache *c, const git_oid *id, itk_log_entry *e);
/* The same without copying: 1 when id is known, with its sections copied
 * into sections and the number of paths it received in *nreceived; 0 when
 * not. */
int itk_lcache_peek(const itk_lcache *c, const git_oid *id, char sections[48], size_t *nreceived);
/* Path k of those id's entry received (the cache's own text, valid until
 * the cache is freed); NULL when id is not known or k is past the end. */
const char *itk_lcache_received(const itk_lcache *c, const git_oid *id, size_t k);
int itk_lcache_put(itk_lcache *c, const git_oid *id, const itk_log_entry *e);
/* Writes the file when something was put; a cache not written is no
 * error. */
void itk_lcache_save(itk_lcache *c, git_repository *repo);
size_t itk_lcache_count(const itk_lcache *c);
/* The commit of entry i (in the order put), NULL past the end. */
const git_oid *itk_lcache_id(const itk_lcache *c, size_t i);
void itk_lcache_free(itk_lcache *c);

#endif
