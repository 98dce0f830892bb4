/* Unit tests of the library's messages in the user's language (issue 17):
 * with the build's catalogue bound and a Japanese locale, itk_error_set,
 * itk_error_git and itk_notice_set give Japanese; in the C locale English. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <git2.h>

#include "helpers.h"
#include "itaku/errors.h"
#include "intl.h"

static void test_error_set_is_translated(void **state)
{
    (void)state;
    th_in_japanese();
    itk_error_set(ITK_ENOTFOUND, "%s does not exist", "parties/acme/party.json");
    assert_string_equal(itk_error_last(), "parties/acme/party.json がありません");
    th_in_c();
    itk_error_set(ITK_ENOTFOUND, "%s does not exist", "parties/acme/party.json");
    assert_string_equal(itk_error_last(), "parties/acme/party.json does not exist");
}

static void test_error_git_is_translated(void **state)
{
    (void)state;
    git_libgit2_init();
    th_in_japanese();
    git_error_set_str(GIT_ERROR_INVALID, "object not found");
    assert_int_equal(itk_error_git("cannot read %s", "HEAD~1"), ITK_EGIT);
    /* libgit2's own reason stays as libgit2 gives it */
    assert_string_equal(itk_error_last(), "HEAD~1 を読み取れません: object not found");
    th_in_c();
    git_error_set_str(GIT_ERROR_INVALID, "object not found");
    itk_error_git("cannot read %s", "HEAD~1");
    assert_string_equal(itk_error_last(), "cannot read HEAD~1: object not found");
    git_libgit2_shutdown();
}

static void test_plural_and_notice_are_translated(void **state)
{
    (void)state;
    th_in_japanese();
    /* the form itk_n_ chooses is translated once, not looked up again */
    itk_error_set(ITK_EINVALID,
                  itk_n_("%s: %d problem found", "%s: %d problems found", (unsigned long)2),
                  "form1", 2);
    assert_string_equal(itk_error_last(), "form1: 2 件の問題が見つかりました");
    itk_notice_take();
    itk_notice_set("%s holds no line to take (no main, parties/<P>/main or request branch); "
                   "nothing was taken",
                   "origin");
    assert_non_null(strstr(itk_notice_take(), "origin に取り込む系列がありません"));
    th_in_c();
    itk_error_set(ITK_EINVALID,
                  itk_n_("%s: %d problem found", "%s: %d problems found", (unsigned long)2),
                  "form1", 2);
    assert_string_equal(itk_error_last(), "form1: 2 problems found");
}

static void test_message_without_translation_stays_english(void **state)
{
    (void)state;
    th_in_japanese();
    itk_error_set(ITK_EINVALID, "a message no catalogue holds: %d", 7);
    assert_string_equal(itk_error_last(), "a message no catalogue holds: 7");
    th_in_c();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_set_is_translated),
        cmocka_unit_test(test_error_git_is_translated),
        cmocka_unit_test(test_plural_and_notice_are_translated),
        cmocka_unit_test(test_message_without_translation_stays_english),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
