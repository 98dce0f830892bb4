/* Unit tests of taking another party's history in (DESIGN §7, core/sync.c):
 * everything fetched lands in quarantine, is verified, and only then moves
 * refs/itaku/lines/<party> and the request branches; a refused take names
 * the commit and the rule and moves nothing; a line only moves forward.
 * Who sends a line is its signature's business (test_senders.c); here, what
 * a whole take publishes. */
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
#include "itaku/flow.h"
#include "itaku/instruct.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/sshkey.h"
#include "itaku/sync.h"
#include "itaku/verify.h"
#include "vstate.h"

#define WHEN "2026-12-03T10:00:00+09:00"
#define LINE "refs/itaku/lines/acme"

/* the city's registry with acme registered; acme's clone of it */
typedef th_pair fixture;
#define setup th_pair_setup
#define teardown th_pair_teardown

static void check(int rc)
{
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
}

static void acme_head(fixture *f, git_oid *out)
{
    assert_int_equal(git_reference_name_to_id(out, itk_registry_repo(f->areg), "HEAD"), 0);
}

/* where the city's line of acme is (zero when it has none) */
static void line(fixture *f, git_oid *out)
{
    if (git_reference_name_to_id(out, itk_registry_repo(f->creg), LINE) < 0)
        memset(out, 0, sizeof(*out));
}

static void acme_entry(fixture *f, const char *item)
{
    th_submit(f->areg, f->acme, "register", th_register_entry("received", item, WHEN), NULL);
}

/* acme's main moved to id by hand */
static void acme_main_at(fixture *f, const git_oid *id)
{
    assert_int_equal(th_sh("git -C '%s' update-ref refs/heads/main %s", f->acme_path, th_hex(id)),
                     0);
}

static void assert_no_quarantine(fixture *f)
{
    char *refs = th_refs(f->city_path);
    assert_null(strstr(refs, "refs/itaku/incoming/"));
    free(refs);
}

static void test_a_verified_take_moves_the_line(void **state)
{
    fixture *f = *state;
    git_oid tip, want, at;
    acme_entry(f, "item-1");
    acme_head(f, &want);
    check(itk_sync_take(&tip, f->creg, "acme", f->acme_path, NULL));
    assert_true(git_oid_equal(&tip, &want));
    line(f, &at);
    assert_true(git_oid_equal(&at, &want));
    assert_no_quarantine(f);
    /* the line moves forward with acme */
    acme_entry(f, "item-2");
    acme_head(f, &want);
    check(itk_sync_take(&tip, f->creg, "acme", f->acme_path, NULL));
    line(f, &at);
    assert_true(git_oid_equal(&at, &want));
}

/* an unsigned commit on acme's main: refused, naming commit and rule; no
 * ref of the city's moves, the quarantine is empty */
static void test_a_refused_take_moves_nothing(void **state)
{
    fixture *f = *state;
    git_oid top, c, tip, at;
    acme_entry(f, "item-1");
    acme_head(f, &top);
    th_commit_file(&c, itk_registry_repo(f->areg), NULL, "acme", "manager", "submit", &top,
                   "parties/acme/register/r-000002.json", "{}\n", 3);
    acme_main_at(f, &c);
    char *before = th_refs(f->city_path);
    assert_int_equal(itk_sync_take(&tip, f->creg, "acme", f->acme_path, NULL), ITK_EVERIFY);
    char want[40];
    snprintf(want, sizeof(want), "commit %.12s breaks V1", th_hex(&c));
    if (!strstr(itk_error_last(), want))
        fprintf(stderr, "%s\n", itk_error_last());
    assert_non_null(strstr(itk_error_last(), want));
    char *after = th_refs(f->city_path);
    assert_string_equal(before, after);
    line(f, &at);
    assert_true(git_oid_is_zero(&at));
    free(before);
    free(after);
}

/* a line the city already holds, then offered rewritten: acme's main moved
 * to a sibling of the tip received (same parent, other entry) */
static void test_a_rewritten_line_is_refused_and_the_line_stays(void **state)
{
    fixture *f = *state;
    git_oid base, first, other, tip, at;
    acme_entry(f, "item-1");
    acme_head(f, &base);
    acme_entry(f, "item-2");
    acme_head(f, &first);
    check(itk_sync_take(&tip, f->creg, "acme", f->acme_path, NULL));
    itk_buf b = ITK_BUF_INIT;
    json_t *body = th_register_entry("received", "item-9", WHEN);
    itk_record_fields rf = {"register", "r-000002", "acme", WHEN, NULL, NULL, body, NULL};
    assert_int_equal(itk_record_build(&b, &rf), 0);
    json_decref(body);
    th_commit_file(&other, itk_registry_repo(f->areg), f->acme, "acme", "manager", "submit", &base,
                   "parties/acme/register/r-000002.json", b.ptr, b.size);
    itk_buf_dispose(&b);
    th_expect_clean(f->areg, th_hex(&other));
    acme_main_at(f, &other);
    char *before = th_refs(f->city_path);
    assert_int_equal(itk_sync_take(&tip, f->creg, "acme", f->acme_path, NULL), ITK_EVERIFY);
    assert_non_null(strstr(itk_error_last(), "V8"));
    char *after = th_refs(f->city_path);
    assert_string_equal(before, after);
    line(f, &at);
    assert_true(git_oid_equal(&at, &first));
    free(before);
    free(after);
    assert_no_quarantine(f);
}

/* the twin of a rewrite: acme's main moved back to an older commit of its
 * own line is nothing new; the line keeps its tip */
