/* Variant forms of one kanji: see itaku/kanji_variants.h. */
#include "itaku/kanji_variants.h"
#include "itaku/utf8.h"

#include <string.h>

/* kanji_variant_pairs[][2]: {smaller, larger} code points, sorted, made at
 * build time by core/kanji_variants.sh */
#include "kanji_variants_table.h"

#define NPAIRS (sizeof(kanji_variant_pairs) / sizeof(*kanji_variant_pairs))

size_t itk_kanji_variant_count(void)
{
    return NPAIRS;
}

int itk_kanji_variant_pair(unsigned long a, unsigned long b)
{
    if (a == b)
        return 0;
    if (a > b) {
        unsigned long t = a;
        a = b;
        b = t;
    }
    size_t lo = 0, hi = NPAIRS;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        unsigned long x = kanji_variant_pairs[mid][0], y = kanji_variant_pairs[mid][1];
        if (x == a && y == b)
            return 1;
        if (x < a || (x == a && y < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The code point at *s (n bytes left), advancing *s; -1 when the bytes
 * there are not valid UTF-8. */
static long next_cp(const unsigned char **s, size_t *n)
{
    size_t k = itk_utf8_seq_len(*s, *n);
    const unsigned char *p = *s;
    if (!k)
        return -1;
    long cp = k == 1   ? p[0]
              : k == 2 ? (p[0] & 0x1FL) << 6 | (p[1] & 0x3FL)
              : k == 3 ? (p[0] & 0x0FL) << 12 | (p[1] & 0x3FL) << 6 | (p[2] & 0x3FL)
                       : (p[0] & 0x07L) << 18 | (p[1] & 0x3FL) << 12 | (p[2] & 0x3FL) << 6 |
                             (p[3] & 0x3FL);
    *s += k;
    *n -= k;
    return cp;
}

int itk_kanji_variant_equal(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    size_t np = strlen(a), nq = strlen(b);
    while (np && nq) {
        long x = next_cp(&p, &np), y = next_cp(&q, &nq);
        if (x < 0 || y < 0 ||
            (x != y && !itk_kanji_variant_pair((unsigned long)x, (unsigned long)y)))
            return 0;
    }
    return !np && !nq;
}
