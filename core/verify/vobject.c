/* Tree and commit objects checked byte by byte; see vobject.h. What git
 * fsck reports of a tree (badTree, nullSha1, fullPathname, emptyName,
 * hasDot, hasDotdot, hasDotgit, zeroPaddedFilemode, badFilemode,
 * duplicateEntries, treeNotSorted, largePathname) is refused here, and more:
 * only the names, modes and headers a registry's writers produce. */
#include "vobject.h"
#include "itaku/errors.h"
#include "intl.h"
#include "alloc.h"
#include "array.h"
#include "reader.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes up to the first c (not included; c is consumed), like
 * rd_text_line; -1 when no c is left. */
static int rd_until(itk_reader *r, unsigned char c, const unsigned char **ptr, size_t *len)
{
    const unsigned char *end = r->left ? memchr(r->p, c, r->left) : NULL;
    if (!end)
        return -1;
    *ptr = r->p;
    *len = (size_t)(end - r->p);
    r->p += *len + 1;
    r->left -= *len + 1;
    return 0;
}

static int same(const unsigned char *s, size_t len, const char *word)
{
    return len == strlen(word) && memcmp(s, word, len) == 0;
}

/* name, escaped so that a problem line shows what the bytes were */
static void flaw_set(itk_vobject_flaw *f, const unsigned char *name, size_t len, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));
static void flaw_set(itk_vobject_flaw *f, const unsigned char *name, size_t len, const char *fmt,
                     ...)
{
    size_t o = 0;
    if (len > ITK_VOBJECT_MAX_NAME)
        len = ITK_VOBJECT_MAX_NAME;
    for (size_t i = 0; i < len && o + 5 < sizeof(f->name); i++) {
        unsigned char c = name[i];
        if (c > ' ' && c < 0x7f && c != '\\')
            f->name[o++] = (char)c;
        else
            o += (size_t)snprintf(f->name + o, sizeof(f->name) - o, "\\x%02x", c);
    }
    f->name[o] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->why, sizeof(f->why), itk__(fmt), ap);
    va_end(ap);
}

int itk_vobject_entry_cmp(const char *a, int a_folder, const char *b, int b_folder)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    unsigned ca = a[i] ? (unsigned char)a[i] : a_folder ? '/' : 0;
    unsigned cb = b[i] ? (unsigned char)b[i] : b_folder ? '/' : 0;
    return (int)ca - (int)cb;
}

/* Why git's or a registry's rules refuse this name, or NULL. */
static const char *name_flaw(const unsigned char *s, size_t len)
{
    if (len == 0)
        return ITK_N_("holds an entry with an empty name (git fsck: emptyName)");
    if (len > ITK_VOBJECT_MAX_NAME)
        return ITK_N_("has a name longer than 255 bytes");
    if (memchr(s, '/', len))
        return ITK_N_("has a name holding '/' (git fsck: fullPathname)");
    if (same(s, len, ".") || same(s, len, ".."))
        return ITK_N_("is named '.' or '..' (git fsck: hasDot, hasDotdot)");
    if (len == 4 && s[0] == '.' && (s[1] | 0x20) == 'g' && (s[2] | 0x20) == 'i' &&
        (s[3] | 0x20) == 't')
        return ITK_N_("is named .git (git fsck: hasDotgit)");
    if (s[0] == '.')
        return ITK_N_("has a name starting with '.'");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return ITK_N_(
                "has a character in its name that a registry never uses (only A-Z a-z 0-9 . _ "
                "-)");
    }
    return NULL;
}

static const char *mode_flaw(const unsigned char *m, size_t len)
{
    if (len && m[0] == '0')
        return ITK_N_("has a zero-padded mode (git fsck: zeroPaddedFilemode)");
    if (same(m, len, "100755"))
        return ITK_N_("is an executable file (mode 100755), not a regular file (100644)");
    if (same(m, len, "120000"))
        return ITK_N_("is a symbolic link (mode 120000), not a regular file (100644)");
    if (same(m, len, "160000"))
        return ITK_N_("is a submodule (mode 160000), not a regular file (100644)");
    return ITK_N_("has a mode that is neither 100644 (a file) nor 40000 (a folder)");
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const itk_vobject_entry *)a)->name, ((const itk_vobject_entry *)b)->name);
}

