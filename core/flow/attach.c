/* Evidence attachments: reading a file to attach, adding it to a commit
 * under the party's own folder, citing it in a form, and finding one again
 * (DESIGN §3; verify's rules on them are in verify/policy.c: V2, V4, V10). */
#include "itaku/attach.h"
#include "itaku/errors.h"
#include "intl.h"
#include "itaku/write_lock.h"
#include "alloc.h"
#include "commit_priv.h"
#include "registry_priv.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int itk_attachment_read(itk_attachment *a, const char *file)
{
    memset(a, 0, sizeof(*a));
    struct stat st;
    if (stat(file, &st) != 0)
        return itk_error_set(errno == ENOENT ? ITK_ENOTFOUND : ITK_EIO, "cannot open %s: %s", file,
                             strerror(errno));
    if (!S_ISREG(st.st_mode))
        return itk_error_set(ITK_EINVALID, "%s is not a regular file; attach a file", file);
    if (st.st_size == 0)
        return itk_error_set(
            ITK_EINVALID, "%s is empty; attach the document itself (a scan, a PDF, a log)", file);
    if ((unsigned long long)st.st_size > ITK_MAX_ATTACHMENT_BYTES)
        return itk_error_set(ITK_ETOOBIG,
                             "%s is %lld bytes, larger than the limit of an attachment, 20 MiB "
                             "(%llu bytes); attach a smaller scan or split it",
                             file, (long long)st.st_size,
                             (unsigned long long)ITK_MAX_ATTACHMENT_BYTES);
    int rc = itk_buf_read_file(&a->data, file, ITK_MAX_ATTACHMENT_BYTES);
    if (rc == ITK_ETOOBIG) /* it grew since stat */
        rc = itk_error_set(ITK_ETOOBIG,
                           "%s is larger than the limit of an attachment, 20 MiB (%llu bytes)",
                           file, (unsigned long long)ITK_MAX_ATTACHMENT_BYTES);
    if (rc) {
        itk_buf_dispose(&a->data);
        return rc;
    }
    unsigned char sha[32];
    EVP_Digest(a->data.ptr ? a->data.ptr : "", a->data.size, sha, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(a->sha256 + 2 * i, 3, "%02x", sha[i]);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    snprintf(a->filename, sizeof(a->filename), "%s", *base ? base : "attachment");
    return 0;
}

void itk_attachment_dispose(itk_attachment *a)
{
    if (a)
        itk_buf_dispose(&a->data);
}

static int is_hex(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

int itk_attachment_path(itk_buf *path, const char *party, const char *sha256)
{
    if (!is_hex(sha256, 64, 64))
        return itk_error_set(ITK_EINVALID,
                             "'%.80s' is not a SHA-256 (64 lower-case hex digits) of an attachment",
                             sha256);
    itk_buf_clear(path);
    return itk_buf_printf(path, "parties/%s/attachments/%s", party, sha256);
}

int itk_attachment_stage(itk_change *c, git_repository *repo, const git_tree *tree,
                         const char *party, const itk_attachment *a)
{
    itk_buf path = ITK_BUF_INIT;
    git_tree_entry *e = NULL;
    int rc = itk_attachment_path(&path, party, a->sha256);
    if (!rc && tree && git_tree_entry_bypath(&e, tree, path.ptr) == 0) {
        (void)repo; /* kept already: the name is its content's hash (V10) */
        git_tree_entry_free(e);
    } else if (!rc)
        rc = itk_change_add(c, path.ptr, a->data.ptr ? a->data.ptr : "", a->data.size);
    itk_buf_dispose(&path);
    return rc;
}

/* The schema of a top-level field, $ref followed once. */
static const json_t *field_schema(const json_t *schema, const char *field)
{
    const json_t *p = json_object_get(json_object_get(schema, "properties"), field);
    const char *ref = json_string_value(json_object_get(p, "$ref"));
    if (ref && strncmp(ref, "#/$defs/", 8) == 0)
        p = json_object_get(json_object_get(schema, "$defs"), ref + 8);
    return p;
}

static int is_attachment_ref(const json_t *p)
{
    const char *ref = json_string_value(json_object_get(p, "$ref"));
    return ref && strcmp(ref, "#/$defs/attachment") == 0;
}

/* 1 for an attachment field, 2 for a list of attachments, 0 otherwise. */
static int attachment_kind(const json_t *schema, const char *field)
{
    const json_t *p = json_object_get(json_object_get(schema, "properties"), field);
    if (is_attachment_ref(p))
        return 1;
    const char *type = json_string_value(json_object_get(field_schema(schema, field), "type"));
    if (type && strcmp(type, "array") == 0 && is_attachment_ref(json_object_get(p, "items")))
        return 2;
    return 0;
}

int itk_attachment_fill(json_t *body, const json_t *schema, const char *field,
                        const itk_attachment *a)
{
    int kind = attachment_kind(schema, field);
    if (!kind) {
        itk_buf list = ITK_BUF_INIT;
        const char *k;
        const json_t *v;
        json_object_foreach((json_t *)json_object_get(schema, "properties"), k, v)
        {
            (void)v;
            if (attachment_kind(schema, k))
                itk_buf_printf(&list, "%s%s", list.size ? ", " : "", k);
        }
        int rc = itk_error_set(ITK_EINVALID,
                               "--attach %.60s: this form has no attachment field of that name; "
                               "its attachment fields are: %s",
                               field, list.size ? list.ptr : "(none)");
        itk_buf_dispose(&list);
        return rc;
    }
    json_t *cite = json_pack("{s:s, s:s}", "filename", a->filename, "sha256", a->sha256);
    if (!cite)
        return ITK_ENOMEM;
    if (kind == 1)
        return json_object_set_new(body, field, cite) ? ITK_ENOMEM : 0;
    json_t *arr = json_object_get(body, field);
    if (arr && !json_is_array(arr)) {
        json_decref(cite);
        return itk_error_set(ITK_EINVALID, "--attach %.60s: the form's %s is not a list", field,
                             field);
    }
    if (!arr) {
        if (!(arr = json_array()) || json_object_set_new(body, field, arr)) {
            json_decref(cite);
            return ITK_ENOMEM;
        }
    }
    /* the same file twice is cited once */
    size_t i;
    json_t *old;
    json_array_foreach(arr, i, old)
    {
        const char *s = json_string_value(json_object_get(old, "sha256"));
        if (s && strcmp(s, a->sha256) == 0) {
            json_decref(cite);
            return 0;
        }
    }
    return json_array_append_new(arr, cite) ? ITK_ENOMEM : 0;
}

int itk_attachment_commit(git_oid *out, char party[64], itk_registry *reg, itk_signer *signer,
                          const itk_attachment *a)
{
    git_tree *tree = NULL;
    itk_change *c = NULL;
    itk_identity who;
    memset(out, 0, sizeof(*out));
    int rc = itk_registry_write_begin(reg);
    if (!rc)
        rc = itk_registry_head_tree(&tree, reg);
    if (!rc)
        rc = itk_registry_identify(&who, reg, tree, signer);
    if (rc)
        goto done;
    snprintf(party, 64, "%s", who.party);
    char subject[300];
    snprintf(subject, sizeof(subject), "Attach %.200s (%.12s)", a->filename, a->sha256);
    if (strpbrk(subject, "\r\n"))
        snprintf(subject, sizeof(subject), "Attach %.12s", a->sha256);
    itk_buf path = ITK_BUF_INIT;
    git_tree_entry *e = NULL;
    if ((rc = itk_attachment_path(&path, who.party, a->sha256)))
        goto done;
    int kept = git_tree_entry_bypath(&e, tree, path.ptr) == 0;
    git_tree_entry_free(e);
    itk_buf_dispose(&path);
    if (kept)
        goto done; /* the same bytes are kept already: nothing to write */
    if ((rc = itk_change_new(&c, "attach", subject)) ||
        (rc = itk_attachment_stage(c, reg->repo, tree, who.party, a)))
        goto done;
    rc = itk_registry_commit(out, reg, signer, c);
done:
    itk_change_free(c);
    git_tree_free(tree);
    return rc;
}

int itk_attachment_find(itk_buf *data, itk_buf *path, git_repository *repo, const git_tree *tree,
                        const char *sha256)
{
    if (!is_hex(sha256, 8, 64))
        return itk_error_set(ITK_EINVALID,
                             "'%.80s' is not the SHA-256 of an attachment (64 lower-case hex "
                             "digits, or at least the first 8 of them)",
                             sha256);
    git_tree_entry *pe = NULL;
    git_tree *parties = NULL;
    itk_buf found = ITK_BUF_INIT;
    size_t len = strlen(sha256), hits = 0;
    int rc = 0;
    if (git_tree_entry_bypath(&pe, tree, "parties") == 0 &&
        git_tree_lookup(&parties, repo, git_tree_entry_id(pe)) < 0)
        rc = itk_error_git("cannot read the parties folder");
    for (size_t i = 0; !rc && parties && i < git_tree_entrycount(parties); i++) {
        const git_tree_entry *p = git_tree_entry_byindex(parties, i);
        git_tree_entry *ae = NULL;
        git_tree *att = NULL;
        if (git_tree_entry_type(p) != GIT_OBJECT_TREE)
            continue;
        itk_buf dir = ITK_BUF_INIT;
        if ((rc = itk_buf_printf(&dir, "%s/attachments", git_tree_entry_name(p))))
            break;
        if (git_tree_entry_bypath(&ae, parties, dir.ptr) == 0 &&
            git_tree_entry_type(ae) == GIT_OBJECT_TREE &&
            git_tree_lookup(&att, repo, git_tree_entry_id(ae)) == 0) {
            for (size_t j = 0; !rc && j < git_tree_entrycount(att); j++) {
                const char *name = git_tree_entry_name(git_tree_entry_byindex(att, j));
                if (strncmp(name, sha256, len) != 0)
                    continue;
                /* the same bytes kept by two parties are one attachment */
                if (hits && strstr(found.ptr, name))
                    continue;
                hits++;
                if (hits == 1)
                    rc = itk_buf_printf(&found, "parties/%s/%s", dir.ptr, name);
            }
        }
        git_tree_free(att);
        git_tree_entry_free(ae);
        itk_buf_dispose(&dir);
    }
    if (!rc && hits == 0)
        rc = itk_error_set(ITK_ENOTFOUND,
                           "no party's attachments hold %s; check the hash (itaku attach prints "
                           "it) or fetch what the other parties wrote",
                           sha256);
    else if (!rc && hits > 1)
        rc = itk_error_set(ITK_EINVALID, "%s names more than one attachment; give more digits",
                           sha256);
    if (!rc && data)
        rc = itk_tree_read(data, repo, tree, found.ptr, ITK_MAX_ATTACHMENT_BYTES);
    if (!rc && path) {
        itk_buf_clear(path);
        rc = itk_buf_put(path, found.ptr, found.size);
    }
    itk_buf_dispose(&found);
    git_tree_free(parties);
    git_tree_entry_free(pe);
    return rc;
}
