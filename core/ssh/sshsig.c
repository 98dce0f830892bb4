/* OpenSSH signatures (PROTOCOL.sshsig): signing with a key file or through
 * ssh-agent, and strict verification of armored signatures. Key parsing is in
 * sshkey.c, the agent protocol in agent.c. */
#include "itaku/sshsig.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_priv.h"
#include "base64.h"
#include "itaku/errors.h"
#include "alloc.h"
#include "reader.h"
#include "sshkey_priv.h"

#define SIG_BEGIN "-----BEGIN SSH SIGNATURE-----"
#define SIG_END "-----END SSH SIGNATURE-----"
#define SIG_MAGIC "SSHSIG"
#define SIG_MAGIC_LEN 6
#define SIG_VERSION 1
#define SIG_WRAP 70
#define ED25519_SIG_LEN 64
/* ECDSA r and s are below the group order: at most 66 bytes for P-521 */
#define ECDSA_MAX_SCALAR 66

struct itk_signer {
    itk_privkey *key; /* NULL when the agent signs */
    itk_pubkey *pub;
    char *agent; /* the agent's socket */
};

/* ---- signers ---- */

int itk_signer_from_privkey(itk_signer **out, itk_privkey *key)
{
    itk_signer *s = itk_calloc(1, sizeof(*s));
    int rc;
    *out = NULL;
    if (!s) {
        itk_privkey_free(key);
        return ITK_ENOMEM;
    }
    s->key = key;
    if ((rc = itk_pubkey_dup(&s->pub, itk_privkey_public(key))) != 0) {
        itk_signer_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int itk_signer_from_agent(itk_signer **out, const char *socket_path, const itk_pubkey *key)
{
    itk_pubkey **keys = NULL;
    size_t count = 0, i;
    const char *path;
    itk_signer *s = NULL;
    int rc;

    *out = NULL;
    if ((rc = itk_agent_socket(&path, socket_path)) != 0 ||
        (rc = itk_agent_list(&keys, &count, path)) != 0)
        return rc;
    for (i = 0; i < count && !itk_pubkey_equal(keys[i], key); i++)
        ;
    if (i == count) {
        itk_buf fpr = ITK_BUF_INIT;
        itk_pubkey_fingerprint(&fpr, key);
        rc = itk_error_set(ITK_ENOTFOUND, "the ssh-agent at %s does not hold the key %s %s", path,
                           itk_pubkey_type(key), fpr.ptr ? fpr.ptr : "");
        itk_buf_dispose(&fpr);
        goto out;
    }
    if (!(s = itk_calloc(1, sizeof(*s))) || !(s->agent = itk_strdup(path))) {
        rc = ITK_ENOMEM;
        goto out;
    }
    if ((rc = itk_pubkey_dup(&s->pub, key)) != 0)
        goto out;
    *out = s;
    s = NULL;
out:
    itk_signer_free(s);
    itk_pubkey_list_free(keys, count);
    return rc;
}

const itk_pubkey *itk_signer_public(const itk_signer *signer)
{
    return signer->pub;
}

void itk_signer_free(itk_signer *signer)
{
    if (!signer)
        return;
    itk_privkey_free(signer->key);
    itk_pubkey_free(signer->pub);
    free(signer->agent);
    free(signer);
}

/* ---- signature blobs: string(type) || string(signature) ---- */

static int verify_failed(const itk_pubkey *key)
{
    itk_buf fpr = ITK_BUF_INIT;
    ERR_clear_error();
    itk_pubkey_fingerprint(&fpr, key);
    int rc = itk_error_set(ITK_EVERIFY, "signature does not match the data (%s key %s)",
                           itk_pubkey_type(key), fpr.ptr ? fpr.ptr : "");
    itk_buf_dispose(&fpr);
    return rc;
}

static int digest_verify(const itk_pubkey *key, const EVP_MD *md, const unsigned char *sig,
                         size_t sig_len, const itk_buf *tbs)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return itk_error_nomem();
    int ok = EVP_DigestVerifyInit(ctx, NULL, md, NULL, itk_pubkey_evp(key)) == 1 &&
             EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)tbs->ptr, tbs->size) == 1;
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : verify_failed(key);
}

