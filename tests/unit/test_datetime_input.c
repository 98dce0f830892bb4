/* Unit tests of typed dates (core/util/datetime_input.c) and of labels
 * compared as offices write them (core/util/textnorm.c): every accepted form
 * gives the canonical RFC 3339 text, the era boundaries hold to the day, and
 * an impossible or unreadable date is refused naming the text as typed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/datetime_input.h"
#include "itaku/errors.h"
#include "itaku/textnorm.h"

#define JST 540

static void accept(const char *typed, itk_date_alone mode, const char *want, int want_alone)
{
    char out[ITK_DATETIME_OUT];
    int alone = 7;
    int rc = itk_datetime_input(out, &alone, typed, JST, mode);
    if (rc)
        fail_msg("'%s' refused: %s", typed, itk_error_last());
    assert_string_equal(out, want);
    assert_int_equal(alone, want_alone);
}

/* Refused, the message naming the text exactly as typed and one accepted form. */
static void refuse(const char *typed, itk_date_alone mode, const char *because)
{
    char out[ITK_DATETIME_OUT];
    int rc = itk_datetime_input(out, NULL, typed, JST, mode);
    if (rc == 0)
        fail_msg("'%s' accepted as %s", typed, out);
    assert_int_equal(rc, ITK_EINVALID);
    const char *msg = itk_error_last();
    char quoted[300];
    snprintf(quoted, sizeof(quoted), "'%s'", typed);
    if (!strstr(msg, quoted) || !strstr(msg, "2026-12-01") || (because && !strstr(msg, because)))
        fail_msg("message for '%s' lacks the typed text, a form or '%s': %s", typed,
                 because ? because : "", msg);
}

static void test_every_written_form_of_one_day(void **state)
{
    (void)state;
    const char *forms[] = {"2026-12-01",
                           "2026/12/01",
                           "2026/12/1",
                           "2026.12.1",
                           "2026年12月1日",
                           "令和8年12月1日",
                           "令和８年１２月１日",
                           "R8.12.1",
                           "r8/12/1",
                           "R08.12.01",
                           "２０２６/１２/０１",
                           "２０２６－１２－０１",
                           "２０２６年１２月１日",
                           "  2026-12-01 ",
                           "2026\xE2\x88\x92"
                           "12\xE2\x88\x92"
                           "01", /* U+2212 minus signs */
                           "\xE3\x8B\xBF"
                           "8年12月1日", /* ㋿ (one character for 令和) */
                           NULL};
    for (size_t i = 0; forms[i]; i++) {
        accept(forms[i], ITK_DATE_KEEP, "2026-12-01", 1);
        accept(forms[i], ITK_DATE_DAY, "2026-12-01", 1);
        accept(forms[i], ITK_DATE_END, "2026-12-01T23:59:59+09:00", 1);
        accept(forms[i], ITK_DATE_START, "2026-12-01T00:00:00+09:00", 1);
    }
}

static void test_times_take_the_contract_zone_unless_given(void **state)
{
    (void)state;
    accept("2026-12-01T10:00:00+09:00", ITK_DATE_END, "2026-12-01T10:00:00+09:00", 0);
    accept("2026-12-01T10:00:00Z", ITK_DATE_START, "2026-12-01T10:00:00Z", 0);
    accept("2026-12-01 10:00", ITK_DATE_END, "2026-12-01T10:00:00+09:00", 0);
    accept("2026/12/1 9:05", ITK_DATE_KEEP, "2026-12-01T09:05:00+09:00", 0);
    accept("令和8年12月1日 10:30:15", ITK_DATE_START, "2026-12-01T10:30:15+09:00", 0);
    accept("２０２６－１２－０１Ｔ１０：００", ITK_DATE_END, "2026-12-01T10:00:00+09:00", 0);
    accept("2026-12-01T10:00:00.250-05:00", ITK_DATE_END, "2026-12-01T10:00:00.250-05:00", 0);
    accept("2026-12-01 10:00 +0900", ITK_DATE_END, "2026-12-01T10:00:00+09:00", 0);
    accept("2026-12-01 10:00+09", ITK_DATE_END, "2026-12-01T10:00:00+09:00", 0);
    char out[ITK_DATETIME_OUT];
    assert_int_equal(itk_datetime_input(out, NULL, "2026-12-01 10:00", 0, ITK_DATE_END), 0);
    assert_string_equal(out, "2026-12-01T10:00:00+00:00");
    assert_int_equal(itk_datetime_input(out, NULL, "2026-12-01 10:00", -330, ITK_DATE_END), 0);
    assert_string_equal(out, "2026-12-01T10:00:00-05:30");
}

