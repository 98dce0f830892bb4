/* itaku withdraw: the requester takes back a pending request. */
#include "cli.h"
#include "itaku/flow.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] = "itaku withdraw REQUEST [--key FILE]";

int cmd_withdraw(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", required_argument, NULL, 'k'}, {"help", no_argument, NULL, 'h'}, {0}};
    const char *key = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'k': key = optarg; break;
        case 'h': printf("usage: %s\n", usage); return EXIT_OK;
        default: return cli_usage(usage, "withdraw: unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage(usage, "withdraw needs one REQUEST");
    itk_registry *reg = NULL;
    itk_signer *signer = NULL;
    git_oid out;
    int rc = EXIT_ERROR;
    if (cli_open_registry(&reg) || cli_open_signer(&signer, reg, key))
        goto done;
    if (itk_request_withdraw(&out, reg, signer, argv[optind]) < 0) {
        rc = cli_fail("nothing was withdrawn");
        goto done;
    }
    printf("Withdrew %s in commit %.12s.\n", argv[optind], git_oid_tostr_s(&out));
    rc = EXIT_OK;
done:
    itk_signer_free(signer);
    itk_registry_free(reg);
    return rc;
}
