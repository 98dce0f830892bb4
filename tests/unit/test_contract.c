/* Unit tests of core/flow/contract.c: `itaku contract versions` and
 * `itaku contract upgrade` with the carried template given as data, so that
 * a newer release is played without building one (issue 13). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "itaku/contract.h"
#include "itaku/errors.h"
#include "itaku/forms.h"

#include <git2.h>

typedef struct {
    char *dir;
    itk_signer *city, *acme;
    itk_registry *reg;
    git_repository *repo;
    itk_contract_file *newer; /* the built-in template plus register.v<cur + 1> */
    char *v2;                 /* that next version's text */
    long cur;                 /* the newest register schema version this itaku carries */
    char next_path[64];       /* schemas/register.v<cur + 1>.schema.json */
    char next_name[32];       /* register.v<cur + 1> */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    th_cache_home(f->dir, "city");
    f->city = th_signer();
    f->acme = th_signer();
    char path[512];
    snprintf(path, sizeof(path), "%s/city", f->dir);
    f->reg = th_contract(path, f->city, NULL, NULL, NULL);
    th_add_acme(f->reg, f->city, f->acme);
    f->repo = itk_registry_repo(f->reg);
    itk_contract_file *b = NULL;
    assert_int_equal(itk_contract_builtin(&b), 0);
    size_t n = 0;
    while (b[n].path)
        n++;
    f->newer = calloc(n + 2, sizeof(*f->newer));
    memcpy(f->newer, b, n * sizeof(*b));
    /* the next version a future release might carry: the newest carried one
     * with a new description and one more required field */
    f->cur = itk_schema_carried("register");
    assert_true(f->cur >= 1);
    char cur_path[64];
    snprintf(cur_path, sizeof(cur_path), "schemas/register.v%ld.schema.json", f->cur);
    snprintf(f->next_path, sizeof(f->next_path), "schemas/register.v%ld.schema.json", f->cur + 1);
    snprintf(f->next_name, sizeof(f->next_name), "register.v%ld", f->cur + 1);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(b[i].path, cur_path) != 0)
            continue;
        json_t *s = json_loadb(b[i].data, b[i].size, 0, NULL);
        assert_non_null(s);
        char id[64];
        snprintf(id, sizeof(id), "urn:itaku:schema:register:v%ld", f->cur + 1);
        json_object_set_new(s, "description", json_string("register, a version to come"));
        json_object_set_new(s, "$id", json_string(id));
        json_array_append_new(json_object_get(s, "required"), json_string("note"));
        f->v2 = json_dumps(s, JSON_INDENT(2) | JSON_SORT_KEYS);
        json_decref(s);
    }
    assert_non_null(f->v2);
    free(b);
    f->newer[n] = (itk_contract_file){f->next_path, f->v2, strlen(f->v2)};
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
    free(f->newer);
    free(f->v2);
    free(f);
    return 0;
}

static char *refs(fixture *f)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/city", f->dir);
    return th_refs(path);
}

static int holds(fixture *f, const char *path)
{
    git_tree *tree = NULL;
    git_tree_entry *e = NULL;
    assert_int_equal(itk_registry_head_tree(&tree, f->reg), 0);
    int found = git_tree_entry_bypath(&e, tree, path) == 0;
    git_tree_entry_free(e);
    git_tree_free(tree);
    return found;
}

static const itk_contract_version *line_of(const itk_contract_version *v, size_t n,
                                           const char *kind, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].kind, kind) == 0 && strcmp(v[i].name, name) == 0)
            return &v[i];
    fail_msg("no %s %s line", kind, name);
    return NULL;
}

/* A fresh registry holds what this itaku carries: nothing to upgrade. */
static void test_versions_of_a_fresh_registry(void **state)
{
    fixture *f = *state;
    itk_contract_version *v = NULL;
    size_t n = 0;
    assert_int_equal(itk_contract_versions(&v, &n, f->reg, NULL), 0);
    const itk_contract_version *r = line_of(v, n, "schema", "register");
    assert_int_equal(r->held, f->cur);
    assert_int_equal(r->carried, f->cur);
    assert_int_equal(r->missing, 0);
    assert_int_equal(line_of(v, n, "obligations", "akiruno-outsourcing")->held, 1);
    assert_int_equal(line_of(v, n, "readme", "README.md")->missing, 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].missing, 0);
    free(v);
    /* a newer release carries the next register version: one file to add */
    assert_int_equal(itk_contract_versions(&v, &n, f->reg, f->newer), 0);
    r = line_of(v, n, "schema", "register");
    assert_int_equal(r->held, f->cur);
    assert_int_equal(r->carried, f->cur + 1);
    assert_int_equal(r->missing, 1);
    assert_int_equal(line_of(v, n, "schema", "form1")->missing, 0);
    free(v);
}

