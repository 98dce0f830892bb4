/* Writing signed commits: the change set, the trailers of DESIGN §4, the
 * in-process SSH signature, and moving the branch compare-and-swap. */
#include "itaku/write_lock.h"
#include "itaku/errors.h"
#include "intl.h"
#include "alloc.h"
#include "itaku/json.h"
#include "itaku/chain.h"
#include "itaku/sshkey.h"
#include "itaku/verify.h"
#include "itaku/names.h"
#include "registry_priv.h"
#include "verify_priv.h"
#include "itaku/commit.h"
#include "commit_priv.h"
#include "canon_cache.h"
#include "vpresent.h"
#include "fault.h"
#include "treemerge.h"
#include "treeupdate.h"
#include "vdiff.h"
#include "worktree_add_priv.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char *path;
    char *data;
    size_t len;
} change_file;

struct itk_change {
    char *action;
    char *subject;
    change_file *files;
    size_t nfiles;
    itk_buf extra; /* extra trailer lines */
    /* every object of the base tree was found in the store
     * (itk_tree_objects_present): with no file added, base is the tree,
     * unread (a receipt, issue 18) */
    int base_present;
};

int itk_change_new(itk_change **out, const char *action, const char *subject)
{
    itk_change *c = itk_calloc(1, sizeof(*c));
    if (!c || !(c->action = itk_strdup(action)) || !(c->subject = itk_strdup(subject))) {
        itk_change_free(c);
        return ITK_ENOMEM;
    }
    *out = c;
    return 0;
}

int itk_change_add(itk_change *c, const char *path, const void *data, size_t len)
{
    for (size_t i = 0; i < c->nfiles; i++)
        if (strcmp(c->files[i].path, path) == 0)
            return itk_error_set(ITK_EEXISTS, "%s is added twice in one commit", path);
    change_file *f = itk_realloc_array(c->files, c->nfiles + 1, sizeof(*f));
    if (!f)
        return ITK_ENOMEM;
    c->files = f;
    f = &c->files[c->nfiles];
    f->path = itk_strdup(path);
    f->data = itk_malloc(len);
    if (!f->path || !f->data) {
        free(f->path);
        free(f->data);
        return ITK_ENOMEM;
    }
    memcpy(f->data, data, len);
    f->len = len;
    c->nfiles++;
    return 0;
}

int itk_change_trailer(itk_change *c, const char *key, const char *value)
{
    if (strpbrk(value, "\r\n") || strpbrk(key, ": \r\n"))
        return itk_error_set(ITK_EINVALID, "a trailer may not contain a line break");
    return itk_buf_printf(&c->extra, "%s: %s\n", key, value);
}

int itk_change_set_subject(itk_change *c, const char *fmt, ...)
{
    char subject[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(subject, sizeof(subject), fmt, ap);
    va_end(ap);
    char *s = itk_strdup(subject);
    if (!s)
        return ITK_ENOMEM;
    free(c->subject);
    c->subject = s;
    return 0;
}

void itk_change_free(itk_change *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nfiles; i++) {
        free(c->files[i].path);
        free(c->files[i].data);
    }
    free(c->files);
    free(c->action);
    free(c->subject);
    itk_buf_dispose(&c->extra);
    free(c);
}

static int build_message(itk_buf *msg, const itk_identity *who, itk_change *c)
{
    /* one line, and never a "---" line: git and libgit2 would read the
     * trailers after it differently, and verify refuses such a message (V10) */
    if (strpbrk(c->subject, "\r\n") || strncmp(c->subject, "---", 3) == 0)
        return strpbrk(c->subject, "\r\n")
                   ? itk_error_set(ITK_EINVALID,
                                   "the commit subject '%.60s' has a line break; write it as one "
                                   "line that does not begin with '---'",
                                   c->subject)
                   : itk_error_set(ITK_EINVALID,
                                   "the commit subject '%.60s' begins with '---'; write it as one "
                                   "line that does not begin with '---'",
                                   c->subject);
    itk_content_entry *entries = itk_calloc(c->nfiles, sizeof(*entries));
    if (!entries)
        return ITK_ENOMEM;
    int rc = itk_buf_printf(msg,
                            "%s\n\n" ITK_TRAILER_PARTY ": %s\n" ITK_TRAILER_PRINCIPAL
                            ": %s\n" ITK_TRAILER_ACTION ": %s\n",
                            c->subject, who->party, who->principal, c->action);
    for (size_t i = 0; !rc && i < c->nfiles; i++) {
        itk_path_info pi;
        itk_path_classify(&pi, c->files[i].path);
        if (pi.kind == ITK_PATH_RECORD || pi.kind == ITK_PATH_KEY || pi.kind == ITK_PATH_PARTY)
            rc = itk_buf_printf(msg, ITK_TRAILER_RECORD ": %s\n", c->files[i].path);
        entries[i].path = c->files[i].path;
        EVP_Digest(c->files[i].data, c->files[i].len, entries[i].sha256, NULL, EVP_sha256(), NULL);
    }
    if (!rc && c->extra.size)
        rc = itk_buf_put(msg, c->extra.ptr, c->extra.size);
    char hex[65];
    itk_content_hash(hex, entries, c->nfiles);
    if (!rc)
        rc = itk_buf_printf(msg, ITK_TRAILER_CONTENT ": %s\n", hex);
    free(entries);
    return rc;
}

