/* The fetch's guard (packscan.h): an object database in front of the
 * repository's own whose only part is writing packs, through the scanner
 * and then libgit2's indexer, so that a fetched pack is refused by its
 * headers before the indexer resolves its deltas. The indexer is given the
 * pack only once the scan has read all of it: it reserves room for the
 * count in the pack's header as soon as it reads it, and a fetched pack's
 * length is known only at its end. Until then the pack is kept in an
 * unnamed temporary file in the pack folder. */
#include <errno.h>
#include <fcntl.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itaku/errors.h"
#include "commitgraph.h"
#include "oidmap.h"
#include "packscan.h"

/* Above every backend git_odb_open adds, so git_odb_write_pack picks it. */
#define GUARD_PRIORITY 1000

typedef struct {
    git_odb_backend parent;
    char *packdir;
    itk_packscan_limits lim;
    itk_fetch_progress_cb progress;
    void *payload;
} guard_backend;

typedef struct {
    git_odb_writepack parent;
    git_indexer *idx;
    itk_packscan *scan;
    int fd;      /* the pack as received, unlinked; -1 when none */
    int damaged; /* the scan failed: the rest is counted, not kept */
    const guard_backend *g;
} guard_pack;

/* The size of the pieces the kept pack is given to the indexer in. */
#define REPLAY_CHUNK (64 * 1024)

struct itk_packscan_guard {
    git_repository *repo;
    git_odb *saved, *mine;
    guard_backend *backend; /* owned by mine */
};

/* The scanner's message, given to libgit2 too, so that the fetch says it. */
static int refuse(int rc)
{
    git_error_set_str(GIT_ERROR_INVALID, itk_error_last());
    return rc;
}

static void report(const guard_pack *p, itk_fetch_stage stage, uint64_t done, uint64_t total)
{
    if (!p->g->progress)
        return;
    itk_fetch_progress fp = {stage, done, total, itk_packscan_bytes(p->scan)};
    p->g->progress(&fp, p->g->payload);
}

/* The indexer's progress, said as the guard's second stage. */
static int indexer_progress(const git_indexer_progress *stats, void *payload)
{
    const guard_pack *p = payload;
    /* the end is said once, after the commit */
    if (stats->indexed_objects < stats->total_objects)
        report(p, ITK_FETCH_INDEXING, stats->indexed_objects, stats->total_objects);
    return 0;
}

/* Keeps len bytes at data in the temporary file. */
static int keep(guard_pack *p, const void *data, size_t len)
{
    const char *d = data;
    while (len > 0) {
        ssize_t n = write(p->fd, d, len);
        if (n < 0 && errno == EINTR)
            continue;
        int e = n < 0 ? errno : ENOSPC;
        if (n <= 0)
            return itk_error_set(ITK_EIO,
                                 "cannot keep the fetched pack in %s while it is checked: %s",
                                 p->g->packdir, strerror(e));
        d += n;
        len -= (size_t)n;
    }
    return 0;
}

static int pack_append(git_odb_writepack *w, const void *data, size_t len,
                       git_indexer_progress *stats)
{
    guard_pack *p = (guard_pack *)w;
    (void)stats;
    int rc = itk_packscan_feed(p->scan, data, len);
    if (rc == ITK_ETOOBIG)
        return refuse(rc);
    /* damage is refused at the end, when the length tells whether the
     * count in the header was a lie (itk_packscan_finish) */
    if (rc)
        p->damaged = 1;
    if (!p->damaged && (rc = keep(p, data, len)))
        return refuse(rc);
    uint64_t seen = itk_packscan_objects(p->scan), count = itk_packscan_count(p->scan);
    /* the end is said once, when the whole pack is read (pack_commit) */
    report(p, ITK_FETCH_RECEIVING, seen < count ? seen : count ? count - 1 : 0, count);
    return 0;
}

