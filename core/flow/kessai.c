/* 決裁 (DESIGN V12): a draft on decisions/<requester>/<rec>, seals on top of
 * it, and the final decision (flow.c) once the seals meet the rule in force
 * at the draft. See itaku/kessai.h and kessai_priv.h. */
#include "itaku/kessai.h"
#include "itaku/kessai_draft.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/delegation.h"
#include "itaku/names.h"
#include "itaku/people.h"
#include "itaku/query.h"
#include "itaku/sshkey.h"
#include "itaku/textsafe.h"
#include "itaku/write_lock.h"
#include "alloc.h"
#include "commit_priv.h"
#include "fault.h"
#include "kessai_branches_priv.h"
#include "kessai_priv.h"
#include "party_priv.h"
#include "requests_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KESSAI_MAX_WALK ITK_KESSAI_MAX_WALK

/* The most seals one draft may gather that are looked at. */
#define KESSAI_MAX_SEALS 64

typedef struct {
    char id[16];
    char principal[65];
    char post[ITK_KESSAI_POST_BYTES];
    char acting_for[ITK_KESSAI_POST_BYTES];
    char verdict[16];
    char reason_set;
    json_t *reason;
    char path[200];
    git_oid commit;                       /* the commit that added it */
    char fpr[64];                         /* … and the key that signed that */
    itk_seal_standing standing;           /* on main now (seals_standing) */
    char now_post[ITK_KESSAI_POST_BYTES]; /* the sealer's post on main now */
} seal_info;

/* A decision in progress: its branch, draft and seals. */
typedef struct {
    char ref[200];
    git_oid tip;
    git_commit *tip_commit;
    git_tree *tip_tree;
    git_oid draft;
    git_tree *draft_tree;
    git_oid draft_main;  /* the draft's first parent: main as it was drafted on */
    git_tree *main_tree; /* … its tree: the rule in force */
    json_t *draft_body;
    char city[ITK_PARTY_ID_MAX + 1];
    seal_info seals[KESSAI_MAX_SEALS];
    size_t nseals;
} in_progress;

static void progress_dispose(in_progress *p)
{
    git_commit_free(p->tip_commit);
    git_tree_free(p->tip_tree);
    git_tree_free(p->draft_tree);
    git_tree_free(p->main_tree);
    json_decref(p->draft_body);
    for (size_t i = 0; i < p->nseals; i++)
        json_decref(p->seals[i].reason);
    memset(p, 0, sizeof(*p));
}

void itk_kessai_route_dispose(itk_kessai_route *r)
{
    json_decref(r->extra);
    memset(r, 0, sizeof(*r));
}

static const char *body_str(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(json_object_get(rec, "body"), key));
}

int itk_kessai_city_of(char city[ITK_PARTY_ID_MAX + 1], git_repository *repo, const git_tree *tree)
{
    json_t *c = NULL;
    int rc = itk_tree_read_json(&c, repo, tree, "itaku.json");
    if (rc)
        return rc;
    const char *v = json_string_value(json_object_get(c, "city"));
    if (!v || strlen(v) > ITK_PARTY_ID_MAX)
        rc = itk_error_set(ITK_EINVALID, "itaku.json names no city");
    else
        snprintf(city, ITK_PARTY_ID_MAX + 1, "%s", v);
    json_decref(c);
    return rc;
}

/* What void commits wrote, as HEAD's history holds them (V9): a post or a
 * rule set with a stolen key after its last good commit does not count. */
static int head_voids(itk_void_writes *vw, git_repository *repo)
{
    git_oid head;
    if (git_reference_name_to_id(&head, repo, "HEAD") < 0) {
        git_error_clear();
        return 0;
    }
    return itk_void_writes_at(vw, repo, &head);
}

/* itk_kessai_rule_at, not counting what void commits wrote. */
static int rule_counted(itk_kessai_rule *out, git_repository *repo, const git_tree *tree,
                        const char *kind, const char *outcome)
{
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = head_voids(&vw, repo);
    if (!rc)
        rc = itk_kessai_rule_counted(out, repo, tree, &vw, kind, outcome);
    else
        memset(out, 0, sizeof(*out));
    itk_void_writes_dispose(&vw);
    return rc;
}

/* itk_kessai_seal_standing, not counting what void commits wrote. */
static int seal_counted(itk_seal_standing *out, itk_buf *now, git_repository *repo,
                        const git_tree *tree, const char *party, const char *fpr,
                        const char *principal, const char *post)
{
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = head_voids(&vw, repo);
    if (!rc)
        rc = itk_kessai_seal_counted(out, now, repo, tree, &vw, party, fpr, principal, post);
    itk_void_writes_dispose(&vw);
    return rc;
}

/* Where each seal of p was made, and by which key. */
static int seals_signed(in_progress *p, git_repository *repo)
{
    const char *paths[KESSAI_MAX_SEALS];
    git_oid at[KESSAI_MAX_SEALS];
    for (size_t i = 0; i < p->nseals; i++)
        paths[i] = p->seals[i].path;
    int rc = itk_kessai_seal_commits(at, repo, &p->tip, &p->draft, paths, p->nseals);
    for (size_t i = 0; !rc && i < p->nseals; i++) {
        p->seals[i].commit = at[i];
        rc = itk_kessai_signed_by(p->seals[i].fpr, repo, &at[i]);
    }
    return rc;
}

/* Whether each seal of p stands in tree (main as a decision would be taken
 * on it now): its key active, its sealer holding the post sealed with. */
static int seals_standing(in_progress *p, git_repository *repo, const git_tree *tree)
{
    itk_buf now = ITK_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; !rc && i < p->nseals; i++) {
        seal_info *s = &p->seals[i];
        rc = seal_counted(&s->standing, &now, repo, tree, p->city, s->fpr, s->principal, s->post);
        snprintf(s->now_post, sizeof(s->now_post), "%s", now.ptr ? now.ptr : "");
    }
    itk_buf_dispose(&now);
    return rc;
}

