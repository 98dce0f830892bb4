/* Rules that keep old records' verdicts (issue 13): a published obligations
 * version never takes effect before the day it is published (V4), and an
 * acknowledgement pins the very bytes of the obligations file it names, as
 * its own commit's tree holds them (V10). */
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/registry.h"
#include "objsize.h"
#include "policy_priv.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The offset the contract's days are counted in when itaku.json names no
 * usable timezone: Asia/Tokyo (+09:00), the template's. */
#define DEFAULT_OFFSET_MINUTES 540

/* N of "obligations/<set>.vN.json"; 0 when the name carries none. */
static long obligations_version(const char *path)
{
    const char *v = strrchr(path, '/');
    const char *last = NULL;
    for (v = v ? v : path; (v = strstr(v, ".v")) != NULL; v += 2)
        last = v;
    if (!last || last[2] < '1' || last[2] > '9')
        return 0;
    char *end;
    long n = strtol(last + 2, &end, 10);
    return strcmp(end, ".json") == 0 ? n : 0;
}

/* "YYYY-MM-DD" exactly (digits and dashes where a date has them). */
static int is_day(const char *s)
{
    if (!s || strlen(s) != 10)
        return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* The commit's calendar day (committer time) in the contract's timezone. */
static void commit_day(char day[11], check *ck)
{
    json_t *contract = NULL;
    int offset = DEFAULT_OFFSET_MINUTES;
    if (itk_tree_read_json(&contract, ck->p->repo, ck->tree, "itaku.json") == 0) {
        int m;
        const char *tz = json_string_value(json_object_get(contract, "timezone"));
        if (tz && itk_timezone_offset(&m, tz) == 0)
            offset = m;
    }
    itk_error_clear();
    json_decref(contract);
    char when[32];
    itk_format_time(when, (long long)git_commit_time(ck->commit), offset);
    memcpy(day, when, 10);
    day[10] = '\0';
}

/* V4: obligations v2 or later whose effective_from is before the day the
 * commit publishing it was made would change the verdict of
 * acknowledgements made before it (seed §8(2)). */
static int check_effective_from(check *ck, const added_file *f)
{
    if (obligations_version(f->path) < 2)
        return 0; /* v1 governs from the contract's start */
    json_t *ob = NULL;
    git_blob *b = NULL;
    int rc = itk_blob_lookup_bounded(&b, ck->p->repo, &f->blob, ITK_MAX_RECORD_BYTES);
    if (rc == 0 &&
        itk_json_parse(&ob, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), f->path) == 0) {
        const char *from = json_string_value(json_object_get(ob, "effective_from"));
        char day[11];
        commit_day(day, ck);
        if (is_day(from) && strcmp(from, day) < 0)
            rc = PROBLEM(ck, "V4", f->path,
                         "takes effect on %s, before %s, the day this commit publishes it; a "
                         "published obligations version cannot take effect in the past (it "
                         "would change the verdict of acknowledgements already made); publish "
                         "it again with an effective_from of %s or later",
                         from, day, day);
    } else if (rc == ITK_ETOOBIG || rc == 0)
        rc = 0; /* too big or not JSON: refused by V10 on its own */
    itk_error_clear();
    json_decref(ob);
    git_blob_free(b);
    return rc;
}

/* V10: the ack's obligations_sha256 is the SHA-256 of the file its
 * obligations field names, as the commit's tree holds it. */
static int check_ack(check *ck, const added_file *f)
{
    json_t *body = json_object_get(f->rec, "body");
    const char *path = json_string_value(json_object_get(body, "obligations"));
    const char *sha = json_string_value(json_object_get(body, "obligations_sha256"));
    git_tree_entry *e = NULL;
    git_blob *b = NULL;
    int rc = 0;
    if (!path || !sha)
        return 0; /* the schema requires both: refused there */
    if (git_tree_entry_bypath(&e, ck->tree, path) != 0 ||
        git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
        rc = PROBLEM(ck, "V10", f->path,
                     "acknowledges %s, which this commit's tree does not hold; an "
                     "acknowledgement names an obligations file of the registry (write it again "
                     "with itaku acknowledge)",
                     path);
        goto done;
    }
    rc = itk_blob_lookup_bounded(&b, ck->p->repo, git_tree_entry_id(e), ITK_MAX_RECORD_BYTES);
    if (rc == ITK_ETOOBIG) {
        rc = PROBLEM(ck, "V10", f->path,
                     "acknowledges %s, which is larger than an obligations "
                     "file may be; write it again with itaku acknowledge",
                     path);
        goto done;
    }
    if (rc)
        goto done;
    unsigned char md[32];
    char hex[65];
    EVP_Digest(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    if (strcmp(hex, sha) != 0)
        rc = PROBLEM(ck, "V10", f->path,
                     "obligations_sha256 %.64s is not the SHA-256 of %s as this commit's tree "
                     "holds it (%s); an acknowledgement must pin the file it names (write it "
                     "again with itaku acknowledge)",
                     sha, path, hex);
done:
    git_blob_free(b);
    git_tree_entry_free(e);
    return rc;
}

int itk_policy_check_published(check *ck, int genesis)
{
    if (ck->p->replay)
        return 0; /* a cached commit: its verdict is cached too */
    int rc = 0;
    for (size_t i = 0; !rc && i < ck->nfiles; i++) {
        const added_file *f = &ck->files[i];
        if (f->refused)
            continue;
        if (f->info.kind == ITK_PATH_OBLIGATIONS && !genesis)
            rc = check_effective_from(ck, f);
        else if (f->info.kind == ITK_PATH_RECORD && f->rec &&
                 strcmp(f->info.type->type, "ack") == 0)
            rc = check_ack(ck, f);
    }
    return rc;
}
