/* Unit tests of the labels catalog (core/model/labels.c, labels.h) and of
 * how it reaches a registry: `init` writes it, `contract upgrade` publishes
 * a new version, the reader takes the newest, verify treats labels/ as it
 * treats schemas/ (city only V3, append-only V4), and a new label version
 * leaves the obligations hash acknowledgements pin alone (issue 15 point 1,
 * issue 13 point 3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "itaku/contract.h"
#include "itaku/errors.h"
#include "itaku/instruct.h"
#include "itaku/json.h"
#include "itaku/labels.h"
#include "itaku/status.h"

#include <git2.h>

#define CITY "akiruno-city"
#define V1 "labels/ja.v1.json"
#define V2 "labels/ja.v2.json" /* the newest this itaku carries */
#define V3 "labels/ja.v3.json" /* a version after it */

typedef struct {
    char *dir;
    char path[512];
    itk_signer *city, *acme;
    itk_registry *reg;
    git_repository *repo;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    th_cache_home(f->dir, "city");
    f->city = th_signer();
    f->acme = th_signer();
    snprintf(f->path, sizeof(f->path), "%s/city", f->dir);
    f->reg = th_contract(f->path, f->city, "2026-12-01", "2027-03-31", NULL);
    th_add_acme(f->reg, f->city, f->acme);
    f->repo = itk_registry_repo(f->reg);
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

/* HEAD's file (V1 or V2) with from replaced by to. */
static char *edited(fixture *f, const char *file, const char *from, const char *to)
{
    git_tree *t = NULL;
    itk_buf data = ITK_BUF_INIT;
    assert_int_equal(itk_registry_head_tree(&t, f->reg), 0);
    assert_int_equal(itk_tree_read(&data, f->repo, t, file, 1 << 20), 0);
    git_tree_free(t);
    assert_int_equal(itk_buf_put(&data, "", 1), 0);
    const char *at = strstr(data.ptr, from);
    assert_non_null(at);
    size_t n = data.size + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - data.ptr), data.ptr, to, at + strlen(from));
    itk_buf_dispose(&data);
    return out;
}

/* ---- the reader ---- */

static const char CATALOG[] =
    "{\"catalog\": \"itaku-labels\", \"lang\": \"ja\", \"version\": 1, \"labels\": {"
    "\"action\": {\"received\": \"受領\", \"copied\": \"複製\"},"
    "\"request.kind\": {\"take-out\": \"持出し\"},"
    "\"method\": {\"hand-delivery\": \"手渡し\"},"
    "\"form5.method\": {\"shred\": \"裁断\"},"
    "\"finding\": {\"m\": \"{1:action}の方法「{2:method}」{3}\", \"plain\": \"なし\"}}}";

static void test_reader_looks_up_labels_and_falls_back_to_codes(void **state)
{
    (void)state;
    itk_labels *l = NULL;
    assert_int_equal(itk_labels_parse(&l, CATALOG, strlen(CATALOG), "labels/ja.v1.json"), 0);
    assert_string_equal(itk_labels_file(l), "labels/ja.v1.json");
    assert_string_equal(itk_labels_get(l, "action", "received"), "受領");
    assert_null(itk_labels_get(l, "action", "erased"));
    assert_null(itk_labels_get(l, "nothing", "received"));
    assert_string_equal(itk_label_or(l, "action", "erased"), "erased");
    /* "<type>.<field>" before "<field>" */
    assert_string_equal(itk_labels_field(l, "request", "kind", "take-out"), "持出し");
    assert_string_equal(itk_labels_field(l, "form5", "method", "shred"), "裁断");
    assert_string_equal(itk_labels_field(l, "register", "method", "hand-delivery"), "手渡し");
    assert_null(itk_labels_field(l, "form5", "method", "degauss"));
    /* no catalog: every look-up is NULL, the code is shown */
    assert_null(itk_labels_get(NULL, "action", "received"));
    assert_string_equal(itk_label_or(NULL, "action", "received"), "received");
    itk_buf b = ITK_BUF_INIT;
    const char *args[] = {"copied", "carrier-pigeon", "！"};
    assert_int_equal(itk_labels_format(&b, l, "m", args, 3), 0);
    assert_string_equal(b.ptr, "複製の方法「carrier-pigeon」！");
    itk_buf_clear(&b);
    assert_int_equal(itk_labels_format(&b, l, "m", args, 1), 0);
    assert_string_equal(b.ptr, "複製の方法「」");
    assert_int_equal(itk_labels_format(&b, l, "absent", args, 3), ITK_ENOTFOUND);
    assert_int_equal(itk_labels_format(&b, NULL, "m", args, 3), ITK_ENOTFOUND);
    itk_buf_dispose(&b);
    itk_labels_free(l);
    itk_labels_free(NULL);
}

