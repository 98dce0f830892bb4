/* Fetching into quarantine and publishing only what verifies (DESIGN §7).
 * How objects arrive (a remote, a path, a bundle) is remote.c's and
 * bundle.c's; this file decides what of them may move our refs. */
#include "itaku/sync.h"
#include "itaku/chain.h"
#include "itaku/errors.h"
#include "itaku/record.h"
#include "itaku/verify.h"
#include "registry_priv.h"
#include "remote_priv.h"
#include "sync_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INCOMING "refs/itaku/incoming/"

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
    return itk_error_set(ITK_EVERIFY,
                         "%s was refused: commit %.12s breaks %s%s%s: %s (%zu problem%s in all; "
                         "nothing was taken)",
                         what, p->commit, p->rule, *p->path ? " at " : "", p->path, p->message,
                         itk_verify_problem_count(r), itk_verify_problem_count(r) == 1 ? "" : "s");
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

/* One ref found in the quarantine and what it would become. */
typedef struct {
    char *name; /* full ref name under the quarantine */
    git_oid id;
    enum { IN_OTHER, IN_LINE, IN_REQUEST } kind;
    char party[ITK_PARTY_ID_MAX + 1]; /* the line's party, or the requester */
    const char *local;                /* where it goes: refs/heads/requests/… */
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
            if (s->n == cap) {
                size_t nc = cap ? cap * 2 : 16;
                incoming_ref *nr = realloc(s->refs, nc * sizeof(*nr));
                if (!nr)
                    rc = itk_error_set(ITK_ENOMEM, "out of memory");
                else
                    s->refs = nr, cap = nc;
            }
            if (!rc) {
                incoming_ref *in = &s->refs[s->n];
                memset(in, 0, sizeof(*in));
                if (!(in->name = strdup(git_reference_name(ref))))
                    rc = itk_error_set(ITK_ENOMEM, "out of memory");
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

/* Request branches: only requests of root or of its descendants, and only
 * fast-forwards of what we hold. A request branch that may not move is left
 * as it was, silently: it is someone else's to move. */
static size_t take_requests(git_repository *repo, const incoming_set *s, const char *root,
                            const git_tree *tree)
{
    size_t moved = 0;
    for (size_t i = 0; i < s->n; i++) {
        const incoming_ref *in = &s->refs[i];
        if (in->kind != IN_REQUEST)
            continue;
        if (strcmp(in->party, root) != 0 && !itk_chain_is_ancestor(repo, tree, root, in->party))
            continue;
        char local[300];
        snprintf(local, sizeof(local), "refs/heads/%s", in->local);
        git_oid have;
        int exists = git_reference_name_to_id(&have, repo, local) == 0;
        if (exists &&
            (git_oid_equal(&have, &in->id) || git_graph_descendant_of(repo, &in->id, &have) != 1))
            continue;
        git_reference *nr = NULL;
        if (git_reference_create(&nr, repo, local, &in->id, 1, "itaku: take request branch") == 0)
            moved++;
        git_reference_free(nr);
    }
    itk_error_clear();
    return moved;
}

int itk_sync_publish(itk_sync_report *report, itk_registry *reg, const char *name,
                     const char *main_party, const char *source, const itk_take_options *opts)
{
    git_repository *repo = reg->repo;
    incoming_set s;
    const char **revs = NULL;
    git_commit *commit = NULL;
    git_tree *tree = NULL;
    char prefix[200];
    size_t nrevs = 0, nlines = 0, ncommits = 0;
    int rc;
    if (report)
        memset(report, 0, sizeof(*report));
    snprintf(prefix, sizeof(prefix), INCOMING "%s/", name);
    if ((rc = collect(&s, repo, prefix, main_party)))
        goto done;
    if (!(revs = calloc(s.n ? s.n : 1, sizeof(*revs)))) {
        rc = itk_error_set(ITK_ENOMEM, "out of memory");
        goto done;
    }
    const incoming_ref *main_in = NULL;
    for (size_t i = 0; i < s.n; i++) {
        if (s.refs[i].kind == IN_OTHER)
            continue;
        if (s.refs[i].kind == IN_REQUEST && !(opts ? opts->take_requests : 1))
            continue;
        revs[nrevs++] = s.refs[i].name;
        if (s.refs[i].kind == IN_LINE) {
            nlines++;
            if (main_party && strcmp(s.refs[i].party, main_party) == 0)
                main_in = &s.refs[i];
        }
    }
    if (nrevs == 0) {
        rc = itk_error_set(ITK_ENOTFOUND,
                           "%s holds no line to take (no main%s%s, parties/<P>/main or request "
                           "branch); nothing was taken",
                           source, main_party ? " of " : "", main_party ? main_party : "");
        goto done;
    }
    if (nlines > ITK_SYNC_MAX_LINES) {
        rc = itk_error_set(ITK_ETOOBIG, "%s holds %zu lines, more than the %d one take may hold",
                           source, nlines, ITK_SYNC_MAX_LINES);
        goto done;
    }
    char what[400];
    snprintf(what, sizeof(what), "what came from %s", source);
    /* V1–V10 on every new commit, before anything moves */
    if ((rc = check_revs(reg, revs, nrevs, what, &ncommits)))
        goto done;
    /* V8 at the door: a line only moves forward */
    for (size_t i = 0; i < s.n; i++) {
        const incoming_ref *in = &s.refs[i];
        char line[160];
        git_oid old;
        if (in->kind != IN_LINE)
            continue;
        snprintf(line, sizeof(line), "refs/itaku/lines/%s", in->party);
        if (git_reference_name_to_id(&old, repo, line) == 0 && !git_oid_equal(&old, &in->id) &&
            git_graph_descendant_of(repo, &in->id, &old) != 1) {
            char was[GIT_OID_HEXSZ + 1];
            git_oid_tostr(was, sizeof(was), &old);
            rc = itk_error_set(ITK_EVERIFY,
                               "%s was refused: %s's line there (%.12s) does not descend from the "
                               "line received before (%.12s); a line may not be rewritten (V8); "
                               "nothing was taken",
                               source, in->party, git_oid_tostr_s(&in->id), was);
            goto done;
        }
    }
    itk_error_clear();
    if (opts ? opts->take_requests : 1) {
        int have_tree = 0;
        if (main_in)
            have_tree = git_commit_lookup(&commit, repo, &main_in->id) == 0 &&
                        git_commit_tree(&tree, commit) == 0;
        else
            have_tree = itk_registry_head_tree(&tree, reg) == 0;
        if (have_tree && main_party) {
            size_t moved = take_requests(repo, &s, main_party, tree);
            if (report)
                report->nrequests = moved;
        }
        itk_error_clear();
    }
    for (size_t i = 0; i < s.n && !rc; i++) {
        const incoming_ref *in = &s.refs[i];
        char line[160];
        git_oid old;
        if (in->kind != IN_LINE)
            continue;
        snprintf(line, sizeof(line), "refs/itaku/lines/%s", in->party);
        int had = git_reference_name_to_id(&old, repo, line) == 0;
        git_reference *lr = NULL;
        if (!had || !git_oid_equal(&old, &in->id)) {
            if (git_reference_create(&lr, repo, line, &in->id, 1, "itaku: verified line") < 0)
                rc = itk_error_git("cannot record %s", line);
            git_reference_free(lr);
        }
        if (report && report->nlines < ITK_SYNC_MAX_LINES) {
            itk_line_update *u = &report->lines[report->nlines++];
            snprintf(u->party, sizeof(u->party), "%s", in->party);
            if (had)
                u->old_tip = old;
            else
                memset(&u->old_tip, 0, sizeof(u->old_tip));
            u->new_tip = in->id;
        }
    }
    if (report)
        report->ncommits = ncommits;
done:
    drop_refs(repo, prefix);
    git_tree_free(tree);
    git_commit_free(commit);
    free(revs);
    set_free(&s);
    return rc;
}

/* A fetch from url into the quarantine refs/itaku/incoming/<name>/. */
int itk_sync_fetch_into(itk_registry *reg, const char *name, const char *url,
                        const git_remote_callbacks *callbacks)
{
    git_remote *remote = NULL;
    char spec_main[256], spec_parties[256], spec_req[256];
    int rc = 0;
    snprintf(spec_main, sizeof(spec_main), "+refs/heads/main:" INCOMING "%s/main", name);
    snprintf(spec_parties, sizeof(spec_parties), "+refs/heads/parties/*:" INCOMING "%s/parties/*",
             name);
    snprintf(spec_req, sizeof(spec_req), "+refs/heads/requests/*:" INCOMING "%s/requests/*", name);
    char *specs[] = {spec_main, spec_parties, spec_req};
    git_strarray refspecs = {specs, 3};
    itk_sync_drop_incoming(reg, name);
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
    if (git_remote_fetch(remote, &refspecs, &fo, "itaku: fetch into quarantine") < 0) {
        char why[700];
        const git_error *e = git_error_last();
        snprintf(why, sizeof(why), "%s", e && e->message ? e->message : "unknown error");
        itk_sync_drop_incoming(reg, name);
        rc = itk_error_set(ITK_EGIT, "cannot fetch from %s: %s; nothing was taken", url, why);
    }
    git_remote_free(remote);
    return rc;
}

int itk_sync_take(git_oid *tip, itk_registry *reg, const char *party, const char *url,
                  const itk_take_options *opts)
{
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
    if ((rc = itk_sync_publish(NULL, reg, party, party, url, opts)))
        return rc;
    snprintf(line_ref, sizeof(line_ref), "refs/itaku/lines/%s", party);
    if (git_reference_name_to_id(tip, reg->repo, line_ref) < 0)
        return itk_error_set(ITK_ENOTFOUND, "%s has no main branch of %s; nothing was taken", url,
                             party);
    return 0;
}
