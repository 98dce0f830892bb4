/* Unit tests of the raw object parsers (core/vobject.c): tree bytes as git
 * writes them pass, and every tree git fsck warns about or refuses, or that
 * a registry's writers never produce, is refused naming the entry; commit
 * bytes as `git commit -S` writes them pass, and the headers stock git would
 * show differently are refused. Each hostile case beside its twin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "itaku/buf.h"
#include "vobject.h"

/* tree bytes: entries "mode name" each followed by NUL and a 20-byte id */
static void entry(itk_buf *b, const char *mode, const char *name, size_t nlen, unsigned char fill)
{
    unsigned char id[20];
    memset(id, fill, sizeof(id));
    itk_buf_printf(b, "%s ", mode);
    itk_buf_put(b, name, nlen);
    itk_buf_putc(b, '\0');
    itk_buf_put(b, id, sizeof(id));
}
#define E(b, mode, name) entry(b, mode, name, strlen(name), 0x11)

/* 0 (canonical) or 1 with flaw; fails the test on anything else */
static int parse(const itk_buf *b, itk_vobject_flaw *flaw, size_t *n)
{
    itk_vobject_entry *e = NULL;
    size_t count = 0;
    int rc = itk_vobject_tree_parse(&e, &count, (const unsigned char *)b->ptr, b->size, flaw);
    assert_true(rc == 0 || rc == 1);
    if (rc == 0)
        assert_non_null(e);
    else
        assert_null(e);
    free(e);
    if (n)
        *n = count;
    return rc;
}

static void expect_flaw(const itk_buf *b, const char *name, const char *why)
{
    itk_vobject_flaw flaw;
    memset(&flaw, 0, sizeof(flaw));
    assert_int_equal(parse(b, &flaw, NULL), 1);
    assert_string_equal(flaw.name, name);
    if (!strstr(flaw.why, why))
        fail_msg("'%s' does not say '%s'", flaw.why, why);
}

static void test_vobject_tree_as_git_writes_it_passes(void **state)
{
    (void)state;
    itk_buf b = ITK_BUF_INIT;
    itk_vobject_flaw flaw;
    size_t n = 0;
    /* git's order: "x" < "x-y" < "x.json" < "x/" (folder) < "x0" */
    E(&b, "100644", "README.md");
    E(&b, "100644", "x");
    E(&b, "100644", "x-y");
    E(&b, "100644", "x.json");
    E(&b, "40000", "xa");
    E(&b, "40000", "y");
    E(&b, "100644", "y0");
    assert_int_equal(parse(&b, &flaw, &n), 0);
    assert_int_equal(n, 7);
    itk_buf_clear(&b);
    E(&b, "40000", "register");
    E(&b, "100644", "register0");
    assert_int_equal(parse(&b, &flaw, &n), 0);
    itk_buf_dispose(&b);
}

static void test_vobject_tree_rejects_a_name_twice(void **state)
{
    (void)state;
    itk_buf b = ITK_BUF_INIT;
    /* the case: r-000001.json listed twice, old then altered */
    E(&b, "100644", "r-000001.json");
    entry(&b, "100644", "r-000001.json", 13, 0x22);
    expect_flaw(&b, "r-000001.json", "listed twice");
    itk_buf_clear(&b);
    /* a file and a folder of one name, neighbours */
    E(&b, "100644", "x");
    E(&b, "40000", "x");
    expect_flaw(&b, "x", "as a file and as a folder");
    itk_buf_clear(&b);
    /* ... and apart: "x" < "x-y" < "x.z" < "x/" */
    E(&b, "100644", "x");
    E(&b, "100644", "x-y");
    E(&b, "100644", "x.z");
    E(&b, "40000", "x");
    expect_flaw(&b, "x", "as a file and as a folder");
    itk_buf_clear(&b);
    E(&b, "40000", "x");
    E(&b, "40000", "x");
    expect_flaw(&b, "x", "listed twice");
    itk_buf_dispose(&b);
}

