/* Unit tests of core/errors.c: a message formatted from itself, and the
 * message kept across the cleanup that follows an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <git2.h>

#include "itaku/errors.h"

static void test_set_may_quote_its_own_message(void **state)
{
    (void)state;
    itk_error_set(ITK_EINVALID, "not a valid OpenSSH public key");
    assert_int_equal(itk_error_set(ITK_EINVALID, "form 6 public_key: %s", itk_error_last()),
                     ITK_EINVALID);
    assert_string_equal(itk_error_last(), "form 6 public_key: not a valid OpenSSH public key");
    /* twice more: each prefix appears once per call, never repeated */
    itk_error_set(ITK_EINVALID, "%s; nothing was taken", itk_error_last());
    itk_error_set(ITK_EINVALID, "a: %s", itk_error_last());
    assert_string_equal(itk_error_last(),
                        "a: form 6 public_key: not a valid OpenSSH public key; nothing was taken");
}

static void test_set_cuts_a_long_message(void **state)
{
    (void)state;
    char big[ITK_ERROR_MAX + 1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    itk_error_set(ITK_ETOOBIG, "%s", big);
    assert_int_equal(strlen(itk_error_last()), ITK_ERROR_MAX - 1);
    /* formatting a full buffer from itself stays bounded and terminated */
    itk_error_set(ITK_ETOOBIG, "p: %s", itk_error_last());
    assert_int_equal(strlen(itk_error_last()), ITK_ERROR_MAX - 1);
    assert_memory_equal(itk_error_last(), "p: xxx", 6);
}

static void test_git_error_may_quote_its_own_message(void **state)
{
    (void)state;
    git_libgit2_init();
    git_error_set_str(GIT_ERROR_INVALID, "object not found");
    itk_error_set(ITK_ENOTFOUND, "main");
    assert_int_equal(itk_error_git("cannot read %s", itk_error_last()), ITK_EGIT);
    assert_string_equal(itk_error_last(), "cannot read main: object not found");
    git_libgit2_shutdown();
}

static void cleanup_that_clears_and_sets(void)
{
    itk_error_clear();
    itk_error_set(ITK_EGIT, "cannot delete refs/itaku/incoming/x");
}

static void test_save_restore_keeps_the_reason_across_cleanup(void **state)
{
    (void)state;
    itk_error_set(ITK_EVERIFY, "commit 0123456789ab breaks V1: the commit is not signed");
    itk_error_state why;
    itk_error_save(&why);
    cleanup_that_clears_and_sets();
    assert_string_equal(itk_error_last(), "cannot delete refs/itaku/incoming/x");
    itk_error_restore(&why);
    assert_string_equal(itk_error_last(),
                        "commit 0123456789ab breaks V1: the commit is not signed");
    /* an empty message saved is restored empty */
    itk_error_clear();
    itk_error_save(&why);
    itk_error_set(ITK_ERROR, "later");
    itk_error_restore(&why);
    assert_string_equal(itk_error_last(), "");
}

/* A later note (the work tree left behind by a full disk) is not lost
 * behind an earlier one (a handler taken by its 異体字): each on its own
 * line, none twice. */
static void test_notices_add_up(void **state)
{
    (void)state;
    itk_notice_take();
    itk_notice_set("the handler is taken as %s", "高橋");
    itk_notice_set("the work tree could not be brought up to date");
    itk_notice_set("the handler is taken as %s", "高橋");
    assert_string_equal(itk_notice_take(), "the handler is taken as 高橋\n"
                                           "the work tree could not be brought up to date");
    assert_string_equal(itk_notice_take(), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_may_quote_its_own_message),
        cmocka_unit_test(test_set_cuts_a_long_message),
        cmocka_unit_test(test_git_error_may_quote_its_own_message),
        cmocka_unit_test(test_save_restore_keeps_the_reason_across_cleanup),
        cmocka_unit_test(test_notices_add_up),
    };
    return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
