/* The benchmark's registry: one city, a chain of three levels below it (50
 * parties) or four (up to 256: 3 contractors, 9 subcontractors, 37 below
 * them, the rest on the fourth level), tens of thousands of records,
 * thousands of receipt merges, key rotations and a compromise. Every party's
 * current private key is left in DIR/keys/<party> for the timings that sign.
 * Not a test: `make bench` runs it once per registry, then times itaku and
 * stock git on what it wrote.
 *
 * Every party's line lives in one repository (refs/heads/gen/<party> while
 * generating), which is what the city's registry holds in the end anyway.
 * Requests, endorsements, decisions, acknowledgements and key events go
 * through the library's public calls; the bulk (submitted records, receipts
 * and pulls) is written here with the same bytes itaku writes — message,
 * trailers, signature — but with trees updated path by path instead of
 * rebuilt from an index, and without re-verifying what each receipt takes
 * (`itaku verify` on the result checks everything). */
#include "itaku/errors.h"
#include "itaku/flow.h"
#include "itaku/forms.h"
#include "itaku/instruct.h"
#include "itaku/json.h"
#include "itaku/keyops.h"
#include "itaku/party.h"
#include "itaku/record.h"
#include "itaku/registry.h"
#include "itaku/sshkey.h"
#include "itaku/sshsig.h"
#include "registry_priv.h"
#include "itaku/commit.h"
#include "itaku/init.h"
#include "commit_priv.h"
#include "memstore.h"

#include <openssl/evp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MAX_PARTIES 256
#define MAX_DEPTH 4

typedef struct {
    char id[ITK_PARTY_ID_MAX + 1];
    int parent; /* index, -1 for the city */
    int depth;
    char principal[32];
    itk_signer *signer;
    itk_signer *deputy; /* a second principal's key, for the compromise */
    itk_privkey *key;   /* the private key of signer, written out at the end */
    itk_privkey *deputy_key;
    git_oid tip;
    int tip_moved;  /* the tip is not in the party's branch yet */
    int own_tip;    /* the tip is this party's own commit (a receipt takes it) */
    git_oid sent;   /* the tip its parent last received */
    git_oid pulled; /* the parent's tip it last took */
    long counters[8];
    long items_open; /* received items not yet returned */
    long next_item;
    long records;
} party;

typedef struct {
    itk_registry *reg;
    git_repository *repo;
    int offset;
    party p[MAX_PARTIES];
    int np;
    int depth; /* the deepest level below the city */
    json_t *form1, *form2, *form5, *form6, *reg_body;
    json_t *validated;      /* "type/action" → schema name */
    git_odb_backend *store; /* what was written since the last pack */
    long commits, receipts, pulls, records, rotations;
} gen;

static void die(const char *what)
{
    fprintf(stderr, "gen: %s: %s\n", what, itk_error_last());
    exit(2);
}

static void check(int rc, const char *what)
{
    if (rc < 0)
        die(what);
}

static json_t *load(const char *corpus, const char *type)
{
    char path[4096];
    json_error_t e;
    snprintf(path, sizeof(path), "%s/%s/valid/base.json", corpus, type);
    json_t *j = json_load_file(path, 0, &e);
    if (!j) {
        fprintf(stderr, "gen: cannot read %s: %s\n", path, e.text);
        exit(2);
    }
    return j;
}

/* --- trees, path by path ---------------------------------------------------- */

/* root with path set to blob (root NULL: an empty tree). */
static int tree_put(git_oid *out, git_repository *repo, const git_oid *root, const char *path,
                    const git_oid *blob)
{
    git_tree *t = NULL;
    git_treebuilder *tb = NULL;
    const char *slash = strchr(path, '/');
    char name[256];
    int rc = 0;
    if (root && git_tree_lookup(&t, repo, root) < 0)
        return itk_error_git("tree");
    if (git_treebuilder_new(&tb, repo, t) < 0) {
        git_tree_free(t);
        return itk_error_git("treebuilder");
    }
    if (!slash) {
        rc = git_treebuilder_insert(NULL, tb, path, blob, GIT_FILEMODE_BLOB);
    } else {
        snprintf(name, sizeof(name), "%.*s", (int)(slash - path), path);
        const git_tree_entry *e = git_treebuilder_get(tb, name);
        git_oid sub, sub_in;
        int has = e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
        if (has)
            sub_in = *git_tree_entry_id(e);
        rc = tree_put(&sub, repo, has ? &sub_in : NULL, slash + 1, blob);
        if (!rc)
            rc = git_treebuilder_insert(NULL, tb, name, &sub, GIT_FILEMODE_TREE);
    }
    if (!rc && git_treebuilder_write(out, tb) < 0)
        rc = -1;
    git_treebuilder_free(tb);
    git_tree_free(t);
    return rc < 0 ? itk_error_git("cannot write a tree") : 0;
}