static void test_vobject_tree_rejects_git_unsorted_entries(void **state)
{
    (void)state;
    itk_buf b = ITK_BUF_INIT;
    E(&b, "100644", "b");
    E(&b, "100644", "a");
    expect_flaw(&b, "a", "out of git's order");
    itk_buf_clear(&b);
    /* a folder sorts as "x/", after "x.json": plain byte order is wrong */
    E(&b, "40000", "x");
    E(&b, "100644", "x.json");
    expect_flaw(&b, "x.json", "out of git's order");
    itk_buf_dispose(&b);
}

static void test_vobject_tree_rejects_modes_git_spells_otherwise(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"040000", "zero-padded"},        {"0100644", "zero-padded"},
        {"100755", "executable"},         {"120000", "symbolic link"},
        {"160000", "submodule"},          {"100664", "neither"},
        {"10064400", "cannot be parsed"}, {"", "neither"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        itk_buf b = ITK_BUF_INIT;
        E(&b, "100644", "a");
        E(&b, bad[i][0], "b");
        itk_vobject_flaw flaw;
        assert_int_equal(parse(&b, &flaw, NULL), 1);
        if (!strstr(flaw.why, bad[i][1]))
            fail_msg("mode '%s': '%s'", bad[i][0], flaw.why);
        itk_buf_dispose(&b);
    }
}

static void test_vobject_tree_rejects_names_git_fsck_refuses(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {".", "'.'"},      {"..", "'.'"},
        {".git", ".git"},  {".GIT", ".git"},
        {".Git", ".git"},  {".gitmodules", "starting with '.'"},
        {"a/b", "'/'"},    {"git~1", "never"},
        {"a b", "never"},  {"caf\xc3\xa9", "never"},
        {"a\\b", "never"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        itk_buf b = ITK_BUF_INIT;
        E(&b, "40000", bad[i][0]);
        itk_vobject_flaw flaw;
        assert_int_equal(parse(&b, &flaw, NULL), 1);
        if (!strstr(flaw.why, bad[i][1]))
            fail_msg("name '%s': '%s'", bad[i][0], flaw.why);
        itk_buf_dispose(&b);
    }
    itk_buf b = ITK_BUF_INIT;
    entry(&b, "100644", "", 0, 0x11);
    expect_flaw(&b, "", "empty name");
    itk_buf_clear(&b);
    char longname[300];
    memset(longname, 'a', sizeof(longname));
    entry(&b, "100644", longname, 256, 0x11);
    itk_vobject_flaw flaw;
    assert_int_equal(parse(&b, &flaw, NULL), 1);
    assert_non_null(strstr(flaw.why, "longer than 255"));
    itk_buf_clear(&b);
    entry(&b, "100644", longname, 255, 0x11);
    assert_int_equal(parse(&b, &flaw, NULL), 0);
    itk_buf_clear(&b);
    /* a NUL inside the name ends it early: the rest is no id */
    entry(&b, "100644", "a\0b", 3, 0x11);
    assert_int_equal(parse(&b, &flaw, NULL), 1);
    itk_buf_clear(&b);
    entry(&b, "100644", "a", 1, 0x00);
    expect_flaw(&b, "a", "null object id");
    itk_buf_dispose(&b);
}

static void test_vobject_tree_rejects_what_is_not_a_tree(void **state)
{
    (void)state;
    itk_buf b = ITK_BUF_INIT;
    itk_vobject_flaw flaw;
    /* the empty tree: git writes none below the root from an index */
    assert_int_equal(itk_vobject_tree_parse(&(itk_vobject_entry *){NULL}, &(size_t){0},
                                            (const unsigned char *)"", 0, &flaw),
                     1);
    assert_non_null(strstr(flaw.why, "empty folder"));
    E(&b, "100644", "a");
    for (size_t cut = 1; cut < b.size; cut++) {
        itk_buf t = ITK_BUF_INIT;
        itk_buf_put(&t, b.ptr, cut);
        assert_int_equal(parse(&t, &flaw, NULL), 1);
        itk_buf_dispose(&t);
    }
    itk_buf_puts(&b, "junk");
    assert_int_equal(parse(&b, &flaw, NULL), 1);
    itk_buf_dispose(&b);
}

