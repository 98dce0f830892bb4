/* Receive, pull and the request flow (DESIGN §6): what is merged, by whom,
 * with which record, and where the request branches point. The rules that
 * make these valid are policy.c's; this file writes what they accept. */
#include "itaku/form_input.h"
#include "itaku/write_lock.h"
#include "fault.h"
#include "itaku/flow.h"
#include "itaku/labels.h"
#include "itaku/refcheck.h"
#include "itaku/precheck.h"
#include "intl.h"
#include "alloc.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/forms.h"
#include "itaku/json.h"
#include "itaku/party.h"
#include "itaku/remote.h"
#include "itaku/sync.h"
#include "itaku/verify.h"
#include "itaku/names.h"
#include "registry_priv.h"
#include "requests_priv.h"
#include "itaku/kessai.h"
#include "itaku/contract_amend.h"
#include "itaku/keyops.h"
#include "kessai_priv.h"
#include "sync_priv.h"
#include "itaku/commit.h"
#include "itaku/init.h"
#include "itaku/requests.h"
#include "commit_priv.h"
#include "party_priv.h"
#include "verify_priv.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* The signer, HEAD and HEAD's tree: what every flow starts from. */
typedef struct {
    itk_identity me;
    char created[32];
    git_oid head;
    git_commit *head_commit;
    git_tree *head_tree;
} flow_ctx;

static void ctx_dispose(flow_ctx *f)
{
    git_commit_free(f->head_commit);
    git_tree_free(f->head_tree);
    memset(f, 0, sizeof(*f));
}

static int ctx_open(flow_ctx *f, itk_registry *reg, itk_signer *signer)
{
    memset(f, 0, sizeof(*f));
    int rc;
    if (git_reference_name_to_id(&f->head, reg->repo, "HEAD") < 0)
        return itk_error_set(ITK_ENOTFOUND, "the registry has no commits");
    if (git_commit_lookup(&f->head_commit, reg->repo, &f->head) < 0 ||
        git_commit_tree(&f->head_tree, f->head_commit) < 0)
        return itk_error_git("cannot read HEAD");
    if (signer && ((rc = itk_registry_identify(&f->me, reg, f->head_tree, signer)) ||
                   (rc = itk_registry_now(f->created, reg)))) {
        ctx_dispose(f);
        return rc;
    }
    return 0;
}

static int contained(itk_registry *reg, const git_oid *head, const git_oid *other)
{
    return git_oid_equal(head, other) || git_graph_descendant_of(reg->repo, head, other) == 1;
}

static int looks_like_path(const char *from)
{
    struct stat st;
    return strchr(from, ':') || stat(from, &st) == 0;
}

/* A line's tip: a revision of this repository (verified here), a remote's
 * name or the path or URL of the other party's repository (fetched into
 * quarantine, verified, published as refs/itaku/lines/<party>). *who (when
 * not NULL) is who signed the tip when the verify run that took it says so,
 * else all zero. */
static int line_tip(git_oid *tip, itk_identity *who, itk_registry *reg, const char *party,
                    const char *from, int take_requests)
{
    char ref[128];
    if (who)
        memset(who, 0, sizeof(*who));
    itk_remote_info remote;
    if (from && itk_remote_get(&remote, reg, from) == 0) {
        itk_sync_report *report = itk_malloc(sizeof(*report));
        if (!report)
            return ITK_ENOMEM;
        /* a remote tagged with its party says whose its main is; an untagged
         * one (origin of a clone) leads to the party asked for */
        int rc = itk_remote_fetch(report, reg, from, party, NULL);
        if (!rc)
            rc = itk_sync_check_served(report, party, from);
        free(report);
        if (rc)
            return rc;
        snprintf(ref, sizeof(ref), ITK_REF_LINES "%s", party);
        if (git_reference_name_to_id(tip, reg->repo, ref) < 0)
            return itk_error_set(ITK_ENOTFOUND, "remote '%s' holds no line of %s", from, party);
        return 0;
    }
    itk_error_clear();
    if (!from) {
        snprintf(ref, sizeof(ref), ITK_REF_LINES "%s", party);
        if (git_reference_name_to_id(tip, reg->repo, ref) < 0)
            return itk_error_set(ITK_ENOTFOUND,
                                 "no line of %s has been fetched; name where to take it from (a "
                                 "path, a URL or a fetched ref)",
                                 party);
        return itk_sync_check_rev(reg, ref);
    }
    git_object *obj = NULL;
    if (!looks_like_path(from) && git_revparse_single(&obj, reg->repo, from) == 0) {
        git_object *peeled = NULL;
        int rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
        git_object_free(obj);
        if (rc < 0)
            return itk_error_set(ITK_EINVALID, "%s is not a commit", from);
        *tip = *git_object_id(peeled);
        git_object_free(peeled);
        return itk_sync_check_rev(reg, from);
    }
    itk_error_clear();
    itk_take_options o = ITK_TAKE_OPTIONS_INIT;
    o.take_requests = take_requests;
    return itk_sync_take_signed(tip, who, reg, party, from, &o);
}

/* Who signed a commit whose history line_tip has just verified: V1 on the
 * commit alone (its key in its parents' trees) names the same party as the
 * walk, without walking the history a second time (issue 18). */
static int signer_of(itk_identity *who, itk_registry *reg, const git_oid *id)
{
    itk_verify_result *r = NULL;
    int rc = itk_verify_one(&r, reg, id);
    if (rc)
        return rc;
    const itk_commit_info *ci = itk_verify_commit(r, 0);
    memset(who, 0, sizeof(*who));
    snprintf(who->party, sizeof(who->party), "%s", ci->party);
    snprintf(who->principal, sizeof(who->principal), "%s", ci->principal);
    itk_verify_result_free(r);
    return 0;
}

/* A receipt or pull: a signed merge of party's tip, saying so in
 * Itaku-Received (V8). */
static int merge_receipt(git_oid *out, itk_merge_kind *kind, itk_registry *reg, itk_signer *signer,
                         const char *action, const char *subject, const char *party,
                         const git_oid *tip)
{
    itk_change *c = NULL;
    char received[128];
    snprintf(received, sizeof(received), "%s %s", party, git_oid_tostr_s(tip));
    int rc = itk_change_new(&c, action, subject);
    if (!rc && !(rc = itk_change_set_subject(c, "%s %s", subject, party)) &&
        !(rc = itk_change_trailer(c, ITK_TRAILER_RECEIVED, received)) &&
        !(rc = itk_registry_merge(out, reg, signer, c, tip)))
        *kind = ITK_MERGED_COMMIT;
    itk_change_free(c);
    return rc;
}

