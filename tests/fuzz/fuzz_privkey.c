/* libFuzzer entry point for OpenSSH private key files: the full parse
 * (itk_privkey_parse) and the public-part-only read used for passphrase-
 * protected files. Inputs starting with the binary magic are wrapped in a
 * valid armor first, so that mutations reach the openssh-key-v1 fields. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base64.h"
#include "itaku/sshkey.h"
#include "sshkey_priv.h"

static void parse(const void *data, size_t len)
{
    itk_privkey *key = NULL;
    itk_pubkey *pub = NULL;
    if (itk_privkey_parse(&key, data, len, "fuzz") == 0)
        itk_privkey_free(key);
    if (itk_pubkey_from_private_data(&pub, data, len, "fuzz") == 0)
        itk_pubkey_free(pub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_buf text = ITK_BUF_INIT;
    parse(data, size);
    if (size >= 14 && memcmp(data, "openssh-key-v1", 14) == 0 &&
        itk_buf_puts(&text, "-----BEGIN OPENSSH PRIVATE KEY-----\n") == 0 &&
        itk_base64_encode_wrapped(&text, data, size, 70) == 0 &&
        itk_buf_puts(&text, "\n-----END OPENSSH PRIVATE KEY-----\n") == 0)
        parse(text.ptr, text.size);
    itk_buf_dispose(&text);
    return 0;
}