/* progress_open's reading, which may leave p half filled on an error. */
static int progress_read(in_progress *p, itk_registry *reg, const itk_request_info *info)
{
    git_repository *repo = reg->repo;
    memset(p, 0, sizeof(*p));
    snprintf(p->ref, sizeof(p->ref), ITK_REF_DECISIONS "%s/%s", info->requester, info->id);
    if (git_reference_name_to_id(&p->tip, repo, p->ref) < 0) {
        git_error_clear();
        return ITK_ENOTFOUND;
    }
    if (git_commit_lookup(&p->tip_commit, repo, &p->tip) < 0 ||
        git_commit_tree(&p->tip_tree, p->tip_commit) < 0)
        return itk_error_git("cannot read %s", p->ref);
    int rc = itk_kessai_city_of(p->city, repo, p->tip_tree);
    if (rc)
        return rc;
    /* the draft commit: the latest one, which a redraft's merge of the
     * earlier draft's branch does not hide (itaku/kessai_draft.h) */
    json_t *drec = NULL;
    git_commit *c = NULL, *parent = NULL;
    rc = itk_kessai_draft_find(&p->draft, &drec, repo, &p->tip, p->city, info->name);
    if (rc == ITK_ENOTFOUND)
        return itk_error_set(ITK_EINVALID, "%s holds no draft of %s; it is not a decision branch",
                             p->ref, info->name);
    if (rc)
        return rc;
    p->draft_body = json_incref(json_object_get(drec, "body"));
    json_decref(drec);
    if (git_commit_lookup(&c, repo, &p->draft) < 0 || git_commit_tree(&p->draft_tree, c) < 0 ||
        git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&p->main_tree, parent) < 0)
        rc = itk_error_git("cannot read the commit that the draft on %s was made on", p->ref);
    else
        p->draft_main = *git_commit_id(parent);
    git_commit_free(parent);
    git_commit_free(c);
    /* the branch holds the draft and the city's seals on it, nothing else,
     * as the hosted registry's hook and a fetch take it (made or moved with
     * plain git, it is no decision in progress); main_now says whether the
     * draft was made on this main */
    if (!rc)
        rc = itk_kessai_branch_local(repo, p->ref + ITK_PREFIX_LEN("refs/heads/"), &p->tip, p->city,
                                     info->name, &p->draft_main, 1);
    if (rc)
        return rc;
    /* the seals naming that draft */
    char **paths = NULL;
    size_t n = 0;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), &p->draft);
    if (itk_tree_records(&paths, &n, repo, p->tip_tree, p->city, "seal")) {
        itk_error_clear();
        return 0;
    }
    for (size_t i = 0; i < n && p->nseals < KESSAI_MAX_SEALS; i++) {
        json_t *rec = NULL;
        if (itk_tree_read_json(&rec, repo, p->tip_tree, paths[i])) {
            itk_error_clear();
            continue;
        }
        const char *d = body_str(rec, "draft");
        if (d && strcmp(d, hex) == 0) {
            seal_info *s = &p->seals[p->nseals++];
            const char *af = body_str(rec, "acting_for");
            snprintf(s->id, sizeof(s->id), "%s", json_string_value(json_object_get(rec, "id")));
            snprintf(s->principal, sizeof(s->principal), "%s", body_str(rec, "principal"));
            snprintf(s->post, sizeof(s->post), "%s", body_str(rec, "post"));
            snprintf(s->acting_for, sizeof(s->acting_for), "%s", af ? af : "");
            snprintf(s->verdict, sizeof(s->verdict), "%s", body_str(rec, "verdict"));
            snprintf(s->path, sizeof(s->path), "%s", paths[i]);
            s->reason = json_incref(json_object_get(json_object_get(rec, "body"), "reason"));
        }
        json_decref(rec);
    }
    itk_string_list_free(paths, n);
    return seals_signed(p, repo);
}

/* Opens the decision branch of request info: its tip, its draft (the latest
 * draft commit along first parents, itk_kessai_draft_find: after a redraft,
 * the redraft) and the seals naming that draft. ITK_ENOTFOUND when there is
 * no branch; on any error p holds nothing (a branch that holds no draft,
 * parked there by plain git, leaves nothing open). */
static int progress_open(in_progress *p, itk_registry *reg, const itk_request_info *info)
{
    int rc = progress_read(p, reg, info);
    if (rc)
        progress_dispose(p);
    return rc;
}

/* Whether the seals of verdict meet r; missing, used as itk_kessai_met. */
static int seals_meet(const in_progress *p, const itk_kessai_rule *r, const char *verdict,
                      itk_buf *missing, int *used)
{
    itk_kessai_seal_in in[KESSAI_MAX_SEALS];
    const char *drafter = json_string_value(json_object_get(p->draft_body, "drafter"));
    for (size_t i = 0; i < p->nseals; i++) {
        const seal_info *s = &p->seals[i];
        int same = strcmp(s->verdict, verdict) == 0 && s->standing == ITK_SEAL_STANDS;
        in[i].principal = same ? s->principal : NULL;
        in[i].post = s->post;
        in[i].acting_for = s->acting_for[0] ? s->acting_for : NULL;
        in[i].has_reason = itk_text_visible(json_string_value(s->reason));
    }
    return itk_kessai_met(r, in, p->nseals, drafter, missing, used);
}

/* Whether the seals of verdict also meet the rule in force on main now
 * (head_tree; none: met): a decision meets both it and the rule in force at
 * the draft. missing and used_now as itk_kessai_met. */
static int meets_now(int *met, in_progress *p, git_repository *repo, const git_tree *head_tree,
                     const char *kind, const char *verdict, itk_buf *missing, int *used_now)
{
    itk_kessai_rule now;
    int rc = rule_counted(&now, repo, head_tree, kind, verdict);
    if (!rc)
        *met = !now.found || seals_meet(p, &now, verdict, missing, used_now);
    return rc;
}

/* The command that decides outcome ("approved": approve, "rejected":
 * reject, else return). */
static const char *action_of(const char *outcome)
{
    return strcmp(outcome, "approved") == 0   ? "approve"
           : strcmp(outcome, "rejected") == 0 ? "reject"
                                              : "return";
}

/* rc, with the way out added to the message set: when no holder of a post
 * can seal this draft (a key added after it cannot, a key renewed), the
 * draft is made again on main now. */
static int redraft_hint(int rc, const in_progress *p, const itk_request_info *info)
{
    char first[ITK_ERROR_MAX];
    const char *outcome = json_string_value(json_object_get(p->draft_body, "outcome"));
    snprintf(first, sizeof(first), "%s", itk_error_last());
    return itk_error_set(rc,
                         "%s. If no holder of the post can seal this draft (起案 %.12s; a key "
                         "added or renewed after it cannot), an officer whose post may draft "
                         "drafts it again on the current main with itaku %s %s --redraft, and "
                         "each post seals the new draft",
                         first, git_oid_tostr_s(&p->draft), action_of(outcome ? outcome : ""),
                         info->name);
}

/* The error when the seals of verdict fall short of r because seal s no
 * longer stands on main (s->standing): what it lacks and what to do. */
static int seal_gone(const in_progress *p, const seal_info *s, const itk_request_info *info,
                     const char *missing, const char *verdict)
{
    const char *act = action_of(verdict);
    switch (s->standing) {
    case ITK_SEAL_KEY_UNKNOWN:
        return itk_error_set(ITK_ECONFLICT,
                             "seal %s on %s by %s/%s no longer counts: its key %s is not %s's on "
                             "main now. %s waits for the seals of %s (%s); a holder of the post "
                             "seals it with itaku kessai %s --%s",
                             s->id, info->name, p->city, s->principal, s->fpr, s->principal,
                             info->name, missing, verdict, info->name, act);
    case ITK_SEAL_KEY_RETIRED:
        return itk_error_set(ITK_ECONFLICT,
                             "seal %s on %s by %s/%s no longer counts: its key %s is retired on "
                             "main now. %s waits for the seals of %s (%s); a holder of the post "
                             "seals it with itaku kessai %s --%s",
                             s->id, info->name, p->city, s->principal, s->fpr, info->name, missing,
                             verdict, info->name, act);
    case ITK_SEAL_KEY_COMPROMISED:
        return itk_error_set(ITK_ECONFLICT,
                             "seal %s on %s by %s/%s no longer counts: its key %s is compromised "
                             "on main now (V9). %s waits for the seals of %s (%s); a holder of the "
                             "post seals it with itaku kessai %s --%s",
                             s->id, info->name, p->city, s->principal, s->fpr, info->name, missing,
                             verdict, info->name, act);
    case ITK_SEAL_POST_NONE:
        return itk_error_set(ITK_ECONFLICT,
                             "seal %s on %s by %s/%s as %s no longer counts: %s holds no post on "
                             "main now. %s waits for the seals of %s (%s); a holder of the post "
                             "seals it with itaku kessai %s --%s",
                             s->id, info->name, p->city, s->principal, s->post, s->principal,
                             info->name, missing, verdict, info->name, act);
    default:
        return itk_error_set(ITK_ECONFLICT,
                             "seal %s on %s by %s/%s as %s no longer counts: %s's post on main is "
                             "%s now. %s waits for the seals of %s (%s); a holder of the post "
                             "seals it with itaku kessai %s --%s",
                             s->id, info->name, p->city, s->principal, s->post, s->principal,
                             s->now_post, info->name, missing, verdict, info->name, act);
    }
}

