/* V12, who may set a post (itaku/delegation.h): once the contract settings
 * hold a decision rule, a key record or "attributes" key event of the city
 * that gives an officer a post other than the one in force before the
 * commit is refused when signed by that officer, or, with "post_setters" in
 * force, by an officer whose post (read from the commit's first parent) is
 * not among them. The genesis's posts are the bootstrap. Without this, V12
 * could not tell a 課長 from anyone who names themselves one. While
 * post_setters names posts, the settings that say who decides
 * (decision_rules, post_setters) are changed only by their holders too. */
#include "itaku/delegation.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/query.h"
#include "policy_priv.h"

#include <string.h>

static const char *body_string(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(json_object_get(rec, "body"), key));
}

/* The post that f (a key record, or a key event of event "attributes")
 * gives, or NULL. */
static const char *post_given(const added_file *f)
{
    if (f->info.kind != ITK_PATH_KEY &&
        !(f->info.kind == ITK_PATH_RECORD && f->info.type &&
          strcmp(f->info.type->type, "key-event") == 0 && body_string(f->rec, "event") &&
          strcmp(body_string(f->rec, "event"), "attributes") == 0))
        return NULL;
    const json_t *attrs = json_object_get(json_object_get(f->rec, "body"), "attributes");
    return json_string_value(json_object_get(attrs, "post"));
}

/* Does f change who decides: a contract amendment naming decision_rules or
 * post_setters, or itaku.json with either other than in before? */
static int changes_who_decides(check *ck, const added_file *f, const git_tree *before)
{
    static const char *const fields[] = {"decision_rules", "post_setters"};
    if (f->info.kind == ITK_PATH_RECORD && f->info.type &&
        strcmp(f->info.type->type, "contract-amendment") == 0) {
        const json_t *body = json_object_get(f->rec, "body");
        return json_object_get(body, fields[0]) || json_object_get(body, fields[1]);
    }
    if (f->info.kind != ITK_PATH_CONTRACT)
        return 0;
    json_t *now = NULL, *was = NULL;
    int changed = 0;
    if (itk_tree_read_json(&now, ck->p->repo, ck->tree, "itaku.json") ||
        itk_tree_read_json(&was, ck->p->repo, before, "itaku.json"))
        changed = 1; /* unreadable: V10's to name; no change of rules slips by */
    for (size_t i = 0; !changed && i < 2; i++) {
        const json_t *a = json_object_get(now, fields[i]), *b = json_object_get(was, fields[i]);
        changed = (a || b) && !(a && b && json_equal((json_t *)a, (json_t *)b));
    }
    itk_error_clear();
    json_decref(now);
    json_decref(was);
    return changed;
}

int itk_policy_check_posts(check *ck)
{
    if (!ck->is_city || ck->info->nparents == 0 || !ck->nkey_trees)
        return 0; /* the genesis's posts are the bootstrap */
    for (size_t i = 0; i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
        if (!f->refused && changes_who_decides(ck, f, ck->key_trees[0])) {
            int rc = itk_post_settings_change_check(ck->p->repo, ck->key_trees[0], ck->info->party,
                                                    ck->info->principal);
            if (rc == ITK_EAUTH) {
                rc = PROBLEM(ck, "V12", f->path, "%s", itk_error_last());
                itk_error_clear();
            }
            if (rc)
                return rc;
            continue;
        }
        if (!f->rec || f->refused || strcmp(f->info.party, ck->info->party) != 0)
            continue;
        const char *post = post_given(f), *principal = body_string(f->rec, "principal");
        if (!post || !principal)
            continue;
        int rc = itk_post_setting_check(ck->p->repo, ck->key_trees[0], ck->info->party,
                                        ck->info->principal, principal, post);
        if (rc == ITK_EAUTH) {
            rc = PROBLEM(ck, "V12", f->path, "%s", itk_error_last());
            itk_error_clear();
        }
        if (rc)
            return rc;
    }
    return 0;
}
