/* Where a record came from: the commit that added it, who signed it, and
 * whether that commit verifies. */
#ifndef ITAKU_PROVENANCE_H
#define ITAKU_PROVENANCE_H

#include "itaku/registry.h"

typedef struct {
    char commit[GIT_OID_HEXSZ + 1];
    char date[32]; /* committer date in the contract's timezone */
    char party[ITK_PARTY_ID_MAX + 1];
    char principal[65];
    char fingerprint[64];
    int verified;
} itk_provenance;

/* Finds the commit in HEAD's history whose Itaku-Record trailer names path
 * (the last one), for a record HEAD holds (itk_snapshot_origin_get).
 * ITK_ENOTFOUND when HEAD holds no such record or no commit names it. */
int itk_record_provenance(itk_provenance *out, itk_registry *reg, const char *path);

#endif
