/* Unit tests of the trust rules that read the chain and the history (DESIGN
 * §5: V6 decisions, V7 registration, V8 no rollback, V9 compromise;
 * core/policy_chain.c). The legitimate twin of each case is made by itaku's
 * own flows (request, decide, key operations) or by hand like the hostile
 * one; the hostile commits are built in the test with libgit2, and
 * itk_verify_run must name the rule and the commit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "helpers.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/flow.h"
#include "itaku/keyops.h"
#include "itaku/party.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/sshkey.h"
#include "itaku/verify.h"
#include "itaku/init.h"

#define CITY "akiruno-city"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
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

static void head(fixture *f, git_oid *out)
{
    assert_int_equal(git_reference_name_to_id(out, f->repo, "HEAD"), 0);
}

static void check(int rc)
{
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
}

/* ---- V6 decisions ---- */

/* acme asks for a copy approval; name gets "acme/q-000001" */
static void request(fixture *f, itk_buf *name)
{
    json_t *body = json_pack("{s:s, s:s}", "kind", "copy", "summary", "検証のため");
    git_oid c;
    check(itk_request_submit(name, &c, f->reg, f->acme, "copy", body));
    json_decref(body);
}

/* The SHA-256 of the request record at path in HEAD. */
static void request_sha(fixture *f, char out[65], const char *path)
{
    git_tree *t = NULL;
    itk_buf data = ITK_BUF_INIT;
    unsigned char md[32];
    assert_int_equal(itk_registry_head_tree(&t, f->reg), 0);
    assert_int_equal(itk_tree_read(&data, f->repo, t, path, 1 << 20), 0);
    EVP_Digest(data.ptr, data.size, md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    git_tree_free(t);
    itk_buf_dispose(&data);
}

/* A decision record by party on acme/q-000001 carrying sha, committed by
 * signer on parent (a plain commit, action approve). */
static void decision(fixture *f, git_oid *out, itk_signer *signer, const char *party,
                     const char *principal, const git_oid *parent, const char *sha)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "outcome", "approved", "request", "acme/q-000001",
                             "request_sha256", sha);
    itk_record_fields rf = {"decision", "d-000001", party, WHEN, NULL, NULL, body, NULL};
    itk_buf data = ITK_BUF_INIT;
    char path[200];
    assert_int_equal(itk_record_build(&data, &rf), 0);
    json_decref(body);
    snprintf(path, sizeof(path), "parties/%s/decisions/acme/d-000001.json", party);
    th_commit_file(out, f->repo, signer, party, principal, "approve", parent, path, data.ptr,
                   data.size);
    itk_buf_dispose(&data);
}

static void test_v6_accepts_the_citys_decision_by_merge(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    git_oid c;
    request(f, &name);
    o.outcome = "approved";
    check(itk_request_decide(&c, f->reg, f->city, name.ptr, &o));
    th_expect_clean(f->reg, "HEAD");
    itk_buf_dispose(&name);
}

/* the twin of the hostile decisions below: the city's decision made by
 * hand, naming the request and its hash */
static void test_v6_accepts_a_hand_made_decision_of_the_city(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    char sha[65];
    git_oid top, d;
    request(f, &name);
    request_sha(f, sha, "parties/acme/requests/q-000001.json");
    head(f, &top);
    decision(f, &d, f->city, CITY, "officer", &top, sha);
    th_expect_clean(f->reg, th_hex(&d));
    itk_buf_dispose(&name);
}

static void test_v6_refuses_a_decision_signed_by_the_contractor(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    char sha[65];
    git_oid top, d;
    request(f, &name);
    request_sha(f, sha, "parties/acme/requests/q-000001.json");
    head(f, &top);
    decision(f, &d, f->acme, "acme", "manager", &top, sha);
    th_expect_rule(f->reg, th_hex(&d), "V6", &d);
    itk_buf_dispose(&name);
}

static void test_v6_refuses_a_decision_with_another_hash(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    git_oid top, d;
    request(f, &name);
    head(f, &top);
    decision(f, &d, f->city, CITY, "officer", &top, EMPTY_SHA256);
    th_expect_rule(f->reg, th_hex(&d), "V6", &d);
    itk_buf_dispose(&name);
}

