/* Variant forms of one kanji (異体字: 高/髙, 斎/齋, 沢/澤, 辺/邊/邉, 崎/﨑,
 * 浜/濱 …), so that a name written with an old or another form of a
 * character is recognised as the name written with its usual form. The
 * pairs are not written by hand: core/kanji_variants.sh reads them at build
 * time from KANJIDIC2 (Debian package kanjidic-xml: <variant> entries whose
 * type is a JIS X 0208, 0212, 0213 or UCS code) and from Unihan (package
 * unicode-data: kZVariant and kSemanticVariant). Pairs are direct, never
 * closed transitively: 斉/齊 and 斎/齋 are pairs, but 斉 and 斎 are not,
 * and stay different names (as the data has them). */
#ifndef ITAKU_KANJI_VARIANTS_H
#define ITAKU_KANJI_VARIANTS_H

#include <stddef.h>

/* 1 when the code points a and b differ and the data pairs them directly as
 * variants of one kanji (in either order), else 0. */
int itk_kanji_variant_pair(unsigned long a, unsigned long b);

/* 1 when the UTF-8 texts a and b have the same number of characters and
 * each character of a is the one of b at its place or a variant of it
 * (itk_kanji_variant_pair); 0 otherwise, also when either is NULL or not
 * valid UTF-8. Compare texts that are already folded alike (a person's name
 * after NFKC, which also maps most CJK compatibility ideographs to their
 * unified form; the twelve unified ones in U+FA0E..U+FA29, such as 﨑
 * U+FA11, are kept by NFKC and paired by the data). */
int itk_kanji_variant_equal(const char *a, const char *b);

/* How many pairs the table holds (a test checks it was generated). */
size_t itk_kanji_variant_count(void);

#endif