/* The tree of base and c's files by the index: every file of base read
 * into it, the new ones added, every folder written. */
static int tree_by_index(git_oid *out, git_repository *repo, const git_tree *base, itk_change *c,
                         const git_oid *blobs)
{
    git_index *idx = NULL;
    int rc = 0;
    if (git_index_new(&idx) < 0)
        return itk_error_git("cannot create an index");
    if (base && git_index_read_tree(idx, base) < 0) {
        rc = itk_error_git("cannot read the base tree");
        goto done;
    }
    for (size_t i = 0; i < c->nfiles; i++) {
        git_index_entry e;
        memset(&e, 0, sizeof(e));
        e.id = blobs[i];
        e.mode = GIT_FILEMODE_BLOB;
        e.path = c->files[i].path;
        if (git_index_add(idx, &e) < 0) {
            rc = itk_error_git("cannot add %s", c->files[i].path);
            goto done;
        }
    }
    if (git_index_write_tree_to(out, idx, repo) < 0)
        rc = itk_error_git("cannot write the tree into %sobjects", git_repository_path(repo));
done:
    git_index_free(idx);
    return rc;
}

static int build_tree(git_oid *out, git_repository *repo, const git_tree *base, itk_change *c)
{
    git_oid *blobs = itk_calloc(c->nfiles ? c->nfiles : 1, sizeof(*blobs));
    const char **paths = itk_calloc(c->nfiles ? c->nfiles : 1, sizeof(*paths));
    int rc = blobs && paths ? 0 : ITK_ENOMEM;
    for (size_t i = 0; !rc && i < c->nfiles; i++) {
        if (git_blob_create_from_buffer(&blobs[i], repo, c->files[i].data, c->files[i].len) < 0) {
            rc = itk_error_git("cannot store %s in %sobjects", c->files[i].path,
                               git_repository_path(repo));
            break;
        }
        itk_fault_point("object");
        paths[i] = c->files[i].path;
    }
    /* no file: base itself, when its objects were all found (a receipt's
     * merged tree, which the index would only read and write again) */
    if (!rc && !c->nfiles && base && c->base_present) {
        *out = *git_tree_id(base);
        itk_fault_point("object");
        free(blobs);
        free(paths);
        return 0;
    }
    /* on a tree a check found canonical (canon.cache), only the folders on
     * the new files' paths are written (issue 18); any other, and any
     * folder out of the ordinary on those paths, the index builds as before;
     * so does a tree with an object lost since (V11: the index refuses it;
     * the folders verify.present vouches for are not looked at again) */
    if (!rc)
        rc = base && itk_canon_cache_holds(repo, git_tree_id(base)) &&
                     itk_vpresent_tree(repo, NULL, git_tree_id(base))
                 ? itk_tree_put_files(out, repo, base, paths, blobs, c->nfiles)
                 : 1;
    if (rc == 1)
        rc = tree_by_index(out, repo, base, c, blobs);
    if (!rc)
        itk_fault_point("object");
    free(blobs);
    free(paths);
    return rc;
}

