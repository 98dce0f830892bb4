/* Unit tests for sshsig.c and agent.c: SSHSIG signatures made and checked in
 * process, compared byte for byte with ssh-keygen -Y and run through a real
 * ssh-agent started in the test's temporary folder. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>

#include "agent_priv.h"
#include "base64.h"
#include "helpers.h"
#include "itaku/errors.h"
#include "itaku/sshkey.h"
#include "itaku/sshsig.h"
#include "reader.h"
#include "sshkey_priv.h"

#define DATA "tree 4b825dc642cb6eb9a060e54bf8d69288fbe4904\nauthor a <a@b> 1 +0900\n\nhello\n"

typedef struct {
    char *dir;
    char sock[4096];
    pid_t agent_pid;
    int agent_ok; /* every key was added */
} fixture;

static char *path_in(const fixture *f, const char *name)
{
    char *p = malloc(strlen(f->dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", f->dir, name);
    return p;
}

static void keygen(const fixture *f, const char *name, const char *args)
{
    assert_int_equal(
        th_sh("ssh-keygen -q %s -N '' -C %s -f '%s/%s' </dev/null", args, name, f->dir, name), 0);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    *state = f;
    keygen(f, "ed25519", "-t ed25519");
    keygen(f, "ed25519-other", "-t ed25519");
    keygen(f, "ecdsa256", "-t ecdsa -b 256");
    keygen(f, "ecdsa384", "-t ecdsa -b 384");
    keygen(f, "ecdsa521", "-t ecdsa -b 521");
    keygen(f, "rsa", "-t rsa -b 2048");
    char *data = path_in(f, "data");
    th_write(data, DATA, strlen(DATA));
    free(data);

    /* the agent is started last: teardown kills it */
    snprintf(f->sock, sizeof(f->sock), "%s/agent.sock", f->dir);
    if (th_sh("ssh-agent -s -a '%s' > '%s/agent.env'", f->sock, f->dir) != 0)
        return 0;
    char *env_path = path_in(f, "agent.env");
    char *env = th_read(env_path, NULL);
    const char *pid = strstr(env, "SSH_AGENT_PID=");
    f->agent_pid = pid ? (pid_t)atoi(pid + strlen("SSH_AGENT_PID=")) : 0;
    free(env);
    free(env_path);
    f->agent_ok = f->agent_pid > 0;
    const char *added[] = {"ed25519", "ecdsa256", "rsa"};
    for (size_t i = 0; i < 3 && f->agent_ok; i++)
        f->agent_ok = th_sh("SSH_AUTH_SOCK='%s' ssh-add -q '%s/%s' 2>/dev/null", f->sock, f->dir,
                            added[i]) == 0;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f->agent_pid > 0)
        kill(f->agent_pid, SIGTERM);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* ssh-keygen -Y sign over the data file with key; returns the armor. */
static char *keygen_sign(const fixture *f, const char *key, const char *extra, size_t *len)
{
    assert_int_equal(th_sh("rm -f '%s/data.sig' && env -u SSH_AUTH_SOCK ssh-keygen -Y sign -q "
                           "%s -f '%s/%s' -n git '%s/data' 2>/dev/null",
                           f->dir, extra, f->dir, key, f->dir),
                     0);
    char *sig = path_in(f, "data.sig");
    char *armor = th_read(sig, len);
    free(sig);
    return armor;
}

static itk_pubkey *read_pub(const fixture *f, const char *name)
{
    char file[4200];
    itk_pubkey *key = NULL;
    snprintf(file, sizeof(file), "%s/%s.pub", f->dir, name);
    assert_int_equal(itk_pubkey_read_file(&key, file), 0);
    return key;
}

static itk_signer *file_signer(const fixture *f, const char *name)
{
    char file[4200];
    itk_privkey *key = NULL;
    itk_signer *signer = NULL;
    snprintf(file, sizeof(file), "%s/%s", f->dir, name);
    assert_int_equal(itk_privkey_read_file(&key, file), 0);
    assert_int_equal(itk_signer_from_privkey(&signer, key), 0);
    return signer;
}

static int verify(const char *armor, size_t len)
{
    return itk_sshsig_verify(NULL, armor, len, "git", DATA, strlen(DATA));
}

/* ---- building altered signatures ---- */

typedef struct {
    uint32_t version;
    itk_buf pub, ns, reserved, hash, sig_type, sig;
} sig_parts;

static void get_string(itk_reader *r, itk_buf *out)
{
    const unsigned char *p = NULL;
    size_t n = 0;
    assert_int_equal(rd_string(r, &p, &n), 0);
    itk_buf_clear(out);
    assert_int_equal(itk_buf_put(out, p, n), 0);
}

static void split(sig_parts *s, const char *armor, size_t len)
{
    unsigned char *bin;
    size_t bin_len;
    const unsigned char *magic;
    itk_reader r, inner;
    itk_buf sigblob = ITK_BUF_INIT;
    memset(s, 0, sizeof(*s));
    assert_int_equal(itk_armor_decode(&bin, &bin_len, armor, len, "-----BEGIN SSH SIGNATURE-----",
                                      "-----END SSH SIGNATURE-----", "test"),
                     0);
    rd_init(&r, bin, bin_len);
    assert_int_equal(rd_bytes(&r, &magic, 6), 0);
    assert_int_equal(rd_u32(&r, &s->version), 0);
    get_string(&r, &s->pub);
    get_string(&r, &s->ns);
    get_string(&r, &s->reserved);
    get_string(&r, &s->hash);
    get_string(&r, &sigblob);
    assert_int_equal(rd_done(&r), 0);
    rd_init(&inner, sigblob.ptr, sigblob.size);
    get_string(&inner, &s->sig_type);
    get_string(&inner, &s->sig);
    assert_int_equal(rd_done(&inner), 0);
    itk_buf_dispose(&sigblob);
    free(bin);
}

/* extra bytes go after the inner signature (inner) or after the blob */
static char *join(const sig_parts *s, int inner_extra, int outer_extra)
{
    itk_buf bin = ITK_BUF_INIT, sigblob = ITK_BUF_INIT, out = ITK_BUF_INIT;
    assert_int_equal(wr_string(&sigblob, s->sig_type.ptr, s->sig_type.size), 0);
    assert_int_equal(wr_string(&sigblob, s->sig.ptr, s->sig.size), 0);
    if (inner_extra)
        assert_int_equal(itk_buf_putc(&sigblob, 0), 0);
    assert_int_equal(itk_buf_put(&bin, "SSHSIG", 6), 0);
    assert_int_equal(wr_u32(&bin, s->version), 0);
    assert_int_equal(wr_string(&bin, s->pub.ptr, s->pub.size), 0);
    assert_int_equal(wr_string(&bin, s->ns.ptr, s->ns.size), 0);
    assert_int_equal(wr_string(&bin, s->reserved.ptr, s->reserved.size), 0);
    assert_int_equal(wr_string(&bin, s->hash.ptr, s->hash.size), 0);
    assert_int_equal(wr_string(&bin, sigblob.ptr, sigblob.size), 0);
    if (outer_extra)
        assert_int_equal(itk_buf_putc(&bin, 0), 0);
    assert_int_equal(itk_buf_puts(&out, "-----BEGIN SSH SIGNATURE-----\n"), 0);
    assert_int_equal(itk_base64_encode_wrapped(&out, bin.ptr, bin.size, 70), 0);
    assert_int_equal(itk_buf_puts(&out, "\n-----END SSH SIGNATURE-----\n"), 0);
    itk_buf_dispose(&bin);
    itk_buf_dispose(&sigblob);
    return out.ptr;
}

static void parts_free(sig_parts *s)
{
    itk_buf_dispose(&s->pub);
    itk_buf_dispose(&s->ns);
    itk_buf_dispose(&s->reserved);
    itk_buf_dispose(&s->hash);
    itk_buf_dispose(&s->sig_type);
    itk_buf_dispose(&s->sig);
}

static void set(itk_buf *b, const void *data, size_t len)
{
    itk_buf_clear(b);
    assert_int_equal(itk_buf_put(b, data, len), 0);
}

static int verify_joined(const sig_parts *s, int inner_extra, int outer_extra)
{
    char *armor = join(s, inner_extra, outer_extra);
    int rc = verify(armor, strlen(armor));
    free(armor);
    return rc;
}

/* ---- tests ---- */

static void test_sign_matches_ssh_keygen_byte_for_byte(void **state)
{
    fixture *f = *state;
    itk_signer *signer = file_signer(f, "ed25519");
    itk_buf armor = ITK_BUF_INIT;
    size_t len;
    char *expected = keygen_sign(f, "ed25519", "", &len);

    assert_int_equal(itk_sshsig_sign(&armor, signer, "git", DATA, strlen(DATA)), 0);
    assert_int_equal(armor.size, len);
    assert_memory_equal(armor.ptr, expected, len);

    free(expected);
    itk_buf_dispose(&armor);
    itk_signer_free(signer);
}

/* Every type x format signs from its file: the signature verifies with
 * ssh-keygen -Y verify and with itaku, and is byte for byte what ssh-keygen
 * -Y sign writes where signing is deterministic (Ed25519; RSA, which signs
 * with rsa-sha2-512 as ssh-keygen does). */
static void test_file_signatures_of_every_type_and_format_are_ssh_keygen_s(void **state)
{
    fixture *f = *state;
    static const char *const types[] = {"-t ed25519", "-t ecdsa -b 256", "-t ecdsa -b 384",
                                        "-t ecdsa -b 521", "-t rsa -b 2048"};
    static const char *const formats[] = {"RFC4716", "PEM", "PKCS8"};
    for (size_t t = 0; t < 5; t++)
        for (size_t m = 0; m < 3; m++) {
            char name[64], args[128], text[4096];
            snprintf(name, sizeof(name), "sig%zu-%s", t, formats[m]);
            snprintf(args, sizeof(args), "%s -m %s", types[t], formats[m]);
            keygen(f, name, args);
            itk_signer *signer = file_signer(f, name);
            itk_buf armor = ITK_BUF_INIT, line = ITK_BUF_INIT;
            assert_int_equal(itk_sshsig_sign(&armor, signer, "git", DATA, strlen(DATA)), 0);
            assert_int_equal(verify(armor.ptr, armor.size), 0);
            char *sig = path_in(f, "file.sig"), *allowed = path_in(f, "allowed_file");
            th_write(sig, armor.ptr, armor.size);
            assert_int_equal(itk_pubkey_format(&line, itk_signer_public(signer)), 0);
            snprintf(text, sizeof(text), "id %s\n", line.ptr);
            th_write(allowed, text, strlen(text));
            assert_int_equal(th_sh("ssh-keygen -Y verify -f '%s' -I id -n git -s '%s' < "
                                   "'%s/data' >/dev/null",
                                   allowed, sig, f->dir),
                             0);
            if (t == 0 || t == 4) {
                size_t len;
                char *expected = keygen_sign(f, name, "", &len);
                assert_int_equal(armor.size, len);
                assert_memory_equal(armor.ptr, expected, len);
                free(expected);
            }
            free(sig);
            free(allowed);
            itk_buf_dispose(&line);
            itk_buf_dispose(&armor);
            itk_signer_free(signer);
        }
}

static void test_verify_accepts_ssh_keygen_signatures_of_every_key_type(void **state)
{
    fixture *f = *state;
    const char *keys[] = {"ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        size_t len;
        char *armor = keygen_sign(f, keys[i], "", &len);
        itk_pubkey *signer = NULL, *expected = read_pub(f, keys[i]);
        assert_int_equal(itk_sshsig_verify(&signer, armor, len, "git", DATA, strlen(DATA)), 0);
        assert_non_null(signer);
        assert_true(itk_pubkey_equal(signer, expected));
        /* also without the final newline, as git stores it */
        assert_int_equal(verify(armor, len - 1), 0);
        itk_pubkey_free(signer);
        itk_pubkey_free(expected);
        free(armor);
    }
    /* sha256 as the message hash */
    size_t len;
    char *armor = keygen_sign(f, "ecdsa256", "-O hashalg=sha256", &len);
    assert_int_equal(verify(armor, len), 0);
    free(armor);
}

static void test_ssh_keygen_verifies_our_signature(void **state)
{
    fixture *f = *state;
    itk_signer *signer = file_signer(f, "ed25519");
    itk_buf armor = ITK_BUF_INIT, line = ITK_BUF_INIT;
    char *allowed = path_in(f, "allowed_signers"), *sig = path_in(f, "ours.sig");

    assert_int_equal(itk_sshsig_sign(&armor, signer, "git", DATA, strlen(DATA)), 0);
    th_write(sig, armor.ptr, armor.size);
    assert_int_equal(itk_pubkey_format(&line, itk_signer_public(signer)), 0);
    char text[1024];
    snprintf(text, sizeof(text), "id namespaces=\"git\" %s\n", line.ptr);
    th_write(allowed, text, strlen(text));
    assert_int_equal(th_sh("ssh-keygen -Y verify -f '%s' -I id -n git -s '%s' < '%s/data' "
                           ">/dev/null",
                           allowed, sig, f->dir),
                     0);
    /* and refuses it for other data, as a control */
    assert_int_not_equal(th_sh("echo x | ssh-keygen -Y verify -f '%s' -I id -n git -s '%s' "
                               ">/dev/null 2>&1",
                               allowed, sig),
                         0);
    free(allowed);
    free(sig);
    itk_buf_dispose(&line);
    itk_buf_dispose(&armor);
    itk_signer_free(signer);
}

static void test_verify_rejects_wrong_namespace(void **state)
{
    fixture *f = *state;
    size_t len;
    char *armor = keygen_sign(f, "ed25519", "", &len);
    assert_int_equal(itk_sshsig_verify(NULL, armor, len, "file", DATA, strlen(DATA)), ITK_EVERIFY);
    assert_non_null(strstr(itk_error_last(), "'git'"));
    assert_non_null(strstr(itk_error_last(), "'file'"));
    free(armor);
}

/* itk_sshsig_claimed_key names the key a signature claims, whether or not
 * the signature holds over the data, and refuses what does not parse */
static void test_claimed_key_is_the_signer_without_checking_the_data(void **state)
{
    fixture *f = *state;
    const char *keys[] = {"ed25519", "ecdsa384", "rsa"};
    char data[] = DATA;
    data[7] ^= 1;
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        char *armor = keygen_sign(f, keys[i], "", &len);
        itk_pubkey *signer = NULL, *claimed = NULL;
        itk_buf a = ITK_BUF_INIT, b = ITK_BUF_INIT;
        assert_int_equal(itk_sshsig_verify(&signer, armor, len, "git", DATA, strlen(DATA)), 0);
        assert_int_equal(itk_sshsig_verify(NULL, armor, len, "git", data, strlen(data)),
                         ITK_EVERIFY);
        assert_int_equal(itk_sshsig_claimed_key(&claimed, armor, len), 0);
        assert_int_equal(itk_pubkey_fingerprint(&a, signer), 0);
        assert_int_equal(itk_pubkey_fingerprint(&b, claimed), 0);
        assert_string_equal(a.ptr, b.ptr);
        itk_pubkey_free(claimed);
        claimed = NULL;
        assert_int_equal(itk_sshsig_claimed_key(&claimed, armor, len / 2), ITK_EINVALID);
        assert_null(claimed);
        itk_pubkey_free(signer);
        itk_buf_dispose(&a);
        itk_buf_dispose(&b);
        free(armor);
    }
}

static void test_verify_rejects_data_changed_by_one_byte(void **state)
{
    fixture *f = *state;
    const char *keys[] = {"ed25519", "ecdsa384", "rsa"};
    char data[] = DATA;
    data[7] ^= 1;
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        char *armor = keygen_sign(f, keys[i], "", &len);
        itk_pubkey *key = NULL;
        assert_int_equal(itk_sshsig_verify(&key, armor, len, "git", data, strlen(data)),
                         ITK_EVERIFY);
        assert_null(key);
        free(armor);
    }
}

