/* Compiled schemas by blob id for one verify run (V10). A schema that cannot
 * be used is remembered with the reason, so that every record naming it is
 * told the same thing without reading it again. */
#include "vschemas.h"
#include "itaku/errors.h"
#include "alloc.h"
#include "itaku/json.h"
#include "itaku/schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A schema file is no bigger than a record. */
#define MAX_SCHEMA_BYTES ITK_MAX_RECORD_BYTES

typedef struct {
    itk_schema *schema; /* NULL when unusable */
    int code;           /* why not: the error code and message */
    char *why;
} entry;

void itk_vschemas_free(itk_vschemas *v)
{
    for (size_t i = 0; i < v->by_blob.cap; i++) {
        entry *e = v->by_blob.used && v->by_blob.used[i] ? v->by_blob.values[i] : NULL;
        if (!e)
            continue;
        itk_schema_free(e->schema);
        free(e->why);
        free(e);
    }
    itk_oidmap_free(&v->by_blob);
}

/* Reads, parses and checks the schema blob id (named path in messages). */
static int load(entry *e, git_repository *repo, const git_oid *id, const char *path)
{
    git_odb *odb = NULL;
    git_blob *b = NULL;
    json_t *json = NULL;
    size_t size = 0;
    git_object_t type;
    int rc = 0;
    if (git_repository_odb(&odb, repo) < 0 || git_odb_read_header(&size, &type, odb, id) < 0) {
        rc = itk_error_git("cannot read %s (blob %s)", path, git_oid_tostr_s(id));
        goto done;
    }
    if (type != GIT_OBJECT_BLOB)
        rc = itk_error_set(ITK_EINVALID, "%s is not a file", path);
    else if (size > MAX_SCHEMA_BYTES)
        rc = itk_error_set(ITK_ETOOBIG, "%s is larger than the limit of %d bytes", path,
                           MAX_SCHEMA_BYTES);
    else if (git_blob_lookup(&b, repo, id) < 0)
        rc = itk_error_git("cannot read %s (blob %s)", path, git_oid_tostr_s(id));
    else if (!(rc = itk_json_parse(&json, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b),
                                   path)))
        rc = itk_schema_compile(&e->schema, json, path);
done:
    if (rc && rc != ITK_ENOMEM) {
        /* the schema is unusable: every record naming it is told why */
        e->code = rc == ITK_EUNSUPPORTED ? rc : ITK_EINVALID;
        e->why = itk_strdup(itk_error_last());
        rc = e->why ? 0 : ITK_ENOMEM;
    }
    json_decref(json);
    git_blob_free(b);
    git_odb_free(odb);
    return rc;
}

int itk_vschemas_validate(itk_buf *errors, itk_vschemas *v, git_repository *repo,
                          const git_tree *tree, const char *schema, const json_t *body,
                          const char *label)
{
    char path[160];
    git_tree_entry *te = NULL;
    int n = snprintf(path, sizeof(path), "schemas/%s.schema.json", schema);
    if (n < 0 || (size_t)n >= sizeof(path) || strchr(schema, '/') ||
        git_tree_entry_bypath(&te, tree, path) < 0) {
        git_error_clear();
        return itk_error_set(ITK_ENOTFOUND,
                             "names schema %.64s, but this commit's tree holds no "
                             "schemas/%.64s.schema.json; a record must name a schema version "
                             "the registry holds",
                             schema, schema);
    }
    git_oid id = *git_tree_entry_id(te);
    int is_blob = git_tree_entry_type(te) == GIT_OBJECT_BLOB;
    git_tree_entry_free(te);
    if (!is_blob)
        return itk_error_set(ITK_EINVALID, "%s is not a file", path);
    if (!v->by_blob.cap) {
        int rc = itk_oidmap_init(&v->by_blob);
        if (rc)
            return rc;
    }
    entry *e = itk_oidmap_get(&v->by_blob, &id);
    if (!e) {
        int rc;
        if (!(e = itk_calloc(1, sizeof(*e))))
            return ITK_ENOMEM;
        if ((rc = load(e, repo, &id, path)) || (rc = itk_oidmap_set(&v->by_blob, &id, e))) {
            itk_schema_free(e->schema);
            free(e->why);
            free(e);
            return rc;
        }
    }
    if (!e->schema)
        return itk_error_set(e->code, "%s is unusable: %s", path, e->why);
    return itk_schema_apply(errors, e->schema, body, label);
}
