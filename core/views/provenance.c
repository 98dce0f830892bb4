/* The commit that added a record, from the snapshot of HEAD (snapshot.c),
 * so that what is shown as "signed" is what verify checked. */
#include "itaku/provenance.h"
#include "itaku/errors.h"
#include "itaku/snapshot.h"

#include <stdio.h>
#include <string.h>

int itk_record_provenance(itk_provenance *out, itk_registry *reg, const char *path)
{
    itk_snapshot *s = NULL;
    itk_snapshot_origin o;
    size_t i;
    memset(out, 0, sizeof(*out));
    int rc = itk_snapshot_open(&s, reg, NULL);
    if (!rc && (rc = itk_snapshot_find(&i, s, path)) == 0) {
        itk_snapshot_origin_get(&o, s, i);
        if (!o.commit[0])
            rc = itk_error_set(ITK_ENOTFOUND, "no commit of HEAD's history adds %s", path);
    }
    if (!rc) {
        snprintf(out->commit, sizeof(out->commit), "%s", o.commit);
        snprintf(out->date, sizeof(out->date), "%s", o.date);
        snprintf(out->party, sizeof(out->party), "%s", o.party);
        snprintf(out->principal, sizeof(out->principal), "%s", o.principal);
        snprintf(out->fingerprint, sizeof(out->fingerprint), "%s", o.fingerprint);
        out->verified = o.verified;
    }
    itk_snapshot_free(s);
    return rc;
}
