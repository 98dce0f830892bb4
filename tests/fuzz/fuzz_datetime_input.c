/* Fuzz target: typed dates and labels (core/util/datetime_input.c,
 * core/util/textnorm.c). Whatever is typed, the parser either refuses it
 * or gives text that is itself a canonical date or RFC 3339 date-time, and
 * reading that output again gives it back unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itaku/buf.h"
#include "itaku/datetime_input.h"
#include "itaku/record.h"
#include "itaku/textnorm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    static const itk_date_alone modes[] = {ITK_DATE_KEEP, ITK_DATE_START, ITK_DATE_END,
                                           ITK_DATE_DAY};
    for (size_t m = 0; m < 4; m++) {
        char out[ITK_DATETIME_OUT], again[ITK_DATETIME_OUT];
        /* a fixed now: 今日 and 昨日 read alike on every run */
        if (itk_datetime_input_at(out, NULL, s, 540, modes[m], 1796315400LL) != 0)
            continue;
        size_t n = strlen(out);
        char t[64];
        snprintf(t, sizeof(t), "%sT00:00:00Z", out);
        if (itk_rfc3339_check(n == 10 ? t : out) != 0)
            __builtin_trap();
        if (itk_datetime_input(again, NULL, out, 540, modes[m]) != 0 || strcmp(again, out) != 0)
            __builtin_trap();
    }
    itk_buf k = ITK_BUF_INIT;
    if (itk_label_key(&k, s) == 0 && strlen(s) == size && !itk_label_equal(s, s))
        __builtin_trap();
    itk_buf_dispose(&k);
    (void)itk_label_check(s, 64, "item id");
    free(s);
    return 0;
}