int itk_receive(git_oid *out, itk_merge_kind *kind, itk_registry *reg, itk_signer *signer,
                const char *party, const char *from)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    flow_ctx f;
    git_oid tip;
    itk_identity tip_signer;
    int rc;
    *kind = ITK_MERGED_NOTHING;
    if ((rc = itk_party_id_check(party)) || (rc = ctx_open(&f, reg, signer)))
        return rc;
    if (!itk_chain_is_ancestor(reg->repo, f.head_tree, f.me.party, party)) {
        rc = itk_error_set(ITK_EAUTH,
                           "%s is not below %s in the chain; a party receives only "
                           "its descendants' lines",
                           party, f.me.party);
        goto done;
    }
    if ((rc = line_tip(&tip, &tip_signer, reg, party, from, 1)))
        goto done;
    if (contained(reg, &f.head, &tip)) {
        *out = f.head;
        goto done;
    }
    if (!tip_signer.party[0] && (rc = signer_of(&tip_signer, reg, &tip)))
        goto done;
    if (strcmp(tip_signer.party, party) != 0 &&
        itk_chain_is_ancestor(reg->repo, f.head_tree, tip_signer.party, party)) {
        /* a line may end on a commit of a party above it (a fast-forward pull) */
        rc = itk_error_set(ITK_ECONFLICT,
                           "the line of %s ends on %s's commit %.12s (it pulled it), which main "
                           "does not hold yet; pull first (`itaku pull`), then receive %s again",
                           party, tip_signer.party, git_oid_tostr_s(&tip), party);
        goto done;
    }
    if (strcmp(tip_signer.party, party) != 0) {
        rc = itk_error_set(ITK_EVERIFY,
                           "the newest commit of that line (%.12s) is %s's, not %s's; receive "
                           "each party's own main",
                           git_oid_tostr_s(&tip), tip_signer.party, party);
        goto done;
    }
    rc = merge_receipt(out, kind, reg, signer, "receive", "Receive the line of", party, &tip);
done:
    ctx_dispose(&f);
    return rc;
}

/* ---- the city's own line (its officers' clones, DESIGN §7, V12) ---- */

/* The value of trailer key in msg ("" when absent), cut to cap. */
static void trailer_of(char *out, size_t cap, const git_message_trailer_array *t, const char *key)
{
    out[0] = '\0';
    for (size_t i = 0; i < t->count; i++)
        if (strcasecmp(t->trailers[i].key, key) == 0) {
            snprintf(out, cap, "%s", t->trailers[i].value);
            return;
        }
}

/* One of main's own commits: the decision or contract amendment it is, to
 * be made again. */
