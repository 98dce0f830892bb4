/* A filled-in form as people save it (Notepad's byte-order mark, CR LF line
 * ends, the template's // notes, "" left in optional fields, dates written
 * 令和8年12月1日), read into the body a record holds. `form submit`,
 * `validate`, `incident report`, `request submit` and `register add` all read
 * through here, so that what `validate` accepts is what a write accepts. */
#ifndef ITAKU_FORM_INPUT_H
#define ITAKU_FORM_INPUT_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/registry.h"

/* The schema a body of type is checked against: with reg, the one a write
 * uses (itk_form_schema: the newest version HEAD's tree holds, refused with
 * ITK_EUNSUPPORTED when this itaku does not carry it); without, the newest
 * this itaku carries. name gets "<type>.v<N>". The caller owns *out.
 * ITK_ENOTFOUND for an unknown type. */
int itk_form_input_schema(json_t **out, char name[64], itk_registry *reg, const char *type);

/* Rewrites body in place as schema describes it: a choice (a field with an
 * enum) typed as its label in this itaku's labels catalog (受領, USBメモリ,
 * 新規; domain "<type>.<field>" then "<field>", the type read from the
 * schema's $id) or as its code in another case or width becomes its code,
 * noted; each string field of
 * format "date" or "date-time" typed in any form itk_datetime_input reads
 * becomes its canonical text (a time without an offset is in the contract's
 * zone, offset_minutes east of UTC; a date alone in a date-time field is the
 * end of that day for a due date, field "due" or "*_due", else the start of
 * that day), and an optional field left "" as in the template is removed,
 * as is an optional object or array left as `itaku form new` writes it
 * (every string "", every other leaf the template's 0, false, null or a
 * const: period {"from":"","to":""}, [""]) and each such placeholder row of
 * an optional array; required fields are left for validation to refuse.
 * notes (may be NULL) gets one line per date alone taken as a time and per
 * field or row removed (an object, array or row named by its schema title
 * and its path: "対象期間 (period)"). Fields the schema does not know are left to validation.
 * ITK_EINVALID lists every date that cannot be read, one per line, naming
 * the field and the text as typed, then every problem the schema finds
 * with the other fields (itk_schema_validate_skip), so that a form's
 * problems are said at once, at most ITK_FORM_PROBLEMS_MAX lines (and no
 * more bytes than ITK_FORM_PROBLEMS_BYTES, whole lines, so that the list
 * fits in one message) and a last one saying how many more; body may then
 * be partly rewritten. */
#define ITK_FORM_PROBLEMS_MAX 30
#define ITK_FORM_PROBLEMS_BYTES (ITK_ERROR_MAX - 1024)
int itk_form_body_normalise(json_t *body, itk_buf *notes, const json_t *schema, int offset_minutes);

/* Cuts list, a form's problems one per line (each ending in a line break),
 * to ITK_FORM_PROBLEMS_MAX whole lines and ITK_FORM_PROBLEMS_BYTES, then a
 * last line saying how many more there are (translated); a shorter list is
 * left as it is. */
void itk_form_problems_cap(itk_buf *list);

/* Reads a filled-in form: the len bytes at data (a file's content, name
 * naming it in messages) may start with a UTF-8 byte-order mark, have CR LF
 * line ends and // notes; they must hold one JSON object, which is then
 * itk_form_body_normalise'd. *body is the caller's. Errors: ITK_EINVALID
 * (not JSON, not an object, unreadable dates) naming name and the line. */
int itk_form_input_read(json_t **body, itk_buf *notes, const char *data, size_t len,
                        const char *name, const json_t *schema, int offset_minutes);

/* itk_form_body_normalise and itk_form_input_read, and also: a field
 * instruction_ref typed in a short form (n-000005, N-5, 5, full-width
 * digits too: itk_instruction_ref_input) becomes "<issuer>/n-000005",
 * noted. issuer (NULL: short forms left as typed, for the schema to
 * refuse) is the party whose instructions the writer answers: the one above
 * it in the chain. */
int itk_form_body_normalise_as(json_t *body, itk_buf *notes, const json_t *schema,
                               int offset_minutes, const char *issuer);
