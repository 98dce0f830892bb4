/* A due date as typed, as recorded, and whether it is past (due_time.h). */
#include "itaku/due_time.h"
#include "itaku/dates.h"
#include "itaku/errors.h"
#include "itaku/registry.h"

#include <stdio.h>
#include <string.h>

int itk_due_time(char out[40], int *past, const char *given, int offset_minutes, const char *now)
{
    if (strlen(given) == 10) {
        char tz[32];
        itk_format_time(tz, 0, offset_minutes);
        snprintf(out, 40, "%.10sT23:59:59%s", given, tz + 19);
    } else
        snprintf(out, 40, "%s", given);
    long long d, n;
    if (itk_time_parse(&d, out, 0, ITK_TIME_NO_DAY))
        return itk_error_set(ITK_EINVALID,
                             "the due date '%.40s' is not a date like 2027-01-31 or a time like "
                             "2027-01-31T17:00:00+09:00",
                             given);
    *past = itk_time_parse(&n, now, 0, ITK_TIME_NO_DAY) == 0 && d < n;
    itk_error_clear();
    return 0;
}