/* HEAD must descend from the main the draft was made on (or be it), and
 * its tree is where the seals must still stand: *tree (caller frees). */
static int main_now(git_tree **tree, itk_registry *reg, in_progress *p,
                    const itk_request_info *info)
{
    git_oid head;
    char drafted_on[GIT_OID_HEXSZ + 1];
    *tree = NULL;
    if (git_reference_name_to_id(&head, reg->repo, "HEAD") < 0)
        return itk_error_git("cannot read HEAD");
    git_oid_tostr(drafted_on, sizeof(drafted_on), &p->draft_main);
    if (!git_oid_equal(&head, &p->draft_main) &&
        git_graph_descendant_of(reg->repo, &head, &p->draft_main) != 1) {
        git_error_clear();
        return itk_error_set(ITK_ECONFLICT,
                             "the draft of %s (起案 %.12s) was made on %.12s, which this branch's "
                             "HEAD %.12s does not contain; check out main (git switch main) and "
                             "try again",
                             info->name, git_oid_tostr_s(&p->draft), drafted_on,
                             git_oid_tostr_s(&head));
    }
    int rc = itk_registry_head_tree(tree, reg);
    return rc ? rc : seals_standing(p, reg->repo, *tree);
}

/* Refuses a seal by the signer (me, post as the branch records it) that
 * would not stand on main now (tree): a retired or compromised key, a post
 * changed since the draft. */
static int mine_stands(itk_registry *reg, itk_signer *signer, const git_tree *tree,
                       const in_progress *p, const itk_identity *me, const itk_buf *post,
                       const itk_request_info *info)
{
    itk_buf fpr = ITK_BUF_INIT, now = ITK_BUF_INIT;
    itk_seal_standing st = ITK_SEAL_STANDS;
    int rc = itk_pubkey_fingerprint(&fpr, itk_signer_public(signer));
    if (!rc)
        rc = seal_counted(&st, &now, reg->repo, tree, p->city, fpr.ptr, me->principal,
                          post->size ? post->ptr : "");
    if (rc)
        goto done;
    switch (st) {
    case ITK_SEAL_STANDS: break;
    case ITK_SEAL_KEY_UNKNOWN:
        rc = itk_error_set(ITK_EAUTH,
                           "key %s is not %s/%s's on main now; a seal by it would not count. Seal "
                           "%s with your current key",
                           fpr.ptr, me->party, me->principal, info->name);
        break;
    case ITK_SEAL_KEY_RETIRED:
        rc = itk_error_set(ITK_EAUTH,
                           "key %s of %s/%s is retired on main; a seal by it would not count. "
                           "Seal %s with your current key, or ask another holder of the post",
                           fpr.ptr, me->party, me->principal, info->name);
        break;
    case ITK_SEAL_KEY_COMPROMISED:
        rc = itk_error_set(ITK_EAUTH,
                           "key %s of %s/%s is compromised on main (V9); a seal by it would not "
                           "count. Seal %s with your current key, or ask another holder of the "
                           "post",
                           fpr.ptr, me->party, me->principal, info->name);
        break;
    case ITK_SEAL_POST_NONE:
        rc = itk_error_set(ITK_EAUTH,
                           "%s/%s holds no post on main now (the draft of %s was made when the "
                           "post was %s); a seal would not count. Ask a holder of the post the "
                           "rule names",
                           me->party, me->principal, info->name, post->size ? post->ptr : "-");
        break;
    default:
        rc = itk_error_set(ITK_EAUTH,
                           "%s/%s's post on main is %s now, but %s when the draft of %s was made; "
                           "a seal counts only from a post held in both. Ask a holder of the "
                           "post the rule names",
                           me->party, me->principal, now.ptr, post->size ? post->ptr : "-",
                           info->name);
        break;
    }
done:
    itk_buf_dispose(&fpr);
    itk_buf_dispose(&now);
    return rc;
}

/* The post of the signer's principal in tree. */
static int post_of(itk_buf *post, itk_registry *reg, const git_tree *tree, const char *city,
                   const itk_identity *me)
{
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    int rc = head_voids(&vw, reg->repo);
    if (!rc)
        rc = itk_principal_attr_counted(post, reg->repo, tree, &vw, city, me->principal, "post");
    itk_void_writes_dispose(&vw);
    return rc;
}

/* ITK_EAUTH when the post tree records for me, counted, is not what it
 * holds: a post given by a void commit (V9, a stolen setter key), which
 * does not count. */
static int void_post(itk_registry *reg, const git_tree *tree, const char *city,
                     const itk_identity *me, const itk_buf *counted)
{
    itk_buf written = ITK_BUF_INIT;
    int rc = itk_principal_attr(&written, reg->repo, tree, city, me->principal, "post");
    if (!rc && written.size && (!counted->size || strcmp(written.ptr, counted->ptr) != 0))
        rc = itk_error_set(ITK_EAUTH,
                           "%s/%s's post %s was recorded by a void commit (signed with a key "
                           "after its reported compromise, V9), so it does not count: their "
                           "post is %s. A setter records the post again, or a holder of the "
                           "post the rule names seals",
                           me->party, me->principal, written.ptr,
                           counted->size ? counted->ptr : "-");
    itk_buf_dispose(&written);
    return rc;
}

/* Writes change c as a commit on parents (second: NULL for one parent),
 * checks it with verify's rules, and moves ref from old (NULL: must not
 * exist) to it. HEAD and the work tree stay as they are. */
