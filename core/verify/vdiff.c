/* Canonical trees are walked here, folder by folder, and a folder equal on
 * both sides is not read. On canonical trees the deltas and their order
 * equal the whole diff's: entries are unique and in git's order, which is
 * the order of full paths; a folder equal on both sides holds nothing
 * libgit2 would report; every file is a regular one (100644), so a file on
 * both sides whose blob differs is modified, one on one side only is added
 * or deleted (a folder on one side only: each file under it), as libgit2
 * lists them with the options verify uses (none but
 * GIT_DIFF_INCLUDE_TYPECHANGE, which only changes a file whose kind
 * changed). Other options, trees not canonical, or any failure: the whole
 * diff runs instead. */
#include "vdiff.h"
#include "itaku/buf.h"
#include "alloc.h"
#include "array.h"
#include "itaku/errors.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    itk_vtrees *trees;
    git_repository *repo;
    const git_diff_options *opts;
    itk_vdelta *d;
    size_t n, cap;
    itk_buf prefix;
    size_t max, over; /* at most max deltas (0: any); over: how many were met */
    int own;          /* 1: folders with changed files listed here, not by libgit2 */
} walk;

void itk_vdiff_free(itk_vdelta *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].old_path);
        free(d[i].new_path);
    }
    free(d);
}

static char *joined(const char *prefix, const char *path)
{
    if (!path)
        return NULL;
    size_t a = strlen(prefix), b = strlen(path);
    char *s = itk_malloc(a + b + 1);
    if (s) {
        memcpy(s, prefix, a);
        memcpy(s + a, path, b + 1);
    }
    return s;
}

/* git_diff_tree_to_tree on a and b, its deltas added under prefix. */
static int diff_whole(walk *w, const git_tree *a, const git_tree *b)
{
    git_diff *diff = NULL;
    const char *prefix = w->prefix.ptr ? w->prefix.ptr : "";
    if (git_diff_tree_to_tree(&diff, w->repo, (git_tree *)a, (git_tree *)b, w->opts) < 0)
        return -1;
    int rc = 0;
    size_t n = git_diff_num_deltas(diff);
    if (w->max && w->n + n > w->max) {
        w->over = w->n + n;
        git_diff_free(diff);
        return ITK_ETOOBIG;
    }
    if (itk_array_reserve(&w->d, &w->cap, w->n + n, sizeof(*w->d)))
        rc = ITK_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        itk_vdelta *v = &w->d[w->n++];
        v->status = d->status;
        v->new_mode = d->new_file.mode;
        v->new_id = d->new_file.id;
        v->old_path = joined(prefix, d->old_file.path);
        v->new_path = joined(prefix, d->new_file.path);
        if ((d->old_file.path && !v->old_path) || (d->new_file.path && !v->new_path))
            rc = ITK_ENOMEM;
    }
    git_diff_free(diff);
    return rc;
}

static const git_tree_entry *at(const git_tree *t, size_t i)
{
    return t && i < git_tree_entrycount(t) ? git_tree_entry_byindex(t, i) : NULL;
}

/* a and b canonical (either NULL: an empty folder): each pair of entries
 * of one name in turn, the key (name and kind) in git's order; *ea or *eb
 * NULL when one side lacks it. */
static int next_pair(const git_tree *a, const git_tree *b, size_t *i, size_t *j,
                     const git_tree_entry **ea, const git_tree_entry **eb)
{
    *ea = at(a, *i);
    *eb = at(b, *j);
    if (!*ea && !*eb)
        return 0;
    int cmp = !*ea ? 1 : !*eb ? -1 : itk_vtrees_entry_cmp(*ea, *eb);
    if (cmp < 0)
        *eb = NULL;
    if (cmp > 0)
        *ea = NULL;
    *i += *ea != NULL;
    *j += *eb != NULL;
    return 1;
}

/* The files under e (1 for a file), counted up to just past limit; folders
 * are read through the kept trees (header first), never diffed. */
static size_t count_files(walk *w, const git_tree_entry *e, size_t limit, unsigned depth)
{
    git_tree *t = NULL;
    if (!itk_vtrees_is_folder(e))
        return 1;
    if (depth > 32 || itk_vtrees_lookup(&t, w->trees, w->repo, git_tree_entry_id(e)) < 0) {
        itk_error_clear();
        return 0; /* the diff below names it */
    }
    size_t n = 0;
    for (size_t k = 0; n <= limit && k < git_tree_entrycount(t); k++)
        n += count_files(w, git_tree_entry_byindex(t, k), limit - n, depth + 1);
    git_tree_free(t);
    return n;
}

/* The options under which list_level answers as libgit2 does. */
static int own_options(const git_diff_options *opts)
{
    return !opts || ((opts->flags & ~(uint32_t)GIT_DIFF_INCLUDE_TYPECHANGE) == 0 &&
                     opts->pathspec.count == 0 && !opts->notify_cb && !opts->progress_cb &&
                     !opts->old_prefix && !opts->new_prefix);
}

/* Adds the delta of file name (under w->prefix): old and neu its entries
 * on each side (NULL: none), as libgit2 fills one (both paths the same; a
 * deleted file's new mode and id zero). -1 past w->max (the whole diff
 * answers), ITK_ENOMEM. */
