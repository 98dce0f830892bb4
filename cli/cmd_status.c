/* itaku status: each obligation of each party down the chain, with its state
 * and the record that proves it. Exit 0: nothing overdue or violated; 1:
 * something is; 2: error. */
#include "cli.h"
#include "itaku/dates.h"
#include "itaku/contract_settings.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/status.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *state_color(itk_state s)
{
    static const char *c[] = {"\033[32m", "\033[33m", "\033[31m", "\033[1;31m"};
    return c[s];
}

/* A cell's controls and invalid bytes are shown as the register export
 * shows them (a line break stays, inside the quoted cell). */
static void csv_cell(const char *s, int last)
{
    s = cli_safe_block(s, "");
    putchar('"');
    if (*s && strchr("=+-@\t\r", *s))
        putchar('\''); /* not a formula when a spreadsheet opens it */
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    fputs(last ? "\"\r\n" : "\",", stdout);
}

/* A finding's text: Japanese from the catalog beside a Japanese one (the
 * registry's), else the English. */
static const char *detail_of(const itk_finding *f, const itk_labels *l)
{
    return strcmp(itk_labels_lang(l), "ja") == 0 && (f->detail_ja[0] || !f->detail[0])
               ? f->detail_ja
               : f->detail;
}

/* A spreadsheet is one of the city's papers: headers, rules, states and
 * texts in the catalog's Japanese (codes without a catalog). */
static void print_csv(const itk_status *st, const itk_labels *l, int problems)
{
    fputs("\xEF\xBB\xBF", stdout);
    const char *head[] = {"party", "section",  "rule",    "state", "record",
                          "due",   "received", "claimed", "detail"};
    for (size_t i = 0; i < 9; i++)
        csv_cell(itk_label_or(l, "column", head[i]), i == 8);
    for (size_t i = 0; i < itk_status_count(st); i++) {
        const itk_finding *f = itk_status_get(st, i);
        if (problems && f->state == ITK_STATE_OK)
            continue;
        const char *row[] = {f->party,
                             f->section,
                             itk_label_or(l, "rule", f->rule),
                             itk_label_or(l, "state", itk_state_name(f->state)),
                             f->record,
                             f->due,
                             f->received,
                             f->claimed,
                             detail_of(f, l)};
        for (size_t k = 0; k < 9; k++)
            csv_cell(row[k], k == 8);
    }
}

static int print_json(const itk_status *st, const char *at, int problems)
{
    json_t *findings = json_array();
    for (size_t i = 0; i < itk_status_count(st); i++) {
        const itk_finding *f = itk_status_get(st, i);
        if (problems && f->state == ITK_STATE_OK)
            continue;
        const char *keys[] = {"party", "section",  "rule",    "record",
                              "due",   "received", "claimed", "detail"};
        const char *vals[] = {f->party, f->section,  f->rule,    f->record,
                              f->due,   f->received, f->claimed, f->detail};
        json_t *o = json_pack("{s:i, s:s}", "depth", f->depth, "state", itk_state_name(f->state));
        for (size_t k = 0; k < 8; k++)
            cli_jset(&o, keys[k], cli_jstr(vals[k]));
        cli_jappend(&findings, o);
    }
    return cli_json_print(json_pack("{s:o, s:b, s:o}", "at", cli_jstr(at), "failed",
                                    itk_status_failed(st), "findings", findings));
}

/* A time as the other views show it (itk_time_shown); none: "-". */
static const char *short_time(char out[ITK_TIME_SHOWN], const char *iso, int offset)
{
    return iso[0] ? itk_time_shown(out, iso, offset) : "-";
}

/* The contacts of the contract settings in force (contract amend) that
 * belong to party (or, party NULL, to no party), one line each. */
