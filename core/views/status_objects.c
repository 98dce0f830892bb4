/* Forms citing attachments the registry does not hold, and references
 * recorded unverified or not in the registry (status_objects.h). */
#include "status_objects.h"
#include "itaku/registry.h"
#include "itaku/chain.h"
#include "itaku/form_input.h"
#include "alloc.h"
#include "itaku/delegation.h"
#include "itaku/errors.h"
#include "itaku/evidence.h"
#include "itaku/refcheck.h"
#include "refs_cache.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The types whose forms hold attachment fields (registry-template's
 * schemas: form 1, 2, 4, 5, 6 as a request, incident, inspection). */
static int cites(const char *type)
{
    static const char *const types[] = {"form1",    "form2",      "form4",   "form5",
                                        "incident", "inspection", "request", NULL};
    for (size_t i = 0; types[i]; i++)
        if (strcmp(types[i], type) == 0)
            return 1;
    return 0;
}

int itk_status_evidence(sctx *c)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < c->nrecs; k++) {
        const srec *r = &c->recs[k];
        if (r->pi.kind != ITK_PATH_RECORD || !cites(r->pi.type->type) || itk_srec_superseded(c, r))
            continue;
        size_t at;
        json_t *rec = NULL;
        itk_evidence *ev = NULL;
        size_t n = 0;
        if (itk_snapshot_find(&at, c->snap, itk_srec_path(c, r)) ||
            itk_snapshot_json(&rec, c->snap, at)) {
            itk_error_clear();
            continue;
        }
        rc = itk_evidence_collect(&ev, &n, c->repo, c->tree, rec);
        for (size_t i = 0; !rc && i < n; i++) {
            if (ev[i].path[0])
                continue;
            char name[100], sha[17];
            snprintf(name, sizeof(name), "%s/%s", r->pi.party, r->pi.id);
            snprintf(sha, sizeof(sha), "%.16s", ev[i].sha256);
            const char *args[] = {ev[i].field, ev[i].filename, sha};
            /* the field citing it by the form's words in the Japanese text */
            char words[256];
            itk_sctx_field_words(c, words, sizeof(words), r->pi.type->type, ev[i].field);
            const char *args_ja[] = {words, ev[i].filename, sha};
            sdetail detail;
            memset(&detail, 0, sizeof(detail));
            itk_sdetail_add_ja(&detail, c, "attachment_missing",
                               "incomplete: {1} cites {2} (SHA-256 {3}…), which no party's "
                               "attachments hold; attach that file (itaku attach FILE)",
                               args, args_ja, 3, "", "");
            rc = itk_sctx_finding(c, r->pi.party, "添付", ITK_RULE_ATTACHMENTS, ITK_STATE_OVERDUE,
                                  name, 0, -1, json_string_value(json_object_get(rec, "created")),
                                  &detail);
        }
        free(ev);
        json_decref(rec);
    }
    return rc;
}

int itk_status_unverified(sctx *c)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < c->nrecs; k++) {
        const srec *r = &c->recs[k];
        if (r->pi.kind != ITK_PATH_RECORD || itk_srec_superseded(c, r))
            continue;
        /* most records have no refs: ask the view before reading the record */
        if (!itk_jv_get(c->view, r->rec, "refs"))
            continue;
        size_t at;
        json_t *rec = NULL;
        if (itk_snapshot_find(&at, c->snap, itk_srec_path(c, r)) ||
            itk_snapshot_json(&rec, c->snap, at)) {
            itk_error_clear();
            continue;
        }
        json_t *list = json_object_get(json_object_get(rec, "refs"), "unverified"), *u;
        size_t i;
        json_array_foreach(list, i, u)
        {
            char name[100];
            snprintf(name, sizeof(name), "%s/%s", r->pi.party, r->pi.id);
            const char *field = json_string_value(json_object_get(u, "field"));
            const char *ref = json_string_value(json_object_get(u, "ref"));
            const char *why = json_string_value(json_object_get(u, "reason"));
            const char *args[] = {field ? field : "?", ref ? ref : "?", why ? why : ""};
            char words[256];
            itk_sctx_field_words(c, words, sizeof(words), r->pi.type->type, args[0]);
            /* a Japanese text names the party by its name (株式会社アクメの様式1) */
            char pname[256] = "";
            itk_party_name_in(pname, sizeof(pname), c->reg, c->tree, args[2]);
            itk_error_clear();
            const char *args_ja[] = {words, args[1], pname[0] ? pname : args[2]};
            sdetail detail;
            memset(&detail, 0, sizeof(detail));
            itk_sdetail_add_ja(&detail, c, "reference_unverified",
                               "unverified reference: {1} {2} is not in the registry ({3})", args,
                               args_ja, 3, "", "");
            if ((rc = itk_sctx_finding(
                     c, r->pi.party, "参照", ITK_RULE_UNVERIFIED, ITK_STATE_OK, name, 0, -1,
                     json_string_value(json_object_get(rec, "created")), &detail)))
                break;
        }
        json_decref(rec);
    }
    return rc;
}

