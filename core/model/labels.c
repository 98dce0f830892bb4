/* The labels catalog (labels.h): labels/<lang>.v<N>.json read with the
 * bounded JSON parser, checked whole before it is used. */
#include "itaku/labels.h"
#include "itaku/errors.h"
#include "intl.h"
#include "itaku/json.h"
#include "itaku/textnorm.h"
#include "itaku/textsafe.h"
#include "itaku/utf8.h"
#include "alloc.h"
#include "registry_priv.h"
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct itk_labels {
    json_t *labels; /* domain → {code → label}, checked */
    char file[96];
    char lang[17]; /* its "lang" ("" when it says none) */
};

void itk_labels_free(itk_labels *l)
{
    if (!l)
        return;
    json_decref(l->labels);
    free(l);
}

/* 1 when s is UTF-8 holding nothing itk_text_safe would show escaped: no C0
 * or C1 control, DEL, bidirectional control, U+2028 or U+2029. Labels are
 * printed as they are, beside registry text that is made safe, so a label
 * that reversed or coloured the line would act on every terminal. */
static int control_free(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t n = itk_utf8_seq_len(p + i, len - i);
        if (n == 0)
            return 0;
        uint32_t cp = n == 1   ? p[i]
                      : n == 2 ? (uint32_t)(p[i] & 0x1F) << 6 | (p[i + 1] & 0x3F)
                      : n == 3 ? (uint32_t)(p[i] & 0x0F) << 12 | (uint32_t)(p[i + 1] & 0x3F) << 6 |
                                     (p[i + 2] & 0x3F)
                               : (uint32_t)(p[i] & 0x07) << 18 | (uint32_t)(p[i + 1] & 0x3F) << 12 |
                                     (uint32_t)(p[i + 2] & 0x3F) << 6 | (p[i + 3] & 0x3F);
        if (itk_text_is_control(cp))
            return 0;
        i += n;
    }
    return 1;
}

/* what: a whole phrase (marked with ITK_N_, translated here); where: the
 * domain and code it is about, "" when the catalog as a whole. */
static int bad(const char *name, const char *what, const char *domain, const char *code)
{
    char where[160] = "";
    if (domain && code)
        snprintf(where, sizeof(where), " (%.64s/%.64s)", domain, code);
    else if (domain)
        snprintf(where, sizeof(where), " (%.64s)", domain);
    return itk_error_set(ITK_EINVALID,
                         "%s is not a usable labels catalog: %s%s; the city publishes a correct "
                         "one with itaku contract upgrade",
                         name, itk__(what), where);
}

static int check(const json_t *doc, const char *name)
{
    const char *catalog = json_string_value(json_object_get(doc, "catalog"));
    const json_t *labels = json_object_get(doc, "labels");
    if (!json_is_object(doc) || !catalog || strcmp(catalog, "itaku-labels") != 0)
        return bad(name, ITK_N_("it does not say \"catalog\": \"itaku-labels\""), NULL, NULL);
    if (!json_is_object(labels))
        return bad(name, ITK_N_("\"labels\" is not an object of domains"), NULL, NULL);
    if (json_object_size(labels) > ITK_LABELS_MAX_DOMAINS)
        return bad(name, ITK_N_("more domains than the limit"), NULL, NULL);
    const char *domain, *code;
    json_t *codes, *label;
    json_object_foreach((json_t *)labels, domain, codes)
    {
        if (strlen(domain) > ITK_LABELS_MAX_NAME || !control_free(domain))
            return bad(name, ITK_N_("a domain name too long or with control characters"), domain,
                       NULL);
        if (!json_is_object(codes))
            return bad(name, ITK_N_("a domain that is not an object of codes"), domain, NULL);
        if (json_object_size(codes) > ITK_LABELS_MAX_CODES)
            return bad(name, ITK_N_("more codes than the limit in one domain"), domain, NULL);
        json_object_foreach(codes, code, label)
        {
            const char *s = json_string_value(label);
            if (strlen(code) > ITK_LABELS_MAX_NAME || !control_free(code))
                return bad(name, ITK_N_("a code too long or with control characters"), domain,
                           NULL);
            if (!s)
                return bad(name, ITK_N_("a label that is not a string"), domain, code);
            if (json_string_length(label) > ITK_LABELS_MAX_LABEL || !control_free(s))
                return bad(name, ITK_N_("a label too long or with control characters"), domain,
                           code);
        }
    }
    return 0;
}

