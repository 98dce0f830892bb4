/* Unit tests of acknowledging amendments (issue 13, point 4; seed §8(2)):
 * a new obligations version published by contract upgrade, with its
 * effective_from, opens a new acknowledgement for every party below the city
 * once it is in force; acknowledge accepts the version in force; status
 * names who has not yet acknowledged it and what an older acknowledgement
 * was of. The newer version is given as carried template data, as a newer
 * release would carry it. */
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
#include "itaku/contract.h"
#include "itaku/errors.h"
#include "itaku/flow.h"
#include "itaku/instruct.h"
#include "itaku/obligations.h"
#include "itaku/registry.h"
#include "itaku/sshkey.h"
#include "itaku/status.h"

#include <git2.h>

#define V1 "obligations/akiruno-outsourcing.v1.json"
#define V2 "obligations/akiruno-outsourcing.v2.json"
#define V3 "obligations/akiruno-outsourcing.v3.json"
/* the versions as status names them: by the document's title and version */
#define N1 "\"Information-security requirements for outsourced work\" (version 1)"
#define N2 "\"Amended requirements\" (version 2)"
#define N3 "\"Amended requirements\" (version 3)"
#define ACKED "subcontract_acknowledged"

typedef struct {
    char *dir;
    itk_signer *city, *acme;
    itk_registry *reg;
    itk_contract_file *carried; /* the built-in template plus newer obligations */
    size_t ncarried;
    char *texts[4];
    size_t ntexts;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    char path[512];
    f->dir = th_tmpdir();
    th_cache_home(f->dir, "city");
    snprintf(path, sizeof(path), "%s/reg", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    f->reg = th_contract(path, f->city, "2099-01-04", "2099-03-31", NULL);
    th_add_acme(f->reg, f->city, f->acme);
    itk_contract_file *b = NULL;
    assert_int_equal(itk_contract_builtin(&b), 0);
    while (b[f->ncarried].path)
        f->ncarried++;
    f->carried = calloc(f->ncarried + 4, sizeof(*f->carried));
    memcpy(f->carried, b, f->ncarried * sizeof(*b));
    free(b);
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
    free(f->carried);
    for (size_t i = 0; i < f->ntexts; i++)
        free(f->texts[i]);
    free(f);
    return 0;
}

static void check(int rc)
{
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
}

/* A newer release carries obligations version `version`: v1 with another
 * version number and effective_from (NULL: none) and one amended text. */
static void carry(fixture *f, int version, const char *effective_from)
{
    const itk_contract_file *v1 = NULL;
    for (size_t i = 0; i < f->ncarried; i++)
        if (strcmp(f->carried[i].path, V1) == 0)
            v1 = &f->carried[i];
    assert_non_null(v1);
    json_t *ob = json_loadb(v1->data, v1->size, 0, NULL);
    assert_non_null(ob);
    json_object_set_new(ob, "version", json_integer(version));
    if (effective_from)
        json_object_set_new(ob, "effective_from", json_string(effective_from));
    else
        json_object_del(ob, "effective_from");
    json_object_set_new(ob, "title_en", json_string("Amended requirements"));
    char *text = json_dumps(ob, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(ob);
    static const char *paths[] = {NULL, V1, V2, V3};
    f->texts[f->ntexts++] = text;
    f->carried[f->ncarried++] = (itk_contract_file){paths[version], text, strlen(text)};
}

static void publish(fixture *f, size_t expect_added)
{
    git_oid id;
    size_t added = 0;
    check(itk_contract_upgrade(&id, &added, f->reg, f->city, f->carried));
    assert_int_equal(added, expect_added);
    th_expect_clean(f->reg, NULL);
}

/* Every finding of the acknowledgement rule as "state party record detail"
 * lines at `at` (NULL: now); the caller frees it. */
static char *acks(fixture *f, const char *at)
{
    itk_status_options o = ITK_STATUS_OPTIONS_INIT;
    itk_status *st = NULL;
    itk_buf out = ITK_BUF_INIT;
    o.at = at;
    check(itk_status_run(&st, f->reg, &o));
    for (size_t i = 0; i < itk_status_count(st); i++) {
        const itk_finding *x = itk_status_get(st, i);
        if (strcmp(x->rule, ACKED) == 0)
            assert_int_equal(itk_buf_printf(&out, "%s %s %s %s\n", itk_state_name(x->state),
                                            x->party, x->record, x->detail),
                             0);
    }
    itk_status_free(st);
    assert_int_equal(itk_buf_put(&out, "", 1), 0);
    return out.ptr;
}

static void expect(fixture *f, const char *at, const char *line)
{
    char *got = acks(f, at);
    if (!strstr(got, line))
        fprintf(stderr, "looked for '%s' in:\n%s", line, got);
    assert_non_null(strstr(got, line));
    free(got);
}

/* The obligations file party's newest acknowledgement names. */
static char *acked_path(fixture *f, const char *party, const char *id)
{
    git_tree *tree = NULL;
    itk_buf data = ITK_BUF_INIT;
    char path[128];
    snprintf(path, sizeof(path), "parties/%s/acks/%s.json", party, id);
    assert_int_equal(itk_registry_head_tree(&tree, f->reg), 0);
    assert_int_equal(itk_tree_read(&data, itk_registry_repo(f->reg), tree, path, 1 << 20), 0);
    git_tree_free(tree);
    json_t *rec = json_loadb(data.ptr, data.size, 0, NULL);
    itk_buf_dispose(&data);
    assert_non_null(rec);
    char *ob =
        strdup(json_string_value(json_object_get(json_object_get(rec, "body"), "obligations")));
    json_decref(rec);
    return ob;
}

static void expect_acked(fixture *f, const char *party, const char *id, const char *path)
{
    char *got = acked_path(f, party, id);
    assert_string_equal(got, path);
    free(got);
}

/* acme's form 6 for beta, approved by the city: beta is registered */
static itk_signer *subcontractor(fixture *f)
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
    o.outcome = "approved";
    check(itk_request_decide(&c, f->reg, f->city, name.ptr, &o));
    itk_buf_dispose(&line);
    itk_buf_dispose(&name);
    return beta;
}

/* The city publishes v2 (carried in force since 2020-01-01; upgrade
 * publishes it as of today, never in the past, so in force now): the contractor
 * and the subcontractor, who had acknowledged v1, are pending again, each
 * told that its acknowledgement was of v1; each acknowledges, which accepts
 * v2; both are ok. The twin before the upgrade: v1's acknowledgements are
 * ok. */
static void test_a_new_version_in_force_opens_a_new_acknowledgement(void **state)
{
    fixture *f = *state;
    git_oid c;
    itk_signer *beta = subcontractor(f);
    check(itk_acknowledge(&c, f->reg, f->acme));
    check(itk_acknowledge(&c, f->reg, beta));
    expect(f, NULL, "ok acme acme/a-000001 \n");
    expect(f, NULL, "ok beta beta/a-000001 \n");
    expect_acked(f, "acme", "a-000001", V1);

    carry(f, 2, "2020-01-01");
    publish(f, 1);
    char today[32], line[256];
    check(itk_registry_now(today, f->reg));
    today[10] = '\0';
    snprintf(line, sizeof(line),
             "pending acme  has not acknowledged the obligations in force (" N2
             ", since %s); acme/a-000001 acknowledged " N1 "\n",
             today);
    expect(f, NULL, line);
    snprintf(line, sizeof(line),
             "pending beta  has not acknowledged the obligations in force (" N2
             ", since %s); beta/a-000001 acknowledged " N1 "\n",
             today);
    expect(f, NULL, line);

    check(itk_acknowledge(&c, f->reg, f->acme));
    expect_acked(f, "acme", "a-000002", V2);
    expect(f, NULL, "ok acme acme/a-000002 \n");
    expect(f, NULL, "pending beta  has not acknowledged");
    check(itk_acknowledge(&c, f->reg, beta));
    expect_acked(f, "beta", "a-000002", V2);
    expect(f, NULL, "ok beta beta/a-000002 \n");
    th_expect_clean(f->reg, NULL);
    itk_signer_free(beta);
}

/* Before its effective_from, v2 is published but v1 is in force: the v1
 * acknowledgement stays ok, and acknowledge accepts v1 still. From
 * effective_from on, v2 is in force and an acknowledgement of v1, even one
 * made after v2 was published, does not count. */
static void test_before_effective_from_the_older_version_is_in_force(void **state)
{
    fixture *f = *state;
    git_oid c;
    check(itk_acknowledge(&c, f->reg, f->acme));
    carry(f, 2, "2098-12-01");
    publish(f, 1);
    expect(f, NULL, "ok acme acme/a-000001 \n");
    expect(f, "2098-11-30", "ok acme acme/a-000001 \n");
    check(itk_acknowledge(&c, f->reg, f->acme)); /* after v2 was published */
    expect_acked(f, "acme", "a-000002", V1);
    expect(f, "2098-12-01",
           "pending acme  has not acknowledged the obligations in force (" N2
           ", since 2098-12-01); acme/a-000002 acknowledged " N1 "\n");
    itk_obligations_version v;
    check(itk_obligations_in_force(&v, f->reg, NULL, "2098-11-30"));
    assert_string_equal(v.path, V1);
    check(itk_obligations_in_force(&v, f->reg, NULL, "2098-12-01"));
    assert_string_equal(v.path, V2);
    assert_int_equal(v.version, 2);
    assert_string_equal(v.effective_from, "2098-12-01");
}

/* Which version is in force: a newer version without an effective_from is
 * never in force (nothing says from when), the highest-numbered version
 * whose date has come is; v1, the version itaku.json names, governs from
 * the start whatever its own effective_from says. v3, carried in force
 * since 2025-04-01, is published as of today: a published version never
 * takes effect in the past (verify's V4). */
static void test_which_version_is_in_force(void **state)
{
    fixture *f = *state;
    itk_obligations_version *v = NULL, now;
    size_t n = 0;
    carry(f, 2, NULL);
    carry(f, 3, "2025-04-01");
    publish(f, 2);
    git_tree *tree = NULL;
    check(itk_registry_head_tree(&tree, f->reg));
    check(itk_obligations_versions(&v, &n, itk_registry_repo(f->reg), tree));
    git_tree_free(tree);
    char today[32], line[256];
    check(itk_registry_now(today, f->reg));
    today[10] = '\0';
    assert_int_equal(n, 3);
    assert_string_equal(v[0].path, V1);
    assert_string_equal(v[0].effective_from, "2024-04-01");
    assert_string_equal(v[1].effective_from, "");
    assert_string_equal(v[2].effective_from, today);
    assert_int_equal(itk_obligations_in_force_at(v, n, "2000-01-01"), 0);
    assert_int_equal(itk_obligations_in_force_at(v, n, "2025-04-01"), 0);
    assert_int_equal(itk_obligations_in_force_at(v, n, today), 2);
    snprintf(line, sizeof(line), "%sT00:00:00+09:00", today);
    assert_int_equal(itk_obligations_in_force_at(v, n, line), 2);
    free(v);
    check(itk_obligations_in_force(&now, f->reg, NULL, "2099-01-01"));
    assert_string_equal(now.path, V3);
    /* status agrees: at 2099-01-05, v3 is what an acknowledgement must name */
    snprintf(line, sizeof(line),
             "pending acme  has not acknowledged the obligations in force (" N3 ", since %s)\n",
             today);
    expect(f, "2099-01-05", line);
    /* `itaku obligations` shows the version in force today */
    json_t *ob = NULL;
    check(itk_obligations_load(&ob, f->reg));
    assert_int_equal(json_integer_value(json_object_get(ob, "version")), 3);
    json_decref(ob);
}

/* An acknowledgement pins its obligations file's hash, so the city cannot
 * amend the obligations by editing a published version in place: that
 * commit is V4 (the twin, the same text as a new version, is clean). */
static void test_an_obligations_file_edited_in_place_is_v4(void **state)
{
    fixture *f = *state;
    git_repository *repo = itk_registry_repo(f->reg);
    git_oid head, edited, twin;
    carry(f, 2, "2098-12-01");
    const itk_contract_file *v2 = &f->carried[f->ncarried - 1];
    assert_int_equal(git_reference_name_to_id(&head, repo, "HEAD"), 0);
    th_commit_file(&edited, repo, f->city, "akiruno-city", "officer", "contract-update", &head, V1,
                   v2->data, v2->size);
    assert_int_equal(git_reference_create(NULL, repo, "refs/heads/edited", &edited, 0, NULL), 0);
    th_expect_rule(f->reg, "refs/heads/edited", "V4", &edited);
    th_commit_file(&twin, repo, f->city, "akiruno-city", "officer", "contract-update", &head, V2,
                   v2->data, v2->size);
    assert_int_equal(git_reference_create(NULL, repo, "refs/heads/twin", &twin, 0, NULL), 0);
    th_expect_clean(f->reg, "refs/heads/twin");
}

/* A new version in force before the day it is published would change the
 * verdict of acknowledgements already made: V4 (its twin, in force from a
 * later day, is test_an_obligations_file_edited_in_place_is_v4's). */
static void test_an_obligations_version_in_force_in_the_past_is_v4(void **state)
{
    fixture *f = *state;
    git_repository *repo = itk_registry_repo(f->reg);
    git_oid head, past;
    carry(f, 2, "1900-01-01");
    const itk_contract_file *v2 = &f->carried[f->ncarried - 1];
    assert_int_equal(git_reference_name_to_id(&head, repo, "HEAD"), 0);
    th_commit_file(&past, repo, f->city, "akiruno-city", "officer", "contract-update", &head, V2,
                   v2->data, v2->size);
    assert_int_equal(git_reference_create(NULL, repo, "refs/heads/past", &past, 0, NULL), 0);
    th_expect_rule(f->reg, "refs/heads/past", "V4", &past);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_new_version_in_force_opens_a_new_acknowledgement,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_before_effective_from_the_older_version_is_in_force,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_which_version_is_in_force, setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_obligations_version_in_force_in_the_past_is_v4,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_obligations_file_edited_in_place_is_v4, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("amendments", tests, NULL, NULL);
}
