/* Filled-in forms as people save them: see itaku/form_input.h. */
#include "itaku/form_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itaku/datetime_input.h"
#include "itaku/errors.h"
#include "intl.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/labels.h"
#include "itaku/person_name.h"
#include "itaku/textnorm.h"
#include "itaku/schema.h"
#include "template.h"

/* How deep a schema or a body is walked (the city's forms nest 3 levels). */
#define FORM_INPUT_MAX_DEPTH 16
/* How many subschemas (allOf, anyOf, oneOf, then, else) one object gathers. */
#define FORM_INPUT_MAX_PARTS 32

int itk_form_input_schema(json_t **out, char name[64], itk_registry *reg, const char *type)
{
    *out = NULL;
    if (reg)
        return itk_form_schema(out, name, reg, type);
    long v = strchr(type, '/') ? 0 : itk_schema_carried(type);
    char path[128];
    snprintf(path, sizeof(path), "schemas/%.60s.v%ld.schema.json", type, v);
    for (const itk_template_file *f = itk_template_files; v && f->path; f++) {
        if (strcmp(f->path, path) != 0)
            continue;
        json_t *s = NULL;
        int rc = itk_json_parse(&s, (const char *)f->data, f->size, path);
        if (!rc && (rc = itk_schema_check(s, path)))
            json_decref(s);
        if (!rc) {
            *out = s;
            snprintf(name, 64, "%.40s.v%ld", type, v);
        }
        return rc;
    }
    return itk_error_set(ITK_ENOTFOUND, "no schema for record type '%.40s'", type);
}

typedef struct {
    const json_t *root;
    itk_buf *notes;
    itk_buf errors;
    int offset;
    char type[48];      /* the record type, from the schema's $id ("" unknown) */
    itk_labels *labels; /* the built-in catalog, opened at the first need */
    int labels_tried;
    const char *issuer;    /* whose instructions a short instruction_ref names */
    json_t *unread;        /* the paths of the fields refused in errors, as keys */
    itk_form_more_fn more; /* more problems of the body, listed with these (NULL: none) */
    void *more_arg;
} nctx;

/* The field at path was refused in c->errors: the schema says nothing
 * more of it (itk_schema_validate_skip). */
static void unread(nctx *c, const char *path)
{
    if (c->unread)
        json_object_set_new(c->unread, path, json_true());
}

int itk_record_id_input(char *out, size_t outsz, const char *typed, const char *party,
                        const char *prefix)
{
    itk_buf n = ITK_BUF_INIT;
    int done = 0;
    snprintf(out, outsz, "%s", typed ? typed : "");
    if (!typed || itk_nfkc(&n, typed, strlen(typed)) || !n.ptr) {
        itk_error_clear();
        itk_buf_dispose(&n);
        return 0;
    }
    const char *s = n.ptr;
    while (*s == ' ')
        s++;
    const char *slash = strchr(s, '/');
    char who[64] = "", pre[16] = "";
    if (slash) {
        if ((size_t)(slash - s) >= sizeof(who) || slash == s)
            goto out;
        snprintf(who, sizeof(who), "%.*s", (int)(slash - s), s);
        if (itk_party_id_check(who) != 0) {
            itk_error_clear();
            goto out; /* "../../x": no party's id */
        }
        s = slash + 1;
    } else if (party && *party)
        snprintf(who, sizeof(who), "%.63s", party);
    /* the prefix as typed, in either case: letters, then letters or
     * digits, ended by '-' ("f1-5", "R-2"); a known prefix of letters alone
     * may run on into the number ("n5") */
    size_t pl = 0;
    if ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') {
        pl = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (s[pl] != '-') {
            pl = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
            if (!prefix || pl != strlen(prefix))
                goto out;
        }
        if (pl >= sizeof(pre))
            goto out;
        for (size_t i = 0; i < pl; i++)
            pre[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] | 0x20 : s[i]);
        if (prefix && strcmp(pre, prefix) != 0)
            goto out;
        s += pl + (s[pl] == '-');
    } else if (prefix)
        snprintf(pre, sizeof(pre), "%.15s", prefix);
    else
        goto out; /* a number alone, and no type to say what it numbers */
    size_t digits = strspn(s, "0123456789");
    const char *end = s + digits;
    while (*end == ' ')
        end++;
    if (digits == 0 || digits > 6 || *end)
        goto out;
    long v = strtol(s, NULL, 10);
    if (v <= 0)
        goto out;
    char canon[128];
    snprintf(canon, sizeof(canon), "%s%s%s-%06ld", who, who[0] ? "/" : "", pre, v);
    if (strcmp(canon, typed) != 0) {
        snprintf(out, outsz, "%s", canon);
        done = 1;
    }
