/* The contract settings in force at a commit (contract_settings.h). */
#include "itaku/contract_settings.h"
#include "alloc.h"
#include "itaku/dates.h"
#include "itaku/errors.h"
#include "itaku/labels.h"
#include "itaku/refcheck.h"
#include "itaku/query.h"
#include "itaku/obligations.h"
#include "itaku/textnorm.h"
#include "intl.h"
#include "alloc.h"
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

/* The credits of the methods of body's list (the amendment name's) in
 * out, each method kept from the list before (a method in both, by
 * itk_method_equal) keeping its credit. */
static int credit_methods(json_t *out, const json_t *body, const char *name, itk_registry *reg,
                          const git_tree *tree, itk_labels **labels, int *opened)
{
    const json_t *list = json_object_get(body, "handover_methods"), *v;
    const json_t *old = json_object_get(out, "handover_methods");
    const json_t *old_by = json_object_get(out, "methods_by");
    size_t i, k;
    if (!json_is_array(list))
        return 0;
    if (!*opened) {
        *opened = 1;
        if (itk_labels_open_tree(labels, reg->repo, tree, "ja") || !*labels) {
            itk_error_clear();
            if (itk_labels_builtin(labels, "ja"))
                itk_error_clear();
        }
    }
    json_t *by = json_array();
    if (!by)
        return itk_error_nomem();
    json_array_foreach(list, i, v)
    {
        json_t *credit = NULL, *o;
        json_array_foreach(
            old, k, o) if (!credit && json_is_string(o) &&
                           itk_method_equal(*labels, json_string_value(o), json_string_value(v)))
            credit = json_array_get(old_by, k);
        json_array_append_new(by, credit ? json_incref(credit) : json_string(name));
    }
    json_object_set_new(out, "methods_by", by);
    return 0;
}

int itk_contract_settings_at(json_t **out, itk_registry *reg, const git_tree *tree, const char *at)
{
    static const char *const fields[] = {"contacts", "work_start", "period.start", "period.end",
                                         "handover_methods"};
    json_t *contract = NULL, *by = NULL, *methods_by = NULL, *v;
    char **paths = NULL;
    itk_labels *labels = NULL;
    int opened = 0;
    long long until = 0;
    size_t n = 0, i;
    *out = NULL;
    if (at && (itk_time_parse(&until, at, 0, ITK_TIME_NO_DAY)))
        return itk_error_set(ITK_EINVALID, "the time '%.40s' is not RFC 3339 with an offset", at);
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
    methods_by = json_array();
    if (!by || !methods_by) {
        rc = itk_error_nomem();
        goto done;
    }
    /* itaku.json's methods: set by init */
    json_array_foreach(json_object_get(contract, "handover_methods"), i, v)
        json_array_append_new(methods_by, json_null());
    json_object_set_new(contract, "methods_by", methods_by);
    for (i = 0; i < n; i++) {
        json_t *rec = NULL;
        itk_path_info pi;
        char name[96];
        long long made;
        itk_path_classify(&pi, paths[i]);
        if (pi.kind != ITK_PATH_RECORD || itk_tree_read_json(&rec, reg->repo, tree, paths[i])) {
            itk_error_clear();
            continue;
        }
        /* one made after the time asked for is not yet in force */
        const char *created = json_string_value(json_object_get(rec, "created"));
        if (at && created && itk_time_parse(&made, created, 0, ITK_TIME_NO_DAY) == 0 &&
            made > until) {
            json_decref(rec);
            continue;
        }
        itk_error_clear();
        snprintf(name, sizeof(name), "%.40s/%.40s", pi.party, pi.id);
        const json_t *body = json_object_get(rec, "body");
        rc = credit_methods(contract, body, name, reg, tree, &labels, &opened);
        for (size_t f = 0; !rc && f < sizeof(fields) / sizeof(*fields); f++)
            apply(contract, by, body, fields[f], name);
        json_decref(rec);
        if (rc)
            goto done;
    }
    json_object_set_new(contract, "amended_by", by);
    by = NULL;
    *out = contract;
    contract = NULL;
done:
    itk_labels_free(labels);
    itk_string_list_free(paths, n);
    json_decref(contract);
    json_decref(by);
    return rc;
}

