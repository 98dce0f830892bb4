/* Unit tests of the verification cache (core/vcache.c): a run that takes
 * commits from this user's verify.cache finds exactly what a full run finds,
 * a corrupt cache is ignored and rebuilt, a compromise learnt later changes
 * the void flags of commits the cache already held, and a cache this user
 * did not write (another user's, another registry's, the old .git/itaku/
 * one) is never believed (DESIGN §7 "Caches are local"). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "helpers.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "itaku/keyops.h"
#include "itaku/party.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/verify.h"
#include "cache_dir.h"
#include "vcache.h"

#include <openssl/evp.h>

typedef struct {
    char *dir;
    char reg_path[4096];
    char cache[4200];
    itk_signer *city, *acme, *deputy;
    itk_registry *reg;
} fixture;

static void submit(fixture *f, itk_signer *who, int n, git_oid *commit)
{
    char item[32];
    snprintf(item, sizeof(item), "item-%d", n);
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:i, s:s}, s:s}", "action",
                             "received", "item_id", item, "info_name", "データ", "medium", "usb",
                             "method", "hand-delivery", "handler", "鈴木", "quantity", "value", 1,
                             "unit", "本", "occurred_at", "2026-04-20T10:00:00+09:00");
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    git_oid c;
    int rc =
        itk_record_submit(&path, &id, commit ? commit : &c, f->reg, who, "register", body, NULL);
    if (rc)
        fprintf(stderr, "submit: %s\n", itk_error_last());
    assert_int_equal(rc, 0);
    json_decref(body);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    snprintf(f->reg_path, sizeof(f->reg_path), "%s/reg", f->dir);
    th_cache_home(f->dir, "");
    f->city = th_signer();
    f->acme = th_signer();
    f->deputy = th_signer();
    git_oid genesis, c;
    f->reg = th_contract(f->reg_path, f->city, NULL, NULL, &genesis);
    th_add_acme(f->reg, f->city, f->acme);
    assert_int_equal(itk_key_add(&c, f->reg, f->acme, itk_signer_public(f->deputy), "deputy"), 0);
    for (int i = 1; i <= 3; i++)
        submit(f, f->acme, i, NULL);
    assert_int_equal(itk_vcache_path(f->cache, sizeof(f->cache), itk_registry_repo(f->reg)), 0);
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

/* Everything a run over reg found, as text: two runs are the same when
 * these are. */
static char *describe_threads(itk_registry *reg, int full, unsigned threads)
{
    itk_verify_result *r = NULL;
    itk_verify_options o = ITK_VERIFY_OPTIONS_INIT;
    o.full = full;
    o.threads = threads;
    assert_int_equal(itk_verify_run(&r, reg, NULL, 0, &o), 0);
    itk_buf b = ITK_BUF_INIT;
    for (size_t i = 0; i < itk_verify_commit_count(r); i++) {
        const itk_commit_info *ci = itk_verify_commit(r, i);
        itk_buf_printf(&b, "%s %s %s %s %s %s %s %s %lld %zu ok=%d void=%d rec=%d [",
                       git_oid_tostr_s(&ci->id), ci->party, ci->principal, ci->fingerprint,
                       ci->action, ci->received, ci->request, ci->subject, ci->time, ci->nparents,
                       ci->ok, ci->is_void, ci->recovered);
        for (size_t k = 0; k < ci->nrecords; k++)
            itk_buf_printf(&b, " %s", ci->records[k]);
        itk_buf_printf(&b, "]\n");
    }
    for (size_t i = 0; i < itk_verify_problem_count(r); i++) {
        const itk_problem *p = itk_verify_problem(r, i);
        itk_buf_printf(&b, "%s %s %s %s %s\n", p->commit, p->rule, p->path, p->signer, p->message);
    }
    itk_verify_result_free(r);
    char *s = strdup(b.ptr ? b.ptr : "");
    itk_buf_dispose(&b);
    return s;
}

static char *describe_reg(itk_registry *reg, int full)
{
    return describe_threads(reg, full, 0);
}

static char *describe(fixture *f, int full)
{
    return describe_reg(f->reg, full);
}

static int void_count(fixture *f)
{
    itk_verify_result *r = NULL;
    assert_int_equal(itk_verify_run(&r, f->reg, NULL, 0, NULL), 0);
    int n = 0;
    for (size_t i = 0; i < itk_verify_commit_count(r); i++)
        n += itk_verify_commit(r, i)->is_void;
    itk_verify_result_free(r);
    return n;
}

static void assert_cache_exists(fixture *f, int yes)
{
    FILE *fp = fopen(f->cache, "rb");
    if (fp)
        fclose(fp);
    assert_int_equal(fp != NULL, yes);
}

