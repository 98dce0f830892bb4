/* The verification cache: per commit, what policy.c found (DESIGN §9: keyed
 * by commit id and the rules' version), and per set of revisions the whole
 * last run, so that a second `itaku verify` or `itaku status` reads a file
 * instead of re-checking 20,000 signatures. It does not decide anything the
 * rules do not: a commit it does not hold is checked in full, and the state
 * later commits build on (V8 receipts, V9 void commits) is rebuilt first.
 * The file is read only when this user (or the hosted hook) wrote it: where
 * it is and its seal are cache_dir.c's. */
#include "vcache.h"
#include "cache_dir.h"
#include "itaku/errors.h"
#include "intl.h"
#include "alloc.h"
#include "array.h"
#include "itaku/names.h"
#include "policy_priv.h"
#include "reader.h"
#include "rules_digest.h"
#include "vorder.h"
#include "vtrees.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char MAGIC[] = "itaku verify cache\n";
/* The file of additions beside it (ADD_NAME): the entries of the commits
 * runs found since the file was written whole, and the snapshots, so that a
 * run that adds a few commits writes those, not the whole history again. */
static const char MAGIC_ADD[] = "itaku verify cache additions\n";
/* 4: each commit's tree, committer time and parents, so that a walk over
 * cached commits reads none of them again (issue 18); 5: the file's
 * generation (random), which a file of additions names (issue 18 point 1) */
#define FORMAT 5
/* The additions a run rewrites instead of the whole file: at most this
 * many entries, or an eighth of the file's, whichever is more. */
#define ADD_MIN_ENTRIES 256
#define GEN_BYTES 16

_Static_assert(sizeof(git_oid) == GIT_OID_RAWSZ, "a git_oid is its raw bytes");

enum { CF_OK = 1, CF_VOID = 2, CF_RECOVERED = 4, CF_V8 = 8 };

/* The strings of entries and problems point into the file's bytes (cache
 * data), each written with a NUL after it (format 4). */
typedef struct {
    char rule[4];
    char *path, *signer, *message;
    git_oid commit; /* run-level problems only */
} cproblem;

typedef struct {
    git_oid id;
    itk_commit_info info; /* subject and records owned here */
    unsigned flags;
    cproblem *problems;
    size_t nproblems;
    /* V9 when void: the compromised key behind it, the keys it added */
    char origin[64];
    char (*vkeys)[64];
    size_t nvkeys;
    /* the commit itself, as the walk's order and graph need it */
    git_oid tree;
    long long ctime;
    const git_oid *parents; /* into the file's bytes */
    size_t nparents;
    unsigned height; /* its tree's nesting when canonical (vtrees.h), 0 when not known */
} centry;

/* What the walk needs of an entry without decoding it (the order, the
 * graph, whether it may be used), and where its bytes are: the rest is
 * decoded when a commit is taken from the cache (entry_of). */
typedef struct {
    git_oid id;
    git_oid tree;
    uint32_t nparents;
    long long time;
    const git_oid *parents;
    unsigned height;
    unsigned flags;
    size_t info_nparents; /* as itk_commit_info says */
    size_t off, end;      /* the entry's bytes in the file */
    unsigned char src;    /* which file: 0 the cache, 1 its additions */
} cgraph;

typedef struct {
    char key[65], refs[65];
    uint32_t *order; /* entry indices, in walk order */
    size_t n;
    cproblem *run; /* problems of the run as a whole (V9 after the walk) */
    size_t nrun;
} csnap;

typedef struct {
    /* the files' bytes (the cache, its additions), which the strings point
     * into (owned) */
    unsigned char *data[2];
    size_t len[2];
    char compromises[65];        /* digest of the compromises the void flags assume */
    char gen[2 * GEN_BYTES + 1]; /* the cache file's generation */
    cgraph *g;                   /* per entry: the cache's, then its additions' */
    size_t n, nbase;
    int has_add;      /* the additions were read (their snapshots replace the file's) */
    itk_oidmap index; /* id → entry index + 1 */
    csnap snaps[ITK_VCACHE_MAX_SNAPSHOTS];
    size_t nsnaps;
} cache;

struct itk_vrun {
    git_repository *repo;
    itk_cache_place place; /* where this user's cache of repo is, and its key */
    itk_verify_result *r;
    cache *c; /* NULL: nothing usable */
    int full;
    char key[65], refs[65];
    int decided;  /* whether the cached entries may be used is known */
    int usable;   /* … and the answer */
    int v9;       /* compromises exist: catching up re-runs the void commits' checks */
    int stale;    /* the cache's void flags were found under other compromises */
    int all_held; /* every commit walked is reachable from a ref outside the quarantine */
    char compromises[65];
    size_t nwalk;          /* problems found commit by commit */
    unsigned char *cached; /* per commit of r: 1 from the cache, 2 caught up, 3 checked
                              before the state of those before it was (its receipts state
                              to replay), 4 from the cache, a void commit known as one
                              (its receipts state to replay) */
    unsigned char *v8;     /* per commit of r: its V8 state was set */
    size_t *eidx;          /* per commit of r: its cache entry + 1, 0 when checked */
    struct newvoid {
        size_t i; /* commit of r checked here that is void */
        char origin[64];
        size_t kfrom, kto; /* the keys it added: p->void_keys[kfrom, kto) */
    } * newvoids;
    size_t nnewvoids;
    size_t acached;
    size_t caught_up; /* commits of r whose state is rebuilt */
    /* per commit of r: its tree, time and parents (pool[gfirst[i] ..
     * gfirst[i] + gnp[i])), written with it; ghave[i] 0 when unknown */
    git_oid *gtree;
    long long *gtime;
    size_t *gfirst, *gnp;
    unsigned char *ghave;
    size_t agraph;
    size_t from_cache; /* commits of r taken from the cache as they were */
    git_oid *pool;
    size_t npool, apool;
};

/* --- small helpers ---------------------------------------------------------- */

static void hex_digest(char out[65], const unsigned char md[32])
{
    static const char h[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = h[md[i] >> 4];
        out[2 * i + 1] = h[md[i] & 15];
    }
    out[64] = '\0';
}

static void snaps_free(cache *c)
{
    for (size_t s = 0; s < c->nsnaps; s++) {
        free(c->snaps[s].order);
        free(c->snaps[s].run);
    }
    memset(c->snaps, 0, sizeof(c->snaps));
    c->nsnaps = 0;
}

static void cache_free(cache *c)
{
    if (!c)
        return;
    free(c->g);
    snaps_free(c);
    itk_oidmap_free(&c->index);
    free(c->data[0]);
    free(c->data[1]);
    free(c);
}

/* The cache file of this run's language (add 0), or its additions' (add
 * 1): problems are kept in the words the user reads (vresult.c translates
 * them), so each language has its files; English (no catalogue in use)
 * keeps ITK_VCACHE_FILE and ITK_VCACHE_ADD_FILE. The catalogue is named by a
 * digest of its header, which changes with each translation. */
static const char *file_name(char out[64], int add)
{
    const char *head = dgettext(ITK_TEXT_DOMAIN, "");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (!head || !*head || !EVP_Digest(head, strlen(head), md, &mdlen, EVP_sha256(), NULL) ||
        mdlen < 6)
        return add ? ITK_VCACHE_ADD_FILE : ITK_VCACHE_FILE;
    snprintf(out, 64, "verify.%02x%02x%02x%02x%02x%02x.%s", md[0], md[1], md[2], md[3], md[4],
             md[5], add ? "add" : "cache");
    return out;
}

int itk_vcache_path(char *out, size_t cap, git_repository *repo)
{
    itk_cache_place pl;
    char name[64];
    itk_cache_place_init(&pl, repo, NULL);
    int rc = itk_cache_path(out, cap, &pl, file_name(name, 0));
    itk_cache_place_dispose(&pl);
    return rc ? itk_error_set(ITK_ENOTFOUND, "this user has no cache folder (no HOME)") : 0;
}

/* --- writing ---------------------------------------------------------------- */

static int put_u32(itk_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    return itk_buf_put(b, x, 4);
}

static int put_str(itk_buf *b, const char *s)
{
    size_t n = strlen(s ? s : "");
    int rc = put_u32(b, (uint32_t)n);
    return rc ? rc : itk_buf_put(b, s ? s : "", n + 1); /* and its NUL */
}

static int put_problem(itk_buf *b, const char *rule, const char *path, const char *signer,
                       const char *message)
{
    int rc = put_str(b, rule);
    rc = rc ? rc : put_str(b, path);
    rc = rc ? rc : put_str(b, signer);
    return rc ? rc : put_str(b, message);
}

