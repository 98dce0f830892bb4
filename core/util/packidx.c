/* A pack's index checked whole (packidx.h): its sections read in order
 * through a bounded reader, their lengths from the count, then every name
 * and offset. */
#include "packidx.h"
#include "itaku/errors.h"
#include "reader.h"

#include <openssl/evp.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHA_LEN 20
#define PACK_HEADER 12
#define LARGE 0x80000000u

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Whether bytes without the magic have version 1's layout: a fan-out of 256
 * non-decreasing counts, then 24 bytes an object and the two checksums. */
static int looks_v1(const unsigned char *data, size_t len)
{
    uint32_t prev = 0;
    if (len < 256 * 4 + 2 * SHA_LEN)
        return 0;
    for (int b = 0; b < 256; b++) {
        uint32_t v = be32(data + 4 * b);
        if (v < prev)
            return 0;
        prev = v;
    }
    return (uint64_t)len == 256u * 4u + (uint64_t)prev * (SHA_LEN + 4) + 2u * SHA_LEN;
}

int itk_packidx_parse(itk_packidx *out, const unsigned char *data, size_t len, uint64_t pack_len,
                      const char *what)
{
    itk_reader r;
    const unsigned char *magic;
    uint32_t version, prev = 0;
    memset(out, 0, sizeof(*out));
    rd_init(&r, data, len);
    if (rd_bytes(&r, &magic, 4) < 0 || memcmp(magic, "\377tOc", 4) != 0) {
        if (looks_v1(data, len))
            return itk_error_set(ITK_EUNSUPPORTED,
                                 "pack index %s is of version 1; itaku reads version 2 only", what);
        return itk_error_set(ITK_EINVALID,
                             "%s is not a pack index: it does not start with a pack index's "
                             "signature",
                             what);
    }
    if (rd_u32(&r, &version) < 0)
        return itk_error_set(ITK_EINVALID, "pack index %s ends inside its header (%zu bytes)", what,
                             len);
    if (version != 2)
        return itk_error_set(ITK_EUNSUPPORTED,
                             "pack index %s is of version %u; itaku reads version 2 only", what,
                             version);
    out->fanout = r.p;
    for (int b = 0; b < 256; b++) {
        uint32_t v;
        if (rd_u32(&r, &v) < 0)
            return itk_error_set(
                ITK_EINVALID, "pack index %s ends inside its fan-out table (%zu bytes)", what, len);
        if (v < prev)
            return itk_error_set(ITK_EINVALID,
                                 "pack index %s: its fan-out table goes down at entry %d (%u "
                                 "after %u)",
                                 what, b, v, prev);
        prev = v;
    }
    out->n = prev;
    if (out->n > ITK_PACK_MAX_OBJECTS)
        return itk_error_set(ITK_ETOOBIG,
                             "pack index %s lists %u objects, over the limit of %u in one pack",
                             what, out->n, ITK_PACK_MAX_OBJECTS);
    if (pack_len && (pack_len < PACK_HEADER + SHA_LEN ||
                     out->n > (pack_len - PACK_HEADER - SHA_LEN) / ITK_PACK_MIN_OBJECT_BYTES))
        return itk_error_set(ITK_EINVALID,
                             "pack index %s lists %u objects, more than its pack of %llu bytes "
                             "can hold",
                             what, out->n, (unsigned long long)pack_len);
    size_t n = out->n;
    if (rd_bytes(&r, &out->ids, n * SHA_LEN) < 0 || rd_bytes(&r, &out->crcs, n * 4) < 0 ||
        rd_bytes(&r, &out->off32, n * 4) < 0)
        return itk_error_set(ITK_EINVALID,
                             "pack index %s is %zu bytes, too short for the %zu objects it "
                             "lists",
                             what, len, n);
    size_t large = 0;
    for (size_t i = 0; i < n; i++)
        large += (be32(out->off32 + 4 * i) & LARGE) != 0;
    uint64_t want = (uint64_t)ITK_PACKIDX_HEADER_BYTES + (uint64_t)n * ITK_PACKIDX_ENTRY_BYTES +
                    (uint64_t)large * 8 + ITK_PACKIDX_TRAILER_BYTES;
    if ((uint64_t)len != want)
        return itk_error_set(ITK_EINVALID,
                             "pack index %s is %zu bytes, not the %llu its %zu objects and %zu "
                             "large offsets take",
                             what, len, (unsigned long long)want, n, large);
    out->n64 = large;
    const unsigned char *trailer;
    if (rd_bytes(&r, &out->off64, large * 8) < 0 ||
        rd_bytes(&r, &trailer, ITK_PACKIDX_TRAILER_BYTES) < 0)
        return itk_error_set(ITK_EINVALID, "pack index %s is cut short", what);
    out->pack_id = trailer;
    /* each name in its fan-out bucket, the names strictly ascending: what
     * a binary search within a bucket relies on */
    for (size_t i = 0, b = 0; i < n; i++) {
        const unsigned char *id = out->ids + i * SHA_LEN;
        while (be32(out->fanout + 4 * b) <= i)
            b++;
        if (id[0] != b)
            return itk_error_set(ITK_EINVALID,
                                 "pack index %s: object %zu's name starts with %02x, outside "
                                 "its fan-out bucket %02zx",
                                 what, i, id[0], b);
        if (i && memcmp(id - SHA_LEN, id, SHA_LEN) >= 0)
            return itk_error_set(ITK_EINVALID,
                                 "pack index %s: its object names are not in ascending order "
                                 "at object %zu",
                                 what, i);
    }
    uint64_t end = pack_len ? pack_len - SHA_LEN : ITK_PACK_MAX_BYTES;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = be32(out->off32 + 4 * i);
        uint64_t off = v;
        if (v & LARGE) {
            size_t k = v & ~LARGE;
            if (k >= large)
                return itk_error_set(ITK_EINVALID,
                                     "pack index %s: object %zu's offset points to large "
                                     "offset %zu of %zu",
                                     what, i, k, large);
            const unsigned char *p = out->off64 + 8 * k;
            off = (uint64_t)be32(p) << 32 | be32(p + 4);
        }
        if (off < PACK_HEADER || off >= end)
            return itk_error_set(ITK_EINVALID,
                                 "pack index %s: object %zu's offset %llu is outside its pack "
                                 "(%llu bytes of objects from offset 12)",
                                 what, i, (unsigned long long)off,
                                 (unsigned long long)(end - PACK_HEADER));
    }
    return 0;
}

