/* Corrections that keep the history (issue 16, point 3): an instruction
 * amended or withdrawn by its issuer is a new record superseding it, and
 * only the issuer may write one (V2, core/verify/policy_chain.c); an
 * instruction due in the past asks for --backdated. Each hostile case is
 * built by hand with libgit2 and has a legitimate twin. */
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
#include "itaku/contract_amend.h"
#include "itaku/errors.h"
#include "itaku/instruct.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/verify.h"

#define CITY "akiruno-city"
#define WHEN "2026-12-03T10:00:00+09:00"

typedef th_acme fixture;

static int setup(void **state)
{
    *state = th_acme_new();
    return 0;
}

static int teardown(void **state)
{
    th_acme_free(*state);
    return 0;
}

static void check(int rc)
{
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
}

/* The city instructs acme to report by 2099-01-31; name gets its name. */
static void instruct(fixture *f, itk_buf *name)
{
    itk_instruct_options o = ITK_INSTRUCT_OPTIONS_INIT;
    git_oid c;
    o.kind = "report";
    o.to = "acme";
    o.due = "2099-01-31";
    o.text = "報告してください";
    check(itk_instruct(name, &c, f->reg, f->city, &o));
}

/* An instruction record by party (id, superseding sup, amending amends),
 * committed by signer on HEAD with truthful trailers; moves no ref. */
static void amend_by_hand(fixture *f, git_oid *out, itk_signer *signer, const char *party,
                          const char *principal, const char *id, const char *sup,
                          const char *amends)
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "report", "to", "acme",
                             "due", "2099-02-28T23:59:59+09:00", "text", "報告してください",
                             "amends", amends, "reason", "期限の延長");
    itk_record_fields rf = {"instruction", id, party, WHEN, sup, NULL, body, "instruction.v2"};
    itk_buf data = ITK_BUF_INIT;
    char path[200];
    git_oid top;
    assert_int_equal(itk_record_build(&data, &rf), 0);
    json_decref(body);
    snprintf(path, sizeof(path), "parties/%s/instructions/%s.json", party, id);
    assert_int_equal(git_reference_name_to_id(&top, f->repo, "HEAD"), 0);
    th_commit_file(out, f->repo, signer, party, principal, "instruct", &top, path, data.ptr,
                   data.size);
    itk_buf_dispose(&data);
}

/* Hostile: acme writes, in its own folder, an amendment of the city's
 * instruction (V2: only the issuer corrects it). */
static void test_v2_refuses_an_amendment_of_another_partys_instruction(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    git_oid c;
    instruct(f, &name);
    amend_by_hand(f, &c, f->acme, "acme", "manager", "n-000002", "n-000001", name.ptr);
    th_expect_rule(f->reg, th_hex(&c), "V2", &c);
    itk_buf_dispose(&name);
}

/* Twin: the city's own amendment, by hand, is clean. */
static void test_v2_accepts_the_issuers_own_amendment_by_hand(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    git_oid c;
    instruct(f, &name);
    amend_by_hand(f, &c, f->city, CITY, "officer", "n-000002", "n-000001", name.ptr);
    th_expect_clean(f->reg, th_hex(&c));
    itk_buf_dispose(&name);
}

/* An amendment whose envelope supersedes another id than it amends, or
 * that amends an instruction not in its history, is V10. */
static void test_v10_refuses_an_amendment_that_disagrees_with_its_envelope(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    git_oid c, d;
    instruct(f, &name);
    amend_by_hand(f, &c, f->city, CITY, "officer", "n-000003", "n-000002", name.ptr);
    th_expect_rule(f->reg, th_hex(&c), "V10", &c);
    amend_by_hand(f, &d, f->city, CITY, "officer", "n-000003", "n-000002", CITY "/n-000002");
    th_expect_rule(f->reg, th_hex(&d), "V10", &d);
    itk_buf_dispose(&name);
}