static int put_info(itk_buf *b, const itk_commit_info *ci, unsigned flags)
{
    int rc = itk_buf_put(b, ci->id.id, GIT_OID_RAWSZ);
    const char *s[] = {ci->party,    ci->principal, ci->fingerprint, ci->action,
                       ci->received, ci->request,   ci->subject,     ci->subject_note};
    for (size_t i = 0; !rc && i < sizeof(s) / sizeof(*s); i++)
        rc = put_str(b, s[i]);
    unsigned long long t = (unsigned long long)ci->time;
    rc = rc ? rc : put_u32(b, (uint32_t)(t >> 32));
    rc = rc ? rc : put_u32(b, (uint32_t)t);
    rc = rc ? rc : put_u32(b, (uint32_t)ci->nparents);
    rc = rc ? rc : put_u32(b, flags);
    rc = rc ? rc : put_u32(b, (uint32_t)ci->nrecords);
    for (size_t i = 0; !rc && i < ci->nrecords; i++)
        rc = put_str(b, ci->records[i]);
    return rc;
}

/* --- reading ---------------------------------------------------------------- */

static int get_u32(itk_reader *rd, uint32_t *v)
{
    return rd_u32(rd, v);
}

/* A string and the NUL written after it: *p points at it in the bytes read. */
static int get_str(itk_reader *rd, const unsigned char **p, size_t *n)
{
    const unsigned char *z;
    if (rd_string(rd, p, n) || rd_bytes(rd, &z, 1) || *z != '\0' || memchr(*p, '\0', *n))
        return -1;
    return 0;
}

/* A string into a fixed field: longer than the field is corrupt. */
static int get_fixed(itk_reader *rd, char *dst, size_t cap)
{
    const unsigned char *p;
    size_t n;
    if (get_str(rd, &p, &n) || n >= cap)
        return -1;
    memcpy(dst, p, n);
    dst[n] = '\0';
    return 0;
}

/* A string left where it is (the cache keeps the bytes). */
static int get_dup(itk_reader *rd, char **out)
{
    const unsigned char *p;
    size_t n;
    if (get_str(rd, &p, &n))
        return -1;
    *out = (char *)(uintptr_t)p;
    return 0;
}

static int get_problem(itk_reader *rd, cproblem *p)
{
    memset(p, 0, sizeof(*p));
    return get_fixed(rd, p->rule, sizeof(p->rule)) || get_dup(rd, &p->path) ||
                   get_dup(rd, &p->signer) || get_dup(rd, &p->message)
               ? -1
               : 0;
}

/* A count that the bytes left could hold at min bytes each. */
static int get_count(itk_reader *rd, size_t *n, size_t min)
{
    uint32_t v;
    if (get_u32(rd, &v) || (min && v > rd->left / min))
        return -1;
    *n = v;
    return 0;
}

/* One entry; with skim, read and checked as in full but its records,
 * problems and void keys are not kept (e's pointers to them stay NULL):
 * parse skims every entry, entry_of decodes one when it is used. */
static int get_entry(itk_reader *rd, centry *e, int skim)
{
    const unsigned char *str;
    size_t slen;
    cproblem scratch;
    char key[64];
    const unsigned char *raw;
    uint32_t hi, lo, np, flags;
    itk_commit_info *ci = &e->info;
    memset(e, 0, sizeof(*e));
    if (rd_bytes(rd, &raw, GIT_OID_RAWSZ))
        return -1;
    git_oid_fromraw(&e->id, raw);
    ci->id = e->id;
    if (get_fixed(rd, ci->party, sizeof(ci->party)) ||
        get_fixed(rd, ci->principal, sizeof(ci->principal)) ||
        get_fixed(rd, ci->fingerprint, sizeof(ci->fingerprint)) ||
        get_fixed(rd, ci->action, sizeof(ci->action)) ||
        get_fixed(rd, ci->received, sizeof(ci->received)) ||
        get_fixed(rd, ci->request, sizeof(ci->request)) || get_dup(rd, &ci->subject) ||
        get_fixed(rd, ci->subject_note, sizeof(ci->subject_note)) || get_u32(rd, &hi) ||
        get_u32(rd, &lo) || get_u32(rd, &np) || get_u32(rd, &flags) ||
        get_count(rd, &ci->nrecords, 5))
        return -1;
    ci->time = (long long)((unsigned long long)hi << 32 | lo);
    ci->nparents = np;
    e->flags = flags;
    ci->ok = !!(flags & CF_OK);
    ci->is_void = !!(flags & CF_VOID);
    ci->recovered = !!(flags & CF_RECOVERED);
    if (!skim && ci->nrecords && !(ci->records = calloc(ci->nrecords, sizeof(char *))))
        return -1;
    for (size_t i = 0; i < ci->nrecords; i++)
        if (skim ? get_str(rd, &str, &slen) : get_dup(rd, &ci->records[i]))
            return -1;
    if (get_count(rd, &e->nproblems, 20))
        return -1;
    if (!skim && e->nproblems && !(e->problems = calloc(e->nproblems, sizeof(*e->problems))))
        return -1;
    for (size_t i = 0; i < e->nproblems; i++)
        if (get_problem(rd, skim ? &scratch : &e->problems[i]))
            return -1;
    if (get_fixed(rd, e->origin, sizeof(e->origin)) || get_count(rd, &e->nvkeys, 5))
        return -1;
    if (!skim && e->nvkeys && !(e->vkeys = calloc(e->nvkeys, sizeof(*e->vkeys))))
        return -1;
    for (size_t i = 0; i < e->nvkeys; i++)
        if (get_fixed(rd, skim ? key : e->vkeys[i], sizeof(key)))
            return -1;
    if (rd_bytes(rd, &raw, GIT_OID_RAWSZ))
        return -1;
    git_oid_fromraw(&e->tree, raw);
    if (get_u32(rd, &hi) || get_u32(rd, &lo) || get_count(rd, &e->nparents, GIT_OID_RAWSZ) ||
        e->nparents > ITK_VORDER_MAX_PARENTS)
        return -1;
    e->ctime = (long long)((unsigned long long)hi << 32 | lo);
    /* git_oid is its raw bytes: the parents are read where they are */
    if (rd_bytes(rd, &raw, e->nparents * GIT_OID_RAWSZ))
        return -1;
    e->parents = (const git_oid *)(const void *)raw;
    if (get_u32(rd, &hi) || hi > ITK_VTREES_MAX_DEPTH)
        return -1;
    e->height = hi;
    return 0;
}

/* The header both files start with (magic, format, the build's rules, the
 * pins) and the digest of the compromises their void flags assume. */
static int parse_head(itk_reader *rd, const char *magic, size_t mlen, char compromises[65],
                      const char *rules, const char *genesis, const char *city_key)
{
    const unsigned char *m;
    uint32_t format;
    char digest[65], g[GIT_OID_HEXSZ + 1], k[64];
    return rd_bytes(rd, &m, mlen) || memcmp(m, magic, mlen) || get_u32(rd, &format) ||
                   format != FORMAT || get_fixed(rd, digest, sizeof(digest)) ||
                   strcmp(digest, rules) != 0 || get_fixed(rd, g, sizeof(g)) ||
                   get_fixed(rd, k, sizeof(k)) || strcmp(g, genesis) != 0 ||
                   strcmp(k, city_key) != 0 || get_fixed(rd, compromises, 65)
               ? -1
               : 0;
}

/* n entries of file src (len bytes) after c's: each skimmed, its id new. */
static int parse_entries(cache *c, itk_reader *rd, size_t len, unsigned char src, size_t n)
{
    if (n && !(c->g = itk_realloc_array(c->g, c->n + n, sizeof(*c->g))))
        return -1;
    for (size_t k = 0; k < n; k++) {
        centry e;
        size_t i = c->n;
        cgraph *cg = &c->g[i];
        cg->off = len - rd->left;
        if (get_entry(rd, &e, 1) || itk_oidmap_get(&c->index, &e.id) ||
            itk_oidmap_set(&c->index, &e.id, (void *)(uintptr_t)(i + 1)))
            return -1;
        cg->end = len - rd->left;
        cg->src = src;
        cg->id = e.id;
        cg->tree = e.tree;
        cg->time = e.ctime;
        cg->nparents = (uint32_t)e.nparents;
        cg->parents = e.parents;
        cg->height = e.height;
        cg->flags = e.flags;
        cg->info_nparents = e.info.nparents;
        c->n++;
    }
    return 0;
}

