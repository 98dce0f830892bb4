/* V12, who may set a post (itaku/delegation.h): once the contract settings
 * hold a decision rule, a key record or "attributes" key event of the city
 * that gives an officer a post other than the one in force before the
 * commit is refused when signed by that officer, or, with "post_setters" in
 * force, by an officer whose post (read from the commit's first parent) is
 * not among them. The genesis's posts are the bootstrap. Without this, V12
 * could not tell a 課長 from anyone who names themselves one. */
#include "itaku/delegation.h"
#include "itaku/errors.h"
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

int itk_policy_check_posts(check *ck)
{
    if (!ck->is_city || ck->info->nparents == 0 || !ck->nkey_trees)
        return 0; /* the genesis's posts are the bootstrap */
    for (size_t i = 0; i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
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
