/* Unit tests of V5's merges over criss-cross history (core/vmerge.c,
 * core/vgraph.c): a chain of criss-cross merges, each pair of commits with
 * two merge bases, merges to exactly the tree git_merge_commits makes (git's
 * recursive strategy), each virtual base made once; a virtual base that
 * conflicts is left to libgit2. */
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
#include "vgraph.h"
#include "vmerge.h"

#define LEVELS 40

typedef struct {
    char *dir;
    git_repository *repo;
} fixture;

/* A commit on parents whose tree holds files (path → content) exactly. */
static git_oid mk(fixture *f, const git_oid *p1, const git_oid *p2, const char **paths,
                  const char **texts, size_t n)
{
    git_treebuilder *root = NULL, *sub[2] = {NULL, NULL};
    git_oid id, tid, sid;
    git_commit *parents[2] = {NULL, NULL};
    git_tree *tree = NULL;
    git_signature *sig = NULL;
    size_t np = 0;
    assert_int_equal(git_treebuilder_new(&root, f->repo, NULL), 0);
    for (int k = 0; k < 2; k++)
        assert_int_equal(git_treebuilder_new(&sub[k], f->repo, NULL), 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(git_blob_create_from_buffer(&id, f->repo, texts[i], strlen(texts[i])), 0);
        if (paths[i][1] == '/')
            assert_int_equal(git_treebuilder_insert(NULL, sub[paths[i][0] == 'b'], paths[i] + 2,
                                                    &id, GIT_FILEMODE_BLOB),
                             0);
        else
            assert_int_equal(git_treebuilder_insert(NULL, root, paths[i], &id, GIT_FILEMODE_BLOB),
                             0);
    }
    for (int k = 0; k < 2; k++)
        if (git_treebuilder_entrycount(sub[k])) {
            assert_int_equal(git_treebuilder_write(&sid, sub[k]), 0);
            assert_int_equal(
                git_treebuilder_insert(NULL, root, k ? "b" : "a", &sid, GIT_FILEMODE_TREE), 0);
        }
    assert_int_equal(git_treebuilder_write(&tid, root), 0);
    assert_int_equal(git_tree_lookup(&tree, f->repo, &tid), 0);
    if (p1)
        assert_int_equal(git_commit_lookup(&parents[np++], f->repo, p1), 0);
    if (p2)
        assert_int_equal(git_commit_lookup(&parents[np++], f->repo, p2), 0);
    assert_int_equal(git_signature_new(&sig, "t", "t@example.org", 1700000000, 0), 0);
    assert_int_equal(git_commit_create(&id, f->repo, NULL, sig, sig, NULL, "c\n", tree, np,
                                       (const git_commit **)parents),
                     0);
    git_signature_free(sig);
    git_tree_free(tree);
    git_commit_free(parents[0]);
    git_commit_free(parents[1]);
    git_treebuilder_free(root);
    git_treebuilder_free(sub[0]);
    git_treebuilder_free(sub[1]);
    return id;
}

/* The commits reachable from tips, oldest first, in ids and g (as verify). */
static void build_graph(fixture *f, const git_oid *tips, size_t ntips, itk_oidmap *ids,
                        itk_vgraph *g)
{
    git_revwalk *walk = NULL;
    git_oid id;
    size_t n = 0;
    assert_int_equal(itk_oidmap_init(ids), 0);
    memset(g, 0, sizeof(*g));
    assert_int_equal(git_revwalk_new(&walk, f->repo), 0);
    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    for (size_t i = 0; i < ntips; i++)
        assert_int_equal(git_revwalk_push(walk, &tips[i]), 0);
    while (git_revwalk_next(&id, walk) == 0) {
        git_commit *c = NULL;
        assert_int_equal(git_commit_lookup(&c, f->repo, &id), 0);
        assert_int_equal(itk_oidmap_set(ids, &id, (void *)(uintptr_t)++n), 0);
        assert_int_equal(itk_vgraph_add(g, ids, c), 0);
        git_commit_free(c);
    }
    git_revwalk_free(walk);
    assert_false(g->incomplete);
}

