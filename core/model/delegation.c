/* 決裁 rules as data: see itaku/delegation.h (専決規程). */
#include "itaku/delegation.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/names.h"
#include "itaku/people.h"
#include "itaku/query.h"
#include "alloc.h"
#include "intl.h"
#include "registry_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const outcomes[] = {"approved", "rejected", "returned", NULL};

static int post_list_check(const json_t *list, const char *what, size_t i, int required)
{
    if (!list && !required)
        return 0;
    if (!json_is_array(list) || (required && json_array_size(list) == 0) ||
        json_array_size(list) > ITK_KESSAI_MAX_POSTS)
        return itk_error_set(ITK_EINVALID,
                             "decision rule %zu: \"%s\" is a list of 1 to %d posts (e.g. "
                             "[\"担当\", \"係長\"])",
                             i + 1, what, ITK_KESSAI_MAX_POSTS);
    size_t k;
    const json_t *v;
    json_array_foreach(list, k, v)
    {
        if (!json_is_string(v) || itk_post_check(json_string_value(v)))
            return itk_error_set(ITK_EINVALID, "decision rule %zu: \"%s\" item %zu is no post",
                                 i + 1, what, k + 1);
    }
    return 0;
}

static int has_post(const json_t *approvers, const char *post)
{
    size_t k;
    const json_t *a;
    json_array_foreach(approvers, k, a)
    {
        const char *p = json_string_value(json_object_get(a, "post"));
        if (p && strcmp(p, post) == 0)
            return 1;
    }
    return 0;
}

int itk_kessai_rules_check(const json_t *rules)
{
    if (!json_is_array(rules) || json_array_size(rules) > ITK_KESSAI_MAX_RULES)
        return itk_error_set(ITK_EINVALID, "\"decision_rules\" is a list of at most %d rules",
                             ITK_KESSAI_MAX_RULES);
    size_t i;
    const json_t *r;
    json_array_foreach(rules, i, r)
    {
        const json_t *approvers = json_object_get(r, "approvers");
        const json_t *deputies = json_object_get(r, "deputies");
        const json_t *kinds = json_object_get(r, "request_kinds");
        const json_t *outs = json_object_get(r, "outcomes");
        const char *key;
        const json_t *v;
        if (!json_is_object(r))
            return itk_error_set(ITK_EINVALID, "decision rule %zu is not an object", i + 1);
        json_object_foreach((json_t *)r, key, v)
        {
            if (strcmp(key, "approvers") && strcmp(key, "deputies") && strcmp(key, "drafters") &&
                strcmp(key, "request_kinds") && strcmp(key, "outcomes"))
                return itk_error_set(ITK_EINVALID,
                                     "decision rule %zu: unknown field \"%.40s\" (a rule holds "
                                     "request_kinds, outcomes, drafters, approvers, deputies)",
                                     i + 1, key);
        }
        int rc = post_list_check(json_object_get(r, "drafters"), "drafters", i, 1);
        if (rc)
            return rc;
        if (!json_is_array(approvers) || json_array_size(approvers) == 0 ||
            json_array_size(approvers) > ITK_KESSAI_MAX_POSTS)
            return itk_error_set(ITK_EINVALID,
                                 "decision rule %zu: \"approvers\" is a list of 1 to %d steps "
                                 "{\"post\": \"課長\", \"count\": 1}",
                                 i + 1, ITK_KESSAI_MAX_POSTS);
        size_t k;
        json_array_foreach(approvers, k, v)
        {
            const json_t *p = json_object_get(v, "post"), *n = json_object_get(v, "count");
            if (!json_is_object(v) || json_object_size(v) != 2 || !json_is_string(p) ||
                itk_post_check(json_string_value(p)) || !json_is_integer(n) ||
                json_integer_value(n) < 1 || json_integer_value(n) > ITK_KESSAI_MAX_COUNT)
                return itk_error_set(ITK_EINVALID,
                                     "decision rule %zu: approver %zu must be {\"post\": POST, "
                                     "\"count\": 1..%d}",
                                     i + 1, k + 1, ITK_KESSAI_MAX_COUNT);
        }
        if (deputies &&
            (!json_is_array(deputies) || json_array_size(deputies) > ITK_KESSAI_MAX_POSTS))
            return itk_error_set(ITK_EINVALID,
                                 "decision rule %zu: \"deputies\" is a list of at most %d "
                                 "{\"for\": POST, \"post\": POST}",
                                 i + 1, ITK_KESSAI_MAX_POSTS);
        json_array_foreach(deputies, k, v)
        {
            const char *f = json_string_value(json_object_get(v, "for"));
            const char *p = json_string_value(json_object_get(v, "post"));
            if (!json_is_object(v) || json_object_size(v) != 2 || !f || !p || itk_post_check(p) ||
                !has_post(approvers, f))
                return itk_error_set(ITK_EINVALID,
                                     "decision rule %zu: deputy %zu must be {\"for\": an approver "
                                     "post, \"post\": the deputy's post}",
                                     i + 1, k + 1);
        }
        if ((kinds && (!json_is_array(kinds) || json_array_size(kinds) > 16)))
            return itk_error_set(ITK_EINVALID,
                                 "decision rule %zu: \"request_kinds\" is a list of request kinds "
                                 "(copy, take-out, subcontract …)",
                                 i + 1);
        json_array_foreach(
            kinds, k,
            v) if (!json_is_string(v) || !json_string_length(v) ||
                   json_string_length(v) >
                       40) return itk_error_set(ITK_EINVALID,
                                                "decision rule %zu: request kind %zu is no kind",
                                                i + 1, k + 1);
        if (outs && (!json_is_array(outs) || json_array_size(outs) > 3))
            return itk_error_set(ITK_EINVALID,
                                 "decision rule %zu: \"outcomes\" lists approved, rejected, "
                                 "returned",
                                 i + 1);
        json_array_foreach(outs, k, v)
        {
            int ok = 0;
            for (size_t o = 0; outcomes[o] && json_is_string(v); o++)
                ok |= strcmp(outcomes[o], json_string_value(v)) == 0;
            if (!ok)
                return itk_error_set(ITK_EINVALID,
                                     "decision rule %zu: outcome %zu is not approved, rejected or "
                                     "returned",
                                     i + 1, k + 1);
        }
    }
    return 0;
}