/* Upgrade adds only what is missing, once; the twin: this release's own
 * template adds nothing. */
static void test_upgrade_adds_only_what_is_missing_once(void **state)
{
    fixture *f = *state;
    git_oid id;
    size_t added = 9;
    char *before = refs(f);
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, NULL), 0);
    assert_int_equal(added, 0);
    assert_true(git_oid_is_zero(&id));
    char *after = refs(f);
    assert_string_equal(before, after);
    free(after);

    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, f->newer), 0);
    assert_int_equal(added, 1);
    assert_true(holds(f, f->next_path));
    git_commit *c = NULL;
    assert_int_equal(git_commit_lookup(&c, f->repo, &id), 0);
    assert_non_null(strstr(git_commit_message(c), "Itaku-Action: contract-update"));
    git_commit_free(c);
    th_expect_clean(f->reg, NULL);
    itk_contract_version *v = NULL;
    size_t n = 0;
    assert_int_equal(itk_contract_versions(&v, &n, f->reg, f->newer), 0);
    assert_int_equal(line_of(v, n, "schema", "register")->held, f->cur + 1);
    assert_int_equal(line_of(v, n, "schema", "register")->missing, 0);
    free(v);

    /* the second run writes nothing */
    char *once = refs(f);
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, f->newer), 0);
    assert_int_equal(added, 0);
    after = refs(f);
    assert_string_equal(once, after);
    assert_string_not_equal(before, once);
    free(before);
    free(once);
    free(after);
}

/* A contractor publishing templates is refused (V3), naming the city, and
 * nothing moves; the twin is the city's upgrade above. */
static void test_contractor_upgrade_is_refused(void **state)
{
    fixture *f = *state;
    git_oid id;
    size_t added = 9;
    char *before = refs(f);
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->acme, f->newer), ITK_EAUTH);
    assert_non_null(strstr(itk_error_last(), "V3"));
    assert_non_null(strstr(itk_error_last(), "akiruno-city"));
    assert_int_equal(added, 0);
    assert_false(holds(f, f->next_path));
    char *after = refs(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* twin */
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, f->newer), 0);
    assert_int_equal(added, 1);
}

/* A template whose bytes differ from the registry's same version is not
 * written by upgrade (nothing existing is edited), and a hand-made
 * contract-update editing a schema in place is V4; its twin adding a new
 * version is clean. */
static void test_template_edited_in_place_is_v4(void **state)
{
    fixture *f = *state;
    size_t n = 0;
    while (f->newer[n].path)
        n++;
    for (size_t i = 0; i < n; i++)
        if (strcmp(f->newer[i].path, "schemas/register.v1.schema.json") == 0)
            f->newer[i].data = f->v2, f->newer[i].size = strlen(f->v2);
    git_oid id, head, edited, twin;
    size_t added = 0;
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, f->newer), 0);
    assert_int_equal(added, 1); /* only the next version, never register.v1 */
    git_tree *tree = NULL;
    assert_int_equal(itk_registry_head_tree(&tree, f->reg), 0);
    git_tree_entry *e = NULL;
    assert_int_equal(git_tree_entry_bypath(&e, tree, "schemas/register.v1.schema.json"), 0);
    git_oid v2blob;
    git_odb_hash(&v2blob, f->v2, strlen(f->v2), GIT_OBJECT_BLOB);
    assert_false(git_oid_equal(&v2blob, git_tree_entry_id(e)));
    git_tree_entry_free(e);
    git_tree_free(tree);

    assert_int_equal(git_reference_name_to_id(&head, f->repo, "HEAD"), 0);
    th_commit_file(&edited, f->repo, f->city, "akiruno-city", "officer", "contract-update", &head,
                   "schemas/register.v1.schema.json", f->v2, strlen(f->v2));
    assert_int_equal(git_reference_create(NULL, f->repo, "refs/heads/edited", &edited, 0, NULL), 0);
    th_expect_rule(f->reg, "refs/heads/edited", "V4", &edited);
    char later[64];
    snprintf(later, sizeof(later), "schemas/register.v%ld.schema.json", f->cur + 2);
    th_commit_file(&twin, f->repo, f->city, "akiruno-city", "officer", "contract-update", &head,
                   later, f->v2, strlen(f->v2));
    assert_int_equal(git_reference_create(NULL, f->repo, "refs/heads/twin", &twin, 0, NULL), 0);
    th_expect_clean(f->reg, "refs/heads/twin");
}