static int commit_to_ref(git_oid *out, itk_registry *reg, itk_signer *signer, itk_change *c,
                         const git_oid *first, const git_oid *second, const char *ref,
                         const git_oid *old)
{
    git_commit *a = NULL, *b = NULL;
    git_tree *base = NULL, *at = NULL;
    itk_identity who;
    int offset = 540, rc;
    if (git_commit_lookup(&a, reg->repo, first) < 0 || git_commit_tree(&at, a) < 0 ||
        (second && git_commit_lookup(&b, reg->repo, second) < 0)) {
        rc = itk_error_git("cannot read the commits a decision branch builds on");
        goto done;
    }
    if ((rc = itk_registry_identify(&who, reg, at, signer)) ||
        (rc = itk_registry_offset(&offset, reg)))
        goto done;
    if (b)
        rc = itk_merge_tree(&base, reg->repo, a, b, NULL);
    else
        rc = git_tree_dup(&base, at) < 0 ? itk_error_git("cannot read a tree") : 0;
    const git_commit *parents[2] = {a, b};
    if (rc ||
        (rc =
             itk_commit_write(out, reg->repo, signer, &who, c, parents, b ? 2 : 1, base, offset)) ||
        (rc = itk_commit_check(reg, out)))
        goto done;
    git_reference *r = NULL;
    itk_fault_point("ref-before");
    int g = old ? git_reference_create_matching(&r, reg->repo, ref, out, 1, old, "itaku: 決裁")
                : git_reference_create(&r, reg->repo, ref, out, 0, "itaku: 起案");
    git_reference_free(r);
    if (g == GIT_EMODIFIED || g == GIT_EEXISTS)
        rc = itk_error_set(ITK_ECONFLICT,
                           "%s moved while itaku was writing; nothing was changed, try again", ref);
    else if (g < 0)
        rc = itk_error_git("cannot update %s", ref);
    else
        itk_fault_point("ref-after");
done:
    git_tree_free(base);
    git_tree_free(at);
    git_commit_free(a);
    git_commit_free(b);
    return rc;
}

/* The draft (起案): a merge of HEAD and the request's branch (a commit on
 * HEAD when HEAD holds it) on a new decision branch. */
void itk_decision_terms_set(json_t *body, const itk_decision_options *o)
{
    if (o->reason)
        json_object_set_new(body, "reason", json_string(o->reason));
    if (o->conditions)
        json_object_set_new(body, "conditions", json_string(o->conditions));
    if (o->valid_until)
        json_object_set_new(body, "valid_until", json_string(o->valid_until));
    if (o->max_uses > 0)
        json_object_set_new(body, "max_uses", json_integer(o->max_uses));
}

static int write_draft(git_oid *out, itk_registry *reg, itk_signer *signer,
                       const itk_request_info *info, const char *sha, const git_oid *request_tip,
                       const char *outcome, const itk_decision_options *o, const char *post,
                       const itk_identity *me, const git_tree *head_tree, const git_oid *prev)
{
    git_oid head;
    itk_change *c = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    char created[32], ref[200], chain[ITK_MAX_CHAIN][ITK_PARTY_ID_MAX + 1];
    size_t nchain = 0;
    int rc;
    if (git_reference_name_to_id(&head, reg->repo, "HEAD") < 0)
        return itk_error_git("cannot read HEAD");
    int merge = !prev && !git_oid_equal(&head, request_tip) &&
                git_graph_descendant_of(reg->repo, &head, request_tip) != 1;
    git_error_clear();
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "request", info->name, "request_sha256",
                             sha, "outcome", outcome, "drafter", me->principal, "post", post);
    if (!body)
        return itk_error_nomem();
    itk_decision_terms_set(body, o);
    snprintf(ref, sizeof(ref), ITK_REF_DECISIONS "%s/%s", info->requester, info->id);
    if ((rc = itk_registry_now(created, reg)) ||
        (rc = itk_chain_path(chain, &nchain, reg->repo, head_tree, info->requester)) ||
        (rc = itk_change_new(&c, "draft", "Draft")) ||
        (rc = prev ? itk_change_set_subject(c, "Draft the decision (起案) on %s again: %s",
                                            info->name, outcome)
                   : itk_change_set_subject(c, "Draft the decision (起案) on %s: %s", info->name,
                                            outcome)) ||
        (rc = itk_record_append(&path, &id, c, reg, me, created, "draft", info->requester, body,
                                NULL)) ||
        (rc = itk_change_trailer(c, ITK_TRAILER_REQUEST, info->name)))
        goto done;
    if (prev) {
        /* the earlier draft's branch, the city's own line, as the final
         * decision merges it */
        char received[128];
        snprintf(received, sizeof(received), "%s %s", me->party, git_oid_tostr_s(prev));
        if ((rc = itk_change_trailer(c, ITK_TRAILER_RECEIVED, received)))
            goto done;
    } else if (merge && nchain >= 2) {
        char received[128];
        snprintf(received, sizeof(received), "%s %s", chain[nchain - 2],
                 git_oid_tostr_s(request_tip));
        if ((rc = itk_change_trailer(c, ITK_TRAILER_RECEIVED, received)))
            goto done;
    }
    /* again: the merge of main now and the earlier draft's branch, which
     * moves forward */
    rc = prev ? commit_to_ref(out, reg, signer, c, &head, prev, ref, prev)
              : commit_to_ref(out, reg, signer, c, &head, merge ? request_tip : NULL, ref, NULL);
done:
    json_decref(body);
    itk_change_free(c);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    return rc;
}

/* A seal is given on its draft's terms (DESIGN V12): an approval only on a
 * draft that proposes one (a draft proposing a rejection or return may be
 * rejected or returned instead: that grants nothing); a 代決 for a post only
 * while no holder of it has sealed the draft. ITK_EAUTH saying what to do. */
static int seal_fits_draft(const in_progress *p, const itk_request_info *info, const char *verdict,
                           const char *acting_for)
{
    const char *drafted = json_string_value(json_object_get(p->draft_body, "outcome"));
    if (strcmp(verdict, "approved") == 0 && (!drafted || strcmp(drafted, "approved") != 0))
        return itk_error_set(ITK_EAUTH,
                             "the draft of %s (起案 %.12s) proposes that it be %s; a seal "
                             "approves only a draft that proposes an approval, on the terms it "
                             "drafted. Seal it --reject or --return, or have a drafting post "
                             "draft the approval",
                             info->name, git_oid_tostr_s(&p->draft), drafted ? drafted : "?");
    for (size_t i = 0; acting_for && i < p->nseals; i++)
        if (!p->seals[i].acting_for[0] && strcmp(p->seals[i].post, acting_for) == 0)
            return itk_error_set(ITK_EAUTH,
                                 "%s/%s, a %s, has sealed the draft of %s (%s, %s): the holder "
                                 "is not absent, and a 代決 for %s would not count",
                                 p->city, p->seals[i].principal, acting_for, info->name,
                                 p->seals[i].id, p->seals[i].verdict, acting_for);
    return 0;
}

/* A draft made with a key that main (HEAD) records as compromised since
 * counts for nothing (V9 in V12): no approval is given on it, as verify
 * would refuse the decision. ITK_EAUTH saying what to do. */
static int draft_sound(git_repository *repo, const in_progress *p, const itk_request_info *info)
{
    itk_void_writes vw = {NULL, 0, NULL, NULL, 0};
    itk_compromise *counted = NULL;
    size_t n = 0;
    git_oid starts[2];
    starts[1] = p->tip;
    if (git_reference_name_to_id(&starts[0], repo, "HEAD") < 0)
        return itk_error_git("cannot read HEAD");
    int rc = itk_void_writes_resolved(&vw, &counted, &n, repo, starts, 2);
    int is_void = !rc && itk_void_writes_holds(&vw, &p->draft);
    const char *drafter = json_string_value(json_object_get(p->draft_body, "drafter"));
    free(counted);
    itk_void_writes_dispose(&vw);
    if (rc || !is_void)
        return rc;
    return itk_error_set(ITK_EAUTH,
                         "the draft of %s (起案 %.12s) was signed by %s/%s after that key's "
                         "compromise (V9): it counts for nothing, and no approval is given on "
                         "it. Seal it --return with a reason, and have an officer whose post may "
                         "draft draft it again (itaku approve %s --redraft)",
                         info->name, git_oid_tostr_s(&p->draft), p->city, drafter ? drafter : "?",
                         info->name);
}

