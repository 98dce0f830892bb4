/* `itaku who`'s result (who.c) and the cache that keeps it (who_cache.c).
 * Private to the library. */
#ifndef ITAKU_WHO_PRIV_H
#define ITAKU_WHO_PRIV_H

#include <git2.h>
#include <jansson.h>

#include "itaku/snapshot.h"
#include "itaku/who.h"

struct itk_who {
    itk_who_party *parties;
    size_t n;
    char at[32];
    json_t *parent_of; /* every party file's parent (itk_snapshot_parent) */
};

/* itk_who_run from snap, the snapshot of HEAD (borrowed; NULL: opened
 * here), for the report, which holds one already (peak memory, issue 18). */
int itk_who_run_snap(itk_who **out, itk_registry *reg, const itk_who_options *o,
                     itk_snapshot *snap);

/* The who cache (who.cache in this user's cache folder for the registry,
 * cache_dir.h): every party's facts (all but whether an approval is open,
 * which depends on the evaluation time, and the time itself) for one key of
 * itk_scache_key (HEAD, the refs and the build). load returns 1 when it
 * filled w->parties, w->n and w->parent_of (w had none), 0 when there is no
 * such cache (or it is damaged, another key's, or memory ran out). parse does
 * the same from the file's bytes (without the checksum the file ends with).
 * save writes w; a cache not written is no error. */
int itk_wcache_load(itk_who *w, git_repository *repo, const char key[65]);
int itk_wcache_parse(itk_who *w, const unsigned char *data, size_t len, const char key[65]);
void itk_wcache_save(const itk_who *w, git_repository *repo, const char key[65]);

#endif
