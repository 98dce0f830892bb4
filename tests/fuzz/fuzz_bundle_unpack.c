/* Fuzz target: a whole bundle file as `itaku bundle import` and `clone`
 * take it in (itk_bundle_unpack, core/flow/bundle.c): the header, then its
 * pack through the size scan (core/util/packscan.c) and libgit2's indexer,
 * which writes the pack's index, then every ref's object looked up. Each
 * input goes into an empty bare repository in a temporary folder, and what
 * it left in the object database is removed before the next one. A bundle
 * that is taken names only refs whose objects are now present. */
#include "bundle_priv.h"
#include "fuzzrepo.h"

#include <dirent.h>
#include <git2.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char repo_dir[300], bundle_path[300], pack_dir[320];

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

static void setup(void)
{
    const char *repo;
    const char *root = fuzzrepo_root(&repo);
    snprintf(repo_dir, sizeof(repo_dir), "%s", repo);
    snprintf(bundle_path, sizeof(bundle_path), "%s/in.bundle", root);
    snprintf(pack_dir, sizeof(pack_dir), "%s/objects/pack", repo_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    fuzzrepo_put(bundle_path, data, size);
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
