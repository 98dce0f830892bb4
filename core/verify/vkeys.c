/* How the lookups mirror the originals: itk_identity_find (registry.c) and
 * itk_key_status_get (chain.c) read "parties/<p>/keys/<name>.json" and the
 * like with git_tree_entry_bypath from the root, which resolves each
 * component as git_tree_entry_byname does and reads an intermediate
 * component that is not a folder as absent. Here each folder is resolved by
 * name once per lookup, and the messages the originals leave are set again.
 * Whatever they would report as an error (an unreadable or invalid file, a
 * name that would cut their fixed-size paths short) is handed to them. */
#include "vkeys.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "objsize.h"
#include "registry_priv.h"

#include <stdio.h>
#include <string.h>

enum { FOUND = 1, ASK_ORIGINAL = 2 };

/* What a party folder holds for the key look-ups: the ids and kinds of
 * its keys/, key-events/ and party.json entries. */
enum { ABSENT = 0, TREE, BLOB, OTHER };
struct party_dir {
    git_oid keys, events, pj;
    unsigned char keys_kind, events_kind, pj_kind;
};

int itk_vkeys_init(itk_vkeys *k)
{
    memset(k, 0, sizeof(*k));
    int rc = itk_oidmap_init(&k->json);
    if (!rc)
        rc = itk_oidmap_init(&k->void_events);
    if (!rc)
        rc = itk_oidmap_init(&k->party_dirs);
    if (!rc)
        rc = itk_oidmap_init(&k->key_trees);
    if (rc)
        itk_vkeys_free(k);
    return rc;
}

void itk_vkeys_free(itk_vkeys *k)
{
    for (size_t i = 0; i < k->json.cap; i++)
        if (k->json.used && k->json.used[i])
            json_decref(k->json.values[i]);
    for (size_t i = 0; i < k->party_dirs.cap; i++)
        if (k->party_dirs.used && k->party_dirs.used[i])
            free(k->party_dirs.values[i]);
    for (size_t i = 0; i < k->key_trees.cap; i++)
        if (k->key_trees.used && k->key_trees.used[i])
            git_tree_free(k->key_trees.values[i]);
    itk_oidmap_free(&k->json);
    itk_oidmap_free(&k->void_events);
    itk_oidmap_free(&k->party_dirs);
    itk_oidmap_free(&k->key_trees);
    git_tree_free(k->parties);
    k->parties = NULL;
}

/* git_tree_lookup of tree's parties/ folder into *out (the caller frees
 * it), answered from the one read last when it is the same: 0, or -1 when
 * there is none or it cannot be read (libgit2's error left). */
static int parties_of(git_tree **out, itk_vkeys *k, git_repository *repo, const git_tree *tree)
{
    const git_tree_entry *pe = git_tree_entry_byname(tree, "parties");
    *out = NULL;
    if (!pe)
        return -1;
    if (k->parties && git_oid_equal(git_tree_id(k->parties), git_tree_entry_id(pe)))
        return git_tree_dup(out, k->parties);
    if (git_tree_lookup(out, repo, git_tree_entry_id(pe)) < 0)
        return -1;
    git_tree_free(k->parties);
    if (git_tree_dup(&k->parties, *out) < 0)
        k->parties = NULL;
    return 0;
}

/* The parsed JSON of blob id, as itk_tree_read_json reads it; NULL when it
 * cannot be read (too big, not JSON), leaving the last message as it was. */
static const json_t *parsed(itk_vkeys *k, git_repository *repo, const git_oid *id, int *rc)
{
    json_t *v = itk_oidmap_get(&k->json, id);
    git_blob *b = NULL;
    if (v)
        return v;
    if (itk_blob_lookup_bounded(&b, repo, id, ITK_MAX_RECORD_BYTES)) {
        itk_error_clear();
        return NULL;
    }
    size_t n = (size_t)git_blob_rawsize(b);
    itk_error_state saved;
    itk_error_save(&saved);
    if (n > ITK_MAX_RECORD_BYTES || itk_json_parse(&v, git_blob_rawcontent(b), n, "") != 0) {
        v = NULL;
        itk_error_restore(&saved);
    } else if ((*rc = itk_oidmap_set(&k->json, id, v)) != 0) {
        json_decref(v);
        v = NULL;
    }
    git_blob_free(b);
    return v;
}

