/* Typos caught before they are permanent (issue 16, point 4): references a
 * record cites are checked before anything is written (core/flow/refcheck.c).
 * Each refused case has a legitimate twin. */
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
#include "itaku/party.h"
#include "itaku/refcheck.h"
#include "itaku/registry.h"

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

/* itk_refcheck of body (taken) as acme's record of type against HEAD. */
static int refcheck(fixture *f, json_t **unverified, const char *type, json_t *body,
                    const itk_ref_options *o)
{
    git_tree *tree = NULL;
    assert_int_equal(itk_registry_head_tree(&tree, f->reg), 0);
    json_t *u = NULL;
    int rc = itk_refcheck(&u, f->reg, tree, "acme", type, body, NULL, o);
    git_tree_free(tree);
    json_decref(body);
    if (unverified)
        *unverified = u;
    else
        json_decref(u);
    return rc;
}

static json_t *form4(const char *ref)
{
    json_t *b = th_corpus("form4");
    json_object_set_new(b, "instruction_ref", json_string(ref));
    return b;
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(itk_edit_distance("n-000099", "n-000001"), 2);
    assert_int_equal(itk_edit_distance("", "abc"), 3);
    assert_int_equal(itk_edit_distance("same", "same"), 0);
}

/* an answer to n-000099 that does not exist names n-000001; the twin passes */
static void test_answer_to_missing_instruction(void **state)
{
    fixture *f = *state;
    itk_instruct_options o = ITK_INSTRUCT_OPTIONS_INIT;
    itk_buf name = ITK_BUF_INIT;
    git_oid c;
    o.kind = "report";
    o.to = "acme";
    char due[11];
    th_day(due, 60);
    o.due = due;
    o.text = "報告してください";
    assert_int_equal(itk_instruct(&name, &c, f->reg, f->city, &o), 0);
    assert_string_equal(name.ptr, "akiruno-city/n-000001");
    assert_int_equal(refcheck(f, NULL, "form4", form4("akiruno-city/n-000099"), NULL),
                     ITK_ENOTFOUND);
    assert_non_null(strstr(
        itk_error_last(),
        "The instruction akiruno-city/n-000099 that this record answers is not in the registry."));
    assert_non_null(strstr(itk_error_last(), "Closest ids: akiruno-city/n-000001."));
    assert_int_equal(refcheck(f, NULL, "form4", form4(name.ptr), NULL), 0);
    /* the wrong kind: a return instruction answered by a form 4 */
    o.kind = "return";
    assert_int_equal(itk_instruct(&name, &c, f->reg, f->city, &o), 0);
    assert_int_equal(refcheck(f, NULL, "form4", form4(name.ptr), NULL), ITK_ENOTFOUND);
    assert_non_null(strstr(itk_error_last(), "is of the kind 'return', and this record answers "
                                             "only an instruction of the kind 'report'"));
    itk_buf_dispose(&name);
}

/* a copy of an item nobody holds is refused, nothing written; received
 * first, the full-width lower-case id is the same item */
static void test_copy_of_item_nobody_holds(void **state)
{
    fixture *f = *state;
    json_t *copy = th_register_entry("copied", "SKR-USB-01-C1", "2026-12-05T10:00:00+09:00");
    json_object_set_new(copy, "derived_from", json_string("ｓｋｒ－ｕｓｂ－０１"));
    json_object_set_new(copy, "unapproved_reason", json_string("緊急"));
    char *before = th_refs(f->reg_path);
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid c;
    assert_int_equal(itk_record_submit_refs(&path, &id, &c, f->reg, f->acme, "register", copy, NULL,
                                            NULL, 0, NULL),
                     ITK_ENOTFOUND);
    assert_non_null(
        strstr(itk_error_last(),
               "The copy's source, item number 'ｓｋｒ－ｕｓｂ－０１', is not in acme's register"));
    char *after = th_refs(f->reg_path);
    assert_string_equal(before, after);
    free(after);
    th_submit(f->reg, f->acme, "register",
              th_register_entry("received", "SKR-USB-01", "2026-12-02T10:00:00+09:00"), NULL);
    assert_int_equal(refcheck(f, NULL, "register", json_incref(copy), NULL), 0);
    /* a return of another item names the one held as the closest */
    assert_int_equal(
        refcheck(f, NULL, "register",
                 th_register_entry("returned", "SKR-USB-02", "2026-12-06T10:00:00+09:00"), NULL),
        ITK_ENOTFOUND);
    assert_non_null(strstr(itk_error_last(), "Item number 'SKR-USB-02' is not in acme's register"));
    assert_non_null(strstr(itk_error_last(), "Closest item numbers in the register: SKR-USB-01."));
    json_decref(copy);
    free(before);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
}

