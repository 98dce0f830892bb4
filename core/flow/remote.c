/* Remotes (DESIGN §7): git remotes tagged with their party, fetching through
 * the quarantine and pushing to a hosted registry. The SSH side (login key,
 * host-key check) is remote_auth.c's; whether what arrives may be taken is
 * sync.c's decision, not this file's. */
#include "itaku/write_lock.h"
#include "itaku/remote.h"
#include "itaku/errors.h"
#include "itaku/kessai.h"
#include "itaku/names.h"
#include "alloc.h"
#include "array.h"
#include "registry_priv.h"
#include "remote_auth.h"
#include "sync_priv.h"
#include "commit_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- remotes in git config ---- */

static int name_ok(const char *name)
{
    int valid = 0;
    return name && git_remote_name_is_valid(&valid, name) == 0 && valid;
}

static int config_get(char *out, size_t cap, git_config *cfg, const char *name, const char *key)
{
    char var[300];
    const char *v;
    snprintf(var, sizeof(var), "remote.%s.%s", name, key);
    out[0] = '\0';
    if (git_config_get_string(&v, cfg, var) < 0) {
        itk_error_clear();
        return -1;
    }
    snprintf(out, cap, "%s", v);
    return 0;
}

int itk_remote_get(itk_remote_info *out, itk_registry *reg, const char *name)
{
    git_config *cfg = NULL;
    memset(out, 0, sizeof(*out));
    if (!name_ok(name))
        return itk_error_set(ITK_EINVALID, "'%s' is not a valid remote name", name);
    if (git_repository_config_snapshot(&cfg, reg->repo) < 0)
        return itk_error_git("cannot read the registry's config");
    snprintf(out->name, sizeof(out->name), "%s", name);
    int rc = 0;
    if (config_get(out->url, sizeof(out->url), cfg, name, "url") < 0)
        rc = itk_error_set(ITK_ENOTFOUND,
                           "there is no remote '%s'; add it with `itaku remote add %s URL "
                           "--party P`",
                           name, name);
    config_get(out->party, sizeof(out->party), cfg, name, "itakuParty");
    config_get(out->host_key, sizeof(out->host_key), cfg, name, "itakuHostKey");
    git_config_free(cfg);
    return rc;
}

int itk_remote_list(itk_buf *out, itk_registry *reg)
{
    git_strarray names = {0};
    if (git_remote_list(&names, reg->repo) < 0)
        return itk_error_git("cannot list remotes");
    int rc = 0;
    for (size_t i = 0; !rc && i < names.count; i++)
        rc = itk_buf_printf(out, "%s\n", names.strings[i]);
    git_strarray_dispose(&names);
    return rc;
}

int itk_remote_add(itk_registry *reg, const char *name, const char *url, const char *party,
                   const char *host_key)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    git_remote *remote = NULL;
    git_config *cfg = NULL;
    int rc;
    if (!name_ok(name))
        return itk_error_set(ITK_EINVALID, "'%s' is not a valid remote name", name);
    if (!url || !*url || strlen(url) >= ITK_REMOTE_URL_MAX)
        return itk_error_set(ITK_EINVALID, "a remote needs a URL or path");
    if ((rc = itk_party_id_check(party)) || (host_key && (rc = itk_host_key_check(host_key))))
        return rc;
    if (git_remote_lookup(&remote, reg->repo, name) == 0) {
        int same = git_remote_url(remote) && strcmp(git_remote_url(remote), url) == 0;
        git_remote_free(remote);
        if (!same)
            return itk_error_set(ITK_EEXISTS,
                                 "remote '%s' already leads elsewhere; remove it first with "
                                 "`git remote remove %s`",
                                 name, name);
    } else if (git_remote_create(&remote, reg->repo, name, url) < 0) {
        return itk_error_git("cannot add remote '%s'", name);
    } else {
        git_remote_free(remote);
    }
    char var[300];
    if (git_repository_config(&cfg, reg->repo) < 0)
        return itk_error_git("cannot open the registry's config");
    snprintf(var, sizeof(var), "remote.%s.itakuParty", name);
    if (git_config_set_string(cfg, var, party) < 0)
        rc = itk_error_git("cannot tag remote '%s'", name);
    snprintf(var, sizeof(var), "remote.%s.itakuHostKey", name);
    if (!rc && host_key && git_config_set_string(cfg, var, host_key) < 0)
        rc = itk_error_git("cannot pin the host key of remote '%s'", name);
    git_config_free(cfg);
    return rc;
}

