/* Unit tests of bundles (core/bundle.c, and the quarantine of core/sync.c it
 * goes through): the header parser on good and hostile headers, a bundle
 * written and imported in-process, and an import refused at every possible
 * truncation with no ref moved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "itaku/bundle.h"
#include "itaku/errors.h"
#include "itaku/party.h"
#include "itaku/registry.h"

#define OID_A "1111111111111111111111111111111111111111"
#define OID_B "2222222222222222222222222222222222222222"

static int parse(itk_bundle_header **h, size_t *hlen, const char *text)
{
    return itk_bundle_header_parse(h, hlen, text, strlen(text));
}

static void test_header_parses_prerequisites_refs_and_length(void **state)
{
    (void)state;
    const char *text = "# v2 git bundle\n-" OID_A " Approve acme/q-000001\n" OID_B
                       " refs/heads/main\n" OID_B " HEAD\n\nPACK....";
    itk_bundle_header *h = NULL;
    size_t hlen = 0;
    git_oid id;
    assert_int_equal(parse(&h, &hlen, text), 0);
    assert_int_equal(hlen, strlen(text) - strlen("PACK...."));
    assert_int_equal(itk_bundle_header_version(h), 2);
    assert_int_equal(itk_bundle_header_prerequisite_count(h), 1);
    assert_string_equal(git_oid_tostr_s(itk_bundle_header_prerequisite(h, 0)), OID_A);
    assert_int_equal(itk_bundle_header_ref_count(h), 2);
    assert_string_equal(itk_bundle_header_ref(h, 0, &id), "refs/heads/main");
    assert_string_equal(git_oid_tostr_s(&id), OID_B);
    assert_string_equal(itk_bundle_header_ref(h, 1, NULL), "HEAD");
    assert_null(itk_bundle_header_ref(h, 2, NULL));
    itk_bundle_header_free(h);
}

static void test_header_accepts_v3_with_sha1_only(void **state)
{
    (void)state;
    itk_bundle_header *h = NULL;
    size_t hlen;
    assert_int_equal(
        parse(&h, &hlen, "# v3 git bundle\n@object-format=sha1\n" OID_A " refs/heads/main\n\n"), 0);
    assert_int_equal(itk_bundle_header_version(h), 3);
    itk_bundle_header_free(h);
    assert_int_equal(
        parse(&h, &hlen, "# v3 git bundle\n@filter=blob:none\n" OID_A " refs/heads/main\n\n"),
        ITK_EUNSUPPORTED);
    assert_null(h);
}

static void test_header_rejects_hostile_input(void **state)
{
    (void)state;
    static const char *bad[] = {
        "",
        "# v2 git bundle",                                                     /* no newline */
        "# v9 git bundle\n" OID_A " refs/heads/main\n\n",                      /* unknown version */
        "# v2 git bundle\n" OID_A " refs/heads/main\n",                        /* no blank line */
        "# v2 git bundle\n\n",                                                 /* no ref */
        "# v2 git bundle\n@object-format=sha1\n" OID_A " refs/heads/main\n\n", /* v2 caps */
        "# v2 git bundle\n-" OID_A "x\n" OID_A " refs/heads/main\n\n",         /* glued comment */
        "# v2 git bundle\n-1234\n" OID_A " refs/heads/main\n\n",               /* short prereq */
        "# v2 git bundle\n" OID_A "refs/heads/main\n\n",                       /* no space */
        "# v2 git bundle\n" OID_A " \n\n",                                     /* empty name */
        "# v2 git bundle\n" OID_A " refs/heads/../x\n\n",                      /* .. */
        "# v2 git bundle\n" OID_A " refs/heads/x.lock\n\n",
        "# v2 git bundle\n" OID_A " refs/heads/a b\n\n",
        "# v2 git bundle\n" OID_A " main\n\n", /* not under refs/ */
        "# v2 git bundle\n1111111111111111111111111111111111111ABC refs/heads/main\n\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        itk_bundle_header *h = NULL;
        size_t hlen = 99;
        int rc = parse(&h, &hlen, bad[i]);
        if (rc == 0)
            fail_msg("accepted bad header %zu: %s", i, bad[i]);
        assert_null(h);
        assert_int_equal(hlen, 0);
        assert_true(strlen(itk_error_last()) > 0);
    }
}

static void test_header_rejects_a_too_long_line(void **state)
{
    (void)state;
    size_t n = ITK_BUNDLE_MAX_LINE + 100;
    char *text = malloc(n + 64);
    int len = snprintf(text, n + 64, "# v2 git bundle\n-%s ", OID_A);
    memset(text + len, 'x', n);
    memcpy(text + len + n, "\n\n", 3);
    itk_bundle_header *h = NULL;
    size_t hlen;
    assert_int_equal(itk_bundle_header_parse(&h, &hlen, text, strlen(text)), ITK_ETOOBIG);
    free(text);
}

/* ---- create and import, in-process ---- */

typedef struct {
    char *dir;
    char a[4096], b[4096], small[4096], cut[4096];
    itk_signer *city, *acme;
    itk_registry *ra, *rb;
} fixture;

static size_t refs_of(itk_registry *reg, char *out, size_t cap)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    size_t n = 0;
    out[0] = '\0';
    assert_int_equal(git_reference_iterator_new(&it, itk_registry_repo(reg)), 0);
    while (git_reference_next(&ref, it) == 0) {
        size_t len = strlen(out);
        const git_oid *id = git_reference_target(ref);
        snprintf(out + len, cap - len, "%s %s\n", git_reference_name(ref),
                 id ? git_oid_tostr_s(id) : git_reference_symbolic_target(ref));
        git_reference_free(ref);
        n++;
    }
    git_reference_iterator_free(it);
    return n;
}