static void print_contacts(const json_t *contacts, const char *party, int ind, const itk_labels *l)
{
    size_t i;
    json_t *c;
    json_array_foreach(contacts, i, c)
    {
        const char *p = json_string_value(json_object_get(c, "party"));
        if (party ? !p || strcmp(p, party) != 0 : p != NULL)
            continue;
        if (ind < 0 && p) /* above the tables: whose contact it is */
            printf("  %s (%s):", cli_safe(itk_label_or(l, "column", "contact")),
                   cli_safe(p ? p : ""));
        else
            printf("%*s  %s:", ind < 0 ? 0 : ind, "",
                   cli_safe(itk_label_or(l, "column", "contact")));
        static const char *const f[] = {"role", "name", "phone", "email"};
        for (size_t k = 0; k < sizeof(f) / sizeof(*f); k++) {
            const char *v = json_string_value(json_object_get(c, f[k]));
            if (v)
                printf(" %s", cli_safe(v));
        }
        putchar('\n');
    }
}

static void print_table(itk_registry *reg, const itk_status *st, const char *at,
                        const itk_labels *l, int problems, const json_t *contacts, int offset)
{
    char shown[ITK_TIME_SHOWN];
    int color = cli_color(1);
    size_t counts[4] = {0};
    for (size_t i = 0; i < itk_status_count(st); i++)
        counts[itk_status_get(st, i)->state]++;
    printf(_("Obligations as of %s: %zu overdue, %zu violated, %zu pending, %zu ok\n"),
           itk_time_shown(shown, at, offset), counts[ITK_STATE_OVERDUE], counts[ITK_STATE_VIOLATED],
           counts[ITK_STATE_PENDING], counts[ITK_STATE_OK]);
    size_t next = 0;
    /* looked up once, not on each of thousands of rows (issue 18) */
    const char *received_dated = _("(received %s, dated %s)");
    int ja = strcmp(itk_labels_lang(l), "ja") == 0;
    for (size_t p = 0; p < itk_status_party_count(st); p++) {
        int depth;
        const char *role;
        const char *party = itk_status_party(st, p, &depth, &role);
        if (!strcmp(role, "city")) {
            /* the city has no table: its contacts, and its findings, if any,
             * are passed over */
            print_contacts(contacts, party, -1, l);
            print_contacts(contacts, NULL, -1, l);
            size_t end = next;
            while (end < itk_status_count(st) && !strcmp(itk_status_get(st, end)->party, party))
                end++;
            /* but a finding about the city's own settings (決裁: no setter
             * post named) is shown, one line each */
            if (end > next)
                cli_party_heading(reg, party, 0, itk_label_or(l, "role", role));
            for (; next < end; next++) {
                const itk_finding *f = itk_status_get(st, next);
                if (problems && f->state == ITK_STATE_OK)
                    continue;
                printf("  %s", color ? state_color(f->state) : "");
                cli_pad(itk_label_or(l, "state", itk_state_name(f->state)), 9);
                fputs(color ? "\033[0m" : "", stdout);
                cli_pad(f->section, 9);
                printf("%s\n", cli_safe(detail_of(f, l)));
            }
            continue;
        }
        int ind = 2 * (depth - 1);
        cli_party_heading(reg, party, ind, itk_label_or(l, "role", role));
        print_contacts(contacts, party, ind, l);
        printf("%*s  ", ind, "");
        cli_pad(_("STATE"), 9);
        cli_pad(_("SECTION"), 9);
        cli_pad(_("RULE"), l ? 42 : 35);
        cli_pad(_("RECORD"), 22);
        cli_pad(_("DUE"), 18);
        puts(_("DETAIL"));
        int any = 0;
        /* the party's findings are one run of the list (status.h) */
        for (; next < itk_status_count(st); next++) {
            const itk_finding *f = itk_status_get(st, next);
            if (strcmp(f->party, party) != 0)
                break;
            if (problems && f->state == ITK_STATE_OK)
                continue;
            any = 1;
            printf("%*s  %s", ind, "", color ? state_color(f->state) : "");
            cli_pad(itk_label_or(l, "state", itk_state_name(f->state)), 9);
            fputs(color ? "\033[0m" : "", stdout);
            cli_pad(f->section, 9);
            cli_pad(itk_label_or(l, "rule", f->rule), l ? 42 : 35);
            cli_pad(f->record[0] ? f->record : "-", 22);
            char t1[ITK_TIME_SHOWN], t2[ITK_TIME_SHOWN];
            cli_pad(short_time(t1, f->due, offset), 18);
            const char *detail = detail_of(f, l);
            printf("%s", cli_safe(detail));
            if (f->received[0] && ja)
                printf("（%s %s、%s %s）", itk_label_or(l, "column", "received"),
                       short_time(t1, f->received, offset), itk_label_or(l, "column", "claimed"),
                       short_time(t2, f->claimed, offset));
            else if (f->received[0]) {
                if (detail[0])
                    putchar(' ');
                printf(received_dated, short_time(t1, f->received, offset),
                       short_time(t2, f->claimed, offset));
            }
            putchar('\n');
        }
        if (!any)
            printf("%*s  %s\n", ind, "",
                   problems ? _("(nothing that is not ok)")
                            : _("(no obligations found for this party yet)"));
    }
}

