/* 決裁 (DESIGN §7, V12): a seal made again with a free id when the city's
 * line took the same seal id for another seal (two officers' clones each
 * sealed a different request); see itk_kessai_reseal in itaku/kessai.h. */
#include "itaku/kessai.h"
#include "itaku/kessai_draft.h"
#include "itaku/delegation.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/record.h"
#include "commit_priv.h"
#include "kessai_priv.h"

#include <stdio.h>
#include <string.h>

/* The most seals on one branch looked at (beyond any rule's needs). */
#define RESEAL_MAX 64

/* One seal on the branch: the commit that added it, its path, blob and
 * record. */
typedef struct {
    git_oid commit, blob;
    char path[200];
    json_t *rec;
} branch_seal;

/* The seal record commit c adds to its first parent into s (rec NULL when it
 * adds none). 0, or ITK_EGIT. */
static int added_seal(branch_seal *s, git_repository *repo, const git_commit *c)
{
    git_commit *parent = NULL;
    git_tree *tree = NULL, *ptree = NULL;
    git_diff *diff = NULL;
    int rc = 0;
    memset(s, 0, sizeof(*s));
    s->commit = *git_commit_id(c);
    if (git_commit_tree(&tree, c) < 0 || git_commit_parent(&parent, c, 0) < 0 ||
        git_commit_tree(&ptree, parent) < 0 ||
        git_diff_tree_to_tree(&diff, repo, ptree, tree, NULL) < 0) {
        rc = itk_error_git("cannot read seal commit %s", git_oid_tostr_s(git_commit_id(c)));
        goto done;
    }
    for (size_t i = 0; !s->rec && i < git_diff_num_deltas(diff); i++) {
        const git_diff_delta *dd = git_diff_get_delta(diff, i);
        itk_path_info pi;
        itk_path_classify(&pi, dd->new_file.path);
        if (dd->status != GIT_DELTA_ADDED || pi.kind != ITK_PATH_RECORD || !pi.type ||
            strcmp(pi.type->type, "seal") != 0 ||
            itk_tree_read_json(&s->rec, repo, tree, dd->new_file.path) != 0) {
            itk_error_clear();
            continue;
        }
        snprintf(s->path, sizeof(s->path), "%s", dd->new_file.path);
        s->blob = dd->new_file.id;
    }
done:
    git_diff_free(diff);
    git_tree_free(ptree);
    git_tree_free(tree);
    git_commit_free(parent);
    return rc;
}

/* Does tree hold path as another file than blob? */
static int taken(const git_tree *tree, const char *path, const git_oid *blob)
{
    git_tree_entry *e = NULL;
    int yes =
        git_tree_entry_bypath(&e, tree, path) == 0 && !git_oid_equal(git_tree_entry_id(e), blob);
    git_error_clear();
    git_tree_entry_free(e);
    return yes;
}

static const char *body_of(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(json_object_get(rec, "body"), key));
}

