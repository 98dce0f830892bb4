/* The snapshot's insides (snapshot.c), for status (which reads records
 * through the flat JSON view, without building values) and the cache that
 * keeps it (snapshot_cache.c). Private to the library. */
#ifndef ITAKU_SNAPSHOT_PRIV_H
#define ITAKU_SNAPSHOT_PRIV_H

#include "itaku/snapshot.h"
#include "jview.h"
#include "registry_priv.h"

#include <stdint.h>

#define ITK_SNAP_NONE UINT32_MAX

typedef struct {
    uint32_t path; /* its text in the view */
    itk_path_info pi;
    itk_jref rec, body; /* the record and its body in the view */
    /* when it reached its own party's line and the line of that party's
     * parent (-1: not yet), and the commit that brought it to its own */
    long long t_own, t_up;
    git_oid c_own;
    uint32_t flags;  /* ITK_SNAP_* */
    uint32_t sup_by; /* the record superseding it, or ITK_SNAP_NONE */
    /* provenance: the commit adding it (zero when none), its time (-1 when
     * none) and signer, principal and key fingerprint (texts in the view) */
    git_oid added;
    long long added_time;
    uint32_t signer, principal, fingerprint;
} itk_snap_rec;

struct itk_snapshot {
    git_oid commit;
    char hex[GIT_OID_HEXSZ + 1];
    int offset;
    itk_jview view;
    itk_snap_rec *recs;
    size_t n;
    json_t *parent_of;  /* party id → its parent's id (the tree's party files) */
    json_t *by_path;    /* path → index, built on first itk_snapshot_find */
    itk_labels *labels; /* the tree's catalog, NULL when none (labels_note says why) */
    char labels_note[320];
    /* the registry's, borrowed: a signer's name at a commit (people.h) */
    git_repository *repo;
};

/* The snapshot cache (status.cache in this user's cache folder,
 * snapshot_cache.c): a snapshot's records, view and parents, for one commit,
 * one set of refs and one build. load returns 1 when it filled s->view,
 * s->recs, s->n and s->parent_of, 0 when there is no such cache (or it is
 * damaged). parse does the same from the file's bytes (without the checksum
 * the file ends with). */
int itk_scache_key(char key[65], git_repository *repo, const git_oid *commit);
int itk_scache_load(itk_snapshot *s, git_repository *repo, const char key[65]);
int itk_scache_parse(itk_snapshot *s, const unsigned char *data, size_t len, const char key[65]);
void itk_scache_save(const itk_snapshot *s, git_repository *repo, const char key[65]);

#endif
