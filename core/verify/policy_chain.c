/* The chain's rules on one commit: V6 decisions and endorsements, V7
 * registration of subcontractors, key events (who may retire, mark
 * compromised, recover or confirm a key), V8 receipts that only move forward,
 * and V9 void commits. policy.c has applied V1–V5 and V10 before. */
#include "itaku/chain.h"
#include "itaku/delegation.h"
#include "itaku/errors.h"
#include "alloc.h"
#include "itaku/json.h"
#include "itaku/kessai_draft.h"
#include "objsize.h"
#include "itaku/query.h"
#include "itaku/names.h"
#include "itaku/people.h"
#include "policy_priv.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *body_str(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(json_object_get(rec, "body"), key));
}

static int void_commit_add(check *ck);
static void voids_take(check *ck, const git_oid *line);

/* A replayed merge's tree and its first parent's (check.lazy_tree), read
 * when V9 first needs them. 0 or an error code. */
static int replay_trees(check *ck)
{
    git_commit *parent = NULL;
    int rc = 0;
    if (git_commit_lookup(&parent, ck->p->repo, &ck->parent_ids[0]) < 0 ||
        git_commit_tree(&ck->key_trees[0], parent) < 0 ||
        git_tree_lookup(&ck->tree, ck->p->repo, ck->lazy_tree) < 0)
        rc = itk_error_git("cannot read the trees of %s", git_oid_tostr_s(ck->id));
    git_commit_free(parent);
    return rc;
}

/* git_graph_descendant_of, answered from the walk's graph when it can be. */
static int descendant_of(itk_policy *p, const git_oid *commit, const git_oid *ancestor)
{
    return itk_vgraph_descendant_of(&p->graph, &p->commits, p->repo, commit, ancestor);
}

/* The request "<party>/<q-id>" as it stands in tree: its path and hash. */
static int request_in(check *ck, const git_tree *tree, const char *name, char path[160],
                      char sha[65])
{
    const char *slash = name ? strchr(name, '/') : NULL;
    if (!slash || slash - name > ITK_PARTY_ID_MAX)
        return 0;
    snprintf(path, 160, "parties/%.*s/requests/%s.json", (int)(slash - name), name, slash + 1);
    git_tree_entry *e = NULL;
    if (git_tree_entry_bypath(&e, tree, path) < 0)
        return 0;
    itk_buf data = ITK_BUF_INIT;
    git_blob *b = NULL;
    int ok =
        itk_blob_lookup_bounded(&b, ck->p->repo, git_tree_entry_id(e), ITK_MAX_RECORD_BYTES) == 0;
    if (!ok)
        itk_error_clear();
    if (ok) {
        unsigned char md[32];
        EVP_Digest(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), md, NULL, EVP_sha256(),
                   NULL);
        for (int i = 0; i < 32; i++)
            snprintf(sha + 2 * i, 3, "%02x", md[i]);
    }
    git_blob_free(b);
    git_tree_entry_free(e);
    itk_buf_dispose(&data);
    return ok;
}

/* Records of type in tree (any party) whose body names the request. */
typedef int (*mark_fn)(const json_t *rec, const char *author, void *payload);

static int each_mark(check *ck, const git_tree *tree, const char *type, mark_fn fn, void *payload)
{
    char **paths = NULL;
    size_t n = 0;
    int hits = 0;
    if (itk_tree_records(&paths, &n, ck->p->repo, tree, NULL, type))
        return 0;
    for (size_t i = 0; i < n; i++) {
        json_t *rec = NULL;
        itk_path_info pi;
        itk_path_classify(&pi, paths[i]);
        if (itk_tree_read_json(&rec, ck->p->repo, tree, paths[i]) == 0)
            hits += fn(rec, pi.party, payload);
        json_decref(rec);
    }
    itk_string_list_free(paths, n);
    itk_error_clear();
    return hits;
}

typedef struct {
    const char *request, *sha, *author, *field, *value;
} match;

static int matches(const json_t *rec, const char *author, void *payload)
{
    const match *m = payload;
    const char *req = body_str(rec, "request");
    const char *sha = body_str(rec, "request_sha256");
    const char *v = m->field ? body_str(rec, m->field) : NULL;
    return req && strcmp(req, m->request) == 0 && (!m->sha || (sha && !strcmp(sha, m->sha))) &&
           (!m->author || strcmp(author, m->author) == 0) &&
           (!m->field || (v && strcmp(v, m->value) == 0));
}

static int withdrawn(const json_t *rec, const char *author, void *payload)
{
    (void)author;
    const char *w = body_str(rec, "withdraws");
    return w && strcmp(w, payload) == 0;
}

/* A later version of request "<party>/<id>": a request of the same party
 * that supersedes it (a withdrawal supersedes too, but says so). */
typedef struct {
    const char *name;
    char by[80];
} superseding;

