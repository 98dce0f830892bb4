/* Unit tests of core/render.c: Japanese era dates, form titles, and records
 * rendered as Markdown or HTML with labels from a schema, escaped values and
 * a signature block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/errors.h"
#include "itaku/labels.h"
#include "itaku/render.h"

static void assert_era(const char *iso, const char *want)
{
    char out[64];
    if (itk_era_date(out, iso) != 0)
        fail_msg("%s: %s", iso, itk_error_last());
    assert_string_equal(out, want);
}

static void test_era_date_switches_on_the_first_day_of_an_era(void **state)
{
    (void)state;
    assert_era("2019-04-30", "平成31年4月30日");
    assert_era("2019-05-01", "令和元年5月1日");
    assert_era("2026-11-25", "令和8年11月25日");
    assert_era("1989-01-07", "昭和64年1月7日");
    assert_era("1989-01-08", "平成元年1月8日");
    assert_era("1926-12-24", "大正15年12月24日");
    assert_era("1926-12-25", "昭和元年12月25日");
    assert_era("2028-02-29", "令和10年2月29日");
}

static void test_era_date_takes_the_date_of_a_date_time(void **state)
{
    (void)state;
    assert_era("2026-11-25T23:59:59+09:00", "令和8年11月25日");
    assert_era("2019-05-01T00:00:00Z", "令和元年5月1日");
}

static void test_era_date_refuses_what_is_not_a_date(void **state)
{
    (void)state;
    const char *bad[] = {"2026-02-30", "2026-02-29", "2026-13-01", "2026-00-10",
                         "2026-04-31", "2026-1-1",   "20261125",   "",
                         "yesterday",  "2026-11-2x", "2026/11/25"};
    char out[64];
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        if (itk_era_date(out, bad[i]) != ITK_EINVALID)
            fail_msg("'%s' was taken for a date", bad[i]);
    assert_int_equal(itk_era_date(out, NULL), ITK_EINVALID);
    assert_int_equal(itk_era_date(out, "1868-01-24"), ITK_EUNSUPPORTED);
}

static void test_form_title_names_the_paper_form(void **state)
{
    (void)state;
    assert_string_equal(itk_form_title("form1"),
                        "参考様式第1号 重要指定情報管理体制（新規・変更）届出書");
    assert_non_null(strstr(itk_form_title("register"), "参考様式第3号"));
    assert_non_null(strstr(itk_form_title("form6"), "参考様式第6号"));
    assert_null(itk_form_title("nothing"));
}

static json_t *small_schema(void)
{
    json_error_t e;
    json_t *s = json_loads("{\"type\": \"object\", \"required\": [\"name\", \"held_on\"],"
                           " \"properties\": {"
                           "  \"name\": {\"type\": \"string\", \"title\": \"氏名\"},"
                           "  \"held_on\": {\"$ref\": \"#/$defs/date\"},"
                           "  \"note\": {\"type\": \"string\", \"title\": \"備考\"},"
                           "  \"items\": {\"type\": \"array\", \"title\": \"品目\","
                           "    \"items\": {\"type\": \"object\", \"properties\": {"
                           "      \"count\": {\"type\": \"integer\", \"title\": \"数量\"}}}}},"
                           " \"$defs\": {\"date\": {\"type\": \"string\", \"format\": \"date\","
                           "   \"title\": \"実施日\"}}}",
                           0, &e);
    assert_non_null(s);
    return s;
}

static json_t *small_record(const char *note)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:[{s:i}]}}", "type", "form1", "id",
                     "f1-000001", "party", "acme", "created", "2026-11-25T10:00:00+09:00", "body",
                     "name", "佐藤 花子", "held_on", "2026-11-25", "note", note, "items", "count",
                     3);
}

static char *render(const json_t *rec, const json_t *schema, const itk_render_signature *sig,
                    itk_render_format fmt)
{
    itk_buf out = ITK_BUF_INIT;
    assert_int_equal(itk_render_record(&out, rec, schema, sig, fmt, 540), 0);
    return out.ptr;
}

static const itk_render_signature signed_ok = {"0123456789abcdef0123456789abcdef01234567",
                                               "2026-11-25T10:00:00+09:00",
                                               "acme",
                                               "manager",
                                               "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                                               1,
                                               0,
                                               0,
                                               NULL};

static void test_render_html_escapes_values(void **state)
{
    (void)state;
    json_t *rec = small_record("<script>alert(\"x\")</script> & more"), *schema = small_schema();
    char *html = render(rec, schema, &signed_ok, ITK_RENDER_HTML);
    assert_non_null(strstr(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "\"x\""));
    free(html);
    json_decref(rec);
    json_decref(schema);
}

/* A bidirectional override, a C1 control and ESC in a value are marked on
 * the page (HTML) or written out (Markdown), never passed on; the twin, plain
 * Japanese, is unchanged. */
