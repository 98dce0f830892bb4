/* The accountability history behind `itaku log` and `itaku history`: the
 * commits verify walked, each with its date in the contract's zone, the
 * obligations sections it touches and the records a merge brings in; and the
 * story of one record. Verification itself is verify.c's; this only reads. */
#include "itaku/history.h"
#include "itaku/dates.h"
#include "itaku/form_input.h"
#include "itaku/errors.h"
#include "intl.h"
#include "itaku/json.h"
#include "itaku/kessai_draft.h"
#include "itaku/labels.h"
#include "itaku/party.h"
#include "itaku/people.h"
#include "itaku/refcheck.h"
#include "itaku/snapshot.h"
#include "itaku/utf8.h"
#include "itaku/status.h"
#include "itaku/textnorm.h"
#include "alloc.h"
#include "array.h"
#include "log_cache.h"
#include "registry_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct itk_log {
    itk_verify_result *verify;
    /* one per commit, oldest first; what each merge received is kept once,
     * in lc (log_cache.h: each path once), not in the entries (received is
     * NULL there, nreceived its count) */
    itk_log_entry *all;
    size_t nall;
    itk_lcache *lc;
    size_t *shown; /* indexes into all, newest first */
    size_t nshown;
    int offset;
    itk_log_entry got; /* the entry itk_log_get gave last, with its received paths */
    char **got_paths;
    size_t got_cap;
};

static void report(itk_progress_cb cb, void *payload, const char *what, size_t done, size_t total)
{
    if (cb)
        cb(itk__(what), done, total, payload);
}

static const char *body_str(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(json_object_get(rec, "body"), key));
}

/* Appends section s to the comma-separated list out, once. */
static void add_section(char out[48], const char *s)
{
    if (!s || !*s)
        return;
    char list[50];
    snprintf(list, sizeof(list), ",%s,", out);
    char needle[16];
    snprintf(needle, sizeof(needle), ",%s,", s);
    if (strstr(list, needle))
        return;
    size_t l = strlen(out);
    snprintf(out + l, 48 - l, "%s%s", l ? "," : "", s);
}

static void add_sections(char out[48], const char *list)
{
    char copy[48];
    snprintf(copy, sizeof(copy), "%s", list);
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        add_section(out, t);
}

static const char *request_kind_section(const char *kind)
{
    if (!kind)
        return NULL;
    return strcmp(kind, "subcontract") == 0 ? "8" : "4";
}

/* The section of the request "<party>/<rec>" as tree holds it. */
static const char *named_request_section(git_repository *repo, const git_tree *tree,
                                         const char *name)
{
    const char *slash = name ? strchr(name, '/') : NULL;
    if (!slash || !tree || slash - name > ITK_PARTY_ID_MAX)
        return NULL;
    char path[200];
    json_t *rec = NULL;
    snprintf(path, sizeof(path), "parties/%.*s/requests/%s.json", (int)(slash - name), name,
             slash + 1);
    if (itk_tree_read_json(&rec, repo, tree, path)) {
        itk_error_clear();
        return NULL;
    }
    const char *s = request_kind_section(body_str(rec, "kind"));
    json_decref(rec);
    return s;
}

int itk_record_sections(char out[48], git_repository *repo, const git_tree *tree, const char *path,
                        const json_t *record)
{
    itk_path_info pi;
    out[0] = '\0';
    itk_path_classify(&pi, path);
    if (pi.kind == ITK_PATH_PARTY) {
        const char *role = body_str(record, "role");
        if (role && strcmp(role, "subcontractor") == 0)
            add_section(out, "8");
        return 0;
    }
    if (pi.kind != ITK_PATH_RECORD || !pi.type)
        return 0;
    static const struct {
        const char *type, *section;
    } fixed[] = {
        {"form1", "2"},      {"form2", "3"}, {"register", "4"},  {"form4", "5"},
        {"inspection", "6"}, {"form5", "7"}, {"incident", "10"}, {"ack", "8"},
    };
    const char *t = pi.type->type;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
        if (strcmp(fixed[i].type, t) == 0)
            add_section(out, fixed[i].section);
    const char *action = body_str(record, "action");
    if (strcmp(t, "register") == 0 && action &&
        (!strcmp(action, "returned") || !strcmp(action, "erased") || !strcmp(action, "disposed")))
        add_section(out, "7");
    if (strcmp(t, "request") == 0)
        add_section(out, request_kind_section(body_str(record, "kind")));
    if (strcmp(t, "endorsement") == 0 || strcmp(t, "decision") == 0)
        add_section(out, named_request_section(repo, tree, body_str(record, "request")));
    if (strcmp(t, "instruction") == 0) {
        const char *k = body_str(record, "kind");
        static const struct {
            const char *kind, *section;
        } kinds[] = {{"report", "5"},
                     {"inspection", "6"},
                     {"return", "7"},
                     {"dispose", "7"},
                     {"incident-follow-up", "10"}};
        for (size_t i = 0; k && i < sizeof(kinds) / sizeof(*kinds); i++)
            if (strcmp(kinds[i].kind, k) == 0)
                add_section(out, kinds[i].section);
    }
    return 0;
}

