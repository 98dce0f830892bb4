/* V11: the tips and commits of a verification walk, read one by one so that
 * whatever cannot be read is named (vwalk.h). */
#include "vwalk.h"
#include "itaku/buf.h"
#include "alloc.h"
#include "itaku/errors.h"
#include "intl.h"
#include "objsize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest info/grafts or shallow file read. */
#define ITK_MAX_GRAFTS_BYTES (1024u * 1024u)
/* Shallow boundaries and grafts named one by one; the rest are counted. */
#define ITK_VWALK_NAMED 16

/* A commit's state in the walk (values of the state map). */
enum { ON_STACK = 1, WHOLE = 2, BROKEN = 3 };

typedef struct {
    git_repository *repo;
    git_revwalk *walk;
    itk_verify_result *v11;
    itk_oidmap state;   /* commit id → ON_STACK, WHOLE or BROKEN */
    itk_oidmap shallow; /* .git/shallow's boundary commits */
    int is_shallow;
    int tips_only;        /* push the tips, read nothing below them */
    int *careful;         /* set when a tip cannot be read: the whole walk is needed */
    itk_vwalk_tips *tips; /* what was pushed, in order (NULL: not kept) */
} vwalk;

static const git_oid zero_oid;

/* Reads id's header and then id: 0 and *out, or 1 with a V11 problem that
 * names ref and, when reached through another commit, that commit. */
static int read_commit(git_commit **out, vwalk *w, const git_oid *id, const char *ref,
                       const git_oid *child)
{
    char at[GIT_OID_HEXSZ + 1] = "";
    *out = NULL;
    if (child)
        git_oid_tostr(at, sizeof(at), child);
    int rc = itk_object_size(NULL, w->repo, id, GIT_OBJECT_COMMIT, ITK_MAX_COMMIT_BYTES);
    if (rc == ITK_ENOMEM)
        return rc;
    if (!rc && git_commit_lookup(out, w->repo, id) < 0)
        rc = itk_error_git("commit %s cannot be parsed", git_oid_tostr_s(id));
    if (!rc) {
        /* its tree too: a commit whose tree is missing cannot be checked */
        rc = itk_object_size(NULL, w->repo, git_commit_tree_id(*out), GIT_OBJECT_TREE,
                             ITK_MAX_TREE_BYTES);
        if (rc == ITK_ENOMEM)
            return rc;
        if (rc) {
            git_commit_free(*out);
            *out = NULL;
        }
    }
    if (!rc)
        return 0;
    if (child)
        rc = itk_verify_result_problem(
            w->v11, id, "V11", ref,
            "cannot be read (a parent of %s): %s; it and every commit above it were not checked, "
            "so this history is not verified (fetch the missing objects again, or re-clone with "
            "itaku clone)",
            at, itk_error_last());
    else
        rc = itk_verify_result_problem(
            w->v11, id, "V11", ref,
            "cannot be read: %s; it and every commit above it were not checked, so this history "
            "is not verified (fetch the missing objects again, or re-clone with itaku clone)",
            itk_error_last());
    itk_error_clear();
    git_error_clear();
    return rc ? rc : 1;
}

/* Pushes id onto the revwalk, which reads it: when it cannot, the careful
 * walk is needed, or (careful) it is named. */
static int push(vwalk *w, const git_oid *id, const char *ref)
{
    if (git_revwalk_push(w->walk, id) == 0) {
        itk_vwalk_tips *t = w->tips;
        if (t && t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 16;
            git_oid *ids = itk_realloc_array(t->ids, cap, sizeof(*ids));
            if (!ids)
                return ITK_ENOMEM;
            t->ids = ids;
            t->cap = cap;
        }
        if (t)
            t->ids[t->n++] = *id;
        return 0;
    }
    int rc = w->tips_only
                 ? 0
                 : itk_verify_result_problem(w->v11, id, "V11", ref, "cannot be walked: %s",
                                             git_error_last() ? git_error_last()->message : "");
    *w->careful = 1;
    git_error_clear();
    return rc;
}

/* Depth first from a tip, parents before children; marks each commit WHOLE
 * when every commit below it can be read, else BROKEN, and pushes the whole
 * parents of broken commits onto the revwalk (what can still be checked). */
typedef struct {
    git_commit *c;
    unsigned next;
    int broken;
} frame;

