/* Unit tests of audit_export.c: each key's validity in the allowed signers
 * file (added, compromised at its last good commit), the KRL of compromised
 * keys, and commits that break a rule adding no key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "helpers.h"
#include "itaku/audit_export.h"
#include "itaku/errors.h"
#include "itaku/keyops.h"
#include "itaku/registry.h"
#include "itaku/sshkey.h"

/* a KRL's header (krl.c) with the comment audit_export.c writes */
#define KRL_HEADER                                                                                 \
    (8 + 4 + 8 + 8 + 8 + 4 + 4 + strlen("keys marked compromised in an itaku registry"))

typedef struct {
    char *dir;
    char reg_path[4096];
    itk_signer *city, *acme;
    itk_registry *reg;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    snprintf(f->reg_path, sizeof(f->reg_path), "%s/reg", f->dir);
    th_cache_home(f->dir, "");
    f->city = th_signer();
    f->acme = th_signer();
    git_oid genesis;
    f->reg = th_contract(f->reg_path, f->city, "2026-12-01", "2027-03-31", &genesis);
    th_add_acme(f->reg, f->city, f->acme);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    itk_registry_free(f->reg);
    itk_signer_free(f->city);
    itk_signer_free(f->acme);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static long long head_time(fixture *f, git_oid *id)
{
    git_commit *c = NULL;
    assert_int_equal(git_reference_name_to_id(id, itk_registry_repo(f->reg), "HEAD"), 0);
    assert_int_equal(git_commit_lookup(&c, itk_registry_repo(f->reg), id), 0);
    long long t = (long long)git_commit_time(c);
    git_commit_free(c);
    return t;
}

/* The line of key (its "TYPE BASE64"), or NULL. */
static const char *line_of(const itk_buf *out, const itk_signer *who)
{
    itk_buf pub = ITK_BUF_INIT;
    assert_int_equal(itk_pubkey_format(&pub, itk_signer_public(who)), 0);
    const char *at = strstr(out->ptr, pub.ptr);
    itk_buf_dispose(&pub);
    if (!at)
        return NULL;
    while (at > out->ptr && at[-1] != '\n')
        at--;
    return at;
}

static void test_keys_valid_from_added_until_last_good(void **state)
{
    fixture *f = *state;
    itk_buf out = ITK_BUF_INIT;
    itk_audit_counts c;
    git_oid added, lg, ev;
    long long t_added = head_time(f, &added);
    assert_int_equal(itk_audit_allowed_signers(&out, &c, f->reg, NULL), 0);
    assert_int_equal(c.keys, 2);
    assert_int_equal(c.compromised + c.retired + c.left_out, 0);
    char ts[32], want[256];
    time_t tt = (time_t)t_added;
    strftime(ts, sizeof(ts), "%Y%m%d%H%M%SZ", gmtime(&tt));
    snprintf(want, sizeof(want), "acme/manager namespaces=\"git\",valid-after=\"%s\" ", ts);
    const char *acme = line_of(&out, f->acme);
    assert_non_null(acme);
    assert_memory_equal(acme, want, strlen(want));
    /* no revocation yet: a KRL that revokes nothing */
    assert_int_equal(itk_audit_revocations(&out, &c, f->reg, NULL, 1796083200), 0);
    assert_int_equal(c.keys, 0);
    assert_int_equal(out.size, KRL_HEADER);

    /* the city marks acme's key compromised from the party-add commit on */
    itk_buf fpr = ITK_BUF_INIT;
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), &added);
    assert_int_equal(itk_key_compromise(&ev, f->reg, f->city, fpr.ptr, hex, "盗難"), 0);
    (void)head_time(f, &lg);
    assert_int_equal(itk_audit_allowed_signers(&out, &c, f->reg, NULL), 0);
    assert_int_equal(c.keys, 2);
    assert_int_equal(c.compromised, 1);
    /* added and last good in one second: valid-before alone (ssh-keygen
     * refuses a valid-before that is not after valid-after) */
    snprintf(want, sizeof(want), "acme/manager namespaces=\"git\",valid-before=\"%s\" ", ts);
    acme = line_of(&out, f->acme);
    assert_non_null(acme);
    assert_memory_equal(acme, want, strlen(want));
    char check[128];
    snprintf(check, sizeof(check), "git merge-base --is-ancestor COMMIT %s", hex);
    assert_non_null(strstr(out.ptr, check));
    /* the city's key stays open-ended */
    const char *city = line_of(&out, f->city);
    assert_non_null(city);
    const char *eol = strchr(city, '\n'), *vb = strstr(city, "valid-before");
    assert_true(!vb || vb > eol);
    /* the KRL revokes acme's key alone */
    assert_int_equal(itk_audit_revocations(&out, &c, f->reg, NULL, 1796083200), 0);
    assert_int_equal(c.keys, 1);
    size_t blen;
    const unsigned char *blob = itk_pubkey_blob(itk_signer_public(f->acme), &blen);
    assert_int_equal(out.size, KRL_HEADER + 1 + 4 + 4 + blen);
    assert_memory_equal(out.ptr + out.size - blen, blob, blen);
    itk_buf_dispose(&fpr);
    itk_buf_dispose(&out);
}

static void test_a_commit_breaking_a_rule_adds_no_key(void **state)
{
    fixture *f = *state;
    /* a key nobody may add: acme's folder, signed by a key of no party */
    itk_signer *stranger = th_signer();
    itk_buf fpr = ITK_BUF_INIT, line = ITK_BUF_INIT, path = ITK_BUF_INIT, data = ITK_BUF_INIT;
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(stranger)), 0);
    git_oid head, forged;
    (void)head_time(f, &head);
    assert_int_equal(itk_pubkey_format(&line, itk_signer_public(stranger)), 0);
    itk_buf_printf(&path, "parties/acme/keys/stranger.json");
    itk_buf_printf(&data,
                   "{\"body\": {\"fingerprint\": \"%s\", \"principal\": \"eve\", "
                   "\"public_key\": \"%s\"}}\n",
                   fpr.ptr, line.ptr);
    th_commit_file(&forged, itk_registry_repo(f->reg), stranger, "acme", "eve", "key-add", &head,
                   path.ptr, data.ptr, data.size);
    git_reference *ref = NULL;
    assert_int_equal(git_reference_create(&ref, itk_registry_repo(f->reg), "refs/heads/forged",
                                          &forged, 0, NULL),
                     0);
    git_reference_free(ref);
    itk_buf out = ITK_BUF_INIT;
    itk_audit_counts c;
    assert_int_equal(itk_audit_allowed_signers(&out, &c, f->reg, NULL), 0);
    assert_int_equal(c.left_out, 1);
    assert_int_equal(c.keys, 2);
    assert_null(strstr(out.ptr, fpr.ptr));
    assert_null(line_of(&out, stranger));
    itk_buf_dispose(&out);
    itk_buf_dispose(&fpr);
    itk_buf_dispose(&line);
    itk_buf_dispose(&path);
    itk_buf_dispose(&data);
    itk_signer_free(stranger);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keys_valid_from_added_until_last_good, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_commit_breaking_a_rule_adds_no_key, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
