/* Small file-system helpers private to the library. */
#ifndef ITAKU_FSUTIL_H
#define ITAKU_FSUTIL_H

/* Removes dir and everything under it, without following links. */
void itk_remove_tree(const char *dir);

#endif
