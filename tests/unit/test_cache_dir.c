/* Unit tests of the caches' place and seal (core/cache_dir.c): a per-user
 * folder named after the registry's path and genesis, a key of mode 0600
 * made on first use and refused when it is not this user's alone, files
 * that another key, another registry or another name do not read, writes
 * that fail leaving nothing behind, and the hosted hook's own folder. */
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
#include <sys/stat.h>
#include <unistd.h>

#include "cache_dir.h"
#include "helpers.h"
#include "itaku/errors.h"

typedef struct {
    char *dir;
    char reg[4096], other[4096];
    git_repository *repo, *other_repo;
} fixture;

static git_repository *make_repo(const char *path, const char *genesis)
{
    git_repository *r = NULL;
    assert_int_equal(
        th_sh("git init -q '%s' && git -C '%s' config itaku.genesis %s", path, path, genesis), 0);
    assert_int_equal(git_repository_open(&r, path), 0);
    return r;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    git_libgit2_init();
    f->dir = th_tmpdir();
    th_cache_home(f->dir, "");
    snprintf(f->reg, sizeof(f->reg), "%s/reg", f->dir);
    snprintf(f->other, sizeof(f->other), "%s/other", f->dir);
    f->repo = make_repo(f->reg, "1111111111111111111111111111111111111111");
    f->other_repo = make_repo(f->other, "1111111111111111111111111111111111111111");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    git_repository_free(f->repo);
    git_repository_free(f->other_repo);
    th_rmtree(f->dir);
    free(f->dir);
    free(f);
    git_libgit2_shutdown();
    return 0;
}

static void keyfile(char *out, size_t cap, fixture *f, const char *who)
{
    snprintf(out, cap, "%s/home%s/state/itaku/cache.key", f->dir, who);
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

static void test_cache_place_is_this_users_and_its_key_is_made_once(void **state)
{
    fixture *f = *state;
    itk_cache_place a, b;
    char prefix[4200], key[4200];
    struct stat st;
    itk_cache_place_init(&a, f->repo, NULL);
    snprintf(prefix, sizeof(prefix), "%s/home/cache/itaku/", f->dir);
    assert_int_equal(strncmp(a.dir, prefix, strlen(prefix)), 0);
    assert_int_equal(strlen(a.dir + strlen(prefix)), 32);
    /* the key: made on first use, mode 0600, this user's; the same next time */
    keyfile(key, sizeof(key), f, "");
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, ITK_CACHE_KEY_BYTES);
    assert_int_equal(st.st_uid, geteuid());
    itk_cache_place_init(&b, f->repo, NULL);
    assert_string_equal(a.dir, b.dir);
    assert_memory_equal(a.key, b.key, sizeof(a.key));
    itk_cache_place_dispose(&b);
    /* another registry (same genesis), another folder */
    itk_cache_place_init(&b, f->other_repo, NULL);
    assert_string_not_equal(a.dir, b.dir);
    itk_cache_place_dispose(&b);
    /* another person sharing the clone: another folder and another key */
    th_cache_home(f->dir, "2");
    itk_cache_place_init(&b, f->repo, NULL);
    assert_non_null(strstr(b.dir, "/home2/cache/itaku/"));
    assert_memory_not_equal(a.key, b.key, sizeof(a.key));
    itk_cache_place_dispose(&b);
    /* nothing was written into the repositories */
    char inside[4200];
    snprintf(inside, sizeof(inside), "%s/.git/itaku", f->reg);
    assert_int_not_equal(stat(inside, &st), 0);
    itk_cache_place_dispose(&a);
}

