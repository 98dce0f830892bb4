/* OpenSSH public and private keys: wire blobs, key lines and openssh-key-v1
 * files parsed with the bounded reader, PEM and PKCS#8 private keys read by
 * OpenSSL, fingerprints as ssh-keygen prints them, and Ed25519 generation.
 * Signatures are in sshsig.c. */
#include "itaku/sshkey.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "itaku/errors.h"
#include "intl.h"
#include "alloc.h"
#include "reader.h"
#include "sshkey_priv.h"

#define PRIV_BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define PRIV_END "-----END OPENSSH PRIVATE KEY-----"
#define PRIV_MAGIC "openssh-key-v1" /* followed by a NUL in the file */
#define PRIV_MAGIC_LEN 15
#define ED25519_PK_LEN 32
#define ED25519_SK_LEN 64
#define RSA_MIN_BITS 1024
#define MAX_COMMENT_BYTES 1024 /* in keys we generate */

typedef struct {
    const char *name;  /* the type word and the blob's type string */
    int kind;          /* ITK_KEY_* */
    const char *label; /* what ssh-keygen -l prints in parentheses */
    const char *curve; /* ECDSA: the curve name inside the blob */
    const char *group; /* ECDSA: OpenSSL's group name */
    size_t point_len;  /* ECDSA: uncompressed point 04 || x || y */
    int nid;           /* ECDSA: OpenSSL's curve id */
    unsigned bits;     /* 0: from the modulus */
    const EVP_MD *(*md)(void);
} key_type;

static const key_type key_types[] = {
    {"ssh-ed25519", ITK_KEY_ED25519, "ED25519", NULL, NULL, 0, 0, 256, NULL},
    {"ecdsa-sha2-nistp256", ITK_KEY_ECDSA, "ECDSA", "nistp256", "P-256", 65, NID_X9_62_prime256v1,
     256, EVP_sha256},
    {"ecdsa-sha2-nistp384", ITK_KEY_ECDSA, "ECDSA", "nistp384", "P-384", 97, NID_secp384r1, 384,
     EVP_sha384},
    {"ecdsa-sha2-nistp521", ITK_KEY_ECDSA, "ECDSA", "nistp521", "P-521", 133, NID_secp521r1, 521,
     EVP_sha512},
    {"ssh-rsa", ITK_KEY_RSA, "RSA", NULL, NULL, 0, 0, 0, NULL},
};

struct itk_pubkey {
    const key_type *kt;
    unsigned bits;
    unsigned char *blob;
    size_t blob_len;
    char *comment;
    EVP_PKEY *pkey;
};

struct itk_privkey {
    itk_pubkey *pub;
    EVP_PKEY *pkey; /* Ed25519 (holding the 32-byte seed), EC or RSA */
};

/* ---- small helpers ---- */

void itk_printable(char *dst, size_t cap, const void *s, size_t len)
{
    const unsigned char *u = s;
    size_t n = 0;
    if (cap == 0)
        return;
    for (size_t i = 0; i < len && n + 1 < cap; i++)
        dst[n++] = (u[i] >= 0x20 && u[i] < 0x7f) ? (char)u[i] : '?';
    dst[n] = '\0';
}

int itk_error_prefix(int code, const char *fmt, ...)
{
    char prefix[512], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), itk__(fmt), ap);
    va_end(ap);
    snprintf(msg, sizeof(msg), "%s", itk_error_last());
    return itk_error_set(code, "%s: %s", prefix, msg);
}

static int openssl_error(int code, const char *what)
{
    unsigned long e = ERR_get_error();
    char detail[256] = "no details";
    if (e)
        ERR_error_string_n(e, detail, sizeof(detail));
    ERR_clear_error();
    return itk_error_set(code, "%s (OpenSSL: %s)", what, detail);
}

static int mem_eq(const void *a, size_t alen, const char *s)
{
    return alen == strlen(s) && memcmp(a, s, alen) == 0;
}

static int starts_with(const void *data, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(data, prefix, n) == 0;
}

static const key_type *find_type(const void *name, size_t len)
{
    for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
        if (mem_eq(name, len, key_types[i].name))
            return &key_types[i];
    return NULL;
}

static int unknown_type(const void *name, size_t len)
{
    char shown[80];
    itk_printable(shown, sizeof(shown), name, len);
    if (mem_eq(name, len, "ssh-dss"))
        return itk_error_set(ITK_EUNSUPPORTED, "unsupported key type 'ssh-dss' (DSA)");
    if (starts_with(name, len, "sk-"))
        return itk_error_set(ITK_EUNSUPPORTED,
                             "unsupported key type '%s' (security keys are not supported yet)",
                             shown);
    static const char cert[] = "-cert-v01@openssh.com";
    itk_reader r;
    const unsigned char *head, *tail;
    rd_init(&r, name, len);
    if (len > sizeof(cert) - 1 && rd_bytes(&r, &head, len - (sizeof(cert) - 1)) == 0 &&
        rd_bytes(&r, &tail, r.left) == 0 && mem_eq(tail, sizeof(cert) - 1, cert))
        return itk_error_set(ITK_EUNSUPPORTED, "unsupported key type '%s' (certificate)", shown);
    return itk_error_set(ITK_EUNSUPPORTED, "unknown key type '%s'", shown);
}

/* ---- building OpenSSL keys from wire fields ---- */

static int evp_ed25519(EVP_PKEY **out, const unsigned char *pk)
{
    *out = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, ED25519_PK_LEN);
    return *out ? 0 : openssl_error(ITK_EINVALID, "invalid ssh-ed25519 public key");
}

static int evp_fromdata(EVP_PKEY **out, const char *alg, OSSL_PARAM *params, int selection)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
    int ok = ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
             EVP_PKEY_fromdata(ctx, out, selection, params) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok ? 0 : -1;
}

static int evp_ecdsa(EVP_PKEY **out, const key_type *kt, const unsigned char *q, size_t qlen)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)kt->group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)q, qlen),
        OSSL_PARAM_construct_end()};
    *out = NULL;
    if (evp_fromdata(out, "EC", params, EVP_PKEY_PUBLIC_KEY) != 0)
        return openssl_error(ITK_EINVALID, "invalid ECDSA public key (point not on the curve)");
    /* the full check (not the point at infinity, in the group's order) */
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, *out, NULL);
    int ok = ctx && EVP_PKEY_public_check(ctx) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
        EVP_PKEY_free(*out);
        *out = NULL;
        return openssl_error(ITK_EINVALID, "invalid ECDSA public key");
    }
    return 0;
}

static int evp_rsa(EVP_PKEY **out, const unsigned char *e, size_t elen, const unsigned char *n,
                   size_t nlen)
{
    int rc = ITK_ENOMEM;
    BIGNUM *bn_e = BN_bin2bn(e, (int)elen, NULL);
    BIGNUM *bn_n = BN_bin2bn(n, (int)nlen, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    *out = NULL;
    if (!bn_e || !bn_n || !bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) ||
        !(params = OSSL_PARAM_BLD_to_param(bld))) {
        rc = openssl_error(ITK_ENOMEM, "cannot build an RSA key");
        goto out;
    }
    if (evp_fromdata(out, "RSA", params, EVP_PKEY_PUBLIC_KEY) != 0) {
        rc = openssl_error(ITK_EINVALID, "invalid ssh-rsa public key");
        goto out;
    }
    rc = 0;
out:
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_e);
    BN_free(bn_n);
    return rc;
}

/* The private key of an openssh-key-v1 file's ECDSA section: the curve's
 * point q and scalar d (minimal, no sign byte). */
