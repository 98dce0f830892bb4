/* Instructions and their answers, acknowledgements, and clone. */
#include "itaku/write_lock.h"
#include "itaku/instruct.h"
#include "alloc.h"
#include "itaku/chain.h"
#include "itaku/dates.h"
#include "itaku/due_time.h"
#include "itaku/errors.h"
#include "itaku/form_input.h"
#include "itaku/json.h"
#include "itaku/obligations.h"
#include "itaku/party.h"
#include "itaku/refcheck.h"
#include "intl.h"
#include "itaku/verify.h"
#include "registry_priv.h"
#include "itaku/commit.h"
#include "commit_priv.h"
#include "party_priv.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when the RFC 3339 time a is before b (both read), or a cannot be read. */
static int earlier(const char *a, const char *b)
{
    long long ta = 0, tb = 0;
    int bad_a = itk_time_parse(&ta, a, 0, ITK_TIME_NO_DAY) != 0;
    int bad_b = itk_time_parse(&tb, b, 0, ITK_TIME_NO_DAY) != 0;
    itk_error_clear();
    return !bad_b && (bad_a || ta < tb);
}

/* The due time as recorded (itk_due_time); refused when already past
 * unless backdated. */
static int due_time(char due[40], const char *given, int offset, const char *now, int backdated)
{
    int past, rc = itk_due_time(due, &past, given, offset, now);
    if (rc || backdated || !past)
        return rc;
    char due_shown[ITK_TIME_SHOWN], now_shown[ITK_TIME_SHOWN];
    return itk_error_set(ITK_EINVALID,
                         "the due date %s is already past (now is %s): it would be overdue "
                         "the moment it is written; give a later one, or say it is meant "
                         "with --backdated (--reason TEXT may say why)",
                         itk_time_shown(due_shown, due, offset),
                         itk_time_shown(now_shown, now, offset));
}

int itk_instruct(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                 const itk_instruct_options *o)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    git_tree *tree = NULL;
    itk_identity me;
    itk_change *c = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    char created[32], due[40];
    json_t *body = NULL, *unverified = NULL, *refs = NULL;
    int offset, rc;
    if (!o->kind || !o->to || !o->due || !o->text)
        return itk_error_set(ITK_EINVALID, "an instruction needs a kind, --to, --due and a text");
    if ((rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_registry_identify(&me, reg, tree, signer)) ||
        (rc = itk_registry_now(created, reg)) || (rc = itk_registry_offset(&offset, reg)))
        goto done;
    if (!itk_chain_is_ancestor(reg->repo, tree, me.party, o->to)) {
        static const char msg[] =
            ITK_N_("%s is not below %s in the chain; instructions go to descendants");
        char to[256], by[256];
        rc = itk_error_set(ITK_EAUTH, msg,
                           itk_ref_party_shown(to, sizeof(to), reg, tree, msg, o->to),
                           itk_ref_party_shown(by, sizeof(by), reg, tree, msg, me.party));
        goto done;
    }
    if ((rc = due_time(due, o->due, offset, created, o->backdated)))
        goto done;
    body = json_pack("{s:s, s:s, s:s, s:s}", "kind", o->kind, "to", o->to, "due", due, "text",
                     o->text);
    if (o->backdated && earlier(due, created)) {
        json_object_set_new(body, "backdated", json_true());
        if (o->reason)
            json_object_set_new(body, "reason", json_string(o->reason));
    }
    if (o->incident_ref)
        json_object_set_new(body, "incident_ref", json_string(o->incident_ref));
    if (o->item_count) {
        json_t *items = json_array();
        for (size_t i = 0; i < o->item_count; i++)
            json_array_append_new(items, json_string(o->item_ids[i]));
        json_object_set_new(body, "item_ids", items);
    }
    /* the incident it follows up is checked before anything is written */
    if ((rc = itk_refcheck(&unverified, reg, tree, me.party, "instruction", body, NULL, o->refs)))
        goto done;
    if (unverified && !(refs = json_pack("{s:O}", "unverified", unverified))) {
        rc = itk_error_nomem();
        goto done;
    }
    if ((rc = itk_change_new(&c, "instruct", "Instruct")) ||
        (rc = itk_record_append_refs(&path, &id, c, reg, &me, created, "instruction", NULL, body,
                                     NULL, refs)))
        goto done;
    itk_buf_clear(name);
    itk_buf_printf(name, "%s/%s", me.party, id.ptr);
    if (!(rc = itk_change_set_subject(c, "Instruct %s: %s, due %s", o->to, o->kind, due)))
        rc = itk_registry_commit(out, reg, signer, c);