/* One normaliser of handover methods: a code and its label are one method
 * (issue 16, point 2), in any case and width; other methods are not. */
static void test_method_equal_takes_a_code_and_its_label_as_one(void **state)
{
    (void)state;
    itk_labels *l = NULL;
    assert_int_equal(itk_labels_builtin(&l, "ja"), 0);
    assert_non_null(l);
    assert_true(itk_method_equal(l, "手渡し", "hand-delivery"));
    assert_true(itk_method_equal(l, "hand-delivery", "手渡し"));
    assert_true(itk_method_equal(l, "Hand-Delivery", "手渡し"));
    assert_true(itk_method_equal(l, "ＨＡＮＤ－ＤＥＬＩＶＥＲＹ", "手渡し"));
    assert_true(itk_method_equal(l, "USB-Hand", "usb-hand"));
    assert_false(itk_method_equal(l, "手渡", "手渡し"));
    assert_false(itk_method_equal(l, "courier", "手渡し"));
    assert_false(itk_method_equal(l, "courier", "hand-delivery"));
    assert_false(itk_method_equal(l, NULL, "手渡し"));
    /* without a catalog: compared as typed */
    assert_false(itk_method_equal(NULL, "hand-delivery", "手渡し"));
    assert_true(itk_method_equal(NULL, "HAND-DELIVERY", "hand-delivery"));
    itk_labels_free(l);
}

static void expect_refused(const char *text, const char *words)
{
    itk_labels *l = (itk_labels *)1;
    int rc = itk_labels_parse(&l, text, strlen(text), "labels/ja.v9.json");
    assert_int_equal(rc, ITK_EINVALID);
    assert_null(l);
    if (!strstr(itk_error_last(), words) || !strstr(itk_error_last(), "labels/ja.v9.json"))
        fail_msg("'%s' not in: %s", words, itk_error_last());
}

static void test_reader_refuses_hostile_catalogs(void **state)
{
    (void)state;
    expect_refused("not json", "labels/ja.v9.json");
    expect_refused("[1]", "itaku-labels");
    expect_refused("{\"catalog\": \"other\", \"labels\": {}}", "itaku-labels");
    expect_refused("{\"catalog\": \"itaku-labels\", \"labels\": []}", "not an object");
    expect_refused("{\"catalog\": \"itaku-labels\", \"labels\": {\"a\": 1}}", "not an object");
    expect_refused("{\"catalog\": \"itaku-labels\", \"labels\": {\"a\": {\"x\": 1}}}",
                   "not a string");
    expect_refused("{\"catalog\": \"itaku-labels\", \"labels\": {\"a\": {\"x\": \"a\\u001bb\"}}}",
                   "control");
    /* a label over the limit; its twin at the limit is read */
    size_t n = ITK_LABELS_MAX_LABEL + 1;
    char *big = malloc(n + 100), *ok = malloc(n + 100);
    snprintf(big, n + 100,
             "{\"catalog\": \"itaku-labels\", \"labels\": {\"a\": {\"x\": \"%0*d\"}}}", (int)n, 0);
    snprintf(ok, n + 100, "{\"catalog\": \"itaku-labels\", \"labels\": {\"a\": {\"x\": \"%0*d\"}}}",
             (int)n - 1, 0);
    expect_refused(big, "too long");
    itk_labels *l = NULL;
    assert_int_equal(itk_labels_parse(&l, ok, strlen(ok), "ok"), 0);
    assert_int_equal(strlen(itk_labels_get(l, "a", "x")), ITK_LABELS_MAX_LABEL);
    itk_labels_free(l);
    free(big);
    free(ok);
}