static int supersedes_it(const json_t *rec, const char *author, void *payload)
{
    superseding *s = payload;
    const char *sup = json_string_value(json_object_get(rec, "supersedes"));
    const char *id = json_string_value(json_object_get(rec, "id"));
    size_t al = strlen(author);
    if (!sup || !id || body_str(rec, "withdraws") || strncmp(s->name, author, al) != 0 ||
        s->name[al] != '/' || strcmp(s->name + al + 1, sup) != 0)
        return 0;
    snprintf(s->by, sizeof(s->by), "%s/%s", author, id);
    return 1;
}

/* Sets *before when ck's base holds a decision on request name that
 * counts: one that no void commit wrote (V9, as the commit's first parent
 * records the compromises: a decision signed with a stolen key decides
 * nothing, and the request may be decided again), and whose listed seals
 * meet its rules without those void commits wrote (V12,
 * itk_kessai_decision_standing). 0, or ITK_EGIT, ITK_ENOMEM. */
static int decided_before(int *before, check *ck, const char *name)
{
    char **paths = NULL;
    size_t n = 0;
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = 0, have_vw = 0;
    *before = 0;
    if (!ck->base || itk_tree_records(&paths, &n, ck->p->repo, ck->base, NULL, "decision")) {
        itk_error_clear();
        return 0;
    }
    for (size_t i = 0; i < n && !*before && !rc; i++) {
        json_t *rec = NULL;
        const char *req = NULL;
        if (itk_tree_read_json(&rec, ck->p->repo, ck->base, paths[i]) == 0)
            req = body_str(rec, "request");
        itk_error_clear();
        if (req && strcmp(req, name) == 0) {
            const git_oid *first = ck->info->nparents ? git_commit_parent_id(ck->commit, 0) : NULL;
            if (!have_vw++)
                rc = itk_policy_void_writes(&vw, ck->p, ck->base, first);
            *before = !rc && itk_void_writes_source(&vw, ck->base, paths[i]) == ck->base;
            if (*before && vw.n) {
                itk_kessai_standing st;
                int src =
                    itk_kessai_decision_standing(&st, ck->p->repo, ck->base, first, paths[i], &vw);
                if (src == ITK_ENOMEM)
                    rc = src;
                itk_error_clear(); /* what cannot be read is V12's to say */
                *before = src || st.stands;
            }
        }
        json_decref(rec);
    }
    itk_void_writes_dispose(&vw);
    itk_string_list_free(paths, n);
    return rc;
}

/* V6 for a decision or an endorsement on request `name` added by ck. */
static int check_request_mark(check *ck, const added_file *f, int decision)
{
    const char *name = body_str(f->rec, "request");
    const char *sha = body_str(f->rec, "request_sha256");
    char path[160], real[65], chain[ITK_MAX_CHAIN][ITK_PARTY_ID_MAX + 1];
    size_t n;
    const char *what = decision ? "decision" : "endorsement";
    if (!name || !sha)
        return PROBLEM(ck, "V6", f->path, "the %s names no request and hash", what);
    if (strncmp(name, f->info.requester, strlen(f->info.requester)) != 0 ||
        name[strlen(f->info.requester)] != '/')
        return PROBLEM(ck, "V6", f->path, "a %s on %s is filed under another requester's folder",
                       what, name);
    if (!ck->base || !request_in(ck, ck->base, name, path, real))
        return PROBLEM(ck, "V6", f->path,
                       "the %s names %s, which is not among the commit's ancestors", what, name);
    if (strcmp(real, sha) != 0)
        return PROBLEM(ck, "V6", f->path,
                       "the %s carries the hash of another version of %s (superseded or "
                       "different); it must name the request it decides",
                       what, name);
    /* V6: a correction is a new request; what vouched for or decided the old
     * version does not carry over, and nothing new may name the old one */
    superseding later = {name, ""};
    if (each_mark(ck, ck->base, "request", supersedes_it, &later))
        return PROBLEM(ck, "V6", f->path,
                       "%s was superseded by %s; a %s names the request's current version", name,
                       later.by, what);
    if (each_mark(ck, ck->base, "request", withdrawn, (void *)name))
        return PROBLEM(ck, "V6", f->path, "%s was withdrawn by its requester", name);
    if (itk_chain_path(chain, &n, ck->p->repo, ck->base, f->info.requester)) {
        itk_error_clear();
        return PROBLEM(ck, "V6", f->path, "%s's chain up to the city cannot be read",
                       f->info.requester);
    }
    size_t upto = n - 1; /* the city decides; the parties below it endorse */
    if (!decision) {
        upto = 0;
        for (size_t k = 1; k + 1 < n; k++)
            if (strcmp(chain[k], ck->info->party) == 0)
                upto = k;
        if (!upto)
            return PROBLEM(ck, "V6", f->path,
                           "%s is not between %s and the city; it may not endorse this request",
                           ck->info->party, f->info.requester);
        match mine = {name, NULL, ck->info->party, NULL, NULL};
        if (each_mark(ck, ck->base, "endorsement", matches, &mine))
            return PROBLEM(ck, "V6", f->path, "%s has already answered %s", ck->info->party, name);
    } else if (!ck->is_city)
        return PROBLEM(ck, "V6", f->path, "a decision signed by %s; only the city decides requests",
                       ck->info->party);
    for (size_t k = 1; k < upto; k++) {
        match m = {name, sha, chain[k], "verdict", "endorse"};
        if (!each_mark(ck, ck->base, "endorsement", matches, &m))
            return PROBLEM(ck, "V6", f->path,
                           "no endorsement of %s by %s among the commit's ancestors; every party "
                           "between the requester and the city vouches first",
                           name, chain[k]);
    }
    if (decision) {
        int before = 0, rc = decided_before(&before, ck, name);
        if (rc)
            return rc;
        if (before)
            return PROBLEM(ck, "V6", f->path,
                           "%s was decided before; a decided request stays decided (a new "
                           "request is needed)",
                           name);
    }
    return 0;
}

