/* Unit tests of packs written from the repository's packs (core/util/packreuse.c):
 * the versions of a file stored as deltas go out as those deltas, and the
 * pack indexes whole elsewhere with every object as it was; a delta on an
 * object the receiver holds goes out as it is (a thin pack, which only a
 * repository holding that object can index); a delta whose base neither
 * goes out nor is held goes through the packbuilder; an object over its
 * limit is refused from its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <git2.h>

#include "helpers.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "packreuse.h"

#define NVER 8
#define BIG (1u << 30)

typedef struct {
    char *dir;
    git_repository *repo;
    git_oid ver[NVER];
} fixture;

/* NVER versions of one file, each a line longer, packed by libgit2 (which
 * stores most of them as deltas). */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->repo = th_repo_new(&f->dir);
    itk_buf text = ITK_BUF_INIT;
    for (int i = 0; i < 200; i++)
        itk_buf_printf(&text, "line %d of a register that changes a little each time\n", i);
    git_packbuilder *pb = NULL;
    assert_int_equal(git_packbuilder_new(&pb, f->repo), 0);
    for (int v = 0; v < NVER; v++) {
        itk_buf_printf(&text, "entry %d added\n", v);
        assert_int_equal(git_blob_create_from_buffer(&f->ver[v], f->repo, text.ptr, text.size), 0);
        assert_int_equal(git_packbuilder_insert(pb, &f->ver[v], "register.txt"), 0);
    }
    assert_int_equal(git_packbuilder_write(pb, NULL, 0, NULL, NULL), 0);
    git_packbuilder_free(pb);
    itk_buf_dispose(&text);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    th_repo_free(f->repo, f->dir);
    free(f);
    return 0;
}

static int to_buf(void *data, size_t len, void *payload)
{
    return itk_buf_put(payload, data, len) ? -1 : 0;
}

/* Indexes pack into a new repository (with holder's objects when not
 * NULL): the indexer's result; *out the new repository when it worked. */
static int index_into(git_repository **out, char **dir, const itk_buf *pack, git_repository *holder)
{
    git_odb *odb = NULL;
    git_indexer *idx = NULL;
    git_indexer_progress st = {0};
    char packdir[4200];
    *out = th_repo_new(dir);
    assert_int_equal(git_repository_odb(&odb, holder ? holder : *out), 0);
    snprintf(packdir, sizeof(packdir), "%s/objects/pack", *dir);
    int rc = git_indexer_new(&idx, packdir, 0, odb, NULL);
    rc = rc ? rc : git_indexer_append(idx, pack->ptr, pack->size, &st);
    rc = rc ? rc : git_indexer_commit(idx, &st);
    git_indexer_free(idx);
    git_odb_free(odb);
    return rc;
}

static void same_blob(git_repository *a, git_repository *b, const git_oid *id)
{
    git_blob *x = NULL, *y = NULL;
    assert_int_equal(git_blob_lookup(&x, a, id), 0);
    assert_int_equal(git_blob_lookup(&y, b, id), 0);
    assert_int_equal(git_blob_rawsize(x), git_blob_rawsize(y));
    assert_memory_equal(git_blob_rawcontent(x), git_blob_rawcontent(y),
                        (size_t)git_blob_rawsize(x));
    git_blob_free(x);
    git_blob_free(y);
}

static void test_deltas_are_copied_and_the_pack_indexes(void **state)
{
    fixture *f = *state;
    itk_packreuse *p = NULL;
    itk_buf out = ITK_BUF_INIT;
    size_t copied, deltas, built;
    assert_int_equal(itk_packreuse_new(&p, f->repo), 0);
    for (int v = NVER - 1; v >= 0; v--)
        assert_int_equal(itk_packreuse_insert(p, &f->ver[v], "register.txt", GIT_OBJECT_BLOB, BIG),
                         0);
    assert_int_equal(itk_packreuse_count(p), NVER);
    assert_int_equal(itk_packreuse_write(p, 1, to_buf, &out), 0);
    itk_packreuse_stats(p, &copied, &deltas, &built);
    assert_int_equal(copied, NVER);
    assert_true(deltas >= NVER / 2);
    assert_int_equal(built, 0);
    itk_packreuse_free(p);

    git_repository *r = NULL;
    char *dir = NULL;
    assert_int_equal(index_into(&r, &dir, &out, NULL), 0);
    for (int v = 0; v < NVER; v++)
        same_blob(f->repo, r, &f->ver[v]);
    th_repo_free(r, dir);
    itk_buf_dispose(&out);
}

