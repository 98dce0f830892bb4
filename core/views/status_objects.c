/* Forms citing attachments the registry does not hold (status_objects.h). */
#include "status_objects.h"
#include "itaku/delegation.h"
#include "itaku/errors.h"
#include "itaku/evidence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The types whose forms hold attachment fields (registry-template's
 * schemas: form 1, 2, 4, 5, 6 as a request, incident, inspection). */
static int cites(const char *type)
{
    static const char *const types[] = {"form1",    "form2",      "form4",   "form5",
                                        "incident", "inspection", "request", NULL};
    for (size_t i = 0; types[i]; i++)
        if (strcmp(types[i], type) == 0)
            return 1;
    return 0;
}

int itk_status_evidence(sctx *c)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < c->nrecs; k++) {
        const srec *r = &c->recs[k];
        if (r->pi.kind != ITK_PATH_RECORD || !cites(r->pi.type->type) || itk_srec_superseded(c, r))
            continue;
        size_t at;
        json_t *rec = NULL;
        itk_evidence *ev = NULL;
        size_t n = 0;
        if (itk_snapshot_find(&at, c->snap, itk_srec_path(c, r)) ||
            itk_snapshot_json(&rec, c->snap, at)) {
            itk_error_clear();
            continue;
        }
        rc = itk_evidence_collect(&ev, &n, c->repo, c->tree, rec);
        for (size_t i = 0; !rc && i < n; i++) {
            if (ev[i].path[0])
                continue;
            char name[100], sha[17];
            snprintf(name, sizeof(name), "%s/%s", r->pi.party, r->pi.id);
            snprintf(sha, sizeof(sha), "%.16s", ev[i].sha256);
            const char *args[] = {ev[i].field, ev[i].filename, sha};
            sdetail detail;
            memset(&detail, 0, sizeof(detail));
            itk_sdetail_add(&detail, c, "attachment_missing",
                            "incomplete: {1} cites {2} (SHA-256 {3}…), which no party's "
                            "attachments hold; attach that file (itaku attach FILE)",
                            args, 3, "", "");
            rc = itk_sctx_finding(c, r->pi.party, "添付", ITK_RULE_ATTACHMENTS, ITK_STATE_OVERDUE,
                                  name, 0, -1, json_string_value(json_object_get(rec, "created")),
                                  &detail);
        }
        free(ev);
        json_decref(rec);
    }
    return rc;
}

int itk_status_unverified(sctx *c)
{
    int rc = 0;
    for (size_t k = 0; !rc && k < c->nrecs; k++) {
        const srec *r = &c->recs[k];
        if (r->pi.kind != ITK_PATH_RECORD || itk_srec_superseded(c, r))
            continue;
        /* most records have no refs: ask the view before reading the record */
        if (!itk_jv_get(c->view, r->rec, "refs"))
            continue;
        size_t at;
        json_t *rec = NULL;
        if (itk_snapshot_find(&at, c->snap, itk_srec_path(c, r)) ||
            itk_snapshot_json(&rec, c->snap, at)) {
            itk_error_clear();
            continue;
        }
        json_t *list = json_object_get(json_object_get(rec, "refs"), "unverified"), *u;
        size_t i;
        json_array_foreach(list, i, u)
        {
            char name[100];
            snprintf(name, sizeof(name), "%s/%s", r->pi.party, r->pi.id);
            const char *field = json_string_value(json_object_get(u, "field"));
            const char *ref = json_string_value(json_object_get(u, "ref"));
            const char *why = json_string_value(json_object_get(u, "reason"));
            const char *args[] = {field ? field : "?", ref ? ref : "?", why ? why : ""};
            sdetail detail;
            memset(&detail, 0, sizeof(detail));
            itk_sdetail_add(&detail, c, "reference_unverified",
                            "unverified reference: {1} {2} is not in the registry ({3})", args, 3,
                            "", "");
            if ((rc = itk_sctx_finding(
                     c, r->pi.party, "参照", ITK_RULE_UNVERIFIED, ITK_STATE_OK, name, 0, -1,
                     json_string_value(json_object_get(rec, "created")), &detail)))
                break;
        }
        json_decref(rec);
    }
    return rc;
}

int itk_status_setters(sctx *c)
{
    itk_post_setters s;
    if (itk_post_setters_at(&s, c->repo, c->tree, NULL)) {
        itk_error_clear();
        return 0;
    }
    if (!s.in_force || s.nsetters || !s.city[0])
        return 0;
    const char *args[] = {s.source};
    sdetail detail;
    memset(&detail, 0, sizeof(detail));
    itk_sdetail_add(&detail, c, "post_setters_unnamed",
                    "no setter post is named: under the decision rules (決裁) of {1}, the "
                    "officer who opened the registry alone sets who may seal; name the posts "
                    "that set officers' posts (post_setters) with itaku contract amend "
                    "--decision-rules FILE",
                    args, 1, "", "");
    return itk_sctx_finding(c, s.city, "決裁", ITK_RULE_SETTERS, ITK_STATE_PENDING, s.source, 0, -1,
                            NULL, &detail);
}
