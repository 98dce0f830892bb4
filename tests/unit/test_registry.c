/* Unit tests of the registry modules: init (genesis), identity lookup, ids,
 * signed commits, signer selection, party registration and submissions, and
 * verification of what they wrote (core/registry.c, init.c, commit.c, ids.c,
 * signer_select.c, party.c, query.c, verify.c, policy.c). */
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
#include "itaku/party.h"
#include "itaku/registry.h"
#include "itaku/verify.h"
#include "itaku/init.h"
#include "itaku/signer_select.h"
#include "oidmap.h"
#include "registry_priv.h"

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
    f->city = th_signer();
    f->acme = th_signer();
    git_oid genesis;
    f->reg = th_contract(f->reg_path, f->city, NULL, NULL, &genesis);
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

static void add_acme(fixture *f)
{
    th_add_acme(f->reg, f->city, f->acme);
}

/* A register entry that its schema accepts. */
static json_t *register_entry(const char *item)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:i, s:s}, s:s}", "action", "received",
                     "occurred_at", "2026-12-01T10:00:00+09:00", "item_id", item, "info_name",
                     "住民記録データ", "medium", "usb", "quantity", "value", 1, "unit", "本",
                     "handler", "鈴木一郎");
}

static size_t verify_problems(fixture *f)
{
    itk_verify_result *r = NULL;
    assert_int_equal(itk_verify_run(&r, f->reg, NULL, 0, NULL), 0);
    size_t n = itk_verify_problem_count(r);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "  %s %s\n", itk_verify_problem(r, i)->rule,
                itk_verify_problem(r, i)->message);
    itk_verify_result_free(r);
    return n;
}

static void test_init_writes_a_verifiable_genesis_and_pins_it(void **state)
{
    fixture *f = *state;
    itk_verify_result *r = NULL;
    assert_int_equal(itk_verify_run(&r, f->reg, NULL, 0, NULL), 0);
    assert_int_equal(itk_verify_problem_count(r), 0);
    assert_int_equal(itk_verify_commit_count(r), 1);
    assert_true(itk_verify_pinned(r));
    assert_string_equal(itk_verify_commit(r, 0)->action, "genesis");
    itk_verify_result_free(r);
}

static void test_init_refuses_a_non_empty_folder(void **state)
{
    fixture *f = *state;
    itk_init_options o = ITK_INIT_OPTIONS_INIT;
    o.contract_id = "C-2";
    o.title = "t";
    o.city_id = "akiruno-city";
    o.city_name = "n";
    o.principal = "officer";
    git_oid g;
    assert_int_equal(itk_registry_init(&g, f->reg_path, &o, f->city), ITK_EEXISTS);
}

static void test_identity_finds_the_city_key(void **state)
{
    fixture *f = *state;
    git_tree *tree = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    itk_identity who;
    assert_int_equal(itk_registry_head_tree(&tree, f->reg), 0);
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->city)), 0);
    assert_int_equal(itk_identity_find(&who, itk_registry_repo(f->reg), tree, fpr.ptr), 0);
    assert_string_equal(who.party, "akiruno-city");
    assert_string_equal(who.principal, "officer");
    assert_string_equal(who.role, "city");
    itk_buf_clear(&fpr);
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    assert_int_equal(itk_identity_find(&who, itk_registry_repo(f->reg), tree, fpr.ptr),
                     ITK_ENOTFOUND);
    git_tree_free(tree);
    itk_buf_dispose(&fpr);
}

