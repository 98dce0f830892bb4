/* itaku instruct: an instruction to a descendant, with a due date;
 * itaku instructions: what is open for us and for our descendants. */
#include "cli.h"
#include "itaku/dates.h"
#include "i18n.h"
#include "json_out.h"
#include "itaku/form_input.h"
#include "itaku/instruct.h"
#include "itaku/labels.h"
#include "itaku/signer_select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int instruct(int argc, char **argv)
{
    itk_instruct_options o = ITK_INSTRUCT_OPTIONS_INIT;
    const char *items[64], *key = NULL;
    cli_strings item_list = {items, 0, 64};
    const cli_opt opts[] = {
        {NULL, 0, CLI_STRING, NULL, "KIND",
         N_("report, inspection, return, dispose or incident-follow-up"), 0},
        {"to", 0, CLI_PARTY, &o.to, "PARTY", N_("the descendant instructed"), CLI_REQUIRED},
        {"due", 0, CLI_DATE, &o.due, "DATE", N_("when it is due (a date alone: 23:59:59 that day)"),
         CLI_REQUIRED},
        {"text", 0, CLI_STRING, &o.text, "TEXT", N_("what to do"), CLI_REQUIRED},
        {"incident", 0, CLI_STRING, &o.incident_ref, "REF", N_("the incident it follows up"), 0},
        {"item", 0, CLI_STRING, &item_list, "ID", N_("an item concerned (may repeat)"), CLI_MANY},
        {"backdated", 0, CLI_SWITCH, &o.backdated, NULL,
         N_("the due date is already past, and that is meant (recorded as such)"), 0},
        {"reason", 0, CLI_STRING, &o.reason, "TEXT",
         N_("why a backdated instruction is given, or why --unverified-ref"), 0},
        CLI_OPT_UNVERIFIED(&cli_refs),
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"instruct",
                           N_("Instruct a descendant: report, inspection, return, "
                              "dispose, incident follow-up; it reaches them when they pull. "
                              "`instruct amend N` and `instruct withdraw N` correct one of ours."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    o.item_ids = items;
    o.item_count = item_list.n;
    if (cli_refs.unverified) {
        /* one --reason says why it is backdated and why unverified */
        cli_refs.reason = o.reason;
        o.refs = &cli_refs;
    }
    if (optind != argc - 1 || !o.to || !o.due || !o.text)
        return cli_bad(&spec, _("instruct needs KIND, --to, --due and --text"));
    /* the kind as the city's word for it (報告の求め) too */
    char kind_code[64] = "";
    if (itk_form_choice(kind_code, sizeof(kind_code), "instruction", "kind", argv[optind]) < 0)
        itk_error_clear();
    o.kind = kind_code[0] ? kind_code : argv[optind];
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_buf name = ITK_BUF_INIT;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_instruct(&name, &out, reg, signer, &o) < 0) {
        fprintf(stderr, _("itaku: nothing was written:\n%s\n"),
                cli_safe_block(itk_error_last(), ""));
        goto done;
    }
    printf("%s\n", name.ptr);
    fprintf(stderr, _("Instructed %s in commit %.12s; it reaches %s when it pulls.\n"), o.to,
            git_oid_tostr_s(&out), o.to);
    rc = EXIT_OK;
done:
    itk_buf_dispose(&name);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

/* itaku instruct amend|withdraw N: a new version superseding one of ours. */
static int change(int argc, char **argv)
{
    itk_instruct_change_options o = ITK_INSTRUCT_CHANGE_OPTIONS_INIT;
    const char *key = NULL;
    int withdraw = strcmp(argv[0], "withdraw") == 0;
    const cli_opt amend_opts[] = {
        {NULL, 0, CLI_ID, NULL, "INSTRUCTION",
         N_("ours: <party>/n-000005, or n-000005, n-5 or 5 (full-width digits too)"), 0},
        {"due", 0, CLI_DATE, &o.due, "DATE", N_("when it is due (a date alone: 23:59:59 that day)"),
         0},
        {"text", 0, CLI_STRING, &o.text, "TEXT", N_("the new text"), 0},
        {"reason", 0, CLI_STRING, &o.reason, "TEXT", N_("why it is amended"), CLI_REQUIRED},
        {"backdated", 0, CLI_SWITCH, &o.backdated, NULL, N_("the new due date is past, and meant"),
         0},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_opt withdraw_opts[] = {
        {NULL, 0, CLI_ID, NULL, "INSTRUCTION",
         N_("ours: <party>/n-000005, or n-000005, n-5 or 5 (full-width digits too)"), 0},
        {"reason", 0, CLI_STRING, &o.reason, "TEXT", N_("why it is withdrawn"), CLI_REQUIRED},
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec =
        withdraw ? (cli_spec){"instruct withdraw",
                              N_("Withdraw one of our instructions: a new record that supersedes "
                                 "it; nothing is owed under it any more. The history keeps both."),
                              withdraw_opts}
                 : (cli_spec){"instruct amend",
                              N_("Amend one of our instructions (its due date or text): a new "
                                 "record that supersedes it; status follows the latest."),
                              amend_opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1 || !o.reason)
        return cli_bad(&spec, _("%s needs INSTRUCTION and --reason"), spec.name);
    o.instruction = argv[optind];
    o.withdraw = withdraw;
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_buf name = ITK_BUF_INIT;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_instruct_change(&name, &out, reg, signer, &o) < 0) {
        fprintf(stderr, _("itaku: nothing was written:\n%s\n"),
                cli_safe_block(itk_error_last(), ""));
        goto done;
    }
    printf("%s\n", name.ptr);
    /* the record amended, as the core resolved what was typed (N-1 is
     * <issuer>/n-000001; the issuer is the new version's party) */
    char issuer[ITK_PARTY_ID_MAX + 1], amended[128];
    snprintf(issuer, sizeof(issuer), "%.*s", (int)strcspn(name.ptr, "/"), name.ptr);
    if (!itk_instruction_ref_input(amended, sizeof(amended), o.instruction, issuer))
        snprintf(amended, sizeof(amended), "%s", o.instruction);
    fprintf(stderr,
            withdraw ? _("Withdrew %s in commit %.12s (the new version is %s); it reaches the "
                         "party instructed when it pulls.\n")
                     : _("Amended %s in commit %.12s (the new version is %s); it reaches the "
                         "party instructed when it pulls.\n"),
            amended, git_oid_tostr_s(&out), name.ptr);
    rc = EXIT_OK;
done:
    itk_buf_dispose(&name);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

static int list(int argc, char **argv)
{
    int all = 0, json = 0;
    const cli_opt opts[] = {{"all", 0, CLI_SWITCH, &all, NULL, N_("closed ones too"), 0},
                            {"json", 0, CLI_SWITCH, &json, NULL, N_("print JSON"), 0},
                            {0}};
    const cli_spec spec = {"instructions", N_("List open instructions for us and our descendants."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    itk_instruction_info *l = NULL;
    size_t n = 0;
    char me[64] = "";
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    /* whose view: the signing key's party when one is set, else everything */
    itk_identity who;
    if (itk_signer_open(&signer, reg, NULL, getenv("SSH_AUTH_SOCK")) == 0 &&
        itk_signer_identity(&who, reg, signer) == 0)
        snprintf(me, sizeof(me), "%s", who.party);
    itk_error_clear();
    if (itk_instruction_list(&l, &n, reg, me[0] ? me : NULL) < 0) {
        itk_signer_free(signer);
        itk_registry_free(reg);
        return cli_fail(_("cannot list instructions"));
    }
    json_t *out = json ? json_array() : NULL;
    itk_labels *labels = json ? NULL : cli_labels(reg);
    /* the parties' columns as wide as their widest name (あきる野市 総務部情報政策課) */
    int wf = 14, wt = 18;
    for (size_t i = 0; !json && i < n; i++) {
        if (!all && (l[i].answer[0] || l[i].withdrawn))
            continue;
        int f = cli_display_width(cli_safe(l[i].from_name[0] ? l[i].from_name : l[i].from));
        int t = cli_display_width(cli_safe(l[i].to_name[0] ? l[i].to_name : l[i].to));
        wf = f > wf ? f : wf;
        wt = t > wt ? t : wt;
    }
    if (!json)
        cli_heading(6, 22, _("INSTRUCTION"), wf, _("FROM"), wt, _("TO"), 18, _("KIND"), 18,
                    _("DUE"), 0, _("ANSWER"));
    int offset = 540;
    if (itk_registry_offset(&offset, reg) < 0)
        itk_error_clear();
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (!all && (l[i].answer[0] || l[i].withdrawn))
            continue;
        if (json)
            cli_jappend(&out,
                        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o}",
                                  "instruction", cli_jstr(l[i].name), "from", cli_jstr(l[i].from),
                                  "to", cli_jstr(l[i].to), "kind", cli_jstr(l[i].kind), "due",
                                  cli_jstr(l[i].due), "answer", cli_jstr(l[i].answer), "text",
                                  cli_jstr(l[i].text), "withdrawn", l[i].withdrawn, "corrected_by",
                                  cli_jstr(l[i].corrected_by), "reason", cli_jstr(l[i].reason)));
        else {
            /* the kind in the city's words (報告の求め), padded by display width */
            /* the parties by their names (あきる野市), their ids when unnamed */
            printf("%-22s ", cli_safe(l[i].name));
            cli_pad(l[i].from_name[0] ? l[i].from_name : l[i].from, wf);
            printf(" ");
            cli_pad(l[i].to_name[0] ? l[i].to_name : l[i].to, wt);
            printf(" ");
            cli_pad(itk_label_or(labels, "instruction.kind", l[i].kind), 18);
            char due[ITK_TIME_SHOWN];
            printf(" %-18s ", cli_safe(itk_time_shown(due, l[i].due, offset)));
            if (l[i].withdrawn && l[i].corrected_by[0])
                /* TRANSLATORS: the withdrawing record, then the reason it gives */
                printf(_("(withdrawn by %s: %s)"), cli_safe(l[i].corrected_by),
                       cli_safe(l[i].reason));
            else
                printf("%s", l[i].answer[0]   ? cli_safe(l[i].answer)
                             : l[i].withdrawn ? _("(withdrawn)")
                                              : _("(open)"));
            if (!l[i].withdrawn && l[i].corrected_by[0])
                /* TRANSLATORS: the amending record, then the reason it gives */
                printf(_(" (amended by %s: %s)"), cli_safe(l[i].corrected_by),
                       cli_safe(l[i].reason));
            printf("\n");
        }
        first = 0;
    }
    int rc = EXIT_OK;
    if (json)
        rc = cli_json_print(out);
    else if (first)
        printf(_("(none open)\n"));
    itk_labels_free(labels);
    free(l);
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}

int cmd_instruct(int argc, char **argv)
{
    if (strcmp(argv[0], "instructions") == 0)
        return list(argc, argv);
    if (argc > 1 && (strcmp(argv[1], "amend") == 0 || strcmp(argv[1], "withdraw") == 0))
        return change(argc - 1, argv + 1);
    if (argc < 2 && (cli_mode == CLI_MODE_MAN || cli_mode == CLI_MODE_LIST)) {
        /* the man page and `help --list` show the corrections too: they are
         * not cli_dispatch subcommands (instruct's first word is a KIND) */
        char amend[] = "amend", withdraw[] = "withdraw";
        char *a[] = {amend, NULL}, *w[] = {withdraw, NULL};
        instruct(argc, argv);
        change(1, a);
        return change(1, w);
    }
    if (argc < 2 && cli_mode == CLI_MODE_COMPLETE && cli_complete_word &&
        cli_complete_word[0] != '-') {
        /* in place of KIND: the kinds, and the corrections */
        static const char *const words[] = {
            "report", "inspection", "return", "dispose", "incident-follow-up", "amend", "withdraw"};
        for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
            puts(words[i]);
    }
    return instruct(argc, argv);
}