int itk_status_setters(sctx *c)
{
    itk_post_setters s;
    if (itk_post_setters_at(&s, c->repo, c->tree, NULL)) {
        itk_error_clear();
        return 0;
    }
    if (!s.in_force || s.nsetters || !s.city[0])
        return 0;
    const char *args[] = {s.source};
    sdetail detail;
    memset(&detail, 0, sizeof(detail));
    itk_sdetail_add(&detail, c, "post_setters_unnamed",
                    "no setter post is named: under the decision rules (決裁) of {1}, the "
                    "officer who opened the registry alone sets who may seal; name the posts "
                    "that set officers' posts (post_setters) with itaku contract amend "
                    "--decision-rules FILE",
                    args, 1, "", "");
    return itk_sctx_finding(c, s.city, "決裁", ITK_RULE_SETTERS, ITK_STATE_PENDING, s.source, 0, -1,
                            NULL, &detail);
}

/* The finding's code for a field itk_refcheck_again names, and its English
 * text ({1} the field, {2} what it cites, {3} the party that must hold or
 * name it). */
static const char *code_of(const char *field, const char **en)
{
    if (strcmp(field, "handler") == 0 || strcmp(field, "verifier") == 0) {
        *en = "{1} '{2}' is no one {3}'s form 1 names (manager, supervisor or worker): correct "
              "the entry (--supersedes) with the name form 1 gives, or file a form 1 change "
              "that adds the person";
        return "ref_person_unknown";
    }
    if (strcmp(field, "attendees[].worker_id") == 0) {
        *en = "{1} '{2}' is no worker of {3}'s form 1: correct the record (--supersedes), or "
              "file a form 1 change that adds the worker";
        return "ref_worker_unknown";
    }
    if (strstr(field, "item_id") || strcmp(field, "derived_from") == 0) {
        *en = "{1} '{2}' is no item the register of {3} shows received or copied: correct the "
              "id (--supersedes), or record its receipt first";
        return "ref_item_unknown";
    }
    *en = "{1} '{2}' names no record of that kind in the registry: correct the reference "
          "(--supersedes)";
    return "ref_record_unknown";
}

/* Whether rec recorded field/ref as unverified (--unverified-ref): status
 * shows those already, with the reason given. */
static int recorded_unverified(const json_t *rec, const char *field, const char *ref)
{
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(json_object_get(rec, "refs"), "unverified"), i, u)
    {
        const char *f = json_string_value(json_object_get(u, "field"));
        const char *r = json_string_value(json_object_get(u, "ref"));
        if (f && r && strcmp(f, field) == 0 && strcmp(r, ref) == 0)
            return 1;
    }
    return 0;
}

/* The record fields citing another record and that record's type: those of
 * refcheck.c, whose checks read the type's folders of every party. */
static const struct {
    const char *field, *type;
} ref_fields[] = {
    {"instruction_ref", "instruction"}, {"form1_ref", "form1"},
    {"first_report_ref", "incident"},   {"approval", "request"},
    {"withdraws", "request"},           {"incident_ref", "incident"},
};

/* The digests of the parts of the tree the checks read, each worked out
 * once per run (memo: name → 32 bytes). */
