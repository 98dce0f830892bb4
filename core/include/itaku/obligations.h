/* The obligations in force: the requirements file that a registry's
 * itaku.json names (obligations/<set>.v<N>.json), or the built-in one, and
 * the newer versions of that set the city publishes (issue 13, seed §8(2)). */
#ifndef ITAKU_OBLIGATIONS_H
#define ITAKU_OBLIGATIONS_H

#include <git2.h>
#include <jansson.h>

#include "itaku/registry.h"

/* The version of the set in force today (the contract's time zone) at HEAD
 * when reg is a registry with commits, else the template's. */
int itk_obligations_load(json_t **out, itk_registry *reg);

#define ITK_OBLIGATIONS_PATH_MAX 160
#define ITK_OBLIGATIONS_TITLE_MAX 200

typedef struct {
    long version;                             /* N of obligations/<set>.v<N>.json */
    char path[ITK_OBLIGATIONS_PATH_MAX];      /* that file in the tree */
    char effective_from[11];                  /* its "effective_from" (YYYY-MM-DD); "" when it
                                                 has none or it is not a date */
    char title[ITK_OBLIGATIONS_TITLE_MAX];    /* the document's own "title" (Japanese; UTF-8,
                                                 cut at a character), "" when it has none */
    char title_en[ITK_OBLIGATIONS_TITLE_MAX]; /* its "title_en", "" when it has none */
} itk_obligations_version;

/* How a screen names a version of the obligations: by the document's own
 * title and its version, never by its file (the file only where a user
 * must find it): ja nonzero 「外部委託における情報セキュリティ遵守事項」第1版,
 * else "Information-security requirements for outsourced work" (version 1);
 * a version without the title wanted: the other title, else its path. Writes
 * at most cap bytes (cut at a character) to out and returns out. Never fails. */
const char *itk_obligations_named(char *out, size_t cap, const itk_obligations_version *v, int ja);

/* Which obligations are in force. itaku.json's "obligations" names a set
 * and its first version (obligations/<set>.v<N>.json); the versions of that
 * set are that file and every obligations/<set>.v<M>.json with M > N that
 * tree holds. The first is in force from the contract's start; a later one
 * from its effective_from (a date in the contract's time zone, that day's
 * start); a later one without a valid effective_from is never in force.
 * On a day, the version in force is the highest-numbered one in force by
 * then (seed §8(2): a new version opens a new acknowledgement).
 *
 * Versions lists them, lowest first, into *out (the caller frees it; *n at
 * least 1). ITK_EINVALID when itaku.json names no obligations file,
 * ITK_ENOTFOUND when tree lacks the file it names, ITK_ENOMEM. */
int itk_obligations_versions(itk_obligations_version **out, size_t *n, git_repository *repo,
                             const git_tree *tree);

/* The index in v (n ≥ 1, as itk_obligations_versions gives) of the version
 * in force on day ("YYYY-MM-DD" in the contract's zone; a longer RFC 3339
 * time counts by its first ten characters). */
size_t itk_obligations_in_force_at(const itk_obligations_version *v, size_t n, const char *day);

/* The version in force on day (as above) in tree (NULL: reg's HEAD). */
int itk_obligations_in_force(itk_obligations_version *out, itk_registry *reg, const git_tree *tree,
                             const char *day);

#endif
