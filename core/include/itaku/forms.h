/* The city's forms as data: which schema of a registry applies to a record
 * type, validation of a body before anything is written, fill-in templates,
 * and the register (form 3) as CSV. Rendering is render.h's. */
#ifndef ITAKU_FORMS_H
#define ITAKU_FORMS_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/labels.h"
#include "itaku/registry.h"

/* The newest schemas/<type>.v<N>.schema.json of tree, parsed and checked;
 * name gets "<type>.v<N>". A missing or malformed schema is an error naming
 * the file (ITK_ENOTFOUND / ITK_EINVALID). */
int itk_registry_schema(json_t **out, char name[64], itk_registry *reg, const git_tree *tree,
                        const char *type);

/* This release of itaku, as `itaku --version` shows it and as a refusal to
 * write against a schema version it does not know names it. */
#define ITK_VERSION "0.1.0"

/* The newest version of schemas/<type>.v<N>.schema.json this itaku carries
 * (its built-in template); 0 when it carries none. */
long itk_schema_carried(const char *type);

/* Validates body against the registry's schema for type: the newest version
 * HEAD's tree holds, never the built-in one. ITK_EINVALID with every
 * problem, one per line, in the error message. ITK_EUNSUPPORTED when that
 * version is newer than any this itaku carries (the registry was upgraded by
 * a newer release): the message names the version and says to upgrade
 * itaku. */
int itk_form_validate(char schema_name[64], itk_registry *reg, const char *type,
                      const json_t *body);

/* The problems itk_form_validate finds with body, appended to errors one
 * per line (each line ending in a line break; none when body is valid),
 * without setting an error: for a caller listing them with others (a
 * form's references, itaku/precheck.h). 0 when they could be listed;
 * ITK_EUNSUPPORTED, ITK_ENOTFOUND, ITK_ENOMEM as itk_form_validate. */
int itk_form_problems(itk_buf *errors, char schema_name[64], itk_registry *reg, const char *type,
                      const json_t *body);

/* The schema a write of type would use in reg, without validating anything:
 * the newest version HEAD's tree holds, parsed and checked for its version
 * (*out, the caller's, json_decref; out may be NULL), name "<type>.v<N>".
 * ITK_EUNSUPPORTED when this itaku does not carry that version, the message
 * as itk_form_validate's; ITK_ENOTFOUND / ITK_EINVALID as
 * itk_registry_schema. Validate the body with itk_schema_validate_version
 * (itaku/schema.h) and N (itk_schema_version_of(name)) to judge it exactly
 * as a write does. */
int itk_form_schema(json_t **out, char name[64], itk_registry *reg, const char *type);

/* itk_form_validate for an itaku carrying versions up to carried of type's
 * schema (itk_form_validate passes itk_schema_carried(type)). */
int itk_form_validate_carried(char schema_name[64], itk_registry *reg, const char *type,
                              const json_t *body, long carried);

/* Maps the form numbers people use ("1".."6", "3" is the register,
 * "incident") to record or schema types; NULL when unknown. */
const char *itk_form_type(const char *number);

/* The other way: the form number `form submit` takes for a record type
 * (or a number) type ("register" → "3", "form1" → "1", "incident"); NULL
 * when no form is of that type. */
const char *itk_form_number(const char *type);

/* A fill-in template for a schema: JSON with a // comment before each field
 * giving its Japanese title, whether it is required, its choices and its
 * English description. `itaku form submit` reads it back (comments allowed). */
int itk_form_template(itk_buf *out, const json_t *schema, const char *title,
                      const char *how_to_submit);
/* The same with each choice's label from a catalog (labels.h; NULL: none)
 * beside the code to write, "received（受領）"; type is the record type. */
int itk_form_template_labeled(itk_buf *out, const json_t *schema, const char *title,
                              const char *how_to_submit, const itk_labels *labels,
                              const char *type);

/* Removes // comments (outside strings) from hand-edited JSON, keeping line
 * numbers, so that a filled-in template parses. */
int itk_json_strip_comments(itk_buf *out, const char *in, size_t len);

/* Every register entry (form 3) of party (NULL: all parties) in HEAD, as CSV
 * for spreadsheets: UTF-8 with a byte-order mark, CRLF line ends; codes
 * (action, medium, method) as the labels of HEAD's catalog (labels.h), the
 * codes themselves when the registry has none; 番号 the entry_no written,
 * else the entry's place in its party's register (by record id, from 1);
 * 指定方法による受渡し はい/いいえ for a handover the obligations check
 * (itk_method_judge_entry), empty otherwise; 日時 and 記録日時 on the
 * contract's clock, "2026-12-03 10:00" (itk_time_shown). A catalog that
 * cannot be read is an error naming it. */
int itk_register_export_csv(itk_buf *out, itk_registry *reg, const char *party);

#endif
