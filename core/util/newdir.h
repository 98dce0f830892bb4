/* A new registry folder that appears whole or not at all (issue 20): init
 * and clone build it in a hidden sibling folder, ".NAME.itaku-new-PID" next
 * to NAME, and rename it to NAME at the end, their commit point. Killed
 * before, they leave no NAME (or the empty NAME they were given, as it
 * was); the hidden folder a killed process left is removed by the next
 * init or clone of NAME once its process is gone. Private to the library. */
#ifndef ITAKU_NEWDIR_H
#define ITAKU_NEWDIR_H

#include <git2.h>
#include <limits.h>
#include <sys/types.h>

typedef struct {
    char dir[PATH_MAX];   /* NAME as given, without trailing slashes */
    char tmp[PATH_MAX];   /* the hidden sibling built in; "" before begin */
    char cache[PATH_MAX]; /* caches made for tmp's path, removed at the end */
    int existed;          /* NAME was an empty folder, of mode `mode` */
    mode_t mode;
} itk_newdir;

/* Makes nd->tmp (mode 0777 less the umask) beside dir, after removing the
 * hidden folders of dir's earlier runs whose process is gone. dir must not
 * exist or be an empty folder (the caller checks, with its own message).
 * ITK_EINVALID (a path too long), ITK_EIO (cannot make it): message names
 * dir. */
int itk_newdir_begin(itk_newdir *nd, const char *dir);

/* The caches this user's itaku made for the registry in nd->tmp are of a
 * path that is gone after the rename: noted, to be removed at the end. */
void itk_newdir_note_caches(itk_newdir *nd, git_repository *repo);

/* The commit point: renames nd->tmp to dir (replacing the empty folder dir,
 * which keeps its mode) and syncs the parent folder. ITAKU_FAULT's
 * "ref-before" and "ref-after" points (fault.h) are just before and after
 * it. ITK_EEXISTS when dir was filled meanwhile, ITK_EIO otherwise; nd->tmp
 * is then still there (itk_newdir_abort removes it). */
int itk_newdir_commit(itk_newdir *nd);

/* Removes nd->tmp when it is still there, and the noted caches; keeps the
 * error message. Safe after a commit and on a zeroed nd. */
void itk_newdir_end(itk_newdir *nd);

#endif
