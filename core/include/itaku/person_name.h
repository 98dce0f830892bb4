/* A person's name in a record (取扱者, 確認者, form 1's 管理責任者 and 作業従事者,
 * 代表者 …) is one line of text, as the person's papers have it: the paper
 * forms and the register print it on one line, and names are compared by
 * it (a register entry's handler with form 1). */
#ifndef ITAKU_PERSON_NAME_H
#define ITAKU_PERSON_NAME_H

#include <jansson.h>

#include "itaku/buf.h"

/* 0 when every person's name that a body of type holds is one line of
 * text: no control character (C0 with tab and line feed, DEL, C1), no line
 * or paragraph separator (U+2028, U+2029), no bidirectional formatting
 * character (as itk_display_name_check), and no space (U+0020, U+00A0 or
 * the full-width U+3000) at its start or end; spaces between family and
 * given name are the person's own. The fields are, by type: register
 * handler, verifier, from, to; form 1 manager.name, supervisors[].name,
 * workers[].name, contact_chain[].name; form 2 attendees[].name,
 * instructor, reported_by; form 4 reported_by; form 5 certifier,
 * performed_by.name, witnesses[].name; form 6 (and a request's form6)
 * subcontractor.representative, sub_structure.manager.name,
 * sub_structure.workers[].name; incident reporter; inspection
 * inspectors[].name; contract-amendment contacts[].name; and every form's
 * submitter.representative. The v2 schemas' pattern for them refuses C0 and
 * an ASCII space at either end (what a byte-wise POSIX pattern and ajv agree
 * on); this check says the rest and says it in words.
 * schema (may be NULL) is the one body is validated with: its titles name a
 * field in a translated message (取扱者, 作業従事者の氏名), the JSON path in
 * English (workers[1].name: indexes from 0, as in the schema's messages).
 * ITK_EINVALID naming the first such name, the field and what to do. */
int itk_person_names_check(const json_t *schema, const char *type, const json_t *body);

/* itk_person_names_check saying every such name: one line each appended
 * to errors (the same sentences), and each one's field path
 * ("workers[0].name") added to paths as a key (itk_schema_validate_skip
 * then says nothing more of it). 0 also when names are refused (errors
 * grew); ITK_ENOMEM. */
int itk_person_names_list(itk_buf *errors, json_t *paths, const json_t *schema, const char *type,
                          const json_t *body);

/* A person's name as the paper register has it, at input, before the
 * record is signed: each name of body (the fields of
 * itk_person_names_check for type) with its half-width katakana made
 * full-width (itk_kana_fullwidth: ｽｽﾞｷ ｲﾁﾛｳ is スズキ イチロウ), so that one
 * person is one name in the register, its CSV and every comparison; nothing
 * else of the name changes (its kanji, spaces, full-width letters). A name
 * that is not valid UTF-8 is left for the checks to refuse. 0, or
 * ITK_ENOMEM. */
int itk_person_names_input(const char *type, json_t *body);

/* itk_person_names_input, and one line appended to notes (may be NULL) for
 * each name it changed, as itk_person_name_input says it, naming the
 * field's path (workers[1].name). 0, or ITK_ENOMEM. */
int itk_person_names_input_noted(const char *type, json_t *body, itk_buf *notes);

/* One person's name as typed at input (a form's field, key add's or key
 * rename's --name): the rule of itk_person_names_input for every name, in
 * one place. out (cleared first) gets typed (NULL: "") with its half-width
 * katakana made full-width (itk_kana_fullwidth: ｽｽﾞｷ ｲﾁﾛｳ is スズキ
 * イチロウ); a name that is not valid UTF-8 is left as typed, for the checks
 * to refuse. When that changed it, notes (may be NULL) gets the line
 * "<what>: '<typed>' taken as <name>\n" (translated, as form input notes a
 * number it rewrites) and 1 is returned; else 0; ITK_ENOMEM. */
int itk_person_name_input(itk_buf *out, itk_buf *notes, const char *what, const char *typed);

#endif