/* A request that supersedes or withdraws another: only a pending one of its
 * own (V6: a decided request cannot be superseded). */
static int check_request_update(check *ck, const added_file *f)
{
    const char *sup = json_string_value(json_object_get(f->rec, "supersedes"));
    const char *wd = body_str(f->rec, "withdraws");
    char name[80], path[160], sha[65];
    if (sup) {
        snprintf(name, sizeof(name), "%s/%s", f->info.party, sup);
        match any = {name, NULL, NULL, NULL, NULL};
        if (ck->base && each_mark(ck, ck->base, "decision", matches, &any))
            return PROBLEM(ck, "V6", f->path,
                           "supersedes %s, which the city has decided; a new request is needed",
                           name);
    }
    if (wd && (strncmp(wd, f->info.party, strlen(f->info.party)) != 0 || !ck->base ||
               !request_in(ck, ck->base, wd, path, sha)))
        return PROBLEM(ck, "V6", f->path, "withdraws %s, which is not a request of %s here", wd,
                       f->info.party);
    return 0;
}

/* V2 for an instruction that amends or withdraws another: only the issuer
 * corrects its own instruction (the envelope's supersedes names the same
 * one), and the instruction amended is among the commit's ancestors (V10). */
static int check_instruction_amend(check *ck, const added_file *f)
{
    const char *amends = body_str(f->rec, "amends");
    const char *sup = json_string_value(json_object_get(f->rec, "supersedes"));
    if (!amends)
        return sup ? PROBLEM(ck, "V10", f->path,
                             "supersedes %s but its body names no instruction in 'amends'", sup)
                   : 0;
    const char *slash = strchr(amends, '/');
    size_t pl = strlen(f->info.party);
    if (!slash || (size_t)(slash - amends) != pl || strncmp(amends, f->info.party, pl) != 0)
        return PROBLEM(ck, "V2", f->path,
                       "%s may amend or withdraw only its own instructions; %s is another "
                       "party's (only its issuer corrects it)",
                       f->info.party, amends);
    if (!sup || strcmp(sup, slash + 1) != 0)
        return PROBLEM(ck, "V10", f->path,
                       "amends %s but its envelope's supersedes says '%s'; both name the "
                       "instruction corrected",
                       amends, sup ? sup : "");
    char path[160];
    git_tree_entry *e = NULL;
    snprintf(path, sizeof(path), "parties/%s/instructions/%s.json", f->info.party, slash + 1);
    if (!ck->base || git_tree_entry_bypath(&e, ck->base, path) < 0) {
        itk_error_clear();
        return PROBLEM(ck, "V10", f->path, "amends %s, which is not among the commit's ancestors",
                       amends);
    }
    git_tree_entry_free(e);
    return 0;
}

/* V7: a subcontractor's party.json and first key appear only in the city's
 * merge approving its parent's form 6, and equal what the form names. */