static void test_an_older_tip_is_nothing_new(void **state)
{
    fixture *f = *state;
    git_oid base, first, tip, at;
    acme_entry(f, "item-1");
    acme_head(f, &base);
    acme_entry(f, "item-2");
    acme_head(f, &first);
    check(itk_sync_take(&tip, f->creg, "acme", f->acme_path, NULL));
    acme_main_at(f, &base);
    check(itk_sync_take(&tip, f->creg, "acme", f->acme_path, NULL));
    line(f, &at);
    assert_true(git_oid_equal(&at, &first));
    assert_no_quarantine(f);
}

/* a take also publishes acme's request branches, and a receive after it
 * merges the line with a receipt */
static void test_a_take_publishes_request_branches(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    git_oid c, tip, req, want;
    json_t *body = json_pack("{s:s, s:s}", "kind", "copy", "summary", "検証のため");
    check(itk_request_submit(&name, &c, f->areg, f->acme, "copy", body));
    json_decref(body);
    check(itk_sync_take(&tip, f->creg, "acme", f->acme_path, NULL));
    acme_head(f, &want);
    assert_int_equal(git_reference_name_to_id(&req, itk_registry_repo(f->creg),
                                              "refs/heads/requests/acme/q-000001"),
                     0);
    assert_true(git_oid_equal(&req, &want));
    itk_merge_kind kind;
    check(itk_receive(&c, &kind, f->creg, f->city, "acme", LINE));
    assert_int_equal(kind, ITK_MERGED_COMMIT);
    th_expect_clean(f->creg, NULL);
    itk_buf_dispose(&name);
}

/* itk_sync_check_rev: 0 for a rev that verifies, ITK_EVERIFY naming the
 * commit and rule for one that does not */
static void test_check_rev_names_the_first_problem(void **state)
{
    fixture *f = *state;
    git_oid top, c;
    acme_entry(f, "item-1");
    acme_head(f, &top);
    check(itk_sync_check_rev(f->areg, th_hex(&top)));
    th_commit_file(&c, itk_registry_repo(f->areg), f->acme, "acme", "manager", "submit", &top,
                   "itaku.json", "{}\n", 3);
    assert_int_equal(itk_sync_check_rev(f->areg, th_hex(&c)), ITK_EVERIFY);
    char want[40];
    snprintf(want, sizeof(want), "commit %.12s breaks V", th_hex(&c));
    assert_non_null(strstr(itk_error_last(), want));
}

/* HEAD's walk (status's) after a new receipt: the merge is checked on V8's
 * state, which the cache rebuilds from the earlier receipts without reading
 * them again; and what it finds is what a full walk finds. */
static size_t head_walk(fixture *f, int full, size_t *ncommits, size_t *nok)
{
    itk_verify_result *r = NULL;
    itk_verify_options o = ITK_VERIFY_OPTIONS_INIT;
    const char *revs[] = {"HEAD"};
    o.full = full;
    check(itk_verify_run(&r, f->creg, revs, 1, &o));
    assert_int_equal(itk_verify_problem_count(r), 0);
    *ncommits = itk_verify_commit_count(r);
    *nok = 0;
    for (size_t i = 0; i < *ncommits; i++)
        *nok += itk_verify_commit(r, i)->ok != 0;
    size_t n = r->nread;
    itk_verify_result_free(r);
    return n;
}

static void tip_verify(fixture *f)
{
    itk_verify_result *r = NULL;
    itk_verify_options o = ITK_VERIFY_OPTIONS_INIT;
    o.verdict = 1;
    check(itk_verify_run(&r, f->creg, NULL, 0, &o));
    assert_int_equal(itk_verify_problem_count(r), 0);
    itk_verify_result_free(r);
}

static void test_a_new_receipt_reads_no_earlier_receipt(void **state)
{
    fixture *f = *state;
    git_oid tip, c;
    itk_merge_kind kind;
    char item[32];
    th_cache_home(f->dir, "");
    for (int k = 1; k <= 6; k++) {
        snprintf(item, sizeof(item), "item-%d", k);
        acme_entry(f, item);
        check(itk_sync_take(&tip, f->creg, "acme", f->acme_path, NULL));
        check(itk_receive(&c, &kind, f->creg, f->city, "acme", LINE));
        assert_int_equal(kind, ITK_MERGED_COMMIT);
    }
    size_t n = 0, ok = 0, nfull = 0, okfull = 0;
    /* verify's verdict at the tip, then HEAD's walk: both remembered */
    tip_verify(f);
    head_walk(f, 0, &n, &ok);
    /* the receipt is checked on the verdict at the tip, and so is verify
     * after it: neither walks, so HEAD's cache knows neither new commit */
    acme_entry(f, "item-7");
    check(itk_sync_take(&tip, f->creg, "acme", f->acme_path, NULL));
    check(itk_receive(&c, &kind, f->creg, f->city, "acme", LINE));
    tip_verify(f);
    /* acme's new commit and the receipt: none of the six receipts before */
    assert_true(head_walk(f, 0, &n, &ok) <= 2);
    head_walk(f, 1, &nfull, &okfull);
    assert_int_equal(n, nfull);
    assert_int_equal(ok, okfull);
    assert_int_equal(ok, n);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_a_verified_take_moves_the_line),
        T(test_a_refused_take_moves_nothing),
        T(test_a_rewritten_line_is_refused_and_the_line_stays),
        T(test_an_older_tip_is_nothing_new),
        T(test_a_take_publishes_request_branches),
        T(test_check_rev_names_the_first_problem),
        T(test_a_new_receipt_reads_no_earlier_receipt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
