/* References a record cites, checked before it is written (refcheck.h). */
#include "itaku/refcheck.h"
#include "alloc.h"
#include "itaku/buf.h"
#include "itaku/dates.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/kanji_variants.h"
#include "itaku/labels.h"
#include "intl.h"
#include "itaku/query.h"
#include "itaku/record.h"
#include "itaku/textnorm.h"
#include "registry_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The fields citing "<party>/<id>" of another record, that record's type,
 * and the sentence refusing one the registry does not hold (the id). */
static const struct {
    const char *field, *type, *missing;
} ref_fields[] = {
    {"instruction_ref", "instruction",
     ITK_N_("The instruction %s that this record answers is not in the registry. Check its id "
            "(itaku instructions --all shows the instructions).")},
    {"form1_ref", "form1",
     ITK_N_("The form 1 %s that this record cites is not in the registry. Check its id (itaku "
            "record list shows the records).")},
    {"first_report_ref", "incident",
     ITK_N_("The first incident report %s that this follow-up cites is not in the registry. "
            "Check its id (itaku record list shows the records).")},
    {"approval", "request",
     ITK_N_("The request %s that this entry cites as its approval is not in the registry. "
            "Check its id (itaku requests --all shows the requests).")},
    {"withdraws", "request",
     ITK_N_("The request %s that this withdrawal names is not in the registry. Check its id "
            "(itaku requests --all shows the requests).")},
    {"incident_ref", "incident",
     ITK_N_("The incident report %s that this record cites is not in the registry. Check its "
            "id (itaku record list shows the records).")},
};

/* The instruction kinds a record of type answers (NULL: any). */
static const char *const *answer_kinds(const char *type)
{
    static const char *const form4[] = {"report", NULL}, *const insp[] = {"inspection", NULL},
                             *const reg[] = {"return", NULL},
                             *const form5[] = {"return", "dispose", NULL},
                             *const inc[] = {"incident-follow-up", NULL};
    if (strcmp(type, "form4") == 0)
        return form4;
    if (strcmp(type, "inspection") == 0)
        return insp;
    if (strcmp(type, "register") == 0)
        return reg;
    if (strcmp(type, "form5") == 0)
        return form5;
    if (strcmp(type, "incident") == 0)
        return inc;
    return NULL;
}

unsigned itk_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 255 || lb > 255)
        return 255;
    unsigned row[256];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best > 255 ? 255 : best;
            diag = up;
        }
    }
    return row[lb];
}

/* Unix seconds of an RFC 3339 date-time with offset (the schemas' form);
 * -1 when it is not one (then compared as "at any time"). */
static long long instant(const char *s)
{
    long long t;
    if (itk_time_parse(&t, s, 0, ITK_TIME_NO_DAY) == 0)
        return t;
    itk_error_clear();
    return -1;
}

/* Candidate ids for one reference, and the problems found so far. */
typedef struct {
    itk_buf problems;
    json_t *unverified; /* the references not found */
    size_t nproblems;
    itk_labels *labels;   /* the registry's catalog, for codes in messages (NULL: none) */
    char handler_as[256]; /* the form 1 name a handler was taken as ("": none) */
    json_t *memo;         /* what a scan of the tree gathered, by what it scanned (NULL: none) */
    const itk_refcheck_source *src; /* where register entries are read from (NULL: the tree) */
    itk_registry *reg;              /* the registry and tree checked against (parties' names) */
    git_tree *tree;
} check;

/* memo's value of key (borrowed), NULL when none or memo is NULL. */
static json_t *memo_get(json_t *memo, const char *kind, const char *what, int below)
{
    char key[200];
    if (!memo)
        return NULL;
    snprintf(key, sizeof(key), "%s|%d|%s", kind, below, what ? what : "");
    return json_object_get(memo, key);
}

/* Keeps a reference to v in memo under key (nothing when memo is NULL). */
static void memo_put(json_t *memo, const char *kind, const char *what, int below, json_t *v)
{
    char key[200];
    if (!memo)
        return;
    snprintf(key, sizeof(key), "%s|%d|%s", kind, below, what ? what : "");
    json_object_set(memo, key, v);
}

const char *itk_ref_code_shown(const itk_labels *l, const char *msgid, const char *domain,
                               const char *code)
{
    if (!code)
        return "";
    /* dgettext gives msgid itself back when there is no translation */
    return itk__(msgid) == msgid ? code : itk_label_or(l, domain, code);
}

const char *itk_ref_party_shown(char *out, size_t cap, itk_registry *reg, git_tree *tree,
                                const char *msgid, const char *party)
{
    snprintf(out, cap, "%s", party ? party : "");
    if (!party || itk__(msgid) == msgid)
        return out;
    char name[256];
    itk_party_name_in(name, sizeof(name), reg, tree, party);
    if (name[0])
        snprintf(out, cap, "%s", name);
    return out;
}

/* The ITK_REF_CLOSEST names of cands nearest to want, ", " between them
 * (list left empty when cands is). */
static void closest_list(itk_buf *list, const char *want, const json_t *cands)
{
    size_t n = json_array_size(cands);
    unsigned char *used = itk_calloc(n ? n : 1, 1);
    if (!used)
        return;
    for (size_t shown = 0; shown < ITK_REF_CLOSEST && shown < n; shown++) {
        size_t best = n;
        unsigned bd = 256;
        for (size_t i = 0; i < n; i++) {
            json_t *c = json_array_get(cands, i);
            unsigned d = itk_edit_distance(want, json_string_value(json_array_get(c, 1)));
            if (!used[i] && d < bd) {
                bd = d;
                best = i;
            }
        }
        used[best] = 1;
        itk_buf_printf(list, "%s%s", shown ? ", " : "",
                       json_string_value(json_array_get(json_array_get(cands, best), 0)));
    }
    free(used);
}

void itk_ref_closest(itk_buf *b, const char *want, const json_t *cands)
{
    if (!json_array_size(cands)) {
        itk_buf_puts(b, itk__(" (there are none)"));
        return;
    }
    itk_buf list = ITK_BUF_INIT;
    closest_list(&list, want, cands);
    /* TRANSLATORS: the ids nearest to the one not found */
    itk_buf_printf(b, itk__(" (closest: %s)"), list.ptr ? list.ptr : "");
    itk_buf_dispose(&list);
}

/* One reference not found: its line, the sentence saying so (already
 * formatted), then near (a translated format whose one %s is the closest
 * candidates' names, a sentence of its own) when cands has any; and an
 * unverified entry of field and ref. */
