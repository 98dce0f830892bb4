/* A registry: the git repository of one party's copy of a contract. Opening
 * and creating one (the genesis), reading the contract and the parties' keys
 * from a tree, and writing signed commits with itaku's trailers. */
#ifndef ITAKU_REGISTRY_H
#define ITAKU_REGISTRY_H

#include <git2.h>
#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/record.h"
#include "itaku/sshsig.h"

typedef struct itk_registry itk_registry;

/* Opens the registry containing path (searching upwards, like git). */
int itk_registry_open(itk_registry **out, const char *path);
void itk_registry_free(itk_registry *reg);
git_repository *itk_registry_repo(itk_registry *reg);

/* The tree of HEAD (ITK_ENOTFOUND in an empty repository). */
int itk_registry_head_tree(git_tree **out, itk_registry *reg);

/* Reads a blob at path in tree; ITK_ENOTFOUND when absent. */
int itk_tree_read(itk_buf *out, git_repository *repo, const git_tree *tree, const char *path,
                  size_t max_bytes);

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

/* The signing key: an explicit key file, else git config itaku.signingKey,
 * else the one key in the ssh-agent at agent_socket (may be NULL) that is
 * registered in the registry. reg may be NULL (before a registry exists). */
int itk_signer_open(itk_signer **out, itk_registry *reg, const char *key_path,
                    const char *agent_socket);

/* The files one commit adds (or, for the city, replaces), and its trailers. */
typedef struct itk_change itk_change;

int itk_change_new(itk_change **out, const char *action, const char *subject);
/* Records (files under parties/ except attachments) get an Itaku-Record trailer. */
int itk_change_add(itk_change *c, const char *path, const void *data, size_t len);
/* Extra trailer lines, e.g. Itaku-Request. */
int itk_change_trailer(itk_change *c, const char *key, const char *value);
void itk_change_free(itk_change *c);

/* The next free id "<prefix>-NNNNNN" for a party's records of type t, over
 * every local ref (DESIGN §3). */
int itk_registry_next_id(itk_buf *out, itk_registry *reg, const itk_record_type *t,
                         const char *party, const char *requester);

/* The git config key naming whose registry this is (a party id): set by
 * `itaku init` (the city) and `itaku clone` (the party of the key it is given).
 * A registry without it is taken to be the party of the key git config
 * itaku.signingKey names; with neither, any registered key may write. */
#define ITK_CONFIG_PARTY "itaku.party"

/* Writes the change as one signed commit on top of HEAD (the branch HEAD
 * names), moves the branch only if nobody else moved it meanwhile, and updates
 * the working tree. The signer's identity is looked up in HEAD's tree.
 * Refused (ITK_EAUTH, naming both parties) when the signer is not the party
 * the registry belongs to (ITK_CONFIG_PARTY); refused (ITK_EVERIFY, naming the
 * rule) when verify's rules would find a problem in the prepared commit. A
 * refusal moves no ref and leaves the working tree as it was (the unreferenced
 * commit object stays until git gc). */
int itk_registry_commit(git_oid *out, itk_registry *reg, itk_signer *signer, itk_change *c);

typedef struct {
    unsigned version;
    const char *contract_id;
    const char *title;
    const char *city_id;
    const char *city_name;
    const char *principal;
    const char *start; /* YYYY-MM-DD or NULL */
    const char *end;
    const char *timezone; /* NULL: Asia/Tokyo */
    const char **handover_methods;
    size_t handover_count;
} itk_init_options;

#define ITK_INIT_OPTIONS_VERSION 1
#define ITK_INIT_OPTIONS_INIT                                                                      \
    {                                                                                              \
        ITK_INIT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0          \
    }

/* Creates a registry in dir (which must not exist or be empty) from the
 * built-in template, in one signed genesis commit, and pins its genesis and
 * city key in the repository's config. */
int itk_registry_init(git_oid *genesis, const char *dir, const itk_init_options *opts,
                      itk_signer *signer);

/* The builder of a key record's body: principal, public key, fingerprint. */
int itk_key_record(itk_buf *path, itk_buf *data, const char *party, const itk_pubkey *key,
                   const char *principal, const char *added_by, const char *created);

/* "manager", "alice.sato": 1–64 of a-z A-Z 0-9 . _ - */
int itk_principal_check(const char *principal);

#endif
