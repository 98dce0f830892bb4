/* Opening a registry and reading what a tree says: the contract, the
 * contract's timezone, and which party and principal a key belongs to. */
#include "itaku/registry.h"
#include "itaku/errors.h"
#include "alloc.h"
#include "itaku/json.h"
#include "registry_priv.h"
#include "objsize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define ITK_GIT_CACHE_BYTES (4 * 1024 * 1024)
#define ITK_GIT_MAPPED_BYTES (4 * 1024 * 1024)
#define ITK_GIT_WINDOW_BYTES (256 * 1024)

int itk_registry_open(itk_registry **out, const char *path)
{
    *out = NULL;
    git_libgit2_init();
    /* bounded memory (issue 18): libgit2 keeps up to 256 MB of objects
     * read and maps whole packs; a registry's views read each object about
     * once, so a small cache and window costs no time. Every page of a
     * pack read stays resident while its window is mapped: at most 4 MB
     * mapped keeps 10 MB of a 20,000-record registry's 15 MB pack out of a
     * cold status or report's peak. Windows of 256 KB rather than 1 MB: the
     * 4 MB hold sixteen places of the pack instead of four, so a cold
     * verify, which reads trees and their delta bases all over the pack,
     * maps and unmaps far less (at 20,000 records, 3-4 s of system time
     * became 0.7 s) */
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)ITK_GIT_CACHE_BYTES);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)ITK_GIT_WINDOW_BYTES);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)ITK_GIT_MAPPED_BYTES);
    itk_registry *reg = itk_calloc(1, sizeof(*reg));
    if (!reg)
        return ITK_ENOMEM;
    if (git_repository_open_ext(&reg->repo, path, 0, NULL) < 0) {
        free(reg);
        git_libgit2_shutdown();
        return itk_error_set(ITK_ENOTFOUND,
                             "%s is not inside an itaku registry (no git repository found); "
                             "create one with `itaku init` or clone one",
                             path);
    }
    reg->lock_wait_ms = ITK_LOCK_WAIT_MS;
    int rc = itk_registry_objects_check(reg->repo, NULL);
    if (rc) {
        itk_registry_free(reg);
        return rc;
    }
    *out = reg;
    return 0;
}

void itk_registry_free(itk_registry *reg)
{
    if (!reg)
        return;
    git_repository_free(reg->repo);
    itk_lock_release(reg->wlock);
    free(reg);
    git_libgit2_shutdown();
}

void itk_registry_set_lock_wait(itk_registry *reg, unsigned wait_ms, itk_lock_wait_cb cb,
                                void *payload)
{
    reg->lock_wait_ms = wait_ms;
    reg->lock_cb = cb;
    reg->lock_payload = payload;
}

void itk_registry_set_fetch_progress(itk_registry *reg, itk_fetch_progress_cb cb, void *payload)
{
    reg->fetch_progress = cb;
    reg->fetch_payload = payload;
}

git_repository *itk_registry_repo(itk_registry *reg)
{
    return reg->repo;
}

int itk_registry_head_tree(git_tree **out, itk_registry *reg)
{
    git_object *obj = NULL;
    int rc = git_revparse_single(&obj, reg->repo, "HEAD^{tree}");
    if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH)
        return itk_error_set(ITK_ENOTFOUND, "the registry has no commits yet");
    if (rc < 0)
        return itk_error_git("cannot read HEAD");
    *out = (git_tree *)obj;
    return 0;
}

/* The blob id (what path names, for messages) into out: its size read from
 * the object's header first, so that an over-limit blob is never inflated. */
static int blob_read(itk_buf *out, git_repository *repo, const git_oid *id, const char *path,
                     size_t max_bytes)
{
    git_blob *blob = NULL;
    size_t n = 0;
    int rc = itk_object_size(&n, repo, id, GIT_OBJECT_BLOB, SIZE_MAX);
    if (!rc && n > max_bytes)
        rc = itk_error_set(ITK_ETOOBIG, "%s is %zu bytes, over the limit of %zu", path, n,
                           max_bytes);
    else if (!rc && git_blob_lookup(&blob, repo, id) < 0)
        rc = itk_error_git("cannot read %s", path);
    if (!rc) {
        itk_buf_clear(out);
        rc = itk_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    }
    git_blob_free(blob);
    return rc;
}

