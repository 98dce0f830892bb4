/* Contracts outlive releases: the versions a registry holds against those
 * this itaku carries, and the city's contract-update commit publishing the
 * carried ones the registry lacks. */
#include "itaku/write_lock.h"
#include "itaku/contract.h"
#include "itaku/labels.h"
#include "itaku/refcheck.h"
#include "intl.h"
#include "itaku/commit.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "commit_priv.h"
#include "registry_priv.h"
#include "template.h"

#include <stdlib.h>
#include <string.h>

/* Highest version number a file name may carry. */
#define MAX_VERSION 1000000L

int itk_contract_builtin(itk_contract_file **out)
{
    size_t n = 0;
    while (itk_template_files[n].path)
        n++;
    itk_contract_file *files = calloc(n + 1, sizeof(*files));
    if (!(*out = files))
        return itk_error_set(ITK_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        files[i] = (itk_contract_file){itk_template_files[i].path, itk_template_files[i].data,
                                       itk_template_files[i].size};
    return 0;
}

/* Splits "schemas/<name>.v<N>.schema.json", "obligations/<name>.v<N>.json"
 * or "labels/<lang>.v<N>.json" into kind, name and N; 0 when path is neither. */
static int parse_versioned(char kind[16], char name[64], long *version, const char *dir,
                           const char *file)
{
    const char *suffix;
    if (strcmp(dir, "schemas") == 0) {
        suffix = ".schema.json";
        strcpy(kind, "schema");
    } else if (strcmp(dir, "obligations") == 0) {
        suffix = ".json";
        strcpy(kind, "obligations");
    } else if (strcmp(dir, "labels") == 0) {
        suffix = ".json";
        strcpy(kind, "labels");
    } else
        return 0;
    const char *v = strstr(file, ".v");
    while (v) {
        char *end;
        long n = strtol(v + 2, &end, 10);
        if (v[2] >= '1' && v[2] <= '9' && n > 0 && n < MAX_VERSION && strcmp(end, suffix) == 0 &&
            (size_t)(v - file) < 64 && v > file) {
            memcpy(name, file, (size_t)(v - file));
            name[v - file] = '\0';
            *version = n;
            return 1;
        }
        v = strstr(v + 2, ".v");
    }
    return 0;
}

static int split_path(char kind[16], char name[64], long *version, const char *path)
{
    const char *slash = strchr(path, '/');
    char dir[16];
    if (!slash || (size_t)(slash - path) >= sizeof(dir) || strchr(slash + 1, '/'))
        return 0;
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    return parse_versioned(kind, name, version, dir, slash + 1);
}

static itk_contract_version *entry_for(itk_contract_version **v, size_t *n, size_t *cap,
                                       const char *kind, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].kind, kind) == 0 && strcmp((*v)[i].name, name) == 0)
            return &(*v)[i];
    if (*n >= ITK_CONTRACT_MAX_VERSIONS)
        return NULL;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        itk_contract_version *p = realloc(*v, nc * sizeof(*p));
        if (!p)
            return NULL;
        *v = p;
        *cap = nc;
    }
    itk_contract_version *e = &(*v)[(*n)++];
    memset(e, 0, sizeof(*e));
    snprintf(e->kind, sizeof(e->kind), "%s", kind);
    snprintf(e->name, sizeof(e->name), "%s", name);
    return e;
}

/* 1 when tree holds path as a blob equal to data, 0 when it holds something
 * else, -1 when it holds nothing there. */
static int tree_compare(git_repository *repo, const git_tree *tree, const char *path,
                        const void *data, size_t size)
{
    git_tree_entry *e = NULL;
    if (git_tree_entry_bypath(&e, tree, path) != 0)
        return -1;
    git_oid want;
    int same = git_odb_hash(&want, data, size, GIT_OBJECT_BLOB) == 0 &&
               git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
               git_oid_equal(&want, git_tree_entry_id(e));
    (void)repo;
    git_tree_entry_free(e);
    return same;
}