static int check_registration(check *ck, const added_file *f)
{
    const char *role = body_str(f->rec, "role");
    const char *parent = body_str(f->rec, "parent");
    if (!role || strcmp(role, "subcontractor") != 0) {
        if (role && strcmp(role, "contractor") == 0 && ck->base) {
            json_t *c = NULL;
            int ok = itk_tree_read_json(&c, ck->p->repo, ck->base, "itaku.json") == 0 && parent &&
                     json_string_value(json_object_get(c, "city")) &&
                     strcmp(parent, json_string_value(json_object_get(c, "city"))) == 0;
            json_decref(c);
            itk_error_clear();
            if (!ok)
                return PROBLEM(ck, "V7", f->path, "a contractor's parent is the city");
        } else if (role && strcmp(role, "city") == 0 && ck->base)
            return PROBLEM(ck, "V7", f->path, "a contract has one city, named at its genesis");
        return 0;
    }
    /* the approving decision of this commit, and its request */
    for (size_t i = 0; i < ck->nfiles; i++) {
        const added_file *d = &ck->files[i];
        if (!d->rec || d->info.kind != ITK_PATH_RECORD || strcmp(d->info.type->type, "decision"))
            continue;
        const char *outcome = body_str(d->rec, "outcome");
        const char *req = body_str(d->rec, "request");
        char path[160], sha[65];
        json_t *r = NULL;
        if (!outcome || strcmp(outcome, "approved") || !req ||
            !request_in(ck, ck->base, req, path, sha) ||
            itk_tree_read_json(&r, ck->p->repo, ck->base, path)) {
            itk_error_clear();
            continue;
        }
        json_t *form6 = json_object_get(json_object_get(r, "body"), "form6");
        const char *kind = body_str(r, "kind");
        const char *pid = json_string_value(json_object_get(form6, "party_id"));
        const char *pkey = json_string_value(json_object_get(form6, "public_key"));
        const char *requester = json_string_value(json_object_get(r, "party"));
        int same = kind && !strcmp(kind, "subcontract") && pid && !strcmp(pid, f->info.party) &&
                   parent && requester && !strcmp(parent, requester);
        int key_ok = 0;
        for (size_t j = 0; same && pkey && j < ck->nfiles; j++) {
            const added_file *k = &ck->files[j];
            if (k->info.kind != ITK_PATH_KEY || strcmp(k->info.party, pid) != 0 || !k->rec)
                continue;
            const char *line = body_str(k->rec, "public_key");
            /* compare "type base64", ignoring any comment */
            size_t a = strcspn(pkey, " "), b = strcspn(line ? line : "", " ");
            size_t la = a + (pkey[a] ? 1 + strcspn(pkey + a + 1, " ") : 0);
            size_t lb = b + (line && line[b] ? 1 + strcspn(line + b + 1, " ") : 0);
            key_ok = line && la == lb && strncmp(pkey, line, la) == 0;
            if (!key_ok) {
                /* pid lives in r: name the party by its path (the same id) */
                json_decref(r);
                return PROBLEM(ck, "V7", k->path,
                               "the key registered for %s differs from the one its form 6 "
                               "names",
                               f->info.party);
            }
        }
        json_decref(r);
        if (same && key_ok)
            return 0;
    }
    return PROBLEM(ck, "V7", f->path,
                   "a subcontractor is registered only by the city's merge approving its "
                   "parent's form 6, with the party id, parent and key that form names");
}

/* A display name (key.v2, key-event.v2 "attributes") is text every party
 * prints: no control or text-direction character (the schema's pattern
 * refuses C0; itk_display_name_check the rest). 1 when refused. */
static int check_display_name(check *ck, const added_file *f)
{
    const json_t *attrs = json_object_get(json_object_get(f->rec, "body"), "attributes");
    /* a post (DESIGN V12) is text of the same kind */
    const json_t *name = json_object_get(attrs, "name"), *post = json_object_get(attrs, "post");
    int ok = 1;
    if (name)
        ok = json_is_string(name) && itk_display_name_check(json_string_value(name)) == 0;
    if (ok && post)
        ok = json_is_string(post) && itk_display_name_check(json_string_value(post)) == 0;
    if (ok)
        return 0;
    itk_error_clear();
    int r =
        PROBLEM(ck, "V10", f->path,
                "the display name or post holds a control or text-direction character, which would "
                "change how other parties' screens and forms read");
    return r < 0 ? r : 1;
}

/* V9 within the city under decision rules (V12): a key of the city other
 * than the signing key is reported compromised only by a setter
 * (itk_compromise_report_counted), its post read from the first parent as
 * it counts (a post written with a stolen key does not). Other parties:
 * as before. */
static int report_within_city(check *ck, const added_file *f, const char *key, const char *owner)
{
    if (!ck->is_city || !ck->nkey_trees || ck->info->nparents == 0)
        return 0;
    const git_oid *first = git_commit_parent_id(ck->commit, 0);
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = itk_policy_void_writes(&vw, ck->p, ck->key_trees[0], first);
    if (!rc)
        rc = itk_compromise_report_counted(ck->p->repo, ck->key_trees[0], &vw, first,
                                           ck->info->party, ck->info->principal, key, owner);
    itk_void_writes_dispose(&vw);
    if (rc == ITK_EAUTH) {
        rc = PROBLEM(ck, "V9", f->path, "%s", itk_error_last());
        itk_error_clear();
    }
    return rc;
}

