/* Unit tests of core/json.c: bounded parsing and canonical bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/errors.h"
#include "itaku/json.h"

static int parse(const char *s)
{
    json_t *v = NULL;
    int rc = itk_json_parse(&v, s, strlen(s), "test.json");
    json_decref(v);
    return rc;
}

static void test_parse_accepts_objects_arrays_and_integers(void **state)
{
    (void)state;
    assert_int_equal(parse("{\"a\": [1, 2, {\"b\": \"日本語\"}], \"c\": null}"), 0);
}

static void test_parse_rejects_duplicate_keys(void **state)
{
    (void)state;
    assert_int_equal(parse("{\"a\": 1, \"a\": 2}"), ITK_EINVALID);
}

static void test_parse_rejects_fractions_and_exponents(void **state)
{
    (void)state;
    assert_int_equal(parse("{\"amount\": 1.5}"), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "integers"));
    assert_int_equal(parse("{\"amount\": 1e3}"), ITK_EINVALID);
}

static void test_parse_rejects_nul_and_invalid_utf8(void **state)
{
    (void)state;
    assert_int_equal(parse("{\"a\": \"x\\u0000y\"}"), ITK_EINVALID);
    assert_int_equal(parse("{\"a\": \"\xff\xfe\"}"), ITK_EINVALID);
}

static void test_parse_names_the_file_line_and_column(void **state)
{
    (void)state;
    assert_int_equal(parse("{\n  \"a\": }"), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "test.json"));
    assert_non_null(strstr(itk_error_last(), "line 2"));
}

static void test_parse_limits_depth(void **state)
{
    (void)state;
    char deep[200] = "";
    for (int i = 0; i < ITK_MAX_JSON_DEPTH; i++)
        strcat(deep, "[");
    for (int i = 0; i < ITK_MAX_JSON_DEPTH; i++)
        strcat(deep, "]");
    assert_int_equal(parse(deep), 0);
    char deeper[200] = "[";
    strcat(deeper, deep);
    strcat(deeper, "]");
    assert_int_equal(parse(deeper), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "deeper"));
}

static void test_parse_limits_size(void **state)
{
    (void)state;
    size_t n = ITK_MAX_RECORD_BYTES + 1;
    char *big = malloc(n);
    memset(big, ' ', n);
    json_t *v = NULL;
    assert_int_equal(itk_json_parse(&v, big, n, "big.json"), ITK_ETOOBIG);
    free(big);
}

static void test_canonical_sorts_indents_and_keeps_utf8(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:s, s:i, s:[]}", "z", "あきる野市", "a", 1, "m");
    itk_buf b = ITK_BUF_INIT;
    assert_int_equal(itk_json_canonical(&b, v), 0);
    assert_string_equal(b.ptr, "{\n  \"a\": 1,\n  \"m\": [],\n  \"z\": \"あきる野市\"\n}\n");
    assert_int_equal(itk_json_check_canonical(b.ptr, b.size, "x"), 0);
    itk_buf_dispose(&b);
    json_decref(v);
}

static void test_check_canonical_rejects_other_layouts(void **state)
{
    (void)state;
    const char *bad[] = {
        "{\"a\": 1}\n",                    /* not indented */
        "{\n  \"b\": 1,\n  \"a\": 2\n}\n", /* unsorted */
        "{\n  \"a\": 1\n}",                /* no final newline */
        "{\n    \"a\": 1\n}\n",            /* four spaces */
        "{\n  \"a\": \"\\u3042\"\n}\n",    /* escaped non-ASCII */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        assert_int_equal(itk_json_check_canonical(bad[i], strlen(bad[i]), "x"), ITK_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepts_objects_arrays_and_integers),
        cmocka_unit_test(test_parse_rejects_duplicate_keys),
        cmocka_unit_test(test_parse_rejects_fractions_and_exponents),
        cmocka_unit_test(test_parse_rejects_nul_and_invalid_utf8),
        cmocka_unit_test(test_parse_names_the_file_line_and_column),
        cmocka_unit_test(test_parse_limits_depth),
        cmocka_unit_test(test_parse_limits_size),
        cmocka_unit_test(test_canonical_sorts_indents_and_keeps_utf8),
        cmocka_unit_test(test_check_canonical_rejects_other_layouts),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