int itk_commit_write(git_oid *out, git_repository *repo, itk_signer *signer,
                     const itk_identity *who, itk_change *c, const git_commit **parents,
                     size_t nparents, const git_tree *base, int offset)
{
    itk_buf msg = ITK_BUF_INIT, armor = ITK_BUF_INIT;
    git_buf content = GIT_BUF_INIT;
    git_signature *sig = NULL;
    git_tree *tree = NULL;
    git_oid tree_id;
    char name[128], email[128];
    int rc = build_message(&msg, who, c);
    if (!rc)
        rc = build_tree(&tree_id, repo, base, c);
    if (rc)
        goto done;
    if (git_tree_lookup(&tree, repo, &tree_id) < 0) {
        rc = itk_error_git("cannot read the new tree");
        goto done;
    }
    snprintf(name, sizeof(name), "%s/%s", who->party, who->principal);
    snprintf(email, sizeof(email), "%s@%s.itaku", who->principal, who->party);
    if (git_signature_new(&sig, name, email, (git_time_t)time(NULL), offset) < 0) {
        rc = itk_error_git("cannot make the commit's author");
        goto done;
    }
    if (git_commit_create_buffer(&content, repo, sig, sig, NULL, msg.ptr, tree, nparents, parents) <
        0) {
        rc = itk_error_git("cannot build the commit");
        goto done;
    }
    if ((rc = itk_sshsig_sign(&armor, signer, "git", content.ptr, content.size)))
        goto done;
    /* libgit2 adds its own line break after the header value */
    while (armor.size && armor.ptr[armor.size - 1] == '\n')
        armor.ptr[--armor.size] = '\0';
    if (git_commit_create_with_signature(out, repo, content.ptr, armor.ptr, NULL) < 0)
        rc =
            itk_error_git("cannot store the signed commit in %sobjects", git_repository_path(repo));
    else
        itk_fault_point("object");
done:
    git_signature_free(sig);
    git_tree_free(tree);
    git_buf_dispose(&content);
    itk_buf_dispose(&msg);
    itk_buf_dispose(&armor);
    return rc;
}

/* ITAKU_FAULT=checkout:K stops a checkout at its K-th file (fault.h). */
static void checkout_fault(const char *path, size_t done, size_t total, void *payload)
{
    (void)payload;
    (void)done;
    (void)total;
    if (path)
        itk_fault_point("checkout");
}

/* What differs between old_tree and new_tree, read by folders (vdiff.h)
 * when canon.cache holds both as canonical (the write's check has just
 * found the new one so): 0 with *d (itk_vdiff_free), else -1 and
 * git_diff_tree_to_tree is asked. */
static int changed_by_folders(itk_vdelta **d, size_t *n, git_repository *repo,
                              const git_tree *old_tree, const git_tree *new_tree)
{
    itk_vtrees trees;
    itk_canon_cache canon = {NULL, 0};
    int rc = itk_vtrees_init(&trees);
    if (!rc && !(rc = itk_canon_cache_load(&canon, &trees, repo)))
        rc = itk_oidmap_has(&trees.heights, git_tree_id(old_tree)) &&
                     itk_oidmap_has(&trees.heights, git_tree_id(new_tree))
                 ? itk_vdiff_trees(d, n, &trees, repo, old_tree, new_tree, NULL, 0)
                 : -1;
    itk_canon_cache_dispose(&canon);
    itk_vtrees_free(&trees);
    return rc ? -1 : 0;
}

/* The files of new_id could not be brought up to date (why, or NULL when
 * the caller said so itself): said, and the work tree marked for the next
 * write's repair (write_lock.h). */
static void behind(git_repository *repo, const git_oid *new_id, const char *why)
{
    if (why)
        itk_notice_set("%.12s is written, but the files in the work tree could not be brought up "
                       "to date (%s); the next itaku command that writes brings them up to date",
                       git_oid_tostr_s(new_id), why);
    char marker[4096];
    snprintf(marker, sizeof(marker), "%s%s", git_repository_commondir(repo), ITK_REPAIR_FILE);
    FILE *f = fopen(marker, "w");
    if (f)
        fclose(f);
}

/* When the changes only add plain files (mode 100644): itk_worktree_add's
 * answer for them; 1 (a checkout's to do) otherwise. The changes: the n
 * deltas d read by folders, or (d NULL) git's diff change (a receipt's
 * merge, whose tree canon.cache may not hold yet). */
static int only_added(git_repository *repo, const git_tree *tree, const itk_vdelta *d, size_t n,
                      git_diff *change)
{
    if (!d)
        n = change ? git_diff_num_deltas(change) : 0;
    itk_worktree_file *f = itk_calloc(n ? n : 1, sizeof(*f));
    int rc = f && n ? 0 : 1;
    for (size_t i = 0; !rc && i < n; i++) {
        const git_diff_delta *dd = d ? NULL : git_diff_get_delta(change, i);
        git_delta_t status = d ? d[i].status : dd->status;
        uint32_t mode = d ? d[i].new_mode : dd->new_file.mode;
        f[i].path = d ? d[i].new_path : dd->new_file.path;
        f[i].id = d ? d[i].new_id : dd->new_file.id;
        if (status != GIT_DELTA_ADDED || mode != GIT_FILEMODE_BLOB || !f[i].path)
            rc = 1;
    }
    if (!rc)
        rc = itk_worktree_add(repo, tree, f, n);
    free(f);
    return rc;
}