/* The decision is taken on its draft's terms, the ones its seals were given
 * on (DESIGN V12): ITK_EINVALID when o asks for an approval of a draft that
 * proposes none, or carries conditions, a last day or a number of uses the
 * draft does not (verify would refuse the decision). */
static int decision_fits_draft(const in_progress *p, const itk_request_info *info,
                               const char *outcome, const itk_decision_options *o)
{
    const char *drafted = json_string_value(json_object_get(p->draft_body, "outcome"));
    const json_t *cond = json_object_get(p->draft_body, "conditions");
    const json_t *until = json_object_get(p->draft_body, "valid_until");
    const json_t *uses = json_object_get(p->draft_body, "max_uses");
    const char *field = NULL;
    if (strcmp(outcome, "approved") == 0 && (!drafted || strcmp(drafted, outcome) != 0))
        return itk_error_set(ITK_EINVALID,
                             "the draft of %s (起案 %.12s) proposes that it be %s; an approval "
                             "is taken only on a draft that proposes one",
                             info->name, git_oid_tostr_s(&p->draft), drafted ? drafted : "?");
    int same = drafted && strcmp(drafted, outcome) == 0;
    if (o->conditions && !(same && cond && strcmp(json_string_value(cond), o->conditions) == 0))
        field = "--conditions";
    else if (o->valid_until &&
             !(same && until && strcmp(json_string_value(until), o->valid_until) == 0))
        field = "--valid-until";
    else if (o->max_uses > 0 &&
             !(same && uses && json_integer_value(uses) == (json_int_t)o->max_uses))
        field = "--max-uses";
    if (field)
        return itk_error_set(ITK_EINVALID,
                             "the seals on %s were given on its draft (起案 %.12s), and the "
                             "decision carries the draft's terms as drafted; %s differs from "
                             "them. Leave out --conditions, --valid-until and --max-uses",
                             info->name, git_oid_tostr_s(&p->draft), field);
    return 0;
}

/* Refuses (ITK_EAUTH) a drafter whose post (post, read before the draft)
 * the rule r does not let draft. */
static int may_draft(const itk_kessai_rule *r, const itk_request_info *info, const char *city,
                     const itk_identity *me, const itk_buf *post)
{
    if (itk_kessai_may_draft(r, post->size ? post->ptr : NULL))
        return 0;
    itk_buf allowed = ITK_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < r->ndrafters; i++)
        itk_buf_printf(&allowed, "%s%s", i ? ", " : "", r->drafters[i]);
    if (post->size)
        rc = itk_error_set(ITK_EAUTH,
                           "the decision rule in force (%s) lets %s draft (起案) a "
                           "decision on a %s request; %s/%s's post is %s. Ask one of "
                           "them, or record the post with itaku key attributes --post",
                           r->source, allowed.ptr ? allowed.ptr : "?", info->kind, city,
                           me->principal, post->ptr);
    else
        rc = itk_error_set(ITK_EAUTH,
                           "the decision rule in force (%s) lets %s draft (起案) a "
                           "decision on a %s request; %s/%s has no post recorded. Ask one "
                           "of them, or record the post with itaku key attributes --post",
                           r->source, allowed.ptr ? allowed.ptr : "?", info->kind, city,
                           me->principal);
    itk_buf_dispose(&allowed);
    return rc;
}

/* Refuses (ITK_EAUTH) a redraft of p's draft by me that would void a seal
 * given on it without its drafter (DESIGN V12, itk_kessai_may_redraft): a
 * draft is made again only by the officer who drafted it, or by another
 * officer whose post may draft once no seal agreeing with it still stands
 * or a seal on it gave another verdict than it proposes (a sealing post
 * sent it back). The seals' standing is main_now's. */
static int redraft_allowed(const in_progress *p, const itk_request_info *info,
                           const itk_identity *me)
{
    itk_redraft_seal in[KESSAI_MAX_SEALS];
    size_t blocking = 0;
    const char *drafter = json_string_value(json_object_get(p->draft_body, "drafter"));
    const char *outcome = json_string_value(json_object_get(p->draft_body, "outcome"));
    for (size_t i = 0; i < p->nseals; i++) {
        in[i].verdict = p->seals[i].verdict;
        in[i].stands = p->seals[i].standing == ITK_SEAL_STANDS;
    }
    if (itk_kessai_may_redraft(&blocking, drafter, outcome, me->principal, in, p->nseals))
        return 0;
    const seal_info *s = &p->seals[blocking];
    char draft_hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(draft_hex, sizeof(draft_hex), &p->draft);
    return itk_error_set(
        ITK_EAUTH,
        "%s/%s drafted %s (起案 %.12s), and seal %s by %s/%s agreeing with it "
        "still stands: a draft is made again by its drafter, or by another officer "
        "whose post may draft only once a seal on it sends it back (rejects or "
        "returns it) or no seal agreeing with it stands, so %s/%s's redraft "
        "would void that seal without them. Ask %s to draft it again (itaku %s "
        "%s --redraft), or a post the rule names to seal it --reject or "
        "--return with a reason",
        p->city, drafter ? drafter : "?", info->name, draft_hex, s->id, p->city, s->principal,
        me->party, me->principal, drafter ? drafter : "?", action_of(outcome ? outcome : ""),
        info->name);
}