static int walk_from(vwalk *w, const git_oid *tip, const char *ref)
{
    frame *st = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    if (w->tips_only) {
        git_commit *c = NULL;
        /* libgit2 leaks what it parsed of a commit it fails to push: read it first */
        if (itk_object_size(NULL, w->repo, tip, GIT_OBJECT_COMMIT, ITK_MAX_COMMIT_BYTES) == 0 &&
            git_commit_lookup(&c, w->repo, tip) == 0) {
            git_commit_free(c);
            return push(w, tip, ref);
        }
        itk_error_clear();
        git_error_clear();
        *w->careful = 1;
        return 0;
    }
    uintptr_t s = (uintptr_t)itk_oidmap_get(&w->state, tip);
    if (s == WHOLE)
        return push(w, tip, ref);
    if (s == BROKEN)
        return w->is_shallow
                   ? 0
                   : itk_verify_result_problem(w->v11, tip, "V11", ref,
                                               "this ref's history holds an object that cannot be "
                                               "read (named above); the commits "
                                               "above it were not checked");
    size_t before = w->v11->nproblems;
    git_commit *c = NULL;
    if ((rc = read_commit(&c, w, tip, ref, NULL)) != 0) {
        if (rc == 1)
            rc = itk_oidmap_set(&w->state, tip, (void *)(uintptr_t)BROKEN);
        return rc;
    }
    for (;;) {
        if (c) {
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 64;
                frame *ns = itk_realloc_array(st, nc, sizeof(*ns));
                if (!ns) {
                    git_commit_free(c);
                    rc = ITK_ENOMEM;
                    break;
                }
                st = ns;
                cap = nc;
            }
            st[n].c = c;
            st[n].next = 0;
            st[n].broken = 0;
            n++;
            c = NULL;
            if ((rc = itk_oidmap_set(&w->state, git_commit_id(st[n - 1].c),
                                     (void *)(uintptr_t)ON_STACK)))
                break;
        }
        if (!n)
            break;
        frame *f = &st[n - 1];
        const git_oid *self = git_commit_id(f->c);
        if (f->next < git_commit_parentcount(f->c)) {
            const git_oid *pid = git_commit_parent_id(f->c, f->next++);
            uintptr_t ps = (uintptr_t)itk_oidmap_get(&w->state, pid);
            if (ps == BROKEN)
                f->broken = 1;
            if (ps)
                continue; /* ON_STACK cannot happen: ids are hashes of parents */
            if (w->is_shallow && itk_oidmap_has(&w->shallow, self) &&
                itk_object_size(NULL, w->repo, pid, GIT_OBJECT_ANY, SIZE_MAX) == ITK_ENOTFOUND) {
                itk_error_clear(); /* a shallow boundary: one problem says so */
                f->broken = 1;
                if ((rc = itk_oidmap_set(&w->state, pid, (void *)(uintptr_t)BROKEN)))
                    break;
                continue;
            }
            if ((rc = read_commit(&c, w, pid, ref, self)) == 1) {
                f->broken = 1;
                rc = itk_oidmap_set(&w->state, pid, (void *)(uintptr_t)BROKEN);
            }
            if (rc)
                break;
            continue;
        }
        /* every parent done */
        uintptr_t mine = f->broken ? BROKEN : WHOLE;
        if (f->broken)
            for (unsigned k = 0; !rc && k < git_commit_parentcount(f->c); k++) {
                const git_oid *pid = git_commit_parent_id(f->c, k);
                if ((uintptr_t)itk_oidmap_get(&w->state, pid) == WHOLE)
                    rc = push(w, pid, ref);
            }
        if (!rc)
            rc = itk_oidmap_set(&w->state, self, (void *)mine);
        git_commit_free(f->c);
        n--;
        if (rc)
            break;
        if (n && mine == BROKEN)
            st[n - 1].broken = 1;
    }
    git_commit_free(c);
    while (n)
        git_commit_free(st[--n].c);
    free(st);
    if (rc)
        return rc;
    if ((uintptr_t)itk_oidmap_get(&w->state, tip) == WHOLE)
        return push(w, tip, ref);
    if (w->v11->nproblems == before && !w->is_shallow) /* met through an earlier ref */
        rc = itk_verify_result_problem(
            w->v11, tip, "V11", ref,
            "this ref's history holds an object that cannot be read (named above); the commits "
            "above it were not checked");
    return rc;
}

