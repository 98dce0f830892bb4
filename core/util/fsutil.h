/* Small file-system helpers private to the library. */
#ifndef ITAKU_FSUTIL_H
#define ITAKU_FSUTIL_H

#include <stddef.h>

/* Removes dir and everything under it, without following links. */
void itk_remove_tree(const char *dir);

/* Makes the folder path and the folders above it that are missing (mode
 * 0777 less the umask), as git init, clone and checkout do. 0, or -1 with
 * errno (a path longer than PATH_MAX: ENAMETOOLONG). */
int itk_mkdir_parents(const char *path);

/* Writes len bytes of data to fd, again after a short write or EINTR.
 * 0, or -1 with errno (a write of 0 bytes leaves errno as write left it). */
int itk_write_all(int fd, const void *data, size_t len);

#endif
