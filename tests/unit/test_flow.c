/* Unit tests of the chain's flows through the core API (DESIGN §6,
 * core/flow.c): receiving a descendant's line with a signed receipt,
 * pulling the parent's main, requests with endorsements, the city's
 * decisions, withdrawals. The city and acme keep registries of their own
 * (acme's cloned from the city's); a refused flow moves no ref. */
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
#include "itaku/registry.h"
#include "itaku/sshkey.h"
#include "itaku/requests.h"

#define CITY "akiruno-city"
#define WHEN "2026-12-03T10:00:00+09:00"

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

static void head(itk_registry *reg, git_oid *out)
{
    assert_int_equal(git_reference_name_to_id(out, itk_registry_repo(reg), "HEAD"), 0);
}

static void acme_entry(fixture *f, const char *item)
{
    th_submit(f->areg, f->acme, "register", th_register_entry("received", item, WHEN), NULL);
}

/* ---- receive ---- */

static void test_receive_takes_a_verified_line_with_a_signed_receipt(void **state)
{
    fixture *f = *state;
    git_oid tip, out, h;
    itk_merge_kind kind;
    acme_entry(f, "item-1");
    head(f->areg, &tip);
    check(itk_receive(&out, &kind, f->creg, f->city, "acme", f->acme_path));
    assert_int_equal(kind, ITK_MERGED_COMMIT);
    head(f->creg, &h);
    assert_true(git_oid_equal(&h, &out));
    git_commit *c = NULL;
    assert_int_equal(git_commit_lookup(&c, itk_registry_repo(f->creg), &out), 0);
    assert_int_equal(git_commit_parentcount(c), 2);
    assert_true(git_oid_equal(git_commit_parent_id(c, 1), &tip));
    char want[100];
    snprintf(want, sizeof(want), "Itaku-Received: acme %s\n", th_hex(&tip));
    assert_non_null(strstr(git_commit_message(c), want));
    assert_non_null(strstr(git_commit_message(c), "Itaku-Action: receive\n"));
    git_commit_free(c);
    th_expect_clean(f->creg, NULL);
    /* received again: nothing to do, nothing moves */
    check(itk_receive(&out, &kind, f->creg, f->city, "acme", f->acme_path));
    assert_int_equal(kind, ITK_MERGED_NOTHING);
    head(f->creg, &out);
    assert_true(git_oid_equal(&h, &out));
}

/* acme's main ends in an unsigned commit: refused naming it and V1;
 * nothing of the city's moves */
