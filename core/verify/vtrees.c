/* Canonical trees, checked once per id from their raw bytes; see vtrees.h. */
#include "vtrees.h"
#include "itaku/errors.h"
#include "intl.h"
#include "alloc.h"
#include "objsize.h"
#include "vobject.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOT_CANONICAL (ITK_VTREES_MAX_DEPTH + 1)

int itk_vtrees_init(itk_vtrees *m)
{
    memset(m, 0, sizeof(*m));
    int rc = itk_oidmap_init(&m->heights);
    if (!rc && (rc = itk_oidmap_init(&m->flaws)))
        itk_oidmap_free(&m->heights);
    if (!rc && (rc = itk_oidmap_init(&m->blobs))) {
        itk_oidmap_free(&m->flaws);
        itk_oidmap_free(&m->heights);
    }
    return rc;
}

void itk_vtrees_free(itk_vtrees *m)
{
    for (size_t i = 0; i < m->flaws.cap; i++) {
        itk_vtrees_flaw *f = m->flaws.used[i] ? m->flaws.values[i] : NULL;
        if (f) {
            free(f->path);
            free(f->why);
            free(f);
        }
    }
    itk_oidmap_free(&m->flaws);
    itk_oidmap_free(&m->heights);
    itk_oidmap_free(&m->blobs);
    if (m->used)
        itk_oidmap_free(m->used);
    free(m->used);
    m->used = NULL;
    for (size_t i = 0; i < ITK_VTREES_KEPT; i++) {
        git_tree_free(m->kept[i]);
        git_odb_object_free(m->raw[i]);
    }
    memset(m->kept, 0, sizeof(m->kept));
    memset(m->raw, 0, sizeof(m->raw));
}

/* The height known for id (0: none, NOT_CANONICAL: not canonical), noted
 * as used when it is a canonical one and m->used is kept. */
static int height_get(itk_vtrees *m, const git_oid *id)
{
    int h = (int)(uintptr_t)itk_oidmap_get(&m->heights, id);
    /* a note not kept (no memory) only changes which trees canon.cache
     * drops first */
    if (m->used && h >= 1 && h <= ITK_VTREES_MAX_DEPTH && !itk_oidmap_has(m->used, id))
        (void)itk_oidmap_set(m->used, id, NULL);
    return h;
}

/* Remembers that id is canonical, of height h (noted as found). */
static int height_set(itk_vtrees *m, const git_oid *id, int h)
{
    int rc = itk_oidmap_set(&m->heights, id, (void *)(uintptr_t)h);
    if (!rc && m->used)
        rc = itk_oidmap_set(m->used, id, (void *)1);
    return rc;
}

/* Raw tree id read lately by this run's check, or NULL (not a new reference). */
static git_odb_object *raw_kept(itk_vtrees *m, const git_oid *id)
{
    for (size_t i = 0; i < ITK_VTREES_KEPT && m->raw[i]; i++)
        if (git_oid_equal(git_odb_object_id(m->raw[i]), id))
            return m->raw[i];
    return NULL;
}

int itk_vtrees_lookup(git_tree **out, itk_vtrees *m, git_repository *repo, const git_oid *id)
{
    for (size_t i = 0; i < ITK_VTREES_KEPT && m->kept[i]; i++)
        if (git_oid_equal(git_tree_id(m->kept[i]), id))
            return git_tree_dup(out, m->kept[i]);
    /* its size from its header before libgit2 inflates it, unless the
     * canonical check read it lately (a tree within ITK_MAX_TREE_BYTES,
     * hashed by libgit2 when read) */
    git_odb_object *raw = raw_kept(m, id);
    int rc = raw && git_odb_object_size(raw) <= ITK_MAX_TREE_BYTES
                 ? 0
                 : itk_object_size(NULL, repo, id, GIT_OBJECT_TREE, ITK_MAX_TREE_BYTES);
    if (rc)
        return rc;
    if ((rc = git_tree_lookup(out, repo, id)) < 0)
        return rc;
    git_tree_free(m->kept[m->next_kept]);
    if (git_tree_dup(&m->kept[m->next_kept], *out) < 0)
        m->kept[m->next_kept] = NULL;
    m->next_kept = (m->next_kept + 1) % ITK_VTREES_KEPT;
    return 0;
}

int itk_vtrees_is_folder(const git_tree_entry *e)
{
    return git_tree_entry_filemode_raw(e) == GIT_FILEMODE_TREE;
}

