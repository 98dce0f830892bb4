/* Fuzz target: a record blob found in someone's history, checked against
 * its path (core/record.c). The first line of the input is the path. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "itaku/json.h"
#include "itaku/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size < 256 ? size : 256);
    if (!nl)
        return 0;
    char path[257];
    size_t pl = (size_t)(nl - data);
    memcpy(path, data, pl);
    path[pl] = '\0';
    if (strlen(path) != pl)
        return 0;
    itk_path_info pi;
    itk_path_classify(&pi, path);
    json_t *rec = NULL;
    if (itk_record_check(&rec, path, (const char *)nl + 1, size - pl - 1) == 0)
        json_decref(rec);
    return 0;
}