int itk_ref_advance(git_repository *repo, const char *refname, const git_oid *old,
                    const git_oid *new_id, const git_tree *old_tree, const char *why)
{
    git_reference *ref = NULL;
    itk_fault_point("ref-before");
    int r = old ? git_reference_create_matching(&ref, repo, refname, new_id, 1, old, why)
                : git_reference_create(&ref, repo, refname, new_id, 0, why);
    git_reference_free(ref);
    if (r == 0)
        itk_fault_point("ref-after");
    if (r == GIT_EMODIFIED || r == GIT_EEXISTS)
        return itk_error_set(ITK_ECONFLICT,
                             "%s moved while itaku was writing; nothing was changed, try again",
                             refname);
    if (r < 0)
        return itk_error_git("cannot update %s in %s", refname, git_repository_path(repo));
    if (git_repository_is_bare(repo))
        return 0;
    /* The working tree is a convenience for people reading the files; itaku
     * itself reads only git objects, so a checkout that cannot proceed (local
     * edits in the way, a full disk) leaves the commit in place: the branch
     * was the commit point. The next write brings the files up to date
     * (write_lock.c). */
    git_commit *commit = NULL;
    git_tree *new_tree = NULL;
    git_diff *change = NULL;
    itk_vdelta *d = NULL;
    size_t nd = 0;
    char **paths = NULL;
    git_checkout_options co;
    git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
    co.checkout_strategy = GIT_CHECKOUT_SAFE;
    co.baseline = (git_tree *)old_tree;
    co.progress_cb = checkout_fault;
    if (git_commit_lookup(&commit, repo, new_id) == 0) {
        /* only the paths that differ from old_tree: a file the same in both
         * is one a safe checkout leaves as it is, and looking at every file
         * of a large registry costs more than the write (issue 18) */
        int by_folders = old_tree && git_commit_tree(&new_tree, commit) == 0 &&
                         changed_by_folders(&d, &nd, repo, old_tree, new_tree) == 0;
        int limited =
            by_folders
                ? (paths = itk_calloc(2 * nd + 1, sizeof(*paths))) != NULL
                : new_tree &&
                      git_diff_tree_to_tree(&change, repo, (git_tree *)old_tree, new_tree, NULL) ==
                          0 &&
                      (paths = itk_calloc(2 * git_diff_num_deltas(change) + 1, sizeof(*paths)));
        for (size_t i = 0; limited && by_folders && i < nd; i++) {
            if (d[i].new_path)
                paths[co.paths.count++] = d[i].new_path;
            if (d[i].old_path && (!d[i].new_path || strcmp(d[i].old_path, d[i].new_path) != 0))
                paths[co.paths.count++] = d[i].old_path;
        }
        for (size_t i = 0; limited && !by_folders && i < git_diff_num_deltas(change); i++) {
            const git_diff_delta *dd = git_diff_get_delta(change, i);
            paths[co.paths.count++] = (char *)dd->new_file.path;
            if (strcmp(dd->old_file.path, dd->new_file.path) != 0)
                paths[co.paths.count++] = (char *)dd->old_file.path;
        }
        if (limited) {
            co.checkout_strategy |= GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
            co.paths.strings = paths;
        }
        /* a folder on the way replaced by a symbolic link (by hand): the
         * checkout would write through it, out of the registry */
        char link[1024];
        int linked = 0;
        for (size_t i = 0; limited && !linked && i < co.paths.count; i++)
            linked =
                itk_worktree_link_above(link, sizeof(link), git_repository_workdir(repo), paths[i]);
        if (linked)
            itk_notice_set("%.12s is written, but its files are not in the work tree: %s there is "
                           "not a folder but a symbolic link or a file, and itaku does not write "
                           "through it. Remove it and run `git checkout -- %s`",
                           git_oid_tostr_s(new_id), link, link);
        /* a commit that only adds files (a record, its attachments): those
         * written and added to the index by themselves (worktree_add_priv.h) */
        int added = linked    ? 2
                    : limited ? only_added(repo, new_tree, by_folders ? d : NULL, nd, change)
                              : 1;
        if (added == 2)
            behind(repo, new_id, NULL); /* said above */
        else if (added < 0)
            behind(repo, new_id, itk_error_last());
        /* the same files in both: nothing to bring up to date */
        else if (added == 1 && (!limited || co.paths.count) &&
                 git_checkout_tree(repo, (git_object *)commit, &co) < 0) {
            const git_error *e = git_error_last();
            behind(repo, new_id, e && e->message ? e->message : "?");
        }
        git_commit_free(commit);
    }
    free(paths);
    itk_vdiff_free(d, nd);
    git_diff_free(change);
    git_tree_free(new_tree);
    itk_error_clear();
    return 0;
}

