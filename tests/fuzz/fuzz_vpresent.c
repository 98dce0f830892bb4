/* Fuzz target: the presence cache (core/verify/vpresent.c), verify.present
 * read back into the pack folder's files, the folders found whole and the
 * loose objects it remembers. The file is this user's own, but it is read
 * with the same bounds as anything from another party: a damaged one must
 * be refused, never followed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vpresent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_vpresent v;
    memset(&v, 0, sizeof(v));
    if (itk_vpresent_parse(&v, data, size) == 0) {
        /* an accepted file: every name a file's name, every count and depth
         * within its bound */
        if (v.nfiles > ITK_VPRESENT_MAX_PACKFILES || v.nfolders > ITK_VPRESENT_MAX_FOLDERS ||
            v.nloose > ITK_VPRESENT_MAX_LOOSE)
            __builtin_trap();
        for (size_t i = 0; i < v.nfiles; i++) {
            size_t n = strnlen(v.files[i].name, sizeof(v.files[i].name));
            if (!n || n > ITK_VPRESENT_MAX_NAME || strchr(v.files[i].name, '/'))
                __builtin_trap();
        }
        for (size_t i = 0; i < v.nfolders; i++)
            if (!v.depths[i] || v.depths[i] > 65)
                __builtin_trap();
    }
    itk_vpresent_dispose(&v);
    return 0;
}