/* The snapshots, naming c's entries, to the end of the file. */
static int parse_snaps(cache *c, itk_reader *rd)
{
    size_t ns;
    if (get_count(rd, &ns, 16) || ns > ITK_VCACHE_MAX_SNAPSHOTS)
        return -1;
    for (size_t s = 0; s < ns; s++) {
        csnap *sn = &c->snaps[c->nsnaps++];
        if (get_fixed(rd, sn->key, sizeof(sn->key)) || get_fixed(rd, sn->refs, sizeof(sn->refs)) ||
            get_count(rd, &sn->n, 4) ||
            !(sn->order = calloc(sn->n ? sn->n : 1, sizeof(*sn->order))))
            return -1;
        for (size_t i = 0; i < sn->n; i++) {
            uint32_t v;
            if (get_u32(rd, &v) || v >= c->n)
                return -1;
            sn->order[i] = v;
        }
        if (get_count(rd, &sn->nrun, 40) ||
            !(sn->run = calloc(sn->nrun ? sn->nrun : 1, sizeof(*sn->run))))
            return -1;
        for (size_t i = 0; i < sn->nrun; i++) {
            const unsigned char *raw;
            if (rd_bytes(rd, &raw, GIT_OID_RAWSZ))
                return -1;
            if (get_problem(rd, &sn->run[i])) { /* which zeroes it first */
                sn->nrun = i + 1;
                return -1;
            }
            git_oid_fromraw(&sn->run[i].commit, raw);
        }
    }
    return rd_done(rd);
}

/* The cache file's bytes into c (which holds nothing yet). */
static int parse(cache *c, const unsigned char *data, size_t len, const char *rules,
                 const char *genesis, const char *city_key)
{
    itk_reader rd;
    size_t n;
    rd_init(&rd, data, len);
    if (parse_head(&rd, MAGIC, sizeof(MAGIC) - 1, c->compromises, rules, genesis, city_key) ||
        get_fixed(&rd, c->gen, sizeof(c->gen)) || strlen(c->gen) != 2 * GEN_BYTES ||
        get_count(&rd, &n, 48) || itk_oidmap_init_sized(&c->index, n) ||
        parse_entries(c, &rd, len, 0, n))
        return -1;
    c->nbase = c->n;
    return parse_snaps(c, &rd);
}

/* The additions' bytes on top of c (parse's): their entries after c's,
 * their snapshots instead of c's. -1 (c unchanged) when they are not the
 * additions of this very file (another generation, other compromises), -2
 * when they are damaged: c is then to be parsed again without them. */
static int parse_add(cache *c, const unsigned char *data, size_t len, const char *rules,
                     const char *genesis, const char *city_key)
{
    itk_reader rd;
    char compromises[65], gen[sizeof(c->gen)];
    size_t n;
    rd_init(&rd, data, len);
    if (parse_head(&rd, MAGIC_ADD, sizeof(MAGIC_ADD) - 1, compromises, rules, genesis, city_key) ||
        strcmp(compromises, c->compromises) != 0 || get_fixed(&rd, gen, sizeof(gen)) ||
        strcmp(gen, c->gen) != 0 || get_count(&rd, &n, 48))
        return -1;
    if (parse_entries(c, &rd, len, 1, n))
        return -2;
    snaps_free(c);
    return parse_snaps(c, &rd) ? -2 : 0;
}

static void entry_dispose(centry *e)
{
    free(e->info.records);
    free(e->problems);
    free(e->vkeys);
}

/* Entry k decoded (its strings point into the file's bytes): 0, or -1 (with
 * nothing to dispose) when it cannot be, which parse's check rules out. */
static int entry_of(const cache *c, size_t k, centry *e)
{
    itk_reader rd;
    const cgraph *g = &c->g[k];
    /* read as parse read it: to the end of its file */
    rd_init(&rd, c->data[g->src] + g->off, c->len[g->src] - g->off);
    if (get_entry(&rd, e, 0) || c->len[g->src] - rd.left != g->end) {
        entry_dispose(e);
        return -1;
    }
    return 0;
}

/* The cache file's bytes into c, and its additions' (add NULL: none) when
 * they are this file's: 0, or -1 when the cache file itself is refused.
 * Additions that are refused are left out (c is parsed again without them):
 * the file is as the last run that wrote it whole left it. */
static int parse_pair(cache *c, const unsigned char *data, size_t len, const unsigned char *add,
                      size_t alen, const char *rules, const char *genesis, const char *city_key)
{
    if (parse(c, data, len, rules, genesis, city_key))
        return -1;
    if (!add)
        return 0;
    int rc = parse_add(c, add, alen, rules, genesis, city_key);
    if (rc == 0)
        c->has_add = 1;
    if (rc != -2)
        return 0;
    free(c->g);
    snaps_free(c);
    itk_oidmap_free(&c->index);
    memset(c, 0, sizeof(*c));
    return parse(c, data, len, rules, genesis, city_key);
}

/* The cache for these pins, or NULL (a missing, corrupt or foreign one is
 * ignored: it is rebuilt by this run; one this user did not write, from a
 * copied registry or cache folder, is foreign). */
static cache *load(const itk_cache_place *pl, const char *genesis, const char *city_key)
{
    cache *c = NULL;
    unsigned char *data = NULL, *add = NULL;
    size_t len, alen = 0;
    char name[64];
    if (itk_cache_read(&data, &len, pl, file_name(name, 0), ITK_VCACHE_MAX_BYTES))
        return NULL;
    if (itk_cache_read(&add, &alen, pl, file_name(name, 1), ITK_VCACHE_MAX_BYTES))
        add = NULL;
    if (!(c = calloc(1, sizeof(*c))) ||
        parse_pair(c, data, len, add, alen, ITK_RULES_DIGEST, genesis, city_key)) {
        cache_free(c);
        free(data);
        free(add);
        return NULL;
    }
    /* the strings point into them */
    c->data[0] = data;
    c->len[0] = len;
    if (c->has_add) {
        c->data[1] = add;
        c->len[1] = alen;
    } else
        free(add);
    return c;
}

int itk_vcache_parse_pair(const unsigned char *data, size_t len, const unsigned char *add,
                          size_t alen, const char *rules, const char *genesis, const char *city_key)
{
    cache *c = calloc(1, sizeof(*c));
    int n =
        c && parse_pair(c, data, len, add, alen, rules, genesis, city_key) == 0 && c->n <= INT32_MAX
            ? (int)c->n
            : -1;
    /* and each entry decoded in full, as a run decodes those it uses */
    if (c) {
        c->data[0] = (unsigned char *)(uintptr_t)data;
        c->len[0] = len;
        c->data[1] = (unsigned char *)(uintptr_t)add;
        c->len[1] = alen;
    }
    for (size_t k = 0; n >= 0 && k < c->n; k++) {
        centry e;
        if (entry_of(c, k, &e))
            n = -1;
        else
            entry_dispose(&e);
    }
    if (c)
        c->data[0] = c->data[1] = NULL; /* not ours */
    cache_free(c);
    return n;
}

int itk_vcache_parse_bytes(const unsigned char *data, size_t len, const char *rules,
                           const char *genesis, const char *city_key)
{
    return itk_vcache_parse_pair(data, len, NULL, 0, rules, genesis, city_key);
}

/* --- the run's identity ------------------------------------------------------ */

/* What the run walks (the revisions asked for) and what every ref points at:
 * a run with both equal to an earlier one's finds what that one found. */
int itk_vcache_refs_digest(char out[65], git_repository *repo)
{
    EVP_MD_CTX *f = EVP_MD_CTX_new();
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    unsigned char md[32];
    int rc = 0;
    if (!f)
        return itk_error_nomem();
    EVP_DigestInit_ex(f, EVP_sha256(), NULL);
    /* HEAD names a branch (or a commit): part of what a walk of HEAD sees */
    git_reference *head = NULL;
    if (git_reference_lookup(&head, repo, "HEAD") == 0) {
        const char *t = git_reference_symbolic_target(head);
        EVP_DigestUpdate(f, "HEAD ", 5);
        if (t)
            EVP_DigestUpdate(f, t, strlen(t));
        else if (git_reference_target(head))
            EVP_DigestUpdate(f, git_reference_target(head)->id, GIT_OID_RAWSZ);
        EVP_DigestUpdate(f, "\n", 1);
    }
    git_reference_free(head);
    if (git_reference_iterator_new(&it, repo) < 0) {
        rc = itk_error_git("cannot list refs");
        goto done;
    }
    while (git_reference_next(&ref, it) == 0) {
        const char *name = git_reference_name(ref);
        git_reference *resolved = NULL;
        EVP_DigestUpdate(f, name, strlen(name) + 1);
        /* a direct ref as it is: resolving refuses names libgit2 finds
         * invalid (a packed HEAD2), which git log --all still shows */
        if (git_reference_type(ref) == GIT_REFERENCE_DIRECT)
            EVP_DigestUpdate(f, git_reference_target(ref)->id, GIT_OID_RAWSZ);
        else if (git_reference_resolve(&resolved, ref) == 0)
            EVP_DigestUpdate(f, git_reference_target(resolved)->id, GIT_OID_RAWSZ);
        git_reference_free(resolved);
        git_reference_free(ref);
    }
    itk_error_clear();
    EVP_DigestFinal_ex(f, md, NULL);
    hex_digest(out, md);
done:
    git_reference_iterator_free(it);
    EVP_MD_CTX_free(f);
    return rc;
}

