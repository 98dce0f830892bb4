/* V12 決裁 (DESIGN §5): when the contract's settings hold a decision rule, a
 * city decision is the merge of main and a decision branch whose first
 * commit is the draft (by a post that may draft) followed by single-parent
 * seal commits, each naming the draft and the request's SHA-256, by keys
 * whose post (read from the seal's parent) the rule names; the seals meet
 * the rule in force at the draft (read from the draft's first parent, main
 * as it was drafted on) and the rule in force as the decision is taken; the
 * drafter does not seal. The branch forked from main at the draft, so what
 * main learnt since never reaches it: at the decision, each seal counts
 * only when its key is still active and its sealer still holds the post on
 * main (the decision's first parent, which descends from the draft's); and
 * no decision enters main through a merge's second parent. Applied to the
 * drafts, seals and decisions a commit adds, after V6 (policy_chain.c). */
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/kessai_draft.h"
#include "itaku/delegation.h"
#include "itaku/people.h"
#include "itaku/query.h"
#include "itaku/textsafe.h"
#include "alloc.h"
#include "objsize.h"
#include "policy_priv.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most seals one decision counts (beyond any rule's needs). */
#define KESSAI_MAX_SEALS 64

static const char *bstr(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(json_object_get(rec, "body"), key));
}

/* SHA-256 (hex) and kind of request "<party>/<rec>" as tree holds it; 0
 * when tree does not hold it. */
static int request_at(itk_policy *p, const git_tree *tree, const char *name, char sha[65],
                      char kind[64])
{
    const char *slash = name ? strchr(name, '/') : NULL;
    char path[160];
    git_tree_entry *e = NULL;
    git_blob *b = NULL;
    json_t *rec = NULL;
    if (!slash || slash - name > ITK_PARTY_ID_MAX || strchr(slash + 1, '/'))
        return 0;
    snprintf(path, sizeof(path), "parties/%.*s/requests/%.20s.json", (int)(slash - name), name,
             slash + 1);
    if (git_tree_entry_bypath(&e, tree, path) < 0) {
        git_error_clear();
        return 0;
    }
    int ok = itk_blob_lookup_bounded(&b, p->repo, git_tree_entry_id(e), ITK_MAX_RECORD_BYTES) == 0;
    if (ok) {
        unsigned char md[32];
        EVP_Digest(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), md, NULL, EVP_sha256(),
                   NULL);
        for (int i = 0; i < 32; i++)
            snprintf(sha + 2 * i, 3, "%02x", md[i]);
        ok = itk_tree_read_json(&rec, p->repo, tree, path) == 0;
        const char *k = ok ? bstr(rec, "kind") : NULL;
        snprintf(kind, 64, "%s", k ? k : "");
    }
    itk_error_clear();
    json_decref(rec);
    git_blob_free(b);
    git_tree_entry_free(e);
    return ok;
}

static int is_ancestor_or_same(itk_policy *p, const git_oid *commit, const git_oid *ancestor)
{
    return git_oid_equal(commit, ancestor) ||
           itk_vgraph_descendant_of(&p->graph, &p->commits, p->repo, commit, ancestor) == 1;
}

/* A draft commit: the commit that added the draft record of request name
 * (its first parent lacks it). */
typedef struct {
    git_oid id;
    git_tree *tree;
    git_oid main_id;     /* its first parent: main as the draft was made on it */
    git_tree *main_tree; /* … and its tree: the rule in force is read there */
    json_t *rec;
    char kind[64];
    char sha[65];
} draft_at;

static void draft_dispose(draft_at *d)
{
    git_tree_free(d->tree);
    git_tree_free(d->main_tree);
    json_decref(d->rec);
    memset(d, 0, sizeof(*d));
}

/* 1 when hex names a commit that added a draft of request name by the city
 * (itk_kessai_draft_added: a redraft's, not the earlier one it merges),
 * filling d. */
static int draft_open(draft_at *d, itk_policy *p, const char *city, const char *hex,
                      const char *name)
{
    git_commit *c = NULL, *parent = NULL;
    git_tree *pt = NULL;
    int found = 0;
    memset(d, 0, sizeof(*d));
    if (!hex || strlen(hex) != GIT_OID_HEXSZ || git_oid_fromstr(&d->id, hex) < 0 ||
        git_commit_lookup(&c, p->repo, &d->id) < 0 || git_commit_tree(&d->tree, c) < 0 ||
        git_commit_parentcount(c) == 0 || git_commit_parent(&parent, c, 0) < 0 ||
        git_commit_tree(&pt, parent) < 0)
        goto done;
    found = itk_kessai_draft_added(&d->rec, p->repo, c, city, name) == 0 && d->rec &&
            request_at(p, d->tree, name, d->sha, d->kind);
    if (found) {
        d->main_id = *git_commit_id(parent);
        d->main_tree = pt;
        pt = NULL;
    }
done:
    itk_error_clear();
    git_error_clear();
    git_tree_free(pt);
    git_commit_free(parent);
    git_commit_free(c);
    if (!found)
        draft_dispose(d);
    return found;
}

/* The commit's first parent (NULL: none). */
#define FIRST(ck) ((ck)->info->nparents ? git_commit_parent_id((ck)->commit, 0) : NULL)

/* The rule in force in tree, not counting what void commits wrote there
 * (V9: rules set with a stolen key, once tree records the theft). */
