/* Unit tests for schema.c: the keyword subset, messages naming field and
 * rule, calendar dates and offsets, code-point lengths, schema checking, and
 * the schemas and obligations shipped in the registry template. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/schema.h"
#include "template.h"

static const char *const all_types[] = {
    "form1",    "form2",   "register",    "form4",     "form5",       "form6",
    "incident", "request", "endorsement", "decision",  "instruction", "inspection",
    "ack",      "party",   "key",         "key-event", NULL};

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("test JSON does not parse: %s: %s", e.text, text);
    return v;
}

/* Validates text against a schema given as text; returns the code and
 * leaves the problem lines in errors. */
static int validate_text(itk_buf *errors, const char *schema_text, const char *text)
{
    json_t *s = parse(schema_text), *v = parse(text);
    itk_buf_clear(errors);
    int rc = itk_schema_validate(errors, s, v, "t");
    json_decref(s);
    json_decref(v);
    return rc;
}

static int validate_builtin(itk_buf *errors, const char *type, json_t *body)
{
    json_t *s;
    assert_int_equal(itk_schema_builtin(&s, type), 0);
    itk_buf_clear(errors);
    int rc = itk_schema_validate(errors, s, body, type);
    json_decref(s);
    return rc;
}

static int count_lines(const itk_buf *b)
{
    int n = 0;
    for (size_t i = 0; i < b->size; i++)
        n += b->ptr[i] == '\n';
    return n;
}

static void assert_has_line(const itk_buf *b, const char *line)
{
    char want[512];
    snprintf(want, sizeof(want), "%s\n", line);
    if (!b->ptr || !strstr(b->ptr, want))
        fail_msg("expected line '%s' in:\n%s", line, b->ptr ? b->ptr : "(nothing)");
}

static const char date_schema[] =
    "{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"t\":{\"type\":\"string\",\"format\":\"date-time\"}}}";

static void test_schema_builtin_loads_every_record_type(void **state)
{
    (void)state;
    for (const char *const *t = all_types; *t; t++) {
        json_t *s = NULL;
        if (itk_schema_builtin(&s, *t))
            fail_msg("%s: %s", *t, itk_error_last());
        assert_true(json_is_object(s));
        assert_false(json_is_true(json_object_get(s, "additionalProperties")));
        json_decref(s);
    }
}

static void test_schema_builtin_refuses_unknown_type(void **state)
{
    (void)state;
    json_t *s = (json_t *)1;
    assert_int_equal(itk_schema_builtin(&s, "form9"), ITK_ENOTFOUND);
    assert_null(s);
    assert_int_equal(itk_schema_builtin(&s, "../itaku"), ITK_ENOTFOUND);
}

static void test_template_schemas_and_obligations_are_canonical(void **state)
{
    (void)state;
    int seen = 0;
    for (const itk_template_file *f = itk_template_files; f->path; f++) {
        if (strncmp(f->path, "schemas/", 8) != 0 && strncmp(f->path, "obligations/", 12) != 0)
            continue;
        if (itk_json_check_canonical((const char *)f->data, f->size, f->path))
            fail_msg("%s", itk_error_last());
        seen++;
    }
    assert_true(seen >= 17);
}

/* Every property carries the paper form's label and an English description,
 * so that forms and messages can be shown to people. */
static void assert_properties_labelled(const char *type, const json_t *node)
{
    const json_t *props = json_object_get(node, "properties");
    const char *k;
    json_t *p;
    json_object_foreach((json_t *)props, k, p)
    {
        if (!json_is_string(json_object_get(p, "title")) ||
            !json_is_string(json_object_get(p, "description")))
            fail_msg("%s: property %s lacks a title or a description", type, k);
        assert_properties_labelled(type, p);
        assert_properties_labelled(type, json_object_get(p, "items"));
    }
}

static void test_schema_every_property_has_title_and_description(void **state)
{
    (void)state;
    for (const char *const *t = all_types; *t; t++) {
        json_t *s;
        assert_int_equal(itk_schema_builtin(&s, *t), 0);
        assert_properties_labelled(*t, s);
        const char *k;
        json_t *def;
        json_object_foreach(json_object_get(s, "$defs"), k, def)
            assert_properties_labelled(*t, def);
        json_decref(s);
    }
}

