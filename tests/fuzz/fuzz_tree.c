/* Fuzz target: the raw tree and commit object parsers (core/vobject.c) on
 * bytes found in someone's history. Every input goes to both; the corpus
 * holds trees and a signed commit as stock git wrote them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vobject.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_vobject_entry *e = NULL;
    itk_vobject_flaw flaw;
    itk_vobject_commit c;
    size_t n = 0;
    if (itk_vobject_tree_parse(&e, &n, data, size, &flaw) == 0) {
        /* every entry lies inside the input, its name NUL-terminated there */
        for (size_t i = 0; i < n; i++)
            if (e[i].name < (const char *)data || e[i].id + 20 > data + size ||
                strlen(e[i].name) > ITK_VOBJECT_MAX_NAME)
                abort();
        free(e);
    }
    if (itk_vobject_commit_parse(&c, data, size, &flaw) == 0 && c.message_offset > size)
        abort();
    return 0;
}