static void missing(check *k, const char *field, const char *ref, const char *sentence,
                    const char *near, const char *key, const json_t *cands)
{
    if (k->nproblems++)
        itk_buf_puts(&k->problems, "\n");
    itk_buf_puts(&k->problems, sentence);
    if (json_array_size(cands)) {
        itk_buf list = ITK_BUF_INIT;
        closest_list(&list, key, cands);
        itk_buf_puts(&k->problems, " ");
        itk_buf_printf(&k->problems, near, list.ptr ? list.ptr : "");
        itk_buf_dispose(&list);
    }
    json_array_append_new(k->unverified, json_pack("{s:s, s:s}", "field", field, "ref", ref));
}

int itk_ref_names(json_t **out, itk_registry *reg, git_tree *tree, const char *party,
                  const char *rtype)
{
    itk_record_blob *recs = NULL;
    size_t n = 0;
    *out = NULL;
    int rc = itk_tree_record_blobs(&recs, &n, reg->repo, tree, party, rtype);
    /* "<party>/<id>" → [the id superseding it, or null; withdrawn] */
    json_t *chain = json_object(), *all = json_array();
    if (!rc && (!chain || !all))
        rc = itk_error_nomem();
    for (size_t i = 0; !rc && i < n; i++) {
        itk_path_info pi;
        json_t *rec = NULL;
        char name[160], sup[160];
        itk_path_classify(&pi, recs[i].path);
        if (pi.kind != ITK_PATH_RECORD)
            continue;
        snprintf(name, sizeof(name), "%s/%s", pi.party, pi.id);
        json_array_append_new(
            all, json_pack("[s, s, s]", name, recs[i].path, git_oid_tostr_s(&recs[i].blob)));
        if (itk_blob_read_json(&rec, reg->repo, &recs[i].blob, recs[i].path)) {
            itk_error_clear(); /* unreadable records are verify's to report */
            continue;
        }
        const char *by = json_string_value(json_object_get(rec, "supersedes"));
        int withdrawn = json_is_true(json_object_get(json_object_get(rec, "body"), "withdrawn"));
        json_t *mine = json_object_get(chain, name);
        if (!mine)
            json_object_set_new(chain, name, json_pack("[n, b]", withdrawn));
        else
            json_array_set_new(mine, 1, json_boolean(withdrawn));
        if (by) {
            snprintf(sup, sizeof(sup), "%s/%s", pi.party, by);
            json_t *old = json_object_get(chain, sup);
            if (!old)
                json_object_set_new(chain, sup, json_pack("[s, b]", name, 0));
            else
                json_array_set_new(old, 0, json_string(name));
        }
        json_decref(rec);
    }
    *out = json_array();
    size_t i;
    json_t *r;
    /* those in force first, then the amended, then the withdrawn: a tie
     * in distance offers the one in force (itk_ref_closest keeps the order) */
    for (int pass = 0; pass < 3; pass++)
        json_array_foreach(all, i, r)
        {
            const char *name = json_string_value(json_array_get(r, 0));
            const char *now = name;
            int moved = 0;
            /* to the newest of its chain (bounded: each step is another record) */
            for (size_t step = 0; step <= n; step++) {
                const char *next =
                    json_string_value(json_array_get(json_object_get(chain, now), 0));
                if (!next)
                    break;
                now = next;
                moved = 1;
            }
            int withdrawn = json_is_true(json_array_get(json_object_get(chain, now), 1));
            if (pass != (withdrawn ? 2 : moved ? 1 : 0))
                continue;
            char shown[400];
            if (withdrawn)
                snprintf(shown, sizeof(shown), itk__("%s (withdrawn)"), name);
            else if (moved)
                snprintf(shown, sizeof(shown), itk__("%s (amended: now %s)"), name, now);
            else
                snprintf(shown, sizeof(shown), "%s", name);
            json_array_append_new(*out, json_pack("[s, s, s, s]", shown, name,
                                                  json_string_value(json_array_get(r, 1)),
                                                  json_string_value(json_array_get(r, 2))));
        }
    json_decref(chain);
    json_decref(all);
    itk_record_blobs_free(recs, n);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* itk_ref_names of every party's records of rtype, once per memo. */
static int record_names(json_t **out, itk_registry *reg, git_tree *tree, const char *rtype,
                        json_t *memo)
{
    if ((*out = json_incref(memo_get(memo, "names", rtype, 0))))
        return 0;
    int rc = itk_ref_names(out, reg, tree, NULL, rtype);
    if (!rc)
        memo_put(memo, "names", rtype, 0, *out);
    return rc;
}

/* The record of an itk_ref_names entry [shown, key, path, blob], read by
 * its blob id. */
static int cand_read(json_t **rec, itk_registry *reg, const json_t *cand)
{
    git_oid id;
    const char *hex = json_string_value(json_array_get(cand, 3));
    if (!hex || git_oid_fromstr(&id, hex) < 0)
        return itk_error_set(ITK_ENOTFOUND, "%s does not exist",
                             json_string_value(json_array_get(cand, 2)));
    return itk_blob_read_json(rec, reg->repo, &id, json_string_value(json_array_get(cand, 2)));
}

static int check_record_refs(check *k, itk_registry *reg, git_tree *tree, const char *type,
                             const json_t *body)
{
    int rc = 0;
    for (size_t f = 0; !rc && f < sizeof(ref_fields) / sizeof(*ref_fields); f++) {
        const char *ref = json_string_value(json_object_get(body, ref_fields[f].field));
        if (!ref)
            continue;
        json_t *names = NULL, *hit = NULL, *c;
        size_t i;
        if ((rc = record_names(&names, reg, tree, ref_fields[f].type, k->memo))) {
            json_decref(names);
            break;
        }
        json_array_foreach(names, i, c) if (strcmp(json_string_value(json_array_get(c, 1)), ref) ==
                                            0) hit = c;
        const char *const *kinds =
            strcmp(ref_fields[f].type, "instruction") == 0 ? answer_kinds(type) : NULL;
        if (!hit) {
            char line[600];
            snprintf(line, sizeof(line), itk__(ref_fields[f].missing), ref);
            missing(k, ref_fields[f].field, ref, line, itk__("Closest ids: %s."), ref, names);
        } else if (kinds) {
            json_t *rec = NULL;
            if (cand_read(&rec, reg, hit)) {
                /* unreadable records are verify's to report */
                itk_error_clear();
                json_decref(names);
                continue;
            }
            const char *kind =
                json_string_value(json_object_get(json_object_get(rec, "body"), "kind"));
            int ok = !kind;
            for (size_t j = 0; kind && kinds[j]; j++)
                ok |= strcmp(kinds[j], kind) == 0;
            if (!ok) {
                /* the instructions of the right kind are the candidates */
                json_t *right = json_array();
                char line[600];
                json_array_foreach(names, i, c)
                {
                    json_t *r2 = NULL;
                    if (cand_read(&r2, reg, c) == 0) {
                        const char *k2 =
                            json_string_value(json_object_get(json_object_get(r2, "body"), "kind"));
                        for (size_t j = 0; k2 && kinds[j]; j++)
                            if (strcmp(kinds[j], k2) == 0)
                                json_array_append(right, c);
                    }
                    json_decref(r2);
                }
                static const char msg[] =
                    ITK_N_("Instruction %s is of the kind '%s', and this record answers only an "
                           "instruction of the kind '%s'. Cite an instruction of that kind.");
                snprintf(line, sizeof(line), itk__(msg), ref,
                         itk_ref_code_shown(k->labels, msg, "instruction.kind", kind),
                         itk_ref_code_shown(k->labels, msg, "instruction.kind", kinds[0]));
                missing(k, ref_fields[f].field, ref, line, itk__("Instructions of that kind: %s."),
                        ref, right);
                json_decref(right);
            }
            json_decref(rec);
            itk_error_clear();
        }
        json_decref(names);
    }
    return rc;
}

/* Appends to bodies what holds() reads of the register entry body (its
 * action, item_id and occurred_at) when it is a receipt or a copy: with a
 * memo, the bodies are kept for a whole status and read by holds() alone
 * (peak memory, issue 18). Nothing for another entry; 0 or ITK_ENOMEM. */
static int held_entry(json_t *bodies, const json_t *body)
{
    static const char *const keep[] = {"action", "item_id", "occurred_at"};
    const char *a = json_string_value(json_object_get(body, "action"));
    if (!a || (strcmp(a, "received") != 0 && strcmp(a, "copied") != 0))
        return 0;
    json_t *slim = json_object();
    int rc = !slim || json_array_append_new(bodies, slim);
    for (size_t k = 0; !rc && k < sizeof(keep) / sizeof(*keep); k++) {
        json_t *v = json_object_get(body, keep[k]);
        rc = v && json_object_set(slim, keep[k], v);
    }
    return rc ? ITK_ENOMEM : 0;
}

/* The register records of party (below: and of every party below it in
 * the chain) in tree order, each with "party" set to its path's party,
 * into *recs; those that cannot be read are left out. */
static int register_records(json_t **recs, itk_registry *reg, git_tree *tree, const char *party,
                            int below)
{
    itk_record_blob *found = NULL;
    size_t n = 0;
    if (!(*recs = json_array()))
        return itk_error_nomem();
    int rc = itk_tree_record_blobs(&found, &n, reg->repo, tree, below ? NULL : party, "register");
    for (size_t i = 0; !rc && i < n; i++) {
        json_t *rec = NULL;
        itk_path_info pi;
        itk_path_classify(&pi, found[i].path);
        if (pi.kind != ITK_PATH_RECORD ||
            (strcmp(pi.party, party) != 0 &&
             !itk_chain_is_ancestor(reg->repo, tree, party, pi.party)))
            continue;
        if (itk_blob_read_json(&rec, reg->repo, &found[i].blob, found[i].path)) {
            itk_error_clear();
            continue;
        }
        if (json_object_set_new(rec, "party", json_string(pi.party)) ||
            json_array_append_new(*recs, rec))
            rc = itk_error_nomem();
    }
    itk_record_blobs_free(found, n);
    return rc;
}

/* The register entries that count (not superseded, not the one being
 * corrected), as their bodies: party's own, and with below also those of
 * every party below it in the chain (its subcontractors, theirs, ...).
 * With memo, only what holds() reads of the receipts and copies
 * (held_entry), kept in memo. The records are k->src's when it has one, else the
 * tree's. */
static int register_bodies(json_t **out, const check *k, itk_registry *reg, git_tree *tree,
                           const char *party, const char *supersedes, int below)
{
    json_t *memo = k->memo, *recs = NULL;
    if (!supersedes && (*out = json_incref(memo_get(memo, "register", party, below))))
        return 0;
    int rc = k->src ? k->src->register_records(&recs, k->src->payload, party, below)
                    : register_records(&recs, reg, tree, party, below);
    json_t *gone = json_object();
    if (!rc && !gone)
        rc = itk_error_nomem();
    size_t i;
    json_t *rec;
    json_array_foreach(recs, i, rec)
    {
        /* ids are a party's own: keep "<party>/<id>" */
        const char *sup = json_string_value(json_object_get(rec, "supersedes"));
        char key[160];
        if (rc || !sup)
            continue;
        snprintf(key, sizeof(key), "%s/%s", json_string_value(json_object_get(rec, "party")), sup);
        json_object_set_new(gone, key, json_true());
    }
    if (supersedes) {
        char key[160];
        snprintf(key, sizeof(key), "%s/%s", party, supersedes);
        json_object_set_new(gone, key, json_true());
    }
    *out = json_array();
    json_array_foreach(recs, i, rec)
    {
        const char *id = json_string_value(json_object_get(rec, "id"));
        char key[160];
        snprintf(key, sizeof(key), "%s/%s", json_string_value(json_object_get(rec, "party")),
                 id ? id : "");
        if (id && json_object_get(gone, key))
            continue;
        if (!memo)
            json_array_append(*out, json_object_get(rec, "body"));
        else if (held_entry(*out, json_object_get(rec, "body")))
            rc = ITK_ENOMEM;
    }
    json_decref(recs);
    json_decref(gone);
    if (!rc && !supersedes)
        memo_put(memo, "register", party, below, *out);
    return rc;
}

/* The key an item label is compared by: itk_label_key's, or the label
 * itself marked as such when it has none (itk_label_equal then compares
 * the bytes). */
static void item_key(itk_buf *out, const char *label)
{
    if (itk_label_key(out, label)) {
        itk_error_clear();
        itk_buf_clear(out);
        itk_buf_puts(out, "\x01");
        itk_buf_puts(out, label);
    }
}

/* bodies' received and copied entries as {item key: the earliest time one
 * is recorded (-1: a time that does not read, held at any time)}, built
 * once per bodies array and kept in memo (borrowed; NULL without memo or
 * memory). memo holds bodies too, so its address names it while kept. */
static const json_t *held_index(json_t *memo, const json_t *bodies)
{
    char name[64];
    if (!memo)
        return NULL;
    snprintf(name, sizeof(name), "held|%p", (const void *)bodies);
    json_t *e = json_object_get(memo, name);
    if (e && json_array_get(e, 0) == bodies)
        return json_array_get(e, 1);
    json_t *idx = json_object(), *b;
    itk_buf key = ITK_BUF_INIT;
    size_t i;
    json_array_foreach(bodies, i, b)
    {
        const char *a = json_string_value(json_object_get(b, "action"));
        const char *id = json_string_value(json_object_get(b, "item_id"));
        if (!idx || !a || !id || (strcmp(a, "received") != 0 && strcmp(a, "copied") != 0))
            continue;
        long long at = instant(json_string_value(json_object_get(b, "occurred_at")));
        item_key(&key, id);
        json_t *was = key.ptr ? json_object_get(idx, key.ptr) : NULL;
        if (key.ptr && (!was || at < json_integer_value(was)))
            json_object_set_new(idx, key.ptr, json_integer(at));
    }
    itk_buf_dispose(&key);
    if (!idx || json_object_set_new(memo, name, json_pack("[OO]", bodies, idx)) != 0) {
        json_decref(idx);
        return NULL;
    }
    json_decref(idx);
    return json_array_get(json_object_get(memo, name), 1);
}

/* Whether party holds item at t (-1: at any time): a received or copied
 * entry of it not later than t. cands collects [item, key] of the items
 * held, once each, when it is not held (the closest ids to show). With
 * memo, the entries are looked up in held_index. */
static int holds(json_t *memo, const json_t *bodies, const char *item, long long t, json_t *cands)
{
    const json_t *idx = held_index(memo, bodies);
    if (idx) {
        itk_buf key = ITK_BUF_INIT;
        item_key(&key, item);
        const json_t *at = key.ptr ? json_object_get(idx, key.ptr) : NULL;
        itk_buf_dispose(&key);
        if (at && (t < 0 || json_integer_value(at) <= t))
            return 1;
    }
    int found = 0;
    size_t i;
    json_t *b;
    json_array_foreach(bodies, i, b)
    {
        const char *a = json_string_value(json_object_get(b, "action"));
        const char *id = json_string_value(json_object_get(b, "item_id"));
        long long at = instant(json_string_value(json_object_get(b, "occurred_at")));
        if (!a || !id || (strcmp(a, "received") != 0 && strcmp(a, "copied") != 0))
            continue;
        /* one received later is not held yet, but is a candidate */
        if (itk_label_equal(id, item) && (t < 0 || at <= t))
            found = 1;
        itk_buf key = ITK_BUF_INIT;
        int dup = 0;
        size_t j;
        json_t *c;
        if (itk_label_key(&key, id) == 0) {
            json_array_foreach(cands, j, c) dup |=
                strcmp(json_string_value(json_array_get(c, 1)), key.ptr) == 0;
            if (!dup)
                json_array_append_new(cands, json_pack("[s, s]", id, key.ptr));
        }
        itk_buf_dispose(&key);
    }
    itk_error_clear();
    return found;
}

/* The sentence refusing an item (管理番号) that party (party's chain for a
 * request, an incident or an instruction) does not hold, cited by field of
 * a record of type, untranslated: its one %s is the item, its second the
 * party. */
static const char *item_sentence(const char *type, const char *field)
{
    if (strcmp(type, "request") == 0)
        return ITK_N_("This request names item number '%s', which is in the register of neither %s "
                      "nor any party below it (no receipt or copy of it is recorded there). Record "
                      "its receipt in the register first, or give the item number as the register "
                      "has it.");
    if (strcmp(type, "incident") == 0)
        return ITK_N_("This incident report names item number '%s' as affected, which is in the "
                      "register of neither %s nor any party below it (no receipt or copy of it is "
                      "recorded there). Give the item number as the register has it, or record "
                      "its receipt first.");
    if (strcmp(type, "instruction") == 0)
        return ITK_N_("This instruction names item number '%s', which is in the register of "
                      "neither %s (the party instructed) nor any party below it (no receipt or "
                      "copy of it is recorded there). Give the item number as that register has "
                      "it.");
    if (strcmp(field, "derived_from") == 0)
        return ITK_N_("The copy's source, item number '%s', is not in %s's register: no receipt "
                      "or copy of it is recorded at or before this copy's date. Record the "
                      "source's receipt first, or give its item number as the register has it.");
    if (strcmp(type, "form5") == 0)
        return ITK_N_("Item number '%s' of this certificate of erasure or disposal (form 5) is not "
                      "in %s's register: no receipt or copy of it is recorded. Give the item "
                      "number as the register has it.");
    return ITK_N_("Item number '%s' is not in %s's register: no receipt or copy of it is recorded "
                  "at or before this entry's date. Record its receipt first (itaku register add "
                  "--action received), or give the item number as the register has it.");
}

/* An item party (below: or its chain, register_bodies) does not hold at t
 * is refused. */
static void check_item(check *k, const json_t *bodies, const char *type, const char *field,
                       const char *item, long long t, const char *party)
{
    json_t *cands = json_array();
    if (!holds(k->memo, bodies, item, t, cands)) {
        char line[1200], shown[256];
        itk_buf key = ITK_BUF_INIT;
        const char *msg = item_sentence(type, field);
        snprintf(line, sizeof(line), itk__(msg), item,
                 itk_ref_party_shown(shown, sizeof(shown), k->reg, k->tree, msg, party));
        if (itk_label_key(&key, item))
            itk_buf_puts(&key, item);
        itk_error_clear();
        missing(k, field, item, line, itk__("Closest item numbers in the register: %s."),
                key.ptr ? key.ptr : item, cands);
        itk_buf_dispose(&key);
    }
    json_decref(cands);
}

/* The item_ids array of body a record of type cites by an item's id
 * alone, and its field's name (NULL: none): a request's and an
 * instruction's item_ids, an incident's affected.item_ids. */
static const json_t *cited_item_list(const char *type, const json_t *body, const char **field)
{
    if (strcmp(type, "request") == 0 || strcmp(type, "instruction") == 0) {
        *field = "item_ids[]";
        return json_object_get(body, "item_ids");
    }
    if (strcmp(type, "incident") == 0) {
        *field = "affected.item_ids[]";
        return json_object_get(json_object_get(body, "affected"), "item_ids");
    }
    return NULL;
}

/* The party whose chain must hold the items a record of type by party
 * cites: an instruction's addressee, else party itself. */
static const char *item_holder(const char *type, const json_t *body, const char *party)
{
    const char *to = json_string_value(json_object_get(body, "to"));
    return strcmp(type, "instruction") == 0 && to ? to : party;
}

/* Whether a register entry of action acts on an item the party already
 * holds: every action of form 3 but received and copied (whose item is
 * new). An action that is none of form 3's (the schema refuses it) cites
 * nothing: what it would need is not known. */
static int cites_held_item(const char *action)
{
    static const char *const held[] = {"returned",
                                       "taken_out",
                                       "brought_back",
                                       "other_purpose_use",
                                       "third_party_provision",
                                       "erased",
                                       "disposed",
                                       NULL};
    for (size_t i = 0; held[i]; i++)
        if (strcmp(held[i], action) == 0)
            return 1;
    return 0;
}

static int check_items(check *k, const json_t *bodies, const char *party, const char *type,
                       const json_t *body)
{
    const char *field = NULL;
    const json_t *list = cited_item_list(type, body, &field);
    if (list) {
        size_t i;
        json_t *it;
        json_array_foreach(list, i, it) if (json_string_value(it)) check_item(
            k, bodies, type, field, json_string_value(it), -1, item_holder(type, body, party));
    } else if (strcmp(type, "register") == 0) {
        const char *action = json_string_value(json_object_get(body, "action"));
        const char *item = json_string_value(json_object_get(body, "item_id"));
        const char *from = json_string_value(json_object_get(body, "derived_from"));
        long long t = instant(json_string_value(json_object_get(body, "occurred_at")));
        if (!action || !item)
            return 0;
        if (strcmp(action, "copied") == 0) {
            if (from)
                check_item(k, bodies, type, "derived_from", from, t, party);
        } else if (cites_held_item(action))
            check_item(k, bodies, type, "item_id", item, t, party);
    } else if (strcmp(type, "form5") == 0) {
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(body, "items"), i, it)
        {
            const char *item = json_string_value(json_object_get(it, "item_id"));
            if (item)
                check_item(k, bodies, type, "items[].item_id", item, -1, party);
        }
    }
    return 0;
}

