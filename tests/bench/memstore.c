/* The generator's object store in memory: an open-addressing table of the
 * objects by id, in the order they were written. See memstore.h. */
#include "memstore.h"

#include <git2/sys/odb_backend.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct {
    git_oid id;
    git_object_t type;
    size_t len;
    unsigned char *data; /* len bytes and a NUL */
} object;

typedef struct {
    git_odb_backend parent;
    object *objs; /* in the order written */
    size_t n, cap;
    uint32_t *slot; /* index + 1 into objs, 0 for none; nslot a power of 2 */
    size_t nslot;
    size_t bytes;
} store;

static size_t hash_of(const git_oid *id)
{
    size_t h;
    memcpy(&h, id->id, sizeof(h)); /* ids are already uniform */
    return h;
}

static object *find(store *s, const git_oid *id)
{
    if (!s->nslot)
        return NULL;
    for (size_t i = hash_of(id) & (s->nslot - 1);; i = (i + 1) & (s->nslot - 1)) {
        if (!s->slot[i])
            return NULL;
        object *o = &s->objs[s->slot[i] - 1];
        if (git_oid_equal(&o->id, id))
            return o;
    }
}

static void place(store *s, size_t index)
{
    size_t i = hash_of(&s->objs[index].id) & (s->nslot - 1);
    while (s->slot[i])
        i = (i + 1) & (s->nslot - 1);
    s->slot[i] = (uint32_t)(index + 1);
}

static int grow(store *s)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        object *o = realloc(s->objs, cap * sizeof(*o));
        if (!o)
            return -1;
        s->objs = o;
        s->cap = cap;
    }
    if (2 * (s->n + 1) > s->nslot) {
        size_t nslot = s->nslot ? s->nslot * 2 : 8192;
        uint32_t *slot = calloc(nslot, sizeof(*slot));
        if (!slot)
            return -1;
        free(s->slot);
        s->slot = slot;
        s->nslot = nslot;
        for (size_t i = 0; i < s->n; i++)
            place(s, i);
    }
    return 0;
}

static int st_read(void **data, size_t *len, git_object_t *type, git_odb_backend *b,
                   const git_oid *id)
{
    object *o = find((store *)b, id);
    if (!o)
        return GIT_ENOTFOUND;
    if (!(*data = git_odb_backend_data_alloc(b, o->len + 1)))
        return -1;
    memcpy(*data, o->data, o->len + 1);
    *len = o->len;
    *type = o->type;
    return 0;
}

static int st_read_header(size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *id)
{
    object *o = find((store *)b, id);
    if (!o)
        return GIT_ENOTFOUND;
    *len = o->len;
    *type = o->type;
    return 0;
}

static int st_exists(git_odb_backend *b, const git_oid *id)
{
    return find((store *)b, id) != NULL;
}

static int st_write(git_odb_backend *b, const git_oid *id, const void *data, size_t len,
                    git_object_t type)
{
    store *s = (store *)b;
    if (find(s, id))
        return 0;
    unsigned char *copy = malloc(len + 1);
    if (!copy || grow(s) < 0) {
        free(copy);
        return -1;
    }
    memcpy(copy, data, len);
    copy[len] = 0;
    s->objs[s->n] = (object){*id, type, len, copy};
    place(s, s->n++);
    s->bytes += len;
    return 0;
}

static void clear(store *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->objs[i].data);
    s->n = 0;
    s->bytes = 0;
    if (s->nslot)
        memset(s->slot, 0, s->nslot * sizeof(*s->slot));
}

static void st_free(git_odb_backend *b)
{
    store *s = (store *)b;
    clear(s);
    free(s->objs);
    free(s->slot);
    free(s);
}

int memstore_new(git_odb_backend **out)
{
    store *s = calloc(1, sizeof(*s));
    if (!s)
        return -1;
    s->parent.version = GIT_ODB_BACKEND_VERSION;
    s->parent.read = st_read;
    s->parent.read_header = st_read_header;
    s->parent.write = st_write;
    s->parent.exists = st_exists;
    s->parent.free = st_free;
    *out = &s->parent;
    return 0;
}

size_t memstore_bytes(git_odb_backend *b)
{
    return ((store *)b)->bytes;
}

