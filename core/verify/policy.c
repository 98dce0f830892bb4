/* The trust rules of DESIGN §5 applied to one commit: V1 signature and
 * acting party, V2 own folder, V3 city powers, V4 append-only, V5 honest
 * merges, V10 truthful objects (trailers, canonical records, file modes).
 * Later rules (V6–V9) build on the same per-commit context. */
#include "itaku/errors.h"
#include "intl.h"
#include "alloc.h"
#include "array.h"
#include "itaku/json.h"
#include "objsize.h"
#include "itaku/names.h"
#include "itaku/textsafe.h"
#include "registry_priv.h"
#include "policy_priv.h"
#include "vdiff.h"
#include "vstate.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What each action may add; a commit whose diff holds anything else has
 * trailers that do not tell the truth (V10). */
enum {
    K_README = 1 << ITK_PATH_README,
    K_CONTRACT = 1 << ITK_PATH_CONTRACT,
    K_OBLIGATIONS = 1 << ITK_PATH_OBLIGATIONS,
    K_SCHEMA = 1 << ITK_PATH_SCHEMA,
    K_PARTY = 1 << ITK_PATH_PARTY,
    K_KEY = 1 << ITK_PATH_KEY,
    K_RECORD = 1 << ITK_PATH_RECORD,
    K_ATTACHMENT = 1 << ITK_PATH_ATTACHMENT,
    K_LABELS = 1 << ITK_PATH_LABELS,
};

typedef struct {
    const char *name;
    unsigned kinds;
    int city_only;
    int merge;         /* 0: never a merge; 1: may be a merge (a receipt); 2: always one */
    const char *types; /* record types it may add, " form1 register " ("" for none) */
} action_rule;

#define SUBMITTED " form1 form2 register form4 form5 incident inspection "

static const action_rule actions[] = {
    {"genesis", K_README | K_CONTRACT | K_OBLIGATIONS | K_SCHEMA | K_LABELS | K_PARTY | K_KEY, 1, 0,
     ""},
    {"party-add", K_PARTY | K_KEY, 1, 0, ""},
    {"contract-update", K_README | K_CONTRACT | K_OBLIGATIONS | K_SCHEMA | K_LABELS, 1, 0, ""},
    {"submit", K_RECORD | K_ATTACHMENT, 0, 0, SUBMITTED},
    {"request", K_RECORD | K_ATTACHMENT, 0, 0, " request "},
    {"withdraw", K_RECORD, 0, 0, " request "},
    {"endorse", K_RECORD, 0, 1, " endorsement "},
    {"decline", K_RECORD, 0, 1, " endorsement "},
    {"approve", K_RECORD | K_PARTY | K_KEY, 1, 1, " decision "},
    {"reject", K_RECORD, 1, 1, " decision "},
    {"return", K_RECORD, 1, 1, " decision "},
    {"receive", 0, 0, 2, ""},
    {"pull", 0, 0, 2, ""},
    {"instruct", K_RECORD, 0, 0, " instruction "},
    {"acknowledge", K_RECORD, 0, 0, " ack "},
    {"key-add", K_KEY, 0, 0, ""},
    {"key-rotate", K_KEY | K_RECORD, 0, 0, " key-event "},
    {"key-retire", K_RECORD, 0, 0, " key-event "},
    {"key-compromise", K_RECORD, 0, 0, " key-event "},
    {"key-recover", K_KEY | K_RECORD, 1, 0, " key-event "},
    {"key-confirm", K_RECORD, 0, 0, " key-event "},
    {"key-attributes", K_RECORD, 0, 0, " key-event "},
    {"attach", K_ATTACHMENT, 0, 0, ""},
    {"contract-amend", K_RECORD, 1, 0, " contract-amendment "},
    {"draft", K_RECORD, 1, 1, " draft "}, /* 決裁 (V12): the draft merges the request */
    {"seal", K_RECORD, 1, 0, " seal "},
    {NULL, 0, 0, 0, NULL},
};