/* The flow: acme amending or withdrawing the city's instruction is refused
 * naming V2, and nothing is written (refs unchanged); the city's own
 * amendment and withdrawal are written, and the list follows the latest. */
static void test_flow_amend_and_withdraw_by_the_issuer_only(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT, v2 = ITK_BUF_INIT, v3 = ITK_BUF_INIT;
    git_oid c;
    instruct(f, &name);
    char *before = th_refs(f->reg_path);
    itk_instruct_change_options o = ITK_INSTRUCT_CHANGE_OPTIONS_INIT;
    o.instruction = name.ptr;
    o.due = "2099-03-31";
    o.reason = "期限の延長";
    assert_int_equal(itk_instruct_change(&v2, &c, f->reg, f->acme, &o), ITK_EAUTH);
    assert_non_null(strstr(itk_error_last(), "V2"));
    o.withdraw = 1;
    assert_int_equal(itk_instruct_change(&v2, &c, f->reg, f->acme, &o), ITK_EAUTH);
    char *after = th_refs(f->reg_path);
    assert_string_equal(before, after);
    free(after);
    /* a due date in the past is refused unless backdated */
    o.withdraw = 0;
    o.due = "2020-01-31";
    assert_int_equal(itk_instruct_change(&v2, &c, f->reg, f->city, &o), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "--backdated"));
    after = th_refs(f->reg_path);
    assert_string_equal(before, after);
    free(after);
    free(before);
    /* the twin: the city amends, then withdraws the amended version */
    o.due = "2099-03-31";
    check(itk_instruct_change(&v2, &c, f->reg, f->city, &o));
    assert_string_equal(v2.ptr, CITY "/n-000002");
    th_expect_clean(f->reg, NULL);
    itk_instruction_info *l = NULL;
    size_t n = 0;
    check(itk_instruction_list(&l, &n, f->reg, "acme"));
    assert_int_equal(n, 1);
    /* listed once, under its first record, with the amended due time and
     * the record amending it */
    assert_string_equal(l[0].name, CITY "/n-000001");
    assert_string_equal(l[0].corrected_by, CITY "/n-000002");
    assert_string_equal(l[0].due, "2099-03-31T23:59:59+09:00");
    assert_false(l[0].withdrawn);
    free(l);
    /* the old version is no longer the one to correct */
    assert_int_equal(itk_instruct_change(&v3, &c, f->reg, f->city, &o), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), CITY "/n-000002"));
    o.instruction = v2.ptr;
    o.withdraw = 1;
    check(itk_instruct_change(&v3, &c, f->reg, f->city, &o));
    th_expect_clean(f->reg, NULL);
    check(itk_instruction_list(&l, &n, f->reg, "acme"));
    assert_int_equal(n, 1);
    assert_true(l[0].withdrawn);
    assert_string_equal(l[0].name, CITY "/n-000001");
    assert_string_equal(l[0].corrected_by, CITY "/n-000003");
    free(l);
    itk_buf_dispose(&name);
    itk_buf_dispose(&v2);
    itk_buf_dispose(&v3);
}

/* A new instruction due in the past asks for backdated; with it, the record
 * says so. */
static void test_instruct_in_the_past_asks_for_backdated(void **state)
{
    fixture *f = *state;
    itk_instruct_options o = ITK_INSTRUCT_OPTIONS_INIT;
    itk_buf name = ITK_BUF_INIT;
    git_oid c;
    o.kind = "report";
    o.to = "acme";
    o.due = "2020-01-31";
    o.text = "臨時報告";
    char *before = th_refs(f->reg_path);
    assert_int_equal(itk_instruct(&name, &c, f->reg, f->city, &o), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "--backdated"));
    char *after = th_refs(f->reg_path);
    assert_string_equal(before, after);
    free(before);
    free(after);
    o.backdated = 1;
    o.reason = "口頭で指示済み";
    check(itk_instruct(&name, &c, f->reg, f->city, &o));
    th_expect_clean(f->reg, NULL);
    itk_buf_dispose(&name);
}

/* ---- contract amendments (V3) ---- */