/* [worker_id, worker_id] of every worker party's form 1s name (all of them:
 * a worker of an earlier form 1 was one), once each. */
static int form1_workers(json_t **out, itk_registry *reg, git_tree *tree, const char *party,
                         json_t *memo)
{
    itk_record_blob *found = NULL;
    size_t n = 0;
    if ((*out = json_incref(memo_get(memo, "workers", party, 0))))
        return 0;
    int rc = itk_tree_record_blobs(&found, &n, reg->repo, tree, party, "form1");
    *out = json_array();
    json_t *seen = json_object();
    for (size_t i = 0; !rc && i < n; i++) {
        json_t *rec = NULL, *w;
        size_t j;
        if (itk_blob_read_json(&rec, reg->repo, &found[i].blob, found[i].path)) {
            itk_error_clear(); /* unreadable records are verify's to report */
            continue;
        }
        json_array_foreach(json_object_get(json_object_get(rec, "body"), "workers"), j, w)
        {
            const char *id = json_string_value(json_object_get(w, "worker_id"));
            if (id && !json_object_get(seen, id)) {
                json_object_set_new(seen, id, json_true());
                json_array_append_new(*out, json_pack("[s, s]", id, id));
            }
        }
        json_decref(rec);
    }
    json_decref(seen);
    itk_record_blobs_free(found, n);
    if (!rc)
        memo_put(memo, "workers", party, 0, *out);
    return rc;
}

