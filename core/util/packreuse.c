/* Packs written by copying what the repository's packs hold (packreuse.h).
 * A pack's index (version 2) gives each object's offset and the CRC-32 of
 * its entry; the entries sorted by offset give each one's end. Entries go
 * out in the order of their packs and offsets, so that the base of each
 * OFS_DELTA (always at a lower offset in its pack) is written before it. */
#include "packreuse.h"
#include "alloc.h"
#include "array.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "objsize.h"
#include "oidmap.h"
#include "packidx.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define OBJ_OFS_DELTA 6
#define OBJ_REF_DELTA 7
#define PACK_HEADER 12
#define SHA_LEN 20

typedef struct {
    const unsigned char *idx, *pack;
    size_t idx_len, pack_len;
    uint32_t n;
    const unsigned char *fanout, *ids, *crcs, *off32, *off64;
    size_t n64;
    uint64_t *sorted;     /* n offsets, ascending; built when first needed */
    uint32_t *sorted_pos; /* the index position of each */
    unsigned char *types; /* each one's object type, 0 until a check finds it */
} pack_file;

enum { OUT_BUILD, OUT_VERBATIM, OUT_OFS, OUT_REF };

typedef struct {
    git_oid id;
    size_t name; /* offset in names + 1; 0: none */
    int pack;    /* -1: in no pack */
    uint32_t pos;
    uint64_t off, end;
    int mode;
    int planned; /* its mode is decided */
    int checked; /* its type and size are */
    git_object_t want;
    size_t max;
    size_t data_at; /* the entry's compressed data, from off */
    size_t hdr_len; /* its type and size header */
    size_t base;    /* OUT_OFS: the base's object index */
    git_oid base_id;
    uint64_t new_off;
} obj;

struct itk_packreuse {
    git_repository *repo;
    pack_file *packs;
    size_t npacks, apacks;
    obj *objs;
    size_t nobjs, aobjs;
    itk_oidmap index; /* id -> object index + 1 */
    itk_oidmap held;
    itk_buf names;
    z_stream z; /* for the first bytes of deltas */
    int z_ready;
    int planned;
    size_t *order, norder; /* the objects copied, in the order written */
    size_t copied, deltas, built;
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void unmap_pack(pack_file *f)
{
    if (f->idx)
        munmap((void *)f->idx, f->idx_len);
    if (f->pack)
        munmap((void *)f->pack, f->pack_len);
    free(f->sorted);
    free(f->sorted_pos);
    free(f->types);
}

static const unsigned char *map_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    void *m = MAP_FAILED;
    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        *len = (size_t)st.st_size;
        m = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    close(fd);
    return m == MAP_FAILED ? NULL : m;
}

/* Maps one pack and its index, checking the index whole (packidx.h) and
 * that it is this pack's (the pack's trailer is the checksum the index
 * records). 0 when the pack is usable; one that is not leaves the message
 * as it was (its objects go through the packbuilder). */
static int open_pack(pack_file *f, const char *idx_path, const char *pack_path)
{
    memset(f, 0, sizeof(*f));
    if (!(f->idx = map_file(idx_path, &f->idx_len)) ||
        !(f->pack = map_file(pack_path, &f->pack_len)))
        return -1;
    itk_packidx x;
    itk_error_state saved;
    itk_error_save(&saved);
    int bad = itk_packidx_parse(&x, f->idx, f->idx_len, f->pack_len, idx_path);
    itk_error_restore(&saved);
    if (bad)
        return -1;
    f->n = x.n;
    f->fanout = x.fanout;
    f->ids = x.ids;
    f->crcs = x.crcs;
    f->off32 = x.off32;
    f->off64 = x.off64;
    f->n64 = x.n64;
    if (f->pack_len < PACK_HEADER + SHA_LEN || memcmp(f->pack, "PACK", 4) != 0 ||
        (be32(f->pack + 4) != 2 && be32(f->pack + 4) != 3) ||
        memcmp(f->pack + f->pack_len - SHA_LEN, x.pack_id, SHA_LEN) != 0)
        return -1;
    return 0;
}

/* The offset of the object at index position pos, or 0 when the index says
 * one outside the pack's entries. */