/* The newest commit from tip (not reaching base) that wrote path: its
 * entry there differs from each parent's. 0 with *out, else -1. */
static int writer_of(git_oid *out, git_repository *repo, const git_oid *tip, const git_oid *base,
                     const char *path)
{
    git_revwalk *w = NULL;
    git_oid id;
    int found = -1;
    size_t walked = 0;
    if (git_revwalk_new(&w, repo) < 0 || git_revwalk_push(w, tip) < 0 ||
        (base && git_revwalk_hide(w, base) < 0)) {
        git_revwalk_free(w);
        git_error_clear();
        return -1;
    }
    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
    while (found < 0 && walked++ < 100000 && git_revwalk_next(&id, w) == 0) {
        git_commit *c = NULL;
        git_tree_entry *e = NULL;
        if (git_commit_lookup(&c, repo, &id) == 0) {
            git_tree *t = NULL;
            if (git_commit_tree(&t, c) == 0)
                git_tree_entry_bypath(&e, t, path);
            git_tree_free(t);
        }
        int introduced = e != NULL;
        for (unsigned i = 0; introduced && c && i < git_commit_parentcount(c); i++) {
            git_commit *p = NULL;
            git_tree *pt = NULL;
            git_tree_entry *pe = NULL;
            if (git_commit_parent(&p, c, i) == 0 && git_commit_tree(&pt, p) == 0 &&
                git_tree_entry_bypath(&pe, pt, path) == 0 &&
                git_oid_equal(git_tree_entry_id(pe), git_tree_entry_id(e)))
                introduced = 0;
            git_tree_entry_free(pe);
            git_tree_free(pt);
            git_commit_free(p);
        }
        if (introduced) {
            *out = id;
            found = 0;
        }
        git_tree_entry_free(e);
        git_commit_free(c);
    }
    git_revwalk_free(w);
    git_error_clear();
    return found;
}

/* A settings path: itaku.json, a contract amendment or a key event (a
 * post) of any party. */
static int settings_path(const char *path)
{
    return strcmp(path, "itaku.json") == 0 || strstr(path, "/contract-amendments/") ||
           strstr(path, "/key-events/");
}

/* ITK_ECONFLICT saying which commit of each line wrote path and what to
 * do. */
static int collision(git_repository *repo, const git_commit *ours, const git_commit *theirs,
                     const char *path)
{
    git_oid base, a, b;
    int have_base = git_merge_base(&base, repo, git_commit_id(ours), git_commit_id(theirs)) == 0;
    git_error_clear();
    if (writer_of(&a, repo, git_commit_id(ours), have_base ? &base : NULL, path) < 0 ||
        writer_of(&b, repo, git_commit_id(theirs), have_base ? &base : NULL, path) < 0)
        return itk_error_set(ITK_ECONFLICT, "the two lines conflict at %s", path);
    git_commit *ca = NULL, *cb = NULL;
    char sa[200] = "", sb[200] = "", ia[GIT_OID_HEXSZ + 1];
    if (git_commit_lookup(&ca, repo, &a) == 0 && git_commit_summary(ca))
        snprintf(sa, sizeof(sa), "%s", git_commit_summary(ca));
    if (git_commit_lookup(&cb, repo, &b) == 0 && git_commit_summary(cb))
        snprintf(sb, sizeof(sb), "%s", git_commit_summary(cb));
    git_commit_free(ca);
    git_commit_free(cb);
    git_error_clear();
    git_oid_tostr(ia, sizeof(ia), &a);
    if (settings_path(path))
        return itk_error_set(
            ITK_ECONFLICT,
            "the two lines conflict at %s: both changed the city's settings, this one in commit "
            "%.12s (%s) and the line merged in commit %.12s (%s). Settings records are numbered "
            "on their line and applied in that order, and a record once written is never "
            "changed (V3, V4), so two of one number cannot both stand, even when they change "
            "different fields; nothing was merged. Keep the one the city's hosted registry "
            "holds and make the other again after it: in the clone whose commit was not pushed, "
            "run itaku pull (it takes the city's main and makes that clone's amendments and "
            "decisions not yet pushed again on top of it), then itaku push, then merge again",
            path, ia, sa, git_oid_tostr_s(&b), sb);
    return itk_error_set(ITK_ECONFLICT,
                         "the two lines conflict at %s: this one wrote it in commit %.12s (%s) "
                         "and the line merged in commit %.12s (%s); a record once written is "
                         "never changed (V4), so nothing was merged. Keep the one the city's "
                         "hosted registry holds and make the other again after it (in a clone "
                         "of the city's hosted registry: itaku pull, then itaku push), then "
                         "merge again",
                         path, ia, sa, git_oid_tostr_s(&b), sb);
}

