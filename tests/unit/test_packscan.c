/* Unit tests of the pack scan (core/packscan.c): packs are built here byte
 * by byte. A pack within its limits scans whole, fed at once or a byte at a
 * time; an object over its limit is refused from its header with nothing of
 * it inflated; a delta whose result is over the limit is refused after
 * inflating only its header's bytes; damaged packs are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "itaku/errors.h"
#include "packscan.h"
#include "helpers.h"

typedef struct {
    unsigned char *p;
    size_t len, cap;
} bytes;

static void put(bytes *b, const void *d, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        assert_non_null(b->p);
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static void put_u8(bytes *b, unsigned c)
{
    unsigned char x = (unsigned char)c;
    put(b, &x, 1);
}

static void put_varint(bytes *b, uint64_t n)
{
    do {
        unsigned c = n & 0x7f;
        n >>= 7;
        put_u8(b, c | (n ? 0x80 : 0));
    } while (n);
}

static void obj_header(bytes *b, unsigned type, uint64_t n)
{
    unsigned c = (type << 4) | (n & 15);
    n >>= 4;
    while (n) {
        put_u8(b, c | 0x80);
        c = n & 0x7f;
        n >>= 7;
    }
    put_u8(b, c);
}

static void deflated(bytes *b, const void *d, size_t n)
{
    uLongf cap = compressBound((uLong)n);
    unsigned char *z = malloc(cap);
    assert_non_null(z);
    assert_int_equal(compress(z, &cap, d, (uLong)n), Z_OK);
    put(b, z, cap);
    free(z);
}

static void pack_start(bytes *b, uint32_t count)
{
    unsigned char h[12] = {'P', 'A', 'C', 'K', 0, 0, 0, 2};
    h[8] = (unsigned char)(count >> 24), h[9] = (unsigned char)(count >> 16);
    h[10] = (unsigned char)(count >> 8), h[11] = (unsigned char)count;
    put(b, h, sizeof(h));
}

static void pack_end(bytes *b)
{
    static const unsigned char sum[20]; /* the indexer checks it, not the scan */
    put(b, sum, sizeof(sum));
}

static const char base_text[] = "a record body, and the same record body again\n";

/* A blob, then a delta on it (OFS) copying the base `copies` times: its
 * result is copies * len(base) bytes. *at_delta: where the delta starts. */
static void blob_and_delta(bytes *b, unsigned copies, size_t *at_delta)
{
    size_t n = sizeof(base_text) - 1;
    size_t at_base = b->len;
    obj_header(b, 3, n);
    deflated(b, base_text, n);
    bytes d = {0};
    put_varint(&d, n);
    put_varint(&d, (uint64_t)copies * n);
    for (unsigned i = 0; i < copies; i++) {
        put_u8(&d, 0x80 | 0x10); /* copy from offset 0, one size byte */
        put_u8(&d, (unsigned)n);
    }
    *at_delta = b->len;
    obj_header(b, 6, d.len);
    size_t ofs = *at_delta - at_base; /* < 128 here: one byte */
    assert_true(ofs < 128);
    put_u8(b, (unsigned)ofs);
    deflated(b, d.p, d.len);
    free(d.p);
}

static itk_packscan_limits small(uint64_t n)
{
    itk_packscan_limits l = {n, n, n, n, n, 0};
    return l;
}

static int scan(const bytes *b, const itk_packscan_limits *lim, size_t step, uint64_t *inflated)
{
    itk_packscan *s = NULL;
    assert_int_equal(itk_packscan_new(&s, lim, "the pack in test.bundle"), 0);
    int rc = 0;
    for (size_t i = 0; !rc && i < b->len; i += step)
        rc = itk_packscan_feed(s, b->p + i, b->len - i < step ? b->len - i : step);
    if (!rc)
        rc = itk_packscan_finish(s);
    if (inflated)
        *inflated = itk_packscan_inflated(s);
    itk_packscan_free(s);
    return rc;
}