/* The clean merge of two add-only trees: their union (the same file on both
 * sides must be the same blob). */
static int tree_union(git_oid *out, git_repository *repo, const git_oid *a, const git_oid *b)
{
    git_tree *ta = NULL, *tb = NULL;
    git_treebuilder *bld = NULL;
    int rc = 0;
    if (git_oid_equal(a, b)) {
        *out = *a;
        return 0;
    }
    if (git_tree_lookup(&ta, repo, a) < 0 || git_tree_lookup(&tb, repo, b) < 0 ||
        git_treebuilder_new(&bld, repo, ta) < 0) {
        rc = itk_error_git("tree");
        goto done;
    }
    for (size_t i = 0; !rc && i < git_tree_entrycount(tb); i++) {
        const git_tree_entry *e = git_tree_entry_byindex(tb, i);
        const git_tree_entry *o = git_treebuilder_get(bld, git_tree_entry_name(e));
        if (!o) {
            rc = git_treebuilder_insert(NULL, bld, git_tree_entry_name(e), git_tree_entry_id(e),
                                        git_tree_entry_filemode(e));
            continue;
        }
        if (git_oid_equal(git_tree_entry_id(o), git_tree_entry_id(e)))
            continue;
        if (git_tree_entry_type(o) != GIT_OBJECT_TREE ||
            git_tree_entry_type(e) != GIT_OBJECT_TREE) {
            rc = itk_error_set(ITK_ECONFLICT, "the lines conflict at %s", git_tree_entry_name(e));
            continue;
        }
        git_oid sub, oa = *git_tree_entry_id(o);
        if (!(rc = tree_union(&sub, repo, &oa, git_tree_entry_id(e))))
            rc = git_treebuilder_insert(NULL, bld, git_tree_entry_name(e), &sub, GIT_FILEMODE_TREE);
    }
    if (!rc && git_treebuilder_write(out, bld) < 0)
        rc = itk_error_git("cannot write a tree");
done:
    git_treebuilder_free(bld);
    git_tree_free(ta);
    git_tree_free(tb);
    return rc < 0 ? rc : 0;
}

/* --- commits as itaku writes them ------------------------------------------- */

typedef struct {
    const char *path;
    const char *data;
    size_t len;
} gfile;

/* itk_commit_write's bytes: subject, trailers, Itaku-Content-SHA256, author
 * "<party>/<principal> <principal@party.itaku>", SSHSIG in gpgsig. */
