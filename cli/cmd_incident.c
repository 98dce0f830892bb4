/* itaku incident report: an incident report (first, follow-up or final),
 * validated and recorded at once (seed §10). */
#include "cli.h"
#include "i18n.h"

#include <stdio.h>
#include <string.h>

int cmd_incident(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"report", cmd_incident, N_("report an incident"), CLI_NEEDS_REGISTRY | CLI_NEEDS_SIGNER},
        {0}};
    if (strcmp(argv[0], "report") != 0)
        return cli_dispatch("incident", N_("Report an incident (first report, follow-up, final)."),
                            subs, argc, argv);
    const char *supersedes = NULL, *key = NULL;
    const char *attach_v[32];
    cli_strings attach_list = {attach_v, 0, 32};
    const cli_opt opts[] = {
        {NULL, 0, CLI_PATH, NULL, "FILE|-", N_("the report (a template: itaku form new incident)"),
         0},
        {"supersedes", 0, CLI_ID, &supersedes, "ID",
         N_("the report this one replaces: i-000002, i-2 or 2 (full-width digits too)"), 0},
        {"attach", 0, CLI_STRING, &attach_list, "FIELD=FILE",
         N_("attach FILE and cite it in the form's FIELD (may repeat; every party sees it, for "
            "ever)"),
         CLI_MANY},
        CLI_OPT_REFS(&cli_refs),
        CLI_OPT_KEY(&key),
        {0}};
    const cli_spec spec = {"incident report",
                           N_("Record an incident report (first, follow-up or "
                              "final), validated first."),
                           opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc - 1)
        return cli_bad(&spec, _("incident report needs one FILE"));
    return cli_submit_attached("incident", argv[optind], supersedes, key, &attach_list);
}