/* A record's sections never change (records are append-only), and a record
 * climbs the chain in several receipts: each path is read once, memo keeps
 * its sections. */
static int path_sections(char out[48], git_repository *repo, const git_tree *tree, const char *path,
                         json_t *memo)
{
    const char *known = json_string_value(json_object_get(memo, path));
    if (known) {
        add_sections(out, known);
        return 0;
    }
    json_t *rec = NULL;
    if (itk_tree_read_json(&rec, repo, tree, path)) {
        itk_error_clear(); /* a broken record is verify's finding, not ours */
        return 0;
    }
    char s[48];
    itk_record_sections(s, repo, tree, path, rec);
    add_sections(out, s);
    json_object_set_new(memo, path, json_string(s));
    json_decref(rec);
    return 0;
}

static int is_record_path(const char *path)
{
    itk_path_info pi;
    itk_path_classify(&pi, path);
    return pi.kind == ITK_PATH_RECORD || pi.kind == ITK_PATH_PARTY || pi.kind == ITK_PATH_KEY;
}

/* The paths of blobs in after and not in before (NULL: an empty tree)
 * under prefix, in the order of git's tree walk (git_diff_tree_to_tree's
 * added deltas): a subtree whose id is the same on both sides is not read. */
static int added_paths(char ***list, size_t *n, size_t *cap, git_repository *repo,
                       const git_tree *before, const git_tree *after, const char *prefix, int depth)
{
    int rc = 0;
    if (depth > 64)
        return itk_error_set(ITK_EINVALID, "a tree nested deeper than 64 under %.200s", prefix);
    for (size_t i = 0; !rc && i < git_tree_entrycount(after); i++) {
        const git_tree_entry *ea = git_tree_entry_byindex(after, i);
        const char *name = git_tree_entry_name(ea);
        git_object_t ta = git_tree_entry_type(ea);
        const git_tree_entry *eb = before ? git_tree_entry_byname(before, name) : NULL;
        if (eb && git_tree_entry_type(eb) != ta)
            eb = NULL; /* a blob become a tree, or the other way: all of it is new */
        if (eb && git_oid_equal(git_tree_entry_id(eb), git_tree_entry_id(ea)))
            continue;
        size_t plen = strlen(prefix) + strlen(name) + 2;
        char *path = malloc(plen);
        if (!path)
            return ITK_ENOMEM;
        snprintf(path, plen, "%s%s", prefix, name);
        if (ta == GIT_OBJECT_BLOB) {
            if (!eb && (itk_array_reserve(list, cap, *n + 1, sizeof(**list)) == 0)) {
                (*list)[(*n)++] = path;
                path = NULL;
            } else if (!eb)
                rc = ITK_ENOMEM;
        } else if (ta == GIT_OBJECT_TREE) {
            git_tree *sa = NULL, *sb = NULL;
            if (git_tree_lookup(&sa, repo, git_tree_entry_id(ea)) < 0 ||
                (eb && git_tree_lookup(&sb, repo, git_tree_entry_id(eb)) < 0))
                rc = itk_error_git("cannot read the tree %s", path);
            else {
                snprintf(path, plen, "%s%s/", prefix, name);
                rc = added_paths(list, n, cap, repo, sb, sa, path, depth + 1);
            }
            git_tree_free(sa);
            git_tree_free(sb);
        }
        free(path);
    }
    return rc;
}

/* A merge: the records its second parent's line brings in. */
static int merge_received(itk_log_entry *e, git_repository *repo, const git_commit *c,
                          const git_tree *tree)
{
    git_commit *p1 = NULL;
    git_tree *t1 = NULL;
    char **added = NULL;
    size_t nadded = 0, cap = 0;
    int rc = 0;
    if (git_commit_parent(&p1, c, 0) < 0 || git_commit_tree(&t1, p1) < 0) {
        rc = itk_error_git("cannot read merge %s", git_oid_tostr_s(git_commit_id(c)));
        goto done;
    }
    if ((rc = added_paths(&added, &nadded, &cap, repo, t1, tree, "", 0)))
        goto done;
    e->received = itk_calloc(nadded ? nadded : 1, sizeof(char *));
    if (!e->received) {
        rc = ITK_ENOMEM;
        goto done;
    }
    for (size_t d = 0; d < nadded; d++) {
        const char *p = added[d];
        int own = 0;
        if (!is_record_path(p))
            continue;
        for (size_t k = 0; k < e->info->nrecords && !own; k++)
            own = strcmp(e->info->records[k], p) == 0;
        if (own)
            continue;
        e->received[e->nreceived++] = added[d];
        added[d] = NULL;
    }
done:
    for (size_t d = 0; d < nadded; d++)
        free(added[d]);
    free(added);
    git_tree_free(t1);
    git_commit_free(p1);
    return rc;
}