static int compare(itk_contract_version *out[], size_t *count, git_repository *repo,
                   const git_tree *tree, const itk_contract_file *carried)
{
    itk_contract_version *v = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    static const char *dirs[] = {"schemas", "obligations", "labels"};
    for (size_t d = 0; !rc && d < sizeof(dirs) / sizeof(*dirs); d++) {
        git_tree_entry *e = NULL;
        git_tree *dir = NULL;
        if (git_tree_entry_bypath(&e, tree, dirs[d]) == 0 &&
            git_tree_lookup(&dir, repo, git_tree_entry_id(e)) == 0) {
            for (size_t i = 0; !rc && i < git_tree_entrycount(dir); i++) {
                char kind[16], name[64];
                long ver;
                if (!parse_versioned(kind, name, &ver, dirs[d],
                                     git_tree_entry_name(git_tree_entry_byindex(dir, i))))
                    continue;
                itk_contract_version *x = entry_for(&v, &n, &cap, kind, name);
                if (!x)
                    rc = n >= ITK_CONTRACT_MAX_VERSIONS
                             ? itk_error_set(ITK_ETOOBIG,
                                             "the registry holds more than %d versioned "
                                             "templates; verify it",
                                             ITK_CONTRACT_MAX_VERSIONS)
                             : ITK_ENOMEM;
                else if (ver > x->held)
                    x->held = ver;
            }
        }
        git_tree_entry_free(e);
        git_tree_free(dir);
    }
    for (const itk_contract_file *f = carried; !rc && f->path; f++) {
        char kind[16], name[64];
        long ver = 1;
        int readme = strcmp(f->path, "README.md") == 0;
        if (readme) {
            strcpy(kind, "readme");
            strcpy(name, "README.md");
        } else if (!split_path(kind, name, &ver, f->path))
            continue;
        itk_contract_version *x = entry_for(&v, &n, &cap, kind, name);
        if (!x) {
            rc = ITK_ENOMEM;
            break;
        }
        if (ver > x->carried)
            x->carried = ver;
        int cmp = tree_compare(repo, tree, f->path, f->data, f->size);
        if (readme) {
            x->held = cmp >= 0;
            x->missing += cmp != 1;
        } else
            x->missing += cmp < 0;
    }
    if (rc) {
        free(v);
        return rc == ITK_ENOMEM ? itk_error_set(ITK_ENOMEM, "out of memory") : rc;
    }
    *out = v;
    *count = n;
    return 0;
}

/* A carried obligations version v2 or later whose effective_from is before
 * today (in the contract's timezone) would take effect in the past, changing
 * the verdict of acknowledgements already made, and verify refuses it (V4).
 * Published as of today instead: *out is a copy of f's bytes with that date
 * (same length, nothing else changed), or NULL when f needs no change. The
 * registry's copy may differ from the carried one: upgrade compares
 * versioned files by presence, so a second run adds nothing. */
static int published_bytes(char **out, const itk_contract_file *f, const char *today)
{
    static const char key[] = "\"effective_from\": \"";
    char kind[16], name[64];
    long ver;
    *out = NULL;
    if (!split_path(kind, name, &ver, f->path) || strcmp(kind, "obligations") != 0 || ver < 2)
        return 0;
    const char *data = f->data, *end = data + f->size;
    const char *at = NULL;
    for (const char *p = data; !at && p + sizeof(key) - 1 + 11 <= end; p++)
        if (memcmp(p, key, sizeof(key) - 1) == 0)
            at = p + sizeof(key) - 1;
    if (!at || at[10] != '"' || memcmp(at, today, 10) >= 0)
        return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? at[i] != '-' : at[i] < '0' || at[i] > '9')
            return 0; /* not a date: never in force (status), nothing to move */
    char *copy = malloc(f->size ? f->size : 1);
    if (!copy)
        return itk_error_set(ITK_ENOMEM, "out of memory");
    memcpy(copy, data, f->size);
    memcpy(copy + (at - data), today, 10);
    *out = copy;
    return 0;
}