/* The template's catalog: canonical, and a label for every code of every
 * enum of every schema this itaku carries (the "<type>.<field>" domain or
 * the "<field>" one). */
static void check_enums(const itk_labels *l, const char *type, const char *field, const json_t *s)
{
    const char *key;
    json_t *v;
    if (json_is_array(s)) {
        size_t i;
        json_array_foreach(s, i, v) check_enums(l, type, field, v);
        return;
    }
    if (!json_is_object(s))
        return;
    json_t *e = json_object_get(s, "enum");
    size_t i;
    json_array_foreach(e, i, v)
    {
        if (!itk_labels_field(l, type, field, json_string_value(v)))
            fail_msg("no label for %s.%s = %s", type, field, json_string_value(v));
    }
    json_object_foreach((json_t *)json_object_get(s, "properties"), key, v)
        check_enums(l, type, key, v);
    json_object_foreach((json_t *)s, key, v)
    {
        if (strcmp(key, "properties") != 0 && strcmp(key, "enum") != 0)
            check_enums(l, type, strcmp(key, "items") == 0 ? field : key, v);
    }
}

static void test_template_catalog_labels_every_code(void **state)
{
    (void)state;
    itk_contract_file *b = NULL;
    itk_labels *l = NULL, *l1 = NULL;
    assert_int_equal(itk_contract_builtin(&b), 0);
    for (const itk_contract_file *x = b; x->path; x++) {
        if (strcmp(x->path, V2) == 0) {
            assert_int_equal(itk_json_check_canonical(x->data, x->size, V2), 0);
            assert_int_equal(itk_labels_parse(&l, x->data, x->size, V2), 0);
        }
        if (strcmp(x->path, V1) == 0) {
            assert_int_equal(itk_json_check_canonical(x->data, x->size, V1), 0);
            assert_int_equal(itk_labels_parse(&l1, x->data, x->size, V1), 0);
        }
        assert_string_not_equal(x->path, V3);
    }
    assert_non_null(l);
    assert_non_null(l1);
    for (const itk_contract_file *x = b; x->path; x++) {
        if (strncmp(x->path, "schemas/", 8) != 0)
            continue;
        char type[64];
        snprintf(type, sizeof(type), "%.*s", (int)strcspn(x->path + 8, "."), x->path + 8);
        json_t *s = json_loadb(x->data, x->size, 0, NULL);
        assert_non_null(s);
        check_enums(l, type, NULL, s);
        /* form 6 is the request's $defs/form6 */
        check_enums(l, "form6", NULL, json_object_get(json_object_get(s, "$defs"), "form6"));
        json_decref(s);
    }
    /* states, roles and every status rule */
    const char *states[] = {"ok", "pending", "overdue", "violated", "void"};
    for (size_t i = 0; i < 5; i++)
        assert_non_null(itk_labels_get(l, "state", states[i]));
    assert_string_equal(itk_labels_get(l, "action", "received"), "受領");
    assert_string_equal(itk_labels_get(l, "role", "contractor"), "受注者");
    assert_non_null(itk_labels_get(l, "rule", "register_prior_approval"));
    /* status's findings beside the obligations' rules */
    assert_non_null(itk_labels_get(l, "rule", "post_setters_named"));
    assert_non_null(itk_labels_get(l, "finding", "post_setters_unnamed"));
    /* v1 is as released (registries made then hold it byte for byte): the
     * words added since are in v2 only */
    assert_string_equal(itk_labels_get(l, "principal", "manager"), "管理責任者");
    assert_string_equal(itk_labels_get(l, "ref_field", "instruction_ref"), "指示");
    assert_null(itk_labels_get(l1, "principal", "manager"));
    assert_null(itk_labels_get(l1, "ref_field", "instruction_ref"));
    assert_null(itk_labels_get(l1, "form1.subcontract_planned", "true"));
    assert_string_equal(itk_labels_get(l1, "action", "received"), "受領");
    itk_labels_free(l1);
    itk_labels_free(l);
    free(b);
}

