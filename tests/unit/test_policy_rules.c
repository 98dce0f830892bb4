/* Unit tests of the trust rules a single commit answers to (DESIGN §5: V1
 * signature, V2 own folder, V3 city powers, V4 append-only, V5 honest merges,
 * V10 truthful objects, V11 complete walk; core/policy.c, policy_objects.c,
 * verify.c). Every hostile commit is built in the test with libgit2, as
 * another tool could write it, and checked by itk_verify_run, which must
 * name the rule and the commit; every one has a legitimate twin, built the
 * same way, that must pass. */
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
#include "itaku/json.h"
#include "itaku/keyops.h"
#include "itaku/party.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/sshkey.h"
#include "itaku/verify.h"
#include "itaku/init.h"

#define CITY "akiruno-city"
#define OBLIGATIONS "obligations/akiruno-outsourcing.v1.json"
#define ACME_ENTRY "parties/acme/register/r-000001.json"

typedef th_acme fixture; /* head: acme's first register entry, on top of its registration */

/* the contract, acme registered, acme's register entry r-000001 */
static int setup(void **state)
{
    fixture *f = th_acme_new();
    th_submit(f->reg, f->acme, "register",
              th_register_entry("received", "item-1", "2026-12-02T10:00:00+09:00"), NULL);
    assert_int_equal(git_reference_name_to_id(&f->head, f->repo, "HEAD"), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    th_acme_free(*state);
    return 0;
}

/* The canonical bytes of acme's register entry id about item. */
static void entry(itk_buf *out, const char *id, const char *item)
{
    json_t *body = th_register_entry("received", item, "2026-12-03T10:00:00+09:00");
    itk_record_fields rf = {"register", id,   "acme", "2026-12-03T10:00:00+09:00",
                            NULL,       NULL, body,   NULL};
    assert_int_equal(itk_record_build(out, &rf), 0);
    json_decref(body);
}

/* A commit on HEAD adding path with data (a valid entry when data is NULL),
 * signed by signer with truthful trailers for party/principal. */
static void add_file(fixture *f, git_oid *out, itk_signer *signer, const char *party,
                     const char *principal, const char *action, const char *path, const char *data)
{
    itk_buf b = ITK_BUF_INIT;
    if (data)
        assert_int_equal(itk_buf_puts(&b, data), 0);
    else
        entry(&b, "r-000002", "item-2");
    th_commit_file(out, f->repo, signer, party, principal, action, &f->head, path, b.ptr, b.size);
    itk_buf_dispose(&b);
}

/* ---- V1 signature ---- */

/* the twin of every hostile commit below: the same hand-made commit, signed
 * by acme's active key with truthful trailers, passes */
static void test_v1_accepts_a_hand_made_commit_signed_by_an_active_key(void **state)
{
    fixture *f = *state;
    git_oid c;
    add_file(f, &c, f->acme, "acme", "manager", "submit", "parties/acme/register/r-000002.json",
             NULL);
    th_expect_clean(f->reg, th_hex(&c));
    th_expect_clean(f->reg, NULL);
}

static void test_v1_refuses_an_unsigned_commit(void **state)
{
    fixture *f = *state;
    git_oid c;
    add_file(f, &c, NULL, "acme", "manager", "submit", "parties/acme/register/r-000002.json", NULL);
    th_expect_rule(f->reg, th_hex(&c), "V1", &c);
}

static void test_v1_refuses_a_commit_signed_by_a_key_no_party_holds(void **state)
{
    fixture *f = *state;
    itk_signer *stranger = th_signer();
    git_oid c;
    add_file(f, &c, stranger, "acme", "manager", "submit", "parties/acme/register/r-000002.json",
             NULL);
    th_expect_rule(f->reg, th_hex(&c), "V1", &c);
    itk_signer_free(stranger);
}

/* acme retires its key for a new one: the old key signs nothing after, the
 * new one does */
static void test_v1_refuses_a_retired_key_and_accepts_its_successor(void **state)
{
    fixture *f = *state;
    itk_signer *next = th_signer();
    itk_buf fpr = ITK_BUF_INIT;
    git_oid c, old_c, new_c;
    assert_int_equal(itk_key_add(&c, f->reg, f->acme, itk_signer_public(next), "manager"), 0);
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    int rc = itk_key_retire(&c, f->reg, next, fpr.ptr);
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
    git_oid_cpy(&f->head, &c);
    add_file(f, &old_c, f->acme, "acme", "manager", "submit", "parties/acme/register/r-000002.json",
             NULL);
    th_expect_rule(f->reg, th_hex(&old_c), "V1", &old_c);
    add_file(f, &new_c, next, "acme", "manager", "submit", "parties/acme/register/r-000002.json",
             NULL);
    th_expect_clean(f->reg, th_hex(&new_c));
    itk_buf_dispose(&fpr);
    itk_signer_free(next);
}

/* a second root, signed by the city and holding the same tree: only the
 * pinned genesis is a root */
static void test_v1_refuses_a_second_root(void **state)
{
    fixture *f = *state;
    git_oid tree, root;
    th_tree_of(&tree, f->repo, "HEAD");
    char *msg = th_message(f->repo, &tree, CITY, "officer", "genesis", NULL, 0, NULL);
    th_commit_raw(&root, f->repo, f->city, &tree, NULL, 0, msg);
    free(msg);
    th_expect_rule(f->reg, th_hex(&root), "V1", &root);
}

/* ---- V2 own folder ---- */

static void test_v2_refuses_a_contractor_writing_into_the_city_folder(void **state)
{
    fixture *f = *state;
    git_oid c;
    add_file(f, &c, f->acme, "acme", "manager", "submit", "parties/" CITY "/register/r-000002.json",
             NULL);
    th_expect_rule(f->reg, th_hex(&c), "V2", &c);
}

static void test_v2_refuses_a_contractor_registering_a_party_itself(void **state)
{
    fixture *f = *state;
    git_oid c;
    add_file(f, &c, f->acme, "acme", "manager", "submit", "parties/beta/party.json",
             "{\n  \"id\": \"beta\"\n}\n");
    th_expect_rule(f->reg, th_hex(&c), "V2", &c);
}

static void test_v2_refuses_a_contractor_writing_a_file_outside_parties(void **state)
{
    fixture *f = *state;
    git_oid c;
    add_file(f, &c, f->acme, "acme", "manager", "submit", "notes.txt", "hello\n");
    th_expect_rule(f->reg, th_hex(&c), "V2", &c);
}

static void test_v2_accepts_a_contractor_writing_its_own_folder(void **state)
{
    fixture *f = *state;
    git_oid c;
    add_file(f, &c, f->acme, "acme", "manager", "submit", "parties/acme/register/r-000002.json",
             NULL);
    th_expect_clean(f->reg, th_hex(&c));
}

/* ---- V3 city powers ---- */

/* path replaced (or added) with its own bytes plus a change, signed by
 * signer for party/principal with action */
static void rewrite(fixture *f, git_oid *out, itk_signer *signer, const char *party,
                    const char *principal, const char *action, const char *from, const char *to,
                    const char *edit_from, const char *edit_to)
{
    git_tree *t = NULL;
    git_oid tree;
    itk_buf data = ITK_BUF_INIT;
    th_tree_of(&tree, f->repo, th_hex(&f->head));
    assert_int_equal(git_tree_lookup(&t, f->repo, &tree), 0);
    assert_int_equal(itk_tree_read(&data, f->repo, t, from, 1 << 20), 0);
    git_tree_free(t);
    assert_int_equal(itk_buf_put(&data, "", 1), 0);
    const char *at = edit_from ? strstr(data.ptr, edit_from) : NULL;
    itk_buf out_data = ITK_BUF_INIT;
    if (at) {
        assert_int_equal(itk_buf_put(&out_data, data.ptr, (size_t)(at - data.ptr)), 0);
        assert_int_equal(itk_buf_puts(&out_data, edit_to), 0);
        assert_int_equal(itk_buf_puts(&out_data, at + strlen(edit_from)), 0);
    } else
        assert_int_equal(itk_buf_put(&out_data, data.ptr, data.size - 1), 0);
    th_commit_file(out, f->repo, signer, party, principal, action, &f->head, to, out_data.ptr,
                   out_data.size);
    itk_buf_dispose(&data);
    itk_buf_dispose(&out_data);
}

/* a new version of the obligations: the city's alone (V3); a contractor
 * changing itaku.json or its own party.json is refused as a change of an
 * existing file (V4 names the city as the only one who may) */
static void test_v3_refuses_a_contractor_writing_new_obligations(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->acme, "acme", "manager", "contract-update", OBLIGATIONS,
            "obligations/akiruno-outsourcing.v9.json", NULL, NULL);
    th_expect_rule(f->reg, th_hex(&c), "V3", &c);
}