/* Whether id is written as a worker number is (form 1's and form 2's
 * worker_id: ^[a-z0-9][a-z0-9._-]{0,63}$). One that is not is the form's
 * own problem, which its schema says: it is not also looked up on form 1,
 * so that the attendee is listed once, for its format. */
static int worker_number_format(const char *id)
{
    size_t n = strlen(id);
    if (n < 1 || n > 64 || !strchr("abcdefghijklmnopqrstuvwxyz0123456789", id[0]))
        return 0;
    return strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* Form 2's attendees cite the workers (作業従事者) of party's form 1 by
 * worker_id. */
static int check_workers(check *k, itk_registry *reg, git_tree *tree, const char *party,
                         const char *type, const json_t *body)
{
    if (strcmp(type, "form2") != 0)
        return 0;
    json_t *workers = NULL, *a, *w;
    size_t i, j;
    int rc = form1_workers(&workers, reg, tree, party, k->memo);
    json_array_foreach(json_object_get(body, "attendees"), i, a)
    {
        const char *id = json_string_value(json_object_get(a, "worker_id"));
        int found = 0;
        if (rc || !id || !worker_number_format(id))
            continue;
        /* compared as item numbers are: W-01 is w-01 */
        json_array_foreach(workers, j, w) found |=
            itk_label_equal(json_string_value(json_array_get(w, 0)), id);
        if (!found) {
            static const char msg[] =
                ITK_N_("The worker number '%s' of an attendee is not on %s's form 1. Give the "
                       "worker number as form 1 has it, or add the worker to form 1 by a change "
                       "notification (filing_type change) first.");
            char line[1000], shown[256];
            snprintf(line, sizeof(line), itk__(msg), id,
                     itk_ref_party_shown(shown, sizeof(shown), reg, tree, msg, party));
            missing(k, "attendees[].worker_id", id, line,
                    itk__("Closest worker numbers on form 1: %s."), id, workers);
        }
    }
    json_decref(workers);
    return rc;
}

/* The key a person's name is compared by: itk_label_key (NFKC, so a
 * full-width or no-break space is a space; case; the dash look-alikes)
 * without its spaces, so "鈴木 一郎", "鈴木　一郎" and "鈴木一郎" are one
 * name. A line break or tab is not a space: a name holding one is refused
 * before it gets here (itaku/person_name.h). Empty when name cannot be
 * folded. */
static void person_key(itk_buf *out, const char *name)
{
    itk_buf k = ITK_BUF_INIT;
    itk_buf_clear(out);
    if (itk_label_key(&k, name) == 0 && k.ptr)
        for (const char *p = k.ptr; *p; p++)
            if (*p != ' ')
                itk_buf_printf(out, "%c", *p);
    itk_error_clear();
    itk_buf_dispose(&k);
}

/* Adds [name, key] to people unless a name of that key is there. */
static void person_add(json_t *people, const char *name)
{
    itk_buf key = ITK_BUF_INIT;
    size_t i;
    json_t *c;
    int dup = 0;
    if (!name)
        return;
    person_key(&key, name);
    if (!key.ptr || !*key.ptr) {
        itk_buf_dispose(&key);
        return;
    }
    json_array_foreach(people, i, c) dup |=
        strcmp(json_string_value(json_array_get(c, 1)), key.ptr) == 0;
    if (!dup)
        json_array_append_new(people, json_pack("[s, s]", name, key.ptr));
    itk_buf_dispose(&key);
}

/* [name, key] of everyone party's form 1s name (管理責任者, 監督者,
 * 作業従事者; every form 1, as form1_workers), and their worker_ids as
 * [worker_id, key]; *nforms = how many form 1s party has. */
static int form1_people(json_t **out, size_t *nforms, itk_registry *reg, git_tree *tree,
                        const char *party, json_t *memo)
{
    itk_record_blob *found = NULL;
    size_t n = 0;
    json_t *m = memo_get(memo, "people", party, 0);
    if (m) {
        *out = json_incref(json_array_get(m, 0));
        *nforms = (size_t)json_integer_value(json_array_get(m, 1));
        return 0;
    }
    int rc = itk_tree_record_blobs(&found, &n, reg->repo, tree, party, "form1");
    *out = json_array();
    *nforms = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        json_t *rec = NULL, *w, *b;
        size_t j;
        if (itk_blob_read_json(&rec, reg->repo, &found[i].blob, found[i].path)) {
            itk_error_clear(); /* unreadable records are verify's to report */
            continue;
        }
        (*nforms)++;
        b = json_object_get(rec, "body");
        person_add(*out, json_string_value(json_object_get(json_object_get(b, "manager"), "name")));
        json_array_foreach(json_object_get(b, "supervisors"), j, w)
            person_add(*out, json_string_value(json_object_get(w, "name")));
        json_array_foreach(json_object_get(b, "workers"), j, w)
        {
            person_add(*out, json_string_value(json_object_get(w, "name")));
            person_add(*out, json_string_value(json_object_get(w, "worker_id")));
        }
        json_decref(rec);
    }
    itk_record_blobs_free(found, n);
    if (!rc && memo) {
        json_t *v = json_pack("[O, I]", *out, (json_int_t)*nforms);
        memo_put(memo, "people", party, 0, v);
        json_decref(v);
    }
    return rc;
}