static void test_schema_request_embeds_the_form6_schema(void **state)
{
    (void)state;
    json_t *req, *f6;
    assert_int_equal(itk_schema_builtin(&req, "request"), 0);
    assert_int_equal(itk_schema_builtin(&f6, "form6"), 0);
    json_t *embedded = json_object_get(json_object_get(req, "$defs"), "form6");
    assert_true(
        json_equal(json_object_get(embedded, "properties"), json_object_get(f6, "properties")));
    assert_true(json_equal(json_object_get(embedded, "required"), json_object_get(f6, "required")));
    json_decref(req);
    json_decref(f6);
}

static void test_schema_reports_missing_nested_field_with_its_path(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    json_t *body = parse("{\"manager\":{\"name\":\"a\"}}");
    assert_int_equal(validate_builtin(&e, "form1", body), ITK_EINVALID);
    assert_has_line(&e, "form1: manager.phone is required");
    assert_has_line(&e, "form1: workers is required");
    json_decref(body);
    itk_buf_dispose(&e);
}

static void test_schema_reports_wrong_type_inside_a_list(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    json_t *body = parse("{\"workers\":[{\"worker_id\":\"w-1\",\"name\":5}]}");
    assert_int_equal(validate_builtin(&e, "form1", body), ITK_EINVALID);
    assert_has_line(&e, "form1: workers[0].name must be text");
    json_decref(body);
    itk_buf_dispose(&e);
}

static void test_schema_lists_the_allowed_values_of_an_enum(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    json_t *body = parse("{\"action\":\"lost\"}");
    assert_int_equal(validate_builtin(&e, "register", body), ITK_EINVALID);
    assert_non_null(strstr(e.ptr, "register: action must be one of received, returned, copied"));
    json_decref(body);
    itk_buf_dispose(&e);
}

static void test_schema_reports_unknown_fields_at_any_level(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    json_t *body = parse("{\"foo\":1,\"manager\":{\"bar\":2}}");
    assert_int_equal(validate_builtin(&e, "form1", body), ITK_EINVALID);
    assert_has_line(&e, "form1: unknown field 'foo'");
    assert_has_line(&e, "form1: unknown field 'manager.bar'");
    json_decref(body);
    itk_buf_dispose(&e);
}

static void test_schema_lists_every_problem_not_just_the_first(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    assert_int_equal(validate_text(&e,
                                   "{\"type\":\"object\",\"required\":[\"a\",\"b\"],"
                                   "\"properties\":{\"c\":{\"type\":\"integer\"},"
                                   "\"d\":{\"enum\":[1,2]}},\"additionalProperties\":false}",
                                   "{\"c\":\"x\",\"d\":3,\"e\":null}"),
                     ITK_EINVALID);
    assert_int_equal(count_lines(&e), 5);
    assert_has_line(&e, "t: c must be a whole number");
    assert_has_line(&e, "t: d must be one of 1, 2 (not '3')");
    itk_buf_dispose(&e);
}

static void test_schema_date_follows_the_real_calendar(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    assert_int_equal(validate_text(&e, date_schema, "{\"d\":\"2028-02-29\"}"), 0);
    assert_int_equal(validate_text(&e, date_schema, "{\"d\":\"2000-02-29\"}"), 0);
    assert_int_equal(validate_text(&e, date_schema, "{\"d\":\"2026-02-29\"}"), ITK_EINVALID);
    assert_int_equal(validate_text(&e, date_schema, "{\"d\":\"1900-02-29\"}"), ITK_EINVALID);
    assert_int_equal(validate_text(&e, date_schema, "{\"d\":\"2026-02-30\"}"), ITK_EINVALID);
    assert_non_null(strstr(e.ptr, "t: d is not a valid date (2026-02-30)"));
    assert_int_equal(validate_text(&e, date_schema, "{\"d\":\"2026-04-31\"}"), ITK_EINVALID);
    assert_int_equal(validate_text(&e, date_schema, "{\"d\":\"2026-4-01\"}"), ITK_EINVALID);
    assert_int_equal(validate_text(&e, date_schema, "{\"d\":\"2026-04-01 \"}"), ITK_EINVALID);
    /* formats only constrain strings, as in JSON Schema */
    assert_int_equal(validate_text(&e, "{\"format\":\"date\"}", "5"), 0);
    itk_buf_dispose(&e);
}