/* A contract-amendment record of party, committed by signer on HEAD. */
static void contract_amendment_by_hand(fixture *f, git_oid *out, itk_signer *signer,
                                       const char *party, const char *principal)
{
    json_t *body = json_pack("{s:s, s:[s,s]}", "reason", "受渡方法の追加", "handover_methods",
                             "hand-delivery", "courier");
    itk_record_fields rf = {"contract-amendment",   "c-000001", party, WHEN, NULL, NULL, body,
                            "contract-amendment.v1"};
    itk_buf data = ITK_BUF_INIT;
    char path[200];
    git_oid top;
    assert_int_equal(itk_record_build(&data, &rf), 0);
    json_decref(body);
    snprintf(path, sizeof(path), "parties/%s/contract-amendments/c-000001.json", party);
    assert_int_equal(git_reference_name_to_id(&top, f->repo, "HEAD"), 0);
    th_commit_file(out, f->repo, signer, party, principal, "contract-amend", &top, path, data.ptr,
                   data.size);
    itk_buf_dispose(&data);
}

/* Hostile: the contractor amends the contract settings in its own folder. */
static void test_v3_refuses_a_contract_amendment_by_the_contractor(void **state)
{
    fixture *f = *state;
    git_oid c;
    contract_amendment_by_hand(f, &c, f->acme, "acme", "manager");
    th_expect_rule(f->reg, th_hex(&c), "V3", &c);
}

/* Twin: the same record by the city is clean. */
static void test_v3_accepts_the_citys_contract_amendment(void **state)
{
    fixture *f = *state;
    git_oid c;
    contract_amendment_by_hand(f, &c, f->city, CITY, "officer");
    th_expect_clean(f->reg, th_hex(&c));
}

/* The flow: acme is refused (V3) writing nothing; the city's is written and
 * verifies; no reason or no setting is refused. */
static void test_flow_contract_amend_by_the_city_only(void **state)
{
    fixture *f = *state;
    itk_contract_amend_options o = ITK_CONTRACT_AMEND_OPTIONS_INIT;
    const char *methods[] = {"hand-delivery", "courier"}, *added[] = {"courier"};
    itk_buf name = ITK_BUF_INIT;
    git_oid c;
    char *before = th_refs(f->reg_path);
    o.reason = "受渡方法の追加";
    assert_int_equal(itk_contract_amend(&name, &c, f->reg, f->city, &o), ITK_EINVALID);
    o.handover_methods = methods;
    o.handover_count = 2;
    char end[11];
    th_day(end, 210);
    o.end = end;
    assert_int_equal(itk_contract_amend(&name, &c, f->reg, f->acme, &o), ITK_EAUTH);
    assert_non_null(strstr(itk_error_last(), "V3"));
    /* a replacing list never drops a designated method silently */
    assert_int_equal(itk_contract_amend(&name, &c, f->reg, f->city, &o), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "would drop 'encrypted-usb'"));
    char *after = th_refs(f->reg_path);
    assert_string_equal(before, after);
    free(before);
    free(after);
    o.handover_methods = NULL;
    o.handover_count = 0;
    o.add_methods = added;
    o.add_count = 1;
    check(itk_contract_amend(&name, &c, f->reg, f->city, &o));
    assert_string_equal(name.ptr, CITY "/c-000001");
    th_expect_clean(f->reg, NULL);
    itk_buf_dispose(&name);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_v2_refuses_an_amendment_of_another_partys_instruction),
        T(test_v2_accepts_the_issuers_own_amendment_by_hand),
        T(test_v10_refuses_an_amendment_that_disagrees_with_its_envelope),
        T(test_flow_amend_and_withdraw_by_the_issuer_only),
        T(test_instruct_in_the_past_asks_for_backdated),
        T(test_v3_refuses_a_contract_amendment_by_the_contractor),
        T(test_v3_accepts_the_citys_contract_amendment),
        T(test_flow_contract_amend_by_the_city_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