/* the decision sits on a commit before the request: not its ancestor */
static void test_v6_refuses_a_decision_on_a_request_not_among_its_ancestors(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    char sha[65];
    git_oid before, d;
    head(f, &before);
    request(f, &name);
    request_sha(f, sha, "parties/acme/requests/q-000001.json");
    decision(f, &d, f->city, CITY, "officer", &before, sha);
    th_expect_rule(f->reg, th_hex(&d), "V6", &d);
    itk_buf_dispose(&name);
}

/* acme replaces its request by a new version: allowed while pending, not
 * once decided */
static void supersede(fixture *f, git_oid *out)
{
    json_t *body = json_pack("{s:s, s:s}", "kind", "copy", "summary", "改めて");
    itk_record_fields rf = {"request", "q-000002", "acme", WHEN, "q-000001", NULL, body, NULL};
    itk_buf data = ITK_BUF_INIT;
    git_oid top;
    assert_int_equal(itk_record_build(&data, &rf), 0);
    json_decref(body);
    head(f, &top);
    th_commit_file(out, f->repo, f->acme, "acme", "manager", "request", &top,
                   "parties/acme/requests/q-000002.json", data.ptr, data.size);
    itk_buf_dispose(&data);
}

static void test_v6_accepts_superseding_a_pending_request(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    git_oid c;
    request(f, &name);
    supersede(f, &c);
    th_expect_clean(f->reg, th_hex(&c));
    itk_buf_dispose(&name);
}

static void test_v6_refuses_superseding_a_decided_request(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    git_oid c;
    request(f, &name);
    o.outcome = "approved";
    check(itk_request_decide(&c, f->reg, f->city, name.ptr, &o));
    supersede(f, &c);
    th_expect_rule(f->reg, th_hex(&c), "V6", &c);
    itk_buf_dispose(&name);
}

/* ---- V7 registration ---- */

/* The city registers party id (role, parent) with key in a plain commit, as
 * itk_party_add does for a contractor. */
static void register_by_hand(fixture *f, git_oid *out, const char *id, const char *role,
                             const char *parent, const itk_pubkey *key)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "name", "ベータ", "role", role, "parent", parent);
    itk_record_fields rf = {"party", id, id, WHEN, NULL, NULL, body, NULL};
    itk_buf pdata = ITK_BUF_INIT, kpath = ITK_BUF_INIT, kdata = ITK_BUF_INIT;
    char ppath[100];
    git_oid top, base, t1, t2;
    assert_int_equal(itk_record_build(&pdata, &rf), 0);
    json_decref(body);
    snprintf(ppath, sizeof(ppath), "parties/%s/party.json", id);
    assert_int_equal(itk_key_record(&kpath, &kdata, id, key, "manager", CITY, WHEN), 0);
    head(f, &top);
    th_tree_of(&base, f->repo, "HEAD");
    th_tree_put(&t1, f->repo, &base, ppath, pdata.ptr, pdata.size, 0);
    th_tree_put(&t2, f->repo, &t1, kpath.ptr, kdata.ptr, kdata.size, 0);
    const char *paths[2] = {ppath, kpath.ptr};
    char *msg = th_message(f->repo, &t2, CITY, "officer", "party-add", paths, 2, NULL);
    th_commit_raw(out, f->repo, f->city, &t2, &top, 1, msg);
    free(msg);
    itk_buf_dispose(&pdata);
    itk_buf_dispose(&kpath);
    itk_buf_dispose(&kdata);
}

static void test_v7_accepts_a_contractor_registered_by_the_city(void **state)
{
    fixture *f = *state;
    itk_signer *beta = th_signer();
    git_oid c;
    register_by_hand(f, &c, "beta", "contractor", CITY, itk_signer_public(beta));
    th_expect_clean(f->reg, th_hex(&c));
    itk_signer_free(beta);
}

static void test_v7_refuses_a_contractor_whose_parent_is_not_the_city(void **state)
{
    fixture *f = *state;
    itk_signer *beta = th_signer();
    git_oid c;
    register_by_hand(f, &c, "beta", "contractor", "acme", itk_signer_public(beta));
    th_expect_rule(f->reg, th_hex(&c), "V7", &c);
    itk_signer_free(beta);
}

static void test_v7_refuses_a_subcontractor_registered_outside_an_approved_form6(void **state)
{
    fixture *f = *state;
    itk_signer *beta = th_signer();
    git_oid c;
    register_by_hand(f, &c, "beta", "subcontractor", "acme", itk_signer_public(beta));
    th_expect_rule(f->reg, th_hex(&c), "V7", &c);
    itk_signer_free(beta);
}