/* A register entry's handler (取扱者), or its verifier (確認者) when field
 * says so, is someone party's form 1 names: its
 * manager, a supervisor or a worker, by name or worker_id, compared by
 * person_key. A party with no form 1 yet has no one to compare with: the
 * missing form 1 is status's finding (form 1 before any information is
 * handed over), not a typo. */
static int check_handler(check *k, itk_registry *reg, git_tree *tree, const char *party,
                         const char *type, const json_t *body, const char *field)
{
    const char *handler = json_string_value(json_object_get(body, field));
    if (strcmp(type, "register") != 0 || !handler)
        return 0;
    json_t *people = NULL, *c;
    size_t nforms = 0, i;
    int rc = form1_people(&people, &nforms, reg, tree, party, k->memo), found = 0;
    itk_buf key = ITK_BUF_INIT;
    person_key(&key, handler);
    json_array_foreach(people, i, c) found |=
        key.ptr && strcmp(json_string_value(json_array_get(c, 1)), key.ptr) == 0;
    /* else a name that differs only by variant forms of a kanji (髙橋 for
     * 高橋): the same person, said in a note */
    for (i = 0; !found && key.ptr && i < json_array_size(people); i++) {
        c = json_array_get(people, i);
        if (itk_kanji_variant_equal(json_string_value(json_array_get(c, 1)), key.ptr)) {
            found = 1;
            if (strcmp(field, "handler") == 0)
                snprintf(k->handler_as, sizeof(k->handler_as), "%s",
                         json_string_value(json_array_get(c, 0)));
        }
    }
    if (!rc && nforms && !found) {
        static const char verifier[] =
            ITK_N_("The verifier '%s' is not on %s's form 1 (neither its manager, a supervisor "
                   "nor a worker). Write the name as form 1 has it, or add the person to form 1 "
                   "by a change notification (filing_type change) first.");
        static const char by_handler[] =
            ITK_N_("The handler '%s' is not on %s's form 1 (neither its manager, a supervisor "
                   "nor a worker). Write the name as form 1 has it, or add the person to form 1 "
                   "by a change notification (filing_type change) first.");
        const char *msg = strcmp(field, "verifier") == 0 ? verifier : by_handler;
        char line[1200], shown[256];
        snprintf(line, sizeof(line), itk__(msg), handler,
                 itk_ref_party_shown(shown, sizeof(shown), reg, tree, msg, party));
        missing(k, field, handler, line, itk__("Closest names on form 1: %s."),
                key.ptr ? key.ptr : handler, people);
    }
    itk_buf_dispose(&key);
    json_decref(people);
    return rc;
}