static void test_render_marks_controls_and_bidi_overrides(void **state)
{
    (void)state;
    json_t *rec = small_record("Acme\xE2\x80\xAEgnp \xC2\x9B"
                               "2J \x1b[31m"),
           *schema = small_schema();
    char *html = render(rec, schema, &signed_ok, ITK_RENDER_HTML);
    assert_non_null(strstr(html, "Acme<span class=\"ctl\">&lt;U+202E&gt;</span>gnp "
                                 "<span class=\"ctl\">&lt;U+009B&gt;</span>2J "
                                 "<span class=\"ctl\">\\x1b</span>[31m"));
    assert_null(strstr(html, "\xE2\x80\xAE"));
    assert_null(strstr(html, "\x1b"));
    assert_non_null(strstr(html, ".ctl{"));
    free(html);
    char *md = render(rec, NULL, NULL, ITK_RENDER_MARKDOWN);
    assert_non_null(strstr(md, "Acme\\<U+202E>gnp \\<U+009B>2J \\\\x1b\\[31m"));
    assert_null(strstr(md, "\xE2\x80\xAE"));
    free(md);
    json_decref(rec);
    rec = small_record("月次報告 (USB)");
    html = render(rec, schema, &signed_ok, ITK_RENDER_HTML);
    assert_non_null(strstr(html, "月次報告 (USB)"));
    assert_null(strstr(html, "<span class=\"ctl\">"));
    free(html);
    json_decref(rec);
    json_decref(schema);
}

static void test_render_html_is_a_self_contained_a4_page(void **state)
{
    (void)state;
    json_t *rec = small_record("なし"), *schema = small_schema();
    char *html = render(rec, schema, &signed_ok, ITK_RENDER_HTML);
    assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(html, "<style>@page{size:A4"));
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "<link"));
    assert_non_null(
        strstr(html, "<h1>参考様式第1号 重要指定情報管理体制（新規・変更）届出書</h1>"));
    free(html);
    json_decref(rec);
    json_decref(schema);
}

static void test_render_uses_labels_from_the_schema(void **state)
{
    (void)state;
    json_t *rec = small_record("なし"), *schema = small_schema();
    char *html = render(rec, schema, &signed_ok, ITK_RENDER_HTML);
    assert_non_null(strstr(html, "<th>氏名</th><td>佐藤 花子</td>"));
    /* a label behind a $ref, and a date shown in the era beside ISO */
    assert_non_null(strstr(html, "<th>実施日</th><td>令和8年11月25日 (2026-11-25)</td>"));
    assert_non_null(strstr(html, "<th>数量</th><td>3</td>"));
    /* the fixed layout is Japanese only: no field keys beside the labels */
    assert_null(strstr(html, "class=\"en\""));
    assert_null(strstr(html, ">name<"));
    /* required fields first, in the schema's order */
    assert_true(strstr(html, "氏名") < strstr(html, "実施日"));
    assert_true(strstr(html, "実施日") < strstr(html, "備考"));
    char *md = render(rec, schema, &signed_ok, ITK_RENDER_MARKDOWN);
    assert_non_null(strstr(md, "# 参考様式第1号"));
    assert_non_null(strstr(md, "- **氏名**: 佐藤 花子\n"));
    assert_non_null(strstr(md, "- **実施日**: 令和8年11月25日 (2026-11-25)\n"));
    assert_non_null(strstr(md, "- **品目**\n"));
    assert_non_null(strstr(md, "- **数量**: 3\n"));
    free(md);
    free(html);
    json_decref(rec);
    json_decref(schema);
}

static void test_render_shows_date_times_in_the_contracts_zone(void **state)
{
    (void)state;
    json_t *rec = small_record("なし");
    /* 10:00 in New York on 2 December is midnight of the 3rd in Tokyo */
    json_object_set_new(json_object_get(rec, "body"), "occurred_at",
                        json_string("2026-12-02T10:00:00-05:00"));
    json_object_set_new(json_object_get(rec, "body"), "checked_at",
                        json_string("2026-12-02T10:00:00+09:00"));
    char *md = render(rec, NULL, NULL, ITK_RENDER_MARKDOWN);
    assert_non_null(
        strstr(md, "- **occurred\\_at**: 令和8年12月3日 00:00 (2026-12-02T10:00:00-05:00)\n"));
    assert_non_null(
        strstr(md, "- **checked\\_at**: 令和8年12月2日 10:00 (2026-12-02T10:00:00+09:00)\n"));
    free(md);
    /* a contract kept in UTC shows the same instant on the 2nd */
    itk_buf out = ITK_BUF_INIT;
    assert_int_equal(itk_render_record(&out, rec, NULL, NULL, ITK_RENDER_MARKDOWN, 0), 0);
    assert_non_null(strstr(out.ptr, "令和8年12月2日 15:00 (2026-12-02T10:00:00-05:00)"));
    itk_buf_dispose(&out);
    json_decref(rec);
}

