/* Unit tests of the obligation rule kinds of DESIGN §8 that test_status.c
 * and test_status_trust.c leave out (core/status_rules.c): form 1 before
 * work starts, a change before it takes effect, training of every worker,
 * subcontractors approved and acknowledged, incidents first-reported in time
 * and followed up. Each kind has a case it finds ok and one it does not. The
 * records' arrival is the commit that brings them into the city's main:
 * here, now. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "helpers.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/flow.h"
#include "itaku/instruct.h"
#include "itaku/party.h"
#include "itaku/registry.h"
#include "itaku/sshkey.h"
#include "itaku/status.h"

typedef struct {
    char *dir;
    char reg_path[4096];
    itk_signer *city, *acme;
    itk_registry *reg;
    git_oid city_tip; /* the city's last commit on main: where a receipt merges */
} fixture;

/* work starts start; acme registered */
static int setup_at(void **state, const char *start)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    snprintf(f->reg_path, sizeof(f->reg_path), "%s/reg", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    f->reg = th_contract(f->reg_path, f->city, start, "2099-03-31", NULL);
    th_add_acme(f->reg, f->city, f->acme);
    assert_int_equal(git_reference_name_to_id(&f->city_tip, itk_registry_repo(f->reg), "HEAD"), 0);
    *state = f;
    return 0;
}

/* the work starts in the future: what is filed now is in time */
static int setup(void **state)
{
    return setup_at(state, "2099-01-04");
}

