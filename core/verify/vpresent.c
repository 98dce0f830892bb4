/* The presence cache: see vpresent.h. The file, after the place's tag
 * (cache_dir.c): MAGIC, u32 format, u32 files (name string, u64 size,
 * u64 time, u64 inode), u32 folders (raw id, u32 depth), u32 loose (raw
 * ids); sealed by itk_cache_write, integers big-endian. */
#include "vpresent.h"
#include "alloc.h"
#include "cache_dir.h"
#include "itaku/buf.h"
#include "itaku/errors.h"
#include "reader.h"
#include "registry_priv.h"
#include "writer.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char MAGIC[] = "itaku verify present\n";
#define FORMAT 1
/* the deepest value itk_tree_objects_present keeps (depth 64, + 1) */
#define MAX_DEPTH 65u
#define FILE_BYTES (4u + 1u + 3u * 8u)
#define MAX_BYTES                                                                                  \
    (64u + ITK_VPRESENT_MAX_PACKFILES * (4u + ITK_VPRESENT_MAX_NAME + 24u) +                       \
     ITK_VPRESENT_MAX_FOLDERS * (GIT_OID_RAWSZ + 4u) + ITK_VPRESENT_MAX_LOOSE * GIT_OID_RAWSZ)

void itk_vpresent_dispose(itk_vpresent *v)
{
    free(v->files);
    free(v->folders);
    free(v->depths);
    free(v->loose);
    memset(v, 0, sizeof(*v));
}

static int rd_u64(itk_reader *rd, uint64_t *v)
{
    uint32_t hi, lo;
    if (rd_u32(rd, &hi) || rd_u32(rd, &lo))
        return -1;
    *v = (uint64_t)hi << 32 | lo;
    return 0;
}

static int wr_u64(itk_buf *b, uint64_t v)
{
    int rc = wr_u32(b, (uint32_t)(v >> 32));
    return rc ? rc : wr_u32(b, (uint32_t)v);
}

static int get_files(itk_reader *rd, itk_vpresent *v)
{
    uint32_t n;
    if (rd_u32(rd, &n) || n > ITK_VPRESENT_MAX_PACKFILES || n > rd->left / FILE_BYTES ||
        (n && !(v->files = itk_calloc(n, sizeof(*v->files)))))
        return -1;
    for (; v->nfiles < n; v->nfiles++) {
        itk_vpresent_file *f = &v->files[v->nfiles];
        const unsigned char *p;
        size_t len;
        if (rd_string(rd, &p, &len) || !len || len > ITK_VPRESENT_MAX_NAME ||
            memchr(p, '\0', len) || memchr(p, '/', len) || rd_u64(rd, &f->size) ||
            rd_u64(rd, &f->ctime_ns) || rd_u64(rd, &f->ino))
            return -1;
        memcpy(f->name, p, len);
        f->name[len] = '\0';
    }
    return 0;
}

static int get_folders(itk_reader *rd, itk_vpresent *v)
{
    uint32_t n;
    if (rd_u32(rd, &n) || n > ITK_VPRESENT_MAX_FOLDERS || n > rd->left / (GIT_OID_RAWSZ + 4) ||
        (n && (!(v->folders = itk_calloc(n, sizeof(*v->folders))) ||
               !(v->depths = itk_calloc(n, sizeof(*v->depths))))))
        return -1;
    for (; v->nfolders < n; v->nfolders++) {
        const unsigned char *raw;
        uint32_t d;
        if (rd_bytes(rd, &raw, GIT_OID_RAWSZ) || rd_u32(rd, &d) || !d || d > MAX_DEPTH)
            return -1;
        git_oid_fromraw(&v->folders[v->nfolders], raw);
        v->depths[v->nfolders] = d;
    }
    return 0;
}

static int get_loose(itk_reader *rd, itk_vpresent *v)
{
    uint32_t n;
    const unsigned char *raw;
    if (rd_u32(rd, &n) || n > ITK_VPRESENT_MAX_LOOSE || n > rd->left / GIT_OID_RAWSZ ||
        rd_bytes(rd, &raw, (size_t)n * GIT_OID_RAWSZ) ||
        (n && !(v->loose = itk_calloc(n, sizeof(*v->loose)))))
        return -1;
    for (; v->nloose < n; v->nloose++)
        git_oid_fromraw(&v->loose[v->nloose], raw + v->nloose * GIT_OID_RAWSZ);
    return 0;
}