out:
    itk_buf_dispose(&n);
    return done;
}

int itk_instruction_ref_input(char *out, size_t outsz, const char *typed, const char *issuer)
{
    return itk_record_id_input(out, outsz, typed, issuer, "n");
}

/* 1 when s is an instruction id as a record stores it: <party>/n-NNNNNN. */
static int instruction_id(const char *s)
{
    const char *slash = strchr(s, '/');
    size_t pl = slash ? (size_t)(slash - s) : 0;
    if (pl < 2 || pl > 31 || s[0] < 'a' || s[0] > 'z' ||
        strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") != pl)
        return 0;
    return strncmp(slash + 1, "n-", 2) == 0 && strspn(slash + 3, "0123456789") == 6 &&
           slash[9] == '\0';
}

const char *itk_instruction_ref_forms(void)
{
    return itk__("<party>/n-000005, or n-000005, n-5 or 5 (full-width digits too)");
}

/* A choice typed as the city's word for it (受領, USBメモリ) or as its code
 * in another case or width: the code of enum it names, found through the
 * labels catalog (domain "<type>.<key>", then "<key>") and compared with
 * itk_label_equal; NULL when it names none. */
static const char *enum_code(nctx *c, const json_t *en, const char *key, const char *typed)
{
    const json_t *v;
    size_t i;
    json_array_foreach(en, i, v) if (json_is_string(v) &&
                                     strcmp(json_string_value(v), typed) == 0) return NULL;
    if (!c->labels_tried) {
        c->labels_tried = 1;
        if (itk_labels_builtin(&c->labels, "ja"))
            itk_error_clear();
    }
    json_array_foreach(en, i, v)
    {
        const char *code = json_string_value(v);
        if (!code)
            continue;
        const char *label = itk_labels_field(c->labels, c->type, key, code);
        if (itk_label_equal(code, typed) || (label && itk_label_equal(label, typed)))
            return code;
    }
    itk_error_clear();
    return NULL;
}

/* 1 when msgid has a translation (a Japanese screen): notes then name a
 * field by the paper form's term and a choice by its label. */
static int translated(const char *msgid)
{
    /* dgettext gives msgid itself back when there is no translation */
    return itk__(msgid) != msgid;
}

/* The field at path as a note about msgid names it: on a translated screen
 * the schema's title (the paper form's term), with the row's number when
 * path ends in one, "区分", "状況（2 行目）"; else (or without a title) the
 * path. The key is what a program reads; a person reads the form's words. */
static const char *field_shown(char *out, size_t cap, const json_t *ps, const char *path,
                               const char *msgid)
{
    const char *title = json_string_value(json_object_get(ps, "title"));
    size_t n = strlen(path);
    if (!title || !*title || !translated(msgid)) {
        snprintf(out, cap, "%s", path);
        return out;
    }
    const char *open = n && path[n - 1] == ']' ? strrchr(path, '[') : NULL;
    const char *dot = strrchr(path, '.');
    if (open && (!dot || dot < open)) {
        /* "attendees[1]": the row of the list whose title is given */
        char row[64];
        snprintf(row, sizeof(row), itk__(" (row %zu)"), (size_t)strtoul(open + 1, NULL, 10) + 1);
        snprintf(out, cap, "%s%s", title, row);
    } else
        snprintf(out, cap, "%s", title);
    return out;
}

#define CHOICE_NOTE ITK_N_("%s: '%s' taken as the choice %s\n")

/* Rewrites *v (a string under key) to the enum code it names, noting it. */
static json_t *choice(nctx *c, const json_t *ps, const char *key, json_t *v, const char *path)
{
    const json_t *en = json_object_get(ps, "enum");
    const char *typed = json_string_value(v);
    const char *code = en && typed ? enum_code(c, en, key, typed) : NULL;
    if (!code)
        return NULL;
    if (c->notes) {
        char fname[320];
        const char *label = translated(CHOICE_NOTE) && c->labels
                                ? itk_labels_field(c->labels, c->type, key, code)
                                : NULL;
        /* the choice by the form's word on a translated screen; typed as
         * that word exactly, nothing needs saying */
        if (!label || strcmp(label, typed) != 0)
            itk_buf_printf(c->notes, itk__(CHOICE_NOTE),
                           field_shown(fname, sizeof(fname), ps, path, CHOICE_NOTE), typed,
                           label ? label : code);
    }
    return json_string(code);
}

static const json_t *resolve(const nctx *c, const json_t *s)
{
    for (int i = 0; i < FORM_INPUT_MAX_DEPTH && json_is_object(s); i++) {
        const char *ref = json_string_value(json_object_get(s, "$ref"));
        if (!ref || strncmp(ref, "#/$defs/", 8) != 0)
            return s;
        s = json_object_get(json_object_get(c->root, "$defs"), ref + 8);
    }
    return json_is_object(s) ? s : NULL;
}

/* s and the subschemas that also describe the same instance. */
static void gather(const nctx *c, const json_t *s, const json_t **parts, size_t *n, int depth)
{
    s = resolve(c, s);
    if (!s || *n == FORM_INPUT_MAX_PARTS || depth > FORM_INPUT_MAX_DEPTH)
        return;
    parts[(*n)++] = s;
    static const char *const lists[] = {"allOf", "anyOf", "oneOf"};
    for (size_t k = 0; k < 3; k++) {
        const json_t *a = json_object_get(s, lists[k]), *v;
        size_t i;
        json_array_foreach(a, i, v) gather(c, v, parts, n, depth + 1);
    }
    gather(c, json_object_get(s, "then"), parts, n, depth + 1);
    gather(c, json_object_get(s, "else"), parts, n, depth + 1);
}

static int is_due(const char *key)
{
    size_t n = strlen(key);
    return strcmp(key, "due") == 0 || (n > 4 && strcmp(key + n - 4, "_due") == 0);
}

int itk_form_date_mode(const char *key, const char *format)
{
    if (!format)
        return -1;
    if (strcmp(format, "date") == 0)
        return ITK_DATE_DAY;
    if (strcmp(format, "date-time") != 0)
        return -1;
    return key && is_due(key) ? ITK_DATE_END : ITK_DATE_START;
}

static void walk(nctx *c, json_t *inst, const json_t *schema, const char *path, int depth);

/* A number or code (a field whose pattern admits ASCII alone: a telephone
 * number, a worker number, an e-mail address) typed in full-width forms,
 * with dash look-alikes or, where the pattern has no upper case, in upper
 * case, and a field "phone" whatever its pattern: rewritten as itk_number_typed (and
 * itk_label_key's case fold) makes it, noting it; the schema then judges the result. 1 when
 * rewritten. */
static int number(nctx *c, json_t *parent, const char *key, json_t *v, const json_t *ps,
                  const char *path)
{
    const char *pattern = json_string_value(json_object_get(ps, "pattern"));
    const char *typed = json_string_value(v);
    /* a telephone number is one wherever a schema lets it be free text
     * (the contract's contacts) */
    int phone = strcmp(key, "phone") == 0;
    if (!typed || json_object_get(ps, "format") || (!phone && (!pattern || strstr(pattern, "[^"))))
        return 0;
    itk_buf n = ITK_BUF_INIT;
    int rc =
        phone || strstr(pattern, "A-Z") ? itk_number_typed(&n, typed) : itk_label_key(&n, typed);
    int done = !rc && n.ptr && strcmp(n.ptr, typed) != 0;
    itk_error_clear();
    if (done) {
        if (c->notes) {
            const char *msg = ITK_N_("%s: '%s' taken as %s\n");
            char fname[320];
            itk_buf_printf(c->notes, itk__(msg), field_shown(fname, sizeof(fname), ps, path, msg),
                           typed, n.ptr);
        }
        json_object_set_new(parent, key, json_string(n.ptr));
    }
    itk_buf_dispose(&n);
    return done;
}

static void field(nctx *c, json_t *parent, const char *key, json_t *v, const json_t *ps,
                  const char *path)
{
    json_t *code = choice(c, ps, key, v, path);
    if (code) {
        json_object_set_new(parent, key, code);
        return;
    }
    char ref[128];
    const char *typed_ref = strcmp(key, "instruction_ref") == 0 ? json_string_value(v) : NULL;
    if (typed_ref && !itk_instruction_ref_input(ref, sizeof(ref), typed_ref, c->issuer) &&
        !instruction_id(typed_ref)) {
        /* none of the forms a person may type: say them (the schema would
         * say only the stored one) */
        const char *msg = ITK_N_("%s: '%s' is not an instruction reference; write %s\n");
        char fname[320];
        itk_buf_printf(&c->errors, itk__(msg), field_shown(fname, sizeof(fname), ps, path, msg),
                       typed_ref, itk_instruction_ref_forms());
        unread(c, path);
        return;
    }
    /* a short form is completed with the party above; with none (the city,
     * or outside a registry) the schema refuses it; city/n-5 needs none */
    if (typed_ref && ((c->issuer && *c->issuer) || strchr(typed_ref, '/')) &&
        itk_instruction_ref_input(ref, sizeof(ref), typed_ref, c->issuer)) {
        if (c->notes) {
            const char *msg = ITK_N_("%s: '%s' taken as the instruction %s\n");
            char fname[320];
            itk_buf_printf(c->notes, itk__(msg), field_shown(fname, sizeof(fname), ps, path, msg),
                           json_string_value(v), ref);
        }
        json_object_set_new(parent, key, json_string(ref));
        return;
    }
    if (number(c, parent, key, v, ps, path))
        return;
    int m = itk_form_date_mode(key, json_string_value(json_object_get(ps, "format")));
    if (m < 0)
        return;
    itk_date_alone mode = (itk_date_alone)m;
    char out[ITK_DATETIME_OUT];
    int alone = 0;
    const char *typed = json_string_value(v);
    if (typed && !typed[0]) {
        /* a required date left "" as the template has it (an optional one
         * is taken out before) */
        const char *msg = ITK_N_("%s: left \"\" as in the template; it is required: write the "
                                 "date, like 2026-12-01 or 令和8年12月1日\n");
        char fname[320];
        itk_buf_printf(&c->errors, itk__(msg), field_shown(fname, sizeof(fname), ps, path, msg));
        unread(c, path);
        return;
    }
    if (itk_datetime_input(out, &alone, typed, c->offset, mode) < 0) {
        char fname[320];
        itk_buf_printf(&c->errors, "%s: %s\n",
                       field_shown(fname, sizeof(fname), ps, path, " (row %zu)"), itk_error_last());
        unread(c, path);
        return;
    }
    if (alone && mode != ITK_DATE_DAY && c->notes) {
        const char *msg =
            mode == ITK_DATE_END
                ? ITK_N_("%s: '%s' is a date alone: taken as the end of that day, %s\n")
                : ITK_N_("%s: '%s' is a date alone: taken as the start of that day, %s\n");
        char fname[320];
        itk_buf_printf(c->notes, itk__(msg), field_shown(fname, sizeof(fname), ps, path, msg),
                       typed, out);
    }
    if (strcmp(out, typed) != 0)
        json_object_set_new(parent, key, json_string(out));
}

/* 1 when inst is a value as `itaku form template` writes it and nobody
 * touched: every string "" (at least one), every other leaf the template's
 * 0, false, null or the schema's const, at any depth. */
static int untouched(const nctx *c, const json_t *inst, const json_t *schema, int *blank, int depth)
{
    if (depth > FORM_INPUT_MAX_DEPTH)
        return 0;
    const json_t *parts[FORM_INPUT_MAX_PARTS];
    size_t n = 0;
    gather(c, schema, parts, &n, 0);
    for (size_t p = 0; p < n; p++) {
        const json_t *k = json_object_get(parts[p], "const");
        if (k && json_equal(k, inst))
            return 1;
    }
    if (json_is_string(inst)) {
        if (json_string_length(inst) != 0)
            return 0;
        (*blank)++;
        return 1;
    }
    if (json_is_null(inst) || json_is_false(inst) ||
        (json_is_integer(inst) && json_integer_value(inst) == 0) ||
        (json_is_real(inst) && json_real_value(inst) == 0))
        return 1;
    if (json_is_array(inst)) {
        const json_t *items = NULL, *v;
        size_t i;
        for (size_t p = 0; p < n && !items; p++)
            items = json_object_get(parts[p], "items");
        json_array_foreach(inst, i, v) if (!untouched(c, v, items, blank, depth + 1)) return 0;
        return 1;
    }
    if (!json_is_object(inst))
        return 0;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)inst, key, v)
    {
        const json_t *ps = NULL;
        for (size_t p = 0; p < n && !ps; p++)
            ps = json_object_get(json_object_get(parts[p], "properties"), key);
        if (!untouched(c, v, ps, blank, depth + 1))
            return 0;
    }
    return 1;
}

