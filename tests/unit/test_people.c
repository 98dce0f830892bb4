/* Unit tests of people by name (itaku/people.h, issue 15 point 3): the
 * display name recorded with a key and changed by a signed "attributes" key
 * event, read as of a commit; who may change it (V2, as for retire) and what
 * a name may hold (V10), each hostile case with its legitimate twin. */
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
#include "itaku/keyops.h"
#include "itaku/people.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/sshkey.h"
#include "alloc.h"
#include "void_cache.h"
#include "writer.h"

#define CITY "akiruno-city"
#define WHEN "2026-12-03T10:00:00+09:00"

typedef struct {
    char *dir;
    char reg_path[4096];
    itk_signer *city, *acme, *tanaka;
    itk_registry *reg;
    git_repository *repo;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    snprintf(f->reg_path, sizeof(f->reg_path), "%s/reg", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    f->tanaka = th_signer();
    f->reg = th_contract(f->reg_path, f->city, "2026-12-01", "2027-03-31", NULL);
    f->repo = itk_registry_repo(f->reg);
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
    itk_signer_free(f->tanaka);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void head(fixture *f, git_oid *out)
{
    assert_int_equal(git_reference_name_to_id(out, f->repo, "HEAD"), 0);
}

static void expect_name(fixture *f, const git_oid *at, const char *party, const char *principal,
                        const char *want)
{
    itk_buf name = ITK_BUF_INIT;
    assert_int_equal(itk_principal_name_at(&name, f->repo, at, party, principal), 0);
    assert_string_equal(name.size ? name.ptr : "", want);
    itk_buf_dispose(&name);
}

/* acme adds tanaka's key with a name (commit *added) */
static void add_tanaka(fixture *f, git_oid *added)
{
    itk_error_clear();
    int rc = itk_key_add_named(added, f->reg, f->acme, itk_signer_public(f->tanaka), "tanaka",
                               "田中 花子");
    if (rc)
        fail_msg("key add: %s", itk_error_last());
}

static void test_the_name_in_force_at_a_commit_before_and_after_a_rename(void **state)
{
    fixture *f = *state;
    git_oid before, added, renamed;
    head(f, &before);
    add_tanaka(f, &added);
    assert_int_equal(itk_key_set_name(&renamed, f->reg, f->tanaka, "tanaka", "田中 はな"), 0);
    expect_name(f, &before, "acme", "tanaka", "");
    expect_name(f, &added, "acme", "tanaka", "田中 花子");
    expect_name(f, &renamed, "acme", "tanaka", "田中 はな");
    /* the principal without a recorded name, and another party's principal */
    expect_name(f, &renamed, "acme", "manager", "");
    expect_name(f, &renamed, CITY, "tanaka", "");
    /* the manager renames tanaka too: the party's own keys may */
    git_oid again;
    assert_int_equal(itk_key_set_name(&again, f->reg, f->acme, "tanaka", "田中 花子"), 0);
    expect_name(f, &renamed, "acme", "tanaka", "田中 はな");
    expect_name(f, &again, "acme", "tanaka", "田中 花子");
    /* the memo of a walk gives the same answers, in any order */
    itk_name_memo memo;
    itk_buf name = ITK_BUF_INIT;
    memset(&memo, 0, sizeof(memo));
    const git_oid *walk[] = {&again, &renamed, &renamed, &added, &before, &added};
    const char *want[] = {"田中 花子", "田中 はな", "田中 はな", "田中 花子", "", "田中 花子"};
    for (size_t i = 0; i < sizeof(walk) / sizeof(*walk); i++) {
        assert_int_equal(itk_principal_name_memo(&name, &memo, f->repo, walk[i], "acme", "tanaka"),
                         0);
        assert_string_equal(name.size ? name.ptr : "", want[i]);
    }
    itk_buf_dispose(&name);
    itk_name_memo_dispose(&memo);
    th_expect_clean(f->reg, NULL);
}

static void test_a_rename_of_a_person_the_party_does_not_have_is_refused(void **state)
{
    fixture *f = *state;
    git_oid before, out;
    head(f, &before);
    /* the city cannot rename acme's tanaka through its own keys: it has none */
    add_tanaka(f, &out);
    head(f, &before);
    assert_int_equal(itk_key_set_name(&out, f->reg, f->city, "tanaka", "別人"), ITK_ENOTFOUND);
    assert_int_equal(itk_key_set_name(&out, f->reg, f->acme, "tanaka", "田中\xE2\x80\xAE花子"),
                     ITK_EINVALID);
    git_oid now;
    head(f, &now);
    assert_true(git_oid_equal(&now, &before));
}

static void test_display_names_refuse_control_and_direction_characters(void **state)
{
    (void)state;
    assert_int_equal(itk_display_name_check("田中 花子"), 0);
    assert_int_equal(itk_display_name_check("Tanaka 花子 (ｱｸﾒ)"), 0);
    char longest[3 * ITK_DISPLAY_NAME_MAX + 4] = "";
    for (int i = 0; i < ITK_DISPLAY_NAME_MAX; i++)
        strcat(longest, "田");
    assert_int_equal(itk_display_name_check(longest), 0);
    strcat(longest, "田");
    assert_int_equal(itk_display_name_check(longest), ITK_EINVALID);
    assert_int_equal(itk_display_name_check(""), ITK_EINVALID);
    assert_int_equal(itk_display_name_check("田中\n花子"), ITK_EINVALID);
    assert_int_equal(itk_display_name_check("田中\x1b[31m"), ITK_EINVALID);
    assert_int_equal(itk_display_name_check("田中\x7f"), ITK_EINVALID);
    assert_int_equal(itk_display_name_check("田中\xC2\x9B"), ITK_EINVALID);         /* C1 CSI */
    assert_int_equal(itk_display_name_check("田中\xE2\x80\xAE花子"), ITK_EINVALID); /* RLO */
    assert_int_equal(itk_display_name_check("\xE2\x81\xA6x"), ITK_EINVALID);        /* LRI */
    assert_int_equal(itk_display_name_check("\xE2\x80\x8F"), ITK_EINVALID);         /* RLM */
    assert_int_equal(itk_display_name_check("a\xE2\x80\xA8"), ITK_EINVALID);        /* LS */
    assert_int_equal(itk_display_name_check("\xff"), ITK_EINVALID);
}

/* An attributes event of party (its own folder) naming key, principal and
 * name, signed by signer as party/who: the commit id. */
static void attributes_event(git_oid *out, fixture *f, itk_signer *signer, const char *party,
                             const char *who, const char *key, const char *principal,
                             const char *name)
{
    git_oid top;
    char path[128];
    itk_buf b = ITK_BUF_INIT;
    head(f, &top);
    json_t *body = json_pack("{s:s, s:s, s:s, s:{s:s}}", "event", "attributes", "key", key,
                             "principal", principal, "attributes", "name", name);
    itk_record_fields rf = {"key-event", "k-000001", party, WHEN, NULL, NULL, body, "key-event.v2"};
    assert_int_equal(itk_record_build(&b, &rf), 0);
    json_decref(body);
    snprintf(path, sizeof(path), "parties/%s/key-events/k-000001.json", party);
    th_commit_file(out, f->repo, signer, party, who, "key-attributes", &top, path, b.ptr, b.size);
    itk_buf_dispose(&b);
}

static void test_v2_refuses_another_partys_rename_and_accepts_the_partys_own(void **state)
{
    fixture *f = *state;
    itk_buf fpr = ITK_BUF_INIT;
    git_oid bad, good;
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    /* the city names acme's key in its own key events: refused */
    attributes_event(&bad, f, f->city, CITY, "officer", fpr.ptr, "manager", "偽 名");
    th_expect_rule(f->reg, th_hex(&bad), "V2", &bad);
    expect_name(f, &bad, "acme", "manager", "");
    /* the twin: acme itself */
    attributes_event(&good, f, f->acme, "acme", "manager", fpr.ptr, "manager", "鈴木 一郎");
    th_expect_clean(f->reg, th_hex(&good));
    expect_name(f, &good, "acme", "manager", "鈴木 一郎");
    itk_buf_dispose(&fpr);
}

static void test_v10_refuses_a_principal_that_is_not_the_keys(void **state)
{
    fixture *f = *state;
    itk_buf fpr = ITK_BUF_INIT;
    git_oid bad;
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    attributes_event(&bad, f, f->acme, "acme", "manager", fpr.ptr, "tanaka", "田中 花子");
    th_expect_rule(f->reg, th_hex(&bad), "V10", &bad);
    itk_buf_dispose(&fpr);
}

static void test_v10_refuses_a_name_with_a_direction_override(void **state)
{
    fixture *f = *state;
    itk_buf fpr = ITK_BUF_INIT;
    git_oid bad;
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    /* the schema's pattern lets U+202E through (it is not C0): verify refuses it */
    attributes_event(&bad, f, f->acme, "acme", "manager", fpr.ptr, "manager",
                     "鈴木\xE2\x80\xAE一郎");
    th_expect_rule(f->reg, th_hex(&bad), "V10", &bad);
    /* and the model never shows it */
    expect_name(f, &bad, "acme", "manager", "");
    itk_buf_dispose(&fpr);
}

static void expect_post_before(fixture *f, const git_oid *at, const char *principal,
                               const char *want)
{
    itk_buf post = ITK_BUF_INIT;
    assert_int_equal(itk_principal_post_before(&post, f->repo, at, "acme", principal), 0);
    assert_string_equal(post.size ? post.ptr : "", want);
    itk_buf_dispose(&post);
}

/* DESIGN V12: a post is recorded with the key and changed by an attributes
 * event, like a name; at a commit it is read from that commit's parent, so
 * a change reaches no commit made before it (nor the change itself). */
static void test_a_post_recorded_with_the_key_and_changed_by_an_event(void **state)
{
    fixture *f = *state;
    git_oid added, moved, after;
    assert_int_equal(itk_key_add_attrs(&added, f->reg, f->acme, itk_signer_public(f->tanaka),
                                       "tanaka", "田中 花子", "担当"),
                     0);
    assert_int_equal(itk_key_set_attributes(&moved, f->reg, f->acme, "tanaka", NULL, "課長"), 0);
    assert_int_equal(itk_key_set_name(&after, f->reg, f->acme, "tanaka", "田中 はな"), 0);
    expect_post_before(f, &added, "tanaka", "");
    expect_post_before(f, &moved, "tanaka", "担当");
    expect_post_before(f, &after, "tanaka", "課長");
    /* a name change keeps the post, a post change keeps the name */
    expect_name(f, &moved, "acme", "tanaka", "田中 花子");
    itk_buf post = ITK_BUF_INIT;
    git_commit *c = NULL;
    git_tree *t = NULL;
    assert_int_equal(git_commit_lookup(&c, f->repo, &after), 0);
    assert_int_equal(git_commit_tree(&t, c), 0);
    assert_int_equal(itk_principal_attr(&post, f->repo, t, "acme", "tanaka", "post"), 0);
    assert_string_equal(post.ptr, "課長");
    itk_buf_dispose(&post);
    git_tree_free(t);
    git_commit_free(c);
    /* nothing to change, or a post with a direction override: refused */
    git_oid head_before, out, now;
    head(f, &head_before);
    assert_int_equal(itk_key_set_attributes(&out, f->reg, f->acme, "tanaka", NULL, NULL),
                     ITK_EINVALID);
    assert_int_equal(
        itk_key_set_attributes(&out, f->reg, f->acme, "tanaka", NULL, "課\xE2\x80\xAE長"),
        ITK_EINVALID);
    head(f, &now);
    assert_true(git_oid_equal(&now, &head_before));
    th_expect_clean(f->reg, NULL);
}

/* The tree a file's content comes from, with void commits left out
 * (itk_void_writes_source): a file a void commit wrote is read from before
 * it, again through a second void commit that wrote it too; a file a void
 * commit rewrote to what it was, a file no void commit touched, a folder,
 * and a file a void commit deleted read as they are. The answer is the
 * same before and after the index of what the void commits wrote is
 * built, and after an add drops it. */
static void test_void_writes_source_steps_back_over_void_commits(void **state)
{
    fixture *f = *state;
    git_repository *r = f->repo;
    git_oid t0, t1, t2, t3, c0, c1, c2, c3;
    git_tree *tree0, *tree1, *tree2, *tree3;
    th_tree_of(&t0, r, "HEAD");
    th_tree_put(&t0, r, &t0, "x/a.json", "a0", 2, 0);
    th_tree_put(&t0, r, &t0, "x/b.json", "b0", 2, 0);
    th_tree_put(&t0, r, &t0, "x/gone.json", "g0", 2, 0);
    th_commit_raw(&c0, r, NULL, &t0, NULL, 0, "zero");
    th_tree_put(&t1, r, &t0, "x/a.json", "a1", 2, 0); /* void: writes a */
    th_tree_put(&t1, r, &t1, "x/gone.json", NULL, 0, 0);
    th_commit_raw(&c1, r, NULL, &t1, &c0, 1, "one");
    th_tree_put(&t2, r, &t1, "x/a.json", "a2", 2, 0); /* void: writes a again */
    th_tree_put(&t2, r, &t2, "x/b.json", "b0", 2, 0); /* the same content */
    th_commit_raw(&c2, r, NULL, &t2, &c1, 1, "two");
    th_tree_put(&t3, r, &t2, "x/c.json", "c3", 2, 0); /* counts */
    th_commit_raw(&c3, r, NULL, &t3, &c2, 1, "three");
    assert_int_equal(git_tree_lookup(&tree0, r, &t0), 0);
    assert_int_equal(git_tree_lookup(&tree1, r, &t1), 0);
    assert_int_equal(git_tree_lookup(&tree2, r, &t2), 0);
    assert_int_equal(git_tree_lookup(&tree3, r, &t3), 0);
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    assert_int_equal(itk_void_writes_add(&vw, r, &c2), 0);
    assert_int_equal(itk_void_writes_add(&vw, r, &c1), 0);
    for (int round = 0; round < 3; round++) {
        const git_tree *a = itk_void_writes_source(&vw, tree3, "x/a.json");
        assert_non_null(a);
        assert_true(git_oid_equal(git_tree_id(a), &t0));
        assert_ptr_equal(itk_void_writes_source(&vw, tree3, "x/b.json"), tree3);
        assert_ptr_equal(itk_void_writes_source(&vw, tree3, "x/c.json"), tree3);
        assert_ptr_equal(itk_void_writes_source(&vw, tree3, "x"), tree3);
        assert_null(itk_void_writes_source(&vw, tree3, "x/gone.json"));
        assert_null(itk_void_writes_source(&vw, tree3, "x/none.json"));
        if (round == 0)
            assert_non_null(vw.index);
        if (round == 1) { /* an add drops the index: the next look-up builds it again */
            assert_int_equal(itk_void_writes_add(&vw, r, &c2), 0);
            assert_null(vw.index);
        }
    }
    itk_void_writes_dispose(&vw);
    assert_null(vw.index);
    git_tree_free(tree0);
    git_tree_free(tree1);
    git_tree_free(tree2);
    git_tree_free(tree3);
}

/* What a void commit wrote (itk_void_writes_changes) is what its diff with
 * its parent says, and a void walk's cache that remembers it (format 2)
 * reads back to the same changes; the index built from changes noted in
 * the cache answers as the one built from the diff. A remembered write with
 * a status the cache does not keep, an empty path, or a count beyond the
 * bytes left is refused. */
static void put_changes_file(itk_buf *b, const git_oid *commit, const itk_void_change *ch, size_t n,
                             int nul_path)
{
    static const char magic[] = "itaku voids cache\n";
    git_oid tip;
    memset(&tip, 7, sizeof(tip));
    itk_buf_put(b, magic, sizeof(magic) - 1);
    wr_u32(b, 2);
    wr_u32(b, 1); /* one walk: key, last good, one tip, the void commit, one key */
    wr_cstring(b, "SHA256:k");
    wr_cstring(b, "0000000000000000000000000000000000000000");
    wr_u32(b, 1);
    itk_buf_put(b, tip.id, GIT_OID_RAWSZ);
    wr_u32(b, 1);
    itk_buf_put(b, commit->id, GIT_OID_RAWSZ);
    wr_u32(b, 1);
    wr_cstring(b, "SHA256:k");
    wr_u32(b, 1); /* its writes */
    itk_buf_put(b, commit->id, GIT_OID_RAWSZ);
    wr_u32(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        wr_u32(b, ch[i].status);
        itk_buf_put(b, ch[i].id.id, GIT_OID_RAWSZ);
        if (nul_path)
            wr_string(b, "a\0b", 3);
        else
            wr_cstring(b, ch[i].path);
    }
}

static void test_void_changes_read_back_from_the_cache_as_the_diff_says(void **state)
{
    fixture *f = *state;
    git_repository *r = f->repo;
    git_oid t0, t1, c0, c1;
    git_tree *tree1;
    th_tree_of(&t0, r, "HEAD");
    th_tree_put(&t0, r, &t0, "x/a.json", "a0", 2, 0);
    th_tree_put(&t0, r, &t0, "x/gone.json", "g0", 2, 0);
    th_commit_raw(&c0, r, NULL, &t0, NULL, 0, "zero");
    th_tree_put(&t1, r, &t0, "x/a.json", "a1", 2, 0);    /* modified */
    th_tree_put(&t1, r, &t1, "y/new.json", "n1", 2, 0);  /* added */
    th_tree_put(&t1, r, &t1, "x/gone.json", NULL, 0, 0); /* deleted: not kept */
    th_commit_raw(&c1, r, NULL, &t1, &c0, 1, "one");
    assert_int_equal(git_tree_lookup(&tree1, r, &t1), 0);
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    const itk_void_change *ch;
    size_t n;
    assert_int_equal(itk_void_writes_add(&vw, r, &c1), 0);
    assert_int_equal(itk_void_writes_changes(&vw, 0, &ch, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(ch[0].path, "x/a.json");
    assert_int_equal(ch[0].status, GIT_DELTA_MODIFIED);
    assert_string_equal(ch[1].path, "y/new.json");
    assert_int_equal(ch[1].status, GIT_DELTA_ADDED);
    /* noted in a cache, written as a file, read back */
    itk_buf b = ITK_BUF_INIT;
    put_changes_file(&b, &c1, ch, n, 0);
    itk_void_cache c;
    memset(&c, 0, sizeof(c));
    assert_int_equal(itk_void_cache_parse(&c, (const unsigned char *)b.ptr, b.size), 0);
    const itk_void_changes *held = itk_void_cache_changes(&c, &c1);
    assert_non_null(held);
    assert_null(itk_void_cache_changes(&c, &c0));
    assert_int_equal(held->n, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(held->c[i].status, ch[i].status);
        assert_true(git_oid_equal(&held->c[i].id, &ch[i].id));
        assert_string_equal(held->c[i].path, ch[i].path);
    }
    /* a void write whose changes are the cache's: the same answers */
    itk_void_writes from_cache = {NULL, 0, NULL, NULL, 0};
    assert_int_equal(itk_void_writes_add(&from_cache, r, &c1), 0);
    assert_int_equal(itk_void_cache_note_changes(&c, &c0, held->c, held->n), 0);
    const itk_void_changes *noted = itk_void_cache_changes(&c, &c0);
    assert_non_null(noted);
    from_cache.w[0].changes = itk_calloc(noted->n, sizeof(itk_void_change));
    assert_non_null(from_cache.w[0].changes);
    for (size_t i = 0; i < noted->n; i++) {
        from_cache.w[0].changes[i] = noted->c[i];
        from_cache.w[0].changes[i].path = itk_strdup(noted->c[i].path);
        from_cache.w[0].nchanges++;
    }
    from_cache.w[0].known = 1;
    const char *paths[] = {"x/a.json", "y/new.json", "x/gone.json", "x", "none"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
        const git_tree *a = itk_void_writes_source(&vw, tree1, paths[i]);
        const git_tree *z = itk_void_writes_source(&from_cache, tree1, paths[i]);
        assert_true((a == NULL) == (z == NULL));
        if (a)
            assert_true(git_oid_equal(git_tree_id(a), git_tree_id(z)));
    }
    itk_void_writes_dispose(&from_cache);
    itk_void_cache_dispose(&c);
    /* refused: a status not kept, an empty path, a NUL in a path, a count
     * beyond the bytes, the file cut short */
    itk_void_change bad = ch[0];
    for (int k = 0; k < 5; k++) {
        itk_buf_dispose(&b);
        bad.status = k == 0 ? GIT_DELTA_DELETED : ch[0].status;
        bad.path = k == 1 ? "" : ch[0].path;
        put_changes_file(&b, &c1, &bad, 1, k == 2);
        if (k == 3)
            b.ptr[b.size - (4 + 20 + 4 + strlen(bad.path)) - 1] = 9; /* the count's low byte */
        size_t len = k == 4 ? b.size - 3 : b.size;
        memset(&c, 0, sizeof(c));
        assert_int_equal(itk_void_cache_parse(&c, (const unsigned char *)b.ptr, len), -1);
        itk_void_cache_dispose(&c);
    }
    itk_buf_dispose(&b);
    itk_void_writes_dispose(&vw);
    git_tree_free(tree1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_void_writes_source_steps_back_over_void_commits),
        T(test_void_changes_read_back_from_the_cache_as_the_diff_says),
        T(test_the_name_in_force_at_a_commit_before_and_after_a_rename),
        T(test_a_rename_of_a_person_the_party_does_not_have_is_refused),
        cmocka_unit_test(test_display_names_refuse_control_and_direction_characters),
        T(test_v2_refuses_another_partys_rename_and_accepts_the_partys_own),
        T(test_v10_refuses_a_principal_that_is_not_the_keys),
        T(test_v10_refuses_a_name_with_a_direction_override),
        T(test_a_post_recorded_with_the_key_and_changed_by_an_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