int cmd_status(int argc, char **argv)
{
    itk_status_options o = ITK_STATUS_OPTIONS_INIT;
    int json = 0, csv = 0, problems = 0;
    const cli_opt opts[] = {
        {"party", 0, CLI_PARTY, &o.party, "P", N_("only this party and its descendants"), 0},
        {"at", 0, CLI_DATE, &o.at, "DATE", N_("as of this time (default: now)"), 0},
        {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
        {"csv", 0, CLI_SWITCH, &csv, NULL, N_("print CSV (for a spreadsheet)"), 0},
        {"problems", 0, CLI_SWITCH, &problems, NULL,
         N_("list only what is not ok (pending, overdue, violated)"), 0},
        {0}};
    const cli_spec spec = {"status",
                           N_("Obligations down the chain: ok, pending, overdue, "
                              "violated. Exit 0: nothing overdue or violated; 1: something is."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("status takes options only, not '%s'"), argv[optind]);
    if (json && csv)
        return cli_bad(&spec, _("--json and --csv are two outputs: give one of them"));
    itk_registry *reg = NULL;
    itk_status *st = NULL;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (cli_at_after_start(reg, o.at)) {
        itk_registry_free(reg);
        return EXIT_ERROR;
    }
    if (itk_status_run(&st, reg, &o) < 0) {
        itk_registry_free(reg);
        return cli_fail(_("cannot work out the status"));
    }
    char at[32];
    if (o.at)
        snprintf(at, sizeof(at), "%s", o.at);
    else
        itk_registry_now(at, reg);
    int out = 0;
    /* a spreadsheet is one of the city's papers, in its words; the table a
     * screen, in the messages' language */
    itk_labels *l = json ? NULL : csv ? cli_paper_labels(reg) : cli_labels(reg);
    if (json)
        out = print_json(st, at, problems);
    else if (csv)
        print_csv(st, l, problems);
    else {
        /* the contacts in force (contract amend), under each party */
        git_tree *tree = NULL;
        json_t *settings = NULL;
        if (itk_registry_head_tree(&tree, reg) < 0 ||
            itk_contract_settings(&settings, reg, tree) < 0)
            itk_error_clear();
        int offset = 540;
        if (itk_registry_offset(&offset, reg) < 0)
            itk_error_clear();
        print_table(reg, st, at, l, problems, json_object_get(settings, "contacts"), offset);
        json_decref(settings);
        git_tree_free(tree);
    }
    itk_labels_free(l);
    int rc = out ? out : itk_status_failed(st) ? EXIT_NO : EXIT_OK;
    itk_status_free(st);
    itk_registry_free(reg);
    return rc;
}
