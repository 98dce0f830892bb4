/* A finding of status beside the obligations' rules (status_objects.c):
 * a form citing an attachment that no party's attachments hold is
 * incomplete. */
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

#endif
