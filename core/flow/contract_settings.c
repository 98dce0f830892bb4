/* The contract settings in force at a commit (contract_settings.h). */
#include "itaku/contract_settings.h"
#include "itaku/errors.h"
#include "itaku/labels.h"
#include "itaku/refcheck.h"
#include "itaku/query.h"
#include "itaku/obligations.h"
#include "itaku/textnorm.h"
#include "intl.h"
#include "itaku/record.h"
#include "registry_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* field of amendment body (a string, array or the period's end), when it
 * names it, replaces the setting in out, and says by which amendment. */
static void apply(json_t *out, json_t *by, const json_t *body, const char *field, const char *name)
{
    const json_t *v;
    if (strncmp(field, "period.", 7) == 0) {
        v = json_object_get(json_object_get(body, "period"), field + 7);
        if (!json_is_string(v))
            return;
        json_t *period = json_object_get(out, "period");
        if (!json_is_object(period)) {
            period = json_object();
            json_object_set_new(out, "period", period);
        }
        json_object_set(period, field + 7, (json_t *)v);
    } else {
        v = json_object_get(body, field);
        if (!v)
            return;
        json_object_set(out, field, (json_t *)v);
    }
    json_object_set_new(by, field, json_string(name));
}

int itk_contract_settings(json_t **out, itk_registry *reg, const git_tree *tree)
{
    static const char *const fields[] = {"handover_methods", "contacts", "work_start",
                                         "period.start", "period.end"};
    json_t *contract = NULL, *by = NULL;
    char **paths = NULL;
    size_t n = 0;
    *out = NULL;
    int rc = itk_registry_contract(&contract, reg, tree);
    if (rc)
        return rc;
    const char *city = json_string_value(json_object_get(contract, "city"));
    if (city && *city &&
        (rc = itk_tree_records(&paths, &n, reg->repo, tree, city, "contract-amendment")))
        goto done;
    if (n)
        qsort(paths, n, sizeof(*paths), by_path);
    by = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *rec = NULL;
        itk_path_info pi;
        char name[96];
        itk_path_classify(&pi, paths[i]);
        if (pi.kind != ITK_PATH_RECORD || itk_tree_read_json(&rec, reg->repo, tree, paths[i])) {
            itk_error_clear();
            continue;
        }
        snprintf(name, sizeof(name), "%.40s/%.40s", pi.party, pi.id);
        for (size_t f = 0; f < sizeof(fields) / sizeof(*fields); f++)
            apply(contract, by, json_object_get(rec, "body"), fields[f], name);
        json_decref(rec);
    }
    json_object_set_new(contract, "amended_by", by);
    by = NULL;
    *out = contract;
    contract = NULL;
done:
    itk_string_list_free(paths, n);
    json_decref(contract);
    json_decref(by);
    return rc;
}

static int is_day(const char *d)
{
    char t[40];
    snprintf(t, sizeof(t), "%.10sT00:00:00Z", d);
    return strlen(d) == 10 && itk_rfc3339_check(t) == 0;
}

int itk_contract_dates_check(const char *start, const char *end, const char *work_start)
{
    if ((start && !is_day(start)) || (end && !is_day(end)))
        return itk_error_set(ITK_EINVALID, "--start and --end take a date as YYYY-MM-DD");
    if (start && end && strcmp(start, end) > 0)
        return itk_error_set(ITK_EINVALID, "the contract ends (%s) before it starts (%s)", end,
                             start);
    if (!work_start)
        return 0;
    if (!is_day(work_start) && itk_rfc3339_check(work_start) != 0)
        return itk_error_set(ITK_EINVALID,
                             "the work start '%.40s' is neither a date YYYY-MM-DD nor a time "
                             "YYYY-MM-DDThh:mm:ss+09:00",
                             work_start);
    /* the day of a time written with the contract's offset (cli: CLI_DATE) */
    char day[11];
    snprintf(day, sizeof(day), "%.10s", work_start);
    if (start && strcmp(day, start) < 0)
        return itk_error_set(ITK_EINVALID, "the work starts (%s) before the contract starts (%s)",
                             day, start);
    if (end && strcmp(day, end) > 0)
        return itk_error_set(ITK_EINVALID, "the work starts (%s) after the contract ends (%s)", day,
                             end);
    return 0;
}

