/* Git bundles v2: the header parser (untrusted input, bounded reader), the
 * writer (header + git_packbuilder's pack) and the importer (git_indexer on
 * our odb, so thin packs resolve). What may be taken from a bundle is
 * sync.c's decision; this file only brings its objects in. */
#include "itaku/write_lock.h"
#include "fault.h"
#include "itaku/bundle.h"
#include "alloc.h"
#include "array.h"
#include "itaku/errors.h"
#include "intl.h"
#include "itaku/json.h"
#include "itaku/names.h"
#include "bundle_priv.h"
#include "objsize.h"
#include "oidmap.h"
#include "packreuse.h"
#include "packscan.h"
#include "reader.h"
#include "registry_priv.h"
#include "sync_priv.h"
#include "commit_priv.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define V2_SIGNATURE "# v2 git bundle"
#define V3_SIGNATURE "# v3 git bundle"
#define INCOMING_NAME "bundle"
#define CHUNK (64 * 1024)
/* the longest path a packed tree walk spells out: 17 folder levels of 255 */
#define PACK_PATH_MAX 4608

typedef struct {
    git_oid id;
    char *name;
} bundle_ref;

struct itk_bundle_header {
    int version;
    git_oid *prereqs;
    size_t nprereqs, aprereqs;
    bundle_ref *refs;
    size_t nrefs, arefs;
};

void itk_bundle_header_free(itk_bundle_header *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->nrefs; i++)
        free(h->refs[i].name);
    free(h->refs);
    free(h->prereqs);
    free(h);
}

int itk_bundle_header_version(const itk_bundle_header *h)
{
    return h->version;
}

size_t itk_bundle_header_prerequisite_count(const itk_bundle_header *h)
{
    return h->nprereqs;
}

const git_oid *itk_bundle_header_prerequisite(const itk_bundle_header *h, size_t i)
{
    return i < h->nprereqs ? &h->prereqs[i] : NULL;
}

size_t itk_bundle_header_ref_count(const itk_bundle_header *h)
{
    return h->nrefs;
}

const char *itk_bundle_header_ref(const itk_bundle_header *h, size_t i, git_oid *id)
{
    if (i >= h->nrefs)
        return NULL;
    if (id)
        *id = h->refs[i].id;
    return h->refs[i].name;
}

/* 40 lowercase hex digits, as git writes them. */
static int parse_oid(git_oid *out, const unsigned char *s, size_t len)
{
    if (len != GIT_OID_HEXSZ)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return -1;
    return git_oid_fromstrn(out, (const char *)s, len) < 0 ? -1 : 0;
}

/* A conservative check of git's ref-name rules: "HEAD" or refs/… made of
 * [A-Za-z0-9._/-], no empty, "." or ".."-containing component, no
 * component starting with '.', no ".lock" ending. */
static int ref_name_ok(const unsigned char *s, size_t len)
{
    if (len == 4 && memcmp(s, "HEAD", 4) == 0)
        return 1;
    if (len < 6 || len > 1024 || memcmp(s, "refs/", 5) != 0 || s[len - 1] == '/' ||
        s[len - 1] == '.')
        return 0;
    if (len >= 5 && memcmp(s + len - 5, ".lock", 5) == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-' || c == '/';
        if (!ok)
            return 0;
        if (c == '/' && (i + 1 >= len || s[i + 1] == '/' || s[i + 1] == '.'))
            return 0;
        if (c == '.' && i + 1 < len && s[i + 1] == '.')
            return 0;
    }
    return 1;
}

static int header_fail(itk_bundle_header *h, int code, size_t line, const char *what)
{
    itk_bundle_header_free(h);
    /* TRANSLATORS: the second %s says what is wrong with that line */
    return itk_error_set(code, "not a valid git bundle: line %zu %s", line, itk__(what));
}

