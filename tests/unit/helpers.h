/* Shared helpers for the cmocka unit tests: temporary folders and running
 * the real peers (ssh-keygen, git) to make fixtures. */
#ifndef ITAKU_TEST_HELPERS_H
#define ITAKU_TEST_HELPERS_H

#include <jansson.h>
#include <stddef.h>

#include "itaku/registry.h"

/* A fresh, empty temporary folder; the caller frees the string and may
 * remove the folder with th_rmtree. */
char *th_tmpdir(void);
/* id in hex; the text lives until the fourth call after this one, so up to
 * four ids can be shown in one message. */
const char *th_hex(const git_oid *id);
void th_rmtree(const char *path);
/* Runs a shell command; returns its exit status (fails the test on -1). */
int th_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reads a whole file into a NUL-terminated malloc'ed buffer. */
char *th_read(const char *path, size_t *len);
void th_write(const char *path, const void *data, size_t len);

/* Messages in Japanese, as the program gives them (cli_i18n_init): the
 * locale ja_JP.UTF-8 for messages and characters, LANGUAGE unset (it would
 * override it), the catalog of the build (ITAKU_LOCALEDIR). Fails the test
 * when the locale or the catalog is missing, never skips. th_in_c: back to
 * the C locale. */
void th_in_japanese(void);
void th_in_c(void);

/* out: the date days from today (days < 0: before it) on the test
 * contracts' clock (+09:00, Asia/Tokyo), YYYY-MM-DD; a date a test gives
 * that the clock judges (a due date that must not be past) follows the day
 * the test runs. */
void th_day(char out[11], int days);
/* th_day's date followed by rest (a time of day and its offset,
 * "T10:00:00+09:00", or ""); the text lives until the fourth call after
 * this one, so up to four can be given to one call. */
const char *th_when(int days, const char *rest);

/* A fresh Ed25519 signer (the test frees it). */
itk_signer *th_signer(void);
/* The test contract C-1 ("テスト契約") opened by city's key in path, opened;
 * start and end may be NULL; genesis may be NULL. */
itk_registry *th_contract(const char *path, itk_signer *city, const char *start, const char *end,
                          git_oid *genesis);
/* The city registers the contractor "acme" (principal manager) with key. */
void th_add_acme(itk_registry *reg, itk_signer *city, itk_signer *acme);

/* The fixture most unit tests start from: a new temporary folder holding the
 * registry reg_path ("<dir>/reg"), a contract of city from 2026-12-01 to
 * 2027-03-31 (th_contract) with acme registered (th_add_acme). repo is reg's
 * own (not to be freed). Freed, folder and all, with th_acme_free. */
typedef struct {
    char *dir;
    char reg_path[4096];
    itk_signer *city, *acme;
    itk_registry *reg;
    git_repository *repo;
    git_oid head; /* left for the test's setup to set (zero from th_acme_new) */
} th_acme;
th_acme *th_acme_new(void);
void th_acme_free(th_acme *f);

/* The valid base body of a form from tests/schema-corpus/<form>/valid/. */
json_t *th_corpus(const char *form);
/* A register entry its schema accepts: action on item at a time, by
 * hand-delivery. */
json_t *th_register_entry(const char *action, const char *item, const char *when);
/* who submits a record of type with body (taken) and fails the test when it
 * is refused. */
void th_submit(itk_registry *reg, itk_signer *who, const char *type, json_t *body,
               const char *supersedes);

/* Makes the caches of what follows this process's "user" who: its cache
 * folder dir/home<who>/cache and its key under dir/home<who>/state
 * (XDG_CACHE_HOME, XDG_STATE_HOME), so that a test keeps its caches in its
 * own folder and can play two people. */
void th_cache_home(const char *dir, const char *who);
/* The path of reg's cache file name (status.cache, …) for this user. */
void th_cache_file(char *out, size_t cap, itk_registry *reg, const char *name);
/* Rewrites reg's cache file name (status.cache, log.cache, verify.cache)
 * with the first n bytes equal to from replaced by to, sealed again with
 * this user's key: a doctored cache that is still this user's, so that a
 * test can see whether the cache is read. */
void th_cache_doctor(itk_registry *reg, const char *name, const void *from, const void *to,
                     size_t n);

/* Hand-built objects, for the trust rules' tests: what another tool could
 * write, with none of itaku's own checks. */
#include <git2.h>

#include "itaku/sshsig.h"

/* A new, empty bare git repository in a fresh temporary folder (th_tmpdir);
 * *dir is that folder's path (the caller's). Free both with th_repo_free. */
git_repository *th_repo_new(char **dir);
/* Frees repo, removes dir and all it holds, and frees the string. */
void th_repo_free(git_repository *repo, char *dir);

/* The tree id of rev (a commit) in repo. */
void th_tree_of(git_oid *out, git_repository *repo, const char *rev);
/* The tree base with path set to len bytes of data in mode (0: 100644),
 * or removed when data is NULL. */
void th_tree_put(git_oid *out, git_repository *repo, const git_oid *base, const char *path,
                 const void *data, size_t len, unsigned mode);
/* A commit message with the trailers itaku writes for who (party,
 * principal) doing action: an Itaku-Record for each record, key or
 * party.json among paths, then extra (trailer lines, may be NULL), then
 * Itaku-Content-SHA256 over paths as tree holds them. The caller frees it. */
char *th_message(git_repository *repo, const git_oid *tree, const char *party,
                 const char *principal, const char *action, const char **paths, size_t npaths,
                 const char *extra);
/* Stores a commit of tree with parents and message, signed by signer as git
 * commit -S does (NULL: unsigned); moves no ref. */
void th_commit_raw(git_oid *out, git_repository *repo, itk_signer *signer, const git_oid *tree,
                   const git_oid *parents, size_t nparents, const char *message);
/* One commit on top of parent adding (or replacing) path with data, by who,
 * with truthful trailers: th_tree_put, th_message and th_commit_raw. */
void th_commit_file(git_oid *out, git_repository *repo, itk_signer *signer, const char *party,
                    const char *principal, const char *action, const git_oid *parent,
                    const char *path, const void *data, size_t len);
/* Verifies rev (NULL: every ref) from scratch; the problems as lines
 * "<commit> <rule> <path>\n" (commit in full hex). The caller frees it. */
char *th_verify(itk_registry *reg, const char *rev);
/* Fails the test unless th_verify(reg, rev) names rule for commit (NULL:
 * any commit). */
void th_expect_rule(itk_registry *reg, const char *rev, const char *rule, const git_oid *commit);
/* Fails the test unless th_verify(reg, rev) finds nothing. */
void th_expect_clean(itk_registry *reg, const char *rev);
/* The output of every ref as `git for-each-ref` gives it; the caller frees. */
char *th_refs(const char *repo_path);

/* The city's registry with acme registered, and acme's clone of it, in a
 * temporary folder: a cmocka fixture (th_pair_setup, th_pair_teardown). */
typedef struct {
    char *dir;
    char city_path[4096], acme_path[4096];
    itk_signer *city, *acme;
    itk_registry *creg, *areg;
} th_pair;
int th_pair_setup(void **state);
int th_pair_teardown(void **state);

#endif
