/* New files into the work tree and its index without a checkout
 * (worktree_add_priv.h). */
#define _POSIX_C_SOURCE 200809L
#include "worktree_add_priv.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "alloc.h"
#include "fault.h"
#include "fsutil.h"
#include "gitindex.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether a file of any of these names exists. */
static int any_file(const char *const *names, size_t n)
{
    struct stat st;
    for (size_t i = 0; i < n; i++)
        if (names[i][0] && stat(names[i], &st) == 0)
            return 1;
    return 0;
}

/* 1 when no attributes file and no core.autocrlf could make git write a
 * file other than its blob (a filter, a line-ending change): none in the
 * tree's or the work tree's folders on path, none of the repository, the
 * user or the system; no sparse checkout. A conservative answer: any such
 * file at all, and a checkout writes. */
static int no_filters(git_repository *repo, const git_tree *tree, const char *path)
{
    git_config *cfg = NULL;
    const char *v;
    int plain = git_repository_config_snapshot(&cfg, repo) == 0;
    if (plain && git_config_get_string(&v, cfg, "core.autocrlf") == 0)
        plain = strcmp(v, "false") == 0;
    if (plain && git_config_get_string(&v, cfg, "core.attributesFile") == 0)
        plain = 0;
    /* a sparse checkout decides which files the work tree has */
    int sparse = 0;
    if (plain && git_config_get_bool(&sparse, cfg, "core.sparseCheckout") == 0 && sparse)
        plain = 0;
    git_config_free(cfg);
    const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
    char info[PATH_MAX], user[PATH_MAX], xdg_user[PATH_MAX];
    snprintf(info, sizeof(info), "%sinfo/attributes", git_repository_commondir(repo));
    snprintf(user, sizeof(user), "%s/.config/git/attributes",
             home && *home ? home : "/nonexistent");
    snprintf(xdg_user, sizeof(xdg_user), "%s/git/attributes", xdg && *xdg ? xdg : "");
    const char *const names[] = {info, user, xdg && *xdg ? xdg_user : "", "/etc/gitattributes"};
    if (plain && any_file(names, sizeof(names) / sizeof(names[0])))
        plain = 0;
    /* .gitattributes beside path and in each folder above it */
    char rel[PATH_MAX], full[2 * PATH_MAX];
    const char *wd = git_repository_workdir(repo);
    for (const char *s = path; plain; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        int dlen = (int)(s - path);
        snprintf(rel, sizeof(rel), "%.*s%s.gitattributes", dlen, path, dlen ? "/" : "");
        snprintf(full, sizeof(full), "%s%s", wd, rel);
        git_tree_entry *e = NULL;
        const char *const here[] = {full};
        if (git_tree_entry_bypath(&e, tree, rel) == 0 || any_file(here, 1))
            plain = 0;
        git_tree_entry_free(e);
        if (!*s)
            break;
    }
    git_error_clear();
    return plain;
}

int itk_worktree_link_above(char *which, size_t n, const char *wd, const char *path)
{
    struct stat st;
    char full[PATH_MAX];
    size_t top = strlen(wd);
    if (snprintf(full, sizeof(full), "%s%s", wd, path) >= (int)sizeof(full))
        return 0;
    for (char *s = full + top; (s = strchr(s, '/')) != NULL; s++) {
        *s = '\0';
        int r = lstat(full, &st);
        if (r == 0 && !S_ISDIR(st.st_mode)) {
            snprintf(which, n, "%s", full + top);
            return 1;
        }
        *s = '/';
        if (r != 0)
            break; /* not there: made as a folder by the write */
    }
    return 0;
}

/* 1 when path is free in the work tree and no folder above it is anything
 * but a folder (itk_worktree_link_above); 0 otherwise. */
static int free_here(const char *wd, const char *path, const char *full)
{
    struct stat st;
    char which[PATH_MAX];
    return !itk_worktree_link_above(which, sizeof(which), wd, path) && lstat(full, &st) != 0 &&
           errno == ENOENT;
}

