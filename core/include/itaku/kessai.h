/* 決裁 (DESIGN V12): sealing a draft decision, and where a decision
 * stands. A draft is made by `itaku approve|reject|return` (itk_request_decide)
 * when the contract's decision rule applies (itaku/delegation.h). */
#ifndef ITAKU_KESSAI_H
#define ITAKU_KESSAI_H

#include "itaku/buf.h"
#include "itaku/labels.h"
#include "itaku/registry.h"

/* The branch of a decision in progress on request "<requester>/<rec>". */
#define ITK_REF_DECISIONS "refs/heads/decisions/"

typedef struct {
    unsigned version;
    const char *verdict;    /* "approved", "rejected" or "returned" */
    const char *reason;     /* needed for rejected, returned and a 代決 */
    const char *acting_for; /* 代決: the post sealed for, or NULL */
} itk_seal_options;

#define ITK_SEAL_OPTIONS_VERSION 1
#define ITK_SEAL_OPTIONS_INIT                                                                      \
    {                                                                                              \
        ITK_SEAL_OPTIONS_VERSION, NULL, NULL, NULL                                                 \
    }

/* Seals the draft decision on request (any unique suffix, as
 * itk_request_resolve): one single-parent commit on
 * decisions/<requester>/<rec> with a seal record naming the draft commit,
 * the request record's SHA-256, the signer's principal and post (read from
 * the branch's tip, the seal's parent). *out names the seal commit; *met is
 * 1 when the seals of this verdict now meet the rule in force at the draft:
 * the caller then makes the final decision at once (itk_request_decide with
 * outcome verdict: the merge of main and the decision branch).
 * Errors: ITK_ENOTFOUND when no draft is here; ITK_EAUTH when the signer
 * drafted it, or its post is not one the rule names (or a 代決 the rule does
 * not allow); ITK_EINVALID for a missing reason; ITK_ECONFLICT when this
 * person has sealed it already or the request is decided. Nothing moves on
 * an error. */
int itk_kessai_seal(git_oid *out, int *met, itk_registry *reg, itk_signer *signer,
                    const char *request, const itk_seal_options *o);

/* Before `itaku pull` makes the decision on request ("<requester>/<rec>")
 * again on main now (DESIGN §7, V12): when main now holds the path of a
 * seal on the request's decision branch as another record (two officers'
 * clones gave the same seal id to seals on different requests), that seal
 * and every seal after it on the branch are made again by signer, with the
 * same verdict, reason and 代決, taking the next free ids (the decision made
 * then lists those). *n (may be NULL) gets how many were made again; 0 and
 * nothing changed when none collides or there is no branch.
 * Errors: ITK_ECONFLICT (nothing changed) when a seal to make again is
 * another officer's; itk_kessai_seal's errors, after which the branch is
 * put back where it was. */
int itk_kessai_reseal(size_t *n, itk_registry *reg, itk_signer *signer, const char *request);

/* Where the decision on request stands, for `itaku requests`: "" when no
 * draft is here; else a code and what it waits for: "drafted" (no seal yet),
 * "sealing" (some seals), "sealed" (the rule is met, the final merge is
 * due), with *waiting the posts still needed ("課長", "課長×2"). */
int itk_kessai_where(char code[16], itk_buf *waiting, itk_registry *reg, const char *requester,
                     const char *id);

/* The words `itaku requests` and the report show for what itk_kessai_where
 * answered: *state the label of code in labels' domain "kessai" (起案済み,
 * 決裁中, 決裁済み（決定待ち）; code itself when labels is NULL or lacks
 * it), *next the posts still to seal followed by the label "kessai.waiting"
 * (課長決裁待ち; emptied when waiting is empty). ITK_ENOMEM. */
int itk_kessai_where_words(itk_buf *state, itk_buf *next, const itk_labels *labels,
                           const char *code, const char *waiting);

/* A local decision branch that is no decision in progress
 * (itk_kessai_branches_check). */
typedef struct {
    char ref[200]; /* refs/heads/decisions/<requester>/<rec> */
    char *message; /* what it is not, as itk_error_last said it (translated) */
} itk_kessai_stray;

/* Checks each local decision branch (refs/heads/decisions/<R>/<rec>) as a hosted
 * registry's hook and a fetch take one (DESIGN §7, V12): its tip signed by
 * a key of the city (the contract's city as HEAD's tree names it, the key
 * found in the tip's tree), and the branch the draft of the request it is
 * named after and the seals on it, made on this clone's main
 * (itk_kessai_branch_check, with refs/heads/main, HEAD and the city's
 * verified line refs/itaku/lines/<city> as the mains). Such a branch is
 * made or moved with plain git in one's own clone: the hook and fetch
 * never take it, and itaku decides nothing on it. *out (the caller frees
 * with itk_kessai_strays_free) gets the branches that fail, in ref order,
 * *n of them (none: *out NULL). 0, or ITK_EGIT when the refs cannot be
 * listed, ITK_ENOMEM. */
int itk_kessai_branches_check(itk_kessai_stray **out, size_t *n, itk_registry *reg);
void itk_kessai_strays_free(itk_kessai_stray *s, size_t n);

#endif