static int verify_ecdsa(const itk_pubkey *key, const unsigned char *blob, size_t len,
                        const itk_buf *tbs)
{
    itk_reader r;
    const unsigned char *rb, *sb;
    size_t rlen, slen;
    BIGNUM *bn_r = NULL, *bn_s = NULL;
    ECDSA_SIG *esig = NULL;
    unsigned char *der = NULL;
    int der_len, rc;

    rd_init(&r, blob, len);
    if ((rc = rd_mpint(&r, &rb, &rlen)) != 0 || (rc = rd_mpint(&r, &sb, &slen)) != 0)
        return rc == -1 ? itk_error_set(ITK_EINVALID, "ECDSA signature is truncated")
                        : itk_error_set(ITK_EINVALID,
                                        "ECDSA signature is malformed (negative or padded number)");
    if (rd_done(&r))
        return itk_error_set(ITK_EINVALID, "ECDSA signature has %zu trailing bytes", r.left);
    if (rlen == 0 || slen == 0 || rlen > ECDSA_MAX_SCALAR || slen > ECDSA_MAX_SCALAR)
        return verify_failed(key);
    if (!(bn_r = BN_bin2bn(rb, (int)rlen, NULL)) || !(bn_s = BN_bin2bn(sb, (int)slen, NULL)) ||
        !(esig = ECDSA_SIG_new()) || ECDSA_SIG_set0(esig, bn_r, bn_s) != 1) {
        BN_free(bn_r);
        BN_free(bn_s);
        ECDSA_SIG_free(esig);
        ERR_clear_error();
        return itk_error_nomem();
    }
    /* esig owns r and s now */
    der_len = i2d_ECDSA_SIG(esig, &der);
    ECDSA_SIG_free(esig);
    if (der_len <= 0) {
        ERR_clear_error();
        return itk_error_set(ITK_ENOMEM, "cannot encode an ECDSA signature");
    }
    rc = digest_verify(key, itk_pubkey_ecdsa_md(key), der, (size_t)der_len, tbs);
    OPENSSL_free(der);
    return rc;
}

static int verify_rsa(const itk_pubkey *key, const EVP_MD *md, const unsigned char *sig, size_t len,
                      const itk_buf *tbs)
{
    int size = EVP_PKEY_get_size(itk_pubkey_evp(key));
    if (size <= 0 || len > (size_t)size)
        return itk_error_set(ITK_EINVALID, "RSA signature of %zu bytes is longer than the key",
                             len);
    /* OpenSSH accepts a signature shorter than the modulus: pad it as it does */
    unsigned char *padded = itk_calloc(1, (size_t)size);
    if (!padded)
        return ITK_ENOMEM;
    if (len)
        memcpy(&padded[(size_t)size - len], sig, len);
    int rc = digest_verify(key, md, padded, (size_t)size, tbs);
    free(padded);
    return rc;
}