static void test_a_pack_within_its_limits_scans_whole(void **state)
{
    (void)state;
    bytes b = {0};
    size_t at;
    pack_start(&b, 3);
    obj_header(&b, 1, 4);
    deflated(&b, "tree", 4);
    blob_and_delta(&b, 10, &at);
    pack_end(&b);
    uint64_t inflated = 0;
    assert_int_equal(scan(&b, NULL, b.len, &inflated), 0);
    assert_true(inflated > 0);
    assert_int_equal(scan(&b, NULL, 1, NULL), 0);
    assert_int_equal(scan(&b, NULL, 7, NULL), 0);
    itk_packscan_limits lim = small(10 * (sizeof(base_text) - 1));
    assert_int_equal(scan(&b, &lim, 3, NULL), 0); /* a result exactly at the limit */
    free(b.p);
}

static void test_an_object_over_its_limit_is_refused_from_its_header(void **state)
{
    (void)state;
    bytes b = {0};
    pack_start(&b, 1);
    obj_header(&b, 3, 1u << 30); /* says 1 GiB; its stream is never read */
    deflated(&b, "x", 1);
    pack_end(&b);
    itk_packscan_limits lim;
    itk_packscan_default_limits(&lim);
    uint64_t inflated = 1;
    assert_int_equal(scan(&b, &lim, b.len, &inflated), ITK_ETOOBIG);
    assert_int_equal(scan(&b, NULL, 1, NULL), ITK_ETOOBIG);
    assert_int_equal(inflated, 0);
    assert_non_null(strstr(itk_error_last(), "the pack in test.bundle"));
    assert_non_null(strstr(itk_error_last(), "a blob of 1073741824 bytes"));
    assert_non_null(strstr(itk_error_last(), "over the limit of 20971520 bytes"));
    /* a commit and a tree have their own limits */
    lim = small(1000);
    lim.commit = 10;
    bytes c = {0};
    pack_start(&c, 1);
    obj_header(&c, 1, 11);
    deflated(&c, "tree 01234\n", 11);
    pack_end(&c);
    assert_int_equal(scan(&c, &lim, c.len, &inflated), ITK_ETOOBIG);
    assert_non_null(strstr(itk_error_last(), "a commit of 11 bytes, over the limit of 10"));
    assert_int_equal(inflated, 0);
    free(b.p);
    free(c.p);
}

static void test_a_delta_whose_result_is_over_the_limit_inflates_only_its_header(void **state)
{
    (void)state;
    bytes b = {0};
    size_t at;
    pack_start(&b, 2);
    blob_and_delta(&b, 2000, &at); /* 2000 copies of a 46-byte base: 92,000 bytes */
    pack_end(&b);
    itk_packscan_limits lim = small(50000);
    uint64_t inflated = 0;
    assert_int_equal(scan(&b, &lim, b.len, &inflated), ITK_ETOOBIG);
    char want[120];
    snprintf(want, sizeof(want), "(at byte %zu) is a delta whose result is 92000 bytes", at);
    assert_non_null(strstr(itk_error_last(), want));
    /* the base (47 bytes) and no more than the delta's header */
    assert_true(inflated <= sizeof(base_text) - 1 + 20);
    /* the same, a byte at a time */
    assert_int_equal(scan(&b, &lim, 1, &inflated), ITK_ETOOBIG);
    assert_true(inflated <= sizeof(base_text) - 1 + 20);
    /* its twin: a limit the result fits in */
    lim = small(92000);
    assert_int_equal(scan(&b, &lim, 5, NULL), 0);
    free(b.p);
}

static void test_delta_instructions_over_the_limit_are_refused(void **state)
{
    (void)state;
    bytes b = {0};
    size_t at;
    pack_start(&b, 2);
    blob_and_delta(&b, 100, &at); /* 203 bytes of instructions, result 4,600 */
    pack_end(&b);
    itk_packscan_limits lim = small(150);
    lim.blob = 1000;
    assert_int_equal(scan(&b, &lim, b.len, NULL), ITK_ETOOBIG);
    assert_non_null(strstr(itk_error_last(), "instructions are 203 bytes"));
    free(b.p);
}