static void test_schema_date_time_requires_an_offset(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    const char *ok[] = {"2026-04-01T10:00:00+09:00", "2026-04-01T01:00:00Z",
                        "2026-04-01t01:00:00.123z", "2026-04-01T10:00:00-00:30"};
    const char *bad[] = {"2026-04-01T10:00:00",       "2026-04-01 10:00:00+09:00",
                         "2026-04-01T10:00:00+0900",  "2026-04-01T24:00:00+09:00",
                         "2026-02-29T10:00:00+09:00", "2026-04-01T10:00:00+24:00",
                         "2026-04-01T10:00+09:00",    "2026-04-01T10:00:00.+09:00"};
    char doc[128];
    for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
        snprintf(doc, sizeof(doc), "{\"t\":\"%s\"}", ok[i]);
        if (validate_text(&e, date_schema, doc))
            fail_msg("%s should be valid: %s", ok[i], e.ptr);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        snprintf(doc, sizeof(doc), "{\"t\":\"%s\"}", bad[i]);
        if (validate_text(&e, date_schema, doc) != ITK_EINVALID)
            fail_msg("%s should be invalid", bad[i]);
    }
    itk_buf_dispose(&e);
}

static void test_schema_leap_second_only_at_the_end_of_a_utc_day(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    assert_int_equal(validate_text(&e, date_schema, "{\"t\":\"2026-12-31T23:59:60Z\"}"), 0);
    assert_int_equal(validate_text(&e, date_schema, "{\"t\":\"2027-01-01T08:59:60+09:00\"}"), 0);
    assert_int_equal(validate_text(&e, date_schema, "{\"t\":\"2026-12-31T12:00:60+09:00\"}"),
                     ITK_EINVALID);
    itk_buf_dispose(&e);
}

static void test_schema_max_length_counts_characters_not_bytes(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    const char *schema = "{\"type\":\"string\",\"maxLength\":3}";
    assert_int_equal(validate_text(&e, schema, "\"\xe3\x81\x82\xe3\x81\x84\xe3\x81\x86\""), 0);
    assert_int_equal(validate_text(&e, schema, "\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80x\""), 0);
    assert_int_equal(validate_text(&e, schema, "\"abcd\""), ITK_EINVALID);
    assert_has_line(&e, "t: the body: at most 3 characters (this has 4)");
    itk_buf_dispose(&e);
}

static void test_schema_text_refuses_control_characters_but_keeps_tab_and_newline(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    json_t *body = parse("{\"kind\":\"copy\",\"summary\":\"a\\tb\\nc\"}");
    assert_int_equal(validate_builtin(&e, "request", body), 0);
    json_object_set_new(body, "summary", json_string("a\x1b[31m"));
    assert_int_equal(validate_builtin(&e, "request", body), ITK_EINVALID);
    assert_non_null(strstr(e.ptr, "summary contains a control character (U+001B)"));
    /* the message itself stays on one line */
    assert_int_equal(count_lines(&e), 1);
    json_decref(body);
    itk_buf_dispose(&e);
}

static void test_schema_pattern_does_not_depend_on_the_locale(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    const char *schema = "{\"type\":\"string\",\"pattern\":\"^[a-z]+$\"}";
    setlocale(LC_ALL, "C.UTF-8");
    assert_int_equal(validate_text(&e, schema, "\"\xc3\xa9t\xc3\xa9\""), ITK_EINVALID);
    setlocale(LC_ALL, "C");
    assert_int_equal(validate_text(&e, schema, "\"\xc3\xa9t\xc3\xa9\""), ITK_EINVALID);
    assert_int_equal(validate_text(&e, schema, "\"ete\""), 0);
    itk_buf_dispose(&e);
}

