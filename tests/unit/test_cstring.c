/* The bounded C-string reader at the parsers that use it: a private key
 * file's comment and the comments of an ssh-agent's key list are refused when
 * they hold a NUL byte (they used to be cut there), and read whole otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base64.h"
#include "helpers.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/sshkey.h"
#include "itaku/sshsig.h"

#define BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define END "-----END OPENSSH PRIVATE KEY-----"

/* An unencrypted key file for a key commented "alice@example", with the '@'
 * of its comment replaced by c (the comment is not covered by any check). */
static void key_file_with_comment_byte(itk_buf *out, char c)
{
    itk_privkey *key = NULL;
    char *dir = th_tmpdir(), path[4200];
    snprintf(path, sizeof(path), "%s/k", dir);
    assert_int_equal(itk_privkey_generate_ed25519(&key, "alice@example"), 0);
    assert_int_equal(itk_privkey_write_files(key, path), 0);
    size_t len;
    char *text = th_read(path, &len);
    unsigned char *bin = NULL;
    size_t bin_len = 0;
    assert_int_equal(itk_armor_decode(&bin, &bin_len, text, len, BEGIN, END, "key"), 0);
    unsigned char *at = NULL;
    for (size_t i = 0; i + 13 <= bin_len; i++)
        if (memcmp(bin + i, "alice@example", 13) == 0)
            at = bin + i;
    assert_non_null(at);
    at[5] = (unsigned char)c;
    itk_buf_clear(out);
    assert_int_equal(itk_buf_puts(out, BEGIN "\n"), 0);
    assert_int_equal(itk_base64_encode_wrapped(out, bin, bin_len, 70), 0);
    assert_int_equal(itk_buf_puts(out, "\n" END "\n"), 0);
    free(bin);
    free(text);
    itk_privkey_free(key);
    th_rmtree(dir);
    free(dir);
}

static void test_private_key_comment_with_nul_is_refused(void **state)
{
    (void)state;
    itk_buf file = ITK_BUF_INIT;
    itk_privkey *key = NULL;
    key_file_with_comment_byte(&file, '\0');
    assert_int_equal(itk_privkey_parse(&key, file.ptr, file.size, "id_test"), ITK_EINVALID);
    assert_null(key);
    assert_string_equal(itk_error_last(), "id_test: key comment contains a NUL byte");
    itk_buf_dispose(&file);
}

static void test_private_key_comment_without_nul_is_read_whole(void **state)
{
    (void)state;
    itk_buf file = ITK_BUF_INIT;
    itk_privkey *key = NULL;
    key_file_with_comment_byte(&file, '_');
    assert_int_equal(itk_privkey_parse(&key, file.ptr, file.size, "id_test"), 0);
    assert_string_equal(itk_pubkey_comment(itk_privkey_public(key)), "alice_example");
    itk_privkey_free(key);
    itk_buf_dispose(&file);
}

static void put_u32(itk_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    assert_int_equal(itk_buf_put(b, x, 4), 0);
}

static void put_string(itk_buf *b, const void *p, size_t n)
{
    put_u32(b, (uint32_t)n);
    assert_int_equal(itk_buf_put(b, p, n), 0);
}

/* Lists the keys of a one-shot agent at a socket in the test's folder whose
 * reply holds one Ed25519 key with the n bytes of comment. */
static int list_from_fake_agent(itk_pubkey ***keys, size_t *count, const char *comment, size_t n,
                                char *sock, size_t sock_cap)
{
    itk_privkey *key = NULL;
    itk_buf body = ITK_BUF_INIT, reply = ITK_BUF_INIT;
    size_t blob_len;
    assert_int_equal(itk_privkey_generate_ed25519(&key, ""), 0);
    const unsigned char *blob = itk_pubkey_blob(itk_privkey_public(key), &blob_len);
    unsigned char type = 12; /* SSH2_AGENT_IDENTITIES_ANSWER */
    assert_int_equal(itk_buf_put(&body, &type, 1), 0);
    put_u32(&body, 1);
    put_string(&body, blob, blob_len);
    put_string(&body, comment, n);
    put_string(&reply, body.ptr, body.size);

    char *dir = th_tmpdir();
    snprintf(sock, sock_cap, "%s/agent.sock", dir);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(sock) < sizeof(sa.sun_path));
    memcpy(sa.sun_path, sock, strlen(sock) + 1);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(lfd, 1), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* the agent: read the request (length, then that many bytes), answer */
        int c = accept(lfd, NULL, NULL);
        unsigned char req[64];
        ssize_t got = c >= 0 ? read(c, req, sizeof(req)) : -1;
        ssize_t put = got > 0 ? write(c, reply.ptr, reply.size) : -1;
        _exit(put == (ssize_t)reply.size ? 0 : 1);
    }
    close(lfd);
    int rc = itk_agent_list(keys, count, sock);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    unlink(sock);
    th_rmtree(dir);
    free(dir);
    itk_buf_dispose(&body);
    itk_buf_dispose(&reply);
    itk_privkey_free(key);
    return rc;
}

static void test_agent_key_comment_with_nul_is_refused(void **state)
{
    (void)state;
    itk_pubkey **keys = NULL;
    size_t count = 0;
    char sock[4200], want[4400];
    assert_int_equal(list_from_fake_agent(&keys, &count, "alice\0example", 13, sock, sizeof(sock)),
                     ITK_EINVALID);
    assert_null(keys);
    assert_int_equal(count, 0);
    snprintf(want, sizeof(want), "the ssh-agent at %s: key comment contains a NUL byte", sock);
    assert_string_equal(itk_error_last(), want);
}

static void test_agent_key_comment_without_nul_is_listed(void **state)
{
    (void)state;
    itk_pubkey **keys = NULL;
    size_t count = 0;
    char sock[4200];
    assert_int_equal(list_from_fake_agent(&keys, &count, "alice@example", 13, sock, sizeof(sock)),
                     0);
    assert_int_equal(count, 1);
    assert_string_equal(itk_pubkey_comment(keys[0]), "alice@example");
    itk_pubkey_list_free(keys, count);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_private_key_comment_with_nul_is_refused),
        cmocka_unit_test(test_private_key_comment_without_nul_is_read_whole),
        cmocka_unit_test(test_agent_key_comment_with_nul_is_refused),
        cmocka_unit_test(test_agent_key_comment_without_nul_is_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
