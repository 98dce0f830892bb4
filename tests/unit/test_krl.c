/* Unit tests for krl.c: the KRL we write is byte for byte the one
 * `ssh-keygen -k` writes for the same keys, ssh-keygen -Q reads it, and the
 * limits hold (keys are made by the tests with ssh-keygen). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "itaku/errors.h"
#include "itaku/krl.h"
#include "itaku/sshkey.h"

typedef struct {
    char *dir;
    itk_pubkey *keys[3]; /* ed25519 a and b, ecdsa c */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    const char *names[] = {"a", "b", "c"}, *types[] = {"ed25519", "ed25519", "ecdsa"};
    for (int i = 0; i < 3; i++) {
        char path[512];
        if (th_sh("ssh-keygen -q -t %s -N '' -C %s -f '%s/%s' </dev/null", types[i], names[i],
                  f->dir, names[i]) != 0)
            return -1;
        snprintf(path, sizeof(path), "%s/%s.pub", f->dir, names[i]);
        if (itk_pubkey_read_file(&f->keys[i], path) != 0)
            return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 3; i++)
        itk_pubkey_free(f->keys[i]);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static unsigned long long be64(const unsigned char *p)
{
    unsigned long long v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static void test_same_bytes_as_ssh_keygen(void **state)
{
    fixture *f = *state;
    /* ssh-keygen -k: version 42, both orders of the keys, one key twice */
    assert_int_equal(th_sh("cd '%s' && ssh-keygen -q -k -z 42 -f ref.krl c.pub a.pub b.pub a.pub "
                           ">/dev/null 2>&1",
                           f->dir),
                     0);
    char path[512];
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/ref.krl", f->dir);
    unsigned char *ref = (unsigned char *)th_read(path, &len);
    assert_true(len > 44);
    long long generated = (long long)be64(ref + 20);
    const itk_pubkey *keys[] = {f->keys[1], f->keys[0], f->keys[2], f->keys[0]};
    itk_buf out = ITK_BUF_INIT;
    assert_int_equal(itk_krl_write(&out, keys, 4, 42, generated, ""), 0);
    assert_int_equal(out.size, len);
    assert_memory_equal(out.ptr, ref, len);
    free(ref);
    itk_buf_dispose(&out);
}

static void test_ssh_keygen_finds_exactly_the_revoked_keys(void **state)
{
    fixture *f = *state;
    const itk_pubkey *keys[] = {f->keys[2], f->keys[0]};
    itk_buf out = ITK_BUF_INIT;
    assert_int_equal(itk_krl_write(&out, keys, 2, 7, 1796083200, "compromised keys of C-1"), 0);
    char path[512];
    snprintf(path, sizeof(path), "%s/ours.krl", f->dir);
    th_write(path, out.ptr, out.size);
    /* -Q exits non-zero when any key given is revoked */
    assert_int_not_equal(th_sh("cd '%s' && ssh-keygen -Q -f ours.krl a.pub >/dev/null", f->dir), 0);
    assert_int_not_equal(th_sh("cd '%s' && ssh-keygen -Q -f ours.krl c.pub >/dev/null", f->dir), 0);
    assert_int_equal(th_sh("cd '%s' && ssh-keygen -Q -f ours.krl b.pub >/dev/null", f->dir), 0);
    /* the header: magic, format 1, version, date, flags, reserved, comment */
    assert_memory_equal(out.ptr, "SSHKRL\n\0\0\0\0\1", 12);
    assert_int_equal(be64((unsigned char *)out.ptr + 12), 7);
    assert_int_equal(be64((unsigned char *)out.ptr + 20), 1796083200);
    assert_int_equal(be64((unsigned char *)out.ptr + 28), 0);
    assert_memory_equal(out.ptr + 36,
                        "\0\0\0\0\0\0\0\x17"
                        "compromised keys of C-1",
                        31);
    itk_buf_dispose(&out);
}

static void test_no_key_revokes_nothing(void **state)
{
    fixture *f = *state;
    itk_buf out = ITK_BUF_INIT;
    assert_int_equal(itk_krl_write(&out, NULL, 0, 1, 0, NULL), 0);
    assert_int_equal(out.size, 8 + 4 + 8 + 8 + 8 + 4 + 4); /* the header alone */
    char path[512];
    snprintf(path, sizeof(path), "%s/empty.krl", f->dir);
    th_write(path, out.ptr, out.size);
    assert_int_equal(th_sh("cd '%s' && ssh-keygen -Q -f empty.krl a.pub b.pub >/dev/null", f->dir),
                     0);
    itk_buf_dispose(&out);
}

static void test_limits_leave_nothing(void **state)
{
    fixture *f = *state;
    itk_buf out = ITK_BUF_INIT;
    const itk_pubkey *one[] = {f->keys[0]};
    itk_buf_puts(&out, "stale");
    assert_int_equal(itk_krl_write(&out, one, ITK_KRL_KEYS_MAX + 1, 1, 0, ""), ITK_ETOOBIG);
    assert_int_equal(out.size, 0);
    char *comment = malloc(ITK_KRL_COMMENT_MAX + 2);
    memset(comment, 'x', ITK_KRL_COMMENT_MAX + 1);
    comment[ITK_KRL_COMMENT_MAX + 1] = '\0';
    assert_int_equal(itk_krl_write(&out, one, 1, 1, 0, comment), ITK_ETOOBIG);
    assert_int_equal(out.size, 0);
    comment[ITK_KRL_COMMENT_MAX] = '\0';
    assert_int_equal(itk_krl_write(&out, one, 1, 1, 0, comment), 0);
    free(comment);
    assert_int_equal(itk_krl_write(&out, one, 1, 1, -1, ""), ITK_EINVALID);
    assert_int_equal(out.size, 0);
    itk_buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes_as_ssh_keygen),
        cmocka_unit_test(test_ssh_keygen_finds_exactly_the_revoked_keys),
        cmocka_unit_test(test_no_key_revokes_nothing),
        cmocka_unit_test(test_limits_leave_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
