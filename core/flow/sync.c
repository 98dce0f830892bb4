/* Fetching into quarantine and publishing only what verifies (DESIGN §7).
 * How objects arrive (a remote, a path, a bundle) is remote.c's and
 * bundle.c's; this file decides what of them may move our refs. */
#include "itaku/write_lock.h"
#include "fault.h"
#include "itaku/sync.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "intl.h"
#include "alloc.h"
#include "array.h"
#include "itaku/record.h"
#include "itaku/verify.h"
#include "itaku/kessai_draft.h"
#include "itaku/names.h"
#include "registry_priv.h"
#include "oidmap.h"
#include "packscan.h"
#include "remote_auth.h"
#include "senders_priv.h"
#include "kessai_priv.h"
#include "commit_priv.h"
#include "sync_priv.h"
#include "verify_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INCOMING ITK_REF_INCOMING

static void drop_refs(git_repository *repo, const char *prefix)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    char glob[300];
    snprintf(glob, sizeof(glob), "%s*", prefix);
    if (git_reference_iterator_glob_new(&it, repo, glob) < 0)
        return;
    while (git_reference_next(&ref, it) == 0) {
        git_reference_delete(ref);
        git_reference_free(ref);
    }
    git_reference_iterator_free(it);
}

void itk_sync_drop_incoming(itk_registry *reg, const char *name)
{
    char prefix[200];
    snprintf(prefix, sizeof(prefix), INCOMING "%s/", name);
    /* a cleanup, often after a refusal: the refusal's message must survive */
    itk_error_state why;
    itk_error_save(&why);
    drop_refs(reg->repo, prefix);
    itk_error_restore(&why);
}

/* The first problem of a verification, as an error naming commit and rule. */
static int first_problem(itk_verify_result *r, const char *what)
{
    const itk_problem *p = itk_verify_problem(r, 0);
    size_t n = itk_verify_problem_count(r);
    if (*p->path)
        return itk_error_set(ITK_EVERIFY,
                             itk_n_("%s was refused: commit %.12s breaks %s at %s: %s (%zu problem "
                                    "in all; nothing was taken)",
                                    "%s was refused: commit %.12s breaks %s at %s: %s (%zu "
                                    "problems in all; nothing was taken)",
                                    n),
                             what, p->commit, p->rule, p->path, p->message, n);
    return itk_error_set(ITK_EVERIFY,
                         itk_n_("%s was refused: commit %.12s breaks %s: %s (%zu problem in all; "
                                "nothing was taken)",
                                "%s was refused: commit %.12s breaks %s: %s (%zu problems in all; "
                                "nothing was taken)",
                                n),
                         what, p->commit, p->rule, p->message, n);
}

static int check_revs(itk_registry *reg, const char **revs, size_t n, const char *what,
                      size_t *ncommits)
{
    itk_verify_result *r = NULL;
    int rc = itk_verify_run(&r, reg, revs, n, NULL);
    if (rc)
        return rc;
    if (ncommits)
        *ncommits = itk_verify_commit_count(r);
    if (itk_verify_problem_count(r))
        rc = first_problem(r, what);
    itk_verify_result_free(r);
    return rc;
}

int itk_sync_check_rev(itk_registry *reg, const char *rev)
{
    const char *revs[] = {rev};
    char what[160];
    snprintf(what, sizeof(what), "%s", rev);
    return check_revs(reg, revs, 1, what, NULL);
}

/* What main_party is to a take: a hint for the message (a remote's tag),
 * the source's own word for who it is (a bundle's sender: a main its
 * signature contradicts is refused), or the line the caller asked for (a
 * main that is another party's line is refused). */
enum { NAME_HINT, NAME_CLAIMED, NAME_WANTED };

/* One ref found in the quarantine and what it would become. */
typedef struct {
    char *name; /* full ref name under the quarantine */
    git_oid id;
    enum { IN_OTHER, IN_LINE, IN_REQUEST, IN_DECISION } kind;
    char party[ITK_PARTY_ID_MAX + 1]; /* whose the source says it is: line's, or requester */
    const char *local;                /* where it goes: refs/heads/requests/… */
    const char *rel;                  /* its name at the source: main, parties/…, requests/… */
    char line[ITK_PARTY_ID_MAX + 1];  /* IN_LINE: the line it moves, by its signature */
    enum { MOVE_NONE, MOVE_NEW, MOVE_FORWARD, MOVE_SAME, MOVE_STALE } move;
    git_oid held; /* what the line or request branch held (MOVE_FORWARD, _SAME, _STALE) */
} incoming_ref;

typedef struct {
    incoming_ref *refs;
    size_t n;
} incoming_set;

static void set_free(incoming_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->refs[i].name);
    free(s->refs);
}

/* Splits "<P>/<rest>" into P (a valid party id) and rest. */
static const char *split_party(char party[ITK_PARTY_ID_MAX + 1], const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || (size_t)(slash - s) > ITK_PARTY_ID_MAX)
        return NULL;
    memcpy(party, s, (size_t)(slash - s));
    party[slash - s] = '\0';
    if (itk_party_id_check(party) < 0) {
        itk_error_clear();
        return NULL;
    }
    return slash + 1;
}