static void test_vcache_cached_run_finds_what_a_full_run_finds(void **state)
{
    fixture *f = *state;
    char *full = describe(f, 1);
    assert_cache_exists(f, 1);
    char *cached = describe(f, 0); /* the whole run from the cache */
    assert_string_equal(cached, full);
    free(cached);
    /* HEAD alone: another walk, every commit from the cache */
    const char *head[] = {"HEAD"};
    itk_verify_result *r = NULL;
    assert_int_equal(itk_verify_run(&r, f->reg, head, 1, NULL), 0);
    assert_int_equal(itk_verify_problem_count(r), 0);
    itk_verify_result_free(r);
    /* new commits: only they are checked; the receipts' state is rebuilt */
    submit(f, f->acme, 4, NULL);
    submit(f, f->city, 5, NULL);
    cached = describe(f, 0);
    free(full);
    full = describe(f, 1);
    assert_string_equal(cached, full);
    free(cached);
    free(full);
}

static void test_vcache_keeps_problems_of_cached_commits(void **state)
{
    fixture *f = *state;
    /* an unsigned commit made by plain git: a V1 problem */
    assert_int_equal(th_sh("cd '%s' && git -c user.name=x -c user.email=x@x commit -q "
                           "--allow-empty -m unsigned",
                           f->reg_path),
                     0);
    char *full = describe(f, 1);
    assert_non_null(strstr(full, " V1 "));
    char *cached = describe(f, 0);
    assert_string_equal(cached, full);
    free(cached);
    free(full);
}

static void test_vcache_ignores_a_corrupt_cache(void **state)
{
    fixture *f = *state;
    char *full = describe(f, 1);
    size_t len = 0;
    char *data = th_read(f->cache, &len);
    assert_true(len > 100);
    /* cut short, then bytes changed in the middle, then garbage */
    th_write(f->cache, data, len / 2);
    char *cached = describe(f, 0);
    assert_string_equal(cached, full);
    free(cached);
    data[len / 3] ^= 0x5a;
    data[len / 3 + 1] ^= 0xff;
    th_write(f->cache, data, len);
    cached = describe(f, 0);
    assert_string_equal(cached, full);
    free(cached);
    data[len / 3] ^= 0x5a;
    data[len / 3 + 1] ^= 0xff;
    th_write(f->cache, "not a cache at all", 18);
    cached = describe(f, 0);
    assert_string_equal(cached, full);
    free(cached);
    /* and it was rebuilt: the same bytes a full run writes */
    size_t len2 = 0;
    char *again = th_read(f->cache, &len2);
    assert_int_equal(len2, len);
    assert_memory_equal(again, data, len);
    free(again);
    free(data);
    free(full);
}

static void test_vcache_new_compromise_changes_void_flags(void **state)
{
    fixture *f = *state;
    git_oid good, after;
    submit(f, f->acme, 10, &good);
    submit(f, f->acme, 11, &after);
    assert_int_equal(void_count(f), 0); /* cached with no compromise known */
    assert_int_equal(void_count(f), 0);
    itk_buf fpr = ITK_BUF_INIT;
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    git_oid c;
    char lg[GIT_OID_HEXSZ + 1];
    git_oid_tostr(lg, sizeof(lg), &good);
    assert_int_equal(itk_key_compromise(&c, f->reg, f->deputy, fpr.ptr, lg, "lost"), 0);
    itk_buf_dispose(&fpr);
    char *cached = describe(f, 0);
    char *full = describe(f, 1);
    assert_string_equal(cached, full);
    char line[64];
    snprintf(line, sizeof(line), "%s ", git_oid_tostr_s(&after));
    const char *at = strstr(cached, line);
    assert_non_null(at);
    assert_non_null(strstr(at, "void=1"));
    assert_true(strstr(at, "void=1") < strchr(at, '\n'));
    assert_int_equal(void_count(f), 1);
    /* HEAD alone, from the entries the run over every ref left */
    const char *head[] = {"HEAD"};
    itk_verify_result *r = NULL;
    itk_verify_options o = ITK_VERIFY_OPTIONS_INIT;
    assert_int_equal(itk_verify_run(&r, f->reg, head, 1, &o), 0);
    size_t voids = 0;
    for (size_t i = 0; i < itk_verify_commit_count(r); i++)
        voids += itk_verify_commit(r, i)->is_void;
    assert_int_equal(voids, 1);
    assert_int_equal(itk_verify_problem_count(r), 0);
    itk_verify_result_free(r);
    /* and a commit after that, by the deputy: the cached void flags stay */
    submit(f, f->deputy, 12, NULL);
    free(cached);
    free(full);
    cached = describe(f, 0);
    full = describe(f, 1);
    assert_string_equal(cached, full);
    assert_int_equal(void_count(f), 1);
    free(cached);
    free(full);
}

