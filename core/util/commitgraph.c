/* Object databases that read no commit-graph (commitgraph.h). */
#include "commitgraph.h"
#include "itaku/errors.h"

int itk_odb_commit_graph_off(git_odb *odb)
{
    if (git_odb_set_commit_graph(odb, NULL) < 0)
        return itk_error_git("cannot open the object database");
    return 0;
}

int itk_repository_commit_graph_off(git_repository *repo)
{
    git_odb *odb = NULL;
    if (git_repository_odb(&odb, repo) < 0)
        return itk_error_git("cannot open the object database");
    int rc = itk_odb_commit_graph_off(odb);
    git_odb_free(odb);
    return rc;
}
