/* The dates and times records hold (RFC 3339 section 5.6), read into UTC
 * seconds: one reader for every place that compares or orders them (record
 * checks, instructions' due times, register entries, status and the other
 * views). Dates people type are read by itaku/datetime_input.h into these
 * forms first. */
#ifndef ITAKU_DATES_H
#define ITAKU_DATES_H

/* What a date alone, "YYYY-MM-DD", stands for in itk_time_parse. */
typedef enum {
    ITK_TIME_DAY_START = 0, /* 00:00:00 that day in the zone given */
    ITK_TIME_DAY_END = 1,   /* 23:59:59 that day in the zone given */
    ITK_TIME_NO_DAY = 2,    /* refused: only a date-time with an offset is read */
} itk_time_day;

/* Reads s into *out, seconds since 1970-01-01T00:00:00Z (UTC; negative
 * before it; leap seconds are not counted, as in POSIX time). Accepted:
 *   - an RFC 3339 date-time with an explicit offset (RFC 3339 section 5.6
 *     "date-time"): "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)",
 *     exactly these digits, an upper-case 'T', 'Z' or 'z', years 0000 to
 *     9999 of the proleptic Gregorian calendar, a real day of that month
 *     (29 February in leap years only), hh 00-23, mm 00-59, ss 00-60 (a
 *     leap second, 60, reads as the next minute's 00), offset hours 00-23
 *     and minutes 00-59; the fraction (any number of digits, at least one)
 *     is dropped (the time is rounded down to its second); the offset is
 *     subtracted: "2026-12-01T09:00:00+09:00" is 2026-12-01T00:00:00Z;
 *   - with day ITK_TIME_DAY_START or ITK_TIME_DAY_END, also a date alone
 *     (RFC 3339 "full-date", exactly 10 characters): the start (00:00:00)
 *     or the end (23:59:59) of that day in the zone offset_minutes east of
 *     UTC (Asia/Tokyo: 540). offset_minutes is not used otherwise.
 * Nothing else: no spaces, no trailing text, no time without an offset.
 * *out is not changed on an error.
 * Errors: ITK_EINVALID naming the text (its first 40 or 64 bytes): "no time
 * given" when s is NULL, "not an RFC 3339 date-time with an offset" with
 * ITK_TIME_NO_DAY, else "not a date (YYYY-MM-DD)" for 10 characters and
 * "not a date or an RFC 3339 time" for others. */
int itk_time_parse(long long *out, const char *s, int offset_minutes, itk_time_day day);

/* A time a record holds as people read it on a screen or in a message (one
 * way for every view and message, issue 16): on the clock offset_minutes
 * east of UTC (the contract's zone: Asia/Tokyo, 540), without seconds and
 * offset: "2026-12-01T13:01:23+09:00" → "2026-12-01 13:01"; the end of a
 * day (23:59:59, a due date given as a date) as the date alone,
 * "2026-11-30T23:59:59+09:00" → "2026-11-30"; a time in another offset is
 * moved to that clock first ("2026-12-01T04:01:00Z" → "2026-12-01 13:01");
 * a date alone stays as it is; anything else (not RFC 3339) is shown as it
 * is, cut to fit; NULL gives "". Returns out. */
#define ITK_TIME_SHOWN 32
const char *itk_time_shown(char out[ITK_TIME_SHOWN], const char *iso, int offset_minutes);

#endif
