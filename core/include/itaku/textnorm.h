/* Text as people type it in a Japanese office: Unicode NFKC (full-width
 * digits and letters to ASCII, ㍻ to 平成), and labels (管理番号, handover
 * methods) compared through one fold. Built on libunistring's u8_normalize
 * and u8_casefold (Unicode 14, UAX #15 and the Unicode case-folding rules). */
#ifndef ITAKU_TEXTNORM_H
#define ITAKU_TEXTNORM_H

#include <stddef.h>

#include "itaku/buf.h"

/* The longest text these functions take, in bytes; longer is ITK_ETOOBIG. */
#define ITK_TEXTNORM_MAX 4096

/* out = NFKC of the len bytes at s (valid UTF-8, at most ITK_TEXTNORM_MAX
 * bytes), NUL-terminated. ITK_EINVALID for bytes that are not UTF-8. */
int itk_nfkc(itk_buf *out, const char *s, size_t len);

/* out = s (valid UTF-8) with its half-width katakana and their marks
 * (U+FF61..U+FF9F, ｽｽﾞｷ ｡｢｣ｰ, as JIS X 0201 keyboards and old systems type
 * them) made full-width as NFKC makes them (スズキ 。「」ー: a voiced mark
 * joined to its kana), and nothing else changed: not the full-width letters
 * or digits, not a kanji's form. Errors as itk_nfkc (a run of them over
 * ITK_TEXTNORM_MAX bytes: ITK_ETOOBIG). */
int itk_kana_fullwidth(itk_buf *out, const char *s);

/* The key two labels are compared by: NFKC, Unicode case folding, and the
 * dash look-alikes NFKC keeps apart (U+30FC ー, U+2212 −, U+2010 ‐, U+2011
 * ‑, U+2012 ‒, U+2013 –, U+2014 —, U+2015 ―, U+FF70 ｰ) made '-'. So
 * "SKR-USB-01", "skr-usb-01" and "ＳＫＲ－ＵＳＢ－０１" have one key. A
 * label is stored as typed; only comparisons use the key. Errors as
 * itk_nfkc. */
int itk_label_key(itk_buf *out, const char *label);

/* A number or code as people type it (a telephone number ０４２－５５８－１１１１,
 * an e-mail address): NFKC and the dash look-alikes of itk_label_key made
 * '-', without case folding, so "042-558-1111" from the example; for the
 * value to store, not only to compare. Errors as itk_nfkc. */
int itk_number_typed(itk_buf *out, const char *typed);

/* The longest labels, in characters (the schemas' maxLength). */
#define ITK_ITEM_ID_MAX_CHARS 64
#define ITK_METHOD_MAX_CHARS 40

/* 1 when a and b have the same itk_label_key (0 also when either is NULL or
 * cannot be folded). */
int itk_label_equal(const char *a, const char *b);

/* The one rule for a label people give (a 管理番号, a handover method):
 * valid UTF-8, 1 to max_chars characters, no C0 control character, neither
 * starting nor ending with a space. Upper case, Japanese, digits, hyphens
 * and full-width forms are all fine. what names the field in the message
 * ("handover method"). The register schema's v2 pattern says the same. */
int itk_label_check(const char *label, size_t max_chars, const char *what);

/* The columns the NUL-terminated UTF-8 text s takes on a terminal, by
 * libunistring's uc_width under UTF-8 (Unicode's East Asian Width: kanji,
 * kana, full-width letters ＪＯＨＮ and the ideographic space take two;
 * half-width katakana ｽｽﾞｷ, ASCII and characters of ambiguous width one;
 * combining marks none). A control character, or a byte that is not UTF-8,
 * counts as one column (what is shown in its place). NULL is 0. */
int itk_text_width(const char *s);

#endif
