/* A registry's object folder checked before libgit2 reads an object from
 * it (issue 20): a registry may be copied from anyone, so what libgit2
 * would take from the folder unchecked is refused, checked first, or kept
 * from it. */
#include "itaku/errors.h"
#include "commitgraph.h"
#include "packidx.h"
#include "registry_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether something (a file, a folder, a link) is at dir/name; its path
 * into path (of size n). */
static int present(char *path, size_t n, const char *dir, const char *name)
{
    struct stat st;
    int k = snprintf(path, n, "%s/%s", dir, name);
    return k >= 0 && (size_t)k < n && lstat(path, &st) == 0;
}

/* git's alternates: objects read from other folders, as `git clone
 * --shared` or `--reference` leaves them. libgit2 follows them (five deep)
 * without checking the packs there; and a registry whose objects are
 * elsewhere cannot be checked from its own folder alone, as an auditor may
 * have to years later. objects/info/http-alternates is not looked at:
 * only git's dumb HTTP client reads it, fetching from this folder. */
static int alternates_refused(const char *objects)
{
    char path[4096];
    if (!present(path, sizeof(path), objects, "info/alternates"))
        return 0;
    return itk_error_set(ITK_EUNSUPPORTED,
                         "%s makes this registry take objects from other folders (git's "
                         "alternates, as `git clone --shared` or `--reference` leaves them); "
                         "itaku reads a registry from its own folder only, so that it can be "
                         "checked from that folder alone. Copy those objects in with `git repack "
                         "-a -d` in the registry, then remove %s; nothing was read or written",
                         path, path);
}

/* A multi-pack index: libgit2 1.5 reads it whenever it opens the object
 * folder, with no setting to keep it from doing so, and trusts its counts
 * (an object count whose table length overflows 32 bits sends its check
 * outside the file) and its offsets into packs whose own indexes it then
 * never reads. It only speeds git up (each pack keeps its index, which
 * itk_packidx_check_file checks), and stock git writes one only when asked
 * (`git multi-pack-index write`, `git repack --write-midx`, `git
 * maintenance`'s incremental-repack), so it is refused, not parsed. */
static int midx_refused(const char *objects)
{
    char path[4096];
    if (!present(path, sizeof(path), objects, "pack/multi-pack-index"))
        return 0;
    return itk_error_set(ITK_EUNSUPPORTED,
                         "%s is a multi-pack index, which itaku does not read: it only speeds "
                         "git up, each pack keeps its own index, and the library itaku reads "
                         "git with would trust it unchecked. Remove it (`rm %s`; git works the "
                         "same without it); nothing was read or written",
                         path, path);
}

static int pack_checked(const char *idx, const char *pack, void *payload)
{
    (void)payload;
    int rc = itk_packidx_check_file(idx, pack);
    if (rc)
        rc = itk_error_set(rc,
                           "%s. Nothing was read from it: remove it and make it again from its "
                           "pack with `git index-pack %s` (or take the registry again from where "
                           "it came)",
                           itk_error_last(), pack);
    return rc;
}

int itk_registry_objects_check(git_repository *repo, const char *objects_dir)
{
    char objects[4096], dir[sizeof(objects) + 8];
    int n = objects_dir
                ? snprintf(objects, sizeof(objects), "%s", objects_dir)
                : snprintf(objects, sizeof(objects), "%sobjects", git_repository_commondir(repo));
    if (n < 0 || (size_t)n >= sizeof(objects) - 5)
        return 0; /* nothing could open a file there */
    int rc = alternates_refused(objects);
    if (!rc)
        rc = midx_refused(objects);
    snprintf(dir, sizeof(dir), "%s/pack", objects);
    if (!rc)
        rc = itk_packidx_each(dir, pack_checked, NULL);
    if (!rc)
        rc = itk_repository_commit_graph_off(repo);
    return rc;
}

int itk_registry_source_open(git_repository **out, const char **path, const char *url)
{
    *out = NULL;
    const char *p = url;
    if (strncmp(url, "file://", 7) == 0)
        p = url + 7;
    else if (strstr(url, "://") || access(url, F_OK) != 0)
        return 0; /* not a path: what arrives goes through the fetch's guard */
    if (path)
        *path = p;
    if (git_repository_open_ext(out, p, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
        git_error_clear();
        *out = NULL;
        return 0; /* the fetch says what is wrong with it */
    }
    int rc = itk_registry_objects_check(*out, NULL);
    if (rc) {
        git_repository_free(*out);
        *out = NULL;
    }
    return rc;
}