static int run_key(itk_vrun *v, const char **revs, size_t nrevs)
{
    EVP_MD_CTX *k = EVP_MD_CTX_new();
    unsigned char md[32];
    if (!k)
        return itk_error_nomem();
    EVP_DigestInit_ex(k, EVP_sha256(), NULL);
    if (!revs || !nrevs)
        EVP_DigestUpdate(k, "\1all", 4);
    for (size_t i = 0; revs && i < nrevs; i++)
        EVP_DigestUpdate(k, revs[i], strlen(revs[i]) + 1);
    EVP_DigestFinal_ex(k, md, NULL);
    EVP_MD_CTX_free(k);
    hex_digest(v->key, md);
    return itk_vcache_refs_digest(v->refs, v->repo);
}

static int cmp_compromise(const void *a, const void *b)
{
    const itk_compromise *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->last_good, y->last_good);
}

static int compromises_digest(char out[65], const itk_policy *p)
{
    itk_compromise *sorted = NULL;
    unsigned char md[32];
    if (p->ncompromises && !(sorted = itk_realloc_array(NULL, p->ncompromises, sizeof(*sorted))))
        return ITK_ENOMEM;
    if (p->ncompromises) {
        memcpy(sorted, p->compromises, p->ncompromises * sizeof(*sorted));
        qsort(sorted, p->ncompromises, sizeof(*sorted), cmp_compromise);
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) {
        free(sorted);
        return itk_error_nomem();
    }
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; i < p->ncompromises; i++) {
        EVP_DigestUpdate(ctx, sorted[i].key, strlen(sorted[i].key) + 1);
        EVP_DigestUpdate(ctx, sorted[i].last_good, strlen(sorted[i].last_good) + 1);
    }
    EVP_DigestFinal_ex(ctx, md, NULL);
    EVP_MD_CTX_free(ctx);
    free(sorted);
    hex_digest(out, md);
    return 0;
}

/* --- filling results ---------------------------------------------------------- */

static int add_problem(itk_verify_result *r, const git_oid *id, const cproblem *cp)
{
    if (itk_array_reserve(&r->problems, &r->aproblems, r->nproblems + 1, sizeof(*r->problems)))
        return ITK_ENOMEM;
    itk_problem *pr = &r->problems[r->nproblems];
    memset(pr, 0, sizeof(*pr));
    git_oid_tostr(pr->commit, sizeof(pr->commit), id);
    memcpy(pr->rule, cp->rule, sizeof(pr->rule));
    pr->path = itk_strdup(cp->path);
    pr->signer = pr->path ? itk_strdup(cp->signer) : NULL;
    pr->message = pr->signer ? itk_strdup(cp->message) : NULL;
    if (!pr->path || !pr->signer || !pr->message) {
        free(pr->path);
        free(pr->signer);
        free(pr->message);
        return ITK_ENOMEM;
    }
    r->nproblems++;
    return 0;
}

/* Copies a cached commit's info (owning its own strings) and problems. */
static int fill(itk_verify_result *r, itk_commit_info *ci, const centry *e)
{
    *ci = e->info;
    ci->subject = itk_strdup(e->info.subject);
    ci->records =
        ci->subject && e->info.nrecords ? itk_calloc(e->info.nrecords, sizeof(char *)) : NULL;
    ci->nrecords = 0;
    if (!ci->subject || (e->info.nrecords && !ci->records))
        return ITK_ENOMEM;
    for (size_t i = 0; i < e->info.nrecords; i++) {
        if (!(ci->records[i] = itk_strdup(e->info.records[i])))
            return ITK_ENOMEM;
        ci->nrecords++;
    }
    for (size_t i = 0; i < e->nproblems; i++) {
        int rc = add_problem(r, &e->id, &e->problems[i]);
        if (rc)
            return rc;
    }
    return 0;
}

/* fill of cache entry k, decoded for it. */
static int fill_at(itk_verify_result *r, itk_commit_info *ci, const cache *c, size_t k)
{
    centry e;
    if (entry_of(c, k, &e))
        return itk_error_set(ITK_EINVALID, "the verification cache cannot be read back");
    int rc = fill(r, ci, &e);
    entry_dispose(&e);
    return rc;
}

static int grow_commits(itk_verify_result *r, size_t n)
{
    if (n <= r->acommits)
        return 0;
    itk_commit_info *nc = itk_realloc_array(r->commits, n, sizeof(*nc));
    if (!nc)
        return ITK_ENOMEM;
    r->commits = nc;
    r->acommits = n;
    return 0;
}

static int snapshot_fill(itk_vrun *v)
{
    cache *c = v->c;
    for (size_t s = 0; s < c->nsnaps; s++) {
        csnap *sn = &c->snaps[s];
        if (strcmp(sn->key, v->key) != 0 || strcmp(sn->refs, v->refs) != 0)
            continue;
        itk_verify_result *r = v->r;
        int rc = grow_commits(r, sn->n ? sn->n : 1);
        for (size_t i = 0; !rc && i < sn->n; i++) {
            itk_commit_info *ci = &r->commits[r->ncommits++];
            memset(ci, 0, sizeof(*ci));
            rc = fill_at(r, ci, c, sn->order[i]);
        }
        for (size_t i = 0; !rc && i < sn->nrun; i++) {
            rc = add_problem(r, &sn->run[i].commit, &sn->run[i]);
            for (size_t k = 0; !rc && k < r->ncommits; k++)
                if (git_oid_equal(&r->commits[k].id, &sn->run[i].commit))
                    r->commits[k].ok = 0;
        }
        return rc ? rc : 1;
    }
    return 0;
}

/* Does every revision walked lie on a ref outside refs/itaku/incoming/? Then
 * every commit walked is held there, and V9 refuses none of them after the
 * walk (itk_policy_check_voids refuses only void commits held nowhere). */
static int all_held(git_repository *repo, const char **revs, size_t nrevs)
{
    if (git_repository_head_detached(repo) != 0)
        return 0;
    if (!revs || !nrevs) {
        git_reference_iterator *it = NULL;
        git_reference *ref = NULL;
        int held = git_reference_iterator_new(&it, repo) == 0;
        while (held && git_reference_next(&ref, it) == 0) {
            held = strncmp(git_reference_name(ref), ITK_REF_INCOMING,
                           ITK_PREFIX_LEN(ITK_REF_INCOMING)) != 0;
            git_reference_free(ref);
        }
        git_reference_iterator_free(it);
        itk_error_clear();
        return held;
    }
    for (size_t i = 0; i < nrevs; i++) {
        git_reference *ref = NULL;
        if (strcmp(revs[i], "HEAD") == 0)
            continue;
        int held = git_reference_dwim(&ref, repo, revs[i]) == 0 &&
                   strncmp(git_reference_name(ref), ITK_REF_INCOMING,
                           ITK_PREFIX_LEN(ITK_REF_INCOMING)) != 0;
        git_reference_free(ref);
        itk_error_clear();
        if (!held)
            return 0;
    }
    return 1;
}

int itk_vrun_begin(itk_vrun **out, git_repository *repo, itk_verify_result *r, const char **revs,
                   size_t nrevs, int full, const char *cache_root)
{
    itk_vrun *v = itk_calloc(1, sizeof(*v));
    int rc;
    *out = NULL;
    if (!v)
        return ITK_ENOMEM;
    v->repo = repo;
    v->r = r;
    v->full = full;
    if ((rc = run_key(v, revs, nrevs))) {
        free(v);
        return rc;
    }
    *out = v;
    itk_cache_place_init(&v->place, repo, cache_root);
    if (!full)
        v->c = load(&v->place, r->genesis, r->city_key);
    v->all_held = all_held(repo, revs, nrevs);
    return v->c && v->c->nsnaps ? snapshot_fill(v) : 0;
}

