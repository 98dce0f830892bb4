/* 決裁: the draft a decision branch stands on, and who may draft it again;
 * see itaku/kessai_draft.h. Rules and seals themselves: delegation.c. */
#include "itaku/kessai_draft.h"
#include "itaku/delegation.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/people.h"
#include "itaku/record.h"
#include "itaku/textsafe.h"
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

/* The commit that added the blob tree holds at path, reached from from:
 * along the parents that hold the same blob there, the first whose parents
 * all lack it. 0 when found; 1 when from's tree does not hold that blob
 * there (the record came another way: a merge's other parent). ITK_EGIT. */
static int adding_commit(git_oid *out, git_repository *repo, const git_oid *from,
                         const git_tree *tree, const char *path)
{
    git_tree_entry *e = NULL;
    git_commit *c = NULL;
    git_oid blob;
    int rc = 1;
    if (git_tree_entry_bypath(&e, tree, path) < 0) {
        git_error_clear();
        return 1;
    }
    blob = *git_tree_entry_id(e);
    git_tree_entry_free(e);
    e = NULL;
    git_tree *ft = NULL;
    if (git_commit_lookup(&c, repo, from) < 0 || git_commit_tree(&ft, c) < 0) {
        git_commit_free(c);
        return itk_error_git("cannot read commit %s", git_oid_tostr_s(from));
    }
    int held =
        git_tree_entry_bypath(&e, ft, path) == 0 && git_oid_equal(git_tree_entry_id(e), &blob);
    git_error_clear();
    git_tree_entry_free(e);
    git_tree_free(ft);
    if (!held) {
        git_commit_free(c);
        return 1;
    }
    while (c && rc == 1) {
        git_commit *next = NULL;
        for (unsigned k = 0; !next && k < git_commit_parentcount(c); k++) {
            git_commit *parent = NULL;
            git_tree *t = NULL;
            git_tree_entry *pe = NULL;
            if (git_commit_parent(&parent, c, k) < 0 || git_commit_tree(&t, parent) < 0) {
                rc = itk_error_git("cannot read a parent of %s", git_oid_tostr_s(git_commit_id(c)));
                git_commit_free(parent);
                break;
            }
            if (git_tree_entry_bypath(&pe, t, path) == 0 &&
                git_oid_equal(git_tree_entry_id(pe), &blob))
                next = parent;
            else
                git_commit_free(parent);
            git_error_clear();
            git_tree_entry_free(pe);
            git_tree_free(t);
        }
        if (rc == 1 && !next) {
            *out = *git_commit_id(c);
            rc = 0;
        }
        git_commit_free(c);
        c = next;
    }
    git_commit_free(c);
    return rc;
}

/* The tree of the first parent of commit id, into *out (the caller frees). */
static int first_parent_tree(git_tree **out, git_repository *repo, const git_oid *id)
{
    git_commit *c = NULL, *parent = NULL;
    int rc = 0;
    *out = NULL;
    if (git_commit_lookup(&c, repo, id) < 0 || git_commit_parentcount(c) == 0 ||
        git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(out, parent) < 0)
        rc = itk_error_git("cannot read the first parent of %s", git_oid_tostr_s(id));
    git_commit_free(parent);
    git_commit_free(c);
    return rc;
}

/* Whether in (n seals, drafter) meets the rule in force in tree for kind
 * and outcome (none in force: met); when not, out says what and where. */
static int meets_rule_at(int *met, itk_kessai_standing *out, git_repository *repo,
                         const git_tree *tree, const itk_void_writes *vw, const char *kind,
                         const char *outcome, const itk_kessai_seal_in *in, size_t n,
                         const char *drafter)
{
    itk_kessai_rule rule;
    itk_buf missing = ITK_BUF_INIT;
    int rc = itk_kessai_rule_counted(&rule, repo, tree, vw, kind, outcome);
    *met = 1;
    if (!rc && rule.found && !itk_kessai_met(&rule, in, n, drafter, &missing, NULL)) {
        *met = 0;
        snprintf(out->missing, sizeof(out->missing), "%s", missing.ptr ? missing.ptr : "?");
        snprintf(out->source, sizeof(out->source), "%s", rule.source);
    }
    itk_buf_dispose(&missing);
    return rc;
}

