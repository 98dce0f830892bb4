/* Unit tests of V10's trailer check (check_trailers in core/policy.c)
 * through verify, on commits re-signed here with extra trailers: a block of
 * thousands of Itaku-Record trailers is answered in full (each one that
 * names no added file, each duplicate), and a key spelled in another case
 * counts as that key and is itself refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <git2.h>

#include "helpers.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/party.h"
#include "itaku/registry.h"
#include "itaku/sshsig.h"
#include "itaku/verify.h"
#include "vobject.h"

/* Records of the large block: its message stays under ITK_MAX_MESSAGE_BYTES. */
#define MANY 9000

typedef struct {
    char *dir;
    char reg_path[4096];
    itk_signer *city, *acme;
    itk_registry *reg;
    git_oid entry; /* acme's register entry, as itaku wrote it */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    snprintf(f->reg_path, sizeof(f->reg_path), "%s/reg", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    f->reg = th_contract(f->reg_path, f->city, NULL, NULL, NULL);
    th_add_acme(f->reg, f->city, f->acme);
    json_t *body = th_register_entry("received", "item-1", "2026-04-20T10:00:00+09:00");
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    assert_int_equal(
        itk_record_submit(&path, &id, &f->entry, f->reg, f->acme, "register", body, NULL), 0);
    json_decref(body);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
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

/* acme's entry again (same tree, parent, author), its message edited by
 * edit, signed by acme as itaku signs. */
static void resign(fixture *f, git_oid *out, void (*edit)(itk_buf *msg))
{
    git_repository *repo = itk_registry_repo(f->reg);
    git_commit *c = NULL, *parent = NULL;
    git_tree *tree = NULL;
    git_buf content = GIT_BUF_INIT;
    itk_buf msg = ITK_BUF_INIT, armor = ITK_BUF_INIT;
    assert_int_equal(git_commit_lookup(&c, repo, &f->entry), 0);
    assert_int_equal(git_commit_parent(&parent, c, 0), 0);
    assert_int_equal(git_commit_tree(&tree, c), 0);
    itk_buf_puts(&msg, git_commit_message(c));
    edit(&msg);
    const git_commit *parents[] = {parent};
    assert_int_equal(git_commit_create_buffer(&content, repo, git_commit_author(c),
                                              git_commit_committer(c), NULL, msg.ptr, tree, 1,
                                              parents),
                     0);
    assert_int_equal(itk_sshsig_sign(&armor, f->acme, "git", content.ptr, content.size), 0);
    while (armor.size && armor.ptr[armor.size - 1] == '\n')
        armor.ptr[--armor.size] = '\0';
    assert_int_equal(git_commit_create_with_signature(out, repo, content.ptr, armor.ptr, NULL), 0);
    git_buf_dispose(&content);
    itk_buf_dispose(&msg);
    itk_buf_dispose(&armor);
    git_tree_free(tree);
    git_commit_free(parent);
    git_commit_free(c);
}

static itk_verify_result *verify(fixture *f, const git_oid *id)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), id);
    const char *revs[] = {hex};
    itk_verify_result *r = NULL;
    itk_verify_options o = ITK_VERIFY_OPTIONS_INIT;
    o.full = 1;
    int rc = itk_verify_run(&r, f->reg, revs, 1, &o);
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
    return r;
}

/* Problems of commit id under V10 whose message holds what. */
static size_t count(const itk_verify_result *r, const git_oid *id, const char *what)
{
    size_t n = 0;
    for (size_t i = 0; i < itk_verify_problem_count(r); i++) {
        const itk_problem *p = itk_verify_problem(r, i);
        n += strcmp(p->commit, git_oid_tostr_s(id)) == 0 && strcmp(p->rule, "V10") == 0 &&
             strstr(p->message, what) != NULL;
    }
    return n;
}

