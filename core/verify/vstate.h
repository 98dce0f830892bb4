/* The state of one verification walk, shared by verify.c (the walk),
 * policy*.c (the rules applied to one commit) and vcache.c (the cache of
 * their results): below all three, so that none of them includes another's
 * insides in a circle. */
#ifndef ITAKU_VSTATE_H
#define ITAKU_VSTATE_H

#include "itaku/chain.h"
#include "itaku/people.h"
#include "itaku/verify.h"
#include "oidmap.h"
#include "vgraph.h"
#include "vkeys.h"
#include "vmerge.h"
#include "vschemas.h"
#include "vsigs.h"

#include <stdint.h>

struct itk_verify_result {
    itk_problem *problems;
    size_t nproblems, aproblems;
    itk_commit_info *commits;
    size_t ncommits, acommits;
    char genesis[GIT_OID_HEXSZ + 1];
    char city_key[64];
    int pinned;
    size_t nchecked; /* commits checked in full (itk_verify_checked_count) */
    size_t nread;    /* commits the walk read from the object database (tests) */
    size_t ntotal;   /* commits in all when commits holds only some (0: ncommits) */
    int from_tip;    /* the verdict at the tip answered (itk_verify_from_tip) */
};

/* The last line each receiver took of each party (V8), carried through
 * both parents of a merge (a fast-forward pull makes a party's own receipts
 * the second parents of its parent's merges): shared between commits until a
 * receipt or a merge changes it. */
/* The most problems listed for one commit; the rest are counted in one
 * line ("and N more"), so a commit adding many bad files costs one page. */
#define ITK_MAX_PROBLEMS_PER_COMMIT 100

typedef struct itk_receipts {
    size_t n;
    uint32_t *pair; /* receiver and party, as an index into itk_policy's pairs */
    git_oid *tip;
    struct itk_receipts *next_allocated; /* every state, for freeing (one block) */
} itk_receipts;

/* A receiver and the party whose line it took, once per walk: a state
 * names them by index, so that thousands of states stay small. */
typedef struct {
    char receiver[ITK_PARTY_ID_MAX + 1];
    char party[ITK_PARTY_ID_MAX + 1];
} itk_receipt_pair;

/* A void commit (V9): signed after its key's compromise, or by a key that a
 * void commit added. It stays in a line (its records do not count) when a
 * party above took it before it knew of the compromise, or when this registry
 * holds it already; one that arrives new is refused. */
typedef struct {
    git_oid id;
    char origin[64]; /* the compromised key behind it */
    char party[ITK_PARTY_ID_MAX + 1];
    int taken; /* inside a receipt made before the compromise was known */
} itk_void_commit;

typedef struct {
    git_repository *repo;
    itk_verify_result *result;
    const char *genesis;  /* "" when not pinned */
    const char *city_key; /* "" when not pinned */
    size_t roots_seen;
    itk_oidmap commits;  /* commit id → index + 1 in result->commits */
    itk_vgraph graph;    /* the same commits with their parents */
    itk_vtrees trees;    /* which trees are compared by id (V4, V5) */
    itk_oidmap merges;   /* V5's merges made, for criss-cross merges (vmerge.h) */
    itk_vkeys keys;      /* key lookups (V1, V9) */
    itk_oidmap receipts; /* commit id → itk_receipts * (NULL: none yet) */
    itk_receipts *allocated;
    itk_receipt_pair *pairs;
    size_t npairs;
    itk_compromise *compromises; /* V9, from every tip walked */
    size_t ncompromises;
    itk_void_writes void_writes; /* V9: the void commits of those, before the walk */
    char (*void_keys)[64];       /* keys added by void commits */
    char (*void_origins)[64];    /* for each, the compromised key behind it */
    size_t nvoid_keys;
    itk_void_commit *voids;
    size_t nvoids;
    int replay; /* rebuilding a cached commit's state: record no problem */
    /* the problems of one commit past ITK_MAX_PROBLEMS_PER_COMMIT, counted
     * in one "and N more" line (vresult.c) */
    git_oid capped_id;
    size_t capped_count, capped_more;
    /* compiled schemas by blob id (V10) */
    itk_vschemas schemas;
    /* signatures of the walk's batch, verified on every core (NULL: none) */
    itk_vsigs *sigs;
    /* the verdict at the tip (verify.c): V8's newer receipt is the one that
     * descends from the other, not the later in the walk (which holds only
     * the new commits); two that do not descend either way set undecided */
    int by_descent, undecided;
    /* … and who signed old commits it knows of (commit id → party id,
     * const char *): V8's writer of a line tip taken that is not new */
    itk_oidmap signed_by;
    /* files the last commit checked adds or changes beyond its base (a
     * merge: beyond the clean merge of its parents); SIZE_MAX when its
     * checks stopped before they were listed */
    size_t changed;
} itk_policy;

/* Records a problem of commit id under rule; message is printf-formatted. */
int itk_policy_problem(itk_policy *p, const git_oid *id, const char *rule, const char *path,
                       const char *signer, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Adds a problem to r without a signer (V11, found outside a commit's
 * checks); message is printf-formatted. 0 or ITK_ENOMEM. */
int itk_verify_result_problem(itk_verify_result *r, const git_oid *id, const char *rule,
                              const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Moves src's problems after dst's (src keeps none): 0 or ITK_ENOMEM. */
int itk_verify_result_append(itk_verify_result *dst, itk_verify_result *src);

/* Frees r's problems from the n-th on, and all its commits when commits. */
void itk_verify_result_truncate(itk_verify_result *r, size_t n, int commits);

/* Applies V1–V5 and V10 to one commit and fills info. Returns 0 when the
 * rules could be applied (problems are recorded, not returned), negative on
 * an operational error. */
int itk_policy_check_commit(itk_policy *p, const git_commit *c, itk_commit_info *info);

/* V9 after the walk: a void commit that no party above took before it knew
 * of the compromise, and that no ref outside refs/itaku/incoming/ holds, is
 * arriving new: refused. */
int itk_policy_check_voids(itk_policy *p);

/* Is commit id reachable from a ref outside refs/itaku/incoming/? 1 or 0. */
int itk_policy_held(itk_policy *p, const git_oid *id);

#endif
