/* Fuzz target: a pack's index (.idx) as itaku checks it in a registry's
 * objects/pack before libgit2 reads it (itk_packidx_parse,
 * core/util/packidx.c): a registry copied from elsewhere, or a folder a sync
 * takes from, may hold any bytes there. The whole input is the index, read
 * with its pack's length unknown. Any verdict is allowed; what must hold: no
 * crash, no read outside the bytes, and an index that passes is what it
 * says: its count the last fan-out entry, its length that of the count and
 * its large offsets, its names ascending; and, its pack's length then made
 * the least that holds its offsets, it still passes, one byte less and it
 * does not. */
#include "itaku/errors.h"
#include "packidx.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_packidx x;
    if (itk_packidx_parse(&x, data, size, 0, "fuzz.idx") != 0) {
        if (!*itk_error_last())
            abort(); /* a refusal says why */
        itk_error_clear();
        return 0;
    }
    if (x.n != be32(x.fanout + 4 * 255) || size != ITK_PACKIDX_HEADER_BYTES +
                                                       (size_t)x.n * ITK_PACKIDX_ENTRY_BYTES +
                                                       x.n64 * 8 + ITK_PACKIDX_TRAILER_BYTES)
        abort();
    uint64_t last = 0;
    for (size_t i = 0; i < x.n; i++) {
        if (i && memcmp(x.ids + 20 * (i - 1), x.ids + 20 * i, 20) >= 0)
            abort();
        uint32_t v = be32(x.off32 + 4 * i);
        uint64_t off = v;
        if (v & 0x80000000u) {
            const unsigned char *p = x.off64 + 8 * (v & 0x7fffffffu);
            off = (uint64_t)be32(p) << 32 | be32(p + 4);
        }
        last = off > last ? off : last;
    }
    /* the least pack that holds every offset and, 8 bytes each, the count */
    uint64_t need = last + 1 + 20;
    if (need < 12 + 20 + (uint64_t)x.n * ITK_PACK_MIN_OBJECT_BYTES)
        need = 12 + 20 + (uint64_t)x.n * ITK_PACK_MIN_OBJECT_BYTES;
    if (itk_packidx_parse(&x, data, size, need, "fuzz.idx") != 0)
        abort();
    if (x.n && itk_packidx_parse(&x, data, size, need - 1, "fuzz.idx") == 0)
        abort();
    itk_error_clear();
    return 0;
}