static int rule_counted(itk_kessai_rule *out, check *ck, const git_tree *tree,
                        const git_oid *commit, const char *kind, const char *outcome)
{
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = itk_policy_void_writes(&vw, ck->p, tree, commit);
    if (!rc)
        rc = itk_kessai_rule_counted(out, ck->p->repo, tree, &vw, kind, outcome);
    else
        memset(out, 0, sizeof(*out));
    itk_void_writes_dispose(&vw);
    return rc;
}

/* The post recorded for the signer in the state the commit was made on
 * (its first parent's tree): no later change reaches back. */
static int signer_post(itk_buf *post, check *ck)
{
    if (!ck->nkey_trees)
        return 0;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = itk_policy_void_writes(&vw, ck->p, ck->key_trees[0], FIRST(ck));
    if (!rc)
        rc = itk_principal_attr_counted(post, ck->p->repo, ck->key_trees[0], &vw, ck->info->party,
                                        ck->info->principal, "post");
    itk_void_writes_dispose(&vw);
    itk_error_clear();
    return rc == ITK_ENOMEM ? rc : 0;
}

static int check_draft(check *ck, const added_file *f)
{
    const char *name = bstr(f->rec, "request"), *sha = bstr(f->rec, "request_sha256");
    const char *outcome = bstr(f->rec, "outcome"), *drafter = bstr(f->rec, "drafter");
    const char *post = bstr(f->rec, "post");
    char real[65], kind[64];
    itk_buf actual = ITK_BUF_INIT;
    itk_kessai_rule rule;
    int rc = 0;
    if (!ck->is_city)
        return PROBLEM(ck, "V12", f->path, "only the city's officers draft its decisions");
    if (!name || !sha || !outcome || !drafter || !post)
        return PROBLEM(ck, "V12", f->path,
                       "a draft names a request, its hash, an outcome, its "
                       "drafter and the drafter's post");
    if (!ck->base || !request_at(ck->p, ck->base, name, real, kind) || strcmp(real, sha) != 0)
        return PROBLEM(ck, "V12", f->path,
                       "the draft names %s with a hash that no request among the commit's "
                       "ancestors has",
                       name);
    if (strcmp(drafter, ck->info->principal) != 0)
        return PROBLEM(ck, "V12", f->path, "the draft says %s drafted it, but %s signed it",
                       drafter, ck->info->principal);
    for (size_t i = 0; i < ck->nfiles; i++)
        if (&ck->files[i] != f)
            return PROBLEM(ck, "V12", ck->files[i].path,
                           "a draft commit adds its draft record and nothing else; %s rides on "
                           "the draft of %s (contract settings, keys and posts change on main "
                           "only)",
                           ck->files[i].path, name);
    if ((rc = signer_post(&actual, ck)))
        return rc;
    if (!actual.size)
        rc = PROBLEM(ck, "V12", f->path,
                     "the draft says its drafter's post is %s, but %s/%s has no post recorded "
                     "before this commit",
                     post, ck->info->party, ck->info->principal);
    else if (strcmp(actual.ptr, post) != 0)
        rc = PROBLEM(ck, "V12", f->path,
                     "the draft says its drafter's post is %s, but %s/%s's post before this "
                     "commit is %s",
                     post, ck->info->party, ck->info->principal, actual.ptr);
    else if (rule_counted(&rule, ck, ck->key_trees[0], FIRST(ck), kind, outcome) == 0 &&
             (!rule.found || !itk_kessai_may_draft(&rule, post))) {
        if (rule.found)
            rc = PROBLEM(ck, "V12", f->path,
                         "the decision rule in force (%s) does not let a %s draft a decision on a "
                         "%s request",
                         rule.source, post, kind);
        else
            rc = PROBLEM(ck, "V12", f->path,
                         "no decision rule in force covers a %s request; it is decided by one "
                         "city key, without a draft",
                         kind);
    }
    itk_buf_dispose(&actual);
    return rc;
}

/* Does tree (the seal's parent) hold a seal naming hex by principal? */
static int sealed_before(itk_policy *p, const git_tree *tree, const char *city, const char *hex,
                         const char *principal)
{
    char **paths = NULL;
    size_t n = 0;
    int found = 0;
    if (itk_tree_records(&paths, &n, p->repo, tree, city, "seal") == 0)
        for (size_t i = 0; i < n && !found; i++) {
            json_t *rec = NULL;
            if (itk_tree_read_json(&rec, p->repo, tree, paths[i]) == 0)
                found = bstr(rec, "draft") && strcmp(bstr(rec, "draft"), hex) == 0 &&
                        bstr(rec, "principal") && strcmp(bstr(rec, "principal"), principal) == 0;
            json_decref(rec);
        }
    itk_string_list_free(paths, n);
    itk_error_clear();
    return found;
}

