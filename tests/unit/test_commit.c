/* Unit tests of core/commit.c: a registry is one party's (itaku.party), and
 * every commit itk_registry_commit prepares is checked with verify's rules
 * before its branch moves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "itaku/errors.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/commit.h"

typedef struct {
    char *dir;
    itk_signer *city, *acme;
    itk_registry *reg;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    char path[4096];
    f->dir = th_tmpdir();
    snprintf(path, sizeof(path), "%s/reg", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    f->reg = th_contract(path, f->city, NULL, NULL, NULL);
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

static void head_of(git_oid *out, itk_registry *reg)
{
    assert_int_equal(git_reference_name_to_id(out, itk_registry_repo(reg), "HEAD"), 0);
}

static void set_party(itk_registry *reg, const char *party)
{
    git_config *cfg = NULL;
    assert_int_equal(git_repository_config(&cfg, itk_registry_repo(reg)), 0);
    assert_int_equal(git_config_set_string(cfg, ITK_CONFIG_PARTY, party), 0);
    git_config_free(cfg);
}

/* A register entry of acme's, as itk_record_submit would write it, at path. */
static itk_change *entry_at(const char *path)
{
    itk_change *c = NULL;
    itk_buf data = ITK_BUF_INIT;
    json_t *body = th_register_entry("received", "item-1", "2026-12-02T10:00:00+09:00");
    itk_record_fields rf = {"register", "r-000001", "acme", "2026-12-02T10:00:00+09:00",
                            NULL,       NULL,       body,   NULL};
    assert_int_equal(itk_record_build(&data, &rf), 0);
    assert_int_equal(itk_change_new(&c, "submit", "Submit a register entry"), 0);
    assert_int_equal(itk_change_add(c, path, data.ptr, data.size), 0);
    json_decref(body);
    itk_buf_dispose(&data);
    return c;
}

static void test_a_commit_verify_refuses_is_not_written(void **state)
{
    fixture *f = *state;
    git_oid before, after, out;
    head_of(&before, f->reg);
    /* a library caller's change that writes into the city's folder (V2) */
    itk_change *c = entry_at("parties/akiruno-city/register/r-000001.json");
    int rc = itk_registry_commit(&out, f->reg, f->acme, c);
    itk_change_free(c);
    assert_int_equal(rc, ITK_EVERIFY);
    assert_non_null(strstr(itk_error_last(), "breaks V2 at parties/akiruno-city/register/"));
    assert_non_null(strstr(itk_error_last(), "so no branch moved"));
    head_of(&after, f->reg);
    assert_true(git_oid_equal(&before, &after));
    /* the twin: the same entry in acme's own folder is written */
    c = entry_at("parties/acme/register/r-000001.json");
    rc = itk_registry_commit(&out, f->reg, f->acme, c);
    itk_change_free(c);
    assert_int_equal(rc, 0);
    head_of(&after, f->reg);
    assert_true(git_oid_equal(&out, &after));
}

static void test_another_partys_key_is_refused_naming_both(void **state)
{
    fixture *f = *state;
    git_oid before, after, out;
    set_party(f->reg, "acme");
    head_of(&before, f->reg);
    itk_change *c = entry_at("parties/acme/register/r-000001.json");
    /* the city's key in acme's registry */
    int rc = itk_registry_commit(&out, f->reg, f->city, c);
    assert_int_equal(rc, ITK_EAUTH);
    assert_non_null(strstr(itk_error_last(), "this is acme's registry; the key given is "
                                             "akiruno-city's (akiruno-city/officer)"));
    head_of(&after, f->reg);
    assert_true(git_oid_equal(&before, &after));
    /* acme's own key writes */
    assert_int_equal(itk_registry_commit(&out, f->reg, f->acme, c), 0);
    itk_change_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_commit_verify_refuses_is_not_written, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_another_partys_key_is_refused_naming_both, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("commit", tests, NULL, NULL);
}