int itk_vpresent_parse(itk_vpresent *v, const unsigned char *data, size_t len)
{
    itk_reader rd;
    const unsigned char *magic;
    uint32_t format;
    rd_init(&rd, data, len);
    if (rd_bytes(&rd, &magic, sizeof(MAGIC) - 1) || memcmp(magic, MAGIC, sizeof(MAGIC) - 1) ||
        rd_u32(&rd, &format) || format != FORMAT || get_files(&rd, v) || get_folders(&rd, v) ||
        get_loose(&rd, v))
        return -1;
    return rd_done(&rd);
}

/* Is name a file of the pack folder that git or libgit2 finds objects
 * through (a pack, its index and companions, a multi-pack index)? Their
 * temporary files (tmp_*, pack_git2_*) are not read for objects. */
static int pack_file(const char *name)
{
    return strncmp(name, "pack-", 5) == 0 || strncmp(name, "multi-pack-index", 16) == 0;
}

/* Is name a pack's data file (pack-*.pack)? */
static int pack_data(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".pack") == 0;
}

static int file_cmp(const void *a, const void *b)
{
    return strcmp(((const itk_vpresent_file *)a)->name, ((const itk_vpresent_file *)b)->name);
}

/* The pack folder's files (pack_file) of the object folder objects (with
 * its '/'), sorted by name, into v's files. 0; -1 when it cannot be listed
 * whole (a name too long, an entry not a plain file, too many, no memory). */
static int list_packs(itk_vpresent *v, const char *objects)
{
    char path[ITK_CACHE_PATH_MAX];
    size_t cap = 0;
    int rc = 0;
    if ((size_t)snprintf(path, sizeof(path), "%spack", objects) >= sizeof(path))
        return -1;
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    while (!rc && (e = readdir(d)) != NULL) {
        struct stat st;
        if (!pack_file(e->d_name))
            continue;
        if (strlen(e->d_name) > ITK_VPRESENT_MAX_NAME || v->nfiles >= ITK_VPRESENT_MAX_PACKFILES ||
            (size_t)snprintf(path, sizeof(path), "%spack/%s", objects, e->d_name) >= sizeof(path) ||
            lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            rc = -1;
            break;
        }
        if (v->nfiles == cap) {
            size_t nc = cap ? cap * 2 : 16;
            itk_vpresent_file *nf = itk_realloc_array(v->files, nc, sizeof(*nf));
            if (!nf) {
                rc = -1;
                break;
            }
            v->files = nf;
            cap = nc;
        }
        itk_vpresent_file *f = &v->files[v->nfiles++];
        memset(f, 0, sizeof(*f));
        snprintf(f->name, sizeof(f->name), "%s", e->d_name);
        f->size = (uint64_t)st.st_size;
        /* a pack's times are git's and libgit2's mark of its last use: each
         * write of an object it holds already sets them (a merge's tree, a
         * record written again), so they say nothing of what the pack holds;
         * its name is its content's hash, and its size and inode are kept.
         * Its index, which says what it holds, is never touched so: its
         * change time (ctime, which no one can set back, unlike the mtime
         * `touch -r` restores) says it was not written since */
        if (!pack_data(e->d_name))
            f->ctime_ns = (uint64_t)st.st_ctim.tv_sec * 1000000000u + (uint64_t)st.st_ctim.tv_nsec;
        f->ino = (uint64_t)st.st_ino;
    }
    closedir(d);
    if (!rc && v->nfiles)
        qsort(v->files, v->nfiles, sizeof(*v->files), file_cmp);
    return rc;
}

/* Is each file of was still in now (both sorted), as it was? */
static int files_kept(const itk_vpresent *was, const itk_vpresent *now)
{
    size_t j = 0;
    for (size_t i = 0; i < was->nfiles; i++) {
        const itk_vpresent_file *a = &was->files[i];
        while (j < now->nfiles && strcmp(now->files[j].name, a->name) < 0)
            j++;
        if (j == now->nfiles || strcmp(now->files[j].name, a->name) != 0 ||
            now->files[j].size != a->size || now->files[j].ctime_ns != a->ctime_ns ||
            now->files[j].ino != a->ino)
            return 0;
    }
    return 1;
}

