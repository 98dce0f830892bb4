/* The verification cache (verify.cache in this user's folder for the
 * registry, cache_dir.h): what each commit was found to be (signer, action,
 * records, problems) under this build's rules, so that verify and status
 * cost what is new, not the whole history. Private to verify.c; the rules
 * themselves stay policy.c's. */
#ifndef ITAKU_VCACHE_H
#define ITAKU_VCACHE_H

#include "vstate.h"

/* The largest cache file read back; a bigger one is ignored and rebuilt. */
#define ITK_VCACHE_MAX_BYTES (1024u * 1024u * 1024u)
/* Runs remembered whole (one per set of revisions: every ref, HEAD, …). */
#define ITK_VCACHE_MAX_SNAPSHOTS 4
/* Its name in the registry's cache folder (English; another language's
 * problems are kept in verify.<catalogue digest>.cache beside it). */
#define ITK_VCACHE_FILE "verify.cache"
/* The file of additions beside it: the commits runs found since the cache
 * file was written whole, so that a run that finds a few new commits writes
 * those rather than the whole history again (issue 18 point 1). It names the
 * cache file's generation: additions to another file are ignored. */
#define ITK_VCACHE_ADD_FILE "verify.add"

/* One verification run's use of the cache. */
typedef struct itk_vrun itk_vrun;

/* Opens the cache for a run over revs (NULL: every ref) with r's pins, in
 * this user's cache folder (cache_root NULL) or the hosted hook's
 * (itaku.cacheDir, cache_dir.h). With full, nothing cached is used (the
 * results are still written back). Returns
 * 1 when an identical earlier run (same revisions, same refs, same rules and
 * pins) filled r completely, 0 when the walk must run, negative on error. */
int itk_vrun_begin(itk_vrun **out, git_repository *repo, itk_verify_result *r, const char **revs,
                   size_t nrevs, int full, const char *cache_root);

/* Checks one commit of the walk: from the cache when it holds the commit
 * (bringing the per-commit state later commits need up to date first when a
 * new commit follows), else with itk_policy_check_commit. */
int itk_vrun_check(itk_vrun *v, itk_policy *p, const git_commit *c, itk_commit_info *info);

/* itk_vrun_check of commit id without reading it: 1 when the cache answered
 * (info filled), 0 when the commit must be read and given to itk_vrun_check,
 * negative on error. The commit is in the walk's graph already. */
int itk_vrun_check_id(itk_vrun *v, itk_policy *p, const git_oid *id, itk_commit_info *info);

/* What the cache holds of commit id itself (DESIGN §9, format 4): 1 with its
 * tree (when tree is not NULL), committer time and parents (at most
 * ITK_VORDER_MAX_PARENTS into parents, when not NULL), 0 when it holds
 * nothing of it. The cache of a run with full holds nothing. */
int itk_vrun_graph_of(itk_vrun *v, const git_oid *id, git_oid *tree, long long *time,
                      git_oid *parents, size_t *np);

/* 1 when the run's cache holds commits (itk_vrun_graph_of can answer). */
int itk_vrun_has_graph(const itk_vrun *v);

/* Notes commit i of the walk's tree, time and parents, written with its
 * verdict by itk_vrun_end. 0 or ITK_ENOMEM. */
int itk_vrun_graph_note(itk_vrun *v, size_t i, const git_oid *tree, long long time,
                        const git_oid *parents, size_t np);

/* 1 when itk_vrun_check will take commit id from the cache (its signature
 * is not verified again), 0 when it checks it. */
int itk_vrun_cached(itk_vrun *v, itk_policy *p, const git_oid *id);

/* The run's checks after the walk (V9), with the state of cached commits
 * rebuilt first when they need it. */
int itk_vrun_check_voids(itk_vrun *v, itk_policy *p);

/* After the walk: V8's receipts state of every commit the cache answered
 * rebuilt (the walk rebuilds it only as far as a merge or V9 needs it), for
 * the verdict at the tip (verify.c). 0, 1 when the walk did not note
 * every commit, or negative. */
int itk_vrun_catch_up(itk_vrun *v, itk_policy *p);

/* After the walk (and the run's own checks): writes what this run found
 * back, atomically. A cache that cannot be written is not an error. */
void itk_vrun_end(itk_vrun *v, itk_policy *p);

void itk_vrun_free(itk_vrun *v);

/* This user's cache file of repo (for tests); ITK_ENOTFOUND when this user
 * has no cache folder. */
int itk_vcache_path(char *out, size_t cap, git_repository *repo);

/* Fuzzing: reads a cache file's bytes (untrusted) as itk_vrun_begin does,
 * for the build whose rules digest is rules and the registry whose genesis
 * commit (hex) and city key fingerprint are genesis and city_key; returns
 * the number of commits it holds, -1 when it is refused (damaged, foreign,
 * of another build) or memory runs out. */
int itk_vcache_parse_bytes(const unsigned char *data, size_t len, const char *rules,
                           const char *genesis, const char *city_key);

/* The same for a cache file (data, len) and the bytes of a file of its
 * additions (add, alen; untrusted too): the commits both hold, those of the
 * cache file alone when the additions are refused (not this file's, of
 * other compromises, damaged), -1 when the cache file is refused. */
int itk_vcache_parse_pair(const unsigned char *data, size_t len, const unsigned char *add,
                          size_t alen, const char *rules, const char *genesis,
                          const char *city_key);

/* Helpers shared with the status cache (snapshot_cache.c). */
/* SHA-256 over HEAD and every ref with its target: equal while nothing moved. */
int itk_vcache_refs_digest(char out[65], git_repository *repo);

#endif