typedef struct {
    sctx *c;
    json_t *memo;
    git_tree *parties; /* HEAD's parties/, NULL when none */
    EVP_MD_CTX *md;    /* the records' keys are worked out in it, one after another */
    /* SHA-256, fetched once: EVP_sha256() fetched it again at every record's
     * key, a fifth of what hashing the records cost (issue 18) */
    EVP_MD *sha;
} rkeys;

/* Adds the id of parties/<party>/<sub> (zeros when it is absent) to ctx. */
static void add_entry(EVP_MD_CTX *ctx, const rkeys *k, const char *party, const char *sub)
{
    char path[ITK_PARTY_ID_MAX + 64];
    git_tree_entry *e = NULL;
    unsigned char zero[GIT_OID_RAWSZ] = {0};
    snprintf(path, sizeof(path), "%s/%s", party, sub);
    if (k->parties && git_tree_entry_bypath(&e, k->parties, path) == 0) {
        EVP_DigestUpdate(ctx, git_tree_entry_id(e)->id, GIT_OID_RAWSZ);
        git_tree_entry_free(e);
    } else {
        EVP_DigestUpdate(ctx, zero, sizeof(zero));
        git_error_clear();
    }
}

/* Whether q is party or below it (the tree's party files). */
static int at_or_below(const sctx *c, const char *q, const char *party)
{
    for (int hops = 0; q && hops <= 2 * ITK_MAX_CHAIN + 2; hops++) {
        if (strcmp(q, party) == 0)
            return 1;
        q = itk_snapshot_parent(c->snap, q);
    }
    return 0;
}

/* Adds to ctx the digest of one part: "type:T" (the folder of records of
 * type T of every party), "below:P" (the register of P and of every party
 * below it, and every party file), "own:P" (P's register and form 1s). */
static int add_part(EVP_MD_CTX *ctx, rkeys *k, const char *kind, const char *arg)
{
    char name[ITK_PARTY_ID_MAX + 40];
    snprintf(name, sizeof(name), "%s:%s", kind, arg);
    json_t *m = json_object_get(k->memo, name);
    if (!m) {
        unsigned char md[32];
        EVP_MD_CTX *p = EVP_MD_CTX_new();
        if (!p)
            return itk_error_nomem();
        EVP_DigestInit_ex(p, k->sha, NULL);
        size_t n = k->parties ? git_tree_entrycount(k->parties) : 0;
        const itk_record_type *t = strcmp(kind, "type") == 0 ? itk_record_type_find(arg) : NULL;
        if (strcmp(kind, "own") == 0) {
            add_entry(p, k, arg, "register");
            add_entry(p, k, arg, "forms/form1");
        }
        for (size_t i = 0; i < n && strcmp(kind, "own") != 0; i++) {
            const char *q = git_tree_entry_name(git_tree_entry_byindex(k->parties, i));
            EVP_DigestUpdate(p, q, strlen(q) + 1);
            if (t)
                add_entry(p, k, q, t->folder);
            else if (strcmp(kind, "below") == 0) {
                add_entry(p, k, q, "party.json");
                if (at_or_below(k->c, q, arg))
                    add_entry(p, k, q, "register");
            }
        }
        EVP_DigestFinal_ex(p, md, NULL);
        EVP_MD_CTX_free(p);
        if (!(m = json_stringn_nocheck((const char *)md, 32)) ||
            json_object_set_new(k->memo, name, m))
            return itk_error_nomem();
    }
    EVP_DigestUpdate(ctx, json_string_value(m), 32);
    return 0;
}

/* The cache key of snapshot record i: its path and blob, and the parts of
 * the tree its checks read (itaku/refcheck.h): the folders of the records
 * it cites by field, its party's register and form 1s (for a register
 * entry, a form 2 and a form 5, which cite people and items), and for the items
 * of a request, an incident or an instruction, the registers of the
 * holder's chain. */
