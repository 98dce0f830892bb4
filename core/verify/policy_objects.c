/* V10 on the objects themselves: a commit's raw bytes and every tree it
 * holds are what stock git writes (vobject.h), so that `git log
 * --show-signature` and itaku show the same commits with the same text and
 * the same files. What the objects say is policy.c's. */
#include "itaku/errors.h"
#include "policy_priv.h"
#include "vobject.h"

#include <stdio.h>
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

/* A problem for flaw of the commit's tree (parent NULL) or of a parent's. */
static int tree_problem(check *ck, const itk_vtrees_flaw *flaw, const git_oid *parent)
{
    char hex[GIT_OID_HEXSZ + 1] = "";
    if (parent)
        git_oid_tostr(hex, sizeof(hex), parent);
    int rc;
    if (flaw->unreadable) {
        if (!parent)
            rc = *flaw->path ? PROBLEM(ck, "V11", flaw->path, "%s", flaw->why)
                             : PROBLEM(ck, "V11", flaw->path, "the commit's tree %s", flaw->why);
        else
            rc = *flaw->path
                     ? PROBLEM(ck, "V11", flaw->path, "the parent %.12s: %s", hex, flaw->why)
                     : PROBLEM(ck, "V11", flaw->path, "the parent %.12s: its tree %s", hex,
                               flaw->why);
    } else if (!parent) {
        rc = *flaw->path ? PROBLEM(ck, "V10", flaw->path,
                                   "%s; a registry's trees are exactly what git writes (make the "
                                   "commit again with itaku or git)",
                                   flaw->why)
                         : PROBLEM(ck, "V10", flaw->path,
                                   "the commit's tree %s; a registry's trees are exactly what git "
                                   "writes (make the commit again with itaku or git)",
                                   flaw->why);
    } else {
        rc = *flaw->path ? PROBLEM(ck, "V10", flaw->path,
                                   "the parent %.12s: %s; a registry's trees are exactly what git "
                                   "writes (make the commit again with itaku or git)",
                                   hex, flaw->why)
                         : PROBLEM(ck, "V10", flaw->path,
                                   "the parent %.12s: its tree %s; a registry's trees are exactly "
                                   "what git writes (make the commit again with itaku or git)",
                                   hex, flaw->why);
    }
    return rc ? rc : 1;
}

int itk_policy_check_trees(check *ck)
{
    const itk_vtrees_flaw *flaw = NULL;
    /* the first parent's tree, when found canonical, spares what is equal */
    git_commit *first = NULL;
    const git_oid *base =
        git_commit_parentcount(ck->commit) && git_commit_parent(&first, ck->commit, 0) == 0
            ? git_commit_tree_id(first)
            : NULL;
    git_error_clear();
    int rc = itk_vtrees_check_base(&ck->p->trees, ck->p->repo, git_commit_tree_id(ck->commit), base,
                                   &flaw);
    git_commit_free(first);
    if (rc)
        return rc < 0 ? rc : tree_problem(ck, flaw, NULL);
    /* a parent's trees were checked with the parent (a verdict kept by id);
     * nothing is built on one libgit2 may read otherwise than git */
    for (unsigned i = 0; i < git_commit_parentcount(ck->commit); i++) {
        git_commit *parent = NULL;
        git_oid pid;
        if (git_commit_parent(&parent, ck->commit, i) < 0) {
            git_error_clear();
            continue; /* the parent's own check reports it */
        }
        rc = itk_vtrees_check(&ck->p->trees, ck->p->repo, git_commit_tree_id(parent), &flaw);
        git_oid_cpy(&pid, git_commit_id(parent));
        git_commit_free(parent);
        if (rc)
            return rc < 0 ? rc : tree_problem(ck, flaw, &pid);
    }
    return 0;
}
