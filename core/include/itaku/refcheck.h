/* References a record cites, checked against the registry before it is
 * written (issue 16 point 4): instructions, requests, form 1s, incident
 * reports, the register's items and form 1's workers. */
#ifndef ITAKU_REFCHECK_H
#define ITAKU_REFCHECK_H

#include <git2.h>
#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/labels.h"
#include "itaku/registry.h"

/* The most ids a refusal names as the closest ones. */
#define ITK_REF_CLOSEST 3

typedef struct {
    int unverified;          /* --unverified-ref: record what cannot be found instead of refusing */
    const char *reason;      /* --reason: why (required with unverified) */
    int again;               /* --again: the same register entry (or request) a second time, on
                                purpose */
    int undesignated_method; /* --undesignated-method: a register entry handed over by a
                                method the contract does not designate, recorded as it was
                                with reason (itk_handover_method_check) */
    int by_options;          /* the body was built from a command's options (register add):
                                a refusal names the option to give, not the form's field */
} itk_ref_options;

/* Checks what body (a record of type by party, its own id not yet given)
 * cites against tree (HEAD):
 * - instruction_ref, form1_ref, first_report_ref, approval, withdraws,
 *   incident_ref name an
 *   existing record "<party>/<id>" of the right type, an instruction_ref one
 *   of the kind the record answers (form 4: report, inspection: inspection,
 *   register: return, form 5: return or dispose, incident: incident-follow-up);
 * - a register entry's item_id (all actions but received and copied) and a
 *   copy's derived_from, and form 5's items[].item_id, an item party holds: a
 *   received or copied register entry of party, not superseded, not later than
 *   the entry, item ids compared with itk_label_equal;
 * - a request's item_ids[] and an incident's affected.item_ids[], items the
 *   party's chain holds: a received or copied register entry (not
 *   superseded, at any time) of party or of a party below it in the chain
 *   (its subcontractors answer to it); an instruction's item_ids[] the same
 *   of its addressee ("to") and the parties below. An item only a party
 *   above holds is not yet party's: its receipt is recorded first;
 * - form 2's attendees[].worker_id a worker_id of one of party's form 1s
 *   (作業従事者);
 * - a register entry's handler (取扱者) and verifier (確認者) someone one
 *   of party's form 1s names: manager, supervisors[] or workers[] by name or worker_id,
 *   compared after NFKC, case folding and with every space (a full-width
 *   one too) left out, so "鈴木 一郎" is "鈴木一郎"; or, failing that, a
 *   name differing from one of them only by variant forms of a kanji
 *   (itk_kanji_variant_equal: 髙橋 for 高橋), then accepted with a note
 *   (itk_notice_set) naming the form 1 name it was taken as; not checked
 *   while party has no form 1 (nothing to compare with; status names the
 *   missing form);
 * - a register entry equal to one already there (action, item, instant) needs
 *   o->again (ITK_EEXISTS naming that entry, "<party>/r-NNNNNN"; with
 *   supersedes, naming it as the one to correct instead, for a second entry
 *   is no correction; a request asked twice is refused alike by
 *   itk_request_submit_refs). supersedes (NULL: none) is the entry being
 *   corrected: it does not count;
 * - an occurred_at later than now (by more than a few minutes) is accepted
 *   with a note (itk_notice_set; the handler's note and this one, one per
 *   line, when both apply).
 * A reference not found is refused (ITK_ENOTFOUND, one line per reference:
 * a whole sentence saying what was cited, by the field's name on the paper
 * form, whose register or form 1 lacks it and what to do, then one naming
 * the ITK_REF_CLOSEST closest ids, items or names by edit distance) unless o->unverified: then
 * *unverified is set to a new array of
 * {"field", "ref", "reason"} the caller records in the envelope's
 * refs.unverified (NULL when every reference was found; o->unverified with
 * nothing to record is refused, ITK_EINVALID). A duplicate is ITK_EEXISTS.
 * o may be NULL (no options). Writes nothing. */
int itk_refcheck(json_t **unverified, itk_registry *reg, git_tree *tree, const char *party,
                 const char *type, const json_t *body, const char *supersedes,
                 const itk_ref_options *o);