int itk_merge_tree(git_tree **out, git_repository *repo, const git_commit *ours,
                   const git_commit *theirs, char conflict_path[256])
{
    git_index *idx = NULL;
    git_oid tid;
    int rc = 0;
    git_merge_options mo;
    git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
    mo.flags = 0; /* V5 is path by path: no rename detection */
    *out = NULL;
    if (conflict_path)
        conflict_path[0] = '\0';
    /* a merge where each path changed on one side only reads only the
     * folders changed on both (treemerge.h); any other is libgit2's */
    if ((rc = itk_treemerge(&tid, repo, ours, theirs)) != 0)
        return rc < 0                                 ? rc
               : git_tree_lookup(out, repo, &tid) < 0 ? itk_error_git("cannot read the merged tree")
                                                      : 0;
    if (git_merge_commits(&idx, repo, ours, theirs, &mo) < 0)
        return itk_error_git("cannot merge %s", git_oid_tostr_s(git_commit_id(theirs)));
    if (git_index_has_conflicts(idx)) {
        const git_index_entry *anc, *o, *t;
        git_index_conflict_iterator *it = NULL;
        const char *path = "";
        if (git_index_conflict_iterator_new(&it, idx) == 0 &&
            git_index_conflict_next(&anc, &o, &t, it) == 0)
            path = o ? o->path : t ? t->path : anc ? anc->path : "";
        if (conflict_path)
            snprintf(conflict_path, 256, "%s", path);
        rc = collision(repo, ours, theirs, path);
        git_index_conflict_iterator_free(it);
    } else if (git_index_write_tree_to(&tid, idx, repo) < 0 || git_tree_lookup(out, repo, &tid) < 0)
        rc = itk_error_git("cannot write the merged tree");
    git_index_free(idx);
    return rc;
}

/* The state of key fpr in tree (HEAD's, or a decision branch's beside it)
 * not counting what void commits wrote, as HEAD records the compromises
 * (V9: a retirement or a compromise report signed with a stolen key after
 * its last good commit, once that theft is reported). 0, or an error of
 * itk_void_writes_at. */
static int status_counted(itk_key_status *st, itk_registry *reg, const git_tree *tree,
                          const char *fpr)
{
    git_oid head;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = 0;
    if (git_reference_name_to_id(&head, reg->repo, "HEAD") < 0) {
        git_error_clear();
        return 0;
    }
    if (!(rc = itk_void_writes_at(&vw, reg->repo, &head)) && vw.n)
        rc = itk_key_status_counted(st, reg->repo, tree, &vw, fpr);
    itk_void_writes_dispose(&vw);
    return rc;
}

int itk_registry_identify(itk_identity *who, itk_registry *reg, const git_tree *tree,
                          itk_signer *signer)
{
    itk_buf fpr = ITK_BUF_INIT;
    itk_key_status st;
    int rc = itk_pubkey_fingerprint(&fpr, itk_signer_public(signer));
    if (!rc && (rc = itk_identity_find(who, reg->repo, tree, fpr.ptr)) == ITK_ENOTFOUND)
        rc = itk_error_set(ITK_EAUTH,
                           "key %s is not registered for any party of this registry; sign with "
                           "your party's key (--key FILE, git config itaku.signingKey, or "
                           "ssh-agent)",
                           fpr.ptr);
    if (!rc && !(rc = itk_key_status_get(&st, reg->repo, tree, fpr.ptr)) &&
        st.state != ITK_KEY_ACTIVE)
        rc = status_counted(&st, reg, tree, fpr.ptr);
    if (!rc && st.state != ITK_KEY_ACTIVE)
        rc = st.state == ITK_KEY_RETIRED
                 ? itk_error_set(ITK_EAUTH, "key %s of %s/%s is retired and may no longer sign",
                                 fpr.ptr, st.party, st.principal)
                 : itk_error_set(ITK_EAUTH, "key %s of %s/%s is compromised and may no longer sign",
                                 fpr.ptr, st.party, st.principal);
    itk_buf_dispose(&fpr);
    return rc;
}

