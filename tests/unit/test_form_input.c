/* Unit tests of filled-in forms read as people save them
 * (core/model/form_input.c): dates in every field of format date or
 * date-time, nested in objects and arrays, become canonical; a date alone is
 * the end of the day for a due date and its start (noted) for an
 * occurrence; optional "" fields are dropped with a note, required ones
 * kept for validation to name; a byte-order mark, CR LF and // notes are
 * read; an impossible date is refused naming the field and the text typed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/errors.h"
#include "itaku/form_input.h"
#include "itaku/json.h"

static json_t *schema_of(const char *type)
{
    json_t *s = NULL;
    char name[64];
    assert_int_equal(itk_form_input_schema(&s, name, NULL, type), 0);
    assert_non_null(strstr(name, type));
    return s;
}

static const char *str(const json_t *o, const char *path)
{
    json_t *v = json_object_get(o, path);
    return json_string_value(v);
}

/* a choice typed as the city's word for it (the labels catalog) or as its
 * code in another case or width is recorded as its code; a word that names
 * no choice is left for validation to refuse */
static void test_choices_typed_as_their_labels(void **state)
{
    (void)state;
    json_t *s = schema_of("register");
    json_t *b = json_pack("{s:s, s:s}", "action", "受領", "medium", "ＵＳＢメモリ");
    itk_buf notes = ITK_BUF_INIT;
    assert_int_equal(itk_form_body_normalise(b, &notes, s, 540), 0);
    assert_string_equal(str(b, "action"), "received");
    assert_string_equal(str(b, "medium"), "usb");
    assert_non_null(strstr(notes.ptr, "action: '受領' taken as the choice received"));
    json_decref(b);
    b = json_pack("{s:s, s:s}", "action", "RECEIVED", "medium", "フロッピー");
    assert_int_equal(itk_form_body_normalise(b, NULL, s, 540), 0);
    assert_string_equal(str(b, "action"), "received");
    assert_string_equal(str(b, "medium"), "フロッピー");
    json_decref(b);
    json_decref(s);
    /* form 1's filing_type as the paper says it */
    s = schema_of("form1");
    b = json_pack("{s:s}", "filing_type", "新規");
    assert_int_equal(itk_form_body_normalise(b, NULL, s, 540), 0);
    assert_string_equal(str(b, "filing_type"), "new");
    json_decref(b);
    json_decref(s);
    itk_buf_dispose(&notes);
}

static void test_nested_dates_and_what_a_date_alone_means(void **state)
{
    (void)state;
    json_t *s = schema_of("incident");
    json_t *b = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}]}", "submitted_on",
                          "令和8年12月3日", "discovered_at", "2026/12/2 9:00", "occurred_at",
                          "R8.12.1", "timeline", "at", "２０２６年１２月２日", "event", "発見",
                          "at", "2026-12-02T10:00:00+09:00", "event", "報告");
    itk_buf notes = ITK_BUF_INIT;
    assert_int_equal(itk_form_body_normalise(b, &notes, s, 540), 0);
    assert_string_equal(str(b, "submitted_on"), "2026-12-03");
    assert_string_equal(str(b, "discovered_at"), "2026-12-02T09:00:00+09:00");
    assert_string_equal(str(b, "occurred_at"), "2026-12-01T00:00:00+09:00");
    json_t *tl = json_object_get(b, "timeline");
    assert_string_equal(str(json_array_get(tl, 0), "at"), "2026-12-02T00:00:00+09:00");
    assert_string_equal(str(json_array_get(tl, 1), "at"), "2026-12-02T10:00:00+09:00");
    assert_non_null(strstr(notes.ptr, "occurred_at: 'R8.12.1' is a date alone: taken as the "
                                      "start of that day, 2026-12-01T00:00:00+09:00"));
    assert_non_null(strstr(notes.ptr, "timeline[0].at: '２０２６年１２月２日' is a date alone"));
    assert_null(strstr(notes.ptr, "discovered_at"));
    json_decref(b);
    json_decref(s);
    itk_buf_dispose(&notes);

    /* a due date alone is the end of that day */
    s = schema_of("instruction");
    b = json_pack("{s:s}", "due", "令和8年12月15日");
    notes = (itk_buf)ITK_BUF_INIT;
    assert_int_equal(itk_form_body_normalise(b, &notes, s, 540), 0);
    assert_string_equal(str(b, "due"), "2026-12-15T23:59:59+09:00");
    assert_non_null(strstr(notes.ptr, "the end of that day"));
    json_decref(b);
    json_decref(s);
    itk_buf_dispose(&notes);
}

