/* Fuzz target: the canonical trees' cache file (core/verify/canon_cache.c),
 * read back into the heights a tree check trusts. The file is this user's
 * own, but it is read with the same bounds as anything from another party:
 * a damaged one must be refused whole, never followed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "canon_cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_canon_cache c = {NULL, 0};
    itk_oidmap heights;
    if (itk_oidmap_init(&heights))
        return 0;
    if (itk_canon_cache_parse(&c, &heights, data, size) == 0) {
        /* an accepted file: bounded, every tree once, each with a height
         * a canonical tree can have */
        if (c.n > ITK_CANON_CACHE_MAX_TREES || heights.count != c.n || (c.n && !c.ids))
            __builtin_trap();
        for (size_t i = 0; i < c.n; i++) {
            uintptr_t h = (uintptr_t)itk_oidmap_get(&heights, &c.ids[i]);
            if (h < 1 || h > ITK_VTREES_MAX_DEPTH)
                __builtin_trap();
        }
    }
    itk_canon_cache_dispose(&c);
    itk_oidmap_free(&heights);
    return 0;
}