/* How many commits a run checked in full, and how many it walked. */
static size_t checked(fixture *f, int full, size_t *walked)
{
    itk_verify_result *r = NULL;
    itk_verify_options o = ITK_VERIFY_OPTIONS_INIT;
    o.full = full;
    assert_int_equal(itk_verify_run(&r, f->reg, NULL, 0, &o), 0);
    size_t n = itk_verify_checked_count(r);
    if (walked)
        *walked = itk_verify_commit_count(r);
    itk_verify_result_free(r);
    return n;
}

/* A compromise on record: one new commit is checked alone; V9's state (the
 * void commits: signed by the key after last_good, a key one of them added
 * and what that key signed) comes from the cache, not from checking them
 * again; and what the run finds is what a full run finds. */
static void test_vcache_one_new_commit_after_a_compromise_checks_what_is_new(void **state)
{
    fixture *f = *state;
    itk_signer *k2 = th_signer();
    git_oid good, c;
    submit(f, f->acme, 10, &good);
    assert_int_equal(itk_key_add(&c, f->reg, f->acme, itk_signer_public(k2), "k2"), 0);
    submit(f, k2, 11, NULL);
    submit(f, f->acme, 12, NULL);
    itk_buf fpr = ITK_BUF_INIT;
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    char lg[GIT_OID_HEXSZ + 1];
    git_oid_tostr(lg, sizeof(lg), &good);
    assert_int_equal(itk_key_compromise(&c, f->reg, f->deputy, fpr.ptr, lg, "lost"), 0);
    itk_buf_dispose(&fpr);
    for (int i = 20; i < 26; i++)
        submit(f, f->deputy, i, NULL);
    size_t walked = 0;
    assert_int_equal(void_count(f), 3);          /* the key-add, what k2 and acme signed after */
    assert_int_equal(checked(f, 0, &walked), 0); /* the same refs: from the cache */
    assert_true(walked > 10);
    submit(f, f->deputy, 26, NULL);
    /* the new commit alone, not the void commits nor the whole history */
    assert_int_equal(checked(f, 0, &walked), 1);
    /* a commit of k2 (a key a void commit added) that comes now is void by
     * the cached state: the key-add behind it is not checked again */
    submit(f, k2, 28, NULL);
    assert_int_equal(void_count(f), 4);
    submit(f, f->deputy, 27, NULL);
    char *cached = describe(f, 0);
    char *full = describe(f, 1);
    assert_string_equal(cached, full);
    size_t all = checked(f, 1, &walked);
    assert_int_equal(all, walked);
    free(cached);
    free(full);
    itk_signer_free(k2);
}

/* A run after new commits reads only them (format 4 keeps each cached
 * commit's parents, time and tree): its verdicts and the walk's order are
 * those of a full run. */
static size_t reads(fixture *f, size_t *nchecked)
{
    itk_verify_result *r = NULL;
    assert_int_equal(itk_verify_run(&r, f->reg, NULL, 0, NULL), 0);
    size_t n = r->nread;
    if (nchecked)
        *nchecked = itk_verify_checked_count(r);
    itk_verify_result_free(r);
    return n;
}

static void assert_cached_is_full(fixture *f)
{
    char *cached = describe(f, 0);
    char *full = describe(f, 1);
    assert_string_equal(cached, full);
    free(cached);
    free(full);
}

static void set_ref(fixture *f, const char *name, const git_oid *id)
{
    git_reference *ref = NULL;
    assert_int_equal(
        git_reference_create(&ref, itk_registry_repo(f->reg), name, id, 1, "test: moved"), 0);
    git_reference_free(ref);
}

static void test_vcache_reads_only_new_commits(void **state)
{
    fixture *f = *state;
    git_repository *repo = itk_registry_repo(f->reg);
    size_t nchecked = 0, walked = 0;
    size_t all = checked(f, 1, &walked); /* the cache written */
    assert_int_equal(all, walked);
    assert_int_equal(reads(f, &nchecked), 0); /* nothing new: nothing read */
    assert_int_equal(nchecked, 0);
    /* a new commit on top of a cached tip: it alone is read and checked */
    git_oid tip, old, side, merge;
    submit(f, f->acme, 4, &tip);
    assert_int_equal(reads(f, &nchecked), 1);
    assert_int_equal(nchecked, 1);
    assert_cached_is_full(f);
    /* a second line from an older cached commit, then a merge of the two
     * cached lines: only the merge is new */
    git_commit *c = NULL;
    assert_int_equal(git_commit_lookup(&c, repo, &tip), 0);
    old = *git_commit_parent_id(c, 0);
    git_commit_free(c);
    th_commit_file(&side, repo, f->acme, "acme", "manager", "submit", &old,
                   "parties/acme/register/r-000098.json", "{}", 2);
    set_ref(f, "refs/heads/side", &side);
    assert_int_equal(reads(f, &nchecked), 1);
    assert_int_equal(nchecked, 1);
    assert_cached_is_full(f);
    git_tree *tree = NULL;
    assert_int_equal(git_commit_lookup(&c, repo, &tip), 0);
    assert_int_equal(git_commit_tree(&tree, c), 0);
    git_oid parents[2] = {tip, side};
    th_commit_raw(&merge, repo, f->acme, git_tree_id(tree), parents, 2, "merge\n");
    git_tree_free(tree);
    git_commit_free(c);
    set_ref(f, "refs/heads/main", &merge);
    size_t n = reads(f, &nchecked);
    assert_int_equal(nchecked, 1);
    assert_true(n >= 1 && n < walked / 2);
    assert_cached_is_full(f);
    /* history rewritten: the cached tips are no ancestors of the refs any
     * more; what they held is not listed, the rest still comes from the
     * cache, and the run is a full run's */
    assert_int_equal(git_reference_remove(repo, "refs/heads/side"), 0);
    set_ref(f, "refs/heads/main", &old);
    submit(f, f->acme, 5, NULL);
    char *cached = describe(f, 0);
    assert_null(strstr(cached, git_oid_tostr_s(&merge)));
    assert_null(strstr(cached, git_oid_tostr_s(&side)));
    assert_null(strstr(cached, git_oid_tostr_s(&tip)));
    free(cached);
    assert_cached_is_full(f);
    assert_int_equal(reads(f, &nchecked), 0);
}

