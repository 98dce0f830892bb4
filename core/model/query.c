/* Reading records back: listing and finding them in HEAD's tree. */
#include "itaku/errors.h"
#include "alloc.h"
#include "array.h"
#include "itaku/json.h"
#include "itaku/form_input.h"
#include "itaku/query.h"
#include "registry_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    itk_record_blob *found;
    size_t n, cap;
    const char *party, *type;
    int rc;
} collect;

static int push(collect *c, const char *path, const git_oid *blob)
{
    if (itk_array_reserve(&c->found, &c->cap, c->n + 1, sizeof(*c->found)))
        return ITK_ENOMEM;
    if (!(c->found[c->n].path = itk_strdup(path)))
        return ITK_ENOMEM;
    c->found[c->n].blob = *blob;
    c->n++;
    return 0;
}

/* Whether the folder name under root can hold no record asked for: records
 * live under parties/<id>/<the type's folder>/ only, so a folder elsewhere,
 * another party's or another type's is not read (1: git_tree_walk skips it). */
static int skip_folder(const collect *c, const char *root, const char *name)
{
    if (!*root)
        return strcmp(name, "parties") != 0;
    if (strncmp(root, "parties/", 8) != 0)
        return 0;
    const char *rest = root + 8;
    if (!*rest)
        return c->party && strcmp(name, c->party) != 0;
    const char *slash = strchr(rest, '/');
    if (!c->type || !slash || slash[1])
        return 0; /* deeper than parties/<id>/: the walk went in already */
    const itk_record_type *t = itk_record_type_find(c->type);
    if (!t)
        return 0;
    size_t n = strcspn(t->folder, "/");
    return n != strlen(name) || strncmp(t->folder, name, n) != 0;
}

static int walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
    collect *c = payload;
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
        return skip_folder(c, root, git_tree_entry_name(e));
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
        return 0;
    char path[1024];
    snprintf(path, sizeof(path), "%s%s", root, git_tree_entry_name(e));
    itk_path_info pi;
    itk_path_classify(&pi, path);
    if (pi.kind != ITK_PATH_RECORD && pi.kind != ITK_PATH_KEY && pi.kind != ITK_PATH_PARTY)
        return 0;
    if ((c->party && strcmp(c->party, pi.party) != 0) ||
        (c->type && strcmp(c->type, pi.type->type) != 0))
        return 0;
    if ((c->rc = push(c, path, git_tree_entry_id(e))) != 0) {
        return -1;
    }
    return 0;
}

void itk_string_list_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void itk_record_blobs_free(itk_record_blob *list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i].path);
    free(list);
}

int itk_tree_record_blobs(itk_record_blob **out, size_t *count, git_repository *repo,
                          const git_tree *tree, const char *party, const char *type)
{
    collect c = {NULL, 0, 0, party, type, 0};
    (void)repo;
    *out = NULL;
    *count = 0;
    if (git_tree_walk(tree, GIT_TREEWALK_PRE, walk_cb, &c) < 0 && !c.rc)
        c.rc = itk_error_git("cannot read the registry's tree");
    if (c.rc) {
        itk_record_blobs_free(c.found, c.n);
        return c.rc;
    }
    *out = c.found;
    *count = c.n;
    return 0;
}

int itk_tree_records(char ***paths, size_t *count, git_repository *repo, const git_tree *tree,
                     const char *party, const char *type)
{
    itk_record_blob *found = NULL;
    size_t n = 0;
    *paths = NULL;
    *count = 0;
    int rc = itk_tree_record_blobs(&found, &n, repo, tree, party, type);
    if (!rc && n && !(*paths = itk_calloc(n, sizeof(**paths))))
        rc = ITK_ENOMEM;
    if (rc) {
        itk_record_blobs_free(found, n);
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        (*paths)[i] = found[i].path; /* the paths move */
    free(found);
    *count = n;
    return 0;
}

int itk_record_list(char ***paths, size_t *count, itk_registry *reg, const char *party,
                    const char *type)
{
    git_tree *tree = NULL;
    *paths = NULL;
    *count = 0;
    if (type && !itk_record_type_find(type))
        return itk_error_set(ITK_EINVALID, "unknown record type '%.40s'", type);
    int rc = itk_registry_head_tree(&tree, reg);
    if (!rc)
        rc = itk_tree_records(paths, count, reg->repo, tree, party, type);
    git_tree_free(tree);
    return rc;
}

int itk_record_find(itk_buf *path, itk_registry *reg, const char *typed)
{
    /* r-2, full-width digits: the id as a record's id is written */
    char name[128];
    itk_record_id_input(name, sizeof(name), typed, NULL, NULL);
    char **paths;
    size_t n, hits = 0;
    int rc = itk_record_list(&paths, &n, reg, NULL, NULL);
    if (rc)
        return rc;
    size_t nl = strlen(name);
    for (size_t i = 0; i < n; i++) {
        itk_path_info pi;
        itk_path_classify(&pi, paths[i]);
        char full[128];
        snprintf(full, sizeof(full), "%s/%s", pi.party, pi.id);
        size_t fl = strlen(full);
        /* "party/id", "id", or a unique suffix of either */
        if (fl >= nl && strcmp(full + fl - nl, name) == 0 &&
            (fl == nl || full[fl - nl - 1] == '/' || strchr(name, '/') || nl >= 3)) {
            if (hits++ == 0) {
                itk_buf_clear(path);
                itk_buf_puts(path, paths[i]);
            }
        }
    }
    itk_string_list_free(paths, n);
    if (hits == 0)
        return itk_error_set(ITK_ENOTFOUND,
                             "no record '%.64s' in this registry (see `itaku record list`)", name);
    if (hits > 1)
        return itk_error_set(ITK_ECONFLICT,
                             "'%.64s' names %zu records; add the party: <party>/<id>", name, hits);
    return 0;
}

int itk_record_latest(itk_buf *id, itk_registry *reg, const char *party, const char *type)
{
    char **paths = NULL;
    size_t n = 0;
    git_tree *tree = NULL;
    itk_buf superseded = ITK_BUF_INIT;
    int rc;
    if ((rc = itk_record_list(&paths, &n, reg, party, type)) ||
        (rc = itk_registry_head_tree(&tree, reg)))
        goto done;
    for (size_t i = 0; i < n; i++) {
        json_t *rec = NULL;
        if (itk_tree_read_json(&rec, reg->repo, tree, paths[i]) == 0) {
            const char *s = json_string_value(json_object_get(rec, "supersedes"));
            if (s)
                itk_buf_printf(&superseded, "|%s|", s);
        }
        json_decref(rec);
    }
    itk_error_clear();
    rc = itk_error_set(ITK_ENOTFOUND, "%s has no %s record in force", party, type);
    /* record ids of one type sort by number, so the last one in force wins */
    for (size_t i = n; i-- > 0;) {
        itk_path_info pi;
        char key[80];
        itk_path_classify(&pi, paths[i]);
        snprintf(key, sizeof(key), "|%s|", pi.id);
        if (superseded.ptr && strstr(superseded.ptr, key))
            continue;
        itk_buf_clear(id);
        itk_buf_puts(id, pi.id);
        rc = 0;
        break;
    }
done:
    itk_buf_dispose(&superseded);
    git_tree_free(tree);
    itk_string_list_free(paths, n);
    return rc;
}