static int record_key(unsigned char key[32], rkeys *k, size_t i)
{
    const itk_snapshot *s = k->c->snap;
    const itk_snap_rec *r = &s->recs[i];
    const char *type = r->pi.type->type, *path = itk_snapshot_path(s, i);
    int rc = 0;
    EVP_MD_CTX *ctx = k->md;
    EVP_DigestInit_ex(ctx, k->sha, NULL);
    EVP_DigestUpdate(ctx, path, strlen(path) + 1);
    EVP_DigestUpdate(ctx, r->blob.id, GIT_OID_RAWSZ);
    for (size_t f = 0; !rc && f < sizeof(ref_fields) / sizeof(*ref_fields); f++)
        if (itk_snapshot_body_str(s, i, ref_fields[f].field))
            rc = add_part(ctx, k, "type", ref_fields[f].type);
    const char *to = itk_snapshot_body_str(s, i, "to");
    if (!rc &&
        (strcmp(type, "register") == 0 || strcmp(type, "form2") == 0 || strcmp(type, "form5") == 0))
        rc = add_part(ctx, k, "own", r->pi.party);
    if (!rc && (strcmp(type, "request") == 0 || strcmp(type, "incident") == 0))
        rc = add_part(ctx, k, "below", r->pi.party);
    if (!rc && strcmp(type, "instruction") == 0)
        rc = add_part(ctx, k, "below", to ? to : r->pi.party);
    EVP_DigestFinal_ex(ctx, key, NULL);
    return rc;
}

/* The register records refcheck looks items up in, from the snapshot of
 * HEAD (itk_refcheck_source): each record of it read once already, where
 * the tree's would be read and parsed again (issue 18). The snapshot holds
 * every record of HEAD's tree that can be read, in tree order. */
static int snap_register(json_t **recs, void *payload, const char *party, int below)
{
    const rkeys *k = payload;
    const itk_snapshot *s = k->c->snap;
    json_t *scope = json_object(); /* party → whether it is in party's chain */
    int rc = 0;
    if (!scope || !(*recs = json_array())) {
        json_decref(scope);
        return itk_error_nomem();
    }
    for (size_t i = 0; !rc && i < s->n; i++) {
        const itk_path_info *pi = &s->recs[i].pi;
        if (pi->kind != ITK_PATH_RECORD || !pi->type || strcmp(pi->type->type, "register") != 0)
            continue;
        if (strcmp(pi->party, party) != 0) {
            if (!below)
                continue;
            json_t *in = json_object_get(scope, pi->party);
            if (!in) {
                in = json_boolean(itk_chain_is_ancestor(k->c->repo, k->c->tree, party, pi->party));
                if (json_object_set_new(scope, pi->party, in)) {
                    rc = itk_error_nomem();
                    break;
                }
            }
            if (!json_is_true(in))
                continue;
        }
        json_t *rec = NULL;
        if ((rc = itk_snapshot_json(&rec, s, i)))
            break;
        if (json_object_set_new(rec, "party", json_string(pi->party)) ||
            json_array_append_new(*recs, rec))
            rc = itk_error_nomem();
    }
    json_decref(scope);
    return rc;
}

/* The references record i cites that the tree does not hold: from the
 * cache when its key is there, else checked (and kept). *problems is new. */
static int problems_of(json_t **problems, rkeys *k, itk_rcache *cache, json_t *refmemo, size_t i)
{
    const itk_snapshot *s = k->c->snap;
    const itk_snap_rec *r = &s->recs[i];
    unsigned char key[32];
    size_t len = 0;
    int rc = record_key(key, k, i);
    if (rc)
        return rc;
    const char *kept = cache ? itk_rcache_get(cache, key, &len) : NULL;
    /* most records cite nothing amiss: "[]", not parsed */
    if (kept && len == 2 && memcmp(kept, "[]", 2) == 0)
        return (*problems = json_array()) ? itk_rcache_put(cache, key, kept, len)
                                          : itk_error_nomem();
    if (kept && (*problems = json_loadb(kept, len, 0, NULL)) && json_is_array(*problems))
        return itk_rcache_put(cache, key, kept, len);
    json_decref(*problems);
    *problems = NULL;
    json_t *rec = NULL;
    if (itk_snapshot_json(&rec, s, i)) {
        itk_error_clear();
        return (*problems = json_array()) ? 0 : itk_error_nomem();
    }
    itk_refcheck_source src = {snap_register, k};
    rc = itk_refcheck_again_from(problems, k->c->reg, k->c->tree, r->pi.party, r->pi.type->type,
                                 json_object_get(rec, "body"), refmemo, &src);
    json_decref(rec);
    if (rc)
        return rc;
    char *text = json_dumps(*problems, JSON_COMPACT);
    if (!text)
        return itk_error_nomem();
    rc = cache ? itk_rcache_put(cache, key, text, strlen(text)) : 0;
    free(text);
    return rc;
}

