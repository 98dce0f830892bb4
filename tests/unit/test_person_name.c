/* Unit tests of person names (core/model/person_name.c): a person's name in
 * any record type's name fields is one line with no space at either end;
 * line breaks, tabs, C0/C1 controls, DEL, line and paragraph separators and
 * text-direction controls are refused naming the field (its JSON path,
 * indexes from 0 as the schema's messages give them) and the character; a
 * space (any width) between family and given name is the person's own;
 * other text fields keep their lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/errors.h"
#include "itaku/person_name.h"
#include "itaku/textnorm.h"
#include "itaku/schema.h"

/* itk_person_names_check of a register entry whose field is value, with
 * the built-in register schema. */
static int register_with(const char *field, const char *value)
{
    json_t *schema = NULL;
    assert_int_equal(itk_schema_builtin(&schema, "register"), 0);
    json_t *body = json_pack("{s:s, s:s}", "action", "received", field, value);
    int rc = itk_person_names_check(schema, "register", body);
    json_decref(body);
    json_decref(schema);
    return rc;
}

static void test_a_control_character_is_refused_naming_field_and_character(void **state)
{
    (void)state;
    static const struct {
        const char *value, *shown;
    } bad[] = {
        {"鈴木\n一郎", "'鈴木<U+000A>一郎'"}, {"鈴木\t一郎", "(U+0009)"},
        {"鈴木\r\n一郎", "(U+000D, U+000A)"}, {"鈴木\x7f一郎", "(U+007F)"},
        {"鈴木\xc2\x85一郎", "(U+0085)"},     {"鈴木\xe2\x80\xa8一郎", "(U+2028)"},
        {"鈴木\xe2\x80\xa9一郎", "(U+2029)"}, {"\xe2\x80\xae鈴木一郎", "(U+202E)"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        assert_int_equal(register_with("handler", bad[i].value), ITK_EINVALID);
        assert_non_null(strstr(itk_error_last(), "The name in handler, "));
        assert_non_null(strstr(itk_error_last(), "holds a line break or another control"));
        assert_non_null(strstr(itk_error_last(), bad[i].shown));
    }
    assert_int_equal(register_with("verifier", "a\nb"), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "The name in verifier, 'a<U+000A>b'"));
    assert_int_equal(register_with("from", "a\nb"), ITK_EINVALID);
    assert_int_equal(register_with("to", "a\nb"), ITK_EINVALID);
}

static void test_spaces_around_are_refused_between_are_kept(void **state)
{
    (void)state;
    static const char *const around[] = {" 佐藤花子", "佐藤花子 ", "\xe3\x80\x80佐藤花子",
                                         "佐藤花子\xe3\x80\x80", "\xc2\xa0佐藤花子"};
    for (size_t i = 0; i < sizeof(around) / sizeof(*around); i++) {
        assert_int_equal(register_with("handler", around[i]), ITK_EINVALID);
        assert_non_null(strstr(itk_error_last(), "starts or ends with a space"));
    }
    /* the twins */
    assert_int_equal(register_with("handler", "佐藤花子"), 0);
    assert_int_equal(register_with("handler", "佐藤 花子"), 0);
    assert_int_equal(register_with("handler", "佐藤\xe3\x80\x80花子"), 0);
    assert_int_equal(register_with("handler", "Hanako Sato"), 0);
    /* a note is not a name: its lines are its own */
    assert_int_equal(register_with("note", "一行目\n二行目"), 0);
}

static void test_nested_and_listed_names_are_found(void **state)
{
    (void)state;
    json_t *body = json_pack("{s:{s:s}, s:[{s:s}, {s:s}]}", "manager", "name", "佐藤花子",
                             "workers", "name", "鈴木一郎", "name", "高橋\n次郎");
    assert_int_equal(itk_person_names_check(NULL, "form1", body), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "The name in workers[1].name, '高橋<U+000A>次郎'"));
    json_object_set_new(json_array_get(json_object_get(body, "workers"), 1), "name",
                        json_string("高橋次郎"));
    assert_int_equal(itk_person_names_check(NULL, "form1", body), 0);
    json_object_set_new(json_object_get(body, "manager"), "name", json_string("佐藤花子 "));
    assert_int_equal(itk_person_names_check(NULL, "form1", body), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "The name in manager.name, '佐藤花子 '"));
    json_decref(body);
    /* a request's form 6 */
    body = json_pack("{s:s, s:{s:{s:[{s:s}]}}}", "kind", "subcontract", "form6", "sub_structure",
                     "workers", "name", "\t田中");
    assert_int_equal(itk_person_names_check(NULL, "request", body), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "form6.sub_structure.workers[0].name"));
    /* types without person names, and fields that are not there */
    assert_int_equal(itk_person_names_check(NULL, "ack", body), 0);
    assert_int_equal(itk_person_names_check(NULL, "register", body), 0);
    json_decref(body);
}

