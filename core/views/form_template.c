/* Fill-in templates generated from a form's schema: every field, with its
 * Japanese title, whether it is required, its choices and its meaning in a
 * // comment above it. */
#include "itaku/errors.h"
#include "itaku/datetime_input.h"
#include "itaku/form_input.h"
#include "itaku/forms.h"
#include "intl.h"
#include "itaku/labels.h"
#include "itaku/textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    itk_buf *out;
    const json_t *root;
    const itk_labels *labels; /* a choice's label beside its code; NULL: none */
    const char *type;
} tpl;

static const json_t *deref(const tpl *t, const json_t *s)
{
    for (int hops = 0; s && hops < 8; hops++) {
        const char *ref = json_string_value(json_object_get(s, "$ref"));
        if (!ref || strncmp(ref, "#/$defs/", 8) != 0)
            return s;
        s = json_object_get(json_object_get(t->root, "$defs"), ref + 8);
    }
    return s;
}

static void indent(tpl *t, int n)
{
    itk_buf_printf(t->out, "%*s", n, "");
}

/* Text of the registry's schema or catalog inside a // comment: on one line
 * (a line break would end the comment and put the rest into the form the
 * person fills), controls shown, never obeyed. */
static void cell(tpl *t, const char *s)
{
    (void)itk_text_safe(t->out, s, strlen(s), ITK_TEXT_CELL, NULL);
}

static void comment(tpl *t, const char *key, const json_t *prop, const json_t *raw, int required,
                    int depth)
{
    const char *title = json_string_value(json_object_get(raw, "title"));
    const char *desc = json_string_value(json_object_get(raw, "description"));
    if (!title)
        title = json_string_value(json_object_get(prop, "title"));
    if (!desc)
        desc = json_string_value(json_object_get(prop, "description"));
    /* on a Japanese screen (the catalog translates these words) the notes
     * are Japanese alone: a choice by the form's word, which reading the
     * form takes (itaku/form_input.h), and no English description */
    static const char req[] = ITK_N_("【必須 required】");
    int ja = itk__(req) != req;
    indent(t, depth);
    itk_buf_puts(t->out, "// ");
    cell(t, title ? title : "");
    itk_buf_printf(t->out, " %s", required ? itk__(req) : itk__("(任意 optional)"));
    const json_t *e = json_object_get(prop, "enum");
    if (json_is_array(e)) {
        size_t i;
        json_t *v;
        itk_buf_puts(t->out, " — ");
        json_array_foreach(e, i, v)
        {
            const char *code = json_is_string(v) ? json_string_value(v) : "?";
            const char *label = itk_labels_field(t->labels, t->type, key, code);
            itk_buf_puts(t->out, i ? " | " : "");
            if (ja && label) {
                cell(t, label);
                continue;
            }
            cell(t, code);
            if (label) {
                itk_buf_puts(t->out, "（");
                cell(t, label);
                itk_buf_puts(t->out, "）");
            }
        }
    }
    /* a date: the forms people write; a date-time: also what a date alone
     * means there, as reading the form takes it (itk_form_date_mode) */
    int mode = itk_form_date_mode(key, json_string_value(json_object_get(prop, "format")));
    if (mode == ITK_DATE_DAY)
        itk_buf_puts(t->out, itk__(" — YYYY-MM-DD (or 2026/12/1, 令和8年12月1日)"));
    else if (mode >= 0)
        itk_buf_printf(t->out,
                       itk__(" — YYYY-MM-DD hh:mm (or 令和8年12月1日 10:00; the contract's "
                             "timezone unless an offset like +09:00 is given) — %s"),
                       mode == ITK_DATE_END
                           ? itk__("日付だけなら、その日の 23:59:59 (a date alone: 23:59:59 "
                                   "that day)")
                           : itk__("日付だけなら、その日の始め 0:00 (a date alone: the start of "
                                   "the day)"));
    /* a reference to another record: how it is written, and where the
     * numbers are listed */
    if (strcmp(key, "instruction_ref") == 0)
        itk_buf_puts(t->out, itk__(" — the instruction as itaku instructions lists it "
                                   "(<party>/n-000005; n-5 for one of the party directly "
                                   "above)"));
    else if (strcmp(key, "approval") == 0)
        itk_buf_puts(t->out, itk__(" — your approved request's number, like q-1 (itaku requests "
                                   "lists them)"));
    if (desc && !ja) {
        itk_buf_puts(t->out, " — ");
        cell(t, desc);
    }
    itk_buf_putc(t->out, '\n');
}