/* The same action on the same item at the same instant, already there:
 * that entry's body (one of bodies), or NULL. */
static const json_t *duplicate(const json_t *bodies, const json_t *body)
{
    const char *action = json_string_value(json_object_get(body, "action"));
    const char *item = json_string_value(json_object_get(body, "item_id"));
    long long t = instant(json_string_value(json_object_get(body, "occurred_at")));
    size_t i;
    json_t *b;
    json_array_foreach(bodies, i, b)
    {
        const char *a = json_string_value(json_object_get(b, "action"));
        if (a && action && strcmp(a, action) == 0 &&
            itk_label_equal(json_string_value(json_object_get(b, "item_id")), item) &&
            instant(json_string_value(json_object_get(b, "occurred_at"))) == t && t >= 0) {
            itk_error_clear();
            return b;
        }
    }
    itk_error_clear();
    return NULL;
}

/* For a register entry (body) that receives or copies an item: the entry
 * among bodies by which the party still holds an item of that number at
 * the entry's time (received or copied not later, and no return, erasure
 * or disposal of it since), else NULL. A second receipt of an item held
 * would make two items to return of one (seed §7: each item returned or
 * disposed once). */
static const json_t *still_held(const json_t *bodies, const json_t *body)
{
    const char *action = json_string_value(json_object_get(body, "action"));
    const char *item = json_string_value(json_object_get(body, "item_id"));
    long long t = instant(json_string_value(json_object_get(body, "occurred_at")));
    const json_t *in = NULL;
    long long in_at = -1, out_at = -1;
    size_t i;
    json_t *b;
    if (!action || !item || t < 0 || (strcmp(action, "received") && strcmp(action, "copied")))
        return NULL;
    json_array_foreach(bodies, i, b)
    {
        const char *a = json_string_value(json_object_get(b, "action"));
        long long at = instant(json_string_value(json_object_get(b, "occurred_at")));
        if (!a || at < 0 || at > t ||
            !itk_label_equal(json_string_value(json_object_get(b, "item_id")), item))
            continue;
        if ((!strcmp(a, "received") || !strcmp(a, "copied")) && at >= in_at) {
            in = b;
            in_at = at;
        } else if (!strcmp(a, "returned") || !strcmp(a, "erased") || !strcmp(a, "disposed"))
            out_at = at > out_at ? at : out_at;
    }
    itk_error_clear();
    return in && out_at < in_at ? in : NULL;
}

