/* V12 決裁, what the seals were given on (DESIGN V12):
 *  - a decision taken under a rule carries the terms of its draft, the
 *    ones its seals were given on: the same outcome, request, conditions,
 *    last day, number of uses and every other field the draft proposes; its
 *    reason is the draft's, else one its seals of that outcome gave. A
 *    draft's sealing posts may reject or return it instead (that grants
 *    nothing): the decision then carries no approval's terms. An approval
 *    is taken only on a draft that proposes one.
 *  - a 代決 seal listed by a decision, for a post whose holder sealed the
 *    draft himself (whatever he sealed), is named as not counting
 *    (itk_kessai_met does not count it).
 *  - a draft's, a seal's or such a decision's reason and conditions hold
 *    visible text (itk_text_visible), whatever schema version the record
 *    names: the v1 schemas of drafts and seals take "  " or "　".
 *  - the decision rules and post_setters a commit writes (itaku.json, a
 *    contract amendment) are lists every reader takes: a list that
 *    itk_kessai_rules_check or itk_post_setters_check refuses would be read
 *    as no list at all (one city key decides again).
 * Applied to what a commit adds, beside policy_kessai.c. */
#include "itaku/delegation.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/kessai_draft.h"
#include "itaku/query.h"
#include "itaku/textsafe.h"
#include "policy_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields of a decision that are not terms the seals were given on. */
static const char *const not_terms[] = {"drafter", "post", "draft", "seals", "reason", NULL};

/* The fields a decision that rejects or returns another outcome's draft
 * may carry. */
static const char *const decline_fields[] = {"request", "request_sha256", "outcome", "reason",
                                             "draft",   "seals",          NULL};

static int listed(const char *const *list, const char *key)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], key) == 0)
            return 1;
    return 0;
}

static const char *body_str(const json_t *body, const char *key)
{
    return json_string_value(json_object_get(body, key));
}

/* v shown in a message: a string quoted and cut, a number, "none". */
static void shown(char *out, size_t cap, const json_t *v)
{
    if (!v)
        snprintf(out, cap, "none");
    else if (json_is_string(v))
        snprintf(out, cap, "\"%.60s%s\"", json_string_value(v),
                 json_string_length(v) > 60 ? "…" : "");
    else if (json_is_integer(v))
        snprintf(out, cap, "%lld", (long long)json_integer_value(v));
    else
        snprintf(out, cap, "a %s", json_is_array(v) ? "list" : "value");
}

/* The body of the draft record of request name that commit hex added for
 * city (itk_kessai_draft_added: after a redraft, the redraft's own record,
 * never the earlier draft its merge carries); NULL when there is none (V12
 * says so in policy_kessai.c). */
static json_t *draft_body(itk_policy *p, const char *city, const char *hex, const char *name)
{
    git_oid id;
    git_commit *c = NULL;
    json_t *rec = NULL, *found = NULL;
    if (hex && strlen(hex) == GIT_OID_HEXSZ && git_oid_fromstr(&id, hex) == 0 &&
        git_commit_lookup(&c, p->repo, &id) == 0 &&
        itk_kessai_draft_added(&rec, p->repo, c, city, name) == 0 && rec)
        found = json_incref(json_object_get(rec, "body"));
    json_decref(rec);
    itk_error_clear();
    git_error_clear();
    git_commit_free(c);
    return found;
}

/* The seals of city naming draft hex on the decision branch (tree: its
 * tip's), as a JSON array of their records ([] when none). */
static json_t *seals_on(itk_policy *p, const git_tree *tree, const char *city, const char *hex)
{
    char **paths = NULL;
    size_t n = 0;
    json_t *out = json_array();
    if (!out || !tree || itk_tree_records(&paths, &n, p->repo, tree, city, "seal"))
        goto done;
    for (size_t i = 0; i < n; i++) {
        json_t *rec = NULL;
        if (itk_tree_read_json(&rec, p->repo, tree, paths[i]) == 0 &&
            body_str(json_object_get(rec, "body"), "draft") &&
            strcmp(body_str(json_object_get(rec, "body"), "draft"), hex) == 0)
            json_array_append(out, rec);
        json_decref(rec);
    }
done:
    itk_string_list_free(paths, n);
    itk_error_clear();
    return out;
}

/* Is the decision's reason (NULL: none) the draft's, or else one that a
 * seal of outcome gave? */
static int reason_given(const json_t *reason, const json_t *draft, int same, const json_t *seals,
                        const char *outcome)
{
    const json_t *drafted = json_object_get(draft, "reason");
    if (same && drafted)
        return reason && json_equal((json_t *)reason, (json_t *)drafted);
    if (!reason)
        return 1;
    size_t i;
    const json_t *s;
    json_array_foreach(seals, i, s)
    {
        const json_t *b = json_object_get(s, "body");
        const char *v = body_str(b, "verdict");
        if (v && strcmp(v, outcome) == 0 &&
            json_equal((json_t *)reason, json_object_get(b, "reason")))
            return 1;
    }
    return 0;
}