static int entry_fill(itk_log_entry *e, git_repository *repo, const itk_commit_info *ci, int offset,
                      json_t *memo)
{
    git_commit *c = NULL;
    git_tree *tree = NULL;
    int rc = 0;
    e->info = ci;
    itk_format_time(e->date, ci->time, offset);
    if (git_commit_lookup(&c, repo, &ci->id) < 0 || git_commit_tree(&tree, c) < 0) {
        rc = itk_error_git("cannot read commit %s", git_oid_tostr_s(&ci->id));
        goto done;
    }
    for (size_t k = 0; k < ci->nrecords; k++)
        path_sections(e->sections, repo, tree, ci->records[k], memo);
    if (ci->nparents == 2 && (rc = merge_received(e, repo, c, tree)) == 0)
        for (size_t k = 0; k < e->nreceived; k++)
            path_sections(e->sections, repo, tree, e->received[k], memo);
done:
    git_tree_free(tree);
    git_commit_free(c);
    return rc;
}

/* Path k of what entry c received. */
static const char *received_at(const itk_log *log, size_t c, size_t k)
{
    const char *p = itk_lcache_received(log->lc, &log->all[c].info->id, k);
    return p ? p : "";
}

void itk_log_free(itk_log *log)
{
    if (!log)
        return;
    itk_lcache_free(log->lc);
    free(log->got_paths);
    free(log->all);
    free(log->shown);
    itk_verify_result_free(log->verify);
    free(log);
}

/* Every commit reachable from revs (NULL: every local ref), oldest first. */
static int log_build(itk_log **out, itk_registry *reg, const char **revs, size_t nrevs,
                     itk_progress_cb cb, void *payload)
{
    itk_log *log = itk_calloc(1, sizeof(*log));
    int rc;
    *out = NULL;
    if (!log)
        return ITK_ENOMEM;
    report(cb, payload, ITK_N_("verifying history"), 0, 0);
    if ((rc = itk_verify_run(&log->verify, reg, revs, nrevs, NULL)) ||
        (rc = itk_registry_offset(&log->offset, reg)))
        goto done;
    size_t n = itk_verify_commit_count(log->verify);
    log->all = itk_calloc(n, sizeof(*log->all));
    log->shown = itk_calloc(n, sizeof(*log->shown));
    if (!log->all || !log->shown) {
        rc = ITK_ENOMEM;
        goto done;
    }
    /* what each commit's trees say is read once per commit and build
     * (log_cache.h); only commits new since are read again */
    json_t *memo = json_object();
    if (!memo || (rc = itk_lcache_load(&log->lc, reg->repo))) {
        json_decref(memo);
        rc = rc ? rc : itk_error_nomem();
        goto done;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        const itk_commit_info *ci = itk_verify_commit(log->verify, i);
        itk_log_entry *e = &log->all[i];
        log->nall = i + 1;
        if (itk_lcache_peek(log->lc, &ci->id, e->sections, &e->nreceived)) {
            e->info = ci;
            itk_format_time(e->date, ci->time, log->offset);
        } else {
            /* kept in the cache alone, where each path is kept once */
            if (!(rc = entry_fill(e, reg->repo, ci, log->offset, memo)))
                rc = itk_lcache_put(log->lc, &ci->id, e);
            itk_string_list_free(e->received, e->nreceived);
            e->received = NULL;
        }
        if (i % 16 == 0 || i + 1 == n)
            report(cb, payload, ITK_N_("reading history"), i + 1, n);
    }
    if (!rc)
        itk_lcache_save(log->lc, reg->repo);
    json_decref(memo);
    /* room for the most paths an entry received, for itk_log_get */
    size_t most = 1;
    for (size_t i = 0; i < log->nall; i++)
        most = log->all[i].nreceived > most ? log->all[i].nreceived : most;
    if (!rc && itk_array_reserve(&log->got_paths, &log->got_cap, most, sizeof(char *)))
        rc = ITK_ENOMEM;
done:
    if (rc)
        itk_log_free(log);
    else
        *out = log;
    return rc;
}

/* "4(2)" and "4" both mean section 4. */
static int section_matches(const char *sections, const char *want)
{
    char w[16], list[50], needle[20];
    size_t n = strspn(want, "0123456789");
    snprintf(w, sizeof(w), "%.*s", (int)(n ? n : strlen(want)), want);
    snprintf(list, sizeof(list), ",%s,", sections);
    snprintf(needle, sizeof(needle), ",%s,", w);
    return strstr(list, needle) != NULL;
}

int itk_log_run(itk_log **out, itk_registry *reg, const itk_log_options *o)
{
    const char *head[] = {"HEAD"};
    long long since = 0, until = 0;
    int rc, offset;
    *out = NULL;
    if ((rc = itk_registry_offset(&offset, reg)))
        return rc;
    if (o && o->since && (rc = itk_time_parse(&since, o->since, offset, 0)))
        return rc;
    if (o && o->until && (rc = itk_time_parse(&until, o->until, offset, 1)))
        return rc;
    if (o && o->section && !*o->section)
        return itk_error_set(ITK_EINVALID, "--section needs a section number (2 … 12)");
    itk_log *log = NULL;
    if ((rc =
             log_build(&log, reg, head, 1, o ? o->progress : NULL, o ? o->progress_payload : NULL)))
        return rc;
    for (size_t i = log->nall; i-- > 0;) {
        const itk_log_entry *e = &log->all[i];
        if (o && o->party && strcmp(e->info->party, o->party) != 0)
            continue;
        if (o && o->action && strcmp(e->info->action, o->action) != 0)
            continue;
        if (o && o->section && !section_matches(e->sections, o->section))
            continue;
        if (o && o->since && e->info->time < since)
            continue;
        if (o && o->until && e->info->time > until)
            continue;
        log->shown[log->nshown++] = i;
    }
    *out = log;
    return 0;
}