int itk_vobject_tree_parse(itk_vobject_entry **entries, size_t *n, const unsigned char *data,
                           size_t len, itk_vobject_flaw *flaw)
{
    itk_reader r;
    itk_vobject_entry *e = NULL, *sorted = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;
    *entries = NULL;
    *n = 0;
    rd_init(&r, data, len);
    while (r.left) {
        const unsigned char *mode, *name, *id;
        size_t mlen, nlen;
        if (rd_until(&r, ' ', &mode, &mlen) || mlen > 7 || rd_until(&r, '\0', &name, &nlen) ||
            rd_bytes(&r, &id, 20)) {
            flaw_set(flaw, NULL, 0, "cannot be parsed as a tree (git fsck: badTree)");
            rc = 1;
            goto done;
        }
        int folder = same(mode, mlen, "40000");
        const char *why = name_flaw(name, nlen);
        if (!why && !folder && !same(mode, mlen, "100644"))
            why = mode_flaw(mode, mlen);
        static const unsigned char zero[20];
        if (!why && memcmp(id, zero, 20) == 0)
            why = ITK_N_("names the null object id (git fsck: nullSha1)");
        if (why) {
            flaw_set(flaw, name, nlen, "%s", itk__(why));
            rc = 1;
            goto done;
        }
        const char *s = (const char *)name; /* NUL-terminated in the object */
        if (count) {
            int cmp = itk_vobject_entry_cmp(e[count - 1].name, e[count - 1].folder, s, folder);
            if (cmp >= 0) {
                flaw_set(flaw, name, nlen,
                         cmp == 0
                             ? ITK_N_("is listed twice in its folder (git fsck: duplicateEntries)")
                             : ITK_N_("is out of git's order in its folder (git fsck: "
                                      "treeNotSorted)"));
                rc = 1;
                goto done;
            }
        }
        if (itk_array_reserve(&e, &cap, count + 1, sizeof(*e))) {
            rc = ITK_ENOMEM;
            goto done;
        }
        e[count].name = s;
        e[count].id = id;
        e[count].folder = folder;
        count++;
    }
    if (!count) {
        flaw_set(flaw, NULL, 0, "is an empty folder, which git never writes from an index");
        rc = 1;
        goto done;
    }
    /* a file and a folder of one name need not be neighbours in git's order
     * ("x", "x-y", "x/"): compare the names alone */
    sorted = itk_realloc_array(NULL, count, sizeof(*sorted));
    if (!sorted) {
        rc = ITK_ENOMEM;
        goto done;
    }
    memcpy(sorted, e, count * sizeof(*sorted));
    qsort(sorted, count, sizeof(*sorted), by_name);
    for (size_t i = 1; i < count; i++)
        if (strcmp(sorted[i - 1].name, sorted[i].name) == 0) {
            flaw_set(flaw, (const unsigned char *)sorted[i].name, strlen(sorted[i].name),
                     "is listed twice in its folder, as a file and as a folder (git fsck: "
                     "duplicateEntries)");
            rc = 1;
            goto done;
        }
done:
    free(sorted);
    if (rc) {
        free(e);
        return rc;
    }
    *entries = e;
    *n = count;
    return 0;
}

int itk_vobject_utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp, min;
        if (c >= 0xc2 && c <= 0xdf)
            need = 1, cp = c & 0x1f, min = 0x80;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2, cp = c & 0x0f, min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        if (len - i - 1 < need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += need + 1;
    }
    return 1;
}

