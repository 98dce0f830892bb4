/* Unit tests for sshkey.c: public keys, fingerprints and private key files,
 * checked against the real ssh-keygen (keys are made by the tests). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "base64.h"
#include "helpers.h"
#include "itaku/errors.h"
#include "itaku/sshkey.h"
#include "sshkey_priv.h"

typedef struct {
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static char *path_in(const fixture *f, const char *name)
{
    char *p = malloc(strlen(f->dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", f->dir, name);
    return p;
}

/* The output of a shell command, without its final newline. */
static char *sh_output(const fixture *f, const char *cmd)
{
    char *out = path_in(f, "out.txt");
    assert_int_equal(th_sh("%s > '%s'", cmd, out), 0);
    char *text = th_read(out, NULL);
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        text[--n] = '\0';
    free(out);
    return text;
}

static void keygen(const fixture *f, const char *name, const char *args)
{
    assert_int_equal(th_sh("ssh-keygen -q %s -f '%s/%s' </dev/null", args, f->dir, name), 0);
}

static void assert_describe_matches(const fixture *f, const char *file)
{
    char *path = path_in(f, file);
    char cmd[4200];
    itk_pubkey *key = NULL;
    itk_buf desc = ITK_BUF_INIT;

    assert_int_equal(itk_pubkey_read_file(&key, path), 0);
    assert_int_equal(itk_pubkey_describe(&desc, key), 0);
    snprintf(cmd, sizeof(cmd), "ssh-keygen -lf '%s'", path);
    char *expected = sh_output(f, cmd);
    assert_string_equal(desc.ptr, expected);
    free(expected);
    itk_buf_dispose(&desc);
    itk_pubkey_free(key);
    free(path);
}