/* "<party>/<id>" of party's register entry whose body is body (the newest
 * when several are), into out; "" when none is found. */
static void entry_id(char *out, size_t outsz, itk_registry *reg, git_tree *tree, const char *party,
                     const json_t *body)
{
    itk_record_blob *found = NULL;
    size_t n = 0;
    out[0] = '\0';
    if (itk_tree_record_blobs(&found, &n, reg->repo, tree, party, "register")) {
        itk_error_clear();
        return;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *rec = NULL;
        itk_path_info pi;
        itk_path_classify(&pi, found[i].path);
        if (pi.kind != ITK_PATH_RECORD || strcmp(pi.party, party) != 0 ||
            itk_blob_read_json(&rec, reg->repo, &found[i].blob, found[i].path)) {
            itk_error_clear();
            continue;
        }
        const char *id = json_string_value(json_object_get(rec, "id"));
        if (id && json_equal(json_object_get(rec, "body"), body))
            snprintf(out, outsz, "%s/%s", party, id);
        json_decref(rec);
    }
    itk_record_blobs_free(found, n);
}

/* Every check of itk_refcheck but the duplicate's; *bodies the register
 * entries that count for the items (NULL when the type cites none). */
static int run_checks(check *k, json_t **bodies, itk_registry *reg, git_tree *tree,
                      const char *party, const char *type, const json_t *body,
                      const char *supersedes)
{
    const char *field;
    int below = cited_item_list(type, body, &field) != NULL;
    int items = below || strcmp(type, "register") == 0 || strcmp(type, "form5") == 0;
    int rc;
    if ((rc = check_record_refs(k, reg, tree, type, body)) ||
        (rc = check_workers(k, reg, tree, party, type, body)) ||
        (rc = check_handler(k, reg, tree, party, type, body, "handler")) ||
        (rc = check_handler(k, reg, tree, party, type, body, "verifier")) ||
        (items && (rc = register_bodies(bodies, k, reg, tree, item_holder(type, body, party),
                                        supersedes, below))) ||
        (items && (rc = check_items(k, *bodies, party, type, body))))
        return rc;
    return 0;
}

int itk_refcheck_again(json_t **problems, itk_registry *reg, git_tree *tree, const char *party,
                       const char *type, const json_t *body, json_t *memo)
{
    return itk_refcheck_again_from(problems, reg, tree, party, type, body, memo, NULL);
}

int itk_refcheck_again_from(json_t **problems, itk_registry *reg, git_tree *tree, const char *party,
                            const char *type, const json_t *body, json_t *memo,
                            const itk_refcheck_source *src)
{
    check k = {ITK_BUF_INIT, json_array(), 0, NULL, "", memo, src, reg, tree};
    json_t *bodies = NULL;
    *problems = NULL;
    if (!k.unverified)
        return ITK_ENOMEM;
    int rc = run_checks(&k, &bodies, reg, tree, party, type, body, NULL);
    if (!rc) {
        *problems = k.unverified;
        k.unverified = NULL;
    }
    json_decref(bodies);
    json_decref(k.unverified);
    itk_buf_dispose(&k.problems);
    return rc;
}

/* How far past now (seconds) a time it happened may be before it is noted:
 * a clock a little fast, an entry typed as it happens. */
#define REFCHECK_FUTURE_SLACK 300

/* A line in note (after a line break when it has one) for each time a
 * record says something happened — a register entry's or an incident's
 * occurred_at, an incident's discovered_at, a form 5's performed_at — that
 * is later than now: what happened is recorded, not what is planned; still
 * recorded (a note, not a refusal: a clock may be wrong, and the truth must
 * stay recordable). */
static void future_note(itk_buf *note, itk_registry *reg, const json_t *body)
{
    static const struct {
        const char *field, *msg;
    } happened[] = {
        {"occurred_at",
         ITK_N_("The time it happened (occurred_at), %s, is later than now (%s). If the time is "
                "mistyped, record the entry again with the right time and --supersedes naming "
                "this one.")},
        {"discovered_at",
         ITK_N_("The time it was discovered (discovered_at), %s, is later than now (%s). If the "
                "time is mistyped, record the report again with the right time and --supersedes "
                "naming this one.")},
        {"performed_at",
         ITK_N_("The time it was erased or disposed of (performed_at), %s, is later than now "
                "(%s). If the time is mistyped, submit the certificate again with the right time "
                "and --supersedes naming this one.")},
    };
    int offset = 540, offset_read = 0;
    char now[32] = "";
    for (size_t i = 0; i < sizeof(happened) / sizeof(*happened); i++) {
        const char *at = json_string_value(json_object_get(body, happened[i].field));
        long long t = at ? instant(at) : -1;
        if (t < 0 || t <= (long long)time(NULL) + REFCHECK_FUTURE_SLACK ||
            (!now[0] && itk_registry_now(now, reg))) {
            itk_error_clear();
            continue;
        }
        if (!offset_read++ && itk_registry_offset(&offset, reg))
            itk_error_clear();
        char at_shown[ITK_TIME_SHOWN], now_shown[ITK_TIME_SHOWN];
        if (note->size)
            itk_buf_putc(note, '\n');
        itk_buf_printf(note, itk__(happened[i].msg), itk_time_shown(at_shown, at, offset),
                       itk_time_shown(now_shown, now, offset));
    }
}

/* What a refusal says of a register entry: at, timed's occurred_at in the
 * contract's offset (+09:00 when it cannot be read), and id, entry's record
 * id in cap bytes ("" when not found). */
static void entry_shown(char at[ITK_TIME_SHOWN], char *id, size_t cap, itk_registry *reg,
                        git_tree *tree, const char *party, const json_t *timed, const json_t *entry)
{
    int offset = 540;
    if (itk_registry_offset(&offset, reg))
        itk_error_clear();
    itk_time_shown(at, json_string_value(json_object_get(timed, "occurred_at")), offset);
    entry_id(id, cap, reg, tree, party, entry);
}