static int evp_ecdsa_private(EVP_PKEY **out, const key_type *kt, const unsigned char *q,
                             size_t qlen, const unsigned char *d, size_t dlen)
{
    BIGNUM *bn_d = BN_bin2bn(d, (int)dlen, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    int rc = 0;
    *out = NULL;
    if (!bn_d || !bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, kt->group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, q, qlen) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn_d) ||
        !(params = OSSL_PARAM_BLD_to_param(bld)))
        rc = openssl_error(ITK_ENOMEM, "cannot build an ECDSA key");
    else if (evp_fromdata(out, "EC", params, EVP_PKEY_KEYPAIR) != 0)
        rc = openssl_error(ITK_EINVALID, "invalid ECDSA private key");
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(bn_d);
    return rc;
}

/* The private key of an openssh-key-v1 file's RSA section: n, e, d, iqmp,
 * p, q (in that order in f); OpenSSL's CRT exponents are derived here. */
static int evp_rsa_private(EVP_PKEY **out, const unsigned char *const f[6], const size_t flen[6])
{
    BIGNUM *bn[6] = {NULL}, *dmp1 = BN_secure_new(), *dmq1 = BN_secure_new(), *t = BN_new();
    BN_CTX *ctx = BN_CTX_new();
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    int ok = dmp1 && dmq1 && t && ctx && bld, rc = 0;
    for (int i = 0; i < 6 && ok; i++)
        ok = (bn[i] = BN_bin2bn(f[i], (int)flen[i], NULL)) != NULL;
    /* n e d iqmp p q */
    ok = ok && !BN_is_zero(bn[4]) && !BN_is_zero(bn[5]) && BN_sub(t, bn[4], BN_value_one()) &&
         BN_mod(dmp1, bn[2], t, ctx) && BN_sub(t, bn[5], BN_value_one()) &&
         BN_mod(dmq1, bn[2], t, ctx) && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn[0]) &&
         OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn[1]) &&
         OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, bn[2]) &&
         OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, bn[4]) &&
         OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, bn[5]) &&
         OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dmp1) &&
         OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dmq1) &&
         OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, bn[3]) &&
         (params = OSSL_PARAM_BLD_to_param(bld)) != NULL;
    *out = NULL;
    if (!ok)
        rc = openssl_error(ITK_EINVALID, "invalid RSA private key");
    else if (evp_fromdata(out, "RSA", params, EVP_PKEY_KEYPAIR) != 0)
        rc = openssl_error(ITK_EINVALID, "invalid RSA private key");
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_CTX_free(ctx);
    for (int i = 0; i < 6; i++)
        BN_clear_free(bn[i]);
    BN_clear_free(dmp1);
    BN_clear_free(dmq1);
    BN_clear_free(t);
    return rc;
}

static int ed25519_blob(itk_buf *out, const unsigned char *pk);

static int bn_param(BIGNUM **out, EVP_PKEY *pk, const char *param)
{
    *out = NULL;
    return EVP_PKEY_get_bn_param(pk, param, out) == 1 ? 0 : -1;
}

/* The SSH public key blob (RFC 4253 / RFC 5656) of a key OpenSSL holds:
 * one read from a PEM or PKCS#8 file, or built from an openssh-key-v1
 * file. Types OpenSSH does not sign with: ITK_EUNSUPPORTED. */
static int blob_from_evp(itk_buf *blob, EVP_PKEY *pk, const char *name)
{
    unsigned char buf[2 * 66 + 1], raw[ED25519_PK_LEN];
    unsigned char *big = NULL;
    size_t n = sizeof(raw);
    BIGNUM *a = NULL, *b = NULL;
    char group[64];
    const key_type *kt = NULL;
    int rc = 0;
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_ED25519:
        if (EVP_PKEY_get_raw_public_key(pk, raw, &n) != 1 || n != ED25519_PK_LEN)
            return openssl_error(ITK_EINVALID, "cannot read an Ed25519 public key");
        return ed25519_blob(blob, raw);
    case EVP_PKEY_EC: {
        int nid = NID_undef;
        if (EVP_PKEY_get_group_name(pk, group, sizeof(group), &n) == 1 &&
            (nid = OBJ_sn2nid(group)) == NID_undef)
            nid = EC_curve_nist2nid(group);
        for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
            if (key_types[i].kind == ITK_KEY_ECDSA && key_types[i].nid == nid && nid != NID_undef)
                kt = &key_types[i];
        ERR_clear_error();
        if (!kt)
            return itk_error_set(ITK_EUNSUPPORTED,
                                 "%s holds an EC key on a curve OpenSSH does not use (only "
                                 "P-256, P-384 and P-521 are)",
                                 name);
        size_t flen = (kt->point_len - 1) / 2;
        if (bn_param(&a, pk, OSSL_PKEY_PARAM_EC_PUB_X) ||
            bn_param(&b, pk, OSSL_PKEY_PARAM_EC_PUB_Y) || BN_bn2binpad(a, &buf[1], (int)flen) < 0 ||
            BN_bn2binpad(b, &buf[1 + flen], (int)flen) < 0) {
            rc = openssl_error(ITK_EINVALID, "cannot read an ECDSA public key");
            break;
        }
        buf[0] = 0x04;
        if ((rc = wr_cstring(blob, kt->name)) || (rc = wr_cstring(blob, kt->curve)) ||
            (rc = wr_string(blob, buf, kt->point_len)))
            break;
        break;
    }
    case EVP_PKEY_RSA:
        if (bn_param(&a, pk, OSSL_PKEY_PARAM_RSA_E) || bn_param(&b, pk, OSSL_PKEY_PARAM_RSA_N)) {
            rc = openssl_error(ITK_EINVALID, "cannot read an RSA public key");
            break;
        }
        if (BN_num_bytes(a) > ITK_MAX_BIGNUM_BYTES || BN_num_bytes(b) > ITK_MAX_BIGNUM_BYTES) {
            rc = itk_error_set(ITK_EINVALID, "%s: RSA key of %d bits is over the limit of %d", name,
                               BN_num_bits(b), ITK_MAX_BIGNUM_BYTES * 8);
            break;
        }
        if (!(big = itk_malloc(ITK_MAX_BIGNUM_BYTES))) {
            rc = ITK_ENOMEM;
            break;
        }
        if ((rc = wr_cstring(blob, "ssh-rsa")) ||
            (rc = wr_mpint(blob, big, (size_t)BN_bn2bin(a, big))) ||
            (rc = wr_mpint(blob, big, (size_t)BN_bn2bin(b, big))))
            break;
        break;
    case EVP_PKEY_DSA:
        return itk_error_set(ITK_EUNSUPPORTED, "%s: unsupported key type 'ssh-dss' (DSA)", name);
    default:
        return itk_error_set(ITK_EUNSUPPORTED,
                             "%s holds a %s key; itaku signs with Ed25519, ECDSA (P-256, P-384, "
                             "P-521) and RSA keys",
                             name, EVP_PKEY_get0_type_name(pk) ? EVP_PKEY_get0_type_name(pk) : "?");
    }
    BN_free(a);
    BN_free(b);
    free(big);
    return rc;
}

/* ---- public keys ---- */

/* The raw 32 bytes of an Ed25519 public key. */
static int ed25519_raw(const itk_pubkey *key, unsigned char pk[32])
{
    size_t len = 32;
    if (EVP_PKEY_get_raw_public_key(key->pkey, pk, &len) != 1 || len != 32)
        return openssl_error(ITK_ERROR, "cannot read an Ed25519 public key");
    return 0;
}

