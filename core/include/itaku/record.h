/* Records: the JSON envelope of DESIGN §3, the record types and the folders
 * they live in, id syntax, and the classification of every path a registry
 * tree may hold. Who may write a path is policy.c's business, not this. */
#ifndef ITAKU_RECORD_H
#define ITAKU_RECORD_H

#include <jansson.h>
#include <stddef.h>

#include "itaku/buf.h"

#define ITK_PARTY_ID_MAX 31
#define ITK_RECORD_ID_MAX 64

typedef struct {
    const char *type;   /* "form1", "register", ... */
    const char *prefix; /* id prefix: "f1", "r", ... */
    const char *folder; /* under parties/<id>/ */
    int per_requester;  /* folder has a <requester>/ level (endorsements, decisions) */
    const char *label;  /* for people: "form 1 (management system)" */
} itk_record_type;

/* NULL when unknown. */
const itk_record_type *itk_record_type_find(const char *type);
/* The table, ending with an entry whose type is NULL. */
const itk_record_type *itk_record_types(void);

/* Syntax checks; 0 when valid, ITK_EINVALID with a message otherwise. */
int itk_party_id_check(const char *id);
int itk_record_id_check(const itk_record_type *t, const char *id);

typedef enum {
    ITK_PATH_UNKNOWN = 0, /* anything not listed below: never valid */
    ITK_PATH_README,      /* README.md */
    ITK_PATH_CONTRACT,    /* itaku.json */
    ITK_PATH_OBLIGATIONS, /* obligations/<set>.v<N>.json */
    ITK_PATH_SCHEMA,      /* schemas/<type>.v<N>.schema.json */
    ITK_PATH_PARTY,       /* parties/<id>/party.json */
    ITK_PATH_KEY,         /* parties/<id>/keys/<fpr>.json */
    ITK_PATH_RECORD,      /* parties/<id>/<folder>/[<requester>/]<rec>.json */
    ITK_PATH_ATTACHMENT,  /* parties/<id>/attachments/<sha256> */
    ITK_PATH_LABELS,      /* labels/<lang>.v<N>.json: the labels catalog (labels.h) */
} itk_path_kind;

typedef struct {
    itk_path_kind kind;
    char party[ITK_PARTY_ID_MAX + 1];     /* for paths under parties/ */
    char requester[ITK_PARTY_ID_MAX + 1]; /* endorsements and decisions */
    char id[ITK_RECORD_ID_MAX + 1];       /* record id, key name, attachment hash */
    const itk_record_type *type;          /* for ITK_PATH_RECORD; key/party too */
} itk_path_info;

/* Classifies a '/'-separated tree path. Never fails: malformed paths are
 * ITK_PATH_UNKNOWN. */
void itk_path_classify(itk_path_info *out, const char *path);

/* The path of a record, e.g. "parties/acme/forms/form1/f1-000001.json". */
int itk_record_path(itk_buf *out, const itk_record_type *t, const char *party,
                    const char *requester, const char *id);

/* Key files are named by the fingerprint: "SHA256:<b64>" becomes
 * "SHA256-<b64 with + as - and / as _>", a portable file name. */
int itk_key_name_from_fingerprint(itk_buf *out, const char *fingerprint);

typedef struct {
    const char *type;
    const char *id;
    const char *party;
    const char *created;    /* RFC 3339 with offset */
    const char *supersedes; /* NULL when none */
    json_t *refs;           /* NULL when none; borrowed */
    json_t *body;           /* a JSON object; borrowed */
    const char *schema;     /* the schema validated against, "form1.v1"; NULL: "<type>.v1" */
} itk_record_fields;

/* The canonical bytes of a record. */
int itk_record_build(itk_buf *out, const itk_record_fields *f);

/* Checks a record blob found at path: canonical bytes, the envelope's fields
 * and their syntax, and type/party/id equal to those of its path.
 * On success and when out is not NULL, returns the parsed record. */
int itk_record_check(json_t **out, const char *path, const char *data, size_t len);

/* "2026-11-25T19:41:46+09:00": RFC 3339 with an explicit offset, as
 * itk_time_parse (itaku/dates.h) reads it with ITK_TIME_NO_DAY; its errors. */
int itk_rfc3339_check(const char *s);

#endif