static void test_verify_rejects_every_truncation_of_the_armor(void **state)
{
    fixture *f = *state;
    size_t len;
    char *armor = keygen_sign(f, "ecdsa256", "", &len);
    for (size_t cut = 0; cut < len; cut++) {
        char *copy = malloc(cut ? cut : 1);
        memcpy(copy, armor, cut);
        int rc = verify(copy, cut);
        free(copy);
        if (cut == len - 1)
            assert_int_equal(rc, 0); /* only the final newline is missing */
        else
            assert_int_equal(rc, ITK_EINVALID);
    }
    free(armor);
}

static void test_verify_rejects_corrupt_base64_and_trailing_garbage(void **state)
{
    fixture *f = *state;
    size_t len;
    char *armor = keygen_sign(f, "ed25519", "", &len);
    char *copy = malloc(len + 64);

    memcpy(copy, armor, len);
    copy[40] = '*';
    assert_int_equal(verify(copy, len), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "base64"));

    /* a character dropped from the base64: bad length */
    memcpy(copy, armor, 40);
    memcpy(copy + 40, armor + 41, len - 41);
    assert_int_equal(verify(copy, len - 1), ITK_EINVALID);

    memcpy(copy, armor, len);
    memcpy(copy + len, "garbage\n", 8);
    assert_int_equal(verify(copy, len + 8), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "after"));

    memcpy(copy + len, " \n\t\n", 4); /* whitespace is fine */
    assert_int_equal(verify(copy, len + 4), 0);

    assert_int_equal(verify("", 0), ITK_EINVALID);
    char *big = calloc(1, ITK_MAX_SIGNATURE_BYTES + 1);
    assert_int_equal(verify(big, ITK_MAX_SIGNATURE_BYTES + 1), ITK_ETOOBIG);
    free(big);
    free(copy);
    free(armor);
}