static unsigned bit_length(const unsigned char *n, size_t len)
{
    /* n is minimal: its first byte is not zero */
    unsigned bits = (unsigned)len * 8;
    for (unsigned char top = n[0]; (top & 0x80) == 0; top <<= 1)
        bits--;
    return bits;
}

int itk_pubkey_from_blob(itk_pubkey **out, const void *blob, size_t len)
{
    itk_reader r;
    const unsigned char *type, *a, *b;
    size_t type_len, alen, blen;
    EVP_PKEY *pkey = NULL;
    unsigned bits;
    int rc;

    *out = NULL;
    if (len > ITK_MAX_KEY_FILE_BYTES)
        return itk_error_set(ITK_ETOOBIG, "public key blob of %zu bytes is over the limit of %d",
                             len, ITK_MAX_KEY_FILE_BYTES);
    rd_init(&r, blob, len);
    if (rd_string(&r, &type, &type_len))
        return itk_error_set(ITK_EINVALID, "public key blob is truncated (no key type)");
    const key_type *kt = find_type(type, type_len);
    if (!kt)
        return unknown_type(type, type_len);
    bits = kt->bits;

    switch (kt->kind) {
    case ITK_KEY_ED25519:
        if (rd_string(&r, &a, &alen))
            return itk_error_set(ITK_EINVALID, "ssh-ed25519 public key is truncated");
        if (alen != ED25519_PK_LEN)
            return itk_error_set(ITK_EINVALID,
                                 "ssh-ed25519 public key is %zu bytes long (expected 32)", alen);
        if (rd_done(&r))
            return itk_error_set(ITK_EINVALID, "ssh-ed25519 public key has %zu trailing bytes",
                                 r.left);
        if ((rc = evp_ed25519(&pkey, a)) != 0)
            return rc;
        break;
    case ITK_KEY_ECDSA:
        if (rd_string(&r, &a, &alen) || rd_string(&r, &b, &blen))
            return itk_error_set(ITK_EINVALID, "%s public key is truncated", kt->name);
        if (!mem_eq(a, alen, kt->curve)) {
            char shown[80];
            itk_printable(shown, sizeof(shown), a, alen);
            return itk_error_set(ITK_EINVALID, "%s public key names the curve '%s' (expected %s)",
                                 kt->name, shown, kt->curve);
        }
        if (blen != kt->point_len || b[0] != 0x04)
            return itk_error_set(ITK_EINVALID,
                                 "%s public key is not an uncompressed %zu-byte point", kt->name,
                                 kt->point_len);
        if (rd_done(&r))
            return itk_error_set(ITK_EINVALID, "%s public key has %zu trailing bytes", kt->name,
                                 r.left);
        if ((rc = evp_ecdsa(&pkey, kt, b, blen)) != 0)
            return rc;
        break;
    default: /* ITK_KEY_RSA: e, then n */
        if ((rc = rd_mpint(&r, &a, &alen)) != 0 || (rc = rd_mpint(&r, &b, &blen)) != 0)
            return rc == -1 ? itk_error_set(ITK_EINVALID, "ssh-rsa public key is truncated")
                            : itk_error_set(ITK_EINVALID, "ssh-rsa public key is malformed "
                                                          "(negative or padded number)");
        if (rd_done(&r))
            return itk_error_set(ITK_EINVALID, "ssh-rsa public key has %zu trailing bytes", r.left);
        if (alen == 0 || alen > ITK_MAX_BIGNUM_BYTES || (a[alen - 1] & 1) == 0 ||
            (alen == 1 && a[0] == 1))
            return itk_error_set(ITK_EINVALID, "ssh-rsa public key has an invalid exponent");
        if (blen > ITK_MAX_BIGNUM_BYTES || blen == 0)
            return itk_error_set(ITK_EINVALID, "ssh-rsa modulus of %zu bytes is out of range",
                                 blen);
        bits = bit_length(b, blen);
        if (bits < RSA_MIN_BITS)
            return itk_error_set(ITK_EINVALID,
                                 "ssh-rsa key of %u bits is too small (the minimum is %d)", bits,
                                 RSA_MIN_BITS);
        if ((rc = evp_rsa(&pkey, a, alen, b, blen)) != 0)
            return rc;
        break;
    }

    itk_pubkey *key = itk_calloc(1, sizeof(*key));
    if (!key || !(key->blob = itk_malloc(len)) || !(key->comment = itk_strdup(""))) {
        if (key)
            free(key->blob);
        free(key);
        EVP_PKEY_free(pkey);
        return ITK_ENOMEM;
    }
    memcpy(key->blob, blob, len);
    key->blob_len = len;
    key->kt = kt;
    key->bits = bits;
    key->pkey = pkey;
    *out = key;
    return 0;
}

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t';
}

int itk_pubkey_from_line(itk_pubkey **out, const char *line, size_t len)
{
    const unsigned char *s = (const unsigned char *)line;
    size_t i = 0, type_at, type_len, b64_at, b64_len, comment_at, end = len;
    itk_pubkey *key = NULL;
    int rc;

    *out = NULL;
    if (len > ITK_MAX_KEY_FILE_BYTES)
        return itk_error_set(ITK_ETOOBIG, "public key line of %zu bytes is over the limit of %d",
                             len, ITK_MAX_KEY_FILE_BYTES);
    /* one line: trailing whitespace and line end are dropped */
    while (end > 0 && (is_blank(s[end - 1]) || s[end - 1] == '\n' || s[end - 1] == '\r'))
        end--;
    for (size_t k = 0; k < end; k++) {
        if (s[k] == '\n')
            return itk_error_set(ITK_EINVALID,
                                 "public key has more than one line (expected \"TYPE BASE64 "
                                 "[COMMENT]\")");
        if ((s[k] < 0x20 && s[k] != '\t') || s[k] == 0x7f)
            return itk_error_set(ITK_EINVALID,
                                 "public key line contains a control character (0x%02x)", s[k]);
    }
    while (i < end && is_blank(s[i]))
        i++;
    type_at = i;
    while (i < end && !is_blank(s[i]))
        i++;
    type_len = i - type_at;
    while (i < end && is_blank(s[i]))
        i++;
    b64_at = i;
    while (i < end && !is_blank(s[i]))
        i++;
    b64_len = i - b64_at;
    while (i < end && is_blank(s[i]))
        i++;
    comment_at = i;

    if (type_len == 0)
        return itk_error_set(ITK_EINVALID, "public key line is empty");
    const key_type *kt = find_type(&s[type_at], type_len);
    if (!kt)
        return unknown_type(&s[type_at], type_len);
    if (b64_len == 0)
        return itk_error_set(ITK_EINVALID, "%s public key line has no key data after the type",
                             kt->name);

    size_t cap = itk_base64_decoded_max(b64_len), blob_len;
    unsigned char *blob = itk_malloc(cap);
    if (!blob)
        return ITK_ENOMEM;
    if (itk_base64_decode(blob, cap, &blob_len, &line[b64_at], b64_len) != 0) {
        rc = itk_error_set(ITK_EINVALID, "%s public key line has corrupt base64", kt->name);
        goto out;
    }
    if ((rc = itk_pubkey_from_blob(&key, blob, blob_len)) != 0)
        goto out;
    if (key->kt != kt) {
        rc = itk_error_set(ITK_EINVALID,
                           "public key line says '%s' but its key data is of type '%s'", kt->name,
                           key->kt->name);
        goto out;
    }
    free(key->comment);
    if ((rc = itk_cstr_copy(&key->comment, &line[comment_at], end - comment_at,
                            ITK_MAX_KEY_FILE_BYTES, "public key comment")) != 0)
        goto out;
    *out = key;
    key = NULL;
out:
    itk_pubkey_free(key);
    free(blob);
    return rc;
}