static void test_describe_matches_ssh_keygen_for_every_key_type(void **state)
{
    fixture *f = *state;
    keygen(f, "ed", "-t ed25519 -N '' -C user@host");
    keygen(f, "ed-nc", "-t ed25519 -N '' -C ''");
    keygen(f, "ec256", "-t ecdsa -b 256 -N '' -C 'ec 256'");
    keygen(f, "ec384", "-t ecdsa -b 384 -N '' -C ec384");
    keygen(f, "ec521", "-t ecdsa -b 521 -N '' -C ec521");
    keygen(f, "rsa", "-t rsa -b 2048 -N '' -C rsa@host");
    const char *files[] = {"ed.pub",  "ed-nc.pub", "ec256.pub", "ec384.pub", "ec521.pub",
                           "rsa.pub", "ed",        "ec256",     "rsa"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        assert_describe_matches(f, files[i]);

    itk_pubkey *key = NULL;
    char *path = path_in(f, "rsa.pub");
    assert_int_equal(itk_pubkey_read_file(&key, path), 0);
    assert_int_equal(itk_pubkey_bits(key), 2048);
    assert_string_equal(itk_pubkey_type(key), "ssh-rsa");
    assert_string_equal(itk_pubkey_comment(key), "rsa@host");
    itk_pubkey_free(key);
    free(path);
}

static void test_format_gives_back_the_pub_line(void **state)
{
    fixture *f = *state;
    keygen(f, "fmt", "-t ecdsa -b 384 -N '' -C fmt");
    char *path = path_in(f, "fmt.pub");
    char *line = th_read(path, NULL);
    itk_pubkey *key = NULL;
    itk_buf out = ITK_BUF_INIT;

    assert_int_equal(itk_pubkey_from_line(&key, line, strlen(line)), 0);
    assert_int_equal(itk_pubkey_format(&out, key), 0);
    assert_int_equal(itk_buf_printf(&out, " %s\n", itk_pubkey_comment(key)), 0);
    assert_string_equal(out.ptr, line);

    itk_pubkey *copy = NULL;
    assert_int_equal(itk_pubkey_dup(&copy, key), 0);
    assert_true(itk_pubkey_equal(copy, key));
    assert_string_equal(itk_pubkey_comment(copy), "fmt");
    itk_pubkey_free(copy);
    itk_buf_dispose(&out);
    itk_pubkey_free(key);
    free(line);
    free(path);
}

static void test_generated_key_is_accepted_by_ssh_keygen(void **state)
{
    fixture *f = *state;
    itk_privkey *key = NULL, *back = NULL;
    itk_buf desc = ITK_BUF_INIT;
    char *path = path_in(f, "gen");
    char *pub = path_in(f, "gen.pub");
    char cmd[4200];
    struct stat st;

    assert_int_equal(itk_privkey_generate_ed25519(&key, "alice@example"), 0);
    assert_int_equal(itk_privkey_write_files(key, path), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* ssh-keygen derives the same public key and comment from our file */
    snprintf(cmd, sizeof(cmd), "ssh-keygen -y -f '%s'", path);
    char *derived = sh_output(f, cmd);
    char *line = th_read(pub, NULL);
    assert_int_equal(strncmp(line, "ssh-ed25519 AAAA", 16), 0);
    assert_int_equal(line[strlen(line) - 1], '\n');
    line[strlen(line) - 1] = '\0';
    assert_string_equal(derived, line);
    assert_non_null(strstr(line, " alice@example"));

    /* and the same fingerprint line as describe */
    assert_int_equal(itk_pubkey_describe(&desc, itk_privkey_public(key)), 0);
    snprintf(cmd, sizeof(cmd), "ssh-keygen -lf '%s'", path);
    char *expected = sh_output(f, cmd);
    assert_string_equal(desc.ptr, expected);

    /* we read back what we wrote */
    assert_int_equal(itk_privkey_read_file(&back, path), 0);
    assert_true(itk_pubkey_equal(itk_privkey_public(back), itk_privkey_public(key)));
    assert_string_equal(itk_pubkey_comment(itk_privkey_public(back)), "alice@example");

    free(expected);
    free(derived);
    free(line);
    itk_buf_dispose(&desc);
    itk_privkey_free(back);
    itk_privkey_free(key);
    free(pub);
    free(path);
}

static void test_write_files_refuses_to_overwrite_and_leaves_nothing(void **state)
{
    fixture *f = *state;
    itk_privkey *key = NULL;
    char *path = path_in(f, "taken");
    char *pub = path_in(f, "taken.pub");
    char *other = path_in(f, "free");
    struct stat st;

    assert_int_equal(itk_privkey_generate_ed25519(&key, ""), 0);
    th_write(path, "keep me\n", 8);
    assert_int_equal(itk_privkey_write_files(key, path), ITK_EEXISTS);
    assert_int_not_equal(stat(pub, &st), 0);
    char *kept = th_read(path, NULL);
    assert_string_equal(kept, "keep me\n");
    free(kept);

    /* only the .pub exists: refused too, and no private key is left behind */
    char *other_pub = path_in(f, "free.pub");
    th_write(other_pub, "x\n", 2);
    assert_int_equal(itk_privkey_write_files(key, other), ITK_EEXISTS);
    assert_int_not_equal(stat(other, &st), 0);

    free(other_pub);
    itk_privkey_free(key);
    free(other);
    free(pub);
    free(path);
}

static void test_encrypted_key_needs_the_agent_but_gives_its_public_key(void **state)
{
    fixture *f = *state;
    itk_privkey *key = NULL;
    itk_pubkey *pub = NULL, *from_pub = NULL;
    keygen(f, "enc", "-t ed25519 -N secret -C enc");
    char *path = path_in(f, "enc");
    char *pubpath = path_in(f, "enc.pub");

    assert_int_equal(itk_privkey_read_file(&key, path), ITK_EENCRYPTED);
    assert_null(key);
    assert_non_null(strstr(itk_error_last(), "passphrase"));
    assert_non_null(strstr(itk_error_last(), "ssh-add"));
    assert_non_null(strstr(itk_error_last(), path));

    assert_int_equal(itk_pubkey_read_file(&pub, path), 0);
    assert_int_equal(itk_pubkey_read_file(&from_pub, pubpath), 0);
    assert_true(itk_pubkey_equal(pub, from_pub));

    itk_pubkey_free(pub);
    itk_pubkey_free(from_pub);
    free(pubpath);
    free(path);
}

/* itk_key_file_describe(file) prints what ssh-keygen -lf file prints. */
static void assert_file_describe_matches(const fixture *f, const char *file)
{
    char *path = path_in(f, file);
    char cmd[4200];
    itk_pubkey *key = NULL;
    itk_buf desc = ITK_BUF_INIT;
    assert_int_equal(itk_key_file_describe(&desc, &key, path), 0);
    snprintf(cmd, sizeof(cmd), "ssh-keygen -lf '%s' </dev/null", path);
    char *expected = sh_output(f, cmd);
    assert_string_equal(desc.ptr, expected);
    free(expected);
    itk_buf_dispose(&desc);
    itk_pubkey_free(key);
    free(path);
}

static const char *const type_args[] = {"-t ed25519", "-t ecdsa -b 256", "-t ecdsa -b 384",
                                        "-t ecdsa -b 521", "-t rsa -b 2048"};
static const char *const formats[] = {"RFC4716", "PEM", "PKCS8"};

static void test_private_keys_of_every_type_and_format_are_read(void **state)
{
    fixture *f = *state;
    for (size_t t = 0; t < 5; t++)
        for (size_t m = 0; m < 3; m++) {
            char name[64], args[128], pubname[80];
            snprintf(name, sizeof(name), "k%zu-%s", t, formats[m]);
            snprintf(pubname, sizeof(pubname), "%s.pub", name);
            snprintf(args, sizeof(args), "%s -m %s -N '' -C 'c %s'", type_args[t], formats[m],
                     name);
            keygen(f, name, args);
            char *path = path_in(f, name), *pubpath = path_in(f, pubname);
            itk_privkey *key = NULL;
            itk_pubkey *pub = NULL, *from_file = NULL;
            assert_int_equal(itk_privkey_read_file(&key, path), 0);
            assert_int_equal(itk_pubkey_read_file(&pub, pubpath), 0);
            assert_true(itk_pubkey_equal(itk_privkey_public(key), pub));
            /* the public part of the private file, whatever its format */
            assert_int_equal(itk_pubkey_read_file(&from_file, path), 0);
            assert_true(itk_pubkey_equal(from_file, pub));
            assert_file_describe_matches(f, name);
            assert_file_describe_matches(f, pubname);
            /* without FILE.pub, and with a FILE.pub that has no comment */
            assert_int_equal(th_sh("cd '%s' && mv %s %s.x && cut -d' ' -f1,2 %s.x > %s", f->dir,
                                   pubname, pubname, pubname, pubname),
                             0);
            assert_file_describe_matches(f, name);
            assert_int_equal(th_sh("rm '%s'", pubpath), 0);
            assert_file_describe_matches(f, name);
            itk_pubkey_free(from_file);
            itk_pubkey_free(pub);
            itk_privkey_free(key);
            free(pubpath);
            free(path);
        }
}

static void test_encrypted_pem_keys_say_how_to_load_them(void **state)
{
    fixture *f = *state;
    keygen(f, "encpem", "-t ecdsa -m PEM -N secret1 -C encpem");
    keygen(f, "encp8", "-t rsa -b 2048 -m PKCS8 -N secret1 -C encp8");
    const char *names[] = {"encpem", "encp8"};
    for (size_t i = 0; i < 2; i++) {
        char pubname[64];
        snprintf(pubname, sizeof(pubname), "%s.pub", names[i]);
        char *path = path_in(f, names[i]), *pubpath = path_in(f, pubname);
        itk_privkey *key = NULL;
        itk_pubkey *pub = NULL, *expected = NULL;
        assert_int_equal(itk_privkey_read_file(&key, path), ITK_EENCRYPTED);
        assert_null(key);
        assert_non_null(strstr(itk_error_last(), "passphrase"));
        assert_non_null(strstr(itk_error_last(), "ssh-add"));
        /* its public part: from FILE.pub */
        assert_int_equal(itk_pubkey_read_file(&pub, path), 0);
        assert_int_equal(itk_pubkey_read_file(&expected, pubpath), 0);
        assert_true(itk_pubkey_equal(pub, expected));
        assert_file_describe_matches(f, names[i]);
        itk_pubkey_free(pub);
        pub = NULL;
        /* without it: what to put there */
        assert_int_equal(th_sh("rm '%s'", pubpath), 0);
        assert_int_equal(itk_pubkey_read_file(&pub, path), ITK_EENCRYPTED);
        assert_non_null(strstr(itk_error_last(), pubname));
        assert_non_null(strstr(itk_error_last(), "ssh-keygen -y -f"));
        assert_non_null(strstr(itk_error_last(), "ssh-add"));
        itk_buf desc = ITK_BUF_INIT;
        assert_int_equal(itk_key_file_describe(&desc, &pub, path), ITK_EENCRYPTED);
        assert_null(pub);
        itk_buf_dispose(&desc);
        itk_pubkey_free(expected);
        free(pubpath);
        free(path);
    }
}

static void test_openssl_keys_are_read_and_other_curves_refused(void **state)
{
    fixture *f = *state;
    itk_privkey *key = NULL;
    char *ed = path_in(f, "openssl-ed.pem"), *k1 = path_in(f, "k1.pem");
    assert_int_equal(th_sh("openssl genpkey -algorithm ed25519 -out '%s' 2>/dev/null", ed), 0);
    assert_int_equal(th_sh("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 "
                           "-out '%s' 2>/dev/null",
                           k1),
                     0);
    assert_int_equal(itk_privkey_read_file(&key, ed), 0);
    assert_string_equal(itk_pubkey_type(itk_privkey_public(key)), "ssh-ed25519");
    itk_privkey_free(key);
    key = NULL;
    assert_int_equal(itk_privkey_read_file(&key, k1), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "curve"));
    assert_null(key);
    /* a PEM armor holding garbage: OpenSSL's reason, the file named */
    const char *junk = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert_int_equal(itk_privkey_parse(&key, junk, strlen(junk), "junk.pem"), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "junk.pem"));
    free(ed);
    free(k1);
}

