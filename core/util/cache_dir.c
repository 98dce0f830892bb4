/* The place of a registry's caches and their seal (cache_dir.h). A cache
 * that says "this commit verified" is only as good as whoever wrote it, so
 * nothing read from the repository (its .git folder, its config) decides
 * where caches are or which key seals them: a registry copied from a disk or
 * from another person starts uncached here. The place is worked out per call
 * from the environment; nothing is kept between calls. */
#include "cache_dir.h"
#include "itaku/errors.h"
#include "fault.h"
#include "rules_digest.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char TAG_DOMAIN[] = "itaku cache place 1";

static void hex(char *out, const unsigned char *md, size_t n)
{
    static const char h[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = h[md[i] >> 4];
        out[2 * i + 1] = h[md[i] & 15];
    }
    out[2 * n] = '\0';
}

/* $NAME when it is an absolute path (the XDG rule: a relative one is
 * ignored), else $HOME/fallback; 0 when neither gives a place. */
static int home_dir(char *out, size_t cap, const char *xdg, const char *fallback)
{
    const char *v = getenv(xdg);
    int n;
    if (v && v[0] == '/')
        n = snprintf(out, cap, "%s/itaku", v);
    else if ((v = getenv("HOME")) && v[0] == '/')
        n = snprintf(out, cap, "%s/%s/itaku", v, fallback);
    else
        return 0;
    return n > 0 && (size_t)n < cap;
}

/* Makes path and its missing parents, each new one with mode 0700. */
static int make_dirs(const char *path)
{
    char p[ITK_CACHE_PATH_MAX];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof(p))
        return -1;
    memcpy(p, path, n + 1);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0700) < 0 && errno != EEXIST)
            return -1;
        *s = c;
        if (!c)
            break;
    }
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

static int read_all(int fd, void *data, size_t len)
{
    unsigned char *p = data;
    while (len) {
        ssize_t r = read(fd, p, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        len -= (size_t)r;
    }
    return 0;
}

/* 0: key read; 1: no key file; -1: a key file that is not this user's
 * alone (another owner, readable by others, a link, the wrong size). */
static int key_read(unsigned char key[ITK_CACHE_KEY_BYTES], const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 1 : -1;
    struct stat st;
    int ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
             (st.st_mode & 077) == 0 && st.st_size == ITK_CACHE_KEY_BYTES &&
             read_all(fd, key, ITK_CACHE_KEY_BYTES) == 0;
    close(fd);
    return ok ? 0 : -1;
}

/* A new random key at path, mode 0600, whole or not at all: written to a
 * temporary file first, then linked into place (a key another process made
 * meanwhile wins). */
static void key_make(const char *path)
{
    char dir[ITK_CACHE_PATH_MAX], tmp[ITK_CACHE_PATH_MAX + 8];
    unsigned char key[ITK_CACHE_KEY_BYTES];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    *slash = '\0';
    if (make_dirs(dir) < 0)
        return;
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0)
        return;
    int ok = fchmod(fd, 0600) == 0 && RAND_bytes(key, sizeof(key)) == 1 &&
             itk_write_all(fd, key, sizeof(key)) == 0;
    OPENSSL_cleanse(key, sizeof(key));
    ok = close(fd) == 0 && ok;
    if (ok && link(tmp, path) < 0 && errno != EEXIST)
        (void)rename(tmp, path); /* a file system without hard links */
    unlink(tmp);
}

static void digest_str(EVP_MD_CTX *ctx, const char *s)
{
    EVP_DigestUpdate(ctx, s ? s : "", strlen(s ? s : "") + 1);
}

/* The tag: which registry (its real path and pins) and which build and
 * libraries (DESIGN §7: the cache digest covers the rules' sources and the
 * versions of libgit2, jansson and OpenSSL). Also names the folder. */