static void test_era_boundaries_to_the_day(void **state)
{
    (void)state;
    accept("平成31年4月30日", ITK_DATE_DAY, "2019-04-30", 1);
    accept("H31.4.30", ITK_DATE_DAY, "2019-04-30", 1);
    accept("令和元年5月1日", ITK_DATE_DAY, "2019-05-01", 1);
    accept("R元.5.1", ITK_DATE_DAY, "2019-05-01", 1);
    accept("令和1年5月1日", ITK_DATE_DAY, "2019-05-01", 1);
    accept("2019-04-30", ITK_DATE_DAY, "2019-04-30", 1);
    accept("2019/5/1", ITK_DATE_DAY, "2019-05-01", 1);
    refuse("令和元年4月30日", ITK_DATE_DAY, "2019-05-01");
    refuse("平成31年5月1日", ITK_DATE_DAY, "2019-04-30");
    accept("昭和64年1月7日", ITK_DATE_DAY, "1989-01-07", 1);
    accept("平成元年1月8日", ITK_DATE_DAY, "1989-01-08", 1);
    accept("S64.1.7", ITK_DATE_DAY, "1989-01-07", 1);
    accept("1989-01-07", ITK_DATE_DAY, "1989-01-07", 1);
    accept("1989-01-08", ITK_DATE_DAY, "1989-01-08", 1);
    refuse("昭和64年1月8日", ITK_DATE_DAY, "1989-01-07");
    refuse("平成元年1月7日", ITK_DATE_DAY, "1989-01-08");
    refuse("令和0年5月1日", ITK_DATE_DAY, "元年");
    refuse("R0.5.1", ITK_DATE_DAY, "元年");
}

static void test_february_29(void **state)
{
    (void)state;
    accept("2028-02-29", ITK_DATE_DAY, "2028-02-29", 1);
    accept("令和10年2月29日", ITK_DATE_DAY, "2028-02-29", 1);
    accept("2000/2/29", ITK_DATE_DAY, "2000-02-29", 1);
    accept("平成12年2月29日", ITK_DATE_DAY, "2000-02-29", 1);
    refuse("2026-02-29", ITK_DATE_DAY, "28 days");
    refuse("令和8年2月29日", ITK_DATE_DAY, "28 days");
    refuse("1900/2/29", ITK_DATE_DAY, "28 days");
    refuse("２０２６年２月３０日", ITK_DATE_DAY, "28 days");
}