static int classify(incoming_ref *in, size_t plen, const char *main_party)
{
    const char *rel = in->name + plen, *rest;
    in->kind = IN_OTHER;
    in->rel = rel;
    if (strcmp(rel, "main") == 0 && main_party) {
        in->kind = IN_LINE;
        snprintf(in->party, sizeof(in->party), "%s", main_party);
    } else if (strncmp(rel, "parties/", 8) == 0 && (rest = split_party(in->party, rel + 8)) &&
               strcmp(rest, "main") == 0 && !(main_party && strcmp(in->party, main_party) == 0)) {
        in->kind = IN_LINE;
    } else if (strncmp(rel, "requests/", 9) == 0 && (rest = split_party(in->party, rel + 9)) &&
               *rest && !strchr(rest, '/')) {
        in->kind = IN_REQUEST;
        in->local = rel; /* requests/<R>/<rec> */
    } else if (strncmp(rel, "decisions/", 10) == 0 && (rest = split_party(in->party, rel + 10)) &&
               *rest && !strchr(rest, '/')) {
        in->kind = IN_DECISION;
        in->local = rel; /* decisions/<R>/<rec>: 決裁 in progress (V12) */
    }
    return in->kind;
}

static int collect(incoming_set *s, git_repository *repo, const char *prefix,
                   const char *main_party)
{
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    char glob[300];
    size_t cap = 0, plen = strlen(prefix);
    int rc = 0;
    memset(s, 0, sizeof(*s));
    snprintf(glob, sizeof(glob), "%s*", prefix);
    if (git_reference_iterator_glob_new(&it, repo, glob) < 0)
        return itk_error_git("cannot list %s", prefix);
    while (!rc && git_reference_next(&ref, it) == 0) {
        const git_oid *id = git_reference_target(ref);
        if (id) {
            rc = itk_array_reserve(&s->refs, &cap, s->n + 1, sizeof(*s->refs));
            if (!rc) {
                incoming_ref *in = &s->refs[s->n];
                memset(in, 0, sizeof(*in));
                if (!(in->name = itk_strdup(git_reference_name(ref))))
                    rc = ITK_ENOMEM;
                else {
                    in->id = *id;
                    s->n++;
                    classify(in, plen, main_party);
                }
            }
        }
        git_reference_free(ref);
    }
    git_reference_iterator_free(it);
    return rc;
}

/* Where a ref at `held` would go when offered `id`: new, forward, the same,
 * or back (id is older: nothing new); -1 when id is off held's history. */
static int compare_tips(git_repository *repo, const git_oid *held, int had, const git_oid *id)
{
    if (!had)
        return MOVE_NEW;
    if (git_oid_equal(held, id))
        return MOVE_SAME;
    if (git_graph_descendant_of(repo, id, held) == 1)
        return MOVE_FORWARD;
    if (git_graph_descendant_of(repo, held, id) == 1)
        return MOVE_STALE;
    return -1;
}

/* The signing party verify found for id, "" when it did not walk it. */
static const char *signer_of(const itk_oidmap *signers, const git_oid *id)
{
    const itk_commit_info *ci = itk_oidmap_get(signers, id);
    return ci ? ci->party : "";
}

/* Senders are proven: each line tip is attributed by its signature, and two
 * tips for one line keep the newer (refused when neither contains the
 * other). Then V8 at the door: a line moves only forward, and a tip older
 * than the line held is nothing new. */