int itk_status_refs(sctx *c)
{
    const itk_snapshot *s = c->snap;
    rkeys k = {c, json_object(), NULL, EVP_MD_CTX_new(), EVP_MD_fetch(NULL, "SHA256", NULL)};
    json_t *refmemo = json_object();
    itk_rcache *cache = NULL;
    git_tree_entry *pe = NULL;
    int rc =
        k.memo && k.md && k.sha && refmemo ? itk_rcache_load(&cache, c->repo) : itk_error_nomem();
    if (!rc && git_tree_entry_bypath(&pe, c->tree, "parties") == 0)
        rc = git_tree_lookup(&k.parties, c->repo, git_tree_entry_id(pe))
                 ? itk_error_git("cannot read the tree %s", "parties/")
                 : 0;
    git_tree_entry_free(pe);
    git_error_clear();
    /* every record that counts is checked (or found in the cache), so that
     * the cache serves any evaluation time; findings for those there at it */
    for (size_t i = 0; !rc && i < s->n; i++) {
        const itk_snap_rec *r = &s->recs[i];
        if (r->pi.kind != ITK_PATH_RECORD || !r->pi.type || !itk_snapshot_counts(s, i))
            continue;
        json_t *problems = NULL, *rec = NULL, *p;
        if ((rc = problems_of(&problems, &k, cache, refmemo, i)))
            break;
        if (!json_array_size(problems) || (r->t_own >= 0 && !itk_sctx_reached(c, r->t_own)) ||
            itk_srec_superseded(c, r) || itk_snapshot_json(&rec, s, i)) {
            itk_error_clear();
            json_decref(problems);
            continue;
        }
        const char *type = r->pi.type->type;
        const char *to = json_string_value(json_object_get(json_object_get(rec, "body"), "to"));
        /* the party that must hold the items an instruction cites: its addressee */
        const char *holder = strcmp(type, "instruction") == 0 && to ? to : r->pi.party;
        size_t j;
        json_array_foreach(problems, j, p)
        {
            const char *field = json_string_value(json_object_get(p, "field"));
            const char *ref = json_string_value(json_object_get(p, "ref"));
            if (!field || !ref || recorded_unverified(rec, field, ref))
                continue;
            const char *en = NULL, *code = code_of(field, &en);
            const char *args[] = {field, ref,
                                  strcmp(code, "ref_item_unknown") == 0 ? holder : r->pi.party};
            char name[100], words[256];
            itk_sctx_field_words(c, words, sizeof(words), type, field);
            /* a Japanese text names the party by its name (株式会社アクメの様式1) */
            char pname[256] = "";
            itk_party_name_in(pname, sizeof(pname), c->reg, c->tree, args[2]);
            itk_error_clear();
            const char *args_ja[] = {words, args[1], pname[0] ? pname : args[2]};
            sdetail detail;
            memset(&detail, 0, sizeof(detail));
            snprintf(name, sizeof(name), "%s/%s", r->pi.party, r->pi.id);
            itk_sdetail_add_ja(&detail, c, code, en, args, args_ja, 3, "", "");
            if ((rc = itk_sctx_finding(
                     c, r->pi.party, "参照", ITK_RULE_REFS, ITK_STATE_PENDING, name, 0, -1,
                     json_string_value(json_object_get(rec, "created")), &detail)))
                break;
        }
        json_decref(problems);
        json_decref(rec);
    }
    if (!rc)
        itk_rcache_close(cache, c->repo);
    else
        itk_rcache_close(cache, NULL); /* nothing written after an error */
    git_tree_free(k.parties);
    EVP_MD_CTX_free(k.md);
    EVP_MD_free(k.sha);
    json_decref(refmemo);
    json_decref(k.memo);
    return rc;
}
