/* Joining a contract: a clone that trusts nothing until the pinned genesis
 * and city key say it is the contract on the paper sheet. From a path, an
 * ssh:// URL (remote.c's key and host-key checks) or a bundle file. */
#include "itaku/clone.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "intl.h"
#include "itaku/remote.h"
#include "itaku/sshkey.h"
#include "itaku/verify.h"
#include "itaku/names.h"
#include "bundle_priv.h"
#include "fault.h"
#include "fsutil.h"
#include "newdir.h"
#include "packscan.h"
#include "registry_priv.h"
#include "remote_auth.h"
#include "senders_priv.h"
#include "itaku/commit.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* ITAKU_FAULT=checkout:K stops a clone's checkout at its K-th file
 * (fault.h). */
static void checkout_fault(const char *path, size_t done, size_t total, void *payload)
{
    (void)payload;
    (void)done;
    (void)total;
    if (path)
        itk_fault_point("checkout");
}

/* git_clone's repository: a new one whose fetched pack goes through the
 * scan (packscan.h), as a fetch's does. */
typedef struct {
    itk_packscan_guard *guard;
    const itk_remote_options *opts;
} clone_ctx;

static int guarded_repository(git_repository **out, const char *path, int bare, void *payload)
{
    clone_ctx *c = payload;
    if (git_repository_init(out, path, (unsigned)bare) < 0)
        return -1;
    if (itk_packscan_guard_begin(&c->guard, *out, NULL) < 0) {
        git_error_set_str(GIT_ERROR_INVALID, itk_error_last());
        git_repository_free(*out);
        *out = NULL;
        return -1;
    }
    if (c->opts && c->opts->version >= 2)
        itk_packscan_guard_progress(c->guard, c->opts->progress, c->opts->progress_payload);
    return 0;
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

/* A new registry in dir holding a bundle's objects, main at the bundle's
 * main (and the sender's line, when it names itself), checked out. */
static int clone_bundle(git_repository **out, const char *path, const char *dir)
{
    git_repository *repo = NULL;
    itk_bundle_header *h = NULL;
    git_oid main_id, id;
    int have_main = 0, rc = 0;
    git_repository_init_options io;
    git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    io.flags = GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
    io.initial_head = "main";
    if (git_repository_init_ext(&repo, dir, &io) < 0)
        return itk_error_git("cannot create %s", dir);
    if ((rc = itk_bundle_unpack(&h, repo, path)))
        goto done;
    if (itk_bundle_header_prerequisite_count(h)) {
        rc = itk_error_set(ITK_EINVALID,
                           "%s holds only what is new since commit %s; a clone needs a bundle "
                           "of the whole history (made before the sender held our line)",
                           path, git_oid_tostr_s(itk_bundle_header_prerequisite(h, 0)));
        goto done;
    }
    for (size_t i = 0; i < itk_bundle_header_ref_count(h) && !rc; i++) {
        const char *name = itk_bundle_header_ref(h, i, &id);
        git_reference *ref = NULL;
        size_t plen = strlen(ITK_BUNDLE_SENDER_PREFIX);
        if (strcmp(name, ITK_REF_MAIN) == 0) {
            main_id = id;
            have_main = 1;
        } else if (strncmp(name, ITK_BUNDLE_SENDER_PREFIX, plen) == 0 &&
                   itk_party_id_check(name + plen) == 0) {
            char line[160];
            snprintf(line, sizeof(line), ITK_REF_LINES "%s", name + plen);
            if (git_reference_create(&ref, repo, line, &id, 0, "itaku: clone from bundle") < 0)
                rc = itk_error_git("cannot record %s", line);
            git_reference_free(ref);
        }
    }
    if (!rc)
        itk_error_clear();
    if (!rc && !have_main)
        rc = itk_error_set(ITK_ENOTFOUND, "%s holds no main branch to clone", path);
    git_reference *m = NULL;
    git_checkout_options co;
    git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
    co.checkout_strategy = GIT_CHECKOUT_FORCE;
    co.progress_cb = checkout_fault;
    if (!rc && (git_reference_create(&m, repo, ITK_REF_MAIN, &main_id, 0,
                                     "itaku: clone from bundle") < 0 ||
                git_checkout_head(repo, &co) < 0))
        rc = itk_error_git("cannot check out the bundle's main in %s", dir);
    git_reference_free(m);
done:
    itk_bundle_header_free(h);
    if (rc)
        git_repository_free(repo);
    else
        *out = repo;
    return rc;
}

/* A bundle's sender is proven, not claimed (DESIGN §7): the line clone_bundle
 * recorded for the party the bundle names must end on a commit of that party
 * or of one above it, by the signatures r found. */
static int check_bundle_sender(git_repository *repo, const itk_verify_result *r, const char *path)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    int rc = 0;
    if (git_reference_iterator_glob_new(&it, repo, ITK_REF_LINES "*") < 0)
        return itk_error_git("cannot list the lines of %s", path);
    while (!rc && git_reference_next(&ref, it) == 0) {
        const git_oid *id = git_reference_target(ref);
        const char *signer = "";
        char source[PATH_MAX + 16], line[ITK_PARTY_ID_MAX + 1];
        git_commit *c = NULL;
        git_tree *tree = NULL;
        for (size_t i = 0; id && i < itk_verify_commit_count(r); i++)
            if (git_oid_equal(&itk_verify_commit(r, i)->id, id))
                signer = itk_verify_commit(r, i)->party;
        snprintf(source, sizeof(source), "bundle %s", path);
        if (!id || git_commit_lookup(&c, repo, id) < 0 || git_commit_tree(&tree, c) < 0)
            rc = itk_error_git("cannot read %s", git_reference_name(ref));
        else
            rc = itk_senders_attribute(line, repo, tree, ITK_TIP_LINE,
                                       git_reference_name(ref) + ITK_PREFIX_LEN(ITK_REF_LINES),
                                       signer, 1, id, "main", source);
        git_tree_free(tree);
        git_commit_free(c);
        git_reference_free(ref);
    }
    git_reference_iterator_free(it);
    return rc;
}

