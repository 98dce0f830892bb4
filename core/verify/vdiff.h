/* What a commit changed against its base, as git_diff_tree_to_tree reports
 * it, without reading the folders both trees share: libgit2's tree diff
 * visits every file of both trees (and reads the repository's config each
 * time), so on canonical trees (vtrees.h) the folders that hold a change are
 * compared here, entry by entry, and libgit2 is asked only about trees that
 * are not canonical. Private to verify. */
#ifndef ITAKU_VDIFF_H
#define ITAKU_VDIFF_H

#include "vtrees.h"

#include <stdint.h>

/* One delta, its paths from the root of the trees. */
typedef struct {
    git_delta_t status;
    char *old_path, *new_path; /* NULL when libgit2 gives none */
    uint16_t new_mode;
    git_oid new_id;
} itk_vdelta;

/* The deltas of git_diff_tree_to_tree(repo, base, tree, opts), in its order.
 * ITK_ENOMEM, or -1 when that diff fails (libgit2's error as it left it).
 * ITK_ETOOBIG when there would be more than max (0: no limit): *out NULL and
 * *n the number met so far (more than max), no delta kept. */
int itk_vdiff_trees(itk_vdelta **out, size_t *n, itk_vtrees *trees, git_repository *repo,
                    const git_tree *base, const git_tree *tree, const git_diff_options *opts,
                    size_t max);

void itk_vdiff_free(itk_vdelta *d, size_t n);

#endif