static int list_holds(const json_t *list, const char *s)
{
    size_t k;
    const json_t *v;
    if (!list)
        return 1;
    json_array_foreach(list, k,
                       v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

static void fill(itk_kessai_rule *out, const json_t *r)
{
    size_t k;
    const json_t *v;
    json_array_foreach(json_object_get(r, "drafters"), k, v) snprintf(
        out->drafters[out->ndrafters++], ITK_KESSAI_POST_BYTES, "%s", json_string_value(v));
    json_array_foreach(json_object_get(r, "approvers"), k, v)
    {
        itk_kessai_step *s = &out->steps[out->nsteps++];
        snprintf(s->post, sizeof(s->post), "%s", json_string_value(json_object_get(v, "post")));
        s->count = (int)json_integer_value(json_object_get(v, "count"));
    }
    json_array_foreach(json_object_get(r, "deputies"), k, v)
    {
        itk_kessai_deputy *d = &out->deputies[out->ndeputies++];
        snprintf(d->for_post, sizeof(d->for_post), "%s",
                 json_string_value(json_object_get(v, "for")));
        snprintf(d->post, sizeof(d->post), "%s", json_string_value(json_object_get(v, "post")));
    }
}

int itk_kessai_rule_from(itk_kessai_rule *out, const json_t *rules, const char *kind,
                         const char *outcome)
{
    memset(out, 0, sizeof(*out));
    int rc = itk_kessai_rules_check(rules);
    if (rc)
        return rc;
    size_t i;
    const json_t *r;
    json_array_foreach(rules, i, r)
    {
        if (list_holds(json_object_get(r, "request_kinds"), kind ? kind : "") &&
            list_holds(json_object_get(r, "outcomes"), outcome ? outcome : "")) {
            fill(out, r);
            out->found = 1;
            break;
        }
    }
    return 0;
}

/* The value of setting field in force in tree: itaku.json's, replaced by
 * that of the city's contract amendment with the highest id that names it
 * (ids are "c-NNNNNN", so by path; verify's V4 keeps them rising along the
 * history, while "created" is whatever the writer put). *value is NULL when
 * none names it; source (200 bytes) says where it was read, city (64 bytes)
 * gets the contract's city. */
static void setting_in_force(json_t **value, char *source, char *city, git_repository *repo,
                             const git_tree *tree, const itk_void_writes *vw, const char *field)
{
    json_t *contract = NULL, *best = NULL;
    char **paths = NULL;
    size_t n = 0;
    const char *best_path = "";
    *value = NULL;
    snprintf(source, 200, "itaku.json");
    if (city)
        *city = 0;
    const git_tree *csrc = itk_void_writes_source(vw, tree, "itaku.json");
    if (!csrc || itk_tree_read_json(&contract, repo, csrc, "itaku.json")) {
        itk_error_clear();
        return;
    }
    const char *c = json_string_value(json_object_get(contract, "city"));
    if (city && c && strlen(c) < 64)
        snprintf(city, 64, "%s", c);
    if (c && *c && !strchr(c, '/') &&
        itk_tree_records(&paths, &n, repo, tree, c, "contract-amendment") == 0) {
        for (size_t i = 0; i < n; i++) {
            json_t *a = NULL;
            const git_tree *asrc = itk_void_writes_source(vw, tree, paths[i]);
            if (!asrc || itk_tree_read_json(&a, repo, asrc, paths[i])) {
                itk_error_clear();
                continue;
            }
            json_t *v = json_object_get(json_object_get(a, "body"), field);
            if (v && strcmp(paths[i], best_path) > 0) {
                json_decref(best);
                best = json_incref(v);
                best_path = paths[i];
                snprintf(source, 200, "%s", paths[i]);
            }
            json_decref(a);
        }
    }
    itk_error_clear();
    itk_string_list_free(paths, n);
    *value = best ? best : json_incref(json_object_get(contract, field));
    json_decref(contract);
}

int itk_kessai_rule_at(itk_kessai_rule *out, git_repository *repo, const git_tree *tree,
                       const char *kind, const char *outcome)
{
    return itk_kessai_rule_counted(out, repo, tree, NULL, kind, outcome);
}

int itk_kessai_rule_counted(itk_kessai_rule *out, git_repository *repo, const git_tree *tree,
                            const itk_void_writes *vw, const char *kind, const char *outcome)
{
    json_t *rules = NULL;
    char source[200];
    memset(out, 0, sizeof(*out));
    setting_in_force(&rules, source, NULL, repo, tree, vw, "decision_rules");
    if (rules && itk_kessai_rule_from(out, rules, kind, outcome) == 0 && out->found)
        snprintf(out->source, sizeof(out->source), "%s", source);
    itk_error_clear();
    json_decref(rules);
    return 0;
}

int itk_kessai_may_draft(const itk_kessai_rule *r, const char *post)
{
    for (size_t i = 0; post && i < r->ndrafters; i++)
        if (strcmp(r->drafters[i], post) == 0)
            return 1;
    return 0;
}

static int deputy_ok(const itk_kessai_rule *r, const char *post, const char *for_post)
{
    for (size_t i = 0; i < r->ndeputies; i++)
        if (strcmp(r->deputies[i].post, post) == 0 &&
            strcmp(r->deputies[i].for_post, for_post) == 0)
            return 1;
    return 0;
}

int itk_kessai_may_seal(const itk_kessai_rule *r, const char *post, const char *acting_for)
{
    if (!post)
        return 0;
    for (size_t i = 0; i < r->nsteps; i++) {
        if (acting_for && strcmp(r->steps[i].post, acting_for) == 0)
            return deputy_ok(r, post, acting_for);
        if (!acting_for && strcmp(r->steps[i].post, post) == 0)
            return 1;
    }
    return 0;
}

/* Did a holder of post seal (as themselves, whatever their verdict and
 * whether their seal counts)? Then they were not absent: no 代決 for post
 * counts beside them. */
static int holder_sealed(const itk_kessai_seal_in *seals, size_t n, const char *post)
{
    for (size_t j = 0; j < n; j++)
        if (!seals[j].acting_for && seals[j].post && strcmp(seals[j].post, post) == 0)
            return 1;
    return 0;
}

int itk_kessai_met(const itk_kessai_rule *r, const itk_kessai_seal_in *seals, size_t n,
                   const char *drafter, itk_buf *missing, int *used)
{
    int met = 1;
    int counted[64];
    size_t lim = n < 64 ? n : 64;
    memset(counted, 0, sizeof(counted));
    if (missing)
        itk_buf_clear(missing);
    for (size_t s = 0; s < r->nsteps; s++) {
        const itk_kessai_step *st = &r->steps[s];
        int have = 0;
        for (size_t i = 0; i < lim && have < st->count; i++) {
            const itk_kessai_seal_in *x = &seals[i];
            if (counted[i] || !x->principal || !x->post ||
                (drafter && strcmp(x->principal, drafter) == 0))
                continue;
            int fits = x->acting_for ? strcmp(x->acting_for, st->post) == 0 && x->has_reason &&
                                           deputy_ok(r, x->post, st->post) &&
                                           !holder_sealed(seals, lim, x->acting_for)
                                     : strcmp(x->post, st->post) == 0;
            /* one person counts once, whatever seals or keys they used */
            for (size_t j = 0; fits && j < lim; j++)
                if (counted[j] && strcmp(seals[j].principal, x->principal) == 0)
                    fits = 0;
            if (!fits)
                continue;
            counted[i] = (int)s + 1;
            have++;
        }
        if (have < st->count) {
            met = 0;
            if (missing) {
                if (st->count - have == 1)
                    itk_buf_printf(missing, "%s%s", missing->size ? ", " : "", st->post);
                else
                    itk_buf_printf(missing, "%s%s×%d", missing->size ? ", " : "", st->post,
                                   st->count - have);
            }
        }
    }
    for (size_t i = 0; used && i < n; i++)
        used[i] = i < lim ? counted[i] : 0;
    return met;
}

/* Does tree hold path? */
static int tree_holds(const git_tree *tree, const char *path)
{
    git_tree_entry *e = NULL;
    int yes = git_tree_entry_bypath(&e, tree, path) == 0;
    git_tree_entry_free(e);
    git_error_clear();
    return yes;
}

int itk_kessai_seal_commits(git_oid *commits, git_repository *repo, const git_oid *tip,
                            const git_oid *draft, const char *const *paths, size_t n)
{
    git_oid at = *tip;
    size_t found = 0;
    int rc = 0, reached = 0;
    char *done = n ? itk_calloc(n, 1) : NULL;
    if (n && !done)
        return itk_error_nomem();
    for (size_t k = 0; k < ITK_KESSAI_MAX_WALK && !rc; k++) {
        git_commit *c = NULL, *parent = NULL;
        git_tree *t = NULL, *pt = NULL;
        if (git_oid_equal(&at, draft)) {
            reached = 1;
            break;
        }
        if (git_commit_lookup(&c, repo, &at) < 0 || git_commit_tree(&t, c) < 0) {
            rc = itk_error_git("cannot read commit %s", git_oid_tostr_s(&at));
        } else if (git_commit_parentcount(c) == 0) {
            k = ITK_KESSAI_MAX_WALK;
        } else if (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&pt, parent) < 0) {
            rc = itk_error_git("cannot read the parent of %s", git_oid_tostr_s(&at));
        } else {
            for (size_t i = 0; i < n; i++)
                if (!done[i] && tree_holds(t, paths[i]) && !tree_holds(pt, paths[i])) {
                    done[i] = 1;
                    commits[i] = at;
                    found++;
                }
            at = *git_commit_id(parent);
        }
        git_tree_free(pt);
        git_tree_free(t);
        git_commit_free(parent);
        git_commit_free(c);
    }
    free(done);
    if (rc)
        return rc;
    if (!reached || found != n) {
        char draft_hex[GIT_OID_HEXSZ + 1];
        git_oid_tostr(draft_hex, sizeof(draft_hex), draft);
        return itk_error_set(ITK_EINVALID,
                             "%.12s does not lead back to its draft %.12s through seal commits "
                             "alone (at most %d, each on the one before); a decision branch is "
                             "its draft and one commit per seal",
                             git_oid_tostr_s(tip), draft_hex, ITK_KESSAI_MAX_WALK);
    }
    return 0;
}

int itk_post_setters_check(const json_t *setters)
{
    if (!json_is_array(setters) || json_array_size(setters) > ITK_KESSAI_MAX_POSTS)
        return itk_error_set(ITK_EINVALID,
                             "\"post_setters\" is a list of at most %d posts whose holders set "
                             "the city's officers' posts (e.g. [\"総務\"])",
                             ITK_KESSAI_MAX_POSTS);
    size_t k, j;
    const json_t *v, *w;
    json_array_foreach(setters, k, v)
    {
        if (!json_is_string(v) || itk_post_check(json_string_value(v)))
            return itk_error_set(ITK_EINVALID, "\"post_setters\" item %zu is no post", k + 1);
        json_array_foreach(
            setters, j,
            w) if (j < k &&
                   json_equal((json_t *)v,
                              (json_t *)w)) return itk_error_set(ITK_EINVALID,
                                                                 "\"post_setters\" names %s twice",
                                                                 json_string_value(v));
    }
    return 0;
}

int itk_kessai_seal_standing(itk_seal_standing *out, itk_buf *now, git_repository *repo,
                             const git_tree *tree, const char *party, const char *fpr,
                             const char *principal, const char *post)
{
    return itk_kessai_seal_counted(out, now, repo, tree, NULL, party, fpr, principal, post);
}

int itk_kessai_seal_counted(itk_seal_standing *out, itk_buf *now, git_repository *repo,
                            const git_tree *tree, const itk_void_writes *vw, const char *party,
                            const char *fpr, const char *principal, const char *post)
{
    itk_key_status st;
    *out = ITK_SEAL_STANDS;
    itk_buf_clear(now);
    int rc = itk_principal_attr_counted(now, repo, tree, vw, party, principal, "post");
    if (rc)
        return rc;
    if (itk_key_status_counted(&st, repo, tree, vw, fpr) || strcmp(st.party, party) != 0 ||
        strcmp(st.principal, principal) != 0)
        *out = ITK_SEAL_KEY_UNKNOWN;
    else if (st.state == ITK_KEY_RETIRED)
        *out = ITK_SEAL_KEY_RETIRED;
    else if (st.state != ITK_KEY_ACTIVE)
        *out = ITK_SEAL_KEY_COMPROMISED;
    else if (!now->size)
        *out = ITK_SEAL_POST_NONE;
    else if (!post || strcmp(now->ptr, post) != 0)
        *out = ITK_SEAL_POST_OTHER;
    itk_error_clear();
    return 0;
}

int itk_post_setters_from(itk_post_setters *out, const json_t *rules, const json_t *setters)
{
    memset(out, 0, sizeof(*out));
    out->in_force = (json_is_array(rules) && json_array_size(rules) > 0) ||
                    (json_is_array(setters) && json_array_size(setters) > 0);
    if (!setters)
        return 0;
    int rc = itk_post_setters_check(setters);
    if (rc)
        return rc;
    size_t k;
    const json_t *v;
    json_array_foreach(setters, k, v)
        snprintf(out->setters[out->nsetters++], ITK_KESSAI_POST_BYTES, "%s", json_string_value(v));
    return 0;
}

int itk_genesis_principal(char *out, size_t size, git_repository *repo, const git_oid *from)
{
    git_commit *c = NULL, *parent = NULL;
    git_tree *tree = NULL, *keys = NULL;
    git_tree_entry *e = NULL;
    json_t *contract = NULL, *rec = NULL;
    char dir[96], path[200];
    out[0] = 0;
    if (git_commit_lookup(&c, repo, from) < 0)
        return itk_error_git("cannot read commit %s to find the genesis", git_oid_tostr_s(from));
    while (git_commit_parentcount(c) > 0) {
        if (git_commit_parent(&parent, c, 0) < 0) {
            git_commit_free(c);
            return itk_error_git("cannot read a parent on the way to the genesis");
        }
        git_commit_free(c);
        c = parent;
    }
    int rc = git_commit_tree(&tree, c) < 0 ? itk_error_git("cannot read the genesis's tree") : 0;
    const char *city = NULL;
    if (!rc && itk_tree_read_json(&contract, repo, tree, "itaku.json") == 0)
        city = json_string_value(json_object_get(contract, "city"));
    if (city) {
        snprintf(dir, sizeof(dir), "parties/%s/keys", city);
        if (git_tree_entry_bypath(&e, tree, dir) == 0 && git_tree_entry_type(e) == GIT_OBJECT_TREE)
            git_tree_lookup(&keys, repo, git_tree_entry_id(e));
    }
    if (keys && git_tree_entrycount(keys) == 1) {
        snprintf(path, sizeof(path), "%s/%s", dir,
                 git_tree_entry_name(git_tree_entry_byindex(keys, 0)));
        const char *who = NULL;
        if (itk_tree_read_json(&rec, repo, tree, path) == 0)
            who = json_string_value(json_object_get(json_object_get(rec, "body"), "principal"));
        if (who)
            snprintf(out, size, "%s", who);
    }
    git_error_clear();
    if (!rc)
        itk_error_clear();
    json_decref(rec);
    json_decref(contract);
    git_tree_entry_free(e);
    git_tree_free(keys);
    git_tree_free(tree);
    git_commit_free(c);
    return rc;
}

int itk_post_setters_at(itk_post_setters *out, git_repository *repo, const git_tree *tree,
                        const git_oid *from)
{
    return itk_post_setters_counted(out, repo, tree, NULL, from);
}

int itk_post_setters_counted(itk_post_setters *out, git_repository *repo, const git_tree *tree,
                             const itk_void_writes *vw, const git_oid *from)
{
    json_t *rules = NULL, *setters = NULL;
    char rsource[200], ssource[200], city[64];
    setting_in_force(&rules, rsource, city, repo, tree, vw, "decision_rules");
    setting_in_force(&setters, ssource, NULL, repo, tree, vw, "post_setters");
    /* a malformed list counts as none (refused where it is written) */
    const json_t *ok = rules && itk_kessai_rules_check(rules) == 0 ? rules : NULL;
    if (itk_post_setters_from(out, ok, setters))
        itk_post_setters_from(out, ok, NULL);
    itk_error_clear();
    snprintf(out->city, sizeof(out->city), "%s", city);
    snprintf(out->source, sizeof(out->source), "%s", setters && out->nsetters ? ssource : rsource);
    json_decref(rules);
    json_decref(setters);
    if (out->in_force && !out->nsetters && from)
        return itk_genesis_principal(out->genesis, sizeof(out->genesis), repo, from);
    return 0;
}

/* s's setter posts as "総務, 人事課長". */
static void setters_text(char *out, size_t size, const itk_post_setters *s)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < s->nsetters && used < size; i++) {
        int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", s->setters[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* Is signer (post signer_post) a setter under s? */
static int is_setter(const itk_post_setters *s, const char *signer, const char *signer_post)
{
    if (!s->nsetters)
        return signer && s->genesis[0] && strcmp(signer, s->genesis) == 0;
    for (size_t i = 0; i < s->nsetters; i++)
        if (signer_post && strcmp(s->setters[i], signer_post) == 0)
            return 1;
    return 0;
}

int itk_post_set_allowed(const itk_post_setters *s, const char *signer, const char *signer_post,
                         const char *principal, const char *post, const char *before)
{
    char list[ITK_KESSAI_MAX_POSTS * (ITK_KESSAI_POST_BYTES + 2)];
    if (!s->in_force)
        return 0;
    const char *me = signer ? signer : "?", *who = principal ? principal : "?";
    const char *mine = signer_post ? signer_post : "-", *was = before ? before : "-";
    int by_list = s->nsetters > 0;
    setters_text(list, sizeof(list), s);
    const char *x = by_list ? list : s->genesis[0] ? s->genesis : "?";
    if (signer && principal && strcmp(signer, principal) == 0) {
        if (post)
            return itk_error_set(
                ITK_EAUTH,
                by_list
                    ? ITK_N_(
                          "%s may not set their own post to %s: under the decision rules (決裁) in "
                          "force (%s), who may seal is set by another officer whose post is one "
                          "of: %s (post_setters); ask one of them")
                    : ITK_N_(
                          "%s may not set their own post to %s: under the decision rules (決裁) in "
                          "force (%s) with no post_setters, who may seal is set by the officer who "
                          "opened the registry (%s) alone; ask them, or have them name "
                          "post_setters with `itaku contract amend`"),
                me, post, s->source, x);
        return itk_error_set(
            ITK_EAUTH,
            by_list
                ? ITK_N_(
                      "%s (post %s) may not add or change their own keys: under the decision rules "
                      "(決裁) in force (%s), who may seal is set by another officer whose post is "
                      "one of: %s (post_setters); ask one of them")
                : ITK_N_(
                      "%s (post %s) may not add or change their own keys: under the decision rules "
                      "(決裁) in force (%s) with no post_setters, who may seal is set by the "
                      "officer who opened the registry (%s) alone; ask them, or have them name "
                      "post_setters with `itaku contract amend`"),
            me, was, s->source, x);
    }
    if (is_setter(s, signer, signer_post))
        return 0;
    if (post)
        return itk_error_set(
            ITK_EAUTH,
            by_list
                ? ITK_N_(
                      "%s (post %s) may not set the post of %s to %s: under the decision rules "
                      "(決裁) in force (%s), who may seal is set by another officer whose post is "
                      "one of: %s (post_setters); ask one of them")
                : ITK_N_("%s (post %s) may not set the post of %s to %s: under the decision rules "
                         "(決裁) in force (%s) with no post_setters, who may seal is set by the "
                         "officer who opened the registry (%s) alone; ask them, or have them name "
                         "post_setters with `itaku contract amend`"),
            me, mine, who, post, s->source, x);
    return itk_error_set(
        ITK_EAUTH,
        by_list
            ? ITK_N_(
                  "%s (post %s) may not add or change the keys of %s (post %s): under the decision "
                  "rules (決裁) in force (%s), who may seal is set by another officer whose post "
                  "is one of: %s (post_setters); ask one of them")
            : ITK_N_(
                  "%s (post %s) may not add or change the keys of %s (post %s): under the decision "
                  "rules (決裁) in force (%s) with no post_setters, who may seal is set by the "
                  "officer who opened the registry (%s) alone; ask them, or have them name "
                  "post_setters with `itaku contract amend`"),
        me, mine, who, was, s->source, x);
}

/* The paths of party's key records of principal in tree (every one, retired
 * and compromised keys included: key records are never removed, V4), into
 * paths[0..*n) (at most max). */
static int principal_key_paths(char (*paths)[200], size_t *n, size_t max, git_repository *repo,
                               const git_tree *tree, const char *party, const char *principal)
{
    int more = 0;
    char dir[96];
    git_tree_entry *e = NULL;
    git_tree *keys = NULL;
    *n = 0;
    snprintf(dir, sizeof(dir), "parties/%s/keys", party);
    if (git_tree_entry_bypath(&e, tree, dir) == 0 && git_tree_entry_type(e) == GIT_OBJECT_TREE)
        git_tree_lookup(&keys, repo, git_tree_entry_id(e));
    for (size_t i = 0; keys && !more && i < git_tree_entrycount(keys); i++) {
        json_t *rec = NULL;
        char path[200];
        snprintf(path, sizeof(path), "%s/%s", dir,
                 git_tree_entry_name(git_tree_entry_byindex(keys, i)));
        if (itk_tree_read_json(&rec, repo, tree, path) == 0) {
            const char *who =
                json_string_value(json_object_get(json_object_get(rec, "body"), "principal"));
            if (who && strcmp(who, principal) == 0 && !(more = *n == max))
                memcpy(paths[(*n)++], path, sizeof(path));
        }
        json_decref(rec);
    }
    git_error_clear();
    itk_error_clear();
    git_tree_entry_free(e);
    git_tree_free(keys);
    return more;
}

/* The value of trailer key in message, into out ("" when none). */
static void trailer_of(char *out, size_t size, const char *message, const char *key)
{
    git_message_trailer_array arr;
    out[0] = 0;
    if (git_message_trailers(&arr, message) < 0) {
        git_error_clear();
        return;
    }
    for (size_t i = 0; i < arr.count; i++)
        if (strcmp(arr.trailers[i].key, key) == 0)
            snprintf(out, size, "%s", arr.trailers[i].value);
    git_message_trailer_array_free(&arr);
}

/* Does tree hold path? */
static int holds(const git_tree *tree, const char *path)
{
    git_tree_entry *e = NULL;
    int found = git_tree_entry_bypath(&e, tree, path) == 0;
    git_tree_entry_free(e);
    git_error_clear();
    return found;
}

/* The most key records of one principal looked at when a post is given. */
#define ITK_POST_KEYS_MAX 64

/* A post is given to principal of party (DESIGN V12): every key record of
 * principal in before (the tree of from) must have been added at the
 * genesis, while a decision rule was in force (then by a setter, or by the
 * principal itself, itk_key_setting_check), or by the genesis officer; a
 * key another officer added before the rules were in force may be theirs,
 * and would seal with the post. Walks the history from from once. 0;
 * ITK_EAUTH naming the key, the commit and what to do; ITK_EGIT. */
static int post_keys_check(git_repository *repo, const git_tree *before, const git_oid *from,
                           const char *party, const char *principal, const char *post)
{
    size_t n = 0;
    char genesis[65] = "", who[130];
    char(*paths)[200] = itk_calloc(ITK_POST_KEYS_MAX, sizeof(*paths));
    if (!paths)
        return ITK_ENOMEM;
    int rc = 0;
    if (principal_key_paths(paths, &n, ITK_POST_KEYS_MAX, repo, before, party, principal))
        rc = itk_error_set(ITK_EAUTH,
                           "%s has more than %d key records, too many to check who added them; "
                           "give the officer a principal of their own, added by a setter",
                           principal, ITK_POST_KEYS_MAX);
    if (rc || !n || !from) {
        free(paths);
        return rc;
    }
    rc = itk_genesis_principal(genesis, sizeof(genesis), repo, from);
    git_revwalk *w = NULL;
    if (!rc && (git_revwalk_new(&w, repo) < 0 || git_revwalk_push(w, from) < 0))
        rc = itk_error_git("cannot walk the history to see who added the keys of %s", principal);
    git_oid id;
    while (!rc && git_revwalk_next(&id, w) == 0) {
        git_commit *c = NULL, *p0 = NULL;
        git_tree *t = NULL, *pt = NULL;
        if (git_commit_lookup(&c, repo, &id) < 0 || git_commit_tree(&t, c) < 0) {
            rc = itk_error_git("cannot read commit %s", git_oid_tostr_s(&id));
            goto next;
        }
        unsigned np = git_commit_parentcount(c);
        for (size_t i = 0; !rc && np > 0 && i < n; i++) {
            if (!holds(t, paths[i]))
                continue;
            int in_parent = 0;
            for (unsigned k = 0; !in_parent && k < np; k++) {
                git_commit *pk = NULL;
                git_tree *tk = NULL;
                if (git_commit_parent(&pk, c, k) == 0 && git_commit_tree(&tk, pk) == 0)
                    in_parent = holds(tk, paths[i]);
                git_tree_free(tk);
                git_commit_free(pk);
            }
            if (in_parent)
                continue;
            /* c added the key record: under a rule in force, by a setter */
            itk_post_setters s0;
            if (!p0 && (git_commit_parent(&p0, c, 0) < 0 || git_commit_tree(&pt, p0) < 0)) {
                rc = itk_error_git("cannot read the parent of commit %s", git_oid_tostr_s(&id));
                break;
            }
            itk_post_setters_at(&s0, repo, pt, NULL);
            trailer_of(who, sizeof(who), git_commit_message(c), ITK_TRAILER_PRINCIPAL);
            if (s0.in_force || (genesis[0] && strcmp(who, genesis) == 0))
                continue;
            rc = itk_error_set(
                ITK_EAUTH,
                "%s may not be given the post %s: its key record %s was added by %s in commit "
                "%.12s, before the decision rules (決裁) were in force and not by the officer "
                "who opened the registry, so the key may be another officer's; give the officer "
                "a principal of their own, added by a setter (itaku key add FILE --principal "
                "NEW --post %s)",
                principal, post, paths[i], who[0] ? who : "?", git_oid_tostr_s(&id), post);
        }
    next:
        git_tree_free(pt);
        git_commit_free(p0);
        git_tree_free(t);
        git_commit_free(c);
    }
    git_revwalk_free(w);
    git_error_clear();
    free(paths);
    return rc;
}

int itk_key_setting_check(git_repository *repo, const git_tree *before, const git_oid *from,
                          const char *party, const char *signer, itk_setting_kind kind,
                          const char *principal, const char *post)
{
    return itk_key_setting_counted(repo, before, NULL, from, party, signer, kind, principal, post);
}

int itk_key_setting_counted(git_repository *repo, const git_tree *before, const itk_void_writes *vw,
                            const git_oid *from, const char *party, const char *signer,
                            itk_setting_kind kind, const char *principal, const char *post)
{
    itk_post_setters s;
    itk_buf was = ITK_BUF_INIT, mine = ITK_BUF_INIT;
    int rc = itk_post_setters_counted(&s, repo, before, vw, NULL);
    if (rc || !s.in_force || !party || strcmp(party, s.city) != 0 || !principal)
        return rc;
    if ((rc = itk_principal_attr_counted(&was, repo, before, vw, party, principal, "post")))
        goto done;
    /* a key under another officer, even one with no post yet (a new
     * principal), is a setter's to add: else a 担当 could register a key of
     * their own under a new name that a setter later gives a post */
    int other = kind == ITK_SETTING_KEY_RECORD && (!signer || strcmp(signer, principal) != 0);
    if (!post && !was.size && !other)
        goto done;
    if (!s.nsetters && from &&
        (rc = itk_genesis_principal(s.genesis, sizeof(s.genesis), repo, from)))
        goto done;
    if ((rc = itk_principal_attr_counted(&mine, repo, before, vw, party, signer ? signer : "",
                                         "post")))
        goto done;
    if (other && !post && !was.size && !is_setter(&s, signer, mine.size ? mine.ptr : NULL)) {
        char list[ITK_KESSAI_MAX_POSTS * (ITK_KESSAI_POST_BYTES + 2)];
        setters_text(list, sizeof(list), &s);
        rc = itk_error_set(
            ITK_EAUTH,
            s.nsetters
                ? ITK_N_("%s (post %s) may not add a key of %s, another officer: under the "
                         "decision rules (決裁) in force (%s), only an officer whose post is one "
                         "of: %s (post_setters) adds a key of another officer, so that a post "
                         "given later goes to that officer's own keys; ask one of them to add "
                         "it (itaku key add FILE --principal %s)")
                : ITK_N_("%s (post %s) may not add a key of %s, another officer: under the "
                         "decision rules (決裁) in force (%s) with no post_setters, only the "
                         "officer who opened the registry (%s) adds a key of another officer, "
                         "so that a post given later goes to that officer's own keys; ask them "
                         "to add it (itaku key add FILE --principal %s)"),
            signer ? signer : "?", mine.size ? mine.ptr : "-", principal, s.source,
            s.nsetters     ? list
            : s.genesis[0] ? s.genesis
                           : "?",
            principal);
        goto done;
    }
    rc = itk_post_set_allowed(&s, signer, mine.size ? mine.ptr : NULL, principal, post,
                              was.size ? was.ptr : NULL);
    if (!rc && post)
        rc = post_keys_check(repo, before, from, party, principal, post);
done:
    itk_buf_dispose(&was);
    itk_buf_dispose(&mine);
    return rc;
}

int itk_post_settings_change_check(git_repository *repo, const git_tree *before,
                                   const git_oid *from, const char *party, const char *signer)
{
    return itk_post_settings_change_counted(repo, before, NULL, from, party, signer);
}

/* Whether signer must be a setter and is not (*refused), under the decision
 * rules in force at before for party (the city): fills s and signer's post
 * (mine, the caller's to dispose). 0 or an error of the readers. */
static int setter_gate(int *refused, itk_post_setters *s, itk_buf *mine, git_repository *repo,
                       const git_tree *before, const itk_void_writes *vw, const git_oid *from,
                       const char *party, const char *signer)
{
    int rc = itk_post_setters_counted(s, repo, before, vw, from);
    if (rc || !s->in_force || !party || strcmp(party, s->city) != 0)
        return rc;
    if ((rc = itk_principal_attr_counted(mine, repo, before, vw, party, signer ? signer : "",
                                         "post")))
        return rc;
    *refused = !is_setter(s, signer, mine->size ? mine->ptr : NULL);
    return 0;
}

int itk_post_settings_change_counted(git_repository *repo, const git_tree *before,
                                     const itk_void_writes *vw, const git_oid *from,
                                     const char *party, const char *signer)
{
    itk_post_setters s;
    itk_buf mine = ITK_BUF_INIT;
    int refused = 0, rc = setter_gate(&refused, &s, &mine, repo, before, vw, from, party, signer);
    if (!rc && refused) {
        char list[ITK_KESSAI_MAX_POSTS * (ITK_KESSAI_POST_BYTES + 2)];
        setters_text(list, sizeof(list), &s);
        rc = itk_error_set(
            ITK_EAUTH,
            s.nsetters
                ? ITK_N_("%s (post %s) may not change decision_rules or post_setters: under the "
                         "decision rules (決裁) in force (%s), who may seal is set by another "
                         "officer whose post is one of: %s (post_setters); ask one of them")
                : ITK_N_("%s (post %s) may not change decision_rules or post_setters: under the "
                         "decision rules (決裁) in force (%s) with no post_setters, who may seal "
                         "is set by the officer who opened the registry (%s) alone; ask them, or "
                         "have them name post_setters with `itaku contract amend`"),
            signer ? signer : "?", mine.size ? mine.ptr : "-", s.source,
            s.nsetters     ? list
            : s.genesis[0] ? s.genesis
                           : "?");
    }
    itk_buf_dispose(&mine);
    return rc;
}

int itk_compromise_report_counted(git_repository *repo, const git_tree *before,
                                  const itk_void_writes *vw, const git_oid *from, const char *party,
                                  const char *signer, const char *key, const char *owner)
{
    itk_post_setters s;
    itk_buf mine = ITK_BUF_INIT;
    int refused = 0, rc = setter_gate(&refused, &s, &mine, repo, before, vw, from, party, signer);
    if (!rc && refused) {
        char list[ITK_KESSAI_MAX_POSTS * (ITK_KESSAI_POST_BYTES + 2)];
        setters_text(list, sizeof(list), &s);
        rc = itk_error_set(
            ITK_EAUTH,
            s.nsetters
                ? ITK_N_("%s (post %s) may not report key %s of %s compromised: under the "
                         "decision rules (決裁) in force (%s), a city key is reported compromised "
                         "only by the key itself or by an officer whose post is one of: %s "
                         "(post_setters); ask one of them to report it (itaku key compromised "
                         "%s --last-good COMMIT)")
                : ITK_N_("%s (post %s) may not report key %s of %s compromised: under the "
                         "decision rules (決裁) in force (%s) with no post_setters, a city key is "
                         "reported compromised only by the key itself or by the officer who "
                         "opened the registry (%s); ask them to report it (itaku key compromised "
                         "%s --last-good COMMIT)"),
            signer ? signer : "?", mine.size ? mine.ptr : "-", key ? key : "?", owner ? owner : "?",
            s.source,
            s.nsetters     ? list
            : s.genesis[0] ? s.genesis
                           : "?",
            key ? key : "?");
    }
    itk_buf_dispose(&mine);
    return rc;
}
