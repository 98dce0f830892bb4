/* Reading the chain of parties and the state of keys from a tree. */
#include "itaku/chain.h"
#include "itaku/people.h"
#include "alloc.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "objsize.h"
#include "registry_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parent_of(char out[ITK_PARTY_ID_MAX + 1], char role[16], git_repository *repo,
                     const git_tree *tree, const char *party)
{
    char path[96];
    json_t *pj = NULL;
    snprintf(path, sizeof(path), "parties/%s/party.json", party);
    int rc = itk_tree_read_json(&pj, repo, tree, path);
    if (rc == ITK_ENOTFOUND)
        return itk_error_set(rc, "party %s is not registered", party);
    if (rc)
        return rc;
    json_t *body = json_object_get(pj, "body");
    const char *parent = json_string_value(json_object_get(body, "parent"));
    const char *r = json_string_value(json_object_get(body, "role"));
    snprintf(out, ITK_PARTY_ID_MAX + 1, "%s", parent ? parent : "");
    snprintf(role, 16, "%s", r ? r : "");
    json_decref(pj);
    return 0;
}

int itk_chain_path(char path[][ITK_PARTY_ID_MAX + 1], size_t *n, git_repository *repo,
                   const git_tree *tree, const char *party)
{
    char cur[ITK_PARTY_ID_MAX + 1], role[16];
    snprintf(cur, sizeof(cur), "%s", party);
    *n = 0;
    while (*n < ITK_MAX_CHAIN) {
        char parent[ITK_PARTY_ID_MAX + 1];
        int rc = parent_of(parent, role, repo, tree, cur);
        if (rc)
            return rc;
        snprintf(path[(*n)++], ITK_PARTY_ID_MAX + 1, "%s", cur);
        if (strcmp(role, "city") == 0)
            return 0;
        if (!parent[0])
            return itk_error_set(ITK_EINVALID, "party %s names no parent", cur);
        snprintf(cur, sizeof(cur), "%s", parent);
    }
    return itk_error_set(ITK_EINVALID, "the chain above %s is longer than %d parties or loops",
                         party, ITK_MAX_CHAIN);
}

int itk_chain_is_ancestor(git_repository *repo, const git_tree *tree, const char *ancestor,
                          const char *party)
{
    char path[ITK_MAX_CHAIN][ITK_PARTY_ID_MAX + 1];
    size_t n;
    if (itk_chain_path(path, &n, repo, tree, party)) {
        itk_error_clear();
        return 0;
    }
    for (size_t i = 1; i < n; i++)
        if (strcmp(path[i], ancestor) == 0)
            return 1;
    return 0;
}

/* Calls fn for every key event of tree (any party's key-events/) but those
 * that the commits of vw (NULL: none) wrote (V9: a stolen key's acts). */
/* fn's path and blob: the key event's path in the tree, and its blob id */
typedef int (*event_fn)(const json_t *body, const char *path, const git_oid *blob, void *payload);

/* The subtree name of tree, looked up only when its header says it is a
 * folder within ITK_MAX_TREE_BYTES (a hostile one is verify's to name, not
 * this reader's to inflate); NULL otherwise. */
static git_tree *small_subtree(git_repository *repo, const git_tree *tree, const char *name)
{
    const git_tree_entry *e = git_tree_entry_byname(tree, name);
    git_tree *out = NULL;
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE ||
        itk_object_size(NULL, repo, git_tree_entry_id(e), GIT_OBJECT_TREE, ITK_MAX_TREE_BYTES) ||
        git_tree_lookup(&out, repo, git_tree_entry_id(e)) < 0)
        out = NULL;
    return out;
}

/* Has seen (NULL: none) the folder e names? Else it is added (no memory:
 * not added, read again). */
static int folder_seen(itk_oidmap *seen, const git_tree_entry *e)
{
    if (!seen || !e)
        return 0;
    if (itk_oidmap_has(seen, git_tree_entry_id(e)))
        return 1;
    if (itk_oidmap_set(seen, git_tree_entry_id(e), NULL))
        itk_error_clear();
    return 0;
}

/* seen (NULL: none): the parties/ folders and parties' folders whose
 * events fn was given already (skipped, and those read added). */
static int each_event(git_repository *repo, const git_tree *tree, const itk_void_writes *vw,
                      itk_oidmap *seen, event_fn fn, void *payload)
{
    git_tree *parties = folder_seen(seen, git_tree_entry_byname(tree, "parties"))
                            ? NULL
                            : small_subtree(repo, tree, "parties");
    int rc = 0;
    for (size_t i = 0; parties && !rc && i < git_tree_entrycount(parties); i++) {
        const char *party = git_tree_entry_name(git_tree_entry_byindex(parties, i));
        char dir[96];
        if (folder_seen(seen, git_tree_entry_byindex(parties, i)))
            continue;
        git_tree *mine = small_subtree(repo, parties, party);
        git_tree *events = mine ? small_subtree(repo, mine, "key-events") : NULL;
        snprintf(dir, sizeof(dir), "parties/%s/key-events", party);
        for (size_t j = 0; events && !rc && j < git_tree_entrycount(events); j++) {
            char path[160];
            json_t *ev = NULL;
            snprintf(path, sizeof(path), "%s/%s", dir,
                     git_tree_entry_name(git_tree_entry_byindex(events, j)));
            if (vw && vw->n && itk_void_writes_source(vw, tree, path) != tree)
                continue;
            if (itk_tree_read_json(&ev, repo, tree, path) == 0)
                rc = fn(json_object_get(ev, "body"), path,
                        git_tree_entry_id(git_tree_entry_byindex(events, j)), payload);
            json_decref(ev);
        }
        git_tree_free(events);
        git_tree_free(mine);
    }
    git_tree_free(parties);
    if (!rc)
        itk_error_clear();
    return rc;
}