int itk_kessai_route_decide(git_oid *out, itk_kessai_route *route, itk_registry *reg,
                            itk_signer *signer, const itk_request_info *info, const char *sha,
                            const git_oid *request_tip, const char *outcome,
                            const itk_decision_options *o)
{
    in_progress p;
    itk_kessai_rule rule;
    git_tree *head_tree = NULL;
    itk_identity me;
    itk_buf post = ITK_BUF_INIT, missing = ITK_BUF_INIT;
    int used[KESSAI_MAX_SEALS], used_now[KESSAI_MAX_SEALS];
    memset(used_now, 0, sizeof(used_now));
    memset(route, 0, sizeof(*route));
    int rc = progress_open(&p, reg, info);
    if (rc == ITK_ENOTFOUND) {
        /* no decision branch: draft when a rule applies */
        char city[ITK_PARTY_ID_MAX + 1];
        if ((rc = itk_registry_head_tree(&head_tree, reg)) ||
            (rc = rule_counted(&rule, reg->repo, head_tree, info->kind, outcome)))
            goto done;
        if (!rule.found) {
            route->kind = ITK_KESSAI_NONE;
            goto done;
        }
        if ((rc = itk_kessai_city_of(city, reg->repo, head_tree)) ||
            (rc = itk_registry_identify(&me, reg, head_tree, signer)) ||
            (rc = post_of(&post, reg, head_tree, city, &me)))
            goto done;
        if ((rc = may_draft(&rule, info, city, &me, &post)))
            goto done;
        if (o->redraft) {
            rc = itk_error_set(ITK_ENOTFOUND,
                               "%s has no draft to draft again (no branch decisions/%s/%s); "
                               "draft it with itaku %s %s",
                               info->name, info->requester, info->id, action_of(outcome),
                               info->name);
            goto done;
        }
        if (!(rc = write_draft(out, reg, signer, info, sha, request_tip, outcome, o, post.ptr, &me,
                               head_tree, NULL)))
            route->kind = ITK_KESSAI_DRAFTED;
        goto done;
    }
    if (rc)
        goto done;
    if (o->redraft) {
        /* a draft again, on main now, under the rule in force on it, by a
         * post that may draft there: the drafter, or another once the draft
         * was sent back or holds no standing seal agreeing with it */
        if ((rc = main_now(&head_tree, reg, &p, info)) ||
            (rc = rule_counted(&rule, reg->repo, head_tree, info->kind, outcome)))
            goto done;
        if (!rule.found) {
            rc = itk_error_set(ITK_ECONFLICT,
                               "no decision rule in force on main covers a %s request %s; "
                               "there is nothing to draft again",
                               info->kind, outcome);
            goto done;
        }
        if ((rc = itk_registry_identify(&me, reg, head_tree, signer)) ||
            (rc = post_of(&post, reg, head_tree, p.city, &me)) ||
            (rc = may_draft(&rule, info, p.city, &me, &post)) ||
            (rc = redraft_allowed(&p, info, &me)))
            goto done;
        if (!(rc = write_draft(out, reg, signer, info, sha, request_tip, outcome, o, post.ptr, &me,
                               head_tree, &p.tip)))
            route->kind = ITK_KESSAI_DRAFTED;
        goto done;
    }
    /* a decision branch: the rule in force on main as the draft was made
     * decides, with the seals that still stand on main now */
    if ((rc = main_now(&head_tree, reg, &p, info)) ||
        (rc = decision_fits_draft(&p, info, outcome, o)) ||
        (rc = rule_counted(&rule, reg->repo, p.main_tree, info->kind, outcome)))
        goto done;
    if (!rule.found) {
        rc = itk_error_set(ITK_ECONFLICT,
                           "%s was drafted (%.12s) under no decision rule for a %s request "
                           "%s; nothing can finish it that way",
                           info->name, git_oid_tostr_s(&p.draft), info->kind, outcome);
        goto done;
    }
    int met_now = 1;
    if (!seals_meet(&p, &rule, outcome, &missing, used) ||
        (rc = meets_now(&met_now, &p, reg->repo, head_tree, info->kind, outcome, &missing,
                        used_now)) ||
        !met_now) {
        if (rc)
            goto done;
        for (size_t i = 0; i < p.nseals; i++)
            if (p.seals[i].standing != ITK_SEAL_STANDS &&
                strcmp(p.seals[i].verdict, outcome) == 0) {
                rc = redraft_hint(seal_gone(&p, &p.seals[i], info, missing.ptr, outcome), &p, info);
                goto done;
            }
        if (!met_now)
            rc = itk_error_set(ITK_ECONFLICT,
                               "%s is drafted (起案 %.12s) and its seals meet the rule in force at "
                               "the draft, but the rule in force on main now needs the seals of "
                               "%s (%s) too; each seals it with itaku kessai %s --%s",
                               info->name, git_oid_tostr_s(&p.draft), missing.ptr, outcome,
                               info->name, action_of(outcome));
        else
            rc =
                itk_error_set(ITK_ECONFLICT,
                              "%s is drafted (起案 %.12s) and waits for the seals of %s (%s); each "
                              "seals it with itaku kessai %s --%s",
                              info->name, git_oid_tostr_s(&p.draft), missing.ptr, outcome,
                              info->name, action_of(outcome));
        goto done;
    }
    route->kind = ITK_KESSAI_FINALIZE;
    route->tip = p.tip;
    git_oid_tostr(route->draft, sizeof(route->draft), &p.draft);
    snprintf(route->city, sizeof(route->city), "%s", p.city);
    route->extra = json_object();
    json_t *ids = json_array();
    if (!route->extra || !ids) {
        json_decref(ids);
        rc = itk_error_nomem();
        goto done;
    }
    /* in the rule's order: step by step */
    for (size_t s = 1; s <= rule.nsteps; s++)
        for (size_t i = 0; i < p.nseals; i++)
            if (used[i] == (int)s)
                json_array_append_new(ids, json_string(p.seals[i].id));
    /* then those the rule in force on main now needs besides */
    for (size_t i = 0; i < p.nseals; i++)
        if (!used[i] && used_now[i])
            json_array_append_new(ids, json_string(p.seals[i].id));
    json_object_set_new(route->extra, "seals", ids);
    json_object_set_new(route->extra, "draft", json_string(route->draft));
    const char *drafted = json_string_value(json_object_get(p.draft_body, "outcome"));
    if (drafted && strcmp(drafted, outcome) == 0) {
        /* every term of the draft, as its seals were given on it */
        const char *key;
        json_t *v;
        json_object_foreach(p.draft_body, key, v)
        {
            if (strcmp(key, "drafter") && strcmp(key, "post"))
                json_object_set(route->extra, key, v);
        }
    }
    if (!json_object_get(route->extra, "reason"))
        for (size_t i = 0; i < p.nseals; i++)
            if (used[i] && json_is_string(p.seals[i].reason))
                json_object_set(route->extra, "reason", p.seals[i].reason);
done:
    git_tree_free(head_tree);
    itk_buf_dispose(&post);
    itk_buf_dispose(&missing);
    progress_dispose(&p);
    return rc;
}