static int is_untouched(const nctx *c, const json_t *inst, const json_t *schema)
{
    int blank = 0;
    return untouched(c, inst, schema, &blank, 0) && blank > 0;
}

/* The rows of the list v (at path, schema ps) left as the template wrote
 * them are taken out, each noted; how many were. */
static size_t drop_rows(nctx *c, json_t *v, const json_t *ps, const char *path);

/* A field a note about a form left as the template wrote it names: on a
 * translated screen as field_shown does (the form's words alone); in
 * English the schema's title with the path, "対象期間 (period)", the words
 * of the Japanese paper form beside the key. */
static const char *field_name(char *out, size_t outsz, const json_t *ps, const char *path,
                              const char *msgid)
{
    const char *title = json_string_value(json_object_get(ps, "title"));
    if (translated(msgid) || !title || !*title)
        return field_shown(out, outsz, ps, path, msgid);
    snprintf(out, outsz, itk__("%s (%s)"), title, path);
    return out;
}

/* An optional field left as the template wrote it (issue 16, point 1): an
 * object or array whose every leaf is "" is taken as not given, and so are
 * the rows of an optional array left so; each noted. 1 when the field was
 * removed from parent. */
static int drop_untouched(nctx *c, json_t *parent, const char *key, json_t *v, const json_t *ps,
                          const char *path)
{
    char name[768];
    if (!json_is_object(v) && !json_is_array(v))
        return 0;
    if (is_untouched(c, v, ps)) {
        if (c->notes) {
            const char *msg = ITK_N_("%s: left empty as in the template: taken as not given\n");
            itk_buf_printf(c->notes, itk__(msg), field_name(name, sizeof(name), ps, path, msg));
        }
        json_object_del(parent, key);
        return 1;
    }
    if (json_is_array(v))
        drop_rows(c, v, ps, path);
    return 0;
}

