/* The checks of a write before anything is written, in one list: the
 * schema's problems and the references' (itaku/precheck.h). */
#include "itaku/precheck.h"
#include "itaku/errors.h"
#include "itaku/form_input.h"
#include "itaku/forms.h"
#include "itaku/ids.h"
#include "alloc.h"
#include "intl.h"
#include "itaku/labels.h"
#include "itaku/requests.h"

#include <string.h>

/* The fields of a body citing one of the writer's own records, and the id
 * prefix of what they cite. */
static const struct {
    const char *field, *prefix;
} own_refs[] = {
    {"approval", "q"}, {"withdraws", "q"}, {"form1_ref", "f1"}, {"first_report_ref", "i"}};

void itk_record_own_refs_input(json_t *body, const char *party)
{
    for (size_t i = 0; i < sizeof(own_refs) / sizeof(*own_refs); i++) {
        const char *typed = json_string_value(json_object_get(body, own_refs[i].field));
        char full[ITK_PARTY_ID_MAX + ITK_RECORD_ID_MAX + 2];
        if (typed && itk_record_id_input(full, sizeof(full), typed, party, own_refs[i].prefix))
            json_object_set_new(body, own_refs[i].field, json_string(full));
    }
}

/* Whether rc is itk_refcheck's verdict on what a body cites (rather than a
 * failure to read the registry). */
static int is_verdict(int rc)
{
    return rc == ITK_ENOTFOUND || rc == ITK_EEXISTS || rc == ITK_EINVALID || rc == ITK_EVERIFY;
}

int itk_record_ref_problems(itk_buf *out, itk_registry *reg, git_tree *tree, const char *party,
                            const char *type, const json_t *body, const char *supersedes,
                            const itk_ref_options *o)
{
    json_t *copy = json_deep_copy(body), *unverified = NULL;
    if (!copy)
        return itk_error_nomem();
    itk_record_own_refs_input(copy, party);
    size_t noted = itk_notice_mark();
    int rc = itk_refcheck(&unverified, reg, tree, party, type, copy, supersedes, o);
    itk_notice_drop(noted); /* nothing is written: no note about it */
    if (rc && is_verdict(rc))
        rc = itk_buf_printf(out, "%s\n", itk_error_last());
    itk_error_clear();
    json_decref(unverified);
    json_decref(copy);
    return rc;
}

int itk_record_precheck(json_t **unverified, char schema_name[64], itk_registry *reg,
                        git_tree *tree, const char *party, const char *type, json_t *body,
                        const char *supersedes, const itk_ref_options *o)
{
    itk_buf list = ITK_BUF_INIT;
    *unverified = NULL;
    itk_record_own_refs_input(body, party);
    int rc = itk_form_problems(&list, schema_name, reg, type, body);
    if (!rc && !list.size) {
        itk_buf_dispose(&list);
        return itk_refcheck(unverified, reg, tree, party, type, body, supersedes, o);
    }
    if (!rc) {
        /* the references' problems in the same list; a registry that
         * cannot be read leaves them to the next round */
        if (itk_record_ref_problems(&list, reg, tree, party, type, body, supersedes, o))
            itk_error_clear();
        itk_form_problems_cap(&list);
        while (list.size && list.ptr[list.size - 1] == '\n')
            list.ptr[--list.size] = '\0';
        rc = itk_error_set(ITK_EINVALID, "%s", list.ptr ? list.ptr : "");
    }
    itk_buf_dispose(&list);
    return rc;
}

/* A field of a form as a message names it: by its key in an English
 * message (msgid untranslated), by the form's words in a translated one. */
static void field_shown(char *out, size_t cap, const char *msgid, const char *type,
                        const char *field)
{
    if (itk__(msgid) == msgid)
        snprintf(out, cap, "%s", field);
    else
        itk_form_field_words(out, cap, type, field);
}

int itk_register_approval_precheck(itk_registry *reg, const char *party, const json_t *body,
                                   const char *created, int by_options)
{
    const char *action = json_string_value(json_object_get(body, "action"));
    const char *approval = json_string_value(json_object_get(body, "approval"));
    const char *why = json_string_value(json_object_get(body, "unapproved_reason"));
    if (!action || !itk_action_request_kind(action))
        return 0;
    if (approval)
        return itk_approval_check(reg, party, action, approval, created);
    if (why)
        return 0;
    static const char by_option[] =
        ITK_N_("A register entry '%s' needs the city's prior approval: cite the approved request "
               "with --approval <party>/<request>, or record the truth with --unapproved --reason "
               "TEXT (status will show the violation).");
    /* a form read from a file has fields, not options (validate, form
     * submit): the form's words for them */
    static const char by_field[] =
        ITK_N_("A register entry '%s' needs the city's prior approval: write the approved request "
               "in the field %s (q-1, or <party>/q-000001), or record the truth by writing why "
               "there was none in the field %s (status will show the violation).");
    const char *msg = by_options ? by_option : by_field;
    itk_labels *l = NULL;
    if (itk_labels_open(&l, reg, NULL, "ja"))
        itk_error_clear(); /* the code is shown as it is */
    char f1[128], f2[128];
    field_shown(f1, sizeof(f1), msg, "register", "approval");
    field_shown(f2, sizeof(f2), msg, "register", "unapproved_reason");
    int rc = itk_error_set(ITK_EVERIFY, msg, itk_ref_code_shown(l, msg, "action", action), f1, f2);
    itk_labels_free(l);
    return rc;
}