int itk_kessai_seal(git_oid *out, int *met, itk_registry *reg, itk_signer *signer, const char *name,
                    const itk_seal_options *o)
{
    itk_reqdb db;
    itk_reqdb_item *it = NULL;
    in_progress p;
    itk_kessai_rule rule;
    itk_identity me;
    itk_change *c = NULL;
    itk_buf post = ITK_BUF_INIT, path = ITK_BUF_INIT, id = ITK_BUF_INIT, missing = ITK_BUF_INIT;
    git_tree *head_tree = NULL;
    json_t *body = NULL;
    char created[32], draft_hex[GIT_OID_HEXSZ + 1];
    *met = 0;
    memset(&p, 0, sizeof(p));
    memset(&db, 0, sizeof(db));
    const char *verdict = o && o->verdict ? o->verdict : "";
    if (strcmp(verdict, "approved") && strcmp(verdict, "rejected") && strcmp(verdict, "returned"))
        return itk_error_set(ITK_EINVALID, "a seal approves, rejects or returns");
    int rc = itk_registry_write_begin(reg);
    if (rc)
        return rc;
    if ((rc = itk_reqdb_load(&db, reg)) || (rc = itk_reqdb_resolve(&it, &db, name)))
        goto done;
    const itk_request_info *info = &it->info;
    if (strcmp(info->state, "pending") != 0) {
        rc = itk_error_set(ITK_ECONFLICT, "%s is %s already; there is nothing to seal", info->name,
                           info->state);
        goto done;
    }
    if ((rc = progress_open(&p, reg, info)) == ITK_ENOTFOUND) {
        rc = itk_error_set(ITK_ENOTFOUND,
                           "no draft of %s is here (no branch decisions/%s/%s): an officer whose "
                           "post may draft starts one with itaku approve, reject or return %s, "
                           "or fetch the city's decision branches (itaku pull)",
                           info->name, info->requester, info->id, info->name);
        goto done;
    }
    if (rc)
        goto done;
    git_oid_tostr(draft_hex, sizeof(draft_hex), &p.draft);
    if ((rc = main_now(&head_tree, reg, &p, info)))
        goto done;
    if ((rc = itk_registry_identify(&me, reg, p.tip_tree, signer)) == ITK_EAUTH &&
        itk_registry_identify(&me, reg, head_tree, signer) == 0) {
        rc = itk_error_set(ITK_EAUTH,
                           "the key of %s/%s was added after the draft of %s (起案 %.12s); a "
                           "seal is signed with a key the draft's branch knows. Seal with a key "
                           "of yours registered before the draft, or ask another holder of the "
                           "post the rule names",
                           me.party, me.principal, info->name, draft_hex);
        rc = redraft_hint(rc, &p, info);
        goto done;
    }
    if (!rc)
        itk_error_clear(); /* else the refusal of the key, said below */
    if (rc || (rc = post_of(&post, reg, p.tip_tree, p.city, &me)) ||
        (rc = void_post(reg, p.tip_tree, p.city, &me, &post)) ||
        (rc = itk_registry_now(created, reg)) ||
        (rc = mine_stands(reg, signer, head_tree, &p, &me, &post, info))) {
        if (rc == ITK_EAUTH)
            rc = redraft_hint(rc, &p, info);
        goto done;
    }
    if (strcmp(me.party, p.city) != 0) {
        rc = itk_error_set(ITK_EAUTH, "only the city's officers seal its decisions; %s is %s's",
                           me.principal, me.party);
        goto done;
    }
    const char *drafter = json_string_value(json_object_get(p.draft_body, "drafter"));
    if (drafter && strcmp(drafter, me.principal) == 0) {
        rc = itk_error_set(ITK_EAUTH,
                           "%s/%s drafted %s (起案 %.12s); the drafter does not seal their own "
                           "draft",
                           me.party, me.principal, info->name, draft_hex);
        goto done;
    }
    for (size_t i = 0; i < p.nseals; i++)
        if (strcmp(p.seals[i].principal, me.principal) == 0) {
            rc = itk_error_set(ITK_ECONFLICT, "%s/%s has sealed %s already (%s)", me.party,
                               me.principal, info->name, p.seals[i].id);
            goto done;
        }
    if ((rc = rule_counted(&rule, reg->repo, p.main_tree, info->kind, verdict)))
        goto done;
    if (!rule.found) {
        rc = itk_error_set(ITK_ECONFLICT,
                           "the decision rule in force at the draft of %s (%.12s) names no seal "
                           "for a %s request %s",
                           info->name, draft_hex, info->kind, verdict);
        goto done;
    }
    if (!post.size) {
        rc = itk_error_set(ITK_EAUTH,
                           "%s/%s has no post recorded; the city records it with itaku key "
                           "attributes --principal %s --post POST",
                           me.party, me.principal, me.principal);
        goto done;
    }
    if (o->acting_for && !itk_text_visible(o->reason)) {
        rc = itk_error_set(ITK_EINVALID,
                           "a 代決 (sealing for %s) needs --reason with visible text: why the "
                           "holder of the post is absent",
                           o->acting_for);
        goto done;
    }
    if (strcmp(verdict, "approved") != 0 && !itk_text_visible(o->reason)) {
        rc = itk_error_set(ITK_EINVALID,
                           "a seal that rejects or returns needs --reason with visible text");
        goto done;
    }
    if ((rc = seal_fits_draft(&p, info, verdict, o->acting_for)) ||
        (strcmp(verdict, "approved") == 0 && (rc = draft_sound(reg->repo, &p, info))))
        goto done;
    if (!itk_kessai_may_seal(&rule, post.ptr, o->acting_for)) {
        if (o->acting_for)
            rc = itk_error_set(ITK_EAUTH,
                               "the decision rule (%s) names no 代決 by a %s for %s on a %s "
                               "request",
                               rule.source, post.ptr, o->acting_for, info->kind);
        else
            rc = itk_error_set(ITK_EAUTH,
                               "the decision rule (%s) names no seal by a %s on a %s request "
                               "(%s/%s's post)",
                               rule.source, post.ptr, info->kind, me.party, me.principal);
        goto done;
    }
    const char *sha = json_string_value(json_object_get(p.draft_body, "request_sha256"));
    body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "draft", draft_hex, "request", info->name,
                     "request_sha256", sha ? sha : "", "verdict", verdict, "principal",
                     me.principal, "post", post.ptr);
    if (!body) {
        rc = itk_error_nomem();
        goto done;
    }
    if (o->reason)
        json_object_set_new(body, "reason", json_string(o->reason));
    if (o->acting_for)
        json_object_set_new(body, "acting_for", json_string(o->acting_for));
    if ((rc = itk_change_new(&c, "seal", "Seal")) ||
        (rc = itk_change_set_subject(c, "Seal (決裁) %s: %s by %s", info->name, verdict,
                                     post.ptr)) ||
        (rc = itk_record_append(&path, &id, c, reg, &me, created, "seal", info->requester, body,
                                NULL)) ||
        (rc = itk_change_trailer(c, ITK_TRAILER_REQUEST, info->name)) ||
        (rc = commit_to_ref(out, reg, signer, c, &p.tip, NULL, p.ref, &p.tip)))
        goto done;
    /* does this seal meet the rule? the caller then decides at once */
    progress_dispose(&p);
    git_tree_free(head_tree);
    head_tree = NULL;
    if ((rc = progress_open(&p, reg, info)) || (rc = main_now(&head_tree, reg, &p, info)))
        goto done;
    *met = seals_meet(&p, &rule, verdict, &missing, NULL);
    if (*met &&
        (rc = meets_now(met, &p, reg->repo, head_tree, info->kind, verdict, &missing, NULL)))
        goto done;
done:
    git_tree_free(head_tree);
    json_decref(body);
    itk_change_free(c);
    itk_buf_dispose(&post);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    itk_buf_dispose(&missing);
    progress_dispose(&p);
    itk_reqdb_free(&db);
    return rc;
}