typedef struct {
    git_oid id;
    char subject[120];
    char request[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
    char outcome[16];
    int v12;        /* the final merge of a decision branch (second parent: its tip) */
    git_oid sealed; /* v12: the decision branch's tip it merged */
    json_t *body;   /* the decision record's body (its terms) */
    int amendment;  /* a contract amendment (itaku contract amend), not a decision */
    int attributes; /* a key event naming a person's post or name (itaku key set) */
    int receipt;    /* a receipt of a party's line (itaku receive): request holds the
                     * party, sealed the tip received */
} own_decision;

/* Reads commit c as a decision or a contract amendment of city: 1 with *d
 * filled, 0 when it is something else. */
static int as_decision(own_decision *d, git_repository *repo, git_commit *c, const char *city)
{
    git_message_trailer_array t;
    git_tree *tree = NULL;
    json_t *rec = NULL;
    char party[ITK_PARTY_ID_MAX + 1], action[16], path[200], received[160];
    int yes = 0;
    memset(d, 0, sizeof(*d));
    d->id = *git_commit_id(c);
    snprintf(d->subject, sizeof(d->subject), "%s",
             git_commit_summary(c) ? git_commit_summary(c) : "");
    if (git_message_trailers(&t, git_commit_message(c)) < 0) {
        git_error_clear();
        return 0;
    }
    trailer_of(party, sizeof(party), &t, ITK_TRAILER_PARTY);
    trailer_of(action, sizeof(action), &t, ITK_TRAILER_ACTION);
    trailer_of(d->request, sizeof(d->request), &t, ITK_TRAILER_REQUEST);
    trailer_of(path, sizeof(path), &t, ITK_TRAILER_RECORD);
    trailer_of(received, sizeof(received), &t, ITK_TRAILER_RECEIVED);
    git_message_trailer_array_free(&t);
    const char *outcome = strcmp(action, "approve") == 0  ? "approved"
                          : strcmp(action, "reject") == 0 ? "rejected"
                          : strcmp(action, "return") == 0 ? "returned"
                                                          : NULL;
    /* a receipt: the party's line again, on the new main */
    size_t plen = strcspn(received, " ");
    if (strcmp(action, "receive") == 0 && strcmp(party, city) == 0 &&
        git_commit_parentcount(c) == 2 && plen > 0 && plen <= ITK_PARTY_ID_MAX &&
        git_oid_fromstrn(&d->sealed, received + plen + 1, GIT_OID_HEXSZ) == 0 &&
        strlen(received + plen + 1) == GIT_OID_HEXSZ &&
        git_oid_equal(&d->sealed, git_commit_parent_id(c, 1))) {
        snprintf(d->request, sizeof(d->request), "%.*s", (int)plen, received);
        d->receipt = 1;
        return 1;
    }
    git_error_clear();
    d->amendment = strcmp(action, "contract-amend") == 0 && git_commit_parentcount(c) == 1;
    d->attributes = strcmp(action, "key-attributes") == 0 && git_commit_parentcount(c) == 1;
    int setting = d->amendment || d->attributes;
    if ((!outcome && !setting) || strcmp(party, city) != 0 || (!setting && !d->request[0]) ||
        !path[0] || git_commit_parentcount(c) > 2)
        return 0;
    snprintf(d->outcome, sizeof(d->outcome), "%s", outcome ? outcome : "");
    const char *type = d->amendment    ? "contract-amendment"
                       : d->attributes ? "key-event"
                                       : "decision";
    if (git_commit_tree(&tree, c) == 0 && itk_tree_read_json(&rec, repo, tree, path) == 0 &&
        json_is_object(json_object_get(rec, "body")) &&
        strcmp(json_string_value(json_object_get(rec, "type"))
                   ? json_string_value(json_object_get(rec, "type"))
                   : "",
               type) == 0) {
        d->body = json_incref(json_object_get(rec, "body"));
        yes = 1;
    }
    /* the final merge of a decision branch names the city in Itaku-Received */
    size_t clen = strlen(city);
    if (yes && git_commit_parentcount(c) == 2 && strncmp(received, city, clen) == 0 &&
        received[clen] == ' ') {
        d->v12 = 1;
        d->sealed = *git_commit_parent_id(c, 1);
    }
    json_decref(rec);
    git_tree_free(tree);
    itk_error_clear();
    return yes;
}

/* A contract amendment made again from body (its record's body), after
 * the amendments main holds now; m (may be NULL) gets its new name. */
static int remake_amendment(git_oid *out, itk_remade *m, itk_registry *reg, itk_signer *signer,
                            const json_t *body)
{
    itk_contract_amend_options o = ITK_CONTRACT_AMEND_OPTIONS_INIT;
    itk_buf name = ITK_BUF_INIT;
    const char *methods[64];
    const json_t *hm = json_object_get(body, "handover_methods"), *period;
    if (json_array_size(hm) > 64)
        return itk_error_set(ITK_EINVALID, "the amendment names more than 64 handover methods");
    for (size_t i = 0; i < json_array_size(hm); i++)
        methods[o.handover_count++] = json_string_value(json_array_get(hm, i));
    if (json_is_array(hm))
        o.handover_methods = methods;
    period = json_object_get(body, "period");
    o.start = json_string_value(json_object_get(period, "start"));
    o.end = json_string_value(json_object_get(period, "end"));
    o.work_start = json_string_value(json_object_get(body, "work_start"));
    o.contacts = json_object_get(body, "contacts");
    o.decision_rules = json_object_get(body, "decision_rules");
    o.post_setters = json_object_get(body, "post_setters");
    o.reason = json_string_value(json_object_get(body, "reason"));
    o.backdated = json_is_true(json_object_get(body, "backdated"));
    o.remade = 1; /* as signed: its list whole, its dates checked when first made */
    int rc = itk_contract_amend(&name, out, reg, signer, &o);
    if (!rc && m) {
        snprintf(m->request, sizeof(m->request), "%s", name.ptr ? name.ptr : "");
        m->now = *out;
    }
    itk_buf_dispose(&name);
    return rc;
}

/* The city's pull of its own line; see itk_pull_report. f is open. */
static int pull_city(git_oid *out, itk_merge_kind *kind, itk_pull_result *report, itk_registry *reg,
                     itk_signer *signer, flow_ctx *f, const char *from)
{
    git_repository *repo = reg->repo;
    own_decision own[ITK_PULL_MAX_REMADE];
    size_t nown = 0;
    git_oid tip, head;
    git_commit *c = NULL;
    git_tree *head_tree = NULL;
    int rc;
    itk_remote_info origin;
    if (!from && itk_remote_get(&origin, reg, "origin") == 0)
        from = "origin";
    itk_error_clear();
    char line[160];
    snprintf(line, sizeof(line), ITK_REF_LINES "%s", f->me.party);
    if (!from && git_reference_name_to_id(&tip, repo, line) < 0) {
        git_error_clear();
        return itk_error_set(ITK_EINVALID,
                             "%s is the city: it has no parent to pull from, and this registry "
                             "names no hosted registry of the city (no remote origin, no line of "
                             "%s fetched); in a clone of the city's hosted registry, name it: "
                             "itaku pull NAME",
                             f->me.party, f->me.party);
    }
    if ((rc = line_tip(&tip, NULL, reg, f->me.party, from, 1)))
        return rc;
    /* a fetch moves main forward itself when it can (itk_sync_main_forward) */
    if (git_reference_name_to_id(&head, repo, ITK_REF_MAIN) < 0)
        return itk_error_set(ITK_ENOTFOUND, "this registry has no main branch");
    *out = head;
    if (contained(reg, &head, &tip)) {
        *kind = git_oid_equal(&head, &f->head) ? ITK_MERGED_NOTHING : ITK_MERGED_FAST_FORWARD;
        return 0;
    }
    if (git_commit_lookup(&c, repo, &head) < 0 || git_commit_tree(&head_tree, c) < 0) {
        rc = itk_error_git("cannot read main");
        goto done;
    }
    git_commit_free(c);
    c = NULL;
    if (git_graph_descendant_of(repo, &tip, &head) == 1) {
        if (!(rc = itk_ref_advance(repo, ITK_REF_MAIN, &head, &tip, head_tree,
                                   "itaku pull: fast-forward"))) {
            *out = tip;
            *kind = ITK_MERGED_FAST_FORWARD;
        }
        goto done;
    }
    git_error_clear();
    /* what is made again is made on HEAD: it must be main */
    git_reference *hr = NULL;
    int on_main =
        git_repository_head(&hr, repo) == 0 && strcmp(git_reference_name(hr), ITK_REF_MAIN) == 0;
    git_reference_free(hr);
    git_error_clear();
    if (!on_main) {
        rc = itk_error_set(ITK_EINVALID,
                           "main holds commits the city's line at %.12s lacks, and HEAD is not on "
                           "main, so nothing was changed; check out main (git checkout main) and "
                           "run itaku pull again",
                           git_oid_tostr_s(&tip));
        goto done;
    }
    /* main's own commits, newest first along its first parents: each must
     * be one the city can make again on the line */
    git_oid at = head;
    while (!contained(reg, &tip, &at)) {
        if (git_commit_lookup(&c, repo, &at) < 0) {
            rc = itk_error_git("cannot read commit %s", git_oid_tostr_s(&at));
            goto done;
        }
        if (nown == ITK_PULL_MAX_REMADE || git_commit_parentcount(c) == 0) {
            rc = itk_error_set(ITK_ECONFLICT,
                               "main holds more than %d commits of this clone's own that the "
                               "city's line at %.12s lacks; itaku pull makes at most that many "
                               "decisions again; nothing was changed",
                               ITK_PULL_MAX_REMADE, git_oid_tostr_s(&tip));
            goto done;
        }
        if (!as_decision(&own[nown], repo, c, f->me.party)) {
            char id[GIT_OID_HEXSZ + 1], tip_hex[GIT_OID_HEXSZ + 1];
            git_oid_tostr(id, sizeof(id), &at);
            git_oid_tostr(tip_hex, sizeof(tip_hex), &tip);
            rc = itk_error_set(ITK_ECONFLICT,
                               "main holds commit %.12s (%s) of this clone's own, which the "
                               "city's line at %.12s lacks and which is not a decision, a "
                               "receipt, a contract amendment or a post or name change: itaku "
                               "pull makes only those again, so nothing was changed. Bring "
                               "main to the city's line with stock git (git reset --keep "
                               "%.12s; main as it was stays in main's reflog), then make that "
                               "change again with itaku",
                               id, own[nown].subject, tip_hex, tip_hex);
            json_decref(own[nown].body);
            goto done;
        }
        nown++;
        at = *git_commit_parent_id(c, 0);
        git_commit_free(c);
        c = NULL;
    }
    /* a final 決裁 merge is made again with the same seals: they must all be
     * on the decision branch still */
    for (size_t i = 0; i < nown; i++) {
        char ref[300];
        git_oid branch;
        if (!own[i].v12)
            continue;
        snprintf(ref, sizeof(ref), ITK_REF_DECISIONS "%s", own[i].request);
        if (git_reference_name_to_id(&branch, repo, ref) < 0 ||
            !contained(reg, &branch, &own[i].sealed)) {
            char sealed[GIT_OID_HEXSZ + 1];
            git_oid_tostr(sealed, sizeof(sealed), &own[i].sealed);
            rc = itk_error_set(ITK_ECONFLICT,
                               "the decision on %s in commit %.12s merged seals (%.12s) that its "
                               "decision branch no longer holds, so it cannot be made again with "
                               "the same seals; nothing was changed. See where it stands with "
                               "itaku requests and itaku history %s",
                               own[i].request, git_oid_tostr_s(&own[i].id), sealed, own[i].request);
            goto done;
        }
    }
    git_error_clear();
    /* main goes to the line (main as it was stays in its reflog: a ref
     * holding it would show its decision a second time in history); each
     * decision again */
    if ((rc = itk_ref_advance(repo, ITK_REF_MAIN, &head, &tip, head_tree,
                              "itaku pull: main to the city's line")))
        goto done;
    git_oid now = tip;
    for (size_t k = nown; k-- > 0 && !rc;) {
        own_decision *d = &own[k];
        itk_remade *m = report && report->nremade < ITK_PULL_MAX_REMADE
                            ? &report->remade[report->nremade++]
                            : NULL;
        if (m) {
            memset(m, 0, sizeof(*m));
            snprintf(m->request, sizeof(m->request), "%s", d->request);
            snprintf(m->outcome, sizeof(m->outcome), "%s", d->outcome);
            m->was = d->id;
            m->amendment = d->amendment;
        }
        git_oid made;
        if (d->receipt) {
            /* the same line of the same party, received on the new main
             * (nothing when main holds it now) */
            char hex[GIT_OID_HEXSZ + 1];
            itk_merge_kind rk = ITK_MERGED_NOTHING;
            git_oid_tostr(hex, sizeof(hex), &d->sealed);
            if (m)
                m->receipt = 1;
            rc = itk_receive(&made, &rk, reg, signer, d->request, hex);
            if (!rc && rk == ITK_MERGED_NOTHING)
                continue; /* m->now stays zero: the line holds it already */
        } else if (d->amendment) {
            /* the same settings, after the line's: a new id */
            rc = remake_amendment(&made, m, reg, signer, d->body);
        } else if (d->attributes) {
            /* the same post or name of the same person, after the line's */
            const char *principal = json_string_value(json_object_get(d->body, "principal"));
            const json_t *attrs = json_object_get(d->body, "attributes");
            if (m) {
                m->attributes = 1;
                snprintf(m->request, sizeof(m->request), "%s/%s", f->me.party,
                         principal ? principal : "?");
                snprintf(m->outcome, sizeof(m->outcome), "%s",
                         json_string_value(json_object_get(attrs, "post"))
                             ? json_string_value(json_object_get(attrs, "post"))
                             : "");
            }
            rc = !principal
                     ? itk_error_set(ITK_EINVALID, "the key event names no person")
                     : itk_key_set_attributes(&made, reg, signer, principal,
                                              json_string_value(json_object_get(attrs, "name")),
                                              json_string_value(json_object_get(attrs, "post")));
        } else {
            /* the line decided it already (another officer): left out */
            itk_reqdb db;
            itk_reqdb_item *it = NULL;
            memset(&db, 0, sizeof(db));
            int pending = itk_reqdb_load(&db, reg) == 0 &&
                          itk_reqdb_resolve(&it, &db, d->request) == 0 &&
                          strcmp(it->info.state, "pending") == 0;
            int known_request = it != NULL;
            itk_reqdb_free(&db);
            itk_error_clear();
            if (known_request && !pending)
                continue;
            itk_decision_options o = ITK_DECISION_OPTIONS_INIT;
            o.outcome = d->outcome;
            if (!d->v12) {
                /* one city key decides (V6): the same terms */
                o.reason = json_string_value(json_object_get(d->body, "reason"));
                o.conditions = json_string_value(json_object_get(d->body, "conditions"));
                o.valid_until = json_string_value(json_object_get(d->body, "valid_until"));
                o.max_uses = json_integer_value(json_object_get(d->body, "max_uses"));
            }
            /* V12: a seal whose id the line gave another seal is made
             * again with a free id first (the decision lists the new one) */
            size_t resealed = 0;
            if (d->v12 && !(rc = itk_kessai_reseal(&resealed, reg, signer, d->request)) && m)
                m->resealed = resealed;
            if (!rc)
                rc = itk_request_decide(&made, reg, signer, d->request, &o);
        }
        if (rc) {
            char why[1200], was[GIT_OID_HEXSZ + 1];
            git_oid cur;
            git_tree *cur_tree = NULL;
            git_commit *cc = NULL;
            snprintf(why, sizeof(why), "%s", itk_error_last());
            if (git_reference_name_to_id(&cur, repo, ITK_REF_MAIN) == 0 &&
                git_commit_lookup(&cc, repo, &cur) == 0 && git_commit_tree(&cur_tree, cc) == 0)
                itk_ref_advance(repo, ITK_REF_MAIN, &cur, &head, cur_tree,
                                "itaku pull: main put back");
            git_tree_free(cur_tree);
            git_commit_free(cc);
            git_oid_tostr(was, sizeof(was), &head);
            rc = d->amendment || d->attributes || d->receipt
                     ? itk_error_set(rc,
                                     "the change of commit %.12s (%s) could not be "
                                     "made again on the city's line: %s; main was put back at "
                                     "%.12s as it was",
                                     git_oid_tostr_s(&d->id), d->subject, why, was)
                     : itk_error_set(rc,
                                     "the decision on %s (commit %.12s) could not be made again "
                                     "on the city's line: %s; main was put back at %.12s as it "
                                     "was",
                                     d->request, git_oid_tostr_s(&d->id), why, was);
            break;
        }
        now = made;
        if (m)
            m->now = made;
    }
    if (!rc) {
        *out = now;
        *kind = ITK_MERGED_REMADE;
        if (report) {
            report->was = head;
            report->in_reflog = git_reference_has_log(repo, ITK_REF_MAIN) == 1;
            git_error_clear();
        }
    }
done:
    for (size_t i = 0; i < nown; i++)
        json_decref(own[i].body);
    git_commit_free(c);
    git_tree_free(head_tree);
    return rc;
}

int itk_pull(git_oid *out, itk_merge_kind *kind, itk_registry *reg, itk_signer *signer,
             const char *from)
{
    return itk_pull_report(out, kind, NULL, reg, signer, from);
}

int itk_pull_report(git_oid *out, itk_merge_kind *kind, itk_pull_result *report, itk_registry *reg,
                    itk_signer *signer, const char *from)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    if (report)
        memset(report, 0, sizeof(*report));
    flow_ctx f;
    char path[ITK_MAX_CHAIN][ITK_PARTY_ID_MAX + 1];
    size_t n;
    git_oid tip;
    int rc;
    *kind = ITK_MERGED_NOTHING;
    if ((rc = ctx_open(&f, reg, signer)))
        return rc;
    if ((rc = itk_chain_path(path, &n, reg->repo, f.head_tree, f.me.party)))
        goto done;
    if (n < 2) {
        /* the city has no parent: its pull takes its own line (another
         * officer's clone pushed to the city's hosted registry) */
        if (report)
            report->own_line = 1;
        rc = pull_city(out, kind, report, reg, signer, &f, from);
        goto done;
    }
    const char *parent = path[1];
    itk_remote_info origin;
    /* by default, the parent's registry this one was cloned from */
    if (!from && itk_remote_get(&origin, reg, "origin") == 0)
        from = "origin";
    itk_error_clear();
    if ((rc = line_tip(&tip, NULL, reg, parent, from, 0)))
        goto done;
    *out = f.head;
    if (contained(reg, &f.head, &tip)) {
        /* main may be ahead: its own commits not pushed yet (said, not "up
         * to date"), counted from the parent's line as held when that is
         * newer than the tip offered (an older copy of the parent's) */
        size_t ahead = 0, behind = 0;
        char name[ITK_PARTY_ID_MAX + 32];
        git_oid base = tip, held;
        snprintf(name, sizeof(name), "refs/itaku/lines/%s", parent);
        if (git_reference_name_to_id(&held, reg->repo, name) == 0 &&
            contained(reg, &f.head, &held) && contained(reg, &held, &tip))
            base = held;
        if (report && !git_oid_equal(&f.head, &base) &&
            git_graph_ahead_behind(&ahead, &behind, reg->repo, &f.head, &base) == 0)
            report->ahead = ahead;
        git_error_clear();
        goto done;
    }
    if (git_graph_descendant_of(reg->repo, &tip, &f.head) == 1) {
        git_reference *head = NULL;
        if (git_repository_head(&head, reg->repo) < 0) {
            rc = itk_error_git("cannot read HEAD");
            goto done;
        }
        rc = itk_ref_advance(reg->repo, git_reference_name(head), &f.head, &tip, f.head_tree,
                             "itaku pull: fast-forward");
        git_reference_free(head);
        if (!rc) {
            *out = tip;
            *kind = ITK_MERGED_FAST_FORWARD;
        }
        goto done;
    }
    rc = merge_receipt(out, kind, reg, signer, "pull", "Pull the main of", parent, &tip);
done:
    ctx_dispose(&f);
    return rc;
}

