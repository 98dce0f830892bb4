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
    /* the designated methods from now on (replacing the list; a method
     * designated now and not named must be in drop_methods) */
    const char **handover_methods;
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
    const char **add_methods; /* methods designated besides those in force */
    size_t add_count;
    const char **drop_methods; /* designated methods no longer designated */
    size_t drop_count;
    int backdated; /* start, end or work start already past, and meant: the
                      record then says so (body.backdated, from
                      contract-amendment.v3 on) */
    /* made again, as signed, from a record of the city's own (pull):
     * handover_methods replaces the list and the dates are not held to
     * now (they were checked when it was first made) */
    int remade;
} itk_contract_amend_options;

#define ITK_CONTRACT_AMEND_OPTIONS_VERSION 1
#define ITK_CONTRACT_AMEND_OPTIONS_INIT                                                            \
    {                                                                                              \
        ITK_CONTRACT_AMEND_OPTIONS_VERSION, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,     \
            NULL, 0, NULL, 0, 0, 0                                                                 \
    }

/* Writes "parties/<city>/contract-amendments/c-NNNNNN.json" (schema
 * contract-amendment.vN) in one commit signed by signer, Itaku-Action
 * contract-amend; name gets "<city>/c-NNNNNN". It is in force for records
 * whose commit descends from it and for due dates after its commit (status).
 * The designated methods after it are itk_handover_methods_amend's (from
 * handover_methods, add_methods, drop_methods; none: unchanged).
 * Refused, writing nothing: a signer that is not the city (ITK_EAUTH, V3),
 * a method change itk_handover_methods_amend refuses, dates that disagree
 * after it (itk_contract_dates_check), a start, end or work start already
 * past on the registry's clock (itk_due_time: a day once it has ended)
 * without backdated (ITK_EINVALID),
 * decision_rules or post_setters changed, while a rule is in force, by
 * an officer who is no setter (a holder of the post_setters in force, else
 * the genesis officer: ITK_EAUTH, itaku/delegation.h),
 * no reason or no setting (ITK_EINVALID), a body the schema refuses
 * (ITK_EINVALID), a registry whose HEAD lacks the schema (ITK_ENOTFOUND:
 * `itaku contract upgrade` publishes it), a backdated amendment where the
 * newest contract-amendment schema HEAD holds cannot say so (v1, v2: a
 * published version never changes; ITK_EUNSUPPORTED naming it and `itaku
 * contract upgrade`, which publishes v3). */
int itk_contract_amend(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                       const itk_contract_amend_options *opts);

#endif