static int is_hex40(const unsigned char *s, size_t len)
{
    if (len != 40)
        return 0;
    for (size_t i = 0; i < 40; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* "Name <email> 1234567890 +0900", as git fsck checks an ident. */
static int ident_ok(const unsigned char *s, size_t len)
{
    itk_reader r;
    const unsigned char *name, *email, *date, *tz;
    size_t nl, el, dl, tl;
    rd_init(&r, s, len);
    if (rd_until(&r, '<', &name, &nl) || nl < 2 || name[nl - 1] != ' ' || memchr(name, '>', nl) ||
        rd_until(&r, '>', &email, &el) || memchr(email, '<', el) || rd_until(&r, ' ', &date, &dl) ||
        dl != 0 || rd_until(&r, ' ', &date, &dl) || dl == 0 || dl > 19 ||
        (date[0] == '0' && dl > 1))
        return 0;
    /* the name may be empty in git; a registry's writers always set one */
    uint64_t t = 0;
    for (size_t i = 0; i < dl; i++) {
        if (date[i] < '0' || date[i] > '9')
            return 0;
        t = t * 10 + (uint64_t)(date[i] - '0');
    }
    if (t > (uint64_t)INT64_MAX)
        return 0;
    tz = r.p;
    tl = r.left;
    if (tl != 5 || (tz[0] != '+' && tz[0] != '-'))
        return 0;
    for (size_t i = 1; i < 5; i++)
        if (tz[i] < '0' || tz[i] > '9')
            return 0;
    return 1;
}

int itk_vobject_commit_parse(itk_vobject_commit *out, const unsigned char *data, size_t len,
                             itk_vobject_flaw *flaw)
{
    itk_reader r;
    const unsigned char *line;
    size_t llen;
    enum { TREE, PARENTS, COMMITTER, AFTER, SIGNATURE } at = TREE;
    memset(out, 0, sizeof(*out));
    if (memchr(data, '\0', len)) {
        flaw_set(flaw, NULL, 0, "a NUL byte in the commit object (git fsck: nulInCommit)");
        return 1;
    }
    rd_init(&r, data, len);
    for (;;) {
        if (rd_text_line(&r, &line, &llen)) {
            if (r.left) {
                flaw_set(flaw, NULL, 0, "an unterminated header (git fsck: unterminatedHeader)");
                return 1;
            }
            break; /* headers only, no message */
        }
        if (llen == 0)
            break;
        if (line[0] == ' ') {
            if (at != SIGNATURE) {
                flaw_set(flaw, NULL, 0, "a header continuation line outside the signature");
                return 1;
            }
            continue;
        }
        const unsigned char *sp = memchr(line, ' ', llen);
        size_t klen = sp ? (size_t)(sp - line) : llen;
        const unsigned char *v = sp ? sp + 1 : line + llen;
        size_t vlen = sp ? llen - klen - 1 : 0;
        if (at == TREE) {
            if (!same(line, klen, "tree") || !is_hex40(v, vlen)) {
                flaw_set(flaw, NULL, 0, "no 'tree' line first (git fsck: missingTree)");
                return 1;
            }
            memcpy(out->tree, v, 40);
            at = PARENTS;
            continue;
        }
        if (at == PARENTS && same(line, klen, "parent")) {
            if (!is_hex40(v, vlen)) {
                flaw_set(flaw, NULL, 0, "a malformed 'parent' line (git fsck: badParentSha1)");
                return 1;
            }
            if (out->nparents == ITK_VOBJECT_MAX_PARENTS) {
                flaw_set(flaw, NULL, 0, "more than %d parents", ITK_VOBJECT_MAX_PARENTS);
                return 1;
            }
            for (size_t i = 0; i < out->nparents; i++)
                if (memcmp(out->parents[i], v, 40) == 0) {
                    flaw_set(flaw, NULL, 0,
                             "the same parent twice (git commit-tree drops a repeated parent)");
                    return 1;
                }
            memcpy(out->parents[out->nparents++], v, 40);
            continue;
        }
        if (at == PARENTS) {
            if (!same(line, klen, "author") || !ident_ok(v, vlen)) {
                flaw_set(flaw, NULL, 0,
                         "no well-formed 'author' line after the parents (git fsck: "
                         "missingAuthor, badDate, badTimezone …)");
                return 1;
            }
            at = COMMITTER;
            continue;
        }
        if (at == COMMITTER) {
            if (!same(line, klen, "committer") || !ident_ok(v, vlen)) {
                flaw_set(flaw, NULL, 0,
                         "no well-formed 'committer' line after the author (git fsck: "
                         "missingCommitter, multipleAuthors, badDate …)");
                return 1;
            }
            at = AFTER;
            continue;
        }
        if (same(line, klen, "gpgsig") && at == AFTER) {
            out->signed_ = 1;
            at = SIGNATURE;
            continue;
        }
        if (same(line, klen, "gpgsig"))
            flaw_set(flaw, NULL, 0,
                     "a second 'gpgsig' signature; git and itaku could check different ones");
        else if (same(line, klen, "gpgsig-sha256"))
            flaw_set(flaw, NULL, 0,
                     "a 'gpgsig-sha256' header; git would check that signature, itaku checks "
                     "'gpgsig'");
        else if (same(line, klen, "encoding"))
            flaw_set(flaw, NULL, 0,
                     "an 'encoding' header; git log would re-encode the message that itaku "
                     "reads as UTF-8");
        else if (same(line, klen, "mergetag"))
            flaw_set(flaw, NULL, 0,
                     "a 'mergetag' header; git log --show-signature would show a tag that "
                     "itaku does not check");
        else {
            flaw_set(flaw, line, klen < 64 ? klen : 64, "%s", "");
            snprintf(flaw->why, sizeof(flaw->why),
                     itk__("a header '%.64s' that git does not write for a registry's commits; a "
                           "later git could read it"),
                     flaw->name);
            flaw->name[0] = '\0';
        }
        return 1;
    }
    if (at < AFTER) {
        flaw_set(flaw, NULL, 0,
                 "headers that end before the committer (git fsck: "
                 "missingAuthor or missingCommitter)");
        return 1;
    }
    out->message_offset = rd_offset(&r, len);
    if (r.left > ITK_MAX_MESSAGE_BYTES) {
        flaw_set(flaw, NULL, 0, "a message of %zu bytes; the limit is %u", r.left,
                 ITK_MAX_MESSAGE_BYTES);
        return 1;
    }
    if (!itk_vobject_utf8_valid(r.p, r.left)) {
        flaw_set(flaw, NULL, 0, "a message that is not UTF-8");
        return 1;
    }
    return 0;
}