static void test_optional_empty_fields_are_dropped_required_kept(void **state)
{
    (void)state;
    json_t *s = schema_of("register");
    json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "action", "", "note", "", "due_on", "", "item_id",
                          "SKR-USB-01");
    itk_buf notes = ITK_BUF_INIT;
    assert_int_equal(itk_form_body_normalise(b, &notes, s, 540), 0);
    assert_non_null(json_object_get(b, "action")); /* required: validation names it */
    assert_null(json_object_get(b, "note"));
    assert_null(json_object_get(b, "due_on"));
    assert_string_equal(str(b, "item_id"), "SKR-USB-01"); /* stored as typed */
    assert_non_null(strstr(notes.ptr, "note: left \"\" as in the template: taken as not given"));
    json_decref(b);
    json_decref(s);
    itk_buf_dispose(&notes);
}

/* an optional object or array left as the template writes it, and each
 * placeholder row of an array (optional or required), is dropped with a
 * note; a row with anything filled in stays, as does a required object left
 * so */
static void test_template_placeholders_dropped(void **state)
{
    (void)state;
    json_t *s = schema_of("form4");
    json_error_t e;
    json_t *b = json_loads(
        "{\"period\":{\"from\":\"\",\"to\":\"\"},\"incidents\":[\"\"],"
        "\"activity_summary\":[{\"action\":\"\",\"count\":0},{\"action\":\"\",\"count\":5}],"
        "\"checklist\":[{\"item\":\"x\",\"status\":\"done\"},{\"item\":\"\",\"status\":\"\","
        "\"section\":0}],\"submitter\":{\"address\":\"\",\"name\":\"\",\"representative\":\"\"},"
        "\"subcontractor_status\":[{\"name\":\"\",\"status\":\"\"}]}",
        0, &e);
    assert_non_null(b);
    itk_buf notes = ITK_BUF_INIT;
    assert_int_equal(itk_form_body_normalise(b, &notes, s, 540), 0);
    assert_null(json_object_get(b, "period"));
    assert_null(json_object_get(b, "incidents"));
    /* count 5 is typed: the row stays for validation to name its action */
    assert_int_equal(json_array_size(json_object_get(b, "activity_summary")), 1);
    assert_int_equal(json_array_size(json_object_get(b, "checklist")), 1);
    assert_string_equal(str(json_array_get(json_object_get(b, "checklist"), 0), "item"), "x");
    /* required: kept as typed */
    assert_non_null(json_object_get(b, "submitter"));
    /* a required list's placeholder row: dropped too (the list may be empty) */
    assert_int_equal(json_array_size(json_object_get(b, "subcontractor_status")), 0);
    assert_non_null(strstr(notes.ptr, "(subcontractor_status[0]): a row left empty"));
    assert_non_null(strstr(notes.ptr, "対象期間 (period): left empty as in the template"));
    assert_non_null(strstr(notes.ptr, "取扱状況 (activity_summary[0]): a row left empty"));
    assert_non_null(strstr(notes.ptr, "点検項目 (checklist[1]): a row left empty"));
    json_decref(b);
    json_decref(s);
    itk_buf_dispose(&notes);
}