done:
    json_decref(unverified);
    json_decref(refs);
    json_decref(body);
    itk_change_free(c);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    git_tree_free(tree);
    return rc;
}

int itk_instruct_change(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                        const itk_instruct_change_options *o)
{
    git_tree *tree = NULL;
    itk_identity me;
    itk_change *c = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    json_t *old = NULL, *body = NULL;
    char created[32], due[40], party[ITK_PARTY_ID_MAX + 1], target[96];
    char **paths = NULL;
    size_t n = 0;
    int offset, rc = itk_registry_write_begin(reg);
    if (rc)
        return rc;
    if (!o->instruction || !o->reason || !o->reason[0])
        return itk_error_set(ITK_EINVALID,
                             "amending or withdrawing an instruction needs the instruction and "
                             "--reason TEXT");
    if (!o->withdraw && !o->due && !o->text)
        return itk_error_set(ITK_EINVALID, "say what changes: --due DATE and/or --text TEXT");
    if ((rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_registry_identify(&me, reg, tree, signer)) ||
        (rc = itk_registry_now(created, reg)) || (rc = itk_registry_offset(&offset, reg)))
        goto done;
    /* as typed: <party>/n-000005, n-000005, N-5 or 5 (ours) */
    char typed[128];
    itk_instruction_ref_input(typed, sizeof(typed), o->instruction, me.party);
    const char *slash = strchr(typed, '/');
    const char *nid = slash ? slash + 1 : typed;
    snprintf(party, sizeof(party), "%.*s", slash ? (int)(slash - typed) : 31,
             slash ? typed : me.party);
    if (strcmp(party, me.party) != 0) {
        static const char msg[] = ITK_N_("%s is %s's instruction: only its issuer amends or "
                                         "withdraws it (V2); ask %s to do it");
        char issuer[256];
        itk_ref_party_shown(issuer, sizeof(issuer), reg, tree, msg, party);
        rc = itk_error_set(ITK_EAUTH, msg, typed, issuer, issuer);
        goto done;
    }
    snprintf(target, sizeof(target), "%s/%.40s", party, nid);
    const itk_record_type *t = itk_record_type_find("instruction");
    if (itk_record_id_check(t, nid)) {
        /* TRANSLATORS: what was typed, then the forms accepted */
        rc = itk_error_set(ITK_EINVALID,
                           "'%.64s' is not an instruction reference; name one of ours as %s",
                           o->instruction, itk_instruction_ref_forms());
        goto done;
    }
    if ((rc = itk_record_id_check(t, nid)) || (rc = itk_record_path(&path, t, party, NULL, nid)) ||
        (rc = itk_tree_read_json(&old, reg->repo, tree, path.ptr))) {
        /* the issuer's instructions, the closest to what was typed named */
        itk_buf near = ITK_BUF_INIT;
        json_t *cands = NULL;
        itk_error_clear();
        if (itk_ref_names(&cands, reg, tree, party, "instruction"))
            itk_error_clear();
        itk_ref_closest(&near, target, cands);
        json_decref(cands);
        /* TRANSLATORS: the id typed, the party, then " (closest: …)" or
         * " (there are none)" */
        static const char msg[] = ITK_N_("%s is not an instruction of %s here%s; check the id "
                                         "(see itaku instructions --all)");
        char issuer[256];
        rc = itk_error_set(ITK_ENOTFOUND, msg, target,
                           itk_ref_party_shown(issuer, sizeof(issuer), reg, tree, msg, party),
                           near.ptr ? near.ptr : "");
        itk_buf_dispose(&near);
        goto done;
    }
    /* only the current version is corrected: the newest of its chain (each
     * step another record, so at most n steps) */
    if ((rc = itk_tree_records(&paths, &n, reg->repo, tree, me.party, "instruction")))
        goto done;
    json_t *latest = json_incref(old);
    for (size_t step = 0, moved = 1; moved && step <= n; step++) {
        moved = 0;
        const char *cur = json_string_value(json_object_get(latest, "id"));
        for (size_t i = 0; cur && i < n && !moved; i++) {
            json_t *r = NULL;
            if (itk_tree_read_json(&r, reg->repo, tree, paths[i]))
                continue;
            const char *sup = json_string_value(json_object_get(r, "supersedes"));
            if (sup && strcmp(sup, cur) == 0) {
                json_decref(latest);
                latest = r;
                moved = 1;
            } else
                json_decref(r);
        }
    }
    itk_error_clear();
    if (json_is_true(json_object_get(json_object_get(latest, "body"), "withdrawn"))) {
        /* nothing is owed any more: say since when, not how to undo it */
        char when[ITK_TIME_SHOWN], by[96];
        itk_time_shown(when, json_string_value(json_object_get(latest, "created")), offset);
        snprintf(by, sizeof(by), "%s/%.40s", me.party,
                 json_string_value(json_object_get(latest, "id")));
        rc = o->withdraw ? itk_error_set(ITK_EINVALID,
                                         "%s is already withdrawn (%s, on %s); nothing more is "
                                         "needed",
                                         target, by, when)
                         : itk_error_set(ITK_EINVALID,
                                         "%s was withdrawn (%s, on %s); to ask again, issue a "
                                         "new instruction",
                                         target, by, when);
        json_decref(latest);
        goto done;
    }
    if (latest != old) {
        rc = itk_error_set(ITK_EINVALID,
                           "%s was already amended by %s/%s; amend or withdraw that, its "
                           "current version",
                           target, me.party, json_string_value(json_object_get(latest, "id")));
        json_decref(latest);
        goto done;
    }
    json_decref(latest);
    body = json_deep_copy(json_object_get(old, "body"));
    if (!body) {
        rc = itk_error_nomem();
        goto done;
    }
    json_object_del(body, "backdated");
    json_object_set_new(body, "amends", json_string(target));
    json_object_set_new(body, "reason", json_string(o->reason));
    if (o->withdraw)
        json_object_set_new(body, "withdrawn", json_true());
    else {
        if (o->due) {
            if ((rc = due_time(due, o->due, offset, created, o->backdated)))
                goto done;
            json_object_set_new(body, "due", json_string(due));
        }
        if (o->text)
            json_object_set_new(body, "text", json_string(o->text));
        const char *d = json_string_value(json_object_get(body, "due"));
        if (d && earlier(d, created))
            json_object_set_new(body, "backdated", json_true());
    }
    itk_buf_clear(&path);
    if ((rc = itk_change_new(&c, "instruct", "Instruct")) ||
        (rc = itk_record_append(&path, &id, c, reg, &me, created, "instruction", NULL, body, nid)))
        goto done;
    itk_buf_clear(name);
    itk_buf_printf(name, "%s/%s", me.party, id.ptr);
    if (o->withdraw)
        rc = itk_change_set_subject(c, "Withdraw instruction %s: %s", target, o->reason);
    else
        rc = itk_change_set_subject(c, "Amend instruction %s: due %s", target,
                                    json_string_value(json_object_get(body, "due")));
    if (!rc)
        rc = itk_registry_commit(out, reg, signer, c);
done:
    itk_string_list_free(paths, n);
    json_decref(old);
    json_decref(body);
    itk_change_free(c);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    git_tree_free(tree);
    return rc;
}

