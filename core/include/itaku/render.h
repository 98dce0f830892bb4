/* Records as the city's paper forms: Markdown or one self-contained,
 * A4-printable HTML page with the form's title, Japanese labels (from the
 * schema's titles), dates in the Japanese era beside ISO, and a signature
 * block. Reads nothing from disk or git; the caller supplies everything. */
#ifndef ITAKU_RENDER_H
#define ITAKU_RENDER_H

#include <jansson.h>

#include "itaku/buf.h"
#include "itaku/labels.h"
#include "itaku/snapshot.h"

typedef enum { ITK_RENDER_MARKDOWN, ITK_RENDER_HTML } itk_render_format;

typedef struct {
    const char *commit;      /* the commit that added the record */
    const char *date;        /* its committer date, RFC 3339 in the contract's zone */
    const char *party;       /* signing party */
    const char *principal;   /* signing principal */
    const char *fingerprint; /* SHA256:… */
    int verified;            /* 1: the commit passes itaku verify */
    int is_void;             /* 1: the commit is void (V9): the record does not count */
    int recovered;           /* 1: signed by a key the city recovered, not yet confirmed */
    /* the principal's display name at that commit (itaku/people.h), NULL: none */
    const char *principal_name;
} itk_render_signature;

/* "2026-11-25" (or a date-time) → "令和8年11月25日"; ITK_EINVALID when not a
 * date, ITK_EUNSUPPORTED before the Meiji era. */
int itk_era_date(char out[64], const char *iso);

/* The paper form's title for a record type, e.g. "参考様式第1号 重要指定情報管理体制
 * （新規・変更）届出書"; NULL when the type has no paper form. */
const char *itk_form_title(const char *type);

/* Renders record (an envelope) with labels from schema (may be NULL: field
 * names are shown) and the signature block sig (may be NULL: unsigned).
 * Date-times are shown in the zone of offset (minutes east of UTC: the
 * contract's, itk_registry_offset), each beside the text the record holds. */
int itk_render_record(itk_buf *out, const json_t *record, const json_t *schema,
                      const itk_render_signature *sig, itk_render_format format, int offset);

/* itk_render_record with the registry's labels catalog (labels.h; NULL:
 * codes are shown): a field's code is shown as its label ("<type>.<field>"
 * or "<field>" domain: 受領 for received), and the title is the catalog's
 * "form" label of the type when it has one. */
int itk_render_record_labeled(itk_buf *out, const json_t *record, const json_t *schema,
                              const itk_labels *labels, const itk_render_signature *sig,
                              itk_render_format format, int offset);

/* What a form page shows above its title and in its signature block,
 * from the party records (all may be NULL; the record's own addressee and
 * submitter fields win): the addressee (宛先, followed by 様 unless it
 * ends in an honorific already: 殿, 様, 御中), the submitter's company
 * name, representative and address, the signing party's company name and
 * the signer's display name. Strings are borrowed for the call. */
typedef struct {
    const char *addressee;
    const char *company;
    const char *representative;
    const char *address;
    const char *signer_name;
    const char *signer_display;
    /* the snapshot whose party records name a party id a field holds
     * (発生元 acme is shown as 株式会社アクメ（acme）); NULL: ids as they are */
    const itk_snapshot *parties;
    /* the contract the form is filed under (契約番号, 契約件名); the
     * record's own contract_id and contract_title win */
    const char *contract_id;
    const char *contract_title;
} itk_render_header;

/* itk_render_record_labeled with the header hdr (NULL: only what the record
 * says; the party id stands for a missing company name). Same errors. */
int itk_render_form(itk_buf *out, const json_t *record, const json_t *schema,
                    const itk_labels *labels, const itk_render_signature *sig,
                    const itk_render_header *hdr, itk_render_format format, int offset);

/* The display name of a signer (party's principal) for documents. Until
 * keys carry display names it returns principal itself; the returned
 * string is borrowed from the arguments or the snapshot (s may be NULL). */
const char *itk_display_name(const itk_snapshot *s, const char *party, const char *principal);

/* Form 3 (管理記録簿) of party as one HTML ledger: every counting register
 * entry of the party, in date order (occurred_at in the contract's zone),
 * one row per entry, with the paper register's columns and each entry's
 * signer and verification state. ITK_EINVALID without a party,
 * ITK_ENOTFOUND when the snapshot holds no such party, ITK_ENOMEM. */
int itk_register_ledger(itk_buf *out, const itk_snapshot *s, const char *party);

/* The form page of record i of snapshot s, as `itaku form render` and the
 * report's forms/ pages show it: itk_render_record with the signature block
 * of the commit that added it (itk_snapshot_origin_get; none when no commit
 * names it), in the snapshot's zone, and a notice at the top when that
 * commit is void (∅: the record does not count) or was signed by a key the
 * city recovered (⚑). Codes are shown with the labels of the snapshot's
 * catalog (itk_snapshot_labels). out is replaced. ITK_EINVALID when i is not a record,
 * ITK_ENOMEM. */
int itk_form_page(itk_buf *out, const itk_snapshot *s, size_t i, const json_t *schema,
                  itk_render_format format);

#endif