static void test_schema_ref_applies_the_definition_and_its_siblings(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    const char *schema = "{\"$defs\":{\"n\":{\"type\":\"integer\"}},\"type\":\"object\","
                         "\"properties\":{\"a\":{\"$ref\":\"#/$defs/n\",\"enum\":[1]}}}";
    assert_int_equal(validate_text(&e, schema, "{\"a\":1}"), 0);
    assert_int_equal(validate_text(&e, schema, "{\"a\":\"1\"}"), ITK_EINVALID);
    assert_int_equal(validate_text(&e, schema, "{\"a\":2}"), ITK_EINVALID);
    itk_buf_dispose(&e);
}

static void test_schema_additional_properties_schema_checks_extra_fields(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    const char *schema = "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}";
    assert_int_equal(validate_text(&e, schema, "{\"x\":\"y\"}"), 0);
    assert_int_equal(validate_text(&e, schema, "{\"x\":1}"), ITK_EINVALID);
    assert_has_line(&e, "t: x must be text");
    itk_buf_dispose(&e);
}

static int check_text(const char *schema_text)
{
    json_t *s = parse(schema_text);
    int rc = itk_schema_check(s, "schemas/x.v1.schema.json");
    json_decref(s);
    return rc;
}

static int check_text_v2(const char *schema_text)
{
    json_t *s = parse(schema_text);
    int rc = itk_schema_check(s, "schemas/x.v2.schema.json");
    json_decref(s);
    return rc;
}

static void test_schema_check_refuses_unsupported_keywords_and_formats(void **state)
{
    (void)state;
    assert_int_equal(check_text("{\"type\":\"string\",\"minLength\":1}"), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "schemas/x.v1.schema.json"));
    assert_non_null(strstr(itk_error_last(), "minLength"));
    assert_int_equal(check_text("{\"properties\":{\"a\":{\"oneOf\":[]}}}"), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "/properties/a"));
    assert_int_equal(check_text("{\"format\":\"email\"}"), ITK_EUNSUPPORTED);
    assert_int_equal(check_text("{\"type\":\"text\"}"), ITK_EUNSUPPORTED);
    assert_int_equal(check_text("{\"$ref\":\"other.json#/$defs/a\"}"), ITK_EUNSUPPORTED);
}

static void test_schema_check_refuses_malformed_keyword_values(void **state)
{
    (void)state;
    assert_int_equal(check_text("{\"pattern\":\"^[a-\"}"), ITK_EINVALID);
    assert_int_equal(check_text("{\"maxLength\":-1}"), ITK_EINVALID);
    assert_int_equal(check_text("{\"required\":[\"a\",\"a\"]}"), ITK_EINVALID);
    assert_int_equal(check_text("{\"enum\":[]}"), ITK_EINVALID);
    assert_int_equal(check_text("{\"items\":5}"), ITK_EINVALID);
    assert_int_equal(check_text("{\"$ref\":\"#/$defs/missing\"}"), ITK_EINVALID);
    assert_int_equal(check_text("[]"), ITK_EINVALID);
    assert_int_equal(check_text_v2("{\"x-itaku-text\":\"anything\"}"), ITK_EUNSUPPORTED);
    assert_int_equal(check_text_v2("{\"x-itaku-text\":\"no-controls\"}"), 0);
    /* a keyword of v2 in a v1 schema is refused (issue 13: never ignored) */
    assert_int_equal(check_text("{\"x-itaku-text\":\"no-controls\"}"), ITK_EUNSUPPORTED);
}

/* The template's schemas/<type>.v2.schema.json, parsed. */
static json_t *template_v2(const char *type)
{
    char path[96];
    snprintf(path, sizeof(path), "schemas/%s.v2.schema.json", type);
    for (const itk_template_file *f = itk_template_files; f->path; f++)
        if (strcmp(f->path, path) == 0) {
            json_t *s = json_loadb((const char *)f->data, f->size, 0, NULL);
            assert_non_null(s);
            assert_int_equal(itk_schema_check(s, path), 0);
            return s;
        }
    fail_msg("the template has no %s", path);
    return NULL;
}

/* Schemas v2 refuse C0 (but tab, LF, CR), DEL, C1 and bidirectional controls
 * in every string of a new record ("x-itaku-text": "no-controls"); v1, which
 * old records name, still takes them (its pattern refuses C0 only). */
