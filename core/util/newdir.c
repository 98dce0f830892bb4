/* Building a new registry folder beside its name and renaming it at the end
 * (newdir.h). */
#include "newdir.h"
#include "itaku/errors.h"
#include "cache_dir.h"
#include "fault.h"
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_INFIX ".itaku-new-"

/* dir split into its parent folder ("." when none) and its last name. */
static int split(char parent[PATH_MAX], char name[PATH_MAX], const char *dir)
{
    const char *slash = strrchr(dir, '/');
    if (!slash)
        return snprintf(parent, PATH_MAX, ".") < 0 || snprintf(name, PATH_MAX, "%s", dir) < 0;
    size_t plen = slash == dir ? 1 : (size_t)(slash - dir);
    if (plen >= PATH_MAX || strlen(slash + 1) >= PATH_MAX)
        return -1;
    memcpy(parent, dir, plen);
    parent[plen] = '\0';
    snprintf(name, PATH_MAX, "%s", slash + 1);
    return 0;
}

/* Removes parent/.name.itaku-new-PID folders whose PID is no process. */
static void remove_stale(const char *parent, const char *name)
{
    char prefix[PATH_MAX + 32], path[2 * PATH_MAX];
    snprintf(prefix, sizeof(prefix), ".%s" TMP_INFIX, name);
    size_t plen = strlen(prefix);
    DIR *d = opendir(parent);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strncmp(de->d_name, prefix, plen) != 0)
            continue;
        char *end;
        long pid = strtol(de->d_name + plen, &end, 10);
        /* only a process that is gone: a live one (or one we may not
         * signal) may still be building it */
        if (*end || pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", parent, de->d_name) < (int)sizeof(path))
            itk_remove_tree(path);
    }
    if (d)
        closedir(d);
}

int itk_newdir_begin(itk_newdir *nd, const char *dir)
{
    char parent[PATH_MAX], name[PATH_MAX];
    struct stat st;
    memset(nd, 0, sizeof(*nd));
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 0 || n >= sizeof(nd->dir))
        return itk_error_set(ITK_EINVALID, "'%s' is not a folder name that can be made", dir);
    memcpy(nd->dir, dir, n);
    nd->dir[n] = '\0';
    if (split(parent, name, nd->dir) || !*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return itk_error_set(ITK_EINVALID,
                             "'%s' is not a folder name that can be made; name a new folder", dir);
    if (stat(nd->dir, &st) == 0) {
        nd->existed = 1;
        nd->mode = st.st_mode & 07777;
    }
    if (itk_mkdir_parents(parent) != 0)
        return itk_error_set(ITK_EIO, "cannot make the folder %s for %s: %s", parent, dir,
                             strerror(errno));
    remove_stale(parent, name);
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof(tmp), "%s/.%s" TMP_INFIX "%ld", parent, name, (long)getpid()) >=
        (int)sizeof(tmp))
        return itk_error_set(ITK_EINVALID, "the path %s is too long", dir);
    itk_remove_tree(tmp); /* this process's own, from an earlier call */
    if (mkdir(tmp, 0777) != 0)
        return itk_error_set(ITK_EIO, "cannot make a folder beside %s: %s", dir, strerror(errno));
    snprintf(nd->tmp, sizeof(nd->tmp), "%s", tmp);
    return 0;
}

void itk_newdir_note_caches(itk_newdir *nd, git_repository *repo)
{
    itk_cache_place pl;
    itk_error_state why;
    itk_error_save(&why);
    itk_cache_place_init(&pl, repo, NULL);
    snprintf(nd->cache, sizeof(nd->cache), "%s", pl.dir);
    itk_cache_place_dispose(&pl);
    itk_error_restore(&why);
}

int itk_newdir_commit(itk_newdir *nd)
{
    if (nd->existed && chmod(nd->tmp, nd->mode) != 0)
        return itk_error_set(ITK_EIO, "cannot set the mode of %s: %s", nd->dir, strerror(errno));
    itk_fault_point("ref-before");
    if (rename(nd->tmp, nd->dir) != 0) {
        int e = errno;
        if (e == ENOTEMPTY || e == EEXIST || e == ENOTDIR)
            return itk_error_set(ITK_EEXISTS,
                                 "%s was made by someone else meanwhile; nothing was kept, "
                                 "choose a new folder",
                                 nd->dir);
        return itk_error_set(ITK_EIO, "cannot rename the new registry to %s: %s", nd->dir,
                             strerror(e));
    }
    nd->tmp[0] = '\0';
    char parent[PATH_MAX], name[PATH_MAX];
    if (split(parent, name, nd->dir) == 0) {
        int fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
    }
    itk_fault_point("ref-after");
    return 0;
}

void itk_newdir_end(itk_newdir *nd)
{
    itk_error_state why;
    itk_error_save(&why);
    if (nd->tmp[0])
        itk_remove_tree(nd->tmp);
    nd->tmp[0] = '\0';
    if (nd->cache[0])
        itk_remove_tree(nd->cache);
    nd->cache[0] = '\0';
    itk_error_restore(&why);
}
