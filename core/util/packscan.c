/* A pack's object headers and delta headers, scanned before the indexer
 * (packscan.h). The pack format: "PACK", version 2 or 3, a count; each
 * object a type and size varint (the size is the inflated size), an OFS
 * delta's base offset or a REF delta's base id, then a zlib stream; at the
 * end a 20-byte checksum (the indexer checks it). A delta's stream starts
 * with two varints: its base's size and its result's size. */
#include "packscan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "itaku/errors.h"
#include "intl.h"
#include "itaku/json.h"
#include "objsize.h"
#include "reader.h"

enum { ST_PACKHDR, ST_OBJHDR, ST_OFS, ST_REF, ST_DATA, ST_TRAILER, ST_DONE, ST_FAILED };
enum { OBJ_COMMIT = 1, OBJ_TREE = 2, OBJ_BLOB = 3, OBJ_TAG = 4, OBJ_OFS = 6, OBJ_REF = 7 };

#define PACK_HDR_LEN 12
#define PACK_ID_LEN 20
#define SIZE_VARINT_MAX 10 /* 64 bits, 7 a byte */
#define DELTA_HDR_MAX (2 * SIZE_VARINT_MAX)
#define SCRATCH_LEN (16 * 1024)

struct itk_packscan {
    itk_packscan_limits lim;
    char *what;
    int state, rc;
    char *why; /* the failure, repeated by later calls */
    unsigned char buf[PACK_HDR_LEN];
    size_t have;          /* bytes of the current fixed-size part */
    uint64_t pos;         /* bytes fed so far */
    uint32_t count, seen; /* objects the pack says it holds, headers read */
    uint64_t length;      /* the pack's whole length when known, else 0 */
    /* the current object */
    uint64_t start, size, ofs, out;
    unsigned type, shift;
    unsigned char dhdr[DELTA_HDR_MAX];
    size_t dlen;
    int dchecked;
    z_stream zs;
    int zinit;
    uint64_t inflated;
    unsigned char scratch[SCRATCH_LEN];
};

static uint64_t max3(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t m = a > b ? a : b;
    return m > c ? m : c;
}

void itk_packscan_default_limits(itk_packscan_limits *lim)
{
    lim->commit = ITK_MAX_COMMIT_BYTES;
    lim->tree = ITK_MAX_TREE_BYTES;
    lim->blob = ITK_MAX_ATTACHMENT_BYTES;
    lim->tag = lim->delta = max3(lim->commit, lim->tree, lim->blob);
    lim->pack = ITK_PACK_MAX_BYTES;
}

int itk_packscan_new(itk_packscan **out, const itk_packscan_limits *lim, const char *what)
{
    *out = NULL;
    itk_packscan *s = calloc(1, sizeof(*s));
    if (!s || !(s->what = strdup(what ? what : "the pack"))) {
        free(s);
        return itk_error_set(ITK_ENOMEM, "out of memory");
    }
    if (lim)
        s->lim = *lim;
    else
        itk_packscan_default_limits(&s->lim);
    if (inflateInit(&s->zs) != Z_OK) {
        free(s->what);
        free(s);
        return itk_error_set(ITK_ENOMEM, "out of memory (zlib)");
    }
    s->zinit = 1;
    *out = s;
    return 0;
}

void itk_packscan_set_length(itk_packscan *s, uint64_t pack_bytes)
{
    s->length = pack_bytes;
}

void itk_packscan_free(itk_packscan *s)
{
    if (!s)
        return;
    if (s->zinit)
        inflateEnd(&s->zs);
    free(s->what);
    free(s->why);
    free(s);
}

uint64_t itk_packscan_objects(const itk_packscan *s)
{
    return s->seen;
}

uint64_t itk_packscan_inflated(const itk_packscan *s)
{
    return s->inflated;
}

uint64_t itk_packscan_count(const itk_packscan *s)
{
    return s->count;
}

uint64_t itk_packscan_bytes(const itk_packscan *s)
{
    return s->pos;
}

/* Sets the error and remembers it, so every later call says it again. */
static int scan_fail(itk_packscan *s, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int scan_fail(itk_packscan *s, int rc, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), itk__(fmt), ap);
    va_end(ap);
    s->state = ST_FAILED;
    s->rc = rc;
    free(s->why);
    s->why = strdup(msg);
    return itk_error_set(rc, "%s: %s", s->what, msg);
}