/* 1 when s is ASCII but for "…" (U+2026). */
static int english(const char *s)
{
    while (*s) {
        if (strncmp(s, "\xe2\x80\xa6", 3) == 0)
            s += 3;
        else if ((unsigned char)*s++ >= 0x80)
            return 0;
    }
    return 1;
}

/* The English words itaku carries for its screens (labels/en.v1.json):
 * never in the registry template, and a word in English for every state,
 * role, rule and instruction or request kind the city's catalog has. */
static void test_builtin_english_catalog_covers_the_screens(void **state)
{
    (void)state;
    itk_labels *en = NULL, *ja = NULL;
    assert_int_equal(itk_labels_builtin(&en, "en"), 0);
    assert_non_null(en);
    assert_string_equal(itk_labels_file(en), "labels/en.v1.json");
    assert_string_equal(itk_labels_lang(en), "en");
    assert_string_equal(itk_labels_lang(NULL), "");
    assert_int_equal(itk_labels_builtin(&ja, "ja"), 0);
    assert_string_equal(itk_labels_lang(ja), "ja");
    const char *domains[] = {"state",        "role",         "rule", "instruction.kind",
                             "request.kind", "request.state"};
    json_t *doc = NULL;
    itk_contract_file *c = NULL;
    assert_int_equal(itk_contract_builtin(&c), 0);
    for (const itk_contract_file *x = c; x->path; x++) {
        assert_null(strstr(x->path, "en.v")); /* never written into a registry */
        if (strcmp(x->path, V2) == 0)
            doc = json_loadb((const char *)x->data, x->size, 0, NULL);
    }
    assert_non_null(doc);
    for (size_t d = 0; d < sizeof(domains) / sizeof(*domains); d++) {
        const char *code;
        json_t *v;
        json_object_foreach(json_object_get(json_object_get(doc, "labels"), domains[d]), code, v)
        {
            const char *w = itk_labels_get(en, domains[d], code);
            if (!w || !english(w))
                fail_msg("en.v1.json has no English word for %s/%s", domains[d], code);
        }
    }
    json_decref(doc);
    free(c);
    itk_labels_free(ja);
    itk_labels_free(en);
}

/* ---- in a registry ---- */

static void test_init_writes_the_catalog_and_the_reader_opens_it(void **state)
{
    fixture *f = *state;
    itk_labels *l = NULL;
    assert_int_equal(itk_labels_open(&l, f->reg, NULL, "ja"), 0);
    assert_non_null(l);
    assert_string_equal(itk_labels_file(l), V2);
    assert_string_equal(itk_labels_get(l, "medium", "usb"), "USBメモリ");
    assert_string_equal(itk_labels_get(l, "principal", "manager"), "管理責任者");
    itk_labels_free(l);
    /* a language the registry has no catalog of: none, not an error */
    assert_int_equal(itk_labels_open(&l, f->reg, NULL, "en"), 0);
    assert_null(l);
    assert_int_equal(itk_labels_open(&l, f->reg, "no-such-rev", "ja"), ITK_ENOTFOUND);
    assert_int_equal(itk_labels_open(&l, f->reg, NULL, "../x"), ITK_EINVALID);
}

/* a registry whose tree holds no labels/ (made before catalogs): no
 * catalog, no error */