static unsigned char kind_of(const git_tree_entry *e)
{
    if (!e)
        return ABSENT;
    git_object_t t = git_tree_entry_type(e);
    return t == GIT_OBJECT_TREE ? TREE : t == GIT_OBJECT_BLOB ? BLOB : OTHER;
}

static void entry_into(git_oid *id, unsigned char *kind, const git_tree *t, const char *name)
{
    const git_tree_entry *e = git_tree_entry_byname(t, name);
    *kind = kind_of(e);
    if (e)
        git_oid_cpy(id, git_tree_entry_id(e));
}

/* The party folder entry pe of parties/ as the key look-ups need it: NULL
 * when pe is not a folder (*rc < 0 when it cannot be read: ask the
 * original; ITK_ENOMEM). Read once per folder id and run. */
static const struct party_dir *party_dir_of(itk_vkeys *k, git_repository *repo,
                                            const git_tree_entry *pe, int *rc)
{
    if (git_tree_entry_type(pe) != GIT_OBJECT_TREE)
        return NULL;
    const git_oid *id = git_tree_entry_id(pe);
    struct party_dir *d = itk_oidmap_get(&k->party_dirs, id);
    git_tree *p = NULL;
    if (d)
        return d;
    if (git_tree_lookup(&p, repo, id) < 0) {
        git_error_clear();
        *rc = -1;
        return NULL;
    }
    if (!(d = calloc(1, sizeof(*d)))) {
        git_tree_free(p);
        *rc = ITK_ENOMEM;
        return NULL;
    }
    entry_into(&d->keys, &d->keys_kind, p, "keys");
    entry_into(&d->events, &d->events_kind, p, "key-events");
    entry_into(&d->pj, &d->pj_kind, p, "party.json");
    git_tree_free(p);
    if ((*rc = itk_oidmap_set(&k->party_dirs, id, d)) != 0) {
        free(d);
        return NULL;
    }
    return d;
}

/* The keys/ or key-events/ folder id, held by k for the run: NULL when it
 * cannot be read (*rc = -1, or ITK_ENOMEM). */
static const git_tree *key_tree(itk_vkeys *k, git_repository *repo, const git_oid *id, int *rc)
{
    git_tree *t = itk_oidmap_get(&k->key_trees, id);
    if (t)
        return t;
    if (git_tree_lookup(&t, repo, id) < 0) {
        git_error_clear();
        *rc = -1;
        return NULL;
    }
    if ((*rc = itk_oidmap_set(&k->key_trees, id, t)) != 0) {
        git_tree_free(t);
        return NULL;
    }
    return t;
}

static const char *body_str(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(json_object_get(rec, "body"), key));
}

/* A name bypath would read as given: no '/', not empty. */
static int plain(const char *name)
{
    return name[0] && !strchr(name, '/');
}

static int identity_fast(itk_identity *out, itk_vkeys *k, git_repository *repo,
                         const git_tree *tree, const char *name)
{
    git_tree *parties = NULL;
    const char *missing = NULL; /* the last party whose keys/ lacks the file */
    char file[128];
    int rc = 0, result = 0;
    if (parties_of(&parties, k, repo, tree) < 0) {
        git_error_clear();
        return ASK_ORIGINAL;
    }
    snprintf(file, sizeof(file), "%s.json", name);
    for (size_t i = 0; !result && i < git_tree_entrycount(parties); i++) {
        const git_tree_entry *de = git_tree_entry_byindex(parties, i);
        const char *party = git_tree_entry_name(de);
        if (!plain(party) || strlen(file) + strlen(party) > 100) {
            result = ASK_ORIGINAL;
            break;
        }
        const struct party_dir *d = party_dir_of(k, repo, de, &rc);
        const git_tree *keys =
            !rc && d && d->keys_kind == TREE ? key_tree(k, repo, &d->keys, &rc) : NULL;
        const git_tree_entry *e = keys ? git_tree_entry_byname(keys, file) : NULL;
        const json_t *key = NULL, *pj = NULL;
        if (rc || (e && (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
                         !(key = parsed(k, repo, git_tree_entry_id(e), &rc)))))
            result = ASK_ORIGINAL;
        else if (!e)
            missing = party;
        else if (d->pj_kind != ABSENT &&
                 (d->pj_kind != BLOB || !(pj = parsed(k, repo, &d->pj, &rc))))
            result = ASK_ORIGINAL;
        else {
            const char *principal = body_str(key, "principal");
            const char *role = pj ? body_str(pj, "role") : NULL;
            snprintf(out->party, sizeof(out->party), "%s", party);
            snprintf(out->principal, sizeof(out->principal), "%s", principal ? principal : "");
            snprintf(out->role, sizeof(out->role), "%s", role ? role : "");
            if (d->pj_kind == ABSENT)
                itk_error_set(ITK_ENOTFOUND, "parties/%s/party.json does not exist", party);
            else if (missing)
                itk_error_set(ITK_ENOTFOUND, "parties/%s/keys/%s does not exist", missing, file);
            result = FOUND;
        }
    }
    git_tree_free(parties);
    return rc == ITK_ENOMEM ? rc : result;
}

