/* Unit tests of the snapshot of what counts (core/snapshot.c): a void
 * commit's record is kept but does not count, a superseded record is flagged
 * with the one that supersedes it, a record of a commit verify refuses does
 * not count, arrival times and provenance are those of the commit adding
 * the record, a record signed by a city-recovered key says so; and a second
 * open reads the cache and gives the same. Each case has its twin. */
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
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/snapshot.h"
#include "itaku/sshkey.h"

typedef struct {
    char *dir;
    char reg_path[4096];
    itk_signer *city, *acme, *deputy;
    itk_registry *reg;
} fixture;

/* city and acme, acme with a second key (deputy); acme received item-1. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    git_oid c;
    f->dir = th_tmpdir();
    th_cache_home(f->dir, "a");
    snprintf(f->reg_path, sizeof(f->reg_path), "%s/reg", f->dir);
    f->city = th_signer();
    f->acme = th_signer();
    f->deputy = th_signer();
    f->reg = th_contract(f->reg_path, f->city, "2026-12-01", "2027-03-31", NULL);
    th_add_acme(f->reg, f->city, f->acme);
    assert_int_equal(itk_key_add(&c, f->reg, f->acme, itk_signer_public(f->deputy), "deputy"), 0);
    th_submit(f->reg, f->acme, "register",
              th_register_entry("received", "item-1", "2026-12-02T10:00:00+09:00"), NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    itk_registry_free(f->reg);
    itk_signer_free(f->city);
    itk_signer_free(f->acme);
    itk_signer_free(f->deputy);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static itk_snapshot *open_head(fixture *f)
{
    itk_snapshot *s = NULL;
    int rc = itk_snapshot_open(&s, f->reg, NULL);
    if (rc)
        fprintf(stderr, "%s\n", itk_error_last());
    assert_int_equal(rc, 0);
    return s;
}

/* The index of acme's record id; fails the test when there is none. */
static size_t find_id(const itk_snapshot *s, const char *id)
{
    for (size_t i = 0; i < itk_snapshot_count(s); i++) {
        const itk_path_info *pi = itk_snapshot_info(s, i);
        if (pi->kind == ITK_PATH_RECORD && !strcmp(pi->party, "acme") && !strcmp(pi->id, id))
            return i;
    }
    fail_msg("no record acme/%s in the snapshot", id);
    return 0;
}

/* The index of acme's k-th form 1 (0: the first), in id order. */
static size_t form1(const itk_snapshot *s, int k)
{
    for (size_t i = 0; i < itk_snapshot_count(s); i++) {
        const itk_path_info *pi = itk_snapshot_info(s, i);
        if (pi->kind == ITK_PATH_RECORD && !strcmp(pi->type->type, "form1") && k-- == 0)
            return i;
    }
    fail_msg("acme has too few form 1");
    return 0;
}

static void head(fixture *f, git_oid *out)
{
    assert_int_equal(git_reference_name_to_id(out, itk_registry_repo(f->reg), "HEAD"), 0);
}

static void entry(fixture *f, itk_signer *who, const char *item)
{
    th_submit(f->reg, who, "register",
              th_register_entry("received", item, "2026-12-03T10:00:00+09:00"), NULL);
}

/* V9: acme's key compromised after r-000002: r-000003, signed later with
 * it, is void; it stays in the snapshot (its form page says void) */
static void test_a_void_commits_record_does_not_count(void **state)
{
    fixture *f = *state;
    git_oid good, c;
    entry(f, f->acme, "item-2");
    head(f, &good);
    entry(f, f->acme, "item-3");
    itk_buf fpr = ITK_BUF_INIT;
    char lg[GIT_OID_HEXSZ + 1];
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    git_oid_tostr(lg, sizeof(lg), &good);
    assert_int_equal(itk_key_compromise(&c, f->reg, f->deputy, fpr.ptr, lg, "lost"), 0);
    itk_buf_dispose(&fpr);
    itk_snapshot *s = open_head(f);
    size_t v = find_id(s, "r-000003"), g = find_id(s, "r-000002");
    assert_false(itk_snapshot_counts(s, v));
    assert_true(itk_snapshot_flags(s, v) & ITK_SNAP_VOID);
    itk_snapshot_origin o;
    itk_snapshot_origin_get(&o, s, v);
    assert_true(o.is_void);
    /* the twin: the last good one counts */
    assert_true(itk_snapshot_counts(s, g));
    assert_false(itk_snapshot_flags(s, g) & ITK_SNAP_VOID);
    itk_snapshot_origin_get(&o, s, g);
    assert_false(o.is_void);
    assert_true(o.verified);
    itk_snapshot_free(s);
}