static int attribute_lines(incoming_set *s, git_repository *repo, const itk_oidmap *signers,
                           int naming, const char *source)
{
    int rc = 0;
    for (size_t i = 0; i < s->n && !rc; i++) {
        incoming_ref *in = &s->refs[i];
        git_commit *c = NULL;
        git_tree *tree = NULL;
        if (in->kind != IN_LINE)
            continue;
        if (git_commit_lookup(&c, repo, &in->id) < 0 || git_commit_tree(&tree, c) < 0)
            rc = itk_error_git("cannot read commit %s from %s", git_oid_tostr_s(&in->id), source);
        else
            rc = itk_senders_attribute(
                in->line, repo, tree, ITK_TIP_LINE, in->party, signer_of(signers, &in->id),
                naming == NAME_CLAIMED && strcmp(in->rel, "main") == 0, &in->id, in->rel, source);
        if (!rc && naming == NAME_WANTED && strcmp(in->rel, "main") == 0 &&
            strcmp(in->line, in->party) != 0)
            rc = itk_error_set(ITK_EINVALID,
                               "%s serves the line of %s, not of %s: its main (%.12s) is signed "
                               "by %s; nothing was taken",
                               source, in->line, in->party, git_oid_tostr_s(&in->id), in->line);
        git_tree_free(tree);
        git_commit_free(c);
    }
    for (size_t i = 0; i < s->n && !rc; i++) {
        incoming_ref *a = &s->refs[i];
        for (size_t j = i + 1; j < s->n && a->kind == IN_LINE && !rc; j++) {
            incoming_ref *b = &s->refs[j];
            if (b->kind != IN_LINE || strcmp(a->line, b->line) != 0)
                continue;
            int order = compare_tips(repo, &a->id, 1, &b->id);
            if (order == MOVE_SAME || order == MOVE_STALE)
                b->kind = IN_OTHER; /* b is a's tip or older */
            else if (order == MOVE_FORWARD)
                a->kind = IN_OTHER;
            else
                rc = itk_error_set(ITK_EVERIFY,
                                   "%s was refused: %s (%.12s) and %s (%.12s) are both signed "
                                   "for the line of %s, and neither contains the other; "
                                   "nothing was taken",
                                   source, a->rel, git_oid_tostr_s(&a->id), b->rel,
                                   git_oid_tostr_s(&b->id), a->line);
        }
    }
    for (size_t i = 0; i < s->n && !rc; i++) {
        incoming_ref *in = &s->refs[i];
        char line[160];
        if (in->kind != IN_LINE)
            continue;
        snprintf(line, sizeof(line), ITK_REF_LINES "%s", in->line);
        int had = git_reference_name_to_id(&in->held, repo, line) == 0;
        int move = compare_tips(repo, &in->held, had, &in->id);
        const char *signer = signer_of(signers, &in->id);
        if (move < 0 && strcmp(signer, in->line) != 0) {
            /* a commit from above the line, off it: no rewrite by anyone */
            char was[GIT_OID_HEXSZ + 1];
            git_oid_tostr(was, sizeof(was), &in->held);
            rc = itk_error_set(ITK_ECONFLICT,
                               "%s offers %s's commit %.12s as %s's line, but that line is "
                               "already at %.12s, which the commit does not contain; take %s's "
                               "line as its own instead; nothing was taken",
                               source, signer, git_oid_tostr_s(&in->id), in->line, was, signer);
        } else if (move < 0) {
            char was[GIT_OID_HEXSZ + 1];
            git_oid_tostr(was, sizeof(was), &in->held);
            rc = itk_error_set(ITK_EVERIFY,
                               "%s was refused: %s's line there (%.12s) does not descend from the "
                               "line received before (%.12s); a line may not be rewritten (V8); "
                               "nothing was taken",
                               source, in->line, git_oid_tostr_s(&in->id), was);
        } else {
            in->move = move;
        }
    }
    return rc;
}

/* Request branches: only requests of root or of its descendants, each only
 * to a commit of its requester or of a party between it and the city
 * (refused otherwise), and only fast-forwards of what we hold. A request
 * branch out of root's reach, or that may not move forward, is left as it
 * was, silently: it is someone else's to move. */
static int attribute_requests(incoming_set *s, git_repository *repo, const itk_oidmap *signers,
                              const char *root, const git_tree *scope, const char *source,
                              itk_sync_report *report)
{
    int rc = 0;
    for (size_t i = 0; i < s->n && !rc; i++) {
        incoming_ref *in = &s->refs[i];
        char local[300], requester[ITK_PARTY_ID_MAX + 1];
        git_commit *c = NULL;
        git_tree *tree = NULL;
        if (in->kind != IN_REQUEST)
            continue;
        if (strcmp(in->party, root) != 0 && !itk_chain_is_ancestor(repo, scope, root, in->party))
            continue;
        if (git_commit_lookup(&c, repo, &in->id) < 0 || git_commit_tree(&tree, c) < 0)
            rc = itk_error_git("cannot read commit %s from %s", git_oid_tostr_s(&in->id), source);
        else
            rc = itk_senders_attribute(requester, repo, tree, ITK_TIP_REQUEST, in->party,
                                       signer_of(signers, &in->id), 0, &in->id, in->rel, source);
        git_tree_free(tree);
        git_commit_free(c);
        if (rc == ITK_EVERIFY) {
            /* this branch may move nowhere: refuse it alone, take the rest */
            itk_notice_set("%s", itk_error_last());
            if (report && report->nrefused++ == 0)
                snprintf(report->refused, sizeof(report->refused), "%s", itk_error_last());
            in->kind = IN_OTHER;
            rc = 0;
            continue;
        }
        if (rc)
            break;
        snprintf(local, sizeof(local), "refs/heads/%s", in->local);
        int had = git_reference_name_to_id(&in->held, repo, local) == 0;
        int move = compare_tips(repo, &in->held, had, &in->id);
        if (move == MOVE_NEW || move == MOVE_FORWARD)
            in->move = move;
    }
    if (!rc)
        itk_error_clear();
    return rc;
}

