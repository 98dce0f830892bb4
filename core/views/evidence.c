/* The attachments a form cites: found in a tree, listed on form pages and
 * in the report with name, size and hash, copied into the report's folder
 * (evidence.h). */
#include "itaku/evidence.h"
#include "itaku/errors.h"
#include "itaku/json.h"
#include "itaku/snapshot.h"
#include "itaku/utf8.h"
#include "alloc.h"
#include "array.h"
#include "objsize.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct {
    itk_evidence *v;
    size_t n, a;
    git_repository *repo;
    const git_tree *tree;
    const char *party;
} collector;

static int is_sha256(const char *s)
{
    if (!s || strlen(s) != 64)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

/* Where tree keeps sha: the party's own attachments first, then any. */
static int locate(collector *c, itk_evidence *e)
{
    char path[160];
    git_tree_entry *te = NULL;
    if (c->party) {
        snprintf(path, sizeof(path), "parties/%s/attachments/%s", c->party, e->sha256);
        if (git_tree_entry_bypath(&te, c->tree, path) == 0)
            goto found;
    }
    git_tree_entry *pe = NULL;
    git_tree *parties = NULL;
    if (git_tree_entry_bypath(&pe, c->tree, "parties") == 0 &&
        git_tree_lookup(&parties, c->repo, git_tree_entry_id(pe)) == 0) {
        for (size_t i = 0; !te && i < git_tree_entrycount(parties); i++) {
            const char *p = git_tree_entry_name(git_tree_entry_byindex(parties, i));
            snprintf(path, sizeof(path), "parties/%s/attachments/%s", p, e->sha256);
            if (git_tree_entry_bypath(&te, c->tree, path) != 0)
                te = NULL;
        }
    }
    git_tree_free(parties);
    git_tree_entry_free(pe);
    itk_error_clear();
    if (!te)
        return 0;
found:
    if (git_tree_entry_type(te) == GIT_OBJECT_BLOB) {
        size_t size = 0;
        e->blob = *git_tree_entry_id(te);
        if (itk_object_size(&size, c->repo, &e->blob, GIT_OBJECT_BLOB, SIZE_MAX) == 0) {
            snprintf(e->path, sizeof(e->path), "%s", path);
            e->size = size;
        }
        itk_error_clear();
    }
    git_tree_entry_free(te);
    return 0;
}

static int walk(collector *c, const json_t *j, const char *field)
{
    if (json_is_array(j)) {
        size_t i;
        const json_t *v;
        json_array_foreach(j, i, v)
        {
            int rc = walk(c, v, field);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (!json_is_object(j))
        return 0;
    const char *sha = json_string_value(json_object_get(j, "sha256"));
    const char *name = json_string_value(json_object_get(j, "filename"));
    if (name && is_sha256(sha)) {
        for (size_t i = 0; i < c->n; i++)
            if (strcmp(c->v[i].sha256, sha) == 0)
                return 0;
        if (itk_array_reserve(&c->v, &c->a, c->n + 1, sizeof(*c->v)))
            return ITK_ENOMEM;
        itk_evidence *e = &c->v[c->n++];
        memset(e, 0, sizeof(*e));
        itk_copy_utf8(e->filename, sizeof(e->filename), name);
        snprintf(e->sha256, sizeof(e->sha256), "%s", sha);
        itk_copy_utf8(e->field, sizeof(e->field), field);
        return locate(c, e);
    }
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)j, k, v)
    {
        int rc = walk(c, v, field ? field : k);
        if (rc)
            return rc;
    }
    return 0;
}

int itk_evidence_collect(itk_evidence **out, size_t *n, git_repository *repo, const git_tree *tree,
                         const json_t *record)
{
    collector c = {NULL, 0, 0, repo, tree, json_string_value(json_object_get(record, "party"))};
    *out = NULL;
    *n = 0;
    int rc = walk(&c, json_object_get(record, "body"), NULL);
    if (rc) {
        free(c.v);
        return rc;
    }
    *out = c.v;
    *n = c.n;
    return 0;
}

size_t itk_evidence_missing(const itk_evidence *ev, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += ev[i].path[0] == '\0';
    return m;
}

static const char *const images[] = {"png", "jpg", "jpeg", "gif", "webp", NULL};
static const char *const others[] = {"pdf", "txt", "csv", "log", "xlsx", "docx", "zip", NULL};

/* The file name's extension when it is one of list, lower-cased. */
static const char *known_ext(const char *filename, const char *const *list)
{
    const char *dot = strrchr(filename, '.');
    for (size_t i = 0; dot && list[i]; i++)
        if (strcasecmp(dot + 1, list[i]) == 0)
            return list[i];
    return NULL;
}

void itk_evidence_copy_name(char out[80], const itk_evidence *e)
{
    const char *ext = known_ext(e->filename, images);
    if (!ext)
        ext = known_ext(e->filename, others);
    snprintf(out, 80, "%s%s%s", e->sha256, ext ? "." : "", ext ? ext : "");
}

static int esc(itk_buf *b, const char *s, int html)
{
    int rc = 0;
    for (; !rc && s && *s; s++) {
        if (html && *s == '&')
            rc = itk_buf_puts(b, "&amp;");
        else if (html && *s == '<')
            rc = itk_buf_puts(b, "&lt;");
        else if (html && *s == '>')
            rc = itk_buf_puts(b, "&gt;");
        else if (html && *s == '"')
            rc = itk_buf_puts(b, "&quot;");
        else if (!html && (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '[' ||
                           *s == ']' || *s == '`' || *s == '<'))
            rc = itk_buf_printf(b, "\\%c", *s);
        else if (*s == '\n' || *s == '\r' || *s == '\t')
            rc = itk_buf_putc(b, ' ');
        else
            rc = itk_buf_putc(b, *s);
    }
    return rc;
}

static void size_text(char out[64], size_t size)
{
    if (size >= 1024 * 1024)
        snprintf(out, 64, "%.1f MiB (%zu バイト)", (double)size / (1024.0 * 1024.0), size);
    else if (size >= 1024)
        snprintf(out, 64, "%.1f KiB (%zu バイト)", (double)size / 1024.0, size);
    else
        snprintf(out, 64, "%zu バイト", size);
}

int itk_evidence_section(itk_buf *out, const itk_evidence *ev, size_t n, itk_render_format fmt,
                         const char *href)
{
    int html = fmt == ITK_RENDER_HTML, rc = 0;
    size_t missing = itk_evidence_missing(ev, n);
    if (html) {
        rc |=
            itk_buf_puts(out, "<div class=\"itk-attachments\" style=\"margin-top:6mm;"
                              "page-break-inside:avoid\"><h2 style=\"font-size:11pt\">添付ファイル"
                              "</h2>\n");
        if (missing)
            rc |=
                itk_buf_printf(out,
                               "<p class=\"itk-missing\" style=\"border:2px solid #a00;color:#a00;"
                               "padding:4px\">欠落: 引用された添付ファイル %zu 件が登録簿に"
                               "ありません。この様式は不完全です。</p>\n",
                               missing);
        rc |= itk_buf_puts(out, "<table><tr><th>ファイル名</th><th>大きさ</th>"
                                "<th>SHA-256</th></tr>\n");
    } else {
        rc |= itk_buf_puts(out, "\n## 添付ファイル\n\n");
        if (missing)
            rc |= itk_buf_printf(out,
                                 "> 欠落: 引用された添付ファイル %zu "
                                 "件が登録簿にありません。この様式は不完全です。\n\n",
                                 missing);
        rc |= itk_buf_puts(out, "| ファイル名 | 大きさ | SHA-256 |\n|---|---|---|\n");
    }
    for (size_t i = 0; i < n; i++) {
        const itk_evidence *e = &ev[i];
        char size[64] = "", copy[80];
        itk_evidence_copy_name(copy, e);
        if (e->path[0])
            size_text(size, e->size);
        if (!html) {
            rc |= itk_buf_puts(out, "| ");
            if (href && e->path[0])
                rc |= itk_buf_printf(out, "[");
            rc |= esc(out, e->filename, 0);
            if (href && e->path[0])
                rc |= itk_buf_printf(out, "](%s/%s)", href, copy);
            rc |=
                itk_buf_printf(out, " | %s | `%s` |\n", e->path[0] ? size : "**欠落**", e->sha256);
            continue;
        }
        rc |= itk_buf_puts(out, "<tr><td>");
        if (href && e->path[0]) {
            rc |= itk_buf_printf(out, "<a href=\"%s/%s\">", href, copy);
            rc |= esc(out, e->filename, 1);
            rc |= itk_buf_puts(out, "</a>");
            if (known_ext(e->filename, images)) {
                rc |= itk_buf_printf(out, "<br><img src=\"%s/%s\" alt=\"", href, copy);
                rc |= esc(out, e->filename, 1);
                rc |= itk_buf_puts(out, "\" style=\"max-width:100%;max-height:120mm\">");
            }
        } else
            rc |= esc(out, e->filename, 1);
        if (e->path[0])
            rc |= itk_buf_printf(out, "</td><td>%s</td>", size);
        else
            rc |= itk_buf_puts(out, "</td><td class=\"bad itk-missing\" style=\"color:#a00\">"
                                    "<strong>欠落</strong></td>");
        rc |= itk_buf_printf(out, "<td><code style=\"word-break:break-all\">%s</code></td></tr>\n",
                             e->sha256);
    }
    if (html)
        rc |= itk_buf_puts(out, "</table></div>\n");
    return rc ? ITK_ENOMEM : 0;
}

int itk_evidence_rows(itk_buf *out, const char *record, const char *page, const itk_evidence *ev,
                      size_t n, const char *href)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        const itk_evidence *e = &ev[i];
        char size[64] = "", copy[80];
        itk_evidence_copy_name(copy, e);
        rc |= itk_buf_puts(out, "<tr><td>");
        if (page)
            rc |= itk_buf_printf(out, "<a href=\"%s\">", page);
        rc |= esc(out, record, 1);
        rc |= itk_buf_puts(out, page ? "</a></td><td>" : "</td><td>");
        if (e->path[0] && href)
            rc |= itk_buf_printf(out, "<a href=\"%s/%s\">", href, copy);
        rc |= esc(out, e->filename, 1);
        if (e->path[0] && href)
            rc |= itk_buf_puts(out, "</a>");
        if (e->path[0]) {
            size_text(size, e->size);
            rc |= itk_buf_printf(out, "</td><td>%s</td>", size);
        } else
            rc |= itk_buf_puts(out, "</td><td class=\"mark-bad\">欠落</td>");
        rc |= itk_buf_printf(out, "<td><code>%s</code></td></tr>\n", e->sha256);
    }
    return rc ? ITK_ENOMEM : 0;
}

