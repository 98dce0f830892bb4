/* Dates and times as people type them: see itaku/datetime_input.h. */
#include "itaku/datetime_input.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/textnorm.h"
#include "intl.h"

/* The reason for text that is no date at all: said by the sentence alone. */
static const char generic_why[] = "not a date in a form itaku reads";

/* What a person may type, said after each refusal (translated where used). */
static const char accepted_text[] = ITK_N_(
    "write it like 2026-12-01 (or 2026/12/1, 令和8年12月1日, R8.12.1, 2026-12-01 10:00, 今日, "
    "昨日 15:00)");
#define ACCEPTED itk__(accepted_text)

/* The Japanese eras a record may fall in: first and last day, and the
 * Gregorian year before its year 1. */
static const struct {
    const char *kanji, *latin, *short_kanji; /* 令和, R, 令 */
    int base;                                /* Gregorian year = base + era year */
    int first, last;                         /* yyyymmdd */
    const char *first_s;                     /* as people write the first day */
} eras[] = {
    {"令和", "R", "令", 2018, 20190501, 99991231, "令和元年5月1日 (2019-05-01)"},
    {"平成", "H", "平", 1988, 19890108, 20190430, "平成元年1月8日 (1989-01-08)"},
    {"昭和", "S", "昭", 1925, 19261225, 19890107, "昭和元年12月25日 (1926-12-25)"},
};

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The day of the week of y-m-d, 0 Sunday to 6 Saturday (Sakamoto). */
static int weekday(int y, int m, int d)
{
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (m < 3)
        y--;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

/* The days of the week as a Japanese date writes them, （火） or （火曜日）,
 * and in words for a message. */
static const char *const weekday_kanji[] = {"日", "月", "火", "水", "木", "金", "土"};
static const char *const weekday_words[] = {
    ITK_N_("Sunday"),   ITK_N_("Monday"), ITK_N_("Tuesday"), ITK_N_("Wednesday"),
    ITK_N_("Thursday"), ITK_N_("Friday"), ITK_N_("Saturday")};

static int month_days(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Reads up to max digits; returns how many were read (more are left). */
static int digits(const char **p, int max, int *v)
{
    int n = 0;
    *v = 0;
    while (n < max && **p >= '0' && **p <= '9') {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n;
}

static int lit(const char **p, const char *s)
{
    size_t n = strlen(s);
    if (strncmp(*p, s, n) != 0)
        return 0;
    *p += n;
    return 1;
}

/* The text as typed, for a message: at most 64 characters, control
 * characters shown as '?'. */
static void shown(char *dst, size_t cap, const char *s)
{
    size_t o = 0, chars = 0;
    for (size_t i = 0; s[i] && o + 5 < cap && chars < 64; chars++) {
        size_t k = 1;
        while (((unsigned char)s[i + k] & 0xC0) == 0x80 && k < 4)
            k++;
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            dst[o++] = '?';
        } else {
            memcpy(dst + o, s + i, k);
            o += k;
        }
        i += k;
    }
    dst[o] = '\0';
}

/* NFKC, the dash look-alikes as '-' (itk_number_typed), spaces around
 * trimmed. */
static int prepare(itk_buf *out, const char *typed)
{
    itk_buf n = ITK_BUF_INIT;
    int rc = itk_number_typed(&n, typed);
    const char *p = rc ? "" : n.ptr, *end = p + (rc ? 0 : n.size);
    while (*p == ' ' || *p == '\t')
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    itk_buf_clear(out);
    if (!rc)
        rc = itk_buf_put(out, p, (size_t)(end - p));
    if (!rc)
        rc = itk_buf_puts(out, "");
    itk_buf_dispose(&n);
    return rc;
}

/* 1 when p (just after a number of one or two digits) ends a month and
 * day without a year: "12/1", "12-01", "12.1", "12月1日" and what may follow
 * the day (a day of the week, a time). */
static int month_day_alone(const char *p)
{
    int v;
    if (*p == '-' || *p == '/' || *p == '.') {
        char sep = *p++;
        int n = digits(&p, 3, &v);
        return n >= 1 && n <= 2 && *p != sep;
    }
    return lit(&p, "月") && digits(&p, 3, &v) >= 1 && lit(&p, "日");
}

/* The days people name instead of a date, and how far from today. */
static const struct {
    const char *word;
    int days;
} relative_days[] = {{"今日", 0}, {"本日", 0}, {"昨日", -1}, {"明日", 1}};

/* When prep (prepared) starts with 今日, 本日, 昨日 or 明日: prep with that
 * word made the date it names on the clock offset_minutes east of UTC at
 * now, written as 2026年12月1日 so that a time may follow as after any
 * such date (今日 10:00, 昨日15時). 0, or ITK_ENOMEM. */
static int relative_day(itk_buf *prep, int offset_minutes, long long now)
{
    for (size_t i = 0; i < sizeof(relative_days) / sizeof(*relative_days); i++) {
        size_t n = strlen(relative_days[i].word);
        if (strncmp(prep->ptr, relative_days[i].word, n) != 0)
            continue;
        time_t local =
            (time_t)(now + (long long)offset_minutes * 60 + relative_days[i].days * 86400LL);
        struct tm tm;
        if (!gmtime_r(&local, &tm))
            return 0; /* left as typed: refused as not a date */
        itk_buf day = ITK_BUF_INIT;
        int rc = itk_buf_printf(&day, "%04d年%d月%d日%s", tm.tm_year + 1900, tm.tm_mon + 1,
                                tm.tm_mday, prep->ptr + n);
        if (!rc) {
            itk_buf_clear(prep);
            rc = itk_buf_puts(prep, day.ptr);
        }
        itk_buf_dispose(&day);
        return rc;
    }
    return 0;
}

typedef struct {
    int y, m, d, h, mi, s, has_time;
    char frac[12], zone[8];
} parsed;

/* Parses s (prepared); on a problem sets why (no message yet) and returns -1. */
static int parse(parsed *t, const char *s, const char **why, char *detail, size_t cap)
{
    const char *p = s;
    int era = -1, kanji = 0, n;
    char sep = 0;
    memset(t, 0, sizeof(*t));
    for (int i = 0; i < 3 && era < 0; i++)
        if (lit(&p, eras[i].kanji))
            era = i;
    /* 令8.12.1: the era by its first kanji, before its year */
    for (int i = 0; i < 3 && era < 0; i++) {
        size_t k = strlen(eras[i].short_kanji);
        if (strncmp(p, eras[i].short_kanji, k) == 0 &&
            ((p[k] >= '0' && p[k] <= '9') || strncmp(p + k, "元", strlen("元")) == 0)) {
            p += k;
            era = i;
        }
    }
    for (int i = 0; i < 3 && era < 0; i++)
        if (*p == eras[i].latin[0] || *p == eras[i].latin[0] + 32) {
            if (p[1] >= '0' && p[1] <= '9') {
                p++;
                era = i;
            } else if (strncmp(p + 1, "元", strlen("元")) == 0) {
                p++;
                era = i;
            }
        }
    if (era >= 0) {
        if (lit(&p, "元"))
            t->y = 1;
        else if (!(n = digits(&p, 3, &t->y)) || n > 2)
            return *why = generic_why, -1;
        else if (t->y == 0) {
            snprintf(detail, cap, itk__("%s has no year 0; its first year is 元年, from %s"),
                     eras[era].kanji, eras[era].first_s);
            return *why = detail, -1;
        }
    } else {
        n = digits(&p, 5, &t->y);
        if (n == 0)
            return *why = generic_why, -1;
        if (n >= 1 && n <= 2 && month_day_alone(p))
            return *why = ITK_N_("the year is missing (a date is written with its year)"), -1;
        if (n != 4)
            return *why =
                       n <= 2
                           ? ITK_N_("a two-digit year is not accepted (it could be any century); "
                                    "give the year in four digits or with its era")
                           : ITK_N_("a year has four digits"),
                   -1;
    }
    if (lit(&p, "年"))
        kanji = 1;
    else if (!kanji && (*p == '-' || *p == '/' || *p == '.'))
        sep = *p++;
    else
        return *why = generic_why, -1;
    if (!digits(&p, 3, &t->m) || (kanji ? !lit(&p, "月") : *p++ != sep))
        return *why = generic_why, -1;
    n = digits(&p, 3, &t->d);
    if (!n || (kanji && !lit(&p, "日")))
        return *why = generic_why, -1;
    if (era >= 0)
        t->y += eras[era].base;
    if (t->m < 1 || t->m > 12)
        return *why = ITK_N_("there is no such month"), -1;
    if (t->y < 1 || t->y > 9999)
        return *why = ITK_N_("the year is out of range"), -1;
    if (t->d < 1 || t->d > month_days(t->y, t->m)) {
        snprintf(detail, cap, itk__("%04d-%02d has %d days"), t->y, t->m, month_days(t->y, t->m));
        return *why = detail, -1;
    }
    if (era >= 0) {
        int ymd = t->y * 10000 + t->m * 100 + t->d;
        if (ymd < eras[era].first) {
            snprintf(detail, cap, itk__("%s began on %s"), eras[era].kanji, eras[era].first_s);
            return *why = detail, -1;
        }
        if (ymd > eras[era].last) {
            snprintf(detail, cap, itk__("%s ended on %04d-%02d-%02d"), eras[era].kanji,
                     eras[era].last / 10000, eras[era].last / 100 % 100, eras[era].last % 100);
            return *why = detail, -1;
        }
    }
    /* the day of the week as Japanese dates add it: (火), (火曜), (火曜日) */
    const char *q = p;
    while (*q == ' ')
        q++;
    int after_kanji = kanji;
    if (*q == '(') {
        int wd = -1;
        q++;
        while (*q == ' ')
            q++;
        for (int i = 0; i < 7 && wd < 0; i++)
            if (lit(&q, weekday_kanji[i]))
                wd = i;
        if (wd >= 0 && lit(&q, "曜"))
            lit(&q, "日");
        while (*q == ' ')
            q++;
        if (wd < 0 || *q++ != ')')
            return *why = ITK_N_("not a day of the week itaku reads (like (火) or (火曜日))"), -1;
        int right = weekday(t->y, t->m, t->d);
        if (wd != right) {
            snprintf(detail, cap, itk__("%04d-%02d-%02d is a %s (%s), not a %s (%s)"), t->y, t->m,
                     t->d, itk__(weekday_words[right]), weekday_kanji[right],
                     itk__(weekday_words[wd]), weekday_kanji[wd]);
            return *why = detail, -1;
        }
        p = q;
        after_kanji = 1;
    }
    if (!*p)
        return 0;
    /* a time: after a space or T, or right after 日 or the day of the week
     * (令和8年12月1日10時, 2026/12/1(火)午後3時) */
    if (*p != 'T' && *p != 't' && *p != ' ' &&
        !(after_kanji && ((*p >= '0' && *p <= '9') || strncmp(p, "午", strlen("午")) == 0)))
        return *why = generic_why, -1;
    while (*p == ' ')
        p++;
    if (*p == 'T' || *p == 't')
        p++;
    t->has_time = 1;
    int half = lit(&p, "午前") ? 1 : lit(&p, "午後") ? 2 : 0;
    if (!(n = digits(&p, 3, &t->h)) || n > 2)
        return *why = ITK_N_("not a time in a form itaku reads (hh:mm or hh:mm:ss)"), -1;
    if (lit(&p, "時")) {
        /* 10時, 10時30分, 10時30分15秒, 10時半 */
        if (lit(&p, "半"))
            t->mi = 30;
        else if ((n = digits(&p, 3, &t->mi))) {
            if (n > 2 || !lit(&p, "分"))
                return *why = ITK_N_("not a time in a form itaku reads (like 10時30分)"), -1;
            if ((n = digits(&p, 3, &t->s)) && (n > 2 || !lit(&p, "秒")))
                return *why = ITK_N_("not a time in a form itaku reads (like 10時30分)"), -1;
        }
    } else if (*p++ != ':' || digits(&p, 3, &t->mi) != 2)
        return *why = ITK_N_("not a time in a form itaku reads (hh:mm or hh:mm:ss)"), -1;
    else if (*p == ':' && (p++, digits(&p, 3, &t->s) != 2))
        return *why = ITK_N_("not a time in a form itaku reads (hh:mm or hh:mm:ss)"), -1;
    if (half) {
        /* 午前0時 to 午前11時, 午後0時 (noon) to 午後11時: 12 with either
         * is read both ways, so it is refused */
        if (t->h > 11)
            return *why = ITK_N_("with 午前 or 午後 the hour is 0 to 11 (午後0時 is noon; or "
                                 "write 12:00)"),
                   -1;
        if (half == 2)
            t->h += 12;
    }
    if (*p == '.' || *p == ',') {
        p++;
        size_t k = 0;
        while (*p >= '0' && *p <= '9' && k < 9)
            t->frac[k++] = *p++;
        if (!k || (*p >= '0' && *p <= '9'))
            return *why = ITK_N_("a fraction of a second has 1 to 9 digits"), -1;
    }
    if (t->h > 23 || t->mi > 59 || t->s > 59)
        return *why = ITK_N_("there is no such time of day"), -1;
    while (*p == ' ')
        p++;
    if (*p == 'Z' || *p == 'z') {
        strcpy(t->zone, "Z");
        p++;
    } else if (*p == '+' || *p == '-') {
        char sign = *p++;
        int oh, om = 0;
        /* +09:00, +0900 or +09 */
        int colon = 0;
        if (digits(&p, 2, &oh) != 2)
            oh = 99;
        else if (*p == ':')
            colon = 1, p++;
        if (*p >= '0' && *p <= '9' ? digits(&p, 3, &om) != 2 : colon)
            oh = 99;
        if (oh > 23 || om > 59)
            return *why = ITK_N_("not an offset itaku reads (like +09:00)"), -1;
        snprintf(t->zone, sizeof(t->zone), "%c%02d:%02d", sign, oh, om);
    }
    if (*p)
        return *why = generic_why, -1;
    return 0;
}

int itk_datetime_input(char out[ITK_DATETIME_OUT], int *date_alone, const char *typed,
                       int offset_minutes, itk_date_alone mode)
{
    return itk_datetime_input_at(out, date_alone, typed, offset_minutes, mode,
                                 (long long)time(NULL));
}

int itk_datetime_input_at(char out[ITK_DATETIME_OUT], int *date_alone, const char *typed,
                          int offset_minutes, itk_date_alone mode, long long now)
{
    char show[300], detail[160];
    const char *why = NULL;
    parsed t;
    out[0] = '\0';
    if (date_alone)
        *date_alone = 0;
    if (!typed)
        return itk_error_set(ITK_EINVALID, "no date given; %s", ACCEPTED);
    shown(show, sizeof(show), typed);
    if (strlen(typed) > ITK_DATETIME_TYPED_MAX)
        return itk_error_set(ITK_ETOOBIG, "'%s…' is too long for a date (%d bytes at most); %s",
                             show, ITK_DATETIME_TYPED_MAX, ACCEPTED);
    itk_buf prep = ITK_BUF_INIT;
    int rc = prepare(&prep, typed);
    if (!rc)
        rc = relative_day(&prep, offset_minutes, now);
    if (rc) {
        itk_buf_dispose(&prep);
        return itk_error_set(ITK_EINVALID, "'%s' is not a date: not UTF-8 text; %s", show,
                             ACCEPTED);
    }
    rc = parse(&t, prep.ptr, &why, detail, sizeof(detail));
    itk_buf_dispose(&prep);
    /* the reason only when it says more than the sentence itself */
    if (rc && why == generic_why)
        return itk_error_set(ITK_EINVALID, "'%s' is not a date that itaku can read; %s", show,
                             ACCEPTED);
    if (rc)
        return itk_error_set(ITK_EINVALID, "'%s' is not a date that itaku can read: %s; %s", show,
                             why == detail ? detail : itk__(why), ACCEPTED);
    if (t.has_time && mode == ITK_DATE_DAY)
        return itk_error_set(ITK_EINVALID,
                             "'%s' has a time, and this is a date alone; write it like "
                             "2026-12-01",
                             show);
    if (!t.has_time && (mode == ITK_DATE_KEEP || mode == ITK_DATE_DAY)) {
        snprintf(out, ITK_DATETIME_OUT, "%04d-%02d-%02d", t.y, t.m, t.d);
        if (date_alone)
            *date_alone = 1;
        return 0;
    }
    if (!t.has_time) {
        if (mode == ITK_DATE_END)
            t.h = 23, t.mi = 59, t.s = 59;
        if (date_alone)
            *date_alone = 1;
    }
    if (!t.zone[0]) {
        int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
        snprintf(t.zone, sizeof(t.zone), "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60 % 24,
                 a % 60);
    }
    snprintf(out, ITK_DATETIME_OUT, "%04d-%02d-%02dT%02d:%02d:%02d%s%s%s", t.y, t.m, t.d, t.h, t.mi,
             t.s, t.frac[0] ? "." : "", t.frac, t.zone);
    return 0;
}
