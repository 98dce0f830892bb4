/* kessai_branches.c's part of the flow's 決裁 (DESIGN §7, V12): whose
 * commits a decision branch holds, and whether a local branch is one the
 * hosted registry's hook and a fetch would take. */
#ifndef ITAKU_KESSAI_BRANCHES_PRIV_H
#define ITAKU_KESSAI_BRANCHES_PRIV_H

#include <git2.h>

/* The key that signed commit id, its signature verified over the commit
 * (SSHSIG, namespace git): its SHA256 fingerprint into fpr. ITK_EGIT when
 * the commit or its signature cannot be read; itk_sshsig_verify's errors
 * when the signature does not verify. */
int itk_kessai_signed_by(char fpr[64], git_repository *repo, const git_oid *id);

/* Whether the local branch (branch: "decisions/<requester>/<rec>", whose
 * tip is tip) is the decision branch of request name for city as the hook
 * and a fetch take one: every commit from the tip down to its draft signed
 * by a key of city (found in that commit's tree), and
 * itk_kessai_branch_check with mains (nmains of them). 0 when so;
 * ITK_EINVALID saying what it is not; ITK_EGIT, ITK_ENOMEM. */
int itk_kessai_branch_local(git_repository *repo, const char *branch, const git_oid *tip,
                            const char *city, const char *name, const git_oid *mains,
                            size_t nmains);

#endif
