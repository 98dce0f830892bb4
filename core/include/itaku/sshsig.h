/* OpenSSH signatures (SSHSIG, PROTOCOL.sshsig) made and checked in-process,
 * byte-compatible with `ssh-keygen -Y sign` and with git's gpg.format=ssh.
 * A signer is backed by a private key file or by a running ssh-agent. */
#ifndef ITAKU_SSHSIG_H
#define ITAKU_SSHSIG_H

#include <stddef.h>

#include "itaku/buf.h"
#include "itaku/sshkey.h"

/* Largest armored signature we accept. */
#define ITK_MAX_SIGNATURE_BYTES (16 * 1024)

typedef struct itk_signer itk_signer;

/* Takes ownership of key (freed with the signer, also on failure). */
int itk_signer_from_privkey(itk_signer **out, itk_privkey *key);
/* Signs through the ssh-agent at socket_path with the agent's copy of key.
 * Fails (ITK_ENOTFOUND) when the agent does not hold that key. */
int itk_signer_from_agent(itk_signer **out, const char *socket_path, const itk_pubkey *key);
const itk_pubkey *itk_signer_public(const itk_signer *signer);
void itk_signer_free(itk_signer *signer);

/* The public keys an ssh-agent holds; *keys is an array of *count keys that
 * the caller frees with itk_pubkey_list_free. */
int itk_agent_list(itk_pubkey ***keys, size_t *count, const char *socket_path);
void itk_pubkey_list_free(itk_pubkey **keys, size_t count);

/* Signs data under namespace ns (e.g. "git") with SHA-512 and writes the armor
 * "-----BEGIN SSH SIGNATURE-----\n...\n-----END SSH SIGNATURE-----\n",
 * base64 wrapped at 70 columns: what `ssh-keygen -Y sign -n ns` writes for
 * the same key (the same bytes for Ed25519 and RSA; ECDSA signatures are
 * randomised, with r and s as minimal mpints, an agent's padded ones
 * normalised). RSA keys sign with rsa-sha2-512, as ssh-keygen does. Every
 * signature is checked against the public key before it is returned. */
int itk_sshsig_sign(itk_buf *armor, itk_signer *signer, const char *ns, const void *data,
                    size_t len);

/* Checks an armored signature over data under namespace ns. On success (0)
 * and when signer_key is not NULL, returns the key that made it (caller
 * frees). Errors: ITK_EINVALID for a malformed or truncated armor/blob,
 * ITK_EUNSUPPORTED for an unknown key type or hash, ITK_EVERIFY for a wrong
 * namespace or a signature that does not match. Accepts sha256 and sha512. */
int itk_sshsig_verify(itk_pubkey **signer_key, const void *armor, size_t armor_len, const char *ns,
                      const void *data, size_t len);

/* The key an armored signature names as its signer (PROTOCOL.sshsig §2,
 * publickey), read without checking the signature: for a walk that only
 * sorts commits by the key they claim (V9's void commits of a stolen key),
 * where a claim that does not verify is refused by the verifier anyway. On
 * success (0) *key is the caller's to free; errors as itk_sshsig_verify's
 * for a malformed armor, blob or key (*key NULL). */
int itk_sshsig_claimed_key(itk_pubkey **key, const void *armor, size_t armor_len);

#endif
