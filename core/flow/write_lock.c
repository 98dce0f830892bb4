/* One writer at a time, and the repair at the start of every write
 * (itaku/write_lock.h). The branch is the commit point of every write: what
 * a crash leaves behind it (a git lock file, an index and work tree of the
 * previous commit) is put right here, before the next write reads anything. */
#define _GNU_SOURCE
#include "itaku/write_lock.h"
#include "itaku/errors.h"
#include "alloc.h"
#include "intl.h"
#include "registry_priv.h"
#include "worktree_add_priv.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LOCK_DEPTH 16

/* Removes *.lock files under dir (depth-bounded, links not followed) whose
 * change time is not older than since (unix seconds). */
static void remove_locks_under(const char *dir, long long since, int depth)
{
    DIR *d = opendir(dir);
    if (!d || depth > MAX_LOCK_DEPTH) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char path[4096];
        struct stat st;
        if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
            lstat(path, &st) < 0)
            continue;
        size_t n = strlen(de->d_name);
        if (S_ISDIR(st.st_mode))
            remove_locks_under(path, since, depth + 1);
        else if (S_ISREG(st.st_mode) && n > 5 && strcmp(de->d_name + n - 5, ".lock") == 0 &&
                 (long long)st.st_mtime >= since)
            unlink(path);
    }
    closedir(d);
}

/* The git lock files a killed writer may have left (libgit2 takes them with
 * O_EXCL and renames them into place; killed in between, they stay and
 * every later update of that file fails). Only those made since the dead
 * holder started: a lock older than that is not its doing. */
static void remove_dead_locks(const char *gitdir, long long since)
{
    static const char *const top[] = {"HEAD.lock",   "index.lock",     "packed-refs.lock",
                                      "config.lock", "ORIG_HEAD.lock", "FETCH_HEAD.lock"};
    char path[4096];
    since -= 1; /* file times and the record's clock are read apart */
    for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
        struct stat st;
        snprintf(path, sizeof(path), "%s%s", gitdir, top[i]);
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (long long)st.st_mtime >= since)
            unlink(path);
    }
    snprintf(path, sizeof(path), "%srefs", gitdir);
    remove_locks_under(path, since, 0);
    snprintf(path, sizeof(path), "%slogs", gitdir);
    remove_locks_under(path, since, 0);
}

static size_t diff_count(git_diff *d)
{
    return d ? git_diff_num_deltas(d) : 0;
}

/* Whether the index holds exactly tree. */
static int index_is(git_repository *repo, git_tree *tree, git_index *idx)
{
    git_diff *d = NULL;
    int yes = tree && git_diff_tree_to_index(&d, repo, tree, idx, NULL) == 0 && diff_count(d) == 0;
    git_diff_free(d);
    return yes;
}

/* The tree the branch held before the write that was cut short, when the
 * index still holds it: the reflog's previous value (the reflog is written
 * with the ref), else the first parent's. NULL when the index holds
 * neither (or nothing: a clone stopped before its first checkout). */
static void previous_tree(git_tree **out, git_repository *repo, const char *branch,
                          const git_commit *head, git_index *idx)
{
    git_reflog *log = NULL;
    git_commit *c = NULL;
    git_tree *t = NULL;
    *out = NULL;
    if (git_reflog_read(&log, repo, branch) == 0 && git_reflog_entrycount(log) > 0) {
        const git_oid *old = git_reflog_entry_id_old(git_reflog_entry_byindex(log, 0));
        if (!git_oid_is_zero(old) && git_commit_lookup(&c, repo, old) == 0 &&
            git_commit_tree(&t, c) == 0 && index_is(repo, t, idx)) {
            *out = t;
            t = NULL;
        }
        git_tree_free(t);
        git_commit_free(c);
        t = NULL;
        c = NULL;
    }
    git_reflog_free(log);
    if (!*out && git_commit_parentcount(head) > 0 && git_commit_parent(&c, head, 0) == 0 &&
        git_commit_tree(&t, c) == 0 && index_is(repo, t, idx)) {
        *out = t;
        t = NULL;
    }
    git_tree_free(t);
    git_commit_free(c);
}