static const char *kind_name(unsigned type)
{
    switch (type) {
    case OBJ_COMMIT: return "commit";
    case OBJ_TREE: return "tree";
    case OBJ_BLOB: return "blob";
    case OBJ_TAG: return "tag";
    default: return "delta";
    }
}

static uint64_t limit_of(const itk_packscan *s, unsigned type)
{
    switch (type) {
    case OBJ_COMMIT: return s->lim.commit;
    case OBJ_TREE: return s->lim.tree;
    case OBJ_BLOB: return s->lim.blob;
    case OBJ_TAG: return s->lim.tag;
    default: return s->lim.delta;
    }
}

/* The most objects n bytes of pack can hold. */
static uint64_t objects_in(uint64_t n)
{
    return n < PACK_HDR_LEN + PACK_ID_LEN
               ? 0
               : (n - PACK_HDR_LEN - PACK_ID_LEN) / ITK_PACK_MIN_OBJECT_BYTES;
}

/* fmt: a whole sentence taking the object's number, its offset, the size and
 * the limit (translated by scan_fail; po/extract.sh knows too_big). */
#define too_big(s, fmt, size, limit)                                                               \
    scan_fail(s, ITK_ETOOBIG, fmt, (s)->seen, (unsigned long long)(s)->start,                      \
              (unsigned long long)(size), (unsigned long long)(limit))

/* The object header is read: check its declared size, then go on. */
static int header_done(itk_packscan *s)
{
    switch (s->type) {
    case OBJ_COMMIT:
    case OBJ_TREE:
    case OBJ_BLOB:
    case OBJ_TAG:
        if (s->size > limit_of(s, s->type))
            return scan_fail(s, ITK_ETOOBIG,
                             "object %u (at byte %llu) is a %s of %llu bytes, over the limit of "
                             "%llu bytes; it was not inflated",
                             s->seen, (unsigned long long)s->start, kind_name(s->type),
                             (unsigned long long)s->size, (unsigned long long)limit_of(s, s->type));
        s->state = ST_DATA;
        break;
    case OBJ_OFS:
    case OBJ_REF:
        if (s->size > s->lim.delta)
            return too_big(s,
                           "object %u (at byte %llu) is a delta whose instructions are %llu bytes, "
                           "over the limit of %llu bytes; it was not inflated",
                           s->size, s->lim.delta);
        s->state = s->type == OBJ_OFS ? ST_OFS : ST_REF;
        s->ofs = 0;
        s->have = 0;
        break;
    default:
        return scan_fail(s, ITK_EINVALID, "object %u (at byte %llu) has the unknown type %u",
                         s->seen, (unsigned long long)s->start, s->type);
    }
    s->out = 0;
    s->dlen = 0;
    s->dchecked = 0;
    if (inflateReset(&s->zs) != Z_OK)
        return scan_fail(s, ITK_EINVALID, "zlib cannot restart");
    return 0;
}

/* A varint of a delta's header: 7 bits a byte, low bits first. 1 when whole,
 * 0 when more bytes are needed, -1 when over 64 bits. */
static int delta_varint(itk_reader *r, uint64_t *v)
{
    uint64_t x = 0;
    unsigned shift = 0;
    uint8_t c;
    do {
        if (rd_u8(r, &c))
            return 0;
        if (shift > 63 || (shift == 63 && (c & 0x7e)))
            return -1;
        x |= (uint64_t)(c & 0x7f) << shift;
        shift += 7;
    } while (c & 0x80);
    *v = x;
    return 1;
}

/* Checks the delta's header once its bytes are in (or the stream ended). */
static int delta_header(itk_packscan *s, int ended)
{
    itk_reader r;
    uint64_t base = 0, result = 0;
    rd_init(&r, s->dhdr, s->dlen);
    int a = delta_varint(&r, &base), b = a == 1 ? delta_varint(&r, &result) : 0;
    if (a < 0 || b < 0)
        return scan_fail(s, ITK_EINVALID,
                         "object %u (at byte %llu) is a delta with a damaged header", s->seen,
                         (unsigned long long)s->start);
    if (a == 0 || b == 0) {
        if (ended || s->dlen == sizeof(s->dhdr))
            return scan_fail(s, ITK_EINVALID, "object %u (at byte %llu) is a delta cut short",
                             s->seen, (unsigned long long)s->start);
        return 0;
    }
    if (base > s->lim.delta)
        return too_big(s,
                       "object %u (at byte %llu) is a delta on a base of %llu bytes, over the "
                       "limit of %llu bytes; it was not inflated",
                       base, s->lim.delta);
    if (result > s->lim.delta)
        return too_big(s,
                       "object %u (at byte %llu) is a delta whose result is %llu bytes, over the "
                       "limit of %llu bytes; it was not inflated",
                       result, s->lim.delta);
    s->dchecked = 1;
    return 0;
}