static int add_file_delta(walk *w, const char *name, const git_tree_entry *old,
                          const git_tree_entry *neu)
{
    if ((w->max && w->n >= w->max) || itk_array_reserve(&w->d, &w->cap, w->n + 1, sizeof(*w->d)))
        return w->max && w->n >= w->max ? -1 : ITK_ENOMEM;
    const char *prefix = w->prefix.ptr ? w->prefix.ptr : "";
    itk_vdelta *v = &w->d[w->n];
    memset(v, 0, sizeof(*v));
    v->status = !old ? GIT_DELTA_ADDED : !neu ? GIT_DELTA_DELETED : GIT_DELTA_MODIFIED;
    if (neu) {
        v->new_mode = (uint16_t)git_tree_entry_filemode_raw(neu);
        git_oid_cpy(&v->new_id, git_tree_entry_id(neu));
    }
    v->old_path = joined(prefix, name);
    v->new_path = joined(prefix, name);
    w->n++; /* freed with the others either way */
    return v->old_path && v->new_path ? 0 : ITK_ENOMEM;
}

static int list_level(walk *w, const git_tree *a, const git_tree *b);

/* level (list_level or diff_level) over the folders of entries ea and eb
 * (either NULL: none), w->prefix grown by their name meanwhile. -1 when a
 * folder cannot be read (the whole diff answers), else level's answer. */
static int descend(walk *w, const git_tree_entry *ea, const git_tree_entry *eb,
                   int (*level)(walk *, const git_tree *, const git_tree *))
{
    git_tree *sa = NULL, *sb = NULL;
    size_t len = w->prefix.size;
    int rc = 0;
    /* each tree's size from its header before it is inflated (in
     * itk_vtrees_lookup, when not kept) */
    if ((ea && itk_vtrees_lookup(&sa, w->trees, w->repo, git_tree_entry_id(ea)) < 0) ||
        (eb && itk_vtrees_lookup(&sb, w->trees, w->repo, git_tree_entry_id(eb)) < 0) ||
        itk_buf_printf(&w->prefix, "%s/", git_tree_entry_name(ea ? ea : eb)) < 0) {
        rc = -1; /* the whole diff answers */
        itk_error_clear();
    } else
        rc = level(w, sa, sb);
    git_tree_free(sa);
    git_tree_free(sb);
    w->prefix.size = len;
    if (w->prefix.ptr)
        w->prefix.ptr[len] = '\0';
    return rc;
}

/* Each pair of entries of one name: a changed file's delta; folders:
 * their own walk, w->prefix grown by the name meanwhile; a folder on one
 * side only is walked against none (a or b NULL). */
static int list_pair(walk *w, const git_tree_entry *ea, const git_tree_entry *eb)
{
    const git_tree_entry *e = ea ? ea : eb;
    if (ea && eb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
        return 0;
    if (!itk_vtrees_is_folder(e))
        return add_file_delta(w, git_tree_entry_name(e), ea, eb);
    return descend(w, ea, eb, list_level);
}

/* The deltas of canonical folders a and b (either NULL: an empty one)
 * under w->prefix, in git's order. */
static int list_level(walk *w, const git_tree *a, const git_tree *b)
{
    const git_tree_entry *ea, *eb;
    size_t i = 0, j = 0;
    int rc = 0;
    while (!rc && next_pair(a, b, &i, &j, &ea, &eb))
        rc = list_pair(w, ea, eb);
    return rc;
}

static int diff_level(walk *w, const git_tree *a, const git_tree *b)
{
    const git_tree_entry *ea, *eb;
    size_t i = 0, j = 0;
    /* a folder only one side has is counted before libgit2 lists each of its
     * files: over max, nothing is listed */
    size_t whole = 0, count = w->n;
    while (next_pair(a, b, &i, &j, &ea, &eb)) {
        if (!ea || !eb) {
            whole = 1;
            if (w->max && count <= w->max)
                count += count_files(w, ea ? ea : eb, w->max - count + 1, 0);
        } else if (!git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
                   !itk_vtrees_is_folder(ea)) {
            whole = 1;
            count++;
        }
    }
    if (w->max && count > w->max) {
        w->over = count;
        return ITK_ETOOBIG;
    }
    if (whole)
        return w->own ? list_level(w, a, b) : diff_whole(w, a, b);
    i = j = 0;
    int rc = 0;
    while (!rc && next_pair(a, b, &i, &j, &ea, &eb))
        if (!git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
            rc = descend(w, ea, eb, diff_level);
    return rc;
}

int itk_vdiff_trees(itk_vdelta **out, size_t *n, itk_vtrees *trees, git_repository *repo,
                    const git_tree *base, const git_tree *tree, const git_diff_options *opts,
                    size_t max)
{
    walk w = {trees, repo, opts, NULL, 0, 0, ITK_BUF_INIT, max, 0, own_options(opts)};
    int rc = -1;
    if (base && itk_vtrees_canonical(trees, repo, base) == 1 &&
        itk_vtrees_canonical(trees, repo, tree) == 1)
        rc = diff_level(&w, base, tree);
    itk_buf_dispose(&w.prefix);
    git_error_clear();
    if (rc && rc != ITK_ETOOBIG) {
        /* not canonical, or it failed: the whole diff, as it answers */
        itk_vdiff_free(w.d, w.n);
        w.d = NULL;
        w.n = w.cap = 0;
        itk_buf_clear(&w.prefix);
        rc = diff_whole(&w, base, tree);
        itk_buf_dispose(&w.prefix);
    }
    if (rc) {
        itk_vdiff_free(w.d, w.n);
        if (rc == ITK_ETOOBIG) {
            *out = NULL;
            *n = w.over;
        }
        return rc;
    }
    *out = w.d;
    *n = w.n;
    return 0;
}