static void value(tpl *t, const json_t *s, int depth, int level);

static int is_required(const json_t *schema, const char *key)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(schema, "required"), i,
                       v) if (json_is_string(v) && strcmp(json_string_value(v), key) == 0) return 1;
    return 0;
}

static void object(tpl *t, const json_t *s, int depth, int level)
{
    const json_t *props = json_object_get(s, "properties");
    size_t n = json_object_size(props), done = 0;
    if (n == 0) {
        itk_buf_puts(t->out, "{}");
        return;
    }
    itk_buf_puts(t->out, "{\n");
    /* required fields first, then the optional ones */
    for (int pass = 0; pass < 2; pass++) {
        const char *key;
        json_t *raw;
        json_object_foreach((json_t *)props, key, raw)
        {
            int req = is_required(s, key);
            if (req != (pass == 0))
                continue;
            const json_t *p = deref(t, raw);
            comment(t, key, p, raw, req, depth + 2);
            indent(t, depth + 2);
            /* a property name as JSON writes it: a quote or line break in
             * it never adds a field of its own */
            json_t *name = json_string(key);
            char *quoted = name ? json_dumps(name, JSON_ENCODE_ANY) : NULL;
            itk_buf_printf(t->out, "%s: ", quoted ? quoted : "\"\"");
            free(quoted);
            json_decref(name);
            value(t, p, depth + 2, level + 1);
            itk_buf_puts(t->out, ++done < n ? ",\n" : "\n");
        }
    }
    indent(t, depth);
    itk_buf_putc(t->out, '}');
}

static void value(tpl *t, const json_t *s, int depth, int level)
{
    s = deref(t, s);
    const json_t *c = json_object_get(s, "const");
    const char *type = json_string_value(json_object_get(s, "type"));
    if (c) {
        char *d = json_dumps(c, JSON_ENCODE_ANY);
        itk_buf_puts(t->out, d ? d : "null");
        free(d);
    } else if (level > 12 || !type)
        itk_buf_puts(t->out, "null");
    else if (strcmp(type, "object") == 0)
        object(t, s, depth, level);
    else if (strcmp(type, "array") == 0) {
        const json_t *items = deref(t, json_object_get(s, "items"));
        const char *it = json_string_value(json_object_get(items, "type"));
        if (it && strcmp(it, "object") == 0) {
            itk_buf_puts(t->out, "[\n");
            indent(t, depth + 2);
            value(t, items, depth + 2, level + 1);
            itk_buf_putc(t->out, '\n');
            indent(t, depth);
            itk_buf_putc(t->out, ']');
        } else if (it) {
            itk_buf_putc(t->out, '[');
            value(t, items, depth, level + 1);
            itk_buf_putc(t->out, ']');
        } else
            itk_buf_puts(t->out, "[]");
    } else if (strcmp(type, "integer") == 0 || strcmp(type, "number") == 0)
        itk_buf_puts(t->out, "0");
    else if (strcmp(type, "boolean") == 0)
        itk_buf_puts(t->out, "false");
    else
        itk_buf_puts(t->out, "\"\"");
}

int itk_form_template(itk_buf *out, const json_t *schema, const char *title,
                      const char *how_to_submit)
{
    return itk_form_template_labeled(out, schema, title, how_to_submit, NULL, NULL);
}

int itk_form_template_labeled(itk_buf *out, const json_t *schema, const char *title,
                              const char *how_to_submit, const itk_labels *labels, const char *type)
{
    tpl t = {out, schema, labels, type};
    itk_buf_clear(out);
    itk_buf_puts(out, "// ");
    cell(&t, title ? title : "");
    itk_buf_putc(out, '\n');
    if (how_to_submit)
        itk_buf_printf(out, "// %s\n", how_to_submit);
    itk_buf_puts(out, itk__("// Lines starting with // are notes and are ignored. Fill in every "
                            "【必須】 field; delete the optional ones you do not use.\n"));
    value(&t, schema, 0, 0);
    return itk_buf_putc(out, '\n');
}
