/* Unit tests of the status engine and its cache (core/status.c,
 * status_rules.c, snapshot_cache.c): a second status reads what the first one
 * gathered, and gives the same findings; a damaged cache, or one written for
 * another HEAD, is not believed. */
#define _GNU_SOURCE /* memmem */
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
#include "itaku/party.h"
#include "itaku/registry.h"
#include "itaku/form_input.h"
#include "itaku/status.h"
#include "status_priv.h"

typedef struct {
    char *dir;
    char reg_path[4096], cache[4200], findings[4200];
    itk_signer *city, *acme;
    itk_registry *reg;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    snprintf(f->reg_path, sizeof(f->reg_path), "%s/reg", f->dir);
    th_cache_home(f->dir, "");
    f->city = th_signer();
    f->acme = th_signer();
    f->reg = th_contract(f->reg_path, f->city, th_when(-1, ""), th_when(119, ""), NULL);
    th_add_acme(f->reg, f->city, f->acme);
    /* acme: a form 1, item-1 received by a designated method and never
     * returned, item-2 received by post and returned */
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    th_submit(f->reg, f->acme, "register",
              th_register_entry("received", "item-1", th_when(0, "T10:00:00+09:00")), NULL);
    json_t *post = th_register_entry("received", "item-2", th_when(0, "T10:00:00-05:00"));
    json_object_set_new(post, "method", json_string("post"));
    /* not designated: recorded as it was, with the reason (issue 16) */
    itk_ref_options undesignated = {0, "郵送で受領（記録のとおり）", 0, 1, 0};
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid c;
    assert_int_equal(itk_record_submit_refs(&path, &id, &c, f->reg, f->acme, "register", post, NULL,
                                            NULL, 0, &undesignated),
                     0);
    json_decref(post);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    th_submit(f->reg, f->acme, "register",
              th_register_entry("returned", "item-2", th_when(1, "T10:00:00+09:00")), NULL);
    th_cache_file(f->cache, sizeof(f->cache), f->reg, "status.cache");
    th_cache_file(f->findings, sizeof(f->findings), f->reg, "findings.cache");
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

/* Every finding as a line: party|section|rule|state|record|due|received|
 * claimed|detail. The caller frees it. */
static char *findings(fixture *f, const char *at)
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
        char line[2048];
        int n = snprintf(line, sizeof(line), "%s|%s|%s|%s|%s|%s|%s|%s|%s\n", x->party, x->section,
                         x->rule, itk_state_name(x->state), x->record, x->due, x->received,
                         x->claimed, x->detail);
        assert_int_equal(itk_buf_put(&out, line, (size_t)n), 0);
    }
    itk_status_free(st);
    assert_int_equal(itk_buf_put(&out, "", 1), 0);
    return out.ptr;
}

/* Rewrites the cache file with `from` replaced by `to` (same length),
 * sealed again with this user's key: a cache that is read, not recomputed,
 * shows the change. */
static void doctor_cache(fixture *f, const char *from, const char *to)
{
    assert_int_equal(strlen(from), strlen(to));
    th_cache_doctor(f->reg, "status.cache", from, to, strlen(from));
}

static void test_a_second_status_reads_the_cache(void **state)
{
    fixture *f = *state;
    char *cold = findings(f, th_when(44, ""));
    assert_non_null(strstr(cold, "acme|4(1)|handover_designated_method|ok|acme/r-000001|"));
    assert_non_null(strstr(cold, "acme|4(1)|handover_designated_method|violated|acme/r-000002|"));
    assert_non_null(
        strstr(cold, "acme|7|items_returned_or_disposed_at_end|pending|acme/r-000001|"));
    size_t len;
    free(th_read(f->cache, &len));
    char *warm = findings(f, th_when(44, ""));
    assert_string_equal(warm, cold);
    /* what the cache says is what status reports (the findings kept for
     * this HEAD aside: they are found again from the snapshot) */
    remove(f->findings);
    doctor_cache(f, "hand-delivery", "hand-deliverx");
    char *doctored = findings(f, th_when(44, ""));
    assert_null(strstr(doctored, "handover_designated_method|ok|"));
    free(doctored);
    /* the evaluation time is applied after the cache: the contract's end */
    char *after_end = findings(f, th_when(120, ""));
    assert_non_null(
        strstr(after_end, "acme|7|items_returned_or_disposed_at_end|violated|acme/r-000001|"));
    free(after_end);
    free(warm);
    free(cold);
}