size_t itk_log_count(const itk_log *log)
{
    return log->nshown;
}

const itk_log_entry *itk_log_get(const itk_log *log, size_t i)
{
    if (i >= log->nshown)
        return NULL;
    itk_log *w = (itk_log *)log; /* the entry given is filled on demand */
    size_t c = log->shown[i];
    w->got = log->all[c];
    w->got.received = NULL;
    for (size_t k = 0; k < w->got.nreceived; k++)
        w->got_paths[k] = (char *)received_at(log, c, k);
    if (w->got.nreceived)
        w->got.received = w->got_paths;
    return &w->got;
}

int itk_log_offset(const itk_log *log)
{
    return log->offset;
}

/* --- the story of one record -------------------------------------------- */

struct itk_story {
    char subject[100];
    int missing;
    itk_story_step *steps;
    size_t n, cap;
};

void itk_story_free(itk_story *st)
{
    if (!st)
        return;
    free(st->steps);
    free(st);
}

const char *itk_story_subject(const itk_story *st)
{
    return st->subject;
}

int itk_story_missing(const itk_story *st)
{
    return st->missing;
}

size_t itk_story_count(const itk_story *st)
{
    return st->n;
}

const itk_story_step *itk_story_get(const itk_story *st, size_t i)
{
    return i < st->n ? &st->steps[i] : NULL;
}

/* Every record some commit added (its Itaku-Record), with that commit. */
typedef struct {
    char name[100];
    char path[200];
    size_t commit; /* index into the log, oldest first */
    json_t *rec;   /* NULL when unreadable */
} story_rec;

typedef struct {
    itk_log *log;
    story_rec *recs;
    size_t n;
    itk_story *st;
    size_t *order; /* per step: commit index, to sort by history */
    size_t norder, aorder;
    itk_labels *labels; /* the built-in catalog: record types and fields in the
                           paper's words on a translated screen; opened at first need */
    int labels_tried;
    /* HEAD, its tree and the void commits it records (V9), for whether a
     * decision still stands; found at first need (vw_state 1, or -1 when
     * there is no HEAD) */
    git_repository *repo;
    git_oid head;
    git_tree *head_tree;
    itk_void_writes vw;
    int vw_state;
} story_ctx;

static int add_step(story_ctx *s, size_t commit, const char *what, const story_rec *r, int depth,
                    const char *detail)
{
    itk_story *st = s->st;
    if (itk_array_reserve(&st->steps, &st->cap, st->n + 1, sizeof(*st->steps)) ||
        itk_array_reserve(&s->order, &s->aorder, st->n + 1, sizeof(*s->order)))
        return ITK_ENOMEM;
    const itk_log_entry *e = &s->log->all[commit];
    itk_story_step *p = &st->steps[st->n];
    memset(p, 0, sizeof(*p));
    snprintf(p->what, sizeof(p->what), "%s", what);
    if (r) {
        itk_path_info pi;
        itk_path_classify(&pi, r->path);
        snprintf(p->record, sizeof(p->record), "%s", r->name);
        snprintf(p->path, sizeof(p->path), "%s", r->path);
        snprintf(p->type, sizeof(p->type), "%s",
                 pi.type                     ? pi.type->type
                 : pi.kind == ITK_PATH_PARTY ? "party"
                                             : "");
    }
    snprintf(p->party, sizeof(p->party), "%s", e->info->party);
    snprintf(p->principal, sizeof(p->principal), "%s", e->info->principal);
    snprintf(p->action, sizeof(p->action), "%s", e->info->action);
    git_oid_tostr(p->commit, sizeof(p->commit), &e->info->id);
    snprintf(p->date, sizeof(p->date), "%s", e->date);
    itk_copy_utf8(p->detail, sizeof(p->detail), detail);
    p->depth = depth;
    p->verified = e->info->ok;
    p->is_void = e->info->is_void;
    p->recovered = e->info->recovered;
    s->order[st->n++] = commit;
    return 0;
}

/* Fields holding a 管理番号, compared as labels (itk_label_equal). */
static int is_item_field(const char *key)
{
    return key &&
           (!strcmp(key, "item_id") || !strcmp(key, "item_ids") || !strcmp(key, "derived_from"));
}

/* Does v (any JSON below a body) hold the string name? field gets the key. */
static int mentions(const json_t *v, const char *name, const char **field, const char *key)
{
    if (json_is_string(v)) {
        if (strcmp(json_string_value(v), name) == 0 ||
            (is_item_field(key) && itk_label_equal(json_string_value(v), name))) {
            *field = key;
            return 1;
        }
        return 0;
    }
    const char *k;
    json_t *x;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, x) if (mentions(x, name, field, k)) return 1;
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x) if (mentions(x, name, field, key)) return 1;
    }
    return 0;
}