static int write_commit(git_oid *out, gen *g, party *who, itk_signer *signer, const char *action,
                        const char *subject, const char *extra, const gfile *files, size_t nfiles,
                        const git_oid *p1, const git_oid *p2)
{
    itk_buf msg = ITK_BUF_INIT, armor = ITK_BUF_INIT;
    git_buf content = GIT_BUF_INIT;
    git_signature *sig = NULL;
    git_commit *parents[2] = {NULL, NULL};
    git_tree *tree = NULL;
    git_oid tid;
    itk_content_entry entries[8];
    char hex[65], name[128], email[128];
    const char *principal = who->principal;
    int rc = 0;
    if (signer == who->deputy)
        principal = "deputy";
    itk_buf_printf(&msg, "%s\n\nItaku-Party: %s\nItaku-Principal: %s\nItaku-Action: %s\n", subject,
                   who->id, principal, action);
    for (size_t i = 0; i < nfiles; i++) {
        itk_buf_printf(&msg, "Itaku-Record: %s\n", files[i].path);
        entries[i].path = files[i].path;
        EVP_Digest(files[i].data, files[i].len, entries[i].sha256, NULL, EVP_sha256(), NULL);
    }
    if (extra)
        itk_buf_printf(&msg, "%s", extra);
    itk_content_hash(hex, entries, nfiles);
    itk_buf_printf(&msg, "Itaku-Content-SHA256: %s\n", hex);

    git_commit *c1 = NULL, *c2 = NULL;
    git_oid base;
    if (git_commit_lookup(&c1, g->repo, p1) < 0 ||
        (p2 && git_commit_lookup(&c2, g->repo, p2) < 0)) {
        fprintf(stderr, "parent %s of %s\n", git_oid_tostr_s(p1), who->id);
        die("parent");
    }
    parents[0] = c1;
    parents[1] = c2;
    base = *git_commit_tree_id(c1);
    if (p2 && (rc = tree_union(&base, g->repo, git_commit_tree_id(c1), git_commit_tree_id(c2))))
        goto done;
    tid = base;
    for (size_t i = 0; i < nfiles; i++) {
        git_oid blob;
        if (git_blob_create_from_buffer(&blob, g->repo, files[i].data, files[i].len) < 0 ||
            (rc = tree_put(&tid, g->repo, &tid, files[i].path, &blob))) {
            rc = rc ? rc : itk_error_git("blob");
            goto done;
        }
    }
    if (git_tree_lookup(&tree, g->repo, &tid) < 0)
        die("tree");
    snprintf(name, sizeof(name), "%s/%s", who->id, principal);
    snprintf(email, sizeof(email), "%s@%s.itaku", principal, who->id);
    if (git_signature_new(&sig, name, email, (git_time_t)time(NULL), g->offset) < 0 ||
        git_commit_create_buffer(&content, g->repo, sig, sig, NULL, msg.ptr, tree, p2 ? 2 : 1,
                                 (const git_commit **)parents) < 0)
        die("commit buffer");
    if ((rc = itk_sshsig_sign(&armor, signer, "git", content.ptr, content.size)))
        goto done;
    while (armor.size && armor.ptr[armor.size - 1] == '\n')
        armor.ptr[--armor.size] = '\0';
    if (git_commit_create_with_signature(out, g->repo, content.ptr, armor.ptr, NULL) < 0)
        rc = itk_error_git("cannot store the signed commit");
    g->commits++;
done:
    git_commit_free(c1);
    git_commit_free(c2);
    git_tree_free(tree);
    git_signature_free(sig);
    git_buf_dispose(&content);
    itk_buf_dispose(&msg);
    itk_buf_dispose(&armor);
    return rc;
}

/* Objects are written to memory and packed every few hundred megabytes:
 * hundreds of thousands of loose files would cost more than the rest. */
static void pack_flush(gen *g)
{
    char dir[4200];
    snprintf(dir, sizeof(dir), "%sobjects/pack", git_repository_path(g->repo));
    if (memstore_pack(g->store, dir) < 0) {
        const git_error *e = git_error_last();
        fprintf(stderr, "gen: pack: %s\n", e ? e->message : "out of memory");
        exit(2);
    }
}

static void flush_refs(gen *g);

/* The registry for the library's calls, with every party's branch at its tip:
 * they read what the generator wrote from the same memory store (which hands
 * objects out NUL-terminated, as the disk's stores do, for their checks). */
static itk_registry *lib(gen *g)
{
    flush_refs(g);
    return g->reg;
}

static void branch_of(char ref[96], const gen *g, const party *p)
{
    if (p == &g->p[0])
        snprintf(ref, 96, "refs/heads/main");
    else
        snprintf(ref, 96, "refs/heads/gen/%s", p->id);
}

/* The branches are written when the library is called, not at every commit. */
static void set_tip(gen *g, party *p, const git_oid *tip, int own)
{
    p->tip = *tip;
    p->tip_moved = 1;
    p->own_tip = own;
    if (memstore_bytes(g->store) >= 256u << 20)
        pack_flush(g);
}

static void flush_refs(gen *g)
{
    for (int i = 0; i < g->np; i++) {
        party *p = &g->p[i];
        char ref[96];
        git_reference *r = NULL;
        if (!p->tip_moved)
            continue;
        branch_of(ref, g, p);
        if (git_reference_create(&r, g->repo, ref, &p->tip, 1, "gen") < 0)
            die("ref");
        git_reference_free(r);
        p->tip_moved = 0;
    }
}

/* Points HEAD at p's branch so that the library's calls act as p. */
static void act_as(gen *g, party *p)
{
    char ref[96];
    branch_of(ref, g, p);
    if (git_repository_set_head(g->repo, ref) < 0)
        die("HEAD");
}

static void took_public(gen *g, party *p, const git_oid *out)
{
    set_tip(g, p, out, 1);
    g->commits++;
}

static void now_rfc3339(char out[32], const gen *g)
{
    itk_format_time(out, (long long)time(NULL), g->offset);
}

