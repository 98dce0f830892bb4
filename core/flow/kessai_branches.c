/* 決裁 (DESIGN §7, V12): the local decision branches that are no decision in
 * progress, found as the hosted registry's hook and a fetch refuse them; see
 * itk_kessai_branches_check in itaku/kessai.h. The check of one branch is
 * itk_kessai_branch_check's (kessai_draft.c); what a seal or decision is
 * worth is verify's (V12). */
#include "itaku/kessai.h"
#include "itaku/kessai_draft.h"
#include "itaku/delegation.h"
#include "itaku/errors.h"
#include "itaku/names.h"
#include "itaku/sshkey.h"
#include "itaku/sshsig.h"
#include "alloc.h"
#include "kessai_branches_priv.h"
#include "registry_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most branches one check looks at (a clone holds one per request in
 * decision). */
#define BRANCHES_MAX 100000

int itk_kessai_signed_by(char fpr[64], git_repository *repo, const git_oid *id)
{
    git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
    itk_pubkey *key = NULL;
    itk_buf f = ITK_BUF_INIT;
    git_oid copy = *id;
    int rc = git_commit_extract_signature(&sig, &data, repo, &copy, NULL) < 0
                 ? itk_error_git("cannot read the signature of %s", git_oid_tostr_s(id))
                 : itk_sshsig_verify(&key, sig.ptr, sig.size, "git", data.ptr, data.size);
    if (!rc && !(rc = itk_pubkey_fingerprint(&f, key)))
        snprintf(fpr, 64, "%s", f.ptr);
    itk_pubkey_free(key);
    itk_buf_dispose(&f);
    git_buf_dispose(&sig);
    git_buf_dispose(&data);
    return rc;
}

void itk_kessai_strays_free(itk_kessai_stray *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i].message);
    free(s);
}

/* The mains a draft may be made on (at most 3 into mains, *n of them):
 * refs/heads/main, HEAD, and the city's verified line. */
static void local_mains(git_oid mains[3], size_t *n, git_repository *repo, const char *city)
{
    char line[sizeof(ITK_REF_LINES) + ITK_PARTY_ID_MAX + 1];
    const char *refs[3] = {ITK_REF_MAIN, "HEAD", line};
    snprintf(line, sizeof(line), ITK_REF_LINES "%s", city);
    *n = 0;
    for (size_t i = 0; i < 3; i++) {
        git_oid id;
        int seen = 0;
        if (git_reference_name_to_id(&id, repo, refs[i]) < 0)
            continue;
        for (size_t k = 0; k < *n && !seen; k++)
            seen = git_oid_equal(&id, &mains[k]);
        if (!seen)
            mains[(*n)++] = id;
    }
    git_error_clear();
}

/* Whether commit tip of ref is signed by a key of city (the key's file in
 * its tree): 0, or ITK_EINVALID naming ref, the commit and its signer. */
static int tip_by_city(git_repository *repo, const char *ref, const git_oid *tip, const char *city)
{
    char fpr[64] = "";
    git_commit *c = NULL;
    git_tree *tree = NULL;
    itk_identity who;
    memset(&who, 0, sizeof(who));
    int rc = itk_kessai_signed_by(fpr, repo, tip);
    if (!rc && (git_commit_lookup(&c, repo, tip) < 0 || git_commit_tree(&tree, c) < 0))
        rc = itk_error_git("%s: cannot read %s", ref, git_oid_tostr_s(tip));
    else if (!rc && itk_identity_find(&who, repo, tree, fpr) < 0)
        who.party[0] = '\0';
    git_tree_free(tree);
    git_commit_free(c);
    if (rc == ITK_ENOMEM || rc == ITK_EGIT)
        return rc;
    itk_error_clear();
    if (!rc && strcmp(who.party, city) == 0)
        return 0;
    if (rc || !who.party[0])
        return itk_error_set(ITK_EINVALID,
                             "%s points at commit %.12s, which carries no signature of a "
                             "registered key; a decision branch moves only to the city's commits",
                             ref, git_oid_tostr_s(tip));
    return itk_error_set(ITK_EINVALID,
                         "%s points at commit %.12s, signed by %s/%s; a decision branch moves "
                         "only to the city's commits",
                         ref, git_oid_tostr_s(tip), who.party, who.principal);
}

