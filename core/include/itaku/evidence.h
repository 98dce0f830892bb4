/* The attachments a form cites, as its pages and the report show them:
 * each {filename, sha256} the record's body holds, looked up in a tree
 * (parties/<id>/attachments/<sha256>), with its size, or marked missing
 * when no party's attachments hold it (the form is then incomplete, and
 * status says so). */
#ifndef ITAKU_EVIDENCE_H
#define ITAKU_EVIDENCE_H

#include <git2.h>
#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/render.h"

typedef struct {
    char filename[256]; /* as the form cites it (cut on a UTF-8 character) */
    char sha256[65];
    char field[64]; /* the body's top-level field citing it */
    char path[160]; /* where the tree keeps it; "" when missing */
    size_t size;    /* bytes, when kept */
    git_oid blob;   /* the blob, when kept */
} itk_evidence;

/* Every {filename, sha256} in record's body (at any depth, once per hash),
 * looked up in tree: first under the record's own party, then any party's.
 * *out (caller frees with free()) gets *n entries; *n is 0 for none. */
int itk_evidence_collect(itk_evidence **out, size_t *n, git_repository *repo, const git_tree *tree,
                         const json_t *record);

/* How many of ev are missing. */
size_t itk_evidence_missing(const itk_evidence *ev, size_t n);

/* Appends a section listing ev (name, size, SHA-256; missing ones marked
 * 欠落): HTML when format is ITK_RENDER_HTML, else Markdown. href (may be
 * NULL: no links) is the folder, relative to the page, holding the copies
 * itk_evidence_copy writes: images are then shown inline, other files
 * (PDFs) linked. */
int itk_evidence_section(itk_buf *out, const itk_evidence *ev, size_t n, itk_render_format format,
                         const char *href);

/* itk_evidence_section inserted into a form page (itk_form_page's) before
 * its signature block (at the end when it has none). Nothing for n = 0. */
int itk_evidence_insert(itk_buf *page, const itk_evidence *ev, size_t n, itk_render_format format,
                        const char *href);

/* Appends one HTML table row per entry of ev for the report's list of
 * attachments: the record (name, linked to page when not NULL), file name
 * (linked to its copy under href when kept), size, SHA-256, or missing. */
int itk_evidence_rows(itk_buf *out, const char *record, const char *page, const itk_evidence *ev,
                      size_t n, const char *href);

/* The name of the copy of e in the report's folder: "<sha256>" and an
 * extension kept from the file name when it is a common one (.pdf, .png,
 * .jpg, …), so a browser opens it; never anything from the name beyond. */
void itk_evidence_copy_name(char out[80], const itk_evidence *e);

/* Writes the kept ones of ev into dir (which must exist) under
 * itk_evidence_copy_name, unless a file of that name and size is there. */
int itk_evidence_copy(git_repository *repo, const itk_evidence *ev, size_t n, const char *dir);

#endif
