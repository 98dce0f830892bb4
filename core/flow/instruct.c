/* Instructions and their answers, acknowledgements, and clone. */
#include "itaku/write_lock.h"
#include "itaku/instruct.h"
#include "alloc.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/obligations.h"
#include "itaku/party.h"
#include "itaku/verify.h"
#include "registry_priv.h"
#include "itaku/commit.h"
#include "commit_priv.h"
#include "party_priv.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    json_t *body = NULL;
    int offset, rc;
    if (!o->kind || !o->to || !o->due || !o->text)
        return itk_error_set(ITK_EINVALID, "an instruction needs a kind, --to, --due and a text");
    if ((rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_registry_identify(&me, reg, tree, signer)) ||
        (rc = itk_registry_now(created, reg)) || (rc = itk_registry_offset(&offset, reg)))
        goto done;
    if (!itk_chain_is_ancestor(reg->repo, tree, me.party, o->to)) {
        rc = itk_error_set(ITK_EAUTH,
                           "%s is not below %s in the chain; instructions go to "
                           "descendants",
                           o->to, me.party);
        goto done;
    }
    if (strlen(o->due) == 10) {
        char tz[32];
        itk_format_time(tz, 0, offset);
        snprintf(due, sizeof(due), "%sT23:59:59%s", o->due, tz + 19);
    } else
        snprintf(due, sizeof(due), "%s", o->due);
    body = json_pack("{s:s, s:s, s:s, s:s}", "kind", o->kind, "to", o->to, "due", due, "text",
                     o->text);
    if (o->incident_ref)
        json_object_set_new(body, "incident_ref", json_string(o->incident_ref));
    if (o->item_count) {
        json_t *items = json_array();
        for (size_t i = 0; i < o->item_count; i++)
            json_array_append_new(items, json_string(o->item_ids[i]));
        json_object_set_new(body, "item_ids", items);
    }
    if ((rc = itk_change_new(&c, "instruct", "Instruct")) ||
        (rc = itk_record_append(&path, &id, c, reg, &me, created, "instruction", NULL, body, NULL)))
        goto done;
    itk_buf_clear(name);
    itk_buf_printf(name, "%s/%s", me.party, id.ptr);
    if (!(rc = itk_change_set_subject(c, "Instruct %s: %s, due %s", o->to, o->kind, due)))
        rc = itk_registry_commit(out, reg, signer, c);
done:
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

int itk_instruction_list(itk_instruction_info **out, size_t *count, itk_registry *reg,
                         const char *party)
{
    git_tree *tree = NULL;
    char **paths = NULL;
    size_t n = 0, got = 0;
    itk_instruction_info *list = NULL;
    *out = NULL;
    *count = 0;
    int rc = itk_registry_head_tree(&tree, reg);
    if (rc || (rc = itk_tree_records(&paths, &n, reg->repo, tree, NULL, NULL)))
        goto done;
    list = itk_calloc(n, sizeof(*list));
    if (!list) {
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
        }
        json_decref(rec);
    }
    /* an answer is any record citing the instruction */
    for (size_t i = 0; i < n; i++) {
        json_t *rec = NULL;
        if (itk_tree_read_json(&rec, reg->repo, tree, paths[i]))
            continue;
        const char *ref =
            json_string_value(json_object_get(json_object_get(rec, "body"), "instruction_ref"));
        for (size_t k = 0; ref && k < got; k++)
            if (!list[k].answer[0] && strcmp(list[k].name, ref) == 0) {
                itk_path_info pi;
                itk_path_classify(&pi, paths[i]);
                snprintf(list[k].answer, sizeof(list[k].answer), "%s/%s", pi.party, pi.id);
            }
        json_decref(rec);
    }
    itk_error_clear();
    *out = list;
    *count = got;
    list = NULL;
done:
    free(list);
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
