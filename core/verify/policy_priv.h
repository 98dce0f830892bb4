/* The per-commit context shared by policy.c (V1–V5, V10) and
 * policy_chain.c (V6–V9: decisions, endorsements, registration, receipts,
 * key events). */
#ifndef ITAKU_POLICY_PRIV_H
#define ITAKU_POLICY_PRIV_H

#include <jansson.h>

#include "itaku/people.h"
#include "itaku/record.h"
#include "registry_priv.h"
#include "vstate.h"

/* One file the commit adds or replaces, relative to its base. */
typedef struct {
    char *path;
    itk_path_info info;
    git_oid blob;
    int modified;
    int refused;  /* already reported (V4, V10 mode); still counted by the trailers */
    json_t *rec;  /* the parsed record, when it is one and passed V10 */
    char sha[65]; /* SHA-256 of its bytes, hex */
} added_file;

typedef struct {
    itk_policy *p;
    const git_commit *commit;
    const git_oid *id;
    itk_commit_info *info;
    char signer[128]; /* "party/principal" or the fingerprint */
    char fpr[64];     /* the signing key */
    int is_city;
    added_file *files;
    size_t nfiles, afiles;
    git_tree *tree, *base; /* base: what the signer changed (merge result for merges) */
    git_tree **key_trees;  /* trees in which the signing key must be active */
    size_t nkey_trees;
    char received[160];   /* Itaku-Received, "" when none */
    char request[80];     /* Itaku-Request, "" when none */
    char void_origin[64]; /* V9: the compromised key that makes it void */
    /* a merge whose receipt is replayed from the cache (vcache.c's catch
     * up) with commit NULL: its two parents, and its tree's id; tree and
     * key_trees[0] (its first parent's) are read when V9 first needs them,
     * lazy_rc holding that read's error */
    const git_oid *parent_ids;
    const git_oid *lazy_tree;
    int lazy_rc;
} check;

/* The most files one commit may add or change. itaku's largest commit is
 * the genesis (itaku.json, README.md, the schemas and the city's party and
 * key: a few dozen files); a commit of more is refused (V10) before any file
 * is read, so that one commit of 330,000 entries costs nothing. */
#define ITK_MAX_FILES_PER_COMMIT 10000

#define PROBLEM(ck, rule, path, ...)                                                               \
    itk_policy_problem((ck)->p, (ck)->id, rule, path, (ck)->signer, __VA_ARGS__)

/* V6, V7 and the key events' V2/V3/V9 on the records a commit adds. */
int itk_policy_check_chain(check *ck);

/* V8 on a commit carrying Itaku-Received; also keeps the per-commit record of
 * the last line received from each party along the first-parent chain. */
int itk_policy_check_receipt(check *ck);

/* V8's state at commit (the verdict at the tip, verify.c): set to the n
 * receipts, receivers[i] having taken parties[i]'s line up to tips[i]
 * (copied). 0, ITK_EINVALID when a receiver and party come twice, or
 * ITK_ENOMEM. */
int itk_policy_receipts_put(itk_policy *p, const git_oid *commit, size_t n,
                            const char (*receivers)[ITK_PARTY_ID_MAX + 1],
                            const char (*parties)[ITK_PARTY_ID_MAX + 1], const git_oid *tips);

/* The i-th receipt of V8's state at commit: 1 and *receiver, *party
 * (borrowed from p) and *tip, or 0 when there is no such receipt. Whether
 * commit has a state at all: itk_oidmap_has(&p->receipts, commit). */
int itk_policy_receipts_at(const itk_policy *p, const git_oid *commit, size_t i,
                           const char **receiver, const char **party, git_oid *tip);

/* V9: is the commit void (signed by a compromised key after its last good
 * commit, or by a key that a void commit added)? Marks info->is_void. */
int itk_policy_mark_void(check *ck);

/* Keys added by a void commit are void too (V9). */
int itk_policy_void_keys_add(check *ck);
/* Adds key (a fingerprint) to p's void keys, made void by the commit of
 * origin (both copied, cut at 63 bytes). ITK_ENOMEM. */
int itk_policy_void_key_push(itk_policy *p, const char *origin, const char *key);

/* V9 in what V12 reads (policy_reads.c): into out (zero-initialised; the caller disposes)
 * the void commits of commit's history, as its tree (tree) records the
 * compromises (itk_void_writes_at; a compromise learnt later leaves what
 * was decided in good faith as it was), so that a post or a rule they
 * wrote does not count in tree. commit NULL: none. 0, ITK_EGIT or
 * ITK_ENOMEM. */
int itk_policy_void_writes(itk_void_writes *out, itk_policy *p, const git_tree *tree,
                           const git_oid *commit);

/* V10 on the commit object's bytes (policy_objects.c): headers and message
 * as git writes them (vobject.h). 0, 1 when a problem was recorded (the
 * commit's other checks are skipped), negative on an operational error. */
int itk_policy_check_commit_object(check *ck);

/* V10 on every tree of the commit (each tree id checked once a run): 0, 1
 * when a problem was recorded, negative on an operational error. */
int itk_policy_check_trees(check *ck);

/* Issue 13 (policy_published.c): an obligations version v2 or later added
 * outside the genesis takes effect no earlier than its commit's day in the
 * contract's timezone (V4); an ack pins the SHA-256 of the file it names in
 * the commit's tree (V10). 0, 1 when a problem was recorded, negative on an
 * operational error. */
int itk_policy_check_published(check *ck, int genesis);

/* V12 決裁 (policy_kessai.c): drafts, seals, and decisions made under a
 * decision rule. 0, 1 when a problem was recorded, negative on an
 * operational error. */
int itk_policy_check_kessai(check *ck);

/* V12, the terms (policy_terms.c): a decision under a rule carries its
 * draft's terms; the decision rules and post_setters a commit writes pass
 * their checks. 0, 1 when a problem was recorded, negative on an
 * operational error. */
int itk_policy_check_terms(check *ck);

/* V12, who may set a post (policy_posts.c, itaku/delegation.h): the posts a
 * commit of the city gives. 0, negative on an operational error. */
int itk_policy_check_posts(check *ck);

/* V4/V12, the city's state (policy_citystate.c): itaku.json's identity
 * fields never change, no commit of the city builds on a tree naming
 * another city, and a merge of the city that adds something has the
 * newest main (the city's settings) as its first parent. 0, 1 when a
 * problem was recorded, negative on an operational error. */
int itk_policy_check_citystate(check *ck);

/* Whether path names the same entry (the same id), or none, in trees a and
 * b (policy_reads.c). Clears any libgit2 error of the look-up. */
int itk_policy_same_entry(const git_tree *a, const git_tree *b, const char *path);

/* V4, order (policy_order.c): a key event or contract amendment a commit
 * adds has an id above, and near, the highest one before it. 0, 1 when a
 * problem was recorded, negative on an operational error. */
int itk_policy_check_order(check *ck);

#endif