/* --- the walk ------------------------------------------------------------------ */

static int note(itk_vrun *v, size_t i, int cached, int v8)
{
    if (i >= v->acached) {
        size_t n = v->acached ? v->acached * 2 : 1024;
        while (n <= i)
            n *= 2;
        unsigned char *a = itk_realloc_array(v->cached, n, 1);
        if (a)
            v->cached = a;
        unsigned char *b = a ? itk_realloc_array(v->v8, n, 1) : NULL;
        if (b)
            v->v8 = b;
        size_t *e = b ? itk_realloc_array(v->eidx, n, sizeof(*e)) : NULL;
        if (e)
            v->eidx = e;
        if (!a || !b || !e)
            return ITK_ENOMEM;
        v->acached = n;
    }
    v->cached[i] = (unsigned char)cached;
    v->v8[i] = (unsigned char)v8;
    v->eidx[i] = 0;
    return 0;
}

/* V9's state that a void commit's check set: the keys it added are void
 * (itk_policy_void_keys_add) ... */
static int push_void_keys(itk_policy *p, const char *origin, char (*keys)[64], size_t nkeys)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < nkeys; i++)
        rc = itk_policy_void_key_push(p, origin, keys[i]);
    return rc;
}

/* ... and it is a void commit, whether it may stay known after the walk
 * (void_commit_add). */
static int push_void(itk_policy *p, const itk_commit_info *ci, const char *origin)
{
    itk_void_commit *nv = itk_realloc_array(p->voids, p->nvoids + 1, sizeof(*nv));
    if (!nv)
        return ITK_ENOMEM;
    p->voids = nv;
    memset(&nv[p->nvoids], 0, sizeof(*nv));
    nv[p->nvoids].id = ci->id;
    snprintf(nv[p->nvoids].origin, sizeof(nv->origin), "%s", origin);
    snprintf(nv[p->nvoids].party, sizeof(nv->party), "%s", ci->party);
    p->nvoids++;
    return 0;
}

/* The same for cached entry e of a void commit: one whose check stopped at a
 * problem before V9's (its trailers, say) is no void commit of the walk, and
 * the cache keeps no origin for it. */
static int void_again(itk_policy *p, const itk_commit_info *ci, const cache *c, size_t k)
{
    centry e;
    if (entry_of(c, k, &e))
        return itk_error_set(ITK_EINVALID, "the verification cache cannot be read back");
    int rc = e.origin[0] ? push_void(p, ci, e.origin) : 0;
    entry_dispose(&e);
    return rc;
}

/* The last Itaku-Received of a commit's message, as check_trailers reads it. */
static void received_of(char *out, size_t cap, const git_commit *c)
{
    git_message_trailer_array arr = {0};
    out[0] = '\0';
    if (git_message_trailers(&arr, git_commit_message(c)) < 0)
        return;
    for (size_t i = 0; i < arr.count; i++)
        if (strcmp(arr.trailers[i].key, ITK_TRAILER_RECEIVED) == 0)
            snprintf(out, cap, "%s", arr.trailers[i].value);
    git_message_trailer_array_free(&arr);
}

/* catch_up_one for accepted merge i (its graph known): V8's state
 * rebuilt from its parents and its Itaku-Received's party, which name the
 * line it took (the second parent: any other was a problem), without
 * reading the commit. */
static int replay_merge(itk_vrun *v, itk_policy *p, size_t i)
{
    itk_commit_info *ci = &p->result->commits[i];
    git_tree *trees[1] = {NULL};
    const git_oid *parents = &v->pool[v->gfirst[i]];
    int rc = 0;
    p->replay = 1;
    if (v->v9 && ci->is_void && v->cached[i] == 1 && v->eidx[i])
        rc = void_again(p, ci, v->c, v->eidx[i] - 1);
    if (!rc && v->v8[i]) {
        check ck;
        memset(&ck, 0, sizeof(ck));
        ck.p = p;
        ck.id = &ci->id;
        ck.info = ci;
        ck.parent_ids = parents;
        ck.lazy_tree = &v->gtree[i];
        ck.key_trees = trees;
        ck.nkey_trees = 1;
        snprintf(ck.signer, sizeof(ck.signer), "%s/%s", ci->party, ci->principal);
        snprintf(ck.fpr, sizeof(ck.fpr), "%s", ci->fingerprint);
        if (ci->received[0]) {
            char hex[GIT_OID_HEXSZ + 1];
            git_oid_tostr(hex, sizeof(hex), &parents[1]);
            snprintf(ck.received, sizeof(ck.received), "%s %s", ci->received, hex);
        }
        rc = itk_policy_check_receipt(&ck);
        rc = rc ? rc : ck.lazy_rc;
        git_tree_free(ck.tree);
        git_tree_free(trees[0]);
    }
    p->replay = 0;
    v->cached[i] = 2;
    return rc;
}

/* Rebuilds the per-commit state that the check of commit i set, without
 * recording its problems again (they came from the cache). */
static int catch_up_one(itk_vrun *v, itk_policy *p, size_t i)
{
    itk_commit_info *ci = &p->result->commits[i];
    git_commit *c = NULL;
    int rc = 0;
    if (i < v->agraph && v->ghave[i] && v->gnp[i] <= 1) {
        /* a commit of one parent (or none) is not read again: V9's state as
         * below, and its receipts state is its parent's, as
         * itk_policy_check_receipt sets it for a commit that merges nothing */
        if (v->v9 && ci->is_void && v->cached[i] == 1 && v->eidx[i])
            rc = void_again(p, ci, v->c, v->eidx[i] - 1);
        if (!rc && v->v8[i])
            rc = itk_oidmap_set(&p->receipts, &ci->id,
                                v->gnp[i] ? itk_oidmap_get(&p->receipts, &v->pool[v->gfirst[i]])
                                          : NULL);
        v->cached[i] = 2;
        return rc;
    }
    /* an accepted merge the graph describes is not read either: its
     * Itaku-Received was its only one, naming its second parent (V8, V10),
     * and V9 reads its trees only when a void commit is to be taken */
    if (i < v->agraph && v->ghave[i] && v->gnp[i] == 2 && ci->ok && ci->nparents == 2)
        return replay_merge(v, p, i);
    p->result->nread++;
    if (git_commit_lookup(&c, p->repo, &ci->id) < 0)
        return itk_error_git("cannot read commit %s", git_oid_tostr_s(&ci->id));
    p->replay = 1;
    /* V9's state: a void commit taken from the cache is one of the walk's
     * void commits (the keys it added were made void when the walk met it,
     * itk_vrun_check); the cache holds these flags for the same compromises
     * only (decide, stale_entry), so a commit cached as not void is not void,
     * adds no void key and is no void commit. A commit checked here (3) set
     * its V9 state itself: only its receipts are replayed */
    if (v->v9 && ci->is_void && v->cached[i] == 1 && v->eidx[i])
        rc = void_again(p, ci, v->c, v->eidx[i] - 1);
    if (!rc && v->v8[i]) {
        /* the receipts known along each line (V8), and with compromises the
         * void commits a receipt takes (voids_take reads the first
         * parent's tree and the commit's own) */
        git_tree *trees[1] = {NULL};
        git_commit *parent = NULL;
        check ck;
        memset(&ck, 0, sizeof(ck));
        ck.p = p;
        ck.commit = c;
        ck.id = &ci->id;
        ck.info = ci;
        snprintf(ck.signer, sizeof(ck.signer), "%s/%s", ci->party, ci->principal);
        snprintf(ck.fpr, sizeof(ck.fpr), "%s", ci->fingerprint);
        received_of(ck.received, sizeof(ck.received), c);
        if (p->nvoids && ck.received[0] && ci->nparents == 2 &&
            (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&trees[0], parent) < 0 ||
             git_commit_tree(&ck.tree, c) < 0))
            rc = itk_error_git("cannot read the trees of %s", git_oid_tostr_s(&ci->id));
        ck.key_trees = trees;
        ck.nkey_trees = trees[0] ? 1 : 0;
        rc = rc ? rc : itk_policy_check_receipt(&ck);
        git_tree_free(ck.tree);
        git_tree_free(trees[0]);
        git_commit_free(parent);
    }
    p->replay = 0;
    git_commit_free(c);
    v->cached[i] = 2;
    return rc;
}