/* 令和8年12月1日（火）, 2026/12/1(火): the day of the week is checked; 令8.12.1 */
static void test_days_of_the_week_and_short_eras(void **state)
{
    (void)state;
    accept("令和8年12月1日（火）", ITK_DATE_DAY, "2026-12-01", 1);
    accept("令和8年12月1日(火)", ITK_DATE_DAY, "2026-12-01", 1);
    accept("2026/12/1(火)", ITK_DATE_DAY, "2026-12-01", 1);
    accept("2026/12/1（火曜日）", ITK_DATE_DAY, "2026-12-01", 1);
    accept("2026/12/1 (火曜)", ITK_DATE_DAY, "2026-12-01", 1);
    accept("令8.12.1", ITK_DATE_DAY, "2026-12-01", 1);
    accept("令８．１２．１", ITK_DATE_DAY, "2026-12-01", 1);
    accept("令8年12月1日", ITK_DATE_DAY, "2026-12-01", 1);
    accept("令元.5.1", ITK_DATE_DAY, "2019-05-01", 1);
    accept("2026/12/1(火)", ITK_DATE_END, "2026-12-01T23:59:59+09:00", 1);
    /* the era boundaries by their short names and weekdays */
    accept("平31.4.30(火)", ITK_DATE_DAY, "2019-04-30", 1);
    accept("令元.5.1(水)", ITK_DATE_DAY, "2019-05-01", 1);
    accept("昭64.1.7(土)", ITK_DATE_DAY, "1989-01-07", 1);
    accept("平元.1.8(日)", ITK_DATE_DAY, "1989-01-08", 1);
    accept("令和10年2月29日（火）", ITK_DATE_DAY, "2028-02-29", 1);
    refuse("令元.4.30", ITK_DATE_DAY, "2019-05-01");
    refuse("平1.1.7", ITK_DATE_DAY, "1989-01-08");
    refuse("令0.5.1", ITK_DATE_DAY, "元年");
    /* a wrong day of the week: what was typed, and the right day */
    refuse("令和8年12月1日（水）", ITK_DATE_DAY,
           "2026-12-01 is a Tuesday (火), not a Wednesday (水)");
    refuse("2026/12/1(月)", ITK_DATE_DAY, "is a Tuesday (火), not a Monday (月)");
    refuse("2026/12/1(火", ITK_DATE_DAY, "day of the week");
    refuse("2026/12/1(x)", ITK_DATE_DAY, "day of the week");
    refuse("2026/12/1()", ITK_DATE_DAY, "day of the week");
    refuse("令", ITK_DATE_DAY, NULL);
    refuse("令和", ITK_DATE_DAY, NULL);
}

/* 10時, 10時30分, 午前10時, 午後3時, after a date with or without a space */
static void test_times_as_japanese_writes_them(void **state)
{
    (void)state;
    accept("令和8年12月1日10時", ITK_DATE_END, "2026-12-01T10:00:00+09:00", 0);
    accept("令和8年12月1日 10時30分", ITK_DATE_END, "2026-12-01T10:30:00+09:00", 0);
    accept("2026/12/1 10時30分15秒", ITK_DATE_END, "2026-12-01T10:30:15+09:00", 0);
    accept("2026/12/1 10時半", ITK_DATE_END, "2026-12-01T10:30:00+09:00", 0);
    accept("令和8年12月1日（火）午前10時", ITK_DATE_START, "2026-12-01T10:00:00+09:00", 0);
    accept("2026/12/1(火) 午後3時", ITK_DATE_START, "2026-12-01T15:00:00+09:00", 0);
    accept("2026/12/1 午後3時5分", ITK_DATE_START, "2026-12-01T15:05:00+09:00", 0);
    accept("2026/12/1 午前0時", ITK_DATE_START, "2026-12-01T00:00:00+09:00", 0);
    accept("2026/12/1 午後0時", ITK_DATE_START, "2026-12-01T12:00:00+09:00", 0);
    accept("2026/12/1 午後11時59分", ITK_DATE_START, "2026-12-01T23:59:00+09:00", 0);
    accept("２０２６／１２／１　午後３時", ITK_DATE_START, "2026-12-01T15:00:00+09:00", 0);
    accept("2026-12-01(火)10:00", ITK_DATE_START, "2026-12-01T10:00:00+09:00", 0);
    accept("2026/12/1 午後3:30", ITK_DATE_START, "2026-12-01T15:30:00+09:00", 0);
    refuse("2026/12/1 午後12時", ITK_DATE_START, "0 to 11");
    refuse("2026/12/1 午前13時", ITK_DATE_START, "0 to 11");
    refuse("2026/12/1 24時", ITK_DATE_START, "time of day");
    refuse("2026/12/1 10時60分", ITK_DATE_START, "time of day");
    refuse("2026/12/1 10時30", ITK_DATE_START, "10時30分");
    refuse("2026/12/1 時", ITK_DATE_START, NULL);
    refuse("2026/12/110:00", ITK_DATE_START, NULL);
    refuse("2026-12-0110時", ITK_DATE_START, NULL);
    refuse("令和8年12月1日（火）午前10時", ITK_DATE_DAY, "a date alone");
}

