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
