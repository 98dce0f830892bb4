/* The chain's flows (DESIGN §6): receiving a descendant's line, pulling the
 * parent's main, requests with endorsements and the city's decisions by
 * merge, withdrawals, and instructions with their answers. */
#ifndef ITAKU_FLOW_H
#define ITAKU_FLOW_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/refcheck.h"
#include "itaku/registry.h"
#include "itaku/requests.h"

typedef enum {
    ITK_MERGED_NOTHING = 0, /* already contained */
    ITK_MERGED_FAST_FORWARD = 1,
    ITK_MERGED_COMMIT = 2,
    ITK_MERGED_REMADE = 3, /* the city's unpushed decisions made again on its line */
} itk_merge_kind;

/* A decision, contract amendment or post change of the city made in this
 * clone but not pushed, which a pull
 * of the city's own line made again on top of it (itk_pull_report, in itk_pull_result). */
typedef struct {
    /* the request decided; for a contract amendment, its new name */
    char request[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
    char outcome[16]; /* approved | rejected | returned; "" for an amendment */
    int amendment;    /* a contract amendment made again (itk_contract_amend) */
    int receipt;      /* a receipt made again (itk_receive): request holds the party;
                       * now zero when the line holds that line already */
    int attributes;   /* a post or name change made again (itk_key_set_attributes):
                       * request holds "<party>/<principal>", outcome the post */
    git_oid was;      /* the decision commit that was not pushed */
    git_oid now;      /* made again; zero when the line holds a decision of it already */
    size_t resealed;  /* seals of it made again with free ids: the line had given
                       * theirs to other seals (itk_kessai_reseal) */
} itk_remade;

#define ITK_PULL_MAX_REMADE 32

typedef struct {
    itk_remade remade[ITK_PULL_MAX_REMADE]; /* oldest first */
    size_t nremade;
    int own_line;  /* the city's pull of its own line (it has no parent) */
    git_oid was;   /* main as it was */
    int in_reflog; /* main's reflog holds it (git reflog main) */
    size_t ahead;  /* ITK_MERGED_NOTHING from a parent: commits main holds that the
                    * parent's main lacks (as offered, or as held when newer): this
                    * party's own, not pushed yet; 0 when none (and for the city) */
} itk_pull_result;

/* Receives party's line: `from` is a revision of this repository (a fetched
 * ref) or the path of party's repository, whose main and request branches
 * are fetched, verified and only then taken. Writes a signed receipt merge
 * (Itaku-Received) unless the line is already contained. */
int itk_receive(git_oid *out, itk_merge_kind *kind, itk_registry *reg, itk_signer *signer,
                const char *party, const char *from);

/* Merges the parent's main (a revision or the path of the parent's
 * repository): fast-forward when it can, else a signed merge. */
int itk_pull(git_oid *out, itk_merge_kind *kind, itk_registry *reg, itk_signer *signer,
             const char *from);

/* itk_pull, and for the city (which has no parent) the city's own line: from
 * (a remote, by default origin, or a revision; NULL and no origin: the
 * line last fetched, refs/itaku/lines/<city>) is taken and main brought to
 * it: nothing when main holds it, a fast-forward when main is behind, and
 * when main holds commits of this clone's own that the line lacks (another
 * officer pushed first), each of them a decision (itaku approve, or the
 * final 決裁 merge of a decision branch whose seals are all still on it), a
 * receipt, a contract amendment or a post or name change (a key event
 * "attributes"),
 * main moves to the line and each is made again on top of it, oldest first
 * (itk_request_decide: the same outcome, seals and terms; itk_contract_amend:
 * the same settings and reason; itk_key_set_attributes: the same person and
 * attributes; a new record id; itk_receive: the same tip, unless main holds it) or, for a request
 * the line decided already, left out (the seals stay on the decision branch: nothing is lost; main
 * as it was stays in main's reflog), kind is ITK_MERGED_REMADE and report (may be NULL) lists them.
 * ITK_ECONFLICT, changing nothing, when one of main's own commits is
 * neither, or a decision's seals are no longer on its branch; when making
 * one again fails, main is put back as it was and the error says why. */
int itk_pull_report(git_oid *out, itk_merge_kind *kind, itk_pull_result *report, itk_registry *reg,
                    itk_signer *signer, const char *from);

/* A request for the city's prior approval: kind is subcontract, copy,
 * take-out, other-purpose-use or third-party-provision; body holds its fields
 * (for subcontract, the form 6 under "form6"). Commits it on main and points
 * requests/<party>/<rec> at it. name gets "<party>/<rec>". */
int itk_request_submit(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                       const char *kind, json_t *body);

/* itk_request_submit, checking first what body cites (withdraws: a request
 * of the registry, itk_refcheck with ro, NULL: no options; those recorded as
 * unverified go into the envelope's refs), and correcting supersedes
 * (as typed, itk_record_id_input: q-2, "<party>/q-000002", full-width
 * digits; NULL: none): a pending request of the
 * signer's own not corrected yet, named in the new record's envelope; the
 * old version is superseded (its endorsements no longer count, V6).
 * Refused, writing nothing: a reference not found (ITK_ENOTFOUND, naming
 * the closest ids), another party's request (ITK_EAUTH), one decided,
 * withdrawn or corrected already (ITK_ECONFLICT), the same request (body:
 * kind, items, words) as an open one of the signer's party unless
 * ro->again (ITK_EEXISTS naming it, itk_reqdb_twin). */
int itk_request_submit_refs(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                            const char *kind, json_t *body, const char *supersedes,
                            const itk_ref_options *ro);

/* An intermediate party vouches for (or declines to forward) a descendant's
 * request, in a receipt merge of the request branch when it is not yet in
 * main, and moves the request branch to that commit. */
int itk_request_endorse(git_oid *out, itk_registry *reg, itk_signer *signer, const char *request,
                        int decline, const char *reason);

typedef struct {
    unsigned version;
    const char *outcome; /* approved | rejected | returned */
    const char *reason;
    const char *conditions;
    const char *valid_until; /* YYYY-MM-DD or NULL */
    long long max_uses;      /* 0: unlimited */
    /* 決裁 (V12): draft the decision again on the current main, on the
     * request's decision branch (forward only); seals on the earlier draft
     * stop counting. For when a post's holders cannot seal the earlier
     * draft (keys added after it, renewed). ITK_ENOTFOUND without a draft. */
    int redraft;
} itk_decision_options;

#define ITK_DECISION_OPTIONS_VERSION 1
#define ITK_DECISION_OPTIONS_INIT                                                                  \
    {                                                                                              \
        ITK_DECISION_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0                                 \
    }

/* The city decides a request by merging its branch with the decision; an
 * approved form 6 registers the subcontractor it names (V7). */
int itk_request_decide(git_oid *out, itk_registry *reg, itk_signer *signer, const char *request,
                       const itk_decision_options *opts);

/* The requester withdraws a pending request. */
int itk_request_withdraw(git_oid *out, itk_registry *reg, itk_signer *signer, const char *request);

#endif
