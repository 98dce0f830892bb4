#include "gitindex.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "itaku/errors.h"

#define SHA_LEN 20
#define HEADER_LEN 12
/* ctime, mtime (8 bytes each), dev, ino, mode, uid, gid, size (4 each), the
 * object's name, the 16-bit flags */
#define ENTRY_FIXED (8 + 8 + 6 * 4 + SHA_LEN + 2)
#define FLAG_EXTENDED 0x4000u
#define FLAG_STAGE 0x3000u
#define NAME_MASK 0xfffu

static int refuse(const char *why)
{
    return itk_error_set(ITK_EINVALID,
                         "the work tree's index is not one itaku adds files to itself (%s); "
                         "a checkout brings the files up to date instead",
                         why);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* The order of git's index: the names' bytes, a name before a longer one
 * it begins. */
static int name_cmp(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    return c ? c : alen < blen ? -1 : alen > blen;
}

static const unsigned char *entry_name(const itk_gitindex *ix, size_t i)
{
    const unsigned char *e = ix->data + ix->entry[i];
    return e + ENTRY_FIXED + ((e[ENTRY_FIXED - 2] << 8 & FLAG_EXTENDED) ? 2 : 0);
}

int itk_gitindex_parse(itk_gitindex *out, const void *data, size_t len)
{
    memset(out, 0, sizeof(*out));
    out->data = data;
    out->len = len;
    const unsigned char *p = data;
    if (len < HEADER_LEN + SHA_LEN || memcmp(p, "DIRC", 4) != 0)
        return refuse("no index header");
    out->version = be32(p + 4);
    out->n = be32(p + 8);
    if (out->version != 2 && out->version != 3)
        return refuse("an index version other than 2 or 3");
    if ((size_t)out->n > (len - HEADER_LEN - SHA_LEN) / (ENTRY_FIXED + 2))
        return refuse("more entries than bytes");
    unsigned char sum[SHA_LEN];
    unsigned int sl = 0;
    if (EVP_Digest(p, len - SHA_LEN, sum, &sl, EVP_sha1(), NULL) != 1 || sl != SHA_LEN)
        return itk_error_nomem();
    if (memcmp(sum, p + len - SHA_LEN, SHA_LEN) != 0)
        return refuse("its checksum does not match");
    out->entry = itk_calloc(out->n ? out->n : 1, sizeof(*out->entry));
    out->name_len = itk_calloc(out->n ? out->n : 1, sizeof(*out->name_len));
    if (!out->entry || !out->name_len) {
        itk_gitindex_dispose(out);
        return ITK_ENOMEM;
    }
    size_t at = HEADER_LEN, end = len - SHA_LEN;
    for (uint32_t i = 0; i < out->n; i++) {
        if (end - at < ENTRY_FIXED)
            goto truncated;
        uint16_t flags = (uint16_t)(p[at + ENTRY_FIXED - 2] << 8 | p[at + ENTRY_FIXED - 1]);
        size_t fixed = ENTRY_FIXED;
        if (flags & FLAG_EXTENDED) {
            if (out->version == 2)
                goto bad;
            fixed += 2;
        }
        if (flags & FLAG_STAGE) {
            itk_gitindex_dispose(out);
            return refuse("an entry in a conflict");
        }
        if (end - at < fixed + 1)
            goto truncated;
        const unsigned char *name = p + at + fixed;
        const unsigned char *nul = memchr(name, '\0', end - at - fixed);
        if (!nul)
            goto truncated;
        size_t nl = (size_t)(nul - name);
        if (nl == 0 ||
            ((flags & NAME_MASK) != NAME_MASK ? nl != (flags & NAME_MASK) : nl < NAME_MASK))
            goto bad;
        /* NUL padding: 1 to 8 bytes, the entry a multiple of 8 long */
        size_t elen = (fixed + nl + 8) & ~(size_t)7;
        if (end - at < elen)
            goto truncated;
        for (size_t k = fixed + nl; k < elen; k++)
            if (p[at + k])
                goto bad;
        out->entry[i] = at;
        out->name_len[i] = nl;
        if (i && name_cmp(entry_name(out, i - 1), out->name_len[i - 1], name, nl) >= 0)
            goto bad;
        at += elen;
    }
    out->entries_end = at;
    while (at < end) {
        if (end - at < 8)
            goto truncated;
        uint32_t size = be32(p + at + 4);
        if (p[at] < 'A' || p[at] > 'Z') {
            itk_gitindex_dispose(out);
            return refuse("a required extension");
        }
        if (size > end - at - 8)
            goto truncated;
        at += 8 + (size_t)size;
    }
    return 0;
truncated:
    itk_gitindex_dispose(out);
    return refuse("it ends inside an entry");
bad:
    itk_gitindex_dispose(out);
    return refuse("an entry out of order or malformed");
}

/* The first entry whose name is not before name (n when none). */
static size_t lower_bound(const itk_gitindex *ix, const char *name, size_t len)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (name_cmp(entry_name(ix, mid), ix->name_len[mid], (const unsigned char *)name, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int has(const itk_gitindex *ix, const char *name, size_t len)
{
    size_t k = lower_bound(ix, name, len);
    return k < ix->n && ix->name_len[k] == len && memcmp(entry_name(ix, k), name, len) == 0;
}

/* Whether the index holds path, a folder of it as a file, or files under
 * it as a folder. */
static int in_the_way(const itk_gitindex *ix, const char *path, size_t len)
{
    for (size_t i = 1; i < len; i++)
        if (path[i] == '/' && has(ix, path, i))
            return 1;
    size_t k = lower_bound(ix, path, len);
    if (k < ix->n && ix->name_len[k] == len && memcmp(entry_name(ix, k), path, len) == 0)
        return 1;
    /* a file under path/ sorts after path and before path0 ('/' + 1) */
    for (; k < ix->n && ix->name_len[k] > len && memcmp(entry_name(ix, k), path, len) == 0; k++)
        if (entry_name(ix, k)[len] == '/')
            return 1;
        else if (entry_name(ix, k)[len] > '/')
            break;
    return 0;
}

static int by_path(const void *a, const void *b)
{
    const itk_gitindex_file *x = *(const itk_gitindex_file *const *)a;
    const itk_gitindex_file *y = *(const itk_gitindex_file *const *)b;
    return strcmp(x->path, y->path);
}

static int put_file(itk_buf *out, const itk_gitindex_file *f)
{
    size_t nl = strlen(f->path), elen = (ENTRY_FIXED + nl + 8) & ~(size_t)7;
    unsigned char head[ENTRY_FIXED];
    const uint32_t v[] = {f->ctime_s, f->ctime_ns, f->mtime_s, f->mtime_ns, f->dev,
                          f->ino,     0100644u,    f->uid,     f->gid,      f->size};
    for (size_t i = 0; i < 10; i++)
        put32(head + 4 * i, v[i]);
    memcpy(head + 40, f->id, SHA_LEN);
    uint16_t flags = (uint16_t)(nl < NAME_MASK ? nl : NAME_MASK);
    head[60] = (unsigned char)(flags >> 8);
    head[61] = (unsigned char)flags;
    static const unsigned char zeros[8];
    int rc = itk_buf_put(out, head, sizeof(head));
    if (!rc)
        rc = itk_buf_put(out, f->path, nl);
    if (!rc)
        rc = itk_buf_put(out, zeros, elen - ENTRY_FIXED - nl);
    return rc;
}

static const itk_gitindex_file **sorted(const itk_gitindex_file *files, size_t n)
{
    const itk_gitindex_file **order = itk_calloc(n ? n : 1, sizeof(*order));
    for (size_t i = 0; order && i < n; i++)
        order[i] = &files[i];
    if (order)
        qsort(order, n, sizeof(*order), by_path);
    return order;
}

static int check_sorted(const itk_gitindex *ix, const itk_gitindex_file **order, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(order[i]->path);
        if (!len || (i && strcmp(order[i - 1]->path, order[i]->path) == 0))
            return itk_error_set(ITK_EINVALID,
                                 "a file to add to the index is empty or twice given");
        if (in_the_way(ix, order[i]->path, len))
            return itk_error_set(ITK_ECONFLICT, "the work tree's index holds %s already",
                                 order[i]->path);
    }
    return (uint64_t)ix->n + n > UINT32_MAX ? refuse("too many entries") : 0;
}

int itk_gitindex_check_add(const itk_gitindex *ix, const itk_gitindex_file *files, size_t n)
{
    const itk_gitindex_file **order = sorted(files, n);
    int rc = order ? check_sorted(ix, order, n) : ITK_ENOMEM;
    free(order);
    return rc;
}

int itk_gitindex_insert(itk_buf *out, const itk_gitindex *ix, const itk_gitindex_file *files,
                        size_t n)
{
    itk_buf_clear(out);
    const itk_gitindex_file **order = sorted(files, n);
    int rc = order ? check_sorted(ix, order, n) : ITK_ENOMEM;
    if (rc) {
        free(order);
        return rc;
    }
    unsigned char head[HEADER_LEN];
    memcpy(head, "DIRC", 4);
    put32(head + 4, ix->version);
    put32(head + 8, (uint32_t)(ix->n + n));
    rc = itk_buf_put(out, head, sizeof(head));
    size_t k = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        size_t at = lower_bound(ix, order[i]->path, strlen(order[i]->path));
        size_t from = k < ix->n ? ix->entry[k] : 0, to = at < ix->n ? ix->entry[at] : 0;
        if (at > k)
            rc = itk_buf_put(out, ix->data + from, (at < ix->n ? to : ix->entries_end) - from);
        k = at;
        if (!rc)
            rc = put_file(out, order[i]);
    }
    if (!rc && k < ix->n)
        rc = itk_buf_put(out, ix->data + ix->entry[k], ix->entries_end - ix->entry[k]);
    unsigned char sum[SHA_LEN];
    unsigned int sl = 0;
    if (!rc && (EVP_Digest(out->ptr, out->size, sum, &sl, EVP_sha1(), NULL) != 1 || sl != SHA_LEN))
        rc = itk_error_nomem();
    if (!rc)
        rc = itk_buf_put(out, sum, SHA_LEN);
    free(order);
    return rc;
}

void itk_gitindex_dispose(itk_gitindex *ix)
{
    free(ix->entry);
    free(ix->name_len);
    ix->entry = NULL;
    ix->name_len = NULL;
}