/* A 代決 seal the decision lists, for a post a holder sealed the draft
 * with himself: named as not counting. */
static int deputy_beside_holder(check *ck, const added_file *f, const json_t *seals,
                                const char *hex)
{
    const json_t *ids = json_object_get(json_object_get(f->rec, "body"), "seals");
    size_t i, j, k;
    const json_t *s, *h, *id;
    json_array_foreach(seals, i, s)
    {
        const json_t *b = json_object_get(s, "body");
        const char *sid = body_str(s, "id"), *af = body_str(b, "acting_for");
        int is_listed = 0;
        json_array_foreach(ids, k, id) is_listed |=
            sid && json_is_string(id) && strcmp(json_string_value(id), sid) == 0;
        if (!af || !is_listed)
            continue;
        json_array_foreach(seals, j, h)
        {
            const json_t *hb = json_object_get(h, "body");
            const char *post = body_str(hb, "post");
            if (body_str(hb, "acting_for") || !post || strcmp(post, af) != 0)
                continue;
            const char *hid = body_str(h, "id"), *who = body_str(hb, "principal");
            const char *verdict = body_str(hb, "verdict");
            return PROBLEM(ck, "V12", f->path,
                           "lists seal %s by %s for %s (代決), which does not count: %s, a %s, "
                           "sealed draft %.12s himself (%s, %s); a 代決 stands in only for an "
                           "absent holder",
                           sid, body_str(b, "principal") ? body_str(b, "principal") : "?", af,
                           who ? who : "?", af, hex, hid ? hid : "?", verdict ? verdict : "?");
        }
    }
    return 0;
}

static int check_decision_terms(check *ck, const added_file *f)
{
    const json_t *body = json_object_get(f->rec, "body");
    const char *name = body_str(body, "request"), *outcome = body_str(body, "outcome");
    const char *hex = body_str(body, "draft");
    json_t *draft = NULL, *seals = NULL;
    git_commit *tip = NULL;
    git_tree *tip_tree = NULL;
    char a[96], b[96];
    int rc = 0;
    if (!hex || !name || !outcome || !ck->is_city ||
        !(draft = draft_body(ck->p, ck->info->party, hex, name)))
        return 0; /* policy_kessai.c's to say */
    if (ck->info->nparents == 2 &&
        (git_commit_lookup(&tip, ck->p->repo, git_commit_parent_id(ck->commit, 1)) < 0 ||
         git_commit_tree(&tip_tree, tip) < 0)) {
        rc = itk_error_git("cannot read the decision branch merged by %s", f->path);
        goto done;
    }
    if (!(seals = seals_on(ck->p, tip_tree, ck->info->party, hex))) {
        rc = ITK_ENOMEM;
        goto done;
    }
    const char *drafted = body_str(draft, "outcome");
    int same = drafted && strcmp(drafted, outcome) == 0;
    const char *key;
    json_t *v;
    if (!same && strcmp(outcome, "approved") == 0) {
        rc = PROBLEM(ck, "V12", f->path,
                     "the decision approves %s, but its draft %.12s proposes that it be %s: an "
                     "approval is taken only on a draft that proposes one, on the terms its "
                     "seals were given on",
                     name, hex, drafted ? drafted : "?");
        goto done;
    }
    json_object_foreach((json_t *)body, key, v)
    {
        if (same ? listed(not_terms, key) : listed(decline_fields, key))
            continue;
        shown(a, sizeof(a), v);
        shown(b, sizeof(b), json_object_get(draft, key));
        if (!same) {
            rc = PROBLEM(ck, "V12", f->path,
                         "the decision on %s (%s) carries \"%s\" (%s), but its draft %.12s "
                         "proposes that it be %s: a decision that rejects or returns its draft "
                         "carries no approval's terms",
                         name, outcome, key, a, hex, drafted ? drafted : "?");
            goto done;
        }
        if (!json_equal(v, json_object_get(draft, key))) {
            rc = PROBLEM(ck, "V12", f->path,
                         "the decision on %s carries \"%s\" %s, but its draft %.12s, which the "
                         "seals were given on, has %s: a decision carries its draft's terms",
                         name, key, a, hex, b);
            goto done;
        }
    }
    json_object_foreach(draft, key, v)
    {
        if (!same || listed(not_terms, key) || json_object_get(body, key))
            continue;
        shown(b, sizeof(b), v);
        rc = PROBLEM(ck, "V12", f->path,
                     "the decision on %s leaves out \"%s\", but its draft %.12s, which the seals "
                     "were given on, has %s: a decision carries its draft's terms",
                     name, key, hex, b);
        goto done;
    }
    if (!reason_given(json_object_get(body, "reason"), draft, same, seals, outcome)) {
        shown(a, sizeof(a), json_object_get(body, "reason"));
        shown(b, sizeof(b), json_object_get(draft, "reason"));
        rc = PROBLEM(ck, "V12", f->path,
                     "the decision on %s gives the reason %s, which is neither its draft "
                     "%.12s's (%s) nor the reason of a seal on it that says %s",
                     name, a, hex, b, outcome);
        goto done;
    }
    rc = deputy_beside_holder(ck, f, seals, hex);
done:
    json_decref(draft);
    json_decref(seals);
    git_tree_free(tip_tree);
    git_commit_free(tip);
    return rc;
}

