/* The presence cache (verify.present in this user's cache folder for the
 * registry, cache_dir.h): the folders of the refs' trees an earlier run of
 * the verdict at the tip found whole (every object under them in the object
 * store, V11), with what vouches that they still are, so that the next run
 * looks again only at what is new, not at every folder (issue 18).
 *
 * Why it is sound. An object found in the store was either a loose file
 * (objects/xx/...) or in a pack. Each loose one is noted, and looked up
 * again on every run (one stat). The packed ones were in the files of the
 * pack folder listed before the check (name, size, inode, and modification
 * time but for a pack's data: git sets that time on every write of an
 * object the pack holds already, vpresent.c), the same list after it (else
 * nothing is kept): while each of those files is still there, unchanged,
 * so is each object packed in them,
 * and new files (a fetch's pack) take nothing away. A pack rewritten or
 * removed (a repack, gc, a damaged or replaced file) drops the whole cache,
 * and so does a loose object gone (pruned, packed, deleted): every folder is
 * checked again, as with no cache. A store with alternates (objects that
 * are another store's) is never cached. The file is untrusted input all the
 * same: read with bounded readers, used only when this user's seal holds,
 * and ignored whole when it does not parse. Private to verify. */
#ifndef ITAKU_VPRESENT_H
#define ITAKU_VPRESENT_H

#include "oidmap.h"

#include <git2.h>
#include <stddef.h>
#include <stdint.h>

/* Its name in the registry's cache folder. */
#define ITK_VPRESENT_FILE "verify.present"
/* Files of the pack folder kept at most (more: nothing is kept). */
#define ITK_VPRESENT_MAX_PACKFILES 4096u
/* Folders and loose objects kept at most; more: the file is written empty
 * (the next run checks every folder once, as with no cache). The tree of a
 * registry of 20,000 records holds about 500 folders. */
#define ITK_VPRESENT_MAX_FOLDERS 16384u
#define ITK_VPRESENT_MAX_LOOSE 65536u
/* The longest file name kept of the pack folder. */
#define ITK_VPRESENT_MAX_NAME 255u

/* A file of the pack folder as it was: name, size in bytes, status change
 * time (st_ctim, ns since the epoch; 0 for a pack's data file) and inode. */
typedef struct {
    char name[ITK_VPRESENT_MAX_NAME + 1];
    uint64_t size, ctime_ns, ino;
} itk_vpresent_file;

/* The file's content. folders: each folder found whole with the value
 * itk_tree_objects_present keeps for it (its depth + 1, 1 to 65). */
typedef struct {
    itk_vpresent_file *files;
    size_t nfiles;
    git_oid *folders;
    uint32_t *depths;
    size_t nfolders;
    git_oid *loose;
    size_t nloose;
} itk_vpresent;

/* Parses the len bytes of a presence file (data, borrowed) into a zeroed
 * v: the magic line, u32 format, a u32 count of at most
 * ITK_VPRESENT_MAX_PACKFILES files (name as a string of 1 to
 * ITK_VPRESENT_MAX_NAME bytes without NUL or '/', then size, time and inode
 * as u64), a u32 count of at most ITK_VPRESENT_MAX_FOLDERS folders (raw
 * id, u32 depth of 1 to 65), a u32 count of at most ITK_VPRESENT_MAX_LOOSE
 * raw ids, every count bounded by the bytes left, and nothing after. 0, or
 * -1 when the bytes are not such a file or memory runs out (v may hold part
 * of it: itk_vpresent_dispose). The fuzz target's entry. */
int itk_vpresent_parse(itk_vpresent *v, const unsigned char *data, size_t len);
void itk_vpresent_dispose(itk_vpresent *v);

/* One run's use of the cache. */
typedef struct {
    int usable;          /* no alternates, the pack folder listed */
    int vouched;         /* the file held and still holds */
    size_t nloaded;      /* folders and loose objects taken from it */
    itk_vpresent before; /* the pack folder before the check (files alone) */
    itk_oidmap loose;    /* the loose objects among those found */
} itk_vpresent_run;

/* Starts a check of the refs' trees of repo: seen (initialised, empty) gets
 * the folders the cache file of cache_root (NULL: this user's) vouches are
 * still whole, with their depth values, run the loose objects to look up on
 * the way. Any doubt loads nothing (every folder is checked). 0 or
 * ITK_ENOMEM. Free with itk_vpresent_end or itk_vpresent_run_dispose. */
int itk_vpresent_begin(itk_vpresent_run *run, git_repository *repo, const char *cache_root,
                       itk_oidmap *seen);

/* After every ref's tree was found whole (itk_tree_objects_present_noting
 * with seen and run->loose): writes the file when the check found new
 * folders or the cache did not hold, and the pack folder did not change
 * during the check. A file that cannot be written is no error. Disposes of
 * run. */
void itk_vpresent_end(itk_vpresent_run *run, git_repository *repo, const char *cache_root,
                      const itk_oidmap *seen);
void itk_vpresent_run_dispose(itk_vpresent_run *run);

/* Does repo's object store hold every object under tree (a tree id), as
 * itk_tree_objects_present says, each folder the cache file of cache_root
 * (NULL: this user's) vouches for not looked at again, and the file written
 * back as itk_vpresent_end writes it (for a write, which builds on tree)?
 * 1 or 0; sets no error message. */
int itk_vpresent_tree(git_repository *repo, const char *cache_root, const git_oid *tree);

#endif
