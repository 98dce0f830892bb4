/* Parties and records written by the registry's own party: the city's
 * registration of a contractor, and a party's submission of a record. */
#ifndef ITAKU_PARTY_H
#define ITAKU_PARTY_H

#include <jansson.h>

#include "itaku/attach.h"
#include "itaku/buf.h"
#include "itaku/query.h"
#include "itaku/refcheck.h"
#include "itaku/registry.h"

typedef struct {
    unsigned version;
    const char *id;
    const char *role; /* "contractor" (subcontractors come through form 6) */
    const char *name;
    const char *principal; /* of its first key */
    const itk_pubkey *key;
    const char *principal_name; /* its display name (key.v2), or NULL */
} itk_party_options;

#define ITK_PARTY_OPTIONS_VERSION 1
#define ITK_PARTY_OPTIONS_INIT                                                                     \
    {                                                                                              \
        ITK_PARTY_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL                              \
    }

/* The parties of tree a person who typed typed (not a party id) may mean,
 * for a refusal's "did you mean …?": out (emptied first) gets "acme
 * (株式会社アクメ)", ", " between up to ITK_REF_CLOSEST of them: those whose
 * name (party.json's body.name) or id holds typed, compared by
 * itk_label_key (アクメ, ＡＣＭＥ, acme), else those whose id is an edit
 * distance of 2 or less from it. Empty when none is. Never fails. */
void itk_party_suggest(itk_buf *out, itk_registry *reg, git_tree *tree, const char *typed);

/* The city registers a party and its first key in one signed commit. */
int itk_party_add(git_oid *commit, itk_registry *reg, itk_signer *signer,
                  const itk_party_options *opts);

/* Wraps body in a record envelope of type under the signer's own folder,
 * with the next id, and commits it. supersedes (NULL: none) is one of the
 * signer's own records of type, as typed (itk_record_id_input: r-2,
 * acme/r-000002, full-width digits; another party's is ITK_EINVALID); so are
 * body's approval, withdraws, form1_ref and first_report_ref, completed
 * with the signer's party and stored canonical; the persons' names in body
 * have their half-width katakana made full-width (itk_person_names_input).
 * Returns the path and id written. */
int itk_record_submit(itk_buf *path, itk_buf *id, git_oid *commit, itk_registry *reg,
                      itk_signer *signer, const char *type, json_t *body, const char *supersedes);

/* itk_record_submit, and the natt files in att (their bytes already cited
 * in body, see itk_attachment_fill) added under the signer's
 * attachments/ in the same signed commit; a file the registry already
 * holds there is not added again. */
int itk_record_submit_attached(itk_buf *path, itk_buf *id, git_oid *commit, itk_registry *reg,
                               itk_signer *signer, const char *type, json_t *body,
                               const char *supersedes, const itk_attachment *att, size_t natt);

/* itk_record_submit_attached with the reference options ro (NULL: none):
 * every reference body cites is checked first (itk_refcheck); those
 * recorded as unverified go into the envelope's refs as
 * {"unverified": [{"field", "ref", "reason"}]}. A register entry's
 * handover method is checked (itk_handover_method_check): one the contract
 * does not designate is refused (ITK_EVERIFY) unless ro->undesignated_method
 * with ro->reason, then recorded as refs {"undesignated_method": {"method",
 * "reason"}}; ro->undesignated_method on another type is ITK_EINVALID. A
 * refusal writes nothing and drops the notes its checks set
 * (itk_notice_drop). */
int itk_record_submit_refs(itk_buf *path, itk_buf *id, git_oid *commit, itk_registry *reg,
                           itk_signer *signer, const char *type, json_t *body,
                           const char *supersedes, const itk_attachment *att, size_t natt,
                           const itk_ref_options *ro);

#endif