/* --unverified-ref with a reason: the reference is given back to record */
static void test_unverified(void **state)
{
    fixture *f = *state;
    itk_ref_options o = {1, "台帳導入前に受領", 0, 0, 0};
    json_t *u = NULL;
    assert_int_equal(refcheck(f, &u, "register",
                              th_register_entry("returned", "OLD-001", "2026-12-06T10:00:00+09:00"),
                              &o),
                     0);
    assert_int_equal(json_array_size(u), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(u, 0), "ref")), "OLD-001");
    assert_string_equal(json_string_value(json_object_get(json_array_get(u, 0), "reason")),
                        "台帳導入前に受領");
    json_decref(u);
    /* without a reason, or with nothing to record, refused */
    o.reason = NULL;
    assert_int_equal(refcheck(f, NULL, "register",
                              th_register_entry("returned", "OLD-001", "2026-12-06T10:00:00+09:00"),
                              &o),
                     ITK_EINVALID);
    o.reason = "x";
    assert_int_equal(refcheck(f, NULL, "register",
                              th_register_entry("received", "NEW-001", "2026-12-06T10:00:00+09:00"),
                              &o),
                     ITK_EINVALID);
}

/* the same entry twice asks for again; with it, accepted */
static void test_duplicate_entry(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "register",
              th_register_entry("received", "SKR-USB-01", "2026-12-02T10:00:00+09:00"), NULL);
    itk_ref_options again = {0, NULL, 1, 0, 0};
    assert_int_equal(refcheck(f, NULL, "register",
                              th_register_entry("received", "skr-usb-01", "2026-12-02T01:00:00Z"),
                              NULL),
                     ITK_EEXISTS);
    assert_non_null(strstr(itk_error_last(), "--again"));
    assert_int_equal(refcheck(f, NULL, "register",
                              th_register_entry("received", "skr-usb-01", "2026-12-02T01:00:00Z"),
                              &again),
                     0);
    /* another time while the item is still held: a second item to return,
     * refused naming the entry that holds it, unless again */
    assert_int_equal(
        refcheck(f, NULL, "register",
                 th_register_entry("received", "skr-usb-01", "2026-12-02T11:00:00+09:00"), NULL),
        ITK_EEXISTS);
    assert_non_null(strstr(itk_error_last(), "already holds item number 'skr-usb-01'"));
    assert_non_null(strstr(itk_error_last(), "--again"));
    assert_int_equal(
        refcheck(f, NULL, "register",
                 th_register_entry("received", "skr-usb-01", "2026-12-02T11:00:00+09:00"), &again),
        0);
    /* once returned, receiving it again is a new holding */
    th_submit(f->reg, f->acme, "register",
              th_register_entry("returned", "SKR-USB-01", "2026-12-03T10:00:00+09:00"), NULL);
    assert_int_equal(
        refcheck(f, NULL, "register",
                 th_register_entry("received", "skr-usb-01", "2026-12-04T10:00:00+09:00"), NULL),
        0);
}

/* a refusal names a party by its name where the message is translated
 * (株式会社アクメ's register, not acme's), by its id in English, and by the
 * id when the tree names it none */
static void test_party_shown(void **state)
{
    fixture *f = *state;
    static const char msg[] = "Item number '%s' is not in %s's register: no receipt or copy of it "
                              "is recorded at or before this entry's date. Record its receipt "
                              "first (itaku register add --action received), or give the item "
                              "number as the register has it.";
    git_tree *tree = NULL;
    char out[64];
    assert_int_equal(itk_registry_head_tree(&tree, f->reg), 0);
    assert_string_equal(itk_ref_party_shown(out, sizeof(out), f->reg, tree, msg, "acme"), "acme");
    th_in_japanese();
    assert_string_equal(itk_ref_party_shown(out, sizeof(out), f->reg, tree, msg, "acme"), "アクメ");
    assert_string_equal(itk_ref_party_shown(out, sizeof(out), f->reg, tree, msg, "nobody"),
                        "nobody");
    /* a message with no translation keeps the id */
    assert_string_equal(
        itk_ref_party_shown(out, sizeof(out), f->reg, tree, "no such message %s", "acme"), "acme");
    th_in_c();
    assert_string_equal(itk_ref_party_shown(out, sizeof(out), f->reg, tree, msg, "acme"), "acme");
    git_tree_free(tree);
}

/* a training report (form 2) naming a worker no form 1 of acme holds is
 * refused naming the closest worker ids; once form 1 names the worker, or
 * with --unverified-ref, it is accepted */
static void test_training_of_unknown_worker(void **state)
{
    fixture *f = *state;
    json_t *f2 = th_corpus("form2");
    json_object_set_new(json_array_get(json_object_get(f2, "attendees"), 0), "worker_id",
                        json_string("w-01"));
    assert_int_equal(refcheck(f, NULL, "form2", json_incref(f2), NULL), ITK_ENOTFOUND);
    assert_non_null(strstr(itk_error_last(),
                           "The worker number 'w-01' of an attendee is not on acme's form 1."));
    assert_null(strstr(itk_error_last(), "Closest"));
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    assert_int_equal(refcheck(f, NULL, "form2", json_incref(f2), NULL), ITK_ENOTFOUND);
    assert_non_null(strstr(itk_error_last(), "Closest worker numbers on form 1: w-001."));
    itk_ref_options o = {1, "研修後に従事者届を提出予定", 0, 0, 0};
    json_t *u = NULL;
    assert_int_equal(refcheck(f, &u, "form2", json_incref(f2), &o), 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(u, 0), "field")),
                        "attendees[].worker_id");
    json_decref(u);
    /* the twin: the worker form 1 names */
    assert_int_equal(refcheck(f, NULL, "form2", th_corpus("form2"), NULL), 0);
    json_decref(f2);
}