int itk_kessai_where(char code[16], itk_buf *waiting, itk_registry *reg, const char *requester,
                     const char *id)
{
    itk_request_info info;
    in_progress p;
    itk_kessai_rule rule;
    memset(&info, 0, sizeof(info));
    code[0] = '\0';
    itk_buf_clear(waiting);
    snprintf(info.requester, sizeof(info.requester), "%s", requester);
    snprintf(info.id, sizeof(info.id), "%s", id);
    snprintf(info.name, sizeof(info.name), "%s/%s", requester, id);
    int rc = progress_open(&p, reg, &info);
    if (rc == ITK_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    const char *outcome = json_string_value(json_object_get(p.draft_body, "outcome"));
    /* the request's kind, from the draft's tree */
    char path[200];
    json_t *req = NULL;
    snprintf(path, sizeof(path), "parties/%s/requests/%s.json", requester, id);
    const char *kind = "";
    if (itk_tree_read_json(&req, reg->repo, p.draft_tree, path) == 0)
        kind = body_str(req, "kind") ? body_str(req, "kind") : "";
    itk_error_clear();
    git_tree *head_tree = NULL;
    rc = main_now(&head_tree, reg, &p, &info);
    if (rc == ITK_ECONFLICT) {
        itk_error_clear();
        rc = 0;
    }
    rc = rc ? rc : rule_counted(&rule, reg->repo, p.main_tree, kind, outcome ? outcome : "");
    if (!rc) {
        int met = rule.found && seals_meet(&p, &rule, outcome ? outcome : "", waiting, NULL);
        if (met && head_tree)
            rc = meets_now(&met, &p, reg->repo, head_tree, kind, outcome ? outcome : "", waiting,
                           NULL);
        snprintf(code, 16, "%s", met ? "sealed" : p.nseals ? "sealing" : "drafted");
    }
    git_tree_free(head_tree);
    json_decref(req);
    progress_dispose(&p);
    return rc;
}

int itk_kessai_where_words(itk_buf *state, itk_buf *next, const itk_labels *labels,
                           const char *code, const char *waiting)
{
    const char *s = labels && code ? itk_labels_get(labels, "kessai", code) : NULL;
    const char *suffix = labels ? itk_labels_get(labels, "kessai", "waiting") : NULL;
    itk_buf_clear(state);
    itk_buf_clear(next);
    int rc = itk_buf_puts(state, s ? s : code ? code : "");
    if (!rc && waiting && *waiting)
        rc = itk_buf_printf(next, "%s%s", waiting, suffix ? suffix : "");
    return rc;
}

/* The draft or seal record commit c adds to its first parent, if any, into
 * o (its request and kept tip already set). 1 when one was found. */
static int overtaken_record(itk_overtaken *o, git_repository *repo, git_commit *c)
{
    git_commit *parent = NULL;
    git_tree *tree = NULL, *ptree = NULL;
    git_diff *diff = NULL;
    int found = 0;
    if (git_commit_tree(&tree, c) < 0 ||
        (git_commit_parentcount(c) > 0 &&
         (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&ptree, parent) < 0)) ||
        git_diff_tree_to_tree(&diff, repo, ptree, tree, NULL) < 0)
        goto done;
    for (size_t i = 0; !found && i < git_diff_num_deltas(diff); i++) {
        const git_diff_delta *dd = git_diff_get_delta(diff, i);
        itk_path_info pi;
        json_t *rec = NULL;
        itk_path_classify(&pi, dd->new_file.path);
        if (dd->status != GIT_DELTA_ADDED || pi.kind != ITK_PATH_RECORD || !pi.type ||
            (strcmp(pi.type->type, "seal") != 0 && strcmp(pi.type->type, "draft") != 0) ||
            itk_tree_read_json(&rec, repo, tree, dd->new_file.path) != 0)
            continue;
        const char *req = body_str(rec, "request");
        if (req && strcmp(req, o->request) == 0) {
            const char *v =
                body_str(rec, strcmp(pi.type->type, "seal") == 0 ? "verdict" : "outcome");
            const char *who =
                body_str(rec, strcmp(pi.type->type, "seal") == 0 ? "principal" : "drafter");
            const char *reason = body_str(rec, "reason"), *af = body_str(rec, "acting_for");
            snprintf(o->type, sizeof(o->type), "%s", pi.type->type);
            snprintf(o->id, sizeof(o->id), "%s", pi.id);
            snprintf(o->principal, sizeof(o->principal), "%s", who ? who : "");
            snprintf(o->verdict, sizeof(o->verdict), "%s", v ? v : "");
            snprintf(o->reason, sizeof(o->reason), "%s", reason ? reason : "");
            snprintf(o->acting_for, sizeof(o->acting_for), "%s", af ? af : "");
            found = 1;
        }
        json_decref(rec);
    }
done:
    itk_error_clear();
    git_error_clear();
    git_diff_free(diff);
    git_tree_free(ptree);
    git_tree_free(tree);
    git_commit_free(parent);
    return found;
}

int itk_kessai_overtake(itk_overtaken *out, size_t cap, size_t *n, int *moved, git_repository *repo,
                        const char *ref, const git_oid *held, const git_oid *published)
{
    git_oid head, base;
    itk_overtaken found[ITK_SYNC_MAX_OVERTAKEN];
    size_t nfound = 0;
    char kept_ref[300];
    git_commit *c = NULL;
    git_reference *r = NULL;
    *moved = 0;
    if (strncmp(ref, ITK_REF_DECISIONS, ITK_PREFIX_LEN(ITK_REF_DECISIONS)) != 0)
        return itk_error_set(ITK_EINVALID, "%s is no decision branch", ref);
    const char *branch = ref + ITK_PREFIX_LEN("refs/heads/");
    const char *name = ref + ITK_PREFIX_LEN(ITK_REF_DECISIONS);
    /* decided here: the branch stays as main holds it */
    if (git_reference_name_to_id(&head, repo, "HEAD") == 0 &&
        (git_oid_equal(&head, held) || git_graph_descendant_of(repo, &head, held) == 1)) {
        git_error_clear();
        return 0;
    }
    git_error_clear();
    int have_base = git_merge_base(&base, repo, held, published) == 0;
    git_error_clear();
    if (git_commit_lookup(&c, repo, held) < 0)
        return itk_error_git("cannot read %s", ref);
    for (size_t k = 0; c && k < KESSAI_MAX_WALK; k++) {
        const git_oid *id = git_commit_id(c);
        git_commit *parent = NULL;
        if ((have_base && git_oid_equal(id, &base)) ||
            git_graph_descendant_of(repo, published, id) == 1)
            break;
        git_error_clear();
        itk_overtaken *o = &found[nfound < ITK_SYNC_MAX_OVERTAKEN ? nfound : 0];
        memset(o, 0, sizeof(*o));
        snprintf(o->request, sizeof(o->request), "%s", name);
        o->kept = *held;
        if (nfound < ITK_SYNC_MAX_OVERTAKEN && overtaken_record(o, repo, c))
            nfound++;
        if (git_commit_parentcount(c) == 0 || git_commit_parent(&parent, c, 0) < 0)
            parent = NULL;
        git_error_clear();
        git_commit_free(c);
        c = parent;
    }
    git_commit_free(c);
    snprintf(kept_ref, sizeof(kept_ref), ITK_REF_OVERTAKEN "%s", branch);
    itk_fault_point("ref-before");
    if (git_reference_create(&r, repo, kept_ref, held, 1, "itaku: overtaken on take") < 0)
        return itk_error_git("cannot keep %s at %s", ref, kept_ref);
    git_reference_free(r);
    r = NULL;
    if (git_reference_create_matching(&r, repo, ref, published, 1, held,
                                      "itaku: take decision branch (overtaken)") < 0) {
        int rc = itk_error_git("cannot move %s", ref);
        git_reference_remove(repo, kept_ref);
        git_error_clear();
        return rc;
    }
    git_reference_free(r);
    itk_fault_point("ref-after");
    *moved = 1;
    /* oldest first */
    for (size_t i = nfound; i-- > 0 && *n < cap;)
        out[(*n)++] = found[i];
    return 0;
}
