/* Which schema applies to a record, and validation before writing. */
#include "itaku/forms.h"
#include "alloc.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/person_name.h"
#include "itaku/schema.h"
#include "registry_priv.h"
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *number, *type;
} form_numbers[] = {
    {"1", "form1"}, {"2", "form2"}, {"3", "register"},        {"4", "form4"},
    {"5", "form5"}, {"6", "form6"}, {"incident", "incident"},
};

const char *itk_form_type(const char *number)
{
    for (size_t i = 0; i < sizeof(form_numbers) / sizeof(*form_numbers); i++)
        if (strcmp(form_numbers[i].number, number) == 0 ||
            strcmp(form_numbers[i].type, number) == 0)
            return form_numbers[i].type;
    return NULL;
}

const char *itk_form_number(const char *type)
{
    for (size_t i = 0; type && i < sizeof(form_numbers) / sizeof(*form_numbers); i++)
        if (strcmp(form_numbers[i].number, type) == 0 || strcmp(form_numbers[i].type, type) == 0)
            return form_numbers[i].number;
    return NULL;
}

int itk_registry_schema(json_t **out, char name[64], itk_registry *reg, const git_tree *tree,
                        const char *type)
{
    git_tree_entry *e = NULL;
    git_tree *dir = NULL;
    long best = 0;
    *out = NULL;
    if (git_tree_entry_bypath(&e, tree, "schemas") == 0 &&
        git_tree_lookup(&dir, reg->repo, git_tree_entry_id(e)) == 0) {
        size_t tl = strlen(type);
        for (size_t i = 0; i < git_tree_entrycount(dir); i++) {
            const char *n = git_tree_entry_name(git_tree_entry_byindex(dir, i));
            char *end;
            if (strncmp(n, type, tl) != 0 || strncmp(n + tl, ".v", 2) != 0)
                continue;
            long v = strtol(n + tl + 2, &end, 10);
            if (v > best && v < 1000000 && strcmp(end, ".schema.json") == 0)
                best = v;
        }
    }
    git_tree_entry_free(e);
    git_tree_free(dir);
    if (best == 0)
        return itk_error_set(ITK_ENOTFOUND,
                             "schemas/%s.v1.schema.json is missing from the registry, so a %s "
                             "cannot be checked; ask the city to restore its schemas",
                             type, type);
    char path[128];
    snprintf(path, sizeof(path), "schemas/%s.v%ld.schema.json", type, best);
    snprintf(name, 64, "%s.v%ld", type, best);
    json_t *schema = NULL;
    int rc = itk_tree_read_json(&schema, reg->repo, tree, path);
    if (!rc && (rc = itk_schema_check(schema, path)))
        json_decref(schema);
    if (rc) {
        /* the message is formatted into the buffer it quotes: copy it first */
        char why[768];
        snprintf(why, sizeof(why), "%s", itk_error_last());
        return itk_error_set(rc, "the registry's %s is unusable: %s", path, why);
    }
    *out = schema;
    return 0;
}

long itk_schema_carried(const char *type)
{
    long best = 0;
    size_t tl = strlen(type);
    for (const itk_template_file *f = itk_template_files; f->path; f++) {
        const char *n = f->path;
        char *end;
        if (strncmp(n, "schemas/", 8) != 0 || strncmp(n + 8, type, tl) != 0 ||
            strncmp(n + 8 + tl, ".v", 2) != 0)
            continue;
        long v = strtol(n + 8 + tl + 2, &end, 10);
        if (v > best && strcmp(end, ".schema.json") == 0)
            best = v;
    }
    return best;
}

int itk_form_validate(char schema_name[64], itk_registry *reg, const char *type, const json_t *body)
{
    return itk_form_validate_carried(schema_name, reg, type, body, itk_schema_carried(type));
}

/* The schema a write of type uses in reg, for an itaku carrying versions up
 * to carried: itk_form_schema's answer. */