int itk_evidence_insert(itk_buf *page, const itk_evidence *ev, size_t n, itk_render_format fmt,
                        const char *href)
{
    if (!n)
        return 0;
    itk_buf part = ITK_BUF_INIT, out = ITK_BUF_INIT;
    int rc = itk_evidence_section(&part, ev, n, fmt, href);
    if (rc) {
        itk_buf_dispose(&part);
        return rc;
    }
    const char *mark = page->ptr ? strstr(page->ptr, fmt == ITK_RENDER_HTML ? "<div class=\"sig\">"
                                                                            : "\n## 電子署名")
                                 : NULL;
    if (!mark && page->ptr && fmt == ITK_RENDER_HTML)
        mark = strstr(page->ptr, "</body>");
    size_t at = mark ? (size_t)(mark - page->ptr) : page->size;
    if (itk_buf_put(&out, page->ptr ? page->ptr : "", at) ||
        itk_buf_put(&out, part.ptr, part.size) ||
        itk_buf_put(&out, page->ptr ? page->ptr + at : "", page->size - at))
        rc = ITK_ENOMEM;
    if (!rc) {
        itk_buf tmp = *page;
        *page = out;
        out = tmp;
    }
    itk_buf_dispose(&part);
    itk_buf_dispose(&out);
    return rc;
}

int itk_evidence_copy(git_repository *repo, const itk_evidence *ev, size_t n, const char *dir)
{
    for (size_t i = 0; i < n; i++) {
        const itk_evidence *e = &ev[i];
        if (!e->path[0])
            continue;
        char name[80], path[4096];
        struct stat st;
        itk_evidence_copy_name(name, e);
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == e->size)
            continue; /* named by its hash: the same bytes */
        git_blob *b = NULL;
        int rc = itk_blob_lookup_bounded(&b, repo, &e->blob, ITK_MAX_ATTACHMENT_BYTES);
        if (rc)
            return rc;
        FILE *f = fopen(path, "wb");
        size_t len = (size_t)git_blob_rawsize(b);
        size_t w = f && len ? fwrite(git_blob_rawcontent(b), 1, len, f) : 0;
        int bad = !f || w != len;
        if (f && fclose(f) != 0)
            bad = 1;
        git_blob_free(b);
        if (bad)
            return itk_error_set(ITK_EIO, "cannot write %s: %s", path, strerror(errno));
    }
    return 0;
}
