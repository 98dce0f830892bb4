/* Key events written by a party: each a record under its own key-events/
 * (and, for new keys, keys/), checked by policy_chain.c when verified. */
#include "itaku/write_lock.h"
#include "itaku/keyops.h"
#include "itaku/chain.h"
#include "itaku/delegation.h"
#include "itaku/errors.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/people.h"
#include "registry_priv.h"
#include "itaku/commit.h"
#include "itaku/init.h"
#include "commit_priv.h"
#include "party_priv.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    itk_identity me;
    char created[32];
    git_tree *tree;
    char fpr[64]; /* the signing key */
    git_oid head; /* HEAD's commit (zero before the first commit) */
} key_ctx;

/* Who may set who seals (DESIGN V12, itaku/delegation.h): a key record or
 * key event about principal of party, giving post, refused here before
 * anything is written, as verify would refuse it. */
static int setting_check(key_ctx *k, itk_registry *reg, itk_setting_kind kind, const char *party,
                         const char *principal, const char *post)
{
    static const git_oid zero;
    return itk_key_setting_check(itk_registry_repo(reg), k->tree,
                                 git_oid_equal(&k->head, &zero) ? NULL : &k->head, party,
                                 k->me.principal, kind, principal, post);
}

static int open_ctx(key_ctx *k, itk_registry *reg, itk_signer *signer)
{
    itk_buf fpr = ITK_BUF_INIT;
    memset(k, 0, sizeof(*k));
    /* every key event writes: one writer at a time, before HEAD is read */
    int rc = itk_registry_write_begin(reg);
    if (!rc)
        rc = itk_registry_head_tree(&k->tree, reg);
    if (!rc && git_reference_name_to_id(&k->head, itk_registry_repo(reg), "HEAD") < 0)
        git_error_clear();
    if (!rc && !(rc = itk_registry_identify(&k->me, reg, k->tree, signer)) &&
        !(rc = itk_registry_now(k->created, reg)) &&
        !(rc = itk_pubkey_fingerprint(&fpr, itk_signer_public(signer))))
        snprintf(k->fpr, sizeof(k->fpr), "%s", fpr.ptr);
    itk_buf_dispose(&fpr);
    return rc;
}

static int add_key_file(itk_change *c, key_ctx *k, const char *party, const itk_pubkey *key,
                        const char *principal, const char *name, const char *post,
                        itk_registry *reg)
{
    itk_buf path = ITK_BUF_INIT, data = ITK_BUF_INIT, fpr = ITK_BUF_INIT;
    itk_identity other;
    char schema[64];
    int rc = itk_form_schema(NULL, schema, reg, "key");
    if (!rc)
        rc = itk_pubkey_fingerprint(&fpr, key);
    if (!rc && itk_identity_find(&other, itk_registry_repo(reg), k->tree, fpr.ptr) == 0)
        rc = itk_error_set(ITK_EEXISTS,
                           "key %s already belongs to %s/%s; a key belongs to one "
                           "party for ever",
                           fpr.ptr, other.party, other.principal);
    else if (!rc) {
        itk_error_clear();
        if (!(rc = itk_key_record_attrs(&path, &data, schema, party, key, principal, name, post,
                                        k->me.party, k->created)))
            rc = itk_change_add(c, path.ptr, data.ptr, data.size);
    }
    itk_buf_dispose(&path);
    itk_buf_dispose(&data);
    itk_buf_dispose(&fpr);
    return rc;
}

static int add_event(itk_change *c, itk_registry *reg, key_ctx *k, json_t *body)
{
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    int rc =
        itk_record_append(&path, &id, c, reg, &k->me, k->created, "key-event", NULL, body, NULL);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    return rc;
}

static int finish(git_oid *out, itk_registry *reg, itk_signer *signer, itk_change *c, int rc,
                  key_ctx *k)
{
    if (!rc)
        rc = itk_registry_commit(out, reg, signer, c);
    itk_change_free(c);
    git_tree_free(k->tree);
    return rc;
}

