/* Keys over time: a second person's key, rotation, retirement, marking a
 * key compromised from a last good commit, the city's recovery of a lost key
 * and the party's confirmation of it. */
#ifndef ITAKU_KEYOPS_H
#define ITAKU_KEYOPS_H

#include "itaku/registry.h"

/* A key of another principal of the signer's party. */
int itk_key_add(git_oid *out, itk_registry *reg, itk_signer *signer, const itk_pubkey *key,
                const char *principal);

/* itk_key_add recording the principal's display name (NULL: none) with the
 * key (key.v2 "attributes"; itaku/people.h). ITK_EINVALID for a name that
 * fails itk_display_name_check, ITK_EUNSUPPORTED when the registry's key
 * schema is key.v1. */
int itk_key_add_named(git_oid *out, itk_registry *reg, itk_signer *signer, const itk_pubkey *key,
                      const char *principal, const char *name);

/* itk_key_add_named also recording the principal's post (NULL: none),
 * e.g. 課長 (DESIGN V12); ITK_EINVALID for a post failing itk_post_check;
 * ITK_EAUTH, writing nothing, when the key is a setting of who may seal
 * and the signer no setter for it (itk_key_setting_check: a post given, or
 * the principal holds one, or is another's, a new principal included;
 * never one's own). Rotation, retirement, recovery and confirmation are
 * checked the same way. ITK_ECONFLICT, writing nothing, when post is NULL
 * and principal holds a post with no active key left (a principal re-used
 * after its keys were retired or compromised would hold the post again
 * unnoticed): the caller names the post, or another principal. */
int itk_key_add_attrs(git_oid *out, itk_registry *reg, itk_signer *signer, const itk_pubkey *key,
                      const char *principal, const char *name, const char *post);

/* Changes what is recorded about principal (a person holding a key of the
 * signer's party): its display name, its post, or both (NULL: unchanged; not
 * both NULL, ITK_EINVALID), in one "attributes" key event as
 * itk_key_set_name. A post in force at a commit is read from that commit's
 * parents (itk_principal_post_before), so a change reaches no earlier
 * seal. ITK_EAUTH, writing nothing, when the signer may not set that post
 * or, for any attribute, when the principal holds a post
 * (itk_key_setting_check). */
int itk_key_set_attributes(git_oid *out, itk_registry *reg, itk_signer *signer,
                           const char *principal, const char *name, const char *post);

/* Changes the display name of principal, a person holding a key of the
 * signer's party: one signed key event "attributes" (key-event.v2) naming
 * the principal, its newest active key and {"name": name}. Documents of
 * earlier commits keep the name of their day (itk_principal_name_at).
 * ITK_ENOTFOUND when the signer's party has no active key of principal;
 * ITK_EINVALID for a bad name; ITK_EUNSUPPORTED when the registry's
 * key-event schema is v1. The same mechanism later carries an officer's
 * post (another attribute). */
int itk_key_set_name(git_oid *out, itk_registry *reg, itk_signer *signer, const char *principal,
                     const char *name);

/* Adds new_key (same principal unless given) and retires the signing key, in
 * one commit signed by the key being retired. */
int itk_key_rotate(git_oid *out, itk_registry *reg, itk_signer *signer, const itk_pubkey *new_key,
                   const char *principal);

/* Retires a key of the signer's party. */
int itk_key_retire(git_oid *out, itk_registry *reg, itk_signer *signer, const char *fingerprint);

/* Marks a key compromised: it authorises only last_good and its ancestors
 * from now on (V9). By the key itself, its party, or a party above. */
int itk_key_compromise(git_oid *out, itk_registry *reg, itk_signer *signer, const char *fingerprint,
                       const char *last_good, const char *reason);

/* The city gives a party that lost its key a new one, pinned to the hash of
 * the document that proves the request (a signed letter, scanned). */
int itk_key_recover(git_oid *out, itk_registry *reg, itk_signer *signer, const char *party,
                    const itk_pubkey *key, const char *principal, const char *document_sha256);

/* The party confirms a key the city recovered for it. */
int itk_key_confirm(git_oid *out, itk_registry *reg, itk_signer *signer, const char *fingerprint);

#endif
