/* The snapshot's insides (snapshot.c), for status (which reads records
 * through the flat JSON view, without building values) and the cache that
 * keeps it (snapshot_cache.c). Private to the library. */
#ifndef ITAKU_SNAPSHOT_PRIV_H
#define ITAKU_SNAPSHOT_PRIV_H

#include "itaku/snapshot.h"
#include "itaku/people.h"
#include "itaku/verify.h"
#include "jview.h"
#include "oidmap.h"
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
    git_oid blob; /* its blob in the tree */
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
    json_t *form1_of;   /* party → its form 1 in force, built on first itk_snapshot_form1 */
    itk_labels *labels; /* the tree's catalog, NULL when none (labels_note says why) */
    char labels_note[320];
    /* itaku.json's contract_id and title at the commit ("" when none) */
    char contract_id[128], contract_title[512];
    /* the registry's, borrowed: a signer's name at a commit (people.h) */
    git_repository *repo;
    /* what void commits wrote as this commit records the compromises (V9),
     * found on the first name looked up: a name a stolen key wrote is not
     * a signer's name */
    itk_void_writes names_vw;
    int names_vw_done;
    /* the names looked up, by commit: "<party>\0<principal>\0<name>" each
     * (itk_snapshot_name_memo) */
    itk_oidmap names;
};

/* A signer's name at commit as itk_principal_name_memo gives it (m->vw
 * the snapshot's void writes, itk_snapshot_void_writes), looked up once
 * per commit for the snapshot's life: the report shows it in the history,
 * on the index and on each form's page (itk_snapshot_signer_name shares
 * the names). Errors: as itk_principal_name_memo; ITK_ENOMEM. */
int itk_snapshot_name_memo(itk_buf *out, const itk_snapshot *s, itk_name_memo *m,
                           const git_oid *commit, const char *party, const char *principal);

/* The form 1 of party in force: of its counting form 1s, the one written
 * last, which has the highest id number ("f1-000002" after "f1-000001":
 * ids are given in the order written, as for key events and amendments),
 * whatever date its "created" claims; -1 when none (or out of memory). The index is built on first
 * use, for every party at once. */
long itk_snapshot_form1(const itk_snapshot *s, const char *party);

/* itk_snapshot_in_scope with the parents of parent_of (party id → its
 * parent's id): whether party is only or below it (1 when only is NULL). */
int itk_parents_in_scope(const json_t *parent_of, const char *party, const char *only);

/* The snapshot cache (status.cache in this user's cache folder,
 * snapshot_cache.c): a snapshot's records, view and parents, for one commit,
 * one set of refs and one build, with the verdicts of the commits of its
 * history (so that the snapshot of a later commit can be worked out from
 * it: snapshot.c). load returns 1 when it filled s->view, s->recs, s->n and
 * s->parent_of for key; 2 when the file is this build's but of another key
 * and prev is not NULL: s is filled all the same, and prev gets the commit
 * and the verdicts (the caller owns prev->verdicts); 0 when there is no
 * such cache (or it is damaged). parse does the same from the file's bytes
 * (without the checksum the file ends with), for the build whose sources'
 * digest is digest. */
typedef struct {
    git_oid commit;          /* the commit the file is of */
    unsigned char *verdicts; /* ncommits × (20 bytes id, 1 byte ITK_SCACHE_V_*) */
    size_t ncommits;
} itk_scache_prev;

#define ITK_SCACHE_V_OK 0x01u
#define ITK_SCACHE_V_VOID 0x02u
#define ITK_SCACHE_V_RECOVERED 0x04u
#define ITK_SCACHE_VERDICT_BYTES (GIT_OID_RAWSZ + 1)

int itk_scache_key(char key[65], git_repository *repo, const git_oid *commit);
int itk_scache_load(itk_snapshot *s, git_repository *repo, const char key[65],
                    itk_scache_prev *prev);
int itk_scache_parse(itk_snapshot *s, const unsigned char *data, size_t len, const char key[65],
                     const char *digest, itk_scache_prev *prev);
/* verdicts: the verification of s's history, ncommits × (20 bytes id, 1
 * byte ITK_SCACHE_V_*), its commits in order (itk_scache_verdicts). */
void itk_scache_save(const itk_snapshot *s, git_repository *repo, const char key[65],
                     const unsigned char *verdicts, size_t ncommits);
/* The verdicts of r's commits (NULL: none) as itk_scache_save takes them,
 * into *out (the caller's) and *n. */
int itk_scache_verdicts(unsigned char **out, size_t *n, const itk_verify_result *r);
/* One commit's verdict byte (ITK_SCACHE_V_*). */
unsigned char itk_scache_verdict(const itk_commit_info *ci);

#endif
