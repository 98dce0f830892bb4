/* People by name: see itaku/people.h. */
#include "itaku/people.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/query.h"
#include "itaku/sshkey.h"
#include "itaku/sshsig.h"
#include "itaku/utf8.h"
#include "alloc.h"
#include "objsize.h"
#include "oidmap.h"
#include "registry_priv.h"
#include "void_cache.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Code points a display name never holds (the schemas refuse C0 only). */
static int refused_cp(unsigned long cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E ||
           cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

int itk_display_name_check(const char *name)
{
    size_t len = name ? strlen(name) : 0, chars = 0;
    if (!len)
        return itk_error_set(ITK_EINVALID, "a display name must not be empty");
    if (!itk_utf8_is_valid(name, len))
        return itk_error_set(ITK_EINVALID, "a display name must be UTF-8 text");
    for (size_t i = 0; i < len;) {
        const unsigned char *s = (const unsigned char *)name + i;
        size_t n = itk_utf8_seq_len(s, len - i);
        unsigned long cp = n == 1   ? s[0]
                           : n == 2 ? (s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu)
                           : n == 3 ? (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu)
                                    : (s[0] & 0x07ul) << 18 | (s[1] & 0x3Ful) << 12 |
                                          (s[2] & 0x3Ful) << 6 | (s[3] & 0x3Ful);
        if (refused_cp(cp))
            return itk_error_set(ITK_EINVALID,
                                 "a display name must not hold control or text-direction "
                                 "characters (it holds U+%04lX)",
                                 cp);
        i += n;
        chars++;
    }
    if (chars > ITK_DISPLAY_NAME_MAX)
        return itk_error_set(ITK_EINVALID,
                             "a display name has at most %d characters (this has %zu)",
                             ITK_DISPLAY_NAME_MAX, chars);
    return 0;
}

int itk_post_check(const char *post)
{
    if (!post || !*post)
        return itk_error_set(ITK_EINVALID, "a post (担当, 課長 …) must not be empty");
    itk_error_state saved;
    itk_error_save(&saved);
    int rc = itk_display_name_check(post);
    itk_error_restore(&saved);
    if (rc)
        return itk_error_set(ITK_EINVALID,
                             "a post is text of at most %d characters with no control or "
                             "text-direction characters ('%.80s' is not)",
                             ITK_DISPLAY_NAME_MAX, post);
    return 0;
}

/* The folder at path in tree, when its header says it is one of bounded
 * size; NULL otherwise. */
static git_tree *subtree(git_repository *repo, const git_tree *tree, const char *path)
{
    git_tree_entry *e = NULL;
    git_tree *out = NULL;
    if (git_tree_entry_bypath(&e, tree, path) < 0) {
        git_error_clear();
        return NULL;
    }
    if (git_tree_entry_type(e) != GIT_OBJECT_TREE ||
        itk_object_size(NULL, repo, git_tree_entry_id(e), GIT_OBJECT_TREE, ITK_MAX_TREE_BYTES) ||
        git_tree_lookup(&out, repo, git_tree_entry_id(e)) < 0) {
        itk_error_clear();
        git_error_clear();
        out = NULL;
    }
    git_tree_entry_free(e);
    return out;
}

static const char *str_at(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    return json_string_value(b ? json_object_get(v, b) : v);
}

/* Walks dir's records of principal; keeps in out the value of attr of the
 * last one that sets it (events: by file name, which is by id, and verify's
 * V4 keeps ids rising along the history; keys: by created, then file
 * name). */
static int scan(itk_buf *out, char *best_created, size_t best_size, git_repository *repo,
                const git_tree *tree, const itk_void_writes *vw, const char *party, const char *dir,
                const char *principal, const char *attr, int events)
{
    char path[200];
    snprintf(path, sizeof(path), "parties/%s/%s", party, dir);
    git_tree *t = subtree(repo, tree, path);
    int rc = 0;
    for (size_t i = 0; t && !rc && i < git_tree_entrycount(t); i++) {
        json_t *rec = NULL;
        snprintf(path, sizeof(path), "parties/%s/%s/%s", party, dir,
                 git_tree_entry_name(git_tree_entry_byindex(t, i)));
        const git_tree *src = itk_void_writes_source(vw, tree, path);
        if (!src || itk_tree_read_json(&rec, repo, src, path) != 0) {
            itk_error_clear();
            continue;
        }
        const json_t *body = json_object_get(rec, "body");
        const char *who = str_at(body, "principal", NULL);
        const char *value = str_at(json_object_get(body, "attributes"), attr, NULL);
        const char *event = str_at(body, "event", NULL);
        const char *created = str_at(rec, "created", NULL);
        itk_error_state saved;
        itk_error_save(&saved);
        int good = who && value && strcmp(who, principal) == 0 &&
                   (!events || (event && strcmp(event, "attributes") == 0)) &&
                   itk_display_name_check(value) == 0;
        itk_error_restore(&saved);
        if (good && (events || !created || strcmp(created, best_created) >= 0)) {
            itk_buf_clear(out);
            rc = itk_buf_puts(out, value);
            if (!events && created)
                snprintf(best_created, best_size, "%s", created);
        }
        json_decref(rec);
    }
    git_tree_free(t);
    return rc;
}

static void index_free(itk_void_writes *vw);

int itk_void_writes_add(itk_void_writes *vw, git_repository *repo, const git_oid *commit)
{
    git_commit *c = NULL, *parent = NULL;
    itk_void_write w = {NULL, NULL, *commit, NULL, 0, 0};
    int bad = git_commit_lookup(&c, repo, commit) < 0 || git_commit_tree(&w.tree, c) < 0 ||
              (git_commit_parentcount(c) > 0 &&
               (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&w.parent, parent) < 0));
    git_commit_free(parent);
    git_commit_free(c);
    itk_void_write *nw = bad ? NULL : itk_realloc_array(vw->w, vw->n + 1, sizeof(*nw));
    if (!nw) {
        git_tree_free(w.tree);
        git_tree_free(w.parent);
        return bad ? itk_error_git("cannot read commit %s", git_oid_tostr_s(commit)) : ITK_ENOMEM;
    }
    vw->w = nw;
    vw->w[vw->n++] = w;
    index_free(vw);
    return 0;
}