/* git_merge_commits' tree of a and b (flags 0), or a zero id on conflict. */
static git_oid libgit2_merge(fixture *f, const git_oid *a, const git_oid *b)
{
    git_commit *ca = NULL, *cb = NULL;
    git_index *idx = NULL;
    git_merge_options mo;
    git_oid tid;
    memset(&tid, 0, sizeof(tid));
    git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
    mo.flags = 0;
    assert_int_equal(git_commit_lookup(&ca, f->repo, a), 0);
    assert_int_equal(git_commit_lookup(&cb, f->repo, b), 0);
    assert_int_equal(git_merge_commits(&idx, f->repo, ca, cb, &mo), 0);
    if (!git_index_has_conflicts(idx))
        assert_int_equal(git_index_write_tree_to(&tid, idx, f->repo), 0);
    git_index_free(idx);
    git_commit_free(ca);
    git_commit_free(cb);
    return tid;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->repo = th_repo_new(&f->dir);
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

/* A_i merges A_{i-1} and B_{i-1} and adds a/i; B_i merges B_{i-1} and
 * A_{i-1} and adds b/i: A_i and B_i have two merge bases, A_{i-1} and
 * B_{i-1}, at every level. */
static void test_criss_cross_chain_equals_git_merge_commits(void **state)
{
    fixture *f = *state;
    static char names[2 * LEVELS + 2][16], texts[2 * LEVELS + 2][16];
    const char *paths[2 * LEVELS + 2], *contents[2 * LEVELS + 2];
    git_oid a[LEVELS], b[LEVELS];
    for (int i = 0; i < LEVELS; i++) {
        snprintf(names[2 * i], 16, "a/%03d", i);
        snprintf(texts[2 * i], 16, "a %d\n", i);
        snprintf(names[2 * i + 1], 16, "b/%03d", i);
        snprintf(texts[2 * i + 1], 16, "b %d\n", i);
    }
    git_oid root;
    paths[0] = "README";
    contents[0] = "readme\n";
    root = mk(f, NULL, NULL, paths, contents, 1);
    for (int i = 0; i < LEVELS; i++) {
        /* a/0..a/i, b/0..b/i-1 for A_i; the other way for B_i */
        for (int side = 0; side < 2; side++) {
            size_t n = 0;
            paths[n] = "README";
            contents[n++] = "readme\n";
            for (int k = 0; k <= i; k++) {
                if (k < i || side == 0) {
                    paths[n] = names[2 * k];
                    contents[n++] = texts[2 * k];
                }
                if (k < i || side == 1) {
                    paths[n] = names[2 * k + 1];
                    contents[n++] = texts[2 * k + 1];
                }
            }
            if (i == 0)
                (side ? b : a)[0] = mk(f, &root, NULL, paths, contents, n);
            else if (side == 0)
                a[i] = mk(f, &a[i - 1], &b[i - 1], paths, contents, n);
            else
                b[i] = mk(f, &b[i - 1], &a[i - 1], paths, contents, n);
        }
    }
    git_oid tips[2] = {a[LEVELS - 1], b[LEVELS - 1]};
    itk_oidmap ids, memo;
    itk_vgraph g;
    itk_vtrees trees;
    build_graph(f, tips, 2, &ids, &g);
    assert_int_equal(itk_vtrees_init(&trees), 0);
    assert_int_equal(itk_oidmap_init(&memo), 0);
    itk_vmerge_ctx x = {f->repo, &g, &ids, &trees, &memo};
    /* two merge bases at every level above the first */
    for (int i = 1; i < LEVELS; i++) {
        git_oid bases[2];
        size_t nb = 0;
        assert_int_equal(itk_vgraph_merge_bases(bases, 2, &nb, &g, &ids, &a[i], &b[i]), 1);
        assert_int_equal(nb, 2);
    }
    /* in the walk's order, as verify asks: each merge equals libgit2's */
    for (int i = 0; i < LEVELS; i++) {
        git_tree *t = NULL;
        assert_int_equal(itk_vmerge_commits(&t, &x, &a[i], &b[i]), 1);
        git_oid want = libgit2_merge(f, &a[i], &b[i]);
        assert_true(git_oid_equal(git_tree_id(t), &want));
        git_tree_free(t);
    }
    /* each pair merged once: the memo holds one entry per level */
    assert_int_equal(memo.count, LEVELS);
    itk_vmerge_memo_free(&memo);
    /* cold, from the top alone: the same answer, through every level */
    assert_int_equal(itk_oidmap_init(&memo), 0);
    {
        git_tree *t = NULL;
        assert_int_equal(itk_vmerge_commits(&t, &x, &b[LEVELS - 1], &a[LEVELS - 1]), 1);
        git_oid want = libgit2_merge(f, &a[LEVELS - 1], &b[LEVELS - 1]);
        assert_true(git_oid_equal(git_tree_id(t), &want));
        git_tree_free(t);
        assert_int_equal(memo.count, LEVELS);
    }
    itk_vmerge_memo_free(&memo);
    itk_vtrees_free(&trees);
    itk_vgraph_free(&g);
    itk_oidmap_free(&ids);
}

/* Two merges of C1 and C2 that resolved x by hand the same way: their merge
 * has two bases whose own merge conflicts; that is libgit2's to decide. */
static void test_conflicting_virtual_base_is_left_to_libgit2(void **state)
{
    fixture *f = *state;
    const char *paths[1] = {"x"}, *t0[1] = {"0\n"}, *t1[1] = {"1\n"}, *t2[1] = {"2\n"},
               *t3[1] = {"3\n"};
    git_oid r = mk(f, NULL, NULL, paths, t0, 1);
    git_oid c1 = mk(f, &r, NULL, paths, t1, 1), c2 = mk(f, &r, NULL, paths, t2, 1);
    git_oid m1 = mk(f, &c1, &c2, paths, t3, 1), m2 = mk(f, &c2, &c1, paths, t3, 1);
    git_oid tips[2] = {m1, m2};
    itk_oidmap ids, memo;
    itk_vgraph g;
    itk_vtrees trees;
    build_graph(f, tips, 2, &ids, &g);
    assert_int_equal(itk_vtrees_init(&trees), 0);
    assert_int_equal(itk_oidmap_init(&memo), 0);
    itk_vmerge_ctx x = {f->repo, &g, &ids, &trees, &memo};
    git_tree *t = NULL;
    assert_int_equal(itk_vmerge_commits(&t, &x, &m1, &m2), 0);
    assert_null(t);
    /* asked again: the memo answers the same */
    assert_int_equal(itk_vmerge_commits(&t, &x, &m2, &m1), 0);
    itk_vmerge_memo_free(&memo);
    itk_vtrees_free(&trees);
    itk_vgraph_free(&g);
    itk_oidmap_free(&ids);
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_criss_cross_chain_equals_git_merge_commits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conflicting_virtual_base_is_left_to_libgit2, setup,
                                        teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