static int blob_sha256(char hex[65], git_repository *repo, const git_tree *tree, const char *path)
{
    itk_buf data = ITK_BUF_INIT;
    unsigned char md[32];
    int rc = itk_tree_read(&data, repo, tree, path, ITK_MAX_RECORD_BYTES);
    if (!rc) {
        EVP_Digest(data.ptr, data.size, md, NULL, EVP_sha256(), NULL);
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", md[i]);
    }
    itk_buf_dispose(&data);
    return rc;
}

static const char *const request_kinds[] = {
    "subcontract", "copy", "take-out", "other-purpose-use", "third-party-provision", NULL};

/* A form 6 may only name a party id and key nobody has yet (V7). */
static int check_form6(itk_registry *reg, const git_tree *tree, const json_t *form6)
{
    const char *id = json_string_value(json_object_get(form6, "party_id"));
    const char *key = json_string_value(json_object_get(form6, "public_key"));
    itk_pubkey *pk = NULL;
    itk_buf fpr = ITK_BUF_INIT;
    itk_identity other;
    char path[96];
    git_tree_entry *e = NULL;
    int rc;
    if (!json_is_object(form6) || !id || !key)
        return itk_error_set(ITK_EINVALID, "a subcontract request needs its form 6, with the "
                                           "subcontractor's party_id and public_key");
    snprintf(path, sizeof(path), "parties/%s/party.json", id);
    if (git_tree_entry_bypath(&e, tree, path) == 0) {
        git_tree_entry_free(e);
        return itk_error_set(ITK_EEXISTS,
                             "party id %s is taken; choose another for the "
                             "subcontractor",
                             id);
    }
    if ((rc = itk_pubkey_from_line(&pk, key, strlen(key))) ||
        (rc = itk_pubkey_fingerprint(&fpr, pk)))
        rc = itk_error_set(ITK_EINVALID, "form 6 public_key: %s", itk_error_last());
    else if (itk_identity_find(&other, reg->repo, tree, fpr.ptr) == 0)
        rc = itk_error_set(ITK_EEXISTS, "the subcontractor's key %s already belongs to %s", fpr.ptr,
                           other.party);
    else
        itk_error_clear();
    itk_pubkey_free(pk);
    itk_buf_dispose(&fpr);
    return rc;
}