int itk_kessai_reseal(size_t *n, itk_registry *reg, itk_signer *signer, const char *request)
{
    git_repository *repo = reg->repo;
    branch_seal seals[RESEAL_MAX];
    size_t ns = 0, first = 0;
    char ref[300], city[ITK_PARTY_ID_MAX + 1];
    git_oid tip, draft;
    git_tree *head_tree = NULL;
    git_commit *c = NULL;
    json_t *drec = NULL;
    itk_identity me;
    int rc;
    if (n)
        *n = 0;
    snprintf(ref, sizeof(ref), ITK_REF_DECISIONS "%s", request);
    if (git_reference_name_to_id(&tip, repo, ref) < 0) {
        git_error_clear();
        return 0; /* no branch: nothing sealed here */
    }
    if ((rc = itk_registry_head_tree(&head_tree, reg)) ||
        (rc = itk_kessai_city_of(city, repo, head_tree)) ||
        (rc = itk_kessai_draft_find(&draft, &drec, repo, &tip, city, request)))
        goto done;
    /* the seals from the tip back to the draft, newest first */
    if (git_commit_lookup(&c, repo, &tip) < 0) {
        rc = itk_error_git("cannot read %s", ref);
        goto done;
    }
    for (size_t k = 0; !rc && !git_oid_equal(git_commit_id(c), &draft) && ns < RESEAL_MAX &&
                       k < ITK_KESSAI_MAX_WALK;
         k++) {
        git_commit *parent = NULL;
        if (!(rc = added_seal(&seals[ns], repo, c)) && seals[ns].rec)
            ns++;
        if (!rc && git_commit_parent(&parent, c, 0) < 0)
            rc = itk_error_git("cannot read the parent of %s", git_oid_tostr_s(git_commit_id(c)));
        git_commit_free(c);
        c = parent;
    }
    if (rc)
        goto done;
    /* the oldest seal whose id main now gives another seal: it and every
     * seal after it are made again */
    first = ns;
    for (size_t i = 0; i < ns; i++)
        if (taken(head_tree, seals[i].path, &seals[i].blob))
            first = i;
    if (first == ns)
        goto done;
    if ((rc = itk_registry_identify(&me, reg, head_tree, signer)))
        goto done;
    for (size_t i = 0; i <= first; i++) {
        const char *who = body_of(seals[i].rec, "principal");
        if (!who || strcmp(who, me.principal) != 0) {
            rc = itk_error_set(ITK_ECONFLICT,
                               "seal %s on %s (commit %.12s) has the id of another seal on the "
                               "city's line and is %s's, not yours (%s): only its sealer can make "
                               "it again; %s runs itaku pull in their clone",
                               json_string_value(json_object_get(seals[i].rec, "id")), request,
                               git_oid_tostr_s(&seals[i].commit), who ? who : "?", me.principal,
                               who ? who : "?");
            goto done;
        }
    }
    /* the branch back to before that seal, then each seal again, oldest
     * first (itk_kessai_seal takes the next free id); on an error the
     * branch goes back to where it was */
    git_commit *oldest = NULL;
    git_reference *r = NULL;
    git_oid base;
    if (git_commit_lookup(&oldest, repo, &seals[first].commit) < 0 ||
        git_commit_parent_id(oldest, 0) == NULL) {
        git_commit_free(oldest);
        rc = itk_error_git("cannot read seal commit %s", git_oid_tostr_s(&seals[first].commit));
        goto done;
    }
    base = *git_commit_parent_id(oldest, 0);
    git_commit_free(oldest);
    if (git_reference_create_matching(&r, repo, ref, &base, 1, &tip,
                                      "itaku pull: seals made again with free ids") < 0) {
        rc = itk_error_git("cannot move %s", ref);
        goto done;
    }
    git_reference_free(r);
    for (size_t i = first + 1; i-- > 0 && !rc;) {
        itk_seal_options o = ITK_SEAL_OPTIONS_INIT;
        git_oid made;
        int met = 0;
        o.verdict = body_of(seals[i].rec, "verdict");
        o.reason = body_of(seals[i].rec, "reason");
        o.acting_for = body_of(seals[i].rec, "acting_for");
        rc = itk_kessai_seal(&made, &met, reg, signer, request, &o);
        if (!rc && n)
            (*n)++;
    }
    if (rc) {
        char why[1200];
        snprintf(why, sizeof(why), "%s", itk_error_last());
        git_oid now;
        if (git_reference_name_to_id(&now, repo, ref) == 0 &&
            git_reference_create_matching(&r, repo, ref, &tip, 1, &now,
                                          "itaku pull: seals put back") == 0)
            git_reference_free(r);
        git_error_clear();
        rc = itk_error_set(rc,
                           "the seals on %s could not be made again with free ids: %s; %s was "
                           "put back at %.12s",
                           request, why, ref, git_oid_tostr_s(&tip));
    }
done:
    for (size_t i = 0; i < ns; i++)
        json_decref(seals[i].rec);
    json_decref(drec);
    git_commit_free(c);
    git_tree_free(head_tree);
    return rc;
}