static int catch_up(itk_vrun *v, itk_policy *p, size_t upto)
{
    for (; v->caught_up < upto; v->caught_up++) {
        if (v->cached[v->caught_up] != 1 && v->cached[v->caught_up] != 3 &&
            v->cached[v->caught_up] != 4)
            continue;
        int rc = catch_up_one(v, p, v->caught_up);
        if (rc)
            return rc;
    }
    return 0;
}

static void decide(itk_vrun *v, itk_policy *p)
{
    v->decided = 1;
    if (compromises_digest(v->compromises, p)) {
        itk_error_clear();
        return; /* nothing cached is used, nothing is written */
    }
    v->v9 = p->ncompromises > 0;
    /* void flags hold for the compromises they were found under; without
     * any compromise nothing is void, whatever was cached. Under other
     * compromises (one learnt since) a commit's own checks still hold: only
     * the commits a compromise can make void are checked again (stale_entry) */
    v->usable = v->c != NULL;
    v->stale = v->c && v->v9 && strcmp(v->c->compromises, v->compromises) != 0;
}

/* Must cached entry e be checked again? A root without a pinned genesis,
 * and, under compromises the cache did not know, a commit that may be void
 * (V9, itk_policy_mark_void): signed by a compromised key and not an
 * ancestor of its last good commit, or by a key a void commit added. It is
 * checked again in full, in the walk's order, which also adds the keys it
 * adds to the void ones; every other commit is not void. With exact 0
 * (before the commit is in the walk's graph) every commit of a compromised
 * key counts. */
static int stale_entry(itk_vrun *v, itk_policy *p, size_t k, int exact)
{
    const cgraph *g = &v->c->g[k];
    centry e;
    char fpr[sizeof(e.info.fingerprint)];
    /* without a pinned genesis, which root is the second one depends on
     * the walk (V1): every root is checked again */
    if (!p->genesis[0] && g->info_nparents == 0)
        return 1;
    if (!v->stale)
        return 0;
    /* its signer, decoded only under compromises the cache did not know */
    if (entry_of(v->c, k, &e))
        return 1;
    memcpy(fpr, e.info.fingerprint, sizeof(fpr));
    entry_dispose(&e);
    if (!fpr[0])
        return 0;
    for (size_t i = 0; i < p->ncompromises; i++) {
        git_oid lg;
        if (strcmp(p->compromises[i].key, fpr) != 0)
            continue;
        if (!exact || git_oid_fromstr(&lg, p->compromises[i].last_good) < 0)
            return 1;
        if (!git_oid_equal(&lg, &g->id) &&
            itk_vgraph_descendant_of(&p->graph, &p->commits, p->repo, &lg, &g->id) != 1) {
            itk_error_clear();
            return 1;
        }
    }
    for (size_t i = 0; i < p->nvoid_keys; i++)
        if (strcmp(p->void_keys[i], fpr) == 0)
            return 1;
    return 0;
}

int itk_vrun_cached(itk_vrun *v, itk_policy *p, const git_oid *id)
{
    if (!v->decided)
        decide(v, p);
    size_t idx = v->usable ? (size_t)(uintptr_t)itk_oidmap_get(&v->c->index, id) : 0;
    return idx && !stale_entry(v, p, idx - 1, 0);
}

int itk_vrun_check_id(itk_vrun *v, itk_policy *p, const git_oid *id, itk_commit_info *info)
{
    itk_verify_result *r = p->result;
    size_t i = r->ncommits - 1; /* info is r->commits[i] */
    int rc;
    if (!v->decided)
        decide(v, p);
    size_t idx = v->usable ? (size_t)(uintptr_t)itk_oidmap_get(&v->c->index, id) : 0;
    centry e;
    if (!idx || stale_entry(v, p, idx - 1, 1))
        return 0;
    if (entry_of(v->c, idx - 1, &e))
        return 0; /* checked in full */
    if ((rc = fill(r, info, &e)))
        goto done;
    if (!v->v9 || v->stale)
        info->is_void = 0;
    v->nwalk = r->nproblems;
    if ((rc = note(v, i, 1, !!(e.flags & CF_V8))))
        goto done;
    v->eidx[i] = idx;
    v->from_cache++;
    /* the keys a void commit added are void from here on (V9) */
    rc = info->is_void ? push_void_keys(p, e.origin, e.vkeys, e.nvkeys) : 0;
done:
    entry_dispose(&e);
    return rc ? rc : 1;
}

int itk_vrun_check(itk_vrun *v, itk_policy *p, const git_commit *c, itk_commit_info *info)
{
    itk_verify_result *r = p->result;
    size_t i = r->ncommits - 1; /* info is r->commits[i] */
    int rc = itk_vrun_check_id(v, p, git_commit_id(c), info);
    if (rc)
        return rc > 0 ? 0 : rc;
    /* a commit the cache does not hold: first the state of those before.
     * Only a merge reads it (V8's receipts along both parents, V9's void
     * commits a receipt takes; the void keys are known already): a commit
     * of one parent is checked at once, and its receipts state replayed
     * with the rest when a later merge or the run's end needs it */
    int merge = git_commit_parentcount(c) > 1;
    if ((rc = note(v, i, 0, 0)) || (merge && (rc = catch_up(v, p, i))))
        return rc;
    /* the trees of its parents were found canonical when they were checked
     * (a full run knows it by then): not walked again */
    for (unsigned k = 0; v->c && v->usable && k < git_commit_parentcount(c); k++) {
        size_t pi = (size_t)(uintptr_t)itk_oidmap_get(&v->c->index, git_commit_parent_id(c, k));
        const cgraph *g = pi ? &v->c->g[pi - 1] : NULL;
        if (g && g->height && !itk_oidmap_has(&p->trees.heights, &g->tree) &&
            (rc = itk_oidmap_set(&p->trees.heights, &g->tree, (void *)(uintptr_t)g->height)))
            return rc;
    }
    size_t kfrom = p->nvoid_keys, nvoids = p->nvoids;
    rc = itk_policy_check_commit(p, c, info);
    int pending = v->caught_up < i;
    if (!pending)
        v->caught_up = i + 1;
    v->nwalk = r->nproblems;
    if (!rc)
        rc = note(v, i, pending ? 3 : 0, itk_oidmap_has(&p->receipts, git_commit_id(c)));
    if (!rc && (info->is_void || p->nvoid_keys > kfrom)) {
        struct newvoid *nv = itk_realloc_array(v->newvoids, v->nnewvoids + 1, sizeof(*v->newvoids));
        if (!nv)
            return ITK_ENOMEM;
        v->newvoids = nv;
        nv += v->nnewvoids++;
        memset(nv, 0, sizeof(*nv));
        nv->i = i;
        nv->kfrom = kfrom;
        nv->kto = p->nvoid_keys;
        if (p->nvoids > nvoids && git_oid_equal(&p->voids[p->nvoids - 1].id, &info->id))
            snprintf(nv->origin, sizeof(nv->origin), "%s", p->voids[p->nvoids - 1].origin);
    }
    return rc;
}

/* --- saving ---------------------------------------------------------------- */

static int put_void(itk_buf *b, const char *origin, char (*keys)[64], size_t nkeys)
{
    int rc = put_str(b, origin);
    rc = rc ? rc : put_u32(b, (uint32_t)nkeys);
    for (size_t i = 0; !rc && i < nkeys; i++)
        rc = put_str(b, keys[i]);
    return rc;
}

static int put_entry(itk_buf *b, const itk_commit_info *ci, unsigned v8, const itk_problem *pr,
                     size_t npr)
{
    unsigned flags = (ci->ok ? CF_OK : 0) | (ci->is_void ? CF_VOID : 0) |
                     (ci->recovered ? CF_RECOVERED : 0) | (v8 ? CF_V8 : 0);
    int rc = put_info(b, ci, flags);
    rc = rc ? rc : put_u32(b, (uint32_t)npr);
    for (size_t i = 0; !rc && i < npr; i++)
        rc = put_problem(b, pr[i].rule, pr[i].path, pr[i].signer, pr[i].message);
    return rc;
}

static int put_graph(itk_buf *b, const git_oid *tree, long long time, const git_oid *parents,
                     size_t np, unsigned height)
{
    unsigned long long t = (unsigned long long)time;
    int rc = itk_buf_put(b, tree->id, GIT_OID_RAWSZ);
    rc = rc ? rc : put_u32(b, (uint32_t)(t >> 32));
    rc = rc ? rc : put_u32(b, (uint32_t)t);
    rc = rc ? rc : put_u32(b, (uint32_t)np);
    for (size_t i = 0; !rc && i < np; i++)
        rc = itk_buf_put(b, parents[i].id, GIT_OID_RAWSZ);
    return rc ? rc : put_u32(b, height);
}

