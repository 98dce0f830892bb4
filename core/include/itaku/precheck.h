/* What a write of a form checks in the body it is given before anything is
 * written, in one list: the schema's problems and what the form cites
 * (issue 16: a person gets every problem of a form at once, not the
 * references in a second round). `form submit`, `request submit` and
 * `validate` check through here, so that validate accepts exactly what a
 * write accepts. */
#ifndef ITAKU_PRECHECK_H
#define ITAKU_PRECHECK_H

#include <git2.h>
#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/refcheck.h"
#include "itaku/registry.h"

/* The fields of a body citing one of the writer's own records (approval,
 * withdraws, form1_ref, first_report_ref) typed short (q-1, Ｑ－１, 1) are
 * read as itk_record_id_input reads them, completed with party, and
 * rewritten in body ("acme/q-000001"). Never fails. */
void itk_record_own_refs_input(json_t *body, const char *party);

/* What body (a record of type by party, not yet written) cites, checked
 * over tree as itk_refcheck checks it (supersedes and o as there; o may be
 * NULL), its own references typed short completed first (on a copy: body
 * is left as it is): each problem found appended to out, one a line, each
 * ending in a line break (nothing when all is found). Notes are dropped.
 * 0, or ITK_ENOMEM and the errors of reading tree (nothing appended). */
int itk_record_ref_problems(itk_buf *out, itk_registry *reg, git_tree *tree, const char *party,
                            const char *type, const json_t *body, const char *supersedes,
                            const itk_ref_options *o);

/* The checks of a write of a record of type by party, in order: the own
 * references typed short are completed (itk_record_own_refs_input, body
 * rewritten), body is validated against the schema a write uses
 * (itk_form_problems: schema_name gets "<type>.v<N>") and what it cites is
 * checked over tree (itk_refcheck with supersedes and o, which may be NULL:
 * *unverified as itk_refcheck sets it). When the schema finds problems,
 * what the form cites is checked too and its problems follow the schema's
 * in the same list (ITK_EINVALID, one problem a line, cut as
 * itk_form_problems_cap cuts it); with a valid body itk_refcheck's answer
 * is returned as it is (ITK_ENOTFOUND, ITK_EEXISTS, ...). Writes nothing. */
int itk_record_precheck(json_t **unverified, char schema_name[64], itk_registry *reg,
                        git_tree *tree, const char *party, const char *type, json_t *body,
                        const char *supersedes, const itk_ref_options *o);

/* Seed §4(2)–(4): a register entry (body) of party that copies, takes out,
 * uses beyond purpose or provides to a third party cites an approved
 * request of party (approval, checked by itk_approval_check as at created,
 * RFC 3339), or says why there was none (unapproved_reason). 0 when it
 * does or needs none; ITK_EVERIFY (no approval cited, translated, the
 * action by the paper's word) or itk_approval_check's refusal. The
 * refusal names what to give as the writer gives it: by_options nonzero
 * (register add, the body built from options) the options --approval and
 * --unapproved --reason, else (a form read from a file: form submit,
 * validate) the form's fields, by their titles on a Japanese screen
 * (承認申請, 未承認の理由). Writes nothing. */
int itk_register_approval_precheck(itk_registry *reg, const char *party, const json_t *body,
                                   const char *created, int by_options);

#endif
