/* Fuzz target: a known_hosts file (core/flow/remote_auth.c) as a connection
 * to an SSH remote reads it: plain, wildcard, negated and hashed host
 * patterns, markers, comments, keys in base64. The file is the user's, but
 * anyone who can append a line to it (a shared account, a copied home
 * folder) must not be able to crash itaku or make a wrong key match. The
 * corpus's key is looked up for three host spellings; the answer for a key
 * the file cannot hold (one byte longer than any line) is never a match. */
#include "remote_auth.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* the wire blob of the ed25519 key the seeds name (AAAAC3NzaC1lZDI1NTE5AAAAI…) */
static const unsigned char seed_key[51] = {
    0,    0,    0,    11,   's',  's',  'h',  '-',  'e',  'd',  '2',  '5',  '5',
    '1',  '9',  0,    0,    0,    32,   0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
    0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44,
    0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const hosts[] = {"git.example.jp", "[git.example.jp]:2222", "10.0.0.7"};
    static unsigned char *huge;
    const size_t huge_len = ITK_MAX_KNOWN_HOSTS_LINE + 1;
    if (!huge && !(huge = calloc(1, huge_len)))
        return 0;
    for (size_t i = 0; i < sizeof(hosts) / sizeof(*hosts); i++) {
        int r =
            itk_known_hosts_match((const char *)data, size, hosts[i], seed_key, sizeof(seed_key));
        if (r != KH_UNKNOWN && r != KH_MISMATCH && r != KH_MATCH && r != KH_REVOKED)
            abort();
        if (itk_known_hosts_match((const char *)data, size, hosts[i], huge, huge_len) == KH_MATCH)
            abort();
    }
    return 0;
}