int itk_bundle_header_parse(itk_bundle_header **out, size_t *header_len, const void *data,
                            size_t len)
{
    itk_reader r;
    const unsigned char *line;
    size_t n, lineno = 1;
    *out = NULL;
    *header_len = 0;
    rd_init(&r, data, len > ITK_BUNDLE_MAX_HEADER ? ITK_BUNDLE_MAX_HEADER : len);
    itk_bundle_header *h = itk_calloc(1, sizeof(*h));
    if (!h)
        return ITK_ENOMEM;
    if (rd_text_line(&r, &line, &n) < 0 || n > ITK_BUNDLE_MAX_LINE)
        return header_fail(h, ITK_EINVALID, 1,
                           "is missing: the file does not start with \"# v2 git bundle\"");
    if (n == strlen(V2_SIGNATURE) && memcmp(line, V2_SIGNATURE, n) == 0)
        h->version = 2;
    else if (n == strlen(V3_SIGNATURE) && memcmp(line, V3_SIGNATURE, n) == 0)
        h->version = 3;
    else
        return header_fail(h, ITK_EINVALID, 1, "is not \"# v2 git bundle\"");
    for (;;) {
        lineno++;
        if (rd_text_line(&r, &line, &n) < 0) {
            if (len > ITK_BUNDLE_MAX_HEADER)
                return header_fail(h, ITK_ETOOBIG, lineno,
                                   "is past the largest header itaku reads (1 MiB)");
            return header_fail(h, ITK_EINVALID, lineno,
                               "is missing: the header is truncated (no blank line before "
                               "the pack)");
        }
        if (n > ITK_BUNDLE_MAX_LINE)
            return header_fail(h, ITK_ETOOBIG, lineno, "is too long");
        if (n == 0)
            break;
        if (line[0] == '@') {
            static const char fmt[] = "@object-format=sha1";
            if (h->version != 3)
                return header_fail(h, ITK_EINVALID, lineno,
                                   "is a capability, which only v3 bundles have");
            if (n != sizeof(fmt) - 1 || memcmp(line, fmt, n) != 0)
                return header_fail(h, ITK_EUNSUPPORTED, lineno,
                                   "asks for a capability itaku does not support (only "
                                   "object-format=sha1)");
            continue;
        }
        if (line[0] == '-') {
            git_oid id;
            /* "-<oid>" or "-<oid> <comment>" */
            if (n < 1 + GIT_OID_HEXSZ || parse_oid(&id, line + 1, GIT_OID_HEXSZ) < 0 ||
                (n > 1 + GIT_OID_HEXSZ && line[1 + GIT_OID_HEXSZ] != ' '))
                return header_fail(h, ITK_EINVALID, lineno, "is not a prerequisite \"-<id>\"");
            if (h->nprereqs == ITK_BUNDLE_MAX_PREREQUISITES)
                return header_fail(h, ITK_ETOOBIG, lineno, "is one prerequisite too many");
            if (itk_array_reserve(&h->prereqs, &h->aprereqs, h->nprereqs + 1, sizeof(*h->prereqs)))
                return header_fail(h, ITK_ENOMEM, lineno, "ran out of memory");
            h->prereqs[h->nprereqs++] = id;
            continue;
        }
        git_oid id;
        if (n < GIT_OID_HEXSZ + 2 || parse_oid(&id, line, GIT_OID_HEXSZ) < 0 ||
            line[GIT_OID_HEXSZ] != ' ')
            return header_fail(h, ITK_EINVALID, lineno, "is not a ref \"<id> <name>\"");
        const unsigned char *name = line + GIT_OID_HEXSZ + 1;
        size_t nlen = n - GIT_OID_HEXSZ - 1;
        if (!ref_name_ok(name, nlen))
            return header_fail(h, ITK_EINVALID, lineno, "names a ref git would not accept");
        if (h->nrefs == ITK_BUNDLE_MAX_REFS)
            return header_fail(h, ITK_ETOOBIG, lineno, "is one ref too many");
        if (itk_array_reserve(&h->refs, &h->arefs, h->nrefs + 1, sizeof(*h->refs)))
            return header_fail(h, ITK_ENOMEM, lineno, "ran out of memory");
        bundle_ref *br = &h->refs[h->nrefs];
        int rc = itk_cstr_copy(&br->name, name, nlen, ITK_BUNDLE_MAX_LINE, itk__("the ref name"));
        if (rc == ITK_ENOMEM)
            return header_fail(h, rc, lineno, "ran out of memory");
        if (rc)
            return header_fail(h, rc, lineno, "names a ref git would not accept");
        br->id = id;
        h->nrefs++;
    }
    if (h->nrefs == 0)
        return header_fail(h, ITK_EINVALID, lineno, "ends a header that lists no ref");
    *header_len = rd_offset(&r, len > ITK_BUNDLE_MAX_HEADER ? ITK_BUNDLE_MAX_HEADER : len);
    *out = h;
    return 0;
}

int itk_bundle_is_bundle(const char *path)
{
    char head[16];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, head, sizeof(head));
    close(fd);
    return n == (ssize_t)sizeof(head) &&
           (memcmp(head, V2_SIGNATURE "\n", 16) == 0 || memcmp(head, V3_SIGNATURE "\n", 16) == 0);
}