static const action_rule *action_find(const char *name)
{
    for (const action_rule *a = actions; a->name; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}

int itk_action_known(const char *name)
{
    return name && action_find(name) != NULL;
}

const char *itk_action_name(size_t i)
{
    return i < sizeof(actions) / sizeof(*actions) - 1 ? actions[i].name : NULL;
}

static int read_blob(itk_buf *out, git_repository *repo, const git_oid *id, size_t max)
{
    git_blob *b = NULL;
    /* the size from the object's header: an over-limit blob is never inflated */
    int rc = itk_blob_lookup_bounded(&b, repo, id, max);
    if (!rc) {
        itk_buf_clear(out);
        rc = itk_buf_put(out, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
    }
    git_blob_free(b);
    return rc;
}

/* V1: the signature verifies; returns the signing key's fingerprint. */
static int check_signature(check *ck, itk_buf *fpr)
{
    git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
    git_oid id = *ck->id;
    /* verified on the walk's threads already (vsigs.h) */
    const char *pre = itk_vsigs_fingerprint(ck->p->sigs, &id);
    if (pre) {
        if (itk_buf_puts(fpr, pre))
            return ITK_ENOMEM;
        snprintf(ck->signer, sizeof(ck->signer), "%s", pre);
        snprintf(ck->fpr, sizeof(ck->fpr), "%s", pre);
        return 0;
    }
    int r = git_commit_extract_signature(&sig, &data, ck->p->repo, &id, NULL);
    if (r == GIT_ENOTFOUND) {
        PROBLEM(ck, "V1", "",
                "the commit is not signed; every commit must carry an SSH "
                "signature of its party (itaku signs them, or git commit -S "
                "with gpg.format=ssh)");
        return 1;
    }
    if (r < 0)
        return itk_error_git("cannot read the signature of %s", git_oid_tostr_s(&id));
    itk_pubkey *key = NULL;
    int rc = itk_sshsig_verify(&key, sig.ptr, sig.size, "git", data.ptr, data.size);
    if (rc == 0) {
        rc = itk_pubkey_fingerprint(fpr, key);
        itk_pubkey_free(key);
        if (!rc) {
            snprintf(ck->signer, sizeof(ck->signer), "%s", fpr->ptr);
            snprintf(ck->fpr, sizeof(ck->fpr), "%s", fpr->ptr);
        }
    } else if (rc == ITK_ENOMEM)
        ;
    else {
        PROBLEM(ck, "V1", "", "the signature does not verify: %s", itk_error_last());
        rc = 1;
    }
    git_buf_dispose(&sig);
    git_buf_dispose(&data);
    return rc;
}

/* V1: the key must belong to a party in the trees where it must be active
 * (the parents; the genesis' own tree). */
static int check_identity(check *ck, const char *fpr)
{
    itk_identity who, first;
    int found = 0;
    for (size_t i = 0; i < ck->nkey_trees; i++) {
        int rc = itk_vkeys_identity(&who, &ck->p->keys, ck->p->repo, ck->key_trees[i], fpr);
        if (rc == ITK_ENOTFOUND)
            continue;
        if (rc)
            return rc;
        if (found && strcmp(first.party, who.party) != 0) {
            PROBLEM(ck, "V1", "", "key %s is registered to two parties (%s and %s)", fpr,
                    first.party, who.party);
            return 1;
        }
        if (!found)
            first = who;
        found = 1;
    }
    itk_error_clear();
    if (!found) {
        PROBLEM(ck, "V1", "",
                "signed by key %s, which is not an active key of any party in the parent "
                "commit; only registered keys may write",
                fpr);
        return 1;
    }
    snprintf(ck->info->party, sizeof(ck->info->party), "%s", first.party);
    snprintf(ck->info->principal, sizeof(ck->info->principal), "%s", first.principal);
    snprintf(ck->signer, sizeof(ck->signer), "%s/%s", first.party, first.principal);
    ck->is_city = strcmp(first.role, "city") == 0;
    /* V1: active in at least one parent, retired or compromised in none */
    int active = 0;
    for (size_t i = 0; i < ck->nkey_trees; i++) {
        itk_key_status st;
        if (itk_vkeys_status(&st, &ck->p->keys, ck->p->repo, ck->key_trees[i], fpr)) {
            itk_error_clear();
            continue;
        }
        if (st.state != ITK_KEY_ACTIVE) {
            if (st.state == ITK_KEY_RETIRED)
                PROBLEM(ck, "V1", "",
                        "signed by key %s, which is retired in a parent of this commit; a key "
                        "that has left service signs nothing more, in no line",
                        fpr);
            else
                PROBLEM(ck, "V1", "",
                        "signed by key %s, which is compromised in a parent of this commit; a key "
                        "that has left service signs nothing more, in no line",
                        fpr);
            return 1;
        }
        active = 1;
        ck->info->recovered |= st.recovered;
    }
    if (!active) {
        PROBLEM(ck, "V1", "", "signed by key %s, which is active in no parent", fpr);
        return 1;
    }
    return 0;
}

/* V5's merge of the two parents by tree ids, which costs what the two sides
 * changed (a criss-cross merge's virtual base made once); 0 when
 * git_merge_commits must make it. */
static int merge_by_ids(check *ck)
{
    itk_policy *p = ck->p;
    itk_vmerge_ctx x = {p->repo, &p->graph, &p->commits, &p->trees, &p->merges};
    return itk_vmerge_commits(&ck->base, &x, git_commit_parent_id(ck->commit, 0),
                              git_commit_parent_id(ck->commit, 1));
}

static int merge_base_tree(check *ck)
{
    git_commit *a = NULL, *b = NULL;
    git_index *idx = NULL;
    git_oid tid;
    int rc = merge_by_ids(ck);
    if (rc)
        return rc < 0 ? rc : 0;
    if (git_commit_parent(&a, ck->commit, 0) < 0 || git_commit_parent(&b, ck->commit, 1) < 0) {
        rc = itk_error_git("cannot read the parents of %s", git_oid_tostr_s(ck->id));
        goto done;
    }
    git_merge_options mo;
    git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
    mo.flags = 0; /* V5 is path by path: no rename detection */
    if (git_merge_commits(&idx, ck->p->repo, a, b, &mo) < 0) {
        rc = itk_error_git("cannot merge the parents of %s", git_oid_tostr_s(ck->id));
        goto done;
    }
    if (git_index_has_conflicts(idx)) {
        const git_index_entry *anc, *ours, *theirs;
        git_index_conflict_iterator *it = NULL;
        const char *path = "";
        if (git_index_conflict_iterator_new(&it, idx) == 0 &&
            git_index_conflict_next(&anc, &ours, &theirs, it) == 0)
            path = ours ? ours->path : theirs ? theirs->path : anc ? anc->path : "";
        PROBLEM(ck, "V5", path,
                "the merge's parents conflict; a merge may not resolve a conflict by hand");
        git_index_conflict_iterator_free(it);
        rc = 1;
        goto done;
    }
    if (git_index_write_tree_to(&tid, idx, ck->p->repo) < 0 ||
        git_tree_lookup(&ck->base, ck->p->repo, &tid) < 0)
        rc = itk_error_git("cannot write the merge of the parents of %s", git_oid_tostr_s(ck->id));
done:
    git_index_free(idx);
    git_commit_free(a);
    git_commit_free(b);
    return rc;
}

static int add_file(check *ck, const itk_vdelta *d, int refused)
{
    if (itk_array_reserve(&ck->files, &ck->afiles, ck->nfiles + 1, sizeof(*ck->files)))
        return ITK_ENOMEM;
    added_file *f = &ck->files[ck->nfiles];
    memset(f, 0, sizeof(*f));
    f->path = itk_strdup(d->new_path);
    if (!f->path)
        return ITK_ENOMEM;
    itk_path_classify(&f->info, f->path);
    f->blob = d->new_id;
    f->modified = d->status != GIT_DELTA_ADDED;
    f->refused = refused;
    ck->nfiles++;
    return 0;
}

/* V4 and V10 on the diff from base: nothing deleted, nothing modified but
 * what the city may replace, every entry a regular file. */
static int collect_changes(check *ck)
{
    itk_vdelta *deltas = NULL;
    size_t n = 0;
    git_diff_options o;
    git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
    o.flags |= GIT_DIFF_INCLUDE_TYPECHANGE;
    int rc = itk_vdiff_trees(&deltas, &n, &ck->p->trees, ck->p->repo, ck->base, ck->tree, &o,
                             ITK_MAX_FILES_PER_COMMIT);
    if (rc == ITK_ETOOBIG) /* checked before any file is read */
        return (n > ITK_MAX_FILES_PER_COMMIT
                    ? PROBLEM(ck, "V10", "",
                              "the commit adds or changes at least %zu files, more than the %d "
                              "one commit may; none of them was read",
                              n, ITK_MAX_FILES_PER_COMMIT)
                    : PROBLEM(ck, "V10", "",
                              "the commit adds or changes %zu files, more than the %d one commit "
                              "may; none of them was read",
                              n, ITK_MAX_FILES_PER_COMMIT))
                   ? ITK_ENOMEM
                   : 1;
    if (rc)
        return rc == ITK_ENOMEM ? rc : itk_error_git("cannot diff %s", git_oid_tostr_s(ck->id));
    for (size_t i = 0; !rc && i < n; i++) {
        const itk_vdelta *d = &deltas[i];
        const char *path = d->new_path ? d->new_path : d->old_path;
        if (d->status == GIT_DELTA_DELETED) {
            rc = PROBLEM(ck, "V4", d->old_path,
                         "deletes a file; records are append-only (a correction is a new record "
                         "that supersedes the old one)");
            continue;
        }
        if (d->new_mode != GIT_FILEMODE_BLOB) {
            if (d->new_mode == GIT_FILEMODE_LINK)
                rc = PROBLEM(ck, "V10", path,
                             "is a symbolic link; a registry holds only regular files (100644)");
            else if (d->new_mode == GIT_FILEMODE_BLOB_EXECUTABLE)
                rc = PROBLEM(ck, "V10", path,
                             "is an executable file; a registry holds only regular files (100644)");
            else if (d->new_mode == GIT_FILEMODE_COMMIT)
                rc = PROBLEM(ck, "V10", path,
                             "is a submodule; a registry holds only regular files (100644)");
            else
                rc = PROBLEM(ck, "V10", path,
                             "is not a regular file; a registry holds only regular files (100644)");
            /* a gitlink names a commit, not content the trailers could hash */
            if (!rc && d->new_mode != GIT_FILEMODE_COMMIT)
                rc = add_file(ck, d, 1);
            continue;
        }
        if (d->status == GIT_DELTA_MODIFIED || d->status == GIT_DELTA_TYPECHANGE) {
            itk_path_info pi;
            itk_path_classify(&pi, path);
            int replaceable = pi.kind == ITK_PATH_README || pi.kind == ITK_PATH_CONTRACT ||
                              pi.kind == ITK_PATH_PARTY;
            if (!(replaceable && ck->is_city)) {
                rc = PROBLEM(ck, "V4", path,
                             "modifies an existing file; records are append-only (only the city "
                             "may replace itaku.json, README.md and party.json)");
                rc = rc ? rc : add_file(ck, d, 1);
                continue;
            }
        }
        rc = add_file(ck, d, 0);
    }
    itk_vdiff_free(deltas, n);
    return rc < 0 ? rc : 0;
}

static int in_commit(const check *ck, itk_path_kind kind, const char *party)
{
    for (size_t i = 0; i < ck->nfiles; i++)
        if (ck->files[i].info.kind == kind && strcmp(ck->files[i].info.party, party) == 0)
            return 1;
    return 0;
}

/* Does the commit add a recovery key event for the key file f? */
static int recovery_in_commit(const check *ck, const added_file *f)
{
    json_t *key = NULL;
    itk_buf data = ITK_BUF_INIT;
    const char *fpr = NULL;
    int found = 0;
    if (read_blob(&data, ck->p->repo, &f->blob, ITK_MAX_RECORD_BYTES) == 0 &&
        itk_json_parse(&key, data.ptr, data.size, f->path) == 0)
        fpr = json_string_value(json_object_get(json_object_get(key, "body"), "fingerprint"));
    for (size_t i = 0; fpr && i < ck->nfiles && !found; i++) {
        const added_file *e = &ck->files[i];
        if (e->info.kind != ITK_PATH_RECORD || strcmp(e->info.type->type, "key-event") != 0)
            continue;
        json_t *ev = NULL;
        itk_buf ed = ITK_BUF_INIT;
        if (read_blob(&ed, ck->p->repo, &e->blob, ITK_MAX_RECORD_BYTES) == 0 &&
            itk_json_parse(&ev, ed.ptr, ed.size, e->path) == 0) {
            json_t *b = json_object_get(ev, "body");
            const char *k = json_string_value(json_object_get(b, "key"));
            const char *what = json_string_value(json_object_get(b, "event"));
            found = k && what && strcmp(k, fpr) == 0 && strcmp(what, "recovery") == 0;
        }
        json_decref(ev);
        itk_buf_dispose(&ed);
    }
    itk_error_clear();
    json_decref(key);
    itk_buf_dispose(&data);
    return found;
}

/* V2/V3: may this signer add this path? */
static int check_write_permission(check *ck, const added_file *f, int genesis)
{
    const itk_path_info *pi = &f->info;
    const char *me = ck->info->party;
    switch (pi->kind) {
    case ITK_PATH_UNKNOWN: {
        /* V2 first: outside its own folder a party may write nothing at all */
        size_t ml = strlen(me);
        if (!ck->is_city && (strncmp(f->path, "parties/", 8) != 0 ||
                             strncmp(f->path + 8, me, ml) != 0 || f->path[8 + ml] != '/'))
            return PROBLEM(ck, "V2", f->path, "%s may write only under parties/%s/", me, me);
        return PROBLEM(ck, "V10", f->path,
                       "is not a path a registry may hold (see the layout in the registry's "
                       "README.md)");
    }
    case ITK_PATH_README:
    case ITK_PATH_CONTRACT:
    case ITK_PATH_OBLIGATIONS:
    case ITK_PATH_SCHEMA:
    case ITK_PATH_LABELS:
        if (ck->is_city)
            return 0;
        return PROBLEM(ck, "V3", f->path, "only the city may write %s", f->path);
    case ITK_PATH_PARTY:
        if (ck->is_city)
            return 0;
        return PROBLEM(ck, "V2", f->path,
                       "a party may not write party.json (its own or another's); only the city "
                       "registers parties");
    case ITK_PATH_KEY:
        if (strcmp(pi->party, me) == 0)
            return 0;
        if (ck->is_city && (genesis || in_commit(ck, ITK_PATH_PARTY, pi->party)))
            return 0; /* registration: party.json and first key together */
        if (ck->is_city && recovery_in_commit(ck, f))
            return 0; /* a lost key replaced by the city (V3) */
        if (ck->is_city)
            return PROBLEM(ck, "V3", f->path,
                           "the city may add a key of %s only when registering it (with its "
                           "party.json) or with a recovery key event",
                           pi->party);
        /* fall through */
    default:
        /* V3: the contract's settings are the city's, even in a party's own folder */
        if (pi->kind == ITK_PATH_RECORD && !ck->is_city &&
            strcmp(pi->type->type, "contract-amendment") == 0)
            return PROBLEM(ck, "V3", f->path,
                           "only the city amends the contract settings; %s may not write a "
                           "contract amendment",
                           me);
        if (strcmp(pi->party, me) == 0)
            return 0;
        return PROBLEM(ck, "V2", f->path, "%s may write only under parties/%s/", me, me);
    }
}

/* V10: a record's body is valid against the schema version its envelope
 * names, as the commit's own tree holds it (DESIGN §5). Checked where the
 * record is added: a merge sees only what it adds beyond the clean merge of
 * its parents, so records a receipt brings in keep the verdict of the
 * commits that added them. Every record kind has a schema (party.json and
 * keys included). */
static int check_schema(check *ck, const added_file *f, const json_t *rec)
{
    if (ck->p->replay)
        return 0; /* a cached commit: its verdict is cached too */
    const char *schema = json_string_value(json_object_get(rec, "schema"));
    itk_buf errors = ITK_BUF_INIT;
    int rc = itk_vschemas_validate(&errors, &ck->p->schemas, ck->p->repo, ck->tree, schema,
                                   json_object_get(rec, "body"), f->info.type->type);
    if (rc == ITK_EINVALID && errors.size) {
        /* "<type>: <problem>\n" each: one line, "; " between them */
        itk_buf joined = ITK_BUF_INIT;
        size_t skip = strlen(f->info.type->type) + 2;
        rc = 0;
        for (char *line = errors.ptr, *nl; !rc && line && *line; line = nl ? nl + 1 : NULL) {
            nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            if (len > skip && strncmp(line, f->info.type->type, skip - 2) == 0 &&
                strncmp(line + skip - 2, ": ", 2) == 0) {
                line += skip;
                len -= skip;
            }
            rc = itk_buf_printf(&joined, "%s%.*s", joined.size ? "; " : "", (int)len, line);
        }
        if (!rc)
            rc = PROBLEM(ck, "V10", f->path,
                         "the body does not match schema %s, which the envelope names: %s (write "
                         "it again with every required field; itaku checks it before committing)",
                         schema, joined.ptr ? joined.ptr : "");
        itk_buf_dispose(&joined);
    } else if (rc == ITK_ENOTFOUND || rc == ITK_EINVALID || rc == ITK_EUNSUPPORTED ||
               rc == ITK_ETOOBIG)
        rc = PROBLEM(ck, "V10", f->path, "%s", itk_error_last());
    itk_buf_dispose(&errors);
    return rc;
}

/* V10 on a record's bytes, V1's "one party per fingerprint" on keys. */
static int check_content(check *ck, added_file *f, unsigned char sha[32])
{
    itk_buf data = ITK_BUF_INIT;
    size_t max =
        f->info.kind == ITK_PATH_ATTACHMENT ? ITK_MAX_ATTACHMENT_BYTES : ITK_MAX_RECORD_BYTES;
    int rc = read_blob(&data, ck->p->repo, &f->blob, max);
    if (rc == ITK_ETOOBIG) {
        rc = f->info.kind == ITK_PATH_ATTACHMENT
                 ? PROBLEM(ck, "V10", f->path,
                           "the attachment is larger than the limit of an attachment, 20 MiB "
                           "(%zu bytes)",
                           max)
                 : PROBLEM(ck, "V10", f->path, "is larger than the limit of %zu bytes", max);
        goto done;
    }
    if (rc)
        goto done;
    EVP_Digest(data.ptr, data.size, sha, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(f->sha + 2 * i, 3, "%02x", sha[i]);
    if (f->refused)
        goto done; /* only its hash, for the trailers */
    if (f->info.kind == ITK_PATH_ATTACHMENT) {
        char hex[65];
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", sha[i]);
        if (strcmp(hex, f->info.id) != 0)
            rc = PROBLEM(ck, "V10", f->path,
                         "an attachment must be named by the SHA-256 of its content (%s)", hex);
        goto done;
    }
    if (f->info.kind != ITK_PATH_RECORD && f->info.kind != ITK_PATH_KEY &&
        f->info.kind != ITK_PATH_PARTY)
        goto done;
    json_t *rec = NULL;
    if (itk_record_check(&rec, f->path, data.ptr, data.size)) {
        rc = PROBLEM(ck, "V10", f->path, "%s", itk_error_last());
        goto done;
    }
    if ((rc = check_schema(ck, f, rec)) < 0) {
        json_decref(rec);
        goto done;
    }
    if (f->info.kind == ITK_PATH_KEY) {
        const char *line =
            json_string_value(json_object_get(json_object_get(rec, "body"), "public_key"));
        itk_pubkey *key = NULL;
        itk_buf fpr = ITK_BUF_INIT, name = ITK_BUF_INIT;
        itk_identity other;
        if (!line || itk_pubkey_from_line(&key, line, strlen(line)) ||
            itk_pubkey_fingerprint(&fpr, key) || itk_key_name_from_fingerprint(&name, fpr.ptr))
            rc = PROBLEM(ck, "V10", f->path, "the key record holds no valid public key: %s",
                         itk_error_last());
        else if (strcmp(name.ptr, f->info.id) != 0)
            rc = PROBLEM(ck, "V10", f->path,
                         "the file name does not match the key's "
                         "fingerprint %s",
                         fpr.ptr);
        else if (ck->base &&
                 itk_vkeys_identity(&other, &ck->p->keys, ck->p->repo, ck->base, fpr.ptr) == 0 &&
                 strcmp(other.party, f->info.party) != 0)
            rc = PROBLEM(ck, "V1", f->path,
                         "key %s already belongs to party %s; a key belongs to one party for "
                         "ever",
                         fpr.ptr, other.party);
        itk_error_clear();
        itk_pubkey_free(key);
        itk_buf_dispose(&fpr);
        itk_buf_dispose(&name);
    }
    f->rec = rec; /* for the chain's rules; freed with the check */
done:
    itk_buf_dispose(&data);
    return rc < 0 ? rc : 0;
}

/* The trailer keys itaku writes, spelled as it writes them; git compares
 * trailer keys without regard to case, and so does itaku when reading
 * (V10), but only these spellings are written. */
static const char *const trailer_keys[] = {
    ITK_TRAILER_PARTY,    ITK_TRAILER_PRINCIPAL, ITK_TRAILER_ACTION, ITK_TRAILER_CONTENT,
    ITK_TRAILER_RECEIVED, ITK_TRAILER_REQUEST,   ITK_TRAILER_RECORD,
};
#define NTRAILER_KEYS (sizeof(trailer_keys) / sizeof(*trailer_keys))

static const char *trailer_key(const char *k)
{
    for (size_t i = 0; i < NTRAILER_KEYS; i++)
        if (strcasecmp(k, trailer_keys[i]) == 0)
            return trailer_keys[i];
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is s in list (sorted with cmp_str)? */
static int in_sorted(const char **list, size_t n, const char *s)
{
    return n && bsearch(&s, list, n, sizeof(*list), cmp_str) != NULL;
}

typedef struct {
    const char *s;
    size_t at;
} indexed_str;

static int cmp_indexed(const void *a, const void *b)
{
    const indexed_str *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    return c ? c : x->at < y->at ? -1 : x->at > y->at;
}

/* Appends the Itaku-Record values vals (in order, each once) to
 * ck->info->records; *dup when one is named twice. Sorting keeps it
 * O(n log n) on a message of many trailers. */
static int keep_records(check *ck, const char **vals, size_t n, int *dup)
{
    indexed_str *ix = itk_calloc(n, sizeof(*ix));
    unsigned char *twice = ix ? itk_calloc(n, 1) : NULL;
    char **nr = twice
                    ? itk_realloc_array(ck->info->records, ck->info->nrecords + n + 1, sizeof(*nr))
                    : NULL;
    int rc = 0;
    if (nr)
        ck->info->records = nr;
    if (!ix || !twice || !nr) {
        rc = ITK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        ix[i] = (indexed_str){vals[i], i};
    qsort(ix, n, sizeof(*ix), cmp_indexed);
    for (size_t i = 1; i < n; i++)
        if (strcmp(ix[i - 1].s, ix[i].s) == 0)
            twice[ix[i].at] = 1, *dup = 1;
    for (size_t i = 0; i < n; i++) {
        if (twice[i])
            continue;
        if (!(nr[ck->info->nrecords] = itk_strdup(vals[i]))) {
            rc = ITK_ENOMEM;
            goto done;
        }
        ck->info->nrecords++;
    }
done:
    free(ix);
    free(twice);
    return rc;
}

/* The first line of msg that begins with "---", or NULL. libgit2's trailer
 * reader ends the message at such a line (a mail's patch divider); git log's
 * %(trailers) reads past it, so a message with one could show git a trailer
 * block that itaku never reads (V10). */
static const char *message_divider(const char *msg)
{
    for (const char *s = msg; s && *s;) {
        if (strncmp(s, "---", 3) == 0)
            return s;
        s = strchr(s, '\n');
        s = s ? s + 1 : NULL;
    }
    return NULL;
}

/* V10: the trailers say who signed, what was done, and what was added. */
static int check_trailers(check *ck, const char *content_hex, int genesis)
{
    git_message_trailer_array arr = {0};
    const char *party = NULL, *principal = NULL, *action = NULL, *content = NULL;
    const char *misspelt = NULL, *spelling = NULL;
    const char **vals = NULL, **recs = NULL, **paths = NULL;
    size_t nvals = 0;
    int dup = 0, rc = 0;
    const char *divider = message_divider(git_commit_message(ck->commit));
    if (divider) {
        rc = PROBLEM(ck, "V10", "",
                     "the message has a line beginning with '---' ('%.*s'); libgit2 stops "
                     "reading trailers there while git log reads past it, so the two would name "
                     "different trailers; itaku never writes such a line",
                     (int)strcspn(divider, "\n"), divider);
        goto done;
    }
    if (git_message_trailers(&arr, git_commit_message(ck->commit)) < 0) {
        arr.count = 0;
        arr.trailers = NULL;
    }
    vals = itk_realloc_array(NULL, arr.count ? arr.count : 1, sizeof(*vals));
    if (!vals) {
        rc = ITK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < arr.count; i++) {
        const char *k = trailer_key(arr.trailers[i].key), *v = arr.trailers[i].value;
        if (k && strcmp(k, arr.trailers[i].key) != 0 && !misspelt)
            misspelt = arr.trailers[i].key, spelling = k;
        const char **slot = !k                                      ? NULL
                            : strcmp(k, ITK_TRAILER_PARTY) == 0     ? &party
                            : strcmp(k, ITK_TRAILER_PRINCIPAL) == 0 ? &principal
                            : strcmp(k, ITK_TRAILER_ACTION) == 0    ? &action
                            : strcmp(k, ITK_TRAILER_CONTENT) == 0   ? &content
                                                                    : NULL;
        if (slot) {
            dup |= *slot != NULL;
            *slot = v;
        } else if (k &&
                   (strcmp(k, ITK_TRAILER_RECEIVED) == 0 || strcmp(k, ITK_TRAILER_REQUEST) == 0)) {
            char *dst = strcmp(k, ITK_TRAILER_RECEIVED) == 0 ? ck->received : ck->request;
            size_t cap = dst == ck->received ? sizeof(ck->received) : sizeof(ck->request);
            dup |= dst[0] != '\0';
            snprintf(dst, cap, "%s", v);
        } else if (k && strcmp(k, ITK_TRAILER_RECORD) == 0)
            vals[nvals++] = v;
    }
    if ((rc = keep_records(ck, vals, nvals, &dup)))
        goto done;
    if (misspelt)
        PROBLEM(ck, "V10", "",
                "the trailer key '%s' is a case variant of '%s'; git reads both as one key, "
                "and itaku writes only '%s'",
                misspelt, spelling, spelling);
    if (action)
        snprintf(ck->info->action, sizeof(ck->info->action), "%s", action);
    snprintf(ck->info->request, sizeof(ck->info->request), "%s", ck->request);
    if (ck->received[0])
        snprintf(ck->info->received, sizeof(ck->info->received), "%.*s",
                 (int)strcspn(ck->received, " "), ck->received);
    if (!party || !principal || !action || !content || dup) {
        rc = PROBLEM(ck, "V10", "",
                     "the commit message must carry exactly one each of Itaku-Party, "
                     "Itaku-Principal, Itaku-Action and Itaku-Content-SHA256");
        goto done;
    }
    if (ck->info->party[0] && strcmp(party, ck->info->party) != 0)
        PROBLEM(ck, "V10", "", "Itaku-Party says '%s' but the commit is signed by %s's key", party,
                ck->info->party);
    if (ck->info->principal[0] && strcmp(principal, ck->info->principal) != 0)
        PROBLEM(ck, "V10", "", "Itaku-Principal says '%s' but the signing key is %s's", principal,
                ck->info->principal);
    const action_rule *a = action_find(action);
    if (!a)
        PROBLEM(ck, "V10", "", "unknown Itaku-Action '%s'", action);
    else if (genesis != (strcmp(action, "genesis") == 0))
        PROBLEM(ck, "V10", "",
                genesis ? ITK_N_("Itaku-Action '%s' on the root commit; the genesis says genesis")
                        : ITK_N_("Itaku-Action '%s' may appear only on the root commit"),
                action);
    else if (a->city_only && !ck->is_city)
        PROBLEM(ck, "V10", "", "Itaku-Action '%s' is the city's alone", action);
    else if (ck->info->nparents == 2 && !a->merge)
        PROBLEM(ck, "V5", "",
                "a merge with Itaku-Action '%s'; only receipts, pulls, endorsements and "
                "decisions merge another line",
                action);
    else if (ck->info->nparents < 2 && a->merge == 2)
        PROBLEM(ck, "V10", "", "Itaku-Action '%s' must be a merge", action);
    if (ck->info->nparents == 2 && !ck->received[0])
        PROBLEM(ck, "V8", "",
                "a merge without Itaku-Received; a receipt names whose line it takes, and which "
                "commit");
    if (ck->info->nparents < 2 && ck->received[0])
        PROBLEM(ck, "V10", "", "Itaku-Received on a commit that merges nothing");
    for (size_t i = 0; a && i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
        if (f->refused || f->info.kind == ITK_PATH_UNKNOWN)
            continue;
        char word[32];
        snprintf(word, sizeof(word), " %s ", f->info.type ? f->info.type->type : "");
        if (!(a->kinds & (1u << f->info.kind)) ||
            (f->info.kind == ITK_PATH_RECORD && !strstr(a->types, word)))
            PROBLEM(ck, "V10", f->path, "Itaku-Action '%s' may not add this file", action);
    }
    /* both lists sorted: linear in the trailers and files, whatever their number */
    recs = itk_realloc_array(NULL, ck->info->nrecords + 1, sizeof(*recs));
    paths = recs ? itk_realloc_array(NULL, ck->nfiles + 1, sizeof(*paths)) : NULL;
    if (!recs || !paths) {
        rc = ITK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < ck->info->nrecords; i++)
        recs[i] = ck->info->records[i];
    for (size_t i = 0; i < ck->nfiles; i++)
        paths[i] = ck->files[i].path;
    qsort(recs, ck->info->nrecords, sizeof(*recs), cmp_str);
    qsort(paths, ck->nfiles, sizeof(*paths), cmp_str);
    for (size_t i = 0; i < ck->nfiles; i++) {
        itk_path_kind k = ck->files[i].info.kind;
        int is_record = k == ITK_PATH_RECORD || k == ITK_PATH_KEY || k == ITK_PATH_PARTY;
        if (is_record && !in_sorted(recs, ck->info->nrecords, ck->files[i].path))
            PROBLEM(ck, "V10", ck->files[i].path, "added without an Itaku-Record trailer");
    }
    for (size_t i = 0; i < ck->info->nrecords; i++)
        if (!in_sorted(paths, ck->nfiles, ck->info->records[i]))
            PROBLEM(ck, "V10", ck->info->records[i],
                    "Itaku-Record names a file the commit does not add");
    if (strcmp(content, content_hex) != 0)
        PROBLEM(ck, "V10", "", "Itaku-Content-SHA256 does not match what the commit adds");
done:
    free(vals);
    free(recs);
    free(paths);
    git_message_trailer_array_free(&arr);
    return rc < 0 ? rc : 0;
}

static int check_genesis(check *ck, const char *fpr)
{
    itk_policy *p = ck->p;
    /* the city key first: a root it did not sign is refused for that, whatever
     * order the walk meets the roots in, and does not count as a contender */
    if (p->city_key[0] && strcmp(p->city_key, fpr) != 0)
        return PROBLEM(ck, "V1", "", "the genesis is signed by %s, not by the pinned city key %s",
                       fpr, p->city_key);
    p->roots_seen++;
    if (p->genesis[0] && strcmp(p->genesis, git_oid_tostr_s(ck->id)) != 0)
        return PROBLEM(ck, "V1", "",
                       "a second root commit; this contract's history starts at genesis %s and "
                       "has no other root",
                       p->genesis);
    if (!p->genesis[0] && p->roots_seen > 1)
        return PROBLEM(ck, "V1", "",
                       "more than one root commit; pin this contract's genesis (itaku verify "
                       "--genesis ID) to tell which is the contract");
    json_t *contract = NULL;
    int rc = itk_tree_read_json(&contract, p->repo, ck->tree, "itaku.json");
    if (rc) {
        itk_error_clear();
        return PROBLEM(ck, "V1", "itaku.json", "the genesis holds no valid itaku.json");
    }
    const char *city = json_string_value(json_object_get(contract, "city"));
    if (!ck->is_city || !city || strcmp(city, ck->info->party) != 0)
        rc = PROBLEM(ck, "V1", "", "the genesis must be signed by the city named in itaku.json");
    json_decref(contract);
    return rc;
}

/* The signer of a commit refused for its raw objects, named in the problems
 * from `from` on, when the signature can be read: the key's party and
 * principal by the first parent's (verified) tree, else its fingerprint.
 * Only what the commit object holds is read, never its tree. */
static void name_early_signer(check *ck, size_t from)
{
    git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
    itk_pubkey *key = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    git_oid id = *ck->id;
    char who[sizeof(ck->signer)] = "";
    if (git_commit_extract_signature(&sig, &data, ck->p->repo, &id, NULL) == 0 &&
        itk_sshsig_verify(&key, sig.ptr, sig.size, "git", data.ptr, data.size) == 0 &&
        itk_pubkey_fingerprint(&fpr, key) == 0) {
        git_commit *parent = NULL;
        git_tree *tree = NULL;
        itk_identity ident;
        snprintf(who, sizeof(who), "%s", fpr.ptr);
        if (ck->info->nparents > 0 && git_commit_parent(&parent, ck->commit, 0) == 0 &&
            git_commit_tree(&tree, parent) == 0 &&
            itk_vkeys_identity(&ident, &ck->p->keys, ck->p->repo, tree, fpr.ptr) == 0)
            snprintf(who, sizeof(who), "%s/%s", ident.party, ident.principal);
        git_tree_free(tree);
        git_commit_free(parent);
    }
    itk_pubkey_free(key);
    itk_buf_dispose(&fpr);
    git_buf_dispose(&sig);
    git_buf_dispose(&data);
    git_error_clear();
    itk_error_clear();
    itk_verify_result *r = ck->p->result;
    for (size_t i = from; who[0] && i < r->nproblems; i++)
        if (!r->problems[i].signer || !r->problems[i].signer[0]) {
            char *s = itk_strdup(who);
            if (!s)
                return;
            free(r->problems[i].signer);
            r->problems[i].signer = s;
        }
}

int itk_policy_check_commit(itk_policy *p, const git_commit *c, itk_commit_info *info)
{
    check ck;
    memset(&ck, 0, sizeof(ck));
    ck.p = p;
    ck.commit = c;
    ck.id = git_commit_id(c);
    ck.info = info;
    info->id = *ck.id;
    info->time = (long long)git_commit_time(c);
    info->nparents = git_commit_parentcount(c);
    /* the subject as UTF-8: a message in another encoding (an `encoding`
     * header, refused in new commits but possible in old or foreign history)
     * is decoded, invalid bytes replaced, and subject_note says which */
    const char *summary = git_commit_summary((git_commit *)c);
    if (!summary)
        summary = "";
    if (itk_text_to_utf8(&info->subject, summary, strlen(summary), git_commit_message_encoding(c),
                         info->subject_note) < 0)
        info->subject = NULL;
    size_t before = p->result->nproblems;
    itk_buf fpr = ITK_BUF_INIT;
    char content_hex[65];
    itk_content_entry *entries = NULL;
    int genesis = info->nparents == 0;
    int rc = 0;

    p->changed = SIZE_MAX;
    if (!info->subject)
        return ITK_ENOMEM;
    p->result->nchecked++;
    /* the raw objects first: libgit2 may read a hostile one otherwise */
    if ((rc = itk_policy_check_commit_object(&ck)) || (rc = itk_policy_check_trees(&ck))) {
        if (p->result->nproblems > before)
            name_early_signer(&ck, before);
        goto done;
    }
    if (git_commit_tree(&ck.tree, c) < 0) {
        rc = itk_error_git("cannot read the tree of %s", git_oid_tostr_s(ck.id));
        goto done;
    }
    ck.nkey_trees = genesis ? 1 : info->nparents;
    ck.key_trees = itk_calloc(ck.nkey_trees, sizeof(git_tree *));
    if (!ck.key_trees) {
        rc = ITK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < ck.nkey_trees; i++) {
        git_commit *parent = NULL;
        if (genesis)
            git_tree_dup(&ck.key_trees[i], ck.tree);
        else if (git_commit_parent(&parent, c, (unsigned)i) < 0 ||
                 git_commit_tree(&ck.key_trees[i], parent) < 0) {
            git_commit_free(parent);
            rc = itk_error_git("cannot read a parent of %s", git_oid_tostr_s(ck.id));
            goto done;
        }
        git_commit_free(parent);
    }
    if ((rc = check_signature(&ck, &fpr)))
        goto done;
    snprintf(info->fingerprint, sizeof(info->fingerprint), "%s", fpr.ptr);
    if ((rc = check_identity(&ck, fpr.ptr)) || (rc = itk_policy_mark_void(&ck)))
        goto done;
    if (info->nparents > 2) {
        rc = PROBLEM(&ck, "V5", "", "an octopus merge of %zu parents; a merge has two",
                     info->nparents);
        goto done;
    }
    if (genesis && (rc = check_genesis(&ck, fpr.ptr)))
        goto done;
    if (info->nparents == 1)
        git_tree_dup(&ck.base, ck.key_trees[0]);
    else if (info->nparents == 2 && (rc = merge_base_tree(&ck)))
        goto done;
    if ((rc = collect_changes(&ck)))
        goto done;
    p->changed = ck.nfiles;
    entries = itk_calloc(ck.nfiles, sizeof(*entries));
    if (!entries) {
        rc = ITK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < ck.nfiles; i++) {
        if ((!ck.files[i].refused &&
             (rc = check_write_permission(&ck, &ck.files[i], genesis)) < 0) ||
            (rc = check_content(&ck, &ck.files[i], entries[i].sha256)) < 0)
            goto done;
        entries[i].path = ck.files[i].path;
    }
    itk_content_hash(content_hex, entries, ck.nfiles);
    if ((rc = check_trailers(&ck, content_hex, genesis)) ||
        (rc = itk_policy_check_published(&ck, genesis)) || (rc = itk_policy_check_chain(&ck)) ||
        (rc = itk_policy_check_kessai(&ck)) || (rc = itk_policy_check_terms(&ck)) ||
        (rc = itk_policy_check_posts(&ck)) || (rc = itk_policy_check_citystate(&ck)) ||
        (rc = itk_policy_check_order(&ck)) || (rc = itk_policy_check_receipt(&ck)))
        goto done;
done:
    /* rc > 0 means a problem was recorded and the remaining checks skipped */
    if (rc > 0)
        rc = 0;
    info->ok = rc == 0 && p->result->nproblems == before;
    for (size_t i = 0; i < ck.nkey_trees; i++)
        git_tree_free(ck.key_trees[i]);
    free(ck.key_trees);
    for (size_t i = 0; i < ck.nfiles; i++) {
        free(ck.files[i].path);
        json_decref(ck.files[i].rec);
    }
    free(ck.files);
    free(entries);
    git_tree_free(ck.tree);
    git_tree_free(ck.base);
    itk_buf_dispose(&fpr);
    return rc;
}