/* Inflates what it can of the current object's stream from *p; returns 0
 * and advances *p and *len, or fails. */
static int data(itk_packscan *s, const unsigned char **p, size_t *len)
{
    int delta = s->type == OBJ_OFS || s->type == OBJ_REF;
    s->zs.next_in = (unsigned char *)*p;
    s->zs.avail_in = (uInt)(*len > UINT32_MAX ? UINT32_MAX : *len);
    size_t given = s->zs.avail_in;
    int z = Z_OK;
    while (s->zs.avail_in > 0 && z != Z_STREAM_END) {
        unsigned char *o;
        size_t room;
        if (delta && !s->dchecked) {
            /* only the header's bytes until it is checked */
            o = s->dhdr + s->dlen;
            room = sizeof(s->dhdr) - s->dlen;
        } else {
            o = s->scratch;
            room = sizeof(s->scratch);
        }
        s->zs.next_out = o;
        s->zs.avail_out = (uInt)room;
        z = inflate(&s->zs, Z_NO_FLUSH);
        /* what a damaged stream gave before the damage is checked first, as
         * it is when the same bytes come in smaller pieces: the verdict
         * does not depend on how the pack is cut */
        int damaged = z != Z_OK && z != Z_STREAM_END;
        size_t made = room - s->zs.avail_out;
        s->out += made;
        s->inflated += made;
        if (delta && !s->dchecked) {
            /* the header from the bytes the object says it has, however
             * many more one call of inflate gave */
            size_t all = s->dlen + made;
            uint64_t over = s->out > s->size ? s->out - s->size : 0;
            s->dlen = over >= all ? 0 : all - (size_t)over;
            int rc = delta_header(s, z == Z_STREAM_END || s->out >= s->size);
            s->dlen = all;
            if (rc)
                return rc;
        }
        if (s->out > s->size)
            return scan_fail(
                s, ITK_EINVALID,
                "object %u (at byte %llu) inflates to more than the %llu bytes it says", s->seen,
                (unsigned long long)s->start, (unsigned long long)s->size);
        if (damaged)
            return scan_fail(s, ITK_EINVALID, "object %u (at byte %llu) has a damaged zlib stream",
                             s->seen, (unsigned long long)s->start);
    }
    size_t used = given - s->zs.avail_in;
    *p += used;
    *len -= used;
    if (z == Z_STREAM_END) {
        if (s->out != s->size)
            return scan_fail(
                s, ITK_EINVALID,
                "object %u (at byte %llu) inflates to %llu bytes, not the %llu it says", s->seen,
                (unsigned long long)s->start, (unsigned long long)s->out,
                (unsigned long long)s->size);
        s->seen++;
        s->have = 0;
        s->state = s->seen == s->count ? ST_TRAILER : ST_OBJHDR;
    }
    return 0;
}