static int check_seal(check *ck, const added_file *f)
{
    const char *hex = bstr(f->rec, "draft"), *name = bstr(f->rec, "request");
    const char *sha = bstr(f->rec, "request_sha256"), *verdict = bstr(f->rec, "verdict");
    const char *principal = bstr(f->rec, "principal"), *post = bstr(f->rec, "post");
    const char *acting_for = bstr(f->rec, "acting_for"), *reason = bstr(f->rec, "reason");
    draft_at d;
    itk_buf actual = ITK_BUF_INIT;
    itk_kessai_rule rule;
    int rc = 0;
    if (!ck->is_city)
        return PROBLEM(ck, "V12", f->path, "only the city's officers seal its decisions");
    if (!hex || !name || !sha || !verdict || !principal || !post)
        return PROBLEM(ck, "V12", f->path,
                       "a seal names a draft, a request, its hash, a verdict, "
                       "its principal and post");
    if (ck->info->nparents != 1)
        return PROBLEM(ck, "V12", f->path,
                       "a seal is a single-parent commit on its decision branch");
    if (!draft_open(&d, ck->p, ck->info->party, hex, name))
        return PROBLEM(ck, "V12", f->path,
                       "the seal names draft %.12s, which is no draft of %s: a seal for another "
                       "request or draft",
                       hex, name);
    const char *drafter = bstr(d.rec, "drafter");
    if (!is_ancestor_or_same(ck->p, git_commit_parent_id(ck->commit, 0), &d.id))
        rc = PROBLEM(ck, "V12", f->path,
                     "the seal names draft %.12s, which is not among its ancestors: a seal "
                     "belongs on its draft's decision branch",
                     hex);
    else if (strcmp(sha, d.sha) != 0 || strcmp(sha, bstr(d.rec, "request_sha256")) != 0)
        rc = PROBLEM(ck, "V12", f->path,
                     "the seal carries the hash of another version of %s than its draft", name);
    else if (strcmp(principal, ck->info->principal) != 0)
        rc = PROBLEM(ck, "V12", f->path, "the seal says %s sealed it, but %s signed it", principal,
                     ck->info->principal);
    else if (drafter && strcmp(drafter, principal) == 0)
        rc = PROBLEM(ck, "V12", f->path,
                     "%s drafted %s and seals it too; the drafter does not seal their own draft",
                     principal, name);
    else if (acting_for && !itk_text_visible(reason))
        rc = PROBLEM(ck, "V12", f->path,
                     "a 代決 (a seal for %s) without a recorded reason; a deputy seals only with "
                     "the reason the holder is absent",
                     acting_for);
    else if (sealed_before(ck->p, ck->base, ck->info->party, hex, principal))
        rc = PROBLEM(ck, "V12", f->path,
                     "%s has sealed draft %.12s already; one person seals a draft once", principal,
                     hex);
    else if (!(rc = signer_post(&actual, ck)) && !actual.size)
        rc = PROBLEM(ck, "V12", f->path,
                     "the seal says the post %s, but %s/%s has no post recorded before this seal; "
                     "a post is read from the seal's parent, and no later change makes it fit",
                     post, ck->info->party, principal);
    else if (!rc && strcmp(actual.ptr, post) != 0)
        rc = PROBLEM(ck, "V12", f->path,
                     "the seal says the post %s, but %s/%s's post before this seal is %s; a post "
                     "is read from the seal's parent, and no later change makes it fit",
                     post, ck->info->party, principal, actual.ptr);
    else if (!rc && rule_counted(&rule, ck, d.main_tree, &d.main_id, d.kind, verdict) == 0 &&
             (!rule.found || !itk_kessai_may_seal(&rule, post, acting_for))) {
        if (acting_for)
            rc = PROBLEM(ck, "V12", f->path,
                         "the decision rule in force at draft %.12s names no seal by a %s for %s "
                         "(代決) on a %s request %s",
                         hex, post, acting_for, d.kind, verdict);
        else
            rc = PROBLEM(ck, "V12", f->path,
                         "the decision rule in force at draft %.12s names no seal by a %s on a %s "
                         "request %s",
                         hex, post, d.kind, verdict);
    }
    itk_buf_dispose(&actual);
    draft_dispose(&d);
    return rc;
}

/* The seals on a decision branch: what the branch adds to its draft's tree,
 * every one a seal of the city naming the draft (nothing else may ride on a
 * decision branch). 1 with a problem recorded when something else does. */
typedef struct {
    json_t *recs[KESSAI_MAX_SEALS];
    char *paths[KESSAI_MAX_SEALS];
    size_t n;
} seal_set;

static void seals_dispose(seal_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        json_decref(s->recs[i]);
        free(s->paths[i]);
    }
    s->n = 0;
}

static int branch_seals(seal_set *out, check *ck, const added_file *f, const draft_at *d,
                        const git_tree *tip_tree, const char *hex)
{
    git_diff *diff = NULL;
    int rc = 0;
    out->n = 0;
    if (git_diff_tree_to_tree(&diff, ck->p->repo, d->tree, (git_tree *)tip_tree, NULL) < 0)
        return itk_error_git("cannot compare the decision branch of %s", f->path);
    size_t n = git_diff_num_deltas(diff);
    for (size_t i = 0; !rc && i < n; i++) {
        const git_diff_delta *dd = git_diff_get_delta(diff, i);
        itk_path_info pi;
        json_t *rec = NULL;
        itk_path_classify(&pi, dd->new_file.path);
        int seal = dd->status == GIT_DELTA_ADDED && pi.kind == ITK_PATH_RECORD && pi.type &&
                   strcmp(pi.type->type, "seal") == 0 && strcmp(pi.party, ck->info->party) == 0 &&
                   itk_tree_read_json(&rec, ck->p->repo, tip_tree, dd->new_file.path) == 0 &&
                   bstr(rec, "draft") && strcmp(bstr(rec, "draft"), hex) == 0;
        itk_error_clear();
        if (!seal || out->n >= KESSAI_MAX_SEALS) {
            json_decref(rec);
            rc = PROBLEM(ck, "V12", f->path,
                         "the decision branch carries %s besides its draft's seals; a decision "
                         "branch holds the draft and seals naming it, nothing else",
                         dd->new_file.path);
            rc = rc ? rc : 1;
            break;
        }
        out->paths[out->n] = itk_strdup(dd->new_file.path);
        out->recs[out->n++] = rec;
        if (!out->paths[out->n - 1])
            rc = ITK_ENOMEM;
    }
    git_diff_free(diff);
    return rc;
}