/* a change of form 1 supersedes the first; the latest counts unflagged */
static void test_supersedes_resolved(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    itk_snapshot *s = open_head(f);
    size_t a = form1(s, 0), b = form1(s, 1);
    char first[ITK_RECORD_ID_MAX + 1];
    snprintf(first, sizeof(first), "%s", itk_snapshot_info(s, a)->id);
    /* the twin first: two form 1 without supersedes are both current */
    assert_false(itk_snapshot_flags(s, a) & ITK_SNAP_SUPERSEDED);
    assert_false(itk_snapshot_flags(s, b) & ITK_SNAP_SUPERSEDED);
    assert_int_equal(itk_snapshot_superseded_by(s, a), -1);
    itk_snapshot_free(s);
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), first);
    s = open_head(f);
    a = form1(s, 0);
    size_t c = form1(s, 2);
    assert_true(itk_snapshot_flags(s, a) & ITK_SNAP_SUPERSEDED);
    assert_true(itk_snapshot_counts(s, a)); /* kept, for history */
    assert_int_equal(itk_snapshot_superseded_by(s, a), (long)c);
    assert_false(itk_snapshot_flags(s, c) & ITK_SNAP_SUPERSEDED);
    assert_false(itk_snapshot_flags(s, form1(s, 1)) & ITK_SNAP_SUPERSEDED);
    itk_snapshot_free(s);
}

/* a record slipped in by an unsigned commit: verify refuses it, it does not
 * count; the twin, written by itaku, counts */
static void test_a_refused_commits_record_does_not_count(void **state)
{
    fixture *f = *state;
    itk_buf data = ITK_BUF_INIT;
    json_t *body = th_register_entry("disposed", "item-1", "2027-03-20T10:00:00+09:00");
    json_object_set_new(body, "method", json_string("shredding"));
    itk_record_fields rf = {"register", "r-000002", "acme", "2027-03-20T10:00:00+09:00",
                            NULL,       NULL,       body,   NULL};
    assert_int_equal(itk_record_build(&data, &rf), 0);
    char file[4200];
    snprintf(file, sizeof(file), "%s/blob", f->dir);
    th_write(file, data.ptr, data.size);
    itk_buf_dispose(&data);
    assert_int_equal(th_sh("cd %s && export GIT_INDEX_FILE=%s/index.tmp && git read-tree HEAD && "
                           "git update-index --add --cacheinfo 100644,$(git hash-object -w %s),"
                           "parties/acme/register/r-000002.json && "
                           "c=$(git commit-tree -p HEAD -m 'by hand' $(git write-tree)) && "
                           "git update-ref HEAD $c",
                           f->reg_path, f->dir, file),
                     0);
    itk_snapshot *s = open_head(f);
    size_t r = find_id(s, "r-000002");
    assert_true(itk_snapshot_flags(s, r) & ITK_SNAP_REFUSED);
    assert_false(itk_snapshot_counts(s, r));
    assert_true(itk_snapshot_counts(s, find_id(s, "r-000001")));
    itk_snapshot_free(s);
    /* the twin */
    assert_int_equal(th_sh("git -C %s update-ref HEAD HEAD~1", f->reg_path), 0);
    th_submit(f->reg, f->acme, "register", json_incref(body), NULL);
    json_decref(body);
    s = open_head(f);
    r = find_id(s, "r-000002");
    assert_false(itk_snapshot_flags(s, r) & ITK_SNAP_REFUSED);
    assert_true(itk_snapshot_counts(s, r));
    itk_snapshot_free(s);
}

/* a record reaches its own party's line at the commit adding it; the city
 * (its parent) has no receipt of it on a shared line: -1 */
static void test_arrival_times(void **state)
{
    fixture *f = *state;
    git_oid c;
    itk_snapshot *s = open_head(f);
    head(f, &c);
    size_t r = find_id(s, "r-000001");
    char commit[GIT_OID_HEXSZ + 1];
    itk_snapshot_origin o;
    itk_snapshot_origin_get(&o, s, r);
    long long own = itk_snapshot_arrival(s, r, "acme", commit);
    assert_true(own > 0);
    assert_int_equal(own, o.time);
    assert_string_equal(commit, o.commit);
    assert_string_equal(commit, git_oid_tostr_s(&c));
    assert_string_equal(o.party, "acme");
    assert_string_equal(o.principal, "manager");
    assert_string_equal(itk_snapshot_parent(s, "acme"), "akiruno-city");
    assert_int_equal(itk_snapshot_arrival(s, r, "akiruno-city", NULL), -1);
    /* the twin: a party that is neither its own nor its parent */
    assert_int_equal(itk_snapshot_arrival(s, r, "beta", NULL), -1);
    assert_false(itk_snapshot_flags(s, r) & ITK_SNAP_BACKDATED);
    /* the scope of --party: acme is in its own and the city's, not another's */
    assert_true(itk_snapshot_in_scope(s, "acme", "acme"));
    assert_true(itk_snapshot_in_scope(s, "acme", "akiruno-city"));
    assert_true(itk_snapshot_in_scope(s, "acme", NULL));
    assert_false(itk_snapshot_in_scope(s, "acme", "beta"));
    assert_false(itk_snapshot_in_scope(s, "akiruno-city", "acme"));
    itk_snapshot_free(s);
}