/* ---- import ---- */

static int read_header(itk_bundle_header **h, size_t *hlen, FILE *f, const char *path)
{
    unsigned char *buf = itk_malloc(ITK_BUNDLE_MAX_HEADER + 1);
    if (!buf)
        return ITK_ENOMEM;
    size_t n = fread(buf, 1, ITK_BUNDLE_MAX_HEADER + 1, f);
    int rc = ferror(f) ? itk_error_set(ITK_EIO, "cannot read %s", path)
                       : itk_bundle_header_parse(h, hlen, buf, n);
    if (rc && rc != ITK_EIO) {
        char saved[600];
        snprintf(saved, sizeof(saved), "%s", itk_error_last());
        itk_error_set(rc, "%s: %s; nothing was taken", path, saved);
    }
    free(buf);
    return rc;
}

/* Whether libgit2's last failure was a full disk (its message then says
 * so, itk_error_git), not damage in the pack. */
static int full_disk(void)
{
    const git_error *e = git_error_last();
    return e && e->message && strstr(e->message, strerror(ENOSPC));
}

static int disk_full(const char *path, const char *packdir)
{
    return itk_error_set(ITK_EIO,
                         "cannot write the pack of %s into %s: %s; nothing was taken; the disk is "
                         "full: free space on it and run the command again",
                         path, packdir, git_error_last()->message);
}

int itk_bundle_unpack(itk_bundle_header **out, git_repository *repo, const char *path)
{
    itk_bundle_header *h = NULL;
    git_odb *odb = NULL;
    git_indexer *idx = NULL;
    itk_packscan *scan = NULL;
    unsigned char *chunk = NULL;
    size_t hlen;
    struct stat st;
    int rc = 0;
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return itk_error_set(ITK_ENOTFOUND, "cannot open %s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = itk_error_set(ITK_EINVALID, "%s is not a regular file", path);
        goto done;
    }
    if ((rc = read_header(&h, &hlen, f, path)))
        goto done;
    if (git_repository_odb(&odb, repo) < 0) {
        rc = itk_error_git("cannot open the object database");
        goto done;
    }
    /* parse fully, then act: every prerequisite before any byte of the pack */
    for (size_t i = 0; i < h->nprereqs; i++) {
        size_t sz;
        git_object_t type;
        if (git_odb_read_header(&sz, &type, odb, &h->prereqs[i]) < 0 || type != GIT_OBJECT_COMMIT) {
            rc = itk_error_set(ITK_ENOTFOUND,
                               "%s needs commit %s, which this registry lacks (a bundle holds "
                               "only what is new since its prerequisites): import the bundles "
                               "made before it first; nothing was taken",
                               path, git_oid_tostr_s(&h->prereqs[i]));
            goto done;
        }
    }
    if ((off_t)hlen >= st.st_size) {
        rc = itk_error_set(ITK_EINVALID, "%s holds a header but no pack; nothing was taken", path);
        goto done;
    }
    char packdir[4096];
    snprintf(packdir, sizeof(packdir), "%sobjects/pack", git_repository_path(repo));
    git_indexer_options io;
    git_indexer_options_init(&io, GIT_INDEXER_OPTIONS_VERSION);
    /* no io.verify: libgit2 1.5 leaks its connectivity map; verify_run reads
     * every commit, tree and blob the refs reach, and refuses what is missing */
    io.verify = 0;
    git_indexer_progress stats = {0};
    if (!(chunk = itk_malloc(CHUNK))) {
        rc = ITK_ENOMEM;
        goto done;
    }
    if (fseeko(f, (off_t)hlen, SEEK_SET) != 0 || git_indexer_new(&idx, packdir, 0, odb, &io) < 0) {
        rc = itk_error_git("cannot read the pack of %s", path);
        goto done;
    }
    /* each object's size, and each delta's result size, read from its header
     * before the indexer sees its bytes (it resolves deltas whole, in memory) */
    char what[4200];
    snprintf(what, sizeof(what), "the pack in %s", path);
    if ((rc = itk_packscan_new(&scan, NULL, what)))
        goto done;
    itk_packscan_set_length(scan, (uint64_t)(st.st_size - (off_t)hlen));
    size_t n;
    while ((n = fread(chunk, 1, CHUNK, f)) > 0) {
        if ((rc = itk_packscan_feed(scan, chunk, n))) {
            itk_error_set(rc, "%s; nothing was taken", itk_error_last());
            goto done;
        }
        if (git_indexer_append(idx, chunk, n, &stats) < 0) {
            rc = full_disk() ? disk_full(path, packdir)
                             : itk_error_git("the pack in %s is damaged; nothing was taken", path);
            goto done;
        }
    }
    if (ferror(f)) {
        rc = itk_error_set(ITK_EIO, "cannot read %s", path);
        goto done;
    }
    if ((rc = itk_packscan_finish(scan))) {
        itk_error_set(rc, "%s; nothing was taken", itk_error_last());
        goto done;
    }
    if (git_indexer_commit(idx, &stats) < 0) {
        rc = full_disk() ? disk_full(path, packdir)
                         : itk_error_git("the pack in %s is damaged or incomplete; nothing was "
                                         "taken",
                                         path);
        goto done;
    }
    itk_fault_point("object"); /* the pack and its index are written */
    git_odb_refresh(odb);
    for (size_t i = 0; i < h->nrefs; i++) {
        if (!git_odb_exists(odb, &h->refs[i].id)) {
            rc = itk_error_set(ITK_EINVALID,
                               "%s names %s = %s, but neither it nor this registry holds that "
                               "object; nothing was taken",
                               path, h->refs[i].name, git_oid_tostr_s(&h->refs[i].id));
            goto done;
        }
    }
    *out = h;
    h = NULL;
done:
    git_indexer_free(idx);
    itk_packscan_free(scan);
    free(chunk);
    git_odb_free(odb);
    itk_bundle_header_free(h);
    fclose(f);
    return rc;
}

