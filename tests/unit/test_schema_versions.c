/* Unit tests of the validator per schema version (issue 13, point 3;
 * core/model/schema.c): which keywords each version may use, a schema using
 * a keyword of a later version refused (never ignored), and the verdicts of
 * v1 on edge-case records pinned, so that a stricter check added later
 * cannot silently change what a v1 record's verdict is. A stricter check
 * goes with a new version; these verdicts stay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/schema.h"

/* The keywords of v1, spelled out: a keyword added to v1 (rather than to a
 * new version) fails here. */
static void test_the_keywords_of_each_version_are_pinned(void **state)
{
    (void)state;
    static const char *const v1[] = {"type",
                                     "properties",
                                     "required",
                                     "enum",
                                     "const",
                                     "pattern",
                                     "format",
                                     "items",
                                     "minItems",
                                     "maxLength",
                                     "additionalProperties",
                                     "$ref",
                                     "$defs",
                                     "title",
                                     "description",
                                     "$schema",
                                     "$id",
                                     "$comment",
                                     NULL};
    const char *const *got = itk_schema_keywords(1);
    assert_non_null(got);
    size_t n = 0;
    for (; got[n]; n++) {
        assert_non_null(v1[n]);
        assert_string_equal(got[n], v1[n]);
    }
    assert_null(v1[n]);
    got = itk_schema_keywords(2);
    assert_non_null(got);
    assert_string_equal(got[0], "minLength");
    assert_string_equal(got[1], "x-itaku-text");
    assert_null(got[2]);
    assert_null(itk_schema_keywords(3));
    assert_int_equal(itk_schema_version_of("schemas/register.v1.schema.json"), 1);
    assert_int_equal(itk_schema_version_of("schemas/register.v12.schema.json"), 12);
    assert_int_equal(itk_schema_version_of("register.v2"), 2);
    assert_int_equal(itk_schema_version_of("register"), 1);
    assert_int_equal(itk_schema_version_of("schemas/register.v0.schema.json"), 1);
}

static json_t *schema_with(const char *keyword)
{
    return json_pack("{s:s, s:{s:{s:s, s:i}}}", "type", "object", "properties", "name", "type",
                     "string", keyword, 2);
}

/* A v1 schema using minLength (a v2 keyword) is refused, naming the version
 * it needs, by check, by compile (what verify uses) and by validate; the
 * twin, the same schema as v2, is taken and its minLength applies. An
 * unknown keyword is refused for either version. */
static void test_a_later_keyword_in_an_earlier_version_is_refused(void **state)
{
    (void)state;
    json_t *s = schema_with("minLength");
    itk_schema *c = NULL;
    itk_buf errors = ITK_BUF_INIT;
    json_t *one = json_pack("{s:s}", "name", "x"), *two = json_pack("{s:s}", "name", "xy");

    assert_int_equal(itk_schema_check(s, "schemas/t.v1.schema.json"), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "keyword 'minLength' is for schema versions from v2 "
                                             "on; this schema is v1"));
    assert_int_equal(itk_schema_compile(&c, s, "schemas/t.v1.schema.json"), ITK_EUNSUPPORTED);
    assert_null(c);
    assert_int_equal(itk_schema_validate_version(&errors, s, 1, two, "t"), ITK_ERROR);
    assert_int_equal(itk_schema_validate(&errors, s, two, "t"), ITK_ERROR); /* "t": v1 */
    assert_int_equal(errors.size, 0);

    /* twin: v2 */
    assert_int_equal(itk_schema_check(s, "schemas/t.v2.schema.json"), 0);
    assert_int_equal(itk_schema_compile(&c, s, "schemas/t.v2.schema.json"), 0);
    assert_int_equal(itk_schema_apply(&errors, c, two, "t"), 0);
    assert_int_equal(itk_schema_apply(&errors, c, one, "t"), ITK_EINVALID);
    assert_string_equal(errors.ptr, "t: name: at least 2 characters (this has 1)\n");
    itk_schema_free(c);
    itk_buf_clear(&errors);
    assert_int_equal(itk_schema_validate_version(&errors, s, 2, one, "t"), ITK_EINVALID);
    assert_int_equal(itk_schema_validate(&errors, s, two, "t.v2"), 0);
    json_decref(s);

    s = schema_with("maxItems");
    assert_int_equal(itk_schema_check(s, "schemas/t.v1.schema.json"), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "unsupported keyword 'maxItems'"));
    assert_int_equal(itk_schema_check(s, "schemas/t.v2.schema.json"), ITK_EUNSUPPORTED);
    json_decref(s);
    json_decref(one);
    json_decref(two);
    itk_buf_dispose(&errors);
}