/* One new commit is written to the file of additions beside the cache, not
 * into the whole file again (issue 18 point 1); a later run reads both and
 * finds what a full run finds, reading no commit; damaged additions, or
 * additions made to an earlier cache file, are not believed. */
static void test_vcache_one_new_commit_is_added_not_written_whole(void **state)
{
    fixture *f = *state;
    char add_path[4200];
    th_cache_file(add_path, sizeof(add_path), f->reg, ITK_VCACHE_ADD_FILE);
    free(describe(f, 1)); /* the file written whole */
    size_t len = 0, len2 = 0, alen = 0;
    char *before = th_read(f->cache, &len);
    git_oid tip;
    submit(f, f->acme, 4, &tip);
    size_t nchecked = 0;
    assert_int_equal(reads(f, &nchecked), 1);
    assert_int_equal(nchecked, 1);
    /* the cache file is as it was; the new commit is in its additions */
    char *after = th_read(f->cache, &len2);
    assert_int_equal(len2, len);
    assert_memory_equal(after, before, len);
    free(after);
    char *added = th_read(add_path, &alen);
    assert_true(alen > 0 && alen < len);
    /* … which a run reads: nothing is read from git again, nothing checked */
    assert_int_equal(reads(f, &nchecked), 0);
    assert_int_equal(nchecked, 0);
    submit(f, f->city, 5, NULL);
    assert_int_equal(reads(f, &nchecked), 1);
    assert_int_equal(nchecked, 1);
    char *cached = describe(f, 0);
    /* what this user's additions say is what verify reports */
    th_cache_doctor(f->reg, ITK_VCACHE_ADD_FILE, "r-000004", "r-000094", 8);
    char *doctored = describe(f, 0);
    assert_non_null(strstr(doctored, "r-000094"));
    /* damaged additions: the cache file alone, the rest checked again */
    size_t dlen = 0;
    char *d = th_read(add_path, &dlen);
    th_write(add_path, d, dlen / 2);
    free(d);
    char *run = describe(f, 0);
    assert_string_equal(run, cached);
    free(run);
    /* written whole again: additions made to the file before are not
     * believed of it (the doctored ones, sealed with this user's key) */
    char *full = describe(f, 1);
    assert_string_equal(full, cached);
    th_write(add_path, added, alen);
    th_cache_doctor(f->reg, ITK_VCACHE_ADD_FILE, "r-000004", "r-000094", 8);
    run = describe(f, 0);
    assert_string_equal(run, full);
    free(run);
    free(full);
    free(doctored);
    free(cached);
    free(added);
    free(before);
}

/* acme's register entry r-000099 signed by signer on parent, on the
 * incoming ref of a fetch not yet accepted */
static void incoming_entry(fixture *f, git_oid *out, itk_signer *signer, const char *principal,
                           const git_oid *parent)
{
    itk_buf b = ITK_BUF_INIT;
    json_t *body = th_register_entry("received", "item-99", "2026-12-03T10:00:00+09:00");
    itk_record_fields rf = {"register", "r-000099", "acme", "2026-12-03T10:00:00+09:00",
                            NULL,       NULL,       body,   NULL};
    assert_int_equal(itk_record_build(&b, &rf), 0);
    json_decref(body);
    git_repository *repo = itk_registry_repo(f->reg);
    th_commit_file(out, repo, signer, "acme", principal, "submit", parent,
                   "parties/acme/register/r-000099.json", b.ptr, b.size);
    itk_buf_dispose(&b);
    git_reference *ref = NULL;
    assert_int_equal(
        git_reference_create(&ref, repo, "refs/itaku/incoming/acme/main", out, 1, "test: fetched"),
        0);
    git_reference_free(ref);
}

