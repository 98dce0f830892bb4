/* A tree rebuilt along the paths of the files put in; see treeupdate.h. */
#include "treeupdate.h"
#include "vtrees.h"

#include <stdlib.h>
#include <string.h>

/* Files at most put in this way (a commit writes a few). */
#define TREEUPDATE_MAX_FILES 64
/* Folders deeper than this are the index's (a registry needs five). */
#define TREEUPDATE_MAX_DEPTH 16

typedef struct {
    const char *path;
    const git_oid *blob;
} file;

static int by_path(const void *a, const void *b)
{
    return strcmp(((const file *)a)->path, ((const file *)b)->path);
}

/* Whether the len bytes at s name a file or folder as a registry does
 * (vobject.h: [A-Za-z0-9._-], not starting with '.'), and not ending in
 * '.' either (which git refuses on some systems): any other name is the
 * index's to take or refuse, as it did. */
static int plain_name(const char *s, size_t len)
{
    if (!len || len > 255 || s[0] == '.' || s[len - 1] == '.')
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!s[i] ||
            !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]))
            return 0;
    return 1;
}

/* Whether t's entries are strictly in git's order (no name twice). */
static int in_git_order(const git_tree *t)
{
    size_t n = git_tree_entrycount(t);
    for (size_t i = 1; i < n; i++)
        if (itk_vtrees_entry_cmp(git_tree_entry_byindex(t, i - 1), git_tree_entry_byindex(t, i)) >=
            0)
            return 0;
    return 1;
}

/* Writes folder t (NULL: a new one) with the files f[0..n) put in, their
 * paths from byte off on relative to it: 0 with *out, 1 for the index
 * (which also says what libgit2 could not do here, as it did). */
static int put_level(git_oid *out, git_repository *repo, const git_tree *t, const file *f, size_t n,
                     size_t off, int depth)
{
    git_treebuilder *bld = NULL;
    int rc = 0;
    if (depth > TREEUPDATE_MAX_DEPTH || (t && !in_git_order(t)))
        return 1;
    if (git_treebuilder_new(&bld, repo, t) < 0) {
        git_error_clear();
        return 1;
    }
    for (size_t i = 0; rc == 0 && i < n;) {
        const char *rest = f[i].path + off, *slash = strchr(rest, '/');
        size_t len = slash ? (size_t)(slash - rest) : strlen(rest), j = i + 1;
        char name[256];
        if (!plain_name(rest, len)) {
            rc = 1;
            break;
        }
        memcpy(name, rest, len);
        name[len] = '\0';
        const git_tree_entry *had = git_treebuilder_get(bld, name);
        if (!slash) {
            /* a file: where a folder is, the index's */
            if (had && itk_vtrees_is_folder(had)) {
                rc = 1;
                break;
            }
            if (git_treebuilder_insert(NULL, bld, name, f[i].blob, GIT_FILEMODE_BLOB) < 0)
                rc = 1;
            i = j;
            continue;
        }
        /* a folder: the files below it follow (sorted by path) */
        while (j < n && strncmp(f[j].path + off, rest, len + 1) == 0)
            j++;
        git_tree *sub = NULL;
        git_oid id;
        if (had && !itk_vtrees_is_folder(had)) {
            rc = 1; /* a file where a folder would be */
            break;
        }
        if (had && git_tree_lookup(&sub, repo, git_tree_entry_id(had)) < 0)
            rc = 1;
        if (!rc)
            rc = put_level(&id, repo, sub, f + i, j - i, off + len + 1, depth + 1);
        git_tree_free(sub);
        if (!rc && git_treebuilder_insert(NULL, bld, name, &id, GIT_FILEMODE_TREE) < 0)
            rc = 1;
        i = j;
    }
    if (rc == 0 && git_treebuilder_write(out, bld) < 0)
        rc = 1;
    git_treebuilder_free(bld);
    git_error_clear();
    return rc;
}

int itk_tree_put_files(git_oid *out, git_repository *repo, const git_tree *base,
                       const char *const *paths, const git_oid *blobs, size_t n)
{
    file f[TREEUPDATE_MAX_FILES];
    if (!base || !n || n > TREEUPDATE_MAX_FILES)
        return 1;
    for (size_t i = 0; i < n; i++) {
        f[i].path = paths[i];
        f[i].blob = &blobs[i];
    }
    qsort(f, n, sizeof(*f), by_path);
    /* a file that is also a folder of another (a/b and a/b/c): the index's */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            size_t len = strlen(f[i].path);
            if (i != j && strncmp(f[j].path, f[i].path, len) == 0 && f[j].path[len] == '/')
                return 1;
        }
    return put_level(out, repo, base, f, n, 0, 0);
}