int itk_kessai_decision_standing(itk_kessai_standing *out, git_repository *repo,
                                 const git_tree *tree, const git_oid *from, const char *path,
                                 const itk_void_writes *vw)
{
    json_t *rec = NULL, *req = NULL, *drec = NULL;
    json_t *seals[ITK_KESSAI_MAX_LISTED] = {NULL};
    itk_kessai_seal_in in[ITK_KESSAI_MAX_LISTED];
    git_commit *draft = NULL;
    git_tree *at_draft = NULL, *at_decision = NULL;
    itk_path_info pi;
    size_t n = 0;
    int rc;
    memset(out, 0, sizeof(*out));
    out->stands = 1;
    itk_path_classify(&pi, path);
    if (pi.kind != ITK_PATH_RECORD || !pi.type || strcmp(pi.type->type, "decision") != 0)
        return itk_error_set(ITK_EINVALID,
                             "%s is no decision record; give the path of a decision "
                             "(parties/<city>/decisions/<requester>/d-NNNNNN.json)",
                             path);
    if ((rc = itk_tree_read_json(&rec, repo, tree, path)))
        return rc;
    const json_t *body = json_object_get(rec, "body");
    const json_t *listed = json_object_get(body, "seals");
    const char *hex = json_string_value(json_object_get(body, "draft"));
    const char *name = json_string_value(json_object_get(body, "request"));
    const char *outcome = json_string_value(json_object_get(body, "outcome"));
    const char *slash = name ? strchr(name, '/') : NULL;
    if (!hex || !name || !outcome || !slash || slash - name > ITK_PARTY_ID_MAX ||
        !json_is_array(listed))
        goto done; /* one city key decides (V6 alone) */
    if (json_array_size(listed) > ITK_KESSAI_MAX_LISTED) {
        rc = itk_error_set(ITK_EINVALID,
                           "%s lists %zu seals, more than the %d itaku reads; itaku "
                           "verify names what is wrong with it",
                           path, json_array_size(listed), ITK_KESSAI_MAX_LISTED);
        goto done;
    }
    /* the seals it lists, and which of them a void commit wrote */
    for (size_t i = 0; i < json_array_size(listed); i++, n++) {
        const char *id = json_string_value(json_array_get(listed, i));
        char sp[ITK_PARTY_ID_MAX * 2 + ITK_RECORD_ID_MAX + 32];
        memset(&in[n], 0, sizeof(in[n]));
        if (!id || strlen(id) > ITK_RECORD_ID_MAX)
            continue;
        snprintf(sp, sizeof(sp), "parties/%s/seals/%s/%s.json", pi.party, pi.requester, id);
        int read = itk_tree_read_json(&seals[n], repo, tree, sp);
        if (read == ITK_ENOMEM) {
            rc = read;
            goto done;
        }
        itk_error_clear(); /* a seal not here counts for nothing */
        if (read)
            continue;
        if (vw && itk_void_writes_source(vw, tree, sp) != tree) {
            snprintf(out->void_seals[out->nvoid++], sizeof(out->void_seals[0]), "%s", id);
            continue;
        }
        const json_t *sb = json_object_get(seals[n], "body");
        const char *verdict = json_string_value(json_object_get(sb, "verdict"));
        in[n].principal = verdict && strcmp(verdict, outcome) == 0
                              ? json_string_value(json_object_get(sb, "principal"))
                              : NULL;
        in[n].post = json_string_value(json_object_get(sb, "post"));
        in[n].acting_for = json_string_value(json_object_get(sb, "acting_for"));
        in[n].has_reason = itk_text_visible(json_string_value(json_object_get(sb, "reason")));
    }
    /* no seal void, and nothing void that could have loosened its rule */
    if (!out->nvoid && !(vw && vw->n))
        goto done;
    /* the rules: in force at the draft, and on main as the decision was
     * taken, without what void commits wrote (a rule loosened with a stolen
     * key is not the rule) */
    char rp[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 32];
    git_oid did, decision;
    snprintf(rp, sizeof(rp), "parties/%.*s/requests/%.*s.json", (int)(slash - name), name,
             ITK_RECORD_ID_MAX, slash + 1);
    if ((rc = itk_tree_read_json(&req, repo, tree, rp)))
        goto done;
    const char *kind = json_string_value(json_object_get(json_object_get(req, "body"), "kind"));
    if (strlen(hex) != GIT_OID_HEXSZ || git_oid_fromstr(&did, hex) < 0 ||
        git_commit_lookup(&draft, repo, &did) < 0) {
        rc = itk_error_git("%s names draft %.40s, which cannot be read here; fetch the "
                           "city's history (itaku pull) so that it is here",
                           path, hex);
        goto done;
    }
    if ((rc = itk_kessai_draft_added(&drec, repo, draft, pi.party, name)) ||
        (rc = first_parent_tree(&at_draft, repo, &did)))
        goto done;
    const char *drafter =
        json_string_value(json_object_get(json_object_get(drec, "body"), "drafter"));
    int met = 1;
    rc = meets_rule_at(&met, out, repo, at_draft, vw, kind ? kind : "", outcome, in, n, drafter);
    int found = !rc && met && from ? adding_commit(&decision, repo, from, tree, path) : 1;
    if (found < 0)
        rc = found;
    else if (found == 0 && !(rc = first_parent_tree(&at_decision, repo, &decision)))
        rc = meets_rule_at(&met, out, repo, at_decision, vw, kind ? kind : "", outcome, in, n,
                           drafter);
    /* found 1: the decision came another way; its draft's rule alone */
    if (!rc)
        out->stands = met;
done:
    if (rc)
        out->stands = 1;
    for (size_t i = 0; i < n; i++)
        json_decref(seals[i]);
    git_tree_free(at_decision);
    git_tree_free(at_draft);
    git_commit_free(draft);
    json_decref(drec);
    json_decref(req);
    json_decref(rec);
    return rc;
}