int itk_key_add(git_oid *out, itk_registry *reg, itk_signer *signer, const itk_pubkey *key,
                const char *principal)
{
    return itk_key_add_named(out, reg, signer, key, principal, NULL);
}

int itk_key_add_named(git_oid *out, itk_registry *reg, itk_signer *signer, const itk_pubkey *key,
                      const char *principal, const char *name)
{
    return itk_key_add_attrs(out, reg, signer, key, principal, name, NULL);
}

static int principal_key(char fpr[64], key_ctx *k, itk_registry *reg, const char *principal);

/* A principal re-used: principal of k's party holds a post but none of its
 * keys is active (all retired or compromised), so a key added under it
 * without --post would hold that post again, unnoticed. ITK_ECONFLICT then
 * (post given: the writer said so); 0 otherwise, or ITK_ENOMEM. */
static int reused_principal_check(key_ctx *k, itk_registry *reg, const char *principal,
                                  const char *post)
{
    itk_buf was = ITK_BUF_INIT;
    char fpr[64];
    if (post)
        return 0;
    int rc =
        itk_principal_attr(&was, itk_registry_repo(reg), k->tree, k->me.party, principal, "post");
    if (!rc && was.size && principal_key(fpr, k, reg, principal) == ITK_ENOTFOUND)
        rc = itk_error_set(ITK_ECONFLICT,
                           "%s holds the post %s, and none of its keys is active (retired or "
                           "compromised): a key added under %s would seal as %s again; if it is "
                           "the same officer, say so with --post %s, else give the new officer a "
                           "principal of their own",
                           principal, was.ptr, principal, was.ptr, was.ptr);
    else if (!rc)
        itk_error_clear();
    itk_buf_dispose(&was);
    return rc;
}

int itk_key_add_attrs(git_oid *out, itk_registry *reg, itk_signer *signer, const itk_pubkey *key,
                      const char *principal, const char *name, const char *post)
{
    key_ctx k;
    itk_change *c = NULL;
    int rc = open_ctx(&k, reg, signer);
    if (!rc && !(rc = itk_principal_check(principal)) &&
        !(rc = reused_principal_check(&k, reg, principal, post)) &&
        !(rc = setting_check(&k, reg, ITK_SETTING_KEY_RECORD, k.me.party, principal, post)) &&
        !(rc = itk_change_new(&c, "key-add", "Add a key")) &&
        !(rc = itk_change_set_subject(c, "Add a key of %s/%s", k.me.party, principal)))
        rc = add_key_file(c, &k, k.me.party, key, principal, name, post, reg);
    return finish(out, reg, signer, c, rc, &k);
}

static int own_key(key_ctx *k, itk_registry *reg, const char *fpr, itk_key_status *st)
{
    int rc = itk_key_status_get(st, itk_registry_repo(reg), k->tree, fpr);
    if (rc == ITK_ENOTFOUND)
        return itk_error_set(rc, "no party of this registry holds key %s", fpr);
    if (!rc && strcmp(st->party, k->me.party) != 0)
        return itk_error_set(ITK_EAUTH, "key %s is %s's, not %s's", fpr, st->party, k->me.party);
    return rc;
}

int itk_key_rotate(git_oid *out, itk_registry *reg, itk_signer *signer, const itk_pubkey *new_key,
                   const char *principal)
{
    key_ctx k;
    itk_change *c = NULL;
    itk_key_status st;
    int rc = open_ctx(&k, reg, signer);
    if (!rc)
        rc = own_key(&k, reg, k.fpr, &st);
    if (!principal)
        principal = st.principal;
    json_t *body = json_pack("{s:s, s:s, s:s}", "event", "retire", "key", k.fpr, "reason",
                             "rotated to a new key");
    if (!rc && !(rc = itk_principal_check(principal)) &&
        !(rc = setting_check(&k, reg, ITK_SETTING_KEY_RECORD, k.me.party, principal, NULL)) &&
        !(rc = setting_check(&k, reg, ITK_SETTING_KEY_EVENT, k.me.party, st.principal, NULL)) &&
        !(rc = itk_change_new(&c, "key-rotate", "Rotate a key")) &&
        !(rc = itk_change_set_subject(c, "Rotate the key of %s/%s", k.me.party, principal)) &&
        !(rc = add_key_file(c, &k, k.me.party, new_key, principal, NULL, NULL, reg)))
        rc = add_event(c, reg, &k, body);
    json_decref(body);
    return finish(out, reg, signer, c, rc, &k);
}