/* One ref: resolved, peeled to its commit, walked. */
static int walk_ref(vwalk *w, git_reference *ref)
{
    const char *name = git_reference_name(ref);
    git_reference *res = NULL;
    git_object *obj = NULL, *peeled = NULL;
    git_object_t type = GIT_OBJECT_INVALID;
    int rc = 0;
    /* a direct ref is read as it is (resolving would refuse a name libgit2
     * finds invalid, which git log --all still shows) */
    if (git_reference_type(ref) != GIT_REFERENCE_DIRECT && git_reference_resolve(&res, ref) < 0) {
        git_error_clear(); /* a symbolic ref to no ref (an unborn HEAD): nothing to walk */
        return 0;
    }
    const git_oid *id = git_reference_target(res ? res : ref);
    git_odb *odb = NULL;
    size_t len = 0;
    if (git_repository_odb(&odb, w->repo) < 0 || git_odb_read_header(&len, &type, odb, id) < 0)
        rc = itk_verify_result_problem(w->v11, id, "V11", name,
                                       "the ref points at an object that is missing from this "
                                       "registry; its history was not checked (fetch it again, "
                                       "or re-clone with itaku clone)");
    else if (type == GIT_OBJECT_COMMIT)
        rc = walk_from(w, id, name);
    else if (type == GIT_OBJECT_TAG && len <= ITK_MAX_COMMIT_BYTES &&
             git_object_lookup(&obj, w->repo, id, GIT_OBJECT_TAG) == 0 &&
             git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0)
        rc = walk_from(w, git_object_id(peeled), name);
    else
        rc = itk_verify_result_problem(w->v11, id, "V11", name,
                                       "the ref points at a %s, not a commit; a registry's refs "
                                       "name commits (delete or correct the ref)",
                                       git_object_type2string(type));
    git_error_clear();
    git_object_free(peeled);
    git_object_free(obj);
    git_odb_free(odb);
    git_reference_free(res);
    return rc;
}

/* 1 when git's check-ref-format refuses name (git-check-ref-format(1)): a
 * component beginning with '.' or ending with ".lock", "..", "@{", "//", a
 * control character, space, ~ ^ : ? * [ or \\, or a name ending in '/' or
 * '.', or "@" alone. */
static int git_refuses_name(const char *name)
{
    size_t len = strlen(name);
    if (!len || name[len - 1] == '/' || name[len - 1] == '.' || strcmp(name, "@") == 0 ||
        strstr(name, "..") || strstr(name, "@{") || strstr(name, "//") || name[0] == '/')
        return 1;
    for (const char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f || strchr(" ~^:?*[\\", *c))
            return 1;
    for (const char *comp = name; comp; comp = strchr(comp, '/') ? strchr(comp, '/') + 1 : NULL) {
        size_t n = strcspn(comp, "/");
        if (comp[0] == '.' || (n >= 5 && memcmp(comp + n - 5, ".lock", 5) == 0))
            return 1;
    }
    return 0;
}

/* Every ref libgit2 lists, in any namespace (what `git log --all` shows:
 * refs/tags, refs/stash, a packed HEAD2 ...); a name git would refuse
 * (refs/heads/a..b, x.lock, a space) is a V11 problem of its own. */
static int walk_all(vwalk *w)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    const char *glob = "refs";
    int rc = 0, r;
    if (git_reference_iterator_new(&it, w->repo) < 0)
        return itk_verify_result_problem(w->v11, &zero_oid, "V11", glob,
                                         "the refs cannot be read: %s",
                                         git_error_last() ? git_error_last()->message : "");
    while (!rc && (r = git_reference_next(&ref, it)) == 0) {
        const char *name = git_reference_name(ref);
        if (git_refuses_name(name))
            rc = itk_verify_result_problem(
                w->v11, &zero_oid, "V11", name,
                "the ref name '%s' is one git refuses, so git and itaku may not read the same "
                "refs; delete it (remove its line from .git/packed-refs, or its file under "
                ".git/refs)",
                name);
        rc = rc ? rc : walk_ref(w, ref);
        git_reference_free(ref);
    }
    if (!rc && r != GIT_ITEROVER)
        rc = itk_verify_result_problem(w->v11, &zero_oid, "V11", glob,
                                       "the refs cannot all be read: %s; those after it were not "
                                       "checked",
                                       git_error_last() ? git_error_last()->message : "");
    git_reference_iterator_free(it);
    git_error_clear();
    return rc;
}