/* The party a bundle says it comes from (refs/itaku/sender/<P>), or "". */
static int sender_of(char party[ITK_PARTY_ID_MAX + 1], const itk_bundle_header *h)
{
    size_t plen = strlen(ITK_BUNDLE_SENDER_PREFIX);
    party[0] = '\0';
    for (size_t i = 0; i < h->nrefs; i++) {
        const char *n = h->refs[i].name;
        if (strncmp(n, ITK_BUNDLE_SENDER_PREFIX, plen) != 0)
            continue;
        if (party[0] || strlen(n + plen) > ITK_PARTY_ID_MAX || itk_party_id_check(n + plen) < 0)
            return itk_error_set(ITK_EINVALID, "the bundle names more than one sender, or an "
                                               "invalid one; say whose line it is with --from; "
                                               "nothing was taken");
        snprintf(party, ITK_PARTY_ID_MAX + 1, "%s", n + plen);
    }
    return 0;
}

int itk_bundle_import(itk_sync_report *report, itk_registry *reg, const char *path,
                      const char *party, const itk_take_options *opts)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    itk_bundle_header *h = NULL;
    git_repository *repo = reg->repo;
    char sender[ITK_PARTY_ID_MAX + 1];
    int rc;
    if (report)
        memset(report, 0, sizeof(*report));
    if (party && (rc = itk_party_id_check(party)))
        return rc;
    if ((rc = itk_bundle_unpack(&h, repo, path)))
        return rc;
    if ((rc = sender_of(sender, h)))
        goto done;
    if (!party && !sender[0]) {
        rc = itk_error_set(ITK_EINVALID,
                           "%s does not say whose line its main is (it was not made by "
                           "`itaku bundle create`): give --from PARTY; nothing was taken",
                           path);
        goto done;
    }
    itk_sync_drop_incoming(reg, INCOMING_NAME);
    size_t taken = 0;
    for (size_t i = 0; i < h->nrefs && !rc; i++) {
        const char *n = h->refs[i].name, *rel = NULL;
        if (strcmp(n, ITK_REF_MAIN) == 0)
            rel = "main";
        else if (strncmp(n, ITK_REF_PARTIES, ITK_PREFIX_LEN(ITK_REF_PARTIES)) == 0 ||
                 strncmp(n, ITK_REF_REQUESTS, ITK_PREFIX_LEN(ITK_REF_REQUESTS)) == 0)
            rel = n + 11;
        if (!rel)
            continue;
        git_object *obj = NULL;
        if (git_object_lookup(&obj, repo, &h->refs[i].id, GIT_OBJECT_COMMIT) < 0) {
            rc = itk_error_set(ITK_EINVALID,
                               "%s names %s = %s, which is not a commit; nothing "
                               "was taken",
                               path, n, git_oid_tostr_s(&h->refs[i].id));
            break;
        }
        git_object_free(obj);
        char in[600];
        git_reference *ref = NULL;
        snprintf(in, sizeof(in), ITK_REF_INCOMING INCOMING_NAME "/%s", rel);
        itk_fault_point("ref-before");
        if (git_reference_create(&ref, repo, in, &h->refs[i].id, 1,
                                 "itaku: bundle into "
                                 "quarantine") < 0)
            rc = itk_error_git("cannot take %s from %s", n, path);
        git_reference_free(ref);
        taken++;
    }
    if (!rc && !taken)
        rc = itk_error_set(ITK_ENOTFOUND,
                           "%s holds no main, parties/<P>/main or request branch; nothing was "
                           "taken",
                           path);
    if (rc) {
        itk_sync_drop_incoming(reg, INCOMING_NAME);
        goto done;
    }
    char source[4200];
    snprintf(source, sizeof(source), "bundle %s", path);
    /* --from is the user's hint; the header's sender is the bundle's own word
     * for who made it, which its signatures must bear out (DESIGN §7) */
    if (party)
        rc = itk_sync_publish(report, reg, INCOMING_NAME, party, source, opts);
    else
        rc = itk_sync_publish_claimed(report, reg, INCOMING_NAME, sender, source, opts);
    itk_main_update spare;
    if (!rc)
        rc = itk_sync_main_forward(report ? &report->main : &spare, reg);
