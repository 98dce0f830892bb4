/* OpenSSH public and private keys: parsing (bounded, hostile input; PEM and
 * PKCS#8 private keys through OpenSSL), the SHA256 fingerprint as ssh-keygen
 * prints it, and Ed25519 generation.
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
/* A public key file (.pub), or a private key file's public part: OpenSSH
 * files are read without decrypting anything (passphrase-protected ones
 * too); PEM/PKCS#8 files are parsed, and when encrypted (whose public part
 * cannot be read without the passphrase) the key in path.pub is taken,
 * else ITK_EENCRYPTED saying to put it there. For the key a signer uses. */
int itk_pubkey_read_file(itk_pubkey **out, const char *path);
/* A file where a PUBLIC key is asked for (party add, key add/rotate/recover):
 * one line "TYPE BASE64 [COMMENT]", through itk_pubkey_canonical_line. A
 * private key (any format) is refused (ITK_EINVALID) with a warning that it
 * must never be shared. */
int itk_pubkey_read_public(itk_pubkey **out, const char *path);
/* The one canonical form of a public key a person gives (a form 6 field, a
 * .pub file): text is "TYPE BASE64 [COMMENT]" with or without its comment,
 * blanks and line end; out (if not NULL) receives "TYPE BASE64", the form
 * every record stores (itk_pubkey_format), and *key (if not NULL) the key
 * with its comment (caller frees). Private key material is refused
 * (ITK_EINVALID, warning that the secret must not be shared); what names
 * the value in messages ("form 6 public_key", a file name). */
int itk_pubkey_canonical_line(itk_buf *out, itk_pubkey **key, const char *text, size_t len,
                              const char *what);
/* Exactly the line `ssh-keygen -lf path` prints ("BITS SHA256:... COMMENT
 * (TYPE)") for a public key file or a private key file of any supported
 * format, with ssh-keygen's choice of comment: path.pub's (its file name
 * when it has none), else the private file's own, else "no comment". *key
 * receives the key with the comment its owner gave (caller frees). A file
 * ssh-keygen cannot read either (an encrypted PEM file without path.pub)
 * fails with the reason. */
int itk_key_file_describe(itk_buf *out, itk_pubkey **key, const char *path);
/* 1 when path's first line announces a private key (OpenSSH, PEM, PKCS#8)
 * or it is a PuTTY key file; 0 otherwise, also when it cannot be read. */
int itk_key_file_is_private(const char *path);
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

/* An unencrypted private key: OpenSSH ("openssh-key-v1", cipher none), PEM
 * (PKCS#1 RSA, SEC 1 EC) or PKCS#8, as `ssh-keygen -m PEM|PKCS8` writes them
 * (PEM and PKCS#8 are parsed by OpenSSL; no passphrase is ever asked for).
 * A passphrase-protected file gives ITK_EENCRYPTED with a message saying to
 * load it with ssh-add. Supported: Ed25519, ECDSA P-256/384/521, RSA; the
 * private part is checked against the public one. */
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
