/* Fuzz target: the verification cache file (core/verify/vcache.c) and the
 * file of its additions. The files lie in this user's cache folder, but
 * they are read with the same bounds as anything from another party: a
 * damaged one must be refused (and rebuilt), never followed. The build's
 * rules digest, the genesis and the city key the file names are taken as
 * the ones asked for, so that what follows them is what gets fuzzed. An
 * input holding the additions' magic after its start is the two files: the
 * cache file before it, the additions from it on. */
#include "vcache.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC_LEN (sizeof("itaku verify cache\n") - 1)
static const char ADD_MAGIC[] = "itaku verify cache additions\n";

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
    /* the cache file and its additions, when the input holds both */
    size_t blen = size;
    for (size_t k = 1; k + sizeof(ADD_MAGIC) - 1 <= size; k++)
        if (memcmp(data + k, ADD_MAGIC, sizeof(ADD_MAGIC) - 1) == 0) {
            blen = k;
            break;
        }
    const uint8_t *add = blen < size ? data + blen : NULL;
    size_t alen = size - blen;
    int n = itk_vcache_parse_pair(data, blen, add, alen, rules, genesis, city);
    /* each commit takes at least 48 bytes of the files */
    if (n < -1 || (n > 0 && (size_t)n > size / 48))
        abort();
    /* the additions only add to what the cache file holds */
    int base = itk_vcache_parse_bytes(data, blen, rules, genesis, city);
    if ((base < 0) != (n < 0) || (n >= 0 && n < base))
        abort();
    /* files for another build or registry are refused */
    if (n >= 0 && (itk_vcache_parse_pair(data, blen, add, alen, "x", genesis, city) != -1 ||
                   itk_vcache_parse_pair(data, blen, add, alen, rules, "x", city) != -1))
        abort();
    return 0;
}