typedef struct {
    const char *what;
    const char *field;  /* set in the base register entry ("quantity.value": in quantity) */
    const char *json;   /* its value, as JSON; NULL: remove the field */
    const char *errors; /* v1's verdict: "" valid, else the problems, one a line */
} edge;

/* The verdicts of register.v1 (the built-in schema, as every registry holds
 * it) on edge cases. Several are what a stricter later version may refuse
 * (bidi overrides, C1 controls, DEL, a negative quantity); under v1 they
 * stay as they are. */
static const edge register_edges[] = {
    {"the base entry", NULL, NULL, ""},
    {"a right-to-left override (U+202E)", "info_name", "\"\\u202eatad\"", ""},
    {"a C1 control (U+0085)", "info_name", "\"a\\u0085b\"", ""},
    {"DEL (U+007F)", "handler", "\"a\\u007fb\"", ""},
    {"a zero-width space (U+200B)", "handler", "\"\\u200b\"", ""},
    {"a tab and a newline", "info_name", "\"a\\tb\\nc\"", ""},
    {"a C0 control (U+0007)", "info_name", "\"a\\u0007b\"",
     "register: info_name contains a control character (U+0007), which is not allowed here\n"},
    {"an empty name", "info_name", "\"\"", "register: info_name must not be empty\n"},
    {"200 characters of three bytes each", "info_name", "LONG200", ""},
    {"201 characters", "info_name", "LONG201",
     "register: info_name: at most 200 characters (this has 201)\n"},
    {"a leap second at 23:59:60Z", "occurred_at", "\"2026-12-31T23:59:60Z\"", ""},
    {"a leap second not at the end of a UTC day", "occurred_at", "\"2026-12-31T10:59:60+09:00\"",
     "register: occurred_at is not a valid date and time (2026-12-31T10:59:60+09:00); write it "
     "like 2026-04-01T10:00:00+09:00, with the offset\n"},
    {"no offset", "occurred_at", "\"2026-12-02T10:00:00\"",
     "register: occurred_at is not a valid date and time (2026-12-02T10:00:00); write it like "
     "2026-04-01T10:00:00+09:00, with the offset\n"},
    {"a lowercase t and z (the format takes it, the pattern does not)", "occurred_at",
     "\"2026-12-02t01:00:00z\"",
     "register: occurred_at is not in the expected form: '2026-12-02t01:00:00z' does not match "
     "the pattern "
     "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?(Z|[+-][0-9]"
     "{2}:[0-9]{2})$\n"},
    {"29 February of a common year", "occurred_at", "\"2027-02-29T10:00:00+09:00\"",
     "register: occurred_at is not a valid date and time (2027-02-29T10:00:00+09:00); write it "
     "like 2026-04-01T10:00:00+09:00, with the offset\n"},
    {"a negative quantity", "quantity.value", "-1", ""},
    {"a fractional quantity", "quantity.value", "1.5",
     "register: quantity.value must be a whole number\n"},
    {"an unknown field", "colour", "\"red\"", "register: unknown field 'colour'\n"},
    {"no handler", "handler", NULL, "register: handler is required\n"},
    {"an action not listed", "action", "\"lost\"",
     "register: action must be one of received, returned, copied, taken_out, brought_back, "
     "other_purpose_use, third_party_provision, erased, disposed (not 'lost')\n"},
    {"an item id in capitals", "item_id", "\"ITEM-1\"",
     "register: item_id: 'ITEM-1' is not in the expected form; write lower-case letters, "
     "digits, '.', '_' and '-' (at most 64, starting with a letter or digit) (for example "
     "item-1)\n"},
    {"a date in the wrong form", "due_on", "\"2026/12/02\"",
     "register: due_on is not a valid date (2026/12/02); write YYYY-MM-DD, a day that exists\n"},
};

static json_t *value_of(const char *json)
{
    if (strncmp(json, "LONG", 4) == 0) {
        int n = atoi(json + 4);
        itk_buf b = ITK_BUF_INIT;
        for (int i = 0; i < n; i++)
            assert_int_equal(itk_buf_put(&b, "あ", strlen("あ")), 0);
        json_t *v = json_stringn(b.ptr, b.size);
        itk_buf_dispose(&b);
        return v;
    }
    json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
    assert_non_null(v);
    return v;
}