static void test_v3_accepts_the_city_writing_new_obligations(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->city, CITY, "officer", "contract-update", OBLIGATIONS,
            "obligations/akiruno-outsourcing.v9.json", "2024-04-01", "2099-04-01");
    th_expect_clean(f->reg, th_hex(&c)); /* in force later: never in the past (V4) */
}

static void test_v4_refuses_a_contractor_replacing_itaku_json(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->acme, "acme", "manager", "contract-update", "itaku.json", "itaku.json",
            "テスト契約", "アクメの契約");
    th_expect_rule(f->reg, th_hex(&c), "V4", &c);
}

static void test_v4_refuses_a_contractor_replacing_its_own_party_json(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->acme, "acme", "manager", "submit", "parties/acme/party.json",
            "parties/acme/party.json", "アクメ", "アクメ改");
    th_expect_rule(f->reg, th_hex(&c), "V4", &c);
}

static void test_v4_accepts_the_city_replacing_a_party_json(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->city, CITY, "officer", "party-add", "parties/acme/party.json",
            "parties/acme/party.json", "アクメ", "アクメ改");
    th_expect_clean(f->reg, th_hex(&c));
}

static void test_v3_accepts_the_city_writing_itaku_json(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->city, CITY, "officer", "contract-update", "itaku.json", "itaku.json",
            "テスト契約", "改めた契約");
    th_expect_clean(f->reg, th_hex(&c));
}