int itk_labels_parse(itk_labels **out, const char *data, size_t len, const char *name)
{
    json_t *doc = NULL;
    *out = NULL;
    if (!name)
        name = "";
    int rc = itk_json_parse(&doc, data, len, *name ? name : "the labels catalog");
    if (!rc)
        rc = check(doc, *name ? name : "the labels catalog");
    itk_labels *l = rc ? NULL : calloc(1, sizeof(*l));
    if (!rc && !l)
        rc = itk_error_nomem();
    if (rc) {
        json_decref(doc);
        return rc;
    }
    l->labels = json_incref(json_object_get(doc, "labels"));
    snprintf(l->file, sizeof(l->file), "%s", name);
    const char *lang = json_string_value(json_object_get(doc, "lang"));
    if (lang && strlen(lang) < sizeof(l->lang) && control_free(lang))
        snprintf(l->lang, sizeof(l->lang), "%s", lang);
    json_decref(doc);
    *out = l;
    return 0;
}

/* N of "<lang>.v<N>.json", 0 when name is not that. */
static long version_of(const char *name, const char *lang)
{
    size_t ll = strlen(lang);
    if (strncmp(name, lang, ll) != 0 || strncmp(name + ll, ".v", 2) != 0)
        return 0;
    const char *d = name + ll + 2;
    if (*d < '1' || *d > '9')
        return 0;
    char *end;
    long n = strtol(d, &end, 10);
    return n > 0 && n < 1000000L && strcmp(end, ".json") == 0 ? n : 0;
}

int itk_labels_open_tree(itk_labels **out, git_repository *repo, const git_tree *tree,
                         const char *lang)
{
    git_tree_entry *e = NULL;
    git_tree *dir = NULL;
    char path[96] = "";
    long best = 0;
    *out = NULL;
    if (!lang || !*lang || strlen(lang) > 16 || strchr(lang, '/') || strchr(lang, '.'))
        return itk_error_set(ITK_EINVALID, "'%.16s' is not a catalog language", lang ? lang : "");
    if (git_tree_entry_bypath(&e, tree, "labels") != 0) {
        git_error_clear();
        return 0; /* a registry without a catalog */
    }
    int rc = git_tree_entry_type(e) == GIT_OBJECT_TREE &&
                     git_tree_lookup(&dir, repo, git_tree_entry_id(e)) == 0
                 ? 0
                 : itk_error_set(ITK_EINVALID, "labels/ in the registry is not a folder");
    for (size_t i = 0; !rc && i < git_tree_entrycount(dir); i++) {
        const git_tree_entry *f = git_tree_entry_byindex(dir, i);
        long v = version_of(git_tree_entry_name(f), lang);
        if (v > best && git_tree_entry_type(f) == GIT_OBJECT_BLOB) {
            best = v;
            snprintf(path, sizeof(path), "labels/%s.v%ld.json", lang, v);
        }
    }
    itk_buf data = ITK_BUF_INIT;
    if (!rc && best)
        rc = itk_tree_read(&data, repo, tree, path, ITK_MAX_RECORD_BYTES);
    if (!rc && best)
        rc = itk_labels_parse(out, data.ptr, data.size, path);
    if (!rc && *out && !(*out)->lang[0]) /* its name says it */
        snprintf((*out)->lang, sizeof((*out)->lang), "%s", lang);
    itk_buf_dispose(&data);
    git_tree_free(dir);
    git_tree_entry_free(e);
    return rc;
}

int itk_labels_open(itk_labels **out, itk_registry *reg, const char *at, const char *lang)
{
    git_object *obj = NULL;
    char spec[256];
    *out = NULL;
    snprintf(spec, sizeof(spec), "%s^{tree}", at ? at : "HEAD");
    int r = git_revparse_single(&obj, reg->repo, spec);
    if (r == GIT_ENOTFOUND || r == GIT_EUNBORNBRANCH || r == GIT_EINVALIDSPEC)
        return itk_error_set(ITK_ENOTFOUND, "%.200s names no commit of the registry",
                             at ? at : "HEAD");
    if (r < 0)
        return itk_error_git("cannot read %.200s", at ? at : "HEAD");
    int rc = itk_labels_open_tree(out, reg->repo, (const git_tree *)obj, lang);
    git_object_free(obj);
    return rc;
}