/* ---- fetch and push ---- */

int itk_remote_fetch(itk_sync_report *report, itk_registry *reg, const char *name,
                     const char *party, const itk_remote_options *opts)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    itk_remote_info info;
    itk_remote_auth *auth = NULL;
    git_remote_callbacks cb;
    int rc;
    if ((rc = itk_remote_get(&info, reg, name)))
        return rc;
    /* the tag names whose the remote's main should be (party only stands in
     * for it); the signature on its tip decides whose it is (sync.c) */
    if (info.party[0])
        party = info.party;
    if (!party)
        return itk_error_set(ITK_EINVALID,
                             "remote '%s' does not say whose line its main is; tag it with "
                             "`itaku remote add %s %s --party P`",
                             name, name, info.url);
    if ((rc = itk_party_id_check(party)) ||
        (rc = itk_remote_auth_new(&auth, reg->repo, info.url, opts, info.host_key)))
        return rc;
    git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
    itk_remote_auth_callbacks(&cb, auth);
    char source[ITK_REMOTE_URL_MAX + 160];
    snprintf(source, sizeof(source), "remote '%s' (%s)", name, info.url);
    if ((rc = itk_sync_fetch_into(reg, name, info.url, &cb))) {
        if (itk_remote_auth_reason(auth)[0])
            rc = itk_remote_auth_fail(auth, source);
        goto done;
    }
    itk_take_options to = ITK_TAKE_OPTIONS_INIT;
    /* the registry's own line taken strictly ahead of main (another clone
     * of this party pushed there): main follows (DESIGN §7) */
    itk_main_update spare;
    if (!(rc = itk_sync_publish(report, reg, name, party, source, &to)))
        rc = itk_sync_main_forward(report ? &report->main : &spare, reg);
done:
    itk_remote_auth_free(auth);
    return rc;
}

static const git_remote_head *remote_head(const git_remote_head **heads, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(heads[i]->name, name) == 0)
            return heads[i];
    return NULL;
}

typedef struct {
    char **specs;
    size_t n, cap;
} spec_list;

static int spec_add(spec_list *l, itk_buf *pushed, const char *local, const char *dst)
{
    if (itk_array_reserve(&l->specs, &l->cap, l->n + 1, sizeof(*l->specs)))
        return ITK_ENOMEM;
    size_t len = strlen(local) + strlen(dst) + 2;
    if (!(l->specs[l->n] = itk_malloc(len)))
        return ITK_ENOMEM;
    snprintf(l->specs[l->n++], len, "%s:%s", local, dst);
    return itk_buf_printf(pushed, "%s -> %s\n", local, dst);
}

/* Whether repo holds object id. */
static int known(git_repository *repo, const git_oid *id)
{
    git_odb *odb = NULL;
    int yes = git_repository_odb(&odb, repo) == 0 && git_odb_exists(odb, id);
    git_odb_free(odb);
    git_error_clear();
    return yes;
}

/* Whether our id should replace what the server holds (theirs NULL: new). */
static int worth_pushing(git_repository *repo, const git_oid *ours, const git_remote_head *theirs)
{
    if (!theirs)
        return 1;
    if (git_oid_equal(ours, &theirs->oid))
        return 0;
    int r = git_graph_descendant_of(repo, ours, &theirs->oid);
    itk_error_clear();
    return r == 1;
}

