/* Fuzz target: the void walk's cache file (core/model/void_cache.c), read
 * back into the walks it remembers. The file is this user's own, but it is
 * read with the same bounds as anything from another party: a damaged one
 * must be refused, never followed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "void_cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *s, size_t cap)
{
    if (strnlen(s, cap) >= cap)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_void_cache c;
    memset(&c, 0, sizeof(c));
    if (itk_void_cache_parse(&c, data, size) == 0) {
        /* an accepted file: bounded entries, each with a tip and its key
         * first, every string inside its field */
        if (c.n > ITK_VOID_CACHE_MAX_ENTRIES)
            __builtin_trap();
        for (size_t i = 0; i < c.n; i++) {
            const itk_void_memo *m = &c.e[i];
            if (!m->ntips || !m->nkeys || !m->tips || !m->keys || (m->nvoids && !m->voids))
                __builtin_trap();
            check(m->key, sizeof(m->key));
            check(m->last_good, sizeof(m->last_good));
            for (size_t k = 0; k < m->nkeys; k++)
                check(m->keys[k], sizeof(m->keys[k]));
        }
        /* and the void commits' writes: bounded, each path inside its
         * bound, a status the cache keeps */
        if (c.nw > ITK_VOID_CACHE_MAX_COMMITS)
            __builtin_trap();
        for (size_t i = 0; i < c.nw; i++)
            for (size_t k = 0; k < c.w[i].n; k++) {
                const itk_void_change *ch = &c.w[i].c[k];
                if (!ch->path || !ch->path[0] ||
                    (ch->status != GIT_DELTA_ADDED && ch->status != GIT_DELTA_MODIFIED &&
                     ch->status != GIT_DELTA_TYPECHANGE))
                    __builtin_trap();
                check(ch->path, ITK_VOID_CACHE_MAX_PATH);
            }
    }
    itk_void_cache_dispose(&c);
    return 0;
}
