/* JSON Schema (2020-12 subset) checking and validation of record bodies.
 * Verdicts agree with ajv 8 + ajv-formats on the registry's schemas
 * (tests/e2e/test_schema_ajv.sh); messages are ours, for people. */
#include "itaku/schema.h"
#include "itaku/errors.h"
#include "alloc.h"
#include "itaku/json.h"
#include "itaku/labels.h"
#include "itaku/textsafe.h"
#include "template.h"
#include "intl.h"

#include <locale.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* $ref hops add to the nesting of the instance; beyond this the schema is
 * treated as broken rather than followed. */
#define MAX_EVAL_DEPTH (4 * ITK_MAX_JSON_DEPTH)
/* Patterns compiled once per validation call, not kept between calls. */
#define REGEX_CACHE 64
#define SHOWN_VALUE_BYTES 60

/* ---------------------------------------------------------------- formats */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* RFC 3339 full-date, a real calendar day: "YYYY-MM-DD" and nothing more. */
static int date_ok(const char *s, size_t len)
{
    int y, m, d;
    if (len != 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
        digits(s + 8, 2, &d))
        return 0;
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* hh:mm:ss[.frac] then Z or ±hh:mm, which RFC 3339 requires: a time without
 * an offset is ambiguous and refused. Ranges and the leap-second rule (only
 * at 23:59:60 UTC) are ajv-formats', so that both tools agree. */
static int time_ok(const char *s, size_t len)
{
    int h, mi, se, oh = 0, om = 0, sign = 1;
    if (len < 9 || digits(s, 2, &h) || s[2] != ':' || digits(s + 3, 2, &mi) || s[5] != ':' ||
        digits(s + 6, 2, &se))
        return 0;
    size_t i = 8;
    if (i < len && s[i] == '.') {
        size_t start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return 0;
    }
    if (i + 1 == len && (s[i] == 'Z' || s[i] == 'z')) {
        /* UTC */
    } else if (i + 6 == len && (s[i] == '+' || s[i] == '-') && !digits(s + i + 1, 2, &oh) &&
               s[i + 3] == ':' && !digits(s + i + 4, 2, &om)) {
        sign = s[i] == '-' ? -1 : 1;
    } else {
        return 0;
    }
    if (oh > 23 || om > 59)
        return 0;
    if (h <= 23 && mi <= 59 && se < 60)
        return 1;
    int utc_min = mi - om * sign;
    int utc_hour = h - oh * sign - (utc_min < 0 ? 1 : 0);
    return (utc_hour == 23 || utc_hour == -1) && (utc_min == 59 || utc_min == -1) && se < 61;
}

static int date_time_ok(const char *s, size_t len)
{
    return len > 11 && (s[10] == 'T' || s[10] == 't') && date_ok(s, 10) &&
           time_ok(s + 11, len - 11);
}

/* Code points, as ajv counts them (UTF-8 continuation bytes do not count). */
static size_t utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* ----------------------------------------------------------- schema check */

/* What the validator does with each schema version (issue 13, point 3).
 * A record keeps the verdict it had when it was written: the validator's
 * behaviour on a schema version never changes once released. A new keyword
 * (or a stricter check, which gets a flag here) goes into a new row, for
 * schema versions from `since` on, and applies to schemas/<type>.v<N> only
 * when N >= since. A schema using a keyword of a later row than its version
 * is refused (ITK_EUNSUPPORTED) naming the version the keyword needs, as an
 * unknown keyword is: never ignored, so no record's verdict depends on which
 * itaku reads it. tests/unit/test_schema_versions.c pins each row and the
 * verdicts of v1 on edge cases. */
static const char *const keywords_v1[] = {"type",
                                          "properties",
                                          "required",
                                          "enum",
                                          "const",
                                          "pattern",
                                          "format",
                                          "items",
                                          "minItems",
                                          "maxLength",
                                          "additionalProperties",
                                          "$ref",
                                          "$defs",
                                          "title",
                                          "description",
                                          "$schema",
                                          "$id",
                                          "$comment",
                                          NULL};
static const char *const keywords_v2[] = {"minLength", "x-itaku-text", NULL};

static const struct {
    long since;                  /* schema versions from this one on */
    const char *const *keywords; /* the keywords they may use besides earlier rows' */
} dialects[] = {
    {1, keywords_v1},
    {2, keywords_v2},
};

static int in_list(const char *s, const char *const *list);

/* The version from which kw may be used; 0 when no version may. */
static long keyword_since(const char *kw)
{
    for (size_t i = 0; i < sizeof(dialects) / sizeof(*dialects); i++)
        if (in_list(kw, dialects[i].keywords))
            return dialects[i].since;
    return 0;
}

long itk_schema_version_of(const char *name)
{
    const char *v = NULL;
    for (const char *p = name ? strstr(name, ".v") : NULL; p; p = strstr(p + 2, ".v"))
        if (p[2] >= '1' && p[2] <= '9')
            v = p;
    if (!v)
        return 1;
    char *end;
    long n = strtol(v + 2, &end, 10);
    return n > 0 && n < 1000000 && (!*end || strcmp(end, ".schema.json") == 0) ? n : 1;
}

const char *const *itk_schema_keywords(long version)
{
    for (size_t i = 0; i < sizeof(dialects) / sizeof(*dialects); i++)
        if (dialects[i].since == version)
            return dialects[i].keywords;
    return NULL;
}

static const char *const known_types[] = {"object", "array",   "string", "integer",
                                          "number", "boolean", "null",   NULL};

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

typedef struct {
    const char *name;   /* the schema file, for messages */
    const json_t *defs; /* the root's $defs, or NULL */
    itk_buf where;      /* keyword path inside the schema, "/properties/x" */
    long version;       /* the schema's version: which keywords it may use */
} check_ctx;

static int check_node(check_ctx *c, const json_t *s, int depth);

static int bad(check_ctx *c, int code, const char *what)
{
    return itk_error_set(code, "schema %s: at %s: %s", c->name,
                         c->where.size ? c->where.ptr : "the top", what);
}

/* Checks a child schema with its place appended to c->where. */
static int check_child(check_ctx *c, const json_t *s, int depth, const char *k1, const char *k2)
{
    size_t keep = c->where.size;
    int rc = itk_buf_printf(&c->where, "/%s%s%s", k1, k2 ? "/" : "", k2 ? k2 : "");
    if (!rc)
        rc = check_node(c, s, depth + 1);
    c->where.size = keep;
    if (c->where.ptr)
        c->where.ptr[keep] = '\0';
    return rc;
}

static int check_nonneg_int(check_ctx *c, const json_t *v, const char *kw)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        char what[80];
        snprintf(what, sizeof(what), "%s must be a non-negative integer", kw);
        return bad(c, ITK_EINVALID, what);
    }
    return 0;
}