int itk_remote_push(itk_buf *pushed, itk_registry *reg, itk_signer *signer, const char *name,
                    const itk_remote_options *opts)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    git_repository *repo = reg->repo;
    itk_remote_info info;
    itk_remote_auth *auth = NULL;
    git_remote *remote = NULL;
    git_tree *tree = NULL;
    git_reference_iterator *it = NULL;
    spec_list specs = {0};
    itk_identity me;
    git_remote_callbacks cb;
    int rc;
    if ((rc = itk_remote_get(&info, reg, name)) || (rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_registry_identify(&me, reg, tree, signer)) ||
        (rc = itk_remote_auth_new(&auth, repo, info.url, opts, info.host_key)))
        goto done;
    git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
    itk_remote_auth_callbacks(&cb, auth);
    char source[ITK_REMOTE_URL_MAX + 160];
    snprintf(source, sizeof(source), "cannot push to remote '%s' (%s)", name, info.url);
    /* another party's registry folder, with its files: git does not push
     * into a checked-out branch, and libgit2 not into such a folder at all */
    git_repository *there = NULL;
    const char *path = strncmp(info.url, "file://", 7) == 0 ? info.url + 7 : info.url;
    if (!strstr(path, "://") &&
        git_repository_open_ext(&there, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0 &&
        !git_repository_is_bare(there)) {
        git_repository_free(there);
        if (strcmp(me.role, "city") == 0)
            rc = itk_error_set(ITK_EINVALID,
                               "remote '%s' (%s) is a registry folder with its files, which itaku "
                               "does not push into; nothing was pushed. There, the party takes "
                               "the city's main with itaku pull, or you hand them a bundle "
                               "(itaku bundle create)",
                               name, info.url);
        else
            rc = itk_error_set(ITK_EINVALID,
                               "remote '%s' (%s) is a registry folder with its files, which itaku "
                               "does not push into; nothing was pushed. There, the party above "
                               "takes this registry's commits with itaku receive %s and the path "
                               "of this registry, or you hand them a bundle (itaku bundle create)",
                               name, info.url, me.party);
        goto done;
    }
    git_repository_free(there);
    git_error_clear();
    if (git_remote_create_anonymous(&remote, repo, info.url) < 0 ||
        git_remote_connect(remote, GIT_DIRECTION_PUSH, &cb, NULL, NULL) < 0) {
        rc = itk_remote_auth_fail(auth, source);
        goto done;
    }
    const git_remote_head **heads = NULL;
    size_t nheads = 0;
    if (git_remote_ls(&heads, &nheads, remote) < 0) {
        rc = itk_remote_auth_fail(auth, source);
        goto done;
    }
    int city = strcmp(me.role, "city") == 0;
    char dst[200];
    git_oid main_id;
    if (city)
        snprintf(dst, sizeof(dst), ITK_REF_MAIN);
    else
        snprintf(dst, sizeof(dst), ITK_REF_PARTIES "%s/main", me.party);
    if (git_reference_name_to_id(&main_id, repo, ITK_REF_MAIN) < 0) {
        rc = itk_error_set(ITK_ENOTFOUND, "this registry has no main branch to push");
        goto done;
    }
    const git_remote_head *h = remote_head(heads, nheads, dst);
    if (h && !git_oid_equal(&h->oid, &main_id) &&
        (!known(repo, &h->oid) || git_graph_descendant_of(repo, &main_id, &h->oid) != 1)) {
        git_error_clear();
        if (known(repo, &h->oid) && git_graph_descendant_of(repo, &h->oid, &main_id) == 1) {
            /* behind the remote, nothing of our own: nothing to push there */
            git_error_clear();
            char ahead[GIT_OID_HEXSZ + 1];
            git_oid_tostr(ahead, sizeof(ahead), &h->oid);
            itk_notice_set("%s on remote '%s' (%.12s) is ahead of this clone's main (%.12s), "
                           "which holds nothing it lacks, so main was not pushed; itaku fetch "
                           "%s moves main forward to it",
                           dst + ITK_PREFIX_LEN("refs/heads/"), name, ahead,
                           git_oid_tostr_s(&main_id), name);
        } else {
            /* the remote moved on while this clone made commits of its own
             * (another officer pushed first): say so, and what to do */
            git_error_clear();
            char theirs[GIT_OID_HEXSZ + 1];
            git_oid_tostr(theirs, sizeof(theirs), &h->oid);
            rc = city ? itk_error_set(ITK_ECONFLICT,
                                      "main on remote '%s' holds commits this clone lacks "
                                      "(%.12s): another officer pushed to it after this clone "
                                      "last fetched, while this clone's main (%.12s) got "
                                      "commits of its own, so nothing was pushed. Run itaku "
                                      "pull %s: it takes the remote's main and makes this "
                                      "clone's decisions (with the same seals) and settings "
                                      "changes not yet pushed again on top of it; then run "
                                      "itaku push %s again",
                                      name, theirs, git_oid_tostr_s(&main_id), name, name)
                      : itk_error_set(ITK_ECONFLICT,
                                      "%s on remote '%s' holds commits this clone lacks "
                                      "(%.12s): another clone of %s pushed to it after this "
                                      "one last fetched, while this clone's main (%.12s) got "
                                      "commits of its own, so nothing was pushed. Take them "
                                      "with itaku fetch %s, and make this clone's own commits "
                                      "again in the clone that holds them (a party's line is "
                                      "written in one clone at a time)",
                                      dst + ITK_PREFIX_LEN("refs/heads/"), name, theirs, me.party,
                                      git_oid_tostr_s(&main_id), name);
            goto done;
        }
    } else if ((!h || !git_oid_equal(&h->oid, &main_id)) &&
               (rc = spec_add(&specs, pushed, ITK_REF_MAIN, dst)))
        goto done;
    /* request branches: ours and our descendants' (the city decides by
     * merging, it never moves a request branch) */
    git_reference *ref = NULL;
    if (!city && git_reference_iterator_glob_new(&it, repo, ITK_REF_REQUESTS "*") == 0) {
        while (!rc && git_reference_next(&ref, it) == 0) {
            const char *rn = git_reference_name(ref);
            const git_oid *id = git_reference_target(ref);
            char requester[ITK_PARTY_ID_MAX + 1] = "";
            const char *r = rn + ITK_PREFIX_LEN(ITK_REF_REQUESTS), *slash = strchr(r, '/');
            if (slash && (size_t)(slash - r) < sizeof(requester)) {
                memcpy(requester, r, (size_t)(slash - r));
                requester[slash - r] = '\0';
            }
            int may = requester[0] && (strcmp(requester, me.party) == 0 ||
                                       itk_chain_is_ancestor(repo, tree, me.party, requester));
            if (id && may && worth_pushing(repo, id, remote_head(heads, nheads, rn)))
                rc = spec_add(&specs, pushed, rn, rn);
            git_reference_free(ref);
        }
    }
    /* the city's decisions in progress (決裁, V12): its officers share them
     * through the hosted registry, whose hook takes them from the city only */
    if (!rc && city && git_reference_iterator_glob_new(&it, repo, ITK_REF_DECISIONS "*") == 0) {
        while (!rc && git_reference_next(&ref, it) == 0) {
            const char *rn = git_reference_name(ref);
            const git_oid *id = git_reference_target(ref);
            const git_remote_head *theirs = remote_head(heads, nheads, rn);
            if (id && worth_pushing(repo, id, theirs))
                rc = spec_add(&specs, pushed, rn, rn);
            else if (id && theirs && !git_oid_equal(id, &theirs->oid) &&
                     (!known(repo, &theirs->oid) ||
                      git_graph_descendant_of(repo, &theirs->oid, id) != 1)) {
                /* the remote's branch holds what we lack: behind it, or
                 * overtaken there (another officer's seal first); left as
                 * it is, said */
                git_error_clear();
                itk_notice_set("%s on remote '%s' holds commits this clone lacks (%.12s), so it "
                               "was not pushed. Run itaku fetch %s: it takes that "
                               "branch, and when a draft or seal of this clone was overtaken "
                               "there (another officer's reached it first) sets it aside and "
                               "says how to make it again (itaku kessai)",
                               rn + ITK_PREFIX_LEN("refs/heads/"), name,
                               git_oid_tostr_s(&theirs->oid), name);
            }
            git_error_clear();
            git_reference_free(ref);
        }
    }
    if (rc || specs.n == 0)
        goto done;
    git_push_options po;
    git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
    po.callbacks = cb;
    git_strarray arr = {specs.specs, specs.n};
    if (git_remote_push(remote, &arr, &po) < 0) {
        rc = itk_remote_auth_fail(auth, source);
        if (itk_remote_auth_server_said(auth)[0]) {
            char saved[1024];
            snprintf(saved, sizeof(saved), "%s", itk_error_last());
            rc = itk_error_set(rc, "%s; the server said: %s", saved,
                               itk_remote_auth_server_said(auth));
        }
        goto done;
    }
    if (itk_remote_auth_rejected(auth)[0])
        rc = itk_error_set(ITK_EVERIFY, "remote '%s' refused %s; the server said: %s", name,
                           itk_remote_auth_rejected(auth),
                           itk_remote_auth_server_said(auth)[0] ? itk_remote_auth_server_said(auth)
                                                                : "(nothing)");
done:
    for (size_t i = 0; i < specs.n; i++)
        free(specs.specs[i]);
    free(specs.specs);
    git_reference_iterator_free(it);
    git_remote_free(remote);
    git_tree_free(tree);
    itk_remote_auth_free(auth);
    return rc;
}
