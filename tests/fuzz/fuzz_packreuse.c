/* Fuzz target: a pack and its index as `itaku bundle create` finds them in
 * a registry's objects/pack (itk_packreuse_*, core/util/packreuse.c): a
 * registry copied from elsewhere may hold any bytes there. The input is a
 * 4-byte big-endian length L, then L bytes of the index (.idx), then the
 * pack (.pack). Both go into an empty bare repository in a temporary
 * folder; the object ids the index lists (at most 64, each once) are added
 * as commits, folders or files (by the id's first byte; a commit or folder
 * that is not one ends the input, as it ends a bundle), then planned and
 * written to a sink. Any verdict is allowed; what must hold: no crash, no
 * leak, no read outside the files, and a written pack starts with "PACK". */
#include "fuzzrepo.h"
#include "packreuse.h"

#include <git2.h>
#include <git2/sys/repository.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_IDS 64

static char idx_path[400], pack_path[400];

typedef struct {
    size_t written;
    int bad_start;
} sink;

static int to_sink(void *buf, size_t size, void *payload)
{
    sink *s = payload;
    if (s->written == 0 && (size < 4 || memcmp(buf, "PACK", 4) != 0))
        s->bad_start = 1;
    s->written += size;
    return 0;
}

/* The ids a version-2 index lists, read as plainly as bounds allow (the
 * library reads them its own way: these are only what to ask it for). */
static size_t ids_of(git_oid *ids, const uint8_t *idx, size_t len)
{
    size_t n = 0;
    if (len < 8 + 256 * 4 || memcmp(idx, "\377tOc\0\0\0\2", 8) != 0)
        return 0;
    const uint8_t *last = idx + 8 + 255 * 4;
    uint32_t count =
        (uint32_t)last[0] << 24 | (uint32_t)last[1] << 16 | (uint32_t)last[2] << 8 | last[3];
    for (uint32_t i = 0; i < count && n < MAX_IDS; i++) {
        size_t at = 8 + 256 * 4 + (size_t)i * 20;
        if (at + 20 > len)
            break;
        git_oid id;
        git_oid_fromraw(&id, idx + at);
        int seen = 0;
        for (size_t k = 0; k < n && !seen; k++)
            seen = git_oid_equal(&ids[k], &id);
        if (!seen)
            ids[n++] = id;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *repo_dir;
    fuzzrepo_root(&repo_dir);
    if (size < 4)
        return 0;
    size_t ilen = (size_t)data[0] << 24 | (size_t)data[1] << 16 | (size_t)data[2] << 8 | data[3];
    if (ilen > size - 4)
        ilen = size - 4;
    const uint8_t *idx = data + 4, *pack = data + 4 + ilen;
    size_t plen = size - 4 - ilen;
    /* a new name each time: libgit2 keeps the packs it opened by path */
    static unsigned long round;
    round++;
    snprintf(idx_path, sizeof(idx_path), "%s/objects/pack/pack-%040lu.idx", repo_dir, round);
    snprintf(pack_path, sizeof(pack_path), "%s/objects/pack/pack-%040lu.pack", repo_dir, round);
    fuzzrepo_put(idx_path, idx, ilen);
    fuzzrepo_put(pack_path, pack, plen);

    git_repository *repo = NULL;
    itk_packreuse *p = NULL;
    git_odb *none = NULL;
    /* libgit2 itself is given an object database without backends: what is
     * fuzzed is itaku's reading of the files, not libgit2's (whose pack
     * reader is not this target's; an object not found in the fuzzed pack
     * is then found nowhere) */
    if (git_repository_open(&repo, repo_dir) < 0 || git_odb_new(&none) < 0 ||
        git_repository_set_odb(repo, none) < 0 || itk_packreuse_new(&p, repo) != 0)
        abort();
    git_odb_free(none);
    git_oid ids[MAX_IDS];
    size_t n = ids_of(ids, idx, ilen);
    static const git_object_t types[] = {GIT_OBJECT_COMMIT, GIT_OBJECT_TREE, GIT_OBJECT_BLOB};
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++)
        rc = itk_packreuse_insert(p, &ids[i], i % 2 ? "a/b" : NULL, types[ids[i].id[0] % 3],
                                  1u << 20);
    /* a refused object ends it, as it ends a bundle */
    sink s = {0, 0};
    if (!rc && itk_packreuse_write(p, 1, to_sink, &s) == 0 && (s.bad_start || s.written < 32))
        abort();
    itk_packreuse_free(p);
    git_repository_free(repo);
    unlink(idx_path);
    unlink(pack_path);
    git_error_clear();
    return 0;
}
