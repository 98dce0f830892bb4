/* Fuzz target: a hand-filled form template through the // comment stripper
 * (core/forms.c) and then the bounded JSON parser, as `form submit` reads it.
 * Stripping never grows the text and keeps every line break, so that parse
 * errors point at the line people edited. */
#include <stddef.h>
#include <stdint.h>

#include "itaku/buf.h"
#include "itaku/forms.h"
#include "itaku/json.h"

static size_t newlines(const char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '\n';
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_buf clean = ITK_BUF_INIT;
    const char *in = (const char *)data;
    if (itk_json_strip_comments(&clean, in, size) == 0) {
        if (clean.size > size || newlines(clean.ptr, clean.size) != newlines(in, size))
            __builtin_trap();
        json_t *v = NULL;
        if (itk_json_parse(&v, clean.ptr, clean.size, "fuzz") == 0)
            json_decref(v);
    }
    itk_buf_dispose(&clean);
    return 0;
}