typedef struct {
    const char *fpr;
    itk_key_status *st;
    int confirmed_after_recovery;
} status_ctx;

void itk_key_event_apply(itk_key_status *st, int *confirmed, const char *fpr, const json_t *body)
{
    const char *key = json_string_value(json_object_get(body, "key"));
    const char *event = json_string_value(json_object_get(body, "event"));
    if (!key || !event || strcmp(key, fpr) != 0)
        return;
    /* states only move forward: active → retired → compromised */
    if (strcmp(event, "retire") == 0 && st->state < ITK_KEY_RETIRED)
        st->state = ITK_KEY_RETIRED;
    else if (strcmp(event, "compromise") == 0) {
        const char *lg = json_string_value(json_object_get(body, "last_good"));
        if (st->state < ITK_KEY_COMPROMISED || !st->last_good[0])
            snprintf(st->last_good, sizeof(st->last_good), "%s", lg ? lg : "");
        st->state = ITK_KEY_COMPROMISED;
    } else if (strcmp(event, "recovery") == 0)
        st->recovered = 1;
    else if (strcmp(event, "confirm") == 0)
        *confirmed = 1;
}

static int apply_event(const json_t *body, const char *path, const git_oid *blob, void *payload)
{
    status_ctx *c = payload;
    (void)path;
    (void)blob;
    itk_key_event_apply(c->st, &c->confirmed_after_recovery, c->fpr, body);
    return 0;
}

int itk_key_status_get(itk_key_status *out, git_repository *repo, const git_tree *tree,
                       const char *fingerprint)
{
    return itk_key_status_counted(out, repo, tree, NULL, fingerprint);
}

int itk_key_status_counted(itk_key_status *out, git_repository *repo, const git_tree *tree,
                           const itk_void_writes *vw, const char *fingerprint)
{
    itk_identity who;
    memset(out, 0, sizeof(*out));
    int rc = itk_identity_find(&who, repo, tree, fingerprint);
    if (rc)
        return rc;
    snprintf(out->party, sizeof(out->party), "%s", who.party);
    snprintf(out->principal, sizeof(out->principal), "%s", who.principal);
    out->state = ITK_KEY_ACTIVE;
    status_ctx c = {fingerprint, out, 0};
    rc = each_event(repo, tree, vw, NULL, apply_event, &c);
    if (c.confirmed_after_recovery)
        out->recovered = 0;
    return rc;
}

typedef struct {
    itk_compromise **list;
    size_t *n;
    int every; /* list each event, not only the first of each key */
} collect_ctx;

static int collect_event(const json_t *body, const char *path, const git_oid *blob, void *payload)
{
    collect_ctx *c = payload;
    const char *key = json_string_value(json_object_get(body, "key"));
    const char *event = json_string_value(json_object_get(body, "event"));
    const char *lg = json_string_value(json_object_get(body, "last_good"));
    if (!key || !event || strcmp(event, "compromise") != 0)
        return 0;
    for (size_t i = 0; i < *c->n; i++) {
        const itk_compromise *o = &(*c->list)[i];
        if (c->every ? git_oid_equal(&o->blob, blob) : strcmp(o->key, key) == 0)
            return 0;
    }
    itk_compromise *nl = itk_realloc_array(*c->list, *c->n + 1, sizeof(*nl));
    if (!nl)
        return ITK_ENOMEM;
    *c->list = nl;
    snprintf(nl[*c->n].key, sizeof(nl[*c->n].key), "%s", key);
    snprintf(nl[*c->n].last_good, sizeof(nl[*c->n].last_good), "%s", lg ? lg : "");
    snprintf(nl[*c->n].path, sizeof(nl[*c->n].path), "%s", path);
    git_oid_cpy(&nl[*c->n].blob, blob);
    (*c->n)++;
    return 0;
}

int itk_compromises_collect(itk_compromise **list, size_t *n, git_repository *repo,
                            const git_tree *tree)
{
    return itk_compromises_collect_counted(list, n, repo, tree, NULL);
}

int itk_compromises_collect_counted(itk_compromise **list, size_t *n, git_repository *repo,
                                    const git_tree *tree, const itk_void_writes *vw)
{
    collect_ctx c = {list, n, 0};
    return each_event(repo, tree, vw, NULL, collect_event, &c);
}

int itk_compromises_collect_seen(itk_compromise **list, size_t *n, git_repository *repo,
                                 const git_tree *tree, itk_oidmap *seen)
{
    collect_ctx c = {list, n, 0};
    return each_event(repo, tree, NULL, seen, collect_event, &c);
}

int itk_compromise_events_collect(itk_compromise **list, size_t *n, git_repository *repo,
                                  const git_tree *tree)
{
    return itk_compromise_events_collect_seen(list, n, repo, tree, NULL);
}

int itk_compromise_events_collect_seen(itk_compromise **list, size_t *n, git_repository *repo,
                                       const git_tree *tree, itk_oidmap *seen)
{
    collect_ctx c = {list, n, 1};
    return each_event(repo, tree, NULL, seen, collect_event, &c);
}
