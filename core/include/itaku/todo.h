/* What a party must do now (issue 16, point 5): requests awaiting its
 * endorsement or decision, instructions to answer, its own overdue or
 * violated findings, items to return or dispose by the contract's end, open
 * incidents, and what its descendants owe it, most urgent first. Built on
 * status (the snapshot) and the request list; reads only. */
#ifndef ITAKU_TODO_H
#define ITAKU_TODO_H

#include "itaku/registry.h"

typedef struct {
    char kind[16]; /* decide | endorse | answer | return | incident | finding | owed */
    char party[ITK_PARTY_ID_MAX + 1]; /* who must act: the party asked, or the descendant */
    char state[16];                   /* overdue | violated | pending */
    char section[24];                 /* the obligations' section ("5", "4(2)"), "" for a request */
    char subject[200]; /* the request, instruction or record concerned ("" when missing) */
    char due[32];      /* RFC 3339 in the contract's zone, "" when none */
    char detail[512];
    /* the same in the words of the labels catalog of the registry's HEAD
     * (a finding: the rule's name and the finding's text; a request: the
     * "todo_decide"/"todo_endorse" texts), "" without a catalog */
    char detail_ja[768];
} itk_todo_item;

/* The to-do list of party (a registered party id) as of at (RFC 3339 or
 * YYYY-MM-DD; NULL: now): *out is allocated (free() it), *n its length,
 * sorted most urgent first: what waits for this party now (requests to
 * endorse or decide: others are blocked until it acts), then overdue or
 * violated (earliest due first), then what is pending with a due date
 * (earliest first), then the rest; the party's own before its descendants'. Errors: ITK_ENOTFOUND
 * (party not registered, no HEAD), ITK_EINVALID (at), ITK_EGIT, ITK_ENOMEM. */
int itk_todo(itk_todo_item **out, size_t *n, itk_registry *reg, const char *party, const char *at);

#endif
