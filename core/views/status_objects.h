/* Findings of status beside the obligations' rules (status_objects.c):
 * a form citing an attachment that no party's attachments hold is
 * incomplete; a reference recorded as unverified is shown with its reason;
 * a reference the registry does not hold, in a record no write of itaku
 * checked (stock git and the party's own key), is a warning. */
#ifndef ITAKU_STATUS_OBJECTS_H
#define ITAKU_STATUS_OBJECTS_H

#include "status_priv.h"

/* The rule's name in findings. */
#define ITK_RULE_ATTACHMENTS "attachments_present"

/* Adds an overdue finding (rule ITK_RULE_ATTACHMENTS, section "添付") for
 * each record there at the evaluation time, not superseded, that cites an
 * attachment ({filename, sha256}) the tree does not hold, naming the
 * record, the field and the hash. */
int itk_status_evidence(sctx *c);

/* The rule's name of a reference recorded as unverified. */
#define ITK_RULE_UNVERIFIED "reference_unverified"

/* Adds an ok finding with a note (rule ITK_RULE_UNVERIFIED, section "参照")
 * for each reference a record there at the evaluation time, not
 * superseded, holds in its envelope's refs.unverified (written with
 * --unverified-ref --reason, itaku/refcheck.h): what it cites and why. */
int itk_status_unverified(sctx *c);

/* The rule's name of a decision rule in force without post_setters. */
#define ITK_RULE_SETTERS "post_setters_named"

/* Adds a pending finding (rule ITK_RULE_SETTERS, section "決裁", for the
 * city) when the contract settings at HEAD hold a decision rule (決裁) but
 * name no post_setters: then the officer who opened the registry alone
 * sets who may seal (itaku/delegation.h). Registries made so keep
 * verifying; this says what to do. 0, or ITK_ENOMEM. */
int itk_status_setters(sctx *c);
/* The rule's name of a reference the registry does not hold. */
#define ITK_RULE_REFS "references_in_registry"

/* Adds a pending finding (rule ITK_RULE_REFS, section "参照", no due date:
 * a warning, status still exits 0 for it) for each reference a record
 * there at the evaluation time, not superseded, cites that HEAD's tree does
 * not hold (itk_refcheck_again: a register entry's handler or verifier no
 * form 1 of its party names, an item_id its party's chain holds no
 * received or copied entry of, a cited record that is not there), naming
 * the record, the field and what to do. References the record itself
 * recorded as unverified (--unverified-ref) are itk_status_unverified's. */
int itk_status_refs(sctx *c);

#endif