/* The same checks as itk_refcheck (all but the duplicate's, which
 * --again may have allowed) over a record of type by party that tree
 * already holds (status: a record written by another tool, which no write
 * of itaku checked). The record itself counts as written: its supersedes
 * is in tree. *problems is set to a new array of {"field", "ref"}, one per
 * reference tree does not hold (empty when all are there), the caller's to
 * free; field is the record field as itk_refcheck names it ("handler",
 * "verifier", "item_id", "derived_from", "item_ids[]",
 * "affected.item_ids[]", "items[].item_id", "attendees[].worker_id" or a
 * record reference such as "instruction_ref"). memo (NULL: none) is an
 * object the caller keeps across calls over the same tree: what a scan of
 * the tree gathered (a party's register entries and form 1 people, the
 * records of a type) is kept there and read once. Writes nothing; errors
 * are those of reading tree. */
int itk_refcheck_again(json_t **problems, itk_registry *reg, git_tree *tree, const char *party,
                       const char *type, const json_t *body, json_t *memo);

/* Where itk_refcheck_again_from reads the register entries a record's
 * items are looked for in, instead of reading each from the tree (a view
 * that holds every record of the tree already: the snapshot).
 * register_records sets *recs to a new array (the caller's to free) of the
 * register records of party — with below, of party and of every party
 * below it in the chain (itk_chain_is_ancestor) — whole, in tree order,
 * each with "party" set to the party of its path, those that cannot be
 * read left out; returns 0 or an error code (message set). */
typedef struct {
    int (*register_records)(json_t **recs, void *payload, const char *party, int below);
    void *payload;
} itk_refcheck_source;

/* itk_refcheck_again with the register entries from src (NULL: from tree,
 * as itk_refcheck_again). */
int itk_refcheck_again_from(json_t **problems, itk_registry *reg, git_tree *tree, const char *party,
                            const char *type, const json_t *body, json_t *memo,
                            const itk_refcheck_source *src);

/* *out = a new array of [shown, key, path, blob] for every record of rtype
 * in tree (party NULL: every party's), key "<party>/<id>", blob the hex id
 * of the record's blob (to read it without looking its path up again), for
 * itk_ref_closest: shown is key, marked when a later record supersedes it,
 * "n-000001 (withdrawn)" (translated: 取下げ済み) when the newest record of
 * its chain withdraws it (body.withdrawn), "n-000001 (amended: now
 * n-000002)" (変更済み→) else, so that a list of the closest ids never
 * offers a superseded record unmarked. Unreadable records are unmarked.
 * Errors: ITK_ENOMEM, a libgit2 error reading the tree. */
int itk_ref_names(json_t **out, itk_registry *reg, git_tree *tree, const char *party,
                  const char *rtype);

/* Appends to b " (closest: A, B, C)" — the ITK_REF_CLOSEST candidates
 * nearest to want by the edit distance of their keys, ties in the order
 * given — or " (there are none)". cands is an array of [name, key, ...]
 * string arrays: name is shown, key compared. */
void itk_ref_closest(itk_buf *b, const char *want, const json_t *cands);

/* How a message shows code (of labels domain, itaku/labels.h): when msgid,
 * the message's English format, has a translation in the user's language,
 * code's label in the catalog l (the papers' Japanese words: "copied" is
 * 複製), else code itself (also when l is NULL or has no label). "" for a
 * NULL code. The string lives as long as l. */
const char *itk_ref_code_shown(const itk_labels *l, const char *msgid, const char *domain,
                               const char *code);

/* How a message shows party (an id, "acme"), as itk_ref_code_shown shows a
 * code: when msgid, the message's English format, has a translation in the
 * user's language, the party's name as its party file in tree says it
 * (itk_party_name_in: 株式会社アクメ; the party's own text, to be shown
 * safely), else, and when tree names none, party itself. out holds cap
 * bytes; returns out ("" for a NULL party). Never fails. */
const char *itk_ref_party_shown(char *out, size_t cap, itk_registry *reg, git_tree *tree,
                                const char *msgid, const char *party);

/* The edit distance (Levenshtein, over bytes) of a and b, capped at 255. */
unsigned itk_edit_distance(const char *a, const char *b);

#endif