/* Whose registry this is: git config itaku.party, or (a registry made before
 * init and clone recorded it) the party of the key git config
 * itaku.signingKey names in tree. owner is "" when neither tells. */
static void registry_owner(char owner[ITK_PARTY_ID_MAX + 1], int *inferred, itk_registry *reg,
                           const git_tree *tree)
{
    git_config *cfg = NULL;
    itk_pubkey *key = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    itk_identity who;
    const char *v;
    owner[0] = '\0';
    *inferred = 0;
    if (git_repository_config_snapshot(&cfg, reg->repo) < 0)
        goto done;
    if (git_config_get_string(&v, cfg, ITK_CONFIG_PARTY) == 0) {
        snprintf(owner, ITK_PARTY_ID_MAX + 1, "%s", v);
        goto done;
    }
    if (git_config_get_string(&v, cfg, "itaku.signingKey") == 0 &&
        itk_pubkey_read_file(&key, v) == 0 && itk_pubkey_fingerprint(&fpr, key) == 0 &&
        itk_identity_find(&who, reg->repo, tree, fpr.ptr) == 0) {
        snprintf(owner, ITK_PARTY_ID_MAX + 1, "%s", who.party);
        *inferred = 1;
    }
done:
    itk_pubkey_free(key);
    itk_buf_dispose(&fpr);
    git_config_free(cfg);
    itk_error_clear();
}

/* A registry is one party's: another party's key (the city's key used in a
 * contractor's clone) would write into that party's folder here, a line its
 * owner never sent. */
static int check_owner(itk_registry *reg, const git_tree *tree, const itk_identity *who)
{
    char owner[ITK_PARTY_ID_MAX + 1];
    int inferred;
    registry_owner(owner, &inferred, reg, tree);
    if (!owner[0] || strcmp(owner, who->party) == 0)
        return 0;
    if (inferred)
        return itk_error_set(
            ITK_EAUTH,
            "this is %s's registry; the key given is %s's (%s/%s): sign with a key of %s, or "
            "write %s's records in %s's own registry (this registry records no itaku.party: it "
            "is taken to be the party of the key git config itaku.signingKey names; set it with "
            "git config itaku.party ID)",
            owner, who->party, who->party, who->principal, owner, who->party, who->party);
    return itk_error_set(ITK_EAUTH,
                         "this is %s's registry; the key given is %s's (%s/%s): sign with a key "
                         "of %s, or write %s's records in %s's own registry (git config "
                         "itaku.party names the registry's party)",
                         owner, who->party, who->party, who->principal, owner, who->party,
                         who->party);
}

/* A receipt or pull: a merge saying whose line it takes (V8). */
static int is_receipt(git_repository *repo, const git_oid *id)
{
    git_commit *c = NULL;
    if (git_commit_lookup(&c, repo, id) < 0)
        return 0;
    const char *msg = git_commit_message(c);
    int yes = git_commit_parentcount(c) == 2 && msg && strstr(msg, "\n" ITK_TRAILER_RECEIVED ": ");
    git_commit_free(c);
    return yes;
}

/* itk_commit_check; present: the commit's tree was found whole in the
 * store (itk_tree_objects_present), so a receipt's check looks at no ref's
 * tree again (itk_verify_tip_commit). */
