/* Writing a party's own records and the city's registration of a party. */
#include "itaku/contract_settings.h"
#include "itaku/form_input.h"
#include "itaku/write_lock.h"
#include "itaku/party.h"
#include "itaku/person_name.h"
#include "itaku/attach.h"
#include "itaku/errors.h"
#include "itaku/flow.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/labels.h"
#include "registry_priv.h"
#include "itaku/commit.h"
#include "itaku/ids.h"
#include "itaku/init.h"
#include "itaku/requests.h"
#include "itaku/refcheck.h"
#include "itaku/precheck.h"
#include "itaku/textnorm.h"
#include "commit_priv.h"
#include "party_priv.h"
#include "intl.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The signer's identity and "now" in the contract's timezone, from HEAD. */
static int whoami(itk_identity *who, char created[32], itk_registry *reg, itk_signer *signer)
{
    git_tree *tree = NULL;
    int rc = itk_registry_head_tree(&tree, reg);
    if (!rc && !(rc = itk_registry_identify(who, reg, tree, signer)))
        rc = itk_registry_now(created, reg);
    git_tree_free(tree);
    return rc;
}

int itk_party_add(git_oid *commit, itk_registry *reg, itk_signer *signer,
                  const itk_party_options *o)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    itk_identity who;
    char created[32];
    itk_buf path = ITK_BUF_INIT, data = ITK_BUF_INIT, fpr = ITK_BUF_INIT;
    itk_change *c = NULL;
    git_tree *tree = NULL;
    int rc;
    if ((rc = itk_party_id_check(o->id)) || (rc = itk_principal_check(o->principal)) ||
        (rc = whoami(&who, created, reg, signer)))
        goto done;
    if (strcmp(who.role, "city") != 0) {
        rc = itk_error_set(ITK_EAUTH, "only the city registers parties; %s is %s's key",
                           who.principal, who.party);
        goto done;
    }
    if (!o->role || strcmp(o->role, "contractor") != 0) {
        rc = itk_error_set(ITK_EINVALID,
                           "--role must be contractor; a subcontractor is registered when the "
                           "city approves its contractor's form 6");
        goto done;
    }
    if (!o->name || !*o->name) {
        rc = itk_error_set(ITK_EINVALID, "the party needs a name (--name)");
        goto done;
    }
    if ((rc = itk_registry_head_tree(&tree, reg)))
        goto done;
    itk_buf_printf(&path, "parties/%s/party.json", o->id);
    git_tree_entry *e = NULL;
    if (git_tree_entry_bypath(&e, tree, path.ptr) == 0) {
        git_tree_entry_free(e);
        rc = itk_error_set(ITK_EEXISTS, "party %s is already registered", o->id);
        goto done;
    }
    itk_identity other;
    if ((rc = itk_pubkey_fingerprint(&fpr, o->key)))
        goto done;
    if (itk_identity_find(&other, reg->repo, tree, fpr.ptr) == 0) {
        rc = itk_error_set(ITK_EEXISTS,
                           "key %s already belongs to %s/%s; each party needs its "
                           "own key",
                           fpr.ptr, other.party, other.principal);
        goto done;
    }
    /* the registry's newest party and key schemas (issue 13) */
    char party_schema[64], key_schema[64];
    if ((rc = itk_form_schema(NULL, party_schema, reg, "party")) ||
        (rc = itk_form_schema(NULL, key_schema, reg, "key")))
        goto done;
    json_t *body =
        json_pack("{s:s, s:s, s:s}", "name", o->name, "role", o->role, "parent", who.party);
    /* validated as every write is, against the registry's newest party
     * schema (v2 refuses controls and bidirectional controls in the name) */
    rc = body ? itk_form_validate(party_schema, reg, "party", body) : ITK_ENOMEM;
    itk_record_fields f = {"party", o->id, o->id, created, NULL, NULL, body, party_schema};
    if (!rc)
        rc = itk_record_build(&data, &f);
    json_decref(body);
    char subject[128];
    snprintf(subject, sizeof(subject), "Register %s %s", o->role, o->id);
    if (rc || (rc = itk_change_new(&c, "party-add", subject)) ||
        (rc = itk_change_add(c, path.ptr, data.ptr, data.size)) ||
        (rc = itk_key_record_named(&path, &data, key_schema, o->id, o->key, o->principal,
                                   o->principal_name, who.party, created)) ||
        (rc = itk_change_add(c, path.ptr, data.ptr, data.size)))
        goto done;
    rc = itk_registry_commit(commit, reg, signer, c);
done:
    itk_change_free(c);
    git_tree_free(tree);
    itk_buf_dispose(&path);
    itk_buf_dispose(&data);
    itk_buf_dispose(&fpr);
    return rc;
}