static int write_file(itk_gitindex_file *f, const char *full, git_blob *blob)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", full);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    if (slash && itk_mkdir_parents(dir) != 0)
        return itk_error_set(ITK_EIO, "cannot create %s: %s", dir, strerror(errno));
    int fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        return itk_error_set(ITK_EIO, "cannot create %s: %s", full, strerror(errno));
    const char *p = git_blob_rawcontent(blob);
    size_t left = (size_t)git_blob_rawsize(blob);
    struct stat st;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
    int rc = left || fstat(fd, &st) != 0;
    if (close(fd) != 0 || rc)
        return itk_error_set(ITK_EIO, "cannot write %s: %s", full, strerror(errno));
    f->ctime_s = (uint32_t)st.st_ctim.tv_sec;
    f->ctime_ns = (uint32_t)st.st_ctim.tv_nsec;
    f->mtime_s = (uint32_t)st.st_mtim.tv_sec;
    f->mtime_ns = (uint32_t)st.st_mtim.tv_nsec;
    f->dev = (uint32_t)st.st_dev;
    f->ino = (uint32_t)st.st_ino;
    f->uid = (uint32_t)st.st_uid;
    f->gid = (uint32_t)st.st_gid;
    f->size = (uint32_t)st.st_size;
    itk_fault_point("checkout");
    return 0;
}

int itk_worktree_add(git_repository *repo, const git_tree *tree, const itk_worktree_file *files,
                     size_t n)
{
    const char *wd = git_repository_workdir(repo);
    char index[PATH_MAX], lock[PATH_MAX + 8];
    if (!wd ||
        snprintf(index, sizeof(index), "%sindex", git_repository_path(repo)) >= (int)sizeof(index))
        return 1;
    snprintf(lock, sizeof(lock), "%s.lock", index);
    git_blob **blobs = itk_calloc(n ? n : 1, sizeof(*blobs));
    char **full = itk_calloc(n ? n : 1, sizeof(*full));
    itk_gitindex_file *add = itk_calloc(n ? n : 1, sizeof(*add));
    itk_buf bytes = ITK_BUF_INIT, out = ITK_BUF_INIT;
    itk_gitindex ix = {0};
    int fd = -1, rc = blobs && full && add ? 0 : 1;
    size_t written = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        size_t len = strlen(wd) + strlen(files[i].path) + 1;
        add[i].path = files[i].path;
        memcpy(add[i].id, files[i].id.id, sizeof(add[i].id));
        if (!(full[i] = itk_malloc(len)) || git_blob_lookup(&blobs[i], repo, &files[i].id) < 0)
            rc = 1;
        else {
            snprintf(full[i], len, "%s%s", wd, files[i].path);
            rc = !free_here(wd, files[i].path, full[i]) || !no_filters(repo, tree, files[i].path);
        }
    }
    /* the index as git takes it: index.lock made new, renamed over it */
    if (!rc && (fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0)
        rc = 1;
    if (!rc)
        rc = itk_buf_read_file(&bytes, index, ITK_GITINDEX_MAX_BYTES) ||
             itk_gitindex_parse(&ix, bytes.ptr, bytes.size) || itk_gitindex_check_add(&ix, add, n);
    for (size_t i = 0; !rc && i < n; i++)
        if (!(rc = write_file(&add[i], full[i], blobs[i])))
            written++;
    if (!rc && !(rc = itk_gitindex_insert(&out, &ix, add, n))) {
        int bad = itk_write_all(fd, out.ptr, out.size) != 0;
        bad |= close(fd) != 0;
        fd = -1;
        if (bad || rename(lock, index) != 0) {
            rc = itk_error_set(ITK_EIO, "cannot write %s: %s", index, strerror(errno));
            unlink(lock);
        }
    }
    if (fd >= 0) {
        close(fd);
        unlink(lock);
    }
    if (rc && !written) {
        rc = 1; /* nothing changed: the checkout's to do */
        itk_error_clear();
    }
    for (size_t i = 0; i < n; i++) {
        git_blob_free(blobs ? blobs[i] : NULL);
        free(full ? full[i] : NULL);
    }
    free(blobs);
    free(full);
    free(add);
    itk_gitindex_dispose(&ix);
    itk_buf_dispose(&bytes);
    itk_buf_dispose(&out);
    git_error_clear();
    return rc;
}
