/* V12, who may set who seals (itaku/delegation.h): once the contract
 * settings hold a decision rule, a key record or key event of the city that
 * gives a post, or concerns an officer holding one (a key added under a
 * 課長, an event about them, even one that changes nothing), or a key added
 * under another officer (a new principal included), and any change of
 * decision_rules or post_setters, is made only by a setter (a holder of
 * post_setters, else the genesis officer) and never about the setter's
 * own principal; the post of each is read from the commit's first parent.
 * A post goes only to a principal whose every key record was added so (or
 * in the genesis, or by the genesis officer before the rules): a key
 * another officer added under a new name before the rules came in by an
 * amendment would otherwise seal once a setter gave that name a post.
 * The genesis's posts are the bootstrap. Without this, V12 could not tell
 * a 課長 from anyone who names themselves one or registers a key under
 * one. */
#include "itaku/delegation.h"
#include "itaku/chain.h"
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
    const json_t *attrs = json_object_get(json_object_get(f->rec, "body"), "attributes");
    return json_string_value(json_object_get(attrs, "post"));
}

/* Whether f is a key record or key event of the city that may be a setting
 * of who seals (itk_key_setting_check), and about whom: *kind and *principal
 * (borrowed from f, or copied into buf). 0 when it is neither. */
static int setting_subject(check *ck, const added_file *f, itk_setting_kind *kind,
                           const char **principal, char *buf, size_t size)
{
    *principal = body_string(f->rec, "principal");
    if (f->info.kind == ITK_PATH_KEY) {
        *kind = ITK_SETTING_KEY_RECORD;
        return *principal != NULL;
    }
    const char *event = body_string(f->rec, "event");
    if (f->info.kind != ITK_PATH_RECORD || !f->info.type ||
        strcmp(f->info.type->type, "key-event") != 0 || !event || strcmp(event, "compromise") == 0)
        return 0; /* a compromise only takes power away (V9) */
    *kind = ITK_SETTING_KEY_EVENT;
    if (*principal && strcmp(event, "attributes") == 0)
        return 1;
    itk_key_status st;
    const char *key = body_string(f->rec, "key");
    if (!key || itk_key_status_get(&st, ck->p->repo, ck->key_trees[0], key) ||
        strcmp(st.party, ck->info->party) != 0) {
        itk_error_clear();
        return 0; /* a key new here (recovery: its key record is checked) or not the city's */
    }
    snprintf(buf, size, "%s", st.principal);
    *principal = buf;
    return 1;
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

/* The void commits (V9) seen from the first parent, read once and only
 * when a file needs them: reading them walks the history since the
 * compromise, which every city commit must not pay (issue 18). */
typedef struct {
    itk_void_writes vw;
    int read;
} lazy_voids;

static int voids_now(const itk_void_writes **out, lazy_voids *l, check *ck)
{
    int rc = 0;
    if (!l->read && !(rc = itk_policy_void_writes(&l->vw, ck->p, ck->key_trees[0],
                                                  git_commit_parent_id(ck->commit, 0))))
        l->read = 1;
    *out = &l->vw;
    return rc;
}

int itk_policy_check_posts(check *ck)
{
    if (!ck->is_city || ck->info->nparents == 0 || !ck->nkey_trees)
        return 0; /* the genesis's posts are the bootstrap */
    /* a post or a setting written with a stolen key does not make its
     * holder a setter once the first parent records the theft */
    lazy_voids l = {{NULL, 0, NULL, NULL, 0}, 0};
    const itk_void_writes *vw = NULL;
    const git_oid *first = git_commit_parent_id(ck->commit, 0);
    int rc = 0;
    for (size_t i = 0; !rc && i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
        itk_setting_kind kind;
        const char *principal;
        char buf[128];
        if (!f->refused && changes_who_decides(ck, f, ck->key_trees[0])) {
            if (!(rc = voids_now(&vw, &l, ck)))
                rc = itk_post_settings_change_counted(ck->p->repo, ck->key_trees[0], vw, first,
                                                      ck->info->party, ck->info->principal);
        } else if (f->rec && !f->refused && strcmp(f->info.party, ck->info->party) == 0 &&
                   setting_subject(ck, f, &kind, &principal, buf, sizeof(buf))) {
            if (!(rc = voids_now(&vw, &l, ck)))
                rc = itk_key_setting_counted(ck->p->repo, ck->key_trees[0], vw, first,
                                             ck->info->party, ck->info->principal, kind, principal,
                                             post_given(f));
        }
        if (rc == ITK_EAUTH) {
            rc = PROBLEM(ck, "V12", f->path, "%s", itk_error_last());
            itk_error_clear();
        }
    }
    itk_void_writes_dispose(&l.vw);
    return rc;
}