/* the city recovers a key for acme; a record signed with it says so; acme's
 * own key's record does not */
static void test_a_city_recovered_key_is_flagged(void **state)
{
    fixture *f = *state;
    git_oid c;
    itk_signer *rec = th_signer();
    assert_int_equal(
        itk_key_recover(&c, f->reg, f->city, "acme", itk_signer_public(rec), "manager",
                        "0000000000000000000000000000000000000000000000000000000000000000"),
        0);
    entry(f, rec, "item-2");
    itk_snapshot *s = open_head(f);
    size_t r = find_id(s, "r-000002"), own = find_id(s, "r-000001");
    itk_snapshot_origin o;
    itk_snapshot_origin_get(&o, s, r);
    assert_true(o.recovered);
    assert_true(itk_snapshot_flags(s, r) & ITK_SNAP_RECOVERED);
    assert_true(itk_snapshot_counts(s, r));
    itk_snapshot_origin_get(&o, s, own);
    assert_false(o.recovered);
    itk_snapshot_free(s);
    itk_signer_free(rec);
}

/* a second open reads status.cache and gives the same answers */
static void test_the_cache_gives_the_same(void **state)
{
    fixture *f = *state;
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    itk_snapshot *a = open_head(f);
    char file[4200];
    th_cache_file(file, sizeof(file), f->reg, "status.cache");
    size_t len;
    free(th_read(file, &len));
    itk_snapshot *b = open_head(f);
    assert_int_equal(itk_snapshot_count(a), itk_snapshot_count(b));
    for (size_t i = 0; i < itk_snapshot_count(a); i++) {
        itk_snapshot_origin oa, ob;
        json_t *ja = NULL, *jb = NULL;
        assert_string_equal(itk_snapshot_path(a, i), itk_snapshot_path(b, i));
        assert_int_equal(itk_snapshot_flags(a, i), itk_snapshot_flags(b, i));
        itk_snapshot_origin_get(&oa, a, i);
        itk_snapshot_origin_get(&ob, b, i);
        assert_memory_equal(&oa, &ob, sizeof(oa));
        assert_int_equal(itk_snapshot_json(&ja, a, i), 0);
        assert_int_equal(itk_snapshot_json(&jb, b, i), 0);
        assert_true(json_equal(ja, jb));
        json_decref(ja);
        json_decref(jb);
    }
    itk_snapshot_free(a);
    itk_snapshot_free(b);
    /* and a revision that is no commit is an error that says so */
    itk_snapshot *none = NULL;
    assert_int_equal(itk_snapshot_open(&none, f->reg, "no-such-branch"), ITK_ENOTFOUND);
    assert_null(none);
    assert_non_null(strstr(itk_error_last(), "no-such-branch"));
}

/* a snapshot of an earlier commit holds what that commit held */
static void test_a_snapshot_of_an_earlier_commit(void **state)
{
    fixture *f = *state;
    git_oid before;
    head(f, &before);
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    itk_snapshot *now = open_head(f), *then = NULL;
    assert_int_equal(itk_snapshot_open(&then, f->reg, git_oid_tostr_s(&before)), 0);
    assert_string_equal(itk_snapshot_commit(then), git_oid_tostr_s(&before));
    assert_int_equal(itk_snapshot_count(now), itk_snapshot_count(then) + 1);
    size_t i;
    assert_int_equal(itk_snapshot_find(&i, now, itk_snapshot_path(now, form1(now, 0))), 0);
    assert_int_equal(itk_snapshot_find(&i, then, itk_snapshot_path(now, form1(now, 0))),
                     ITK_ENOTFOUND);
    /* the twin: what both hold is the same record */
    assert_int_equal(itk_snapshot_find(&i, then, itk_snapshot_path(now, find_id(now, "r-000001"))),
                     0);
    assert_int_equal(itk_snapshot_offset(then), 540);
    itk_snapshot_free(now);
    itk_snapshot_free(then);
}

/* a and b hold the same records with the same facts; but for record
 * `except` (an index of a, or SIZE_MAX), whose JSON differs. */