static void test_v3_refuses_a_contractor_writing_a_schema(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->acme, "acme", "manager", "contract-update", "schemas/register.v1.schema.json",
            "schemas/register.v99.schema.json", NULL, NULL);
    th_expect_rule(f->reg, th_hex(&c), "V3", &c);
}

static void test_v3_accepts_the_city_writing_a_new_schema_version(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->city, CITY, "officer", "contract-update", "schemas/register.v1.schema.json",
            "schemas/register.v99.schema.json", NULL, NULL);
    th_expect_clean(f->reg, th_hex(&c));
}

static void test_v4_refuses_a_contractor_replacing_the_readme(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->acme, "acme", "manager", "contract-update", "README.md", "README.md", "\n",
            "\n\n(改訂)\n");
    th_expect_rule(f->reg, th_hex(&c), "V4", &c);
}

/* the city adds a key to acme's folder: refused bare, accepted with a
 * recovery key event (itk_key_recover) */
static void test_v3_refuses_the_city_adding_a_key_of_another_party_without_recovery(void **state)
{
    fixture *f = *state;
    itk_signer *lost = th_signer();
    itk_buf path = ITK_BUF_INIT, data = ITK_BUF_INIT;
    git_oid c;
    assert_int_equal(itk_key_record(&path, &data, "acme", itk_signer_public(lost), "manager", CITY,
                                    "2026-12-03T10:00:00+09:00"),
                     0);
    th_commit_file(&c, f->repo, f->city, CITY, "officer", "key-recover", &f->head, path.ptr,
                   data.ptr, data.size);
    th_expect_rule(f->reg, th_hex(&c), "V3", &c);
    itk_buf_dispose(&path);
    itk_buf_dispose(&data);
    itk_signer_free(lost);
}