static size_t take_requests(git_repository *repo, const incoming_set *s)
{
    size_t moved = 0;
    for (size_t i = 0; i < s->n; i++) {
        const incoming_ref *in = &s->refs[i];
        char local[300];
        git_reference *nr = NULL;
        if (in->kind != IN_REQUEST || (in->move != MOVE_NEW && in->move != MOVE_FORWARD))
            continue;
        snprintf(local, sizeof(local), "refs/heads/%s", in->local);
        itk_fault_point("ref-before");
        if (git_reference_create(&nr, repo, local, &in->id, 1, "itaku: take request branch") == 0)
            moved++;
        itk_fault_point("ref-after");
        git_reference_free(nr);
    }
    itk_error_clear();
    return moved;
}

/* Decision branches (決裁, V12): each only to a commit signed by the city
 * (its officers share drafts and seals), forward only, and only when it is
 * the draft of its request and the seals on it, made on main (mains:
 * nmains commits, this clone's main and the main that came with it), as
 * the hook checks it (itk_kessai_branch_check); any other is refused
 * alone, with a notice. One that moved on at the
 * source while this clone added a draft or seal of its own (another
 * officer's seal pushed first) is taken as the source holds it, this
 * clone's tip kept aside and what it held told in report. */
static void take_decisions(git_repository *repo, incoming_set *s, const itk_oidmap *signers,
                           const char *source, const git_oid *mains, size_t nmains,
                           itk_sync_report *report)
{
    for (size_t i = 0; i < s->n; i++) {
        incoming_ref *in = &s->refs[i];
        git_commit *c = NULL;
        git_tree *tree = NULL;
        json_t *contract = NULL;
        char local[300];
        if (in->kind != IN_DECISION)
            continue;
        const char *signer = signer_of(signers, &in->id);
        const char *city = NULL;
        if (git_commit_lookup(&c, repo, &in->id) == 0 && git_commit_tree(&tree, c) == 0 &&
            itk_tree_read_json(&contract, repo, tree, "itaku.json") == 0)
            city = json_string_value(json_object_get(contract, "city"));
        if (!city || !signer || strcmp(signer, city) != 0)
            itk_notice_set("%s was refused: %s points at commit %.12s, signed by %s; a decision "
                           "branch moves only to the city's commits; that branch was not taken",
                           source, in->rel, git_oid_tostr_s(&in->id),
                           signer && *signer ? signer : "no registered party");
        else if (itk_kessai_branch_check(repo, in->rel, &in->id, city, in->rel + 10, mains,
                                         nmains) != 0) {
            itk_notice_set("%s was refused: %s; that branch was not taken", source,
                           itk_error_last());
            itk_error_clear();
        } else {
            snprintf(local, sizeof(local), "refs/heads/%s", in->local);
            int had = git_reference_name_to_id(&in->held, repo, local) == 0;
            int move = compare_tips(repo, &in->held, had, &in->id);
            git_reference *nr = NULL;
            if (move == MOVE_NEW || move == MOVE_FORWARD) {
                itk_fault_point("ref-before");
                if (git_reference_create(&nr, repo, local, &in->id, 1,
                                         "itaku: take decision branch") == 0)
                    itk_fault_point("ref-after");
                git_reference_free(nr);
            } else if (move < 0) {
                itk_overtaken spare[ITK_SYNC_MAX_OVERTAKEN];
                size_t nspare = 0;
                int moved = 0;
                if (report)
                    itk_kessai_overtake(report->overtaken, ITK_SYNC_MAX_OVERTAKEN,
                                        &report->novertaken, &moved, repo, local, &in->held,
                                        &in->id);
                else
                    itk_kessai_overtake(spare, ITK_SYNC_MAX_OVERTAKEN, &nspare, &moved, repo, local,
                                        &in->held, &in->id);
            }
        }
        json_decref(contract);
        git_tree_free(tree);
        git_commit_free(c);
    }
    itk_error_clear();
}

/* Hides from walk every ref outside the takes' (what the registry held
 * before); a ref naming no commit hides nothing. */
static int hide_held(const char *name, void *payload)
{
    if (strncmp(name, INCOMING, strlen(INCOMING)) != 0 && git_revwalk_hide_ref(payload, name) < 0)
        git_error_clear();
    return 0;
}

/* *out: the commits that came, those the taken refs revs (n) reach and no
 * ref held before does. Counted alike whether the take was checked on the
 * verdict at the tip or by the walk, so that the number says what arrived,
 * not what a cache held. 0 or an error code (libgit2's message). */
static int count_arrived(size_t *out, git_repository *repo, const char **revs, size_t n)
{
    git_revwalk *walk = NULL;
    git_oid id;
    int rc = git_revwalk_new(&walk, repo) < 0 ? -1 : 0;
    for (size_t i = 0; !rc && i < n; i++)
        rc = git_revwalk_push_ref(walk, revs[i]) < 0 ? -1 : 0;
    if (!rc)
        rc = git_reference_foreach_name(repo, hide_held, walk) < 0 ? -1 : 0;
    *out = 0;
    while (!rc && (rc = git_revwalk_next(&id, walk)) == 0)
        (*out)++;
    git_revwalk_free(walk);
    if (rc == GIT_ITEROVER)
        return 0;
    return itk_error_git("cannot count the commits that came");
}