static void test_render_without_schema_shows_field_names(void **state)
{
    (void)state;
    json_t *rec = small_record("なし");
    char *md = render(rec, NULL, NULL, ITK_RENDER_MARKDOWN);
    assert_non_null(strstr(md, "- **name**: 佐藤 花子\n"));
    assert_non_null(strstr(md, "- **held\\_on**: 令和8年11月25日 (2026-11-25)\n"));
    free(md);
    json_decref(rec);
}

static void test_render_markdown_escapes_values(void **state)
{
    (void)state;
    json_t *rec = small_record("a|b *c* _d_ <e> & \"f\" `g` [h](i) \\j\n次の行");
    char *md = render(rec, NULL, NULL, ITK_RENDER_MARKDOWN);
    const char *note = strstr(md, "- **note**: ");
    assert_non_null(note);
    note += strlen("- **note**: ");
    const char *end = strchr(note, '\n');
    assert_non_null(end);
    char line[256];
    snprintf(line, sizeof(line), "%.*s", (int)(end - note), note);
    assert_string_equal(line,
                        "a\\|b \\*c\\* \\_d\\_ \\<e> \\& \"f\" \\`g\\` \\[h](i) \\\\j<br>次の行");
    free(md);
    json_decref(rec);
}

static void test_render_signature_block(void **state)
{
    (void)state;
    json_t *rec = small_record("なし");
    char *md = render(rec, NULL, &signed_ok, ITK_RENDER_MARKDOWN);
    assert_non_null(strstr(md, "| 署名者 | acme |"));
    assert_non_null(strstr(md, "| 担当者 | manager |"));
    assert_null(strstr(md, "(party)"));
    assert_null(strstr(md, "(verification)"));
    assert_non_null(strstr(md, "`SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG`"));
    assert_non_null(strstr(md, "`0123456789abcdef0123456789abcdef01234567`"));
    assert_non_null(strstr(md, "令和8年11月25日"));
    assert_non_null(strstr(md, "検証済み"));
    free(md);
    itk_render_signature bad = signed_ok;
    bad.verified = 0;
    char *html = render(rec, NULL, &bad, ITK_RENDER_HTML);
    assert_non_null(strstr(html, "検証失敗"));
    assert_null(strstr(html, "検証済み"));
    free(html);
    json_decref(rec);
}

/* The block above the title: the date line in the era, the addressee, and
 * the submitter's company, representative and address from the party
 * records when the record itself does not say them; never the party id. */
static void test_render_header_from_the_party_records(void **state)
{
    (void)state;
    json_t *rec = small_record("なし");
    itk_render_header h = {"あきる野市",
                           "株式会社アクメ",
                           "代表取締役 山田太郎",
                           "東京都あきる野市二宮350",
                           "株式会社アクメ",
                           "佐藤 花子",
                           NULL,
                           "C-2026-001",
                           "住民情報システム運用保守"};
    itk_buf out = ITK_BUF_INIT;
    assert_int_equal(itk_render_form(&out, rec, NULL, NULL, &signed_ok, &h, ITK_RENDER_HTML, 540),
                     0);
    const char *html = out.ptr;
    assert_non_null(strstr(html, "<p class=\"to\">あきる野市　様</p>"));
    /* the contract, as the paper form's header has it */
    assert_non_null(strstr(html, "<tr><th>契約番号</th><td>C-2026-001</td></tr>"));
    assert_non_null(strstr(html, "<tr><th>契約件名</th><td>住民情報システム運用保守</td></tr>"));
    assert_non_null(strstr(html, "<th>名称</th><td>株式会社アクメ</td>"));
    assert_non_null(strstr(html, "<th>代表者</th><td>代表取締役 山田太郎</td>"));
    assert_non_null(strstr(html, "<th>所在地</th><td>東京都あきる野市二宮350</td>"));
    assert_non_null(strstr(html, "<th>署名者</th><td>株式会社アクメ</td>"));
    assert_non_null(strstr(html, "<th>担当者</th><td>佐藤 花子</td>"));
    assert_true(strstr(html, "class=\"dateline\"") < strstr(html, "<h1>"));
    assert_true(strstr(html, "class=\"from\"") < strstr(html, "<h1>"));
    assert_non_null(strstr(html, "size:A4 portrait"));
    assert_non_null(strstr(html, "thead{display:table-header-group}"));
    itk_buf_dispose(&out);
    json_decref(rec);
}

