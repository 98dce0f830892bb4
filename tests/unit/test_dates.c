/* Unit tests of core/util/dates.c: RFC 3339 dates and times into UTC
 * seconds. The expected values are those of Python's datetime (proleptic
 * Gregorian, UTC), computed once and written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/dates.h"
#include "itaku/errors.h"

/* The seconds of s read as a date-time alone (ITK_TIME_NO_DAY). */
static long long at(const char *s)
{
    long long t = 42;
    assert_int_equal(itk_time_parse(&t, s, 0, ITK_TIME_NO_DAY), 0);
    return t;
}

/* s is refused with every mode, and *out is left as it was. */
static void refused(const char *s)
{
    for (int day = ITK_TIME_DAY_START; day <= ITK_TIME_NO_DAY; day++) {
        long long t = 42;
        assert_int_equal(itk_time_parse(&t, s, 540, (itk_time_day)day), ITK_EINVALID);
        assert_int_equal(t, 42);
        assert_non_null(strstr(itk_error_last(), "not"));
    }
}

static void test_the_epoch_and_times_around_it(void **state)
{
    (void)state;
    assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(at("1970-01-01T09:00:00+09:00"), 0);
    /* -1 is a time like any other (the old readers used it for "none") */
    assert_int_equal(at("1969-12-31T23:59:59Z"), -1);
    assert_int_equal(at("2026-12-01T00:00:00+09:00"), 1796050800);
}

static void test_era_boundaries_of_the_calendar(void **state)
{
    (void)state;
    /* the first and last instants of the years 0000-9999 RFC 3339 allows */
    assert_int_equal(at("0000-01-01T00:00:00Z"), -62167219200LL);
    assert_int_equal(at("9999-12-31T23:59:59Z"), 253402300799LL);
    assert_int_equal(at("0001-01-01T00:00:00Z"), -62135596800LL);
    /* around the 400-year eras the computation counts in (from 1 March) */
    assert_int_equal(at("0000-02-29T00:00:00Z"), -62162121600LL);
    assert_int_equal(at("0001-03-01T00:00:00Z"), -62130499200LL);
    assert_int_equal(at("0400-02-29T00:00:00Z"), -49539340800LL);
    assert_int_equal(at("0401-03-01T00:00:00Z"), -49507718400LL);
    assert_int_equal(at("1600-02-29T00:00:00Z"), -11670998400LL);
    assert_int_equal(at("1600-03-01T00:00:00Z"), -11670912000LL);
    assert_int_equal(at("1999-12-31T23:59:59Z"), 946684799);
    assert_int_equal(at("2000-01-01T00:00:00Z"), 946684800);
    assert_int_equal(at("2400-02-29T00:00:00Z"), 13574563200LL);
}

static void test_leap_days_only_in_leap_years(void **state)
{
    (void)state;
    assert_int_equal(at("2000-02-29T12:00:00+09:00"), 951793200);
    assert_int_equal(at("2100-03-01T00:00:00Z"), 4107542400LL);
    assert_int_equal(at("2028-02-29T00:00:00Z") + 86400, at("2028-03-01T00:00:00Z"));
    refused("2100-02-29T00:00:00Z");
    refused("1900-02-29T00:00:00Z");
    refused("2026-02-29T00:00:00Z");
    refused("2026-02-29");
    refused("2026-04-31T00:00:00Z");
    /* a leap second reads as the next minute's first second */
    assert_int_equal(at("2016-12-31T23:59:60Z"), at("2017-01-01T00:00:00Z"));
}

static void test_offsets_are_subtracted(void **state)
{
    (void)state;
    long long utc = at("2026-11-30T15:00:00Z");
    assert_int_equal(at("2026-12-01T00:00:00+09:00"), utc);
    assert_int_equal(at("2026-11-30T05:00:00-10:00"), utc);
    assert_int_equal(at("2026-11-30T15:00:00+00:00"), utc);
    assert_int_equal(at("2026-11-30T15:00:00-00:00"), utc);
    assert_int_equal(at("2026-11-30T15:00:00z"), utc);
    assert_int_equal(at("2026-12-01T14:59:00+23:59"), utc);
    assert_int_equal(at("2026-11-29T15:01:00-23:59"), utc);
    /* the fraction is dropped: the second it falls in */
    assert_int_equal(at("2026-11-30T15:00:00.999999999Z"), utc);
    assert_int_equal(at("2026-11-30T15:00:00.5+00:00"), utc);
}

static void test_a_date_alone_is_a_day_in_the_zone_given(void **state)
{
    (void)state;
    long long start = 0, end = 0;
    assert_int_equal(itk_time_parse(&start, "2026-12-01", 540, ITK_TIME_DAY_START), 0);
    assert_int_equal(start, at("2026-12-01T00:00:00+09:00"));
    assert_int_equal(itk_time_parse(&end, "2026-12-01", 540, ITK_TIME_DAY_END), 0);
    assert_int_equal(end, at("2026-12-01T23:59:59+09:00"));
    assert_int_equal(itk_time_parse(&start, "2026-12-01", -600, ITK_TIME_DAY_START), 0);
    assert_int_equal(start, at("2026-12-01T00:00:00-10:00"));
    /* a date-time ignores the zone given */
    assert_int_equal(itk_time_parse(&start, "2026-12-01T00:00:00Z", 540, ITK_TIME_DAY_END), 0);
    assert_int_equal(start, at("2026-12-01T00:00:00Z"));
    /* refused where only a date-time with an offset is read */
    long long t = 42;
    assert_int_equal(itk_time_parse(&t, "2026-12-01", 540, ITK_TIME_NO_DAY), ITK_EINVALID);
    assert_int_equal(t, 42);
    assert_non_null(strstr(itk_error_last(), "not an RFC 3339 date-time with an offset"));
    assert_int_equal(itk_time_parse(&t, "2026-13-01", 540, ITK_TIME_DAY_START), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "'2026-13-01' is not a date (YYYY-MM-DD)"));
}

