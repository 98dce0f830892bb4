/* What an auditor hands to stock git: the allowed-signers file with each key's
 * validity in time, and an OpenSSH KRL of every compromised key. Both are
 * read from the commits of the registry that keep every trust rule (a commit
 * `itaku verify` refuses, or one void under V9, adds no key and no event).
 * Sources: ssh-keygen(1) "ALLOWED SIGNERS" (valid-after, valid-before:
 * inclusive, YYYYMMDDHHMMSS with Z for UTC; git passes each commit's
 * committer date as verify-time), PROTOCOL.krl (see krl.h), DESIGN §5 V9. */
#ifndef ITAKU_AUDIT_EXPORT_H
#define ITAKU_AUDIT_EXPORT_H

#include <stddef.h>

#include "itaku/buf.h"
#include "itaku/registry.h"
#include "itaku/verify.h"

typedef struct {
    size_t keys;        /* keys written (allowed signers) or revoked (KRL) */
    size_t retired;     /* of them, retired: valid-before their retirement */
    size_t compromised; /* of them, compromised: valid-before their last good commit */
    size_t left_out;    /* commits that break a trust rule, whose keys were not taken */
} itk_audit_counts;

/* out (cleared first) gets an allowed_signers file: one line per key of any
 * party, "<party>/<principal> namespaces="git",valid-after="T",valid-before="T"
 * TYPE BASE64 [COMMENT]", preceded by comment lines naming the commits that
 * added, retired or compromised it and the `git merge-base --is-ancestor`
 * check that dates cannot replace. valid-after is the committer date of the
 * commit that added the key; valid-before (only for a key no longer active)
 * the committer date of the commit that retired it, or of its last good
 * commit when it is compromised (the earlier when both); valid-after is left
 * out when it would not be before valid-before (ssh-keygen refuses such a
 * line). Times are UTC, to the second.
 * verify runs over HEAD and every branch, remote-tracking and itaku ref with
 * opts (NULL: defaults, pins from git config). counts may be NULL.
 * Errors: verify's (it could not run), ITK_ENOTFOUND when no verified commit
 * adds a key, ITK_ENOMEM. */
int itk_audit_allowed_signers(itk_buf *out, itk_audit_counts *counts, itk_registry *reg,
                              const itk_verify_options *opts);

/* out (cleared first) gets an OpenSSH KRL revoking every key that a verified
 * commit marks compromised (none: a KRL revoking nothing, counts->keys 0),
 * dated now (unix seconds, UTC) and with now as its version. Same walk and
 * errors as itk_audit_allowed_signers, and those of itk_krl_write. */
int itk_audit_revocations(itk_buf *out, itk_audit_counts *counts, itk_registry *reg,
                          const itk_verify_options *opts, long long now);

#endif