/* A compromise learnt after the cache was written (the event arrives as one
 * new commit): only what it can make void is checked again (what the key
 * signed after last_good, the key one of those commits added and what that
 * key signed), not every commit of the history; the run finds what a full
 * run finds, a record superseding a void one included; and a commit the
 * key signed after last_good that arrives later is refused (V9) by the
 * cached run as by the full one, while its twin by another key is not. */
static void test_vcache_a_compromise_learnt_later_checks_what_it_can_affect(void **state)
{
    fixture *f = *state;
    itk_signer *k2 = th_signer();
    git_oid good, late, c, hostile;
    submit(f, f->acme, 10, &good);
    assert_int_equal(itk_key_add(&c, f->reg, f->acme, itk_signer_public(k2), "k2"), 0);
    submit(f, k2, 11, NULL); /* r-000005 */
    submit(f, f->acme, 12, &late);
    for (int i = 20; i < 26; i++)
        submit(f, f->deputy, i, NULL);
    size_t walked = 0;
    assert_int_equal(void_count(f), 0); /* cached with no compromise known */
    assert_int_equal(checked(f, 0, &walked), 0);
    itk_buf fpr = ITK_BUF_INIT;
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    char lg[GIT_OID_HEXSZ + 1];
    git_oid_tostr(lg, sizeof(lg), &good);
    assert_int_equal(itk_key_compromise(&c, f->reg, f->deputy, fpr.ptr, lg, "lost"), 0);
    itk_buf_dispose(&fpr);
    /* the event, and the key-add, k2's entry and acme's entry after good */
    assert_int_equal(checked(f, 0, &walked), 1 + 3);
    assert_true(walked > 15);
    char *cached = describe(f, 0);
    char *full = describe(f, 1);
    assert_string_equal(cached, full);
    free(cached);
    free(full);
    assert_int_equal(void_count(f), 3);
    /* a record superseding the void one of k2, by the deputy */
    json_t *body = th_register_entry("received", "item-11", "2026-12-03T10:00:00+09:00");
    th_submit(f->reg, f->deputy, "register", body, "r-000005");
    cached = describe(f, 0);
    full = describe(f, 1);
    assert_string_equal(cached, full);
    free(cached);
    free(full);
    /* the key signs after last_good on a parent that did not know: it
     * arrives after the compromise on record, and is refused */
    assert_int_equal(checked(f, 0, &walked), 0);
    incoming_entry(f, &hostile, f->acme, "manager", &late);
    cached = describe(f, 0);
    full = describe(f, 1);
    assert_string_equal(cached, full);
    char line[80];
    snprintf(line, sizeof(line), "%s V9 ", git_oid_tostr_s(&hostile));
    assert_non_null(strstr(cached, line));
    free(cached);
    free(full);
    /* its twin by the deputy key: nothing refused */
    assert_int_equal(checked(f, 0, &walked), 0);
    incoming_entry(f, &hostile, f->deputy, "deputy", &late);
    cached = describe(f, 0);
    full = describe(f, 1);
    assert_string_equal(cached, full);
    assert_null(strstr(cached, " V9 "));
    free(cached);
    free(full);
    itk_signer_free(k2);
}

/* A commit of the compromised key after last_good whose check stops before
 * V9's (an octopus merge, V5) is no void commit of the walk: once in the
 * cache, a later run does not make it one (no V9 of its own), as a full run
 * does not. */
static void test_vcache_a_void_commit_refused_before_v9_stays_as_a_full_run_finds_it(void **state)
{
    fixture *f = *state;
    git_repository *repo = itk_registry_repo(f->reg);
    git_oid early, good, late, c, hostile;
    submit(f, f->acme, 9, &early);
    submit(f, f->acme, 10, &good);
    submit(f, f->deputy, 11, &late);
    itk_buf fpr = ITK_BUF_INIT;
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    char lg[GIT_OID_HEXSZ + 1];
    git_oid_tostr(lg, sizeof(lg), &good);
    assert_int_equal(itk_key_compromise(&c, f->reg, f->deputy, fpr.ptr, lg, "lost"), 0);
    itk_buf_dispose(&fpr);
    git_commit *parent = NULL;
    assert_int_equal(git_commit_lookup(&parent, repo, &late), 0);
    git_oid parents[3] = {late, good, early};
    th_commit_raw(&hostile, repo, f->acme, git_commit_tree_id(parent), parents, 3, "octopus\n");
    git_commit_free(parent);
    git_reference *ref = NULL;
    assert_int_equal(git_reference_create(&ref, repo, "refs/itaku/incoming/acme/main", &hostile, 1,
                                          "test: fetched"),
                     0);
    git_reference_free(ref);
    char *cached = describe(f, 0); /* it is checked, then cached */
    char *full = describe(f, 1);
    assert_string_equal(cached, full);
    free(cached);
    free(full);
    submit(f, f->deputy, 12, NULL); /* a run that takes it from the cache */
    cached = describe(f, 0);
    full = describe(f, 1);
    assert_string_equal(cached, full);
    char line[80];
    snprintf(line, sizeof(line), "%s V5 ", git_oid_tostr_s(&hostile));
    assert_non_null(strstr(cached, line));
    free(cached);
    free(full);
}