static int is_pem_private(const void *data, size_t len);

/* A public key given as text: one line, or an RFC 4716 or other file we
 * name; path is used in messages. */
static int pubkey_from_text(itk_pubkey **out, const void *data, size_t len, const char *path)
{
    int rc;
    if (starts_with(data, len, "---- BEGIN SSH2 PUBLIC KEY ----"))
        return itk_error_set(ITK_EUNSUPPORTED,
                             "%s is an RFC 4716 (SSH2) public key; convert it to OpenSSH's format "
                             "with `ssh-keygen -i -f %s`",
                             path, path);
    if (starts_with(data, len, "-----BEGIN ") || starts_with(data, len, "PuTTY-User-Key-File-"))
        return itk_error_set(
            ITK_EUNSUPPORTED,
            "%s is neither an OpenSSH public key (\"ssh-ed25519 AAAA... comment\") "
            "nor a private key (OpenSSH, PEM or PKCS#8)",
            path);
    if ((rc = itk_pubkey_from_line(out, data, len)) != 0)
        return itk_error_prefix(rc, "%s", path);
    return 0;
}

/* The public key beside a key file: path.pub. */
static int pubkey_beside(itk_pubkey **out, const char *path)
{
    itk_buf pubpath = ITK_BUF_INIT, data = ITK_BUF_INIT;
    int rc = itk_buf_printf(&pubpath, "%s.pub", path);
    if (rc == 0 && (rc = itk_buf_read_file(&data, pubpath.ptr, ITK_MAX_KEY_FILE_BYTES)) == 0)
        rc = pubkey_from_text(out, data.ptr, data.size, pubpath.ptr);
    itk_buf_dispose(&pubpath);
    itk_buf_dispose(&data);
    return rc;
}

int itk_pubkey_read_file(itk_pubkey **out, const char *path)
{
    itk_buf data = ITK_BUF_INIT;
    int rc;

    *out = NULL;
    if ((rc = itk_buf_read_file(&data, path, ITK_MAX_KEY_FILE_BYTES)) != 0)
        goto out;
    if (starts_with(data.ptr, data.size, PRIV_BEGIN) || is_pem_private(data.ptr, data.size)) {
        rc = itk_pubkey_from_private_data(out, data.ptr, data.size, path);
        /* an encrypted PEM file hides its public part too: FILE.pub names it */
        if (rc == ITK_EENCRYPTED && pubkey_beside(out, path) != 0)
            rc = itk_error_set(ITK_EENCRYPTED,
                               "%s is protected by a passphrase and, being PEM/PKCS#8, does not "
                               "show its public key without it (itaku never asks for one): put "
                               "the public key beside it as %s.pub (`ssh-keygen -y -f %s > "
                               "%s.pub`) and load the key into ssh-agent with `ssh-add %s`",
                               path, path, path, path, path);
        else if (rc == ITK_EENCRYPTED)
            rc = 0;
    } else {
        rc = pubkey_from_text(out, data.ptr, data.size, path);
    }
out:
    itk_buf_dispose_secret(&data);
    return rc;
}

int itk_pubkey_dup(itk_pubkey **out, const itk_pubkey *key)
{
    itk_pubkey *k = itk_calloc(1, sizeof(*k));
    *out = NULL;
    if (!k || !(k->blob = itk_malloc(key->blob_len)) || !(k->comment = itk_strdup(key->comment)) ||
        EVP_PKEY_up_ref(key->pkey) != 1) {
        if (k) {
            free(k->blob);
            free(k->comment);
        }
        free(k);
        return itk_error_nomem();
    }
    memcpy(k->blob, key->blob, key->blob_len);
    k->blob_len = key->blob_len;
    k->kt = key->kt;
    k->bits = key->bits;
    k->pkey = key->pkey;
    *out = k;
    return 0;
}

void itk_pubkey_free(itk_pubkey *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey);
    free(key->blob);
    free(key->comment);
    free(key);
}

const char *itk_pubkey_type(const itk_pubkey *key)
{
    return key->kt->name;
}

const char *itk_pubkey_comment(const itk_pubkey *key)
{
    return key->comment;
}

const unsigned char *itk_pubkey_blob(const itk_pubkey *key, size_t *len)
{
    *len = key->blob_len;
    return key->blob;
}

unsigned itk_pubkey_bits(const itk_pubkey *key)
{
    return key->bits;
}

int itk_pubkey_equal(const itk_pubkey *a, const itk_pubkey *b)
{
    return a->blob_len == b->blob_len && memcmp(a->blob, b->blob, a->blob_len) == 0;
}

int itk_pubkey_kind(const itk_pubkey *key)
{
    return key->kt->kind;
}

EVP_PKEY *itk_pubkey_evp(const itk_pubkey *key)
{
    return key->pkey;
}

const EVP_MD *itk_pubkey_ecdsa_md(const itk_pubkey *key)
{
    return key->kt->md ? key->kt->md() : NULL;
}

int itk_pubkey_set_comment(itk_pubkey *key, const char *comment)
{
    char *c = itk_strdup(comment);
    if (!c)
        return ITK_ENOMEM;
    free(key->comment);
    key->comment = c;
    return 0;
}

int itk_pubkey_fingerprint(itk_buf *out, const itk_pubkey *key)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    int rc;
    itk_buf_clear(out);
    if (EVP_Digest(key->blob, key->blob_len, md, &mdlen, EVP_sha256(), NULL) != 1)
        return openssl_error(ITK_ERROR, "SHA-256 failed");
    if ((rc = itk_buf_puts(out, "SHA256:")) != 0 || (rc = itk_base64_encode(out, md, mdlen)) != 0)
        return rc;
    /* ssh-keygen drops the padding */
    while (out->size > 0 && out->ptr[out->size - 1] == '=')
        out->ptr[--out->size] = '\0';
    return 0;
}

int itk_pubkey_format(itk_buf *out, const itk_pubkey *key)
{
    int rc;
    itk_buf_clear(out);
    if ((rc = itk_buf_puts(out, key->kt->name)) != 0 || (rc = itk_buf_putc(out, ' ')) != 0)
        return rc;
    return itk_base64_encode(out, key->blob, key->blob_len);
}

int itk_pubkey_describe(itk_buf *out, const itk_pubkey *key)
{
    itk_buf fpr = ITK_BUF_INIT;
    int rc = itk_pubkey_fingerprint(&fpr, key);
    if (rc == 0) {
        itk_buf_clear(out);
        rc = itk_buf_printf(out, "%u %s %s (%s)", key->bits, fpr.ptr,
                            key->comment[0] ? key->comment : "no comment", key->kt->label);
    }
    itk_buf_dispose(&fpr);
    return rc;
}

/* ---- private keys (openssh-key-v1, PROTOCOL.key; PEM and PKCS#8) ---- */

static const char *const pem_labels[] = {
    "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----",
    "-----BEGIN PRIVATE KEY-----",     "-----BEGIN ENCRYPTED PRIVATE KEY-----",
    "-----BEGIN DSA PRIVATE KEY-----",
};

/* A PEM private key (PKCS#1, SEC 1, PKCS#8), after optional blank lines. */
static int is_pem_private(const void *data, size_t len)
{
    const char *s = data;
    size_t i = 0;
    while (i < len && (s[i] == '\n' || s[i] == '\r' || s[i] == ' ' || s[i] == '\t'))
        i++;
    for (size_t k = 0; k < sizeof(pem_labels) / sizeof(pem_labels[0]); k++)
        if (starts_with(&s[i], len - i, pem_labels[k]))
            return 1;
    return 0;
}