/* A pack entry's header: the type and the size, 4 bits then 7 a byte. */
static size_t entry_header(unsigned char out[16], git_object_t type, size_t len)
{
    size_t n = 0;
    unsigned char c = (unsigned char)((type << 4) | (len & 15));
    for (len >>= 4; len; len >>= 7) {
        out[n++] = c | 0x80;
        c = len & 0x7f;
    }
    out[n++] = c;
    return n;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (unsigned char)(v >> (24 - 8 * k));
}

static const store *sorting;

static int by_id(const void *a, const void *b)
{
    return git_oid_cmp(&sorting->objs[*(const uint32_t *)a].id,
                       &sorting->objs[*(const uint32_t *)b].id);
}

/* The version-2 index of a pack whose entries start at off[i] and have the
 * CRC-32 crc[i] (every offset below 2 GiB), ending in its own SHA-1. */
static unsigned char *index_of(store *s, const uint32_t *off, const uint32_t *crc,
                               const unsigned char pack_sum[20], size_t *size)
{
    size_t n = s->n;
    uint32_t *order = malloc(n * sizeof(*order));
    unsigned char *idx = malloc(8 + 1024 + n * 28 + 40), *p = idx;
    if (!order || !idx) {
        free(order);
        free(idx);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    sorting = s;
    qsort(order, n, sizeof(*order), by_id);
    memcpy(p, "\377tOc\0\0\0\2", 8);
    p += 8;
    for (unsigned b = 0, i = 0; b < 256; b++, p += 4) {
        while (i < n && s->objs[order[i]].id.id[0] <= b)
            i++;
        put32(p, i);
    }
    for (size_t i = 0; i < n; i++, p += 20)
        memcpy(p, s->objs[order[i]].id.id, 20);
    for (size_t i = 0; i < n; i++, p += 4)
        put32(p, crc[order[i]]);
    for (size_t i = 0; i < n; i++, p += 4)
        put32(p, off[order[i]]);
    memcpy(p, pack_sum, 20);
    p += 20;
    EVP_Digest(idx, (size_t)(p - idx), p, NULL, EVP_sha1(), NULL);
    *size = (size_t)(p - idx) + 20;
    free(order);
    return idx;
}

/* path (a temporary name beside it first, so that no reader sees half) */
static int write_file(const char *path, const unsigned char *data, size_t size)
{
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(data, 1, size, f) == size;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        git_error_set_str(GIT_ERROR_OS, "cannot write a pack");
        return -1;
    }
    return 0;
}

int memstore_pack(git_odb_backend *b, const char *pack_dir)
{
    store *s = (store *)b;
    unsigned char *pack = NULL, *idx = NULL, hdr[16];
    uint32_t *off = NULL, *crc = NULL;
    size_t size = 12, cap = 12, idx_size = 0;
    char path[4200], hex[GIT_OID_HEXSZ + 1];
    git_oid sum;
    int rc = -1;
    if (!s->n)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        cap += 16 + compressBound(s->objs[i].len);
    pack = malloc(cap + 20);
    off = malloc(s->n * sizeof(*off));
    crc = malloc(s->n * sizeof(*crc));
    if (!pack || !off || !crc)
        goto done;
    memcpy(pack, "PACK\0\0\0\2", 8);
    put32(pack + 8, (uint32_t)s->n);
    for (size_t i = 0; i < s->n; i++) {
        object *o = &s->objs[i];
        size_t h = entry_header(hdr, o->type, o->len);
        uLongf z = (uLongf)(cap - size - h);
        memcpy(pack + size, hdr, h);
        if (size >= 1u << 31 || compress2(pack + size + h, &z, o->data, o->len, 1) != Z_OK)
            goto done;
        off[i] = (uint32_t)size;
        crc[i] = (uint32_t)crc32(0, pack + size, (uInt)(h + z));
        size += h + z;
    }
    EVP_Digest(pack, size, pack + size, NULL, EVP_sha1(), NULL);
    git_oid_fromraw(&sum, pack + size);
    size += 20;
    if (!(idx = index_of(s, off, crc, pack + size - 20, &idx_size)))
        goto done;
    git_oid_tostr(hex, sizeof(hex), &sum);
    /* the pack, then its index: the object store looks for indexes */
    snprintf(path, sizeof(path), "%s/pack-%s.pack", pack_dir, hex);
    if (write_file(path, pack, size) < 0)
        goto done;
    snprintf(path, sizeof(path), "%s/pack-%s.idx", pack_dir, hex);
    if (write_file(path, idx, idx_size) < 0)
        goto done;
    clear(s);
    rc = 0;
done:
    free(pack);
    free(idx);
    free(off);
    free(crc);
    return rc;
}
