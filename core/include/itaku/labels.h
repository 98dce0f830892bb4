/* The labels catalog: the Japanese words the city's papers use for the codes
 * records, status and the report hold ("received" → 受領, "usb" → USBメモリ,
 * a status rule's name, a finding's text). It lives beside the schemas as
 * labels/<lang>.v<N>.json, written by `itaku init`, published in new
 * versions by `itaku contract upgrade` (city only, append-only: V3, V4), and
 * is presentation only: it is not part of the obligations file parties
 * acknowledge, so a label can change without a new acknowledgement.
 *
 * The file (canonical JSON, at most ITK_MAX_RECORD_BYTES):
 *   {"catalog": "itaku-labels", "lang": "ja", "version": N,
 *    "description": "…",
 *    "labels": {"<domain>": {"<code>": "<label>", …}, …}}
 * Domains: "type" (record types), "form" (a paper form's title with its
 * 様式 number), "commit" (Itaku-Action), "role", "state" (status states and
 * "void"), "rule" (status rule kinds), "finding" (finding texts, with
 * placeholders, see itk_labels_format), "column" (table and CSV headers), a
 * field's name for codes shared by record types ("action", "medium",
 * "method", "filing_type", "stage", …) and "<type>.<field>" where a type's
 * field has codes of its own ("request.kind", "form5.method",
 * "decision.outcome", …). */
#ifndef ITAKU_LABELS_H
#define ITAKU_LABELS_H

#include <git2.h>

#include "itaku/buf.h"
#include "itaku/registry.h"

/* Limits on an untrusted catalog; a file beyond them is refused whole. */
#define ITK_LABELS_MAX_DOMAINS 256
#define ITK_LABELS_MAX_CODES 2048 /* per domain */
#define ITK_LABELS_MAX_NAME 64    /* bytes of a domain or a code */
#define ITK_LABELS_MAX_LABEL 1024 /* bytes of a label */

typedef struct itk_labels itk_labels;

/* Parses a catalog's bytes (name: the file, for messages). *out is the
 * caller's (itk_labels_free). ITK_EINVALID naming the file and what is wrong
 * (not JSON, not an itaku-labels catalog, a label that is not a string or
 * holds a control character, a name or label over the limits),
 * ITK_ETOOBIG over ITK_MAX_RECORD_BYTES, ITK_ENOMEM. */
int itk_labels_parse(itk_labels **out, const char *data, size_t len, const char *name);

/* Opens the newest labels/<lang>.v<N>.json of tree (the highest N). *out is
 * NULL (and 0 returned) when the tree holds none: a registry made before
 * catalogs existed, until the city runs `itaku contract upgrade`. A catalog
 * that cannot be read or parsed is an error naming the file. */
int itk_labels_open_tree(itk_labels **out, git_repository *repo, const git_tree *tree,
                         const char *lang);

/* The same for a revision of reg (NULL: HEAD). ITK_ENOTFOUND when `at`
 * names no commit. */
int itk_labels_open(itk_labels **out, itk_registry *reg, const char *at, const char *lang);

/* The newest catalog of lang this itaku carries, for what is shown outside
 * a registry: its registry template's (ja), or one it carries for screens
 * only and never writes into a registry (en: labels/en.v1.json of the
 * source tree, the words of status, todo, requests … when the messages are
 * not in Japanese). *out NULL when it carries none. */
int itk_labels_builtin(itk_labels **out, const char *lang);

void itk_labels_free(itk_labels *l);

/* The file the catalog was read from ("labels/ja.v1.json"; "" when parsed
 * from bytes without a name). */
const char *itk_labels_file(const itk_labels *l);

/* The catalog's "lang" ("ja", "en"; one opened from a tree without it: the
 * language its file is named for; "" when l is NULL or it says none):
 * a screen shows its own Japanese-only text (a finding's 詳細, 受領日時)
 * only beside a "ja" catalog. */
const char *itk_labels_lang(const itk_labels *l);

/* The label of code in domain; NULL when l is NULL, or the catalog has no
 * such domain or code (the caller shows the code). The string lives until
 * itk_labels_free. */
const char *itk_labels_get(const itk_labels *l, const char *domain, const char *code);

/* The label, or code itself when there is none. */
const char *itk_label_or(const itk_labels *l, const char *domain, const char *code);

/* The label of a record field's code: domain "<type>.<field>" first, then
 * "<field>"; NULL when neither has it. */
const char *itk_labels_field(const itk_labels *l, const char *type, const char *field,
                             const char *code);

/* The one normaliser of handover methods (issue 16, point 2): 1 when a and
 * b name one method: the same itk_label_key, or one is a code of domain
 * "method" of l (case and width aside) whose label has the other's key
 * ("hand-delivery", "Hand-Delivery" and 手渡し are one), or both are codes
 * with one label. l may be NULL (labels only compared as
 * typed). 0 when either is NULL. No error is left set. */
int itk_method_equal(const itk_labels *l, const char *a, const char *b);

/* Writes the "finding" template `code` of the catalog with its arguments
 * into out (appended): "{1}" is args[0] as it is, "{1:action}" is args[0]'s
 * label in domain "action" (args[0] itself when it has none). An argument
 * beyond nargs is left empty. ITK_ENOTFOUND (out unchanged) when the catalog
 * (or l) has no such template: the caller writes its own text. */
int itk_labels_format(itk_buf *out, const itk_labels *l, const char *code, const char *const *args,
                      size_t nargs);

/* Fills a template of that form (appended to out), labels from l (NULL:
 * "{1:domain}" is args[0] as it is): the English twin of a finding text is
 * written with the same placeholders. ITK_ENOMEM. */
int itk_labels_fill(itk_buf *out, const itk_labels *l, const char *tmpl, const char *const *args,
                    size_t nargs);

#endif
