/* itaku who: who may touch the city's information now — per party its
 * manager, workers and their training, approved subcontractors, open
 * approvals and the items it holds. */
#include "cli.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/who.h"

#include <stdio.h>
#include <string.h>

/* A column of the who table: padded to width, and always followed by one
 * space, so that a long value (ＳＫＲ－ＵＳＢ－０１ is 20 columns wide) never runs
 * into the next column. */
static void column(const char *s, int width)
{
    cli_pad(s, width);
    if (cli_display_width(cli_safe(s)) >= width)
        putchar(' ');
}

/* The width of a column: at least min, and one more than its widest value
 * (ＪＯＨＮ ＳＭＩＴＨ takes 19 columns), so that every row of a party's
 * list starts its next column at one place. */
static int fit(int width, const char *s)
{
    int w = cli_display_width(cli_safe(s)) + 1;
    return w > width ? w : width;
}

static json_t *party_json(const itk_who_party *p)
{
    json_t *manager = json_null(), *workers = json_array(), *subs = json_array();
    json_t *approvals = json_array(), *items = json_array();
    if (p->manager[0] || p->form1[0])
        manager = json_pack("{s:o, s:o, s:o, s:o}", "name", cli_jstr(p->manager), "title",
                            cli_jstr(p->manager_title), "dept", cli_jstr(p->manager_dept), "record",
                            cli_jstr(p->form1));
    for (size_t k = 0; k < p->nworkers; k++) {
        const itk_who_worker *x = &p->workers[k];
        cli_jappend(&workers,
                    json_pack("{s:o, s:o, s:o, s:b, s:o}", "worker_id", cli_jstr(x->worker_id),
                              "name", cli_jstr(x->name), "dept", cli_jstr(x->dept), "trained",
                              x->trained, "training", cli_jstr(x->training)));
    }
    for (size_t k = 0; k < p->nsubcontractors; k++)
        cli_jappend_str(&subs, p->subcontractors[k]);
    for (size_t k = 0; k < p->napprovals; k++) {
        const itk_who_approval *a = &p->approvals[k];
        cli_jappend(&approvals,
                    json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:b}", "request",
                              cli_jstr(a->request), "kind", cli_jstr(a->kind), "summary",
                              cli_jstr(a->summary), "decision", cli_jstr(a->decision), "decided_on",
                              cli_jstr(a->decided_on), "valid_until", cli_jstr(a->valid_until),
                              "max_uses", (json_int_t)a->max_uses, "uses", (json_int_t)a->uses,
                              "open", a->open));
    }
    for (size_t k = 0; k < p->nitems; k++) {
        const itk_who_item *x = &p->items[k];
        cli_jappend(&items,
                    json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "item_id",
                              cli_jstr(x->item_id), "info_name", cli_jstr(x->info_name), "action",
                              cli_jstr(x->action), "record", cli_jstr(x->record), "since",
                              cli_jstr(x->since), "derived_from", cli_jstr(x->derived_from),
                              "taken_out", cli_jstr(x->taken_out)));
    }
    json_t *signers = json_array();
    for (size_t k = 0; k < p->nsigners; k++) {
        const itk_who_signer *x = &p->signers[k];
        cli_jappend(&signers,
                    json_pack("{s:o, s:o, s:o}", "principal", cli_jstr(x->principal), "name",
                              cli_jstr(x->name), "fingerprint", cli_jstr(x->fingerprint)));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:o, s:o, s:o}", "party",
                     cli_jstr(p->party), "name", cli_jstr(p->name), "role", cli_jstr(p->role),
                     "parent", cli_jstr(p->parent), "depth", p->depth, "manager", manager,
                     "workers", workers, "subcontractors", subs, "approvals", approvals, "items",
                     items, "signers", signers);
}

static int print_json(const itk_who *w)
{
    json_t *parties = json_array();
    for (size_t i = 0; i < itk_who_count(w); i++)
        cli_jappend(&parties, party_json(itk_who_get(w, i)));
    return cli_json_print(
        json_pack("{s:o, s:o}", "at", cli_jstr(itk_who_at(w)), "parties", parties));
}

/* A row's label ("workers:"), padded to width and, when a translation is
 * wider, followed by one space all the same. */
static void label(const char *s, int width)
{
    int w = cli_display_width(s);
    cli_pad(s, w < width ? width : w + 1);
}

