/* Unit tests of who may draft a decision again (itaku/kessai_draft.h,
 * DESIGN V12): the drafter of the draft it replaces always; another
 * drafting officer only once a seal sent the draft back or no seal agreeing
 * with it still stands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "itaku/kessai_draft.h"

static void test_the_drafter_always_drafts_again(void **state)
{
    (void)state;
    const itk_redraft_seal seals[] = {{"approved", 1}, {"approved", 1}};
    size_t b = 99;
    assert_int_equal(itk_kessai_may_redraft(&b, "tanto", "approved", "tanto", seals, 2), 1);
    assert_int_equal(itk_kessai_may_redraft(&b, "tanto", "approved", "tanto", NULL, 0), 1);
    assert_int_equal(b, 99);
}

static void test_another_officer_is_refused_while_an_agreeing_seal_stands(void **state)
{
    (void)state;
    const itk_redraft_seal seals[] = {{"approved", 0}, {"approved", 1}};
    size_t b = 99;
    assert_int_equal(itk_kessai_may_redraft(&b, "tanto", "approved", "tanto2", seals, 2), 0);
    assert_int_equal(b, 1); /* the seal that stands, not the one that no longer does */
    /* a rejection drafted and sealed as such binds the same way */
    const itk_redraft_seal rej[] = {{"rejected", 1}};
    assert_int_equal(itk_kessai_may_redraft(&b, "tanto", "rejected", "tanto2", rej, 1), 0);
    assert_int_equal(b, 0);
    /* no drafter recorded: nobody is its drafter */
    assert_int_equal(itk_kessai_may_redraft(NULL, NULL, "approved", "tanto2", seals, 2), 0);
}

static void test_another_officer_may_once_sent_back_or_no_seal_stands(void **state)
{
    (void)state;
    /* no seal at all */
    assert_int_equal(itk_kessai_may_redraft(NULL, "tanto", "approved", "tanto2", NULL, 0), 1);
    /* the agreeing seals no longer stand (a key retired, a post changed) */
    const itk_redraft_seal gone[] = {{"approved", 0}, {"approved", 0}};
    assert_int_equal(itk_kessai_may_redraft(NULL, "tanto", "approved", "tanto2", gone, 2), 1);
    /* a sealing post rejected or returned the draft, even beside an
     * agreeing seal that stands */
    const itk_redraft_seal back[] = {{"approved", 1}, {"returned", 1}};
    assert_int_equal(itk_kessai_may_redraft(NULL, "tanto", "approved", "tanto2", back, 2), 1);
    const itk_redraft_seal other[] = {{"returned", 0}};
    assert_int_equal(itk_kessai_may_redraft(NULL, "tanto", "rejected", "tanto2", other, 1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_drafter_always_drafts_again),
        cmocka_unit_test(test_another_officer_is_refused_while_an_agreeing_seal_stands),
        cmocka_unit_test(test_another_officer_may_once_sent_back_or_no_seal_stands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
