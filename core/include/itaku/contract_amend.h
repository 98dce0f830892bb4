/* The city's amendment of the contract settings (handover methods, period,
 * work start, contacts): a signed contract-amendment record, never an edit
 * of itaku.json (issue 16, point 3). */
#ifndef ITAKU_CONTRACT_AMEND_H
#define ITAKU_CONTRACT_AMEND_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/registry.h"

typedef struct {
    unsigned version;
    const char **handover_methods; /* the designated methods from now on (replacing the list) */
    size_t handover_count;
    const char *start, *end; /* the period's ends, YYYY-MM-DD (NULL: unchanged) */
    const char *work_start;  /* YYYY-MM-DD or RFC 3339 (NULL: unchanged) */
    json_t *contacts;        /* an array of {party?, role?, name, phone?, email?} (borrowed) */
    const char *reason;      /* required */
    /* the decision rules (決裁, DESIGN V12) from now on, replacing the list in
     * force; an empty array: one city key decides again (borrowed; NULL:
     * unchanged; itk_kessai_rules_check) */
    json_t *decision_rules;
    /* the posts whose holders set the city's officers' posts from now on
     * (itaku/delegation.h; borrowed; NULL: unchanged;
     * itk_post_setters_check) */
    json_t *post_setters;
} itk_contract_amend_options;

#define ITK_CONTRACT_AMEND_OPTIONS_VERSION 1
#define ITK_CONTRACT_AMEND_OPTIONS_INIT                                                            \
    {                                                                                              \
        ITK_CONTRACT_AMEND_OPTIONS_VERSION, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL      \
    }

/* Writes "parties/<city>/contract-amendments/c-NNNNNN.json" (schema
 * contract-amendment.vN) in one commit signed by signer, Itaku-Action
 * contract-amend; name gets "<city>/c-NNNNNN". It is in force for records
 * whose commit descends from it and for due dates after its commit (status).
 * Refused, writing nothing: a signer that is not the city (ITK_EAUTH, V3),
 * decision_rules or post_setters changed, while a rule is in force, by
 * an officer who is no setter (a holder of the post_setters in force, else
 * the genesis officer: ITK_EAUTH, itaku/delegation.h),
 * no reason or no setting (ITK_EINVALID), a body the schema refuses
 * (ITK_EINVALID), a registry whose HEAD lacks the schema (ITK_ENOTFOUND:
 * `itaku contract upgrade` publishes it). */
int itk_contract_amend(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                       const itk_contract_amend_options *opts);

#endif
