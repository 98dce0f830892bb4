/* Unit tests of verify's shortcuts through history (core/vgraph.c,
 * core/vtrees.c, core/vmerge.c, core/vdiff.c): on a random history of random
 * trees, each answers exactly what libgit2 answers — descendants, the merge
 * base, the clean merge of two commits (or leaves it to libgit2), and the
 * diff of two trees. */
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
#include "vdiff.h"
#include "vgraph.h"
#include "vmerge.h"

#define NCOMMITS 70

typedef struct {
    char *dir;
    git_repository *repo;
    git_oid commits[NCOMMITS];
    size_t n;
    unsigned seed;
} fixture;

static unsigned rnd(fixture *f)
{
    f->seed = f->seed * 1103515245u + 12345u;
    return (f->seed >> 16) & 0x7fff;
}

/* Paths that collide on purpose: the same names as files and as folders,
 * names that sort around a folder ("a-b", "a.x" against "a/"). */
static const char *const paths[] = {
    "a/f",    "a/g",      "a/b/f",    "a/b/g", "a-b",   "a.x",   "b/f",
    "b/a/f",  "b/a-b/f",  "c/d/e/f",  "c/d/g", "c/f",   "a",     "b/a",
    "README", "x/y.json", "x/z.json", "x/y",   "p/q/r", "p/q-r", "p/q/s",
};
#define NPATHS (sizeof(paths) / sizeof(*paths))

/* Removes what stands in the way of path: a file named like one of its
 * folders, a folder named like it. */
static void clear_way(git_index *idx, const char *path)
{
    char prefix[64];
    for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/')) {
        snprintf(prefix, sizeof(prefix), "%.*s", (int)(s - path), path);
        git_index_remove(idx, prefix, 0);
    }
    git_index_remove_directory(idx, path, 0);
}

static void add_file(fixture *f, git_index *idx, const char *path, unsigned content, int mode)
{
    char text[32];
    git_index_entry e;
    memset(&e, 0, sizeof(e));
    snprintf(text, sizeof(text), "content %u\n", content);
    assert_int_equal(git_blob_create_from_buffer(&e.id, f->repo, text, strlen(text)), 0);
    e.mode = mode;
    e.path = path;
    clear_way(idx, path);
    assert_int_equal(git_index_add(idx, &e), 0);
}

