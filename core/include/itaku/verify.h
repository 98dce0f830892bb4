/* Verification of a registry's history against the trust rules of DESIGN §5:
 * every commit reachable from the given revisions is checked, and the result
 * lists each problem (commit, rule, path, signer) and what each commit is
 * (signing party, principal, action, records) for `itaku log`. */
#ifndef ITAKU_VERIFY_H
#define ITAKU_VERIFY_H

#include <git2.h>
#include <stddef.h>

#include "itaku/registry.h"

typedef struct {
    char commit[GIT_OID_HEXSZ + 1];
    char rule[4];  /* "V1" … "V10" */
    char *path;    /* "" when the problem is about the whole commit */
    char *signer;  /* "party/principal", a fingerprint, or "" */
    char *message; /* what is wrong and what to do */
} itk_problem;

typedef struct {
    git_oid id;
    char party[ITK_PARTY_ID_MAX + 1]; /* "" when the signer is unknown */
    char principal[65];
    char fingerprint[64];
    char action[32];
    char received[ITK_PARTY_ID_MAX + 1]; /* Itaku-Received's party, "" when none */
    char request[80];                    /* Itaku-Request, "" when none */
    char *subject;         /* valid UTF-8: decoded from the `encoding` header's, or made valid */
    char subject_note[96]; /* how subject was made UTF-8 (itk_text_to_utf8), "" when it was */
    char **records;        /* paths added (Itaku-Record) */
    size_t nrecords;
    long long time; /* committer time, unix seconds */
    size_t nparents;
    int ok;        /* no problem found in this commit */
    int is_void;   /* V9: signed after its key's compromise; its records do not count */
    int recovered; /* signed by a key the city recovered, not yet confirmed by its party */
} itk_commit_info;

typedef struct {
    unsigned version;
    const char *city_key; /* pinned city key fingerprint, or NULL: git config itaku.cityKey */
    const char *genesis;  /* pinned genesis commit, or NULL: git config itaku.genesis */
    int full;             /* ignore the verification cache (DESIGN §9) */
    /* the hosted hook's cache folder (itaku.cacheDir, set by `itaku server
     * init`), or NULL: this user's (DESIGN §7 "Caches are local"). Never
     * taken from the registry's config for anyone but the hook. */
    const char *cache_dir;
    /* threads that verify signatures: 0 for the environment's ITAKU_THREADS,
     * else the online CPUs (the output is the same for any number) */
    unsigned threads;
    /* the caller prints the verdict alone (its problems, the void commits
     * and itk_verify_total_count), as `itaku verify` does: after a few new
     * commits on top of the last clean run, the result may then hold only
     * the void commits and the new ones (DESIGN §9, the verdict at the tip) */
    int verdict;
} itk_verify_options;

#define ITK_VERIFY_OPTIONS_VERSION 1
#define ITK_VERIFY_OPTIONS_INIT                                                                    \
    {                                                                                              \
        ITK_VERIFY_OPTIONS_VERSION, NULL, NULL, 0, NULL, 0, 0                                      \
    }

typedef struct itk_verify_result itk_verify_result;

/* Checks every commit reachable from revs (NULL: HEAD and every branch,
 * remote-tracking ref and itaku ref). Returns 0 when the check ran, whatever
 * it found; a negative code when it could not run (a rev that names nothing:
 * ITK_ENOTFOUND). An object that cannot be read (missing, not parsable, over
 * its size limit), a shallow or partial clone, refs/replace/ and info/grafts
 * are V11 problems naming the ref and the object, and everything else is
 * still checked. */
int itk_verify_run(itk_verify_result **out, itk_registry *reg, const char **revs, size_t nrevs,
                   const itk_verify_options *opts);
void itk_verify_result_free(itk_verify_result *r);

size_t itk_verify_problem_count(const itk_verify_result *r);
const itk_problem *itk_verify_problem(const itk_verify_result *r, size_t i);
/* Commits in topological order, oldest first. A run with the option
 * verdict may hold only some of them: the void commits, in that order, then
 * the new ones. */
size_t itk_verify_commit_count(const itk_verify_result *r);
const itk_commit_info *itk_verify_commit(const itk_verify_result *r, size_t i);
/* How many commits the run found in all: itk_verify_commit_count, or more
 * when a run with the option verdict holds only some of them. */
size_t itk_verify_total_count(const itk_verify_result *r);
/* 1 when a run with the option verdict checked only the commits made since
 * the last clean run and took the rest from its verdict, 0 when it walked. */
int itk_verify_from_tip(const itk_verify_result *r);
/* The genesis and city key the check used; "" when nothing was pinned. */
const char *itk_verify_genesis(const itk_verify_result *r);
const char *itk_verify_city_key(const itk_verify_result *r);
int itk_verify_pinned(const itk_verify_result *r);
/* The work the run did: how many commits had the rules applied in full (their
 * signature verified, their files read) rather than taken from the cache,
 * counting a commit checked again to rebuild the state later commits need
 * (a void commit, V9). A second run over the same refs checks 0; one new
 * commit checks 1 plus the void commits of the history. */
size_t itk_verify_checked_count(const itk_verify_result *r);

/* Whether name is an Itaku-Action that verify knows (DESIGN §4: submit,
 * receive, approve, key-add, …): 1 or 0. */
int itk_action_known(const char *name);
/* The i-th action verify knows (from 0), NULL past the last: for listing. */
const char *itk_action_name(size_t i);

#endif
