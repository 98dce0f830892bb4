/* Remotes: ordinary git remotes tagged with the party they lead to
 * (remote.NAME.itakuParty) and, optionally, the server's pinned host key
 * (remote.NAME.itakuHostKey). Fetching goes through sync.h's quarantine;
 * pushing sends our main and request branches to a hosted registry
 * (DESIGN §7). SSH goes through libgit2 + libssh2 with the party's key file
 * or the ssh-agent; a host key is accepted only when it is pinned or listed
 * in known_hosts, never on first use. */
#ifndef ITAKU_REMOTE_H
#define ITAKU_REMOTE_H

#include "itaku/buf.h"
#include "itaku/progress.h"
#include "itaku/registry.h"
#include "itaku/sync.h"

typedef struct {
    unsigned version;
    const char *key_path;    /* SSH login key; NULL: git config itaku.signingKey, then the agent */
    const char *known_hosts; /* NULL: $HOME/.ssh/known_hosts */
    const char *host_key;    /* "SHA256:…" pin; NULL: remote.NAME.itakuHostKey */
    /* version 2: whom a clone tells how its pack arrives (progress.h; NULL:
     * nobody). A fetch tells whom itk_registry_set_fetch_progress names. */
    itk_fetch_progress_cb progress;
    void *progress_payload;
} itk_remote_options;

#define ITK_REMOTE_OPTIONS_VERSION 2
#define ITK_REMOTE_OPTIONS_INIT                                                                    \
    {                                                                                              \
        ITK_REMOTE_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL                                   \
    }

/* Longest URL we keep. */
#define ITK_REMOTE_URL_MAX 1024

typedef struct {
    char name[128];
    char url[ITK_REMOTE_URL_MAX];
    char party[ITK_PARTY_ID_MAX + 1]; /* "" when not tagged */
    char host_key[64];                /* "" when not pinned */
} itk_remote_info;

/* Adds remote NAME (or tags an existing one with the same URL) leading to
 * party; host_key (may be NULL) pins the server's SHA256 fingerprint.
 * ITK_EEXISTS when NAME exists with another URL. */
int itk_remote_add(itk_registry *reg, const char *name, const char *url, const char *party,
                   const char *host_key);

/* ITK_ENOTFOUND when there is no remote NAME. */
int itk_remote_get(itk_remote_info *out, itk_registry *reg, const char *name);

/* Every remote's name, one per line, into out. */
int itk_remote_list(itk_buf *out, itk_registry *reg);

/* Fetches NAME's main (named the line of remote.NAME.itakuParty, or of party
 * when the remote is not tagged: a hint, the signature on its tip decides),
 * parties/<P>/main and request branches into refs/itaku/incoming/NAME/,
 * verifies and publishes them (itk_sync_publish). A refused or broken fetch
 * moves no ref and says why. */
int itk_remote_fetch(itk_sync_report *report, itk_registry *reg, const char *name,
                     const char *party, const itk_remote_options *opts);

/* Pushes to the hosted registry NAME what the signer's party may move there:
 * main to refs/heads/main (the city) or refs/heads/parties/<P>/main, and the
 * request branches of P and its descendants that are new there or
 * fast-forwards of it (never for the city). pushed gets one line per ref
 * sent ("LOCAL -> REMOTE"). ITK_EVERIFY with the server's words when it
 * refuses a ref. */
int itk_remote_push(itk_buf *pushed, itk_registry *reg, itk_signer *signer, const char *name,
                    const itk_remote_options *opts);

/* Joins a contract (itk_registry_clone) from url: a path, an ssh:// URL
 * (with opts' key and host-key checks) or a bundle file. */
int itk_remote_clone(const char *url, const char *dir, const char *city_key, const char *genesis,
                     const itk_remote_options *opts);

/* "SHA256:" followed by 43 base64 characters (an SSH SHA256 fingerprint). */
int itk_host_key_check(const char *fingerprint);

#endif