static void test_bom_crlf_notes_and_impossible_dates(void **state)
{
    (void)state;
    json_t *s = schema_of("register");
    const char good[] = "\xEF\xBB\xBF// template\r\n{\r\n  // 日時\r\n  \"occurred_at\": "
                        "\"2026/12/1 10:00\",\r\n  \"due_on\": \"R9.3.1\"\r\n}\r\n";
    json_t *b = NULL;
    assert_int_equal(itk_form_input_read(&b, NULL, good, sizeof(good) - 1, "f.json", s, 540), 0);
    assert_string_equal(str(b, "occurred_at"), "2026-12-01T10:00:00+09:00");
    assert_string_equal(str(b, "due_on"), "2027-03-01");
    json_decref(b);
    /* the twin: the same file with impossible dates, both named as typed */
    const char bad[] = "\xEF\xBB\xBF{\r\n  \"occurred_at\": \"２０２６年２月３０日\",\r\n"
                       "  \"due_on\": \"2026/13/01\"\r\n}\r\n";
    assert_int_equal(itk_form_input_read(&b, NULL, bad, sizeof(bad) - 1, "f.json", s, 540),
                     ITK_EINVALID);
    assert_null(b);
    const char *msg = itk_error_last();
    assert_non_null(strstr(msg, "f.json"));
    assert_non_null(strstr(msg, "occurred_at: '２０２６年２月３０日'"));
    assert_non_null(strstr(msg, "due_on: '2026/13/01'"));
    /* not an object */
    assert_int_equal(itk_form_input_read(&b, NULL, "[]", 2, "f.json", s, 540), ITK_EINVALID);
    json_decref(s);
}

/* An instruction reference typed short is completed with the issuer; what
 * is not one is left as typed for the schema to refuse. */
static void test_instruction_ref_short_forms(void **state)
{
    (void)state;
    char out[128];
    static const char *const shorts[] = {"n-000005", "N-5", "n5", "5", "０００００５", " n-5 "};
    for (size_t i = 0; i < sizeof(shorts) / sizeof(*shorts); i++) {
        assert_int_equal(itk_instruction_ref_input(out, sizeof(out), shorts[i], "acme"), 1);
        assert_string_equal(out, "acme/n-000005");
    }
    assert_int_equal(itk_instruction_ref_input(out, sizeof(out), "city/N-5", "acme"), 1);
    assert_string_equal(out, "city/n-000005");
    /* already canonical: unchanged */
    assert_int_equal(itk_instruction_ref_input(out, sizeof(out), "acme/n-000005", "acme"), 0);
    assert_string_equal(out, "acme/n-000005");
    /* the twins: not a reference, left as typed */
    static const char *const bad[] = {"", "n-", "0", "1234567", "q-000005", "n-5x", "acme/"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        assert_int_equal(itk_instruction_ref_input(out, sizeof(out), bad[i], "acme"), 0);
        assert_string_equal(out, bad[i]);
    }
    /* in a body: completed and noted; without an issuer left as typed */
    json_t *s = NULL, *b = NULL;
    const char schema[] = "{\"type\":\"object\",\"properties\":{\"instruction_ref\":"
                          "{\"type\":\"string\"}}}";
    assert_int_equal(itk_json_parse(&s, schema, sizeof(schema) - 1, "s"), 0);
    const char body[] = "{\"instruction_ref\":\"2\"}";
    assert_int_equal(itk_json_parse(&b, body, sizeof(body) - 1, "b"), 0);
    itk_buf notes = ITK_BUF_INIT;
    assert_int_equal(itk_form_body_normalise(b, &notes, s, 540), 0);
    assert_string_equal(json_string_value(json_object_get(b, "instruction_ref")), "2");
    assert_int_equal(itk_form_body_normalise_as(b, &notes, s, 540, "city"), 0);
    assert_string_equal(json_string_value(json_object_get(b, "instruction_ref")), "city/n-000002");
    assert_non_null(
        strstr(notes.ptr, "instruction_ref: '2' taken as the instruction city/n-000002"));
    itk_buf_dispose(&notes);
    json_decref(b);
    json_decref(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choices_typed_as_their_labels),
        cmocka_unit_test(test_nested_dates_and_what_a_date_alone_means),
        cmocka_unit_test(test_optional_empty_fields_are_dropped_required_kept),
        cmocka_unit_test(test_template_placeholders_dropped),
        cmocka_unit_test(test_bom_crlf_notes_and_impossible_dates),
        cmocka_unit_test(test_instruction_ref_short_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
