/* Fuzz target: the verification cache file (core/verify/vcache.c). The file
 * lies in this user's cache folder, but it is read with the same bounds as
 * anything from another party: a damaged one must be refused (and rebuilt),
 * never followed. The build's rules digest, the genesis and the city key the
 * file names are taken as the ones asked for, so that what follows them is
 * what gets fuzzed. */
#include "vcache.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC_LEN (sizeof("itaku verify cache\n") - 1)

/* The string at *at (u32 length, big-endian, then its bytes, and from
 * format 4 on a NUL) into out. */
static int header_string(char *out, size_t cap, const uint8_t *data, size_t size, size_t *at)
{
    if (size - *at < 4)
        return -1;
    uint32_t n = (uint32_t)data[*at] << 24 | (uint32_t)data[*at + 1] << 16 |
                 (uint32_t)data[*at + 2] << 8 | data[*at + 3];
    *at += 4;
    if (n >= cap || size - *at < n)
        return -1;
    memcpy(out, data + *at, n);
    out[n] = '\0';
    *at += n;
    if (*at < size && data[*at] == 0)
        (*at)++; /* format 4 writes a NUL after each string */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char rules[65] = "", genesis[41] = "", city[64] = "";
    size_t at = MAGIC_LEN + 4;
    if (size >= at) {
        if (header_string(rules, sizeof(rules), data, size, &at) == 0 &&
            header_string(genesis, sizeof(genesis), data, size, &at) == 0)
            (void)header_string(city, sizeof(city), data, size, &at);
    }
    int n = itk_vcache_parse_bytes(data, size, rules, genesis, city);
    /* each commit takes at least 48 bytes of the file */
    if (n < -1 || (n > 0 && (size_t)n > size / 48))
        abort();
    /* a file for another build or registry is refused */
    if (n >= 0 && (itk_vcache_parse_bytes(data, size, "x", genesis, city) != -1 ||
                   itk_vcache_parse_bytes(data, size, rules, "x", city) != -1))
        abort();
    return 0;
}
