/* itaku todo: what this party must do now, most urgent first (issue 16,
 * point 5). Exit 0: nothing is due (what is listed, if anything, is pending
 * with a later due date); 1: something is overdue or violated, or a request
 * waits for this party; 2: cannot run. */
#include "cli.h"
#include "itaku/dates.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/commit.h"
#include "itaku/labels.h"
#include "itaku/signer_select.h"
#include "itaku/todo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What is to be done, in the reader's language (--json keeps the code). */
static const char *kind_words(const char *kind)
{
    static const struct {
        const char *code, *words;
    } k[] = {{"decide", N_("decide")},     {"endorse", N_("endorse")},
             {"answer", N_("answer")},     {"return", N_("return or dispose")},
             {"incident", N_("incident")}, {"finding", N_("finding")},
             {"owed", N_("owed to you")}};
    for (size_t i = 0; i < sizeof(k) / sizeof(*k); i++)
        if (strcmp(kind, k[i].code) == 0)
            return _(k[i].words);
    return kind;
}

/* A due time as an officer reads it, as the other views show times
 * (itk_time_shown: the end of a day as the date alone); none: "(no due
 * date)". */
static const char *due_words(char out[ITK_TIME_SHOWN], const char *iso, int offset)
{
    if (!iso[0])
        return _("(no due date)");
    return itk_time_shown(out, iso, offset);
}

static int widest(int w, const char *s)
{
    int x = cli_display_width(cli_safe(s));
    return x > w ? x : w;
}

/* An item's text in the screen's words: the registry's Japanese beside its
 * catalog; else the English, a finding's "<rule>: …" with the rule's words
 * (lab's, the code when it has none). */
static void print_detail(const itk_todo_item *it, const itk_labels *lab)
{
    if (strcmp(itk_labels_lang(lab), "ja") == 0 && it->detail_ja[0]) {
        printf("%s\n", cli_safe(it->detail_ja));
        return;
    }
    const char *colon = strstr(it->detail, ": ");
    char rule[64] = "";
    if (colon && (size_t)(colon - it->detail) < sizeof(rule))
        snprintf(rule, sizeof(rule), "%.*s", (int)(colon - it->detail), it->detail);
    const char *words = rule[0] ? itk_labels_get(lab, "rule", rule) : NULL;
    if (words) {
        fputs(cli_safe(words), stdout);
        printf(": %s\n", cli_safe(colon + 2));
    } else
        printf("%s\n", cli_safe(it->detail));
}

int cmd_todo(int argc, char **argv)
{
    int json = 0;
    const char *party = NULL, *at = NULL;
    const cli_opt opts[] = {
        {"party", 0, CLI_PARTY, &party, "P", N_("whose list (default: this registry's party)"), 0},
        {"at", 0, CLI_DATE, &at, "DATE", N_("as of this time (default: now)"), 0},
        {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
        {0}};
    const cli_spec spec = {
        "todo",
        N_("What this party must do now, most urgent first: requests awaiting its endorsement or "
           "decision, instructions to answer, its own overdue or violated findings, items to "
           "return or dispose by the contract's end, open incidents, and what its descendants owe "
           "it. Exit 0: nothing is due now (what is listed is pending with a later due date); "
           "1: something is overdue or violated, or a request waits for this party; 2: it "
           "cannot run."),
        opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc)
        return cli_bad(&spec, _("todo takes options only"));
    itk_registry *reg = NULL;
    itk_todo_item *l = NULL;
    size_t n = 0;
    char me[ITK_PARTY_ID_MAX + 1];
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (cli_at_after_start(reg, at)) {
        itk_registry_free(reg);
        return EXIT_ERROR;
    }
    if (party)
        snprintf(me, sizeof(me), "%s", party);
    else if (cli_whose(me, reg)) {
        fprintf(stderr, _("itaku: whose to-do list? This registry names no party (git config "
                          "itaku.party) and no signing key is set; give --party P\n"));
        goto done;
    }
    if (itk_todo(&l, &n, reg, me, at) < 0) {
        rc = cli_fail(_("cannot make the to-do list"));
        goto done;
    }
    char now[32] = "";
    if (!at && itk_registry_now(now, reg) < 0)
        itk_error_clear();
    char at_shown[ITK_TIME_SHOWN], pname[256];
    int at_offset = 540;
    if (!json && at && itk_registry_offset(&at_offset, reg) < 0)
        itk_error_clear();
    if (json) {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            cli_jappend(&items,
                        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "kind",
                                  cli_jstr(l[i].kind), "party", cli_jstr(l[i].party), "state",
                                  cli_jstr(l[i].state), "section", cli_jstr(l[i].section),
                                  "subject", cli_jstr(l[i].subject), "due", cli_jstr(l[i].due),
                                  "detail", cli_jstr(l[i].detail), "detail_ja",
                                  cli_jstr(l[i].detail_ja)));
        json_t *doc = json_pack("{s:o, s:o, s:o}", "party", cli_jstr(me), "at",
                                cli_jstr(at ? at : now), "items", items);
        if (cli_json_print(doc) != EXIT_OK)
            goto done;
    } else if (!n)
        printf(at ? _("Nothing to do for %s as of %s.\n") : _("Nothing to do for %s.\n"),
               cli_safe(cli_party_shown(pname, sizeof(pname), reg, me)),
               at ? itk_time_shown(at_shown, at, at_offset) : "");
    else {
        /* the states in the city's words, as status shows them */
        itk_labels *lab = cli_labels(reg);
        printf(at ? _("To do for %s as of %s, most urgent first:\n")
                  : _("To do for %s, most urgent first:\n"),
               cli_safe(cli_party_shown(pname, sizeof(pname), reg, me)),
               at ? itk_time_shown(at_shown, at, at_offset) : "");
        /* columns as wide as their widest cell, in terminal columns
         * (Japanese takes two each) */
        int wn = snprintf(NULL, 0, "%zu", n), ws = 0, wk = 0, wp = 0, wd = 0, wj = 0;
        char t[ITK_TIME_SHOWN];
        int offset = 540;
        if (itk_registry_offset(&offset, reg) < 0)
            itk_error_clear();
        for (size_t i = 0; i < n; i++) {
            ws = widest(ws, itk_label_or(lab, "state", l[i].state));
            wk = widest(wk, kind_words(l[i].kind));
            wp = widest(wp, cli_party_shown(pname, sizeof(pname), reg, l[i].party));
            wd = widest(wd, due_words(t, l[i].due, offset));
            wj = widest(wj, l[i].subject[0] ? l[i].subject : "-");
        }
        for (size_t i = 0; i < n; i++) {
            /* subject and detail quote other parties' text (a request's
             * summary): shown, never obeyed, one row each */
            printf("%*zu. ", wn, i + 1);
            cli_pad(itk_label_or(lab, "state", l[i].state), ws + 1);
            cli_pad(kind_words(l[i].kind), wk + 1);
            cli_pad(cli_party_shown(pname, sizeof(pname), reg, l[i].party), wp + 1);
            cli_pad(due_words(t, l[i].due, offset), wd + 1);
            cli_pad(l[i].subject[0] ? l[i].subject : "-", wj + 1);
            print_detail(&l[i], lab);
        }
        itk_labels_free(lab);
    }
    rc = EXIT_OK;
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].state, "pending") != 0 || strcmp(l[i].kind, "decide") == 0 ||
            strcmp(l[i].kind, "endorse") == 0)
            rc = EXIT_NO;
done:
    free(l);
    itk_registry_free(reg);
    return rc;
}
