/* Unit tests of core/forms.c and core/form_template.c: form numbers, the
 * comment stripper that lets a filled-in template parse, and the templates
 * of every built-in schema. Registry lookups are covered end to end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/errors.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/schema.h"

static const char *const builtin_types[] = {
    "form1",       "form2",   "register",  "form4",    "form5",       "form6",
    "incident",    "request", "ack",       "decision", "endorsement", "inspection",
    "instruction", "key",     "key-event", "party",
};

static char *strip(const char *in)
{
    itk_buf out = ITK_BUF_INIT;
    assert_int_equal(itk_json_strip_comments(&out, in, strlen(in)), 0);
    assert_non_null(out.ptr);
    assert_int_equal(strlen(out.ptr), out.size);
    return out.ptr;
}

static size_t lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_form_type_maps_numbers_and_type_names(void **state)
{
    (void)state;
    assert_string_equal(itk_form_type("1"), "form1");
    assert_string_equal(itk_form_type("2"), "form2");
    assert_string_equal(itk_form_type("3"), "register");
    assert_string_equal(itk_form_type("4"), "form4");
    assert_string_equal(itk_form_type("5"), "form5");
    assert_string_equal(itk_form_type("6"), "form6");
    assert_string_equal(itk_form_type("incident"), "incident");
    assert_string_equal(itk_form_type("form1"), "form1");
    assert_string_equal(itk_form_type("register"), "register");
    /* and back: the number form submit takes */
    assert_string_equal(itk_form_number("register"), "3");
    assert_string_equal(itk_form_number("3"), "3");
    assert_string_equal(itk_form_number("form1"), "1");
    assert_string_equal(itk_form_number("incident"), "incident");
    assert_null(itk_form_number("instruction"));
    assert_null(itk_form_number(NULL));
}

