/* Unit tests of bounded object reads (core/objsize.c): an over-limit blob is
 * refused from its header, naming the limit, without being inflated (the
 * process's peak memory does not grow by its size); a blob within the limit
 * reads whole; a missing object and one of another type are named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>

#include <git2.h>

#include "helpers.h"
#include "itaku/errors.h"
#include "objsize.h"

#define BIG (48u * 1024u * 1024u)

static long peak_kb(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

/* A blob of n zero bytes written in 64 KiB pieces (never whole in memory). */
static git_oid zeros(git_repository *repo, size_t n)
{
    static const char chunk[64 * 1024];
    git_odb *odb = NULL;
    git_odb_stream *st = NULL;
    git_oid id;
    assert_int_equal(git_repository_odb(&odb, repo), 0);
    assert_int_equal(git_odb_open_wstream(&st, odb, n, GIT_OBJECT_BLOB), 0);
    for (size_t done = 0; done < n; done += sizeof(chunk))
        assert_int_equal(
            git_odb_stream_write(st, chunk, n - done < sizeof(chunk) ? n - done : sizeof(chunk)),
            0);
    assert_int_equal(git_odb_stream_finalize_write(&id, st), 0);
    git_odb_stream_free(st);
    git_odb_free(odb);
    return id;
}

static void test_over_limit_blob_is_refused_from_its_header(void **state)
{
    (void)state;
    char *dir = NULL;
    git_repository *repo = th_repo_new(&dir);
    git_blob *b = NULL;
    size_t size = 0;
    git_oid big = zeros(repo, BIG);

    long before = peak_kb();
    unsigned long reads = itk_object_size_reads();
    assert_int_equal(itk_blob_lookup_bounded(&b, repo, &big, 1024 * 1024), ITK_ETOOBIG);
    assert_null(b);
    assert_non_null(strstr(itk_error_last(), "over the limit of 1048576"));
    assert_non_null(strstr(itk_error_last(), git_oid_tostr_s(&big)));
    assert_int_equal(itk_object_size_reads(), reads + 1); /* the header path was taken */
    /* nothing of its 48 MiB was inflated */
    assert_true(peak_kb() - before < 16 * 1024);

    /* its twin within the limit: the size from the header, then the blob whole */
    assert_int_equal(itk_object_size(&size, repo, &big, GIT_OBJECT_BLOB, BIG), 0);
    assert_int_equal(size, BIG);
    assert_int_equal(itk_blob_lookup_bounded(&b, repo, &big, BIG), 0);
    assert_int_equal(git_blob_rawsize(b), BIG);
    git_blob_free(b);

    /* a missing object, and a tree asked for as a blob */
    git_oid missing, tree;
    git_oid_fromstr(&missing, "0123456789abcdef0123456789abcdef01234567");
    assert_int_equal(itk_object_size(NULL, repo, &missing, GIT_OBJECT_ANY, BIG), ITK_ENOTFOUND);
    assert_non_null(strstr(itk_error_last(), "0123456789abcdef0123456789abcdef01234567"));
    git_treebuilder *tb = NULL;
    assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
    assert_int_equal(git_treebuilder_insert(NULL, tb, "z", &big, GIT_FILEMODE_BLOB), 0);
    assert_int_equal(git_treebuilder_write(&tree, tb), 0);
    git_treebuilder_free(tb);
    assert_int_equal(itk_blob_lookup_bounded(&b, repo, &tree, BIG), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "is a tree, not a blob"));

    th_repo_free(repo, dir);
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_over_limit_blob_is_refused_from_its_header),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
