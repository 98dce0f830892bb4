/* The work tree brought up to a commit that only adds files: each new file
 * written and added to the index, the index rewritten with them
 * (gitindex.h), instead of a checkout that reads and writes every entry of
 * the index through libgit2 (issue 18). Private to flow/. */
#ifndef ITAKU_WORKTREE_ADD_PRIV_H
#define ITAKU_WORKTREE_ADD_PRIV_H

#include <git2.h>

/* One file the commit adds: its path in the tree and its blob. */
typedef struct {
    const char *path;
    git_oid id;
} itk_worktree_file;

/* Writes the n files of tree (the commit's) into repo's work tree (none
 * may exist there yet, no .gitattributes or core.autocrlf may apply to
 * them) and adds
 * them to the index (.git/index, taken with index.lock as git does; its
 * other entries and the index's staging kept as they are). Passes the fault
 * point "checkout" after each file written (fault.h). 0 when done; 1 when
 * nothing was changed and a checkout must do it (a file in the way, an
 * index of a kind not rewritten here, a filter, the index locked); negative
 * (error set) when it stopped after writing a file: the caller marks the
 * work tree for repair (write_lock.h). */
/* 1 when a folder above path (a path in the tree, '/'-separated) in the
 * work tree wd (ending in '/') is there but not a folder: a symbolic link
 * put in by hand (no verified tree holds one), or a file; which (n bytes)
 * then holds that folder's path in the tree. 0 otherwise (a folder not
 * there yet is made by the write). git does not write through a symbolic
 * link above a path either; libgit2's checkout does, out of the registry. */
int itk_worktree_link_above(char *which, size_t n, const char *wd, const char *path);

int itk_worktree_add(git_repository *repo, const git_tree *tree, const itk_worktree_file *files,
                     size_t n);

#endif
