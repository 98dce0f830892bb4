/* Fuzz target: a whole bundle file as `itaku bundle import` and `clone`
 * take it in (itk_bundle_unpack, core/flow/bundle.c): the header, then its
 * pack through the size scan (core/util/packscan.c) and libgit2's indexer,
 * which writes the pack's index, then every ref's object looked up. Each
 * input goes into an empty bare repository in a temporary folder, and what
 * it left in the object database is removed before the next one. A bundle
 * that is taken names only refs whose objects are now present. */
#include "bundle_priv.h"

#include <dirent.h>
#include <git2.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char root[256], repo_dir[300], bundle_path[300], pack_dir[320];

static void cleanup(void)
{
    DIR *d = opendir(pack_dir);
    struct dirent *de;
    char p[600];
    while (d && (de = readdir(d)))
        if (de->d_name[0] != '.' && snprintf(p, sizeof(p), "%s/%s", pack_dir, de->d_name) > 0)
            unlink(p);
    if (d)
        closedir(d);
}

static int setup(void)
{
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    git_repository *r = NULL;
    snprintf(root, sizeof(root), "%s/itaku-fuzz-XXXXXX", tmp ? tmp : "/tmp");
    if (git_libgit2_init() < 0 || !mkdtemp(root))
        return -1;
    snprintf(repo_dir, sizeof(repo_dir), "%s/repo.git", root);
    snprintf(bundle_path, sizeof(bundle_path), "%s/in.bundle", root);
    snprintf(pack_dir, sizeof(pack_dir), "%s/objects/pack", repo_dir);
    if (git_repository_init(&r, repo_dir, 1) < 0)
        return -1;
    git_repository_free(r);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (setup() != 0)
            abort();
        ready = 1;
    }
    FILE *f = fopen(bundle_path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    git_repository *repo = NULL;
    if (git_repository_open(&repo, repo_dir) < 0)
        abort();
    itk_bundle_header *h = NULL;
    if (itk_bundle_unpack(&h, repo, bundle_path) == 0) {
        git_odb *odb = NULL;
        if (git_repository_odb(&odb, repo) < 0)
            abort();
        for (size_t i = 0; i < itk_bundle_header_ref_count(h); i++) {
            git_oid id;
            if (!itk_bundle_header_ref(h, i, &id) || !git_odb_exists(odb, &id))
                abort();
        }
        git_odb_free(odb);
        itk_bundle_header_free(h);
    } else if (h)
        abort();
    git_repository_free(repo);
    cleanup();
    return 0;
}
