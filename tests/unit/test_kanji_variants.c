/* Unit tests of the kanji variant pairs (core/util/kanji_variants.c, made at
 * build time from KANJIDIC2 and Unihan by core/kanji_variants.sh): the old
 * and new forms people write names with are pairs, in either order; pairs
 * are direct (斉/齊 and 斎/齋, but not 斉/斎); names compare position by
 * position; and what NFKC (itk_label_key, which names go through first)
 * does to CJK compatibility ideographs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/buf.h"
#include "itaku/kanji_variants.h"
#include "itaku/textnorm.h"

/* The code point of the one character in s (UTF-8). */
static unsigned long cp(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] < 0x80)
        return p[0];
    if (p[0] < 0xE0)
        return (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu);
    if (p[0] < 0xF0)
        return (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
    return (p[0] & 0x07ul) << 18 | (p[1] & 0x3Ful) << 12 | (p[2] & 0x3Ful) << 6 | (p[3] & 0x3Ful);
}

static void test_the_table_was_generated(void **state)
{
    (void)state;
    /* KANJIDIC2's and Unihan's pairs: several thousand */
    assert_true(itk_kanji_variant_count() > 2000);
}

static void test_old_and_new_forms_are_pairs_in_either_order(void **state)
{
    (void)state;
    static const char *const pairs[][2] = {
        {"高", "髙"}, {"斎", "齋"}, {"沢", "澤"}, {"辺", "邊"}, {"辺", "邉"}, {"邊", "邉"},
        {"崎", "﨑"}, {"浜", "濱"}, {"斉", "齊"}, {"広", "廣"}, {"国", "國"}, {"桜", "櫻"},
        {"島", "嶋"}, {"恵", "惠"}, {"関", "關"}, {"瀬", "瀨"}, {"徳", "德"}, {"竜", "龍"},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(*pairs); i++) {
        assert_int_equal(itk_kanji_variant_pair(cp(pairs[i][0]), cp(pairs[i][1])), 1);
        assert_int_equal(itk_kanji_variant_pair(cp(pairs[i][1]), cp(pairs[i][0])), 1);
    }
}

static void test_pairs_are_direct_and_different_kanji_are_none(void **state)
{
    (void)state;
    /* 斉/齊 and 斎/齋 are pairs; 斉/斎 are two kanji (two family names) and
     * the data pairs them neither directly nor through 齊/齋 */
    assert_int_equal(itk_kanji_variant_pair(cp("斉"), cp("斎")), 0);
    assert_int_equal(itk_kanji_variant_pair(cp("齊"), cp("齋")), 0);
    assert_int_equal(itk_kanji_variant_pair(cp("郎"), cp("朗")), 0);
    assert_int_equal(itk_kanji_variant_pair(cp("一"), cp("二")), 0);
    /* a character is not its own variant; ASCII has none */
    assert_int_equal(itk_kanji_variant_pair(cp("高"), cp("高")), 0);
    assert_int_equal(itk_kanji_variant_pair('a', 'A'), 0);
}

static void test_names_compare_position_by_position(void **state)
{
    (void)state;
    assert_int_equal(itk_kanji_variant_equal("髙橋一郎", "高橋一郎"), 1);
    assert_int_equal(itk_kanji_variant_equal("渡邉", "渡辺"), 1);
    assert_int_equal(itk_kanji_variant_equal("渡邊", "渡邉"), 1);
    assert_int_equal(itk_kanji_variant_equal("齋藤", "斎藤"), 1);
    assert_int_equal(itk_kanji_variant_equal("髙﨑", "高崎"), 1);
    assert_int_equal(itk_kanji_variant_equal("高橋一郎", "高橋一郎"), 1);
    /* another kanji, another length, a variant in another place */
    assert_int_equal(itk_kanji_variant_equal("斉藤", "斎藤"), 0);
    assert_int_equal(itk_kanji_variant_equal("鈴木一朗", "鈴木一郎"), 0);
    assert_int_equal(itk_kanji_variant_equal("高橋", "高橋一郎"), 0);
    assert_int_equal(itk_kanji_variant_equal("高橋一郎", "高橋"), 0);
    assert_int_equal(itk_kanji_variant_equal("橋高", "高橋"), 0);
    assert_int_equal(itk_kanji_variant_equal(NULL, "高橋"), 0);
    assert_int_equal(itk_kanji_variant_equal("\xff", "\xff"), 0);
}

/* NFKC maps most compatibility ideographs (塚 U+FA10 → 塚) to the unified
 * one, but keeps the twelve unified ideographs of that block (﨑 U+FA11):
 * those are the data's to pair */
static void test_nfkc_and_compatibility_ideographs(void **state)
{
    (void)state;
    itk_buf k = ITK_BUF_INIT;
    assert_int_equal(itk_label_key(&k, "\xef\xa8\x90"), 0); /* U+FA10 */
    assert_string_equal(k.ptr, "塚");
    assert_int_equal(itk_label_key(&k, "﨑"), 0);
    assert_string_equal(k.ptr, "﨑");
    assert_int_equal(itk_kanji_variant_equal(k.ptr, "崎"), 1);
    itk_buf_dispose(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_table_was_generated),
        cmocka_unit_test(test_old_and_new_forms_are_pairs_in_either_order),
        cmocka_unit_test(test_pairs_are_direct_and_different_kanji_are_none),
        cmocka_unit_test(test_names_compare_position_by_position),
        cmocka_unit_test(test_nfkc_and_compatibility_ideographs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