static int pack_commit(git_odb_writepack *w, git_indexer_progress *stats)
{
    guard_pack *p = (guard_pack *)w;
    int rc = itk_packscan_finish(p->scan);
    if (rc)
        return refuse(rc);
    report(p, ITK_FETCH_RECEIVING, itk_packscan_count(p->scan), itk_packscan_count(p->scan));
    /* the whole pack is read and within its limits: now the indexer */
    char *chunk = malloc(REPLAY_CHUNK);
    if (!chunk) {
        git_error_set_oom();
        return -1;
    }
    ssize_t n = 0;
    int err = lseek(p->fd, 0, SEEK_SET) < 0 ? -1 : 0;
    while (!err && ((n = read(p->fd, chunk, REPLAY_CHUNK)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            err = git_indexer_append(p->idx, chunk, (size_t)n, stats);
    if (!err && n < 0)
        err = -1;
    free(chunk);
    if (err && n < 0)
        refuse(itk_error_set(ITK_EIO, "cannot read back the fetched pack: %s", strerror(errno)));
    if (err)
        return -1;
    if (git_indexer_commit(p->idx, stats) < 0)
        return -1;
    report(p, ITK_FETCH_INDEXING, stats->total_objects, stats->total_objects);
    return 0;
}

static void pack_free(git_odb_writepack *w)
{
    guard_pack *p = (guard_pack *)w;
    git_indexer_free(p->idx);
    itk_packscan_free(p->scan);
    if (p->fd >= 0)
        close(p->fd);
    free(p);
}

static int guard_writepack(git_odb_writepack **out, git_odb_backend *b, git_odb *odb,
                           git_indexer_progress_cb progress_cb, void *payload)
{
    guard_backend *g = (guard_backend *)b;
    guard_pack *p = calloc(1, sizeof(*p));
    if (!p) {
        git_error_set_oom();
        return -1;
    }
    p->fd = -1;
    p->g = g;
    git_indexer_options io;
    git_indexer_options_init(&io, GIT_INDEXER_OPTIONS_VERSION);
    /* libgit2's own callback (the caller's transfer_progress) is left
     * unset: the guard says its progress through g->progress */
    (void)progress_cb;
    (void)payload;
    io.progress_cb = indexer_progress;
    io.progress_cb_payload = p;
    if (itk_packscan_new(&p->scan, &g->lim, "the fetched pack")) {
        git_error_set_oom();
        pack_free(&p->parent);
        return -1;
    }
    /* unlinked at once: a crash leaves nothing behind */
    size_t cap = strlen(g->packdir) + sizeof("/tmp_itaku_fetch_XXXXXX");
    char *tmp = malloc(cap);
    if (tmp) {
        snprintf(tmp, cap, "%s/tmp_itaku_fetch_XXXXXX", g->packdir);
        p->fd = mkstemp(tmp);
        if (p->fd >= 0) {
            unlink(tmp);
            fcntl(p->fd, F_SETFD, FD_CLOEXEC);
        } else
            refuse(itk_error_set(ITK_EIO,
                                 "cannot make a temporary file in %s for the fetched pack: %s",
                                 g->packdir, strerror(errno)));
        free(tmp);
    } else
        git_error_set_oom();
    if (p->fd < 0 || git_indexer_new(&p->idx, g->packdir, 0, odb, &io) < 0) {
        pack_free(&p->parent);
        return -1;
    }
    p->parent.backend = b;
    p->parent.append = pack_append;
    p->parent.commit = pack_commit;
    p->parent.free = pack_free;
    *out = &p->parent;
    return 0;
}

static void guard_free(git_odb_backend *b)
{
    guard_backend *g = (guard_backend *)b;
    free(g->packdir);
    free(g);
}

int itk_packscan_guard_begin(itk_packscan_guard **out, git_repository *repo,
                             const itk_packscan_limits *lim)
{
    *out = NULL;
    char objects[4096], packdir[4200];
    snprintf(objects, sizeof(objects), "%sobjects", git_repository_path(repo));
    snprintf(packdir, sizeof(packdir), "%s/pack", objects);
    itk_packscan_guard *gd = calloc(1, sizeof(*gd));
    guard_backend *b = calloc(1, sizeof(*b));
    if (!gd || !b || !(b->packdir = strdup(packdir))) {
        free(gd);
        if (b)
            free(b->packdir);
        free(b);
        return itk_error_set(ITK_ENOMEM, "out of memory");
    }
    gd->repo = repo;
    gd->backend = b;
    if (lim)
        b->lim = *lim;
    else
        itk_packscan_default_limits(&b->lim);
    if (git_odb_init_backend(&b->parent, GIT_ODB_BACKEND_VERSION) < 0) {
        guard_free(&b->parent);
        free(gd);
        return itk_error_git("cannot prepare the fetch's pack check");
    }
    b->parent.writepack = guard_writepack;
    b->parent.free = guard_free;
    if (git_repository_odb(&gd->saved, repo) < 0 || git_odb_open(&gd->mine, objects) < 0) {
        guard_free(&b->parent);
        git_odb_free(gd->saved);
        free(gd);
        return itk_error_git("cannot open the object database of this registry");
    }
    /* the database opened here reads no commit-graph, as the registry's */
    if (itk_odb_commit_graph_off(gd->mine) ||
        git_odb_add_backend(gd->mine, &b->parent, GUARD_PRIORITY) < 0) {
        guard_free(&b->parent);
        git_odb_free(gd->mine);
        git_odb_free(gd->saved);
        free(gd);
        return itk_error_git("cannot prepare the fetch's pack check");
    }
    if (git_repository_set_odb(repo, gd->mine) < 0) {
        git_odb_free(gd->mine);
        git_odb_free(gd->saved);
        free(gd);
        return itk_error_git("cannot prepare the fetch's pack check");
    }
    *out = gd;
    return 0;
}

void itk_packscan_guard_progress(itk_packscan_guard *g, itk_fetch_progress_cb cb, void *payload)
{
    g->backend->progress = cb;
    g->backend->payload = payload;
}

void itk_packscan_guard_drop(itk_packscan_guard *g)
{
    if (!g)
        return;
    git_odb_free(g->mine);
    git_odb_free(g->saved);
    free(g);
}

void itk_packscan_guard_end(itk_packscan_guard *g)
{
    if (!g)
        return;
    git_repository_set_odb(g->repo, g->saved);
    git_odb_refresh(g->saved);
    git_odb_free(g->mine);
    git_odb_free(g->saved);
    free(g);
}

/* --- a path remote: the objects libgit2's packbuilder would read whole --- */

typedef struct {
    git_oid *ids;
    size_t len, cap;
} id_stack;

static int push_id(id_stack *s, const git_oid *id)
{
    if (s->len == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        git_oid *ids = realloc(s->ids, cap * sizeof(*ids));
        if (!ids)
            return itk_error_set(ITK_ENOMEM, "out of memory");
        s->ids = ids;
        s->cap = cap;
    }
    git_oid_cpy(&s->ids[s->len++], id);
    return 0;
}

/* id's kind and size from its header in src, against that kind's limit. */
static int source_header(git_object_t *type, git_odb *src, const git_oid *id, const char *path)
{
    size_t len = 0;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), id);
    if (git_odb_read_header(&len, type, src, id) < 0)
        return itk_error_git("cannot read the header of object %s in %s", hex, path);
    itk_packscan_limits lim;
    itk_packscan_default_limits(&lim);
    uint64_t max = *type == GIT_OBJECT_COMMIT ? lim.commit
                   : *type == GIT_OBJECT_TREE ? lim.tree
                   : *type == GIT_OBJECT_BLOB ? lim.blob
                                              : lim.tag;
    if (len > max)
        return itk_error_set(ITK_ETOOBIG,
                             "%s %s in %s is %zu bytes, over the limit of %llu bytes; it was not "
                             "read",
                             git_object_type2string(*type), hex, path, len,
                             (unsigned long long)max);
    return 0;
}

/* The objects src's taken branches reach that ours lacks, each checked by
 * its header (itk_packscan_source_check): their ids into *found (the
 * caller's, free(found->ids)) in the order met. */
static int source_walk(git_repository *ours, git_repository *src, const char *path, id_stack *found)
{
    git_odb *mine = NULL, *theirs = NULL;
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    itk_oidmap seen;
    id_stack todo = {0};
    int rc = 0;
    if (itk_oidmap_init(&seen))
        return itk_error_set(ITK_ENOMEM, "out of memory");
    if (git_repository_odb(&mine, ours) < 0 || git_repository_odb(&theirs, src) < 0 ||
        git_reference_iterator_glob_new(&it, src, "refs/heads/*") < 0) {
        rc = itk_error_git("cannot read the registry at %s", path);
        goto done;
    }
    while (!rc && git_reference_next(&ref, it) == 0) {
        git_reference *direct = NULL;
        const char *name = git_reference_name(ref);
        /* the branches a fetch takes (sync.c's refspecs) */
        int taken = strcmp(name, "refs/heads/main") == 0 ||
                    strncmp(name, "refs/heads/parties/", 19) == 0 ||
                    strncmp(name, "refs/heads/requests/", 20) == 0 ||
                    strncmp(name, "refs/heads/decisions/", 21) == 0;
        if (taken && git_reference_resolve(&direct, ref) == 0 && git_reference_target(direct))
            rc = push_id(&todo, git_reference_target(direct));
        git_reference_free(direct);
        git_reference_free(ref);
    }
    while (!rc && todo.len) {
        git_oid id = todo.ids[--todo.len];
        git_object_t type;
        /* what this registry holds is not sent; what was looked at once is done */
        if (itk_oidmap_has(&seen, &id) || git_odb_exists(mine, &id))
            continue;
        if ((rc = itk_oidmap_set(&seen, &id, NULL)) ||
            (rc = source_header(&type, theirs, &id, path)) || (rc = push_id(found, &id)))
            break;
        if (type == GIT_OBJECT_COMMIT) {
            git_commit *c = NULL;
            if (git_commit_lookup(&c, src, &id) < 0) {
                rc = itk_error_git("cannot read commit %s in %s", git_oid_tostr_s(&id), path);
                break;
            }
            rc = push_id(&todo, git_commit_tree_id(c));
            for (unsigned i = 0; !rc && i < git_commit_parentcount(c); i++)
                rc = push_id(&todo, git_commit_parent_id(c, i));
            git_commit_free(c);
        } else if (type == GIT_OBJECT_TREE) {
            git_tree *t = NULL;
            if (git_tree_lookup(&t, src, &id) < 0) {
                rc = itk_error_git("cannot read tree %s in %s", git_oid_tostr_s(&id), path);
                break;
            }
            for (size_t i = 0; !rc && i < git_tree_entrycount(t); i++) {
                const git_tree_entry *e = git_tree_entry_byindex(t, i);
                git_object_t et = git_tree_entry_type(e);
                if (et == GIT_OBJECT_TREE || et == GIT_OBJECT_BLOB)
                    rc = push_id(&todo, git_tree_entry_id(e));
            }
            git_tree_free(t);
        }
    }
done:
    free(todo.ids);
    itk_oidmap_free(&seen);
    git_reference_iterator_free(it);
    git_odb_free(theirs);
    git_odb_free(mine);
    return rc;
}

int itk_packscan_source_check(git_repository *ours, git_repository *src, const char *path)
{
    id_stack found = {0};
    int rc = source_walk(ours, src, path, &found);
    free(found.ids);
    return rc;
}

/* Removes the loose object id of repo (one the copy wrote). */
static void unlink_loose(git_repository *repo, const git_oid *id)
{
    char hex[GIT_OID_HEXSZ + 1], path[4096];
    git_oid_tostr(hex, sizeof(hex), id);
    snprintf(path, sizeof(path), "%sobjects/%.2s/%s", git_repository_path(repo), hex, hex + 2);
    unlink(path);
}

int itk_packscan_source_copy(int *copied, git_repository *ours, git_repository *src,
                             const char *path, size_t max_objects, size_t max_bytes)
{
    id_stack found = {0};
    git_odb *mine = NULL, *theirs = NULL;
    git_odb_object **objs = NULL;
    size_t nobjs = 0, bytes = 0;
    int rc = source_walk(ours, src, path, &found), whole = 1;
    *copied = 0;
    if (rc || found.len > max_objects)
        goto done;
    if (git_repository_odb(&mine, ours) < 0 || git_repository_odb(&theirs, src) < 0 ||
        (found.len && !(objs = calloc(found.len, sizeof(*objs))))) {
        whole = 0;
        goto done;
    }
    /* every object read and its id checked against its bytes before one is
     * written: anything amiss is the fetch's to say, nothing written */
    for (size_t i = 0; whole && i < found.len; i++) {
        git_oid id;
        whole = git_odb_read(&objs[nobjs], theirs, &found.ids[i]) == 0;
        if (whole)
            nobjs++;
        whole = whole && (bytes += git_odb_object_size(objs[i])) <= max_bytes &&
                git_odb_hash(&id, git_odb_object_data(objs[i]), git_odb_object_size(objs[i]),
                             git_odb_object_type(objs[i])) == 0 &&
                git_oid_equal(&id, &found.ids[i]);
    }
    size_t written = 0;
    for (; whole && written < nobjs; written++) {
        git_oid id;
        if (git_odb_write(&id, mine, git_odb_object_data(objs[written]),
                          git_odb_object_size(objs[written]),
                          git_odb_object_type(objs[written])) < 0) {
            const git_error *e = git_error_last();
            rc = itk_error_set(ITK_EGIT, "%s", e && e->message ? e->message : "unknown error");
            /* what was written goes: the registry as it was */
            for (size_t k = 0; k <= written && k < nobjs; k++)
                unlink_loose(ours, &found.ids[k]);
            whole = 0;
            break;
        }
    }
    *copied = whole;
done:
    for (size_t i = 0; i < nobjs; i++)
        git_odb_object_free(objs[i]);
    free(objs);
    free(found.ids);
    git_odb_free(theirs);
    git_odb_free(mine);
    git_error_clear();
    return rc;
}
