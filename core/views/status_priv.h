/* Shared by status.c (gathering, findings) and status_rules.c (the rule
 * kinds). */
#ifndef ITAKU_STATUS_PRIV_H
#define ITAKU_STATUS_PRIV_H

#include <jansson.h>

#include "itaku/status.h"
#include "jview.h"
#include "registry_priv.h"

typedef struct {
    uint32_t path; /* its text in the view */
    itk_path_info pi;
    itk_jref rec, body; /* the record and its body in the view */
    /* when it reached its own party's line and the line of that party's
     * parent (-1: not yet), and the commit that brought it to its own */
    long long t_own, t_up;
    git_oid c_own;
    uint32_t flags; /* ITK_SREC_* */
} srec;

/* t_up is the later date of the commit its receipt took, not the receipt's
 * own earlier date */
#define ITK_SREC_BACKDATED 1u

typedef struct {
    char id[ITK_PARTY_ID_MAX + 1];
    char parent[ITK_PARTY_ID_MAX + 1];
    char role[16];
    int depth;
} sparty;

typedef struct {
    itk_registry *reg;
    git_repository *repo;
    git_tree *tree;
    json_t *contract;
    int offset;
    long long at; /* the evaluation time */
    const char *only;
    itk_jview view; /* every record's JSON, read once */
    srec *recs;
    size_t nrecs;
    sparty *parties;
    size_t nparties;
    json_t *arrivals;   /* "party|path" → {t: time, c: commit}, while gathering */
    json_t *void_paths; /* records of void commits */
    json_t *trusted;    /* when a commit has a problem: path → last accepted commit adding it */
    json_t *parent_of;  /* party id → its parent's id (HEAD's party.json) */
    json_t *party_idx;  /* party id → index in parties, once they are ordered */
    json_t *index;      /* the rules' indexes, built on first use (status_rules.c) */
    json_t **obligations;
    long long *ob_from;
    size_t nob;
    long long current_version; /* -1: one version governs everything */
    itk_finding *f;
    size_t nf, af;
} sctx;

struct itk_status {
    itk_finding *f;
    size_t nf;
    sparty *parties;
    size_t nparties;
};

/* When r reached party's line, -1 when it has not. Arrivals are kept for a
 * record's own party and that party's parent: what the rules judge. */
long long itk_srec_arrival(const sctx *c, const srec *r, const char *party, char commit[41]);
const sparty *itk_sctx_party(const sctx *c, const char *id);
/* r's body.key, when it is a string; NULL otherwise. */
const char *itk_body_str(const sctx *c, const srec *r, const char *key);
/* The node of r's body.key (0 when none), and r's top-level key. */
itk_jref itk_body_get(const sctx *c, const srec *r, const char *key);
const char *itk_rec_str(const sctx *c, const srec *r, const char *key);
const char *itk_srec_path(const sctx *c, const srec *r);
int itk_sctx_finding(sctx *c, const char *party, const char *section, const char *rule,
                     itk_state state, const char *record, long long due, long long received,
                     const char *claimed, const char *detail);

/* The status cache (status.cache in this user's cache folder, status_cache.c): every record
 * of HEAD that counts (void commits' left out) with its arrivals, and every
 * party's parent, for one HEAD, one set of refs and one build. load returns
 * 1 when it filled c->view, c->recs and c->parent_of, 0 when there is no
 * such cache (or it is damaged). parse does the same from the file's bytes
 * (without the checksum the file ends with). */
int itk_scache_key(char key[65], git_repository *repo, const git_oid *head);
int itk_scache_load(sctx *c, const char key[65]);
int itk_scache_parse(sctx *c, const unsigned char *data, size_t len, const char key[65]);
void itk_scache_save(const sctx *c, const char key[65]);

/* Applies one rule kind with its parameters; unknown kinds are an error
 * naming the kind (the obligations file asks for a check we do not have). */
int itk_rules_apply(sctx *c, const char *kind, const char *section, const json_t *params);

#endif