/* Form 6's public_key as every record stores it ("TYPE BASE64"): a pasted
 * line keeps no comment; a private key is refused, nothing written. */
static int canonical_form6_key(json_t *form6)
{
    const char *key = json_string_value(json_object_get(form6, "public_key"));
    itk_buf line = ITK_BUF_INIT;
    if (!key)
        return 0; /* check_form6 says what is missing */
    int rc = itk_pubkey_canonical_line(&line, NULL, key, strlen(key), "form 6 public_key");
    if (rc == 0 && json_object_set_new(form6, "public_key", json_string(line.ptr)) != 0)
        rc = itk_error_nomem();
    itk_buf_dispose(&line);
    return rc;
}

static int set_branch(itk_registry *reg, const char *requester, const char *id,
                      const git_oid *target, int force)
{
    char ref[160];
    git_reference *r = NULL;
    snprintf(ref, sizeof(ref), ITK_REF_REQUESTS "%s/%s", requester, id);
    itk_fault_point("ref-before");
    int rc = git_reference_create(&r, reg->repo, ref, target, force, "itaku: request");
    git_reference_free(r);
    if (rc == 0)
        itk_fault_point("ref-after");
    return rc < 0 ? itk_error_git("cannot point %s at the request", ref) : 0;
}

int itk_request_submit(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                       const char *kind, json_t *body_in)
{
    return itk_request_submit_refs(name, out, reg, signer, kind, body_in, NULL, NULL);
}

/* A correction may replace only a request of the signer's own that is still
 * pending and not corrected already (its current version). */
static int check_request_supersedes(itk_registry *reg, const char *me, const char *supersedes)
{
    itk_reqdb db;
    itk_reqdb_item *it = NULL;
    /* me '/' supersedes, where supersedes may itself be party/id */
    char name[2 * ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 3];
    int rc;
    if (strchr(supersedes, '/'))
        snprintf(name, sizeof(name), "%s", supersedes);
    else
        snprintf(name, sizeof(name), "%s/%s", me, supersedes);
    if ((rc = itk_reqdb_load(&db, reg)))
        return rc;
    if ((rc = itk_reqdb_resolve(&it, &db, name)))
        ;
    else if (strcmp(it->info.requester, me) != 0)
        rc = itk_error_set(ITK_EAUTH, "%s is %s's request; a party corrects only its own",
                           it->info.name, it->info.requester);
    else if (it->superseded_by[0])
        rc = itk_error_set(ITK_ECONFLICT,
                           "%s was already corrected by %s; correct that, its current version",
                           it->info.name, it->superseded_by);
    else if (strcmp(it->info.state, "pending") != 0)
        rc = itk_error_set(ITK_ECONFLICT,
                           "%s is %s already; only a pending request can be corrected (a new "
                           "request is needed)",
                           it->info.name, it->info.state);
    itk_reqdb_free(&db);
    return rc;
}

