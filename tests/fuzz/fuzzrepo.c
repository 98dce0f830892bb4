/* The fuzz targets' repository in a temporary folder (fuzzrepo.h). */
#include "fuzzrepo.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char root[256], repo_path[300];

const char *fuzzrepo_root(const char **repo_dir)
{
    if (!*root) {
        const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
        git_repository *r = NULL;
        snprintf(root, sizeof(root), "%s/itaku-fuzz-XXXXXX", tmp ? tmp : "/tmp");
        if (git_libgit2_init() < 0 || !mkdtemp(root))
            abort();
        snprintf(repo_path, sizeof(repo_path), "%s/repo.git", root);
        if (git_repository_init(&r, repo_path, 1) < 0)
            abort();
        git_repository_free(r);
    }
    if (repo_dir)
        *repo_dir = repo_path;
    return root;
}

void fuzzrepo_put(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
}
