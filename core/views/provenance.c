/* The commit that added a record, found through verification of HEAD's
 * history, so that what is shown as "signed" is what verify checked. */
#include "itaku/provenance.h"
#include "itaku/errors.h"
#include "itaku/verify.h"

#include <stdio.h>
#include <string.h>

int itk_record_provenance(itk_provenance *out, itk_registry *reg, const char *path)
{
    itk_verify_result *r = NULL;
    const char *head[] = {"HEAD"};
    int offset, rc;
    memset(out, 0, sizeof(*out));
    if ((rc = itk_verify_run(&r, reg, head, 1, NULL)))
        return rc;
    itk_registry_offset(&offset, reg);
    rc = itk_error_set(ITK_ENOTFOUND, "no commit of HEAD's history adds %s", path);
    for (size_t i = itk_verify_commit_count(r); i-- > 0;) {
        const itk_commit_info *ci = itk_verify_commit(r, i);
        for (size_t j = 0; j < ci->nrecords; j++) {
            if (strcmp(ci->records[j], path) != 0)
                continue;
            git_oid_tostr(out->commit, sizeof(out->commit), &ci->id);
            itk_format_time(out->date, ci->time, offset);
            snprintf(out->party, sizeof(out->party), "%s", ci->party);
            snprintf(out->principal, sizeof(out->principal), "%s", ci->principal);
            snprintf(out->fingerprint, sizeof(out->fingerprint), "%s", ci->fingerprint);
            out->verified = ci->ok;
            rc = 0;
            goto done;
        }
    }
done:
    if (rc == 0)
        itk_error_clear();
    itk_verify_result_free(r);
    return rc;
}
