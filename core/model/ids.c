/* Record ids: the next free "<prefix>-NNNNNN" of a party's records, taken
 * over every local ref so that two branches never hand out the same id. */
#include "itaku/errors.h"
#include "registry_priv.h"
#include "itaku/ids.h"

#include <stdlib.h>
#include <string.h>

static int scan_tree(long *max, git_repository *repo, const git_tree *root, const char *folder,
                     const itk_record_type *t)
{
    git_tree_entry *e = NULL;
    git_tree *dir = NULL;
    if (git_tree_entry_bypath(&e, root, folder) < 0)
        return 0;
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE &&
        git_tree_lookup(&dir, repo, git_tree_entry_id(e)) == 0) {
        size_t pl = strlen(t->prefix);
        for (size_t i = 0; i < git_tree_entrycount(dir); i++) {
            const char *name = git_tree_entry_name(git_tree_entry_byindex(dir, i));
            if (strncmp(name, t->prefix, pl) == 0 && name[pl] == '-') {
                long n = strtol(name + pl + 1, NULL, 10);
                if (n > *max)
                    *max = n;
            }
        }
        git_tree_free(dir);
    }
    git_tree_entry_free(e);
    return 0;
}

int itk_registry_next_id(itk_buf *out, itk_registry *reg, const itk_record_type *t,
                         const char *party, const char *requester)
{
    itk_buf folder = ITK_BUF_INIT;
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    long max = 0;
    int rc = 0;
    if (t->per_requester)
        itk_buf_printf(&folder, "parties/%s/%s/%s", party, t->folder, requester);
    else
        itk_buf_printf(&folder, "parties/%s/%s", party, t->folder);
    if (git_reference_iterator_new(&it, reg->repo) < 0) {
        rc = itk_error_git("cannot list refs");
        goto done;
    }
    while (git_reference_next(&ref, it) == 0) {
        git_object *obj = NULL;
        if (git_reference_peel(&obj, ref, GIT_OBJECT_TREE) == 0) {
            scan_tree(&max, reg->repo, (git_tree *)obj, folder.ptr, t);
            git_object_free(obj);
        }
        git_reference_free(ref);
    }
    if (max >= 999999)
        rc = itk_error_set(ITK_ETOOBIG, "no %s ids are left for %s", t->type, party);
    else {
        itk_buf_clear(out);
        rc = itk_buf_printf(out, "%s-%06ld", t->prefix, max + 1);
    }
done:
    git_reference_iterator_free(it);
    itk_buf_dispose(&folder);
    return rc;
}