/* The private section's ECDSA scalar of a P-256 openssh-key-v1 file, last byte flipped. */
static void flip_ecdsa_scalar(itk_buf *bin)
{
    itk_reader r, sec;
    const unsigned char *p, *s;
    size_t n, slen;
    uint32_t u;
    rd_init(&r, bin->ptr, bin->size);
    assert_int_equal(rd_bytes(&r, &p, 15), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(rd_string(&r, &p, &n), 0);
    assert_int_equal(rd_u32(&r, &u), 0);
    assert_int_equal(rd_string(&r, &p, &n), 0);
    assert_int_equal(rd_string(&r, &s, &slen), 0);
    rd_init(&sec, s, slen);
    assert_int_equal(rd_u32(&sec, &u), 0);
    assert_int_equal(rd_u32(&sec, &u), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(rd_string(&sec, &p, &n), 0);
    assert_int_equal(rd_string(&sec, &p, &n), 0); /* the scalar */
    bin->ptr[(const char *)&p[n - 1] - bin->ptr] ^= 1;
}

static char *edit_key_file(const char *text, void (*edit)(itk_buf *bin));

static void test_private_key_that_does_not_fit_its_public_key_is_refused(void **state)
{
    fixture *f = *state;
    itk_privkey *key = NULL;
    keygen(f, "ecfit", "-t ecdsa -b 256 -N '' -C ecfit");
    char *path = path_in(f, "ecfit");
    char *text = th_read(path, NULL);
    assert_int_equal(itk_privkey_parse(&key, text, strlen(text), "ecfit"), 0);
    itk_privkey_free(key);
    key = NULL;
    char *bad = edit_key_file(text, flip_ecdsa_scalar);
    assert_int_equal(itk_privkey_parse(&key, bad, strlen(bad), "ecfit"), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "ecfit"));
    assert_null(key);
    free(bad);
    free(text);
    free(path);
}

static void test_public_key_lines_are_canonical_and_private_keys_refused(void **state)
{
    fixture *f = *state;
    keygen(f, "canon", "-t ecdsa -b 384 -N '' -C 'two words'");
    char *pubpath = path_in(f, "canon.pub"), *path = path_in(f, "canon");
    char *line = th_read(pubpath, NULL);
    itk_buf a = ITK_BUF_INIT, b = ITK_BUF_INIT, c = ITK_BUF_INIT;
    itk_pubkey *key = NULL;
    /* with its comment and line end, and without */
    assert_int_equal(itk_pubkey_canonical_line(&a, &key, line, strlen(line), "x"), 0);
    assert_string_equal(itk_pubkey_comment(key), "two words");
    *strchr(strchr(line, ' ') + 1, ' ') = '\0';
    assert_int_equal(itk_pubkey_canonical_line(&b, NULL, line, strlen(line), "x"), 0);
    assert_string_equal(a.ptr, b.ptr);
    assert_string_equal(a.ptr, line);
    char padded[2048];
    snprintf(padded, sizeof(padded), "  %s  \r\n", line);
    assert_int_equal(itk_pubkey_canonical_line(&c, NULL, padded, strlen(padded), "x"), 0);
    assert_string_equal(c.ptr, line);
    itk_pubkey_free(key);
    key = NULL;
    /* a private key, as a file or as pasted text: refused with the warning */
    char *priv = th_read(path, NULL);
    assert_int_equal(itk_pubkey_canonical_line(&c, NULL, priv, strlen(priv), "form 6 public_key"),
                     ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "form 6 public_key is a PRIVATE key"));
    assert_non_null(strstr(itk_error_last(), "never"));
    assert_int_equal(itk_pubkey_read_public(&key, path), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "PRIVATE key"));
    assert_null(key);
    assert_int_equal(itk_pubkey_read_public(&key, pubpath), 0);
    assert_string_equal(itk_pubkey_comment(key), "two words");
    itk_pubkey_free(key);
    assert_int_equal(itk_key_file_is_private(path), 1);
    assert_int_equal(itk_key_file_is_private(pubpath), 0);
    free(priv);
    itk_buf_dispose(&a);
    itk_buf_dispose(&b);
    itk_buf_dispose(&c);
    free(line);
    free(path);
    free(pubpath);
}

