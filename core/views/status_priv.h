/* The evaluation context of status, and the findings it collects
 * (status_ctx.c): the lower piece that status.c (the run) and
 * status_rules.c (the rule kinds, status_rules.h) both use. Nothing here
 * calls either of them back. */
#ifndef ITAKU_STATUS_PRIV_H
#define ITAKU_STATUS_PRIV_H

#include <jansson.h>

#include "itaku/obligations.h"
#include "itaku/status.h"
#include "jview.h"
#include "registry_priv.h"
#include "snapshot_priv.h"

/* A record as status judges it: the snapshot's (snapshot_priv.h), copied
 * for those there at the evaluation time. */
typedef itk_snap_rec srec;

/* t_up is the later date of the commit its receipt took, not the receipt's
 * own earlier date */
#define ITK_SREC_BACKDATED ITK_SNAP_BACKDATED

typedef struct {
    char id[ITK_PARTY_ID_MAX + 1];
    char parent[ITK_PARTY_ID_MAX + 1];
    char role[16];
    int depth;
} sparty;

/* The evaluation times that give the same findings as this run's: from lo
 * (included) to hi (excluded). Every comparison of a time with the
 * evaluation time goes through itk_sctx_reached, which narrows it; the
 * findings cache (status_cache.c) serves a later run whose time is inside. */
typedef struct {
    long long lo, hi;
} itk_at_window;

typedef struct {
    itk_registry *reg;
    git_repository *repo;
    git_tree *tree;
    json_t *contract;
    int offset;
    long long at;       /* the evaluation time */
    itk_at_window *win; /* what `at` may be for the same answer (never NULL) */
    const char *only;
    itk_snapshot *snap;    /* what counts at HEAD */
    const itk_jview *view; /* the snapshot's: every record's JSON, read once */
    srec *recs;            /* the snapshot's records that count and are there at `at` */
    size_t nrecs;
    sparty *parties;
    size_t nparties, aparties;
    json_t *party_idx; /* party id → index in parties, once they are ordered */
    json_t *index;     /* the rules' indexes, built on first use (status_rules.c) */
    json_t **obligations;
    long long *ob_from;              /* when each is in force (the first: from the start) */
    itk_obligations_version *ob_ver; /* each one's file (itaku/obligations.h) */
    size_t nob, aob, aob_from, aob_ver;
    long long current_version; /* -1: one version governs everything */
    itk_finding *f;
    size_t nf, af;
    json_t *words; /* "type\nfield" → the form's words for it (itk_sctx_field_words) */
} sctx;

struct itk_status {
    itk_finding *f;
    size_t nf;
    sparty *parties;
    size_t nparties;
};

/* Whether time t has come at the evaluation time (t <= at), the window
 * narrowed to the times that answer the same; itk_sctx_passed: whether it
 * is past (t < at). */
int itk_sctx_reached(const sctx *c, long long t);
int itk_sctx_passed(const sctx *c, long long t);

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
/* A finding's text in English and, from the labels catalog's "finding"
 * template of the same code, in Japanese ("" without a catalog). */
typedef struct {
    char en[256];
    char ja[512];
} sdetail;

/* Appends code's text to d (after sep_en / sep_ja when d holds text): en
 * is the English template, with the catalog's placeholders ({1},
 * {1:domain}), filled with args. */
void itk_sdetail_add(sdetail *d, const sctx *c, const char *code, const char *en,
                     const char *const *args, size_t nargs, const char *sep_en, const char *sep_ja);

/* The same, the catalog's text filled with args_ja (a field by the paper
 * form's words where args has its key). */
void itk_sdetail_add_ja(sdetail *d, const sctx *c, const char *code, const char *en,
                        const char *const *args, const char *const *args_ja, size_t nargs,
                        const char *sep_en, const char *sep_ja);

/* itk_form_field_words of type and field into out (outsz bytes), found
 * once per run: a finding of each record citing a field asked it again,
 * reading and checking the form's schema each time (issue 18). */
void itk_sctx_field_words(sctx *c, char *out, size_t outsz, const char *type, const char *field);

int itk_sctx_finding(sctx *c, const char *party, const char *section, const char *rule,
                     itk_state state, const char *record, long long due, long long received,
                     const char *claimed, const sdetail *detail);

/* Frees f's texts (those itk_sctx_finding gave it), leaving "". */
void itk_finding_texts_free(itk_finding *f);

/* Whether r is superseded by a record there at the evaluation time. */
int itk_srec_superseded(const sctx *c, const srec *r);

/* The findings cache (status_cache.c): what a run found at HEAD for every
 * party (grouped by party in the chain's order), the chain, every party's
 * parent (the scope asked for is applied to them), and the evaluation
 * times that find the same. */
typedef struct {
    json_t *parent_of; /* party id → its parent's id */
    sparty *parties;
    size_t nparties;
    itk_finding *f;
    size_t nf;
    itk_at_window win;
} itk_fcache;

/* Keeps fc for key (itk_scache_key of HEAD) in this user's cache folder;
 * a file that cannot be written is no error (nothing said). */
void itk_fcache_save(git_repository *repo, const char key[65], const itk_fcache *fc);
/* 1 and fc filled (the caller disposes of it) when the file is of key and
 * its window holds at (seconds since the epoch); 0 (fc empty) otherwise,
 * and for a file damaged or of another build. parse: the same from the
 * file's bytes (without its seal), whatever the window. */
int itk_fcache_load(itk_fcache *fc, git_repository *repo, const char key[65], long long at);
int itk_fcache_parse(itk_fcache *fc, const unsigned char *data, size_t len, const char key[65]);
void itk_fcache_dispose(itk_fcache *fc);

/* itk_status_run with the snapshot of HEAD snap (borrowed; NULL: opened
 * here), for a caller that holds it already (the report). */
int itk_status_run_snap(itk_status **out, itk_registry *reg, const itk_status_options *o,
                        itk_snapshot *snap);

#endif