/* The key that logged in signs too; the registry is its party's
 * (itaku.party, when the key is registered); origin (when there is one)
 * leads to the parent of the key's party, or, for a city officer, to the
 * city's own hosted registry (where its officers share decisions/ branches). */
static int adopt_key(git_repository *repo, const char *key_path)
{
    char abs[PATH_MAX];
    git_config *cfg = NULL;
    itk_pubkey *key = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    git_object *tree = NULL;
    git_remote *origin = NULL;
    int rc = 0;
    if (!realpath(key_path, abs))
        return itk_error_set(ITK_ENOTFOUND, "cannot find %s", key_path);
    if (git_repository_config(&cfg, repo) < 0 ||
        git_config_set_string(cfg, "itaku.signingKey", abs) < 0) {
        rc = itk_error_git("cannot set the signing key");
        goto done;
    }
    itk_identity who;
    char path[ITK_MAX_CHAIN][ITK_PARTY_ID_MAX + 1];
    size_t n;
    if (itk_pubkey_read_file(&key, abs) != 0 || itk_pubkey_fingerprint(&fpr, key) != 0 ||
        git_revparse_single(&tree, repo, "HEAD^{tree}") != 0 ||
        itk_identity_find(&who, repo, (git_tree *)tree, fpr.ptr) != 0)
        goto done; /* not registered (yet): whose registry it is stays unsaid */
    if (git_config_set_string(cfg, ITK_CONFIG_PARTY, who.party) < 0)
        rc = itk_error_git("cannot record that the registry is %s's", who.party);
    else if (git_remote_lookup(&origin, repo, "origin") == 0 &&
             itk_chain_path(path, &n, repo, (git_tree *)tree, who.party) == 0 && n >= 1 &&
             git_config_set_string(cfg, "remote.origin.itakuParty", path[n >= 2 ? 1 : 0]) < 0)
        rc = itk_error_git("cannot tag remote origin");
done:
    if (!rc)
        itk_error_clear();
    git_remote_free(origin);
    git_object_free(tree);
    itk_buf_dispose(&fpr);
    itk_pubkey_free(key);
    git_config_free(cfg);
    return rc;
}

int itk_registry_clone(const char *url, const char *dir, const char *city_key, const char *genesis)
{
    return itk_remote_clone(url, dir, city_key, genesis, NULL);
}

