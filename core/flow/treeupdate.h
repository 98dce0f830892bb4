/* A commit's tree built from its parent's by the folders its files change
 * (issue 18): writing one record rebuilds the five folders on its path and
 * reuses every other folder of the parent by id, where an index of the
 * whole registry reads and writes every folder. */
#ifndef ITAKU_TREEUPDATE_H
#define ITAKU_TREEUPDATE_H

#include <git2.h>

/* The tree of base with each of the n files put in (paths[i] relative to
 * the registry's root, its content the blob blobs[i], mode 100644; a file
 * at the same path replaced) into *out, its new folders written to repo.
 * base must be canonical (git's order, no hostile entry: a tree verify
 * accepted): then *out is the tree git_index_write_tree writes for base and
 * the same files. 0 done; 1 when the index must build it after all (a
 * folder on a path out of git's order, a name a registry does not use, a
 * file where a folder is or the reverse, more than 64 files, or anything
 * libgit2 could not do, which the index then says as before; what was
 * written before is referenced by nothing). No other error. */
int itk_tree_put_files(git_oid *out, git_repository *repo, const git_tree *base,
                       const char *const *paths, const git_oid *blobs, size_t n);

#endif