static int check_type_kw(check_ctx *c, const json_t *v)
{
    if (json_is_string(v))
        return in_list(json_string_value(v), known_types)
                   ? 0
                   : bad(c, ITK_EUNSUPPORTED, "unknown type");
    if (!json_is_array(v) || json_array_size(v) == 0)
        return bad(c, ITK_EINVALID, "type must be a type name or a list of them");
    size_t i;
    json_t *t;
    json_array_foreach(v, i, t)
    {
        if (!json_is_string(t) || !in_list(json_string_value(t), known_types))
            return bad(c, ITK_EUNSUPPORTED, "unknown type in the type list");
    }
    return 0;
}

static int check_required_kw(check_ctx *c, const json_t *v)
{
    if (!json_is_array(v))
        return bad(c, ITK_EINVALID, "required must be a list of field names");
    size_t i, j;
    json_t *a;
    json_array_foreach(v, i, a)
    {
        if (!json_is_string(a))
            return bad(c, ITK_EINVALID, "required must be a list of field names");
        for (j = 0; j < i; j++)
            if (json_equal(a, json_array_get(v, j)))
                return bad(c, ITK_EINVALID, "required lists a field twice");
    }
    return 0;
}

static int check_pattern_kw(check_ctx *c, const json_t *v)
{
    if (!json_is_string(v))
        return bad(c, ITK_EINVALID, "pattern must be a string");
    regex_t re;
    int e = regcomp(&re, json_string_value(v), REG_EXTENDED | REG_NOSUB);
    if (e) {
        char msg[200], what[300];
        regerror(e, &re, msg, sizeof(msg));
        snprintf(what, sizeof(what), "pattern does not compile: %s", msg);
        return bad(c, ITK_EINVALID, what);
    }
    regfree(&re);
    return 0;
}

/* "#/$defs/NAME" with a plain NAME (no JSON-pointer escapes, no nesting). */
static const char *ref_name(const char *ref)
{
    if (strncmp(ref, "#/$defs/", 8) != 0 || !ref[8] || strpbrk(ref + 8, "/~%"))
        return NULL;
    return ref + 8;
}

static int check_ref_kw(check_ctx *c, const json_t *v)
{
    const char *name = json_is_string(v) ? ref_name(json_string_value(v)) : NULL;
    if (!name)
        return bad(c, ITK_EUNSUPPORTED, "$ref must be a local \"#/$defs/NAME\"");
    if (!c->defs || !json_object_get(c->defs, name))
        return bad(c, ITK_EINVALID, "$ref names a definition that does not exist");
    return 0;
}

static int check_props_kw(check_ctx *c, const json_t *v, int depth, const char *kw)
{
    if (!json_is_object(v)) {
        char what[80];
        snprintf(what, sizeof(what), "%s must be an object of schemas", kw);
        return bad(c, ITK_EINVALID, what);
    }
    const char *k;
    json_t *sub;
    json_object_foreach((json_t *)v, k, sub)
    {
        int rc = check_child(c, sub, depth, kw, k);
        if (rc)
            return rc;
    }
    return 0;
}

static int check_keyword(check_ctx *c, const char *kw, const json_t *v, int depth)
{
    long since = keyword_since(kw);
    if (!since || since > c->version) {
        char what[200];
        if (since)
            snprintf(what, sizeof(what),
                     "keyword '%.80s' is for schema versions from v%ld on; this schema is v%ld", kw,
                     since, c->version);
        else
            snprintf(what, sizeof(what), "unsupported keyword '%.80s'", kw);
        return bad(c, ITK_EUNSUPPORTED, what);
    }
    if (strcmp(kw, "type") == 0)
        return check_type_kw(c, v);
    if (strcmp(kw, "properties") == 0)
        return check_props_kw(c, v, depth, kw);
    if (strcmp(kw, "$defs") == 0)
        return depth == 0 ? check_props_kw(c, v, depth, kw)
                          : bad(c, ITK_EUNSUPPORTED, "$defs only at the top of a schema");
    if (strcmp(kw, "required") == 0)
        return check_required_kw(c, v);
    if (strcmp(kw, "enum") == 0)
        return json_is_array(v) && json_array_size(v) > 0
                   ? 0
                   : bad(c, ITK_EINVALID, "enum must be a non-empty list");
    if (strcmp(kw, "pattern") == 0)
        return check_pattern_kw(c, v);
    if (strcmp(kw, "format") == 0)
        return json_is_string(v) && (strcmp(json_string_value(v), "date") == 0 ||
                                     strcmp(json_string_value(v), "date-time") == 0)
                   ? 0
                   : bad(c, ITK_EUNSUPPORTED, "format must be \"date\" or \"date-time\"");
    if (strcmp(kw, "items") == 0 || strcmp(kw, "additionalProperties") == 0)
        return check_child(c, v, depth, kw, NULL);
    if (strcmp(kw, "minItems") == 0 || strcmp(kw, "maxLength") == 0 || strcmp(kw, "minLength") == 0)
        return check_nonneg_int(c, v, kw);
    if (strcmp(kw, "$ref") == 0)
        return check_ref_kw(c, v);
    if (strcmp(kw, "const") == 0)
        return 0;
    if (strcmp(kw, "x-itaku-text") == 0)
        return json_is_string(v) && strcmp(json_string_value(v), "no-controls") == 0
                   ? 0
                   : bad(c, ITK_EUNSUPPORTED, "x-itaku-text must be \"no-controls\"");
    /* annotations */
    return json_is_string(v) ? 0 : bad(c, ITK_EINVALID, "annotations must be strings");
}