/* Where each seal of seals was made on the branch tip_id (into at, one per
 * seal), itk_kessai_seal_commits; a seal not found there is a V12 problem
 * of f. */
static int seal_commits(git_oid *at, check *ck, const added_file *f, const git_oid *tip_id,
                        const draft_at *d, const seal_set *seals)
{
    int rc = itk_kessai_seal_commits(at, ck->p->repo, tip_id, &d->id,
                                     (const char *const *)seals->paths, seals->n);
    if (rc == ITK_EINVALID) {
        rc = PROBLEM(ck, "V12", f->path, "%s", itk_error_last());
        itk_error_clear();
    }
    return rc;
}

/* Beyond itk_seal_standing: the seal's commit is void (V9), or its signer
 * is not known. */
#define SEAL_VOID 100
#define SEAL_NO_SIGNER 101

/* Does the seal on the decision branch (rec, added by commit) still stand
 * on main as the decision is taken on it (tree: the decision's first
 * parent's)? *st is ITK_SEAL_STANDS when its commit is not void (V9) by a
 * compromise tree records, its key is active and its sealer holds the post
 * sealed with; now receives
 * the sealer's post there. The branch forked from main at the draft: a key
 * retired or compromised, or a post changed, on main since never reaches
 * it. 0 or ITK_ENOMEM. */
static int seal_standing(int *st, itk_buf *now, check *ck, const json_t *rec, const git_oid *commit,
                         const git_tree *tree)
{
    const char *principal = bstr(rec, "principal"), *post = bstr(rec, "post");
    size_t idx = (size_t)(uintptr_t)itk_oidmap_get(&ck->p->commits, commit);
    const itk_commit_info *info = idx ? &ck->p->result->commits[idx - 1] : NULL;
    itk_seal_standing s;
    if (!info || !info->fingerprint[0] || !principal || !post) {
        *st = SEAL_NO_SIGNER;
        return 0;
    }
    /* void (V9) by a compromise main knew as the decision was taken: one
     * learnt since leaves a decision taken in good faith as it was (V9
     * flags the seal), so that what a run finds does not depend on when */
    for (size_t i = 0; info->is_void && i < ck->p->nvoids; i++) {
        itk_key_status ks;
        if (!git_oid_equal(&ck->p->voids[i].id, commit))
            continue;
        int known =
            itk_vkeys_status(&ks, &ck->p->keys, ck->p->repo, tree, ck->p->voids[i].origin) == 0 &&
            ks.state == ITK_KEY_COMPROMISED;
        itk_error_clear();
        if (known) {
            *st = SEAL_VOID;
            return 0;
        }
    }
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = itk_policy_void_writes(&vw, ck->p, tree, FIRST(ck));
    if (!rc)
        rc = itk_kessai_seal_counted(&s, now, ck->p->repo, tree, &vw, ck->info->party,
                                     info->fingerprint, principal, post);
    itk_void_writes_dispose(&vw);
    *st = rc ? SEAL_NO_SIGNER : (int)s;
    return rc;
}

/* Records why a seal does not count (st from seal_standing). */
static int seal_problem(check *ck, const added_file *f, const json_t *rec, const git_oid *commit,
                        int st, const itk_buf *now)
{
    const char *id = json_string_value(json_object_get(rec, "id"));
    const char *principal = bstr(rec, "principal"), *post = bstr(rec, "post");
    size_t idx = (size_t)(uintptr_t)itk_oidmap_get(&ck->p->commits, commit);
    const char *fpr = idx ? ck->p->result->commits[idx - 1].fingerprint : "?";
    char seal_commit[13], main_commit[13];
    snprintf(seal_commit, sizeof(seal_commit), "%.12s", git_oid_tostr_s(commit));
    snprintf(main_commit, sizeof(main_commit), "%.12s",
             git_oid_tostr_s(git_commit_parent_id(ck->commit, 0)));
    id = id ? id : "?";
    principal = principal ? principal : "?";
    post = post ? post : "?";
    switch (st) {
    case SEAL_NO_SIGNER:
        return PROBLEM(ck, "V12", f->path,
                       "seal %s (commit %s) does not count: its signer or post is not known", id,
                       seal_commit);
    case SEAL_VOID:
        return PROBLEM(ck, "V12", f->path,
                       "seal %s (commit %s) by %s does not count: the commit is void (V9, signed "
                       "after its key's compromise)",
                       id, seal_commit, principal);
    case ITK_SEAL_KEY_UNKNOWN:
        return PROBLEM(ck, "V12", f->path,
                       "seal %s (commit %s) by %s does not count: its key %s is not %s's key on "
                       "main (%s), the state the decision is taken on",
                       id, seal_commit, principal, fpr, principal, main_commit);
    case ITK_SEAL_KEY_RETIRED:
        return PROBLEM(ck, "V12", f->path,
                       "seal %s (commit %s) by %s does not count: its key %s is retired on main "
                       "(%s), the state the decision is taken on",
                       id, seal_commit, principal, fpr, main_commit);
    case ITK_SEAL_KEY_COMPROMISED:
        return PROBLEM(ck, "V12", f->path,
                       "seal %s (commit %s) by %s does not count: its key %s is compromised on "
                       "main (%s), the state the decision is taken on (V9)",
                       id, seal_commit, principal, fpr, main_commit);
    case ITK_SEAL_POST_NONE:
        return PROBLEM(ck, "V12", f->path,
                       "seal %s (commit %s) by %s as %s does not count: %s holds no post on main "
                       "(%s), the state the decision is taken on",
                       id, seal_commit, principal, post, principal, main_commit);
    default:
        return PROBLEM(ck, "V12", f->path,
                       "seal %s (commit %s) by %s as %s does not count: %s's post on main (%s), "
                       "the state the decision is taken on, is %s",
                       id, seal_commit, principal, post, principal, main_commit,
                       now->ptr ? now->ptr : "?");
    }
}