#define TREE "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
#define PARENT "parent 1111111111111111111111111111111111111111\n"
#define PARENT2 "parent 2222222222222222222222222222222222222222\n"
#define AUTHOR "author acme/manager <manager@acme.itaku> 1764547200 +0900\n"
#define COMMITTER "committer acme/manager <manager@acme.itaku> 1764547200 +0900\n"
#define SIG                                                                                        \
    "gpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lHAAAAAQ==\n -----END SSH SIGNATURE-----\n"
#define MSG "\nEntry\n\nItaku-Party: acme\n"

static int commit_parse(const char *text, itk_vobject_commit *c, itk_vobject_flaw *flaw)
{
    return itk_vobject_commit_parse(c, (const unsigned char *)text, strlen(text), flaw);
}

static void expect_commit_flaw(const char *text, const char *why)
{
    itk_vobject_commit c;
    itk_vobject_flaw flaw;
    assert_int_equal(commit_parse(text, &c, &flaw), 1);
    if (!strstr(flaw.why, why))
        fail_msg("'%s' does not say '%s'", flaw.why, why);
}

static void test_vobject_commit_as_git_writes_it_passes(void **state)
{
    (void)state;
    itk_vobject_commit c;
    itk_vobject_flaw flaw;
    const char *text = TREE PARENT AUTHOR COMMITTER SIG MSG;
    assert_int_equal(commit_parse(text, &c, &flaw), 0);
    assert_string_equal(c.tree, "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    assert_int_equal(c.nparents, 1);
    assert_true(c.signed_);
    assert_string_equal(text + c.message_offset, "Entry\n\nItaku-Party: acme\n");
    /* a root, a merge, an unsigned commit (V1 refuses it, not this), UTF-8 */
    assert_int_equal(commit_parse(TREE AUTHOR COMMITTER SIG MSG, &c, &flaw), 0);
    assert_int_equal(c.nparents, 0);
    assert_int_equal(commit_parse(TREE PARENT PARENT2 AUTHOR COMMITTER SIG MSG, &c, &flaw), 0);
    assert_int_equal(c.nparents, 2);
    assert_int_equal(commit_parse(TREE PARENT AUTHOR COMMITTER MSG, &c, &flaw), 0);
    assert_false(c.signed_);
    assert_int_equal(
        commit_parse(TREE PARENT AUTHOR COMMITTER SIG "\n登録簿 r-000001\n", &c, &flaw), 0);
}

static void test_vobject_commit_rejects_headers_git_shows_otherwise(void **state)
{
    (void)state;
    expect_commit_flaw(TREE PARENT AUTHOR COMMITTER "encoding ISO-8859-1\n" SIG MSG, "'encoding'");
    expect_commit_flaw(TREE PARENT AUTHOR COMMITTER "encoding UTF-8\n" SIG MSG, "'encoding'");
    expect_commit_flaw(TREE PARENT AUTHOR COMMITTER SIG "gpgsig-sha256 x\n y\n" MSG,
                       "gpgsig-sha256");
    expect_commit_flaw(TREE PARENT AUTHOR COMMITTER "gpgsig-sha256 x\n" MSG, "gpgsig-sha256");
    expect_commit_flaw(TREE PARENT AUTHOR COMMITTER SIG SIG MSG, "second 'gpgsig'");
    /* git commit-tree drops a repeated parent; only a hand-made object has one */
    expect_commit_flaw(TREE PARENT PARENT AUTHOR COMMITTER SIG MSG, "same parent twice");
    expect_commit_flaw(TREE PARENT PARENT2 PARENT AUTHOR COMMITTER SIG MSG, "same parent twice");
    expect_commit_flaw(TREE PARENT AUTHOR COMMITTER "mergetag object 1\n type commit\n" SIG MSG,
                       "mergetag");
    expect_commit_flaw(TREE PARENT AUTHOR COMMITTER "x-note hi\n" SIG MSG, "'x-note'");
    expect_commit_flaw(TREE PARENT AUTHOR COMMITTER " stray\n" MSG, "continuation");
    /* order and counts as git writes them */
    expect_commit_flaw(PARENT TREE AUTHOR COMMITTER SIG MSG, "'tree'");
    expect_commit_flaw(TREE AUTHOR PARENT COMMITTER SIG MSG, "'committer'");
    expect_commit_flaw(TREE PARENT AUTHOR AUTHOR COMMITTER SIG MSG, "'committer'");
    expect_commit_flaw(TREE PARENT COMMITTER SIG MSG, "'author'");
    expect_commit_flaw(TREE PARENT AUTHOR SIG MSG, "'committer'");
    expect_commit_flaw(TREE PARENT AUTHOR, "committer");
    expect_commit_flaw("tree 4B825DC642CB6EB9A060E54BF8D69288FBEE4904\n" AUTHOR COMMITTER MSG,
                       "'tree'");
    expect_commit_flaw(TREE "parent 11\n" AUTHOR COMMITTER MSG, "'parent'");
}

static void test_vobject_commit_rejects_idents_git_fsck_refuses(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "author a <a@b> 01764547200 +0900\n", /* zero-padded date */
        "author a <a@b> 1764547200 +09000\n", /* bad time zone */
        "author a <a@b> 1764547200 0900\n",
        "author a <a@b> x +0900\n",
        "author a <a@b>  1764547200 +0900\n",
        "author <a@b> 1764547200 +0900\n",
        "author a<a@b> 1764547200 +0900\n",
        "author a <a@b 1764547200 +0900\n",
        "author a <a@b> 99999999999999999999 +0900\n", /* overflows */
        "author a <a<b> 1764547200 +0900\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char text[512];
        snprintf(text, sizeof(text), TREE "%s" COMMITTER MSG, bad[i]);
        expect_commit_flaw(text, "'author'");
    }
    itk_vobject_commit c;
    itk_vobject_flaw flaw;
    assert_int_equal(commit_parse(TREE "author a <a@b> 0 +0000\n" COMMITTER MSG, &c, &flaw), 0);
}