/* The rows of a required list (v, at path) left as the template wrote them
 * are taken out, each noted, as those of an optional list are; when none
 * is left and the list needs one, a refusal says the row is still the
 * template's example and which fields to fill in. */
static void required_rows(nctx *c, json_t *v, const json_t *ps, const char *path)
{
    if (!json_is_array(v) || !json_array_size(v) || !drop_rows(c, v, ps, path) ||
        json_array_size(v))
        return;
    const json_t *parts[FORM_INPUT_MAX_PARTS], *items = NULL;
    json_int_t min = 0;
    size_t n = 0;
    gather(c, ps, parts, &n, 0);
    for (size_t p = 0; p < n; p++) {
        if (!items)
            items = json_object_get(parts[p], "items");
        json_int_t m = json_integer_value(json_object_get(parts[p], "minItems"));
        min = m > min ? m : min;
    }
    if (min < 1)
        return;
    /* what a row needs: its required fields, by the form's words */
    const json_t *iparts[FORM_INPUT_MAX_PARTS];
    size_t in = 0;
    itk_buf need = ITK_BUF_INIT;
    gather(c, items, iparts, &in, 0);
    for (size_t p = 0; p < in; p++) {
        const json_t *r = json_object_get(iparts[p], "required"), *x;
        size_t i;
        json_array_foreach(r, i, x)
        {
            const char *k = json_string_value(x);
            const json_t *f =
                k ? resolve(c, json_object_get(json_object_get(iparts[p], "properties"), k)) : NULL;
            const char *title = json_string_value(json_object_get(f, "title"));
            static const char sep[] = ITK_N_(", ");
            if (!k)
                continue;
            if (need.size)
                itk_buf_puts(&need, itk__(sep));
            itk_buf_puts(&need, title && *title && translated(sep) ? title : k);
        }
    }
    const char *msg =
        need.size ? ITK_N_("%s: the row is still the template's example (every field left as it "
                           "was); fill in %s for at least one row\n")
                  : ITK_N_("%s: the row is still the template's example (every field left as it "
                           "was); fill it in\n");
    char name[768];
    itk_buf_printf(&c->errors, itk__(msg), field_shown(name, sizeof(name), ps, path, msg),
                   need.size ? need.ptr : "");
    unread(c, path);
    itk_buf_dispose(&need);
}