int itk_tree_read(itk_buf *out, git_repository *repo, const git_tree *tree, const char *path,
                  size_t max_bytes)
{
    git_tree_entry *e = NULL;
    int rc = git_tree_entry_bypath(&e, tree, path);
    if (rc == GIT_ENOTFOUND)
        return itk_error_set(ITK_ENOTFOUND, "%s does not exist", path);
    if (rc < 0)
        return itk_error_git("cannot read %s", path);
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
        git_tree_entry_free(e);
        return itk_error_set(ITK_EINVALID, "%s is not a file", path);
    }
    rc = blob_read(out, repo, git_tree_entry_id(e), path, max_bytes);
    git_tree_entry_free(e);
    return rc;
}

/* Notes id in loose when its loose file is in the object folder (dir,
 * its length len, room for the object's path after it). */
static int note_loose(itk_oidmap *loose, char *dir, size_t len, const git_oid *id)
{
    struct stat st;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), id);
    snprintf(dir + len, GIT_OID_HEXSZ + 2, "%.2s/%s", hex, hex + 2);
    return lstat(dir, &st) == 0 ? itk_oidmap_set(loose, id, (void *)1) : 0;
}

typedef struct {
    git_repository *repo;
    git_odb *odb;
    itk_oidmap *seen, *loose;
    char *dir; /* the object folder and room for an object's path (loose) */
    size_t len;
} present_walk;

static int objects_present(present_walk *w, const git_oid *id, int depth)
{
    git_tree *t = NULL;
    /* found whole earlier in the same run, at this depth or deeper (so its
     * folders nest within the limit here too) */
    uintptr_t was = w->seen ? (uintptr_t)itk_oidmap_get(w->seen, id) : 0;
    if (was && (uintptr_t)depth + 1 <= was)
        return 1;
    if (depth > 64 || git_tree_lookup(&t, w->repo, id) < 0)
        return 0;
    int held = !w->loose || note_loose(w->loose, w->dir, w->len, id) == 0;
    for (size_t i = 0, n = git_tree_entrycount(t); held > 0 && i < n; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(t, i);
        if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
            held = objects_present(w, git_tree_entry_id(e), depth + 1);
        else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
            held = git_odb_exists(w->odb, git_tree_entry_id(e)) &&
                   (!w->loose || note_loose(w->loose, w->dir, w->len, git_tree_entry_id(e)) == 0);
    }
    git_tree_free(t);
    /* remembered when it can be (no memory: found again, not wrongly) */
    if (held > 0 && w->seen && (uintptr_t)depth + 1 > was &&
        itk_oidmap_set(w->seen, id, (void *)((uintptr_t)depth + 1)))
        itk_error_clear();
    return held;
}

int itk_tree_objects_present(git_repository *repo, const git_oid *tree, itk_oidmap *seen)
{
    return itk_tree_objects_present_noting(repo, tree, seen, NULL);
}

int itk_tree_objects_present_noting(git_repository *repo, const git_oid *tree, itk_oidmap *seen,
                                    itk_oidmap *loose)
{
    git_buf objects = GIT_BUF_INIT;
    present_walk w = {repo, NULL, seen, loose, NULL, 0};
    int held = git_repository_odb(&w.odb, repo) == 0;
    if (held && loose) {
        held = git_repository_item_path(&objects, repo, GIT_REPOSITORY_ITEM_OBJECTS) == 0 &&
               (w.dir = itk_malloc(objects.size + GIT_OID_HEXSZ + 2)) != NULL;
        if (held) {
            memcpy(w.dir, objects.ptr, objects.size);
            w.len = objects.size;
        }
    }
    held = held && objects_present(&w, tree, 0);
    free(w.dir);
    git_buf_dispose(&objects);
    git_odb_free(w.odb);
    git_error_clear();
    itk_error_clear();
    return held;
}

int itk_tree_read_json(json_t **out, git_repository *repo, const git_tree *tree, const char *path)
{
    itk_buf b = ITK_BUF_INIT;
    int rc = itk_tree_read(&b, repo, tree, path, ITK_MAX_RECORD_BYTES);
    if (!rc)
        rc = itk_json_parse(out, b.ptr, b.size, path);
    itk_buf_dispose(&b);
    return rc;
}

int itk_blob_read_json(json_t **out, git_repository *repo, const git_oid *id, const char *path)
{
    itk_buf b = ITK_BUF_INIT;
    int rc = blob_read(&b, repo, id, path, ITK_MAX_RECORD_BYTES);
    if (!rc)
        rc = itk_json_parse(out, b.ptr, b.size, path);
    itk_buf_dispose(&b);
    return rc;
}