int itk_vkeys_identity(itk_identity *out, itk_vkeys *k, git_repository *repo, const git_tree *tree,
                       const char *fingerprint)
{
    itk_buf name = ITK_BUF_INIT;
    memset(out, 0, sizeof(*out));
    int rc = itk_key_name_from_fingerprint(&name, fingerprint);
    if (!rc)
        rc = name.size > 100 ? ASK_ORIGINAL : identity_fast(out, k, repo, tree, name.ptr);
    itk_buf_dispose(&name);
    if (rc == FOUND)
        return 0;
    if (rc == 0)
        return itk_error_set(ITK_ENOTFOUND, "key %s belongs to no party of this registry",
                             fingerprint);
    if (rc == ITK_ENOMEM)
        return rc;
    return itk_identity_find(out, repo, tree, fingerprint);
}

/* chain.c's each_event with apply_event: every key event of tree applied to
 * st in the order it reads them. */
static int events_fast(itk_key_status *st, int *confirmed, itk_vkeys *k, git_repository *repo,
                       const git_tree *tree, const char *fpr)
{
    git_tree *parties = NULL;
    int rc = 0;
    if (parties_of(&parties, k, repo, tree) < 0) {
        git_error_clear();
        return 0; /* no events */
    }
    for (size_t i = 0; !rc && i < git_tree_entrycount(parties); i++) {
        const char *party = git_tree_entry_name(git_tree_entry_byindex(parties, i));
        if (!plain(party) || strlen(party) > 60) {
            rc = ASK_ORIGINAL;
            break;
        }
        const struct party_dir *d = party_dir_of(k, repo, git_tree_entry_byindex(parties, i), &rc);
        int unread = 0; /* key-events/ that is not a folder: no events */
        const git_tree *events =
            d && !rc && d->events_kind == TREE ? key_tree(k, repo, &d->events, &unread) : NULL;
        if (unread == ITK_ENOMEM)
            rc = unread;
        for (size_t j = 0; !rc && events && j < git_tree_entrycount(events); j++) {
            const char *file = git_tree_entry_name(git_tree_entry_byindex(events, j));
            if (!plain(file) || strlen(file) + strlen(party) > 120) {
                rc = ASK_ORIGINAL;
                break;
            }
            const git_tree_entry *e = git_tree_entry_byname(events, file);
            if (e && itk_oidmap_has(&k->void_events, git_tree_entry_id(e)))
                continue; /* written by a void commit (V9) */
            const json_t *ev = e && git_tree_entry_type(e) == GIT_OBJECT_BLOB
                                   ? parsed(k, repo, git_tree_entry_id(e), &rc)
                                   : NULL;
            if (ev)
                itk_key_event_apply(st, confirmed, fpr, json_object_get(ev, "body"));
        }
        if (rc < 0 && rc != ITK_ENOMEM)
            rc = ASK_ORIGINAL;
    }
    git_tree_free(parties);
    return rc;
}

int itk_vkeys_status(itk_key_status *out, itk_vkeys *k, git_repository *repo, const git_tree *tree,
                     const char *fingerprint)
{
    itk_identity who;
    int confirmed = 0;
    memset(out, 0, sizeof(*out));
    int rc = itk_vkeys_identity(&who, k, repo, tree, fingerprint);
    if (rc)
        return rc;
    snprintf(out->party, sizeof(out->party), "%s", who.party);
    snprintf(out->principal, sizeof(out->principal), "%s", who.principal);
    out->state = ITK_KEY_ACTIVE;
    rc = events_fast(out, &confirmed, k, repo, tree, fingerprint);
    if (rc == ASK_ORIGINAL)
        return itk_key_status_counted(out, repo, tree, k->vw, fingerprint);
    if (rc)
        return rc;
    if (confirmed)
        out->recovered = 0;
    itk_error_clear(); /* as each_event leaves it */
    return 0;
}