int itk_contract_settings(json_t **out, itk_registry *reg, const git_tree *tree)
{
    return itk_contract_settings_at(out, reg, tree, NULL);
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

/* What the settings in force say of a register entry's handover method. */
typedef struct {
    const char *action, *method; /* the entry's (borrowed) */
    int listed;                  /* the action is one whose method is checked */
    int designated;              /* the method is one the contract designates */
    json_t *ob, *settings;       /* the obligations and settings in force (owned) */
    const json_t *methods;       /* the designated ones (settings' handover_methods) */
    itk_labels *labels;          /* the catalog methods are compared through (owned) */
} method_judged;

static void judged_dispose(method_judged *j)
{
    json_decref(j->ob);
    json_decref(j->settings);
    itk_labels_free(j->labels);
}

/* Judges body's method against the settings in force at tree
 * (itk_contract_settings), compared with itk_method_equal through tree's
 * labels catalog (this itaku's when tree has none). */
static int method_judge(method_judged *j, itk_registry *reg, const git_tree *tree,
                        const json_t *body)
{
    json_t *v;
    size_t i;
    int rc;
    memset(j, 0, sizeof(*j));
    j->action = json_string_value(json_object_get(body, "action"));
    j->method = json_string_value(json_object_get(body, "method"));
    if (!j->action)
        return 0;
    if ((rc = itk_obligations_load(&j->ob, reg)))
        return rc;
    json_array_foreach(rule_actions(j->ob, "handover_designated_method"), i, v) j->listed |=
        json_is_string(v) && strcmp(json_string_value(v), j->action) == 0;
    if (!j->listed || (rc = itk_contract_settings(&j->settings, reg, tree)))
        return rc;
    /* a code and its catalog label are one method (status compares alike) */
    if (itk_labels_open_tree(&j->labels, reg->repo, tree, "ja") || !j->labels) {
        itk_error_clear();
        if (itk_labels_builtin(&j->labels, "ja"))
            itk_error_clear();
    }
    j->methods = json_object_get(j->settings, "handover_methods");
    json_array_foreach(j->methods, i, v) j->designated |=
        j->method && json_is_string(v) &&
        itk_method_equal(j->labels, json_string_value(v), j->method);
    return 0;
}

/* list's methods as a message msgid shows them, ", " between ("-": none). */
static void methods_listed(itk_buf *b, const itk_labels *l, const char *msgid, const json_t *list)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) itk_buf_printf(
        b, "%s%s", i ? ", " : "", itk_ref_code_shown(l, msgid, "method", json_string_value(v)));
    if (!json_array_size(list))
        itk_buf_puts(b, "-");
}

/* The designated methods as msg shows them (methods_listed) into list;
 * the one nearest to the method typed (by edit distance to its code or its
 * label) into closest. */
static void methods_shown(itk_buf *list, itk_buf *closest, const method_judged *j, const char *msg)
{
    json_t *v;
    size_t i;
    unsigned best = 256;
    methods_listed(list, j->labels, msg, j->methods);
    if (!closest || !j->method)
        return;
    json_array_foreach(j->methods, i, v)
    {
        const char *code = json_string_value(v);
        if (!code)
            continue;
        const char *label = itk_labels_get(j->labels, "method", code);
        unsigned d = itk_edit_distance(j->method, code);
        if (label && itk_edit_distance(j->method, label) < d)
            d = itk_edit_distance(j->method, label);
        if (d < best) {
            best = d;
            itk_buf_clear(closest);
            itk_buf_puts(closest, itk_ref_code_shown(j->labels, msg, "method", code));
        }
    }
}

/* "\nThe designated methods are those of contract amendment X." when an
 * amendment set them. */
static void amended_by(itk_buf *b, const method_judged *j)
{
    const char *by = json_string_value(
        json_object_get(json_object_get(j->settings, "amended_by"), "handover_methods"));
    if (!by)
        return;
    itk_buf_puts(b, "\n");
    itk_buf_printf(b, itk__("The designated methods are those of contract amendment %s."), by);
}

int itk_handover_method_warning(itk_buf *warning, itk_registry *reg, const git_tree *tree,
                                const json_t *body)
{
    method_judged j;
    itk_buf_clear(warning);
    int rc = method_judge(&j, reg, tree, body);
    /* a method typed and not designated is refused, or recorded so on
     * purpose (itk_handover_method_check): only one left out is warned of */
    if (rc || !j.listed || j.method) {
        judged_dispose(&j);
        return rc;
    }
    const char *msg = ITK_N_("a %s entry names no handover method (designated: %s); status "
                             "will show it as violated (4(1)); correct the entry with "
                             "--supersedes");
    itk_buf list = ITK_BUF_INIT;
    methods_shown(&list, NULL, &j, msg);
    itk_buf_printf(warning, itk__(msg), itk_ref_code_shown(j.labels, msg, "action", j.action),
                   list.ptr ? list.ptr : "-");
    amended_by(warning, &j);
    itk_buf_dispose(&list);
    judged_dispose(&j);
    return 0;
}