int itk_void_writes_holds(const itk_void_writes *vw, const git_oid *commit)
{
    for (size_t i = 0; vw && i < vw->n; i++)
        if (git_oid_equal(&vw->w[i].id, commit))
            return 1;
    return 0;
}

void itk_void_writes_dispose(itk_void_writes *vw)
{
    for (size_t i = 0; vw && i < vw->n; i++) {
        git_tree_free(vw->w[i].tree);
        git_tree_free(vw->w[i].parent);
        itk_void_changes_free(vw->w[i].changes, vw->w[i].nchanges);
    }
    if (vw) {
        index_free(vw);
        free(vw->w);
        free(vw->kept);
        vw->w = NULL;
        vw->n = 0;
        vw->kept = NULL;
        vw->nkept = 0;
    }
}

/* Void write i wrote blob id at path (as a commit diff says: the entry at
 * path in its tree, not its parent's). */
typedef struct vw_hit {
    struct vw_hit *next;
    size_t i;
    char path[];
} vw_hit;

struct itk_vw_index {
    itk_oidmap by_blob; /* blob id → vw_hit list */
};

static void index_free(itk_void_writes *vw)
{
    struct itk_vw_index *x = vw->index;
    if (!x)
        return;
    for (size_t i = 0; i < x->by_blob.cap; i++)
        for (vw_hit *h = x->by_blob.used && x->by_blob.used[i] ? x->by_blob.values[i] : NULL, *n; h;
             h = n) {
            n = h->next;
            free(h);
        }
    itk_oidmap_free(&x->by_blob);
    free(x);
    vw->index = NULL;
}

static int index_add(struct itk_vw_index *x, const git_oid *blob, const char *path, size_t i)
{
    size_t len = strlen(path);
    vw_hit *h = malloc(sizeof(*h) + len + 1);
    if (!h)
        return ITK_ENOMEM;
    h->i = i;
    memcpy(h->path, path, len + 1);
    h->next = itk_oidmap_get(&x->by_blob, blob);
    int rc = itk_oidmap_set(&x->by_blob, blob, h);
    if (rc)
        free(h);
    return rc;
}

