/* Keys over time: a second person's key, rotation, retirement, marking a
 * key compromised from a last good commit, the city's recovery of a lost key
 * and the party's confirmation of it. */
#ifndef ITAKU_KEYOPS_H
#define ITAKU_KEYOPS_H

#include "itaku/registry.h"

/* A key of another principal of the signer's party. */
int itk_key_add(git_oid *out, itk_registry *reg, itk_signer *signer, const itk_pubkey *key,
                const char *principal);

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
