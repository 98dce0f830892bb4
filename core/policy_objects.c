/* V10 on the objects themselves: a commit's raw bytes and every tree it
 * holds are what stock git writes (vobject.h), so that `git log
 * --show-signature` and itaku show the same commits with the same text and
 * the same files. What the objects say is policy.c's. */
#include "itaku/errors.h"
#include "policy_priv.h"
#include "vobject.h"

#include <string.h>

int itk_policy_check_commit_object(check *ck)
{
    git_odb *odb = NULL;
    git_odb_object *obj = NULL;
    size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    itk_vobject_commit vc;
    itk_vobject_flaw flaw;
    int rc = 0;
    if (git_repository_odb(&odb, ck->p->repo) < 0 ||
        git_odb_read_header(&size, &type, odb, ck->id) < 0) {
        rc = itk_error_git("cannot read commit %s", git_oid_tostr_s(ck->id));
        goto done;
    }
    if (size > ITK_VOBJECT_MAX_COMMIT_BYTES) {
        rc = PROBLEM(ck, "V10", "",
                     "the commit object is %zu bytes; a registry's commit is at most %u (a "
                     "message of at most %u bytes)",
                     size, ITK_VOBJECT_MAX_COMMIT_BYTES, ITK_MAX_MESSAGE_BYTES);
        rc = rc ? rc : 1;
        goto done;
    }
    if (git_odb_read(&obj, odb, ck->id) < 0) {
        rc = itk_error_git("cannot read commit %s", git_oid_tostr_s(ck->id));
        goto done;
    }
    rc = itk_vobject_commit_parse(&vc, git_odb_object_data(obj), git_odb_object_size(obj), &flaw);
    if (rc == 1) {
        rc = PROBLEM(ck, "V10", "",
                     "the commit object holds %s; stock git and itaku would show this commit "
                     "differently (make it again with itaku or git commit -S)",
                     flaw.why);
        rc = rc ? rc : 1;
        goto done;
    }
    if (rc)
        goto done;
    /* what libgit2 read must be what the bytes say */
    int differs = strcmp(vc.tree, git_oid_tostr_s(git_commit_tree_id(ck->commit))) != 0 ||
                  vc.nparents != git_commit_parentcount(ck->commit);
    for (size_t i = 0; !differs && i < vc.nparents; i++)
        differs = strcmp(vc.parents[i],
                         git_oid_tostr_s(git_commit_parent_id(ck->commit, (unsigned)i))) != 0;
    if (differs) {
        rc = PROBLEM(ck, "V10", "",
                     "libgit2 reads this commit's tree or parents differently "
                     "from its bytes");
        rc = rc ? rc : 1;
    }
done:
    git_odb_object_free(obj);
    git_odb_free(odb);
    return rc;
}

int itk_policy_check_trees(check *ck)
{
    const itk_vtrees_flaw *flaw = NULL;
    int rc = itk_vtrees_check(&ck->p->trees, ck->p->repo, git_tree_id(ck->tree), &flaw);
    if (rc <= 0)
        return rc;
    if (flaw->unreadable)
        rc = PROBLEM(ck, "V11", flaw->path, "%s%s", *flaw->path ? "" : "the commit's tree ",
                     flaw->why);
    else
        rc = PROBLEM(ck, "V10", flaw->path,
                     "%s%s; a registry's trees are exactly what git writes (make the commit "
                     "again with itaku or git)",
                     *flaw->path ? "" : "the commit's tree ", flaw->why);
    return rc ? rc : 1;
}