/* w->changes from the diff of its tree with its parent's: what it added,
 * modified or changed in type. 0, ITK_EGIT or ITK_ENOMEM. */
static int changes_diff(itk_void_write *w)
{
    git_diff *diff = NULL;
    int rc = 0;
    if (git_diff_tree_to_tree(&diff, git_tree_owner(w->tree), w->parent, w->tree, NULL) < 0) {
        git_error_clear();
        return ITK_EGIT;
    }
    size_t nd = git_diff_num_deltas(diff), n = 0;
    itk_void_change *ch = nd ? itk_calloc(nd, sizeof(*ch)) : NULL;
    if (nd && !ch)
        rc = ITK_ENOMEM;
    for (size_t j = 0; !rc && j < nd; j++) {
        const git_diff_delta *d = git_diff_get_delta(diff, j);
        if (d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED &&
            d->status != GIT_DELTA_TYPECHANGE)
            continue;
        ch[n].status = (unsigned)d->status;
        ch[n].id = d->new_file.id;
        if (!(ch[n].path = itk_strdup(d->new_file.path)))
            rc = ITK_ENOMEM;
        else
            n++;
    }
    git_diff_free(diff);
    if (rc) {
        itk_void_changes_free(ch, n);
        return rc;
    }
    w->changes = ch;
    w->nchanges = n;
    w->known = 1;
    return 0;
}

int itk_void_writes_changes(itk_void_writes *vw, size_t i, const itk_void_change **out, size_t *n)
{
    itk_void_write *w = &vw->w[i];
    int rc = w->known ? 0 : changes_diff(w);
    *out = w->changes;
    *n = rc ? 0 : w->nchanges;
    return rc;
}

/* vw->index from what each void commit wrote (itk_void_writes_changes); 0,
 * or an error (then no index: the caller compares trees path by path). */
static int index_build(itk_void_writes *vw)
{
    struct itk_vw_index *x = calloc(1, sizeof(*x));
    int rc = x ? itk_oidmap_init(&x->by_blob) : ITK_ENOMEM;
    vw->index = x;
    for (size_t i = 0; !rc && i < vw->n; i++) {
        const itk_void_change *ch;
        size_t n;
        if ((rc = itk_void_writes_changes(vw, i, &ch, &n)))
            break;
        for (size_t j = 0; !rc && j < n; j++)
            rc = index_add(x, &ch[j].id, ch[j].path, i);
    }
    if (rc)
        index_free(vw);
    return rc;
}

/* The first void write (lowest i) that wrote blob at path, by the index;
 * SIZE_MAX when none. */
static size_t index_writer(const struct itk_vw_index *x, const git_oid *blob, const char *path)
{
    size_t best = SIZE_MAX;
    for (const vw_hit *h = itk_oidmap_get(&x->by_blob, blob); h; h = h->next)
        if (h->i < best && strcmp(h->path, path) == 0)
            best = h->i;
    return best;
}

/* The id and type of the entry at path in tree (NULL tree: none); 0 when
 * absent. */
static int entry_at(git_oid *out, git_object_t *type, const git_tree *tree, const char *path)
{
    git_tree_entry *e = NULL;
    if (!tree || git_tree_entry_bypath(&e, tree, path) < 0) {
        git_error_clear();
        return 0;
    }
    git_oid_cpy(out, git_tree_entry_id(e));
    *type = git_tree_entry_type(e);
    git_tree_entry_free(e);
    return 1;
}

/* The id of the entry at path in tree (entry_at without its type). */
static int id_at(git_oid *out, const git_tree *tree, const char *path)
{
    git_object_t type;
    return entry_at(out, &type, tree, path);
}

/* Is blob, at path, one of the files vw keeps (counted though a void commit
 * wrote it)? */
static int kept_blob(const itk_void_writes *vw, const git_oid *blob, const char *path)
{
    for (size_t i = 0; i < vw->nkept; i++)
        if (git_oid_equal(&vw->kept[i].blob, blob) && strcmp(vw->kept[i].path, path) == 0)
            return 1;
    return 0;
}

