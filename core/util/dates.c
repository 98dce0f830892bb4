/* RFC 3339 dates and times into UTC seconds: see itaku/dates.h. */
#include "itaku/dates.h"

#include <stdio.h>
#include <string.h>

#include "itaku/errors.h"

/* The fields read from a date-time; the offset in minutes east of UTC. */
typedef struct {
    int y, mo, d, h, mi, s, offset;
} fields;

/* n digits at s into *v; 0, or -1 when one of them is not a digit. */
static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* "YYYY-MM-DD" at s (at least 10 bytes before a NUL, checked by the
 * caller): 0 when it is a real day. */
static int full_date(fields *f, const char *s)
{
    if (digits(s, 4, &f->y) || s[4] != '-' || digits(s + 5, 2, &f->mo) || s[7] != '-' ||
        digits(s + 8, 2, &f->d))
        return -1;
    return f->mo < 1 || f->mo > 12 || f->d < 1 || f->d > days_in_month(f->y, f->mo) ? -1 : 0;
}

/* RFC 3339 section 5.6 date-time with an offset: 0 when s is one. */
static int date_time(fields *f, const char *s)
{
    int oh, om;
    if (strlen(s) < 20 || full_date(f, s) || s[10] != 'T' || digits(s + 11, 2, &f->h) ||
        s[13] != ':' || digits(s + 14, 2, &f->mi) || s[16] != ':' || digits(s + 17, 2, &f->s))
        return -1;
    if (f->h > 23 || f->mi > 59 || f->s > 60)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    f->offset = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
        return 0;
    if ((*p == '+' || *p == '-') && strlen(p) == 6 && !digits(p + 1, 2, &oh) && p[3] == ':' &&
        !digits(p + 4, 2, &om) && oh <= 23 && om <= 59) {
        f->offset = (*p == '-' ? -1 : 1) * (oh * 60 + om);
        return 0;
    }
    return -1;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar
 * (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms",
 * days_from_civil): years counted from March, in eras of 400 years. */
static long long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;                                    /* [0, 399] */
    long long doy = (153LL * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1; /* [0, 365] */
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

int itk_time_parse(long long *out, const char *s, int offset_minutes, itk_time_day day)
{
    fields f = {0};
    if (!s)
        return itk_error_set(ITK_EINVALID, "no time given");
    if (day != ITK_TIME_NO_DAY && strlen(s) == 10) {
        if (full_date(&f, s))
            return itk_error_set(ITK_EINVALID, "'%.40s' is not a date (YYYY-MM-DD)", s);
        *out = days_from_civil(f.y, f.mo, f.d) * 86400 - (long long)offset_minutes * 60 +
               (day == ITK_TIME_DAY_END ? 86399 : 0);
        return 0;
    }
    if (date_time(&f, s)) {
        if (day == ITK_TIME_NO_DAY)
            return itk_error_set(ITK_EINVALID,
                                 "'%.64s' is not an RFC 3339 date-time with an offset "
                                 "(like 2026-11-25T10:00:00+09:00)",
                                 s);
        return itk_error_set(ITK_EINVALID, "'%.40s' is not a date or an RFC 3339 time", s);
    }
    *out = days_from_civil(f.y, f.mo, f.d) * 86400 + f.h * 3600LL + f.mi * 60LL + f.s -
           f.offset * 60LL;
    return 0;
}

/* y-m-d of a day counted from 1970-01-01 (H. Hinnant, civil_from_days). */
static void civil_from_days(long long z, int *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

const char *itk_time_shown(char out[ITK_TIME_SHOWN], const char *iso, int offset_minutes)
{
    fields f = {0};
    if (!iso) {
        out[0] = '\0';
        return out;
    }
    if (strlen(iso) == 10 && full_date(&f, iso) == 0) {
        memcpy(out, iso, 11);
        return out;
    }
    if (date_time(&f, iso)) {
        /* not a stored time: shown as it is, cut to fit */
        size_t n = strlen(iso);
        if (n >= ITK_TIME_SHOWN)
            n = ITK_TIME_SHOWN - 1;
        memcpy(out, iso, n);
        out[n] = '\0';
        return out;
    }
    /* the instant on the contract's clock (a leap second, :60, is the next
     * minute's 00, as itk_time_parse reads it) */
    long long t = days_from_civil(f.y, f.mo, f.d) * 86400 + f.h * 3600LL + f.mi * 60LL + f.s -
                  f.offset * 60LL + offset_minutes * 60LL;
    long long day = (t >= 0 ? t : t - 86399) / 86400, sec = t - day * 86400;
    civil_from_days(day, &f.y, &f.mo, &f.d);
    if (f.y < 0 || f.y > 9999) {
        /* beyond the four-digit years: as it is stored */
        snprintf(out, ITK_TIME_SHOWN, "%.*s", ITK_TIME_SHOWN - 1, iso);
        return out;
    }
    f.h = (int)(sec / 3600);
    f.mi = (int)(sec / 60 % 60);
    f.s = (int)(sec % 60);
    /* "%04d-%02d-%02d %02d:%02d" written digit by digit: status shows
     * three times a finding, tens of thousands of them (issue 18) */
    int part[] = {f.y / 100, f.y % 100, f.mo, f.d, f.h, f.mi};
    static const char sep[] = {0, 0, '-', '-', ' ', ':'};
    size_t n = f.h == 23 && f.mi == 59 && f.s == 59 ? 4 : 6, k = 0;
    for (size_t i = 0; i < n; i++) {
        if (sep[i])
            out[k++] = sep[i];
        out[k++] = (char)('0' + part[i] / 10);
        out[k++] = (char)('0' + part[i] % 10);
    }
    out[k] = '\0';
    return out;
}