static const char *str_or_empty(const json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v ? v : "";
}

/* The latest version of list[k]: follows the instructions amending it. */
static size_t latest_version(const itk_instruction_info *list,
                             const char (*amends)[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2],
                             size_t n, size_t k)
{
    for (size_t steps = 0; steps < n; steps++) {
        size_t next = n;
        for (size_t j = 0; j < n && next == n; j++)
            if (j != k && strcmp(amends[j], list[k].name) == 0)
                next = j;
        if (next == n)
            break;
        k = next;
    }
    return k;
}

int itk_instruction_list(itk_instruction_info **out, size_t *count, itk_registry *reg,
                         const char *party)
{
    git_tree *tree = NULL;
    char **paths = NULL;
    size_t n = 0, got = 0;
    itk_instruction_info *list = NULL, *shown = NULL;
    char(*amends)[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2] = NULL;
    *out = NULL;
    *count = 0;
    int rc = itk_registry_head_tree(&tree, reg);
    if (rc || (rc = itk_tree_records(&paths, &n, reg->repo, tree, NULL, NULL)))
        goto done;
    list = itk_calloc(n, sizeof(*list));
    amends = itk_calloc(n, sizeof(*amends));
    if (!list || !amends) {
        rc = ITK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        itk_path_info pi;
        itk_path_classify(&pi, paths[i]);
        if (pi.kind != ITK_PATH_RECORD || strcmp(pi.type->type, "instruction") != 0)
            continue;
        json_t *rec = NULL;
        if (itk_tree_read_json(&rec, reg->repo, tree, paths[i]))
            continue;
        json_t *b = json_object_get(rec, "body");
        const char *to = json_string_value(json_object_get(b, "to"));
        if (to && (!party || strcmp(pi.party, party) == 0 || strcmp(to, party) == 0 ||
                   itk_chain_is_ancestor(reg->repo, tree, party, to))) {
            itk_instruction_info *it = &list[got++];
            snprintf(it->name, sizeof(it->name), "%s/%s", pi.party, pi.id);
            snprintf(it->from, sizeof(it->from), "%s", pi.party);
            snprintf(it->to, sizeof(it->to), "%s", to);
            snprintf(it->kind, sizeof(it->kind), "%s", str_or_empty(b, "kind"));
            snprintf(it->due, sizeof(it->due), "%s", str_or_empty(b, "due"));
            snprintf(it->text, sizeof(it->text), "%s", str_or_empty(b, "text"));
            it->withdrawn = json_is_true(json_object_get(b, "withdrawn"));
            snprintf(it->reason, sizeof(it->reason), "%s", str_or_empty(b, "reason"));
            itk_party_name_in(it->from_name, sizeof(it->from_name), reg, tree, pi.party);
            itk_party_name_in(it->to_name, sizeof(it->to_name), reg, tree, to);
            snprintf(amends[got - 1], sizeof(amends[0]), "%s", str_or_empty(b, "amends"));
        }
        json_decref(rec);
    }
    /* an answer is any record citing the instruction (any of its versions:
     * it counts for the latest) */
    for (size_t i = 0; i < n; i++) {
        json_t *rec = NULL;
        if (itk_tree_read_json(&rec, reg->repo, tree, paths[i]))
            continue;
        const char *ref =
            json_string_value(json_object_get(json_object_get(rec, "body"), "instruction_ref"));
        for (size_t k = 0; ref && k < got; k++)
            if (strcmp(list[k].name, ref) == 0) {
                size_t latest = latest_version(list, amends, got, k);
                if (list[latest].answer[0])
                    break;
                itk_path_info pi;
                itk_path_classify(&pi, paths[i]);
                snprintf(list[latest].answer, sizeof(list[latest].answer), "%s/%s", pi.party,
                         pi.id);
            }
        json_decref(rec);
    }
    /* each instruction once: its first record's name with its latest
     * version's due time, text, mark and answer; the versions amending it
     * are not listed apart */
    shown = itk_calloc(got ? got : 1, sizeof(*shown));
    if (!shown) {
        rc = ITK_ENOMEM;
        goto done;
    }
    size_t kept = 0;
    for (size_t k = 0; k < got; k++) {
        int amending = 0;
        for (size_t j = 0; j < got && !amending; j++)
            amending = j != k && strcmp(amends[k], list[j].name) == 0;
        if (amending)
            continue;
        size_t latest = latest_version(list, amends, got, k);
        itk_instruction_info *it = &shown[kept++];
        *it = list[latest];
        it->reason[0] = '\0';
        if (latest != k) {
            snprintf(it->corrected_by, sizeof(it->corrected_by), "%s", list[latest].name);
            snprintf(it->name, sizeof(it->name), "%s", list[k].name);
            snprintf(it->reason, sizeof(it->reason), "%s", list[latest].reason);
        }
    }
    got = kept;
    itk_error_clear();
    *out = shown;
    *count = got;
    shown = NULL;
done:
    free(shown);
    free(list);
    free(amends);
    itk_string_list_free(paths, n);
    git_tree_free(tree);
    return rc;
}

