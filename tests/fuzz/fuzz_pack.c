/* libFuzzer entry point for the pack scan (itk_packscan_feed/finish):
 * untrusted bytes from a bundle or a fetch. The input is fed whole with the
 * default limits, then in pieces of a size its first byte gives with small
 * limits; both must agree whenever the small limits are not what refused. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "itaku/errors.h"
#include "packscan.h"

static int scan(const uint8_t *data, size_t size, size_t step, const itk_packscan_limits *lim)
{
    itk_packscan *s = NULL;
    if (itk_packscan_new(&s, lim, "fuzz"))
        abort();
    int rc = 0;
    for (size_t i = 0; !rc && i < size; i += step)
        rc = itk_packscan_feed(s, data + i, size - i < step ? size - i : step);
    if (!rc)
        rc = itk_packscan_finish(s);
    /* a failed scan keeps failing */
    if (rc && itk_packscan_feed(s, data, size) != rc)
        abort();
    itk_packscan_free(s);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int whole = scan(data, size, size ? size : 1, NULL);
    size_t step = size ? (size_t)data[0] % 17 + 1 : 1;
    int pieces = scan(data, size, step, NULL);
    if (whole != pieces)
        abort();
    itk_packscan_limits lim = {64, 64, 64, 64, 64, 0};
    int limited = scan(data, size, step, &lim);
    if (whole == ITK_ETOOBIG && limited != ITK_ETOOBIG && limited != ITK_EINVALID)
        abort();
    return 0;
}
