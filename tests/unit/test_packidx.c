/* Unit tests of the pack index check (core/util/packidx.c): indexes made by
 * stock git (`git index-pack`, version 2, with and without large offsets)
 * pass; each damage a copied registry could hold (cut short, no signature,
 * version 1, a fan-out going down, a count over the limit, a large offset
 * outside its table, a wrong length, names out of order, offsets outside the
 * pack, a folder, a link, a file over the limit) is refused naming the file
 * and the damage; and a registry holding one does not open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <git2.h>

#include "helpers.h"
#include "itaku/errors.h"
#include "itaku/registry.h"
#include "packidx.h"

#define NBLOBS 100

typedef struct {
    char *dir;
    char repo[4200], pack_dir[4300], idx[4400], pack[4400];
    unsigned char *good, *big; /* the index, and one with every offset large */
    size_t good_len, big_len, pack_len;
} fixture;

/* A repository of NBLOBS files in one pack (git repack), its index copied
 * aside, and the same pack indexed with every offset in the large table. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->dir = th_tmpdir();
    snprintf(f->repo, sizeof(f->repo), "%s/r", f->dir);
    snprintf(f->pack_dir, sizeof(f->pack_dir), "%s/.git/objects/pack", f->repo);
    assert_int_equal(th_sh("cd '%s' && git init -q -b main r && cd r && for i in $(seq %d); do "
                           "echo \"file $i\" >f$i; done && git add . && git -c user.name=t -c "
                           "user.email=t@example.org commit -qm files && git repack -adq && "
                           "cd .git/objects/pack && mv pack-*.idx p.idx && mv pack-*.pack p.pack "
                           "&& git index-pack --index-version=2,0 -o ../../../../big.idx p.pack "
                           ">/dev/null && chmod u+w p.idx",
                           f->dir, NBLOBS),
                     0);
    snprintf(f->idx, sizeof(f->idx), "%s/p.idx", f->pack_dir);
    snprintf(f->pack, sizeof(f->pack), "%s/p.pack", f->pack_dir);
    char big[4300];
    snprintf(big, sizeof(big), "%s/big.idx", f->dir);
    f->good = (unsigned char *)th_read(f->idx, &f->good_len);
    f->big = (unsigned char *)th_read(big, &f->big_len);
    free(th_read(f->pack, &f->pack_len));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    th_rmtree(f->dir);
    free(f->dir);
    free(f->good);
    free(f->big);
    free(f);
    return 0;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Parses a copy of len bytes of data as f's index; the code. */
static int parse(const fixture *f, const unsigned char *data, size_t len, uint64_t pack_len)
{
    itk_packidx x;
    unsigned char *copy = malloc(len ? len : 1); /* ASan sees any read past it */
    memcpy(copy, data, len);
    int rc = itk_packidx_parse(&x, copy, len, pack_len, f->idx);
    free(copy);
    return rc;
}

static void expect(int rc, int code, const char *words)
{
    assert_int_equal(rc, code);
    if (!strstr(itk_error_last(), words))
        fail_msg("expected \"%s\" in: %s", words, itk_error_last());
}

static void test_indexes_git_writes_pass(void **state)
{
    fixture *f = *state;
    itk_packidx x;
    assert_int_equal(itk_packidx_parse(&x, f->good, f->good_len, f->pack_len, "p.idx"), 0);
    assert_int_equal(x.n, NBLOBS + 2); /* the files, their folder, the commit */
    assert_int_equal(x.n64, 0);
    assert_int_equal(itk_packidx_parse(&x, f->big, f->big_len, f->pack_len, "big.idx"), 0);
    assert_int_equal(x.n, NBLOBS + 2);
    assert_int_equal(x.n64, NBLOBS + 2);
    assert_int_equal(itk_packidx_check_file(f->idx, f->pack), 0);
    /* the pack's length unknown: offsets bounded by the largest pack */
    assert_int_equal(itk_packidx_check_file(f->idx, NULL), 0);
    itk_registry *reg = NULL;
    assert_int_equal(itk_registry_open(&reg, f->repo), 0);
    itk_registry_free(reg);
}

static void test_cut_short_and_wrong_length_are_refused(void **state)
{
    fixture *f = *state;
    expect(parse(f, f->good, 6, 0), ITK_EINVALID, "ends inside its header");
    expect(parse(f, f->good, 500, 0), ITK_EINVALID, "ends inside its fan-out table");
    expect(parse(f, f->good, 1100, 0), ITK_EINVALID, "too short for the 102 objects");
    expect(parse(f, f->good, f->good_len - 1, 0), ITK_EINVALID, "not the");
    unsigned char *longer = calloc(1, f->good_len + 8);
    memcpy(longer, f->good, f->good_len);
    expect(parse(f, longer, f->good_len + 8, 0), ITK_EINVALID, "and 0 large offsets take");
    assert_non_null(strstr(itk_error_last(), f->idx));
    free(longer);
    expect(parse(f, f->good, 0, 0), ITK_EINVALID, "signature");
}

