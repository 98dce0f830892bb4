/* Contracts outlive releases (issue 13): which schema and obligations
 * versions a registry holds and which this itaku carries, and publishing the
 * carried ones the registry lacks (the city, one contract-update commit). */
#ifndef ITAKU_CONTRACT_H
#define ITAKU_CONTRACT_H

#include "itaku/registry.h"

#include <stddef.h>

/* One template file: its path relative to the registry root ("schemas/
 * register.v2.schema.json", "obligations/<set>.v2.json", "README.md") and
 * its bytes. A list of them ends with an entry whose path is NULL. */
typedef struct {
    const char *path;
    const void *data;
    size_t size;
} itk_contract_file;

/* One versioned template per line of `itaku contract versions`. kind is
 * "schema", "obligations" or "readme"; name the type or set ("README.md" for
 * the readme); held and carried the newest version the registry's HEAD holds
 * and this itaku carries (0: none; for the readme 1 when present); missing
 * how many carried files an upgrade would add (for the readme 1 when the
 * carried one differs from the registry's). */
typedef struct {
    char kind[16];
    char name[64];
    long held, carried;
    size_t missing;
} itk_contract_version;

/* Most lines a registry's versions listing holds (a hostile tree cannot make
 * it grow without bound). */
#define ITK_CONTRACT_MAX_VERSIONS 4096

/* The template compiled into this library (what `itaku init` writes), as a
 * list ending with a NULL path: *out is allocated (free() it; the paths and
 * bytes it points to are static). ITK_ENOMEM. */
int itk_contract_builtin(itk_contract_file **out);

/* What reg's HEAD holds against what carried holds (NULL: the built-in
 * template). *out is allocated (free() it), sorted by kind then name; *n its
 * length. Errors: ITK_ENOTFOUND (no HEAD), ITK_ETOOBIG, ITK_EGIT, ITK_ENOMEM. */
int itk_contract_versions(itk_contract_version **out, size_t *n, itk_registry *reg,
                          const itk_contract_file *carried);

/* Publishes every schemas/…vN and obligations/…vN file carried holds (NULL:
 * the built-in template) and reg's HEAD lacks, and README.md when the carried
 * one differs, as one commit signed by signer (Itaku-Action contract-update).
 * Nothing the registry holds is edited. *added is how many files the commit
 * adds (0: nothing to upgrade, no commit written, *out zeroed). Refused with
 * ITK_EAUTH (V3, naming the city) when the signer is not the city; ITK_EVERIFY
 * when verify's rules refuse the prepared commit (nothing moves). */
int itk_contract_upgrade(git_oid *out, size_t *added, itk_registry *reg, itk_signer *signer,
                         const itk_contract_file *carried);

#endif
