/* kessai.c's part of itk_request_decide (flow.c): what the city's decision
 * rule (DESIGN V12) makes of `itaku approve|reject|return`. */
#ifndef ITAKU_KESSAI_PRIV_H
#define ITAKU_KESSAI_PRIV_H

#include <jansson.h>

#include "itaku/flow.h"
#include "itaku/requests.h"
#include "itaku/sync.h"
#include "registry_priv.h"

typedef enum {
    ITK_KESSAI_NONE,     /* no rule applies: one city key decides (V6) */
    ITK_KESSAI_DRAFTED,  /* a draft was written on the decision branch */
    ITK_KESSAI_FINALIZE, /* the seals meet the rule: merge the decision branch */
} itk_kessai_route_kind;

typedef struct {
    itk_kessai_route_kind kind;
    git_oid tip;                     /* FINALIZE: the decision branch's tip */
    char draft[GIT_OID_HEXSZ + 1];   /* FINALIZE: the draft commit */
    char city[ITK_PARTY_ID_MAX + 1]; /* FINALIZE: for Itaku-Received */
    /* FINALIZE: what the decision record's body takes: "draft", "seals" (the
     * seal ids counted, in the rule's order) and the draft's reason,
     * conditions, valid_until and max_uses when it proposed this outcome */
    json_t *extra;
} itk_kessai_route;

void itk_kessai_route_dispose(itk_kessai_route *r);

/* The terms of decision o that a draft or a decision record carries
 * (reason, conditions, valid_until, max_uses), set on body (not NULL). */
void itk_decision_terms_set(json_t *body, const itk_decision_options *o);

/* The city's party id (city, at most ITK_PARTY_ID_MAX bytes and a NUL) from
 * itaku.json of tree in repo. ITK_EINVALID when it names none; errors of
 * reading the file. */
int itk_kessai_city_of(char city[ITK_PARTY_ID_MAX + 1], git_repository *repo, const git_tree *tree);

/* After V6's checks of itk_request_decide: with no decision branch and no
 * rule, route->kind = NONE; with a rule and no branch, the signer drafts
 * (its post must be one the rule lets draft): the draft commit, a merge of
 * HEAD and request_tip (a commit on HEAD when HEAD holds it), goes to
 * decisions/<requester>/<rec> and *out names it (DRAFTED); with a branch,
 * FINALIZE when the seals of verdict outcome meet the rule in force at the
 * draft, else ITK_ECONFLICT saying which seals it waits for. Nothing moves
 * on an error. */
int itk_kessai_route_decide(git_oid *out, itk_kessai_route *route, itk_registry *reg,
                            itk_signer *signer, const itk_request_info *info, const char *sha,
                            const git_oid *request_tip, const char *outcome,
                            const itk_decision_options *o);

/* Where take sets aside a decision branch's local tip: the branch name
 * under refs/heads/ moved under this prefix. */
#define ITK_REF_OVERTAKEN "refs/itaku/overtaken/"

/* A decision branch ref (refs/heads/decisions/<R>/<rec>) held at `held`
 * here, offered at `published` by a source (verified, the city's), neither
 * containing the other: another officer's seal reached the source first.
 * Unless HEAD contains held (the decision was taken here), the drafts and
 * seals held adds to what it shares with published are described in out
 * (at most cap, oldest first; *n counts them, not beyond cap), held is kept
 * at ITK_REF_OVERTAKEN<branch> and ref moves to published; *moved is 1 then.
 * Nothing moves on an error. */
int itk_kessai_overtake(itk_overtaken *out, size_t cap, size_t *n, int *moved, git_repository *repo,
                        const char *ref, const git_oid *held, const git_oid *published);

#endif