static void test_other_files_are_refused_naming_the_expected_format(void **state)
{
    (void)state;
    itk_privkey *key = NULL;
    const char *putty = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n";
    const char *garbage = "hello, world\n";

    assert_int_equal(itk_privkey_parse(&key, putty, strlen(putty), "k.ppk"), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "k.ppk"));
    assert_non_null(strstr(itk_error_last(), "PuTTY"));
    assert_int_equal(itk_privkey_parse(&key, garbage, strlen(garbage), "junk"), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "junk"));
    assert_non_null(strstr(itk_error_last(), "BEGIN OPENSSH PRIVATE KEY"));
    assert_int_equal(itk_privkey_parse(&key, "", 0, "empty"), ITK_EINVALID);
    assert_null(key);
}

/* Decodes a key file, lets edit change the binary, and encodes it again. */
static char *edit_key_file(const char *text, void (*edit)(itk_buf *bin))
{
    unsigned char *raw;
    size_t raw_len;
    itk_buf bin = ITK_BUF_INIT, out = ITK_BUF_INIT;
    assert_int_equal(itk_armor_decode(&raw, &raw_len, text, strlen(text),
                                      "-----BEGIN OPENSSH PRIVATE KEY-----",
                                      "-----END OPENSSH PRIVATE KEY-----", "test key"),
                     0);
    assert_int_equal(itk_buf_put(&bin, raw, raw_len), 0);
    free(raw);
    edit(&bin);
    assert_int_equal(itk_buf_puts(&out, "-----BEGIN OPENSSH PRIVATE KEY-----\n"), 0);
    assert_int_equal(itk_base64_encode_wrapped(&out, bin.ptr, bin.size, 70), 0);
    assert_int_equal(itk_buf_puts(&out, "\n-----END OPENSSH PRIVATE KEY-----\n"), 0);
    itk_buf_dispose(&bin);
    return out.ptr;
}