static uint64_t offset_at(const pack_file *f, uint32_t pos)
{
    uint32_t v = be32(f->off32 + 4 * (size_t)pos);
    uint64_t off = v;
    if (v & 0x80000000u) {
        size_t k = v & 0x7fffffffu;
        if (k >= f->n64)
            return 0;
        const unsigned char *p = f->off64 + 8 * k;
        off = (uint64_t)be32(p) << 32 | be32(p + 4);
    }
    return off >= PACK_HEADER && off < f->pack_len - SHA_LEN ? off : 0;
}

static int find_in(const pack_file *f, const git_oid *id, uint32_t *pos)
{
    unsigned b = id->id[0];
    uint32_t lo = b ? be32(f->fanout + 4 * (b - 1)) : 0, hi = be32(f->fanout + 4 * b);
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = memcmp(f->ids + (size_t)mid * SHA_LEN, id->id, SHA_LEN);
        if (c == 0) {
            *pos = mid;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int cmp_u64_pos(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* f's offsets in ascending order, each with its index position (packed as
 * offset << 0 in sorted and the position beside it). */
static int sort_offsets(pack_file *f)
{
    if (f->sorted)
        return 0;
    uint64_t(*pairs)[2] = itk_calloc(f->n ? f->n : 1, sizeof(*pairs));
    if (!pairs)
        return ITK_ENOMEM;
    for (uint32_t i = 0; i < f->n; i++) {
        pairs[i][0] = offset_at(f, i);
        pairs[i][1] = i;
    }
    qsort(pairs, f->n, sizeof(*pairs), cmp_u64_pos);
    f->sorted = itk_calloc(f->n ? f->n : 1, sizeof(*f->sorted));
    f->sorted_pos = itk_calloc(f->n ? f->n : 1, sizeof(*f->sorted_pos));
    f->types = itk_calloc(f->n ? f->n : 1, 1);
    if (!f->sorted || !f->sorted_pos || !f->types) {
        free(pairs);
        return ITK_ENOMEM;
    }
    for (uint32_t i = 0; i < f->n; i++) {
        f->sorted[i] = pairs[i][0];
        f->sorted_pos[i] = (uint32_t)pairs[i][1];
    }
    free(pairs);
    return 0;
}

/* The index in f->sorted of offset off, or -1. */
static long sorted_index(const pack_file *f, uint64_t off)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->sorted[mid] == off)
            return (long)mid;
        if (f->sorted[mid] < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* itk_packidx_each's: the pack of idx added to p's when it is usable. */
static int pack_opened(const char *idx, const char *pack, void *payload)
{
    itk_packreuse *p = payload;
    if (itk_array_reserve(&p->packs, &p->apacks, p->npacks + 1, sizeof(*p->packs)))
        return ITK_ENOMEM;
    if (open_pack(&p->packs[p->npacks], idx, pack) == 0)
        p->npacks++;
    else
        unmap_pack(&p->packs[p->npacks]);
    return 0;
}

int itk_packreuse_new(itk_packreuse **out, git_repository *repo)
{
    *out = NULL;
    itk_packreuse *p = itk_calloc(1, sizeof(*p));
    if (!p)
        return ITK_ENOMEM;
    p->repo = repo;
    if (itk_oidmap_init(&p->index) || itk_oidmap_init(&p->held)) {
        itk_packreuse_free(p);
        return ITK_ENOMEM;
    }
    char dir[4096];
    snprintf(dir, sizeof(dir), "%sobjects/pack", git_repository_path(repo));
    if (itk_packidx_each(dir, pack_opened, p)) {
        itk_packreuse_free(p);
        return ITK_ENOMEM;
    }
    for (size_t k = 0; k < p->npacks; k++)
        if (sort_offsets(&p->packs[k])) {
            itk_packreuse_free(p);
            return ITK_ENOMEM;
        }
    if (inflateInit(&p->z) != Z_OK) {
        itk_packreuse_free(p);
        return ITK_ENOMEM;
    }
    p->z_ready = 1;
    *out = p;
    return 0;
}

void itk_packreuse_free(itk_packreuse *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->npacks; i++)
        unmap_pack(&p->packs[i]);
    free(p->packs);
    free(p->objs);
    free(p->order);
    if (p->z_ready)
        inflateEnd(&p->z);
    itk_oidmap_free(&p->index);
    itk_oidmap_free(&p->held);
    itk_buf_dispose(&p->names);
    free(p);
}

typedef struct {
    int type;
    uint64_t size;     /* the object's, or for a delta the delta's */
    size_t hdr_len;    /* the type and size header */
    size_t data_at;    /* the compressed data, from the entry's start */
    uint64_t base_off; /* OFS_DELTA */
    git_oid base_id;   /* REF_DELTA */
} entry;

/* Reads the header of the entry at off, which ends before end. 0, or -1
 * when it is damaged. */
static int read_entry(entry *h, const pack_file *f, uint64_t off, uint64_t end)
{
    const unsigned char *e = f->pack + off;
    size_t len = (size_t)(end - off), i = 0;
    if (end <= off || len < 2)
        return -1;
    unsigned char c = e[i++];
    h->type = (c >> 4) & 7;
    h->size = c & 15;
    unsigned shift = 4;
    while (c & 0x80) {
        if (i >= len || shift > 57)
            return -1;
        c = e[i++];
        h->size |= (uint64_t)(c & 0x7f) << shift;
        shift += 7;
    }
    h->hdr_len = i;
    if (h->type == OBJ_OFS_DELTA) {
        if (i >= len)
            return -1;
        c = e[i++];
        uint64_t ofs = c & 0x7f;
        while (c & 0x80) {
            if (i >= len || ofs >> 56)
                return -1;
            c = e[i++];
            ofs = ((ofs + 1) << 7) | (c & 0x7f);
        }
        if (ofs == 0 || ofs > off - PACK_HEADER)
            return -1;
        h->base_off = off - ofs;
    } else if (h->type == OBJ_REF_DELTA) {
        if (i + SHA_LEN > len)
            return -1;
        git_oid_fromraw(&h->base_id, e + i);
        i += SHA_LEN;
    } else if (h->type < 1 || h->type > 4) {
        return -1;
    }
    if (i >= len)
        return -1;
    h->data_at = i;
    return 0;
}

/* The size of the object a delta makes: the second number of its
 * instructions, read from their first bytes. 0, or -1. */
static int delta_result_size(itk_packreuse *p, uint64_t *size, const unsigned char *data,
                             size_t len)
{
    unsigned char out[32];
    if (inflateReset(&p->z) != Z_OK)
        return -1;
    p->z.next_in = (unsigned char *)data;
    p->z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
    p->z.next_out = out;
    p->z.avail_out = sizeof(out);
    int zr = inflate(&p->z, Z_SYNC_FLUSH);
    if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
        return -1;
    size_t n = sizeof(out) - p->z.avail_out, i = 0;
    for (int k = 0; k < 2; k++) {
        uint64_t v = 0;
        unsigned shift = 0;
        unsigned char c;
        do {
            if (i >= n || shift > 57)
                return -1;
            c = out[i++];
            v |= (uint64_t)(c & 0x7f) << shift;
            shift += 7;
        } while (c & 0x80);
        *size = v;
    }
    return 0;
}

/* The end of the entry at off: the next offset of f, or its trailer. */
static uint64_t entry_end(const pack_file *f, long s)
{
    return (size_t)s + 1 < f->n ? f->sorted[s + 1] : f->pack_len - SHA_LEN;
}

/* Whether the entry h at off in f is an object of o's type within o's
 * limit, found from the headers alone (a delta's type is its chain's
 * first base's). 0 when unsure: the caller asks libgit2. */
static int entry_fits(itk_packreuse *p, const pack_file *f, const obj *o, const entry *h, long at_s)
{
    uint64_t size = h->size;
    entry b = *h;
    int type = h->type;
    if (h->type > 4 && delta_result_size(p, &size, f->pack + o->off + h->data_at,
                                         (size_t)(o->end - o->off) - h->data_at))
        return 0;
    /* the chain's entries, each given the type found at its end */
    long chain[64];
    size_t nchain = 0;
    long s = at_s;
    for (unsigned depth = 0; type > 4; depth++) {
        if (f->types[s]) {
            type = f->types[s];
            break;
        }
        if (nchain < sizeof(chain) / sizeof(chain[0]))
            chain[nchain++] = s;
        uint64_t at = b.base_off;
        uint32_t pos;
        if (b.type == OBJ_REF_DELTA && (!find_in(f, &b.base_id, &pos) || !(at = offset_at(f, pos))))
            return 0;
        s = sorted_index(f, at);
        if (depth > 10000 || s < 0 || read_entry(&b, f, at, entry_end(f, s)))
            return 0;
        type = b.type;
    }
    for (size_t i = 0; i < nchain; i++)
        f->types[chain[i]] = (unsigned char)type;
    return type == (int)o->want && size <= o->max;
}

/* Checks o with libgit2 (itk_object_size): for what the headers alone do
 * not settle. */
static int check_slow(itk_packreuse *p, const obj *o)
{
    return itk_object_size(NULL, p->repo, &o->id, o->want, o->max);
}

/* Checks o's type and size from its entry's headers, or with libgit2. */
static int check(itk_packreuse *p, obj *o)
{
    o->checked = 1;
    if (o->pack < 0)
        return check_slow(p, o);
    const pack_file *f = &p->packs[o->pack];
    entry h;
    long s = sorted_index(f, o->off);
    if (s < 0)
        return check_slow(p, o);
    o->end = entry_end(f, s);
    if (read_entry(&h, f, o->off, o->end) || !entry_fits(p, f, o, &h, s))
        return check_slow(p, o);
    return 0;
}

int itk_packreuse_insert(itk_packreuse *p, const git_oid *id, const char *path, git_object_t want,
                         size_t max)
{
    if (itk_array_reserve(&p->objs, &p->aobjs, p->nobjs + 1, sizeof(*p->objs)))
        return ITK_ENOMEM;
    obj *o = &p->objs[p->nobjs];
    memset(o, 0, sizeof(*o));
    o->id = *id;
    o->pack = -1;
    o->want = want;
    o->max = max;
    for (size_t k = 0; k < p->npacks && o->pack < 0; k++) {
        uint32_t pos;
        if (find_in(&p->packs[k], id, &pos) && (o->off = offset_at(&p->packs[k], pos))) {
            o->pack = (int)k;
            o->pos = pos;
        }
    }
    /* a commit or folder is read next (the walk lists what it names) */
    int rc = want == GIT_OBJECT_BLOB ? 0 : check(p, o);
    if (rc)
        return rc;
    if (path) {
        o->name = p->names.size + 1;
        if (itk_buf_put(&p->names, path, strlen(path) + 1))
            return ITK_ENOMEM;
    }
    if (itk_oidmap_set(&p->index, id, (void *)(uintptr_t)(p->nobjs + 1)))
        return ITK_ENOMEM;
    p->nobjs++;
    return 0;
}

int itk_packreuse_hold(itk_packreuse *p, const git_oid *id)
{
    return itk_oidmap_set(&p->held, id, (void *)1) ? ITK_ENOMEM : 0;
}

size_t itk_packreuse_count(const itk_packreuse *p)
{
    return p->nobjs;
}

void itk_packreuse_stats(const itk_packreuse *p, size_t *copied, size_t *deltas, size_t *built)
{
    *copied = p->copied;
    *deltas = p->deltas;
    *built = p->built;
}

/* ---- deciding what each object becomes ---- */

/* The object index + 1 of id among those going out, or 0. */
static size_t index_of(const itk_packreuse *p, const git_oid *id)
{
    return (size_t)(uintptr_t)itk_oidmap_get(&p->index, id);
}

/* An object found in a pack, for the order of the copy. */
typedef struct {
    int pack;
    uint64_t off;
    size_t i;
} place;

static int cmp_place(const void *a, const void *b)
{
    const place *x = a, *y = b;
    if (x->pack != y->pack)
        return x->pack < y->pack ? -1 : 1;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* How o, found in a pack, goes out (its mode); 0 (an entry that cannot be
 * copied goes to the packbuilder). */
static int decide(itk_packreuse *p, obj *o)
{
    pack_file *f = &p->packs[o->pack];
    entry h;
    long s = sorted_index(f, o->off);
    if (s < 0)
        return 0;
    o->end = entry_end(f, s);
    if (read_entry(&h, f, o->off, o->end) ||
        crc32_z(0, f->pack + o->off, (size_t)(o->end - o->off)) !=
            be32(f->crcs + 4 * (size_t)o->pos))
        return 0;
    o->hdr_len = h.hdr_len;
    o->data_at = h.data_at;
    if (h.type <= 4) {
        o->mode = OUT_VERBATIM;
        return 0;
    }
    git_oid base_id = h.base_id;
    if (h.type == OBJ_OFS_DELTA) {
        long b = sorted_index(f, h.base_off);
        if (b < 0)
            return 0;
        git_oid_fromraw(&base_id, f->ids + (size_t)f->sorted_pos[b] * SHA_LEN);
    }
    size_t bi = index_of(p, &base_id);
    const obj *base = bi ? &p->objs[bi - 1] : NULL;
    /* every base comes earlier in the copy, or from the packbuilder (whose
     * deltas name only its own objects), or from the receiver: no chain of
     * deltas turns back on itself */
    if (base && !base->planned)
        return 0;
    if (h.type == OBJ_OFS_DELTA && base && base->mode != OUT_BUILD && base->pack == o->pack &&
        base->off == h.base_off) {
        o->mode = OUT_OFS;
        o->base = bi - 1;
    } else if (base || itk_oidmap_has(&p->held, &base_id)) {
        o->mode = h.type == OBJ_REF_DELTA ? OUT_VERBATIM : OUT_REF;
        o->base_id = base_id;
    } else {
        return 0;
    }
    p->deltas++;
    return 0;
}

int itk_packreuse_plan(itk_packreuse *p)
{
    int rc = 0;
    if (p->planned)
        return 0;
    size_t *ord = itk_calloc(p->nobjs ? p->nobjs : 1, sizeof(*ord));
    place *pl = itk_calloc(p->nobjs ? p->nobjs : 1, sizeof(*pl));
    if (!ord || !pl) {
        rc = ITK_ENOMEM;
        goto done;
    }
    size_t n = 0;
    for (size_t i = 0; i < p->nobjs; i++) {
        obj *o = &p->objs[i];
        if (!o->checked && (rc = check(p, o)))
            goto done;
        o->mode = OUT_BUILD;
        if (o->pack >= 0)
            pl[n++] = (place){o->pack, o->off, i};
        else
            o->planned = 1;
    }
    qsort(pl, n, sizeof(*pl), cmp_place);
    size_t kept = 0;
    for (size_t j = 0; j < n; j++) {
        obj *o = &p->objs[pl[j].i];
        if ((rc = decide(p, o)))
            goto done;
        o->planned = 1;
        if (o->mode != OUT_BUILD)
            ord[kept++] = pl[j].i;
    }
    p->copied = kept;
    p->order = ord;
    p->norder = kept;
    p->planned = 1;
    ord = NULL;
done:
    free(ord);
    free(pl);
    return rc;
}

/* ---- writing ---- */

typedef struct {
    EVP_MD_CTX *sha;
    git_packbuilder_foreach_cb cb;
    void *payload;
    uint64_t written;
    /* the packbuilder's pack, less its header and trailer */
    size_t skip;
    unsigned char tail[SHA_LEN];
    size_t ntail;
} sink;

static int emit(sink *s, const void *data, size_t len)
{
    if (!len)
        return 0;
    if (EVP_DigestUpdate(s->sha, data, len) != 1)
        return ITK_ENOMEM;
    s->written += len;
    return s->cb((void *)data, len, s->payload);
}

static size_t ofs_encode(unsigned char out[16], uint64_t ofs)
{
    unsigned char tmp[16];
    size_t pos = sizeof(tmp) - 1;
    tmp[pos] = ofs & 127;
    while (ofs >>= 7)
        tmp[--pos] = 128 | (--ofs & 127);
    memcpy(out, tmp + pos, sizeof(tmp) - pos);
    return sizeof(tmp) - pos;
}

static int write_copied(itk_packreuse *p, sink *s)
{
    const size_t *order = p->order, n = p->norder;
    int rc;
    for (size_t j = 0; j < n; j++) {
        obj *o = &p->objs[order[j]];
        const unsigned char *e = p->packs[o->pack].pack + o->off;
        o->new_off = s->written;
        if (o->mode == OUT_VERBATIM) {
            if ((rc = emit(s, e, (size_t)(o->end - o->off))))
                return rc;
            continue;
        }
        /* a delta: the header with its type changed, then its base */
        unsigned char hdr[32], ref[16];
        memcpy(hdr, e, o->hdr_len);
        hdr[0] = (unsigned char)((hdr[0] & 0x8f) |
                                 (o->mode == OUT_OFS ? OBJ_OFS_DELTA : OBJ_REF_DELTA) << 4);
        if ((rc = emit(s, hdr, o->hdr_len)))
            return rc;
        if (o->mode == OUT_OFS)
            rc = emit(s, ref, ofs_encode(ref, o->new_off - p->objs[o->base].new_off));
        else
            rc = emit(s, o->base_id.id, SHA_LEN);
        if (rc || (rc = emit(s, e + o->data_at, (size_t)(o->end - o->off) - o->data_at)))
            return rc;
    }
    return 0;
}

/* The packbuilder's pack, its 12-byte header skipped and its 20-byte
 * trailer held back. */
static int built_chunk(void *buf, size_t size, void *payload)
{
    sink *s = payload;
    const unsigned char *d = buf;
    if (s->skip) {
        size_t k = size < s->skip ? size : s->skip;
        d += k;
        size -= k;
        s->skip -= k;
    }
    if (s->ntail + size <= SHA_LEN) {
        memcpy(s->tail + s->ntail, d, size);
        s->ntail += size;
        return 0;
    }
    /* out goes what stays ahead of the last SHA_LEN bytes seen */
    size_t out = s->ntail + size - SHA_LEN;
    size_t from_tail = out < s->ntail ? out : s->ntail;
    int rc = emit(s, s->tail, from_tail);
    if (rc)
        return rc;
    memmove(s->tail, s->tail + from_tail, s->ntail - from_tail);
    s->ntail -= from_tail;
    size_t from_d = out - from_tail;
    if ((rc = emit(s, d, from_d)))
        return rc;
    memcpy(s->tail + s->ntail, d + from_d, size - from_d);
    s->ntail += size - from_d;
    return 0;
}

int itk_packreuse_write(itk_packreuse *p, unsigned threads, git_packbuilder_foreach_cb cb,
                        void *payload)
{
    git_packbuilder *pb = NULL;
    sink s = {0};
    size_t norder;
    int rc = itk_packreuse_plan(p);
    if (rc)
        return rc;
    norder = p->norder;
    p->built = 0;
    if (norder < p->nobjs) {
        if (git_packbuilder_new(&pb, p->repo) < 0) {
            rc = ITK_EGIT;
            goto done;
        }
        git_packbuilder_set_threads(pb, threads);
        for (size_t i = 0; i < p->nobjs; i++) {
            const obj *o = &p->objs[i];
            if (o->mode != OUT_BUILD)
                continue;
            if (git_packbuilder_insert(pb, &o->id, o->name ? p->names.ptr + o->name - 1 : NULL) <
                0) {
                rc = ITK_EGIT;
                goto done;
            }
        }
        p->built = git_packbuilder_object_count(pb);
    }
    if (!(s.sha = EVP_MD_CTX_new()) || EVP_DigestInit_ex(s.sha, EVP_sha1(), NULL) != 1) {
        rc = ITK_ENOMEM;
        goto done;
    }
    s.cb = cb;
    s.payload = payload;
    unsigned char head[PACK_HEADER] = {'P', 'A', 'C', 'K', 0, 0, 0, 2};
    uint32_t count = (uint32_t)(norder + p->built);
    head[8] = (unsigned char)(count >> 24);
    head[9] = (unsigned char)(count >> 16);
    head[10] = (unsigned char)(count >> 8);
    head[11] = (unsigned char)count;
    if ((rc = emit(&s, head, sizeof(head))) || (rc = write_copied(p, &s)))
        goto done;
    if (pb) {
        s.skip = PACK_HEADER;
        if ((rc = git_packbuilder_foreach(pb, built_chunk, &s)))
            goto done;
        if (s.skip || s.ntail != SHA_LEN) {
            git_error_set_str(GIT_ERROR_INVALID, "the packbuilder wrote no whole pack");
            rc = ITK_EGIT;
            goto done;
        }
    }
    unsigned char sum[EVP_MAX_MD_SIZE];
    unsigned int sum_len = 0;
    if (EVP_DigestFinal_ex(s.sha, sum, &sum_len) != 1 || sum_len != SHA_LEN) {
        rc = ITK_ENOMEM;
        goto done;
    }
    rc = s.cb(sum, SHA_LEN, payload);
done:
    EVP_MD_CTX_free(s.sha);
    git_packbuilder_free(pb);
    return rc;
}
