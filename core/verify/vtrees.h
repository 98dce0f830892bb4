/* Which trees of a verification run are in git's canonical form, remembered
 * by id: each tree object read raw and held to vobject.h's rules (entries
 * strictly in git's order, unique names of the characters a registry uses,
 * regular files (100644) and folders (40000) only, no empty folder), nesting
 * bounded. A commit whose tree is not canonical breaks V10; on canonical
 * trees an answer read from tree ids (a folder equal on both sides holds
 * nothing to compare) equals libgit2's file-by-file one. Private to verify. */
#ifndef ITAKU_VTREES_H
#define ITAKU_VTREES_H

#include "oidmap.h"

#include <git2.h>

/* Deepest folder nesting of a canonical tree (a registry needs five). */
#define ITK_VTREES_MAX_DEPTH 8

/* Trees read lately, kept: libgit2 caches no tree over 4 KiB, and a folder
 * of records is read by the check of the commit that changes it and again by
 * the next one. */
#define ITK_VTREES_KEPT 64

/* Why a tree is not canonical: the path, relative to the tree, of the
 * entry or folder concerned ("" for the tree itself), and why. */
typedef struct {
    char *path;
    char *why;
    int unreadable; /* an object missing or unreadable (V11), not a wrong one */
} itk_vtrees_flaw;

typedef struct {
    itk_oidmap heights; /* tree id → its height when canonical, or more than the maximum */
    itk_oidmap flaws;   /* tree id → itk_vtrees_flaw * of a tree that is not */
    itk_oidmap blobs;   /* ids of files found to be blobs */
    git_tree *kept[ITK_VTREES_KEPT];
    size_t next_kept;
    /* the raw trees the canonical check read lately (a folder changed by a
     * commit is the base the next one's check compares with): read, and
     * hashed by libgit2, once while kept */
    git_odb_object *raw[ITK_VTREES_KEPT];
    size_t next_raw;
    /* NULL, or (canon.cache loaded, canon_cache.h; owned, freed by
     * itk_vtrees_free) the canonical trees whose height this run used
     * (value NULL) or found (value non-NULL) */
    itk_oidmap *used;
} itk_vtrees;

int itk_vtrees_init(itk_vtrees *m);
void itk_vtrees_free(itk_vtrees *m);

/* git_tree_lookup, answered from the trees kept when it can be. */
int itk_vtrees_lookup(git_tree **out, itk_vtrees *m, git_repository *repo, const git_oid *id);

/* Checks tree id and every tree under it, each read once a run: 0 when
 * canonical (at most ITK_VTREES_MAX_DEPTH levels), 1 when not with *flaw
 * (owned by m, valid until itk_vtrees_free), negative on an operational
 * error (ITK_ENOMEM). The object's size is read from its header first; a
 * tree over ITK_MAX_TREE_BYTES is refused unread. */
int itk_vtrees_check(itk_vtrees *m, git_repository *repo, const git_oid *id,
                     const itk_vtrees_flaw **flaw);

/* The same, with base a tree found canonical in this run (its first
 * parent's; NULL or any other: none): what is equal in both, at the same
 * place, is not read again but for its folders' nesting. The same answer. */
int itk_vtrees_check_base(itk_vtrees *m, git_repository *repo, const git_oid *id,
                          const git_oid *base, const itk_vtrees_flaw **flaw);

/* 1 when t is canonical, 0 when not (or unreadable), ITK_ENOMEM. */
int itk_vtrees_canonical(itk_vtrees *m, git_repository *repo, const git_tree *t);

/* git's order of tree entries: a folder sorts as if its name ended in '/'. */
int itk_vtrees_entry_cmp(const git_tree_entry *a, const git_tree_entry *b);

int itk_vtrees_is_folder(const git_tree_entry *e);

#endif