int itk_remote_clone(const char *url, const char *dir, const char *city_key, const char *genesis,
                     const itk_remote_options *opts)
{
    itk_remote_auth *auth = NULL;
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
    if (opts && opts->host_key && (rc = itk_host_key_check(opts->host_key)))
        return rc;
    /* built beside dir and renamed to it at the end: killed before, no
     * half-made registry is left at dir */
    itk_newdir nd;
    if ((rc = itk_newdir_begin(&nd, dir)))
        return rc;
    const char *into = nd.tmp;
    git_libgit2_init();
    int from_bundle = itk_bundle_is_bundle(url);
    if (from_bundle) {
        if ((rc = clone_bundle(&repo, url, into)))
            goto done;
    } else {
        /* a folder's objects are copied as they are (libgit2's local
         * clone): its object folder is checked first, so that what is
         * wrong is said of it, not of the copy */
        git_repository *src = NULL;
        if ((rc = itk_registry_source_open(&src, NULL, url)))
            goto done;
        git_repository_free(src);
        git_clone_options co;
        git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
        co.checkout_branch = "main";
        if ((rc = itk_remote_auth_new(&auth, NULL, url, opts, NULL)))
            goto done;
        itk_remote_auth_callbacks(&co.fetch_opts.callbacks, auth);
        co.fetch_opts.callbacks.push_update_reference = NULL;
        co.checkout_opts.progress_cb = checkout_fault;
        clone_ctx cc = {NULL, opts};
        co.repository_cb = guarded_repository;
        co.repository_cb_payload = &cc;
        int cloned = git_clone(&repo, url, into, &co);
        if (cloned < 0)
            itk_packscan_guard_drop(cc.guard); /* git_clone freed the repository */
        else
            itk_packscan_guard_end(cc.guard);
        if (cloned < 0) {
            char what[2400];
            snprintf(what, sizeof(what), itk__("cannot clone %s into %s"), url, dir);
            rc = itk_remote_auth_fail(auth, what);
            goto done;
        }
    }
    if (git_repository_config(&cfg, repo) < 0 ||
        git_config_set_string(cfg, "itaku.genesis", genesis) < 0 ||
        git_config_set_string(cfg, "itaku.cityKey", city_key) < 0 ||
        (opts && opts->host_key &&
         git_config_set_string(cfg, "remote.origin.itakuHostKey", opts->host_key) < 0)) {
        rc = itk_error_git("cannot pin the contract in %s", dir);
        goto done;
    }
    if ((rc = itk_registry_open(&reg, into)) || (rc = itk_verify_run(&r, reg, NULL, 0, NULL)))
        goto done;
    git_oid g;
    git_object *root = NULL;
    if (git_oid_fromstr(&g, genesis) < 0 ||
        git_object_lookup(&root, repo, &g, GIT_OBJECT_COMMIT) < 0)
        rc = itk_error_set(ITK_EVERIFY,
                           "%s does not hold the genesis %s of the contract sheet; it is another "
                           "contract's registry",
                           url, genesis);
    git_object_free(root);
    if (!rc && itk_verify_problem_count(r)) {
        const itk_problem *p = itk_verify_problem(r, 0);
        size_t n = itk_verify_problem_count(r);
        rc = *p->path ? itk_error_set(ITK_EVERIFY,
                                      itk_n_("%s was refused: commit %.12s breaks %s at %s: %s "
                                             "(%zu problem in all)",
                                             "%s was refused: commit %.12s breaks %s at %s: %s "
                                             "(%zu problems in all)",
                                             n),
                                      url, p->commit, p->rule, p->path, p->message, n)
                      : itk_error_set(ITK_EVERIFY,
                                      itk_n_("%s was refused: commit %.12s breaks %s: %s (%zu "
                                             "problem in all)",
                                             "%s was refused: commit %.12s breaks %s: %s (%zu "
                                             "problems in all)",
                                             n),
                                      url, p->commit, p->rule, p->message, n);
    }
    if (!rc && from_bundle)
        rc = check_bundle_sender(repo, r, url);
    if (!rc && opts && opts->key_path)
        rc = adopt_key(repo, opts->key_path);
done:
    if (repo)
        itk_newdir_note_caches(&nd, repo);
    itk_remote_auth_free(auth);
    itk_verify_result_free(r);
    itk_registry_free(reg);
    git_config_free(cfg);
    git_repository_free(repo);
    /* the commit point */
    if (!rc)
        rc = itk_newdir_commit(&nd);
    itk_newdir_end(&nd);
    if (rc)
        itk_error_set(rc, "%s; nothing was kept", itk_error_last());
    git_libgit2_shutdown();
    return rc;
}