/* Without a pinned genesis, which root is the second one depends on the
 * walk (V1: the genesis is the only root): a run with the first root in the
 * cache names the same commit as a full run. */
static void test_vcache_a_second_root_after_a_cached_one(void **state)
{
    fixture *f = *state;
    git_repository *repo = itk_registry_repo(f->reg);
    git_config *cfg = NULL;
    assert_int_equal(git_repository_config(&cfg, repo), 0);
    assert_int_equal(git_config_delete_entry(cfg, "itaku.genesis"), 0);
    git_config_free(cfg);
    size_t walked = 0;
    checked(f, 0, &walked);                      /* the cache of the unpinned registry */
    assert_int_equal(checked(f, 0, &walked), 0); /* … is used */
    git_object *head = NULL;
    assert_int_equal(git_revparse_single(&head, repo, "HEAD^{tree}"), 0);
    git_oid root;
    th_commit_raw(&root, repo, f->city, git_object_id(head), NULL, 0, "another start\n");
    git_object_free(head);
    git_reference *ref = NULL;
    assert_int_equal(git_reference_create(&ref, repo, "refs/heads/other", &root, 0, "test"), 0);
    git_reference_free(ref);
    char *cached = describe(f, 0);
    char *full = describe(f, 1);
    assert_string_equal(cached, full);
    assert_non_null(strstr(cached, "more than one root"));
    free(cached);
    free(full);
}

/* Signatures are checked on every core: what a run finds is the same, byte
 * for byte, with one thread and with many, cold and from the cache, on a
 * history with a compromise and hostile commits (unsigned, signed by a key
 * no party holds, a signed commit whose bytes were changed after). */
static void test_vcache_threads_find_the_same(void **state)
{
    fixture *f = *state;
    git_repository *repo = itk_registry_repo(f->reg);
    itk_signer *stranger = th_signer();
    git_oid good, c, tree, head;
    submit(f, f->acme, 10, &good);
    for (int i = 11; i < 14; i++)
        submit(f, f->acme, i, NULL);
    itk_buf fpr = ITK_BUF_INIT;
    assert_int_equal(itk_pubkey_fingerprint(&fpr, itk_signer_public(f->acme)), 0);
    char lg[GIT_OID_HEXSZ + 1];
    git_oid_tostr(lg, sizeof(lg), &good);
    assert_int_equal(itk_key_compromise(&c, f->reg, f->deputy, fpr.ptr, lg, "lost"), 0);
    itk_buf_dispose(&fpr);
    for (int i = 20; i < 60; i++)
        submit(f, i % 2 ? f->deputy : f->city, i, NULL);
    th_tree_of(&tree, repo, "HEAD");
    assert_int_equal(git_reference_name_to_id(&head, repo, "HEAD"), 0);
    /* hostile commits on refs of their own */
    th_commit_raw(&c, repo, stranger, &tree, &head, 1, "by a stranger\n");
    assert_int_equal(
        th_sh("cd '%s' && git update-ref refs/heads/stranger %s", f->reg_path, git_oid_tostr_s(&c)),
        0);
    th_commit_raw(&c, repo, NULL, &tree, &head, 1, "unsigned\n");
    assert_int_equal(
        th_sh("cd '%s' && git update-ref refs/heads/unsigned %s", f->reg_path, git_oid_tostr_s(&c)),
        0);
    th_commit_raw(&c, repo, f->deputy, &tree, &head, 1, "signed as it was\n");
    assert_int_equal(th_sh("cd '%s' && id=$(git cat-file commit %s | sed 's/signed as it was/"
                           "changed after/' | git hash-object --literally -t commit -w --stdin) "
                           "&& git update-ref refs/heads/changed $id",
                           f->reg_path, git_oid_tostr_s(&c)),
                     0);
    char *one = describe_threads(f->reg, 1, 1);
    char *many = describe_threads(f->reg, 1, 4);
    assert_string_equal(one, many);
    char *cached = describe_threads(f->reg, 0, 3);
    assert_string_equal(one, cached);
    /* it is a history with problems: three V1, and a void commit */
    size_t v1 = 0;
    for (const char *s = one; (s = strstr(s, " V1 ")); s++)
        v1++;
    assert_int_equal(v1, 3);
    assert_non_null(strstr(one, "void=1"));
    free(one);
    free(many);
    free(cached);
    itk_signer_free(stranger);
}