static size_t drop_rows(nctx *c, json_t *v, const json_t *ps, const char *path)
{
    const json_t *parts[FORM_INPUT_MAX_PARTS], *items = NULL;
    size_t n = 0, dropped = 0;
    char name[768];
    gather(c, ps, parts, &n, 0);
    for (size_t p = 0; p < n && !items; p++)
        items = json_object_get(parts[p], "items");
    size_t at = 0;
    for (size_t i = 0; at < json_array_size(v); i++) {
        if (!is_untouched(c, json_array_get(v, at), items)) {
            at++;
            continue;
        }
        if (c->notes) {
            char row[600];
            const char *msg =
                ITK_N_("%s: a row left empty as in the template: taken as not given\n");
            snprintf(row, sizeof(row), "%s[%zu]", path, i);
            itk_buf_printf(c->notes, itk__(msg), field_name(name, sizeof(name), ps, row, msg));
        }
        json_array_remove(v, at);
        dropped++;
    }
    return dropped;
}

static void walk(nctx *c, json_t *inst, const json_t *schema, const char *path, int depth)
{
    if (depth > FORM_INPUT_MAX_DEPTH)
        return;
    const json_t *parts[FORM_INPUT_MAX_PARTS];
    size_t n = 0;
    gather(c, schema, parts, &n, 0);
    char sub[512];
    if (json_is_array(inst)) {
        json_t *v;
        size_t i;
        for (size_t p = 0; p < n; p++) {
            const json_t *items = json_object_get(parts[p], "items");
            if (!items)
                continue;
            const json_t *ips = resolve(c, items);
            const char *key = strrchr(path, '.') ? strrchr(path, '.') + 1 : path;
            json_array_foreach(inst, i, v)
            {
                snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
                json_t *code = json_is_string(v) && ips ? choice(c, ips, key, v, sub) : NULL;
                if (code)
                    json_array_set_new(inst, i, code);
                else
                    walk(c, v, items, sub, depth + 1);
            }
            break;
        }
        return;
    }
    if (!json_is_object(inst))
        return;
    const char *key;
    json_t *v, *tmp;
    json_object_foreach_safe(inst, tmp, key, v)
    {
        const json_t *ps = NULL;
        int required = 0;
        for (size_t p = 0; p < n; p++) {
            const json_t *r = json_object_get(parts[p], "required"), *x;
            size_t i;
            json_array_foreach(r, i, x) required |=
                json_is_string(x) && strcmp(json_string_value(x), key) == 0;
            if (!ps)
                ps = resolve(c, json_object_get(json_object_get(parts[p], "properties"), key));
        }
        if (!ps)
            continue;
        snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
        if (json_is_string(v) && json_string_length(v) == 0 && !required) {
            const char *msg = ITK_N_("%s: left \"\" as in the template: taken as not given\n");
            char fname[320];
            if (c->notes)
                itk_buf_printf(c->notes, itk__(msg),
                               field_shown(fname, sizeof(fname), ps, sub, msg));
            json_object_del(inst, key);
            continue;
        }
        if (!required && drop_untouched(c, inst, key, v, ps, sub))
            continue;
        if (required)
            required_rows(c, v, ps, sub);
        if (json_is_string(v))
            field(c, inst, key, v, ps, sub);
        else
            walk(c, v, ps, sub, depth + 1);
    }
}