static void test_schema_v2_refuses_c1_and_bidi_controls_v1_keeps_them(void **state)
{
    (void)state;
    for (size_t i = 0; all_types[i]; i++) {
        json_t *s = template_v2(all_types[i]);
        assert_string_equal(json_string_value(json_object_get(s, "x-itaku-text")), "no-controls");
        json_decref(s);
    }
    itk_buf e = ITK_BUF_INIT;
    json_t *v1 = NULL, *v2 = template_v2("request");
    assert_int_equal(itk_schema_builtin(&v1, "request"), 0);
    const char *hostile[] = {"Acme\\u202Egnp.exe", "a\\u0085b", "\\u009b2J", "x\\u2066y\\u2069",
                             "\\u200fz",           "a\\u007fb", NULL};
    for (size_t i = 0; hostile[i]; i++) {
        char text[160];
        snprintf(text, sizeof(text), "{\"kind\":\"copy\",\"summary\":\"%s\"}", hostile[i]);
        json_t *body = parse(text);
        itk_buf_clear(&e);
        assert_int_equal(itk_schema_validate_version(&e, v2, 2, body, "request"), ITK_EINVALID);
        assert_non_null(strstr(e.ptr, "request: summary holds the control character U+"));
        itk_buf_clear(&e);
        assert_int_equal(itk_schema_validate(&e, v1, body, "request"), 0);
        json_decref(body);
    }
    json_t *body = parse("{\"kind\":\"copy\",\"summary\":\"Acme\\u202Egnp\"}");
    itk_buf_clear(&e);
    assert_int_equal(itk_schema_validate_version(&e, v2, 2, body, "request"), ITK_EINVALID);
    assert_non_null(strstr(e.ptr, "U+202E (a bidirectional control) at character 5"));
    json_decref(body);
    /* the twin: tab, line break, Japanese and U+2028 pass v2 */
    body = parse("{\"kind\":\"copy\",\"summary\":\"移行\\t検証\\n複製\\n\\u2028\"}");
    itk_buf_clear(&e);
    assert_int_equal(itk_schema_validate_version(&e, v2, 2, body, "request"), 0);
    json_decref(body);
    /* nested strings and field names too */
    json_t *form1 = template_v2("form1");
    json_t *f1 = parse("{\"workers\":[{\"name\":\"\\u202E\"}]}");
    itk_buf_clear(&e);
    assert_int_equal(itk_schema_validate_version(&e, form1, 2, f1, "form1"), ITK_EINVALID);
    assert_non_null(strstr(e.ptr, "form1: workers[0].name holds the control character U+202E"));
    json_decref(f1);
    json_decref(form1);
    json_decref(v1);
    json_decref(v2);
    itk_buf_dispose(&e);
}

static void test_schema_check_refuses_ref_cycles(void **state)
{
    (void)state;
    assert_int_equal(check_text("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},"
                                "\"b\":{\"items\":{\"$ref\":\"#/$defs/a\"}}},"
                                "\"$ref\":\"#/$defs/a\"}"),
                     ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "cycle"));
    assert_int_equal(check_text("{\"$defs\":{\"a\":{\"properties\":{\"x\":{\"$ref\":\"#/$defs/a\"}"
                                "}}}}"),
                     ITK_EINVALID);
}

static void test_schema_check_refuses_nesting_deeper_than_the_limit(void **state)
{
    (void)state;
    json_t *s = json_object();
    for (int i = 0; i < ITK_MAX_JSON_DEPTH + 2; i++) {
        json_t *outer = json_object();
        json_object_set_new(outer, "items", s);
        s = outer;
    }
    assert_int_equal(itk_schema_check(s, "deep"), ITK_EINVALID);
    json_decref(s);
}

static void test_schema_validate_with_a_broken_schema_is_an_error_not_a_verdict(void **state)
{
    (void)state;
    itk_buf e = ITK_BUF_INIT;
    assert_int_equal(validate_text(&e, "{\"minLength\":1}", "\"\""), ITK_ERROR);
    assert_int_equal(e.size, 0);
    itk_buf_dispose(&e);
}