/* a copy request of acme's (acme/q-000001) */
static void copy_request(fixture *f, itk_buf *name, const char *supersedes, int expect)
{
    json_t *body = json_pack("{s:s, s:s}", "kind", "copy", "summary", "検証のため");
    git_oid c;
    int rc = itk_request_submit_refs(name, &c, f->reg, f->acme, "copy", body, supersedes, NULL);
    if (rc && !expect)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, expect);
    json_decref(body);
}

/* deciding, withdrawing or citing a request that does not exist names the
 * closest requests; nothing is written */
static void test_request_not_found_names_the_closest(void **state)
{
    fixture *f = *state;
    itk_buf name = ITK_BUF_INIT;
    itk_decision_options d = ITK_DECISION_OPTIONS_INIT;
    git_oid c;
    copy_request(f, &name, NULL, 0);
    assert_string_equal(name.ptr, "acme/q-000001");
    char *before = th_refs(f->reg_path);
    d.outcome = "approved";
    assert_int_equal(itk_request_decide(&c, f->reg, f->city, "acme/q-000011", &d), ITK_ENOTFOUND);
    assert_non_null(strstr(itk_error_last(), "no request 'acme/q-000011'"));
    assert_non_null(strstr(itk_error_last(), "closest: acme/q-000001"));
    assert_int_equal(itk_request_withdraw(&c, f->reg, f->acme, "q-000011"), ITK_ENOTFOUND);
    assert_non_null(strstr(itk_error_last(), "closest: acme/q-000001"));
    /* a withdrawal written as a request body cites the request it takes back */
    json_t *w = json_pack("{s:s, s:s, s:s}", "kind", "copy", "summary", "取下げ", "withdraws",
                          "acme/q-000011");
    assert_int_equal(itk_request_submit_refs(&name, &c, f->reg, f->acme, "copy", w, NULL, NULL),
                     ITK_ENOTFOUND);
    assert_non_null(
        strstr(itk_error_last(),
               "The request acme/q-000011 that this withdrawal names is not in the registry."));
    assert_non_null(strstr(itk_error_last(), "Closest ids: acme/q-000001."));
    json_decref(w);
    char *after = th_refs(f->reg_path);
    assert_string_equal(before, after);
    free(after);
    free(before);
    /* the twin: the request that exists is decided */
    assert_int_equal(itk_request_decide(&c, f->reg, f->city, "acme/q-000001", &d), 0);
    itk_buf_dispose(&name);
}

/* an instruction following up an incident that does not exist, or amending
 * an instruction that does not exist, names the closest ones */
static void test_instruction_citing_nothing(void **state)
{
    fixture *f = *state;
    itk_instruct_options o = ITK_INSTRUCT_OPTIONS_INIT;
    itk_instruct_change_options a = ITK_INSTRUCT_CHANGE_OPTIONS_INIT;
    itk_buf name = ITK_BUF_INIT;
    git_oid c;
    o.kind = "incident-follow-up";
    o.to = "acme";
    char due[11];
    th_day(due, 60);
    o.due = due;
    o.text = "再発防止策を報告してください";
    o.incident_ref = "acme/i-000001";
    assert_int_equal(itk_instruct(&name, &c, f->reg, f->city, &o), ITK_ENOTFOUND);
    assert_non_null(
        strstr(itk_error_last(),
               "The incident report acme/i-000001 that this record cites is not in the registry."));
    /* recorded as unverified with a reason */
    itk_ref_options u = {1, "事故の第一報は電話", 0, 0, 0};
    o.refs = &u;
    assert_int_equal(itk_instruct(&name, &c, f->reg, f->city, &o), 0);
    /* the twin: the incident acme reported */
    th_submit(f->reg, f->acme, "incident", th_corpus("incident"), NULL);
    o.refs = NULL;
    assert_int_equal(itk_instruct(&name, &c, f->reg, f->city, &o), 0);
    assert_string_equal(name.ptr, "akiruno-city/n-000002");
    a.instruction = "n-000012";
    a.reason = "期限の訂正";
    char later[11];
    th_day(later, 88);
    a.due = later;
    assert_int_equal(itk_instruct_change(&name, &c, f->reg, f->city, &a), ITK_ENOTFOUND);
    assert_non_null(strstr(itk_error_last(), "closest: akiruno-city/n-000002"));
    a.instruction = "n-000002";
    assert_int_equal(itk_instruct_change(&name, &c, f->reg, f->city, &a), 0);
    itk_buf_dispose(&name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test_setup_teardown(test_answer_to_missing_instruction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_of_item_nobody_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unverified, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_party_shown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_training_of_unknown_worker, setup, teardown),
        cmocka_unit_test_setup_teardown(test_request_not_found_names_the_closest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_instruction_citing_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
