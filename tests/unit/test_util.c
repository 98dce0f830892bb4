/* Unit tests of the library's primitives: the growable array (array.h), the
 * allocation wrappers that set the error (alloc.h) and the bounded C-string
 * reader (reader.h rd_cstring). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"
#include "array.h"
#include "itaku/errors.h"
#include "reader.h"

typedef struct {
    int a;
    char name[12];
} item;

static void test_array_alloc_grows_and_keeps_items(void **state)
{
    (void)state;
    ITK_ARRAY(item) arr = ITK_ARRAY_INIT;
    for (int i = 0; i < 1000; i++) {
        item *it = itk_array_alloc(arr);
        assert_non_null(it);
        assert_int_equal(it->a, 0); /* new items are zeroed */
        assert_int_equal(it->name[0], '\0');
        it->a = i;
    }
    assert_int_equal(arr.size, 1000);
    assert_true(arr.asize >= 1000);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(itk_array_get(arr, i)->a, i);
    assert_null(itk_array_get(arr, 1000));
    itk_array_clear(arr);
    assert_null(arr.ptr);
    assert_int_equal(arr.size, 0);
    assert_int_equal(arr.asize, 0);
}

static void test_array_grow_reserves_without_using(void **state)
{
    (void)state;
    ITK_ARRAY(int) arr = ITK_ARRAY_INIT;
    assert_int_equal(itk_array_grow(arr, 100), 0);
    assert_int_equal(arr.size, 0);
    assert_true(arr.asize >= 100);
    int *before = arr.ptr;
    /* asking for less than there is moves nothing */
    assert_int_equal(itk_array_grow(arr, 50), 0);
    assert_ptr_equal(arr.ptr, before);
    itk_array_clear(arr);
}

static void test_array_refuses_an_overflowing_size(void **state)
{
    (void)state;
    ITK_ARRAY(item) arr = ITK_ARRAY_INIT;
    item *it = itk_array_alloc(arr);
    assert_non_null(it);
    it->a = 42;
    item *before = arr.ptr;
    size_t asize = arr.asize;
    itk_error_clear();
    /* need * sizeof(item) overflows size_t: refused, the array as it was */
    assert_int_equal(itk_array_grow(arr, SIZE_MAX / sizeof(item) + 1), ITK_ENOMEM);
    assert_string_equal(itk_error_last(), "out of memory");
    assert_ptr_equal(arr.ptr, before);
    assert_int_equal(arr.asize, asize);
    assert_int_equal(arr.size, 1);
    assert_int_equal(arr.ptr[0].a, 42);
    itk_array_clear(arr); /* LeakSanitizer: nothing lost */
}

static void test_array_reserve_on_separate_fields(void **state)
{
    (void)state;
    char **names = NULL;
    size_t n = 0, alloc = 0;
    for (int i = 0; i < 20; i++) {
        assert_int_equal(itk_array_reserve(&names, &alloc, n + 1, sizeof(*names)), 0);
        names[n++] = NULL;
    }
    assert_int_equal(n, 20);
    assert_true(alloc >= 20);
    itk_error_clear();
    assert_int_equal(itk_array_reserve(&names, &alloc, SIZE_MAX / 2, sizeof(*names)), ITK_ENOMEM);
    assert_string_equal(itk_error_last(), "out of memory");
    assert_non_null(names);
    free(names);
}

static void test_realloc_array_refuses_overflow_and_keeps_ptr(void **state)
{
    (void)state;
    int *p = itk_realloc_array(NULL, 4, sizeof(int));
    assert_non_null(p);
    p[3] = 7;
    itk_error_clear();
    assert_null(itk_realloc_array(p, SIZE_MAX / 2 + 1, 2));
    assert_string_equal(itk_error_last(), "out of memory");
    assert_int_equal(p[3], 7); /* still ours, unchanged */
    int *q = itk_realloc_array(p, 8, sizeof(int));
    assert_non_null(q);
    assert_int_equal(q[3], 7);
    free(q);
}

static void test_calloc_refuses_overflow(void **state)
{
    (void)state;
    itk_error_clear();
    assert_null(itk_calloc(SIZE_MAX / 8 + 1, 16));
    assert_string_equal(itk_error_last(), "out of memory");
    /* zero items still gives a pointer: NULL only ever means out of memory */
    itk_error_clear();
    void *p = itk_calloc(0, 16);
    assert_non_null(p);
    assert_string_equal(itk_error_last(), "");
    free(p);
    unsigned char *z = itk_calloc(3, 5);
    assert_non_null(z);
    for (int i = 0; i < 15; i++)
        assert_int_equal(z[i], 0);
    free(z);
}

static void test_malloc_and_strdup_succeed(void **state)
{
    (void)state;
    itk_error_clear();
    void *p = itk_malloc(0);
    assert_non_null(p);
    free(p);
    char *s = itk_strdup("alice");
    assert_string_equal(s, "alice");
    free(s);
    s = itk_strndup("alice", 3);
    assert_string_equal(s, "ali");
    free(s);
    assert_string_equal(itk_error_last(), "");
}

