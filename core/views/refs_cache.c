/* The cache of status's reference checks (refs_cache.h).
 *
 * The file: the magic line, string the sources' digest, u32 n, n × (32
 * bytes key, string problems), the keys in ascending order. Sealed by
 * itk_cache_write; integers are big-endian. */
#include "refs_cache.h"
#include "alloc.h"
#include "cache_dir.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "reader.h"
#include "rules_digest.h"
#include "writer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[] = "itaku refs cache\n";
#define FILE_NAME "refs.cache"
#define MAX_BYTES (256u * 1024u * 1024u)

typedef struct {
    unsigned char key[ITK_RCACHE_KEY_BYTES];
    const unsigned char *text; /* into data (read) or owned (put) */
    size_t len;
    int owned;
} entry;

struct itk_rcache {
    unsigned char *data; /* the file's bytes */
    entry *read;         /* sorted by key */
    size_t nread;
    entry *put;
    size_t nput, aput;
    int dirty; /* something put was not read */
};

static int by_key(const void *a, const void *b)
{
    return memcmp(((const entry *)a)->key, ((const entry *)b)->key, ITK_RCACHE_KEY_BYTES);
}

/* Parses data into c; -1 (c left empty) when it is not a file of this build. */
static int parse(itk_rcache *c, const unsigned char *data, size_t len)
{
    itk_reader r;
    const unsigned char *p;
    size_t n;
    uint32_t count;
    rd_init(&r, data, len);
    if (rd_bytes(&r, &p, sizeof(MAGIC) - 1) || memcmp(p, MAGIC, sizeof(MAGIC) - 1) ||
        rd_string(&r, &p, &n) || n != strlen(ITK_SOURCES_DIGEST) ||
        memcmp(p, ITK_SOURCES_DIGEST, n) || rd_u32(&r, &count) ||
        count > len / (ITK_RCACHE_KEY_BYTES + 4))
        return -1;
    if (!(c->read = itk_calloc(count ? count : 1, sizeof(*c->read))))
        return -1;
    for (uint32_t i = 0; i < count; i++) {
        entry *e = &c->read[i];
        if (rd_bytes(&r, &p, ITK_RCACHE_KEY_BYTES) || rd_string(&r, &e->text, &e->len) ||
            (i && memcmp(c->read[i - 1].key, p, ITK_RCACHE_KEY_BYTES) >= 0))
            goto bad;
        memcpy(e->key, p, ITK_RCACHE_KEY_BYTES);
    }
    if (rd_done(&r))
        goto bad;
    c->nread = count;
    return 0;
bad:
    free(c->read);
    c->read = NULL;
    return -1;
}

int itk_rcache_load(itk_rcache **out, git_repository *repo)
{
    itk_cache_place pl;
    size_t len = 0;
    itk_rcache *c = itk_calloc(1, sizeof(*c));
    *out = NULL;
    if (!c)
        return ITK_ENOMEM;
    itk_cache_place_init(&pl, repo, NULL);
    if (itk_cache_read(&c->data, &len, &pl, FILE_NAME, MAX_BYTES) == 0 &&
        parse(c, c->data, len) != 0) {
        free(c->data);
        c->data = NULL;
    }
    itk_cache_place_dispose(&pl);
    itk_error_clear();
    *out = c;
    return 0;
}

const char *itk_rcache_get(const itk_rcache *c, const unsigned char key[ITK_RCACHE_KEY_BYTES],
                           size_t *len)
{
    entry want;
    memcpy(want.key, key, ITK_RCACHE_KEY_BYTES);
    const entry *e = c->nread ? bsearch(&want, c->read, c->nread, sizeof(*e), by_key) : NULL;
    if (!e)
        return NULL;
    *len = e->len;
    return (const char *)e->text;
}

int itk_rcache_put(itk_rcache *c, const unsigned char key[ITK_RCACHE_KEY_BYTES],
                   const char *problems, size_t len)
{
    size_t had = 0;
    const char *old = itk_rcache_get(c, key, &had);
    if (c->nput == c->aput) {
        size_t n = c->aput ? 2 * c->aput : 64;
        entry *v = realloc(c->put, n * sizeof(*v));
        if (!v)
            return itk_error_nomem();
        c->put = v;
        c->aput = n;
    }
    entry *e = &c->put[c->nput];
    memcpy(e->key, key, ITK_RCACHE_KEY_BYTES);
    if (old && had == len && memcmp(old, problems, len) == 0) {
        e->text = (const unsigned char *)old; /* the file's own bytes */
        e->owned = 0;
    } else {
        unsigned char *t = malloc(len ? len : 1);
        if (!t)
            return itk_error_nomem();
        memcpy(t, problems, len);
        e->text = t;
        e->owned = 1;
        c->dirty = 1;
    }
    e->len = len;
    c->nput++;
    return 0;
}

void itk_rcache_close(itk_rcache *c, git_repository *repo)
{
    if (!c)
        return;
    if (repo && (c->dirty || c->nput != c->nread)) {
        itk_buf b = ITK_BUF_INIT;
        qsort(c->put, c->nput, sizeof(*c->put), by_key);
        int rc = itk_buf_put(&b, MAGIC, sizeof(MAGIC) - 1);
        rc = rc ? rc : wr_cstring(&b, ITK_SOURCES_DIGEST);
        size_t n = 0;
        for (size_t i = 0; i < c->nput; i++) /* a record met twice is kept once */
            n += !i || memcmp(c->put[i - 1].key, c->put[i].key, ITK_RCACHE_KEY_BYTES) != 0;
        rc = rc ? rc : wr_u32(&b, (uint32_t)n);
        for (size_t i = 0; !rc && i < c->nput; i++) {
            if (i && memcmp(c->put[i - 1].key, c->put[i].key, ITK_RCACHE_KEY_BYTES) == 0)
                continue;
            rc = itk_buf_put(&b, c->put[i].key, ITK_RCACHE_KEY_BYTES);
            rc = rc ? rc : wr_string(&b, c->put[i].text, c->put[i].len);
        }
        if (!rc) {
            itk_cache_place pl;
            itk_cache_place_init(&pl, repo, NULL);
            itk_cache_write(&pl, FILE_NAME, b.ptr, b.size); /* a cache not written is no error */
            itk_cache_place_dispose(&pl);
        }
        itk_buf_dispose(&b);
        itk_error_clear();
    }
    for (size_t i = 0; i < c->nput; i++)
        if (c->put[i].owned)
            free((void *)c->put[i].text);
    free(c->put);
    free(c->read);
    free(c->data);
    free(c);
}