static int check_node(check_ctx *c, const json_t *s, int depth)
{
    if (depth > ITK_MAX_JSON_DEPTH)
        return bad(c, ITK_EINVALID, "nested too deep");
    if (json_is_boolean(s))
        return 0;
    if (!json_is_object(s))
        return bad(c, ITK_EINVALID, "a schema must be an object or a boolean");
    const char *kw;
    json_t *v;
    json_object_foreach((json_t *)s, kw, v)
    {
        int rc = check_keyword(c, kw, v, depth);
        if (rc)
            return rc;
    }
    return 0;
}

/* Collects into refs (an object used as a set) every $ref name inside s. */
static void collect_refs(json_t *refs, const json_t *s)
{
    if (json_is_object(s)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)s, k, v)
        {
            if (strcmp(k, "$ref") == 0 && json_is_string(v)) {
                const char *n = ref_name(json_string_value(v));
                if (n)
                    json_object_set_new(refs, n, json_true());
            } else if (strcmp(k, "const") != 0 && strcmp(k, "enum") != 0) {
                collect_refs(refs, v);
            }
        }
    } else if (json_is_array(s)) {
        size_t i;
        json_t *v;
        json_array_foreach(s, i, v) collect_refs(refs, v);
    }
}

/* Depth-first search over the definitions' $ref graph; state holds 1 for a
 * definition on the current path and 2 for one already cleared. A cycle is
 * refused even where an instance would end it: our records never recurse,
 * and refusing keeps validation's recursion bounded by the schema. */
static int ref_dfs(check_ctx *c, json_t *state, const char *name, int depth)
{
    json_int_t st = json_integer_value(json_object_get(state, name));
    if (st == 2)
        return 0;
    if (st == 1 || depth > ITK_MAX_JSON_DEPTH)
        return itk_error_set(ITK_EINVALID, "schema %s: $ref cycle through #/$defs/%.80s", c->name,
                             name);
    json_object_set_new(state, name, json_integer(1));
    json_t *refs = json_object();
    if (!refs)
        return itk_error_nomem();
    collect_refs(refs, json_object_get(c->defs, name));
    int rc = 0;
    const char *n;
    json_t *unused;
    json_object_foreach(refs, n, unused)
    {
        if ((rc = ref_dfs(c, state, n, depth + 1)))
            break;
    }
    json_decref(refs);
    if (!rc)
        json_object_set_new(state, name, json_integer(2));
    return rc;
}

static int check_ref_cycles(check_ctx *c)
{
    if (!c->defs)
        return 0;
    json_t *state = json_object();
    if (!state)
        return itk_error_nomem();
    int rc = 0;
    const char *name;
    json_t *unused;
    json_object_foreach((json_t *)c->defs, name, unused)
    {
        if ((rc = ref_dfs(c, state, name, 0)))
            break;
    }
    json_decref(state);
    return rc;
}

/* Patterns are POSIX EREs read byte by byte: fix the locale so the verdict
 * never depends on the caller's LC_CTYPE. */
typedef struct {
    locale_t c_locale;
    locale_t previous;
} locale_guard;

static int locale_enter(locale_guard *g)
{
    /* C for everything patterns and numbers depend on; the messages stay in
     * the user's language (a copy of this thread's locale supplies them) */
    locale_t base = duplocale(uselocale((locale_t)0));
    g->c_locale = base ? newlocale(LC_ALL_MASK & ~LC_MESSAGES_MASK, "C", base) : (locale_t)0;
    if (g->c_locale == (locale_t)0) {
        if (base)
            freelocale(base);
        return itk_error_set(ITK_ERROR, "cannot create the C locale for patterns");
    }
    g->previous = uselocale(g->c_locale);
    return 0;
}

static void locale_leave(locale_guard *g)
{
    uselocale(g->previous);
    freelocale(g->c_locale);
}

static int schema_check(const json_t *schema, const char *name, long version)
{
    check_ctx c = {name ? name : "(unnamed)", NULL, ITK_BUF_INIT, version};
    if (json_is_object(schema)) {
        c.defs = json_object_get(schema, "$defs");
        if (c.defs && !json_is_object(c.defs))
            c.defs = NULL; /* check_node reports it */
    }
    int rc = check_node(&c, schema, 0);
    if (!rc)
        rc = check_ref_cycles(&c);
    itk_buf_dispose(&c.where);
    return rc;
}

int itk_schema_check(const json_t *schema, const char *name)
{
    return itk_schema_check_version(schema, name, itk_schema_version_of(name));
}

int itk_schema_check_version(const json_t *schema, const char *name, long version)
{
    locale_guard g = {(locale_t)0, (locale_t)0};
    int rc = locale_enter(&g);
    if (rc)
        return rc;
    rc = schema_check(schema, name, version);
    locale_leave(&g);
    return rc;
}

/* ------------------------------------------------------------- validation */

typedef struct {
    const char *source; /* the pattern text, owned by the schema */
    regex_t re;
} cached_regex;

/* A schema checked once, with the patterns it has compiled so far. */
struct itk_schema {
    json_t *schema; /* a reference of our own */
    cached_regex regex[REGEX_CACHE];
    int nregex;
};