/* A draft made again (a merge whose second parent is an earlier decision
 * branch of the same request) voids the seals on the draft it replaces, so
 * it is made only by the officer who drafted that draft, or by another
 * officer whose post may draft once no seal agreeing with that draft still
 * stands on main (the redraft's first parent) or a seal on it gave another
 * verdict than it proposes (itk_kessai_may_redraft). check_draft has
 * checked the redrafter's post. */
static int check_redraft(check *ck, const added_file *f)
{
    const char *name = bstr(f->rec, "request");
    git_oid was;
    json_t *wrec = NULL;
    draft_at d;
    seal_set seals = {{0}, {0}, 0};
    git_commit *tip = NULL;
    git_tree *tip_tree = NULL;
    char hex[GIT_OID_HEXSZ + 1];
    if (!ck->is_city || ck->info->nparents != 2 || !name || ck->nkey_trees < 1)
        return 0;
    const git_oid *tip_id = git_commit_parent_id(ck->commit, 1);
    int rc = itk_kessai_draft_find(&was, &wrec, ck->p->repo, tip_id, ck->info->party, name);
    json_decref(wrec);
    if (rc) {
        itk_error_clear(); /* no earlier draft: a first draft merging the request */
        return rc == ITK_ENOMEM ? rc : 0;
    }
    git_oid_tostr(hex, sizeof(hex), &was);
    if (!draft_open(&d, ck->p, ck->info->party, hex, name))
        return 0;
    const char *drafter = bstr(d.rec, "drafter"), *outcome = bstr(d.rec, "outcome");
    if (drafter && strcmp(drafter, ck->info->principal) == 0)
        goto done;
    if (git_commit_lookup(&tip, ck->p->repo, tip_id) < 0 || git_commit_tree(&tip_tree, tip) < 0) {
        rc = itk_error_git("cannot read %s, the branch the draft %s is made again on",
                           git_oid_tostr_s(tip_id), f->path);
        goto done;
    }
    if ((rc = branch_seals(&seals, ck, f, &d, tip_tree, hex)))
        goto done;
    git_oid at[KESSAI_MAX_SEALS];
    itk_redraft_seal in[KESSAI_MAX_SEALS];
    if ((rc = seal_commits(at, ck, f, tip_id, &d, &seals)))
        goto done;
    for (size_t i = 0; !rc && i < seals.n; i++) {
        itk_buf now = ITK_BUF_INIT;
        int st = 0;
        rc = seal_standing(&st, &now, ck, seals.recs[i], &at[i], ck->key_trees[0]);
        in[i].verdict = bstr(seals.recs[i], "verdict");
        in[i].stands = st == ITK_SEAL_STANDS;
        itk_buf_dispose(&now);
    }
    size_t b = 0;
    if (!rc && !itk_kessai_may_redraft(&b, drafter, outcome, ck->info->principal, in, seals.n)) {
        const char *sid = json_string_value(json_object_get(seals.recs[b], "id"));
        const char *sealer = bstr(seals.recs[b], "principal");
        rc = PROBLEM(
            ck, "V12", f->path,
            "%s drafts %s again, but %s drafted the draft it replaces (%.12s) and seal "
            "%s by %s agreeing with it still stands: a draft is made again by its drafter, or "
            "by another officer whose post may draft only once a seal on it sends it "
            "back (rejects or returns it) or no seal agreeing with it stands",
            ck->info->principal, name, drafter ? drafter : "?", hex, sid ? sid : "?",
            sealer ? sealer : "?");
    }
done:
    seals_dispose(&seals);
    git_tree_free(tip_tree);
    git_commit_free(tip);
    draft_dispose(&d);
    return rc;
}

/* A draft made with a stolen key counts for nothing (V9 in V12): the
 * decision's own history holds the draft, its tree the compromises main
 * knows as the decision is taken (a decision taken before the theft was
 * reported stands, as a seal's does). 1 with a problem recorded when the
 * draft is void. */
static int draft_void(check *ck, const added_file *f, const draft_at *d, const char *name)
{
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = ck->p->ncompromises ? itk_void_writes_at(&vw, ck->p->repo, ck->id) : 0;
    int is_void = !rc && itk_void_writes_holds(&vw, &d->id);
    itk_void_writes_dispose(&vw);
    if (rc || !is_void)
        return rc;
    rc = PROBLEM(ck, "V12", f->path,
                 "the decision rests on draft %.12s by %s, which does not count: the commit is "
                 "void (V9, signed after its key's compromise); a seal returns it and an officer "
                 "whose post may draft drafts %s again",
                 git_oid_tostr_s(&d->id), bstr(d->rec, "drafter") ? bstr(d->rec, "drafter") : "?",
                 name);
    return rc ? rc : 1;
}

