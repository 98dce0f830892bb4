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
#include "itaku/keyops.h"
#include "itaku/party.h"
#include "itaku/schema.h"

#include <git2.h>

typedef struct {
    char *dir;
    itk_signer *city, *acme;
    itk_registry *reg;
    git_repository *repo;
    itk_contract_file *newer; /* the built-in template plus register.v2 */
    char *v2;
} fixture;

static const char V2_PATH[] = "schemas/register.v2.schema.json";

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
    /* a v2 a future release might carry: v1 with a new description */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(b[i].path, "schemas/register.v1.schema.json") != 0)
            continue;
        json_t *s = json_loadb(b[i].data, b[i].size, 0, NULL);
        assert_non_null(s);
        json_object_set_new(s, "description", json_string("register, version 2"));
        json_object_set_new(s, "$id", json_string("urn:itaku:schema:register:v2"));
        json_array_append_new(json_object_get(s, "required"), json_string("note"));
        f->v2 = json_dumps(s, JSON_INDENT(2) | JSON_SORT_KEYS);
        json_decref(s);
    }
    assert_non_null(f->v2);
    free(b);
    f->newer[n] = (itk_contract_file){V2_PATH, f->v2, strlen(f->v2)};
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
    assert_int_equal(r->held, 1);
    assert_int_equal(r->carried, 1);
    assert_int_equal(r->missing, 0);
    assert_int_equal(line_of(v, n, "obligations", "akiruno-outsourcing")->held, 1);
    assert_int_equal(line_of(v, n, "readme", "README.md")->missing, 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].missing, 0);
    free(v);
    /* a newer release carries register.v2: one file to add */
    assert_int_equal(itk_contract_versions(&v, &n, f->reg, f->newer), 0);
    r = line_of(v, n, "schema", "register");
    assert_int_equal(r->held, 1);
    assert_int_equal(r->carried, 2);
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
    assert_true(holds(f, V2_PATH));
    git_commit *c = NULL;
    assert_int_equal(git_commit_lookup(&c, f->repo, &id), 0);
    assert_non_null(strstr(git_commit_message(c), "Itaku-Action: contract-update"));
    git_commit_free(c);
    th_expect_clean(f->reg, NULL);
    itk_contract_version *v = NULL;
    size_t n = 0;
    assert_int_equal(itk_contract_versions(&v, &n, f->reg, f->newer), 0);
    assert_int_equal(line_of(v, n, "schema", "register")->held, 2);
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
    assert_false(holds(f, V2_PATH));
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
    assert_int_equal(added, 1); /* only register.v2, never register.v1 */
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
    th_commit_file(&twin, f->repo, f->city, "akiruno-city", "officer", "contract-update", &head,
                   "schemas/register.v3.schema.json", f->v2, strlen(f->v2));
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
    assert_int_equal(itk_form_validate_carried(name, f->reg, "register", entry, 2), 0);
    assert_string_equal(name, "register.v1");
    git_oid id;
    size_t added = 0;
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, f->newer), 0);
    assert_int_equal(added, 1);
    assert_int_equal(itk_form_validate_carried(name, f->reg, "register", entry, 2), ITK_EINVALID);
    assert_string_equal(name, "register.v2");
    assert_non_null(strstr(itk_error_last(), "note"));
    json_object_set_new(entry, "note", json_string("v2"));
    assert_int_equal(itk_form_validate_carried(name, f->reg, "register", entry, 2), 0);
    assert_string_equal(name, "register.v2");
    /* other types stay at the registry's v1 */
    json_t *form1 = th_corpus("form1");
    assert_int_equal(itk_form_validate_carried(name, f->reg, "form1", form1, 1), 0);
    assert_string_equal(name, "form1.v1");
    json_decref(form1);
    json_decref(entry);
}

/* This build carries register.v1 only: against a registry holding v2 it
 * refuses to write a register entry, saying which version the registry uses
 * and to upgrade itaku, and writes nothing; its twin, the same write before
 * the upgrade, is taken. Types the registry did not move still write. */
static void test_older_itaku_refuses_a_newer_schema(void **state)
{
    fixture *f = *state;
    assert_int_equal(itk_schema_carried("register"), 1);
    assert_int_equal(itk_schema_carried("form1"), 1);
    assert_int_equal(itk_schema_carried("nothing"), 0);
    json_t *entry = th_register_entry("received", "item-0001", "2026-12-02T10:00:00+09:00");
    json_object_set_new(entry, "note", json_string("v2"));
    char name[64];
    assert_int_equal(itk_form_validate(name, f->reg, "register", entry), 0); /* twin */
    git_oid id;
    size_t added = 0;
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, f->newer), 0);
    assert_int_equal(itk_form_validate(name, f->reg, "register", entry), ITK_EUNSUPPORTED);
    assert_non_null(strstr(itk_error_last(), "the registry uses register.v2, which this itaku "
                                             "(version " ITK_VERSION ") does not know"));
    assert_non_null(strstr(itk_error_last(), "upgrade itaku"));
    json_t *form1 = th_corpus("form1");
    assert_int_equal(itk_form_validate(name, f->reg, "form1", form1), 0);
    json_decref(form1);
    json_decref(entry);
}

/* A copy of the built-in template's v1 of type as the version after the
 * newest this build carries (only its $id differs: "<type>.v<N+1>" is
 * written to next), appended to f->newer; the text is kept in *keep. */
