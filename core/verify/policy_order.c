/* V4, the order of the records whose newest one is in force: a key event
 * (a principal's name and post) and a contract amendment (the settings in
 * force, V3). Readers take the one with the highest id (itaku/people.h,
 * itaku/delegation.h), never the newest "created", which the writer chose.
 * So that the highest id is the one written last, a commit may add such a
 * record of a party only with an id above every id of that type and party
 * in what it builds on (the merge result for a merge), and at most
 * ITK_ORDER_ID_GAP_MAX above it: itaku hands out the next id over every
 * local ref, so a copy that fetched records it has not merged yet leaves a
 * small gap; a forged k-999999 would pin a post for good and leave no id. */
#include "itaku/errors.h"
#include "itaku/query.h"
#include "policy_priv.h"

#include <stdlib.h>
#include <string.h>

/* The widest gap an id may leave above the highest one before it. */
#define ITK_ORDER_ID_GAP_MAX 100

static int ordered_type(const itk_record_type *t)
{
    return t && (strcmp(t->type, "key-event") == 0 || strcmp(t->type, "contract-amendment") == 0);
}

/* The number of a "<prefix>-NNNNNN" id, or -1. */
static long id_number(const char *id, const itk_record_type *t)
{
    size_t pl = strlen(t->prefix);
    if (strncmp(id, t->prefix, pl) != 0 || id[pl] != '-')
        return -1;
    char *end = NULL;
    long n = strtol(id + pl + 1, &end, 10);
    return end && (*end == 0 || strcmp(end, ".json") == 0) ? n : -1;
}

/* The highest id number of type t and party in tree, 0 when none. */
static int highest_id(long *out, check *ck, const git_tree *tree, const char *party,
                      const itk_record_type *t)
{
    char **paths = NULL;
    size_t n = 0;
    *out = 0;
    int rc = itk_tree_records(&paths, &n, ck->p->repo, tree, party, t->type);
    for (size_t i = 0; !rc && i < n; i++) {
        const char *base = strrchr(paths[i], '/');
        long v = id_number(base ? base + 1 : paths[i], t);
        if (v > *out)
            *out = v;
    }
    itk_string_list_free(paths, n);
    return rc;
}

int itk_policy_check_order(check *ck)
{
    if (!ck->base)
        return 0; /* the genesis: its records are the first */
    for (size_t i = 0; i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
        if (f->refused || f->modified || f->info.kind != ITK_PATH_RECORD ||
            !ordered_type(f->info.type))
            continue;
        long top = 0, n = id_number(f->info.id, f->info.type);
        int rc = highest_id(&top, ck, ck->base, f->info.party, f->info.type);
        if (rc)
            return rc;
        if (n <= top)
            return PROBLEM(ck, "V4", f->path,
                           "a %s of %s must have an id above %s-%06ld, the highest one before "
                           "this commit (the highest id is the one in force); write it again "
                           "with itaku, which takes the next id",
                           f->info.type->type, f->info.party, f->info.type->prefix, top);
        if (n > top + ITK_ORDER_ID_GAP_MAX)
            return PROBLEM(ck, "V4", f->path,
                           "a %s of %s skips from %s-%06ld to %s: ids follow each other (at "
                           "most %d apart); write it again with itaku, which takes the next id",
                           f->info.type->type, f->info.party, f->info.type->prefix, top, f->info.id,
                           ITK_ORDER_ID_GAP_MAX);
    }
    return 0;
}