/* The schema's problems with body, after those the reader found (c's
 * errors), so that a form's problems are said at once: the fields already
 * refused left out; at most ITK_FORM_PROBLEMS_MAX lines in all, then how
 * many more there are. A schema that cannot be used adds nothing (the
 * write's own validation says so). */
static void schema_problems(nctx *c, const json_t *body, const json_t *schema)
{
    const char *id = json_string_value(json_object_get(schema, "$id"));
    const char *v = id ? strrchr(id, ':') : NULL;
    long version = v && v[1] == 'v' ? strtol(v + 2, NULL, 10) : 0;
    itk_buf more = ITK_BUF_INIT;
    /* a person's name said in words first, as a write says it (forms.h) */
    if (version > 0 && itk_person_names_list(&more, c->unread, schema, c->type, body) == 0 &&
        more.size)
        itk_buf_put(&c->errors, more.ptr, more.size);
    itk_buf_clear(&more);
    if (version > 0 &&
        itk_schema_validate_skip(&more, schema, version, body, c->type, c->unread) == ITK_EINVALID)
        itk_buf_put(&c->errors, more.ptr, more.size);
    itk_error_clear();
    itk_buf_dispose(&more);
    /* the caller's (what the form cites), in the same list */
    if (c->more)
        c->more(&c->errors, body, c->more_arg);
    itk_form_problems_cap(&c->errors);
}

