/* itaku history ID: one record's or request's story — filing, receipts up
 * the chain, endorsements, decision, withdrawal, supersession, and the
 * records citing it and answering those — in history order. */
#include "cli.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/history.h"
#include "itaku/labels.h"
#include "itaku/registry.h"
#include "itaku/refcheck.h"
#include "itaku/people.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *mark_of(const itk_story_step *s)
{
    return !s->verified ? "✗" : s->is_void || s->decision_void ? "∅" : s->recovered ? "⚑" : "✓";
}

/* A void decision's step in JSON (DESIGN V12, V9): the seals it lists that
 * were made with a stolen key, what the rest fall short of and where that
 * rule is set. */
static json_t *decision_void_json(const itk_story_step *s)
{
    return json_pack("{s:o*, s:o*, s:o*}", "void_seals", cli_jlist(s->void_seals), "missing",
                     cli_jstr(s->void_missing), "rule", cli_jstr(s->void_rule));
}

/* What a step is, in the reader's language (--json keeps the code). */
static const char *what_words(const char *what)
{
    static const struct {
        const char *code, *words;
    } w[] = {{"filed", N_("filed")},           {"received", N_("received")},
             {"endorsed", N_("endorsed")},     {"declined", N_("declined")},
             {"drafted", N_("drafted")},       {"sealed", N_("sealed")},
             {"decided", N_("decided")},       {"withdrawn", N_("withdrawn")},
             {"superseded", N_("superseded")}, {"supersedes", N_("supersedes")},
             {"answered", N_("answered")},     {"cited", N_("cited")}};
    for (size_t i = 0; i < sizeof(w) / sizeof(*w); i++)
        if (strcmp(what, w[i].code) == 0)
            return _(w[i].words);
    return what;
}

/* The display name of a step's signer at its commit (itaku/people.h), "" for
 * none. */
static const char *step_name(itk_buf *name, itk_registry *reg, const itk_story_step *s)
{
    git_oid id;
    itk_buf_clear(name);
    if (git_oid_fromstr(&id, s->commit) < 0 ||
        itk_principal_name_at(name, itk_registry_repo(reg), &id, s->party, s->principal) < 0)
        itk_error_clear();
    return name->size ? name->ptr : "";
}