static int check_decision(check *ck, const added_file *f)
{
    const char *name = bstr(f->rec, "request"), *outcome = bstr(f->rec, "outcome");
    const char *hex = bstr(f->rec, "draft");
    char sha[65], kind[64];
    itk_kessai_rule rule;
    draft_at d;
    seal_set seals = {{0}, {0}, 0};
    git_commit *tip = NULL;
    git_tree *tip_tree = NULL;
    itk_buf missing = ITK_BUF_INIT;
    int rc = 0;
    if (!name || !outcome || !ck->base || !request_at(ck->p, ck->base, name, sha, kind))
        return 0; /* V6's to say */
    if (!hex) {
        /* the rule in force on main (the first parent), never one riding in
         * on the merged branch */
        if (rule_counted(&rule, ck, ck->nkey_trees ? ck->key_trees[0] : ck->base, FIRST(ck), kind,
                         outcome) == 0 &&
            rule.found)
            return PROBLEM(ck, "V12", f->path,
                           "a decision on %s by one key, but the decision rule in force (%s) "
                           "needs a draft and the seals of its posts (決裁)",
                           name, rule.source);
        return 0;
    }
    if (ck->info->nparents != 2)
        return PROBLEM(ck, "V12", f->path,
                       "a decision under a rule is the merge of main and its decision branch");
    if (!draft_open(&d, ck->p, ck->info->party, hex, name))
        return PROBLEM(ck, "V12", f->path,
                       "the decision names draft %.12s, which is no draft of %s", hex, name);
    const git_oid *tip_id = git_commit_parent_id(ck->commit, 1);
    const git_oid *main_id = git_commit_parent_id(ck->commit, 0);
    if (!is_ancestor_or_same(ck->p, main_id, &d.main_id)) {
        char drafted_on[GIT_OID_HEXSZ + 1];
        git_oid_tostr(drafted_on, sizeof(drafted_on), &d.main_id);
        rc = PROBLEM(ck, "V12", f->path,
                     "the decision is taken on %.12s, which does not descend from %.12s, the main "
                     "its draft %.12s was made on; a decision is the merge of a later main and "
                     "its decision branch",
                     git_oid_tostr_s(main_id), drafted_on, hex);
        goto done;
    }
    if (!is_ancestor_or_same(ck->p, tip_id, &d.id)) {
        rc = PROBLEM(ck, "V12", f->path,
                     "the decision merges %.12s, which does not descend from its draft %.12s",
                     git_oid_tostr_s(tip_id), hex);
        goto done;
    }
    if ((rc = draft_void(ck, f, &d, name)))
        goto done;
    if (git_commit_lookup(&tip, ck->p->repo, tip_id) < 0 || git_commit_tree(&tip_tree, tip) < 0) {
        rc = itk_error_git("cannot read %s", git_oid_tostr_s(tip_id));
        goto done;
    }
    if ((rc = branch_seals(&seals, ck, f, &d, tip_tree, hex)))
        goto done;
    if ((rc = rule_counted(&rule, ck, d.main_tree, &d.main_id, d.kind, outcome)))
        goto done;
    if (!rule.found) {
        rc = PROBLEM(ck, "V12", f->path,
                     "no decision rule in force at draft %.12s covers a %s request %s", hex, d.kind,
                     outcome);
        goto done;
    }
    /* each seal where it was made, and whether it stands on main now */
    git_oid at[KESSAI_MAX_SEALS];
    int st[KESSAI_MAX_SEALS];
    if ((rc = seal_commits(at, ck, f, tip_id, &d, &seals)))
        goto done;
    for (size_t i = 0; i < seals.n; i++) {
        itk_buf now = ITK_BUF_INIT;
        rc = seal_standing(&st[i], &now, ck, seals.recs[i], &at[i], ck->key_trees[0]);
        itk_buf_dispose(&now);
        if (rc)
            goto done;
    }
    itk_kessai_seal_in in[KESSAI_MAX_SEALS];
    for (size_t i = 0; i < seals.n; i++) {
        const char *v = bstr(seals.recs[i], "verdict"), *reason = bstr(seals.recs[i], "reason");
        in[i].principal = v && strcmp(v, outcome) == 0 && st[i] == ITK_SEAL_STANDS
                              ? bstr(seals.recs[i], "principal")
                              : NULL;
        in[i].post = bstr(seals.recs[i], "post");
        in[i].acting_for = bstr(seals.recs[i], "acting_for");
        in[i].has_reason = itk_text_visible(reason);
    }
    int met = itk_kessai_met(&rule, in, seals.n, bstr(d.rec, "drafter"), &missing, NULL);
    /* … and the rule in force on main as the decision is taken: a draft made
     * on an older main (before a stricter amendment) gains nothing by it */
    itk_kessai_rule now_rule;
    memset(&now_rule, 0, sizeof(now_rule));
    int met_now = 1;
    if (met && (rc = rule_counted(&now_rule, ck, ck->key_trees[0], FIRST(ck), d.kind, outcome)))
        goto done;
    if (met && now_rule.found)
        met_now = itk_kessai_met(&now_rule, in, seals.n, bstr(d.rec, "drafter"), &missing, NULL);
    /* a seal that does not count says why, when the decision needs it or
     * lists it */
    const json_t *listed = json_object_get(json_object_get(f->rec, "body"), "seals");
    for (size_t i = 0; i < seals.n; i++) {
        const char *v = bstr(seals.recs[i], "verdict");
        const char *sid = json_string_value(json_object_get(seals.recs[i], "id"));
        int is_listed = 0;
        size_t k;
        const json_t *x;
        json_array_foreach(listed, k, x) is_listed |=
            json_is_string(x) && sid && strcmp(json_string_value(x), sid) == 0;
        if (st[i] == ITK_SEAL_STANDS || !v || strcmp(v, outcome) != 0 ||
            (met && met_now && !is_listed))
            continue;
        itk_buf now = ITK_BUF_INIT;
        rc = seal_standing(&st[i], &now, ck, seals.recs[i], &at[i], ck->key_trees[0]);
        rc = rc ? rc : seal_problem(ck, f, seals.recs[i], &at[i], st[i], &now);
        itk_buf_dispose(&now);
        if (rc)
            goto done;
    }
    if (!met) {
        rc = PROBLEM(ck, "V12", f->path,
                     "the seals on draft %.12s do not meet the decision rule in force at the "
                     "draft (%s): %s more %s (one person counts once; the drafter not at all)",
                     hex, rule.source, missing.ptr ? missing.ptr : "?", outcome);
        goto done;
    }
    if (!met_now) {
        rc = PROBLEM(ck, "V12", f->path,
                     "the seals on draft %.12s meet the rule in force at the draft, but not the "
                     "decision rule in force on main as the decision is taken (%s): %s more %s; "
                     "a decision meets both",
                     hex, now_rule.source, missing.ptr ? missing.ptr : "?", outcome);
        goto done;
    }
    /* the seals it lists are seals on that branch, each once … */
    size_t k, k2;
    const json_t *v, *v2;
    json_array_foreach(listed, k, v)
    {
        int found = 0;
        for (size_t i = 0; i < seals.n && !found; i++)
            found =
                json_is_string(v) && strcmp(json_string_value(json_object_get(seals.recs[i], "id")),
                                            json_string_value(v)) == 0;
        if (!found) {
            rc = PROBLEM(ck, "V12", f->path,
                         "lists seal %s, which is not a seal on the draft's branch",
                         json_is_string(v) ? json_string_value(v) : "?");
            goto done;
        }
        json_array_foreach(listed, k2, v2) if (k2 < k && json_equal((json_t *)v, (json_t *)v2))
        {
            rc = PROBLEM(ck, "V12", f->path,
                         "lists seal %s twice: the decision notice's 決裁欄 would show one seal "
                         "as two",
                         json_string_value(v));
            goto done;
        }
    }
    /* … and they alone meet the rules, as its 決裁欄 shows them: a decision
     * listing fewer seals than decided it would show on paper a decision
     * nobody sealed */
    for (size_t i = 0; i < seals.n; i++) {
        const char *sid = json_string_value(json_object_get(seals.recs[i], "id"));
        int is_listed = 0;
        json_array_foreach(listed, k, v) is_listed |=
            json_is_string(v) && sid && strcmp(json_string_value(v), sid) == 0;
        if (!is_listed)
            in[i].principal = NULL;
    }
    if (!itk_kessai_met(&rule, in, seals.n, bstr(d.rec, "drafter"), &missing, NULL) ||
        (now_rule.found &&
         !itk_kessai_met(&now_rule, in, seals.n, bstr(d.rec, "drafter"), &missing, NULL)))
        rc = PROBLEM(ck, "V12", f->path,
                     "the seals it lists do not meet the decision rule (%s) by themselves: %s "
                     "more %s; a decision lists the seals that meet the rule, as its 決裁欄 "
                     "shows them",
                     rule.source, missing.ptr ? missing.ptr : "?", outcome);
done:
    itk_buf_dispose(&missing);
    seals_dispose(&seals);
    git_tree_free(tip_tree);
    git_commit_free(tip);
    draft_dispose(&d);
    return rc;
}