void itk_form_problems_cap(itk_buf *list)
{
    size_t lines = 0, kept = 0, at = 0;
    for (size_t i = 0; i < list->size; i++)
        if (list->ptr[i] == '\n') {
            lines++;
            if (kept == lines - 1 && kept < ITK_FORM_PROBLEMS_MAX &&
                i + 1 <= ITK_FORM_PROBLEMS_BYTES) {
                kept++;
                at = i + 1;
            }
        }
    if (lines > kept) {
        list->size = at;
        list->ptr[at] = '\0';
        itk_buf_printf(list, itk__("... and %zu more problems; correct these first\n"),
                       lines - kept);
    }
}

int itk_form_body_normalise(json_t *body, itk_buf *notes, const json_t *schema, int offset_minutes)
{
    return itk_form_body_normalise_as(body, notes, schema, offset_minutes, NULL);
}

/* Whether v holds a string anyone wrote: the template gives every field
 * as "" (a yes/no field as true), and the reader has taken out the optional
 * fields and the rows left so. */
static int any_written(const json_t *v)
{
    if (json_is_string(v))
        return json_string_length(v) > 0;
    const char *key;
    json_t *x;
    size_t i;
    if (json_is_object(v))
        json_object_foreach((json_t *)v, key, x) if (any_written(x)) return 1;
    if (json_is_array(v))
        json_array_foreach(v, i, x) if (any_written(x)) return 1;
    return 0;
}

/* itk_form_body_normalise_as, more (NULL: none) adding its problems to the
 * list when there are problems; a form of which nothing was written (as
 * `itaku form new` gave it) is said so first, before the list of its
 * fields. */
static int normalise_more(json_t *body, itk_buf *notes, const json_t *schema, int offset_minutes,
                          const char *issuer, itk_form_more_fn more, void *more_arg)
{
    nctx c = {schema, notes,  ITK_BUF_INIT,  offset_minutes, "",      NULL,
              0,      issuer, json_object(), more,           more_arg};
    /* "urn:itaku:schema:<type>:v<N>": the type names the labels' domains */
    const char *id = json_string_value(json_object_get(schema, "$id"));
    const char *t = id && strncmp(id, "urn:itaku:schema:", 17) == 0 ? id + 17 : NULL;
    const char *colon = t ? strchr(t, ':') : NULL;
    if (colon && (size_t)(colon - t) < sizeof(c.type))
        snprintf(c.type, sizeof(c.type), "%.*s", (int)(colon - t), t);
    walk(&c, body, schema, "", 0);
    itk_labels_free(c.labels);
    /* persons' names as the register has them (itk_record_submit makes
     * them so too), said here when changed */
    int rc =
        json_is_object(body) && c.type[0] ? itk_person_names_input_noted(c.type, body, notes) : 0;
    if (c.errors.size)
        schema_problems(&c, body, schema);
    if (c.errors.size && !any_written(body)) {
        itk_buf lead = ITK_BUF_INIT;
        itk_buf_printf(&lead,
                       itk__("The form is not filled in: every field is still as the template "
                             "(itaku form new) gives it. Fill in the fields listed below, then "
                             "submit it again.\n"));
        itk_buf_put(&lead, c.errors.ptr, c.errors.size);
        itk_buf_dispose(&c.errors);
        c.errors = lead;
    }
    json_decref(c.unread);
    if (!rc && c.errors.size) {
        c.errors.ptr[--c.errors.size] = '\0';
        rc = itk_error_set(ITK_EINVALID, "%s", c.errors.ptr);
    }
    itk_buf_dispose(&c.errors);
    return rc;
}