static void test_vcache_full_ignores_the_cache(void **state)
{
    fixture *f = *state;
    char *full = describe(f, 1);
    /* a cache that would lie if it were believed: a well-formed file from
     * another registry's run is keyed by other pins and not used either */
    th_write(f->cache, "itaku verify cache\n", 19);
    char *again = describe(f, 1);
    assert_string_equal(again, full);
    free(again);
    free(full);
}

/* An unsigned commit (V1) in the registry, and a full run that caches it. */
static char *unsigned_commit(fixture *f)
{
    assert_int_equal(th_sh("cd '%s' && git -c user.name=x -c user.email=x@x commit -q "
                           "--allow-empty -m unsigned",
                           f->reg_path),
                     0);
    char *full = describe(f, 1);
    assert_non_null(strstr(full, " V1 "));
    assert_null(strstr(full, " V0 "));
    return full;
}

/* The rule "V1" of the cached problem becomes "V0" (u32 length, bytes). */
static const char V1[] = "\0\0\0\2V1", V0[] = "\0\0\0\2V0";

/* An entry damaged inside a cache sealed anew by this user (a disk error
 * before the seal, or a bug): entries are decoded only when a run uses them,
 * but the file is checked whole when it is opened, so none of it is used and
 * the run finds what a full run finds; the file is then written anew. */
static void test_vcache_a_damaged_entry_discards_the_whole_cache(void **state)
{
    fixture *f = *state;
    char *full = unsigned_commit(f);
    size_t len = 0;
    char *before = th_read(f->cache, &len);
    /* the rule's length says 3 where 2 bytes and a NUL follow */
    static const char longer[] = "\0\0\0\3V1";
    th_cache_doctor(f->reg, ITK_VCACHE_FILE, V1, longer, 6);
    size_t dlen = 0;
    char *doctored = th_read(f->cache, &dlen);
    assert_int_equal(dlen, len);
    assert_memory_not_equal(doctored, before, len);
    char *run = describe(f, 0);
    assert_string_equal(run, full);
    size_t alen = 0;
    char *after = th_read(f->cache, &alen);
    assert_int_equal(alen, len);
    assert_memory_equal(after, before, len);
    free(after);
    free(run);
    free(doctored);
    free(before);
    free(full);
}

static void file_into(const char *path, const char *data, size_t len)
{
    assert_int_equal(th_sh("mkdir -p \"$(dirname '%s')\"", path), 0);
    th_write(path, data, len);
}

static void test_vcache_believes_only_this_users_seal(void **state)
{
    fixture *f = *state;
    char *full = unsigned_commit(f);
    /* the cache is read: what this user's own (doctored, sealed again with
     * this user's key) cache says is what verify reports */
    th_cache_doctor(f->reg, ITK_VCACHE_FILE, V1, V0, 6);
    char *doctored = describe(f, 0);
    assert_non_null(strstr(doctored, " V0 "));
    assert_null(strstr(doctored, " V1 "));
    size_t len = 0;
    char *data = th_read(f->cache, &len);
    /* another person sharing this clone copies that file, or the whole
     * cache folder, into theirs: their key differs, it is not believed */
    th_cache_home(f->dir, "2");
    char theirs[4200];
    assert_int_equal(itk_vcache_path(theirs, sizeof(theirs), itk_registry_repo(f->reg)), 0);
    assert_string_not_equal(theirs, f->cache);
    assert_int_equal(th_sh("mkdir -p '%s/home2/cache' && cp -R '%s/home/cache/.' "
                           "'%s/home2/cache/'",
                           f->dir, f->dir, f->dir),
                     0);
    size_t tlen = 0;
    char *copied = th_read(theirs, &tlen); /* the same folder name: same registry */
    assert_int_equal(tlen, len);
    assert_memory_equal(copied, data, len);
    free(copied);
    char *run = describe(f, 0);
    assert_string_equal(run, full);
    free(run);
    /* … and each keeps a cache of their own: both read their own again */
    char *again = describe(f, 0);
    assert_string_equal(again, full);
    free(again);
    th_cache_home(f->dir, "");
    again = describe(f, 0);
    assert_string_equal(again, doctored);
    free(again);
    /* the same user, the registry copied elsewhere (same pins) with the
     * file put into the copy's folder: bound to its registry, not believed */
    char copy_path[4200], copy_cache[4200];
    snprintf(copy_path, sizeof(copy_path), "%s/copy", f->dir);
    assert_int_equal(th_sh("cp -R '%s' '%s'", f->reg_path, copy_path), 0);
    itk_registry *copy = NULL;
    assert_int_equal(itk_registry_open(&copy, copy_path), 0);
    assert_int_equal(itk_vcache_path(copy_cache, sizeof(copy_cache), itk_registry_repo(copy)), 0);
    assert_string_not_equal(copy_cache, f->cache);
    file_into(copy_cache, data, len);
    run = describe_reg(copy, 0);
    assert_string_equal(run, full);
    free(run);
    itk_registry_free(copy);
    free(data);
    free(doctored);
    free(full);
}

