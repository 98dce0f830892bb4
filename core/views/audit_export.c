/* The auditor's files for stock git (audit_export.h): walks the verified
 * commits oldest first and keeps, per key, the commits that added, retired
 * and compromised it, then writes allowed_signers lines or a KRL. */
#include "itaku/audit_export.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/krl.h"
#include "itaku/record.h"
#include "itaku/sshkey.h"
#include "alloc.h"
#include "array.h"
#include "registry_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char fpr[64];
    char party[ITK_PARTY_ID_MAX + 1];
    char principal[65];
    char *line; /* "TYPE BASE64 [COMMENT]" as the key file holds it */
    long long added_at;
    char added_in[GIT_OID_HEXSZ + 1];
    int retired;
    long long retired_at;
    char retired_in[GIT_OID_HEXSZ + 1];
    int compromised, last_good_known;
    long long last_good_at;
    char compromised_in[GIT_OID_HEXSZ + 1], last_good[GIT_OID_HEXSZ + 1];
} akey;

typedef struct {
    akey *v;
    size_t n, cap;
    size_t left_out;
} akeys;

static void akeys_free(akeys *ks)
{
    for (size_t i = 0; i < ks->n; i++)
        free(ks->v[i].line);
    free(ks->v);
}

static akey *find(akeys *ks, const char *fpr)
{
    for (size_t i = 0; i < ks->n; i++)
        if (strcmp(ks->v[i].fpr, fpr) == 0)
            return &ks->v[i];
    return NULL;
}

static int add_key(akeys *ks, const itk_commit_info *ci, const itk_path_info *pi, const json_t *rec)
{
    const json_t *body = json_object_get(rec, "body");
    const char *principal = json_string_value(json_object_get(body, "principal"));
    const char *line = json_string_value(json_object_get(body, "public_key"));
    const char *fpr = json_string_value(json_object_get(body, "fingerprint"));
    if (!principal || !line || !fpr || strlen(fpr) >= sizeof(ks->v->fpr) || find(ks, fpr) ||
        itk_principal_check(principal) || strpbrk(line, "\n\r")) {
        itk_error_clear();
        return 0; /* verified records always have them; a key added twice: the first counts */
    }
    if (itk_array_reserve(&ks->v, &ks->cap, ks->n + 1, sizeof(*ks->v)))
        return ITK_ENOMEM;
    akey *k = &ks->v[ks->n];
    memset(k, 0, sizeof(*k));
    if (!(k->line = itk_strdup(line)))
        return ITK_ENOMEM;
    snprintf(k->fpr, sizeof(k->fpr), "%s", fpr);
    snprintf(k->party, sizeof(k->party), "%s", pi->party);
    snprintf(k->principal, sizeof(k->principal), "%s", principal);
    k->added_at = ci->time;
    git_oid_tostr(k->added_in, sizeof(k->added_in), &ci->id);
    ks->n++;
    return 0;
}

static void add_event(akeys *ks, git_repository *repo, const itk_commit_info *ci, const json_t *rec)
{
    const json_t *body = json_object_get(rec, "body");
    const char *event = json_string_value(json_object_get(body, "event"));
    const char *fpr = json_string_value(json_object_get(body, "key"));
    akey *k = fpr ? find(ks, fpr) : NULL;
    if (!k || !event)
        return;
    if (strcmp(event, "retire") == 0 && !k->retired) {
        k->retired = 1;
        k->retired_at = ci->time;
        git_oid_tostr(k->retired_in, sizeof(k->retired_in), &ci->id);
    } else if (strcmp(event, "compromise") == 0 && !k->compromised) {
        const char *lg = json_string_value(json_object_get(body, "last_good"));
        git_oid id;
        git_commit *c = NULL;
        k->compromised = 1;
        git_oid_tostr(k->compromised_in, sizeof(k->compromised_in), &ci->id);
        snprintf(k->last_good, sizeof(k->last_good), "%.40s", lg ? lg : "");
        if (lg && git_oid_fromstrn(&id, lg, strlen(lg)) == 0 &&
            git_commit_lookup(&c, repo, &id) == 0) {
            k->last_good_known = 1;
            k->last_good_at = (long long)git_commit_time(c);
        }
        git_commit_free(c);
        itk_error_clear();
    }
}