int itk_form_body_normalise_as(json_t *body, itk_buf *notes, const json_t *schema,
                               int offset_minutes, const char *issuer)
{
    return normalise_more(body, notes, schema, offset_minutes, issuer, NULL, NULL);
}

int itk_form_input_read(json_t **body, itk_buf *notes, const char *data, size_t len,
                        const char *name, const json_t *schema, int offset_minutes)
{
    return itk_form_input_read_as(body, notes, data, len, name, schema, offset_minutes, NULL);
}

int itk_form_input_read_as(json_t **body, itk_buf *notes, const char *data, size_t len,
                           const char *name, const json_t *schema, int offset_minutes,
                           const char *issuer)
{
    return itk_form_input_read_more(body, notes, data, len, name, schema, offset_minutes, issuer,
                                    NULL, NULL);
}

int itk_form_input_read_more(json_t **body, itk_buf *notes, const char *data, size_t len,
                             const char *name, const json_t *schema, int offset_minutes,
                             const char *issuer, itk_form_more_fn more, void *more_arg)
{
    itk_buf clean = ITK_BUF_INIT;
    *body = NULL;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    int rc = itk_json_strip_comments(&clean, data, len);
    if (!rc)
        rc = itk_json_parse(body, clean.ptr, clean.size, name);
    itk_buf_dispose(&clean);
    if (!rc && !json_is_object(*body))
        rc = itk_error_set(ITK_EINVALID, "%s: the record body must be a JSON object", name);
    if (!rc && schema &&
        (rc = normalise_more(*body, notes, schema, offset_minutes, issuer, more, more_arg))) {
        rc = itk_error_set(rc, "%s:\n%s", name, itk_error_last());
    }
    if (rc) {
        json_decref(*body);
        *body = NULL;
    }
    return rc;
}

int itk_form_choice(char *out, size_t outsz, const char *type, const char *field, const char *typed)
{
    json_t *schema = NULL;
    char name[64];
    int rc = itk_form_input_schema(&schema, name, NULL, type);
    if (rc)
        return rc;
    nctx c = {schema, NULL, ITK_BUF_INIT, 0, "", NULL, 0, NULL, NULL, NULL, NULL};
    snprintf(c.type, sizeof(c.type), "%.47s", type);
    const json_t *ps = resolve(&c, json_object_get(json_object_get(schema, "properties"), field));
    const json_t *en = json_object_get(ps, "enum");
    const char *code = en && typed ? enum_code(&c, en, field, typed) : NULL;
    snprintf(out, outsz, "%s", code ? code : typed ? typed : "");
    itk_labels_free(c.labels);
    json_decref(schema);
    return 0;
}

void itk_form_field_words(char *out, size_t outsz, const char *type, const char *path)
{
    json_t *schema = NULL;
    char name[64];
    snprintf(out, outsz, "%s", path ? path : "");
    if (!type || !path || itk_form_input_schema(&schema, name, NULL, type)) {
        itk_error_clear();
        return;
    }
    nctx c = {schema, NULL, ITK_BUF_INIT, 0, "", NULL, 0, NULL, NULL, NULL, NULL};
    itk_buf words = ITK_BUF_INIT;
    const json_t *s = schema;
    const char *p = path;
    int ok = 1;
    while (ok && *p) {
        size_t n = strcspn(p, ".[");
        char key[128];
        snprintf(key, sizeof(key), "%.*s", (int)(n < 127 ? n : 127), p);
        const json_t *ps = resolve(&c, json_object_get(json_object_get(s, "properties"), key));
        const char *title = json_string_value(json_object_get(ps, "title"));
        ok = ps != NULL;
        if (ok && ((words.size && itk_buf_puts(&words, "の")) ||
                   itk_buf_puts(&words, title && *title ? title : key)))
            ok = 0;
        p += n;
        while (ok && *p == '[') { /* a row, or every row: the items' schema */
            p += strcspn(p, "]");
            if (*p)
                p++;
            ps = resolve(&c, json_object_get(ps, "items"));
            ok = ps != NULL;
        }
        if (*p == '.')
            p++;
        s = ps;
    }
    if (ok && words.ptr)
        snprintf(out, outsz, "%s", words.ptr);
    itk_buf_dispose(&words);
    json_decref(schema);
    itk_error_clear();
}