static void test_half_width_katakana_is_made_full_width_and_nothing_else(void **state)
{
    (void)state;
    static const struct {
        const char *typed, *stored;
    } cases[] = {
        {"ｽｽﾞｷ ｲﾁﾛｳ", "スズキ イチロウ"}, /* a voiced mark joins its kana */
        {"ﾊﾟｰｸ･ｶﾞｲ", "パーク・ガイ"},     /* semi-voiced, long mark, middle dot */
        {"｢ﾃｽﾄ｣｡", "「テスト」。"},
        {"佐藤ﾊﾅｺ", "佐藤ハナコ"},
        {"髙橋　ＡＢＣ ①", "髙橋　ＡＢＣ ①"}, /* kanji, full-width letters, ① as typed */
        {"神﨑", "神﨑"},                     /* a compatibility ideograph stays */
        {"", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        itk_buf out = ITK_BUF_INIT;
        assert_int_equal(itk_kana_fullwidth(&out, cases[i].typed), 0);
        assert_string_equal(out.ptr, cases[i].stored);
        itk_buf_dispose(&out);
    }
    itk_buf out = ITK_BUF_INIT;
    assert_int_equal(itk_kana_fullwidth(&out, "\xff\xfe"), ITK_EINVALID);
    itk_error_clear();
    itk_buf_dispose(&out);
    /* every name of a record, nested and listed; other fields untouched */
    json_t *body =
        json_pack("{s:s, s:s, s:s}", "handler", "ｽｽﾞｷ", "verifier", "ｻﾄｳ", "info_name", "ﾃﾞｰﾀ");
    assert_int_equal(itk_person_names_input("register", body), 0);
    assert_string_equal(json_string_value(json_object_get(body, "handler")), "スズキ");
    assert_string_equal(json_string_value(json_object_get(body, "verifier")), "サトウ");
    assert_string_equal(json_string_value(json_object_get(body, "info_name")), "ﾃﾞｰﾀ");
    json_decref(body);
    body = json_pack("{s:[{s:s}, {s:i}]}", "workers", "name", "ﾀﾅｶ", "name", 3);
    assert_int_equal(itk_person_names_input("form1", body), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(body, "workers"), 0), "name")),
                        "タナカ");
    json_decref(body);
}

static void test_one_name_typed_is_read_full_width_and_noted(void **state)
{
    (void)state;
    itk_buf out = ITK_BUF_INIT, notes = ITK_BUF_INIT;
    assert_int_equal(itk_person_name_input(&out, &notes, "--name", "ｽｽﾞｷ ｲﾁﾛｳ"), 1);
    assert_string_equal(out.ptr, "スズキ イチロウ");
    assert_string_equal(notes.ptr, "--name: 'ｽｽﾞｷ ｲﾁﾛｳ' taken as スズキ イチロウ\n");
    /* as typed, unnoted: a name without half-width kana, bytes not UTF-8 */
    assert_int_equal(itk_person_name_input(&out, &notes, "--name", "田中 花子"), 0);
    assert_string_equal(out.ptr, "田中 花子");
    assert_int_equal(itk_person_name_input(&out, &notes, "--name", "\xff\xfe"), 0);
    assert_string_equal(out.ptr, "\xff\xfe");
    assert_int_equal(itk_person_name_input(&out, NULL, "--name", "ﾀﾅｶ"), 1);
    assert_string_equal(out.ptr, "タナカ");
    assert_string_equal(notes.ptr, "--name: 'ｽｽﾞｷ ｲﾁﾛｳ' taken as スズキ イチロウ\n");
    /* a record's names: each change noted under its field's path */
    itk_buf_clear(&notes);
    json_t *body = json_pack("{s:[{s:s}, {s:s}]}", "workers", "name", "田中", "name", "ﾀﾅｶ");
    assert_int_equal(itk_person_names_input_noted("form1", body, &notes), 0);
    assert_string_equal(notes.ptr, "workers[1].name: 'ﾀﾅｶ' taken as タナカ\n");
    json_decref(body);
    itk_buf_dispose(&out);
    itk_buf_dispose(&notes);
}

/* A name's width on a terminal, as the tables pad it (who, todo, log…). */
static void test_text_width_counts_wide_and_narrow_columns(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int cols;
    } cases[] = {
        {"JOHN SMITH", 10},
        {"ＪＯＨＮ ＳＭＩＴＨ", 19}, /* full-width letters: two each */
        {"ＡＢＣ１２３", 12},
        {"スズキ イチロウ", 15}, /* kana */
        {"髙橋　一郎", 10},      /* kanji and the ideographic space */
        {"ｽｽﾞｷ ｲﾁﾛｳ", 9},        /* half-width katakana: one each */
        {"e\xCC\x81", 1},        /* a combining mark takes none */
        {"", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        assert_int_equal(itk_text_width(cases[i].text), cases[i].cols);
    assert_int_equal(itk_text_width(NULL), 0);
    assert_int_equal(itk_text_width("a\xff"
                                    "b"),
                     3); /* a byte that is not UTF-8: one */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_control_character_is_refused_naming_field_and_character),
        cmocka_unit_test(test_spaces_around_are_refused_between_are_kept),
        cmocka_unit_test(test_nested_and_listed_names_are_found),
        cmocka_unit_test(test_half_width_katakana_is_made_full_width_and_nothing_else),
        cmocka_unit_test(test_one_name_typed_is_read_full_width_and_noted),
        cmocka_unit_test(test_text_width_counts_wide_and_narrow_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