static void test_a_registry_without_a_catalog_has_none(void **state)
{
    fixture *f = *state;
    git_oid tree, none;
    git_tree *t = NULL;
    th_tree_of(&tree, f->repo, "HEAD");
    th_tree_put(&none, f->repo, &tree, "labels", NULL, 0, 0);
    assert_int_equal(git_tree_lookup(&t, f->repo, &none), 0);
    itk_labels *l = (itk_labels *)1;
    assert_int_equal(itk_labels_open_tree(&l, f->repo, t, "ja"), 0);
    assert_null(l);
    git_tree_free(t);
}

/* A registry made when only v1 was released (its tree without ja.v2.json):
 * its words are v1's, a word v2 added is shown as its code. (How contract
 * upgrade brings v2 to it and verify accepts both: e2e test_labels.sh.) */
static void test_a_registry_with_v1_only_reads_v1(void **state)
{
    fixture *f = *state;
    git_oid tree, old;
    git_tree *t = NULL;
    th_tree_of(&tree, f->repo, "HEAD");
    th_tree_put(&old, f->repo, &tree, V2, NULL, 0, 0);
    assert_int_equal(git_tree_lookup(&t, f->repo, &old), 0);
    itk_labels *l = NULL;
    assert_int_equal(itk_labels_open_tree(&l, f->repo, t, "ja"), 0);
    assert_non_null(l);
    assert_string_equal(itk_labels_file(l), V1);
    assert_string_equal(itk_labels_get(l, "action", "received"), "受領");
    assert_null(itk_labels_get(l, "principal", "manager"));
    assert_string_equal(itk_label_or(l, "principal", "manager"), "manager");
    itk_labels_free(l);
    git_tree_free(t);
}

/* the newest version wins; labels change, the obligations hash that acme
 * acknowledged does not: its acknowledgement still holds */
static void test_upgrade_publishes_a_new_label_version_and_acknowledgements_hold(void **state)
{
    fixture *f = *state;
    git_oid id;
    assert_int_equal(itk_acknowledge(&id, f->reg, f->acme), 0);
    char *v3 = edited(f, V2, "\"received\": \"受領\"", "\"received\": \"受け取り\"");
    itk_contract_file *b = NULL;
    assert_int_equal(itk_contract_builtin(&b), 0);
    size_t n = 0;
    while (b[n].path)
        n++;
    itk_contract_file *newer = calloc(n + 2, sizeof(*newer));
    memcpy(newer, b, n * sizeof(*b));
    newer[n] = (itk_contract_file){V3, v3, strlen(v3)};
    itk_contract_version *v = NULL;
    size_t nv = 0, added = 0, found = 0;
    assert_int_equal(itk_contract_versions(&v, &nv, f->reg, newer), 0);
    for (size_t i = 0; i < nv; i++)
        if (strcmp(v[i].kind, "labels") == 0 && strcmp(v[i].name, "ja") == 0) {
            assert_int_equal(v[i].held, 2);
            assert_int_equal(v[i].carried, 3);
            assert_int_equal(v[i].missing, 1);
            found = 1;
        }
    assert_true(found);
    free(v);
    /* a contractor may not publish it (V3, nothing written) */
    char *before = th_refs(f->path);
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->acme, newer), ITK_EAUTH);
    char *after = th_refs(f->path);
    assert_string_equal(before, after);
    free(after);
    free(before);
    assert_int_equal(itk_contract_upgrade(&id, &added, f->reg, f->city, newer), 0);
    assert_int_equal(added, 1);
    th_expect_clean(f->reg, NULL);
    itk_labels *l = NULL;
    assert_int_equal(itk_labels_open(&l, f->reg, NULL, "ja"), 0);
    assert_string_equal(itk_labels_file(l), V3);
    assert_string_equal(itk_labels_get(l, "action", "received"), "受け取り");
    itk_labels_free(l);
    /* the version before the upgrade still reads v2 */
    assert_int_equal(itk_labels_open(&l, f->reg, "HEAD~1", "ja"), 0);
    assert_string_equal(itk_labels_file(l), V2);
    itk_labels_free(l);
    /* acme's acknowledgement (made before) still counts */
    itk_status *st = NULL;
    itk_status_options o = ITK_STATUS_OPTIONS_INIT;
    char today[11];
    th_day(today, 0); /* the acknowledgement was made today */
    o.at = today;
    assert_int_equal(itk_status_run(&st, f->reg, &o), 0);
    int seen = 0;
    for (size_t i = 0; i < itk_status_count(st); i++) {
        const itk_finding *x = itk_status_get(st, i);
        if (strcmp(x->rule, "subcontract_acknowledged") == 0 && strcmp(x->party, "acme") == 0) {
            assert_int_equal(x->state, ITK_STATE_OK);
            seen = 1;
        }
    }
    assert_true(seen);
    itk_status_free(st);
    free(newer);
    free(b);
    free(v3);
}