done:
    itk_bundle_header_free(h);
    return rc;
}

/* ---- create ---- */

/* The pack goes out in large writes: libgit2 hands it over in pieces of a
 * few bytes (each object's header, its id) to a few kilobytes. */
#define PACK_OUT_BUF (1024 * 1024)

typedef struct {
    int fd;
    int failed;
    size_t used;
    char *buf; /* PACK_OUT_BUF bytes */
} pack_out;

static int pack_flush(pack_out *o)
{
    if (o->used && itk_write_all(o->fd, o->buf, o->used) < 0)
        o->failed = 1;
    o->used = 0;
    return o->failed ? -1 : 0;
}

static int pack_chunk(void *buf, size_t size, void *payload)
{
    pack_out *o = payload;
    if (o->used + size > PACK_OUT_BUF && pack_flush(o) < 0)
        return -1;
    if (size >= PACK_OUT_BUF) {
        if (itk_write_all(o->fd, buf, size) < 0) {
            o->failed = 1;
            return -1;
        }
        return 0;
    }
    memcpy(o->buf + o->used, buf, size);
    o->used += size;
    return 0;
}

/* The first line of a commit's message, safe for a header line. */
static void subject_of(itk_buf *out, git_repository *repo, const git_oid *id)
{
    git_commit *c = NULL;
    if (git_commit_lookup(&c, repo, id) < 0)
        return;
    const char *s = git_commit_summary(c);
    for (size_t i = 0; s && s[i] && i < 200; i++)
        itk_buf_putc(out, s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
    git_commit_free(c);
}

typedef struct {
    char *name;
    git_oid id;
} out_ref;

/* What goes into the pack, object by object, the way `git pack-objects`
 * sees it. What our packs hold goes out as they hold it, deltas included
 * (packreuse.h); the rest is given to libgit2's delta search, each tree and
 * blob under its path, so that it (which sorts by a hash of the name, then
 * by size) puts the versions of one folder or file side by side; libgit2's
 * own insert_walk names no tree, and a registry's history is mostly new
 * versions of a few large folders. Every object is checked within the limit
 * a reader of the bundle holds it to, read from its header before anything
 * is inflated (itk_packreuse_plan): a bundle never carries what every
 * importer would refuse. What the other side holds (the prerequisite's
 * tree) is marked: a delta on it goes out as it is (a thin pack, as git's
 * bundles are). */
typedef struct {
    git_repository *repo;
    itk_packreuse *pr;
    int holding; /* marking what the other side holds, sending nothing */
    struct walk_node *root;
    itk_oidmap seen;
    char path[PACK_PATH_MAX];
} pack_walk;

/* One folder's place in the walk: the version of it read last (every
 * object it names is marked already), so that the next version read at the
 * same path is compared with it entry by entry, in order, and only what
 * changed is looked up; the versions of a folder differ by a few entries. */
typedef struct walk_node {
    git_tree *last;
    struct walk_node **kids;
    size_t nkids, akids;
    char *name;
} walk_node;

static void node_free(walk_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->name);
    git_tree_free(n->last);
    free(n);
}