/* Checks sigblob over tbs with key: the signature's type must fit the key. */
static int verify_sigblob(const itk_pubkey *key, const unsigned char *blob, size_t len,
                          const itk_buf *tbs)
{
    itk_reader r;
    const unsigned char *type, *sig;
    size_t type_len, sig_len;
    char shown[80];

    rd_init(&r, blob, len);
    if (rd_string(&r, &type, &type_len) || rd_string(&r, &sig, &sig_len))
        return itk_error_set(ITK_EINVALID, "signature is truncated (in its signature field)");
    if (rd_done(&r))
        return itk_error_set(ITK_EINVALID, "signature field has %zu trailing bytes", r.left);
    itk_printable(shown, sizeof(shown), type, type_len);

    switch (itk_pubkey_kind(key)) {
    case ITK_KEY_RSA:
        if (type_len == 7 && memcmp(type, "ssh-rsa", 7) == 0)
            return itk_error_set(ITK_EUNSUPPORTED,
                                 "RSA signature uses ssh-rsa (SHA-1), which is refused; sign "
                                 "with rsa-sha2-512 or rsa-sha2-256");
        if (type_len == 12 && memcmp(type, "rsa-sha2-512", 12) == 0)
            return verify_rsa(key, EVP_sha512(), sig, sig_len, tbs);
        if (type_len == 12 && memcmp(type, "rsa-sha2-256", 12) == 0)
            return verify_rsa(key, EVP_sha256(), sig, sig_len, tbs);
        break;
    case ITK_KEY_ED25519:
        if (type_len == 11 && memcmp(type, "ssh-ed25519", 11) == 0) {
            if (sig_len != ED25519_SIG_LEN)
                return itk_error_set(
                    ITK_EINVALID, "ssh-ed25519 signature is %zu bytes long (expected 64)", sig_len);
            return digest_verify(key, NULL, sig, sig_len, tbs);
        }
        break;
    default: /* ECDSA: the signature type is the key type */
        if (type_len == strlen(itk_pubkey_type(key)) &&
            memcmp(type, itk_pubkey_type(key), type_len) == 0)
            return verify_ecdsa(key, sig, sig_len, tbs);
        break;
    }
    return itk_error_set(ITK_EINVALID, "signature type '%s' does not match the key type '%s'",
                         shown, itk_pubkey_type(key));
}

/* ---- SSHSIG ---- */

/* "SSHSIG" || string(ns) || string("") || string(hash_alg) || string(H(data)) */
static int signed_data(itk_buf *out, const char *ns, const char *hash_alg, const EVP_MD *md,
                       const void *data, size_t len)
{
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned hlen = 0;
    int rc;
    if (EVP_Digest(data, len, h, &hlen, md, NULL) != 1) {
        ERR_clear_error();
        return itk_error_set(ITK_ERROR, "hashing the signed data failed");
    }
    if ((rc = itk_buf_put(out, SIG_MAGIC, SIG_MAGIC_LEN)) || (rc = wr_cstring(out, ns)) ||
        (rc = wr_string(out, NULL, 0)) || (rc = wr_cstring(out, hash_alg)) ||
        (rc = wr_string(out, h, hlen)))
        return rc;
    return 0;
}

/* string(r) || string(s) as minimal mpints, from r and s as big-endian
 * numbers of any length (leading zeros are dropped: some agents pad them). */
static int ecdsa_sig_blob(itk_buf *out, const unsigned char *r, size_t rlen, const unsigned char *s,
                          size_t slen)
{
    itk_buf inner = ITK_BUF_INIT;
    int rc = wr_mpint(&inner, r, rlen);
    if (rc == 0)
        rc = wr_mpint(&inner, s, slen);
    if (rc == 0)
        rc = wr_string(out, inner.ptr, inner.size);
    itk_buf_dispose(&inner);
    return rc;
}

/* Signs tbs with a key file's private key as ssh-keygen -Y sign does:
 * Ed25519; ECDSA with the curve's hash, r and s as minimal mpints; RSA with
 * rsa-sha2-512 (RFC 8332). */