static int by_kind_name(const void *a, const void *b)
{
    const itk_contract_version *x = a, *y = b;
    int c = strcmp(x->kind, y->kind);
    return c ? c : strcmp(x->name, y->name);
}

int itk_contract_versions(itk_contract_version **out, size_t *n, itk_registry *reg,
                          const itk_contract_file *carried)
{
    git_tree *tree = NULL;
    itk_contract_file *builtin = NULL;
    *out = NULL;
    *n = 0;
    int rc = carried ? 0 : itk_contract_builtin(&builtin);
    if (!rc && !(rc = itk_registry_head_tree(&tree, reg)) &&
        !(rc = compare(out, n, reg->repo, tree, carried ? carried : builtin)))
        qsort(*out, *n, sizeof(**out), by_kind_name);
    git_tree_free(tree);
    free(builtin);
    return rc;
}

/* The city's party id, from HEAD's itaku.json ("" when unreadable). */
static void city_of(char city[ITK_PARTY_ID_MAX + 1], git_repository *repo, const git_tree *tree)
{
    json_t *c = NULL;
    city[0] = '\0';
    if (itk_tree_read_json(&c, repo, tree, "itaku.json") == 0) {
        const char *s = json_string_value(json_object_get(c, "city"));
        snprintf(city, ITK_PARTY_ID_MAX + 1, "%s", s ? s : "");
    }
    itk_error_clear();
    json_decref(c);
}

int itk_contract_upgrade(git_oid *out, size_t *added, itk_registry *reg, itk_signer *signer,
                         const itk_contract_file *carried)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    git_tree *tree = NULL;
    itk_change *c = NULL;
    itk_identity who;
    char city[ITK_PARTY_ID_MAX + 1];
    size_t count = 0;
    int rc = 0;
    memset(out, 0, sizeof(*out));
    *added = 0;
    itk_contract_file *builtin = NULL;
    if (!carried && !(rc = itk_contract_builtin(&builtin)))
        carried = builtin;
    if (rc || (rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_registry_identify(&who, reg, tree, signer)))
        goto done;
    city_of(city, reg->repo, tree);
    if (strcmp(who.role, "city") != 0) {
        static const char msg[] =
            ITK_N_("V3: only the city (%s) publishes new contract versions; %s/%s is %s; "
                   "ask the city to run itaku contract upgrade");
        itk_labels *l = NULL;
        if (itk_labels_open(&l, reg, NULL, "ja"))
            itk_error_clear(); /* the role is shown as its code */
        rc = itk_error_set(ITK_EAUTH, msg, *city ? city : "the registry's city", who.party,
                           who.principal, itk_ref_code_shown(l, msg, "role", who.role));
        itk_labels_free(l);
        goto done;
    }
    char today[32];
    if ((rc = itk_registry_now(today, reg)) ||
        (rc = itk_change_new(&c, "contract-update", "Publish new contract versions")))
        goto done;
    for (const itk_contract_file *f = carried; !rc && f->path; f++) {
        char kind[16], name[64], *moved = NULL;
        long ver;
        int cmp = tree_compare(reg->repo, tree, f->path, f->data, f->size);
        if (strcmp(f->path, "README.md") == 0 ? cmp == 1
                                              : !split_path(kind, name, &ver, f->path) || cmp >= 0)
            continue;
        if (!(rc = published_bytes(&moved, f, today)) &&
            !(rc = itk_change_add(c, f->path, moved ? moved : f->data, f->size)))
            count++;
        free(moved);
    }
    if (rc || count == 0)
        goto done;
    if (!(rc = itk_change_set_subject(c, "Publish %zu new contract template file%s", count,
                                      count == 1 ? "" : "s")) &&
        !(rc = itk_registry_commit(out, reg, signer, c)))
        *added = count;
done:
    itk_change_free(c);
    git_tree_free(tree);
    free(builtin);
    return rc;
}