static int other_format(const void *data, size_t len, const char *name)
{
    if (starts_with(data, len, "PuTTY-User-Key-File-"))
        return itk_error_set(ITK_EUNSUPPORTED,
                             "%s is a PuTTY key; itaku reads OpenSSH, PEM and PKCS#8 private keys: "
                             "export it from PuTTYgen with \"Export OpenSSH key (force new file "
                             "format)\"",
                             name);
    if (starts_with(data, len, "ssh-") || starts_with(data, len, "ecdsa-"))
        return itk_error_set(ITK_EINVALID,
                             "%s is a public key; expected a private key "
                             "(-----BEGIN OPENSSH PRIVATE KEY-----, or PEM/PKCS#8)",
                             name);
    return itk_error_set(ITK_EINVALID,
                         "%s is not a private key (expected a line "
                         "-----BEGIN OPENSSH PRIVATE KEY----- or a PEM/PKCS#8 private key)",
                         name);
}

static int encrypted_error(const char *name)
{
    return itk_error_set(
        ITK_EENCRYPTED,
        "%s is protected by a passphrase; load it into ssh-agent with `ssh-add %s` "
        "(with SSH_AUTH_SOCK set) and try again (itaku never asks for a "
        "passphrase)",
        name, name);
}

/* Checks that the private key gives the public key the file claims (for an
 * openssh-key-v1 file, the public blob; for PEM, nothing) and, for EC and
 * RSA, that its parts fit together (OpenSSL's pairwise check). */
static int check_pair(EVP_PKEY *pkey, const itk_pubkey *claimed, const char *name)
{
    itk_buf blob = ITK_BUF_INIT;
    int rc = blob_from_evp(&blob, pkey, name);
    if (rc == 0 && claimed &&
        (blob.size != claimed->blob_len || memcmp(blob.ptr, claimed->blob, blob.size) != 0))
        rc = itk_error_set(ITK_EINVALID, "%s: the private key does not match its public key", name);
    itk_buf_dispose(&blob);
    if (rc || EVP_PKEY_get_base_id(pkey) == EVP_PKEY_ED25519)
        return rc;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    int ok =
        ctx && (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA ? EVP_PKEY_private_check(ctx)
                                                           : EVP_PKEY_pairwise_check(ctx)) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok)
        return openssl_error(ITK_EINVALID, "the private key's parts do not fit together");
    return 0;
}

/* What the private section of an unencrypted file holds; the pointers are
 * into the decoded file. */
typedef struct {
    char *comment;
    unsigned char seed[32];    /* Ed25519 */
    const unsigned char *f[6]; /* ECDSA: point, scalar; RSA: n e d iqmp p q */
    size_t flen[6];
} priv_fields;

static int parse_private_section(priv_fields *f, const unsigned char *sec, size_t len,
                                 const itk_pubkey *pub, const char *name)
{
    itk_reader r;
    uint32_t check1, check2;
    const unsigned char *type, *pk, *sk, *p;
    size_t type_len, pk_len, sk_len, plen;
    uint8_t pad, expect = 1;
    unsigned char raw[ED25519_PK_LEN];

    if (len % 8 != 0)
        return itk_error_set(ITK_EINVALID,
                             "%s: private section of %zu bytes is not a multiple of 8", name, len);
    rd_init(&r, sec, len);
    if (rd_u32(&r, &check1) || rd_u32(&r, &check2) || rd_string(&r, &type, &type_len))
        return itk_error_set(ITK_EINVALID, "%s: private section is truncated", name);
    if (check1 != check2)
        return itk_error_set(ITK_EINVALID, "%s: private section is corrupt (check bytes differ)",
                             name);
    if (!mem_eq(type, type_len, pub->kt->name)) {
        char shown[80];
        itk_printable(shown, sizeof(shown), type, type_len);
        return itk_error_set(ITK_EINVALID,
                             "%s: private key type '%s' does not match its public key '%s'", name,
                             shown, pub->kt->name);
    }
    switch (pub->kt->kind) {
    case ITK_KEY_ED25519:
        if (rd_string(&r, &pk, &pk_len) || rd_string(&r, &sk, &sk_len))
            return itk_error_set(ITK_EINVALID, "%s: private section is truncated", name);
        if (ed25519_raw(pub, raw) != 0)
            return ITK_ERROR;
        /* sk is seed || pk */
        if (pk_len != ED25519_PK_LEN || sk_len != ED25519_SK_LEN ||
            memcmp(pk, raw, ED25519_PK_LEN) != 0 || memcmp(&sk[32], pk, ED25519_PK_LEN) != 0)
            return itk_error_set(ITK_EINVALID,
                                 "%s: Ed25519 private key does not match its public key", name);
        memcpy(f->seed, sk, 32);
        break;
    case ITK_KEY_ECDSA: /* curve, point, scalar */
        if (rd_string(&r, &p, &plen) || rd_string(&r, &f->f[0], &f->flen[0]) ||
            rd_mpint(&r, &f->f[1], &f->flen[1]))
            return itk_error_set(ITK_EINVALID, "%s: private section is truncated or malformed",
                                 name);
        if (!mem_eq(p, plen, pub->kt->curve) || f->flen[1] == 0 ||
            f->flen[1] > (pub->kt->point_len - 1) / 2)
            return itk_error_set(ITK_EINVALID, "%s: ECDSA private key does not fit its curve %s",
                                 name, pub->kt->curve);
        break;
    default: /* RSA: n, e, d, iqmp, p, q */
        for (int i = 0; i < 6; i++)
            if (rd_mpint(&r, &f->f[i], &f->flen[i]) || f->flen[i] > ITK_MAX_BIGNUM_BYTES)
                return itk_error_set(ITK_EINVALID, "%s: private section is truncated or malformed",
                                     name);
        break;
    }
    /* f->comment is freed by the caller, also when this fails */
    int rc = rd_cstring(&r, &f->comment, ITK_MAX_KEY_FILE_BYTES, "key comment");
    if (rc)
        return rc == ITK_ENOMEM ? rc : itk_error_set(rc, "%s: %s", name, itk_error_last());
    while (rd_u8(&r, &pad) == 0)
        if (pad != expect++)
            return itk_error_set(ITK_EINVALID, "%s: private section has invalid padding", name);
    return 0;
}

/* The OpenSSL key of an unencrypted openssh-key-v1 private section. */
static int private_evp(EVP_PKEY **out, const priv_fields *f, const itk_pubkey *pub,
                       const char *name)
{
    int rc = 0;
    *out = NULL;
    switch (pub->kt->kind) {
    case ITK_KEY_ED25519:
        if (!(*out =
                  EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, f->seed, sizeof(f->seed))))
            rc = openssl_error(ITK_EINVALID, "invalid Ed25519 private key");
        break;
    case ITK_KEY_ECDSA:
        rc = evp_ecdsa_private(out, pub->kt, f->f[0], f->flen[0], f->f[1], f->flen[1]);
        break;
    default: rc = evp_rsa_private(out, f->f, f->flen); break;
    }
    if (rc == 0 && (rc = check_pair(*out, pub, name)) != 0) {
        EVP_PKEY_free(*out);
        *out = NULL;
    }
    return rc == 0 || rc == ITK_ENOMEM ? rc : itk_error_prefix(rc, "%s", name);
}

static int privkey_new(itk_privkey **out, itk_pubkey *pub, EVP_PKEY *pkey)
{
    itk_privkey *k = itk_calloc(1, sizeof(*k));
    int rc;
    *out = NULL;
    if (!k)
        return ITK_ENOMEM;
    if ((rc = itk_pubkey_dup(&k->pub, pub)) != 0) {
        free(k);
        return rc;
    }
    k->pkey = pkey;
    *out = k;
    return 0;
}