static void test_vobject_commit_rejects_nul_bad_utf8_and_big_messages(void **state)
{
    (void)state;
    itk_vobject_commit c;
    itk_vobject_flaw flaw;
    static const char nul[] = TREE AUTHOR COMMITTER "\nA\0B\n";
    assert_int_equal(
        itk_vobject_commit_parse(&c, (const unsigned char *)nul, sizeof(nul) - 1, &flaw), 1);
    assert_non_null(strstr(flaw.why, "NUL"));
    expect_commit_flaw(TREE AUTHOR COMMITTER "\nLatin-1 \xe9t\xe9\n", "not UTF-8");
    expect_commit_flaw(TREE AUTHOR COMMITTER "\noverlong \xc0\xaf\n", "not UTF-8");
    expect_commit_flaw(TREE AUTHOR COMMITTER "\nsurrogate \xed\xa0\x80\n", "not UTF-8");
    itk_buf b = ITK_BUF_INIT;
    itk_buf_puts(&b, TREE AUTHOR COMMITTER "\n");
    size_t head = b.size;
    while (b.size - head < ITK_MAX_MESSAGE_BYTES)
        itk_buf_puts(&b, "Itaku-Record: parties/acme/register/r-000001.json\n");
    b.size = head + ITK_MAX_MESSAGE_BYTES;
    assert_int_equal(itk_vobject_commit_parse(&c, (const unsigned char *)b.ptr, b.size, &flaw), 0);
    itk_buf_putc(&b, '\n');
    assert_int_equal(itk_vobject_commit_parse(&c, (const unsigned char *)b.ptr, b.size, &flaw), 1);
    assert_non_null(strstr(flaw.why, "the limit"));
    itk_buf_dispose(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vobject_tree_as_git_writes_it_passes),
        cmocka_unit_test(test_vobject_tree_rejects_a_name_twice),
        cmocka_unit_test(test_vobject_tree_rejects_git_unsorted_entries),
        cmocka_unit_test(test_vobject_tree_rejects_modes_git_spells_otherwise),
        cmocka_unit_test(test_vobject_tree_rejects_names_git_fsck_refuses),
        cmocka_unit_test(test_vobject_tree_rejects_what_is_not_a_tree),
        cmocka_unit_test(test_vobject_commit_as_git_writes_it_passes),
        cmocka_unit_test(test_vobject_commit_rejects_headers_git_shows_otherwise),
        cmocka_unit_test(test_vobject_commit_rejects_idents_git_fsck_refuses),
        cmocka_unit_test(test_vobject_commit_rejects_nul_bad_utf8_and_big_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
