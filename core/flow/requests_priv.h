/* The request knowledge shared by requests.c and flow.c. */
#ifndef ITAKU_REQUESTS_PRIV_H
#define ITAKU_REQUESTS_PRIV_H

#include "itaku/flow.h"
#include "itaku/requests.h"

typedef struct {
    itk_request_info info;
    char withdraws[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX +
                   2]; /* for a withdrawal: the request it withdraws */
    char supersedes[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];    /* the version it corrects */
    char superseded_by[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2]; /* its correction, if any */
} itk_reqdb_item;

/* An endorsement, a refusal to forward, or a decision naming a request. */
typedef struct {
    int is_decision;
    int is_void; /* written by a void commit (V9): it does not count */
    /* a decision whose listed seals fall short once those a void commit
     * wrote are dropped (itk_kessai_decision_standing): it does not count */
    int is_short;
    char void_seals[256]; /* those seals' ids, ", " between */
    char missing[256];    /* what they fall short of */
    int in_head;
    char path[200];
    char author[ITK_PARTY_ID_MAX + 1];
    char request[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
    char sha256[65];
    char verdict[16]; /* endorse | decline | approved | rejected | returned */
    char valid_until[16];
    char created[32];
    long long max_uses;
} itk_reqdb_mark;

typedef struct {
    itk_reqdb_item *items;
    size_t n;
    itk_reqdb_mark *marks;
    size_t nmarks;
} itk_reqdb;

int itk_reqdb_load(itk_reqdb *db, itk_registry *reg);
void itk_reqdb_free(itk_reqdb *db);
int itk_reqdb_resolve(itk_reqdb_item **out, itk_reqdb *db, const char *name);

/* An open request of party (pending: not decided, withdrawn or corrected;
 * not supersedes, the id of the one being corrected) in tree (HEAD) whose
 * body asks what body asks (the same kind, items and words, compared as
 * stored: item ids through the one normaliser, itk_label_equal, in any
 * order; words NFKC with white space left out; dates as stored, canonical;
 * numbers and choices exactly): its name
 * "<party>/q-NNNNNN" into out and 1, else 0. A withdrawal has no such twin
 * (withdrawing twice is refused anyway). Never fails. */
int itk_reqdb_twin(char *out, size_t outsz, itk_registry *reg, git_tree *tree, const char *party,
                   const json_t *body, const char *supersedes);

#endif