static void test_form_type_refuses_unknown_forms(void **state)
{
    (void)state;
    const char *bad[] = {"0", "7", "", "11", "form7", "party", "key", "../form1", "1 ", "Form1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        assert_null(itk_form_type(bad[i]));
}

static void test_strip_comments_removes_comments_outside_strings(void **state)
{
    (void)state;
    char *s = strip("// title\n{\n  // 宛先 【必須 required】\n  \"a\": 1, // trailing\n"
                    "  \"b\": \"x\"\n}\n// end");
    assert_string_equal(s, "\n{\n  \n  \"a\": 1, \n  \"b\": \"x\"\n}\n");
    json_t *v = NULL;
    assert_int_equal(itk_json_parse(&v, s, strlen(s), "form.json"), 0);
    assert_int_equal(json_integer_value(json_object_get(v, "a")), 1);
    json_decref(v);
    free(s);
}

static void test_strip_comments_keeps_slashes_inside_strings(void **state)
{
    (void)state;
    const char *in = "{\"url\": \"https://example.jp//a\", \"c\": \"// not a comment\"}";
    char *s = strip(in);
    assert_string_equal(s, in);
    free(s);
}

static void test_strip_comments_follows_escaped_quotes(void **state)
{
    (void)state;
    /* \" does not end the string, \\ does not escape the closing quote */
    char *s = strip("{\"a\": \"say \\\"//hi\\\"\", \"b\": \"c:\\\\\" // gone\n}");
    assert_string_equal(s, "{\"a\": \"say \\\"//hi\\\"\", \"b\": \"c:\\\\\" \n}");
    json_t *v = NULL;
    assert_int_equal(itk_json_parse(&v, s, strlen(s), "form.json"), 0);
    assert_string_equal(json_string_value(json_object_get(v, "a")), "say \"//hi\"");
    assert_string_equal(json_string_value(json_object_get(v, "b")), "c:\\");
    json_decref(v);
    free(s);
}

static void test_strip_comments_keeps_line_numbers(void **state)
{
    (void)state;
    const char *in = "// one\n// two\n{\n  // three\n  \"a\": ,\n}\n";
    char *s = strip(in);
    assert_int_equal(lines(s), lines(in));
    json_t *v = NULL;
    assert_int_equal(itk_json_parse(&v, s, strlen(s), "form.json"), ITK_EINVALID);
    /* the error points at the line of the hand-edited file */
    assert_non_null(strstr(itk_error_last(), "line 5"));
    free(s);
}

static void test_strip_comments_handles_edges(void **state)
{
    (void)state;
    char *s = strip("");
    assert_string_equal(s, "");
    free(s);
    s = strip("//");
    assert_string_equal(s, "");
    free(s);
    s = strip("/");
    assert_string_equal(s, "/");
    free(s);
    s = strip("\"//");
    assert_string_equal(s, "\"//");
    free(s);
    s = strip("\"\\");
    assert_string_equal(s, "\"\\");
    free(s);
    s = strip("1 // x\r\n2");
    assert_string_equal(s, "1 \n2");
    free(s);
}

/* The template of every schema itaku ships parses once its // notes are
 * removed, and names every top-level field with its title. */
static void test_template_of_every_builtin_schema_parses(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(builtin_types) / sizeof(*builtin_types); i++) {
        json_t *schema = NULL, *v = NULL;
        itk_buf tpl = ITK_BUF_INIT;
        assert_int_equal(itk_schema_builtin(&schema, builtin_types[i]), 0);
        assert_int_equal(itk_form_template(&tpl, schema, builtin_types[i], "Submit with: x"), 0);
        assert_non_null(strstr(tpl.ptr, "Submit with: x"));
        char *s = strip(tpl.ptr);
        int rc = itk_json_parse(&v, s, strlen(s), builtin_types[i]);
        if (rc)
            fail_msg("%s: %s\n%s", builtin_types[i], itk_error_last(), tpl.ptr);
        assert_true(json_is_object(v));
        const char *key;
        json_t *prop;
        json_object_foreach(json_object_get(schema, "properties"), key, prop)
        {
            if (!json_object_get(v, key))
                fail_msg("%s: the template lacks %s", builtin_types[i], key);
            const char *title = json_string_value(json_object_get(prop, "title"));
            char line[512];
            snprintf(line, sizeof(line), "// %s ", title ? title : "");
            if (title && !strstr(tpl.ptr, line))
                fail_msg("%s: the template lacks the title of %s", builtin_types[i], key);
        }
        json_decref(v);
        free(s);
        itk_buf_dispose(&tpl);
        json_decref(schema);
    }
}

static void test_template_marks_required_fields_and_choices(void **state)
{
    (void)state;
    json_t *schema = NULL;
    itk_buf tpl = ITK_BUF_INIT;
    assert_int_equal(itk_schema_builtin(&schema, "register"), 0);
    assert_int_equal(itk_form_template(&tpl, schema, "参考様式第3号", NULL), 0);
    assert_non_null(strstr(tpl.ptr, "// 参考様式第3号\n"));
    assert_non_null(strstr(tpl.ptr, "// 区分 【必須 required】 — received | returned"));
    assert_non_null(strstr(tpl.ptr, "// 備考 (任意 optional)"));
    assert_non_null(strstr(tpl.ptr, "YYYY-MM-DD"));
    itk_buf_dispose(&tpl);
    json_decref(schema);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_form_type_maps_numbers_and_type_names),
        cmocka_unit_test(test_form_type_refuses_unknown_forms),
        cmocka_unit_test(test_strip_comments_removes_comments_outside_strings),
        cmocka_unit_test(test_strip_comments_keeps_slashes_inside_strings),
        cmocka_unit_test(test_strip_comments_follows_escaped_quotes),
        cmocka_unit_test(test_strip_comments_keeps_line_numbers),
        cmocka_unit_test(test_strip_comments_handles_edges),
        cmocka_unit_test(test_template_of_every_builtin_schema_parses),
        cmocka_unit_test(test_template_marks_required_fields_and_choices),
    };
    return cmocka_run_group_tests_name("forms", tests, NULL, NULL);
}