static int walk_rev(vwalk *w, const char *rev)
{
    git_reference *ref = NULL;
    git_object *obj = NULL, *peeled = NULL;
    int rc;
    if (git_reference_dwim(&ref, w->repo, rev) == 0) {
        rc = walk_ref(w, ref);
        git_reference_free(ref);
        return rc;
    }
    git_error_clear();
    if (git_revparse_single(&obj, w->repo, rev) < 0)
        return itk_error_set(ITK_ENOTFOUND, "'%s' names no commit of this registry", rev);
    if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0)
        rc = itk_error_git("'%s' is not a commit", rev);
    else
        rc = walk_from(w, git_object_id(peeled), rev);
    git_object_free(peeled);
    git_object_free(obj);
    return rc;
}

/* The lines of a file under the repository's common folder: ITK_ENOTFOUND
 * when it is absent. */
static int read_git_file(itk_buf *out, git_repository *repo, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s%s", git_repository_commondir(repo), name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return ITK_ENOTFOUND;
    fclose(f);
    return itk_buf_read_file(out, path, ITK_MAX_GRAFTS_BYTES);
}

/* Each line's first word, an object id (shallow, grafts): to map, and up to
 * ITK_VWALK_NAMED of them to first; the number of lines. */
static size_t ids_of(const itk_buf *b, itk_oidmap *map, git_oid *first, size_t nfirst)
{
    size_t count = 0;
    const char *p = b->ptr, *end = b->ptr + b->size;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        git_oid id;
        if (e - p >= GIT_OID_HEXSZ && git_oid_fromstrn(&id, p, GIT_OID_HEXSZ) == 0) {
            if (count < nfirst)
                first[count] = id;
            if (map)
                itk_oidmap_set(map, &id, NULL);
            count++;
        }
        p = nl ? nl + 1 : NULL;
    }
    git_error_clear();
    return count;
}

static int shallow_problem(vwalk *w)
{
    itk_buf b = ITK_BUF_INIT;
    git_oid first[ITK_VWALK_NAMED];
    int rc = read_git_file(&b, w->repo, "shallow");
    if (rc == ITK_ENOTFOUND) {
        itk_error_clear();
        return 0;
    }
    size_t n = rc ? 0 : ids_of(&b, &w->shallow, first, ITK_VWALK_NAMED);
    w->is_shallow = 1;
    itk_buf_dispose(&b);
    itk_error_clear();
    rc = 0;
    for (size_t i = 0; !rc && i < (n < ITK_VWALK_NAMED ? n : ITK_VWALK_NAMED); i++)
        rc = itk_verify_result_problem(
            w->v11, &first[i], "V11", ".git/shallow",
            itk_n_("this registry is a shallow clone: the commits below this one are not here, "
                   "so its history cannot be verified (%zu boundary); deepen it with "
                   "`git fetch --unshallow`, or re-clone with itaku clone",
                   "this registry is a shallow clone: the commits below this one are not here, "
                   "so its history cannot be verified (%zu boundaries); deepen it with "
                   "`git fetch --unshallow`, or re-clone with itaku clone",
                   n),
            n);
    if (!rc && n == 0)
        rc = itk_verify_result_problem(
            w->v11, &zero_oid, "V11", ".git/shallow",
            "this registry is a shallow clone, so its history cannot be verified; deepen it "
            "with `git fetch --unshallow`, or re-clone with itaku clone");
    return rc;
}