/* The private section starts after magic, "none", "none", "", nkeys, the
 * 51-byte Ed25519 public blob and the section's length. */
#define ED25519_SECTION_AT (15 + 8 + 8 + 4 + 4 + 4 + 51 + 4)

static void break_check_bytes(itk_buf *bin)
{
    bin->ptr[ED25519_SECTION_AT + 4] ^= 1;
}

static void add_trailing_byte(itk_buf *bin)
{
    assert_int_equal(itk_buf_putc(bin, 0), 0);
}

static void claim_two_keys(itk_buf *bin)
{
    bin->ptr[15 + 8 + 8 + 4 + 3] = 2;
}

static void test_privkey_rejects_corrupt_structure(void **state)
{
    fixture *f = *state;
    itk_privkey *key = NULL;
    keygen(f, "edit", "-t ed25519 -N '' -C edit");
    char *path = path_in(f, "edit");
    char *text = th_read(path, NULL);

    assert_int_equal(itk_privkey_parse(&key, text, strlen(text), "edit"), 0);
    itk_privkey_free(key);

    char *bad = edit_key_file(text, break_check_bytes);
    assert_int_equal(itk_privkey_parse(&key, bad, strlen(bad), "edit"), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "check"));
    free(bad);
    bad = edit_key_file(text, add_trailing_byte);
    assert_int_equal(itk_privkey_parse(&key, bad, strlen(bad), "edit"), ITK_EINVALID);
    free(bad);
    bad = edit_key_file(text, claim_two_keys);
    assert_int_equal(itk_privkey_parse(&key, bad, strlen(bad), "edit"), ITK_EUNSUPPORTED);
    free(bad);

    /* every truncation fails cleanly; only the final newline may go */
    size_t len = strlen(text);
    for (size_t cut = 0; cut < len; cut++) {
        int rc = itk_privkey_parse(&key, text, cut, "edit");
        if (cut == len - 1) {
            assert_int_equal(rc, 0);
            itk_privkey_free(key);
        } else {
            assert_int_equal(rc, ITK_EINVALID);
            assert_null(key);
        }
    }
    free(text);
    free(path);
}