static void test_impossible_and_unreadable_dates_name_what_was_typed(void **state)
{
    (void)state;
    refuse("2026/13/01", ITK_DATE_DAY, "month");
    refuse("2026-00-10", ITK_DATE_END, "month");
    refuse("2026-04-31", ITK_DATE_END, "30 days");
    refuse("26/12/01", ITK_DATE_END, "two-digit year");
    refuse("26-12-01", ITK_DATE_KEEP, "two-digit year");
    refuse("R8/12", ITK_DATE_KEEP, NULL);
    refuse("2026-12-01 25:00", ITK_DATE_END, "time of day");
    refuse("2026-12-01 10:00+25:00", ITK_DATE_END, "offset");
    refuse("2026-12-01 10:00+09:", ITK_DATE_END, "offset");
    refuse("2026-12-01 10:00+9", ITK_DATE_END, "offset");
    refuse("2026-12-01 10:00+09000", ITK_DATE_END, "offset");
    refuse("2026-12-01T10:00:00+09:00", ITK_DATE_DAY, "a date alone");
    refuse("2026-12-01x", ITK_DATE_KEEP, NULL);
    refuse("2026/12-01", ITK_DATE_KEEP, NULL);
    refuse("あした", ITK_DATE_KEEP, NULL);
    refuse("yesterday", ITK_DATE_KEEP, NULL);
    refuse("今日の朝", ITK_DATE_KEEP, NULL);
    refuse("", ITK_DATE_KEEP, NULL);
    refuse("12/01/2026", ITK_DATE_KEEP, NULL);
    char out[ITK_DATETIME_OUT];
    assert_int_equal(itk_datetime_input(out, NULL, "\xff\xfe", JST, ITK_DATE_KEEP), ITK_EINVALID);
    char big[400];
    memset(big, '1', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(itk_datetime_input(out, NULL, big, JST, ITK_DATE_KEEP), ITK_ETOOBIG);
}

static void test_labels_fold_to_one_key(void **state)
{
    (void)state;
    assert_true(itk_label_equal("SKR-USB-01", "skr-usb-01"));
    assert_true(itk_label_equal("SKR-USB-01", "ＳＫＲ－ＵＳＢ－０１"));
    assert_true(itk_label_equal("skr-usb-01", "SKR\xE2\x88\x92USB\xE2\x80\x90"
                                              "01"));
    assert_true(itk_label_equal("SKR-USB-01", "SKRーUSB―01"));
    assert_true(itk_label_equal("手渡し", "手渡し"));
    assert_true(itk_label_equal("ﾃﾜﾀｼ", "テワタシ"));
    assert_false(itk_label_equal("SKR-USB-01", "SKR-USB-02"));
    assert_false(itk_label_equal("SKR-USB-01", "SKRUSB01"));
    assert_false(itk_label_equal("手渡し", "郵送"));
    assert_false(itk_label_equal(NULL, "a"));
    itk_buf k = ITK_BUF_INIT;
    assert_int_equal(itk_label_key(&k, "ＳＫＲ－ＵＳＢ－０１"), 0);
    assert_string_equal(k.ptr, "skr-usb-01");
    itk_buf_dispose(&k);
}

static void test_one_rule_for_labels(void **state)
{
    (void)state;
    assert_int_equal(itk_label_check("手渡し", 40, "handover method"), 0);
    assert_int_equal(itk_label_check("SKR-USB-01", 64, "item id"), 0);
    assert_int_equal(itk_label_check("ＳＫＲ－ＵＳＢ－０１", 64, "item id"), 0);
    assert_int_equal(itk_label_check("", 40, "handover method"), ITK_EINVALID);
    assert_int_equal(itk_label_check(" 手渡し", 40, "handover method"), ITK_EINVALID);
    assert_int_equal(itk_label_check("a\tb", 40, "handover method"), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "control character"));
    assert_int_equal(itk_label_check("\xff", 40, "handover method"), ITK_EINVALID);
    /* 40 Japanese characters (120 bytes) fit; 41 do not */
    char s[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(s, "手");
    assert_int_equal(itk_label_check(s, 40, "handover method"), 0);
    strcat(s, "手");
    assert_int_equal(itk_label_check(s, 40, "handover method"), ITK_EINVALID);
}

/* The message for text that is no date says so once, then what to write. */
static void test_an_unreadable_date_is_said_once(void **state)
{
    (void)state;
    char out[ITK_DATETIME_OUT];
    assert_int_equal(itk_datetime_input(out, NULL, "yesterday", JST, ITK_DATE_START), ITK_EINVALID);
    const char *msg = itk_error_last();
    assert_non_null(strstr(msg, "'yesterday' is not a date that itaku can read; write it like"));
    assert_null(strstr(msg, "not a date in a form"));
    /* a reason that says more is kept */
    assert_int_equal(itk_datetime_input(out, NULL, "2026-04-31", JST, ITK_DATE_KEEP), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "can read: 2026-04 has 30 days;"));
}