/* n's folder named name, made when it is new; NULL: ITK_ENOMEM. */
static walk_node *node_kid(walk_node *n, const char *name)
{
    for (size_t i = 0; i < n->nkids; i++)
        if (strcmp(n->kids[i]->name, name) == 0)
            return n->kids[i];
    walk_node *k = itk_calloc(1, sizeof(*k));
    if (!k || !(k->name = itk_strdup(name)) ||
        itk_array_reserve(&n->kids, &n->akids, n->nkids + 1, sizeof(*n->kids))) {
        node_free(k);
        return NULL;
    }
    return n->kids[n->nkids++] = k;
}

/* git's order of a folder's entries: names bytewise, a folder's as if it
 * ended in '/'. */
static int entry_order(const git_tree_entry *a, const git_tree_entry *b)
{
    const char *x = git_tree_entry_name(a), *y = git_tree_entry_name(b);
    size_t i = 0;
    while (x[i] && x[i] == y[i])
        i++;
    unsigned cx = x[i] ? (unsigned char)x[i] : git_tree_entry_type(a) == GIT_OBJECT_TREE ? '/' : 0;
    unsigned cy = y[i] ? (unsigned char)y[i] : git_tree_entry_type(b) == GIT_OBJECT_TREE ? '/' : 0;
    return cx < cy ? -1 : cx > cy;
}

static int pack_tree(pack_walk *w, walk_node *node, const git_oid *tree, size_t plen,
                     unsigned depth)
{
    git_tree *t = NULL;
    int rc;
    if (itk_oidmap_has(&w->seen, tree))
        return 0;
    if ((rc = itk_oidmap_set(&w->seen, tree, (void *)1)))
        return rc;
    if (depth > 16)
        return itk_error_set(ITK_ETOOBIG, "folder %s lies deeper than any a registry holds",
                             git_oid_tostr_s(tree));
    rc = w->holding ? itk_packreuse_hold(w->pr, tree)
                    : itk_packreuse_insert(w->pr, tree, plen ? w->path : NULL, GIT_OBJECT_TREE,
                                           ITK_MAX_TREE_BYTES);
    if (rc)
        return rc;
    if (git_tree_lookup(&t, w->repo, tree) < 0)
        return itk_error_git("cannot read folder %s", git_oid_tostr_s(tree));
    const git_tree *prev = node->last;
    size_t j = 0, nprev = prev ? git_tree_entrycount(prev) : 0;
    for (size_t i = 0; !rc && i < git_tree_entrycount(t); i++) {
        const git_tree_entry *e = git_tree_entry_byindex(t, i);
        const git_oid *id = git_tree_entry_id(e);
        git_object_t type = git_tree_entry_type(e);
        /* the same entry in the version read before: marked already (the
         * same object at the same place: marked, whatever its name) */
        if (j < nprev && git_oid_equal(git_tree_entry_id(git_tree_entry_byindex(prev, j)), id)) {
            j++;
            continue;
        }
        const char *name = git_tree_entry_name(e);
        int c = -1;
        for (; j < nprev; j++) {
            const git_tree_entry *pe = git_tree_entry_byindex(prev, j);
            c = strcmp(git_tree_entry_name(pe), name) == 0 && git_tree_entry_type(pe) == type
                    ? 0
                    : entry_order(pe, e);
            if (c >= 0)
                break;
        }
        if (c == 0 && git_oid_equal(git_tree_entry_id(git_tree_entry_byindex(prev, j)), id))
            continue;
        size_t nlen = strlen(name), at = plen ? plen + 1 : 0;
        if (type != GIT_OBJECT_TREE && (type != GIT_OBJECT_BLOB || itk_oidmap_has(&w->seen, id)))
            continue;
        if (at + nlen >= sizeof(w->path)) {
            rc = itk_error_set(ITK_ETOOBIG,
                               "a path in folder %s is longer than any a registry "
                               "holds",
                               git_oid_tostr_s(tree));
            break;
        }
        if (plen)
            w->path[plen] = '/';
        memcpy(w->path + at, name, nlen + 1);
        if (type == GIT_OBJECT_TREE) {
            walk_node *kid = node_kid(node, name);
            rc = kid ? pack_tree(w, kid, id, at + nlen, depth + 1) : ITK_ENOMEM;
        } else if (!(rc = itk_oidmap_set(&w->seen, id, (void *)1))) {
            rc = w->holding ? itk_packreuse_hold(w->pr, id)
                            : itk_packreuse_insert(w->pr, id, w->path, GIT_OBJECT_BLOB,
                                                   ITK_MAX_ATTACHMENT_BYTES);
        }
        w->path[plen] = '\0';
    }
    git_tree_free(node->last);
    node->last = t;
    return rc;
}