/* Registry A (the city) with a genesis; registry B holding A's whole history
 * through a first bundle; A then registers acme, and `small` is the
 * incremental bundle of that one commit (prerequisite: the genesis). */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    snprintf(f->a, sizeof(f->a), "%s/a", f->dir);
    snprintf(f->b, sizeof(f->b), "%s/b", f->dir);
    snprintf(f->small, sizeof(f->small), "%s/small.bundle", f->dir);
    snprintf(f->cut, sizeof(f->cut), "%s/cut.bundle", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    git_oid genesis;
    f->ra = th_contract(f->a, f->city, NULL, NULL, &genesis);
    char full[4200];
    snprintf(full, sizeof(full), "%s/full.bundle", f->dir);
    itk_bundle_stats st;
    assert_int_equal(itk_bundle_create(&st, f->ra, f->city, full, "acme"), 0);
    assert_int_equal(st.nprerequisites, 0);
    assert_int_equal(st.ncommits, 1);
    /* B: an empty repository pinned to the same contract */
    assert_int_equal(
        th_sh("git init -q -b main '%s' && cp '%s/.git/config' '%s/.git/config'", f->b, f->a, f->b),
        0);
    assert_int_equal(itk_registry_open(&f->rb, f->b), 0);
    itk_sync_report *rep = calloc(1, sizeof(*rep));
    assert_int_equal(itk_bundle_import(rep, f->rb, full, NULL, NULL), 0);
    assert_int_equal(rep->nlines, 1);
    assert_string_equal(rep->lines[0].party, "akiruno-city");
    assert_true(git_oid_equal(&rep->lines[0].new_tip, &genesis));
    free(rep);
    /* A: a second commit, and B's line known to A */
    th_add_acme(f->ra, f->city, f->acme);
    git_reference *ref = NULL;
    assert_int_equal(git_reference_create(&ref, itk_registry_repo(f->ra), "refs/itaku/lines/acme",
                                          &genesis, 0, "test"),
                     0);
    git_reference_free(ref);
    assert_int_equal(itk_bundle_create(&st, f->ra, f->city, f->small, "acme"), 0);
    assert_int_equal(st.nprerequisites, 1);
    assert_int_equal(st.ncommits, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    itk_registry_free(f->ra);
    itk_registry_free(f->rb);
    itk_signer_free(f->city);
    itk_signer_free(f->acme);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void test_bundle_create_refuses_when_party_has_everything(void **state)
{
    fixture *f = *state;
    git_oid main_id;
    git_reference *ref = NULL;
    char again[4200];
    assert_int_equal(
        git_reference_name_to_id(&main_id, itk_registry_repo(f->ra), "refs/heads/main"), 0);
    assert_int_equal(git_reference_create(&ref, itk_registry_repo(f->ra), "refs/itaku/lines/acme",
                                          &main_id, 1, "test"),
                     0);
    git_reference_free(ref);
    snprintf(again, sizeof(again), "%s/again.bundle", f->dir);
    itk_bundle_stats st;
    assert_int_equal(itk_bundle_create(&st, f->ra, f->city, again, "acme"), ITK_ENOTFOUND);
    FILE *probe = fopen(again, "rb");
    assert_null(probe);
}

static void test_bundle_import_refused_at_every_truncation(void **state)
{
    fixture *f = *state;
    size_t len;
    char *data = th_read(f->small, &len);
    char before[8192], after[8192];
    refs_of(f->rb, before, sizeof(before));
    itk_sync_report *rep = calloc(1, sizeof(*rep));
    for (size_t cut = 0; cut < len; cut++) {
        th_write(f->cut, data, cut);
        int rc = itk_bundle_import(rep, f->rb, f->cut, "akiruno-city", NULL);
        if (rc == 0)
            fail_msg("a bundle cut at %zu of %zu bytes was imported", cut, len);
        refs_of(f->rb, after, sizeof(after));
        assert_string_equal(before, after);
    }
    /* the whole bundle goes in, and moves the city's line */
    assert_int_equal(itk_bundle_import(rep, f->rb, f->small, NULL, NULL), 0);
    assert_int_equal(rep->nlines, 1);
    assert_false(git_oid_is_zero(&rep->lines[0].old_tip));
    free(rep);
    free(data);
}

static void test_bundle_import_refuses_a_bad_pack_checksum(void **state)
{
    fixture *f = *state;
    size_t len;
    char *data = th_read(f->small, &len);
    char before[8192], after[8192];
    refs_of(f->rb, before, sizeof(before));
    data[len - 1] ^= 0x01;
    th_write(f->cut, data, len);
    assert_int_not_equal(itk_bundle_import(NULL, f->rb, f->cut, NULL, NULL), 0);
    refs_of(f->rb, after, sizeof(after));
    assert_string_equal(before, after);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_parses_prerequisites_refs_and_length),
        cmocka_unit_test(test_header_accepts_v3_with_sha1_only),
        cmocka_unit_test(test_header_rejects_hostile_input),
        cmocka_unit_test(test_header_rejects_a_too_long_line),
        cmocka_unit_test_setup_teardown(test_bundle_create_refuses_when_party_has_everything, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bundle_import_refused_at_every_truncation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bundle_import_refuses_a_bad_pack_checksum, setup,
                                        teardown),
    };
    git_libgit2_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
