/* The generator's object store in memory: an open-addressing table of the
 * objects by id, in the order they were written. See memstore.h. */
#include "memstore.h"

#include <git2/sys/odb_backend.h>
#include <openssl/evp.h>
#include <stdint.h>
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

int memstore_pack(git_odb_backend *b, git_odb *odb)
{
    store *s = (store *)b;
    git_odb_writepack *wp = NULL;
    git_indexer_progress st;
    unsigned char *pack = NULL, hdr[16];
    size_t size = 12, cap = 12;
    int rc = -1;
    if (!s->n)
        return 0;
    for (size_t i = 0; i < s->n; i++)
        cap += 16 + compressBound(s->objs[i].len);
    if (!(pack = malloc(cap + 20)))
        return -1;
    memcpy(pack, "PACK\0\0\0\2", 8);
    for (int k = 0; k < 4; k++)
        pack[8 + k] = (unsigned char)(s->n >> (24 - 8 * k));
    for (size_t i = 0; i < s->n; i++) {
        object *o = &s->objs[i];
        size_t h = entry_header(hdr, o->type, o->len);
        uLongf z = (uLongf)(cap - size - h);
        memcpy(pack + size, hdr, h);
        if (compress2(pack + size + h, &z, o->data, o->len, 1) != Z_OK)
            goto done;
        size += h + z;
    }
    EVP_Digest(pack, size, pack + size, NULL, EVP_sha1(), NULL);
    size += 20;
    memset(&st, 0, sizeof(st));
    /* in pieces, as from a network: libgit2's indexer handed a whole pack at
     * once sometimes finds "unexpected data at the end of the pack" */
    if ((rc = git_odb_write_pack(&wp, odb, NULL, NULL)) < 0)
        goto done;
    for (size_t off = 0; off < size; off += 65536)
        if ((rc = wp->append(wp, pack + off, size - off < 65536 ? size - off : 65536, &st)) < 0)
            goto done;
    if ((rc = wp->commit(wp, &st)) < 0)
        goto done;
    clear(s);
done:
    if (wp)
        wp->free(wp);
    free(pack);
    return rc;
}
