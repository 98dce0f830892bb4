/* 決裁 (DESIGN V12): which draft (起案) a decision branch stands on, and who
 * may draft it again. A decision branch is a draft commit followed by seal
 * commits; a draft made again (`--redraft`) is a merge of main and the
 * earlier draft's branch, so its tree holds every earlier draft too: the
 * draft that counts is always the one its commit adds, never one it merely
 * carries. Read by the flow (sealing, deciding) and by verify alike, so that
 * both take a decision's terms from the same record. */
#ifndef ITAKU_KESSAI_DRAFT_H
#define ITAKU_KESSAI_DRAFT_H

#include <git2.h>
#include <jansson.h>
#include <stddef.h>

#include "itaku/record.h"

struct itk_void_writes;

/* The draft record of request name ("<requester>/<rec>") that commit c adds
 * for city: a record under parties/<city>/drafts/<requester>/ whose body
 * names the request, held by c's tree and by no parent's tree (an earlier
 * draft merged in by a redraft is carried, not added). A commit without a
 * parent adds no draft (a draft is made on main). *rec gets the whole record
 * (the caller decrefs it), NULL when c adds none. 0, or ITK_EGIT when c or a
 * tree cannot be read, ITK_ENOMEM. */
int itk_kessai_draft_added(json_t **rec, git_repository *repo, const git_commit *c,
                           const char *city, const char *name);

/* The draft commit of the decision branch whose tip is tip: the first commit
 * along first parents from tip (tip itself included; at most
 * ITK_KESSAI_MAX_WALK of them) that adds a draft of request name for city
 * (itk_kessai_draft_added). *draft gets its id and *rec its draft record
 * (the caller decrefs it). ITK_ENOTFOUND (naming tip) when no such commit is
 * found; ITK_EGIT, ITK_ENOMEM. */
int itk_kessai_draft_find(git_oid *draft, json_t **rec, git_repository *repo, const git_oid *tip,
                          const char *city, const char *name);

/* One seal on the draft that a redraft replaces: its verdict and whether it
 * still stands on main as the redraft is made (key active, post still held:
 * itk_kessai_seal_standing). */
typedef struct {
    const char *verdict;
    int stands;
} itk_redraft_seal;

/* Who may draft a decision again (DESIGN V12): a draft is made again only by
 * the officer who drafted the draft it replaces, or by another officer whose
 * post may draft once no seal agreeing with that draft still stands or a seal
 * on it gave another verdict than it proposes (a sealing post sent it back).
 * drafter and outcome are the replaced draft's, redrafter the principal
 * drafting again; seals (n of them) the seals on the replaced draft. 1 when
 * redrafter may; 0 when not, and then *blocking (when not NULL) is the index
 * of a standing seal that agrees with the draft. Whether the redrafter's post
 * may draft at all is the rule's (itk_kessai_may_draft). */
int itk_kessai_may_redraft(size_t *blocking, const char *drafter, const char *outcome,
                           const char *redrafter, const itk_redraft_seal *seals, size_t n);

/* Whether tip is a decision branch of request name ("<requester>/<rec>")
 * for city as a hosted registry takes one (DESIGN V12, §7): along first
 * parents from tip, seal commits down to the draft (itk_kessai_draft_find),
 * each with one parent and adding one record, a seal of city naming that
 * draft and name; the draft made on a main commit (its first parent is one
 * of mains[0..nmains) or an ancestor of one: the registry's main and the
 * main the same push brings) and, when it has a second parent, merging a
 * commit whose tree holds the request (the request's branch, or an earlier
 * draft's branch when drafted again). ref names the branch in messages.
 * 0 when so; ITK_EINVALID saying which commit of ref is not what and what
 * to do; ITK_EGIT when a commit cannot be read, ITK_ENOMEM. */
int itk_kessai_branch_check(git_repository *repo, const char *ref, const git_oid *tip,
                            const char *city, const char *name, const git_oid *mains,
                            size_t nmains);

/* The most seals a decision lists that itk_kessai_decision_standing reads. */
#define ITK_KESSAI_MAX_LISTED 64

/* Whether a decision taken under a decision rule still stands (DESIGN V12,
 * V9). */
typedef struct {
    int stands; /* 1: it decides; 0: void, the request waits for a decision */
    /* the seals it lists that a void commit wrote (V9: signed with a key
     * after its compromise's last_good), by record id, in the order listed */
    char void_seals[ITK_KESSAI_MAX_LISTED][ITK_RECORD_ID_MAX + 1];
    size_t nvoid;
    /* when void: what the seals left fall short of ("課長", "課長×2"), and
     * where that rule is set ("itaku.json" or an amendment's path) */
    char missing[256];
    char source[200];
} itk_kessai_standing;

/* Whether the decision record at path of tree (the tree of commit from, may
 * be NULL when unknown) still decides, as vw (NULL: none) records the void
 * commits (V9; itk_void_writes_at of the commit the caller reads): a
 * decision is void when the seals it lists ("seals" of its body) fall
 * short of the rule in force at its draft, or of the rule in force on main
 * as it was taken (its first parent; read only when from is given and its
 * history holds the commit adding the record), once the seals a void
 * commit wrote (made with a key after its compromise's last_good) are
 * dropped, whoever merged the decision. Each rule is read as
 * itk_kessai_rule_counted reads it, not counting what vw's commits wrote; a
 * seal counts as itk_kessai_met counts it (its verdict the decision's
 * outcome, one person once, not the drafter). So a decision that met only a
 * rule a void commit loosened is void too, though none of its seals is. A
 * decision with no draft (one city key decides), or with vw NULL or empty,
 * stands without its rules being read. A seal listed but not held by tree counts for
 * nothing. Fills *out (stands 1 on an error). 0; ITK_EINVALID (naming path)
 * when path holds no decision record or it lists more than
 * ITK_KESSAI_MAX_LISTED seals; ITK_EGIT when the draft, the request or a
 * commit cannot be read; ITK_ENOMEM. */
int itk_kessai_decision_standing(itk_kessai_standing *out, git_repository *repo,
                                 const git_tree *tree, const git_oid *from, const char *path,
                                 const struct itk_void_writes *vw);

#endif
