/* One snapshot of what counts (DESIGN §5 V9, §8): every record of a commit's
 * tree under parties/ (records, party files, keys) with what the views need
 * to know about it, worked out once:
 *  - whether it counts: a record added by a void commit (V9) does not, nor
 *    one whose blob is not what the last accepted commit adding it wrote
 *    (when verify refuses some commit of the history);
 *  - supersedes resolved: a record that a later record of the same type and
 *    party supersedes is kept, flagged, with the index of the one that does;
 *    the latest of a chain is the one not flagged;
 *  - arrival times: when it reached its own party's line (that party's
 *    commit adding it) and its parent's line (the receipt merge, or pull,
 *    that brought it there);
 *  - provenance: the commit that added it, its signer, principal and key,
 *    whether that commit verifies, is void or was signed by a key the city
 *    recovered and its party has not yet confirmed.
 * status, who, the report and form pages read records only through this.
 *
 * Times are Unix seconds (UTC); the contract's zone (itk_snapshot_offset) is
 * only applied when a date is formatted (itk_snapshot_origin.date).
 * The snapshot is read-only once open and owns every string it returns:
 * they live until itk_snapshot_free. Snapshots of HEAD are kept in this
 * user's cache folder (status.cache), keyed by the commit, the refs and the
 * build, so a second open reads one file instead of every blob. */
#ifndef ITAKU_SNAPSHOT_H
#define ITAKU_SNAPSHOT_H

#include <jansson.h>

#include "itaku/labels.h"
#include "itaku/people.h"
#include "itaku/record.h"
#include "itaku/registry.h"

typedef struct itk_snapshot itk_snapshot;

/* A record's flags. */
#define ITK_SNAP_VOID 0x01u       /* added by a void commit (V9): does not count */
#define ITK_SNAP_REFUSED 0x02u    /* not what an accepted commit wrote: does not count */
#define ITK_SNAP_SUPERSEDED 0x04u /* a counting record of its type and party supersedes it */
#define ITK_SNAP_RECOVERED 0x08u  /* its commit was signed by a city-recovered key */
#define ITK_SNAP_BACKDATED                                                                         \
    0x10u                       /* the parent's receipt is dated before what it takes:             \
                                   the later date is its arrival there */
#define ITK_SNAP_VERIFIED 0x20u /* the commit adding it passes verify */
/* a decision whose listed seals fall short of its rules once those made
 * with a stolen key are dropped (itk_kessai_decision_standing): does not
 * count */
#define ITK_SNAP_SHORT 0x40u
#define ITK_SNAP_ALL_FLAGS 0x7fu

/* Where a record came from: the last commit of the history whose
 * Itaku-Record trailer names its path. */
typedef struct {
    char commit[GIT_OID_HEXSZ + 1]; /* "" when no commit names it */
    long long time;                 /* committer time, Unix seconds; -1 when none */
    char date[32];                  /* the same, RFC 3339 in the contract's zone; "" */
    char party[ITK_PARTY_ID_MAX + 1];
    char principal[65];
    char fingerprint[64];
    int verified;  /* the commit passes itaku verify */
    int is_void;   /* V9: signed after its key's compromise */
    int recovered; /* signed by a key the city recovered, not yet confirmed */
} itk_snapshot_origin;

/* Opens the snapshot of `at` (a revision git understands; NULL for HEAD):
 * verifies its history (through the verification cache) and reads its tree.
 * *out is the caller's, freed with itk_snapshot_free. Errors: ITK_ENOTFOUND
 * when `at` names no commit, ITK_EGIT when the repository cannot be read,
 * ITK_ENOMEM; nothing is written but the cache. A record that cannot be
 * read or parsed is left out (verify reports it). */
int itk_snapshot_open(itk_snapshot **out, itk_registry *reg, const char *at);
void itk_snapshot_free(itk_snapshot *s);

/* The commit the snapshot is of (hex), and the contract's zone (minutes
 * east of UTC) from that commit's itaku.json. */
