/* Unit tests of the city's state V12 reads (core/verify/policy_citystate.c):
 * itaku.json's identity fields (city, contract_id) never change after the
 * genesis (V4), and no commit of the city builds on a tree whose itaku.json
 * names another city (V12). Every hostile commit is built with libgit2, as
 * another tool could write it; its twin (another field of itaku.json
 * changed by the city) passes. The merge rules are in
 * tests/e2e/test_kessai_withstand3.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/query.h"
#include "itaku/registry.h"

#define CITY "akiruno-city"

typedef th_acme fixture;

static int setup(void **state)
{
    fixture *f = th_acme_new();
    assert_int_equal(git_reference_name_to_id(&f->head, f->repo, "HEAD"), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    th_acme_free(*state);
    return 0;
}

/* A commit of the city's officer on parent replacing itaku.json (as parent
 * holds it) with field set to value. */
static void contract_set(fixture *f, git_oid *out, const git_oid *parent, const char *field,
                         const char *value)
{
    git_commit *c = NULL;
    git_tree *t = NULL;
    json_t *contract = NULL;
    itk_buf data = ITK_BUF_INIT;
    assert_int_equal(git_commit_lookup(&c, f->repo, parent), 0);
    assert_int_equal(git_commit_tree(&t, c), 0);
    assert_int_equal(itk_tree_read(&data, f->repo, t, "itaku.json", 1 << 20), 0);
    assert_int_equal(itk_json_parse(&contract, data.ptr, data.size, "itaku.json"), 0);
    itk_buf_clear(&data);
    assert_int_equal(json_object_set_new(contract, field, json_string(value)), 0);
    assert_int_equal(itk_json_canonical(&data, contract), 0);
    th_commit_file(out, f->repo, f->city, CITY, "officer", "contract-update", parent, "itaku.json",
                   data.ptr, data.size);
    itk_buf_dispose(&data);
    json_decref(contract);
    git_tree_free(t);
    git_commit_free(c);
}

static void test_v4_refuses_renaming_the_city(void **state)
{
    fixture *f = *state;
    git_oid c;
    contract_set(f, &c, &f->head, "city", "akiruno-clty");
    th_expect_rule(f->reg, th_hex(&c), "V4", &c);
}

static void test_v4_refuses_changing_the_contract_id(void **state)
{
    fixture *f = *state;
    git_oid c;
    contract_set(f, &c, &f->head, "contract_id", "C-999");
    th_expect_rule(f->reg, th_hex(&c), "V4", &c);
}

/* an itaku.json that is no JSON object names no city: every lookup keyed
 * on the city would find nothing */
static void test_v4_refuses_an_itaku_json_naming_no_city(void **state)
{
    fixture *f = *state;
    git_oid c1, c2;
    th_commit_file(&c1, f->repo, f->city, CITY, "officer", "contract-update", &f->head,
                   "itaku.json", "[]\n", 3);
    th_expect_rule(f->reg, th_hex(&c1), "V4", &c1);
    contract_set(f, &c2, &f->head, "title", "改めた契約");
    th_commit_file(&c1, f->repo, f->city, CITY, "officer", "contract-update", &c2, "itaku.json",
                   "{\"title\": \"x\"}\n", 15);
    th_expect_rule(f->reg, th_hex(&c1), "V4", &c1);
}

/* renamed, then renamed back: the commit that renames it back builds on a
 * tree naming another city */
static void test_v12_refuses_building_on_a_renamed_city(void **state)
{
    fixture *f = *state;
    git_oid c1, c2;
    contract_set(f, &c1, &f->head, "city", "akiruno-clty");
    contract_set(f, &c2, &c1, "city", CITY);
    th_expect_rule(f->reg, th_hex(&c2), "V4", &c1);
    th_expect_rule(f->reg, th_hex(&c2), "V12", &c2);
}

/* the twin: the city changes another field of itaku.json */
static void test_accepts_the_city_changing_the_title(void **state)
{
    fixture *f = *state;
    git_oid c1, c2;
    contract_set(f, &c1, &f->head, "title", "改めた契約");
    contract_set(f, &c2, &c1, "title", "二度改めた契約");
    th_expect_clean(f->reg, th_hex(&c1));
    th_expect_clean(f->reg, th_hex(&c2));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_v4_refuses_renaming_the_city),
        T(test_v4_refuses_changing_the_contract_id),
        T(test_v4_refuses_an_itaku_json_naming_no_city),
        T(test_v12_refuses_building_on_a_renamed_city),
        T(test_accepts_the_city_changing_the_title),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