static void test_damaged_packs_are_refused(void **state)
{
    (void)state;
    bytes b = {0};
    size_t at;
    pack_start(&b, 2);
    blob_and_delta(&b, 3, &at);
    pack_end(&b);
    /* every truncation stops short */
    for (size_t n = 0; n < b.len; n++) {
        bytes t = {b.p, n, n};
        assert_int_not_equal(scan(&t, NULL, 4, NULL), 0);
    }
    /* not a pack, a wrong version */
    bytes x = {0};
    put(&x, b.p, b.len);
    x.p[0] = 'J';
    assert_int_equal(scan(&x, NULL, x.len, NULL), ITK_EINVALID);
    x.p[0] = 'P';
    x.p[7] = 4;
    assert_int_equal(scan(&x, NULL, x.len, NULL), ITK_EINVALID);
    x.p[7] = 2;
    /* bytes after the checksum */
    put_u8(&x, 0);
    assert_int_equal(scan(&x, NULL, x.len, NULL), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "follow the pack's checksum"));
    free(x.p);
    /* an object that inflates to more than it says */
    bytes y = {0};
    pack_start(&y, 1);
    obj_header(&y, 3, 3);
    deflated(&y, "four", 4);
    pack_end(&y);
    assert_int_equal(scan(&y, NULL, y.len, NULL), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "more than the 3 bytes it says"));
    free(y.p);
    /* a delta on a base before the pack's start; an unknown type */
    bytes z = {0};
    pack_start(&z, 1);
    obj_header(&z, 6, 2);
    put_u8(&z, 100);
    deflated(&z, "\x01\x01", 2);
    pack_end(&z);
    assert_int_equal(scan(&z, NULL, z.len, NULL), ITK_EINVALID);
    z.p[12] = (5 << 4) | 2;
    assert_int_equal(scan(&z, NULL, z.len, NULL), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "unknown type 5"));
    free(z.p);
    free(b.p);
}

/* libgit2's indexer reserves room for the count in the header: a count over
 * ITK_PACK_MAX_OBJECTS, or more than the pack's bytes can hold, is refused
 * at the header, before any object */
static void test_an_object_count_the_pack_cannot_hold_is_refused(void **state)
{
    (void)state;
    bytes b = {0};
    pack_start(&b, 0x6c000020u);
    obj_header(&b, 1, 4);
    deflated(&b, "tree", 4);
    pack_end(&b);
    assert_int_equal(scan(&b, NULL, b.len, NULL), ITK_ETOOBIG);
    assert_non_null(strstr(itk_error_last(), "1811939360 objects"));
    free(b.p);

    /* a count under the cap that the known length cannot hold */
    bytes c = {0};
    pack_start(&c, 1000);
    obj_header(&c, 1, 4);
    deflated(&c, "tree", 4);
    pack_end(&c);
    itk_packscan *s = NULL;
    assert_int_equal(itk_packscan_new(&s, NULL, "the pack in test.bundle"), 0);
    itk_packscan_set_length(s, c.len);
    assert_int_equal(itk_packscan_feed(s, c.p, c.len), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "more than its"));
    itk_packscan_free(s);

    /* its twin: the true count with the true length scans whole */
    c.p[8] = c.p[9] = c.p[10] = 0, c.p[11] = 1;
    assert_int_equal(itk_packscan_new(&s, NULL, "the pack in test.bundle"), 0);
    itk_packscan_set_length(s, c.len);
    assert_int_equal(itk_packscan_feed(s, c.p, c.len), 0);
    itk_packscan_free(s);
    free(c.p);
}

/* All of p fed in pieces of step, whatever feed says, then finish: how a
 * fetch's guard uses the scan (its verdict on a damaged stream waits for
 * the stream's end, the length then known). */
static int scan_stream(const bytes *b, const itk_packscan_limits *lim, size_t step)
{
    itk_packscan *s = NULL;
    assert_int_equal(itk_packscan_new(&s, lim, "the fetched pack"), 0);
    for (size_t i = 0; i < b->len; i += step)
        itk_packscan_feed(s, b->p + i, b->len - i < step ? b->len - i : step);
    int rc = itk_packscan_finish(s);
    itk_packscan_free(s);
    return rc;
}