/* A record of p, submitted on its line. */
static void submit(gen *g, party *p, const char *type, json_t *body, const char *supersedes)
{
    const itk_record_type *t = itk_record_type_find(type);
    char schema[64], id[32], created[32], subject[160];
    itk_buf path = ITK_BUF_INIT, data = ITK_BUF_INIT;
    int slot = (int)(t - itk_record_types());
    /* each kind of body is validated once (the same template varies only in
     * ids), which keeps the schema from being read for every record */
    char kind[64];
    const char *action = json_string_value(json_object_get(body, "action"));
    snprintf(kind, sizeof(kind), "%s/%s", type, action ? action : "");
    const char *known = json_string_value(json_object_get(g->validated, kind));
    if (known)
        snprintf(schema, sizeof(schema), "%s", known);
    else {
        check(itk_form_validate(schema, g->reg, type, body), type);
        json_object_set_new(g->validated, kind, json_string(schema));
    }
    snprintf(id, sizeof(id), "%s-%06ld", t->prefix, ++p->counters[slot % 8]);
    now_rfc3339(created, g);
    itk_record_fields f = {type, id, p->id, created, supersedes, NULL, body, schema};
    check(itk_record_build(&data, &f), "record");
    check(itk_record_path(&path, t, p->id, NULL, id), "path");
    snprintf(subject, sizeof(subject), "Submit %s %s", t->label, id);
    gfile file = {path.ptr, data.ptr, data.size};
    git_oid out, parent = p->tip;
    itk_signer *s = p->signer;
    check(write_commit(&out, g, p, s, "submit", subject, NULL, &file, 1, &parent, NULL), "submit");
    set_tip(g, p, &out, 1);
    p->records++;
    g->records++;
    itk_buf_dispose(&path);
    itk_buf_dispose(&data);
}

/* parent receives child's line: a signed merge with Itaku-Received. */
static void receive(gen *g, party *parent, party *child)
{
    if (!child->own_tip || git_oid_equal(&child->tip, &child->sent))
        return;
    char subject[96], extra[160];
    snprintf(subject, sizeof(subject), "Receive the line of %s", child->id);
    snprintf(extra, sizeof(extra), "Itaku-Received: %s %s\n", child->id,
             git_oid_tostr_s(&child->tip));
    git_oid out, p1 = parent->tip, p2 = child->tip;
    check(
        write_commit(&out, g, parent, parent->signer, "receive", subject, extra, NULL, 0, &p1, &p2),
        "receive");
    set_tip(g, parent, &out, 1);
    child->sent = p2;
    g->receipts++;
}

/* child pulls its parent's main: fast-forward when it can, else a merge. */
static void pull(gen *g, party *child, party *parent)
{
    git_oid p1 = child->tip, p2 = parent->tip;
    /* what each side holds is known from what was taken, without asking the
     * graph: the child holds what it pulled last; the parent holds the
     * child's tip once it received it (and never loses it) */
    if (git_oid_is_zero(&p1) || git_oid_equal(&p1, &p2) || git_oid_equal(&child->pulled, &p2))
        return;
    if (!child->own_tip || git_oid_equal(&child->sent, &p1)) {
        child->pulled = p2;
        set_tip(g, child, &p2, 0);
        return;
    }
    char subject[96], extra[160];
    snprintf(subject, sizeof(subject), "Pull the main of %s", parent->id);
    snprintf(extra, sizeof(extra), "Itaku-Received: %s %s\n", parent->id, git_oid_tostr_s(&p2));
    git_oid out;
    check(write_commit(&out, g, child, child->signer, "pull", subject, extra, NULL, 0, &p1, &p2),
          "pull");
    set_tip(g, child, &out, 1);
    child->pulled = p2;
    g->pulls++;
}

static itk_signer *new_signer(const char *comment, itk_pubkey **pub, itk_privkey **keep)
{
    itk_privkey *k = NULL;
    itk_signer *s = NULL;
    check(itk_privkey_generate_ed25519(&k, comment), "key");
    check(itk_signer_from_privkey(&s, k), "signer");
    if (pub)
        check(itk_pubkey_dup(pub, itk_signer_public(s)), "key");
    *keep = k;
    return s;
}

/* --- the chain -------------------------------------------------------------- */