static void test_v3_accepts_the_city_recovering_a_lost_key(void **state)
{
    fixture *f = *state;
    itk_signer *lost = th_signer();
    git_oid c;
    int rc = itk_key_recover(&c, f->reg, f->city, "acme", itk_signer_public(lost), "manager",
                             "3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f");
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
    th_expect_clean(f->reg, "HEAD");
    /* and the recovered key writes */
    git_oid_cpy(&f->head, &c);
    add_file(f, &c, lost, "acme", "manager", "submit", "parties/acme/register/r-000002.json", NULL);
    th_expect_clean(f->reg, th_hex(&c));
    itk_signer_free(lost);
}

/* ---- V4 append-only ---- */

static void test_v4_refuses_a_party_changing_its_own_record(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->acme, "acme", "manager", "submit", ACME_ENTRY, ACME_ENTRY, "item-1",
            "item-9");
    th_expect_rule(f->reg, th_hex(&c), "V4", &c);
}

static void test_v4_refuses_a_party_deleting_its_own_record(void **state)
{
    fixture *f = *state;
    git_oid base, tree, c;
    th_tree_of(&base, f->repo, "HEAD");
    th_tree_put(&tree, f->repo, &base, ACME_ENTRY, NULL, 0, 0);
    char *msg = th_message(f->repo, &tree, "acme", "manager", "submit", NULL, 0, NULL);
    th_commit_raw(&c, f->repo, f->acme, &tree, &f->head, 1, msg);
    free(msg);
    th_expect_rule(f->reg, th_hex(&c), "V4", &c);
}

static void test_v4_refuses_the_city_deleting_a_record(void **state)
{
    fixture *f = *state;
    git_oid base, tree, c;
    th_tree_of(&base, f->repo, "HEAD");
    th_tree_put(&tree, f->repo, &base, ACME_ENTRY, NULL, 0, 0);
    char *msg = th_message(f->repo, &tree, CITY, "officer", "contract-update", NULL, 0, NULL);
    th_commit_raw(&c, f->repo, f->city, &tree, &f->head, 1, msg);
    free(msg);
    th_expect_rule(f->reg, th_hex(&c), "V4", &c);
}

/* the twins: a correction is a new record that supersedes; the city may
 * change README.md (and itaku.json, above) */
static void test_v4_accepts_a_superseding_record(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "register",
              th_register_entry("received", "item-9", "2026-12-02T10:00:00+09:00"), "r-000001");
    th_expect_clean(f->reg, "HEAD");
}

static void test_v4_accepts_the_city_changing_the_readme(void **state)
{
    fixture *f = *state;
    git_oid c;
    rewrite(f, &c, f->city, CITY, "officer", "contract-update", "README.md", "README.md", "\n",
            "\n\n(改訂)\n");
    th_expect_clean(f->reg, th_hex(&c));
}

/* ---- V5 honest merges ---- */