static void test_pubkey_line_rejects_malformed_input(void **state)
{
    (void)state;
    itk_pubkey *key = NULL;
    itk_privkey *priv = NULL;
    itk_buf line = ITK_BUF_INIT;

    assert_int_equal(itk_privkey_generate_ed25519(&priv, "c"), 0);
    assert_int_equal(itk_pubkey_format(&line, itk_privkey_public(priv)), 0);
    const char *b64 = strchr(line.ptr, ' ') + 1;

    char buf[512];
    snprintf(buf, sizeof(buf), "ssh-rsa %s c", b64);
    assert_int_equal(itk_pubkey_from_line(&key, buf, strlen(buf)), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "ssh-ed25519"));
    snprintf(buf, sizeof(buf), "ssh-foo %s c", b64);
    assert_int_equal(itk_pubkey_from_line(&key, buf, strlen(buf)), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "ssh-foo"));
    snprintf(buf, sizeof(buf), "ssh-ed25519 %s*", b64);
    assert_int_equal(itk_pubkey_from_line(&key, buf, strlen(buf)), ITK_EINVALID);
    snprintf(buf, sizeof(buf), "ssh-ed25519 %s c\nssh-ed25519 %s d\n", b64, b64);
    assert_int_equal(itk_pubkey_from_line(&key, buf, strlen(buf)), ITK_EINVALID);
    assert_int_equal(itk_pubkey_from_line(&key, "ssh-ed25519", 11), ITK_EINVALID);
    assert_int_equal(itk_pubkey_from_line(&key, "", 0), ITK_EINVALID);
    snprintf(buf, sizeof(buf), "ssh-ed25519 %s", b64);
    buf[12 + 8] = 'A'; /* corrupts the length of the type string */
    assert_int_not_equal(itk_pubkey_from_line(&key, buf, strlen(buf)), 0);
    assert_null(key);

    /* every truncation of a valid line: accepted or refused, never a crash */
    snprintf(buf, sizeof(buf), "ssh-ed25519 %s user@host\n", b64);
    for (size_t cut = 0; cut <= strlen(buf); cut++) {
        if (itk_pubkey_from_line(&key, buf, cut) == 0)
            itk_pubkey_free(key);
    }
    /* comment with spaces, tabs and CRLF */
    snprintf(buf, sizeof(buf), "  ssh-ed25519\t%s  two words \r\n", b64);
    assert_int_equal(itk_pubkey_from_line(&key, buf, strlen(buf)), 0);
    assert_string_equal(itk_pubkey_comment(key), "two words");
    itk_pubkey_free(key);

    itk_buf_dispose(&line);
    itk_privkey_free(priv);
}

