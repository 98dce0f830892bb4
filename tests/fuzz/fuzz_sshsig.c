/* libFuzzer entry point for the SSHSIG parser through itk_sshsig_verify and
 * itk_sshsig_claimed_key (which must name a key whenever verify succeeds): the
 * input as armor, and the input as a raw blob wrapped in a valid armor, so
 * that mutations of binary corpus files reach the blob and key fields. The
 * corpus is signed over FUZZ_MESSAGE in namespace git (crypto paths too). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base64.h"
#include "itaku/sshsig.h"

#define FUZZ_MESSAGE "itaku fuzz corpus message\n"

static void verify(const void *armor, size_t len)
{
    itk_pubkey *key = NULL, *claimed = NULL;
    if (itk_sshsig_verify(&key, armor, len, "git", FUZZ_MESSAGE, sizeof(FUZZ_MESSAGE) - 1) == 0) {
        /* a signature that verifies names the key that made it */
        if (itk_sshsig_claimed_key(&claimed, armor, len) != 0)
            __builtin_trap();
        itk_pubkey_free(claimed);
        itk_pubkey_free(key);
    } else if (itk_sshsig_claimed_key(&claimed, armor, len) == 0) {
        itk_pubkey_free(claimed);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_buf armor = ITK_BUF_INIT;
    verify(data, size);
    if (size >= 6 && memcmp(data, "SSHSIG", 6) == 0 &&
        itk_buf_puts(&armor, "-----BEGIN SSH SIGNATURE-----\n") == 0 &&
        itk_base64_encode_wrapped(&armor, data, size, 70) == 0 &&
        itk_buf_puts(&armor, "\n-----END SSH SIGNATURE-----\n") == 0)
        verify(armor.ptr, armor.size);
    itk_buf_dispose(&armor);
    return 0;
}