/* the work started long ago: what is filed now is late */
static int setup_started(void **state)
{
    return setup_at(state, "2020-04-01");
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

/* Every finding of one rule kind as "state party record detail" lines at
 * `at`; the caller frees it. */
static char *findings(fixture *f, const char *at, const char *rule)
{
    itk_status_options o = ITK_STATUS_OPTIONS_INIT;
    itk_status *st = NULL;
    itk_buf out = ITK_BUF_INIT;
    o.at = at;
    int rc = itk_status_run(&st, f->reg, &o);
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
    for (size_t i = 0; i < itk_status_count(st); i++) {
        const itk_finding *x = itk_status_get(st, i);
        if (strcmp(x->rule, rule) == 0)
            assert_int_equal(itk_buf_printf(&out, "%s %s %s %s\n", itk_state_name(x->state),
                                            x->party, x->record, x->detail),
                             0);
    }
    itk_status_free(st);
    assert_int_equal(itk_buf_put(&out, "", 1), 0);
    return out.ptr;
}

static void expect(fixture *f, const char *at, const char *rule, const char *line)
{
    char *got = findings(f, at, rule);
    if (!strstr(got, line))
        fprintf(stderr, "looked for '%s' in:\n%s", line, got);
    assert_non_null(strstr(got, line));
    free(got);
}

static void expect_none(fixture *f, const char *at, const char *rule, const char *line)
{
    char *got = findings(f, at, rule);
    if (strstr(got, line))
        fprintf(stderr, "did not expect '%s' in:\n%s", line, got);
    assert_null(strstr(got, line));
    free(got);
}

static void check(int rc)
{
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
}

/* The city receives what acme committed since the city's last commit: a
 * signed receipt merge (its tree the clean merge, acme's), now. */
static void receive(fixture *f)
{
    git_repository *repo = itk_registry_repo(f->reg);
    git_oid parents[2], tree, m;
    char msg[600];
    git_oid_cpy(&parents[0], &f->city_tip);
    assert_int_equal(git_reference_name_to_id(&parents[1], repo, "HEAD"), 0);
    th_tree_of(&tree, repo, "HEAD");
    snprintf(msg, sizeof(msg),
             "Receive acme\n\nItaku-Party: akiruno-city\nItaku-Principal: officer\n"
             "Itaku-Action: receive\nItaku-Received: acme %s\nItaku-Content-SHA256: "
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
             git_oid_tostr_s(&parents[1]));
    th_commit_raw(&m, repo, f->city, &tree, parents, 2, msg);
    th_expect_clean(f->reg, git_oid_tostr_s(&m));
    assert_int_equal(th_sh("git -C '%s' update-ref HEAD %s", f->reg_path, git_oid_tostr_s(&m)), 0);
    git_oid_cpy(&f->city_tip, &m);
}

#define BEFORE_START "2098-12-01"
#define AFTER_START "2099-02-01"

/* ---- form1_before_work ---- */

#define F1 "form1_before_work"

static void test_form1_filed_before_work_starts_is_ok(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    receive(f);
    expect(f, AFTER_START, F1, "ok acme acme/f1-000001 \n");
}

static void test_no_form1_is_pending_then_overdue(void **state)
{
    fixture *f = *state;
    expect(f, BEFORE_START, F1, "pending acme  no form 1 (management system) filed yet");
    expect(f, AFTER_START, F1, "overdue acme  no form 1 (management system) filed yet");
}

static void test_form1_filed_after_work_started_is_overdue(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    receive(f);
    expect(f, NULL, F1,
           "overdue acme acme/f1-000001 form 1 reached the party above after the work started");
}

/* ---- form1_change_before_effect ---- */

#define F1C "form1_change_before_effect"

static json_t *change_effective(const char *on)
{
    json_t *b = th_corpus("form1");
    json_object_set_new(b, "filing_type", json_string("change"));
    json_object_set_new(b, "change",
                        json_pack("{s:s, s:[s]}", "effective_on", on, "items", "作業従事者の追加"));
    return b;
}

static void test_a_change_filed_before_it_takes_effect_is_ok(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    th_submit(f->reg, f->acme, "form1", change_effective("2099-06-01"), "f1-000001");
    receive(f);
    expect(f, NULL, F1C, "ok acme acme/f1-000002 \n");
}

static void test_a_change_filed_after_it_took_effect_is_overdue(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    th_submit(f->reg, f->acme, "form1", change_effective("2026-06-01"), "f1-000001");
    receive(f);
    expect(f, NULL, F1C,
           "overdue acme acme/f1-000002 the change reached the party above after it took effect");
}

/* ---- training_covers_workers ---- */

#define TRAIN "training_covers_workers"

static void test_a_worker_with_a_training_report_is_ok(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    th_submit(f->reg, f->acme, "form2", th_corpus("form2"), NULL);
    receive(f);
    expect(f, AFTER_START, TRAIN, "ok acme acme/f2-000001 \n");
}

static void test_a_worker_without_training_is_pending_then_overdue(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    expect(f, BEFORE_START, TRAIN,
           "pending acme acme/f1-000001 worker w-001 (鈴木一郎) has no training report (form 2)");
    expect(f, AFTER_START, TRAIN,
           "overdue acme acme/f1-000001 worker w-001 (鈴木一郎) has no training report (form 2)");
    /* training of someone else covers nothing */
    json_t *other = th_corpus("form2");
    json_t *att = json_array_get(json_object_get(other, "attendees"), 0);
    json_object_set_new(att, "worker_id", json_string("w-002"));
    /* a worker form 1 does not name is recorded only as unverified */
    itk_ref_options ro = {1, "従事者届の変更前の研修", 0, 0, 0};
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid c;
    assert_int_equal(
        itk_record_submit_refs(&path, &id, &c, f->reg, f->acme, "form2", other, NULL, NULL, 0, &ro),
        0);
    json_decref(other);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    expect(f, AFTER_START, TRAIN, "overdue acme acme/f1-000001 worker w-001");
}

/* ---- subcontract_approved, subcontract_acknowledged ---- */

#define APPROVED "subcontract_approved"
#define ACKED "subcontract_acknowledged"

/* acme's form 6 for beta, decided with outcome; beta when approved */
static itk_signer *form6(fixture *f, const char *outcome)
{
    itk_signer *beta = th_signer();
    itk_buf line = ITK_BUF_INIT, name = ITK_BUF_INIT;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    git_oid c;
    assert_int_equal(itk_pubkey_format(&line, itk_signer_public(beta)), 0);
    json_t *f6 = th_corpus("form6");
    json_object_set_new(f6, "party_id", json_string("beta"));
    json_object_set_new(f6, "public_key", json_string(line.ptr));
    json_t *body =
        json_pack("{s:s, s:s, s:o}", "kind", "subcontract", "summary", "再委託", "form6", f6);
    check(itk_request_submit(&name, &c, f->reg, f->acme, "subcontract", body));
    json_decref(body);
    o.outcome = outcome;
    check(itk_request_decide(&c, f->reg, f->city, name.ptr, &o));
    itk_buf_dispose(&line);
    itk_buf_dispose(&name);
    return beta;
}

/* a subcontractor exists only through an approving decision (V7), so the
 * rule's violation cannot be reached by a history verify accepts: a
 * rejected form 6 registers nobody, and there is nothing to find */
static void test_a_subcontractor_registered_by_approval_is_approved(void **state)
{
    fixture *f = *state;
    itk_signer *beta = form6(f, "approved");
    expect(f, NULL, APPROVED, "ok beta akiruno-city/d-000001 \n");
    itk_signer_free(beta);
}

static void test_a_rejected_form6_registers_no_subcontractor(void **state)
{
    fixture *f = *state;
    itk_signer *beta = form6(f, "rejected");
    char *got = findings(f, NULL, APPROVED);
    assert_string_equal(got, "");
    free(got);
    itk_signer_free(beta);
}

static void test_an_acknowledgement_of_the_obligations_in_force_is_ok(void **state)
{
    fixture *f = *state;
    git_oid c;
    expect(f, NULL, ACKED, "pending acme  has not acknowledged the obligations in force");
    check(itk_acknowledge(&c, f->reg, f->acme));
    expect(f, NULL, ACKED, "ok acme acme/a-000001 \n");
    /* a subcontractor owes its own */
    itk_signer *beta = form6(f, "approved");
    expect(f, NULL, ACKED, "pending beta  has not acknowledged the obligations in force");
    check(itk_acknowledge(&c, f->reg, beta));
    expect(f, NULL, ACKED, "ok beta beta/a-000001 \n");
    itk_signer_free(beta);
}

/* the city amends the obligations (a new version named in itaku.json): the
 * old acknowledgement no longer counts */
static void test_an_acknowledgement_of_amended_obligations_no_longer_counts(void **state)
{
    fixture *f = *state;
    git_repository *repo = itk_registry_repo(f->reg);
    git_oid c, top, base, t1, t2;
    git_tree *tree = NULL;
    itk_buf obl = ITK_BUF_INIT, contract = ITK_BUF_INIT;
    check(itk_acknowledge(&c, f->reg, f->acme));
    expect(f, NULL, ACKED, "ok acme acme/a-000001 \n");
    const char *old = "obligations/akiruno-outsourcing.v1.json";
    const char *new = "obligations/akiruno-outsourcing.v2.json";
    assert_int_equal(itk_registry_head_tree(&tree, f->reg), 0);
    assert_int_equal(itk_tree_read(&obl, repo, tree, old, 1 << 22), 0);
    assert_int_equal(itk_tree_read(&contract, repo, tree, "itaku.json", 1 << 20), 0);
    git_tree_free(tree);
    assert_int_equal(itk_buf_put(&contract, "", 1), 0);
    char *at = strstr(contract.ptr, old);
    assert_non_null(at);
    at[strlen(old) - 6] = '2'; /* "v1.json" → "v2.json" */
    /* in force from today: a version never takes effect before the day it
     * is published (V4) */
    char today[32];
    assert_int_equal(itk_buf_put(&obl, "", 1), 0);
    char *from = strstr(obl.ptr, "\"effective_from\": \"");
    assert_non_null(from);
    check(itk_registry_now(today, f->reg));
    memcpy(from + strlen("\"effective_from\": \""), today, 10);
    obl.size--;
    assert_int_equal(itk_buf_put(&obl, "\n", 1), 0);
    assert_int_equal(git_reference_name_to_id(&top, repo, "HEAD"), 0);
    th_tree_of(&base, repo, "HEAD");
    th_tree_put(&t1, repo, &base, new, obl.ptr, obl.size, 0);
    th_tree_put(&t2, repo, &t1, "itaku.json", contract.ptr, contract.size - 1, 0);
    const char *paths[2] = {"itaku.json", new};
    char *msg = th_message(repo, &t2, "akiruno-city", "officer", "contract-update", paths, 2, NULL);
    th_commit_raw(&c, repo, f->city, &t2, &top, 1, msg);
    free(msg);
    th_expect_clean(f->reg, git_oid_tostr_s(&c));
    assert_int_equal(th_sh("git -C '%s' update-ref HEAD %s", f->reg_path, git_oid_tostr_s(&c)), 0);
    expect(f, NULL, ACKED, "pending acme  has not acknowledged the obligations in force");
    check(itk_acknowledge(&c, f->reg, f->acme));
    expect(f, NULL, ACKED, "ok acme acme/a-000002 \n");
    itk_buf_dispose(&obl);
    itk_buf_dispose(&contract);
}

/* ---- incident_first_report_within, incident_followed_up ---- */

#define FIRST "incident_first_report_within"
#define FOLLOWED "incident_followed_up"

/* a first report of an incident discovered `ago` seconds before now */
static json_t *first_report(long long ago)
{
    json_t *b = th_corpus("incident");
    char when[32];
    itk_format_time(when, (long long)time(NULL) - ago, 540);
    json_object_set_new(b, "discovered_at", json_string(when));
    return b;
}

static void test_a_first_report_within_the_hours_is_ok(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "incident", first_report(3600), NULL);
    receive(f);
    expect(f, NULL, FIRST, "ok acme acme/i-000001 \n");
}

