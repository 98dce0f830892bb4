/* Dates and times as people type them in a Japanese office, read into the
 * canonical forms records hold (RFC 3339 section 5.6; JSON Schema's "date"
 * and "date-time"). One parser for every option and form field. */
#ifndef ITAKU_DATETIME_INPUT_H
#define ITAKU_DATETIME_INPUT_H

/* What a date typed alone (no time) means where it is typed. */
typedef enum {
    ITK_DATE_KEEP,  /* stays "YYYY-MM-DD": the caller decides (status --at, log --since) */
    ITK_DATE_START, /* the start of that day, 00:00:00 (an occurrence: when it happened) */
    ITK_DATE_END,   /* the end of that day, 23:59:59 (a due date) */
    ITK_DATE_DAY,   /* a date field: a date alone; a time is refused */
} itk_date_alone;

/* The longest text read, in bytes (longer is ITK_ETOOBIG). */
#define ITK_DATETIME_TYPED_MAX 128
/* The size of the output buffer: "YYYY-MM-DDThh:mm:ss.fffffffff+hh:mm" and NUL. */
#define ITK_DATETIME_OUT 48

/* Reads typed (UTF-8, any of the forms below, after Unicode NFKC so that
 * full-width digits and separators count as ASCII; spaces around ignored):
 *   2026-12-01  2026/12/01  2026/12/1  2026.12.1  2026年12月1日
 *   令和8年12月1日  令和元年5月1日  R8.12.1  R8/12/1  (平成 H, 昭和 S too)
 *   今日 (or 本日), 昨日, 明日: that day on the contract's clock (below)
 * optionally followed by a time, after 'T' or a space: hh:mm or hh:mm:ss,
 * with a fraction of seconds, and an offset (Z, +09:00) or none.
 * A time without an offset is in the contract's zone, offset_minutes east of
 * UTC (Asia/Tokyo: 540). Eras: 令和 from 2019-05-01, 平成 1989-01-08 to
 * 2019-04-30, 昭和 1926-12-25 to 1989-01-07; year 1 is 元年, there is no 0.
 * Years are four digits: a two-digit year is refused.
 * out gets "YYYY-MM-DD" (a date alone with ITK_DATE_KEEP or ITK_DATE_DAY)
 * or "YYYY-MM-DDThh:mm:ss[.f]+hh:mm" (Z as typed); *date_alone (may be
 * NULL) is 1 when no time was typed.
 * Errors: ITK_EINVALID naming the text as typed (never a rewritten value)
 * and one accepted form; ITK_ETOOBIG over ITK_DATETIME_TYPED_MAX. */
int itk_datetime_input(char out[ITK_DATETIME_OUT], int *date_alone, const char *typed,
                       int offset_minutes, itk_date_alone mode);

/* The same with now (unix seconds) as the time 今日, 昨日 and 明日 are
 * counted from, on the clock offset_minutes east of UTC (itk_datetime_input
 * takes the system clock's now). */
int itk_datetime_input_at(char out[ITK_DATETIME_OUT], int *date_alone, const char *typed,
                          int offset_minutes, itk_date_alone mode, long long now);

#endif