static void test_render_unsigned_says_so(void **state)
{
    (void)state;
    json_t *rec = small_record("なし");
    char *md = render(rec, NULL, NULL, ITK_RENDER_MARKDOWN);
    assert_non_null(strstr(md, "未署名"));
    assert_null(strstr(md, "検証済み"));
    free(md);
    char *html = render(rec, NULL, NULL, ITK_RENDER_HTML);
    assert_non_null(strstr(html, "未署名"));
    assert_null(strstr(html, "検証済み"));
    free(html);
    json_decref(rec);
}

/* Form 1 as its paper: a yes/no field in the catalog's words for it (the
 * pledge's sentence, 有/無), はい/いいえ where the catalog has none, and a
 * row the paper has but the filer left out shown blank (—) under its label,
 * in the paper's order; a field the schema does not know is no row. */
static void test_render_form1_as_the_paper(void **state)
{
    (void)state;
    json_error_t e;
    json_t *schema = json_loads(
        "{\"type\": \"object\", \"properties\": {"
        " \"manager_scope\": {\"type\": \"string\", \"title\": \"管理責任者の職務範囲\"},"
        " \"info_items\": {\"type\": \"array\", \"title\": \"取り扱う情報\"},"
        " \"subcontract_planned\": {\"type\": \"boolean\", \"title\": \"再委託の予定\"},"
        " \"pledge\": {\"const\": true, \"title\": \"誓約\"},"
        " \"urgent\": {\"type\": \"boolean\", \"title\": \"至急\"}}}",
        0, &e);
    assert_non_null(schema);
    json_t *rec =
        json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:b, s:b, s:b}}", "type", "form1", "id",
                  "f1-000001", "party", "acme", "created", "2026-11-25T10:00:00+09:00", "body",
                  "manager_scope", "全般", "subcontract_planned", 0, "pledge", 1, "urgent", 1);
    itk_labels *l = NULL;
    assert_int_equal(itk_labels_builtin(&l, "ja"), 0);
    assert_non_null(l);
    itk_buf out = ITK_BUF_INIT;
    assert_int_equal(
        itk_render_record_labeled(&out, rec, schema, l, &signed_ok, ITK_RENDER_MARKDOWN, 540), 0);
    const char *md = out.ptr;
    assert_non_null(strstr(md, "- **誓約**: 遵守事項を遵守することを誓約します\n"));
    assert_non_null(strstr(md, "- **再委託の予定**: 無\n"));
    assert_non_null(strstr(md, "- **至急**: はい\n"));
    assert_non_null(strstr(md, "- **取り扱う情報**: —\n"));
    assert_true(strstr(md, "職務範囲") < strstr(md, "取り扱う情報"));
    assert_true(strstr(md, "取り扱う情報") < strstr(md, "再委託の予定"));
    assert_null(strstr(md, "変更内容")); /* not in this schema: no row */
    assert_null(strstr(md, "change"));
    /* the signer's role in the catalog's word */
    assert_non_null(strstr(md, "| 担当者 | 管理責任者 |"));
    itk_buf_dispose(&out);
    itk_labels_free(l);
    json_decref(rec);
    json_decref(schema);
}

static void test_render_refuses_what_is_not_a_record(void **state)
{
    (void)state;
    itk_buf out = ITK_BUF_INIT;
    json_t *rec = json_pack("{s:s, s:s}", "type", "form1", "id", "f1-000001");
    assert_int_equal(itk_render_record(&out, rec, NULL, NULL, ITK_RENDER_HTML, 540), ITK_EINVALID);
    json_decref(rec);
    itk_buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_era_date_switches_on_the_first_day_of_an_era),
        cmocka_unit_test(test_era_date_takes_the_date_of_a_date_time),
        cmocka_unit_test(test_era_date_refuses_what_is_not_a_date),
        cmocka_unit_test(test_form_title_names_the_paper_form),
        cmocka_unit_test(test_render_html_escapes_values),
        cmocka_unit_test(test_render_marks_controls_and_bidi_overrides),
        cmocka_unit_test(test_render_html_is_a_self_contained_a4_page),
        cmocka_unit_test(test_render_uses_labels_from_the_schema),
        cmocka_unit_test(test_render_form1_as_the_paper),
        cmocka_unit_test(test_render_without_schema_shows_field_names),
        cmocka_unit_test(test_render_shows_date_times_in_the_contracts_zone),
        cmocka_unit_test(test_render_markdown_escapes_values),
        cmocka_unit_test(test_render_signature_block),
        cmocka_unit_test(test_render_header_from_the_party_records),
        cmocka_unit_test(test_render_unsigned_says_so),
        cmocka_unit_test(test_render_refuses_what_is_not_a_record),
    };
    return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