static int publish(itk_sync_report *report, itk_registry *reg, const char *name,
                   const char *main_party, int naming, const char *source,
                   const itk_take_options *opts, itk_identity *main_who, git_oid *main_id)
{
    git_repository *repo = reg->repo;
    incoming_set s;
    const char **revs = NULL;
    git_commit *commit = NULL;
    git_tree *tree = NULL;
    itk_verify_result *r = NULL;
    itk_commit_info *tips = NULL;
    size_t ntips = 0;
    itk_oidmap signers;
    char prefix[200];
    size_t nrevs = 0, nlines = 0, ncommits = 0;
    int take = opts ? opts->take_requests : 1;
    int rc;
    if (report)
        memset(report, 0, sizeof(*report));
    memset(&signers, 0, sizeof(signers));
    snprintf(prefix, sizeof(prefix), INCOMING "%s/", name);
    if ((rc = collect(&s, repo, prefix, main_party)) || (rc = itk_oidmap_init(&signers)))
        goto done;
    if (!(revs = itk_calloc(s.n, sizeof(*revs)))) {
        rc = ITK_ENOMEM;
        goto done;
    }
    const incoming_ref *main_in = NULL;
    for (size_t i = 0; i < s.n; i++) {
        if (s.refs[i].kind == IN_OTHER)
            continue;
        if ((s.refs[i].kind == IN_REQUEST || s.refs[i].kind == IN_DECISION) && !take) {
            s.refs[i].kind = IN_OTHER;
            continue;
        }
        revs[nrevs++] = s.refs[i].name;
        if (s.refs[i].kind == IN_LINE) {
            nlines++;
            if (main_party && strcmp(s.refs[i].party, main_party) == 0)
                main_in = &s.refs[i];
        }
    }
    if (nrevs == 0) {
        rc = main_party ? itk_error_set(ITK_ENOTFOUND,
                                        "%s holds no line to take (no main of %s, "
                                        "parties/<P>/main or request branch); nothing was taken",
                                        source, main_party)
                        : itk_error_set(ITK_ENOTFOUND,
                                        "%s holds no line to take (no main, parties/<P>/main or "
                                        "request branch); nothing was taken",
                                        source);
        goto done;
    }
    if (nlines > ITK_SYNC_MAX_LINES) {
        rc = itk_error_set(ITK_ETOOBIG, "%s holds %zu lines, more than the %d one take may hold",
                           source, nlines, ITK_SYNC_MAX_LINES);
        goto done;
    }
    char what[400];
    snprintf(what, sizeof(what), "what came from %s", source);
    /* V1–V10 on every new commit, before anything moves: on the verdict at
     * the tip when it takes them (issue 18: what arrived, not the history),
     * else the walk, which names any problem */
    int fast = itk_verify_arrivals(&r, &tips, &ntips, reg, prefix);
    if (fast < 0) {
        rc = fast;
        goto done;
    }
    if (fast) {
        for (size_t i = 0; i < ntips && !rc; i++)
            rc = itk_oidmap_set(&signers, &tips[i].id, &tips[i]);
    } else {
        if ((rc = itk_verify_run(&r, reg, revs, nrevs, NULL)))
            goto done;
        if (itk_verify_problem_count(r)) {
            rc = first_problem(r, what);
            goto done;
        }
        for (size_t i = 0; i < itk_verify_commit_count(r) && !rc; i++) {
            const itk_commit_info *ci = itk_verify_commit(r, i);
            rc = itk_oidmap_set(&signers, &ci->id, (void *)ci);
        }
    }
    if (rc || (rc = count_arrived(&ncommits, repo, revs, nrevs)) ||
        (rc = attribute_lines(&s, repo, &signers, naming, source)))
        goto done;
    /* who signed the commit main's line ends on, as the walk found (it is
     * where the line's ref goes unless it is older than the line held) */
    const itk_commit_info *main_ci =
        main_in && main_in->move != MOVE_STALE ? itk_oidmap_get(&signers, &main_in->id) : NULL;
    if (main_who && main_ci) {
        *main_id = main_ci->id;
        snprintf(main_who->party, sizeof(main_who->party), "%s", main_ci->party);
        snprintf(main_who->principal, sizeof(main_who->principal), "%s", main_ci->principal);
    }
    itk_error_clear();
    if (take && main_party) {
        /* the requests of main's party (by its signature) and below it */
        const char *root = main_in ? main_in->line : main_party;
        int have_tree = 0;
        if (main_in)
            have_tree = git_commit_lookup(&commit, repo, &main_in->id) == 0 &&
                        git_commit_tree(&tree, commit) == 0;
        else
            have_tree = itk_registry_head_tree(&tree, reg) == 0;
        itk_error_clear();
        if (have_tree && (rc = attribute_requests(&s, repo, &signers, root, tree, source, report)))
            goto done;
        if (have_tree && report)
            report->nrequests = take_requests(repo, &s);
        else if (have_tree)
            take_requests(repo, &s);
        itk_error_clear();
    }
    if (take) {
        /* the mains a draft may be made on: this clone's, and the one that came */
        git_oid mains[2];
        size_t nmains = 0;
        if (git_reference_name_to_id(&mains[0], repo, ITK_REF_MAIN) == 0)
            nmains++;
        git_error_clear();
        if (main_in)
            mains[nmains++] = main_in->id;
        take_decisions(repo, &s, &signers, source, mains, nmains, report);
    }
    for (size_t i = 0; i < s.n && !rc; i++) {
        const incoming_ref *in = &s.refs[i];
        char line[160];
        if (in->kind != IN_LINE)
            continue;
        snprintf(line, sizeof(line), ITK_REF_LINES "%s", in->line);
        git_reference *lr = NULL;
        if (in->move == MOVE_NEW || in->move == MOVE_FORWARD) {
            itk_fault_point("ref-before");
            if (git_reference_create(&lr, repo, line, &in->id, 1, "itaku: verified line") < 0)
                rc = itk_error_git("cannot record %s", line);
            else
                itk_fault_point("ref-after");
            git_reference_free(lr);
        }
        if (report && report->nlines < ITK_SYNC_MAX_LINES) {
            itk_line_update *u = &report->lines[report->nlines++];
            snprintf(u->party, sizeof(u->party), "%s", in->line);
            if (in->move != MOVE_NEW)
                u->old_tip = in->held;
            else
                memset(&u->old_tip, 0, sizeof(u->old_tip));
            u->new_tip = in->id;
            u->nothing_new = in->move == MOVE_STALE;
            snprintf(u->named, sizeof(u->named), "%s",
                     strcmp(in->party, in->line) != 0 ? in->party : "");
        }
    }
    if (report)
        report->ncommits = ncommits;
done:
    drop_refs(repo, prefix);
    itk_oidmap_free(&signers);
    itk_verify_result_free(r);
    free(tips);
    git_tree_free(tree);
    git_commit_free(commit);
    free(revs);
    set_free(&s);
    return rc;
}

