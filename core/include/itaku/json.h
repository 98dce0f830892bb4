/* JSON as itaku reads and writes it: bounded parsing of untrusted input
 * (size, depth, duplicate keys, integers only) and the canonical bytes of
 * DESIGN §3 (sorted keys, two-space indent, UTF-8 unescaped, final newline). */
#ifndef ITAKU_JSON_H
#define ITAKU_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "itaku/buf.h"

#define ITK_MAX_RECORD_BYTES (1024 * 1024)
#define ITK_MAX_ATTACHMENT_BYTES (20 * 1024 * 1024)
#define ITK_MAX_JSON_DEPTH 32

/* Parses data as one JSON value. Refuses (ITK_EINVALID, message naming `name`
 * and the line and column) malformed JSON, duplicate keys, numbers with a
 * fraction or exponent, NUL characters, nesting deeper than
 * ITK_MAX_JSON_DEPTH; ITK_ETOOBIG over ITK_MAX_RECORD_BYTES. */
int itk_json_parse(json_t **out, const char *data, size_t len, const char *name);

/* Writes v's canonical bytes. */
int itk_json_canonical(itk_buf *out, const json_t *v);

/* 0 when data is exactly the canonical form of the value it holds. */
int itk_json_check_canonical(const char *data, size_t len, const char *name);

#endif
