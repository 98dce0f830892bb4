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

int itk_vkeys_init(itk_vkeys *k)
{
    k->vw = NULL;
    int rc = itk_oidmap_init(&k->json);
    return rc ? rc : itk_oidmap_init(&k->void_events);
}

void itk_vkeys_free(itk_vkeys *k)
{
    for (size_t i = 0; i < k->json.cap; i++)
        if (k->json.used && k->json.used[i])
            json_decref(k->json.values[i]);
    itk_oidmap_free(&k->json);
    itk_oidmap_free(&k->void_events);
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

/* The folder named name in t, as a path component: NULL when absent or not
 * a folder (*rc < 0 when it cannot be read: ask the original). */
static git_tree *folder(git_repository *repo, const git_tree *t, const char *name, int *rc)
{
    const git_tree_entry *e = t ? git_tree_entry_byname(t, name) : NULL;
    git_tree *sub = NULL;
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE)
        return NULL;
    if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) < 0) {
        git_error_clear();
        *rc = -1;
    }
    return sub;
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
    const git_tree_entry *pe = git_tree_entry_byname(tree, "parties");
    git_tree *parties = NULL, *p = NULL, *keys = NULL;
    const char *missing = NULL; /* the last party whose keys/ lacks the file */
    char file[128];
    int rc = 0, result = 0;
    if (!pe || git_tree_lookup(&parties, repo, git_tree_entry_id(pe)) < 0) {
        git_error_clear();
        return ASK_ORIGINAL;
    }
    snprintf(file, sizeof(file), "%s.json", name);
    for (size_t i = 0; !result && i < git_tree_entrycount(parties); i++) {
        const char *party = git_tree_entry_name(git_tree_entry_byindex(parties, i));
        if (!plain(party) || strlen(file) + strlen(party) > 100) {
            result = ASK_ORIGINAL;
            break;
        }
        p = folder(repo, parties, party, &rc);
        keys = rc ? NULL : folder(repo, p, "keys", &rc);
        const git_tree_entry *e = keys ? git_tree_entry_byname(keys, file) : NULL;
        const json_t *key = NULL, *pj = NULL;
        if (rc || (e && (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
                         !(key = parsed(k, repo, git_tree_entry_id(e), &rc)))))
            result = ASK_ORIGINAL;
        else if (!e)
            missing = party;
        else {
            const git_tree_entry *pje = git_tree_entry_byname(p, "party.json");
            if (pje && (git_tree_entry_type(pje) != GIT_OBJECT_BLOB ||
                        !(pj = parsed(k, repo, git_tree_entry_id(pje), &rc))))
                result = ASK_ORIGINAL;
            else {
                const char *principal = body_str(key, "principal");
                const char *role = pj ? body_str(pj, "role") : NULL;
                snprintf(out->party, sizeof(out->party), "%s", party);
                snprintf(out->principal, sizeof(out->principal), "%s", principal ? principal : "");
                snprintf(out->role, sizeof(out->role), "%s", role ? role : "");
                if (!pje)
                    itk_error_set(ITK_ENOTFOUND, "parties/%s/party.json does not exist", party);
                else if (missing)
                    itk_error_set(ITK_ENOTFOUND, "parties/%s/keys/%s does not exist", missing,
                                  file);
                result = FOUND;
            }
        }
        git_tree_free(keys);
        git_tree_free(p);
        keys = p = NULL;
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
    const git_tree_entry *pe = git_tree_entry_byname(tree, "parties");
    git_tree *parties = NULL;
    int rc = 0;
    if (!pe || git_tree_lookup(&parties, repo, git_tree_entry_id(pe)) < 0) {
        git_error_clear();
        return 0; /* no events */
    }
    for (size_t i = 0; !rc && i < git_tree_entrycount(parties); i++) {
        const char *party = git_tree_entry_name(git_tree_entry_byindex(parties, i));
        if (!plain(party) || strlen(party) > 60) {
            rc = ASK_ORIGINAL;
            break;
        }
        git_tree *p = folder(repo, parties, party, &rc), *events = NULL;
        const git_tree_entry *ee = p && !rc ? git_tree_entry_byname(p, "key-events") : NULL;
        if (ee && git_tree_lookup(&events, repo, git_tree_entry_id(ee)) < 0)
            git_error_clear(); /* not a folder: no events */
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
        git_tree_free(events);
        git_tree_free(p);
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
