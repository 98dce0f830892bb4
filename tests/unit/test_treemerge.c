/* Unit tests of the merge that reads only what changed on both sides
 * (core/flow/treemerge.c): where it merges, its tree is libgit2's merge's
 * (git_merge_commits, no rename detection), byte for byte; where a path
 * changed on both sides, or is a file on one side and a folder on the
 * other, or the lines share no history, it leaves the merge to libgit2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "treemerge.h"

#include <git2.h>

typedef struct {
    char *dir;
    git_repository *repo;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    f->repo = th_repo_new(&f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    th_repo_free(f->repo, f->dir);
    free(f);
    return 0;
}

/* A commit of parent (NULL: a root) whose tree holds spec: "path=text"
 * separated by spaces; "path*=text" is an executable file. */
static git_commit *commit_of(git_repository *repo, const char *spec, const git_commit *parent)
{
    git_index *idx = NULL;
    git_signature *sig = NULL;
    git_tree *tree = NULL;
    git_commit *c = NULL;
    git_oid tid, cid;
    char *s = strdup(spec), *save = NULL;
    assert_int_equal(git_index_new(&idx), 0);
    for (char *tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(tok, '=');
        assert_non_null(eq);
        *eq = '\0';
        int exec = eq > tok && eq[-1] == '*';
        if (exec)
            eq[-1] = '\0';
        git_index_entry e;
        memset(&e, 0, sizeof(e));
        e.path = tok;
        e.mode = exec ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
        assert_int_equal(git_blob_create_from_buffer(&e.id, repo, eq + 1, strlen(eq + 1)), 0);
        assert_int_equal(git_index_add(idx, &e), 0);
    }
    assert_int_equal(git_index_write_tree_to(&tid, idx, repo), 0);
    assert_int_equal(git_tree_lookup(&tree, repo, &tid), 0);
    assert_int_equal(git_signature_new(&sig, "t", "t@example.org", 1700000000, 0), 0);
    const git_commit *parents[1] = {parent};
    assert_int_equal(
        git_commit_create(&cid, repo, NULL, sig, sig, NULL, "m", tree, parent ? 1 : 0, parents), 0);
    assert_int_equal(git_commit_lookup(&c, repo, &cid), 0);
    git_tree_free(tree);
    git_signature_free(sig);
    git_index_free(idx);
    free(s);
    return c;
}

/* libgit2's merged tree of ours and theirs: 1 with *out, 0 when it conflicts. */
static int libgit2_merge(git_oid *out, git_repository *repo, git_commit *ours, git_commit *theirs)
{
    git_index *idx = NULL;
    git_merge_options mo;
    git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
    mo.flags = 0;
    assert_int_equal(git_merge_commits(&idx, repo, ours, theirs, &mo), 0);
    int clean = !git_index_has_conflicts(idx);
    if (clean)
        assert_int_equal(git_index_write_tree_to(out, idx, repo), 0);
    git_index_free(idx);
    return clean;
}

/* Merges ours and theirs (each spec on base's commit; base NULL: two roots)
 * and returns what itk_treemerge said; when it merged, its tree must be
 * libgit2's, and when libgit2 conflicts it must not have merged. */
static int check(fx *f, const char *base, const char *ours, const char *theirs)
{
    git_commit *b = base ? commit_of(f->repo, base, NULL) : NULL;
    git_commit *o = commit_of(f->repo, ours, b);
    git_commit *t = commit_of(f->repo, theirs, b);
    git_oid mine, git;
    int rc = itk_treemerge(&mine, f->repo, o, t);
    assert_true(rc == 0 || rc == 1);
    int clean = base ? libgit2_merge(&git, f->repo, o, t) : 0;
    if (rc == 1) {
        assert_true(clean);
        assert_string_equal(th_hex(&mine), th_hex(&git));
    }
    git_commit_free(b);
    git_commit_free(o);
    git_commit_free(t);
    return rc;
}

static void one_side_each(void **state)
{
    /* ours changes d/x, theirs adds e/z and a file at the top */
    assert_int_equal(
        check(*state, "a=1 d/x=2 d/y=3", "a=1 d/x=22 d/y=3", "a=1 d/x=2 d/y=3 e/z=4 b=5"), 1);
    /* the same change on both sides */
    assert_int_equal(check(*state, "a=1 d/x=2", "a=1 d/x=9", "a=1 d/x=9 q=1"), 1);
    /* both change the same folder, different files; deep folders */
    assert_int_equal(check(*state, "p/q/r/s/t=1 p/q/r/s/u=2", "p/q/r/s/t=10 p/q/r/s/u=2",
                           "p/q/r/s/t=1 p/q/r/s/u=20 p/q/v=3"),
                     1);
    /* a new folder added by both, with different files */
    assert_int_equal(check(*state, "a=1", "a=1 n/x=1", "a=1 n/y=2"), 1);
    /* a file made executable on one side */
    assert_int_equal(check(*state, "a=1 b=2", "a*=1 b=2", "a=1 b=3"), 1);
}

static void deletions(void **state)
{
    /* each side deletes one file of a folder: the folder goes */
    assert_int_equal(check(*state, "a=1 d/x=2 d/y=3", "a=1 d/y=3", "a=1 d/x=2"), 1);
    /* one side deletes a folder the other left alone */
    assert_int_equal(check(*state, "a=1 d/x=2 d/y=3", "a=1", "a=2 d/x=2 d/y=3"), 1);
    /* a file that sorts between a name and its folder (git's order) */
    assert_int_equal(check(*state, "a.b=1 a/c=2 a-b=3", "a.b=1 a/c=20 a-b=3", "a.b=1 a-b=30 a/c=2"),
                     1);
}

static void left_to_libgit2(void **state)
{
    /* a file changed on both sides */
    assert_int_equal(check(*state, "a=1 b=2", "a=10 b=2", "a=11 b=2"), 0);
    /* changed on one side, deleted on the other */
    assert_int_equal(check(*state, "a=1 d/x=2", "a=1 d/x=3", "a=1"), 0);
    /* a file on one side, a folder of the same name on the other */
    assert_int_equal(check(*state, "a=1", "a=1 f=2", "a=1 f/g=3"), 0);
    /* a file replaced by a folder on one side, the file changed on the other */
    assert_int_equal(check(*state, "a=1 f=2", "a=1 f/g=3", "a=1 f=4"), 0);
    /* two lines without a common history */
    assert_int_equal(check(*state, NULL, "a=1", "b=2"), 0);
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(one_side_each, setup, teardown),
        cmocka_unit_test_setup_teardown(deletions, setup, teardown),
        cmocka_unit_test_setup_teardown(left_to_libgit2, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