int itk_form_input_read_as(json_t **body, itk_buf *notes, const char *data, size_t len,
                           const char *name, const json_t *schema, int offset_minutes,
                           const char *issuer);

/* Appends more problems of a form's body (partly rewritten: what could not
 * be read left as typed) to problems, one a line, each ending in a line
 * break: a writer's check of what the form cites (itaku/precheck.h), so
 * that a form with a date that cannot be read still gets every problem in
 * one list. Must not fail (a problem it cannot judge is left out). */
typedef void (*itk_form_more_fn)(itk_buf *problems, const json_t *body, void *arg);

/* itk_form_input_read_as, and when the form has problems (ITK_EINVALID),
 * more (NULL: none) called with the body and arg after the schema's
 * problems are listed and before the list is cut. */
int itk_form_input_read_more(json_t **body, itk_buf *notes, const char *data, size_t len,
                             const char *name, const json_t *schema, int offset_minutes,
                             const char *issuer, itk_form_more_fn more, void *more_arg);

/* An instruction reference as a person types it: "<party>/n-000005", or a
 * short form of the id alone, "n-000005", "N-5", "n5" or the number "5"
 * (after NFKC: full-width digits too), completed with issuer (NULL or "":
 * not completed). out gets "<party>/n-NNNNNN" (or "n-NNNNNN" without an
 * issuer) and 1 is returned when typed was read so and differs from it;
 * else out gets typed unchanged and 0 is returned (the caller's own check
 * then refuses it). Never fails. itk_record_id_input with prefix "n". */
int itk_instruction_ref_input(char *out, size_t outsz, const char *typed, const char *issuer);

/* A record id as a person types it (the one reader of ids: instructions,
 * --supersedes, requests to approve, decide, seal, endorse or withdraw, a
 * record whose history is asked): "<party>/r-000002", "r-000002", "R-2",
 * "r-2", after NFKC (full-width digits and letters too), and with prefix
 * given ("r", "q", "n": the id prefix of the type expected; NULL: read
 * from typed, which then needs one) also the number alone, "2", and for a
 * prefix of letters "r2". party (NULL or "": not completed) completes an id
 * typed without one. out gets "<party>/<prefix>-NNNNNN" (or
 * "<prefix>-NNNNNN" without a party) and 1 is returned when typed was read
 * so and differs from it; else (another prefix than the one expected, more
 * than 6 digits, anything else) out gets typed unchanged and 0 is returned,
 * for the caller's own check to refuse or match it. Never fails. */
int itk_record_id_input(char *out, size_t outsz, const char *typed, const char *party,
                        const char *prefix);

/* The forms itk_instruction_ref_input reads, in words for a refusal
 * (translated, static): "<party>/n-000005, or n-000005, n-5 or 5 …". The
 * help texts of the commands taking an instruction say the same. */
const char *itk_instruction_ref_forms(void);

/* A choice typed by a person for field (a top-level field of type with an
 * enum, e.g. request.kind, instruction.kind): out gets the enum's code it
 * names, as itk_form_body_normalise maps one (the code itself, or its label
 * in this itaku's labels catalog, domain "<type>.<field>" then "<field>",
 * compared with itk_label_equal: 複製 → copy), else typed unchanged (for
 * the caller's own check to refuse). ITK_ENOTFOUND for an unknown type. */
int itk_form_choice(char *out, size_t outsz, const char *type, const char *field,
                    const char *typed);

/* How a form field named key whose schema has format reads a date typed
 * alone (the one rule, for reading a form and for its template): format
 * "date": ITK_DATE_DAY; "date-time": ITK_DATE_END for a due time (key "due"
 * or ending in "_due": 23:59:59 that day), else ITK_DATE_START (the start of
 * the day, noted); -1 for another format or none. */
int itk_form_date_mode(const char *key, const char *format);

/* A field of a record of type as the paper form words it, for a Japanese
 * text: path is a field's path in the body ("item_id", "item_ids[]",
 * "affected.item_ids[]", "workers[0].name"); out gets the titles of its
 * fields in this itaku's newest schema of type, joined by の ("影響を受けた
 * 情報の管理番号"), a field without a title by its key; path itself when the
 * type or a field is unknown. Never fails (no error is left set). */
void itk_form_field_words(char *out, size_t outsz, const char *type, const char *path);

#endif