static int rule_kind_known(const char *kind)
{
    static const char *const kinds[] = {"form1_before_work",
                                        "form1_change_before_effect",
                                        "training_covers_workers",
                                        "register_prior_approval",
                                        "handover_designated_method",
                                        "instruction_answered_on_time",
                                        "subcontract_approved",
                                        "subcontract_acknowledged",
                                        "incident_first_report_within",
                                        "incident_followed_up",
                                        "items_returned_or_disposed_at_end",
                                        NULL};
    for (const char *const *k = kinds; *k; k++)
        if (strcmp(*k, kind) == 0)
            return 1;
    return 0;
}

static void test_obligations_hold_twelve_sections_with_known_rule_kinds(void **state)
{
    (void)state;
    const itk_template_file *f = itk_template_files;
    while (f->path && strcmp(f->path, "obligations/akiruno-outsourcing.v1.json") != 0)
        f++;
    assert_non_null(f->path);
    json_t *o;
    assert_int_equal(itk_json_parse(&o, (const char *)f->data, f->size, f->path), 0);
    json_t *sections = json_object_get(o, "sections");
    assert_int_equal(json_array_size(sections), 12);
    size_t i;
    json_t *sec;
    json_array_foreach(sections, i, sec)
    {
        assert_int_equal(json_integer_value(json_object_get(sec, "number")), (json_int_t)i + 1);
        json_t *rules = json_object_get(sec, "rules");
        assert_true(json_is_array(rules));
        /* a section without rules says why it cannot be checked */
        if (json_array_size(rules) == 0) {
            assert_true(json_is_false(json_object_get(sec, "checkable")));
            assert_true(json_is_string(json_object_get(sec, "reason_en")));
        }
        size_t j;
        json_t *r;
        json_array_foreach(rules, j, r)
        {
            if (!rule_kind_known(json_string_value(json_object_get(r, "kind"))))
                fail_msg("section %zu: unknown rule kind", i + 1);
        }
    }
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_builtin_loads_every_record_type),
        cmocka_unit_test(test_schema_builtin_refuses_unknown_type),
        cmocka_unit_test(test_template_schemas_and_obligations_are_canonical),
        cmocka_unit_test(test_schema_every_property_has_title_and_description),
        cmocka_unit_test(test_schema_request_embeds_the_form6_schema),
        cmocka_unit_test(test_schema_reports_missing_nested_field_with_its_path),
        cmocka_unit_test(test_schema_reports_wrong_type_inside_a_list),
        cmocka_unit_test(test_schema_lists_the_allowed_values_of_an_enum),
        cmocka_unit_test(test_schema_reports_unknown_fields_at_any_level),
        cmocka_unit_test(test_schema_lists_every_problem_not_just_the_first),
        cmocka_unit_test(test_schema_date_follows_the_real_calendar),
        cmocka_unit_test(test_schema_date_time_requires_an_offset),
        cmocka_unit_test(test_schema_leap_second_only_at_the_end_of_a_utc_day),
        cmocka_unit_test(test_schema_max_length_counts_characters_not_bytes),
        cmocka_unit_test(test_schema_text_refuses_control_characters_but_keeps_tab_and_newline),
        cmocka_unit_test(test_schema_pattern_does_not_depend_on_the_locale),
        cmocka_unit_test(test_schema_ref_applies_the_definition_and_its_siblings),
        cmocka_unit_test(test_schema_additional_properties_schema_checks_extra_fields),
        cmocka_unit_test(test_schema_check_refuses_unsupported_keywords_and_formats),
        cmocka_unit_test(test_schema_check_refuses_malformed_keyword_values),
        cmocka_unit_test(test_schema_v2_refuses_c1_and_bidi_controls_v1_keeps_them),
        cmocka_unit_test(test_schema_check_refuses_ref_cycles),
        cmocka_unit_test(test_schema_check_refuses_nesting_deeper_than_the_limit),
        cmocka_unit_test(test_schema_validate_with_a_broken_schema_is_an_error_not_a_verdict),
        cmocka_unit_test(test_obligations_hold_twelve_sections_with_known_rule_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
