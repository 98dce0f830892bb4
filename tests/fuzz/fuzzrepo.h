/* Shared by the fuzz targets that put their input into a repository: an
 * empty bare repository in a temporary folder, made once a process, and
 * files written whole. */
#ifndef ITAKU_FUZZREPO_H
#define ITAKU_FUZZREPO_H

#include <stddef.h>
#include <stdint.h>

/* The temporary folder (under /dev/shm when it can be written, else $TMPDIR
 * or /tmp), made with libgit2 initialised and an empty bare repository
 * "<folder>/repo.git" in it on the first call; aborts when it cannot. The
 * folder's path; *repo_dir (when repo_dir is not NULL) the repository's.
 * Both live until the process ends. */
const char *fuzzrepo_root(const char **repo_dir);

/* Writes size bytes of data to path, replacing it; aborts when it cannot. */
void fuzzrepo_put(const char *path, const uint8_t *data, size_t size);

#endif