static party *add_party(gen *g, const char *id, int parent)
{
    party *p = &g->p[g->np++];
    memset(p, 0, sizeof(*p));
    snprintf(p->id, sizeof(p->id), "%s", id);
    snprintf(p->principal, sizeof(p->principal), "manager");
    p->parent = parent;
    p->depth = parent < 0 ? 0 : g->p[parent].depth + 1;
    p->signer = new_signer(id, NULL, &p->key);
    return p;
}

static void join(gen *g, party *p)
{
    party *up = &g->p[p->parent];
    git_oid out;
    set_tip(g, p, &up->tip, 0);
    act_as(g, p);
    check(itk_acknowledge(&out, lib(g), p->signer), "acknowledge");
    took_public(g, p, &out);
    json_t *f1 = json_deep_copy(g->form1);
    submit(g, p, "form1", f1, NULL);
    json_decref(f1);
}

/* up files a form 6 for child (whose key is already made). */
static void request_sub(gen *g, party *up, party *child, char name[80])
{
    itk_buf n = ITK_BUF_INIT, line = ITK_BUF_INIT;
    git_oid out;
    json_t *f6 = json_deep_copy(g->form6);
    check(itk_pubkey_format(&line, itk_signer_public(child->signer)), "format");
    /* "type base64" without the comment */
    char *sp = strchr(line.ptr, ' ');
    if (sp && (sp = strchr(sp + 1, ' ')))
        *sp = '\0';
    char company[96], summary[200];
    snprintf(company, sizeof(company), "株式会社%s", child->id);
    json_object_set_new(f6, "party_id", json_string(child->id));
    json_object_set_new(f6, "public_key", json_string(line.ptr));
    json_object_set_new(json_object_get(f6, "subcontractor"), "name", json_string(company));
    snprintf(summary, sizeof(summary), "再委託承認申請: %s (%s)", company, child->id);
    json_t *body = json_pack("{s:s, s:o}", "summary", summary, "form6", f6);
    act_as(g, up);
    check(itk_request_submit(&n, &out, lib(g), up->signer, "subcontract", body), "request");
    took_public(g, up, &out);
    snprintf(name, 80, "%s", n.ptr);
    json_decref(body);
    itk_buf_dispose(&n);
    itk_buf_dispose(&line);
}

static void endorse(gen *g, party *p, const char *name)
{
    git_oid out;
    act_as(g, p);
    check(itk_request_endorse(&out, lib(g), p->signer, name, 0, NULL), "endorse");
    took_public(g, p, &out);
}

static void approve(gen *g, const char *name)
{
    git_oid out;
    itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
    o.outcome = "approved";
    act_as(g, &g->p[0]);
    check(itk_request_decide(&out, lib(g), g->p[0].signer, name, &o), "approve");
    took_public(g, &g->p[0], &out);
}

static void receive_up(gen *g, party *p)
{
    if (p->parent >= 0)
        receive(g, &g->p[p->parent], p);
}

/* Everything received up to the city, deepest first. */
static void sync_up(gen *g)
{
    for (int d = g->depth; d >= 1; d--)
        for (int i = 0; i < g->np; i++)
            if (g->p[i].depth == d)
                receive_up(g, &g->p[i]);
}

static void sync_down(gen *g)
{
    for (int d = 1; d <= g->depth; d++)
        for (int i = 0; i < g->np; i++)
            if (g->p[i].depth == d)
                pull(g, &g->p[i], &g->p[g->p[i].parent]);
}