/* A write validates against the registry's newest version: once the city
 * published register.v2 (which requires a note), an itaku carrying v2
 * refuses an entry without a note and writes one with it; before, v1 took
 * the entry without a note (the twin). */
static void test_write_uses_the_registrys_newest_version(void **state)
{
    fixture *f = *state;
    char name[64];
    json_t *entry = th_register_entry("received", "item-0001", "2026-12-02T10:00:00+09:00");
    char cur_name[32];
    snprintf(cur_name, sizeof(cur_name), "register.v%ld", f->cur);
    assert_int_equal(itk_form_validate_carried(name, f->reg, "register", entry, f->cur + 1), 0);
    assert_string_equal(name, cur_name);
    git_oid id;
    size_t added = 0;
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, f->newer), 0);
    assert_int_equal(added, 1);
    assert_int_equal(itk_form_validate_carried(name, f->reg, "register", entry, f->cur + 1),
                     ITK_EINVALID);
    assert_string_equal(name, f->next_name);
    assert_non_null(strstr(itk_error_last(), "note"));
    json_object_set_new(entry, "note", json_string("v2"));
    assert_int_equal(itk_form_validate_carried(name, f->reg, "register", entry, f->cur + 1), 0);
    assert_string_equal(name, f->next_name);
    /* other types stay at the registry's version */
    json_t *form1 = th_corpus("form1");
    long form1_cur = itk_schema_carried("form1");
    char form1_name[32];
    snprintf(form1_name, sizeof(form1_name), "form1.v%ld", form1_cur);
    assert_int_equal(itk_form_validate_carried(name, f->reg, "form1", form1, form1_cur), 0);
    assert_string_equal(name, form1_name);
    json_decref(form1);
    json_decref(entry);
}

/* This build carries register up to f->cur: against a registry holding the next it
 * refuses to write a register entry, saying which version the registry uses
 * and to upgrade itaku, and writes nothing; its twin, the same write before
 * the upgrade, is taken. Types the registry did not move still write. */
static void test_older_itaku_refuses_a_newer_schema(void **state)
{
    fixture *f = *state;
    assert_int_equal(itk_schema_carried("register"), f->cur);
    assert_true(itk_schema_carried("form1") >= 1);
    assert_int_equal(itk_schema_carried("nothing"), 0);
    json_t *entry = th_register_entry("received", "item-0001", "2026-12-02T10:00:00+09:00");
    json_object_set_new(entry, "note", json_string("v2"));
    char name[64];
    assert_int_equal(itk_form_validate(name, f->reg, "register", entry), 0); /* twin */
    git_oid id;
    size_t added = 0;
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, f->newer), 0);
    assert_int_equal(itk_form_validate(name, f->reg, "register", entry), ITK_EUNSUPPORTED);
    char want[160];
    snprintf(want, sizeof(want),
             "the registry uses %s, which this itaku (version " ITK_VERSION ") does not know",
             f->next_name);
    assert_non_null(strstr(itk_error_last(), want));
    assert_non_null(strstr(itk_error_last(), "upgrade itaku"));
    json_t *form1 = th_corpus("form1");
    assert_int_equal(itk_form_validate(name, f->reg, "form1", form1), 0);
    json_decref(form1);
    json_decref(entry);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_versions_of_a_fresh_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_adds_only_what_is_missing_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_contractor_upgrade_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_template_edited_in_place_is_v4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_uses_the_registrys_newest_version, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_older_itaku_refuses_a_newer_schema, setup, teardown),
    };
    return cmocka_run_group_tests_name("contract", tests, NULL, NULL);
}