/* A decision of the city enters main as the city's own commit on main, or
 * as the merge of its decision branch (V6, V12): never brought in by a
 * merge's second parent, where it would have been taken on another main
 * (one older than a decision rule, or than a key's retirement) and checked
 * against that. A merge of the city whose second parent brings a decision
 * record of the city that its first parent lacks is refused. */
static int check_brought_decisions(check *ck)
{
    char prefix[ITK_PARTY_ID_MAX + 32];
    git_tree_entry *mine = NULL, *before = NULL;
    git_tree *a = NULL, *b = NULL;
    git_diff *diff = NULL;
    int rc = 0;
    if (!ck->is_city || ck->info->nparents != 2 || ck->nkey_trees < 1)
        return 0;
    snprintf(prefix, sizeof(prefix), "parties/%s/decisions", ck->info->party);
    if (git_tree_entry_bypath(&mine, ck->tree, prefix) < 0) {
        git_error_clear();
        return 0;
    }
    if (git_tree_entry_bypath(&before, ck->key_trees[0], prefix) == 0 &&
        git_oid_equal(git_tree_entry_id(before), git_tree_entry_id(mine)))
        goto done;
    git_error_clear();
    if ((before && git_tree_lookup(&a, ck->p->repo, git_tree_entry_id(before)) < 0) ||
        git_tree_lookup(&b, ck->p->repo, git_tree_entry_id(mine)) < 0 ||
        git_diff_tree_to_tree(&diff, ck->p->repo, a, b, NULL) < 0) {
        rc = itk_error_git("cannot compare the decisions of %s", git_oid_tostr_s(ck->id));
        goto done;
    }
    size_t n = git_diff_num_deltas(diff);
    for (size_t i = 0; !rc && i < n; i++) {
        const git_diff_delta *dd = git_diff_get_delta(diff, i);
        char path[512];
        int own = 0;
        if (dd->status != GIT_DELTA_ADDED)
            continue;
        snprintf(path, sizeof(path), "%s/%s", prefix, dd->new_file.path);
        for (size_t k = 0; k < ck->nfiles && !own; k++)
            own = strcmp(ck->files[k].path, path) == 0;
        if (!own)
            rc = PROBLEM(ck, "V12", path,
                         "the merge brings the decision %s in through its second parent (%.12s); a "
                         "decision is the city's own commit on main or the merge of its decision "
                         "branch, checked against main as it is taken",
                         path, git_oid_tostr_s(git_commit_parent_id(ck->commit, 1)));
    }
done:
    git_diff_free(diff);
    git_tree_free(a);
    git_tree_free(b);
    git_tree_entry_free(mine);
    git_tree_entry_free(before);
    return rc;
}