/* Who may write which key event, and states that only move forward. */
static int check_key_event(check *ck, const added_file *f)
{
    const char *event = body_str(f->rec, "event");
    const char *key = body_str(f->rec, "key");
    itk_key_status st;
    if (!event || !key)
        return PROBLEM(ck, "V10", f->path, "a key event names an event and a key");
    int known = ck->base && itk_vkeys_status(&st, &ck->p->keys, ck->p->repo, ck->base, key) == 0;
    itk_error_clear();
    if (strcmp(event, "recovery") == 0) {
        if (!ck->is_city)
            return PROBLEM(ck, "V3", f->path, "only the city recovers a lost key");
        for (size_t i = 0; i < ck->nfiles; i++) {
            const added_file *k = &ck->files[i];
            const char *fp = k->rec ? body_str(k->rec, "fingerprint") : NULL;
            if (k->info.kind == ITK_PATH_KEY && fp && strcmp(fp, key) == 0)
                return 0;
        }
        return PROBLEM(ck, "V3", f->path,
                       "a recovery event comes with the recovered key's file in the same commit");
    }
    if (!known)
        return PROBLEM(ck, "V10", f->path, "names key %s, which no party holds", key);
    if (st.state == ITK_KEY_COMPROMISED && strcmp(event, "compromise") != 0)
        return PROBLEM(ck, "V9", f->path,
                       "key %s is compromised; nothing sets it back (it stays compromised)", key);
    if (strcmp(event, "attributes") == 0) {
        /* what a party records about its own people, as retire: its own keys only */
        const char *who = body_str(f->rec, "principal");
        if (strcmp(st.party, ck->info->party) != 0)
            return PROBLEM(ck, "V2", f->path,
                           "only %s, the key's own party, may change what is recorded about "
                           "its holder",
                           st.party);
        if (!who || strcmp(who, st.principal) != 0)
            return PROBLEM(ck, "V10", f->path, "names principal '%s', but key %s is %s's",
                           who ? who : "", key, st.principal);
        return 0;
    }
    if (strcmp(event, "retire") == 0 || strcmp(event, "confirm") == 0) {
        if (strcmp(st.party, ck->info->party) != 0)
            return strcmp(event, "retire") == 0
                       ? PROBLEM(ck, "V2", f->path, "only %s, the key's own party, may retire it",
                                 st.party)
                       : PROBLEM(ck, "V2", f->path, "only %s, the key's own party, may confirm it",
                                 st.party);
        if (strcmp(event, "confirm") == 0 && !st.recovered)
            return PROBLEM(ck, "V10", f->path, "key %s was not recovered; nothing to confirm", key);
        return 0;
    }
    if (strcmp(event, "compromise") == 0) {
        const char *lg = body_str(f->rec, "last_good");
        git_oid lgid;
        int by_itself = strcmp(ck->fpr, key) == 0;
        int by_party = strcmp(st.party, ck->info->party) == 0;
        int by_ancestor = itk_chain_is_ancestor(ck->p->repo, ck->base, ck->info->party, st.party);
        if (!by_itself && !by_party && !by_ancestor)
            return PROBLEM(ck, "V9", f->path,
                           "only the key itself, %s, or a party above it may mark %s compromised",
                           st.party, key);
        if (!lg || git_oid_fromstr(&lgid, lg) < 0 ||
            (!git_oid_equal(&lgid, ck->id) && descendant_of(ck->p, ck->id, &lgid) != 1))
            return PROBLEM(ck, "V9", f->path,
                           "last_good must name a commit of this history before the event");
        if (!by_itself && by_party)
            return report_within_city(ck, f, key, st.principal);
        return 0;
    }
    return PROBLEM(ck, "V10", f->path, "unknown key event '%s'", event);
}

int itk_policy_check_chain(check *ck)
{
    int vrc = itk_policy_void_keys_add(ck);
    if (vrc)
        return vrc;
    for (size_t i = 0; i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
        if (!f->rec || f->refused)
            continue;
        const char *type = f->info.type ? f->info.type->type : "";
        int rc = 0;
        int named = check_display_name(ck, f);
        if (named < 0)
            return named;
        if (named)
            continue;
        if (f->info.kind == ITK_PATH_PARTY)
            rc = check_registration(ck, f);
        else if (strcmp(type, "decision") == 0)
            rc = check_request_mark(ck, f, 1);
        else if (strcmp(type, "endorsement") == 0)
            rc = check_request_mark(ck, f, 0);
        else if (strcmp(type, "request") == 0)
            rc = check_request_update(ck, f);
        else if (strcmp(type, "key-event") == 0)
            rc = check_key_event(ck, f);
        else if (strcmp(type, "instruction") == 0)
            rc = check_instruction_amend(ck, f);
        if (rc < 0)
            return rc;
    }
    return void_commit_add(ck);
}

/* A receipt state for up to cap entries, freed with the policy: one block
 * (the state, then its tips, then its pairs). */
static itk_receipts *receipts_new(itk_policy *p, size_t cap)
{
    size_t n = cap ? cap : 1;
    if (n > (SIZE_MAX - sizeof(itk_receipts)) / (sizeof(git_oid) + sizeof(uint32_t)))
        return NULL;
    itk_receipts *ns = itk_calloc(1, sizeof(*ns) + n * (sizeof(git_oid) + sizeof(uint32_t)));
    if (!ns)
        return NULL;
    ns->tip = (git_oid *)(ns + 1);
    ns->pair = (uint32_t *)(ns->tip + n);
    ns->next_allocated = p->allocated;
    p->allocated = ns;
    return ns;
}

/* The index of (receiver, party) among the walk's pairs, added when new:
 * 0 or ITK_ENOMEM. */