static void test_vcache_ignores_the_old_place(void **state)
{
    fixture *f = *state;
    char *full = unsigned_commit(f);
    th_cache_doctor(f->reg, ITK_VCACHE_FILE, V1, V0, 6);
    /* the doctored content where and as caches were kept before:
     * .git/itaku/verify.cache, the content then its SHA-256 */
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len = 0;
    itk_cache_place_init(&pl, itk_registry_repo(f->reg), NULL);
    assert_int_equal(itk_cache_read(&data, &len, &pl, ITK_VCACHE_FILE, ITK_VCACHE_MAX_BYTES), 0);
    itk_cache_place_dispose(&pl);
    unsigned char *old = malloc(len + 32);
    assert_non_null(old);
    memcpy(old, data, len);
    assert_true(EVP_Digest(data, len, old + len, NULL, EVP_sha256(), NULL));
    char old_path[4200];
    snprintf(old_path, sizeof(old_path), "%s/.git/itaku/verify.cache", f->reg_path);
    file_into(old_path, (const char *)old, len + 32);
    assert_int_equal(unlink(f->cache), 0);
    char *run = describe(f, 0);
    assert_string_equal(run, full);
    free(run);
    free(old);
    free(data);
    free(full);
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void test_vcache_unwritable_place_runs_uncached(void **state)
{
    fixture *f = *state;
    char *full = describe(f, 1);
    char folder[4200];
    snprintf(folder, sizeof(folder), "%s", f->cache);
    *strrchr(folder, '/') = '\0';
    /* a full disk: the file cannot be written, nothing is left behind, the
     * run's answer is the same */
    size_t len = 0;
    free(th_read(f->cache, &len));
    assert_true(len > 512);
    assert_int_equal(unlink(f->cache), 0);
    /* and the verdict at the tip the full run kept beside it (verify.tip,
     * smaller: the limit below is under its size too) */
    char tip[4300];
    snprintf(tip, sizeof(tip), "%s/verify.tip", folder);
    assert_int_equal(unlink(tip), 0);
    /* and the trees known canonical (canon.cache, smaller still) */
    snprintf(tip, sizeof(tip), "%s/canon.cache", folder);
    assert_true(unlink(tip) == 0 || errno == ENOENT);
    /* and the folders found whole (verify.present) */
    snprintf(tip, sizeof(tip), "%s/verify.present", folder);
    assert_true(unlink(tip) == 0 || errno == ENOENT);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit was, small = {16, 16};
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
    small.rlim_max = was.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    char *run = describe(f, 0);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
    assert_string_equal(run, full);
    free(run);
    assert_int_equal(count_files(folder), 0);
    /* a cache folder that cannot be made (a file in its way: even root
     * cannot write there) */
    char blocked[4200];
    snprintf(blocked, sizeof(blocked), "%s/blocked", f->dir);
    th_write(blocked, "x", 1);
    assert_int_equal(setenv("XDG_CACHE_HOME", blocked, 1), 0);
    run = describe(f, 0);
    assert_string_equal(run, full);
    free(run);
    run = describe(f, 0);
    assert_string_equal(run, full);
    free(run);
    char *still = th_read(blocked, &len);
    assert_int_equal(len, 1);
    free(still);
    /* no home at all */
    char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    unsetenv("XDG_CACHE_HOME");
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    char nowhere[4200];
    assert_int_equal(itk_vcache_path(nowhere, sizeof(nowhere), itk_registry_repo(f->reg)),
                     ITK_ENOTFOUND);
    run = describe(f, 0);
    assert_string_equal(run, full);
    free(run);
    if (home)
        setenv("HOME", home, 1);
    free(home);
    free(full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_vcache_cached_run_finds_what_a_full_run_finds, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_vcache_reads_only_new_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vcache_one_new_commit_is_added_not_written_whole,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_vcache_keeps_problems_of_cached_commits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_vcache_ignores_a_corrupt_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vcache_new_compromise_changes_void_flags, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_vcache_one_new_commit_after_a_compromise_checks_what_is_new, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_vcache_a_compromise_learnt_later_checks_what_it_can_affect, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_vcache_a_void_commit_refused_before_v9_stays_as_a_full_run_finds_it, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_vcache_a_second_root_after_a_cached_one, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_vcache_threads_find_the_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vcache_full_ignores_the_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vcache_believes_only_this_users_seal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vcache_a_damaged_entry_discards_the_whole_cache, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_vcache_ignores_the_old_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vcache_unwritable_place_runs_uncached, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