/* acme's form 6 names beta and its key; the city's approving merge
 * registers it, and beta writes */
static void test_v7_accepts_a_subcontractor_registered_by_the_approval_of_its_form6(void **state)
{
    fixture *f = *state;
    itk_signer *beta = th_signer();
    itk_buf line = ITK_BUF_INIT, name = ITK_BUF_INIT;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    git_oid c;
    assert_int_equal(itk_pubkey_format(&line, itk_signer_public(beta)), 0);
    json_t *form6 = th_corpus("form6");
    json_object_set_new(form6, "party_id", json_string("beta"));
    json_object_set_new(form6, "public_key", json_string(line.ptr));
    json_t *body =
        json_pack("{s:s, s:s, s:o}", "kind", "subcontract", "summary", "再委託", "form6", form6);
    check(itk_request_submit(&name, &c, f->reg, f->acme, "subcontract", body));
    json_decref(body);
    o.outcome = "approved";
    check(itk_request_decide(&c, f->reg, f->city, name.ptr, &o));
    th_expect_clean(f->reg, "HEAD");
    th_submit(f->reg, beta, "register", th_register_entry("received", "item-1", WHEN), NULL);
    th_expect_clean(f->reg, "HEAD");
    itk_buf_dispose(&line);
    itk_buf_dispose(&name);
    itk_signer_free(beta);
}

/* ---- V8 no rollback ---- */

/* The city's receipt of acme's line at tip, merged into first. */
static void receipt(fixture *f, git_oid *out, const git_oid *first, const git_oid *tip,
                    const char *received)
{
    git_oid parents[2], tree;
    git_commit *a = NULL, *b = NULL;
    git_index *idx = NULL;
    git_oid_cpy(&parents[0], first);
    git_oid_cpy(&parents[1], tip);
    assert_int_equal(git_commit_lookup(&a, f->repo, first), 0);
    assert_int_equal(git_commit_lookup(&b, f->repo, tip), 0);
    assert_int_equal(git_merge_commits(&idx, f->repo, a, b, NULL), 0);
    assert_false(git_index_has_conflicts(idx));
    assert_int_equal(git_index_write_tree_to(&tree, idx, f->repo), 0);
    char msg[600];
    snprintf(msg, sizeof(msg),
             "Receive acme\n\nItaku-Party: " CITY "\nItaku-Principal: officer\n"
             "Itaku-Action: receive\n%s%s%sItaku-Content-SHA256: " EMPTY_SHA256 "\n",
             received ? "Itaku-Received: " : "", received ? received : "", received ? "\n" : "");
    th_commit_raw(out, f->repo, f->city, &tree, parents, 2, msg);
    git_index_free(idx);
    git_commit_free(a);
    git_commit_free(b);
}

/* acme's line: three entries a[0..2] on top of base */
static void line_of_three(fixture *f, git_oid *base, git_oid a[3])
{
    head(f, base);
    for (int i = 0; i < 3; i++) {
        char item[16];
        snprintf(item, sizeof(item), "item-%d", i + 1);
        th_submit(f->reg, f->acme, "register", th_register_entry("received", item, WHEN), NULL);
        head(f, &a[i]);
    }
}

static void test_v8_accepts_receipts_that_move_forward(void **state)
{
    fixture *f = *state;
    git_oid base, a[3], r1, r2;
    char got[100];
    line_of_three(f, &base, a);
    snprintf(got, sizeof(got), "acme %s", th_hex(&a[1]));
    receipt(f, &r1, &base, &a[1], got);
    snprintf(got, sizeof(got), "acme %s", th_hex(&a[2]));
    receipt(f, &r2, &r1, &a[2], got);
    th_expect_clean(f->reg, th_hex(&r2));
}

static void test_v8_refuses_a_receipt_that_goes_back(void **state)
{
    fixture *f = *state;
    git_oid base, a[3], r1, r2;
    char got[100];
    line_of_three(f, &base, a);
    snprintf(got, sizeof(got), "acme %s", th_hex(&a[1]));
    receipt(f, &r1, &base, &a[1], got);
    /* a[0] is older than a[1], received before */
    snprintf(got, sizeof(got), "acme %s", th_hex(&a[0]));
    receipt(f, &r2, &r1, &a[0], got);
    th_expect_rule(f->reg, th_hex(&r2), "V8", &r2);
}

