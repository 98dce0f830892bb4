/* Removing a folder that itaku itself created, when an operation that made
 * it is refused: nothing is left behind. */
#define _XOPEN_SOURCE 700
#include "fsutil.h"

#include <ftw.h>
#include <stdio.h>

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void itk_remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
