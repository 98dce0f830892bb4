/* The chain's flows (DESIGN §6): receiving a descendant's line, pulling the
 * parent's main, requests with endorsements and the city's decisions by
 * merge, withdrawals, and instructions with their answers. */
#ifndef ITAKU_FLOW_H
#define ITAKU_FLOW_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/registry.h"

typedef enum {
    ITK_MERGED_NOTHING = 0, /* already contained */
    ITK_MERGED_FAST_FORWARD = 1,
    ITK_MERGED_COMMIT = 2,
} itk_merge_kind;

/* Receives party's line: `from` is a revision of this repository (a fetched
 * ref) or the path of party's repository, whose main and request branches
 * are fetched, verified and only then taken. Writes a signed receipt merge
 * (Itaku-Received) unless the line is already contained. */
int itk_receive(git_oid *out, itk_merge_kind *kind, itk_registry *reg, itk_signer *signer,
                const char *party, const char *from);

/* Merges the parent's main (a revision or the path of the parent's
 * repository): fast-forward when it can, else a signed merge. */
int itk_pull(git_oid *out, itk_merge_kind *kind, itk_registry *reg, itk_signer *signer,
             const char *from);

/* A request for the city's prior approval: kind is subcontract, copy,
 * take-out, other-purpose-use or third-party-provision; body holds its fields
 * (for subcontract, the form 6 under "form6"). Commits it on main and points
 * requests/<party>/<rec> at it. name gets "<party>/<rec>". */
int itk_request_submit(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                       const char *kind, json_t *body);

/* An intermediate party vouches for (or declines to forward) a descendant's
 * request, in a receipt merge of the request branch when it is not yet in
 * main, and moves the request branch to that commit. */
int itk_request_endorse(git_oid *out, itk_registry *reg, itk_signer *signer, const char *request,
                        int decline, const char *reason);

typedef struct {
    unsigned version;
    const char *outcome; /* approved | rejected | returned */
    const char *reason;
    const char *conditions;
    const char *valid_until; /* YYYY-MM-DD or NULL */
    long long max_uses;      /* 0: unlimited */
} itk_decision_options;

#define ITK_DECISION_OPTIONS_VERSION 1
#define ITK_DECISION_OPTIONS_INIT                                                                  \
    {                                                                                              \
        ITK_DECISION_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0                                    \
    }

/* The city decides a request by merging its branch with the decision; an
 * approved form 6 registers the subcontractor it names (V7). */
int itk_request_decide(git_oid *out, itk_registry *reg, itk_signer *signer, const char *request,
                       const itk_decision_options *opts);

/* The requester withdraws a pending request. */
int itk_request_withdraw(git_oid *out, itk_registry *reg, itk_signer *signer, const char *request);

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
    int in_main; /* the request is in HEAD's tree (else only on a request branch) */
} itk_request_info;

/* Every request this registry knows (HEAD and request branches). */
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