static int sign_file(itk_buf *sigblob, const itk_privkey *key, const itk_buf *tbs)
{
    const itk_pubkey *pub = itk_privkey_public(key);
    int kind = itk_pubkey_kind(pub);
    const EVP_MD *md = kind == ITK_KEY_ED25519 ? NULL
                       : kind == ITK_KEY_RSA   ? EVP_sha512()
                                               : itk_pubkey_ecdsa_md(pub);
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    ECDSA_SIG *esig = NULL;
    int rc = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = ctx && EVP_DigestSignInit(ctx, &pctx, md, NULL, itk_privkey_evp(key)) == 1 &&
             (kind != ITK_KEY_RSA || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1) &&
             EVP_DigestSign(ctx, NULL, &sig_len, (const unsigned char *)tbs->ptr, tbs->size) == 1 &&
             (sig = itk_malloc(sig_len ? sig_len : 1)) != NULL &&
             EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)tbs->ptr, tbs->size) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        ERR_clear_error();
        rc = itk_error_set(ITK_ERROR, "%s signing failed", itk_pubkey_type(pub));
        goto out;
    }
    switch (kind) {
    case ITK_KEY_ED25519:
        if (sig_len != ED25519_SIG_LEN) {
            rc = itk_error_set(ITK_ERROR, "Ed25519 signing failed");
            break;
        }
        if ((rc = wr_cstring(sigblob, "ssh-ed25519")) == 0)
            rc = wr_string(sigblob, sig, sig_len);
        break;
    case ITK_KEY_RSA:
        if ((rc = wr_cstring(sigblob, "rsa-sha2-512")) == 0)
            rc = wr_string(sigblob, sig, sig_len);
        break;
    default: {
        const unsigned char *der = sig;
        const BIGNUM *r, *s;
        unsigned char rb[ECDSA_MAX_SCALAR], sb[ECDSA_MAX_SCALAR];
        if (!(esig = d2i_ECDSA_SIG(NULL, &der, (long)sig_len)) ||
            (ECDSA_SIG_get0(esig, &r, &s), BN_num_bytes(r) > ECDSA_MAX_SCALAR) ||
            BN_num_bytes(s) > ECDSA_MAX_SCALAR) {
            ERR_clear_error();
            rc = itk_error_set(ITK_ERROR, "ECDSA signing gave a malformed signature");
            break;
        }
        int rlen = BN_bn2bin(r, rb), slen = BN_bn2bin(s, sb);
        if ((rc = wr_cstring(sigblob, itk_pubkey_type(pub))) == 0)
            rc = ecdsa_sig_blob(sigblob, rb, (size_t)rlen, sb, (size_t)slen);
        break;
    }
    }
out:
    ECDSA_SIG_free(esig);
    if (sig)
        OPENSSL_cleanse(sig, sig_len);
    free(sig);
    if (rc)
        return rc;
    /* a private key whose parts do not fit gives bad signatures: never publish one */
    if ((rc = verify_sigblob(pub, (const unsigned char *)sigblob->ptr, sigblob->size, tbs)) != 0)
        return itk_error_prefix(rc, "the key file gave a bad signature (is the file damaged?)");
    return 0;
}

/* The agent's ECDSA signature with r and s rewritten as minimal mpints: some
 * agents send them with a leading zero byte too many, which ssh-keygen and
 * git accept but a strict reader does not; what itaku writes is what
 * ssh-keygen would. A negative number stays as it is (and fails). */
static int normalise_ecdsa(itk_buf *sigblob)
{
    itk_reader r, in;
    const unsigned char *type, *sig, *rb, *sb;
    size_t type_len, sig_len, rlen, slen;
    itk_buf out = ITK_BUF_INIT;
    int rc;
    rd_init(&r, sigblob->ptr, sigblob->size);
    if (rd_string(&r, &type, &type_len) || rd_string(&r, &sig, &sig_len) || rd_done(&r))
        return 0; /* malformed: verify_sigblob says how */
    rd_init(&in, sig, sig_len);
    if (rd_string(&in, &rb, &rlen) || rd_string(&in, &sb, &slen) || rd_done(&in) ||
        (rlen > 0 && (rb[0] & 0x80)) || (slen > 0 && (sb[0] & 0x80)))
        return 0;
    if ((rc = wr_string(&out, type, type_len)) == 0 &&
        (rc = ecdsa_sig_blob(&out, rb, rlen, sb, slen)) == 0) {
        itk_buf_clear(sigblob);
        rc = itk_buf_put(sigblob, out.ptr, out.size);
    }
    itk_buf_dispose(&out);
    return rc;
}