static int write_schema(json_t **out, char name[64], long *held, itk_registry *reg,
                        const char *type, long carried)
{
    git_tree *tree = NULL;
    json_t *schema = NULL;
    int rc;
    if ((rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_registry_schema(&schema, name, reg, tree, type)))
        goto done;
    /* "<type>.v<N>": a version newer than this itaku knows may mean fields
     * or rules it cannot present or keep; refuse rather than guess */
    *held = strtol(name + strlen(type) + 2, NULL, 10);
    if (*held > carried)
        rc = itk_error_set(ITK_EUNSUPPORTED,
                           "the registry uses %s, which this itaku (version %s) does not know "
                           "(it knows %s.v%ld at most): upgrade itaku to a release that carries "
                           "schemas/%s.schema.json",
                           name, ITK_VERSION, type, carried, name);
done:
    if (!rc && out)
        *out = schema;
    else
        json_decref(schema);
    git_tree_free(tree);
    return rc;
}

int itk_form_schema(json_t **out, char name[64], itk_registry *reg, const char *type)
{
    long held;
    if (out)
        *out = NULL;
    return write_schema(out, name, &held, reg, type, itk_schema_carried(type));
}

/* The problems of body against the schema a write of type uses in reg
 * (for an itaku carrying versions up to carried), appended to errors one
 * per line; 0 when they could be listed (errors may be left empty). */
static int problems_carried(itk_buf *errors, char schema_name[64], itk_registry *reg,
                            const char *type, const json_t *body, long carried)
{
    json_t *schema = NULL;
    long held = 0;
    json_t *named = NULL;
    int rc = write_schema(&schema, schema_name, &held, reg, type, carried);
    /* a person's name on two lines, or with spaces around it, said in words
     * (itaku/person_name.h) instead of the schema's pattern in its own; the
     * form's other problems in the same list */
    if (!rc && !(named = json_object()))
        rc = itk_error_nomem();
    if (rc || (rc = itk_person_names_list(errors, named, schema, type, body)))
        goto done;
    rc = itk_schema_validate_skip(errors, schema, held, body, type, named);
    if (rc == ITK_EINVALID) {
        itk_error_clear();
        rc = 0;
    }
done:
    json_decref(named);
    json_decref(schema);
    return rc;
}

int itk_form_problems(itk_buf *errors, char schema_name[64], itk_registry *reg, const char *type,
                      const json_t *body)
{
    int rc = problems_carried(errors, schema_name, reg, type, body, itk_schema_carried(type));
    /* one problem a line, the last one's line break included */
    if (!rc && errors->size && errors->ptr[errors->size - 1] != '\n')
        rc = itk_buf_putc(errors, '\n');
    return rc;
}

int itk_form_validate_carried(char schema_name[64], itk_registry *reg, const char *type,
                              const json_t *body, long carried)
{
    itk_buf errors = ITK_BUF_INIT;
    int rc = problems_carried(&errors, schema_name, reg, type, body, carried);
    if (!rc && errors.size) {
        while (errors.size && errors.ptr[errors.size - 1] == '\n')
            errors.ptr[--errors.size] = '\0';
        rc = itk_error_set(ITK_EINVALID, "%s", errors.ptr);
    }
    itk_buf_dispose(&errors);
    return rc;
}

int itk_json_strip_comments(itk_buf *out, const char *in, size_t len)
{
    int in_string = 0, rc = 0;
    itk_buf_clear(out);
    for (size_t i = 0; !rc && i < len; i++) {
        char c = in[i];
        if (in_string) {
            rc = itk_buf_putc(out, c);
            if (c == '\\' && i + 1 < len)
                rc = rc ? rc : itk_buf_putc(out, in[++i]);
            else if (c == '"')
                in_string = 0;
        } else if (c == '/' && i + 1 < len && in[i + 1] == '/') {
            while (i < len && in[i] != '\n')
                i++;
            if (i < len)
                rc = itk_buf_putc(out, '\n');
        } else {
            in_string = c == '"';
            rc = itk_buf_putc(out, c);
        }
    }
    return rc ? rc : itk_buf_put(out, "", 0);
}