static const itk_commit_info *info_of(const itk_verify_result *r, const git_oid *id)
{
    for (size_t i = 0; i < itk_verify_commit_count(r); i++)
        if (git_oid_equal(&itk_verify_commit(r, i)->id, id))
            return itk_verify_commit(r, i);
    fail_msg("commit %s was not verified", git_oid_tostr_s(id));
    return NULL;
}

static void nothing(itk_buf *msg)
{
    (void)msg;
}

static void many_records(itk_buf *msg)
{
    for (int i = 0; i < MANY; i++)
        itk_buf_printf(msg, "Itaku-Record: parties/acme/register/r-%06d.json\n", 100000 + i);
}

static void many_records_twice(itk_buf *msg)
{
    many_records(msg);
    many_records(msg);
}

static void test_trailers_twin_as_itaku_writes_it_passes(void **state)
{
    fixture *f = *state;
    git_oid same;
    resign(f, &same, nothing);
    itk_verify_result *r = verify(f, &same);
    assert_int_equal(itk_verify_problem_count(r), 0);
    assert_int_equal(info_of(r, &same)->nrecords, 1);
    itk_verify_result_free(r);
}

static void test_trailers_a_large_block_is_checked_in_full(void **state)
{
    fixture *f = *state;
    git_oid big;
    resign(f, &big, many_records);
    itk_verify_result *r = verify(f, &big);
    /* every record named but not added, and only those: the first 100
     * listed, the rest counted in one line */
    assert_int_equal(count(r, &big, "names a file the commit does not add"), 100);
    char more[80];
    snprintf(more, sizeof(more), "and %d more problems in this commit", MANY - 100);
    assert_int_equal(count(r, &big, more), 1);
    assert_int_equal(count(r, &big, "exactly one each"), 0);
    const itk_commit_info *ci = info_of(r, &big);
    assert_int_equal(ci->nrecords, MANY + 1);
    assert_string_equal(ci->records[0], "parties/acme/register/r-000001.json");
    assert_string_equal(ci->records[MANY], "parties/acme/register/r-108999.json");
    itk_verify_result_free(r);
}

static void test_trailers_a_large_block_named_twice_is_refused(void **state)
{
    fixture *f = *state;
    git_oid twice;
    resign(f, &twice, many_records_twice);
    itk_verify_result *r = verify(f, &twice);
    assert_int_equal(count(r, &twice, "exactly one each"), 1);
    /* each named once in what the commit records, in the order first named */
    const itk_commit_info *ci = info_of(r, &twice);
    assert_int_equal(ci->nrecords, MANY + 1);
    assert_string_equal(ci->records[1], "parties/acme/register/r-100000.json");
    itk_verify_result_free(r);
}

static void upper_party(itk_buf *msg)
{
    char *k = strstr(msg->ptr, "Itaku-Party:");
    assert_non_null(k);
    memcpy(k, "ITAKU-PARTY:", 12);
}

static void second_party_lower(itk_buf *msg)
{
    itk_buf_puts(msg, "itaku-party: akiruno-city\n");
}

static void test_trailers_case_variant_is_refused(void **state)
{
    fixture *f = *state;
    git_oid upper, second;
    resign(f, &upper, upper_party);
    itk_verify_result *r = verify(f, &upper);
    /* read as Itaku-Party (nothing missing), refused for its spelling */
    assert_int_equal(count(r, &upper, "'ITAKU-PARTY' is a case variant of 'Itaku-Party'"), 1);
    assert_int_equal(count(r, &upper, "exactly one each"), 0);
    assert_int_equal(itk_verify_problem_count(r), 1);
    itk_verify_result_free(r);
    /* git reads "itaku-party" as a second Itaku-Party */
    resign(f, &second, second_party_lower);
    r = verify(f, &second);
    assert_int_equal(count(r, &second, "case variant"), 1);
    assert_int_equal(count(r, &second, "exactly one each"), 1);
    itk_verify_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_trailers_twin_as_itaku_writes_it_passes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trailers_a_large_block_is_checked_in_full, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trailers_a_large_block_named_twice_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trailers_case_variant_is_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