/* The object folder of repo, with its '/', into out; 0 or -1 (none, or
 * alternates: objects of another store, never cached). */
static int objects_dir(char *out, size_t cap, git_repository *repo)
{
    git_buf b = GIT_BUF_INIT;
    struct stat st;
    char alt[ITK_CACHE_PATH_MAX];
    int ok = git_repository_item_path(&b, repo, GIT_REPOSITORY_ITEM_OBJECTS) == 0 &&
             b.size + 1 < cap && b.size && b.ptr[b.size - 1] == '/' &&
             (size_t)snprintf(alt, sizeof(alt), "%sinfo/alternates", b.ptr) < sizeof(alt) &&
             lstat(alt, &st) != 0;
    if (ok)
        snprintf(out, cap, "%s", b.ptr);
    git_buf_dispose(&b);
    git_error_clear();
    return ok ? 0 : -1;
}

/* The cache file of repo, when it parses and still holds: its pack files
 * each as it is now (before), its loose objects each still in the store. */
static int load(itk_vpresent *v, git_repository *repo, const char *root, const itk_vpresent *before)
{
    itk_cache_place pl;
    unsigned char *data = NULL;
    size_t len = 0;
    git_odb *odb = NULL;
    itk_cache_place_init(&pl, repo, root);
    int ok = itk_cache_read(&data, &len, &pl, ITK_VPRESENT_FILE, MAX_BYTES) == 0 &&
             itk_vpresent_parse(v, data, len) == 0 && files_kept(v, before) &&
             git_repository_odb(&odb, repo) == 0;
    for (size_t i = 0; ok && i < v->nloose; i++)
        ok = git_odb_exists(odb, &v->loose[i]);
    git_odb_free(odb);
    free(data);
    itk_cache_place_dispose(&pl);
    git_error_clear();
    return ok ? 0 : -1;
}

int itk_vpresent_begin(itk_vpresent_run *run, git_repository *repo, const char *cache_root,
                       itk_oidmap *seen)
{
    char objects[ITK_CACHE_PATH_MAX];
    itk_vpresent v;
    memset(run, 0, sizeof(*run));
    memset(&v, 0, sizeof(v));
    if (itk_oidmap_init(&run->loose))
        return ITK_ENOMEM;
    run->usable =
        objects_dir(objects, sizeof(objects), repo) == 0 && list_packs(&run->before, objects) == 0;
    int rc = 0;
    if (run->usable && load(&v, repo, cache_root, &run->before) == 0) {
        for (size_t i = 0; !rc && i < v.nfolders; i++)
            rc = itk_oidmap_set(seen, &v.folders[i], (void *)(uintptr_t)v.depths[i]);
        for (size_t i = 0; !rc && i < v.nloose; i++)
            rc = itk_oidmap_set(&run->loose, &v.loose[i], (void *)1);
        run->vouched = !rc;
        run->nloaded = v.nfolders + v.nloose;
    }
    itk_vpresent_dispose(&v);
    itk_error_clear();
    if (rc)
        itk_vpresent_run_dispose(run);
    return rc;
}

void itk_vpresent_run_dispose(itk_vpresent_run *run)
{
    itk_vpresent_dispose(&run->before);
    itk_oidmap_free(&run->loose);
    memset(run, 0, sizeof(*run));
}

/* The ids map holds (keys), into *out (n of them), with their values as
 * depths when depths is not NULL. 0 or ITK_ENOMEM. */
static int map_ids(git_oid **out, uint32_t **depths, size_t *n, const itk_oidmap *m)
{
    *n = 0;
    if (!m->count)
        return 0;
    if (!(*out = itk_calloc(m->count, sizeof(**out))) ||
        (depths && !(*depths = itk_calloc(m->count, sizeof(**depths)))))
        return ITK_ENOMEM;
    for (size_t i = 0; i < m->cap && *n < m->count; i++)
        if (m->used[i]) {
            (*out)[*n] = m->keys[i];
            if (depths)
                (*depths)[*n] = (uint32_t)(uintptr_t)m->values[i];
            (*n)++;
        }
    return 0;
}

