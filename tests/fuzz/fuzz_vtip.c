/* Fuzz target: the verdict at the tip (core/verify/vtip.c), verify.tip read
 * back into the refs (with V8's receipts state at each), commits, void
 * commits, keys and folders it remembers. The file
 * is this user's own, but it is read with the same bounds as anything from
 * another party: a damaged one must be refused, never followed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vtip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *s, size_t cap)
{
    if (strnlen(s, cap) >= cap)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_vtip t;
    memset(&t, 0, sizeof(t));
    if (itk_vtip_parse(&t, data, size) == 0) {
        /* an accepted file: every string inside its field, the refs named
         * and sorted, the commits sorted (a look-up finds each of them) */
        check(t.rules, sizeof(t.rules));
        check(t.genesis, sizeof(t.genesis));
        check(t.city_key, sizeof(t.city_key));
        for (size_t i = 0; i < t.nrefs; i++) {
            if (!t.refs[i].name || !t.refs[i].name[0])
                __builtin_trap();
            check(t.refs[i].name, ITK_VTIP_MAX_REF);
            if (i && strcmp(t.refs[i - 1].name, t.refs[i].name) >= 0)
                __builtin_trap();
            if (t.refs[i].nreceipts > ITK_VTIP_MAX_RECEIPTS ||
                (!t.refs[i].v8 && t.refs[i].nreceipts))
                __builtin_trap();
            for (size_t k = 0; k < t.refs[i].nreceipts; k++) {
                check(t.refs[i].receipts[k].receiver, sizeof(t.refs[i].receipts[k].receiver));
                check(t.refs[i].receipts[k].party, sizeof(t.refs[i].receipts[k].party));
                if (!t.refs[i].receipts[k].receiver[0] || !t.refs[i].receipts[k].party[0])
                    __builtin_trap();
            }
        }
        for (size_t i = 0; i < t.nids; i++)
            if (!itk_vtip_has(&t, &t.ids[i]))
                __builtin_trap();
        for (size_t i = 0; i < t.nvoids; i++) {
            check(t.voids[i].party, sizeof(t.voids[i].party));
            check(t.voids[i].principal, sizeof(t.voids[i].principal));
        }
        for (size_t i = 0; i < t.nvkeys; i++) {
            check(t.vkeys[i], sizeof(t.vkeys[i]));
            check(t.vorigins[i], sizeof(t.vorigins[i]));
        }
        if (t.ntrees > ITK_VTIP_MAX_TREES)
            __builtin_trap();
        for (size_t i = 0; i < t.ntrees; i++)
            if (!t.trees[i].height || t.trees[i].height > ITK_VTIP_MAX_HEIGHT)
                __builtin_trap();
        /* and a commit added stays found, the others too */
        git_oid one;
        memset(&one, 0xab, sizeof(one));
        if (!itk_vtip_has(&t, &one) &&
            (itk_vtip_add_ids(&t, &one, 1) == 0 && !itk_vtip_has(&t, &one)))
            __builtin_trap();
    }
    itk_vtip_dispose(&t);
    return 0;
}