static void test_a_first_report_after_the_hours_is_overdue(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "incident", first_report(3 * 24 * 3600), NULL);
    receive(f);
    expect(f, NULL, FIRST,
           "overdue acme acme/i-000001 the first report reached the party above more than 24 "
           "hours after discovery");
}

/* tests/schema-corpus/incident/valid/<name>.json */
static json_t *incident(const char *name)
{
    char path[4200], dir[4000];
    snprintf(dir, sizeof(dir), "%s", __FILE__);
    *strrchr(dir, '/') = '\0';
    snprintf(path, sizeof(path), "%s/../schema-corpus/incident/valid/%s.json", dir, name);
    json_t *v = json_load_file(path, 0, NULL);
    assert_non_null(v);
    return v;
}

/* a follow-up is not the end */
static void test_an_incident_without_a_final_report_is_pending(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "incident", first_report(3600), NULL);
    th_submit(f->reg, f->acme, "incident", incident("follow-up"), NULL);
    receive(f);
    expect(f, NULL, FOLLOWED, "pending acme acme/i-000001 no final report yet");
}

static void test_an_incident_with_a_final_report_is_followed_up(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "incident", first_report(3600), NULL);
    th_submit(f->reg, f->acme, "incident", incident("final"), NULL);
    receive(f);
    expect(f, NULL, FOLLOWED, "ok acme acme/i-000002 \n");
    expect_none(f, NULL, FOLLOWED, "pending");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_form1_filed_before_work_starts_is_ok),
        T(test_no_form1_is_pending_then_overdue),
        cmocka_unit_test_setup_teardown(test_form1_filed_after_work_started_is_overdue,
                                        setup_started, teardown),
        T(test_a_change_filed_before_it_takes_effect_is_ok),
        T(test_a_change_filed_after_it_took_effect_is_overdue),
        T(test_a_worker_with_a_training_report_is_ok),
        T(test_a_worker_without_training_is_pending_then_overdue),
        T(test_a_subcontractor_registered_by_approval_is_approved),
        T(test_a_rejected_form6_registers_no_subcontractor),
        T(test_an_acknowledgement_of_the_obligations_in_force_is_ok),
        T(test_an_acknowledgement_of_amended_obligations_no_longer_counts),
        T(test_a_first_report_within_the_hours_is_ok),
        T(test_a_first_report_after_the_hours_is_overdue),
        T(test_an_incident_without_a_final_report_is_pending),
        T(test_an_incident_with_a_final_report_is_followed_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
