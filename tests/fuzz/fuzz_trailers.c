/* Fuzz target: a commit's trailers as verify reads them (V10): the commit
 * object through the raw parser (core/verify/vobject.c), then its message,
 * or the whole input when it is no commit, through libgit2's trailer reader
 * (git_message_trailers, which policy.c and vcache.c use). Every trailer's
 * key and value are strings found in the message. */
#include "vobject.h"

#include <git2.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready)
        ready = git_libgit2_init() > 0;
    itk_vobject_commit c;
    itk_vobject_flaw flaw;
    size_t from = 0;
    if (itk_vobject_commit_parse(&c, data, size, &flaw) == 0) {
        if (c.message_offset > size)
            abort();
        from = c.message_offset;
    }
    /* git_message_trailers reads a C string: the message up to a NUL */
    char *msg = malloc(size - from + 1);
    if (!msg)
        return 0;
    memcpy(msg, data + from, size - from);
    msg[size - from] = '\0';
    git_message_trailer_array arr = {0};
    if (git_message_trailers(&arr, msg) == 0) {
        size_t len = strlen(msg);
        for (size_t i = 0; i < arr.count; i++)
            if (!arr.trailers[i].key || !arr.trailers[i].value ||
                strlen(arr.trailers[i].key) > len || strlen(arr.trailers[i].value) > len)
                abort();
        git_message_trailer_array_free(&arr);
    }
    free(msg);
    return 0;
}
