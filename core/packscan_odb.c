/* The fetch's guard (packscan.h): an object database in front of the
 * repository's own whose only part is writing packs, through the scanner
 * and then libgit2's indexer, so that a fetched pack is refused by its
 * headers before the indexer resolves its deltas. */
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itaku/errors.h"
#include "packscan.h"

/* Above every backend git_odb_open adds, so git_odb_write_pack picks it. */
#define GUARD_PRIORITY 1000

typedef struct {
    git_odb_backend parent;
    char *packdir;
} guard_backend;

typedef struct {
    git_odb_writepack parent;
    git_indexer *idx;
    itk_packscan *scan;
} guard_pack;

struct itk_packscan_guard {
    git_repository *repo;
    git_odb *saved, *mine;
};

/* The scanner's message, given to libgit2 too, so that the fetch says it. */
static int refuse(int rc)
{
    git_error_set_str(GIT_ERROR_INVALID, itk_error_last());
    return rc;
}

static int pack_append(git_odb_writepack *w, const void *data, size_t len,
                       git_indexer_progress *stats)
{
    guard_pack *p = (guard_pack *)w;
    int rc = itk_packscan_feed(p->scan, data, len);
    if (rc)
        return refuse(rc);
    return git_indexer_append(p->idx, data, len, stats);
}

static int pack_commit(git_odb_writepack *w, git_indexer_progress *stats)
{
    guard_pack *p = (guard_pack *)w;
    int rc = itk_packscan_finish(p->scan);
    if (rc)
        return refuse(rc);
    return git_indexer_commit(p->idx, stats);
}

static void pack_free(git_odb_writepack *w)
{
    guard_pack *p = (guard_pack *)w;
    git_indexer_free(p->idx);
    itk_packscan_free(p->scan);
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
    git_indexer_options io;
    git_indexer_options_init(&io, GIT_INDEXER_OPTIONS_VERSION);
    io.progress_cb = progress_cb;
    io.progress_cb_payload = payload;
    if (itk_packscan_new(&p->scan, NULL, "the fetched pack") ||
        git_indexer_new(&p->idx, g->packdir, 0, odb, &io) < 0) {
        if (!p->idx)
            git_error_set_str(GIT_ERROR_NOMEMORY, "out of memory");
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

int itk_packscan_guard_begin(itk_packscan_guard **out, git_repository *repo)
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
    if (git_odb_add_backend(gd->mine, &b->parent, GUARD_PRIORITY) < 0) {
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