/* git's order of tree entries: a folder sorts as if its name ended in '/'. */
int itk_vtrees_entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
    return itk_vobject_entry_cmp(git_tree_entry_name(a), itk_vtrees_is_folder(a),
                                 git_tree_entry_name(b), itk_vtrees_is_folder(b));
}

/* One check's walk: the odb, and the path (relative to the tree checked
 * last) of a folder found too deep for where it stands. */
typedef struct {
    itk_vtrees *m;
    git_odb *odb;
    char deep[ITK_VTREES_MAX_DEPTH * (ITK_VOBJECT_MAX_NAME + 1) + 1];
} walk;

enum { T_OK = 0, T_BAD = 1, T_DEEP = 2 };

/* git_odb_read of tree id, answered from the raw trees kept when it can be
 * (as read before: its header's type and size are the object's). *out is the
 * caller's to free. */
static int raw_read(git_odb_object **out, walk *w, const git_oid *id)
{
    itk_vtrees *m = w->m;
    git_odb_object *k = raw_kept(m, id);
    if (k)
        return git_odb_object_dup(out, k);
    if (git_odb_read(out, w->odb, id) < 0)
        return -1;
    if (git_odb_object_type(*out) == GIT_OBJECT_TREE) {
        git_odb_object_free(m->raw[m->next_raw]);
        if (git_odb_object_dup(&m->raw[m->next_raw], *out) < 0)
            m->raw[m->next_raw] = NULL;
        m->next_raw = (m->next_raw + 1) % ITK_VTREES_KEPT;
    }
    return 0;
}

/* Remembers that id is not canonical: why, at path (prefix "/" rest). */
static int remember_flaw(itk_vtrees *m, const git_oid *id, const char *prefix, const char *rest,
                         const char *why, int unreadable, const itk_vtrees_flaw **out)
{
    itk_vtrees_flaw *f = itk_calloc(1, sizeof(*f));
    size_t a = strlen(prefix), b = strlen(rest);
    if (f) {
        f->path = itk_malloc(a + b + 2);
        f->why = f->path ? itk_strdup(why) : NULL;
        f->unreadable = unreadable;
    }
    if (!f || !f->path || !f->why) {
        if (f) {
            free(f->path);
            free(f->why);
        }
        free(f);
        return ITK_ENOMEM;
    }
    snprintf(f->path, a + b + 2, "%s%s%s", prefix, a && b ? "/" : "", rest);
    int rc = itk_oidmap_set(&m->flaws, id, f);
    rc = rc ? rc : itk_oidmap_set(&m->heights, id, (void *)(uintptr_t)NOT_CANONICAL);
    if (rc) {
        itk_oidmap_set(&m->flaws, id, NULL);
        free(f->path);
        free(f->why);
        free(f);
        return rc;
    }
    *out = f;
    return T_BAD;
}

/* Puts "name/" in front of w->deep. */
static void deep_prepend(walk *w, const char *name)
{
    size_t a = strlen(name), b = strlen(w->deep);
    if (a + 1 + b >= sizeof(w->deep))
        return;
    memmove(w->deep + a + (b ? 1 : 0), w->deep, b + 1);
    memcpy(w->deep, name, a);
    if (b)
        w->deep[a] = '/';
}

/* A file entry of tree id names a blob (as git fsck checks the objects a
 * tree links to); each blob's type read once from its header. */
static int check_file(walk *w, const git_oid *id, const itk_vobject_entry *e,
                      const itk_vtrees_flaw **flaw)
{
    git_oid blob;
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    char why[300];
    git_oid_fromraw(&blob, e->id);
    if (itk_oidmap_has(&w->m->blobs, &blob))
        return T_OK;
    if (git_odb_read_header(&size, &type, w->odb, &blob) < 0) {
        snprintf(why, sizeof(why), itk__("cannot be read (blob %s: %s); fetch the history again"),
                 git_oid_tostr_s(&blob), git_error_last() ? git_error_last()->message : "missing");
        git_error_clear();
        return remember_flaw(w->m, id, e->name, "", why, 1, flaw);
    }
    if (type != GIT_OBJECT_BLOB) {
        snprintf(why, sizeof(why), itk__("is a %s object where git writes a file (a blob)"),
                 git_object_type2string(type));
        return remember_flaw(w->m, id, e->name, "", why, 0, flaw);
    }
    return itk_oidmap_set(&w->m->blobs, &blob, NULL);
}

static int check_tree(walk *w, const git_oid *id, int budget, int *height,
                      const itk_vtrees_flaw **flaw, const unsigned char *base);