static int sign_agent(itk_buf *sigblob, const itk_signer *signer, const itk_buf *tbs)
{
    int rsa = itk_pubkey_kind(signer->pub) == ITK_KEY_RSA;
    int rc = itk_agent_sign(sigblob, signer->agent, signer->pub, tbs->ptr, tbs->size,
                            rsa ? ITK_AGENT_RSA_SHA2_512 : 0);
    if (rc)
        return rc;
    if (itk_pubkey_kind(signer->pub) == ITK_KEY_ECDSA && (rc = normalise_ecdsa(sigblob)) != 0)
        return rc;
    /* never publish what the agent sent without checking it */
    if (rsa) {
        itk_reader r;
        const unsigned char *type;
        size_t type_len;
        rd_init(&r, sigblob->ptr, sigblob->size);
        if (rd_string(&r, &type, &type_len) || type_len != 12 ||
            memcmp(type, "rsa-sha2-512", 12) != 0)
            return itk_error_set(ITK_EUNSUPPORTED,
                                 "the ssh-agent did not sign with rsa-sha2-512 as asked");
    }
    if ((rc = verify_sigblob(signer->pub, (const unsigned char *)sigblob->ptr, sigblob->size,
                             tbs)) != 0)
        return itk_error_prefix(rc, "the ssh-agent returned a bad signature");
    return 0;
}

int itk_sshsig_sign(itk_buf *armor, itk_signer *signer, const char *ns, const void *data,
                    size_t len)
{
    itk_buf tbs = ITK_BUF_INIT, sigblob = ITK_BUF_INIT, blob = ITK_BUF_INIT;
    const unsigned char *pub;
    size_t pub_len;
    int rc;

    if (!ns || !*ns)
        return itk_error_set(ITK_EINVALID, "a signature needs a namespace");
    if ((rc = signed_data(&tbs, ns, "sha512", EVP_sha512(), data, len)) != 0)
        goto out;
    rc = signer->key ? sign_file(&sigblob, signer->key, &tbs) : sign_agent(&sigblob, signer, &tbs);
    if (rc)
        goto out;
    pub = itk_pubkey_blob(signer->pub, &pub_len);
    if ((rc = itk_buf_put(&blob, SIG_MAGIC, SIG_MAGIC_LEN)) || (rc = wr_u32(&blob, SIG_VERSION)) ||
        (rc = wr_string(&blob, pub, pub_len)) || (rc = wr_cstring(&blob, ns)) ||
        (rc = wr_string(&blob, NULL, 0)) || (rc = wr_cstring(&blob, "sha512")) ||
        (rc = wr_string(&blob, sigblob.ptr, sigblob.size)))
        goto out;
    itk_buf_clear(armor);
    if ((rc = itk_buf_puts(armor, SIG_BEGIN "\n")) ||
        (rc = itk_base64_encode_wrapped(armor, blob.ptr, blob.size, SIG_WRAP)) ||
        (rc = itk_buf_puts(armor, "\n" SIG_END "\n")))
        goto out;
out:
    itk_buf_dispose(&tbs);
    itk_buf_dispose(&sigblob);
    itk_buf_dispose(&blob);
    return rc;
}

/* The fields of an SSHSIG blob (PROTOCOL.sshsig §2), pointing into bin. */
typedef struct {
    unsigned char *bin; /* the decoded blob; the caller frees it */
    const unsigned char *pub, *ns, *reserved, *hash, *sig;
    size_t pub_len, ns_len, reserved_len, hash_len, sig_len;
} sig_fields;

/* Decodes the armor and reads every field of the blob (magic, version 1,
 * five strings, nothing after them), checking nothing else. 0, or
 * ITK_ETOOBIG / ITK_EINVALID / ITK_EUNSUPPORTED with a message; f->bin is
 * the caller's to free either way. */
