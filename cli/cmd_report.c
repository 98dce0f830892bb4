/* itaku report --html DIR: a static, self-contained site in Japanese — the
 * chain, status per party, who holds what, requests, the timeline and every
 * form as its printable page — that opens from a disk without a server. */
#include "cli.h"
#include "i18n.h"
#include "itaku/report.h"

#include <stdio.h>

int cmd_report(int argc, char **argv)
{
    itk_report_options o = ITK_REPORT_OPTIONS_INIT;
    const char *dir = NULL;
    const cli_opt opts[] = {
        {"html", 0, CLI_PATH, &dir, "DIR", N_("the folder to write the report into"), 0},
        {"at", 0, CLI_DATE, &o.at, "DATE", N_("as of this time (default: now)"), 0},
        {0}};
    const cli_spec spec = {"report",
                           N_("Write a static HTML report: chain, status, timeline, forms."), opts};
    int parsed = cli_parse(&spec, argc, argv);
    if (parsed >= 0)
        return parsed;
    if (optind != argc || !dir)
        return cli_bad(&spec, _("report needs --html DIR"));
    itk_registry *reg = NULL;
    size_t pages = 0;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    if (cli_at_after_start(reg, o.at)) {
        itk_registry_free(reg);
        return EXIT_ERROR;
    }
    o.progress = cli_progress();
    if (itk_report_write(reg, dir, &o, &pages) < 0) {
        itk_registry_free(reg);
        return cli_fail(_("cannot write the report"));
    }
    fprintf(
        stderr,
        P_("wrote %zu page; open %s/index.html\n", "wrote %zu pages; open %s/index.html\n", pages),
        pages, dir);
    itk_registry_free(reg);
    return EXIT_OK;
}
