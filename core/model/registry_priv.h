/* Internals shared by the model's files and those above: the registry
 * handle, JSON read from a tree, the content hash, key events, records of a
 * tree. Writing commits is flow/commit_priv.h's. */
#ifndef ITAKU_REGISTRY_PRIV_H
#define ITAKU_REGISTRY_PRIV_H

#include "itaku/chain.h"
#include "itaku/lock.h"
#include "itaku/progress.h"
#include "itaku/registry.h"
#include "oidmap.h"

struct itk_registry {
    git_repository *repo;
    /* the writer's lock (flow/write_lock.c), held from the first write
     * until the handle is freed; how long to wait for it and whom to tell */
    itk_lock *wlock;
    unsigned lock_wait_ms;
    itk_lock_wait_cb lock_cb;
    void *lock_payload;
    /* whom to tell how a fetched pack arrives (sync.c) */
    itk_fetch_progress_cb fetch_progress;
    void *fetch_payload;
};

/* The object folder objects_dir (NULL: repo's own) checked before libgit2
 * reads an object from it (issue 20): a registry copied from elsewhere, or
 * a folder a sync takes from, may hold any bytes there. Refused: git's
 * alternates (objects/info/alternates: objects from other folders; the
 * message says to copy them in with `git repack -a -d` and remove the
 * file) and a multi-pack index (objects/pack/multi-pack-index, which
 * libgit2 would trust unchecked; the message says to remove it). Checked
 * whole: every pack index (*.idx, itk_packidx_check_file with its pack's
 * length; the message says to make it again with `git index-pack`, or to
 * take the registry again). Then repo's object database is opened and made
 * to read no commit-graph (itk_repository_commit_graph_off). 0 when all
 * is well or there is no object folder; else the first problem's error, its
 * message naming the file, what is wrong with it and what to do. Reads
 * only. */
int itk_registry_objects_check(git_repository *repo, const char *objects_dir);

/* A source given as a path (or a file:// URL): its repository opened into
 * *out (free with git_repository_free) and its object folder checked
 * (itk_registry_objects_check), before a fetch or a clone reads its packs
 * (a local clone copies its object folder as it is). *path: where url
 * points on disk (inside url; may be NULL). *out is NULL, and 0 returned,
 * when url is not a path or holds no repository (the fetch then says what
 * is wrong). The check's error otherwise, its message naming the source's
 * file; *out is NULL then. Reads only. */
int itk_registry_source_open(git_repository **out, const char **path, const char *url);

/* Whether the object database holds every object tree (a tree id) reaches:
 * its folders, read (so their hash is checked), and each file's blob
 * (looked up, not read: git_odb_exists). For the paths that skip reading a
 * tree already checked (issue 18), so that an object lost since (a deleted
 * loose object, a damaged store) is still found (DESIGN V11). 1 when all
 * are there; 0 when one is not, or a folder cannot be read, or the folders
 * nest deeper than 64 (the caller's full check then names what is wrong).
 * seen (NULL: none) is the folders found whole by earlier calls of the same
 * run (initialised by the caller, itk_oidmap_free): they are not read
 * again, and each folder found whole is added (several refs' trees share
 * most folders). Reads only; sets no error message. */
int itk_tree_objects_present(git_repository *repo, const git_oid *tree, itk_oidmap *seen);

/* itk_tree_objects_present, also noting in loose (when not NULL;
 * initialised by the caller) each object it checks whose loose file is in
 * the object folder (objects/xx/...): the objects not noted were found in a
 * pack (for the presence cache, vpresent.h). An object noted but packed
 * too is noted all the same (checked again next time: never wrongly
 * trusted). */
int itk_tree_objects_present_noting(git_repository *repo, const git_oid *tree, itk_oidmap *seen,
                                    itk_oidmap *loose);

/* itk_compromises_collect (itaku/chain.h) of several trees into one list:
 * seen (initialised by the caller, itk_oidmap_free) holds the folders
 * (parties/, a party's folder) read by earlier calls for the same list,
 * which are skipped, and gets those read. A folder's id fixes every event
 * under it, and the list keeps each key's first event, so a folder read
 * again would add nothing: the list is the one itk_compromises_collect
 * makes tree by tree (several refs share most folders, issue 18). */
int itk_compromises_collect_seen(itk_compromise **list, size_t *n, git_repository *repo,
                                 const git_tree *tree, itk_oidmap *seen);
/* The same for itk_compromise_events_collect (each event, one blob once):
 * a folder read before holds no event not listed. */
int itk_compromise_events_collect_seen(itk_compromise **list, size_t *n, git_repository *repo,
                                       const git_tree *tree, itk_oidmap *seen);

/* itk_tree_read followed by itk_json_parse. */
int itk_tree_read_json(json_t **out, git_repository *repo, const git_tree *tree, const char *path);

/* The same for the blob id, a record found at path (named in messages) by
 * itk_tree_record_blobs: no folder is read again. Its size is read from its
 * header first (ITK_ETOOBIG over ITK_MAX_RECORD_BYTES, unread); ITK_EINVALID
 * when it is not JSON; a libgit2 error when it cannot be read. */
int itk_blob_read_json(json_t **out, git_repository *repo, const git_oid *id, const char *path);

/* One file a commit adds or replaces, for Itaku-Content-SHA256. */
typedef struct {
    const char *path;
    unsigned char sha256[32]; /* of the file's bytes */
} itk_content_entry;

/* SHA-256 over "<path> <sha256-hex>\n" for each entry in byte order of path:
 * evidence of what a commit added that does not depend on SHA-1. Sorts the
 * entries in place. */
void itk_content_hash(char hex[65], itk_content_entry *entries, size_t n);

/* One key event's body applied to st, the state of key fpr so far (for
 * itk_key_status_get); *confirmed is set by a confirm event. */
void itk_key_event_apply(itk_key_status *st, int *confirmed, const char *fpr, const json_t *body);

/* Every record path of tree, optionally of one party and type. */
int itk_tree_records(char ***paths, size_t *count, git_repository *repo, const git_tree *tree,
                     const char *party, const char *type);

/* One record of a tree: its path and the id of its blob. */
typedef struct {
    char *path;
    git_oid blob;
} itk_record_blob;

/* itk_tree_records with each record's blob id, read from its folder as the
 * walk passes (itk_blob_read_json reads it without looking the path up
 * again): *out (free with itk_record_blobs_free) and *count, in tree order. */
int itk_tree_record_blobs(itk_record_blob **out, size_t *count, git_repository *repo,
                          const git_tree *tree, const char *party, const char *type);

void itk_record_blobs_free(itk_record_blob *list, size_t n);

#endif