static void test_bad_magic_and_version_1_are_refused(void **state)
{
    fixture *f = *state;
    unsigned char *c = malloc(f->good_len);
    memcpy(c, f->good, f->good_len);
    c[1] = 'T';
    expect(parse(f, c, f->good_len, 0), ITK_EINVALID, "is not a pack index");
    memcpy(c, f->good, f->good_len);
    put_be32(c + 4, 3);
    expect(parse(f, c, f->good_len, 0), ITK_EUNSUPPORTED, "is of version 3");
    free(c);
    assert_int_equal(th_sh("cd '%s' && git index-pack --index-version=1 -o v1.idx p.pack "
                           ">/dev/null",
                           f->pack_dir),
                     0);
    char v1[4400];
    snprintf(v1, sizeof(v1), "%s/v1.idx", f->pack_dir);
    expect(itk_packidx_check_file(v1, f->pack), ITK_EUNSUPPORTED, "is of version 1");
    assert_non_null(strstr(itk_error_last(), v1));
    unlink(v1);
}

static void test_fanout_going_down_and_count_over_limit_are_refused(void **state)
{
    fixture *f = *state;
    unsigned char *c = malloc(f->good_len);
    memcpy(c, f->good, f->good_len);
    put_be32(c + 8 + 4 * 0x40, 0xffff); /* above the entries after it */
    expect(parse(f, c, f->good_len, 0), ITK_EINVALID, "goes down at entry 65");
    /* every entry the count over the limit: still non-decreasing */
    for (int b = 0; b < 256; b++)
        put_be32(c + 8 + 4 * b, ITK_PACK_MAX_OBJECTS + 1);
    expect(parse(f, c, f->good_len, 0), ITK_ETOOBIG, "over the limit of 10000000");
    /* twin: the limit itself passes the count and fails on the length */
    for (int b = 0; b < 256; b++)
        put_be32(c + 8 + 4 * b, ITK_PACK_MAX_OBJECTS);
    expect(parse(f, c, f->good_len, 0), ITK_EINVALID, "too short for the 10000000 objects");
    /* a pack of 200 bytes cannot hold 102 objects of 8 bytes */
    expect(parse(f, f->good, f->good_len, 200), ITK_EINVALID, "more than its pack of 200 bytes");
    free(c);
}

static void test_large_offset_outside_its_table_is_refused(void **state)
{
    fixture *f = *state;
    size_t off32 = ITK_PACKIDX_HEADER_BYTES + (size_t)(NBLOBS + 2) * 24;
    unsigned char *c = malloc(f->big_len);
    memcpy(c, f->big, f->big_len);
    put_be32(c + off32 + 4 * 7, 0x80000000u | (NBLOBS + 2)); /* one past the table's end */
    expect(parse(f, c, f->big_len, f->pack_len), ITK_EINVALID,
           "object 7's offset points to large offset 102 of 102");
    /* a large offset past the pack's objects */
    memcpy(c, f->big, f->big_len);
    size_t off64 = off32 + (size_t)(NBLOBS + 2) * 4;
    put_be32(c + off64 + 8 * 3 + 4, (uint32_t)f->pack_len);
    expect(parse(f, c, f->big_len, f->pack_len), ITK_EINVALID, "is outside its pack");
    /* twin: with the pack's length unknown it lies within the largest pack */
    assert_int_equal(parse(f, c, f->big_len, 0), 0);
    /* a plain offset inside the pack's header */
    memcpy(c, f->good, f->good_len);
    put_be32(c + off32, 4);
    expect(parse(f, c, f->good_len, 0), ITK_EINVALID, "object 0's offset 4 is outside its pack");
    free(c);
}