static int place_tag(itk_cache_place *pl, char name[33], const char *real, git_repository *repo)
{
    git_config *cfg = NULL;
    const char *genesis = NULL, *city_key = NULL;
    char versions[128];
    unsigned char md[32];
    int maj = 0, min = 0, rev = 0, rc = -1;
    git_libgit2_version(&maj, &min, &rev);
    snprintf(versions, sizeof(versions), "libgit2 %d.%d.%d jansson %s openssl %lx", maj, min, rev,
             jansson_version_str(), (unsigned long)OpenSSL_version_num());
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        return -1;
    if (git_repository_config_snapshot(&cfg, repo) == 0) {
        if (git_config_get_string(&genesis, cfg, "itaku.genesis") < 0)
            genesis = NULL;
        if (git_config_get_string(&city_key, cfg, "itaku.cityKey") < 0)
            city_key = NULL;
    }
    git_error_clear();
    /* the folder: registry and genesis only, so that a new build or library
     * replaces the files in place rather than leaving old folders behind */
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
        digest_str(ctx, TAG_DOMAIN);
        digest_str(ctx, real);
        digest_str(ctx, genesis);
        EVP_DigestFinal_ex(ctx, md, NULL);
        hex(name, md, 16);
        if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
            EVP_DigestUpdate(ctx, md, sizeof(md));
            digest_str(ctx, city_key);
            /* the git dir and object store themselves: a copy put back at the
             * same path (or a store swapped under it) has new inode numbers */
            char objects[PATH_MAX + 16], ids[160];
            struct stat g = {0}, o = {0};
            snprintf(objects, sizeof(objects), "%s/objects", real);
            int known = stat(real, &g) == 0 && stat(objects, &o) == 0;
            snprintf(ids, sizeof(ids), "git dir %ju:%ju objects %ju:%ju", (uintmax_t)g.st_dev,
                     (uintmax_t)g.st_ino, (uintmax_t)o.st_dev, (uintmax_t)o.st_ino);
            digest_str(ctx, ids);
            digest_str(ctx, ITK_RULES_DIGEST);
            digest_str(ctx, versions);
            EVP_DigestFinal_ex(ctx, pl->tag, NULL);
            rc = known ? 0 : -1; /* unknown: run uncached */
        }
    }
    git_config_free(cfg);
    EVP_MD_CTX_free(ctx);
    return rc;
}

void itk_cache_place_init(itk_cache_place *pl, git_repository *repo, const char *root)
{
    char base[ITK_CACHE_PATH_MAX], keyfile[ITK_CACHE_PATH_MAX], name[33];
    char real[PATH_MAX];
    memset(pl, 0, sizeof(*pl));
    if (root) {
        /* the hook's folder is absolute (server init made it so) */
        if (root[0] != '/' || snprintf(base, sizeof(base), "%s", root) >= (int)sizeof(base) ||
            snprintf(keyfile, sizeof(keyfile), "%s/cache.key", root) >= (int)sizeof(keyfile))
            return;
    } else {
        char state[ITK_CACHE_PATH_MAX];
        if (!home_dir(base, sizeof(base), "XDG_CACHE_HOME", ".cache") ||
            !home_dir(state, sizeof(state), "XDG_STATE_HOME", ".local/state") ||
            snprintf(keyfile, sizeof(keyfile), "%s/cache.key", state) >= (int)sizeof(keyfile))
            return;
    }
    /* the common folder: a registry's linked working trees share its caches */
    const char *gitdir = git_repository_commondir(repo);
    if (!gitdir || !realpath(gitdir, real) || place_tag(pl, name, real, repo) < 0)
        return;
    int k = key_read(pl->key, keyfile);
    if (k == 1) {
        key_make(keyfile);
        k = key_read(pl->key, keyfile);
    }
    if (k != 0 || snprintf(pl->dir, sizeof(pl->dir), "%s/%s", base, name) >= (int)sizeof(pl->dir))
        itk_cache_place_dispose(pl);
}

void itk_cache_place_dispose(itk_cache_place *pl)
{
    OPENSSL_cleanse(pl, sizeof(*pl));
}

int itk_cache_hosted_root(char *out, size_t cap, const char *dir)
{
    char base[ITK_CACHE_PATH_MAX], want[ITK_CACHE_PATH_MAX], real[PATH_MAX];
    if (dir) {
        if (!*dir || snprintf(want, sizeof(want), "%s", dir) >= (int)sizeof(want))
            return itk_error_set(ITK_EINVALID, "the cache folder '%s' is empty or too long", dir);
    } else if (!home_dir(base, sizeof(base), "XDG_CACHE_HOME", ".cache") ||
               snprintf(want, sizeof(want), "%s/hosted", base) >= (int)sizeof(want)) {
        return itk_error_set(ITK_ENOTFOUND, "no HOME to keep the hook's cache in");
    }
    if (make_dirs(want) < 0 || !realpath(want, real))
        return itk_error_set(ITK_EIO,
                             "cannot make the cache folder %s: %s (give another with "
                             "--cache-dir)",
                             want, strerror(errno));
    int n = snprintf(out, cap, "%s", real);
    if (n <= 0 || (size_t)n >= cap || strchr(real, '\n'))
        return itk_error_set(ITK_EINVALID,
                             "the cache folder's path %s is too long or holds a "
                             "newline",
                             real);
    return 0;
}

