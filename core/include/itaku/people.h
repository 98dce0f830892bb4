/* People by name: the attributes a party records for a principal of its keys
 * (today a display name; later an officer's post), carried by the key record
 * (key.v2 "attributes") and changed by a signed key event ("attributes",
 * key-event.v2). The value in force at a commit is read from that commit's
 * tree, so an old document shows the name of its day. */
#ifndef ITAKU_PEOPLE_H
#define ITAKU_PEOPLE_H

#include <git2.h>

#include "itaku/buf.h"
#include "itaku/chain.h"

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

/* What void commits wrote (V9: signed after their key's compromise, or by a
 * key such a commit added): each commit's tree and its first parent's. A
 * file a tree holds as one of them wrote it does not count: it is read as
 * it was before that commit (or is absent), so a post or a rule written with
 * a stolen key stops counting once the theft is reported. Owns its trees;
 * zero-initialise, then itk_void_writes_dispose. */
/* One file a void commit wrote, as its diff with its first parent names it
 * (added, modified or changed in type): the new entry's id and its path. */
typedef struct {
    unsigned status; /* git_delta_t: GIT_DELTA_ADDED, _MODIFIED or _TYPECHANGE */
    git_oid id;
    char *path; /* owned */
} itk_void_change;
typedef struct {
    git_tree *tree;
    git_tree *parent; /* NULL: the commit has no parent */
    git_oid id;       /* the commit */
    /* what it wrote, when known (from the void walk's cache, or its diff):
     * itk_void_writes_changes */
    itk_void_change *changes;
    size_t nchanges;
    int known;
} itk_void_write;
typedef struct itk_void_writes {
    itk_void_write *w;
    size_t n;
    /* what each void commit wrote, by blob id: built on the first
     * itk_void_writes_source, dropped by an add (people.c) */
    struct itk_vw_index *index;
    /* compromise reports that count though a void commit wrote them
     * (itk_void_writes_resolved: two keys that reported each other on
     * lines apart), by path and blob; read as written */
    itk_compromise *kept;
    size_t nkept;
} itk_void_writes;

/* Adds commit to vw. Errors: ITK_EGIT (cannot read it), ITK_ENOMEM. */
int itk_void_writes_add(itk_void_writes *vw, git_repository *repo, const git_oid *commit);
void itk_void_writes_dispose(itk_void_writes *vw);

/* What void write i of vw wrote: *out (borrowed from vw, *n of them), as
 * the void walk's cache remembers it or else as the diff of its tree with
 * its parent's says (then kept in vw). Errors: ITK_EGIT (the diff cannot be
 * made), ITK_ENOMEM. */
int itk_void_writes_changes(itk_void_writes *vw, size_t i, const itk_void_change **out, size_t *n);

/* Adds to vw the void commits that commit's history holds, as commit's tree
 * records the compromises (V9): for each compromise event that counts
 * (itk_void_writes_resolved, as verify decides it), the commits reachable
 * from commit and not from its last_good signed by its key, or by a key
 * such a commit added. Walks that history and checks signatures: for a
 * writer's check of one commit and the views (verify's walk knows them
 * already). Errors: ITK_EGIT, ITK_ENOMEM. (void_reports.c) */
int itk_void_writes_at(itk_void_writes *vw, git_repository *repo, const git_oid *commit);

/* Adds to vw the void commits reachable from starts (nstarts commits)
 * under the compromises list (n of them): for each, the commits not
 * ancestors of its last_good signed by its key, or by a key such a commit
 * added. A commit that only reports its own signing key compromised is not
 * one (it is the one thing that key may still sign), here and in
 * itk_void_writes_at. Walks that history and checks signatures. Errors:
 * ITK_EGIT, ITK_ENOMEM. */
int itk_void_writes_from(itk_void_writes *vw, git_repository *repo, const git_oid *starts,
                         size_t nstarts, const itk_compromise *list, size_t n);

/* The tree to read path from so that what void commits wrote does not
 * count: tree itself, or the first parent of the void commit that wrote the
 * file tree holds at path (again while that one is void too); NULL when the
 * file then is absent. vw NULL or empty: tree. Borrowed. */
const git_tree *itk_void_writes_source(const itk_void_writes *vw, const git_tree *tree,
                                       const char *path);

/* 1 when commit is one of vw's void commits. */
int itk_void_writes_holds(const itk_void_writes *vw, const git_oid *commit);

/* The void write of vw that wrote the file tree holds at path (its trees
 * borrowed from vw); NULL when none did, or the file is one vw keeps. */
const itk_void_write *itk_void_writes_writer(const itk_void_writes *vw, const git_tree *tree,
                                             const char *path);

/* V9 when keys report each other (DESIGN V9, V12): the compromises that
 * count among the compromise events the trees of starts (nstarts commits)
 * hold, into *counted (of *ncounted, malloc'ed; free it), and what they
 * make void, into vw (zero-initialised by the caller). A key's report of
 * itself always counts. A report that another counting report makes void
 * (its signer compromised before it) does not, and then voids nothing. Two
 * reports that would void each other are taken in history order: the
 * one made while its signer was still sound (the other report not in its
 * history) counts, the one made after it does not; two made apart, each
 * outside the other's history, both count (a counter-report never undoes
 * the report of a theft; both keys are then out of service), and their
 * event files stay counted though void commits wrote them (vw->kept).
 * Walks the history as itk_void_writes_from. Errors: ITK_EGIT, ITK_ENOMEM. */
int itk_void_writes_resolved(itk_void_writes *vw, itk_compromise **counted, size_t *ncounted,
                             git_repository *repo, const git_oid *starts, size_t nstarts);

/* itk_principal_attr not counting what the commits of vw (NULL: none)
 * wrote. */
int itk_principal_attr_counted(itk_buf *out, git_repository *repo, const git_tree *tree,
                               const itk_void_writes *vw, const char *party, const char *principal,
                               const char *attr);

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
    /* set by the caller (NULL: every name counts): a name a void commit
     * wrote (V9, a stolen key's renaming) does not count, as
     * itk_principal_attr_counted; borrowed */
    const itk_void_writes *vw;
} itk_name_memo;

/* itk_principal_name_at (not counting what m->vw's commits wrote),
 * answered again without reading the records when the party's keys/ and
 * key-events/ folders are those of the last call for the same party and
 * principal (the name follows from them alone). */
int itk_principal_name_memo(itk_buf *out, itk_name_memo *m, git_repository *repo,
                            const git_oid *commit, const char *party, const char *principal);
void itk_name_memo_dispose(itk_name_memo *m);

#endif