static void test_names_out_of_order_or_bucket_are_refused(void **state)
{
    fixture *f = *state;
    const size_t ids = ITK_PACKIDX_HEADER_BYTES;
    unsigned char *c = malloc(f->good_len);
    memcpy(c, f->good, f->good_len);
    /* two neighbours of one bucket swapped */
    size_t i = 0;
    while (i + 1 < NBLOBS + 2 && c[ids + 20 * i] != c[ids + 20 * (i + 1)])
        i++;
    assert_true(i + 1 < NBLOBS + 2);
    unsigned char tmp[20];
    memcpy(tmp, c + ids + 20 * i, 20);
    memcpy(c + ids + 20 * i, c + ids + 20 * (i + 1), 20);
    memcpy(c + ids + 20 * (i + 1), tmp, 20);
    expect(parse(f, c, f->good_len, 0), ITK_EINVALID, "not in ascending order");
    /* the first name moved out of its bucket */
    memcpy(c, f->good, f->good_len);
    c[ids] ^= 0x80;
    expect(parse(f, c, f->good_len, 0), ITK_EINVALID, "outside its fan-out bucket");
    free(c);
}

static void test_folder_link_and_oversize_files_are_refused(void **state)
{
    fixture *f = *state;
    char path[4500];
    snprintf(path, sizeof(path), "%s/folder.idx", f->pack_dir);
    assert_int_equal(th_sh("mkdir '%s'", path), 0);
    expect(itk_packidx_check_file(path, NULL), ITK_EINVALID, "is not a file");
    rmdir(path);
    snprintf(path, sizeof(path), "%s/link.idx", f->pack_dir);
    assert_int_equal(symlink(f->idx, path), 0);
    expect(itk_packidx_check_file(path, NULL), ITK_EINVALID, "is a symbolic link");
    unlink(path);
    /* a sparse file one byte over the limit: refused before it is read */
    snprintf(path, sizeof(path), "%s/huge.idx", f->pack_dir);
    assert_int_equal(
        th_sh("truncate -s %llu '%s'", (unsigned long long)ITK_PACKIDX_MAX_BYTES + 1, path), 0);
    expect(itk_packidx_check_file(path, NULL), ITK_ETOOBIG, "over the limit");
    unlink(path);
    /* gone since it was listed: nothing to check */
    assert_int_equal(itk_packidx_check_file(path, NULL), 0);
}

/* A registry whose pack index is damaged does not open: the message names
 * the file and how to make it again; the file is left as it was. */
static void test_registry_with_damaged_index_does_not_open(void **state)
{
    fixture *f = *state;
    unsigned char *c = malloc(f->good_len);
    memcpy(c, f->good, f->good_len);
    put_be32(c + 8 + 4 * 0x40, 0xffff);
    th_write(f->idx, c, f->good_len);
    itk_registry *reg = NULL;
    expect(itk_registry_open(&reg, f->repo), ITK_EINVALID, "goes down at entry 65");
    assert_null(reg);
    assert_non_null(strstr(itk_error_last(), f->idx));
    assert_non_null(strstr(itk_error_last(), "git index-pack"));
    size_t len = 0;
    unsigned char *after = (unsigned char *)th_read(f->idx, &len);
    assert_int_equal(len, f->good_len);
    assert_memory_equal(after, c, len);
    free(after);
    free(c);
    th_write(f->idx, f->good, f->good_len);
    assert_int_equal(itk_registry_open(&reg, f->repo), 0);
    itk_registry_free(reg);
}

/* A CRC changed (the layout still good, so only the index's own checksum
 * can tell): the file is refused, naming it; its bytes put back, it passes.
 * The big index (every offset large) passes its checksum too. */
static void test_changed_byte_fails_the_checksum(void **state)
{
    fixture *f = *state;
    unsigned char *c = malloc(f->good_len);
    memcpy(c, f->good, f->good_len);
    c[ITK_PACKIDX_HEADER_BYTES + 20 * (NBLOBS + 2) + 3] ^= 1;
    assert_int_equal(parse(f, c, f->good_len, f->pack_len), 0);
    th_write(f->idx, c, f->good_len);
    expect(itk_packidx_check_file(f->idx, f->pack), ITK_EINVALID,
           "does not match its own checksum");
    assert_non_null(strstr(itk_error_last(), f->idx));
    th_write(f->idx, f->good, f->good_len);
    assert_int_equal(itk_packidx_check_file(f->idx, f->pack), 0);
    char big[4300];
    snprintf(big, sizeof(big), "%s/big.idx", f->dir);
    assert_int_equal(itk_packidx_check_file(big, f->pack), 0);
    free(c);
}

int main(void)
{
    git_libgit2_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_indexes_git_writes_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cut_short_and_wrong_length_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_magic_and_version_1_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fanout_going_down_and_count_over_limit_are_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_offset_outside_its_table_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_names_out_of_order_or_bucket_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_folder_link_and_oversize_files_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_registry_with_damaged_index_does_not_open, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_changed_byte_fails_the_checksum, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