int itk_cache_path(char *out, size_t cap, const itk_cache_place *pl, const char *name)
{
    if (!pl->dir[0])
        return ITK_ENOTFOUND;
    int n = snprintf(out, cap, "%s/%s", pl->dir, name);
    return n > 0 && (size_t)n < cap ? 0 : ITK_ENOTFOUND;
}

/* A file's tag: its place's and its name's, so that one cache cannot stand
 * for another. */
static void file_tag(unsigned char out[ITK_CACHE_TAG_BYTES], const itk_cache_place *pl,
                     const char *name)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    memset(out, 0, ITK_CACHE_TAG_BYTES);
    if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
        EVP_DigestUpdate(ctx, pl->tag, sizeof(pl->tag));
        digest_str(ctx, name);
        EVP_DigestFinal_ex(ctx, out, NULL);
    }
    EVP_MD_CTX_free(ctx);
}

/* HMAC-SHA-256 under this user's key over the file's tag and content. */
static int seal(unsigned char mac[ITK_CACHE_MAC_BYTES], const itk_cache_place *pl,
                const unsigned char tag[ITK_CACHE_TAG_BYTES], const void *data, size_t len)
{
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
                           OSSL_PARAM_construct_end()};
    size_t n = 0;
    int ok = ctx && EVP_MAC_init(ctx, pl->key, sizeof(pl->key), params) == 1 &&
             EVP_MAC_update(ctx, tag, ITK_CACHE_TAG_BYTES) == 1 &&
             EVP_MAC_update(ctx, data, len) == 1 &&
             EVP_MAC_final(ctx, mac, &n, ITK_CACHE_MAC_BYTES) == 1 && n == ITK_CACHE_MAC_BYTES;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(hmac);
    return ok ? 0 : -1;
}

int itk_cache_read(unsigned char **out, size_t *outlen, const itk_cache_place *pl, const char *name,
                   size_t max)
{
    char path[ITK_CACHE_PATH_MAX];
    unsigned char tag[ITK_CACHE_TAG_BYTES], mac[ITK_CACHE_MAC_BYTES];
    unsigned char *data = NULL;
    struct stat st;
    *out = NULL;
    *outlen = 0;
    if (itk_cache_path(path, sizeof(path), pl, name))
        return ITK_ENOTFOUND;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return ITK_ENOTFOUND;
    const size_t frame = ITK_CACHE_TAG_BYTES + ITK_CACHE_MAC_BYTES;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)frame ||
        (unsigned long long)st.st_size - frame > max || !(data = malloc((size_t)st.st_size)) ||
        read_all(fd, data, (size_t)st.st_size) < 0)
        goto fail;
    size_t len = (size_t)st.st_size - ITK_CACHE_MAC_BYTES;
    /* another registry's, build's or file's tag; then another key's seal (a
     * file copied from another user or machine, or made by hand) */
    file_tag(tag, pl, name);
    if (memcmp(data, tag, sizeof(tag)) != 0 ||
        seal(mac, pl, tag, data + ITK_CACHE_TAG_BYTES, len - ITK_CACHE_TAG_BYTES) < 0 ||
        CRYPTO_memcmp(mac, data + len, sizeof(mac)) != 0)
        goto fail;
    close(fd);
    len -= ITK_CACHE_TAG_BYTES;
    memmove(data, data + ITK_CACHE_TAG_BYTES, len);
    *out = data;
    *outlen = len;
    return 0;
fail:
    close(fd);
    free(data);
    return ITK_EINVALID;
}

int itk_cache_write(const itk_cache_place *pl, const char *name, const void *data, size_t len)
{
    char path[ITK_CACHE_PATH_MAX], tmp[ITK_CACHE_PATH_MAX + 8];
    unsigned char tag[ITK_CACHE_TAG_BYTES], mac[ITK_CACHE_MAC_BYTES];
    if (itk_cache_path(path, sizeof(path), pl, name) ||
        snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp) || make_dirs(pl->dir) < 0)
        return ITK_EIO;
    file_tag(tag, pl, name);
    if (seal(mac, pl, tag, data, len) < 0)
        return ITK_EIO;
    /* no lock: a cache file is replaced whole by a rename and proves itself
     * by its HMAC, so two writers at once leave one file or the other, at
     * worst a speed-up lost; a registry's writers hold the registry's lock
     * (write_lock.h) around their own cache writes anyway */
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0)
        return ITK_EIO;
    int ok = itk_write_all(fd, tag, sizeof(tag)) == 0 && itk_write_all(fd, data, len) == 0 &&
             itk_write_all(fd, mac, sizeof(mac)) == 0;
    ok = close(fd) == 0 && ok;
    itk_fault_point("cache");
    if (!ok || rename(tmp, path) < 0) {
        unlink(tmp);
        return ITK_EIO;
    }
    return 0;
}