/* The index of the void write that wrote the entry here (of type type) at
 * path in tree, or SIZE_MAX when none did. */
static size_t writer_of(const itk_void_writes *vw, const git_oid *here, git_object_t type,
                        const char *path)
{
    git_oid wrote, before;
    /* the index of what each void commit wrote is built on first use; the
     * set itself does not change (found once, as a snapshot's names are) */
    if (vw->n && !vw->index && index_build((itk_void_writes *)vw))
        itk_error_clear();
    if (type == GIT_OBJECT_BLOB && kept_blob(vw, here, path))
        return SIZE_MAX;
    /* a file: the diffs name every void commit that wrote it */
    if (vw->index && type == GIT_OBJECT_BLOB)
        return index_writer(vw->index, here, path);
    for (size_t i = 0; i < vw->n; i++)
        if (id_at(&wrote, vw->w[i].tree, path) && git_oid_equal(&wrote, here) &&
            !(id_at(&before, vw->w[i].parent, path) && git_oid_equal(&before, here)))
            return i;
    return SIZE_MAX;
}

const itk_void_write *itk_void_writes_writer(const itk_void_writes *vw, const git_tree *tree,
                                             const char *path)
{
    git_oid here;
    git_object_t type = GIT_OBJECT_INVALID;
    if (!vw || !vw->n || !tree || !entry_at(&here, &type, tree, path))
        return NULL;
    size_t i = writer_of(vw, &here, type, path);
    return i == SIZE_MAX ? NULL : &vw->w[i];
}

const git_tree *itk_void_writes_source(const itk_void_writes *vw, const git_tree *tree,
                                       const char *path)
{
    /* each step moves to a void commit's parent: at most vw->n steps */
    for (size_t step = 0; vw && tree && step <= vw->n; step++) {
        git_oid here;
        git_object_t type = GIT_OBJECT_INVALID;
        if (!entry_at(&here, &type, tree, path))
            return NULL;
        size_t i = writer_of(vw, &here, type, path);
        if (i == SIZE_MAX)
            return tree;
        tree = vw->w[i].parent;
    }
    return vw ? NULL : tree;
}

/* The fingerprint of the key commit id's signature names into fpr; "" when
 * it carries no signature that parses. The signature is not checked here:
 * this only sorts commits by the key they claim (a claim that does not
 * verify is refused by verify's walk as it stands), and checking each one
 * made every verify with a compromise on record cost the whole history
 * since last_good in Ed25519 checks (issue 18). */
static void signer_of(char fpr[64], git_repository *repo, const git_oid *id)
{
    git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
    itk_pubkey *key = NULL;
    itk_buf f = ITK_BUF_INIT;
    git_oid copy = *id;
    fpr[0] = 0;
    if (git_commit_extract_signature(&sig, &data, repo, &copy, NULL) == 0 &&
        itk_sshsig_claimed_key(&key, sig.ptr, sig.size) == 0 &&
        itk_pubkey_fingerprint(&f, key) == 0 && f.size < 64)
        snprintf(fpr, 64, "%s", f.ptr);
    git_error_clear();
    itk_error_clear();
    itk_pubkey_free(key);
    itk_buf_dispose(&f);
    git_buf_dispose(&sig);
    git_buf_dispose(&data);
}

/* The most keys one compromise makes void (it, and keys its void commits
 * added, transitively). */
#define VOID_KEYS_MAX 64

static int key_in(char (*keys)[64], size_t n, const char *fpr)
{
    for (size_t i = 0; *fpr && i < n; i++)
        if (strcmp(keys[i], fpr) == 0)
            return 1;
    return 0;
}

/* Adds to keys the fingerprints of the key records commit c adds; *itself
 * is set when c adds nothing but key events marking its own signing key fpr
 * compromised (the one thing a compromised key may still sign, V9). */
