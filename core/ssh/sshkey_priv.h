/* Private to the library: the SSH wire encoding (uint32, string, mpint) used to
 * build and read key and signature blobs, and the parts of keys that signing
 * and verification need (their OpenSSL objects). */
#ifndef ITAKU_SSHKEY_PRIV_H
#define ITAKU_SSHKEY_PRIV_H

#include <openssl/evp.h>
#include <stdint.h>
#include <string.h>

#include "itaku/buf.h"
#include "itaku/sshkey.h"
#include "reader.h"

/* Largest RSA modulus we accept, in bytes (OpenSSH's SSHBUF_MAX_BIGNUM). */
#define ITK_MAX_BIGNUM_BYTES (16384 / 8)

static inline int wr_u32(itk_buf *b, uint32_t v)
{
    unsigned char be[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                           (unsigned char)(v >> 8), (unsigned char)v};
    return itk_buf_put(b, be, 4);
}

static inline int wr_string(itk_buf *b, const void *data, size_t len)
{
    int rc;
    if (len > UINT32_MAX)
        return -1;
    if ((rc = wr_u32(b, (uint32_t)len)) != 0)
        return rc;
    return len ? itk_buf_put(b, data, len) : 0;
}

static inline int wr_cstring(itk_buf *b, const char *s)
{
    return wr_string(b, s, strlen(s));
}

/* The non-negative big-endian number n (len bytes) as a minimal mpint, as
 * OpenSSH writes it: leading zero bytes dropped, one zero byte put back when
 * the top bit is set. */
static inline int wr_mpint(itk_buf *b, const unsigned char *n, size_t len)
{
    int rc;
    while (len > 0 && n[0] == 0) {
        n++;
        len--;
    }
    size_t pad = len > 0 && (n[0] & 0x80) != 0;
    if (len + pad > UINT32_MAX)
        return -1;
    if ((rc = wr_u32(b, (uint32_t)(len + pad))) != 0 || (pad && (rc = itk_buf_putc(b, 0)) != 0))
        return rc;
    return len ? itk_buf_put(b, n, len) : 0;
}

/* An mpint holding a non-negative number in minimal form (as OpenSSH writes
 * it); *p and *len give its magnitude without the sign byte. Returns 0, -1
 * when truncated, -2 when negative or not minimal. */
static inline int rd_mpint(itk_reader *r, const unsigned char **p, size_t *len)
{
    const unsigned char *d;
    size_t n;
    uint8_t zero;
    itk_reader save = *r, sub;
    if (rd_string(r, &d, &n))
        return -1;
    if (n > 0 && (d[0] & 0x80) != 0) {
        *r = save;
        return -2;
    }
    if (n > 0 && d[0] == 0 && (n == 1 || (d[1] & 0x80) == 0)) {
        *r = save;
        return -2;
    }
    rd_init(&sub, d, n);
    if (n > 0 && d[0] == 0)
        (void)rd_u8(&sub, &zero);
    *len = sub.left;
    return rd_bytes(&sub, p, sub.left);
}

enum { ITK_KEY_ED25519 = 1, ITK_KEY_ECDSA, ITK_KEY_RSA };

int itk_pubkey_kind(const itk_pubkey *key);
/* The key as OpenSSL holds it (owned by key). */
EVP_PKEY *itk_pubkey_evp(const itk_pubkey *key);
/* ECDSA: the digest that goes with the curve (SHA-256/384/512). */
const EVP_MD *itk_pubkey_ecdsa_md(const itk_pubkey *key);
/* Sets the comment (copied). */
int itk_pubkey_set_comment(itk_pubkey *key, const char *comment);
/* The private key as OpenSSL holds it (owned by key): Ed25519, EC or RSA. */
EVP_PKEY *itk_privkey_evp(const itk_privkey *key);

/* The public part of an OpenSSH private key file's contents, decrypting
 * nothing; name is used in messages. */
int itk_pubkey_from_private_data(itk_pubkey **out, const void *data, size_t len, const char *name);

/* Copies at most cap-1 bytes of untrusted s into dst for an error message,
 * replacing anything not printable ASCII with '?'. */
void itk_printable(char *dst, size_t cap, const void *s, size_t len);

/* Replaces the last error message with "<prefix>: <message>" and returns code. */
int itk_error_prefix(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