int itk_refcheck(json_t **unverified, itk_registry *reg, git_tree *tree, const char *party,
                 const char *type, const json_t *body, const char *supersedes,
                 const itk_ref_options *o)
{
    static const itk_ref_options none = {0, NULL, 0, 0, 0};
    check k = {ITK_BUF_INIT, json_array(), 0, NULL, "", NULL, NULL, reg, tree};
    json_t *bodies = NULL;
    int rc;
    *unverified = NULL;
    if (!o)
        o = &none;
    if (!k.unverified)
        return ITK_ENOMEM;
    if (o->unverified && (!o->reason || !*o->reason)) {
        rc = itk_error_set(ITK_EINVALID, "--unverified-ref needs --reason TEXT: why the "
                                         "reference cannot be found in the registry");
        goto done;
    }
    if (!o->unverified && !o->undesignated_method && o->reason) {
        rc = itk_error_set(ITK_EINVALID, "--reason goes with --unverified-ref: it says why a "
                                         "reference cannot be found in the registry");
        goto done;
    }
    if (itk_labels_open_tree(&k.labels, reg->repo, tree, "ja"))
        itk_error_clear(); /* codes are shown as they are */
    if ((rc = run_checks(&k, &bodies, reg, tree, party, type, body, supersedes)))
        goto done;
    const json_t *twin =
        strcmp(type, "register") == 0 && !o->again ? duplicate(bodies, body) : NULL;
    if (twin) {
        static const char msg[] =
            ITK_N_("%s's register already has an entry '%s' of item number '%s' at %s. If this "
                   "is a second one on purpose, give --again; after an interrupted run it is "
                   "already recorded, and nothing more is needed.");
        static const char named[] =
            ITK_N_("%s's register already has entry %s: '%s' of item number '%s' at %s. If this "
                   "is a second one on purpose, give --again; after an interrupted run it is "
                   "already recorded, and nothing more is needed.");
        const char *action = json_string_value(json_object_get(body, "action"));
        const char *item = json_string_value(json_object_get(body, "item_id"));
        char at[ITK_TIME_SHOWN], id[128], shown[256];
        entry_shown(at, id, sizeof(id), reg, tree, party, body, twin);
        /* a correction the same as another entry would make a second one
         * of it: --again is no advice there */
        static const char corrected[] =
            ITK_N_("%s's register already has entry %s: '%s' of item number '%s' at %s, the "
                   "same as this correction of %s would be. If %s is the entry to correct, give "
                   "--supersedes %s; else correct the action, item number or time.");
        if (supersedes)
            rc = itk_error_set(
                ITK_EEXISTS, corrected,
                itk_ref_party_shown(shown, sizeof(shown), reg, tree, corrected, party), id,
                itk_ref_code_shown(k.labels, corrected, "action", action), item, at, supersedes, id,
                strchr(id, '/') ? strchr(id, '/') + 1 : id);
        else if (id[0])
            rc = itk_error_set(ITK_EEXISTS, named,
                               itk_ref_party_shown(shown, sizeof(shown), reg, tree, named, party),
                               id, itk_ref_code_shown(k.labels, named, "action", action), item, at);
        else
            rc = itk_error_set(ITK_EEXISTS, msg,
                               itk_ref_party_shown(shown, sizeof(shown), reg, tree, msg, party),
                               itk_ref_code_shown(k.labels, msg, "action", action), item, at);
        goto done;
    }
    const json_t *held =
        strcmp(type, "register") == 0 && !o->again && !supersedes ? still_held(bodies, body) : NULL;
    if (held) {
        static const char msg[] =
            ITK_N_("%s already holds item number '%s': entry %s (%s, %s) and no return, erasure "
                   "or disposal of it since. A second '%s' of it would be a second item to "
                   "return. If the number is mistyped, correct it; if a second item of that "
                   "number was really received, give --again (the truth is recorded, and the "
                   "item is returned once).");
        const char *action = json_string_value(json_object_get(body, "action"));
        const char *was = json_string_value(json_object_get(held, "action"));
        const char *item = json_string_value(json_object_get(body, "item_id"));
        char at[ITK_TIME_SHOWN], id[128], shown[256];
        entry_shown(at, id, sizeof(id), reg, tree, party, held, held);
        rc = itk_error_set(ITK_EEXISTS, msg,
                           itk_ref_party_shown(shown, sizeof(shown), reg, tree, msg, party), item,
                           id[0] ? id : "-", itk_ref_code_shown(k.labels, msg, "action", was), at,
                           itk_ref_code_shown(k.labels, msg, "action", action));
        goto done;
    }
    if (k.nproblems && !o->unverified) {
        rc = itk_error_set(ITK_ENOTFOUND,
                           "%s\nIf what is cited is true but cannot be in the registry (an item "
                           "received before the registry existed, a person not yet on form 1), "
                           "record it as it is with --unverified-ref --reason TEXT; status will "
                           "show it.",
                           k.problems.ptr);
        goto done;
    }
    if (!k.nproblems && o->unverified) {
        static const char msg[] =
            ITK_N_("--unverified-ref: everything this %s cites is in the registry; leave "
                   "--unverified-ref out.");
        rc = itk_error_set(ITK_EINVALID, msg, itk_ref_code_shown(k.labels, msg, "type", type));
        goto done;
    }
    /* the notes of a write that goes ahead, one per line */
    itk_buf note = ITK_BUF_INIT;
    if (k.handler_as[0]) {
        static const char msg[] =
            ITK_N_("The handler '%s' is taken as '%s' of %s's form 1: the two names differ only "
                   "in variant forms of the same kanji (異体字). If this is someone else, add "
                   "that person to form 1 first.");
        char shown[256];
        itk_buf_printf(&note, itk__(msg), json_string_value(json_object_get(body, "handler")),
                       k.handler_as,
                       itk_ref_party_shown(shown, sizeof(shown), reg, tree, msg, party));
    }
    future_note(&note, reg, body);
    if (note.size)
        itk_notice_set("%s", note.ptr);
    itk_buf_dispose(&note);
    if (k.nproblems) {
        size_t i;
        json_t *u;
        json_array_foreach(k.unverified, i, u)
            json_object_set_new(u, "reason", json_string(o->reason));
        *unverified = k.unverified;
        k.unverified = NULL;
    }
done:
    itk_labels_free(k.labels);
    json_decref(bodies);
    json_decref(k.unverified);
    itk_buf_dispose(&k.problems);
    return rc;
}
