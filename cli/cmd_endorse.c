/* itaku endorse|decline: a party between a requester and the city vouches
 * for its request, or declines to forward it, in its receipt of the line. */
#include "cli.h"
#include "itaku/flow.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] = "itaku endorse REQUEST [--reason TEXT] [--key FILE]\n"
                            "       itaku decline REQUEST --reason TEXT [--key FILE]";

int cmd_endorse(int argc, char **argv)
{
    static const struct option opts[] = {{"reason", required_argument, NULL, 'r'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    int decline = strcmp(argv[0], "decline") == 0, c;
    const char *reason = NULL, *key = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': reason = optarg; break;
        case 'k': key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "%s: unknown option", argv[0]);
        }
    }
    if (optind != argc - 1)
        return cli_usage(usage, "%s needs one REQUEST", argv[0]);
    if (decline && !reason)
        return cli_usage(usage, "decline needs --reason");
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_request_endorse(&out, reg, signer, argv[optind], decline, reason) < 0) {
        rc = cli_fail("nothing was written");
        goto done;
    }
    printf("%s %s in commit %.12s; its request branch now points there.\n",
           decline ? "Declined to forward" : "Endorsed", argv[optind], git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