/* The keys and their events, from every commit verify passes. */
static int gather(akeys *ks, itk_registry *reg, const itk_verify_options *opts)
{
    itk_verify_options defaults = ITK_VERIFY_OPTIONS_INIT;
    itk_verify_result *r = NULL;
    git_repository *repo = itk_registry_repo(reg);
    memset(ks, 0, sizeof(*ks));
    int rc = itk_verify_run(&r, reg, NULL, 0, opts ? opts : &defaults);
    for (size_t i = 0; !rc && i < itk_verify_commit_count(r); i++) {
        const itk_commit_info *ci = itk_verify_commit(r, i);
        if (!ci->ok) {
            ks->left_out++;
            continue;
        }
        if (ci->is_void)
            continue;
        git_commit *c = NULL;
        git_tree *tree = NULL;
        for (size_t j = 0; !rc && j < ci->nrecords; j++) {
            itk_path_info pi;
            itk_path_classify(&pi, ci->records[j]);
            int is_key = pi.kind == ITK_PATH_KEY;
            int is_event = pi.kind == ITK_PATH_RECORD && strcmp(pi.type->type, "key-event") == 0;
            if (!is_key && !is_event)
                continue;
            if (!tree &&
                (git_commit_lookup(&c, repo, &ci->id) < 0 || git_commit_tree(&tree, c) < 0)) {
                rc = itk_error_git("cannot read a verified commit");
                break;
            }
            json_t *rec = NULL;
            if (itk_tree_read_json(&rec, repo, tree, ci->records[j]) < 0) {
                rc = ITK_EIO;
                break;
            }
            if (is_key)
                rc = add_key(ks, ci, &pi, rec);
            else
                add_event(ks, repo, ci, rec);
            json_decref(rec);
        }
        git_tree_free(tree);
        git_commit_free(c);
    }
    itk_verify_result_free(r);
    if (!rc && ks->n == 0)
        rc = itk_error_set(ITK_ENOTFOUND, "no verified commit of this registry adds a key");
    if (rc)
        akeys_free(ks);
    return rc;
}

/* "20261130150000Z" (allowed_signers) or "2026-11-30 15:00:00 UTC" (comments). */
static void utc(char out[32], long long t, int for_ssh)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, for_ssh ? "%Y%m%d%H%M%SZ" : "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void counts_set(itk_audit_counts *counts, const itk_audit_counts *c)
{
    if (counts)
        *counts = *c;
}