/* A fetched pack's length is known at its end: a count its bytes cannot hold
 * is named then, whatever the scan found in its checksum read as objects */
static void test_a_streamed_count_the_bytes_cannot_hold_is_named_at_the_end(void **state)
{
    (void)state;
    char msg[200];
    bytes c = {0};
    pack_start(&c, 9999999);
    obj_header(&c, 1, 4);
    deflated(&c, "tree", 4);
    pack_end(&c);
    snprintf(msg, sizeof(msg), "the pack says it holds 9999999 objects, more than its %zu bytes",
             c.len);
    for (size_t step = 1; step <= c.len; step += 7) {
        assert_int_equal(scan_stream(&c, NULL, step), ITK_EINVALID);
        assert_non_null(strstr(itk_error_last(), msg));
    }
    /* the checksum's bytes as an object of an unknown type: still the count */
    c.p[c.len - 20] = (5 << 4) | 2;
    assert_int_equal(scan_stream(&c, NULL, 3), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), msg));
    /* the stream cut after the header alone */
    bytes h = {c.p, 12, 12};
    assert_int_equal(scan_stream(&h, NULL, 5), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "holds 9999999 objects, more than its 12 bytes"));
    /* an object over its limit stays the reason */
    assert_int_equal(scan_stream(&c, &(itk_packscan_limits){1, 1, 1, 1, 1, 0}, 3), ITK_ETOOBIG);
    assert_non_null(strstr(itk_error_last(), "over the limit of 1 bytes"));
    /* twins: the true count scans whole; damage under a count the bytes can
     * hold keeps its own message */
    c.p[c.len - 20] = 0;
    c.p[8] = c.p[9] = c.p[10] = 0, c.p[11] = 1;
    assert_int_equal(scan_stream(&c, NULL, 3), 0);
    c.p[12] = (5 << 4) | 4;
    assert_int_equal(scan_stream(&c, NULL, 3), ITK_EINVALID);
    assert_non_null(strstr(itk_error_last(), "unknown type 5"));
    free(c.p);
}

/* A peer may send a pack without end: a count it never reaches, objects
 * within their limits one after another. The scan stops it as soon as its
 * bytes pass the limit of a pack, damaged or not; a pack within the limit
 * scans whole (its twin), and a bundle's pack whose length is over it is
 * refused at its first bytes. */