/* git's order of two entries of canonical trees (a folder as if its name
 * ended in '/'): 0 when they are the same name and kind. */
static int entry_order(const itk_vobject_entry *a, const itk_vobject_entry *b)
{
    size_t la = strlen(a->name), lb = strlen(b->name), n = la < lb ? la : lb;
    int c = memcmp(a->name, b->name, n);
    if (c)
        return c;
    unsigned ca = la > n ? (unsigned char)a->name[n] : a->folder ? '/' : 0;
    unsigned cb = lb > n ? (unsigned char)b->name[n] : b->folder ? '/' : 0;
    return (int)ca - (int)cb;
}

/* Tree id, equal to one at the same place in a canonical tree: canonical,
 * so only its nesting is found (its folders read, not its files). */
static int known_height(walk *w, const git_oid *id, int budget, int *height)
{
    itk_vtrees *m = w->m;
    int known = height_get(m, id);
    if (known && known <= budget) {
        *height = known;
        return T_OK;
    }
    if (known || budget <= 0) {
        w->deep[0] = '\0';
        return T_DEEP;
    }
    git_odb_object *obj = NULL;
    itk_vobject_entry *e = NULL;
    itk_vobject_flaw vf;
    size_t n = 0;
    const itk_vtrees_flaw *flaw = NULL;
    if (raw_read(&obj, w, id) < 0 || itk_vobject_tree_parse(&e, &n, git_odb_object_data(obj),
                                                            git_odb_object_size(obj), &vf) != 0) {
        git_error_clear();
        free(e);
        git_odb_object_free(obj);
        int rc = check_tree(w, id, budget, height, &flaw, NULL); /* says what is wrong */
        return rc == T_BAD ? ITK_EINVALID : rc;
    }
    int rc = T_OK, h = 1;
    for (size_t i = 0; rc == T_OK && i < n; i++) {
        git_oid sub;
        int sh = 0;
        if (!e[i].folder)
            continue;
        git_oid_fromraw(&sub, e[i].id);
        rc = known_height(w, &sub, budget - 1, &sh);
        if (rc == T_DEEP)
            deep_prepend(w, e[i].name);
        else if (rc == T_OK && sh + 1 > h)
            h = sh + 1;
    }
    free(e);
    git_odb_object_free(obj);
    if (rc == T_OK && (rc = height_set(m, id, h)) == 0)
        *height = h;
    return rc;
}

/* Tree id standing where budget levels are left (1: files only): T_OK with
 * *height, T_BAD with *flaw (remembered), T_DEEP when it does not fit
 * there (w->deep says where; nothing remembered, since it may fit higher
 * up), negative on error. base (20 raw bytes, or NULL) is the tree at the
 * same place in a canonical tree: what is equal in both is canonical. */
