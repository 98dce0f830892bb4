/* Joining a contract: a clone that trusts nothing until the pinned genesis
 * and city key say it is the contract on the paper sheet. */
#define _XOPEN_SOURCE 700
#include "itaku/errors.h"
#include "itaku/instruct.h"
#include "itaku/verify.h"
#include "registry_priv.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int dir_is_new(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT;
    struct dirent *de;
    int empty = 1;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            empty = 0;
    closedir(d);
    return empty;
}

int itk_registry_clone(const char *url, const char *dir, const char *city_key,
                       const char *genesis)
{
    git_repository *repo = NULL;
    git_config *cfg = NULL;
    itk_registry *reg = NULL;
    itk_verify_result *r = NULL;
    int rc = 0;
    if (!city_key || strncmp(city_key, "SHA256:", 7) != 0 || !genesis || strlen(genesis) != 40)
        return itk_error_set(ITK_EINVALID,
                             "clone needs the contract sheet's --city-key SHA256:… and --genesis "
                             "(40 hex digits)");
    if (!dir_is_new(dir))
        return itk_error_set(ITK_EEXISTS, "%s already exists and is not empty", dir);
    git_libgit2_init();
    git_clone_options co;
    git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
    co.checkout_branch = "main";
    if (git_clone(&repo, url, dir, &co) < 0) {
        rc = itk_error_git("cannot clone %s", url);
        goto done;
    }
    if (git_repository_config(&cfg, repo) < 0 ||
        git_config_set_string(cfg, "itaku.genesis", genesis) < 0 ||
        git_config_set_string(cfg, "itaku.cityKey", city_key) < 0) {
        rc = itk_error_git("cannot pin the contract in %s", dir);
        goto done;
    }
    if ((rc = itk_registry_open(&reg, dir)) ||
        (rc = itk_verify_run(&r, reg, NULL, 0, NULL)))
        goto done;
    git_oid g;
    git_object *root = NULL;
    if (git_oid_fromstr(&g, genesis) < 0 || git_object_lookup(&root, repo, &g, GIT_OBJECT_COMMIT) < 0)
        rc = itk_error_set(ITK_EVERIFY,
                           "%s does not hold the genesis %s of the contract sheet; it is another "
                           "contract's registry",
                           url, genesis);
    git_object_free(root);
    if (!rc && itk_verify_problem_count(r)) {
        const itk_problem *p = itk_verify_problem(r, 0);
        rc = itk_error_set(ITK_EVERIFY,
                           "%s was refused: commit %.12s breaks %s%s%s: %s (%zu problem%s in all)",
                           url, p->commit, p->rule, *p->path ? " at " : "", p->path, p->message,
                           itk_verify_problem_count(r), itk_verify_problem_count(r) == 1 ? "" : "s");
    }
done:
    itk_verify_result_free(r);
    itk_registry_free(reg);
    git_config_free(cfg);
    git_repository_free(repo);
    if (rc) {
        char saved[1024];
        snprintf(saved, sizeof(saved), "%s", itk_error_last());
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        itk_error_set(rc, "%s; nothing was kept", saved);
    }
    git_libgit2_shutdown();
    return rc;
}