int itk_kessai_branch_local(git_repository *repo, const char *branch, const git_oid *tip,
                            const char *city, const char *name, const git_oid *mains, size_t nmains)
{
    git_oid draft;
    json_t *rec = NULL;
    /* whose the tip is first, as a fetch asks it: another party's commit
     * parked on the name is named as such */
    int rc = tip_by_city(repo, branch, tip, city);
    if (!rc)
        rc = itk_kessai_branch_check(repo, branch, tip, city, name, mains, nmains);
    if (!rc)
        rc = itk_kessai_draft_find(&draft, &rec, repo, tip, city, name);
    json_decref(rec);
    /* whose the commits are: the tip down to the draft, along first parents
     * (itk_kessai_branch_check found each a seal of the draft's) */
    git_oid at = *tip;
    for (size_t k = 0; !rc && k < ITK_KESSAI_MAX_WALK; k++) {
        git_commit *c = NULL;
        if ((rc = tip_by_city(repo, branch, &at, city)) || git_oid_equal(&at, &draft))
            break;
        if (git_commit_lookup(&c, repo, &at) < 0 || git_commit_parentcount(c) == 0)
            rc = itk_error_git("%s: cannot read the parent of %s", branch, git_oid_tostr_s(&at));
        else
            at = *git_commit_parent_id(c, 0);
        git_commit_free(c);
    }
    return rc;
}

static int by_ref(const void *a, const void *b)
{
    return strcmp(((const itk_kessai_stray *)a)->ref, ((const itk_kessai_stray *)b)->ref);
}

int itk_kessai_branches_check(itk_kessai_stray **out, size_t *n, itk_registry *reg)
{
    git_repository *repo = reg->repo;
    git_reference_iterator *it = NULL;
    git_reference *r = NULL;
    git_tree *head_tree = NULL;
    char city[ITK_PARTY_ID_MAX + 1];
    git_oid mains[3];
    size_t nmains = 0, cap = 0, seen = 0;
    int rc = 0;
    *out = NULL;
    *n = 0;
    json_t *contract = NULL;
    const char *c = NULL;
    if (itk_registry_head_tree(&head_tree, reg) == 0 &&
        itk_registry_contract(&contract, reg, head_tree) == 0)
        c = json_string_value(json_object_get(contract, "city"));
    int named = c && strlen(c) <= ITK_PARTY_ID_MAX;
    if (named)
        snprintf(city, sizeof(city), "%s", c);
    json_decref(contract);
    git_tree_free(head_tree);
    if (!named) {
        /* no contract to read the city from: nothing to say of its branches */
        itk_error_clear();
        return 0;
    }
    local_mains(mains, &nmains, repo, city);
    if (git_reference_iterator_glob_new(&it, repo, ITK_REF_DECISIONS "*") < 0)
        return itk_error_git("cannot list the decision branches");
    while (!rc && seen++ < BRANCHES_MAX && git_reference_next(&r, it) == 0) {
        const char *ref = git_reference_name(r);
        git_reference *resolved = NULL;
        int brc =
            strlen(ref) >= sizeof((*out)->ref)
                ? itk_error_set(ITK_EINVALID,
                                "%.120s… names no request (decisions/<requester>/<rec>)", ref)
            : git_reference_resolve(&resolved, r) < 0
                ? itk_error_git("cannot read %s", ref)
                : itk_kessai_branch_local(repo, ref + ITK_PREFIX_LEN("refs/heads/"),
                                          git_reference_target(resolved), city,
                                          ref + ITK_PREFIX_LEN(ITK_REF_DECISIONS), mains, nmains);
        git_reference_free(resolved);
        if (brc == ITK_ENOMEM)
            rc = brc;
        else if (brc) {
            if (*n == cap) {
                size_t ncap = cap ? cap * 2 : 4;
                itk_kessai_stray *grown = itk_realloc_array(*out, ncap, sizeof(**out));
                if (!grown) {
                    rc = itk_error_nomem();
                    break;
                }
                *out = grown;
                cap = ncap;
            }
            itk_kessai_stray *s = &(*out)[*n];
            snprintf(s->ref, sizeof(s->ref), "%s", ref);
            s->message = itk_strdup(itk_error_last());
            if (!s->message)
                rc = itk_error_nomem();
            else
                (*n)++;
        }
        itk_error_clear();
        git_reference_free(r);
        r = NULL;
    }
    git_reference_free(r);
    git_reference_iterator_free(it);
    git_error_clear();
    if (rc) {
        itk_kessai_strays_free(*out, *n);
        *out = NULL;
        *n = 0;
    } else if (*n > 1)
        qsort(*out, *n, sizeof(**out), by_ref);
    return rc;
}
