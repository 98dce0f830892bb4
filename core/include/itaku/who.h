/* Who may touch the city's information now (seed §2, §3, §4, §8): per party
 * its manager and workers (form 1 in force) with their training (form 2),
 * its approved subcontractors, its approvals still open, and the items it
 * holds (register item_ids received or copied and not yet returned, erased
 * or disposed). Records of void commits do not count. Prints nothing. */
#ifndef ITAKU_WHO_H
#define ITAKU_WHO_H

#include "itaku/registry.h"

typedef struct {
    char worker_id[64];
    char name[128];
    char dept[128];
    int trained;        /* named as an attendee of one of the party's form 2 */
    char training[100]; /* "<party>/<id>" of that form 2, "" when untrained */
} itk_who_worker;

typedef struct {
    char request[100]; /* "<party>/<id>" */
    char kind[32];
    char summary[256];
    char decision[100]; /* "<city>/<id>" of the approving decision */
    char decided_on[32];
    char valid_until[16]; /* "" when unlimited */
    long long max_uses;   /* 0: unlimited */
    long long uses;       /* register entries citing it */
    int open;             /* within validity and uses at the evaluation time */
} itk_who_approval;

typedef struct {
    char item_id[64];
    char info_name[256];
    char action[24];  /* received | copied */
    char record[100]; /* the entry that brought it */
    char since[40];   /* occurred_at of that entry, as written */
    char derived_from[64];
    char taken_out[100]; /* the latest taken_out entry not followed by brought_back */
} itk_who_item;

/* A person who signs for a party now: an active key's principal, by name. */
typedef struct {
    char principal[65];
    char name[200];       /* display name in force (itaku/people.h), "" when none */
    char fingerprint[64]; /* one of its active keys (the first in tree order) */
} itk_who_signer;

typedef struct {
    char party[ITK_PARTY_ID_MAX + 1];
    char name[256];
    char role[16];
    char parent[ITK_PARTY_ID_MAX + 1];
    int depth;         /* 0: the city */
    char manager[128]; /* "" when no form 1 is in force */
    char manager_title[128];
    char manager_dept[128];
    char form1[100]; /* the form 1 in force, "" when none */
    itk_who_worker *workers;
    size_t nworkers;
    char (*subcontractors)[ITK_PARTY_ID_MAX + 1];
    size_t nsubcontractors;
    itk_who_approval *approvals;
    size_t napprovals;
    itk_who_item *items;
    size_t nitems;
    itk_who_signer *signers; /* each principal with an active key, once */
    size_t nsigners;
} itk_who_party;

typedef struct itk_who itk_who;

typedef struct {
    unsigned version;
    const char *at;    /* validity of approvals as of (YYYY-MM-DD or RFC 3339); NULL: now */
    const char *party; /* this party and its descendants; NULL: everybody */
} itk_who_options;

#define ITK_WHO_OPTIONS_VERSION 1
#define ITK_WHO_OPTIONS_INIT                                                                       \
    {                                                                                              \
        ITK_WHO_OPTIONS_VERSION, NULL, NULL                                                        \
    }

/* From HEAD. Parties in chain order (depth first, the city first). */
int itk_who_run(itk_who **out, itk_registry *reg, const itk_who_options *opts);
void itk_who_free(itk_who *w);
size_t itk_who_count(const itk_who *w);
const itk_who_party *itk_who_get(const itk_who *w, size_t i);
/* The evaluation time, RFC 3339 in the contract's timezone. */
const char *itk_who_at(const itk_who *w);

#endif