/* The reason and conditions of a draft, a seal or a decision taken under a
 * rule (one naming its draft) hold visible text: a 代決's reason or a
 * rejection's that is only spaces says nothing. Decisions of one city key
 * (no draft) keep the verdicts they had. */
static int check_visible(check *ck, const added_file *f, const char *type)
{
    const json_t *body = json_object_get(f->rec, "body");
    if (strcmp(type, "decision") == 0 && !json_object_get(body, "draft"))
        return 0;
    /* one sentence each, so that a Japanese screen names the field by the
     * form's word (理由, 条件) rather than the record's English key */
    int draft = strcmp(type, "draft") == 0, seal = strcmp(type, "seal") == 0;
    const json_t *v = json_object_get(body, "reason");
    if (v && !itk_text_visible(json_string_value(v)))
        return draft  ? PROBLEM(ck, "V12", f->path,
                                "the draft's reason holds no visible text (only spaces or "
                                 "control characters); it is written in words")
               : seal ? PROBLEM(ck, "V12", f->path,
                                "the seal's reason holds no visible text (only spaces or "
                                "control characters); it is written in words")
                      : PROBLEM(ck, "V12", f->path,
                                "the decision's reason holds no visible text (only spaces or "
                                "control characters); it is written in words");
    v = json_object_get(body, "conditions");
    if (v && !itk_text_visible(json_string_value(v)))
        return draft  ? PROBLEM(ck, "V12", f->path,
                                "the draft's conditions hold no visible text (only spaces or "
                                 "control characters); they are written in words")
               : seal ? PROBLEM(ck, "V12", f->path,
                                "the seal's conditions hold no visible text (only spaces or "
                                "control characters); they are written in words")
                      : PROBLEM(ck, "V12", f->path,
                                "the decision's conditions hold no visible text (only spaces "
                                "or control characters); they are written in words");
    return 0;
}

/* The decision rules and post_setters in settings (itaku.json's object or
 * an amendment's body), when they differ from before's (NULL: all):
 * refused unless every reader takes them (what names the file). */
static int check_lists(check *ck, const char *path, const char *what, const json_t *settings,
                       const json_t *before)
{
    static const char *const fields[] = {"decision_rules", "post_setters"};
    for (size_t i = 0; i < 2; i++) {
        const json_t *v = json_object_get(settings, fields[i]);
        const json_t *was = before ? json_object_get(before, fields[i]) : NULL;
        if (!v || (was && json_equal((json_t *)v, (json_t *)was)))
            continue;
        int rc = i == 0 ? itk_kessai_rules_check(v) : itk_post_setters_check(v);
        if (rc == ITK_ENOMEM)
            return rc;
        if (rc) {
            rc = PROBLEM(ck, "V12", path,
                         "%s sets \"%s\" that no reader takes (%s): it would count as no list "
                         "at all, and one city key would decide; fix the list and write it again",
                         what, fields[i], itk_error_last());
            itk_error_clear();
            return rc ? rc : 1;
        }
    }
    return 0;
}

int itk_policy_check_terms(check *ck)
{
    for (size_t i = 0; i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
        int rc = 0;
        if (f->refused)
            continue;
        if (f->info.kind == ITK_PATH_CONTRACT) {
            json_t *now = NULL, *was = NULL;
            if (itk_tree_read_json(&now, ck->p->repo, ck->tree, "itaku.json") == 0) {
                if (ck->nkey_trees &&
                    itk_tree_read_json(&was, ck->p->repo, ck->key_trees[0], "itaku.json"))
                    was = NULL;
                rc = check_lists(ck, f->path, "itaku.json", now, was);
            }
            itk_error_clear();
            json_decref(now);
            json_decref(was);
        } else if (f->rec && f->info.kind == ITK_PATH_RECORD && f->info.type) {
            const char *type = f->info.type->type;
            if (strcmp(type, "contract-amendment") == 0) {
                char what[300];
                snprintf(what, sizeof(what), "the contract amendment %s", f->path);
                rc = check_lists(ck, f->path, what, json_object_get(f->rec, "body"), NULL);
            } else if (strcmp(type, "draft") == 0 || strcmp(type, "seal") == 0) {
                rc = check_visible(ck, f, type);
            } else if (strcmp(type, "decision") == 0) {
                if (!(rc = check_visible(ck, f, type)))
                    rc = check_decision_terms(ck, f);
            }
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}
