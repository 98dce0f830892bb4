/* itk_contract_amend: the city's signed amendment of the contract settings
 * (issue 16, point 3). itaku.json is never edited; status reads the
 * amendments in force (status_rules.c). */
#include "itaku/contract_amend.h"
#include "itaku/labels.h"
#include "itaku/refcheck.h"
#include "intl.h"
#include "itaku/write_lock.h"
#include "alloc.h"
#include "itaku/commit.h"
#include "itaku/contract_settings.h"
#include "itaku/errors.h"
#include "itaku/forms.h"
#include "itaku/delegation.h"
#include "itaku/dates.h"
#include "itaku/due_time.h"
#include "itaku/party.h"
#include "itaku/textnorm.h"
#include "commit_priv.h"
#include "party_priv.h"
#include "registry_priv.h"

#include <string.h>

/* The dates in force after the amendment o (those it names, else the
 * settings now in force) agree, by the rule init applies
 * (itk_contract_dates_check). */
static int dates_after(const json_t *now, const itk_contract_amend_options *o)
{
    const json_t *period = json_object_get(now, "period");
    const char *start = o->start ? o->start : json_string_value(json_object_get(period, "start"));
    const char *end = o->end ? o->end : json_string_value(json_object_get(period, "end"));
    const char *work =
        o->work_start ? o->work_start : json_string_value(json_object_get(now, "work_start"));
    int rc = itk_contract_dates_check(start, end, work);
    if (rc)
        rc = itk_error_set(rc,
                           "contract amendment refused: %s (after it the contract would run "
                           "from %s to %s, the work starting %s; what it does not name stays "
                           "as in force: itaku contract show). Give dates that agree, together "
                           "in one amendment if need be (--start, --end, --work-start)",
                           itk_error_last(), start ? start : "-", end ? end : "-",
                           work ? work : "-");
    return rc;
}

/* Refuses given, a date the amendment names (option opt, "--end"; NULL:
 * none), when already past at now on the clock offset minutes east of UTC
 * (the rule of instruct --due, itk_due_time: a day once it has ended): what
 * is due by it would be due at once. The caller skips this for
 * --backdated. */
static int date_not_past(const char *given, const char *opt, int offset, const char *now)
{
    char due[40], due_shown[ITK_TIME_SHOWN], now_shown[ITK_TIME_SHOWN];
    int past, rc;
    if (!given || (rc = itk_due_time(due, &past, given, offset, now)) || !past)
        return given ? rc : 0;
    return itk_error_set(ITK_EINVALID,
                         "contract amendment refused: %s %s is already past (now is %s): what is "
                         "due by it would be due at once for what is filed after this amendment "
                         "(what was filed before it is judged by the settings then in force); "
                         "give a later date, or say it is meant with --backdated",
                         opt, itk_time_shown(due_shown, strlen(given) == 10 ? given : due, offset),
                         itk_time_shown(now_shown, now, offset));
}

/* 1 when given (NULL: none), a date the amendment names, is already past at
 * now (date_not_past's rule); 0 also when it cannot be read. */
static int date_past(const char *given, int offset, const char *now)
{
    char due[40];
    int past = 0;
    if (given && itk_due_time(due, &past, given, offset, now))
        past = 0;
    itk_error_clear();
    return past;
}

/* A backdated amendment needs a schema that can say so (contract-amendment.v3
 * on): a registry holding only an earlier one is refused, naming it and how
 * the city publishes the newer (a published version never changes). 0 when
 * the schema a write uses has the field backdated. */
static int backdated_schema(itk_registry *reg)
{
    json_t *schema = NULL;
    char name[64];
    int rc = itk_form_schema(&schema, name, reg, "contract-amendment");
    if (!rc && !json_object_get(json_object_get(schema, "properties"), "backdated"))
        rc = itk_error_set(ITK_EUNSUPPORTED,
                           "this registry's contract amendments (%s) cannot say that a date they "
                           "set was already past (--backdated). The city brings the registry's "
                           "schemas up to date with `itaku contract upgrade`, then amends again",
                           name);
    json_decref(schema);
    return rc;
}

/* The designated handover methods after o (a new array in *after), from
 * those in force in now: o's list as signed when remade, else
 * itk_handover_methods_amend's; *after NULL when o changes none. */
static int methods_after(json_t **after, itk_registry *reg, const git_tree *tree, const json_t *now,
                         const itk_contract_amend_options *o)
{
    *after = NULL;
    if (!o->handover_count && !o->add_count && !o->drop_count)
        return 0;
    /* a code and its catalog label are one method (register add and
     * status compare so) */
    itk_labels *labels = NULL;
    if (itk_labels_open_tree(&labels, itk_registry_repo(reg), tree, "ja") || !labels) {
        itk_error_clear();
        if (itk_labels_builtin(&labels, "ja"))
            itk_error_clear();
    }
    int rc;
    if (o->remade) {
        /* the rule init and register add apply: each once, each a label */
        if (!(rc = itk_handover_methods_check(labels, o->handover_methods, o->handover_count))) {
            *after = json_array();
            for (size_t i = 0; *after && i < o->handover_count; i++)
                json_array_append_new(*after, json_string(o->handover_methods[i]));
            if (!*after)
                rc = itk_error_nomem();
        }
    } else {
        itk_methods_change ch = {o->handover_methods, o->handover_count, o->add_methods,
                                 o->add_count,        o->drop_methods,   o->drop_count};
        rc = itk_handover_methods_amend(after, labels, json_object_get(now, "handover_methods"),
                                        &ch);
    }
    itk_labels_free(labels);
    return rc;
}

