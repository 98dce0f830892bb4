/* Fuzz target: the dates a record holds, as verify and the views read them:
 * the RFC 3339 check of record fields (core/model/record.c), the one reader
 * of a date or date-time into UTC seconds (itk_time_parse,
 * core/util/dates.c), in several zones, at a day's start and end and for a
 * date-time alone, and the Japanese era date the forms print
 * (core/views/render.c). A date-time the check accepts parses in every zone
 * to the same instant, and that instant, moved by the offset written, is
 * the date and time written (gmtime_r as the oracle); a date alone is 86399
 * seconds from its start to its end, its start midnight in the zone given;
 * an era date is valid UTF-8 that fits its buffer. */
#include "itaku/dates.h"
#include "itaku/record.h"
#include "itaku/render.h"
#include "itaku/utf8.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The calendar fields of t + offset minutes, as "YYYY-MM-DDThh:mm:ss". */
static void civil(char out[64], long long t, int offset)
{
    time_t local = (time_t)(t + offset * 60LL);
    struct tm tm;
    if (!gmtime_r(&local, &tm))
        abort();
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Checks the date-time s (accepted) against gmtime_r. */
static void same_as_written(const char *s, long long t)
{
    char want[64], got[64];
    size_t n = strlen(s);
    int offset = 0;
    if (s[n - 1] != 'Z' && s[n - 1] != 'z')
        offset = (s[n - 6] == '-' ? -1 : 1) * (((s[n - 5] - '0') * 10 + (s[n - 4] - '0')) * 60 +
                                               (s[n - 2] - '0') * 10 + (s[n - 1] - '0'));
    memcpy(want, s, 19);
    want[19] = '\0';
    if (strcmp(want + 17, "60") == 0) { /* a leap second: the next minute's 00 */
        t--;
        memcpy(want + 17, "59", 2);
    }
    civil(got, t, offset);
    if (strcmp(want, got) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    int checked = itk_rfc3339_check(s) == 0;
    long long exact = 0;
    if ((itk_time_parse(&exact, s, 540, ITK_TIME_NO_DAY) == 0) != checked)
        abort(); /* the check and the reader agree */
    if (checked)
        same_as_written(s, exact);
    static const int offsets[] = {540, 0, -600, 840};
    for (size_t i = 0; i < sizeof(offsets) / sizeof(*offsets); i++) {
        long long start = 0, end = 0;
        int a = itk_time_parse(&start, s, offsets[i], ITK_TIME_DAY_START);
        int b = itk_time_parse(&end, s, offsets[i], ITK_TIME_DAY_END);
        if ((a == 0) != (b == 0))
            abort();
        if (checked && a != 0)
            abort(); /* what records may hold, the views can read */
        if (a == 0 && end < start)
            abort();
        if (a == 0 && strlen(s) == 10) { /* a date alone */
            char got[64];
            civil(got, start, offsets[i]);
            if (end - start != 86399 || strncmp(got, s, 10) != 0 ||
                strcmp(got + 10, "T00:00:00") != 0)
                abort();
        }
        if (checked && start != exact)
            abort();
    }
    /* a stored time as the screens show it: bounded, and on the
     * contract's clock the instant read */
    char shown[ITK_TIME_SHOWN];
    for (size_t i = 0; i < sizeof(offsets) / sizeof(*offsets); i++) {
        if (strlen(itk_time_shown(shown, s, offsets[i])) >= ITK_TIME_SHOWN)
            abort();
        char want[64];
        if (checked)
            civil(want, exact, offsets[i]);
        if (checked && want[0] != '-' && want[4] == '-') { /* a four-digit year on that clock */
            if (strncmp(shown, want, 10) != 0 ||
                (shown[10] && (shown[10] != ' ' || strncmp(shown + 11, want + 11, 5) != 0)) ||
                (!shown[10] && strcmp(want + 11, "23:59:59") != 0))
                abort();
        }
    }
    char era[64];
    if (itk_era_date(era, s) == 0 && (!era[0] || !itk_utf8_is_valid(era, strlen(era))))
        abort();
    free(s);
    return 0;
}
