/* Unit tests of the walk's order in memory (core/verify/vorder.c): for the
 * same tips it lists the same commits in the same order as libgit2's revwalk
 * with GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE, the order verify walks in
 * (so a run from the cache lists what a full run lists). Histories written
 * with stock git: branches, merges, commits of equal times, tips pushed
 * twice and tips that are ancestors of other tips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "itaku/errors.h"
#include "vorder.h"

#include <git2.h>

static int read_commit(void *payload, const git_oid *id, long long *time, git_oid *parents,
                       size_t *np)
{
    git_commit *c = NULL;
    if (git_commit_lookup(&c, payload, id) < 0)
        return ITK_EGIT;
    *time = (long long)git_commit_time(c);
    *np = git_commit_parentcount(c);
    for (size_t i = 0; i < *np && i < ITK_VORDER_MAX_PARENTS; i++)
        parents[i] = *git_commit_parent_id(c, i);
    git_commit_free(c);
    return 0;
}

/* A history of n commits: commit i has one or two earlier parents (or
 * none, a second root now and then), a time from a few values only. */
static void write_history(const char *dir, unsigned seed, int n, git_oid *ids)
{
    assert_int_equal(th_sh("git init -q '%s' && cd '%s' && git config user.name t && "
                           "git config user.email t@example.org",
                           dir, dir),
                     0);
    char tree[64];
    {
        char cmd[4600], *out;
        snprintf(cmd, sizeof(cmd), "cd '%s' && git mktree </dev/null >tree.txt", dir);
        assert_int_equal(system(cmd), 0);
        snprintf(cmd, sizeof(cmd), "%s/tree.txt", dir);
        size_t len;
        out = th_read(cmd, &len);
        snprintf(tree, sizeof(tree), "%.40s", out);
        free(out);
    }
    srand(seed);
    for (int i = 0; i < n; i++) {
        char parents[200] = "";
        if (i > 0 && rand() % 9 != 0) {
            int a = rand() % i;
            snprintf(parents, sizeof(parents), "-p %s", th_hex(&ids[a]));
            if (i > 1 && rand() % 3 == 0) {
                int b = rand() % i;
                if (b != a)
                    snprintf(parents + strlen(parents), sizeof(parents) - strlen(parents), " -p %s",
                             th_hex(&ids[b]));
            }
        }
        long t = 1700000000L + (rand() % 5) * 60 + (i % 3 == 0 ? i : 0);
        assert_int_equal(th_sh("cd '%s' && GIT_COMMITTER_DATE='%ld +0900' "
                               "GIT_AUTHOR_DATE='%ld +0900' git commit-tree %s %s -m c%d "
                               ">id.txt",
                               dir, t, t, tree, parents, i),
                         0);
        char path[4200];
        size_t len;
        snprintf(path, sizeof(path), "%s/id.txt", dir);
        char *hex = th_read(path, &len);
        assert_int_equal(git_oid_fromstrn(&ids[i], hex, GIT_OID_HEXSZ), 0);
        free(hex);
    }
}

static void compare(git_repository *repo, const git_oid *tips, size_t ntips)
{
    git_revwalk *walk = NULL;
    git_oid id, *mine = NULL;
    size_t n = 0, k = 0;
    assert_int_equal(git_revwalk_new(&walk, repo), 0);
    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    for (size_t i = 0; i < ntips; i++)
        assert_int_equal(git_revwalk_push(walk, &tips[i]), 0);
    assert_int_equal(itk_vorder(&mine, &n, tips, ntips, read_commit, repo), 0);
    while (git_revwalk_next(&id, walk) == 0) {
        assert_true(k < n);
        assert_string_equal(th_hex(&mine[k]), th_hex(&id));
        k++;
    }
    assert_int_equal(k, n);
    free(mine);
    git_revwalk_free(walk);
}

static void test_vorder_is_the_revwalk_order(void **state)
{
    (void)state;
    for (unsigned seed = 1; seed <= 6; seed++) {
        char *dir = th_tmpdir();
        git_oid ids[80];
        git_repository *repo = NULL;
        write_history(dir, seed, 80, ids);
        assert_int_equal(git_repository_open(&repo, dir), 0);
        /* one tip; the last commits; tips twice, ancestors among them */
        compare(repo, &ids[79], 1);
        compare(repo, &ids[70], 10);
        git_oid mixed[] = {ids[79], ids[10], ids[79], ids[40], ids[0], ids[78], ids[40]};
        compare(repo, mixed, sizeof(mixed) / sizeof(*mixed));
        git_oid rev[] = {ids[3], ids[77], ids[76], ids[50], ids[79]};
        compare(repo, rev, sizeof(rev) / sizeof(*rev));
        git_repository_free(repo);
        th_rmtree(dir);
        free(dir);
    }
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vorder_is_the_revwalk_order),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