static void test_the_verdicts_of_register_v1_are_pinned(void **state)
{
    (void)state;
    json_t *schema = NULL;
    assert_int_equal(itk_schema_builtin(&schema, "register"), 0);
    itk_schema *compiled = NULL;
    assert_int_equal(itk_schema_compile(&compiled, schema, "schemas/register.v1.schema.json"), 0);
    for (size_t i = 0; i < sizeof(register_edges) / sizeof(*register_edges); i++) {
        const edge *e = &register_edges[i];
        json_t *body = th_register_entry("received", "item-1", "2026-12-02T10:00:00+09:00");
        json_t *at = body;
        const char *key = e->field;
        if (key && strncmp(key, "quantity.", 9) == 0) {
            at = json_object_get(body, "quantity");
            key += 9;
        }
        if (key && e->json)
            json_object_set_new(at, key, value_of(e->json));
        else if (key)
            json_object_del(at, key);
        itk_buf errors = ITK_BUF_INIT;
        int rc = itk_schema_apply(&errors, compiled, body, "register");
        const char *got = errors.ptr ? errors.ptr : "";
        if (strcmp(got, e->errors) != 0 || rc != (*e->errors ? ITK_EINVALID : 0))
            fail_msg("register.v1 on %s: expected rc %d and\n%s\ngot rc %d and\n%s", e->what,
                     *e->errors ? ITK_EINVALID : 0, e->errors, rc, got);
        /* the one-shot validation, as a write does it, agrees */
        itk_buf again = ITK_BUF_INIT;
        assert_int_equal(itk_schema_validate_version(&again, schema, 1, body, "register"), rc);
        assert_string_equal(again.ptr ? again.ptr : "", got);
        itk_buf_dispose(&again);
        itk_buf_dispose(&errors);
        json_decref(body);
    }
    itk_schema_free(compiled);
    json_decref(schema);
}

/* The acknowledgement's v1 schema (what an amendment's acknowledgement is
 * written with): its verdicts on edge cases. */
static void test_the_verdicts_of_ack_v1_are_pinned(void **state)
{
    (void)state;
    json_t *schema = NULL;
    itk_buf errors = ITK_BUF_INIT;
    assert_int_equal(itk_schema_builtin(&schema, "ack"), 0);
    static const struct {
        const char *obligations, *sha, *errors;
    } cases[] = {
        {"obligations/akiruno-outsourcing.v2.json",
         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ""},
        {"obligations/akiruno-outsourcing.v10.json",
         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ""},
        {"obligations/akiruno-outsourcing.v0.json",
         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         "ack: obligations: 'obligations/akiruno-outsourcing.v0.json' is not in the expected "
         "form; write the obligations file's path, obligations/<name>.v<N>.json (for example "
         "obligations/base.v1.json)\n"},
        {"obligations/akiruno-outsourcing.v2.json",
         "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
         "ack: obligations_sha256: "
         "'0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789ab...' is not in the "
         "expected form; write 64 lower-case hexadecimal digits (a SHA-256) (for example "
         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef)\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        json_t *body = json_pack("{s:s, s:s}", "obligations", cases[i].obligations,
                                 "obligations_sha256", cases[i].sha);
        int rc = itk_schema_validate_version(&errors, schema, 1, body, "ack");
        const char *got = errors.ptr ? errors.ptr : "";
        if (strcmp(got, cases[i].errors) != 0)
            fail_msg("ack.v1 case %zu: expected\n%s\ngot\n%s", i, cases[i].errors, got);
        assert_int_equal(rc, *cases[i].errors ? ITK_EINVALID : 0);
        itk_buf_clear(&errors);
        json_decref(body);
    }
    itk_buf_dispose(&errors);
    json_decref(schema);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_keywords_of_each_version_are_pinned),
        cmocka_unit_test(test_a_later_keyword_in_an_earlier_version_is_refused),
        cmocka_unit_test(test_the_verdicts_of_register_v1_are_pinned),
        cmocka_unit_test(test_the_verdicts_of_ack_v1_are_pinned),
    };
    return cmocka_run_group_tests_name("schema_versions", tests, NULL, NULL);
}