int itk_handover_method_check(json_t **recorded, itk_registry *reg, const git_tree *tree,
                              const json_t *body, int undesignated, const char *reason)
{
    method_judged j;
    *recorded = NULL;
    int rc = method_judge(&j, reg, tree, body);
    if (rc)
        goto done;
    if (!j.listed || !j.method || j.designated) {
        if (undesignated) {
            const char *msg = ITK_N_("--undesignated-method: %s; leave --undesignated-method "
                                     "and its --reason out");
            const char *what =
                !j.method ? itk__("the entry names no handover method (--method)")
                : j.designated
                    ? itk__("the handover method is one the contract designates")
                    : itk__("the handover method of this action is not one the contract rules");
            rc = itk_error_set(ITK_EINVALID, msg, what);
        }
        goto done;
    }
    if (undesignated && reason && *reason) {
        if (!(*recorded = json_pack("{s:s, s:s}", "method", j.method, "reason", reason)))
            rc = itk_error_nomem();
        goto done;
    }
    if (undesignated) {
        rc = itk_error_set(ITK_EINVALID, "--undesignated-method needs --reason TEXT: why the "
                                         "handover was by a method the contract does not "
                                         "designate");
        goto done;
    }
    /* seed §4(1): refused, naming what was typed, the designated methods
     * and the nearest of them; the truth stays recordable */
    static const char msg[] = ITK_N_(
        "The handover method '%s' of this %s entry is not one the contract designates "
        "(designated: %s; the closest: %s). Give one of them as the contract names it; if the "
        "handover truly was '%s', record it as it was with --undesignated-method --reason TEXT "
        "(status will show the violation of 4(1), with the reason).");
    itk_buf list = ITK_BUF_INIT, near = ITK_BUF_INIT, text = ITK_BUF_INIT;
    methods_shown(&list, &near, &j, msg);
    itk_buf_printf(&text, itk__(msg), j.method,
                   itk_ref_code_shown(j.labels, msg, "action", j.action), list.ptr ? list.ptr : "-",
                   near.ptr ? near.ptr : "-", j.method);
    amended_by(&text, &j);
    rc = itk_error_set(ITK_EVERIFY, "%s", text.ptr ? text.ptr : "");
    itk_buf_dispose(&list);
    itk_buf_dispose(&near);
    itk_buf_dispose(&text);
done:
    judged_dispose(&j);
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

/* Whether m is one of list by itk_method_equal. */
static int method_in(const itk_labels *l, const json_t *list, const char *m)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) if (json_is_string(v) &&
                                       itk_method_equal(l, json_string_value(v), m)) return 1;
    return 0;
}

static int method_named(const itk_labels *l, const char *const *v, size_t n, const char *m)
{
    for (size_t i = 0; i < n; i++)
        if (itk_method_equal(l, v[i], m))
            return 1;
    return 0;
}

/* Sets ITK_EINVALID with msgid, its first argument m (as typed), its
 * second the designated methods now as the message's language shows them
 * (a code as its catalog label in Japanese); m NULL: msgid takes those
 * only. */
static int methods_refused(const itk_labels *l, const char *msgid, const char *m,
                           const json_t *current)
{
    itk_buf now = ITK_BUF_INIT;
    methods_listed(&now, l, msgid, current);
    const char *list = now.ptr ? now.ptr : "-";
    int rc =
        m ? itk_error_set(ITK_EINVALID, msgid, m, list) : itk_error_set(ITK_EINVALID, msgid, list);
    itk_buf_dispose(&now);
    return rc;
}