int itk_request_submit_refs(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                            const char *kind, json_t *body_in, const char *supersedes,
                            const itk_ref_options *ro)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    flow_ctx f;
    itk_change *c = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    json_t *body = json_deep_copy(body_in), *unverified = NULL, *refs = NULL;
    int known = 0, rc;
    for (size_t i = 0; request_kinds[i]; i++)
        known |= strcmp(kind, request_kinds[i]) == 0;
    if (!known) {
        json_decref(body);
        return itk_error_set(ITK_EINVALID,
                             "'%.40s' is not a kind of request: use subcontract, copy, take-out, "
                             "other-purpose-use or third-party-provision",
                             kind);
    }
    if (!json_is_object(body)) {
        json_decref(body);
        return itk_error_set(ITK_EINVALID, "a request must be a JSON object");
    }
    if ((rc = ctx_open(&f, reg, signer))) {
        json_decref(body);
        return rc;
    }
    json_object_set_new(body, "kind", json_string(kind));
    if (strcmp(kind, "subcontract") == 0 &&
        ((rc = canonical_form6_key(json_object_get(body, "form6"))) ||
         (rc = check_form6(reg, f.head_tree, json_object_get(body, "form6")))))
        goto done;
    /* q-2, <party>/q-000002, full-width digits: a request's id as written */
    char sup_in[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
    if (supersedes) {
        itk_record_id_input(sup_in, sizeof(sup_in), supersedes, NULL, "q");
        supersedes = sup_in;
    }
    const char *sup_id =
        supersedes && strchr(supersedes, '/') ? strchr(supersedes, '/') + 1 : supersedes;
    /* what it cites (the request it withdraws) and what it corrects are
     * checked before anything is written */
    char schema_name[64];
    if ((rc = itk_record_precheck(&unverified, schema_name, reg, f.head_tree, f.me.party, "request",
                                  body, sup_id, ro)) ||
        (supersedes && (rc = check_request_supersedes(reg, f.me.party, supersedes))))
        goto done;
    char asked[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
    if ((!ro || !ro->again) &&
        itk_reqdb_twin(asked, sizeof(asked), reg, f.head_tree, f.me.party, body, sup_id)) {
        /* the register's rule for a request asked twice (issue 16) */
        static const char msg[] =
            ITK_N_("%s has already asked the same (%s: '%s', the same items and words) in request "
                   "%s, still open. If this is a second request on purpose, give --again; after "
                   "an interrupted run it is already recorded, and nothing more is needed; to "
                   "change that request, give --supersedes %s.");
        itk_labels *labels = NULL;
        if (itk_labels_open_tree(&labels, reg->repo, f.head_tree, "ja"))
            itk_error_clear(); /* the kind is shown as it is */
        const char *summary = json_string_value(json_object_get(body, "summary"));
        char shown[256];
        rc = itk_error_set(
            ITK_EEXISTS, msg,
            itk_ref_party_shown(shown, sizeof(shown), reg, f.head_tree, msg, f.me.party),
            itk_ref_code_shown(labels, msg, "request.kind", kind), summary ? summary : "", asked,
            strchr(asked, '/') ? strchr(asked, '/') + 1 : asked);
        itk_labels_free(labels);
        goto done;
    }
    if (unverified && !(refs = json_pack("{s:O}", "unverified", unverified))) {
        rc = itk_error_nomem();
        goto done;
    }
    if ((rc = itk_change_new(&c, "request", "Request")) ||
        (rc = itk_record_append_refs(&path, &id, c, reg, &f.me, f.created, "request", NULL, body,
                                     sup_id, refs)))
        goto done;
    itk_buf_clear(name);
    itk_buf_printf(name, "%s/%s", f.me.party, id.ptr);
    if ((rc = itk_change_set_subject(c, "Request %s approval %s", kind, name->ptr)) ||
        (rc = itk_change_trailer(c, ITK_TRAILER_REQUEST, name->ptr)) ||
        (rc = itk_registry_commit(out, reg, signer, c)))
        goto done;
    rc = set_branch(reg, f.me.party, id.ptr, out, 0);
done:
    json_decref(unverified);
    json_decref(refs);
    json_decref(body);
    itk_change_free(c);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    ctx_dispose(&f);
    return rc;
}

/* Where a request stands: its branch tip (or HEAD), the tree there, the
 * chain above its requester, and the SHA-256 of its record. */
typedef struct {
    itk_reqdb db;
    itk_reqdb_item *item;
    git_oid tip;
    git_commit *tip_commit;
    git_tree *tip_tree;
    char chain[ITK_MAX_CHAIN][ITK_PARTY_ID_MAX + 1];
    size_t nchain;
    char sha[65];
} request_at;

static void request_dispose(request_at *r)
{
    itk_reqdb_free(&r->db);
    git_commit_free(r->tip_commit);
    git_tree_free(r->tip_tree);
}

static int request_open(request_at *r, itk_registry *reg, flow_ctx *f, const char *name)
{
    char ref[200];
    int rc;
    memset(r, 0, sizeof(*r));
    if ((rc = itk_reqdb_load(&r->db, reg)) || (rc = itk_reqdb_resolve(&r->item, &r->db, name)))
        return rc;
    itk_request_info *info = &r->item->info;
    snprintf(ref, sizeof(ref), ITK_REF_REQUESTS "%s/%s", info->requester, info->id);
    if (git_reference_name_to_id(&r->tip, reg->repo, ref) < 0) {
        if (!info->in_main)
            return itk_error_set(ITK_ENOTFOUND,
                                 "%s has no request branch here; receive the line "
                                 "that carries it first",
                                 info->name);
        r->tip = f->head;
    }
    if (git_commit_lookup(&r->tip_commit, reg->repo, &r->tip) < 0 ||
        git_commit_tree(&r->tip_tree, r->tip_commit) < 0)
        return itk_error_git("cannot read the request branch of %s", info->name);
    if ((rc = blob_sha256(r->sha, reg->repo, r->tip_tree, info->path)))
        return itk_error_set(rc, "the request branch of %s does not hold %s", info->name,
                             info->path);
    return itk_chain_path(r->chain, &r->nchain, reg->repo, f->head_tree, info->requester);
}

/* Has party endorsed (verdict endorse, same record hash) the request in tree? */
static int endorsed_in(itk_registry *reg, const git_tree *tree, const char *party,
                       const request_at *r)
{
    char **paths = NULL;
    size_t n = 0;
    int found = 0;
    if (itk_tree_records(&paths, &n, reg->repo, tree, party, "endorsement"))
        return 0;
    for (size_t i = 0; i < n && !found; i++) {
        json_t *rec = NULL;
        if (itk_tree_read_json(&rec, reg->repo, tree, paths[i]) == 0) {
            json_t *b = json_object_get(rec, "body");
            const char *req = json_string_value(json_object_get(b, "request"));
            const char *sha = json_string_value(json_object_get(b, "request_sha256"));
            const char *verdict = json_string_value(json_object_get(b, "verdict"));
            found = req && sha && verdict && strcmp(req, r->item->info.name) == 0 &&
                    strcmp(sha, r->sha) == 0 && strcmp(verdict, "endorse") == 0;
        }
        json_decref(rec);
    }
    itk_string_list_free(paths, n);
    itk_error_clear();
    return found;
}

/* Every party between the requester and `upto` (exclusive) must have
 * endorsed in the branch's tree (V6). */
static int check_endorsements(itk_registry *reg, const request_at *r, size_t upto)
{
    for (size_t k = 1; k < upto; k++)
        if (!endorsed_in(reg, r->tip_tree, r->chain[k], r))
            return itk_error_set(ITK_EVERIFY,
                                 "%s has not endorsed %s yet; every party between the requester "
                                 "and the city vouches for a request first (V6)",
                                 r->chain[k], r->item->info.name);
    return 0;
}

/* Commits the change on HEAD when the branch is already in it, else merges
 * the branch as a receipt of the line just below; then moves the branch. */
static int commit_on_branch(git_oid *out, itk_registry *reg, itk_signer *signer, flow_ctx *f,
                            itk_change *c, request_at *r, size_t my_index, int move_branch)
{
    int rc;
    if (contained(reg, &f->head, &r->tip))
        rc = itk_registry_commit(out, reg, signer, c);
    else {
        char received[128];
        snprintf(received, sizeof(received), "%s %s", r->chain[my_index - 1],
                 git_oid_tostr_s(&r->tip));
        if (!(rc = itk_change_trailer(c, ITK_TRAILER_RECEIVED, received)))
            rc = itk_registry_merge(out, reg, signer, c, &r->tip);
    }
    if (!rc && move_branch)
        rc = set_branch(reg, r->item->info.requester, r->item->info.id, out, 1);
    return rc;
}

int itk_request_endorse(git_oid *out, itk_registry *reg, itk_signer *signer, const char *name,
                        int decline, const char *reason)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    flow_ctx f;
    request_at r;
    itk_change *c = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    json_t *body = NULL;
    size_t me = 0;
    int rc;
    memset(&r, 0, sizeof(r));
    if ((rc = ctx_open(&f, reg, signer)))
        return rc;
    if (strcmp(f.me.role, "city") == 0) {
        rc = itk_error_set(ITK_EAUTH, "the city decides requests (approve, reject or return); "
                                      "endorsing is for the parties in between");
        goto done;
    }
    if ((rc = request_open(&r, reg, &f, name)))
        goto done;
    itk_request_info *info = &r.item->info;
    for (size_t k = 1; k + 1 < r.nchain; k++)
        if (strcmp(r.chain[k], f.me.party) == 0)
            me = k;
    if (!me) {
        rc = itk_error_set(ITK_EAUTH,
                           "%s is not between %s and the city; only those parties "
                           "endorse its requests",
                           f.me.party, info->requester);
        goto done;
    }
    if (r.item->superseded_by[0]) {
        rc = itk_error_set(ITK_ECONFLICT,
                           "%s was superseded by %s; endorse the request's current version (V6)",
                           info->name, r.item->superseded_by);
        goto done;
    }
    if (strcmp(info->state, "pending") != 0 || endorsed_in(reg, r.tip_tree, f.me.party, &r)) {
        if (strcmp(info->state, "pending") != 0)
            rc = itk_error_set(ITK_ECONFLICT, "%s is %s already", info->name, info->state);
        else
            rc = itk_error_set(ITK_ECONFLICT, "%s is endorsed by you already", info->name);
        goto done;
    }
    if ((rc = check_endorsements(reg, &r, me)))
        goto done;
    body = json_pack("{s:s, s:s, s:s}", "request", info->name, "request_sha256", r.sha, "verdict",
                     decline ? "decline" : "endorse");
    if (reason)
        json_object_set_new(body, "reason", json_string(reason));
    if ((rc = itk_change_new(&c, decline ? "decline" : "endorse", "Endorse")) ||
        (rc = itk_change_set_subject(c, "%s %s", decline ? "Decline to forward" : "Endorse",
                                     info->name)) ||
        (rc = itk_record_append(&path, &id, c, reg, &f.me, f.created, "endorsement",
                                info->requester, body, NULL)) ||
        (rc = itk_change_trailer(c, ITK_TRAILER_REQUEST, info->name)))
        goto done;
    rc = commit_on_branch(out, reg, signer, &f, c, &r, me, 1);
done:
    json_decref(body);
    itk_change_free(c);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    request_dispose(&r);
    ctx_dispose(&f);
    return rc;
}

