/* The chain's flows (DESIGN §6): receiving a descendant's line, pulling the
 * parent's main, requests with endorsements and the city's decisions by
 * merge, withdrawals, and instructions with their answers. */
#ifndef ITAKU_FLOW_H
#define ITAKU_FLOW_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/refcheck.h"
#include "itaku/registry.h"
#include "itaku/requests.h"

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

/* itk_request_submit, checking first what body cites (withdraws: a request
 * of the registry, itk_refcheck with ro, NULL: no options; those recorded as
 * unverified go into the envelope's refs), and correcting supersedes
 * ("q-NNNNNN" or "<party>/q-NNNNNN", NULL: none): a pending request of the
 * signer's own not corrected yet, named in the new record's envelope; the
 * old version is superseded (its endorsements no longer count, V6).
 * Refused, writing nothing: a reference not found (ITK_ENOTFOUND, naming
 * the closest ids), another party's request (ITK_EAUTH), one decided,
 * withdrawn or corrected already (ITK_ECONFLICT). */
int itk_request_submit_refs(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                            const char *kind, json_t *body, const char *supersedes,
                            const itk_ref_options *ro);

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
    /* 決裁 (V12): draft the decision again on the current main, on the
     * request's decision branch (forward only); seals on the earlier draft
     * stop counting. For when a post's holders cannot seal the earlier
     * draft (keys added after it, renewed). ITK_ENOTFOUND without a draft. */
    int redraft;
} itk_decision_options;

#define ITK_DECISION_OPTIONS_VERSION 1
#define ITK_DECISION_OPTIONS_INIT                                                                  \
    {                                                                                              \
        ITK_DECISION_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0                                 \
    }

/* The city decides a request by merging its branch with the decision; an
 * approved form 6 registers the subcontractor it names (V7). */
int itk_request_decide(git_oid *out, itk_registry *reg, itk_signer *signer, const char *request,
                       const itk_decision_options *opts);

/* The requester withdraws a pending request. */
int itk_request_withdraw(git_oid *out, itk_registry *reg, itk_signer *signer, const char *request);

#endif