/* verify: labels/ is the city's (V3) and append-only (V4), like schemas/ */
static void test_v3_refuses_a_contractor_writing_labels(void **state)
{
    fixture *f = *state;
    git_oid head, c;
    assert_int_equal(git_reference_name_to_id(&head, f->repo, "HEAD"), 0);
    char *v3 = edited(f, V2, "受領", "受け取り");
    th_commit_file(&c, f->repo, f->acme, "acme", "manager", "contract-update", &head, V3, v3,
                   strlen(v3));
    th_expect_rule(f->reg, th_hex(&c), "V3", &c);
    /* the twin: the city writing the same file */
    th_commit_file(&c, f->repo, f->city, CITY, "officer", "contract-update", &head, V3, v3,
                   strlen(v3));
    th_expect_clean(f->reg, th_hex(&c));
    free(v3);
}

static void test_v4_refuses_the_city_editing_labels_in_place(void **state)
{
    fixture *f = *state;
    git_oid head, c;
    assert_int_equal(git_reference_name_to_id(&head, f->repo, "HEAD"), 0);
    const char *files[] = {V1, V2};
    for (size_t i = 0; i < 2; i++) {
        char *in_place = edited(f, files[i], "受領", "受け取り");
        th_commit_file(&c, f->repo, f->city, CITY, "officer", "contract-update", &head, files[i],
                       in_place, strlen(in_place));
        th_expect_rule(f->reg, th_hex(&c), "V4", &c);
        free(in_place);
    }
}

/* labels are published by contract-update, not slipped into a submission */
static void test_v10_refuses_labels_in_a_submission(void **state)
{
    fixture *f = *state;
    git_oid head, c;
    assert_int_equal(git_reference_name_to_id(&head, f->repo, "HEAD"), 0);
    char *v3 = edited(f, V2, "受領", "受け取り");
    th_commit_file(&c, f->repo, f->city, CITY, "officer", "party-add", &head, V3, v3, strlen(v3));
    th_expect_rule(f->reg, th_hex(&c), "V10", &c);
    free(v3);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_looks_up_labels_and_falls_back_to_codes),
        cmocka_unit_test(test_reader_refuses_hostile_catalogs),
        cmocka_unit_test(test_method_equal_takes_a_code_and_its_label_as_one),
        cmocka_unit_test(test_template_catalog_labels_every_code),
        cmocka_unit_test(test_builtin_english_catalog_covers_the_screens),
        T(test_init_writes_the_catalog_and_the_reader_opens_it),
        T(test_a_registry_without_a_catalog_has_none),
        T(test_a_registry_with_v1_only_reads_v1),
        T(test_upgrade_publishes_a_new_label_version_and_acknowledgements_hold),
        T(test_v3_refuses_a_contractor_writing_labels),
        T(test_v4_refuses_the_city_editing_labels_in_place),
        T(test_v10_refuses_labels_in_a_submission),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
