/* A person's name is one line of text: see itaku/person_name.h. */
#include "itaku/person_name.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/textnorm.h"
#include "itaku/utf8.h"
#include "alloc.h"
#include "intl.h"

#include <stdio.h>
#include <string.h>

/* The person-name fields of each type ("a.b" an object's member, "a[]"
 * each element of an array). */
static const struct {
    const char *type, *path;
} person_fields[] = {
    {"register", "handler"},
    {"register", "verifier"},
    {"register", "from"},
    {"register", "to"},
    {"form1", "manager.name"},
    {"form1", "supervisors[].name"},
    {"form1", "workers[].name"},
    {"form1", "contact_chain[].name"},
    {"form2", "attendees[].name"},
    {"form2", "instructor"},
    {"form2", "reported_by"},
    {"form4", "reported_by"},
    {"form5", "certifier"},
    {"form5", "performed_by.name"},
    {"form5", "witnesses[].name"},
    {"form6", "subcontractor.representative"},
    {"form6", "sub_structure.manager.name"},
    {"form6", "sub_structure.workers[].name"},
    {"request", "form6.subcontractor.representative"},
    {"request", "form6.submitter.representative"},
    {"request", "form6.sub_structure.manager.name"},
    {"request", "form6.sub_structure.workers[].name"},
    {"incident", "reporter"},
    {"inspection", "inspectors[].name"},
    {"contract-amendment", "contacts[].name"},
    {"form1", "submitter.representative"},
    {"form2", "submitter.representative"},
    {"form4", "submitter.representative"},
    {"form5", "submitter.representative"},
    {"form6", "submitter.representative"},
    {"incident", "submitter.representative"},
};

/* Code points a name never holds. */
static int refused_cp(unsigned long cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
           cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static int space_cp(unsigned long cp)
{
    return cp == 0x20 || cp == 0xA0 || cp == 0x3000;
}

/* The code point at s (n bytes, valid UTF-8), its length in *k. */
static unsigned long cp_at(const unsigned char *s, size_t n, size_t *k)
{
    *k = itk_utf8_seq_len(s, n);
    return *k == 1   ? s[0]
           : *k == 2 ? (s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu)
           : *k == 3 ? (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu)
                     : (s[0] & 0x07ul) << 18 | (s[1] & 0x3Ful) << 12 | (s[2] & 0x3Ful) << 6 |
                           (s[3] & 0x3Ful);
}

/* A schema node with its "$ref" (to "#/$defs/<name>") followed. */
static const json_t *resolve(const json_t *schema, const json_t *node)
{
    for (int i = 0; node && i < 8; i++) {
        const char *ref = json_string_value(json_object_get(node, "$ref"));
        if (!ref || strncmp(ref, "#/$defs/", 8) != 0 || json_object_get(node, "properties") ||
            json_object_get(node, "items"))
            break;
        node = json_object_get(json_object_get(schema, "$defs"), ref + 8);
    }
    return node;
}

/* Where a name is: the JSON path (en, indexes from 0 as the schema's
 * messages give them) and the titles of
 * the fields on the way (ja, "作業従事者の氏名"). */
typedef struct {
    itk_buf en, ja;
    itk_buf *errors; /* NULL: the first name refused ends the walk; else each is a line */
    json_t *paths;   /* the en paths of the names refused, as keys (with errors) */
} place;

/* Checks the name at place p; ITK_EINVALID with the message. */
static int check_name(const place *p, const char *name)
{
    static const char ctl[] =
        ITK_N_("The name in %s, '%s', holds a line break or another control character (%s): a "
               "person's name is one line of text. Write it on one line, as the person's papers "
               "have it.");
    static const char spc[] =
        ITK_N_("The name in %s, '%s', starts or ends with a space. Write it without spaces "
               "around it; a space between family and given name is fine.");
    size_t len = strlen(name);
    if (!len || !itk_utf8_is_valid(name, len))
        return 0; /* the schema's to say */
    itk_buf shown = ITK_BUF_INIT, bad = ITK_BUF_INIT;
    unsigned long first = 0, last = 0;
    size_t k;
    for (size_t i = 0; i < len; i += k) {
        unsigned long cp = cp_at((const unsigned char *)name + i, len - i, &k);
        if (i == 0)
            first = cp;
        last = cp;
        if (refused_cp(cp)) {
            char u[16];
            snprintf(u, sizeof(u), "U+%04lX", cp);
            itk_buf_printf(&shown, "<%s>", u);
            if (!bad.ptr || !strstr(bad.ptr, u))
                itk_buf_printf(&bad, "%s%s", bad.size ? ", " : "", u);
        } else
            itk_buf_put(&shown, name + i, k);
    }
    int rc = 0;
    const char *msg = bad.size ? ctl : space_cp(first) || space_cp(last) ? spc : NULL;
    if (msg) {
        /* a translated message names the field as the paper form does */
        const char *where = itk__(msg) != msg && p->ja.size ? p->ja.ptr : p->en.ptr;
        rc = bad.size ? itk_error_set(ITK_EINVALID, ctl, where, shown.ptr, bad.ptr)
                      : itk_error_set(ITK_EINVALID, spc, where, shown.ptr);
    }
    itk_buf_dispose(&shown);
    itk_buf_dispose(&bad);
    if (rc == ITK_EINVALID && p->errors) {
        /* every name is said: the line, and the field for the schema to skip */
        itk_buf_printf(p->errors, "%s\n", itk_error_last());
        if (p->paths && p->en.ptr)
            json_object_set_new(p->paths, p->en.ptr, json_true());
        itk_error_clear();
        rc = 0;
    }
    return rc;
}

static int walk(const json_t *schema, const json_t *node, const json_t *v, const char *path,
                const place *at);

/* Goes one step down path (a member name, with "[]": each element). */
static int step(const json_t *schema, const json_t *node, const json_t *v, const char *path,
                const place *at)
{
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    int each = n > 2 && memcmp(path + n - 2, "[]", 2) == 0;
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)(each ? n - 2 : n), path);
    const json_t *sub = json_object_get(v, name);
    const json_t *sn = json_object_get(json_object_get(resolve(schema, node), "properties"), name);
    const char *title = json_string_value(json_object_get(sn, "title"));
    const char *rest = dot ? dot + 1 : "";
    if (!sub)
        return 0;
    int rc = 0;
    place p = {ITK_BUF_INIT, ITK_BUF_INIT, at->errors, at->paths};
    if (each) {
        size_t i;
        json_t *e;
        json_array_foreach(sub, i, e)
        {
            itk_buf_clear(&p.en);
            itk_buf_clear(&p.ja);
            itk_buf_printf(&p.en, "%s%s%s[%zu]", at->en.size ? at->en.ptr : "",
                           at->en.size ? "." : "", name, i);
            if (at->ja.size || title)
                itk_buf_printf(&p.ja, "%s%s%s", at->ja.size ? at->ja.ptr : "",
                               at->ja.size && title ? "の" : "", title ? title : "");
            if ((rc = walk(schema, resolve(schema, json_object_get(sn, "items")), e, rest, &p)))
                break;
        }
    } else {
        itk_buf_printf(&p.en, "%s%s%s", at->en.size ? at->en.ptr : "", at->en.size ? "." : "",
                       name);
        if (at->ja.size || title)
            itk_buf_printf(&p.ja, "%s%s%s", at->ja.size ? at->ja.ptr : "",
                           at->ja.size && title ? "の" : "", title ? title : "");
        rc = walk(schema, sn, sub, rest, &p);
    }
    itk_buf_dispose(&p.en);
    itk_buf_dispose(&p.ja);
    return rc;
}