static void test_out_of_range_fields_are_refused(void **state)
{
    (void)state;
    refused("2026-13-01T00:00:00Z");
    refused("2026-00-01T00:00:00Z");
    refused("2026-12-00T00:00:00Z");
    refused("2026-12-32T00:00:00Z");
    refused("2026-12-01T24:00:00Z");
    refused("2026-12-01T23:60:00Z");
    refused("2026-12-01T23:59:61Z");
    refused("2026-12-01T00:00:00+24:00");
    refused("2026-12-01T00:00:00+09:60");
    refused("10000-01-01T00:00:00Z");
    refused("-001-01-01T00:00:00Z");
}

static void test_garbage_is_refused(void **state)
{
    (void)state;
    long long t = 42;
    assert_int_equal(itk_time_parse(&t, NULL, 0, ITK_TIME_DAY_START), ITK_EINVALID);
    assert_string_equal(itk_error_last(), "no time given");
    refused("");
    refused("2026");
    refused("2026-12-01T00:00:00");        /* no offset */
    refused("2026-12-01 00:00:00Z");       /* a space, not 'T' */
    refused("2026-12-01t00:00:00Z");       /* RFC 3339 allows 't'; the records never hold it */
    refused("2026-12-01T00:00:00.Z");      /* a point without digits */
    refused("2026-12-01T00:00:00Z ");      /* trailing text */
    refused("2026-12-01T00:00:00+0900");   /* no colon */
    refused("2026-12-01T00:00:00+09:00x"); /* trailing text */
    refused("2026-12-01T0:00:00Z");        /* one digit */
    refused(" 2026-12-01T00:00:00Z");      /* a space before */
    refused("+026-12-01T00:00:00Z");       /* a sign where a digit goes */
    refused("2026/12/01");                 /* a form people type, not a record's */
    refused("2026-12-1 ");
    refused("令和8年12月1日");
    refused("2026-12-01T00:00:00\xef\xbc\xba"); /* full-width Z */
    /* the message names the text */
    assert_int_equal(itk_time_parse(&t, "2026-12-01T99", 0, ITK_TIME_DAY_END), ITK_EINVALID);
    assert_string_equal(itk_error_last(), "'2026-12-01T99' is not a date or an RFC 3339 time");
}

/* itk_time_shown: one way to show a stored time on every screen. */
static void test_times_as_people_read_them(void **state)
{
    (void)state;
    char out[ITK_TIME_SHOWN];
    assert_string_equal(itk_time_shown(out, "2026-11-30T23:59:59+09:00", 540), "2026-11-30");
    assert_string_equal(itk_time_shown(out, "2026-12-01T13:01:23+09:00", 540), "2026-12-01 13:01");
    assert_string_equal(itk_time_shown(out, "2026-12-01T00:00:00+09:00", 540), "2026-12-01 00:00");
    /* another offset: the same instant on the contract's clock */
    assert_string_equal(itk_time_shown(out, "2026-12-01T04:01:00Z", 540), "2026-12-01 13:01");
    assert_string_equal(itk_time_shown(out, "2026-12-31T20:00:00-05:00", 540), "2027-01-01 10:00");
    assert_string_equal(itk_time_shown(out, "2026-11-30T14:59:59Z", 540), "2026-11-30");
    assert_string_equal(itk_time_shown(out, "2026-12-01T10:00:00.5+09:00", 540),
                        "2026-12-01 10:00");
    assert_string_equal(itk_time_shown(out, "2026-12-01", 540), "2026-12-01");
    assert_string_equal(itk_time_shown(out, "", 540), "");
    assert_string_equal(itk_time_shown(out, NULL, 540), "");
    assert_string_equal(itk_time_shown(out, "not a time", 540), "not a time");
    assert_int_equal(
        strlen(itk_time_shown(out, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 540)),
        ITK_TIME_SHOWN - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_epoch_and_times_around_it),
        cmocka_unit_test(test_era_boundaries_of_the_calendar),
        cmocka_unit_test(test_leap_days_only_in_leap_years),
        cmocka_unit_test(test_offsets_are_subtracted),
        cmocka_unit_test(test_a_date_alone_is_a_day_in_the_zone_given),
        cmocka_unit_test(test_out_of_range_fields_are_refused),
        cmocka_unit_test(test_garbage_is_refused),
        cmocka_unit_test(test_times_as_people_read_them),
    };
    return cmocka_run_group_tests_name("dates", tests, NULL, NULL);
}