static void keys_added(char (*keys)[64], size_t *n, int *itself, git_repository *repo,
                       git_commit *c, const char *fpr)
{
    git_commit *parent = NULL;
    git_tree *t = NULL, *pt = NULL;
    git_diff *diff = NULL;
    size_t reports = 0, added = 0;
    *itself = 0;
    if (git_commit_tree(&t, c) < 0 ||
        (git_commit_parentcount(c) > 0 &&
         (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&pt, parent) < 0)) ||
        git_diff_tree_to_tree(&diff, repo, pt, t, NULL) < 0)
        goto done;
    for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
        const git_diff_delta *d = git_diff_get_delta(diff, i);
        const char *path = d->new_file.path;
        json_t *rec = NULL;
        added++;
        if (d->status != GIT_DELTA_ADDED || strncmp(path, "parties/", 8) != 0 ||
            (!strstr(path, "/keys/") && !strstr(path, "/key-events/")) ||
            itk_tree_read_json(&rec, repo, t, path) != 0) {
            itk_error_clear();
            continue;
        }
        const json_t *body = json_object_get(rec, "body");
        const char *key = str_at(body, "key", NULL), *event = str_at(body, "event", NULL);
        if (strstr(path, "/key-events/")) {
            reports += event && key && strcmp(event, "compromise") == 0 && strcmp(key, fpr) == 0;
            json_decref(rec);
            continue;
        }
        const char *added_fpr = str_at(body, "fingerprint", NULL);
        if (*n < VOID_KEYS_MAX && added_fpr && strlen(added_fpr) < 64 &&
            !key_in(keys, *n, added_fpr))
            snprintf(keys[(*n)++], 64, "%s", added_fpr);
        json_decref(rec);
    }
    *itself = added > 0 && reports == added;
done:
    git_error_clear();
    git_diff_free(diff);
    git_tree_free(pt);
    git_tree_free(t);
    git_commit_free(parent);
}

/* The void commits one walk found, in its order, for the cache. */
typedef struct {
    git_oid *ids;
    size_t n;
} found_list;

static int found_add(found_list *f, const git_oid *id)
{
    git_oid *n = itk_realloc_array(f->ids, f->n + 1, sizeof(*n));
    if (!n)
        return ITK_ENOMEM;
    f->ids = n;
    f->ids[f->n++] = *id;
    return 0;
}

/* Adds void commit id to vw with what it wrote: as cache remembers it, or
 * from its diff (then remembered in cache). */
static int void_add(itk_void_writes *vw, itk_void_cache *cache, git_repository *repo,
                    const git_oid *id)
{
    int rc = itk_void_writes_add(vw, repo, id);
    if (rc)
        return rc;
    itk_void_write *w = &vw->w[vw->n - 1];
    const itk_void_changes *held = itk_void_cache_changes(cache, id);
    if (held) {
        if (held->n && !(w->changes = itk_calloc(held->n, sizeof(*w->changes))))
            return ITK_ENOMEM;
        for (; w->nchanges < held->n; w->nchanges++) {
            w->changes[w->nchanges] = held->c[w->nchanges];
            if (!(w->changes[w->nchanges].path = itk_strdup(held->c[w->nchanges].path)))
                return ITK_ENOMEM;
        }
        w->known = 1;
        return 0;
    }
    /* a diff that cannot be made is met again by itk_void_writes_changes */
    if (changes_diff(w) == ITK_ENOMEM)
        return ITK_ENOMEM;
    int fits = w->known;
    for (size_t k = 0; fits && k < w->nchanges; k++)
        fits = strlen(w->changes[k].path) < ITK_VOID_CACHE_MAX_PATH;
    return fits ? itk_void_cache_note_changes(cache, id, w->changes, w->nchanges) : 0;
}

/* Adds to vw the commits reachable from starts, not ancestors of last_good,
 * signed by key or by a key such a commit added (V9), but a key's report of
 * itself. What an earlier walk from tips behind starts found is taken from
 * the cache (void_cache.h) and only the commits since are walked: the
 * answer is the same, void commits in the order they were found. */