static void same_snapshots(const itk_snapshot *a, const itk_snapshot *b, size_t except)
{
    assert_int_equal(itk_snapshot_count(a), itk_snapshot_count(b));
    for (size_t i = 0; i < itk_snapshot_count(a); i++) {
        itk_snapshot_origin oa, ob;
        json_t *ja = NULL, *jb = NULL;
        char ca[GIT_OID_HEXSZ + 1] = "", cb[GIT_OID_HEXSZ + 1] = "";
        const char *party = itk_snapshot_info(a, i)->party;
        const char *parent = itk_snapshot_parent(a, party);
        assert_string_equal(itk_snapshot_path(a, i), itk_snapshot_path(b, i));
        assert_int_equal(itk_snapshot_flags(a, i), itk_snapshot_flags(b, i));
        assert_int_equal(itk_snapshot_superseded_by(a, i), itk_snapshot_superseded_by(b, i));
        assert_int_equal(itk_snapshot_arrival(a, i, party, ca),
                         itk_snapshot_arrival(b, i, party, cb));
        assert_string_equal(ca, cb);
        if (parent)
            assert_int_equal(itk_snapshot_arrival(a, i, parent, NULL),
                             itk_snapshot_arrival(b, i, parent, NULL));
        itk_snapshot_origin_get(&oa, a, i);
        itk_snapshot_origin_get(&ob, b, i);
        assert_memory_equal(&oa, &ob, sizeof(oa));
        assert_int_equal(itk_snapshot_json(&ja, a, i), 0);
        assert_int_equal(itk_snapshot_json(&jb, b, i), 0);
        assert_int_equal(json_equal(ja, jb), i != except);
        json_decref(ja);
        json_decref(jb);
    }
}

/* the snapshot of a later commit is worked out from the cached snapshot of
 * the earlier one (only the new commits and records read): the same as
 * from nothing. A text doctored into the earlier cache proves the reuse:
 * it stays in the record it was in. The twin: a compromise declared since
 * changes verdicts of the earlier history, so everything is read again. */
static void test_a_later_commit_from_the_earlier_snapshot(void **state)
{
    fixture *f = *state;
    itk_snapshot_free(open_head(f));
    th_cache_doctor(f->reg, "status.cache", "item-1", "itex-1", 6);
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), NULL);
    entry(f, f->acme, "item-2");
    git_oid good, c;
    head(f, &good);
    itk_snapshot *inc = open_head(f);
    size_t r1 = find_id(inc, "r-000001");
    assert_string_equal(itk_snapshot_body_str(inc, r1, "item_id"), "itex-1");
    th_cache_home(f->dir, "b");
    itk_snapshot *fresh = open_head(f);
    assert_string_equal(itk_snapshot_body_str(fresh, r1, "item_id"), "item-1");
    same_snapshots(inc, fresh, r1);
    /* a form 1 superseding the first: flags worked out again for all */
    char first[ITK_RECORD_ID_MAX + 1];
    snprintf(first, sizeof(first), "%s", itk_snapshot_info(inc, form1(inc, 0))->id);
    itk_snapshot_free(inc);
    itk_snapshot_free(fresh);
    th_cache_home(f->dir, "a");
    th_submit(f->reg, f->acme, "form1", th_corpus("form1"), first);
    entry(f, f->acme, "item-3");
    inc = open_head(f);
    assert_true(itk_snapshot_flags(inc, form1(inc, 0)) & ITK_SNAP_SUPERSEDED);
    th_cache_home(f->dir, "c");
    fresh = open_head(f);
    same_snapshots(inc, fresh, find_id(inc, "r-000001"));
    itk_snapshot_free(inc);
    itk_snapshot_free(fresh);
    /* the twin: acme's key compromised after `good`: r-000003 is void now */
    th_cache_home(f->dir, "a");
    itk_buf fpr = ITK_BUF_INIT;
    char lg[GIT_OID_HEXSZ + 1];
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    git_oid_tostr(lg, sizeof(lg), &good);
    assert_int_equal(itk_key_compromise(&c, f->reg, f->deputy, fpr.ptr, lg, "lost"), 0);
    itk_buf_dispose(&fpr);
    inc = open_head(f);
    assert_string_equal(itk_snapshot_body_str(inc, find_id(inc, "r-000001"), "item_id"), "item-1");
    assert_true(itk_snapshot_flags(inc, find_id(inc, "r-000003")) & ITK_SNAP_VOID);
    th_cache_home(f->dir, "d");
    fresh = open_head(f);
    same_snapshots(inc, fresh, SIZE_MAX);
    itk_snapshot_free(inc);
    itk_snapshot_free(fresh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_void_commits_record_does_not_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_supersedes_resolved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_refused_commits_record_does_not_count, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_arrival_times, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_city_recovered_key_is_flagged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_cache_gives_the_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_snapshot_of_an_earlier_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_later_commit_from_the_earlier_snapshot, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
