/* Fetching into quarantine and publishing only what verifies. */
#include "itaku/sync.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/verify.h"
#include "registry_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void drop_refs(git_repository *repo, const char *prefix)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    char glob[256];
    snprintf(glob, sizeof(glob), "%s*", prefix);
    if (git_reference_iterator_glob_new(&it, repo, glob) < 0)
        return;
    while (git_reference_next(&ref, it) == 0) {
        git_reference_delete(ref);
        git_reference_free(ref);
    }
    git_reference_iterator_free(it);
}

/* The first problem of a verification, as an error naming commit and rule. */
static int first_problem(itk_verify_result *r, const char *what)
{
    const itk_problem *p = itk_verify_problem(r, 0);
    return itk_error_set(ITK_EVERIFY,
                         "%s was refused: commit %.12s breaks %s%s%s: %s (%zu problem%s in all; "
                         "nothing was taken)",
                         what, p->commit, p->rule, *p->path ? " at " : "", p->path, p->message,
                         itk_verify_problem_count(r), itk_verify_problem_count(r) == 1 ? "" : "s");
}

static int check_revs(itk_registry *reg, const char **revs, size_t n, const char *what)
{
    itk_verify_result *r = NULL;
    int rc = itk_verify_run(&r, reg, revs, n, NULL);
    if (rc)
        return rc;
    if (itk_verify_problem_count(r))
        rc = first_problem(r, what);
    itk_verify_result_free(r);
    return rc;
}

int itk_sync_check_rev(itk_registry *reg, const char *rev)
{
    const char *revs[] = {rev};
    char what[160];
    snprintf(what, sizeof(what), "%s", rev);
    return check_revs(reg, revs, 1, what);
}

/* Request branches fetched from party: only requests of party or of its
 * descendants, and only fast-forwards of what we hold. */
static int take_requests(itk_registry *reg, const char *party, const char *incoming,
                         const git_tree *tree)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    char glob[256];
    size_t plen = strlen(incoming);
    snprintf(glob, sizeof(glob), "%srequests/*", incoming);
    if (git_reference_iterator_glob_new(&it, reg->repo, glob) < 0)
        return 0;
    while (git_reference_next(&ref, it) == 0) {
        const char *name = git_reference_name(ref) + plen; /* requests/<R>/<rec> */
        char requester[ITK_PARTY_ID_MAX + 1] = "";
        const char *r = name + 9, *slash = strchr(r, '/');
        if (slash && (size_t)(slash - r) < sizeof(requester))
            memcpy(requester, r, (size_t)(slash - r)), requester[slash - r] = '\0';
        int ours = requester[0] && (strcmp(requester, party) == 0 ||
                                    itk_chain_is_ancestor(reg->repo, tree, party, requester));
        char local[300];
        snprintf(local, sizeof(local), "refs/heads/%s", name);
        git_oid have;
        const git_oid *want = git_reference_target(ref);
        int exists = git_reference_name_to_id(&have, reg->repo, local) == 0;
        if (ours && want &&
            (!exists ||
             (!git_oid_equal(&have, want) && git_graph_descendant_of(reg->repo, want, &have) == 1))) {
            git_reference *nr = NULL;
            git_reference_create(&nr, reg->repo, local, want, 1, "itaku: take request branch");
            git_reference_free(nr);
        }
        git_reference_free(ref);
    }
    git_reference_iterator_free(it);
    itk_error_clear();
    return 0;
}

int itk_sync_take(git_oid *tip, itk_registry *reg, const char *party, const char *url,
                  const itk_take_options *opts)
{
    git_remote *remote = NULL;
    git_commit *commit = NULL;
    git_tree *tree = NULL;
    char incoming[128], main_ref[160], line_ref[128], spec_main[256], spec_req[256];
    int rc = 0;
    snprintf(incoming, sizeof(incoming), "refs/itaku/incoming/%s/", party);
    snprintf(main_ref, sizeof(main_ref), "%smain", incoming);
    snprintf(line_ref, sizeof(line_ref), "refs/itaku/lines/%s", party);
    snprintf(spec_main, sizeof(spec_main), "+refs/heads/main:%s", main_ref);
    snprintf(spec_req, sizeof(spec_req), "+refs/heads/requests/*:%srequests/*", incoming);
    char *specs[] = {spec_main, spec_req};
    git_strarray refspecs = {specs, opts && !opts->take_requests ? 1 : 2};
    drop_refs(reg->repo, incoming);
    if (git_remote_create_anonymous(&remote, reg->repo, url) < 0) {
        rc = itk_error_git("cannot use %s as a remote", url);
        goto done;
    }
    git_fetch_options fo;
    git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
    fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    if (git_remote_fetch(remote, &refspecs, &fo, "itaku: fetch into quarantine") < 0) {
        rc = itk_error_git("cannot fetch from %s; nothing was taken", url);
        goto done;
    }
    if (git_reference_name_to_id(tip, reg->repo, main_ref) < 0) {
        rc = itk_error_set(ITK_ENOTFOUND, "%s has no main branch; nothing was taken", url);
        goto done;
    }
    char what[300];
    snprintf(what, sizeof(what), "%s's line from %s", party, url);
    const char *revs[] = {main_ref};
    if ((rc = check_revs(reg, revs, 1, what)))
        goto done;
    /* V8 at the door: a line only moves forward */
    git_oid old;
    if (git_reference_name_to_id(&old, reg->repo, line_ref) == 0 && !git_oid_equal(&old, tip) &&
        git_graph_descendant_of(reg->repo, tip, &old) != 1) {
        rc = itk_error_set(ITK_EVERIFY,
                           "%s was refused: its main (%.12s) does not descend from the line "
                           "received before (%.12s); a line may not be rewritten (V8)",
                           what, git_oid_tostr_s(tip), git_oid_tostr_s(&old));
        goto done;
    }
    if (git_commit_lookup(&commit, reg->repo, tip) < 0 || git_commit_tree(&tree, commit) < 0) {
        rc = itk_error_git("cannot read %s", main_ref);
        goto done;
    }
    if (!opts || opts->take_requests) {
        /* every request branch must verify too before any is taken */
        git_reference_iterator *it = NULL;
        git_reference *ref = NULL;
        char glob[256];
        snprintf(glob, sizeof(glob), "%srequests/*", incoming);
        if (git_reference_iterator_glob_new(&it, reg->repo, glob) == 0) {
            while (!rc && git_reference_next(&ref, it) == 0) {
                const char *r[] = {git_reference_name(ref)};
                rc = check_revs(reg, r, 1, git_reference_name(ref) + strlen(incoming));
                git_reference_free(ref);
            }
            git_reference_iterator_free(it);
        }
        if (rc)
            goto done;
        take_requests(reg, party, incoming, tree);
    }
    git_reference *lr = NULL;
    if (git_reference_create(&lr, reg->repo, line_ref, tip, 1, "itaku: verified line") < 0)
        rc = itk_error_git("cannot record %s", line_ref);
    git_reference_free(lr);
done:
    drop_refs(reg->repo, incoming);
    git_tree_free(tree);
    git_commit_free(commit);
    git_remote_free(remote);
    return rc;
}