static void test_verify_rejects_trailing_bytes_in_blob_and_signature(void **state)
{
    fixture *f = *state;
    size_t len;
    char *armor = keygen_sign(f, "ed25519", "", &len);
    sig_parts s;
    split(&s, armor, len);
    assert_int_equal(verify_joined(&s, 0, 0), 0); /* the rebuilt signature is sound */
    assert_int_equal(verify_joined(&s, 0, 1), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "trailing"));
    assert_int_equal(verify_joined(&s, 1, 0), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "trailing"));
    parts_free(&s);
    free(armor);
}

static void test_verify_rejects_unknown_key_type_version_and_hash(void **state)
{
    fixture *f = *state;
    size_t len;
    char *armor = keygen_sign(f, "ed25519", "", &len);
    sig_parts s;
    itk_buf foo = ITK_BUF_INIT;

    split(&s, armor, len);
    s.version = 2;
    assert_int_equal(verify_joined(&s, 0, 0), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "version 2"));
    s.version = 1;

    itk_buf pub = ITK_BUF_INIT;
    assert_int_equal(itk_buf_put(&pub, s.pub.ptr, s.pub.size), 0);
    assert_int_equal(wr_cstring(&foo, "ssh-foo"), 0);
    assert_int_equal(wr_string(&foo, "key", 3), 0);
    set(&s.pub, foo.ptr, foo.size);
    assert_int_equal(verify_joined(&s, 0, 0), ITK_EUNSUPPORTED);
    assert_string_equal(itk_error_last(), "unknown key type 'ssh-foo' in signature");
    set(&s.pub, pub.ptr, pub.size);

    set(&s.hash, "sha1", 4);
    assert_int_equal(verify_joined(&s, 0, 0), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "sha1"));
    set(&s.hash, "sha512", 6);

    set(&s.reserved, "x", 1);
    assert_int_equal(verify_joined(&s, 0, 0), ITK_EINVALID);
    set(&s.reserved, "", 0);

    /* an Ed25519 signature one byte short */
    s.sig.size--;
    assert_int_equal(verify_joined(&s, 0, 0), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "64"));
    s.sig.size++;

    /* a signature type that does not fit the key */
    set(&s.sig_type, "ecdsa-sha2-nistp256", 19);
    assert_int_equal(verify_joined(&s, 0, 0), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "does not match"));
    set(&s.sig_type, "ssh-ed25519", 11);

    /* another key put in the signature's place */
    itk_pubkey *other = read_pub(f, "ed25519-other");
    size_t other_len;
    const unsigned char *other_blob = itk_pubkey_blob(other, &other_len);
    set(&s.pub, other_blob, other_len);
    assert_int_equal(verify_joined(&s, 0, 0), ITK_EVERIFY);
    set(&s.pub, pub.ptr, pub.size);
    assert_int_equal(verify_joined(&s, 0, 0), 0);

    itk_pubkey_free(other);
    itk_buf_dispose(&pub);
    itk_buf_dispose(&foo);
    parts_free(&s);
    free(armor);
}