static void test_v8_refuses_a_receipt_naming_another_commit(void **state)
{
    fixture *f = *state;
    git_oid base, a[3], r;
    char got[100];
    line_of_three(f, &base, a);
    snprintf(got, sizeof(got), "acme %s", th_hex(&a[0]));
    receipt(f, &r, &base, &a[1], got);
    th_expect_rule(f->reg, th_hex(&r), "V8", &r);
}

static void test_v8_refuses_a_merge_without_itaku_received(void **state)
{
    fixture *f = *state;
    git_oid base, a[3], r;
    line_of_three(f, &base, a);
    receipt(f, &r, &base, &a[1], NULL);
    th_expect_rule(f->reg, th_hex(&r), "V8", &r);
}

/* ---- V9 compromise ---- */

/* acme adds a second key (commit *good); then acme's first key signs an
 * entry (*late); the city marks the first key compromised with last_good
 * *good (commit *mark). */
static void compromised(fixture *f, itk_signer *second, git_oid *good, git_oid *late, git_oid *mark)
{
    itk_buf fpr = ITK_BUF_INIT;
    check(itk_key_add(good, f->reg, f->acme, itk_signer_public(second), "manager"));
    th_submit(f->reg, f->acme, "register", th_register_entry("received", "item-7", WHEN), NULL);
    head(f, late);
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    check(itk_key_compromise(mark, f->reg, f->city, fpr.ptr, th_hex(good), "漏えい"));
    itk_buf_dispose(&fpr);
}

/* acme's entry r-000002 signed by signer on parent */
static void entry_on(fixture *f, git_oid *out, itk_signer *signer, const git_oid *parent)
{
    itk_buf b = ITK_BUF_INIT;
    json_t *body = th_register_entry("received", "item-8", WHEN);
    itk_record_fields rf = {"register", "r-000002", "acme", WHEN, NULL, NULL, body, NULL};
    assert_int_equal(itk_record_build(&b, &rf), 0);
    json_decref(body);
    th_commit_file(out, f->repo, signer, "acme", "manager", "submit", parent,
                   "parties/acme/register/r-000002.json", b.ptr, b.size);
    itk_buf_dispose(&b);
}

/* the compromised key signs on top of the compromise: it is out of service
 * in the commit's parent (V1) */
static void test_v9_a_compromised_key_signs_nothing_after_its_compromise(void **state)
{
    fixture *f = *state;
    itk_signer *second = th_signer();
    git_oid good, late, mark, c;
    compromised(f, second, &good, &late, &mark);
    entry_on(f, &c, f->acme, &mark);
    th_expect_rule(f->reg, th_hex(&c), "V1", &c);
    itk_signer_free(second);
}

/* a line the key signed after last_good, on a parent that does not know of
 * the compromise, arrives after it: refused (V9), not merely void */
static void test_v9_refuses_a_line_signed_after_last_good_that_arrives_new(void **state)
{
    fixture *f = *state;
    itk_signer *second = th_signer();
    git_oid good, late, mark, c, r;
    char got[100];
    compromised(f, second, &good, &late, &mark);
    entry_on(f, &c, f->acme, &late);
    snprintf(got, sizeof(got), "acme %s", th_hex(&c));
    receipt(f, &r, &mark, &c, got);
    th_expect_rule(f->reg, th_hex(&r), "V9", &c);
    itk_signer_free(second);
}

/* the twin: the same line signed by acme's other key is received */
static void test_v9_accepts_a_line_by_the_partys_other_key(void **state)
{
    fixture *f = *state;
    itk_signer *second = th_signer();
    git_oid good, late, mark, c, r;
    char got[100];
    compromised(f, second, &good, &late, &mark);
    entry_on(f, &c, second, &late);
    snprintf(got, sizeof(got), "acme %s", th_hex(&c));
    receipt(f, &r, &mark, &c, got);
    th_expect_clean(f->reg, th_hex(&r));
    itk_signer_free(second);
}

/* the twin: the same commit by acme's other key passes */
static void test_v9_accepts_a_commit_by_the_partys_other_key(void **state)
{
    fixture *f = *state;
    itk_signer *second = th_signer();
    git_oid good, late, mark, c;
    compromised(f, second, &good, &late, &mark);
    entry_on(f, &c, second, &mark);
    th_expect_clean(f->reg, th_hex(&c));
    itk_signer_free(second);
}