static int receipt_pair(uint32_t *out, itk_policy *p, const char *receiver, const char *party)
{
    for (size_t i = 0; i < p->npairs; i++)
        if (strcmp(p->pairs[i].receiver, receiver) == 0 && strcmp(p->pairs[i].party, party) == 0) {
            *out = (uint32_t)i;
            return 0;
        }
    if (p->npairs >= UINT32_MAX)
        return ITK_ENOMEM;
    itk_receipt_pair *np = itk_realloc_array(p->pairs, p->npairs + 1, sizeof(*np));
    if (!np)
        return ITK_ENOMEM;
    p->pairs = np;
    snprintf(np[p->npairs].receiver, sizeof(np->receiver), "%s", receiver);
    snprintf(np[p->npairs].party, sizeof(np->party), "%s", party);
    *out = (uint32_t)p->npairs++;
    return 0;
}

static size_t receipts_find(const itk_receipts *s, uint32_t pair)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (s->pair[i] == pair)
            return i;
    return SIZE_MAX;
}

/* Does b's entry j say something a does not know (a receipt a lacks, or a
 * newer one)? Newer is later in the walk's topological order: when both
 * states are valid the later tip descends from the earlier, and whether a
 * receipt really descends from the one before is V8's question at each
 * receipt (itk_policy_check_receipt), asked once there rather than at every
 * merge of two states. */
static int receipt_newer(itk_policy *p, const itk_receipts *a, const itk_receipts *b, size_t j)
{
    size_t i = receipts_find(a, b->pair[j]);
    if (i == SIZE_MAX)
        return 1;
    if (git_oid_equal(&a->tip[i], &b->tip[j]))
        return 0;
    if (p->by_descent) {
        /* the verdict at the tip: the walk's order of these two is not
         * known, their ancestry is (the same answer when both are valid) */
        if (descendant_of(p, &b->tip[j], &a->tip[i]) == 1)
            return 1;
        if (descendant_of(p, &a->tip[i], &b->tip[j]) != 1)
            p->undecided = 1;
        itk_error_clear();
        return 0;
    }
    size_t ia = (size_t)(uintptr_t)itk_oidmap_get(&p->commits, &a->tip[i]);
    size_t ib = (size_t)(uintptr_t)itk_oidmap_get(&p->commits, &b->tip[j]);
    return ib > ia;
}

/* The state after a merge: the first parent's, with what the second parent
 * knows of newer receipts (a party's own receipts sit in its parent's
 * second parents once it fast-forwards to its parent's main). */
static int receipts_merge(itk_receipts **out, itk_policy *p, itk_receipts *a, itk_receipts *b)
{
    size_t changes = 0;
    *out = a ? a : b;
    if (!a || !b || a == b)
        return 0;
    for (size_t j = 0; j < b->n; j++)
        changes += receipt_newer(p, a, b, j);
    if (!changes)
        return 0;
    itk_receipts *ns = receipts_new(p, a->n + changes);
    if (!ns)
        return ITK_ENOMEM;
    for (size_t i = 0; i < a->n; i++) {
        ns->pair[ns->n] = a->pair[i];
        ns->tip[ns->n++] = a->tip[i];
    }
    for (size_t j = 0; j < b->n; j++) {
        if (!receipt_newer(p, a, b, j))
            continue;
        size_t i = receipts_find(ns, b->pair[j]);
        if (i == SIZE_MAX) {
            i = ns->n++;
            ns->pair[i] = b->pair[j];
        }
        ns->tip[i] = b->tip[j];
    }
    *out = ns;
    return 0;
}

/* Parent k of the commit checked: the commit's, or a replay's
 * (check.parent_ids). */
static const git_oid *parent_of(const check *ck, unsigned k)
{
    return ck->commit ? git_commit_parent_id(ck->commit, k) : &ck->parent_ids[k];
}

/* V8: each party's receipts of one party's line (and pulls of its parent's
 * main) only move forward. The state is shared with the parents until it
 * changes. */
