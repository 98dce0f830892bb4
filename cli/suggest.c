/* The word a person most likely meant when a command or subcommand typed
 * does not exist ("reigster" → register), as git's "did you mean". */
#include "cli.h"

#include <string.h>

#define WORD_MAX 32

/* Edits from a to b (at most WORD_MAX bytes each): insertions, deletions,
 * substitutions and swaps of two neighbours (the optimal string alignment
 * distance); WORD_MAX + 1 for longer words. */
static int edits(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > WORD_MAX || m > WORD_MAX)
        return WORD_MAX + 1;
    int d[WORD_MAX + 1][WORD_MAX + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *cli_closest(const char *typed, const char *const *names, size_t n)
{
    size_t len = strlen(typed);
    const char *best = NULL;
    int best_d = WORD_MAX + 1, ties = 0;
    if (len < 2)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        /* the start of exactly one word ("reg" for register) counts as one
         * edit; more than a third of the word's letters wrong is no guess */
        int d = strncmp(names[i], typed, len) == 0 ? 1 : edits(typed, names[i]);
        int limit = (int)strlen(names[i]) / 3;
        if (d > (limit < 1 ? 1 : limit) || d > 2)
            continue;
        if (d < best_d) {
            best = names[i];
            best_d = d;
            ties = 0;
        } else if (d == best_d)
            ties++;
    }
    return ties ? NULL : best;
}