int itk_key_retire(git_oid *out, itk_registry *reg, itk_signer *signer, const char *fpr)
{
    key_ctx k;
    itk_change *c = NULL;
    itk_key_status st;
    int rc = open_ctx(&k, reg, signer);
    if (!rc && !(rc = own_key(&k, reg, fpr, &st)) && st.state != ITK_KEY_ACTIVE)
        rc = itk_error_set(ITK_ECONFLICT, "key %s is no longer active", fpr);
    if (!rc)
        rc = setting_check(&k, reg, ITK_SETTING_KEY_EVENT, k.me.party, st.principal, NULL);
    json_t *body = json_pack("{s:s, s:s}", "event", "retire", "key", fpr);
    if (!rc && !(rc = itk_change_new(&c, "key-retire", "Retire a key")) &&
        !(rc = itk_change_set_subject(c, "Retire key %s of %s", fpr, st.principal)))
        rc = add_event(c, reg, &k, body);
    json_decref(body);
    return finish(out, reg, signer, c, rc, &k);
}

/* Another key of the signer's own party reported compromised: under the
 * city's decision rules, by a setter only (DESIGN V9, V12), refused here as
 * verify would refuse it; posts read as they count at HEAD (not what void
 * commits wrote). */
static int report_check(key_ctx *k, itk_registry *reg, const char *fpr, const char *owner)
{
    static const git_oid zero;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    if (git_oid_equal(&k->head, &zero))
        return 0;
    int rc = itk_void_writes_at(&vw, itk_registry_repo(reg), &k->head);
    if (!rc)
        rc = itk_compromise_report_counted(itk_registry_repo(reg), k->tree, &vw, &k->head,
                                           k->me.party, k->me.principal, fpr, owner);
    itk_void_writes_dispose(&vw);
    return rc;
}

int itk_key_compromise(git_oid *out, itk_registry *reg, itk_signer *signer, const char *fpr,
                       const char *last_good, const char *reason)
{
    key_ctx k;
    itk_change *c = NULL;
    itk_key_status st;
    git_object *lg = NULL;
    char hex[GIT_OID_HEXSZ + 1] = "";
    int rc = open_ctx(&k, reg, signer);
    if (!rc && (rc = itk_key_status_get(&st, itk_registry_repo(reg), k.tree, fpr)) == ITK_ENOTFOUND)
        rc = itk_error_set(rc, "no party of this registry holds key %s", fpr);
    if (!rc && strcmp(k.fpr, fpr) != 0 && strcmp(st.party, k.me.party) != 0 &&
        !itk_chain_is_ancestor(itk_registry_repo(reg), k.tree, k.me.party, st.party))
        rc = itk_error_set(ITK_EAUTH,
                           "only the key itself, %s, or a party above it may mark "
                           "key %s compromised",
                           st.party, fpr);
    if (!rc && strcmp(k.fpr, fpr) != 0 && strcmp(st.party, k.me.party) == 0)
        rc = report_check(&k, reg, fpr, st.principal);
    if (!rc && st.state == ITK_KEY_COMPROMISED)
        rc = itk_error_set(ITK_ECONFLICT, "key %s is marked compromised already", fpr);
    if (!rc && (git_revparse_single(&lg, itk_registry_repo(reg), last_good) < 0 ||
                git_object_type(lg) != GIT_OBJECT_COMMIT))
        rc = itk_error_set(ITK_ENOTFOUND, "--last-good '%s' names no commit of this registry",
                           last_good);
    if (!rc)
        git_oid_tostr(hex, sizeof(hex), git_object_id(lg));
    git_object_free(lg);
    json_t *body =
        json_pack("{s:s, s:s, s:s}", "event", "compromise", "key", fpr, "last_good", hex);
    if (reason)
        json_object_set_new(body, "reason", json_string(reason));
    if (!rc && !(rc = itk_change_new(&c, "key-compromise", "Key compromised")) &&
        !(rc = itk_change_set_subject(c, "Mark key %s of %s/%s compromised after %.12s", fpr,
                                      st.party, st.principal, hex)))
        rc = add_event(c, reg, &k, body);
    json_decref(body);
    return finish(out, reg, signer, c, rc, &k);
}