int itk_policy_check_receipt(check *ck)
{
    itk_policy *p = ck->p;
    itk_receipts *state = NULL;
    if (ck->info->nparents > 0)
        state = itk_oidmap_get(&p->receipts, parent_of(ck, 0));
    if (ck->info->nparents == 2) {
        int rc = receipts_merge(&state, p, state, itk_oidmap_get(&p->receipts, parent_of(ck, 1)));
        if (rc)
            return rc;
    }
    if (!ck->received[0] || ck->info->nparents != 2)
        return itk_oidmap_set(&p->receipts, ck->id, state);
    char party[ITK_PARTY_ID_MAX + 1] = "";
    const char *me = ck->info->party;
    git_oid tip;
    const char *sp = strchr(ck->received, ' ');
    const git_oid *parent2 = parent_of(ck, 1);
    if (!sp || sp - ck->received > ITK_PARTY_ID_MAX || git_oid_fromstr(&tip, sp + 1) < 0) {
        PROBLEM(ck, "V8", "", "Itaku-Received must read '<party> <commit>'");
        return itk_oidmap_set(&p->receipts, ck->id, state);
    }
    memcpy(party, ck->received, (size_t)(sp - ck->received));
    if (!git_oid_equal(&tip, parent2)) {
        PROBLEM(ck, "V8", "", "Itaku-Received names %.12s but the merge takes %.12s", sp + 1,
                git_oid_tostr_s(parent2));
        return itk_oidmap_set(&p->receipts, ck->id, state);
    }
    voids_take(ck, parent2);
    /* a line taken upwards ends in its party's own commit; a parent's main may
     * end in anyone's above it (it fast-forwards to its own parent's) */
    size_t idx = (size_t)(uintptr_t)itk_oidmap_get(&p->commits, parent2);
    const char *writer =
        idx ? p->result->commits[idx - 1].party : itk_oidmap_get(&p->signed_by, parent2);
    if (writer && strcmp(ck->info->action, "pull") != 0 && strcmp(writer, party) != 0)
        PROBLEM(ck, "V8", "", "Itaku-Received says the line of %s, but %.12s was written by %s",
                party, git_oid_tostr_s(parent2), writer);
    /* a party's merge of its own branch (a decision branch, V12) takes no
     * neighbour's line: nothing to keep in order */
    if (strcmp(party, me) == 0 && strcmp(ck->info->action, "pull") != 0)
        return itk_oidmap_set(&p->receipts, ck->id, state);
    uint32_t pair;
    int prc = receipt_pair(&pair, p, me, party);
    if (prc)
        return prc;
    size_t at = receipts_find(state, pair);
    if (at != SIZE_MAX && !git_oid_equal(&state->tip[at], &tip) &&
        descendant_of(p, &tip, &state->tip[at]) != 1) {
        char before[GIT_OID_HEXSZ + 1];
        git_oid_tostr(before, sizeof(before), &state->tip[at]);
        PROBLEM(ck, "V8", "",
                "takes %.12s of %s's line, which does not descend from %.12s received "
                "before: a line only moves forward (rewritten or replayed history)",
                git_oid_tostr_s(&tip), party, before);
    }
    /* the new state: the parents', with this receipt's tip */
    size_t n = state ? state->n : 0;
    itk_receipts *ns = receipts_new(p, n + 1);
    if (!ns)
        return ITK_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (i != at) {
            ns->pair[ns->n] = state->pair[i];
            ns->tip[ns->n++] = state->tip[i];
        }
    ns->pair[ns->n] = pair;
    ns->tip[ns->n++] = tip;
    return itk_oidmap_set(&p->receipts, ck->id, ns);
}

int itk_policy_receipts_put(itk_policy *p, const git_oid *commit, size_t n,
                            const char (*receivers)[ITK_PARTY_ID_MAX + 1],
                            const char (*parties)[ITK_PARTY_ID_MAX + 1], const git_oid *tips)
{
    itk_receipts *ns = n ? receipts_new(p, n) : NULL;
    if (n && !ns)
        return ITK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        uint32_t pair;
        int rc = receipt_pair(&pair, p, receivers[i], parties[i]);
        if (rc)
            return rc;
        if (receipts_find(ns, pair) != SIZE_MAX)
            return ITK_EINVALID;
        ns->pair[ns->n] = pair;
        ns->tip[ns->n++] = tips[i];
    }
    return itk_oidmap_set(&p->receipts, commit, ns);
}

int itk_policy_receipts_at(const itk_policy *p, const git_oid *commit, size_t i,
                           const char **receiver, const char **party, git_oid *tip)
{
    const itk_receipts *s = itk_oidmap_get(&p->receipts, commit);
    if (!s || i >= s->n)
        return 0;
    *receiver = p->pairs[s->pair[i]].receiver;
    *party = p->pairs[s->pair[i]].party;
    *tip = s->tip[i];
    return 1;
}

/* V9: commits signed after the key's compromise (not an ancestor of its
 * last good commit), and those signed by keys such commits added, are void:
 * their records stop counting, the line stays receivable. */
int itk_policy_mark_void(check *ck)
{
    itk_policy *p = ck->p;
    for (size_t i = 0; i < p->ncompromises; i++) {
        git_oid lg;
        if (strcmp(p->compromises[i].key, ck->fpr) != 0 ||
            git_oid_fromstr(&lg, p->compromises[i].last_good) < 0)
            continue;
        if (!git_oid_equal(&lg, ck->id) && descendant_of(p, &lg, ck->id) != 1) {
            ck->info->is_void = 1;
            snprintf(ck->void_origin, sizeof(ck->void_origin), "%s", ck->fpr);
        }
    }
    for (size_t i = 0; i < p->nvoid_keys; i++)
        if (strcmp(p->void_keys[i], ck->fpr) == 0) {
            ck->info->is_void = 1;
            snprintf(ck->void_origin, sizeof(ck->void_origin), "%s", p->void_origins[i]);
        }
    return 0;
}

