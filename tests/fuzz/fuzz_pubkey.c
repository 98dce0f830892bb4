/* libFuzzer entry point for public keys: the same bytes as an authorized_keys
 * line (itk_pubkey_from_line), as a key line a person gives
 * (itk_pubkey_canonical_line, whose canonical line must parse back to the
 * same key) and as a wire blob (itk_pubkey_from_blob); a key that parses is
 * also described, formatted and copied. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "itaku/sshkey.h"

static void exercise(itk_pubkey *key)
{
    itk_buf out = ITK_BUF_INIT;
    itk_pubkey *copy = NULL;
    itk_pubkey_describe(&out, key);
    itk_pubkey_format(&out, key);
    if (itk_pubkey_dup(&copy, key) == 0 && !itk_pubkey_equal(copy, key))
        abort();
    itk_pubkey_free(copy);
    itk_buf_dispose(&out);
    itk_pubkey_free(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_pubkey *key = NULL;
    if (itk_pubkey_from_line(&key, (const char *)data, size) == 0)
        exercise(key);
    if (itk_pubkey_from_blob(&key, data, size) == 0)
        exercise(key);
    itk_buf line = ITK_BUF_INIT;
    if (itk_pubkey_canonical_line(&line, &key, (const char *)data, size, "fuzz") == 0) {
        itk_pubkey *back = NULL;
        if (itk_pubkey_from_line(&back, line.ptr, line.size) != 0 || !itk_pubkey_equal(back, key))
            abort();
        itk_pubkey_free(back);
        exercise(key);
    }
    itk_buf_dispose(&line);
    return 0;
}