static int step(itk_packscan *s, const unsigned char **p, size_t *len)
{
    const unsigned char *q = *p;
    uint8_t c;
    switch (s->state) {
    case ST_PACKHDR:
        s->buf[s->have++] = *q;
        (*p)++, (*len)--;
        if (s->have < PACK_HDR_LEN)
            return 0;
        {
            itk_reader r;
            const unsigned char *sig;
            uint32_t version;
            rd_init(&r, s->buf, PACK_HDR_LEN);
            if (rd_bytes(&r, &sig, 4) || memcmp(sig, "PACK", 4) != 0 || rd_u32(&r, &version) ||
                (version != 2 && version != 3) || rd_u32(&r, &s->count))
                return scan_fail(s, ITK_EINVALID, "this is not a git pack (version 2 or 3)");
        }
        if (s->count > ITK_PACK_MAX_OBJECTS)
            return scan_fail(
                s, ITK_ETOOBIG,
                "the pack says it holds %u objects, more than the %u a registry's pack "
                "may hold",
                s->count, ITK_PACK_MAX_OBJECTS);
        if (s->length && s->count > objects_in(s->length))
            return scan_fail(s, ITK_EINVALID,
                             "the pack says it holds %u objects, more than its %llu bytes can hold",
                             s->count, (unsigned long long)s->length);
        s->have = 0;
        s->state = s->count ? ST_OBJHDR : ST_TRAILER;
        return 0;
    case ST_OBJHDR:
        c = *q;
        (*p)++, (*len)--;
        if (s->have++ == 0) {
            s->start = s->pos;
            s->type = (c >> 4) & 7;
            s->size = c & 15;
            s->shift = 4;
        } else {
            if (s->shift > 60 || (s->shift == 60 && (c & 0x70)))
                return scan_fail(s, ITK_EINVALID, "object %u (at byte %llu) has a damaged size",
                                 s->seen, (unsigned long long)s->start);
            s->size |= (uint64_t)(c & 0x7f) << s->shift;
            s->shift += 7;
        }
        return (c & 0x80) ? 0 : header_done(s);
    case ST_OFS:
        c = *q;
        (*p)++, (*len)--;
        if (s->have++ > 0)
            s->ofs += 1;
        if (s->ofs > (s->start >> 7) + 1)
            return scan_fail(s, ITK_EINVALID,
                             "object %u (at byte %llu) is a delta on a base before the pack",
                             s->seen, (unsigned long long)s->start);
        s->ofs = (s->ofs << 7) | (c & 0x7f);
        if (c & 0x80)
            return 0;
        if (s->ofs == 0 || s->ofs > s->start)
            return scan_fail(s, ITK_EINVALID,
                             "object %u (at byte %llu) is a delta on a base outside the pack",
                             s->seen, (unsigned long long)s->start);
        s->state = ST_DATA;
        return 0;
    case ST_REF:
        (*p)++, (*len)--;
        if (++s->have == PACK_ID_LEN)
            s->state = ST_DATA;
        return 0;
    case ST_DATA: return data(s, p, len);
    case ST_TRAILER:
        (*p)++, (*len)--;
        if (++s->have == PACK_ID_LEN)
            s->state = ST_DONE;
        return 0;
    default: return scan_fail(s, ITK_EINVALID, "bytes follow the pack's checksum");
    }
}

/* ITK_ETOOBIG when the pack is, or would be with len more bytes, longer
 * than the limit of a pack; else 0. */
static int over_length(itk_packscan *s, size_t len)
{
    uint64_t max = s->lim.pack ? s->lim.pack : ITK_PACK_MAX_BYTES;
    if (s->length > max)
        return scan_fail(s, ITK_ETOOBIG,
                         "the pack is %llu bytes, over the limit of %llu bytes for one pack; it "
                         "was not read",
                         (unsigned long long)s->length, (unsigned long long)max);
    if (s->pos <= max && len > max - s->pos)
        return scan_fail(s, ITK_ETOOBIG,
                         "the pack goes on past %llu bytes, the limit for one pack; the rest was "
                         "not read",
                         (unsigned long long)max);
    return 0;
}

int itk_packscan_feed(itk_packscan *s, const void *bytes, size_t len)
{
    int over = 0;
    if (!(s->state == ST_FAILED && s->rc == ITK_ETOOBIG) && (over = over_length(s, len))) {
        s->pos += len;
        return over;
    }
    if (s->state == ST_FAILED) {
        s->pos += len; /* counted still, for itk_packscan_finish */
        return itk_error_set(s->rc, "%s: %s", s->what, s->why ? s->why : "cannot be read");
    }
    const unsigned char *p = bytes;
    while (len > 0) {
        size_t before = len;
        int rc = step(s, &p, &len);
        s->pos += before - len;
        if (rc) {
            s->pos += len; /* the rest, counted for itk_packscan_finish */
            return rc;
        }
    }
    return 0;
}

int itk_packscan_finish(itk_packscan *s)
{
    /* a count the bytes fed cannot hold is the reason, whatever damage was
     * found after the real objects (their checksum read as an object) */
    if (s->count > objects_in(s->pos) && !(s->state == ST_FAILED && s->rc == ITK_ETOOBIG))
        return scan_fail(s, ITK_EINVALID,
                         "the pack says it holds %u objects, more than its %llu bytes can hold",
                         s->count, (unsigned long long)s->pos);
    if (s->state == ST_FAILED)
        return itk_error_set(s->rc, "%s: %s", s->what, s->why ? s->why : "cannot be read");
    if (s->state != ST_DONE)
        return scan_fail(s, ITK_EINVALID, "the pack stops short after %u of its %u objects",
                         s->seen, s->count);
    return 0;
}