static int check_commit(itk_registry *reg, const git_oid *id, int present)
{
    itk_verify_result *r = NULL;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), id);
    /* V8 ("a line only moves forward") needs the receipts made along the
     * history: a receipt is checked by a verify run from it (each commit
     * before it from the cache); any other commit on its own */
    const char *revs[] = {hex};
    int receipt = is_receipt(reg->repo, id);
    /* a receipt on top of the last clean walk's verdict (what was just
     * received was checked as it came): that verdict's state answers, the
     * walk only when it cannot (issue 18: receive verifies once) */
    int rc = receipt ? itk_verify_tip_commit(reg, id, present) : 0;
    if (rc == 1)
        return 0;
    if (rc < 0)
        return itk_error_set(rc, "cannot check the commit itaku prepared (%.12s): %s", hex,
                             itk_error_last());
    rc = receipt ? itk_verify_run(&r, reg, revs, 1, NULL) : itk_verify_one(&r, reg, id);
    if (rc)
        return itk_error_set(rc, "cannot check the commit itaku prepared (%.12s): %s", hex,
                             itk_error_last());
    /* the commit's own problems: what is wrong before it is not this write's
     * doing (verify reports it) */
    const itk_problem *first = NULL;
    size_t n = 0;
    for (size_t i = 0; i < itk_verify_problem_count(r); i++) {
        const itk_problem *p = itk_verify_problem(r, i);
        if (strcmp(p->commit, hex) != 0)
            continue;
        if (!first)
            first = p;
        n++;
    }
    if (first)
        rc = *first->path
                 ? itk_error_set(ITK_EVERIFY,
                                 itk_n_("the prepared commit %.12s breaks %s at %s: %s; verify "
                                        "would refuse it, so no branch moved (%zu problem in that "
                                        "commit)",
                                        "the prepared commit %.12s breaks %s at %s: %s; verify "
                                        "would refuse it, so no branch moved (%zu problems in that "
                                        "commit)",
                                        n),
                                 hex, first->rule, first->path, first->message, n)
                 : itk_error_set(ITK_EVERIFY,
                                 itk_n_("the prepared commit %.12s breaks %s: %s; verify would "
                                        "refuse it, so no branch moved (%zu problem in that "
                                        "commit)",
                                        "the prepared commit %.12s breaks %s: %s; verify would "
                                        "refuse it, so no branch moved (%zu problems in that "
                                        "commit)",
                                        n),
                                 hex, first->rule, first->message, n);
    itk_verify_result_free(r);
    return rc;
}

int itk_commit_check(itk_registry *reg, const git_oid *id)
{
    return check_commit(reg, id, 0);
}

int itk_registry_merge(git_oid *out, itk_registry *reg, itk_signer *signer, itk_change *c,
                       const git_oid *theirs_id)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    git_reference *head = NULL;
    git_commit *parent = NULL, *theirs = NULL;
    git_tree *head_tree = NULL, *base = NULL;
    itk_identity who;
    int offset = 540;
    int rc;
    if (git_repository_head(&head, reg->repo) < 0)
        return itk_error_set(ITK_ENOTFOUND,
                             "the registry has no commits: clone one, or create one with "
                             "`itaku init`");
    const char *branch = git_reference_name(head);
    if (git_commit_lookup(&parent, reg->repo, git_reference_target(head)) < 0 ||
        git_commit_tree(&head_tree, parent) < 0) {
        rc = itk_error_git("cannot read HEAD");
        goto done;
    }
    if ((rc = itk_registry_identify(&who, reg, head_tree, signer)) ||
        (rc = check_owner(reg, head_tree, &who)) || (rc = itk_registry_offset(&offset, reg)))
        goto done;
    if (theirs_id) {
        if (git_commit_lookup(&theirs, reg->repo, theirs_id) < 0) {
            rc = itk_error_git("cannot read commit %s", git_oid_tostr_s(theirs_id));
            goto done;
        }
        if ((rc = itk_merge_tree(&base, reg->repo, parent, theirs, NULL)))
            goto done;
        /* its objects looked up once: the tree of the commit, and what its
         * check would otherwise look up in every ref's tree (V11) */
        c->base_present =
            !c->nfiles && itk_tree_objects_present(reg->repo, git_tree_id(base), NULL);
    } else
        git_tree_dup(&base, head_tree);
    const git_commit *parents[2] = {parent, theirs};
    if ((rc = itk_commit_write(out, reg->repo, signer, &who, c, parents, theirs ? 2 : 1, base,
                               offset)))
        goto done;
    /* the signed commit is only an object until a ref moves: check it with
     * verify's own rules first (DESIGN §5) */
    if ((rc = check_commit(reg, out, c->base_present)))
        goto done;
    rc = itk_ref_advance(reg->repo, branch, git_commit_id(parent), out, head_tree, c->subject);
done:
    git_tree_free(base);
    git_tree_free(head_tree);
    git_commit_free(parent);
    git_commit_free(theirs);
    git_reference_free(head);
    return rc;
}

int itk_registry_commit(git_oid *out, itk_registry *reg, itk_signer *signer, itk_change *c)
{
    return itk_registry_merge(out, reg, signer, c, NULL);
}