typedef struct {
    itk_buf *errors;
    const char *label;
    const json_t *defs;
    itk_buf path;  /* field path of the value being checked, "workers[0].name" */
    itk_buf names; /* the same by the form's words, "作業従事者（1 行目）の氏名" */
    int problems;
    int rc;             /* ITK_ENOMEM or a broken-schema error: stop everything */
    itk_schema *cache;  /* where compiled patterns are kept */
    const char *title;  /* the schema's title of the field checked (NULL: none) */
    const char *type;   /* the record type, naming the labels' domains */
    itk_labels *labels; /* the built-in catalog, opened at the first choice refused */
    int labels_tried;
    char shown[512];    /* field_of's text */
    const json_t *skip; /* field paths whose problems were already said (NULL: none) */
} vctx;

static void validate_node(vctx *v, const json_t *s, const json_t *inst, int depth);

static void fail_op(vctx *v, int rc)
{
    if (!v->rc)
        v->rc = rc;
}

/* 1 on a screen whose messages are translated (dgettext gives msgid itself
 * back when there is no translation): fields are then named by the paper
 * form's terms, the schemas' titles. */
static int translated_screen(void)
{
    static const char probe[] = "%s is required";
    return itk__(probe) != probe;
}

/* The field a problem is about: its path in the body, or the body itself;
 * on a translated screen the paper form's words for it, each field by its
 * schema's title (its key where it has none) and a row by its number,
 * "提出日", "作業従事者（1 行目）の氏名": the key is what a program reads, the
 * title is what the form and its template say (issue 16). */
static const char *field_of(vctx *v)
{
    if (!v->path.size)
        return itk__("the body");
    if (!translated_screen() || !v->names.size)
        return v->path.ptr;
    snprintf(v->shown, sizeof(v->shown), "%s", v->names.ptr);
    return v->shown;
}

/* The title of a field's schema s (its own, else its $ref's); NULL: none. */
static const char *title_of(const vctx *v, const json_t *s)
{
    const char *t = json_string_value(json_object_get(s, "title"));
    const json_t *ref = json_object_get(s, "$ref");
    if (!t && json_is_string(ref))
        t = json_string_value(
            json_object_get(json_object_get(v->defs, ref_name(json_string_value(ref))), "title"));
    return t;
}

/* Appends "<label>: <text>\n"; fmt (translated) is a whole sentence whose
 * first argument is the field (field_of). */
static void schema_problem(vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void schema_problem(vctx *v, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    /* a field (or a field inside it) the reader already refused */
    const char *key;
    const json_t *x;
    json_object_foreach((json_t *)v->skip, key, x)
    {
        size_t n = strlen(key);
        if (v->path.ptr && strncmp(v->path.ptr, key, n) == 0 &&
            (v->path.ptr[n] == '\0' || v->path.ptr[n] == '.' || v->path.ptr[n] == '['))
            return;
    }
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), itk__(fmt), ap);
    va_end(ap);
    if (itk_buf_printf(v->errors, "%s: %s\n", v->label, text))
        fail_op(v, ITK_ENOMEM);
    v->problems++;
}

/* A value shown inside a message stays on one line and short: control
 * characters become \uXXXX, and long text is cut at a character boundary. */
static void show_string_max(char *out, size_t cap, const char *s, size_t len, size_t max)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 8 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (o >= max && (ch & 0xC0) != 0x80) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (ch < 0x20 || ch == 0x7f)
            o += (size_t)snprintf(out + o, cap - o, "\\u%04X", ch);
        else
            out[o++] = (char)ch;
    }
    out[o] = '\0';
}

static void show_string(char *out, size_t cap, const char *s, size_t len)
{
    show_string_max(out, cap, s, len, SHOWN_VALUE_BYTES);
}

static void show_value(char *out, size_t cap, const json_t *val)
{
    if (json_is_string(val)) {
        show_string(out, cap, json_string_value(val), json_string_length(val));
        return;
    }
    char *d = json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);
    show_string(out, cap, d ? d : "?", d ? strlen(d) : 1);
    free(d);
}

/* Path helpers: push appends ".key" or "[i]" (and to names the field's
 * title, its key without one, or the row's number), pop restores both. The
 * two lengths are kept in one number: the path's in the low 32 bits. */
typedef unsigned long long pathmark;

static size_t names_push(vctx *v, const char *seg, int row)
{
    size_t keep = v->names.size;
    if (keep >= 400) /* deep enough to say which: the rest stays unsaid */
        return keep;
    /* TRANSLATORS: between a group of fields and a field inside it, both as
     * the paper form calls them: "受注者" + "の" + "名称" */
    if ((keep && !row && itk_buf_puts(&v->names, itk__(" › "))) || itk_buf_puts(&v->names, seg))
        fail_op(v, ITK_ENOMEM);
    return keep;
}

static pathmark path_push_key(vctx *v, const char *key, const char *title)
{
    size_t keep = v->path.size, nkeep;
    char shown[128];
    show_string(shown, sizeof(shown), key, strlen(key));
    if (itk_buf_printf(&v->path, "%s%s", keep ? "." : "", shown))
        fail_op(v, ITK_ENOMEM);
    nkeep = names_push(v, title && *title ? title : shown, 0);
    return keep | ((pathmark)nkeep << 32);
}

static pathmark path_push_index(vctx *v, size_t i)
{
    size_t keep = v->path.size, nkeep;
    char row[64];
    if (itk_buf_printf(&v->path, "[%zu]", i))
        fail_op(v, ITK_ENOMEM);
    /* TRANSLATORS: the row of a list of fields, counted from 1 */
    snprintf(row, sizeof(row), itk__(" (row %zu)"), i + 1);
    nkeep = names_push(v, row, 1);
    return keep | ((pathmark)nkeep << 32);
}