/* Receipts of r up the chain: merges (not pulls) that bring it in. */
static int add_receipts(story_ctx *s, const story_rec *r, int depth)
{
    for (size_t c = r->commit + 1; c < s->log->nall; c++) {
        const itk_log_entry *e = &s->log->all[c];
        if (strcmp(e->info->action, "pull") == 0)
            continue;
        for (size_t k = 0; k < e->nreceived; k++)
            if (strcmp(received_at(s->log, c, k), r->path) == 0) {
                char d[512];
                snprintf(d, sizeof(d), itk__("%s received by %s"), r->name, e->info->party);
                int rc = add_step(s, c, "received", r, depth, d);
                if (rc)
                    return rc;
            }
    }
    return 0;
}

/* Whether the decision r still stands as HEAD records the compromises
 * (itk_kessai_decision_standing); when not, the last step (r's decided
 * step) says why. A decision HEAD does not hold is left as it is. */
static int mark_decision_standing(story_ctx *s, const story_rec *r)
{
    itk_kessai_standing st;
    if (!s->vw_state) {
        git_object *o = NULL;
        s->vw_state = -1;
        if (git_revparse_single(&o, s->repo, "HEAD^{commit}") == 0) {
            s->head = *git_object_id(o);
            if (git_commit_tree(&s->head_tree, (git_commit *)o) == 0)
                s->vw_state = 1;
        }
        git_object_free(o);
        git_error_clear();
        int rc = s->vw_state == 1 ? itk_void_writes_at(&s->vw, s->repo, &s->head) : 0;
        if (rc)
            return rc;
    }
    if (s->vw_state != 1 || !s->vw.n)
        return 0;
    int rc = itk_kessai_decision_standing(&st, s->repo, s->head_tree, &s->head, r->path, &s->vw);
    if (rc == ITK_ENOMEM)
        return rc;
    itk_error_clear(); /* not in HEAD, or unreadable: verify's finding */
    if (rc || st.stands)
        return 0;
    itk_story_step *p = &s->st->steps[s->st->n - 1];
    p->decision_void = 1;
    for (size_t k = 0; k < st.nvoid; k++) {
        size_t l = strlen(p->void_seals);
        snprintf(p->void_seals + l, sizeof(p->void_seals) - l, "%s%s", l ? ", " : "",
                 st.void_seals[k]);
    }
    snprintf(p->void_missing, sizeof(p->void_missing), "%s", st.missing);
    snprintf(p->void_rule, sizeof(p->void_rule), "%s", st.source);
    return 0;
}

/* The records that cite `name`, as steps of the given depth; their indexes
 * are appended to found. */