/* OpenSSL's passphrase callback: itaku never prompts; being asked means the
 * file is encrypted. */
static int no_passphrase(char *buf, int size, int rwflag, void *asked)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    *(int *)asked = 1;
    return -1;
}

/* A PEM private key (PKCS#1 RSA, SEC 1 EC, PKCS#8 of any of the three),
 * parsed by OpenSSL from a read-only memory BIO over the bounded input. */
static int parse_pem(itk_pubkey **pub, itk_privkey **priv, const void *data, size_t len,
                     const char *name)
{
    itk_buf blob = ITK_BUF_INIT;
    itk_pubkey *key = NULL;
    int asked = 0, rc;
    BIO *bio = BIO_new_mem_buf(data, (int)len); /* len <= ITK_MAX_KEY_FILE_BYTES */
    if (!bio)
        return itk_error_nomem();
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, &asked);
    BIO_free(bio);
    if (!pkey) {
        if (asked) {
            ERR_clear_error();
            return encrypted_error(name);
        }
        char what[1200];
        snprintf(what, sizeof(what),
                 "%s is not a readable PEM private key (is the file cut short or damaged? "
                 "export the key again, or check it with `ssh-keygen -y -f %s`)",
                 name, name);
        return openssl_error(ITK_EINVALID, what);
    }
    if ((rc = check_pair(pkey, NULL, name)) != 0) {
        if (rc != ITK_ENOMEM && rc != ITK_EUNSUPPORTED)
            rc = itk_error_prefix(rc, "%s", name);
        goto out;
    }
    if ((rc = blob_from_evp(&blob, pkey, name)) != 0)
        goto out;
    if ((rc = itk_pubkey_from_blob(&key, blob.ptr, blob.size)) != 0) {
        rc = itk_error_prefix(rc, "%s", name);
        goto out;
    }
    if (priv) {
        if ((rc = privkey_new(priv, key, pkey)) != 0)
            goto out;
        pkey = NULL;
    }
    *pub = key;
    key = NULL;
out:
    EVP_PKEY_free(pkey);
    itk_pubkey_free(key);
    itk_buf_dispose(&blob);
    return rc;
}

/* Parses a whole key file. With priv NULL only the public part (and, when
 * the file is not encrypted, its comment) is wanted. */
static int parse_private(itk_pubkey **pub, itk_privkey **priv, const void *data, size_t len,
                         const char *name)
{
    unsigned char *bin = NULL;
    size_t bin_len = 0;
    itk_reader r;
    const unsigned char *magic, *cipher, *kdf, *kdfopts, *pubblob, *sec;
    size_t cipher_len, kdf_len, kdfopts_len, pubblob_len, sec_len;
    uint32_t nkeys;
    itk_pubkey *key = NULL;
    priv_fields f;
    EVP_PKEY *pkey = NULL;
    char what[600];
    int rc;

    memset(&f, 0, sizeof(f));
    *pub = NULL;
    if (priv)
        *priv = NULL;
    if (len > ITK_MAX_KEY_FILE_BYTES)
        return itk_error_set(ITK_ETOOBIG, "%s is larger than the limit of %d bytes", name,
                             ITK_MAX_KEY_FILE_BYTES);
    if (is_pem_private(data, len))
        return parse_pem(pub, priv, data, len, name);
    if (!starts_with(data, len, PRIV_BEGIN))
        return other_format(data, len, name);
    snprintf(what, sizeof(what), "private key %s", name);
    if ((rc = itk_armor_decode(&bin, &bin_len, data, len, PRIV_BEGIN, PRIV_END, what)) != 0)
        return rc;

    rd_init(&r, bin, bin_len);
    if (rd_bytes(&r, &magic, PRIV_MAGIC_LEN) || memcmp(magic, PRIV_MAGIC, PRIV_MAGIC_LEN) != 0) {
        rc = itk_error_set(ITK_EINVALID, "%s: not in openssh-key-v1 format (bad magic)", name);
        goto out;
    }
    if (rd_string(&r, &cipher, &cipher_len) || rd_string(&r, &kdf, &kdf_len) ||
        rd_string(&r, &kdfopts, &kdfopts_len) || rd_u32(&r, &nkeys)) {
        rc = itk_error_set(ITK_EINVALID, "%s: private key header is truncated", name);
        goto out;
    }
    if (nkeys != 1) {
        rc =
            itk_error_set(ITK_EUNSUPPORTED, "%s holds %u keys (expected exactly one)", name, nkeys);
        goto out;
    }
    if (rd_string(&r, &pubblob, &pubblob_len) || rd_string(&r, &sec, &sec_len)) {
        rc = itk_error_set(ITK_EINVALID, "%s: private key file is truncated", name);
        goto out;
    }
    if (rd_done(&r)) {
        rc = itk_error_set(ITK_EINVALID, "%s: private key file has %zu trailing bytes", name,
                           r.left);
        goto out;
    }
    if ((rc = itk_pubkey_from_blob(&key, pubblob, pubblob_len)) != 0) {
        rc = itk_error_prefix(rc, "%s", name);
        goto out;
    }
    if (!mem_eq(cipher, cipher_len, "none")) {
        if (priv) {
            rc = encrypted_error(name);
            goto out;
        }
        *pub = key; /* the comment is encrypted too */
        key = NULL;
        goto out;
    }
    if (!mem_eq(kdf, kdf_len, "none") || kdfopts_len != 0) {
        rc = itk_error_set(ITK_EINVALID, "%s: unencrypted key names a key derivation", name);
        goto out;
    }
    if ((rc = parse_private_section(&f, sec, sec_len, key, name)) != 0)
        goto out;
    free(key->comment);
    key->comment = f.comment;
    f.comment = NULL;

    if (priv) {
        if ((rc = private_evp(&pkey, &f, key, name)) != 0 ||
            (rc = privkey_new(priv, key, pkey)) != 0)
            goto out;
        pkey = NULL;
    }
    *pub = key;
    key = NULL;
out:
    EVP_PKEY_free(pkey);
    itk_pubkey_free(key);
    free(f.comment);
    OPENSSL_cleanse(&f, sizeof(f));
    if (bin) {
        OPENSSL_cleanse(bin, bin_len);
        free(bin);
    }
    return rc;
}

int itk_pubkey_from_private_data(itk_pubkey **out, const void *data, size_t len, const char *name)
{
    return parse_private(out, NULL, data, len, name);
}

int itk_privkey_parse(itk_privkey **out, const void *data, size_t len, const char *name)
{
    itk_pubkey *pub = NULL;
    int rc = parse_private(&pub, out, data, len, name ? name : "private key");
    itk_pubkey_free(pub);
    return rc;
}

int itk_privkey_read_file(itk_privkey **out, const char *path)
{
    itk_buf data = ITK_BUF_INIT;
    int rc;
    *out = NULL;
    if ((rc = itk_buf_read_file(&data, path, ITK_MAX_KEY_FILE_BYTES)) == 0)
        rc = itk_privkey_parse(out, data.ptr, data.size, path);
    itk_buf_dispose_secret(&data);
    return rc;
}

static int ed25519_blob(itk_buf *out, const unsigned char *pk)
{
    int rc = wr_cstring(out, "ssh-ed25519");
    return rc ? rc : wr_string(out, pk, ED25519_PK_LEN);
}