int itk_handover_methods_amend(json_t **out, const itk_labels *l, const json_t *current,
                               const itk_methods_change *ch)
{
    static const char not_designated[] = ITK_N_(
        "handover method '%s' is not designated, so it cannot be dropped (designated now: %s)");
    static const char already[] = ITK_N_("handover method '%s' is already designated (designated "
                                         "now: %s); nothing to add");
    static const char would_drop[] = ITK_N_(
        "--handover-method replaces the designated handover methods and would drop '%s' "
        "(designated now: %s); to add a method to those designated use --add-handover-method, "
        "to drop one name it with --drop-handover-method as well");
    static const char dropped_named[] =
        ITK_N_("handover method '%s' is both named with --handover-method and dropped with "
               "--drop-handover-method (designated now: %s); give it once");
    static const char none_left[] =
        ITK_N_("the amendment would leave no designated handover method (designated now: %s); "
               "add one with --add-handover-method");
    size_t i;
    json_t *v;
    int rc;
    *out = NULL;
    if ((rc = itk_handover_methods_check(l, ch->add, ch->nadd)) ||
        (rc = itk_handover_methods_check(l, ch->replace, ch->nreplace)))
        return rc;
    for (i = 0; i < ch->ndrop; i++) {
        if ((rc = itk_label_check(ch->drop[i], ITK_METHOD_MAX_CHARS, itk__("handover method"))))
            return rc;
        if (!method_in(l, current, ch->drop[i]))
            return methods_refused(l, not_designated, ch->drop[i], current);
        if (method_named(l, ch->replace, ch->nreplace, ch->drop[i]))
            return methods_refused(l, dropped_named, ch->drop[i], current);
    }
    for (i = 0; i < ch->nadd; i++)
        if (method_in(l, current, ch->add[i]))
            return methods_refused(l, already, ch->add[i], current);
    json_array_foreach(current, i, v)
    {
        const char *m = json_string_value(v);
        if (m && ch->nreplace && !method_named(l, ch->replace, ch->nreplace, m) &&
            !method_named(l, ch->drop, ch->ndrop, m))
            return methods_refused(l, would_drop, itk_ref_code_shown(l, would_drop, "method", m),
                                   current);
    }
    json_t *after = json_array();
    if (!after)
        return itk_error_nomem();
    if (ch->nreplace)
        for (i = 0; i < ch->nreplace; i++)
            json_array_append_new(after, json_string(ch->replace[i]));
    else
        json_array_foreach(current, i,
                           v) if (json_is_string(v) &&
                                  !method_named(l, ch->drop, ch->ndrop, json_string_value(v)))
            json_array_append(after, v);
    for (i = 0; i < ch->nadd; i++) {
        if (method_in(l, after, ch->add[i])) {
            json_decref(after);
            return methods_refused(l, already, ch->add[i], current);
        }
        json_array_append_new(after, json_string(ch->add[i]));
    }
    if (!json_array_size(after)) {
        json_decref(after);
        return methods_refused(l, none_left, NULL, current);
    }
    *out = after;
    return 0;
}

struct itk_method_judge {
    itk_registry *reg;    /* borrowed */
    const git_tree *tree; /* borrowed */
    json_t *ob, *settings;
    itk_labels *labels;
    int amended; /* an amendment changed the methods: judged as of each entry */
};

int itk_method_judge_open(itk_method_judge **out, itk_registry *reg, const git_tree *tree)
{
    int rc;
    itk_method_judge *j = itk_calloc(1, sizeof(*j));
    *out = NULL;
    if (!j)
        return ITK_ENOMEM;
    j->reg = reg;
    j->tree = tree;
    if ((rc = itk_obligations_load(&j->ob, reg)) ||
        (rc = itk_contract_settings(&j->settings, reg, tree))) {
        itk_method_judge_free(j);
        return rc;
    }
    if (itk_labels_open_tree(&j->labels, reg->repo, tree, "ja") || !j->labels) {
        itk_error_clear();
        if (itk_labels_builtin(&j->labels, "ja"))
            itk_error_clear();
    }
    j->amended =
        json_object_get(json_object_get(j->settings, "amended_by"), "handover_methods") != NULL;
    *out = j;
    return 0;
}

int itk_method_judge_entry(itk_method_judge *j, const json_t *rec)
{
    const json_t *body = json_object_get(rec, "body"), *v;
    const json_t *given = json_object_get(body, "designated_method_used");
    if (json_is_boolean(given))
        return json_is_true(given);
    const char *action = json_string_value(json_object_get(body, "action"));
    const char *method = json_string_value(json_object_get(body, "method"));
    int listed = 0;
    size_t i;
    json_array_foreach(rule_actions(j->ob, "handover_designated_method"), i, v) listed |=
        action && json_is_string(v) && strcmp(json_string_value(v), action) == 0;
    if (!listed || !method)
        return -1;
    if (json_object_get(json_object_get(rec, "refs"), "undesignated_method"))
        return 0;
    json_t *then = NULL;
    const char *created = json_string_value(json_object_get(rec, "created"));
    if (j->amended && created && itk_contract_settings_at(&then, j->reg, j->tree, created) != 0) {
        itk_error_clear();
        then = NULL;
    }
    int designated = 0;
    json_array_foreach(json_object_get(then ? then : j->settings, "handover_methods"), i, v)
        designated |=
        json_is_string(v) && itk_method_equal(j->labels, json_string_value(v), method);
    json_decref(then);
    return designated;
}

void itk_method_judge_free(itk_method_judge *j)
{
    if (!j)
        return;
    json_decref(j->ob);
    json_decref(j->settings);
    itk_labels_free(j->labels);
    free(j);
}