static int add_citations(story_ctx *s, const char *name, const story_rec *subject, int depth,
                         size_t *found, size_t *nfound, size_t cap)
{
    for (size_t i = 0; i < s->n; i++) {
        const story_rec *r = &s->recs[i];
        if (!r->rec || r == subject || strcmp(r->name, name) == 0)
            continue;
        int seen = 0;
        for (size_t k = 0; k < *nfound && !seen; k++)
            seen = found[k] == i;
        if (seen)
            continue;
        const json_t *body = json_object_get(r->rec, "body");
        const char *type = json_string_value(json_object_get(r->rec, "type"));
        const char *sup = json_string_value(json_object_get(r->rec, "supersedes"));
        const char *field = NULL;
        char what[16] = "", detail[512] = "";
        itk_path_info pi, spi;
        itk_path_classify(&pi, r->path);
        if (subject)
            itk_path_classify(&spi, subject->path);
        if (!type)
            continue;
        if (body_str(r->rec, "withdraws") && !strcmp(body_str(r->rec, "withdraws"), name)) {
            snprintf(what, sizeof(what), "withdrawn");
            snprintf(detail, sizeof(detail), itk__("%s withdraws %s"), r->name, name);
        } else if (sup && subject && depth == 1 && pi.type == spi.type &&
                   strcmp(pi.party, spi.party) == 0 && strcmp(sup, spi.id) == 0) {
            /* an instruction withdrawn (instruct withdraw) is superseded
             * by a version that says so: a withdrawal, not a correction */
            int withdrawn = json_is_true(json_object_get(body, "withdrawn"));
            snprintf(what, sizeof(what), withdrawn ? "withdrawn" : "superseded");
            snprintf(detail, sizeof(detail),
                     withdrawn ? itk__("withdrawn by %s") : itk__("superseded by %s"), r->name);
            if (!withdrawn && json_is_true(json_object_get(body, "backdated"))) {
                size_t len = strlen(detail);
                snprintf(detail + len, sizeof(detail) - len, "%s",
                         itk__("; backdated: a date it sets was already past when it was "
                               "recorded"));
            }
            /* an instruction's correction: the new due time, and why */
            const char *due = body_str(r->rec, "due"), *why = body_str(r->rec, "reason");
            size_t len = strlen(detail);
            if (!withdrawn && body_str(r->rec, "amends") && due) {
                char shown[ITK_TIME_SHOWN];
                /* TRANSLATORS: the new due date and time */
                snprintf(detail + len, sizeof(detail) - len, itk__("; amended: due %s"),
                         itk_time_shown(shown, due, itk_log_offset(s->log)));
                len = strlen(detail);
            }
            if (body_str(r->rec, "amends") && why)
                /* TRANSLATORS: the reason given for amending or withdrawing */
                snprintf(detail + len, sizeof(detail) - len, itk__("; reason: %s"), why);
        } else if (!strcmp(type, "endorsement") && body_str(r->rec, "request") &&
                   !strcmp(body_str(r->rec, "request"), name)) {
            const char *v = body_str(r->rec, "verdict");
            const char *why = body_str(r->rec, "reason");
            int decline = v && !strcmp(v, "decline");
            snprintf(what, sizeof(what), decline ? "declined" : "endorsed");
            if (why)
                snprintf(detail, sizeof(detail),
                         decline ? itk__("%s declines to forward: %s") : itk__("%s endorses: %s"),
                         pi.party, why);
            else
                snprintf(detail, sizeof(detail),
                         decline ? itk__("%s declines to forward") : itk__("%s endorses"),
                         pi.party);
        } else if (!strcmp(type, "decision") && body_str(r->rec, "request") &&
                   !strcmp(body_str(r->rec, "request"), name)) {
            const char *out = body_str(r->rec, "outcome");
            const char *why = body_str(r->rec, "reason");
            const char *until = body_str(r->rec, "valid_until");
            json_t *mu = json_object_get(json_object_get(r->rec, "body"), "max_uses");
            char extra[256] = "";
            if (until)
                snprintf(extra, sizeof(extra), itk__(", valid until %s"), until);
            if (json_is_integer(mu))
                snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
                         itk_n_(", at most %lld use", ", at most %lld uses",
                                (unsigned long)json_integer_value(mu)),
                         (long long)json_integer_value(mu));
            snprintf(what, sizeof(what), "decided");
            if (why)
                /* TRANSLATORS: the outcome (approved, rejected, returned), the
                 * limits of an approval, then the city's reason */
                snprintf(detail, sizeof(detail), itk__("%s%s: %s"), out ? out : "?", extra, why);
            else
                snprintf(detail, sizeof(detail), "%s%s", out ? out : "?", extra);
        } else if (!strcmp(type, "draft") && body_str(r->rec, "request") &&
                   !strcmp(body_str(r->rec, "request"), name)) {
            /* 決裁 (V12): the draft, then each seal */
            const char *why = body_str(r->rec, "reason");
            const char *drafter = body_str(r->rec, "drafter") ? body_str(r->rec, "drafter") : "?";
            const char *post = body_str(r->rec, "post") ? body_str(r->rec, "post") : "?";
            const char *outcome = body_str(r->rec, "outcome") ? body_str(r->rec, "outcome") : "?";
            snprintf(what, sizeof(what), "drafted");
            if (why)
                /* TRANSLATORS: drafter, post, proposed outcome, reason */
                snprintf(detail, sizeof(detail), itk__("起案 by %s (%s), proposing %s: %s"),
                         drafter, post, outcome, why);
            else
                /* TRANSLATORS: drafter, post, proposed outcome */
                snprintf(detail, sizeof(detail), itk__("起案 by %s (%s), proposing %s"), drafter,
                         post, outcome);
        } else if (!strcmp(type, "seal") && body_str(r->rec, "request") &&
                   !strcmp(body_str(r->rec, "request"), name)) {
            const char *why = body_str(r->rec, "reason");
            const char *af = body_str(r->rec, "acting_for");
            const char *who = body_str(r->rec, "principal") ? body_str(r->rec, "principal") : "?";
            const char *post = body_str(r->rec, "post") ? body_str(r->rec, "post") : "?";
            const char *verdict = body_str(r->rec, "verdict") ? body_str(r->rec, "verdict") : "?";
            snprintf(what, sizeof(what), "sealed");
            if (af && why)
                /* TRANSLATORS: who sealed, post, for whom (代決), verdict, reason */
                snprintf(detail, sizeof(detail), itk__("決裁 by %s (%s, 代決 for %s): %s: %s"), who,
                         post, af, verdict, why);
            else if (af)
                /* TRANSLATORS: who sealed, post, for whom (代決), verdict */
                snprintf(detail, sizeof(detail), itk__("決裁 by %s (%s, 代決 for %s): %s"), who,
                         post, af, verdict);
            else if (why)
                /* TRANSLATORS: who sealed, post, verdict, reason */
                snprintf(detail, sizeof(detail), itk__("決裁 by %s (%s): %s: %s"), who, post,
                         verdict, why);
            else
                /* TRANSLATORS: who sealed, post, verdict */
                snprintf(detail, sizeof(detail), itk__("決裁 by %s (%s): %s"), who, post, verdict);
        } else if (mentions(body, name, &field, "body")) {
            int answer = !strcmp(field, "instruction_ref") || !strcmp(field, "first_report_ref");
            static const char answers[] = ITK_N_("%s (%s) answers %s in %s"),
                              cites[] = ITK_N_("%s (%s) cites %s in %s");
            const char *msg = answer ? answers : cites;
            if (!s->labels_tried) {
                s->labels_tried = 1;
                if (itk_labels_builtin(&s->labels, "ja"))
                    itk_error_clear(); /* codes are shown as they are */
            }
            snprintf(what, sizeof(what), answer ? "answered" : "cited");
            /* 履行状況報告書 and 指示 on a Japanese screen, form4 and
             * instruction_ref in English */
            snprintf(detail, sizeof(detail), itk__(msg), r->name,
                     itk_ref_code_shown(s->labels, msg, "type", type), name,
                     itk_ref_code_shown(s->labels, msg, "ref_field", field));
        } else {
            continue;
        }
        int rc = add_step(s, r->commit, what, r, depth, detail);
        if (!rc && !strcmp(what, "decided"))
            rc = mark_decision_standing(s, r);
        if (!rc && *nfound < cap)
            found[(*nfound)++] = i;
        /* a draft and its seals reach main in the decision's own merge */
        if (!rc && depth == 1 && strcmp(type, "draft") != 0 && strcmp(type, "seal") != 0)
            rc = add_receipts(s, r, depth);
        if (rc)
            return rc;
    }
    return 0;
}