const char *itk_labels_file(const itk_labels *l)
{
    return l ? l->file : "";
}

const char *itk_labels_lang(const itk_labels *l)
{
    return l ? l->lang : "";
}

const char *itk_labels_get(const itk_labels *l, const char *domain, const char *code)
{
    if (!l || !domain || !code)
        return NULL;
    return json_string_value(json_object_get(json_object_get(l->labels, domain), code));
}

const char *itk_label_or(const itk_labels *l, const char *domain, const char *code)
{
    const char *s = itk_labels_get(l, domain, code);
    return s ? s : code;
}

/* The label of method code m (compared by its itk_label_key: case and
 * width aside), NULL when m is none. */
static const char *method_label(const itk_labels *l, const char *m)
{
    itk_buf k = ITK_BUF_INIT;
    const char *label = NULL;
    if (l && itk_label_key(&k, m) == 0 && k.ptr && k.size <= ITK_LABELS_MAX_NAME)
        label = itk_labels_get(l, "method", k.ptr);
    itk_buf_dispose(&k);
    return label;
}

int itk_method_equal(const itk_labels *l, const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    if (itk_label_equal(a, b))
        return 1;
    const char *la = method_label(l, a), *lb = method_label(l, b);
    int same = (la && itk_label_equal(la, b)) || (lb && itk_label_equal(a, lb)) ||
               (la && lb && itk_label_equal(la, lb));
    itk_error_clear();
    return same;
}

const char *itk_labels_field(const itk_labels *l, const char *type, const char *field,
                             const char *code)
{
    char domain[2 * ITK_LABELS_MAX_NAME + 2];
    if (!l || !field || !code)
        return NULL;
    if (type) {
        snprintf(domain, sizeof(domain), "%s.%s", type, field);
        const char *s = itk_labels_get(l, domain, code);
        if (s)
            return s;
    }
    return itk_labels_get(l, field, code);
}

int itk_labels_format(itk_buf *out, const itk_labels *l, const char *code, const char *const *args,
                      size_t nargs)
{
    const char *t = itk_labels_get(l, "finding", code);
    return t ? itk_labels_fill(out, l, t, args, nargs) : ITK_ENOTFOUND;
}

int itk_labels_fill(itk_buf *out, const itk_labels *l, const char *t, const char *const *args,
                    size_t nargs)
{
    int rc = 0;
    while (*t && !rc) {
        const char *close = t[0] == '{' ? strchr(t, '}') : NULL;
        if (close && t[1] >= '1' && t[1] <= '9' && (close == t + 2 || t[2] == ':') &&
            close - t < 2 + ITK_LABELS_MAX_NAME) {
            size_t k = (size_t)(t[1] - '1');
            const char *arg = k < nargs && args[k] ? args[k] : "";
            if (t[2] == ':') {
                char domain[ITK_LABELS_MAX_NAME + 1];
                snprintf(domain, sizeof(domain), "%.*s", (int)(close - t - 3), t + 3);
                arg = itk_label_or(l, domain, arg);
            }
            rc = itk_buf_puts(out, arg);
            t = close + 1;
            continue;
        }
        rc = itk_buf_putc(out, *t++);
    }
    return rc;
}

int itk_labels_builtin(itk_labels **out, const char *lang)
{
    char path[64];
    long best = 0;
    const itk_template_file *found = NULL;
    *out = NULL;
    /* the registry template's (ja), then those only the program carries (en) */
    const itk_template_file *tables[] = {itk_template_files, itk_shipped_labels};
    for (size_t t = 0; t < 2; t++)
        for (const itk_template_file *f = tables[t]; f->path; f++) {
            long v = strncmp(f->path, "labels/", 7) == 0 ? version_of(f->path + 7, lang) : 0;
            if (v > best) {
                best = v;
                found = f;
            }
        }
    if (!found)
        return 0;
    snprintf(path, sizeof(path), "%s", found->path);
    return itk_labels_parse(out, (const char *)found->data, found->size, path);
}
