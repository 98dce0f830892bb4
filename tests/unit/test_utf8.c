/* Unit tests of made-valid UTF-8 (core/util/utf8.c): valid text is copied
 * unchanged; each byte that does not start a valid sequence (Shift_JIS, a
 * stray continuation, overlong forms, surrogates, code points above
 * U+10FFFF, a truncated sequence, NUL) becomes one U+FFFD, and the count of
 * replaced bytes is given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/utf8.h"

#define R ITK_UTF8_REPLACEMENT

static void expect_copy(const char *in, size_t len, const char *want, size_t want_bad)
{
    char *out = NULL;
    size_t bad = 99;
    assert_int_equal(itk_utf8_valid_copy(&out, in, len, &bad), 0);
    assert_string_equal(out, want);
    assert_int_equal(bad, want_bad);
    assert_int_equal(itk_utf8_is_valid(out, strlen(out)), 1);
    assert_int_equal(itk_utf8_is_valid(in, len), want_bad == 0);
    free(out);
}

static void test_valid_text_is_copied_unchanged(void **state)
{
    (void)state;
    expect_copy("", 0, "", 0);
    expect_copy("plain ascii", 11, "plain ascii", 0);
    /* 2, 3 and 4 byte sequences at the edges of their ranges */
    const char *s = "\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 \xEF\xBF\xBF "
                    "\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF 月次報告";
    expect_copy(s, strlen(s), s, 0);
}

static void test_shift_jis_bytes_become_replacement_characters(void **state)
{
    (void)state;
    /* "あ" in Shift_JIS is 0x82 0xA0: neither byte starts a UTF-8 sequence */
    expect_copy("fix \x82\xA0 done", 11, "fix " R R " done", 2);
}

static void test_each_invalid_form_is_replaced(void **state)
{
    (void)state;
    expect_copy("\x80", 1, R, 1);                                  /* stray continuation */
    expect_copy("\xC0\xAF", 2, R R, 2);                            /* overlong '/' */
    expect_copy("\xC1\xBF", 2, R R, 2);                            /* overlong */
    expect_copy("\xE0\x9F\xBF", 3, R R R, 3);                      /* overlong 3-byte */
    expect_copy("\xED\xA0\x80", 3, R R R, 3);                      /* surrogate U+D800 */
    expect_copy("\xF0\x8F\xBF\xBF", 4, R R R R, 4);                /* overlong 4-byte */
    expect_copy("\xF4\x90\x80\x80", 4, R R R R, 4);                /* above U+10FFFF */
    expect_copy("\xF5\x80\x80\x80", 4, R R R R, 4);                /* no such lead byte */
    expect_copy("\xFF\xFE", 2, R R, 2);                            /* never in UTF-8 */
    expect_copy("ab\xE3\x81", 4, "ab" R R, 2);                     /* truncated at the end */
    expect_copy("\xE3\x81x", 3, R R "x", 2);                       /* cut by an ASCII byte */
    expect_copy("a\0b", 3, "a" R "b", 1);                          /* NUL */
    expect_copy("\xE3\x81\x82\x82\xA0", 5, "\xE3\x81\x82" R R, 2); /* valid, then invalid */
}

static void test_count_may_be_omitted(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(itk_utf8_valid_copy(&out, "\x82", 1, NULL), 0);
    assert_string_equal(out, R);
    free(out);
    assert_int_equal(itk_utf8_valid_copy(&out, NULL, 0, NULL), 0);
    assert_string_equal(out, "");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_text_is_copied_unchanged),
        cmocka_unit_test(test_shift_jis_bytes_become_replacement_characters),
        cmocka_unit_test(test_each_invalid_form_is_replaced),
        cmocka_unit_test(test_count_may_be_omitted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