int itk_privkey_generate_ed25519(itk_privkey **out, const char *comment)
{
    unsigned char pk[ED25519_PK_LEN];
    size_t pk_len = sizeof(pk);
    itk_buf blob = ITK_BUF_INIT;
    itk_privkey *k = NULL;
    int rc;

    *out = NULL;
    if (!comment)
        comment = "";
    if (strlen(comment) > MAX_COMMENT_BYTES)
        return itk_error_set(ITK_EINVALID, "key comment is longer than %d bytes",
                             MAX_COMMENT_BYTES);
    for (size_t i = 0; comment[i]; i++)
        if ((unsigned char)comment[i] < 0x20 || comment[i] == 0x7f)
            return itk_error_set(ITK_EINVALID, "key comment contains a control character");
    if (!(k = itk_calloc(1, sizeof(*k))))
        return ITK_ENOMEM;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &k->pkey) != 1 ||
        EVP_PKEY_get_raw_public_key(k->pkey, pk, &pk_len) != 1 || pk_len != sizeof(pk)) {
        rc = openssl_error(ITK_ERROR, "Ed25519 key generation failed");
        goto out;
    }
    if ((rc = ed25519_blob(&blob, pk)) != 0 ||
        (rc = itk_pubkey_from_blob(&k->pub, blob.ptr, blob.size)) != 0 ||
        (rc = itk_pubkey_set_comment(k->pub, comment)) != 0)
        goto out;
    *out = k;
    k = NULL;
out:
    EVP_PKEY_CTX_free(ctx);
    itk_privkey_free(k);
    itk_buf_dispose(&blob);
    return rc;
}

/* Grows an empty buffer to n bytes before secrets go in, so that no
 * realloc leaves an unwiped copy of them behind. */
static int reserve(itk_buf *b, size_t n)
{
    static const char zeros[256];
    int rc;
    while (b->asize < n + 1)
        if ((rc = itk_buf_put(b, zeros, sizeof(zeros))) != 0)
            return rc;
    itk_buf_clear(b);
    return 0;
}

/* The file ssh-keygen writes for an unencrypted Ed25519 key. */
static int private_file_text(itk_buf *text, const itk_privkey *key)
{
    unsigned char seed[32], pk[ED25519_PK_LEN];
    size_t seed_len = sizeof(seed), pk_len = sizeof(pk);
    unsigned char check[4];
    itk_buf sec = ITK_BUF_INIT, bin = ITK_BUF_INIT;
    const itk_pubkey *pub = key->pub;
    int rc;

    if (strlen(pub->comment) > MAX_COMMENT_BYTES) {
        rc = itk_error_set(ITK_EINVALID, "key comment is longer than %d bytes", MAX_COMMENT_BYTES);
        goto out;
    }
    /* section and file: about 200 + comment bytes; text: 4/3 of that */
    if ((rc = reserve(&sec, 2048)) || (rc = reserve(&bin, 2048)) || (rc = reserve(text, 4096)))
        goto out;
    if (EVP_PKEY_get_raw_private_key(key->pkey, seed, &seed_len) != 1 || seed_len != 32 ||
        EVP_PKEY_get_raw_public_key(key->pkey, pk, &pk_len) != 1 || pk_len != sizeof(pk) ||
        RAND_bytes(check, sizeof(check)) != 1) {
        rc = openssl_error(ITK_ERROR, "cannot export the Ed25519 key");
        goto out;
    }
    if ((rc = itk_buf_put(&sec, check, 4)) || (rc = itk_buf_put(&sec, check, 4)) ||
        (rc = wr_cstring(&sec, "ssh-ed25519")) || (rc = wr_string(&sec, pk, sizeof(pk))) ||
        (rc = wr_u32(&sec, 64)) || (rc = itk_buf_put(&sec, seed, 32)) ||
        (rc = itk_buf_put(&sec, pk, 32)) || (rc = wr_cstring(&sec, pub->comment)))
        goto out;
    for (unsigned char i = 1; sec.size % 8 != 0; i++)
        if ((rc = itk_buf_putc(&sec, (char)i)) != 0)
            goto out;
    if ((rc = itk_buf_put(&bin, PRIV_MAGIC, PRIV_MAGIC_LEN)) || (rc = wr_cstring(&bin, "none")) ||
        (rc = wr_cstring(&bin, "none")) || (rc = wr_string(&bin, NULL, 0)) ||
        (rc = wr_u32(&bin, 1)) || (rc = wr_string(&bin, pub->blob, pub->blob_len)) ||
        (rc = wr_string(&bin, sec.ptr, sec.size)))
        goto out;
    if ((rc = itk_buf_puts(text, PRIV_BEGIN "\n")) ||
        (rc = itk_base64_encode_wrapped(text, bin.ptr, bin.size, 70)) ||
        (rc = itk_buf_puts(text, "\n" PRIV_END "\n")))
        goto out;
out:
    OPENSSL_cleanse(seed, sizeof(seed));
    itk_buf_dispose_secret(&sec);
    itk_buf_dispose_secret(&bin);
    return rc;
}

static int write_new_file(const char *path, const void *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return itk_error_set(errno == EEXIST ? ITK_EEXISTS : ITK_EIO, "cannot create %s: %s", path,
                             strerror(errno));
    const char *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, &p[done], len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            close(fd);
            unlink(path);
            return itk_error_set(ITK_EIO, "cannot write %s: %s", path, strerror(e));
        }
        done += (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(path);
        return itk_error_set(ITK_EIO, "cannot write %s: %s", path, strerror(e));
    }
    return 0;
}

int itk_privkey_write_files(const itk_privkey *key, const char *path)
{
    itk_buf text = ITK_BUF_INIT, pubtext = ITK_BUF_INIT, pubpath = ITK_BUF_INIT;
    struct stat st;
    int rc;

    if ((rc = itk_buf_printf(&pubpath, "%s.pub", path)) != 0)
        goto out;
    if (lstat(path, &st) == 0 || lstat(pubpath.ptr, &st) == 0) {
        rc = itk_error_set(ITK_EEXISTS, "refusing to overwrite %s",
                           lstat(path, &st) == 0 ? path : pubpath.ptr);
        goto out;
    }
    if ((rc = private_file_text(&text, key)) != 0 ||
        (rc = itk_pubkey_format(&pubtext, key->pub)) != 0)
        goto out;
    /* as ssh-keygen: the space is there even when the comment is empty */
    if ((rc = itk_buf_printf(&pubtext, " %s", key->pub->comment)) ||
        (rc = itk_buf_putc(&pubtext, '\n')))
        goto out;
    if ((rc = write_new_file(path, text.ptr, text.size, 0600)) != 0)
        goto out;
    if ((rc = write_new_file(pubpath.ptr, pubtext.ptr, pubtext.size, 0644)) != 0) {
        unlink(path);
        goto out;
    }
out:
    itk_buf_dispose_secret(&text);
    itk_buf_dispose(&pubtext);
    itk_buf_dispose(&pubpath);
    return rc;
}

const itk_pubkey *itk_privkey_public(const itk_privkey *key)
{
    return key->pub;
}

EVP_PKEY *itk_privkey_evp(const itk_privkey *key)
{
    return key->pkey;
}

void itk_privkey_free(itk_privkey *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey); /* OpenSSL wipes the key material it frees */
    itk_pubkey_free(key->pub);
    OPENSSL_cleanse(key, sizeof(*key));
    free(key);
}

/* ---- public keys given by people ---- */

static int contains(const void *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    const char *s = data;
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (s[i] == needle[0] && memcmp(&s[i], needle, n) == 0)
            return 1;
    return 0;
}

static int holds_private(const void *data, size_t len)
{
    static const char *const marks[] = {"PRIVATE KEY", "PuTTY-User-Key-File-", "PRIVATE-KEY"};
    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
        if (contains(data, len, marks[i]))
            return 1;
    return 0;
}

