/* JSON Schema validation of a record's body: the 2020-12 subset the
 * registry's schemas/ use, with every problem reported in words a manager
 * reads. Which schema applies to a record is the caller's business. */
#ifndef ITAKU_SCHEMA_H
#define ITAKU_SCHEMA_H

#include <jansson.h>

#include "itaku/buf.h"

/* The keywords understood: type, properties, required, enum, const,
 * pattern (POSIX extended regular expressions, written so that ECMAScript
 * reads them the same), format ("date", "date-time"), items, minItems,
 * maxLength (Unicode code points), additionalProperties (boolean or schema),
 * $ref ("#/$defs/NAME" only, no cycles), $defs, and the annotations title,
 * description, $schema, $id, $comment; from schema version 2 on, also
 * minLength (Unicode code points). Anything else is refused.
 *
 * Per schema version (issue 13): the validator's behaviour on a released
 * schema version never changes; a keyword or stricter check added later
 * applies to schemas/<type>.v<N>.schema.json from some N on only, and a
 * schema of an earlier version using it is refused (ITK_EUNSUPPORTED, the
 * message naming the version it needs). The version is N of the schema's
 * file name; the functions without _version take it from `name` or `label`
 * ("schemas/register.v2.schema.json", "register.v2"), and take 1 when it
 * names none (a bare "register"). */

/* N of "<...>.v<N>.schema.json" or "<...>.v<N>" (1 to 999999); 1 for a name
 * without a version. */
long itk_schema_version_of(const char *name);

/* The keywords schema version `version` adds to the earlier ones (a
 * NULL-terminated list the library owns), NULL when it adds none. */
const char *const *itk_schema_keywords(long version);

/* Checks that schema is well formed and uses only the keywords above.
 * 0 when it is; ITK_EINVALID (malformed: wrong keyword value, bad pattern,
 * unresolved or cyclic $ref, nested deeper than ITK_MAX_JSON_DEPTH) or
 * ITK_EUNSUPPORTED (an unknown keyword or format), with a message naming
 * `name` (the schema file) and the keyword's place in it. */
int itk_schema_check(const json_t *schema, const char *name);
/* itk_schema_check for a schema of that version, whatever name says. */
int itk_schema_check_version(const json_t *schema, const char *name, long version);

/* Validates instance against schema. Returns 0 when valid; ITK_EINVALID
 * when not, having appended ALL problems to errors, one line each, as
 * "<label>: <field path> <what is wrong>\n" (e.g. "form1: manager.phone is
 * required"). A schema that fails itk_schema_check gives ITK_ERROR and
 * appends nothing (itk_error_last() says why); ITK_ENOMEM likewise. */
int itk_schema_validate(itk_buf *errors, const json_t *schema, const json_t *instance,
                        const char *label);
/* itk_schema_validate for a schema of that version, whatever label says. */
int itk_schema_validate_version(itk_buf *errors, const json_t *schema, long version,
                                const json_t *instance, const char *label);

/* itk_schema_validate_version saying nothing about the fields skip names
 * (an object whose keys are field paths as the messages give them,
 * "submitted_on", "workers[0].name"), nor about what is inside them: a
 * reader that already refused them has said why (itaku/form_input.h).
 * skip NULL: every field. */
int itk_schema_validate_skip(itk_buf *errors, const json_t *schema, long version,
                             const json_t *instance, const char *label, const json_t *skip);

/* A schema checked once and kept for validating many records: the
 * patterns it compiles are kept with it. Compile checks schema as
 * itk_schema_check does (same errors) and takes a reference to it; the caller
 * frees *out with itk_schema_free. Apply validates exactly as
 * itk_schema_validate does, without checking the schema again. */
typedef struct itk_schema itk_schema;
int itk_schema_compile(itk_schema **out, json_t *schema, const char *name);
int itk_schema_apply(itk_buf *errors, itk_schema *s, const json_t *instance, const char *label);
void itk_schema_free(itk_schema *s);

/* Loads "schemas/<type>.v1.schema.json" from the registry template compiled
 * into the library, checked. ITK_ENOTFOUND for an unknown type. The caller
 * owns *out (json_decref). */
int itk_schema_builtin(json_t **out, const char *type);

#endif