/* An index's own checksum: the SHA-1 of every byte before it (its last
 * 20), as git writes it. Read after the layout is known good (len holds the
 * trailer). About 2 ms for a 3.6 MB index. */
static int checksum_check(const unsigned char *data, size_t len, const char *what)
{
    unsigned char sum[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(data, len - SHA_LEN, sum, &n, EVP_sha1(), NULL) != 1 || n != SHA_LEN)
        return itk_error_set(ITK_ERROR, "cannot compute the checksum of pack index %s", what);
    if (memcmp(sum, data + len - SHA_LEN, SHA_LEN) != 0)
        return itk_error_set(ITK_EINVALID,
                             "pack index %s does not match its own checksum: bytes of it changed "
                             "since git wrote it",
                             what);
    return 0;
}

/* The length of the regular file path, or 0 when there is none. */
static uint64_t file_length(const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    return (uint64_t)st.st_size;
}

int itk_packidx_check_file(const char *idx_path, const char *pack_path)
{
    struct stat st;
    if (lstat(idx_path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        return itk_error_set(ITK_EIO, "cannot read pack index %s: %s", idx_path, strerror(errno));
    }
    if (S_ISLNK(st.st_mode))
        return itk_error_set(ITK_EINVALID,
                             "pack index %s is a symbolic link; a registry's pack index is a "
                             "file of its own",
                             idx_path);
    if (!S_ISREG(st.st_mode))
        return itk_error_set(ITK_EINVALID, "pack index %s is not a file", idx_path);
    if ((uint64_t)st.st_size > ITK_PACKIDX_MAX_BYTES)
        return itk_error_set(ITK_ETOOBIG,
                             "pack index %s is %llu bytes, over the limit of %llu for a pack "
                             "of %u objects",
                             idx_path, (unsigned long long)st.st_size,
                             (unsigned long long)ITK_PACKIDX_MAX_BYTES, ITK_PACK_MAX_OBJECTS);
    int fd = open(idx_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        return itk_error_set(ITK_EIO, "cannot read pack index %s: %s", idx_path, strerror(errno));
    }
    /* the file opened is the file checked: its own length, not the name's */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size > ITK_PACKIDX_MAX_BYTES) {
        close(fd);
        return itk_error_set(ITK_EIO, "pack index %s changed while it was read", idx_path);
    }
    size_t len = (size_t)st.st_size;
    const unsigned char *data = (const unsigned char *)"";
    void *m = MAP_FAILED;
    if (len) {
        m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            int e = errno;
            close(fd);
            return itk_error_set(ITK_EIO, "cannot read pack index %s: %s", idx_path, strerror(e));
        }
        data = m;
    }
    close(fd);
    itk_packidx x;
    int rc = itk_packidx_parse(&x, data, len, file_length(pack_path), idx_path);
    if (!rc)
        rc = checksum_check(data, len, idx_path);
    if (m != MAP_FAILED)
        munmap(m, len);
    return rc;
}

int itk_packidx_each(const char *pack_dir, itk_packidx_each_cb cb, void *payload)
{
    char idx[4096], pack[4096];
    DIR *d = opendir(pack_dir);
    struct dirent *e;
    int rc = 0;
    while (!rc && d && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".idx") != 0)
            continue;
        int ni = snprintf(idx, sizeof(idx), "%s/%s", pack_dir, e->d_name);
        int np = snprintf(pack, sizeof(pack), "%s/%.*s.pack", pack_dir, (int)(len - 4), e->d_name);
        if (ni >= 0 && np >= 0 && (size_t)ni < sizeof(idx) && (size_t)np < sizeof(pack))
            rc = cb(idx, pack, payload);
    }
    if (d)
        closedir(d);
    return rc;
}
