/* A registry: the git repository of one party's copy of a contract. Opening
 * one and reading what a tree says: the contract, its time zone and the
 * parties' keys. Creating one is init.h's; writing commits is commit.h's. */
#ifndef ITAKU_REGISTRY_H
#define ITAKU_REGISTRY_H

#include <git2.h>
#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/lock.h"
#include "itaku/progress.h"
#include "itaku/record.h"
#include "itaku/sshsig.h"

typedef struct itk_registry itk_registry;

/* Opens the registry containing path (searching upwards, like git); *out is
 * the caller's, freed with itk_registry_free. ITK_ENOTFOUND when no git
 * repository holds path. Every pack index in its objects/pack is checked
 * whole first (core/util/packidx.h): one that is damaged, of version 1, a
 * folder, a link or over the limit makes it fail (ITK_EINVALID,
 * ITK_EUNSUPPORTED, ITK_ETOOBIG, ITK_EIO) with a message naming the file and
 * how to make it again (`git index-pack`); nothing is written. */
int itk_registry_open(itk_registry **out, const char *path);
void itk_registry_free(itk_registry *reg);
git_repository *itk_registry_repo(itk_registry *reg);

/* How long a write through reg waits for another itaku writing to the same
 * registry (milliseconds; ITK_LOCK_WAIT_MS unless set) and whom to tell
 * once that it waits (cb may be NULL). The lock itself is taken by the
 * writers (write_lock.h). */
void itk_registry_set_lock_wait(itk_registry *reg, unsigned wait_ms, itk_lock_wait_cb cb,
                                void *payload);

/* Whom a fetch, pull or receive through reg tells how a fetched pack
 * arrives and is indexed (progress.h; cb NULL: nobody, the default). */
void itk_registry_set_fetch_progress(itk_registry *reg, itk_fetch_progress_cb cb, void *payload);

/* The tree of HEAD (ITK_ENOTFOUND in an empty repository). */
int itk_registry_head_tree(git_tree **out, itk_registry *reg);

/* Reads a blob at path in tree; ITK_ENOTFOUND when absent. */
int itk_tree_read(itk_buf *out, git_repository *repo, const git_tree *tree, const char *path,
                  size_t max_bytes);

/* Whether this repository is an itaku registry at all: 0 when a genesis is
 * pinned (git config itaku.genesis), when it has no commits yet, or when
 * HEAD's tree holds itaku.json; ITK_ENOTFOUND otherwise, with a message
 * saying so and what to do (so that verify does not judge a stranger's
 * history by itaku's rules). */
int itk_registry_check_kind(itk_registry *reg);

/* itaku.json of tree, parsed. */
int itk_registry_contract(json_t **out, itk_registry *reg, const git_tree *tree);

/* The contract's timezone offset in minutes east of UTC (Asia/Tokyo: 540). */
int itk_timezone_offset(int *minutes, const char *timezone);
/* "2026-11-25T19:41:46+09:00" for a unix time in the given offset. */
void itk_format_time(char out[32], long long unix_time, int offset_minutes);

/* The contract's timezone offset in minutes (HEAD's itaku.json; Asia/Tokyo
 * when the registry has no commits yet). */
int itk_registry_offset(int *minutes, itk_registry *reg);
/* Now, in the contract's timezone, as RFC 3339. */
int itk_registry_now(char out[32], itk_registry *reg);
/* When reg began: the time (unix seconds) its genesis commit was made (the
 * genesis pinned by git config itaku.genesis, else the first commit of
 * HEAD's first-parent line). ITK_ENOTFOUND when it has no commits yet;
 * ITK_EGIT when the commit cannot be read. */
int itk_registry_began(long long *out, itk_registry *reg);

/* out (cap bytes) = party's name as its party file in tree says it
 * (parties/<party>/party.json, body.name: あきる野市, 株式会社アクメ); ""
 * when the tree has no such file or it names none. The name is the
 * party's own text: show it safely. Never fails. */
void itk_party_name_in(char *out, size_t cap, itk_registry *reg, git_tree *tree, const char *party);

/* Who a key is: the party whose keys/ list its fingerprint in tree. */
typedef struct {
    char party[ITK_PARTY_ID_MAX + 1];
    char principal[65];
    char role[16]; /* city | contractor | subcontractor */
} itk_identity;

/* ITK_ENOTFOUND when no party of tree holds the fingerprint. */
int itk_identity_find(itk_identity *out, git_repository *repo, const git_tree *tree,
                      const char *fingerprint);

/* The party and principal of the signer's key in HEAD's tree (whether or not
 * the key may still sign); ITK_ENOTFOUND when no party holds it. */
int itk_signer_identity(itk_identity *who, itk_registry *reg, const itk_signer *signer);

/* "manager", "alice.sato": 1–64 of a-z A-Z 0-9 . _ - */
int itk_principal_check(const char *principal);

#endif
