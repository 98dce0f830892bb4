/* Fuzz target: the dates a record holds, as verify and the views read them:
 * the RFC 3339 check of record fields (core/model/record.c), the parse of
 * a date or date-time into unix seconds (core/views/status_ctx.c), in
 * several zones and at a day's start and end, and the Japanese era date the
 * forms print (core/views/render.c). A date-time the check accepts parses
 * in every zone to the same instant; a day's end is never before its start;
 * an era date is valid UTF-8 that fits its buffer. */
#include "itaku/record.h"
#include "itaku/render.h"
#include "itaku/status.h"
#include "itaku/utf8.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    int checked = itk_rfc3339_check(s) == 0;
    static const int offsets[] = {540, 0, -600, 840};
    long long first = 0;
    for (size_t i = 0; i < sizeof(offsets) / sizeof(*offsets); i++) {
        long long start = 0, end = 0;
        int a = itk_time_parse(&start, s, offsets[i], 0);
        int b = itk_time_parse(&end, s, offsets[i], 1);
        if ((a == 0) != (b == 0))
            abort();
        if (checked && a != 0)
            abort(); /* what records may hold, the views can read */
        if (a == 0 && end < start)
            abort();
        if (checked && a == 0) {
            if (i == 0)
                first = start;
            else if (start != first)
                abort();
        }
    }
    char era[64];
    if (itk_era_date(era, s) == 0 && (!era[0] || !itk_utf8_is_valid(era, strlen(era))))
        abort();
    free(s);
    return 0;
}