static void test_submissions_get_consecutive_ids_and_verify(void **state)
{
    fixture *f = *state;
    add_acme(f);
    /* acme signs in the same repository for the test: its key is now known */
    json_t *body = register_entry("item-1");
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid c;
    assert_int_equal(itk_record_submit(&path, &id, &c, f->reg, f->acme, "register", body, NULL), 0);
    assert_string_equal(id.ptr, "r-000001");
    assert_string_equal(path.ptr, "parties/acme/register/r-000001.json");
    assert_int_equal(
        itk_record_submit(&path, &id, &c, f->reg, f->acme, "register", body, "r-000001"), 0);
    assert_string_equal(id.ptr, "r-000002");
    assert_int_equal(itk_record_find(&path, f->reg, "acme/r-000002"), 0);
    assert_string_equal(path.ptr, "parties/acme/register/r-000002.json");
    assert_int_equal(itk_record_latest(&id, f->reg, "acme", "register"), 0);
    assert_string_equal(id.ptr, "r-000002");
    assert_int_equal(verify_problems(f), 0);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    json_decref(body);
}

static void test_submit_refuses_invalid_bodies_and_writes_nothing(void **state)
{
    fixture *f = *state;
    add_acme(f);
    json_t *body = json_pack("{s:s}", "action", "stolen");
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid c, before, after;
    assert_int_equal(git_reference_name_to_id(&before, itk_registry_repo(f->reg), "HEAD"), 0);
    assert_int_equal(itk_record_submit(&path, &id, &c, f->reg, f->acme, "register", body, NULL),
                     ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "register: action must be one of"));
    assert_non_null(strstr(itk_error_last(), "register: handler is required"));
    assert_int_equal(git_reference_name_to_id(&after, itk_registry_repo(f->reg), "HEAD"), 0);
    assert_true(git_oid_equal(&before, &after));
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    json_decref(body);
}

static void test_submit_refuses_unknown_types_and_missing_supersedes(void **state)
{
    fixture *f = *state;
    add_acme(f);
    json_t *body = register_entry("item-2");
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid c;
    assert_int_equal(itk_record_submit(&path, &id, &c, f->reg, f->acme, "../x", body, NULL),
                     ITK_EINVALID);
    assert_int_equal(itk_record_submit(&path, &id, &c, f->reg, f->acme, "key", body, NULL),
                     ITK_EINVALID);
    assert_int_equal(
        itk_record_submit(&path, &id, &c, f->reg, f->acme, "register", body, "r-000009"),
        ITK_ENOTFOUND);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    json_decref(body);
}

static void test_only_the_city_registers_parties(void **state)
{
    fixture *f = *state;
    add_acme(f);
    itk_signer *other = th_signer();
    itk_party_options o = ITK_PARTY_OPTIONS_INIT;
    o.id = "beta";
    o.role = "contractor";
    o.name = "Beta";
    o.principal = "manager";
    o.key = itk_signer_public(other);
    git_oid c;
    assert_int_equal(itk_party_add(&c, f->reg, f->acme, &o), ITK_EAUTH);
    o.key = itk_signer_public(f->acme);
    assert_int_equal(itk_party_add(&c, f->reg, f->city, &o), ITK_EEXISTS); /* key reuse */
    itk_signer_free(other);
}

static void test_unregistered_key_cannot_commit(void **state)
{
    fixture *f = *state;
    json_t *body = register_entry("item-3");
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid c;
    assert_int_equal(itk_record_submit(&path, &id, &c, f->reg, f->acme, "register", body, NULL),
                     ITK_EAUTH);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    json_decref(body);
}

static void test_signer_open_explains_what_is_missing(void **state)
{
    fixture *f = *state;
    itk_signer *s = NULL;
    assert_int_equal(itk_signer_open(&s, f->reg, NULL, NULL), ITK_ENOTFOUND);
    assert_non_null(strstr(itk_error_last(), "--key"));
    char missing[4200];
    snprintf(missing, sizeof(missing), "%s/nope.key", f->dir);
    assert_int_equal(itk_signer_open(&s, f->reg, missing, NULL), ITK_ENOTFOUND);
    assert_non_null(strstr(itk_error_last(), "nope.key"));
}

