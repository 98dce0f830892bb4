/* itaku report --html DIR: a static, self-contained site in Japanese — the
 * chain, status per party, who holds what, requests, the timeline and every
 * form as its printable page — that opens from a disk without a server. */
#include "cli.h"
#include "itaku/report.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] = "itaku report --html DIR [--at DATE]";

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"html", required_argument, NULL, 'o'},
                                         {"at", required_argument, NULL, 'a'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    itk_report_options o = ITK_REPORT_OPTIONS_INIT;
    const char *dir = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': dir = optarg; break;
        case 'a': o.at = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "report: unknown option");
        }
    }
    if (optind != argc || !dir)
        return cli_usage(usage, "report needs --html DIR");
    itk_registry *reg = NULL;
    size_t pages = 0;
    if (cli_open_registry(&reg))
        return EXIT_ERROR;
    o.progress = cli_progress();
    if (itk_report_write(reg, dir, &o, &pages) < 0) {
        itk_registry_free(reg);
        return cli_fail("cannot write the report");
    }
    fprintf(stderr, "wrote %zu pages; open %s/index.html\n", pages, dir);
    itk_registry_free(reg);
    return EXIT_OK;
}