static void test_cache_read_believes_only_its_own_seal(void **state)
{
    fixture *f = *state;
    itk_cache_place me, other_reg, them;
    unsigned char *data = NULL;
    size_t len = 0;
    char mine[4200], path[4200];
    itk_cache_place_init(&me, f->repo, NULL);
    assert_int_equal(itk_cache_write(&me, "verify.cache", "all ok", 6), 0);
    assert_int_equal(itk_cache_read(&data, &len, &me, "verify.cache", 100), 0);
    assert_int_equal(len, 6);
    assert_memory_equal(data, "all ok", 6);
    free(data);
    assert_int_equal(itk_cache_path(mine, sizeof(mine), &me, "verify.cache"), 0);
    size_t flen = 0;
    char *file = th_read(mine, &flen);
    assert_int_equal(flen, ITK_CACHE_TAG_BYTES + 6 + ITK_CACHE_MAC_BYTES);
    /* over the limit: not read */
    assert_int_equal(itk_cache_read(&data, &len, &me, "verify.cache", 5), ITK_EINVALID);
    /* under another name (the file's tag names it) */
    assert_int_equal(itk_cache_path(path, sizeof(path), &me, "status.cache"), 0);
    th_write(path, file, flen);
    assert_int_equal(itk_cache_read(&data, &len, &me, "status.cache", 100), ITK_EINVALID);
    /* in another registry's folder of the same user */
    itk_cache_place_init(&other_reg, f->other_repo, NULL);
    assert_int_equal(itk_cache_write(&other_reg, "x", "", 0), 0); /* makes its folder */
    assert_int_equal(itk_cache_path(path, sizeof(path), &other_reg, "verify.cache"), 0);
    th_write(path, file, flen);
    assert_int_equal(itk_cache_read(&data, &len, &other_reg, "verify.cache", 100), ITK_EINVALID);
    /* another user's folder, the file copied to the same place in it */
    th_cache_home(f->dir, "2");
    itk_cache_place_init(&them, f->repo, NULL);
    assert_int_equal(itk_cache_write(&them, "x", "", 0), 0);
    assert_int_equal(itk_cache_path(path, sizeof(path), &them, "verify.cache"), 0);
    th_write(path, file, flen);
    assert_int_equal(itk_cache_read(&data, &len, &them, "verify.cache", 100), ITK_EINVALID);
    /* … while the writer still reads it; a bit flipped anywhere is refused */
    assert_int_equal(itk_cache_read(&data, &len, &me, "verify.cache", 100), 0);
    free(data);
    for (size_t i = 0; i < flen; i += 7) {
        file[i] ^= 1;
        th_write(mine, file, flen);
        assert_int_equal(itk_cache_read(&data, &len, &me, "verify.cache", 100), ITK_EINVALID);
        file[i] ^= 1;
    }
    th_write(mine, file, 40);
    assert_int_equal(itk_cache_read(&data, &len, &me, "verify.cache", 100), ITK_EINVALID);
    assert_null(data);
    free(file);
    itk_cache_place_dispose(&me);
    itk_cache_place_dispose(&other_reg);
    itk_cache_place_dispose(&them);
}

static void test_cache_key_not_this_users_alone_means_uncached(void **state)
{
    fixture *f = *state;
    itk_cache_place pl;
    char key[4200], moved[4300];
    itk_cache_place_init(&pl, f->repo, NULL);
    assert_true(pl.dir[0]);
    itk_cache_place_dispose(&pl);
    keyfile(key, sizeof(key), f, "");
    /* readable by others */
    assert_int_equal(chmod(key, 0640), 0);
    itk_cache_place_init(&pl, f->repo, NULL);
    assert_string_equal(pl.dir, "");
    assert_int_equal(itk_cache_write(&pl, "verify.cache", "x", 1), ITK_EIO);
    assert_int_equal(chmod(key, 0600), 0);
    /* a link to a key elsewhere */
    snprintf(moved, sizeof(moved), "%s.elsewhere", key);
    assert_int_equal(rename(key, moved), 0);
    assert_int_equal(symlink(moved, key), 0);
    itk_cache_place_init(&pl, f->repo, NULL);
    assert_string_equal(pl.dir, "");
    /* the wrong size */
    assert_int_equal(unlink(key), 0);
    th_write(key, "short", 5);
    assert_int_equal(chmod(key, 0600), 0);
    itk_cache_place_init(&pl, f->repo, NULL);
    assert_string_equal(pl.dir, "");
    /* another user's (needs root to make one; the mode checks above bind
     * every user) */
    if (geteuid() == 0) {
        assert_int_equal(unlink(key), 0);
        itk_cache_place_init(&pl, f->repo, NULL); /* a good key again */
        assert_true(pl.dir[0]);
        assert_int_equal(chown(key, 65534, 65534), 0);
        itk_cache_place_init(&pl, f->repo, NULL);
        assert_string_equal(pl.dir, "");
    }
    /* removed: a new one is made */
    assert_int_equal(unlink(key), 0);
    itk_cache_place_init(&pl, f->repo, NULL);
    assert_true(pl.dir[0]);
    itk_cache_place_dispose(&pl);
}