static void test_verify_refuses_rsa_signature_with_sha1(void **state)
{
    fixture *f = *state;
    size_t len;
    char *armor = keygen_sign(f, "rsa", "", &len);
    sig_parts s;
    split(&s, armor, len);
    assert_string_equal(s.sig_type.ptr, "rsa-sha2-512");
    set(&s.sig_type, "ssh-rsa", 7);
    assert_int_equal(verify_joined(&s, 0, 0), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "SHA-1"));
    parts_free(&s);
    free(armor);
}

/* ---- through ssh-agent ---- */

static void test_agent_lists_the_added_keys(void **state)
{
    fixture *f = *state;
    itk_pubkey **keys = NULL;
    size_t count = 0;
    assert_true(f->agent_ok);
    assert_int_equal(itk_agent_list(&keys, &count, f->sock), 0);
    assert_int_equal(count, 3);
    itk_pubkey *ed = read_pub(f, "ed25519");
    int found = 0;
    for (size_t i = 0; i < count; i++)
        if (itk_pubkey_equal(keys[i], ed)) {
            found = 1;
            assert_string_equal(itk_pubkey_comment(keys[i]), "ed25519");
        }
    assert_true(found);
    itk_pubkey_free(ed);
    itk_pubkey_list_free(keys, count);
}