static int check_tree(walk *w, const git_oid *id, int budget, int *height,
                      const itk_vtrees_flaw **flaw, const unsigned char *base)
{
    itk_vtrees *m = w->m;
    if (base && memcmp(base, id->id, GIT_OID_RAWSZ) == 0) {
        int rc = known_height(w, id, budget, height);
        if (rc != ITK_EINVALID)
            return rc;
        base = NULL; /* not canonical after all: checked in full below */
    }
    int known = height_get(m, id);
    if (known == NOT_CANONICAL) {
        *flaw = itk_oidmap_get(&m->flaws, id);
        return T_BAD;
    }
    if (known && known <= budget) {
        *height = known;
        return T_OK;
    }
    if (known || budget <= 0) {
        w->deep[0] = '\0';
        return T_DEEP;
    }
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    git_odb_object *obj = NULL;
    char why[300];
    git_odb_object *held = raw_kept(m, id);
    if (held) { /* read before: its header is the object's */
        size = git_odb_object_size(held);
        type = git_odb_object_type(held);
    } else if (git_odb_read_header(&size, &type, w->odb, id) < 0) {
        snprintf(why, sizeof(why), itk__("cannot be read (tree %s: %s); fetch the history again"),
                 git_oid_tostr_s(id), git_error_last() ? git_error_last()->message : "missing");
        git_error_clear();
        return remember_flaw(m, id, "", "", why, 1, flaw);
    }
    if (type != GIT_OBJECT_TREE) {
        snprintf(why, sizeof(why), itk__("is a %s object where git writes a folder (a tree)"),
                 git_object_type2string(type));
        return remember_flaw(m, id, "", "", why, 0, flaw);
    }
    if (size > ITK_MAX_TREE_BYTES) {
        snprintf(why, sizeof(why), itk__("is a folder object of %zu bytes, over the limit of %u"),
                 size, ITK_MAX_TREE_BYTES);
        return remember_flaw(m, id, "", "", why, 0, flaw);
    }
    if (raw_read(&obj, w, id) < 0) {
        snprintf(why, sizeof(why), itk__("cannot be read (tree %s: %s); fetch the history again"),
                 git_oid_tostr_s(id), git_error_last() ? git_error_last()->message : "missing");
        git_error_clear();
        return remember_flaw(m, id, "", "", why, 1, flaw);
    }
    itk_vobject_entry *e = NULL;
    itk_vobject_flaw vf;
    size_t n = 0;
    int rc =
        itk_vobject_tree_parse(&e, &n, git_odb_object_data(obj), git_odb_object_size(obj), &vf);
    if (rc == 1) {
        rc = remember_flaw(m, id, vf.name, "", vf.why, 0, flaw);
    }
    /* the base's entries, to skip what is equal in both */
    git_odb_object *bobj = NULL;
    itk_vobject_entry *be = NULL;
    size_t bn = 0, j = 0;
    if (rc == 0 && base) {
        git_oid bid;
        itk_vobject_flaw bf;
        git_oid_fromraw(&bid, base);
        if (raw_read(&bobj, w, &bid) < 0 ||
            itk_vobject_tree_parse(&be, &bn, git_odb_object_data(bobj), git_odb_object_size(bobj),
                                   &bf) != 0) {
            git_error_clear();
            free(be);
            be = NULL;
            bn = 0;
        }
    }
    int h = 1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const itk_vobject_entry *b = NULL;
        while (j < bn && entry_order(&be[j], &e[i]) < 0)
            j++;
        if (j < bn && entry_order(&be[j], &e[i]) == 0)
            b = &be[j];
        if (!e[i].folder) {
            if (!b || memcmp(b->id, e[i].id, GIT_OID_RAWSZ) != 0)
                rc = check_file(w, id, &e[i], flaw);
            continue;
        }
        git_oid sub;
        int sh = 0;
        const itk_vtrees_flaw *sf = NULL;
        git_oid_fromraw(&sub, e[i].id);
        rc = check_tree(w, &sub, budget - 1, &sh, &sf, b ? b->id : NULL);
        if (rc == T_BAD)
            rc = remember_flaw(m, id, e[i].name, sf->path, sf->why, sf->unreadable, flaw);
        else if (rc == T_DEEP)
            deep_prepend(w, e[i].name);
        else if (rc == T_OK && sh + 1 > h)
            h = sh + 1;
    }
    free(e);
    free(be);
    git_odb_object_free(obj);
    git_odb_object_free(bobj);
    if (rc == T_OK && (rc = height_set(m, id, h)) == 0)
        *height = h;
    return rc;
}

int itk_vtrees_check(itk_vtrees *m, git_repository *repo, const git_oid *id,
                     const itk_vtrees_flaw **flaw)
{
    return itk_vtrees_check_base(m, repo, id, NULL, flaw);
}

int itk_vtrees_check_base(itk_vtrees *m, git_repository *repo, const git_oid *id,
                          const git_oid *base, const itk_vtrees_flaw **flaw)
{
    walk w;
    int height = 0;
    w.m = m;
    w.deep[0] = '\0';
    if (git_repository_odb(&w.odb, repo) < 0)
        return itk_error_git("cannot open the object database");
    /* a base is used only when it was found canonical (its height known) */
    int bh = base ? height_get(m, base) : 0;
    int rc = check_tree(&w, id, ITK_VTREES_MAX_DEPTH, &height, flaw,
                        bh >= 1 && bh <= ITK_VTREES_MAX_DEPTH ? base->id : NULL);
    if (rc == T_DEEP) {
        char why[300];
        snprintf(why, sizeof(why),
                 itk__("nests folders deeper than %d levels; a registry's layout needs five"),
                 ITK_VTREES_MAX_DEPTH);
        rc = remember_flaw(m, id, w.deep, "", why, 0, flaw);
    }
    git_odb_free(w.odb);
    return rc;
}

int itk_vtrees_canonical(itk_vtrees *m, git_repository *repo, const git_tree *t)
{
    const itk_vtrees_flaw *flaw = NULL;
    int rc = itk_vtrees_check(m, repo, git_tree_id(t), &flaw);
    return rc < 0 ? rc : rc == T_OK;
}