int itk_registry_check_kind(itk_registry *reg)
{
    git_config *cfg = NULL;
    git_tree *tree = NULL;
    const char *v;
    int pinned = git_repository_config_snapshot(&cfg, reg->repo) == 0 &&
                 git_config_get_string(&v, cfg, "itaku.genesis") == 0;
    git_config_free(cfg);
    git_error_clear();
    if (pinned)
        return 0; /* a registry by its own word: verify judges what it holds */
    if (itk_registry_head_tree(&tree, reg) != 0) {
        itk_error_clear();
        return 0; /* no commits yet: verify says so */
    }
    git_tree_entry *e = NULL;
    int found = git_tree_entry_bypath(&e, tree, "itaku.json") == 0;
    git_tree_entry_free(e);
    git_tree_free(tree);
    git_error_clear();
    if (found)
        return 0;
    return itk_error_set(ITK_ENOTFOUND,
                         "this repository is not an itaku registry: HEAD holds no itaku.json "
                         "and no genesis is pinned (git config itaku.genesis); run itaku inside "
                         "a registry (itaku init, itaku clone), or give --genesis and --city-key "
                         "from the contract sheet to check this history anyway");
}

int itk_registry_contract(json_t **out, itk_registry *reg, const git_tree *tree)
{
    int rc = itk_tree_read_json(out, reg->repo, tree, "itaku.json");
    if (rc == ITK_ENOTFOUND)
        return itk_error_set(rc, "itaku.json is missing: this repository is not an itaku "
                                 "registry");
    return rc;
}

int itk_timezone_offset(int *minutes, const char *tz)
{
    if (!tz || strcmp(tz, "Asia/Tokyo") == 0 || strcmp(tz, "Japan") == 0) {
        *minutes = 9 * 60;
        return 0;
    }
    if (strcmp(tz, "UTC") == 0 || strcmp(tz, "Etc/UTC") == 0) {
        *minutes = 0;
        return 0;
    }
    int h, m;
    char sign, end;
    if (sscanf(tz, "%c%2d:%2d%c", &sign, &h, &m, &end) == 3 && (sign == '+' || sign == '-') &&
        strlen(tz) == 6 && h <= 14 && m < 60) {
        *minutes = (sign == '-' ? -1 : 1) * (h * 60 + m);
        return 0;
    }
    return itk_error_set(ITK_EUNSUPPORTED,
                         "timezone '%.40s' is not supported: use Asia/Tokyo, UTC or a fixed "
                         "offset such as +09:00",
                         tz);
}

void itk_format_time(char out[32], long long t, int offset)
{
    time_t local = (time_t)(t + (long long)offset * 60);
    struct tm tm;
    gmtime_r(&local, &tm);
    unsigned a = (unsigned)(offset < 0 ? -offset : offset) % (24 * 60);
    strftime(out, 20, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + 19, 13, "%c%02u:%02u", offset < 0 ? '-' : '+', a / 60, a % 60);
}

int itk_identity_find(itk_identity *out, git_repository *repo, const git_tree *tree,
                      const char *fingerprint)
{
    memset(out, 0, sizeof(*out));
    itk_buf name = ITK_BUF_INIT, path = ITK_BUF_INIT;
    git_tree_entry *pe = NULL;
    git_tree *parties = NULL;
    int rc = itk_key_name_from_fingerprint(&name, fingerprint);
    if (rc)
        goto done;
    if (git_tree_entry_bypath(&pe, tree, "parties") < 0 ||
        git_tree_lookup(&parties, repo, git_tree_entry_id(pe)) < 0) {
        rc = itk_error_set(ITK_ENOTFOUND, "the registry has no parties/ folder");
        goto done;
    }
    rc = ITK_ENOTFOUND;
    for (size_t i = 0; i < git_tree_entrycount(parties); i++) {
        const char *party = git_tree_entry_name(git_tree_entry_byindex(parties, i));
        itk_buf_clear(&path);
        itk_buf_printf(&path, "parties/%s/keys/%s.json", party, name.ptr);
        json_t *key = NULL, *pj = NULL;
        int r = itk_tree_read_json(&key, repo, tree, path.ptr);
        if (r == ITK_ENOTFOUND)
            continue;
        if (r) {
            rc = r;
            goto done;
        }
        const char *principal =
            json_string_value(json_object_get(json_object_get(key, "body"), "principal"));
        snprintf(out->party, sizeof(out->party), "%s", party);
        snprintf(out->principal, sizeof(out->principal), "%s", principal ? principal : "");
        json_decref(key);
        itk_buf_clear(&path);
        itk_buf_printf(&path, "parties/%s/party.json", party);
        if (!itk_tree_read_json(&pj, repo, tree, path.ptr)) {
            const char *role =
                json_string_value(json_object_get(json_object_get(pj, "body"), "role"));
            snprintf(out->role, sizeof(out->role), "%s", role ? role : "");
            json_decref(pj);
        }
        rc = 0;
        break;
    }
    if (rc == ITK_ENOTFOUND)
        itk_error_set(rc, "key %s belongs to no party of this registry", fingerprint);
done:
    git_tree_entry_free(pe);
    git_tree_free(parties);
    itk_buf_dispose(&name);
    itk_buf_dispose(&path);
    return rc;
}

