/* The result of a verification: the problems found and the commits walked,
 * as itk_verify_result holds them (vstate.h), and how problems are added to
 * it (by the rules, the walk and V11). Below verify.c, policy*.c and vwalk.c,
 * which all record problems here. */
#include "alloc.h"
#include "array.h"
#include "itaku/errors.h"
#include "intl.h"
#include "vstate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int result_vadd(itk_verify_result *r, const git_oid *id, const char *rule, const char *path,
                       const char *signer, const char *fmt, va_list ap)
{
    if (itk_array_reserve(&r->problems, &r->aproblems, r->nproblems + 1, sizeof(*r->problems)))
        return ITK_ENOMEM;
    itk_problem *pr = &r->problems[r->nproblems];
    memset(pr, 0, sizeof(*pr));
    git_oid_tostr(pr->commit, sizeof(pr->commit), id);
    snprintf(pr->rule, sizeof(pr->rule), "%s", rule);
    char msg[2048];
    /* in the user's language (the CLI's --json keeps English) */
    vsnprintf(msg, sizeof(msg), itk__(fmt), ap);
    pr->path = itk_strdup(path ? path : "");
    pr->signer = itk_strdup(signer ? signer : "");
    pr->message = itk_strdup(msg);
    if (!pr->path || !pr->signer || !pr->message) {
        free(pr->path);
        free(pr->signer);
        free(pr->message);
        return ITK_ENOMEM;
    }
    r->nproblems++;
    return 0;
}

static int result_add(itk_verify_result *r, const git_oid *id, const char *rule, const char *path,
                      const char *signer, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = result_vadd(r, id, rule, path, signer, fmt, ap);
    va_end(ap);
    return rc;
}

int itk_policy_problem(itk_policy *p, const git_oid *id, const char *rule, const char *path,
                       const char *signer, const char *fmt, ...)
{
    if (p->replay)
        return 0; /* state rebuilt for a cached commit: its problems are cached too */
    /* a hostile commit may break a rule once per file it adds: its first
     * problems are listed, the rest counted in one line */
    if (!git_oid_equal(&p->capped_id, id)) {
        p->capped_id = *id;
        p->capped_count = p->capped_more = 0;
    }
    if (p->capped_count++ >= ITK_MAX_PROBLEMS_PER_COMMIT) {
        itk_verify_result *r = p->result;
        char hex[GIT_OID_HEXSZ + 1], msg[400];
        git_oid_tostr(hex, sizeof(hex), id);
        p->capped_more++;
        snprintf(msg, sizeof(msg),
                 itk_n_("and %zu more problem in this commit (only the first %d are listed)",
                        "and %zu more problems in this commit (only the first %d are listed)",
                        p->capped_more),
                 p->capped_more, ITK_MAX_PROBLEMS_PER_COMMIT);
        if (p->capped_more > 1 && r->nproblems &&
            strcmp(r->problems[r->nproblems - 1].commit, hex) == 0) {
            char *m = itk_strdup(msg);
            if (!m)
                return ITK_ENOMEM;
            free(r->problems[r->nproblems - 1].message);
            r->problems[r->nproblems - 1].message = m;
            return 0;
        }
        return result_add(r, id, rule, "", signer, "%s", msg);
    }
    va_list ap;
    va_start(ap, fmt);
    int rc = result_vadd(p->result, id, rule, path, signer, fmt, ap);
    va_end(ap);
    return rc;
}

int itk_verify_result_problem(itk_verify_result *r, const git_oid *id, const char *rule,
                              const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = result_vadd(r, id, rule, path, "", fmt, ap);
    va_end(ap);
    return rc;
}

static void commit_info_dispose(itk_commit_info *ci)
{
    free(ci->subject);
    for (size_t i = 0; i < ci->nrecords; i++)
        free(ci->records[i]);
    free(ci->records);
}

void itk_verify_result_free(itk_verify_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nproblems; i++) {
        free(r->problems[i].path);
        free(r->problems[i].signer);
        free(r->problems[i].message);
    }
    for (size_t i = 0; i < r->ncommits; i++)
        commit_info_dispose(&r->commits[i]);
    free(r->problems);
    free(r->commits);
    free(r);
}

size_t itk_verify_problem_count(const itk_verify_result *r)
{
    return r->nproblems;
}

const itk_problem *itk_verify_problem(const itk_verify_result *r, size_t i)
{
    return i < r->nproblems ? &r->problems[i] : NULL;
}

size_t itk_verify_commit_count(const itk_verify_result *r)
{
    return r->ncommits;
}

size_t itk_verify_total_count(const itk_verify_result *r)
{
    return r->ntotal ? r->ntotal : r->ncommits;
}

int itk_verify_from_tip(const itk_verify_result *r)
{
    return r->from_tip;
}

const itk_commit_info *itk_verify_commit(const itk_verify_result *r, size_t i)
{
    return i < r->ncommits ? &r->commits[i] : NULL;
}

const char *itk_verify_genesis(const itk_verify_result *r)
{
    return r->genesis;
}

const char *itk_verify_city_key(const itk_verify_result *r)
{
    return r->city_key;
}

int itk_verify_pinned(const itk_verify_result *r)
{
    return r->pinned;
}

size_t itk_verify_checked_count(const itk_verify_result *r)
{
    return r->nchecked;
}

/* Moves src's problems after dst's. */
int itk_verify_result_append(itk_verify_result *dst, itk_verify_result *src)
{
    if (!src->nproblems)
        return 0;
    itk_problem *np =
        itk_realloc_array(dst->problems, dst->nproblems + src->nproblems, sizeof(*np));
    if (!np)
        return ITK_ENOMEM;
    memcpy(np + dst->nproblems, src->problems, src->nproblems * sizeof(*np));
    dst->problems = np;
    dst->nproblems += src->nproblems;
    dst->aproblems = dst->nproblems;
    src->nproblems = 0;
    return 0;
}

/* Frees r's problems from the n-th on, and its commits when all. */
void itk_verify_result_truncate(itk_verify_result *r, size_t n, int commits)
{
    for (size_t i = n; i < r->nproblems; i++) {
        free(r->problems[i].path);
        free(r->problems[i].signer);
        free(r->problems[i].message);
    }
    r->nproblems = n < r->nproblems ? n : r->nproblems;
    for (size_t i = 0; commits && i < r->ncommits; i++)
        commit_info_dispose(&r->commits[i]);
    if (commits)
        r->ncommits = 0;
}