const char *itk_snapshot_commit(const itk_snapshot *s);
int itk_snapshot_offset(const itk_snapshot *s);
/* itaku.json's "contract_id" or "title" (key) at the snapshot's commit,
 * borrowed; NULL when it is empty or key is neither. */
const char *itk_snapshot_contract(const itk_snapshot *s, const char *key);

/* The labels catalog of the snapshot's tree (labels.h), NULL when it holds
 * none (a registry made before catalogs) or its catalog cannot be read:
 * codes are shown then, and itk_snapshot_labels_note says why. */
const itk_labels *itk_snapshot_labels(const itk_snapshot *s);
/* "" when the catalog was read; else one sentence for the user. */
const char *itk_snapshot_labels_note(const itk_snapshot *s);

/* Records in tree order (git's pre-order walk), counting or not. */
size_t itk_snapshot_count(const itk_snapshot *s);
const char *itk_snapshot_path(const itk_snapshot *s, size_t i);
const itk_path_info *itk_snapshot_info(const itk_snapshot *s, size_t i);
unsigned itk_snapshot_flags(const itk_snapshot *s, size_t i);
/* 1 when record i counts: neither void nor refused, nor a decision whose
 * seals fall short without those made with a stolen key (ITK_SNAP_SHORT). */
int itk_snapshot_counts(const itk_snapshot *s, size_t i);
/* The index of a counting record that supersedes i (it names i's id in
 * "supersedes", same type and party), or -1. */
long itk_snapshot_superseded_by(const itk_snapshot *s, size_t i);
/* When record i reached party's line (its own party's or that party's
 * parent's), -1 when it has not or party is neither; commit (may be NULL)
 * gets the commit that brought it, for its own party. */
long long itk_snapshot_arrival(const itk_snapshot *s, size_t i, const char *party,
                               char commit[GIT_OID_HEXSZ + 1]);
/* Record i's provenance. */
void itk_snapshot_origin_get(itk_snapshot_origin *out, const itk_snapshot *s, size_t i);

/* The display name of record i's signer (itk_snapshot_origin party and
 * principal) in force at the commit that added it (itaku/people.h): a
 * re-rendered old form shows the name of its day. A name written by a void
 * commit (V9: with a stolen key, as the snapshot's commit records the
 * compromises) does not count. *out is emptied, and stays
 * empty when none is recorded or no commit names the record. Errors:
 * ITK_ENOMEM, a libgit2 error when that commit cannot be read. */
int itk_snapshot_signer_name(itk_buf *out, const itk_snapshot *s, size_t i);

/* The void commits (V9) as the snapshot's commit records the compromises
 * (itk_void_writes_at of that commit), found once per snapshot, on first
 * use: *out is owned by s and valid until itk_snapshot_free. A snapshot with
 * no repository (a cached one) gives an empty set. Errors: ITK_ENOMEM, a
 * libgit2 error when the history cannot be walked. */
int itk_snapshot_void_writes(const itk_void_writes **out, const itk_snapshot *s);

/* Record i's top-level string field, or its body's; NULL when absent or
 * not a string. */
const char *itk_snapshot_str(const itk_snapshot *s, size_t i, const char *key);
const char *itk_snapshot_body_str(const itk_snapshot *s, size_t i, const char *key);
/* Record i as a new JSON value (its fields in the file's order); the caller
 * decrefs it. ITK_ENOMEM. */
int itk_snapshot_json(json_t **out, const itk_snapshot *s, size_t i);
/* The index of the record at path; ITK_ENOTFOUND when the tree holds none
 * (or it could not be read). */
int itk_snapshot_find(size_t *i, const itk_snapshot *s, const char *path);
/* A party's parent as its party file says, NULL for none. */
const char *itk_snapshot_parent(const itk_snapshot *s, const char *party);
/* Whether party is only or below it in the chain (party files' parents);
 * 1 when only is NULL: the scope of `--party P` in every view. */
int itk_snapshot_in_scope(const itk_snapshot *s, const char *party, const char *only);

#endif
