/* Unit tests of core/senders.c: which line a verified tip moves, and
 * whether a request branch may point at it, from who signed it (DESIGN §7)
 * in the chain city → acme, whatever the source calls it. */
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
#include "itaku/registry.h"
#include "senders_priv.h"

#define CITY "akiruno-city"

typedef struct {
    char *dir;
    itk_signer *city, *acme;
    itk_registry *reg;
    git_tree *tree;
    git_oid tip;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    char path[4200];
    git_commit *c = NULL;
    f->dir = th_tmpdir();
    snprintf(path, sizeof(path), "%s/city", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    f->reg = th_contract(path, f->city, NULL, NULL, NULL);
    th_add_acme(f->reg, f->city, f->acme);
    git_repository *repo = itk_registry_repo(f->reg);
    assert_int_equal(git_reference_name_to_id(&f->tip, repo, "HEAD"), 0);
    assert_int_equal(git_commit_lookup(&c, repo, &f->tip), 0);
    assert_int_equal(git_commit_tree(&f->tree, c), 0);
    git_commit_free(c);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    git_tree_free(f->tree);
    itk_registry_free(f->reg);
    itk_signer_free(f->city);
    itk_signer_free(f->acme);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static int attribute(char out[ITK_PARTY_ID_MAX + 1], fixture *f, itk_tip_kind kind,
                     const char *named, const char *signer, int strict)
{
    return itk_senders_attribute(out, itk_registry_repo(f->reg), f->tree, kind, named, signer,
                                 strict, &f->tip, "main", "test");
}

static void test_senders_line_of_its_signer_or_below_it(void **state)
{
    fixture *f = *state;
    char out[ITK_PARTY_ID_MAX + 1];
    /* the party's own commit, and its parent's after a fast-forward pull */
    assert_int_equal(attribute(out, f, ITK_TIP_LINE, "acme", "acme", 1), 0);
    assert_string_equal(out, "acme");
    assert_int_equal(attribute(out, f, ITK_TIP_LINE, "acme", CITY, 1), 0);
    assert_string_equal(out, "acme");
    assert_int_equal(attribute(out, f, ITK_TIP_LINE, CITY, CITY, 1), 0);
    assert_string_equal(out, CITY);
}

static void test_senders_hint_gives_way_to_the_signature(void **state)
{
    fixture *f = *state;
    char out[ITK_PARTY_ID_MAX + 1];
    /* a remote tagged as the city serving acme's line: acme's */
    assert_int_equal(attribute(out, f, ITK_TIP_LINE, CITY, "acme", 0), 0);
    assert_string_equal(out, "acme");
    /* a name nobody registered */
    assert_int_equal(attribute(out, f, ITK_TIP_LINE, "nobody", "acme", 0), 0);
    assert_string_equal(out, "acme");
}

static void test_senders_refuses_a_claim_its_signature_contradicts(void **state)
{
    fixture *f = *state;
    char out[ITK_PARTY_ID_MAX + 1];
    assert_int_equal(attribute(out, f, ITK_TIP_LINE, CITY, "acme", 1), ITK_EVERIFY);
    assert_non_null(strstr(itk_error_last(), "signed by acme"));
    assert_non_null(strstr(itk_error_last(), "the city's line moves only to the city's commits"));
    assert_string_equal(out, "");
    assert_int_equal(attribute(out, f, ITK_TIP_LINE, "nobody", "acme", 1), ITK_EVERIFY);
    /* nobody's commit moves no line at all */
    assert_int_equal(attribute(out, f, ITK_TIP_LINE, "acme", "", 0), ITK_EVERIFY);
    assert_non_null(strstr(itk_error_last(), "no registered party signed"));
}

static void test_senders_request_of_its_requester_or_between(void **state)
{
    fixture *f = *state;
    char out[ITK_PARTY_ID_MAX + 1];
    assert_int_equal(attribute(out, f, ITK_TIP_REQUEST, "acme", "acme", 0), 0);
    assert_string_equal(out, "acme");
    /* the city decides by merging; it never moves a request branch */
    assert_int_equal(attribute(out, f, ITK_TIP_REQUEST, "acme", CITY, 0), ITK_EVERIFY);
    assert_non_null(strstr(itk_error_last(), "signed by " CITY));
    assert_int_equal(attribute(out, f, ITK_TIP_REQUEST, "acme", "beta", 0), ITK_EVERIFY);
    assert_int_equal(attribute(out, f, ITK_TIP_REQUEST, "nobody", "nobody", 0), ITK_EVERIFY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_senders_line_of_its_signer_or_below_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_senders_hint_gives_way_to_the_signature, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_senders_refuses_a_claim_its_signature_contradicts,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_senders_request_of_its_requester_or_between, setup,
                                        teardown),
    };
    git_libgit2_init();
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
