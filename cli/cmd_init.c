/* itaku init: the city creates a contract registry and gets its contract
 * sheet, to attach to the paper contract. */
#include "cli.h"
#include "i18n.h"
#include "itaku/init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_init(int argc, char **argv)
{
    itk_init_options o = ITK_INIT_OPTIONS_INIT;
    const char *key = NULL, *rules_file = NULL;
    const char *methods[32];
    cli_strings method_list = {methods, 0, 32};
    o.principal = "officer";
    const cli_opt opts[] = {
        {NULL, 0, CLI_PATH, NULL, "DIR", N_("the new registry's folder"), 0},
        {"contract", 0, CLI_STRING, &o.contract_id, "ID", N_("the contract's id"), 0},
        {"title", 0, CLI_STRING, &o.title, "TEXT", N_("the contract's title"), 0},
        {"city", 0, CLI_STRING, &o.city_id, "ID", N_("the city's party id"), 0},
        {"name", 0, CLI_STRING, &o.city_name, "NAME", N_("the city's name"), 0},
        {"key", 0, CLI_PATH, &key, "FILE", N_("the city's private key"), 0},
        {"principal", 0, CLI_STRING, &o.principal, "NAME", N_("who holds it (default: officer)"),
         0},
        {"principal-name", 0, CLI_STRING, &o.principal_name, "TEXT",
         N_("that person's name as the papers show it (e.g. 田中 花子)"), 0},
        {"start", 0, CLI_DATE, &o.start, "DATE", N_("the contract's first day"), CLI_DAY},
        {"end", 0, CLI_DATE, &o.end, "DATE", N_("the contract's last day"), CLI_DAY},
        {"handover-method", 0, CLI_STRING, &method_list, "M",
         N_("a way records may be handed over (may repeat)"), CLI_MANY},
        {"timezone", 0, CLI_STRING, &o.timezone, "TZ", N_("the contract's time zone"), 0},
        {"principal-post", 0, CLI_STRING, &o.principal_post, "TEXT",
         N_("that person's post (担当, 課長 …; see --decision-rules)"), 0},
        {"decision-rules", 0, CLI_PATH, &rules_file, "FILE",
         N_("who drafts and who seals the city's decisions (決裁): JSON {\"decision_rules\": "
            "[{request_kinds, outcomes, drafters, approvers: [{post, count}], deputies: [{for, "
            "post}]}], post_setters: [POST]} (post_setters, required with decision_rules: the "
            "posts whose holders set officers' posts, e.g. [\"総務\"], --principal-post one of "
            "them; [] leaves it to this officer alone)"),
         0},
        {0}};
    const cli_spec spec = {"init",
                           N_("Create a contract registry (the city) and print the contract "
                              "sheet."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    o.handover_methods = methods;
    o.handover_count = method_list.n;
    if (optind != argc - 1)
        return cli_bad(&spec, _("init needs one DIR"));
    if (!o.contract_id || !o.title || !o.city_id || !o.city_name || !key)
        return cli_bad(&spec, _("init needs --contract, --title, --city, --name and --key"));
    json_t *rules = NULL;
    if (rules_file) {
        if (cli_read_body(&rules, rules_file, 0) != 0)
            return cli_fail(_("cannot read the decision rules"));
        o.decision_rules = json_object_get(rules, "decision_rules");
        o.post_setters = json_object_get(rules, "post_setters");
        if (!json_is_array(o.decision_rules)) {
            fprintf(stderr, _("itaku: %s holds no \"decision_rules\" list; nothing was written\n"),
                    rules_file);
            json_decref(rules);
            return EXIT_ERROR;
        }
    }
    itk_signer *signer = NULL;
    if (cli_open_signer(&signer, NULL, key)) {
        json_decref(rules);
        return EXIT_ERROR;
    }
    git_oid genesis;
    itk_buf fpr = ITK_BUF_INIT;
    int rc = itk_registry_init(&genesis, argv[optind], &o, signer);
    if (!rc)
        rc = itk_pubkey_fingerprint(&fpr, itk_signer_public(signer));
    itk_signer_free(signer);
    json_decref(rules);
    if (rc) {
        itk_buf_dispose(&fpr);
        return cli_fail(_("cannot create the registry"));
    }
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), &genesis);
    printf(_("Contract sheet (attach to the paper contract)\n"
             "  contract:  %s\n"
             "  title:     %s\n"
             "  genesis:   %s\n"
             "  city key:  %s\n\n"
             "Registry created in %s. Each party joins with:\n"
             "  itaku clone URL DIR --city-key %s --genesis %s\n"),
           o.contract_id, o.title, hex, fpr.ptr, argv[optind], fpr.ptr, hex);
    itk_buf_dispose(&fpr);
    return EXIT_OK;
}