static int resolve(story_ctx *s, const char *typed, const story_rec **subject, char out[100])
{
    /* r-2, q-1, full-width digits: the id as a record's id is written */
    char name[100];
    itk_record_id_input(name, sizeof(name), typed, NULL, NULL);
    size_t hits = 0, nl = strlen(name);
    char which[400] = "";
    *subject = NULL;
    for (size_t i = 0; i < s->n; i++) {
        const char *full = s->recs[i].name;
        size_t fl = strlen(full);
        if (fl < nl || strcmp(full + fl - nl, name) != 0 ||
            (fl > nl && full[fl - nl - 1] != '/' && full[fl - nl - 1] != '-'))
            continue;
        if (*subject && strcmp((*subject)->name, full) == 0)
            continue; /* the same record, read again */
        /* the records it may mean, named for the person to pick one */
        if (!strstr(which, full) && strlen(which) + strlen(full) + 3 < sizeof(which))
            snprintf(which + strlen(which), sizeof(which) - strlen(which), "%s%s",
                     which[0] ? ", " : "", full);
        if (!hits++)
            *subject = &s->recs[i];
    }
    if (hits > 1)
        return itk_error_set(ITK_ECONFLICT, "'%.64s' names %zu records (%s); write one of them",
                             name, hits, which);
    if (*subject)
        snprintf(out, 100, "%s", (*subject)->name);
    else
        snprintf(out, 100, "%s", name);
    return 0;
}

static int by_history(story_ctx *s)
{
    /* insertion sort: stories are short; stable, so depth order holds within a commit */
    itk_story *st = s->st;
    for (size_t i = 1; i < st->n; i++) {
        itk_story_step tmp = st->steps[i];
        size_t o = s->order[i], j = i;
        while (j > 0 && s->order[j - 1] > o) {
            st->steps[j] = st->steps[j - 1];
            s->order[j] = s->order[j - 1];
            j--;
        }
        st->steps[j] = tmp;
        s->order[j] = o;
    }
    return 0;
}

static int gather_story_recs(story_ctx *s, git_repository *repo, itk_progress_cb cb, void *payload)
{
    size_t total = 0;
    for (size_t c = 0; c < s->log->nall; c++)
        total += s->log->all[c].info->nrecords;
    s->recs = itk_calloc(total, sizeof(*s->recs));
    if (!s->recs)
        return ITK_ENOMEM;
    for (size_t c = 0; c < s->log->nall; c++) {
        const itk_commit_info *ci = s->log->all[c].info;
        git_commit *cm = NULL;
        git_tree *tree = NULL;
        if (ci->nrecords &&
            (git_commit_lookup(&cm, repo, &ci->id) < 0 || git_commit_tree(&tree, cm) < 0)) {
            git_commit_free(cm);
            return itk_error_git("cannot read commit %s", git_oid_tostr_s(&ci->id));
        }
        for (size_t k = 0; k < ci->nrecords; k++) {
            story_rec *r = &s->recs[s->n];
            itk_path_info pi;
            itk_path_classify(&pi, ci->records[k]);
            if (pi.kind != ITK_PATH_RECORD && pi.kind != ITK_PATH_PARTY)
                continue;
            snprintf(r->name, sizeof(r->name), "%s/%s", pi.party,
                     pi.kind == ITK_PATH_PARTY ? "party" : pi.id);
            snprintf(r->path, sizeof(r->path), "%s", ci->records[k]);
            r->commit = c;
            if (itk_tree_read_json(&r->rec, repo, tree, ci->records[k]))
                itk_error_clear();
            s->n++;
        }
        git_tree_free(tree);
        git_commit_free(cm);
        if (c % 16 == 0 || c + 1 == s->log->nall)
            report(cb, payload, ITK_N_("reading records"), c + 1, s->log->nall);
    }
    return 0;
}