static void path_pop(vctx *v, pathmark mark)
{
    size_t nkeep = (size_t)(mark >> 32), keep = (size_t)(mark & 0xFFFFFFFFu);
    v->path.size = keep;
    if (v->path.ptr)
        v->path.ptr[keep] = '\0';
    v->names.size = nkeep;
    if (v->names.ptr)
        v->names.ptr[nkeep] = '\0';
}

static const char *type_words(const char *type)
{
    if (strcmp(type, "string") == 0)
        return itk__("text");
    if (strcmp(type, "integer") == 0)
        return itk__("a whole number");
    if (strcmp(type, "number") == 0)
        return itk__("a number");
    if (strcmp(type, "boolean") == 0)
        return itk__("true or false");
    if (strcmp(type, "array") == 0)
        return itk__("a list");
    if (strcmp(type, "object") == 0)
        return itk__("a group of fields (a JSON object)");
    return "null";
}

static int type_matches(const char *type, const json_t *inst)
{
    if (strcmp(type, "string") == 0)
        return json_is_string(inst);
    if (strcmp(type, "integer") == 0)
        return json_is_integer(inst);
    if (strcmp(type, "number") == 0)
        return json_is_number(inst);
    if (strcmp(type, "boolean") == 0)
        return json_is_boolean(inst);
    if (strcmp(type, "array") == 0)
        return json_is_array(inst);
    if (strcmp(type, "object") == 0)
        return json_is_object(inst);
    return json_is_null(inst);
}

/* 0 when the type keyword holds, else reports and returns -1. */
static int check_type(vctx *v, const json_t *type, const json_t *inst)
{
    if (json_is_string(type)) {
        if (type_matches(json_string_value(type), inst))
            return 0;
        schema_problem(v, "%s must be %s", field_of(v), type_words(json_string_value(type)));
        return -1;
    }
    size_t i;
    json_t *t;
    char words[512] = "";
    json_array_foreach(type, i, t)
    {
        if (type_matches(json_string_value(t), inst))
            return 0;
        char sofar[sizeof(words)];
        memcpy(sofar, words, sizeof(words));
        if (i)
            /* TRANSLATORS: two kinds of value a field may hold (a list of them) */
            snprintf(words, sizeof(words), itk__("%s or %s"), sofar,
                     type_words(json_string_value(t)));
        else
            snprintf(words, sizeof(words), "%s", type_words(json_string_value(t)));
    }
    schema_problem(v, "%s must be %s", field_of(v), words);
    return -1;
}

/* The label of a choice of the field checked (domain "<type>.<key>", then
 * "<key>"), on a translated screen; NULL: none (the code is shown). */
static const char *choice_label(vctx *v, const char *code)
{
    if (!code || !translated_screen())
        return NULL;
    if (!v->labels_tried) {
        v->labels_tried = 1;
        if (itk_labels_builtin(&v->labels, "ja"))
            itk_error_clear();
    }
    /* the field's key: the path's last name, its row numbers aside */
    char key[128];
    const char *p = v->path.ptr ? v->path.ptr : "", *dot = strrchr(p, '.');
    snprintf(key, sizeof(key), "%s", dot ? dot + 1 : p);
    key[strcspn(key, "[")] = '\0';
    return itk_labels_field(v->labels, v->type, key, code);
}

/* A value not among the choices: the choices listed as the paper form
 * words them (their labels) on a translated screen, as codes otherwise;
 * either is accepted where a person types it (itaku/form_input.h). */
static void check_enum(vctx *v, const json_t *en, const json_t *inst)
{
    size_t i;
    json_t *opt;
    json_array_foreach(en, i, opt)
    {
        if (json_equal(opt, inst))
            return;
    }
    char list[700] = "";
    json_array_foreach(en, i, opt)
    {
        char one[200];
        size_t n = strlen(list);
        const char *label = choice_label(v, json_string_value(opt));
        if (label)
            show_string(one, sizeof(one), label, strlen(label));
        else
            show_value(one, sizeof(one), opt);
        if (n + strlen(one) + 8 >= sizeof(list)) {
            snprintf(list + n, sizeof(list) - n, ", ...");
            break;
        }
        snprintf(list + n, sizeof(list) - n, "%s%s", i ? itk__(", ") : "", one);
    }
    char shown[128];
    show_value(shown, sizeof(shown), inst);
    schema_problem(v, "%s must be one of %s (not '%s')", field_of(v), list, shown);
}

static regex_t *get_regex(vctx *v, const char *pattern, regex_t *scratch, int *owned)
{
    itk_schema *k = v->cache;
    *owned = 0;
    for (int i = 0; i < k->nregex; i++)
        if (k->regex[i].source == pattern)
            return &k->regex[i].re;
    regex_t *re = k->nregex < REGEX_CACHE ? &k->regex[k->nregex].re : scratch;
    if (regcomp(re, pattern, REG_EXTENDED | REG_NOSUB)) {
        fail_op(v, itk_error_set(ITK_ERROR, "schema pattern does not compile: %.100s", pattern));
        return NULL;
    }
    if (re == scratch)
        *owned = 1;
    else
        k->regex[k->nregex++].source = pattern;
    return re;
}

/* The project's own patterns in words, for a value that does not match:
 * what to write and an example (NULL: the typed value set right is the only
 * example worth giving). A pattern not here (a schema of a later version)
 * is shown as it is. */