/* Commit i of the walk as an entry, with its problems (r->problems[from,
 * to)). */
static int put_walk_commit(itk_buf *b, itk_vrun *v, itk_policy *p, size_t i, size_t from, size_t to)
{
    itk_verify_result *r = p->result;
    const itk_commit_info *ci = &r->commits[i];
    /* ok as the commit's own checks left it; the run's checks (V9 after the
     * walk) are kept with the snapshot */
    itk_commit_info copy = *ci;
    copy.ok = to == from;
    /* no problems at all: r->problems is NULL, and NULL + 0 is undefined */
    int rc = put_entry(b, &copy, i < v->acached ? v->v8[i] : 0,
                       to > from ? r->problems + from : NULL, to - from);
    /* V9's state of a void commit, so that a later run need not check it
     * again: from its cache entry, or from this run's check */
    centry held, *e = NULL;
    if (ci->is_void && i < v->acached && v->eidx[i] && v->c) {
        if (entry_of(v->c, v->eidx[i] - 1, &held))
            rc = ITK_EINVALID;
        else
            e = &held;
    }
    const struct newvoid *nv = NULL;
    for (size_t k = 0; ci->is_void && !e && k < v->nnewvoids; k++)
        if (v->newvoids[k].i == i)
            nv = &v->newvoids[k];
    if (!rc && e)
        rc = put_void(b, e->origin, e->vkeys, e->nvkeys);
    else if (!rc && nv)
        rc = put_void(b, nv->origin, p->void_keys + nv->kfrom, nv->kto - nv->kfrom);
    else if (!rc)
        rc = put_void(b, "", NULL, 0);
    if (e)
        entry_dispose(e);
    if (!rc && (i >= v->agraph || !v->ghave[i]))
        rc = ITK_EINVALID; /* every commit walked was noted (itk_vrun_graph_note) */
    /* its tree's nesting when found canonical, by this run or an earlier */
    unsigned h = rc ? 0 : (unsigned)(uintptr_t)itk_oidmap_get(&p->trees.heights, &v->gtree[i]);
    if (h > ITK_VTREES_MAX_DEPTH)
        h = 0;
    if (!h && i < v->acached && v->eidx[i] && v->c)
        h = v->c->g[v->eidx[i] - 1].height;
    return rc ? rc : put_graph(b, &v->gtree[i], v->gtime[i], v->pool + v->gfirst[i], v->gnp[i], h);
}

/* The end of r's problems that commit i of the walk has, from *j on (its
 * problems are grouped in walk order). */
static size_t problems_to(const itk_vrun *v, const itk_verify_result *r, size_t i, size_t j)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), &r->commits[i].id);
    while (j < v->nwalk && strcmp(r->problems[j].commit, hex) == 0)
        j++;
    return j;
}

/* This run's snapshot (commit i of the walk is entry at[i]), then old's that
 * still apply (an old entry k is entry map[k], map NULL: k). */
static int put_snaps(itk_buf *b, itk_vrun *v, const itk_verify_result *r, const size_t *at,
                     const cache *old, const size_t *map)
{
    size_t nsnaps = 1;
    for (size_t s = 0; old && s < old->nsnaps && nsnaps < ITK_VCACHE_MAX_SNAPSHOTS; s++)
        nsnaps += strcmp(old->snaps[s].key, v->key) != 0;
    int rc = put_u32(b, (uint32_t)nsnaps);
    rc = rc ? rc : put_str(b, v->key);
    rc = rc ? rc : put_str(b, v->refs);
    rc = rc ? rc : put_u32(b, (uint32_t)r->ncommits);
    for (size_t i = 0; !rc && i < r->ncommits; i++)
        rc = put_u32(b, (uint32_t)(at ? at[i] : i));
    rc = rc ? rc : put_u32(b, (uint32_t)(r->nproblems - v->nwalk));
    for (size_t k = v->nwalk; !rc && k < r->nproblems; k++) {
        git_oid id;
        const itk_problem *pr = &r->problems[k];
        if (git_oid_fromstr(&id, pr->commit) < 0)
            rc = ITK_EINVALID;
        rc = rc ? rc : itk_buf_put(b, id.id, GIT_OID_RAWSZ);
        rc = rc ? rc : put_problem(b, pr->rule, pr->path, pr->signer, pr->message);
    }
    size_t written = 1;
    for (size_t s = 0; !rc && old && s < old->nsnaps && written < nsnaps; s++) {
        const csnap *sn = &old->snaps[s];
        if (strcmp(sn->key, v->key) == 0)
            continue;
        written++;
        rc = put_str(b, sn->key);
        rc = rc ? rc : put_str(b, sn->refs);
        rc = rc ? rc : put_u32(b, (uint32_t)sn->n);
        for (size_t i = 0; !rc && i < sn->n; i++)
            rc = put_u32(b, (uint32_t)(map ? map[sn->order[i]] : sn->order[i]));
        rc = rc ? rc : put_u32(b, (uint32_t)sn->nrun);
        for (size_t k = 0; !rc && k < sn->nrun; k++) {
            rc = itk_buf_put(b, sn->run[k].commit.id, GIT_OID_RAWSZ);
            rc = rc ? rc
                    : put_problem(b, sn->run[k].rule, sn->run[k].path, sn->run[k].signer,
                                  sn->run[k].message);
        }
    }
    return rc;
}

static int put_head(itk_buf *b, const char *magic, size_t mlen, const itk_verify_result *r,
                    const char *compromises, const char *gen, size_t n)
{
    int rc = itk_buf_put(b, magic, mlen);
    rc = rc ? rc : put_u32(b, FORMAT);
    rc = rc ? rc : put_str(b, ITK_RULES_DIGEST);
    rc = rc ? rc : put_str(b, r->genesis);
    rc = rc ? rc : put_str(b, r->city_key);
    rc = rc ? rc : put_str(b, compromises);
    rc = rc ? rc : put_str(b, gen);
    return rc ? rc : put_u32(b, (uint32_t)n);
}

/* The additions to old that this run makes (issue 18 point 1: a run that
 * finds a few new commits writes those, not the whole history): 1 when they
 * were written (or could not be: uncached), 0 when the file is to be written
 * whole instead, because a commit old holds was checked again (a compromise
 * learnt since, a root of an unpinned registry: its entry changes) or the
 * additions would grow past an eighth of the file. */
static int write_additions(itk_vrun *v, itk_policy *p, cache *old)
{
    itk_verify_result *r = p->result;
    size_t knew = 0, nadd = old->n - old->nbase;
    size_t limit = old->nbase / 8 > ADD_MIN_ENTRIES ? old->nbase / 8 : ADD_MIN_ENTRIES;
    for (size_t i = 0; i < r->ncommits; i++) {
        size_t at = (size_t)(uintptr_t)itk_oidmap_get(&old->index, &r->commits[i].id);
        if (!at)
            knew++;
        else if (i >= v->acached || v->eidx[i] != at)
            return 0;
    }
    if (nadd + knew > limit)
        return 0;
    size_t *at = calloc(r->ncommits ? r->ncommits : 1, sizeof(*at));
    itk_buf b = ITK_BUF_INIT;
    int rc = at ? put_head(&b, MAGIC_ADD, sizeof(MAGIC_ADD) - 1, r, v->compromises, old->gen,
                           nadd + knew)
                : ITK_ENOMEM;
    /* the additions as they were, then this run's new commits in walk order */
    for (size_t k = old->nbase; !rc && k < old->n; k++)
        rc = itk_buf_put(&b, old->data[1] + old->g[k].off, old->g[k].end - old->g[k].off);
    size_t j = 0, next = old->n;
    for (size_t i = 0; !rc && i < r->ncommits; i++) {
        size_t from = j;
        j = problems_to(v, r, i, j);
        size_t held = (size_t)(uintptr_t)itk_oidmap_get(&old->index, &r->commits[i].id);
        at[i] = held ? held - 1 : next++;
        if (!held)
            rc = put_walk_commit(&b, v, p, i, from, j);
    }
    rc = rc ? rc : put_snaps(&b, v, r, at, old, NULL);
    char name[64];
    if (!rc)
        itk_cache_write(&v->place, file_name(name, 1), b.ptr, b.size); /* unwritten: no error */
    free(at);
    itk_buf_dispose(&b);
    return 1;
}

/* The generation of a cache file written whole (b, whose head put_head
 * wrote up to at): a digest of what follows the head, put into the head, so
 * that additions made to another file are not believed of this one, and a
 * file written again with the same content is the same bytes. */
