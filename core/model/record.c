/* Record types, id syntax, path classification and the record envelope
 * (DESIGN §3). Schema validation of a record's body is schema.c's job. */
#include "itaku/record.h"
#include "itaku/dates.h"
#include "itaku/errors.h"
#include "itaku/json.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const itk_record_type types[] = {
    {"party", "", "", 0, "party registration"},
    {"key", "", "keys", 0, "signing key"},
    {"key-event", "k", "key-events", 0, "key event"},
    {"form1", "f1", "forms/form1", 0, "form 1 (management system)"},
    {"form2", "f2", "forms/form2", 0, "form 2 (training report)"},
    {"register", "r", "register", 0, "form 3 (register entry)"},
    {"form4", "f4", "forms/form4", 0, "form 4 (implementation report)"},
    {"form5", "f5", "forms/form5", 0, "form 5 (erasure/disposal certificate)"},
    {"incident", "i", "incidents", 0, "incident report"},
    {"request", "q", "requests", 0, "request"},
    {"endorsement", "e", "endorsements", 1, "endorsement"},
    {"decision", "d", "decisions", 1, "decision"},
    {"instruction", "n", "instructions", 0, "instruction"},
    {"inspection", "x", "inspections", 0, "inspection result"},
    {"ack", "a", "acks", 0, "acknowledgement of obligations"},
    {"contract-amendment", "c", "contract-amendments", 0, "contract amendment"},
    {"draft", "dr", "drafts", 1, "draft decision (起案)"},
    {"seal", "s", "seals", 1, "seal on a draft decision (決裁印)"},
    {NULL, NULL, NULL, 0, NULL},
};

const itk_record_type *itk_record_types(void)
{
    return types;
}

const itk_record_type *itk_record_type_find(const char *type)
{
    for (const itk_record_type *t = types; t->type; t++)
        if (strcmp(t->type, type) == 0)
            return t;
    return NULL;
}