static void test_pubkey_blob_rejects_bad_fields(void **state)
{
    (void)state;
    itk_pubkey *key = NULL;
    itk_buf blob = ITK_BUF_INIT;
    unsigned char pk[32] = {0};

    /* a 31-byte Ed25519 key */
    assert_int_equal(wr_cstring(&blob, "ssh-ed25519"), 0);
    assert_int_equal(wr_string(&blob, pk, 31), 0);
    assert_int_equal(itk_pubkey_from_blob(&key, blob.ptr, blob.size), ITK_EINVALID);
    /* an ECDSA point off the curve */
    unsigned char point[65] = {4};
    itk_buf_clear(&blob);
    assert_int_equal(wr_cstring(&blob, "ecdsa-sha2-nistp256"), 0);
    assert_int_equal(wr_cstring(&blob, "nistp256"), 0);
    assert_int_equal(wr_string(&blob, point, sizeof(point)), 0);
    assert_int_equal(itk_pubkey_from_blob(&key, blob.ptr, blob.size), ITK_EINVALID);
    /* the wrong curve name */
    itk_buf_clear(&blob);
    assert_int_equal(wr_cstring(&blob, "ecdsa-sha2-nistp256"), 0);
    assert_int_equal(wr_cstring(&blob, "nistp384"), 0);
    assert_int_equal(wr_string(&blob, point, sizeof(point)), 0);
    assert_int_equal(itk_pubkey_from_blob(&key, blob.ptr, blob.size), ITK_EINVALID);
    /* a tiny RSA modulus */
    unsigned char e = 3, n[64];
    memset(n, 0x55, sizeof(n));
    itk_buf_clear(&blob);
    assert_int_equal(wr_cstring(&blob, "ssh-rsa"), 0);
    assert_int_equal(wr_string(&blob, &e, 1), 0);
    assert_int_equal(wr_string(&blob, n, sizeof(n)), 0);
    assert_int_equal(itk_pubkey_from_blob(&key, blob.ptr, blob.size), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "too small"));
    /* certificates and DSA are named as unsupported */
    itk_buf_clear(&blob);
    assert_int_equal(wr_cstring(&blob, "ssh-ed25519-cert-v01@openssh.com"), 0);
    assert_int_equal(itk_pubkey_from_blob(&key, blob.ptr, blob.size), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "certificate"));
    assert_null(key);
    itk_buf_dispose(&blob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe_matches_ssh_keygen_for_every_key_type),
        cmocka_unit_test(test_format_gives_back_the_pub_line),
        cmocka_unit_test(test_generated_key_is_accepted_by_ssh_keygen),
        cmocka_unit_test(test_write_files_refuses_to_overwrite_and_leaves_nothing),
        cmocka_unit_test(test_encrypted_key_needs_the_agent_but_gives_its_public_key),
        cmocka_unit_test(test_private_keys_of_every_type_and_format_are_read),
        cmocka_unit_test(test_encrypted_pem_keys_say_how_to_load_them),
        cmocka_unit_test(test_openssl_keys_are_read_and_other_curves_refused),
        cmocka_unit_test(test_private_key_that_does_not_fit_its_public_key_is_refused),
        cmocka_unit_test(test_public_key_lines_are_canonical_and_private_keys_refused),
        cmocka_unit_test(test_other_files_are_refused_naming_the_expected_format),
        cmocka_unit_test(test_privkey_rejects_corrupt_structure),
        cmocka_unit_test(test_pubkey_line_rejects_malformed_input),
        cmocka_unit_test(test_pubkey_blob_rejects_bad_fields),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
