/* Fuzz target: untrusted JSON through the bounded parser and the canonical
 * form check (core/json.c): the input itself as a blob that must be
 * canonical, and the canonical bytes of what it holds, which must pass. */
#include <stddef.h>
#include <stdint.h>

#include "itaku/buf.h"
#include "itaku/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the raw bytes as a record's blob is checked: canonical bytes are
     * also what the parser accepts */
    json_t *v = NULL;
    if (itk_json_check_canonical((const char *)data, size, "fuzz") == 0) {
        if (itk_json_parse(&v, (const char *)data, size, "fuzz") != 0)
            __builtin_trap();
        json_decref(v);
        v = NULL;
    }
    if (itk_json_parse(&v, (const char *)data, size, "fuzz") == 0) {
        itk_buf b = ITK_BUF_INIT;
        if (itk_json_canonical(&b, v) == 0 && itk_json_check_canonical(b.ptr, b.size, "fuzz"))
            __builtin_trap(); /* our own canonical bytes must pass the check */
        itk_buf_dispose(&b);
        json_decref(v);
    }
    return 0;
}