/* One register entry: mostly receipts of items and their returns. */
static void register_entry(gen *g, party *p, long n)
{
    json_t *b = json_deep_copy(g->reg_body);
    char item[80];
    const char *action = "received";
    if (p->items_open > 0 && n % 2 == 1) {
        action = "returned";
        snprintf(item, sizeof(item), "item-%s-%ld", p->id, p->next_item - p->items_open);
        p->items_open--;
    } else {
        snprintf(item, sizeof(item), "item-%s-%ld", p->id, p->next_item++);
        p->items_open++;
    }
    if (n % 97 == 13) {
        char from[80];
        action = "copied";
        snprintf(from, sizeof(from), "item-%s-%ld", p->id, p->next_item - 1);
        snprintf(item, sizeof(item), "item-%s-%ld-c", p->id, p->next_item);
        json_object_set_new(b, "derived_from", json_string(from));
        json_object_set_new(b, "unapproved_reason", json_string("障害対応のため"));
        json_object_del(b, "method");
    }
    json_object_set_new(b, "action", json_string(action));
    json_object_set_new(b, "item_id", json_string(item));
    submit(g, p, "register", b, NULL);
    json_decref(b);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gen DIR SCHEMA-CORPUS [RECORDS] [ROUNDS] [PARTIES] [LEVELS]\n"
                        "  writes the city's registry in DIR/city (DIR must not exist) and\n"
                        "  every party's current private key in DIR/keys/<party>\n"
                        "  (PARTIES 50 on LEVELS 3 below the city; or 51..256 on 4)\n");
        return 2;
    }
    const char *dir = argv[1], *corpus = argv[2];
    long target = argc > 3 ? atol(argv[3]) : 20000;
    int rounds = argc > 4 ? atoi(argv[4]) : 45;
    int nparties = argc > 5 ? atoi(argv[5]) : 50;
    int depth = argc > 6 ? atoi(argv[6]) : 3;
    if (rounds < 1 || (depth != 3 && depth != 4) || nparties > MAX_PARTIES ||
        nparties < (depth == 3 ? 14 : 51)) {
        fprintf(stderr, "gen: PARTIES must be 14..%d on 3 levels, 51..%d on 4; ROUNDS >= 1\n",
                MAX_PARTIES, MAX_PARTIES);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    git_libgit2_init();
    gen *g = calloc(1, sizeof(*g));
    g->depth = depth;
    g->validated = json_object();
    g->form1 = load(corpus, "form1");
    g->form2 = load(corpus, "form2");
    g->form5 = load(corpus, "form5");
    g->reg_body = load(corpus, "register");
    char f6path[4096];
    json_error_t je;
    snprintf(f6path, sizeof(f6path), "%s/form6/valid/base.json", corpus);
    if (!(g->form6 = json_load_file(f6path, 0, &je)))
        die("form 6");

    party *city = add_party(g, "akiruno-city", -1);
    /* init makes the registry's folder only, inside one that exists */
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen: cannot create %s\n", dir);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/city", dir);
    itk_init_options io = ITK_INIT_OPTIONS_INIT;
    const char *methods[] = {"hand-delivery", "registered-mail"};
    io.contract_id = "BENCH-2026-001";
    io.title = "ベンチマーク用契約";
    io.city_id = city->id;
    io.city_name = "あきる野市";
    io.principal = "manager";
    io.start = "2026-04-01";
    io.end = "2099-03-31";
    io.handover_methods = methods;
    io.handover_count = 2;
    git_oid genesis;
    check(itk_registry_init(&genesis, path, &io, city->signer), "init");
    /* a bare registry while generating: no working tree to keep up to date */
    {
        git_repository *r = NULL;
        git_config *cfg = NULL;
        if (git_repository_open(&r, path) < 0 || git_repository_config(&cfg, r) < 0 ||
            git_config_set_bool(cfg, "core.bare", 1) < 0)
            die("core.bare");
        /* every party writes here: the registry is nobody's in particular */
        if (git_config_delete_entry(cfg, ITK_CONFIG_PARTY) < 0)
            die(ITK_CONFIG_PARTY);
        git_config_free(cfg);
        git_repository_free(r);
    }
    char gitdir[4200];
    snprintf(gitdir, sizeof(gitdir), "%s/.git", path);
    check(itk_registry_open(&g->reg, gitdir), "open");
    g->repo = itk_registry_repo(g->reg);
    {
        git_odb *odb = NULL;
        if (memstore_new(&g->store) < 0 || git_repository_odb(&odb, g->repo) < 0 ||
            git_odb_add_backend(odb, g->store, 999) < 0)
            die("memory store");
        git_odb_free(odb);
    }
    check(itk_registry_offset(&g->offset, g->reg), "offset");
    city->tip = genesis;
    city->own_tip = 1;
    g->commits = 1;

    /* the chain, level by level: 3 contractors, 9 subcontractors below them,
     * the rest spread evenly over the levels below (50 parties: 37 on level
     * 3; 200 parties on 4 levels: 37, then 150) */
    int lvl[MAX_DEPTH + 1][MAX_PARTIES], nlvl[MAX_DEPTH + 1] = {0};
    int size[MAX_DEPTH + 1] = {1, 3, 9, 37, 0};
    if (g->depth == 3)
        size[3] = nparties - 13;
    else
        size[4] = nparties - 50;
    lvl[0][nlvl[0]++] = 0;
    const char *co[3] = {"acme", "beta", "gamma"};
    for (int i = 0; i < 3; i++) {
        lvl[1][nlvl[1]++] = g->np;
        party *c = add_party(g, co[i], 0);
        itk_party_options po = ITK_PARTY_OPTIONS_INIT;
        git_oid out;
        po.id = c->id;
        po.role = "contractor";
        po.name = c->id;
        po.principal = "manager";
        po.key = itk_signer_public(c->signer);
        act_as(g, city);
        check(itk_party_add(&out, lib(g), city->signer, &po), "party add");
        took_public(g, city, &out);
    }
    static char names[MAX_PARTIES][80];
    for (int L = 1; L < g->depth; L++) {
        /* level L joins and asks for level L+1 */
        int nnames = 0;
        for (int i = 0; i < nlvl[L]; i++) {
            party *s = &g->p[lvl[L][i]];
            join(g, s);
            int n = size[L + 1] / nlvl[L] + (i < size[L + 1] % nlvl[L]);
            for (int k = 0; k < n; k++) {
                char id[48];
                if (L == 1)
                    snprintf(id, sizeof(id), "%s-s%d", s->id, k + 1);
                else
                    snprintf(id, sizeof(id), "%s-%d", s->id, k + 1);
                lvl[L + 1][nlvl[L + 1]++] = g->np;
                party *x = add_party(g, id, lvl[L][i]);
                request_sub(g, s, x, names[nnames++]);
            }
        }
        /* up the chain: every party between the requester and the city
         * endorses, once the request reached it */
        for (int d = L; d >= 1; d--) {
            for (int i = 0; i < nlvl[d]; i++)
                receive_up(g, &g->p[lvl[d][i]]);
            if (d == 1)
                break;
            for (int k = 0; k < nnames; k++) {
                char requester[48];
                snprintf(requester, sizeof(requester), "%.*s",
                         (int)(strchr(names[k], '/') - names[k]), names[k]);
                for (int i = 0; i < nlvl[L]; i++) {
                    party *r = &g->p[lvl[L][i]];
                    if (strcmp(r->id, requester) != 0)
                        continue;
                    while (r->depth > d - 1)
                        r = &g->p[r->parent];
                    endorse(g, r, names[k]);
                }
            }
        }
        for (int k = 0; k < nnames; k++)
            approve(g, names[k]);
        sync_down(g);
    }
    int *below = lvl[g->depth], nbelow = nlvl[g->depth];
    for (int i = 0; i < nbelow; i++)
        join(g, &g->p[below[i]]);
    /* the party whose key will be compromised has a deputy's key too */
    party *victim = &g->p[below[nbelow - 1]];
    {
        itk_pubkey *dk = NULL;
        git_oid out;
        victim->deputy = new_signer("deputy", &dk, &victim->deputy_key);
        act_as(g, victim);
        check(itk_key_add(&out, lib(g), victim->signer, dk, "deputy"), "key add");
        took_public(g, victim, &out);
        itk_pubkey_free(dk);
    }
    sync_up(g);
    sync_down(g);
    fprintf(stderr, "gen: %d parties registered, %ld commits\n", g->np, g->commits);

    /* the bulk: rounds of records, received up the chain after each round */
    long per_round = (target - g->records) / rounds;
    long per_party = per_round / (g->np - 1) + 1;
    git_oid last_good;
    int rotated = 0, compromised = 0;
    for (int r = 0; r < rounds; r++) {
        for (int i = 1; i < g->np && g->records < target; i++) {
            party *p = &g->p[i];
            for (long k = 0; k < per_party && g->records < target; k++) {
                long n = p->records + k;
                if (n % 50 == 7) {
                    json_t *f2 = json_deep_copy(g->form2);
                    submit(g, p, "form2", f2, NULL);
                    json_decref(f2);
                } else if (n % 200 == 111 && p->next_item > 0) {
                    json_t *f5 = json_deep_copy(g->form5);
                    char item[80];
                    snprintf(item, sizeof(item), "item-%s-%ld", p->id, p->next_item - 1);
                    json_object_set_new(json_array_get(json_object_get(f5, "items"), 0), "item_id",
                                        json_string(item));
                    submit(g, p, "form5", f5, NULL);
                    json_decref(f5);
                } else
                    register_entry(g, p, n);
            }
        }
        /* five rotations spread over the history */
        if (r % 8 == 4 && rotated < 5) {
            party *p = &g->p[1 + rotated * 7];
            itk_pubkey *nk = NULL;
            git_oid out;
            itk_privkey *nkey = NULL;
            itk_signer *ns = new_signer(p->id, &nk, &nkey);
            act_as(g, p);
            check(itk_key_rotate(&out, lib(g), p->signer, nk, NULL), "rotate");
            took_public(g, p, &out);
            itk_signer_free(p->signer);
            p->signer = ns;
            p->key = nkey;
            itk_pubkey_free(nk);
            rotated++;
            g->rotations++;
        }
        /* the compromise: the victim's manager key is marked compromised by
         * its deputy, from a commit a round back; what it signed since is
         * void (its parent took it before it knew) */
        if (r == rounds * 3 / 4 - 1)
            last_good = victim->tip;
        if (r == rounds * 3 / 4 && !compromised) {
            git_oid out;
            itk_buf fpr = ITK_BUF_INIT;
            char lg[GIT_OID_HEXSZ + 1];
            receive_up(g, victim);
            check(itk_pubkey_fingerprint(&fpr, itk_signer_public(victim->signer)), "fpr");
            git_oid_tostr(lg, sizeof(lg), &last_good);
            act_as(g, victim);
            check(itk_key_compromise(&out, lib(g), victim->deputy, fpr.ptr, lg,
                                     "laptop lost on a train"),
                  "compromise");
            took_public(g, victim, &out);
            itk_signer_free(victim->signer);
            victim->signer = victim->deputy;
            victim->key = victim->deputy_key;
            snprintf(victim->principal, sizeof(victim->principal), "deputy");
            itk_buf_dispose(&fpr);
            compromised = 1;
        }
        /* now and then every party takes its parent's main before its own
         * line went up (a pull merge), now and then after (a fast-forward) */
        if (r % 5 == 2)
            sync_down(g);
        sync_up(g);
        if (r % 5 == 4)
            sync_down(g);
        if (r % 5 == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            fprintf(stderr, "gen: round %d/%d, %ld records, %ld commits, %.0f s\n", r + 1, rounds,
                    g->records, g->commits,
                    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
        }
    }
    sync_up(g);
    pack_flush(g);
    flush_refs(g);

    /* the city's registry as it would be: main, the request branches, and the
     * verified lines of its contractors */
    for (int i = 1; i < g->np; i++) {
        char ref[96];
        git_reference *rf = NULL;
        branch_of(ref, g, &g->p[i]);
        if (git_reference_lookup(&rf, g->repo, ref) == 0) {
            git_reference_delete(rf);
            git_reference_free(rf);
        }
        if (g->p[i].depth == 1) {
            snprintf(ref, sizeof(ref), "refs/itaku/lines/%s", g->p[i].id);
            if (git_reference_create(&rf, g->repo, ref, &g->p[i].sent, 1, "gen") < 0)
                die("line");
            git_reference_free(rf);
        }
    }
    act_as(g, city);
    {
        git_config *cfg = NULL;
        if (git_repository_config(&cfg, g->repo) < 0 ||
            git_config_set_bool(cfg, "core.bare", 0) < 0)
            die("core.bare");
        git_config_free(cfg);
    }
    itk_registry_free(g->reg);
    /* every party's current key, for the timings that write or sign */
    char keys[4200];
    snprintf(keys, sizeof(keys), "%s/keys", dir);
    if (mkdir(keys, 0700) != 0) {
        fprintf(stderr, "gen: cannot create %s\n", keys);
        return 2;
    }
    for (int i = 0; i < g->np; i++) {
        char kp[4300];
        snprintf(kp, sizeof(kp), "%s/%s", keys, g->p[i].id);
        check(itk_privkey_write_files(g->p[i].key, kp), "key file");
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf(
        "parties %d\nlevels %d\nrecords %ld\ncommits %ld\nreceipts %ld\npulls %ld\nrotations %ld\n"
        "compromises %d\nseconds %.1f\n",
        g->np, g->depth, g->records, g->commits, g->receipts, g->pulls, g->rotations, compromised,
        secs);
    for (int i = 0; i < g->np; i++) {
        itk_signer_free(g->p[i].signer == g->p[i].deputy ? NULL : g->p[i].signer);
        itk_signer_free(g->p[i].deputy);
    }
    json_decref(g->form1);
    json_decref(g->form2);
    json_decref(g->form5);
    json_decref(g->form6);
    json_decref(g->reg_body);
    json_decref(g->validated);
    free(g);
    git_libgit2_shutdown();
    return 0;
}