/* A commit on parents with a random change of the first parent's tree. */
static void commit(fixture *f, const git_oid *p1, const git_oid *p2)
{
    git_index *idx = NULL;
    git_commit *parents[2] = {NULL, NULL};
    git_tree *tree = NULL;
    git_signature *sig = NULL;
    git_oid tid;
    size_t np = 0;
    char msg[32];
    snprintf(msg, sizeof(msg), "commit %zu", f->n); /* no two commits alike */
    assert_int_equal(git_index_new(&idx), 0);
    if (p1) {
        git_tree *t = NULL;
        assert_int_equal(git_commit_lookup(&parents[np++], f->repo, p1), 0);
        assert_int_equal(git_commit_tree(&t, parents[0]), 0);
        assert_int_equal(git_index_read_tree(idx, t), 0);
        git_tree_free(t);
    }
    if (p2)
        assert_int_equal(git_commit_lookup(&parents[np++], f->repo, p2), 0);
    unsigned changes = 1 + rnd(f) % 3;
    for (unsigned i = 0; i < changes; i++) {
        const char *path = paths[rnd(f) % NPATHS];
        unsigned what = rnd(f) % 20;
        if (what < 3)
            git_index_remove_bypath(idx, path);
        else
            /* rarely an executable: a tree verify does not merge by ids */
            add_file(f, idx, path, rnd(f) % 4, what == 19 ? 0100755 : 0100644);
    }
    if (git_index_entrycount(idx) == 0)
        add_file(f, idx, "README", 0, 0100644);
    assert_int_equal(git_index_write_tree_to(&tid, idx, f->repo), 0);
    assert_int_equal(git_tree_lookup(&tree, f->repo, &tid), 0);
    assert_int_equal(git_signature_new(&sig, "t", "t@example.org", 1700000000, 0), 0);
    assert_int_equal(git_commit_create(&f->commits[f->n], f->repo, NULL, sig, sig, NULL, msg, tree,
                                       np, (const git_commit **)parents),
                     0);
    f->n++;
    git_signature_free(sig);
    git_tree_free(tree);
    git_commit_free(parents[0]);
    git_commit_free(parents[1]);
    git_index_free(idx);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->repo = th_repo_new(&f->dir);
    f->seed = 7;
    commit(f, NULL, NULL);
    while (f->n < NCOMMITS) {
        const git_oid *p1 = &f->commits[f->n - 1 - rnd(f) % (f->n < 4 ? f->n : 4)];
        const git_oid *p2 = rnd(f) % 3 == 0 ? &f->commits[rnd(f) % f->n] : NULL;
        if (p2 && git_oid_equal(p1, p2))
            p2 = NULL;
        commit(f, p1, p2);
    }
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

/* Every commit in the walk's order (topological, oldest first), in ids and g. */
static void build_graph(fixture *f, itk_oidmap *ids, itk_vgraph *g)
{
    git_revwalk *walk = NULL;
    git_oid id;
    size_t n = 0;
    assert_int_equal(itk_oidmap_init(ids), 0);
    memset(g, 0, sizeof(*g));
    assert_int_equal(git_revwalk_new(&walk, f->repo), 0);
    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    for (size_t i = 0; i < f->n; i++)
        assert_int_equal(git_revwalk_push(walk, &f->commits[i]), 0);
    while (git_revwalk_next(&id, walk) == 0) {
        git_commit *c = NULL;
        assert_int_equal(git_commit_lookup(&c, f->repo, &id), 0);
        assert_int_equal(itk_oidmap_set(ids, &id, (void *)(uintptr_t)++n), 0);
        assert_int_equal(itk_vgraph_add(g, ids, c), 0);
        git_commit_free(c);
    }
    git_revwalk_free(walk);
    assert_int_equal(n, f->n);
    assert_false(g->incomplete);
}

static void test_vgraph_descendants_equal_libgit2(void **state)
{
    fixture *f = *state;
    itk_oidmap ids;
    itk_vgraph g;
    build_graph(f, &ids, &g);
    for (size_t i = 0; i < f->n; i++)
        for (size_t j = 0; j < f->n; j++)
            assert_int_equal(
                itk_vgraph_descendant_of(&g, &ids, f->repo, &f->commits[i], &f->commits[j]),
                git_graph_descendant_of(f->repo, &f->commits[i], &f->commits[j]));
    itk_vgraph_free(&g);
    itk_oidmap_free(&ids);
}

static void test_vgraph_descendants_of_a_commit_outside(void **state)
{
    fixture *f = *state;
    itk_oidmap ids;
    itk_vgraph g;
    build_graph(f, &ids, &g);
    /* the graph knows the first half; the later half asks about it */
    itk_vgraph half = g;
    half.n = f->n / 2;
    for (size_t i = 0; i < f->n; i++)
        for (size_t j = 0; j < f->n; j += 3)
            assert_int_equal(
                itk_vgraph_descendant_of(&half, &ids, f->repo, &f->commits[i], &f->commits[j]),
                git_graph_descendant_of(f->repo, &f->commits[i], &f->commits[j]));
    g.noutside = half.noutside;
    memcpy(g.outside, half.outside, sizeof(g.outside));
    itk_vgraph_free(&g);
    itk_oidmap_free(&ids);
}

static void test_vgraph_merge_base_equals_libgit2(void **state)
{
    fixture *f = *state;
    itk_oidmap ids;
    itk_vgraph g;
    size_t answered = 0;
    build_graph(f, &ids, &g);
    for (size_t i = 0; i < f->n; i++)
        for (size_t j = 0; j < f->n; j++) {
            git_oidarray bases = {0};
            git_oid mine;
            int r = git_merge_bases(&bases, f->repo, &f->commits[i], &f->commits[j]);
            int got = itk_vgraph_merge_base(&mine, &g, &ids, &f->commits[i], &f->commits[j]);
            if (got == 1) {
                assert_int_equal(r, 0);
                assert_int_equal(bases.count, 1);
                assert_true(git_oid_equal(&mine, &bases.ids[0]));
                answered++;
            } else if (i != j)
                assert_true(r < 0 || bases.count != 1);
            git_oidarray_dispose(&bases);
        }
    assert_true(answered > f->n);
    itk_vgraph_free(&g);
    itk_oidmap_free(&ids);
}

static void commit_tree(git_tree **out, fixture *f, const git_oid *id)
{
    git_commit *c = NULL;
    assert_int_equal(git_commit_lookup(&c, f->repo, id), 0);
    assert_int_equal(git_commit_tree(out, c), 0);
    git_commit_free(c);
}

static void test_vmerge_equals_git_merge_commits(void **state)
{
    fixture *f = *state;
    itk_oidmap ids;
    itk_vgraph g;
    itk_vtrees trees;
    size_t merged = 0, left = 0;
    build_graph(f, &ids, &g);
    assert_int_equal(itk_vtrees_init(&trees), 0);
    for (size_t i = 0; i < f->n; i++)
        for (size_t j = 0; j < f->n; j++) {
            git_oid base;
            if (itk_vgraph_merge_base(&base, &g, &ids, &f->commits[i], &f->commits[j]) != 1)
                continue;
            git_tree *tb = NULL, *to = NULL, *tt = NULL, *mine = NULL;
            git_commit *a = NULL, *b = NULL;
            git_index *idx = NULL;
            git_merge_options mo;
            git_oid lib;
            commit_tree(&tb, f, &base);
            commit_tree(&to, f, &f->commits[i]);
            commit_tree(&tt, f, &f->commits[j]);
            int r = itk_vmerge_trees(&mine, &trees, f->repo, tb, to, tt);
            assert_true(r == 0 || r == 1);
            git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
            mo.flags = 0;
            assert_int_equal(git_commit_lookup(&a, f->repo, &f->commits[i]), 0);
            assert_int_equal(git_commit_lookup(&b, f->repo, &f->commits[j]), 0);
            assert_int_equal(git_merge_commits(&idx, f->repo, a, b, &mo), 0);
            if (r == 1) {
                assert_false(git_index_has_conflicts(idx));
                assert_int_equal(git_index_write_tree_to(&lib, idx, f->repo), 0);
                assert_true(git_oid_equal(&lib, git_tree_id(mine)));
                merged++;
            } else
                left++;
            git_index_free(idx);
            git_commit_free(a);
            git_commit_free(b);
            git_tree_free(mine);
            git_tree_free(tb);
            git_tree_free(to);
            git_tree_free(tt);
        }
    /* both paths taken, or the history tests too little */
    assert_true(merged > f->n);
    assert_true(left > 0);
    itk_vtrees_free(&trees);
    itk_vgraph_free(&g);
    itk_oidmap_free(&ids);
}

static void test_vdiff_equals_git_diff(void **state)
{
    fixture *f = *state;
    itk_vtrees trees;
    git_diff_options o;
    git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
    o.flags |= GIT_DIFF_INCLUDE_TYPECHANGE;
    assert_int_equal(itk_vtrees_init(&trees), 0);
    for (size_t i = 0; i < f->n; i++)
        for (size_t j = 0; j < f->n; j += 1 + i % 3) {
            git_tree *a = NULL, *b = NULL;
            git_diff *diff = NULL;
            itk_vdelta *d = NULL;
            size_t n = 0;
            commit_tree(&a, f, &f->commits[i]);
            commit_tree(&b, f, &f->commits[j]);
            assert_int_equal(itk_vdiff_trees(&d, &n, &trees, f->repo, i ? a : NULL, b, &o, 0), 0);
            assert_int_equal(git_diff_tree_to_tree(&diff, f->repo, i ? a : NULL, b, &o), 0);
            assert_int_equal(n, git_diff_num_deltas(diff));
            for (size_t k = 0; k < n; k++) {
                const git_diff_delta *e = git_diff_get_delta(diff, k);
                assert_int_equal(d[k].status, e->status);
                assert_string_equal(d[k].old_path, e->old_file.path);
                assert_string_equal(d[k].new_path, e->new_file.path);
                assert_int_equal(d[k].new_mode, e->new_file.mode);
                assert_true(git_oid_equal(&d[k].new_id, &e->new_file.id));
            }
            itk_vdiff_free(d, n);
            git_diff_free(diff);
            git_tree_free(a);
            git_tree_free(b);
        }
    itk_vtrees_free(&trees);
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vgraph_descendants_equal_libgit2),
        cmocka_unit_test(test_vgraph_descendants_of_a_commit_outside),
        cmocka_unit_test(test_vgraph_merge_base_equals_libgit2),
        cmocka_unit_test(test_vmerge_equals_git_merge_commits),
        cmocka_unit_test(test_vdiff_equals_git_diff),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    git_libgit2_shutdown();
    return rc;
}
