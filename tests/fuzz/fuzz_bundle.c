/* libFuzzer entry point for git bundle headers (itk_bundle_header_parse):
 * untrusted bytes from a file a neighbour hands over. A header that parses
 * is read back through every getter. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "itaku/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_bundle_header *h = NULL;
    size_t hlen = 0;
    if (itk_bundle_header_parse(&h, &hlen, data, size) != 0)
        return 0;
    if (hlen > size)
        abort();
    for (size_t i = 0; i < itk_bundle_header_prerequisite_count(h); i++)
        if (!itk_bundle_header_prerequisite(h, i))
            abort();
    for (size_t i = 0; i < itk_bundle_header_ref_count(h); i++) {
        git_oid id;
        const char *name = itk_bundle_header_ref(h, i, &id);
        if (!name || !*name || strlen(name) > 1024)
            abort();
    }
    itk_bundle_header_free(h);
    return 0;
}