int itk_sync_publish(itk_sync_report *report, itk_registry *reg, const char *name,
                     const char *main_party, const char *source, const itk_take_options *opts)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    return publish(report, reg, name, main_party, NAME_HINT, source, opts, NULL, NULL);
}

int itk_sync_publish_claimed(itk_sync_report *report, itk_registry *reg, const char *name,
                             const char *main_party, const char *source,
                             const itk_take_options *opts)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    return publish(report, reg, name, main_party, NAME_CLAIMED, source, opts, NULL, NULL);
}

/* Commits reachable from main that line lacks, counted up to a bound. */
static size_t own_commits(git_repository *repo, const git_oid *main, const git_oid *line)
{
    git_revwalk *w = NULL;
    git_oid id;
    size_t n = 0;
    if (git_revwalk_new(&w, repo) == 0 && git_revwalk_push(w, main) == 0 &&
        git_revwalk_hide(w, line) == 0)
        while (n < 100000 && git_revwalk_next(&id, w) == 0)
            n++;
    git_revwalk_free(w);
    git_error_clear();
    return n;
}

int itk_sync_main_forward(itk_main_update *out, itk_registry *reg)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    git_repository *repo = reg->repo;
    git_config *cfg = NULL;
    git_reference *head = NULL;
    git_commit *old = NULL;
    git_tree *old_tree = NULL;
    const char *party = NULL;
    char line[160] = "";
    int rc = 0;
    memset(out, 0, sizeof(*out));
    if (git_repository_config_snapshot(&cfg, repo) == 0 &&
        git_config_get_string(&party, cfg, ITK_CONFIG_PARTY) == 0 && party[0] &&
        strlen(party) <= ITK_PARTY_ID_MAX)
        snprintf(line, sizeof(line), ITK_REF_LINES "%s", party);
    git_config_free(cfg);
    git_error_clear();
    if (!line[0] || git_reference_name_to_id(&out->to, repo, line) < 0 ||
        git_reference_name_to_id(&out->from, repo, ITK_REF_MAIN) < 0) {
        git_error_clear();
        return 0; /* no own line here, or no main: nothing to say */
    }
    if (git_oid_equal(&out->from, &out->to) ||
        git_graph_descendant_of(repo, &out->from, &out->to) == 1) {
        out->state = ITK_MAIN_SAME;
        return 0;
    }
    if (git_graph_descendant_of(repo, &out->to, &out->from) != 1) {
        git_error_clear();
        out->state = ITK_MAIN_DIVERGED;
        out->own = own_commits(repo, &out->from, &out->to);
        return 0;
    }
    /* strictly behind: main moves forward; the work tree too when HEAD is main */
    int on_main = git_repository_head(&head, repo) == 0 &&
                  strcmp(git_reference_name(head), ITK_REF_MAIN) == 0;
    git_error_clear();
    if (!on_main && !git_repository_is_bare(repo)) {
        git_reference *nr = NULL;
        if (git_reference_create_matching(&nr, repo, ITK_REF_MAIN, &out->to, 1, &out->from,
                                          "itaku fetch: main forward") < 0)
            rc = itk_error_git("cannot move main forward to %s", git_oid_tostr_s(&out->to));
        git_reference_free(nr);
        out->not_checked = 1;
    } else if (git_commit_lookup(&old, repo, &out->from) < 0 || git_commit_tree(&old_tree, old) < 0)
        rc = itk_error_git("cannot read main (%s)", git_oid_tostr_s(&out->from));
    else
        rc = itk_ref_advance(repo, ITK_REF_MAIN, &out->from, &out->to, old_tree,
                             "itaku fetch: main forward");
    if (!rc)
        out->state = ITK_MAIN_FORWARD;
    git_tree_free(old_tree);
    git_commit_free(old);
    git_reference_free(head);
    return rc;
}

