/* itaku who: who may touch the city's information now — per party its
 * manager, workers and their training, approved subcontractors, open
 * approvals and the items it holds. */
#include "cli.h"
#include "itaku/who.h"

#include <stdio.h>
#include <string.h>

static void json_field(const char *key, const char *value, int first)
{
    printf("%s\"%s\":", first ? "" : ",", key);
    cli_json_string(value);
}

static void print_json(const itk_who *w)
{
    printf("{\"at\":");
    cli_json_string(itk_who_at(w));
    printf(",\"parties\":[");
    for (size_t i = 0; i < itk_who_count(w); i++) {
        const itk_who_party *p = itk_who_get(w, i);
        printf("%s{", i ? "," : "");
        json_field("party", p->party, 1);
        json_field("name", p->name, 0);
        json_field("role", p->role, 0);
        json_field("parent", p->parent, 0);
        printf(",\"depth\":%d,\"manager\":", p->depth);
        if (p->manager[0] || p->form1[0]) {
            putchar('{');
            json_field("name", p->manager, 1);
            json_field("title", p->manager_title, 0);
            json_field("dept", p->manager_dept, 0);
            json_field("record", p->form1, 0);
            putchar('}');
        } else
            printf("null");
        printf(",\"workers\":[");
        for (size_t k = 0; k < p->nworkers; k++) {
            const itk_who_worker *x = &p->workers[k];
            printf("%s{", k ? "," : "");
            json_field("worker_id", x->worker_id, 1);
            json_field("name", x->name, 0);
            json_field("dept", x->dept, 0);
            printf(",\"trained\":%s", x->trained ? "true" : "false");
            json_field("training", x->training, 0);
            putchar('}');
        }
        printf("],\"subcontractors\":[");
        for (size_t k = 0; k < p->nsubcontractors; k++) {
            printf("%s", k ? "," : "");
            cli_json_string(p->subcontractors[k]);
        }
        printf("],\"approvals\":[");
        for (size_t k = 0; k < p->napprovals; k++) {
            const itk_who_approval *a = &p->approvals[k];
            printf("%s{", k ? "," : "");
            json_field("request", a->request, 1);
            json_field("kind", a->kind, 0);
            json_field("summary", a->summary, 0);
            json_field("decision", a->decision, 0);
            json_field("decided_on", a->decided_on, 0);
            json_field("valid_until", a->valid_until, 0);
            printf(",\"max_uses\":%lld,\"uses\":%lld,\"open\":%s}", a->max_uses, a->uses,
                   a->open ? "true" : "false");
        }
        printf("],\"items\":[");
        for (size_t k = 0; k < p->nitems; k++) {
            const itk_who_item *x = &p->items[k];
            printf("%s{", k ? "," : "");
            json_field("item_id", x->item_id, 1);
            json_field("info_name", x->info_name, 0);
            json_field("action", x->action, 0);
            json_field("record", x->record, 0);
            json_field("since", x->since, 0);
            json_field("derived_from", x->derived_from, 0);
            json_field("taken_out", x->taken_out, 0);
            putchar('}');
        }
        printf("]}");
    }
    puts("]}");
}

static void print_table(const itk_who *w)
{
    int color = cli_color(1);
    const char *green = color ? "\033[32m" : "", *red = color ? "\033[31m" : "";
    const char *off = color ? "\033[0m" : "";
    printf("Who may touch the information, as of %s\n", itk_who_at(w));
    for (size_t i = 0; i < itk_who_count(w); i++) {
        const itk_who_party *p = itk_who_get(w, i);
        int ind = 2 * p->depth;
        printf("\n%*s%s %s (%s)\n", ind, "", p->party, p->name, p->role);
        if (!strcmp(p->role, "city") && !p->form1[0] && !p->nitems && !p->napprovals) {
            printf("%*s  contractors:", ind, "");
            for (size_t k = 0; k < p->nsubcontractors; k++)
                printf(" %s", p->subcontractors[k]);
            putchar('\n');
            continue;
        }
        printf("%*s  manager: ", ind, "");
        if (p->manager[0])
            printf("%s%s%s (%s)\n", p->manager, p->manager_title[0] ? ", " : "", p->manager_title,
                   p->form1);
        else
            printf("%s(no form 1 in force)%s\n", red, off);
        for (size_t k = 0; k < p->nworkers; k++) {
            const itk_who_worker *x = &p->workers[k];
            printf("%*s  ", ind, "");
            cli_pad(k ? "" : "workers:", 10);
            cli_pad(x->worker_id, 10);
            cli_pad(x->name, 16);
            if (x->trained)
                printf("%strained%s (%s)\n", green, off, x->training);
            else
                printf("%snot trained: may not handle the information%s\n", red, off);
        }
        printf("%*s  subcontractors:", ind, "");
        for (size_t k = 0; k < p->nsubcontractors; k++)
            printf(" %s", p->subcontractors[k]);
        puts(p->nsubcontractors ? "" : " none");
        for (size_t k = 0; k < p->napprovals; k++) {
            const itk_who_approval *a = &p->approvals[k];
            char uses[48] = "", until[40] = "";
            if (a->max_uses > 0)
                snprintf(uses, sizeof(uses), ", used %lld of %lld", a->uses, a->max_uses);
            snprintf(until, sizeof(until), "%s", a->valid_until[0] ? a->valid_until : "no limit");
            printf("%*s  ", ind, "");
            cli_pad(k ? "" : "approvals:", 12);
            cli_pad(a->request, 18);
            cli_pad(a->kind, 22);
            printf("%s%s%s until %s%s  ", a->open ? green : red, a->open ? "open" : "closed", off,
                   until, uses);
            puts(a->summary);
        }
        if (!p->napprovals)
            printf("%*s  approvals: none\n", ind, "");
        for (size_t k = 0; k < p->nitems; k++) {
            const itk_who_item *x = &p->items[k];
            printf("%*s  ", ind, "");
            cli_pad(k ? "" : "holds:", 8);
            cli_pad(x->item_id, 12);
            cli_pad(x->info_name, 24);
            printf("%s %s since %.10s", x->action, x->record, x->since);
            if (x->derived_from[0])
                printf(" (copy of %s)", x->derived_from);
            if (x->taken_out[0])
                printf(" [taken out: %s]", x->taken_out);
            putchar('\n');
        }
        if (!p->nitems)
            printf("%*s  holds: nothing\n", ind, "");
    }
}

int cmd_who(int argc, char **argv)
{
    itk_who_options o = ITK_WHO_OPTIONS_INIT;
    int json = 0;
    const cli_opt opts[] = {{"party", 0, CLI_PARTY, &o.party, "P", "only this party", 0},
                            {"at", 0, CLI_DATE, &o.at, "DATE", "as of this time (default: now)", 0},
                            {"json", 0, CLI_SWITCH, &json, NULL, "print JSON", 0},
                            {0}};
    const cli_spec spec = {"who", "Who may touch the city's information now, per party.", opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, "who takes options only");
    itk_registry *reg = NULL;
    itk_who *w = NULL;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_who_run(&w, reg, &o) < 0) {
        itk_registry_free(reg);
        return cli_fail("cannot work out who holds what");
    }
    if (json)
        print_json(w);
    else
        print_table(w);
    itk_who_free(w);
    itk_registry_free(reg);
    return EXIT_OK;
}