static void test_cache_write_that_fails_leaves_nothing(void **state)
{
    fixture *f = *state;
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len = 0;
    char big[8192];
    memset(big, 'a', sizeof(big));
    itk_cache_place_init(&pl, f->repo, NULL);
    assert_int_equal(itk_cache_write(&pl, "verify.cache", "old", 3), 0);
    /* a full disk (a file size limit: it binds root too) */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit was, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
    small.rlim_cur = 1024;
    small.rlim_max = was.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    int rc = itk_cache_write(&pl, "verify.cache", big, sizeof(big));
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
    assert_int_equal(rc, ITK_EIO);
    assert_int_equal(count_files(pl.dir), 1); /* the old file alone, no temporary one */
    assert_int_equal(itk_cache_read(&data, &len, &pl, "verify.cache", 100), 0);
    assert_memory_equal(data, "old", 3);
    free(data);
    itk_cache_place_dispose(&pl);
    /* a cache folder that cannot be made: a file is in its way */
    char blocked[4200];
    snprintf(blocked, sizeof(blocked), "%s/blocked", f->dir);
    th_write(blocked, "x", 1);
    assert_int_equal(setenv("XDG_CACHE_HOME", blocked, 1), 0);
    itk_cache_place_init(&pl, f->repo, NULL);
    assert_int_equal(itk_cache_write(&pl, "verify.cache", "x", 1), ITK_EIO);
    assert_int_equal(itk_cache_read(&data, &len, &pl, "verify.cache", 100), ITK_ENOTFOUND);
    itk_cache_place_dispose(&pl);
    /* no home: no place; a relative XDG folder is ignored (the XDG rule) */
    char *home = strdup(getenv("HOME") ? getenv("HOME") : "/nonexistent");
    unsetenv("HOME");
    assert_int_equal(setenv("XDG_CACHE_HOME", "relative", 1), 0);
    itk_cache_place_init(&pl, f->repo, NULL);
    assert_string_equal(pl.dir, "");
    assert_int_equal(itk_cache_read(&data, &len, &pl, "verify.cache", 100), ITK_ENOTFOUND);
    assert_int_equal(itk_cache_write(&pl, "verify.cache", "x", 1), ITK_EIO);
    setenv("HOME", home, 1);
    free(home);
    struct stat st;
    assert_int_not_equal(stat("relative", &st), 0);
}

static void test_cache_hosted_root_is_set_apart(void **state)
{
    fixture *f = *state;
    char root[4096], want[4200], key[4300];
    struct stat st;
    /* server init's default: this user's cache folder + /hosted, made */
    assert_int_equal(itk_cache_hosted_root(root, sizeof(root), NULL), 0);
    snprintf(want, sizeof(want), "%s/home/cache/itaku/hosted", f->dir);
    char real[4200];
    assert_non_null(realpath(want, real));
    assert_string_equal(root, real);
    assert_int_equal(stat(root, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    /* the hook's place: under that folder, its key there (0600) */
    itk_cache_place pl, mine;
    itk_cache_place_init(&pl, f->repo, root);
    assert_int_equal(strncmp(pl.dir, root, strlen(root)), 0);
    snprintf(key, sizeof(key), "%s/cache.key", root);
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    itk_cache_place_init(&mine, f->repo, NULL);
    assert_string_not_equal(pl.dir, mine.dir);
    assert_int_equal(itk_cache_write(&pl, "verify.cache", "hook", 4), 0);
    unsigned char *data = NULL;
    size_t len = 0;
    assert_int_equal(itk_cache_read(&data, &len, &mine, "verify.cache", 100), ITK_ENOTFOUND);
    itk_cache_place_dispose(&pl);
    itk_cache_place_dispose(&mine);
    /* a relative folder is no place */
    itk_cache_place_init(&pl, f->repo, "relative/cache");
    assert_string_equal(pl.dir, "");
    /* --cache-dir given: made, its real path returned; not makeable: said */
    snprintf(want, sizeof(want), "%s/given/deep", f->dir);
    assert_int_equal(itk_cache_hosted_root(root, sizeof(root), want), 0);
    assert_int_equal(stat(want, &st), 0);
    snprintf(want, sizeof(want), "%s/blocked-by-file", f->dir);
    th_write(want, "x", 1);
    strcat(want, "/sub");
    assert_int_equal(itk_cache_hosted_root(root, sizeof(root), want), ITK_EIO);
    assert_non_null(strstr(itk_error_last(), "blocked-by-file/sub"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cache_place_is_this_users_and_its_key_is_made_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_read_believes_only_its_own_seal, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cache_key_not_this_users_alone_means_uncached, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cache_write_that_fails_leaves_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cache_hosted_root_is_set_apart, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