int itk_audit_allowed_signers(itk_buf *out, itk_audit_counts *counts, itk_registry *reg,
                              const itk_verify_options *opts)
{
    akeys ks;
    itk_audit_counts c = {0, 0, 0, 0};
    itk_buf_clear(out);
    int rc = gather(&ks, reg, opts);
    if (rc)
        return rc;
    c.left_out = ks.left_out;
    rc = itk_buf_puts(
        out, "# Allowed signers for stock git, written by `itaku export allowed-signers` from\n"
             "# the commits of this registry that keep every trust rule. Use it with\n"
             "#   git -c gpg.ssh.allowedSignersFile=FILE log --show-signature\n"
             "# Each key is valid (UTC) from the commit that added it until the commit that\n"
             "# retired it, or until its last good commit once it is compromised. git compares\n"
             "# these times with each commit's committer date, which the signer chose: a\n"
             "# forgery can be backdated. The README (\"Checking with stock git\") gives the\n"
             "# `git merge-base --is-ancestor` check below each such key, which dates cannot\n"
             "# replace.\n");
    /* no blank lines: ssh-keygen reads one as a line whose key is missing */
    for (size_t i = 0; !rc && i < ks.n; i++) {
        const akey *k = &ks.v[i];
        char t[32], ts[32];
        utc(t, k->added_at, 0);
        utc(ts, k->added_at, 1);
        rc = itk_buf_printf(out, "# %s/%s %s: added in commit %s (%s)\n", k->party, k->principal,
                            k->fpr, k->added_in, t);
        long long before = -1;
        if (!rc && k->retired) {
            utc(t, k->retired_at, 0);
            before = k->retired_at;
            c.retired++;
            rc = itk_buf_printf(out,
                                "# retired in commit %s (%s). A commit it signed counts only if\n"
                                "# the retirement is not an ancestor of that commit's parent:\n"
                                "#   git merge-base --is-ancestor %s COMMIT^   (must fail)\n",
                                k->retired_in, t, k->retired_in);
        }
        if (!rc && k->compromised && !k->last_good_known) {
            c.compromised++;
            rc = itk_buf_printf(out,
                                "# compromised in commit %s; its last good commit %s is not in\n"
                                "# this registry, so no commit it signed is trusted (left out).\n",
                                k->compromised_in, k->last_good);
            continue;
        }
        if (!rc && k->compromised) {
            utc(t, k->last_good_at, 0);
            if (before < 0 || k->last_good_at < before)
                before = k->last_good_at;
            c.compromised++;
            rc = itk_buf_printf(
                out,
                "# compromised in commit %s; last good commit %s (%s).\n"
                "# A commit it signed counts only if it is an ancestor of that one:\n"
                "#   git merge-base --is-ancestor COMMIT %s   (must succeed)\n",
                k->compromised_in, k->last_good, t, k->last_good);
        }
        if (rc)
            break;
        rc = itk_buf_printf(out, "%s/%s namespaces=\"git\"", k->party, k->principal);
        /* ssh-keygen refuses a line whose valid-before is not after its
         * valid-after (added and last good in one second, or clocks that
         * disagree): the end, which stops forgeries, is the one kept */
        if (!rc && (before < 0 || before > k->added_at))
            rc = itk_buf_printf(out, ",valid-after=\"%s\"", ts);
        if (!rc && before >= 0) {
            utc(t, before, 1);
            rc = itk_buf_printf(out, ",valid-before=\"%s\"", t);
        }
        if (!rc)
            rc = itk_buf_printf(out, " %s\n", k->line);
        c.keys++;
    }
    akeys_free(&ks);
    if (rc)
        itk_buf_clear(out);
    else
        counts_set(counts, &c);
    return rc;
}

int itk_audit_revocations(itk_buf *out, itk_audit_counts *counts, itk_registry *reg,
                          const itk_verify_options *opts, long long now)
{
    akeys ks;
    itk_audit_counts c = {0, 0, 0, 0};
    itk_buf_clear(out);
    int rc = gather(&ks, reg, opts);
    if (rc)
        return rc;
    c.left_out = ks.left_out;
    itk_pubkey **keys = itk_calloc(ks.n, sizeof(*keys));
    if (!keys)
        rc = ITK_ENOMEM;
    for (size_t i = 0; !rc && i < ks.n; i++) {
        const akey *k = &ks.v[i];
        if (!k->compromised)
            continue;
        if ((rc = itk_pubkey_from_line(&keys[c.keys], k->line, strlen(k->line))) < 0)
            break;
        c.keys++;
        c.compromised++;
    }
    if (!rc)
        rc = itk_krl_write(out, (const itk_pubkey *const *)keys, c.keys,
                           (unsigned long long)(now < 0 ? 0 : now), now,
                           "keys marked compromised in an itaku registry");
    for (size_t i = 0; keys && i < c.keys; i++)
        itk_pubkey_free(keys[i]);
    free(keys);
    akeys_free(&ks);
    if (rc)
        itk_buf_clear(out);
    else
        counts_set(counts, &c);
    return rc;
}