/* params.actions of the first rule of kind in the obligations ob (NULL when
 * it checks none). */
static const json_t *rule_actions(const json_t *ob, const char *kind)
{
    size_t i, j;
    json_t *s, *r;
    json_array_foreach(json_object_get(ob, "sections"), i, s)
        json_array_foreach(json_object_get(s, "rules"), j, r)
    {
        const char *k = json_string_value(json_object_get(r, "kind"));
        if (k && strcmp(k, kind) == 0)
            return json_object_get(json_object_get(r, "params"), "actions");
    }
    return NULL;
}

int itk_handover_method_warning(itk_buf *warning, itk_registry *reg, const git_tree *tree,
                                const json_t *body)
{
    const char *action = json_string_value(json_object_get(body, "action"));
    const char *method = json_string_value(json_object_get(body, "method"));
    json_t *ob = NULL, *settings = NULL, *v;
    size_t i;
    int listed = 0, designated = 0, rc;
    itk_buf_clear(warning);
    if (!action)
        return 0;
    if ((rc = itk_obligations_load(&ob, reg)))
        return rc;
    json_array_foreach(rule_actions(ob, "handover_designated_method"), i, v) listed |=
        json_is_string(v) && strcmp(json_string_value(v), action) == 0;
    if (!listed || (rc = itk_contract_settings(&settings, reg, tree)))
        goto done;
    /* a code and its catalog label are one method (status compares alike) */
    itk_labels *labels = NULL;
    if (itk_labels_open_tree(&labels, reg->repo, tree, "ja") || !labels) {
        itk_error_clear();
        if (itk_labels_builtin(&labels, "ja"))
            itk_error_clear();
    }
    json_t *methods = json_object_get(settings, "handover_methods");
    json_array_foreach(methods, i, v) designated |=
        method && json_is_string(v) && itk_method_equal(labels, json_string_value(v), method);
    if (designated) {
        itk_labels_free(labels);
        goto done;
    }
    /* on a translated screen the action and the designated methods are
     * shown by the catalog's words (受領, 手渡し); the method as typed */
    const char *msg =
        method ? ITK_N_("a %s entry handed over by '%s', which the contract does not "
                        "designate (designated: %s); status will show it as violated "
                        "(4(1)); if the method was named wrongly, correct the entry with "
                        "--supersedes")
               : ITK_N_("a %s entry names no handover method (designated: %s); status "
                        "will show it as violated (4(1)); correct the entry with "
                        "--supersedes");
    itk_buf list = ITK_BUF_INIT;
    json_array_foreach(methods, i, v)
        itk_buf_printf(&list, "%s%s", i ? ", " : "",
                       itk_ref_code_shown(labels, msg, "method", json_string_value(v)));
    const char *by = json_string_value(
        json_object_get(json_object_get(settings, "amended_by"), "handover_methods"));
    const char *names = list.ptr ? list.ptr : "-";
    const char *act = itk_ref_code_shown(labels, msg, "action", action);
    if (method)
        itk_buf_printf(warning, itk__(msg), act, method, names);
    else
        itk_buf_printf(warning, itk__(msg), act, names);
    itk_labels_free(labels);
    if (by) {
        itk_buf_puts(warning, "\n");
        itk_buf_printf(warning, itk__("The designated methods are those of contract amendment %s."),
                       by);
    }
    itk_buf_dispose(&list);
done:
    json_decref(ob);
    json_decref(settings);
    return rc;
}

int itk_handover_methods_check(const itk_labels *labels, const char *const *methods, size_t n)
{
    int rc;
    for (size_t i = 0; i < n; i++) {
        if ((rc = itk_label_check(methods[i], ITK_METHOD_MAX_CHARS, itk__("handover method"))))
            return rc;
        for (size_t k = 0; k < i; k++)
            if (itk_method_equal(labels, methods[k], methods[i]))
                return itk_error_set(ITK_EINVALID,
                                     "handover methods '%s' and '%s' are the same method "
                                     "(compared ignoring case and full-width forms, a code "
                                     "and its label as one); give it once",
                                     methods[k], methods[i]);
    }
    return 0;
}