/* itk_record_append with the envelope's refs (NULL: none). */
static int record_append_refs(itk_buf *path, itk_buf *id, itk_change *c, itk_registry *reg,
                              const itk_identity *who, const char *created, const char *type,
                              const char *requester, json_t *body, const char *supersedes,
                              json_t *refs);

int itk_record_append(itk_buf *path, itk_buf *id, itk_change *c, itk_registry *reg,
                      const itk_identity *who, const char *created, const char *type,
                      const char *requester, json_t *body, const char *supersedes)
{
    return record_append_refs(path, id, c, reg, who, created, type, requester, body, supersedes,
                              NULL);
}

int itk_record_append_refs(itk_buf *path, itk_buf *id, itk_change *c, itk_registry *reg,
                           const itk_identity *who, const char *created, const char *type,
                           const char *requester, json_t *body, const char *supersedes,
                           json_t *refs)
{
    return record_append_refs(path, id, c, reg, who, created, type, requester, body, supersedes,
                              refs);
}

static int record_append_refs(itk_buf *path, itk_buf *id, itk_change *c, itk_registry *reg,
                              const itk_identity *who, const char *created, const char *type,
                              const char *requester, json_t *body, const char *supersedes,
                              json_t *refs)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    const itk_record_type *t = itk_record_type_find(type);
    itk_buf data = ITK_BUF_INIT;
    git_tree *tree = NULL;
    int rc;
    if (!t)
        return itk_error_set(ITK_EINVALID, "unknown record type '%.40s'", type);
    if (!json_is_object(body))
        return itk_error_set(ITK_EINVALID, "the record's body must be a JSON object");
    if (supersedes) {
        git_tree_entry *e = NULL;
        if ((rc = itk_record_id_check(t, supersedes)) ||
            (rc = itk_record_path(&data, t, who->party, requester, supersedes)) ||
            (rc = itk_registry_head_tree(&tree, reg)))
            goto done;
        int found = git_tree_entry_bypath(&e, tree, data.ptr) == 0;
        git_tree_entry_free(e);
        if (!found) {
            /* the party's records of that type, the closest to what was
             * typed named (as a reference not found is) */
            static const char msg[] =
                /* TRANSLATORS: the id typed, the party, the record type (its
                 * form's name), then " (closest: …)" or " (there are none)" */
                ITK_N_("--supersedes %s: %s has no %s record of that id%s; check the id (see "
                       "`itaku record list`)");
            char **paths = NULL;
            size_t n = 0;
            itk_buf near = ITK_BUF_INIT;
            itk_labels *l = NULL;
            json_t *cands = json_array();
            if (itk_tree_records(&paths, &n, reg->repo, tree, who->party, type) == 0)
                for (size_t i = 0; i < n; i++) {
                    itk_path_info pi;
                    itk_path_classify(&pi, paths[i]);
                    if (pi.kind == ITK_PATH_RECORD &&
                        (!requester || !pi.requester[0] || strcmp(pi.requester, requester) == 0))
                        json_array_append_new(cands, json_pack("[s, s]", pi.id, pi.id));
                }
            itk_string_list_free(paths, n);
            if (itk_labels_open_tree(&l, reg->repo, tree, "ja"))
                l = NULL;
            itk_error_clear();
            itk_ref_closest(&near, supersedes, cands);
            char shown[256];
            rc =
                itk_error_set(ITK_ENOTFOUND, msg, supersedes,
                              itk_ref_party_shown(shown, sizeof(shown), reg, tree, msg, who->party),
                              itk_ref_code_shown(l, msg, "type", type), near.ptr ? near.ptr : "");
            itk_labels_free(l);
            json_decref(cands);
            itk_buf_dispose(&near);
            goto done;
        }
    }
    /* every write is validated first: an invalid form writes nothing */
    char schema[64];
    if ((rc = itk_form_validate(schema, reg, type, body)) ||
        (rc = itk_registry_next_id(id, reg, t, who->party, requester)) ||
        (rc = itk_record_path(path, t, who->party, requester, id->ptr)))
        goto done;
    itk_record_fields f = {type, id->ptr, who->party, created, supersedes, refs, body, schema};
    if ((rc = itk_record_build(&data, &f)))
        goto done;
    if (data.size > ITK_MAX_RECORD_BYTES) {
        rc = itk_error_set(ITK_ETOOBIG, "the record would be %zu bytes; the limit is %d", data.size,
                           ITK_MAX_RECORD_BYTES);
        goto done;
    }
    rc = itk_change_add(c, path->ptr, data.ptr, data.size);