static void carry_v2(fixture *f, const char *type, char **keep, char next[48])
{
    char v1[96], v2[48];
    long n_next = itk_schema_carried(type) + 1;
    snprintf(v1, sizeof(v1), "schemas/%s.v1.schema.json", type);
    snprintf(v2, sizeof(v2), "%s.v%ld", type, n_next);
    snprintf(next, 48, "%s", v2);
    size_t n = 0;
    while (f->newer[n].path)
        n++;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(f->newer[i].path, v1) != 0)
            continue;
        json_t *s = json_loadb(f->newer[i].data, f->newer[i].size, 0, NULL);
        assert_non_null(s);
        char id[96];
        snprintf(id, sizeof(id), "urn:itaku:schema:%s:v%ld", type, n_next);
        json_object_set_new(s, "$id", json_string(id));
        *keep = json_dumps(s, JSON_INDENT(2) | JSON_SORT_KEYS);
        json_decref(s);
    }
    assert_non_null(*keep);
    char *path = malloc(160);
    snprintf(path, 160, "schemas/%s.schema.json", v2);
    f->newer = realloc(f->newer, (n + 2) * sizeof(*f->newer));
    f->newer[n] = (itk_contract_file){path, *keep, strlen(*keep)};
    f->newer[n + 1] = (itk_contract_file){0};
}

/* The schema a write uses (what `itaku validate` must check against):
 * register.v1 at first, parsed; once the city published register.v2, which
 * this itaku does not carry, the same refusal as a write, naming it. */
static void test_the_schema_a_write_uses(void **state)
{
    fixture *f = *state;
    json_t *s = NULL;
    char name[64];
    assert_int_equal(itk_form_schema(&s, name, f->reg, "register"), 0);
    assert_string_equal(name, "register.v1");
    assert_non_null(json_object_get(s, "properties"));
    assert_int_equal(itk_schema_version_of(name), 1);
    json_decref(s);
    git_oid id;
    size_t added = 0;
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, f->newer), 0);
    s = (json_t *)1;
    assert_int_equal(itk_form_schema(&s, name, f->reg, "register"), ITK_EUNSUPPORTED);
    assert_null(s);
    assert_non_null(strstr(itk_error_last(), "the registry uses register.v2"));
    assert_int_equal(itk_form_schema(NULL, name, f->reg, "form1"), 0);
    assert_string_equal(name, "form1.v1");
}

/* party.json and key records are written against the registry's newest
 * party and key schemas too: in a registry holding the party and key
 * versions after the ones this build carries
 * (published by a newer release), this itaku
 * refuses to register a contractor or add a key, naming the version, and
 * writes nothing; the twins, before the upgrade, are written. */
static void test_party_and_key_writes_use_the_registrys_newest_version(void **state)
{
    fixture *f = *state;
    char *party_v2 = NULL, *key_v2 = NULL, party_next[48], key_next[48], want[96];
    char party_now[48], party_file[96], key_file[96];
    carry_v2(f, "party", &party_v2, party_next);
    carry_v2(f, "key", &key_v2, key_next);
    snprintf(party_now, sizeof(party_now), "party.v%ld", itk_schema_carried("party"));
    snprintf(party_file, sizeof(party_file), "schemas/%s.schema.json", party_next);
    snprintf(key_file, sizeof(key_file), "schemas/%s.schema.json", key_next);
    itk_signer *beta = th_signer(), *other = th_signer(), *third = th_signer();
    itk_party_options o = ITK_PARTY_OPTIONS_INIT;
    git_oid id;
    o.id = "beta";
    o.role = "contractor";
    o.name = "ベータ";
    o.principal = "manager";
    o.key = itk_signer_public(beta);
    assert_int_equal(itk_party_add(&id, f->reg, f->city, &o), 0); /* twin */
    assert_int_equal(itk_key_add(&id, f->reg, f->acme, itk_signer_public(other), "clerk"), 0);
    git_tree *tree = NULL;
    json_t *rec = NULL;
    assert_int_equal(itk_registry_head_tree(&tree, f->reg), 0);
    git_blob *b = NULL;
    git_tree_entry *e = NULL;
    assert_int_equal(git_tree_entry_bypath(&e, tree, "parties/beta/party.json"), 0);
    assert_int_equal(git_blob_lookup(&b, f->repo, git_tree_entry_id(e)), 0);
    rec = json_loadb(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), 0, NULL);
    assert_string_equal(json_string_value(json_object_get(rec, "schema")), party_now);
    json_decref(rec);
    git_blob_free(b);
    git_tree_entry_free(e);
    git_tree_free(tree);

    size_t added = 0;
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, f->newer), 0);
    assert_int_equal(added, 3);
    th_expect_clean(f->reg, NULL);
    char *before = refs(f);
    o.id = "gamma";
    o.key = itk_signer_public(third);
    assert_int_equal(itk_party_add(&id, f->reg, f->city, &o), ITK_EUNSUPPORTED);
    snprintf(want, sizeof(want), "the registry uses %s", party_next);
    assert_non_null(strstr(itk_error_last(), want));
    assert_int_equal(itk_key_add(&id, f->reg, f->acme, itk_signer_public(third), "clerk"),
                     ITK_EUNSUPPORTED);
    snprintf(want, sizeof(want), "the registry uses %s", key_next);
    assert_non_null(strstr(itk_error_last(), want));
    char *after = refs(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    for (size_t i = 0; f->newer[i].path; i++)
        if (strcmp(f->newer[i].path, party_file) == 0 || strcmp(f->newer[i].path, key_file) == 0)
            free((char *)f->newer[i].path);
    free(party_v2);
    free(key_v2);
    itk_signer_free(beta);
    itk_signer_free(other);
    itk_signer_free(third);
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
        cmocka_unit_test_setup_teardown(test_the_schema_a_write_uses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_party_and_key_writes_use_the_registrys_newest_version,
                                        setup, teardown),
    };
    return cmocka_run_group_tests_name("contract", tests, NULL, NULL);
}