int itk_sync_check_served(const itk_sync_report *report, const char *party, const char *source)
{
    for (size_t i = 0; i < report->nlines; i++) {
        const itk_line_update *u = &report->lines[i];
        if (strcmp(u->named, party) == 0)
            return itk_error_set(ITK_EINVALID,
                                 "%s serves the line of %s, not of %s: its main (%.12s) is signed "
                                 "by %s, so it was taken as %s's line; nothing of %s's came from "
                                 "it",
                                 source, u->party, party, git_oid_tostr_s(&u->new_tip), u->party,
                                 u->party, party);
    }
    return 0;
}

/* A path remote copied in whole: at most this many objects, of at most
 * this many bytes in all (one new record is a handful); more (a scan
 * attached) are fetched as a pack. */
#define LOCAL_COPY_MAX_OBJECTS 1024
#define LOCAL_COPY_MAX_BYTES (1024u * 1024)

/* A fetch from url that failed for why: rc, saying so (and that the disk
 * is full when it is). */
static int fetch_failed(itk_registry *reg, int rc, const char *url, const char *why)
{
    if (strstr(why, strerror(ENOSPC)))
        return itk_error_set(ITK_EGIT,
                             "cannot fetch from %s: %s; nothing was taken; the disk holding %s "
                             "is full: free space on it and run the command again",
                             url, why, git_repository_path(reg->repo));
    return itk_error_set(rc, "cannot fetch from %s: %s; nothing was taken", url, why);
}

/* The quarantine refs a fetch with sync's refspecs would make from src's
 * branches main, parties/…, requests/… and decisions/… (their objects
 * copied in already). 0 or an error naming url. */
static int local_refs(itk_registry *reg, git_repository *src, const char *name, const char *url)
{
    static const char *const taken[] = {"main", "parties/", "requests/", "decisions/"};
    git_reference_iterator *it = NULL;
    git_reference *ref = NULL;
    int rc = 0;
    if (git_reference_iterator_glob_new(&it, src, "refs/heads/*") < 0)
        return itk_error_git("cannot list %s", url);
    while (!rc && git_reference_next(&ref, it) == 0) {
        const char *rel = git_reference_name(ref) + strlen("refs/heads/");
        git_reference *direct = NULL, *nr = NULL;
        int want = strcmp(rel, taken[0]) == 0;
        for (size_t i = 1; i < sizeof(taken) / sizeof(taken[0]); i++)
            want = want || strncmp(rel, taken[i], strlen(taken[i])) == 0;
        if (want && git_reference_resolve(&direct, ref) == 0 && git_reference_target(direct)) {
            char local[400];
            snprintf(local, sizeof(local), INCOMING "%s/%s", name, rel);
            if (git_reference_create(&nr, reg->repo, local, git_reference_target(direct), 1,
                                     "itaku: fetch into quarantine") < 0)
                rc = itk_error_git("cannot record %s", local);
        }
        git_error_clear();
        git_reference_free(nr);
        git_reference_free(direct);
        git_reference_free(ref);
    }
    git_reference_iterator_free(it);
    return rc;
}

/* A path remote is packed in this process, each object read whole: its
 * objects' sizes are read from their headers first (packscan.h), and a
 * few are copied in without the pack (*copied 1, the quarantine refs
 * made). */
static int check_local_source(int *copied, itk_registry *reg, const char *name, const char *url)
{
    const char *path = url;
    git_repository *src = NULL;
    *copied = 0;
    /* its object folder first (alternates, pack indexes): the size check
     * and the fetch read its packs through them */
    int rc = itk_registry_source_open(&src, &path, url);
    if (!rc && src)
        rc = itk_packscan_source_copy(copied, reg->repo, src, path, LOCAL_COPY_MAX_OBJECTS,
                                      LOCAL_COPY_MAX_BYTES);
    if (rc) {
        char why[ITK_ERROR_MAX];
        snprintf(why, sizeof(why), "%s", itk_error_last());
        rc = fetch_failed(reg, rc, url, why);
    } else if (*copied && (rc = local_refs(reg, src, name, url))) {
        itk_sync_drop_incoming(reg, name);
    }
    git_repository_free(src);
    return rc;
}

