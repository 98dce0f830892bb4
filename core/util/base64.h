/* Standard base64 (RFC 4648, padded) as OpenSSH writes it in key lines, key
 * files and signature armor. Decoding is strict: no stray characters, padding
 * required, unused bits zero. Also the BEGIN/END armor that wraps it. */
#ifndef ITAKU_BASE64_H
#define ITAKU_BASE64_H

#include <stddef.h>

#include "itaku/buf.h"

/* Appends the encoding of data to out, on one line. */
int itk_base64_encode(itk_buf *out, const void *data, size_t len);
/* Appends the encoding wrapped at width columns, lines joined by '\n', with no
 * newline after the last line. */
int itk_base64_encode_wrapped(itk_buf *out, const void *data, size_t len, size_t width);

/* Largest decoded size of len base64 characters. */
size_t itk_base64_decoded_max(size_t len);
/* Decodes text (no whitespace allowed) into out, which holds cap bytes
 * (itk_base64_decoded_max(len) is always enough). Returns 0 or -1 on any
 * malformed input; sets no error message. */
int itk_base64_decode(unsigned char *out, size_t cap, size_t *outlen, const char *text, size_t len);

/* Unwraps "<begin>\n base64 lines \n<end>" (LF or CRLF line ends; nothing but
 * whitespace after the end line) and decodes it into a malloc'ed *out that the
 * caller frees (wiping it when secret). what names the input in messages,
 * e.g. "signature armor". Errors: ITK_EINVALID. */
int itk_armor_decode(unsigned char **out, size_t *outlen, const void *text, size_t len,
                     const char *begin, const char *end, const char *what);

#endif
