/* --json output: every command builds its answer as jansson values and dumps
 * it once, here, with one set of flags (compact, keys in the order they were
 * set, UTF-8 kept as is). Text from the registry goes through cli_jstr, which
 * makes it valid UTF-8 first (each invalid byte shown as U+FFFD), since
 * jansson refuses invalid UTF-8. The shapes are documented in doc/json/. */
#ifndef ITAKU_CLI_JSON_OUT_H
#define ITAKU_CLI_JSON_OUT_H

#include <jansson.h>

/* The flags of every --json dump. */
#define CLI_JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

/* A new JSON string of s (NULL is the empty string), made valid UTF-8 first.
 * NULL only when out of memory (json_pack's "o" then fails, so callers need
 * not check each value). */
json_t *cli_jstr(const char *s);
/* Appends v to the array *arr, or sets key to v in the object *obj, taking
 * v's reference. When that fails (out of memory, v NULL) *arr or *obj is
 * released and set to NULL, so that the whole answer becomes NULL and
 * cli_json_print says it failed: no value is ever left out silently. */
void cli_jappend(json_t **arr, json_t *v);
void cli_jset(json_t **obj, const char *key, json_t *v);
/* cli_jappend(arr, cli_jstr(s)). */
void cli_jappend_str(json_t **arr, const char *s);
/* A new JSON array of the items of list, a list with ", " between items
 * ("s-000003, s-000004"; "" gives []; an item is cut at 255 bytes), each
 * through cli_jstr. NULL only when out of memory. */
json_t *cli_jlist(const char *list);

/* Writes v to stdout followed by a newline and releases v (v may be NULL,
 * which means building it ran out of memory). Returns 0, or EXIT_ERROR after
 * telling what failed on stderr. */
int cli_json_print(json_t *v);

/* A JSON array written element by element, as produced (a long history
 * is never held whole): the same bytes cli_json_print gives for the array
 * of them. begin writes "[", item writes v (released; NULL: out of memory,
 * which then says so on stderr and returns EXIT_ERROR) after a comma when
 * it is not the first, end writes "]" and a newline. *n counts the items. */
void cli_json_array_begin(size_t *n);
int cli_json_array_item(size_t *n, json_t *v);
int cli_json_array_end(size_t *n);

#endif