/* V7: the subcontractor an approved form 6 names, registered by the city's
 * approving merge. */
static int register_subcontractor(itk_change *c, itk_registry *reg, flow_ctx *f, request_at *r)
{
    json_t *req = NULL;
    itk_buf path = ITK_BUF_INIT, data = ITK_BUF_INIT;
    itk_pubkey *pk = NULL;
    int rc = itk_tree_read_json(&req, reg->repo, r->tip_tree, r->item->info.path);
    if (rc)
        return rc;
    json_t *form6 = json_object_get(json_object_get(req, "body"), "form6");
    const char *id = json_string_value(json_object_get(form6, "party_id"));
    const char *key = json_string_value(json_object_get(form6, "public_key"));
    const char *name =
        json_string_value(json_object_get(json_object_get(form6, "subcontractor"), "name"));
    if (!id || !key || !name) {
        rc = itk_error_set(ITK_EINVALID,
                           "%s holds no complete form 6 (party_id, public_key, "
                           "subcontractor.name)",
                           r->item->info.name);
        goto done;
    }
    if ((rc = check_form6(reg, f->head_tree, form6)) ||
        (rc = itk_pubkey_from_line(&pk, key, strlen(key))))
        goto done;
    char party_schema[64], key_schema[64];
    if ((rc = itk_form_schema(NULL, party_schema, reg, "party")) ||
        (rc = itk_form_schema(NULL, key_schema, reg, "key")))
        goto done;
    json_t *body = json_pack("{s:s, s:s, s:s}", "name", name, "role", "subcontractor", "parent",
                             r->item->info.requester);
    itk_record_fields pf = {"party", id, id, f->created, NULL, NULL, body, party_schema};
    rc = itk_record_build(&data, &pf);
    json_decref(body);
    if (rc || (rc = itk_record_path(&path, itk_record_type_find("party"), id, NULL, NULL)) ||
        (rc = itk_change_add(c, path.ptr, data.ptr, data.size)) ||
        (rc = itk_key_record_as(&path, &data, key_schema, id, pk, "manager", f->me.party,
                                f->created)))
        goto done;
    rc = itk_change_add(c, path.ptr, data.ptr, data.size);
done:
    itk_pubkey_free(pk);
    json_decref(req);
    itk_buf_dispose(&path);
    itk_buf_dispose(&data);
    return rc;
}

