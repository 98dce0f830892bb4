/* itaku contract versions|upgrade|amend: the schema and obligations versions a
 * registry holds against those this itaku carries; the city publishing the
 * carried ones the registry lacks, and amending the contract settings. */
#include "cli.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/contract.h"
#include "itaku/contract_amend.h"
#include "itaku/contract_settings.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int versions(int argc, char **argv)
{
    int json = 0;
    const cli_opt opts[] = {{"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0}, {0}};
    const cli_spec spec = {"contract versions",
                           N_("Show the schema and obligations versions the registry holds and "
                              "this itaku carries."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("contract versions takes no arguments"));
    itk_registry *reg = NULL;
    itk_contract_version *v = NULL;
    size_t n = 0, missing = 0;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg))
        goto done;
    if (itk_contract_versions(&v, &n, reg, NULL) < 0) {
        rc = cli_fail(_("cannot compare the registry's versions with this itaku's"));
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        missing += v[i].missing;
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            cli_jappend(&arr,
                        json_pack("{s:o, s:o, s:I, s:I, s:b}", "kind", cli_jstr(v[i].kind), "name",
                                  cli_jstr(v[i].name), "held", (json_int_t)v[i].held, "carried",
                                  (json_int_t)v[i].carried, "upgrade", v[i].missing > 0));
        rc = cli_json_print(json_pack("{s:o, s:b}", "templates", arr, "upgrade", missing > 0));
        goto done;
    }
    cli_pad(_("KIND"), 12);
    putchar(' ');
    cli_pad(_("NAME"), 32);
    putchar(' ');
    cli_pad_right(_("HELD"), 6);
    putchar(' ');
    cli_pad_right(_("CARRIED"), 8);
    printf("  %s\n", _("UPGRADE"));
    for (size_t i = 0; i < n; i++) {
        char held[24], carried[24];
        snprintf(held, sizeof(held), v[i].held ? "v%ld" : "-", v[i].held);
        snprintf(carried, sizeof(carried), v[i].carried ? "v%ld" : "-", v[i].carried);
        if (strcmp(v[i].kind, "readme") == 0) {
            snprintf(held, sizeof(held), "%s", v[i].held ? _("yes") : "-");
            snprintf(carried, sizeof(carried), "%s", v[i].carried ? _("yes") : "-");
        }
        cli_pad(v[i].kind, 12);
        putchar(' ');
        cli_pad(v[i].name, 32);
        putchar(' ');
        cli_pad_right(held, 6);
        putchar(' ');
        cli_pad_right(carried, 8);
        printf("  %s\n", v[i].missing ? _("adds") : "-");
    }
    if (missing)
        printf(P_("\nThis itaku carries %zu file the registry lacks; the city publishes it with "
                  "itaku contract upgrade.\n",
                  "\nThis itaku carries %zu files the registry lacks; the city publishes them with "
                  "itaku contract upgrade.\n",
                  missing),
               missing);
    else
        printf(_("\nThe registry holds everything this itaku carries.\n"));
    rc = EXIT_OK;
done:
    free(v);
    itk_registry_free(reg);
    return rc;
}

static int upgrade(int argc, char **argv)
{
    const char *key = NULL;
    const cli_opt opts[] = {CLI_OPT_KEY(&key), {0}};
    const cli_spec spec = {"contract upgrade",
                           N_("Publish the schema and obligations versions this itaku carries and "
                              "the registry lacks (the city)."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("contract upgrade takes no arguments"));
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    int rc = EXIT_ERROR;
    git_oid commit;
    size_t added = 0;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_contract_upgrade(&commit, &added, reg, signer, NULL) < 0) {
        rc = cli_fail(_("cannot upgrade the contract"));
        goto done;
    }
    if (added)
        printf(P_("Published %zu new contract template file in commit %.12s\n",
                  "Published %zu new contract template files in commit %.12s\n", added),
               added, git_oid_tostr_s(&commit));
    else
        printf(_("Nothing to upgrade: the registry holds every version this itaku carries\n"));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

/* The methods of list to f, ", " between ("-": none). */
/* A handover method as a screen shows it: its label in l, the screen's
 * catalog (cli_labels: 手渡し on a Japanese screen), with the code beside it
 * when they differ (手渡し（hand-delivery）: either is what --drop-handover-method
 * takes); the code alone when l has no label for it. */
static const char *method_shown(char *out, size_t cap, const itk_labels *l, const char *code)
{
    const char *label = itk_label_or(l, "method", code);
    if (code && label && strcmp(label, code) != 0)
        snprintf(out, cap, "%s（%s）", label, code);
    else
        snprintf(out, cap, "%s", code ? code : "");
    return out;
}

/* The catalog a Japanese screen words the methods by (cli_labels); NULL,
 * the codes as designated, on another screen. */
static itk_labels *screen_labels(itk_registry *reg)
{
    return strcmp(cli_screen_lang(), "ja") == 0 ? cli_labels(reg) : NULL;
}

static void print_methods(FILE *f, const json_t *list, const itk_labels *l)
{
    size_t i;
    json_t *v;
    char shown[256];
    json_array_foreach(list, i, v)
        fprintf(f, "%s%s", i ? ", " : "",
                cli_safe(method_shown(shown, sizeof(shown), l, json_string_value(v))));
    if (!json_array_size(list))
        fputc('-', f);
}

static int amend(int argc, char **argv)
{
    itk_contract_amend_options o = ITK_CONTRACT_AMEND_OPTIONS_INIT;
    const char *methods[32], *adds[32], *drops[32], *key = NULL, *contacts = NULL,
                                                    *rules_file = NULL;
    cli_strings method_list = {methods, 0, 32}, add_list = {adds, 0, 32},
                drop_list = {drops, 0, 32};
    const cli_opt opts[] = {
        {"add-handover-method", 0, CLI_STRING, &add_list, "METHOD",
         N_("designate a handover method besides those designated (may repeat)"), CLI_MANY},
        {"drop-handover-method", 0, CLI_STRING, &drop_list, "METHOD",
         N_("a designated handover method no longer designated (may repeat)"), CLI_MANY},
        {"handover-method", 0, CLI_STRING, &method_list, "METHOD",
         N_("the designated handover methods from now on (repeat for each; replaces the list: a "
            "method designated now and not named must be dropped with --drop-handover-method)"),
         CLI_MANY},
        {"start", 0, CLI_DATE, &o.start, "DATE", N_("the contract's first day"), CLI_DAY},
        {"end", 0, CLI_DATE, &o.end, "DATE", N_("the contract's last day"), CLI_DAY},
        {"work-start", 0, CLI_DATE, &o.work_start, "DATE", N_("when the work starts"), 0},
        {"contacts", 0, CLI_PATH, &contacts, "FILE",
         N_("the contacts from now on: JSON {\"contacts\": [{party, role, name, phone, email}]}"),
         0},
        {"decision-rules", 0, CLI_PATH, &rules_file, "FILE",
         N_("the decision rules (決裁) from now on: JSON {\"decision_rules\": [{request_kinds, "
            "outcomes, drafters, approvers: [{post, count}], deputies: [{for, post}]}], "
            "post_setters: [POST]} (post_setters: whose holders set officers' posts)"),
         0},
        {"backdated", 0, CLI_SWITCH, &o.backdated, NULL,
         N_("a date given (--start, --end, --work-start) is already past, and that is meant"), 0},
        {"reason", 0, CLI_STRING, &o.reason, "TEXT", N_("why the settings change"), CLI_REQUIRED},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"contract amend",
                           N_("Amend the contract settings (the city): a signed record, never an "
                              "edit of itaku.json. It is in force for records made after it and "
                              "for due dates after it; status applies the settings in force at "
                              "each due date. A date already past asks for --backdated; what was "
                              "filed before the amendment is judged by the settings then in "
                              "force."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc || !o.reason)
        return cli_bad(&spec, _("contract amend takes options only, --reason among them"));
    o.handover_methods = methods;
    o.handover_count = method_list.n;
    o.add_methods = adds;
    o.add_count = add_list.n;
    o.drop_methods = drops;
    o.drop_count = drop_list.n;
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_buf name = ITK_BUF_INIT;
    json_t *list = NULL, *rules = NULL, *before = NULL, *after = NULL;
    git_tree *tree = NULL;
    int rc = EXIT_ERROR;
    git_oid commit;
    if (rules_file) {
        if (cli_read_body(&rules, rules_file, 0) != 0) {
            rc = cli_fail(_("cannot read the decision rules"));
            goto done;
        }
        o.decision_rules = json_object_get(rules, "decision_rules");
        o.post_setters = json_object_get(rules, "post_setters");
        if (!json_is_array(o.decision_rules)) {
            fprintf(stderr, _("itaku: %s holds no \"decision_rules\" list; nothing was written\n"),
                    rules_file);
            rc = EXIT_ERROR;
            goto done;
        }
    }
    if (contacts) {
        if (cli_read_body(&list, contacts, 0) != 0) {
            rc = cli_fail(_("cannot read the contacts"));
            goto done;
        }
        o.contacts = json_object_get(list, "contacts");
        if (!json_is_array(o.contacts)) {
            fprintf(stderr, _("itaku: %s holds no \"contacts\" list; nothing was written\n"),
                    contacts);
            rc = EXIT_ERROR;
            goto done;
        }
        /* telephone numbers as offices type them (０４２－５５８－１１１１):
         * read through the fold every form's numbers go through */
        if (cli_normalise_body(list, "contract-amendment") < 0) {
            rc = cli_fail(_("cannot read the contacts"));
            goto done;
        }
    }
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    /* the methods before, to say what the amendment changed */
    if (itk_registry_head_tree(&tree, reg) < 0 || itk_contract_settings(&before, reg, tree) < 0) {
        rc = cli_fail(_("cannot read the contract settings"));
        goto done;
    }
    git_tree_free(tree);
    tree = NULL;
    if (itk_contract_amend(&name, &commit, reg, signer, &o) < 0) {
        fprintf(stderr, _("itaku: nothing was written:\n%s\n"),
                cli_safe_block(itk_error_last(), ""));
        goto done;
    }
    printf("%s\n", name.ptr);
    fprintf(stderr,
            _("Amended the contract settings in commit %.12s; in force for what is recorded after "
              "it (each party takes it when it pulls).\n"),
            git_oid_tostr_s(&commit));
    if (o.handover_count || o.add_count || o.drop_count) {
        if (itk_registry_head_tree(&tree, reg) < 0 ||
            itk_contract_settings(&after, reg, tree) < 0) {
            rc = cli_fail(_("cannot read the contract settings"));
            goto done;
        }
        itk_labels *l = screen_labels(reg);
        fprintf(stderr, "%s", _("Handover methods: "));
        print_methods(stderr, json_object_get(before, "handover_methods"), l);
        fprintf(stderr, " → ");
        print_methods(stderr, json_object_get(after, "handover_methods"), l);
        fputc('\n', stderr);
        itk_labels_free(l);
    }
    rc = EXIT_OK;
done:
    git_tree_free(tree);
    json_decref(before);
    json_decref(after);
    json_decref(list);
    json_decref(rules);
    itk_buf_dispose(&name);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

/* "  (contract amendment X)" when a is an amendment's name, else "  (itaku
 * init)"; then the line's end. */
static void credit(const char *a)
{
    if (a)
        printf(_("  (contract amendment %s)"), cli_safe(a));
    else
        printf("%s", _("  (itaku init)"));
    putchar('\n');
}

/* credit for field of the settings c. */
static void amended(const json_t *c, const char *field)
{
    credit(json_string_value(json_object_get(json_object_get(c, "amended_by"), field)));
}

static int show(int argc, char **argv)
{
    const cli_opt opts[] = {{0}};
    const cli_spec spec = {"contract show",
                           N_("Show the contract settings in force: the period, the work start, "
                              "the designated handover methods and the contacts, with the "
                              "contract amendment that set each."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("contract show takes no arguments"));
    itk_registry *reg = NULL;
    git_tree *tree = NULL;
    json_t *c = NULL, *v;
    size_t i;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg))
        goto done;
    if (itk_registry_head_tree(&tree, reg) < 0 || itk_contract_settings(&c, reg, tree) < 0) {
        rc = cli_fail(_("cannot read the contract settings"));
        goto done;
    }
    const json_t *period = json_object_get(c, "period");
    const char *start = json_string_value(json_object_get(period, "start"));
    const char *end = json_string_value(json_object_get(period, "end"));
    const char *work = json_string_value(json_object_get(c, "work_start"));
    printf(_("Contract:          %s %s (%s)\n"),
           cli_safe(json_string_value(json_object_get(c, "contract_id"))),
           cli_safe(json_string_value(json_object_get(c, "title"))),
           cli_safe(json_string_value(json_object_get(c, "city"))));
    printf(_("Period:            %s to %s"), cli_safe(start ? start : "-"),
           cli_safe(end ? end : "-"));
    putchar('\n');
    /* each setting with the amendment (or init) that set it */
    printf(_("  Start:           %s"), cli_safe(start ? start : "-"));
    amended(c, "period.start");
    printf(_("  End:             %s"), cli_safe(end ? end : "-"));
    amended(c, "period.end");
    printf(_("Work start:        %s"), cli_safe(work ? work : "-"));
    amended(c, "work_start");
    printf("%s", _("Handover methods: "));
    json_t *methods = json_object_get(c, "handover_methods");
    itk_labels *l = screen_labels(reg);
    char shown[256];
    json_array_foreach(methods, i, v)
        printf("%s%s", i ? ", " : " ", cli_safe(itk_label_or(l, "method", json_string_value(v))));
    putchar('\n');
    json_array_foreach(methods, i, v)
    {
        printf("  - %s", cli_safe(method_shown(shown, sizeof(shown), l, json_string_value(v))));
        credit(json_string_value(json_array_get(json_object_get(c, "methods_by"), i)));
    }
    itk_labels_free(l);
    printf("%s", _("Contacts:"));
    json_t *contacts = json_object_get(c, "contacts");
    if (!json_array_size(contacts))
        printf("%s\n", _("          none recorded (the city records them with itaku contract "
                         "amend --contacts FILE)"));
    else
        amended(c, "contacts");
    json_array_foreach(contacts, i, v)
    {
        static const char *const f[] = {"party", "role", "name", "phone", "email"};
        printf(" ");
        for (size_t k = 0; k < sizeof(f) / sizeof(*f); k++) {
            const char *s = json_string_value(json_object_get(v, f[k]));
            if (s)
                printf(" %s", cli_safe(s));
        }
        putchar('\n');
    }
    rc = EXIT_OK;
done:
    json_decref(c);
    git_tree_free(tree);
    itk_registry_free(reg);
    return rc;
}

int cmd_contract(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"show", show, N_("the settings in force: period, handover methods, contacts"),
         CLI_NEEDS_REGISTRY},
        {"versions", versions, N_("what the registry holds and this itaku carries"),
         CLI_NEEDS_REGISTRY},
        {"upgrade", upgrade, N_("publish the versions this itaku carries (the city)"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {"amend", amend, N_("amend the contract settings: methods, period, work start (the city)"),
         CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {0}};
    return cli_dispatch("contract",
                        N_("Show and publish the contract's schema and obligations versions; "
                           "amend its settings."),
                        subs, argc, argv);
}