static int voids_of(itk_void_writes *vw, itk_void_cache *cache, git_repository *repo,
                    const git_oid *starts, size_t nstarts, const char *key, const char *last_good)
{
    git_revwalk *w = NULL;
    git_oid lg, id;
    char keys[VOID_KEYS_MAX][64];
    size_t nkeys = 1;
    int rc = 0, pushed = 0;
    found_list found = {NULL, 0};
    snprintf(keys[0], sizeof(keys[0]), "%s", key);
    itk_void_cache_load(cache, repo);
    const itk_void_memo *m = itk_void_cache_find(cache, repo, key, last_good, starts, nstarts);
    if (m && (m->nkeys > VOID_KEYS_MAX || strcmp(m->keys[0], key) != 0))
        m = NULL;
    if (git_revwalk_new(&w, repo) < 0 ||
        git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE) < 0) {
        git_revwalk_free(w);
        return itk_error_git("cannot walk the history");
    }
    for (size_t i = 0; i < nstarts; i++)
        if (git_revwalk_push(w, &starts[i]) == 0)
            pushed++;
    if (!pushed && nstarts) {
        git_revwalk_free(w);
        return itk_error_git("cannot walk the history of %s", git_oid_tostr_s(&starts[0]));
    }
    /* a last good commit not here: every commit of the key is after it */
    if (git_oid_fromstr(&lg, last_good) == 0 && git_revwalk_hide(w, &lg) < 0)
        git_error_clear();
    if (m) {
        nkeys = m->nkeys;
        memcpy(keys, m->keys, nkeys * sizeof(keys[0]));
        for (size_t i = 0; !rc && i < m->nvoids; i++)
            if (!(rc = void_add(vw, cache, repo, &m->voids[i])))
                rc = found_add(&found, &m->voids[i]);
        for (size_t i = 0; !rc && i < m->ntips; i++)
            if (git_revwalk_hide(w, &m->tips[i]) < 0)
                rc = itk_error_git("cannot walk the history");
    }
    while (!rc && git_revwalk_next(&id, w) == 0) {
        char fpr[64];
        git_commit *c = NULL;
        int itself = 0;
        signer_of(fpr, repo, &id);
        if (!key_in(keys, nkeys, fpr))
            continue;
        if (git_commit_lookup(&c, repo, &id) == 0)
            keys_added(keys, &nkeys, &itself, repo, c, fpr);
        git_commit_free(c);
        if (!itself && !(rc = void_add(vw, cache, repo, &id)))
            rc = found_add(&found, &id);
    }
    git_error_clear();
    git_revwalk_free(w);
    /* remembered when the walk started from all of starts */
    if (!rc && (size_t)pushed == nstarts) {
        itk_void_memo now = {"",   "",   (git_oid *)(uintptr_t)starts, nstarts, found.ids, found.n,
                             keys, nkeys};
        snprintf(now.key, sizeof(now.key), "%s", key);
        snprintf(now.last_good, sizeof(now.last_good), "%s", last_good);
        rc = itk_void_cache_remember(cache, &now);
    }
    free(found.ids);
    return rc;
}

int itk_void_writes_from(itk_void_writes *vw, git_repository *repo, const git_oid *starts,
                         size_t nstarts, const itk_compromise *list, size_t n)
{
    itk_void_cache cache = {NULL, 0, NULL, 0, 0, 0};
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++)
        rc = voids_of(vw, &cache, repo, starts, nstarts, list[i].key, list[i].last_good);
    if (!rc)
        itk_void_cache_flush(&cache, repo);
    itk_void_cache_dispose(&cache);
    return rc;
}

int itk_principal_attr(itk_buf *out, git_repository *repo, const git_tree *tree, const char *party,
                       const char *principal, const char *attr)
{
    return itk_principal_attr_counted(out, repo, tree, NULL, party, principal, attr);
}

int itk_principal_attr_counted(itk_buf *out, git_repository *repo, const git_tree *tree,
                               const itk_void_writes *vw, const char *party, const char *principal,
                               const char *attr)
{
    char created[64] = "";
    itk_buf ev = ITK_BUF_INIT;
    itk_buf_clear(out);
    if (!party || !principal || !*party || !*principal || strchr(party, '/'))
        return 0;
    int rc = scan(out, created, sizeof(created), repo, tree, vw, party, "keys", principal, attr, 0);
    if (!rc)
        rc = scan(&ev, created, sizeof(created), repo, tree, vw, party, "key-events", principal,
                  attr, 1);
    if (!rc && ev.size) {
        itk_buf_clear(out);
        rc = itk_buf_puts(out, ev.ptr);
    }
    itk_buf_dispose(&ev);
    return rc;
}