static const struct {
    const char *pattern;
    const char *words;
    const char *example;
} pattern_words[] = {
    {"^[a-z][a-z0-9-]{1,30}$",
     ITK_N_("a party id: a lower-case letter, then 1 to 30 lower-case letters, digits or hyphens"),
     "acme"},
    {"^[a-z][a-z0-9-]{1,30}/n-[0-9]{6}$",
     ITK_N_("an instruction id: the party id, '/', then n- and six digits"), "city/n-000001"},
    {"^[a-z][a-z0-9-]{1,30}/f1-[0-9]{6}$",
     ITK_N_("a form 1 record id: the party id, '/', then f1- and six digits"), "acme/f1-000001"},
    {"^[a-z][a-z0-9-]{1,30}/i-[0-9]{6}$",
     ITK_N_("an incident report id: the party id, '/', then i- and six digits"), "acme/i-000001"},
    {"^[a-z][a-z0-9-]{1,30}/q-[0-9]{6}$",
     ITK_N_("a request id: the party id, '/', then q- and six digits"), "acme/q-000001"},
    {"^[a-z0-9][a-z0-9._-]{0,63}$",
     ITK_N_("lower-case letters, digits, '.', '_' and '-' (at most 64, starting with a letter or "
            "digit)"),
     "w-009"},
    {"^[a-z][a-z0-9-]{0,39}$",
     ITK_N_("a code of lower-case letters, digits and hyphens (at most 40, starting with a "
            "letter)"),
     "encrypted-usb"},
    {"^[0-9a-f]{64}$", ITK_N_("64 lower-case hexadecimal digits (a SHA-256)"), NULL},
    {"^[0-9a-f]{40}([0-9a-f]{24})?$", ITK_N_("a commit id: 40 or 64 lower-case hexadecimal digits"),
     NULL},
    {"^s-[0-9]{6}$", ITK_N_("a seal id: s- and six digits"), "s-000001"},
    {"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$", ITK_N_("an e-mail address"), "tanaka@example.jp"},
    {"^[+]?[0-9][0-9 ()-]{1,28}[0-9]$",
     ITK_N_("a telephone number: digits, with spaces, hyphens or brackets between them"),
     "042-558-1111"},
    {"^[A-Za-z0-9._-]{1,64}$", ITK_N_("letters, digits, '.', '_' and '-' (at most 64)"), NULL},
    {"^[^\x01- ]([^\x01-\x1f]*[^\x01- ])?$", ITK_N_("text without spaces at the start or the end"),
     NULL},
    {"^([^\x01-\x1f]|\t|\n)*[^\x01- \xe3\x80\x80]([^\x01-\x1f]|\t|\n)*$",
     ITK_N_("text that holds more than spaces"), NULL},
    {"^SHA256:[A-Za-z0-9+/]{43}$",
     ITK_N_("a key fingerprint as ssh-keygen -l shows it: SHA256: and 43 characters"), NULL},
    {"^(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|ssh-rsa) "
     "AAAA[A-Za-z0-9+/]+={0,2}$",
     ITK_N_("one line of an OpenSSH public key (.pub file), such as ssh-ed25519 AAAA..."), NULL},
    {"^obligations/[a-z0-9-]+[.]v[1-9][0-9]*[.]json$",
     ITK_N_("the obligations file's path, obligations/<name>.v<N>.json"),
     "obligations/base.v1.json"},
};

static void check_pattern(vctx *v, const char *pattern, const char *s, size_t len)
{
    regex_t scratch;
    int owned;
    regex_t *re = get_regex(v, pattern, &scratch, &owned);
    if (!re)
        return;
    int match = regexec(re, s, 0, NULL, 0) == 0;
    /* the typed value in lower case and without spaces around, when that
     * matches: the example the user most likely meant */
    char fixed[128] = "";
    if (!match && len < sizeof(fixed)) {
        size_t a = 0, b = len;
        while (a < b && s[a] == ' ')
            a++;
        while (b > a && s[b - 1] == ' ')
            b--;
        for (size_t i = a; i < b; i++)
            fixed[i - a] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
        fixed[b - a] = '\0';
        if (!fixed[0] || strlen(fixed) != b - a || regexec(re, fixed, 0, NULL, 0) != 0)
            fixed[0] = '\0';
    }
    if (owned)
        regfree(re);
    if (match)
        return;
    /* Say the likely reason in words before falling back to the pattern. */
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7f) {
            schema_problem(v, "%s contains a control character (U+%04X), which is not allowed here",
                           field_of(v), ch);
            return;
        }
    }
    if (len == 0) {
        schema_problem(v, "%s must not be empty", field_of(v));
        return;
    }
    char shown_pattern[300], shown[128];
    show_string(shown, sizeof(shown), s, len);
    for (size_t i = 0; i < sizeof(pattern_words) / sizeof(pattern_words[0]); i++) {
        if (strcmp(pattern_words[i].pattern, pattern) != 0)
            continue;
        const char *example = fixed[0] ? fixed : pattern_words[i].example;
        if (example)
            /* TRANSLATORS: the field, the value typed, what to write (see
             * the list of patterns in words), an example */
            schema_problem(v, "%s: '%s' is not in the expected form; write %s (for example %s)",
                           field_of(v), shown, itk__(pattern_words[i].words), example);
        else
            schema_problem(v, "%s: '%s' is not in the expected form; write %s", field_of(v), shown,
                           itk__(pattern_words[i].words));
        return;
    }
    show_string_max(shown_pattern, sizeof(shown_pattern), pattern, strlen(pattern), 200);
    schema_problem(v, "%s is not in the expected form: '%s' does not match the pattern %s",
                   field_of(v), shown, shown_pattern);
}