int itk_story_run(itk_story **out, itk_registry *reg, const char *name, const itk_story_options *o)
{
    story_ctx s;
    int rc;
    size_t found[64], nfound = 0;
    memset(&s, 0, sizeof(s));
    *out = NULL;
    if (!name || !*name)
        return itk_error_set(ITK_EINVALID, "which record? give its id, e.g. acme/q-000001");
    if (!(s.st = itk_calloc(1, sizeof(*s.st))))
        return ITK_ENOMEM;
    itk_progress_cb cb = o ? o->progress : NULL;
    void *payload = o ? o->progress_payload : NULL;
    const story_rec *subject = NULL;
    s.repo = reg->repo;
    if ((rc = log_build(&s.log, reg, NULL, 0, cb, payload)) ||
        (rc = gather_story_recs(&s, reg->repo, cb, payload)) ||
        (rc = resolve(&s, name, &subject, s.st->subject)))
        goto done;
    if (subject) {
        found[nfound++] = (size_t)(subject - s.recs);
        const char *sup = json_string_value(json_object_get(subject->rec, "supersedes"));
        char d[512] = "";
        const char *summary = body_str(subject->rec, "summary");
        if (!summary)
            summary = body_str(subject->rec, "text");
        if (!summary)
            summary = body_str(subject->rec, "info_name");
        if (!summary) /* a contract amendment: why */
            summary = body_str(subject->rec, "reason");
        if (!summary)
            summary = json_string_value(json_object_get(subject->rec, "type"));
        if (!subject->rec)
            snprintf(d, sizeof(d), "%s", itk__("unreadable record"));
        else if (sup && json_is_true(
                            json_object_get(json_object_get(subject->rec, "body"), "withdrawn"))) {
            /* the version that withdraws an instruction (instruct withdraw) */
            if (summary)
                snprintf(d, sizeof(d), itk__("%s; withdraws %s"), summary, sup);
            else
                snprintf(d, sizeof(d), itk__("withdraws %s"), sup);
        } else if (summary && sup && body_str(subject->rec, "amends") &&
                   body_str(subject->rec, "due")) {
            /* the version that amends an instruction (instruct amend) */
            char shown[ITK_TIME_SHOWN];
            snprintf(d, sizeof(d), itk__("%s; supersedes %s; amended: due %s"), summary, sup,
                     itk_time_shown(shown, body_str(subject->rec, "due"), itk_log_offset(s.log)));
        } else if (summary && sup)
            snprintf(d, sizeof(d), itk__("%s; supersedes %s"), summary, sup);
        else if (sup)
            snprintf(d, sizeof(d), itk__("supersedes %s"), sup);
        else
            snprintf(d, sizeof(d), "%s", summary ? summary : "");
        /* a due date or contract date already past when it was recorded
         * (--backdated) */
        if (json_is_true(json_object_get(json_object_get(subject->rec, "body"), "backdated"))) {
            size_t len = strlen(d);
            snprintf(d + len, sizeof(d) - len, "%s",
                     itk__("; backdated: a date it sets was already past when it was recorded"));
        }
        /* an instruction's amendment or withdrawal: why */
        if (sup && body_str(subject->rec, "amends") && body_str(subject->rec, "reason")) {
            size_t len = strlen(d);
            snprintf(d + len, sizeof(d) - len, itk__("; reason: %s"),
                     body_str(subject->rec, "reason"));
        }
        /* references recorded with --unverified-ref (refcheck.h) */
        json_t *unv = json_object_get(json_object_get(subject->rec, "refs"), "unverified"), *u;
        size_t ui;
        json_array_foreach(unv, ui, u)
        {
            const char *uf = json_string_value(json_object_get(u, "field")),
                       *ur = json_string_value(json_object_get(u, "ref")),
                       *uw = json_string_value(json_object_get(u, "reason"));
            size_t len = strlen(d);
            static const char unverified[] = ITK_N_("; unverified %s %s (%s)");
            char words[256];
            /* on a translated screen the field by the paper form's words */
            snprintf(words, sizeof(words), "%s", uf ? uf : "?");
            if (uf && itk__(unverified) != unverified)
                itk_form_field_words(words, sizeof(words),
                                     json_string_value(json_object_get(subject->rec, "type")), uf);
            snprintf(d + len, sizeof(d) - len, itk__(unverified), words, ur ? ur : "?",
                     uw ? uw : "");
        }
        if ((rc = add_step(&s, subject->commit, "filed", subject, 0, d)) ||
            (rc = add_receipts(&s, subject, 0)))
            goto done;
    }
    if ((rc = add_citations(&s, s.st->subject, subject, 1, found, &nfound, 64)))
        goto done;
    if (!subject && !s.st->n) {
        rc = itk_error_set(ITK_ENOTFOUND, "no record '%.64s' is known here, and none cites it",
                           name);
        goto done;
    }
    s.st->missing = !subject;
    /* answers to what cites it: an instruction citing an incident, then its answer */
    size_t first = nfound;
    for (size_t k = subject ? 1 : 0; k < first && !rc; k++) {
        char cited[100];
        snprintf(cited, sizeof(cited), "%s", s.recs[found[k]].name);
        rc = add_citations(&s, cited, &s.recs[found[k]], 2, found, &nfound, 64);
    }
    if (!rc)
        rc = by_history(&s);
done:
    for (size_t i = 0; i < s.n; i++)
        json_decref(s.recs[i].rec);
    free(s.recs);
    free(s.order);
    itk_labels_free(s.labels);
    itk_log_free(s.log);
    itk_void_writes_dispose(&s.vw);
    git_tree_free(s.head_tree);
    if (rc)
        itk_story_free(s.st);
    else
        *out = s.st;
    return rc;
}
