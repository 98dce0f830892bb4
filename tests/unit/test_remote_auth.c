/* Unit tests of core/flow/remote_auth.c: what a known_hosts file says about
 * a server's host key (OpenSSH sshd(8) SSH_KNOWN_HOSTS FILE FORMAT). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "remote_auth.h"

/* The wire blobs the lines below hold, base64 in the file. */
static const char one[] = "ssh-ed25519 key one";
#define ONE_B64 "c3NoLWVkMjU1MTkga2V5IG9uZQ=="
#define TWO_B64 "c3NoLWVkMjU1MTkga2V5IHR3bw=="

static int lookup(const char *text, const char *host)
{
    return itk_known_hosts_match(text, strlen(text), host, (const unsigned char *)one,
                                 sizeof(one) - 1);
}

/* A server on another port than 22 is written "[host]:port"; its brackets
 * are themselves, not a set of characters as in a shell pattern. */
static void test_a_host_with_a_port_is_found_written_plain(void **state)
{
    (void)state;
    assert_int_equal(lookup("[127.0.0.1]:2222 ssh-ed25519 " ONE_B64 "\n", "[127.0.0.1]:2222"),
                     KH_MATCH);
    assert_int_equal(lookup("[127.0.0.1]:2222 ssh-ed25519 " TWO_B64 "\n", "[127.0.0.1]:2222"),
                     KH_MISMATCH);
    assert_int_equal(lookup("[127.0.0.1]:2222 ssh-ed25519 " ONE_B64 "\n", "[127.0.0.1]:2223"),
                     KH_UNKNOWN);
    /* what a shell pattern would have matched */
    assert_int_equal(lookup("[127.0.0.1]:2222 ssh-ed25519 " ONE_B64 "\n", "1:2222"), KH_UNKNOWN);
    /* and hashed, as ssh writes it with HashKnownHosts yes */
    assert_int_equal(lookup("|1|MDEyMzQ1Njc4OWFiY2RlZmdoaWo=|kjl9J932vxVxCmU2IfKMefPFSKM= "
                            "ssh-ed25519 " ONE_B64 "\n",
                            "[127.0.0.1]:2222"),
                     KH_MATCH);
}

static void test_wildcards_and_negations(void **state)
{
    (void)state;
    const char *text = "*.example.org,!bad.example.org ssh-ed25519 " ONE_B64 "\n"
                       "host?.city.lg.jp ssh-ed25519 " ONE_B64 "\n";
    assert_int_equal(lookup(text, "git.example.org"), KH_MATCH);
    assert_int_equal(lookup(text, "bad.example.org"), KH_UNKNOWN);
    assert_int_equal(lookup(text, "example.org"), KH_UNKNOWN);
    assert_int_equal(lookup(text, "host1.city.lg.jp"), KH_MATCH);
    assert_int_equal(lookup(text, "host12.city.lg.jp"), KH_UNKNOWN);
    assert_int_equal(lookup("GIT.Example.ORG ssh-ed25519 " ONE_B64 "\n", "git.example.org"),
                     KH_MATCH);
    assert_int_equal(lookup("* ssh-ed25519 " ONE_B64 "\n", "anything"), KH_MATCH);
    assert_int_equal(lookup("a*b*c ssh-ed25519 " ONE_B64 "\n", "axxbyybc"), KH_MATCH);
    assert_int_equal(lookup("a*b*c ssh-ed25519 " ONE_B64 "\n", "axxbyyb"), KH_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_host_with_a_port_is_found_written_plain),
        cmocka_unit_test(test_wildcards_and_negations),
    };
    return cmocka_run_group_tests_name("remote_auth", tests, NULL, NULL);
}