static void test_an_endless_pack_is_refused_at_the_pack_limit(void **state)
{
    (void)state;
    itk_packscan_limits lim = small(1000);
    lim.pack = 4096;
    bytes obj = {0};
    obj_header(&obj, 3, sizeof(base_text) - 1);
    deflated(&obj, base_text, sizeof(base_text) - 1);
    for (int damaged = 0; damaged <= 1; damaged++) {
        itk_packscan *s = NULL;
        bytes h = {0};
        pack_start(&h, 9999999);
        if (damaged)
            put_u8(&h, (5 << 4) | 2); /* an unknown type: the rest is counted */
        assert_int_equal(itk_packscan_new(&s, &lim, "the fetched pack"), 0);
        int rc = itk_packscan_feed(s, h.p, h.len);
        uint64_t fed = h.len;
        if (!damaged)
            assert_int_equal(rc, 0);
        /* at most 100 times the limit: a scan that never stops fails here */
        for (int i = 0; i < 100 * 4096 && (rc == 0 || (damaged && rc != ITK_ETOOBIG)); i++) {
            rc = itk_packscan_feed(s, obj.p, obj.len);
            fed += obj.len;
        }
        assert_int_equal(rc, ITK_ETOOBIG);
        assert_true(fed > 4096 && fed - obj.len <= 4096);
        assert_non_null(strstr(itk_error_last(), "the pack goes on past 4096 bytes, the limit for "
                                                 "one pack; the rest was not read"));
        /* and it keeps saying so, at the pack's end too */
        assert_int_equal(itk_packscan_feed(s, obj.p, obj.len), ITK_ETOOBIG);
        assert_int_equal(itk_packscan_finish(s), ITK_ETOOBIG);
        assert_non_null(strstr(itk_error_last(), "goes on past 4096 bytes"));
        itk_packscan_free(s);
        free(h.p);
    }
    /* twin: a pack of exactly the limit scans whole */
    bytes w = {0};
    unsigned n = 0;
    pack_start(&w, 0);
    while (w.len + obj.len + 20 <= 4096) {
        put(&w, obj.p, obj.len);
        n++;
    }
    w.p[8] = (unsigned char)(n >> 24), w.p[9] = (unsigned char)(n >> 16);
    w.p[10] = (unsigned char)(n >> 8), w.p[11] = (unsigned char)n;
    pack_end(&w);
    lim.pack = w.len;
    assert_int_equal(scan(&w, &lim, 7, NULL), 0);
    assert_int_equal(scan_stream(&w, &lim, 1), 0);
    /* one byte less for a pack: refused at its last byte */
    lim.pack = w.len - 1;
    assert_int_equal(scan(&w, &lim, 1, NULL), ITK_ETOOBIG);
    /* a bundle's pack: its length is known, refused before a byte is read */
    itk_packscan *s = NULL;
    assert_int_equal(itk_packscan_new(&s, &lim, "the pack in big.bundle"), 0);
    itk_packscan_set_length(s, w.len);
    assert_int_equal(itk_packscan_feed(s, w.p, 1), ITK_ETOOBIG);
    char msg[200];
    snprintf(msg, sizeof(msg),
             "the pack in big.bundle: the pack is %zu bytes, over the limit of %zu bytes for one "
             "pack; it was not read",
             w.len, w.len - 1);
    assert_string_equal(itk_error_last(), msg);
    assert_int_equal(itk_packscan_objects(s), 0);
    itk_packscan_free(s);
    /* the default limit is ITK_PACK_MAX_BYTES */
    itk_packscan_limits def;
    itk_packscan_default_limits(&def);
    assert_true(def.pack == ITK_PACK_MAX_BYTES);
    lim.pack = 0;
    assert_int_equal(scan(&w, &lim, 5, NULL), 0);
    free(w.p);
    free(obj.p);
}

/* What the guard told about the packs it wrote (progress.h). */
typedef struct {
    int calls[2];
    itk_fetch_progress last[2];
    int ended[2], after_end;
} seen_progress;

static void note_progress(const itk_fetch_progress *p, void *payload)
{
    seen_progress *s = payload;
    assert_true(p->stage == ITK_FETCH_RECEIVING || p->stage == ITK_FETCH_INDEXING);
    if (s->ended[p->stage] || (p->stage == ITK_FETCH_RECEIVING && s->calls[ITK_FETCH_INDEXING]))
        s->after_end++;
    s->calls[p->stage]++;
    assert_true(p->done <= p->total || p->total == 0);
    if (s->calls[p->stage] > 1)
        assert_true(p->bytes >= s->last[p->stage].bytes);
    s->last[p->stage] = *p;
    if (p->total && p->done == p->total)
        s->ended[p->stage] = 1;
}

static int fetch_path(git_repository *repo, const char *src)
{
    git_remote *remote = NULL;
    char *specs[] = {"+refs/heads/main:refs/itaku/incoming/t/main"};
    git_strarray refspecs = {specs, 1};
    git_fetch_options fo;
    git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
    assert_int_equal(git_remote_create_anonymous(&remote, repo, src), 0);
    int rc = git_remote_fetch(remote, &refspecs, &fo, NULL);
    git_remote_free(remote);
    return rc;
}

static int pack_files(const char *repo)
{
    return th_sh("test -z \"$(find '%s/.git/objects/pack' -type f)\"", repo) == 0 ? 0 : 1;
}