static void put_gen(itk_buf *b, size_t at)
{
    unsigned char md[32];
    char hex[65];
    /* the head ends with the generation, its NUL and the count of entries */
    size_t gen = at - 4 - 1 - 2 * GEN_BYTES;
    if (!EVP_Digest(b->ptr + at, b->size - at, md, NULL, EVP_sha256(), NULL))
        return; /* it stays all zeros: a generation the additions of none name */
    hex_digest(hex, md);
    memcpy(b->ptr + gen, hex, 2 * GEN_BYTES);
}

void itk_vrun_end(itk_vrun *v, itk_policy *p)
{
    itk_verify_result *r = p->result;
    itk_buf b = ITK_BUF_INIT;
    size_t *newidx = NULL;
    int rc = 0;
    if (!v->decided)
        decide(v, p);
    if (!v->compromises[0] || !v->place.dir[0])
        goto done; /* nowhere to keep it: uncached */
    /* an object that could not be read (V11) is the store's state, not the
     * commit's: once it is fetched again the commit holds, so a run that
     * found one is not remembered (the next run checks again) */
    for (size_t i = 0; i < r->nproblems; i++)
        if (strcmp(r->problems[i].rule, "V11") == 0)
            goto done;
    /* keep what this run did not walk when its void flags still hold */
    cache *old = v->c && strcmp(v->c->compromises, v->compromises) == 0 ? v->c : NULL;
    /* every commit came from the cache as it was: the file would say again
     * what it says (but for this run's snapshot, which a next run of the same
     * refs finds as cheaply from the entries) */
    if (old && v->from_cache == r->ncommits && !v->nnewvoids && v->usable && !v->full)
        goto done;
    if (old && v->usable && !v->full && write_additions(v, p, old))
        goto done;
    /* where each kept entry lands: after this run's commits, in old order */
    size_t kept = 0;
    newidx = old ? calloc(old->n ? old->n : 1, sizeof(*newidx)) : NULL;
    if (old && !newidx)
        goto done;
    for (size_t i = 0; old && i < old->n; i++) {
        size_t at = (size_t)(uintptr_t)itk_oidmap_get(&p->commits, &old->g[i].id);
        newidx[i] = at ? at - 1 : r->ncommits + kept++;
    }
    char zeros[2 * GEN_BYTES + 1];
    memset(zeros, '0', 2 * GEN_BYTES);
    zeros[2 * GEN_BYTES] = '\0';
    rc = put_head(&b, MAGIC, sizeof(MAGIC) - 1, r, v->compromises, zeros, r->ncommits + kept);
    size_t head = b.size;
    /* the walk's commits first (index = position in r), problems grouped by
     * commit in walk order */
    size_t j = 0;
    for (size_t i = 0; !rc && i < r->ncommits; i++) {
        size_t from = j;
        j = problems_to(v, r, i, j);
        rc = put_walk_commit(&b, v, p, i, from, j);
    }
    for (size_t i = 0; !rc && old && i < old->n; i++)
        if (!itk_oidmap_has(&p->commits, &old->g[i].id)) /* its bytes as they were */
            rc = itk_buf_put(&b, old->data[old->g[i].src] + old->g[i].off,
                             old->g[i].end - old->g[i].off);
    /* this run's snapshot, then earlier runs' that still apply (an earlier
     * snapshot refers to entries by their old index: mapped) */
    rc = rc ? rc : put_snaps(&b, v, r, NULL, old, newidx);
    if (!rc)
        put_gen(&b, head);
    char name[64];
    if (!rc)
        itk_cache_write(&v->place, file_name(name, 0), b.ptr, b.size); /* unwritten: no error */
done:
    free(newidx);
    itk_buf_dispose(&b);
    itk_error_clear();
}

int itk_vrun_catch_up(itk_vrun *v, itk_policy *p)
{
    if (!v || v->acached < p->result->ncommits)
        return 1; /* a walk that noted not every commit */
    return catch_up(v, p, p->result->ncommits);
}

int itk_vrun_check_voids(itk_vrun *v, itk_policy *p)
{
    if (!v->decided)
        decide(v, p);
    v->nwalk = p->result->nproblems;
    /* V9 after the walk needs the void commits of every commit walked, unless
     * every one of them is held by a ref (then it refuses none): the void
     * commits first (from the cache), and the receipts that may take them
     * (V8's replay of every receipt) only when one is held by no ref */
    int rc = 0;
    if (v->v9 && !v->all_held) {
        for (size_t i = v->caught_up; !rc && i < p->result->ncommits; i++)
            if (v->cached[i] == 1 && p->result->commits[i].is_void && v->eidx[i]) {
                rc = void_again(p, &p->result->commits[i], v->c, v->eidx[i] - 1);
                v->cached[i] = 4;
            }
        int unheld = 0;
        for (size_t i = 0; !rc && !unheld && i < p->nvoids; i++)
            unheld = !p->voids[i].taken && !itk_policy_held(p, &p->voids[i].id);
        if (!rc && unheld)
            rc = catch_up(v, p, p->result->ncommits);
    }
    /* a commit checked before the cached ones were caught up met its void
     * commits first: in walk order again, as a full run lists them */
    for (size_t i = 1; !rc && i < p->nvoids; i++) {
        itk_void_commit x = p->voids[i];
        uintptr_t at = (uintptr_t)itk_oidmap_get(&p->commits, &x.id);
        size_t k = i;
        for (; k > 0 && (uintptr_t)itk_oidmap_get(&p->commits, &p->voids[k - 1].id) > at; k--)
            p->voids[k] = p->voids[k - 1];
        p->voids[k] = x;
    }
    return rc ? rc : itk_policy_check_voids(p);
}

void itk_vrun_free(itk_vrun *v)
{
    if (!v)
        return;
    cache_free(v->c);
    itk_cache_place_dispose(&v->place);
    free(v->cached);
    free(v->v8);
    free(v->eidx);
    free(v->newvoids);
    free(v->gtree);
    free(v->gtime);
    free(v->gfirst);
    free(v->gnp);
    free(v->ghave);
    free(v->pool);
    free(v);
}

/* --- the walk's graph ---------------------------------------------------------- */

int itk_vrun_has_graph(const itk_vrun *v)
{
    return v && v->c && v->c->n > 0;
}

int itk_vrun_graph_of(itk_vrun *v, const git_oid *id, git_oid *tree, long long *time,
                      git_oid *parents, size_t *np)
{
    size_t idx = v && v->c ? (size_t)(uintptr_t)itk_oidmap_get(&v->c->index, id) : 0;
    if (!idx)
        return 0;
    const cgraph *g = &v->c->g[idx - 1];
    if (tree)
        *tree = g->tree;
    *time = g->time;
    *np = g->nparents;
    if (parents && g->nparents)
        memcpy(parents, g->parents, g->nparents * sizeof(*parents));
    return 1;
}

int itk_vrun_graph_note(itk_vrun *v, size_t i, const git_oid *tree, long long time,
                        const git_oid *parents, size_t np)
{
    if (i >= v->agraph) {
        size_t n = v->agraph ? v->agraph * 2 : 1024;
        while (n <= i)
            n *= 2;
        git_oid *t = itk_realloc_array(v->gtree, n, sizeof(*t));
        if (t)
            v->gtree = t;
        long long *tm = t ? itk_realloc_array(v->gtime, n, sizeof(*tm)) : NULL;
        if (tm)
            v->gtime = tm;
        size_t *f = tm ? itk_realloc_array(v->gfirst, n, sizeof(*f)) : NULL;
        if (f)
            v->gfirst = f;
        size_t *k = f ? itk_realloc_array(v->gnp, n, sizeof(*k)) : NULL;
        if (k)
            v->gnp = k;
        unsigned char *h = k ? itk_realloc_array(v->ghave, n, 1) : NULL;
        if (h) {
            memset(h + v->agraph, 0, n - v->agraph);
            v->ghave = h;
        }
        if (!h)
            return ITK_ENOMEM;
        v->agraph = n;
    }
    if (v->npool + np > v->apool) {
        size_t n = (v->npool + np) * 2;
        git_oid *pl = itk_realloc_array(v->pool, n, sizeof(*pl));
        if (!pl)
            return ITK_ENOMEM;
        v->pool = pl;
        v->apool = n;
    }
    v->gtree[i] = *tree;
    v->gtime[i] = time;
    v->gfirst[i] = v->npool;
    v->gnp[i] = np;
    for (size_t k = 0; k < np; k++)
        v->pool[v->npool++] = parents[k];
    v->ghave[i] = 1;
    return 0;
}