static void test_receive_refuses_a_forged_line_and_moves_nothing(void **state)
{
    fixture *f = *state;
    git_oid top, c, out;
    itk_merge_kind kind;
    acme_entry(f, "item-1");
    head(f->areg, &top);
    th_commit_file(&c, itk_registry_repo(f->areg), NULL, "acme", "manager", "submit", &top,
                   "parties/acme/register/r-000002.json", "{}\n", 3);
    assert_int_equal(th_sh("git -C '%s' update-ref refs/heads/main %s", f->acme_path, th_hex(&c)),
                     0);
    char *before = th_refs(f->city_path);
    assert_int_equal(itk_receive(&out, &kind, f->creg, f->city, "acme", f->acme_path), ITK_EVERIFY);
    char want[40];
    snprintf(want, sizeof(want), "%.12s", th_hex(&c));
    assert_non_null(strstr(itk_error_last(), want));
    assert_non_null(strstr(itk_error_last(), "V1"));
    char *after = th_refs(f->city_path);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* ---- pull ---- */

static void test_pull_fast_forwards_to_the_parents_main(void **state)
{
    fixture *f = *state;
    itk_instruct_options o = ITK_INSTRUCT_OPTIONS_INIT;
    itk_buf name = ITK_BUF_INIT;
    git_oid c, out, h;
    itk_merge_kind kind;
    o.kind = "report";
    o.to = "acme";
    char due[11];
    th_day(due, 60);
    o.due = due;
    o.text = "報告";
    check(itk_instruct(&name, &c, f->creg, f->city, &o));
    check(itk_pull(&out, &kind, f->areg, f->acme, f->city_path));
    assert_int_equal(kind, ITK_MERGED_FAST_FORWARD);
    head(f->areg, &h);
    assert_true(git_oid_equal(&h, &c));
    itk_instruction_info *list = NULL;
    size_t n = 0;
    check(itk_instruction_list(&list, &n, f->areg, "acme"));
    assert_int_equal(n, 1);
    assert_string_equal(list[0].name, name.ptr);
    free(list);
    th_expect_clean(f->areg, NULL);
    itk_buf_dispose(&name);
}

/* both moved: acme's pull is a signed merge, and the city can receive it */
static void test_pull_merges_when_both_lines_moved(void **state)
{
    fixture *f = *state;
    itk_instruct_options o = ITK_INSTRUCT_OPTIONS_INIT;
    itk_buf name = ITK_BUF_INIT;
    git_oid c, out;
    itk_merge_kind kind;
    o.kind = "report";
    o.to = "acme";
    char due[11];
    th_day(due, 60);
    o.due = due;
    o.text = "報告";
    check(itk_instruct(&name, &c, f->creg, f->city, &o));
    acme_entry(f, "item-1");
    check(itk_pull(&out, &kind, f->areg, f->acme, f->city_path));
    assert_int_equal(kind, ITK_MERGED_COMMIT);
    git_commit *m = NULL;
    assert_int_equal(git_commit_lookup(&m, itk_registry_repo(f->areg), &out), 0);
    assert_true(git_oid_equal(git_commit_parent_id(m, 1), &c));
    assert_non_null(strstr(git_commit_message(m), "Itaku-Action: pull\n"));
    git_commit_free(m);
    th_expect_clean(f->areg, NULL);
    check(itk_receive(&out, &kind, f->creg, f->city, "acme", f->acme_path));
    assert_int_equal(kind, ITK_MERGED_COMMIT);
    th_expect_clean(f->creg, NULL);
    itk_buf_dispose(&name);
}

/* a parent's main that does not verify is not pulled */
static void test_pull_refuses_a_forged_main_and_moves_nothing(void **state)
{
    fixture *f = *state;
    git_oid top, c, out;
    itk_merge_kind kind;
    head(f->creg, &top);
    th_commit_file(&c, itk_registry_repo(f->creg), f->acme, "acme", "manager", "submit", &top,
                   "parties/" CITY "/register/r-000001.json", "{}\n", 3);
    assert_int_equal(th_sh("git -C '%s' update-ref refs/heads/main %s", f->city_path, th_hex(&c)),
                     0);
    char *before = th_refs(f->acme_path);
    assert_int_equal(itk_pull(&out, &kind, f->areg, f->acme, f->city_path), ITK_EVERIFY);
    assert_non_null(strstr(itk_error_last(), "V2"));
    char *after = th_refs(f->acme_path);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* ---- request, decide, withdraw ---- */

static void copy_request(itk_registry *reg, itk_signer *who, itk_buf *name)
{
    json_t *body = json_pack("{s:s, s:s}", "kind", "copy", "summary", "検証のため");
    git_oid c;
    check(itk_request_submit(name, &c, reg, who, "copy", body));
    json_decref(body);
}

static void test_a_request_is_received_decided_and_pulled_back(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    itk_request_info info;
    git_oid out;
    itk_merge_kind kind;
    copy_request(f->areg, f->acme, &name);
    assert_string_equal(name.ptr, "acme/q-000001");
    check(itk_request_resolve(&info, f->areg, "q-000001"));
    assert_string_equal(info.state, "pending");
    assert_string_equal(info.next, CITY);
    check(itk_receive(&out, &kind, f->creg, f->city, "acme", f->acme_path));
    o.outcome = "approved";
    o.valid_until = "2027-01-31";
    check(itk_request_decide(&out, f->creg, f->city, name.ptr, &o));
    check(itk_request_resolve(&info, f->creg, name.ptr));
    assert_string_equal(info.state, "approved");
    assert_string_equal(info.valid_until, "2027-01-31");
    th_expect_clean(f->creg, NULL);
    check(itk_pull(&out, &kind, f->areg, f->acme, f->city_path));
    check(itk_request_resolve(&info, f->areg, name.ptr));
    assert_string_equal(info.state, "approved");
    /* decided once: a second decision is refused and moves nothing */
    char *before = th_refs(f->city_path);
    o.outcome = "rejected";
    assert_int_not_equal(itk_request_decide(&out, f->creg, f->city, name.ptr, &o), 0);
    char *after = th_refs(f->city_path);
    assert_string_equal(before, after);
    free(before);
    free(after);
    itk_buf_dispose(&name);
}

static void test_a_returned_request_says_so(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    itk_request_info info;
    git_oid out;
    itk_merge_kind kind;
    copy_request(f->areg, f->acme, &name);
    check(itk_receive(&out, &kind, f->creg, f->city, "acme", f->acme_path));
    o.outcome = "returned";
    o.reason = "目的を具体的に";
    check(itk_request_decide(&out, f->creg, f->city, name.ptr, &o));
    check(itk_request_resolve(&info, f->creg, name.ptr));
    assert_string_equal(info.state, "returned");
    th_expect_clean(f->creg, NULL);
    itk_buf_dispose(&name);
}

static void test_a_withdrawn_request_cannot_be_decided(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    itk_request_info info;
    git_oid out;
    itk_merge_kind kind;
    copy_request(f->areg, f->acme, &name);
    check(itk_request_withdraw(&out, f->areg, f->acme, name.ptr));
    check(itk_request_resolve(&info, f->areg, name.ptr));
    assert_string_equal(info.state, "withdrawn");
    check(itk_receive(&out, &kind, f->creg, f->city, "acme", f->acme_path));
    char *before = th_refs(f->city_path);
    o.outcome = "approved";
    assert_int_not_equal(itk_request_decide(&out, f->creg, f->city, name.ptr, &o), 0);
    char *after = th_refs(f->city_path);
    assert_string_equal(before, after);
    free(before);
    free(after);
    th_expect_clean(f->creg, NULL);
    itk_buf_dispose(&name);
}

/* ---- endorse: a subcontractor's request passes through acme ---- */

/* In the city's registry (every party writes there): acme's form 6 for
 * beta, approved; beta's copy request (name). */
static itk_signer *with_beta(fixture *f, itk_buf *name)
{
    itk_signer *beta = th_signer();
    itk_buf line = ITK_BUF_INIT, f6 = ITK_BUF_INIT;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    git_oid c;
    assert_int_equal(itk_pubkey_format(&line, itk_signer_public(beta)), 0);
    json_t *form6 = th_corpus("form6");
    json_object_set_new(form6, "party_id", json_string("beta"));
    json_object_set_new(form6, "public_key", json_string(line.ptr));
    json_t *body =
        json_pack("{s:s, s:s, s:o}", "kind", "subcontract", "summary", "再委託", "form6", form6);
    check(itk_request_submit(&f6, &c, f->creg, f->acme, "subcontract", body));
    json_decref(body);
    o.outcome = "approved";
    check(itk_request_decide(&c, f->creg, f->city, f6.ptr, &o));
    copy_request(f->creg, beta, name);
    itk_buf_dispose(&line);
    itk_buf_dispose(&f6);
    return beta;
}

static void test_the_city_decides_a_subcontractors_request_only_after_endorsement(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    itk_request_info info;
    git_oid out;
    itk_signer *beta = with_beta(f, &name);
    check(itk_request_resolve(&info, f->creg, name.ptr));
    assert_string_equal(info.next, "acme");
    /* not yet endorsed by acme: refused, nothing moves */
    char *before = th_refs(f->city_path);
    o.outcome = "approved";
    assert_int_not_equal(itk_request_decide(&out, f->creg, f->city, name.ptr, &o), 0);
    char *after = th_refs(f->city_path);
    assert_string_equal(before, after);
    free(before);
    free(after);
    check(itk_request_endorse(&out, f->creg, f->acme, name.ptr, 0, NULL));
    check(itk_request_resolve(&info, f->creg, name.ptr));
    assert_string_equal(info.endorsed, "acme");
    assert_string_equal(info.next, CITY);
    check(itk_request_decide(&out, f->creg, f->city, name.ptr, &o));
    check(itk_request_resolve(&info, f->creg, name.ptr));
    assert_string_equal(info.state, "approved");
    th_expect_clean(f->creg, NULL);
    itk_buf_dispose(&name);
    itk_signer_free(beta);
}

static void test_a_declined_request_goes_no_further(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    itk_request_info info;
    git_oid out;
    itk_signer *beta = with_beta(f, &name);
    check(itk_request_endorse(&out, f->creg, f->acme, name.ptr, 1, "範囲が広すぎる"));
    check(itk_request_resolve(&info, f->creg, name.ptr));
    assert_string_equal(info.state, "declined");
    o.outcome = "approved";
    assert_int_not_equal(itk_request_decide(&out, f->creg, f->city, name.ptr, &o), 0);
    th_expect_clean(f->creg, NULL);
    itk_buf_dispose(&name);
    itk_signer_free(beta);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_receive_takes_a_verified_line_with_a_signed_receipt),
        T(test_receive_refuses_a_forged_line_and_moves_nothing),
        T(test_pull_fast_forwards_to_the_parents_main),
        T(test_pull_merges_when_both_lines_moved),
        T(test_pull_refuses_a_forged_main_and_moves_nothing),
        T(test_a_request_is_received_decided_and_pulled_back),
        T(test_a_returned_request_says_so),
        T(test_a_withdrawn_request_cannot_be_decided),
        T(test_the_city_decides_a_subcontractors_request_only_after_endorsement),
        T(test_a_declined_request_goes_no_further),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
