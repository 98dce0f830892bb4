/* 決裁: the draft a decision branch stands on, and who may draft it again;
 * see itaku/kessai_draft.h. Rules and seals themselves: delegation.c. */
#include "itaku/kessai_draft.h"
#include "itaku/delegation.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/record.h"
#include "registry_priv.h"

#include <stdio.h>
#include <string.h>

/* Does tree hold path? */
static int tree_holds(const git_tree *tree, const char *path)
{
    git_tree_entry *e = NULL;
    int yes = git_tree_entry_bypath(&e, tree, path) == 0;
    git_tree_entry_free(e);
    git_error_clear();
    return yes;
}

/* Does a parent of c hold path? 1 also when a parent cannot be read (no
 * draft is taken from what cannot be compared). */
static int parent_holds(const git_commit *c, const char *path)
{
    int held = 0;
    for (unsigned k = 0; !held && k < git_commit_parentcount(c); k++) {
        git_commit *parent = NULL;
        git_tree *t = NULL;
        held = git_commit_parent(&parent, c, k) < 0 || git_commit_tree(&t, parent) < 0 ||
               tree_holds(t, path);
        git_error_clear();
        git_tree_free(t);
        git_commit_free(parent);
    }
    return held;
}

int itk_kessai_draft_added(json_t **rec, git_repository *repo, const git_commit *c,
                           const char *city, const char *name)
{
    const char *slash = name ? strchr(name, '/') : NULL;
    char folder[ITK_PARTY_ID_MAX * 2 + 32], path[ITK_PARTY_ID_MAX * 2 + 64];
    git_tree *tree = NULL, *drafts = NULL;
    git_tree_entry *e = NULL;
    int rc = 0;
    *rec = NULL;
    if (!slash || slash - name > ITK_PARTY_ID_MAX || strlen(city) > ITK_PARTY_ID_MAX ||
        git_commit_parentcount(c) == 0)
        return 0;
    snprintf(folder, sizeof(folder), "parties/%s/drafts/%.*s", city, (int)(slash - name), name);
    if (git_commit_tree(&tree, c) < 0)
        return itk_error_git("cannot read the tree of %s", git_oid_tostr_s(git_commit_id(c)));
    if (git_tree_entry_bypath(&e, tree, folder) < 0 || git_tree_entry_type(e) != GIT_OBJECT_TREE ||
        git_tree_lookup(&drafts, repo, git_tree_entry_id(e)) < 0) {
        git_error_clear();
        goto done; /* no draft for this requester at all */
    }
    for (size_t i = 0; i < git_tree_entrycount(drafts) && !*rec && !rc; i++) {
        const git_tree_entry *de = git_tree_entry_byindex(drafts, i);
        itk_path_info pi;
        json_t *r = NULL;
        snprintf(path, sizeof(path), "%s/%s", folder, git_tree_entry_name(de));
        itk_path_classify(&pi, path);
        if (pi.kind != ITK_PATH_RECORD || !pi.type || strcmp(pi.type->type, "draft") != 0 ||
            parent_holds(c, path))
            continue;
        int read = itk_tree_read_json(&r, repo, tree, path);
        if (read == ITK_ENOMEM) {
            rc = read;
            break;
        }
        itk_error_clear(); /* a record that cannot be read is no draft (verify says why) */
        const char *req = json_string_value(json_object_get(json_object_get(r, "body"), "request"));
        if (!read && req && strcmp(req, name) == 0)
            *rec = json_incref(r);
        json_decref(r);
    }
done:
    git_tree_entry_free(e);
    git_tree_free(drafts);
    git_tree_free(tree);
    return rc;
}

int itk_kessai_draft_find(git_oid *draft, json_t **rec, git_repository *repo, const git_oid *tip,
                          const char *city, const char *name)
{
    git_commit *c = NULL;
    int rc = 0;
    *rec = NULL;
    if (git_commit_lookup(&c, repo, tip) < 0)
        return itk_error_git("cannot read commit %s", git_oid_tostr_s(tip));
    for (size_t k = 0; c && k < ITK_KESSAI_MAX_WALK && !rc; k++) {
        git_commit *parent = NULL;
        if ((rc = itk_kessai_draft_added(rec, repo, c, city, name)) || *rec) {
            if (!rc)
                *draft = *git_commit_id(c);
            break;
        }
        if (git_commit_parentcount(c) == 0 || git_commit_parent(&parent, c, 0) < 0) {
            git_error_clear();
            parent = NULL;
        }
        git_commit_free(c);
        c = parent;
    }
    git_commit_free(c);
    if (!rc && !*rec)
        rc = itk_error_set(ITK_ENOTFOUND,
                           "no commit among the %d before %.12s along first parents adds a "
                           "draft (起案) of %s",
                           ITK_KESSAI_MAX_WALK, git_oid_tostr_s(tip), name);
    return rc;
}

int itk_kessai_may_redraft(size_t *blocking, const char *drafter, const char *outcome,
                           const char *redrafter, const itk_redraft_seal *seals, size_t n)
{
    if (drafter && redrafter && strcmp(drafter, redrafter) == 0)
        return 1;
    size_t agreeing = n;
    for (size_t i = 0; i < n; i++) {
        int agrees = seals[i].verdict && outcome && strcmp(seals[i].verdict, outcome) == 0;
        if (!agrees)
            return 1; /* a sealing post sent the draft back */
        if (seals[i].stands && agreeing == n)
            agreeing = i;
    }
    if (agreeing == n)
        return 1;
    if (blocking)
        *blocking = agreeing;
    return 0;
}

/* 1 when commit c (one parent) adds exactly one file to it, a seal record
 * of city naming draft hex and request name. */