int itk_key_recover(git_oid *out, itk_registry *reg, itk_signer *signer, const char *party,
                    const itk_pubkey *key, const char *principal, const char *document_sha256)
{
    key_ctx k;
    itk_change *c = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    char path[96];
    git_tree_entry *e = NULL;
    int rc = open_ctx(&k, reg, signer);
    if (!rc && strcmp(k.me.role, "city") != 0)
        rc = itk_error_set(ITK_EAUTH, "only the city recovers a party's lost key");
    snprintf(path, sizeof(path), "parties/%s/party.json", party);
    if (!rc && git_tree_entry_bypath(&e, k.tree, path) < 0)
        rc = itk_error_set(ITK_ENOTFOUND, "party %s is not registered", party);
    git_tree_entry_free(e);
    if (!rc)
        rc = itk_pubkey_fingerprint(&fpr, key);
    json_t *body = json_pack("{s:s, s:s, s:s}", "event", "recovery", "key", fpr.ptr ? fpr.ptr : "",
                             "document_sha256", document_sha256);
    if (!rc && !(rc = itk_principal_check(principal)) &&
        !(rc = setting_check(&k, reg, ITK_SETTING_KEY_RECORD, party, principal, NULL)) &&
        !(rc = itk_change_new(&c, "key-recover", "Recover a key")) &&
        !(rc = itk_change_set_subject(c, "Recover a lost key of %s/%s", party, principal)) &&
        !(rc = add_key_file(c, &k, party, key, principal, NULL, NULL, reg)))
        rc = add_event(c, reg, &k, body);
    json_decref(body);
    itk_buf_dispose(&fpr);
    return finish(out, reg, signer, c, rc, &k);
}

int itk_key_confirm(git_oid *out, itk_registry *reg, itk_signer *signer, const char *fpr)
{
    key_ctx k;
    itk_change *c = NULL;
    itk_key_status st;
    int rc = open_ctx(&k, reg, signer);
    if (!fpr)
        fpr = k.fpr;
    if (!rc && !(rc = own_key(&k, reg, fpr, &st)) && !st.recovered)
        rc = itk_error_set(ITK_ECONFLICT,
                           "key %s was not recovered by the city, or is "
                           "confirmed already",
                           fpr);
    if (!rc)
        rc = setting_check(&k, reg, ITK_SETTING_KEY_EVENT, k.me.party, st.principal, NULL);
    json_t *body = json_pack("{s:s, s:s}", "event", "confirm", "key", fpr);
    if (!rc && !(rc = itk_change_new(&c, "key-confirm", "Confirm a key")) &&
        !(rc = itk_change_set_subject(c, "Confirm the recovered key %s", fpr)))
        rc = add_event(c, reg, &k, body);
    json_decref(body);
    return finish(out, reg, signer, c, rc, &k);
}

/* The newest active key of principal in party (by key record "created"):
 * the key an attributes event names. */