#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* The city's receipt of acme's entry: a merge of HEAD~1 and HEAD with tree
 * (NULL: HEAD's, the clean merge) and extra parents. */
static void receipt(fixture *f, git_oid *out, const git_oid *tree, const git_oid *third)
{
    git_oid parents[3], t;
    assert_int_equal(git_reference_name_to_id(&parents[1], f->repo, "HEAD"), 0);
    git_object *o = NULL;
    assert_int_equal(git_revparse_single(&o, f->repo, "HEAD~1"), 0);
    git_oid_cpy(&parents[0], git_object_id(o));
    git_object_free(o);
    size_t n = 2;
    if (third)
        git_oid_cpy(&parents[n++], third);
    if (!tree) {
        th_tree_of(&t, f->repo, "HEAD");
        tree = &t;
    }
    char msg[600];
    snprintf(msg, sizeof(msg),
             "Receive acme\n\nItaku-Party: " CITY "\nItaku-Principal: officer\n"
             "Itaku-Action: receive\nItaku-Received: acme %s\nItaku-Content-SHA256: " EMPTY_SHA256
             "\n",
             th_hex(&parents[1]));
    th_commit_raw(out, f->repo, f->city, tree, parents, n, msg);
}

static void test_v5_accepts_a_receipt_whose_tree_is_the_clean_merge(void **state)
{
    fixture *f = *state;
    git_oid m;
    receipt(f, &m, NULL, NULL);
    th_expect_clean(f->reg, th_hex(&m));
}

/* V5 diffs a merge from the clean merge of its parents: what it drops is a
 * deletion (V4), what it slips in must be its signer's to add (V2) */
static void test_v5_a_merge_that_drops_a_file_is_a_deletion(void **state)
{
    fixture *f = *state;
    git_oid base, tree, m;
    th_tree_of(&base, f->repo, "HEAD");
    th_tree_put(&tree, f->repo, &base, ACME_ENTRY, NULL, 0, 0);
    receipt(f, &m, &tree, NULL);
    th_expect_rule(f->reg, th_hex(&m), "V4", &m);
}

static void test_v5_a_merge_that_slips_in_another_partys_record_is_refused(void **state)
{
    fixture *f = *state;
    git_oid base, tree, m;
    itk_buf b = ITK_BUF_INIT;
    entry(&b, "r-000002", "item-2");
    th_tree_of(&base, f->repo, "HEAD");
    th_tree_put(&tree, f->repo, &base, "parties/acme/register/r-000002.json", b.ptr, b.size, 0);
    receipt(f, &m, &tree, NULL);
    th_expect_rule(f->reg, th_hex(&m), "V2", &m);
    itk_buf_dispose(&b);
}

/* two lines each add r-000002 with other bytes: no clean merge */
static void test_v5_refuses_a_merge_of_conflicting_parents(void **state)
{
    fixture *f = *state;
    git_oid a, b, tree, m, parents[2];
    itk_buf x = ITK_BUF_INIT, y = ITK_BUF_INIT;
    const char *path = "parties/acme/register/r-000002.json";
    entry(&x, "r-000002", "item-2");
    entry(&y, "r-000002", "item-3");
    th_commit_file(&a, f->repo, f->acme, "acme", "manager", "submit", &f->head, path, x.ptr,
                   x.size);
    th_commit_file(&b, f->repo, f->acme, "acme", "manager", "submit", &f->head, path, y.ptr,
                   y.size);
    th_expect_clean(f->reg, th_hex(&a));
    th_expect_clean(f->reg, th_hex(&b));
    git_oid_cpy(&parents[0], &a);
    git_oid_cpy(&parents[1], &b);
    th_tree_of(&tree, f->repo, th_hex(&a));
    char msg[600];
    snprintf(msg, sizeof(msg),
             "Receive acme\n\nItaku-Party: " CITY "\nItaku-Principal: officer\n"
             "Itaku-Action: receive\nItaku-Received: acme %s\nItaku-Content-SHA256: " EMPTY_SHA256
             "\n",
             th_hex(&b));
    th_commit_raw(&m, f->repo, f->city, &tree, parents, 2, msg);
    th_expect_rule(f->reg, th_hex(&m), "V5", &m);
    itk_buf_dispose(&x);
    itk_buf_dispose(&y);
}

/* only receipts, pulls, endorsements and decisions merge */
static void test_v5_refuses_a_merge_that_says_it_submits(void **state)
{
    fixture *f = *state;
    git_oid parents[2], tree, m;
    assert_int_equal(git_reference_name_to_id(&parents[1], f->repo, "HEAD"), 0);
    git_object *o = NULL;
    assert_int_equal(git_revparse_single(&o, f->repo, "HEAD~1"), 0);
    git_oid_cpy(&parents[0], git_object_id(o));
    git_object_free(o);
    th_tree_of(&tree, f->repo, "HEAD");
    char *msg =
        th_message(f->repo, &tree, CITY, "officer", "submit", NULL, 0, "Itaku-Received: acme ");
    /* Itaku-Received names the second parent, as a receipt would */
    itk_buf full = ITK_BUF_INIT;
    char *at = strstr(msg, "Itaku-Received: acme ") + strlen("Itaku-Received: acme ");
    assert_int_equal(itk_buf_put(&full, msg, (size_t)(at - msg)), 0);
    assert_int_equal(itk_buf_printf(&full, "%s\n%s", th_hex(&parents[1]), at), 0);
    th_commit_raw(&m, f->repo, f->city, &tree, parents, 2, full.ptr);
    th_expect_rule(f->reg, th_hex(&m), "V5", &m);
    free(msg);
    itk_buf_dispose(&full);
}

static void test_v5_refuses_an_octopus_merge(void **state)
{
    fixture *f = *state;
    git_oid m, genesis;
    git_object *o = NULL;
    assert_int_equal(git_revparse_single(&o, f->repo, "HEAD~2"), 0);
    git_oid_cpy(&genesis, git_object_id(o));
    git_object_free(o);
    receipt(f, &m, NULL, &genesis);
    th_expect_rule(f->reg, th_hex(&m), "V5", &m);
}

/* ---- V10 truthful objects ---- */

static void test_v10_refuses_a_trailer_naming_another_party(void **state)
{
    fixture *f = *state;
    git_oid c;
    itk_buf b = ITK_BUF_INIT;
    entry(&b, "r-000002", "item-2");
    /* acme's key, acme's folder, the city's name in Itaku-Party */
    const char *path = "parties/acme/register/r-000002.json";
    git_oid base, tree;
    th_tree_of(&base, f->repo, "HEAD");
    th_tree_put(&tree, f->repo, &base, path, b.ptr, b.size, 0);
    char *msg = th_message(f->repo, &tree, CITY, "officer", "submit", &path, 1, NULL);
    th_commit_raw(&c, f->repo, f->acme, &tree, &f->head, 1, msg);
    free(msg);
    th_expect_rule(f->reg, th_hex(&c), "V10", &c);
    itk_buf_dispose(&b);
}

static void test_v10_refuses_a_record_that_is_not_canonical(void **state)
{
    fixture *f = *state;
    git_oid c;
    itk_buf b = ITK_BUF_INIT;
    entry(&b, "r-000002", "item-2");
    /* the same JSON on one line */
    json_t *v = NULL;
    assert_int_equal(itk_json_parse(&v, b.ptr, b.size, "entry"), 0);
    char *flat = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
    add_file(f, &c, f->acme, "acme", "manager", "submit", "parties/acme/register/r-000002.json",
             flat);
    th_expect_rule(f->reg, th_hex(&c), "V10", &c);
    free(flat);
    json_decref(v);
    itk_buf_dispose(&b);
}

static void test_v10_refuses_an_executable_file(void **state)
{
    fixture *f = *state;
    git_oid base, tree, c;
    itk_buf b = ITK_BUF_INIT;
    const char *path = "parties/acme/register/r-000002.json";
    entry(&b, "r-000002", "item-2");
    th_tree_of(&base, f->repo, "HEAD");
    th_tree_put(&tree, f->repo, &base, path, b.ptr, b.size, GIT_FILEMODE_BLOB_EXECUTABLE);
    char *msg = th_message(f->repo, &tree, "acme", "manager", "submit", &path, 1, NULL);
    th_commit_raw(&c, f->repo, f->acme, &tree, &f->head, 1, msg);
    free(msg);
    th_expect_rule(f->reg, th_hex(&c), "V10", &c);
    itk_buf_dispose(&b);
}

static void test_v10_refuses_a_false_content_hash(void **state)
{
    fixture *f = *state;
    git_oid base, tree, c;
    itk_buf b = ITK_BUF_INIT;
    const char *path = "parties/acme/register/r-000002.json";
    entry(&b, "r-000002", "item-2");
    th_tree_of(&base, f->repo, "HEAD");
    th_tree_put(&tree, f->repo, &base, path, b.ptr, b.size, 0);
    char msg[600];
    snprintf(msg, sizeof(msg),
             "By hand\n\nItaku-Party: acme\nItaku-Principal: manager\nItaku-Action: submit\n"
             "Itaku-Record: %s\nItaku-Content-SHA256: " EMPTY_SHA256 "\n",
             path);
    th_commit_raw(&c, f->repo, f->acme, &tree, &f->head, 1, msg);
    th_expect_rule(f->reg, th_hex(&c), "V10", &c);
    itk_buf_dispose(&b);
}

/* ---- V11 complete walk ---- */

/* Removes the loose object id from the repository. */
static void drop_object(fixture *f, const git_oid *id)
{
    const char *h = th_hex(id);
    assert_int_equal(th_sh("rm -f '%s/.git/objects/%.2s/%s'", f->reg_path, h, h + 2), 0);
    git_odb *odb = NULL;
    assert_int_equal(git_repository_odb(&odb, f->repo), 0);
    assert_int_equal(git_odb_refresh(odb), 0);
    assert_false(git_odb_exists(odb, id));
    git_odb_free(odb);
}

/* a commit whose new folder's tree object is missing: not a silent skip */
static void test_v11_refuses_a_commit_whose_tree_cannot_be_read(void **state)
{
    fixture *f = *state;
    git_oid c, tree, sub;
    add_file(f, &c, f->acme, "acme", "manager", "submit", "parties/acme/incidents/i-000001.json",
             "{}\n");
    th_tree_of(&tree, f->repo, th_hex(&c));
    git_tree *t = NULL;
    git_tree_entry *e = NULL;
    assert_int_equal(git_tree_lookup(&t, f->repo, &tree), 0);
    assert_int_equal(git_tree_entry_bypath(&e, t, "parties/acme/incidents"), 0);
    git_oid_cpy(&sub, git_tree_entry_id(e));
    git_tree_entry_free(e);
    git_tree_free(t);
    drop_object(f, &sub);
    th_expect_rule(f->reg, th_hex(&c), "V11", &c);
}

/* the twin: every ref of a whole registry, every object there, passes */
static void test_v11_accepts_a_complete_history(void **state)
{
    fixture *f = *state;
    assert_int_equal(th_sh("git -C '%s' branch side HEAD~1", f->reg_path), 0);
    th_expect_clean(f->reg, NULL);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_v1_accepts_a_hand_made_commit_signed_by_an_active_key),
        T(test_v1_refuses_an_unsigned_commit),
        T(test_v1_refuses_a_commit_signed_by_a_key_no_party_holds),
        T(test_v1_refuses_a_retired_key_and_accepts_its_successor),
        T(test_v1_refuses_a_second_root),
        T(test_v2_refuses_a_contractor_writing_into_the_city_folder),
        T(test_v2_refuses_a_contractor_registering_a_party_itself),
        T(test_v2_refuses_a_contractor_writing_a_file_outside_parties),
        T(test_v2_accepts_a_contractor_writing_its_own_folder),
        T(test_v3_refuses_a_contractor_writing_new_obligations),
        T(test_v3_accepts_the_city_writing_new_obligations),
        T(test_v4_refuses_a_contractor_replacing_itaku_json),
        T(test_v4_refuses_a_contractor_replacing_its_own_party_json),
        T(test_v4_accepts_the_city_replacing_a_party_json),
        T(test_v3_accepts_the_city_writing_itaku_json),
        T(test_v3_refuses_a_contractor_writing_a_schema),
        T(test_v3_accepts_the_city_writing_a_new_schema_version),
        T(test_v4_refuses_a_contractor_replacing_the_readme),
        T(test_v3_refuses_the_city_adding_a_key_of_another_party_without_recovery),
        T(test_v3_accepts_the_city_recovering_a_lost_key),
        T(test_v4_refuses_a_party_changing_its_own_record),
        T(test_v4_refuses_a_party_deleting_its_own_record),
        T(test_v4_refuses_the_city_deleting_a_record),
        T(test_v4_accepts_a_superseding_record),
        T(test_v4_accepts_the_city_changing_the_readme),
        T(test_v5_accepts_a_receipt_whose_tree_is_the_clean_merge),
        T(test_v5_a_merge_that_drops_a_file_is_a_deletion),
        T(test_v5_a_merge_that_slips_in_another_partys_record_is_refused),
        T(test_v5_refuses_a_merge_of_conflicting_parents),
        T(test_v5_refuses_a_merge_that_says_it_submits),
        T(test_v5_refuses_an_octopus_merge),
        T(test_v10_refuses_a_trailer_naming_another_party),
        T(test_v10_refuses_a_record_that_is_not_canonical),
        T(test_v10_refuses_an_executable_file),
        T(test_v10_refuses_a_false_content_hash),
        T(test_v11_refuses_a_commit_whose_tree_cannot_be_read),
        T(test_v11_accepts_a_complete_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
