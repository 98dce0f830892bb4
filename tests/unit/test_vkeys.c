/* Unit tests of verify's key lookups (core/vkeys.c): on every tree of a
 * registry whose keys were added, rotated, retired and compromised, and on
 * trees damaged by hand, itk_vkeys_identity and itk_vkeys_status give what
 * itk_identity_find and itk_key_status_get give, down to the last error
 * message they leave. */
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
#include "itaku/keyops.h"
#include "itaku/registry.h"
#include "vkeys.h"

#define NKEYS 6

typedef struct {
    char *dir;
    itk_signer *city, *acme, *deputy, *next, *stranger;
    itk_registry *reg;
    char fpr[NKEYS][64];
} fixture;

static void fingerprint(char out[64], itk_signer *s)
{
    itk_buf b = ITK_BUF_INIT;
    assert_int_equal(itk_pubkey_fingerprint(&b, itk_signer_public(s)), 0);
    snprintf(out, 64, "%s", b.ptr);
    itk_buf_dispose(&b);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    char path[4096];
    git_oid c, good;
    f->dir = th_tmpdir();
    snprintf(path, sizeof(path), "%s/reg", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    f->deputy = th_signer();
    f->next = th_signer();
    f->stranger = th_signer();
    f->reg = th_contract(path, f->city, NULL, NULL, NULL);
    th_add_acme(f->reg, f->city, f->acme);
    assert_int_equal(itk_key_add(&good, f->reg, f->acme, itk_signer_public(f->deputy), "deputy"),
                     0);
    assert_int_equal(itk_key_rotate(&c, f->reg, f->acme, itk_signer_public(f->next), NULL), 0);
    fingerprint(f->fpr[0], f->city);
    fingerprint(f->fpr[1], f->acme);
    fingerprint(f->fpr[2], f->deputy);
    fingerprint(f->fpr[3], f->next);
    fingerprint(f->fpr[4], f->stranger);
    snprintf(f->fpr[5], 64, "not a fingerprint");
    assert_int_equal(
        itk_key_compromise(&c, f->reg, f->next, f->fpr[2], git_oid_tostr_s(&good), "lost laptop"),
        0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    itk_registry_free(f->reg);
    itk_signer_free(f->city);
    itk_signer_free(f->acme);
    itk_signer_free(f->deputy);
    itk_signer_free(f->next);
    itk_signer_free(f->stranger);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Both lookups on tree for every key: equal answers and messages. */
static void compare(fixture *f, itk_vkeys *k, const git_tree *tree)
{
    git_repository *repo = itk_registry_repo(f->reg);
    for (int i = 0; i < NKEYS; i++) {
        itk_identity a, b;
        itk_key_status sa, sb;
        char before[1024];
        memset(&a, 0x5a, sizeof(a));
        memset(&b, 0x5a, sizeof(b));
        itk_error_set(0, "untouched");
        int ra = itk_identity_find(&a, repo, tree, f->fpr[i]);
        snprintf(before, sizeof(before), "%s", itk_error_last());
        itk_error_set(0, "untouched");
        int rb = itk_vkeys_identity(&b, k, repo, tree, f->fpr[i]);
        assert_int_equal(ra, rb);
        assert_string_equal(before, itk_error_last());
        assert_memory_equal(&a, &b, sizeof(a));

        memset(&sa, 0x5a, sizeof(sa));
        memset(&sb, 0x5a, sizeof(sb));
        itk_error_set(0, "untouched");
        ra = itk_key_status_get(&sa, repo, tree, f->fpr[i]);
        snprintf(before, sizeof(before), "%s", itk_error_last());
        itk_error_set(0, "untouched");
        rb = itk_vkeys_status(&sb, k, repo, tree, f->fpr[i]);
        assert_int_equal(ra, rb);
        assert_string_equal(before, itk_error_last());
        assert_memory_equal(&sa, &sb, sizeof(sa));
    }
}

static void test_vkeys_equal_the_originals_on_every_commit(void **state)
{
    fixture *f = *state;
    git_repository *repo = itk_registry_repo(f->reg);
    git_revwalk *walk = NULL;
    git_oid id;
    itk_vkeys k;
    int n = 0;
    assert_int_equal(itk_vkeys_init(&k), 0);
    assert_int_equal(git_revwalk_new(&walk, repo), 0);
    assert_int_equal(git_revwalk_push_head(walk), 0);
    while (git_revwalk_next(&id, walk) == 0) {
        git_commit *c = NULL;
        git_tree *t = NULL;
        assert_int_equal(git_commit_lookup(&c, repo, &id), 0);
        assert_int_equal(git_commit_tree(&t, c), 0);
        compare(f, &k, t);
        compare(f, &k, t); /* again, from what it remembered */
        git_tree_free(t);
        git_commit_free(c);
        n++;
    }
    assert_true(n >= 5);
    git_revwalk_free(walk);
    itk_vkeys_free(&k);
}

/* HEAD's tree with path set to content (NULL: removed), a file standing in
 * for a folder of that name too. */
static void damaged(git_tree **out, fixture *f, const char *path, const char *content)
{
    git_repository *repo = itk_registry_repo(f->reg);
    git_index *idx = NULL;
    git_object *head = NULL;
    git_oid tid;
    assert_int_equal(git_revparse_single(&head, repo, "HEAD^{tree}"), 0);
    assert_int_equal(git_index_new(&idx), 0);
    assert_int_equal(git_index_read_tree(idx, (git_tree *)head), 0);
    git_index_remove_directory(idx, path, 0);
    git_index_remove(idx, path, 0);
    if (content) {
        git_index_entry e;
        memset(&e, 0, sizeof(e));
        assert_int_equal(git_blob_create_from_buffer(&e.id, repo, content, strlen(content)), 0);
        e.mode = GIT_FILEMODE_BLOB;
        e.path = path;
        assert_int_equal(git_index_add(idx, &e), 0);
    }
    assert_int_equal(git_index_write_tree_to(&tid, idx, repo), 0);
    assert_int_equal(git_tree_lookup(out, repo, &tid), 0);
    git_index_free(idx);
    git_object_free(head);
}

static void test_vkeys_equal_the_originals_on_damaged_trees(void **state)
{
    fixture *f = *state;
    char keyfile[256], events[256];
    itk_buf name = ITK_BUF_INIT;
    assert_int_equal(itk_key_name_from_fingerprint(&name, f->fpr[3]), 0);
    snprintf(keyfile, sizeof(keyfile), "parties/acme/keys/%s.json", name.ptr);
    snprintf(events, sizeof(events), "parties/acme/key-events");
    const char *cases[][2] = {
        {keyfile, "{not json"},
        {keyfile, "[1, 2]"},
        {keyfile, NULL},
        {"parties/acme/party.json", NULL},
        {"parties/acme/party.json", "{\"body\": 3}"},
        {"parties/acme/party.json", "{oops"},
        {"parties/acme/keys", "a file where a folder was"},
        {"parties/acme", "a file where a party was"},
        {"parties/aaa-first", "a file sorted before every party"},
        {"parties/aaa-first/keys/x.json", "{}"},
        {events, "a file where the events were"},
        {"parties/acme/key-events/zz.json", "{broken"},
        {"parties/acme/key-events/zz.json",
         "{\"body\": {\"event\": \"retire\", \"key\": \"SHA256:none\"}}"},
        {"parties", "no parties at all"},
    };
    itk_vkeys k;
    assert_int_equal(itk_vkeys_init(&k), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        git_tree *t = NULL;
        damaged(&t, f, cases[i][0], cases[i][1]);
        compare(f, &k, t);
        compare(f, &k, t);
        git_tree_free(t);
    }
    itk_vkeys_free(&k);
    itk_buf_dispose(&name);
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vkeys_equal_the_originals_on_every_commit),
        cmocka_unit_test(test_vkeys_equal_the_originals_on_damaged_trees),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    git_libgit2_shutdown();
    return rc;
}
