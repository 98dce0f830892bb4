/* People by name: the attributes a party records for a principal of its keys
 * (today a display name; later an officer's post), carried by the key record
 * (key.v2 "attributes") and changed by a signed key event ("attributes",
 * key-event.v2). The value in force at a commit is read from that commit's
 * tree, so an old document shows the name of its day. */
#ifndef ITAKU_PEOPLE_H
#define ITAKU_PEOPLE_H

#include <git2.h>

#include "itaku/buf.h"

/* Longest display name, in characters (key.v2, key-event.v2 maxLength). */
#define ITK_DISPLAY_NAME_MAX 64

/* 0 when name may be a display name: 1 to ITK_DISPLAY_NAME_MAX characters of
 * valid UTF-8 with no control character (C0, DEL, C1), no bidirectional
 * formatting character (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069) and no line or paragraph separator (U+2028, U+2029): text
 * that other parties' terminals and forms print. The schemas' pattern refuses
 * C0 (what a byte-wise POSIX pattern and ajv agree on); the rest is
 * checked here, by writers and by verify (V10). ITK_EINVALID naming the
 * character otherwise. */
int itk_display_name_check(const char *name);

/* 0 when post may be a post (担当, 課長 …, DESIGN V12): the same text rules
 * as a display name (itk_display_name_check); ITK_EINVALID otherwise, the
 * message speaking of a post. */
int itk_post_check(const char *post);

/* The post of principal of party in force at commit: read from the tree of
 * commit's first parent (the state the commit was made on, so that no later
 * change of a post reaches back; DESIGN V12), or from commit's own tree for a
 * root. *out is emptied when none is recorded. ITK_EGIT when a commit or
 * tree cannot be read. */
int itk_principal_post_before(itk_buf *out, git_repository *repo, const git_oid *commit,
                              const char *party, const char *principal);

/* The attribute attr ("name") of principal of party as tree records it:
 * the last "attributes" key event of parties/<party>/key-events/ (in the
 * order of their file names, which are written in sequence) that sets it for
 * that principal; else the newest (envelope "created", then file name) key
 * record of parties/<party>/keys/ of that principal that carries it. *out is
 * emptied, and stays empty when none is recorded or the value fails
 * itk_display_name_check. Unreadable files are skipped (verify names them).
 * Errors: ITK_ENOMEM. */
int itk_principal_attr(itk_buf *out, git_repository *repo, const git_tree *tree, const char *party,
                       const char *principal, const char *attr);

/* itk_principal_attr(..., "name") in the tree of commit. Errors: as above,
 * and a libgit2 error when commit cannot be read. */
int itk_principal_name_at(itk_buf *out, git_repository *repo, const git_oid *commit,
                          const char *party, const char *principal);

/* The last answer of itk_principal_name_memo, for a walk over many commits
 * (log, the report's timeline): zero it before the first call, dispose of it
 * with itk_name_memo_dispose. */
typedef struct {
    char party[64];
    char principal[65];
    git_oid keys, events; /* parties/<party>/keys and key-events at that commit */
    int have;
    itk_buf name;
} itk_name_memo;

/* itk_principal_name_at, answered again without reading the records when
 * the party's keys/ and key-events/ folders are those of the last call for
 * the same party and principal (the name follows from them alone). */
int itk_principal_name_memo(itk_buf *out, itk_name_memo *m, git_repository *repo,
                            const git_oid *commit, const char *party, const char *principal);
void itk_name_memo_dispose(itk_name_memo *m);

#endif