int itk_acknowledge(git_oid *out, itk_registry *reg, itk_signer *signer)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    git_tree *tree = NULL;
    json_t *body = NULL;
    itk_identity me;
    itk_obligations_version now;
    itk_change *c = NULL;
    itk_buf data = ITK_BUF_INIT, path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    char created[32], hex[65];
    unsigned char md[32];
    int rc;
    /* seed §8(2): the version in force today, which a newer version
     * published by the city replaces from its effective_from */
    if ((rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_registry_identify(&me, reg, tree, signer)) ||
        (rc = itk_registry_now(created, reg)) ||
        (rc = itk_obligations_in_force(&now, reg, tree, created)))
        goto done;
    const char *ob = now.path;
    if ((rc = itk_tree_read(&data, reg->repo, tree, ob, ITK_MAX_RECORD_BYTES)))
        goto done;
    EVP_Digest(data.ptr, data.size, md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    body = json_pack("{s:s, s:s, s:s}", "obligations", ob, "obligations_sha256", hex, "statement",
                     "本契約の遵守事項のすべてを遵守することを誓約します。 (We accept every "
                     "obligation of this contract.)");
    if (!(rc = itk_change_new(&c, "acknowledge", "Acknowledge")) &&
        !(rc = itk_record_append(&path, &id, c, reg, &me, created, "ack", NULL, body, NULL)) &&
        !(rc = itk_change_set_subject(c, "Acknowledge the obligations %s", ob)))
        rc = itk_registry_commit(out, reg, signer, c);
done:
    json_decref(body);
    itk_change_free(c);
    itk_buf_dispose(&data);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    git_tree_free(tree);
    return rc;
}
