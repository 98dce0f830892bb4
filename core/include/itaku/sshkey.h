/* OpenSSH public and private keys: parsing (bounded, hostile input), the
 * SHA256 fingerprint as ssh-keygen prints it, and Ed25519 generation.
 * Signing and signature verification live in sshsig.h. */
#ifndef ITAKU_SSHKEY_H
#define ITAKU_SSHKEY_H

#include <stddef.h>

#include "itaku/buf.h"

/* Largest key file or public-key line we read. */
#define ITK_MAX_KEY_FILE_BYTES (64 * 1024)

typedef struct itk_pubkey itk_pubkey;
typedef struct itk_privkey itk_privkey;

/* Wire blob: string(type) || key fields (RFC 4253 / PROTOCOL.key). Supported:
 * ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa. Others: ITK_EUNSUPPORTED. */
int itk_pubkey_from_blob(itk_pubkey **out, const void *blob, size_t len);
/* One authorized_keys-style line: "TYPE BASE64 [COMMENT]" (no options). */
int itk_pubkey_from_line(itk_pubkey **out, const char *line, size_t len);
/* A public key file (.pub), or an OpenSSH private key file whose public part
 * is read without decrypting anything (works for passphrase-protected keys). */
int itk_pubkey_read_file(itk_pubkey **out, const char *path);
int itk_pubkey_dup(itk_pubkey **out, const itk_pubkey *key);
void itk_pubkey_free(itk_pubkey *key);

const char *itk_pubkey_type(const itk_pubkey *key);    /* "ssh-ed25519" */
const char *itk_pubkey_comment(const itk_pubkey *key); /* "" when none */
const unsigned char *itk_pubkey_blob(const itk_pubkey *key, size_t *len);
unsigned itk_pubkey_bits(const itk_pubkey *key); /* 256 for Ed25519 */
int itk_pubkey_equal(const itk_pubkey *a, const itk_pubkey *b);

/* "SHA256:<base64 without padding>" of the blob, as ssh-keygen -l. */
int itk_pubkey_fingerprint(itk_buf *out, const itk_pubkey *key);
/* "TYPE BASE64" (no comment), as in authorized_keys and allowed_signers. */
int itk_pubkey_format(itk_buf *out, const itk_pubkey *key);
/* Exactly ssh-keygen -lf's line: "256 SHA256:... comment (ED25519)";
 * "no comment" when the key has none. */
int itk_pubkey_describe(itk_buf *out, const itk_pubkey *key);

/* An unencrypted OpenSSH private key ("openssh-key-v1", cipher none).
 * A passphrase-protected file gives ITK_EENCRYPTED with a message saying to
 * load it with ssh-add. Supported: ssh-ed25519 (others: ITK_EUNSUPPORTED). */
int itk_privkey_read_file(itk_privkey **out, const char *path);
int itk_privkey_parse(itk_privkey **out, const void *data, size_t len, const char *name);
int itk_privkey_generate_ed25519(itk_privkey **out, const char *comment);
/* Writes path (mode 0600, OpenSSH format) and path.pub; refuses (ITK_EEXISTS)
 * when either exists, and leaves nothing behind on failure. */
int itk_privkey_write_files(const itk_privkey *key, const char *path);
const itk_pubkey *itk_privkey_public(const itk_privkey *key);
/* Wipes the secret before freeing. */
void itk_privkey_free(itk_privkey *key);

#endif
