/* Fuzz target: the who cache file (core/views/who_cache.c), read back into
 * every party's managers, workers, approvals, items and signers. The file is
 * this user's own, but it is read with the same bounds as anything from
 * another party: a damaged one must be refused, never followed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "who_priv.h"

#define KEY_AT (sizeof("itaku who cache\n") - 1 + 4 + 4)

static void check(const char *s, size_t cap)
{
    if (strnlen(s, cap) >= cap)
        __builtin_trap();
}

#define CHECK(field) check((field), sizeof(field))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_who w;
    char key[65] = {0};
    memset(&w, 0, sizeof(w));
    /* the key the file names is the key asked for: what follows is fuzzed */
    if (size >= KEY_AT + 64)
        memcpy(key, data + KEY_AT, 64);
    if (itk_wcache_parse(&w, data, size, key) != 1)
        return 0;
    /* every field of every party is a C string inside its field */
    for (size_t i = 0; i < w.n; i++) {
        const itk_who_party *p = &w.parties[i];
        CHECK(p->party);
        CHECK(p->name);
        CHECK(p->parent);
        CHECK(p->form1);
        for (size_t k = 0; k < p->nworkers; k++)
            CHECK(p->workers[k].training);
        for (size_t k = 0; k < p->nsubcontractors; k++)
            CHECK(p->subcontractors[k]);
        for (size_t k = 0; k < p->napprovals; k++)
            CHECK(p->approvals[k].valid_until);
        for (size_t k = 0; k < p->nitems; k++)
            CHECK(p->items[k].taken_out);
        for (size_t k = 0; k < p->nsigners; k++)
            CHECK(p->signers[k].fingerprint);
    }
    for (size_t i = 0; i < w.n; i++) {
        free(w.parties[i].workers);
        free(w.parties[i].subcontractors);
        free(w.parties[i].approvals);
        free(w.parties[i].items);
        free(w.parties[i].signers);
    }
    free(w.parties);
    json_decref(w.parent_of);
    return 0;
}
