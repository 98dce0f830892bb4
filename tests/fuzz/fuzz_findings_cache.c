/* Fuzz target: the findings cache file (core/views/status_cache.c), read back
 * into status's findings, its parties and every party's parent. The file is
 * this user's own, but it is read with the same bounds as anything from
 * another party: a damaged one must be refused, never followed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status_priv.h"

#define KEY_AT (sizeof("itaku findings cache\n") - 1 + 4 + 4)

static void check(const char *s, size_t cap)
{
    if (strnlen(s, cap) >= cap)
        __builtin_trap();
}

#define CHECK(field) check((field), sizeof(field))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_fcache fc;
    char key[65] = {0};
    /* the key the file names is the key asked for: what follows is fuzzed */
    if (size >= KEY_AT + 64)
        memcpy(key, data + KEY_AT, 64);
    if (itk_fcache_parse(&fc, data, size, key) != 1)
        return 0;
    if (fc.win.lo >= fc.win.hi)
        __builtin_trap();
    /* every field is a C string inside its field, every text one inside its bound */
    for (size_t i = 0; i < fc.nparties; i++) {
        CHECK(fc.parties[i].id);
        CHECK(fc.parties[i].parent);
        CHECK(fc.parties[i].role);
        if (itk_parents_in_scope(fc.parent_of, fc.parties[i].id, fc.parties[0].id) < 0)
            __builtin_trap();
    }
    for (size_t i = 0; i < fc.nf; i++) {
        const itk_finding *f = &fc.f[i];
        CHECK(f->party);
        CHECK(f->section);
        CHECK(f->rule);
        CHECK(f->record);
        CHECK(f->due);
        CHECK(f->received);
        CHECK(f->claimed);
        if (strlen(f->detail) >= 256 || strlen(f->detail_ja) >= 512 ||
            f->state > ITK_STATE_VIOLATED)
            __builtin_trap();
    }
    itk_fcache_dispose(&fc);
    return 0;
}