int cmd_history(int argc, char **argv)
{
    int json = 0;
    const cli_opt opts[] = {{NULL, 0, CLI_ID, NULL, "ID", N_("a record or request"), 0},
                            {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
                            {0}};
    const cli_spec spec = {"history", N_("Tell one record's or request's story, step by step."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind + 1 != argc)
        return cli_bad(&spec, _("history needs one record or request ID"));
    itk_registry *reg = NULL;
    itk_story *st = NULL;
    itk_story_options o = ITK_STORY_OPTIONS_INIT;
    o.progress = cli_progress();
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (itk_story_run(&st, reg, argv[optind], &o) < 0) {
        itk_registry_free(reg);
        return cli_fail(_("cannot tell the history"));
    }
    int rc = EXIT_OK;
    itk_buf name = ITK_BUF_INIT;
    if (json) {
        json_t *steps = json_array();
        for (size_t i = 0; i < itk_story_count(st); i++) {
            const itk_story_step *s = itk_story_get(st, i);
            const char *keys[] = {"what",      "record", "type",   "path", "party",
                                  "principal", "action", "commit", "date", "detail"};
            const char *vals[] = {s->what,      s->record, s->type,   s->path, s->party,
                                  s->principal, s->action, s->commit, s->date, s->detail};
            json_t *step = json_pack("{s:i}", "depth", s->depth);
            for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
                cli_jset(&step, keys[k], cli_jstr(vals[k]));
            cli_jset(&step, "principal_name", cli_jstr(step_name(&name, reg, s)));
            cli_jset(&step, "verified", json_boolean(s->verified));
            cli_jset(&step, "void", json_boolean(s->is_void));
            cli_jset(&step, "recovered", json_boolean(s->recovered));
            if (s->decision_void)
                cli_jset(&step, "decision_void", decision_void_json(s));
            cli_jappend(&steps, step);
        }
        rc = cli_json_print(json_pack("{s:o, s:b, s:o}", "subject", cli_jstr(itk_story_subject(st)),
                                      "missing", itk_story_missing(st), "steps", steps));
    } else {
        int color = cli_color(1);
        static const char heading[] = N_("History of %s\n");
        int ja = _(heading) != heading;
        itk_labels *labels = ja ? cli_labels(reg) : NULL;
        git_tree *tree = NULL;
        if (ja && itk_registry_head_tree(&tree, reg) < 0)
            itk_error_clear();
        printf(itk_story_missing(st) ? _("History of %s (no such record here; records cite it)\n")
                                     : _(heading),
               cli_safe(itk_story_subject(st)));
        /* the steps' who, found first: the columns are as wide as their
         * widest value (ＪＯＨＮ ＳＭＩＴＨ is 19 columns), so that every
         * commit starts at one place whatever the depth */
        size_t n = itk_story_count(st);
        char(*whos)[300] = n ? calloc(n, sizeof(*whos)) : NULL;
        int wwhat = 11, wwho = 22;
        for (size_t i = 0; i < n && whos; i++) {
            const itk_story_step *s = itk_story_get(st, i);
            char *who = whos[i];
            const char *person = step_name(&name, reg, s);
            /* on a Japanese screen the party's name and the role's word
             * (株式会社アクメ 管理責任者), else the ids (acme/manager) */
            char pname[256] = "";
            if (ja && tree)
                itk_party_name_in(pname, sizeof(pname), reg, tree, s->party);
            if (ja)
                snprintf(who, sizeof(whos[i]), "%s %s%s%s%s", pname[0] ? pname : s->party,
                         itk_ref_code_shown(labels, heading, "principal", s->principal),
                         *person ? "（" : "", person, *person ? "）" : "");
            else
                snprintf(who, sizeof(whos[i]), "%s/%s%s%s%s", s->party, s->principal,
                         *person ? " (" : "", person, *person ? ")" : "");
            int a = cli_display_width(cli_safe(what_words(s->what))) + 1;
            int b = 2 * s->depth + cli_display_width(cli_safe(who)) + 1;
            wwhat = a > wwhat ? a : wwhat;
            wwho = b > wwho ? b : wwho;
        }
        for (size_t i = 0; i < n && whos; i++) {
            const itk_story_step *s = itk_story_get(st, i);
            char when[24];
            snprintf(when, sizeof(when), "%.10s %.5s", s->date, s->date + 11);
            printf("%s  %s%s%s %*s", cli_safe(when),
                   color ? (s->verified && !s->is_void ? "\033[32m" : "\033[31m") : "", mark_of(s),
                   color ? "\033[0m" : "", 2 * s->depth, "");
            cli_pad(what_words(s->what), wwhat);
            cli_pad(whos[i], wwho - 2 * s->depth);
            if (s->is_void)
                printf(_("%.12s  %s [void: signed after its key's compromise; does not count]\n"),
                       cli_safe(s->commit), cli_safe(s->detail));
            else
                printf("%.12s  %s\n", cli_safe(s->commit), cli_safe(s->detail));
            if (s->decision_void)
                /* TRANSLATORS: the seals' ids, the posts still needed, where
                 * the decision rule is set */
                printf(_("%*s∅ void decision: without seal %s, made after its key's last good "
                         "commit before it was reported compromised, the seals it lists fall "
                         "short of the decision rule (%s more, %s); it does not count, and the "
                         "request waits for a decision again\n"),
                       19 + 2 * s->depth, "", cli_safe(s->void_seals), cli_safe(s->void_missing),
                       cli_safe(s->void_rule));
        }
        if (n && !whos)
            rc = cli_fail(_("out of memory"));
        free(whos);
        git_tree_free(tree);
        itk_labels_free(labels);
    }
    itk_buf_dispose(&name);
    itk_story_free(st);
    itk_registry_free(reg);
    return rc;
}