static void test_timezones(void **state)
{
    (void)state;
    int off;
    char out[32];
    assert_int_equal(itk_timezone_offset(&off, "Asia/Tokyo"), 0);
    assert_int_equal(off, 540);
    assert_int_equal(itk_timezone_offset(&off, "-05:30"), 0);
    assert_int_equal(off, -330);
    assert_int_equal(itk_timezone_offset(&off, "Mars/Olympus"), ITK_EUNSUPPORTED);
    itk_format_time(out, 0, 540);
    assert_string_equal(out, "1970-01-01T09:00:00+09:00");
    itk_format_time(out, 0, -330);
    assert_string_equal(out, "1969-12-31T18:30:00-05:30");
}

/* Whether a tree's objects are all there: a folder found whole once is not
 * read again in the same run (the refs' trees share most), an object lost
 * is found whatever the run found before it, and a folder found whole where
 * it nested within the limit is not taken as whole where it nests deeper. */
static void test_objects_present_across_trees(void **state)
{
    (void)state;
    char *dir = NULL;
    git_libgit2_init();
    git_repository *repo = th_repo_new(&dir);
    git_oid empty, one, two, blob, deep, deeper;
    git_treebuilder *tb = NULL;
    assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
    assert_int_equal(git_treebuilder_write(&empty, tb), 0);
    git_treebuilder_free(tb);
    th_tree_put(&one, repo, &empty, "parties/acme/register/r-1.json", "{}", 2, 0);
    th_tree_put(&two, repo, &one, "parties/beta/register/r-1.json", "[]", 2, 0);
    itk_oidmap seen;
    assert_int_equal(itk_oidmap_init(&seen), 0);
    assert_int_equal(itk_tree_objects_present(repo, &one, &seen), 1);
    assert_true(seen.count >= 3); /* parties/, acme/, register/ at least */
    assert_int_equal(itk_tree_objects_present(repo, &two, &seen), 1);
    itk_oidmap_free(&seen);
    /* beta's record lost: found lost, by a run that found acme's whole first */
    assert_int_equal(git_odb_hash(&blob, "[]", 2, GIT_OBJECT_BLOB), 0);
    char hex[GIT_OID_HEXSZ + 1], path[8192];
    git_oid_tostr(hex, sizeof(hex), &blob);
    snprintf(path, sizeof(path), "%sobjects/%.2s/%s", git_repository_path(repo), hex, hex + 2);
    assert_int_equal(remove(path), 0);
    assert_int_equal(itk_oidmap_init(&seen), 0);
    assert_int_equal(itk_tree_objects_present(repo, &one, &seen), 1);
    assert_int_equal(itk_tree_objects_present(repo, &two, &seen), 0);
    assert_int_equal(itk_tree_objects_present(repo, &two, NULL), 0);
    itk_oidmap_free(&seen);
    /* 64 folders deep is within the limit, 65 is not: the same folders one
     * level lower are not whole because they were at the top */
    char chain[512] = "";
    for (int i = 0; i < 64; i++)
        strcat(chain, "d/");
    strcat(chain, "f");
    th_tree_put(&deep, repo, &empty, chain, "x", 1, 0);
    char lower[520];
    snprintf(lower, sizeof(lower), "w/%s", chain);
    th_tree_put(&deeper, repo, &empty, lower, "x", 1, 0);
    assert_int_equal(itk_tree_objects_present(repo, &deeper, NULL), 0);
    assert_int_equal(itk_oidmap_init(&seen), 0);
    assert_int_equal(itk_tree_objects_present(repo, &deep, &seen), 1);
    assert_int_equal(itk_tree_objects_present(repo, &deeper, &seen), 0);
    itk_oidmap_free(&seen);
    th_repo_free(repo, dir);
    git_libgit2_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_writes_a_verifiable_genesis_and_pins_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_init_refuses_a_non_empty_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_finds_the_city_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submissions_get_consecutive_ids_and_verify, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_submit_refuses_invalid_bodies_and_writes_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_refuses_unknown_types_and_missing_supersedes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_the_city_registers_parties, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unregistered_key_cannot_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signer_open_explains_what_is_missing, setup, teardown),
        cmocka_unit_test(test_timezones),
        cmocka_unit_test(test_objects_present_across_trees),
    };
    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