static int seal_only(git_repository *repo, const git_commit *c, const char *city, const char *hex,
                     const char *name)
{
    git_commit *parent = NULL;
    git_tree *tree = NULL, *ptree = NULL;
    git_diff *diff = NULL;
    json_t *rec = NULL;
    int yes = 0;
    if (git_commit_parentcount(c) != 1 || git_commit_tree(&tree, c) < 0 ||
        git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&ptree, parent) < 0 ||
        git_diff_tree_to_tree(&diff, repo, ptree, tree, NULL) < 0 || git_diff_num_deltas(diff) != 1)
        goto done;
    const git_diff_delta *dd = git_diff_get_delta(diff, 0);
    itk_path_info pi;
    itk_path_classify(&pi, dd->new_file.path);
    if (dd->status != GIT_DELTA_ADDED || pi.kind != ITK_PATH_RECORD || !pi.type ||
        strcmp(pi.type->type, "seal") != 0 || strcmp(pi.party, city) != 0 ||
        itk_tree_read_json(&rec, repo, tree, dd->new_file.path) != 0)
        goto done;
    const json_t *body = json_object_get(rec, "body");
    const char *d = json_string_value(json_object_get(body, "draft"));
    const char *r = json_string_value(json_object_get(body, "request"));
    yes = d && r && strcmp(d, hex) == 0 && strcmp(r, name) == 0;
done:
    itk_error_clear();
    git_error_clear();
    json_decref(rec);
    git_diff_free(diff);
    git_tree_free(ptree);
    git_tree_free(tree);
    git_commit_free(parent);
    return yes;
}

/* 1 when the tree of commit id holds the request record of name. */
static int holds_request(git_repository *repo, const git_oid *id, const char *name)
{
    const char *slash = strchr(name, '/');
    char path[ITK_PARTY_ID_MAX * 2 + 64];
    git_commit *c = NULL;
    git_tree *t = NULL;
    snprintf(path, sizeof(path), "parties/%.*s/requests/%s.json", (int)(slash - name), name,
             slash + 1);
    int yes =
        git_commit_lookup(&c, repo, id) == 0 && git_commit_tree(&t, c) == 0 && tree_holds(t, path);
    git_error_clear();
    git_tree_free(t);
    git_commit_free(c);
    return yes;
}

int itk_kessai_branch_check(git_repository *repo, const char *ref, const git_oid *tip,
                            const char *city, const char *name, const git_oid *mains, size_t nmains)
{
    git_oid draft;
    json_t *rec = NULL;
    git_commit *c = NULL, *d = NULL;
    char hex[GIT_OID_HEXSZ + 1];
    const char *slash = name ? strchr(name, '/') : NULL;
    if (!slash || strchr(slash + 1, '/'))
        return itk_error_set(ITK_EINVALID, "%s names no request (decisions/<requester>/<rec>)",
                             ref);
    int rc = itk_kessai_draft_find(&draft, &rec, repo, tip, city, name);
    json_decref(rec);
    if (rc == ITK_ENOTFOUND)
        return itk_error_set(ITK_EINVALID,
                             "%s: %.12s is no decision branch of %s: no commit along its first "
                             "parents adds the city's draft (起案) of %s (does the request "
                             "exist?); a decision branch is made by itaku approve, reject or "
                             "return",
                             ref, git_oid_tostr_s(tip), name, name);
    if (rc)
        return rc;
    git_oid_tostr(hex, sizeof(hex), &draft);
    /* the seals on the draft, one commit each */
    if (git_commit_lookup(&c, repo, tip) < 0)
        return itk_error_git("%s: cannot read %s", ref, git_oid_tostr_s(tip));
    while (!rc && !git_oid_equal(git_commit_id(c), &draft)) {
        git_commit *parent = NULL;
        if (!seal_only(repo, c, city, hex, name))
            rc = itk_error_set(ITK_EINVALID,
                               "%s: commit %.12s between the tip and the draft %.12s of %s is "
                               "not a seal of it (one parent, one seal record naming the draft); "
                               "a decision branch holds its draft and the seals on it only",
                               ref, git_oid_tostr_s(git_commit_id(c)), hex, name);
        else if (git_commit_parent(&parent, c, 0) < 0)
            rc = itk_error_git("%s: cannot read the parent of %s", ref,
                               git_oid_tostr_s(git_commit_id(c)));
        git_commit_free(c);
        c = parent;
    }
    git_commit_free(c);
    if (rc)
        return rc;
    /* the draft: made on main, merging the request (or the earlier draft) */
    if (git_commit_lookup(&d, repo, &draft) < 0)
        return itk_error_git("%s: cannot read the draft %s", ref, hex);
    const git_oid *on = git_commit_parentcount(d) ? git_commit_parent_id(d, 0) : NULL;
    int on_main = 0;
    for (size_t i = 0; on && i < nmains && !on_main; i++)
        on_main = git_oid_equal(on, &mains[i]) || git_graph_descendant_of(repo, &mains[i], on) == 1;
    git_error_clear();
    if (!on_main)
        rc = itk_error_set(ITK_EINVALID,
                           "%s: the draft %.12s of %s is not made on the registry's main (its "
                           "first parent is no commit of main); push main with it (itaku push)",
                           ref, hex, name);
    else if (git_commit_parentcount(d) > 2 ||
             (git_commit_parentcount(d) == 2 &&
              !holds_request(repo, git_commit_parent_id(d, 1), name)))
        rc = itk_error_set(ITK_EINVALID,
                           "%s: the draft %.12s of %s merges a commit that does not hold the "
                           "request; a draft merges main and the request's branch",
                           ref, hex, name);
    git_commit_free(d);
    return rc;
}