static void test_a_damaged_cache_is_not_believed(void **state)
{
    fixture *f = *state;
    char *cold = findings(f, th_when(44, ""));
    size_t len;
    unsigned char *data = (unsigned char *)th_read(f->cache, &len);
    unsigned char *hit = memmem(data, len, "hand-delivery", 13);
    assert_non_null(hit);
    hit[12] = 'x'; /* the seal no longer matches */
    th_write(f->cache, data, len);
    remove(f->findings); /* the snapshot is what is read, not the findings of this HEAD */
    char *again = findings(f, th_when(44, ""));
    assert_string_equal(again, cold);
    /* and the cache was written afresh */
    size_t len2;
    char *rewritten = th_read(f->cache, &len2);
    assert_int_equal(len2, len);
    assert_memory_not_equal(rewritten, data, len);
    /* a cache cut short is not believed either */
    th_write(f->cache, data, len / 2);
    remove(f->findings);
    char *cut = findings(f, th_when(44, ""));
    assert_string_equal(cut, cold);
    free(cut);
    free(rewritten);
    free(again);
    free(data);
    free(cold);
}

/* The findings of a run are kept for its HEAD and the evaluation times
 * that find the same (status_cache.c): a second run the same day reads
 * them (scoped as asked), a run after a due time judges again, and a
 * damaged file is not believed. */
static void test_findings_are_kept_for_the_same_answer(void **state)
{
    fixture *f = *state;
    char *cold = findings(f, th_when(44, ""));
    size_t len;
    free(th_read(f->findings, &len));
    assert_true(len > 0);
    th_cache_doctor(f->reg, "findings.cache", "acme/r-000002", "acme/r-000009", 13);
    char *warm = findings(f, th_when(44, ""));
    assert_non_null(strstr(warm, "handover_designated_method|violated|acme/r-000009|"));
    assert_null(strstr(warm, "acme/r-000002"));
    /* the party asked for, from the same file */
    itk_status_options o = ITK_STATUS_OPTIONS_INIT;
    itk_status *st = NULL;
    o.at = th_when(44, "");
    o.party = "acme";
    assert_int_equal(itk_status_run(&st, f->reg, &o), 0);
    assert_int_equal(itk_status_party_count(st), 1);
    assert_string_equal(itk_status_party(st, 0, NULL, NULL), "acme");
    size_t acme = 0;
    for (size_t i = 0; i < itk_status_count(st); i++)
        acme += strcmp(itk_status_get(st, i)->party, "acme") == 0;
    assert_int_equal(acme, itk_status_count(st));
    assert_true(acme > 0);
    itk_status_free(st);
    o.party = "nobody";
    assert_int_equal(itk_status_run(&st, f->reg, &o), ITK_ENOTFOUND);
    assert_null(st);
    /* after the contract's end the items are judged again: not the file's */
    char *after_end = findings(f, th_when(120, ""));
    assert_non_null(strstr(after_end, "acme/r-000002"));
    assert_non_null(
        strstr(after_end, "acme|7|items_returned_or_disposed_at_end|violated|acme/r-000001|"));
    /* and a damaged file is judged again too */
    unsigned char *data = (unsigned char *)th_read(f->findings, &len);
    data[len / 2] ^= 1;
    th_write(f->findings, data, len);
    char *again = findings(f, th_when(120, ""));
    assert_string_equal(again, after_end);
    free(data);
    free(again);
    free(after_end);
    free(warm);
    free(cold);
}

static void test_a_cache_of_another_head_is_not_used(void **state)
{
    fixture *f = *state;
    char *before = findings(f, th_when(44, ""));
    assert_null(strstr(before, "acme/r-000004"));
    th_submit(f->reg, f->acme, "register",
              th_register_entry("returned", "item-1", th_when(39, "T10:00:00+09:00")), NULL);
    char *after = findings(f, th_when(44, ""));
    assert_non_null(strstr(after, "acme|7|items_returned_or_disposed_at_end|ok|acme/r-000004|"));
    free(after);
    free(before);
}

/* A finding's field in the form's words (itk_sctx_field_words) is
 * itk_form_field_words' answer, the first time and from the run's memo;
 * type and field are told apart; no type or field: the field as it is. */
static void test_field_words_from_the_memo_are_the_forms(void **state)
{
    (void)state;
    sctx c;
    memset(&c, 0, sizeof(c));
    const char *asks[][2] = {{"register", "item_id"},  {"register", "quantity.unit"},
                             {"register", "no_such"},  {"register", "item_id"},
                             {"instruction", "to"},    {"register", "quantity.unit"},
                             {"no-such-type", "field"}};
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof(asks) / sizeof(*asks); i++) {
            char want[256], got[256];
            itk_form_field_words(want, sizeof(want), asks[i][0], asks[i][1]);
            itk_sctx_field_words(&c, got, sizeof(got), asks[i][0], asks[i][1]);
            assert_string_equal(got, want);
        }
    assert_non_null(c.words);
    char got[256];
    itk_sctx_field_words(&c, got, sizeof(got), NULL, "item_id");
    assert_string_equal(got, "item_id");
    itk_sctx_field_words(&c, got, sizeof(got), "register", NULL);
    assert_string_equal(got, "");
    json_decref(c.words);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_words_from_the_memo_are_the_forms),
        cmocka_unit_test_setup_teardown(test_a_second_status_reads_the_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_damaged_cache_is_not_believed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_cache_of_another_head_is_not_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_findings_are_kept_for_the_same_answer, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