static int refuse_private(const char *what)
{
    return itk_error_set(ITK_EINVALID,
                         "%s is a PRIVATE key, where a public key is asked for: never send, paste "
                         "or share a private key (whoever holds it can sign as you). Give its "
                         "public key instead: the .pub file, or the line `ssh-keygen -y -f FILE` "
                         "prints",
                         what);
}

int itk_pubkey_canonical_line(itk_buf *out, itk_pubkey **key, const char *text, size_t len,
                              const char *what)
{
    itk_pubkey *k = NULL;
    int rc;
    if (key)
        *key = NULL;
    if (holds_private(text, len))
        return refuse_private(what);
    if ((rc = itk_pubkey_from_line(&k, text, len)) != 0)
        return itk_error_prefix(rc, "%s", what);
    if (out && (rc = itk_pubkey_format(out, k)) != 0) {
        itk_pubkey_free(k);
        return rc;
    }
    if (key)
        *key = k;
    else
        itk_pubkey_free(k);
    return 0;
}

int itk_pubkey_read_public(itk_pubkey **out, const char *path)
{
    itk_buf data = ITK_BUF_INIT;
    int rc;
    *out = NULL;
    if ((rc = itk_buf_read_file(&data, path, ITK_MAX_KEY_FILE_BYTES)) != 0)
        goto out;
    if (holds_private(data.ptr, data.size))
        rc = refuse_private(path);
    else if (starts_with(data.ptr, data.size, "-----BEGIN ") ||
             starts_with(data.ptr, data.size, "---- BEGIN "))
        rc = pubkey_from_text(out, data.ptr, data.size, path);
    else
        rc = itk_pubkey_canonical_line(NULL, out, data.ptr, data.size, path);
out:
    itk_buf_dispose_secret(&data);
    return rc;
}

/* The first line of text that holds something: not blank, not a '#' comment. */
static int first_key_line(const char **line, size_t *len, const char *text, size_t size)
{
    size_t i = 0;
    while (i < size) {
        size_t end = i;
        while (end < size && text[end] != '\n')
            end++;
        size_t k = i;
        while (k < end && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
            k++;
        if (k < end && text[k] != '#') {
            *line = &text[i];
            *len = end - i;
            return 0;
        }
        i = end + 1;
    }
    return -1;
}

int itk_key_file_describe(itk_buf *out, itk_pubkey **key, const char *path)
{
    itk_buf data = ITK_BUF_INIT, pubdata = ITK_BUF_INIT, pubpath = ITK_BUF_INIT;
    itk_buf fpr = ITK_BUF_INIT;
    itk_pubkey *pub = NULL, *privpub = NULL;
    itk_privkey *priv = NULL;
    char *comment = NULL; /* NULL: "no comment", as ssh-keygen prints it */
    int named = 0;        /* comment is path.pub's name, not a comment */
    const char *line;
    size_t line_len;
    int rc;

    *key = NULL;
    if ((rc = itk_buf_read_file(&data, path, ITK_MAX_KEY_FILE_BYTES)) != 0)
        goto out;
    size_t first = 0;
    while (first < data.size && data.ptr[first] != '\n')
        first++;
    if (contains(data.ptr, first, "PRIVATE KEY")) {
        /* ssh-keygen: FILE.pub and its comment (the .pub file's name when it
         * has none), else the public part of the private file; the private
         * file's own comment when no other was found */
        if ((rc = itk_buf_printf(&pubpath, "%s.pub", path)) != 0)
            goto out;
        if (itk_buf_read_file(&pubdata, pubpath.ptr, ITK_MAX_KEY_FILE_BYTES) == 0 &&
            !holds_private(pubdata.ptr, pubdata.size) &&
            first_key_line(&line, &line_len, pubdata.ptr, pubdata.size) == 0 &&
            itk_pubkey_from_line(&pub, line, line_len) == 0) {
            named = pub->comment[0] == '\0';
            if (!(comment = itk_strdup(pub->comment[0] ? pub->comment : pubpath.ptr))) {
                rc = ITK_ENOMEM;
                goto out;
            }
        } else if (starts_with(data.ptr, data.size, PRIV_BEGIN)) {
            itk_pubkey_free(pub);
            pub = NULL;
            (void)itk_pubkey_from_private_data(&pub, data.ptr, data.size, path);
        }
        if (!pub || !comment || !*comment) {
            free(comment);
            comment = NULL;
            named = 0;
            rc = itk_privkey_parse(&priv, data.ptr, data.size, path);
            if (rc == ITK_ENOMEM)
                goto out;
            if (rc == 0) {
                if ((rc = itk_pubkey_dup(&privpub, priv->pub)) != 0)
                    goto out;
                /* PEM keys have no comment */
                if (starts_with(data.ptr, data.size, PRIV_BEGIN) &&
                    !(comment = itk_strdup(priv->pub->comment))) {
                    rc = ITK_ENOMEM;
                    goto out;
                }
            } else if (!pub) {
                /* the reason the private key cannot be read (encrypted
                 * PEM: what to put beside it) */
                if (rc == ITK_EENCRYPTED && (rc = itk_pubkey_read_file(&pub, path)) == 0) {
                    itk_pubkey_free(pub); /* unreachable: FILE.pub was unreadable */
                    pub = NULL;
                    rc = encrypted_error(path);
                }
                goto out;
            }
        }
        if (!pub) {
            pub = privpub;
            privpub = NULL;
        }
    } else if (first_key_line(&line, &line_len, data.ptr, data.size) != 0) {
        rc = itk_error_set(ITK_EINVALID, "%s holds no key", path);
        goto out;
    } else if (holds_private(data.ptr, data.size)) {
        rc = refuse_private(path);
        goto out;
    } else {
        if ((rc = itk_pubkey_from_line(&pub, line, line_len)) != 0) {
            rc = itk_error_prefix(rc, "%s", path);
            goto out;
        }
        if (pub->comment[0] && pub->comment[0] != '#' && !(comment = itk_strdup(pub->comment))) {
            rc = ITK_ENOMEM;
            goto out;
        }
    }
    /* the key keeps the comment the user gave it (none: "") */
    if ((rc = itk_pubkey_set_comment(pub, comment && !named ? comment : "")) != 0 ||
        (rc = itk_pubkey_fingerprint(&fpr, pub)) != 0)
        goto out;
    itk_buf_clear(out);
    if ((rc = itk_buf_printf(out, "%u %s %s (%s)", pub->bits, fpr.ptr,
                             comment ? comment : "no comment", pub->kt->label)) != 0)
        goto out;
    *key = pub;
    pub = NULL;
out:
    free(comment);
    itk_pubkey_free(pub);
    itk_pubkey_free(privpub);
    itk_privkey_free(priv);
    itk_buf_dispose_secret(&data);
    itk_buf_dispose(&pubdata);
    itk_buf_dispose(&pubpath);
    itk_buf_dispose(&fpr);
    return rc;
}

int itk_key_file_is_private(const char *path)
{
    itk_buf data = ITK_BUF_INIT;
    int yes = 0;
    if (itk_buf_read_file(&data, path, ITK_MAX_KEY_FILE_BYTES) == 0) {
        size_t first = 0;
        while (first < data.size && data.ptr[first] != '\n')
            first++;
        yes = contains(data.ptr, first, "PRIVATE KEY") ||
              starts_with(data.ptr, data.size, "PuTTY-User-Key-File-");
    }
    itk_error_clear();
    itk_buf_dispose_secret(&data);
    return yes;
}
