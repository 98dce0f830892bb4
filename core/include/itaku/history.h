/* The accountability history: every commit of a registry's history with
 * what verify found, the obligations sections its records belong to and
 * what it brought into the line (receipts), filtered for `itaku log`; and
 * the story of one record or request for `itaku history`. Prints nothing. */
#ifndef ITAKU_HISTORY_H
#define ITAKU_HISTORY_H

#include "itaku/progress.h"
#include "itaku/verify.h"

typedef struct {
    const itk_commit_info *info; /* owned by the log */
    char date[32];               /* committer date, RFC 3339 in the contract's timezone */
    char sections[48];           /* obligations sections of its records ("2,4"), "" when none */
    char **received;             /* a merge: the record paths it brings into the line */
    size_t nreceived;
} itk_log_entry;

typedef struct {
    unsigned version;
    const char *party;   /* signed by this party */
    const char *section; /* touching this obligations section: "5", "4(2)" (as "4") */
    const char *action;  /* Itaku-Action */
    const char *since;   /* YYYY-MM-DD (that day's start in the contract's zone) or RFC 3339 */
    const char *until;   /* YYYY-MM-DD (that day's end) or RFC 3339 */
    itk_progress_cb progress;
    void *progress_payload;
} itk_log_options;

#define ITK_LOG_OPTIONS_VERSION 1
#define ITK_LOG_OPTIONS_INIT                                                                       \
    {                                                                                              \
        ITK_LOG_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL                          \
    }

typedef struct itk_log itk_log;

/* HEAD's history, newest first, filtered by opts (NULL: everything). */
int itk_log_run(itk_log **out, itk_registry *reg, const itk_log_options *opts);
void itk_log_free(itk_log *log);
size_t itk_log_count(const itk_log *log);
/* Entry i (newest first), NULL past the end: the log's, valid until the
 * next itk_log_get on this log (its received paths are read out of the
 * log's store on demand, so that the whole history's are not copied). */
const itk_log_entry *itk_log_get(const itk_log *log, size_t i);
/* The contract's timezone offset the dates are in, minutes east of UTC. */
int itk_log_offset(const itk_log *log);

/* The obligations sections a record belongs to ("2", "4,7", "" for keys):
 * form 1 → 2, form 2 → 3, register → 4 (returns, erasures, disposals also 7),
 * form 4 → 5, inspection → 6, form 5 → 7, requests by kind (subcontract → 8,
 * copy and take-out … → 4), endorsements and decisions as their request,
 * instructions by kind, incidents → 10, acknowledgements → 8. tree is where
 * a named request is looked up (may be NULL). */
int itk_record_sections(char out[48], git_repository *repo, const git_tree *tree, const char *path,
                        const json_t *record);

/* One step of a record's story. */
typedef struct {
    char what[16];    /* filed | received | endorsed | declined | drafted | sealed | decided |
                         withdrawn (a request withdrawn, or an instruction superseded by a
                         version that withdraws it) |
                         superseded | supersedes | answered | cited */
    char record[100]; /* "<party>/<id>" of the record the step is about */
    char type[24];
    char path[200];
    char party[ITK_PARTY_ID_MAX + 1]; /* signing party of the commit */
    char principal[65];
    char action[32];
    char commit[GIT_OID_HEXSZ + 1];
    char date[32];
    char detail[512]; /* outcome, reason, which field cites, who received it (in
                         the user's language: --json keeps English) */
    int depth;        /* 0: the record itself; 1: a record citing it; 2: citing those */
    int verified, is_void, recovered;
    /* a decided step whose decision is void though its commit is not (DESIGN
     * V12, V9; itk_kessai_decision_standing, as HEAD records the
     * compromises): the seals it lists fall short of the rule once those
     * made with a key after its compromise's last_good are dropped. Those
     * seals' ids (", " between), what the rest fall short of ("課長") and
     * where that rule is set; decision_void 0 and the rest "" otherwise */
    int decision_void;
    char void_seals[256];
    char void_missing[256];
    char void_rule[200];
} itk_story_step;

typedef struct itk_story itk_story;

typedef struct {
    unsigned version;
    itk_progress_cb progress;
    void *progress_payload;
} itk_story_options;

#define ITK_STORY_OPTIONS_VERSION 1
#define ITK_STORY_OPTIONS_INIT                                                                     \
    {                                                                                              \
        ITK_STORY_OPTIONS_VERSION, NULL, NULL                                                      \
    }

/* The story of the record or request `name` ("acme/q-000001", "q-000001" or
 * a unique suffix) over every local ref: its filing, receipts up the chain,
 * endorsements, decision, withdrawal, supersession, and the records citing
 * it (answers) and those citing them, in history order. A name that no
 * record has but others cite gives their steps with itk_story_missing() 1;
 * ITK_ENOTFOUND when nothing has or cites it, ITK_ECONFLICT when ambiguous. */
int itk_story_run(itk_story **out, itk_registry *reg, const char *name,
                  const itk_story_options *opts);
void itk_story_free(itk_story *st);
const char *itk_story_subject(const itk_story *st); /* "<party>/<id>" */
int itk_story_missing(const itk_story *st);
size_t itk_story_count(const itk_story *st);
const itk_story_step *itk_story_get(const itk_story *st, size_t i);

#endif
