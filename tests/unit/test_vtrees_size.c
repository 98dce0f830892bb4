/* Unit test of itk_vtrees_lookup (core/vtrees.c): a tree's size and kind are
 * read from its header before libgit2 reads it, on every lookup the kept
 * trees cannot answer; an object that is not a tree is refused from its
 * header. */
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
#include "itaku/errors.h"
#include "objsize.h"
#include "vtrees.h"

static void test_a_tree_is_looked_up_after_its_header(void **state)
{
    (void)state;
    char *dir = NULL;
    git_repository *repo = th_repo_new(&dir);
    git_oid blob, tree;
    assert_int_equal(git_blob_create_from_buffer(&blob, repo, "x\n", 2), 0);
    git_treebuilder *tb = NULL;
    assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
    assert_int_equal(git_treebuilder_insert(NULL, tb, "x", &blob, GIT_FILEMODE_BLOB), 0);
    assert_int_equal(git_treebuilder_write(&tree, tb), 0);
    git_treebuilder_free(tb);

    itk_vtrees m;
    git_tree *t = NULL;
    assert_int_equal(itk_vtrees_init(&m), 0);
    unsigned long reads = itk_object_size_reads();
    assert_int_equal(itk_vtrees_lookup(&t, &m, repo, &tree), 0);
    assert_int_equal(itk_object_size_reads(), reads + 1); /* the header first */
    git_tree_free(t);
    /* a kept tree is answered without reading anything */
    assert_int_equal(itk_vtrees_lookup(&t, &m, repo, &tree), 0);
    assert_int_equal(itk_object_size_reads(), reads + 1);
    git_tree_free(t);
    t = NULL;
    /* a blob asked for as a tree: refused from its header */
    assert_int_equal(itk_vtrees_lookup(&t, &m, repo, &blob), ITK_EINVALID);
    assert_null(t);
    assert_non_null(strstr(itk_error_last(), "is a blob, not a tree"));
    itk_vtrees_free(&m);

    th_repo_free(repo, dir);
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_tree_is_looked_up_after_its_header),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
