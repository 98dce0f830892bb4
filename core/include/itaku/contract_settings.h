/* The contract settings in force at a commit: itaku.json with the city's
 * contract amendments applied (issue 16, point 3): the handover methods,
 * the period, the work start and the contacts an officer reads. */
#ifndef ITAKU_CONTRACT_SETTINGS_H
#define ITAKU_CONTRACT_SETTINGS_H

#include <git2.h>
#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/labels.h"
#include "itaku/registry.h"

/* *out gets a new object: tree's itaku.json with every contract amendment of
 * the city (parties/<city>/contract-amendments/, in the order of their ids,
 * the order the city made them) applied: handover_methods, contacts (absent
 * until an amendment names them), work_start and each end of period replace
 * what was in force; "amended_by" maps each field replaced
 * ("handover_methods", "contacts", "work_start", "period.start",
 * "period.end") to the amendment "<city>/c-NNNNNN" in force for it;
 * "methods_by" is an array beside handover_methods naming, for each
 * method, the amendment that designated it (null: itaku.json's, set by
 * init): a method an amendment's list keeps (by itk_method_equal) keeps
 * the credit it had. A
 * record written on top of tree is held to these (its commit descends from
 * every amendment in tree). An unreadable amendment is skipped (verify
 * reports it). Errors: ITK_ENOTFOUND when tree holds no itaku.json. */
int itk_contract_settings(json_t **out, itk_registry *reg, const git_tree *tree);

/* As itk_contract_settings, as of at (RFC 3339 with an offset; NULL: all
 * of tree): an amendment whose record was created after at is not applied
 * (the report as of a time, issue 16 point 3). Errors as
 * itk_contract_settings, and ITK_EINVALID for an unreadable at. */
int itk_contract_settings_at(json_t **out, itk_registry *reg, const git_tree *tree, const char *at);

/* Checks that a contract's dates agree, the rule itk_init and
 * itk_contract_amend (on the settings in force after the amendment) share:
 * start and end (NULL: not set) are days "YYYY-MM-DD", the end is not
 * before the start, and work_start (NULL: not set; a day or RFC 3339 with
 * an offset) is a time whose day lies within the period. Returns 0, or
 * ITK_EINVALID with a message naming the dates that disagree. */
int itk_contract_dates_check(const char *start, const char *end, const char *work_start);

/* Seed §4(1), rule handover_designated_method: a register entry whose
 * action the obligations in force check (received, returned) is handed
 * over by a method the settings in force at tree (itk_contract_settings)
 * designate, compared with itk_method_equal through tree's labels catalog
 * (手渡し and its code are one; 手渡 is not). */

/* Sets *warning (emptied first) to a sentence saying that body, such an
 * entry, names no method at all, naming the designated methods and the
 * amendment that set them. Empty otherwise (a method typed and not
 * designated is itk_handover_method_check's). The entry is still
 * recordable: the caller warns. Errors as itk_obligations_load and
 * itk_contract_settings. */
int itk_handover_method_warning(itk_buf *warning, itk_registry *reg, const git_tree *tree,
                                const json_t *body);

/* Before body, such an entry, is written: a method typed that the contract
 * does not designate is refused (ITK_EVERIFY naming the method as typed,
 * the designated methods, the closest of them and the amendment that set
 * them) unless undesignated (--undesignated-method) with reason (--reason,
 * not empty): then *recorded is set to a new {"method", "reason"} the
 * caller records in the envelope's refs.undesignated_method (status shows
 * the violation with the reason). undesignated without a reason, or where
 * there is nothing to record (no method, a designated one, an action not
 * checked), is ITK_EINVALID. *recorded is NULL otherwise. Writes nothing.
 * Errors also as itk_obligations_load and itk_contract_settings. */
int itk_handover_method_check(json_t **recorded, itk_registry *reg, const git_tree *tree,
                              const json_t *body, int undesignated, const char *reason);

/* A judge of recorded register entries' handover methods, for views that
 * show each entry's 指定方法による受渡し (the register CSV): opened once
 * on tree (the obligations, the settings in force, the labels catalog:
 * all read once), asked per entry. Errors of open as
 * itk_obligations_load and itk_contract_settings; free with
 * itk_method_judge_free (NULL is fine). */
typedef struct itk_method_judge itk_method_judge;
int itk_method_judge_open(itk_method_judge **out, itk_registry *reg, const git_tree *tree);
/* rec, a whole register record as tree holds it (envelope with "body",
 * "created" and "refs"): 1 when its method is one the contract designated
 * when the record was made (the settings as of its "created",
 * itk_contract_settings_at; HEAD's when no amendment changed the methods),
 * 0 when it is not, or was recorded so on purpose (refs'
 * undesignated_method), -1 when nothing is judged: the action is not one
 * whose method the obligations check, or the entry names no method. The
 * body's own designated_method_used, when given, is the answer. */
int itk_method_judge_entry(itk_method_judge *j, const json_t *rec);
void itk_method_judge_free(itk_method_judge *j);

/* The rule init and contract amend share for the designated handover
 * methods (n of them): each a label itk_label_check takes, and no two one
 * method by itk_method_equal through labels (NULL: compared as typed), so
 * "hand-delivery" and its label 手渡し, HAND and hand, are one. Returns 0, or
 * ITK_EINVALID naming the method that is wrong or the two that are one. */
int itk_handover_methods_check(const itk_labels *labels, const char *const *methods, size_t n);

/* A change of the designated handover methods a contract amendment asks
 * for (borrowed strings, as typed): replace, when nreplace, the whole list
 * from now on; add, methods designated besides; drop, designated methods
 * no longer designated. */
typedef struct {
    const char *const *replace;
    size_t nreplace;
    const char *const *add;
    size_t nadd;
    const char *const *drop;
    size_t ndrop;
} itk_methods_change;

/* *out gets a new array: the designated handover methods after ch, from
 * current (the array of the settings in force, itk_contract_settings),
 * every comparison by itk_method_equal through labels (may be NULL): the
 * list ch->replace names plus ch->add, or current without ch->drop plus
 * ch->add, in that order. Never drops a method silently (issue 16, point
 * 3): refused (ITK_EINVALID, *out NULL, the message naming the method and
 * listing those designated now) when replace leaves out a current method
 * drop does not name, when drop names a method not designated or one
 * replace names, when add names one already designated, when no method
 * would be left, or when a method is no label (itk_handover_methods_check). */
int itk_handover_methods_amend(json_t **out, const itk_labels *labels, const json_t *current,
                               const itk_methods_change *ch);

#endif