int itk_principal_name_at(itk_buf *out, git_repository *repo, const git_oid *commit,
                          const char *party, const char *principal)
{
    git_commit *c = NULL;
    git_tree *t = NULL;
    itk_buf_clear(out);
    if (git_commit_lookup(&c, repo, commit) < 0 || git_commit_tree(&t, c) < 0) {
        git_commit_free(c);
        return itk_error_git("cannot read commit %s", git_oid_tostr_s(commit));
    }
    int rc = itk_principal_attr(out, repo, t, party, principal, "name");
    git_tree_free(t);
    git_commit_free(c);
    return rc;
}

int itk_principal_post_before(itk_buf *out, git_repository *repo, const git_oid *commit,
                              const char *party, const char *principal)
{
    git_commit *c = NULL, *parent = NULL;
    git_tree *t = NULL;
    itk_buf_clear(out);
    int bad = git_commit_lookup(&c, repo, commit) < 0;
    if (!bad && git_commit_parentcount(c) > 0)
        bad = git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&t, parent) < 0;
    else if (!bad)
        bad = git_commit_tree(&t, c) < 0;
    git_commit_free(parent);
    git_commit_free(c);
    if (bad)
        return itk_error_git("cannot read commit %s or its parent", git_oid_tostr_s(commit));
    int rc = itk_principal_attr(out, repo, t, party, principal, "post");
    git_tree_free(t);
    return rc;
}

/* The id of the entry at path in tree, or zeros when absent. */
static void entry_id(git_oid *out, const git_tree *tree, const char *path)
{
    git_tree_entry *e = NULL;
    memset(out, 0, sizeof(*out));
    if (git_tree_entry_bypath(&e, tree, path) == 0)
        git_oid_cpy(out, git_tree_entry_id(e));
    else
        git_error_clear();
    git_tree_entry_free(e);
}

int itk_principal_name_memo(itk_buf *out, itk_name_memo *m, git_repository *repo,
                            const git_oid *commit, const char *party, const char *principal)
{
    git_commit *c = NULL;
    git_tree *t = NULL;
    git_oid keys, events;
    char path[128];
    itk_buf_clear(out);
    if (!party || !principal || strlen(party) >= sizeof(m->party) ||
        strlen(principal) >= sizeof(m->principal))
        return 0;
    if (git_commit_lookup(&c, repo, commit) < 0 || git_commit_tree(&t, c) < 0) {
        git_commit_free(c);
        return itk_error_git("cannot read commit %s", git_oid_tostr_s(commit));
    }
    snprintf(path, sizeof(path), "parties/%s/keys", party);
    entry_id(&keys, t, path);
    snprintf(path, sizeof(path), "parties/%s/key-events", party);
    entry_id(&events, t, path);
    int rc = 0;
    if (!(m->have && strcmp(m->party, party) == 0 && strcmp(m->principal, principal) == 0 &&
          git_oid_equal(&m->keys, &keys) && git_oid_equal(&m->events, &events))) {
        m->have = 0;
        if (!(rc =
                  itk_principal_attr_counted(&m->name, repo, t, m->vw, party, principal, "name"))) {
            snprintf(m->party, sizeof(m->party), "%s", party);
            snprintf(m->principal, sizeof(m->principal), "%s", principal);
            m->keys = keys;
            m->events = events;
            m->have = 1;
        }
    }
    if (!rc && m->name.size)
        rc = itk_buf_put(out, m->name.ptr, m->name.size);
    git_tree_free(t);
    git_commit_free(c);
    return rc;
}

void itk_name_memo_dispose(itk_name_memo *m)
{
    const itk_void_writes *vw = m->vw;
    itk_buf_dispose(&m->name);
    memset(m, 0, sizeof(*m));
    m->vw = vw;
}
