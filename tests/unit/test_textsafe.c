/* Unit tests of terminal-safe text and UTF-8 decoding (core/util/textsafe.c):
 * controls, bidirectional controls and invalid bytes are shown, never
 * passed on; a newline is \n in a cell and an indented line break in a
 * block; plain Japanese and ASCII text is unchanged; a Shift_JIS message is
 * decoded and says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/textsafe.h"
#include "itaku/utf8.h"

static void expect_safe(const char *in, size_t len, itk_text_mode mode, const char *want)
{
    itk_buf b = ITK_BUF_INIT;
    assert_int_equal(itk_text_safe(&b, in, len, mode, "    "), 0);
    assert_string_equal(b.ptr ? b.ptr : "", want);
    assert_int_equal(itk_utf8_is_valid(b.ptr ? b.ptr : "", b.size), 1);
    for (size_t i = 0; i < b.size; i++) {
        unsigned char c = (unsigned char)b.ptr[i];
        assert_true(c >= 0x20 || (mode == ITK_TEXT_BLOCK && (c == '\n' || c == '\t')));
        assert_true(c != 0x7F);
    }
    itk_buf_dispose(&b);
}

#define S(lit) lit, sizeof(lit) - 1

static void test_plain_text_is_unchanged(void **state)
{
    (void)state;
    expect_safe(S(""), ITK_TEXT_CELL, "");
    expect_safe(S("Submit form1 月次報告 (c:\\path)"), ITK_TEXT_CELL,
                "Submit form1 月次報告 (c:\\path)");
    expect_safe(S("\xC2\xA0\xE2\x80\x8B"), ITK_TEXT_CELL, "\xC2\xA0\xE2\x80\x8B");
}

static void test_terminal_sequences_are_shown(void **state)
{
    (void)state;
    /* window title (OSC … BEL), cursor up, erase line, a green "verified" */
    expect_safe(S("\x1b]0;pwned\x07"), ITK_TEXT_CELL, "\\x1b]0;pwned\\x07");
    expect_safe(S("a\x1b[2A\x1b[2Kb"), ITK_TEXT_CELL, "a\\x1b[2A\\x1b[2Kb");
    expect_safe(S("\x1b[32m\xE2\x9C\x93 verified\x1b[0m"), ITK_TEXT_CELL,
                "\\x1b[32m✓ verified\\x1b[0m");
    expect_safe(S("nul\0del\x7f"), ITK_TEXT_CELL, "nul\\x00del\\x7f");
    expect_safe(S("a\rb\tc\nd"), ITK_TEXT_CELL, "a\\rb\\tc\\nd");
}

static void test_c1_as_code_points_and_as_raw_bytes(void **state)
{
    (void)state;
    /* U+009B (CSI) encoded, and 0x9B as a raw byte (some terminals take it) */
    expect_safe(S("\xC2\x9B"
                  "2J"),
                ITK_TEXT_CELL, "<U+009B>2J");
    expect_safe(S("\x9B"
                  "2J \x85"),
                ITK_TEXT_CELL, "\\x9b2J \\x85");
    /* Shift_JIS and a truncated sequence: each byte shown */
    expect_safe(S("\x82\xA0 \xE3\x81"), ITK_TEXT_CELL, "\\x82\\xa0 \\xe3\\x81");
}

static void test_bidi_controls_and_separators_are_shown(void **state)
{
    (void)state;
    expect_safe(S("Acme\xE2\x80\xAE"
                  "gnp.exe"),
                ITK_TEXT_CELL, "Acme<U+202E>gnp.exe");
    expect_safe(S("\xE2\x80\x8E\xE2\x80\x8F\xE2\x80\xAA\xE2\x81\xA6\xE2\x81\xA9\xD8\x9C"),
                ITK_TEXT_CELL, "<U+200E><U+200F><U+202A><U+2066><U+2069><U+061C>");
    expect_safe(S("a\xE2\x80\xA8"
                  "b\xE2\x80\xA9"),
                ITK_TEXT_BLOCK, "a<U+2028>b<U+2029>");
}

static void test_block_mode_indents_each_new_line(void **state)
{
    (void)state;
    expect_safe(S("fine\nREQ-9  approved\n"), ITK_TEXT_BLOCK, "fine\n    REQ-9  approved\n    ");
    expect_safe(S("a\tb\r\n"), ITK_TEXT_BLOCK, "a\tb\\r\n    ");
    itk_buf b = ITK_BUF_INIT;
    assert_int_equal(itk_text_safe(&b, "x\ny", 3, ITK_TEXT_BLOCK, NULL), 0);
    assert_string_equal(b.ptr, "x\n  y");
    itk_buf_dispose(&b);
}

static void test_refused_code_points(void **state)
{
    (void)state;
    uint32_t cp = 0;
    size_t at = 0;
    assert_int_equal(itk_text_find_refused(S("月次\t報告\r\nok"), &cp, &at), 0);
    assert_int_equal(itk_text_find_refused(S("名前\xE2\x80\xAE"), &cp, &at), 1);
    assert_int_equal(cp, 0x202E);
    assert_int_equal(at, 2);
    assert_int_equal(itk_text_find_refused(S("x\xC2\x85"), &cp, &at), 1);
    assert_int_equal(cp, 0x85);
    assert_int_equal(itk_text_find_refused(S("\x1b[31m"), &cp, &at), 1);
    assert_int_equal(cp, 0x1B);
    assert_int_equal(at, 0);
    /* U+2028 is shown escaped but not refused: pasted text carries it */
    assert_int_equal(itk_text_find_refused(S("a\xE2\x80\xA8"), &cp, &at), 0);
    assert_int_equal(itk_text_is_control(0x2028), 1);
    assert_int_equal(itk_text_is_bidi(0x2028), 0);
}