int itk_party_id_check(const char *id)
{
    size_t n = strlen(id);
    int ok = n >= 2 && n <= ITK_PARTY_ID_MAX && id[0] >= 'a' && id[0] <= 'z';
    for (size_t i = 1; ok && i < n; i++)
        ok = (id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-';
    if (!ok)
        return itk_error_set(ITK_EINVALID,
                             "'%.64s' is not a valid party id: use 2 to 31 characters a-z, 0-9 "
                             "and '-', starting with a letter",
                             id);
    return 0;
}

/* "SHA256-" followed by 43 characters of unpadded base64url. */
static int key_name_ok(const char *s)
{
    if (strncmp(s, "SHA256-", 7) != 0 || strlen(s) != 7 + 43)
        return 0;
    for (const char *p = s + 7; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return 0;
    return 1;
}

int itk_record_id_check(const itk_record_type *t, const char *id)
{
    if (strcmp(t->type, "key") == 0) {
        if (key_name_ok(id))
            return 0;
        return itk_error_set(ITK_EINVALID, "'%.80s' is not a valid key name (SHA256-<base64url>)",
                             id);
    }
    if (strcmp(t->type, "party") == 0)
        return itk_party_id_check(id);
    size_t pl = strlen(t->prefix);
    int ok = strncmp(id, t->prefix, pl) == 0 && id[pl] == '-' && strlen(id) == pl + 7;
    for (size_t i = pl + 1; ok && i < pl + 7; i++)
        ok = id[i] >= '0' && id[i] <= '9';
    if (!ok)
        return itk_error_set(ITK_EINVALID, "'%.80s' is not a valid %s id (expected %s-NNNNNN)", id,
                             t->type, t->prefix);
    return 0;
}

static int copy_component(char *dst, size_t cap, const char *src, size_t len)
{
    if (len == 0 || len >= cap)
        return -1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

/* "<name>.v<N><suffix>" with name [a-z0-9-]+ and N a positive integer. */
static int versioned_name_ok(const char *s, const char *suffix)
{
    const char *v = strstr(s, ".v");
    if (!v || v == s)
        return 0;
    for (const char *p = s; p < v; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-')
            return 0;
    const char *d = v + 2;
    if (*d < '1' || *d > '9')
        return 0;
    while (isdigit((unsigned char)*d))
        d++;
    return strcmp(d, suffix) == 0;
}

static int is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

static void classify_file(itk_path_info *out, const itk_record_type *t, const char *file)
{
    size_t n = strlen(file);
    if (strchr(file, '/') || n <= 5 || strcmp(file + n - 5, ".json") != 0 ||
        copy_component(out->id, sizeof(out->id), file, n - 5))
        return;
    itk_error_clear();
    if (itk_record_id_check(t, out->id))
        return;
    out->type = t;
    out->kind = strcmp(t->type, "key") == 0 ? ITK_PATH_KEY : ITK_PATH_RECORD;
}

void itk_path_classify(itk_path_info *out, const char *path)
{
    memset(out, 0, sizeof(*out));
    if (strcmp(path, "README.md") == 0) {
        out->kind = ITK_PATH_README;
        return;
    }
    if (strcmp(path, "itaku.json") == 0) {
        out->kind = ITK_PATH_CONTRACT;
        return;
    }
    if (strncmp(path, "obligations/", 12) == 0) {
        if (!strchr(path + 12, '/') && versioned_name_ok(path + 12, ".json"))
            out->kind = ITK_PATH_OBLIGATIONS;
        return;
    }
    if (strncmp(path, "labels/", 7) == 0) {
        if (!strchr(path + 7, '/') && versioned_name_ok(path + 7, ".json"))
            out->kind = ITK_PATH_LABELS;
        return;
    }
    if (strncmp(path, "schemas/", 8) == 0) {
        if (!strchr(path + 8, '/') && versioned_name_ok(path + 8, ".schema.json"))
            out->kind = ITK_PATH_SCHEMA;
        return;
    }
    if (strncmp(path, "parties/", 8) != 0)
        return;
    const char *p = path + 8;
    const char *slash = strchr(p, '/');
    if (!slash || copy_component(out->party, sizeof(out->party), p, (size_t)(slash - p)))
        return;
    itk_error_clear();
    if (itk_party_id_check(out->party))
        return;
    const char *rest = slash + 1;
    if (strcmp(rest, "party.json") == 0) {
        out->kind = ITK_PATH_PARTY;
        out->type = itk_record_type_find("party");
        strcpy(out->id, out->party);
        return;
    }
    if (strncmp(rest, "attachments/", 12) == 0) {
        if (is_hex64(rest + 12)) {
            out->kind = ITK_PATH_ATTACHMENT;
            strcpy(out->id, rest + 12);
        }
        return;
    }
    for (const itk_record_type *t = types + 1; t->type; t++) {
        size_t fl = strlen(t->folder);
        if (strncmp(rest, t->folder, fl) != 0 || rest[fl] != '/')
            continue;
        const char *file = rest + fl + 1;
        if (t->per_requester) {
            const char *s = strchr(file, '/');
            if (!s ||
                copy_component(out->requester, sizeof(out->requester), file, (size_t)(s - file)))
                return;
            itk_error_clear();
            if (itk_party_id_check(out->requester))
                return;
            file = s + 1;
        }
        classify_file(out, t, file);
        return;
    }
}

int itk_record_path(itk_buf *out, const itk_record_type *t, const char *party,
                    const char *requester, const char *id)
{
    itk_buf_clear(out);
    if (strcmp(t->type, "party") == 0)
        return itk_buf_printf(out, "parties/%s/party.json", party);
    if (t->per_requester)
        return itk_buf_printf(out, "parties/%s/%s/%s/%s.json", party, t->folder, requester, id);
    return itk_buf_printf(out, "parties/%s/%s/%s.json", party, t->folder, id);
}

int itk_key_name_from_fingerprint(itk_buf *out, const char *fpr)
{
    itk_buf_clear(out);
    if (strncmp(fpr, "SHA256:", 7) != 0)
        return itk_error_set(ITK_EINVALID, "'%.80s' is not a SHA256 fingerprint", fpr);
    int rc = itk_buf_puts(out, "SHA256-");
    for (const char *p = fpr + 7; !rc && *p; p++)
        rc = itk_buf_putc(out, *p == '+' ? '-' : *p == '/' ? '_' : *p);
    if (!rc && !key_name_ok(out->ptr))
        rc = itk_error_set(ITK_EINVALID, "'%.80s' is not a SHA256 fingerprint", fpr);
    return rc;
}

int itk_rfc3339_check(const char *s)
{
    long long t;
    return itk_time_parse(&t, s, 0, ITK_TIME_NO_DAY);
}

int itk_record_build(itk_buf *out, const itk_record_fields *f)
{
    if (!json_is_object(f->body))
        return itk_error_set(ITK_EINVALID, "a record's body must be a JSON object");
    json_t *env = json_object();
    json_object_set_new(env, "type", json_string(f->type));
    char schema[64];
    snprintf(schema, sizeof(schema), "%s.v1", f->type);
    json_object_set_new(env, "schema", json_string(f->schema ? f->schema : schema));
    json_object_set_new(env, "id", json_string(f->id));
    json_object_set_new(env, "party", json_string(f->party));
    json_object_set_new(env, "created", json_string(f->created));
    if (f->supersedes)
        json_object_set_new(env, "supersedes", json_string(f->supersedes));
    if (f->refs)
        json_object_set(env, "refs", f->refs);
    json_object_set(env, "body", f->body);
    int rc = itk_json_canonical(out, env);
    json_decref(env);
    return rc;
}

static const char *str_field(json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

int itk_record_check(json_t **out, const char *path, const char *data, size_t len)
{
    itk_path_info pi;
    itk_path_classify(&pi, path);
    if (!pi.type ||
        (pi.kind != ITK_PATH_RECORD && pi.kind != ITK_PATH_KEY && pi.kind != ITK_PATH_PARTY))
        return itk_error_set(ITK_EINVALID, "%s is not a record path", path);
    int rc = itk_json_check_canonical(data, len, path);
    if (rc)
        return rc;
    json_t *rec;
    if ((rc = itk_json_parse(&rec, data, len, path)))
        return rc;
    static const char *allowed[] = {"type",    "schema",     "id",   "party",
                                    "created", "supersedes", "refs", "body"};
    const char *key;
    json_t *v;
    if (!json_is_object(rec)) {
        rc = itk_error_set(ITK_EINVALID, "%s: a record must be a JSON object", path);
        goto done;
    }
    json_object_foreach(rec, key, v)
    {
        size_t i;
        for (i = 0; i < sizeof(allowed) / sizeof(*allowed); i++)
            if (strcmp(key, allowed[i]) == 0)
                break;
        if (i == sizeof(allowed) / sizeof(*allowed)) {
            rc = itk_error_set(ITK_EINVALID, "%s: unknown envelope field '%.64s'", path, key);
            goto done;
        }
    }
    const char *type = str_field(rec, "type"), *id = str_field(rec, "id"),
               *party = str_field(rec, "party"), *created = str_field(rec, "created"),
               *schema = str_field(rec, "schema");
    if (!type || !id || !party || !created || !schema) {
        rc = itk_error_set(ITK_EINVALID,
                           "%s: the envelope needs string fields type, schema, id, party and "
                           "created",
                           path);
        goto done;
    }
    if (strcmp(type, pi.type->type) != 0 || strcmp(id, pi.id) != 0 ||
        strcmp(party, pi.party) != 0) {
        rc = itk_error_set(ITK_EINVALID,
                           "%s: envelope says type '%.32s', party '%.32s', id '%.64s', which "
                           "disagrees with its path",
                           path, type, party, id);
        goto done;
    }
    size_t tl = strlen(type);
    if (strncmp(schema, type, tl) != 0 || !versioned_name_ok(schema, "")) {
        rc = itk_error_set(ITK_EINVALID, "%s: schema '%.64s' is not '%s.v<N>'", path, schema, type);
        goto done;
    }
    if ((rc = itk_rfc3339_check(created))) {
        rc = itk_error_set(rc, "%s: created: %s", path, itk_error_last());
        goto done;
    }
    json_t *sup = json_object_get(rec, "supersedes");
    if (sup && (!json_is_string(sup) || itk_record_id_check(pi.type, json_string_value(sup)) ||
                strcmp(json_string_value(sup), id) == 0)) {
        rc = itk_error_set(ITK_EINVALID, "%s: supersedes must name another %s record", path, type);
        goto done;
    }
    json_t *refs = json_object_get(rec, "refs");
    if (refs && !json_is_array(refs) && !json_is_object(refs)) {
        rc = itk_error_set(ITK_EINVALID, "%s: refs must be an array or an object", path);
        goto done;
    }
    if (!json_is_object(json_object_get(rec, "body"))) {
        rc = itk_error_set(ITK_EINVALID, "%s: body must be a JSON object", path);
        goto done;
    }
done:
    if (rc || !out)
        json_decref(rec);
    else
        *out = rec;
    return rc;
}