int itk_vwalk_alterations(git_repository *repo, itk_verify_result *v11)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    itk_buf b = ITK_BUF_INIT;
    git_config *cfg = NULL;
    int rc = 0, partial = 0;
    /* refs/replace/<id>: stock git shows another object in place of <id>;
     * libgit2, and so itaku, never reads these refs */
    if (git_reference_iterator_glob_new(&it, repo, "refs/replace/*") == 0) {
        while (!rc && git_reference_next(&ref, it) == 0) {
            const char *name = git_reference_name(ref);
            git_oid id = zero_oid;
            if (strlen(name) >= 13 + GIT_OID_HEXSZ)
                git_oid_fromstrn(&id, name + 13, GIT_OID_HEXSZ);
            const git_oid *to = git_reference_target(ref);
            rc = itk_verify_result_problem(
                v11, &id, "V11", name,
                "stock git would show %s in place of this object, another history than the "
                "one verified; delete the ref (`git replace -d %.40s`)",
                to ? git_oid_tostr_s(to) : "another object", name + 13);
            git_reference_free(ref);
        }
        git_reference_iterator_free(it);
    }
    git_error_clear();
    /* info/grafts: stock git gives these commits other parents */
    int g = read_git_file(&b, repo, "info/grafts");
    if (!rc && g != ITK_ENOTFOUND) {
        git_oid first[ITK_VWALK_NAMED];
        size_t n = g ? 0 : ids_of(&b, NULL, first, ITK_VWALK_NAMED);
        for (size_t i = 0; !rc && i < (n < ITK_VWALK_NAMED ? n : ITK_VWALK_NAMED); i++)
            rc = itk_verify_result_problem(
                v11, &first[i], "V11", "info/grafts",
                itk_n_("stock git would give this commit other parents (%zu graft), another "
                       "history than the one verified; remove the file .git/info/grafts",
                       "stock git would give this commit other parents (%zu grafts), another "
                       "history than the one verified; remove the file .git/info/grafts",
                       n),
                n);
        if (!rc && n == 0)
            rc = itk_verify_result_problem(
                v11, &zero_oid, "V11", "info/grafts",
                "a grafts file can make stock git show another history than the one verified; "
                "remove the file .git/info/grafts");
    }
    itk_buf_clear(&b);
    /* objects/info/alternates: objects read from another store (git clone
     * --shared), which whoever owns that store can change under the caches */
    int a = read_git_file(&b, repo, "objects/info/alternates");
    if (!rc && a != ITK_ENOTFOUND)
        rc = itk_verify_result_problem(
            v11, &zero_oid, "V11", "objects/info/alternates",
            "this registry reads objects from another store (.git/objects/info/alternates), "
            "which can change what it holds without a trace; copy them in with `git repack -a "
            "-d`, then remove the file .git/objects/info/alternates");
    itk_buf_dispose(&b);
    itk_error_clear();
    /* a partial clone fetches objects when they are read: verify reads what
     * is here, and what is not here was never checked */
    if (!rc && git_repository_config_snapshot(&cfg, repo) == 0) {
        git_config_iterator *ci = NULL;
        git_config_entry *e = NULL;
        if (git_config_iterator_glob_new(&ci, cfg,
                                         "^(extensions\\.partialclone|remote\\..*\\."
                                         "(promisor|partialclonefilter))$") == 0) {
            while (git_config_next(&e, ci) == 0)
                partial |= strcmp(e->value, "false") != 0 && e->value[0];
            git_config_iterator_free(ci);
        }
        git_config_free(cfg);
    }
    git_error_clear();
    if (!rc && partial)
        rc = itk_verify_result_problem(
            v11, &zero_oid, "V11", "config",
            "this registry is a partial clone: objects it lacks were never checked; re-clone "
            "it whole with itaku clone");
    return rc;
}

int itk_vwalk_prepare(git_revwalk *walk, git_repository *repo, const char **revs, size_t nrevs,
                      itk_verify_result *v11, int *careful, itk_vwalk_tips *tips)
{
    vwalk w;
    memset(&w, 0, sizeof(w));
    w.tips = tips;
    w.repo = repo;
    w.walk = walk;
    w.v11 = v11;
    w.tips_only = !*careful;
    w.careful = careful;
    int rc = itk_oidmap_init(&w.state);
    rc = rc ? rc : itk_oidmap_init(&w.shallow);
    rc = rc ? rc : shallow_problem(&w);
    if (!rc && w.is_shallow && !*careful)
        *careful = 1; /* a revwalk would stop at the boundary */
    else if (!rc && revs && nrevs) {
        for (size_t i = 0; !rc && i < nrevs; i++)
            rc = walk_rev(&w, revs[i]);
    } else if (!rc) {
        git_reference *head = NULL;
        if (git_reference_lookup(&head, repo, "HEAD") == 0) {
            rc = walk_ref(&w, head);
            git_reference_free(head);
        }
        git_error_clear();
        if (!rc)
            rc = walk_all(&w);
    }
    itk_oidmap_free(&w.state);
    itk_oidmap_free(&w.shallow);
    return rc;
}