static void test_error_nomem_sets_the_message(void **state)
{
    (void)state;
    itk_error_clear();
    assert_int_equal(itk_error_nomem(), ITK_ENOMEM);
    assert_string_equal(itk_error_last(), "out of memory");
}

static void test_cstr_copy_refuses_an_embedded_nul(void **state)
{
    (void)state;
    char *s = (char *)"x";
    assert_int_equal(itk_cstr_copy(&s, "ab\0cd", 5, 100, "the key comment"), ITK_EINVALID);
    assert_null(s);
    assert_string_equal(itk_error_last(), "the key comment contains a NUL byte");
    /* a trailing NUL counts too: the length is the sender's, not strlen's */
    assert_int_equal(itk_cstr_copy(&s, "abcd\0", 5, 100, "x"), ITK_EINVALID);
    assert_null(s);
}

static void test_cstr_copy_refuses_over_long_input(void **state)
{
    (void)state;
    char *s = NULL;
    assert_int_equal(itk_cstr_copy(&s, "abcdef", 6, 5, "the ref name"), ITK_ETOOBIG);
    assert_null(s);
    assert_string_equal(itk_error_last(), "the ref name is longer than 5 bytes");
}

static void test_cstr_copy_accepts_clean_bytes(void **state)
{
    (void)state;
    char *s = NULL;
    assert_int_equal(itk_cstr_copy(&s, "abcdef", 5, 5, "x"), 0);
    assert_string_equal(s, "abcde");
    free(s);
    assert_int_equal(itk_cstr_copy(&s, "", 0, 5, "x"), 0);
    assert_string_equal(s, "");
    free(s);
}

/* an SSH string: u32 length then the bytes */
static size_t ssh_string(unsigned char *out, const char *bytes, size_t n)
{
    out[0] = (unsigned char)(n >> 24);
    out[1] = (unsigned char)(n >> 16);
    out[2] = (unsigned char)(n >> 8);
    out[3] = (unsigned char)n;
    memcpy(out + 4, bytes, n);
    return n + 4;
}

static void test_rd_cstring_reads_a_string_and_moves_on(void **state)
{
    (void)state;
    unsigned char buf[64];
    size_t len = ssh_string(buf, "alice@host", 10);
    len += ssh_string(buf + len, "", 0);
    itk_reader r;
    char *s, *t;
    rd_init(&r, buf, len);
    assert_int_equal(rd_cstring(&r, &s, 64, "the comment"), 0);
    assert_string_equal(s, "alice@host");
    assert_int_equal(rd_cstring(&r, &t, 64, "the comment"), 0);
    assert_string_equal(t, "");
    assert_int_equal(rd_done(&r), 0);
    free(s);
    free(t);
}

static void test_rd_cstring_refuses_nul_long_and_short(void **state)
{
    (void)state;
    unsigned char buf[64];
    itk_reader r;
    char *s;

    size_t len = ssh_string(buf, "ali\0ce", 6);
    rd_init(&r, buf, len);
    assert_int_equal(rd_cstring(&r, &s, 64, "the comment"), ITK_EINVALID);
    assert_null(s);
    assert_string_equal(itk_error_last(), "the comment contains a NUL byte");
    assert_int_equal(r.left, len); /* nothing consumed */

    len = ssh_string(buf, "alice@host", 10);
    rd_init(&r, buf, len);
    assert_int_equal(rd_cstring(&r, &s, 9, "the comment"), ITK_ETOOBIG);
    assert_null(s);
    assert_string_equal(itk_error_last(), "the comment is longer than 9 bytes");
    assert_int_equal(r.left, len);
    /* exactly at the bound passes */
    assert_int_equal(rd_cstring(&r, &s, 10, "the comment"), 0);
    assert_string_equal(s, "alice@host");
    free(s);

    /* the length says more than there is */
    rd_init(&r, buf, len - 1);
    assert_int_equal(rd_cstring(&r, &s, 64, "the comment"), ITK_EINVALID);
    assert_null(s);
    assert_string_equal(itk_error_last(), "the comment is truncated");
    assert_int_equal(r.left, len - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_array_alloc_grows_and_keeps_items),
        cmocka_unit_test(test_array_grow_reserves_without_using),
        cmocka_unit_test(test_array_refuses_an_overflowing_size),
        cmocka_unit_test(test_array_reserve_on_separate_fields),
        cmocka_unit_test(test_realloc_array_refuses_overflow_and_keeps_ptr),
        cmocka_unit_test(test_calloc_refuses_overflow),
        cmocka_unit_test(test_malloc_and_strdup_succeed),
        cmocka_unit_test(test_error_nomem_sets_the_message),
        cmocka_unit_test(test_cstr_copy_refuses_an_embedded_nul),
        cmocka_unit_test(test_cstr_copy_refuses_over_long_input),
        cmocka_unit_test(test_cstr_copy_accepts_clean_bytes),
        cmocka_unit_test(test_rd_cstring_reads_a_string_and_moves_on),
        cmocka_unit_test(test_rd_cstring_refuses_nul_long_and_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