/* The fetch's guard: a pack past the limit of a pack stops the fetch as it
 * arrives, naming the limit, and leaves no file in objects/pack and no ref;
 * with the default limit the same fetch lands, and the guard tells its
 * progress: received objects and bytes up to the count, then indexed. */
static void test_the_fetch_guard_stops_a_pack_at_its_limit_and_tells_progress(void **state)
{
    (void)state;
    char *dir = th_tmpdir(), src[4200], dst[4200];
    snprintf(src, sizeof(src), "%s/src", dir);
    snprintf(dst, sizeof(dst), "%s/dst", dir);
    /* random bytes do not compress: the pack is over 160 KiB */
    assert_int_equal(th_sh("git init -q -b main '%s' && cd '%s' && for i in 1 2 3 4 5; do "
                           "head -c 40000 /dev/urandom >f$i; done && git add . && "
                           "git -c user.name=t -c user.email=t@example.org commit -qm files",
                           src, src),
                     0);
    git_libgit2_init();
    git_repository *repo = NULL;
    assert_int_equal(git_repository_init(&repo, dst, 0), 0);
    itk_packscan_limits lim;
    itk_packscan_default_limits(&lim);
    lim.pack = 64 * 1024;
    itk_packscan_guard *g = NULL;
    seen_progress seen = {0};
    assert_int_equal(itk_packscan_guard_begin(&g, repo, &lim), 0);
    itk_packscan_guard_progress(g, note_progress, &seen);
    assert_true(fetch_path(repo, src) < 0);
    const git_error *e = git_error_last();
    assert_non_null(e);
    assert_non_null(strstr(e->message, "the fetched pack: the pack goes on past 65536 bytes"));
    itk_packscan_guard_end(g);
    assert_int_equal(pack_files(dst), 0);
    git_reference *ref = NULL;
    assert_true(git_reference_lookup(&ref, repo, "refs/itaku/incoming/t/main") < 0);
    assert_true(seen.calls[ITK_FETCH_RECEIVING] > 0);
    assert_int_equal(seen.ended[ITK_FETCH_RECEIVING], 0);
    assert_int_equal(seen.calls[ITK_FETCH_INDEXING], 0);
    assert_true(seen.last[ITK_FETCH_RECEIVING].bytes <= 64 * 1024);

    /* twin: the default limit */
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(itk_packscan_guard_begin(&g, repo, NULL), 0);
    itk_packscan_guard_progress(g, note_progress, &seen);
    assert_int_equal(fetch_path(repo, src), 0);
    itk_packscan_guard_end(g);
    assert_int_equal(git_reference_lookup(&ref, repo, "refs/itaku/incoming/t/main"), 0);
    git_reference_free(ref);
    assert_int_equal(pack_files(dst), 1);
    for (int st = ITK_FETCH_RECEIVING; st <= ITK_FETCH_INDEXING; st++) {
        assert_int_equal(seen.ended[st], 1);
        assert_true(seen.last[st].total >= 7); /* 5 blobs, a tree, a commit */
        assert_true(seen.last[st].done == seen.last[st].total);
        assert_true(seen.last[st].bytes > 5 * 40000);
    }
    assert_true(seen.calls[ITK_FETCH_RECEIVING] > 1);
    assert_int_equal(seen.after_end, 0);
    git_repository_free(repo);
    git_libgit2_shutdown();
    th_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_pack_within_its_limits_scans_whole),
        cmocka_unit_test(test_an_object_over_its_limit_is_refused_from_its_header),
        cmocka_unit_test(test_a_delta_whose_result_is_over_the_limit_inflates_only_its_header),
        cmocka_unit_test(test_delta_instructions_over_the_limit_are_refused),
        cmocka_unit_test(test_damaged_packs_are_refused),
        cmocka_unit_test(test_an_object_count_the_pack_cannot_hold_is_refused),
        cmocka_unit_test(test_a_streamed_count_the_bytes_cannot_hold_is_named_at_the_end),
        cmocka_unit_test(test_an_endless_pack_is_refused_at_the_pack_limit),
        cmocka_unit_test(test_the_fetch_guard_stops_a_pack_at_its_limit_and_tells_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
