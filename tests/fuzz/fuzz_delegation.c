/* Fuzz target: untrusted bytes read as the decision rules of a contract
 * (core/model/delegation.c; itaku.json "decision_rules" or a contract
 * amendment's), the rule looked up per request kind and outcome, and seals
 * counted against it, as verify (V12) and `itaku kessai` do; and "post_setters"
 * beside them, who may set a post. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "itaku/buf.h"
#include "itaku/delegation.h"
#include "itaku/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t e;
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);
    if (!doc)
        return 0;
    json_t *rules = json_is_object(doc) ? json_object_get(doc, "decision_rules") : doc;
    static const char *const kinds[] = {"copy", "take-out", "subcontract", "", "x"};
    static const char *const outcomes[] = {"approved", "rejected", "returned", "?"};
    static const char *const posts[] = {"担当", "課長", "部長", "次長", "情報セキュリティ担当"};
    itk_kessai_seal_in seals[6];
    for (size_t i = 0; i < 6; i++) {
        seals[i].principal = i % 3 == 0 ? "a" : i % 3 == 1 ? "b" : "c";
        seals[i].post = posts[i % 5];
        seals[i].acting_for = i == 3 ? "部長" : NULL;
        seals[i].has_reason = (int)(i & 1);
    }
    for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++)
        for (size_t o = 0; o < sizeof(outcomes) / sizeof(*outcomes); o++) {
            itk_kessai_rule r;
            int rc = itk_kessai_rule_from(&r, rules, kinds[k], outcomes[o]);
            if (rc && r.found)
                abort(); /* a refused list gives no rule */
            if (!r.found)
                continue;
            if (r.nsteps < 1 || r.nsteps > ITK_KESSAI_MAX_POSTS ||
                r.ndrafters > ITK_KESSAI_MAX_POSTS || r.ndeputies > ITK_KESSAI_MAX_POSTS)
                abort(); /* the bounds hold for every rule handed out */
            itk_buf missing = ITK_BUF_INIT;
            int used[6];
            int met = itk_kessai_met(&r, seals, 6, "a", &missing, used);
            for (size_t i = 0; i < 6; i++)
                if (used[i] < 0 || used[i] > (int)r.nsteps || (used[i] && i % 3 == 0))
                    abort(); /* the drafter "a" never counts */
            if (!met && !missing.size)
                abort();
            itk_kessai_may_draft(&r, "担当");
            itk_kessai_may_seal(&r, "次長", "部長");
            itk_buf_dispose(&missing);
        }
    /* who may set posts: "post_setters" beside the rules */
    itk_post_setters ps;
    const json_t *setters = json_is_object(doc) ? json_object_get(doc, "post_setters") : NULL;
    int prc = itk_post_setters_from(&ps, rules, setters);
    if (ps.nsetters > ITK_KESSAI_MAX_POSTS || (prc && ps.nsetters))
        abort(); /* bounded; a refused list names no setter */
    if (ps.in_force && itk_post_set_allowed(&ps, "a", "総務", "a", "課長", "担当") == 0)
        abort(); /* nobody sets their own post while a rule is in force */
    itk_post_set_allowed(&ps, "a", "総務", "b", "課長", NULL);
    itk_error_clear();
    json_decref(doc);
    return 0;
}