static void expect_utf8(const char *in, size_t len, const char *enc, const char *want,
                        const char *want_note)
{
    char *out = NULL, note[ITK_TEXT_NOTE_MAX];
    assert_int_equal(itk_text_to_utf8(&out, in, len, enc, note), 0);
    assert_string_equal(out, want);
    assert_string_equal(note, want_note);
    assert_int_equal(itk_utf8_is_valid(out, strlen(out)), 1);
    free(out);
}

static void test_shift_jis_is_decoded_and_says_so(void **state)
{
    (void)state;
    /* 月次報告 in Shift_JIS */
    expect_utf8(S("\x8C\x8E\x8E\x9F\x95\xF1\x8D\x90"), "Shift_JIS", "月次報告",
                "decoded from Shift_JIS");
    expect_utf8(S("\x8C\x8E\x8E\x9F"), "shift-jis", "月次", "decoded from shift-jis");
    /* ISO-2022-JP is 7-bit with ESC: decoded, no ESC left */
    expect_utf8(S("\x1b$B7n<!\x1b(B"), "ISO-2022-JP", "月次", "decoded from ISO-2022-JP");
}

static void test_what_cannot_be_decoded_is_replaced_and_says_so(void **state)
{
    (void)state;
    expect_utf8(S("月次"), NULL, "月次", "");
    expect_utf8(S("月次"), "utf-8", "月次", "");
    expect_utf8(S("a\x82\xA0"), NULL, "a" ITK_UTF8_REPLACEMENT ITK_UTF8_REPLACEMENT,
                "not valid in UTF-8: 2 bytes shown as U+FFFD");
    /* not valid Shift_JIS (0x82 0x20), so read as UTF-8 */
    expect_utf8(S("a\x82 "), "Shift_JIS", "a" ITK_UTF8_REPLACEMENT " ",
                "not valid in Shift_JIS: 1 byte shown as U+FFFD");
    expect_utf8(S("plain"), "no-such-charset", "plain",
                "not decoded from no-such-charset: read as UTF-8");
    /* a name asking iconv for //TRANSLIT is not handed over */
    expect_utf8(S("x\x82"), "SJIS//IGNORE", "x" ITK_UTF8_REPLACEMENT,
                "not valid in the encoding its header names: 1 byte shown as U+FFFD");
    /* a NUL is never kept */
    expect_utf8(S("a\0b"), "ISO-8859-1", "a" ITK_UTF8_REPLACEMENT "b",
                "not valid in ISO-8859-1: 1 byte shown as U+FFFD");
    expect_utf8(S("caf\xE9"), "ISO-8859-1", "café", "decoded from ISO-8859-1");
}

/* A reason or condition a person gives holds visible text: not only
 * spaces (ASCII, ideographic, no-break), controls or invisible format
 * characters. */
static void test_visible_text(void **state)
{
    (void)state;
    assert_int_equal(itk_text_visible("部長出張のため"), 1);
    assert_int_equal(itk_text_visible(" a "), 1);
    assert_int_equal(itk_text_visible("\xe3\x80\x80・"), 1);
    assert_int_equal(itk_text_visible(NULL), 0);
    assert_int_equal(itk_text_visible(""), 0);
    assert_int_equal(itk_text_visible(" \t\n\r"), 0);
    assert_int_equal(itk_text_visible("\xe3\x80\x80\xe3\x80\x80"), 0); /* U+3000 */
    assert_int_equal(itk_text_visible("\xc2\xa0\xe2\x80\x8b\xef\xbb\xbf"), 0);
    assert_int_equal(itk_text_visible("\xe2\x80\xae \x1b"), 0); /* RLO, ESC */
    assert_int_equal(itk_text_visible("\xff\xfe"), 0);          /* not UTF-8 */
    /* letters and marks drawn blank: Hangul fillers, braille blank, CGJ,
     * Khmer inherent vowel, a tag space, a variation selector */
    const char *blank[] = {"\xe3\x85\xa4",     "\xe2\xa0\x80", "\xe1\x85\x9f",
                           "\xcd\x8f",         "\xe1\x9e\xb4", "\xef\xbe\xa0",
                           "\xf3\xa0\x80\xa0", "\xef\xb8\x8f", "\xe1\x85\xa0"};
    for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++)
        assert_int_equal(itk_text_visible(blank[i]), 0);
    assert_int_equal(itk_text_visible("\xe3\x85\xa4不可"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_is_unchanged),
        cmocka_unit_test(test_visible_text),
        cmocka_unit_test(test_terminal_sequences_are_shown),
        cmocka_unit_test(test_c1_as_code_points_and_as_raw_bytes),
        cmocka_unit_test(test_bidi_controls_and_separators_are_shown),
        cmocka_unit_test(test_block_mode_indents_each_new_line),
        cmocka_unit_test(test_refused_code_points),
        cmocka_unit_test(test_shift_jis_is_decoded_and_says_so),
        cmocka_unit_test(test_what_cannot_be_decoded_is_replaced_and_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
