/* Loading the obligations file in force. The rules engine that checks them
 * (status) is another file. */
#include "itaku/obligations.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "registry_priv.h"
#include "template.h"

#include <string.h>

static int builtin(json_t **out)
{
    for (const itk_template_file *f = itk_template_files; f->path; f++)
        if (strncmp(f->path, "obligations/", 12) == 0)
            return itk_json_parse(out, (const char *)f->data, f->size, f->path);
    return itk_error_set(ITK_ENOTFOUND, "no obligations file is built in");
}

int itk_obligations_load(json_t **out, itk_registry *reg)
{
    git_tree *tree = NULL;
    json_t *contract = NULL;
    *out = NULL;
    if (!reg || itk_registry_head_tree(&tree, reg) != 0) {
        itk_error_clear();
        return builtin(out);
    }
    int rc = itk_registry_contract(&contract, reg, tree);
    const char *path = json_string_value(json_object_get(contract, "obligations"));
    if (!rc && !path)
        rc = itk_error_set(ITK_EINVALID, "itaku.json names no obligations file");
    if (!rc && (rc = itk_tree_read_json(out, reg->repo, tree, path)) == ITK_ENOTFOUND)
        rc = itk_error_set(rc, "%s, named in itaku.json, is missing from the registry", path);
    json_decref(contract);
    git_tree_free(tree);
    return rc;
}