/* One version stored as a delta, sent alone: held by the receiver, its base
 * is named (thin); not held, it goes through the packbuilder (whole). */
static void test_a_delta_on_what_the_receiver_holds_stays_a_delta(void **state)
{
    fixture *f = *state;
    int thin_seen = 0;
    for (int v = 0; v < NVER; v++) {
        itk_packreuse *p = NULL;
        itk_buf out = ITK_BUF_INIT;
        size_t copied, deltas, built;
        assert_int_equal(itk_packreuse_new(&p, f->repo), 0);
        for (int k = 0; k < NVER; k++)
            if (k != v)
                assert_int_equal(itk_packreuse_hold(p, &f->ver[k]), 0);
        assert_int_equal(itk_packreuse_insert(p, &f->ver[v], "register.txt", GIT_OBJECT_BLOB, BIG),
                         0);
        assert_int_equal(itk_packreuse_write(p, 1, to_buf, &out), 0);
        itk_packreuse_stats(p, &copied, &deltas, &built);
        itk_packreuse_free(p);
        git_repository *r = NULL;
        char *dir = NULL;
        if (deltas) {
            thin_seen = 1;
            assert_int_not_equal(index_into(&r, &dir, &out, NULL), 0);
            th_repo_free(r, dir);
            /* the receiver holds the base: it indexes */
            assert_int_equal(index_into(&r, &dir, &out, f->repo), 0);
            th_repo_free(r, dir);

            /* nobody holds the base: the packbuilder writes it whole */
            itk_buf_clear(&out);
            assert_int_equal(itk_packreuse_new(&p, f->repo), 0);
            assert_int_equal(
                itk_packreuse_insert(p, &f->ver[v], "register.txt", GIT_OBJECT_BLOB, BIG), 0);
            assert_int_equal(itk_packreuse_write(p, 1, to_buf, &out), 0);
            itk_packreuse_stats(p, &copied, &deltas, &built);
            itk_packreuse_free(p);
            assert_int_equal(copied, 0);
            assert_int_equal(built, 1);
            assert_int_equal(index_into(&r, &dir, &out, NULL), 0);
            same_blob(f->repo, r, &f->ver[v]);
            th_repo_free(r, dir);
        }
        itk_buf_dispose(&out);
    }
    assert_true(thin_seen);
}

static void test_an_object_over_its_limit_is_refused(void **state)
{
    fixture *f = *state;
    itk_packreuse *p = NULL;
    for (int v = 0; v < NVER; v++) {
        assert_int_equal(itk_packreuse_new(&p, f->repo), 0);
        assert_int_equal(itk_packreuse_insert(p, &f->ver[v], "register.txt", GIT_OBJECT_BLOB, 100),
                         0);
        assert_int_equal(itk_packreuse_plan(p), ITK_ETOOBIG);
        assert_non_null(strstr(itk_error_last(), "over the limit of 100"));
        itk_packreuse_free(p);
        /* a commit or folder is checked as it is added */
        assert_int_equal(itk_packreuse_new(&p, f->repo), 0);
        assert_int_equal(itk_packreuse_insert(p, &f->ver[v], NULL, GIT_OBJECT_TREE, BIG),
                         ITK_EINVALID);
        itk_packreuse_free(p);
    }
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_deltas_are_copied_and_the_pack_indexes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_delta_on_what_the_receiver_holds_stays_a_delta,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_an_object_over_its_limit_is_refused, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