int itk_principal_check(const char *p)
{
    size_t n = strlen(p);
    int ok = n >= 1 && n <= 64;
    for (size_t i = 0; ok && i < n; i++)
        ok = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
             (p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == '_' || p[i] == '-';
    if (!ok)
        return itk_error_set(ITK_EINVALID,
                             "'%.64s' is not a valid principal name: use 1 to 64 characters "
                             "a-z, A-Z, 0-9, '.', '_' and '-'",
                             p);
    return 0;
}

int itk_registry_offset(int *minutes, itk_registry *reg)
{
    git_tree *tree = NULL;
    json_t *contract = NULL;
    int rc;
    *minutes = 540;
    if (!(rc = itk_registry_head_tree(&tree, reg)) &&
        !(rc = itk_registry_contract(&contract, reg, tree)))
        rc = itk_timezone_offset(minutes, json_string_value(json_object_get(contract, "timezone")));
    json_decref(contract);
    git_tree_free(tree);
    return rc;
}

int itk_registry_now(char out[32], itk_registry *reg)
{
    int offset;
    int rc = itk_registry_offset(&offset, reg);
    itk_format_time(out, (long long)time(NULL), offset);
    return rc;
}

int itk_registry_began(long long *out, itk_registry *reg)
{
    git_config *cfg = NULL;
    git_commit *c = NULL;
    git_oid id;
    const char *v;
    int pinned = git_repository_config_snapshot(&cfg, reg->repo) == 0 &&
                 git_config_get_string(&v, cfg, "itaku.genesis") == 0 &&
                 git_oid_fromstr(&id, v) == 0 && git_commit_lookup(&c, reg->repo, &id) == 0;
    git_config_free(cfg);
    if (!pinned) {
        git_error_clear();
        if (git_reference_name_to_id(&id, reg->repo, "HEAD") < 0) {
            git_error_clear();
            return itk_error_set(ITK_ENOTFOUND, "the registry has no commits yet");
        }
        /* the first-parent line down to its root */
        while (git_commit_lookup(&c, reg->repo, &id) == 0 && git_commit_parentcount(c) > 0) {
            id = *git_commit_parent_id(c, 0);
            git_commit_free(c);
            c = NULL;
        }
        if (!c)
            return itk_error_git("cannot read commit %s", git_oid_tostr_s(&id));
    }
    *out = (long long)git_commit_time(c);
    git_commit_free(c);
    return 0;
}

int itk_signer_identity(itk_identity *who, itk_registry *reg, const itk_signer *signer)
{
    git_tree *tree = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    int rc = itk_registry_head_tree(&tree, reg);
    if (!rc && !(rc = itk_pubkey_fingerprint(&fpr, itk_signer_public(signer))))
        rc = itk_identity_find(who, reg->repo, tree, fpr.ptr);
    itk_buf_dispose(&fpr);
    git_tree_free(tree);
    return rc;
}

void itk_party_name_in(char *out, size_t cap, itk_registry *reg, git_tree *tree, const char *party)
{
    char path[ITK_PARTY_ID_MAX + 32];
    json_t *rec = NULL;
    out[0] = '\0';
    snprintf(path, sizeof(path), "parties/%.40s/party.json", party ? party : "");
    if (party && itk_tree_read_json(&rec, reg->repo, tree, path) == 0) {
        const char *name = json_string_value(json_object_get(json_object_get(rec, "body"), "name"));
        snprintf(out, cap, "%s", name ? name : "");
    }
    itk_error_clear();
    json_decref(rec);
}
