/* Loading the obligations file in force, and which version of the set is
 * in force on a day. The rules engine that checks them (status) is another
 * file. */
#include "itaku/obligations.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/utf8.h"
#include "array.h"
#include "registry_priv.h"
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Highest version number an obligations file name may carry. */
#define MAX_VERSION 1000000L

static int builtin(json_t **out)
{
    for (const itk_template_file *f = itk_template_files; f->path; f++)
        if (strncmp(f->path, "obligations/", 12) == 0)
            return itk_json_parse(out, (const char *)f->data, f->size, f->path);
    return itk_error_set(ITK_ENOTFOUND, "no obligations file is built in");
}

/* "YYYY-MM-DD" with digits where they belong. */
static int is_date(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 0;
    /* a day of the calendar: "2026-02-30" or "2026-13-45" is never in
     * force, here as in status (which reads the date as a time) */
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = atoi(s), m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m >= 1 && m <= 12 && d >= 1 && d <= (m == 2 && !leap ? 28 : days[m - 1]);
}

/* N when name is "<set>.v<N>.json" (N without leading zeros), else 0. */
static long version_of(const char *name, const char *set)
{
    size_t sl = strlen(set);
    if (strncmp(name, set, sl) != 0 || strncmp(name + sl, ".v", 2) != 0 || name[sl + 2] < '1' ||
        name[sl + 2] > '9')
        return 0;
    char *end;
    long v = strtol(name + sl + 2, &end, 10);
    return v > 0 && v < MAX_VERSION && strcmp(end, ".json") == 0 ? v : 0;
}

static int by_version(const void *a, const void *b)
{
    const itk_obligations_version *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

/* Fills one entry: its path, effective_from and titles as the file says. */
static int describe(itk_obligations_version *e, git_repository *repo, const git_tree *tree,
                    const char *set, long version)
{
    json_t *ob = NULL;
    e->version = version;
    snprintf(e->path, sizeof(e->path), "obligations/%s.v%ld.json", set, version);
    int rc = itk_tree_read_json(&ob, repo, tree, e->path);
    if (rc == ITK_ENOMEM)
        return rc;
    const char *ef = rc ? NULL : json_string_value(json_object_get(ob, "effective_from"));
    snprintf(e->effective_from, sizeof(e->effective_from), "%s", is_date(ef) ? ef : "");
    const char *t = json_string_value(json_object_get(ob, "title"));
    const char *te = json_string_value(json_object_get(ob, "title_en"));
    itk_copy_utf8(e->title, sizeof(e->title), t);
    itk_copy_utf8(e->title_en, sizeof(e->title_en), te);
    json_decref(ob);
    itk_error_clear();
    return 0;
}

int itk_obligations_versions(itk_obligations_version **out, size_t *n, git_repository *repo,
                             const git_tree *tree)
{
    json_t *contract = NULL;
    itk_obligations_version *v = NULL;
    size_t count = 0, cap = 0;
    git_tree_entry *e = NULL;
    git_tree *dir = NULL;
    char set[ITK_OBLIGATIONS_PATH_MAX] = "";
    long first = 0;
    *out = NULL;
    *n = 0;
    int rc = itk_tree_read_json(&contract, repo, tree, "itaku.json");
    if (rc)
        return rc;
    const char *named = json_string_value(json_object_get(contract, "obligations"));
    const char *slash = named ? strrchr(named, '/') : NULL;
    const char *dot = slash ? strstr(slash, ".v") : NULL;
    if (dot && strncmp(named, "obligations/", 12) == 0 && slash == named + 11 &&
        (size_t)(dot - slash - 1) < sizeof(set)) {
        memcpy(set, slash + 1, (size_t)(dot - slash - 1));
        set[dot - slash - 1] = '\0';
        first = version_of(slash + 1, set);
    }
    if (!first) {
        rc = itk_error_set(ITK_EINVALID, "itaku.json names no obligations file "
                                         "(obligations/<set>.v<N>.json)");
        goto done;
    }
    if (git_tree_entry_bypath(&e, tree, named) != 0) {
        git_error_clear();
        rc = itk_error_set(ITK_ENOTFOUND, "%s, named in itaku.json, is missing from the registry",
                           named);
        goto done;
    }
    git_tree_entry_free(e);
    e = NULL;
    if (git_tree_entry_bypath(&e, tree, "obligations") != 0 ||
        git_tree_lookup(&dir, repo, git_tree_entry_id(e)) != 0) {
        rc = itk_error_git("cannot read the registry's obligations folder");
        goto done;
    }
    for (size_t i = 0; !rc && i < git_tree_entrycount(dir); i++) {
        long ver = version_of(git_tree_entry_name(git_tree_entry_byindex(dir, i)), set);
        if (ver < first)
            continue;
        if (itk_array_reserve(&v, &cap, count + 1, sizeof(*v)))
            rc = ITK_ENOMEM;
        else
            rc = describe(&v[count++], repo, tree, set, ver);
    }
    if (!rc) {
        qsort(v, count, sizeof(*v), by_version);
        *out = v;
        *n = count;
        v = NULL;
    }
done:
    free(v);
    git_tree_free(dir);
    git_tree_entry_free(e);
    json_decref(contract);
    return rc;
}

const char *itk_obligations_named(char *out, size_t cap, const itk_obligations_version *v, int ja)
{
    const char *t = ja && v->title[0] ? v->title : v->title_en[0] ? v->title_en : v->title;
    char text[2 * ITK_OBLIGATIONS_TITLE_MAX + 64];
    if (!t[0])
        snprintf(text, sizeof(text), "%s", v->path);
    else if (ja)
        snprintf(text, sizeof(text), "「%s」第%ld版", t, v->version);
    else
        snprintf(text, sizeof(text), "\"%s\" (version %ld)", t, v->version);
    itk_copy_utf8(out, cap, text);
    return out;
}

size_t itk_obligations_in_force_at(const itk_obligations_version *v, size_t n, const char *day)
{
    size_t at = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i].effective_from[0] && day && strncmp(v[i].effective_from, day, 10) <= 0)
            at = i;
    return at;
}

int itk_obligations_in_force(itk_obligations_version *out, itk_registry *reg, const git_tree *tree,
                             const char *day)
{
    git_tree *head = NULL;
    itk_obligations_version *v = NULL;
    size_t n = 0;
    int rc = tree ? 0 : itk_registry_head_tree(&head, reg);
    if (!rc && !(rc = itk_obligations_versions(&v, &n, reg->repo, tree ? tree : head)))
        *out = v[itk_obligations_in_force_at(v, n, day)];
    free(v);
    git_tree_free(head);
    return rc;
}

int itk_obligations_load(json_t **out, itk_registry *reg)
{
    git_tree *tree = NULL;
    itk_obligations_version now;
    char today[32];
    *out = NULL;
    if (!reg || itk_registry_head_tree(&tree, reg) != 0) {
        itk_error_clear();
        return builtin(out);
    }
    int rc = itk_registry_now(today, reg);
    if (!rc && !(rc = itk_obligations_in_force(&now, reg, tree, today)))
        rc = itk_tree_read_json(out, reg->repo, tree, now.path);
    git_tree_free(tree);
    return rc;
}