int itk_policy_void_key_push(itk_policy *p, const char *origin, const char *key)
{
    char(*nk)[64] = itk_realloc_array(p->void_keys, p->nvoid_keys + 1, sizeof(*nk));
    if (nk)
        p->void_keys = nk;
    char(*no)[64] = nk ? itk_realloc_array(p->void_origins, p->nvoid_keys + 1, sizeof(*no)) : NULL;
    if (!no)
        return ITK_ENOMEM;
    p->void_origins = no;
    snprintf(no[p->nvoid_keys], 64, "%s", origin);
    snprintf(nk[p->nvoid_keys++], 64, "%s", key);
    return 0;
}

int itk_policy_void_keys_add(check *ck)
{
    itk_policy *p = ck->p;
    if (!ck->info->is_void)
        return 0;
    for (size_t i = 0; i < ck->nfiles; i++) {
        const char *fp = ck->files[i].rec && ck->files[i].info.kind == ITK_PATH_KEY
                             ? body_str(ck->files[i].rec, "fingerprint")
                             : NULL;
        if (!fp)
            continue;
        int rc = itk_policy_void_key_push(p, ck->void_origin, fp);
        if (rc)
            return rc;
    }
    return 0;
}

/* A key marking itself compromised is the one thing it may still sign. */
static int reports_itself(const check *ck)
{
    for (size_t i = 0; i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
        const char *type = f->info.type ? f->info.type->type : "";
        const char *event = f->rec ? body_str(f->rec, "event") : NULL;
        const char *key = f->rec ? body_str(f->rec, "key") : NULL;
        if (strcmp(type, "key-event") != 0 || !event || strcmp(event, "compromise") != 0 || !key ||
            strcmp(key, ck->fpr) != 0)
            return 0;
    }
    return ck->nfiles > 0;
}

/* V9: remember a void commit; whether it may stay is known after the walk. */
static int void_commit_add(check *ck)
{
    itk_policy *p = ck->p;
    if (!ck->info->is_void)
        return 0;
    if (reports_itself(ck)) {
        ck->info->is_void = 0;
        return 0;
    }
    itk_void_commit *nv = itk_realloc_array(p->voids, p->nvoids + 1, sizeof(*nv));
    if (!nv)
        return ITK_ENOMEM;
    p->voids = nv;
    memset(&nv[p->nvoids], 0, sizeof(*nv));
    nv[p->nvoids].id = *ck->id;
    snprintf(nv[p->nvoids].origin, sizeof(nv->origin), "%s", ck->void_origin);
    snprintf(nv[p->nvoids].party, sizeof(nv->party), "%s", ck->info->party);
    p->nvoids++;
    return 0;
}

/* V9: a receipt by a party above, made when its own line did not yet know of
 * the compromise, takes the void commits of the line it merges: they stay,
 * void, rather than make that line unreceivable. */
static void voids_take(check *ck, const git_oid *line)
{
    itk_policy *p = ck->p;
    for (size_t i = 0; !ck->info->is_void && i < p->nvoids; i++) {
        itk_void_commit *v = &p->voids[i];
        itk_key_status st;
        if (v->taken || (!git_oid_equal(line, &v->id) && descendant_of(p, line, &v->id) != 1))
            continue;
        if (!ck->tree && ck->lazy_tree && (ck->lazy_rc = replay_trees(ck)) != 0)
            return;
        int known = itk_vkeys_status(&st, &p->keys, p->repo, ck->key_trees[0], v->origin) == 0 &&
                    st.state == ITK_KEY_COMPROMISED;
        itk_error_clear();
        if (!known && itk_chain_is_ancestor(p->repo, ck->tree, ck->info->party, v->party))
            v->taken = 1;
    }
}

int itk_policy_held(itk_policy *p, const git_oid *id)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    int found = 0;
    if (git_reference_iterator_new(&it, p->repo) < 0)
        return 0;
    while (!found && git_reference_next(&ref, it) == 0) {
        git_object *c = NULL;
        if (strncmp(git_reference_name(ref), ITK_REF_INCOMING, ITK_PREFIX_LEN(ITK_REF_INCOMING)) !=
                0 &&
            git_reference_peel(&c, ref, GIT_OBJECT_COMMIT) == 0)
            found =
                git_oid_equal(git_object_id(c), id) || descendant_of(p, git_object_id(c), id) == 1;
        git_object_free(c);
        git_reference_free(ref);
    }
    git_reference_iterator_free(it);
    itk_error_clear();
    return found;
}

int itk_policy_check_voids(itk_policy *p)
{
    for (size_t i = 0; i < p->nvoids; i++) {
        const itk_void_commit *v = &p->voids[i];
        if (v->taken || itk_policy_held(p, &v->id))
            continue;
        size_t idx = (size_t)(uintptr_t)itk_oidmap_get(&p->commits, &v->id);
        const char *signer = idx ? p->result->commits[idx - 1].party : v->party;
        int rc = itk_policy_problem(p, &v->id, "V9", "", signer,
                                    "signed by key %s after its compromise, and taken by no "
                                    "party above before that was known: a commit of a "
                                    "compromised key that arrives new is refused",
                                    v->origin);
        if (rc)
            return rc;
        if (idx)
            p->result->commits[idx - 1].ok = 0;
    }
    return 0;
}
