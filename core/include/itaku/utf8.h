/* Text from other parties (commit subjects, record fields, names) may hold
 * bytes that are not UTF-8: a Shift_JIS commit message, a truncated sequence.
 * JSON output (jansson refuses invalid UTF-8) and anything that must be
 * valid UTF-8 goes through these first. */
#ifndef ITAKU_UTF8_H
#define ITAKU_UTF8_H

#include <stddef.h>

/* The replacement for one invalid byte: U+FFFD REPLACEMENT CHARACTER. */
#define ITK_UTF8_REPLACEMENT "\xEF\xBF\xBD"

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when the bytes at
 * s (len of them, len > 0) do not start one: a stray continuation byte, an
 * overlong form, a surrogate, a code point above U+10FFFF, a truncated
 * sequence (Unicode 15, table 3-7). A NUL byte is a valid sequence of 1. */
size_t itk_utf8_seq_len(const unsigned char *s, size_t len);

/* 1 when the len bytes at s are valid UTF-8 with no NUL byte, else 0. */
int itk_utf8_is_valid(const char *s, size_t len);

/* Copies the len bytes at s into a new NUL-terminated string (*out, freed by
 * the caller with free()) that is valid UTF-8 with no NUL byte: each byte
 * that does not start a valid sequence, and each NUL byte, is replaced by
 * U+FFFD; valid text is copied unchanged. *nreplaced (may be NULL) gets the
 * number of bytes replaced. s may be NULL when len is 0. Errors: ITK_ENOMEM
 * (then *out is NULL). */
int itk_utf8_valid_copy(char **out, const char *s, size_t len, size_t *nreplaced);

/* Copies src (NULL: "") into dst of cap bytes (cap > 0), NUL-terminated and
 * cut on a UTF-8 character boundary when it does not fit: the fixed-size
 * fields of the views' results and of the obligations' titles. */
void itk_copy_utf8(char *dst, size_t cap, const char *src);

#endif
