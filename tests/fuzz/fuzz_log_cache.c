/* Fuzz target: the log cache file (core/log_cache.c). The file is the
 * repository's own, but it is read with the same bounds as anything from
 * another party: a damaged one must be dropped, never followed. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "itaku/errors.h"
#include "itaku/party.h"
#include "log_cache.h"

#define DIGEST_AT (sizeof("itaku log cache\n") - 1 + 4 + 4)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the build the file names is the build asked for: what follows is
     * fuzzed */
    char digest[65] = "0";
    if (size >= DIGEST_AT + 64) {
        memcpy(digest, data + DIGEST_AT, 64);
        digest[64] = '\0';
        if (strlen(digest) != 64)
            return 0;
    }
    itk_lcache *c = NULL;
    if (itk_lcache_parse(&c, data, size, digest))
        return 0;
    for (size_t i = 0; i < itk_lcache_count(c); i++) {
        itk_log_entry e;
        memset(&e, 0, sizeof(e));
        if (itk_lcache_get(c, itk_lcache_id(c, i), &e) != 1)
            __builtin_trap(); /* every entry read is found again */
        for (size_t k = 0; k < e.nreceived; k++)
            if (!e.received[k][0])
                __builtin_trap();
        itk_string_list_free(e.received, e.nreceived);
    }
    itk_lcache_free(c);
    return 0;
}