/* 今日, 本日, 昨日 and 明日 are the days on the contract's clock at now,
 * with a time after them as after any date. */
static void test_today_and_yesterday_on_the_contract_clock(void **state)
{
    (void)state;
    /* 2026-12-03T16:30:00Z is 2026-12-04 01:30 in Japan: today there is the 4th */
    const long long now = 1796315400LL;
    static const struct {
        const char *typed;
        itk_date_alone mode;
        const char *want;
    } cases[] = {
        {"今日", ITK_DATE_KEEP, "2026-12-04"},
        {"本日", ITK_DATE_DAY, "2026-12-04"},
        {"昨日", ITK_DATE_KEEP, "2026-12-03"},
        {"明日", ITK_DATE_END, "2026-12-05T23:59:59+09:00"},
        {"昨日", ITK_DATE_START, "2026-12-03T00:00:00+09:00"},
        {"今日 10:00", ITK_DATE_START, "2026-12-04T10:00:00+09:00"},
        {"昨日15時", ITK_DATE_START, "2026-12-03T15:00:00+09:00"},
        {"　今日　午後3時", ITK_DATE_START, "2026-12-04T15:00:00+09:00"},
        {"本日(金)", ITK_DATE_KEEP, "2026-12-04"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char out[ITK_DATETIME_OUT];
        if (itk_datetime_input_at(out, NULL, cases[i].typed, JST, cases[i].mode, now) != 0)
            fail_msg("'%s' refused: %s", cases[i].typed, itk_error_last());
        assert_string_equal(out, cases[i].want);
    }
    /* the year's last day: 明日 is the next year's first */
    char out[ITK_DATETIME_OUT];
    assert_int_equal(itk_datetime_input_at(out, NULL, "明日", JST, ITK_DATE_KEEP,
                                           1798642800LL /* 2026-12-31T00:00+09:00 */),
                     0);
    assert_string_equal(out, "2027-01-01");
    /* a wrong day of the week after 本日 is refused as after any date */
    assert_int_equal(itk_datetime_input_at(out, NULL, "本日(月)", JST, ITK_DATE_KEEP, now),
                     ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "'本日(月)'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_written_form_of_one_day),
        cmocka_unit_test(test_times_take_the_contract_zone_unless_given),
        cmocka_unit_test(test_era_boundaries_to_the_day),
        cmocka_unit_test(test_february_29),
        cmocka_unit_test(test_days_of_the_week_and_short_eras),
        cmocka_unit_test(test_times_as_japanese_writes_them),
        cmocka_unit_test(test_impossible_and_unreadable_dates_name_what_was_typed),
        cmocka_unit_test(test_an_unreadable_date_is_said_once),
        cmocka_unit_test(test_today_and_yesterday_on_the_contract_clock),
        cmocka_unit_test(test_labels_fold_to_one_key),
        cmocka_unit_test(test_one_rule_for_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