static void test_agent_signature_equals_the_file_signature(void **state)
{
    fixture *f = *state;
    itk_pubkey *pub = read_pub(f, "ed25519"), *who = NULL;
    itk_signer *agent = NULL, *file = file_signer(f, "ed25519");
    itk_buf a = ITK_BUF_INIT, b = ITK_BUF_INIT;

    assert_true(f->agent_ok);
    assert_int_equal(itk_signer_from_agent(&agent, f->sock, pub), 0);
    assert_int_equal(itk_sshsig_sign(&a, agent, "git", DATA, strlen(DATA)), 0);
    assert_int_equal(itk_sshsig_sign(&b, file, "git", DATA, strlen(DATA)), 0);
    assert_string_equal(a.ptr, b.ptr);
    assert_int_equal(itk_sshsig_verify(&who, a.ptr, a.size, "git", DATA, strlen(DATA)), 0);
    assert_true(itk_pubkey_equal(who, pub));

    itk_pubkey_free(who);
    itk_buf_dispose(&a);
    itk_buf_dispose(&b);
    itk_signer_free(agent);
    itk_signer_free(file);
    itk_pubkey_free(pub);
}

static void agent_sign_and_check_with_ssh_keygen(const fixture *f, const char *name)
{
    itk_pubkey *pub = read_pub(f, name);
    itk_signer *agent = NULL;
    itk_buf armor = ITK_BUF_INIT, line = ITK_BUF_INIT;
    char *allowed = path_in(f, "allowed_agent"), *sig = path_in(f, "agent.sig");
    char text[4096];

    assert_int_equal(itk_signer_from_agent(&agent, f->sock, pub), 0);
    assert_int_equal(itk_sshsig_sign(&armor, agent, "git", DATA, strlen(DATA)), 0);
    assert_int_equal(verify(armor.ptr, armor.size), 0);
    th_write(sig, armor.ptr, armor.size);
    assert_int_equal(itk_pubkey_format(&line, pub), 0);
    snprintf(text, sizeof(text), "id namespaces=\"git\" %s\n", line.ptr);
    th_write(allowed, text, strlen(text));
    assert_int_equal(th_sh("ssh-keygen -Y verify -f '%s' -I id -n git -s '%s' < '%s/data' "
                           ">/dev/null",
                           allowed, sig, f->dir),
                     0);
    free(allowed);
    free(sig);
    itk_buf_dispose(&line);
    itk_buf_dispose(&armor);
    itk_signer_free(agent);
    itk_pubkey_free(pub);
}

