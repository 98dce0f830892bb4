/* Instructions down the chain (seed §5, §6, §7, §10) and their answers; the
 * acknowledgement of the obligations; joining a contract by cloning. */
#ifndef ITAKU_INSTRUCT_H
#define ITAKU_INSTRUCT_H

#include "itaku/buf.h"
#include "itaku/refcheck.h"
#include "itaku/registry.h"

typedef struct {
    unsigned version;
    const char *kind; /* report | inspection | return | dispose | incident-follow-up */
    const char *to;   /* a descendant party */
    const char *due;  /* YYYY-MM-DD (23:59:59 that day in the contract's zone) or RFC 3339 */
    const char *text;
    const char *incident_ref; /* for incident-follow-up: "<party>/i-NNNNNN" */
    const char **item_ids;    /* for return and dispose */
    size_t item_count;
    int backdated;      /* the due time is already past, and the issuer says so */
    const char *reason; /* why (recorded with a backdated instruction) */
    /* incident_ref is checked (itk_refcheck) before anything is written;
     * NULL: no options (a reference not found is refused) */
    const itk_ref_options *refs;
} itk_instruct_options;

#define ITK_INSTRUCT_OPTIONS_VERSION 1
#define ITK_INSTRUCT_OPTIONS_INIT                                                                  \
    {                                                                                              \
        ITK_INSTRUCT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL         \
    }

/* name gets "<party>/n-NNNNNN". A due time already past on the contract's
 * clock is refused (ITK_EINVALID, nothing written) unless opts->backdated,
 * which the record says (body "backdated", with the reason). */
int itk_instruct(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                 const itk_instruct_options *opts);

/* A correction of one of the signer's own instructions: a new instruction
 * record that supersedes it (envelope "supersedes", body "amends"), a copy of
 * its current body with the due time and/or text replaced, or marked
 * withdrawn; the latest version is the one status and `instructions` follow.
 * instruction: "<party>/n-NNNNNN" or "n-NNNNNN" (the signer's own). Refused,
 * writing nothing: another party's instruction (ITK_EAUTH, rule V2), one that
 * does not exist (ITK_ENOTFOUND), one already superseded (ITK_EINVALID,
 * naming its current version), a withdrawn one, a due time in the past
 * without backdated. reason is required. */
typedef struct {
    unsigned version;
    const char *instruction;
    const char *due;    /* NULL: unchanged; as itk_instruct_options.due */
    const char *text;   /* NULL: unchanged */
    const char *reason; /* required */
    int withdraw;
    int backdated;
} itk_instruct_change_options;

#define ITK_INSTRUCT_CHANGE_OPTIONS_VERSION 1
#define ITK_INSTRUCT_CHANGE_OPTIONS_INIT                                                           \
    {                                                                                              \
        ITK_INSTRUCT_CHANGE_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0                          \
    }

/* name gets the new version's "<party>/n-NNNNNN". */
int itk_instruct_change(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                        const itk_instruct_change_options *opts);

typedef struct {
    char name[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
    char from[ITK_PARTY_ID_MAX + 1];
    char to[ITK_PARTY_ID_MAX + 1];
    char kind[24];
    char due[32];
    char text[256];
    char answer[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2]; /* "" while open */
    int withdrawn; /* its latest version withdraws it (nothing is owed) */
    /* the issuer's and the addressee's names, their party files' "name"
     * (あきる野市, 株式会社アクメ); "" when a party file has none */
    char from_name[256];
    char to_name[256];
    /* the record now in force when a later one amended or withdrew it
     * ("<party>/n-NNNNNN"; "" when never corrected), and the reason that
     * record gives */
    char corrected_by[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
    char reason[256];
} itk_instruction_info;

/* Instructions in HEAD addressed to `party` or to its descendants, or issued
 * by it (party NULL: all): each once, under its first record's name, as its
 * latest version (an amended one with the amended due time and text, a
 * withdrawn one marked withdrawn; corrected_by and reason name the latest
 * version and why); an answer citing any version answers it. The amending
 * and withdrawing records are not listed apart. */
int itk_instruction_list(itk_instruction_info **out, size_t *count, itk_registry *reg,
                         const char *party);

/* Accepts every obligation in force today, pinning its file's SHA-256: the
 * version of the set itaku.json names that is in force on the contract's
 * date now (itk_obligations_in_force; seed §8(2)). */
int itk_acknowledge(git_oid *out, itk_registry *reg, itk_signer *signer);

#endif