/* The first decision of the city that tree has and other lacks, into
 * path; 0 when none. */
static int decision_lacking(char *path, size_t cap, itk_policy *p, const git_tree *tree,
                            const git_tree *other, const char *prefix)
{
    git_tree_entry *mine = NULL, *theirs = NULL;
    git_tree *a = NULL, *b = NULL;
    git_diff *diff = NULL;
    int found = 0;
    if (git_tree_entry_bypath(&mine, tree, prefix) < 0)
        goto done;
    if (git_tree_entry_bypath(&theirs, other, prefix) == 0 &&
        git_oid_equal(git_tree_entry_id(theirs), git_tree_entry_id(mine)))
        goto done;
    if ((theirs && git_tree_lookup(&a, p->repo, git_tree_entry_id(theirs)) < 0) ||
        git_tree_lookup(&b, p->repo, git_tree_entry_id(mine)) < 0 ||
        git_diff_tree_to_tree(&diff, p->repo, a, b, NULL) < 0)
        goto done;
    for (size_t i = 0; !found && i < git_diff_num_deltas(diff); i++) {
        const git_diff_delta *dd = git_diff_get_delta(diff, i);
        if (dd->status == GIT_DELTA_ADDED) {
            snprintf(path, cap, "%s/%s", prefix, dd->new_file.path);
            found = 1;
        }
    }
done:
    git_error_clear();
    git_diff_free(diff);
    git_tree_free(a);
    git_tree_free(b);
    git_tree_entry_free(mine);
    git_tree_entry_free(theirs);
    return found;
}

/* A decision of the city counts as checked against main as it was taken
 * (its first parent). A merge that joins a line holding a decision with a
 * line bringing the city's keys, key events (posts, retirements,
 * compromises) or contract settings that the decision's line lacks would
 * make current a state the decision's seals and rule were never checked
 * against (a decision taken on an older main, merged in either way round):
 * refused, whoever merges. A decision by one key is joined no differently:
 * the other line may bring the rule it would have needed. The city takes the
 * decision again on its current main, where V12 checks it. */
static int check_joined_decisions(check *ck)
{
    json_t *contract = NULL;
    int rc = 0;
    if (ck->info->nparents != 2 || ck->nkey_trees != 2 || !ck->base)
        return 0;
    if (itk_tree_read_json(&contract, ck->p->repo, ck->base, "itaku.json")) {
        itk_error_clear();
        return 0; /* V4/V10's to say */
    }
    const char *city = json_string_value(json_object_get(contract, "city"));
    if (!city || strlen(city) > ITK_PARTY_ID_MAX || strchr(city, '/')) {
        json_decref(contract);
        return 0;
    }
    char state[4][ITK_PARTY_ID_MAX + 48], prefix[ITK_PARTY_ID_MAX + 32];
    snprintf(state[0], sizeof(state[0]), "itaku.json");
    snprintf(state[1], sizeof(state[1]), "parties/%s/keys", city);
    snprintf(state[2], sizeof(state[2]), "parties/%s/key-events", city);
    snprintf(state[3], sizeof(state[3]), "parties/%s/contract-amendments", city);
    snprintf(prefix, sizeof(prefix), "parties/%s/decisions", city);
    /* a decision of the city's own brought by the second parent is refused
     * whatever comes with it (check_brought_decisions) */
    for (int s = 0; !rc && s < (ck->is_city ? 1 : 2); s++) {
        const git_tree *side = ck->key_trees[s], *other = ck->key_trees[1 - s];
        const char *changed = NULL;
        char decision[512];
        for (size_t i = 0; i < 4 && !changed; i++)
            if (!itk_policy_same_entry(ck->base, side, state[i]))
                changed = state[i];
        if (!changed || !decision_lacking(decision, sizeof(decision), ck->p, side, other, prefix))
            continue;
        char held_by[GIT_OID_HEXSZ + 1], brought_by[GIT_OID_HEXSZ + 1];
        git_oid_tostr(held_by, sizeof(held_by), git_commit_parent_id(ck->commit, (unsigned)s));
        git_oid_tostr(brought_by, sizeof(brought_by),
                      git_commit_parent_id(ck->commit, (unsigned)(1 - s)));
        rc = PROBLEM(ck, "V12", decision,
                     "the merge joins the decision %s, which its parent %.12s holds, with %s as "
                     "its parent %.12s has it: the decision was taken on a main without that "
                     "change, and its seals and rule were never checked against it; take the "
                     "decision again on the city's current main instead of merging",
                     decision, held_by, changed, brought_by);
        rc = rc ? rc : 1;
    }
    json_decref(contract);
    return rc;
}

int itk_policy_check_kessai(check *ck)
{
    int brc = check_brought_decisions(ck);
    if (brc < 0)
        return brc;
    if ((brc = check_joined_decisions(ck)) < 0)
        return brc;
    for (size_t i = 0; i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
        if (!f->rec || f->refused || f->info.kind != ITK_PATH_RECORD || !f->info.type)
            continue;
        const char *type = f->info.type->type;
        int rc = strcmp(type, "draft") == 0      ? check_draft(ck, f)
                 : strcmp(type, "seal") == 0     ? check_seal(ck, f)
                 : strcmp(type, "decision") == 0 ? check_decision(ck, f)
                                                 : 0;
        if (!rc && strcmp(type, "draft") == 0)
            rc = check_redraft(ck, f);
        if (rc < 0)
            return rc;
    }
    return 0;
}
