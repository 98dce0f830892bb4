/* libFuzzer entry point for private key files: the full parse
 * (itk_privkey_parse: openssh-key-v1, and PEM/PKCS#8 through OpenSSL) and
 * the public-part-only read used for passphrase-protected files. Inputs
 * starting with the binary magic are wrapped in a valid armor first, so that
 * mutations reach the openssh-key-v1 fields; inputs that start as DER (an
 * ASN.1 SEQUENCE) are wrapped in a PKCS#8 armor, so that they reach its
 * structure (PKCS#1 and SEC 1 are reached from the PEM seeds). A PEM input
 * is parsed once: OpenSSL's decoders are slow, and the public-part-only
 * read of a PEM file is the same parse. */
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
    if (len >= 18 && memcmp(data, "-----BEGIN OPENSSH", 18) == 0 &&
        itk_pubkey_from_private_data(&pub, data, len, "fuzz") == 0)
        itk_pubkey_free(pub);
}

static void wrapped(const uint8_t *data, size_t size, const char *label)
{
    itk_buf text = ITK_BUF_INIT;
    if (itk_buf_printf(&text, "-----BEGIN %s-----\n", label) == 0 &&
        itk_base64_encode_wrapped(&text, data, size, 64) == 0 &&
        itk_buf_printf(&text, "\n-----END %s-----\n", label) == 0)
        parse(text.ptr, text.size);
    itk_buf_dispose(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    itk_buf text = ITK_BUF_INIT;
    parse(data, size);
    if (size >= 2 && data[0] == 0x30)
        wrapped(data, size, "PRIVATE KEY");
    if (size >= 14 && memcmp(data, "openssh-key-v1", 14) == 0 &&
        itk_buf_puts(&text, "-----BEGIN OPENSSH PRIVATE KEY-----\n") == 0 &&
        itk_base64_encode_wrapped(&text, data, size, 70) == 0 &&
        itk_buf_puts(&text, "\n-----END OPENSSH PRIVATE KEY-----\n") == 0)
        parse(text.ptr, text.size);
    itk_buf_dispose(&text);
    return 0;
}