static int repair_work_tree(itk_registry *reg)
{
    git_repository *repo = reg->repo;
    git_reference *head = NULL;
    git_commit *commit = NULL;
    git_tree *tree = NULL, *prev = NULL;
    git_index *idx = NULL;
    git_diff *now = NULL, *before = NULL, *change = NULL;
    char **paths = NULL;
    size_t npaths = 0;
    int rc = 0;
    if (git_repository_is_bare(repo))
        return 0;
    if (git_repository_head(&head, repo) < 0 || git_reference_type(head) != GIT_REFERENCE_DIRECT ||
        git_commit_lookup(&commit, repo, git_reference_target(head)) < 0 ||
        git_commit_tree(&tree, commit) < 0)
        goto done; /* no commits yet: nothing to bring up to date */
    if (git_repository_index(&idx, repo) < 0 || git_index_read(idx, 1) < 0 ||
        git_diff_tree_to_index(&now, repo, tree, idx, NULL) < 0) {
        rc = itk_error_git("cannot read the index of the registry");
        goto done;
    }
    if (diff_count(now) == 0)
        goto done;
    previous_tree(&prev, repo, git_reference_name(head), commit, idx);
    if (git_index_entrycount(idx) > 0) {
        /* the index must be exactly the branch's previous tree: anything
         * else is somebody's staging, not a write cut short */
        if (!prev || git_diff_tree_to_index(&before, repo, prev, idx, NULL) < 0 ||
            diff_count(before) != 0)
            goto done;
    }
    if (git_diff_tree_to_tree(&change, repo, git_index_entrycount(idx) > 0 ? prev : NULL, tree,
                              NULL) < 0) {
        rc = itk_error_git("cannot compare the registry's last two commits");
        goto done;
    }
    size_t n = diff_count(change);
    paths = itk_calloc(n ? 2 * n : 1, sizeof(*paths));
    if (!paths) {
        rc = ITK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const git_diff_delta *d = git_diff_get_delta(change, i);
        paths[npaths++] = (char *)d->new_file.path;
        if (strcmp(d->old_file.path, d->new_file.path) != 0)
            paths[npaths++] = (char *)d->old_file.path;
    }
    /* libgit2's checkout writes through a folder replaced by a symbolic
     * link, out of the registry: the person puts the folder back first */
    char link[1024];
    for (size_t i = 0; i < npaths; i++)
        if (itk_worktree_link_above(link, sizeof(link), git_repository_workdir(repo), paths[i])) {
            rc = itk_error_set(ITK_ECONFLICT,
                               "%s in the work tree of the registry is not a folder but a symbolic "
                               "link or a file, so the files of commit %.12s are not written "
                               "there; remove it, run `git checkout -- %s` and run the command "
                               "again (nothing was changed)",
                               link, git_oid_tostr_s(git_commit_id(commit)), link);
            goto done;
        }
    git_checkout_options co;
    git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
    co.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
    co.paths.strings = paths;
    co.paths.count = npaths;
    /* from what the index holds: the default, HEAD, is already the new
     * commit, and a half-written file would look like the target's */
    co.baseline_index = idx;
    if (npaths && git_checkout_tree(repo, (git_object *)commit, &co) < 0)
        rc = itk_error_git("an earlier itaku stopped before the files of commit %.12s were "
                           "written; bringing them up to date failed (free space on the disk "
                           "and run the command again; the commit itself is safe)",
                           git_oid_tostr_s(git_commit_id(commit)));
done:
    free(paths);
    git_diff_free(change);
    git_diff_free(before);
    git_diff_free(now);
    git_index_free(idx);
    git_tree_free(prev);
    git_tree_free(tree);
    git_commit_free(commit);
    git_reference_free(head);
    if (!rc)
        itk_error_clear();
    return rc;
}

static int take(itk_lock **out, int *cut_short, git_repository *repo, unsigned wait_ms,
                itk_lock_wait_cb cb, void *payload)
{
    const char *gitdir = git_repository_commondir(repo);
    const char *wd = git_repository_workdir(repo);
    char path[4096], what[4200];
    itk_lock_holder dead;
    snprintf(path, sizeof(path), "%s%s", gitdir, ITK_WRITE_LOCK_FILE);
    snprintf(what, sizeof(what), itk__("the registry %s"), wd ? wd : gitdir);
    int rc = itk_lock_take(out, &dead, path, what, wait_ms, cb, payload);
    if (!rc && dead.pid)
        remove_dead_locks(gitdir, dead.start);
    if (cut_short)
        *cut_short = !rc && dead.pid;
    return rc;
}

int itk_registry_write_begin(itk_registry *reg)
{
    if (reg->wlock)
        return 0;
    int cut_short = 0;
    int rc = take(&reg->wlock, &cut_short, reg->repo, reg->lock_wait_ms, reg->lock_cb,
                  reg->lock_payload);
    if (rc)
        return rc;
    /* the files are put right only after a write that did not finish: an
     * index that differs from the branch otherwise is a person's doing */
    char marker[4096];
    snprintf(marker, sizeof(marker), "%s%s", git_repository_commondir(reg->repo), ITK_REPAIR_FILE);
    if (!cut_short && access(marker, F_OK) == 0)
        cut_short = 1;
    if (cut_short && (rc = repair_work_tree(reg))) {
        itk_lock_release(reg->wlock);
        reg->wlock = NULL;
        return rc;
    }
    if (cut_short)
        unlink(marker);
    return 0;
}

int itk_repo_write_lock(itk_lock **out, git_repository *repo)
{
    return take(out, NULL, repo, ITK_LOCK_WAIT_MS, NULL, NULL);
}