static int walk(const json_t *schema, const json_t *node, const json_t *v, const char *path,
                const place *at)
{
    if (!*path)
        return json_is_string(v) ? check_name(at, json_string_value(v)) : 0;
    return json_is_object(v) ? step(schema, node, v, path, at) : 0;
}

int itk_person_names_list(itk_buf *errors, json_t *paths, const json_t *schema, const char *type,
                          const json_t *body)
{
    place top = {ITK_BUF_INIT, ITK_BUF_INIT, errors, paths};
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof(person_fields) / sizeof(*person_fields); i++)
        if (strcmp(person_fields[i].type, type) == 0)
            rc = walk(schema, schema, body, person_fields[i].path, &top);
    return rc;
}

int itk_person_names_check(const json_t *schema, const char *type, const json_t *body)
{
    place top = {ITK_BUF_INIT, ITK_BUF_INIT, NULL, NULL};
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof(person_fields) / sizeof(*person_fields); i++)
        if (strcmp(person_fields[i].type, type) == 0)
            rc = walk(schema, schema, body, person_fields[i].path, &top);
    return rc;
}

int itk_person_name_input(itk_buf *out, itk_buf *notes, const char *what, const char *typed)
{
    itk_buf_clear(out);
    if (!typed)
        typed = "";
    if (itk_kana_fullwidth(out, typed) < 0 || !out->ptr || strcmp(out->ptr, typed) == 0) {
        itk_error_clear();
        itk_buf_clear(out);
        return itk_buf_puts(out, typed) < 0 ? itk_error_nomem() : 0;
    }
    if (notes && itk_buf_printf(notes, itk__("%s: '%s' taken as %s\n"), what, typed, out->ptr) < 0)
        return itk_error_nomem();
    return 1;
}

/* The names at path (as person_fields spell it) under v made full-width
 * katakana (itk_person_name_input) in place, each change noted in notes (may
 * be NULL) under its field's path, at (so far, "" at the top). */
static int kana_at(json_t *v, const char *path, itk_buf *notes, const char *at)
{
    if (!*path) {
        const char *name = json_string_value(v);
        itk_buf k = ITK_BUF_INIT;
        int rc = name ? itk_person_name_input(&k, notes, at, name) : 0;
        if (rc == 1)
            rc = json_string_set(v, k.ptr) ? itk_error_nomem() : 0;
        itk_buf_dispose(&k);
        return rc;
    }
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    int each = n > 2 && memcmp(path + n - 2, "[]", 2) == 0;
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)(each ? n - 2 : n), path);
    json_t *sub = json_is_object(v) ? json_object_get(v, name) : NULL;
    const char *rest = dot ? dot + 1 : "";
    int rc = 0;
    char here[160];
    if (sub && each) {
        size_t i;
        json_t *e;
        json_array_foreach(sub, i, e) if (!rc)
        {
            snprintf(here, sizeof(here), "%s%s%s[%zu]", at, *at ? "." : "", name, i);
            rc = kana_at(e, rest, notes, here);
        }
    } else if (sub) {
        snprintf(here, sizeof(here), "%s%s%s", at, *at ? "." : "", name);
        rc = kana_at(sub, rest, notes, here);
    }
    return rc;
}

int itk_person_names_input_noted(const char *type, json_t *body, itk_buf *notes)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof(person_fields) / sizeof(*person_fields); i++)
        if (strcmp(person_fields[i].type, type) == 0)
            rc = kana_at(body, person_fields[i].path, notes, "");
    return rc;
}

int itk_person_names_input(const char *type, json_t *body)
{
    return itk_person_names_input_noted(type, body, NULL);
}
