/* Whether obligations are met (DESIGN §8): the rule kinds of the
 * obligations file, parameterised by the version in force at each due date,
 * applied to the records of every party down the chain. A late report or an
 * unapproved copy honestly recorded is a finding here, not a forgery. */
#ifndef ITAKU_STATUS_H
#define ITAKU_STATUS_H

#include "itaku/dates.h" /* itk_time_parse, which the views use */
#include "itaku/registry.h"

typedef enum {
    ITK_STATE_OK = 0,
    ITK_STATE_PENDING = 1,
    ITK_STATE_OVERDUE = 2,
    ITK_STATE_VIOLATED = 3,
} itk_state;

const char *itk_state_name(itk_state s); /* "ok", "pending", "overdue", "violated" */

typedef struct {
    char party[ITK_PARTY_ID_MAX + 1];
    int depth;        /* 1: contractor, 2: its subcontractor, … */
    char section[24]; /* "4(2)", "10(1)ア" … */
    char rule[40];    /* the rule kind */
    itk_state state;
    char record[200];  /* the record that proves it ("<party>/<id>"), or what is missing */
    char due[32];      /* RFC 3339 in the contract's zone, "" when none */
    char received[32]; /* when the next party up received it (its receipt commit) */
    char claimed[32];  /* the date the record claims (created / submitted_on) */
    /* in English, as --json and --csv give it (at most 255 bytes), and the
     * same from the labels catalog's "finding" texts (at most 511 bytes; ""
     * when the registry has no catalog): the status's, never NULL (most
     * findings have none: "" then, and a finding is small) */
    const char *detail;
    const char *detail_ja;
} itk_finding;

typedef struct itk_status itk_status;

typedef struct {
    unsigned version;
    const char *at;    /* evaluate as of this time (RFC 3339 or YYYY-MM-DD); NULL: now */
    const char *party; /* only this party and its descendants; NULL: everybody */
} itk_status_options;

#define ITK_STATUS_OPTIONS_VERSION 1
#define ITK_STATUS_OPTIONS_INIT                                                                    \
    {                                                                                              \
        ITK_STATUS_OPTIONS_VERSION, NULL, NULL                                                     \
    }

int itk_status_run(itk_status **out, itk_registry *reg, const itk_status_options *opts);
void itk_status_free(itk_status *st);
/* The findings come grouped by party, the groups in the order of
 * itk_status_party, each group in the order found. */
size_t itk_status_count(const itk_status *st);
const itk_finding *itk_status_get(const itk_status *st, size_t i);
/* 1 when something is overdue or violated. */
int itk_status_failed(const itk_status *st);
/* The parties in chain order (depth-first), with their depth and role. */
size_t itk_status_party_count(const itk_status *st);
const char *itk_status_party(const itk_status *st, size_t i, int *depth, const char **role);

#endif
