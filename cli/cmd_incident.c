/* itaku incident report: an incident report (first, follow-up or final),
 * validated and recorded at once (seed §10). */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "itaku incident report FILE|- [--supersedes ID] [--key FILE]\n"
                            "(a template: itaku form new incident)";

int cmd_incident(int argc, char **argv)
{
    static const struct option opts[] = {{"supersedes", required_argument, NULL, 's'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    if (argc < 2 || strcmp(argv[1], "report") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            printf("usage: %s\n", usage);
            return EXIT_OK;
        }
        return cli_usage(usage, "incident: the command is `incident report FILE`");
    }
    const char *supersedes = NULL, *key = NULL;
    int c;
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': supersedes = optarg; break;
        case 'k': key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "incident report: unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage(usage, "incident report needs one FILE");
    return cli_submit_record("incident", argv[optind], supersedes, key);
}