static void check_string(vctx *v, const json_t *s, const json_t *inst)
{
    const char *str = json_string_value(inst);
    size_t len = json_string_length(inst);
    char shown[128];
    int format_ok = 1;
    json_t *kw;
    if ((kw = json_object_get(s, "maxLength"))) {
        size_t n = utf8_length(str, len);
        if (n > (size_t)json_integer_value(kw))
            schema_problem(v, "%s: at most %lld characters (this has %zu)", field_of(v),
                           (long long)json_integer_value(kw), n);
    }
    if ((kw = json_object_get(s, "minLength"))) {
        size_t n = utf8_length(str, len);
        if (n < (size_t)json_integer_value(kw))
            schema_problem(v, "%s: at least %lld characters (this has %zu)", field_of(v),
                           (long long)json_integer_value(kw), n);
    }
    if ((kw = json_object_get(s, "format"))) {
        show_string(shown, sizeof(shown), str, len);
        format_ok = 0;
        if (strcmp(json_string_value(kw), "date") == 0 && !date_ok(str, len))
            schema_problem(v, "%s is not a valid date (%s); write YYYY-MM-DD, a day that exists",
                           field_of(v), shown);
        else if (strcmp(json_string_value(kw), "date-time") == 0 && !date_time_ok(str, len))
            schema_problem(v,
                           "%s is not a valid date and time (%s); write it like "
                           "2026-04-01T10:00:00+09:00, with the offset",
                           field_of(v), shown);
        else
            format_ok = 1;
    }
    /* A failed format already says what is wrong in words; the pattern that
     * backs it up for ajv would only repeat it less clearly. */
    if (format_ok && (kw = json_object_get(s, "pattern")))
        check_pattern(v, json_string_value(kw), str, len);
}

static void check_array(vctx *v, const json_t *s, const json_t *inst, int depth)
{
    json_t *kw;
    if ((kw = json_object_get(s, "minItems")) &&
        json_array_size(inst) < (size_t)json_integer_value(kw)) {
        long long n = (long long)json_integer_value(kw);
        schema_problem(v,
                       itk_n_("%s must have at least %lld entry",
                              "%s must have at least %lld entries", (unsigned long)n),
                       field_of(v), n);
    }
    if ((kw = json_object_get(s, "items"))) {
        size_t i;
        json_t *item;
        const char *outer = v->title, *t = title_of(v, kw);
        if (t)
            v->title = t;
        json_array_foreach(inst, i, item)
        {
            pathmark keep = path_push_index(v, i);
            validate_node(v, kw, item, depth + 1);
            path_pop(v, keep);
        }
        v->title = outer;
    }
}

static void check_object(vctx *v, const json_t *s, const json_t *inst, int depth)
{
    const json_t *props = json_object_get(s, "properties");
    const json_t *extra = json_object_get(s, "additionalProperties");
    json_t *req = json_object_get(s, "required");
    size_t i;
    json_t *name;
    json_array_foreach(req, i, name)
    {
        if (!json_object_get(inst, json_string_value(name))) {
            const char *outer = v->title;
            v->title = props ? title_of(v, json_object_get(props, json_string_value(name))) : NULL;
            pathmark keep = path_push_key(v, json_string_value(name), v->title);
            schema_problem(v, "%s is required", field_of(v));
            path_pop(v, keep);
            v->title = outer;
        }
    }
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)inst, key, val)
    {
        const json_t *sub = props ? json_object_get(props, key) : NULL;
        if (!sub && json_is_false(extra)) {
            char shown[128];
            show_string(shown, sizeof(shown), key, strlen(key));
            if (v->path.size)
                /* TRANSLATORS: the group of fields, then the field not in the schema */
                schema_problem(v, "unknown field '%s.%s'", v->path.ptr, shown);
            else
                schema_problem(v, "unknown field '%s'", shown);
            continue;
        }
        if (!sub)
            sub = extra; /* NULL or true: anything goes */
        if (!sub)
            continue;
        const char *outer = v->title;
        v->title = title_of(v, sub);
        pathmark keep = path_push_key(v, key, v->title);
        validate_node(v, sub, val, depth + 1);
        path_pop(v, keep);
        v->title = outer;
    }
}

/* "x-itaku-text": "no-controls" (schemas v2 on): no string of inst, nor an
 * object key, holds a control character or a bidirectional control (see
 * itk_text_find_refused); they could make the record read differently on a
 * terminal or a page than it is. */
static void check_no_controls(vctx *v, const json_t *inst, int depth)
{
    if (v->rc)
        return;
    if (depth > MAX_EVAL_DEPTH) {
        fail_op(v, itk_error_set(ITK_ERROR, "%s: record nested too deep", v->label));
        return;
    }
    uint32_t cp;
    size_t at;
    const char *outer = v->title;
    if (!json_is_string(inst))
        v->title = NULL; /* below, no schema says what a field is called */
    if (json_is_string(inst)) {
        if (itk_text_find_refused(json_string_value(inst), json_string_length(inst), &cp, &at))
            schema_problem(v,
                           itk_text_is_bidi(cp)
                               ? ITK_N_("%s holds the control character U+%04X (a bidirectional "
                                        "control) at character %zu; remove it (it could make the "
                                        "text show differently than it reads)")
                               : ITK_N_("%s holds the control character U+%04X at character %zu; "
                                        "remove it (it could make the text show differently than "
                                        "it reads)"),
                           field_of(v), (unsigned)cp, at + 1);
    } else if (json_is_array(inst)) {
        size_t i;
        json_t *item;
        json_array_foreach(inst, i, item)
        {
            pathmark keep = path_push_index(v, i);
            check_no_controls(v, item, depth + 1);
            path_pop(v, keep);
        }
    } else if (json_is_object(inst)) {
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)inst, key, val)
        {
            pathmark keep = path_push_key(v, key, NULL);
            if (itk_text_find_refused(key, strlen(key), &cp, &at))
                schema_problem(v,
                               "%s: the field name holds the control character U+%04X; remove it",
                               field_of(v), (unsigned)cp);
            check_no_controls(v, val, depth + 1);
            path_pop(v, keep);
        }
    }
    v->title = outer;
}