/* A fetch from url into the quarantine refs/itaku/incoming/<name>/. */
int itk_sync_fetch_into(itk_registry *reg, const char *name, const char *url,
                        const git_remote_callbacks *callbacks)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    git_remote *remote = NULL;
    char spec_main[256], spec_parties[256], spec_req[256], spec_dec[256];
    int rc = 0;
    snprintf(spec_main, sizeof(spec_main), "+refs/heads/main:" INCOMING "%s/main", name);
    snprintf(spec_parties, sizeof(spec_parties), "+refs/heads/parties/*:" INCOMING "%s/parties/*",
             name);
    snprintf(spec_req, sizeof(spec_req), "+refs/heads/requests/*:" INCOMING "%s/requests/*", name);
    snprintf(spec_dec, sizeof(spec_dec), "+refs/heads/decisions/*:" INCOMING "%s/decisions/*",
             name);
    char *specs[] = {spec_main, spec_parties, spec_req, spec_dec};
    git_strarray refspecs = {specs, 4};
    itk_sync_drop_incoming(reg, name);
    /* a folder's path (git's rule: no "://", no ':' before the first '/')
     * that is not there: libgit2 would call it an unsupported protocol */
    const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
    if (!strstr(url, "://") && (!colon || (slash && slash < colon)) && access(url, F_OK) != 0) {
        char here[4096];
        return itk_error_set(
            ITK_ENOTFOUND,
            "there is no folder %s (looked for from %s); nothing was taken. Give "
            "the path of the party's registry folder (a path relative to the "
            "folder the command runs in), a remote's name, a fetched ref or an ssh:// URL",
            url, getcwd(here, sizeof(here)) ? here : ".");
    }
    /* anonymous: a named remote would also move refs/remotes/<name>/… to
     * what is not verified yet */
    if (git_remote_create_anonymous(&remote, reg->repo, url) < 0)
        return itk_error_git("cannot use %s as a remote", url);
    git_fetch_options fo;
    git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
    fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    fo.update_fetchhead = 0;
    fo.prune = GIT_FETCH_NO_PRUNE;
    if (callbacks)
        fo.callbacks = *callbacks;
    /* the fetched pack's object and delta headers are read before the
     * indexer resolves it (packscan.h) */
    itk_packscan_guard *guard = NULL;
    int copied = 0;
    if ((rc = check_local_source(&copied, reg, name, url)) || copied ||
        (rc = itk_packscan_guard_begin(&guard, reg->repo, NULL))) {
        git_remote_free(remote);
        return rc;
    }
    itk_packscan_guard_progress(guard, reg->fetch_progress, reg->fetch_payload);
    int fetched = git_remote_fetch(remote, &refspecs, &fo, "itaku: fetch into quarantine");
    char why[700] = "";
    if (fetched < 0) {
        const git_error *e = git_error_last();
        snprintf(why, sizeof(why), "%s", e && e->message ? e->message : "unknown error");
    }
    itk_packscan_guard_end(guard);
    if (fetched < 0) {
        itk_sync_drop_incoming(reg, name);
        rc = fetch_failed(reg, ITK_EGIT, url, why);
    }
    git_remote_free(remote);
    return rc;
}

int itk_sync_take(git_oid *tip, itk_registry *reg, const char *party, const char *url,
                  const itk_take_options *opts)
{
    return itk_sync_take_signed(tip, NULL, reg, party, url, opts);
}

int itk_sync_take_signed(git_oid *tip, itk_identity *who, itk_registry *reg, const char *party,
                         const char *url, const itk_take_options *opts)
{
    int locked = itk_registry_write_begin(reg);
    if (locked)
        return locked;
    char line_ref[160];
    int rc;
    if ((rc = itk_party_id_check(party)))
        return rc;
    itk_remote_auth *auth = NULL;
    git_remote_callbacks cb;
    git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
    if ((rc = itk_remote_auth_new(&auth, reg->repo, url, NULL, NULL)))
        return rc;
    itk_remote_auth_callbacks(&cb, auth);
    rc = itk_sync_fetch_into(reg, party, url, &cb);
    if (rc && *itk_remote_auth_reason(auth))
        rc = itk_remote_auth_fail(auth, url);
    itk_remote_auth_free(auth);
    if (rc)
        return rc;
    itk_identity found;
    git_oid found_id;
    memset(&found, 0, sizeof(found));
    memset(&found_id, 0, sizeof(found_id));
    if ((rc = publish(NULL, reg, party, party, NAME_WANTED, url, opts, &found, &found_id)))
        return rc;
    snprintf(line_ref, sizeof(line_ref), ITK_REF_LINES "%s", party);
    if (git_reference_name_to_id(tip, reg->repo, line_ref) < 0)
        return itk_error_set(ITK_ENOTFOUND, "%s has no main branch of %s; nothing was taken", url,
                             party);
    if (who && found.party[0] && git_oid_equal(&found_id, tip))
        *who = found;
    return 0;
}