static void print_table(itk_registry *reg, const itk_who *w, const itk_labels *l)
{
    int color = cli_color(1);
    const char *green = color ? "\033[32m" : "", *red = color ? "\033[31m" : "";
    const char *off = color ? "\033[0m" : "";
    int ja = strcmp(cli_screen_lang(), "ja") == 0;
    printf(_("Who may touch the information, as of %s\n"), cli_safe(itk_who_at(w)));
    for (size_t i = 0; i < itk_who_count(w); i++) {
        const itk_who_party *p = itk_who_get(w, i);
        int ind = 2 * p->depth;
        char named[320];
        /* a Japanese screen heads a party by its name, the id beside it, as
         * status does; an English one by its id, then its name */
        if (ja)
            cli_party_heading(reg, p->party, ind, itk_label_or(l, "role", p->role));
        else
            printf("\n%*s%s %s (%s)\n", ind, "", cli_safe(p->party), cli_safe(p->name),
                   cli_safe(itk_label_or(l, "role", p->role)));
        /* who signs for it: each principal by the name in force; a
         * Japanese screen names the person, the id (what key rename
         * --principal takes) beside it, an English one the id first */
        printf("%*s  %s", ind, "", _("signers:"));
        for (size_t k = 0; k < p->nsigners; k++) {
            const itk_who_signer *x = &p->signers[k];
            if (!x->name[0])
                printf("%s %s", k ? "," : "", cli_safe(x->principal));
            else if (ja)
                printf("%s %s（%s）", k ? "," : "", cli_safe(x->name), cli_safe(x->principal));
            else
                printf("%s %s (%s)", k ? "," : "", cli_safe(x->principal), cli_safe(x->name));
        }
        if (p->nsigners)
            putchar('\n');
        else
            printf(" %s\n", _("none"));
        if (!strcmp(p->role, "city") && !p->form1[0] && !p->nitems && !p->napprovals) {
            printf("%*s  %s", ind, "", _("contractors:"));
            for (size_t k = 0; k < p->nsubcontractors; k++)
                printf(" %s",
                       cli_safe(cli_party_named(named, sizeof(named), reg, p->subcontractors[k])));
            putchar('\n');
            continue;
        }
        printf("%*s  %s ", ind, "", _("manager:"));
        if (p->manager[0])
            printf("%s%s%s (%s)\n", cli_safe(p->manager), p->manager_title[0] ? ", " : "",
                   cli_safe(p->manager_title), cli_safe(p->form1));
        else
            printf("%s%s%s\n", red, _("(no form 1 in force)"), off);
        int wid = 10, wname = 16;
        for (size_t k = 0; k < p->nworkers; k++) {
            wid = fit(wid, p->workers[k].worker_id);
            wname = fit(wname, p->workers[k].name);
        }
        for (size_t k = 0; k < p->nworkers; k++) {
            const itk_who_worker *x = &p->workers[k];
            printf("%*s  ", ind, "");
            label(k ? "" : _("workers:"), 10);
            column(x->worker_id, wid);
            column(x->name, wname);
            if (x->trained)
                printf("%s%s%s (%s)\n", green, _("trained"), off, cli_safe(x->training));
            else
                printf("%s%s%s\n", red, _("not trained: may not handle the information"), off);
        }
        printf("%*s  %s", ind, "", _("subcontractors:"));
        for (size_t k = 0; k < p->nsubcontractors; k++)
            printf(" %s",
                   cli_safe(cli_party_named(named, sizeof(named), reg, p->subcontractors[k])));
        if (p->nsubcontractors)
            putchar('\n');
        else
            printf(" %s\n", _("none"));
        int wreq = 18, wkind = 22;
        for (size_t k = 0; k < p->napprovals; k++) {
            wreq = fit(wreq, p->approvals[k].request);
            wkind = fit(wkind, itk_label_or(l, "request.kind", p->approvals[k].kind));
        }
        for (size_t k = 0; k < p->napprovals; k++) {
            const itk_who_approval *a = &p->approvals[k];
            char until[160] = "";
            const char *day = a->valid_until[0] ? cli_safe(a->valid_until) : _("no limit");
            if (a->max_uses > 0)
                snprintf(until, sizeof(until), _("until %s, used %lld of %lld"), day, a->uses,
                         a->max_uses);
            else
                snprintf(until, sizeof(until), _("until %s"), day);
            printf("%*s  ", ind, "");
            label(k ? "" : _("approvals:"), 12);
            column(a->request, wreq);
            column(itk_label_or(l, "request.kind", a->kind), wkind);
            printf("%s%s%s %s  ", a->open ? green : red, a->open ? _("open") : _("closed"), off,
                   until);
            puts(cli_safe(a->summary));
        }
        if (!p->napprovals)
            printf("%*s  %s\n", ind, "", _("approvals: none"));
        int witem = 12, winfo = 24;
        for (size_t k = 0; k < p->nitems; k++) {
            witem = fit(witem, p->items[k].item_id);
            winfo = fit(winfo, p->items[k].info_name);
        }
        for (size_t k = 0; k < p->nitems; k++) {
            const itk_who_item *x = &p->items[k];
            printf("%*s  ", ind, "");
            label(k ? "" : _("holds:"), 8);
            column(x->item_id, witem);
            column(x->info_name, winfo);
            char day[11];
            snprintf(day, sizeof(day), "%.10s", x->since);
            printf(_("%s %s since %s"), cli_safe(itk_label_or(l, "action", x->action)),
                   cli_safe(x->record), cli_safe(day));
            if (x->derived_from[0])
                printf(_(" (copy of %s)"), cli_safe(x->derived_from));
            if (x->taken_out[0])
                printf(_(" [taken out: %s]"), cli_safe(x->taken_out));
            putchar('\n');
        }
        if (!p->nitems)
            printf("%*s  %s\n", ind, "", _("holds: nothing"));
    }
}

int cmd_who(int argc, char **argv)
{
    itk_who_options o = ITK_WHO_OPTIONS_INIT;
    int json = 0;
    const cli_opt opts[] = {
        {"party", 0, CLI_PARTY, &o.party, "P", N_("only this party"), 0},
        {"at", 0, CLI_DATE, &o.at, "DATE", N_("as of this time (default: now)"), 0},
        {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
        {0}};
    const cli_spec spec = {"who", N_("Who may touch the city's information now, per party."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("who takes options only"));
    itk_registry *reg = NULL;
    itk_who *w = NULL;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (cli_at_after_start(reg, o.at)) {
        itk_registry_free(reg);
        return EXIT_ERROR;
    }
    if (itk_who_run(&w, reg, &o) < 0) {
        itk_registry_free(reg);
        return cli_fail(_("cannot work out who holds what"));
    }
    int rc = EXIT_OK;
    if (json)
        rc = print_json(w);
    else {
        itk_labels *l = cli_labels(reg);
        print_table(reg, w, l);
        itk_labels_free(l);
    }
    itk_who_free(w);
    itk_registry_free(reg);
    return rc;
}