static void test_agent_rsa_signature_verifies_with_ssh_keygen(void **state)
{
    fixture *f = *state;
    assert_true(f->agent_ok);
    agent_sign_and_check_with_ssh_keygen(f, "rsa");
}

static void test_agent_ecdsa_signature_verifies_with_ssh_keygen(void **state)
{
    fixture *f = *state;
    assert_true(f->agent_ok);
    agent_sign_and_check_with_ssh_keygen(f, "ecdsa256");
}

static void test_signer_from_agent_fails_for_a_key_it_does_not_hold(void **state)
{
    fixture *f = *state;
    itk_pubkey *pub = read_pub(f, "ecdsa384");
    itk_signer *agent = NULL;
    assert_true(f->agent_ok);
    assert_int_equal(itk_signer_from_agent(&agent, f->sock, pub), ITK_ENOTFOUND);
    assert_null(agent);
    assert_non_null(strstr(itk_error_last(), "SHA256:"));
    char *missing = path_in(f, "no-such.sock");
    assert_int_equal(itk_signer_from_agent(&agent, missing, pub), ITK_ENOTFOUND);
    free(missing);
    itk_pubkey_free(pub);
}

/* A real ssh-rsa (SHA-1) signature, as an agent makes it without flags. */
static void test_verify_refuses_sha1_signature_made_by_the_agent(void **state)
{
    fixture *f = *state;
    itk_pubkey *pub = read_pub(f, "rsa");
    itk_buf tbs = ITK_BUF_INIT, sigblob = ITK_BUF_INIT;
    unsigned char h[64];
    unsigned hlen;
    size_t len;
    assert_true(f->agent_ok);

    assert_int_equal(EVP_Digest(DATA, strlen(DATA), h, &hlen, EVP_sha512(), NULL), 1);
    assert_int_equal(itk_buf_put(&tbs, "SSHSIG", 6), 0);
    assert_int_equal(wr_cstring(&tbs, "git"), 0);
    assert_int_equal(wr_string(&tbs, NULL, 0), 0);
    assert_int_equal(wr_cstring(&tbs, "sha512"), 0);
    assert_int_equal(wr_string(&tbs, h, hlen), 0);
    assert_int_equal(itk_agent_sign(&sigblob, f->sock, pub, tbs.ptr, tbs.size, 0), 0);

    char *armor = keygen_sign(f, "rsa", "", &len);
    sig_parts s;
    split(&s, armor, len);
    itk_reader r;
    rd_init(&r, sigblob.ptr, sigblob.size);
    get_string(&r, &s.sig_type);
    get_string(&r, &s.sig);
    assert_string_equal(s.sig_type.ptr, "ssh-rsa");
    assert_int_equal(verify_joined(&s, 0, 0), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "ssh-rsa"));

    parts_free(&s);
    free(armor);
    itk_buf_dispose(&tbs);
    itk_buf_dispose(&sigblob);
    itk_pubkey_free(pub);
}

