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
void th_rmtree(const char *path);
/* Runs a shell command; returns its exit status (fails the test on -1). */
int th_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reads a whole file into a NUL-terminated malloc'ed buffer. */
char *th_read(const char *path, size_t *len);
void th_write(const char *path, const void *data, size_t len);

/* A fresh Ed25519 signer (the test frees it). */
itk_signer *th_signer(void);
/* The test contract C-1 ("テスト契約") opened by city's key in path, opened;
 * start and end may be NULL; genesis may be NULL. */
itk_registry *th_contract(const char *path, itk_signer *city, const char *start, const char *end,
                          git_oid *genesis);
/* The city registers the contractor "acme" (principal manager) with key. */
void th_add_acme(itk_registry *reg, itk_signer *city, itk_signer *acme);

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

#endif
