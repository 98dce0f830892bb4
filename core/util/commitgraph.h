/* The commit-graph files of an object folder (objects/info/commit-graph,
 * objects/info/commit-graphs/), kept from libgit2 (issue 20). Stock `git gc`
 * writes one, so a registry may well hold one, and from anyone: libgit2 1.5
 * checks its checksum and layout but then takes each commit's parents,
 * date and generation from it in every walk (git_revwalk and what is built
 * on it, such as merge bases) without reading the commit, so a graph
 * rewritten with a good checksum would walk a history the commits do not
 * have. It only speeds walks up; itaku reads commits themselves. Private to
 * the library. */
#ifndef ITAKU_COMMITGRAPH_H
#define ITAKU_COMMITGRAPH_H

#include <git2.h>

/* Makes odb read no commit-graph from now on (git_odb_set_commit_graph with
 * none; the file is opened at the first walk only, so none has been read
 * when this follows git_odb_open or the odb's first use). An object folder
 * added to odb later (git_odb_add_disk_alternate) would bring its own:
 * call this again after. Always 0 (ITK_EGIT when libgit2 cannot take its
 * lock, its message copied).. */
int itk_odb_commit_graph_off(git_odb *odb);

/* itk_odb_commit_graph_off on repo's object database (opening it: call
 * this after what must be checked before libgit2 reads the folder). 0;
 * ITK_EGIT when the database cannot be opened. */
int itk_repository_commit_graph_off(git_repository *repo);

#endif
