/* What a registry knows of requests (DESIGN §6): each request with its
 * endorsements and decision, found by name, and the prior-approval rule that
 * register entries are held to. */
#ifndef ITAKU_REQUESTS_H
#define ITAKU_REQUESTS_H

#include "itaku/record.h"
#include "itaku/registry.h"

typedef struct {
    char name[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2]; /* "<party>/<rec>" */
    char requester[ITK_PARTY_ID_MAX + 1];
    char id[ITK_RECORD_ID_MAX + 1];
    char kind[32];
    char summary[256];
    char state[16];     /* pending | approved | rejected | returned | declined | withdrawn */
    char next[40];      /* who must act next: a party id, or "" when decided */
    char endorsed[256]; /* "acme, beta" */
    char decided_on[32];
    char valid_until[16];
    long long max_uses;
    char path[200];
    int in_main;             /* the request is in HEAD's tree (else only on a request branch) */
    char decision_path[200]; /* the decision record state comes from ("" when none) */
    /* a decision record on it that a void commit wrote (V9: signed with a
     * key after its reported compromise), which does not count: the request
     * is open again ("" when none) */
    char void_decision[200];
    /* when void_decision is so because the seals it lists fall short of the
     * rule once those made with a key after its compromise's last_good are
     * dropped (itk_kessai_decision_standing, DESIGN V12, V9): those seals'
     * ids (", " between) and what the rest fall short of ("課長"); both ""
     * when it was signed with a stolen key itself */
    char void_seals[256];
    char void_missing[256];
} itk_request_info;

/* Every request this registry knows (HEAD and request branches). A decision
 * written by a void commit (V9, as HEAD records the compromises), or one
 * whose listed seals fall short of its rules once the seals void commits
 * wrote are dropped (V12, itk_kessai_decision_standing), does not decide:
 * it is named in void_decision and the request stays open. */
int itk_request_list(itk_request_info **out, size_t *count, itk_registry *reg);

/* Resolves "party/q-000001", "q-000001" or a unique suffix to a request. */
int itk_request_resolve(itk_request_info *out, itk_registry *reg, const char *name);

/* The approval register entry kinds need: "copied" → "copy", …; NULL when
 * the action needs none. */
const char *itk_action_request_kind(const char *action);

/* Checks that `approval` names an approved request of party and kind whose
 * decision is in HEAD, within its validity and uses; today is YYYY-MM-DD.
 * ITK_EVERIFY saying what is missing otherwise. */
int itk_approval_check(itk_registry *reg, const char *party, const char *action,
                       const char *approval, const char *today);

/* The rule itk_approval_check applies, on facts the caller gathered (status
 * applies it to every entry of history): r is the cited request as the
 * entry found it (state "approved" with its decision's valid_until and
 * max_uses), used how many entries of party cited it before this one, today
 * the entry's date (YYYY-MM-DD…). 0 when the entry may cite it; ITK_EVERIFY
 * saying why not otherwise: another party's request, a request of another
 * kind than the action needs, not approved, past valid_until, every use
 * used. */
int itk_approval_judge(const itk_request_info *r, const char *party, const char *action,
                       const char *today, long long used);

#endif
