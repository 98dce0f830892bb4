/* Unit tests of the history and who modules: the obligations sections of
 * records, log filters, the story of a record (supersession, citations of
 * a missing record) and who holds what (core/history.c, core/who.c). */
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
#include "itaku/errors.h"
#include "itaku/history.h"
#include "itaku/json.h"
#include "itaku/party.h"
#include "itaku/registry.h"
#include "itaku/who.h"

typedef struct {
    char *dir;
    char reg_path[4096];
    itk_signer *city, *acme;
    itk_registry *reg;
} fixture;

static void submit(fixture *f, const char *type, json_t *body, const char *supersedes)
{
    th_submit(f->reg, f->acme, type, body, supersedes);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    snprintf(f->reg_path, sizeof(f->reg_path), "%s/reg", f->dir);
    th_cache_home(f->dir, "");
    f->city = th_signer();
    f->acme = th_signer();
    git_oid genesis;
    f->reg = th_contract(f->reg_path, f->city, "2026-12-01", "2027-03-31", &genesis);
    th_add_acme(f->reg, f->city, f->acme);
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

/* acme: form 1 (one worker, untrained), its change superseding it, a form 4
 * citing an instruction nobody issued, item-1 received (in New York time),
 * item-2 received and returned. */
static void story_records(fixture *f)
{
    json_t *f1 = th_corpus("form1");
    submit(f, "form1", json_deep_copy(f1), NULL);
    json_object_set_new(f1, "filing_type", json_string("change"));
    json_object_set_new(f1, "change",
                        json_pack("{s:s, s:[s], s:s}", "effective_on", "2026-12-01", "items",
                                  "管理責任者の変更", "reason", "異動"));
    json_object_set_new(json_object_get(f1, "manager"), "name", json_string("山本一子"));
    submit(f, "form1", f1, "f1-000001");
    json_t *f4 = th_corpus("form4");
    json_object_set_new(f4, "instruction_ref", json_string("akiruno-city/n-999999"));
    /* an instruction the registry does not hold: recorded as unverified */
    itk_ref_options unverified = {1, "口頭での指示", 0, 0, 0};
    itk_buf p4 = ITK_BUF_INIT, id4 = ITK_BUF_INIT;
    git_oid c4;
    int rc4 = itk_record_submit_refs(&p4, &id4, &c4, f->reg, f->acme, "form4", f4, NULL, NULL, 0,
                                     &unverified);
    if (rc4)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc4, 0);
    json_decref(f4);
    itk_buf_dispose(&p4);
    itk_buf_dispose(&id4);
    submit(f, "register", th_register_entry("received", "item-1", "2026-12-02T10:00:00-05:00"),
           NULL);
    submit(f, "register", th_register_entry("received", "item-2", "2026-12-02T10:00:00+09:00"),
           NULL);
    submit(f, "register", th_register_entry("returned", "item-2", "2026-12-03T10:00:00+09:00"),
           NULL);
}