static int put(itk_buf *b, const itk_vpresent *v)
{
    int rc = itk_buf_put(b, MAGIC, sizeof(MAGIC) - 1);
    rc = rc ? rc : wr_u32(b, FORMAT);
    rc = rc ? rc : wr_u32(b, (uint32_t)v->nfiles);
    for (size_t i = 0; !rc && i < v->nfiles; i++) {
        rc = wr_cstring(b, v->files[i].name);
        rc = rc ? rc : wr_u64(b, v->files[i].size);
        rc = rc ? rc : wr_u64(b, v->files[i].ctime_ns);
        rc = rc ? rc : wr_u64(b, v->files[i].ino);
    }
    rc = rc ? rc : wr_u32(b, (uint32_t)v->nfolders);
    for (size_t i = 0; !rc && i < v->nfolders; i++) {
        rc = itk_buf_put(b, v->folders[i].id, GIT_OID_RAWSZ);
        rc = rc ? rc : wr_u32(b, v->depths[i]);
    }
    rc = rc ? rc : wr_u32(b, (uint32_t)v->nloose);
    for (size_t i = 0; !rc && i < v->nloose; i++)
        rc = itk_buf_put(b, v->loose[i].id, GIT_OID_RAWSZ);
    return rc;
}

void itk_vpresent_end(itk_vpresent_run *run, git_repository *repo, const char *cache_root,
                      const itk_oidmap *seen)
{
    char objects[ITK_CACHE_PATH_MAX];
    itk_vpresent after, v;
    itk_buf b = ITK_BUF_INIT;
    memset(&after, 0, sizeof(after));
    memset(&v, 0, sizeof(v));
    /* nothing new found, and the file held: it stays as it is */
    int save = run->usable && (!run->vouched || seen->count + run->loose.count != run->nloaded);
    /* the pack folder as it was before the check: the packed objects found
     * were in files the list names */
    save = save && objects_dir(objects, sizeof(objects), repo) == 0 &&
           list_packs(&after, objects) == 0 && after.nfiles == run->before.nfiles &&
           files_kept(&run->before, &after);
    v.files = run->before.files;
    v.nfiles = run->before.nfiles;
    /* too many: written empty, so that the next run checks every folder
     * once and keeps those of the refs' trees alone */
    int full = seen->count > ITK_VPRESENT_MAX_FOLDERS || run->loose.count > ITK_VPRESENT_MAX_LOOSE;
    if (save && !full &&
        (map_ids(&v.folders, &v.depths, &v.nfolders, seen) ||
         map_ids(&v.loose, NULL, &v.nloose, &run->loose)))
        save = 0;
    if (save && put(&b, &v) == 0 && b.size <= MAX_BYTES) {
        itk_cache_place pl;
        itk_cache_place_init(&pl, repo, cache_root);
        itk_cache_write(&pl, ITK_VPRESENT_FILE, b.ptr, b.size);
        itk_cache_place_dispose(&pl);
    }
    itk_buf_dispose(&b);
    free(v.folders);
    free(v.depths);
    free(v.loose);
    itk_vpresent_dispose(&after);
    itk_vpresent_run_dispose(run);
    itk_error_clear();
}

int itk_vpresent_tree(git_repository *repo, const char *cache_root, const git_oid *tree)
{
    itk_vpresent_run run;
    itk_oidmap seen;
    if (itk_oidmap_init(&seen))
        return itk_tree_objects_present(repo, tree, NULL);
    int held = itk_vpresent_begin(&run, repo, cache_root, &seen) == 0
                   ? itk_tree_objects_present_noting(repo, tree, &seen, &run.loose)
                   : itk_tree_objects_present(repo, tree, NULL);
    if (held)
        itk_vpresent_end(&run, repo, cache_root, &seen);
    itk_vpresent_run_dispose(&run);
    itk_oidmap_free(&seen);
    itk_error_clear();
    return held;
}