static void validate_node(vctx *v, const json_t *s, const json_t *inst, int depth)
{
    if (v->rc)
        return;
    if (depth > MAX_EVAL_DEPTH) {
        fail_op(v, itk_error_set(ITK_ERROR, "%s: schema nested too deep", v->label));
        return;
    }
    if (json_is_boolean(s)) {
        if (json_is_false(s))
            schema_problem(v, "%s is not allowed", field_of(v));
        return;
    }
    json_t *kw;
    if ((kw = json_object_get(s, "$ref")))
        validate_node(v, json_object_get(v->defs, ref_name(json_string_value(kw))), inst,
                      depth + 1);
    if ((kw = json_object_get(s, "type")) && check_type(v, kw, inst))
        return; /* the remaining keywords would only repeat the same problem */
    if ((kw = json_object_get(s, "const")) && !json_equal(kw, inst)) {
        char shown[128];
        show_value(shown, sizeof(shown), kw);
        schema_problem(v, "%s must be %s", field_of(v), shown);
    }
    if ((kw = json_object_get(s, "enum")))
        check_enum(v, kw, inst);
    if (json_object_get(s, "x-itaku-text"))
        check_no_controls(v, inst, depth);
    if (json_is_string(inst))
        check_string(v, s, inst);
    else if (json_is_array(inst))
        check_array(v, s, inst, depth);
    else if (json_is_object(inst))
        check_object(v, s, inst, depth);
}

/* Validates with a schema already checked; patterns compiled on the way
 * stay in s for the next record. */
static int run_skip(itk_buf *errors, itk_schema *s, const json_t *instance, const char *label,
                    const json_t *skip);

static int run(itk_buf *errors, itk_schema *s, const json_t *instance, const char *label)
{
    return run_skip(errors, s, instance, label, NULL);
}

static int run_skip(itk_buf *errors, itk_schema *s, const json_t *instance, const char *label,
                    const json_t *skip)
{
    locale_guard g = {(locale_t)0, (locale_t)0};
    int rc = locale_enter(&g);
    if (rc)
        return rc;
    vctx v;
    memset(&v, 0, sizeof(v));
    v.errors = errors;
    v.skip = skip;
    v.label = label ? label : "record";
    v.type = v.label;
    /* on a translated screen the record by the paper form's name
     * ("再委託承認申請書", not "form6") */
    const char *form_title = json_string_value(json_object_get(s->schema, "title"));
    if (form_title && *form_title && translated_screen())
        v.label = form_title;
    v.defs = json_is_object(s->schema) ? json_object_get(s->schema, "$defs") : NULL;
    v.cache = s;
    size_t before = errors->size;
    validate_node(&v, s->schema, instance, 0);
    itk_buf_dispose(&v.path);
    itk_buf_dispose(&v.names);
    itk_labels_free(v.labels);
    locale_leave(&g);
    if (v.rc) {
        /* all or nothing: no half list of problems next to an operational error */
        errors->size = before;
        if (errors->ptr)
            errors->ptr[before] = '\0';
        return v.rc;
    }
    if (v.problems)
        return itk_error_set(
            ITK_EINVALID,
            itk_n_("%s: %d problem found", "%s: %d problems found", (unsigned long)v.problems),
            v.label, v.problems);
    return 0;
}

static void release(itk_schema *s)
{
    for (int i = 0; i < s->nregex; i++)
        regfree(&s->regex[i].re);
    s->nregex = 0;
}

int itk_schema_validate(itk_buf *errors, const json_t *schema, const json_t *instance,
                        const char *label)
{
    return itk_schema_validate_version(errors, schema, itk_schema_version_of(label), instance,
                                       label);
}

int itk_schema_validate_version(itk_buf *errors, const json_t *schema, long version,
                                const json_t *instance, const char *label)
{
    return itk_schema_validate_skip(errors, schema, version, instance, label, NULL);
}

int itk_schema_validate_skip(itk_buf *errors, const json_t *schema, long version,
                             const json_t *instance, const char *label, const json_t *skip)
{
    int rc = itk_schema_check_version(schema, label, version);
    if (rc) {
        char why[768];
        snprintf(why, sizeof(why), "%s", itk_error_last());
        return itk_error_set(ITK_ERROR, "cannot validate: %s", why);
    }
    itk_schema s;
    s.schema = (json_t *)schema;
    s.nregex = 0;
    rc = run_skip(errors, &s, instance, label, skip);
    release(&s);
    return rc;
}

int itk_schema_compile(itk_schema **out, json_t *schema, const char *name)
{
    *out = NULL;
    int rc = itk_schema_check(schema, name);
    if (rc)
        return rc;
    itk_schema *s = itk_calloc(1, sizeof(*s));
    if (!s)
        return ITK_ENOMEM;
    s->schema = json_incref(schema);
    *out = s;
    return 0;
}

int itk_schema_apply(itk_buf *errors, itk_schema *s, const json_t *instance, const char *label)
{
    return run(errors, s, instance, label);
}

void itk_schema_free(itk_schema *s)
{
    if (!s)
        return;
    release(s);
    json_decref(s->schema);
    free(s);
}

/* --------------------------------------------------------------- builtins */

int itk_schema_builtin(json_t **out, const char *type)
{
    *out = NULL;
    char path[128];
    int n = snprintf(path, sizeof(path), "schemas/%s.v1.schema.json", type);
    if (n < 0 || (size_t)n >= sizeof(path) || strchr(type, '/'))
        return itk_error_set(ITK_ENOTFOUND, "no schema for record type '%.40s'", type);
    for (const itk_template_file *f = itk_template_files; f->path; f++) {
        if (strcmp(f->path, path) != 0)
            continue;
        json_t *s;
        int rc = itk_json_parse(&s, (const char *)f->data, f->size, path);
        if (!rc && (rc = itk_schema_check(s, path)))
            json_decref(s);
        if (!rc)
            *out = s;
        return rc;
    }
    return itk_error_set(ITK_ENOTFOUND, "no schema for record type '%.40s'", type);
}