static int sig_parse(sig_fields *f, const void *armor, size_t armor_len)
{
    size_t bin_len = 0;
    itk_reader r;
    const unsigned char *magic;
    uint32_t version;
    int rc;

    memset(f, 0, sizeof(*f));
    if (armor_len > ITK_MAX_SIGNATURE_BYTES)
        return itk_error_set(ITK_ETOOBIG, "signature of %zu bytes is over the limit of %d bytes",
                             armor_len, ITK_MAX_SIGNATURE_BYTES);
    if ((rc = itk_armor_decode(&f->bin, &bin_len, armor, armor_len, SIG_BEGIN, SIG_END,
                               "signature armor")) != 0)
        return rc;
    rd_init(&r, f->bin, bin_len);
    if (rd_bytes(&r, &magic, SIG_MAGIC_LEN) || memcmp(magic, SIG_MAGIC, SIG_MAGIC_LEN) != 0)
        return itk_error_set(ITK_EINVALID, "signature does not start with SSHSIG");
    if (rd_u32(&r, &version))
        return itk_error_set(ITK_EINVALID, "signature is truncated (no version)");
    if (version != SIG_VERSION)
        return itk_error_set(ITK_EUNSUPPORTED, "signature version %u is not supported (expected 1)",
                             version);
    if (rd_string(&r, &f->pub, &f->pub_len) || rd_string(&r, &f->ns, &f->ns_len) ||
        rd_string(&r, &f->reserved, &f->reserved_len) || rd_string(&r, &f->hash, &f->hash_len) ||
        rd_string(&r, &f->sig, &f->sig_len))
        return itk_error_set(ITK_EINVALID, "signature is truncated");
    if (rd_done(&r))
        return itk_error_set(ITK_EINVALID, "signature has %zu trailing bytes", r.left);
    return 0;
}

/* The public key of f, with sshkey.c's message naming the signature. */
static int sig_key(itk_pubkey **key, const sig_fields *f)
{
    int rc = itk_pubkey_from_blob(key, f->pub, f->pub_len);
    if (rc) {
        char msg[512];
        snprintf(msg, sizeof(msg), "%s", itk_error_last());
        rc = itk_error_set(rc, "%s in signature", msg);
    }
    return rc;
}

int itk_sshsig_claimed_key(itk_pubkey **key, const void *armor, size_t armor_len)
{
    sig_fields f;
    *key = NULL;
    int rc = sig_parse(&f, armor, armor_len);
    if (!rc)
        rc = sig_key(key, &f);
    free(f.bin);
    return rc;
}

int itk_sshsig_verify(itk_pubkey **signer_key, const void *armor, size_t armor_len, const char *ns,
                      const void *data, size_t len)
{
    sig_fields f;
    itk_pubkey *key = NULL;
    itk_buf tbs = ITK_BUF_INIT;
    const char *hash_alg;
    const EVP_MD *md;
    char shown[80];
    int rc;

    if (signer_key)
        *signer_key = NULL;
    if ((rc = sig_parse(&f, armor, armor_len)) != 0 || (rc = sig_key(&key, &f)) != 0)
        goto out;
    if (f.reserved_len != 0) {
        rc = itk_error_set(ITK_EINVALID, "signature has a non-empty reserved field");
        goto out;
    }
    if (f.hash_len == 6 && memcmp(f.hash, "sha512", 6) == 0) {
        hash_alg = "sha512";
        md = EVP_sha512();
    } else if (f.hash_len == 6 && memcmp(f.hash, "sha256", 6) == 0) {
        hash_alg = "sha256";
        md = EVP_sha256();
    } else {
        itk_printable(shown, sizeof(shown), f.hash, f.hash_len);
        rc = itk_error_set(ITK_EUNSUPPORTED, "unsupported hash algorithm '%s' in signature", shown);
        goto out;
    }
    if (!ns || f.ns_len != strlen(ns) || memcmp(f.ns, ns, f.ns_len) != 0) {
        itk_printable(shown, sizeof(shown), f.ns, f.ns_len);
        rc = itk_error_set(ITK_EVERIFY, "signature is for namespace '%s', expected '%s'", shown,
                           ns ? ns : "");
        goto out;
    }
    if ((rc = signed_data(&tbs, ns, hash_alg, md, data, len)) != 0 ||
        (rc = verify_sigblob(key, f.sig, f.sig_len, &tbs)) != 0)
        goto out;
    if (signer_key) {
        *signer_key = key;
        key = NULL;
    }
out:
    itk_pubkey_free(key);
    itk_buf_dispose(&tbs);
    free(f.bin);
    return rc;
}