static void test_record_sections_follow_the_obligations(void **state)
{
    (void)state;
    static const struct {
        const char *path, *body, *want;
    } cases[] = {
        {"parties/acme/forms/form1/f1-000001.json", "{}", "2"},
        {"parties/acme/forms/form2/f2-000001.json", "{}", "3"},
        {"parties/acme/register/r-000001.json", "{\"action\":\"copied\"}", "4"},
        {"parties/acme/register/r-000002.json", "{\"action\":\"disposed\"}", "4,7"},
        {"parties/acme/forms/form4/f4-000001.json", "{}", "5"},
        {"parties/acme/inspections/x-000001.json", "{}", "6"},
        {"parties/acme/forms/form5/f5-000001.json", "{}", "7"},
        {"parties/acme/requests/q-000001.json", "{\"kind\":\"subcontract\"}", "8"},
        {"parties/acme/requests/q-000002.json", "{\"kind\":\"take-out\"}", "4"},
        {"parties/acme/incidents/i-000001.json", "{}", "10"},
        {"parties/acme/acks/a-000001.json", "{}", "8"},
        {"parties/city/instructions/n-000001.json", "{\"kind\":\"report\"}", "5"},
        {"parties/city/instructions/n-000002.json", "{\"kind\":\"dispose\"}", "7"},
        {"parties/city/instructions/n-000003.json", "{\"kind\":\"incident-follow-up\"}", "10"},
        {"parties/acme/key-events/k-000001.json", "{}", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        json_t *body = json_loads(cases[i].body, 0, NULL);
        json_t *rec = json_pack("{s:o}", "body", body);
        char out[48];
        assert_int_equal(itk_record_sections(out, NULL, NULL, cases[i].path, rec), 0);
        if (strcmp(out, cases[i].want) != 0)
            fprintf(stderr, "%s: %s\n", cases[i].path, out);
        assert_string_equal(out, cases[i].want);
        json_decref(rec);
    }
}

static size_t log_count(fixture *f, const itk_log_options *o)
{
    itk_log *log = NULL;
    assert_int_equal(itk_log_run(&log, f->reg, o), 0);
    size_t n = itk_log_count(log);
    itk_log_free(log);
    return n;
}

static void test_log_filters_by_party_section_action_and_time(void **state)
{
    fixture *f = *state;
    story_records(f);
    itk_log *log = NULL;
    assert_int_equal(itk_log_run(&log, f->reg, NULL), 0);
    assert_int_equal(itk_log_count(log), 8); /* genesis, party-add, six submissions */
    assert_string_equal(itk_log_get(log, 0)->info->action, "submit"); /* newest first */
    assert_string_equal(itk_log_get(log, 7)->info->action, "genesis");
    assert_string_equal(itk_log_get(log, 0)->sections, "4,7");
    itk_log_free(log);
    itk_log_options o = ITK_LOG_OPTIONS_INIT;
    o.party = "acme";
    assert_int_equal(log_count(f, &o), 6);
    o.section = "4(2)";
    assert_int_equal(log_count(f, &o), 3);
    o.section = "7";
    assert_int_equal(log_count(f, &o), 1);
    o.section = "2";
    assert_int_equal(log_count(f, &o), 2);
    o.party = NULL;
    o.section = NULL;
    o.action = "party-add";
    assert_int_equal(log_count(f, &o), 1);
    o.action = NULL;
    o.since = "2999-01-01";
    assert_int_equal(log_count(f, &o), 0);
    o.since = NULL;
    o.until = "2000-01-01T00:00:00-05:00";
    assert_int_equal(log_count(f, &o), 0);
    o.until = "yesterday";
    itk_log *bad = NULL;
    assert_int_equal(itk_log_run(&bad, f->reg, &o), ITK_EINVALID);
    assert_null(bad);
}

/* Every log entry as a line: commit|date|sections|received…; freed by the
 * caller. */
static char *log_lines(fixture *f)
{
    itk_log *log = NULL;
    itk_buf out = ITK_BUF_INIT;
    assert_int_equal(itk_log_run(&log, f->reg, NULL), 0);
    for (size_t i = 0; i < itk_log_count(log); i++) {
        const itk_log_entry *e = itk_log_get(log, i);
        assert_int_equal(
            itk_buf_printf(&out, "%s|%s|%s", git_oid_tostr_s(&e->info->id), e->date, e->sections),
            0);
        for (size_t k = 0; k < e->nreceived; k++)
            assert_int_equal(itk_buf_printf(&out, "|%s", e->received[k]), 0);
        assert_int_equal(itk_buf_putc(&out, '\n'), 0);
    }
    itk_log_free(log);
    assert_int_equal(itk_buf_put(&out, "", 1), 0);
    return out.ptr;
}

static void test_log_reads_its_cache_and_adds_new_commits(void **state)
{
    fixture *f = *state;
    char cache[4200];
    size_t len;
    story_records(f);
    th_cache_file(cache, sizeof(cache), f->reg, "log.cache");
    char *fresh = log_lines(f);
    assert_non_null(strstr(fresh, "|5\n")); /* the form 4 */
    char *cached = log_lines(f);
    assert_string_equal(cached, fresh);
    /* what the cache says is what log shows: the form 4's section, doctored
     * and sealed again with this user's key */
    th_cache_doctor(f->reg, "log.cache", "\0\0\0\0015", "\0\0\0\0016", 5);
    unsigned char *data = (unsigned char *)th_read(cache, &len);
    char *doctored = log_lines(f);
    assert_null(strstr(doctored, "|5\n"));
    assert_non_null(strstr(doctored, "|6\n"));
    /* a damaged cache is not believed, and is written afresh */
    data[len - 1] ^= 1;
    th_write(cache, data, len);
    char *again = log_lines(f);
    assert_string_equal(again, fresh);
    size_t len2;
    char *rewritten = th_read(cache, &len2);
    assert_memory_not_equal(rewritten, data, len2 < len ? len2 : len);
    /* a commit made after the cache was written is read from its trees */
    submit(f, "register", th_register_entry("disposed", "item-1", "2026-12-05T10:00:00+09:00"),
           NULL);
    char *more = log_lines(f);
    assert_non_null(strstr(more, "|4,7\n"));
    assert_string_equal(strchr(more, '\n') + 1, fresh);
    free(more);
    free(rewritten);
    free(again);
    free(doctored);
    free(data);
    free(cached);
    free(fresh);
}

static void test_story_shows_supersession_and_citations_of_a_missing_record(void **state)
{
    fixture *f = *state;
    story_records(f);
    itk_story *st = NULL;
    assert_int_equal(itk_story_run(&st, f->reg, "f1-000001", NULL), 0);
    assert_string_equal(itk_story_subject(st), "acme/f1-000001");
    assert_false(itk_story_missing(st));
    assert_int_equal(itk_story_count(st), 2);
    assert_string_equal(itk_story_get(st, 0)->what, "filed");
    assert_string_equal(itk_story_get(st, 1)->what, "superseded");
    assert_string_equal(itk_story_get(st, 1)->record, "acme/f1-000002");
    itk_story_free(st);
    st = NULL;
    assert_int_equal(itk_story_run(&st, f->reg, "akiruno-city/n-999999", NULL), 0);
    assert_true(itk_story_missing(st));
    assert_int_equal(itk_story_count(st), 1);
    assert_string_equal(itk_story_get(st, 0)->what, "answered");
    assert_string_equal(itk_story_get(st, 0)->record, "acme/f4-000001");
    assert_true(itk_story_get(st, 0)->verified);
    itk_story_free(st);
    st = NULL;
    assert_int_equal(itk_story_run(&st, f->reg, "nobody/x-000001", NULL), ITK_ENOTFOUND);
    assert_int_equal(itk_story_run(&st, f->reg, "000001", NULL), ITK_ECONFLICT);
    assert_null(st);
}

static void test_who_holds_items_not_yet_returned(void **state)
{
    fixture *f = *state;
    itk_who *w = NULL;
    /* a party with no records at all */
    assert_int_equal(itk_who_run(&w, f->reg, NULL), 0);
    assert_int_equal(itk_who_count(w), 2);
    const itk_who_party *acme = itk_who_get(w, 1);
    assert_string_equal(acme->party, "acme");
    assert_string_equal(acme->manager, "");
    assert_int_equal(acme->nworkers + acme->nitems + acme->napprovals, 0);
    assert_string_equal(itk_who_get(w, 0)->subcontractors[0], "acme");
    itk_who_free(w);
    story_records(f);
    itk_who_options o = ITK_WHO_OPTIONS_INIT;
    o.party = "acme";
    assert_int_equal(itk_who_run(&w, f->reg, &o), 0);
    assert_int_equal(itk_who_count(w), 1);
    acme = itk_who_get(w, 0);
    assert_string_equal(acme->manager, "山本一子");
    assert_string_equal(acme->form1, "acme/f1-000002");
    assert_int_equal(acme->nworkers, 1);
    assert_false(acme->workers[0].trained);
    assert_int_equal(acme->nitems, 1);
    assert_string_equal(acme->items[0].item_id, "item-1");
    assert_string_equal(acme->items[0].since, "2026-12-03T00:00:00+09:00");
    itk_who_free(w);
    w = NULL;
    o.party = "nobody";
    assert_int_equal(itk_who_run(&w, f->reg, &o), ITK_ENOTFOUND);
    assert_null(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record_sections_follow_the_obligations),
        cmocka_unit_test_setup_teardown(test_log_filters_by_party_section_action_and_time, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_log_reads_its_cache_and_adds_new_commits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_story_shows_supersession_and_citations_of_a_missing_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_who_holds_items_not_yet_returned, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