/* The twin: an agent's rsa-sha2-256 signature (RFC 8332), what other
 * tools may write, verifies. */
static void test_verify_accepts_rsa_sha2_256_signature_made_by_the_agent(void **state)
{
    fixture *f = *state;
    itk_pubkey *pub = read_pub(f, "rsa");
    itk_buf tbs = ITK_BUF_INIT, sigblob = ITK_BUF_INIT;
    unsigned char h[64];
    unsigned hlen;
    size_t len;
    assert_true(f->agent_ok);

    assert_int_equal(EVP_Digest(DATA, strlen(DATA), h, &hlen, EVP_sha512(), NULL), 1);
    assert_int_equal(itk_buf_put(&tbs, "SSHSIG", 6), 0);
    assert_int_equal(wr_cstring(&tbs, "git"), 0);
    assert_int_equal(wr_string(&tbs, NULL, 0), 0);
    assert_int_equal(wr_cstring(&tbs, "sha512"), 0);
    assert_int_equal(wr_string(&tbs, h, hlen), 0);
    assert_int_equal(
        itk_agent_sign(&sigblob, f->sock, pub, tbs.ptr, tbs.size, ITK_AGENT_RSA_SHA2_256), 0);

    char *armor = keygen_sign(f, "rsa", "", &len);
    sig_parts s;
    split(&s, armor, len);
    itk_reader r;
    rd_init(&r, sigblob.ptr, sigblob.size);
    get_string(&r, &s.sig_type);
    get_string(&r, &s.sig);
    assert_string_equal(s.sig_type.ptr, "rsa-sha2-256");
    assert_int_equal(verify_joined(&s, 0, 0), 0);
    /* and the same bytes claimed as rsa-sha2-512 do not */
    itk_buf_clear(&s.sig_type);
    assert_int_equal(itk_buf_puts(&s.sig_type, "rsa-sha2-512"), 0);
    assert_int_equal(verify_joined(&s, 0, 0), ITK_EVERIFY);

    parts_free(&s);
    free(armor);
    itk_buf_dispose(&tbs);
    itk_buf_dispose(&sigblob);
    itk_pubkey_free(pub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_matches_ssh_keygen_byte_for_byte),
        cmocka_unit_test(test_file_signatures_of_every_type_and_format_are_ssh_keygen_s),
        cmocka_unit_test(test_verify_accepts_ssh_keygen_signatures_of_every_key_type),
        cmocka_unit_test(test_ssh_keygen_verifies_our_signature),
        cmocka_unit_test(test_verify_rejects_wrong_namespace),
        cmocka_unit_test(test_verify_rejects_data_changed_by_one_byte),
        cmocka_unit_test(test_claimed_key_is_the_signer_without_checking_the_data),
        cmocka_unit_test(test_verify_rejects_every_truncation_of_the_armor),
        cmocka_unit_test(test_verify_rejects_corrupt_base64_and_trailing_garbage),
        cmocka_unit_test(test_verify_rejects_trailing_bytes_in_blob_and_signature),
        cmocka_unit_test(test_verify_rejects_unknown_key_type_version_and_hash),
        cmocka_unit_test(test_verify_refuses_rsa_signature_with_sha1),
        cmocka_unit_test(test_agent_lists_the_added_keys),
        cmocka_unit_test(test_agent_signature_equals_the_file_signature),
        cmocka_unit_test(test_agent_rsa_signature_verifies_with_ssh_keygen),
        cmocka_unit_test(test_agent_ecdsa_signature_verifies_with_ssh_keygen),
        cmocka_unit_test(test_signer_from_agent_fails_for_a_key_it_does_not_hold),
        cmocka_unit_test(test_verify_refuses_sha1_signature_made_by_the_agent),
        cmocka_unit_test(test_verify_accepts_rsa_sha2_256_signature_made_by_the_agent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
