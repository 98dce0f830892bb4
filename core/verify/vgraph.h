/* The commits of one verification walk as a graph in memory (parents by walk
 * index), so that reachability and merge-base questions are answered without
 * re-reading commits from the object database. Answers equal libgit2's; a
 * question the graph cannot answer exactly goes to libgit2. Private to
 * verify. */
#ifndef ITAKU_VGRAPH_H
#define ITAKU_VGRAPH_H

#include "oidmap.h"

#include <git2.h>
#include <stdint.h>

/* Commits a commit outside the graph reaches (a compromise's last good
 * commit the walk has not met yet), each read once with a revwalk. */
#define ITK_VGRAPH_OUTSIDE 8
typedef struct {
    git_oid from;
    itk_oidmap reached; /* empty when the revwalk failed: ask libgit2 */
    int ok;
} itk_vgraph_outside;

typedef struct {
    size_t n, cap;
    git_oid *ids;
    uint32_t *first;   /* commit i's parents: parents[first[i] .. first[i + 1]) */
    uint32_t *parents; /* walk indexes, each below its child's */
    size_t nparents, aparents;
    uint32_t *seen; /* per commit: the number of the last search that met it */
    uint32_t search;
    unsigned char *paint; /* merge-base flags, all zero between searches */
    uint32_t *work;       /* a search's stack, or its heap and then the painted */
    uint32_t *painted;
    int incomplete; /* a parent missing or after its child: ask libgit2 */
    itk_vgraph_outside outside[ITK_VGRAPH_OUTSIDE];
    size_t noutside;
    /* where the commits outside the graph are read (NULL: a revwalk): the
     * verification cache, which describes them without reading them */
    int (*read)(void *payload, const git_oid *id, long long *time, git_oid *parents,
                size_t *nparents);
    void *read_payload;
} itk_vgraph;

void itk_vgraph_free(itk_vgraph *g);

/* Adds c, the walk's next commit (its index: the number added before), with
 * the parents that ids (commit id → index + 1) holds. 0 or ITK_ENOMEM. */
int itk_vgraph_add(itk_vgraph *g, const itk_oidmap *ids, const git_commit *c);

/* The same for commit id with its np parents (read from the verification
 * cache, the commit itself not read again). 0 or ITK_ENOMEM. */
int itk_vgraph_add_ids(itk_vgraph *g, const itk_oidmap *ids, const git_oid *id,
                       const git_oid *parents, size_t np);

/* git_graph_descendant_of(repo, commit, ancestor), from the graph when both
 * are in it, from what commit reaches when only ancestor is; negative only
 * as libgit2 answers or ITK_ENOMEM. */
int itk_vgraph_descendant_of(itk_vgraph *g, const itk_oidmap *ids, git_repository *repo,
                             const git_oid *commit, const git_oid *ancestor);

/* The one merge base of a and b: 1 and *out when there is exactly one, 0
 * when there is none, several, or the graph cannot tell (ask libgit2), or
 * ITK_ENOMEM. */
int itk_vgraph_merge_base(git_oid *out, itk_vgraph *g, const itk_oidmap *ids, const git_oid *a,
                          const git_oid *b);

/* Every merge base of a and b, as git_merge_bases finds them (none an
 * ancestor of another), highest walk index first: 1 with *n their number and
 * the first max of them in out, or 0 when the graph cannot tell (ask
 * libgit2). */
int itk_vgraph_merge_bases(git_oid *out, size_t max, size_t *n, itk_vgraph *g,
                           const itk_oidmap *ids, const git_oid *a, const git_oid *b);

#endif