/* what the key signed after last_good and was already in the history is
 * void (its records stop counting), not a reason to refuse the line; what
 * it signed up to last_good stands */
static void test_v9_marks_what_the_key_signed_after_last_good_void(void **state)
{
    fixture *f = *state;
    itk_signer *second = th_signer();
    git_oid good, late, mark;
    compromised(f, second, &good, &late, &mark);
    itk_verify_options o = ITK_VERIFY_OPTIONS_INIT;
    itk_verify_result *r = NULL;
    o.full = 1;
    check(itk_verify_run(&r, f->reg, NULL, 0, &o));
    int seen_late = 0, seen_good = 0;
    for (size_t i = 0; i < itk_verify_commit_count(r); i++) {
        const itk_commit_info *ci = itk_verify_commit(r, i);
        if (git_oid_equal(&ci->id, &late)) {
            seen_late = 1;
            assert_true(ci->is_void);
        }
        if (git_oid_equal(&ci->id, &good)) {
            seen_good = 1;
            assert_false(ci->is_void);
            assert_true(ci->ok);
        }
    }
    assert_true(seen_late && seen_good);
    for (size_t i = 0; i < itk_verify_problem_count(r); i++)
        fprintf(stderr, "%s %s %s\n", itk_verify_problem(r, i)->commit,
                itk_verify_problem(r, i)->rule, itk_verify_problem(r, i)->message);
    assert_int_equal(itk_verify_problem_count(r), 0);
    itk_verify_result_free(r);
    itk_signer_free(second);
}

/* a compromise event naming a last_good that is not an ancestor */
static void test_v9_refuses_a_compromise_naming_a_last_good_off_the_history(void **state)
{
    fixture *f = *state;
    itk_buf fpr = ITK_BUF_INIT, b = ITK_BUF_INIT;
    git_oid top, c;
    head(f, &top);
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    json_t *body =
        json_pack("{s:s, s:s, s:s, s:s}", "event", "compromise", "key", fpr.ptr, "last_good",
                  "0123456789012345678901234567890123456789", "reason", "漏えい");
    itk_record_fields rf = {"key-event", "k-000001", CITY, WHEN, NULL, NULL, body, NULL};
    assert_int_equal(itk_record_build(&b, &rf), 0);
    json_decref(body);
    th_commit_file(&c, f->repo, f->city, CITY, "officer", "key-compromise", &top,
                   "parties/" CITY "/key-events/k-000001.json", b.ptr, b.size);
    th_expect_rule(f->reg, th_hex(&c), "V9", &c);
    itk_buf_dispose(&fpr);
    itk_buf_dispose(&b);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_v6_accepts_the_citys_decision_by_merge),
        T(test_v6_accepts_a_hand_made_decision_of_the_city),
        T(test_v6_refuses_a_decision_signed_by_the_contractor),
        T(test_v6_refuses_a_decision_with_another_hash),
        T(test_v6_refuses_a_decision_on_a_request_not_among_its_ancestors),
        T(test_v6_accepts_superseding_a_pending_request),
        T(test_v6_refuses_superseding_a_decided_request),
        T(test_v7_accepts_a_contractor_registered_by_the_city),
        T(test_v7_refuses_a_contractor_whose_parent_is_not_the_city),
        T(test_v7_refuses_a_subcontractor_registered_outside_an_approved_form6),
        T(test_v7_accepts_a_subcontractor_registered_by_the_approval_of_its_form6),
        T(test_v8_accepts_receipts_that_move_forward),
        T(test_v8_refuses_a_receipt_that_goes_back),
        T(test_v8_refuses_a_receipt_naming_another_commit),
        T(test_v8_refuses_a_merge_without_itaku_received),
        T(test_v9_a_compromised_key_signs_nothing_after_its_compromise),
        T(test_v9_refuses_a_line_signed_after_last_good_that_arrives_new),
        T(test_v9_accepts_a_line_by_the_partys_other_key),
        T(test_v9_accepts_a_commit_by_the_partys_other_key),
        T(test_v9_marks_what_the_key_signed_after_last_good_void),
        T(test_v9_refuses_a_compromise_naming_a_last_good_off_the_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