done:
    git_tree_free(tree);
    itk_buf_dispose(&data);
    return rc;
}

/* Whether the unverified references (NULL: none) hold field. */
static int cites_unverified(const json_t *unverified, const char *field)
{
    size_t i;
    json_t *u;
    json_array_foreach(unverified, i, u)
    {
        const char *f = json_string_value(json_object_get(u, "field"));
        if (f && strcmp(f, field) == 0)
            return 1;
    }
    return 0;
}

static const char *const submit_types[] = {"form1", "form2",    "register",   "form4",
                                           "form5", "incident", "inspection", NULL};

/* --supersedes as typed (r-2, acme/r-000002, full-width digits:
 * itk_record_id_input) into out, the id alone of one of party's records of
 * type t: another party's record is refused (a party corrects its own). */
static int supersedes_input(char *out, size_t outsz, const char *typed, const char *party,
                            const itk_record_type *t)
{
    char full[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
    itk_record_id_input(full, sizeof(full), typed, NULL, t->prefix);
    const char *slash = strchr(full, '/');
    char other[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2] = "";
    if (slash)
        snprintf(other, sizeof(other), "%.*s", (int)(slash - full), full);
    /* what is before a '/' and no party id ("../../x") is no id at all:
     * kept whole, for the id check to refuse */
    if (slash && itk_party_id_check(other) != 0) {
        itk_error_clear();
        snprintf(out, outsz, "%s", full);
        return 0;
    }
    if (slash && strcmp(other, party) != 0) {
        return itk_error_set(ITK_EINVALID,
                             "--supersedes %s: that is %s's record; %s corrects only its own "
                             "(give one of %s's ids, e.g. %s-000001)",
                             typed, other, party, party, t->prefix);
    }
    snprintf(out, outsz, "%s", slash ? slash + 1 : full);
    return 0;
}

int itk_record_submit(itk_buf *path, itk_buf *id, git_oid *commit, itk_registry *reg,
                      itk_signer *signer, const char *type, json_t *body, const char *supersedes)
{
    return itk_record_submit_attached(path, id, commit, reg, signer, type, body, supersedes, NULL,
                                      0);
}

int itk_record_submit_attached(itk_buf *path, itk_buf *id, git_oid *commit, itk_registry *reg,
                               itk_signer *signer, const char *type, json_t *body,
                               const char *supersedes, const itk_attachment *att, size_t natt)
{
    return itk_record_submit_refs(path, id, commit, reg, signer, type, body, supersedes, att, natt,
                                  NULL);
}

int itk_record_submit_refs(itk_buf *path, itk_buf *id, git_oid *commit, itk_registry *reg,
                           itk_signer *signer, const char *type, json_t *body,
                           const char *supersedes, const itk_attachment *att, size_t natt,
                           const itk_ref_options *ro)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    itk_identity who;
    char created[32];
    size_t noted = itk_notice_mark();
    git_tree *refs_tree = NULL;
    itk_buf sup = ITK_BUF_INIT;
    itk_change *c = NULL;
    json_t *unverified = NULL, *refs = NULL;
    const itk_record_type *t = itk_record_type_find(type);
    int allowed = 0, rc;
    for (size_t i = 0; t && submit_types[i]; i++)
        allowed |= strcmp(submit_types[i], type) == 0;
    if (!allowed) {
        itk_buf list = ITK_BUF_INIT;
        for (size_t i = 0; submit_types[i]; i++)
            itk_buf_printf(&list, "%s%s", i ? ", " : "", submit_types[i]);
        rc = itk_error_set(ITK_EINVALID, "'%.40s' is not a record type you can add; use one of %s",
                           type, list.ptr);
        itk_buf_dispose(&list);
        return rc;
    }
    if (!json_is_object(body))
        return itk_error_set(ITK_EINVALID, "the record's body must be a JSON object");
    if ((rc = whoami(&who, created, reg, signer)))
        goto done;
    char sup_in[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
    if (supersedes) {
        if ((rc = supersedes_input(sup_in, sizeof(sup_in), supersedes, who.party, t)))
            goto done;
        supersedes = sup_in;
    }
    itk_record_own_refs_input(body, who.party);
    if ((rc = itk_person_names_input(type, body)))
        goto done;
    const char *filing = json_string_value(json_object_get(body, "filing_type"));
    if (!supersedes && strcmp(type, "form1") == 0 && filing && strcmp(filing, "change") == 0) {
        /* a change notification replaces the form 1 in force (seed §2) */
        if ((rc = itk_record_latest(&sup, reg, who.party, "form1")) == ITK_ENOTFOUND)
            rc = itk_error_set(rc,
                               "a change notification (filing_type change) replaces the form "
                               "1 in force, and %s has none yet; file one with filing_type "
                               "new first",
                               who.party);
        if (rc)
            goto done;
        supersedes = sup.ptr;
    }
    /* the body and every reference it holds are checked before anything
     * is written, their problems in one list (issue 16) */
    char valid_schema[64];
    if ((rc = itk_registry_head_tree(&refs_tree, reg)) ||
        (rc = itk_record_precheck(&unverified, valid_schema, reg, refs_tree, who.party, type, body,
                                  supersedes, ro)))
        goto done;
    if (unverified && !(refs = json_pack("{s:O}", "unverified", unverified))) {
        rc = ITK_ENOMEM;
        goto done;
    }
    if (strcmp(type, "register") == 0 && !cites_unverified(unverified, "approval") &&
        (rc = itk_register_approval_precheck(reg, who.party, body, created, ro && ro->by_options)))
        goto done;
    /* a handover method the contract does not designate: refused, or
     * recorded with the reason (seed §4(1), issue 16) */
    if (strcmp(type, "register") != 0 && ro && ro->undesignated_method) {
        rc = itk_error_set(ITK_EINVALID, "--undesignated-method goes with a register entry (form "
                                         "3), whose handover method the contract designates; "
                                         "leave it out");
        goto done;
    }
    if (strcmp(type, "register") == 0) {
        json_t *method = NULL;
        if ((rc = itk_handover_method_check(&method, reg, refs_tree, body,
                                            ro && ro->undesignated_method, ro ? ro->reason : NULL)))
            goto done;
        if (method && !refs && !(refs = json_object()))
            rc = itk_error_nomem();
        if (method && !rc)
            rc = json_object_set_new(refs, "undesignated_method", method) ? itk_error_nomem() : 0;
        else
            json_decref(method);
        if (rc)
            goto done;
    }
    char subject[160];
    snprintf(subject, sizeof(subject), "Submit %s", t->label);
    if ((rc = itk_change_new(&c, "submit", subject)) ||
        (rc = record_append_refs(path, id, c, reg, &who, created, type, NULL, body, supersedes,
                                 refs)))
        goto done;
    if (natt) {
        git_tree *head = NULL;
        if ((rc = itk_registry_head_tree(&head, reg)))
            goto done;
        for (size_t i = 0; !rc && i < natt; i++)
            rc = itk_attachment_stage(c, reg->repo, head, who.party, &att[i]);
        git_tree_free(head);
        if (rc)
            goto done;
    }
    itk_change_set_subject(c, "Submit %s %s", t->label, id->ptr);
    rc = itk_registry_commit(commit, reg, signer, c);
done:
    if (rc)
        itk_notice_drop(noted); /* nothing was written: no note about it */
    git_tree_free(refs_tree);
    json_decref(unverified);
    json_decref(refs);
    itk_change_free(c);
    itk_buf_dispose(&sup);
    return rc;
}

/* 1 when the key (itk_label_key) of hay holds that of needle. */
static int key_holds(const char *hay, const char *needle)
{
    itk_buf h = ITK_BUF_INIT, n = ITK_BUF_INIT;
    int in = hay && needle && itk_label_key(&h, hay) == 0 && itk_label_key(&n, needle) == 0 &&
             h.ptr && n.ptr && n.size && strstr(h.ptr, n.ptr) != NULL;
    itk_error_clear();
    itk_buf_dispose(&h);
    itk_buf_dispose(&n);
    return in;
}

void itk_party_suggest(itk_buf *out, itk_registry *reg, git_tree *tree, const char *typed)
{
    char **paths = NULL;
    size_t n = 0, said = 0;
    itk_buf_clear(out);
    if (!typed || !*typed || itk_tree_records(&paths, &n, reg->repo, tree, NULL, "party")) {
        itk_error_clear();
        return;
    }
    /* by (part of) the name or the id first; else an id a typo away */
    for (int pass = 0; pass < 2 && !said; pass++)
        for (size_t i = 0; i < n && said < ITK_REF_CLOSEST; i++) {
            itk_path_info pi;
            char name[256];
            itk_path_classify(&pi, paths[i]);
            if (!pi.party[0])
                continue;
            itk_party_name_in(name, sizeof(name), reg, tree, pi.party);
            int near = pass == 0 ? key_holds(name, typed) || key_holds(pi.party, typed)
                                 : itk_edit_distance(pi.party, typed) <= 2;
            if (!near)
                continue;
            itk_buf_printf(out, "%s%s", said++ ? ", " : "", pi.party);
            if (name[0])
                itk_buf_printf(out, " (%s)", name);
        }
    itk_string_list_free(paths, n);
}