int itk_contract_amend(itk_buf *name, git_oid *out, itk_registry *reg, itk_signer *signer,
                       const itk_contract_amend_options *o)
{
    git_tree *tree = NULL;
    itk_identity me;
    itk_change *c = NULL;
    itk_buf path = ITK_BUF_INIT, id = ITK_BUF_INIT;
    json_t *body = NULL, *now = NULL, *methods = NULL;
    char created[32];
    int offset;
    int rc = itk_registry_write_begin(reg);
    if (rc)
        return rc;
    if (!o->reason || !o->reason[0])
        return itk_error_set(ITK_EINVALID, "a contract amendment needs --reason TEXT (why the "
                                           "settings change)");
    if (!o->handover_count && !o->add_count && !o->drop_count && !o->start && !o->end &&
        !o->work_start && !o->contacts && !o->decision_rules && !o->post_setters)
        return itk_error_set(ITK_EINVALID,
                             "say what changes: --add-handover-method, --drop-handover-method, "
                             "--handover-method (each may repeat), --start, --end, --work-start, "
                             "--contacts FILE or --decision-rules FILE");
    if (o->decision_rules && (rc = itk_kessai_rules_check(o->decision_rules)))
        return rc;
    if (o->post_setters && (rc = itk_post_setters_check(o->post_setters)))
        return rc;
    if ((rc = itk_registry_head_tree(&tree, reg)) ||
        (rc = itk_registry_identify(&me, reg, tree, signer)) ||
        (rc = itk_registry_now(created, reg)) || (rc = itk_registry_offset(&offset, reg)))
        goto done;
    if (strcmp(me.role, "city") != 0) {
        static const char msg[] =
            ITK_N_("only the city amends the contract settings (V3); %s is a %s. Ask the "
                   "city's officer to run itaku contract amend");
        itk_labels *l = NULL;
        if (itk_labels_open(&l, reg, NULL, "ja"))
            itk_error_clear(); /* the role is shown as its code */
        rc = itk_error_set(ITK_EAUTH, msg, me.party, itk_ref_code_shown(l, msg, "role", me.role));
        itk_labels_free(l);
        goto done;
    }
    if ((rc = itk_contract_settings(&now, reg, tree)))
        goto done;
    if ((o->start || o->end || o->work_start) && (rc = dates_after(now, o)))
        goto done;
    if (!o->backdated && !o->remade &&
        ((rc = date_not_past(o->start, "--start", offset, created)) ||
         (rc = date_not_past(o->end, "--end", offset, created)) ||
         (rc = date_not_past(o->work_start, "--work-start", offset, created))))
        goto done;
    if ((rc = methods_after(&methods, reg, tree, now, o)))
        goto done;
    /* who decides is changed by a setter (V12): the holders of post_setters,
     * else the genesis officer */
    git_oid head;
    if ((o->decision_rules || o->post_setters) &&
        git_reference_name_to_id(&head, itk_registry_repo(reg), "HEAD") == 0 &&
        (rc = itk_post_settings_change_check(itk_registry_repo(reg), tree, &head, me.party,
                                             me.principal)))
        goto done;
    git_error_clear();
    body = json_pack("{s:s}", "reason", o->reason);
    if (!body) {
        rc = itk_error_nomem();
        goto done;
    }
    if (methods)
        json_object_set(body, "handover_methods", methods);
    if (o->start || o->end) {
        json_t *p = json_object();
        if (o->start)
            json_object_set_new(p, "start", json_string(o->start));
        if (o->end)
            json_object_set_new(p, "end", json_string(o->end));
        json_object_set_new(body, "period", p);
    }
    if (o->work_start)
        json_object_set_new(body, "work_start", json_string(o->work_start));
    /* a date already past, meant: the record says so (as an instruction's
     * does); made again, as it was signed */
    if (o->backdated &&
        (o->remade || date_past(o->start, offset, created) || date_past(o->end, offset, created) ||
         date_past(o->work_start, offset, created)))
        json_object_set_new(body, "backdated", json_true());
    if (json_object_get(body, "backdated") && (rc = backdated_schema(reg)))
        goto done;
    if (o->contacts)
        json_object_set(body, "contacts", o->contacts);
    if (o->decision_rules)
        json_object_set(body, "decision_rules", o->decision_rules);
    if (o->post_setters)
        json_object_set(body, "post_setters", o->post_setters);
    if ((rc = itk_change_new(&c, "contract-amend", "Amend the contract settings")) ||
        (rc = itk_record_append(&path, &id, c, reg, &me, created, "contract-amendment", NULL, body,
                                NULL)))
        goto done;
    itk_buf_clear(name);
    itk_buf_printf(name, "%s/%s", me.party, id.ptr);
    if (!(rc =
              itk_change_set_subject(c, "Amend the contract settings (%s): %s", id.ptr, o->reason)))
        rc = itk_registry_commit(out, reg, signer, c);
done:
    json_decref(body);
    json_decref(now);
    json_decref(methods);
    itk_change_free(c);
    itk_buf_dispose(&path);
    itk_buf_dispose(&id);
    git_tree_free(tree);
    return rc;
}