int itk_request_decide(git_oid *out, itk_registry *reg, itk_signer *signer, const char *name,
                       const itk_decision_options *o)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    flow_ctx f;
    request_at r;
    itk_change *c = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    json_t *body = NULL;
    itk_kessai_route route;
    int rc;
    memset(&r, 0, sizeof(r));
    memset(&route, 0, sizeof(route));
    const char *outcome = o && o->outcome ? o->outcome : "";
    const char *action = strcmp(outcome, "approved") == 0   ? "approve"
                         : strcmp(outcome, "rejected") == 0 ? "reject"
                         : strcmp(outcome, "returned") == 0 ? "return"
                                                            : NULL;
    if (!action)
        return itk_error_set(ITK_EINVALID, "a decision is approved, rejected or returned");
    /* on the freshest main known: a clone behind the city's line it last
     * fetched (and with nothing of its own) moves forward first (DESIGN §7) */
    itk_main_update mu;
    if ((rc = itk_sync_main_forward(&mu, reg)))
        return rc;
    if (mu.state == ITK_MAIN_FORWARD) {
        char from[GIT_OID_HEXSZ + 1];
        git_oid_tostr(from, sizeof(from), &mu.from);
        itk_notice_set("main (%.12s) was behind the city's main last fetched (%.12s) and held "
                       "nothing of its own; it was moved forward to it before deciding",
                       from, git_oid_tostr_s(&mu.to));
    }
    if ((rc = ctx_open(&f, reg, signer)))
        return rc;
    if (strcmp(f.me.role, "city") != 0) {
        rc = itk_error_set(ITK_EAUTH,
                           "only the city decides requests; %s may endorse or "
                           "decline to forward them",
                           f.me.party);
        goto done;
    }
    if ((rc = request_open(&r, reg, &f, name)))
        goto done;
    itk_request_info *info = &r.item->info;
    if (r.item->superseded_by[0]) {
        rc = itk_error_set(ITK_ECONFLICT,
                           "%s was superseded by %s; decide the request's current version (V6)",
                           info->name, r.item->superseded_by);
        goto done;
    }
    if (strcmp(info->state, "pending") != 0) {
        rc = itk_error_set(ITK_ECONFLICT,
                           "%s is %s already; a decided or withdrawn request stays so (a new "
                           "request is needed)",
                           info->name, info->state);
        goto done;
    }
    if ((rc = check_endorsements(reg, &r, r.nchain - 1)))
        goto done;
    /* 決裁 (V12): with a decision rule, a draft first, the seals, then this */
    if ((rc = itk_kessai_route_decide(out, &route, reg, signer, info, r.sha, &r.tip, outcome, o)) ||
        route.kind == ITK_KESSAI_DRAFTED)
        goto done;
    body = json_pack("{s:s, s:s, s:s}", "request", info->name, "request_sha256", r.sha, "outcome",
                     outcome);
    /* under a rule, the terms are the draft's (V12), never the completer's */
    if (route.kind == ITK_KESSAI_FINALIZE)
        json_object_update(body, route.extra);
    else
        itk_decision_terms_set(body, o);
    if ((rc = itk_change_new(&c, action, "Decide")) ||
        (rc = itk_change_set_subject(c, "%s %s",
                                     strcmp(action, "approve") == 0  ? "Approve"
                                     : strcmp(action, "reject") == 0 ? "Reject"
                                                                     : "Return",
                                     info->name)) ||
        (rc = itk_record_append(&path, &id, c, reg, &f.me, f.created, "decision", info->requester,
                                body, NULL)) ||
        (rc = itk_change_trailer(c, ITK_TRAILER_REQUEST, info->name)))
        goto done;
    if (strcmp(action, "approve") == 0 && strcmp(info->kind, "subcontract") == 0 &&
        (rc = register_subcontractor(c, reg, &f, &r)))
        goto done;
    if (route.kind == ITK_KESSAI_FINALIZE) {
        /* the merge of main and the decision branch (V12) */
        char received[128];
        snprintf(received, sizeof(received), "%s %s", route.city, git_oid_tostr_s(&route.tip));
        if (!(rc = itk_change_trailer(c, ITK_TRAILER_RECEIVED, received)))
            rc = itk_registry_merge(out, reg, signer, c, &route.tip);
        goto done;
    }
    rc = commit_on_branch(out, reg, signer, &f, c, &r, r.nchain - 1, 0);
done:
    itk_kessai_route_dispose(&route);
    json_decref(body);
    itk_change_free(c);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    request_dispose(&r);
    ctx_dispose(&f);
    return rc;
}

int itk_request_withdraw(git_oid *out, itk_registry *reg, itk_signer *signer, const char *name)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    flow_ctx f;
    itk_reqdb db;
    itk_reqdb_item *it;
    itk_change *c = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    json_t *body = NULL;
    int rc;
    memset(&db, 0, sizeof(db));
    if ((rc = ctx_open(&f, reg, signer)))
        return rc;
    if ((rc = itk_reqdb_load(&db, reg)) || (rc = itk_reqdb_resolve(&it, &db, name)))
        goto done;
    itk_request_info *info = &it->info;
    if (strcmp(info->requester, f.me.party) != 0) {
        rc = itk_error_set(ITK_EAUTH, "%s is %s's request; only the requester withdraws it",
                           info->name, info->requester);
        goto done;
    }
    if (strcmp(info->state, "pending") != 0 || !info->in_main) {
        if (info->in_main) {
            static const char msg[] = ITK_N_("%s is %s; only a pending request can be withdrawn");
            itk_labels *l = NULL;
            if (itk_labels_open(&l, reg, NULL, "ja"))
                itk_error_clear(); /* the state is shown as its code */
            rc = itk_error_set(ITK_ECONFLICT, msg, info->name,
                               itk_ref_code_shown(l, msg, "request.state", info->state));
            itk_labels_free(l);
        } else
            rc = itk_error_set(ITK_ECONFLICT,
                               "%s is not on your main; only a pending request on it can be "
                               "withdrawn",
                               info->name);
        goto done;
    }
    char summary[128];
    snprintf(summary, sizeof(summary), "取下げ (withdrawal of %s)", info->name);
    body = json_pack("{s:s, s:s, s:s}", "kind", info->kind, "summary", summary, "withdraws",
                     info->name);
    if ((rc = itk_change_new(&c, "withdraw", "Withdraw")) ||
        (rc = itk_change_set_subject(c, "Withdraw %s", info->name)) ||
        (rc = itk_record_append(&path, &id, c, reg, &f.me, f.created, "request", NULL, body,
                                info->id)) ||
        (rc = itk_change_trailer(c, ITK_TRAILER_REQUEST, info->name)) ||
        (rc = itk_registry_commit(out, reg, signer, c)))
        goto done;
    rc = set_branch(reg, f.me.party, info->id, out, 1);
done:
    json_decref(body);
    itk_change_free(c);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    itk_reqdb_free(&db);
    ctx_dispose(&f);
    return rc;
}