static int pack_commit(pack_walk *w, const git_oid *id)
{
    git_commit *c = NULL;
    int rc = w->holding
                 ? itk_packreuse_hold(w->pr, id)
                 : itk_packreuse_insert(w->pr, id, NULL, GIT_OBJECT_COMMIT, ITK_MAX_COMMIT_BYTES);
    if (rc)
        return rc;
    if (git_commit_lookup(&c, w->repo, id) < 0)
        return itk_error_git("cannot read commit %s", git_oid_tostr_s(id));
    w->path[0] = '\0';
    rc = pack_tree(w, w->root, git_commit_tree_id(c), 0, 0);
    git_commit_free(c);
    return rc;
}

/* Threads for the delta search: every core, as git's pack.threads does. */
static unsigned pack_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

int itk_bundle_create(itk_bundle_stats *stats, itk_registry *reg, itk_signer *signer,
                      const char *path, const char *party)
{
    git_repository *repo = reg->repo;
    git_revwalk *walk = NULL;
    itk_packreuse *pr = NULL;
    pack_walk *pw = NULL;
    git_reference_iterator *it = NULL;
    git_tree *tree = NULL;
    itk_buf header = ITK_BUF_INIT, tmp = ITK_BUF_INIT;
    out_ref *refs = NULL;
    size_t nrefs = 0;
    git_oid base;
    int have_base = 0, fd = -1, rc;
    itk_identity me;
    memset(stats, 0, sizeof(*stats));
    if ((rc = itk_party_id_check(party)) || (rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_registry_identify(&me, reg, tree, signer)))
        goto done;
    if (git_reference_name_to_id(&stats->main, repo, ITK_REF_MAIN) < 0) {
        rc = itk_error_set(ITK_ENOTFOUND, "this registry has no main branch to bundle");
        goto done;
    }
    /* what we send: main, our request branches, and who we are */
    size_t cap = 8;
    if (!(refs = itk_calloc(cap, sizeof(*refs)))) {
        rc = ITK_ENOMEM;
        goto done;
    }
    refs[nrefs].name = itk_strdup(ITK_REF_MAIN);
    refs[nrefs++].id = stats->main;
    git_reference *ref = NULL;
    if (git_reference_iterator_glob_new(&it, repo, ITK_REF_REQUESTS "*") == 0) {
        while (!rc && git_reference_next(&ref, it) == 0) {
            if (git_reference_target(ref)) {
                /* room for this ref, the sender and HEAD */
                rc = itk_array_reserve(&refs, &cap, nrefs + 3, sizeof(*refs));
                if (!rc) {
                    refs[nrefs].name = itk_strdup(git_reference_name(ref));
                    refs[nrefs++].id = *git_reference_target(ref);
                }
            }
            git_reference_free(ref);
        }
    }
    if (rc)
        goto done;
    char sender[128];
    snprintf(sender, sizeof(sender), ITK_BUNDLE_SENDER_PREFIX "%s", me.party);
    refs[nrefs].name = itk_strdup(sender);
    refs[nrefs++].id = stats->main;
    refs[nrefs].name = itk_strdup("HEAD");
    refs[nrefs++].id = stats->main;
    for (size_t i = 0; i < nrefs; i++)
        if (!refs[i].name) {
            rc = ITK_ENOMEM;
            goto done;
        }
    /* the prerequisite: our newest commit already inside party's line */
    char line[160];
    git_oid line_tip;
    snprintf(line, sizeof(line), ITK_REF_LINES "%s", party);
    if (git_reference_name_to_id(&line_tip, repo, line) == 0 &&
        git_merge_base(&base, repo, &stats->main, &line_tip) == 0)
        have_base = 1;
    itk_error_clear();
    if (git_revwalk_new(&walk, repo) < 0) {
        rc = itk_error_git("cannot walk history");
        goto done;
    }
    git_revwalk_sorting(walk, GIT_SORT_TIME);
    for (size_t i = 0; i < nrefs; i++) {
        if (git_revwalk_push(walk, &refs[i].id) < 0) {
            rc = itk_error_git("cannot walk from %s", refs[i].name);
            goto done;
        }
    }
    if (have_base && git_revwalk_hide(walk, &base) < 0) {
        rc = itk_error_git("cannot walk history");
        goto done;
    }
    if (!(pw = itk_calloc(1, sizeof(*pw))) || itk_oidmap_init(&pw->seen) ||
        !(pw->root = itk_calloc(1, sizeof(*pw->root)))) {
        rc = ITK_ENOMEM;
        goto done;
    }
    pw->repo = repo;
    if ((rc = itk_packreuse_new(&pr, repo)))
        goto done;
    pw->pr = pr;
    /* what the other side holds: the prerequisite's folders and files (as
     * git does, the tree of the edge commit, not of all its ancestors) */
    pw->holding = 1;
    if (have_base && (rc = pack_commit(pw, &base)))
        goto done;
    pw->holding = 0;
    git_oid id;
    /* the walk reads every commit and folder that goes out once, only to
     * find what they name: libgit2 would hash each one again as it reads it
     * (git does not; the receiver's indexer hashes every object it takes)
     * and keep it in its cache, where none is looked up again */
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
    while (!rc && git_revwalk_next(&id, walk) == 0) {
        stats->ncommits++;
        rc = pack_commit(pw, &id);
    }
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 1);
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
    if (rc || (rc = itk_packreuse_plan(pr)))
        goto done;
    if (stats->ncommits == 0) {
        rc = itk_error_set(ITK_ENOTFOUND,
                           "%s already holds everything we would send (its line contains our "
                           "main %.12s); no bundle was written",
                           party, git_oid_tostr_s(&stats->main));
        goto done;
    }
    stats->nobjects = itk_packreuse_count(pr);
    stats->nprerequisites = have_base ? 1 : 0;
    stats->nrefs = nrefs;
    itk_buf_puts(&header, V2_SIGNATURE "\n");
    if (have_base) {
        itk_buf_printf(&header, "-%s ", git_oid_tostr_s(&base));
        subject_of(&header, repo, &base);
        itk_buf_putc(&header, '\n');
    }
    for (size_t i = 0; i < nrefs; i++)
        itk_buf_printf(&header, "%s %s\n", git_oid_tostr_s(&refs[i].id), refs[i].name);
    if ((rc = itk_buf_putc(&header, '\n')))
        goto done;
    /* written beside the target and renamed, so a reader never sees half */
    if ((rc = itk_buf_printf(&tmp, "%s.tmp-XXXXXX", path)))
        goto done;
    struct stat st;
    if (lstat(path, &st) == 0) {
        rc = itk_error_set(ITK_EEXISTS, "%s already exists; no bundle was written", path);
        goto done;
    }
    if ((fd = mkstemp(tmp.ptr)) < 0) {
        rc = itk_error_set(ITK_EIO, "cannot write beside %s: %s", path, strerror(errno));
        goto done;
    }
    pack_out po = {fd, 0, 0, itk_malloc(PACK_OUT_BUF)};
    if (!po.buf) {
        rc = ITK_ENOMEM;
        goto done;
    }
    errno = 0;
    int packed = itk_write_all(fd, header.ptr, header.size) < 0 ? (po.failed = 1, -1) : 0;
    if (packed == 0 && (packed = itk_packreuse_write(pr, pack_threads(), pack_chunk, &po)) == 0)
        pack_flush(&po);
    free(po.buf);
    if (packed < 0 || po.failed || fsync(fd) != 0) {
        rc = po.failed || errno
                 ? itk_error_set(ITK_EIO, "cannot write %s: %s", path, strerror(errno))
                 : itk_error_git("cannot write the pack of %s", path);
        goto done;
    }
    close(fd);
    fd = -1;
    if (link(tmp.ptr, path) != 0) { /* refuses to replace an existing file */
        rc = itk_error_set(errno == EEXIST ? ITK_EEXISTS : ITK_EIO, "cannot write %s: %s", path,
                           strerror(errno));
        goto done;
    }
done:
    if (fd >= 0)
        close(fd);
    if (tmp.ptr && tmp.size)
        unlink(tmp.ptr);
    for (size_t i = 0; i < nrefs; i++)
        free(refs[i].name);
    free(refs);
    itk_packreuse_free(pr);
    git_revwalk_free(walk);
    if (pw) {
        itk_oidmap_free(&pw->seen);
        node_free(pw->root);
    }
    free(pw);
    git_reference_iterator_free(it);
    git_tree_free(tree);
    itk_buf_dispose(&header);
    itk_buf_dispose(&tmp);
    return rc;
}
