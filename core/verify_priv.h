/* Shared between verify.c (walking history, collecting results) and
 * policy.c (the rules applied to one commit). */
#ifndef ITAKU_VERIFY_PRIV_H
#define ITAKU_VERIFY_PRIV_H

#include "itaku/verify.h"

struct itk_verify_result {
    itk_problem *problems;
    size_t nproblems, aproblems;
    itk_commit_info *commits;
    size_t ncommits, acommits;
    char genesis[GIT_OID_HEXSZ + 1];
    char city_key[64];
    int pinned;
};

typedef struct {
    git_repository *repo;
    itk_verify_result *result;
    const char *genesis;  /* "" when not pinned */
    const char *city_key; /* "" when not pinned */
    size_t roots_seen;
} itk_policy;

/* Records a problem of commit id under rule; message is printf-formatted. */
int itk_policy_problem(itk_policy *p, const git_oid *id, const char *rule, const char *path,
                       const char *signer, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Applies V1–V5 and V10 to one commit and fills info. Returns 0 when the
 * rules could be applied (problems are recorded, not returned), negative on
 * an operational error. */
int itk_policy_check_commit(itk_policy *p, const git_commit *c, itk_commit_info *info);

#endif