static int principal_key(char fpr[64], key_ctx *k, itk_registry *reg, const char *principal)
{
    char dir[96], path[200], best[64] = "";
    git_tree_entry *e = NULL;
    git_tree *keys = NULL;
    git_repository *repo = itk_registry_repo(reg);
    fpr[0] = 0;
    snprintf(dir, sizeof(dir), "parties/%s/keys", k->me.party);
    if (git_tree_entry_bypath(&e, k->tree, dir) == 0 && git_tree_entry_type(e) == GIT_OBJECT_TREE)
        git_tree_lookup(&keys, repo, git_tree_entry_id(e));
    git_error_clear();
    git_tree_entry_free(e);
    for (size_t i = 0; keys && i < git_tree_entrycount(keys); i++) {
        json_t *rec = NULL;
        itk_key_status st;
        snprintf(path, sizeof(path), "%s/%s", dir,
                 git_tree_entry_name(git_tree_entry_byindex(keys, i)));
        if (itk_tree_read_json(&rec, repo, k->tree, path) == 0) {
            const json_t *b = json_object_get(rec, "body");
            const char *who = json_string_value(json_object_get(b, "principal"));
            const char *fp = json_string_value(json_object_get(b, "fingerprint"));
            const char *created = json_string_value(json_object_get(rec, "created"));
            if (who && fp && strcmp(who, principal) == 0 &&
                itk_key_status_get(&st, repo, k->tree, fp) == 0 && st.state == ITK_KEY_ACTIVE &&
                (!created || strcmp(created, best) >= 0)) {
                snprintf(fpr, 64, "%s", fp);
                snprintf(best, sizeof(best), "%s", created ? created : "");
            }
        }
        json_decref(rec);
    }
    git_tree_free(keys);
    itk_error_clear();
    if (!fpr[0])
        return itk_error_set(ITK_ENOTFOUND,
                             "%s has no active key of a person '%s'; `itaku who` lists them",
                             k->me.party, principal);
    return 0;
}

int itk_key_set_name(git_oid *out, itk_registry *reg, itk_signer *signer, const char *principal,
                     const char *name)
{
    return itk_key_set_attributes(out, reg, signer, principal, name, NULL);
}

int itk_key_set_attributes(git_oid *out, itk_registry *reg, itk_signer *signer,
                           const char *principal, const char *name, const char *post)
{
    key_ctx k;
    itk_change *c = NULL;
    char fpr[64] = "", schema[64] = "";
    json_t *body = NULL;
    if (!name && !post)
        return itk_error_set(ITK_EINVALID, "say what changes: --name TEXT, --post TEXT or both");
    int rc = open_ctx(&k, reg, signer);
    if (!rc && !(rc = itk_principal_check(principal)) &&
        !(rc = name ? itk_display_name_check(name) : 0) &&
        !(rc = post ? itk_post_check(post) : 0) &&
        !(rc = itk_form_schema(NULL, schema, reg, "key-event")) &&
        strcmp(schema, "key-event.v1") == 0)
        rc = itk_error_set(ITK_EUNSUPPORTED,
                           "this registry's key events (key-event.v1) cannot change a name or a "
                           "post; the city brings its schemas up to date with `itaku contract "
                           "upgrade`");
    if (!rc)
        rc = principal_key(fpr, &k, reg, principal);
    /* who may set a post (DESIGN V12, itaku/delegation.h): refused here
     * before anything is written, as verify would refuse it */
    if (!rc)
        rc = setting_check(&k, reg, ITK_SETTING_KEY_EVENT, k.me.party, principal, post);
    if (!rc) {
        json_t *attrs = json_object();
        if (name)
            json_object_set_new(attrs, "name", json_string(name));
        if (post)
            json_object_set_new(attrs, "post", json_string(post));
        body = json_pack("{s:s, s:s, s:s, s:o}", "event", "attributes", "key", fpr, "principal",
                         principal, "attributes", attrs);
    }
    if (!rc &&
        !(rc = itk_change_new(&c, "key-attributes", name ? "Change a name" : "Change a post")) &&
        !(rc = itk_change_set_subject(c, "Record the %s of %s/%s",
                                      name && post ? "name and post"
                                      : name       ? "name"
                                                   : "post",
                                      k.me.party, principal)))
        rc = add_event(c, reg, &k, body);
    json_decref(body);
    return finish(out, reg, signer, c, rc, &k);
}
